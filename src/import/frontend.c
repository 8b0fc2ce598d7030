/*
 * The front end of a pass: opens each file of the job, reads its header, finds its
 * entity, maps its columns and decodes every record into typed values, on a thread of its
 * own; the calling thread takes the decoded batches in order and applies them to the
 * store (run_pass below), so parsing and the store work on both cores at once.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "import/import_int.h"
#include "source/source.h"
#include "base/banned.h"

/* ---- value specs and defaults ---- */

static enum value_type value_type_of(enum schema_type t)
{
	switch (t) {
	case SCHEMA_TEXT:
		return VALUE_TYPE_TEXT;
	case SCHEMA_INTEGER:
		return VALUE_TYPE_INTEGER;
	case SCHEMA_DECIMAL:
		return VALUE_TYPE_DECIMAL;
	case SCHEMA_BOOLEAN:
		return VALUE_TYPE_BOOLEAN;
	case SCHEMA_DATE:
		return VALUE_TYPE_DATE;
	case SCHEMA_DATETIME:
		return VALUE_TYPE_DATETIME;
	case SCHEMA_PHONE:
		return VALUE_TYPE_PHONE;
	case SCHEMA_EMAIL:
		return VALUE_TYPE_EMAIL;
	case SCHEMA_SELECT:
		return VALUE_TYPE_SELECT;
	case SCHEMA_MULTISELECT:
		return VALUE_TYPE_MULTISELECT;
	case SCHEMA_UUID:
		return VALUE_TYPE_UUID;
	case SCHEMA_LANGUAGE:
		return VALUE_TYPE_LANGUAGE;
	case SCHEMA_REFERENCE:
		break;
	}
	return VALUE_TYPE_TEXT;
}

void import__spec_from_field(const struct schema_field *f, struct value_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->type = value_type_of(f->type);
	s->max_length = f->max_length;
	switch (f->charset) {
	case SCHEMA_CHARSET_ASCII:
		s->charset = VALUE_CHARSET_ASCII;
		break;
	case SCHEMA_CHARSET_LATIN1:
		s->charset = VALUE_CHARSET_LATIN1;
		break;
	case SCHEMA_CHARSET_GSM7:
		s->charset = VALUE_CHARSET_GSM7;
		break;
	default:
		s->charset = VALUE_CHARSET_UTF8;
		break;
	}
	s->has_min = f->has_min;
	s->has_max = f->has_max;
	s->min = f->min;
	s->max = f->max;
	s->options = (const char *const *)f->options;
	s->noptions = f->noptions;
	s->separator = f->separator;
	s->true_words = (const char *const *)f->true_words;
	s->ntrue = f->ntrue;
	s->false_words = (const char *const *)f->false_words;
	s->nfalse = f->nfalse;
	s->formats = (const char *const *)f->formats;
	s->nformats = f->nformats;
	memcpy(s->default_region, f->default_region, sizeof(s->default_region));
	s->output = f->output == SCHEMA_PHONE_DIGITS	 ? VALUE_PHONE_DIGITS
		    : f->output == SCHEMA_PHONE_NATIONAL ? VALUE_PHONE_NATIONAL
							 : VALUE_PHONE_E164;
	s->decimal_separator = f->decimal_separator;
}

static void to_store(const struct value *v, struct store_val *out)
{
	memset(out, 0, sizeof(*out));
	switch (v->kind) {
	case VALUE_NULL:
		out->kind = STORE_NULL;
		break;
	case VALUE_INT:
		out->kind = STORE_INT;
		out->i = v->i;
		break;
	case VALUE_REAL:
		out->kind = STORE_REAL;
		out->r = v->r;
		break;
	case VALUE_TEXT:
		out->kind = STORE_TEXT;
		out->s = v->s;
		out->n = v->n;
		break;
	}
}

static bool field_is_identifier(const struct schema_entity *e, size_t f)
{
	for (size_t i = 0; i < e->nidentifiers; i++)
		if (e->identifiers[i].builtin == SCHEMA_BUILTIN_NONE && e->identifiers[i].field == f)
			return true;
	return false;
}

int frontend__setup(struct job *j, struct err *err)
{
	const struct schema *sc = j->sc;

	arena_init(&j->defaults_arena, 4096);
	arena_init(&j->text_scratch, 4096);
	j->ents = xcalloc(sc->nentities ? sc->nentities : 1, sizeof(*j->ents));
	for (size_t ei = 0; ei < sc->nentities; ei++) {
		const struct schema_entity *e = &sc->entities[ei];
		struct entity_ctx *ec = &j->ents[ei];
		size_t ns = NSLOTS(e);

		ec->specs = xcalloc(ns, sizeof(*ec->specs));
		ec->spec_ready = xcalloc(ns, sizeof(*ec->spec_ready));
		ec->def_state = xcalloc(e->nfields + 1, 1);
		ec->defs = xcalloc(e->nfields + 1, sizeof(*ec->defs));
		ec->pii = xcalloc(e->nfields + 1, sizeof(bool));
		ec->anon = xcalloc(e->nfields + 1, sizeof(bool));
		ec->ref_parent = xcalloc(e->nfields + 1, sizeof(long));
		ec->ref_by = xcalloc(e->nfields + 1, sizeof(long));
		for (size_t f = 0; f < e->nfields; f++) {
			const struct schema_field *fd = &e->fields[f];
			const struct schema_field *spec_field = fd;

			ec->ref_parent[f] = -1;
			ec->ref_by[f] = -1;
			if (fd->type == SCHEMA_REFERENCE) {
				const struct schema_entity *pe = schema_entity_find(sc, fd->ref_entity);
				long by = pe && fd->ref_by ? schema_field_find(pe, fd->ref_by) : -1;
				if (!pe || by < 0)
					return err_set(err, ERR_INVALID_SCHEMA,
						       "reference '%s' has no parent identifier",
						       fd->name);
				ec->ref_parent[f] = pe - sc->entities;
				ec->ref_by[f] = by;
				spec_field = &pe->fields[by];
			}
			import__spec_from_field(spec_field, &ec->specs[f]);
			if (value_spec_prepare(&ec->specs[f], err) < 0)
				return -1;
			ec->spec_ready[f] = true;
			ec->pii[f] = fd->pii;
			ec->anon[f] = fd->pii || fd->unique || field_is_identifier(e, f);
		}
		ec->specs[SLOT_ID(e)].type = VALUE_TYPE_INTEGER;
		ec->specs[SLOT_ID(e)].has_min = true;
		ec->specs[SLOT_ID(e)].min = 1;
		ec->specs[SLOT_KEY(e)].type = VALUE_TYPE_UUID;
		for (size_t s = SLOT_ID(e); s <= SLOT_KEY(e); s++) {
			if (value_spec_prepare(&ec->specs[s], err) < 0)
				return -1;
			ec->spec_ready[s] = true;
		}
		/* Defaults are cells like any other: parsed once, before the threads start. */
		for (size_t f = 0; f < e->nfields; f++) {
			const char *d = e->fields[f].default_value;
			struct value v;
			struct value_error verr;
			if (!d || e->fields[f].type == SCHEMA_REFERENCE)
				continue;
			if (!value_parse(&ec->specs[f], d, strlen(d), &j->defaults_arena, &v, &verr))
				return err_set(err, ERR_INVALID_SCHEMA, "the default of '%s': %s",
					       e->fields[f].name, verr.msg);
			to_store(&v, &ec->defs[f]);
			if (v.kind == VALUE_TEXT)
				ec->defs[f].s = arena_memdup0(&j->defaults_arena, v.s, v.n);
			ec->def_state[f] = SLOT_SET;
		}
	}
	return 0;
}

