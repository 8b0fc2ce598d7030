/*
 * fs: small file-system helpers used by the edges and the store.
 * Owns: nothing beyond the call.
 * Knows nothing of: anything else in intake.
 */
#ifndef INTAKE_BASE_FS_H
#define INTAKE_BASE_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* Creates dir and its missing parents (mode 0700 for new ones). */
int fs_mkdir_p(const char *dir, struct err *err);

/* Reads the whole file into out (cleared first); too_large if it holds more than out->max. */
int fs_read_file(const char *path, struct buf *out, struct err *err);

/* Writes n bytes to path through a temporary file, fsync and rename. */
int fs_write_file_atomic(const char *path, const void *p, size_t n, struct err *err);

/* Writes all n bytes to fd, retrying short writes and EINTR. */
int fs_write_all(int fd, const void *p, size_t n, struct err *err);

/* Removes a directory tree (no error if it does not exist). */
int fs_remove_tree(const char *dir, struct err *err);

bool fs_exists(const char *path);

/* Copies src (or standard input when src is "-") to dst; too_large beyond max bytes. */
int fs_copy_file(const char *src, const char *dst, uint64_t max, uint64_t *ret_bytes,
		 struct err *err);

#endif
