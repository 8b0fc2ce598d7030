/*
 * The value-parser table: every line of tests/data/values/cases.tsv (type, options, cell,
 * expected canonical text or !code) is one test case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "testlib.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "value/value.h"

struct row {
	int line;
	char *type, *opts, *cell, *expected;	/* cell and expected unescaped */
	size_t cell_len, expected_len;
	char *name;
};

/* \s space, \t \n \r \\ and \xHH; returns the length. */
static size_t unescape(char *s)
{
	size_t o = 0;

	for (size_t i = 0; s[i]; i++) {
		if (s[i] != '\\' || !s[i + 1]) {
			s[o++] = s[i];
			continue;
		}
		char c = s[++i];
		if (c == 's')
			s[o++] = ' ';
		else if (c == 't')
			s[o++] = '\t';
		else if (c == 'n')
			s[o++] = '\n';
		else if (c == 'r')
			s[o++] = '\r';
		else if (c == 'x' && s[i + 1] && s[i + 2]) {
			char hex[3] = {s[i + 1], s[i + 2], 0};
			s[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else
			s[o++] = c;
	}
	s[o] = '\0';
	return o;
}

static const char **strings(json_t *a, size_t *ret_n)
{
	const char **v;

	if (!json_is_array(a)) {
		*ret_n = 0;
		return NULL;
	}
	*ret_n = json_array_size(a);
	v = xcalloc(*ret_n + 1, sizeof(*v));
	for (size_t i = 0; i < *ret_n; i++)
		v[i] = json_string_value(json_array_get(a, i));
	return v;
}

/* Fills spec from the row's options; o (or NULL) must outlive the spec. */
static void spec_from_json(struct value_spec *spec, const char *type, json_t *o)
{
	json_t *v;

	memset(spec, 0, sizeof(*spec));
	if (!value_type_from_name(type, &spec->type))
		fail_msg("unknown type '%s'", type);
	if (!o)
		return;
	if ((v = json_object_get(o, "max_length")))
		spec->max_length = (uint32_t)json_integer_value(v);
	if ((v = json_object_get(o, "charset"))) {
		const char *c = json_string_value(v);
		spec->charset = strcmp(c, "ascii") == 0 ? VALUE_CHARSET_ASCII :
				strcmp(c, "latin1") == 0 ? VALUE_CHARSET_LATIN1 :
				strcmp(c, "gsm7") == 0 ? VALUE_CHARSET_GSM7 : VALUE_CHARSET_UTF8;
	}
	if ((v = json_object_get(o, "min"))) {
		spec->has_min = true;
		spec->min = json_number_value(v);
	}
	if ((v = json_object_get(o, "max"))) {
		spec->has_max = true;
		spec->max = json_number_value(v);
	}
	spec->options = strings(json_object_get(o, "options"), &spec->noptions);
	spec->true_words = strings(json_object_get(o, "true_words"), &spec->ntrue);
	spec->false_words = strings(json_object_get(o, "false_words"), &spec->nfalse);
	spec->formats = strings(json_object_get(o, "formats"), &spec->nformats);
	if ((v = json_object_get(o, "separator")))
		spec->separator = json_string_value(v)[0];
	if ((v = json_object_get(o, "decimal_separator")))
		spec->decimal_separator = json_string_value(v)[0];
	if ((v = json_object_get(o, "default_region")))
		snprintf(spec->default_region, sizeof(spec->default_region), "%s",
			 json_string_value(v));
	if ((v = json_object_get(o, "output"))) {
		const char *out = json_string_value(v);
		spec->output = strcmp(out, "digits") == 0 ? VALUE_PHONE_DIGITS :
			       strcmp(out, "national") == 0 ? VALUE_PHONE_NATIONAL :
							      VALUE_PHONE_E164;
	}
}

static void spec_free(struct value_spec *spec)
{
	value_spec_release(spec);
	free((void *)spec->options);
	free((void *)spec->true_words);
	free((void *)spec->false_words);
	free((void *)spec->formats);
}

static void run_row(void **state)
{
	const struct row *r = *state;
	struct value_spec spec;
	struct value v;
	struct value_error ve;
	struct arena a;
	struct err err;
	struct buf out;
	json_t *keep = NULL;
	bool ok;

	if (strcmp(r->opts, "-") != 0) {
		json_error_t jerr;
		keep = json_loads(r->opts, 0, &jerr);
		if (!keep)
			fail_msg("line %d: options: %s", r->line, jerr.text);
	}
	spec_from_json(&spec, r->type, keep);
	if (value_spec_prepare(&spec, &err) < 0)
		fail_msg("line %d: spec: %s", r->line, err.msg);
	arena_init(&a, 4096);
	buf_init(&out, 4096);
	ok = value_parse(&spec, r->cell, r->cell_len, &a, &v, &ve);
	if (r->expected[0] == '!') {
		if (ok) {
			value_format(&v, &out);
			fail_msg("line %d: want %s, got value '%s'", r->line, r->expected + 1,
				 out.ptr);
		}
		if (strcmp(err_name(ve.code), r->expected + 1) != 0)
			fail_msg("line %d: want %s, got %s (%s)", r->line, r->expected + 1,
				 err_name(ve.code), ve.msg);
		/* Every rejection says what to fix in a sentence. */
		if (strlen(ve.msg) < 20)
			fail_msg("line %d: message too short: '%s'", r->line, ve.msg);
	} else {
		if (!ok)
			fail_msg("line %d: want '%s', got %s (%s)", r->line, r->expected,
				 err_name(ve.code), ve.msg);
		value_format(&v, &out);
		if (out.len != r->expected_len || memcmp(out.ptr, r->expected, out.len) != 0)
			fail_msg("line %d: want '%s', got '%s'", r->line, r->expected, out.ptr);
	}
	buf_release(&out);
	arena_release(&a);
	spec_free(&spec);
	json_decref(keep);
}

int main(void)
{
	char path[4096], *text;
	size_t len, nrows = 0, cap = 0;
	struct row *rows = NULL;
	int line = 0, rc;

	snprintf(path, sizeof(path), "%s/values/cases.tsv", testlib_data_dir());
	text = testlib_slurp(path, &len);
	for (char *l = text, *next; l && *l; l = next) {
		char *f[4];
		int nf = 0;
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		line++;
		if (l[0] == '#' || l[0] == '\0')
			continue;
		for (char *p = l; nf < 4; nf++) {
			f[nf] = p;
			char *tab = strchr(p, '\t');
			if (!tab)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		if (nf != 3)
			fail_msg("cases.tsv line %d: want 4 tab-separated fields", line);
		if (nrows == cap) {
			cap = cap ? 2 * cap : 256;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		struct row *r = &rows[nrows++];
		r->line = line;
		r->type = f[0];
		r->opts = f[1];
		r->cell = f[2];
		r->expected = f[3];
		size_t nl = strlen(f[2]) + strlen(f[0]) + 64;
		r->name = xmalloc(nl);
		snprintf(r->name, nl, "cases.tsv:%d %s '%s'", line, f[0], f[2]);
		r->cell_len = unescape(r->cell);
		r->expected_len = unescape(r->expected);
	}
	rc = testlib_run_cases("value cases", run_row, rows, nrows, sizeof(*rows),
			       offsetof(struct row, name));
	for (size_t i = 0; i < nrows; i++)
		free(rows[i].name);
	free(rows);
	free(text);
	return rc;
}
