/*
 * The value parsers' entry points: spec preparation, dispatch by type, canonical text,
 * and the parsers of the types that need no arithmetic (text, boolean, select,
 * multiselect, uuid, language, e-mail).
 */
#include "value/value.h"
#include "value/value_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/limit.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#include "base/banned.h"

static const char *const type_names[] = {
	[VALUE_TYPE_TEXT] = "text",
	[VALUE_TYPE_INTEGER] = "integer",
	[VALUE_TYPE_DECIMAL] = "decimal",
	[VALUE_TYPE_BOOLEAN] = "boolean",
	[VALUE_TYPE_DATE] = "date",
	[VALUE_TYPE_DATETIME] = "datetime",
	[VALUE_TYPE_PHONE] = "phone",
	[VALUE_TYPE_EMAIL] = "email",
	[VALUE_TYPE_SELECT] = "select",
	[VALUE_TYPE_MULTISELECT] = "multiselect",
	[VALUE_TYPE_UUID] = "uuid",
	[VALUE_TYPE_LANGUAGE] = "language",
};
#define NTYPES (sizeof(type_names) / sizeof(type_names[0]))

const char *value_type_name(enum value_type t)
{
	return (unsigned)t < NTYPES ? type_names[t] : "unknown";
}

bool value_type_from_name(const char *name, enum value_type *ret)
{
	for (size_t i = 0; name && i < NTYPES; i++) {
		if (strcmp(name, type_names[i]) == 0) {
			*ret = (enum value_type)i;
			return true;
		}
	}
	return false;
}

bool value_has_control(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			return true;
	}
	return false;
}

bool value__fail(struct value_error *e, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return false;
}

