/*
 * Names: the CONTRACT 8 name rule, type and operation names, and the sorted index of an
 * entity's header names that schema_header_match searches.
 */
#include "schema/schema.h"
#include "schema/schema_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/limit.h"
#include "base/xalloc.h"

#include "base/banned.h"

static const char *const type_names[] = {
	[SCHEMA_TEXT] = "text",
	[SCHEMA_INTEGER] = "integer",
	[SCHEMA_DECIMAL] = "decimal",
	[SCHEMA_BOOLEAN] = "boolean",
	[SCHEMA_DATE] = "date",
	[SCHEMA_DATETIME] = "datetime",
	[SCHEMA_PHONE] = "phone",
	[SCHEMA_EMAIL] = "email",
	[SCHEMA_SELECT] = "select",
	[SCHEMA_MULTISELECT] = "multiselect",
	[SCHEMA_UUID] = "uuid",
	[SCHEMA_LANGUAGE] = "language",
	[SCHEMA_REFERENCE] = "reference",
};

static const char *const op_names[] = {
	[SCHEMA_OP_NONE] = "",
	[SCHEMA_OP_INSERT] = "INSERT",
	[SCHEMA_OP_UPDATE] = "UPDATE",
	[SCHEMA_OP_UPSERT] = "UPSERT",
	[SCHEMA_OP_UPDATEACT] = "UPDATEACT",
	[SCHEMA_OP_DELETE] = "DELETE",
	[SCHEMA_OP_INVALIDATE] = "INVALIDATE",
	[SCHEMA_OP_ANONYMIZE] = "ANONYMIZE",
	[SCHEMA_OP_DROP] = "DROP",
};

/*
 * Names no field or entity may take, compared ignoring case: the built-in columns, the
 * store's own (updated_job), SQLite's rowid aliases and PostgreSQL's system columns
 * (a user column named xmin is an error there).
 */
static const char *const reserved[] = {
	"id", "key", "state", "created_at", "updated_at", "created_job", "updated_job",
	"rowid", "oid", "ctid", "xmin", "xmax", "cmin", "cmax", "tableoid",
};
/* Prefixes kept for intake's own columns and tables, and SQLite's (ignoring case). */
static const char *const reserved_prefix[] = { "intake_", "sqlite_" };

const char *schema_type_name(enum schema_type t)
{
	if ((unsigned)t >= sizeof(type_names) / sizeof(type_names[0]))
		return "unknown";
	return type_names[t];
}

bool schema_type_from_name(const char *name, enum schema_type *ret_type)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (strcmp(name, type_names[i]) == 0) {
			*ret_type = (enum schema_type)i;
			return true;
		}
	}
	return false;
}

const char *schema_op_name(enum schema_op op)
{
	if ((unsigned)op >= sizeof(op_names) / sizeof(op_names[0]))
		return "";
	return op_names[op];
}

bool schema_op_from_name(const char *word, size_t len, enum schema_op *ret_op)
{
	for (size_t i = SCHEMA_OP_INSERT; i < sizeof(op_names) / sizeof(op_names[0]); i++) {
		if (strlen(op_names[i]) == len && memcmp(word, op_names[i], len) == 0) {
			*ret_op = (enum schema_op)i;
			return true;
		}
	}
	return false;
}

static char fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int schema_fold_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t n = an < bn ? an : bn;

	for (size_t i = 0; i < n; i++) {
		unsigned char ca = (unsigned char)fold(a[i]), cb = (unsigned char)fold(b[i]);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return an < bn ? -1 : an > bn;
}

