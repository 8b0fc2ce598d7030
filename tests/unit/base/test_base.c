/* Unit tests for src/base: buf, arena, err, utf8, limits, xalloc, fs. */
#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/fs.h"
#include "base/limit.h"
#include "base/utf8.h"
#include "base/xalloc.h"

static void buf_appends_up_to_max(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	buf_adds(&b, "hello");
	buf_addf(&b, "%d", 1234);
	assert_string_equal(b.ptr, "hello1234");
	assert_false(b.failed);
	buf_addc(&b, '!');
	assert_int_equal(b.len, 10);
	assert_false(b.failed);
	buf_release(&b);
}

static void buf_one_byte_over_max_fails_and_sticks(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	buf_adds(&b, "0123456789");
	buf_addc(&b, 'x');
	assert_true(b.failed);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.ptr, "0123456789");
	buf_truncate(&b, 2);
	buf_adds(&b, "y");
	assert_true(b.failed); /* sticky until reset */
	assert_string_equal(b.ptr, "01");
	buf_reset(&b);
	assert_false(b.failed);
	buf_addf(&b, "%s", "0123456789AB");
	assert_true(b.failed);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void buf_detach_hands_over(void **state)
{
	struct buf b;
	size_t n;
	char *p;

	(void)state;
	buf_init(&b, 100);
	p = buf_detach(&b, &n);
	assert_int_equal(n, 0);
	assert_string_equal(p, "");
	free(p);
	buf_adds(&b, "abc");
	p = buf_detach(&b, &n);
	assert_int_equal(n, 3);
	assert_string_equal(p, "abc");
	assert_int_equal(b.len, 0);
	free(p);
	buf_release(&b);
}

static void buf_json_escapes(void **state)
{
	struct buf b;
	const char in[] = "a\"b\\c\n\x01\x7f\xc3\xa9";

	(void)state;
	buf_init(&b, 1000);
	buf_add_json_str(&b, in, sizeof(in) - 1);
	assert_string_equal(b.ptr, "\"a\\\"b\\\\c\\n\\u0001\\u007f\xc3\xa9\"");
	buf_release(&b);
}

static void arena_allocates_and_resets(void **state)
{
	struct arena a;
	char *big;

	(void)state;
	arena_init(&a, 1024);
	for (int i = 0; i < 1000; i++) {
		char *s = arena_printf(&a, "row %d", i);
		assert_string_equal(s, i == 999 ? "row 999" : s);
		assert_int_equal(((uintptr_t)arena_alloc(&a, 3)) % alignof(max_align_t), 0);
	}
	big = arena_alloc(&a, 10000);
	memset(big, 'x', 10000);
	assert_true(a.used >= 10000);
	arena_reset(&a);
	assert_int_equal(a.used, 0);
	assert_string_equal(arena_strdup(&a, "again"), "again");
	arena_release(&a);
}

static void err_names_are_stable(void **state)
{
	struct err err;
	enum err_code c;

	(void)state;
	assert_string_equal(err_name(ERR_INVALID_PHONE), "invalid_phone");
	assert_string_equal(err_name(ERR_TOO_LARGE), "too_large");
	assert_string_equal(err_name(ERR_PHONE_ALREADY_ASSIGNED), "phone_already_assigned");
	assert_int_equal(err_scope(ERR_MALFORMED_CSV), ERR_SCOPE_FILE);
	assert_int_equal(err_scope(ERR_WRONG_COLUMN_COUNT), ERR_SCOPE_ROW);
	assert_true(err_code_from_name("archive_limits", &c));
	assert_int_equal(c, ERR_ARCHIVE_LIMITS);
	assert_false(err_code_from_name("no_such_code", &c));
	assert_string_equal(err_name((enum err_code)9999), "unknown");
	assert_int_equal(err_set(&err, ERR_IO_ERROR, "cannot open '%s'", "x.csv"), -1);
	assert_int_equal(err.code, ERR_IO_ERROR);
	assert_string_equal(err.msg, "cannot open 'x.csv'");
	err_set(&err, ERR_EMPTY_FILE, NULL);
	assert_string_equal(err.msg, err_sentence(ERR_EMPTY_FILE));
	errno = ENOSPC;
	err_sys(&err, ERR_IO_ERROR, "write failed");
	assert_int_equal(err.code, ERR_DISK_FULL);
	assert_int_equal(err.sys_errno, ENOSPC);
}

