/*
 * The SQLite back end: a system database (data_dir/system.db) and one database per
 * program (data_dir/programs/<id>/program.db), in WAL mode, with prepared statements,
 * double-quoted strings off and secure delete on. Static SQL comes from the files in
 * sql/; the per-entity statements are built here through store_quote_ident.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/fs.h"
#include "base/limit.h"
#include "base/xalloc.h"
#include "schema/schema.h"
#include "store/sqlite/program_migrations.h"
#include "store/sqlite/sql_files.h"
#include "store/sqlite/system_migrations.h"
#include "store/store_int.h"
#include "base/banned.h"

#define BUSY_TIMEOUT_MS 30000
#define CACHE_KIB_IDLE 8192	/* page cache outside imports */
/* Page cache while a job writes: measured, 16 MiB imports as fast as 64 MiB here. */
#define CACHE_KIB_JOB 16384
/* While a job writes, the log is copied back into the database only every this many
   pages: a hot index page rewritten by many commits is copied once, not each time. */
#define WAL_PAGES_JOB 32768
#define CURSOR_CHUNK 1000	/* rows per read transaction of an export */
#define UPDATE_MASK_FIELDS 6	/* indexed fields an UPDATE may leave out (update_stmt) */
/* Records read ahead when lookups by id walk the table in order (a file imported again
   asks for its records in the order it created them): one statement step per record
   instead of one search. */
#define READ_AHEAD 64
/* ... and at most about this many bytes of them: a table of records of megabytes (up to
   the record limit) is read one record at a time, as without read-ahead, so that peak
   memory stays within CONTRACT 3's bound. */
#define READ_AHEAD_BYTES (1024 * 1024)
/*
 * Deferred indexes and fingerprint tables (docs/internals/store.md, "Imports"). A table
 * with at most DEFER_ROWS rows (its largest id) when a job first uses it drops its unique
 * indexes and answers lookups by unique value from fingerprint tables; the job builds the
 * indexes before its last commit, or as soon as the program's fingerprint tables would
 * pass FP_BYTES_MAX. A larger table keeps its indexes; a field it is looked up by
 * FP_LOOKUPS times in a job gets a fingerprint table made from its index, if it fits.
 */
#define DEFER_ROWS 10000
#define FP_BYTES_MAX (28 * MIB)
#define FP_LOOKUPS 4096
/* Page cache while a table defers its indexes: its pages are appended, not searched. */
#define CACHE_KIB_DEFER 4096
/* Page cache while deferred indexes are built (SQLite's sorter takes as much again). */
#define CACHE_KIB_BUILD 8192
#define SQL_MAX (4 * MIB)	/* one generated statement (1,500 quoted columns fit) */

struct sq_store {
	struct store head;	/* first: the common head */
	sqlite3 *db;		/* the system database; owned */
};

/*
 * How a job looks an entity's unique values up (set when the job first uses the entity,
 * forgotten when the job ends or a transaction is rolled back).
 */
enum ent_mode {
	EM_OFF,		/* no job: the indexes, through SQL */
	EM_INDEX,	/* the indexes are there; fingerprint tables for the fields looked up
			   most, the indexes for the rest and for every unique check */
	EM_DEFER,	/* the unique indexes are dropped until the job ends: every unique
			   field has a fingerprint table, and the checks are made with them */
};

#define FP_NEVER UINT32_MAX

/*
 * Copies of the records with ids in [lo, hi] as they are in the database (a record
 * written since is taken out), read with one statement when lookups by id go in order.
 */
struct read_ahead {
	sqlite3_stmt *stmt;		/* SELECT ... WHERE id >= ?1 ORDER BY id LIMIT READ_AHEAD */
	struct arena arena;		/* the copies' values */
	struct store_record rec[READ_AHEAD];
	bool have[READ_AHEAD];		/* rec[i] holds a record (not taken out) */
	size_t n;			/* records read */
	int64_t lo, hi;			/* the ids they cover */
	int64_t last;			/* the id asked for last */
	bool valid;
	bool big;			/* one record was over READ_AHEAD_BYTES: off for the job */
};

/* Statements of one entity, prepared on first use. */
struct sq_entity {
	const struct schema_entity *e;	/* in the program's schema */
	size_t index;			/* in the schema's entities */
	char *table;			/* quoted table name; owned */
	char *select;			/* "SELECT <record columns> FROM <table> "; owned */
	sqlite3_stmt **find;		/* by id, by key, then by field (nfields + 2) */
	sqlite3_stmt **owner;		/* per field */
	sqlite3_stmt *insert, *drop;
	sqlite3_stmt **update;		/* per set of changed indexed fields (update_stmt) */
	sqlite3_stmt **insert_absent;	/* per field: INSERT ... ON CONFLICT (field) DO NOTHING */
	sqlite3_stmt **refs;		/* per entry of refs_from: does a child point here? */
	size_t *refs_from;		/* pairs (entity, field) that reference this entity */
	size_t nrefs;
	enum ent_mode mode;		/* during a job: how unique values are looked up */
	struct store_fp *fp;		/* per field: fingerprint table (cap 0: none) */
	uint32_t *lookups;		/* per field: lookups through the index in this job;
					   FP_NEVER once a table for it did not fit */
	sqlite3_stmt **value_at;	/* per field: SELECT field FROM table WHERE id = ?1 */
	struct read_ahead ra;		/* records by id, read in order */
	uint64_t *hash;			/* per field: scratch for a row's value hashes */
};

enum {
	ST_EVENT_INSERT,
	ST_EVENT_PURGE,
	ST_EVENT_DROP_RECORD,
	ST_CHECKPOINT_GET,
	ST_CHECKPOINT_PUT,
	ST_WAIT_ADD,
	ST_WAIT_HOLDS,
	ST_WAIT_NEXT,
	ST_WAIT_FIRST_OF,
	ST_WAIT_DELETE,
	ST_WAIT_COUNT,
	ST_SEEN_ADD,
	ST__COUNT
};

static const char *const program_sql[ST__COUNT] = {
	[ST_EVENT_INSERT] = sql_event_insert,
	[ST_EVENT_PURGE] = sql_event_purge,
	[ST_EVENT_DROP_RECORD] = sql_event_drop_record,
	[ST_CHECKPOINT_GET] = sql_checkpoint_get,
	[ST_CHECKPOINT_PUT] = sql_checkpoint_put,
	[ST_WAIT_ADD] = sql_wait_add,
	[ST_WAIT_HOLDS] = sql_wait_holds,
	[ST_WAIT_NEXT] = sql_wait_next,
	[ST_WAIT_FIRST_OF] = sql_wait_first_of,
	[ST_WAIT_DELETE] = sql_wait_delete,
	[ST_WAIT_COUNT] = sql_wait_count,
	[ST_SEEN_ADD] = sql_seen_add,
};

struct sq_program {
	struct store_program head;	/* first: the common head */
	sqlite3 *db;			/* the program's database; owned */
	struct sq_entity *ents;		/* one per schema entity; owned */
	size_t nents;
	sqlite3_stmt *st[ST__COUNT];	/* static statements, prepared on first use */
	bool dry;			/* inside store_dry_begin */
	bool in_batch;			/* between batch begin and commit/rollback */
	bool big_cache;			/* the job-sized page cache is set */
	int cache_kib;			/* the page cache set (0: the idle one) */
	size_t fp_bytes;		/* memory of all fingerprint tables */
	size_t fp_max;			/* FP_BYTES_MAX (test builds: INTAKE_TEST_FP_BYTES) */
	int64_t defer_rows;		/* DEFER_ROWS (INTAKE_TEST_DEFER_ROWS; -1: never) */
	uint32_t fp_lookups;		/* FP_LOOKUPS (INTAKE_TEST_FP_LOOKUPS) */
	unsigned builds;		/* indexes built by this handle (a test crash site) */
	bool sync_next;			/* the next commit is a job's last: sync the log */
	uint64_t rng[2];		/* key generator state */
	char now_iso[CLOCK_ISO_BYTES];	/* head.job.now as text */
	int64_t now_for;		/* the time now_iso was made from */
};

struct sq_cursor {
	struct store_cursor head;	/* first: the common head */
	struct sq_program *p;		/* not owned */
	struct sq_entity *ent;		/* not owned */
	sqlite3_stmt *stmt;		/* owned */
	int id_param;			/* the parameter that takes the last id seen */
	int64_t last_id;
	int chunk_left;			/* rows left in the current chunk */
	bool done;
};

static struct sq_store *sq_store(struct store *st)
{
	if (st->be != &store_backend_sqlite)
		STORE_BUG("not a SQLite store");
	return (struct sq_store *)st;
}

static struct sq_program *sq_program(struct store_program *p)
{
	if (p->be != &store_backend_sqlite)
		STORE_BUG("not a SQLite program");
	return (struct sq_program *)p;
}

/* ---- errors and small helpers ---- */

static int db_err(struct err *err, sqlite3 *db, const char *what)
{
	int rc = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
	enum err_code code = ERR_STORE_ERROR;

	if ((rc & 0xff) == SQLITE_FULL)
		code = ERR_DISK_FULL;
	err_set(err, code, "%s: %s", what, db ? sqlite3_errmsg(db) : "no database");
	if (err)
		err->sys_errno = rc;
	return -1;
}

static const char *now_iso(struct sq_program *p)
{
	int64_t now = p->head.job.now ? p->head.job.now : clock_now();

	if (now != p->now_for || !p->now_iso[0]) {
		clock_iso(now, p->now_iso);
		p->now_for = now;
	}
	return p->now_iso;
}

static int exec(sqlite3 *db, const char *sql, struct err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, ERR_STORE_ERROR, "%s", msg ? msg : sqlite3_errmsg(db));
		if (err)
			err->sys_errno = sqlite3_extended_errcode(db);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **ret, struct err *err)
{
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, ret, NULL) != SQLITE_OK)
		return db_err(err, db, "cannot prepare a statement");
	return 0;
}

/* Prepares the statement built in sql (an error if its limit cut it short) and releases
   sql either way. */
static int prepare_buf(sqlite3 *db, struct buf *sql, sqlite3_stmt **ret, struct err *err)
{
	int rc = sql->failed ? err_set(err, ERR_INTERNAL_ERROR, "a statement is too long")
			     : prepare(db, sql->ptr, ret, err);

	buf_release(sql);
	return rc;
}

static sqlite3_stmt *pst(struct sq_program *p, int which, struct err *err)
{
	if (!p->st[which] && prepare(p->db, program_sql[which], &p->st[which], err) < 0)
		return NULL;
	sqlite3_reset(p->st[which]);
	sqlite3_clear_bindings(p->st[which]);
	return p->st[which];
}

/* Steps a statement that returns no rows (or whose rows do not matter) and resets it. */
static int step_done(sqlite3 *db, sqlite3_stmt *s, const char *what, struct err *err)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_err(err, db, what);
	return 0;
}

/*
 * Steps a statement that returns at most one row: 1 when there is one (s stays on it; the
 * caller reads it, then resets s), 0 when there is none and -1 on error (what the lookup
 * was, in err), s reset in both.
 */
static int step_row(sqlite3 *db, sqlite3_stmt *s, const char *what, struct err *err)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_err(err, db, what);
	return 0;
}

static void bind_val(sqlite3_stmt *s, int i, const struct store_val *v)
{
	switch (v->kind) {
	case STORE_NULL:
		sqlite3_bind_null(s, i);
		break;
	case STORE_INT:
		sqlite3_bind_int64(s, i, v->i);
		break;
	case STORE_REAL:
		sqlite3_bind_double(s, i, v->r);
		break;
	case STORE_TEXT:
		sqlite3_bind_text(s, i, v->s, (int)v->n, SQLITE_STATIC);
		break;
	}
}

static void column_val(sqlite3_stmt *s, int i, struct arena *a, struct store_val *v)
{
	memset(v, 0, sizeof(*v));
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		v->kind = STORE_NULL;
		break;
	case SQLITE_INTEGER:
		v->kind = STORE_INT;
		v->i = sqlite3_column_int64(s, i);
		break;
	case SQLITE_FLOAT:
		v->kind = STORE_REAL;
		v->r = sqlite3_column_double(s, i);
		break;
	default:
		v->kind = STORE_TEXT;
		v->s = arena_memdup0(a, sqlite3_column_text(s, i), (size_t)sqlite3_column_bytes(s, i));
		v->n = (size_t)sqlite3_column_bytes(s, i);
		break;
	}
}

static void column_str(sqlite3_stmt *s, int i, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(s, i) : 0;

	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(out, t, n);
	out[n] = '\0';
}

static char *column_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

/*
 * Process-wide settings, once, before the first connection: each connection is used by
 * one thread at a time (no mutexes), and no allocation statistics (no global lock).
 */
static pthread_once_t configured = PTHREAD_ONCE_INIT;

static void configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Opens (creating if asked) a database file with intake's settings. */
static int db_open(const char *path, bool create, bool durable, sqlite3 **ret, struct err *err)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	sqlite3 *db = NULL;
	struct buf sql;

	pthread_once(&configured, configure);
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		if (!create && !fs_exists(path))
			err_set(err, ERR_NOT_FOUND, "'%s' does not exist", path);
		else
			db_err(err, db, "cannot open the database");
		sqlite3_close(db);
		return -1;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	/* A double-quoted name that matches no column must be an error, never a string. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	buf_init(&sql, 1024);
	buf_addf(&sql,
		 "PRAGMA journal_mode = WAL;"
		 "PRAGMA synchronous = %s;"
		 "PRAGMA secure_delete = ON;"
		 "PRAGMA foreign_keys = OFF;"
		 "PRAGMA cache_size = -%d;",
		 durable ? "FULL" : "NORMAL", CACHE_KIB_IDLE);
	if (exec(db, sql.ptr, err) < 0) {
		buf_release(&sql);
		sqlite3_close(db);
		return -1;
	}
	buf_release(&sql);
	*ret = db;
	return 0;
}

static const char *system_migrations(int i)
{
	return system_migration_files[i].text;
}

static const char *program_migrations(int i)
{
	return program_migration_files[i].text;
}

/* Brings a database to the newest of its migrations (PRAGMA user_version counts them). */
static int migrate(sqlite3 *db, const char *(*step)(int), int nsteps, struct err *err)
{
	sqlite3_stmt *s = NULL;
	int version = 0;
	char sql[64];

	if (prepare(db, "PRAGMA user_version", &s, err) < 0)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (version > nsteps)
		return err_set(err, ERR_STORE_ERROR,
			       "the database is from a newer intake (version %d, this one knows %d)",
			       version, nsteps);
	for (int v = version; v < nsteps; v++) {
		if (exec(db, "BEGIN IMMEDIATE", err) < 0)
			return -1;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (exec(db, step(v), err) < 0 || exec(db, sql, err) < 0) {
			exec(db, "ROLLBACK", NULL);
			return -1;
		}
		if (exec(db, "COMMIT", err) < 0)
			return -1;
	}
	return 0;
}

