/*
 * libFuzzer target for phone cells, differential: intake's answer (valid or not, and the
 * E.164 text) must equal libphonenumber's own Parse + IsValidNumber + Format on every cell
 * intake hands to it. The first byte picks the default region.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phone_ref.h"

#include "base/arena.h"
#include "base/err.h"
#include "base/utf8.h"
#include "value/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct value_spec specs[] = {
	{.type = VALUE_TYPE_PHONE},
	{.type = VALUE_TYPE_PHONE, .default_region = "US"},
	{.type = VALUE_TYPE_PHONE, .default_region = "GB"},
	{.type = VALUE_TYPE_PHONE, .default_region = "KE"},
	{.type = VALUE_TYPE_PHONE, .default_region = "AR"},
	{.type = VALUE_TYPE_PHONE, .default_region = "BR"},
	{.type = VALUE_TYPE_PHONE, .default_region = "AU"},
	{.type = VALUE_TYPE_PHONE, .default_region = "CA"},
	{.type = VALUE_TYPE_PHONE, .default_region = "IT"},
	{.type = VALUE_TYPE_PHONE, .default_region = "RU"},
	{.type = VALUE_TYPE_PHONE, .default_region = "MX"},
	{.type = VALUE_TYPE_PHONE, .default_region = "GG"},
};
#define NSPECS (sizeof(specs) / sizeof(specs[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct value v;
	struct value_error ve;
	struct arena a;
	struct err err;
	char want[64];

	if (!ready) {
		for (size_t i = 0; i < NSPECS; i++)
			if (value_spec_prepare(&specs[i], &err) < 0)
				abort();
		ready = true;
	}
	if (size == 0 || size > 257)
		return 0;
	const struct value_spec *spec = &specs[data[0] % NSPECS];
	const char *cell = (const char *)data + 1;
	size_t n = size - 1;

	arena_init(&a, 1024);
	bool ok = value_parse(spec, cell, n, &a, &v, &ve);
	if (value_has_control(cell, n) || !utf8_is_valid(cell, n)) {
		/* intake's own rule, before libphonenumber. */
		if (ok || ve.code != ERR_INVALID_CHARACTERS)
			abort();
	} else {
		bool ref = phone_ref_answer(cell, n, spec->default_region, want, sizeof(want));
		if (ok != ref || (ok && strcmp(v.s, want) != 0))
			abort();
		if (!ok && ve.code != ERR_INVALID_PHONE)
			abort();
	}
	arena_release(&a);
	return 0;
}