bool schema_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > LIMIT_NAME_BYTES)
		return false;
	if (!((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (schema_fold_cmp(name, n, reserved[i], strlen(reserved[i])) == 0)
			return false;
	for (size_t i = 0; i < sizeof(reserved_prefix) / sizeof(reserved_prefix[0]); i++) {
		size_t pn = strlen(reserved_prefix[i]);
		if (n >= pn && schema_fold_cmp(name, pn, reserved_prefix[i], pn) == 0)
			return false;
	}
	return true;
}

bool schema_type_is_default(const char *name, const char *t)
{
	size_t n = strlen(name);

	if (strlen(t) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 'a' + 'A') : name[i];
		if (c != t[i])
			return false;
	}
	return true;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct schema_name *a = pa, *b = pb;
	int c = schema_fold_cmp(a->s, a->len, b->s, b->len);
	size_t n;

	if (c)
		return c;
	n = a->len < b->len ? a->len : b->len;
	c = memcmp(a->s, b->s, n);
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if (a->field != b->field)
		return a->field < b->field ? -1 : 1;
	return a->alias < b->alias ? -1 : a->alias > b->alias;
}

static void add(struct schema_names *x, size_t *cap, const char *s, long field, uint32_t alias)
{
	XGROW(x->v, *cap, x->n + 1);
	x->v[x->n++] = (struct schema_name){ .s = s, .len = strlen(s), .field = field,
					     .alias = alias };
}

void schema_names_build(struct schema_entity *e)
{
	struct schema_names *x = xcalloc(1, sizeof(*x));
	size_t cap = 0;

	add(x, &cap, "id", SCHEMA_NAME_ID, 0);
	for (size_t k = 0; k < e->nid_aliases; k++)
		add(x, &cap, e->id_aliases[k], SCHEMA_NAME_ID, (uint32_t)(k + 1));
	add(x, &cap, "key", SCHEMA_NAME_KEY, 0);
	for (size_t k = 0; k < e->nkey_aliases; k++)
		add(x, &cap, e->key_aliases[k], SCHEMA_NAME_KEY, (uint32_t)(k + 1));
	for (size_t j = 0; j < e->nfields; j++) {
		const struct schema_field *f = &e->fields[j];
		add(x, &cap, f->name, (long)j, 0);
		for (size_t k = 0; k < f->naliases; k++)
			add(x, &cap, f->aliases[k], (long)j, (uint32_t)(k + 1));
	}
	qsort(x->v, x->n, sizeof(x->v[0]), entry_cmp);
	schema_names_free(e->names);
	e->names = x;
}

void schema_names_free(struct schema_names *names)
{
	if (!names)
		return;
	free(names->v);
	free(names);
}

const struct schema_name *schema_names_find(const struct schema_entity *e, const char *header,
					    size_t len)
{
	const struct schema_names *x = e->names;
	size_t lo = 0, hi;

	if (!x)
		return NULL;
	hi = x->n;
	/* The first entry not below header, folded. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (schema_fold_cmp(x->v[mid].s, x->v[mid].len, header, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < x->n; i++) {
		const struct schema_name *m = &x->v[i];
		if (schema_fold_cmp(m->s, m->len, header, len) != 0)
			break;
		if (e->case_insensitive_headers || (m->len == len && memcmp(m->s, header, len) == 0))
			return m;
	}
	return NULL;
}

enum schema_builtin schema_header_match(const struct schema_entity *e, const char *header,
					size_t len, long *ret_field)
{
	const struct schema_name *m = schema_names_find(e, header, len);

	if (ret_field)
		*ret_field = -1;
	if (!m)
		return SCHEMA_BUILTIN_NONE;
	if (m->field == SCHEMA_NAME_ID)
		return SCHEMA_BUILTIN_ID;
	if (m->field == SCHEMA_NAME_KEY)
		return SCHEMA_BUILTIN_KEY;
	if (ret_field)
		*ret_field = m->field;
	return SCHEMA_BUILTIN_NONE;
}

const struct schema_entity *schema_entity_find(const struct schema *s, const char *name)
{
	if (!s || !name)
		return NULL;
	for (size_t i = 0; i < s->nentities; i++)
		if (strcmp(s->entities[i].name, name) == 0)
			return &s->entities[i];
	return NULL;
}

long schema_field_find(const struct schema_entity *e, const char *name)
{
	if (!e || !name)
		return -1;
	for (size_t j = 0; j < e->nfields; j++)
		if (strcmp(e->fields[j].name, name) == 0)
			return (long)j;
	return -1;
}
