/*
 * buf: a growable byte string with a mandatory maximum and a sticky failure flag.
 * Owns: the bytes it holds (until buf_detach hands them over).
 * Knows nothing of: anything else in intake.
 *
 * Invariants (docs/internals/buf.md): after buf_init, ptr is never NULL and ptr[len] is
 * always '\0'; len <= max; an append that would pass max appends nothing, sets failed and
 * leaves the content as it was before that append. failed stays set until buf_reset.
 * Callers append freely and check failed once at the end, as with sqlite3_str.
 */
#ifndef INTAKE_BASE_BUF_H
#define INTAKE_BASE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *ptr;	/* never NULL after buf_init(); always NUL-terminated */
	size_t len;	/* bytes in use, not counting the NUL */
	size_t cap;	/* allocated size; private */
	size_t max;	/* hard limit on len chosen by the caller */
	bool failed;	/* sticky: set once an append hit max */
};

/* Sets up an empty buffer that will never hold more than max bytes. Never fails. */
void buf_init(struct buf *b, size_t max);
/* Frees the memory; b is as after buf_init with the same max. */
void buf_release(struct buf *b);
/* Empties b (len 0, failed cleared) and keeps its memory. */
void buf_reset(struct buf *b);

void buf_add(struct buf *b, const void *p, size_t n);
void buf_addc(struct buf *b, char c);
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s as a JSON string literal, quotes included (UTF-8 kept, controls escaped). */
void buf_add_json_str(struct buf *b, const char *s, size_t n);

/* Makes room for n more bytes without changing len; false (and failed) if over max. */
bool buf_reserve(struct buf *b, size_t n);
/* Shortens b to len bytes (len <= b->len). */
void buf_truncate(struct buf *b, size_t len);

/* Hands the bytes to the caller, who frees them; b is left as after buf_init. */
char *buf_detach(struct buf *b, size_t *ret_len);

#endif
