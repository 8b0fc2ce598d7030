/* File-system helpers: mkdir -p, bounded whole-file reads, atomic writes, copies. */
#include "base/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "base/banned.h"

int fs_mkdir_p(const char *dir, struct err *err)
{
	char *p = xstrdup(dir);
	int rc = 0;

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0700) < 0 && errno != EEXIST) {
				rc = err_sys(err, ERR_IO_ERROR, "cannot create directory '%s': %s", p,
					     strerror(errno));
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return rc;
}

int fs_write_all(int fd, const void *p, size_t n, struct err *err)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(err, ERR_IO_ERROR, "cannot write: %s", strerror(errno));
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int fs_read_file(const char *path, struct buf *out, struct err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char chunk[65536];
	int rc = -1;

	buf_reset(out);
	if (fd < 0)
		return err_sys(err, ERR_IO_ERROR, "cannot open '%s': %s", path, strerror(errno));
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err_sys(err, ERR_IO_ERROR, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		buf_add(out, chunk, (size_t)r);
		if (out->failed) {
			err_set(err, ERR_TOO_LARGE, "'%s' is larger than %zu bytes", path, out->max);
			goto out;
		}
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

int fs_write_file_atomic(const char *path, const void *p, size_t n, struct err *err)
{
	struct buf tmp;
	int fd, rc = -1;

	buf_init(&tmp, 4096 + strlen(path));
	buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_sys(err, ERR_IO_ERROR, "cannot create '%s': %s", tmp.ptr, strerror(errno));
		goto out;
	}
	if (fs_write_all(fd, p, n, err) < 0 || fsync(fd) < 0) {
		if (err && err->code == ERR_OK)
			err_sys(err, ERR_IO_ERROR, "cannot write '%s': %s", tmp.ptr, strerror(errno));
		close(fd);
		unlink(tmp.ptr);
		goto out;
	}
	close(fd);
	if (rename(tmp.ptr, path) < 0) {
		err_sys(err, ERR_IO_ERROR, "cannot rename to '%s': %s", path, strerror(errno));
		unlink(tmp.ptr);
		goto out;
	}
	rc = 0;
out:
	buf_release(&tmp);
	return rc;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int fs_remove_tree(const char *dir, struct err *err)
{
	if (!fs_exists(dir))
		return 0;
	if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return err_sys(err, ERR_IO_ERROR, "cannot remove '%s': %s", dir, strerror(errno));
	return 0;
}

bool fs_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int fs_copy_file(const char *src, const char *dst, uint64_t max, uint64_t *ret_bytes,
		 struct err *err)
{
	int in = strcmp(src, "-") == 0 ? STDIN_FILENO : open(src, O_RDONLY | O_CLOEXEC);
	int out = -1, rc = -1;
	uint64_t total = 0;
	char *chunk = NULL;

	if (in < 0)
		return err_sys(err, ERR_IO_ERROR, "cannot open '%s': %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		err_sys(err, ERR_IO_ERROR, "cannot create '%s': %s", dst, strerror(errno));
		goto out;
	}
	chunk = xmalloc(1 << 20);
	for (;;) {
		ssize_t r = read(in, chunk, 1 << 20);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err_sys(err, ERR_IO_ERROR, "cannot read '%s': %s", src, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		total += (uint64_t)r;
		if (total > max) {
			err_set(err, ERR_TOO_LARGE, "'%s' is larger than the limit of %llu bytes",
				src, (unsigned long long)max);
			goto out;
		}
		if (fs_write_all(out, chunk, (size_t)r, err) < 0)
			goto out;
	}
	if (fsync(out) < 0) {
		err_sys(err, ERR_IO_ERROR, "cannot sync '%s': %s", dst, strerror(errno));
		goto out;
	}
	if (ret_bytes)
		*ret_bytes = total;
	rc = 0;
out:
	free(chunk);
	if (in != STDIN_FILENO)
		close(in);
	if (out >= 0)
		close(out);
	if (rc < 0)
		unlink(dst);
	return rc;
}
