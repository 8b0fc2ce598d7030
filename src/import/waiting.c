/*
 * Rows that wait for their parent (CONTRACT 3 Hierarchy, 9): kept in the store with the
 * job, not in memory, serialised with their decoded values and their cells. After the
 * pass over every file they are applied in dependency order, however deep, in rounds:
 * each round goes through the waiting rows in arrival order and applies those whose
 * parent now exists and that are first of their record; when a round applies nothing,
 * rows whose parent no waiting row provides get parent_not_found, and then rows on a
 * loop get parent_cycle. The round's position is in the checkpoint, so a resumed job
 * takes exactly the path an uninterrupted one would.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "import/import_int.h"
#include "base/banned.h"

void waiting__key(const char *field, const struct store_val *v, struct buf *out)
{
	buf_adds(out, field);
	buf_addc(out, '\x1f');
	switch (v->kind) {
	case STORE_NULL:
		break;
	case STORE_INT:
		buf_addf(out, "%" PRId64, v->i);
		break;
	case STORE_REAL:
		buf_addf(out, "%.17g", v->r);
		break;
	case STORE_TEXT:
		buf_add(out, v->s, v->n);
		break;
	}
}

/* ---- serialising a row ---- */

static void put32(struct buf *b, uint32_t v)
{
	buf_add(b, &v, sizeof(v));
}

static void put64(struct buf *b, uint64_t v)
{
	buf_add(b, &v, sizeof(v));
}

/* n bytes and a NUL, so that a row read back points into the payload (no second copy). */
static void put_bytes(struct buf *b, const void *p, size_t n)
{
	put32(b, (uint32_t)n);
	buf_add(b, p, n);
	buf_addc(b, '\0');
}

/* A text value's kind in a payload when its bytes are those of a cell (see serialise). */
#define WAIT_TEXT_IN_CELL 0x7f

/* The cell whose bytes end where v's do and hold them, or r->ncells. */
static size_t cell_of(const struct row *r, const struct store_val *v)
{
	for (size_t c = 0; c < r->ncells; c++) {
		const char *p = r->cells[c].ptr, *end = p + r->cells[c].len;
		if (v->s >= p && v->s <= end && v->s + v->n == end)
			return c;
	}
	return r->ncells;
}

static void serialise(const struct job *j, const struct row *r, struct buf *b)
{
	const struct schema_entity *e = &j->sc->entities[r->entity];
	size_t ns = NSLOTS(e);

	put32(b, r->file);
	put64(b, r->line);
	put64(b, r->index);
	put64(b, r->offset);
	put32(b, (uint32_t)r->entity);
	put32(b, (uint32_t)r->op);
	put32(b, (uint32_t)ns);
	for (size_t s = 0; s < ns; s++) {
		const struct store_val *v = &r->vals[s];
		buf_addc(b, (char)r->state[s]);
		if (r->state[s] != SLOT_SET)
			continue;
		if (v->kind == STORE_TEXT) {
			/* A text value is often the cell itself (the front end points it there):
			   then only where it is in the cell is kept, not its bytes again. */
			size_t c = cell_of(r, v);
			if (c < r->ncells) {
				buf_addc(b, (char)WAIT_TEXT_IN_CELL);
				put32(b, (uint32_t)c);
				put32(b, (uint32_t)(v->s - r->cells[c].ptr));
				put32(b, (uint32_t)v->n);
				continue;
			}
		}
		buf_addc(b, (char)v->kind);
		if (v->kind == STORE_INT)
			put64(b, (uint64_t)v->i);
		else if (v->kind == STORE_REAL)
			buf_add(b, &v->r, sizeof(v->r));
		else if (v->kind == STORE_TEXT)
			put_bytes(b, v->s, v->n);
	}
	put32(b, (uint32_t)r->ncells);
	for (size_t c = 0; c < r->ncells; c++) {
		buf_addc(b, r->cells[c].quoted ? 1 : 0);
		put_bytes(b, r->cells[c].ptr, r->cells[c].len);
	}
}

struct reader {
	const char *p, *end;
	bool bad;
};

static void get(struct reader *rd, void *out, size_t n)
{
	if ((size_t)(rd->end - rd->p) < n) {
		rd->bad = true;
		memset(out, 0, n);
		return;
	}
	memcpy(out, rd->p, n);
	rd->p += n;
}

static uint32_t get32(struct reader *rd)
{
	uint32_t v;

	get(rd, &v, sizeof(v));
	return v;
}

