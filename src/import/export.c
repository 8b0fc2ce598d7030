/*
 * What reads records back out: CSV templates (CONTRACT 6), export filters parsed from the
 * query language into typed store filters (SQL stays in store/), and exports as CSV
 * (escaped per CONTRACT 4 unless raw, so an export imports back to the same values) or
 * JSON (CONTRACT 8's last paragraph).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "csv/csv.h"
#include "import/import_int.h"
#include "base/banned.h"

/* ---- templates ---- */

static bool is_identifier(const struct schema_entity *e, size_t f)
{
	for (size_t i = 0; i < e->nidentifiers; i++)
		if (e->identifiers[i].builtin == SCHEMA_BUILTIN_NONE && e->identifiers[i].field == f)
			return true;
	return false;
}

int import_template(const struct schema_entity *e, struct buf *out, struct err *err)
{
	struct csv_writer_opts o = {.delimiter = e->delimiter ? e->delimiter : ',', .eol = "\n",
				    .escape = true};
	size_t n = 0;

	if (e->template_columns) {
		for (size_t i = 0; i < e->ntemplate_columns; i++, n++) {
			if (n)
				buf_addc(out, o.delimiter);
			csv_write_field(out, &o, e->template_columns[i],
					strlen(e->template_columns[i]));
		}
	} else {
		for (size_t i = 0; i < e->nidentifiers; i++) {
			const struct schema_ident *id = &e->identifiers[i];
			if (id->builtin != SCHEMA_BUILTIN_NONE)
				continue;
			if (n++)
				buf_addc(out, o.delimiter);
			csv_write_field(out, &o, e->fields[id->field].name,
					strlen(e->fields[id->field].name));
		}
		for (size_t f = 0; f < e->nfields; f++) {
			if (is_identifier(e, f))
				continue;
			if (n++)
				buf_addc(out, o.delimiter);
			csv_write_field(out, &o, e->fields[f].name, strlen(e->fields[f].name));
		}
	}
	buf_adds(out, o.eol);
	if (out->failed)
		return err_set(err, ERR_INTERNAL_ERROR, "the template is too large");
	return 0;
}

/* ---- filters ---- */

#define FILTERS_MAX 64
#define FILTER_VALUES_MAX 1000

struct import_filter_set {
	struct store_filter f[FILTERS_MAX];
	size_t n;
	struct arena a;		/* the filters' values */
};

void import_filters_free(struct import_filter_set *set)
{
	if (!set)
		return;
	arena_release(&set->a);
	free(set);
}

static const struct {
	const char *name;
	enum store_filter_op op;
	int nvals;	/* -1: a list */
} filter_ops[] = {
	{"$eq", STORE_FILTER_EQ, 1},	 {"$in", STORE_FILTER_IN, -1},
	{"$ilike", STORE_FILTER_ILIKE, 1}, {"$null", STORE_FILTER_NULL, 0},
	{"$gt", STORE_FILTER_GT, 1},	 {"$gte", STORE_FILTER_GTE, 1},
	{"$lt", STORE_FILTER_LT, 1},	 {"$lte", STORE_FILTER_LTE, 1},
	{"$btw", STORE_FILTER_BTW, 2},
};

/*
 * The typed value of a filter's text for the subject's type. A number, a boolean or a date
 * that does not parse is an error (it could only compare as text, and match nothing or
 * everything); bounds and lengths are not checked (age=$gt:200 is a fair question). Other
 * types keep the text when it does not parse (it matches nothing).
 */
static int typed_value(const struct schema *sc, const struct schema_entity *e,
		       const struct store_filter *f, const char *p, size_t n, struct arena *a,
		       struct store_val *ret, struct err *err)
{
	int rc = 0;

