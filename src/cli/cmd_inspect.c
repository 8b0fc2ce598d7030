/*
 * intake inspect FILE... [--program NAME] [--encoding ENC]: what each file (or ZIP entry)
 * is, as the JSON of CONTRACT 2, in one streaming pass over each entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/limit.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "cli/cli_int.h"
#include "cli/cmd_util.h"
#include "csv/csv.h"
#include "import/import.h"
#include "source/source.h"
#include "store/store.h"
#include "base/banned.h"

/* What inspect learns of one entry. */
struct look {
	const char *file;		/* entry name */
	const char *encoding;		/* NULL when unknown (empty, unreadable) */
	bool bom;
	char delimiter;			/* 0 when the dialect is unknown */
	bool dialect;			/* the CSV reader got as far as the dialect */
	struct csv_stats stats;		/* line ends seen */
	struct buf header;		/* the header as a JSON array */
	uint64_t rows;			/* data records */
	struct err error;		/* the file-level error, or ERR_OK */
	char **names;			/* the header's names, unescaped (with --program) */
	size_t nnames;
	bool entity_done;		/* the entity was looked for */
	const struct schema_entity *entity;	/* the file's entity; NULL: UNKNOWN */
};

static void add_str(struct buf *b, const char *s)
{
	if (s)
		buf_add_json_str(b, s, strlen(s));
	else
		buf_adds(b, "null");
}

static void add_char(struct buf *b, char c)
{
	if (c)
		buf_add_json_str(b, &c, 1);
	else
		buf_adds(b, "null");
}

static const char *line_ending(const struct csv_stats *s)
{
	int kinds = (s->lf > 0) + (s->crlf > 0) + (s->cr > 0);

	if (kinds > 1)
		return "mixed";
	return s->crlf ? "crlf" : s->lf ? "lf" : s->cr ? "cr" : NULL;
}

/* The header's names as the importer sees them (the spreadsheet-safety apostrophe off). */
static void header_names(struct look *l, const struct csv_record *rec)
{
	l->names = xcalloc(rec->nfields ? rec->nfields : 1, sizeof(char *));
	for (size_t c = 0; c < rec->nfields; c++) {
		const char *p = rec->fields[c].ptr;
		size_t n = rec->fields[c].len;
		csv_unescape(&p, &n);
		l->names[c] = xmemdup0(p, n);
	}
	l->nnames = rec->nfields;
}

/*
 * The entity of a file inside a program, by the importer's own rule (CONTRACT 9), on the
 * header and the first data record (NULL when there is none).
 */
static void entity_of(struct store_program *prog, struct look *l, const struct csv_record *first)
{
	const struct schema *sc = prog ? store_program_schema(prog) : NULL;
	long e;

	if (!sc || l->entity_done)
		return;
	l->entity_done = true;
	e = import_entity_detect(sc, l->file, l->names, l->nnames, first);
	if (e >= 0)
		l->entity = &sc->entities[e];
}

/* The header row's (or the Fields line's) names as a JSON array. */
static void header_json(struct buf *b, const struct csv_field *f, size_t n, char **names)
{
	buf_addc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addc(b, ',');
		if (names)
			add_str(b, names[i]);
		else
			buf_add_json_str(b, f[i].ptr, f[i].len);
	}
	buf_addc(b, ']');
}