static void system_path(const char *data_dir, struct buf *out)
{
	buf_addf(out, "%s/system.db", data_dir);
}

/* ---- data directory ---- */

static int sq_init(const char *data_dir, const char *url, struct err *err)
{
	struct buf path, sub;
	sqlite3 *db = NULL;
	int rc = -1;

	(void)url;
	buf_init(&path, 8192);
	buf_init(&sub, 8192);
	if (fs_mkdir_p(data_dir, err) < 0)
		goto out;
	buf_addf(&sub, "%s/programs", data_dir);
	if (fs_mkdir_p(sub.ptr, err) < 0)
		goto out;
	buf_reset(&sub);
	buf_addf(&sub, "%s/jobs", data_dir);
	if (fs_mkdir_p(sub.ptr, err) < 0)
		goto out;
	system_path(data_dir, &path);
	if (path.failed) {
		err_set(err, ERR_INVALID_ARGUMENT, "the data directory's path is too long");
		goto out;
	}
	if (db_open(path.ptr, true, true, &db, err) < 0)
		goto out;
	if (migrate(db, system_migrations, system_migration_nfiles, err) < 0)
		goto out;
	rc = 0;
out:
	sqlite3_close(db);
	buf_release(&path);
	buf_release(&sub);
	return rc;
}

static int sq_open(const char *data_dir, const char *url, struct store **ret, struct err *err)
{
	struct sq_store *s;
	struct buf path;
	sqlite3 *db = NULL;

	(void)url;
	buf_init(&path, 8192);
	system_path(data_dir, &path);
	if (!fs_exists(path.ptr)) {
		err_set(err, ERR_NOT_FOUND,
			"no intake data directory at '%s'; create it with 'intake init'", data_dir);
		buf_release(&path);
		return -1;
	}
	if (db_open(path.ptr, false, true, &db, err) < 0 ||
	    migrate(db, system_migrations, system_migration_nfiles, err) < 0) {
		sqlite3_close(db);
		buf_release(&path);
		return -1;
	}
	buf_release(&path);
	s = xcalloc(1, sizeof(*s));
	store__head_init(&s->head, &store_backend_sqlite, data_dir);
	s->db = db;
	*ret = &s->head;
	return 0;
}

static void sq_free(struct store *st)
{
	struct sq_store *s = sq_store(st);

	sqlite3_close(s->db);
	store__head_release(&s->head);
	free(s);
}

/* ---- entity tables (DDL built through store_quote_ident) ---- */

static const char *sql_type(enum schema_type t)
{
	switch (store__kind_of(t)) {
	case STORE_INT:
		return "INTEGER";
	case STORE_REAL:
		return "REAL";
	default:
		return "TEXT";
	}
}

/* An entity's table has the entity's name: the schema refuses names starting "intake_",
   which the store keeps for its own tables, indexes and columns. */
static void table_name(struct buf *name, const char *entity)
{
	buf_adds(name, entity);
}

/* Index names carry the entity name's length, so two (entity, field) pairs never meet. */
static void index_name(struct buf *name, const char *entity, const char *what)
{
	buf_addf(name, "intake_ix_%zu_%s_%s", strlen(entity), entity, what);
}

static int quote_table(struct buf *out, const char *entity, struct err *err)
{
	struct buf name;
	int rc;

	buf_init(&name, 256);
	table_name(&name, entity);
	rc = store_quote_ident(out, name.ptr, err);
	buf_release(&name);
	return rc;
}

static bool field_is_identifier(const struct schema_entity *e, size_t f)
{
	for (size_t i = 0; i < e->nidentifiers; i++)
		if (e->identifiers[i].builtin == SCHEMA_BUILTIN_NONE && e->identifiers[i].field == f)
			return true;
	return false;
}

/* Identifier fields are unique (docs/internals/store.md), like the schema's unique ones. */
static bool field_unique(const struct schema_entity *e, size_t f)
{
	return e->fields[f].unique || field_is_identifier(e, f);
}

/* Index DDL for one field (unique, identifier or reference), or nothing. */
static int index_sql(struct buf *sql, const struct schema_entity *e, size_t f, struct err *err)
{
	const struct schema_field *fd = &e->fields[f];
	struct buf name;
	int rc = -1;

	if (!field_unique(e, f) && fd->type != SCHEMA_REFERENCE)
		return 0;
	buf_init(&name, 512);
	index_name(&name, e->name, fd->name);
	buf_addf(sql, "CREATE %sINDEX ", field_unique(e, f) ? "UNIQUE " : "");
	if (store_quote_ident(sql, name.ptr, err) < 0)
		goto out;
	buf_adds(sql, " ON ");
	if (quote_table(sql, e->name, err) < 0)
		goto out;
	buf_addc(sql, '(');
	if (store_quote_ident(sql, fd->name, err) < 0)
		goto out;
	buf_adds(sql, ");\n");
	rc = 0;
out:
	buf_release(&name);
	return rc;
}

static const char *const builtin_columns[] = {"id", "key", "state", "created_at", "updated_at",
					       "created_job", "intake_updated_job"};

static int check_field_name(const struct schema_entity *e, const char *name, struct err *err)
{
	for (size_t i = 0; i < sizeof(builtin_columns) / sizeof(builtin_columns[0]); i++)
		if (strcasecmp(name, builtin_columns[i]) == 0)
			return err_set(err, ERR_INVALID_SCHEMA,
				       "entity '%s': field '%s' has the name of a built-in column",
				       e->name, name);
	return 0;
}

static int entity_ddl(struct buf *sql, const struct schema_entity *e, struct err *err)
{
	struct buf name;
	int rc = -1;

	buf_init(&name, 512);
	buf_adds(sql, "CREATE TABLE ");
	if (quote_table(sql, e->name, err) < 0)
		goto out;
	buf_adds(sql, " (\n\tid INTEGER PRIMARY KEY,\n\tkey TEXT NOT NULL,\n"
		      "\tstate TEXT NOT NULL,\n\tcreated_at TEXT NOT NULL,\n"
		      "\tupdated_at TEXT NOT NULL,\n\tcreated_job INTEGER NOT NULL,\n"
		      "\tintake_updated_job INTEGER NOT NULL");
	for (size_t f = 0; f < e->nfields; f++) {
		if (check_field_name(e, e->fields[f].name, err) < 0)
			goto out;
		buf_adds(sql, ",\n\t");
		if (store_quote_ident(sql, e->fields[f].name, err) < 0)
			goto out;
		buf_addf(sql, " %s", sql_type(e->fields[f].type));
	}
	buf_adds(sql, "\n) STRICT;\n");
	index_name(&name, e->name, "_key");
	buf_adds(sql, "CREATE UNIQUE INDEX ");
	if (store_quote_ident(sql, name.ptr, err) < 0)
		goto out;
	buf_adds(sql, " ON ");
	quote_table(sql, e->name, err);
	buf_adds(sql, "(key);\n");
	/* No index on created_job: a revert reads the table once, every import would pay
	   for the index on each row. */
	for (size_t f = 0; f < e->nfields; f++)
		if (index_sql(sql, e, f, err) < 0)
			goto out;
	if (sql->failed) {
		err_set(err, ERR_INVALID_SCHEMA, "entity '%s' is too large", e->name);
		goto out;
	}
	rc = 0;
out:
	buf_release(&name);
	return rc;
}

/* ---- deferred indexes and fingerprint tables (docs/internals/store.md) ---- */

/* Test builds: INTAKE_CRASH_AT=index-build:N ends the process (as if killed) once the Nth
   index of a deferred build is made, before anything commits. */
static void crash_after_index_build(struct sq_program *p)
{
#ifdef INTAKE_TEST_HOOKS
	const char *s = getenv("INTAKE_CRASH_AT");

	p->builds++;
	if (s && strncmp(s, "index-build:", 12) == 0 && strtoul(s + 12, NULL, 10) == p->builds)
		_exit(70);
#else
	(void)p;
#endif
}

static void tunables(struct sq_program *p)
{
	p->fp_max = FP_BYTES_MAX;
	p->defer_rows = DEFER_ROWS;
	p->fp_lookups = FP_LOOKUPS;
#ifdef INTAKE_TEST_HOOKS
	{
		const char *s;
		if ((s = getenv("INTAKE_TEST_FP_BYTES")) && *s)
			p->fp_max = (size_t)strtoull(s, NULL, 10);
		if ((s = getenv("INTAKE_TEST_DEFER_ROWS")) && *s)
			p->defer_rows = strtoll(s, NULL, 10);
		if ((s = getenv("INTAKE_TEST_FP_LOOKUPS")) && *s)
			p->fp_lookups = (uint32_t)strtoul(s, NULL, 10);
	}
#endif
}

/* Lookups through fingerprint tables happen only inside a job's transactions. */
static bool job_active(const struct sq_program *p)
{
	return p->head.job.job > 0 && (p->in_batch || p->dry);
}

static int set_cache(struct sq_program *p, int kib, struct err *err)
{
	char sql[64];

	if (p->cache_kib == kib)
		return 0;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d", kib);
	if (exec(p->db, sql, err) < 0)
		return -1;
	p->cache_kib = kib;
	return 0;
}

/* The job's page cache: small while some table appends without its indexes. */
static int job_cache(struct sq_program *p, struct err *err)
{
	for (size_t i = 0; i < p->nents; i++)
		if (p->ents[i].mode == EM_DEFER)
			return set_cache(p, CACHE_KIB_DEFER, err);
	return set_cache(p, CACHE_KIB_JOB, err);
}

static size_t unique_count(const struct schema_entity *e)
{
	size_t n = 0;

	for (size_t f = 0; f < e->nfields; f++)
		n += field_unique(e, f);
	return n;
}

static void fp_drop_all(struct sq_program *p, struct sq_entity *en)
{
	for (size_t f = 0; f < en->e->nfields; f++)
		store__fp_release(&en->fp[f], &p->fp_bytes);
}

/* Forgets every entity's mode and tables: the job ended, or what they describe was rolled
   back. */
static void modes_reset(struct sq_program *p)
{
	for (size_t i = 0; i < p->nents; i++) {
		struct sq_entity *en = &p->ents[i];
		fp_drop_all(p, en);
		memset(en->lookups, 0, en->e->nfields * sizeof(*en->lookups));
		en->mode = EM_OFF;
		en->ra.valid = false;
		en->ra.big = false;
	}
}

/* Runs one statement built in sql (no rows). */
static int exec_buf(struct sq_program *p, struct buf *sql, struct err *err)
{
	if (sql->failed)
		return err_set(err, ERR_INTERNAL_ERROR, "a statement is too long");
	return exec(p->db, sql->ptr, err);
}

/* "DROP INDEX ..." or "CREATE UNIQUE INDEX IF NOT EXISTS ..." for a unique field. */
static int unique_index_sql(struct buf *sql, const struct schema_entity *e, size_t f, bool create,
			    struct err *err)
{
	struct buf name;
	int rc = -1;

	buf_init(&name, 512);
	index_name(&name, e->name, e->fields[f].name);
	buf_adds(sql, create ? "CREATE UNIQUE INDEX IF NOT EXISTS " : "DROP INDEX IF EXISTS ");
	if (store_quote_ident(sql, name.ptr, err) < 0)
		goto out;
	if (create) {
		buf_adds(sql, " ON ");
		if (quote_table(sql, e->name, err) < 0)
			goto out;
		buf_addc(sql, '(');
		if (store_quote_ident(sql, e->fields[f].name, err) < 0)
			goto out;
		buf_addc(sql, ')');
	}
	rc = 0;
out:
	buf_release(&name);
	return rc;
}

/* How many of the entity's unique indexes are missing (a job deferred them). */
static int missing_indexes(struct sq_program *p, struct sq_entity *en, size_t *ret,
			   struct err *err)
{
	sqlite3_stmt *q = NULL;
	struct buf name;
	int rc = 0;

	*ret = 0;
	if (prepare(p->db, "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?1", &q,
		    err) < 0)
		return -1;
	buf_init(&name, 512);
	for (size_t f = 0; f < en->e->nfields && rc == 0; f++) {
		int step;
		if (!field_unique(en->e, f))
			continue;
		buf_reset(&name);
		index_name(&name, en->e->name, en->e->fields[f].name);
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, name.ptr, -1, SQLITE_STATIC);
		step = sqlite3_step(q);
		if (step == SQLITE_DONE)
			(*ret)++;
		else if (step != SQLITE_ROW)
			rc = db_err(err, p->db, "cannot read the database's indexes");
	}
	sqlite3_finalize(q);
	buf_release(&name);
	return rc;
}

/* Drops the entity's unique indexes, or creates the missing ones with build (in the open
   transaction). */
static int unique_indexes(struct sq_program *p, struct sq_entity *en, bool build,
			  struct err *err)
{
	struct buf sql;
	int rc = 0;

	buf_init(&sql, SQL_MAX);
	for (size_t f = 0; f < en->e->nfields && rc == 0; f++) {
		if (!field_unique(en->e, f))
			continue;
		buf_reset(&sql);
		rc = unique_index_sql(&sql, en->e, f, build, err);
		if (rc == 0)
			rc = exec_buf(p, &sql, err);
		if (rc == 0 && build)
			crash_after_index_build(p);
	}
	buf_release(&sql);
	return rc;
}

/* A table that deferred its indexes gets them back; its tables go (they only served the
   checks the indexes now make). */
static int undefer(struct sq_program *p, struct sq_entity *en, struct err *err)
{
	fp_drop_all(p, en);
	if (set_cache(p, CACHE_KIB_BUILD, err) < 0 || unique_indexes(p, en, true, err) < 0)
		return -1;
	en->mode = EM_INDEX;
	return job_cache(p, err);
}

static int max_rowid(struct sq_program *p, struct sq_entity *en, int64_t *ret, struct err *err)
{
	sqlite3_stmt *q = NULL;
	struct buf sql;
	int rc;

	buf_init(&sql, 1024);
	buf_addf(&sql, "SELECT coalesce(max(id), 0) FROM %s", en->table);
	if (prepare_buf(p->db, &sql, &q, err) < 0)
		return -1;
	rc = sqlite3_step(q);
	*ret = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : db_err(err, p->db, "cannot count records");
}

