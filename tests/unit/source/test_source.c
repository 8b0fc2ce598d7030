/*
 * Unit tests for src/source: encoding and type detection on a prefix, the reader over
 * files and memory, conversion with --encoding, and plain ZIP archives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "ziputil.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/limit.h"
#include "base/xalloc.h"
#include "source/source.h"

/* ---- encoding detection ---- */

static const char *enc_name(const char *p, size_t n, bool at_end, size_t *ret_bom)
{
	struct source_encoding e;

	source_detect_encoding(p, n, at_end, &e);
	if (ret_bom)
		*ret_bom = e.bom_len;
	return e.name;
}

#define DETECT(lit, at_end) enc_name((lit), sizeof(lit) - 1, (at_end), NULL)

static void detect_boms(void **state)
{
	size_t bom;

	(void)state;
	assert_string_equal(enc_name("\xEF\xBB\xBF" "a,b\n", 7, true, &bom), "utf-8");
	assert_int_equal(bom, 3);
	assert_string_equal(enc_name("\xFF\xFE" "a\0", 4, true, &bom), "utf-16le");
	assert_int_equal(bom, 2);
	assert_string_equal(enc_name("\xFE\xFF\0a", 4, true, &bom), "utf-16be");
	assert_int_equal(bom, 2);
	assert_string_equal(enc_name("\xFF\xFE\0\0" "a\0\0\0", 8, true, &bom), "utf-32le");
	assert_int_equal(bom, 4);
	assert_string_equal(enc_name("\0\0\xFE\xFF\0\0\0a", 8, true, &bom), "utf-32be");
	assert_int_equal(bom, 4);
}

static void detect_empty_and_bom_alone(void **state)
{
	size_t bom;

	(void)state;
	assert_null(enc_name("", 0, true, &bom));
	assert_null(enc_name("\xEF\xBB\xBF", 3, true, &bom));
	assert_int_equal(bom, 3);
	assert_null(enc_name("\xFF\xFE", 2, true, NULL));
	assert_null(enc_name("\xFE\xFF", 2, true, NULL));
	assert_null(enc_name("\xFF\xFE\0\0", 4, true, NULL));
	/* A BOM alone in a prefix that is not the whole file is not empty. */
	assert_string_equal(enc_name("\xEF\xBB\xBF", 3, false, NULL), "utf-8");
}

static void detect_nul_patterns(void **state)
{
	(void)state;
	assert_string_equal(DETECT("a\0,\0b\0\n\0", true), "utf-16le");
	assert_string_equal(DETECT("\0a\0,\0b\0\n", true), "utf-16be");
	assert_string_equal(DETECT("a\0\0\0,\0\0\0b\0\0\0\n\0\0\0", true), "utf-32le");
	assert_string_equal(DETECT("\0\0\0a\0\0\0,\0\0\0b\0\0\0\n", true), "utf-32be");
	/* A stray NUL in ASCII text is not UTF-16. */
	assert_string_equal(DETECT("name,phone\nAda,\0 123\nBob,456\n", true), "ascii");
}

static void detect_utf8_ascii_and_8bit(void **state)
{
	struct source_encoding e;

	(void)state;
	assert_string_equal(DETECT("a,b\r\n1,2\r\n", true), "ascii");
	assert_string_equal(DETECT("name\nZo\xC3\xAB\n", true), "utf-8");
	assert_string_equal(DETECT("name\n\xE2\x82\xAC 5\n", true), "utf-8");
	/* 0x93 and 0x94 are Windows-1252 quotes; 0xE9 alone is Latin-1. */
	assert_string_equal(DETECT("name\n\x93quoted\x94\n", true), "windows-1252");
	assert_string_equal(DETECT("name\ncaf\xE9\n", true), "iso-8859-1");
	assert_string_equal(DETECT("name\ncaf\xE9 \x80\n", true), "windows-1252");
	/* Overlong and surrogate forms are not UTF-8. */
	assert_string_equal(DETECT("a\xC0\xAF", true), "iso-8859-1");
	assert_string_equal(DETECT("a\xED\xA0\x80", true), "windows-1252");
	source_detect_encoding("x", 1, true, &e);
	assert_true(e.supported);
	source_detect_encoding("x\xE9", 2, true, &e);
	assert_false(e.supported);
}

