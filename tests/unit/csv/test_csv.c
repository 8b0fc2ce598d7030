/*
 * Unit tests for src/csv beyond the data corpus: the escaping functions one by one, the
 * sniffer's window, errors of the input and of the options, and that a record's fields and
 * errors do not depend on the buffer size or on how the input arrives.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/limit.h"
#include "base/xalloc.h"
#include "csv/csv.h"
#include "csv/csv_int.h"

static const char triggers[] = {'=', '+', '-', '@', '\t', '\r', '\n', '\0'};

static void read_fd_feeds_the_reader(void **state)
{
	char *dir = testlib_tmpdir();
	static const char text[] = "a,b\r\n1,\"x\ny\"\n";
	char *path = testlib_write(dir, "in.csv", text, sizeof(text) - 1);
	struct csv_reader_opts opts = {0};
	const struct csv_record *rec;
	struct csv_reader *r;
	struct err err;
	int fd = open(path, O_RDONLY), bad = -1;
	char tmp[4];

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(csv_reader_new(&opts, csv_read_fd, &fd, &r, &err), 0);
	assert_int_equal(csv_reader_next(r, &rec, &err), 1);
	assert_int_equal(csv_reader_next(r, &rec, &err), 1);
	assert_int_equal(rec->line, 2);
	assert_int_equal(rec->nfields, 2);
	assert_mem_str(rec->fields[1].ptr, rec->fields[1].len, "x\ny");
	assert_int_equal(csv_reader_next(r, &rec, &err), 0);
	csv_reader_free(r);
	close(fd);
	assert_int_equal(csv_read_fd(&bad, tmp, sizeof(tmp), &err), -1);
	assert_int_equal(err.code, ERR_IO_ERROR);
	free(path);
	testlib_rmtree(dir);
}

static void escape_every_trigger_round_trips(void **state)
{
	(void)state;
	for (size_t t = 0; t < sizeof(triggers); t++) {
		for (size_t apos = 0; apos < 4; apos++) {
			char cell[8];
			struct buf b;
			const char *p;
			size_t n = 0;

			for (size_t k = 0; k < apos; k++)
				cell[n++] = '\'';
			cell[n++] = triggers[t];
			cell[n++] = 'x';
			assert_true(csv_escape_needed(cell, n));
			buf_init(&b, 64);
			csv_escape(&b, cell, n);
			assert_int_equal(b.len, n + 1);
			assert_int_equal(b.ptr[0], '\'');
			assert_memory_equal(b.ptr + 1, cell, n);
			assert_false(csv__is_trigger(b.ptr[0]));
			p = b.ptr;
			n = b.len;
			assert_true(csv_unescape(&p, &n));
			assert_int_equal(n, apos + 2);
			assert_memory_equal(p, cell, n);
			buf_release(&b);
		}
	}
}

static void escape_leaves_other_cells(void **state)
{
	static const char *const keep[] = {"'s-Hertogenbosch", "'", "''", "", "a=b", " =x", "x-",
					   "'a", "O'Brien"};

	(void)state;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		const char *p = keep[i];
		size_t n = strlen(p);
		struct buf b;

		assert_false(csv_escape_needed(p, n));
		assert_false(csv_unescape(&p, &n));
		assert_ptr_equal(p, keep[i]);
		buf_init(&b, 64);
		csv_escape(&b, keep[i], strlen(keep[i]));
		assert_string_equal(b.ptr, keep[i]);
		buf_release(&b);
	}
}

static void unescape_removes_exactly_one(void **state)
{
	const char *p = "'''=1";
	size_t n = 5;

	(void)state;
	assert_true(csv_unescape(&p, &n));
	assert_mem_str(p, n, "''=1");
	p = "'=";
	n = 2;
	assert_true(csv_unescape(&p, &n));
	assert_mem_str(p, n, "=");
	p = "=1";	/* no apostrophe: nothing to undo */
	n = 2;
	assert_false(csv_unescape(&p, &n));
}