void frontend__release(struct job *j)
{
	if (!j->ents)
		return;
	for (size_t ei = 0; ei < j->sc->nentities; ei++) {
		struct entity_ctx *ec = &j->ents[ei];
		size_t ns = NSLOTS(&j->sc->entities[ei]);
		for (size_t s = 0; s < ns; s++)
			if (ec->spec_ready && ec->spec_ready[s])
				value_spec_release(&ec->specs[s]);
		free(ec->specs);
		free(ec->spec_ready);
		free(ec->def_state);
		free(ec->defs);
		free(ec->pii);
		free(ec->anon);
		free(ec->ref_parent);
		free(ec->ref_by);
	}
	free(j->ents);
	j->ents = NULL;
	arena_release(&j->defaults_arena);
	arena_release(&j->text_scratch);
}

/* ---- rows ---- */

void row__error(struct row *r, struct arena *a, enum err_code code, const char *column,
		const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	if (r->nerrs == r->caperrs) {
		size_t cap = r->caperrs ? 2 * r->caperrs : 4;
		struct row_error *n = ARENA_NEW_ARRAY(a, struct row_error, cap);
		if (r->nerrs)
			memcpy(n, r->errs, r->nerrs * sizeof(*n));
		r->errs = n;
		r->caperrs = cap;
	}
	if (fmt && *fmt) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	} else {
		snprintf(msg, sizeof(msg), "%s", err_sentence(code));
	}
	r->errs[r->nerrs].code = code;
	r->errs[r->nerrs].column = column ? column : "";
	r->errs[r->nerrs].msg = arena_strdup(a, msg);
	r->nerrs++;
}

static bool parse_op(const struct schema_entity *e, const char *p, size_t n, enum schema_op *ret)
{
	if (e->noperations) {
		for (size_t i = 0; i < e->noperations; i++)
			if (strlen(e->operations[i].word) == n &&
			    memcmp(e->operations[i].word, p, n) == 0) {
				*ret = e->operations[i].op;
				return true;
			}
		return false;
	}
	return schema_op_from_name(p, n, ret);
}

/* Decodes one cell into slot s of row r. */
static void decode_cell(struct job *j, const struct file_info *fi, size_t entity, size_t s,
			const char *column, const char *p, size_t n, struct arena *a, struct row *r)
{
	const struct schema_entity *e = &j->sc->entities[entity];
	struct entity_ctx *ec = &j->ents[entity];
	struct value v;
	struct value_error verr;
	bool ok;

	if (n == 0) {
		r->state[s] = SLOT_KEEP;
		return;
	}
	if (n == 1 && p[0] == '=') {
		r->state[s] = SLOT_CLEAR;
		return;
	}
	/* A header block's Multi-Select-Delimiter stands for the field's separator (the
	   stored form joins keys with '|' whatever the separator; a message names the
	   file's own). */
	if (s < e->nfields && e->fields[s].type == SCHEMA_MULTISELECT && fi->block &&
	    fi->block->multi_select_delimiter) {
		struct value_spec block_spec = ec->specs[s];
		block_spec.separator = fi->block->multi_select_delimiter;
		ok = value_parse(&block_spec, p, n, a, &v, &verr);
	} else if (ec->specs[s].type == VALUE_TYPE_TEXT) {
		/* Text is stored as given, and p is the row's own copy of the cell (NUL after
		   it): the value points there rather than at a second copy, which would double
		   a row near the record limit (CONTRACT 3, memory). */
		arena_reset(&j->text_scratch);
		ok = value_parse(&ec->specs[s], p, n, &j->text_scratch, &v, &verr);
		if (ok && v.kind == VALUE_TEXT)
			v.s = p;
	} else {
		ok = value_parse(&ec->specs[s], p, n, a, &v, &verr);
	}
	if (!ok) {
		enum err_code code = verr.code;
		if (s >= e->nfields)
			code = verr.code == ERR_INVALID_CHARACTERS ? verr.code : ERR_INVALID_IDENTIFIER;
		row__error(r, a, code, column, "%s", verr.msg);
		return;
	}
	to_store(&v, &r->vals[s]);
	r->state[s] = SLOT_SET;
}

