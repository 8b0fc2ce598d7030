/* Names (UTF-8, with the ASCII slugs e-mail addresses are made of), over-long text, line
   breaks inside cells, and calendar dates with their malformed variants. */
#include "gen.h"

#include <string.h>

#include "base/banned.h"

const struct gen_first gen_first_names[] = {
	{ "Wanjiru", 'F', "wanjiru" },		{ "Akinyi", 'F', "akinyi" },
	{ "Kipchoge", 'M', "kipchoge" },	{ "Odhiambo", 'M', "odhiambo" },
	{ "Nyokabi", 'F', "nyokabi" },		{ "Mwende", 'F', "mwende" },
	{ "Kibet", 'M', "kibet" },		{ "Muthoni", 'F', "muthoni" },
	{ "Akello", 'F', "akello" },		{ "Opio", 'M', "opio" },
	{ "Nabirye", 'F', "nabirye" },		{ "Kizza", 'M', "kizza" },
	{ "Namukasa", 'F', "namukasa" },	{ "Mbala", 'M', "mbala" },
	{ "Mujinga", 'F', "mujinga" },		{ "Nzuzi", 'F', "nzuzi" },
	{ "Kalombo", 'M', "kalombo" },		{ "Tshilanda", 'F', "tshilanda" },
	{ "Abebe", 'M', "abebe" },		{ "Tigist", 'F', "tigist" },
	{ "Dawit", 'M', "dawit" },		{ "Hodan", 'F', "hodan" },
	{ "Farah", 'M', "farah" },		{ "Ayaan", 'F', "ayaan" },
	{ "Liban", 'M', "liban" },		{ "Pieter", 'M', "pieter" },
	{ "Lotte", 'F', "lotte" },		{ "Sanne", 'F', "sanne" },
	{ "Bram", 'M', "bram" },		{ "Joris", 'M', "joris" },
	{ "Femke", 'F', "femke" },		{ "Wout", 'M', "wout" },
	{ "Lieve", 'F', "lieve" },		{ "Émile", 'M', "emile" },
	{ "Léa", 'F', "lea" },			{ "Cécile", 'F', "cecile" },
	{ "Noël", 'M', "noel" },		{ "Gaëlle", 'F', "gaelle" },
	{ "Aurélie", 'F', "aurelie" },		{ "Lukas", 'M', "lukas" },
	{ "Jörg", 'M', "joerg" },		{ "Käthe", 'F', "kaethe" },
	{ "Olivia", 'F', "olivia" },		{ "James", 'M', "james" },
	{ "Madison", 'F', "madison" },		{ "Ethan", 'M', "ethan" },
	{ "Zofia", 'F', "zofia" },		{ "Bartłomiej", 'M', "bartlomiej" },
	{ "Çağla", 'F', "cagla" },		{ "Thu Trang", 'F', "thutrang" },
	{ "Marie-Claire", 'F', "marieclaire" },	{ "Jean-Baptiste", 'M', "jeanbaptiste" },
	{ "يوسف", 'M', "yusuf" },		{ "مريم", 'F', "maryam" },
	{ "Наталія", 'F', "nataliia" },		{ "Олександр", 'M', "oleksandr" },
	{ "ሰላም", 'F', "selam" },		{ "Ελένη", 'F', "eleni" },
	{ "Grace", 'F', "grace" },		{ "Emmanuel", 'M', "emmanuel" },
	{ "Joy", 'F', "joy" },			{ "Moses", 'M', "moses" },
	{ "Esperance", 'F', "esperance" },	{ "Dieudonné", 'M', "dieudonne" },
};
const size_t gen_nfirst = sizeof(gen_first_names) / sizeof(gen_first_names[0]);

const struct gen_last gen_last_names[] = {
	{ "Kamau", "kamau" },		{ "Otieno", "otieno" },
	{ "Wekesa", "wekesa" },		{ "Chepkoech", "chepkoech" },
	{ "Njuguna", "njuguna" },	{ "Onyango", "onyango" },
	{ "Ssemakula", "ssemakula" },	{ "Nantongo", "nantongo" },
	{ "Okot", "okot" },		{ "Byaruhanga", "byaruhanga" },
	{ "Mutombo", "mutombo" },	{ "Kasongo", "kasongo" },
	{ "Tshimanga", "tshimanga" },	{ "wa Kalenga", "wakalenga" },
	{ "Gebremedhin", "gebremedhin" }, { "Haile", "haile" },
	{ "Desta", "desta" },		{ "Warsame", "warsame" },
	{ "Abdirahman", "abdirahman" },	{ "van Dijk", "vandijk" },
	{ "de Jong", "dejong" },	{ "Van den Broeck", "vandenbroeck" },
	{ "Peeters", "peeters" },	{ "Janssens", "janssens" },
	{ "De Smet", "desmet" },	{ "Fournier", "fournier" },
	{ "Garnier", "garnier" },	{ "Bérénger", "berenger" },
	{ "Weiß", "weiss" },		{ "Schäfer", "schaefer" },
	{ "Böhm", "boehm" },		{ "Murphy", "murphy" },
	{ "O'Connor", "oconnor" },	{ "D'Souza", "dsouza" },
	{ "McAllister", "mcallister" },	{ "Williams", "williams" },
	{ "Fernández", "fernandez" },	{ "Nowak", "nowak" },
	{ "Wójcik", "wojcik" },		{ "Şahin", "sahin" },
	{ "Yılmaz", "yilmaz" },		{ "Trần", "tran" },
	{ "Phạm", "pham" },		{ "الحسن", "alhassan" },
	{ "Коваленко", "kovalenko" },	{ "Бондаренко", "bondarenko" },
	{ "ተስፋዬ", "tesfaye" },		{ "Παπαδόπουλος", "papadopoulos" },
	{ "Mukiibi", "mukiibi" },	{ "Ndayishimiye", "ndayishimiye" },
	{ "Ben Salah", "bensalah" },	{ "Smith", "smith" },
};
const size_t gen_nlast = sizeof(gen_last_names) / sizeof(gen_last_names[0]);

