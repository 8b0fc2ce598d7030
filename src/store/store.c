/*
 * The store's public functions: they pick the back end and call through its table; the
 * helpers every back end shares (names, keys, identifier quoting) live here too.
 */
#include "store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "base/limit.h"
#include "base/xalloc.h"
#include "store/store_int.h"
#include "base/banned.h"

_Noreturn void store__bug(const char *file, int line, const char *msg)
{
	fprintf(stderr, "intake: BUG at %s:%d: %s\n", file, line, msg);
	abort();
}

static const struct store_backend *backend_for(const char *url, struct err *err)
{
	if (!url || !*url || strcmp(url, "sqlite:") == 0)
		return &store_backend_sqlite;
	if (strncmp(url, "sqlite:", 7) == 0) {
		/* The SQLite files live in the data directory; a path here would be ignored. */
		err_set(err, ERR_INVALID_ARGUMENT,
			"'%s': the SQLite store lives in the data directory; give it with --data DIR "
			"and leave --db unset (or 'sqlite:')", url);
		return NULL;
	}
	if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
		err_set(err, ERR_INVALID_ARGUMENT,
			"the PostgreSQL back end is not available in this build; leave --db unset "
			"to use SQLite in the data directory");
		return NULL;
	}
	err_set(err, ERR_INVALID_ARGUMENT, "unknown database URL '%s'", url);
	return NULL;
}

void store__head_init(struct store *st, const struct store_backend *be, const char *data_dir)
{
	st->be = be;
	st->data_dir = xstrdup(data_dir);
}

void store__head_release(struct store *st)
{
	free(st->data_dir);
	st->data_dir = NULL;
}

void store__program_head_release(struct store_program *p)
{
	free(p->name);
	free(p->preset);
	schema_free(p->schema);
}

/* ---- helpers ---- */

bool store_val_equal(const struct store_val *a, const struct store_val *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case STORE_NULL:
		return true;
	case STORE_INT:
		return a->i == b->i;
	case STORE_REAL:
		return a->r == b->r;
	case STORE_TEXT:
		return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
	}
	return false;
}

static const char *const state_names[STORE_NSTATES] = {
	[STORE_STATE_ACTIVE] = "active",
	[STORE_STATE_INVALID] = "invalid",
	[STORE_STATE_DELETED] = "deleted",
	[STORE_STATE_ANONYMIZED] = "anonymized",
};

const char *store_state_name(enum store_state s)
{
	return (unsigned)s < STORE_NSTATES ? state_names[s] : "unknown";
}

bool store_state_from_name(const char *name, enum store_state *ret)
{
	for (int i = 0; i < STORE_NSTATES; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*ret = (enum store_state)i;
			return true;
		}
	return false;
}

static const char *const job_status_names[] = {
	[STORE_JOB_QUEUED] = "queued",	     [STORE_JOB_RUNNING] = "running",
	[STORE_JOB_SUCCEEDED] = "succeeded", [STORE_JOB_PARTIAL] = "partial",
	[STORE_JOB_FAILED] = "failed",	     [STORE_JOB_CANCELLED] = "cancelled",
	[STORE_JOB_REVERTED] = "reverted",
};

const char *store_job_status_name(enum store_job_status s)
{
	if ((unsigned)s >= sizeof(job_status_names) / sizeof(job_status_names[0]))
		return "unknown";
	return job_status_names[s];
}

#define IDENT_MAX 127

int store_quote_ident(struct buf *out, const char *name, struct err *err)
{
	size_t n = strlen(name);

	if (n == 0 || n > IDENT_MAX)
		return err_set(err, ERR_INVALID_SCHEMA, "'%.*s' is not a valid name (1 to %d bytes)",
			       64, name, IDENT_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
			  (i > 0 && c >= '0' && c <= '9');
		if (!ok)
			return err_set(err, ERR_INVALID_SCHEMA,
				       "'%.64s' is not a valid name: letters, digits and '_' only, "
				       "starting with a letter", name);
	}
	buf_addc(out, '"');
	buf_add(out, name, n);
	buf_addc(out, '"');
	return 0;
}

