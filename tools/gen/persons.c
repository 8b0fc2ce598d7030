/*
 * The persons layout: Vibes' "Person Import". Two identifiers, external_person_id and
 * mdn (a mobile number: E.164, or ten digits for the US, the default region); every row
 * fills at least one, and a person keeps its identifier profile across its rows.
 */
#include "gen.h"

#include <string.h>

#include "base/banned.h"

enum { EXT, MDN, FIRST, LAST, GENDER, BIRTH, INTERESTS };

static const char *const header[] = {
	"external_person_id", "mdn", "first_name", "last_name", "gender", "birth_date",
	"interests",
};

static const enum gen_defect defects[] = {
	GEN_BAD_PHONE, GEN_MISSING_REQUIRED, GEN_TEXT_TOO_LONG, GEN_INVALID_OPTION,
	GEN_MALFORMED_DATE,
};

static const enum gen_region regions[] = {
	GEN_US, GEN_GB, GEN_NL, GEN_KE, GEN_FR, GEN_DE, GEN_BE,
};
static const unsigned region_weights[] = { 90, 3, 2, 2, 1, 1, 1, 0 };

enum { BOTH, EXT_ONLY, MDN_ONLY };
static const unsigned profile_weights[] = { 85, 10, 5, 0 };

static const char *const interests[] = {
	"sports", "music", "travel", "food", "fashion", "gaming", "movies", "tech", "outdoors",
	"books",
};
#define NINTERESTS (sizeof(interests) / sizeof(interests[0]))

static void persons_row(struct gen *g, uint64_t k, bool repeat, struct gen_row *row)
{
	struct gen_person p;
	struct gen_rng *r = &g->rng;
	struct gen_cell *c = row->cell;
	enum gen_region region;
	unsigned profile, n, picked[NINTERESTS];

	(void)repeat;
	for (unsigned i = 0; i < 7; i++)
		gen_cell_clear(&c[i]);

	gen_person_init(&p, g->base, k);
	region = regions[gen_pick_index(region_weights, gen_person_below(&p, 100))];
	profile = gen_pick_index(profile_weights, gen_person_below(&p, 100));
	g->first = gen_person_below(&p, gen_nfirst);
	g->last = gen_person_below(&p, gen_nlast);
	g->day = gen_person_day(&p, gen_days(1940, 1, 1), gen_days(2008, 1, 1));
	gen_person_phone(g, region, k);

	if (profile != MDN_ONLY) {
		gen_cell_adds(&c[EXT], "EXT-");
		gen_cell_addu(&c[EXT], gen_perm_apply(&g->code10, k), 10);
	}
	/* Drawn on every row, so the row stream does not depend on the profile. */
	if (region == GEN_US && gen_rng_odds(r, 50, 100)) {
		if (profile != EXT_ONLY)
			gen_cell_adds(&c[MDN], g->nat);
	} else if (profile != EXT_ONLY) {
		gen_phone_e164(&c[MDN], g->plan, g->nat);
	}
	gen_cell_adds(&c[FIRST], gen_first_names[g->first].name);
	gen_cell_adds(&c[LAST], gen_last_names[g->last].name);
	gen_maybe_break(r, row, LAST, 50000);
	if (!gen_rng_odds(r, 4, 100))
		gen_cell_addc(&c[GENDER], gen_first_names[g->first].gender);
	if (!gen_rng_odds(r, 10, 100)) {
		gen_cell_add_date(&c[BIRTH], g->day);
		gen_cell_adds(&c[BIRTH], "T00:00:00Z");
	}
	n = (unsigned)gen_rng_below(r, 4);
	for (unsigned i = 0; i < n;) {
		unsigned pick = (unsigned)gen_rng_below(r, NINTERESTS), j;

		for (j = 0; j < i && picked[j] != pick; j++)
			;
		if (j < i)
			continue;
		picked[i++] = pick;
		if (i > 1)
			gen_cell_addc(&c[INTERESTS], '|');
		gen_cell_adds(&c[INTERESTS], interests[pick]);
	}
}

static const char *const bad_genders[] = { "X", "male", "Female", "U", "f" };
static const char *const bad_interests[] = {
	"knitting", "cooking", "music,travel", "sports|knitting", "Sports",
};

#define ANY(r, tab) (tab)[gen_rng_below((r), sizeof(tab) / sizeof((tab)[0]))]

static unsigned persons_spoil(struct gen *g, struct gen_row *row, enum gen_defect *kind)
{
	struct gen_rng *r = &g->rng;
	struct gen_cell *c = row->cell;
	bool us = g->plan == &gen_plans[GEN_US];
	uint64_t u;
	unsigned col;

	switch (*kind) {
	case GEN_BAD_PHONE:
		gen_cell_clear(&c[MDN]);
		u = gen_rng_below(r, 100);
		if (!us && u < 40) {
			/* The country code without '+': a national number of the US. */
			gen_cell_adds(&c[MDN], g->plan->cc);
			gen_cell_adds(&c[MDN], g->nat);
		} else if (u < 60) {
			/* Cut short. */
			if (us) {
				gen_cell_add(&c[MDN], g->nat, strlen(g->nat) - 1);
			} else {
				gen_cell_addc(&c[MDN], '+');
				gen_cell_adds(&c[MDN], g->plan->cc);
				gen_cell_add(&c[MDN], g->nat, 3);
			}
		} else {
			gen_phone_bad(&c[MDN], g->plan, g->nat, us, gen_rng_next(r));
		}
		return MDN;
	case GEN_MISSING_REQUIRED:
		gen_cell_clear(&c[EXT]);
		gen_cell_clear(&c[MDN]);
		return EXT;
	case GEN_TEXT_TOO_LONG:
		col = gen_rng_odds(r, 50, 100) ? FIRST : LAST;
		gen_cell_clear(&c[col]);
		gen_too_long(&c[col], gen_first_names[g->first].name, gen_last_names[g->last].name,
			     50, gen_rng_next(r));
		return col;
	case GEN_INVALID_OPTION:
		if (gen_rng_odds(r, 50, 100)) {
			gen_cell_set(&c[GENDER], ANY(r, bad_genders));
			return GENDER;
		}
		gen_cell_set(&c[INTERESTS], ANY(r, bad_interests));
		return INTERESTS;
	default:
		gen_cell_clear(&c[BIRTH]);
		gen_bad_date(&c[BIRTH], g->day, "T00:00:00Z", gen_rng_next(r));
		*kind = GEN_MALFORMED_DATE;
		return BIRTH;
	}
}

const struct gen_layout gen_layout_persons = {
	.name = "persons",
	.header = header,
	.ncols = sizeof(header) / sizeof(header[0]),
	.defects = defects,
	.ndefects = sizeof(defects) / sizeof(defects[0]),
	.default_dup = 0.0,
	.phone_region = "US",
	.row = persons_row,
	.spoil = persons_spoil,
};
