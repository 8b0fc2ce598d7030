/*
 * csv_int: what the files of the csv module share beyond csv.h.
 * Only files in src/csv/ and tests/unit/csv/ may include this.
 * Owns: the byte scanner, the spreadsheet-safety trigger set, the header-block parser.
 * Knows nothing of: anything outside src/csv/.
 */
#ifndef INTAKE_CSV_CSV_INT_H
#define INTAKE_CSV_CSV_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "csv/csv.h"

/*
 * Bytes of readable padding after the data in every buffer the scanner reads: the vector
 * loop loads 16 bytes at a time and may look past the end of the data (never past the
 * padding), then ignores what it saw there.
 */
#define CSV_PAD 16

/*
 * The first byte in [p, end) equal to a, b or c, or end when there is none. The memory
 * from p up to end + CSV_PAD - 1 must be readable.
 */
static inline const char *csv__scan3(const char *p, const char *end, char a, char b, char c)
{
#if defined(__SSE2__)
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);

	while (p < end) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i hit =
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
				 _mm_cmpeq_epi8(v, vc));
		unsigned mask = (unsigned)_mm_movemask_epi8(hit);

		if (mask) {
			p += __builtin_ctz(mask);
			return p < end ? p : end;
		}
		p += 16;
	}
	return end;
#else
	while (p < end && *p != a && *p != b && *p != c)
		p++;
	return p;
#endif
}

/* The set T of CONTRACT 4: = + - @ TAB CR LF NUL. */
static inline bool csv__is_trigger(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ||
	       c == '\n' || c == '\0';
}

/*
 * Recognises a header block (CONTRACT 9) at the start of p[0..n), which holds at least
 * LIMIT_HEADER_BLOCK_BYTES + 2 bytes unless the input ends sooner. A line that reaches the
 * end of p without a line end is not part of a block. Returns 1 with *ret_block (the
 * caller frees it with csv__header_block_free) and *ret_used (bytes up to and including
 * the first line-end byte of the blank line that ends the block); 0 when p does not start
 * with a header block; -1 (malformed_csv, err->line counted from first_line) when a
 * block's Delimiter or Multi-Select-Delimiter is not a character intake can use.
 */
int csv__header_block_parse(const char *p, size_t n, uint64_t first_line,
			    struct csv_header_block **ret_block, size_t *ret_used, struct err *err);
void csv__header_block_free(struct csv_header_block *b);

/* Current size of the reader's input buffer (tests check that it stays bounded). */
size_t csv__reader_capacity(const struct csv_reader *r);

#endif