static void writer_quotes_and_escapes_together(void **state)
{
	struct csv_writer_opts o = {.delimiter = ',', .eol = "\r\n", .escape = true};
	struct buf b;

	(void)state;
	buf_init(&b, 256);
	csv_write_field(&b, &o, "=1,2", 4);
	assert_string_equal(b.ptr, "\"'=1,2\"");
	buf_reset(&b);
	csv_write_field(&b, &o, "-\"x\"", 4);
	assert_string_equal(b.ptr, "\"'-\"\"x\"\"\"");
	buf_reset(&b);
	csv_write_field(&b, &o, " =", 2);	/* starts with a space: quoted, not escaped */
	assert_string_equal(b.ptr, "\" =\"");
	buf_reset(&b);
	o.escape = false;
	csv_write_field(&b, &o, "=1", 2);
	assert_string_equal(b.ptr, "=1");
	buf_release(&b);
}

static void writer_stops_at_buffer_max(void **state)
{
	struct csv_writer_opts o = {.delimiter = ',', .eol = "\n"};
	struct csv_field f[2] = {{"abc", 3, false}, {"def", 3, false}};
	struct buf b;

	(void)state;
	buf_init(&b, 8);	/* "abc,def\n" is exactly 8 bytes */
	csv_write_record(&b, &o, f, 2);
	assert_false(b.failed);
	assert_string_equal(b.ptr, "abc,def\n");
	buf_reset(&b);
	b.max = 7;		/* one byte short */
	csv_write_record(&b, &o, f, 2);
	assert_true(b.failed);
	buf_release(&b);
}

/* ---- sniffing ---- */

static void sniff_ignores_a_cut_off_record(void **state)
{
	const char *s = "a;b\n1;2\nx,y,z,w";

	(void)state;
	/* As the whole input the last line counts: ';' gives 2 fields twice, ',' 4 once. */
	assert_int_equal(csv_sniff_delimiter(s, strlen(s), true), ';');
	/* Cut off by the window, the last line does not count. */
	s = "a,b,c\n1,2,3\nx;y;z;w;v;u";
	assert_int_equal(csv_sniff_delimiter(s, strlen(s), false), ',');
	s = "a,b\nx;y;z\nq;r;s";
	assert_int_equal(csv_sniff_delimiter(s, strlen(s), true), ';');
	assert_int_equal(csv_sniff_delimiter(s, strlen(s), false), ',');
}

static void sniff_window_is_first_records_and_bytes(void **state)
{
	struct buf b;

	(void)state;
	/* 100 records of ';' then 300 of ',': only the first LIMIT_SNIFF_RECORDS count. */
	buf_init(&b, MIB);
	for (int i = 0; i < LIMIT_SNIFF_RECORDS; i++)
		buf_adds(&b, "a;b\n");
	for (int i = 0; i < 3 * LIMIT_SNIFF_RECORDS; i++)
		buf_adds(&b, "a,b\n");
	assert_int_equal(csv_sniff_delimiter(b.ptr, b.len, true), ';');
	/* One more ';' record than allowed and the window still holds only ';' records. */
	buf_reset(&b);
	for (int i = 0; i < LIMIT_SNIFF_RECORDS + 1; i++)
		buf_adds(&b, "a;b\n");
	for (int i = 0; i < 3 * LIMIT_SNIFF_RECORDS; i++)
		buf_adds(&b, "a,b,c\n");
	assert_int_equal(csv_sniff_delimiter(b.ptr, b.len, true), ';');
	/* Long '|' records fill the first 64 KiB; ',' records after it are not seen. */
	buf_reset(&b);
	while (b.len < LIMIT_SNIFF_BYTES) {
		buf_adds(&b, "a|");
		for (int k = 0; k < 2000; k++)
			buf_addc(&b, 'x');
		buf_adds(&b, "\n");
	}
	for (int i = 0; i < 90; i++)
		buf_adds(&b, "a,b\n");
	assert_false(b.failed);
	assert_int_equal(csv_sniff_delimiter(b.ptr, b.len, true), '|');
	buf_release(&b);
}

/* ---- reader errors and options ---- */

