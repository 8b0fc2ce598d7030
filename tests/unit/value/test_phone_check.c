/*
 * The phone check: 200,000 generated cells, and for every one intake's answer (valid or
 * not, and the E.164 text) equals libphonenumber's own Parse + IsValidNumber + Format.
 * INTAKE_PHONE_CHECK_N and INTAKE_PHONE_CHECK_SEED change the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "phone_ref.h"

#include "base/arena.h"
#include "base/err.h"
#include "value/value.h"
#include "value/value_int.h"

#define MAX_SPECS 64

struct specs {
	struct value_spec spec[MAX_SPECS];
	size_t n;
};

static struct value_spec *spec_for(struct specs *s, const char *region)
{
	struct err err;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->spec[i].default_region, region) == 0)
			return &s->spec[i];
	if (s->n == MAX_SPECS)
		fail_msg("more than %d regions", MAX_SPECS);
	struct value_spec *spec = &s->spec[s->n++];
	memset(spec, 0, sizeof(*spec));
	spec->type = VALUE_TYPE_PHONE;
	snprintf(spec->default_region, sizeof(spec->default_region), "%s", region);
	if (value_spec_prepare(spec, &err) < 0)
		fail_msg("region '%s': %s", region, err.msg);
	return spec;
}

static unsigned long env_ul(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtoul(v, NULL, 10) : dflt;
}

static void intake_equals_libphonenumber(void **state)
{
	unsigned long n = env_ul("INTAKE_PHONE_CHECK_N", 200000);
	unsigned long seed = env_ul("INTAKE_PHONE_CHECK_SEED", 20261123);
	unsigned long bad = 0, valid = 0, fast = 0, hits = 0;
	struct specs *s = calloc(1, sizeof(*s));
	struct arena a;

	(void)state;
	arena_init(&a, 64 * 1024);
	for (unsigned long i = 0; i < n; i++) {
		char cell[512], region[3], want[64];
		size_t len = phone_ref_generate(seed, i, cell, sizeof(cell), region);
		struct value_spec *spec = spec_for(s, region);
		struct value v;
		struct value_error ve;
		bool ok = value_parse(spec, cell, len, &a, &v, &ve);
		bool ref = phone_ref_answer(cell, len, region, want, sizeof(want));

		valid += ref;
		if (ok != ref || (ok && strcmp(v.s, want) != 0)) {
			if (bad++ < 20)
				print_message("# cell %lu '%s' region '%s': intake %s, "
					      "libphonenumber %s\n", i, cell, region,
					      ok ? v.s : err_name(ve.code),
					      ref ? want : "invalid");
		} else if (!ok && ve.code != ERR_INVALID_PHONE) {
			bad++;
			print_message("# cell %lu '%s': code %s\n", i, cell, err_name(ve.code));
		}
		if ((i & 1023) == 0)
			arena_reset(&a);
	}
	for (size_t k = 0; k < s->n; k++) {
		const struct value_prepared *pr = s->spec[k].prepared;
		fast += pr->cache_hits + pr->cache_misses;
		hits += pr->cache_hits;
		value_spec_release(&s->spec[k]);
	}
	print_message("# %lu cells, %lu valid, %lu through the fast path (%lu cache hits), "
		      "%lu differences\n", n, valid, fast, hits, bad);
	arena_release(&a);
	free(s);
	assert_int_equal(bad, 0);
	/* A fair mix, and the fast path really answers most cells. */
	assert_true(valid > n / 5 && valid < n * 4 / 5);
	assert_true(fast > n / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intake_equals_libphonenumber),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
