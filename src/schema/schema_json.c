/*
 * The canonical JSON of a schema: fixed key order, resolved defaults written out (the
 * entity's identifiers, a reference's "by"), options left at their defaults left out, so
 * that parse, write, parse gives back the same schema and the same text.
 */
#include "schema/schema.h"
#include "schema/schema_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#include "base/banned.h"

static const char *const charset_names[] = { "utf8", "ascii", "latin1", "gsm7" };
static const char *const output_names[] = { "e164", "digits", "national" };
static const char *const unknown_names[] = { "ignore", "reject_row", "reject_file" };
static const char *const duplicates_names[] = { "last_wins", "reject" };
static const char *const extra_names[] = { "reject", "custom_fields" };

static json_t *strings(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *number(double v, bool integer)
{
	if (integer)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static bool is_true_word(const struct schema_field *f, const char *w)
{
	if (!f->true_words)
		return schema_fold_cmp(w, strlen(w), "true", 4) == 0 ||
		       schema_fold_cmp(w, strlen(w), "yes", 3) == 0 ||
		       schema_fold_cmp(w, strlen(w), "1", 1) == 0;
	for (size_t i = 0; i < f->ntrue; i++)
		if (schema_fold_cmp(w, strlen(w), f->true_words[i], strlen(f->true_words[i])) == 0)
			return true;
	return false;
}

/* The default as JSON: numbers and booleans typed, everything else the cell text. */
static json_t *default_json(const struct schema_field *f)
{
	const char *d = f->default_value;

	switch (f->type) {
	case SCHEMA_INTEGER:
		return json_integer((json_int_t)strtoll(d, NULL, 10));
	case SCHEMA_DECIMAL: {
		char tmp[64];
		size_t n = strlen(d);
		if (n >= sizeof(tmp))
			n = sizeof(tmp) - 1;
		memcpy(tmp, d, n);
		tmp[n] = '\0';
		for (char *p = tmp; *p; p++)
			if (*p == f->decimal_separator)
				*p = '.';
		return json_real(strtod(tmp, NULL));
	}
	case SCHEMA_BOOLEAN:
		return json_boolean(is_true_word(f, d));
	default:
		return json_string(d);
	}
}

static json_t *field_json(const struct schema_field *f)
{
	json_t *o = json_object();
	bool integer = f->type == SCHEMA_INTEGER;
	char one[2] = { 0, 0 };

	json_object_set_new(o, "name", json_string(f->name));
	json_object_set_new(o, "type", json_string(schema_type_name(f->type)));
	if (f->max_length)
		json_object_set_new(o, "max_length", json_integer(f->max_length));
	if (f->charset != SCHEMA_CHARSET_UTF8)
		json_object_set_new(o, "charset", json_string(charset_names[f->charset]));
	if (f->has_min)
		json_object_set_new(o, "min", number(f->min, integer));
	if (f->has_max)
		json_object_set_new(o, "max", number(f->max, integer));
	if (f->options)
		json_object_set_new(o, "options", strings(f->options, f->noptions));
	if (f->type == SCHEMA_MULTISELECT && f->separator != '|') {
		one[0] = f->separator;
		json_object_set_new(o, "separator", json_string(one));
	}
	if (f->true_words)
		json_object_set_new(o, "true_words", strings(f->true_words, f->ntrue));
	if (f->false_words)
		json_object_set_new(o, "false_words", strings(f->false_words, f->nfalse));
	if (f->formats)
		json_object_set_new(o, "formats", strings(f->formats, f->nformats));
	if (f->default_region[0])
		json_object_set_new(o, "default_region", json_string(f->default_region));
	if (f->output != SCHEMA_PHONE_E164)
		json_object_set_new(o, "output", json_string(output_names[f->output]));
	if (f->type == SCHEMA_DECIMAL && f->decimal_separator != '.') {
		one[0] = f->decimal_separator;
		json_object_set_new(o, "decimal_separator", json_string(one));
	}
	if (f->ref_entity)
		json_object_set_new(o, "entity", json_string(f->ref_entity));
	if (f->ref_by)
		json_object_set_new(o, "by", json_string(f->ref_by));
	if (f->required)
		json_object_set_new(o, "required", json_true());
	if (f->default_value)
		json_object_set_new(o, "default", default_json(f));
	if (f->unique)
		json_object_set_new(o, "unique", json_true());
	if (f->immutable)
		json_object_set_new(o, "immutable", json_true());
	if (f->pii)
		json_object_set_new(o, "pii", json_true());
	if (f->aliases)
		json_object_set_new(o, "aliases", strings(f->aliases, f->naliases));
	return o;
}

static json_t *builtin_json(const char *name, char *const *aliases, size_t n)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "aliases", strings(aliases, n));
	return o;
}

