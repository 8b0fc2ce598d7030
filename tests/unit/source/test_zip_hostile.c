/*
 * The hostile ZIP corpus, made here with libzip: traversal and absolute names, backslash
 * tricks, a symbolic link, a 1 GiB entry of zeros, 20,000 entries, an encrypted entry, a
 * truncated archive, a CRC mismatch and an unknown compression method. Each is refused
 * with its code; decompression stops within one chunk of its budget; memory stays flat;
 * and nothing is written anywhere, inside or outside the job's folder.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include "ziputil.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/limit.h"
#include "base/xalloc.h"
#include "source/source.h"
#include "source/source_int.h"

static char *root;	/* the test's temporary folder: job/ and archives/ */
static char *job_dir;	/* the job's folder, the working directory during reads */
static char *zip_dir;	/* where the archives are made */

static char *zpath(const char *name)
{
	size_t n = strlen(zip_dir) + strlen(name) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s", zip_dir, name);
	return p;
}

/* Opens an archive; the test fails unless it opens. */
static struct source *open_zip(const char *path, const struct limits *l, uint64_t *job)
{
	struct source_opts o = {.limits = l, .zip_bytes = job};
	struct source *src;
	struct err err;

	if (source_open(path, &o, &src, &err) < 0)
		fail_msg("source_open %s: %s", path, err.msg);
	return src;
}

/* The one entry's listing error code (the archive has exactly one entry listed). */
static enum err_code only_entry_code(const char *path)
{
	struct source *src = open_zip(path, NULL, NULL);
	enum err_code code;

	assert_int_equal(source_entry_count(src), 1);
	code = source_entry(src, 0)->error.code;
	source_free(src);
	return code;
}

static void one_entry_zip(const char *path, const char *name, const char *body)
{
	zip_t *za = zu_create(path);
	zu_add(za, name, body, strlen(body), ZIP_CM_DEFLATE);
	zu_close(za);
}

/* ---- names ---- */

static void unsafe_names_are_refused(void **state)
{
	static const char *bad[] = {
		"../../evil.csv", "a/../../evil.csv", "..", "a/..", "..\\..\\evil.csv",
		"a\\..\\..\\evil.csv", "/tmp/intake-evil.csv", "\\evil.csv", "C:\\evil.csv",
		"c:/evil.csv", "line\nbreak.csv", "tab\there.csv", "del\x7f.csv",
	};
	static const char *good[] = {
		"people.csv", "a/b/c.csv", "..a.csv", "a..b/c.csv", "a\\b.csv", "./x.csv",
		"caf\xC3\xA9.csv", ".hidden.csv",
	};
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *p = zpath("bad.zip");
		why = NULL;
		assert_false(source__name_is_safe(bad[i], &why));
		assert_non_null(why);
		one_entry_zip(p, bad[i], "a,b\n");
		if (only_entry_code(p) != ERR_UNSAFE_ARCHIVE_ENTRY)
			fail_msg("'%s' was not refused as unsafe", bad[i]);
		free(p);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(source__name_is_safe(good[i], &why));
}

static void name_length_limit(void **state)
{
	char name[LIMIT_FILENAME_BYTES + 2];
	char *p = zpath("long.zip");

	(void)state;
	memset(name, 'n', sizeof(name));
	name[LIMIT_FILENAME_BYTES] = '\0';	/* at the limit */
	memcpy(name + LIMIT_FILENAME_BYTES - 4, ".csv", 4);
	one_entry_zip(p, name, "a\n");
	assert_int_equal(only_entry_code(p), ERR_OK);
	name[LIMIT_FILENAME_BYTES] = 'x';	/* one byte over */
	name[LIMIT_FILENAME_BYTES + 1] = '\0';
	one_entry_zip(p, name, "a\n");
	assert_int_equal(only_entry_code(p), ERR_UNSAFE_ARCHIVE_ENTRY);
	free(p);
}