const char *const gen_nicknames[] = { "Toto", "Bibi", "Lulu", "Jojo", "Big Mo", "Prof" };
const size_t gen_nnicknames = sizeof(gen_nicknames) / sizeof(gen_nicknames[0]);

void gen_too_long(struct gen_cell *c, const char *first, const char *last, unsigned limit,
		  uint64_t u)
{
	const char *words[] = { first, last, "wa", "de", "la", "Mbuyi-Kalombo", last, "bin",
				first };
	size_t target = limit + 1 + gen_scale(u, 150);

	gen_cell_adds(c, first);
	gen_cell_addc(c, ' ');
	gen_cell_adds(c, last);
	for (unsigned i = 0; gen_cell_chars(c) < target; i++) {
		gen_cell_addc(c, ' ');
		gen_cell_adds(c, words[i % (sizeof(words) / sizeof(words[0]))]);
	}
}

void gen_maybe_break(struct gen_rng *r, struct gen_row *row, unsigned col, uint64_t one_in)
{
	struct gen_cell *c = &row->cell[col];
	char *sp;

	if (gen_rng_below(r, one_in) != 0)
		return;
	sp = memchr(c->p, ' ', c->n);
	if (sp == NULL)
		return;
	*sp = '\n';
	row->newlines++;
}

int32_t gen_days(int y, unsigned m, unsigned d)
{
	/* Counted in eras of 400 years from 0000-03-01, so that February ends the year. */
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (int)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (int)d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void gen_civil(int32_t days, int *ret_y, unsigned *ret_m, unsigned *ret_d)
{
	int z = days + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	unsigned d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);

	*ret_y = yoe + era * 400 + (m <= 2);
	*ret_m = m;
	*ret_d = d;
}

int32_t gen_person_day(struct gen_person *p, int32_t from, int32_t to)
{
	return from + (int32_t)gen_person_below(p, (uint64_t)(to - from));
}

void gen_cell_add_date(struct gen_cell *c, int32_t days)
{
	int y;
	unsigned m, d;

	gen_civil(days, &y, &m, &d);
	gen_cell_addu(c, (uint64_t)y, 4);
	gen_cell_addc(c, '-');
	gen_cell_addu(c, m, 2);
	gen_cell_addc(c, '-');
	gen_cell_addu(c, d, 2);
}

static const char *const date_words[] = { "unknown", "N/A", "yesterday", "0000-00-00" };

void gen_bad_date(struct gen_cell *c, int32_t days, const char *time, uint64_t u)
{
	uint64_t kind = gen_scale(u, 100);
	int y;
	unsigned m, d;

	gen_civil(days, &y, &m, &d);
	if (kind < 30) {
		/* Day first, as in much of the world: 04/05/2023, 04.05.2023. */
		gen_cell_addu(c, d, 2);
		gen_cell_addc(c, kind < 20 ? '/' : '.');
		gen_cell_addu(c, m, 2);
		gen_cell_addc(c, kind < 20 ? '/' : '.');
		gen_cell_addu(c, (uint64_t)y, 4);
		return;
	}
	if (kind < 40) {
		gen_cell_addu(c, (uint64_t)y, 4);
		gen_cell_addc(c, '/');
		gen_cell_addu(c, m, 2);
		gen_cell_addc(c, '/');
		gen_cell_addu(c, d, 2);
		return;
	}
	if (kind >= 90) {
		gen_cell_adds(c, date_words[u % (sizeof(date_words) / sizeof(date_words[0]))]);
		return;
	}
	if (kind < 55) {		/* month 13 */
		gen_cell_addu(c, (uint64_t)y, 4);
		gen_cell_adds(c, "-13-");
		gen_cell_addu(c, d, 2);
	} else if (kind < 70) {		/* 30 February */
		gen_cell_addu(c, (uint64_t)y, 4);
		gen_cell_adds(c, "-02-30");
	} else if (kind < 80) {		/* day 32 */
		gen_cell_addu(c, (uint64_t)y, 4);
		gen_cell_addc(c, '-');
		gen_cell_addu(c, m, 2);
		gen_cell_adds(c, "-32");
	} else {			/* two-digit year */
		gen_cell_addu(c, (uint64_t)y % 100, 2);
		gen_cell_addc(c, '-');
		gen_cell_addu(c, m, 2);
		gen_cell_addc(c, '-');
		gen_cell_addu(c, d, 2);
	}
	gen_cell_adds(c, time);
}
