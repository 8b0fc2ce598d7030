/*
 * The contacts layout: a ticketing platform's contact import. The first row of a contact
 * is an INSERT; its repeats (--dup-rate) are UPDATE, UPDATEACT, DELETE, ANONYMIZE or
 * INVALIDATE. An empty cell leaves a value as it is; "=" clears it (EMAIL, PHONE,
 * BIRTHDATE). DELETE, ANONYMIZE and INVALIDATE rows fill only the four key columns.
 */
#include "gen.h"

#include <string.h>

#include "base/banned.h"

enum { INSTIT, ORG, OP, CODE, FIRST, LAST, EMAIL, PHONE, BIRTH };

static const char *const header[] = {
	"INSTIT", "ORGANIZATION", "OPERATION", "CONTACT_CODE", "FIRSTNAME", "LASTNAME",
	"EMAIL", "PHONE", "BIRTHDATE",
};

static const enum gen_defect defects[] = {
	GEN_BAD_PHONE, GEN_MISSING_REQUIRED, GEN_TEXT_TOO_LONG, GEN_INVALID_OPTION,
	GEN_MALFORMED_DATE, GEN_BAD_EMAIL,
};
/* The kinds that fit a row holding only the key columns. */
static const enum gen_defect key_defects[] = {
	GEN_MISSING_REQUIRED, GEN_TEXT_TOO_LONG, GEN_INVALID_OPTION,
};

static const enum gen_region regions[] = { GEN_BE, GEN_FR, GEN_NL, GEN_DE, GEN_GB };
static const unsigned region_weights[] = { 55, 15, 15, 10, 5, 0 };

static const struct gen_weighted institutions[] = {
	{ "BOZAR", 40 }, { "ZOO_ANTWERPEN", 25 }, { "KINEPOLIS_GENT", 20 }, { "DE_MUNT", 15 },
	{ 0 },
};
static const char *const organizations[] = {
	"BOX_OFFICE", "WEBSHOP", "MEMBERS", "SCHOOLS", "GROUPS",
};
static const char *const domains[] = {
	"example.com", "example.org", "example.net", "mail.example.com",
};
static const struct gen_weighted repeat_ops[] = {
	{ "UPDATE", 70 }, { "UPDATEACT", 5 }, { "DELETE", 12 }, { "ANONYMIZE", 8 },
	{ "INVALIDATE", 5 }, { 0 },
};

#define COUNT(tab) (sizeof(tab) / sizeof((tab)[0]))
#define ANY(r, tab) (tab)[gen_rng_below((r), COUNT(tab))]

static bool cell_is(const struct gen_cell *c, const char *s)
{
	return c->n == strlen(s) && memcmp(c->p, s, c->n) == 0;
}

static bool key_only(const struct gen_cell *op)
{
	return cell_is(op, "DELETE") || cell_is(op, "ANONYMIZE") || cell_is(op, "INVALIDATE");
}

/* Keep (p %), clear with "=" (q %), or leave empty. */
static void keep_clear_empty(struct gen_rng *r, struct gen_cell *c, const struct gen_cell *v,
			     unsigned p, unsigned q)
{
	uint64_t u = gen_rng_below(r, 100);

	if (u < p)
		gen_cell_add(c, v->p, v->n);
	else if (u < p + q)
		gen_cell_addc(c, '=');
}

static void contacts_row(struct gen *g, uint64_t k, bool repeat, struct gen_row *row)
{
	struct gen_person p;
	struct gen_rng *r = &g->rng;
	struct gen_cell *c = row->cell;
	struct gen_cell *email = &g->email;
	enum gen_region region;
	const char *instit, *org, *op;
	uint64_t n;
	struct gen_cell phone, day;

	for (unsigned i = 0; i < 9; i++)
		gen_cell_clear(&c[i]);

	gen_person_init(&p, g->base, k);
	region = regions[gen_pick_index(region_weights, gen_person_below(&p, 100))];
	g->first = gen_person_below(&p, gen_nfirst);
	g->last = gen_person_below(&p, gen_nlast);
	n = gen_person_below(&p, 100);
	gen_cell_clear(email);
	gen_cell_adds(email, gen_first_names[g->first].slug);
	gen_cell_addc(email, '.');
	gen_cell_adds(email, gen_last_names[g->last].slug);
	if (n < 60)
		gen_cell_addu(email, n, 0);
	gen_cell_addc(email, '@');
	gen_cell_adds(email, domains[gen_person_below(&p, COUNT(domains))]);
	g->day = gen_person_day(&p, gen_days(1935, 1, 1), gen_days(2011, 1, 1));
	instit = gen_pick(institutions, gen_person_below(&p, 100));
	org = organizations[gen_person_below(&p, COUNT(organizations))];
	gen_person_phone(g, region, k);

	op = repeat ? gen_pick(repeat_ops, gen_rng_below(r, 100)) : "INSERT";
	gen_cell_adds(&c[INSTIT], instit);
	gen_cell_adds(&c[ORG], org);
	gen_cell_adds(&c[OP], op);
	gen_cell_adds(&c[CODE], "CT");
	gen_cell_addu(&c[CODE], gen_perm_apply(&g->code9, k), 9);
	if (key_only(&c[OP])) {
		if (gen_rng_odds(r, 10, 100))
			gen_cell_set(&c[ORG], "*"); /* all of the institution */
		return;
	}

	gen_cell_clear(&phone);
	gen_phone_loose(&phone, g->plan, g->nat, gen_rng_next(r));
	gen_cell_clear(&day);
	gen_cell_add_date(&day, g->day);
	if (!repeat) {
		if (!gen_rng_odds(r, 3, 100))
			gen_cell_adds(&c[FIRST], gen_first_names[g->first].name);
		gen_cell_adds(&c[LAST], gen_last_names[g->last].name);
		gen_maybe_break(r, row, LAST, 50000);
		keep_clear_empty(r, &c[EMAIL], email, 90, 0);
		keep_clear_empty(r, &c[PHONE], &phone, 80, 0);
		keep_clear_empty(r, &c[BIRTH], &day, 60, 0);
		return;
	}
	/* UPDATE, UPDATEACT: what is empty stays as it is, "=" clears it. */
	if (gen_rng_odds(r, 30, 100))
		gen_cell_adds(&c[FIRST], gen_first_names[g->first].name);
	if (gen_rng_odds(r, 30, 100))
		gen_cell_adds(&c[LAST], gen_last_names[g->last].name);
	keep_clear_empty(r, &c[EMAIL], email, 50, 5);
	keep_clear_empty(r, &c[PHONE], &phone, 50, 7);
	keep_clear_empty(r, &c[BIRTH], &day, 30, 3);
}

