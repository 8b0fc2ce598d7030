/*
 * import: the import pipeline and what is built on it.
 * Owns: import jobs from their creation to their report (inputs copied into the job's
 * folder, the job lock, resume after a crash, cancel, revert); the pipeline (header map,
 * row decode, identity, operations, hierarchy, rejections, report, checkpoints); the
 * rejection file; templates; exports and their filters.
 * Knows nothing of: HTTP, which store back end is in use (it talks to store.h), how CSV
 * is tokenised (csv.h) or cells parsed (value.h), where bytes come from (source.h).
 *
 * A job runs in the calling thread plus one front-end thread of its own (parse and
 * validate), which ends before import_job_run returns.
 */
#ifndef INTAKE_IMPORT_IMPORT_H
#define INTAKE_IMPORT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/limit.h"
#include "csv/csv.h"
#include "schema/schema.h"
#include "store/store.h"

/* How a cell with a value treats the stored value (--mode). */
enum import_mode {
	IMPORT_MODE_OVERRIDE,	/* the file's value replaces the stored one (default) */
	IMPORT_MODE_FILL,	/* the file's value only fills a field that is empty */
};

/* Outcomes of a row (CONTRACT 3), in the report's order. */
enum import_outcome {
	IMPORT_INSERTED,
	IMPORT_UPDATED,
	IMPORT_UNCHANGED,
	IMPORT_DELETED,
	IMPORT_INVALIDATED,
	IMPORT_ANONYMIZED,
	IMPORT_DROPPED,
	IMPORT_REJECTED,
};
#define IMPORT_NOUTCOMES 8

const char *import_outcome_name(enum import_outcome o);

struct import_opts {
	const char *entity;		/* --entity, or NULL: detect per file */
	bool dry_run;			/* --dry-run */
	bool atomic;			/* --atomic */
	enum schema_op op;		/* --op, or SCHEMA_OP_NONE */
	enum import_mode mode;		/* --mode */
	const char *encoding;		/* --encoding, or NULL: detect */
	const char *user;		/* --as, or NULL: "cli" */
	const char *files;		/* --files a.csv,b.csv (entries to take), or NULL: all */
	const char *name;		/* the job's name, or NULL: the first input's base name */
};

/* Progress of a running job, for a terminal (called from the calling thread). */
struct import_listener {
	unsigned version;		/* 1 */
	void (*progress)(void *ctx, uint64_t rows, const char *file);
	void *ctx;
};

/*
 * Creates a job for program p over the inputs (paths, "-" for standard input): its row
 * in the store, its folder, the inputs copied in. The job is queued and owned (locked) by
 * this process until import_job_run ends or the process does. invalid_argument for bad
 * options (an unknown entity), too_large, io_error.
 */
int import_job_create(struct store *st, struct store_program *p, const struct import_opts *o,
		      const char *const *paths, size_t npaths, const struct limits *limits,
		      int64_t *ret_job, struct err *err);

/*
 * Runs job to its end: from its start, or from its last checkpoint when it was
 * interrupted. job_locked when another live process owns it; invalid_state when it has
 * ended. On return (0) the report is in the store and in *report (JSON, when not NULL)
 * and *ret_status is the job's final status. Jobs of a program run one at a time, in
 * order: an earlier unfinished job of the same program whose owner is gone runs first.
 */
int import_job_run(struct store *st, int64_t job, const struct limits *limits,
		   const struct import_listener *l, enum store_job_status *ret_status,
		   struct buf *report, struct err *err);

/*
 * Runs every unfinished job whose owner is gone, oldest first (what a restart does).
 * Writes one line per job resumed to log (NULL: none). Returns the number of jobs run,
 * or -1.
 */
int import_resume_orphans(struct store *st, const struct limits *limits, FILE *log,
			  struct err *err);

/*
 * Cancels a queued or running job: its committed batches stay. A running job stops at
 * its next batch; one whose owner is gone is ended here.
 */
int import_job_cancel(struct store *st, int64_t job, struct err *err);

/*
 * Reverts a succeeded or partial job (CONTRACT 3): the revert report (JSON) goes into
 * report. invalid_state for any other status or a dry run.
 */
int import_job_revert(struct store *st, int64_t job, struct buf *report, struct err *err);

/*
 * The rejection files of a job: calls fn for each file of the job that has one, with
 * its path and the file's name in the job.
 */
int import_job_rejects(struct store *st, int64_t job,
		       int (*fn)(void *ctx, const char *path, const char *name, struct err *err),
		       void *ctx, struct err *err);

/* The exit status of CONTRACT 2 for a job status (0, 2 or 3; 1 for the rest). */
int import_exit_status(enum store_job_status s);

/*
 * The entity of a file when the job does not name one (CONTRACT 9), as the importer
 * decides it: in a program with one entity, that one; else the preset's detector (a
 * column OC_ENTITY: the first data record's cell in it names the entity by its report
 * type, e.g. CUSTOMER_ACCOUNT; the Vibes preset: a file whose name ends in .persons is a
 * person); else the one entity whose fields (names and aliases, id and key) cover every
 * column of the header, intake_* columns and the operation column aside. name is the
 * file's (or ZIP entry's) name; header its n column names (a header block's Fields, else
 * the header row); first the first data record, or NULL when there is none. Returns the
 * entity's index in sc->entities, or -1: UNKNOWN.
 */
long import_entity_detect(const struct schema *sc, const char *name, char *const *header,
			  size_t n, const struct csv_record *first);

/* ---- templates, exports ---- */

/* The CSV template of an entity (CONTRACT 6 Templates) into out. */
int import_template(const struct schema_entity *e, struct buf *out, struct err *err);

enum import_export_format { IMPORT_EXPORT_CSV, IMPORT_EXPORT_JSON };

struct import_filter_set;

/*
 * Parses one filter "field=$op:value" (CONTRACT 6 query language: $eq $in $ilike $null
 * $not $gt $gte $lt $lte $btw; a value without $op is $eq) against entity e and adds it to
 * *set (created on first use; free with import_filters_free). invalid_argument with a
 * sentence when it does not parse.
 */
int import_filter_add(struct import_filter_set **set, const struct schema *sc,
		      const struct schema_entity *e, const char *text, struct err *err);
void import_filters_free(struct import_filter_set *set);

/*
 * Writes every record of entity (matching the filters; NULL: all) to out: CSV (header,
 * then one row per record, escaped per CONTRACT 4 unless raw) or JSON (CONTRACT 8's
 * array of objects).
 */
int import_export(struct store_program *p, const char *entity,
		  const struct import_filter_set *filters, enum import_export_format format,
		  bool raw, FILE *out, struct err *err);

#endif
