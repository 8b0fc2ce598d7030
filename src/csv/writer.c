/*
 * The CSV writer (quoting in any dialect) and the reversible spreadsheet-safety escaping
 * of CONTRACT 4, which rejection files and exports apply and the importer undoes.
 */
#include "csv/csv.h"

#include <string.h>

#include "csv/csv_int.h"
#include "base/banned.h"

bool csv_escape_needed(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] == '\'')
		i++;
	return i < n && csv__is_trigger(p[i]);
}

void csv_escape(struct buf *out, const char *p, size_t n)
{
	if (csv_escape_needed(p, n))
		buf_addc(out, '\'');
	buf_add(out, p, n);
}

bool csv_unescape(const char **p, size_t *n)
{
	if (*n < 2 || (*p)[0] != '\'' || !csv_escape_needed(*p, *n))
		return false;
	(*p)++;
	(*n)--;
	return true;
}

/*
 * True when the cell (prefix, then p[0..n)) must be quoted: it holds the delimiter, a
 * quote, CR or LF, or starts or ends with a space (which some readers trim).
 */
static bool must_quote(const struct csv_writer_opts *o, bool prefix, const char *p, size_t n)
{
	if (n == 0)
		return false;
	if ((!prefix && p[0] == ' ') || p[n - 1] == ' ')
		return true;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c == o->delimiter || c == '"' || c == '\r' || c == '\n')
			return true;
	}
	return false;
}

void csv_write_field(struct buf *out, const struct csv_writer_opts *o, const char *p, size_t n)
{
	bool prefix = o->escape && csv_escape_needed(p, n);
	const char *end = p + n, *q;

	if (!must_quote(o, prefix, p, n)) {
		if (prefix)
			buf_addc(out, '\'');
		buf_add(out, p, n);
		return;
	}
	buf_addc(out, '"');
	if (prefix)
		buf_addc(out, '\'');
	while ((q = memchr(p, '"', (size_t)(end - p))) != NULL) {
		buf_add(out, p, (size_t)(q - p) + 1);
		buf_addc(out, '"');
		p = q + 1;
	}
	buf_add(out, p, (size_t)(end - p));
	buf_addc(out, '"');
}

void csv_write_record(struct buf *out, const struct csv_writer_opts *o,
		      const struct csv_field *fields, size_t nfields)
{
	if (nfields == 1 && fields[0].len == 0) {
		/* One empty field alone would be a blank line, which readers skip. */
		buf_add(out, "\"\"", 2);
	} else {
		for (size_t i = 0; i < nfields; i++) {
			if (i)
				buf_addc(out, o->delimiter);
			csv_write_field(out, o, fields[i].ptr, fields[i].len);
		}
	}
	buf_adds(out, o->eol ? o->eol : "\n");
}