static ssize_t failing_read(void *ctx, char *dst, size_t cap, struct err *err)
{
	int *calls = ctx;

	if ((*calls)++ == 0) {
		memcpy(dst, "a,b\n", cap < 4 ? cap : 4);
		return cap < 4 ? (ssize_t)cap : 4;
	}
	return err_set(err, ERR_IO_ERROR, "disk went away");
}

static void reader_passes_input_errors_on(void **state)
{
	struct csv_reader_opts opts = {.delimiter = ',', .buffer_bytes = 4};
	const struct csv_record *rec;
	struct csv_reader *r;
	struct err err;
	int calls = 0;

	(void)state;
	assert_int_equal(csv_reader_new(&opts, failing_read, &calls, &r, &err), 0);
	assert_int_equal(csv_reader_next(r, &rec, &err), 1);	/* the buffer holds it whole */
	assert_int_equal(csv_reader_next(r, &rec, &err), -1);
	assert_int_equal(err.code, ERR_IO_ERROR);
	assert_string_equal(err.msg, "disk went away");
	calls = 5;
	err_clear(&err);
	assert_int_equal(csv_reader_next(r, &rec, &err), -1);	/* repeated, not read again */
	assert_int_equal(err.code, ERR_IO_ERROR);
	assert_int_equal(calls, 5);
	csv_reader_free(r);
}

static void reader_refuses_bad_delimiters(void **state)
{
	static const char bad[] = {'"', '\r', '\n'};
	struct csv_reader *r = NULL;
	struct err err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad); i++) {
		struct csv_reader_opts opts = {.delimiter = bad[i]};

		assert_int_equal(csv_reader_new_mem(&opts, "a", 1, &r, &err), -1);
		assert_int_equal(err.code, ERR_INVALID_ARGUMENT);
		assert_null(r);
	}
}

static void reader_prepares_on_first_next(void **state)
{
	static const char in[] = "\xEF\xBB\xBF" "Delimiter: |\r\n\r\nx|y\r\n";
	struct csv_reader_opts opts = {.header_block = true};
	const struct csv_record *rec;
	struct csv_reader *r;
	struct csv_stats st;
	struct err err;

	(void)state;
	assert_int_equal(csv_reader_new_mem(&opts, in, sizeof(in) - 1, &r, &err), 0);
	assert_int_equal(csv_reader_next(r, &rec, &err), 1);
	assert_true(csv_reader_bom(r));
	assert_int_equal(csv_reader_delimiter(r), '|');
	assert_non_null(csv_reader_header_block(r));
	assert_int_equal(rec->line, 3);
	assert_int_equal(rec->nfields, 2);
	assert_mem_str(rec->fields[1].ptr, rec->fields[1].len, "y");
	assert_int_equal(csv_reader_next(r, &rec, &err), 0);
	assert_int_equal(csv_reader_next(r, &rec, &err), 0);
	csv_reader_stats(r, &st);
	assert_int_equal(st.crlf, 3);
	assert_int_equal(st.bytes, sizeof(in) - 1);
	assert_int_equal(st.records, 1);
	csv_reader_free(r);
	csv_reader_free(NULL);
}

/* rows_are_lines: a line break inside quotes does not move the next record's line. */
static void rows_are_lines_skips_quoted_breaks(void **state)
{
	static const char in[] = "a,b\n\"x\r\ny\",\"1\n\n2\"\n\n3,4\n";
	static const uint64_t physical[] = { 1, 2, 7 }, rows[] = { 1, 2, 4 };

	(void)state;
	for (int mode = 0; mode < 2; mode++) {
		struct csv_reader_opts opts = {.delimiter = ',', .rows_are_lines = mode == 1};
		const uint64_t *want = mode == 1 ? rows : physical;
		const struct csv_record *rec;
		struct csv_reader *r;
		struct err err;

		assert_int_equal(csv_reader_new_mem(&opts, in, sizeof(in) - 1, &r, &err), 0);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(csv_reader_next(r, &rec, &err), 1);
			if (rec->line != want[i])
				fail_msg("mode %d record %d: line %llu, want %llu", mode, i,
					 (unsigned long long)rec->line, (unsigned long long)want[i]);
		}
		assert_int_equal(rec->nfields, 2);
		assert_int_equal(csv_reader_next(r, &rec, &err), 0);
		csv_reader_free(r);
	}
}

