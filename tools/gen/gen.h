/*
 * gen: the parts of intake-gen, the generator of test and benchmark CSV files.
 * Owns: its random streams and keyed permutations, the phone numbering plans it draws
 * from, its name tables, the three layouts (people, persons, contacts), their defects and
 * how a row is written as CSV.
 * Knows nothing of: intake's modules beyond base/ (it writes the files intake reads; it
 * never reads them).
 *
 * Determinism: every value comes from integer arithmetic on 64-bit words (xoshiro256**
 * for the row stream, splitmix64 for each person's stream), so the same arguments give
 * the same bytes on any machine. Memory is constant: one row is held at a time.
 */
#ifndef INTAKE_TOOLS_GEN_GEN_H
#define INTAKE_TOOLS_GEN_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* A row has at most this many columns, a cell at most this many bytes (the longest cell
   written is a text_too_long name: about 250 code points of at most 4 bytes). */
#define GEN_MAX_COLS 10
#define GEN_CELL_BYTES 1024

/* ---- random numbers (rand.c) ---- */

__extension__ typedef unsigned __int128 gen_u128;

/* splitmix64's finaliser: a bijection on 64-bit words that scrambles every bit. */
uint64_t gen_mix64(uint64_t x);

/* A uniform number in [0, n) from a 64-bit draw x (the high word of x * n). */
static inline uint64_t gen_scale(uint64_t x, uint64_t n)
{
	return (uint64_t)(((gen_u128)x * n) >> 64);
}

/* The row stream: xoshiro256**. */
struct gen_rng {
	uint64_t s[4];		/* state; never all zero */
};

void gen_rng_seed(struct gen_rng *r, uint64_t seed);
uint64_t gen_rng_next(struct gen_rng *r);
/* Uniform in [0, n), n > 0. */
uint64_t gen_rng_below(struct gen_rng *r, uint64_t n);
/* True with probability threshold / 2^64 (see gen_rate_threshold). */
bool gen_rng_chance(struct gen_rng *r, uint64_t threshold);
/* True with probability num / den. */
bool gen_rng_odds(struct gen_rng *r, uint64_t num, uint64_t den);

/* The threshold for gen_rng_chance of a rate in [0, 1] (1 gives always). */
uint64_t gen_rate_threshold(double rate);

/*
 * A person's own stream (splitmix64), started from the run's base and the person number.
 * The first draw, id, is a bijection of k: two persons never share it.
 */
struct gen_person {
	uint64_t state;		/* splitmix64 counter */
	uint64_t id;		/* the first draw: unique per person */
};

void gen_person_init(struct gen_person *p, uint64_t base, uint64_t k);
uint64_t gen_person_next(struct gen_person *p);
uint64_t gen_person_below(struct gen_person *p, uint64_t n);

/*
 * A keyed permutation of [0, n): a four-round Feistel network on the smallest even number
 * of bits that covers n, walking the cycle until the value falls inside [0, n).
 */
struct gen_perm {
	uint64_t n;		/* size of the domain, >= 1 */
	unsigned half;		/* bits per Feistel half */
	uint64_t mask;		/* (1 << half) - 1 */
	uint64_t key[4];	/* round keys */
};

void gen_perm_init(struct gen_perm *p, uint64_t n, uint64_t key);
/* The image of x mod n. */
uint64_t gen_perm_apply(const struct gen_perm *p, uint64_t x);

/* A value and its weight; a table ends with weight 0 and its weights add up to 100. */
struct gen_weighted {
	const char *s;		/* the value ("" for an empty cell) */
	unsigned w;		/* weight in percent; 0 ends the table */
};

/* The value of t at u in [0, 100). */
const char *gen_pick(const struct gen_weighted *t, uint64_t u);
/* The index in weights (percent, ending with 0) at u in [0, 100). */
unsigned gen_pick_index(const unsigned *weights, uint64_t u);

/* ---- cells and rows (row.c) ---- */

struct gen_cell {
	size_t n;			/* bytes in use */
	char p[GEN_CELL_BYTES];		/* not NUL-terminated */
};

