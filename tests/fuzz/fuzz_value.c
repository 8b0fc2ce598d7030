/*
 * libFuzzer target for the value parsers: the first byte picks a type and its options, the
 * rest is the cell. Never a crash; a rejection has a row code and a message; a success
 * gives canonical text that parses again to the same canonical text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "value/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const words_true[] = {"X", "ja"};
static const char *const words_false[] = {"nee", ""};
static const char *const date_fmts[] = {"DD/MM/YYYY", "YYYYMMDD"};
static const char *const dt_fmts[] = {"DD/MM/YYYY hh:mm:ss", "YYYY-MM-DD hh:mm"};
static const char *const langs[] = {"en", "nl", "ar", "a b", "é"};
static const char *const keys[] = {"sports", "music", "art", "x"};

/* Each spec, and the spec its canonical text is read back with (NULL: no round trip). */
static struct value_spec specs[] = {
	{.type = VALUE_TYPE_TEXT},
	{.type = VALUE_TYPE_TEXT, .charset = VALUE_CHARSET_ASCII, .max_length = 10},
	{.type = VALUE_TYPE_TEXT, .charset = VALUE_CHARSET_LATIN1},
	{.type = VALUE_TYPE_TEXT, .charset = VALUE_CHARSET_GSM7, .max_length = 5},
	{.type = VALUE_TYPE_INTEGER},
	{.type = VALUE_TYPE_INTEGER, .has_min = true, .min = -5, .has_max = true, .max = 5},
	{.type = VALUE_TYPE_DECIMAL},
	{.type = VALUE_TYPE_DECIMAL, .decimal_separator = ','},
	{.type = VALUE_TYPE_DECIMAL, .has_min = true, .min = 0, .has_max = true, .max = 1},
	{.type = VALUE_TYPE_BOOLEAN},
	{.type = VALUE_TYPE_BOOLEAN, .true_words = words_true, .ntrue = 2,
	 .false_words = words_false, .nfalse = 2},
	{.type = VALUE_TYPE_DATE},
	{.type = VALUE_TYPE_DATE, .formats = date_fmts, .nformats = 2},
	{.type = VALUE_TYPE_DATETIME},
	{.type = VALUE_TYPE_DATETIME, .formats = dt_fmts, .nformats = 2},
	{.type = VALUE_TYPE_PHONE},
	{.type = VALUE_TYPE_PHONE, .default_region = "KE"},
	{.type = VALUE_TYPE_PHONE, .default_region = "US", .output = VALUE_PHONE_DIGITS},
	{.type = VALUE_TYPE_PHONE, .default_region = "GB", .output = VALUE_PHONE_NATIONAL},
	{.type = VALUE_TYPE_PHONE, .output = VALUE_PHONE_DIGITS},
	{.type = VALUE_TYPE_EMAIL},
	{.type = VALUE_TYPE_SELECT, .options = langs, .noptions = 5},
	{.type = VALUE_TYPE_MULTISELECT, .options = keys, .noptions = 4},
	{.type = VALUE_TYPE_MULTISELECT, .options = keys, .noptions = 4, .separator = ';'},
	{.type = VALUE_TYPE_UUID},
	{.type = VALUE_TYPE_LANGUAGE},
};
#define NSPECS (sizeof(specs) / sizeof(specs[0]))
/* Index of the read-back spec for each spec; -1: none. */
static const int back[NSPECS] = {0, 1, 2, 3, 4, 5, 6, 6, 8, 9, -1, 11, 11, 13, 13, 15, 15, 19,
				 -1, 19, 20, 21, 22, 22, 24, 25};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct value v, w;
	struct value_error ve;
	struct arena a;
	struct buf b1, b2;
	struct err err;

	if (!ready) {
		for (size_t i = 0; i < NSPECS; i++)
			if (value_spec_prepare(&specs[i], &err) < 0)
				abort();
		ready = true;
	}
	if (size == 0)
		return 0;
	size_t k = data[0] % NSPECS;
	const char *cell = (const char *)data + 1;
	size_t n = size - 1;

	arena_init(&a, 4096);
	buf_init(&b1, 1 << 20);
	buf_init(&b2, 1 << 20);
	if (!value_parse(&specs[k], cell, n, &a, &v, &ve)) {
		if (err_scope(ve.code) != ERR_SCOPE_ROW || ve.code == ERR_OK || ve.msg[0] != '\'')
			abort();
	} else if (back[k] >= 0) {
		const struct value_spec *rs = &specs[back[k]];
		value_format(&v, &b1);
		bool long_number = (rs->type == VALUE_TYPE_DECIMAL ||
				    rs->type == VALUE_TYPE_INTEGER) && b1.len > 64;
		if (!long_number) {
			if (!value_parse(rs, b1.ptr, b1.len, &a, &w, &ve))
				abort();
			value_format(&w, &b2);
			if (b1.len != b2.len || memcmp(b1.ptr, b2.ptr, b1.len) != 0)
				abort();
		}
	}
	buf_release(&b1);
	buf_release(&b2);
	arena_release(&a);
	return 0;
}