bool store_program_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > LIMIT_NAME_BYTES)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return false;
	}
	return true;
}

enum store_kind store__kind_of(enum schema_type t)
{
	switch (t) {
	case SCHEMA_INTEGER:
	case SCHEMA_BOOLEAN:
	case SCHEMA_REFERENCE:
		return STORE_INT;
	case SCHEMA_DECIMAL:
		return STORE_REAL;
	default:
		return STORE_TEXT;
	}
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoroshiro128+ step: fast, and only has to make keys of one millisecond differ. */
static uint64_t rng_next(uint64_t s[2])
{
	uint64_t s0 = s[0], s1 = s[1], r = s0 + s1;

	s1 ^= s0;
	s[0] = rotl(s0, 24) ^ s1 ^ (s1 << 16);
	s[1] = rotl(s1, 37);
	return r;
}

void store__new_key(uint64_t rng[2], char out[STORE_KEY_BYTES])
{
	unsigned char b[16];
	struct timespec ts;
	uint64_t ms, r1, r2;

	if (rng[0] == 0 && rng[1] == 0) {
		if (getrandom(rng, 2 * sizeof(uint64_t), 0) != 2 * sizeof(uint64_t) ||
		    (rng[0] == 0 && rng[1] == 0)) {
			rng[0] = (uint64_t)time(NULL) ^ 0x9e3779b97f4a7c15u;
			rng[1] = (uint64_t)(uintptr_t)out ^ 0xbf58476d1ce4e5b9u;
		}
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	r1 = rng_next(rng);
	r2 = rng_next(rng);
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (8 * (5 - i)));
	b[6] = (unsigned char)(0x70 | ((r1 >> 8) & 0x0f));
	b[7] = (unsigned char)r1;
	b[8] = (unsigned char)(0x80 | ((r2 >> 56) & 0x3f));
	for (int i = 9; i < 16; i++)
		b[i] = (unsigned char)(r2 >> (8 * (15 - i)));
	/* 8-4-4-4-12 hex digits, by hand: this runs once per inserted record. */
	{
		static const char hex[] = "0123456789abcdef";
		char *o = out;
		for (int i = 0; i < 16; i++) {
			if (i == 4 || i == 6 || i == 8 || i == 10)
				*o++ = '-';
			*o++ = hex[b[i] >> 4];
			*o++ = hex[b[i] & 15];
		}
		*o = '\0';
	}
}

void store_job_dir(const struct store *st, int64_t job, struct buf *out)
{
	buf_addf(out, "%s/jobs/%" PRId64, st->data_dir, job);
}

void store_program_dir(const struct store *st, int64_t program, struct buf *out)
{
	buf_addf(out, "%s/programs/%" PRId64, st->data_dir, program);
}

/* ---- dispatch ---- */

int store_init(const char *data_dir, const char *url, struct err *err)
{
	const struct store_backend *be = backend_for(url, err);

	return be ? be->init(data_dir, url, err) : -1;
}

int store_open(const char *data_dir, const char *url, struct store **ret_st, struct err *err)
{
	const struct store_backend *be = backend_for(url, err);

	return be ? be->open(data_dir, url, ret_st, err) : -1;
}

void store_free(struct store *st)
{
	if (st)
		st->be->free(st);
}

const char *store_backend_name(const struct store *st)
{
	return st->be->name;
}

int store_program_create(struct store *st, const char *name, const struct schema *schema,
			 int64_t *ret_id, struct err *err)
{
	if (!store_program_name_valid(name))
		return err_set(err, ERR_INVALID_ARGUMENT,
			       "'%.64s' is not a valid program name: letters, digits, '_', '.' and "
			       "'-', starting with a letter or digit, at most %d bytes",
			       name, LIMIT_NAME_BYTES);
	return st->be->program_create(st, name, schema, ret_id, err);
}

int store_program_list(struct store *st, struct store_program_info **ret, size_t *ret_n,
		       struct err *err)
{
	return st->be->program_list(st, ret, ret_n, err);
}

void store_program_infos_free(struct store_program_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].preset);
	}
	free(v);
}

