/*
 * Unit tests for src/schema: the corpus of valid and invalid schemas in tests/data/schema,
 * the round trip through schema_to_json, the limits one over, field_add, header matching
 * and the presets.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/limit.h"
#include "base/xalloc.h"
#include "schema/schema.h"
#include "schema/schema_int.h"

/* Parses text, failing the test with the message if it is not valid. */
static struct schema *parse_ok(const char *text)
{
	struct schema *s = NULL;
	struct err err;

	err_clear(&err);
	if (schema_parse(text, strlen(text), &s, &err) < 0)
		fail_msg("schema refused: %s", err.msg);
	assert_non_null(s);
	return s;
}

/* Parses text that must be refused; returns the message (static). */
static const char *parse_bad(const char *text, size_t len)
{
	static struct err err;
	struct schema *s = (struct schema *)&err; /* must be reset to NULL */

	err_clear(&err);
	if (schema_parse(text, len, &s, &err) == 0) {
		schema_free(s);
		fail_msg("schema accepted, expected an error");
	}
	assert_null(s);
	assert_int_equal(err.code, ERR_INVALID_SCHEMA);
	return err.msg;
}

#define assert_prefix(msg, prefix)                                                       \
	do {                                                                             \
		const char *m_ = (msg), *p_ = (prefix);                                  \
		if (strncmp(m_, p_, strlen(p_)) != 0)                                    \
			fail_msg("got '%s', want a message starting '%s'", m_, p_);      \
	} while (0)

/* parse -> to_json -> parse -> to_json gives the same text twice. */
static void assert_round_trip(const struct schema *s)
{
	char *a = schema_to_json(s), *b;
	struct schema *s2 = parse_ok(a);

	b = schema_to_json(s2);
	if (strcmp(a, b) != 0)
		fail_msg("round trip differs:\n%s\n---\n%s", a, b);
	free(a);
	free(b);
	schema_free(s2);
}

static char *read_data(const char *name, size_t *ret_len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/schema/%s", testlib_data_dir(), name);
	return testlib_slurp(path, ret_len);
}

/* ---- the CONTRACT 8 example, field by field ---- */

static void contract_example_parses_to_the_model(void **state)
{
	size_t len;
	char *text = read_data("ok-contract-example.json", &len);
	struct schema *s = parse_ok(text);
	const struct schema_entity *e;
	const struct schema_field *f;
	long j;

	(void)state;
	assert_int_equal(s->nentities, 1);
	assert_null(s->preset);
	e = schema_entity_find(s, "person");
	assert_non_null(e);
	assert_null(schema_entity_find(s, "Person"));
	assert_string_equal(e->type_name, "PERSON");
	assert_int_equal(e->nfields, 8); /* id and key are not fields */
	assert_int_equal(e->nidentifiers, 4);
	assert_int_equal(e->identifiers[0].builtin, SCHEMA_BUILTIN_ID);
	assert_int_equal(e->identifiers[1].builtin, SCHEMA_BUILTIN_KEY);
	assert_int_equal(e->identifiers[2].builtin, SCHEMA_BUILTIN_NONE);
	assert_string_equal(e->fields[e->identifiers[2].field].name, "external_person_id");
	assert_string_equal(e->fields[e->identifiers[3].field].name, "mdn");
	assert_int_equal(e->ncreate_with, 2);
	assert_string_equal(e->operation_column, "OPERATION");
	assert_int_equal(e->delimiter, ',');
	assert_true(e->header_block);
	assert_int_equal(e->nid_aliases, 1);
	assert_string_equal(e->id_aliases[0], "person_id");
	assert_string_equal(e->key_aliases[0], "person_key");

	j = schema_field_find(e, "mdn");
	assert_true(j >= 0);
	f = &e->fields[j];
	assert_int_equal(f->type, SCHEMA_PHONE);
	assert_true(f->unique && f->immutable);
	assert_string_equal(f->default_region, "US");
	assert_int_equal(f->output, SCHEMA_PHONE_E164);

	f = &e->fields[schema_field_find(e, "multiplier")];
	assert_int_equal(f->type, SCHEMA_INTEGER);
	assert_true(f->has_min && !f->has_max);
	assert_true(f->min == 1.0);
	assert_string_equal(f->default_value, "1");

	f = &e->fields[schema_field_find(e, "has_children")];
	assert_string_equal(f->default_value, "false");
	assert_null(f->true_words);

	f = &e->fields[schema_field_find(e, "interests")];
	assert_int_equal(f->separator, '|');
	assert_int_equal(f->noptions, 2);

	f = &e->fields[schema_field_find(e, "birth_date")];
	assert_int_equal(f->nformats, 2);
	assert_string_equal(f->formats[1], "DD/MM/YYYY");
	assert_true(f->pii);

	f = &e->fields[schema_field_find(e, "parent")];
	assert_int_equal(f->type, SCHEMA_REFERENCE);
	assert_string_equal(f->ref_entity, "person");
	assert_string_equal(f->ref_by, "external_person_id");

	/* An identifier is unique even where the file does not say so. */
	f = &e->fields[schema_field_find(e, "external_person_id")];
	assert_true(f->unique);
	assert_int_equal(schema_field_find(e, "nothing"), -1);

	assert_round_trip(s);
	schema_free(s);
	free(text);
}

