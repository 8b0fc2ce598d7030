/* Unit tests for src/import: the checkpoint's JSON, the rejection-file rows, export filters
   and templates, the CSV reader resuming at a record, and the import's own limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#include "base/arena.h"
#include "base/buf.h"
#include "csv/csv.h"
#include "import/import.h"
#include "import/import_int.h"
#include "schema/schema.h"

static const char schema_json[] =
	"{\"entities\": [{\"name\": \"person\", \"identifiers\": [\"id\", \"ref\"],"
	" \"fields\": [{\"name\": \"ref\", \"type\": \"text\"},"
	"  {\"name\": \"age\", \"type\": \"integer\"},"
	"  {\"name\": \"phone\", \"type\": \"phone\"},"
	"  {\"name\": \"name\", \"type\": \"text\"}]}]}";

static struct schema *load(void)
{
	struct schema *s = NULL;
	struct err err;

	if (schema_parse(schema_json, strlen(schema_json), &s, &err) < 0)
		fail_msg("%s", err.msg);
	return s;
}

static void checkpoint_round_trips(void **state)
{
	struct job_state a, b;
	struct buf text;
	struct err err;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.phase = PHASE_WAITING;
	a.cur_file = 1;
	a.wait_stage = 2;
	a.wait_after = 77;
	a.wait_progress = true;
	a.nfiles = 2;
	a.files = calloc(2, sizeof(*a.files));
	a.files[0].name = strdup("a.csv");
	a.files[0].entity = 0;
	a.files[0].type = strdup("PERSON");
	a.files[0].rows = 10;
	a.files[0].counts[IMPORT_INSERTED] = 7;
	a.files[0].counts[IMPORT_REJECTED] = 3;
	a.files[0].has_pos = true;
	a.files[0].pos_offset = 1234567890123ULL;
	a.files[0].pos_line = 99;
	a.files[0].pos_index = 42;
	a.files[0].rejects_len = 512;
	a.files[0].delimiter = ';';
	a.files[0].crlf = true;
	a.files[0].ncols = 4;
	a.files[1].name = strdup("b.csv");
	a.files[1].entity = -1;
	state__file_error(&a.files[1], ERR_MALFORMED_CSV, 5, "quote never closed");
	a.errors_by_code[ERR_INVALID_PHONE] = 3;
	buf_init(&text, 1 << 20);
	assert_int_equal(state__to_json(&a, &text, &err), 0);
	assert_int_equal(state__from_json(&b, text.ptr, text.len, &err), 0);
	assert_int_equal(b.phase, PHASE_WAITING);
	assert_int_equal(b.cur_file, 1);
	assert_int_equal(b.wait_stage, 2);
	assert_int_equal(b.wait_after, 77);
	assert_true(b.wait_progress);
	assert_int_equal(b.nfiles, 2);
	assert_string_equal(b.files[0].name, "a.csv");
	assert_int_equal(b.files[0].counts[IMPORT_INSERTED], 7);
	assert_int_equal(b.files[0].counts[IMPORT_REJECTED], 3);
	assert_int_equal(b.files[0].pos_offset, 1234567890123ULL);
	assert_int_equal(b.files[0].pos_line, 99);
	assert_int_equal(b.files[0].pos_index, 42);
	assert_int_equal(b.files[0].rejects_len, 512);
	assert_int_equal(b.files[0].delimiter, ';');
	assert_true(b.files[0].crlf);
	assert_int_equal(b.files[1].entity, -1);
	assert_int_equal(b.files[1].nerrors, 1);
	assert_int_equal(b.files[1].errors[0].code, ERR_MALFORMED_CSV);
	assert_int_equal(b.files[1].errors[0].line, 5);
	assert_string_equal(b.files[1].errors[0].msg, "quote never closed");
	assert_int_equal(b.errors_by_code[ERR_INVALID_PHONE], 3);
	state__release(&a);
	state__release(&b);
	assert_int_equal(state__from_json(&b, "{not json", 9, &err), -1);
	assert_int_equal(err.code, ERR_INTERNAL_ERROR);
	state__release(&b);
	buf_release(&text);
}

static void file_errors_are_capped(void **state)
{
	struct file_state f;

	(void)state;
	memset(&f, 0, sizeof(f));
	for (int i = 0; i < IMPORT_FILE_ERRORS_MAX + 1; i++)
		state__file_error(&f, ERR_TOO_LARGE, (uint64_t)i + 1, "too large");
	assert_int_equal(f.nerrors, IMPORT_FILE_ERRORS_MAX);
	assert_int_equal(f.errors[IMPORT_FILE_ERRORS_MAX - 1].line, IMPORT_FILE_ERRORS_MAX);
	for (size_t i = 0; i < f.nerrors; i++)
		free(f.errors[i].msg);
}

static void rejected_rows_keep_the_dialect(void **state)
{
	struct file_state fs;
	struct arena a;
	struct row r;
	struct csv_field cells[3] = {
		{.ptr = "=1+2", .len = 4}, {.ptr = "'=x", .len = 3}, {.ptr = "a;b", .len = 3}};
	struct buf out;

	(void)state;
	memset(&fs, 0, sizeof(fs));
	fs.delimiter = ';';
	fs.crlf = true;
	fs.ncols = 4;
	arena_init(&a, 4096);
	memset(&r, 0, sizeof(r));
	r.line = 17;
	r.cells = cells;
	r.ncells = 3;
	row__error(&r, &a, ERR_INVALID_INTEGER, "age", "'x' is not a whole number");
	row__error(&r, &a, ERR_INVALID_PHONE, "phone", "-- bad");
	buf_init(&out, 4096);
	rejects__row(&fs, &r, &out);
	/* escape(unescape(cell)): '=1+2' gets an apostrophe, ''=x' stays as it was; the
	   row is padded to the header's 4 cells; codes and columns joined with ' | '. */
	assert_string_equal(out.ptr, "'=1+2;'=x;\"a;b\";;17;invalid_integer | invalid_phone;"
				     "age | phone;'x' is not a whole number | -- bad\r\n");
	buf_release(&out);
	arena_release(&a);
}

