/*
 * schema: a program's schema (CONTRACT 8): loading and checking the JSON, and the
 * in-memory form every other module reads.
 * Owns: struct schema and everything it points to; the name rule of CONTRACT 8; the
 * preset schemas (121, opencell, vibes, ticketshop).
 * Knows nothing of: storage, HTTP, CSV files, how values are parsed (value/ does that;
 * schema only checks that options are well-formed for their type).
 *
 * A schema is immutable once loaded, except through schema_field_add. Every string is
 * owned by the schema and lives until schema_free. docs/internals/schema.md describes the
 * in-memory model and the decisions below in full.
 *
 * Decisions the other modules rely on:
 * - Names (fields and entities) follow CONTRACT 8 and schema_name_valid: besides the six
 *   built-ins, the names rowid, oid, updated_job and PostgreSQL's system columns (ctid,
 *   xmin, xmax, cmin, cmax, tableoid) are refused, and so is every name starting with
 *   "intake_" or "sqlite_" (ignoring case). The store may therefore name its own extra
 *   columns and tables "intake_..." without ever meeting a schema name.
 * - An identifier field is unique by definition: the parser sets unique on it, and an
 *   explicit "unique": false on an identifier is an error. Identifiers are never boolean,
 *   decimal, multiselect or reference fields, and never have a default.
 * - "identifiers" left out means ["id", "key"]. "create_with" left out means every
 *   identifier that is not built-in; when the entity has none, create_with is empty and a
 *   row that finds no record creates one (its id and key are assigned).
 * - A field without "type" is text. A boolean "default" is stored as the field's first
 *   true or false word, so the importer can parse every default as if it were the cell.
 * - "operations", when given, lists every word the operation column accepts (compared
 *   exactly); without it the column takes the names of CONTRACT 3 (INSERT ... DROP).
 * - Header names are matched case-sensitively, or with ASCII case folding when the entity
 *   sets case_insensitive_headers; no two names or aliases of an entity can match the same
 *   header, and no field name or alias matches the operation column.
 */
#ifndef INTAKE_SCHEMA_SCHEMA_H
#define INTAKE_SCHEMA_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

enum schema_type {
	SCHEMA_TEXT,
	SCHEMA_INTEGER,
	SCHEMA_DECIMAL,
	SCHEMA_BOOLEAN,
	SCHEMA_DATE,
	SCHEMA_DATETIME,
	SCHEMA_PHONE,
	SCHEMA_EMAIL,
	SCHEMA_SELECT,
	SCHEMA_MULTISELECT,
	SCHEMA_UUID,
	SCHEMA_LANGUAGE,
	SCHEMA_REFERENCE,
};

/* The built-in columns every record has (CONTRACT 8). */
enum schema_builtin {
	SCHEMA_BUILTIN_NONE,	/* a field of the schema */
	SCHEMA_BUILTIN_ID,	/* integer, assigned */
	SCHEMA_BUILTIN_KEY,	/* UUID, assigned */
	SCHEMA_BUILTIN_STATE,	/* active, invalid, deleted, anonymized */
	SCHEMA_BUILTIN_CREATED_AT,
	SCHEMA_BUILTIN_UPDATED_AT,
	SCHEMA_BUILTIN_CREATED_JOB,
};

/* Row operations (CONTRACT 3). */
enum schema_op {
	SCHEMA_OP_NONE,		/* not given: the default (UPSERT, or --op) applies */
	SCHEMA_OP_INSERT,
	SCHEMA_OP_UPDATE,
	SCHEMA_OP_UPSERT,
	SCHEMA_OP_UPDATEACT,
	SCHEMA_OP_DELETE,
	SCHEMA_OP_INVALIDATE,
	SCHEMA_OP_ANONYMIZE,
	SCHEMA_OP_DROP,
};

enum schema_charset { SCHEMA_CHARSET_UTF8, SCHEMA_CHARSET_ASCII, SCHEMA_CHARSET_LATIN1,
		      SCHEMA_CHARSET_GSM7 };
enum schema_phone_output { SCHEMA_PHONE_E164, SCHEMA_PHONE_DIGITS, SCHEMA_PHONE_NATIONAL };
enum schema_unknown_columns { SCHEMA_UNKNOWN_IGNORE, SCHEMA_UNKNOWN_REJECT_ROW,
			      SCHEMA_UNKNOWN_REJECT_FILE };
enum schema_duplicates { SCHEMA_DUPLICATES_LAST_WINS, SCHEMA_DUPLICATES_REJECT };
enum schema_extra_cells { SCHEMA_EXTRA_REJECT, SCHEMA_EXTRA_CUSTOM_FIELDS };

struct schema_names;