/* ---- defaults the parser fills in ---- */

static void defaults_are_resolved(void **state)
{
	struct schema *s = parse_ok(
		"{\"entities\": ["
		"{\"name\": \"household\", \"identifiers\": [\"code\"],"
		" \"fields\": [{\"name\": \"code\"}]},"
		"{\"name\": \"member\", \"fields\": ["
		" {\"name\": \"home\", \"type\": \"reference\", \"entity\": \"household\"},"
		" {\"name\": \"tags\", \"type\": \"multiselect\", \"options\": [\"a\", \"b\"],"
		"  \"default\": [\"b\", \"a\"]},"
		" {\"name\": \"ok\", \"type\": \"boolean\", \"true_words\": [\"X\"],"
		"  \"false_words\": [\"N\"], \"default\": true},"
		" {\"name\": \"rate\", \"type\": \"decimal\", \"decimal_separator\": \",\","
		"  \"default\": 1.5}]}]}");
	const struct schema_entity *h = schema_entity_find(s, "household");
	const struct schema_entity *m = schema_entity_find(s, "member");

	(void)state;
	assert_int_equal(h->fields[0].type, SCHEMA_TEXT); /* no "type": text */
	assert_true(h->fields[0].unique);
	assert_int_equal(h->ncreate_with, 1);		/* default: non-built-in identifiers */
	assert_int_equal(m->nidentifiers, 2);		/* default: id, key */
	assert_int_equal(m->identifiers[0].builtin, SCHEMA_BUILTIN_ID);
	assert_int_equal(m->identifiers[1].builtin, SCHEMA_BUILTIN_KEY);
	assert_int_equal(m->ncreate_with, 0);
	assert_string_equal(m->type_name, "MEMBER");
	assert_string_equal(m->fields[0].ref_by, "code"); /* the parent's first identifier */
	assert_string_equal(m->fields[1].default_value, "b|a");
	assert_string_equal(m->fields[2].default_value, "X");
	assert_string_equal(m->fields[3].default_value, "1,5");
	assert_int_equal(m->unknown_columns, SCHEMA_UNKNOWN_IGNORE);
	assert_int_equal(m->duplicates_in_file, SCHEMA_DUPLICATES_LAST_WINS);
	assert_int_equal(m->extra_cells, SCHEMA_EXTRA_REJECT);
	assert_int_equal(m->delimiter, 0);
	assert_null(m->operation_column);
	assert_round_trip(s);
	schema_free(s);
}

/* 2026-11-23: decimal bounds were written with 17 digits (0.1 as 0.10000000000000001);
   each document now uses the fewest digits that read every real back exactly. */
static void decimals_are_written_short_and_exact(void **state)
{
	static const struct {
		const char *min, *max, *want_min, *want_max;
	} cases[] = {
		{ "0.1", "99.95", "\"min\": 0.1,", "\"max\": 99.95" },
		{ "-2.5", "1e-07", "\"min\": -2.5,", "\"max\": 1e-7" },
		{ "0.3333333333333333", "1.5", "\"min\": 0.3333333333333333,", "\"max\": 1.5" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];
		struct schema *s;
		char *out;

		snprintf(text, sizeof(text),
			 "{\"entities\": [{\"name\": \"p\", \"identifiers\": [\"ref\"],"
			 " \"fields\": [{\"name\": \"ref\"}, {\"name\": \"amount\","
			 " \"type\": \"decimal\", \"min\": %s, \"max\": %s}]}]}",
			 cases[i].min, cases[i].max);
		s = parse_ok(text);
		out = schema_to_json(s);
		if (!strstr(out, cases[i].want_min) || !strstr(out, cases[i].want_max))
			fail_msg("case %zu: want %s and %s in:\n%s", i, cases[i].want_min,
				 cases[i].want_max, out);
		assert_round_trip(s);
		free(out);
		schema_free(s);
	}
}

/* ---- the corpus: tests/data/schema/expected.txt names every file and its outcome ---- */

