/* What the three layouts share: the run's keys and a person's phone number. */
#include "gen.h"

#include "base/banned.h"

const char *const gen_defect_names[GEN_NDEFECTS] = {
	[GEN_BAD_PHONE] = "bad_phone",
	[GEN_UNKNOWN_LANGUAGE] = "unknown_language",
	[GEN_NEGATIVE_MULTIPLIER] = "negative_multiplier",
	[GEN_BAD_BOOLEAN] = "bad_boolean",
	[GEN_MISSING_REQUIRED] = "missing_required",
	[GEN_TEXT_TOO_LONG] = "text_too_long",
	[GEN_INVALID_OPTION] = "invalid_option",
	[GEN_MALFORMED_DATE] = "malformed_date",
	[GEN_BAD_EMAIL] = "bad_email",
};

void gen_init(struct gen *g, uint64_t seed)
{
	gen_rng_seed(&g->rng, seed);
	g->base = gen_mix64(seed ^ 0x6a09e667f3bcc908ULL);
	for (unsigned i = 0; i < GEN_NREGIONS; i++)
		gen_perm_init(&g->phone[i], gen_plan_size(&gen_plans[i]),
			      gen_mix64(g->base ^ (0xbb67ae8584caa73bULL * (i + 1))));
	gen_perm_init(&g->code9, 1000000000ULL, gen_mix64(g->base ^ 0x3c6ef372fe94f82bULL));
	gen_perm_init(&g->code10, 10000000000ULL, gen_mix64(g->base ^ 0xa54ff53a5f1d36f1ULL));
	g->plan = &gen_plans[0];
	g->nat[0] = '\0';
	g->first = g->last = 0;
	g->day = 0;
	gen_cell_clear(&g->email);
}

void gen_person_phone(struct gen *g, enum gen_region region, uint64_t k)
{
	g->plan = &gen_plans[region];
	gen_plan_national(g->plan, gen_perm_apply(&g->phone[region], k), g->nat);
}
