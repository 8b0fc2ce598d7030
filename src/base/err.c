/* The error-code table (from errcodes.def) and the helpers that fill struct err. */
#include "base/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/banned.h"

static const struct {
	const char *name;
	enum err_scope scope;
	const char *sentence;
} table[ERR__COUNT] = {
#define ERRCODE(sym, pname, sc, text) [ERR_##sym] = {pname, ERR_SCOPE_##sc, text},
#include "base/errcodes.def"
#undef ERRCODE
};

void err_clear(struct err *err)
{
	if (!err)
		return;
	err->code = ERR_OK;
	err->sys_errno = 0;
	err->line = 0;
	err->msg[0] = '\0';
}

__attribute__((format(printf, 4, 0)))
static void fill(struct err *err, enum err_code code, int sys, const char *fmt, va_list ap)
{
	err->code = code;
	err->sys_errno = sys;
	if (fmt && *fmt)
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	else
		snprintf(err->msg, sizeof(err->msg), "%s", err_sentence(code));
}

int err_set(struct err *err, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	fill(err, code, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int err_sys(struct err *err, enum err_code code, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	fill(err, code, saved, fmt, ap);
	va_end(ap);
	if (saved == ENOSPC || saved == EDQUOT)
		err->code = ERR_DISK_FULL;
	return -1;
}

const char *err_name(enum err_code code)
{
	if ((unsigned)code >= ERR__COUNT)
		return "unknown";
	return table[code].name;
}

const char *err_sentence(enum err_code code)
{
	if ((unsigned)code >= ERR__COUNT)
		return "Unknown error.";
	return table[code].sentence;
}

enum err_scope err_scope(enum err_code code)
{
	if ((unsigned)code >= ERR__COUNT)
		return ERR_SCOPE_ENV;
	return table[code].scope;
}

bool err_code_from_name(const char *name, enum err_code *ret_code)
{
	for (unsigned i = 0; i < ERR__COUNT; i++) {
		if (strcmp(table[i].name, name) == 0) {
			*ret_code = (enum err_code)i;
			return true;
		}
	}
	return false;
}