static bool listed(char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static void corpus_gives_the_expected_outcomes(void **state)
{
	size_t len, nnames = 0, cap = 0, nok = 0, nbad = 0;
	char *index = read_data("expected.txt", &len), *line, *save = NULL;
	char **names = NULL, dir[4096];
	struct dirent *de;
	DIR *d;

	(void)state;
	for (line = strtok_r(index, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *name = line, *rest, *code, *prefix, *text;
		size_t n;

		if (*line == '#' || *line == '\0')
			continue;
		rest = name + strcspn(name, " ");
		if (*rest)
			*rest++ = '\0';
		rest += strspn(rest, " ");
		XGROW(names, cap, nnames + 1);
		names[nnames++] = name;
		text = read_data(name, &n);
		if (strcmp(rest, "ok") == 0) {
			struct schema *s = NULL;
			struct err err;
			if (schema_parse(text, n, &s, &err) < 0)
				fail_msg("%s: refused: %s", name, err.msg);
			assert_round_trip(s);
			schema_free(s);
			nok++;
		} else {
			struct schema *s = NULL;
			struct err err;
			enum err_code want;
			code = rest;
			prefix = code + strcspn(code, " ");
			if (*prefix)
				*prefix++ = '\0';
			if (!err_code_from_name(code, &want))
				fail_msg("%s: unknown code '%s' in expected.txt", name, code);
			if (schema_parse(text, n, &s, &err) == 0) {
				schema_free(s);
				fail_msg("%s: accepted, expected %s", name, code);
			}
			if (err.code != want || strncmp(err.msg, prefix, strlen(prefix)) != 0)
				fail_msg("%s: got %s '%s', want %s '%s...'", name, err_name(err.code),
					 err.msg, code, prefix);
			nbad++;
		}
		free(text);
	}
	/* Every file of the folder is listed, so none is silently left out. */
	snprintf(dir, sizeof(dir), "%s/schema", testlib_data_dir());
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t k = strlen(de->d_name);
		if (k > 5 && strcmp(de->d_name + k - 5, ".json") == 0 && !listed(names, nnames, de->d_name))
			fail_msg("%s is not in expected.txt", de->d_name);
	}
	closedir(d);
	assert_true(nok >= 10);
	assert_true(nbad >= 100);
	free(names);
	free(index);
}

/* ---- header matching ---- */

static void headers_match_names_and_aliases(void **state)
{
	size_t len;
	char *text = read_data("ok-contract-example.json", &len);
	struct schema *s = parse_ok(text);
	const struct schema_entity *e = &s->entities[0];
	long j = 99;

	(void)state;
	assert_int_equal(schema_header_match(e, "mdn", 3, &j), SCHEMA_BUILTIN_NONE);
	assert_string_equal(e->fields[j].name, "mdn");
	assert_int_equal(schema_header_match(e, "parent_code", 11, &j), SCHEMA_BUILTIN_NONE);
	assert_string_equal(e->fields[j].name, "parent");
	assert_int_equal(schema_header_match(e, "person_id", 9, &j), SCHEMA_BUILTIN_ID);
	assert_int_equal(j, -1);
	assert_int_equal(schema_header_match(e, "id", 2, &j), SCHEMA_BUILTIN_ID);
	assert_int_equal(schema_header_match(e, "person_key", 10, &j), SCHEMA_BUILTIN_KEY);
	assert_int_equal(schema_header_match(e, "key", 3, &j), SCHEMA_BUILTIN_KEY);
	/* Exact case by default; not NUL-terminated input; prefixes do not match. */
	assert_int_equal(schema_header_match(e, "MDN", 3, &j), SCHEMA_BUILTIN_NONE);
	assert_int_equal(j, -1);
	assert_int_equal(schema_header_match(e, "mdnX", 3, &j), SCHEMA_BUILTIN_NONE);
	assert_string_equal(e->fields[j].name, "mdn");
	assert_int_equal(schema_header_match(e, "md", 2, &j), SCHEMA_BUILTIN_NONE);
	assert_int_equal(j, -1);
	assert_int_equal(schema_header_match(e, "ID", 2, &j), SCHEMA_BUILTIN_NONE);
	assert_int_equal(schema_header_match(e, "state", 5, &j), SCHEMA_BUILTIN_NONE);
	assert_int_equal(j, -1);
	assert_int_equal(schema_header_match(e, "", 0, NULL), SCHEMA_BUILTIN_NONE);
	schema_free(s);
	free(text);
}

static void headers_match_ignoring_case_when_asked(void **state)
{
	struct schema *s = parse_ok(
		"{\"entities\": [{\"name\": \"p\", \"case_insensitive_headers\": true,"
		" \"fields\": [{\"name\": \"id\", \"aliases\": [\"Person_ID\"]},"
		" {\"name\": \"Phone\", \"type\": \"phone\", \"aliases\": [\"Mobile Nr\"]},"
		" {\"name\": \"phone2\", \"type\": \"phone\"}]}]}");
	const struct schema_entity *e = &s->entities[0];
	long j;

	(void)state;
	assert_int_equal(schema_header_match(e, "PHONE", 5, &j), SCHEMA_BUILTIN_NONE);
	assert_int_equal(j, 0);
	assert_int_equal(schema_header_match(e, "mobile NR", 9, &j), SCHEMA_BUILTIN_NONE);
	assert_int_equal(j, 0);
	assert_int_equal(schema_header_match(e, "Phone2", 6, &j), SCHEMA_BUILTIN_NONE);
	assert_int_equal(j, 1);
	assert_int_equal(schema_header_match(e, "person_id", 9, &j), SCHEMA_BUILTIN_ID);
	assert_int_equal(schema_header_match(e, "KEY", 3, &j), SCHEMA_BUILTIN_KEY);
	assert_int_equal(schema_header_match(e, "Mobile", 6, &j), SCHEMA_BUILTIN_NONE);
	assert_int_equal(j, -1);
	schema_free(s);
}

/* Many fields: every name and alias is found, through the sorted index. */
static void headers_match_in_a_wide_entity(void **state)
{
	struct buf b;
	struct schema *s;
	const struct schema_entity *e;
	char name[32];
	long j;

	(void)state;
	buf_init(&b, LIMIT_SCHEMA_BYTES);
	buf_adds(&b, "{\"entities\": [{\"name\": \"wide\", \"fields\": [");
	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "%s{\"name\": \"f%d\", \"aliases\": [\"F %d\", \"col_%d\"]}",
			 i ? "," : "", i, 999 - i, i);
	buf_adds(&b, "]}]}");
	assert_false(b.failed);
	s = parse_ok(b.ptr);
	e = &s->entities[0];
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(name, sizeof(name), "F %d", i);
		assert_int_equal(schema_header_match(e, name, (size_t)n, &j), SCHEMA_BUILTIN_NONE);
		assert_int_equal(j, 999 - i);
		n = snprintf(name, sizeof(name), "col_%d", i);
		assert_int_equal(schema_header_match(e, name, (size_t)n, &j), SCHEMA_BUILTIN_NONE);
		assert_int_equal(j, i);
	}
	schema_free(s);
	buf_release(&b);
}