	ret->kind = STORE_TEXT;
	ret->s = arena_memdup0(a, p, n);
	ret->n = n;
	if (f->builtin == SCHEMA_BUILTIN_ID || f->builtin == SCHEMA_BUILTIN_CREATED_JOB) {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(ret->s, &end, 10);
		if (errno || end == ret->s || *end)
			return err_set(err, ERR_INVALID_ARGUMENT, "'%.80s' is not a whole number",
				       ret->s);
		ret->kind = STORE_INT;
		ret->i = v;
		return 0;
	}
	if (f->builtin != SCHEMA_BUILTIN_NONE || f->op == STORE_FILTER_ILIKE)
		return 0;
	{
		const struct schema_field *fd = &e->fields[f->field];
		struct value_spec spec;
		struct value v;
		struct value_error verr;
		struct err e2;
		struct schema_field by;

		if (fd->type == SCHEMA_REFERENCE) {
			/* A reference is compared on the parent's `by` value. */
			const struct schema_entity *pe = schema_entity_find(sc, fd->ref_entity);
			long b = pe && fd->ref_by ? schema_field_find(pe, fd->ref_by) : -1;
			if (b < 0)
				return 0;
			by = pe->fields[b];
			fd = &by;
		}
		import__spec_from_field(fd, &spec);
		spec.has_min = spec.has_max = false;
		spec.max_length = 0;
		if (value_spec_prepare(&spec, &e2) < 0)
			return 0;
		if (value_parse(&spec, p, n, a, &v, &verr)) {
			switch (v.kind) {
			case VALUE_INT:
				ret->kind = STORE_INT;
				ret->i = v.i;
				break;
			case VALUE_REAL:
				ret->kind = STORE_REAL;
				ret->r = v.r;
				break;
			case VALUE_TEXT:
				ret->s = arena_memdup0(a, v.s, v.n);
				ret->n = v.n;
				break;
			case VALUE_NULL:
				break;
			}
		} else if (fd->type == SCHEMA_INTEGER || fd->type == SCHEMA_DECIMAL ||
			   fd->type == SCHEMA_BOOLEAN || fd->type == SCHEMA_DATE ||
			   fd->type == SCHEMA_DATETIME) {
			rc = err_set(err, ERR_INVALID_ARGUMENT, "for %s, %s",
				     e->fields[f->field].name, verr.msg);
		}
		value_spec_release(&spec);
	}
	return rc;
}

int import_filter_add(struct import_filter_set **set, const struct schema *sc,
		      const struct schema_entity *e, const char *text, struct err *err)
{
	const char *eq = strchr(text, '='), *rest;
	struct store_filter *f;
	char field[LIMIT_NAME_BYTES + 1];
	size_t flen;

	if (!eq || eq == text)
		return err_set(err, ERR_INVALID_ARGUMENT,
			       "'%.80s' is not a filter; write field=$op:value", text);
	if (!*set) {
		*set = xcalloc(1, sizeof(**set));
		arena_init(&(*set)->a, 4096);
	}
	if ((*set)->n == FILTERS_MAX)
		return err_set(err, ERR_INVALID_ARGUMENT, "at most %d filters", FILTERS_MAX);
	flen = (size_t)(eq - text);
	if (flen > LIMIT_NAME_BYTES)
		return err_set(err, ERR_INVALID_ARGUMENT, "'%.80s' is not a field of %s", text,
			       e->name);
	memcpy(field, text, flen);
	field[flen] = '\0';
	f = &(*set)->f[(*set)->n];
	memset(f, 0, sizeof(*f));
	if (strcmp(field, "id") == 0) {
		f->builtin = SCHEMA_BUILTIN_ID;
	} else if (strcmp(field, "key") == 0) {
		f->builtin = SCHEMA_BUILTIN_KEY;
	} else if (strcmp(field, "state") == 0) {
		f->builtin = SCHEMA_BUILTIN_STATE;
	} else if (strcmp(field, "created_at") == 0) {
		f->builtin = SCHEMA_BUILTIN_CREATED_AT;
	} else if (strcmp(field, "updated_at") == 0) {
		f->builtin = SCHEMA_BUILTIN_UPDATED_AT;
	} else if (strcmp(field, "created_job") == 0) {
		f->builtin = SCHEMA_BUILTIN_CREATED_JOB;
	} else {
		long fi = schema_field_find(e, field);
		if (fi < 0)
			return err_set(err, ERR_INVALID_ARGUMENT, "'%s' is not a field of %s", field,
				       e->name);
		f->builtin = SCHEMA_BUILTIN_NONE;
		f->field = (size_t)fi;
	}
	rest = eq + 1;
	if (strncmp(rest, "$not:", 5) == 0) {
		f->negate = true;
		rest += 5;
	}
	f->op = STORE_FILTER_EQ;
	if (rest[0] == '$') {
		size_t k, n = strcspn(rest, ":");
		for (k = 0; k < sizeof(filter_ops) / sizeof(filter_ops[0]); k++)
			if (strlen(filter_ops[k].name) == n && memcmp(filter_ops[k].name, rest, n) == 0)
				break;
		if (k == sizeof(filter_ops) / sizeof(filter_ops[0]))
			return err_set(err, ERR_INVALID_ARGUMENT,
				       "'%.*s' is not a filter operator ($eq $in $ilike $null $not "
				       "$gt $gte $lt $lte $btw)", (int)n, rest);
		f->op = filter_ops[k].op;
		rest += n;
		if (filter_ops[k].nvals != 0) {
			if (*rest != ':')
				return err_set(err, ERR_INVALID_ARGUMENT, "%s needs a value: %s:VALUE",
					       filter_ops[k].name, filter_ops[k].name);
			rest++;
		} else if (*rest) {
			return err_set(err, ERR_INVALID_ARGUMENT, "$null takes no value");
		}
	}
	if (f->op != STORE_FILTER_NULL) {
		struct store_val *vals = ARENA_NEW_ARRAY(&(*set)->a, struct store_val,
							 FILTER_VALUES_MAX);
		bool list = f->op == STORE_FILTER_IN || f->op == STORE_FILTER_BTW;
		size_t n = 0;
		const char *p = rest;
		for (;;) {
			size_t len = list ? strcspn(p, ",") : strlen(p);
			if (n == FILTER_VALUES_MAX)
				return err_set(err, ERR_INVALID_ARGUMENT, "at most %d values",
					       FILTER_VALUES_MAX);
			if (typed_value(sc, e, f, p, len, &(*set)->a, &vals[n++], err) < 0)
				return -1;
			if (!list || p[len] != ',')
				break;
			p += len + 1;
		}
		if (f->op == STORE_FILTER_BTW && n != 2)
			return err_set(err, ERR_INVALID_ARGUMENT, "$btw needs two values: $btw:A,B");
		f->vals = vals;
		f->nvals = n;
	}
	(*set)->n++;
	return 0;
}

