/*
 * Unit tests for src/value beyond the table: names, control characters, limits one byte
 * over, spec checks, canonical round trips, the phone cache and the calling-code table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/limit.h"
#include "value/phone_shim.h"
#include "value/value.h"
#include "value/value_int.h"

static bool parse(struct value_spec *spec, const char *cell, struct arena *a, struct value *v,
		  struct value_error *ve)
{
	return value_parse(spec, cell, strlen(cell), a, v, ve);
}

static void type_names_round_trip(void **state)
{
	enum value_type t;

	(void)state;
	for (int i = VALUE_TYPE_TEXT; i <= VALUE_TYPE_LANGUAGE; i++) {
		assert_true(value_type_from_name(value_type_name((enum value_type)i), &t));
		assert_int_equal(t, i);
	}
	assert_string_equal(value_type_name(VALUE_TYPE_PHONE), "phone");
	assert_false(value_type_from_name("strin", &t));
	assert_false(value_type_from_name("reference", &t));
	assert_string_equal(value_type_name((enum value_type)99), "unknown");
}

static void control_characters(void **state)
{
	(void)state;
	assert_false(value_has_control("plain\ttext\r\n", 12));
	assert_true(value_has_control("a\0b", 3));
	for (int c = 0; c < 0x20; c++) {
		char s[2] = {'x', (char)c};
		bool want = c != '\t' && c != '\n' && c != '\r';
		assert_int_equal(value_has_control(s, 2), want);
	}
	assert_true(value_has_control("\x7f", 1));
	assert_false(value_has_control("\xc2\x80", 2)); /* U+0080 is not in CONTRACT 3 */
}

static void every_type_rejects_controls(void **state)
{
	static const char *const opts[] = {"a\x01"};
	struct arena a;
	struct value v;
	struct value_error ve;
	struct err err;

	(void)state;
	arena_init(&a, 1024);
	for (int t = VALUE_TYPE_TEXT; t <= VALUE_TYPE_LANGUAGE; t++) {
		struct value_spec spec = {.type = (enum value_type)t, .options = opts,
					  .noptions = 1};
		assert_int_equal(value_spec_prepare(&spec, &err), 0);
		assert_false(parse(&spec, "a\x01", &a, &v, &ve));
		assert_int_equal(ve.code, ERR_INVALID_CHARACTERS);
		value_spec_release(&spec);
	}
	arena_release(&a);
}

static void email_limit_one_byte_over(void **state)
{
	struct value_spec spec = {.type = VALUE_TYPE_EMAIL};
	char cell[LIMIT_EMAIL_BYTES + 2];
	struct arena a;
	struct value v;
	struct value_error ve;
	struct err err;

	(void)state;
	assert_int_equal(value_spec_prepare(&spec, &err), 0);
	arena_init(&a, 1024);
	/* a@ + labels of 60 bytes and dots up to exactly the limit. */
	memset(cell, 'a', sizeof(cell));
	cell[1] = '@';
	for (size_t i = 62; i < LIMIT_EMAIL_BYTES; i += 61)
		cell[i] = '.';
	cell[LIMIT_EMAIL_BYTES] = '\0';
	assert_true(parse(&spec, cell, &a, &v, &ve));
	assert_int_equal(v.n, LIMIT_EMAIL_BYTES);
	cell[LIMIT_EMAIL_BYTES] = 'a';
	cell[LIMIT_EMAIL_BYTES + 1] = '\0';
	assert_false(parse(&spec, cell, &a, &v, &ve));
	assert_int_equal(ve.code, ERR_INVALID_EMAIL);
	assert_non_null(strstr(ve.msg, "255 bytes"));
	arena_release(&a);
	value_spec_release(&spec);
}

static void number_limit_one_byte_over(void **state)
{
	struct value_spec ispec = {.type = VALUE_TYPE_INTEGER};
	struct value_spec dspec = {.type = VALUE_TYPE_DECIMAL};
	char cell[VALUE_NUMBER_MAX_BYTES + 2];
	struct arena a;
	struct value v;
	struct value_error ve;
	struct err err;

	(void)state;
	assert_int_equal(value_spec_prepare(&ispec, &err), 0);
	assert_int_equal(value_spec_prepare(&dspec, &err), 0);
	arena_init(&a, 1024);
	memset(cell, '0', sizeof(cell));
	cell[VALUE_NUMBER_MAX_BYTES - 1] = '7';
	cell[VALUE_NUMBER_MAX_BYTES] = '\0';
	assert_true(parse(&ispec, cell, &a, &v, &ve));
	assert_int_equal(v.i, 7);
	assert_true(parse(&dspec, cell, &a, &v, &ve));
	assert_true(v.r == 7.0);
	cell[VALUE_NUMBER_MAX_BYTES] = '0';
	cell[VALUE_NUMBER_MAX_BYTES + 1] = '\0';
	assert_false(parse(&ispec, cell, &a, &v, &ve));
	assert_int_equal(ve.code, ERR_INVALID_INTEGER);
	assert_false(parse(&dspec, cell, &a, &v, &ve));
	assert_int_equal(ve.code, ERR_INVALID_DECIMAL);
	arena_release(&a);
	value_spec_release(&ispec);
	value_spec_release(&dspec);
}

