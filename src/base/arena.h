/*
 * arena: a bump allocator for memory that dies together (one row batch, one request).
 * Owns: its chunks; everything allocated from it is freed by arena_reset or
 * arena_release, never one by one.
 * Knows nothing of: anything else in intake.
 *
 * arena_reset keeps the first chunk for reuse and frees the rest, so a batch loop that
 * resets after each batch keeps its memory flat.
 */
#ifndef INTAKE_BASE_ARENA_H
#define INTAKE_BASE_ARENA_H

#include <stddef.h>

#include "base/xalloc.h"

struct arena_chunk;

struct arena {
	struct arena_chunk *head;	/* newest chunk; owned */
	size_t chunk_size;		/* default size of a new chunk */
	size_t used;			/* bytes handed out since the last reset */
};

void arena_init(struct arena *a, size_t chunk_size);
void arena_release(struct arena *a);
void arena_reset(struct arena *a);

/* n bytes aligned for any type; never NULL (aborts on OOM). */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
/* Copies of bytes or strings, NUL-terminated. */
char *arena_memdup0(struct arena *a, const void *p, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define ARENA_NEW_ARRAY(a, type, n) ((type *)arena_zalloc((a), xmul((n), sizeof(type))))

#endif
