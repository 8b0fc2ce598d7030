/* Allocation wrappers that abort on out-of-memory, and checked size arithmetic. */
#include "base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static void oom(size_t n)
{
	fprintf(stderr, "fatal: out of memory (asked for %zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom(xmul(nmemb, size));
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xmemdup0(s, strlen(s));
}

char *xmemdup0(const void *p, size_t n)
{
	char *q = xmalloc(xadd(n, 1));

	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

size_t xmul(size_t a, size_t b)
{
	size_t r;

	if (__builtin_mul_overflow(a, b, &r)) {
		fprintf(stderr, "fatal: size overflow (%zu * %zu)\n", a, b);
		abort();
	}
	return r;
}

size_t xadd(size_t a, size_t b)
{
	size_t r;

	if (__builtin_add_overflow(a, b, &r)) {
		fprintf(stderr, "fatal: size overflow (%zu + %zu)\n", a, b);
		abort();
	}
	return r;
}

void xgrow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n;

	if (need <= *cap)
		return;
	n = *cap ? *cap : 8;
	while (n < need)
		n = xmul(n, 2);
	*p = xrealloc(*p, xmul(n, elem));
	*cap = n;
}