struct gen_row {
	struct gen_cell cell[GEN_MAX_COLS];	/* the row's cells, in header order */
	unsigned newlines;			/* line breaks written inside its cells */
};

/* Appends to a cell; passing GEN_CELL_BYTES is a bug of the generator and aborts. */
void gen_cell_clear(struct gen_cell *c);
void gen_cell_add(struct gen_cell *c, const char *p, size_t n);
void gen_cell_adds(struct gen_cell *c, const char *s);
void gen_cell_addc(struct gen_cell *c, char ch);
/* v in decimal, zero-padded to width digits (0: no padding). */
void gen_cell_addu(struct gen_cell *c, uint64_t v, unsigned width);
void gen_cell_set(struct gen_cell *c, const char *s);
/* Code points in the cell (it holds valid UTF-8). */
size_t gen_cell_chars(const struct gen_cell *c);

/* Buffered output to a file descriptor; write errors are sticky and reported by flush. */
struct gen_out {
	int fd;			/* where the bytes go; not owned */
	char *buf;		/* owned; GEN_OUT_BYTES */
	size_t len;		/* bytes waiting in buf */
	uint64_t written;	/* bytes handed to the file so far */
	int failed_errno;	/* errno of the first failed write, 0 if none */
};

void gen_out_init(struct gen_out *o, int fd);
void gen_out_add(struct gen_out *o, const char *p, size_t n);
/* One CSV field: quoted when it holds , " CR or LF, or always when quote_all. */
void gen_out_field(struct gen_out *o, const char *p, size_t n, bool quote_all);
/* Writes what is buffered; -1 with err filled if any write failed. */
int gen_out_flush(struct gen_out *o, const char *what, struct err *err);
void gen_out_release(struct gen_out *o);

/* ---- phone numbers (phone.c) ---- */

enum gen_region {
	GEN_KE, GEN_UG, GEN_CD, GEN_ET, GEN_NL, GEN_US, GEN_BE, GEN_FR, GEN_DE, GEN_GB,
	GEN_NREGIONS
};

/* A region's mobile numbers: a prefix, then a fixed number of subscriber digits. */
struct gen_plan {
	const char *region;		/* ISO 3166 code, "KE" */
	const char *cc;			/* country calling code, "254" */
	const uint16_t *prefixes;	/* national prefixes libphonenumber 8.12 calls valid */
	size_t nprefixes;
	unsigned prefix_digits;		/* digits of each prefix */
	unsigned digits;		/* subscriber digits after the prefix */
	uint32_t low;			/* smallest subscriber part (US: no leading 0 or 1) */
	const char *groups;		/* how people group the national digits, "333" */
	char trunk;			/* national trunk prefix, '0', or 0 when none */
};

extern const struct gen_plan gen_plans[GEN_NREGIONS];

/* Numbers in a plan. */
uint64_t gen_plan_size(const struct gen_plan *plan);
/* Writes the n-th national number of the plan (n < size) into nat; returns its length. */
size_t gen_plan_national(const struct gen_plan *plan, uint64_t n, char nat[16]);

/* "+" cc nat. */
void gen_phone_e164(struct gen_cell *c, const struct gen_plan *plan, const char *nat);
/* A written form with the country code where '+' is optional: +254712345678,
   254712345678, +254 712 345 678, +254-712-345-678, 254 712 345 678, +1 (212) 555-0123. */
void gen_phone_loose(struct gen_cell *c, const struct gen_plan *plan, const char *nat,
		     uint64_t u);
/*
 * A wrong number for this person, invalid for libphonenumber: a local form without
 * country code, cut short, too long for E.164, a letter O typed for a digit, an unknown
 * country code, or a word. national_ok: the layout's default region is this plan's, so a
 * local form would be valid there and another kind is written instead.
 */
void gen_phone_bad(struct gen_cell *c, const struct gen_plan *plan, const char *nat,
		   bool national_ok, uint64_t u);

/* ---- names, text and dates (names.c) ---- */

struct gen_first {
	const char *name;	/* UTF-8 */
	char gender;		/* 'M' or 'F' */
	const char *slug;	/* ASCII lower case, for e-mail addresses */
};