static void symlink_entry_is_refused(void **state)
{
	char *p = zpath("link.zip");
	zip_t *za = zu_create(p);
	zip_uint64_t idx;
	struct source *src;

	(void)state;
	zu_add(za, "ok.csv", "a\n1\n", 4, ZIP_CM_STORE);
	idx = zu_add(za, "people.csv", "/etc/passwd", 11, ZIP_CM_STORE);
	assert_int_equal(zip_file_set_external_attributes(za, idx, 0, ZIP_OPSYS_UNIX,
							  (zip_uint32_t)(S_IFLNK | 0777) << 16), 0);
	idx = zu_add(za, "fifo.csv", "", 0, ZIP_CM_STORE);
	assert_int_equal(zip_file_set_external_attributes(za, idx, 0, ZIP_OPSYS_UNIX,
							  (zip_uint32_t)(S_IFIFO | 0644) << 16), 0);
	zu_close(za);
	src = open_zip(p, NULL, NULL);
	assert_int_equal(source_entry_count(src), 3);
	assert_int_equal(source_entry(src, 0)->error.code, ERR_OK);
	assert_int_equal(source_entry(src, 1)->error.code, ERR_UNSAFE_ARCHIVE_ENTRY);
	assert_non_null(strstr(source_entry(src, 1)->error.msg, "symbolic link"));
	assert_int_equal(source_entry(src, 2)->error.code, ERR_UNSAFE_ARCHIVE_ENTRY);
	source_free(src);
	free(p);
}

/* ---- entry count ---- */

static void make_many(const char *path, int n)
{
	zip_t *za = zu_create(path);
	char name[32];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "f%05d.csv", i);
		zu_add(za, name, "a\n", 2, ZIP_CM_STORE);
	}
	zu_close(za);
}

static void entry_count_limit(void **state)
{
	char *p = zpath("many.zip");
	struct source *src;

	(void)state;
	make_many(p, LIMIT_ZIP_ENTRIES);	/* at the limit */
	src = open_zip(p, NULL, NULL);
	assert_int_equal(source_entry_count(src), LIMIT_ZIP_ENTRIES);
	assert_int_equal(source_entry(src, LIMIT_ZIP_ENTRIES - 1)->error.code, ERR_OK);
	source_free(src);
	make_many(p, LIMIT_ZIP_ENTRIES + 1);	/* one over */
	assert_int_equal(only_entry_code(p), ERR_ARCHIVE_LIMITS);
	make_many(p, 20000);
	src = open_zip(p, NULL, NULL);
	assert_int_equal(source_entry_count(src), 1);
	assert_int_equal(source_entry(src, 0)->error.code, ERR_ARCHIVE_LIMITS);
	assert_non_null(strstr(source_entry(src, 0)->error.msg, "20000"));
	/* Refused from the directory alone: nothing was decompressed. */
	assert_int_equal(source_zip_bytes(src), 0);
	source_free(src);
	free(p);
}

/* ---- the 1 GiB entry of zeros ---- */

struct zeros {
	uint64_t size;		/* bytes the entry holds */
	uint64_t pos;
};

static zip_int64_t zeros_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct zeros *z = ud;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		z->pos = 0;
		return 0;
	case ZIP_SOURCE_READ: {
		zip_uint64_t n = z->size - z->pos < len ? z->size - z->pos : len;
		memset(data, 0, n);
		z->pos += n;
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;
		zip_stat_init(st);
		st->valid = ZIP_STAT_SIZE | ZIP_STAT_MTIME;
		st->size = z->size;
		st->mtime = 0;
		return sizeof(*st);
	}
	case ZIP_SOURCE_CLOSE:
	case ZIP_SOURCE_FREE:
		return 0;
	case ZIP_SOURCE_ERROR:
		return 2 * sizeof(int);
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
						      ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
						      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		return -1;
	}
}

/* An archive with one entry of size zero bytes, streamed: nothing that big is held. */
static uint64_t make_zeros(const char *path, uint64_t size)
{
	zip_t *za = zu_create(path);
	struct zeros z = {size, 0};
	zip_source_t *zs = zip_source_function(za, zeros_cb, &z);
	zip_int64_t idx;
	zip_stat_t st;
	int code = 0;

	assert_non_null(zs);
	idx = zip_file_add(za, "zeros.csv", zs, 0);
	assert_true(idx >= 0);
	assert_int_equal(zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 9), 0);
	zu_close(za);
	za = zip_open(path, ZIP_RDONLY, &code);
	assert_non_null(za);
	assert_int_equal(zip_stat_index(za, 0, 0, &st), 0);
	zip_discard(za);
	return st.comp_size;
}