static json_t *ident_json(const struct schema_entity *e, const struct schema_ident *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		const char *name = v[i].builtin == SCHEMA_BUILTIN_ID    ? "id"
				   : v[i].builtin == SCHEMA_BUILTIN_KEY ? "key"
									: e->fields[v[i].field].name;
		json_array_append_new(a, json_string(name));
	}
	return a;
}

/* Is create_with what the parser makes when it is left out? */
static bool create_with_default(const struct schema_entity *e)
{
	size_t k = 0;

	for (size_t i = 0; i < e->nidentifiers; i++) {
		if (e->identifiers[i].builtin != SCHEMA_BUILTIN_NONE)
			continue;
		if (k >= e->ncreate_with || e->create_with[k].builtin != SCHEMA_BUILTIN_NONE ||
		    e->create_with[k].field != e->identifiers[i].field)
			return false;
		k++;
	}
	return k == e->ncreate_with;
}

static json_t *entity_json(const struct schema_entity *e)
{
	json_t *o = json_object(), *fields = json_array();

	json_object_set_new(o, "name", json_string(e->name));
	if (!schema_type_is_default(e->name, e->type_name))
		json_object_set_new(o, "type", json_string(e->type_name));
	json_object_set_new(o, "identifiers", ident_json(e, e->identifiers, e->nidentifiers));
	if (!create_with_default(e))
		json_object_set_new(o, "create_with", ident_json(e, e->create_with,
								  e->ncreate_with));
	if (e->operation_column)
		json_object_set_new(o, "operation_column", json_string(e->operation_column));
	if (e->operations) {
		json_t *ops = json_object();
		for (size_t i = 0; i < e->noperations; i++)
			json_object_set_new(ops, e->operations[i].word,
					    json_string(schema_op_name(e->operations[i].op)));
		json_object_set_new(o, "operations", ops);
	}
	if (e->unknown_columns != SCHEMA_UNKNOWN_IGNORE)
		json_object_set_new(o, "unknown_columns",
				    json_string(unknown_names[e->unknown_columns]));
	if (e->duplicates_in_file != SCHEMA_DUPLICATES_LAST_WINS)
		json_object_set_new(o, "duplicates_in_file",
				    json_string(duplicates_names[e->duplicates_in_file]));
	if (e->delimiter || e->header_block) {
		json_t *d = json_object();
		if (e->delimiter) {
			char one[2] = { e->delimiter, 0 };
			json_object_set_new(d, "delimiter", json_string(one));
		}
		if (e->header_block)
			json_object_set_new(d, "header_block", json_true());
		json_object_set_new(o, "dialect", d);
	}
	if (e->case_insensitive_headers)
		json_object_set_new(o, "case_insensitive_headers", json_true());
	if (e->extra_cells != SCHEMA_EXTRA_REJECT)
		json_object_set_new(o, "extra_cells", json_string(extra_names[e->extra_cells]));
	if (e->template_columns)
		json_object_set_new(o, "template",
				    strings(e->template_columns, e->ntemplate_columns));
	if (e->id_aliases)
		json_array_append_new(fields, builtin_json("id", e->id_aliases, e->nid_aliases));
	if (e->key_aliases)
		json_array_append_new(fields, builtin_json("key", e->key_aliases,
							   e->nkey_aliases));
	for (size_t j = 0; j < e->nfields; j++)
		json_array_append_new(fields, field_json(&e->fields[j]));
	json_object_set_new(o, "fields", fields);
	return o;
}

/* The fewest significant digits that read back as v (17 always do). */
static int real_digits(double v)
{
	char tmp[40];

	for (int p = 1; p < 17; p++) {
		snprintf(tmp, sizeof(tmp), "%.*g", p, v);
		if (strtod(tmp, NULL) == v)
			return p;
	}
	return 17;
}

/* The digits the reals of a document need: 0.1 is written 0.1, not 0.10000000000000001,
   and every real still reads back exactly. */
static int json_real_digits(json_t *j)
{
	int most = 1;

	if (json_is_real(j))
		return real_digits(json_real_value(j));
	if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++) {
			int d = json_real_digits(json_array_get(j, i));
			most = d > most ? d : most;
		}
	} else if (json_is_object(j)) {
		const char *key;
		json_t *v;
		json_object_foreach(j, key, v) {
			int d = json_real_digits(v);
			most = d > most ? d : most;
		}
	}
	return most;
}

char *schema_to_json(const struct schema *s)
{
	json_t *root = json_object(), *ents = json_array();
	char *out;

	if (s->preset)
		json_object_set_new(root, "preset", json_string(s->preset));
	for (size_t i = 0; i < s->nentities; i++)
		json_array_append_new(ents, entity_json(&s->entities[i]));
	json_object_set_new(root, "entities", ents);
	out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			 JSON_REAL_PRECISION(json_real_digits(root)));
	json_decref(root);
	if (!out) {
		/* jansson fails only when it cannot allocate: the same policy as xmalloc. */
		fputs("intake: out of memory\n", stderr);
		abort();
	}
	return out;
}