static const char *const bad_operations[] = { "REMOVE", "UPSERTT", "ADD", "UPDTAE", "DELETED" };
static const unsigned missing_cols[] = { INSTIT, ORG, OP, CODE, LAST };

static void bad_email(struct gen_cell *c, const struct gen_cell *e, uint64_t u)
{
	const char *at = memchr(e->p, '@', e->n), *dot = memchr(e->p, '.', e->n);
	size_t local = (size_t)(at - e->p);

	switch (u) {
	case 0:		/* nothing after '@' */
		gen_cell_add(c, e->p, local + 1);
		break;
	case 1:		/* two '@' */
		gen_cell_add(c, e->p, local + 1);
		gen_cell_add(c, at, e->n - local);
		break;
	case 2:		/* a space for the first '.' */
		gen_cell_add(c, e->p, e->n);
		c->p[dot - e->p] = ' ';
		break;
	case 3:		/* '.' typed for '@' */
		gen_cell_add(c, e->p, e->n);
		c->p[local] = '.';
		break;
	default:	/* nothing before '@' */
		gen_cell_add(c, at, e->n - local);
		break;
	}
}

static unsigned contacts_spoil(struct gen *g, struct gen_row *row, enum gen_defect *kind)
{
	struct gen_rng *r = &g->rng;
	struct gen_cell *c = row->cell;
	bool keys = key_only(&c[OP]);
	unsigned col;

	if (keys && *kind != GEN_MISSING_REQUIRED && *kind != GEN_TEXT_TOO_LONG &&
	    *kind != GEN_INVALID_OPTION)
		*kind = ANY(r, key_defects);
	switch (*kind) {
	case GEN_MISSING_REQUIRED:
		col = ANY(r, missing_cols);
		if (col == LAST && !cell_is(&c[OP], "INSERT"))
			col = CODE;	/* LASTNAME is required on INSERT only */
		gen_cell_clear(&c[col]);
		return col;
	case GEN_TEXT_TOO_LONG:
		if (keys || gen_rng_odds(r, 50, 100)) {
			/* An institution over 15 characters. */
			struct gen_cell *ins = &c[INSTIT];
			const char *more = "_ANTWERPEN_CENTRAAL_NOORD";
			size_t want = 16 + gen_rng_below(r, 10);

			while (ins->n < want)
				gen_cell_addc(ins, *more ? *more++ : 'X');
			ins->n = want;
			return INSTIT;
		}
		gen_cell_clear(&c[LAST]);
		gen_too_long(&c[LAST], gen_first_names[g->first].name, gen_last_names[g->last].name,
			     50, gen_rng_next(r));
		return LAST;
	case GEN_INVALID_OPTION:
		gen_cell_set(&c[OP], ANY(r, bad_operations));
		return OP;
	case GEN_BAD_PHONE:
		gen_cell_clear(&c[PHONE]);
		gen_phone_bad(&c[PHONE], g->plan, g->nat, false, gen_rng_next(r));
		return PHONE;
	case GEN_MALFORMED_DATE:
		gen_cell_clear(&c[BIRTH]);
		gen_bad_date(&c[BIRTH], g->day, "", gen_rng_next(r));
		return BIRTH;
	default:
		gen_cell_clear(&c[EMAIL]);
		bad_email(&c[EMAIL], &g->email, gen_rng_below(r, 5));
		*kind = GEN_BAD_EMAIL;
		return EMAIL;
	}
}

const struct gen_layout gen_layout_contacts = {
	.name = "contacts",
	.header = header,
	.ncols = sizeof(header) / sizeof(header[0]),
	.defects = defects,
	.ndefects = sizeof(defects) / sizeof(defects[0]),
	.default_dup = 0.3,
	.phone_region = "",
	.row = contacts_row,
	.spoil = contacts_spoil,
};