/* ---- field_add ---- */

static const char *field_add_bad(struct schema *s, const char *entity, const char *json,
				 enum err_code code)
{
	static struct err err;
	size_t before = schema_entity_find(s, "person")->nfields;

	err_clear(&err);
	assert_int_equal(schema_field_add(s, entity, json, strlen(json), &err), -1);
	assert_int_equal(err.code, code);
	assert_int_equal(schema_entity_find(s, "person")->nfields, before);
	return err.msg;
}

static void field_add_adds_and_refuses(void **state)
{
	size_t len;
	char *text = read_data("ok-contract-example.json", &len);
	struct schema *s = parse_ok(text);
	const struct schema_entity *e;
	struct err err;
	const char *js;
	long j;

	(void)state;
	js = "{\"name\": \"household_size\", \"type\": \"integer\", \"min\": 1, "
	     "\"aliases\": [\"Household size\"]}";
	assert_int_equal(schema_field_add(s, "person", js, strlen(js), &err), 0);
	e = schema_entity_find(s, "person");
	assert_int_equal(e->nfields, 9);
	assert_int_equal(schema_field_find(e, "household_size"), 8);
	assert_int_equal(schema_header_match(e, "Household size", 14, &j), SCHEMA_BUILTIN_NONE);
	assert_int_equal(j, 8);
	/* The new field survives the round trip. */
	assert_round_trip(s);

	assert_prefix(field_add_bad(s, "person", "{\"name\": \"MDN\", \"type\": \"text\"}",
				    ERR_INVALID_SCHEMA),
		      "field.name: 'MDN' is already the name of field 'mdn'");
	assert_prefix(field_add_bad(s, "person", "{\"name\": \"x\", \"type\": \"strin\"}",
				    ERR_INVALID_SCHEMA),
		      "field.type: unknown type 'strin'");
	assert_prefix(field_add_bad(s, "person", "{\"name\": \"x\", \"aliases\": [\"person_id\"]}",
				    ERR_INVALID_SCHEMA),
		      "field.aliases[0]: 'person_id' is already the name or an alias of the "
		      "built-in 'id'");
	assert_prefix(field_add_bad(s, "person", "{\"name\": \"x\", \"aliases\": [\"parent_code\"]}",
				    ERR_INVALID_SCHEMA),
		      "field.aliases[0]: 'parent_code' is already the name or an alias of field "
		      "'parent'");
	assert_prefix(field_add_bad(s, "person", "{\"name\": \"x\", \"aliases\": [\"y\", \"y\"]}",
				    ERR_INVALID_SCHEMA),
		      "field.aliases[1]: 'y' is already a name or alias of this field");
	assert_prefix(field_add_bad(s, "person", "{\"name\": \"state\"}", ERR_INVALID_SCHEMA),
		      "field.name: 'state' is reserved");
	assert_prefix(field_add_bad(s, "person", "{\"name\": \"id\", \"aliases\": [\"x\"]}",
				    ERR_INVALID_SCHEMA),
		      "field.name: 'id' is built in");
	assert_prefix(field_add_bad(s, "person", "{\"name\": \"OPERATION\"}", ERR_INVALID_SCHEMA),
		      "field.name: 'OPERATION' is the operation column");
	assert_prefix(field_add_bad(s, "person", "{\"name\": \"up\", \"type\": \"reference\","
				    " \"entity\": \"nobody\"}", ERR_INVALID_SCHEMA),
		      "field.entity: no entity 'nobody'");
	assert_prefix(field_add_bad(s, "person", "{\"name\": ", ERR_INVALID_SCHEMA),
		      "field: line 1");
	assert_prefix(field_add_bad(s, "person", "[]", ERR_INVALID_SCHEMA),
		      "field: expected an object");
	field_add_bad(s, "people", "{\"name\": \"x\"}", ERR_NOT_FOUND);

	/* A reference to the entity itself, "by" resolved. */
	js = "{\"name\": \"sponsor\", \"type\": \"reference\", \"entity\": \"person\"}";
	assert_int_equal(schema_field_add(s, "person", js, strlen(js), &err), 0);
	e = schema_entity_find(s, "person");
	assert_string_equal(e->fields[9].ref_by, "external_person_id");
	schema_free(s);
	free(text);
}