/* What the tables may take: all of the bound while a table defers its indexes (its
   page cache is small; 1,000,000 rows of two unique fields take 24 MiB, 28 while a
   table grows), 3/7 of it beside a job's full page cache (12 MiB: a table of 1,000,000
   values made from an index). */
static size_t fp_limit(const struct sq_program *p, const struct sq_entity *en)
{
	return en->mode == EM_DEFER ? p->fp_max : p->fp_max / 7 * 3;
}

/* Whether fingerprint tables for n fields of rows entries each fit in what is left. */
static bool fp_fits(const struct sq_program *p, int64_t rows, size_t n)
{
	size_t need;

	if (rows < 0 || rows >= (1 << 24))
		return false;
	need = xmul(n, store__fp_bytes_for((uint64_t)rows));
	return p->fp_bytes <= p->fp_max && need <= p->fp_max - p->fp_bytes;
}

/*
 * Fills the tables of the given fields (a set: want[f]) from the table's rows, made
 * for rows entries (the largest id, at least the number of rows).
 * 0 done, 1 they did not fit (the tables are dropped), -1 error.
 */
static int fp_fill(struct sq_program *p, struct sq_entity *en, const bool *want, int64_t rows,
		   size_t limit, struct err *err)
{
	sqlite3_stmt *q = NULL;
	struct buf sql;
	size_t *cols = xcalloc(en->e->nfields ? en->e->nfields : 1, sizeof(*cols));
	size_t ncols = 0;
	int rc, out = 0;

	buf_init(&sql, SQL_MAX);
	buf_adds(&sql, "SELECT id");
	for (size_t f = 0; f < en->e->nfields; f++)
		if (want[f]) {
			buf_adds(&sql, ", ");
			store_quote_ident(&sql, en->e->fields[f].name, NULL);
			cols[ncols++] = f;
		}
	buf_addf(&sql, " FROM %s", en->table);
	if (ncols == 1) {
		/* One field: its index holds every value and is smaller than the table. */
		buf_adds(&sql, " WHERE ");
		store_quote_ident(&sql, en->e->fields[cols[0]].name, NULL);
		buf_adds(&sql, " IS NOT NULL");
	}
	if (prepare_buf(p->db, &sql, &q, err) < 0) {
		free(cols);
		return -1;
	}
	for (size_t c = 0; c < ncols && out == 0; c++)
		if (store__fp_reserve(&en->fp[cols[c]], (uint64_t)rows, &p->fp_bytes, limit) < 0)
			out = 1;
	while (out == 0 && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		for (size_t c = 0; c < ncols && out == 0; c++) {
			struct store_val v;
			const unsigned char *t;
			memset(&v, 0, sizeof(v));
			switch (sqlite3_column_type(q, (int)c + 1)) {
			case SQLITE_NULL:
				continue;
			case SQLITE_INTEGER:
				v.kind = STORE_INT;
				v.i = sqlite3_column_int64(q, (int)c + 1);
				break;
			case SQLITE_FLOAT:
				v.kind = STORE_REAL;
				v.r = sqlite3_column_double(q, (int)c + 1);
				break;
			default:
				t = sqlite3_column_text(q, (int)c + 1);
				v.kind = STORE_TEXT;
				v.s = t ? (const char *)t : "";
				v.n = (size_t)sqlite3_column_bytes(q, (int)c + 1);
				break;
			}
			if (store__fp_add(&en->fp[cols[c]], store__fp_hash(&v), id, &p->fp_bytes,
					  limit) < 0)
				out = 1;
		}
	}
	sqlite3_finalize(q);
	if (out == 0 && rc != SQLITE_DONE)
		out = db_err(err, p->db, "cannot read the records");
	if (out != 0)
		for (size_t c = 0; c < ncols; c++)
			store__fp_release(&en->fp[cols[c]], &p->fp_bytes);
	free(cols);
	return out;
}

/*
 * The mode of an entity in a job, set when the job first uses it (inside a transaction,
 * so the DDL commits with the job's batches): a small table, or one a killed job left
 * without its indexes, defers them while its fingerprint tables fit; any other table has
 * its indexes (made again if a job left them out).
 */
static int ent_mode(struct sq_program *p, struct sq_entity *en, struct err *err)
{
	size_t nuniq, missing;
	int64_t rows;

	if (en->mode != EM_OFF || !job_active(p))
		return 0;
	nuniq = unique_count(en->e);
	if (nuniq == 0) {
		en->mode = EM_INDEX;
		return 0;
	}
	if (max_rowid(p, en, &rows, err) < 0 || missing_indexes(p, en, &missing, err) < 0)
		return -1;
	if (p->defer_rows >= 0 && (rows <= p->defer_rows || missing > 0) &&
	    fp_fits(p, rows, nuniq)) {
		bool *want = xcalloc(en->e->nfields ? en->e->nfields : 1, sizeof(bool));
		int rc;
		for (size_t f = 0; f < en->e->nfields; f++)
			want[f] = field_unique(en->e, f);
		rc = unique_indexes(p, en, false, err);
		if (rc == 0)
			rc = fp_fill(p, en, want, rows, p->fp_max, err);
		free(want);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			en->mode = EM_DEFER;
			return job_cache(p, err);
		}
		/* They did not fit after all: the indexes come back below. */
		missing = 1;
	}
	if (missing > 0 && unique_indexes(p, en, true, err) < 0)
		return -1;
	en->mode = EM_INDEX;
	return job_cache(p, err);
}

/* The hashes of a row's unique values into h (per field), each computed once a write. */
static void hash_unique(const struct sq_entity *en, const struct store_val *vals, uint64_t *h)
{
	for (size_t f = 0; f < en->e->nfields; f++)
		if (field_unique(en->e, f) && vals[f].kind != STORE_NULL)
			h[f] = store__fp_hash(&vals[f]);
}

/* Records a row's unique values (after an insert or a change) in the entity's tables;
   h: their hashes (hash_unique), or NULL. */
static int fp_note(struct sq_program *p, struct sq_entity *en, int64_t id,
		   const struct store_val *vals, const struct store_val *old, const uint64_t *h,
		   struct err *err)
{
	for (size_t f = 0; f < en->e->nfields; f++) {
		struct store_fp *t = &en->fp[f];
		if (t->cap == 0 || vals[f].kind == STORE_NULL ||
		    (old && store_val_equal(&old[f], &vals[f])))
			continue;
		if (store__fp_add(t, h ? h[f] : store__fp_hash(&vals[f]), id, &p->fp_bytes,
				  fp_limit(p, en)) == 0)
			continue;
		/* Full: a deferring table builds its indexes; elsewhere the field goes back
		   to its index for good. */
		if (en->mode == EM_DEFER)
			return undefer(p, en, err);
		store__fp_release(t, &p->fp_bytes);
		en->lookups[f] = FP_NEVER;
	}
	return 0;
}

/* The statement that reads one field of a record by id. */
static sqlite3_stmt *value_at_stmt(struct sq_program *p, struct sq_entity *en, size_t f,
				   struct err *err)
{
	if (!en->value_at[f]) {
		struct buf sql;
		buf_init(&sql, 1024);
		buf_adds(&sql, "SELECT ");
		store_quote_ident(&sql, en->e->fields[f].name, NULL);
		buf_addf(&sql, " FROM %s WHERE id = ?1", en->table);
		if (prepare_buf(p->db, &sql, &en->value_at[f], err) < 0)
			return NULL;
	}
	sqlite3_reset(en->value_at[f]);
	return en->value_at[f];
}

/* Whether column i of a row holds exactly v (v of the column's own kind). */
static bool column_is(sqlite3_stmt *s, int i, const struct store_val *v)
{
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_INTEGER:
		return v->kind == STORE_INT && sqlite3_column_int64(s, i) == v->i;
	case SQLITE_FLOAT:
		return v->kind == STORE_REAL && sqlite3_column_double(s, i) == v->r;
	case SQLITE_TEXT:
		return v->kind == STORE_TEXT && (size_t)sqlite3_column_bytes(s, i) == v->n &&
		       memcmp(sqlite3_column_text(s, i), v->s, v->n) == 0;
	default:
		return false;
	}
}

/*
 * Whether the fingerprint table answers for field f and value v: the entity defers its
 * indexes, or the field was looked up often enough to get a table (made here). Values
 * of another kind than the column's go through SQL, whose comparison rules they need.
 */
static int fp_answers(struct sq_program *p, struct sq_entity *en, size_t f,
		      const struct store_val *v, struct err *err)
{
	bool *want;
	int64_t rows;
	int rc;

	if (ent_mode(p, en, err) < 0)
		return -1;
	if (en->mode == EM_OFF || !field_unique(en->e, f) || v->kind == STORE_NULL ||
	    v->kind != store__kind_of(en->e->fields[f].type))
		return 0;
	if (en->fp[f].cap > 0)
		return 1;
	if (p->fp_lookups == FP_NEVER || en->lookups[f] == FP_NEVER ||
	    en->lookups[f]++ < p->fp_lookups)
		return 0;
	en->lookups[f] = FP_NEVER; /* one try per job */
	if (max_rowid(p, en, &rows, err) < 0)
		return -1;
	if (p->fp_bytes > fp_limit(p, en) ||
	    store__fp_bytes_for((uint64_t)rows) > fp_limit(p, en) - p->fp_bytes)
		return 0;
	want = xcalloc(en->e->nfields, sizeof(bool));
	want[f] = true;
	rc = fp_fill(p, en, want, rows, fp_limit(p, en), err);
	free(want);
	if (rc < 0)
		return -1;
	return rc == 0 ? 1 : 0;
}

/* The id of the record whose field f holds v, through the fingerprint table: 1, 0, -1. */
static int fp_owner(struct sq_program *p, struct sq_entity *en, size_t f,
		    const struct store_val *v, uint64_t h, int64_t *ret_id, struct err *err)
{
	struct store_fp_probe pr;
	int64_t id;

	store__fp_probe_start(&en->fp[f], h, &pr);
	while (store__fp_probe_next(&pr, &id)) {
		sqlite3_stmt *s = value_at_stmt(p, en, f, err);
		int rc;
		bool same;
		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, id);
		rc = step_row(p->db, s, "cannot look a value up", err);
		if (rc < 0)
			return -1;
		same = rc == 1 && column_is(s, 0, v);
		sqlite3_reset(s);
		if (same) {
			*ret_id = id;
			return 1;
		}
	}
	return 0;
}

/* ---- programs ---- */

static void program_db_path(const char *data_dir, int64_t id, struct buf *out)
{
	buf_addf(out, "%s/programs/%" PRId64 "/program.db", data_dir, id);
}

static int meta_put(sqlite3 *db, const char *key, const char *value, struct err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (prepare(db, sql_meta_put, &s, err) < 0)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	rc = step_done(db, s, "cannot save the program's settings", err);
	sqlite3_finalize(s);
	return rc;
}

static int meta_get(sqlite3 *db, const char *key, char **ret, struct err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (prepare(db, sql_meta_get, &s, err) < 0)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*ret = column_dup(s, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = err_set(err, ERR_STORE_ERROR, "the program's database has no '%s'", key);
	} else {
		rc = db_err(err, db, "cannot read the program's settings");
	}
	sqlite3_finalize(s);
	return rc;
}

/* Makes a program's database: migrations, schema, entity tables. */
static int program_db_create(const char *path, const struct schema *schema, int64_t id,
			     struct err *err)
{
	sqlite3 *db = NULL;
	struct buf ddl;
	char *json = NULL;
	char idtext[32];
	int rc = -1;

	buf_init(&ddl, SQL_MAX);
	if (db_open(path, true, false, &db, err) < 0)
		goto out;
	if (migrate(db, program_migrations, program_migration_nfiles, err) < 0)
		goto out;
	for (size_t i = 0; i < schema->nentities; i++)
		if (entity_ddl(&ddl, &schema->entities[i], err) < 0)
			goto out;
	json = schema_to_json(schema);
	snprintf(idtext, sizeof(idtext), "%" PRId64, id);
	if (exec(db, "BEGIN IMMEDIATE", err) < 0)
		goto out;
	if (exec(db, ddl.ptr, err) < 0 || meta_put(db, "schema", json, err) < 0 ||
	    meta_put(db, "program_id", idtext, err) < 0) {
		exec(db, "ROLLBACK", NULL);
		goto out;
	}
	if (exec(db, "COMMIT", err) < 0)
		goto out;
	rc = 0;
out:
	free(json);
	buf_release(&ddl);
	if (sqlite3_close(db) != SQLITE_OK && rc == 0)
		rc = err_set(err, ERR_STORE_ERROR, "cannot close the program's database");
	return rc;
}

static int sq_program_create(struct store *st, const char *name, const struct schema *schema,
			     int64_t *ret_id, struct err *err)
{
	struct sq_store *s = sq_store(st);
	sqlite3_stmt *ins = NULL;
	struct buf dir, path;
	int64_t id = 0;
	char now[CLOCK_ISO_BYTES];
	int rc = -1;

	buf_init(&dir, 8192);
	buf_init(&path, 8192);
	clock_iso(clock_now(), now);
	if (exec(s->db, "BEGIN IMMEDIATE", err) < 0)
		goto out;
	if (prepare(s->db, sql_program_insert, &ins, err) < 0)
		goto rollback;
	sqlite3_bind_text(ins, 1, name, -1, SQLITE_STATIC);
	if (schema->preset)
		sqlite3_bind_text(ins, 2, schema->preset, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, now, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
			err_set(err, ERR_INVALID_ARGUMENT, "a program named '%s' exists already",
				name);
		else
			db_err(err, s->db, "cannot create the program");
		goto rollback;
	}
	id = sqlite3_last_insert_rowid(s->db);
	/* A folder left by a creation that never committed has this id: start afresh. */
	store_program_dir(st, id, &dir);
	program_db_path(st->data_dir, id, &path);
	if (fs_remove_tree(dir.ptr, err) < 0 || fs_mkdir_p(dir.ptr, err) < 0)
		goto rollback;
	if (program_db_create(path.ptr, schema, id, err) < 0) {
		fs_remove_tree(dir.ptr, NULL);
		goto rollback;
	}
	if (exec(s->db, "COMMIT", err) < 0) {
		fs_remove_tree(dir.ptr, NULL);
		goto rollback;
	}
	*ret_id = id;
	rc = 0;
	goto out;
rollback:
	exec(s->db, "ROLLBACK", NULL);
out:
	sqlite3_finalize(ins);
	buf_release(&dir);
	buf_release(&path);
	return rc;
}

static int sq_program_list(struct store *st, struct store_program_info **ret, size_t *ret_n,
			   struct err *err)
{
	struct sq_store *s = sq_store(st);
	struct store_program_info *v = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *q = NULL;
	int rc;

