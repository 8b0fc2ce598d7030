/*
 * Memory tests of the CSV reader, in a process of their own so that the peak RSS they read
 * is theirs: a 2 GB line stops at the limit with flat memory, and a long file of ordinary
 * records is read in constant memory. Inputs come from read callbacks, never from files.
 */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#include "base/err.h"
#include "base/limit.h"
#include "csv/csv.h"
#include "csv/csv_int.h"

/* Peak RSS the reader may add over what the process had before it started. */
#define RSS_BUDGET_KIB (64 * 1024)

/* An endless-looking input: a prefix, then a pattern repeated up to total bytes. */
struct pattern_input {
	const char *prefix;	/* bytes sent first */
	const char *unit;	/* then this, over and over */
	size_t unit_len;
	uint64_t total;		/* bytes in all */
	uint64_t pulled;	/* bytes handed to the reader so far */
};

static ssize_t pattern_read(void *ctx, char *dst, size_t cap, struct err *err)
{
	struct pattern_input *in = ctx;
	size_t plen = strlen(in->prefix), k = 0;

	(void)err;
	while (k < cap && in->pulled < in->total) {
		const char *src;
		size_t n;

		if (in->pulled < plen) {
			src = in->prefix + in->pulled;
			n = plen - (size_t)in->pulled;
		} else {
			size_t at = (size_t)((in->pulled - plen) % in->unit_len);

			src = in->unit + at;
			n = in->unit_len - at;
		}
		if (n > cap - k)
			n = cap - k;
		if (n > in->total - in->pulled)
			n = (size_t)(in->total - in->pulled);
		memcpy(dst + k, src, n);
		k += n;
		in->pulled += n;
	}
	return (ssize_t)k;
}

/* Reads until the end or an error; returns the records read, *err holds any error. */
static uint64_t read_all(struct pattern_input *in, struct err *err, size_t *ret_cap)
{
	struct csv_reader_opts opts = {.delimiter = ','};
	const struct csv_record *rec;
	struct csv_reader *r;
	uint64_t n = 0;
	int rc;

	err_clear(err);
	assert_int_equal(csv_reader_new(&opts, pattern_read, in, &r, err), 0);
	while ((rc = csv_reader_next(r, &rec, err)) == 1)
		n++;
	if (rc == 0)
		err_clear(err);
	*ret_cap = csv__reader_capacity(r);
	csv_reader_free(r);
	print_message("# read %llu bytes, %llu records\n", (unsigned long long)in->pulled,
		      (unsigned long long)n);
	return n;
}

static void check_rss(long before)
{
	long after = testlib_peak_rss_kib();

	assert_true(before > 0 && after > 0);
	print_message("# peak RSS grew by %ld KiB\n", after - before);
	if (after - before > RSS_BUDGET_KIB)
		fail_msg("peak RSS grew by %ld KiB (budget %d KiB)", after - before,
			 RSS_BUDGET_KIB);
}

/* One 2 GB cell: too_large at the 1 MiB field limit, after reading a few MiB at most. */
static void two_gb_cell_stops_at_field_limit(void **state)
{
	struct pattern_input in = {"id,", "a", 1, 2 * GIB, 0};
	long before = testlib_peak_rss_kib();
	struct err err;
	size_t cap;

	(void)state;
	assert_int_equal(read_all(&in, &err, &cap), 0);
	assert_int_equal(err.code, ERR_TOO_LARGE);
	assert_int_equal(err.line, 1);
	if (in.pulled > 2 * LIMIT_CELL_BYTES + CSV_READER_BUFFER_BYTES)
		fail_msg("read %llu bytes for a %llu-byte field limit",
			 (unsigned long long)in.pulled, (unsigned long long)LIMIT_CELL_BYTES);
	assert_true(cap <= LIMIT_RECORD_BYTES + 1);
	check_rss(before);
}

/* A 2 GB line of 4 KiB fields: too_large at the 16 MiB record limit, reading little past it. */
static void two_gb_line_stops_at_record_limit(void **state)
{
	static char unit[4096];
	struct pattern_input in = {"x\n", unit, sizeof(unit), 2 * GIB, 0};
	long before = testlib_peak_rss_kib();
	struct err err;
	size_t cap;

	(void)state;
	memset(unit, 'b', sizeof(unit) - 1);
	unit[sizeof(unit) - 1] = ',';
	assert_int_equal(read_all(&in, &err, &cap), 1);
	assert_int_equal(err.code, ERR_TOO_LARGE);
	assert_int_equal(err.line, 2);
	if (in.pulled > LIMIT_RECORD_BYTES + CSV_READER_BUFFER_BYTES)
		fail_msg("read %llu bytes for a %llu-byte record limit",
			 (unsigned long long)in.pulled, (unsigned long long)LIMIT_RECORD_BYTES);
	assert_true(in.pulled > LIMIT_RECORD_BYTES);
	assert_true(cap <= LIMIT_RECORD_BYTES + 1);
	check_rss(before);
}

/* A 2 GB quoted field never closed: malformed_csv on the line where it opened. */
static void two_gb_open_quote_is_malformed(void **state)
{
	struct pattern_input in = {"a,b\nc,\"", "line\n", 5, 2 * GIB, 0};
	long before = testlib_peak_rss_kib();
	struct err err;
	size_t cap;

	(void)state;
	assert_int_equal(read_all(&in, &err, &cap), 1);
	assert_int_equal(err.code, ERR_MALFORMED_CSV);
	assert_int_equal(err.line, 2);
	if (in.pulled > 2 * LIMIT_CELL_BYTES + CSV_READER_BUFFER_BYTES)
		fail_msg("read %llu bytes before giving up", (unsigned long long)in.pulled);
	check_rss(before);
}

/* 128 MB of ordinary records: every one read, the buffer never grows, memory stays flat. */
static void long_file_constant_memory(void **state)
{
	static const char row[] = "12345,Ann,\"Smith, Jr\",+31612345678,ann@example.org\r\n";
	struct pattern_input in = {"id,first,last,phone,email\r\n", row, sizeof(row) - 1, 0, 0};
	long before = testlib_peak_rss_kib();
	uint64_t rows = (128 * MIB) / (sizeof(row) - 1);
	struct err err;
	size_t cap;

	(void)state;
	in.total = strlen(in.prefix) + rows * (sizeof(row) - 1);
	assert_int_equal(read_all(&in, &err, &cap), rows + 1);
	assert_int_equal(err.code, ERR_OK);
	assert_int_equal(cap, CSV_READER_BUFFER_BYTES);
	print_message("# peak RSS grew by %ld KiB\n", testlib_peak_rss_kib() - before);
	if (testlib_peak_rss_kib() - before > 8 * 1024)
		fail_msg("peak RSS grew by %ld KiB reading ordinary records",
			 testlib_peak_rss_kib() - before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(long_file_constant_memory),
		cmocka_unit_test(two_gb_cell_stops_at_field_limit),
		cmocka_unit_test(two_gb_open_quote_is_malformed),
		cmocka_unit_test(two_gb_line_stops_at_record_limit),
	};
	return cmocka_run_group_tests_name("csv_memory", tests, NULL, NULL);
}
