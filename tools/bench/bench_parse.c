/*
 * bench_parse: the "parse only" and "parse + validate" measurements of make bench. Reads a
 * people file (intake-gen --format people) with the CSV reader and, in validate mode,
 * parses every non-empty cell with the value parsers under the people layout's fields.
 * Usage: bench_parse parse|validate FILE. The summary goes to standard error.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/err.h"
#include "csv/csv.h"
#include "value/value.h"
#include "base/banned.h"

static const char *const languages[] = { "en", "sw", "fr", "ar", "nl", "ln", "lg", "so", "am" };
static const char *const districts[] = {
	"kisumu", "turkana", "garissa", "nairobi", "kampala", "gulu", "arua", "goma", "bukavu",
	"kinshasa", "addis-ababa", "gambela", "utrecht", "den-haag", "rotterdam",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The people layout's fields, as a 121 program's schema would declare them. */
struct field {
	const char *name;		/* column name */
	bool required;			/* an empty cell rejects the row */
	struct value_spec spec;		/* prepared in main */
};

static struct field fields[] = {
	{ "referenceId", true, { .type = VALUE_TYPE_TEXT } },
	{ "phoneNumber", true, { .type = VALUE_TYPE_PHONE } },
	{ "preferredLanguage", true,
	  { .type = VALUE_TYPE_SELECT, .options = languages, .noptions = COUNT(languages) } },
	{ "paymentAmountMultiplier", false, { .type = VALUE_TYPE_INTEGER, .has_min = true, .min = 1 } },
	{ "maxPayments", false, { .type = VALUE_TYPE_INTEGER, .has_min = true, .min = 1 } },
	{ "fullName", false, { .type = VALUE_TYPE_TEXT, .max_length = 100 } },
	{ "householdSize", false, { .type = VALUE_TYPE_INTEGER, .has_min = true, .min = 1 } },
	{ "isHeadOfHousehold", false, { .type = VALUE_TYPE_BOOLEAN } },
	{ "district", false,
	  { .type = VALUE_TYPE_SELECT, .options = districts, .noptions = COUNT(districts) } },
	{ "registeredAt", false, { .type = VALUE_TYPE_DATETIME } },
};

struct totals {
	uint64_t rows;			/* data records */
	uint64_t cells;			/* fields read */
	uint64_t bytes;			/* bytes of field values */
	uint64_t parsed;		/* cells given to value_parse */
	uint64_t rejected;		/* rows with at least one error */
	uint64_t errors[ERR__COUNT];	/* errors by code */
};

/* Maps each column of the header to its field (NULL for columns the layout lacks). */
static int map_header(const struct csv_record *rec, struct field **map, struct err *err)
{
	if (rec->nfields > COUNT(fields) * 2)
		return err_set(err, ERR_TOO_LARGE, "%zu columns: not a people file", rec->nfields);
	for (size_t i = 0; i < rec->nfields; i++) {
		map[i] = NULL;
		for (size_t f = 0; f < COUNT(fields); f++)
			if (strcmp(rec->fields[i].ptr, fields[f].name) == 0)
				map[i] = &fields[f];
	}
	return 0;
}

static void validate(const struct csv_record *rec, struct field **map, size_t ncols,
		     struct arena *a, struct totals *t)
{
	bool bad = false;

	for (size_t i = 0; i < rec->nfields && i < ncols; i++) {
		const struct csv_field *cell = &rec->fields[i];
		struct value v;
		struct value_error verr;

		if (map[i] == NULL)
			continue;
		if (cell->len == 0) {
			if (map[i]->required) {
				t->errors[ERR_REQUIRED_MISSING]++;
				bad = true;
			}
			continue;
		}
		t->parsed++;
		if (!value_parse(&map[i]->spec, cell->ptr, cell->len, a, &v, &verr)) {
			t->errors[verr.code]++;
			bad = true;
		}
	}
	t->rejected += bad;
}

static int run(const char *path, bool check, struct totals *t, struct err *err)
{
	struct csv_reader_opts opts = { .delimiter = 0 };
	struct csv_reader *r = NULL;
	const struct csv_record *rec;
	struct field *map[COUNT(fields) * 2];
	size_t ncols = 0;
	struct arena a;
	int fd, rc = -1, got;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(err, ERR_IO_ERROR, "cannot open '%s': %s", path, strerror(errno));
	arena_init(&a, 64 * 1024);
	if (csv_reader_new(&opts, csv_read_fd, &fd, &r, err) < 0)
		goto out;
	while ((got = csv_reader_next(r, &rec, err)) == 1) {
		if (rec->index == 1) {
			if (check && map_header(rec, map, err) < 0)
				goto out;
			ncols = rec->nfields;
			continue;
		}
		t->rows++;
		t->cells += rec->nfields;
		for (size_t i = 0; i < rec->nfields; i++)
			t->bytes += rec->fields[i].len;
		if (check) {
			validate(rec, map, ncols, &a, t);
			if (t->rows % 1024 == 0)
				arena_reset(&a);
		}
	}
	if (got == 0)
		rc = 0;
out:
	csv_reader_free(r);
	arena_release(&a);
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	struct totals t = { 0 };
	struct err err;
	bool check;
	int rc = 0;

	err_clear(&err);
	if (argc != 3 || (strcmp(argv[1], "parse") != 0 && strcmp(argv[1], "validate") != 0)) {
		fputs("usage: bench_parse parse|validate FILE\n", stderr);
		return 2;
	}
	check = strcmp(argv[1], "validate") == 0;
	for (size_t f = 0; check && f < COUNT(fields); f++) {
		if (value_spec_prepare(&fields[f].spec, &err) < 0) {
			fprintf(stderr, "bench_parse: field '%s': %s\n", fields[f].name, err.msg);
			return 1;
		}
	}
	if (run(argv[2], check, &t, &err) < 0) {
		fprintf(stderr, "bench_parse: %s: %s\n", argv[2], err.msg);
		rc = 1;
	} else if (check) {
		fprintf(stderr, "%" PRIu64 " rows, %" PRIu64 " cells parsed, %" PRIu64 " rejected",
			t.rows, t.parsed, t.rejected);
		for (int c = 0; c < ERR__COUNT; c++)
			if (t.errors[c])
				fprintf(stderr, " %s=%" PRIu64, err_name((enum err_code)c), t.errors[c]);
		fputc('\n', stderr);
	} else {
		fprintf(stderr, "%" PRIu64 " rows, %" PRIu64 " fields, %" PRIu64 " bytes\n", t.rows,
			t.cells, t.bytes);
	}
	for (size_t f = 0; check && f < COUNT(fields); f++)
		value_spec_release(&fields[f].spec);
	return rc;
}