/* ---- export ---- */

/*
 * A date (stored YYYY-MM-DD) in the field's first format when the field does not read
 * YYYY-MM-DD, so that a CSV export imports back. False when it is written as stored.
 */
static bool date_in_format(const struct schema_field *fd, const struct store_val *v,
			   struct buf *out)
{
	const char *f;

	if (!fd->nformats || v->n != 10 || v->s[4] != '-' || v->s[7] != '-')
		return false;
	for (size_t i = 0; i < fd->nformats; i++)
		if (strcmp(fd->formats[i], "YYYY-MM-DD") == 0)
			return false;
	for (f = fd->formats[0]; *f;) {
		if (strncmp(f, "YYYY", 4) == 0) {
			buf_add(out, v->s, 4);
			f += 4;
		} else if (strncmp(f, "MM", 2) == 0) {
			buf_add(out, v->s + 5, 2);
			f += 2;
		} else if (strncmp(f, "DD", 2) == 0) {
			buf_add(out, v->s + 8, 2);
			f += 2;
		} else {
			buf_addc(out, *f++);
		}
	}
	return true;
}

/* The text of a value as a cell, for CSV and for JSON strings. */
static void cell_text(const struct schema_field *fd, const struct store_val *v, struct buf *out)
{
	switch (v->kind) {
	case STORE_NULL:
		return;
	case STORE_INT:
		if (fd && fd->type == SCHEMA_BOOLEAN) {
			const char *w = v->i ? (fd->ntrue ? fd->true_words[0] : "true")
					     : (fd->nfalse ? fd->false_words[0] : "false");
			buf_adds(out, w);
			return;
		}
		buf_addf(out, "%" PRId64, v->i);
		return;
	case STORE_REAL: {
		char tmp[40];
		snprintf(tmp, sizeof(tmp), "%.15g", v->r);
		if (strtod(tmp, NULL) != v->r)
			snprintf(tmp, sizeof(tmp), "%.17g", v->r);
		/* In the field's own separator, so that the export imports back. */
		if (fd && fd->type == SCHEMA_DECIMAL && fd->decimal_separator &&
		    fd->decimal_separator != '.') {
			char *dot = strchr(tmp, '.');
			if (dot)
				*dot = fd->decimal_separator;
		}
		buf_adds(out, tmp);
		return;
	}
	case STORE_TEXT:
		if (fd && fd->type == SCHEMA_MULTISELECT && fd->separator && fd->separator != '|') {
			for (size_t i = 0; i < v->n; i++)
				buf_addc(out, v->s[i] == '|' ? fd->separator : v->s[i]);
			return;
		}
		if (fd && fd->type == SCHEMA_DATE && date_in_format(fd, v, out))
			return;
		buf_add(out, v->s, v->n);
		return;
	}
}

