/* Unit tests for src/store on the SQLite back end: programs, records, events, batches,
   dry runs, waiting rows, export cursors, jobs, revert and purging. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/fs.h"
#include "schema/schema.h"
#include "store/store.h"
#include "store/store_int.h"

static const char people_schema[] =
	"{\"entities\": [{\"name\": \"person\","
	" \"identifiers\": [\"id\", \"key\", \"ref\", \"phone\"],"
	" \"fields\": ["
	"  {\"name\": \"ref\", \"type\": \"text\"},"
	"  {\"name\": \"phone\", \"type\": \"phone\", \"unique\": true},"
	"  {\"name\": \"name\", \"type\": \"text\", \"pii\": true},"
	"  {\"name\": \"age\", \"type\": \"integer\"},"
	"  {\"name\": \"parent\", \"type\": \"reference\", \"entity\": \"person\", \"by\": \"ref\"}"
	" ]}]}";

enum { F_REF, F_PHONE, F_NAME, F_AGE, F_PARENT, NF };

struct fixture {
	char *dir;
	struct store *st;
	struct store_program *p;
	struct arena a;
};

static struct store_val text(const char *s)
{
	struct store_val v = {.kind = STORE_TEXT, .s = s, .n = strlen(s)};
	return v;
}

static struct store_val integer(int64_t i)
{
	struct store_val v = {.kind = STORE_INT, .i = i};
	return v;
}

static struct store_val null(void)
{
	struct store_val v = {.kind = STORE_NULL};
	return v;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct schema *sc = NULL;
	struct err err;
	int64_t id;

	fx->dir = testlib_tmpdir();
	arena_init(&fx->a, 4096);
	assert_int_equal(store_init(fx->dir, NULL, &err), 0);
	assert_int_equal(store_open(fx->dir, NULL, &fx->st, &err), 0);
	if (schema_parse(people_schema, strlen(people_schema), &sc, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(store_program_create(fx->st, "demo", sc, &id, &err), 0);
	schema_free(sc);
	assert_int_equal(store_program_open(fx->st, "demo", &fx->p, &err), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	store_program_close(fx->p);
	store_free(fx->st);
	arena_release(&fx->a);
	testlib_rmtree(fx->dir);
	free(fx);
	return 0;
}

static void job(struct fixture *fx, int64_t id)
{
	struct store_job_ctx ctx = {.job = id, .user = "cli", .now = 1700000000, .events = true};

	store_set_job(fx->p, &ctx);
}

static int64_t insert(struct fixture *fx, const char *ref, const char *phone, const char *name)
{
	struct store_val vals[NF] = {text(ref), phone ? text(phone) : null(),
				     name ? text(name) : null(), null(), null()};
	char key[STORE_KEY_BYTES];
	size_t conflict = 99;
	int64_t id = 0;
	struct err err;

	assert_int_equal(store_record_insert(fx->p, 0, vals, &id, key, &conflict, &err), 0);
	assert_true(id > 0);
	assert_int_equal(strlen(key), 36);
	assert_int_equal(key[14], '7');
	return id;
}

static bool find_ref(struct fixture *fx, const char *ref, struct store_record *rec)
{
	struct schema_ident by = {.builtin = SCHEMA_BUILTIN_NONE, .field = F_REF};
	struct store_val v = text(ref);
	struct err err;
	int rc = store_record_find(fx->p, 0, &by, &v, &fx->a, rec, &err);

	assert_true(rc >= 0);
	return rc == 1;
}

static void init_open_and_missing_dir(void **state)
{
	struct fixture *fx = *state;
	struct store *st = NULL;
	struct err err;
	struct buf path;

	buf_init(&path, 4096);
	buf_addf(&path, "%s/nowhere", fx->dir);
	assert_int_equal(store_open(path.ptr, NULL, &st, &err), -1);
	assert_int_equal(err.code, ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "intake init"));
	/* init is idempotent */
	assert_int_equal(store_init(fx->dir, NULL, &err), 0);
	assert_int_equal(store_init(fx->dir, "postgres://x", &err), -1);
	assert_int_equal(err.code, ERR_INVALID_ARGUMENT);
	assert_string_equal(store_backend_name(fx->st), "sqlite");
	buf_release(&path);
}

