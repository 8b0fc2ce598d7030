/*
 * The people layout: the 121 platform's "Import People Affected". One person per
 * referenceId; phone numbers with their country code ('+' optional) in Kenya, Uganda,
 * the DR Congo, Ethiopia, the Netherlands and the US.
 */
#include "gen.h"

#include "base/banned.h"

enum { REF, PHONE, LANG, MULT, MAXPAY, NAME, HOUSEHOLD, HEAD, DISTRICT, REGISTERED };

static const char *const header[] = {
	"referenceId", "phoneNumber", "preferredLanguage", "paymentAmountMultiplier",
	"maxPayments", "fullName", "householdSize", "isHeadOfHousehold", "district",
	"registeredAt",
};

static const enum gen_defect defects[] = {
	GEN_BAD_PHONE, GEN_UNKNOWN_LANGUAGE, GEN_NEGATIVE_MULTIPLIER, GEN_BAD_BOOLEAN,
	GEN_MISSING_REQUIRED, GEN_TEXT_TOO_LONG, GEN_INVALID_OPTION, GEN_MALFORMED_DATE,
};

static const enum gen_region regions[] = { GEN_KE, GEN_UG, GEN_CD, GEN_ET, GEN_NL, GEN_US };
static const unsigned region_weights[] = { 35, 25, 25, 5, 5, 5, 0 };

static const struct gen_weighted languages[][4] = {
	{ { "sw", 60 }, { "en", 40 }, { 0 } },			/* KE */
	{ { "lg", 50 }, { "en", 50 }, { 0 } },			/* UG */
	{ { "fr", 60 }, { "ln", 40 }, { 0 } },			/* CD */
	{ { "am", 70 }, { "en", 30 }, { 0 } },			/* ET */
	{ { "nl", 60 }, { "en", 20 }, { "ar", 20 }, { 0 } },	/* NL */
	{ { "en", 70 }, { "so", 30 }, { 0 } },			/* US */
};

static const char *const districts[][5] = {
	{ "kisumu", "turkana", "garissa", "nairobi" },
	{ "kampala", "gulu", "arua" },
	{ "goma", "bukavu", "kinshasa" },
	{ "addis-ababa", "gambela" },
	{ "utrecht", "den-haag", "rotterdam" },
	{ "nairobi", "kampala", "utrecht" },
};
static const unsigned ndistricts[] = { 4, 3, 3, 2, 3, 3 };

static const struct gen_weighted multiplier[] = {
	{ "", 30 }, { "1", 40 }, { "2", 15 }, { "3", 10 }, { "4", 3 }, { "5", 2 }, { 0 },
};
static const struct gen_weighted max_payments[] = {
	{ "", 40 }, { "1", 5 }, { "3", 20 }, { "6", 20 }, { "12", 15 }, { 0 },
};
static const struct gen_weighted household[] = {
	{ "", 10 }, { "1", 15 }, { "2", 15 }, { "3", 15 }, { "4", 15 }, { "5", 12 },
	{ "6", 8 }, { "7", 5 }, { "8", 3 }, { "11", 2 }, { 0 },
};
static const struct gen_weighted head[] = {
	{ "", 10 }, { "yes", 20 }, { "no", 20 }, { "Yes", 8 }, { "No", 8 }, { "YES", 3 },
	{ "NO", 3 }, { "true", 5 }, { "false", 5 }, { "True", 3 }, { "False", 3 },
	{ "TRUE", 2 }, { "FALSE", 2 }, { "1", 4 }, { "0", 4 }, { 0 },
};
static const struct gen_weighted offsets[] = {
	{ "Z", 70 }, { "+03:00", 15 }, { "+01:00", 5 }, { "+02:00", 5 }, { "-05:00", 5 },
	{ 0 },
};

static void add_hex(struct gen_cell *c, uint64_t v, unsigned digits)
{
	static const char hex[] = "0123456789abcdef";

	while (digits--)
		gen_cell_addc(c, hex[(v >> (4 * digits)) & 0xf]);
}

