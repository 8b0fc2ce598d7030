/*
 * phone_shim: the C face of libphonenumber (C++), private to src/value/.
 * Owns: the libphonenumber calls, its metadata compiled into RE2 matchers, and the rule
 * that no C++ exception crosses into C (every function catches and reports failure).
 * Knows nothing of: cells, specs, error messages (value_phone.c does those).
 *
 * Two ways to the same answer. phone_shim_check follows libphonenumber's parsing and
 * validation steps on digits that C has already cleaned, with the library's own metadata
 * patterns run by RE2 (one of libphonenumber's two supported regex engines); it is the
 * fast path. phone_shim_reference runs libphonenumber's Parse + IsValidNumber +
 * Format(E164) on the cell text itself; it is the slow path for cells C does not clean
 * (letters, other scripts, extensions) and the reference the tests compare against.
 * docs/internals/value.md says why the two agree.
 */
#ifndef INTAKE_VALUE_PHONE_SHIM_H
#define INTAKE_VALUE_PHONE_SHIM_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PHONE_SHIM_NSN_MAX 17	/* libphonenumber's longest national significant number */

/* One number's answer. */
struct phone_shim_result {
	bool valid;				/* IsValidNumber's answer */
	int cc;					/* country calling code (when parsed) */
	char nsn[PHONE_SHIM_NSN_MAX + 1];	/* national significant number, digits */
};

/* How the digits were written (CONTRACT 9). */
enum phone_shim_mode {
	PHONE_SHIM_PLUS,	/* after '+' or '00', or with no default region: the country
				   calling code comes first */
	PHONE_SHIM_NATIONAL,	/* a national number of the default region */
};

/*
 * The fast path. digits[0..n) are ASCII digits only, n >= 3. cc is the country calling
 * code C found at the start of digits (PLUS mode; 0 when none), with cc_len its digits.
 * region is the default region ("" for none). Returns false only when the shim cannot
 * answer (metadata missing); *ret is then untouched.
 */
bool phone_shim_check(enum phone_shim_mode mode, const char *digits, size_t n, int cc,
		      size_t cc_len, const char *region, struct phone_shim_result *ret);

/*
 * The reference: libphonenumber's Parse on the cell (its leading '+' kept; a leading
 * "00" read as '+'; without either, a national number of region, or with no region the
 * cell with '+' put in front), then IsValidNumber and Format(E164). The cell is taken as
 * it is (the caller trims). Returns false only on an internal failure.
 */
bool phone_shim_reference(const char *cell, size_t n, const char *region,
			  struct phone_shim_result *ret);

/* National format (libphonenumber's NATIONAL) of a valid number into out (cap bytes). */
bool phone_shim_format_national(int cc, const char *nsn, char *out, size_t cap);

/* True when libphonenumber knows region ("GB", "US"...). */
bool phone_shim_region_known(const char *region);

/* libphonenumber's calling codes, ascending, into out; returns how many there are. */
size_t phone_shim_calling_codes(int *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
