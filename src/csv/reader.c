/*
 * The streaming CSV reader: pulls bytes through one input buffer, finds one record at a
 * time with a vector scan for the few bytes that matter, and hands out its fields as slices.
 * The rules it follows and why are in docs/internals/csv.md.
 */
#include "csv/csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/limit.h"
#include "base/xalloc.h"
#include "csv/csv_int.h"
#include "base/banned.h"

/* Where one field lies in the record being scanned, as offsets from the record's start. */
struct field_span {
	size_t start;	/* first byte (the opening quote of a quoted field) */
	size_t end;	/* just past the last byte: a delimiter, a line end or the record end */
	size_t close;	/* quoted: the closing quote */
	size_t ndq;	/* quoted: doubled quotes inside */
	bool quoted;	/* the field starts with a quote */
};

struct mem_input {
	const char *p;	/* the caller's bytes; they outlive the reader */
	size_t n;	/* their length */
	size_t off;	/* bytes handed out so far */
};

struct csv_reader {
	struct csv_reader_opts opts;	/* as given, limits resolved (never 0) */
	csv_read_fn read;		/* the input */
	void *ctx;			/* its context; not owned */
	struct mem_input mem;		/* the input of csv_reader_new_mem */

	char *buf;			/* input buffer: cap bytes and CSV_PAD of padding; owned */
	size_t cap;			/* its size without the padding */
	size_t len;			/* bytes of input in it */
	size_t pos;			/* first byte not yet consumed */
	uint64_t base;			/* input offset of buf[0] */
	bool eof;			/* the input returned 0: buf holds all that is left */

	uint64_t line;			/* physical line of the byte at pos */
	bool prev_cr;			/* the last line end consumed was a CR (a LF next pairs) */
	uint64_t n_cr, n_lf, n_crlf;	/* line ends outside quotes: every CR, every LF, pairs */
	uint64_t nrec;			/* records returned */

	bool prepared;			/* csv_reader_prepare has run */
	bool failed;			/* an error was returned; fail holds it */
	struct err fail;		/* the error to repeat */
	char delim;			/* the delimiter in use (after prepare) */
	bool bom;			/* the input started with a UTF-8 BOM */
	struct csv_header_block *block;	/* the header block or NULL; owned */

	struct field_span *spans;	/* the fields of the record being scanned; owned */
	size_t spans_cap;
	struct csv_field *fields;	/* the fields handed out; owned */
	size_t fields_cap;
	char *cook; /* the record's bytes, fields unquoted and NUL-ended; owned */
	size_t cook_cap;
	struct csv_record rec;		/* the record handed out */
};

enum scan_result { SCAN_RECORD, SCAN_END, SCAN_MORE, SCAN_ERROR };

/* ---- input ---- */

static ssize_t mem_read(void *ctx, char *dst, size_t cap, struct err *err)
{
	struct mem_input *m = ctx;
	size_t k = m->n - m->off;

	(void)err;
	if (k > cap)
		k = cap;
	memcpy(dst, m->p + m->off, k);
	m->off += k;
	return (ssize_t)k;
}

static void set_cap(struct csv_reader *r, size_t cap)
{
	r->buf = xrealloc(r->buf, xadd(cap, CSV_PAD));
	r->cap = cap;
}

/* Reads until the buffer is full or the input ends. */
static int fill(struct csv_reader *r, struct err *err)
{
	while (!r->eof && r->len < r->cap) {
		ssize_t k = r->read(r->ctx, r->buf + r->len, r->cap - r->len, err);

		if (k < 0)
			return -1;
		if ((size_t)k > r->cap - r->len)
			return err_set(err, ERR_INTERNAL_ERROR,
				       "The input returned more bytes than asked.");
		if (k == 0)
			r->eof = true;
		r->len += (size_t)k;
	}
	memset(r->buf + r->len, 0, CSV_PAD);
	return 0;
}

