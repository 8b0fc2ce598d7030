/*
 * The job's report (CONTRACT 4) and its status (CONTRACT 3's table), from the
 * checkpointed state: every count present, zero included; totals the sum over files.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "import/import_int.h"
#include "base/banned.h"

static uint64_t taken(const uint64_t *c)
{
	uint64_t n = 0;

	for (int o = 0; o < IMPORT_NOUTCOMES; o++)
		if (o != IMPORT_REJECTED)
			n += c[o];
	return n;
}

enum store_job_status report__status(const struct job *j)
{
	uint64_t took = 0, rejected = 0;
	bool refused = false;

	for (size_t i = 0; i < j->state.nfiles; i++) {
		const struct file_state *f = &j->state.files[i];
		took += taken(f->counts);
		rejected += f->counts[IMPORT_REJECTED];
		refused |= f->nerrors > 0;
	}
	if (!rejected && !refused)
		return STORE_JOB_SUCCEEDED;
	if (j->atomic || took == 0)
		return STORE_JOB_FAILED;
	return STORE_JOB_PARTIAL;
}

static void add_counts(struct buf *b, uint64_t rows, const uint64_t *c)
{
	buf_addf(b, "\"rows\": %" PRIu64, rows);
	for (int o = 0; o < IMPORT_NOUTCOMES; o++)
		buf_addf(b, ", \"%s\": %" PRIu64, import_outcome_name((enum import_outcome)o), c[o]);
}

static void add_str(struct buf *b, const char *s)
{
	if (s)
		buf_add_json_str(b, s, strlen(s));
	else
		buf_adds(b, "null");
}

int report__json(const struct job *j, enum store_job_status status, struct buf *b)
{
	uint64_t total[IMPORT_NOUTCOMES] = {0}, rows = 0;
	char started[CLOCK_ISO_BYTES], finished[CLOCK_ISO_BYTES];
	bool first = true;

	clock_iso(j->started_at, started);
	clock_iso(clock_now(), finished);
	buf_addf(b, "{\"job\": %" PRId64 ", \"program\": ", j->id);
	add_str(b, store_program_name(j->p));
	buf_addf(b, ", \"status\": \"%s\", \"dry_run\": %s, \"atomic\": %s, \"user\": ",
		 store_job_status_name(status), j->dry_run ? "true" : "false",
		 j->atomic ? "true" : "false");
	add_str(b, j->user);
	buf_adds(b, ",\n \"name\": ");
	add_str(b, j->name);
	buf_addf(b, ", \"started_at\": \"%s\", \"finished_at\": \"%s\",\n \"files\": [", started,
		 finished);
	for (size_t i = 0; i < j->state.nfiles; i++) {
		const struct file_state *f = &j->state.files[i];
		const char *entity = f->entity >= 0 && (size_t)f->entity < j->sc->nentities
					     ? j->sc->entities[f->entity].name : NULL;
		buf_adds(b, i ? ",\n  {\"name\": " : "{\"name\": ");
		add_str(b, f->name);
		buf_adds(b, ", \"entity\": ");
		add_str(b, entity);
		buf_adds(b, ", \"type\": ");
		add_str(b, f->type ? f->type : "UNKNOWN");
		buf_adds(b, ",\n   ");
		add_counts(b, f->rows, f->counts);
		buf_adds(b, ",\n   \"file_errors\": [");
		for (size_t k = 0; k < f->nerrors; k++) {
			buf_adds(b, k ? ", {\"code\": " : "{\"code\": ");
			add_str(b, err_name(f->errors[k].code));
			buf_adds(b, ", \"message\": ");
			add_str(b, f->errors[k].msg);
			if (f->errors[k].line)
				buf_addf(b, ", \"line\": %" PRIu64, f->errors[k].line);
			buf_adds(b, "}");
		}
		buf_adds(b, "]}");
		rows += f->rows;
		for (int o = 0; o < IMPORT_NOUTCOMES; o++)
			total[o] += f->counts[o];
	}
	buf_adds(b, "],\n \"totals\": {");
	add_counts(b, rows, total);
	buf_adds(b, "},\n \"errors_by_code\": {");
	for (int c = 0; c < ERR__COUNT; c++) {
		if (!j->state.errors_by_code[c])
			continue;
		buf_addf(b, "%s\"%s\": %" PRIu64, first ? "" : ", ", err_name((enum err_code)c),
			 j->state.errors_by_code[c]);
		first = false;
	}
	buf_adds(b, "}}");
	return b->failed ? -1 : 0;
}
