/* Cells of one generated row, and the buffered CSV output they are written to. */
#include "gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fs.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define GEN_OUT_BYTES (1 << 20)

static _Noreturn void cell_overflow(void)
{
	fputs("intake-gen: a cell grew past GEN_CELL_BYTES (a bug)\n", stderr);
	abort();
}

void gen_cell_clear(struct gen_cell *c)
{
	c->n = 0;
}

void gen_cell_add(struct gen_cell *c, const char *p, size_t n)
{
	if (n > GEN_CELL_BYTES - c->n)
		cell_overflow();
	memcpy(c->p + c->n, p, n);
	c->n += n;
}

void gen_cell_adds(struct gen_cell *c, const char *s)
{
	gen_cell_add(c, s, strlen(s));
}

void gen_cell_addc(struct gen_cell *c, char ch)
{
	if (c->n >= GEN_CELL_BYTES)
		cell_overflow();
	c->p[c->n++] = ch;
}

void gen_cell_addu(struct gen_cell *c, uint64_t v, unsigned width)
{
	char tmp[24];
	unsigned n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width && n < sizeof(tmp))
		tmp[n++] = '0';
	if (n > GEN_CELL_BYTES - c->n)
		cell_overflow();
	while (n)
		c->p[c->n++] = tmp[--n];
}

void gen_cell_set(struct gen_cell *c, const char *s)
{
	c->n = 0;
	gen_cell_adds(c, s);
}

size_t gen_cell_chars(const struct gen_cell *c)
{
	return utf8_count(c->p, c->n);
}

void gen_out_init(struct gen_out *o, int fd)
{
	o->fd = fd;
	o->buf = xmalloc(GEN_OUT_BYTES);
	o->len = 0;
	o->written = 0;
	o->failed_errno = 0;
}

static void out_drain(struct gen_out *o)
{
	struct err err;

	if (o->len && !o->failed_errno && fs_write_all(o->fd, o->buf, o->len, &err) < 0)
		o->failed_errno = err.sys_errno ? err.sys_errno : EIO;
	o->written += o->len;
	o->len = 0;
}

void gen_out_add(struct gen_out *o, const char *p, size_t n)
{
	while (n) {
		size_t room = GEN_OUT_BYTES - o->len, k = n < room ? n : room;

		memcpy(o->buf + o->len, p, k);
		o->len += k;
		p += k;
		n -= k;
		if (o->len == GEN_OUT_BYTES)
			out_drain(o);
	}
}

static bool must_quote(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];

		if (ch == ',' || ch == '"' || ch == '\n' || ch == '\r')
			return true;
	}
	return false;
}

void gen_out_field(struct gen_out *o, const char *p, size_t n, bool quote_all)
{
	const char *q;

	if (!quote_all && !must_quote(p, n)) {
		gen_out_add(o, p, n);
		return;
	}
	gen_out_add(o, "\"", 1);
	while ((q = memchr(p, '"', n)) != NULL) {
		size_t k = (size_t)(q - p) + 1;

		gen_out_add(o, p, k);
		gen_out_add(o, "\"", 1);
		p += k;
		n -= k;
	}
	gen_out_add(o, p, n);
	gen_out_add(o, "\"", 1);
}

int gen_out_flush(struct gen_out *o, const char *what, struct err *err)
{
	out_drain(o);
	if (o->failed_errno)
		return err_set(err, ERR_IO_ERROR, "cannot write %s: %s", what,
			       strerror(o->failed_errno));
	return 0;
}

void gen_out_release(struct gen_out *o)
{
	free(o->buf);
	o->buf = NULL;
}