	if (prepare(s->db, sql_program_list, &q, err) < 0)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		XGROW(v, cap, n + 1);
		memset(&v[n], 0, sizeof(v[n]));
		v[n].id = sqlite3_column_int64(q, 0);
		v[n].name = column_dup(q, 1);
		v[n].preset = column_dup(q, 2);
		column_str(q, 3, v[n].created_at, sizeof(v[n].created_at));
		n++;
	}
	if (rc != SQLITE_DONE) {
		db_err(err, s->db, "cannot list programs");
		sqlite3_finalize(q);
		store_program_infos_free(v, n);
		return -1;
	}
	sqlite3_finalize(q);
	*ret = v;
	*ret_n = n;
	return 0;
}

static void entity_release(struct sq_program *p, struct sq_entity *e)
{
	size_t nf = e->e ? e->e->nfields : 0;

	if (e->fp)
		for (size_t i = 0; i < nf; i++)
			store__fp_release(&e->fp[i], &p->fp_bytes);
	if (e->value_at)
		for (size_t i = 0; i < nf; i++)
			sqlite3_finalize(e->value_at[i]);
	free(e->fp);
	free(e->lookups);
	free(e->value_at);
	free(e->hash);
	sqlite3_finalize(e->ra.stmt);
	if (e->ra.arena.chunk_size)
		arena_release(&e->ra.arena);

	if (e->find)
		for (size_t i = 0; i < nf + 2; i++)
			sqlite3_finalize(e->find[i]);
	if (e->owner)
		for (size_t i = 0; i < nf; i++)
			sqlite3_finalize(e->owner[i]);
	if (e->insert_absent)
		for (size_t i = 0; i < nf; i++)
			sqlite3_finalize(e->insert_absent[i]);
	free(e->insert_absent);
	for (size_t i = 0; i < e->nrefs; i++)
		sqlite3_finalize(e->refs[i]);
	sqlite3_finalize(e->insert);
	if (e->update)
		for (size_t i = 0; i < ((size_t)1 << UPDATE_MASK_FIELDS); i++)
			sqlite3_finalize(e->update[i]);
	free(e->update);
	sqlite3_finalize(e->drop);
	free(e->find);
	free(e->owner);
	free(e->refs);
	free(e->refs_from);
	free(e->table);
	free(e->select);
	memset(e, 0, sizeof(*e));
}

static void entities_release(struct sq_program *p)
{
	for (size_t i = 0; i < p->nents; i++)
		entity_release(p, &p->ents[i]);
	free(p->ents);
	p->ents = NULL;
	p->nents = 0;
}

/* Builds the per-entity state for the current schema (statements come later, lazily). */
static int entities_build(struct sq_program *p, struct err *err)
{
	const struct schema *sc = p->head.schema;
	struct buf b;

	p->ents = xcalloc(sc->nentities ? sc->nentities : 1, sizeof(*p->ents));
	p->nents = sc->nentities;
	buf_init(&b, SQL_MAX);
	for (size_t i = 0; i < sc->nentities; i++) {
		struct sq_entity *en = &p->ents[i];
		const struct schema_entity *e = &sc->entities[i];

		en->e = e;
		en->index = i;
		en->find = xcalloc(e->nfields + 2, sizeof(*en->find));
		en->owner = xcalloc(e->nfields ? e->nfields : 1, sizeof(*en->owner));
		en->insert_absent = xcalloc(e->nfields ? e->nfields : 1,
					    sizeof(*en->insert_absent));
		en->fp = xcalloc(e->nfields ? e->nfields : 1, sizeof(*en->fp));
		en->lookups = xcalloc(e->nfields ? e->nfields : 1, sizeof(*en->lookups));
		en->value_at = xcalloc(e->nfields ? e->nfields : 1, sizeof(*en->value_at));
		en->hash = xcalloc(e->nfields ? e->nfields : 1, sizeof(*en->hash));
		buf_reset(&b);
		if (quote_table(&b, e->name, err) < 0)
			goto fail;
		en->table = xstrdup(b.ptr);
		buf_reset(&b);
		buf_adds(&b, "SELECT id, key, state, created_job, intake_updated_job, created_at, "
			     "updated_at");
		for (size_t f = 0; f < e->nfields; f++) {
			buf_adds(&b, ", ");
			if (store_quote_ident(&b, e->fields[f].name, err) < 0)
				goto fail;
		}
		buf_addf(&b, " FROM %s ", en->table);
		if (b.failed) {
			err_set(err, ERR_INVALID_SCHEMA, "entity '%s' is too large", e->name);
			goto fail;
		}
		en->select = xstrdup(b.ptr);
	}
	/* Who references whom: for DROP and revert. */
	for (size_t i = 0; i < sc->nentities; i++) {
		const struct schema_entity *e = &sc->entities[i];
		for (size_t f = 0; f < e->nfields; f++) {
			const struct schema_entity *parent;
			struct sq_entity *pe;
			if (e->fields[f].type != SCHEMA_REFERENCE || !e->fields[f].ref_entity)
				continue;
			parent = schema_entity_find(sc, e->fields[f].ref_entity);
			if (!parent)
				continue;
			pe = &p->ents[parent - sc->entities];
			pe->refs_from = xrealloc(pe->refs_from, xmul(2 * (pe->nrefs + 1), sizeof(size_t)));
			pe->refs = xrealloc(pe->refs, xmul(pe->nrefs + 1, sizeof(*pe->refs)));
			pe->refs_from[2 * pe->nrefs] = i;
			pe->refs_from[2 * pe->nrefs + 1] = f;
			pe->refs[pe->nrefs] = NULL;
			pe->nrefs++;
		}
	}
	buf_release(&b);
	return 0;
fail:
	buf_release(&b);
	entities_release(p);
	return -1;
}

static void program_free(struct sq_program *p)
{
	if (!p)
		return;
	entities_release(p);
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(p->st[i]);
	if (p->db) {
		if (p->dry)
			exec(p->db, "ROLLBACK", NULL);
		sqlite3_close(p->db);
	}
	store__program_head_release(&p->head);
	free(p);
}

static int sq_program_open(struct store *st, const char *name, int64_t id,
			   struct store_program **ret, struct err *err)
{
	struct sq_store *s = sq_store(st);
	struct sq_program *p = NULL;
	sqlite3_stmt *q = NULL;
	struct buf path;
	char *json = NULL;
	int rc = -1;

	buf_init(&path, 8192);
	if (prepare(s->db, name ? sql_program_by_name : sql_program_by_id, &q, err) < 0)
		goto out;
	if (name)
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(q, 1, id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE) {
		if (name)
			err_set(err, ERR_UNKNOWN_PROGRAM, "no program named '%.64s'", name);
		else
			err_set(err, ERR_UNKNOWN_PROGRAM, "no program with id %" PRId64, id);
		rc = -1;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = db_err(err, s->db, "cannot read the program");
		goto out;
	}
	rc = -1;
	p = xcalloc(1, sizeof(*p));
	p->head.be = &store_backend_sqlite;
	p->head.st = st;
	p->head.id = sqlite3_column_int64(q, 0);
	p->head.name = column_dup(q, 1);
	p->head.preset = column_dup(q, 2);
	program_db_path(st->data_dir, p->head.id, &path);
	if (db_open(path.ptr, false, false, &p->db, err) < 0)
		goto out;
	p->cache_kib = CACHE_KIB_IDLE;
	tunables(p);
	if (migrate(p->db, program_migrations, program_migration_nfiles, err) < 0)
		goto out;
	if (meta_get(p->db, "schema", &json, err) < 0)
		goto out;
	if (schema_parse(json, strlen(json), &p->head.schema, err) < 0)
		goto out;
	if (entities_build(p, err) < 0)
		goto out;
	*ret = &p->head;
	p = NULL;
	rc = 0;
out:
	sqlite3_finalize(q);
	free(json);
	buf_release(&path);
	program_free(p);
	return rc;
}

static void sq_program_close(struct store_program *hp)
{
	program_free(sq_program(hp));
}

static int sq_program_field_add(struct store_program *hp, const char *entity, const char *json,
				size_t len, struct err *err)
{
	struct sq_program *p = sq_program(hp);
	struct schema *next = NULL;
	const struct schema_entity *e;
	char *text = NULL, *newjson = NULL;
	struct buf sql;
	int rc = -1;

	buf_init(&sql, SQL_MAX);
	text = schema_to_json(p->head.schema);
	if (schema_parse(text, strlen(text), &next, err) < 0)
		goto out;
	if (schema_field_add(next, entity, json, len, err) < 0)
		goto out;
	e = schema_entity_find(next, entity);
	if (!e) {
		err_set(err, ERR_INVALID_SCHEMA, "no entity named '%.64s'", entity);
		goto out;
	}
	if (check_field_name(e, e->fields[e->nfields - 1].name, err) < 0)
		goto out;
	buf_adds(&sql, "ALTER TABLE ");
	if (quote_table(&sql, e->name, err) < 0)
		goto out;
	buf_adds(&sql, " ADD COLUMN ");
	if (store_quote_ident(&sql, e->fields[e->nfields - 1].name, err) < 0)
		goto out;
	buf_addf(&sql, " %s;\n", sql_type(e->fields[e->nfields - 1].type));
	if (index_sql(&sql, e, e->nfields - 1, err) < 0)
		goto out;
	newjson = schema_to_json(next);
	if (exec(p->db, "BEGIN IMMEDIATE", err) < 0)
		goto out;
	if (exec(p->db, sql.ptr, err) < 0 || meta_put(p->db, "schema", newjson, err) < 0) {
		exec(p->db, "ROLLBACK", NULL);
		goto out;
	}
	if (exec(p->db, "COMMIT", err) < 0)
		goto out;
	/* The statements were made for the old columns. */
	entities_release(p);
	for (int i = 0; i < ST__COUNT; i++) {
		sqlite3_finalize(p->st[i]);
		p->st[i] = NULL;
	}
	schema_free(p->head.schema);
	p->head.schema = next;
	next = NULL;
	rc = entities_build(p, err);
out:
	schema_free(next);
	free(text);
	free(newjson);
	buf_release(&sql);
	return rc;
}

static int sq_entity_counts(struct store_program *hp, size_t entity, uint64_t *ret,
			    struct err *err)
{
	struct sq_program *p = sq_program(hp);
	sqlite3_stmt *q = NULL;
	struct buf sql;
	int rc;

	if (entity >= p->nents)
		return err_set(err, ERR_INVALID_ARGUMENT, "no such entity");
	memset(ret, 0, STORE_NSTATES * sizeof(*ret));
	buf_init(&sql, 1024);
	buf_addf(&sql, "SELECT state, count(*) FROM %s GROUP BY state", p->ents[entity].table);
	if (prepare_buf(p->db, &sql, &q, err) < 0)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		enum store_state s;
		if (store_state_from_name((const char *)sqlite3_column_text(q, 0), &s))
			ret[s] = (uint64_t)sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return db_err(err, p->db, "cannot count records");
	return 0;
}

static int sq_program_compact(struct store_program *hp, struct err *err)
{
	struct sq_program *p = sq_program(hp);
	int rc;

	if (p->in_batch || p->dry)
		return err_set(err, ERR_INVALID_STATE, "cannot compact inside a transaction");
	rc = sqlite3_wal_checkpoint_v2(p->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return db_err(err, p->db, "cannot checkpoint the program's log");
	if (p->big_cache) {
		p->big_cache = false;
		if (set_cache(p, CACHE_KIB_IDLE, err) < 0)
			return -1;
		return exec(p->db, "PRAGMA wal_autocheckpoint = 1000", err);
	}
	return 0;
}

/* ---- batches ---- */

static int sq_batch_begin(struct store_program *hp, struct err *err)
{
	struct sq_program *p = sq_program(hp);

	if (p->in_batch)
		STORE_BUG("batch inside a batch");
	if (!p->big_cache && !p->dry) {
		char sql[128];
		snprintf(sql, sizeof(sql), "PRAGMA wal_autocheckpoint = %d", WAL_PAGES_JOB);
		if (exec(p->db, sql, err) < 0 || job_cache(p, err) < 0)
			return -1;
		p->big_cache = true;
	}
	if (exec(p->db, p->dry ? "SAVEPOINT batch" : "BEGIN IMMEDIATE", err) < 0)
		return -1;
	p->in_batch = true;
	return 0;
}

static int sq_batch_rollback(struct store_program *hp, struct err *err)
{
	struct sq_program *p = sq_program(hp);
	int rc;

	if (!p->in_batch)
		return 0;
	p->in_batch = false;
	p->sync_next = false;
	/* What the fingerprint tables and modes describe may be undone. */
	modes_reset(p);
	if (p->dry)
		rc = exec(p->db, "ROLLBACK TO batch; RELEASE batch", err);
	else
		rc = sqlite3_get_autocommit(p->db) ? 0 : exec(p->db, "ROLLBACK", err);
	return rc;
}

static int sq_batch_commit(struct store_program *hp, int64_t job, const void *cp, size_t n,
			   struct err *err)
{
	struct sq_program *p = sq_program(hp);
	sqlite3_stmt *s;

	if (!p->in_batch)
		STORE_BUG("commit without a batch");
	if (p->dry) {
		p->in_batch = false;
		return exec(p->db, "RELEASE batch", err);
	}
	if (cp) {
		if (!(s = pst(p, ST_CHECKPOINT_PUT, err)))
			goto fail;
		sqlite3_bind_int64(s, 1, job);
		sqlite3_bind_blob(s, 2, cp, (int)n, SQLITE_STATIC);
		if (step_done(p->db, s, "cannot save the checkpoint", err) < 0)
			goto fail;
	}
	if (exec(p->db, "COMMIT", err) < 0) {
		if (err && (err->sys_errno & 0xff) == SQLITE_FULL)
			err->code = ERR_DISK_FULL;
		goto fail;
	}
	p->in_batch = false;
	if (p->sync_next) {
		/* A job's last commit reaches the disk before the job is called finished in
		   the system database: a checkpoint syncs the log first (with NORMAL, commits
		   alone do not). */
		p->sync_next = false;
		sqlite3_wal_checkpoint_v2(p->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	}
	return 0;
fail:
	sq_batch_rollback(hp, NULL);
	return -1;
}

static int sq_checkpoint_load(struct store_program *hp, int64_t job, struct buf *out,
			      struct err *err)
{
	struct sq_program *p = sq_program(hp);
	sqlite3_stmt *s = pst(p, ST_CHECKPOINT_GET, err);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, job);
	buf_reset(out);
	rc = step_row(p->db, s, "cannot read the checkpoint", err);
	if (rc != 1)
		return rc;
	buf_add(out, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0));
	sqlite3_reset(s);
	if (out->failed)
		return err_set(err, ERR_STORE_ERROR, "the checkpoint is too large");
	return 1;
}

