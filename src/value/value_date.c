/*
 * Date and datetime cells: the format tokens of CONTRACT 8 (YYYY MM DD hh mm ss), ISO 8601
 * datetimes with a zone, and a real (proleptic Gregorian) calendar.
 */
#include "value/value.h"
#include "value/value_int.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"

#include "base/banned.h"

int value__fmt_compile(const char *text, bool datetime, struct value_fmt *ret, struct err *err)
{
	static const struct {
		const char *tok;
		enum value_fmt_item item;
	} toks[] = {
		{"YYYY", FMT_YEAR}, {"MM", FMT_MONTH}, {"DD", FMT_DAY},
		{"hh", FMT_HOUR}, {"mm", FMT_MINUTE}, {"ss", FMT_SECOND},
	};
	unsigned seen = 0;
	size_t i = 0;

	memset(ret, 0, sizeof(*ret));
	ret->text = text;
	while (text && text[i]) {
		bool tok = false;
		if (ret->nitems == VALUE_FMT_MAX_ITEMS)
			return err_set(err, ERR_INVALID_SCHEMA, "date format '%s' is too long",
				       text);
		for (size_t t = 0; t < sizeof(toks) / sizeof(toks[0]); t++) {
			size_t len = strlen(toks[t].tok);
			if (strncmp(text + i, toks[t].tok, len) == 0) {
				if (seen & (1u << toks[t].item))
					return err_set(err, ERR_INVALID_SCHEMA,
						       "date format '%s' has %s twice", text,
						       toks[t].tok);
				seen |= 1u << toks[t].item;
				ret->item[ret->nitems++] = (uint8_t)toks[t].item;
				i += len;
				tok = true;
				break;
			}
		}
		if (!tok) {
			ret->item[ret->nitems] = FMT_LIT;
			ret->lit[ret->nitems++] = text[i++];
		}
	}
	if ((seen & 0xe) != 0xe)
		return err_set(err, ERR_INVALID_SCHEMA,
			       "date format '%s' needs YYYY, MM and DD", text ? text : "");
	if (!datetime && (seen & 0x70))
		return err_set(err, ERR_INVALID_SCHEMA,
			       "date format '%s' has a time (hh, mm or ss); use a datetime field",
			       text);
	if ((seen & (1u << FMT_SECOND)) && !(seen & (1u << FMT_MINUTE)))
		return err_set(err, ERR_INVALID_SCHEMA, "date format '%s' has ss without mm", text);
	if ((seen & (1u << FMT_MINUTE)) && !(seen & (1u << FMT_HOUR)))
		return err_set(err, ERR_INVALID_SCHEMA, "date format '%s' has mm without hh", text);
	return 0;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *ry, int *rm, int *rd)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*ry = (int)(y + (m <= 2));
	*rm = m;
	*rd = d;
}

struct dt {
	int y, mo, d, h, mi, s;
	char frac[11];		/* ".123..." or "" */
	int offset_min;		/* minutes east of UTC */
};

/* Reads 1 or 2 digits (exactly 2 when exact), or 4 for a year. */
static bool digits(const char *p, size_t n, size_t *i, int min, int max, int *ret)
{
	int v = 0, k = 0;

	while (*i < n && k < max && p[*i] >= '0' && p[*i] <= '9') {
		v = v * 10 + (p[*i] - '0');
		(*i)++;
		k++;
	}
	*ret = v;
	return k >= min;
}

/* 1: matched and real; 0: not this format; -1: this format, but no such date or time. */
static int match_fmt(const struct value_fmt *f, const char *p, size_t n, struct dt *t)
{
	size_t i = 0;

	memset(t, 0, sizeof(*t));
	for (size_t k = 0; k < f->nitems; k++) {
		bool exact = k + 1 < f->nitems && f->item[k + 1] != FMT_LIT;
		int *dst = NULL;
		switch (f->item[k]) {
		case FMT_LIT:
			if (i >= n || p[i] != f->lit[k])
				return 0;
			i++;
			continue;
		case FMT_YEAR:
			if (!digits(p, n, &i, 4, 4, &t->y))
				return 0;
			continue;
		case FMT_MONTH: dst = &t->mo; break;
		case FMT_DAY: dst = &t->d; break;
		case FMT_HOUR: dst = &t->h; break;
		case FMT_MINUTE: dst = &t->mi; break;
		case FMT_SECOND: dst = &t->s; break;
		}
		if (!digits(p, n, &i, exact ? 2 : 1, 2, dst))
			return 0;
	}
	if (i != n)
		return 0;
	if (t->y < 1 || t->mo < 1 || t->mo > 12 || t->d < 1 || t->d > days_in_month(t->y, t->mo))
		return -1;
	if (t->h > 23 || t->mi > 59 || t->s > 59)
		return -1;
	return 1;
}