static void json_value(const struct schema_field *fd, const struct store_val *v,
		       const struct value_spec *e164, struct arena *a, struct buf *out)
{
	switch (v->kind) {
	case STORE_NULL:
		buf_adds(out, "null");
		return;
	case STORE_INT:
		if (fd->type == SCHEMA_BOOLEAN)
			buf_adds(out, v->i ? "true" : "false");
		else
			buf_addf(out, "%" PRId64, v->i);
		return;
	case STORE_REAL:
		cell_text(NULL, v, out);
		return;
	case STORE_TEXT:
		break;
	}
	if (e164) {
		/* A phone kept in its national form: E.164 again, by its default region. */
		struct value pv;
		struct value_error verr;
		if (value_parse(e164, v->s, v->n, a, &pv, &verr) && pv.kind == VALUE_TEXT) {
			buf_add_json_str(out, pv.s, pv.n);
			return;
		}
	}
	if (fd->type == SCHEMA_MULTISELECT) {
		const char *p = v->s, *end = v->s + v->n;
		buf_addc(out, '[');
		while (p < end) {
			const char *bar = memchr(p, '|', (size_t)(end - p));
			size_t n = bar ? (size_t)(bar - p) : (size_t)(end - p);
			if (p != v->s)
				buf_adds(out, ", ");
			buf_add_json_str(out, p, n);
			p += n + (bar ? 1 : 0);
		}
		buf_addc(out, ']');
		return;
	}
	if (fd->type == SCHEMA_PHONE && fd->output == SCHEMA_PHONE_DIGITS) {
		/* JSON gives phone numbers in E.164. */
		struct buf plus;
		buf_init(&plus, v->n + 2);
		buf_addc(&plus, '+');
		buf_add(&plus, v->s, v->n);
		buf_add_json_str(out, plus.ptr, plus.len);
		buf_release(&plus);
		return;
	}
	buf_add_json_str(out, v->s, v->n);
}

static int flush(struct buf *b, FILE *out, struct err *err)
{
	if (b->failed)
		return err_set(err, ERR_INTERNAL_ERROR, "a record is too large to export");
	if (b->len && fwrite(b->ptr, 1, b->len, out) != b->len)
		return err_sys(err, ERR_IO_ERROR, "cannot write the export: %s", strerror(errno));
	buf_reset(b);
	return 0;
}

/* The parent field a reference exports (its `by` field), for typing. */
static const struct schema_field *shown_field(const struct schema *sc,
					      const struct schema_field *fd)
{
	const struct schema_entity *pe;
	long b;

	if (fd->type != SCHEMA_REFERENCE)
		return fd;
	pe = schema_entity_find(sc, fd->ref_entity);
	b = pe && fd->ref_by ? schema_field_find(pe, fd->ref_by) : -1;
	return b >= 0 ? &pe->fields[b] : fd;
}

