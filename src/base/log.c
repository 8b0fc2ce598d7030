/* Level-filtered messages on standard error, one line each, "intake: " in front. */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static enum log_level current = LOG_LEVEL_INFO;

void log_set_level(enum log_level level)
{
	current = level;
}

void log_init_from_env(void)
{
	const char *s = getenv("INTAKE_LOG");

	if (!s)
		return;
	if (strcmp(s, "debug") == 0)
		current = LOG_LEVEL_DEBUG;
	else if (strcmp(s, "info") == 0)
		current = LOG_LEVEL_INFO;
	else if (strcmp(s, "warn") == 0)
		current = LOG_LEVEL_WARN;
	else if (strcmp(s, "error") == 0)
		current = LOG_LEVEL_ERROR;
}

bool log_enabled(enum log_level level)
{
	return level >= current;
}

__attribute__((format(printf, 3, 0)))
static void emit(enum log_level level, const char *prefix, const char *fmt, va_list ap)
{
	char line[2048];

	if (!log_enabled(level))
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* Keep one message on one line: user data may hold line breaks. */
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	fprintf(stderr, "intake: %s%s\n", prefix, line);
}

#define LOG_FN(fn, level, prefix)              \
	void fn(const char *fmt, ...)          \
	{                                      \
		va_list ap;                    \
		va_start(ap, fmt);             \
		emit(level, prefix, fmt, ap);  \
		va_end(ap);                    \
	}

LOG_FN(log_debug, LOG_LEVEL_DEBUG, "debug: ")
LOG_FN(log_info, LOG_LEVEL_INFO, "")
LOG_FN(log_warn, LOG_LEVEL_WARN, "warning: ")
LOG_FN(log_error, LOG_LEVEL_ERROR, "error: ")

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_LEVEL_ERROR, "error: ", fmt, ap);
	va_end(ap);
	exit(1);
}