const char *value__show(const char *p, size_t n, char *out, size_t cap)
{
	size_t max = 60, o = 0, i = 0;
	bool cut = false;

	if (n > max) {
		n = max;
		/* Back up to the start of a UTF-8 sequence so the message stays valid. */
		while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
			n--;
		cut = true;
	}
	while (i < n && o + 8 < cap) {
		unsigned char c = (unsigned char)p[i];
		uint32_t cp;
		size_t len = c < 0x80 ? 1 : utf8_decode(p + i, n - i, &cp);
		if (len == 0) {
			/* A byte that is not UTF-8: '?', so the message (a cell of the rejection
			   file) stays valid UTF-8 and the fixed file imports again. */
			out[o++] = '?';
			i++;
			continue;
		}
		if (len == 1) {
			out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
		} else {
			memcpy(out + o, p + i, len);
			o += len;
		}
		i += len;
	}
	if (cut && o + 4 < cap) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

void value__trim(const char **p, size_t *n)
{
	while (*n > 0 && (*p)[0] == ' ') {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && (*p)[*n - 1] == ' ')
		(*n)--;
}

/* Options sorted for lookups: select fields may have up to LIMIT_OPTIONS keys. */
static int cmp_opt(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool option_known(const struct value_spec *spec, const char *p, size_t n)
{
	const struct value_prepared *pr = spec->prepared;
	size_t lo = 0, hi = spec->noptions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		size_t len = pr->sorted_len[mid];
		int c = memcmp(p, pr->sorted[mid], n < len ? n : len);
		if (c == 0)
			c = n < len ? -1 : n > len ? 1 : 0;
		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

int value_spec_prepare(struct value_spec *spec, struct err *err)
{
	struct value_prepared *pr;

	if ((unsigned)spec->type >= NTYPES)
		return err_set(err, ERR_INVALID_SCHEMA, "unknown field type %d", (int)spec->type);
	if (spec->has_min && spec->has_max && spec->min > spec->max)
		return err_set(err, ERR_INVALID_SCHEMA, "min (%g) is greater than max (%g)",
			       spec->min, spec->max);
	/* prepared is not read: a spec filled field by field may hold garbage there. */
	spec->prepared = NULL;
	pr = xcalloc(1, sizeof(*pr));
	spec->prepared = pr;
	switch (spec->type) {
	case VALUE_TYPE_SELECT:
	case VALUE_TYPE_MULTISELECT:
		if (spec->noptions == 0 || !spec->options) {
			err_set(err, ERR_INVALID_SCHEMA, "a %s field needs at least one option",
				value_type_name(spec->type));
			goto fail;
		}
		if (spec->noptions > LIMIT_OPTIONS) {
			err_set(err, ERR_INVALID_SCHEMA, "%zu options; at most %d are allowed",
				spec->noptions, LIMIT_OPTIONS);
			goto fail;
		}
		pr->sorted = xmalloc(xmul(spec->noptions, sizeof(*pr->sorted)));
		pr->sorted_len = xmalloc(xmul(spec->noptions, sizeof(*pr->sorted_len)));
		memcpy(pr->sorted, spec->options, spec->noptions * sizeof(*pr->sorted));
		qsort(pr->sorted, spec->noptions, sizeof(*pr->sorted), cmp_opt);
		for (size_t i = 0; i < spec->noptions; i++)
			pr->sorted_len[i] = strlen(pr->sorted[i]);
		if (spec->type == VALUE_TYPE_MULTISELECT) {
			char sep = spec->separator ? spec->separator : '|';
			for (size_t i = 0; i < spec->noptions; i++) {
				if (strchr(spec->options[i], sep) || spec->options[i][0] == '\0') {
					err_set(err, ERR_INVALID_SCHEMA,
						"option '%s' is empty or holds the separator '%c'",
						spec->options[i], sep);
					goto fail;
				}
			}
		}
		break;
	case VALUE_TYPE_DATE:
	case VALUE_TYPE_DATETIME:
		if (!spec->formats || spec->nformats == 0)
			break;
		pr->fmts = xcalloc(spec->nformats, sizeof(*pr->fmts));
		pr->nfmts = spec->nformats;
		for (size_t i = 0; i < spec->nformats; i++)
			if (value__fmt_compile(spec->formats[i], spec->type == VALUE_TYPE_DATETIME,
					       &pr->fmts[i], err) < 0)
				goto fail;
		break;
	case VALUE_TYPE_DECIMAL: {
		char c = spec->decimal_separator;
		if (c && (c == '-' || c == '+' || (c >= '0' && c <= '9') || c == ' ')) {
			err_set(err, ERR_INVALID_SCHEMA, "'%c' cannot be a decimal separator", c);
			goto fail;
		}
		break;
	}
	case VALUE_TYPE_PHONE:
		if (value__phone_prepare(spec, err) < 0)
			goto fail;
		break;
	default:
		break;
	}
	return 0;
fail:
	value_spec_release(spec);
	return -1;
}

void value_spec_release(struct value_spec *spec)
{
	struct value_prepared *pr = spec->prepared;

	if (!pr)
		return;
	free(pr->fmts);
	free(pr->sorted);
	free(pr->sorted_len);
	free(pr->cache);
	free(pr);
	spec->prepared = NULL;
}

static void set_text(struct value *ret, struct arena *a, const char *p, size_t n)
{
	ret->kind = VALUE_TEXT;
	ret->s = arena_memdup0(a, p, n);
	ret->n = n;
	ret->i = 0;
	ret->r = 0;
}

/* GSM 03.38: the basic character set and its extension table, as code points. */
static bool gsm7_has(uint32_t cp)
{
	static const uint16_t extra[] = {
		0x00a1, 0x00a3, 0x00a4, 0x00a5, 0x00a7, 0x00bf, 0x00c4, 0x00c5, 0x00c6, 0x00c7,
		0x00c9, 0x00d1, 0x00d6, 0x00d8, 0x00dc, 0x00df, 0x00e0, 0x00e4, 0x00e5, 0x00e6,
		0x00e8, 0x00e9, 0x00ec, 0x00f1, 0x00f2, 0x00f6, 0x00f8, 0x00f9, 0x00fc, 0x0393,
		0x0394, 0x0398, 0x039b, 0x039e, 0x03a0, 0x03a3, 0x03a6, 0x03a8, 0x03a9, 0x20ac,
	};

	if (cp == '\n' || cp == '\r' || cp == '\f')
		return true;
	if (cp >= 0x20 && cp < 0x7f)
		return cp != '`';
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (extra[i] == cp)
			return true;
	return false;
}

static const char *charset_name(enum value_charset cs)
{
	switch (cs) {
	case VALUE_CHARSET_ASCII: return "ASCII";
	case VALUE_CHARSET_LATIN1: return "Latin-1";
	case VALUE_CHARSET_GSM7: return "the GSM 7-bit alphabet";
	default: return "UTF-8";
	}
}

static bool parse_text(const struct value_spec *spec, const char *p, size_t n, struct arena *a,
		       struct value *ret, struct value_error *e)
{
	char show[VALUE_SHOW_BYTES];
	size_t i = 0, cps = 0;

	if (spec->charset == VALUE_CHARSET_UTF8) {
		/* The text is valid UTF-8 already: code points are the non-continuation bytes. */
		if (spec->max_length)
			for (; i < n; i++)
				cps += ((unsigned char)p[i] & 0xc0) != 0x80;
		i = n;
	}
	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode(p + i, n - i, &cp);
		bool ok;
		switch (spec->charset) {
		case VALUE_CHARSET_ASCII: ok = cp < 0x80; break;
		case VALUE_CHARSET_LATIN1: ok = cp < 0x100; break;
		case VALUE_CHARSET_GSM7: ok = gsm7_has(cp); break;
		default: ok = true; break;
		}
		if (!ok) {
			char ch[5] = {0};
			memcpy(ch, p + i, len);
			return value__fail(e, ERR_INVALID_CHARACTERS,
					   "'%s' holds '%s', which is not in %s; remove or "
					   "replace it",
					   value__show(p, n, show, sizeof(show)), ch,
					   charset_name(spec->charset));
		}
		i += len;
		cps++;
	}
	if (spec->max_length && cps > spec->max_length)
		return value__fail(e, ERR_TOO_LONG,
				   "'%s' has %zu characters; at most %u are allowed",
				   value__show(p, n, show, sizeof(show)), cps, spec->max_length);
	set_text(ret, a, p, n);
	return true;
}

static bool word_eq(const char *w, const char *p, size_t n)
{
	size_t i = 0;

	for (; i < n && w[i]; i++) {
		unsigned char x = (unsigned char)w[i], y = (unsigned char)p[i];
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
	}
	return i == n && w[i] == '\0';
}

static const char *const default_true[] = {"true", "yes", "1"};
static const char *const default_false[] = {"false", "no", "0"};

static bool parse_boolean(const struct value_spec *spec, const char *p, size_t n,
			  struct value *ret, struct value_error *e)
{
	const char *const *tw = spec->true_words ? spec->true_words : default_true;
	const char *const *fw = spec->false_words ? spec->false_words : default_false;
	size_t nt = spec->true_words ? spec->ntrue : 3, nf = spec->false_words ? spec->nfalse : 3;
	char show[VALUE_SHOW_BYTES];

	for (size_t i = 0; i < nt; i++) {
		if (word_eq(tw[i], p, n)) {
			*ret = (struct value){.kind = VALUE_INT, .i = 1};
			return true;
		}
	}
	for (size_t i = 0; i < nf; i++) {
		if (word_eq(fw[i], p, n)) {
			*ret = (struct value){.kind = VALUE_INT, .i = 0};
			return true;
		}
	}
	return value__fail(e, ERR_INVALID_BOOLEAN, "'%s' is not a yes/no value; expected %s or %s",
			   value__show(p, n, show, sizeof(show)), nt ? tw[0] : "?",
			   nf ? fw[0] : "?");
}

/* The option that p[0..n) spells in other letter case, or NULL (a message's hint). */
static const char *option_like(const struct value_spec *spec, const char *p, size_t n)
{
	for (size_t i = 0; i < spec->noptions; i++)
		if (strlen(spec->options[i]) == n && strncasecmp(spec->options[i], p, n) == 0)
			return spec->options[i];
	return NULL;
}

static bool parse_select(const struct value_spec *spec, const char *p, size_t n, struct arena *a,
			 struct value *ret, struct value_error *e)
{
	char show[VALUE_SHOW_BYTES];
	const char *like;

	if (!option_known(spec, p, n) && (like = option_like(spec, p, n)))
		return value__fail(e, ERR_INVALID_OPTION,
				   "'%s' is not an option of this field: keys are case-sensitive; "
				   "write '%s'", value__show(p, n, show, sizeof(show)), like);
	if (!option_known(spec, p, n))
		return value__fail(e, ERR_INVALID_OPTION,
				   "'%s' is not an option of this field; expected one of its keys "
				   "(case-sensitive), such as '%s'",
				   value__show(p, n, show, sizeof(show)), spec->options[0]);
	set_text(ret, a, p, n);
	return true;
}

static bool parse_multiselect(const struct value_spec *spec, const char *p, size_t n,
			      struct arena *a, struct value *ret, struct value_error *e)
{
	char sep = spec->separator ? spec->separator : '|';
	char show[VALUE_SHOW_BYTES], key[VALUE_SHOW_BYTES];
	char *out = arena_alloc(a, n + 1);
	size_t o = 0, i = 0;

	while (i <= n) {
		const char *k = p + i;
		const char *end = memchr(k, sep, n - i);
		size_t klen = end ? (size_t)(end - k) : n - i;
		bool seen = false;

		if (klen == 0)
			return value__fail(e, ERR_INVALID_OPTION,
					   "'%s' has an empty key; separate keys with a "
					   "single '%c'",
					   value__show(p, n, show, sizeof(show)), sep);
		if (!option_known(spec, k, klen) && option_like(spec, k, klen))
			return value__fail(e, ERR_INVALID_OPTION,
					   "'%s' is not an option of this field (in '%s'): keys are "
					   "case-sensitive; write '%s'",
					   value__show(k, klen, key, sizeof(key)),
					   value__show(p, n, show, sizeof(show)),
					   option_like(spec, k, klen));
		if (!option_known(spec, k, klen))
			return value__fail(e, ERR_INVALID_OPTION,
					   "'%s' is not an option of this field (in '%s'); "
					   "expected keys such as '%s' separated by '%c'",
					   value__show(k, klen, key, sizeof(key)),
					   value__show(p, n, show, sizeof(show)), spec->options[0],
					   sep);
		/* Drop a key already written (canonical form keeps the first). */
		for (size_t s = 0; s < o && !seen;) {
			const char *bar = memchr(out + s, '|', o - s);
			size_t len = bar ? (size_t)(bar - (out + s)) : o - s;
			seen = len == klen && memcmp(out + s, k, klen) == 0;
			s += len + 1;
		}
		if (!seen) {
			if (o)
				out[o++] = '|';
			memcpy(out + o, k, klen);
			o += klen;
		}
		i += klen + 1;
	}
	out[o] = '\0';
	*ret = (struct value){.kind = VALUE_TEXT, .s = out, .n = o};
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_uuid(const char *p, size_t n, struct arena *a, struct value *ret,
		       struct value_error *e)
{
	char show[VALUE_SHOW_BYTES];
	char *out;

	if (n != 36)
		goto bad;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? p[i] != '-' : hexval(p[i]) < 0)
			goto bad;
	}
	out = arena_memdup0(a, p, n);
	for (size_t i = 0; i < n; i++)
		if (out[i] >= 'A' && out[i] <= 'F')
			out[i] += 'a' - 'A';
	*ret = (struct value){.kind = VALUE_TEXT, .s = out, .n = n};
	return true;
bad:
	return value__fail(e, ERR_INVALID_UUID,
			   "'%s' is not a UUID; expected 32 hexadecimal digits as "
			   "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
			   value__show(p, n, show, sizeof(show)));
}

/* ISO 639-1: the 183 two-letter codes in force, sorted. */
static const char iso639_1[] =
	"aaabaeafakamanarasavayazbabebgbibmbnbobrbscacechcocrcscucvcydadedvdzeeeleneoeset"
	"eufafffifjfofrfygagdglgngugvhahehihohrhthuhyhziaidieigiiikioisitiujajvkakgkikjkk"
	"klkmknkokrkskukvkwkylalblgliln"
	"loltlulvmgmhmimkmlmnmrmsmtmynanbndnengnlnnnonrnvnyocojomorospapiplpsptqurmrnroru"
	"rwsascsdsesgsiskslsmsnsosqsrssstsusvswtatetgthtitktltntotrtstttwtyugukuruzvevivo"
	"wawoxhyiyozazhzu";

static int cmp_code(const void *a, const void *b)
{
	return memcmp(a, b, 2);
}

static bool language_known(const char code[2])
{
	return bsearch(code, iso639_1, (sizeof(iso639_1) - 1) / 2, 2, cmp_code) != NULL;
}

static bool parse_language(const char *p, size_t n, struct arena *a, struct value *ret,
			   struct value_error *e)
{
	char show[VALUE_SHOW_BYTES];
	char code[3] = {0};

	if (n == 2) {
		for (int i = 0; i < 2; i++) {
			char c = p[i];
			code[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 'a' - 'A') : c;
		}
		if (language_known(code)) {
			*ret = (struct value){.kind = VALUE_TEXT, .s = arena_memdup0(a, code, 2),
					      .n = 2};
			return true;
		}
	}
	return value__fail(e, ERR_INVALID_LANGUAGE,
			   "'%s' is not an ISO 639-1 language code; expected two letters such as "
			   "en, fr or ar", value__show(p, n, show, sizeof(show)));
}

static bool email_local_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr(".!#$%&'*+/=?^_`{|}~-", c));
}

