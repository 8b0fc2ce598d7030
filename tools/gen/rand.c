/* The generator's random numbers: the row stream, each person's stream, and the keyed
   permutations that give persons unique identifiers and phone numbers. */
#include "gen.h"

#include <math.h>
#include <stdlib.h>

#include "base/banned.h"

#define GOLDEN 0x9e3779b97f4a7c15ULL

uint64_t gen_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void gen_rng_seed(struct gen_rng *r, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++) {
		x += GOLDEN;
		r->s[i] = gen_mix64(x);
	}
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = GOLDEN;
}

uint64_t gen_rng_next(struct gen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t gen_rng_below(struct gen_rng *r, uint64_t n)
{
	return gen_scale(gen_rng_next(r), n);
}

bool gen_rng_chance(struct gen_rng *r, uint64_t threshold)
{
	uint64_t x = gen_rng_next(r);

	return threshold == UINT64_MAX || x < threshold;
}

bool gen_rng_odds(struct gen_rng *r, uint64_t num, uint64_t den)
{
	return gen_rng_below(r, den) < num;
}

uint64_t gen_rate_threshold(double rate)
{
	if (!(rate > 0))
		return 0;
	if (rate >= 1)
		return UINT64_MAX;
	return (uint64_t)ldexp(rate, 64);
}

void gen_person_init(struct gen_person *p, uint64_t base, uint64_t k)
{
	/* Each step is a bijection (xor, mix, add, mix), so id is one too. */
	p->state = gen_mix64(base ^ k);
	p->id = gen_person_next(p);
}

uint64_t gen_person_next(struct gen_person *p)
{
	p->state += GOLDEN;
	return gen_mix64(p->state);
}

uint64_t gen_person_below(struct gen_person *p, uint64_t n)
{
	return gen_scale(gen_person_next(p), n);
}

void gen_perm_init(struct gen_perm *p, uint64_t n, uint64_t key)
{
	unsigned bits = 2;

	if (n == 0 || n > (1ULL << 62))
		abort(); /* a bug of the caller, not an input */
	while (bits < 64 && (1ULL << bits) < n)
		bits++;
	bits += bits & 1;
	p->n = n;
	p->half = bits / 2;
	p->mask = (1ULL << p->half) - 1;
	for (int i = 0; i < 4; i++)
		p->key[i] = gen_mix64(key + GOLDEN * (uint64_t)(i + 1));
}

uint64_t gen_perm_apply(const struct gen_perm *p, uint64_t x)
{
	x %= p->n;
	do {
		uint64_t l = x >> p->half, r = x & p->mask;

		for (int i = 0; i < 4; i++) {
			uint64_t t = l ^ (gen_mix64(r ^ p->key[i]) & p->mask);

			l = r;
			r = t;
		}
		x = (l << p->half) | r;
	} while (x >= p->n);
	return x;
}

const char *gen_pick(const struct gen_weighted *t, uint64_t u)
{
	unsigned at = 0;

	for (; t->w; t++) {
		at += t->w;
		if (u < at)
			return t->s;
	}
	return t[-1].s;
}

unsigned gen_pick_index(const unsigned *weights, uint64_t u)
{
	unsigned at = 0, i;

	for (i = 0; weights[i]; i++) {
		at += weights[i];
		if (u < at)
			return i;
	}
	return i - 1;
}