static int sq_dry_begin(struct store_program *hp, struct err *err)
{
	struct sq_program *p = sq_program(hp);

	if (p->dry || p->in_batch)
		STORE_BUG("dry run inside a transaction");
	if (!p->big_cache) {
		if (job_cache(p, err) < 0)
			return -1;
		p->big_cache = true;
	}
	if (exec(p->db, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	p->dry = true;
	return 0;
}

static int sq_dry_end(struct store_program *hp, struct err *err)
{
	struct sq_program *p = sq_program(hp);

	if (!p->dry)
		return 0;
	if (p->in_batch)
		sq_batch_rollback(hp, NULL);
	modes_reset(p);
	p->dry = false;
	if (sqlite3_get_autocommit(p->db))
		return 0;
	return exec(p->db, "ROLLBACK", err);
}

/* ---- records ---- */

static struct sq_entity *ent(struct sq_program *p, size_t entity)
{
	if (entity >= p->nents)
		STORE_BUG("entity index out of range");
	return &p->ents[entity];
}

static sqlite3_stmt *find_stmt(struct sq_program *p, struct sq_entity *en,
			       const struct schema_ident *ident, struct err *err)
{
	size_t slot;
	struct buf sql;

	if (ident->builtin == SCHEMA_BUILTIN_ID)
		slot = 0;
	else if (ident->builtin == SCHEMA_BUILTIN_KEY)
		slot = 1;
	else if (ident->builtin == SCHEMA_BUILTIN_NONE && ident->field < en->e->nfields)
		slot = ident->field + 2;
	else
		STORE_BUG("not an identifier");
	if (!en->find[slot]) {
		buf_init(&sql, SQL_MAX);
		buf_adds(&sql, en->select);
		buf_adds(&sql, "WHERE ");
		if (slot == 0)
			buf_adds(&sql, "id");
		else if (slot == 1)
			buf_adds(&sql, "key");
		else
			store_quote_ident(&sql, en->e->fields[slot - 2].name, NULL);
		buf_adds(&sql, " = ?1 ORDER BY id LIMIT 1");
		if (prepare_buf(p->db, &sql, &en->find[slot], err) < 0)
			return NULL;
	}
	sqlite3_reset(en->find[slot]);
	return en->find[slot];
}

/* Fills a record from a row of en->select's columns. */
static void read_record(sqlite3_stmt *s, struct sq_entity *en, struct arena *a,
			struct store_record *r)
{
	const char *state = (const char *)sqlite3_column_text(s, 2);

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	column_str(s, 1, r->key, sizeof(r->key));
	if (!state || !store_state_from_name(state, &r->state))
		r->state = STORE_STATE_ACTIVE;
	r->created_job = sqlite3_column_int64(s, 3);
	r->updated_job = sqlite3_column_int64(s, 4);
	column_str(s, 5, r->created_at, sizeof(r->created_at));
	column_str(s, 6, r->updated_at, sizeof(r->updated_at));
	r->nvals = en->e->nfields;
	r->vals = ARENA_NEW_ARRAY(a, struct store_val, r->nvals ? r->nvals : 1);
	for (size_t f = 0; f < r->nvals; f++)
		column_val(s, (int)f + 7, a, &r->vals[f]);
}

/*
 * A record is written (gone: deleted): its copy is out of date. A deletion forgets the
 * whole read-ahead: the next insert may take an id inside the range it covers.
 */
static void ra_drop(struct sq_entity *en, int64_t id, bool gone)
{
	struct read_ahead *ra = &en->ra;

	if (!ra->valid || id < ra->lo || id > ra->hi)
		return;
	if (gone) {
		ra->valid = false;
		return;
	}
	for (size_t i = 0; i < ra->n; i++)
		if (ra->rec[i].id == id)
			ra->have[i] = false;
}

static void copy_record(const struct store_record *from, struct arena *a, struct store_record *to)
{
	*to = *from;
	to->vals = ARENA_NEW_ARRAY(a, struct store_val, from->nvals ? from->nvals : 1);
	for (size_t f = 0; f < from->nvals; f++) {
		to->vals[f] = from->vals[f];
		if (from->vals[f].kind == STORE_TEXT)
			to->vals[f].s = arena_memdup0(a, from->vals[f].s, from->vals[f].n);
	}
}

/* Reads the records from id on (at most READ_AHEAD). */
static int ra_fill(struct sq_program *p, struct sq_entity *en, int64_t id, struct err *err)
{
	struct read_ahead *ra = &en->ra;
	int rc;

	if (!ra->stmt) {
		struct buf sql;
		buf_init(&sql, SQL_MAX);
		buf_adds(&sql, en->select);
		buf_addf(&sql, "WHERE id >= ?1 ORDER BY id LIMIT %d", READ_AHEAD);
		if (prepare_buf(p->db, &sql, &ra->stmt, err) < 0)
			return -1;
		arena_init(&ra->arena, 64 * 1024);
	}
	arena_reset(&ra->arena);
	ra->valid = false;
	ra->n = 0;
	sqlite3_reset(ra->stmt);
	sqlite3_bind_int64(ra->stmt, 1, id);
	while ((rc = sqlite3_step(ra->stmt)) == SQLITE_ROW) {
		read_record(ra->stmt, en, &ra->arena, &ra->rec[ra->n]);
		ra->have[ra->n] = true;
		ra->n++;
		if (ra->arena.used > READ_AHEAD_BYTES) {
			rc = SQLITE_DONE;	/* enough: the range ends at this record */
			break;
		}
	}
	sqlite3_reset(ra->stmt);
	if (rc != SQLITE_DONE)
		return db_err(err, p->db, "cannot read records");
	if (ra->n == 1 && ra->arena.used > READ_AHEAD_BYTES) {
		/* Records this big gain nothing from a copy: read them where they are asked. */
		arena_reset(&ra->arena);
		ra->n = 0;
		ra->big = true;
		return 0;
	}
	ra->lo = id;
	/* Fewer rows than asked for: the table ends, and ids past it are not covered. */
	ra->hi = ra->n ? ra->rec[ra->n - 1].id : id;
	ra->valid = true;
	return 0;
}

/*
 * The record with this id from the read-ahead: 1 (copied into a), 0 there is none,
 * 2 the read-ahead does not know (ask the database).
 */
static int ra_get(struct sq_program *p, struct sq_entity *en, int64_t id, struct arena *a,
		  struct store_record *ret, struct err *err)
{
	struct read_ahead *ra = &en->ra;
	bool in_order = id > ra->last && id <= ra->last + 8;

	ra->last = id;
	if (ra->big)
		return 2;
	if (!(ra->valid && id >= ra->lo && id <= ra->hi)) {
		if (!in_order)
			return 2;
		if (ra_fill(p, en, id, err) < 0)
			return -1;
		if (ra->big)
			return 2;
	}
	{
		size_t lo = 0, hi = ra->n; /* the records are in id order */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (ra->rec[mid].id < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < ra->n && ra->rec[lo].id == id) {
			if (!ra->have[lo])
				return 2;
			copy_record(&ra->rec[lo], a, ret);
			return 1;
		}
	}
	/* No record has an id in the covered range that was read: none exists, unless one
	   was inserted since (inserts take the largest id plus one, past the range unless
	   the range reached the table's end). */
	return id < ra->hi ? 0 : 2;
}

/* Steps a find statement of en: 1 with its record in *ret (values in a), 0 none, -1 error. */
static int read_one(struct sq_program *p, sqlite3_stmt *s, struct sq_entity *en, struct arena *a,
		    struct store_record *ret, struct err *err)
{
	int rc = step_row(p->db, s, "cannot look a record up", err);

	if (rc == 1) {
		read_record(s, en, a, ret);
		sqlite3_reset(s);
	}
	return rc;
}

/* The record with this id: 1 (*ret, values in a), 0 none, -1 error. */
static int record_by_id(struct sq_program *p, struct sq_entity *en, int64_t id, struct arena *a,
			struct store_record *ret, struct err *err)
{
	struct schema_ident by_id = {.builtin = SCHEMA_BUILTIN_ID};
	sqlite3_stmt *s;
	int rc = ra_get(p, en, id, a, ret, err);

	if (rc != 2)
		return rc;
	if (!(s = find_stmt(p, en, &by_id, err)))
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return read_one(p, s, en, a, ret, err);
}

/* The record whose field f holds v, through the fingerprint table: 1 (*ret), 0, -1. */
static int fp_find(struct sq_program *p, struct sq_entity *en, size_t f,
		   const struct store_val *v, struct arena *a, struct store_record *ret,
		   struct err *err)
{
	struct store_fp_probe pr;
	int64_t id;

	store__fp_probe_start(&en->fp[f], store__fp_hash(v), &pr);
	while (store__fp_probe_next(&pr, &id)) {
		int rc = record_by_id(p, en, id, a, ret, err);
		if (rc < 0)
			return -1;
		if (rc == 1 && store_val_equal(&ret->vals[f], v))
			return 1;
	}
	return 0;
}

static int sq_record_find(struct store_program *hp, size_t entity,
			  const struct schema_ident *ident, const struct store_val *v,
			  struct arena *a, struct store_record *ret, struct err *err)
{
	struct sq_program *p = sq_program(hp);
	struct sq_entity *en = ent(p, entity);
	sqlite3_stmt *s;
	int rc = 0;

	if (ident->builtin == SCHEMA_BUILTIN_NONE && ident->field < en->e->nfields)
		rc = fp_answers(p, en, ident->field, v, err);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return fp_find(p, en, ident->field, v, a, ret, err);
	if (ident->builtin == SCHEMA_BUILTIN_ID && v->kind == STORE_INT && job_active(p))
		return record_by_id(p, en, v->i, a, ret, err);
	s = find_stmt(p, en, ident, err);
	if (!s)
		return -1;
	bind_val(s, 1, v);
	return read_one(p, s, en, a, ret, err);
}

/*
 * The statement "SELECT what FROM table WHERE column cond" (column quoted), prepared once
 * into *slot and reset; NULL on error.
 */
static sqlite3_stmt *where_stmt(struct sq_program *p, sqlite3_stmt **slot, const char *what,
				const char *table, const char *column, const char *cond,
				struct err *err)
{
	if (!*slot) {
		struct buf sql;
		buf_init(&sql, 1024);
		buf_addf(&sql, "SELECT %s FROM %s WHERE ", what, table);
		store_quote_ident(&sql, column, NULL);
		buf_addf(&sql, " %s", cond);
		if (prepare_buf(p->db, &sql, slot, err) < 0)
			return NULL;
	}
	sqlite3_reset(*slot);
	return *slot;
}

static int sq_value_owner(struct store_program *hp, size_t entity, size_t field,
			  const struct store_val *v, int64_t *ret_id, struct err *err)
{
	struct sq_program *p = sq_program(hp);
	struct sq_entity *en = ent(p, entity);
	sqlite3_stmt *s;
	int rc;

	if (field >= en->e->nfields)
		STORE_BUG("field index out of range");
	rc = fp_answers(p, en, field, v, err);
	if (rc != 0)
		return rc < 0 ? -1 : fp_owner(p, en, field, v, store__fp_hash(v), ret_id, err);
	s = where_stmt(p, &en->owner[field], "id", en->table, en->e->fields[field].name,
		       "= ?1 ORDER BY id LIMIT 1", err);
	if (!s)
		return -1;
	bind_val(s, 1, v);
	rc = step_row(p->db, s, "cannot look a value up", err);
	if (rc == 1) {
		*ret_id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}
	return rc;
}

/* After a unique violation: which field's value belongs to another record. */
static int find_conflict(struct sq_program *p, size_t entity, int64_t self,
			 const struct store_val *vals, size_t *ret_conflict, struct err *err)
{
	struct sq_entity *en = ent(p, entity);

	for (size_t f = 0; f < en->e->nfields; f++) {
		int64_t owner;
		int rc;
		if (!field_unique(en->e, f) || vals[f].kind == STORE_NULL)
			continue;
		rc = sq_value_owner(&p->head, entity, f, &vals[f], &owner, err);
		if (rc < 0)
			return -1;
		if (rc == 1 && owner != self) {
			*ret_conflict = f;
			return 1;
		}
	}
	return err_set(err, ERR_INTERNAL_ERROR, "a unique value clashed and no field owns it");
}

/* The INSERT of a record; with absent_field, one that does nothing when that field's
   value is taken (an upsert target). */
static int insert_sql(struct sq_entity *en, const char *absent_field, struct buf *sql)
{
	buf_addf(sql, "INSERT INTO %s (key, state, created_at, updated_at, created_job, "
		      "intake_updated_job", en->table);
	for (size_t f = 0; f < en->e->nfields; f++) {
		buf_adds(sql, ", ");
		store_quote_ident(sql, en->e->fields[f].name, NULL);
	}
	buf_adds(sql, ") VALUES (?1, 'active', ?2, ?2, ?3, ?3");
	for (size_t f = 0; f < en->e->nfields; f++)
		buf_addf(sql, ", ?%zu", f + 4);
	buf_adds(sql, ")");
	if (absent_field) {
		buf_adds(sql, " ON CONFLICT (");
		store_quote_ident(sql, absent_field, NULL);
		buf_adds(sql, ") DO NOTHING");
	}
	return sql->failed ? -1 : 0;
}

static int do_insert(struct sq_program *p, size_t entity, sqlite3_stmt *s,
		     const struct store_val *vals, int64_t *ret_id, char *ret_key,
		     size_t *ret_conflict, bool absent, struct err *err)
{
	struct sq_entity *en = ent(p, entity);
	const char *now = now_iso(p);
	char key[STORE_KEY_BYTES];
	int rc;

	store__new_key(p->rng, key);
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, p->head.job.job);
	for (size_t f = 0; f < en->e->nfields; f++)
		bind_val(s, (int)f + 4, &vals[f]);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE) {
		if (absent && sqlite3_changes(p->db) == 0)
			return 2;
		*ret_id = sqlite3_last_insert_rowid(p->db);
		if (ret_key)
			memcpy(ret_key, key, STORE_KEY_BYTES);
		return 0;
	}
	if (sqlite3_extended_errcode(p->db) == SQLITE_CONSTRAINT_UNIQUE)
		return find_conflict(p, entity, 0, vals, ret_conflict, err);
	return db_err(err, p->db, "cannot insert a record");
}

/*
 * A deferring table has no unique index to refuse a taken value: the first unique field
 * (schema order) whose new value another record holds is the conflict, as find_conflict
 * would name it after a violation. Values equal to old (the record's own) are skipped, and
 * so is field skip (checked already). h: the values' hashes (hash_unique).
 */
