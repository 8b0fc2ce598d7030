/*
 * Import jobs from creation to report: the inputs copied into the job's folder, the
 * locks that say who owns a job and that a program runs one job at a time, the phases
 * of a run (pass, waiting rows, done), dry runs and atomic jobs, the end of a job, and
 * resume, cancel and revert.
 *
 * Guarantees (numbered as in docs/internals/import.md, where the tests are named):
 *  (1) a batch, its events, its rejection bytes and the checkpoint commit together;
 *      a killed job resumes with no row applied twice and none lost;
 *  (2) rows of one record apply in file order; (3) waiting rows live in the store and
 *      resolve in dependency order, the same way after a resume;
 *  (4) a dry run is the real run rolled back; (5) atomic writes nothing unless every
 *      row is valid; (6) unique and immutable checks see the job's earlier rows;
 *  (7) DELETE and ANONYMIZE leave no trace of cleared values; (8) revert;
 *  (9) a job owns copies of its inputs; (10) a program runs one job at a time, in order.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/fs.h"
#include "base/xalloc.h"
#include "import/import_int.h"
#include "base/banned.h"

/* ---- small helpers ---- */

void job__path(const struct job *j, struct buf *out, const char *fmt, ...)
{
	va_list ap;

	buf_adds(out, j->dir);
	buf_addc(out, '/');
	va_start(ap, fmt);
	buf_vaddf(out, fmt, ap);
	va_end(ap);
}

struct file_state *job__file(struct job *j, uint32_t index)
{
	if (index >= j->state.nfiles) {
		size_t n = (size_t)index + 1;
		j->state.files = xrealloc(j->state.files, xmul(n, sizeof(*j->state.files)));
		for (size_t i = j->state.nfiles; i < n; i++) {
			memset(&j->state.files[i], 0, sizeof(j->state.files[i]));
			j->state.files[i].entity = -1;
		}
		j->state.nfiles = n;
	}
	return &j->state.files[index];
}

int job__checkpoint(struct job *j, struct err *err)
{
	if (state__to_json(&j->state, &j->cp, err) < 0) {
		store_batch_rollback(j->p, NULL);
		return -1;
	}
	return store_batch_commit(j->p, j->id, j->cp.ptr, j->cp.len, err);
}

int job__commit(struct job *j, struct err *err)
{
	if (rejects__sync(j, err) < 0)
		return -1;
	import__crash_point("before-commit");
	if (job__checkpoint(j, err) < 0)
		return -1;
	import__crash_point("after-commit");
	return 0;
}