static bool alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The WHATWG HTML "valid e-mail address": local@label(.label)*. */
static bool parse_email(const char *p, size_t n, struct arena *a, struct value *ret,
			struct value_error *e)
{
	char show[VALUE_SHOW_BYTES];
	const char *at = memchr(p, '@', n);
	size_t i, label = 0;

	if (n > LIMIT_EMAIL_BYTES)
		return value__fail(e, ERR_INVALID_EMAIL,
				   "'%s' is %zu bytes long; an e-mail address has at most %d",
				   value__show(p, n, show, sizeof(show)), n,
				   (int)LIMIT_EMAIL_BYTES);
	if (!at || at == p)
		return value__fail(e, ERR_INVALID_EMAIL,
				   "'%s' is not an e-mail address; expected name@example.org",
				   value__show(p, n, show, sizeof(show)));
	for (i = 0; p + i < at; i++)
		if (!email_local_char((unsigned char)p[i]))
			goto bad_local;
	i++;
	if (i == n)
		goto bad_domain;
	for (; i <= n; i++) {
		if (i == n || p[i] == '.') {
			if (label == 0 || p[i - 1] == '-')
				goto bad_domain;
			label = 0;
			continue;
		}
		if (!alnum((unsigned char)p[i]) && !(p[i] == '-' && label > 0))
			goto bad_domain;
		if (++label > 63)
			goto bad_domain;
	}
	set_text(ret, a, p, n);
	return true;
bad_local:
	return value__fail(e, ERR_INVALID_EMAIL,
			   "'%s' is not an e-mail address: the part before '@' holds '%c'; "
			   "expected name@example.org", value__show(p, n, show, sizeof(show)),
			   (p[i] > 0x20 && p[i] < 0x7f) ? p[i] : '?');
bad_domain:
	return value__fail(e, ERR_INVALID_EMAIL,
			   "'%s' is not an e-mail address: the domain after '@' is not valid; "
			   "expected name@example.org", value__show(p, n, show, sizeof(show)));
}

