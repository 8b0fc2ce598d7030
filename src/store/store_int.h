/*
 * Private to src/store/ and tests/unit/store/: the back-end interface behind store.h.
 * Each back end fills one struct store_backend with designated initialisers; struct
 * store and struct store_program begin with a pointer to it, and each back end checks
 * that pointer before it converts a handle to its own struct (BUG on a mismatch).
 */
#ifndef INTAKE_STORE_STORE_INT_H
#define INTAKE_STORE_STORE_INT_H

#include "store/store.h"

struct store_backend {
	const char *name;

	int (*init)(const char *data_dir, const char *url, struct err *err);
	int (*open)(const char *data_dir, const char *url, struct store **ret, struct err *err);
	void (*free)(struct store *st);

	int (*program_create)(struct store *st, const char *name, const struct schema *schema,
			      int64_t *ret_id, struct err *err);
	int (*program_list)(struct store *st, struct store_program_info **ret, size_t *ret_n,
			    struct err *err);
	int (*program_open)(struct store *st, const char *name, int64_t id,
			    struct store_program **ret, struct err *err);
	void (*program_close)(struct store_program *p);
	int (*program_field_add)(struct store_program *p, const char *entity, const char *json,
				 size_t len, struct err *err);
	int (*entity_counts)(struct store_program *p, size_t entity, uint64_t *ret,
			     struct err *err);
	int (*program_compact)(struct store_program *p, struct err *err);

	int (*batch_begin)(struct store_program *p, struct err *err);
	int (*batch_commit)(struct store_program *p, int64_t job, const void *cp, size_t n,
			    struct err *err);
	int (*batch_rollback)(struct store_program *p, struct err *err);
	int (*checkpoint_load)(struct store_program *p, int64_t job, struct buf *out,
			       struct err *err);
	int (*dry_begin)(struct store_program *p, struct err *err);
	int (*dry_end)(struct store_program *p, struct err *err);

	int (*record_find)(struct store_program *p, size_t entity, const struct schema_ident *ident,
			   const struct store_val *v, struct arena *a, struct store_record *ret,
			   struct err *err);
	int (*value_owner)(struct store_program *p, size_t entity, size_t field,
			   const struct store_val *v, int64_t *ret_id, struct err *err);
	int (*record_insert)(struct store_program *p, size_t entity, const struct store_val *vals,
			     int64_t *ret_id, char *ret_key, size_t *ret_conflict, struct err *err);
	int (*record_insert_absent)(struct store_program *p, size_t entity, size_t field,
				    const struct store_val *vals, int64_t *ret_id, char *ret_key,
				    size_t *ret_conflict, struct err *err);
	int (*record_update)(struct store_program *p, size_t entity, const struct store_record *old,
			     const struct store_val *vals, enum store_state state,
			     const char *reason, const bool *redact, size_t *ret_conflict,
			     struct err *err);
	int (*record_drop)(struct store_program *p, size_t entity, const struct store_record *old,
			   struct err *err);
	int (*record_purge)(struct store_program *p, size_t entity, int64_t id,
			    const bool *fields, struct err *err);
	int (*record_referenced)(struct store_program *p, size_t entity, int64_t id,
				 struct err *err);

	int (*wait_add)(struct store_program *p, int64_t job, struct store_wait *w,
			struct err *err);
	int (*wait_holds)(struct store_program *p, int64_t job, size_t entity, const void *key,
			  size_t len, struct err *err);
	int (*wait_next)(struct store_program *p, int64_t job, int64_t after, struct arena *a,
			 struct store_wait *ret, struct err *err);
	int (*wait_first_of)(struct store_program *p, int64_t job, size_t entity, const void *key,
			     size_t len, struct arena *a, struct store_wait *ret, struct err *err);
	int (*wait_delete)(struct store_program *p, int64_t job, int64_t seq, struct err *err);
	int (*wait_count)(struct store_program *p, int64_t job, uint64_t *ret_n, struct err *err);
	int (*seen_add)(struct store_program *p, int64_t job, const void *key, size_t len,
			struct err *err);
	int (*job_settle)(struct store_program *p, struct err *err);
	int (*job_forget)(struct store_program *p, int64_t job, struct err *err);

	int (*cursor_open)(struct store_program *p, size_t entity, const struct store_filter *f,
			   size_t nf, bool resolve_refs, struct store_cursor **ret,
			   struct err *err);
	int (*cursor_next)(struct store_cursor *c, struct arena *a, struct store_record *ret,
			   struct err *err);
	void (*cursor_free)(struct store_cursor *c);

