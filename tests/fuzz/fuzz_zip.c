/*
 * libFuzzer target for the ZIP walker: the input is opened as an archive (or whatever it
 * is) and every entry read to its end under small limits. Checks: at least one entry;
 * every error is a file-level code; decompression stops within one chunk of the job's
 * budget, and the source counts every byte it decompressed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/limit.h"
#include "source/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHUNK (64 * 1024)

static void check_code(enum err_code code)
{
	if (code != ERR_OK && err_scope(code) != ERR_SCOPE_FILE && code != ERR_INVALID_STATE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct limits l;
	struct source_opts o = {.limits = &l};
	struct source *src;
	struct err err;
	uint64_t job = 0;
	static char chunk[16384];

	limits_default(&l);
	l.zip_total_bytes = 4 * MIB;
	l.zip_entries = 64;
	l.cell_bytes = 4096;
	l.record_bytes = 16384;
	l.columns = 256;
	o.zip_bytes = &job;
	if (source_open_mem(data, size, &o, &src, &err) < 0)
		abort();	/* memory never fails to open */
	if (source_entry_count(src) == 0)
		abort();
	for (size_t i = 0; i < source_entry_count(src); i++) {
		const struct source_entry *e = source_entry(src, i);
		struct source_reader *r;

		if (!e->name)
			abort();
		check_code(e->error.code);
		if (source_reader_open(src, i, &r, &err) < 0) {
			check_code(err.code);
			continue;
		}
		for (;;) {
			ssize_t n = source_read(r, chunk, sizeof(chunk), &err);
			if (n < 0) {
				check_code(err.code);
				break;
			}
			if (n == 0 || (size_t)n > sizeof(chunk))
				break;
		}
		source_reader_close(r);
		if (job > l.zip_total_bytes + CHUNK)
			abort();
	}
	if (source_zip_bytes(src) != job)
		abort();
	source_free(src);
	return 0;
}