/* Moves the unconsumed bytes to the front of the buffer. */
static void compact(struct csv_reader *r)
{
	if (r->pos == 0)
		return;
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->base += r->pos;
	r->len -= r->pos;
	r->pos = 0;
}

/* Makes at least want bytes available after pos (fewer only at the end of the input). */
static int ensure(struct csv_reader *r, size_t want, struct err *err)
{
	while (!r->eof && r->len - r->pos < want) {
		compact(r);
		if (r->cap < want)
			set_cap(r, want);
		if (fill(r, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * The record at pos goes on past the buffer: make room (compact, else grow up to the
 * record limit) and read more.
 */
static int more(struct csv_reader *r, struct err *err)
{
	size_t most = (size_t)r->opts.max_record + 1;

	if (r->pos > 0) {
		compact(r);
	} else if (r->len == r->cap) {
		size_t cap = r->cap >= most / 2 ? most : r->cap * 2;

		if (cap <= r->cap)	/* the scan stops a record at most + 1 bytes */
			return err_set(err, ERR_INTERNAL_ERROR,
				       "The CSV reader's buffer cannot grow.");
		set_cap(r, cap);
	}
	return fill(r, err);
}

/* ---- errors ---- */

static int fail(struct csv_reader *r, struct err *err)
{
	r->failed = true;
	r->fail = *err;
	return -1;
}

enum limit_kind { LIMIT_KIND_CELL, LIMIT_KIND_RECORD, LIMIT_KIND_COLUMNS };

static enum scan_result too_large(struct err *err, uint64_t line, enum limit_kind kind,
				  uint64_t limit)
{
	unsigned long long l = line, n = limit;

	if (kind == LIMIT_KIND_CELL)
		err_set(err, ERR_TOO_LARGE,
			"The record on line %llu has a field longer than %llu bytes, the limit.", l,
			n);
	else if (kind == LIMIT_KIND_RECORD)
		err_set(err, ERR_TOO_LARGE,
			"The record on line %llu is longer than %llu bytes, the limit.", l, n);
	else
		err_set(err, ERR_TOO_LARGE,
			"The record on line %llu has more than %llu fields, the limit.", l, n);
	err->line = line;
	return SCAN_ERROR;
}

static enum scan_result unclosed(struct err *err, uint64_t line, uint64_t limit)
{
	if (limit)
		err_set(err, ERR_MALFORMED_CSV,
			"The quoted field that opens on line %llu has no closing quote within the "
			"field limit of %llu bytes.", (unsigned long long)line,
			(unsigned long long)limit);
	else
		err_set(err, ERR_MALFORMED_CSV,
			"The quoted field that opens on line %llu has no closing quote.",
			(unsigned long long)line);
	err->line = line;
	return SCAN_ERROR;
}

/* ---- scanning ---- */

/* Counts one line end outside quotes (c is CR or LF). */
static inline void line_end(struct csv_reader *r, char c)
{
	if (c == '\r') {
		r->n_cr++;
		r->line++;
		r->prev_cr = true;
	} else {
		r->n_lf++;
		if (r->prev_cr)
			r->n_crlf++;
		else
			r->line++;
		r->prev_cr = false;
	}
}

static void grow_spans(struct csv_reader *r, size_t need)
{
	if (need > r->spans_cap)
		XGROW(r->spans, r->spans_cap, need);
}

/*
 * Finds the record at pos. SCAN_RECORD: spans[0..*ret_nf) and *ret_len (raw length, line
 * end excluded) describe it and *ret_lines counts the line ends inside its quoted fields;
 * SCAN_END: no record is left; SCAN_MORE: the record goes on past the bytes in the buffer;
 * SCAN_ERROR: err is filled. Blank lines before the record are consumed for good.
 *
 * The scan never looks at a byte past the record limit (the horizon, max_record + 1 bytes
 * from the record's start), and at every stop it checks the field's limit before the
 * record's: so which error a bad record gets depends only on its bytes, never on where
 * the buffer happened to end.
 */
static enum scan_result scan(struct csv_reader *r, size_t *ret_nf, size_t *ret_len,
			     uint64_t *ret_lines, struct err *err)
{
	const char *const data_end = r->buf + r->len;
	const char *p = r->buf + r->pos, *rs, *end;
	const char delim = r->delim;
	const uint64_t max_cell = r->opts.max_cell, max_cols = r->opts.max_columns;
	uint64_t lines = 0;
	size_t nf = 0;
	bool horizon;

	while (p < data_end && (*p == '\n' || *p == '\r'))
		line_end(r, *p++);
	r->pos = (size_t)(p - r->buf);
	if (p == data_end)
		return r->eof ? SCAN_END : SCAN_MORE;

	rs = p;
	if ((uint64_t)(data_end - rs) > r->opts.max_record) {
		end = rs + r->opts.max_record + 1;
		horizon = true;
	} else {
		end = data_end;
		horizon = false;
	}

	for (;;) {
		struct field_span *sp;
		const char *fs = p;

		if (nf == r->spans_cap)
			grow_spans(r, nf + 1);
		sp = &r->spans[nf];
		sp->start = (size_t)(fs - rs);

		if (p < end && *p == '"') {
			const uint64_t open_line = r->line + lines;
			const char *q = p + 1;
			size_t ndq = 0;

			for (;;) {
				q = csv__scan3(q, end, '"', '\r', '\n');
				if ((uint64_t)(q - p - 1) - ndq > max_cell)
					return unclosed(err, open_line, max_cell);
				if (q == end || (*q == '"' && q + 1 == end)) {
					if (horizon)
						return too_large(err, r->line, LIMIT_KIND_RECORD,
								 r->opts.max_record);
					if (!r->eof)
						return SCAN_MORE;
					if (q == end)
						return unclosed(err, open_line, 0);
					break;	/* the closing quote is the last byte */
				}
				if (*q == '"') {
					if (q[1] != '"')
						break;
					ndq++;
					q += 2;
					continue;
				}
				if (*q == '\r' || q[-1] != '\r')
					lines++;
				q++;
			}
			sp->close = (size_t)(q - rs);
			sp->ndq = ndq;
			sp->quoted = true;
			p = csv__scan3(q + 1, end, delim, '\r', '\n');
			if ((uint64_t)(q - fs - 1) - ndq + (uint64_t)(p - q - 1) > max_cell)
				return too_large(err, r->line, LIMIT_KIND_CELL, max_cell);
		} else {
			sp->quoted = false;
			p = csv__scan3(p, end, delim, '\r', '\n');
			if ((uint64_t)(p - fs) > max_cell)
				return too_large(err, r->line, LIMIT_KIND_CELL, max_cell);
		}
		if (p == end) {
			if (horizon)
				return too_large(err, r->line, LIMIT_KIND_RECORD,
						 r->opts.max_record);
			if (!r->eof)
				return SCAN_MORE;
		}
		sp->end = (size_t)(p - rs);
		nf++;
		if (p == end || *p != delim)
			break;
		if (nf >= max_cols)
			return too_large(err, r->line, LIMIT_KIND_COLUMNS, max_cols);
		p++;
	}
	*ret_nf = nf;
	*ret_len = (size_t)(p - rs);
	*ret_lines = lines;
	return SCAN_RECORD;
}

/* Turns the spans into fields over a copy of the record's bytes. */
static void cook(struct csv_reader *r, const char *raw, size_t raw_len, size_t nf)
{
	char *c;

	if (raw_len + 1 > r->cook_cap) {
		free(r->cook);
		r->cook_cap = raw_len + 1 > 256 ? xmul(raw_len + 1, 2) : 256;
		if (r->cook_cap > r->opts.max_record + 1 && raw_len + 1 <= r->opts.max_record + 1)
			r->cook_cap = (size_t)r->opts.max_record + 1;
		r->cook = xmalloc(r->cook_cap);
	}
	if (nf > r->fields_cap)
		XGROW(r->fields, r->fields_cap, nf);
	c = r->cook;
	memcpy(c, raw, raw_len);
	c[raw_len] = '\0';
	for (size_t i = 0; i < nf; i++) {
		const struct field_span *sp = &r->spans[i];
		struct csv_field *f = &r->fields[i];

		f->quoted = sp->quoted;
		if (!sp->quoted) {
			f->ptr = c + sp->start;
			f->len = sp->end - sp->start;
			c[sp->end] = '\0';
		} else if (sp->ndq == 0 && sp->end == sp->close + 1) {
			f->ptr = c + sp->start + 1;
			f->len = sp->close - sp->start - 1;
			c[sp->close] = '\0';
		} else {
			/* Collapse doubled quotes and append what follows the closing quote. */
			size_t src = sp->start + 1, dst = sp->start + 1;

			while (src < sp->close) {
				const char *qq = memchr(c + src, '"', sp->close - src);
				size_t k = qq ? (size_t)(qq - (c + src)) + 1 : sp->close - src;

				memmove(c + dst, c + src, k);
				dst += k;
				src += qq ? k + 1 : k;
			}
			memmove(c + dst, c + sp->close + 1, sp->end - sp->close - 1);
			dst += sp->end - sp->close - 1;
			c[dst] = '\0';
			f->ptr = c + sp->start + 1;
			f->len = dst - sp->start - 1;
		}
	}
}

/* ---- public ---- */

int csv_reader_new(const struct csv_reader_opts *opts, csv_read_fn read, void *ctx,
		   struct csv_reader **ret_reader, struct err *err)
{
	struct csv_reader *r;
	struct csv_reader_opts o = {0};

	if (opts)
		o = *opts;
	if (o.delimiter == '"' || o.delimiter == '\r' || o.delimiter == '\n')
		return err_set(err, ERR_INVALID_ARGUMENT,
			       "A CSV delimiter cannot be a quote or a line end.");
	if (!read)
		return err_set(err, ERR_INVALID_ARGUMENT, "The CSV reader needs an input.");
	if (o.start_line && !o.delimiter)
		return err_set(err, ERR_INVALID_ARGUMENT,
			       "A CSV reader that resumes needs its delimiter.");
	if (!o.max_cell)
		o.max_cell = LIMIT_CELL_BYTES;
	if (!o.max_record)
		o.max_record = LIMIT_RECORD_BYTES;
	if (o.max_record > SIZE_MAX / 4)	/* no buffer can hold more anyway */
		o.max_record = SIZE_MAX / 4;
	if (!o.max_columns)
		o.max_columns = LIMIT_COLUMNS;
	if (!o.buffer_bytes)
		o.buffer_bytes = CSV_READER_BUFFER_BYTES;
	r = xcalloc(1, sizeof(*r));
	r->opts = o;
	r->read = read;
	r->ctx = ctx;
	r->line = 1;
	if (o.start_line) {
		r->line = o.start_line;
		r->base = o.start_offset;
		r->nrec = o.start_index;
	}
	set_cap(r, o.buffer_bytes);
	memset(r->buf, 0, CSV_PAD);
	*ret_reader = r;
	return 0;
}

ssize_t csv_read_fd(void *ctx, char *dst, size_t cap, struct err *err)
{
	int fd = *(const int *)ctx;
	ssize_t n;

	do
		n = read(fd, dst, cap);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_sys(err, ERR_IO_ERROR, "cannot read: %s", strerror(errno));
	return n;
}

int csv_reader_new_mem(const struct csv_reader_opts *opts, const char *p, size_t n,
		       struct csv_reader **ret_reader, struct err *err)
{
	struct csv_reader *r;

	if (csv_reader_new(opts, mem_read, NULL, &r, err) < 0)
		return -1;
	r->mem.p = p;
	r->mem.n = n;
	r->ctx = &r->mem;
	*ret_reader = r;
	return 0;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	csv__header_block_free(r->block);
	free(r->buf);
	free(r->spans);
	free(r->fields);
	free(r->cook);
	free(r);
}

/* Consumes n bytes at pos that hold no quotes, counting their line ends. */
static void consume_lines(struct csv_reader *r, size_t n)
{
	const char *p = r->buf + r->pos, *end = p + n;

	while ((p = csv__scan3(p, end, '\r', '\n', '\r')) < end)
		line_end(r, *p++);
	r->pos += n;
}

int csv_reader_prepare(struct csv_reader *r, struct err *err)
{
	size_t avail, used;
	int rc;

	if (r->failed) {
		*err = r->fail;
		return -1;
	}
	if (r->prepared)
		return 0;
	if (r->opts.start_line) {
		/* Resuming: the dialect was decided when the input was first read. */
		r->delim = r->opts.delimiter;
		r->prepared = true;
		return 0;
	}
	if (ensure(r, 3, err) < 0)
		return fail(r, err);
	if (r->len - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0) {
		r->bom = true;
		r->pos += 3;
	}
	if (r->opts.header_block) {
		if (ensure(r, LIMIT_HEADER_BLOCK_BYTES + 2, err) < 0)
			return fail(r, err);
		rc = csv__header_block_parse(r->buf + r->pos, r->len - r->pos, r->line,
					     &r->block, &used, err);
		if (rc < 0)
			return fail(r, err);
		if (rc > 0)
			consume_lines(r, used);
	}
	r->delim = r->opts.delimiter;
	if (!r->delim && r->block)
		r->delim = r->block->delimiter;
	if (!r->delim)
		r->delim = r->opts.fallback_delimiter;
	if (!r->delim) {
		if (ensure(r, LIMIT_SNIFF_BYTES, err) < 0)
			return fail(r, err);
		avail = r->len - r->pos;
		r->delim = csv_sniff_delimiter(r->buf + r->pos, avail, r->eof);
	}
	r->prepared = true;
	return 0;
}

int csv_reader_next(struct csv_reader *r, const struct csv_record **ret_rec, struct err *err)
{
	size_t nf, raw_len;
	uint64_t lines;
	const char *raw;

	if (!r->prepared && csv_reader_prepare(r, err) < 0)
		return -1;
	if (r->failed) {
		*err = r->fail;
		return -1;
	}
	for (;;) {
		enum scan_result s = scan(r, &nf, &raw_len, &lines, err);

		if (s == SCAN_RECORD)
			break;
		if (s == SCAN_END)
			return 0;
		if (s == SCAN_ERROR)
			return fail(r, err);
		if (more(r, err) < 0)
			return fail(r, err);
	}
	raw = r->buf + r->pos;
	cook(r, raw, raw_len, nf);
	r->nrec++;
	r->rec.fields = r->fields;
	r->rec.nfields = nf;
	r->rec.line = r->line;
	if (r->opts.rows_are_lines)
		lines = 0;
	r->rec.end_line = r->line + lines;
	r->rec.offset = r->base + r->pos;
	r->rec.raw = raw;
	r->rec.raw_len = raw_len;
	r->rec.index = r->nrec;
	r->line += lines;
	r->pos += raw_len;
	r->prev_cr = false;
	if (r->pos < r->len)
		line_end(r, r->buf[r->pos++]);
	*ret_rec = &r->rec;
	return 1;
}

char csv_reader_delimiter(const struct csv_reader *r)
{
	return r->delim;
}

bool csv_reader_bom(const struct csv_reader *r)
{
	return r->bom;
}

const struct csv_header_block *csv_reader_header_block(const struct csv_reader *r)
{
	return r->block;
}

void csv_reader_stats(const struct csv_reader *r, struct csv_stats *ret_stats)
{
	ret_stats->crlf = r->n_crlf;
	ret_stats->cr = r->n_cr - r->n_crlf;
	ret_stats->lf = r->n_lf - r->n_crlf;
	ret_stats->bytes = r->base + r->pos;
	ret_stats->records = r->nrec;
}

size_t csv__reader_capacity(const struct csv_reader *r)
{
	return r->cap;
}