static void field_add_stops_at_the_field_limit(void **state)
{
	struct buf b;
	struct schema *s;
	struct err err;
	const char *js = "{\"name\": \"one_more\"}";

	(void)state;
	buf_init(&b, LIMIT_SCHEMA_BYTES);
	buf_adds(&b, "{\"entities\": [{\"name\": \"person\", \"fields\": [");
	for (int i = 0; i < LIMIT_ENTITY_FIELDS - 1; i++)
		buf_addf(&b, "%s{\"name\": \"f%d\"}", i ? "," : "", i);
	buf_adds(&b, "]}]}");
	s = parse_ok(b.ptr);
	assert_int_equal(schema_field_add(s, "person", js, strlen(js), &err), 0);
	assert_int_equal(s->entities[0].nfields, LIMIT_ENTITY_FIELDS);
	js = "{\"name\": \"two_more\"}";
	assert_int_equal(schema_field_add(s, "person", js, strlen(js), &err), -1);
	assert_prefix(err.msg, "field: entity 'person' has 1500 fields already");
	schema_free(s);
	buf_release(&b);
}

/* ---- limits: at the limit and one over ---- */

/* A schema of one entity with n text fields f0, f1... */
static char *wide_schema(int n)
{
	struct buf b;

	buf_init(&b, 2 * LIMIT_SCHEMA_BYTES);
	buf_adds(&b, "{\"entities\": [{\"name\": \"e\", \"fields\": [");
	for (int i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, ',');
		buf_addf(&b, "{\"name\": \"f%d\"}", i);
	}
	buf_adds(&b, "]}]}");
	assert_false(b.failed);
	return buf_detach(&b, NULL);
}

static void limit_fields_per_entity(void **state)
{
	char *ok = wide_schema(LIMIT_ENTITY_FIELDS);
	char *over = wide_schema(LIMIT_ENTITY_FIELDS + 1);
	struct schema *s = parse_ok(ok);

	(void)state;
	assert_int_equal(s->entities[0].nfields, LIMIT_ENTITY_FIELDS);
	schema_free(s);
	assert_prefix(parse_bad(over, strlen(over)),
		      "entities[0].fields[1500]: is one field over the limit of 1500");
	free(ok);
	free(over);
}

static void limit_name_bytes(void **state)
{
	char name[LIMIT_NAME_BYTES + 2], js[256];
	struct schema *s;

	(void)state;
	memset(name, 'a', sizeof(name));
	name[LIMIT_NAME_BYTES] = '\0';
	snprintf(js, sizeof(js), "{\"entities\": [{\"name\": \"%s\", \"fields\": [{\"name\": \"%s\"}]}]}",
		 name, name);
	s = parse_ok(js);
	assert_int_equal(strlen(s->entities[0].fields[0].name), LIMIT_NAME_BYTES);
	assert_true(schema_name_valid(name));
	schema_free(s);
	name[LIMIT_NAME_BYTES] = 'a';
	name[LIMIT_NAME_BYTES + 1] = '\0';
	assert_false(schema_name_valid(name));
	snprintf(js, sizeof(js), "{\"entities\": [{\"name\": \"e\", \"fields\": [{\"name\": \"%s\"}]}]}",
		 name);
	assert_prefix(parse_bad(js, strlen(js)), "entities[0].fields[0].name: 'aaaa");
	snprintf(js, sizeof(js), "{\"entities\": [{\"name\": \"%s\", \"fields\": []}]}", name);
	assert_prefix(parse_bad(js, strlen(js)), "entities[0].name: 'aaaa");
}