static int defer_check(struct sq_program *p, size_t entity, int64_t self,
		       const struct store_val *vals, const struct store_val *old, size_t skip,
		       const uint64_t *h, size_t *ret_conflict, struct err *err)
{
	struct sq_entity *en = ent(p, entity);

	for (size_t f = 0; f < en->e->nfields; f++) {
		int64_t owner;
		int rc;
		if (f == skip || !field_unique(en->e, f) || vals[f].kind == STORE_NULL ||
		    (old && store_val_equal(&old[f], &vals[f])))
			continue;
		rc = fp_answers(p, en, f, &vals[f], err);
		if (rc == 1)
			rc = fp_owner(p, en, f, &vals[f], h[f], &owner, err);
		else if (rc == 0)
			rc = sq_value_owner(&p->head, entity, f, &vals[f], &owner, err);
		if (rc < 0)
			return -1;
		if (rc == 1 && owner != self) {
			*ret_conflict = f;
			return 1;
		}
	}
	return 0;
}

static sqlite3_stmt *insert_stmt(struct sq_program *p, struct sq_entity *en, struct err *err)
{
	if (!en->insert) {
		struct buf sql;
		buf_init(&sql, SQL_MAX);
		insert_sql(en, NULL, &sql);
		if (prepare_buf(p->db, &sql, &en->insert, err) < 0)
			return NULL;
	}
	return en->insert;
}

/* An insert; skip: a unique field the caller checked already (or SIZE_MAX). */
static int insert_row(struct sq_program *p, size_t entity, const struct store_val *vals,
		      size_t skip, int64_t *ret_id, char *ret_key, size_t *ret_conflict,
		      struct err *err)
{
	struct sq_entity *en = ent(p, entity);
	sqlite3_stmt *s;
	int rc;

	if (en->mode == EM_DEFER) {
		rc = defer_check(p, entity, 0, vals, NULL, skip, en->hash, ret_conflict, err);
		if (rc != 0)
			return rc;
	}
	if (!(s = insert_stmt(p, en, err)))
		return -1;
	rc = do_insert(p, entity, s, vals, ret_id, ret_key, ret_conflict, false, err);
	if (rc == 0 && fp_note(p, en, *ret_id, vals, NULL, en->mode == EM_DEFER ? en->hash : NULL,
			       err) < 0)
		return -1;
	return rc;
}

static int sq_record_insert(struct store_program *hp, size_t entity, const struct store_val *vals,
			    int64_t *ret_id, char *ret_key, size_t *ret_conflict, struct err *err)
{
	struct sq_program *p = sq_program(hp);
	struct sq_entity *en = ent(p, entity);

	if (ent_mode(p, en, err) < 0)
		return -1;
	if (en->mode == EM_DEFER)
		hash_unique(en, vals, en->hash);
	return insert_row(p, entity, vals, SIZE_MAX, ret_id, ret_key, ret_conflict, err);
}

static int sq_record_insert_absent(struct store_program *hp, size_t entity, size_t field,
				   const struct store_val *vals, int64_t *ret_id, char *ret_key,
				   size_t *ret_conflict, struct err *err)
{
	struct sq_program *p = sq_program(hp);
	struct sq_entity *en = ent(p, entity);
	int64_t owner;
	int rc;

	if (field >= en->e->nfields || !field_unique(en->e, field))
		STORE_BUG("insert_absent needs a unique field");
	rc = fp_answers(p, en, field, &vals[field], err);
	if (rc < 0)
		return -1;
	if (rc == 1 || en->mode == EM_DEFER) {
		/* Its fingerprint table says whether the value is taken; a deferring table
		   checks the other unique values too. */
		if (en->mode == EM_DEFER)
			hash_unique(en, vals, en->hash);
		if (rc == 1)
			rc = fp_owner(p, en, field, &vals[field],
				      en->mode == EM_DEFER ? en->hash[field]
							   : store__fp_hash(&vals[field]),
				      &owner, err);
		else
			rc = sq_value_owner(hp, entity, field, &vals[field], &owner, err);
		if (rc != 0)
			return rc < 0 ? -1 : 2;
		return insert_row(p, entity, vals, field, ret_id, ret_key, ret_conflict, err);
	}
	if (!en->insert_absent[field]) {
		struct buf sql;
		buf_init(&sql, SQL_MAX);
		insert_sql(en, en->e->fields[field].name, &sql);
		if (prepare_buf(p->db, &sql, &en->insert_absent[field], err) < 0)
			return -1;
	}
	rc = do_insert(p, entity, en->insert_absent[field], vals, ret_id, ret_key, ret_conflict,
		       true, err);
	if (rc == 0 && fp_note(p, en, *ret_id, vals, NULL, NULL, err) < 0)
		return -1;
	return rc;
}

static int write_event(struct sq_program *p, size_t entity, int64_t record, const char *field,
		       const struct store_val *old, const struct store_val *new, int64_t prev_job,
		       const char *reason, struct err *err)
{
	sqlite3_stmt *s = pst(p, ST_EVENT_INSERT, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, p->head.job.job);
	sqlite3_bind_text(s, 2, p->ents[entity].e->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, record);
	if (field)
		sqlite3_bind_text(s, 4, field, -1, SQLITE_STATIC);
	if (old)
		bind_val(s, 5, old);
	if (new)
		bind_val(s, 6, new);
	sqlite3_bind_int64(s, 7, prev_job);
	sqlite3_bind_text(s, 8, p->head.job.user ? p->head.job.user : "cli", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, now_iso(p), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, reason, -1, SQLITE_STATIC);
	return step_done(p->db, s, "cannot write an event", err);
}

/* Whether a field has an index (unique, identifier or reference). */
static bool field_indexed(const struct schema_entity *e, size_t f)
{
	return field_unique(e, f) || e->fields[f].type == SCHEMA_REFERENCE;
}

/*
 * The UPDATE of a record. SQLite rewrites the index entries of every column an UPDATE
 * sets, changed or not, so a statement sets only the indexed columns whose values change:
 * one statement per set of them (mask: bit i for the entity's i-th indexed field; with
 * more than UPDATE_MASK_FIELDS indexed fields, every set is the full one). Parameters:
 * ?1 state, ?2 updated_at, ?3 the job, ?4 the id, ?5... the fields in schema order.
 */
static sqlite3_stmt *update_stmt(struct sq_program *p, struct sq_entity *en, unsigned mask,
				 struct err *err)
{
	size_t nidx = 0;

	for (size_t f = 0; f < en->e->nfields; f++)
		nidx += field_indexed(en->e, f);
	if (nidx > UPDATE_MASK_FIELDS)
		mask = 0;
	if (!en->update)
		en->update = xcalloc((size_t)1 << UPDATE_MASK_FIELDS, sizeof(*en->update));
	if (!en->update[mask]) {
		struct buf sql;
		size_t bit = 0;
		buf_init(&sql, SQL_MAX);
		buf_addf(&sql, "UPDATE %s SET state = ?1, updated_at = ?2, intake_updated_job = ?3",
			 en->table);
		for (size_t f = 0; f < en->e->nfields; f++) {
			if (nidx <= UPDATE_MASK_FIELDS && field_indexed(en->e, f) &&
			    !(mask & (1u << bit++)))
				continue;
			buf_adds(&sql, ", ");
			store_quote_ident(&sql, en->e->fields[f].name, NULL);
			buf_addf(&sql, " = ?%zu", f + 5);
		}
		buf_adds(&sql, " WHERE id = ?4");
		if (prepare_buf(p->db, &sql, &en->update[mask], err) < 0)
			return NULL;
	}
	sqlite3_reset(en->update[mask]);
	return en->update[mask];
}

/*
 * Writes a record's new values and state; job_of_change goes into intake_updated_job.
 * old: the record's values now (indexed columns equal to them are left out), or NULL.
 */
static int write_update(struct sq_program *p, size_t entity, int64_t id,
			const struct store_val *vals, const struct store_val *old,
			enum store_state state, int64_t job_of_change, size_t *ret_conflict,
			struct err *err)
{
	struct sq_entity *en = ent(p, entity);
	sqlite3_stmt *s;
	unsigned mask = 0, bit = 0;
	int rc;

	for (size_t f = 0; f < en->e->nfields; f++) {
		if (!field_indexed(en->e, f))
			continue;
		if (bit < UPDATE_MASK_FIELDS && (!old || !store_val_equal(&old[f], &vals[f])))
			mask |= 1u << bit;
		bit++;
	}
	ra_drop(en, id, false);
	if (!(s = update_stmt(p, en, mask, err)))
		return -1;
	sqlite3_bind_text(s, 1, store_state_name(state), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, now_iso(p), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, job_of_change);
	sqlite3_bind_int64(s, 4, id);
	for (size_t f = 0; f < en->e->nfields; f++)
		bind_val(s, (int)f + 5, &vals[f]);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (sqlite3_extended_errcode(p->db) == SQLITE_CONSTRAINT_UNIQUE)
		return find_conflict(p, entity, id, vals, ret_conflict, err);
	return db_err(err, p->db, "cannot update a record");
}

static int sq_record_update(struct store_program *hp, size_t entity,
			    const struct store_record *old, const struct store_val *vals,
			    enum store_state state, const char *reason, const bool *redact,
			    size_t *ret_conflict, struct err *err)
{
	struct sq_program *p = sq_program(hp);
	struct sq_entity *en = ent(p, entity);
	int rc;

	if (ent_mode(p, en, err) < 0)
		return -1;
	if (en->mode == EM_DEFER) {
		hash_unique(en, vals, en->hash);
		rc = defer_check(p, entity, old->id, vals, old->vals, SIZE_MAX, en->hash,
				 ret_conflict, err);
		if (rc != 0)
			return rc;
	}
	rc = write_update(p, entity, old->id, vals, old->vals, state, p->head.job.job, ret_conflict,
			  err);
	if (rc == 0 && fp_note(p, en, old->id, vals, old->vals,
			       en->mode == EM_DEFER ? en->hash : NULL, err) < 0)
		return -1;
	if (rc != 0 || !p->head.job.events)
		return rc;
	if (state != old->state) {
		struct store_val o = {.kind = STORE_TEXT, .s = store_state_name(old->state)};
		struct store_val n = {.kind = STORE_TEXT, .s = store_state_name(state)};
		o.n = strlen(o.s);
		n.n = strlen(n.s);
		if (write_event(p, entity, old->id, "state", &o, &n, old->updated_job, reason,
				err) < 0)
			return -1;
	}
	for (size_t f = 0; f < en->e->nfields; f++) {
		bool hide = redact && redact[f];
		if (store_val_equal(&old->vals[f], &vals[f]))
			continue;
		if (write_event(p, entity, old->id, en->e->fields[f].name,
				hide ? NULL : &old->vals[f], hide ? NULL : &vals[f],
				old->updated_job, reason, err) < 0)
			return -1;
	}
	return 0;
}

/* Removes a record and its events; one event (reason) says that it went. */
static int drop_record(struct sq_program *p, size_t entity, const struct store_record *old,
		       const char *reason, struct err *err)
{
	struct sq_entity *en = ent(p, entity);
	sqlite3_stmt *s;

	if (!en->drop) {
		struct buf sql;
		buf_init(&sql, 1024);
		buf_addf(&sql, "DELETE FROM %s WHERE id = ?1", en->table);
		if (prepare_buf(p->db, &sql, &en->drop, err) < 0)
			return -1;
	}
	ra_drop(en, old->id, true);
	sqlite3_reset(en->drop);
	sqlite3_bind_int64(en->drop, 1, old->id);
	if (step_done(p->db, en->drop, "cannot drop a record", err) < 0)
		return -1;
	if (!(s = pst(p, ST_EVENT_DROP_RECORD, err)))
		return -1;
	sqlite3_bind_text(s, 1, en->e->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, old->id);
	if (step_done(p->db, s, "cannot drop a record's events", err) < 0)
		return -1;
	if (!p->head.job.events)
		return 0;
	return write_event(p, entity, old->id, NULL, NULL, NULL, old->updated_job, reason, err);
}

static int sq_record_drop(struct store_program *hp, size_t entity, const struct store_record *old,
			  struct err *err)
{
	return drop_record(sq_program(hp), entity, old, "drop", err);
}

static int sq_record_purge(struct store_program *hp, size_t entity, int64_t id,
			   const bool *fields, struct err *err)
{
	struct sq_program *p = sq_program(hp);
	struct sq_entity *en = ent(p, entity);

	for (size_t f = 0; f < en->e->nfields; f++) {
		sqlite3_stmt *s;
		if (!fields[f])
			continue;
		if (!(s = pst(p, ST_EVENT_PURGE, err)))
			return -1;
		sqlite3_bind_text(s, 1, en->e->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, id);
		sqlite3_bind_text(s, 3, en->e->fields[f].name, -1, SQLITE_STATIC);
		if (step_done(p->db, s, "cannot purge events", err) < 0)
			return -1;
	}
	return 0;
}

static int sq_record_referenced(struct store_program *hp, size_t entity, int64_t id,
				struct err *err)
{
	struct sq_program *p = sq_program(hp);
	struct sq_entity *en = ent(p, entity);

	for (size_t i = 0; i < en->nrefs; i++) {
		struct sq_entity *child = &p->ents[en->refs_from[2 * i]];
		size_t field = en->refs_from[2 * i + 1];
		sqlite3_stmt *s = where_stmt(p, &en->refs[i], "1", child->table,
					     child->e->fields[field].name,
					     "= ?1 AND id <> ?2 LIMIT 1", err);
		int rc;
		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, id);
		/* A record that references itself does not keep itself alive. */
		sqlite3_bind_int64(s, 2, child == en ? id : 0);
		rc = step_row(p->db, s, "cannot look for references", err);
		sqlite3_reset(s);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- waiting rows, seen identifiers ---- */

static int sq_wait_add(struct store_program *hp, int64_t job, struct store_wait *w,
		       struct err *err)
{
	struct sq_program *p = sq_program(hp);
	sqlite3_stmt *s = pst(p, ST_WAIT_ADD, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, job);
	sqlite3_bind_int64(s, 2, (int64_t)w->entity);
	sqlite3_bind_blob(s, 3, w->rec_key, (int)w->rec_key_len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (int64_t)w->parent_entity);
	sqlite3_bind_blob(s, 5, w->parent_key, (int)w->parent_key_len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 6, w->payload, (int)w->payload_len, SQLITE_STATIC);
	if (step_done(p->db, s, "cannot keep a waiting row", err) < 0)
		return -1;
	w->seq = sqlite3_last_insert_rowid(p->db);
	return 0;
}

static int sq_wait_holds(struct store_program *hp, int64_t job, size_t entity, const void *key,
			 size_t len, struct err *err)
{
	struct sq_program *p = sq_program(hp);
	sqlite3_stmt *s = pst(p, ST_WAIT_HOLDS, err);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, job);
	sqlite3_bind_int64(s, 2, (int64_t)entity);
	sqlite3_bind_blob(s, 3, key, (int)len, SQLITE_STATIC);
	rc = step_row(p->db, s, "cannot look for waiting rows", err);
	sqlite3_reset(s);
	return rc;
}

