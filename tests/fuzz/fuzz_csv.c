/*
 * libFuzzer target for the CSV reader. The first three bytes choose the dialect options,
 * the limits and how the input arrives (buffer size, bytes per read); the rest is the CSV.
 * Checks: records' lines and offsets increase, raw is the input's bytes at offset, fields
 * stay within the limits and are NUL-terminated, errors are file-level codes with a line,
 * and a second read with another buffer and whole reads gives exactly the same answers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "csv/csv.h"
#include "chunked.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211u;
	return h;
}

/* Reads everything, checks the invariants, returns a hash of every answer. */
static uint64_t read_all(const struct csv_reader_opts *opts, const char *in, size_t n,
			 size_t step)
{
	struct chunked src = {in, n, 0, step};
	const struct csv_record *rec;
	struct csv_reader *r;
	struct err err;
	uint64_t h = 1469598103934665603u, prev_end = 0, next_off = 0, lines = 1;
	int rc;

	for (size_t i = 0; i < n; i++)	/* an upper bound on the line numbers */
		lines += in[i] == '\n' || in[i] == '\r';
	if (csv_reader_new(opts, chunked_read, &src, &r, &err) < 0)
		abort();
	while ((rc = csv_reader_next(r, &rec, &err)) == 1) {
		if (rec->line <= prev_end || rec->end_line < rec->line || rec->end_line > lines)
			abort();
		if (rec->offset < next_off || rec->offset + rec->raw_len > n ||
		    memcmp(rec->raw, in + rec->offset, rec->raw_len) != 0)
			abort();
		if (rec->nfields == 0 || rec->nfields > opts->max_columns ||
		    rec->raw_len > opts->max_record)
			abort();
		for (size_t i = 0; i < rec->nfields; i++) {
			const struct csv_field *f = &rec->fields[i];

			if (f->len > opts->max_cell || f->len > rec->raw_len || f->ptr[f->len] != '\0')
				abort();
			h = mix(h, &f->len, sizeof(f->len));
			h = mix(h, f->ptr, f->len);
			h = mix(h, &f->quoted, sizeof(f->quoted));
		}
		h = mix(h, &rec->line, sizeof(rec->line));
		h = mix(h, &rec->end_line, sizeof(rec->end_line));
		h = mix(h, &rec->offset, sizeof(rec->offset));
		prev_end = rec->end_line;
		next_off = rec->offset + rec->raw_len + 1;
	}
	if (rc < 0) {
		if ((err.code != ERR_MALFORMED_CSV && err.code != ERR_TOO_LARGE) || err.line == 0 ||
		    err.line > lines)
			abort();
		h = mix(h, &err.code, sizeof(err.code));
		h = mix(h, &err.line, sizeof(err.line));
	}
	h = mix(h, &(char){csv_reader_delimiter(r)}, 1);
	h = mix(h, &(bool){csv_reader_bom(r)}, 1);
	h = mix(h, &(bool){csv_reader_header_block(r) != NULL}, 1);
	csv_reader_free(r);
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = {0, ',', ';', '\t', '|', 0, ',', ';'};
	static const size_t buffers[] = {1, 2, 3, 7, 16, 64, 4096, 0};
	static const size_t steps[] = {1, 2, 5, 13, 64, 1000, 65536, SIZE_MAX};
	struct csv_reader_opts opts = {0};
	const char *in = (const char *)data + 3;
	uint64_t first;
	size_t n;

	if (size < 3)
		return 0;
	n = size - 3;
	opts.delimiter = delims[data[0] & 7];
	opts.header_block = data[0] & 8;
	if (data[2] & 1) {	/* small limits, so that inputs reach them */
		opts.max_cell = 1 + (data[2] >> 1 & 31);
		opts.max_record = 1 + (data[2] >> 1 & 127);
		opts.max_columns = 1 + (data[2] >> 4 & 15);
	} else {
		opts.max_cell = 1 << 20;
		opts.max_record = 16 << 20;
		opts.max_columns = 10000;
	}
	opts.buffer_bytes = buffers[data[1] & 7];
	first = read_all(&opts, in, n, steps[data[1] >> 3 & 7]);
	opts.buffer_bytes = 0;
	if (read_all(&opts, in, n, SIZE_MAX) != first)
		abort();
	return 0;
}