static void quote_ident_checks_the_name(void **state)
{
	struct buf b;
	struct err err;
	char longname[200];

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(store_quote_ident(&b, "first_name", &err), 0);
	assert_string_equal(b.ptr, "\"first_name\"");
	buf_reset(&b);
	assert_int_equal(store_quote_ident(&b, "x\"; DROP TABLE person; --", &err), -1);
	assert_int_equal(err.code, ERR_INVALID_SCHEMA);
	assert_int_equal(b.len, 0);
	assert_int_equal(store_quote_ident(&b, "9lives", &err), -1);
	assert_int_equal(store_quote_ident(&b, "", &err), -1);
	assert_int_equal(store_quote_ident(&b, "a b", &err), -1);
	memset(longname, 'a', 127);
	longname[127] = '\0';
	assert_int_equal(store_quote_ident(&b, longname, &err), 0);
	longname[127] = 'a';
	longname[128] = '\0';
	assert_int_equal(store_quote_ident(&b, longname, &err), -1);
	buf_release(&b);
}

static void programs_create_list_open(void **state)
{
	struct fixture *fx = *state;
	struct store_program_info *v = NULL;
	struct store_program *p = NULL;
	struct schema *sc = NULL;
	size_t n = 0;
	int64_t id;
	struct err err;

	assert_int_equal(schema_parse(people_schema, strlen(people_schema), &sc, &err), 0);
	assert_int_equal(store_program_create(fx->st, "demo", sc, &id, &err), -1);
	assert_int_equal(err.code, ERR_INVALID_ARGUMENT);
	assert_non_null(strstr(err.msg, "exists"));
	assert_int_equal(store_program_create(fx->st, "bad name", sc, &id, &err), -1);
	assert_int_equal(store_program_create(fx->st, "other-1.x", sc, &id, &err), 0);
	assert_int_equal(id, 2);
	schema_free(sc);
	assert_int_equal(store_program_list(fx->st, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "demo");
	assert_string_equal(v[1].name, "other-1.x");
	assert_null(v[1].preset);
	store_program_infos_free(v, n);
	assert_int_equal(store_program_open(fx->st, "nope", &p, &err), -1);
	assert_int_equal(err.code, ERR_UNKNOWN_PROGRAM);
	assert_int_equal(store_program_open_id(fx->st, 2, &p, &err), 0);
	assert_string_equal(store_program_name(p), "other-1.x");
	assert_int_equal(store_program_schema(p)->nentities, 1);
	assert_string_equal(store_program_schema(p)->entities[0].fields[F_PHONE].name, "phone");
	store_program_close(p);
}

static void insert_find_update_writes_events(void **state)
{
	struct fixture *fx = *state;
	struct store_record rec;
	struct store_val vals[NF];
	size_t conflict = 99;
	struct err err;
	int64_t id, owner = 0;
	uint64_t counts[STORE_NSTATES];

	job(fx, 7);
	assert_int_equal(store_batch_begin(fx->p, &err), 0);
	id = insert(fx, "R1", "+254700000001", "Ann");
	assert_int_equal(store_batch_commit(fx->p, 7, "cp1", 3, &err), 0);
	assert_true(find_ref(fx, "R1", &rec));
	assert_int_equal(rec.id, id);
	assert_int_equal(rec.state, STORE_STATE_ACTIVE);
	assert_int_equal(rec.created_job, 7);
	assert_int_equal(rec.updated_job, 7);
	assert_string_equal(rec.created_at, "2023-11-14T22:13:20Z");
	assert_int_equal(rec.vals[F_NAME].kind, STORE_TEXT);
	assert_string_equal(rec.vals[F_NAME].s, "Ann");
	assert_int_equal(rec.vals[F_AGE].kind, STORE_NULL);
	assert_false(find_ref(fx, "R2", &rec));
	vals[F_PHONE] = text("+254700000001");
	assert_int_equal(store_value_owner(fx->p, 0, F_PHONE, &vals[F_PHONE], &owner, &err), 1);
	assert_int_equal(owner, id);

	/* A second record may not take the first one's phone. */
	job(fx, 8);
	assert_int_equal(store_batch_begin(fx->p, &err), 0);
	{
		struct store_val v2[NF] = {text("R2"), text("+254700000001"), null(), null(),
					   null()};
		int64_t id2;
		char key[STORE_KEY_BYTES];
		assert_int_equal(store_record_insert(fx->p, 0, v2, &id2, key, &conflict, &err), 1);
		assert_int_equal(conflict, F_PHONE);
	}
	assert_true(find_ref(fx, "R1", &rec));
	memcpy(vals, rec.vals, sizeof(vals));
	vals[F_AGE] = integer(41);
	vals[F_NAME] = text("Anne");
	assert_int_equal(store_record_update(fx->p, 0, &rec, vals, STORE_STATE_INVALID, "update",
					     NULL, &conflict, &err), 0);
	assert_int_equal(store_batch_commit(fx->p, 8, NULL, 0, &err), 0);
	assert_true(find_ref(fx, "R1", &rec));
	assert_int_equal(rec.state, STORE_STATE_INVALID);
	assert_int_equal(rec.updated_job, 8);
	assert_int_equal(rec.vals[F_AGE].i, 41);
	assert_false(find_ref(fx, "R2", &rec));
	assert_int_equal(store_entity_counts(fx->p, 0, counts, &err), 0);
	assert_int_equal(counts[STORE_STATE_INVALID], 1);
	assert_int_equal(counts[STORE_STATE_ACTIVE], 0);
	{
		struct buf cp;
		buf_init(&cp, 1024);
		assert_int_equal(store_checkpoint_load(fx->p, 7, &cp, &err), 1);
		assert_mem_str(cp.ptr, cp.len, "cp1");
		assert_int_equal(store_checkpoint_load(fx->p, 8, &cp, &err), 0);
		buf_release(&cp);
	}
}

static void rollback_and_dry_run_leave_nothing(void **state)
{
	struct fixture *fx = *state;
	struct store_record rec;
	struct err err;
	struct buf cp;

	job(fx, 3);
	assert_int_equal(store_batch_begin(fx->p, &err), 0);
	insert(fx, "R1", NULL, "Ann");
	assert_int_equal(store_batch_rollback(fx->p, &err), 0);
	assert_false(find_ref(fx, "R1", &rec));

	assert_int_equal(store_dry_begin(fx->p, &err), 0);
	assert_int_equal(store_batch_begin(fx->p, &err), 0);
	insert(fx, "D1", NULL, "Dry");
	assert_int_equal(store_batch_commit(fx->p, 3, "x", 1, &err), 0);
	/* Later batches of the dry run see the earlier ones. */
	assert_int_equal(store_batch_begin(fx->p, &err), 0);
	assert_true(find_ref(fx, "D1", &rec));
	insert(fx, "D2", NULL, NULL);
	assert_int_equal(store_batch_rollback(fx->p, &err), 0);
	assert_false(find_ref(fx, "D2", &rec));
	assert_int_equal(store_dry_end(fx->p, &err), 0);
	assert_false(find_ref(fx, "D1", &rec));
	buf_init(&cp, 1024);
	assert_int_equal(store_checkpoint_load(fx->p, 3, &cp, &err), 0);
	buf_release(&cp);
}

static void drop_referenced_and_purge(void **state)
{
	struct fixture *fx = *state;
	struct store_record rec;
	struct store_val vals[NF];
	bool pii[NF] = {false, false, true, false, false};
	size_t conflict;
	struct err err;
	int64_t parent, child;

	job(fx, 1);
	assert_int_equal(store_batch_begin(fx->p, &err), 0);
	parent = insert(fx, "ParentRef1", NULL, "Secretname-Parent");
	child = insert(fx, "C", NULL, "Child");
	assert_true(find_ref(fx, "C", &rec));
	memcpy(vals, rec.vals, sizeof(vals));
	vals[F_PARENT] = integer(parent);
	job(fx, 2);
	assert_int_equal(store_record_update(fx->p, 0, &rec, vals, rec.state, "update", NULL,
					     &conflict, &err), 0);
	assert_int_equal(store_record_referenced(fx->p, 0, parent, &err), 1);
	assert_int_equal(store_record_referenced(fx->p, 0, child, &err), 0);
	/* Rename the parent (an event with the old name), then delete its pii. */
	assert_true(find_ref(fx, "ParentRef1", &rec));
	memcpy(vals, rec.vals, sizeof(vals));
	vals[F_NAME] = text("Renamed-Secret");
	assert_int_equal(store_record_update(fx->p, 0, &rec, vals, rec.state, "update", NULL,
					     &conflict, &err), 0);
	assert_true(find_ref(fx, "ParentRef1", &rec));
	memcpy(vals, rec.vals, sizeof(vals));
	vals[F_NAME] = null();
	assert_int_equal(store_record_update(fx->p, 0, &rec, vals, STORE_STATE_DELETED, "delete",
					     pii, &conflict, &err), 0);
	assert_int_equal(store_record_purge(fx->p, 0, parent, pii, &err), 0);
	assert_true(find_ref(fx, "C", &rec));
	assert_int_equal(store_record_drop(fx->p, 0, &rec, &err), 0);
	assert_int_equal(store_batch_commit(fx->p, 2, NULL, 0, &err), 0);
	assert_false(find_ref(fx, "C", &rec));
	assert_int_equal(store_record_referenced(fx->p, 0, parent, &err), 0);
	assert_int_equal(store_program_compact(fx->p, &err), 0);
	/* No trace of the purged names in the program's files. */
	{
		struct buf path;
		const char *suffix[] = {"", "-wal", "-journal"};
		buf_init(&path, 4096);
		for (size_t i = 0; i < 3; i++) {
			size_t n = 0;
			char *bytes;
			buf_reset(&path);
			buf_addf(&path, "%s/programs/1/program.db%s", fx->dir, suffix[i]);
			if (!fs_exists(path.ptr))
				continue;
			bytes = testlib_slurp(path.ptr, &n);
			assert_null(memmem(bytes, n, "Secretname", 10));
			assert_null(memmem(bytes, n, "Renamed-Secret", 14));
			/* The scan does find what is still there. */
			if (i == 0)
				assert_non_null(memmem(bytes, n, "ParentRef1", 10));
			free(bytes);
		}
		buf_release(&path);
	}
}

static void waiting_rows_and_seen(void **state)
{
	struct fixture *fx = *state;
	struct store_wait w = {.entity = 0, .rec_key = "ref\x1f" "C", .rec_key_len = 5,
			       .parent_entity = 0, .parent_key = "ref\x1f" "P", .parent_key_len = 5,
			       .payload = "row-bytes", .payload_len = 9};
	struct store_wait got;
	uint64_t n;
	struct err err;

	job(fx, 4);
	assert_int_equal(store_batch_begin(fx->p, &err), 0);
	assert_int_equal(store_wait_add(fx->p, 4, &w, &err), 0);
	assert_true(w.seq > 0);
	w.payload = "second";
	w.payload_len = 6;
	assert_int_equal(store_wait_add(fx->p, 4, &w, &err), 0);
	assert_int_equal(store_wait_holds(fx->p, 4, 0, "ref\x1f" "C", 5, &err), 1);
	assert_int_equal(store_wait_holds(fx->p, 4, 0, "ref\x1f" "P", 5, &err), 0);
	assert_int_equal(store_wait_holds(fx->p, 5, 0, "ref\x1f" "C", 5, &err), 0);
	assert_int_equal(store_wait_next(fx->p, 4, 0, &fx->a, &got, &err), 1);
	assert_mem_str(got.payload, got.payload_len, "row-bytes");
	assert_int_equal(store_wait_next(fx->p, 4, got.seq, &fx->a, &got, &err), 1);
	assert_mem_str(got.payload, got.payload_len, "second");
	assert_int_equal(store_wait_next(fx->p, 4, got.seq, &fx->a, &got, &err), 0);
	assert_int_equal(store_wait_first_of(fx->p, 4, 0, "ref\x1f" "C", 5, &fx->a, &got, &err), 1);
	assert_mem_str(got.payload, got.payload_len, "row-bytes");
	assert_int_equal(store_wait_delete(fx->p, 4, got.seq, &err), 0);
	assert_int_equal(store_wait_count(fx->p, 4, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_seen_add(fx->p, 4, "k1", 2, &err), 1);
	assert_int_equal(store_seen_add(fx->p, 4, "k1", 2, &err), 0);
	assert_int_equal(store_seen_add(fx->p, 4, "k2", 2, &err), 1);
	assert_int_equal(store_batch_commit(fx->p, 4, "c", 1, &err), 0);
	assert_int_equal(store_job_forget(fx->p, 4, &err), 0);
	assert_int_equal(store_wait_count(fx->p, 4, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_seen_add(fx->p, 4, "k1", 2, &err), 1);
}

static int export_ids(struct fixture *fx, const struct store_filter *f, size_t nf, bool resolve,
		      char *out, size_t cap)
{
	struct store_cursor *c = NULL;
	struct store_record rec;
	struct err err;
	size_t used = 0;
	int rc, n = 0;

	out[0] = '\0';
	if (store_cursor_open(fx->p, 0, f, nf, resolve, &c, &err) < 0)
		fail_msg("%s", err.msg);
	while ((rc = store_cursor_next(c, &fx->a, &rec, &err)) == 1) {
		used += (size_t)snprintf(out + used, cap - used, "%s%s", n ? "," : "",
					 rec.vals[F_REF].s);
		if (resolve && rec.vals[F_PARENT].kind == STORE_TEXT)
			used += (size_t)snprintf(out + used, cap - used, "<%s",
						 rec.vals[F_PARENT].s);
		n++;
	}
	assert_int_equal(rc, 0);
	store_cursor_free(c);
	return n;
}

static void cursor_filters(void **state)
{
	struct fixture *fx = *state;
	struct store_record rec;
	struct store_val vals[NF];
	size_t conflict;
	struct err err;
	char out[200000];
	char ref[16];
	int64_t first;

	job(fx, 1);
	assert_int_equal(store_batch_begin(fx->p, &err), 0);
	first = insert(fx, "A0", NULL, "Alice");
	for (int i = 1; i < 2500; i++) {
		snprintf(ref, sizeof(ref), "A%d", i);
		insert(fx, ref, NULL, i % 2 ? "Bob" : NULL);
	}
	assert_true(find_ref(fx, "A7", &rec));
	memcpy(vals, rec.vals, sizeof(vals));
	vals[F_PARENT] = integer(first);
	vals[F_AGE] = integer(30);
	assert_int_equal(store_record_update(fx->p, 0, &rec, vals, rec.state, "update", NULL,
					     &conflict, &err), 0);
	assert_int_equal(store_batch_commit(fx->p, 1, NULL, 0, &err), 0);

	/* No filter: every record, across chunks. */
	assert_int_equal(export_ids(fx, NULL, 0, false, out, sizeof(out)), 2500);
	{
		struct store_val v = text("A7");
		struct store_filter f = {.field = F_REF, .op = STORE_FILTER_EQ, .vals = &v,
					 .nvals = 1};
		assert_int_equal(export_ids(fx, &f, 1, true, out, sizeof(out)), 1);
		assert_string_equal(out, "A7<A0");
	}
	{
		struct store_val v[2] = {text("A1"), text("A3")};
		struct store_filter f = {.field = F_REF, .op = STORE_FILTER_IN, .vals = v,
					 .nvals = 2};
		assert_int_equal(export_ids(fx, &f, 1, false, out, sizeof(out)), 2);
		assert_string_equal(out, "A1,A3");
	}
	{
		struct store_val v = text("LIC");
		struct store_filter f = {.field = F_NAME, .op = STORE_FILTER_ILIKE, .vals = &v,
					 .nvals = 1};
		assert_int_equal(export_ids(fx, &f, 1, false, out, sizeof(out)), 1);
		assert_string_equal(out, "A0");
	}
	{
		struct store_filter f[2] = {{.field = F_NAME, .op = STORE_FILTER_NULL},
					    {.builtin = SCHEMA_BUILTIN_ID, .op = STORE_FILTER_LTE,
					     .nvals = 1}};
		struct store_val v = integer(5);
		f[1].vals = &v;
		assert_int_equal(export_ids(fx, f, 2, false, out, sizeof(out)), 2);
		assert_string_equal(out, "A2,A4");
		f[0].negate = true;
		assert_int_equal(export_ids(fx, f, 2, false, out, sizeof(out)), 3);
		assert_string_equal(out, "A0,A1,A3");
	}
	{
		struct store_val v[2] = {integer(29), integer(31)};
		struct store_filter f = {.field = F_AGE, .op = STORE_FILTER_BTW, .vals = v,
					 .nvals = 2};
		assert_int_equal(export_ids(fx, &f, 1, false, out, sizeof(out)), 1);
		assert_string_equal(out, "A7");
		f.negate = true; /* $not keeps records without a value */
		assert_int_equal(export_ids(fx, &f, 1, false, out, sizeof(out)), 2499);
	}
}

static void jobs_and_transitions(void **state)
{
	struct fixture *fx = *state;
	struct store_job j, *v = NULL;
	int64_t a, b, *ids = NULL;
	size_t n = 0;
	struct err err;

	assert_int_equal(store_job_create(fx->st, 1, "cli", "people.csv", "{}", &a, &err), 0);
	assert_int_equal(store_job_create(fx->st, 1, "ann@example.org", "b.csv", "{}", &b, &err),
			 0);
	assert_int_equal(store_job_get(fx->st, a, &j, &err), 0);
	assert_int_equal(j.status, STORE_JOB_QUEUED);
	assert_string_equal(j.program, "demo");
	assert_string_equal(j.name, "people.csv");
	assert_null(j.report);
	assert_string_equal(j.started_at, "");
	store_job_release(&j);
	assert_int_equal(store_job_transition(fx->st, a, STORE_JOB_BIT(STORE_JOB_QUEUED),
					      STORE_JOB_RUNNING, NULL, &err), 0);
	assert_int_equal(store_job_unfinished(fx->st, &ids, &n, &err), 0);
	assert_int_equal(n, 2);
	free(ids);
	assert_int_equal(store_job_transition(fx->st, a, STORE_JOB_BIT(STORE_JOB_RUNNING),
					      STORE_JOB_PARTIAL, "{\"status\":\"partial\"}", &err), 0);
	assert_int_equal(store_job_transition(fx->st, a, STORE_JOB_BIT(STORE_JOB_RUNNING),
					      STORE_JOB_CANCELLED, NULL, &err), -1);
	assert_int_equal(err.code, ERR_INVALID_STATE);
	assert_non_null(strstr(err.msg, "partial"));
	assert_int_equal(store_job_get(fx->st, a, &j, &err), 0);
	assert_int_equal(j.status, STORE_JOB_PARTIAL);
	assert_string_equal(j.report, "{\"status\":\"partial\"}");
	assert_true(j.started_at[0] && j.finished_at[0]);
	store_job_release(&j);
	assert_int_equal(store_job_get(fx->st, 99, &j, &err), -1);
	assert_int_equal(err.code, ERR_NOT_FOUND);
	assert_int_equal(store_job_list(fx->st, 1, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].user, "ann@example.org");
	store_jobs_free(v, n);
	assert_int_equal(store_job_list(fx->st, 2, &v, &n, &err), 0);
	assert_int_equal(n, 0);
	store_jobs_free(v, n);
}

static void revert_restores_and_lists_later_changes(void **state)
{
	struct fixture *fx = *state;
	struct store_revert_result r;
	struct store_record rec;
	struct store_val vals[NF];
	size_t conflict;
	struct err err;

	/* Job 1 inserts A and B; job 2 updates A and B; job 3 updates B again. */
	job(fx, 1);
	assert_int_equal(store_batch_begin(fx->p, &err), 0);
	insert(fx, "A", NULL, "a1");
	insert(fx, "B", NULL, "b1");
	assert_int_equal(store_batch_commit(fx->p, 1, NULL, 0, &err), 0);
	job(fx, 2);
	assert_int_equal(store_batch_begin(fx->p, &err), 0);
	insert(fx, "C", NULL, "c2");
	for (int k = 0; k < 2; k++) {
		assert_true(find_ref(fx, k ? "B" : "A", &rec));
		memcpy(vals, rec.vals, sizeof(vals));
		vals[F_NAME] = text(k ? "b2" : "a2");
		vals[F_AGE] = integer(2);
		assert_int_equal(store_record_update(fx->p, 0, &rec, vals, STORE_STATE_INVALID,
						     "update", NULL, &conflict, &err), 0);
	}
	/* A second change of A in the same job: revert goes back to before the job. */
	assert_true(find_ref(fx, "A", &rec));
	memcpy(vals, rec.vals, sizeof(vals));
	vals[F_NAME] = text("a2bis");
	assert_int_equal(store_record_update(fx->p, 0, &rec, vals, rec.state, "update", NULL,
					     &conflict, &err), 0);
	assert_int_equal(store_batch_commit(fx->p, 2, NULL, 0, &err), 0);
	job(fx, 3);
	assert_int_equal(store_batch_begin(fx->p, &err), 0);
	assert_true(find_ref(fx, "B", &rec));
	memcpy(vals, rec.vals, sizeof(vals));
	vals[F_NAME] = text("b3");
	assert_int_equal(store_record_update(fx->p, 0, &rec, vals, rec.state, "update", NULL,
					     &conflict, &err), 0);
	assert_int_equal(store_batch_commit(fx->p, 3, NULL, 0, &err), 0);

	assert_int_equal(store_job_revert(fx->p, 2, &r, &err), 0);
	assert_int_equal(r.removed, 1);
	assert_int_equal(r.restored, 1);
	assert_int_equal(r.kept, 1);
	assert_int_equal(r.nitems, 1);
	assert_int_equal(r.items[0].why, STORE_REVERT_CHANGED_LATER);
	assert_int_equal(r.items[0].by_job, 3);
	store_revert_result_release(&r);
	assert_false(find_ref(fx, "C", &rec));
	assert_true(find_ref(fx, "A", &rec));
	assert_string_equal(rec.vals[F_NAME].s, "a1");
	assert_int_equal(rec.vals[F_AGE].kind, STORE_NULL);
	assert_int_equal(rec.state, STORE_STATE_ACTIVE);
	assert_int_equal(rec.updated_job, 1);
	assert_true(find_ref(fx, "B", &rec));
	assert_string_equal(rec.vals[F_NAME].s, "b3");
	/* Reverting job 3 now makes B what job 2 left. */
	assert_int_equal(store_job_revert(fx->p, 3, &r, &err), 0);
	assert_int_equal(r.restored, 1);
	store_revert_result_release(&r);
	assert_true(find_ref(fx, "B", &rec));
	assert_string_equal(rec.vals[F_NAME].s, "b2");
	assert_int_equal(rec.updated_job, 2);
}

static void field_add_makes_a_column(void **state)
{
	struct fixture *fx = *state;
	const char field[] = "{\"name\": \"email\", \"type\": \"email\", \"unique\": true}";
	const struct schema *sc;
	struct store_program *p2 = NULL;
	struct store_record rec;
	struct store_val vals[NF + 1];
	size_t conflict;
	struct err err;

	job(fx, 1);
	assert_int_equal(store_batch_begin(fx->p, &err), 0);
	insert(fx, "E1", NULL, "Eve");
	assert_int_equal(store_batch_commit(fx->p, 1, NULL, 0, &err), 0);
	assert_int_equal(store_program_field_add(fx->p, "person", field, strlen(field), &err), 0);
	sc = store_program_schema(fx->p);
	assert_int_equal(sc->entities[0].nfields, NF + 1);
	assert_true(find_ref(fx, "E1", &rec));
	assert_int_equal(rec.nvals, NF + 1);
	assert_int_equal(rec.vals[NF].kind, STORE_NULL);
	memcpy(vals, rec.vals, sizeof(vals));
	vals[NF] = text("eve@example.org");
	assert_int_equal(store_batch_begin(fx->p, &err), 0);
	assert_int_equal(store_record_update(fx->p, 0, &rec, vals, rec.state, "update", NULL,
					     &conflict, &err), 0);
	assert_int_equal(store_batch_commit(fx->p, 1, NULL, 0, &err), 0);
	assert_int_equal(store_program_field_add(fx->p, "person", field, strlen(field), &err), -1);
	assert_int_equal(err.code, ERR_INVALID_SCHEMA);
	/* Another handle opened afterwards reads the new schema and the value. */
	assert_int_equal(store_program_open(fx->st, "demo", &p2, &err), 0);
	assert_int_equal(store_program_schema(p2)->entities[0].nfields, NF + 1);
	{
		struct schema_ident by = {.field = F_REF};
		struct store_val v = text("E1");
		assert_int_equal(store_record_find(p2, 0, &by, &v, &fx->a, &rec, &err), 1);
		assert_string_equal(rec.vals[NF].s, "eve@example.org");
	}
	store_program_close(p2);
}

/* Fingerprint tables: every value added is a candidate of its own hash, a changed value
   leaves the rowid's old hash, the tables grow and give back their memory, and the bound
   and the rowid limit refuse (one byte under what growing needs). */
static void fingerprint_table(void **state)
{
	struct store_fp t = {0};
	struct store_fp_probe pr;
	size_t bytes = 0, before;
	int64_t id;
	int found;

	(void)state;
	for (int64_t r = 1; r <= 5000; r++) {
		char s[32];
		struct store_val v = {.kind = STORE_TEXT, .s = s};
		v.n = (size_t)snprintf(s, sizeof(s), "value-%" PRId64, r);
		assert_int_equal(store__fp_add(&t, store__fp_hash(&v), r, &bytes, 1 << 20), 0);
	}
	assert_true(t.cap >= 5000 * 4 / 3);
	assert_int_equal(bytes, (t.cap + t.nfrag) * sizeof(uint32_t));
	for (int64_t r = 1; r <= 5000; r += 499) {
		char s[32];
		struct store_val v = {.kind = STORE_TEXT, .s = s};
		v.n = (size_t)snprintf(s, sizeof(s), "value-%" PRId64, r);
		found = 0;
		store__fp_probe_start(&t, store__fp_hash(&v), &pr);
		while (store__fp_probe_next(&pr, &id))
			found += id == r;
		assert_int_equal(found, 1);
	}
	{
		/* Rowid 7 now holds another value: the old one no longer finds it. */
		struct store_val old = {.kind = STORE_TEXT, .s = "value-7", .n = 7};
		struct store_val now = {.kind = STORE_INT, .i = 77};
		assert_int_equal(store__fp_add(&t, store__fp_hash(&now), 7, &bytes, 1 << 20), 0);
		found = 0;
		store__fp_probe_start(&t, store__fp_hash(&old), &pr);
		while (store__fp_probe_next(&pr, &id))
			found += id == 7;
		assert_int_equal(found, 0);
		store__fp_probe_start(&t, store__fp_hash(&now), &pr);
		assert_int_equal(store__fp_probe_next(&pr, &id), 1);
		assert_int_equal(id, 7);
	}
	/* -0 and 0 are one value. */
	{
		struct store_val a = {.kind = STORE_REAL, .r = 0.0}, b = {.kind = STORE_REAL, .r = -0.0};
		assert_true(store__fp_hash(&a) == store__fp_hash(&b));
	}
	/* A bound one byte under what the next growth needs refuses it; rowids over 24 bits too. */
	before = bytes;
	{
		struct store_fp u = {0};
		size_t ub = 0, need = store__fp_bytes_for(0);
		assert_int_equal(store__fp_reserve(&u, 0, &ub, need - 1), -1);
		assert_int_equal(store__fp_reserve(&u, 0, &ub, need), 0);
		assert_int_equal(ub, need);
		assert_int_equal(store__fp_add(&u, 42, (int64_t)1 << 24, &ub, 1 << 30), -1);
		assert_int_equal(store__fp_add(&u, 42, ((int64_t)1 << 24) - 1, &ub, ub), -1);
		store__fp_release(&u, &ub);
		assert_int_equal(ub, 0);
	}
	assert_int_equal(bytes, before);
	store__fp_release(&t, &bytes);
	assert_int_equal(bytes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(init_open_and_missing_dir, setup, teardown),
		cmocka_unit_test(quote_ident_checks_the_name),
		cmocka_unit_test_setup_teardown(programs_create_list_open, setup, teardown),
		cmocka_unit_test_setup_teardown(insert_find_update_writes_events, setup, teardown),
		cmocka_unit_test_setup_teardown(rollback_and_dry_run_leave_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(drop_referenced_and_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(waiting_rows_and_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(cursor_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(jobs_and_transitions, setup, teardown),
		cmocka_unit_test_setup_teardown(revert_restores_and_lists_later_changes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(field_add_makes_a_column, setup, teardown),
		cmocka_unit_test(fingerprint_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
