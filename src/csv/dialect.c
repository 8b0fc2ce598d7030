/*
 * Dialect detection on the start of an input: the header block (Vibes "Name: value" lines
 * ended by a blank line) and the delimiter sniffer, both by the rules of CONTRACT 9.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/limit.h"
#include "base/xalloc.h"
#include "csv/csv_int.h"
#include "base/banned.h"

/*
 * The first byte in [p, end) equal to a, b or c, or end. A plain loop: callers of
 * csv_sniff_delimiter pass buffers without the scanner's padding, and these windows are
 * small.
 */
static const char *find3(const char *p, const char *end, char a, char b, char c)
{
	while (p < end && *p != a && *p != b && *p != c)
		p++;
	return p;
}

/* ---- header block ---- */

void csv__header_block_free(struct csv_header_block *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nlines; i++) {
		free(b->lines[i].name);
		free(b->lines[i].value);
	}
	free(b->lines);
	for (size_t i = 0; i < b->nfields; i++)
		free(b->fields[i]);
	free(b->fields);
	free(b);
}

static bool name_is(const char *name, size_t n, const char *want)
{
	return n == strlen(want) && strncasecmp(name, want, n) == 0;
}

/* True when the line starts with a name that opens a header block, then ':'. */
static bool opens_block(const char *p, size_t n)
{
	static const char *const names[] = {"Fields:", "Delimiter:", "Multi-Select-Delimiter:"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t k = strlen(names[i]);

		if (n >= k && strncasecmp(p, names[i], k) == 0)
			return true;
	}
	return false;
}

/*
 * The character a Delimiter or Multi-Select-Delimiter value names: one byte, or "\t" or
 * "TAB" for a tab; 0 for an empty value. Returns false for anything else.
 */
static bool char_value(const char *v, char *ret)
{
	size_t n = strlen(v);

	if (n == 0)
		*ret = 0;
	else if (n == 1)
		*ret = v[0];
	else if (strcmp(v, "\\t") == 0 || strcasecmp(v, "tab") == 0)
		*ret = '\t';
	else
		return false;
	return true;
}

/* Splits Fields on sep; each name loses the spaces around it. */
static void split_fields(struct csv_header_block *b, const char *v, char sep)
{
	size_t n = 1, k = 0;
	const char *s = v;

	for (const char *c = v; *c; c++)
		n += *c == sep;
	b->fields = xcalloc(n, sizeof(*b->fields));
	if (!*v) {	/* "Fields:" with nothing after it names no column */
		b->nfields = 0;
		return;
	}
	for (;;) {
		const char *e = strchr(s, sep), *stop = e ? e : s + strlen(s), *a = s;

		while (a < stop && *a == ' ')
			a++;
		while (stop > a && stop[-1] == ' ')
			stop--;
		b->fields[k++] = xmemdup0(a, (size_t)(stop - a));
		if (!e)
			break;
		s = e + 1;
	}
	b->nfields = k;
}

static int bad_char(struct err *err, uint64_t line, const char *name, const char *value)
{
	err_set(err, ERR_MALFORMED_CSV,
		"The header block's %s on line %llu is '%s'; write one of , ; | or TAB.", name,
		(unsigned long long)line, value);
	err->line = line;
	return -1;
}

int csv__header_block_parse(const char *p, size_t n, uint64_t first_line,
			    struct csv_header_block **ret_block, size_t *ret_used, struct err *err)
{
	struct csv_header_block *b = NULL;
	size_t i = 0, cap = 0, used;
	const char *fields = NULL;
	char sep = ',';
	int rc = 0;