static void detect_cut_sequence_only_at_prefix_end(void **state)
{
	(void)state;
	/* A sequence cut by the end of the prefix is fine; by the end of the file it is not. */
	assert_string_equal(DETECT("ab\xE2\x82", false), "utf-8");
	assert_string_equal(DETECT("ab\xC3", false), "utf-8");
	assert_string_equal(DETECT("ab\xE2\xA2", true), "iso-8859-1");
	assert_string_equal(DETECT("ab\xC3", true), "iso-8859-1");
	/* A lone continuation byte is invalid even at the cut. */
	assert_string_equal(DETECT("ab\x82", false), "windows-1252");
}

static void detect_first_64k_decide(void **state)
{
	size_t n = LIMIT_SNIFF_BYTES + 10;
	char *p = xmalloc(n);

	(void)state;
	memset(p, 'a', n);
	p[LIMIT_SNIFF_BYTES] = '\xE9';	/* first byte past the prefix */
	assert_string_equal(enc_name(p, n, true, NULL), "ascii");
	p[LIMIT_SNIFF_BYTES - 1] = '\xE9';	/* a lead byte cut by the prefix: fine */
	assert_string_equal(enc_name(p, n, true, NULL), "utf-8");
	p[LIMIT_SNIFF_BYTES - 1] = '\xA9';	/* a lone continuation byte: not UTF-8 */
	assert_string_equal(enc_name(p, n, true, NULL), "iso-8859-1");
	free(p);
}

static void detect_types(void **state)
{
	const char *what = NULL;

	(void)state;
	assert_int_equal(source_detect_type("PK\x03\x04rest", 8, &what), SOURCE_ZIP);
	assert_int_equal(source_detect_type("PK\x05\x06", 4, NULL), SOURCE_ZIP);
	assert_int_equal(source_detect_type("\x1F\x8B\x08\x00", 4, &what), SOURCE_UNKNOWN);
	assert_string_equal(what, "a gzip file");
	assert_int_equal(source_detect_type("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, &what),
			 SOURCE_UNKNOWN);
	assert_int_equal(source_detect_type("%PDF-1.7", 8, NULL), SOURCE_UNKNOWN);
	assert_int_equal(source_detect_type("name,phone\n", 11, NULL), SOURCE_TEXT);
	assert_int_equal(source_detect_type("PK", 2, NULL), SOURCE_TEXT);
	assert_int_equal(source_detect_type("", 0, NULL), SOURCE_TEXT);
}

/* ---- the reader over memory and files ---- */

static int read_mem(const char *p, size_t n, const char *encoding, size_t cap, struct buf *out,
		    struct err *err)
{
	struct source_opts o = {.encoding = encoding};
	struct source *src;
	int rc;

	if (source_open_mem(p, n, &o, &src, err) < 0)
		return -1;
	assert_int_equal(source_entry_count(src), 1);
	rc = zu_read_entry(src, 0, cap, out, err);
	source_free(src);
	return rc;
}

static void reader_passes_utf8_through(void **state)
{
	static const char text[] = "\xEF\xBB\xBFname;city\nZo\xC3\xAB;K\xC3\xB6ln\n";
	static const size_t caps[] = {1, 2, 3, 7, 64, 65536};
	struct source *src;
	struct source_reader *r;
	struct err err;
	struct buf out;

	(void)state;
	buf_init(&out, 1 << 20);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		assert_int_equal(read_mem(text, sizeof(text) - 1, NULL, caps[i], &out, &err), 0);
		assert_int_equal(out.len, sizeof(text) - 1);
		assert_memory_equal(out.ptr, text, out.len);
	}
	assert_int_equal(source_open_mem(text, sizeof(text) - 1, NULL, &src, &err), 0);
	assert_int_equal(source_type(src), SOURCE_TEXT);
	assert_string_equal(source_entry(src, 0)->name, "-");
	assert_int_equal(source_reader_open(src, 0, &r, &err), 0);
	assert_string_equal(source_reader_encoding(r), "utf-8");
	assert_true(source_reader_bom(r));
	assert_int_equal(source_reader_delimiter(r), 0);
	assert_int_equal(source_reader_error(r)->code, ERR_OK);
	source_reader_close(r);
	source_free(src);
	buf_release(&out);
}