static void rejection_message_stops_at_its_limit(void **state)
{
	struct file_state fs;
	struct arena a;
	struct row r;
	struct buf out;
	char *msg = malloc(LIMIT_MESSAGE_BYTES);
	char *last;

	(void)state;
	memset(&fs, 0, sizeof(fs));
	fs.delimiter = ',';
	arena_init(&a, 4096);
	memset(&r, 0, sizeof(r));
	memset(msg, 'm', 400);
	msg[400] = '\0';
	/* 41 errors of 400 bytes joined with " | " pass LIMIT_MESSAGE_BYTES (16 KiB) by one
	   error; the sentence column keeps what fits, whole errors only. */
	for (int i = 0; i < 41; i++)
		row__error(&r, &a, ERR_TOO_LONG, "c", "%s", msg);
	buf_init(&out, 1 << 20);
	rejects__row(&fs, &r, &out);
	last = strrchr(out.ptr, ',');
	assert_non_null(last);
	assert_true(strlen(last + 1) <= LIMIT_MESSAGE_BYTES + 2);
	assert_true(strlen(last + 1) > LIMIT_MESSAGE_BYTES - 500);
	buf_release(&out);
	arena_release(&a);
	free(msg);
}

static void filters_parse_and_refuse(void **state)
{
	struct schema *sc = load();
	const struct schema_entity *e = &sc->entities[0];
	struct import_filter_set *set = NULL;
	struct err err;
	char text[64];

	(void)state;
	assert_int_equal(import_filter_add(&set, sc, e, "age=$btw:1,5", &err), 0);
	assert_int_equal(import_filter_add(&set, sc, e, "ref=$not:$null", &err), 0);
	assert_int_equal(import_filter_add(&set, sc, e, "name=plain", &err), 0);
	assert_int_equal(import_filter_add(&set, sc, e, "phone=$eq:+254 712 345 678", &err), 0);
	assert_int_equal(import_filter_add(&set, sc, e, "age=$btw:1", &err), -1);
	assert_non_null(strstr(err.msg, "two values"));
	assert_int_equal(import_filter_add(&set, sc, e, "age=$null:3", &err), -1);
	assert_int_equal(import_filter_add(&set, sc, e, "noequals", &err), -1);
	assert_int_equal(import_filter_add(&set, sc, e, "ghost=$eq:1", &err), -1);
	assert_int_equal(import_filter_add(&set, sc, e, "age=$gt", &err), -1);
	/* Up to the limit of filters, and one over. */
	for (int i = 4; i < 64; i++) {
		snprintf(text, sizeof(text), "age=$gt:%d", i);
		assert_int_equal(import_filter_add(&set, sc, e, text, &err), 0);
	}
	assert_int_equal(import_filter_add(&set, sc, e, "age=$gt:1", &err), -1);
	assert_non_null(strstr(err.msg, "at most 64"));
	import_filters_free(set);
	schema_free(sc);
}

