/*
 * gen_readback: reads an intake-gen file back with intake's CSV reader and checks every
 * cell with its value parsers under the layout's fields. Prints one line per data record:
 * "RECORD<TAB>LINE<TAB>ERRORS", ERRORS being "column:code" pairs joined by ',' or '-'.
 * Usage: gen_readback people|persons|contacts FILE
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

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_COLS 10

enum required { OPTIONAL, REQUIRED, REQUIRED_ON_INSERT, IDENTIFIER };

struct field {
	const char *name;		/* column name */
	enum required req;		/* when an empty cell is an error */
	bool clear_ok;			/* "=" clears the value (contacts) */
	struct value_spec spec;		/* prepared in main */
};

static const char *const languages[] = { "en", "sw", "fr", "ar", "nl", "ln", "lg", "so", "am" };
static const char *const districts[] = {
	"kisumu", "turkana", "garissa", "nairobi", "kampala", "gulu", "arua", "goma", "bukavu",
	"kinshasa", "addis-ababa", "gambela", "utrecht", "den-haag", "rotterdam",
};
static const char *const genders[] = { "M", "F" };
static const char *const interests[] = {
	"books", "fashion", "food", "gaming", "movies", "music", "outdoors", "sports", "tech",
	"travel",
};
static const char *const operations[] = {
	"INSERT", "UPDATE", "UPDATEACT", "DELETE", "INVALIDATE", "ANONYMIZE",
};

#define INT_MIN1 { .type = VALUE_TYPE_INTEGER, .has_min = true, .min = 1 }
#define TEXT_MAX(n) { .type = VALUE_TYPE_TEXT, .max_length = (n) }
#define SELECT(o) { .type = VALUE_TYPE_SELECT, .options = (o), .noptions = COUNT(o) }

static struct field people[] = {
	{ "referenceId", REQUIRED, false, { .type = VALUE_TYPE_TEXT } },
	{ "phoneNumber", REQUIRED, false, { .type = VALUE_TYPE_PHONE } },
	{ "preferredLanguage", REQUIRED, false, SELECT(languages) },
	{ "paymentAmountMultiplier", OPTIONAL, false, INT_MIN1 },
	{ "maxPayments", OPTIONAL, false, INT_MIN1 },
	{ "fullName", OPTIONAL, false, TEXT_MAX(100) },
	{ "householdSize", OPTIONAL, false, INT_MIN1 },
	{ "isHeadOfHousehold", OPTIONAL, false, { .type = VALUE_TYPE_BOOLEAN } },
	{ "district", OPTIONAL, false, SELECT(districts) },
	{ "registeredAt", OPTIONAL, false, { .type = VALUE_TYPE_DATETIME } },
};

static struct field persons[] = {
	{ "external_person_id", IDENTIFIER, false, { .type = VALUE_TYPE_TEXT } },
	{ "mdn", IDENTIFIER, false, { .type = VALUE_TYPE_PHONE, .default_region = "US" } },
	{ "first_name", OPTIONAL, false, TEXT_MAX(50) },
	{ "last_name", OPTIONAL, false, TEXT_MAX(50) },
	{ "gender", OPTIONAL, false, SELECT(genders) },
	{ "birth_date", OPTIONAL, false, { .type = VALUE_TYPE_DATETIME } },
	{ "interests", OPTIONAL, false,
	  { .type = VALUE_TYPE_MULTISELECT, .options = interests, .noptions = COUNT(interests) } },
};

static struct field contacts[] = {
	{ "INSTIT", REQUIRED, false, TEXT_MAX(15) },
	{ "ORGANIZATION", REQUIRED, false, TEXT_MAX(15) },
	{ "OPERATION", REQUIRED, false, SELECT(operations) },
	{ "CONTACT_CODE", REQUIRED, false, { .type = VALUE_TYPE_TEXT } },
	{ "FIRSTNAME", OPTIONAL, false, TEXT_MAX(50) },
	{ "LASTNAME", REQUIRED_ON_INSERT, false, TEXT_MAX(50) },
	{ "EMAIL", OPTIONAL, true, { .type = VALUE_TYPE_EMAIL } },
	{ "PHONE", OPTIONAL, true, { .type = VALUE_TYPE_PHONE } },
	{ "BIRTHDATE", OPTIONAL, true, { .type = VALUE_TYPE_DATE } },
};