static uint64_t get64(struct reader *rd)
{
	uint64_t v;

	get(rd, &v, sizeof(v));
	return v;
}

/* A string of the payload, in place: it lives as long as the payload does. */
static const char *get_bytes(struct reader *rd, size_t *ret_n)
{
	uint32_t n = get32(rd);
	const char *s;

	if (rd->bad || (size_t)(rd->end - rd->p) <= n || rd->p[n] != '\0') {
		rd->bad = true;
		*ret_n = 0;
		return "";
	}
	s = rd->p;
	rd->p += (size_t)n + 1;
	*ret_n = n;
	return s;
}

static int deserialise(const struct job *j, const void *p, size_t n, struct arena *a,
		       struct row *r, struct err *err)
{
	struct reader rd = {.p = p, .end = (const char *)p + n};
	size_t ns;

	memset(r, 0, sizeof(*r));
	r->file = get32(&rd);
	r->line = get64(&rd);
	r->index = get64(&rd);
	r->offset = get64(&rd);
	r->entity = get32(&rd);
	r->op = (enum schema_op)get32(&rd);
	ns = get32(&rd);
	if (rd.bad || r->entity >= j->sc->nentities || ns != NSLOTS(&j->sc->entities[r->entity]))
		return err_set(err, ERR_INTERNAL_ERROR, "a waiting row does not read back");
	r->state = arena_zalloc(a, ns);
	r->vals = ARENA_NEW_ARRAY(a, struct store_val, ns);
	for (size_t s = 0; s < ns && !rd.bad; s++) {
		char st, kind;
		get(&rd, &st, 1);
		r->state[s] = (uint8_t)st;
		if (st != SLOT_SET)
			continue;
		get(&rd, &kind, 1);
		if (kind == WAIT_TEXT_IN_CELL) {
			/* Resolved once the cells are read: n says where (cell, offset, length). */
			r->vals[s].kind = STORE_TEXT;
			r->vals[s].i = get32(&rd);
			r->vals[s].r = get32(&rd);
			r->vals[s].n = get32(&rd);
			r->vals[s].s = NULL;
			continue;
		}
		r->vals[s].kind = (enum store_kind)kind;
		if (kind == STORE_INT)
			r->vals[s].i = (int64_t)get64(&rd);
		else if (kind == STORE_REAL)
			get(&rd, &r->vals[s].r, sizeof(double));
		else if (kind == STORE_TEXT)
			r->vals[s].s = get_bytes(&rd, &r->vals[s].n);
	}
	r->ncells = get32(&rd);
	if (rd.bad || r->ncells > j->limits.columns + 1)
		return err_set(err, ERR_INTERNAL_ERROR, "a waiting row does not read back");
	r->cells = ARENA_NEW_ARRAY(a, struct csv_field, r->ncells ? r->ncells : 1);
	for (size_t c = 0; c < r->ncells && !rd.bad; c++) {
		char q;
		get(&rd, &q, 1);
		r->cells[c].quoted = q != 0;
		r->cells[c].ptr = get_bytes(&rd, &r->cells[c].len);
	}
	for (size_t s = 0; s < ns && !rd.bad; s++) {
		struct store_val *v = &r->vals[s];
		size_t c, off;
		if (r->state[s] != SLOT_SET || v->kind != STORE_TEXT || v->s)
			continue;
		c = (size_t)v->i;
		off = (size_t)v->r;
		if (c >= r->ncells || off > r->cells[c].len || r->cells[c].len - off != v->n) {
			rd.bad = true;
			break;
		}
		v->s = r->cells[c].ptr + off;
		v->i = 0;
		v->r = 0;
	}
	if (rd.bad)
		return err_set(err, ERR_INTERNAL_ERROR, "a waiting row does not read back");
	return 0;
}

int waiting__add(struct job *j, const struct row *r, size_t parent_entity, const void *pkey,
		 size_t pkey_len, const void *rkey, size_t rkey_len, struct err *err)
{
	struct store_wait w = {0};
	int rc;

	buf_reset(&j->payload);
	serialise(j, r, &j->payload);
	if (j->payload.failed)
		return err_set(err, ERR_INTERNAL_ERROR, "a waiting row is too large to keep");
	w.entity = r->entity;
	w.rec_key = rkey;
	w.rec_key_len = rkey_len;
	w.parent_entity = parent_entity;
	w.parent_key = pkey;
	w.parent_key_len = pkey_len;
	w.payload = j->payload.ptr;
	w.payload_len = j->payload.len;
	j->maybe_waiting = true;
	rc = store_wait_add(j->p, j->id, &w, err);
	/* A row near the record limit leaves a buffer of its size: not kept for the job. */
	if (j->payload.cap > MIB)
		buf_release(&j->payload);
	return rc;
}

