/* intake export and intake template: records and CSV templates of one entity. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "cli/cli_int.h"
#include "cli/cmd_util.h"
#include "import/import.h"
#include "store/store.h"
#include "base/banned.h"

#define MAX_FILTERS 64

int cmd_export(int argc, char **argv, struct cli_app *app)
{
	const char *program = NULL, *entity = NULL, *format = "csv";
	const char *filters[MAX_FILTERS];
	struct import_filter_set *set = NULL;
	struct store_program *p = NULL;
	const struct schema_entity *e;
	struct store *st = NULL;
	size_t nfilters = 0;
	bool raw = false;
	struct err err;
	int rc = CLI_EXIT_USAGE;

	for (int i = 1; i < argc; i++) {
		const char *f = NULL;
		int r;
		if ((r = cli_opt_value(argc, argv, &i, "--program", &program)) ||
		    (r = cli_opt_value(argc, argv, &i, "--entity", &entity)) ||
		    (r = cli_opt_value(argc, argv, &i, "--format", &format))) {
			if (r < 0)
				return CLI_EXIT_USAGE;
		} else if ((r = cli_opt_value(argc, argv, &i, "--filter", &f)) != 0) {
			if (r < 0)
				return CLI_EXIT_USAGE;
			if (nfilters == MAX_FILTERS)
				return cli_usage_error("at most %d filters", MAX_FILTERS);
			filters[nfilters++] = f;
		} else if (cli_opt_flag(argv, i, "--raw")) {
			raw = true;
		} else {
			return cli_usage_error("unknown argument '%s'", argv[i]);
		}
	}
	if (!program || !entity)
		return cli_usage_error("export needs --program NAME and --entity E");
	if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return cli_usage_error("--format '%s' is not csv or json", format);
	if (cli_store_open(app, &st) < 0)
		return CLI_EXIT_USAGE;
	if (cli_entity_open(st, program, entity, &p, &e) < 0)
		goto out;
	err_clear(&err);
	for (size_t i = 0; i < nfilters; i++)
		if (import_filter_add(&set, store_program_schema(p), e, filters[i], &err) < 0) {
			log_error("bad filter '%s': %s", filters[i], err.msg);
			goto out;
		}
	if (import_export(p, entity, set,
			  strcmp(format, "json") == 0 ? IMPORT_EXPORT_JSON : IMPORT_EXPORT_CSV, raw,
			  stdout, &err) < 0) {
		log_error("cannot export: %s", err.msg);
		goto out;
	}
	rc = CLI_EXIT_OK;
out:
	import_filters_free(set);
	store_program_close(p);
	store_free(st);
	return rc;
}

int cmd_template(int argc, char **argv, struct cli_app *app)
{
	const char *program = NULL, *entity = NULL;
	struct store_program *p = NULL;
	const struct schema_entity *e;
	struct store *st = NULL;
	struct err err;
	struct buf out;
	int rc = CLI_EXIT_USAGE;

	for (int i = 1; i < argc; i++) {
		int r;
		if ((r = cli_opt_value(argc, argv, &i, "--program", &program)) ||
		    (r = cli_opt_value(argc, argv, &i, "--entity", &entity))) {
			if (r < 0)
				return CLI_EXIT_USAGE;
		} else {
			return cli_usage_error("unknown argument '%s'", argv[i]);
		}
	}
	if (!program || !entity)
		return cli_usage_error("template needs --program NAME and --entity E");
	if (cli_store_open(app, &st) < 0)
		return CLI_EXIT_USAGE;
	if (cli_entity_open(st, program, entity, &p, &e) < 0)
		goto out;
	buf_init(&out, 1024 * 1024);
	err_clear(&err);
	if (import_template(e, &out, &err) < 0) {
		log_error("%s", err.msg);
	} else if (fwrite(out.ptr, 1, out.len, stdout) == out.len && fflush(stdout) == 0) {
		rc = CLI_EXIT_OK;
	}
	buf_release(&out);
out:
	store_program_close(p);
	store_free(st);
	return rc;
}