/* Trailing "CODE:value" cells (extra_cells: custom_fields). */
static void decode_extra(struct job *j, const struct file_info *fi, const char *p, size_t n,
			 struct arena *a, struct row *r)
{
	const struct schema_entity *e = &j->sc->entities[fi->entity];
	const char *colon = memchr(p, ':', n);
	long field;
	enum schema_builtin b;
	char *code;

	if (!colon)
		return; /* a cell without a code is not a custom field */
	code = arena_memdup0(a, p, (size_t)(colon - p));
	b = schema_header_match(e, code, (size_t)(colon - p), &field);
	if (b != SCHEMA_BUILTIN_NONE || field < 0) {
		row__error(r, a, ERR_UNKNOWN_FIELD, code,
			   "The custom field '%s' is not a field of %s; add the field to the "
			   "program or remove the cell", code, e->name);
		return;
	}
	decode_cell(j, fi, (size_t)fi->entity, (size_t)field, code, colon + 1,
		    n - (size_t)(colon - p) - 1, a, r);
}

int decode__row(struct job *j, const struct file_info *fi, const struct csv_record *rec,
		struct arena *a, struct row *r)
{
	const struct schema_entity *e = &j->sc->entities[fi->entity];
	size_t ns = NSLOTS(e);
	bool extra = e->extra_cells == SCHEMA_EXTRA_CUSTOM_FIELDS;

	memset(r, 0, sizeof(*r));
	r->file = fi->index;
	r->line = rec->line;
	r->index = rec->index;
	r->offset = rec->offset;
	r->entity = (size_t)fi->entity;
	r->op = j->op != SCHEMA_OP_NONE ? j->op : SCHEMA_OP_UPSERT;
	r->state = arena_zalloc(a, ns);
	r->vals = ARENA_NEW_ARRAY(a, struct store_val, ns);
	r->ncells = rec->nfields;
	r->cells = ARENA_NEW_ARRAY(a, struct csv_field, rec->nfields ? rec->nfields : 1);
	for (size_t c = 0; c < rec->nfields; c++) {
		r->cells[c].ptr = arena_memdup0(a, rec->fields[c].ptr, rec->fields[c].len);
		r->cells[c].len = rec->fields[c].len;
		r->cells[c].quoted = rec->fields[c].quoted;
	}
	if (rec->nfields != fi->ncols && !(extra && rec->nfields < fi->ncols) &&
	    !(extra && rec->nfields > fi->ncols)) {
		row__error(r, a, ERR_WRONG_COLUMN_COUNT, "",
			   "The row has %zu cells and the header %zu; make them agree",
			   rec->nfields, fi->ncols);
		return 0;
	}
	for (size_t c = 0; c < rec->nfields; c++) {
		const char *p = r->cells[c].ptr;	/* the row's copy: values may point in it */
		size_t n = r->cells[c].len;
		const struct column *col;

		csv_unescape(&p, &n);
		if (c >= fi->ncols) {
			if (n)
				decode_extra(j, fi, p, n, a, r);
			continue;
		}
		col = &fi->cols[c];
		switch (col->kind) {
		case COL_IGNORED:
			break;
		case COL_OP:
			if (n && !parse_op(e, p, n, &r->op)) {
				char show[80];
				snprintf(show, sizeof(show), "%.*s", n > 60 ? 60 : (int)n, p);
				if (e->noperations) {
					/* The schema's own words are the ones a file may use. */
					struct buf words;
					buf_init(&words, 1024);
					for (size_t i = 0; i < e->noperations; i++) {
						buf_adds(&words, i == 0 ? ""
								 : i + 1 == e->noperations ? " or "
											   : ", ");
						buf_adds(&words, e->operations[i].word);
					}
					row__error(r, a, ERR_INVALID_OPERATION, col->name,
						   "'%s' is not an operation; use %s", show,
						   words.ptr);
					buf_release(&words);
				} else {
					row__error(r, a, ERR_INVALID_OPERATION, col->name,
						   "'%s' is not an operation; use INSERT, UPDATE, "
						   "UPSERT, UPDATEACT, DELETE, INVALIDATE, ANONYMIZE or "
						   "DROP", show);
				}
			}
			break;
		case COL_UNKNOWN:
			if (n)
				row__error(r, a, ERR_UNKNOWN_FIELD, col->name,
					   "The column '%s' matches no field of %s; remove it",
					   col->name, e->name);
			break;
		case COL_FIELD:
			decode_cell(j, fi, r->entity, col->field, col->name, p, n, a, r);
			break;
		case COL_ID:
			decode_cell(j, fi, r->entity, SLOT_ID(e), col->name, p, n, a, r);
			break;
		case COL_KEY:
			decode_cell(j, fi, r->entity, SLOT_KEY(e), col->name, p, n, a, r);
			break;
		}
	}
	return 0;
}

/* ---- files ---- */

void file_info__free(struct file_info *fi)
{
	if (!fi)
		return;
	for (size_t c = 0; c < fi->ncols; c++)
		free(fi->cols[c].name);
	free(fi->cols);
	if (fi->block) {
		for (size_t i = 0; i < fi->block->nlines; i++) {
			free(fi->block->lines[i].name);
			free(fi->block->lines[i].value);
		}
		free(fi->block->lines);
		for (size_t i = 0; i < fi->block->nfields; i++)
			free(fi->block->fields[i]);
		free(fi->block->fields);
		free(fi->block);
	}
	free(fi->name);
	free(fi);
}

static struct csv_header_block *block_copy(const struct csv_header_block *b)
{
	struct csv_header_block *c;

	if (!b)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	*c = *b;
	c->lines = xcalloc(b->nlines ? b->nlines : 1, sizeof(*c->lines));
	for (size_t i = 0; i < b->nlines; i++) {
		c->lines[i].name = xstrdup(b->lines[i].name);
		c->lines[i].value = xstrdup(b->lines[i].value);
	}
	c->fields = NULL;
	if (b->fields) {
		c->fields = xcalloc(b->nfields ? b->nfields : 1, sizeof(char *));
		for (size_t i = 0; i < b->nfields; i++)
			c->fields[i] = xstrdup(b->fields[i]);
	}
	return c;
}

