/*
 * phone_ref: the tests' own reference for phone cells (libphonenumber's Parse,
 * IsValidNumber and Format called directly, in C++) and a deterministic generator of
 * phone cells as people write them, valid and not.
 */
#ifndef INTAKE_TESTS_PHONE_REF_H
#define INTAKE_TESTS_PHONE_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * libphonenumber's answer for a cell under CONTRACT 9: spaces trimmed; a leading '+'
 * kept, a leading "00" read as '+'; otherwise a national number of region, or with no
 * region ("") the cell with '+' in front. Returns whether Parse succeeded and
 * IsValidNumber said yes; then e164 holds Format(E164). Never throws.
 */
bool phone_ref_answer(const char *cell, size_t n, const char *region, char *e164, size_t cap);

/*
 * The index-th generated cell of a run (same seed and index, same cell): its text into
 * cell (cap bytes, NUL-terminated) and the default region to check it with into region
 * ("" for none). Returns the cell's length.
 */
size_t phone_ref_generate(uint64_t seed, uint64_t index, char *cell, size_t cap, char region[3]);

#ifdef __cplusplus
}
#endif

#endif
