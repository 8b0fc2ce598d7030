/*
 * log: messages for people running intake, written only by the edges (cli/, http/,
 * jobs/ workers). Library modules fill struct err instead and never log.
 * Owns: the log level and where messages go (standard error).
 * Knows nothing of: anything else in intake.
 *
 * Grammar: start lower-case, no trailing full stop, say what failed first and quote the
 * subject: "cannot open 'people.csv': permission denied".
 */
#ifndef INTAKE_BASE_LOG_H
#define INTAKE_BASE_LOG_H

#include <stdbool.h>

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

/* Messages below level are dropped; INTAKE_LOG=debug|info|warn|error sets it at start. */
void log_set_level(enum log_level level);
void log_init_from_env(void);
bool log_enabled(enum log_level level);

void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Logs at error level and exits with status 1. */
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