bool value_parse(const struct value_spec *spec, const char *cell, size_t len, struct arena *a,
		 struct value *ret, struct value_error *ret_error)
{
	char show[VALUE_SHOW_BYTES];
	const char *p = cell;
	size_t n = len;

	ret_error->code = ERR_OK;
	ret_error->msg[0] = '\0';
	/* One pass: printable ASCII is the common case; anything else is looked at closely. */
	size_t i = 0;
	while (i < len && (unsigned char)cell[i] >= 0x20 && (unsigned char)cell[i] < 0x7f)
		i++;
	if (i < len && value_has_control(cell + i, len - i))
		return value__fail(ret_error, ERR_INVALID_CHARACTERS,
				   "'%s' holds a control character (shown as '?'); remove it",
				   value__show(cell, len, show, sizeof(show)));
	if (i < len && !utf8_is_valid(cell + i, len - i))
		return value__fail(ret_error, ERR_INVALID_CHARACTERS,
				   "'%s' is not valid UTF-8 text; save the file as UTF-8",
				   value__show(cell, len, show, sizeof(show)));
	if (spec->type != VALUE_TYPE_TEXT && spec->type != VALUE_TYPE_SELECT &&
	    spec->type != VALUE_TYPE_MULTISELECT)
		value__trim(&p, &n);

