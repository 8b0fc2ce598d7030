/*
 * Phone throughput, not a test: CPU microseconds per cell for intake's phone parser with and
 * without its cache, and for libphonenumber's full Parse + IsValidNumber + Format, over
 * the same generated cells. Usage: bench_phone [CELLS [all|clean|repeat]]: 200,000 cells by
 * default; "clean" keeps only cells of digits and the usual separators, "repeat" writes
 * each clean number on four rows in a row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phone_ref.h"

#include "base/arena.h"
#include "base/err.h"
#include "value/value.h"
#include "value/value_int.h"

#include "base/banned.h"

struct cell {
	char text[96];
	size_t len;
	char region[3];
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);	/* CPU time: other builds share the cores */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double run_intake(struct cell *cells, size_t n, bool cache, size_t *ret_valid)
{
	static const char *const regions[] = {"", "US", "CA", "GB", "KE", "NG", "IN", "BR", "FR",
		"DE", "AR", "MX", "PH", "ET", "UG", "ZA", "AU", "NL", "CN", "JP", "IT", "RU", "EG",
		"BD", "PK", "ID", "TR", "ES", "CO", "PE", "SN", "CD", "SO", "SY", "LB", "UA", "AF",
		"HT", "GG", "BE", "CH"};
	enum { NR = sizeof(regions) / sizeof(regions[0]) };
	struct value_spec specs[NR];
	struct arena a;
	struct err err;
	size_t valid = 0;
	double t0, t;

	for (size_t r = 0; r < NR; r++) {
		memset(&specs[r], 0, sizeof(specs[r]));
		specs[r].type = VALUE_TYPE_PHONE;
		memcpy(specs[r].default_region, regions[r], strlen(regions[r]) + 1);
		if (value_spec_prepare(&specs[r], &err) < 0) {
			fprintf(stderr, "bench_phone: %s\n", err.msg);
			exit(1);
		}
		value_phone_cache_enable(&specs[r], cache);
	}
	arena_init(&a, 64 * 1024);
	t0 = now();
	for (size_t i = 0; i < n; i++) {
		struct value v;
		struct value_error ve;
		size_t r = 0;
		while (r < NR && strcmp(regions[r], cells[i].region) != 0)
			r++;
		valid += value_parse(&specs[r < NR ? r : 0], cells[i].text, cells[i].len, &a, &v,
				     &ve);
		if ((i & 1023) == 0)
			arena_reset(&a);
	}
	t = now() - t0;
	arena_release(&a);
	for (size_t r = 0; r < NR; r++)
		value_spec_release(&specs[r]);
	*ret_valid = valid;
	return t;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000, valid[3] = {0};
	const char *mode = argc > 2 ? argv[2] : "all";
	bool clean_only = strcmp(mode, "clean") == 0 || strcmp(mode, "repeat") == 0;
	bool repeat = strcmp(mode, "repeat") == 0;
	struct cell *cells = calloc(n, sizeof(*cells));
	double t[3], t0;
	char e164[64];

	if (!cells || n == 0)
		return 1;
	for (size_t i = 0, k = 0; i < n; k++) {
		cells[i].len = phone_ref_generate(20261123, k, cells[i].text,
						  sizeof(cells[i].text), cells[i].region);
		/* "clean": only the cells C cleans itself (the fast path). */
		if (!clean_only || (cells[i].len > 0 &&
				    strspn(cells[i].text + 1, "0123456789 -.()/") ==
					    cells[i].len - 1 &&
				    strchr("+0123456789(", cells[i].text[0])))
			i++;
	}
	/* "repeat": each number on four rows in a row, as in a household's registrations. */
	for (size_t i = n; repeat && i-- > 0;)
		cells[i] = cells[i / 4];
	/* Warm up: metadata parsed, regions compiled, RE2's lazy DFAs built. */
	run_intake(cells, n, false, &valid[0]);
	t[0] = run_intake(cells, n, true, &valid[0]);
	t[1] = run_intake(cells, n, false, &valid[1]);
	t0 = now();
	for (size_t i = 0; i < n; i++)
		valid[2] += phone_ref_answer(cells[i].text, cells[i].len, cells[i].region, e164,
					     sizeof(e164));
	t[2] = now() - t0;
	printf("phone cells: %zu (valid: %zu)%s%s\n", n, valid[2],
	       clean_only ? ", only digits, spaces, - . ( ) / and a leading +" : "",
	       repeat ? ", each on four rows in a row" : "");
	printf("intake, with cache:       %6.3f us/cell (%zu valid)\n", t[0] * 1e6 / n, valid[0]);
	printf("intake, without cache:    %6.3f us/cell (%zu valid)\n", t[1] * 1e6 / n, valid[1]);
	printf("libphonenumber full path: %6.3f us/cell\n", t[2] * 1e6 / n);
	free(cells);
	return valid[0] == valid[2] && valid[1] == valid[2] ? 0 : 1;
}
