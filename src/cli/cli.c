/* The command table, global options (--data, --db) and dispatch to cmd_<name>(). */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "cli/cli_int.h"
#include "base/banned.h"

static const struct command {
	const char *name;	/* first word on the command line */
	cli_cmd_fn fn;		/* its implementation */
	const char *usage;	/* one usage line per form */
} commands[] = {
	{"init", cmd_init, "intake init"},
	{"program", cmd_program,
	 "intake program create NAME (--preset 121|opencell|vibes|ticketshop | --schema FILE.json)\n"
	 "intake program list | program show NAME | program field add NAME ENTITY FIELD.json"},
	{"user", cmd_user,
	 "intake user add EMAIL [--admin] (--password-stdin)\n"
	 "intake user grant EMAIL --program NAME --role ROLE [--scope SCOPE]"},
	{"inspect", cmd_inspect, "intake inspect FILE... [--program NAME] [--encoding ENC]"},
	{"template", cmd_template, "intake template --program NAME --entity E"},
	{"import", cmd_import,
	 "intake import --program NAME [--entity E] [--dry-run] [--atomic] [--op OP]\n"
	 "              [--mode MODE] [--encoding ENC] [--as EMAIL]\n"
	 "              [--report FILE.json] [--rejects FILE|DIR] [--files a.csv,b.csv] FILE..."},
	{"jobs", cmd_jobs, "intake jobs [--program NAME]"},
	{"job", cmd_job,
	 "intake job show ID | job cancel ID | job revert ID\n"
	 "intake job resume ID [--report FILE.json] [--rejects FILE|DIR]"},
	{"export", cmd_export,
	 "intake export --program NAME --entity E [--format csv|json] [--raw]\n"
	 "              [--filter 'field=$op:value']..."},
	{"serve", cmd_serve, "intake serve [--listen 127.0.0.1:8121]"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

#define WEAK_COMMAND(fn, what)                                                     \
	__attribute__((weak)) int fn(int argc, char **argv, struct cli_app *app)   \
	{                                                                          \
		(void)argc;                                                        \
		(void)argv;                                                        \
		(void)app;                                                         \
		log_error("'%s' is not available in this build", what);           \
		return CLI_EXIT_USAGE;                                             \
	}

WEAK_COMMAND(cmd_init, "init")
WEAK_COMMAND(cmd_program, "program")
WEAK_COMMAND(cmd_user, "user")
WEAK_COMMAND(cmd_inspect, "inspect")
WEAK_COMMAND(cmd_template, "template")
WEAK_COMMAND(cmd_import, "import")
WEAK_COMMAND(cmd_jobs, "jobs")
WEAK_COMMAND(cmd_job, "job")
WEAK_COMMAND(cmd_export, "export")
WEAK_COMMAND(cmd_serve, "serve")

/* The command being run, for its usage in error messages; NULL before dispatch. */
static const struct command *current;

/* One command's usage lines, each indented by two spaces. */
static void usage_of(const struct command *c, FILE *f)
{
	fputs("  ", f);
	for (const char *u = c->usage; *u; u++) {
		fputc(*u, f);
		if (*u == '\n')
			fputs("  ", f);
	}
	fputc('\n', f);
}

static void usage(FILE *f)
{
	fputs("usage:\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		usage_of(&commands[i], f);
	fputs("global options: --data DIR (INTAKE_DATA), --db URL (INTAKE_DB)\n", f);
}

int cli_usage_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (current)
		log_error("%s (see 'intake %s --help')", msg, current->name);
	else
		log_error("%s (see 'intake --help')", msg);
	return CLI_EXIT_USAGE;
}

/*
 * Takes the global options out of argv wherever they stand, so every command accepts
 * them. Returns the new argc, or -1 on a global option without its value.
 */
static int take_globals(int argc, char **argv, struct cli_app *app)
{
	int out = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		size_t n = 0;

		if (strcmp(a, "--") == 0) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strncmp(a, "--data", 6) == 0 && (a[6] == '\0' || a[6] == '=')) {
			slot = &app->data_dir;
			n = 6;
		} else if (strncmp(a, "--db", 4) == 0 && (a[4] == '\0' || a[4] == '=')) {
			slot = &app->db_url;
			n = 4;
		}
		if (!slot) {
			argv[out++] = argv[i];
			continue;
		}
		if (a[n] == '=') {
			*slot = a + n + 1;
		} else if (i + 1 < argc) {
			*slot = argv[++i];
		} else {
			cli_usage_error("%s needs a value", a);
			return -1;
		}
	}
	argv[out] = NULL;
	return out;
}

int cli_main(int argc, char **argv)
{
	struct cli_app app = {0};
	struct err err;
	const char *env;

	log_init_from_env();
	err_clear(&err);
	app.data_dir = (env = getenv("INTAKE_DATA")) && *env ? env : "./intake-data";
	app.db_url = (env = getenv("INTAKE_DB")) && *env ? env : NULL;
	app.stderr_tty = isatty(STDERR_FILENO);
	if (limits_from_env(&app.limits, &err) < 0) {
		log_error("%s", err.msg);
		return CLI_EXIT_USAGE;
	}
	argc = take_globals(argc - 1, argv + 1, &app);
	argv++;
	if (argc < 0)
		return CLI_EXIT_USAGE;
	if (argc == 0 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0 ||
	    strcmp(argv[0], "help") == 0) {
		usage(argc == 0 ? stderr : stdout);
		return argc == 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(argv[0], "--version") == 0) {
		puts("intake " INTAKE_VERSION);
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[0], commands[i].name) != 0)
			continue;
		current = &commands[i];
		/* 'intake import --help': the command's own usage (before a '--' only). */
		for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++) {
			if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
				fputs("usage:\n", stdout);
				usage_of(current, stdout);
				return CLI_EXIT_OK;
			}
		}
		return commands[i].fn(argc, argv, &app);
	}
	return cli_usage_error("unknown command '%s'", argv[0]);
}
