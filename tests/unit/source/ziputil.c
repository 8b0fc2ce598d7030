/* Helpers of the source tests: archives written with libzip, patches, whole-entry reads. */
#include "ziputil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#include "base/xalloc.h"

zip_t *zu_create(const char *path)
{
	int code = 0;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);

	if (!za)
		fail_msg("cannot create %s: libzip error %d", path, code);
	return za;
}

zip_uint64_t zu_add(zip_t *za, const char *name, const void *p, size_t n, zip_int32_t method)
{
	void *copy = NULL;
	zip_source_t *zs;
	zip_int64_t idx;

	if (n > 0) {
		copy = xmalloc(n);	/* libzip frees it */
		memcpy(copy, p, n);
	}
	zs = zip_source_buffer(za, copy, n, n > 0);
	if (!zs)
		fail_msg("zip_source_buffer: %s", zip_strerror(za));
	idx = zip_file_add(za, name, zs, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(zs);
		fail_msg("zip_file_add %s: %s", name, zip_strerror(za));
	}
	if (zip_set_file_compression(za, (zip_uint64_t)idx, method, 0) < 0)
		fail_msg("zip_set_file_compression: %s", zip_strerror(za));
	return (zip_uint64_t)idx;
}

void zu_close(zip_t *za)
{
	if (zip_close(za) < 0)
		fail_msg("zip_close: %s", zip_strerror(za));
}

static int patch(const char *path, const void *old, const void *repl, size_t n, bool all)
{
	size_t len;
	char *p = testlib_slurp(path, &len);
	int count = 0;
	FILE *f;

	for (size_t i = 0; i + n <= len; i++) {
		if (memcmp(p + i, old, n) == 0) {
			memcpy(p + i, repl, n);
			count++;
			if (!all)
				break;
		}
	}
	if (count == 0)
		fail_msg("patch: pattern not found in %s", path);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len)
		fail_msg("cannot rewrite %s", path);
	fclose(f);
	free(p);
	return count;
}

void zu_patch(const char *path, const void *old, const void *repl, size_t n)
{
	patch(path, old, repl, n, false);
}

int zu_patch_all(const char *path, const void *old, const void *repl, size_t n)
{
	return patch(path, old, repl, n, true);
}

int zu_read_entry(struct source *src, size_t i, size_t cap, struct buf *out, struct err *err)
{
	struct source_reader *r;
	char *chunk = xmalloc(cap);
	int rc = 0;

	buf_reset(out);
	if (source_reader_open(src, i, &r, err) < 0) {
		free(chunk);
		return -1;
	}
	for (;;) {
		ssize_t n = source_read(r, chunk, cap, err);
		if (n < 0) {
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		buf_add(out, chunk, (size_t)n);
	}
	source_reader_close(r);
	free(chunk);
	return rc;
}

int zu_read_path(const char *path, const struct source_opts *opts, size_t i, struct buf *out,
		 struct err *err)
{
	struct source *src;
	int rc;

	if (source_open(path, opts, &src, err) < 0)
		return -1;
	rc = zu_read_entry(src, i, 65536, out, err);
	source_free(src);
	return rc;
}
