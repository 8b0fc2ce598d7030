/*
 * One decoded row against the store: identity by identifier precedence, the operation
 * and its state rules (CONTRACT 3 and 9), defaults, required, immutable and unique
 * checks, the write and its outcome. Runs in the calling thread, inside a batch.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "import/import_int.h"
#include "base/banned.h"

static const char *const outcome_names[IMPORT_NOUTCOMES] = {
	"inserted", "updated", "unchanged", "deleted", "invalidated", "anonymized", "dropped",
	"rejected",
};

const char *import_outcome_name(enum import_outcome o)
{
	return (unsigned)o < IMPORT_NOUTCOMES ? outcome_names[o] : "unknown";
}

void apply__count(struct job *j, const struct row *r, enum import_outcome o)
{
	job__file(j, r->file)->counts[o]++;
}

/* The column a slot came from, for the rejection file: its header name, else its name. */
static const char *column_of(struct job *j, const struct row *r, size_t slot)
{
	const struct schema_entity *e = &j->sc->entities[r->entity];
	const struct file_info *fi = r->file < j->nfinfo ? j->finfo[r->file] : NULL;

	for (size_t c = 0; fi && c < fi->ncols; c++) {
		const struct column *col = &fi->cols[c];
		if ((col->kind == COL_FIELD && col->field == slot) ||
		    (col->kind == COL_ID && slot == SLOT_ID(e)) ||
		    (col->kind == COL_KEY && slot == SLOT_KEY(e)))
			return col->name;
	}
	if (slot == SLOT_ID(e))
		return "id";
	if (slot == SLOT_KEY(e))
		return "key";
	return e->fields[slot].name;
}

/* A value as a message quotes it: text in quotes (its first 60 bytes), a number as is. */
static const char *shown(const struct store_val *v, char *out, size_t cap)
{
	size_t n;

	switch (v->kind) {
	case STORE_INT:
		snprintf(out, cap, "%" PRId64, v->i);
		return out;
	case STORE_REAL:
		snprintf(out, cap, "%g", v->r);
		return out;
	case STORE_TEXT:
		n = v->n;
		if (n > 60) {
			n = 60;
			while (n > 0 && ((unsigned char)v->s[n] & 0xc0) == 0x80)
				n--; /* cut at the start of a character */
		}
		snprintf(out, cap, "'%.*s%s'", (int)n, v->s, n < v->n ? "..." : "");
		return out;
	default:
		snprintf(out, cap, "(empty)");
		return out;
	}
}

static const char *op_column(struct job *j, const struct row *r)
{
	const struct file_info *fi = r->file < j->nfinfo ? j->finfo[r->file] : NULL;

	for (size_t c = 0; fi && c < fi->ncols; c++)
		if (fi->cols[c].kind == COL_OP)
			return fi->cols[c].name;
	return "";
}

/* The word this row's file uses for op: the schema's own word when the file has an
   operation column and the entity maps words (Opencell's DELETE is DROP), else intake's;
   NULL when the file has no word for it. */
static const char *op_word(struct job *j, const struct row *r, enum schema_op op)
{
	const struct schema_entity *e = &j->sc->entities[r->entity];

	if (!e->noperations || !*op_column(j, r))
		return schema_op_name(op);
	for (size_t i = 0; i < e->noperations; i++)
		if (e->operations[i].op == op)
			return e->operations[i].word;
	return NULL;
}

/* "A or B": the file's words for ops a and b (SCHEMA_OP_NONE: only a), those it has; ""
   when it has neither. */
static const char *op_words(struct job *j, const struct row *r, enum schema_op a,
			    enum schema_op b, char *out, size_t cap)
{
	const char *wa = op_word(j, r, a);
	const char *wb = b == SCHEMA_OP_NONE ? NULL : op_word(j, r, b);

	if (wa && wb && strcmp(wa, wb) == 0)
		wb = NULL;
	snprintf(out, cap, "%s%s%s", wa ? wa : "", wa && wb ? " or " : "", wb ? wb : "");
	return out;
}

int apply__reject(struct job *j, struct row *r, struct err *err)
{
	for (size_t i = 0; i < r->nerrs; i++)
		state__count_error(&j->state, r->errs[i].code);
	apply__count(j, r, IMPORT_REJECTED);
	return rejects__row_write(j, r, &j->rej, err);
}