static void err_message_is_cut_not_overflowed(void **state)
{
	struct err err;
	char long_text[1000];

	(void)state;
	memset(long_text, 'z', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	err_set(&err, ERR_TOO_LONG, "%s", long_text);
	assert_int_equal(strlen(err.msg), ERR_MSG_BYTES - 1);
}

static void utf8_validates(void **state)
{
	uint32_t cp;

	(void)state;
	assert_true(utf8_is_valid("plain ascii", 11));
	assert_true(utf8_is_valid("Zo\xc3\xab \xe2\x82\xac \xf0\x9f\x98\x80", 13));
	assert_int_equal(utf8_valid_prefix("ab\xc3", 3), 2);		/* truncated */
	assert_int_equal(utf8_valid_prefix("ab\xc0\xaf", 4), 2);	/* overlong '/' */
	assert_int_equal(utf8_valid_prefix("\xed\xa0\x80", 3), 0);	/* surrogate */
	assert_int_equal(utf8_valid_prefix("\xf4\x90\x80\x80", 4), 0);	/* > U+10FFFF */
	assert_int_equal(utf8_valid_prefix("abcdefgh\xffijkl", 13), 8);
	assert_int_equal(utf8_valid_prefix("\xe9t\xe9", 3), 0);		/* Latin-1 */
	assert_int_equal(utf8_count("Zo\xc3\xab", 4), 3);
	assert_int_equal(utf8_decode("\xe2\x82\xac", 3, &cp), 3);
	assert_int_equal(cp, 0x20AC);
}

static void utf8_encode_round_trips(void **state)
{
	char out[4];
	uint32_t cps[] = {0x24, 0xA2, 0x20AC, 0x10348, 0x10FFFF};

	(void)state;
	for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		uint32_t back;
		size_t n = utf8_encode(cps[i], out);
		assert_true(n > 0);
		assert_int_equal(utf8_decode(out, n, &back), n);
		assert_int_equal(back, cps[i]);
	}
	assert_int_equal(utf8_encode(0xD800, out), 0);
	assert_int_equal(utf8_encode(0x110000, out), 0);
}

static void limits_from_env_overrides_and_refuses(void **state)
{
	struct limits l;
	struct err err;

	(void)state;
	unsetenv("INTAKE_LIMIT_CELL_BYTES");
	assert_int_equal(limits_from_env(&l, &err), 0);
	assert_int_equal(l.cell_bytes, LIMIT_CELL_BYTES);
	assert_int_equal(l.record_bytes, 16 * 1024 * 1024);
	setenv("INTAKE_LIMIT_CELL_BYTES", "4096", 1);
	assert_int_equal(limits_from_env(&l, &err), 0);
	assert_int_equal(l.cell_bytes, 4096);
	setenv("INTAKE_LIMIT_CELL_BYTES", "-1", 1);
	assert_int_equal(limits_from_env(&l, &err), -1);
	assert_int_equal(err.code, ERR_INVALID_ARGUMENT);
	assert_non_null(strstr(err.msg, "INTAKE_LIMIT_CELL_BYTES"));
	setenv("INTAKE_LIMIT_CELL_BYTES", "12x", 1);
	assert_int_equal(limits_from_env(&l, &err), -1);
	unsetenv("INTAKE_LIMIT_CELL_BYTES");
	assert_int_equal(limits_from_env(&l, &err), 0);
	assert_int_equal(l.xlsx_shared_bytes, LIMIT_XLSX_SHARED_BYTES);
	setenv("INTAKE_LIMIT_XLSX_SHARED_BYTES", "4294967295", 1);
	assert_int_equal(limits_from_env(&l, &err), 0);
	assert_int_equal(l.xlsx_shared_bytes, 4294967295u);
	setenv("INTAKE_LIMIT_XLSX_SHARED_BYTES", "4294967296", 1);	/* offsets are 32 bits */
	assert_int_equal(limits_from_env(&l, &err), -1);
	assert_non_null(strstr(err.msg, "INTAKE_LIMIT_XLSX_SHARED_BYTES"));
	unsetenv("INTAKE_LIMIT_XLSX_SHARED_BYTES");
}

