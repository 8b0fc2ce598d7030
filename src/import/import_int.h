/*
 * Private to src/import/ and tests/unit/import/: the running job, its checkpointed state,
 * decoded rows, and the stages of the pipeline (docs/internals/import.md).
 */
#ifndef INTAKE_IMPORT_IMPORT_INT_H
#define INTAKE_IMPORT_IMPORT_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/limit.h"
#include "csv/csv.h"
#include "import/import.h"
#include "schema/schema.h"
#include "store/store.h"
#include "value/value.h"

/* Rows per batch, and the bytes of cells a batch may hold before it is sent anyway. */
#define IMPORT_BATCH_ROWS 1024
#define IMPORT_BATCH_BYTES (4 * MIB)
/* The front end takes no new batch while the batches sent and not yet applied hold more
   than this: ordinary rows fill batches far smaller (IMPORT_BATCH_ROWS), while rows of
   megabytes, up to the record limit, go one batch at a time (CONTRACT 3, memory). */
#define IMPORT_INFLIGHT_BYTES IMPORT_BATCH_BYTES
/*
 * A transaction spans batches until it holds this many rows or this many seconds of
 * work: every commit rewrites the index pages it touched into the log, so fewer commits
 * write less (docs/internals/import.md, performance).
 */
#define IMPORT_COMMIT_ROWS 65536
#define IMPORT_COMMIT_SECONDS 2.0
/* In test builds (INTAKE_TEST_HOOKS), INTAKE_COMMIT_ROWS (a positive number) overrides
   IMPORT_COMMIT_ROWS: the kill test makes transactions small so that its kills meet many
   commits. */
/* Appended to an input's path in the job's folder: the mark of an input over the upload
   limit, refused with too_large (its copy is not kept). */
#define INPUT_TOO_LARGE ".too-large"
/* Rows applied per transaction in the pass over waiting rows. */
#define IMPORT_WAIT_BATCH 2048
/* File-level errors kept per file in a report. */
#define IMPORT_FILE_ERRORS_MAX 16
/* A waiting row, serialised: its cells and values (bounded by the record limit, job.c
   sizes the buffer from the configured limits) plus this much for the rest. */
#define IMPORT_PAYLOAD_EXTRA (64 * KIB + LIMIT_ENTITY_FIELDS * 32)
/* The checkpoint's JSON text. */
#define IMPORT_CHECKPOINT_MAX (16 * MIB)

/* ---- decoded rows ---- */

/* What a row says about one field (a slot): the built-in id and key have slots too. */
enum slot_state {
	SLOT_ABSENT,	/* no column for it */
	SLOT_KEEP,	/* an empty cell: keep the stored value (the default on insert) */
	SLOT_CLEAR,	/* '=': clear it */
	SLOT_SET,	/* a value */
};

#define SLOT_ID(e) ((e)->nfields)
#define SLOT_KEY(e) ((e)->nfields + 1)
#define NSLOTS(e) ((e)->nfields + 2)

struct row_error {
	enum err_code code;	/* a row-level code */
	const char *column;	/* the column (header name) it is about, or "" */
	const char *msg;	/* a sentence a person can act on */
};

struct row {
	uint32_t file;			/* index of its file in the job */
	uint64_t line;			/* intake_line */
	uint64_t index;			/* record index in its file (header included) */
	uint64_t offset;		/* byte offset of the record in its file */
	size_t entity;			/* its entity */
	enum schema_op op;		/* from its operation cell, --op, or UPSERT */
	uint8_t *state;			/* enum slot_state per slot */
	struct store_val *vals;		/* per slot, when SLOT_SET */
	struct csv_field *cells;	/* its cells as read (copies) */
	size_t ncells;
	struct row_error *errs;		/* decode errors */
	size_t nerrs, caperrs;
};

/* ---- files ---- */

enum col_kind {
	COL_IGNORED,	/* intake_* or a column the schema ignores */
	COL_FIELD,	/* a field: col.field */
	COL_ID,		/* the built-in id */
	COL_KEY,	/* the built-in key */
	COL_OP,		/* the operation column */
	COL_UNKNOWN,	/* maps to nothing and unknown_columns is reject_row */
};

struct column {
	enum col_kind kind;
	size_t field;		/* COL_FIELD */
	char *name;		/* the header cell */
};