static bool is_op_column(const struct schema_entity *e, const char *h)
{
	/* The operation column is a header like the others: case_insensitive_headers too. */
	int (*cmp)(const char *, const char *) = e->case_insensitive_headers ? strcasecmp : strcmp;

	if (e->operation_column)
		return cmp(h, e->operation_column) == 0;
	return cmp(h, "OPERATION") == 0 || cmp(h, "OC_ACTION") == 0;
}

static bool starts_with_intake(const char *h)
{
	return strncmp(h, "intake_", 7) == 0;
}

/* Columns of the header that the entity knows (ignoring intake_* and the op column). */
static bool entity_covers(const struct schema_entity *e, char *const *hdr, size_t n)
{
	for (size_t c = 0; c < n; c++) {
		long field;
		if (starts_with_intake(hdr[c]) || is_op_column(e, hdr[c]))
			continue;
		if (schema_header_match(e, hdr[c], strlen(hdr[c]), &field) == SCHEMA_BUILTIN_NONE &&
		    field < 0)
			return false;
	}
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

long import_entity_detect(const struct schema *sc, const char *name, char *const *hdr, size_t n,
			  const struct csv_record *first)
{
	long found = -1;

	if (sc->nentities == 1)
		return 0;
	for (size_t c = 0; c < n && first; c++) {
		if (strcmp(hdr[c], "OC_ENTITY") != 0 || c >= first->nfields)
			continue;
		for (size_t e = 0; e < sc->nentities; e++) {
			const char *t = sc->entities[e].type_name;
			if (t && strlen(t) == first->fields[c].len &&
			    memcmp(t, first->fields[c].ptr, first->fields[c].len) == 0)
				return (long)e;
		}
		return -1;
	}
	if (sc->preset && strcmp(sc->preset, "vibes") == 0 && ends_with(name, ".persons")) {
		const struct schema_entity *e = schema_entity_find(sc, "person");
		if (e)
			return e - sc->entities;
	}
	for (size_t e = 0; e < sc->nentities; e++) {
		if (!entity_covers(&sc->entities[e], hdr, n))
			continue;
		if (found >= 0)
			return -1; /* more than one: not "the one" */
		found = (long)e;
	}
	return found;
}

/* The file's entity (CONTRACT 9): --entity, else import_entity_detect; -1 for none. */
static long detect_entity(struct job *j, const char *name, char **hdr, size_t n,
			  const struct csv_record *first)
{
	const struct schema *sc = j->sc;

	if (j->entity_opt) {
		const struct schema_entity *e = schema_entity_find(sc, j->entity_opt);
		return e ? e - sc->entities : -1;
	}
	return import_entity_detect(sc, name, hdr, n, first);
}

/* Maps the header's columns to the entity; a file-level error goes into fi->error. */
static void map_header(struct job *j, struct file_info *fi, char **hdr, size_t n)
{
	const struct schema_entity *e = &j->sc->entities[fi->entity];
	size_t ns = NSLOTS(e) + 1; /* the last: the operation column */
	long *owner = xcalloc(ns, sizeof(long));
	bool any_ident = false, needs_ident = false;

	fi->cols = xcalloc(n ? n : 1, sizeof(*fi->cols));
	fi->ncols = n;
	for (size_t s = 0; s < ns; s++)
		owner[s] = -1;
	for (size_t c = 0; c < n; c++) {
		struct column *col = &fi->cols[c];
		enum schema_builtin b;
		long field = -1;
		size_t slot;

		col->name = xstrdup(hdr[c]);
		if (starts_with_intake(hdr[c])) {
			col->kind = COL_IGNORED;
			continue;
		}
		if (is_op_column(e, hdr[c])) {
			col->kind = COL_OP;
			slot = ns - 1;
		} else {
			b = schema_header_match(e, hdr[c], strlen(hdr[c]), &field);
			if (b == SCHEMA_BUILTIN_ID) {
				col->kind = COL_ID;
				slot = SLOT_ID(e);
			} else if (b == SCHEMA_BUILTIN_KEY) {
				col->kind = COL_KEY;
				slot = SLOT_KEY(e);
			} else if (field >= 0) {
				col->kind = COL_FIELD;
				col->field = (size_t)field;
				slot = (size_t)field;
			} else {
				if (e->unknown_columns == SCHEMA_UNKNOWN_IGNORE) {
					col->kind = COL_IGNORED;
				} else if (e->unknown_columns == SCHEMA_UNKNOWN_REJECT_ROW) {
					col->kind = COL_UNKNOWN;
				} else {
					col->kind = COL_IGNORED;
					if (fi->error.code == ERR_OK)
						err_set(&fi->error, ERR_UNKNOWN_FIELD,
							"The column '%.80s' matches no field of %s; "
							"remove it", hdr[c], e->name);
				}
				continue;
			}
		}
		if (owner[slot] >= 0) {
			if (fi->error.code == ERR_OK)
				err_set(&fi->error, ERR_DUPLICATE_COLUMN,
					"The columns '%.80s' and '%.80s' are the same field; keep one",
					hdr[owner[slot]], hdr[c]);
			col->kind = COL_IGNORED;
			continue;
		}
		owner[slot] = (long)c;
	}
	for (size_t i = 0; i < e->nidentifiers; i++) {
		const struct schema_ident *id = &e->identifiers[i];
		size_t slot = id->builtin == SCHEMA_BUILTIN_ID	  ? SLOT_ID(e)
			      : id->builtin == SCHEMA_BUILTIN_KEY ? SLOT_KEY(e)
								  : id->field;
		if (id->builtin == SCHEMA_BUILTIN_NONE)
			needs_ident = true;
		if (owner[slot] >= 0)
			any_ident = true;
	}
	if (needs_ident && !any_ident && fi->error.code == ERR_OK) {
		struct buf names;
		buf_init(&names, 1024);
		for (size_t i = 0; i < e->nidentifiers; i++) {
			const struct schema_ident *id = &e->identifiers[i];
			buf_adds(&names, i ? ", " : "");
			buf_adds(&names, id->builtin == SCHEMA_BUILTIN_ID    ? "id"
					 : id->builtin == SCHEMA_BUILTIN_KEY ? "key"
									     : e->fields[id->field].name);
		}
		err_set(&fi->error, ERR_NO_IDENTIFIER_COLUMN,
			"No column identifies a record; add one of: %s", names.ptr);
		buf_release(&names);
	}
	free(owner);
}

/* ---- the queue between the front end and the store side ---- */

enum msg_kind { MSG_FILE_BEGIN, MSG_BATCH, MSG_FILE_END, MSG_DONE };

struct batch {
	struct arena arena;		/* the rows' memory */
	struct row *rows;
	size_t nrows, cap;
	size_t bytes;			/* arena bytes when sent (counted in queue.inflight) */
};

struct msg {
	enum msg_kind kind;
	struct file_info *fi;		/* FILE_BEGIN: ownership moves to the taker */
	struct batch *batch;		/* BATCH: the taker gives it back with batch_recycle */
	uint32_t file;			/* FILE_END */
	struct err error;		/* FILE_END: a file-level error that stopped the file */
};

#define QUEUE_SLOTS 3
#define BATCH_POOL 3

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct msg slots[QUEUE_SLOTS];
	size_t head, n;
	struct batch *free_batches[BATCH_POOL];	/* batches for the front end to fill */
	size_t nfree;
	size_t inflight;			/* bytes of the batches sent, not yet back */
	bool stop;				/* the store side wants the front end to end */
};