static void *blob_dup(sqlite3_stmt *s, int i, struct arena *a, size_t *ret_len)
{
	size_t n = (size_t)sqlite3_column_bytes(s, i);
	const void *b = sqlite3_column_blob(s, i);

	*ret_len = n;
	return arena_memdup0(a, b ? b : "", n);
}

static int read_wait(struct sq_program *p, sqlite3_stmt *s, struct arena *a,
		     struct store_wait *ret, struct err *err)
{
	int rc = step_row(p->db, s, "cannot read waiting rows", err);

	if (rc != 1)
		return rc;
	memset(ret, 0, sizeof(*ret));
	ret->seq = sqlite3_column_int64(s, 0);
	ret->entity = (size_t)sqlite3_column_int64(s, 1);
	ret->rec_key = blob_dup(s, 2, a, &ret->rec_key_len);
	ret->parent_entity = (size_t)sqlite3_column_int64(s, 3);
	ret->parent_key = blob_dup(s, 4, a, &ret->parent_key_len);
	ret->payload = blob_dup(s, 5, a, &ret->payload_len);
	sqlite3_reset(s);
	return 1;
}

static int sq_wait_next(struct store_program *hp, int64_t job, int64_t after, struct arena *a,
			struct store_wait *ret, struct err *err)
{
	struct sq_program *p = sq_program(hp);
	sqlite3_stmt *s = pst(p, ST_WAIT_NEXT, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, job);
	sqlite3_bind_int64(s, 2, after);
	return read_wait(p, s, a, ret, err);
}

static int sq_wait_first_of(struct store_program *hp, int64_t job, size_t entity,
			    const void *key, size_t len, struct arena *a, struct store_wait *ret,
			    struct err *err)
{
	struct sq_program *p = sq_program(hp);
	sqlite3_stmt *s = pst(p, ST_WAIT_FIRST_OF, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, job);
	sqlite3_bind_int64(s, 2, (int64_t)entity);
	sqlite3_bind_blob(s, 3, key, (int)len, SQLITE_STATIC);
	return read_wait(p, s, a, ret, err);
}

static int sq_wait_delete(struct store_program *hp, int64_t job, int64_t seq, struct err *err)
{
	struct sq_program *p = sq_program(hp);
	sqlite3_stmt *s = pst(p, ST_WAIT_DELETE, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, job);
	sqlite3_bind_int64(s, 2, seq);
	return step_done(p->db, s, "cannot remove a waiting row", err);
}

static int sq_wait_count(struct store_program *hp, int64_t job, uint64_t *ret_n,
			 struct err *err)
{
	struct sq_program *p = sq_program(hp);
	sqlite3_stmt *s = pst(p, ST_WAIT_COUNT, err);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, job);
	rc = sqlite3_step(s);
	*ret_n = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return db_err(err, p->db, "cannot count waiting rows");
	return 0;
}

static int sq_seen_add(struct store_program *hp, int64_t job, const void *key, size_t len,
		       struct err *err)
{
	struct sq_program *p = sq_program(hp);
	sqlite3_stmt *s = pst(p, ST_SEEN_ADD, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, job);
	sqlite3_bind_blob(s, 2, key, (int)len, SQLITE_STATIC);
	if (step_done(p->db, s, "cannot record an identifier", err) < 0)
		return -1;
	return sqlite3_changes(p->db) > 0 ? 1 : 0;
}

static int sq_job_settle(struct store_program *hp, struct err *err)
{
	struct sq_program *p = sq_program(hp);

	if (p->dry)
		return 0;
	for (size_t i = 0; i < p->nents; i++)
		if (p->ents[i].mode == EM_DEFER && undefer(p, &p->ents[i], err) < 0)
			return -1;
	p->sync_next = p->in_batch;
	return 0;
}

static int sq_job_forget(struct store_program *hp, int64_t job, struct err *err)
{
	struct sq_program *p = sq_program(hp);
	const char *sql = sql_job_forget;
	int rc = 0;

	/* A job that ended without its last batch (cancelled) builds what it deferred now. */
	for (size_t i = 0; i < p->nents && !p->dry && !p->in_batch; i++) {
		if (p->ents[i].mode != EM_DEFER)
			continue;
		if (exec(p->db, "BEGIN IMMEDIATE", err) < 0)
			return -1;
		if (sq_job_settle(hp, err) < 0 || exec(p->db, "COMMIT", err) < 0) {
			exec(p->db, "ROLLBACK", NULL);
			modes_reset(p);
			return -1;
		}
		break;
	}
	modes_reset(p);

	while (rc == 0 && sql && *sql) {
		sqlite3_stmt *s = NULL;
		const char *tail = NULL;
		if (sqlite3_prepare_v2(p->db, sql, -1, &s, &tail) != SQLITE_OK)
			return db_err(err, p->db, "cannot forget the job");
		if (!s)
			break;
		sqlite3_bind_int64(s, 1, job);
		rc = step_done(p->db, s, "cannot forget the job", err);
		sqlite3_finalize(s);
		sql = tail;
	}
	return rc;
}

/* ---- export cursors ---- */

/* The SQL expression for a filter's subject: a built-in column or a (resolved) field. */
static int subject_sql(struct sq_program *p, struct sq_entity *en, const struct store_filter *f,
		       bool resolve_refs, struct buf *sql, struct err *err)
{
	switch (f->builtin) {
	case SCHEMA_BUILTIN_ID:
		buf_adds(sql, "t.id");
		return 0;
	case SCHEMA_BUILTIN_KEY:
		buf_adds(sql, "t.key");
		return 0;
	case SCHEMA_BUILTIN_STATE:
		buf_adds(sql, "t.state");
		return 0;
	case SCHEMA_BUILTIN_CREATED_AT:
		buf_adds(sql, "t.created_at");
		return 0;
	case SCHEMA_BUILTIN_UPDATED_AT:
		buf_adds(sql, "t.updated_at");
		return 0;
	case SCHEMA_BUILTIN_CREATED_JOB:
		buf_adds(sql, "t.created_job");
		return 0;
	case SCHEMA_BUILTIN_NONE:
		break;
	}
	if (f->field >= en->e->nfields)
		return err_set(err, ERR_INVALID_ARGUMENT, "no such field");
	if (resolve_refs && en->e->fields[f->field].type == SCHEMA_REFERENCE) {
		const struct schema_field *fd = &en->e->fields[f->field];
		const struct schema_entity *pe = schema_entity_find(p->head.schema, fd->ref_entity);
		if (!pe || !fd->ref_by)
			return err_set(err, ERR_INVALID_SCHEMA, "reference without a parent");
		buf_adds(sql, "(SELECT pr.");
		store_quote_ident(sql, fd->ref_by, NULL);
		buf_adds(sql, " FROM ");
		quote_table(sql, pe->name, NULL);
		buf_adds(sql, " pr WHERE pr.id = t.");
		store_quote_ident(sql, fd->name, NULL);
		buf_adds(sql, ")");
		return 0;
	}
	buf_adds(sql, "t.");
	return store_quote_ident(sql, en->e->fields[f->field].name, err);
}

static int sq_cursor_open(struct store_program *hp, size_t entity, const struct store_filter *fs,
			  size_t nf, bool resolve_refs, struct store_cursor **ret,
			  struct err *err)
{
	struct sq_program *p = sq_program(hp);
	struct sq_entity *en = ent(p, entity);
	struct sq_cursor *c = NULL;
	struct buf sql, like;
	int param = 1, rc = -1;

	buf_init(&sql, SQL_MAX);
	buf_init(&like, LIMIT_CELL_BYTES + 8);
	buf_adds(&sql, "SELECT t.id, t.key, t.state, t.created_job, t.intake_updated_job, "
		       "t.created_at, t.updated_at");
	for (size_t f = 0; f < en->e->nfields; f++) {
		struct store_filter whole = {.builtin = SCHEMA_BUILTIN_NONE, .field = f};
		buf_adds(&sql, ", ");
		if (subject_sql(p, en, &whole, resolve_refs, &sql, err) < 0)
			goto out;
	}
	buf_addf(&sql, " FROM %s t WHERE t.id > ?%d", en->table, param++);
	for (size_t i = 0; i < nf; i++) {
		const struct store_filter *f = &fs[i];
		struct buf subj;
		buf_init(&subj, 4096);
		if (subject_sql(p, en, f, resolve_refs, &subj, err) < 0) {
			buf_release(&subj);
			goto out;
		}
		buf_adds(&sql, f->negate ? " AND coalesce((" : " AND (");
		switch (f->op) {
		case STORE_FILTER_EQ:
			buf_addf(&sql, "%s = ?%d", subj.ptr, param++);
			break;
		case STORE_FILTER_IN:
			buf_addf(&sql, "%s IN (", subj.ptr);
			for (size_t v = 0; v < f->nvals; v++)
				buf_addf(&sql, "%s?%d", v ? ", " : "", param++);
			buf_adds(&sql, ")");
			break;
		case STORE_FILTER_ILIKE:
			buf_addf(&sql, "%s LIKE ?%d ESCAPE '\\'", subj.ptr, param++);
			break;
		case STORE_FILTER_NULL:
			buf_addf(&sql, "%s IS NULL", subj.ptr);
			break;
		case STORE_FILTER_GT:
			buf_addf(&sql, "%s > ?%d", subj.ptr, param++);
			break;
		case STORE_FILTER_GTE:
			buf_addf(&sql, "%s >= ?%d", subj.ptr, param++);
			break;
		case STORE_FILTER_LT:
			buf_addf(&sql, "%s < ?%d", subj.ptr, param++);
			break;
		case STORE_FILTER_LTE:
			buf_addf(&sql, "%s <= ?%d", subj.ptr, param++);
			break;
		case STORE_FILTER_BTW:
			buf_addf(&sql, "%s BETWEEN ?%d AND ?%d", subj.ptr, param, param + 1);
			param += 2;
			break;
		}
		buf_adds(&sql, f->negate ? "), 0) = 0" : ")");
		buf_release(&subj);
	}
	buf_addf(&sql, " ORDER BY t.id LIMIT %d", CURSOR_CHUNK);
	if (sql.failed) {
		err_set(err, ERR_INVALID_ARGUMENT, "too many filters");
		goto out;
	}
	c = xcalloc(1, sizeof(*c));
	c->head.be = &store_backend_sqlite;
	c->p = p;
	c->ent = en;
	c->id_param = 1;
	if (sqlite3_prepare_v2(p->db, sql.ptr, -1, &c->stmt, NULL) != SQLITE_OK) {
		db_err(err, p->db, "cannot prepare the export");
		goto out;
	}
	param = 2;
	for (size_t i = 0; i < nf; i++) {
		const struct store_filter *f = &fs[i];
		size_t need = f->op == STORE_FILTER_NULL ? 0 : f->op == STORE_FILTER_BTW ? 2
			    : f->op == STORE_FILTER_IN ? f->nvals : 1;
		if (f->nvals < need || (f->op == STORE_FILTER_IN && f->nvals == 0)) {
			err_set(err, ERR_INVALID_ARGUMENT, "a filter lacks its value");
			goto out;
		}
		if (f->op == STORE_FILTER_ILIKE) {
			const struct store_val *v = &f->vals[0];
			buf_reset(&like);
			buf_addc(&like, '%');
			for (size_t k = 0; v->kind == STORE_TEXT && k < v->n; k++) {
				if (v->s[k] == '%' || v->s[k] == '_' || v->s[k] == '\\')
					buf_addc(&like, '\\');
				buf_addc(&like, v->s[k]);
			}
			buf_addc(&like, '%');
			sqlite3_bind_text(c->stmt, param++, like.ptr, (int)like.len, SQLITE_TRANSIENT);
			continue;
		}
		for (size_t v = 0; v < need; v++)
			bind_val(c->stmt, param++, &f->vals[v]);
	}
	c->chunk_left = 0;
	*ret = &c->head;
	c = NULL;
	rc = 0;
out:
	if (c) {
		sqlite3_finalize(c->stmt);
		free(c);
	}
	buf_release(&sql);
	buf_release(&like);
	return rc;
}

static int sq_cursor_next(struct store_cursor *hc, struct arena *a, struct store_record *ret,
			  struct err *err)
{
	struct sq_cursor *c = (struct sq_cursor *)hc;
	int rc;

	if (hc->be != &store_backend_sqlite)
		STORE_BUG("not a SQLite cursor");
	for (;;) {
		if (c->done)
			return 0;
		if (c->chunk_left == 0) {
			/* A new chunk: a new short read transaction, after the last id seen. */
			sqlite3_reset(c->stmt);
			sqlite3_bind_int64(c->stmt, c->id_param, c->last_id);
			c->chunk_left = CURSOR_CHUNK;
		}
		rc = sqlite3_step(c->stmt);
		if (rc == SQLITE_ROW) {
			read_record(c->stmt, c->ent, a, ret);
			c->last_id = ret->id;
			c->chunk_left--;
			if (c->chunk_left == 0)
				sqlite3_reset(c->stmt);
			return 1;
		}
		if (rc != SQLITE_DONE) {
			sqlite3_reset(c->stmt);
			return db_err(err, c->p->db, "cannot read records");
		}
		/* A chunk that ended early was the last one. */
		sqlite3_reset(c->stmt);
		c->done = true;
	}
}

static void sq_cursor_free(struct store_cursor *hc)
{
	struct sq_cursor *c = (struct sq_cursor *)hc;

	sqlite3_finalize(c->stmt);
	free(c);
}

/* ---- jobs ---- */

static bool job_status_from_name(const char *name, enum store_job_status *ret)
{
	for (int s = STORE_JOB_QUEUED; s <= STORE_JOB_REVERTED; s++)
		if (name && strcmp(name, store_job_status_name((enum store_job_status)s)) == 0) {
			*ret = (enum store_job_status)s;
			return true;
		}
	return false;
}