int import_exit_status(enum store_job_status s)
{
	switch (s) {
	case STORE_JOB_SUCCEEDED:
		return 0;
	case STORE_JOB_PARTIAL:
		return 3;
	case STORE_JOB_FAILED:
		return 2;
	default:
		return 1;
	}
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

/* ---- locks: who owns a job, and one job at a time per program ---- */

#define MAX_LOCKS 64

static struct held {
	char *path;		/* the lock file */
	int fd;
	unsigned count;		/* taken this many times by this process */
} held[MAX_LOCKS];
static pthread_mutex_t held_mu = PTHREAD_MUTEX_INITIALIZER;

/*
 * Takes the lock file at path (flock, so the kernel drops it when the process dies).
 * 1 taken (or already held by this process), 0 held by another process (when !wait),
 * -1 error.
 */
static int lock_take(const char *path, bool wait, struct err *err)
{
	int fd, rc = -1;

	pthread_mutex_lock(&held_mu);
	for (int i = 0; i < MAX_LOCKS; i++)
		if (held[i].path && strcmp(held[i].path, path) == 0) {
			held[i].count++;
			pthread_mutex_unlock(&held_mu);
			return 1;
		}
	pthread_mutex_unlock(&held_mu);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_sys(err, ERR_IO_ERROR, "cannot open '%s': %s", path, strerror(errno));
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK) {
			close(fd);
			return 0;
		}
		err_sys(err, ERR_IO_ERROR, "cannot lock '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	pthread_mutex_lock(&held_mu);
	for (int i = 0; i < MAX_LOCKS; i++)
		if (!held[i].path) {
			held[i].path = xstrdup(path);
			held[i].fd = fd;
			held[i].count = 1;
			rc = 1;
			break;
		}
	pthread_mutex_unlock(&held_mu);
	if (rc < 0) {
		close(fd);
		err_set(err, ERR_INTERNAL_ERROR, "too many locks held");
	}
	return rc;
}

static void lock_release(const char *path)
{
	pthread_mutex_lock(&held_mu);
	for (int i = 0; i < MAX_LOCKS; i++)
		if (held[i].path && strcmp(held[i].path, path) == 0) {
			if (--held[i].count == 0) {
				close(held[i].fd);
				free(held[i].path);
				held[i].path = NULL;
			}
			break;
		}
	pthread_mutex_unlock(&held_mu);
}

static void job_lock_path(struct store *st, int64_t job, struct buf *out)
{
	store_job_dir(st, job, out);
	buf_adds(out, "/lock");
}

static void program_lock_path(struct store *st, int64_t program, struct buf *out)
{
	store_program_dir(st, program, out);
	buf_adds(out, "/import.lock");
}

/* ---- options (the job row's opaque text) ---- */

static const char *mode_name(enum import_mode m)
{
	return m == IMPORT_MODE_FILL ? "fill" : "override";
}

static char *options_json(const struct import_opts *o, char **inputs, size_t n, bool staged,
			  int64_t started)
{
	json_t *root = json_object(), *in = json_array();
	char *text;

	json_object_set_new(root, "entity", o->entity ? json_string(o->entity) : json_null());
	json_object_set_new(root, "dry_run", json_boolean(o->dry_run));
	json_object_set_new(root, "atomic", json_boolean(o->atomic));
	json_object_set_new(root, "op", o->op != SCHEMA_OP_NONE ? json_string(schema_op_name(o->op))
								  : json_null());
	json_object_set_new(root, "mode", json_string(mode_name(o->mode)));
	json_object_set_new(root, "encoding", o->encoding ? json_string(o->encoding) : json_null());
	json_object_set_new(root, "user", json_string(o->user ? o->user : "cli"));
	json_object_set_new(root, "files", o->files ? json_string(o->files) : json_null());
	json_object_set_new(root, "name", json_string(o->name ? o->name : ""));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(in, json_string(inputs[i]));
	json_object_set_new(root, "inputs", in);
	json_object_set_new(root, "staged", json_boolean(staged));
	json_object_set_new(root, "started", json_integer(started));
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return text;
}

static char *opt_str(json_t *root, const char *key)
{
	json_t *v = json_object_get(root, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* Reads the options into j; *ret_staged says whether the inputs were all copied. */
static int options_load(struct job *j, const char *text, bool *ret_staged, struct err *err)
{
	json_error_t jerr;
	json_t *root = json_loads(text ? text : "", 0, &jerr), *in, *v;
	char *op;
	size_t i;

	if (!root)
		return err_set(err, ERR_INTERNAL_ERROR, "the job's options do not parse");
	j->entity_opt = opt_str(root, "entity");
	j->dry_run = json_is_true(json_object_get(root, "dry_run"));
	j->atomic = json_is_true(json_object_get(root, "atomic"));
	op = opt_str(root, "op");
	j->op = SCHEMA_OP_NONE;
	if (op)
		schema_op_from_name(op, strlen(op), &j->op);
	free(op);
	v = json_object_get(root, "mode");
	j->mode = json_is_string(v) && strcmp(json_string_value(v), "fill") == 0
			  ? IMPORT_MODE_FILL : IMPORT_MODE_OVERRIDE;
	j->encoding = opt_str(root, "encoding");
	j->user = opt_str(root, "user");
	j->files_opt = opt_str(root, "files");
	j->name = opt_str(root, "name");
	in = json_object_get(root, "inputs");
	j->ninputs = json_array_size(in);
	j->inputs = xcalloc(j->ninputs ? j->ninputs : 1, sizeof(char *));
	json_array_foreach(in, i, v)
		j->inputs[i] = xstrdup(json_is_string(v) ? json_string_value(v) : "-");
	*ret_staged = json_is_true(json_object_get(root, "staged"));
	j->started_at = (int64_t)json_integer_value(json_object_get(root, "started"));
	json_decref(root);
	return 0;
}

static void job_release(struct job *j)
{
	rejects__close(j);
	frontend__release(j);
	for (size_t i = 0; i < j->nfinfo; i++)
		file_info__free(j->finfo[i]);
	free(j->finfo);
	state__release(&j->state);
	store_program_close(j->p);
	free(j->dir);
	free(j->entity_opt);
	free(j->encoding);
	free(j->user);
	free(j->files_opt);
	free(j->name);
	for (size_t i = 0; i < j->ninputs; i++)
		free(j->inputs[i]);
	free(j->inputs);
	arena_release(&j->arena);
	buf_release(&j->rej);
	buf_release(&j->payload);
	buf_release(&j->key);
	buf_release(&j->key2);
	buf_release(&j->cp);
}

static void job_init(struct job *j, struct store *st, int64_t id, const struct limits *limits)
{
	struct buf dir;

	memset(j, 0, sizeof(*j));
	j->st = st;
	j->id = id;
	j->rej_fd = -1;
	if (limits)
		j->limits = *limits;
	else
		limits_default(&j->limits);
	buf_init(&dir, 8192);
	store_job_dir(st, id, &dir);
	j->dir = buf_detach(&dir, NULL);
	arena_init(&j->arena, 64 * 1024);
	/* Sized from the configured limits: a rejected row written back can double its
	   quotes and gain an apostrophe per cell; a waiting row keeps its cells and their
	   values. */
	buf_init(&j->rej, xadd(xmul(2, j->limits.record_bytes),
			       xadd(xmul(4, j->limits.columns), 4 * LIMIT_MESSAGE_BYTES)));
	buf_init(&j->payload, xadd(xmul(2, j->limits.record_bytes),
				   xadd(xmul(16, j->limits.columns), IMPORT_PAYLOAD_EXTRA)));
	buf_init(&j->key, xadd(j->limits.cell_bytes, 256));
	buf_init(&j->key2, xadd(j->limits.cell_bytes, 256));
	buf_init(&j->cp, IMPORT_CHECKPOINT_MAX);
	j->commit_rows = IMPORT_COMMIT_ROWS;
#ifdef INTAKE_TEST_HOOKS
	{
		const char *env = getenv("INTAKE_COMMIT_ROWS");
		char *end;
		unsigned long long n = env ? strtoull(env, &end, 10) : 0;
		if (env && *env && !*end && n > 0)
			j->commit_rows = n;
	}
#endif
}

/* ---- creating a job ---- */

int import_job_create(struct store *st, struct store_program *p, const struct import_opts *o,
		      const char *const *paths, size_t npaths, const struct limits *limits,
		      int64_t *ret_job, struct err *err)
{
	struct import_opts opts = *o;
	char **names = xcalloc(npaths ? npaths : 1, sizeof(char *));
	struct buf dir, path;
	struct limits lim;
	char *text = NULL;
	int64_t id = 0;
	int rc = -1;

	if (limits)
		lim = *limits;
	else
		limits_default(&lim);
	buf_init(&dir, 8192);
	buf_init(&path, 8192);
	if (npaths == 0) {
		err_set(err, ERR_INVALID_ARGUMENT, "an import needs at least one file");
		goto out;
	}
	if (o->entity && !schema_entity_find(store_program_schema(p), o->entity)) {
		err_set(err, ERR_INVALID_ARGUMENT, "program '%s' has no entity '%.64s'",
			store_program_name(p), o->entity);
		goto out;
	}
	for (size_t i = 0; i < npaths; i++)
		names[i] = xstrdup(strcmp(paths[i], "-") == 0 ? "-" : base_name(paths[i]));
	if (!opts.name)
		opts.name = names[0];
	text = options_json(&opts, names, npaths, false, 0);
	if (store_job_create(st, store_program_id(p), o->user ? o->user : "cli", opts.name, text,
			     &id, err) < 0)
		goto out;
	store_job_dir(st, id, &dir);
	if (fs_remove_tree(dir.ptr, err) < 0 || fs_mkdir_p(dir.ptr, err) < 0)
		goto fail;
	job_lock_path(st, id, &path);
	if (lock_take(path.ptr, false, err) != 1)
		goto fail;
	/* The inputs are copied before the first batch, so '-' and later edits resume right. */
	for (size_t i = 0; i < npaths; i++) {
		uint64_t bytes;
		buf_reset(&path);
		buf_addf(&path, "%s/input-%zu", dir.ptr, i);
		if (fs_copy_file(paths[i], path.ptr, lim.upload_bytes, &bytes, err) < 0) {
			if (err->code != ERR_TOO_LARGE)
				goto fail;
			/* Over the upload limit: that file is refused with too_large (CONTRACT
			   5), the others are imported. A mark says so to the front end. */
			unlink(path.ptr);
			buf_adds(&path, INPUT_TOO_LARGE);
			if (fs_write_file_atomic(path.ptr, "", 0, err) < 0)
				goto fail;
			err_clear(err);
		}
	}
	free(text);
	text = options_json(&opts, names, npaths, true, 0);
	if (store_job_set_options(st, id, text, err) < 0)
		goto fail;
	*ret_job = id;
	rc = 0;
	goto out;
fail:
	{
		struct err ignored;
		store_job_transition(st, id, STORE_JOB_BIT(STORE_JOB_QUEUED), STORE_JOB_FAILED,
				     NULL, &ignored);
		buf_reset(&path);
		job_lock_path(st, id, &path);
		lock_release(path.ptr);
	}
out:
	for (size_t i = 0; i < npaths; i++)
		free(names[i]);
	free(names);
	free(text);
	buf_release(&dir);
	buf_release(&path);
	return rc;
}

/* ---- running a job ---- */

static void fresh_state(struct job *j, bool applying)
{
	state__release(&j->state);
	j->state.applying = applying;
}

static int load_state(struct job *j, struct err *err)
{
	struct buf cp;
	int rc;

	buf_init(&cp, IMPORT_CHECKPOINT_MAX);
	rc = store_checkpoint_load(j->p, j->id, &cp, err);
	if (rc == 1) {
		state__release(&j->state);
		rc = state__from_json(&j->state, cp.ptr, cp.len, err) < 0 ? -1 : 1;
		j->maybe_waiting = true; /* rows may have waited before the interruption */
	}
	buf_release(&cp);
	return rc;
}

/* The pass over the files, then the rows that waited; phases are checkpointed. */
static int run_phases(struct job *j, struct err *err)
{
	if (j->state.phase == PHASE_PASS) {
		if (frontend__run_pass(j, err) < 0)
			return -1;
		if (j->cancelled)
			return 0;
		j->state.phase = PHASE_WAITING;
		if (store_batch_begin(j->p, err) < 0 || job__checkpoint(j, err) < 0)
			return -1;
	}
	if (j->state.phase == PHASE_WAITING) {
		if (waiting__run(j, err) < 0)
			return -1;
		j->state.phase = PHASE_DONE;
		if (store_batch_begin(j->p, err) < 0)
			return -1;
		/* What the store deferred (indexes) commits with the job's last checkpoint. */
		if (store_job_settle(j->p, err) < 0) {
			store_batch_rollback(j->p, NULL);
			return -1;
		}
		if (job__checkpoint(j, err) < 0)
			return -1;
	}
	return 0;
}

/* A pass that writes nothing: a dry run, or an atomic job's check. */
static int run_dry(struct job *j, struct err *err)
{
	struct store_job_ctx ctx = {.job = j->id, .user = j->user, .now = clock_now(),
				    .events = false};
	int rc;

	fresh_state(j, false);
	j->dry = true;
	store_set_job(j->p, &ctx);
	if (store_dry_begin(j->p, err) < 0)
		return -1;
	rc = run_phases(j, err);
	if (store_dry_end(j->p, rc < 0 ? NULL : err) < 0)
		rc = -1;
	j->dry = false;
	return rc;
}

static int run_real(struct job *j, bool resume, struct err *err)
{
	struct store_job_ctx ctx = {.job = j->id, .user = j->user, .now = clock_now(),
				    .events = true};
	int rc = 0;

	store_set_job(j->p, &ctx);
	if (resume)
		rc = load_state(j, err);
	if (rc < 0)
		return -1;
	if (rc == 0 && !j->state.applying && j->atomic) {
		/* Atomic: a check pass first; nothing is written unless every row is valid. */
		if (run_dry(j, err) < 0)
			return -1;
		if (j->cancelled || report__status(j) != STORE_JOB_SUCCEEDED)
			return 0;
		fresh_state(j, true);
		store_set_job(j->p, &ctx);
		if (store_batch_begin(j->p, err) < 0 || job__checkpoint(j, err) < 0)
			return -1;
	}
	return run_phases(j, err);
}

static int remove_inputs(struct job *j)
{
	struct buf path;

	buf_init(&path, 8192);
	for (size_t i = 0; i < j->ninputs; i++) {
		buf_reset(&path);
		job__path(j, &path, "input-%zu", i);
		unlink(path.ptr);
		buf_adds(&path, INPUT_TOO_LARGE);
		unlink(path.ptr);
	}
	buf_release(&path);
	return 0;
}

/* The end of a job: report, status, and the job's state in the program cleared. */
static int finish(struct job *j, enum store_job_status *ret_status, struct buf *report,
		  struct err *err)
{
	enum store_job_status status = j->cancelled ? STORE_JOB_CANCELLED : report__status(j);
	unsigned from = STORE_JOB_BIT(STORE_JOB_RUNNING) | STORE_JOB_BIT(STORE_JOB_QUEUED);
	struct buf text, path;
	int rc = -1;

	buf_init(&text, LIMIT_REPORT_BYTES);
	buf_init(&path, 8192);
	if (report__json(j, status, &text) < 0) {
		err_set(err, ERR_INTERNAL_ERROR, "the report is too large");
		goto out;
	}
	job__path(j, &path, "report.json");
	if (fs_write_file_atomic(path.ptr, text.ptr, text.len, err) < 0)
		goto out;
	if (j->cancelled)
		from = STORE_JOB_BIT(STORE_JOB_CANCELLED);
	if (store_job_transition(j->st, j->id, from, status, text.ptr, err) < 0) {
		/* Cancelled while its last batch committed: it stays cancelled. */
		if (err->code != ERR_INVALID_STATE ||
		    store_job_transition(j->st, j->id, STORE_JOB_BIT(STORE_JOB_CANCELLED),
					 STORE_JOB_CANCELLED, text.ptr, err) < 0)
			goto out;
		status = STORE_JOB_CANCELLED;
	}
	store_job_forget(j->p, j->id, err);
	store_program_compact(j->p, err);
	remove_inputs(j);
	*ret_status = status;
	if (report) {
		buf_reset(report);
		buf_add(report, text.ptr, text.len);
	}
	rc = 0;
out:
	buf_release(&text);
	buf_release(&path);
	return rc;
}

/* Reads job id into *ret; invalid_state when it has ended (the caller releases *ret). */
static int job_get_unended(struct store *st, int64_t id, struct store_job *ret, struct err *err)
{
	if (store_job_get(st, id, ret, err) < 0)
		return -1;
	if (ret->status != STORE_JOB_QUEUED && ret->status != STORE_JOB_RUNNING)
		return err_set(err, ERR_INVALID_STATE, "job %" PRId64 " has ended (%s)", id,
			       store_job_status_name(ret->status));
	return 0;
}

/* Runs one job whose job lock this process holds, with the program lock held. */
static int run_body(struct store *st, int64_t id, const struct limits *limits,
		    const struct import_listener *l, enum store_job_status *ret_status,
		    struct buf *report, struct err *err)
{
	struct store_job row = {0};
	struct job j;
	bool staged = false, resume;
	int rc = -1;

	job_init(&j, st, id, limits);
	j.listener = l;
	if (job_get_unended(st, id, &row, err) < 0)
		goto out;
	if (options_load(&j, row.options, &staged, err) < 0)
		goto out;
	if (store_program_open_id(st, row.program_id, &j.p, err) < 0)
		goto out;
	j.program_id = row.program_id;
	j.sc = store_program_schema(j.p);
	if (!staged) {
		err_set(err, ERR_INTERNAL_ERROR,
			"job %" PRId64 " lost its input before it was completely received", id);
		store_job_transition(st, id, STORE_JOB_BIT(STORE_JOB_QUEUED), STORE_JOB_FAILED,
				     NULL, NULL);
		goto out;
	}
	resume = row.status == STORE_JOB_RUNNING;
	if (!j.started_at) {
		struct import_opts o = {.entity = j.entity_opt, .dry_run = j.dry_run,
					.atomic = j.atomic, .op = j.op, .mode = j.mode,
					.encoding = j.encoding, .user = j.user,
					.files = j.files_opt, .name = j.name};
		char *text;
		j.started_at = clock_now();
		text = options_json(&o, j.inputs, j.ninputs, true, j.started_at);
		rc = store_job_set_options(st, id, text, err);
		free(text);
		if (rc < 0)
			goto out;
		rc = -1;
	}
	if (store_job_transition(st, id, STORE_JOB_BIT(STORE_JOB_QUEUED) |
				 STORE_JOB_BIT(STORE_JOB_RUNNING), STORE_JOB_RUNNING, NULL, err) < 0)
		goto out;
	if (frontend__setup(&j, err) < 0)
		goto out;
	if (j.dry_run)
		rc = run_dry(&j, err);
	else
		rc = run_real(&j, resume, err);
	rejects__close(&j);
	if (rc < 0)
		goto out;
	rc = finish(&j, ret_status, report, err);
out:
	store_job_release(&row);
	job_release(&j);
	return rc;
}

static int unfinished_of(struct store *st, int64_t program, int64_t before, int64_t **ret,
			 size_t *ret_n, struct err *err)
{
	int64_t *ids = NULL;
	size_t n = 0, k = 0;

	if (store_job_unfinished(st, &ids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct store_job row;
		if (ids[i] >= before)
			continue;
		if (store_job_get(st, ids[i], &row, err) < 0) {
			free(ids);
			return -1;
		}
		if (row.program_id == program)
			ids[k++] = ids[i];
		store_job_release(&row);
	}
	*ret = ids;
	*ret_n = k;
	return 0;
}

int import_job_run(struct store *st, int64_t id, const struct limits *limits,
		   const struct import_listener *l, enum store_job_status *ret_status,
		   struct buf *report, struct err *err)
{
	struct store_job row = {0};
	struct buf jlock, plock, other;
	int rc = -1, got;

	buf_init(&jlock, 8192);
	buf_init(&plock, 8192);
	buf_init(&other, 8192);
	if (job_get_unended(st, id, &row, err) < 0)
		goto out;
	job_lock_path(st, id, &jlock);
	got = lock_take(jlock.ptr, false, err);
	if (got < 0)
		goto out;
	if (got == 0) {
		err_set(err, ERR_JOB_LOCKED, "job %" PRId64 " is running in another process", id);
		goto out;
	}
	program_lock_path(st, row.program_id, &plock);
	for (;;) {
		int64_t *earlier = NULL;
		size_t n = 0;
		bool blocked = false;

		if (lock_take(plock.ptr, true, err) < 0)
			goto unlock;
		/* Jobs of a program run in order: an earlier one whose owner is gone runs first. */
		if (unfinished_of(st, row.program_id, id, &earlier, &n, err) < 0) {
			lock_release(plock.ptr);
			goto unlock;
		}
		for (size_t i = 0; i < n && !blocked; i++) {
			enum store_job_status s;
			struct err e2;
			buf_reset(&other);
			job_lock_path(st, earlier[i], &other);
			got = lock_take(other.ptr, false, err);
			if (got == 0) {
				blocked = true;
				break;
			}
			if (got < 0)
				continue;
			if (run_body(st, earlier[i], limits, NULL, &s, NULL, &e2) < 0 &&
			    e2.code != ERR_INVALID_STATE)
				blocked = true;
			lock_release(other.ptr);
		}
		free(earlier);
		if (!blocked)
			break;
		lock_release(plock.ptr);
		nanosleep(&(struct timespec){.tv_nsec = 200 * 1000 * 1000}, NULL);
	}
	rc = run_body(st, id, limits, l, ret_status, report, err);
	lock_release(plock.ptr);
unlock:
	lock_release(jlock.ptr);
out:
	store_job_release(&row);
	buf_release(&jlock);
	buf_release(&plock);
	buf_release(&other);
	return rc;
}

int import_resume_orphans(struct store *st, const struct limits *limits, FILE *log,
			  struct err *err)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int ran = 0;
	struct buf path;

	if (store_job_unfinished(st, &ids, &n, err) < 0)
		return -1;
	buf_init(&path, 8192);
	for (size_t i = 0; i < n; i++) {
		enum store_job_status s;
		struct err e;
		int got;

		buf_reset(&path);
		job_lock_path(st, ids[i], &path);
		got = lock_take(path.ptr, false, &e);
		if (got != 1)
			continue; /* its owner is alive */
		lock_release(path.ptr);
		err_clear(&e);
		if (import_job_run(st, ids[i], limits, NULL, &s, NULL, &e) == 0) {
			ran++;
			if (log)
				fprintf(log, "intake: resumed job %" PRId64 ": %s\n", ids[i],
					store_job_status_name(s));
		} else if (log && e.code != ERR_JOB_LOCKED && e.code != ERR_INVALID_STATE) {
			fprintf(log, "intake: cannot resume job %" PRId64 ": %s\n", ids[i], e.msg);
		}
	}
	buf_release(&path);
	free(ids);
	return ran;
}

/* ---- cancel ---- */

int import_job_cancel(struct store *st, int64_t id, struct err *err)
{
	struct buf path;
	struct job j;
	struct store_job row = {0};
	bool staged;
	int got, rc = -1;

	if (store_job_transition(st, id, STORE_JOB_BIT(STORE_JOB_QUEUED) |
				 STORE_JOB_BIT(STORE_JOB_RUNNING), STORE_JOB_CANCELLED, NULL, err) < 0)
		return -1;
	/* When nobody runs it, the job ends here, with a report of what it did. */
	buf_init(&path, 8192);
	job_lock_path(st, id, &path);
	got = lock_take(path.ptr, false, err);
	if (got != 1) {
		buf_release(&path);
		return got < 0 ? -1 : 0;
	}
	job_init(&j, st, id, NULL);
	if (store_job_get(st, id, &row, err) < 0 || options_load(&j, row.options, &staged, err) < 0 ||
	    store_program_open_id(st, row.program_id, &j.p, err) < 0)
		goto out;
	j.sc = store_program_schema(j.p);
	if (load_state(&j, err) < 0)
		goto out;
	j.cancelled = true;
	{
		enum store_job_status s;
		rc = finish(&j, &s, NULL, err);
	}
out:
	store_job_release(&row);
	job_release(&j);
	lock_release(path.ptr);
	buf_release(&path);
	return rc;
}

/* ---- revert ---- */

static const char *why_name(enum store_revert_why w)
{
	switch (w) {
	case STORE_REVERT_CHANGED_LATER:
		return "changed_later";
	case STORE_REVERT_CLEARED:
		return "cleared";
	case STORE_REVERT_DROPPED:
		return "dropped";
	case STORE_REVERT_CONFLICT:
		return "conflict";
	}
	return "unknown";
}

int import_job_revert(struct store *st, int64_t id, struct buf *report, struct err *err)
{
	struct store_revert_result res = {0};
	struct store_program *p = NULL;
	struct store_job row = {0};
	struct buf plock, text, path;
	bool dry = false;
	int rc = -1;

	buf_init(&plock, 8192);
	buf_init(&text, LIMIT_REPORT_BYTES);
	buf_init(&path, 8192);
	if (store_job_get(st, id, &row, err) < 0)
		goto out;
	{
		json_t *o = json_loads(row.options ? row.options : "", 0, NULL);
		dry = o && json_is_true(json_object_get(o, "dry_run"));
		json_decref(o);
	}
	if (dry) {
		err_set(err, ERR_INVALID_STATE, "job %" PRId64 " was a dry run; it changed nothing",
			id);
		goto out;
	}
	if (row.status != STORE_JOB_SUCCEEDED && row.status != STORE_JOB_PARTIAL) {
		err_set(err, ERR_INVALID_STATE,
			"job %" PRId64 " is %s; only a succeeded or partial job can be reverted", id,
			store_job_status_name(row.status));
		goto out;
	}
	program_lock_path(st, row.program_id, &plock);
	if (lock_take(plock.ptr, true, err) < 0)
		goto out;
	if (store_program_open_id(st, row.program_id, &p, err) < 0 ||
	    store_job_revert(p, id, &res, err) < 0) {
		lock_release(plock.ptr);
		goto out;
	}
	store_program_compact(p, NULL);
	buf_addf(&text, "{\"job\": %" PRId64 ", \"status\": \"reverted\", \"removed\": %" PRIu64
		 ", \"restored\": %" PRIu64 ", \"not_reverted\": %" PRIu64 ",\n \"records\": [",
		 id, res.removed, res.restored, res.kept);
	for (size_t i = 0; i < res.nitems; i++) {
		const struct store_revert_item *it = &res.items[i];
		const struct schema *sc = store_program_schema(p);
		buf_adds(&text, i ? ",\n  {\"entity\": " : "{\"entity\": ");
		buf_add_json_str(&text, sc->entities[it->entity].name,
				 strlen(sc->entities[it->entity].name));
		buf_addf(&text, ", \"id\": %" PRId64 ", \"key\": ", it->id);
		if (it->key[0])
			buf_add_json_str(&text, it->key, strlen(it->key));
		else
			buf_adds(&text, "null");
		buf_addf(&text, ", \"reason\": \"%s\"", why_name(it->why));
		if (it->why == STORE_REVERT_CHANGED_LATER)
			buf_addf(&text, ", \"by_job\": %" PRId64, it->by_job);
		buf_adds(&text, "}");
	}
	buf_adds(&text, "]}");
	if (store_job_transition(st, id, STORE_JOB_BIT(STORE_JOB_SUCCEEDED) |
				 STORE_JOB_BIT(STORE_JOB_PARTIAL), STORE_JOB_REVERTED, NULL, err) < 0) {
		lock_release(plock.ptr);
		goto out;
	}
	lock_release(plock.ptr);
	store_job_dir(st, id, &path);
	if (fs_mkdir_p(path.ptr, NULL) == 0) {
		buf_adds(&path, "/revert.json");
		fs_write_file_atomic(path.ptr, text.ptr, text.len, NULL);
	}
	if (report)
		buf_add(report, text.ptr, text.len);
	rc = 0;
out:
	store_revert_result_release(&res);
	store_program_close(p);
	store_job_release(&row);
	buf_release(&plock);
	buf_release(&text);
	buf_release(&path);
	return rc;
}

/* ---- rejection files ---- */

int import_job_rejects(struct store *st, int64_t id,
		       int (*fn)(void *ctx, const char *path, const char *name, struct err *err),
		       void *ctx, struct err *err)
{
	struct store_job row = {0};
	json_t *rep = NULL, *files, *f;
	struct buf path;
	size_t i;
	int rc = -1;

	buf_init(&path, 8192);
	if (store_job_get(st, id, &row, err) < 0)
		goto out;
	rep = row.report ? json_loads(row.report, 0, NULL) : NULL;
	files = json_object_get(rep, "files");
	json_array_foreach(files, i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		buf_reset(&path);
		store_job_dir(st, id, &path);
		buf_addf(&path, "/rejects-%zu.csv", i);
		if (!fs_exists(path.ptr))
			continue;
		if (fn(ctx, path.ptr, name ? name : "", err) < 0)
			goto out;
	}
	rc = 0;
out:
	json_decref(rep);
	store_job_release(&row);
	buf_release(&path);
	return rc;
}