int store_program_open(struct store *st, const char *name, struct store_program **ret_p,
		       struct err *err)
{
	return st->be->program_open(st, name, 0, ret_p, err);
}

int store_program_open_id(struct store *st, int64_t id, struct store_program **ret_p,
			  struct err *err)
{
	return st->be->program_open(st, NULL, id, ret_p, err);
}

void store_program_close(struct store_program *p)
{
	if (p)
		p->be->program_close(p);
}

const struct schema *store_program_schema(const struct store_program *p)
{
	return p->schema;
}

int64_t store_program_id(const struct store_program *p)
{
	return p->id;
}

const char *store_program_name(const struct store_program *p)
{
	return p->name;
}

const char *store_program_preset(const struct store_program *p)
{
	return p->preset;
}

int store_program_field_add(struct store_program *p, const char *entity, const char *field_json,
			    size_t len, struct err *err)
{
	return p->be->program_field_add(p, entity, field_json, len, err);
}

int store_entity_counts(struct store_program *p, size_t entity, uint64_t ret[STORE_NSTATES],
			struct err *err)
{
	return p->be->entity_counts(p, entity, ret, err);
}

void store_set_job(struct store_program *p, const struct store_job_ctx *ctx)
{
	p->job = *ctx;
}

int store_batch_begin(struct store_program *p, struct err *err)
{
	return p->be->batch_begin(p, err);
}

int store_batch_commit(struct store_program *p, int64_t job, const void *checkpoint, size_t n,
		       struct err *err)
{
	return p->be->batch_commit(p, job, checkpoint, n, err);
}

int store_batch_rollback(struct store_program *p, struct err *err)
{
	return p->be->batch_rollback(p, err);
}

int store_checkpoint_load(struct store_program *p, int64_t job, struct buf *out,
			  struct err *err)
{
	return p->be->checkpoint_load(p, job, out, err);
}

int store_dry_begin(struct store_program *p, struct err *err)
{
	return p->be->dry_begin(p, err);
}

int store_dry_end(struct store_program *p, struct err *err)
{
	return p->be->dry_end(p, err);
}

int store_record_find(struct store_program *p, size_t entity, const struct schema_ident *ident,
		      const struct store_val *v, struct arena *a, struct store_record *ret,
		      struct err *err)
{
	return p->be->record_find(p, entity, ident, v, a, ret, err);
}

int store_value_owner(struct store_program *p, size_t entity, size_t field,
		      const struct store_val *v, int64_t *ret_id, struct err *err)
{
	return p->be->value_owner(p, entity, field, v, ret_id, err);
}

int store_record_insert(struct store_program *p, size_t entity, const struct store_val *vals,
			int64_t *ret_id, char ret_key[STORE_KEY_BYTES], size_t *ret_conflict,
			struct err *err)
{
	return p->be->record_insert(p, entity, vals, ret_id, ret_key, ret_conflict, err);
}

int store_record_insert_absent(struct store_program *p, size_t entity, size_t field,
			       const struct store_val *vals, int64_t *ret_id,
			       char ret_key[STORE_KEY_BYTES], size_t *ret_conflict, struct err *err)
{
	return p->be->record_insert_absent(p, entity, field, vals, ret_id, ret_key, ret_conflict,
					   err);
}

int store_record_update(struct store_program *p, size_t entity, const struct store_record *old,
			const struct store_val *vals, enum store_state state, const char *reason,
			const bool *redact, size_t *ret_conflict, struct err *err)
{
	return p->be->record_update(p, entity, old, vals, state, reason, redact, ret_conflict,
				    err);
}

int store_record_drop(struct store_program *p, size_t entity, const struct store_record *old,
		      struct err *err)
{
	return p->be->record_drop(p, entity, old, err);
}

int store_record_purge(struct store_program *p, size_t entity, int64_t id, const bool *fields,
		       struct err *err)
{
	return p->be->record_purge(p, entity, id, fields, err);
}

int store_record_referenced(struct store_program *p, size_t entity, int64_t id,
			    struct err *err)
{
	return p->be->record_referenced(p, entity, id, err);
}

