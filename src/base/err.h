/*
 * err: the error report every action fills, and the stable error-code table.
 * Owns: struct err, enum err_code (generated from errcodes.def), code names and scopes.
 * Knows nothing of: anything else in intake.
 *
 * Convention: an action returns 0 on success or -1 on failure and fills the struct err
 * passed as its last parameter; a predicate returns bool. Filling an err never allocates.
 */
#ifndef INTAKE_BASE_ERR_H
#define INTAKE_BASE_ERR_H

#include <stdbool.h>
#include <stddef.h>

enum err_code {
#define ERRCODE(sym, name, scope, sentence) ERR_##sym,
#include "base/errcodes.def"
#undef ERRCODE
	ERR__COUNT
};

enum err_scope {
	ERR_SCOPE_ROW,		/* rejects one row */
	ERR_SCOPE_FILE,		/* stops one file */
	ERR_SCOPE_JOB,		/* stops the job */
	ERR_SCOPE_ENV,		/* usage or environment */
};

#define ERR_MSG_BYTES 256

struct err {
	enum err_code code;	   /* ERR_OK when nothing failed */
	int sys_errno;		   /* errno, SQLite or libpq code; 0 if none */
	unsigned long long line;   /* source line the error is about; 0 if none */
	char msg[ERR_MSG_BYTES];   /* one sentence a person can act on; cut short if long */
};

/* Empties *err (code ERR_OK, empty message). */
void err_clear(struct err *err);

/*
 * Fills *err with code and a printf-style message and returns -1, so callers can write
 * "return err_set(err, ERR_IO_ERROR, "cannot open '%s'", path);". A NULL err is allowed.
 * A NULL or empty fmt uses the code's default sentence.
 */
int err_set(struct err *err, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As err_set, and records errno (captured before anything else runs). */
int err_sys(struct err *err, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The stable public name ("invalid_phone"); "unknown" for a value outside the table. */
const char *err_name(enum err_code code);

/* The default sentence for people. */
const char *err_sentence(enum err_code code);

enum err_scope err_scope(enum err_code code);

/* Finds a code by its public name; returns false if there is none. */
bool err_code_from_name(const char *name, enum err_code *ret_code);

#endif