static void limit_schema_bytes(void **state)
{
	/* A valid document padded with spaces to exactly the limit, then one byte more. */
	const char *doc = "{\"entities\": [{\"name\": \"e\", \"fields\": []}]}";
	size_t n = LIMIT_SCHEMA_BYTES;
	char *big = xmalloc(n + 2);
	struct schema *s = NULL;
	struct err err;

	(void)state;
	memset(big, ' ', n + 1);
	memcpy(big, doc, strlen(doc));
	big[n + 1] = '\0';
	assert_int_equal(schema_parse(big, n, &s, &err), 0);
	schema_free(s);
	assert_prefix(parse_bad(big, n + 1), "schema: 4194305 bytes, over the limit of 4194304");
	free(big);
}

static void limit_entities(void **state)
{
	struct buf b;
	struct schema *s;

	(void)state;
	buf_init(&b, LIMIT_SCHEMA_BYTES);
	buf_adds(&b, "{\"entities\": [");
	for (int i = 0; i < LIMIT_ENTITIES; i++)
		buf_addf(&b, "%s{\"name\": \"e%d\", \"fields\": []}", i ? "," : "", i);
	buf_adds(&b, "]}");
	s = parse_ok(b.ptr);
	assert_int_equal(s->nentities, LIMIT_ENTITIES);
	schema_free(s);
	buf_truncate(&b, b.len - 2);
	buf_adds(&b, ",{\"name\": \"one_more\", \"fields\": []}]}");
	assert_prefix(parse_bad(b.ptr, b.len), "entities: has 65 entities, over the limit of 64");
	buf_release(&b);
}

/* A list key of n items "w0", "w1"... (w the letter given) on one field. */
static char *list_schema(const char *field_start, const char *key, int n, char letter)
{
	struct buf b;

	buf_init(&b, LIMIT_SCHEMA_BYTES);
	buf_addf(&b, "{\"entities\": [{\"name\": \"e\", \"fields\": [{%s, \"%s\": [", field_start, key);
	for (int i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, ',');
		buf_addf(&b, "\"%c%d\"", letter, i);
	}
	buf_adds(&b, "]}]}]}");
	assert_false(b.failed);
	return buf_detach(&b, NULL);
}