struct frontend {
	struct job *j;
	struct queue q;
	uint32_t start_file;		/* first file to read */
	bool has_pos;			/* resume inside start_file */
	uint64_t pos_offset, pos_line, pos_index;
	uint64_t zip_bytes;
	size_t batch_rows;		/* rows per batch: at most a transaction's */
};

static void queue_push(struct queue *q, const struct msg *m)
{
	pthread_mutex_lock(&q->mu);
	while (q->n == QUEUE_SLOTS)
		pthread_cond_wait(&q->cond, &q->mu);
	q->slots[(q->head + q->n) % QUEUE_SLOTS] = *m;
	q->n++;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->mu);
}

static void queue_pop(struct queue *q, struct msg *m)
{
	pthread_mutex_lock(&q->mu);
	while (q->n == 0)
		pthread_cond_wait(&q->cond, &q->mu);
	*m = q->slots[q->head];
	q->head = (q->head + 1) % QUEUE_SLOTS;
	q->n--;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->mu);
}

static struct batch *batch_take(struct queue *q)
{
	struct batch *b;

	pthread_mutex_lock(&q->mu);
	/* Records near the record limit make batches of tens of MiB: one of them at a time
	   keeps peak memory within CONTRACT 3's bound. */
	while (q->nfree == 0 || (q->inflight > IMPORT_INFLIGHT_BYTES && !q->stop))
		pthread_cond_wait(&q->cond, &q->mu);
	b = q->free_batches[--q->nfree];
	pthread_mutex_unlock(&q->mu);
	arena_reset(&b->arena);
	b->nrows = 0;
	return b;
}

static void batch_recycle(struct queue *q, struct batch *b)
{
	arena_reset(&b->arena);	/* a big batch's chunks go now, not when it is reused */
	pthread_mutex_lock(&q->mu);
	q->inflight -= b->bytes;
	b->bytes = 0;
	q->free_batches[q->nfree++] = b;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->mu);
}

static bool queue_stopped(struct queue *q)
{
	bool s;

	pthread_mutex_lock(&q->mu);
	s = q->stop;
	pthread_mutex_unlock(&q->mu);
	return s;
}

/* ---- the front-end thread ---- */

static void send_begin(struct frontend *fe, struct file_info *fi)
{
	struct msg m = {.kind = MSG_FILE_BEGIN, .fi = fi};

	queue_push(&fe->q, &m);
}

static void send_end(struct frontend *fe, uint32_t file, const struct err *e)
{
	struct msg m = {.kind = MSG_FILE_END, .file = file};

	if (e)
		m.error = *e;
	else
		err_clear(&m.error);
	queue_push(&fe->q, &m);
}

static void send_batch(struct frontend *fe, struct batch *b)
{
	struct msg m = {.kind = MSG_BATCH, .batch = b};

	pthread_mutex_lock(&fe->q.mu);
	b->bytes = b->arena.used;
	fe->q.inflight += b->bytes;
	pthread_mutex_unlock(&fe->q.mu);
	queue_push(&fe->q, &m);
}

static struct row *batch_row(struct batch *b)
{
	if (b->nrows == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 1024;
		b->rows = xrealloc(b->rows, xmul(b->cap, sizeof(*b->rows)));
	}
	return &b->rows[b->nrows++];
}

static void copy_header(const struct csv_record *rec, char ***ret, size_t *ret_n)
{
	char **h = xcalloc(rec->nfields ? rec->nfields : 1, sizeof(char *));

	for (size_t c = 0; c < rec->nfields; c++) {
		const char *p = rec->fields[c].ptr;
		size_t n = rec->fields[c].len;
		csv_unescape(&p, &n);
		h[c] = xmemdup0(p, n);
	}
	*ret = h;
	*ret_n = rec->nfields;
}

static void free_header(char **h, size_t n)
{
	for (size_t c = 0; c < n; c++)
		free(h[c]);
	free(h);
}

/*
 * Reads one file (an entry of an input): header, entity, columns, then its records in
 * batches. The store side learns everything through the queue.
 */
