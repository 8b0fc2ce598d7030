/*
 * Helpers of the source tests: ZIP archives written with libzip, byte patches, and
 * reading a whole entry through the source API.
 */
#ifndef INTAKE_TESTS_SOURCE_ZIPUTIL_H
#define INTAKE_TESTS_SOURCE_ZIPUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zip.h>

#include "base/buf.h"
#include "base/err.h"
#include "source/source.h"

/* A new archive at path (truncated). */
zip_t *zu_create(const char *path);
/* Adds name with n bytes at p (copied), compressed with method (ZIP_CM_STORE...);
   returns its index. */
zip_uint64_t zu_add(zip_t *za, const char *name, const void *p, size_t n, zip_int32_t method);
/* Writes the archive; fails the test on error. */
void zu_close(zip_t *za);

/* Replaces the first occurrence of old (n bytes) in the file at path by new (n bytes). */
void zu_patch(const char *path, const void *old, const void *repl, size_t n);
/* Every occurrence. Returns how many were replaced. */
int zu_patch_all(const char *path, const void *old, const void *repl, size_t n);

/*
 * Reads entry i of src through a reader in chunks of cap bytes into out (cleared first).
 * Returns 0, or -1 with err filled (from source_reader_open or source_read).
 */
int zu_read_entry(struct source *src, size_t i, size_t cap, struct buf *out, struct err *err);

/* Opens path with opts and reads entry i whole; the source is freed. */
int zu_read_path(const char *path, const struct source_opts *opts, size_t i, struct buf *out,
		 struct err *err);

#endif
