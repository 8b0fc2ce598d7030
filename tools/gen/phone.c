/*
 * Phone numbers: the mobile numbering plans the generator draws from, the forms people
 * write them in, and the wrong numbers of the bad_phone defect.
 */
#include "gen.h"

#include <string.h>

#include "base/banned.h"

/*
 * Prefixes are restricted to ranges where libphonenumber 8.12 (Debian 12) calls every
 * subscriber number valid with a fixed length, so that a number one digit short is never
 * valid either (not German 16x/17x, which take 10 or 11 digits). US area codes are also
 * chosen so that their ten digits read as an international number without '+' are never
 * valid (not 201: +20 1..., Egypt): written without '+1' they are a defect.
 */
static const uint16_t ke[] = {
	700, 701, 702, 703, 704, 705, 706, 707, 708, 709, 710, 711, 712, 713, 714, 715, 716,
	717, 718, 719, 720, 721, 722, 723, 724, 725, 726, 727, 728, 729, 740, 741, 742, 743,
	744, 745, 746, 747, 748, 749, 750, 751, 752, 753, 754, 755, 756, 757, 758, 759, 768,
	769, 790, 791, 792, 793, 794, 795, 796, 797, 798, 799, 110, 111, 112, 113, 114, 115,
};
static const uint16_t ug[] = {
	700, 701, 702, 703, 704, 705, 706, 707, 708, 709, 740, 741, 742, 743, 744, 750, 751,
	752, 753, 754, 755, 756, 757, 758, 759, 760, 761, 762, 763, 764, 770, 771, 772, 773,
	774, 775, 776, 777, 778, 779, 780, 781, 782, 783, 784, 785, 786, 787, 788, 789,
};
static const uint16_t cd[] = { 80, 81, 82, 83, 84, 85, 89, 90, 91, 97, 98, 99 };
static const uint16_t et[] = { 90, 91, 92, 93, 94, 95, 96, 97, 98, 99 };
static const uint16_t nl[] = { 61, 62, 63, 64, 65, 68 };
static const uint16_t us[] = {
	202, 206, 212, 213, 214, 303, 305, 312, 347, 404, 415, 512, 602, 614, 617, 702, 704,
	713, 720, 808, 832, 917, 919, 929,
};
static const uint16_t be[] = {
	460, 465, 466, 467, 468, 470, 471, 472, 473, 474, 475, 476, 477, 478, 479, 480, 481,
	482, 483, 484, 485, 486, 487, 488, 489, 490, 491, 492, 493, 494, 495, 496, 497, 498, 499,
};
static const uint16_t fr[] = { 60, 61, 62, 64, 65, 66, 67, 68, 73, 74, 75, 76, 77, 78, 79 };
static const uint16_t de[] = { 150, 151, 152, 155, 156, 157, 159 };
static const uint16_t gb[] = {
	740, 741, 742, 743, 744, 745, 746, 747, 748, 749, 750, 751, 752, 753, 754, 755, 756,
	757, 758, 759, 771, 772, 773, 774, 775, 776, 777, 778, 780, 781, 782, 783, 784, 785,
	786, 787, 788, 789, 792, 793, 794, 795, 796, 797, 798, 799,
};

#define PLAN(reg, code, tab, pd, d, lo, grp, tr)                                           \
	{ .region = reg, .cc = code, .prefixes = tab, .nprefixes = sizeof(tab) / sizeof(tab[0]), \
	  .prefix_digits = pd, .digits = d, .low = lo, .groups = grp, .trunk = tr }

const struct gen_plan gen_plans[GEN_NREGIONS] = {
	[GEN_KE] = PLAN("KE", "254", ke, 3, 6, 0, "333", '0'),
	[GEN_UG] = PLAN("UG", "256", ug, 3, 6, 0, "333", '0'),
	[GEN_CD] = PLAN("CD", "243", cd, 2, 7, 0, "234", '0'),
	[GEN_ET] = PLAN("ET", "251", et, 2, 7, 0, "234", '0'),
	[GEN_NL] = PLAN("NL", "31", nl, 2, 7, 0, "144", '0'),
	[GEN_US] = PLAN("US", "1", us, 3, 7, 2000000, "334", 0),
	[GEN_BE] = PLAN("BE", "32", be, 3, 6, 0, "3222", '0'),
	[GEN_FR] = PLAN("FR", "33", fr, 2, 7, 0, "12222", '0'),
	[GEN_DE] = PLAN("DE", "49", de, 3, 8, 0, "344", '0'),
	[GEN_GB] = PLAN("GB", "44", gb, 3, 7, 0, "46", '0'),
};

static uint64_t pow10u(unsigned n)
{
	uint64_t v = 1;

	while (n--)
		v *= 10;
	return v;
}

