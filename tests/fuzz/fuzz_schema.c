/*
 * libFuzzer target for src/schema: any bytes either fail with invalid_schema or give a
 * schema whose canonical JSON parses back to the same text, whose names follow the name
 * rule and whose every header name finds its own field. The same bytes are also tried as
 * a field added to a small fixed schema.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "schema/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] =
	"{\"entities\": [{\"name\": \"person\", \"identifiers\": [\"code\"], \"fields\": ["
	"{\"name\": \"id\", \"aliases\": [\"person_id\"]}, {\"name\": \"code\"},"
	"{\"name\": \"phone\", \"type\": \"phone\", \"aliases\": [\"Phone\"]}]}]}";

static void check(const struct schema *s)
{
	char *a = schema_to_json(s), *b;
	struct schema *s2 = NULL;
	struct err err;

	if (schema_parse(a, strlen(a), &s2, &err) < 0)
		abort(); /* the canonical form of a valid schema must be valid */
	b = schema_to_json(s2);
	if (strcmp(a, b) != 0)
		abort();
	free(a);
	free(b);
	schema_free(s2);
	for (size_t i = 0; i < s->nentities; i++) {
		const struct schema_entity *e = &s->entities[i];
		if (!schema_name_valid(e->name) || schema_entity_find(s, e->name) != e)
			abort();
		for (size_t j = 0; j < e->nfields; j++) {
			const struct schema_field *f = &e->fields[j];
			long k = -1;
			if (!schema_name_valid(f->name) || schema_field_find(e, f->name) != (long)j)
				abort();
			if (schema_header_match(e, f->name, strlen(f->name), &k) != SCHEMA_BUILTIN_NONE ||
			    k != (long)j)
				abort();
			for (size_t m = 0; m < f->naliases; m++) {
				k = -1;
				if (schema_header_match(e, f->aliases[m], strlen(f->aliases[m]), &k) !=
					    SCHEMA_BUILTIN_NONE || k != (long)j)
					abort();
			}
			if (f->type == SCHEMA_REFERENCE &&
			    (!schema_entity_find(s, f->ref_entity) || !f->ref_by))
				abort();
		}
		for (size_t m = 0; m < e->nid_aliases; m++)
			if (schema_header_match(e, e->id_aliases[m], strlen(e->id_aliases[m]), NULL) !=
			    SCHEMA_BUILTIN_ID)
				abort();
		if (e->nidentifiers == 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schema *s = NULL;
	struct err err;

	if (schema_parse((const char *)data, size, &s, &err) == 0) {
		check(s);
		schema_free(s);
	} else if (err.code != ERR_INVALID_SCHEMA || s) {
		abort();
	}
	if (schema_parse(base, strlen(base), &s, &err) < 0)
		abort();
	if (schema_field_add(s, "person", (const char *)data, size, &err) == 0)
		check(s);
	else if (err.code != ERR_INVALID_SCHEMA || s->entities[0].nfields != 2)
		abort();
	schema_free(s);
	return 0;
}
