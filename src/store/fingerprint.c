/*
 * Fingerprint tables: in-memory maps from the hash of a unique value to the rowids of the
 * records that may hold it (open addressing, linear probing, one 64-bit word a slot).
 * A hit is only a candidate: the back end reads the row to confirm it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/store_int.h"
#include "base/banned.h"

#define MUL1 0x9e3779b97f4a7c15ULL
#define MUL2 0xd6e8feb86659fd93ULL

static uint64_t mix(uint64_t x)
{
	x ^= x >> 32;
	x *= MUL2;
	x ^= x >> 29;
	x *= MUL2;
	x ^= x >> 32;
	return x;
}

static uint64_t hash_bytes(const unsigned char *p, size_t n, uint64_t h)
{
	uint64_t w;

	h ^= (uint64_t)n * MUL1;
	while (n >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ mix(w)) * MUL1;
		h ^= h >> 31;
		p += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, p, n);
	return mix(h ^ w ^ ((uint64_t)n << 59));
}

#ifdef INTAKE_TEST_HOOKS
/* Test builds: INTAKE_TEST_FP_BITS=N keeps N bits of every hash, so many values share
   one fingerprint and every lookup meets collisions it must see through. */
static pthread_once_t hook_once = PTHREAD_ONCE_INIT;
static unsigned hook_bits;

static void hook_read(void)
{
	const char *s = getenv("INTAKE_TEST_FP_BITS");

	if (s && *s)
		hook_bits = (unsigned)strtoul(s, NULL, 10);
}
#endif

uint64_t store__fp_hash(const struct store_val *v)
{
	uint64_t h = 0;
	double r;

	switch (v->kind) {
	case STORE_NULL:
		h = mix(1);
		break;
	case STORE_INT:
		h = mix((uint64_t)v->i ^ MUL1);
		break;
	case STORE_REAL:
		r = v->r == 0 ? 0 : v->r; /* -0 equals 0 */
		memcpy(&h, &r, sizeof(h));
		h = mix(h ^ MUL2);
		break;
	case STORE_TEXT:
		h = hash_bytes((const unsigned char *)v->s, v->n, MUL2);
		break;
	}
#ifdef INTAKE_TEST_HOOKS
	pthread_once(&hook_once, hook_read);
	if (hook_bits > 0 && hook_bits < 64)
		h = mix(h & ((1ULL << hook_bits) - 1));
#endif
	return h;
}

/*
 * Layout: slot[] holds (tag << 24) | rowid, 0 for an empty slot; frag[rowid] holds the top
 * 32 bits of the hash of that record's current value. A slot's home is the top bits of
 * the fragment, its tag the fragment's low 8 bits, so most slots of a probe are passed
 * over without reading frag[], and the table can grow (frag[] gives every hash back).
 * A slot whose tag no longer matches frag[] of its rowid is stale (the value changed):
 * lookups pass it, growth drops it.
 */
#define ROWID_MAX ((1 << 24) - 1)
#define SLOT(tag, rowid) (((uint32_t)(tag) << 24) | (uint32_t)(rowid))
#define TAG(f) ((f) & 0xffu)
#define SLOT_TAG(s) ((s) >> 24)
#define SLOT_ROWID(s) ((s) & 0xffffffu)
#define MIN_BITS 10
/* Grown when more than 3/4 of the slots are in use. */
#define FULL(used, cap) ((used) * 4 > (cap) * 3)

static size_t home(uint32_t frag, unsigned bits)
{
	return (size_t)(frag >> (32 - bits));
}

/* Moves the table to 2^bits slots (bigger than now). */
static int grow_to(struct store_fp *t, unsigned bits, size_t *bytes, size_t max_bytes)
{
	size_t cap = (size_t)1 << bits, size = cap * sizeof(uint32_t);
	size_t old = t->cap * sizeof(uint32_t), used = 0;
	uint32_t *slots;

	if (bits > 26 || *bytes + size > max_bytes)
		return -1;
	slots = xcalloc(cap, sizeof(uint32_t));
	for (size_t i = 0; i < t->cap; i++) {
		uint32_t s = t->slot[i], f;
		size_t j;
		if (!s)
			continue;
		f = t->frag[SLOT_ROWID(s)];
		if (TAG(f) != SLOT_TAG(s))
			continue; /* stale */
		for (j = home(f, bits); slots[j]; j = (j + 1) & (cap - 1))
			;
		slots[j] = s;
		used++;
	}
	free(t->slot);
	t->slot = slots;
	t->cap = cap;
	t->bits = bits;
	t->used = used;
	*bytes = *bytes - old + size;
	return 0;
}