struct gen_last {
	const char *name;	/* UTF-8 */
	const char *slug;	/* ASCII lower case, for e-mail addresses */
};

extern const struct gen_first gen_first_names[];
extern const size_t gen_nfirst;
extern const struct gen_last gen_last_names[];
extern const size_t gen_nlast;
extern const char *const gen_nicknames[];
extern const size_t gen_nnicknames;

/* A name over limit code points, as when several cells were pasted into one. */
void gen_too_long(struct gen_cell *c, const char *first, const char *last, unsigned limit,
		  uint64_t u);
/* Rarely (odds 1 in one_in) replaces the cell's first space by a line break, as an
   Alt+Enter in a spreadsheet cell; counts it in row->newlines. */
void gen_maybe_break(struct gen_rng *r, struct gen_row *row, unsigned col, uint64_t one_in);

/* Days since 1970-01-01 of a calendar date, and back. */
int32_t gen_days(int y, unsigned m, unsigned d);
void gen_civil(int32_t days, int *ret_y, unsigned *ret_m, unsigned *ret_d);
/* A day of the person's in [from, to) (days since 1970-01-01). */
int32_t gen_person_day(struct gen_person *p, int32_t from, int32_t to);
/* Appends "YYYY-MM-DD". */
void gen_cell_add_date(struct gen_cell *c, int32_t days);
/* A malformed or impossible date made from a real one; time ("T08:30:00Z" or "") is
   appended to the ISO-shaped forms, for date-time cells. */
void gen_bad_date(struct gen_cell *c, int32_t days, const char *time, uint64_t u);

/* ---- layouts (people.c, persons.c, contacts.c) ---- */

enum gen_defect {
	GEN_BAD_PHONE,
	GEN_UNKNOWN_LANGUAGE,
	GEN_NEGATIVE_MULTIPLIER,
	GEN_BAD_BOOLEAN,
	GEN_MISSING_REQUIRED,
	GEN_TEXT_TOO_LONG,
	GEN_INVALID_OPTION,
	GEN_MALFORMED_DATE,
	GEN_BAD_EMAIL,
	GEN_NDEFECTS
};

extern const char *const gen_defect_names[GEN_NDEFECTS];

/* The run: its streams and keys, and what spoil needs to know of the last row's person. */
struct gen {
	struct gen_rng rng;			/* the row stream */
	uint64_t base;				/* seeds each person's stream */
	struct gen_perm phone[GEN_NREGIONS];	/* person number -> number in the plan */
	struct gen_perm code9;			/* person number -> 9-digit code */
	struct gen_perm code10;			/* person number -> 10-digit code */
	/* The last row's person. */
	const struct gen_plan *plan;		/* its phone plan */
	char nat[16];				/* its national number, NUL-terminated */
	size_t first, last;			/* indexes in the name tables */
	int32_t day;				/* its date (registration, birth) */
	struct gen_cell email;			/* its e-mail address (contacts) */
};

void gen_init(struct gen *g, uint64_t seed);
/* Person k's phone plan is plan; fills g->plan and g->nat. */
void gen_person_phone(struct gen *g, enum gen_region region, uint64_t k);

struct gen_layout {
	const char *name;			/* --format value */
	const char *const *header;		/* column names */
	unsigned ncols;
	const enum gen_defect *defects;		/* the kinds that apply, drawn uniformly */
	unsigned ndefects;
	double default_dup;			/* --dup-rate when not given */
	const char *phone_region;		/* default region its phone cells assume, or "" */
	/* The cells of person k's row (repeat: k has had a row before). */
	void (*row)(struct gen *g, uint64_t k, bool repeat, struct gen_row *row);
	/* Gives the row one defect of *kind (which it may change when that kind does not fit
	   the row); returns the column it spoilt. */
	unsigned (*spoil)(struct gen *g, struct gen_row *row, enum gen_defect *kind);
};

extern const struct gen_layout gen_layout_people;
extern const struct gen_layout gen_layout_persons;
extern const struct gen_layout gen_layout_contacts;

#endif
