/* intake import: one import job from the command line (CONTRACT 2), and job resume. */
#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fs.h"
#include "base/limit.h"
#include "base/log.h"
#include "cli/cli_int.h"
#include "cli/cmd_util.h"
#include "import/import.h"
#include "source/source.h"
#include "store/store.h"
#include "base/banned.h"

#define MAX_INPUTS 1024

static void show_progress(void *ctx, uint64_t rows, const char *file)
{
	(void)ctx;
	fprintf(stderr, "\rintake: %" PRIu64 " rows read (%s)   ", rows, file ? file : "");
	fflush(stderr);
}

/* "job 3 partial: 1000 rows: 990 inserted, 10 rejected" from the report. */
static void summary(const char *report)
{
	json_t *r = json_loads(report, 0, NULL), *totals, *files, *f;
	const char *status;
	struct buf line;
	const char *keys[] = {"inserted", "updated", "unchanged", "deleted", "invalidated",
			      "anonymized", "dropped", "rejected"};
	size_t i, refused = 0;
	bool any = false;

	if (!r)
		return;
	buf_init(&line, 4096);
	totals = json_object_get(r, "totals");
	status = json_string_value(json_object_get(r, "status"));
	buf_addf(&line, "job %" JSON_INTEGER_FORMAT " %s%s: %" JSON_INTEGER_FORMAT " rows",
		 json_integer_value(json_object_get(r, "job")), status ? status : "?",
		 json_is_true(json_object_get(r, "dry_run")) ? " (dry run, nothing written)" : "",
		 json_integer_value(json_object_get(totals, "rows")));
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_int_t n = json_integer_value(json_object_get(totals, keys[k]));
		if (!n)
			continue;
		buf_addf(&line, "%s %" JSON_INTEGER_FORMAT " %s", any ? "," : ":", n, keys[k]);
		any = true;
	}
	files = json_object_get(r, "files");
	json_array_foreach(files, i, f)
		if (json_array_size(json_object_get(f, "file_errors")))
			refused++;
	if (refused)
		buf_addf(&line, "; %zu file%s refused", refused, refused == 1 ? "" : "s");
	log_info("%s", line.ptr);
	buf_release(&line);
	json_decref(r);
}

