/*
 * Opening inputs (a path, standard input, memory), telling what they are, and the reader
 * that hands out an entry's bytes as UTF-8: passed through, or converted with iconv.
 */
#include "source/source_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* The byte that stands for each input byte the named encoding does not define. */
#define SOURCE_BAD_BYTE '\xFF'

static struct source *source_new(const struct source_opts *opts, const char *fallback_name)
{
	struct source *src = xcalloc(1, sizeof(*src));

	src->name = xstrdup(opts && opts->name ? opts->name : fallback_name);
	if (opts && opts->limits)
		src->limits = *opts->limits;
	else
		limits_default(&src->limits);
	if (src->limits.zip_ratio == 0)
		src->limits.zip_ratio = 1;
	if (src->limits.xlsx_shared_bytes == 0 || src->limits.xlsx_shared_bytes > UINT32_MAX)
		src->limits.xlsx_shared_bytes = LIMIT_XLSX_SHARED_BYTES;
	src->zip_bytes = opts && opts->zip_bytes ? opts->zip_bytes : &src->own_zip_bytes;
	src->encoding = opts && opts->encoding ? xstrdup(opts->encoding) : NULL;
	src->fd = -1;
	return src;
}

static int check_encoding(const struct source_opts *opts, struct err *err)
{
	iconv_t cd;

	if (!opts || !opts->encoding)
		return 0;
	cd = iconv_open("UTF-8", opts->encoding);
	if (cd == (iconv_t)-1)
		return err_set(err, ERR_INVALID_ARGUMENT,
			       "unknown encoding '%s' (try utf-16, windows-1252, iso-8859-1)",
			       opts->encoding);
	iconv_close(cd);
	return 0;
}