/* ---- the same answers whatever the buffer ---- */

struct trickle {
	const char *p;	/* input */
	size_t n;	/* its length */
	size_t off;	/* handed out */
	size_t step;	/* most bytes per call */
};

static ssize_t trickle_read(void *ctx, char *dst, size_t cap, struct err *err)
{
	struct trickle *t = ctx;
	size_t k = t->n - t->off;

	(void)err;
	if (k > cap)
		k = cap;
	if (k > t->step)
		k = t->step;
	memcpy(dst, t->p + t->off, k);
	t->off += k;
	return (ssize_t)k;
}

/* Every record as text "line end_line offset|field|field..." followed by the final error. */
static char *transcript(const char *in, size_t n, const struct csv_reader_opts *base,
			size_t buffer_bytes, size_t step, size_t *ret_len, size_t *ret_cap)
{
	struct csv_reader_opts opts = *base;
	struct trickle t = {in, n, 0, step};
	const struct csv_record *rec;
	struct csv_reader *r;
	struct err err;
	struct buf b;
	int rc;

	opts.buffer_bytes = buffer_bytes;
	buf_init(&b, 64 * MIB);
	assert_int_equal(csv_reader_new(&opts, trickle_read, &t, &r, &err), 0);
	while ((rc = csv_reader_next(r, &rec, &err)) == 1) {
		buf_addf(&b, "%llu %llu %llu", (unsigned long long)rec->line,
			 (unsigned long long)rec->end_line, (unsigned long long)rec->offset);
		for (size_t i = 0; i < rec->nfields; i++) {
			buf_addc(&b, '|');
			buf_add(&b, rec->fields[i].ptr, rec->fields[i].len);
		}
		buf_addc(&b, '\n');
	}
	if (rc < 0)
		buf_addf(&b, "error %s line %llu\n", err_name(err.code), err.line);
	assert_false(b.failed);
	*ret_cap = csv__reader_capacity(r);
	csv_reader_free(r);
	return buf_detach(&b, ret_len);
}

/* A deterministic mix of every construct the reader knows, n records long. */
static void messy_input(struct buf *b, unsigned records, unsigned seed)
{
	static const char *const parts[] = {
		"plain", "\"quoted, with comma\"", "\"dq \"\"x\"\" y\"", "\"multi\nline\"",
		"\"crlf\r\ninside\"", "", "a\"b", "\"ab\"cd", "\"\"", "  spaced  ", "=1",
	};
	static const char *const ends[] = {"\n", "\r\n", "\r", "\n\n", "\r\n\r\n"};
	unsigned x = seed;

	for (unsigned i = 0; i < records; i++) {
		unsigned nf = 1 + (x >> 8) % 6;

		for (unsigned f = 0; f < nf; f++) {
			x = x * 1103515245u + 12345u;
			if (f)
				buf_addc(b, ',');
			buf_adds(b, parts[(x >> 16) % (sizeof(parts) / sizeof(parts[0]))]);
		}
		x = x * 1103515245u + 12345u;
		buf_adds(b, ends[(x >> 16) % (sizeof(ends) / sizeof(ends[0]))]);
	}
}

static void answers_do_not_depend_on_buffering(void **state)
{
	static const size_t variants[][2] = {{1, 1}, {3, 2}, {7, 5}, {64, 13}, {4096, 100000}};
	struct csv_reader_opts opts = {.delimiter = ','};
	struct buf in;
	size_t want_len, cap;
	char *want;

	(void)state;
	buf_init(&in, MIB);
	messy_input(&in, 3000, 7);
	want = transcript(in.ptr, in.len, &opts, 0, SIZE_MAX, &want_len, &cap);
	assert_true(want_len > in.len / 2);
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		size_t len;
		char *got = transcript(in.ptr, in.len, &opts, variants[v][0], variants[v][1], &len,
				       &cap);

		if (len != want_len || memcmp(got, want, len) != 0)
			fail_msg("buffer %zu, reads of %zu: records differ", variants[v][0],
				 variants[v][1]);
		free(got);
	}
	free(want);
	buf_release(&in);
}

