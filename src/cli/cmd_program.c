/* intake program create | list | show | field add: programs and their schemas. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fs.h"
#include "base/limit.h"
#include "base/log.h"
#include "cli/cli_int.h"
#include "cli/cmd_util.h"
#include "schema/schema.h"
#include "store/store.h"
#include "base/banned.h"

static void add_info(struct buf *b, const struct store_program_info *in)
{
	buf_addf(b, "{\"id\": %" PRId64 ", \"name\": ", in->id);
	buf_add_json_str(b, in->name, strlen(in->name));
	buf_adds(b, ", \"preset\": ");
	if (in->preset)
		buf_add_json_str(b, in->preset, strlen(in->preset));
	else
		buf_adds(b, "null");
	buf_addf(b, ", \"created_at\": \"%s\"}", in->created_at);
}

static int load_schema(const char *preset, const char *file, struct schema **ret)
{
	struct err err;
	struct buf text;
	int rc = -1;

	err_clear(&err);
	buf_init(&text, LIMIT_SCHEMA_BYTES);
	if (preset) {
		const char *json = schema_preset_json(preset);
		if (!json) {
			buf_release(&text);
			return cli_usage_error("unknown preset '%s' (121, opencell, vibes, ticketshop)",
					       preset);
		}
		buf_adds(&text, json);
	} else if (fs_read_file(file, &text, &err) < 0) {
		log_error("cannot read schema '%s': %s", file, err.msg);
		goto out;
	}
	if (schema_parse(text.ptr, text.len, ret, &err) < 0) {
		log_error("invalid schema '%s': %s", preset ? preset : file, err.msg);
		goto out;
	}
	rc = 0;
out:
	buf_release(&text);
	return rc < 0 ? CLI_EXIT_USAGE : 0;
}

static int program_create(int argc, char **argv, struct cli_app *app)
{
	const char *name = NULL, *preset = NULL, *file = NULL;
	struct schema *schema = NULL;
	struct store *st = NULL;
	struct err err;
	struct buf out;
	int64_t id;
	int rc = CLI_EXIT_USAGE;

	for (int i = 2; i < argc; i++) {
		int r;
		if ((r = cli_opt_value(argc, argv, &i, "--preset", &preset)) != 0 ||
		    (r = cli_opt_value(argc, argv, &i, "--schema", &file)) != 0) {
			if (r < 0)
				return CLI_EXIT_USAGE;
		} else if (argv[i][0] == '-') {
			return cli_usage_error("unknown option '%s'", argv[i]);
		} else if (!name) {
			name = argv[i];
		} else {
			return cli_usage_error("program create takes one name (got '%s' too)", argv[i]);
		}
	}
	if (!name)
		return cli_usage_error("program create needs a NAME");
	if (!preset == !file)
		return cli_usage_error("program create needs --preset NAME or --schema FILE.json");
	if (load_schema(preset, file, &schema) != 0)
		return CLI_EXIT_USAGE;
	if (cli_store_open(app, &st) < 0)
		goto out;
	err_clear(&err);
	if (store_program_create(st, name, schema, &id, &err) < 0) {
		log_error("cannot create program '%s': %s", name, err.msg);
		goto out;
	}
	buf_init(&out, 4096);
	buf_addf(&out, "{\"id\": %" PRId64 ", \"name\": ", id);
	buf_add_json_str(&out, name, strlen(name));
	buf_adds(&out, "}");
	rc = cli_print(&out) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	buf_release(&out);
	log_info("created program '%s' (id %" PRId64 ")", name, id);
out:
	schema_free(schema);
	store_free(st);
	return rc;
}

static int program_list(int argc, char **argv, struct cli_app *app)
{
	struct store_program_info *v = NULL;
	struct store *st = NULL;
	struct err err;
	struct buf out;
	size_t n = 0;
	int rc = CLI_EXIT_USAGE;

	if (argc > 2)
		return cli_usage_error("program list takes no arguments (got '%s')", argv[2]);
	if (cli_store_open(app, &st) < 0)
		return CLI_EXIT_USAGE;
	err_clear(&err);
	if (store_program_list(st, &v, &n, &err) < 0) {
		log_error("cannot list programs: %s", err.msg);
		goto out;
	}
	buf_init(&out, LIMIT_REPORT_BYTES);
	buf_adds(&out, "[");
	for (size_t i = 0; i < n; i++) {
		buf_adds(&out, i ? ",\n " : "");
		add_info(&out, &v[i]);
	}
	buf_adds(&out, "]");
	rc = cli_print(&out) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	buf_release(&out);
out:
	store_program_infos_free(v, n);
	store_free(st);
	return rc;
}

static int program_show(int argc, char **argv, struct cli_app *app)
{
	struct store_program_info info = {0};
	struct store_program *p = NULL;
	const struct schema *sc;
	struct store *st = NULL;
	struct err err;
	struct buf out;
	char *json = NULL;
	int rc = CLI_EXIT_USAGE;

	if (argc != 3)
		return cli_usage_error("program show takes one NAME");
	if (cli_store_open(app, &st) < 0)
		return CLI_EXIT_USAGE;
	if (cli_program_open(st, argv[2], &p) < 0)
		goto out;
	sc = store_program_schema(p);
	info.id = store_program_id(p);
	info.name = (char *)store_program_name(p);
	info.preset = (char *)store_program_preset(p);
	buf_init(&out, LIMIT_REPORT_BYTES);
	buf_addf(&out, "{\"id\": %" PRId64 ", \"name\": ", info.id);
	buf_add_json_str(&out, info.name, strlen(info.name));
	buf_adds(&out, ", \"preset\": ");
	if (info.preset)
		buf_add_json_str(&out, info.preset, strlen(info.preset));
	else
		buf_adds(&out, "null");
	buf_adds(&out, ",\n \"records\": {");
	for (size_t e = 0; e < sc->nentities; e++) {
		uint64_t counts[STORE_NSTATES];
		err_clear(&err);
		if (store_entity_counts(p, e, counts, &err) < 0) {
			log_error("cannot count records: %s", err.msg);
			buf_release(&out);
			goto out;
		}
		buf_adds(&out, e ? ", " : "");
		buf_add_json_str(&out, sc->entities[e].name, strlen(sc->entities[e].name));
		buf_adds(&out, ": {");
		for (int s = 0; s < STORE_NSTATES; s++)
			buf_addf(&out, "%s\"%s\": %" PRIu64, s ? ", " : "",
				 store_state_name((enum store_state)s), counts[s]);
		buf_adds(&out, "}");
	}
	json = schema_to_json(sc);
	buf_addf(&out, "},\n \"schema\": %s}", json);
	rc = cli_print(&out) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	buf_release(&out);
out:
	free(json);
	store_program_close(p);
	store_free(st);
	return rc;
}

static int field_add(int argc, char **argv, struct cli_app *app)
{
	struct store_program *p = NULL;
	struct store *st = NULL;
	struct err err;
	struct buf text;
	int rc = CLI_EXIT_USAGE;

	if (argc != 6)
		return cli_usage_error("usage: intake program field add NAME ENTITY FIELD.json");
	buf_init(&text, LIMIT_SCHEMA_BYTES);
	err_clear(&err);
	if (fs_read_file(argv[5], &text, &err) < 0) {
		log_error("cannot read '%s': %s", argv[5], err.msg);
		goto out;
	}
	if (cli_store_open(app, &st) < 0 || cli_program_open(st, argv[3], &p) < 0)
		goto out;
	if (store_program_field_add(p, argv[4], text.ptr, text.len, &err) < 0) {
		log_error("cannot add the field of '%s': %s", argv[5], err.msg);
		goto out;
	}
	log_info("added a field to '%s' of program '%s'", argv[4], argv[3]);
	rc = CLI_EXIT_OK;
out:
	buf_release(&text);
	store_program_close(p);
	store_free(st);
	return rc;
}

int cmd_program(int argc, char **argv, struct cli_app *app)
{
	if (argc < 2)
		return cli_usage_error("program needs a subcommand: create, list, show, field add");
	if (strcmp(argv[1], "create") == 0)
		return program_create(argc, argv, app);
	if (strcmp(argv[1], "list") == 0)
		return program_list(argc, argv, app);
	if (strcmp(argv[1], "show") == 0)
		return program_show(argc, argv, app);
	if (strcmp(argv[1], "field") == 0 && argc > 2 && strcmp(argv[2], "add") == 0)
		return field_add(argc, argv, app);
	return cli_usage_error("unknown subcommand 'program %s'", argv[1]);
}