	switch (spec->type) {
	case VALUE_TYPE_TEXT:
		return parse_text(spec, p, n, a, ret, ret_error);
	case VALUE_TYPE_INTEGER:
		return value__parse_integer(spec, p, n, ret, ret_error);
	case VALUE_TYPE_DECIMAL:
		return value__parse_decimal(spec, p, n, ret, ret_error);
	case VALUE_TYPE_BOOLEAN:
		return parse_boolean(spec, p, n, ret, ret_error);
	case VALUE_TYPE_DATE:
		return value__parse_date(spec, p, n, a, ret, ret_error);
	case VALUE_TYPE_DATETIME:
		return value__parse_datetime(spec, p, n, a, ret, ret_error);
	case VALUE_TYPE_PHONE:
		return value__parse_phone(spec, p, n, a, ret, ret_error);
	case VALUE_TYPE_EMAIL:
		return parse_email(p, n, a, ret, ret_error);
	case VALUE_TYPE_SELECT:
		return parse_select(spec, p, n, a, ret, ret_error);
	case VALUE_TYPE_MULTISELECT:
		return parse_multiselect(spec, p, n, a, ret, ret_error);
	case VALUE_TYPE_UUID:
		return parse_uuid(p, n, a, ret, ret_error);
	case VALUE_TYPE_LANGUAGE:
		return parse_language(p, n, a, ret, ret_error);
	}
	return value__fail(ret_error, ERR_INVALID_CHARACTERS, "the field's type is unknown");
}

