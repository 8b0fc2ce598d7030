/*
 * xalloc: allocation that never returns NULL, and overflow-checked size arithmetic.
 * Owns: the out-of-memory policy (print a message and abort).
 * Knows nothing of: anything else in intake.
 *
 * Out of memory is not an input error: every input-driven growth in intake is bounded by
 * a named limit (base/limit.h), so running out means the machine is too small.
 */
#ifndef INTAKE_BASE_XALLOC_H
#define INTAKE_BASE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* A NUL-terminated copy of the n bytes at p (which need not be terminated). */
char *xmemdup0(const void *p, size_t n);

/* a * b and a + b; abort on overflow (a size that large is a bug, not an input). */
size_t xmul(size_t a, size_t b);
size_t xadd(size_t a, size_t b);

/* Grows *p (holding *cap elements of size elem) to hold at least need elements. */
void xgrow(void **p, size_t *cap, size_t need, size_t elem);

#define XGROW(ptr, cap, need) xgrow((void **)&(ptr), &(cap), (need), sizeof(*(ptr)))

#endif