static void list_formats(const struct value_spec *spec, const char *dflt, char *out, size_t cap)
{
	const struct value_prepared *pr = spec->prepared;
	struct buf b;

	if (!pr || pr->nfmts == 0) {
		snprintf(out, cap, "%s", dflt);
		return;
	}
	buf_init(&b, cap - 1);
	for (size_t i = 0; i < pr->nfmts; i++) {
		if (i)
			buf_adds(&b, " or ");
		buf_adds(&b, pr->fmts[i].text);
	}
	snprintf(out, cap, "%s", b.failed ? pr->fmts[0].text : b.ptr);
	buf_release(&b);
}

static const char iso_date[] = "YYYY-MM-DD";
static const char iso_datetime[] = "YYYY-MM-DDThh:mm:ssZ (or an offset such as +02:00)";

bool value__parse_date(const struct value_spec *spec, const char *p, size_t n, struct arena *a,
		       struct value *ret, struct value_error *e)
{
	const struct value_prepared *pr = spec->prepared;
	char show[VALUE_SHOW_BYTES], fmts[120];
	int best = 0;
	const char *which = iso_date;
	struct value_fmt dflt;
	struct dt t;

	if (!pr || pr->nfmts == 0)
		value__fmt_compile(iso_date, false, &dflt, NULL);
	size_t nf = pr && pr->nfmts ? pr->nfmts : 1;
	for (size_t k = 0; k < nf; k++) {
		const struct value_fmt *f = pr && pr->nfmts ? &pr->fmts[k] : &dflt;
		int r = match_fmt(f, p, n, &t);
		if (r == 1) {
			char out[48], *o = out;	/* room for any unsigned, not just 4 digits */
			o = value__put_uint(o, (unsigned)t.y, 4);
			*o++ = '-';
			o = value__put_uint(o, (unsigned)t.mo, 2);
			*o++ = '-';
			value__put_uint(o, (unsigned)t.d, 2);
			*ret = (struct value){.kind = VALUE_TEXT, .s = arena_memdup0(a, out, 10),
					      .n = 10};
			return true;
		}
		if (r < 0 && best == 0) {
			best = -1;
			which = f->text;
		}
	}
	value__show(p, n, show, sizeof(show));
	if (best < 0)
		return value__fail(e, ERR_INVALID_DATE, "'%s' is not a real date; expected %s",
				   show, which);
	list_formats(spec, iso_date, fmts, sizeof(fmts));
	return value__fail(e, ERR_INVALID_DATE, "'%s' is not a date; expected %s", show, fmts);
}

/* ISO 8601: YYYY-MM-DDThh:mm[:ss[.f+]] then Z, +hh:mm, +hhmm (or -). 1, 0 or -1 as above;
   2 when all but the zone is there. */
