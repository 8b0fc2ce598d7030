/*
 * store: where programs, their records, their audit events and the import jobs live.
 * Owns: the data directory's layout, the system database (programs, jobs) and one
 * database per program (its entity tables, events, and each running job's checkpoint,
 * waiting rows and seen identifiers); SQL; the back ends behind one interface (sqlite
 * now; postgres later, store_int.h); revert of a job's changes; export cursors.
 * Knows nothing of: CSV, HTTP, how cells are parsed, what a batch of rows means (the
 * importer hands it typed values and an opaque checkpoint).
 *
 * Guarantees (docs/internals/store.md):
 *  (S1) Everything written between store_batch_begin and store_batch_commit, the
 *       checkpoint included, commits together or not at all.
 *  (S2) A name from a schema reaches SQL only through store_quote_ident, after the
 *       CONTRACT 8 name check; values are always bound, never spliced into SQL.
 *  (S3) Inside store_dry_begin/store_dry_end nothing is committed: the program's data is
 *       as before, whatever happens.
 *  (S4) store_record_purge leaves no copy of the purged values in the program's files
 *       once store_program_compact has run (secure delete, log truncated).
 *
 * Threads: a struct store and each struct store_program are used by one thread at a
 * time. Pointers returned in records stay valid until the arena passed in is reset.
 */
#ifndef INTAKE_STORE_STORE_H
#define INTAKE_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "schema/schema.h"

struct store;
struct store_program;
struct store_cursor;

/* ---- values and records ---- */

enum store_kind {
	STORE_NULL,		/* no value */
	STORE_INT,		/* integer, boolean (0/1), reference (the parent's id) */
	STORE_REAL,		/* decimal */
	STORE_TEXT,		/* every other type, in value/'s canonical text */
};

struct store_val {
	enum store_kind kind;
	int64_t i;		/* STORE_INT */
	double r;		/* STORE_REAL */
	const char *s;		/* STORE_TEXT: NUL-terminated; not owned */
	size_t n;		/* STORE_TEXT: bytes */
};

/* The built-in state of a record (CONTRACT 8). */
enum store_state {
	STORE_STATE_ACTIVE,
	STORE_STATE_INVALID,
	STORE_STATE_DELETED,
	STORE_STATE_ANONYMIZED,
};
#define STORE_NSTATES 4

#define STORE_KEY_BYTES 37 /* a UUID in 8-4-4-4-12 form and its NUL */

struct store_record {
	int64_t id;			/* built-in id; assigned on insert */
	char key[STORE_KEY_BYTES];	/* built-in key (UUID) */
	enum store_state state;
	int64_t created_job;		/* the job that inserted it; 0 if none */
	int64_t updated_job;		/* the job that changed it last (created_job if none) */
	char created_at[24];		/* ISO 8601 UTC */
	char updated_at[24];
	struct store_val *vals;		/* one per field of the entity, schema order; in the
					   caller's arena */
	size_t nvals;
};

bool store_val_equal(const struct store_val *a, const struct store_val *b);
const char *store_state_name(enum store_state s);
bool store_state_from_name(const char *name, enum store_state *ret);

/*
 * Appends name to out as a quoted SQL identifier after checking the name rule
 * ([A-Za-z_][A-Za-z0-9_]*, at most 127 bytes). invalid_schema if it does not pass.
 * The one place schema names become SQL (S2).
 */
int store_quote_ident(struct buf *out, const char *name, struct err *err);

/* ---- data directory ---- */

/*
 * Creates the data directory and its system database if missing, and brings the system
 * database to the current version. Idempotent. url NULL: SQLite in data_dir; any other
 * URL is refused until its back end exists.
 */
int store_init(const char *data_dir, const char *url, struct err *err);

/* Opens an initialised data directory (not_found with a hint to run 'intake init'). */
int store_open(const char *data_dir, const char *url, struct store **ret_st, struct err *err);
void store_free(struct store *st);

const char *store_backend_name(const struct store *st);
/* The folder of job id inside the data directory (jobs/<id>), written into out. */
void store_job_dir(const struct store *st, int64_t job, struct buf *out);
/* The folder of program id (programs/<id>), written into out. */
void store_program_dir(const struct store *st, int64_t program, struct buf *out);

/* ---- programs ---- */

struct store_program_info {
	int64_t id;
	char *name;			/* owned */
	char *preset;			/* owned; NULL when made from a schema file */
	char created_at[24];
};

