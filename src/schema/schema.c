/*
 * The schema loader: reads CONTRACT 8 JSON with jansson, checks every rule, and builds the
 * struct schema the other modules read. Every error is invalid_schema with the JSON path.
 */
#include "schema/schema.h"
#include "schema/schema_int.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limit.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#include "base/banned.h"

/* Largest integer a double holds exactly: the bound for integer min, max and default. */
#define EXACT_INT 9007199254740992.0

/* Parse state: where in the document we are, for error messages. */
struct ctx {
	struct err *err;
	char path[160];		/* "entities[0].fields[3]"; "" at the root */
	size_t len;		/* bytes of path in use */
};

/* What the parse of one entity keeps until the whole schema is checked. */
struct ent_tmp {
	size_t *jpos;		/* field index -> position in the JSON "fields" array; owned */
};

/* ---- paths and messages ---- */

__attribute__((format(printf, 2, 3)))
static size_t push(struct ctx *c, const char *fmt, ...)
{
	size_t old = c->len;
	va_list ap;
	int n;

	if (c->len > 0 && fmt[0] != '[' && c->len < sizeof(c->path) - 1)
		c->path[c->len++] = '.';
	va_start(ap, fmt);
	n = vsnprintf(c->path + c->len, sizeof(c->path) - c->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->len += (size_t)n;
	if (c->len >= sizeof(c->path))
		c->len = sizeof(c->path) - 1;
	c->path[c->len] = '\0';
	return old;
}

static void pop(struct ctx *c, size_t old)
{
	c->len = old;
	c->path[old] = '\0';
}

/* Longest valid UTF-8 prefix of p[0..n) of at most max bytes (a cut never splits a
   character, so messages stay valid UTF-8). */
static size_t utf8_cut(const char *p, size_t n, size_t max)
{
	return utf8_valid_prefix(p, n < max ? n : max);
}

/* A short, printable excerpt of a user string for a message. */
struct shown {
	char s[64];
};

static struct shown show(const char *p, size_t n)
{
	struct shown out;
	size_t k = utf8_cut(p, n, 40), o = 0;

	for (size_t i = 0; i < k; i++) {
		unsigned char ch = (unsigned char)p[i];
		out.s[o++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	if (k < n) {
		memcpy(out.s + o, "...", 3);
		o += 3;
	}
	out.s[o] = '\0';
	return out;
}

#define SHOW(str) (show((str), strlen(str)).s)

__attribute__((format(printf, 2, 3)))
static int fail(struct ctx *c, const char *fmt, ...)
{
	char msg[ERR_MSG_BYTES];
	size_t n;
	va_list ap;
	int k;

	k = snprintf(msg, sizeof(msg), "%s: ", c->len ? c->path : "schema");
	n = k > 0 ? (size_t)k : 0;
	if (n < sizeof(msg)) {
		va_start(ap, fmt);
		vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
		va_end(ap);
	}
	msg[utf8_cut(msg, strlen(msg), sizeof(msg) - 1)] = '\0';
	return err_set(c->err, ERR_INVALID_SCHEMA, "%s", msg);
}

__attribute__((format(printf, 3, 4)))
static int fail_at(struct ctx *c, const char *key, const char *fmt, ...)
{
	char text[ERR_MSG_BYTES];
	size_t old = push(c, "%s", key);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fail(c, "%s", text);
	pop(c, old);
	return -1;
}

/* ---- typed getters: 1 present, 0 absent (or null), -1 wrong type (err filled) ---- */

static json_t *get(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return v && !json_is_null(v) ? v : NULL;
}

static bool has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/* A string that is a header name, option key, word...: non-empty, bounded, no controls. */
static int check_text(struct ctx *c, const char *s, size_t n, const char *what)
{
	if (n == 0)
		return fail(c, "%s is empty", what);
	if (n > LIMIT_SCHEMA_STRING_BYTES)
		return fail(c, "%s is longer than %d bytes", what, LIMIT_SCHEMA_STRING_BYTES);
	if (has_control(s, n))
		return fail(c, "%s holds a control character", what);
	return 0;
}

static int get_string(struct ctx *c, json_t *obj, const char *key, const char **ret)
{
	json_t *v = get(obj, key);

	if (!v)
		return 0;
	if (!json_is_string(v))
		return fail_at(c, key, "expected a string");
	*ret = json_string_value(v);
	return 1;
}

static int get_bool(struct ctx *c, json_t *obj, const char *key, bool *ret)
{
	json_t *v = get(obj, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return fail_at(c, key, "expected true or false");
	*ret = json_is_true(v);
	return 1;
}

static int get_number(struct ctx *c, json_t *obj, const char *key, double *ret)
{
	json_t *v = get(obj, key);

	if (!v)
		return 0;
	if (!json_is_number(v))
		return fail_at(c, key, "expected a number");
	*ret = json_number_value(v);
	if (json_is_integer(v) && (json_integer_value(v) > (json_int_t)EXACT_INT ||
				   json_integer_value(v) < -(json_int_t)EXACT_INT))
		return fail_at(c, key, "%s is beyond +-2^53", SHOW(key));
	return 1;
}

/* One of the words in choices[] (NULL-terminated); its index in *ret. */
static int get_choice(struct ctx *c, json_t *obj, const char *key, const char *const *choices,
		      int *ret)
{
	const char *s = NULL;
	int r = get_string(c, obj, key, &s);
	char list[200];
	size_t n = 0;

	if (r <= 0)
		return r;
	for (int i = 0; choices[i]; i++) {
		if (strcmp(s, choices[i]) == 0) {
			*ret = i;
			return 1;
		}
	}
	list[0] = '\0';
	for (int i = 0; choices[i] && n < sizeof(list); i++) {
		int k = snprintf(list + n, sizeof(list) - n, "%s'%s'", i ? ", " : "", choices[i]);
		if (k > 0)
			n += (size_t)k;
	}
	return fail_at(c, key, "unknown value '%s'; use %s", SHOW(s), list);
}

/*
 * A list of strings, each checked by check_text, with at most max items (and at least
 * one). The copies are owned by the caller (free_strings).
 */
static int get_strings(struct ctx *c, json_t *obj, const char *key, size_t max, const char *what,
		       char ***ret, size_t *ret_n)
{
	json_t *v = get(obj, key), *item;
	size_t old, i, n;
	char **out;

	if (!v)
		return 0;
	old = push(c, "%s", key);
	if (!json_is_array(v)) {
		fail(c, "expected an array of strings");
		goto fail;
	}
	n = json_array_size(v);
	if (n == 0) {
		fail(c, "is empty; leave it out instead");
		goto fail;
	}
	if (n > max) {
		fail(c, "has %zu items, over the limit of %zu", n, max);
		goto fail;
	}
	out = xcalloc(n, sizeof(*out));
	json_array_foreach(v, i, item) {
		size_t o = push(c, "[%zu]", i);
		if (!json_is_string(item)) {
			fail(c, "expected a string");
		} else if (check_text(c, json_string_value(item), json_string_length(item),
				      what) == 0) {
			out[i] = xstrdup(json_string_value(item));
			pop(c, o);
			continue;
		}
		for (size_t k = 0; k < i; k++)
			free(out[k]);
		free(out);
		goto fail;
	}
	pop(c, old);
	*ret = out;
	*ret_n = n;
	return 1;
fail:
	pop(c, old);
	return -1;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- fields ---- */

static void free_field(struct schema_field *f)
{
	free(f->name);
	free_strings(f->aliases, f->naliases);
	free_strings(f->options, f->noptions);
	free_strings(f->true_words, f->ntrue);
	free_strings(f->false_words, f->nfalse);
	free_strings(f->formats, f->nformats);
	free(f->default_value);
	free(f->ref_entity);
	free(f->ref_by);
	memset(f, 0, sizeof(*f));
}

#define T(x) (1u << SCHEMA_##x)

/* Which type each option belongs to; an option on another type is an error. */
static const struct {
	const char *key;
	unsigned types;
} option_types[] = {
	{ "max_length", T(TEXT) },
	{ "charset", T(TEXT) | T(SELECT) | T(MULTISELECT) },
	{ "min", T(INTEGER) | T(DECIMAL) },
	{ "max", T(INTEGER) | T(DECIMAL) },
	{ "options", T(SELECT) | T(MULTISELECT) },
	{ "separator", T(MULTISELECT) },
	{ "true_words", T(BOOLEAN) },
	{ "false_words", T(BOOLEAN) },
	{ "formats", T(DATE) | T(DATETIME) },
	{ "default_region", T(PHONE) },
	{ "output", T(PHONE) },
	{ "decimal_separator", T(DECIMAL) },
	{ "entity", T(REFERENCE) },
	{ "by", T(REFERENCE) },
};

/* Known keys of a field entry; a built-in id or key entry may carry only name and aliases. */
static const char *const field_keys[] = {
	"type", "max_length", "charset", "min", "max", "options", "separator", "true_words",
	"false_words", "formats", "default_region", "output", "decimal_separator", "entity", "by",
	"required", "default", "unique", "immutable", "pii",
};

static const char *const charset_names[] = { "utf8", "ascii", "latin1", "gsm7", NULL };
static const char *const output_names[] = { "e164", "digits", "national", NULL };

/*
 * The regions a phone's default_region may name: those libphonenumber 8.12 has a numbering
 * plan for (ISO 3166-1 alpha-2, less AQ BV GS HM PN TF UM, plus AC Ascension, TA Tristan da
 * Cunha and XK Kosovo), so the value parsers can always use it.
 */
static const char regions[] =
	"AC AD AE AF AG AI AL AM AO AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
	"BR BS BT BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO "
	"DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GT GU "
	"GW GY HK HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW "
	"KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT "
	"MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PR PS PT "
	"PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TA "
	"TC TD TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC VE VG VI VN VU WF WS XK "
	"YE YT ZA ZM ZW";

static bool region_known(const char *r)
{
	if (strlen(r) != 2)
		return false;
	for (size_t i = 0; i + 1 < sizeof(regions); i += 3)
		if (regions[i] == r[0] && regions[i + 1] == r[1])
			return true;
	return false;
}

/* Why name breaks the CONTRACT 8 rule, or NULL when it does not. */
static const char *name_problem(const char *name)
{
	size_t n = strlen(name);
	char c = name[0];

	if (n == 0)
		return "is empty";
	if (n > LIMIT_NAME_BYTES)
		return "is longer than 63 bytes";
	if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
		return "must start with a letter A-Z or a-z";
	for (size_t i = 1; i < n; i++) {
		c = name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return "may hold only the letters A-Z and a-z, digits and '_'";
	}
	if (!schema_name_valid(name))
		return "is reserved for intake's own columns (id, key, state, created_at, "
		       "updated_at, created_job, updated_job, rowid, oid, ctid, xmin, xmax, "
		       "cmin, cmax, tableoid, intake_*, sqlite_*)";
	return NULL;
}

/*
 * Date format tokens (CONTRACT 8): YYYY MM DD hh mm ss, each at most once; other ASCII
 * characters are literals, except letters, where only the ISO 8601 'T' and 'Z' are (a
 * stray letter is a mistyped token such as "YY"). The value parsers read the format.
 */
#define FORMAT_MAX_BYTES 32

static int check_format(struct ctx *c, const char *f, bool datetime)
{
	static const char *const tokens[] = { "YYYY", "MM", "DD", "hh", "mm", "ss" };
	int seen[6] = { 0 };

	if (strlen(f) > FORMAT_MAX_BYTES)
		return fail(c, "'%s' is longer than %d characters", SHOW(f), FORMAT_MAX_BYTES);
	for (const char *p = f; *p;) {
		unsigned char ch = (unsigned char)*p;
		size_t t;

		if (ch >= 0x80)
			return fail(c, "'%s' holds a character that is not ASCII", SHOW(f));
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')) ||
		    ((ch == 'T' || ch == 'Z') && p[1] != ch)) {
			p++;
			continue;
		}
		for (t = 0; t < 6; t++)
			if (strncmp(p, tokens[t], strlen(tokens[t])) == 0)
				break;
		if (t == 6) {
			size_t k = 0;
			while ((p[k] >= 'A' && p[k] <= 'Z') || (p[k] >= 'a' && p[k] <= 'z'))
				k++;
			return fail(c, "unknown token '%s' in '%s'; use YYYY, MM, DD, hh, mm, ss",
				    show(p, k).s, SHOW(f));
		}
		if (seen[t]++)
			return fail(c, "'%s' has %s twice", SHOW(f), tokens[t]);
		p += strlen(tokens[t]);
	}
	if (!seen[0] || !seen[1] || !seen[2])
		return fail(c, "'%s' needs YYYY, MM and DD", SHOW(f));
	if (!datetime && (seen[3] || seen[4] || seen[5]))
		return fail(c, "'%s' has a time; a date format takes only YYYY, MM and DD",
			    SHOW(f));
	if ((seen[4] && !seen[3]) || (seen[5] && !seen[4]))
		return fail(c, "'%s' has mm without hh, or ss without mm", SHOW(f));
	return 0;
}

/* Shortest text that reads back as v, with sep as the decimal separator. */
static void format_double(char out[40], double v, char sep)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, 40, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	for (char *p = out; *p; p++)
		if (*p == '.')
			*p = sep;
}

static bool word_in(char **words, size_t n, const char *w, bool fold)
{
	for (size_t i = 0; i < n; i++) {
		if (fold ? schema_fold_cmp(words[i], strlen(words[i]), w, strlen(w)) == 0
			 : strcmp(words[i], w) == 0)
			return true;
	}
	return false;
}

static const char *const default_true[] = { "true", "yes", "1" };
static const char *const default_false[] = { "false", "no", "0" };

/* Is w one of the field's true (or false) words, compared ignoring case? */
static bool bool_word(const struct schema_field *f, const char *w, bool truth)
{
	char **words = truth ? f->true_words : f->false_words;
	size_t n = truth ? f->ntrue : f->nfalse;
	const char *const *defaults = truth ? default_true : default_false;

	if (words)
		return word_in(words, n, w, true);
	for (size_t i = 0; i < 3; i++)
		if (schema_fold_cmp(defaults[i], strlen(defaults[i]), w, strlen(w)) == 0)
			return true;
	return false;
}

static const char *first_word(const struct schema_field *f, bool truth)
{
	if (truth)
		return f->true_words ? f->true_words[0] : default_true[0];
	return f->false_words ? f->false_words[0] : default_false[0];
}

static int check_range(struct ctx *c, const struct schema_field *f, double v)
{
	char a[40], b[40];

	if (f->has_min && v < f->min) {
		format_double(a, v, '.');
		format_double(b, f->min, '.');
		return fail(c, "%s is below the field's min %s", a, b);
	}
	if (f->has_max && v > f->max) {
		format_double(a, v, '.');
		format_double(b, f->max, '.');
		return fail(c, "%s is above the field's max %s", a, b);
	}
	return 0;
}

/* Does the integer text s (optional sign, digits) hold a value within +-2^53? */
static bool integer_text(const char *s, double *ret)
{
	const char *p = s + (*s == '-' || *s == '+');
	char *end;

	if (!*p)
		return false;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return false;
	if (strlen(p) > 16)
		return false;
	*ret = strtod(s, &end);
	return fabs(*ret) <= EXACT_INT;
}

/*
 * "default": a JSON string, number or boolean that fits the type, kept as the text of a
 * cell (CONTRACT 9: an empty cell takes it on insert). The value parsers check it fully
 * when the importer prepares the field.
 */
static int parse_default(struct ctx *c, json_t *jf, struct schema_field *f)
{
	json_t *v = get(jf, "default");
	size_t old;
	char num[40];
	int r, rc = -1;

	if (!v)
		return 0;
	old = push(c, "default");
	switch (f->type) {
	case SCHEMA_INTEGER: {
		double d;
		if (json_is_integer(v) || (json_is_real(v) && json_real_value(v) ==
				floor(json_real_value(v)))) {
			d = json_number_value(v);
			if (fabs(d) > EXACT_INT || (json_is_integer(v) &&
			    (json_integer_value(v) > (json_int_t)EXACT_INT ||
			     json_integer_value(v) < -(json_int_t)EXACT_INT))) {
				fail(c, "is beyond +-2^53");
				goto out;
			}
		} else if (!json_is_string(v) || !integer_text(json_string_value(v), &d)) {
			fail(c, "expected a whole number");
			goto out;
		}
		if (check_range(c, f, d) < 0)
			goto out;
		snprintf(num, sizeof(num), "%.0f", d);
		f->default_value = xstrdup(num);
		break;
	}
	case SCHEMA_DECIMAL: {
		double d;
		if (json_is_number(v)) {
			d = json_number_value(v);
		} else {
			fail(c, "expected a number");
			goto out;
		}
		if (check_range(c, f, d) < 0)
			goto out;
		format_double(num, d, f->decimal_separator);
		f->default_value = xstrdup(num);
		break;
	}
	case SCHEMA_BOOLEAN: {
		bool truth;
		if (json_is_boolean(v)) {
			truth = json_is_true(v);
		} else if (json_is_string(v) && bool_word(f, json_string_value(v), true)) {
			truth = true;
		} else if (json_is_string(v) && bool_word(f, json_string_value(v), false)) {
			truth = false;
		} else {
			fail(c, "expected true, false or one of the field's words");
			goto out;
		}
		f->default_value = xstrdup(first_word(f, truth));
		break;
	}
	case SCHEMA_MULTISELECT: {
		/* A string "a|b" or an array ["a", "b"]; kept joined by the separator. */
		char **parts = NULL;
		size_t nparts = 0, cap = 0, total = 0;
		char *joined, *p;

		if (json_is_string(v)) {
			const char *s = json_string_value(v), *q;
			if (check_text(c, s, json_string_length(v), "the default") < 0)
				goto out;
			for (q = s;; q++) {
				const char *e = strchr(q, f->separator);
				size_t k = e ? (size_t)(e - q) : strlen(q);
				XGROW(parts, cap, nparts + 1);
				parts[nparts++] = xmemdup0(q, k);
				if (!e)
					break;
				q = e;
			}
		} else if (json_is_array(v)) {
			pop(c, old); /* get_strings names the key itself */
			r = get_strings(c, jf, "default", LIMIT_OPTIONS, "an option key", &parts,
					&nparts);
			old = push(c, "default");
			if (r < 0)
				goto out;
		} else {
			fail(c, "expected a string or an array of option keys");
			goto out;
		}
		for (size_t i = 0; i < nparts; i++) {
			if (!word_in(f->options, f->noptions, parts[i], false)) {
				fail(c, "'%s' is not one of the options", SHOW(parts[i]));
				free_strings(parts, nparts);
				goto out;
			}
			total += strlen(parts[i]) + 1;
		}
		if (total > LIMIT_SCHEMA_STRING_BYTES + 1) {
			fail(c, "is longer than %d bytes", LIMIT_SCHEMA_STRING_BYTES);
			free_strings(parts, nparts);
			goto out;
		}
		joined = p = xmalloc(total);
		for (size_t i = 0; i < nparts; i++) {
			size_t k = strlen(parts[i]);
			memcpy(p, parts[i], k);
			p += k;
			*p++ = i + 1 < nparts ? f->separator : '\0';
		}
		free_strings(parts, nparts);
		f->default_value = joined;
		break;
	}
	default: {
		const char *s = NULL;
		if (!json_is_string(v)) {
			fail(c, "expected a string");
			goto out;
		}
		s = json_string_value(v);
		if (check_text(c, s, json_string_length(v), "the default") < 0)
			goto out;
		if (f->type == SCHEMA_TEXT && f->max_length &&
		    utf8_count(s, strlen(s)) > f->max_length) {
			fail(c, "is longer than the field's max_length %u", f->max_length);
			goto out;
		}
		if (f->type == SCHEMA_SELECT && !word_in(f->options, f->noptions, s, false)) {
			fail(c, "'%s' is not one of the options", SHOW(s));
			goto out;
		}
		f->default_value = xstrdup(s);
		break;
	}
	}
	rc = 0;
out:
	pop(c, old);
	return rc;
}

/* ---- repeats ---- */

struct item {
	const char *s;
	size_t i;
};

static int item_cmp_exact(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int c = strcmp(a->s, b->s);

	return c ? c : (a->i > b->i) - (a->i < b->i);
}

static int item_cmp_fold(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int c = schema_fold_cmp(a->s, strlen(a->s), b->s, strlen(b->s));

	return c ? c : (a->i > b->i) - (a->i < b->i);
}

/*
 * The position of the first string of v (in list order) that repeats an earlier one, or
 * SIZE_MAX; *ret_first gets the earlier one. O(n log n), so long lists stay cheap.
 */
static size_t find_repeat(char *const *v, size_t n, bool fold, size_t *ret_first)
{
	struct item *it;
	size_t best = SIZE_MAX;

	if (n < 2)
		return SIZE_MAX;
	it = xmalloc(xmul(n, sizeof(*it)));
	for (size_t i = 0; i < n; i++)
		it[i] = (struct item){ v[i], i };
	qsort(it, n, sizeof(*it), fold ? item_cmp_fold : item_cmp_exact);
	for (size_t i = 1; i < n; i++) {
		bool same = fold ? schema_fold_cmp(it[i - 1].s, strlen(it[i - 1].s), it[i].s,
						   strlen(it[i].s)) == 0
				 : strcmp(it[i - 1].s, it[i].s) == 0;
		/* Within a run, it[i - 1] is the earliest (sorted by position on ties). */
		if (same && (i < 2 || !(fold ? schema_fold_cmp(it[i - 2].s, strlen(it[i - 2].s),
							      it[i].s, strlen(it[i].s)) == 0
					       : strcmp(it[i - 2].s, it[i].s) == 0)) &&
		    it[i].i < best) {
			best = it[i].i;
			*ret_first = it[i - 1].i;
		}
	}
	free(it);
	return best;
}

/* A list key whose items must not repeat: error at the repeat. */
static int no_repeats(struct ctx *c, const char *key, char *const *v, size_t n, bool fold)
{
	size_t first, at = find_repeat(v, n, fold, &first);
	size_t old;

	if (at == SIZE_MAX)
		return 0;
	old = push(c, "%s[%zu]", key, at);
	fail(c, "'%s' repeats item %zu%s", SHOW(v[at]), first, fold ? " (ignoring case)" : "");
	pop(c, old);
	return -1;
}

/* ---- one field ---- */

static bool is_punct(char ch)
{
	return (ch >= 0x21 && ch <= 0x2f) || (ch >= 0x3a && ch <= 0x40) ||
	       (ch >= 0x5b && ch <= 0x60) || (ch >= 0x7b && ch <= 0x7e);
}

static int parse_options(struct ctx *c, json_t *jf, struct schema_field *f)
{
	const char *str = NULL;
	double d;
	int r, choice;

	r = get_number(c, jf, "max_length", &d);
	if (r < 0)
		return -1;
	if (r == 1) {
		if (d != floor(d) || d < 1 || d > (double)LIMIT_CELL_BYTES)
			return fail_at(c, "max_length", "expected a whole number from 1 to %llu",
				       (unsigned long long)LIMIT_CELL_BYTES);
		f->max_length = (uint32_t)d;
	}
	r = get_choice(c, jf, "charset", charset_names, &choice);
	if (r < 0)
		return -1;
	if (r == 1)
		f->charset = (enum schema_charset)choice;
	r = get_number(c, jf, "min", &f->min);
	if (r < 0)
		return -1;
	f->has_min = r == 1;
	r = get_number(c, jf, "max", &f->max);
	if (r < 0)
		return -1;
	f->has_max = r == 1;
	if (f->type == SCHEMA_INTEGER) {
		if (f->has_min && (f->min != floor(f->min) || fabs(f->min) > EXACT_INT))
			return fail_at(c, "min", "expected a whole number within +-2^53");
		if (f->has_max && (f->max != floor(f->max) || fabs(f->max) > EXACT_INT))
			return fail_at(c, "max", "expected a whole number within +-2^53");
	}
	if (f->has_min && f->has_max && f->min > f->max)
		return fail_at(c, "max", "is below min");
	r = get_string(c, jf, "separator", &str);
	if (r < 0)
		return -1;
	if (r == 1) {
		if (strlen(str) != 1 || !is_punct(str[0]) || str[0] == '"')
			return fail_at(c, "separator", "expected one punctuation character such as "
				       "'|', ';' or ','");
		f->separator = str[0];
	}
	r = get_strings(c, jf, "options", LIMIT_OPTIONS, "an option key", &f->options,
			&f->noptions);
	if (r < 0)
		return -1;
	if (r == 0 && (f->type == SCHEMA_SELECT || f->type == SCHEMA_MULTISELECT))
		return fail_at(c, "options", "is missing: a %s field needs its option keys",
			       schema_type_name(f->type));
	if (r == 1) {
		if (no_repeats(c, "options", f->options, f->noptions, false) < 0)
			return -1;
		for (size_t i = 0; f->type == SCHEMA_MULTISELECT && i < f->noptions; i++) {
			if (strchr(f->options[i], f->separator)) {
				size_t old = push(c, "options[%zu]", i);
				fail(c, "'%s' holds the separator '%c'", SHOW(f->options[i]),
				     f->separator);
				pop(c, old);
				return -1;
			}
		}
	}
	if (get_strings(c, jf, "true_words", LIMIT_SCHEMA_WORDS, "a word", &f->true_words,
			&f->ntrue) < 0 ||
	    no_repeats(c, "true_words", f->true_words, f->ntrue, true) < 0)
		return -1;
	if (get_strings(c, jf, "false_words", LIMIT_SCHEMA_WORDS, "a word", &f->false_words,
			&f->nfalse) < 0 ||
	    no_repeats(c, "false_words", f->false_words, f->nfalse, true) < 0)
		return -1;
	if (f->type == SCHEMA_BOOLEAN) {
		for (size_t i = 0; i < f->nfalse; i++) {
			if (bool_word(f, f->false_words[i], true)) {
				size_t old = push(c, "false_words[%zu]", i);
				fail(c, "'%s' is also a true word", SHOW(f->false_words[i]));
				pop(c, old);
				return -1;
			}
		}
		for (size_t i = 0; !f->false_words && i < f->ntrue; i++) {
			if (bool_word(f, f->true_words[i], false)) {
				size_t old = push(c, "true_words[%zu]", i);
				fail(c, "'%s' is one of the default false words; set false_words",
				     SHOW(f->true_words[i]));
				pop(c, old);
				return -1;
			}
		}
	}
	if (get_strings(c, jf, "formats", LIMIT_SCHEMA_WORDS, "a format", &f->formats,
			&f->nformats) < 0 ||
	    no_repeats(c, "formats", f->formats, f->nformats, false) < 0)
		return -1;
	for (size_t i = 0; i < f->nformats; i++) {
		size_t old = push(c, "formats[%zu]", i);
		r = check_format(c, f->formats[i], f->type == SCHEMA_DATETIME);
		pop(c, old);
		if (r < 0)
			return -1;
	}
	r = get_string(c, jf, "default_region", &str);
	if (r < 0)
		return -1;
	if (r == 1) {
		if (strcmp(str, "UK") == 0)
			return fail_at(c, "default_region", "'UK' is not a region code; the United "
				       "Kingdom is 'GB'");
		if (!region_known(str))
			return fail_at(c, "default_region", "'%s' is not an ISO 3166 region code "
				       "(two capital letters, such as 'US' or 'KE')", SHOW(str));
		memcpy(f->default_region, str, 3);
	}
	r = get_choice(c, jf, "output", output_names, &choice);
	if (r < 0)
		return -1;
	if (r == 1)
		f->output = (enum schema_phone_output)choice;
	r = get_string(c, jf, "decimal_separator", &str);
	if (r < 0)
		return -1;
	if (r == 1) {
		if (strcmp(str, ".") != 0 && strcmp(str, ",") != 0)
			return fail_at(c, "decimal_separator", "expected '.' or ','");
		f->decimal_separator = str[0];
	}
	r = get_string(c, jf, "entity", &str);
	if (r < 0)
		return -1;
	if (r == 0 && f->type == SCHEMA_REFERENCE)
		return fail_at(c, "entity", "is missing: a reference names its parent entity");
	if (r == 1)
		f->ref_entity = xstrdup(str);
	r = get_string(c, jf, "by", &str);
	if (r < 0)
		return -1;
	if (r == 1)
		f->ref_by = xstrdup(str);
	return 0;
}

/* "aliases": other header names; none may start with intake_ (the importer skips those). */
static int get_aliases(struct ctx *c, json_t *jf, struct schema_field *f)
{
	if (get_strings(c, jf, "aliases", LIMIT_ALIASES, "an alias", &f->aliases, &f->naliases) < 0)
		return -1;
	for (size_t k = 0; k < f->naliases; k++) {
		if (strlen(f->aliases[k]) >= 7 &&
		    schema_fold_cmp(f->aliases[k], 7, "intake_", 7) == 0) {
			size_t old = push(c, "aliases[%zu]", k);
			fail(c, "'%s': the importer ignores columns named intake_*",
			     SHOW(f->aliases[k]));
			pop(c, old);
			return -1;
		}
	}
	return 0;
}

/*
 * One entry of "fields". A built-in id or key entry gives aliases only: *ret_builtin says
 * which, and f holds just the name and aliases.
 */
static int parse_field(struct ctx *c, json_t *jf, struct schema_field *f,
		       enum schema_builtin *ret_builtin)
{
	const char *name = NULL, *tname = NULL, *why = NULL;
	int r;

	memset(f, 0, sizeof(*f));
	*ret_builtin = SCHEMA_BUILTIN_NONE;
	if (!json_is_object(jf))
		return fail(c, "expected an object");
	r = get_string(c, jf, "name", &name);
	if (r < 0)
		return -1;
	if (r == 0)
		return fail_at(c, "name", "is missing");
	if (strcmp(name, "id") == 0 || strcmp(name, "key") == 0) {
		for (size_t i = 0; i < sizeof(field_keys) / sizeof(field_keys[0]); i++)
			if (get(jf, field_keys[i]))
				return fail_at(c, field_keys[i], "the built-in '%s' takes only "
					       "aliases", name);
		*ret_builtin = name[0] == 'i' ? SCHEMA_BUILTIN_ID : SCHEMA_BUILTIN_KEY;
		f->name = xstrdup(name);
		return get_aliases(c, jf, f);
	}
	why = name_problem(name);
	if (why)
		return fail_at(c, "name", "'%s' %s", SHOW(name), why);
	f->name = xstrdup(name);
	r = get_string(c, jf, "type", &tname);
	if (r < 0)
		return -1;
	f->type = SCHEMA_TEXT;
	if (r == 1 && !schema_type_from_name(tname, &f->type))
		return fail_at(c, "type", "unknown type '%s'", SHOW(tname));
	for (size_t i = 0; i < sizeof(option_types) / sizeof(option_types[0]); i++)
		if (get(jf, option_types[i].key) && !(option_types[i].types & (1u << f->type)))
			return fail_at(c, option_types[i].key, "is not an option of type '%s'",
				       schema_type_name(f->type));
	if (f->type == SCHEMA_MULTISELECT)
		f->separator = '|';
	if (f->type == SCHEMA_DECIMAL)
		f->decimal_separator = '.';
	if (parse_options(c, jf, f) < 0)
		return -1;
	if (get_bool(c, jf, "required", &f->required) < 0 ||
	    get_bool(c, jf, "unique", &f->unique) < 0 ||
	    get_bool(c, jf, "immutable", &f->immutable) < 0 ||
	    get_bool(c, jf, "pii", &f->pii) < 0)
		return -1;
	if (f->unique && (f->type == SCHEMA_BOOLEAN || f->type == SCHEMA_MULTISELECT))
		return fail_at(c, "unique", "a %s field cannot be unique",
			       schema_type_name(f->type));
	if (parse_default(c, jf, f) < 0)
		return -1;
	return get_aliases(c, jf, f);
}

/* ---- one entity ---- */

static void free_entity(struct schema_entity *e)
{
	free(e->name);
	free(e->type_name);
	for (size_t j = 0; j < e->nfields; j++)
		free_field(&e->fields[j]);
	free(e->fields);
	free_strings(e->id_aliases, e->nid_aliases);
	free_strings(e->key_aliases, e->nkey_aliases);
	free(e->identifiers);
	free(e->create_with);
	free(e->operation_column);
	free_strings(e->template_columns, e->ntemplate_columns);
	for (size_t i = 0; i < e->noperations; i++)
		free(e->operations[i].word);
	free(e->operations);
	schema_names_free(e->names);
	memset(e, 0, sizeof(*e));
}

/* Where an index entry was written, for messages: fields[j].name or fields[j].aliases[k]. */
static long entry_order(const struct schema_name *m, const size_t *jpos, size_t id_jpos,
			size_t key_jpos)
{
	size_t j;

	if (m->field < 0) {
		if (m->alias == 0)
			return -1; /* the built-in name itself comes before everything */
		j = m->field == SCHEMA_NAME_ID ? id_jpos : key_jpos;
	} else {
		j = jpos[m->field];
	}
	return (long)j * (LIMIT_ALIASES + 1) + (long)m->alias;
}

static void owner_text(const struct schema_entity *e, const struct schema_name *m, char *out,
		       size_t n)
{
	if (m->field == SCHEMA_NAME_ID || m->field == SCHEMA_NAME_KEY)
		snprintf(out, n, "the built-in '%s'", m->field == SCHEMA_NAME_ID ? "id" : "key");
	else
		snprintf(out, n, "field '%s'", e->fields[m->field].name);
}

/*
 * No two header names of the entity may match one header: field names are unique ignoring
 * case, and names and aliases are unique under the entity's header rule.
 */
static int check_names(struct ctx *c, const struct schema_entity *e, const size_t *jpos,
		       size_t id_jpos, size_t key_jpos)
{
	const struct schema_names *x = e->names;
	size_t i = 0;

	while (i < x->n) {
		size_t end = i + 1, first_name = SIZE_MAX;
		const struct schema_name *a = NULL, *b = NULL;

		while (end < x->n && schema_fold_cmp(x->v[i].s, x->v[i].len, x->v[end].s,
						     x->v[end].len) == 0)
			end++;
		for (size_t k = i; k < end && !a; k++) {
			const struct schema_name *m = &x->v[k];
			if (e->case_insensitive_headers && k > i) {
				a = &x->v[i], b = m;
			} else if (k > i && m->len == x->v[k - 1].len &&
				   memcmp(m->s, x->v[k - 1].s, m->len) == 0) {
				a = &x->v[k - 1], b = m;
			} else if (m->alias == 0) {
				if (first_name == SIZE_MAX)
					first_name = k;
				else
					a = &x->v[first_name], b = m;
			}
		}
		if (a) {
			const struct schema_name *later = a, *earlier = b;
			char owner[LIMIT_NAME_BYTES + 32];
			size_t old, jl;

			if (entry_order(b, jpos, id_jpos, key_jpos) >
			    entry_order(a, jpos, id_jpos, key_jpos))
				later = b, earlier = a;
			jl = later->field >= 0 ? jpos[later->field]
			     : later->field == SCHEMA_NAME_ID ? id_jpos : key_jpos;
			if (later->alias)
				old = push(c, "fields[%zu].aliases[%u]", jl, later->alias - 1);
			else
				old = push(c, "fields[%zu].name", jl);
			if (earlier->field == later->field) {
				fail(c, "'%s' is already a name or alias of this field",
				     show(later->s, later->len).s);
			} else {
				owner_text(e, earlier, owner, sizeof(owner));
				if (later->alias == 0 && earlier->alias == 0)
					fail(c, "'%s' is already the name of %s (names are unique "
						"ignoring case)", show(later->s, later->len).s, owner);
				else
					fail(c, "'%s' is already the name or an alias of %s%s",
					     show(later->s, later->len).s, owner,
					     e->case_insensitive_headers ? " (headers ignore case)"
									 : "");
			}
			pop(c, old);
			return -1;
		}
		i = end;
	}
	return 0;
}

/* Does header equal the column name col under the entity's header rule? */
static bool same_header(const struct schema_entity *e, const char *header, const char *col)
{
	if (e->case_insensitive_headers)
		return schema_fold_cmp(header, strlen(header), col, strlen(col)) == 0;
	return strcmp(header, col) == 0;
}

static const char *const default_op_columns[] = { "OPERATION", "OC_ACTION" };

/* The operation column may not also be a field's header name. */
static int check_operation_column(struct ctx *c, const struct schema_entity *e,
				  const size_t *jpos, size_t id_jpos, size_t key_jpos)
{
	const struct schema_name *m;
	char owner[LIMIT_NAME_BYTES + 32];

	if (e->operation_column) {
		m = schema_names_find(e, e->operation_column, strlen(e->operation_column));
		if (m) {
			owner_text(e, m, owner, sizeof(owner));
			return fail_at(c, "operation_column", "'%s' is also the name or an alias "
				       "of %s", SHOW(e->operation_column), owner);
		}
		return 0;
	}
	for (size_t i = 0; i < 2; i++) {
		const char *col = default_op_columns[i];
		size_t old, j;

		m = schema_names_find(e, col, strlen(col));
		if (!m)
			continue;
		j = m->field >= 0 ? jpos[m->field] : m->field == SCHEMA_NAME_ID ? id_jpos : key_jpos;
		if (m->alias)
			old = push(c, "fields[%zu].aliases[%u]", j, m->alias - 1);
		else
			old = push(c, "fields[%zu].name", j);
		fail(c, "'%s' is the default operation column; rename it or set "
			"operation_column", col);
		pop(c, old);
		return -1;
	}
	return 0;
}

/* Is col the entity's operation column (explicit, or one of the default names)? */
static bool is_operation_column(const struct schema_entity *e, const char *col)
{
	if (e->operation_column)
		return same_header(e, col, e->operation_column);
	return same_header(e, col, default_op_columns[0]) ||
	       same_header(e, col, default_op_columns[1]);
}

/* "template": every column names a field, a built-in, an alias or the operation column. */
static int check_template(struct ctx *c, const struct schema_entity *e)
{
	/* One mark per target: fields, then id, key and the operation column. */
	unsigned char *seen = xcalloc(e->nfields + 3, 1);
	int rc = 0;

	for (size_t i = 0; i < e->ntemplate_columns && rc == 0; i++) {
		const char *col = e->template_columns[i];
		const struct schema_name *m = schema_names_find(e, col, strlen(col));
		size_t target, old = push(c, "template[%zu]", i);

		if (m)
			target = m->field >= 0 ? (size_t)m->field
			       : e->nfields + (m->field == SCHEMA_NAME_ID ? 0 : 1);
		else if (is_operation_column(e, col))
			target = e->nfields + 2;
		else
			target = SIZE_MAX;
		if (target == SIZE_MAX)
			rc = fail(c, "'%s' names no field, alias or the operation column",
				  SHOW(col));
		else if (seen[target]++)
			rc = fail(c, "'%s' names a column already in the template", SHOW(col));
		pop(c, old);
	}
	free(seen);
	return rc;
}

/* Can a field of this type identify a record? */
static bool identifier_type(enum schema_type t)
{
	return t != SCHEMA_BOOLEAN && t != SCHEMA_DECIMAL && t != SCHEMA_MULTISELECT &&
	       t != SCHEMA_REFERENCE;
}

/* Finds an identifier word: id, key or a field name (exact). */
static int ident_lookup(struct ctx *c, const struct schema_entity *e, const char *w,
			struct schema_ident *ret)
{
	long j;

	if (strcmp(w, "id") == 0) {
		*ret = (struct schema_ident){ SCHEMA_BUILTIN_ID, 0 };
		return 0;
	}
	if (strcmp(w, "key") == 0) {
		*ret = (struct schema_ident){ SCHEMA_BUILTIN_KEY, 0 };
		return 0;
	}
	j = schema_field_find(e, w);
	if (j < 0) {
		for (size_t k = 0; k < e->nfields; k++)
			if (schema_fold_cmp(e->fields[k].name, strlen(e->fields[k].name), w,
					    strlen(w)) == 0)
				return fail(c, "no field '%s' (names are case-sensitive here: "
					       "'%s')", SHOW(w), e->fields[k].name);
		return fail(c, "no field '%s'", SHOW(w));
	}
	*ret = (struct schema_ident){ SCHEMA_BUILTIN_NONE, (size_t)j };
	return 0;
}

static bool same_ident(struct schema_ident a, struct schema_ident b)
{
	return a.builtin == b.builtin && (a.builtin != SCHEMA_BUILTIN_NONE || a.field == b.field);
}

/*
 * "identifiers" (precedence order; default id, key) and "create_with" (default: every
 * identifier that is not built-in). jfields is the entity's "fields" array, to find an
 * explicit "unique": false on an identifier.
 */
static int parse_identifiers(struct ctx *c, json_t *je, json_t *jfields, struct schema_entity *e,
			     const size_t *jpos)
{
	char **words = NULL;
	size_t n = 0, old;
	int r, rc = -1;

	r = get_strings(c, je, "identifiers", e->nfields + 2, "an identifier", &words, &n);
	if (r < 0)
		return -1;
	if (r == 0) {
		e->identifiers = xcalloc(2, sizeof(*e->identifiers));
		e->identifiers[0] = (struct schema_ident){ SCHEMA_BUILTIN_ID, 0 };
		e->identifiers[1] = (struct schema_ident){ SCHEMA_BUILTIN_KEY, 0 };
		e->nidentifiers = 2;
	} else {
		if (no_repeats(c, "identifiers", words, n, false) < 0)
			goto out;
		e->identifiers = xcalloc(n, sizeof(*e->identifiers));
		for (size_t i = 0; i < n; i++) {
			struct schema_ident id;
			struct schema_field *f;
			json_t *ju;

			old = push(c, "identifiers[%zu]", i);
			r = ident_lookup(c, e, words[i], &id);
			pop(c, old);
			if (r < 0)
				goto out;
			e->identifiers[e->nidentifiers++] = id;
			if (id.builtin != SCHEMA_BUILTIN_NONE)
				continue;
			f = &e->fields[id.field];
			old = push(c, "fields[%zu]", jpos[id.field]);
			ju = get(json_array_get(jfields, jpos[id.field]), "unique");
			if (!identifier_type(f->type))
				r = fail_at(c, "type", "identifier '%s' cannot be a %s field",
					    f->name, schema_type_name(f->type));
			else if (f->default_value)
				r = fail_at(c, "default", "identifier '%s' cannot have a default",
					    f->name);
			else if (ju && json_is_false(ju))
				r = fail_at(c, "unique", "identifier '%s' is always unique",
					    f->name);
			pop(c, old);
			if (r < 0)
				goto out;
			f->unique = true;
		}
	}
	free_strings(words, n);
	words = NULL;
	n = 0;
	r = get_strings(c, je, "create_with", e->nidentifiers, "an identifier", &words, &n);
	if (r < 0)
		goto out;
	if (r == 0) {
		e->create_with = xcalloc(e->nidentifiers, sizeof(*e->create_with));
		for (size_t i = 0; i < e->nidentifiers; i++)
			if (e->identifiers[i].builtin == SCHEMA_BUILTIN_NONE)
				e->create_with[e->ncreate_with++] = e->identifiers[i];
		rc = 0;
		goto out;
	}
	if (no_repeats(c, "create_with", words, n, false) < 0)
		goto out;
	e->create_with = xcalloc(n, sizeof(*e->create_with));
	for (size_t i = 0; i < n; i++) {
		struct schema_ident id;
		bool found = false;

		old = push(c, "create_with[%zu]", i);
		r = ident_lookup(c, e, words[i], &id);
		if (r == 0 && id.builtin != SCHEMA_BUILTIN_NONE)
			r = fail(c, "'%s' is assigned by intake; a new record cannot bring it",
				 words[i]);
		for (size_t k = 0; r == 0 && k < e->nidentifiers; k++)
			found |= same_ident(id, e->identifiers[k]);
		if (r == 0 && !found)
			r = fail(c, "'%s' is not one of the identifiers", SHOW(words[i]));
		pop(c, old);
		if (r < 0)
			goto out;
		e->create_with[e->ncreate_with++] = id;
	}
	rc = 0;
out:
	free_strings(words, n);
	return rc;
}

static int parse_operations(struct ctx *c, json_t *je, struct schema_entity *e)
{
	json_t *v = get(je, "operations"), *val;
	const char *word;
	size_t old, n;

	if (!v)
		return 0;
	old = push(c, "operations");
	if (!json_is_object(v)) {
		fail(c, "expected an object mapping the file's words to operations");
		goto fail;
	}
	n = json_object_size(v);
	if (n == 0) {
		fail(c, "is empty; leave it out instead");
		goto fail;
	}
	if (n > LIMIT_SCHEMA_WORDS) {
		fail(c, "has %zu words, over the limit of %d", n, LIMIT_SCHEMA_WORDS);
		goto fail;
	}
	e->operations = xcalloc(n, sizeof(*e->operations));
	json_object_foreach(v, word, val) {
		size_t o = push(c, "%s", show(word, strlen(word)).s);
		enum schema_op op;

		if (check_text(c, word, strlen(word), "the word") < 0)
			goto fail;
		if (!json_is_string(val) || !schema_op_from_name(json_string_value(val),
								 json_string_length(val), &op)) {
			fail(c, "expected one of INSERT, UPDATE, UPSERT, UPDATEACT, DELETE, "
				"INVALIDATE, ANONYMIZE, DROP");
			goto fail;
		}
		pop(c, o);
		e->operations[e->noperations].word = xstrdup(word);
		e->operations[e->noperations++].op = op;
	}
	pop(c, old);
	return 0;
fail:
	pop(c, old);
	return -1;
}

static int parse_dialect(struct ctx *c, json_t *je, struct schema_entity *e)
{
	json_t *v = get(je, "dialect");
	const char *d = NULL;
	size_t old;
	int r;

	if (!v)
		return 0;
	old = push(c, "dialect");
	if (!json_is_object(v)) {
		fail(c, "expected an object");
		goto fail;
	}
	r = get_string(c, v, "delimiter", &d);
	if (r < 0)
		goto fail;
	if (r == 1) {
		if (strlen(d) != 1 || !strchr(",;|\t", d[0])) {
			fail_at(c, "delimiter", "expected ',', ';', '|' or a tab");
			goto fail;
		}
		e->delimiter = d[0];
	}
	if (get_bool(c, v, "header_block", &e->header_block) < 0)
		goto fail;
	pop(c, old);
	return 0;
fail:
	pop(c, old);
	return -1;
}

static const char *const unknown_names[] = { "ignore", "reject_row", "reject_file", NULL };
static const char *const duplicates_names[] = { "last_wins", "reject", NULL };
static const char *const extra_names[] = { "reject", "custom_fields", NULL };

/* The report type name: like a name, and not UNKNOWN (CONTRACT 4 keeps that one). */
static int check_type_name(struct ctx *c, const char *t)
{
	const char *why = NULL;

	if (strlen(t) == 0 || strlen(t) > LIMIT_NAME_BYTES)
		why = "must be 1 to 63 bytes";
	for (size_t i = 0; !why && t[i]; i++) {
		char ch = t[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (i > 0 && ((ch >= '0' && ch <= '9') || ch == '_'))))
			why = "follows the name rule [A-Za-z][A-Za-z0-9_]*";
	}
	if (!why && schema_fold_cmp(t, strlen(t), "UNKNOWN", 7) == 0)
		why = "is what a report calls a file of no entity";
	if (why)
		return fail_at(c, "type", "'%s' %s", SHOW(t), why);
	return 0;
}

static int parse_entity(struct ctx *c, json_t *je, struct schema_entity *e, struct ent_tmp *t)
{
	json_t *jfields, *jf;
	const char *name = NULL, *type = NULL, *why = NULL, *opcol = NULL;
	size_t n, j, id_jpos = SIZE_MAX, key_jpos = SIZE_MAX;
	int r, choice;

	if (!json_is_object(je))
		return fail(c, "expected an object");
	r = get_string(c, je, "name", &name);
	if (r < 0)
		return -1;
	if (r == 0)
		return fail_at(c, "name", "is missing");
	why = name_problem(name);
	if (why)
		return fail_at(c, "name", "'%s' %s", SHOW(name), why);
	e->name = xstrdup(name);
	r = get_string(c, je, "type", &type);
	if (r < 0)
		return -1;
	if (r == 1) {
		if (check_type_name(c, type) < 0)
			return -1;
		e->type_name = xstrdup(type);
	} else {
		e->type_name = xstrdup(name);
		for (char *p = e->type_name; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
	}
	if (get_bool(c, je, "case_insensitive_headers", &e->case_insensitive_headers) < 0)
		return -1;

	jfields = get(je, "fields");
	if (!jfields)
		return fail_at(c, "fields", "is missing");
	if (!json_is_array(jfields))
		return fail_at(c, "fields", "expected an array of fields");
	n = json_array_size(jfields);
	if (n > LIMIT_ENTITY_FIELDS + 2)
		return fail_at(c, "fields", "has %zu fields, over the limit of %d", n,
			       LIMIT_ENTITY_FIELDS);
	e->fields = xcalloc(n ? n : 1, sizeof(*e->fields));
	t->jpos = xcalloc(n ? n : 1, sizeof(*t->jpos));
	json_array_foreach(jfields, j, jf) {
		struct schema_field f;
		enum schema_builtin b;
		size_t old = push(c, "fields[%zu]", j);

		r = parse_field(c, jf, &f, &b);
		if (r == 0 && b != SCHEMA_BUILTIN_NONE) {
			size_t *seen = b == SCHEMA_BUILTIN_ID ? &id_jpos : &key_jpos;
			if (*seen != SIZE_MAX) {
				r = fail_at(c, "name", "'%s' is listed twice", f.name);
			} else {
				*seen = j;
				if (b == SCHEMA_BUILTIN_ID) {
					e->id_aliases = f.aliases;
					e->nid_aliases = f.naliases;
				} else {
					e->key_aliases = f.aliases;
					e->nkey_aliases = f.naliases;
				}
				f.aliases = NULL;
				f.naliases = 0;
			}
			free_field(&f);
		} else if (r == 0 && e->nfields == LIMIT_ENTITY_FIELDS) {
			r = fail(c, "is one field over the limit of %d", LIMIT_ENTITY_FIELDS);
			free_field(&f);
		} else if (r == 0) {
			t->jpos[e->nfields] = j;
			e->fields[e->nfields++] = f;
		} else {
			free_field(&f);
		}
		pop(c, old);
		if (r < 0)
			return -1;
	}
	schema_names_build(e);
	if (check_names(c, e, t->jpos, id_jpos, key_jpos) < 0)
		return -1;
	if (parse_identifiers(c, je, jfields, e, t->jpos) < 0)
		return -1;

	r = get_string(c, je, "operation_column", &opcol);
	if (r < 0)
		return -1;
	if (r == 1) {
		size_t old = push(c, "operation_column");
		r = check_text(c, opcol, strlen(opcol), "the column name");
		pop(c, old);
		if (r < 0)
			return -1;
		e->operation_column = xstrdup(opcol);
	}
	if (check_operation_column(c, e, t->jpos, id_jpos, key_jpos) < 0)
		return -1;
	if (parse_operations(c, je, e) < 0)
		return -1;
	r = get_choice(c, je, "unknown_columns", unknown_names, &choice);
	if (r < 0)
		return -1;
	if (r == 1)
		e->unknown_columns = (enum schema_unknown_columns)choice;
	r = get_choice(c, je, "duplicates_in_file", duplicates_names, &choice);
	if (r < 0)
		return -1;
	if (r == 1)
		e->duplicates_in_file = (enum schema_duplicates)choice;
	r = get_choice(c, je, "extra_cells", extra_names, &choice);
	if (r < 0)
		return -1;
	if (r == 1)
		e->extra_cells = (enum schema_extra_cells)choice;
	if (parse_dialect(c, je, e) < 0)
		return -1;
	if (get_strings(c, je, "template", LIMIT_COLUMNS, "a column name", &e->template_columns,
			&e->ntemplate_columns) < 0)
		return -1;
	return check_template(c, e);
}

/* ---- the whole schema ---- */

/* A reference's parent exists and "by" is one of its identifiers (default: the first one
   that is not built-in). */
static int resolve_reference(struct ctx *c, const struct schema *s, struct schema_field *f)
{
	const struct schema_entity *p = schema_entity_find(s, f->ref_entity);

	if (!p)
		return fail_at(c, "entity", "no entity '%s' in this schema", SHOW(f->ref_entity));
	if (f->ref_by) {
		for (size_t i = 0; i < p->nidentifiers; i++) {
			const struct schema_ident *id = &p->identifiers[i];
			const char *n = id->builtin == SCHEMA_BUILTIN_ID    ? "id"
					: id->builtin == SCHEMA_BUILTIN_KEY ? "key"
									    : p->fields[id->field].name;
			if (strcmp(n, f->ref_by) == 0)
				return 0;
		}
		return fail_at(c, "by", "'%s' is not an identifier of entity '%s'",
			       SHOW(f->ref_by), p->name);
	}
	for (size_t i = 0; i < p->nidentifiers; i++) {
		if (p->identifiers[i].builtin == SCHEMA_BUILTIN_NONE) {
			f->ref_by = xstrdup(p->fields[p->identifiers[i].field].name);
			return 0;
		}
	}
	return fail_at(c, "entity", "entity '%s' has no identifier besides id and key; name the "
		       "one to use in \"by\"", p->name);
}

int schema_parse(const char *json, size_t len, struct schema **ret_schema, struct err *err)
{
	struct ctx c = { .err = err };
	json_error_t jerr;
	json_t *root = NULL, *jents, *je;
	struct schema *s = NULL;
	struct ent_tmp *tmp = NULL;
	const char *preset = NULL;
	size_t n = 0, i;
	int r, rc = -1;

	*ret_schema = NULL;
	if (len > LIMIT_SCHEMA_BYTES) {
		fail(&c, "%zu bytes, over the limit of %llu", len,
		     (unsigned long long)LIMIT_SCHEMA_BYTES);
		return -1;
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		fail(&c, "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
		if (err && jerr.line > 0)
			err->line = (unsigned long long)jerr.line;
		goto out;
	}
	if (!json_is_object(root)) {
		fail(&c, "expected an object with \"entities\"");
		goto out;
	}
	s = xcalloc(1, sizeof(*s));
	r = get_string(&c, root, "preset", &preset);
	if (r < 0)
		goto out;
	if (r == 1) {
		if (!schema_preset_json(preset)) {
			fail_at(&c, "preset", "unknown preset '%s'", SHOW(preset));
			goto out;
		}
		s->preset = xstrdup(preset);
	}
	jents = get(root, "entities");
	if (!jents || !json_is_array(jents) || json_array_size(jents) == 0) {
		fail_at(&c, "entities", "expected a non-empty array of entities");
		goto out;
	}
	n = json_array_size(jents);
	if (n > LIMIT_ENTITIES) {
		fail_at(&c, "entities", "has %zu entities, over the limit of %d", n, LIMIT_ENTITIES);
		goto out;
	}
	s->entities = xcalloc(n, sizeof(*s->entities));
	tmp = xcalloc(n, sizeof(*tmp));
	json_array_foreach(jents, i, je) {
		size_t old = push(&c, "entities[%zu]", i);

		s->nentities = i + 1;
		r = parse_entity(&c, je, &s->entities[i], &tmp[i]);
		for (size_t k = 0; r == 0 && k < i; k++) {
			const struct schema_entity *a = &s->entities[k], *b = &s->entities[i];
			if (schema_fold_cmp(a->name, strlen(a->name), b->name, strlen(b->name)) == 0)
				r = fail_at(&c, "name", "'%s' is already entity %zu (names are unique "
					    "ignoring case)", b->name, k);
			else if (schema_fold_cmp(a->type_name, strlen(a->type_name), b->type_name,
						 strlen(b->type_name)) == 0)
				r = fail_at(&c, "type", "'%s' is already the type of entity '%s'",
					    b->type_name, a->name);
		}
		pop(&c, old);
		if (r < 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		struct schema_entity *e = &s->entities[i];
		for (size_t j = 0; j < e->nfields; j++) {
			size_t old;
			if (e->fields[j].type != SCHEMA_REFERENCE)
				continue;
			old = push(&c, "entities[%zu].fields[%zu]", i, tmp[i].jpos[j]);
			r = resolve_reference(&c, s, &e->fields[j]);
			pop(&c, old);
			if (r < 0)
				goto out;
		}
	}
	*ret_schema = s;
	s = NULL;
	rc = 0;
out:
	for (i = 0; tmp && i < n; i++)
		free(tmp[i].jpos);
	free(tmp);
	schema_free(s);
	json_decref(root);
	return rc;
}

void schema_free(struct schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nentities; i++)
		free_entity(&s->entities[i]);
	free(s->entities);
	free(s->preset);
	free(s);
}

int schema_field_add(struct schema *s, const char *entity, const char *field_json, size_t len,
		     struct err *err)
{
	struct ctx c = { .err = err };
	struct schema_entity *e = NULL;
	struct schema_field f = { 0 };
	enum schema_builtin b;
	json_error_t jerr;
	json_t *root = NULL;
	char **names = NULL;
	int rc = -1;

	for (size_t i = 0; s && entity && i < s->nentities; i++)
		if (strcmp(s->entities[i].name, entity) == 0)
			e = &s->entities[i];
	if (!e)
		return err_set(err, ERR_NOT_FOUND, "no entity '%s' in the schema",
			       entity ? show(entity, strlen(entity)).s : "");
	push(&c, "field");
	if (len > LIMIT_SCHEMA_BYTES) {
		fail(&c, "%zu bytes, over the limit of %llu", len,
		     (unsigned long long)LIMIT_SCHEMA_BYTES);
		return -1;
	}
	root = json_loadb(field_json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		fail(&c, "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
		return -1;
	}
	if (parse_field(&c, root, &f, &b) < 0)
		goto out;
	if (b != SCHEMA_BUILTIN_NONE) {
		fail_at(&c, "name", "'%s' is built in; it cannot be added", f.name);
		goto out;
	}
	if (e->nfields >= LIMIT_ENTITY_FIELDS) {
		fail(&c, "entity '%s' has %d fields already, the limit", e->name,
		     LIMIT_ENTITY_FIELDS);
		goto out;
	}
	for (size_t j = 0; j < e->nfields; j++) {
		if (schema_fold_cmp(e->fields[j].name, strlen(e->fields[j].name), f.name,
				    strlen(f.name)) == 0) {
			fail_at(&c, "name", "'%s' is already the name of field '%s' (names are "
				"unique ignoring case)", f.name, e->fields[j].name);
			goto out;
		}
	}
	/* The new names must match no header the entity already knows, nor each other. */
	names = xcalloc(f.naliases + 1, sizeof(*names));
	names[0] = f.name;
	for (size_t k = 0; k < f.naliases; k++)
		names[k + 1] = f.aliases[k];
	for (size_t k = 0; k <= f.naliases; k++) {
		const struct schema_name *m = schema_names_find(e, names[k], strlen(names[k]));
		size_t first, at;
		char owner[LIMIT_NAME_BYTES + 32];

		if (k > 0)
			push(&c, "aliases[%zu]", k - 1);
		else
			push(&c, "name");
		at = find_repeat(names, k + 1, e->case_insensitive_headers, &first);
		if (m) {
			owner_text(e, m, owner, sizeof(owner));
			fail(&c, "'%s' is already the name or an alias of %s", SHOW(names[k]), owner);
			goto out;
		}
		if (at == k) {
			fail(&c, "'%s' is already a name or alias of this field", SHOW(names[k]));
			goto out;
		}
		if (is_operation_column(e, names[k])) {
			fail(&c, "'%s' is the operation column", SHOW(names[k]));
			goto out;
		}
		pop(&c, 5);
	}
	if (f.type == SCHEMA_REFERENCE && resolve_reference(&c, s, &f) < 0)
		goto out;
	e->fields = xrealloc(e->fields, xmul(e->nfields + 1, sizeof(*e->fields)));
	e->fields[e->nfields++] = f;
	memset(&f, 0, sizeof(f));
	schema_names_build(e);
	rc = 0;
out:
	free(names);
	free_field(&f);
	json_decref(root);
	return rc;
}
