/* The bump allocator used per batch and per request. */
#include "base/arena.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "base/banned.h"

struct arena_chunk {
	struct arena_chunk *next;	/* older chunk */
	size_t size;			/* usable bytes in data */
	size_t off;			/* next free byte */
	alignas(max_align_t) unsigned char data[];
};

#define ALIGN (alignof(max_align_t))

void arena_init(struct arena *a, size_t chunk_size)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
	a->used = 0;
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c = a->head;

	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used = 0;
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *c = a->head, *keep = NULL;

	/* Keep the oldest chunk of default size; free the others. */
	while (c) {
		struct arena_chunk *next = c->next;
		if (!next && c->size == a->chunk_size) {
			keep = c;
		} else {
			free(c);
		}
		c = next;
	}
	if (keep) {
		keep->next = NULL;
		keep->off = 0;
	}
	a->head = keep;
	a->used = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t need = xadd(n, ALIGN - 1) & ~(ALIGN - 1);
	void *p;

	if (!c || c->size - c->off < need) {
		size_t size = need > a->chunk_size ? need : a->chunk_size;
		c = xmalloc(xadd(sizeof(*c), size));
		c->size = size;
		c->off = 0;
		if (need > a->chunk_size && a->head) {
			/* A big block gets its own chunk behind the current one. */
			c->next = a->head->next;
			a->head->next = c;
			c->off = need;
			a->used += need;
			return c->data;
		}
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->off;
	c->off += need;
	a->used += need;
	return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	memset(p, 0, n);
	return p;
}

char *arena_memdup0(struct arena *a, const void *p, size_t n)
{
	char *q = arena_alloc(a, xadd(n, 1));

	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_memdup0(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, cp;
	int n;
	char *p;

	va_start(ap, fmt);
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