static void read_file(struct frontend *fe, struct source *src, size_t entry_index,
		      uint32_t file, const char *name)
{
	struct job *j = fe->j;
	const struct source_entry *entry = source_entry(src, entry_index);
	struct file_info *fi = xcalloc(1, sizeof(*fi));
	const struct file_info *cfi;
	struct source_reader *sr = NULL;
	struct csv_reader *cr = NULL;
	struct csv_reader_opts copts = {0};
	const struct csv_record *rec = NULL;
	const struct csv_header_block *blk;
	struct csv_stats stats;
	struct batch *b = NULL;
	struct err e;
	char **hdr = NULL;
	size_t nhdr = 0;
	bool resume = fe->has_pos && file == fe->start_file;
	bool have_first = false;
	uint64_t hdr_line = 0;
	int rc;

	err_clear(&e);
	fi->index = file;
	fi->name = xstrdup(name);
	fi->entity = -1;
	fi->eol = "\n";
	err_clear(&fi->error);
	if (entry->error.code != ERR_OK) {
		fi->error = entry->error;
		goto refused;
	}
	if (entry->type != SOURCE_TEXT && entry->type != SOURCE_XLSX) {
		err_set(&fi->error, ERR_UNKNOWN_FILE_TYPE, "'%.100s' is not a CSV file", name);
		goto refused;
	}
	if (source_reader_open(src, entry_index, &sr, &fi->error) < 0)
		goto refused;
	if (source_reader_error(sr)->code != ERR_OK) {
		fi->error = *source_reader_error(sr);
		goto refused;
	}
	copts.header_block = true;
	copts.delimiter = source_reader_delimiter(sr);
	copts.rows_are_lines = source_reader_rows_are_lines(sr);
	/* A schema's delimiter stands in for sniffing; a header block's Delimiter, the
	   file's own word, wins over it (CONTRACT 3). */
	if (!copts.delimiter && j->entity_opt) {
		const struct schema_entity *ent = schema_entity_find(j->sc, j->entity_opt);
		if (ent)
			copts.fallback_delimiter = ent->delimiter;
	}
	if (!copts.delimiter && !copts.fallback_delimiter && j->sc->nentities == 1)
		copts.fallback_delimiter = j->sc->entities[0].delimiter;
	copts.max_cell = j->limits.cell_bytes;
	copts.max_record = j->limits.record_bytes;
	copts.max_columns = j->limits.columns;
	if (csv_reader_new(&copts, source_read, sr, &cr, &fi->error) < 0)
		goto refused;
	if (csv_reader_prepare(cr, &fi->error) < 0)
		goto refused;
	blk = csv_reader_header_block(cr);
	if (blk && blk->fields) {
		hdr = xcalloc(blk->nfields ? blk->nfields : 1, sizeof(char *));
		for (size_t c = 0; c < blk->nfields; c++)
			hdr[c] = xstrdup(blk->fields[c]);
		nhdr = blk->nfields;
		fi->block_fields = true;
		/* A block starts on line 1, one line per name. */
		for (size_t k = 0; k < blk->nlines; k++)
			if (strcasecmp(blk->lines[k].name, "Fields") == 0)
				hdr_line = k + 1;
	} else {
		rc = csv_reader_next(cr, &rec, &fi->error);
		if (rc < 0)
			goto refused;
		if (rc == 0) {
			err_set(&fi->error, ERR_EMPTY_FILE, "'%.100s' has no header row", name);
			goto refused;
		}
		copy_header(rec, &hdr, &nhdr);
		hdr_line = rec->line;
	}
	fi->block = block_copy(blk);
	fi->delimiter = csv_reader_delimiter(cr);
	/* Opencell names the entity in each row: look at the first one. */
	if (!resume) {
		rc = csv_reader_next(cr, &rec, &e);
		have_first = rc == 1;
		if (rc < 0)
			have_first = false;
	}
	/* The reader counts a record's line end when it reads on, so the header's is known
	   only now (a resumed file keeps the line end of its checkpoint). */
	csv_reader_stats(cr, &stats);
	fi->eol = stats.crlf > 0 && stats.crlf >= stats.lf ? "\r\n" : "\n";
	fi->entity = detect_entity(j, name, hdr, nhdr, have_first ? rec : NULL);
	if (fi->entity < 0) {
		err_set(&fi->error, ERR_UNKNOWN_FILE_TYPE,
			"'%.100s' matches no entity of the program; name one with --entity", name);
		fi->cols = NULL;
		goto refused;
	}
	map_header(j, fi, hdr, nhdr);
	if (fi->error.code != ERR_OK) {
		fi->error.line = hdr_line;	/* what is wrong is in the header */
		goto refused;
	}
	/* The store side owns it now and keeps it until the pass ends: read it, never
	   change it. */
	cfi = fi;
	send_begin(fe, fi);
	fi = NULL;
	if (resume) {
		/* Start again at the last committed record, and drop it. */
		csv_reader_free(cr);
		cr = NULL;
		source_reader_close(sr);
		sr = NULL;
		if (source_reader_open(src, entry_index, &sr, &e) < 0 ||
		    source_reader_skip(sr, fe->pos_offset, &e) < 0)
			goto end;
		copts.delimiter = cfi->delimiter;
		copts.start_offset = fe->pos_offset;
		copts.start_line = fe->pos_line;
		copts.start_index = fe->pos_index - 1;
		if (csv_reader_new(&copts, source_read, sr, &cr, &e) < 0)
			goto end;
		rc = csv_reader_next(cr, &rec, &e);
		if (rc < 0)
			goto end;
		if (rc == 0 || rec->line != fe->pos_line || rec->index != fe->pos_index) {
			err_set(&e, ERR_INTERNAL_ERROR,
				"the input changed since the job started; it cannot be resumed");
			goto end;
		}
	}
	b = batch_take(&fe->q);
	for (;;) {
		struct row *r;
		if (have_first) {
			have_first = false;
		} else {
			if (e.code != ERR_OK)
				break;
			rc = csv_reader_next(cr, &rec, &e);
			if (rc <= 0)
				break;
		}
		r = batch_row(b);
		decode__row(j, cfi, rec, &b->arena, r);
		if (b->nrows >= fe->batch_rows || b->arena.used >= IMPORT_BATCH_BYTES) {
			send_batch(fe, b);
			if (queue_stopped(&fe->q)) {
				b = NULL;
				goto end;
			}
			b = batch_take(&fe->q);
		}
	}
	if (b && b->nrows) {
		send_batch(fe, b);
		b = NULL;
	}
end:
	if (b)
		batch_recycle(&fe->q, b);
	free_header(hdr, nhdr);
	csv_reader_free(cr);
	source_reader_close(sr);
	send_end(fe, file, e.code == ERR_OK ? NULL : &e);
	return;
refused:
	free_header(hdr, nhdr);
	csv_reader_free(cr);
	source_reader_close(sr);
	send_begin(fe, fi);
	send_end(fe, file, NULL);
}