static void filter_values_stop_at_their_limit(void **state)
{
	struct schema *sc = load();
	struct import_filter_set *set = NULL;
	struct buf text;
	struct err err;

	(void)state;
	buf_init(&text, 1 << 20);
	buf_adds(&text, "ref=$in:");
	for (int i = 0; i < 1000; i++)
		buf_addf(&text, "%sR%d", i ? "," : "", i);
	assert_int_equal(import_filter_add(&set, sc, &sc->entities[0], text.ptr, &err), 0);
	buf_adds(&text, ",R1000");
	assert_int_equal(import_filter_add(&set, sc, &sc->entities[0], text.ptr, &err), -1);
	assert_non_null(strstr(err.msg, "at most 1000"));
	import_filters_free(set);
	buf_release(&text);
	schema_free(sc);
}

static void template_puts_identifiers_first(void **state)
{
	struct schema *sc = load();
	struct buf out;
	struct err err;

	(void)state;
	buf_init(&out, 4096);
	assert_int_equal(import_template(&sc->entities[0], &out, &err), 0);
	assert_string_equal(out.ptr, "ref,age,phone,name\n");
	buf_release(&out);
	schema_free(sc);
}

static void waiting_keys_name_field_and_value(void **state)
{
	struct store_val t = {.kind = STORE_TEXT, .s = "P1", .n = 2};
	struct store_val i = {.kind = STORE_INT, .i = -42};
	struct buf out;

	(void)state;
	buf_init(&out, 256);
	waiting__key("code", &t, &out);
	assert_mem_str(out.ptr, out.len, "code\x1f" "P1");
	buf_reset(&out);
	waiting__key("n", &i, &out);
	assert_mem_str(out.ptr, out.len, "n\x1f-42");
	buf_release(&out);
}

/* The reader resumes at a record's offset, line and index as if it had read from the
   start (guarantee 1: a resumed job continues at its committed record). */
static void csv_reader_resumes_at_a_record(void **state)
{
	static const char in[] = "\xEF\xBB\xBFid;name\r\n1;\"two\r\nlines\"\r\n\r\n"
				 "2;b\n3;c\r4;\"d\"\"\"\n";
	const size_t n = sizeof(in) - 1;
	struct csv_reader_opts o = {.delimiter = 0};
	struct csv_reader *r = NULL, *r2 = NULL;
	const struct csv_record *rec;
	uint64_t offs[8], lines[8], idx[8];
	char first[8][32];
	struct err err;
	int k = 0, rc;

	(void)state;
	assert_int_equal(csv_reader_new_mem(&o, in, n, &r, &err), 0);
	while ((rc = csv_reader_next(r, &rec, &err)) == 1) {
		offs[k] = rec->offset;
		lines[k] = rec->line;
		idx[k] = rec->index;
		snprintf(first[k], sizeof(first[k]), "%.*s", (int)rec->fields[0].len,
			 rec->fields[0].ptr);
		k++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(k, 5);
	for (int from = 1; from < k; from++) {
		struct csv_reader_opts ro = {.delimiter = csv_reader_delimiter(r),
					     .start_offset = offs[from], .start_line = lines[from],
					     .start_index = idx[from] - 1};
		int got = from;
		assert_int_equal(csv_reader_new_mem(&ro, in + offs[from], n - offs[from], &r2,
						    &err), 0);
		while ((rc = csv_reader_next(r2, &rec, &err)) == 1) {
			char f0[32];
			assert_true(got < k);
			assert_int_equal(rec->offset, offs[got]);
			assert_int_equal(rec->line, lines[got]);
			assert_int_equal(rec->index, idx[got]);
			snprintf(f0, sizeof(f0), "%.*s", (int)rec->fields[0].len, rec->fields[0].ptr);
			assert_string_equal(f0, first[got]);
			got++;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(got, k);
		csv_reader_free(r2);
	}
	/* Resuming needs the delimiter: the dialect is not detected again. */
	{
		struct csv_reader_opts bad = {.start_line = 3};
		assert_int_equal(csv_reader_new_mem(&bad, in, n, &r2, &err), -1);
	}
	csv_reader_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checkpoint_round_trips),
		cmocka_unit_test(file_errors_are_capped),
		cmocka_unit_test(rejected_rows_keep_the_dialect),
		cmocka_unit_test(rejection_message_stops_at_its_limit),
		cmocka_unit_test(filters_parse_and_refuse),
		cmocka_unit_test(filter_values_stop_at_their_limit),
		cmocka_unit_test(template_puts_identifiers_first),
		cmocka_unit_test(waiting_keys_name_field_and_value),
		cmocka_unit_test(csv_reader_resumes_at_a_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
