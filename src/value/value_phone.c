/*
 * Phone cells: C cleans the cell (formatting, '+' or "00", default region, country calling
 * code) and asks the shim only about the digits; a cache per spec remembers repeats.
 * Cells C does not clean go to libphonenumber's own Parse, so every answer is the library's.
 */
#include "value/value.h"
#include "value/value_int.h"
#include "value/phone_shim.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#include "base/banned.h"

/*
 * The country calling codes libphonenumber 8.12 knows (ITU E.164 assignments in use).
 * tests/unit/value checks this table against the installed library.
 */
static const uint16_t calling_codes[] = {
	1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53,
	54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95,
	98, 211, 212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231,
	232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249,
	250, 251, 252, 253, 254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268,
	269, 290, 291, 297, 298, 299, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371,
	372, 373, 374, 375, 376, 377, 378, 380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423,
	500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 590, 591, 592, 593, 594, 595, 596, 597,
	598, 599, 670, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 685, 686, 687,
	688, 689, 690, 691, 692, 800, 808, 850, 852, 853, 855, 856, 870, 878, 880, 881, 882, 883,
	886, 888, 960, 961, 962, 963, 964, 965, 966, 967, 968, 970, 971, 972, 973, 974, 975, 976,
	977, 979, 992, 993, 994, 995, 996, 998,
};

