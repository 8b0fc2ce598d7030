/*
 * chunked: a csv_read_fn over a memory buffer that hands out at most `step` bytes per
 * call, so tests and fuzz targets can check that results never depend on how the input
 * was split into reads. Header-only: fuzz targets use it without the cmocka test library.
 */
#ifndef INTAKE_TESTS_CHUNKED_H
#define INTAKE_TESTS_CHUNKED_H

#include <stddef.h>
#include <string.h>
#include <sys/types.h>

#include "base/err.h"

struct chunked {
	const char *p;	/* the input */
	size_t n;	/* its length */
	size_t off;	/* bytes handed out */
	size_t step;	/* most bytes per call (at least 1) */
};

static inline ssize_t chunked_read(void *ctx, char *dst, size_t cap, struct err *err)
{
	struct chunked *c = ctx;
	size_t k = c->n - c->off;

	(void)err;
	if (k > cap)
		k = cap;
	if (k > c->step)
		k = c->step;
	memcpy(dst, c->p + c->off, k);
	c->off += k;
	return (ssize_t)k;
}

#endif