static uint64_t plan_span(const struct gen_plan *plan)
{
	return pow10u(plan->digits) - plan->low;
}

uint64_t gen_plan_size(const struct gen_plan *plan)
{
	return plan->nprefixes * plan_span(plan);
}

static size_t put_digits(char *out, uint64_t v, unsigned width)
{
	for (unsigned i = width; i-- > 0;) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return width;
}

size_t gen_plan_national(const struct gen_plan *plan, uint64_t n, char nat[16])
{
	uint64_t span = plan_span(plan);
	size_t len = 0;

	len += put_digits(nat, plan->prefixes[n / span], plan->prefix_digits);
	len += put_digits(nat + len, plan->low + n % span, plan->digits);
	nat[len] = '\0';
	return len;
}

void gen_phone_e164(struct gen_cell *c, const struct gen_plan *plan, const char *nat)
{
	gen_cell_addc(c, '+');
	gen_cell_adds(c, plan->cc);
	gen_cell_adds(c, nat);
}

static void grouped(struct gen_cell *c, const struct gen_plan *plan, const char *nat, char sep)
{
	for (const char *g = plan->groups; *g; g++) {
		unsigned n = (unsigned)(*g - '0');

		if (g != plan->groups)
			gen_cell_addc(c, sep);
		gen_cell_add(c, nat, n);
		nat += n;
	}
}

void gen_phone_loose(struct gen_cell *c, const struct gen_plan *plan, const char *nat,
		     uint64_t u)
{
	uint64_t form = gen_scale(u, 100);

	if (form < 50) {
		gen_phone_e164(c, plan, nat);
	} else if (form < 70) {
		gen_cell_adds(c, plan->cc);
		gen_cell_adds(c, nat);
	} else if (form < 93) {
		char sep = form < 85 ? ' ' : '-';

		gen_cell_addc(c, '+');
		gen_cell_adds(c, plan->cc);
		gen_cell_addc(c, sep);
		grouped(c, plan, nat, sep);
	} else if (form < 97) {
		gen_cell_adds(c, plan->cc);
		gen_cell_addc(c, ' ');
		grouped(c, plan, nat, ' ');
	} else if (plan->cc[0] == '1' && plan->cc[1] == '\0') {
		gen_cell_adds(c, "+1 (");
		gen_cell_add(c, nat, 3);
		gen_cell_adds(c, ") ");
		gen_cell_add(c, nat + 3, 3);
		gen_cell_addc(c, '-');
		gen_cell_adds(c, nat + 6);
	} else {
		gen_cell_adds(c, "00");
		gen_cell_adds(c, plan->cc);
		gen_cell_adds(c, nat);
	}
}

static const char *const phone_words[] = { "n/a", "unknown", "-", "000", "+", "none", "tbd" };

void gen_phone_bad(struct gen_cell *c, const struct gen_plan *plan, const char *nat,
		   bool national_ok, uint64_t u)
{
	uint64_t kind = gen_scale(u, 100), sub = u & 0xffffffff;
	size_t len = strlen(nat);

	if (kind < 25 && national_ok)
		kind = 25 + kind % 15; /* the local form is valid there: cut it short instead */
	if (kind < 25) {
		/* Local form without the country code: the trunk prefix, or for the US the
		   area code and number. */
		if (plan->trunk) {
			gen_cell_addc(c, plan->trunk);
			gen_cell_adds(c, nat);
		} else {
			gen_cell_add(c, nat, 3);
			gen_cell_addc(c, '-');
			gen_cell_add(c, nat + 3, 3);
			gen_cell_addc(c, '-');
			gen_cell_adds(c, nat + 6);
		}
	} else if (kind < 40) {
		/* Cut short: the country code and three digits. */
		gen_cell_addc(c, '+');
		gen_cell_adds(c, plan->cc);
		gen_cell_add(c, nat, 3);
	} else if (kind < 55) {
		/* Two numbers run together: 16 digits or more, over E.164's 15. */
		gen_phone_e164(c, plan, nat);
		gen_cell_adds(c, "58213");
	} else if (kind < 75) {
		/* The letter O typed for a digit after the first two. */
		size_t i = 2 + sub % (len - 2);

		gen_cell_addc(c, '+');
		gen_cell_adds(c, plan->cc);
		gen_cell_add(c, nat, i);
		gen_cell_addc(c, 'O');
		gen_cell_adds(c, nat + i + 1);
	} else if (kind < 85) {
		/* A country code that does not exist. */
		gen_cell_adds(c, "+999");
		gen_cell_adds(c, nat);
	} else {
		gen_cell_adds(c, phone_words[sub % (sizeof(phone_words) / sizeof(phone_words[0]))]);
	}
}