static void reader_holds_unsupported_encoding(void **state)
{
	static const char text[] = "\xFF\xFEn\0a\0m\0e\0\n\0";
	struct source *src;
	struct source_reader *r;
	struct err err;
	char b[16];

	(void)state;
	assert_int_equal(source_open_mem(text, sizeof(text) - 1, NULL, &src, &err), 0);
	assert_int_equal(source_reader_open(src, 0, &r, &err), 0);
	assert_string_equal(source_reader_encoding(r), "utf-16le");
	assert_true(source_reader_bom(r));
	assert_int_equal(source_reader_error(r)->code, ERR_UNSUPPORTED_ENCODING);
	assert_int_equal(source_read(r, b, sizeof(b), &err), -1);
	assert_int_equal(err.code, ERR_UNSUPPORTED_ENCODING);
	assert_non_null(strstr(err.msg, "utf-16le"));
	err_clear(&err);
	assert_int_equal(source_read(r, b, sizeof(b), &err), -1);	/* sticky */
	assert_int_equal(err.code, ERR_UNSUPPORTED_ENCODING);
	source_reader_close(r);
	source_free(src);
}

static void reader_empty_and_bom_alone(void **state)
{
	struct err err;
	struct buf out;

	(void)state;
	buf_init(&out, 1024);
	assert_int_equal(read_mem("", 0, NULL, 64, &out, &err), -1);
	assert_int_equal(err.code, ERR_EMPTY_FILE);
	assert_int_equal(read_mem("\xEF\xBB\xBF", 3, NULL, 64, &out, &err), -1);
	assert_int_equal(err.code, ERR_EMPTY_FILE);
	assert_int_equal(read_mem("\xFF\xFE", 2, "utf-16", 64, &out, &err), -1);
	assert_int_equal(err.code, ERR_EMPTY_FILE);
	/* One byte is not empty. */
	assert_int_equal(read_mem("\n", 1, NULL, 64, &out, &err), 0);
	assert_int_equal(out.len, 1);
	buf_release(&out);
}

static void reader_unknown_encoding_is_usage_error(void **state)
{
	struct source_opts o = {.encoding = "no-such-encoding-42"};
	struct source *src = NULL;
	struct err err;

	(void)state;
	assert_int_equal(source_open_mem("a", 1, &o, &src, &err), -1);
	assert_int_equal(err.code, ERR_INVALID_ARGUMENT);
	assert_null(src);
}

/* ---- conversion ---- */

static void convert_windows_1252(void **state)
{
	static const char in[] = "name\ncaf\xE9 \x93x\x94 \x80\n";
	static const char want[] = "name\ncaf\xC3\xA9 \xE2\x80\x9Cx\xE2\x80\x9D \xE2\x82\xAC\n";
	static const size_t caps[] = {1, 2, 3, 5, 16, 17, 4096};
	struct err err;
	struct buf out;

	(void)state;
	buf_init(&out, 1 << 20);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		assert_int_equal(read_mem(in, sizeof(in) - 1, "windows-1252", caps[i], &out, &err),
				 0);
		assert_mem_str(out.ptr, out.len, want);
	}
	buf_release(&out);
}

static void convert_invalid_bytes_become_ff(void **state)
{
	/* 0x81 is undefined in Windows-1252: one 0xFF, and the rest of the file follows. */
	static const char in[] = "a,b\nx\x81y,z\nlast,row\n";
	/* UTF-16LE with a lone high surrogate (0xD800) between 'a' and ','. */
	static const char in16[] = "a\0\x00\xD8,\0b\0\n\0c\0";
	/* A cut sequence at the very end: one odd byte. */
	static const char odd16[] = "a\0b\0c";
	struct err err;
	struct buf out;

	(void)state;
	buf_init(&out, 1 << 20);
	assert_int_equal(read_mem(in, sizeof(in) - 1, "windows-1252", 4096, &out, &err), 0);
	assert_mem_str(out.ptr, out.len, "a,b\nx\xFFy,z\nlast,row\n");
	assert_int_equal(read_mem(in16, sizeof(in16) - 1, "utf-16le", 4096, &out, &err), 0);
	assert_mem_str(out.ptr, out.len, "a\xFF\xFF,b\nc");
	assert_int_equal(read_mem(odd16, sizeof(odd16) - 1, "utf-16le", 4096, &out, &err), 0);
	assert_mem_str(out.ptr, out.len, "ab\xFF");
	buf_release(&out);
}