static int match_iso(const char *p, size_t n, struct dt *t)
{
	size_t i = 0;

	memset(t, 0, sizeof(*t));
	if (!digits(p, n, &i, 4, 4, &t->y) || i >= n || p[i++] != '-' ||
	    !digits(p, n, &i, 2, 2, &t->mo) || i >= n || p[i++] != '-' ||
	    !digits(p, n, &i, 2, 2, &t->d) || i >= n || (p[i] != 'T' && p[i] != 't'))
		return 0;
	i++;
	if (!digits(p, n, &i, 2, 2, &t->h) || i >= n || p[i++] != ':' ||
	    !digits(p, n, &i, 2, 2, &t->mi))
		return 0;
	if (i < n && p[i] == ':') {
		i++;
		if (!digits(p, n, &i, 2, 2, &t->s))
			return 0;
		if (i < n && (p[i] == '.' || p[i] == ',')) {
			size_t k = 0;
			t->frac[k++] = '.';
			i++;
			while (i < n && p[i] >= '0' && p[i] <= '9' && k < sizeof(t->frac) - 1)
				t->frac[k++] = p[i++];
			t->frac[k] = '\0';
			if (k == 1 || (i < n && p[i] >= '0' && p[i] <= '9'))
				return 0;
		}
	}
	if (t->y < 1 || t->mo < 1 || t->mo > 12 || t->d < 1 || t->d > days_in_month(t->y, t->mo) ||
	    t->h > 23 || t->mi > 59 || t->s > 59)
		return -1;
	if (i == n)
		return 2;
	if ((p[i] == 'Z' || p[i] == 'z') && i + 1 == n)
		return 1;
	if (p[i] == '+' || p[i] == '-') {
		int sign = p[i++] == '-' ? -1 : 1, oh, om;
		if (!digits(p, n, &i, 2, 2, &oh))
			return 0;
		if (i < n && p[i] == ':')
			i++;
		if (!digits(p, n, &i, 2, 2, &om) || i != n)
			return 0;
		if (oh > 23 || om > 59)
			return -1;
		t->offset_min = sign * (oh * 60 + om);
		return 1;
	}
	return 0;
}

bool value__parse_datetime(const struct value_spec *spec, const char *p, size_t n,
			   struct arena *a, struct value *ret, struct value_error *e)
{
	const struct value_prepared *pr = spec->prepared;
	char show[VALUE_SHOW_BYTES], fmts[120], out[96];
	int r = 0;
	const char *which = iso_datetime;
	struct dt t;

	if (pr && pr->nfmts) {
		for (size_t k = 0; k < pr->nfmts && r != 1; k++) {
			int m = match_fmt(&pr->fmts[k], p, n, &t);
			if (m != 0 && r == 0) {
				r = m;
				which = pr->fmts[k].text;
			} else if (m == 1) {
				r = 1;
			}
		}
	} else {
		r = match_iso(p, n, &t);
	}
	if (r != 1)
		value__show(p, n, show, sizeof(show));
	if (r == 2)
		return value__fail(e, ERR_INVALID_DATE, "'%s' has no time zone; expected %s", show,
				   iso_datetime);
	if (r < 0)
		return value__fail(e, ERR_INVALID_DATE,
				   "'%s' is not a real date and time; expected %s", show, which);
	if (r == 0) {
		list_formats(spec, iso_datetime, fmts, sizeof(fmts));
		return value__fail(e, ERR_INVALID_DATE, "'%s' is not a date and time; expected %s",
				   show, fmts);
	}
	int64_t secs = days_from_civil(t.y, t.mo, t.d) * 86400 + t.h * 3600 + t.mi * 60 + t.s -
		       (int64_t)t.offset_min * 60;
	int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	int64_t rem = secs - days * 86400;
	int y, mo, d;
	civil_from_days(days, &y, &mo, &d);
	if (y < 1 || y > 9999)
		return value__fail(e, ERR_INVALID_DATE,
				   "'%s' falls outside the years 0001 to 9999 in UTC",
				   value__show(p, n, show, sizeof(show)));
	/* YYYY-MM-DDThh:mm:ss[.f]Z, written by hand: this runs on every datetime cell. */
	char *o = out;
	const unsigned part[6] = {(unsigned)y, (unsigned)mo, (unsigned)d, (unsigned)(rem / 3600),
				  (unsigned)(rem / 60 % 60), (unsigned)(rem % 60)};
	static const char sep[6] = {'-', '-', 'T', ':', ':', 0};
	for (int k = 0; k < 6; k++) {
		o = value__put_uint(o, part[k], k == 0 ? 4 : 2);
		if (sep[k])
			*o++ = sep[k];
	}
	size_t fl = strlen(t.frac);
	memcpy(o, t.frac, fl);
	o += fl;
	*o++ = 'Z';
	*ret = (struct value){.kind = VALUE_TEXT, .s = arena_memdup0(a, out, (size_t)(o - out)),
			      .n = (size_t)(o - out)};
	return true;
}