int import_export(struct store_program *p, const char *entity,
		  const struct import_filter_set *filters, enum import_export_format format,
		  bool raw, FILE *out, struct err *err)
{
	const struct schema *sc = store_program_schema(p);
	const struct schema_entity *e = schema_entity_find(sc, entity);
	struct csv_writer_opts o = {.eol = "\n", .escape = !raw};
	struct store_cursor *c = NULL;
	struct store_record rec;
	struct arena a;
	struct buf b, cell;
	struct value_spec *e164 = NULL;	/* per field: national phones to E.164 (JSON) */
	bool *e164_ready = NULL;
	uint64_t n = 0;
	int rc = -1;

	if (!e)
		return err_set(err, ERR_INVALID_ARGUMENT, "program '%s' has no entity '%.64s'",
			       store_program_name(p), entity);
	o.delimiter = e->delimiter ? e->delimiter : ',';
	if (format == IMPORT_EXPORT_JSON) {
		/* JSON gives phone numbers in E.164 (CONTRACT 8), national ones included. */
		for (size_t f = 0; f < e->nfields; f++) {
			const struct schema_field *fd = shown_field(sc, &e->fields[f]);
			struct err ignored;
			if (fd->type != SCHEMA_PHONE || fd->output != SCHEMA_PHONE_NATIONAL)
				continue;
			if (!e164) {
				e164 = xcalloc(e->nfields, sizeof(*e164));
				e164_ready = xcalloc(e->nfields, sizeof(*e164_ready));
			}
			import__spec_from_field(fd, &e164[f]);
			e164[f].output = VALUE_PHONE_E164;
			e164_ready[f] = value_spec_prepare(&e164[f], &ignored) == 0;
		}
	}
	arena_init(&a, 64 * 1024);
	buf_init(&b, LIMIT_RECORD_BYTES * 2);
	buf_init(&cell, LIMIT_RECORD_BYTES);
	if (store_cursor_open(p, (size_t)(e - sc->entities), filters ? filters->f : NULL,
			      filters ? filters->n : 0, true, &c, err) < 0)
		goto out;
	if (format == IMPORT_EXPORT_CSV) {
		csv_write_field(&b, &o, "id", 2);
		buf_addc(&b, o.delimiter);
		csv_write_field(&b, &o, "key", 3);
		for (size_t f = 0; f < e->nfields; f++) {
			buf_addc(&b, o.delimiter);
			csv_write_field(&b, &o, e->fields[f].name, strlen(e->fields[f].name));
		}
		buf_addc(&b, o.delimiter);
		csv_write_field(&b, &o, "intake_state", 12);
		buf_adds(&b, o.eol);
	} else {
		buf_adds(&b, "[");
	}
	for (;;) {
		arena_reset(&a);
		rc = store_cursor_next(c, &a, &rec, err);
		if (rc < 0)
			goto out;
		if (rc == 0)
			break;
		rc = -1;
		if (format == IMPORT_EXPORT_CSV) {
			buf_addf(&b, "%" PRId64, rec.id);
			buf_addc(&b, o.delimiter);
			csv_write_field(&b, &o, rec.key, strlen(rec.key));
			for (size_t f = 0; f < e->nfields; f++) {
				buf_reset(&cell);
				cell_text(shown_field(sc, &e->fields[f]), &rec.vals[f], &cell);
				buf_addc(&b, o.delimiter);
				csv_write_field(&b, &o, cell.ptr, cell.len);
			}
			buf_addc(&b, o.delimiter);
			buf_adds(&b, store_state_name(rec.state));
			buf_adds(&b, o.eol);
		} else {
			buf_addf(&b, "%s\n{\"id\": %" PRId64 ", \"key\": \"%s\", \"state\": \"%s\"",
				 n ? "," : "", rec.id, rec.key, store_state_name(rec.state));
			for (size_t f = 0; f < e->nfields; f++) {
				buf_adds(&b, ", ");
				buf_add_json_str(&b, e->fields[f].name, strlen(e->fields[f].name));
				buf_adds(&b, ": ");
				json_value(shown_field(sc, &e->fields[f]), &rec.vals[f],
					   e164 && e164_ready[f] ? &e164[f] : NULL, &a, &b);
			}
			buf_adds(&b, "}");
		}
		n++;
		if (b.len > 64 * 1024 && flush(&b, out, err) < 0)
			goto out;
	}
	if (format == IMPORT_EXPORT_JSON)
		buf_adds(&b, n ? "\n]\n" : "]\n");
	if (flush(&b, out, err) < 0)
		goto out;
	if (fflush(out) != 0) {
		err_sys(err, ERR_IO_ERROR, "cannot write the export: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	store_cursor_free(c);
	arena_release(&a);
	buf_release(&b);
	buf_release(&cell);
	for (size_t f = 0; e164 && f < e->nfields; f++)
		if (e164_ready[f])
			value_spec_release(&e164[f]);
	free(e164);
	free(e164_ready);
	return rc;
}