static void phone_limit_one_byte_over(void **state)
{
	struct value_spec spec = {.type = VALUE_TYPE_PHONE};
	char cell[VALUE_PHONE_MAX_BYTES + 2];
	const char *num = "+447400123456";
	struct arena a;
	struct value v;
	struct value_error ve;
	struct err err;

	(void)state;
	assert_int_equal(value_spec_prepare(&spec, &err), 0);
	arena_init(&a, 1024);
	/* The number, then spaces inside it up to the limit: still the same number. */
	memset(cell, ' ', sizeof(cell));
	memcpy(cell, num, 3);
	memcpy(cell + VALUE_PHONE_MAX_BYTES - 10, num + 3, 10);
	cell[VALUE_PHONE_MAX_BYTES] = '\0';
	assert_true(parse(&spec, cell, &a, &v, &ve));
	assert_string_equal(v.s, num);
	memmove(cell + 1, cell, VALUE_PHONE_MAX_BYTES);
	cell[0] = '+';
	cell[1] = '4';
	cell[VALUE_PHONE_MAX_BYTES + 1] = '\0';
	assert_false(parse(&spec, cell, &a, &v, &ve));
	assert_int_equal(ve.code, ERR_INVALID_PHONE);
	arena_release(&a);
	value_spec_release(&spec);
}

static void spec_checks(void **state)
{
	static const char *const bad_fmt[] = {"DD/mm/YYYY"};
	static const char *const time_fmt[] = {"YYYY-MM-DD hh:mm"};
	static const char *const no_year[] = {"DD/MM"};
	static const char *const sep_opt[] = {"a|b"};
	/* Sorted, these swap places: each option is checked with its own length. */
	static const char *const sep_late[] = {"b", "a|x_long"};
	struct value_spec s;
	struct err err;

	(void)state;
	s = (struct value_spec){.type = VALUE_TYPE_SELECT};
	assert_int_equal(value_spec_prepare(&s, &err), -1);
	assert_int_equal(err.code, ERR_INVALID_SCHEMA);
	s = (struct value_spec){.type = VALUE_TYPE_DATE, .formats = bad_fmt, .nformats = 1};
	assert_int_equal(value_spec_prepare(&s, &err), -1);
	s = (struct value_spec){.type = VALUE_TYPE_DATE, .formats = time_fmt, .nformats = 1};
	assert_int_equal(value_spec_prepare(&s, &err), -1);
	s = (struct value_spec){.type = VALUE_TYPE_DATETIME, .formats = time_fmt, .nformats = 1};
	assert_int_equal(value_spec_prepare(&s, &err), 0);
	value_spec_release(&s);
	s = (struct value_spec){.type = VALUE_TYPE_DATE, .formats = no_year, .nformats = 1};
	assert_int_equal(value_spec_prepare(&s, &err), -1);
	s = (struct value_spec){.type = VALUE_TYPE_MULTISELECT, .options = sep_opt,
				.noptions = 1};
	assert_int_equal(value_spec_prepare(&s, &err), -1);
	s = (struct value_spec){.type = VALUE_TYPE_MULTISELECT, .options = sep_late,
				.noptions = 2};
	assert_int_equal(value_spec_prepare(&s, &err), -1);
	assert_non_null(strstr(err.msg, "a|x_long"));
	s = (struct value_spec){.type = VALUE_TYPE_PHONE, .default_region = "XX"};
	assert_int_equal(value_spec_prepare(&s, &err), -1);
	assert_non_null(strstr(err.msg, "XX"));
	s = (struct value_spec){.type = VALUE_TYPE_INTEGER, .has_min = true, .min = 5,
				.has_max = true, .max = 1};
	assert_int_equal(value_spec_prepare(&s, &err), -1);
	s = (struct value_spec){.type = VALUE_TYPE_DECIMAL, .decimal_separator = '5'};
	assert_int_equal(value_spec_prepare(&s, &err), -1);
	assert_null(s.prepared);
}

static void messages_name_the_value(void **state)
{
	static const char *const fmts[] = {"DD/MM/YYYY"};
	struct value_spec s = {.type = VALUE_TYPE_DATE, .formats = fmts, .nformats = 1};
	struct arena a;
	struct value v;
	struct value_error ve;
	struct err err;

	(void)state;
	assert_int_equal(value_spec_prepare(&s, &err), 0);
	arena_init(&a, 1024);
	assert_false(parse(&s, "31/02/2024", &a, &v, &ve));
	assert_string_equal(ve.msg, "'31/02/2024' is not a real date; expected DD/MM/YYYY");
	assert_false(parse(&s, "soon", &a, &v, &ve));
	assert_string_equal(ve.msg, "'soon' is not a date; expected DD/MM/YYYY");
	/* A long value is cut on a character boundary, never mid-sequence. */
	char longcell[200];
	for (size_t i = 0; i + 2 < sizeof(longcell); i += 2)
		memcpy(longcell + i, "\xc3\xa9", 2);
	longcell[198] = '\0';
	assert_false(parse(&s, longcell, &a, &v, &ve));
	assert_non_null(strstr(ve.msg, "...'"));
	assert_true(strlen(ve.msg) < sizeof(ve.msg) - 1);
	arena_release(&a);
	value_spec_release(&s);
}