/* Program names: [A-Za-z0-9][A-Za-z0-9_.-]*, at most LIMIT_NAME_BYTES bytes. */
bool store_program_name_valid(const char *name);

/*
 * Creates a program: its row in the system database, its own database, one table per
 * entity. invalid_argument if the name is not valid or taken.
 */
int store_program_create(struct store *st, const char *name, const struct schema *schema,
			 int64_t *ret_id, struct err *err);
/* Every program, by id. The caller frees with store_program_infos_free. */
int store_program_list(struct store *st, struct store_program_info **ret, size_t *ret_n,
		       struct err *err);
void store_program_infos_free(struct store_program_info *v, size_t n);

/* Opens a program's database and loads its schema; unknown_program if there is none. */
int store_program_open(struct store *st, const char *name, struct store_program **ret_p,
		       struct err *err);
int store_program_open_id(struct store *st, int64_t id, struct store_program **ret_p,
			  struct err *err);
void store_program_close(struct store_program *p);

const struct schema *store_program_schema(const struct store_program *p);
int64_t store_program_id(const struct store_program *p);
const char *store_program_name(const struct store_program *p);
const char *store_program_preset(const struct store_program *p);

/*
 * Adds a field (CONTRACT 8 JSON object) to an entity of a program that may hold data:
 * the schema and the real column change in one transaction. invalid_schema if the field
 * is not valid; a required field without a default cannot be added to a table with rows.
 */
int store_program_field_add(struct store_program *p, const char *entity, const char *field_json,
			    size_t len, struct err *err);

/* Records of an entity per state (index by enum store_state). */
int store_entity_counts(struct store_program *p, size_t entity, uint64_t ret[STORE_NSTATES],
			struct err *err);

/* ---- batches (S1) ---- */

/* Who writes and when: set once per job before its first batch. */
struct store_job_ctx {
	int64_t job;			/* the job writing; 0 outside a job */
	const char *user;		/* recorded in events */
	int64_t now;			/* seconds since the epoch (clock_now) */
	bool events;			/* write audit events (off in a dry run) */
};

void store_set_job(struct store_program *p, const struct store_job_ctx *ctx);

int store_batch_begin(struct store_program *p, struct err *err);
/*
 * Saves checkpoint (opaque bytes; NULL to leave it) for job and commits the batch.
 * Inside a dry run it commits nothing (S3).
 */
int store_batch_commit(struct store_program *p, int64_t job, const void *checkpoint, size_t n,
		       struct err *err);
int store_batch_rollback(struct store_program *p, struct err *err);

/* The job's last committed checkpoint into out: 1 found, 0 none, -1 error. */
int store_checkpoint_load(struct store_program *p, int64_t job, struct buf *out,
			  struct err *err);

/*
 * A dry run: until store_dry_end every batch is a savepoint inside one transaction that
 * store_dry_end rolls back (S3).
 */
int store_dry_begin(struct store_program *p, struct err *err);
int store_dry_end(struct store_program *p, struct err *err);

/* ---- records ---- */

/*
 * The record of entity whose identifier ident holds v: 1 with *ret filled (values in
 * arena a), 0 when there is none, -1 on error.
 */
int store_record_find(struct store_program *p, size_t entity, const struct schema_ident *ident,
		      const struct store_val *v, struct arena *a, struct store_record *ret,
		      struct err *err);

/* The id of the record of entity whose field holds v: 1 with *ret_id, 0 none, -1 error. */
int store_value_owner(struct store_program *p, size_t entity, size_t field,
		      const struct store_val *v, int64_t *ret_id, struct err *err);

/*
 * Inserts an active record with vals (one per field). 0 with ret_id and ret_key set;
 * 1 when a unique field's value is taken (*ret_conflict = its field index; nothing
 * written); -1 on error.
 */
int store_record_insert(struct store_program *p, size_t entity, const struct store_val *vals,
			int64_t *ret_id, char ret_key[STORE_KEY_BYTES], size_t *ret_conflict,
			struct err *err);

/*
 * As store_record_insert, unless a record already holds vals[field] (field must be an
 * identifier or unique): then nothing is written and it returns 2. One index search
 * instead of a lookup and an insert, for rows that are usually new.
 */
int store_record_insert_absent(struct store_program *p, size_t entity, size_t field,
			       const struct store_val *vals, int64_t *ret_id,
			       char ret_key[STORE_KEY_BYTES], size_t *ret_conflict, struct err *err);