static bool cc_known(unsigned cc)
{
	size_t lo = 0, hi = sizeof(calling_codes) / sizeof(calling_codes[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (calling_codes[mid] == cc)
			return true;
		if (calling_codes[mid] < cc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool value__calling_code_known(unsigned cc)
{
	return cc_known(cc);
}

int value__phone_prepare(struct value_spec *spec, struct err *err)
{
	const char *r = spec->default_region;

	if (r[0] && !phone_shim_region_known(r))
		return err_set(err, ERR_INVALID_SCHEMA,
			       "default_region '%.2s' is not a region libphonenumber knows", r);
	if (spec->output > VALUE_PHONE_NATIONAL)
		return err_set(err, ERR_INVALID_SCHEMA, "unknown phone output %d",
			       (int)spec->output);
	return 0;
}

void value_phone_cache_enable(struct value_spec *spec, bool on)
{
	struct value_prepared *pr = spec->prepared;

	if (pr)
		pr->cache_off = !on;
}

static uint64_t hash_digits(int mode, const char *d, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)mode;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)d[i]) * 1099511628211ull;
	return h ? h : 1;
}

/* The fast path for cleaned digits, through the cache. */
static bool check_digits(const struct value_spec *spec, enum phone_shim_mode mode,
			 const char *d, size_t nd, struct phone_shim_result *res)
{
	struct value_prepared *pr = spec->prepared;
	struct value_phone_slot *slot = NULL;
	unsigned cc = 0;
	size_t cc_len = 0;
	uint64_t h = 0;

	if (pr && !pr->cache_off) {
		if (!pr->cache)
			pr->cache = xcalloc(VALUE_PHONE_CACHE_SLOTS, sizeof(*pr->cache));
		h = hash_digits(mode, d, nd);
		slot = &pr->cache[h % VALUE_PHONE_CACHE_SLOTS];
		if (slot->hash == h && slot->mode == mode && slot->len == nd &&
		    memcmp(slot->digits, d, nd) == 0) {
			pr->cache_hits++;
			res->valid = slot->valid;
			res->cc = slot->cc;
			memcpy(res->nsn, slot->nsn, sizeof(res->nsn));
			return true;
		}
		pr->cache_misses++;
	}
	/* ExtractCountryCode: the first known code of one to three digits. */
	if (mode == PHONE_SHIM_PLUS && d[0] != '0') {
		for (size_t i = 0; i < 3 && i < nd; i++) {
			cc = cc * 10 + (unsigned)(d[i] - '0');
			if (cc_known(cc)) {
				cc_len = i + 1;
				break;
			}
		}
		if (!cc_len)
			cc = 0;
	}
	if (!phone_shim_check(mode, d, nd, (int)cc, cc_len, spec->default_region, res))
		return false;
	if (slot) {
		slot->hash = h;
		slot->mode = (uint8_t)mode;
		slot->len = (uint8_t)nd;
		memcpy(slot->digits, d, nd);
		slot->valid = res->valid;
		slot->cc = (uint16_t)res->cc;
		memcpy(slot->nsn, res->nsn, sizeof(slot->nsn));
	}
	return true;
}

static bool phone_fail(const struct value_spec *spec, const char *p, size_t n,
		       const struct phone_shim_result *res, struct value_error *e)
{
	char show[VALUE_SHOW_BYTES], region[64] = "";

	value__show(p, n, show, sizeof(show));
	if (spec->default_region[0])
		snprintf(region, sizeof(region), ", or a national number of %.2s",
			 spec->default_region);
	if (res->cc == 0)
		return value__fail(e, ERR_INVALID_PHONE,
				   "'%s' is not a phone number with a known country code; expected "
				   "+ and the country code, such as +254712345678%s", show, region);
	/* The country code is known: what is wrong is the rest of the number. */
	return value__fail(e, ERR_INVALID_PHONE,
			   "'%s' is not a valid phone number for country code +%d; check the "
			   "number of digits and the area or mobile prefix", show, res->cc);
}

bool value__parse_phone(const struct value_spec *spec, const char *p, size_t n, struct arena *a,
			struct value *ret, struct value_error *e)
{
	char d[VALUE_PHONE_DIGITS_MAX], out[64], show[VALUE_SHOW_BYTES];
	struct phone_shim_result res = {0};
	enum phone_shim_mode mode = PHONE_SHIM_PLUS;
	size_t i = 0, nd = 0;
	bool clean = true, ok;
	int len;

	if (n > VALUE_PHONE_MAX_BYTES)
		return value__fail(e, ERR_INVALID_PHONE,
				   "'%s' is too long to be a phone number (over %d bytes)",
				   value__show(p, n, show, sizeof(show)), VALUE_PHONE_MAX_BYTES);
	if (n > 0 && p[0] == '+')
		i = 1;
	else if (n >= 2 && p[0] == '0' && p[1] == '0')
		i = 2;
	else if (spec->default_region[0])
		mode = PHONE_SHIM_NATIONAL;
	/* Clean: digits and the separators people write, with no '+' after the first byte. */
	for (; i < n && clean; i++) {
		char c = p[i];
		if (c >= '0' && c <= '9') {
			if (nd == sizeof(d))
				clean = false;
			else
				d[nd++] = c;
		} else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
			clean = false;
		}
	}
	if (clean && nd >= 3)
		ok = check_digits(spec, mode, d, nd, &res);
	else
		ok = phone_shim_reference(p, n, spec->default_region, &res);
	if (!ok)
		return value__fail(e, ERR_INVALID_PHONE,
				   "'%s' could not be checked: libphonenumber has no metadata",
				   value__show(p, n, show, sizeof(show)));
	if (!res.valid)
		return phone_fail(spec, p, n, &res, e);

	switch (spec->output) {
	case VALUE_PHONE_DIGITS:
	case VALUE_PHONE_E164: {
		char *o = out;
		size_t nl = strlen(res.nsn);
		if (spec->output == VALUE_PHONE_E164)
			*o++ = '+';
		o = value__put_uint(o, (unsigned)res.cc, 1);
		memcpy(o, res.nsn, nl);
		len = (int)(o - out + (ptrdiff_t)nl);
		break;
	}
	case VALUE_PHONE_NATIONAL:
		if (!phone_shim_format_national(res.cc, res.nsn, out, sizeof(out)))
			return phone_fail(spec, p, n, &res, e);
		len = (int)strlen(out);
		break;
	default:
		return phone_fail(spec, p, n, &res, e);
	}
	*ret = (struct value){.kind = VALUE_TEXT, .s = arena_memdup0(a, out, (size_t)len),
			      .n = (size_t)len};
	return true;
}