/* Makes frag[] hold rowid. */
static int frag_room(struct store_fp *t, size_t rowid, size_t *bytes, size_t max_bytes)
{
	size_t n = t->nfrag ? t->nfrag : 1024, more;

	if (rowid < t->nfrag)
		return 0;
	while (n <= rowid)
		n *= 2;
	more = (n - t->nfrag) * sizeof(uint32_t);
	if (*bytes + more > max_bytes)
		return -1;
	t->frag = xrealloc(t->frag, n * sizeof(uint32_t));
	memset(t->frag + t->nfrag, 0, more);
	t->nfrag = n;
	*bytes += more;
	return 0;
}

static int grow(struct store_fp *t, size_t *bytes, size_t max_bytes)
{
	return grow_to(t, t->bits ? t->bits + 1 : MIN_BITS, bytes, max_bytes);
}

int store__fp_add(struct store_fp *t, uint64_t h, int64_t rowid, size_t *bytes, size_t max_bytes)
{
	uint32_t frag = (uint32_t)(h >> 32), s;
	size_t mask, i;

	if (rowid <= 0 || rowid > ROWID_MAX || frag_room(t, (size_t)rowid, bytes, max_bytes) < 0)
		return -1;
	if ((t->cap == 0 || FULL(t->used + 1, t->cap)) && grow(t, bytes, max_bytes) < 0)
		return -1;
	t->frag[rowid] = frag;
	s = SLOT(TAG(frag), rowid);
	mask = t->cap - 1;
	for (i = home(frag, t->bits); t->slot[i]; i = (i + 1) & mask)
		if (t->slot[i] == s)
			return 0;
	t->slot[i] = s;
	t->used++;
	return 0;
}

int store__fp_reserve(struct store_fp *t, uint64_t entries, size_t *bytes, size_t max_bytes)
{
	if (entries > ROWID_MAX)
		return -1;
	if (frag_room(t, (size_t)entries, bytes, max_bytes) < 0)
		return -1;
	{
		unsigned bits = t->bits ? t->bits : MIN_BITS;
		while (FULL(entries, (size_t)1 << bits))
			bits++;
		if ((t->cap == 0 || bits > t->bits) && grow_to(t, bits, bytes, max_bytes) < 0)
			return -1;
	}
	return 0;
}

void store__fp_probe_start(const struct store_fp *t, uint64_t h, struct store_fp_probe *pr)
{
	pr->t = t;
	pr->frag = (uint32_t)(h >> 32);
	pr->pos = t->cap ? home(pr->frag, t->bits) : 0;
}

int store__fp_probe_next(struct store_fp_probe *pr, int64_t *ret_rowid)
{
	const struct store_fp *t = pr->t;
	size_t mask = t->cap - 1;
	uint32_t tag = TAG(pr->frag);

	if (t->cap == 0)
		return 0;
	while (t->slot[pr->pos]) {
		uint32_t s = t->slot[pr->pos];
		pr->pos = (pr->pos + 1) & mask;
		if (SLOT_TAG(s) == tag && t->frag[SLOT_ROWID(s)] == pr->frag) {
			*ret_rowid = (int64_t)SLOT_ROWID(s);
			return 1;
		}
	}
	return 0;
}

void store__fp_release(struct store_fp *t, size_t *bytes)
{
	*bytes -= (t->cap + t->nfrag) * sizeof(uint32_t);
	free(t->slot);
	free(t->frag);
	memset(t, 0, sizeof(*t));
}

size_t store__fp_bytes_for(uint64_t entries)
{
	size_t cap = (size_t)1 << MIN_BITS, n = 1024;

	while (FULL(entries, cap) && cap < ((size_t)1 << 26))
		cap *= 2;
	while (n <= entries && n < ((size_t)1 << 26))
		n *= 2;
	return (cap + n) * sizeof(uint32_t);
}