static void limit_errors_do_not_depend_on_buffering(void **state)
{
	static const size_t variants[][2] = {{1, 1}, {2, 3}, {16, 5}, {100, 7}, {4096, 4096}};
	/* Each input breaks two limits; the first in the data must be the one reported. */
	static const char *const inputs[] = {
		"ok\nabcdefghi,abcdefghi,abc,\"open",	/* record over (20) before the quote */
		"ok\n\"abcdefghijk",			/* unclosed quote over the cell limit */
		"ok\nabcdefghijkl,x",			/* cell over before the record */
		"ok\na,b,c,d,e,f,g,h,i,j,k,l,m",	/* columns over before the record */
		"ok\n\"a\"\"\"\"\"\"\"\"\"\"\"\"\"\"",	/* doubled quotes: 7 content bytes */
	};
	struct csv_reader_opts opts = {.delimiter = ',', .max_cell = 10, .max_record = 20,
				       .max_columns = 8};

	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		size_t want_len, cap;
		char *want = transcript(inputs[i], strlen(inputs[i]), &opts, 0, SIZE_MAX, &want_len,
					&cap);

		for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
			size_t len;
			char *got = transcript(inputs[i], strlen(inputs[i]), &opts, variants[v][0],
					       variants[v][1], &len, &cap);

			if (len != want_len || memcmp(got, want, len) != 0)
				fail_msg("input %zu, buffer %zu: '%s' is not '%s'", i,
					 variants[v][0], got, want);
			/* The buffer never holds more than the record limit and one byte. */
			assert_true(cap <= (variants[v][0] > 21 ? variants[v][0] : 21));
			free(got);
		}
		free(want);
	}
}

static void record_limit_bounds_the_buffer(void **state)
{
	struct csv_reader_opts opts = {.delimiter = ',', .max_record = 1000, .max_cell = 1000,
				       .buffer_bytes = 16};
	struct buf in;
	size_t len, cap;
	char *got;

	(void)state;
	buf_init(&in, MIB);
	for (int i = 0; i < 999; i++)
		buf_addc(&in, 'a');
	buf_adds(&in, "\nb\n");
	got = transcript(in.ptr, in.len, &opts, 16, SIZE_MAX, &len, &cap);
	assert_true(strncmp(got, "1 1 0|aaa", 9) == 0);
	assert_true(cap <= 1001);
	free(got);
	buf_truncate(&in, 0);
	for (int i = 0; i < 100000; i++)
		buf_addc(&in, 'a');
	got = transcript(in.ptr, in.len, &opts, 16, SIZE_MAX, &len, &cap);
	assert_string_equal(got, "error too_large line 1\n");
	assert_true(cap <= 1001);
	free(got);
	buf_release(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_fd_feeds_the_reader),
		cmocka_unit_test(escape_every_trigger_round_trips),
		cmocka_unit_test(escape_leaves_other_cells),
		cmocka_unit_test(unescape_removes_exactly_one),
		cmocka_unit_test(writer_quotes_and_escapes_together),
		cmocka_unit_test(writer_stops_at_buffer_max),
		cmocka_unit_test(sniff_ignores_a_cut_off_record),
		cmocka_unit_test(sniff_window_is_first_records_and_bytes),
		cmocka_unit_test(reader_passes_input_errors_on),
		cmocka_unit_test(reader_refuses_bad_delimiters),
		cmocka_unit_test(reader_prepares_on_first_next),
		cmocka_unit_test(rows_are_lines_skips_quoted_breaks),
		cmocka_unit_test(answers_do_not_depend_on_buffering),
		cmocka_unit_test(limit_errors_do_not_depend_on_buffering),
		cmocka_unit_test(record_limit_bounds_the_buffer),
	};
	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
