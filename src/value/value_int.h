/*
 * value_int: what the files of src/value/ share. Only files in src/value/ and
 * tests/unit/value/ (and the value benchmark) may include this.
 */
#ifndef INTAKE_VALUE_VALUE_INT_H
#define INTAKE_VALUE_VALUE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "value/value.h"

/* A date or datetime format, compiled from its tokens. */
enum value_fmt_item { FMT_LIT, FMT_YEAR, FMT_MONTH, FMT_DAY, FMT_HOUR, FMT_MINUTE, FMT_SECOND };

#define VALUE_FMT_MAX_ITEMS 32	/* items (tokens and literal bytes) in one format */

struct value_fmt {
	uint8_t item[VALUE_FMT_MAX_ITEMS];	/* enum value_fmt_item */
	char lit[VALUE_FMT_MAX_ITEMS];		/* the byte of a FMT_LIT item */
	size_t nitems;
	const char *text;			/* the format as written (spec's string) */
};

/*
 * Limits on what one cell may make a parser look at. Over them the cell is rejected with
 * the type's code (a number of 64 characters or a phone number of 256 bytes is no number).
 */
#define VALUE_NUMBER_MAX_BYTES 64	/* integer, decimal: bytes after trimming */
#define VALUE_PHONE_MAX_BYTES 256	/* phone: bytes after trimming */
#define VALUE_PHONE_DIGITS_MAX 24	/* phone: digits the fast path and its cache take */

/* One remembered phone answer: the cleaned digits and what they gave. */
struct value_phone_slot {
	uint64_t hash;			/* 0: empty */
	uint8_t mode, len;		/* enum phone_shim_mode; digits used */
	char digits[VALUE_PHONE_DIGITS_MAX];
	bool valid;
	uint16_t cc;
	char nsn[18];
};

#define VALUE_PHONE_CACHE_SLOTS 2048	/* per spec: 2048 * 64 bytes = 128 KiB at most */

struct value_prepared {
	struct value_fmt *fmts;		/* date, datetime: one per format */
	size_t nfmts;
	const char **sorted;		/* select, multiselect: options sorted for bsearch */
	size_t *sorted_len;
	struct value_phone_slot *cache;	/* phone: direct-mapped, allocated on first use */
	bool cache_off;			/* phone: benchmark switch */
	uint64_t cache_hits, cache_misses;
};

/* Fills *e and returns false, so a parser can "return value__fail(e, ...)". */
bool value__fail(struct value_error *e, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Writes the cell into out (cap bytes) for a message: at most 60 bytes, cut on a UTF-8
 * boundary with "..." added, control bytes shown as '?'. Returns out.
 */
const char *value__show(const char *p, size_t n, char *out, size_t cap);
#define VALUE_SHOW_BYTES 72

/* A double in positional notation with the fewest digits that read back the same. */
void value__format_real(double r, struct buf *out);

/* Writes v in decimal, zero-padded to width digits, at p; returns the end (no NUL). */
static inline char *value__put_uint(char *p, unsigned v, int width)
{
	char tmp[12];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* Drops leading and trailing spaces (CONTRACT 9). */
void value__trim(const char **p, size_t *n);

bool value__parse_integer(const struct value_spec *spec, const char *p, size_t n,
			  struct value *ret, struct value_error *e);
bool value__parse_decimal(const struct value_spec *spec, const char *p, size_t n,
			  struct value *ret, struct value_error *e);
bool value__parse_date(const struct value_spec *spec, const char *p, size_t n, struct arena *a,
		       struct value *ret, struct value_error *e);
bool value__parse_datetime(const struct value_spec *spec, const char *p, size_t n,
			   struct arena *a, struct value *ret, struct value_error *e);
bool value__parse_phone(const struct value_spec *spec, const char *p, size_t n, struct arena *a,
			struct value *ret, struct value_error *e);

/* Compiles one date/datetime format; false (and a message in err) if it is not usable. */
int value__fmt_compile(const char *text, bool datetime, struct value_fmt *ret, struct err *err);
/* Checks the phone options of a spec (default region known to libphonenumber). */
int value__phone_prepare(struct value_spec *spec, struct err *err);

/* True when the C table holds calling code cc (tests compare it with libphonenumber). */
bool value__calling_code_known(unsigned cc);

/* Phone cache statistics and the switch the benchmark uses. */
void value_phone_cache_enable(struct value_spec *spec, bool on);

#endif