static void xgrow_grows(void **state)
{
	int *v = NULL;
	size_t cap = 0;

	(void)state;
	XGROW(v, cap, 100);
	assert_true(cap >= 100);
	v[99] = 7;
	assert_int_equal(xadd(2, 3), 5);
	assert_int_equal(xmul(6, 7), 42);
	free(v);
}

static void fs_round_trip(void **state)
{
	char *dir = testlib_tmpdir();
	struct buf b, path;
	struct err err;
	uint64_t n;

	(void)state;
	buf_init(&path, 4096);
	buf_addf(&path, "%s/a/b/c", dir);
	assert_int_equal(fs_mkdir_p(path.ptr, &err), 0);
	assert_true(fs_exists(path.ptr));
	buf_adds(&path, "/f.txt");
	assert_int_equal(fs_write_file_atomic(path.ptr, "hello", 5, &err), 0);
	buf_init(&b, 5);
	assert_int_equal(fs_read_file(path.ptr, &b, &err), 0);
	assert_string_equal(b.ptr, "hello");
	b.max = 4;
	assert_int_equal(fs_read_file(path.ptr, &b, &err), -1);
	assert_int_equal(err.code, ERR_TOO_LARGE);
	buf_reset(&b);
	buf_addf(&b, "%s", "");
	{
		struct buf dst;
		buf_init(&dst, 4096);
		buf_addf(&dst, "%s/copy", dir);
		assert_int_equal(fs_copy_file(path.ptr, dst.ptr, 5, &n, &err), 0);
		assert_int_equal(n, 5);
		assert_int_equal(fs_copy_file(path.ptr, dst.ptr, 4, &n, &err), -1);
		assert_int_equal(err.code, ERR_TOO_LARGE);
		assert_false(fs_exists(dst.ptr));
		buf_release(&dst);
	}
	assert_int_equal(fs_read_file("/nonexistent/x", &b, &err), -1);
	assert_int_equal(err.code, ERR_IO_ERROR);
	buf_release(&b);
	buf_release(&path);
	testlib_rmtree(dir);
}

static void clock_formats_iso(void **state)
{
	char s[CLOCK_ISO_BYTES];

	(void)state;
	clock_iso(0, s);
	assert_string_equal(s, "1970-01-01T00:00:00Z");
	clock_iso(1795428000, s);
	assert_string_equal(s, "2026-11-23T10:00:00Z");
	setenv("INTAKE_NOW", "1795428000", 1);
	assert_int_equal(clock_now(), 1795428000);
	unsetenv("INTAKE_NOW");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_appends_up_to_max),
		cmocka_unit_test(buf_one_byte_over_max_fails_and_sticks),
		cmocka_unit_test(buf_detach_hands_over),
		cmocka_unit_test(buf_json_escapes),
		cmocka_unit_test(arena_allocates_and_resets),
		cmocka_unit_test(err_names_are_stable),
		cmocka_unit_test(err_message_is_cut_not_overflowed),
		cmocka_unit_test(utf8_validates),
		cmocka_unit_test(utf8_encode_round_trips),
		cmocka_unit_test(limits_from_env_overrides_and_refuses),
		cmocka_unit_test(xgrow_grows),
		cmocka_unit_test(fs_round_trip),
		cmocka_unit_test(clock_formats_iso),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