static void report(const struct field *f, enum err_code code, bool *first)
{
	printf("%s%s:%s", *first ? "" : ",", f->name, err_name(code));
	*first = false;
}

static void check_record(const struct csv_record *rec, struct field *fields, size_t n,
			 struct arena *a)
{
	bool first = true, insert = false, has_id = false;

	for (size_t i = 0; i < n && i < rec->nfields; i++)
		if (strcmp(fields[i].name, "OPERATION") == 0)
			insert = strcmp(rec->fields[i].ptr, "INSERT") == 0;
	printf("%" PRIu64 "\t%" PRIu64 "\t", rec->index - 1, rec->line);
	if (rec->nfields != n) {
		printf("record:wrong_column_count\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct csv_field *cell = &rec->fields[i];
		struct field *f = &fields[i];
		struct value v;
		struct value_error verr;

		if (cell->len == 0) {
			if (f->req == REQUIRED || (f->req == REQUIRED_ON_INSERT && insert))
				report(f, ERR_REQUIRED_MISSING, &first);
			continue;
		}
		if (f->req == IDENTIFIER)
			has_id = true;
		if (f->clear_ok && cell->len == 1 && cell->ptr[0] == '=')
			continue;
		if (!value_parse(&f->spec, cell->ptr, cell->len, a, &v, &verr))
			report(f, verr.code, &first);
	}
	if (!has_id && fields[0].req == IDENTIFIER)
		report(&fields[0], ERR_IDENTIFIER_REQUIRED, &first);
	printf("%s\n", first ? "-" : "");
}

int main(int argc, char **argv)
{
	struct csv_reader_opts opts = { .delimiter = 0 };
	struct csv_reader *r = NULL;
	const struct csv_record *rec;
	struct field *fields;
	size_t n;
	struct arena a;
	struct err err;
	int fd, got, rc = 1;

	err_clear(&err);
	if (argc != 3)
		goto usage;
	if (strcmp(argv[1], "people") == 0) {
		fields = people;
		n = COUNT(people);
	} else if (strcmp(argv[1], "persons") == 0) {
		fields = persons;
		n = COUNT(persons);
	} else if (strcmp(argv[1], "contacts") == 0) {
		fields = contacts;
		n = COUNT(contacts);
	} else {
		goto usage;
	}
	for (size_t i = 0; i < n; i++) {
		if (value_spec_prepare(&fields[i].spec, &err) < 0) {
			fprintf(stderr, "gen_readback: %s: %s\n", fields[i].name, err.msg);
			return 1;
		}
	}
	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "gen_readback: cannot open '%s': %s\n", argv[2], strerror(errno));
		return 1;
	}
	arena_init(&a, 64 * 1024);
	if (csv_reader_new(&opts, csv_read_fd, &fd, &r, &err) < 0)
		goto out;
	while ((got = csv_reader_next(r, &rec, &err)) == 1) {
		if (rec->index == 1) {
			bool same = rec->nfields == n;

			for (size_t i = 0; same && i < n; i++)
				same = strcmp(rec->fields[i].ptr, fields[i].name) == 0;
			if (!same) {
				err_set(&err, ERR_INVALID_ARGUMENT, "the header is not %s's", argv[1]);
				goto out;
			}
			continue;
		}
		check_record(rec, fields, n, &a);
		arena_reset(&a);
	}
	if (got == 0)
		rc = 0;
out:
	if (rc)
		fprintf(stderr, "gen_readback: %s: %s (line %llu)\n", argv[2], err.msg, err.line);
	csv_reader_free(r);
	arena_release(&a);
	close(fd);
	for (size_t i = 0; i < n; i++)
		value_spec_release(&fields[i].spec);
	return rc;
usage:
	fputs("usage: gen_readback people|persons|contacts FILE\n", stderr);
	return 2;
}