static int reject(struct job *j, struct row *r, enum err_code code, const char *column,
		  const char *msg, struct err *err)
{
	row__error(r, &j->arena, code, column, "%s", msg);
	return apply__reject(j, r, err);
}

static size_t ident_slot(const struct schema_entity *e, const struct schema_ident *id)
{
	if (id->builtin == SCHEMA_BUILTIN_ID)
		return SLOT_ID(e);
	if (id->builtin == SCHEMA_BUILTIN_KEY)
		return SLOT_KEY(e);
	return id->field;
}

static const char *ident_name(const struct schema_entity *e, const struct schema_ident *id)
{
	if (id->builtin == SCHEMA_BUILTIN_ID)
		return "id";
	if (id->builtin == SCHEMA_BUILTIN_KEY)
		return "key";
	return e->fields[id->field].name;
}

static void ident_list(const struct schema_entity *e, const struct schema_ident *ids, size_t n,
		       char *out, size_t cap)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && used < cap; i++)
		used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? ", " : "",
					 ident_name(e, &ids[i]));
}

static bool has_create_with(const struct schema_entity *e, const struct row *r)
{
	if (e->ncreate_with == 0)
		return true;
	for (size_t i = 0; i < e->ncreate_with; i++)
		if (r->state[ident_slot(e, &e->create_with[i])] == SLOT_SET)
			return true;
	return false;
}

static const char *reason_of(enum schema_op op)
{
	switch (op) {
	case SCHEMA_OP_INSERT:
		return "insert";
	case SCHEMA_OP_UPDATE:
		return "update";
	case SCHEMA_OP_UPDATEACT:
		return "updateact";
	case SCHEMA_OP_DELETE:
		return "delete";
	case SCHEMA_OP_INVALIDATE:
		return "invalidate";
	case SCHEMA_OP_ANONYMIZE:
		return "anonymize";
	case SCHEMA_OP_DROP:
		return "drop";
	default:
		return "upsert";
	}
}

/* A unique value taken: which code (CONTRACT 5) and sentence. */
static int reject_conflict(struct job *j, struct row *r, size_t field, struct err *err)
{
	const struct schema_field *fd = &j->sc->entities[r->entity].fields[field];
	char msg[512], val[80];

	shown(&r->vals[field], val, sizeof(val));
	if (fd->type == SCHEMA_PHONE) {
		snprintf(msg, sizeof(msg),
			 "The phone number %s in '%s' belongs to another record; use another "
			 "number", val, fd->name);
		return reject(j, r, ERR_PHONE_ALREADY_ASSIGNED, column_of(j, r, field), msg, err);
	}
	snprintf(msg, sizeof(msg),
		 "The value %s of '%s' belongs to another record and must be unique; change it",
		 val, fd->name);
	return reject(j, r, ERR_DUPLICATE_VALUE, column_of(j, r, field), msg, err);
}

/*
 * The values the row gives its reference fields, as parent ids: 0 when every parent is
 * there; 1 when one is missing (*ret_missing names the field); -1 on error.
 */
static int resolve_refs(struct job *j, struct row *r, struct store_val *ids, size_t *ret_missing,
			struct err *err)
{
	const struct schema_entity *e = &j->sc->entities[r->entity];
	struct entity_ctx *ec = &j->ents[r->entity];

	for (size_t f = 0; f < e->nfields; f++) {
		struct schema_ident by;
		struct store_record parent;
		int rc;

		ids[f] = r->vals[f];
		if (ec->ref_parent[f] < 0 || r->state[f] != SLOT_SET)
			continue;
		by.builtin = SCHEMA_BUILTIN_NONE;
		by.field = (size_t)ec->ref_by[f];
		rc = store_record_find(j->p, (size_t)ec->ref_parent[f], &by, &r->vals[f], &j->arena,
				       &parent, err);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			*ret_missing = f;
			return 1;
		}
		ids[f].kind = STORE_INT;
		ids[f].i = parent.id;
	}
	return 0;
}

int apply__missing_parent(struct job *j, struct row *r, size_t *ret_field, struct err *err)
{
	const struct schema_entity *e = &j->sc->entities[r->entity];
	struct store_val *ids = ARENA_NEW_ARRAY(&j->arena, struct store_val, e->nfields + 1);

	return resolve_refs(j, r, ids, ret_field, err);
}