	int (*job_create)(struct store *st, int64_t program_id, const char *user,
			  const char *name, const char *options, int64_t *ret_id, struct err *err);
	int (*job_get)(struct store *st, int64_t id, struct store_job *ret, struct err *err);
	int (*job_list)(struct store *st, int64_t program_id, struct store_job **ret,
			size_t *ret_n, struct err *err);
	int (*job_unfinished)(struct store *st, int64_t **ret_ids, size_t *ret_n,
			      struct err *err);
	int (*job_transition)(struct store *st, int64_t id, unsigned from,
			      enum store_job_status to, const char *report, struct err *err);
	int (*job_set_options)(struct store *st, int64_t id, const char *options,
			       struct err *err);
	int (*job_revert)(struct store_program *p, int64_t job, struct store_revert_result *ret,
			  struct err *err);
};

/* The common head of every back end's handles. */
struct store {
	const struct store_backend *be;	/* which back end; checked on every downcast */
	char *data_dir;			/* owned */
};

struct store_program {
	const struct store_backend *be;	/* as in struct store */
	struct store *st;		/* not owned */
	int64_t id;
	char *name;			/* owned */
	char *preset;			/* owned; NULL if none */
	struct schema *schema;		/* owned */
	struct store_job_ctx job;	/* set by store_set_job; user not owned */
};

struct store_cursor {
	const struct store_backend *be;	/* as in struct store */
};

extern const struct store_backend store_backend_sqlite;

/* The head's fields, for back ends. */
void store__head_init(struct store *st, const struct store_backend *be, const char *data_dir);
void store__head_release(struct store *st);
void store__program_head_release(struct store_program *p);

/*
 * A new record key: a UUID version 7 (milliseconds of the wall clock, then 74 bits from a
 * generator seeded by getrandom), so keys of one job sort together and index appends.
 */
void store__new_key(uint64_t rng[2], char out[STORE_KEY_BYTES]);

/*
 * Fingerprint tables (fingerprint.c, docs/internals/store.md): the hashes of one unique
 * field's values mapped to the rowids that may hold them. A hit is a candidate that the
 * caller confirms by reading the row, so a collision can never change an answer; a rowid
 * whose row changed or went is a candidate that fails that check.
 */
struct store_fp {
	uint32_t *slot;		/* (tag << 24) | rowid; 0: empty (fingerprint.c) */
	size_t cap;		/* slots: 0 or a power of two */
	unsigned bits;		/* log2(cap) */
	size_t used;		/* slots in use */
	uint32_t *frag;		/* per rowid: top 32 bits of its value's hash */
	size_t nfrag;		/* entries of frag */
};

struct store_fp_probe {
	const struct store_fp *t;	/* the table probed */
	size_t pos;			/* the next slot to look at */
	uint32_t frag;			/* the hash's top 32 bits */
};

/* The hash of a value (test builds: INTAKE_TEST_FP_BITS=N keeps N bits, for collisions). */
uint64_t store__fp_hash(const struct store_val *v);
/*
 * Adds (h, rowid), which replaces what rowid held before. *bytes counts the memory of all
 * of a program's tables; growing past max_bytes, or a rowid over 2^24 - 1, adds nothing
 * and returns -1. 0 when added or there.
 */
int store__fp_add(struct store_fp *t, uint64_t h, int64_t rowid, size_t *bytes, size_t max_bytes);
/* Makes room for this many entries (a table of cap > 0 exists afterwards); -1 as above. */
int store__fp_reserve(struct store_fp *t, uint64_t entries, size_t *bytes, size_t max_bytes);
/* The candidates for h, one by one: store__fp_probe_next gives 1 and a rowid, 0 at the end. */
void store__fp_probe_start(const struct store_fp *t, uint64_t h, struct store_fp_probe *pr);
int store__fp_probe_next(struct store_fp_probe *pr, int64_t *ret_rowid);
void store__fp_release(struct store_fp *t, size_t *bytes);
/* The memory a table of this many entries takes. */
size_t store__fp_bytes_for(uint64_t entries);

/* The column type and store kind of a schema type. */
enum store_kind store__kind_of(enum schema_type t);

/* BUG(): an internal invariant was broken; prints where and aborts. */
#define STORE_BUG(msg) store__bug(__FILE__, __LINE__, (msg))
_Noreturn void store__bug(const char *file, int line, const char *msg);

#endif