struct schema_field {
	char *name;			/* [A-Za-z][A-Za-z0-9_]*, <= 63 bytes */
	enum schema_type type;
	char **aliases;			/* other header names for this field */
	size_t naliases;
	uint32_t max_length;		/* text: code points; 0 = none */
	enum schema_charset charset;
	bool has_min, has_max;		/* integer, decimal */
	double min, max;
	char **options;			/* select, multiselect keys */
	size_t noptions;
	char separator;			/* multiselect; '|' by default */
	char **true_words;		/* boolean; NULL = default words */
	size_t ntrue;
	char **false_words;
	size_t nfalse;
	char **formats;			/* date, datetime; NULL = default */
	size_t nformats;
	char default_region[3];		/* phone; "" if none */
	enum schema_phone_output output;
	char decimal_separator;		/* decimal; '.' by default */
	bool required, unique, immutable, pii;
	char *default_value;		/* "default" as cell text ("1", "false", "en"), or NULL */
	char *ref_entity;		/* reference: the parent entity's name */
	char *ref_by;			/* reference: the parent's identifier field (resolved:
					   the parent's first non-built-in identifier if unset) */
};

/* An identifier: a built-in (id, key) or one of the entity's fields. */
struct schema_ident {
	enum schema_builtin builtin;	/* SCHEMA_BUILTIN_ID, _KEY, or _NONE */
	size_t field;			/* index into fields when builtin is _NONE */
};

struct schema_op_word {
	char *word;			/* the file's word, e.g. "CREATE" (compared exactly) */
	enum schema_op op;
};

struct schema_entity {
	char *name;
	char *type_name;		/* report "type": "type" key, else the name in capitals */
	struct schema_field *fields;	/* the entity's own fields, schema order (no built-ins) */
	size_t nfields;
	char **id_aliases, **key_aliases; /* header aliases of the built-in id and key */
	size_t nid_aliases, nkey_aliases;
	struct schema_ident *identifiers; /* precedence order */
	size_t nidentifiers;
	struct schema_ident *create_with; /* identifiers that may create a record */
	size_t ncreate_with;
	char *operation_column;		/* NULL: "OPERATION" or "OC_ACTION" */
	enum schema_unknown_columns unknown_columns;
	enum schema_duplicates duplicates_in_file;
	char delimiter;			/* 0: sniff */
	bool header_block;		/* dialect.header_block */
	bool case_insensitive_headers;
	char **template_columns;	/* "template": column order, or NULL; each column is a
					   header name of the entity or its operation column */
	size_t ntemplate_columns;
	struct schema_op_word *operations; /* "operations" map, or NULL */
	size_t noperations;
	enum schema_extra_cells extra_cells;
	struct schema_names *names;	/* private: sorted header names for schema_header_match */
};

struct schema {
	struct schema_entity *entities;
	size_t nentities;
	char *preset;			/* "121", "vibes"... or NULL */
};

/*
 * Parses and checks a schema. On error: invalid_schema, with the JSON path first in the
 * message ("entities[0].fields[3].type: unknown type 'strin'").
 */
int schema_parse(const char *json, size_t len, struct schema **ret_schema, struct err *err);
void schema_free(struct schema *s);

/* The schema as canonical JSON (round-trips through schema_parse); caller frees. */
char *schema_to_json(const struct schema *s);

/* The preset's schema JSON (static text), or NULL for an unknown preset name. */
const char *schema_preset_json(const char *preset);
/* The i-th preset's name ("121", "opencell"...), or NULL past the last one. */
const char *schema_preset_name(size_t i);

/*
 * Adds one field (JSON object of CONTRACT 8) to an entity. invalid_schema when the field
 * is not valid or its name is taken (ignoring case), with the path starting at "field";
 * not_found when the schema has no such entity. On error the schema is unchanged. The
 * entity's fields array may move: pointers to its fields taken before are invalid after.
 */
int schema_field_add(struct schema *s, const char *entity, const char *field_json, size_t len,
		     struct err *err);

const struct schema_entity *schema_entity_find(const struct schema *s, const char *name);
/* Index of the field named name (exact), or -1. */
long schema_field_find(const struct schema_entity *e, const char *name);

/*
 * What a header cell names: a field (index in *ret_field), a built-in (id or key, by name
 * or alias), or nothing. Honours case_insensitive_headers.
 */
enum schema_builtin schema_header_match(const struct schema_entity *e, const char *header,
					size_t len, long *ret_field);

/* CONTRACT 8 name rule; built-in names (id, key, state, created_at...) are refused. */
bool schema_name_valid(const char *name);

const char *schema_type_name(enum schema_type t);
/* "text" ... "reference" (exact) to a type; false if none. */
bool schema_type_from_name(const char *name, enum schema_type *ret_type);
/* "INSERT" ... "DROP"; "" for SCHEMA_OP_NONE. */
const char *schema_op_name(enum schema_op op);
/* "INSERT" ... "DROP" (exact, upper case) to an operation; false if none. */
bool schema_op_from_name(const char *word, size_t len, enum schema_op *ret_op);

#endif