static void read_job(sqlite3_stmt *q, struct store_job *j)
{
	memset(j, 0, sizeof(*j));
	j->id = sqlite3_column_int64(q, 0);
	j->program_id = sqlite3_column_int64(q, 1);
	j->program = column_dup(q, 2);
	if (!job_status_from_name((const char *)sqlite3_column_text(q, 3), &j->status))
		j->status = STORE_JOB_FAILED;
	j->user = column_dup(q, 4);
	j->name = column_dup(q, 5);
	j->options = column_dup(q, 6);
	j->report = column_dup(q, 7);
	column_str(q, 8, j->created_at, sizeof(j->created_at));
	column_str(q, 9, j->started_at, sizeof(j->started_at));
	column_str(q, 10, j->finished_at, sizeof(j->finished_at));
}

static int sq_job_create(struct store *st, int64_t program_id, const char *user,
			 const char *name, const char *options, int64_t *ret_id, struct err *err)
{
	struct sq_store *s = sq_store(st);
	sqlite3_stmt *q = NULL;
	char now[CLOCK_ISO_BYTES];
	int rc;

	clock_iso(clock_now(), now);
	if (prepare(s->db, sql_job_insert, &q, err) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, program_id);
	sqlite3_bind_text(q, 2, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, options, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, now, -1, SQLITE_STATIC);
	rc = step_done(s->db, q, "cannot create the job", err);
	sqlite3_finalize(q);
	if (rc == 0)
		*ret_id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int sq_job_get(struct store *st, int64_t id, struct store_job *ret, struct err *err)
{
	struct sq_store *s = sq_store(st);
	sqlite3_stmt *q = NULL;
	int rc;

	if (prepare(s->db, sql_job_get, &q, err) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		read_job(q, ret);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = err_set(err, ERR_NOT_FOUND, "no job %" PRId64, id);
	} else {
		rc = db_err(err, s->db, "cannot read the job");
	}
	sqlite3_finalize(q);
	return rc;
}

static int sq_job_list(struct store *st, int64_t program_id, struct store_job **ret,
		       size_t *ret_n, struct err *err)
{
	struct sq_store *s = sq_store(st);
	struct store_job *v = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *q = NULL;
	int rc;

	if (prepare(s->db, sql_job_list, &q, err) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, program_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		XGROW(v, cap, n + 1);
		read_job(q, &v[n++]);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		store_jobs_free(v, n);
		return db_err(err, s->db, "cannot list jobs");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int sq_job_unfinished(struct store *st, int64_t **ret_ids, size_t *ret_n,
			     struct err *err)
{
	struct sq_store *s = sq_store(st);
	int64_t *v = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *q = NULL;
	int rc;

	if (prepare(s->db, sql_job_unfinished, &q, err) < 0)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		XGROW(v, cap, n + 1);
		v[n++] = sqlite3_column_int64(q, 0);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		free(v);
		return db_err(err, s->db, "cannot list jobs");
	}
	*ret_ids = v;
	*ret_n = n;
	return 0;
}

static int sq_job_transition(struct store *st, int64_t id, unsigned from,
			     enum store_job_status to, const char *report, struct err *err)
{
	struct sq_store *s = sq_store(st);
	sqlite3_stmt *q = NULL;
	enum store_job_status cur;
	char now[CLOCK_ISO_BYTES];
	int rc = -1;

	clock_iso(clock_now(), now);
	if (exec(s->db, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	if (prepare(s->db, sql_job_status, &q, err) < 0)
		goto out;
	sqlite3_bind_int64(q, 1, id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE) {
		rc = err_set(err, ERR_NOT_FOUND, "no job %" PRId64, id);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = db_err(err, s->db, "cannot read the job");
		goto out;
	}
	if (!job_status_from_name((const char *)sqlite3_column_text(q, 0), &cur))
		cur = STORE_JOB_FAILED;
	if (!(from & STORE_JOB_BIT(cur))) {
		rc = err_set(err, ERR_INVALID_STATE, "job %" PRId64 " is %s", id,
			     store_job_status_name(cur));
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (prepare(s->db, sql_job_set_status, &q, err) < 0) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, store_job_status_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, now, -1, SQLITE_STATIC);
	if (report)
		sqlite3_bind_text(q, 4, report, -1, SQLITE_STATIC);
	rc = step_done(s->db, q, "cannot change the job", err);
out:
	sqlite3_finalize(q);
	if (rc == 0)
		rc = exec(s->db, "COMMIT", err);
	if (rc != 0)
		exec(s->db, "ROLLBACK", NULL);
	return rc;
}

static int sq_job_set_options(struct store *st, int64_t id, const char *options,
			      struct err *err)
{
	struct sq_store *s = sq_store(st);
	sqlite3_stmt *q = NULL;
	int rc;

	if (prepare(s->db, sql_job_set_options, &q, err) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, options, -1, SQLITE_STATIC);
	rc = step_done(s->db, q, "cannot change the job", err);
	sqlite3_finalize(q);
	return rc;
}

/* ---- revert ---- */

static void revert_item(struct store_revert_result *r, size_t entity, int64_t id,
			const char *key, enum store_revert_why why, int64_t by_job)
{
	struct store_revert_item *it;

	r->kept++;
	if (r->nitems >= STORE_REVERT_ITEMS_MAX)
		return;
	r->items = xrealloc(r->items, xmul(r->nitems + 1, sizeof(*r->items)));
	it = &r->items[r->nitems++];
	memset(it, 0, sizeof(*it));
	it->entity = entity;
	it->id = id;
	snprintf(it->key, sizeof(it->key), "%s", key ? key : "");
	it->why = why;
	it->by_job = by_job;
}

/* Removes what the job inserted, newest first, so its own children go before parents. */
static int revert_inserted(struct sq_program *p, int64_t job, struct store_revert_result *r,
			   struct arena *a, struct err *err)
{
	for (size_t e = 0; e < p->nents; e++) {
		struct sq_entity *en = &p->ents[e];
		struct buf sql;
		sqlite3_stmt *q = NULL;
		int rc;

		buf_init(&sql, SQL_MAX);
		buf_adds(&sql, en->select);
		buf_adds(&sql, "WHERE created_job = ?1 ORDER BY id DESC");
		if (prepare_buf(p->db, &sql, &q, err) < 0)
			return -1;
		sqlite3_bind_int64(q, 1, job);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			struct store_record rec;
			int ref;
			arena_reset(a);
			read_record(q, en, a, &rec);
			if (rec.updated_job != job) {
				revert_item(r, e, rec.id, rec.key, STORE_REVERT_CHANGED_LATER,
					    rec.updated_job);
				continue;
			}
			ref = sq_record_referenced(&p->head, e, rec.id, err);
			if (ref < 0)
				break;
			if (ref) {
				revert_item(r, e, rec.id, rec.key, STORE_REVERT_CONFLICT, 0);
				continue;
			}
			if (drop_record(p, e, &rec, "revert", err) < 0)
				break;
			r->removed++;
		}
		sqlite3_finalize(q);
		if (rc != SQLITE_DONE) {
			if (rc != SQLITE_ROW)
				db_err(err, p->db, "cannot read the job's records");
			return -1;
		}
	}
	return 0;
}

static long entity_by_name(struct sq_program *p, const char *name)
{
	for (size_t e = 0; e < p->nents; e++)
		if (name && strcmp(p->ents[e].e->name, name) == 0)
			return (long)e;
	return -1;
}

/* Restores one record the job changed, from the job's first event of each field. */
static int revert_record(struct sq_program *p, int64_t job, size_t e, int64_t id,
			 const char *reasons, struct store_revert_result *r, struct arena *a,
			 struct err *err)
{
	struct sq_entity *en = &p->ents[e];
	struct schema_ident by_id = {.builtin = SCHEMA_BUILTIN_ID};
	struct store_val idv = {.kind = STORE_INT, .i = id};
	struct store_record rec;
	struct store_val *vals;
	enum store_state state;
	int64_t prev_job = -1;
	sqlite3_stmt *q = NULL;
	size_t conflict = 0;
	int rc;

	rc = sq_record_find(&p->head, e, &by_id, &idv, a, &rec, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		/* Gone: dropped by this job (privacy) or by a later one. */
		revert_item(r, e, id, NULL, STORE_REVERT_DROPPED, 0);
		return 0;
	}
	if (rec.created_job == job)
		return 0; /* revert_inserted decided about it */
	if (rec.updated_job != job) {
		revert_item(r, e, id, rec.key, STORE_REVERT_CHANGED_LATER, rec.updated_job);
		return 0;
	}
	if (strstr(reasons, "delete") || strstr(reasons, "anonymize")) {
		revert_item(r, e, id, rec.key, STORE_REVERT_CLEARED, 0);
		return 0;
	}
	vals = ARENA_NEW_ARRAY(a, struct store_val, en->e->nfields ? en->e->nfields : 1);
	memcpy(vals, rec.vals, en->e->nfields * sizeof(*vals));
	state = rec.state;
	if (prepare(p->db, sql_revert_first_events, &q, err) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, job);
	sqlite3_bind_text(q, 2, en->e->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *field = (const char *)sqlite3_column_text(q, 0);
		long f;
		if (prev_job < 0)
			prev_job = sqlite3_column_int64(q, 2);
		if (!field)
			continue;
		if (strcmp(field, "state") == 0) {
			const char *old = (const char *)sqlite3_column_text(q, 1);
			if (old)
				store_state_from_name(old, &state);
			continue;
		}
		f = schema_field_find(en->e, field);
		if (f >= 0)
			column_val(q, 1, a, &vals[f]);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return db_err(err, p->db, "cannot read the job's events");
	if (prev_job < 0)
		prev_job = rec.created_job;
	rc = write_update(p, e, id, vals, rec.vals, state, prev_job, &conflict, err);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		revert_item(r, e, id, rec.key, STORE_REVERT_CONFLICT, 0);
		return 0;
	}
	/* The audit trail keeps what the revert did. */
	for (size_t f = 0; f < en->e->nfields; f++)
		if (!store_val_equal(&rec.vals[f], &vals[f]) &&
		    write_event(p, e, id, en->e->fields[f].name, &rec.vals[f], &vals[f],
				rec.updated_job, "revert", err) < 0)
			return -1;
	if (state != rec.state) {
		struct store_val o = {.kind = STORE_TEXT, .s = store_state_name(rec.state)};
		struct store_val n = {.kind = STORE_TEXT, .s = store_state_name(state)};
		o.n = strlen(o.s);
		n.n = strlen(n.s);
		if (write_event(p, e, id, "state", &o, &n, rec.updated_job, "revert", err) < 0)
			return -1;
	}
	r->restored++;
	return 0;
}

static int revert_changed(struct sq_program *p, int64_t job, struct store_revert_result *r,
			  struct arena *a, struct err *err)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if (prepare(p->db, sql_revert_records, &q, err) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, job);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long e = entity_by_name(p, (const char *)sqlite3_column_text(q, 0));
		int64_t id = sqlite3_column_int64(q, 1);
		const char *reasons = (const char *)sqlite3_column_text(q, 2);
		char why[128];
		if (e < 0)
			continue;
		snprintf(why, sizeof(why), "%s", reasons ? reasons : "");
		arena_reset(a);
		if (strstr(why, "drop")) {
			revert_item(r, (size_t)e, id, NULL, STORE_REVERT_DROPPED, 0);
			continue;
		}
		if (revert_record(p, job, (size_t)e, id, why, r, a, err) < 0) {
			sqlite3_finalize(q);
			return -1;
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return db_err(err, p->db, "cannot read the job's events");
	return 0;
}

/* Revert relies on the unique indexes to refuse a restored value another record holds:
   a job that was killed while it deferred them left them out. */
static int indexes_restore(struct sq_program *p, struct err *err)
{
	for (size_t i = 0; i < p->nents; i++) {
		size_t missing;
		if (missing_indexes(p, &p->ents[i], &missing, err) < 0)
			return -1;
		if (missing > 0 && unique_indexes(p, &p->ents[i], true, err) < 0)
			return -1;
	}
	return 0;
}

static int sq_job_revert(struct store_program *hp, int64_t job, struct store_revert_result *r,
			 struct err *err)
{
	struct sq_program *p = sq_program(hp);
	struct store_job_ctx saved = p->head.job;
	struct arena a;
	int rc = -1;

	arena_init(&a, 64 * 1024);
	p->head.job.job = job;
	p->head.job.events = true;
	if (!p->head.job.now)
		p->head.job.now = clock_now();
	if (exec(p->db, "BEGIN IMMEDIATE", err) < 0)
		goto out;
	if (indexes_restore(p, err) < 0 || revert_changed(p, job, r, &a, err) < 0 ||
	    revert_inserted(p, job, r, &a, err) < 0) {
		exec(p->db, "ROLLBACK", NULL);
		goto out;
	}
	if (exec(p->db, "COMMIT", err) < 0) {
		exec(p->db, "ROLLBACK", NULL);
		goto out;
	}
	rc = 0;
out:
	p->head.job = saved;
	arena_release(&a);
	return rc;
}

const struct store_backend store_backend_sqlite = {
	.name = "sqlite",
	.init = sq_init,
	.open = sq_open,
	.free = sq_free,
	.program_create = sq_program_create,
	.program_list = sq_program_list,
	.program_open = sq_program_open,
	.program_close = sq_program_close,
	.program_field_add = sq_program_field_add,
	.entity_counts = sq_entity_counts,
	.program_compact = sq_program_compact,
	.batch_begin = sq_batch_begin,
	.batch_commit = sq_batch_commit,
	.batch_rollback = sq_batch_rollback,
	.checkpoint_load = sq_checkpoint_load,
	.dry_begin = sq_dry_begin,
	.dry_end = sq_dry_end,
	.record_find = sq_record_find,
	.value_owner = sq_value_owner,
	.record_insert = sq_record_insert,
	.record_insert_absent = sq_record_insert_absent,
	.record_update = sq_record_update,
	.record_drop = sq_record_drop,
	.record_purge = sq_record_purge,
	.record_referenced = sq_record_referenced,
	.wait_add = sq_wait_add,
	.wait_holds = sq_wait_holds,
	.wait_next = sq_wait_next,
	.wait_first_of = sq_wait_first_of,
	.wait_delete = sq_wait_delete,
	.wait_count = sq_wait_count,
	.seen_add = sq_seen_add,
	.job_settle = sq_job_settle,
	.job_forget = sq_job_forget,
	.cursor_open = sq_cursor_open,
	.cursor_next = sq_cursor_next,
	.cursor_free = sq_cursor_free,
	.job_create = sq_job_create,
	.job_get = sq_job_get,
	.job_list = sq_job_list,
	.job_unfinished = sq_job_unfinished,
	.job_transition = sq_job_transition,
	.job_set_options = sq_job_set_options,
	.job_revert = sq_job_revert,
};