int store_program_compact(struct store_program *p, struct err *err)
{
	return p->be->program_compact(p, err);
}

int store_wait_add(struct store_program *p, int64_t job, struct store_wait *w, struct err *err)
{
	return p->be->wait_add(p, job, w, err);
}

int store_wait_holds(struct store_program *p, int64_t job, size_t entity, const void *rec_key,
		     size_t len, struct err *err)
{
	return p->be->wait_holds(p, job, entity, rec_key, len, err);
}

int store_wait_next(struct store_program *p, int64_t job, int64_t after, struct arena *a,
		    struct store_wait *ret, struct err *err)
{
	return p->be->wait_next(p, job, after, a, ret, err);
}

int store_wait_first_of(struct store_program *p, int64_t job, size_t entity, const void *rec_key,
			size_t len, struct arena *a, struct store_wait *ret, struct err *err)
{
	return p->be->wait_first_of(p, job, entity, rec_key, len, a, ret, err);
}

int store_wait_delete(struct store_program *p, int64_t job, int64_t seq, struct err *err)
{
	return p->be->wait_delete(p, job, seq, err);
}

int store_wait_count(struct store_program *p, int64_t job, uint64_t *ret_n, struct err *err)
{
	return p->be->wait_count(p, job, ret_n, err);
}

int store_seen_add(struct store_program *p, int64_t job, const void *key, size_t len,
		   struct err *err)
{
	return p->be->seen_add(p, job, key, len, err);
}

int store_job_settle(struct store_program *p, struct err *err)
{
	return p->be->job_settle(p, err);
}

int store_job_forget(struct store_program *p, int64_t job, struct err *err)
{
	return p->be->job_forget(p, job, err);
}

int store_cursor_open(struct store_program *p, size_t entity, const struct store_filter *filters,
		      size_t nfilters, bool resolve_refs, struct store_cursor **ret_c,
		      struct err *err)
{
	return p->be->cursor_open(p, entity, filters, nfilters, resolve_refs, ret_c, err);
}

int store_cursor_next(struct store_cursor *c, struct arena *a, struct store_record *ret,
		      struct err *err)
{
	return c->be->cursor_next(c, a, ret, err);
}

void store_cursor_free(struct store_cursor *c)
{
	if (c)
		c->be->cursor_free(c);
}

int store_job_create(struct store *st, int64_t program_id, const char *user, const char *name,
		     const char *options, int64_t *ret_id, struct err *err)
{
	return st->be->job_create(st, program_id, user, name, options, ret_id, err);
}

int store_job_get(struct store *st, int64_t id, struct store_job *ret, struct err *err)
{
	return st->be->job_get(st, id, ret, err);
}

void store_job_release(struct store_job *j)
{
	if (!j)
		return;
	free(j->program);
	free(j->user);
	free(j->name);
	free(j->options);
	free(j->report);
	memset(j, 0, sizeof(*j));
}

int store_job_list(struct store *st, int64_t program_id, struct store_job **ret, size_t *ret_n,
		   struct err *err)
{
	return st->be->job_list(st, program_id, ret, ret_n, err);
}

void store_jobs_free(struct store_job *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_job_release(&v[i]);
	free(v);
}

int store_job_unfinished(struct store *st, int64_t **ret_ids, size_t *ret_n, struct err *err)
{
	return st->be->job_unfinished(st, ret_ids, ret_n, err);
}

int store_job_transition(struct store *st, int64_t id, unsigned from, enum store_job_status to,
			 const char *report, struct err *err)
{
	return st->be->job_transition(st, id, from, to, report, err);
}

int store_job_set_options(struct store *st, int64_t id, const char *options, struct err *err)
{
	return st->be->job_set_options(st, id, options, err);
}

int store_job_revert(struct store_program *p, int64_t job, struct store_revert_result *ret,
		     struct err *err)
{
	memset(ret, 0, sizeof(*ret));
	return p->be->job_revert(p, job, ret, err);
}

void store_revert_result_release(struct store_revert_result *r)
{
	if (!r)
		return;
	free(r->items);
	memset(r, 0, sizeof(*r));
}
