/*
 * Integer and decimal cells: an optional sign, digits, for decimals one separator, then
 * the field's bounds. No exponents, no thousands separators: what a person typed.
 */
#include "value/value.h"
#include "value/value_int.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#include "base/banned.h"

/* A bound as a person wrote it: positional, shortest (value_format's decimal form). */
static const char *bound(double v, char *out, size_t cap)
{
	struct buf b;

	buf_init(&b, cap - 1);
	value__format_real(v, &b);
	snprintf(out, cap, "%s", b.ptr);
	buf_release(&b);
	return out;
}

static bool range_fail(const struct value_spec *spec, const char *p, size_t n,
		       struct value_error *e)
{
	char show[VALUE_SHOW_BYTES], lo[40], hi[40];

	value__show(p, n, show, sizeof(show));
	if (spec->has_min && spec->has_max)
		return value__fail(e, ERR_OUT_OF_RANGE, "'%s' is out of range; expected %s to %s",
				   show, bound(spec->min, lo, sizeof(lo)),
				   bound(spec->max, hi, sizeof(hi)));
	if (spec->has_min)
		return value__fail(e, ERR_OUT_OF_RANGE, "'%s' is too small; expected at least %s",
				   show, bound(spec->min, lo, sizeof(lo)));
	if (spec->has_max)
		return value__fail(e, ERR_OUT_OF_RANGE, "'%s' is too large; expected at most %s",
				   show, bound(spec->max, hi, sizeof(hi)));
	return value__fail(e, ERR_OUT_OF_RANGE, "'%s' is too large for a 64-bit whole number",
			   show);
}

bool value__parse_integer(const struct value_spec *spec, const char *p, size_t n,
			  struct value *ret, struct value_error *e)
{
	char show[VALUE_SHOW_BYTES];
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0, lim;

	if (n > VALUE_NUMBER_MAX_BYTES)
		return value__fail(e, ERR_INVALID_INTEGER,
				   "'%s' is too long to be a whole number (over %d characters)",
				   value__show(p, n, show, sizeof(show)), VALUE_NUMBER_MAX_BYTES);
	if (i < n && (p[i] == '-' || p[i] == '+'))
		neg = p[i++] == '-';
	if (i == n)
		goto bad;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		unsigned d = (unsigned char)p[i] - '0';
		if (d > 9)
			goto bad;
		if (v > (lim - d) / 10) {
			/* Still a whole number: check the rest are digits, then it is too big. */
			for (; i < n; i++)
				if ((unsigned)((unsigned char)p[i] - '0') > 9)
					goto bad;
			return range_fail(spec, p, n, e);
		}
		v = v * 10 + d;
	}
	ret->kind = VALUE_INT;
	ret->i = neg ? (int64_t)(0 - v) : (int64_t)v;
	ret->r = 0;
	ret->s = NULL;
	ret->n = 0;
	if ((spec->has_min && (double)ret->i < spec->min) ||
	    (spec->has_max && (double)ret->i > spec->max))
		return range_fail(spec, p, n, e);
	return true;
bad:
	return value__fail(e, ERR_INVALID_INTEGER,
			   "'%s' is not a whole number; expected digits only, such as 42 or -7",
			   value__show(p, n, show, sizeof(show)));
}

bool value__parse_decimal(const struct value_spec *spec, const char *p, size_t n,
			  struct value *ret, struct value_error *e)
{
	char sep = spec->decimal_separator ? spec->decimal_separator : '.';
	char show[VALUE_SHOW_BYTES], tmp[VALUE_NUMBER_MAX_BYTES + 1];
	size_t i = 0, digits = 0;
	bool seen_sep = false;
	double v;

	if (n > VALUE_NUMBER_MAX_BYTES)
		return value__fail(e, ERR_INVALID_DECIMAL,
				   "'%s' is too long to be a number (over %d characters)",
				   value__show(p, n, show, sizeof(show)), VALUE_NUMBER_MAX_BYTES);
	if (i < n && (p[i] == '-' || p[i] == '+'))
		tmp[i] = p[i], i++;
	for (; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			tmp[i] = p[i];
			digits++;
		} else if (p[i] == sep && !seen_sep) {
			tmp[i] = '.';	/* strtod reads '.' in the C locale intake runs in */
			seen_sep = true;
		} else {
			goto bad;
		}
	}
	if (digits == 0)
		goto bad;
	tmp[n] = '\0';
	errno = 0;
	v = strtod(tmp, NULL);
	if (!isfinite(v))
		return range_fail(spec, p, n, e);
	if (v == 0)
		v = 0;	/* -0 is stored as 0 */
	if ((spec->has_min && v < spec->min) || (spec->has_max && v > spec->max))
		return range_fail(spec, p, n, e);
	*ret = (struct value){.kind = VALUE_REAL, .r = v};
	return true;
bad:
	return value__fail(e, ERR_INVALID_DECIMAL,
			   "'%s' is not a number; expected digits with '%c' before the decimals, "
			   "such as 12%c5", value__show(p, n, show, sizeof(show)), sep, sep);
}