/* What the front end learnt about one file (one input or ZIP entry). */
struct file_info {
	uint32_t index;			/* in the job */
	char *name;			/* its name in the report */
	long entity;			/* -1: none */
	struct err error;		/* a file-level error before any row, or ERR_OK */
	char delimiter;			/* the dialect, for the rejection file */
	const char *eol;		/* "\n" or "\r\n" */
	struct column *cols;		/* the header, mapped */
	size_t ncols;
	struct csv_header_block *block;	/* copy of the header block, or NULL */
	bool block_fields;		/* the header came from the block's Fields */
};

/* ---- checkpointed state ---- */

enum job_phase {
	PHASE_PASS,		/* reading files */
	PHASE_WAITING,		/* applying rows that waited for a parent */
	PHASE_DONE,		/* every row has an outcome */
};

struct file_error {
	enum err_code code;
	uint64_t line;		/* 0 when not about a line */
	char *msg;
};

struct file_state {
	char *name;
	long entity;			/* -1: unknown */
	char *type;			/* report "type" */
	uint64_t rows;			/* data records read */
	uint64_t counts[IMPORT_NOUTCOMES];
	struct file_error errors[IMPORT_FILE_ERRORS_MAX];
	size_t nerrors;
	bool done;			/* every record read */
	bool has_pos;			/* pos_* name the last record committed */
	uint64_t pos_offset, pos_line, pos_index;
	uint64_t rejects_len;		/* committed length of its rejection file */
	char delimiter;			/* its dialect, for rejections written later */
	bool crlf;
	size_t ncols;			/* header width (rejected rows are padded to it) */
	bool has_rejects;		/* a rejection file was started */
};

struct job_state {
	enum job_phase phase;
	bool applying;			/* atomic: the check pass found nothing wrong */
	uint32_t cur_file;		/* the file being read (PHASE_PASS) */
	int wait_stage;			/* PHASE_WAITING: waiting.c's stage */
	int64_t wait_after;		/* PHASE_WAITING: the last waiting row looked at */
	bool wait_progress;		/* PHASE_WAITING: the stage applied or rejected a row */
	struct file_state *files;
	size_t nfiles;
	uint64_t errors_by_code[ERR__COUNT];
};

/* ---- the running job ---- */

/* Per entity: parsing specs (front end) and parsed defaults (store side). */
struct entity_ctx {
	struct value_spec *specs;	/* per slot; owned */
	bool *spec_ready;		/* per slot: value_spec_prepare ran */
	uint8_t *def_state;		/* per field: SLOT_SET when the field has a default */
	struct store_val *defs;		/* per field: the parsed default */
	bool *pii;			/* per field: cleared by DELETE and ANONYMIZE */
	bool *anon;			/* per field: cleared by ANONYMIZE */
	long *ref_parent;		/* per field: parent entity of a reference, else -1 */
	long *ref_by;			/* per field: the parent's field the cell names */
};

struct queue;

struct job {
	struct store *st;		/* not owned */
	struct store_program *p;	/* owned */
	const struct schema *sc;	/* the program's */
	int64_t id;
	int64_t program_id;
	char *dir;			/* jobs/<id>; owned */
	struct limits limits;
	/* options (from the job's row) */
	char *entity_opt;
	bool dry_run, atomic;
	enum schema_op op;
	enum import_mode mode;
	char *encoding, *user, *files_opt, *name;
	char **inputs;			/* input names as given (for the report) */
	size_t ninputs;
	int64_t started_at;
	/* state */
	struct job_state state;
	struct entity_ctx *ents;	/* per entity */
	bool dry;			/* this pass writes nothing (dry run, atomic check) */
	struct arena defaults_arena;	/* parsed defaults */
	struct arena text_scratch;	/* front end: a text cell's checked copy, per cell */
	struct arena arena;		/* store side, per row or per batch */
	struct buf rej;			/* one rejected row, being written */
	int rej_fd;			/* the open rejection file, or -1 */
	uint32_t rej_fd_file;		/* its file */
	bool rej_dirty;			/* written since its last fsync */
	const struct import_listener *listener;
	uint64_t rows_seen;		/* for progress */
	double last_progress;
	bool cancelled;
	uint64_t batches;
	bool tx_open;			/* a store transaction is open (pass) */
	uint64_t tx_rows;		/* rows applied in it */
	uint64_t commit_rows;		/* IMPORT_COMMIT_ROWS or INTAKE_COMMIT_ROWS */
	double tx_started;		/* when it began (clock_mono) */
	uint64_t nwaiting;		/* rows added to the waiting rows by this process */
	bool maybe_waiting;		/* the job may have waiting rows (resumed, or added) */
	uint64_t wait_ops;		/* waiting-row operations in the open transaction */
	double exists_rate;		/* recent rows whose record existed (moving average) */
	struct buf payload;		/* a waiting row, serialised */
	struct buf key, key2;		/* record keys */
	struct buf cp;			/* the checkpoint, serialised */
	struct file_info **finfo;	/* per file seen in this process; owned */
	size_t nfinfo;
};