/* The canonical text of a value parses again to the same canonical text. */
static void canonical_round_trip(void **state)
{
	static const struct {
		enum value_type t;
		const char *cell;
	} cases[] = {
		{VALUE_TYPE_INTEGER, "-0042"}, {VALUE_TYPE_DECIMAL, "0.1"},
		{VALUE_TYPE_DECIMAL, "123456789.123456789"}, {VALUE_TYPE_BOOLEAN, "YES"},
		{VALUE_TYPE_DATE, "2024-2-9"}, {VALUE_TYPE_DATETIME, "2024-03-01T01:30:00.5+0200"},
		{VALUE_TYPE_PHONE, "00 44 7400 123456"}, {VALUE_TYPE_UUID,
		"123E4567-E89B-12D3-A456-426614174000"}, {VALUE_TYPE_LANGUAGE, "NL"},
		{VALUE_TYPE_EMAIL, " a@b.c "},
	};
	struct arena a;
	struct buf b1, b2;
	struct err err;

	(void)state;
	arena_init(&a, 1024);
	buf_init(&b1, 1024);
	buf_init(&b2, 1024);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct value_spec s = {.type = cases[i].t};
		struct value v, w;
		struct value_error ve;
		assert_int_equal(value_spec_prepare(&s, &err), 0);
		if (!parse(&s, cases[i].cell, &a, &v, &ve))
			fail_msg("'%s': %s", cases[i].cell, ve.msg);
		buf_reset(&b1);
		value_format(&v, &b1);
		if (!value_parse(&s, b1.ptr, b1.len, &a, &w, &ve))
			fail_msg("'%s' -> '%s': %s", cases[i].cell, b1.ptr, ve.msg);
		buf_reset(&b2);
		value_format(&w, &b2);
		assert_string_equal(b1.ptr, b2.ptr);
		value_spec_release(&s);
	}
	buf_release(&b1);
	buf_release(&b2);
	arena_release(&a);
}

static void phone_cache_remembers(void **state)
{
	struct value_spec s = {.type = VALUE_TYPE_PHONE, .default_region = "KE"};
	struct value_prepared *pr;
	struct arena a;
	struct value v;
	struct value_error ve;
	struct err err;

	(void)state;
	assert_int_equal(value_spec_prepare(&s, &err), 0);
	pr = s.prepared;
	arena_init(&a, 1024);
	assert_true(parse(&s, "0712 123456", &a, &v, &ve));
	assert_string_equal(v.s, "+254712123456");
	assert_int_equal(pr->cache_misses, 1);
	assert_true(parse(&s, "0712-123-456", &a, &v, &ve));
	assert_string_equal(v.s, "+254712123456");
	assert_int_equal(pr->cache_hits, 1);
	assert_false(parse(&s, "0712 12345", &a, &v, &ve));
	assert_false(parse(&s, "0712 12345", &a, &v, &ve));
	assert_int_equal(pr->cache_hits, 2);
	assert_int_equal(ve.code, ERR_INVALID_PHONE);
	value_phone_cache_enable(&s, false);
	assert_true(parse(&s, "0712 123456", &a, &v, &ve));
	assert_int_equal(pr->cache_hits, 2);
	arena_release(&a);
	value_spec_release(&s);
}

/* The C table of calling codes is exactly the installed libphonenumber's. */
static void calling_codes_match_library(void **state)
{
	int codes[1000];
	size_t n = phone_shim_calling_codes(codes, 1000), k = 0;

	(void)state;
	assert_true(n > 200 && n < 1000);
	for (unsigned cc = 0; cc < 1000; cc++) {
		bool lib = k < n && codes[k] == (int)cc;
		if (lib)
			k++;
		if (value__calling_code_known(cc) != lib)
			fail_msg("calling code %u: table says %d, libphonenumber %d", cc,
				 value__calling_code_known(cc), lib);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(type_names_round_trip),
		cmocka_unit_test(control_characters),
		cmocka_unit_test(every_type_rejects_controls),
		cmocka_unit_test(email_limit_one_byte_over),
		cmocka_unit_test(number_limit_one_byte_over),
		cmocka_unit_test(phone_limit_one_byte_over),
		cmocka_unit_test(spec_checks),
		cmocka_unit_test(messages_name_the_value),
		cmocka_unit_test(canonical_round_trip),
		cmocka_unit_test(phone_cache_remembers),
		cmocka_unit_test(calling_codes_match_library),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
