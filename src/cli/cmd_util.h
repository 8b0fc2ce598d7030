/*
 * Private to src/cli/: what the data commands (init, program, import, template, export,
 * jobs, job) share: option parsing, opening the store and a program, JSON output.
 */
#ifndef INTAKE_CLI_CMD_UTIL_H
#define INTAKE_CLI_CMD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "cli/cli_int.h"
#include "schema/schema.h"
#include "store/store.h"

/*
 * Matches argv[*i] against an option that takes a value ("--program NAME" or
 * "--program=NAME"). Returns 1 and sets *ret (advancing *i past the value), 0 when it is
 * another argument, -1 (after a usage message) when the value is missing.
 */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **ret);
/* True when argv[i] is exactly the flag. */
bool cli_opt_flag(char **argv, int i, const char *name);

/* Opens the data directory's store; logs and returns -1 when it cannot. */
int cli_store_open(struct cli_app *app, struct store **ret);
/* Opens a program by name; logs and returns -1 when it cannot. */
int cli_program_open(struct store *st, const char *name, struct store_program **ret);

/*
 * Opens a program by name and finds one of its entities (the export and template
 * commands); logs and returns -1 when either is missing, with *ret_p possibly set (the
 * caller closes it).
 */
int cli_entity_open(struct store *st, const char *program, const char *entity,
		    struct store_program **ret_p, const struct schema_entity **ret_e);

/*
 * Checks, before any work is done, that an input can be read: a file (not a folder) that
 * opens for reading, or "-" (standard input). Logs and returns -1 when it cannot.
 */
int cli_input_ok(const char *path);
/*
 * Checks, before any work is done, that the output named by option opt can be written:
 * path's folder exists and path is not a folder, unless dir_ok (--rejects, which may name
 * a folder). Logs and returns -1 when not.
 */
int cli_output_ok(const char *opt, const char *path, bool dir_ok);

/* Parses a job id; logs and returns -1 when it is not one. */
int cli_job_id(const char *s, int64_t *ret);

/*
 * Runs or resumes job, prints its report on stdout and the summary on stderr, writes the
 * report and rejection files where asked (NULL: not); returns the exit status.
 */
int cli_run_job(struct cli_app *app, struct store *st, int64_t job, const char *report_path,
		const char *rejects);

/* Writes the buffer and a line end to standard output; -1 (logged) on a write error. */
int cli_print(struct buf *b);

#endif