/* True when name is one of the comma-separated names of --files (or its base name is). */
static bool file_wanted(const char *list, const char *name)
{
	const char *base = strrchr(name, '/');
	size_t nlen = strlen(name), blen;

	if (!list || !*list)
		return true;
	base = base ? base + 1 : name;
	blen = strlen(base);
	while (*list) {
		const char *comma = strchr(list, ',');
		size_t n = comma ? (size_t)(comma - list) : strlen(list);
		if ((n == nlen && memcmp(list, name, n) == 0) ||
		    (n == blen && memcmp(list, base, n) == 0))
			return true;
		list += n + (comma ? 1 : 0);
	}
	return false;
}

static void *frontend_main(void *arg)
{
	struct frontend *fe = arg;
	struct job *j = fe->j;
	uint32_t file = 0;
	struct msg done = {.kind = MSG_DONE};
	struct buf path;

	buf_init(&path, 8192);
	for (size_t i = 0; i < j->ninputs && !queue_stopped(&fe->q); i++) {
		struct source_opts so = {.name = j->inputs[i], .encoding = j->encoding,
					 .limits = &j->limits, .zip_bytes = &fe->zip_bytes,
					 .spool_dir = j->dir};
		struct source *src = NULL;
		struct err e;

		err_clear(&e);
		buf_reset(&path);
		job__path(j, &path, "input-%zu" INPUT_TOO_LARGE, i);
		if (access(path.ptr, F_OK) == 0)
			err_set(&e, ERR_TOO_LARGE, "'%.200s' is larger than the upload limit of "
				"%llu bytes", j->inputs[i], (unsigned long long)j->limits.upload_bytes);
		buf_reset(&path);
		job__path(j, &path, "input-%zu", i);
		if (e.code != ERR_OK || source_open(path.ptr, &so, &src, &e) < 0) {
			struct file_info *fi = xcalloc(1, sizeof(*fi));
			if (file++ < fe->start_file) {
				free(fi);
				continue;
			}
			fi->index = file - 1;
			fi->name = xstrdup(j->inputs[i]);
			fi->entity = -1;
			fi->eol = "\n";
			fi->error = e;
			send_begin(fe, fi);
			send_end(fe, fi->index, NULL);
			continue;
		}
		for (size_t k = 0; k < source_entry_count(src) && !queue_stopped(&fe->q); k++) {
			const struct source_entry *ent = source_entry(src, k);
			if (!file_wanted(j->files_opt, ent->name))
				continue;
			if (file < fe->start_file) {
				file++;
				continue;
			}
			read_file(fe, src, k, file, ent->name);
			file++;
		}
		source_free(src);
	}
	buf_release(&path);
	queue_push(&fe->q, &done);
	return NULL;
}

/* ---- the store side of a pass (the calling thread) ---- */

static void progress(struct job *j, const char *name, bool force)
{
	double now;

	if (!j->listener || !j->listener->progress)
		return;
	now = clock_mono();
	if (!force && now - j->last_progress < 0.5)
		return;
	j->last_progress = now;
	j->listener->progress(j->listener->ctx, j->rows_seen, name);
}

/* Someone cancelled the job (CONTRACT 3: from queued or running). */
static void check_cancel(struct job *j)
{
	struct store_job row;
	struct err e;

	if (store_job_get(j->st, j->id, &row, &e) == 0) {
		if (row.status == STORE_JOB_CANCELLED)
			j->cancelled = true;
		store_job_release(&row);
	}
}

static void keep_file_info(struct job *j, struct file_info *fi)
{
	if (fi->index >= j->nfinfo) {
		size_t n = fi->index + 1;
		j->finfo = xrealloc(j->finfo, xmul(n, sizeof(*j->finfo)));
		for (size_t i = j->nfinfo; i < n; i++)
			j->finfo[i] = NULL;
		j->nfinfo = n;
	}
	file_info__free(j->finfo[fi->index]);
	j->finfo[fi->index] = fi;
}

static int on_begin(struct job *j, struct file_info *fi, struct err *err)
{
	struct file_state *fs = job__file(j, fi->index);
	const struct schema_entity *e = fi->entity >= 0 ? &j->sc->entities[fi->entity] : NULL;
	struct buf head;
	int rc = 0;

	keep_file_info(j, fi);
	free(fs->name);
	fs->name = xstrdup(fi->name);
	fs->entity = fi->entity;
	free(fs->type);
	fs->type = xstrdup(e && e->type_name ? e->type_name : "UNKNOWN");
	if (fi->error.code != ERR_OK) {
		state__file_error(fs, fi->error.code, fi->error.line, fi->error.msg);
		return 0;
	}
	fs->delimiter = fi->delimiter;
	fs->ncols = fi->ncols;
	if (fs->has_pos)
		return rejects__truncate(j, fi->index, fs->rejects_len, err);
	fs->crlf = strcmp(fi->eol, "\r\n") == 0;
	/* A file read from its start: its rejection file starts with the header. */
	if (rejects__truncate(j, fi->index, 0, err) < 0)
		return -1;
	buf_init(&head, LIMIT_RECORD_BYTES);
	rejects__header(fi, &head);
	fs->has_rejects = true;
	rc = rejects__write(j, fi->index, head.ptr, head.len, err);
	buf_release(&head);
	return rc;
}