/* UTF-16 text over several conversion chunks, read in odd sizes, equals its UTF-8. */
/*
 * 2026-11-23: an undefined UTF-32 unit met an output with less room than the unit and
 * the converter looped forever; reads of one byte must now give every byte.
 */
static void convert_bad_unit_with_little_room(void **state)
{
	static const char in[] = "\0R\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff";
	struct err err;
	struct buf want, out;

	(void)state;
	buf_init(&want, 1024);
	buf_init(&out, 1024);
	assert_int_equal(read_mem(in, sizeof(in) - 1, "utf-32", 4096, &want, &err), 0);
	assert_true(want.len >= sizeof(in) - 1 - 4);	/* every undefined byte stands */
	for (size_t cap = 1; cap <= 20; cap++) {
		assert_int_equal(read_mem(in, sizeof(in) - 1, "utf-32", cap, &out, &err), 0);
		assert_int_equal(out.len, want.len);
		assert_memory_equal(out.ptr, want.ptr, want.len);
	}
	buf_release(&want);
	buf_release(&out);
}

static void convert_utf16_large(void **state)
{
	struct buf in, want, out;
	struct err err;
	static const size_t caps[] = {1, 3, 4093, 65536, 200000};

	(void)state;
	buf_init(&in, 1 << 22);
	buf_init(&want, 1 << 22);
	buf_init(&out, 1 << 22);
	buf_add(&in, "\xFF\xFE", 2);
	for (int i = 0; i < 40000; i++) {
		/* "é€𝄞,<i>\r\n": 2-, 3- and 4-byte UTF-8, a surrogate pair in UTF-16 */
		char line[64];
		int n = snprintf(line, sizeof(line), ",%d\r\n", i);
		buf_add(&in, "\xE9\x00\xAC\x20\x34\xD8\x1E\xDD", 8);
		for (int k = 0; k < n; k++) {
			buf_addc(&in, line[k]);
			buf_addc(&in, '\0');
		}
		buf_add(&want, "\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E", 9);
		buf_add(&want, line, (size_t)n);
	}
	assert_false(in.failed || want.failed);
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		assert_int_equal(read_mem(in.ptr, in.len, "utf-16", caps[c], &out, &err), 0);
		assert_int_equal(out.len, want.len);
		assert_memory_equal(out.ptr, want.ptr, want.len);
	}
	buf_release(&in);
	buf_release(&want);
	buf_release(&out);
}

static void convert_reports_detected_encoding(void **state)
{
	static const char in[] = "\xFF\xFEx\0";
	struct source_opts o = {.encoding = "utf-16le"};
	struct source *src;
	struct source_reader *r;
	struct err err;
	char b[16];

	(void)state;
	assert_int_equal(source_open_mem(in, 4, &o, &src, &err), 0);
	assert_int_equal(source_reader_open(src, 0, &r, &err), 0);
	assert_string_equal(source_reader_encoding(r), "utf-16le");
	assert_true(source_reader_bom(r));
	assert_int_equal(source_reader_error(r)->code, ERR_OK);
	/* UTF-16LE keeps the BOM as U+FEFF, which csv/ skips as a UTF-8 BOM. */
	assert_int_equal(source_read(r, b, sizeof(b), &err), 4);
	assert_memory_equal(b, "\xEF\xBB\xBFx", 4);
	source_reader_close(r);
	source_free(src);
}

/* ---- files ---- */