/*
 * A decimal in positional notation (never an exponent, so it reads back as a decimal
 * cell) with the fewest significant digits that give the same double back.
 */
void value__format_real(double r, struct buf *out)
{
	char e[40], digits[24];
	int prec, exp, nd = 0;
	const char *p;

	if (r == 0 || !isfinite(r)) {
		buf_addc(out, '0');
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, r);
		if (strtod(e, NULL) == r)
			break;
	}
	p = e;
	if (*p == '-') {
		buf_addc(out, '-');
		p++;
	}
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9' && nd < (int)sizeof(digits))
			digits[nd++] = *p;
	exp = (int)strtol(p + 1, NULL, 10);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (exp < 0) {
		buf_adds(out, "0.");
		for (int i = -1; i > exp; i--)
			buf_addc(out, '0');
		buf_add(out, digits, (size_t)nd);
		return;
	}
	for (int i = 0; i <= exp; i++)
		buf_addc(out, i < nd ? digits[i] : '0');
	if (nd > exp + 1) {
		buf_addc(out, '.');
		buf_add(out, digits + exp + 1, (size_t)(nd - exp - 1));
	}
}

void value_format(const struct value *v, struct buf *out)
{

	switch (v->kind) {
	case VALUE_NULL:
		break;
	case VALUE_INT:
		buf_addf(out, "%lld", (long long)v->i);
		break;
	case VALUE_REAL:
		value__format_real(v->r, out);
		break;
	case VALUE_TEXT:
		buf_add(out, v->s, v->n);
		break;
	}
}