	if (!opens_block(p, n))
		return 0;
	b = xcalloc(1, sizeof(*b));
	for (;;) {
		const char *s = p + i;
		const char *e = find3(s, p + n, '\r', '\n', '\r');
		const char *colon, *v, *ve;
		struct csv_header_line *hl;

		if (e == p + n)
			goto out;	/* no blank line within what there is: not a block */
		if (e == s) {	/* the blank line */
			used = i + 1;
			break;
		}
		colon = memchr(s, ':', (size_t)(e - s));
		if (!colon)
			goto out;	/* a line that is not "Name: value": not a block */
		if (b->nlines == LIMIT_HEADER_BLOCK_LINES)
			goto out;
		i = (size_t)(e - p) + 1;
		if (*e == '\r' && i < n && p[i] == '\n')
			i++;
		if (i > LIMIT_HEADER_BLOCK_BYTES)
			goto out;
		v = colon + 1;
		while (v < e && *v == ' ')
			v++;
		ve = e;
		while (ve > v && ve[-1] == ' ')
			ve--;
		if (b->nlines == cap)
			XGROW(b->lines, cap, b->nlines + 1);
		hl = &b->lines[b->nlines++];
		hl->name = xmemdup0(s, (size_t)(colon - s));
		hl->value = xmemdup0(v, (size_t)(ve - v));
	}
	/* Later lines of one name win over earlier ones. */
	for (size_t k = 0; k < b->nlines; k++) {
		const struct csv_header_line *hl = &b->lines[k];
		size_t nl = strlen(hl->name);
		uint64_t line = first_line + k;

		if (name_is(hl->name, nl, "Delimiter")) {
			if (!char_value(hl->value, &b->delimiter) ||
			    (b->delimiter && !strchr(CSV_DELIMITERS, b->delimiter))) {
				rc = bad_char(err, line, "Delimiter", hl->value);
				goto out;
			}
		} else if (name_is(hl->name, nl, "Multi-Select-Delimiter")) {
			if (!char_value(hl->value, &b->multi_select_delimiter)) {
				rc = bad_char(err, line, "Multi-Select-Delimiter", hl->value);
				goto out;
			}
		} else if (name_is(hl->name, nl, "Fields")) {
			fields = hl->value;
		}
	}
	if (b->delimiter)
		sep = b->delimiter;
	if (fields)
		split_fields(b, fields, sep);
	b->physical_lines = b->nlines + 1;
	*ret_block = b;
	*ret_used = used;
	return 1;
out:
	csv__header_block_free(b);
	return rc;
}

/* ---- delimiter sniffing ---- */

/*
 * Field counts of the first records of p[0..n) read with delimiter d (blank lines skipped,
 * quotes as the reader reads them). A record the window cuts off is not counted unless
 * at_end. Returns the number of counts written to counts (at most max).
 */
static size_t count_fields(const char *p, size_t n, bool at_end, char d, uint32_t *counts,
			   size_t max)
{
	const char *end = p + n;
	size_t nrec = 0;

	while (nrec < max) {
		uint32_t nf = 1;

		while (p < end && (*p == '\r' || *p == '\n'))
			p++;
		if (p == end)
			break;
		for (;;) {
			if (*p == '"') {
				p++;
				for (;;) {
					const char *q = memchr(p, '"', (size_t)(end - p));

					p = q ? q : end;
					if (p == end || (p + 1 == end && !at_end))
						return nrec;	/* cut off in quotes */
					if (p + 1 < end && p[1] == '"') {
						p += 2;
						continue;
					}
					p++;
					break;
				}
			}
			p = find3(p, end, d, '\r', '\n');
			if (p == end) {
				if (!at_end)
					return nrec;
				break;
			}
			if (*p != d)
				break;
			nf++;
			p++;
			if (p == end) {
				if (!at_end)
					return nrec;
				break;
			}
		}
		counts[nrec++] = nf;
		if (p == end)
			break;
		p++;
	}
	return nrec;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

char csv_sniff_delimiter(const char *p, size_t n, bool at_end)
{
	static const char cands[] = CSV_DELIMITERS;
	uint32_t counts[LIMIT_SNIFF_RECORDS];
	size_t best_score = 0;
	char best = ',';

	if (n > LIMIT_SNIFF_BYTES) {
		n = LIMIT_SNIFF_BYTES;
		at_end = false;
	}
	for (size_t c = 0; c < sizeof(cands) - 1; c++) {
		size_t nrec = count_fields(p, n, at_end, cands[c], counts, LIMIT_SNIFF_RECORDS);
		size_t run = 0, mode_freq = 0;
		uint32_t mode = 0;

		/* The modal count; between counts as frequent, the larger. */
		qsort(counts, nrec, sizeof(counts[0]), cmp_u32);
		for (size_t i = 0; i < nrec; i++) {
			run = i > 0 && counts[i] == counts[i - 1] ? run + 1 : 1;
			if (run >= mode_freq) {
				mode_freq = run;
				mode = counts[i];
			}
		}
		if (mode > 1 && mode_freq > best_score) {
			best_score = mode_freq;
			best = cands[c];
		}
	}
	return best;
}