/* ---- the pass over waiting rows ---- */

/* 1 when w is the first waiting row of its record. */
static int first_of_record(struct job *j, const struct store_wait *w, struct err *err)
{
	struct store_wait first;
	struct arena tmp;	/* only its number is wanted: its payload goes at once */
	int rc;

	arena_init(&tmp, 4096);
	rc = store_wait_first_of(j->p, j->id, w->entity, w->rec_key, w->rec_key_len, &tmp,
				 &first, err);
	arena_release(&tmp);
	if (rc < 0)
		return -1;
	return rc == 1 && first.seq == w->seq;
}

/*
 * The next waiting row after *after that is the first of its record (with parents_only,
 * and has a parent key): 1 (*w, in j->arena), 0 at the end, -1 on error. *after moves
 * past every row read.
 */
static int next_first(struct job *j, int64_t *after, bool parents_only, struct store_wait *w,
		      struct err *err)
{
	int rc;

	for (;;) {
		arena_reset(&j->arena);
		rc = store_wait_next(j->p, j->id, *after, &j->arena, w, err);
		if (rc <= 0)
			return rc;
		*after = w->seq;
		if (parents_only && w->parent_key_len == 0)
			continue;
		rc = first_of_record(j, w, err);
		if (rc != 0)
			return rc;
	}
}

/* The waiting row that would create w's parent (the first of that record), if any. */
static int provider(struct job *j, const struct store_wait *w, struct store_wait *ret,
		    struct err *err)
{
	if (w->parent_key_len == 0)
		return 0;
	return store_wait_first_of(j->p, j->id, w->parent_entity, w->parent_key,
				   w->parent_key_len, &j->arena, ret, err);
}

static int commit_if(struct job *j, bool force, struct err *err)
{
	if (!force && j->wait_ops < IMPORT_WAIT_BATCH)
		return 0;
	if (job__commit(j, err) < 0)
		return -1;
	j->wait_ops = 0;
	return store_batch_begin(j->p, err);
}

/* Rejects waiting row w with code, and removes it. */
static int reject_waiting(struct job *j, const struct store_wait *w, enum err_code code,
			  struct err *err)
{
	struct row r;
	size_t field = 0;
	const char *column = "";
	char value[128] = "";
	int rc;

	if (deserialise(j, w->payload, w->payload_len, &j->arena, &r, err) < 0)
		return -1;
	rc = apply__missing_parent(j, &r, &field, err);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		const struct store_val *v = &r.vals[field];
		column = j->sc->entities[r.entity].fields[field].name;
		if (v->kind == STORE_TEXT)
			snprintf(value, sizeof(value), "'%.100s' ", v->s);
	}
	if (code == ERR_PARENT_CYCLE)
		row__error(&r, &j->arena, code, column,
			   "The parent %sof '%s' leads back to this row: the references form a "
			   "loop; break it", value, column);
	else
		row__error(&r, &j->arena, code, column,
			   "The parent %sof '%s' does not exist, in the store or in this job; "
			   "check it", value, column);
	if (store_wait_delete(j->p, j->id, w->seq, err) < 0 || apply__reject(j, &r, err) < 0)
		return -1;
	j->wait_ops++;
	return 0;
}

/* One round in arrival order from state.wait_after: applies what is ready. */
static int round_once(struct job *j, struct err *err)
{
	struct store_wait w;
	struct row r;
	int rc;

	for (;;) {
		rc = next_first(j, &j->state.wait_after, false, &w, err);
		if (rc <= 0)
			return rc;
		if (deserialise(j, w.payload, w.payload_len, &j->arena, &r, err) < 0)
			return -1;
		rc = apply__row(j, &r, true, err);
		if (rc < 0)
			return -1;
		if (rc == 1)
			continue;
		if (store_wait_delete(j->p, j->id, w.seq, err) < 0)
			return -1;
		j->state.wait_progress = true;
		j->wait_ops++;
		if (commit_if(j, false, err) < 0)
			return -1;
	}
}