/* job.c */
void job__path(const struct job *j, struct buf *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int job__checkpoint(struct job *j, struct err *err);
/* job__checkpoint after the rejection bytes are synced, between the crash sites
   before-commit and after-commit. */
int job__commit(struct job *j, struct err *err);
struct file_state *job__file(struct job *j, uint32_t index);

/* state.c: the checkpoint as JSON */
int state__to_json(const struct job_state *s, struct buf *out, struct err *err);
int state__from_json(struct job_state *s, const char *text, size_t n, struct err *err);
void state__release(struct job_state *s);
void state__count_error(struct job_state *s, enum err_code code);
void state__file_error(struct file_state *f, enum err_code code, uint64_t line, const char *msg);

/* frontend.c: files -> headers -> decoded rows (its own thread) */
void import__crash_point(const char *site);
/* The value spec of a field (the caller prepares and releases it). */
void import__spec_from_field(const struct schema_field *f, struct value_spec *s);
int frontend__setup(struct job *j, struct err *err);
void frontend__release(struct job *j);
int frontend__run_pass(struct job *j, struct err *err);
void file_info__free(struct file_info *fi);
int decode__row(struct job *j, const struct file_info *fi, const struct csv_record *rec,
		struct arena *a, struct row *ret);
void row__error(struct row *r, struct arena *a, enum err_code code, const char *column,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * apply.c: one row against the store (the calling thread). 0: the row has its outcome
 * (rejections included); 1: it waits for a parent or behind an earlier row of its record
 * (from_wait: it is left where it is; else it is added to the waiting rows); -1: error.
 */
int apply__row(struct job *j, struct row *r, bool from_wait, struct err *err);
int apply__reject(struct job *j, struct row *r, struct err *err);
/* 1 with *ret_field when a reference of the row names a parent that does not exist. */
int apply__missing_parent(struct job *j, struct row *r, size_t *ret_field, struct err *err);
void apply__count(struct job *j, const struct row *r, enum import_outcome o);

/* rejects.c: the rejection files (one per file of the job) */
void rejects__header(const struct file_info *fi, struct buf *out);
void rejects__row(const struct file_state *fs, const struct row *r, struct buf *out);
/* Writes the row to its file's rejection file, through scratch, a piece at a time. */
int rejects__row_write(struct job *j, const struct row *r, struct buf *scratch, struct err *err);
/* Appends n bytes to file's rejection file (at its current length). */
int rejects__write(struct job *j, uint32_t file, const void *p, size_t n, struct err *err);
/* fsyncs what was written since the last sync: before each commit. */
int rejects__sync(struct job *j, struct err *err);
/* Cuts file's rejection file to len bytes (its committed length, on resume). */
int rejects__truncate(struct job *j, uint32_t file, uint64_t len, struct err *err);
void rejects__close(struct job *j);

/* waiting.c: rows waiting for a parent */
int waiting__add(struct job *j, const struct row *r, size_t parent_entity, const void *pkey,
		 size_t pkey_len, const void *rkey, size_t rkey_len, struct err *err);
int waiting__run(struct job *j, struct err *err);
void waiting__record_key(const struct schema_entity *e, const struct row *r, struct buf *out);
void waiting__key(const char *field, const struct store_val *v, struct buf *out);

/* report.c */
int report__json(const struct job *j, enum store_job_status status, struct buf *out);
enum store_job_status report__status(const struct job *j);

#endif
