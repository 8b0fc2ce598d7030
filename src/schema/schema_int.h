/*
 * schema_int: what the files of src/schema/ share.
 * Only files in src/schema/ and tests/unit/schema/ may include this.
 * Owns: the header-name index of an entity. Knows nothing of: anything outside schema/.
 */
#ifndef INTAKE_SCHEMA_SCHEMA_INT_H
#define INTAKE_SCHEMA_SCHEMA_INT_H

#include <stddef.h>
#include <stdint.h>

#include "schema/schema.h"

/* What an index entry names: a field (its index, >= 0) or the built-in id or key. */
#define SCHEMA_NAME_ID (-1L)
#define SCHEMA_NAME_KEY (-2L)

/* One header name of an entity: a field's or built-in's name, or one of its aliases. */
struct schema_name {
	const char *s;		/* points into the schema's own strings */
	size_t len;		/* bytes of s */
	long field;		/* field index, SCHEMA_NAME_ID or SCHEMA_NAME_KEY */
	uint32_t alias;		/* 0: the name itself; k: aliases[k - 1] */
};

/*
 * Every header name of an entity, sorted by ASCII-folded bytes, then exact bytes, so that
 * a case-insensitive match is one binary search and a case-sensitive one a few more
 * compares within the folded run.
 */
struct schema_names {
	struct schema_name *v;	/* owned */
	size_t n;
};

/* Builds e->names from e's fields and aliases (replacing any old index). */
void schema_names_build(struct schema_entity *e);
void schema_names_free(struct schema_names *names);

/* The entry matching header under e's case rule, or NULL. */
const struct schema_name *schema_names_find(const struct schema_entity *e, const char *header,
					    size_t len);

/* Compares a[0..an) and b[0..bn) with ASCII letters folded to lower case (memcmp-like). */
int schema_fold_cmp(const char *a, size_t an, const char *b, size_t bn);

/* The entity's type name, default the name in capitals: is t the default for name? */
bool schema_type_is_default(const char *name, const char *t);

#endif