/* The values of a new record from the row: its cells, else the defaults. */
static struct store_val *insert_values(struct job *j, const struct row *r,
				       const struct store_val *refs)
{
	const struct schema_entity *e = &j->sc->entities[r->entity];
	struct entity_ctx *ec = &j->ents[r->entity];
	struct store_val *vals = ARENA_NEW_ARRAY(&j->arena, struct store_val, e->nfields + 1);

	for (size_t f = 0; f < e->nfields; f++) {
		if (r->state[f] == SLOT_SET)
			vals[f] = refs[f];
		else if (r->state[f] != SLOT_CLEAR && ec->def_state[f] == SLOT_SET)
			vals[f] = ec->defs[f];
		else
			vals[f].kind = STORE_NULL;
	}
	return vals;
}

static bool required_filled(const struct schema_entity *e, const struct store_val *vals)
{
	for (size_t f = 0; f < e->nfields; f++)
		if (e->fields[f].required && vals[f].kind == STORE_NULL)
			return false;
	return true;
}

static int do_insert(struct job *j, struct row *r, const struct store_val *refs,
		     struct err *err)
{
	const struct schema_entity *e = &j->sc->entities[r->entity];
	struct store_val *vals;
	char key[STORE_KEY_BYTES], names[512];
	size_t conflict = 0;
	int64_t id;
	int rc;

	if (!has_create_with(e, r)) {
		char msg[700];
		ident_list(e, e->create_with, e->ncreate_with, names, sizeof(names));
		snprintf(msg, sizeof(msg),
			 "A new record needs one of these identifiers: %s; fill one in", names);
		return reject(j, r, ERR_IDENTIFIER_REQUIRED, "", msg, err);
	}
	vals = insert_values(j, r, refs);
	for (size_t f = 0; f < e->nfields; f++)
		if (e->fields[f].required && vals[f].kind == STORE_NULL)
			row__error(r, &j->arena, ERR_REQUIRED_MISSING, column_of(j, r, f),
				   "'%s' is required; fill it in", e->fields[f].name);
	if (r->nerrs)
		return apply__reject(j, r, err);
	rc = store_record_insert(j->p, r->entity, vals, &id, key, &conflict, err);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return reject_conflict(j, r, conflict, err);
	apply__count(j, r, IMPORT_INSERTED);
	return 0;
}

/*
 * A row that would insert a new record when its identifier is free tries the insert
 * first (one index search instead of a lookup and an insert): 0 done (inserted, or
 * rejected for a taken unique value: exactly what the lookup path does), 1 the record
 * exists or the row is no valid insert (take the lookup path), -1 error.
 */
static int insert_first(struct job *j, struct row *r, const struct store_val *refs,
			size_t field, struct err *err)
{
	const struct schema_entity *e = &j->sc->entities[r->entity];
	struct store_val *vals;
	char key[STORE_KEY_BYTES];
	size_t conflict = 0;
	int64_t id;
	int rc;

	if (!has_create_with(e, r))
		return 1;
	vals = insert_values(j, r, refs);
	if (!required_filled(e, vals))
		return 1;
	rc = store_record_insert_absent(j->p, r->entity, field, vals, &id, key, &conflict, err);
	if (rc < 0)
		return -1;
	if (rc == 2)
		return 1;
	if (rc == 1)
		return reject_conflict(j, r, conflict, err) < 0 ? -1 : 0;
	apply__count(j, r, IMPORT_INSERTED);
	return 0;
}

/* Writes new values and state over rec, or counts it unchanged. */
static int write_change(struct job *j, struct row *r, const struct store_record *rec,
			const struct store_val *vals, enum store_state state,
			enum import_outcome outcome, const bool *redact, struct err *err)
{
	const struct schema_entity *e = &j->sc->entities[r->entity];
	bool changed = state != rec->state;
	size_t conflict = 0;
	int rc;