struct rejects_out {
	const char *target;	/* --rejects */
	bool dir;		/* the target is a folder */
	size_t n;		/* files written */
	char **names;		/* base names used so far (folder mode) */
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

static int copy_rejects(void *ctx, const char *path, const char *name, struct err *err)
{
	struct rejects_out *ro = ctx;
	struct buf dst;
	uint64_t bytes;
	int rc;

	buf_init(&dst, 8192);
	if (ro->dir) {
		const char *b = base_name(name);
		bool taken = false;
		for (size_t i = 0; i < ro->n; i++)
			taken |= strcmp(ro->names[i], b) == 0;
		buf_addf(&dst, "%s/", ro->target);
		if (taken)
			buf_addf(&dst, "%zu-", ro->n + 1);
		buf_adds(&dst, b);
		ro->names = realloc(ro->names, (ro->n + 1) * sizeof(char *));
		ro->names[ro->n] = strdup(b);
	} else {
		buf_adds(&dst, ro->target);
	}
	rc = fs_copy_file(path, dst.ptr, LIMIT_UPLOAD_BYTES, &bytes, err);
	ro->n++;
	buf_release(&dst);
	return rc;
}

static int count_files(const char *report)
{
	json_t *r = json_loads(report, 0, NULL);
	int n = (int)json_array_size(json_object_get(r, "files"));

	json_decref(r);
	return n;
}

/* Writes the report and rejection files where --report and --rejects say. */
static int write_outputs(struct store *st, int64_t job, const struct buf *report,
			 const char *report_path, const char *rejects)
{
	struct err err;

	err_clear(&err);
	if (report_path) {
		/* The same bytes as standard output: the report and a line end. */
		struct buf text;
		int rc;
		buf_init(&text, report->len + 1);
		buf_add(&text, report->ptr, report->len);
		buf_addc(&text, '\n');
		rc = fs_write_file_atomic(report_path, text.ptr, text.len, &err);
		buf_release(&text);
		if (rc < 0) {
			log_error("cannot write the report: %s", err.msg);
			return -1;
		}
	}
	if (rejects) {
		struct rejects_out ro = {.target = rejects};
		struct stat sb;
		ro.dir = (stat(rejects, &sb) == 0 && S_ISDIR(sb.st_mode)) ||
			 count_files(report->ptr) > 1;
		if (ro.dir && fs_mkdir_p(rejects, &err) < 0) {
			log_error("cannot create '%s': %s", rejects, err.msg);
			return -1;
		}
		if (import_job_rejects(st, job, copy_rejects, &ro, &err) < 0) {
			log_error("cannot write the rejection files: %s", err.msg);
			for (size_t i = 0; i < (ro.dir ? ro.n : 0); i++)
				free(ro.names[i]);
			free(ro.names);
			return -1;
		}
		for (size_t i = 0; i < (ro.dir ? ro.n : 0); i++)
			free(ro.names[i]);
		free(ro.names);
	}
	return 0;
}

/* Runs (or resumes) a job and prints its report; returns the exit status. */
int cli_run_job(struct cli_app *app, struct store *st, int64_t job, const char *report_path,
		const char *rejects)
{
	struct import_listener l = {.version = 1, .progress = show_progress};
	enum store_job_status status;
	struct buf report;
	struct err err;
	int rc;

	err_clear(&err);
	buf_init(&report, LIMIT_REPORT_BYTES);
	rc = import_job_run(st, job, &app->limits, app->stderr_tty ? &l : NULL, &status, &report,
			    &err);
	if (app->stderr_tty)
		fputs("\r\033[K", stderr);
	if (rc < 0) {
		/* A job that cannot run (none, ended, another process's) is one line; a job
		   that stopped half-way says how to go on, in the same line. */
		if (err.code == ERR_NOT_FOUND || err.code == ERR_INVALID_STATE ||
		    err.code == ERR_JOB_LOCKED)
			log_error("cannot run job %" PRId64 ": %s", job, err.msg);
		else
			log_error("job %" PRId64 " stopped: %s; resume it with 'intake job resume "
				  "%" PRId64 "'", job, err.msg, job);
		buf_release(&report);
		return CLI_EXIT_USAGE;
	}
	if (cli_print(&report) < 0) {
		buf_release(&report);
		return CLI_EXIT_USAGE;
	}
	summary(report.ptr);
	rc = write_outputs(st, job, &report, report_path, rejects) < 0
		     ? CLI_EXIT_USAGE : import_exit_status(status);
	if (status == STORE_JOB_CANCELLED)
		log_error("job %" PRId64 " was cancelled", job);
	buf_release(&report);
	return rc;
}

/* True when entry name answers to the --files name n bytes at w (the name or its base). */
static bool entry_is(const char *name, const char *w, size_t n)
{
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	return (strlen(name) == n && memcmp(name, w, n) == 0) ||
	       (strlen(base) == n && memcmp(base, w, n) == 0);
}

/*
 * Every name of --files is an entry of some input (standard input aside, which cannot be
 * read twice): a name that matches nothing would make a job that silently takes nothing.
 */
static int files_exist(const char *files, const char *const *inputs, size_t ninputs,
		       const struct limits *lim)
{
	const char *w = files;
	bool stdin_input = false;

	for (size_t i = 0; i < ninputs; i++)
		stdin_input |= strcmp(inputs[i], "-") == 0;
	while (*w && !stdin_input) {
		const char *comma = strchr(w, ',');
		size_t n = comma ? (size_t)(comma - w) : strlen(w);
		bool found = false;
		for (size_t i = 0; i < ninputs && !found; i++) {
			struct source_opts so = {.limits = lim};
			struct source *src;
			struct err err;
			err_clear(&err);
			if (source_open(inputs[i], &so, &src, &err) < 0)
				continue;	/* the job will say why */
			for (size_t e = 0; e < source_entry_count(src) && !found; e++)
				found = entry_is(source_entry(src, e)->name, w, n);
			source_free(src);
		}
		if (!found) {
			cli_usage_error("--files: no input has an entry named '%.*s'", (int)n, w);
			return -1;
		}
		w += n + (comma ? 1 : 0);
	}
	return 0;
}

/* The converter of --encoding: the one source/ asks iconv for. */
static bool encoding_known(const char *name)
{
	iconv_t cd = iconv_open("UTF-8", name);

	if (cd == (iconv_t)-1)
		return false;
	iconv_close(cd);
	return true;
}

int cmd_import(int argc, char **argv, struct cli_app *app)
{
	struct import_opts o = {.op = SCHEMA_OP_NONE, .mode = IMPORT_MODE_OVERRIDE};
	const char *program = NULL, *op = NULL, *mode = NULL, *report = NULL, *rejects = NULL;
	const char *inputs[MAX_INPUTS];
	struct store_program *p = NULL;
	struct store *st = NULL;
	size_t ninputs = 0;
	struct err err;
	int64_t job;
	int rc = CLI_EXIT_USAGE;

	for (int i = 1; i < argc; i++) {
		int r = 0;
		if ((r = cli_opt_value(argc, argv, &i, "--program", &program)) ||
		    (r = cli_opt_value(argc, argv, &i, "--entity", &o.entity)) ||
		    (r = cli_opt_value(argc, argv, &i, "--op", &op)) ||
		    (r = cli_opt_value(argc, argv, &i, "--mode", &mode)) ||
		    (r = cli_opt_value(argc, argv, &i, "--encoding", &o.encoding)) ||
		    (r = cli_opt_value(argc, argv, &i, "--as", &o.user)) ||
		    (r = cli_opt_value(argc, argv, &i, "--report", &report)) ||
		    (r = cli_opt_value(argc, argv, &i, "--rejects", &rejects)) ||
		    (r = cli_opt_value(argc, argv, &i, "--files", &o.files))) {
			if (r < 0)
				return CLI_EXIT_USAGE;
		} else if (cli_opt_flag(argv, i, "--dry-run")) {
			o.dry_run = true;
		} else if (cli_opt_flag(argv, i, "--atomic")) {
			o.atomic = true;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return cli_usage_error("unknown option '%s'", argv[i]);
		} else if (ninputs == MAX_INPUTS) {
			return cli_usage_error("at most %d files per import", MAX_INPUTS);
		} else {
			inputs[ninputs++] = argv[i];
		}
	}
	if (!program)
		return cli_usage_error("import needs --program NAME");
	if (ninputs == 0)
		return cli_usage_error("import needs a FILE (or '-' for standard input)");
	if (op && !schema_op_from_name(op, strlen(op), &o.op))
		return cli_usage_error("--op '%s' is not an operation (INSERT, UPDATE, UPSERT, "
				       "UPDATEACT, DELETE, INVALIDATE, ANONYMIZE, DROP)", op);
	if (mode && strcmp(mode, "override") != 0 && strcmp(mode, "fill") != 0)
		return cli_usage_error("--mode '%s' is not a mode (override, fill)", mode);
	if (mode && strcmp(mode, "fill") == 0)
		o.mode = IMPORT_MODE_FILL;
	if (o.user && !*o.user)
		return cli_usage_error("--as needs a name");
	for (size_t i = 0; i < ninputs; i++)
		for (size_t k = 0; k < i; k++)
			if (strcmp(inputs[i], "-") == 0 && strcmp(inputs[k], "-") == 0)
				return cli_usage_error("standard input can be read only once");
	/* What cannot work is refused before a job exists. */
	if (o.encoding && !encoding_known(o.encoding))
		return cli_usage_error("--encoding '%s' is not an encoding this system knows "
				       "(try utf-16, windows-1252, iso-8859-1)", o.encoding);
	for (size_t i = 0; i < ninputs; i++)
		if (cli_input_ok(inputs[i]) < 0)
			return CLI_EXIT_USAGE;
	if ((report && cli_output_ok("--report", report, false) < 0) ||
	    (rejects && cli_output_ok("--rejects", rejects, true) < 0))
		return CLI_EXIT_USAGE;
	if (o.files && files_exist(o.files, inputs, ninputs, &app->limits) < 0)
		return CLI_EXIT_USAGE;
	if (cli_store_open(app, &st) < 0)
		return CLI_EXIT_USAGE;
	err_clear(&err);
	/* A job left by a process that died finishes before a new one starts. */
	if (import_resume_orphans(st, &app->limits, stderr, &err) < 0)
		log_warn("cannot look for interrupted jobs: %s", err.msg);
	if (cli_program_open(st, program, &p) < 0)
		goto out;
	err_clear(&err);
	if (import_job_create(st, p, &o, inputs, ninputs, &app->limits, &job, &err) < 0) {
		log_error("cannot start the import: %s", err.msg);
		goto out;
	}
	store_program_close(p);
	p = NULL;
	rc = cli_run_job(app, st, job, report, rejects);
out:
	store_program_close(p);
	store_free(st);
	return rc;
}
