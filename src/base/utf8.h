/*
 * utf8: checks and counts on UTF-8 text, shared by the reader, the value parsers and
 * the encoding detector.
 * Owns: nothing (pure functions).
 * Knows nothing of: anything else in intake.
 */
#ifndef INTAKE_BASE_UTF8_H
#define INTAKE_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Length of the valid UTF-8 prefix of p[0..n): n when all of it is valid. Overlong forms,
 * surrogates and code points over U+10FFFF are invalid.
 */
size_t utf8_valid_prefix(const char *p, size_t n);
static inline bool utf8_is_valid(const char *p, size_t n)
{
	return utf8_valid_prefix(p, n) == n;
}

/* Code points in valid UTF-8 text. */
size_t utf8_count(const char *p, size_t n);

/*
 * Decodes one code point at p (n bytes available) into *ret_cp; returns its length in
 * bytes, or 0 when the bytes there are not valid UTF-8.
 */
size_t utf8_decode(const char *p, size_t n, uint32_t *ret_cp);

/* Encodes cp into out (4 bytes of room); returns the length, 0 for an invalid cp. */
size_t utf8_encode(uint32_t cp, char *out);

#endif