	for (size_t f = 0; f < e->nfields && !changed; f++)
		changed = !store_val_equal(&rec->vals[f], &vals[f]);
	if (!changed) {
		apply__count(j, r, IMPORT_UNCHANGED);
		return 0;
	}
	rc = store_record_update(j->p, r->entity, rec, vals, state, reason_of(r->op), redact,
				 &conflict, err);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return reject_conflict(j, r, conflict, err);
	if (redact && store_record_purge(j->p, r->entity, rec->id, redact, err) < 0)
		return -1;
	apply__count(j, r, outcome);
	return 0;
}

static int do_update(struct job *j, struct row *r, const struct store_record *rec,
		     const struct store_val *refs, struct err *err)
{
	const struct schema_entity *e = &j->sc->entities[r->entity];
	struct store_val *vals = ARENA_NEW_ARRAY(&j->arena, struct store_val, e->nfields + 1);
	enum store_state state = rec->state;

	/* The built-in id and key are assigned: a row may name them, never change them. */
	if (r->state[SLOT_ID(e)] == SLOT_SET && r->vals[SLOT_ID(e)].i != rec->id)
		row__error(r, &j->arena, ERR_IMMUTABLE_FIELD, column_of(j, r, SLOT_ID(e)),
			   "The id of a record cannot change; leave the cell empty");
	if (r->state[SLOT_KEY(e)] == SLOT_SET &&
	    (r->vals[SLOT_KEY(e)].n != strlen(rec->key) ||
	     memcmp(r->vals[SLOT_KEY(e)].s, rec->key, r->vals[SLOT_KEY(e)].n) != 0))
		row__error(r, &j->arena, ERR_IMMUTABLE_FIELD, column_of(j, r, SLOT_KEY(e)),
			   "The key of a record cannot change; leave the cell empty");
	for (size_t f = 0; f < e->nfields; f++) {
		const struct schema_field *fd = &e->fields[f];
		vals[f] = rec->vals[f];
		if (r->state[f] == SLOT_SET) {
			if (j->mode == IMPORT_MODE_FILL && rec->vals[f].kind != STORE_NULL)
				continue;
			vals[f] = refs[f];
		} else if (r->state[f] == SLOT_CLEAR) {
			vals[f].kind = STORE_NULL;
		} else {
			continue;
		}
		if (fd->immutable && rec->vals[f].kind != STORE_NULL &&
		    !store_val_equal(&rec->vals[f], &vals[f])) {
			char val[80];
			row__error(r, &j->arena, ERR_IMMUTABLE_FIELD, column_of(j, r, f),
				   "'%s' is set and may not change to %s; leave the cell empty",
				   fd->name, shown(&vals[f], val, sizeof(val)));
		}
		if (fd->required && vals[f].kind == STORE_NULL)
			row__error(r, &j->arena, ERR_REQUIRED_MISSING, column_of(j, r, f),
				   "'%s' is required and cannot be cleared", fd->name);
	}
	if (r->nerrs)
		return apply__reject(j, r, err);
	if (r->op == SCHEMA_OP_UPDATEACT &&
	    (state == STORE_STATE_INVALID || state == STORE_STATE_DELETED))
		state = STORE_STATE_ACTIVE;
	return write_change(j, r, rec, vals, state, IMPORT_UPDATED, NULL, err);
}

/* DELETE clears the pii fields, ANONYMIZE those and every identifying field. */
static int do_clear(struct job *j, struct row *r, const struct store_record *rec,
		    struct err *err)
{
	const struct schema_entity *e = &j->sc->entities[r->entity];
	struct entity_ctx *ec = &j->ents[r->entity];
	bool anonymize = r->op == SCHEMA_OP_ANONYMIZE;
	const bool *which = anonymize ? ec->anon : ec->pii;
	struct store_val *vals = ARENA_NEW_ARRAY(&j->arena, struct store_val, e->nfields + 1);

	for (size_t f = 0; f < e->nfields; f++) {
		vals[f] = rec->vals[f];
		if (which[f])
			vals[f].kind = STORE_NULL;
	}
	return write_change(j, r, rec, vals,
			    anonymize ? STORE_STATE_ANONYMIZED : STORE_STATE_DELETED,
			    anonymize ? IMPORT_ANONYMIZED : IMPORT_DELETED, which, err);
}

static int do_drop(struct job *j, struct row *r, const struct store_record *rec,
		   struct err *err)
{
	const char *drop = op_word(j, r, SCHEMA_OP_DROP);
	char use[64], msg[256];
	int ref;