static void file_read_twice_and_skip(void **state)
{
	char *dir = testlib_tmpdir();
	struct buf content, out;
	struct source *src;
	struct source_reader *r;
	struct err err;
	char *path;
	char b[100];

	(void)state;
	buf_init(&content, 1 << 22);
	buf_init(&out, 1 << 22);
	for (int i = 0; i < 30000; i++)
		buf_addf(&content, "row %d,caf\xC3\xA9\n", i);
	path = testlib_write(dir, "people.persons", content.ptr, content.len);
	assert_int_equal(source_open(path, NULL, &src, &err), 0);
	assert_string_equal(source_entry(src, 0)->name, path);
	assert_int_equal(zu_read_entry(src, 0, 8191, &out, &err), 0);
	assert_int_equal(out.len, content.len);
	assert_memory_equal(out.ptr, content.ptr, out.len);
	/* A regular file can be read again, and resumed at a byte offset. */
	assert_int_equal(source_reader_open(src, 0, &r, &err), 0);
	assert_int_equal(source_reader_skip(r, 100000, &err), 0);
	assert_int_equal(source_read(r, b, 20, &err), 20);
	assert_memory_equal(b, content.ptr + 100000, 20);
	/* One reader at a time. */
	{
		struct source_reader *r2;
		assert_int_equal(source_reader_open(src, 0, &r2, &err), -1);
		assert_int_equal(err.code, ERR_INVALID_STATE);
	}
	source_reader_close(r);
	source_free(src);
	free(path);
	buf_release(&content);
	buf_release(&out);
	testlib_rmtree(dir);
}

static void file_errors(void **state)
{
	char *dir = testlib_tmpdir();
	struct source *src = NULL;
	struct err err;
	char *path;

	(void)state;
	assert_int_equal(source_open("/nonexistent/intake/x.csv", NULL, &src, &err), -1);
	assert_int_equal(err.code, ERR_IO_ERROR);
	assert_int_equal(source_open(dir, NULL, &src, &err), -1);
	assert_int_equal(err.code, ERR_INVALID_ARGUMENT);
	path = testlib_write(dir, "x.csv.gz", "\x1F\x8B\x08\x00\x00\x00", 6);
	assert_int_equal(source_open(path, NULL, &src, &err), 0);
	assert_int_equal(source_entry_count(src), 1);
	assert_int_equal(source_entry(src, 0)->type, SOURCE_UNKNOWN);
	assert_int_equal(source_entry(src, 0)->error.code, ERR_UNKNOWN_FILE_TYPE);
	assert_non_null(strstr(source_entry(src, 0)->error.msg, "gzip"));
	source_free(src);
	free(path);
	testlib_rmtree(dir);
}

/* ---- plain ZIP archives ---- */

static void zip_lists_and_reads_entries(void **state)
{
	char *dir = testlib_tmpdir();
	char path[4096];
	struct source_opts o = {.name = "upload.zip"};
	struct source *src;
	struct buf out;
	struct err err;
	zip_t *za;
	uint64_t job = 0;

	(void)state;
	buf_init(&out, 1 << 20);
	snprintf(path, sizeof(path), "%s/in.zip", dir);
	za = zu_create(path);
	zip_dir_add(za, "folder/", ZIP_FL_ENC_UTF_8);
	zu_add(za, "folder/customers.csv", "code;name\nC1;Ada\n", 17, ZIP_CM_DEFLATE);
	zu_add(za, "__MACOSX/folder/._customers.csv", "\0\x05\x16\x07", 4, ZIP_CM_STORE);
	zu_add(za, ".DS_Store", "\0\0\0\1Bud1", 8, ZIP_CM_STORE);
	zu_add(za, "accounts.txt", "\xEF\xBB\xBF" "a,b\n1,2\n", 11, ZIP_CM_STORE);
	zu_add(za, "empty.csv", "", 0, ZIP_CM_DEFLATE);
	zu_add(za, "latin1.csv", "n\ncaf\xE9\n", 7, ZIP_CM_DEFLATE);
	zu_close(za);

	o.zip_bytes = &job;
	assert_int_equal(source_open(path, &o, &src, &err), 0);
	assert_int_equal(source_type(src), SOURCE_ZIP);
	assert_int_equal(source_entry_count(src), 4);
	assert_string_equal(source_entry(src, 0)->name, "folder/customers.csv");
	assert_string_equal(source_entry(src, 1)->name, "accounts.txt");
	assert_string_equal(source_entry(src, 2)->name, "empty.csv");
	assert_string_equal(source_entry(src, 3)->name, "latin1.csv");
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(source_entry(src, i)->type, SOURCE_TEXT);
		assert_int_equal(source_entry(src, i)->error.code, ERR_OK);
	}
	assert_int_equal(zu_read_entry(src, 0, 5, &out, &err), 0);
	assert_mem_str(out.ptr, out.len, "code;name\nC1;Ada\n");
	assert_int_equal(zu_read_entry(src, 1, 4096, &out, &err), 0);
	assert_mem_str(out.ptr, out.len, "\xEF\xBB\xBF" "a,b\n1,2\n");
	assert_int_equal(zu_read_entry(src, 2, 4096, &out, &err), -1);
	assert_int_equal(err.code, ERR_EMPTY_FILE);
	assert_int_equal(zu_read_entry(src, 3, 4096, &out, &err), -1);
	assert_int_equal(err.code, ERR_UNSUPPORTED_ENCODING);
	assert_non_null(strstr(err.msg, "iso-8859-1"));
	/* Every decompressed byte is counted, for the job and for this source. */
	assert_true(job >= 17 + 11 + 7);
	assert_int_equal(job, source_zip_bytes(src));
	source_free(src);
	buf_release(&out);
	testlib_rmtree(dir);
}