/*
 * Crash sites for tests (INTAKE_CRASH_AT=SITE:N): the process ends at once (as if killed)
 * the Nth time it reaches SITE. Sites: before-commit (rejection bytes synced, nothing
 * committed) and after-commit. Only test builds have them (INTAKE_TEST_HOOKS).
 */
void import__crash_point(const char *site)
{
#ifndef INTAKE_TEST_HOOKS
	(void)site;
#else
	static const char *spec;
	static bool read;
	static unsigned long hits;
	size_t n = strlen(site);

	if (!read) {
		spec = getenv("INTAKE_CRASH_AT");
		read = true;
	}
	if (!spec || strncmp(spec, site, n) != 0 || spec[n] != ':')
		return;
	if (++hits == strtoul(spec + n + 1, NULL, 10))
		_exit(70);
#endif
}

/* Commits the open transaction with the checkpoint (rejection bytes synced first). */
static int commit(struct job *j, struct err *err)
{
	if (!j->tx_open)
		return 0;
	j->tx_open = false;
	if (job__commit(j, err) < 0)
		return -1;
	if (++j->batches % 2 == 0)
		check_cancel(j);
	return 0;
}

static int on_batch(struct job *j, struct batch *b, struct err *err)
{
	struct file_state *fs;
	const struct row *last;

	if (b->nrows == 0)
		return 0;
	fs = job__file(j, b->rows[0].file);
	if (!j->tx_open) {
		if (store_batch_begin(j->p, err) < 0)
			return -1;
		j->tx_open = true;
		j->tx_rows = 0;
		j->tx_started = clock_mono();
	}
	for (size_t i = 0; i < b->nrows; i++) {
		arena_reset(&j->arena);
		fs->rows++;
		j->rows_seen++;
		if (apply__row(j, &b->rows[i], false, err) < 0)
			goto fail;
	}
	last = &b->rows[b->nrows - 1];
	fs->has_pos = true;
	fs->pos_offset = last->offset;
	fs->pos_line = last->line;
	fs->pos_index = last->index;
	j->tx_rows += b->nrows;
	if ((j->tx_rows >= j->commit_rows ||
	     clock_mono() - j->tx_started >= IMPORT_COMMIT_SECONDS) && commit(j, err) < 0)
		goto fail;
	progress(j, fs->name, false);
	return 0;
fail:
	j->tx_open = false;
	store_batch_rollback(j->p, NULL);
	return -1;
}

static int on_end(struct job *j, uint32_t file, const struct err *e, struct err *err)
{
	struct file_state *fs = job__file(j, file);

	if (e->code != ERR_OK)
		state__file_error(fs, e->code, e->line, e->msg);
	fs->done = true;
	j->state.cur_file = file + 1;
	if (!j->tx_open) {
		if (store_batch_begin(j->p, err) < 0)
			return -1;
		j->tx_open = true;
	}
	if (commit(j, err) < 0) {
		store_batch_rollback(j->p, NULL);
		return -1;
	}
	progress(j, fs->name, true);
	return 0;
}

int frontend__run_pass(struct job *j, struct err *err)
{
	struct frontend fe;
	struct batch batches[BATCH_POOL];
	pthread_t thread;
	struct msg m;
	int rc = 0;

	memset(&fe, 0, sizeof(fe));
	memset(batches, 0, sizeof(batches));
	fe.j = j;
	pthread_mutex_init(&fe.q.mu, NULL);
	pthread_cond_init(&fe.q.cond, NULL);
	for (int i = 0; i < BATCH_POOL; i++) {
		arena_init(&batches[i].arena, 256 * 1024);
		fe.q.free_batches[fe.q.nfree++] = &batches[i];
	}
	fe.batch_rows = j->commit_rows < IMPORT_BATCH_ROWS ? (size_t)j->commit_rows
							  : IMPORT_BATCH_ROWS;
	fe.start_file = j->state.cur_file;
	if (fe.start_file < j->state.nfiles && j->state.files[fe.start_file].has_pos) {
		const struct file_state *fs = &j->state.files[fe.start_file];
		fe.has_pos = true;
		fe.pos_offset = fs->pos_offset;
		fe.pos_line = fs->pos_line;
		fe.pos_index = fs->pos_index;
	}
	if (pthread_create(&thread, NULL, frontend_main, &fe) != 0) {
		rc = err_set(err, ERR_INTERNAL_ERROR, "cannot start the front-end thread");
		goto out;
	}
	for (;;) {
		queue_pop(&fe.q, &m);
		if (m.kind == MSG_DONE)
			break;
		if (rc < 0 || j->cancelled) {
			if (m.kind == MSG_BATCH)
				batch_recycle(&fe.q, m.batch);
			else if (m.kind == MSG_FILE_BEGIN)
				file_info__free(m.fi);
			continue;
		}
		switch (m.kind) {
		case MSG_FILE_BEGIN:
			rc = on_begin(j, m.fi, err);
			break;
		case MSG_BATCH:
			rc = on_batch(j, m.batch, err);
			batch_recycle(&fe.q, m.batch);
			break;
		case MSG_FILE_END:
			rc = on_end(j, m.file, &m.error, err);
			break;
		case MSG_DONE:
			break;
		}
		if (rc < 0 || j->cancelled) {
			pthread_mutex_lock(&fe.q.mu);
			fe.q.stop = true;
			pthread_cond_broadcast(&fe.q.cond);
			pthread_mutex_unlock(&fe.q.mu);
		}
	}
	pthread_join(thread, NULL);
	if (j->tx_open) {
		/* Cancelled in the middle of a transaction: what it applied stays (its
		   checkpoint says so); after an error it is undone. */
		if (rc == 0) {
			rc = commit(j, err);
		} else {
			j->tx_open = false;
			store_batch_rollback(j->p, NULL);
		}
	}
out:
	for (int i = 0; i < BATCH_POOL; i++) {
		arena_release(&batches[i].arena);
		free(batches[i].rows);
	}
	pthread_mutex_destroy(&fe.q.mu);
	pthread_cond_destroy(&fe.q.cond);
	return rc;
}
