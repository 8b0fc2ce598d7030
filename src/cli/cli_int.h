/*
 * Private to src/cli/ and tests/unit/cli/: the command table's types and the shared
 * state of one command-line run.
 */
#ifndef INTAKE_CLI_CLI_INT_H
#define INTAKE_CLI_CLI_INT_H

#include <stdbool.h>

#include "base/limit.h"

/* Exit statuses (CONTRACT 2). */
enum cli_exit {
	CLI_EXIT_OK = 0,	/* every row taken */
	CLI_EXIT_USAGE = 1,	/* usage or environment error */
	CLI_EXIT_FAILED = 2,	/* the job failed: nothing taken */
	CLI_EXIT_PARTIAL = 3,	/* some rows rejected or files refused */
};

struct cli_app {
	const char *data_dir;	/* --data, INTAKE_DATA, or "./intake-data" */
	const char *db_url;	/* --db, INTAKE_DB, or NULL for SQLite in data_dir */
	struct limits limits;	/* configured limits (base/limit.h) */
	bool stderr_tty;	/* progress is shown only on a terminal */
};

/*
 * One subcommand: argv[0] is the command's own name ("import", or "program" for
 * "program create"), options follow. Returns an exit status.
 */
typedef int (*cli_cmd_fn)(int argc, char **argv, struct cli_app *app);

/*
 * The commands. Each lives in its own cmd_<name>.c. A command that is not built yet has
 * a weak default in cli.c that says so and exits 1.
 */
int cmd_init(int argc, char **argv, struct cli_app *app);
int cmd_program(int argc, char **argv, struct cli_app *app);
int cmd_user(int argc, char **argv, struct cli_app *app);
int cmd_inspect(int argc, char **argv, struct cli_app *app);
int cmd_template(int argc, char **argv, struct cli_app *app);
int cmd_import(int argc, char **argv, struct cli_app *app);
int cmd_jobs(int argc, char **argv, struct cli_app *app);
int cmd_job(int argc, char **argv, struct cli_app *app);
int cmd_export(int argc, char **argv, struct cli_app *app);
int cmd_serve(int argc, char **argv, struct cli_app *app);

/* Prints "intake: error: <msg>" (or usage) to stderr and returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