static void zip_of_folders_only_is_empty(void **state)
{
	char *dir = testlib_tmpdir();
	char path[4096];
	struct source *src;
	struct err err;
	zip_t *za;

	(void)state;
	snprintf(path, sizeof(path), "%s/dirs.zip", dir);
	za = zu_create(path);
	zip_dir_add(za, "a/", 0);
	zip_dir_add(za, "a/b/", 0);
	zu_close(za);
	assert_int_equal(source_open(path, NULL, &src, &err), 0);
	assert_int_equal(source_entry_count(src), 1);
	assert_int_equal(source_entry(src, 0)->error.code, ERR_EMPTY_FILE);
	source_free(src);
	testlib_rmtree(dir);
}

static void zip_in_memory(void **state)
{
	char *dir = testlib_tmpdir();
	char path[4096];
	struct source_opts o = {.name = "mem.zip"};
	struct source *src;
	struct buf out;
	struct err err;
	size_t len;
	char *bytes;
	zip_t *za;

	(void)state;
	buf_init(&out, 1 << 20);
	snprintf(path, sizeof(path), "%s/m.zip", dir);
	za = zu_create(path);
	zu_add(za, "one.csv", "x\n1\n", 4, ZIP_CM_DEFLATE);
	zu_close(za);
	bytes = testlib_slurp(path, &len);
	assert_int_equal(source_open_mem(bytes, len, &o, &src, &err), 0);
	assert_int_equal(source_entry_count(src), 1);
	assert_string_equal(source_entry(src, 0)->name, "one.csv");
	assert_int_equal(zu_read_entry(src, 0, 3, &out, &err), 0);
	assert_mem_str(out.ptr, out.len, "x\n1\n");
	source_free(src);
	free(bytes);
	buf_release(&out);
	testlib_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(detect_boms),
		cmocka_unit_test(detect_empty_and_bom_alone),
		cmocka_unit_test(detect_nul_patterns),
		cmocka_unit_test(detect_utf8_ascii_and_8bit),
		cmocka_unit_test(detect_cut_sequence_only_at_prefix_end),
		cmocka_unit_test(detect_first_64k_decide),
		cmocka_unit_test(detect_types),
		cmocka_unit_test(reader_passes_utf8_through),
		cmocka_unit_test(reader_holds_unsupported_encoding),
		cmocka_unit_test(reader_empty_and_bom_alone),
		cmocka_unit_test(reader_unknown_encoding_is_usage_error),
		cmocka_unit_test(convert_windows_1252),
		cmocka_unit_test(convert_invalid_bytes_become_ff),
		cmocka_unit_test(convert_bad_unit_with_little_room),
		cmocka_unit_test(convert_utf16_large),
		cmocka_unit_test(convert_reports_detected_encoding),
		cmocka_unit_test(file_read_twice_and_skip),
		cmocka_unit_test(file_errors),
		cmocka_unit_test(zip_lists_and_reads_entries),
		cmocka_unit_test(zip_of_folders_only_is_empty),
		cmocka_unit_test(zip_in_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