static void entry_json(struct buf *b, const struct look *l, bool with_entity,
		       const struct csv_header_block *block)
{
	buf_adds(b, "{\"file\":");
	add_str(b, l->file);
	buf_adds(b, ",\"encoding\":");
	add_str(b, l->encoding);
	buf_addf(b, ",\"bom\":%s,\"delimiter\":", l->bom ? "true" : "false");
	add_char(b, l->dialect ? l->delimiter : 0);
	buf_addf(b, ",\"quote\":%s,\"line_ending\":", l->dialect ? "\"\\\"\"" : "null");
	add_str(b, line_ending(&l->stats));
	buf_adds(b, ",\"header_block\":");
	if (block) {
		buf_addc(b, '{');
		for (size_t k = 0; k < block->nlines; k++) {
			if (k)
				buf_addc(b, ',');
			add_str(b, block->lines[k].name);
			buf_addc(b, ':');
			add_str(b, block->lines[k].value);
		}
		buf_addc(b, '}');
	} else {
		buf_adds(b, "null");
	}
	buf_adds(b, ",\"header\":");
	if (l->header.len)
		buf_add(b, l->header.ptr, l->header.len);
	else
		buf_adds(b, "[]");
	buf_addf(b, ",\"rows\":%llu", (unsigned long long)l->rows);
	if (with_entity) {
		/* As in the import report: the entity, and the type (UNKNOWN when none). */
		buf_adds(b, ",\"entity\":");
		add_str(b, l->entity ? l->entity->name : NULL);
		buf_adds(b, ",\"type\":");
		add_str(b, l->entity && l->entity->type_name ? l->entity->type_name : "UNKNOWN");
	}
	buf_adds(b, ",\"file_errors\":[");
	if (l->error.code != ERR_OK) {
		buf_adds(b, "{\"code\":");
		add_str(b, err_name(l->error.code));
		buf_adds(b, ",\"message\":");
		add_str(b, l->error.msg);
		if (l->error.line)
			buf_addf(b, ",\"line\":%llu}", l->error.line);
		else
			buf_adds(b, ",\"line\":null}");
	}
	buf_adds(b, "]}");
}

/*
 * Inspects entry i of src and appends its JSON object to out. Returns true when the entry
 * has a file-level error.
 */
static bool inspect_entry(struct source *src, size_t i, const struct limits *lim,
			  struct store_program *prog, bool with_entity, struct buf *out)
{
	const struct source_entry *entry = source_entry(src, i);
	struct source_reader *r = NULL;
	struct csv_reader *cr = NULL;
	struct csv_reader_opts copts = {0};
	const struct csv_record *rec;
	const struct csv_header_block *block = NULL;
	struct look l = {.file = entry->name};
	bool header_seen = false, failed;
	int rc;

	err_clear(&l.error);
	/* The header as JSON: at worst six bytes per byte of a record, never more. */
	buf_init(&l.header, xadd(xmul(6, lim->record_bytes), 64));
	if (entry->error.code != ERR_OK) {
		l.error = entry->error;
		goto print;
	}
	if (source_reader_open(src, i, &r, &l.error) < 0)
		goto print;
	l.encoding = source_reader_encoding(r);
	l.bom = source_reader_bom(r);
	copts.delimiter = source_reader_delimiter(r);
	copts.rows_are_lines = source_reader_rows_are_lines(r);
	copts.header_block = true;
	copts.max_cell = lim->cell_bytes;
	copts.max_record = lim->record_bytes;
	copts.max_columns = lim->columns;
	if (csv_reader_new(&copts, source_read, r, &cr, &l.error) < 0 ||
	    csv_reader_prepare(cr, &l.error) < 0)
		goto print;
	l.dialect = true;
	l.delimiter = csv_reader_delimiter(cr);
	block = csv_reader_header_block(cr);
	if (block && block->fields) {
		header_json(&l.header, NULL, block->nfields, block->fields);
		header_seen = true;
		if (with_entity) {
			l.names = xcalloc(block->nfields ? block->nfields : 1, sizeof(char *));
			for (size_t c = 0; c < block->nfields; c++)
				l.names[c] = xstrdup(block->fields[c]);
			l.nnames = block->nfields;
		}
	}
	while ((rc = csv_reader_next(cr, &rec, &l.error)) == 1) {
		if (header_seen) {
			if (with_entity && l.rows == 0)
				entity_of(prog, &l, rec);
			l.rows++;
			continue;
		}
		header_json(&l.header, rec->fields, rec->nfields, NULL);
		if (with_entity)
			header_names(&l, rec);
		header_seen = true;
	}
	if (rc == 0) {
		err_clear(&l.error);
		if (with_entity && header_seen)
			entity_of(prog, &l, NULL);	/* a header alone */
	}
print:
	if (cr)
		csv_reader_stats(cr, &l.stats);
	entry_json(out, &l, with_entity, block);
	failed = l.error.code != ERR_OK;
	csv_reader_free(cr);	/* block points into it */
	source_reader_close(r);
	buf_release(&l.header);
	for (size_t c = 0; c < l.nnames; c++)
		free(l.names[c]);
	free(l.names);
	return failed;
}