/*
 * Rewrites record old (as found) with vals and state, and writes one event per changed
 * field (old value, new value; state too) with reason. Values of fields in redact
 * (indexed by field; NULL for none) are not copied into events. 0, 1 on a unique
 * conflict (*ret_conflict), -1 on error.
 */
int store_record_update(struct store_program *p, size_t entity, const struct store_record *old,
			const struct store_val *vals, enum store_state state, const char *reason,
			const bool *redact, size_t *ret_conflict, struct err *err);

/* Removes a record for good, and its events (an event says it was dropped). */
int store_record_drop(struct store_program *p, size_t entity, const struct store_record *old,
		      struct err *err);

/* Erases the values of fields (indexed by field) of a record from every event (S4). */
int store_record_purge(struct store_program *p, size_t entity, int64_t id, const bool *fields,
		       struct err *err);

/* 1 when a record of any entity references record id of entity, 0 if none, -1 error. */
int store_record_referenced(struct store_program *p, size_t entity, int64_t id,
			    struct err *err);

/*
 * Truncates the program's log and reclaims what deleted data left (S4); run at the end
 * of a job.
 */
int store_program_compact(struct store_program *p, struct err *err);

/* ---- rows waiting for their parent (kept with the job, CONTRACT 9) ---- */

struct store_wait {
	int64_t seq;			/* order of arrival; assigned by store_wait_add */
	size_t entity;			/* the row's entity */
	const void *rec_key;		/* the row's record, as the importer names it */
	size_t rec_key_len;
	size_t parent_entity;		/* the parent it waits for */
	const void *parent_key;		/* the parent, named like rec_key */
	size_t parent_key_len;
	const void *payload;		/* the row itself, the importer's encoding */
	size_t payload_len;
};

int store_wait_add(struct store_program *p, int64_t job, struct store_wait *w, struct err *err);
/* 1 when a row of job waits for record (entity, rec_key), 0 if none, -1 error. */
int store_wait_holds(struct store_program *p, int64_t job, size_t entity, const void *rec_key,
		     size_t len, struct err *err);
/* The first waiting row of job with seq > after (bytes in arena a): 1, 0 none, -1 error. */
int store_wait_next(struct store_program *p, int64_t job, int64_t after, struct arena *a,
		    struct store_wait *ret, struct err *err);
/* The first waiting row of job for record (entity, rec_key): 1, 0 none, -1 error. */
int store_wait_first_of(struct store_program *p, int64_t job, size_t entity, const void *rec_key,
			size_t len, struct arena *a, struct store_wait *ret, struct err *err);
int store_wait_delete(struct store_program *p, int64_t job, int64_t seq, struct err *err);
int store_wait_count(struct store_program *p, int64_t job, uint64_t *ret_n, struct err *err);

/*
 * Identifiers seen in a job (duplicates_in_file: reject): 1 when key is new (and now
 * recorded), 0 when it was seen before, -1 on error.
 */
int store_seen_add(struct store_program *p, int64_t job, const void *key, size_t len,
		   struct err *err);

/*
 * Inside the batch of a job's last commit: builds what the job deferred (the unique
 * indexes of tables it filled from empty or nearly, docs/internals/store.md), so that
 * they commit with the job's end. Does nothing in a dry run.
 */
int store_job_settle(struct store_program *p, struct err *err);

/* Removes a job's checkpoint, waiting rows and seen identifiers (and builds what the job
   deferred, if store_job_settle did not run). */
int store_job_forget(struct store_program *p, int64_t job, struct err *err);

/* ---- export ---- */

enum store_filter_op {
	STORE_FILTER_EQ,	/* $eq: one value */
	STORE_FILTER_IN,	/* $in: any of the values */
	STORE_FILTER_ILIKE,	/* $ilike: contains, ignoring ASCII case */
	STORE_FILTER_NULL,	/* $null: no value */
	STORE_FILTER_GT,
	STORE_FILTER_GTE,
	STORE_FILTER_LT,
	STORE_FILTER_LTE,
	STORE_FILTER_BTW,	/* $btw: between the two values, inclusive */
};

struct store_filter {
	enum schema_builtin builtin;	/* SCHEMA_BUILTIN_ID, _KEY, _STATE... or _NONE */
	size_t field;			/* when builtin is _NONE */
	enum store_filter_op op;
	bool negate;			/* $not */
	const struct store_val *vals;	/* the values ($in: several, $btw: two) */
	size_t nvals;
};