static void people_row(struct gen *g, uint64_t k, bool repeat, struct gen_row *row)
{
	struct gen_person p;
	struct gen_rng *r = &g->rng;
	struct gen_cell *c = row->cell;
	unsigned region, style, secs;
	uint64_t id, more;
	const char *first, *last, *lang, *offset;
	unsigned district;

	(void)repeat;
	for (unsigned i = 0; i < 10; i++)
		gen_cell_clear(&c[i]);

	/* What stays the same across a person's rows. */
	gen_person_init(&p, g->base, k);
	id = p.id;
	more = gen_person_next(&p);
	region = gen_pick_index(region_weights, gen_person_below(&p, 100));
	g->first = gen_person_below(&p, gen_nfirst);
	g->last = gen_person_below(&p, gen_nlast);
	style = (unsigned)gen_person_below(&p, 1000);
	lang = gen_pick(languages[region], gen_person_below(&p, 100));
	district = (unsigned)gen_person_below(&p, ndistricts[region]);
	g->day = gen_person_day(&p, gen_days(2022, 1, 1), gen_days(2025, 7, 1));
	secs = (unsigned)gen_person_below(&p, 86400);
	offset = gen_pick(offsets, gen_person_below(&p, 100));
	gen_person_phone(g, regions[region], k);
	first = gen_first_names[g->first].name;
	last = gen_last_names[g->last].name;

	/* A UUID v4 shape holding all 64 bits of id, so referenceIds never repeat. */
	add_hex(&c[REF], id >> 32, 8);
	gen_cell_addc(&c[REF], '-');
	add_hex(&c[REF], id >> 16, 4);
	gen_cell_addc(&c[REF], '-');
	add_hex(&c[REF], 0x4000 | ((id >> 4) & 0xfff), 4);
	gen_cell_addc(&c[REF], '-');
	add_hex(&c[REF], 0x8000 | ((id & 0xf) << 10) | (more & 0x3ff), 4);
	gen_cell_addc(&c[REF], '-');
	add_hex(&c[REF], more >> 16, 12);

	gen_phone_loose(&c[PHONE], g->plan, g->nat, gen_rng_next(r));
	gen_cell_adds(&c[LANG], lang);
	gen_cell_adds(&c[MULT], gen_pick(multiplier, gen_rng_below(r, 100)));
	gen_cell_adds(&c[MAXPAY], gen_pick(max_payments, gen_rng_below(r, 100)));

	if (style < 20) {
		gen_cell_adds(&c[NAME], last);
		gen_cell_adds(&c[NAME], ", ");
		gen_cell_adds(&c[NAME], first);
	} else if (style < 25) {
		gen_cell_adds(&c[NAME], first);
		gen_cell_adds(&c[NAME], " \"");
		gen_cell_adds(&c[NAME], gen_nicknames[style % gen_nnicknames]);
		gen_cell_adds(&c[NAME], "\" ");
		gen_cell_adds(&c[NAME], last);
	} else {
		gen_cell_adds(&c[NAME], first);
		gen_cell_addc(&c[NAME], ' ');
		gen_cell_adds(&c[NAME], last);
	}
	gen_maybe_break(r, row, NAME, 5000);

	gen_cell_adds(&c[HOUSEHOLD], gen_pick(household, gen_rng_below(r, 100)));
	gen_cell_adds(&c[HEAD], gen_pick(head, gen_rng_below(r, 100)));
	if (!gen_rng_odds(r, 5, 100))
		gen_cell_adds(&c[DISTRICT], districts[region][district]);
	if (!gen_rng_odds(r, 5, 100)) {
		gen_cell_add_date(&c[REGISTERED], g->day);
		gen_cell_addc(&c[REGISTERED], 'T');
		gen_cell_addu(&c[REGISTERED], secs / 3600, 2);
		gen_cell_addc(&c[REGISTERED], ':');
		gen_cell_addu(&c[REGISTERED], secs / 60 % 60, 2);
		gen_cell_addc(&c[REGISTERED], ':');
		gen_cell_addu(&c[REGISTERED], secs % 60, 2);
		gen_cell_adds(&c[REGISTERED], offset);
	}
}

static const char *const bad_languages[] = {
	"english", "en-GB", "xx", "swahili", "EN", "fra", "Sw", "kiswahili",
};
static const char *const bad_booleans[] = {
	"maybe", "y", "n", "ja", "2", "-1", "oui", "nee", "yes!",
};
static const char *const bad_districts[] = {
	"mombasa", "Atlantis", "kisumu-east", "Goma", "n/a", "Nairobi",
};

#define ANY(r, tab) (tab)[gen_rng_below((r), sizeof(tab) / sizeof((tab)[0]))]

static unsigned people_spoil(struct gen *g, struct gen_row *row, enum gen_defect *kind)
{
	struct gen_rng *r = &g->rng;
	struct gen_cell *c = row->cell;
	unsigned col;

	switch (*kind) {
	case GEN_BAD_PHONE:
		gen_cell_clear(&c[PHONE]);
		gen_phone_bad(&c[PHONE], g->plan, g->nat, false, gen_rng_next(r));
		return PHONE;
	case GEN_UNKNOWN_LANGUAGE:
		gen_cell_set(&c[LANG], ANY(r, bad_languages));
		return LANG;
	case GEN_NEGATIVE_MULTIPLIER:
		col = gen_rng_odds(r, 70, 100) ? MULT : MAXPAY;
		gen_cell_set(&c[col], "-");
		gen_cell_addu(&c[col], 1 + gen_rng_below(r, 9), 0);
		return col;
	case GEN_BAD_BOOLEAN:
		gen_cell_set(&c[HEAD], ANY(r, bad_booleans));
		return HEAD;
	case GEN_MISSING_REQUIRED:
		col = gen_rng_odds(r, 60, 100) ? PHONE : LANG;
		gen_cell_clear(&c[col]);
		return col;
	case GEN_TEXT_TOO_LONG:
		gen_cell_clear(&c[NAME]);
		gen_too_long(&c[NAME], gen_first_names[g->first].name,
			     gen_last_names[g->last].name, 100, gen_rng_next(r));
		return NAME;
	case GEN_INVALID_OPTION:
		gen_cell_set(&c[DISTRICT], ANY(r, bad_districts));
		return DISTRICT;
	default:
		gen_cell_clear(&c[REGISTERED]);
		if (gen_rng_odds(r, 10, 100)) {
			gen_cell_add_date(&c[REGISTERED], g->day);
			gen_cell_adds(&c[REGISTERED], "T25:10:00Z");	/* hour 25 */
		} else {
			gen_bad_date(&c[REGISTERED], g->day, "T08:30:00Z", gen_rng_next(r));
		}
		*kind = GEN_MALFORMED_DATE;
		return REGISTERED;
	}
}

const struct gen_layout gen_layout_people = {
	.name = "people",
	.header = header,
	.ncols = sizeof(header) / sizeof(header[0]),
	.defects = defects,
	.ndefects = sizeof(defects) / sizeof(defects[0]),
	.default_dup = 0.0,
	.phone_region = "",
	.row = people_row,
	.spoil = people_spoil,
};