/* No round can apply anything: rows whose parent nobody provides are rejected. */
static int reject_orphans(struct job *j, struct err *err)
{
	struct store_wait w, prov;
	int rc;

	for (;;) {
		rc = next_first(j, &j->state.wait_after, true, &w, err);
		if (rc <= 0)
			return rc;
		rc = provider(j, &w, &prov, err);
		if (rc < 0)
			return -1;
		if (rc == 1)
			continue;
		if (reject_waiting(j, &w, ERR_PARENT_NOT_FOUND, err) < 0)
			return -1;
		j->state.wait_progress = true;
		if (commit_if(j, false, err) < 0)
			return -1;
	}
}

static void copy_wait(struct job *j, const struct store_wait *w, struct store_wait *ret)
{
	*ret = *w;
	ret->rec_key = arena_memdup0(&j->arena, w->rec_key, w->rec_key_len);
	ret->parent_key = arena_memdup0(&j->arena, w->parent_key, w->parent_key_len);
	ret->payload = arena_memdup0(&j->arena, w->payload, w->payload_len);
}

/* Moves *w one step along the parent chain: 1, or 0 when the chain ends. */
static int step(struct job *j, struct store_wait *w, struct err *err)
{
	struct store_wait next;
	int rc = provider(j, w, &next, err);

	if (rc == 1)
		copy_wait(j, &next, w);
	return rc;
}

/*
 * Every remaining row's parent is provided by another waiting row: the chains end in
 * loops. Finds the loop reached from the first such row (Floyd's tortoise and hare) and
 * rejects the rows on it with parent_cycle.
 */
static int reject_cycle(struct job *j, struct err *err)
{
	struct store_wait start, slow, fast;
	int64_t after = 0, first;
	int rc = next_first(j, &after, true, &start, err);

	if (rc <= 0)
		return rc;
	copy_wait(j, &start, &slow);
	copy_wait(j, &start, &fast);
	do {
		if ((rc = step(j, &slow, err)) <= 0 || (rc = step(j, &fast, err)) <= 0 ||
		    (rc = step(j, &fast, err)) <= 0)
			return rc;
	} while (slow.seq != fast.seq);
	/* slow is on the loop: go round it once, rejecting each row. */
	first = slow.seq;
	for (;;) {
		struct store_wait cur;
		copy_wait(j, &slow, &cur);
		rc = step(j, &slow, err);
		if (rc < 0 || reject_waiting(j, &cur, ERR_PARENT_CYCLE, err) < 0)
			return -1;
		if (rc == 0 || slow.seq == first)
			return 1;
	}
}

/*
 * The stages, in the checkpoint so that a resumed job goes the same way: ROUND until a
 * round applies nothing; then ORPHANS; if that rejected something, ROUND again, else
 * CYCLE, then ROUND.
 */
enum { STAGE_ROUND, STAGE_ORPHANS, STAGE_CYCLE };

int waiting__run(struct job *j, struct err *err)
{
	uint64_t left;
	int rc;

	j->wait_ops = 0;
	if (store_batch_begin(j->p, err) < 0)
		return -1;
	for (;;) {
		switch (j->state.wait_stage) {
		case STAGE_ROUND:
			if (round_once(j, err) < 0)
				goto fail;
			if (!j->state.wait_progress) {
				if (store_wait_count(j->p, j->id, &left, err) < 0)
					goto fail;
				if (left == 0)
					goto done;
				j->state.wait_stage = STAGE_ORPHANS;
			}
			break;
		case STAGE_ORPHANS:
			if (reject_orphans(j, err) < 0)
				goto fail;
			j->state.wait_stage = j->state.wait_progress ? STAGE_ROUND : STAGE_CYCLE;
			break;
		default:
			rc = reject_cycle(j, err);
			if (rc < 0)
				goto fail;
			if (rc == 0) {
				err_set(err, ERR_INTERNAL_ERROR, "waiting rows that never resolve");
				goto fail;
			}
			j->state.wait_stage = STAGE_ROUND;
			break;
		}
		j->state.wait_after = 0;
		j->state.wait_progress = false;
		if (commit_if(j, true, err) < 0)
			return -1;
	}
done:
	j->state.wait_after = 0;
	j->state.wait_progress = false;
	if (rejects__sync(j, err) < 0 || job__checkpoint(j, err) < 0)
		return -1;
	return 0;
fail:
	store_batch_rollback(j->p, NULL);
	return -1;
}