/*
 * Records of entity matching every filter, by id. Reads in short chunks (no long read
 * transaction). Reference fields come back as the parent's `by` value (text) rather than
 * its id when resolve_refs is set.
 */
int store_cursor_open(struct store_program *p, size_t entity, const struct store_filter *filters,
		      size_t nfilters, bool resolve_refs, struct store_cursor **ret_c,
		      struct err *err);
/* The next record (values in arena a): 1, 0 at the end, -1 on error. */
int store_cursor_next(struct store_cursor *c, struct arena *a, struct store_record *ret,
		      struct err *err);
void store_cursor_free(struct store_cursor *c);

/* ---- jobs (system database) ---- */

enum store_job_status {
	STORE_JOB_QUEUED,
	STORE_JOB_RUNNING,
	STORE_JOB_SUCCEEDED,
	STORE_JOB_PARTIAL,
	STORE_JOB_FAILED,
	STORE_JOB_CANCELLED,
	STORE_JOB_REVERTED,
};
#define STORE_JOB_BIT(s) (1u << (s))

struct store_job {
	int64_t id;
	int64_t program_id;
	char *program;			/* owned: the program's name */
	enum store_job_status status;
	char *user;			/* owned */
	char *name;			/* owned: the job's name (first file's name) */
	char *options;			/* owned: the importer's options (opaque text) */
	char *report;			/* owned: the report JSON, or NULL until finished */
	char created_at[24];
	char started_at[24];		/* "" until started */
	char finished_at[24];		/* "" until finished */
};

const char *store_job_status_name(enum store_job_status s);

int store_job_create(struct store *st, int64_t program_id, const char *user, const char *name,
		     const char *options, int64_t *ret_id, struct err *err);
/* not_found when there is no such job. The caller releases with store_job_release. */
int store_job_get(struct store *st, int64_t id, struct store_job *ret, struct err *err);
void store_job_release(struct store_job *j);
/* Jobs of one program (program_id > 0) or all, by id. */
int store_job_list(struct store *st, int64_t program_id, struct store_job **ret, size_t *ret_n,
		   struct err *err);
void store_jobs_free(struct store_job *v, size_t n);
/* Ids of queued and running jobs, oldest first (caller frees). */
int store_job_unfinished(struct store *st, int64_t **ret_ids, size_t *ret_n, struct err *err);

/*
 * Moves job id to status `to` if its status is in the set `from` (STORE_JOB_BIT mask);
 * sets started_at when it starts running and finished_at when it ends; report (JSON) is
 * stored when not NULL. invalid_state when the job is not in `from`.
 */
int store_job_transition(struct store *st, int64_t id, unsigned from, enum store_job_status to,
			 const char *report, struct err *err);
int store_job_set_options(struct store *st, int64_t id, const char *options, struct err *err);

/* ---- revert (CONTRACT 3) ---- */

enum store_revert_why {
	STORE_REVERT_CHANGED_LATER,	/* a later job changed the record: left as it is */
	STORE_REVERT_CLEARED,		/* DELETE or ANONYMIZE cleared its values for good */
	STORE_REVERT_DROPPED,		/* DROP removed it for good */
	STORE_REVERT_CONFLICT,		/* restoring would take a unique value now held
					   by another record */
};

struct store_revert_item {
	size_t entity;
	int64_t id;
	char key[STORE_KEY_BYTES];
	enum store_revert_why why;
	int64_t by_job;			/* CHANGED_LATER: the later job */
};

#define STORE_REVERT_ITEMS_MAX 10000 /* items listed in a revert report; counts go on */

struct store_revert_result {
	uint64_t removed;		/* records the job inserted, now removed */
	uint64_t restored;		/* records whose values were restored */
	uint64_t kept;			/* records not reverted (items below) */
	struct store_revert_item *items; /* owned; at most STORE_REVERT_ITEMS_MAX */
	size_t nitems;
};

/*
 * Undoes what job did in the program, in one transaction: removes the records it
 * inserted and restores the values it changed, except records a later job changed (and
 * the other cases of enum store_revert_why), which are listed and left as they are.
 */
int store_job_revert(struct store_program *p, int64_t job, struct store_revert_result *ret,
		     struct err *err);
void store_revert_result_release(struct store_revert_result *r);

#endif