/* Reads until cap bytes or the end; -1 on a read error. */
static ssize_t read_full(int fd, char *dst, size_t cap)
{
	size_t got = 0;

	while (got < cap) {
		ssize_t n = read(fd, dst + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static void one_entry(struct source *src, enum source_type type, const char *what)
{
	src->entries = xcalloc(1, sizeof(*src->entries));
	src->nentries = 1;
	src->entries[0].name = xstrdup(src->name);
	src->entries[0].type = type;
	src->type = type;
	err_clear(&src->entries[0].error);
	if (type == SOURCE_UNKNOWN)
		err_set(&src->entries[0].error, ERR_UNKNOWN_FILE_TYPE,
			"'%s' is %s; intake reads CSV text, ZIP archives and XLSX workbooks",
			src->name, what);
}

/*
 * Copies an archive arriving on a pipe to an unnamed temporary file (libzip needs to
 * seek), at most limits.upload_bytes. Returns the descriptor, or -1: with err filled for
 * an environment failure, or with *ret_too_large set.
 */
static int spool(struct source *src, const char *dir, bool *ret_too_large, struct err *err)
{
	char *buf = NULL;
	uint64_t total = src->prefix_len;
	int fd;

	*ret_too_large = false;
	if (!dir) {
		dir = getenv("TMPDIR");
		if (!dir || !*dir)
			dir = "/tmp";
	}
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_sys(err, ERR_IO_ERROR, "cannot make a temporary file in '%s': %s", dir,
			       strerror(errno));
	if (fs_write_all(fd, src->prefix, src->prefix_len, err) < 0)
		goto fail;
	buf = xmalloc(SOURCE_CHUNK);
	for (;;) {
		ssize_t n = read_full(src->fd, buf, SOURCE_CHUNK);
		if (n < 0) {
			err_sys(err, ERR_IO_ERROR, "cannot read standard input: %s", strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > src->limits.upload_bytes) {
			*ret_too_large = true;
			goto fail;
		}
		if (fs_write_all(fd, buf, (size_t)n, err) < 0)
			goto fail;
	}
	free(buf);
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return err_sys(err, ERR_IO_ERROR, "cannot rewind a temporary file: %s",
			       strerror(errno));
	}
	return fd;
fail:
	free(buf);
	close(fd);
	return -1;
}

/* Decides what the input is from its prefix and lists its entries. */
static int classify(struct source *src, const struct source_opts *opts, struct err *err)
{
	const char *what = NULL;
	enum source_type type = source_detect_type(src->prefix, src->prefix_len, &what);
	bool too_large;
	int zfd;

	if (type != SOURCE_ZIP) {
		one_entry(src, type, what);
		return 0;
	}
	if (src->mem) {
		free(src->prefix);
		src->prefix = NULL;
		src->prefix_len = 0;
		return source__zip_open(src, -1, err);
	}
	if (src->seekable) {
		zfd = src->fd;
		src->fd = -1;	/* libzip owns it now */
	} else {
		zfd = spool(src, opts ? opts->spool_dir : NULL, &too_large, err);
		if (zfd < 0 && !too_large)
			return -1;
		if (zfd < 0) {
			one_entry(src, SOURCE_ZIP, NULL);
			err_set(&src->entries[0].error, ERR_TOO_LARGE,
				"the archive on standard input is over %llu bytes",
				(unsigned long long)src->limits.upload_bytes);
			return 0;
		}
	}
	free(src->prefix);
	src->prefix = NULL;
	src->prefix_len = 0;
	return source__zip_open(src, zfd, err);
}

int source_open(const char *path, const struct source_opts *opts, struct source **ret_src,
		struct err *err)
{
	struct source *src;
	struct stat st;
	ssize_t n;

	if (check_encoding(opts, err) < 0)
		return -1;
	src = source_new(opts, path);
	if (strcmp(path, "-") == 0) {
		src->fd = STDIN_FILENO;
		src->own_fd = false;
		src->seekable = false;
	} else {
		src->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (src->fd < 0) {
			err_sys(err, ERR_IO_ERROR, "cannot open '%s': %s", path, strerror(errno));
			goto fail;
		}
		src->own_fd = true;
		if (fstat(src->fd, &st) < 0) {
			err_sys(err, ERR_IO_ERROR, "cannot read '%s': %s", path, strerror(errno));
			goto fail;
		}
		if (S_ISDIR(st.st_mode)) {
			err_set(err, ERR_INVALID_ARGUMENT, "'%s' is a directory, not a file", path);
			goto fail;
		}
		src->seekable = S_ISREG(st.st_mode);
	}
	src->prefix = xmalloc(LIMIT_SNIFF_BYTES);
	n = read_full(src->fd, src->prefix, LIMIT_SNIFF_BYTES);
	if (n < 0) {
		err_sys(err, ERR_IO_ERROR, "cannot read '%s': %s", src->name, strerror(errno));
		goto fail;
	}
	src->prefix_len = (size_t)n;
	src->prefix_eof = src->prefix_len < LIMIT_SNIFF_BYTES;
	if (classify(src, opts, err) < 0)
		goto fail;
	*ret_src = src;
	return 0;
fail:
	source_free(src);
	return -1;
}

int source_open_mem(const void *p, size_t n, const struct source_opts *opts,
		    struct source **ret_src, struct err *err)
{
	struct source *src;

	if (check_encoding(opts, err) < 0)
		return -1;
	src = source_new(opts, "-");
	src->mem = p;
	src->mem_len = n;
	src->seekable = true;
	src->prefix_len = n < LIMIT_SNIFF_BYTES ? n : LIMIT_SNIFF_BYTES;
	src->prefix = xmemdup0(p, src->prefix_len);
	src->prefix_eof = src->prefix_len == n;
	if (classify(src, opts, err) < 0) {
		source_free(src);
		return -1;
	}
	*ret_src = src;
	return 0;
}

void source_free(struct source *src)
{
	if (!src)
		return;
	if (src->za)
		zip_discard(src->za);
	if (src->own_fd && src->fd >= 0)
		close(src->fd);
	for (size_t i = 0; i < src->nentries; i++)
		free((char *)src->entries[i].name);
	free(src->entries);
	free(src->zentries);
	free(src->prefix);
	free(src->encoding);
	free(src->name);
	free(src);
}

enum source_type source_type(const struct source *src)
{
	return src->type;
}

size_t source_entry_count(const struct source *src)
{
	return src->nentries;
}

const struct source_entry *source_entry(const struct source *src, size_t i)
{
	return i < src->nentries ? &src->entries[i] : NULL;
}

uint64_t source_zip_bytes(const struct source *src)
{
	return src->zip_bytes_here;
}

/* ---- the reader ---- */

/* Bytes per code unit of an encoding: what an undefined sequence is skipped by. */
static size_t code_unit(const char *encoding)
{
	char norm[16];
	size_t o = 0;

	for (const char *p = encoding; *p && o + 1 < sizeof(norm); p++)
		if (*p != '-' && *p != '_')
			norm[o++] = (char)tolower((unsigned char)*p);
	norm[o] = '\0';
	if (strncmp(norm, "utf32", 5) == 0 || strncmp(norm, "ucs4", 4) == 0)
		return 4;
	if (strncmp(norm, "utf16", 5) == 0 || strncmp(norm, "ucs2", 4) == 0 ||
	    strncmp(norm, "unicode", 7) == 0)
		return 2;
	return 1;
}

/* The raw bytes after the prefix: from the file, memory, the ZIP entry or the sheet. */
static ssize_t raw_read(struct source_reader *r, char *dst, size_t cap, struct err *err)
{
	struct source *src = r->src;
	ssize_t n;

	if (r->raw_eof)
		return 0;
	switch (r->raw) {
	case SOURCE_RAW_FD:
		do
			n = read(src->fd, dst, cap);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return err_sys(err, ERR_IO_ERROR, "cannot read '%s': %s", src->name,
				       strerror(errno));
		break;
	case SOURCE_RAW_MEM:
		n = (ssize_t)(src->mem_len - r->mem_pos < cap ? src->mem_len - r->mem_pos : cap);
		memcpy(dst, src->mem + r->mem_pos, (size_t)n);
		r->mem_pos += (uint64_t)n;
		break;
	case SOURCE_RAW_ZIP:
		n = source__zip_read(src, r->zf, &r->meter, dst, cap, err);
		break;
	case SOURCE_RAW_XLSX:
		n = source__xlsx_read(r->xlsx, dst, cap, err);
		break;
	default:
		n = err_set(err, ERR_INTERNAL_ERROR, "unknown reader kind");
	}
	if (n == 0)
		r->raw_eof = true;
	return n;
}

/* The prefix first, then the raw input. */
static ssize_t next_bytes(struct source_reader *r, char *dst, size_t cap, struct err *err)
{
	if (r->prefix_pos < r->prefix_len) {
		size_t n = r->prefix_len - r->prefix_pos;
		if (n > cap)
			n = cap;
		memcpy(dst, r->prefix + r->prefix_pos, n);
		r->prefix_pos += n;
		return (ssize_t)n;
	}
	return raw_read(r, dst, cap, err);
}

/* Reads the first bytes of the entry into r->prefix (at most LIMIT_SNIFF_BYTES). */
static int read_prefix(struct source_reader *r, bool *ret_eof, struct err *err)
{
	r->prefix = xmalloc(LIMIT_SNIFF_BYTES);
	r->prefix_len = 0;
	*ret_eof = false;
	while (r->prefix_len < LIMIT_SNIFF_BYTES) {
		ssize_t n = raw_read(r, r->prefix + r->prefix_len, LIMIT_SNIFF_BYTES - r->prefix_len,
				     err);
		if (n < 0)
			return -1;
		if (n == 0) {
			*ret_eof = true;
			break;
		}
		r->prefix_len += (size_t)n;
	}
	return 0;
}

/* Opens the raw input of a text entry and reads its prefix. */
static int open_text(struct source_reader *r, bool *ret_eof, struct err *err)
{
	struct source *src = r->src;

	if (src->za) {
		struct source_zentry *z = &src->zentries[r->entry];
		r->raw = SOURCE_RAW_ZIP;
		if (source__zip_fopen(src, z->index, src->entries[r->entry].name, &r->meter, &r->zf,
				      err) < 0)
			return -1;
		return read_prefix(r, ret_eof, err);
	}
	if (src->mem) {
		r->raw = SOURCE_RAW_MEM;
		r->mem_pos = 0;
		return read_prefix(r, ret_eof, err);
	}
	r->raw = SOURCE_RAW_FD;
	if (!src->consumed) {
		/* The prefix read at open; the descriptor stands right after it. */
		src->consumed = true;
		r->prefix = src->prefix;
		r->prefix_len = src->prefix_len;
		r->prefix_borrowed = true;
		*ret_eof = src->prefix_eof;
		r->raw_eof = src->prefix_eof;
		return 0;
	}
	if (!src->seekable)
		return err_set(err, ERR_INVALID_STATE, "standard input can be read only once");
	if (lseek(src->fd, 0, SEEK_SET) < 0)
		return err_sys(err, ERR_IO_ERROR, "cannot rewind '%s': %s", src->name,
			       strerror(errno));
	return read_prefix(r, ret_eof, err);
}

int source_reader_open(struct source *src, size_t i, struct source_reader **ret_reader,
		       struct err *err)
{
	struct source_reader *r;
	struct source_encoding enc;
	const struct source_entry *e = source_entry(src, i);
	bool eof = false;

	if (!e)
		return err_set(err, ERR_INVALID_ARGUMENT, "no entry %zu in '%s'", i, src->name);
	if (e->error.code != ERR_OK) {
		*err = e->error;
		return -1;
	}
	if (src->reader)
		return err_set(err, ERR_INVALID_STATE, "'%s' already has an open reader", src->name);
	r = xcalloc(1, sizeof(*r));
	r->src = src;
	r->entry = i;
	r->cd = (iconv_t)-1;
	err_clear(&r->held);
	err_clear(&r->failed);
	if (e->type == SOURCE_XLSX) {
		r->raw = SOURCE_RAW_XLSX;
		if (source__xlsx_open(src, &r->xlsx, err) < 0)
			goto fail;
		r->encoding = "utf-8";
		r->delimiter = ',';
		src->reader = r;
		*ret_reader = r;
		return 0;
	}
	if (open_text(r, &eof, err) < 0)
		goto fail;
	source_detect_encoding(r->prefix, r->prefix_len, eof, &enc);
	r->encoding = enc.name;
	r->bom = enc.bom_len > 0;
	if (!enc.name) {
		err_set(&r->held, ERR_EMPTY_FILE, r->bom ? "'%s' holds only a byte-order mark"
					     : "'%s' is empty", e->name);
	} else if (src->encoding) {
		r->cd = iconv_open("UTF-8", src->encoding);
		if (r->cd == (iconv_t)-1) {
			err_set(err, ERR_INVALID_ARGUMENT, "unknown encoding '%s'", src->encoding);
			goto fail;
		}
		r->in = xmalloc(SOURCE_CHUNK);
		r->unit = code_unit(src->encoding);
	} else if (!enc.supported) {
		err_set(&r->held, ERR_UNSUPPORTED_ENCODING,
			"'%s' looks like %s, not UTF-8: save it as UTF-8, or name its encoding "
			"(--encoding %s)", e->name, enc.name, enc.name);
	}
	src->reader = r;
	*ret_reader = r;
	return 0;
fail:
	source_reader_close(r);
	return -1;
}

/* True when neither the prefix nor the raw input has more bytes. */
static bool input_done(const struct source_reader *r)
{
	return r->raw_eof && r->prefix_pos >= r->prefix_len;
}

/*
 * Converts what waits in r->in (refilling it as needed) into dst, cap >= 16 so that any
 * character fits. Each input byte the encoding does not define becomes SOURCE_BAD_BYTE, and
 * so does each byte of a sequence cut short by the end of the input.
 */
static ssize_t convert(struct source_reader *r, char *dst, size_t cap, struct err *err)
{
	char *out = dst;
	size_t left = cap;

	for (;;) {
		char *in;
		size_t inleft, rc;
		int e;

		if (r->in_len == 0 || r->need_more) {
			if (!input_done(r)) {
				ssize_t n;
				if (out > dst)
					break;	/* hand out what is converted first */
				n = next_bytes(r, r->in + r->in_len, SOURCE_CHUNK - r->in_len, err);
				if (n < 0)
					return -1;
				r->in_len += (size_t)n;
				r->need_more = false;
				continue;
			}
			r->need_more = false;
			if (r->in_len == 0) {
				/* The end: a stateful encoding writes its closing bytes once. */
				if (!r->flushed)
					iconv(r->cd, NULL, NULL, &out, &left);
				r->flushed = true;
				break;
			}
		}
		if (left == 0)
			break;
		in = r->in;
		inleft = r->in_len;
		rc = iconv(r->cd, &in, &inleft, &out, &left);
		e = errno;
		if (rc == (size_t)-1) {
			if (e == EILSEQ || (e == EINVAL && (input_done(r) || inleft == SOURCE_CHUNK))) {
				/* A whole code unit of UTF-16 or UTF-32 keeps the rest aligned. */
				size_t skip = r->unit < inleft ? r->unit : inleft;
				if (left < skip) {
					/* No room now (cap >= 16 makes room next call). */
					memmove(r->in, in, inleft);
					r->in_len = inleft;
					break;
				}
				memset(out, SOURCE_BAD_BYTE, skip);
				out += skip;
				left -= skip;
				in += skip;
				inleft -= skip;
			} else if (e == EINVAL) {
				r->need_more = true;	/* a sequence cut by the buffer */
			} else if (e != E2BIG) {
				errno = e;
				return err_sys(err, ERR_INTERNAL_ERROR, "cannot convert '%s' from %s: %s",
					       r->src->entries[r->entry].name, r->src->encoding,
					       strerror(e));
			}
		}
		memmove(r->in, in, inleft);
		r->in_len = inleft;
		if (rc == (size_t)-1 && e == E2BIG)
			break;
	}
	return (ssize_t)(out - dst);
}

/* convert() for any cap: a small request is served from r->pend. */
static ssize_t convert_any(struct source_reader *r, char *dst, size_t cap, struct err *err)
{
	size_t n;

	if (r->pend_pos == r->pend_len) {
		ssize_t got;
		if (cap >= sizeof(r->pend))
			return convert(r, dst, cap, err);
		got = convert(r, r->pend, sizeof(r->pend), err);
		if (got <= 0)
			return got;
		r->pend_len = (size_t)got;
		r->pend_pos = 0;
	}
	n = r->pend_len - r->pend_pos;
	if (n > cap)
		n = cap;
	memcpy(dst, r->pend + r->pend_pos, n);
	r->pend_pos += n;
	return (ssize_t)n;
}

ssize_t source_read(void *ctx, char *dst, size_t cap, struct err *err)
{
	struct source_reader *r = ctx;
	ssize_t n;

	if (r->failed.code != ERR_OK) {
		*err = r->failed;
		return -1;
	}
	if (r->held.code != ERR_OK) {
		r->failed = r->held;
		*err = r->held;
		return -1;
	}
	if (cap == 0)
		return 0;
	if (r->cd != (iconv_t)-1)
		n = convert_any(r, dst, cap, err);
	else
		n = next_bytes(r, dst, cap, err);
	if (n < 0)
		r->failed = *err;
	return n;
}

int source_reader_skip(struct source_reader *r, uint64_t n, struct err *err)
{
	char *scratch;
	int rc = 0;

	if (r->cd == (iconv_t)-1 && r->held.code == ERR_OK && r->failed.code == ERR_OK) {
		uint64_t rest = r->prefix_len - r->prefix_pos;
		uint64_t take = n < rest ? n : rest;
		r->prefix_pos += (size_t)take;
		n -= take;
		if (n == 0)
			return 0;
		if (r->raw == SOURCE_RAW_MEM) {
			uint64_t avail = r->src->mem_len - r->mem_pos;
			r->mem_pos += n < avail ? n : avail;
			return 0;
		}
		if (r->raw == SOURCE_RAW_FD && r->src->seekable) {
			if (lseek(r->src->fd, (off_t)n, SEEK_CUR) < 0)
				return err_sys(err, ERR_IO_ERROR, "cannot seek in '%s': %s",
					       r->src->name, strerror(errno));
			return 0;
		}
	}
	scratch = xmalloc(SOURCE_CHUNK);
	while (n > 0) {
		ssize_t got = source_read(r, scratch, n < SOURCE_CHUNK ? (size_t)n : SOURCE_CHUNK,
					  err);
		if (got < 0) {
			rc = -1;
			break;
		}
		if (got == 0)
			break;
		n -= (uint64_t)got;
	}
	free(scratch);
	return rc;
}

const char *source_reader_encoding(const struct source_reader *r)
{
	return r->encoding;
}

bool source_reader_bom(const struct source_reader *r)
{
	return r->bom;
}

char source_reader_delimiter(const struct source_reader *r)
{
	return r->delimiter;
}

bool source_reader_rows_are_lines(const struct source_reader *r)
{
	return r->raw == SOURCE_RAW_XLSX;
}

const struct err *source_reader_error(const struct source_reader *r)
{
	return &r->held;
}

void source_reader_close(struct source_reader *r)
{
	if (!r)
		return;
	if (r->src && r->src->reader == r)
		r->src->reader = NULL;
	if (r->zf)
		zip_fclose(r->zf);
	source__xlsx_free(r->xlsx);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	if (!r->prefix_borrowed)
		free(r->prefix);
	free(r->in);
	free(r);
}