static int write_out(struct buf *b)
{
	if (b->failed) {
		log_error("the description of one file is over %zu bytes", b->max);
		return -1;
	}
	if (fwrite(b->ptr, 1, b->len, stdout) != b->len) {
		log_error("cannot write to standard output");
		return -1;
	}
	buf_reset(b);
	return 0;
}

int cmd_inspect(int argc, char **argv, struct cli_app *app)
{
	const char *program = NULL, *encoding = NULL;
	struct store *st = NULL;
	struct store_program *prog = NULL;
	uint64_t zip_bytes = 0;
	int status = CLI_EXIT_OK, nfiles = 0, rc;
	bool file_errors = false;
	char **files = xcalloc((size_t)argc, sizeof(*files));

	for (int i = 1; i < argc; i++) {
		if ((rc = cli_opt_value(argc, argv, &i, "--program", &program)) != 0 ||
		    (rc = cli_opt_value(argc, argv, &i, "--encoding", &encoding)) != 0) {
			if (rc < 0)
				goto usage;
		} else if (strcmp(argv[i], "--") == 0) {
			while (++i < argc)
				files[nfiles++] = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_usage_error("unknown option '%s' for inspect", argv[i]);
			goto usage;
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (nfiles == 0) {
		cli_usage_error("inspect needs at least one FILE ('-' for standard input)");
		goto usage;
	}
	/* Only --program reads the data directory. */
	if (program && (cli_store_open(app, &st) < 0 || cli_program_open(st, program, &prog) < 0))
		goto usage;
	for (int f = 0; f < nfiles; f++) {
		struct source_opts o = {.encoding = encoding, .limits = &app->limits,
					.zip_bytes = &zip_bytes};
		struct source *src;
		struct buf out;
		struct err err;
		bool array;

		err_clear(&err);
		if (source_open(files[f], &o, &src, &err) < 0) {
			log_error("%s", err.msg);
			status = CLI_EXIT_USAGE;
			if (err.code == ERR_INVALID_ARGUMENT && encoding)
				break;	/* an unknown encoding: the same for every file */
			continue;
		}
		/* One entry at a time, so that a big archive is never held whole. */
		buf_init(&out, xadd(xmul(8, app->limits.record_bytes), 1 << 20));
		array = source_type(src) == SOURCE_ZIP;
		if (array)
			buf_addc(&out, '[');
		for (size_t e = 0; e < source_entry_count(src); e++) {
			if (e)
				buf_addc(&out, ',');
			file_errors |= inspect_entry(src, e, &app->limits, prog, program != NULL,
						     &out);
			if (write_out(&out) < 0)
				status = CLI_EXIT_USAGE;
		}
		buf_adds(&out, array ? "]\n" : "\n");
		if (write_out(&out) < 0 || fflush(stdout) != 0)
			status = CLI_EXIT_USAGE;
		buf_release(&out);
		source_free(src);
	}
	store_program_close(prog);
	store_free(st);
	free(files);
	if (status == CLI_EXIT_OK && file_errors)
		status = CLI_EXIT_PARTIAL;
	return status;
usage:
	store_program_close(prog);
	store_free(st);
	free(files);
	return CLI_EXIT_USAGE;
}