static void limit_lists(void **state)
{
	static const struct {
		const char *field, *key;
		char item;
		int limit;
		const char *over;
	} cases[] = {
		{ "\"name\": \"f\"", "aliases", 'a', LIMIT_ALIASES,
		  "entities[0].fields[0].aliases: has 33 items, over the limit of 32" },
		{ "\"name\": \"f\", \"type\": \"select\"", "options", 'o', LIMIT_OPTIONS,
		  "entities[0].fields[0].options: has 10001 items, over the limit of 10000" },
		{ "\"name\": \"f\", \"type\": \"boolean\", \"false_words\": [\"nope\"]", "true_words",
		  't', LIMIT_SCHEMA_WORDS,
		  "entities[0].fields[0].true_words: has 65 items, over the limit of 64" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *ok = list_schema(cases[i].field, cases[i].key, cases[i].limit, cases[i].item);
		char *over = list_schema(cases[i].field, cases[i].key, cases[i].limit + 1,
					 cases[i].item);
		struct schema *s = parse_ok(ok);
		schema_free(s);
		assert_prefix(parse_bad(over, strlen(over)), cases[i].over);
		free(ok);
		free(over);
	}
}

static void limit_string_bytes(void **state)
{
	char *alias = xmalloc(LIMIT_SCHEMA_STRING_BYTES + 2);
	char js[LIMIT_SCHEMA_STRING_BYTES + 200];
	struct schema *s;

	(void)state;
	memset(alias, 'x', LIMIT_SCHEMA_STRING_BYTES + 1);
	alias[LIMIT_SCHEMA_STRING_BYTES] = '\0';
	snprintf(js, sizeof(js), "{\"entities\": [{\"name\": \"e\", \"fields\": "
		 "[{\"name\": \"f\", \"aliases\": [\"%s\"]}]}]}", alias);
	s = parse_ok(js);
	schema_free(s);
	alias[LIMIT_SCHEMA_STRING_BYTES] = 'x';
	alias[LIMIT_SCHEMA_STRING_BYTES + 1] = '\0';
	snprintf(js, sizeof(js), "{\"entities\": [{\"name\": \"e\", \"fields\": "
		 "[{\"name\": \"f\", \"aliases\": [\"%s\"]}]}]}", alias);
	assert_prefix(parse_bad(js, strlen(js)),
		      "entities[0].fields[0].aliases[0]: an alias is longer than 1024 bytes");
	free(alias);
}

/* ---- names, types, operations ---- */

static void names_follow_the_rule(void **state)
{
	(void)state;
	assert_true(schema_name_valid("a"));
	assert_true(schema_name_valid("OC_PARENT_UA_CODE"));
	assert_true(schema_name_valid("phoneNumber2"));
	assert_true(schema_name_valid("status"));
	assert_true(schema_name_valid("identity"));
	assert_false(schema_name_valid(""));
	assert_false(schema_name_valid("_a"));
	assert_false(schema_name_valid("1a"));
	assert_false(schema_name_valid("a-b"));
	assert_false(schema_name_valid("a b"));
	assert_false(schema_name_valid("\xc3\xa9t\xc3\xa9"));
	assert_false(schema_name_valid("id"));
	assert_false(schema_name_valid("Key"));
	assert_false(schema_name_valid("STATE"));
	assert_false(schema_name_valid("created_at"));
	assert_false(schema_name_valid("updated_at"));
	assert_false(schema_name_valid("created_job"));
	assert_false(schema_name_valid("rowid"));
	assert_false(schema_name_valid("xmin"));
	assert_false(schema_name_valid("intake_line"));
	assert_false(schema_name_valid("INTAKE_x"));
	assert_false(schema_name_valid("sqlite_master"));
	assert_false(schema_name_valid(NULL));
}

static void type_and_operation_names(void **state)
{
	enum schema_type t;
	enum schema_op op;

	(void)state;
	for (int i = SCHEMA_TEXT; i <= SCHEMA_REFERENCE; i++) {
		assert_true(schema_type_from_name(schema_type_name((enum schema_type)i), &t));
		assert_int_equal(t, i);
	}
	assert_string_equal(schema_type_name(SCHEMA_MULTISELECT), "multiselect");
	assert_false(schema_type_from_name("Text", &t));
	for (int i = SCHEMA_OP_INSERT; i <= SCHEMA_OP_DROP; i++) {
		const char *n = schema_op_name((enum schema_op)i);
		assert_true(schema_op_from_name(n, strlen(n), &op));
		assert_int_equal(op, i);
	}
	assert_string_equal(schema_op_name(SCHEMA_OP_UPDATEACT), "UPDATEACT");
	assert_string_equal(schema_op_name(SCHEMA_OP_NONE), "");
	assert_false(schema_op_from_name("insert", 6, &op));
	assert_false(schema_op_from_name("INSERTX", 7, &op));
	assert_false(schema_op_from_name("INSERTX", 5, &op));
	assert_true(schema_op_from_name("INSERTX", 6, &op));
	assert_false(schema_op_from_name("", 0, &op));
}

/* ---- presets ---- */

static void presets_parse_and_round_trip(void **state)
{
	static const char *const names[] = { "121", "opencell", "ticketshop", "vibes" };
	size_t n = 0;

	(void)state;
	while (schema_preset_name(n))
		n++;
	assert_int_equal(n, 4);
	for (size_t i = 0; i < 4; i++) {
		const char *js = schema_preset_json(names[i]);
		struct schema *s;

		assert_non_null(js);
		s = parse_ok(js);
		assert_string_equal(s->preset, names[i]);
		assert_round_trip(s);
		schema_free(s);
	}
	assert_null(schema_preset_json("121x"));
	assert_null(schema_preset_json(NULL));
}

static void preset_121_registration(void **state)
{
	struct schema *s = parse_ok(schema_preset_json("121"));
	const struct schema_entity *e = schema_entity_find(s, "registration");
	const struct schema_field *f;

	(void)state;
	assert_non_null(e);
	assert_string_equal(e->type_name, "REGISTRATION");
	assert_int_equal(e->nidentifiers, 1);
	assert_string_equal(e->fields[e->identifiers[0].field].name, "referenceId");
	assert_int_equal(e->duplicates_in_file, SCHEMA_DUPLICATES_REJECT);
	f = &e->fields[schema_field_find(e, "phoneNumber")];
	assert_int_equal(f->type, SCHEMA_PHONE);
	assert_int_equal(f->output, SCHEMA_PHONE_DIGITS);
	assert_true(f->required);
	f = &e->fields[schema_field_find(e, "preferredLanguage")];
	assert_int_equal(f->type, SCHEMA_SELECT);
	f = &e->fields[schema_field_find(e, "paymentAmountMultiplier")];
	assert_int_equal(f->type, SCHEMA_INTEGER);
	assert_true(f->has_min && f->min == 1);
	f = &e->fields[schema_field_find(e, "maxPayments")];
	assert_true(f->has_min && f->min == 1);
	assert_true(schema_field_find(e, "fullName") >= 0);
	assert_true(schema_field_find(e, "status") >= 0);
	assert_true(schema_field_find(e, "scope") >= 0);
	schema_free(s);
}

static void preset_vibes_person(void **state)
{
	struct schema *s = parse_ok(schema_preset_json("vibes"));
	const struct schema_entity *e = schema_entity_find(s, "person");
	long j;

	(void)state;
	assert_string_equal(e->type_name, "PERSON");
	assert_true(e->header_block);
	assert_int_equal(e->nidentifiers, 4);
	assert_int_equal(e->identifiers[0].builtin, SCHEMA_BUILTIN_ID);
	assert_int_equal(e->identifiers[1].builtin, SCHEMA_BUILTIN_KEY);
	assert_string_equal(e->fields[e->identifiers[2].field].name, "external_person_id");
	assert_string_equal(e->fields[e->identifiers[3].field].name, "mdn");
	assert_int_equal(e->ncreate_with, 2);
	assert_int_equal(schema_header_match(e, "person_id", 9, &j), SCHEMA_BUILTIN_ID);
	assert_int_equal(schema_header_match(e, "person_key", 10, &j), SCHEMA_BUILTIN_KEY);
	assert_int_equal(e->unknown_columns, SCHEMA_UNKNOWN_REJECT_ROW);
	schema_free(s);
}

static void preset_ticketshop_contact(void **state)
{
	struct schema *s = parse_ok(schema_preset_json("ticketshop"));
	const struct schema_entity *e = schema_entity_find(s, "contact");
	static const char *const cols[] = { "INSTIT", "ORGANIZATION", "CONTACT_CODE", "FIRSTNAME",
					    "LASTNAME", "EMAIL", "PHONE", "BIRTHDATE" };
	long j;

	(void)state;
	assert_non_null(e);
	assert_string_equal(e->operation_column, "OPERATION");
	assert_string_equal(e->fields[e->identifiers[0].field].name, "CONTACT_CODE");
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		assert_int_equal(schema_header_match(e, cols[i], strlen(cols[i]), &j),
				 SCHEMA_BUILTIN_NONE);
		assert_true(j >= 0);
	}
	assert_int_equal(schema_header_match(e, "CONTACT_NR", 10, &j), SCHEMA_BUILTIN_NONE);
	assert_string_equal(e->fields[j].name, "CONTACT_CODE");
	assert_string_equal(e->template_columns[2], "OPERATION");
	schema_free(s);
}