static long status_kib(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	size_t n = strlen(key);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && sscanf(line + n, " %ld", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Sets the peak RSS back to the current RSS (Linux clear_refs 5); false if not allowed. */
static bool reset_peak_rss(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, "5", 1) == 1;
	close(fd);
	return ok;
}

/* Reads entry 0 to its end or error; returns the error code (ERR_OK at a clean end). */
static enum err_code drain(struct source *src, uint64_t *ret_bytes)
{
	struct source_reader *r;
	struct err err;
	char *chunk = xmalloc(1 << 20);
	enum err_code code = ERR_OK;

	*ret_bytes = 0;
	if (source_reader_open(src, 0, &r, &err) < 0) {
		free(chunk);
		return err.code;	/* what the first 64 KiB already showed */
	}
	for (;;) {
		ssize_t n = source_read(r, chunk, 1 << 20, &err);
		if (n < 0) {
			code = err.code;
			break;
		}
		if (n == 0)
			break;
		*ret_bytes += (uint64_t)n;
	}
	source_reader_close(r);
	free(chunk);
	return code;
}

static void gigabyte_of_zeros(void **state)
{
	char *p = zpath("bomb.zip");
	uint64_t comp = make_zeros(p, 1 * GIB), job = 0, got, ratio_cap;
	struct limits l;
	struct source *src;
	long before, peak;
	bool reset;
	struct stat st;

	(void)state;
	assert_int_equal(stat(p, &st), 0);
	if (st.st_size >= 2 * 1024 * 1024)	/* the archive itself is small */
		fail_msg("the archive of 1 GiB of zeros takes %lld bytes", (long long)st.st_size);

	/* Default limits: refused for its ratio, within one chunk of 100 x compressed. */
	reset = reset_peak_rss();
	before = status_kib(reset ? "VmRSS:" : "VmHWM:");
	src = open_zip(p, NULL, &job);
	assert_int_equal(drain(src, &got), ERR_ARCHIVE_LIMITS);
	ratio_cap = comp * LIMIT_ZIP_RATIO;
	assert_true(source_zip_bytes(src) > ratio_cap);
	assert_true(source_zip_bytes(src) <= ratio_cap + SOURCE_CHUNK + 16);
	assert_true(got <= ratio_cap);
	assert_int_equal(job, source_zip_bytes(src));
	source_free(src);
	peak = status_kib("VmHWM:");
	print_message("# peak RSS %ld KiB over %ld KiB while reading 1 GiB of zeros\n", peak - before,
		      before);
	if (reset)
		assert_true(peak - before < 48 * 1024);
	else
		assert_true(peak < 512 * 1024);	/* no reset: a loose absolute bound */

	/* A ratio allowed, the job's budget: refused within one chunk of 64 MiB. */
	limits_default(&l);
	l.zip_ratio = 1000000;
	l.zip_total_bytes = 64 * MIB;
	job = 0;
	src = open_zip(p, &l, &job);
	assert_int_equal(drain(src, &got), ERR_ARCHIVE_LIMITS);
	assert_true(job > l.zip_total_bytes);
	assert_true(job <= l.zip_total_bytes + SOURCE_CHUNK);
	source_free(src);

	/* The budget is the job's: a second archive continues the count. */
	job = l.zip_total_bytes - 10;
	src = open_zip(p, &l, &job);
	assert_int_equal(drain(src, &got), ERR_ARCHIVE_LIMITS);
	assert_true(got < 10);
	source_free(src);
	free(p);
}

static void ratio_and_budget_one_over(void **state)
{
	char *p = zpath("edge.zip");
	uint64_t job = 0, got, comp;
	struct limits l;
	struct source *src;
	struct buf text;
	zip_t *za;
	int code;
	zip_stat_t st;

	(void)state;
	/* Zeros exactly at the ratio floor pass; one byte more is refused. */
	make_zeros(p, LIMIT_ZIP_RATIO_MIN_BYTES);
	src = open_zip(p, NULL, NULL);
	assert_int_equal(drain(src, &got), ERR_OK);
	assert_int_equal(got, LIMIT_ZIP_RATIO_MIN_BYTES);
	source_free(src);
	comp = make_zeros(p, LIMIT_ZIP_RATIO_MIN_BYTES + 1);
	assert_true(comp * LIMIT_ZIP_RATIO < LIMIT_ZIP_RATIO_MIN_BYTES);
	src = open_zip(p, NULL, NULL);
	assert_int_equal(drain(src, &got), ERR_ARCHIVE_LIMITS);
	source_free(src);

	/* Text of 3 MiB that compresses a few times: the ratio limit just under and just over. */
	buf_init(&text, 4 * MIB);
	for (unsigned i = 0; text.len < 3 * MIB; i++)
		buf_addf(&text, "%u,name%u,+3161%07u,%u@example.org\n", i, i * 7919u % 10007u,
			 i * 104729u % 9999991u, i * 31u);
	za = zu_create(p);
	zu_add(za, "people.csv", text.ptr, text.len, ZIP_CM_DEFLATE);
	zu_close(za);
	za = zip_open(p, ZIP_RDONLY, &code);
	assert_int_equal(zip_stat_index(za, 0, 0, &st), 0);
	zip_discard(za);
	limits_default(&l);
	l.zip_ratio = (text.len + st.comp_size - 1) / st.comp_size;	/* ratio x comp >= size */
	src = open_zip(p, &l, NULL);
	assert_int_equal(drain(src, &got), ERR_OK);
	assert_int_equal(got, text.len);
	source_free(src);
	l.zip_ratio = text.len / st.comp_size;	/* ratio x comp < size: over */
	if (l.zip_ratio * st.comp_size == text.len)
		l.zip_ratio--;
	src = open_zip(p, &l, NULL);
	assert_int_equal(drain(src, &got), ERR_ARCHIVE_LIMITS);
	source_free(src);

	/* The job's budget at exactly what is read (peek included) passes; one less fails. */
	limits_default(&l);
	src = open_zip(p, &l, &job);
	l.zip_total_bytes = job + text.len;
	source_free(src);
	job = 0;
	src = open_zip(p, &l, &job);
	assert_int_equal(drain(src, &got), ERR_OK);
	assert_int_equal(job, l.zip_total_bytes);
	source_free(src);
	l.zip_total_bytes--;
	job = 0;
	src = open_zip(p, &l, &job);
	assert_int_equal(drain(src, &got), ERR_ARCHIVE_LIMITS);
	source_free(src);
	buf_release(&text);
	free(p);
}

/* ---- what libzip cannot or must not read ---- */

static void encrypted_entry_is_refused(void **state)
{
	char *p = zpath("secret.zip");
	zip_t *za;
	zip_uint64_t idx;
	zip_uint16_t method = ZIP_EM_AES_256;
	struct source *src;
	struct buf out;
	struct err err;

	(void)state;
	if (!zip_encryption_method_supported(method, 1))
		method = ZIP_EM_TRAD_PKWARE;
	if (!zip_encryption_method_supported(method, 1))
		skip();
	za = zu_create(p);
	zu_add(za, "open.csv", "a\n1\n", 4, ZIP_CM_DEFLATE);
	idx = zu_add(za, "secret.csv", "a\n2\n", 4, ZIP_CM_DEFLATE);
	assert_int_equal(zip_file_set_encryption(za, idx, method, "password"), 0);
	zu_close(za);
	src = open_zip(p, NULL, NULL);
	assert_int_equal(source_entry_count(src), 2);
	assert_int_equal(source_entry(src, 0)->error.code, ERR_OK);
	assert_int_equal(source_entry(src, 1)->error.code, ERR_UNSUPPORTED_ARCHIVE);
	assert_non_null(strstr(source_entry(src, 1)->error.msg, "encrypted"));
	/* The other entry is still read. */
	buf_init(&out, 1024);
	assert_int_equal(zu_read_entry(src, 0, 64, &out, &err), 0);
	assert_mem_str(out.ptr, out.len, "a\n1\n");
	assert_int_equal(zu_read_entry(src, 1, 64, &out, &err), -1);
	assert_int_equal(err.code, ERR_UNSUPPORTED_ARCHIVE);
	buf_release(&out);
	source_free(src);
	free(p);
}

static void truncated_archive_is_refused(void **state)
{
	char *p = zpath("cut.zip");
	zip_t *za = zu_create(p);
	struct stat st;
	struct source *src;

	(void)state;
	zu_add(za, "a.csv", "name\nAda\n", 9, ZIP_CM_DEFLATE);
	zu_add(za, "b.csv", "name\nBob\n", 9, ZIP_CM_DEFLATE);
	zu_close(za);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(truncate(p, st.st_size / 2), 0);
	src = open_zip(p, NULL, NULL);
	assert_int_equal(source_type(src), SOURCE_ZIP);
	assert_int_equal(source_entry_count(src), 1);
	assert_int_equal(source_entry(src, 0)->error.code, ERR_UNSUPPORTED_ARCHIVE);
	assert_string_equal(source_entry(src, 0)->name, p);
	source_free(src);
	free(p);
}

static void crc_mismatch_is_refused(void **state)
{
	char *p = zpath("crc.zip");
	zip_t *za = zu_create(p);
	struct source *src;
	uint64_t got;

	(void)state;
	zu_add(za, "people.csv", "name,phone\nAda,+31612345678\n", 28, ZIP_CM_STORE);
	zu_close(za);
	zu_patch(p, "+31612345678", "+31612345679", 12);	/* data changed, CRC kept */
	src = open_zip(p, NULL, NULL);
	assert_int_equal(source_entry(src, 0)->error.code, ERR_OK);
	assert_int_equal(drain(src, &got), ERR_UNSUPPORTED_ARCHIVE);
	source_free(src);
	free(p);
}

/* Sets the method field of every local and central header to method. */
static void set_method(const char *path, uint16_t method)
{
	size_t len;
	unsigned char *p = (unsigned char *)testlib_slurp(path, &len);
	FILE *f;

	for (size_t i = 0; i + 12 <= len; i++) {
		size_t at = 0;
		if (memcmp(p + i, "PK\x03\x04", 4) == 0)
			at = i + 8;
		else if (memcmp(p + i, "PK\x01\x02", 4) == 0)
			at = i + 10;
		if (at) {
			p[at] = (unsigned char)(method & 0xFF);
			p[at + 1] = (unsigned char)(method >> 8);
		}
	}
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	fclose(f);
	free(p);
}

static void unknown_method_is_refused(void **state)
{
	char *p = zpath("method.zip");
	zip_t *za = zu_create(p);
	struct source *src;

	(void)state;
	zu_add(za, "people.csv", "name\nAda\n", 9, ZIP_CM_STORE);
	zu_close(za);
	set_method(p, 97);	/* WavPack: not something libzip decompresses */
	src = open_zip(p, NULL, NULL);
	assert_int_equal(source_entry_count(src), 1);
	assert_int_equal(source_entry(src, 0)->error.code, ERR_UNSUPPORTED_ARCHIVE);
	assert_non_null(strstr(source_entry(src, 0)->error.msg, "compression method 97"));
	source_free(src);
	free(p);
}

static void nested_archive_is_not_opened(void **state)
{
	char *inner = zpath("inner.zip"), *outer = zpath("outer.zip");
	size_t len;
	char *bytes;
	zip_t *za;
	struct source *src;

	(void)state;
	one_entry_zip(inner, "x.csv", "a\n");
	bytes = testlib_slurp(inner, &len);
	za = zu_create(outer);
	zu_add(za, "inner.zip", bytes, len, ZIP_CM_STORE);
	zu_add(za, "book.xlsx", bytes, len, ZIP_CM_DEFLATE);
	zu_add(za, "data.csv", "a\n1\n", 4, ZIP_CM_DEFLATE);
	zu_close(za);
	src = open_zip(outer, NULL, NULL);
	assert_int_equal(source_entry_count(src), 3);
	assert_int_equal(source_entry(src, 0)->type, SOURCE_ZIP);
	assert_int_equal(source_entry(src, 0)->error.code, ERR_UNKNOWN_FILE_TYPE);
	assert_int_equal(source_entry(src, 1)->error.code, ERR_UNKNOWN_FILE_TYPE);
	assert_int_equal(source_entry(src, 2)->error.code, ERR_OK);
	source_free(src);
	free(bytes);
	free(inner);
	free(outer);
}

/* ---- nothing written anywhere ---- */

/* Every path under dir, sorted, one per line. */
static void list_tree(const char *dir, struct buf *out)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		char sub[4096];
		struct stat st;
		if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0) {
			snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]->d_name);
			buf_addf(out, "%s\n", sub);
			if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
				list_tree(sub, out);
		}
		free(names[i]);
	}
	free(names);
}

