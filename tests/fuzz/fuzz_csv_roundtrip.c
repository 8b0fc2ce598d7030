/*
 * libFuzzer target for the CSV writer and the spreadsheet-safety escaping. The first byte
 * chooses the delimiter, the line end and whether to escape; the rest is rows of cells
 * (0xFE ends a row, 0xFF ends a cell). Checks: unescape(escape(v)) == v, no escaped cell
 * starts with a character of T, and reading the written rows back gives the same cells
 * and, as raw bytes, exactly what was written for each row.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "csv/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 4096

static bool is_trigger(char c)
{
	return c == '\0' || strchr("=+-@\t\r\n", c) != NULL;
}

static void check_escape(const char *p, size_t n)
{
	struct buf b;
	const char *q;
	size_t m;

	buf_init(&b, n + 1);
	csv_escape(&b, p, n);
	if (b.failed || (b.len > 0 && is_trigger(b.ptr[0])))
		abort();
	if (b.len != n + (csv_escape_needed(p, n) ? 1 : 0))
		abort();
	q = b.ptr;
	m = b.len;
	csv_unescape(&q, &m);
	if (m != n || memcmp(q, p, n) != 0)
		abort();
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = {',', ';', '\t', '|'};
	struct csv_writer_opts wo = {0};
	struct csv_reader_opts ro = {0};
	struct csv_field *fields;
	const struct csv_record *rec;
	struct csv_reader *r;
	const char *p, *end;
	size_t *row_start, *row_len, nrows = 0, nf;
	struct buf out;
	struct err err;

	if (size < 1)
		return 0;
	wo.delimiter = delims[data[0] & 3];
	wo.eol = data[0] & 4 ? "\r\n" : "\n";
	wo.escape = data[0] & 8;
	p = (const char *)data + 1;
	end = (const char *)data + size;

	fields = xcalloc(MAX_FIELDS, sizeof(*fields));
	row_start = xcalloc(size + 2, sizeof(*row_start));
	row_len = xcalloc(size + 2, sizeof(*row_len));
	buf_init(&out, 8 * size + 64);
	/* A first row, so that no written row starts the output (a BOM there is skipped). */
	csv_write_record(&out, &wo, &(struct csv_field){"h", 1, false}, 1);
	while (p <= end) {
		const char *row_end = memchr(p, 0xFE, (size_t)(end - p));

		if (!row_end)
			row_end = end;
		nf = 0;
		while (nf < MAX_FIELDS) {
			const char *c = memchr(p, 0xFF, (size_t)(row_end - p));
			const char *ce = c ? c : row_end;

			fields[nf].ptr = p;
			fields[nf].len = (size_t)(ce - p);
			check_escape(p, fields[nf].len);
			nf++;
			p = ce + 1;
			if (!c)
				break;
		}
		row_start[nrows] = out.len;
		csv_write_record(&out, &wo, fields, nf);
		row_len[nrows] = out.len - row_start[nrows] - strlen(wo.eol);
		nrows++;
		p = row_end + 1;
	}
	if (out.failed)
		abort();

	/* Read back: the first row, then every row as written. */
	ro.delimiter = wo.delimiter;
	if (csv_reader_new_mem(&ro, out.ptr, out.len, &r, &err) < 0)
		abort();
	if (csv_reader_next(r, &rec, &err) != 1 || rec->nfields != 1)
		abort();
	p = (const char *)data + 1;
	for (size_t k = 0; k < nrows; k++) {
		const char *row_end = memchr(p, 0xFE, (size_t)(end - p));

		if (!row_end)
			row_end = end;
		if (csv_reader_next(r, &rec, &err) != 1)
			abort();
		if (rec->offset != row_start[k] || rec->raw_len != row_len[k] ||
		    memcmp(rec->raw, out.ptr + row_start[k], row_len[k]) != 0)
			abort();
		for (size_t i = 0; i < rec->nfields; i++) {
			const char *c = memchr(p, 0xFF, (size_t)(row_end - p));
			const char *ce = c ? c : row_end;
			const char *q = rec->fields[i].ptr;
			size_t m = rec->fields[i].len;

			if (wo.escape)
				csv_unescape(&q, &m);
			if (m != (size_t)(ce - p) || memcmp(q, p, m) != 0)
				abort();
			p = ce + 1;
			if (!c && i + 1 != rec->nfields)
				abort();
		}
		p = row_end + 1;
	}
	if (csv_reader_next(r, &rec, &err) != 0)
		abort();
	csv_reader_free(r);
	buf_release(&out);
	free(fields);
	free(row_start);
	free(row_len);
	return 0;
}