static void preset_opencell_hierarchy(void **state)
{
	struct schema *s = parse_ok(schema_preset_json("opencell"));
	static const char *const ents[] = { "customer", "customer_account", "payment_method",
					    "billing_account", "user_account" };
	const struct schema_entity *e;
	const struct schema_field *f;
	long j;

	(void)state;
	for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		e = schema_entity_find(s, ents[i]);
		assert_non_null(e);
		assert_int_equal(e->delimiter, ';');
		assert_int_equal(e->extra_cells, SCHEMA_EXTRA_CUSTOM_FIELDS);
		assert_string_equal(e->operation_column, "OC_ACTION");
		assert_string_equal(e->template_columns[0], "OC_ENTITY");
		assert_string_equal(e->template_columns[1], "OC_ACTION");
		assert_true(e->noperations >= 3);
		assert_string_equal(e->operations[0].word, "CREATE");
		assert_int_equal(e->operations[0].op, SCHEMA_OP_INSERT);
	}
	e = schema_entity_find(s, "user_account");
	assert_string_equal(e->type_name, "USER_ACCOUNT");
	f = &e->fields[schema_field_find(e, "OC_PARENT_UA_CODE")];
	assert_int_equal(f->type, SCHEMA_REFERENCE);
	assert_string_equal(f->ref_entity, "user_account");
	assert_string_equal(f->ref_by, "OC_USERACCOUNT_CODE");
	/* The template's real header, with its space, maps to the field. */
	assert_int_equal(schema_header_match(e, "OC_USERACCOUNT_ DESCRIPTION", 27, &j),
			 SCHEMA_BUILTIN_NONE);
	assert_string_equal(e->fields[j].name, "OC_USERACCOUNT_DESCRIPTION");
	f = &e->fields[schema_field_find(e, "OC_BILLINGACCOUNT_CODE")];
	assert_string_equal(f->ref_entity, "billing_account");
	e = schema_entity_find(s, "payment_method");
	assert_int_equal(e->identifiers[0].builtin, SCHEMA_BUILTIN_ID);
	assert_int_equal(e->ncreate_with, 0);
	schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(contract_example_parses_to_the_model),
		cmocka_unit_test(corpus_gives_the_expected_outcomes),
		cmocka_unit_test(defaults_are_resolved),
		cmocka_unit_test(headers_match_names_and_aliases),
		cmocka_unit_test(headers_match_ignoring_case_when_asked),
		cmocka_unit_test(headers_match_in_a_wide_entity),
		cmocka_unit_test(field_add_adds_and_refuses),
		cmocka_unit_test(field_add_stops_at_the_field_limit),
		cmocka_unit_test(limit_fields_per_entity),
		cmocka_unit_test(limit_name_bytes),
		cmocka_unit_test(limit_schema_bytes),
		cmocka_unit_test(limit_entities),
		cmocka_unit_test(limit_lists),
		cmocka_unit_test(limit_string_bytes),
		cmocka_unit_test(names_follow_the_rule),
		cmocka_unit_test(type_and_operation_names),
		cmocka_unit_test(presets_parse_and_round_trip),
		cmocka_unit_test(decimals_are_written_short_and_exact),
		cmocka_unit_test(preset_121_registration),
		cmocka_unit_test(preset_vibes_person),
		cmocka_unit_test(preset_ticketshop_contact),
		cmocka_unit_test(preset_opencell_hierarchy),
	};

	return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
