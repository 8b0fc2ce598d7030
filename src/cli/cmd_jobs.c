/* intake jobs | job show | job resume | job cancel | job revert. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limit.h"
#include "base/log.h"
#include "cli/cli_int.h"
#include "cli/cmd_util.h"
#include "import/import.h"
#include "store/store.h"
#include "base/banned.h"

static bool dry_run_of(const struct store_job *j)
{
	json_t *o = json_loads(j->options ? j->options : "", 0, NULL);
	bool dry = o && json_is_true(json_object_get(o, "dry_run"));

	json_decref(o);
	return dry;
}

static void add_opt_str(struct buf *b, const char *key, const char *v)
{
	buf_addf(b, ", \"%s\": ", key);
	if (v && *v)
		buf_add_json_str(b, v, strlen(v));
	else
		buf_adds(b, "null");
}

static void add_job(struct buf *b, const struct store_job *j)
{
	buf_addf(b, "{\"job\": %" PRId64 ", \"program\": ", j->id);
	buf_add_json_str(b, j->program, strlen(j->program));
	buf_addf(b, ", \"status\": \"%s\", \"dry_run\": %s", store_job_status_name(j->status),
		 dry_run_of(j) ? "true" : "false");
	add_opt_str(b, "user", j->user);
	add_opt_str(b, "name", j->name);
	add_opt_str(b, "created_at", j->created_at);
	add_opt_str(b, "started_at", j->started_at);
	add_opt_str(b, "finished_at", j->finished_at);
	buf_adds(b, "}");
}

int cmd_jobs(int argc, char **argv, struct cli_app *app)
{
	const char *program = NULL;
	struct store_program *p = NULL;
	struct store_job *v = NULL;
	struct store *st = NULL;
	struct err err;
	struct buf out;
	size_t n = 0;
	int rc = CLI_EXIT_USAGE;

	for (int i = 1; i < argc; i++) {
		int r = cli_opt_value(argc, argv, &i, "--program", &program);
		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r == 0)
			return cli_usage_error("unknown argument '%s'", argv[i]);
	}
	if (cli_store_open(app, &st) < 0)
		return CLI_EXIT_USAGE;
	if (program && cli_program_open(st, program, &p) < 0)
		goto out;
	err_clear(&err);
	if (store_job_list(st, p ? store_program_id(p) : 0, &v, &n, &err) < 0) {
		log_error("cannot list jobs: %s", err.msg);
		goto out;
	}
	buf_init(&out, LIMIT_REPORT_BYTES);
	buf_adds(&out, "[");
	for (size_t i = 0; i < n; i++) {
		buf_adds(&out, i ? ",\n " : "");
		add_job(&out, &v[i]);
	}
	buf_adds(&out, "]");
	rc = cli_print(&out) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	buf_release(&out);
out:
	store_jobs_free(v, n);
	store_program_close(p);
	store_free(st);
	return rc;
}

static int job_show(struct store *st, int64_t id)
{
	struct store_job j = {0};
	struct err err;
	struct buf out;
	int rc = CLI_EXIT_USAGE;

	err_clear(&err);
	if (store_job_get(st, id, &j, &err) < 0) {
		log_error("%s", err.msg);
		return CLI_EXIT_USAGE;
	}
	buf_init(&out, LIMIT_REPORT_BYTES);
	if (j.report) {
		/* The report as it was written, with the job's status now (e.g. reverted). */
		const char *at = strstr(j.report, "\"status\": \"");
		if (at) {
			const char *end = strchr(at + 11, '"');
			buf_add(&out, j.report, (size_t)(at - j.report));
			buf_addf(&out, "\"status\": \"%s", store_job_status_name(j.status));
			buf_adds(&out, end ? end : "\"");
		} else {
			buf_adds(&out, j.report);
		}
	} else {
		add_job(&out, &j);
	}
	rc = cli_print(&out) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	buf_release(&out);
	store_job_release(&j);
	return rc;
}

int cmd_job(int argc, char **argv, struct cli_app *app)
{
	const char *report = NULL, *rejects = NULL;
	struct store *st = NULL;
	struct err err;
	int64_t id;
	int rc = CLI_EXIT_USAGE;

	if (argc < 3)
		return cli_usage_error("usage: intake job show|resume|cancel|revert ID");
	if (cli_job_id(argv[2], &id) < 0)
		return CLI_EXIT_USAGE;
	for (int i = 3; i < argc; i++) {
		int r;
		if ((r = cli_opt_value(argc, argv, &i, "--report", &report)) ||
		    (r = cli_opt_value(argc, argv, &i, "--rejects", &rejects))) {
			if (r < 0)
				return CLI_EXIT_USAGE;
		} else {
			return cli_usage_error("unknown argument '%s'", argv[i]);
		}
	}
	if ((report || rejects) && strcmp(argv[1], "resume") != 0)
		return cli_usage_error("--report and --rejects go with 'job resume' only");
	if ((report && cli_output_ok("--report", report, false) < 0) ||
	    (rejects && cli_output_ok("--rejects", rejects, true) < 0))
		return CLI_EXIT_USAGE;
	if (cli_store_open(app, &st) < 0)
		return CLI_EXIT_USAGE;
	err_clear(&err);
	if (strcmp(argv[1], "show") == 0) {
		rc = job_show(st, id);
	} else if (strcmp(argv[1], "resume") == 0) {
		rc = cli_run_job(app, st, id, report, rejects);
	} else if (strcmp(argv[1], "cancel") == 0) {
		if (import_job_cancel(st, id, &err) < 0) {
			if (err.code == ERR_INVALID_STATE)
				log_error("cannot cancel job %" PRId64 ": it has ended; only a "
					  "queued or running job can be cancelled", id);
			else
				log_error("cannot cancel job %" PRId64 ": %s", id, err.msg);
		} else {
			log_info("job %" PRId64 " cancelled", id);
			rc = CLI_EXIT_OK;
		}
	} else if (strcmp(argv[1], "revert") == 0) {
		struct buf out;
		buf_init(&out, LIMIT_REPORT_BYTES);
		if (import_job_revert(st, id, &out, &err) < 0) {
			log_error("cannot revert job %" PRId64 ": %s", id, err.msg);
		} else {
			rc = cli_print(&out) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
			log_info("job %" PRId64 " reverted", id);
		}
		buf_release(&out);
	} else {
		rc = cli_usage_error("unknown subcommand 'job %s'", argv[1]);
	}
	store_free(st);
	return rc;
}