static void nothing_is_written(void **state)
{
	/* Relative names resolve from the job's folder, the working directory. */
	static const char *names[] = {
		"../../intake-slip-a.csv", "../intake-slip-b.csv", "/tmp/intake-slip-c.csv",
		"..\\intake-slip-d.csv", "ok/../../intake-slip-e.csv", "fine.csv",
	};
	static const char *targets[] = {
		"../../intake-slip-a.csv", "../intake-slip-b.csv", "/tmp/intake-slip-c.csv",
		"../intake-slip-d.csv", "../intake-slip-e.csv", "fine.csv",
	};
	char *p = zpath("slip.zip");
	struct buf before, after, out;
	struct source *src;
	struct err err;
	zip_t *za;

	(void)state;
	za = zu_create(p);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		zu_add(za, names[i], "owned\n", 6, ZIP_CM_DEFLATE);
	zu_close(za);
	buf_init(&before, 1 << 20);
	buf_init(&after, 1 << 20);
	buf_init(&out, 1024);
	list_tree(root, &before);

	src = open_zip(p, NULL, NULL);
	assert_int_equal(source_entry_count(src), 6);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(source_entry(src, i)->error.code, ERR_UNSAFE_ARCHIVE_ENTRY);
		assert_int_equal(zu_read_entry(src, i, 64, &out, &err), -1);
		assert_int_equal(err.code, ERR_UNSAFE_ARCHIVE_ENTRY);
	}
	assert_int_equal(zu_read_entry(src, 5, 64, &out, &err), 0);
	assert_mem_str(out.ptr, out.len, "owned\n");
	source_free(src);

	list_tree(root, &after);
	assert_false(before.failed || after.failed);
	assert_string_equal(before.ptr, after.ptr);
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (access(targets[i], F_OK) == 0)
			fail_msg("'%s' was created", targets[i]);
	buf_release(&before);
	buf_release(&after);
	buf_release(&out);
	free(p);
}

static int setup(void **state)
{
	size_t n;

	(void)state;
	root = testlib_tmpdir();
	n = strlen(root) + 16;
	job_dir = xmalloc(n);
	zip_dir = xmalloc(n);
	snprintf(job_dir, n, "%s/job", root);
	snprintf(zip_dir, n, "%s/archives", root);
	if (mkdir(job_dir, 0700) < 0 || mkdir(zip_dir, 0700) < 0 || chdir(job_dir) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (chdir("/") < 0)
		return -1;
	testlib_rmtree(root);
	free(job_dir);
	free(zip_dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unsafe_names_are_refused),
		cmocka_unit_test(name_length_limit),
		cmocka_unit_test(symlink_entry_is_refused),
		cmocka_unit_test(entry_count_limit),
		cmocka_unit_test(gigabyte_of_zeros),
		cmocka_unit_test(ratio_and_budget_one_over),
		cmocka_unit_test(encrypted_entry_is_refused),
		cmocka_unit_test(truncated_archive_is_refused),
		cmocka_unit_test(crc_mismatch_is_refused),
		cmocka_unit_test(unknown_method_is_refused),
		cmocka_unit_test(nested_archive_is_not_opened),
		cmocka_unit_test(nothing_is_written),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