	if (!drop)
		drop = schema_op_name(SCHEMA_OP_DROP);
	op_words(j, r, SCHEMA_OP_DELETE, SCHEMA_OP_NONE, use, sizeof(use));
	if (rec->updated_job != rec->created_job) {
		snprintf(msg, sizeof(msg), "%s removes only a record that no job changed since the "
			 "one that created it%s%s", drop, use[0] ? "; use " : "", use);
		return reject(j, r, ERR_OPERATION_NOT_ALLOWED, op_column(j, r), msg, err);
	}
	ref = store_record_referenced(j->p, r->entity, rec->id, err);
	if (ref < 0)
		return -1;
	if (ref) {
		snprintf(msg, sizeof(msg), "Other records reference this record; %s them first%s%s",
			 drop, use[0] ? " or use " : "", use);
		return reject(j, r, ERR_OPERATION_NOT_ALLOWED, op_column(j, r), msg, err);
	}
	if (store_record_drop(j->p, r->entity, rec, err) < 0)
		return -1;
	apply__count(j, r, IMPORT_DROPPED);
	return 0;
}

int apply__row(struct job *j, struct row *r, bool from_wait, struct err *err)
{
	const struct schema_entity *e = &j->sc->entities[r->entity];
	const struct schema_ident *ident = NULL;
	struct store_val *refs;
	struct store_record rec;
	size_t missing = 0, slot = 0;
	int found = 0, rc;
	char msg[512], val[80];		/* a rejection's sentence, the value it quotes */

	if (r->nerrs)
		return apply__reject(j, r, err);
	for (size_t i = 0; i < e->nidentifiers && !ident; i++)
		if (r->state[ident_slot(e, &e->identifiers[i])] == SLOT_SET)
			ident = &e->identifiers[i];
	if (ident) {
		slot = ident_slot(e, ident);
		buf_reset(&j->key);
		waiting__key(ident_name(e, ident), &r->vals[slot], &j->key);
	}
	/* Rows of a record apply in file order: behind a waiting row, a row waits too. */
	if (ident && !from_wait && j->maybe_waiting) {
		rc = store_wait_holds(j->p, j->id, r->entity, j->key.ptr, j->key.len, err);
		if (rc < 0)
			return -1;
		if (rc == 1)
			return waiting__add(j, r, r->entity, "", 0, j->key.ptr, j->key.len, err) < 0
				       ? -1 : 1;
	}
	refs = ARENA_NEW_ARRAY(&j->arena, struct store_val, e->nfields + 1);
	rc = resolve_refs(j, r, refs, &missing, err);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		struct entity_ctx *ec = &j->ents[r->entity];
		const struct schema_entity *pe = &j->sc->entities[ec->ref_parent[missing]];
		if (from_wait)
			return 1;
		buf_reset(&j->key2);
		waiting__key(pe->fields[ec->ref_by[missing]].name, &r->vals[missing], &j->key2);
		if (!ident) {
			/* A row that names no record still waits, under a key of its own. */
			buf_reset(&j->key);
			buf_addf(&j->key, "\x1e%" PRIu32 ":%" PRIu64, r->file, r->line);
		}
		return waiting__add(j, r, (size_t)ec->ref_parent[missing], j->key2.ptr,
				    j->key2.len, j->key.ptr, j->key.len, err) < 0 ? -1 : 1;
	}
	if (ident && e->duplicates_in_file == SCHEMA_DUPLICATES_REJECT) {
		struct buf seen;
		buf_init(&seen, j->key.len + 64);
		buf_addf(&seen, "%" PRIu32 "\x1f%zu\x1f", r->file, r->entity);
		buf_add(&seen, j->key.ptr, j->key.len);
		rc = store_seen_add(j->p, j->id, seen.ptr, seen.len, err);
		buf_release(&seen);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			snprintf(msg, sizeof(msg), "An earlier row of this file has %s %s; keep one "
				 "row per record", column_of(j, r, slot),
				 shown(&r->vals[slot], val, sizeof(val)));
			return reject(j, r, ERR_DUPLICATE_IN_FILE, column_of(j, r, slot), msg,
				      err) < 0 ? -1 : 0;
		}
	}
	/* Insert first while most rows are new; look up first while most exist (a file
	   imported again). Either path gives the same outcome; only the cost differs. */
	if (ident && ident->builtin == SCHEMA_BUILTIN_NONE && j->exists_rate < 0.5 &&
	    (r->op == SCHEMA_OP_UPSERT || r->op == SCHEMA_OP_INSERT)) {
		rc = insert_first(j, r, refs, ident->field, err);
		if (rc <= 0) {
			j->exists_rate *= 0.98;
			return rc;
		}
	}
	if (ident) {
		found = store_record_find(j->p, r->entity, ident, &r->vals[slot], &j->arena, &rec,
					  err);
		if (found < 0)
			return -1;
		j->exists_rate = 0.98 * j->exists_rate + (found ? 0.02 : 0);
		if (!found && ident->builtin != SCHEMA_BUILTIN_NONE) {
			snprintf(msg, sizeof(msg), "No record has %s %s; check it, or leave it "
				 "empty to create a record", column_of(j, r, slot),
				 shown(&r->vals[slot], val, sizeof(val)));
			return reject(j, r, ERR_RECORD_NOT_FOUND, column_of(j, r, slot), msg,
				      err) < 0 ? -1 : 0;
		}
	}
	if (!found) {
		if (r->op == SCHEMA_OP_INSERT || r->op == SCHEMA_OP_UPSERT) {
			if (!ident && e->ncreate_with) {
				char names[400];
				ident_list(e, e->identifiers, e->nidentifiers, names, sizeof(names));
				snprintf(msg, sizeof(msg),
					 "The row fills none of the identifiers (%s); fill one in",
					 names);
				return reject(j, r, ERR_IDENTIFIER_REQUIRED, "", msg, err) < 0 ? -1
												: 0;
			}
			return do_insert(j, r, refs, err) < 0 ? -1 : 0;
		}
		if (ident) {
			char use[64];
			op_words(j, r, SCHEMA_OP_INSERT, SCHEMA_OP_UPSERT, use, sizeof(use));
			snprintf(msg, sizeof(msg), "No record has %s %s; check it%s%s%s",
				 column_of(j, r, slot), shown(&r->vals[slot], val, sizeof(val)),
				 use[0] ? ", or use " : "", use, use[0] ? " to create one" : "");
		}
		return reject(j, r, ERR_RECORD_NOT_FOUND,
			      ident ? column_of(j, r, slot) : "",
			      ident ? msg : "The row fills none of the identifiers; fill one in",
			      err) < 0 ? -1 : 0;
	}
	if (rec.state == STORE_STATE_ANONYMIZED && r->op != SCHEMA_OP_DROP)
		return reject(j, r, ERR_OPERATION_NOT_ALLOWED, op_column(j, r),
			      "The record was anonymized; it cannot change any more", err) < 0 ? -1 : 0;
	switch (r->op) {
	case SCHEMA_OP_INSERT:
		{
			char use[64];
			op_words(j, r, SCHEMA_OP_UPDATE, SCHEMA_OP_UPSERT, use, sizeof(use));
			snprintf(msg, sizeof(msg), "A record with %s %s exists already%s%s",
				 column_of(j, r, slot), shown(&r->vals[slot], val, sizeof(val)),
				 use[0] ? "; use " : "", use);
		}
		return reject(j, r, ERR_RECORD_EXISTS, column_of(j, r, slot), msg, err) < 0 ? -1
											: 0;
	case SCHEMA_OP_DELETE:
	case SCHEMA_OP_ANONYMIZE:
		return do_clear(j, r, &rec, err) < 0 ? -1 : 0;
	case SCHEMA_OP_INVALIDATE:
		if (rec.state == STORE_STATE_DELETED)
			return reject(j, r, ERR_OPERATION_NOT_ALLOWED, op_column(j, r),
				      "The record was deleted; it cannot be invalidated", err) < 0 ? -1
											 : 0;
		return write_change(j, r, &rec, rec.vals, STORE_STATE_INVALID, IMPORT_INVALIDATED,
				    NULL, err) < 0 ? -1 : 0;
	case SCHEMA_OP_DROP:
		return do_drop(j, r, &rec, err) < 0 ? -1 : 0;
	default:
		return do_update(j, r, &rec, refs, err) < 0 ? -1 : 0;
	}
}
