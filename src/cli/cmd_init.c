/* intake init: creates the data directory and its system database (idempotent). */
#include <stdio.h>

#include "base/log.h"
#include "cli/cli_int.h"
#include "store/store.h"
#include "base/banned.h"

int cmd_init(int argc, char **argv, struct cli_app *app)
{
	struct err err;

	if (argc > 1)
		return cli_usage_error("init takes no arguments (got '%s')", argv[1]);
	err_clear(&err);
	if (store_init(app->data_dir, app->db_url, &err) < 0) {
		log_error("cannot initialise '%s': %s", app->data_dir, err.msg);
		return CLI_EXIT_USAGE;
	}
	log_info("data directory '%s' is ready", app->data_dir);
	return CLI_EXIT_OK;
}
