/*
 * value: one text cell in, one typed value or one precise row error out.
 * Owns: the field types of CONTRACT 8 and their options, the canonical form each type is
 * stored in, phone number validation (libphonenumber behind phone_shim.h), the
 * ISO 639-1 table, the WHATWG e-mail rule.
 * Knows nothing of: files, rows, schemas (the caller fills a struct value_spec), stores.
 *
 * Empty cells, "=" (clear) and defaults are the importer's business: value_parse is only
 * called on a non-empty cell. Trimming follows CONTRACT 9 (every type but text and
 * select loses leading and trailing spaces).
 */
#ifndef INTAKE_VALUE_VALUE_H
#define INTAKE_VALUE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

enum value_type {
	VALUE_TYPE_TEXT,
	VALUE_TYPE_INTEGER,
	VALUE_TYPE_DECIMAL,
	VALUE_TYPE_BOOLEAN,
	VALUE_TYPE_DATE,
	VALUE_TYPE_DATETIME,
	VALUE_TYPE_PHONE,
	VALUE_TYPE_EMAIL,
	VALUE_TYPE_SELECT,
	VALUE_TYPE_MULTISELECT,
	VALUE_TYPE_UUID,
	VALUE_TYPE_LANGUAGE,
};

enum value_charset {
	VALUE_CHARSET_UTF8,	/* default: any character but the controls of CONTRACT 3 */
	VALUE_CHARSET_ASCII,
	VALUE_CHARSET_LATIN1,
	VALUE_CHARSET_GSM7,	/* GSM 03.38 basic set and its extension table */
};

enum value_phone_output {
	VALUE_PHONE_E164,	/* "+254712345678" (default) */
	VALUE_PHONE_DIGITS,	/* "254712345678" (121) */
	VALUE_PHONE_NATIONAL,	/* national format as libphonenumber writes it */
};

/*
 * What a field allows. The caller (import/, from the schema) fills it, then calls
 * value_spec_prepare once; the arrays must outlive the spec.
 */
struct value_spec {
	enum value_type type;
	uint32_t max_length;		/* text: code points; 0 = no limit */
	enum value_charset charset;	/* text (and select keys) */
	bool has_min, has_max;		/* integer, decimal */
	double min, max;		/* bounds, inclusive (integers are exact to 2^53) */
	const char *const *options;	/* select, multiselect: option keys (case-sensitive) */
	size_t noptions;
	char separator;			/* multiselect; 0 means '|' */
	const char *const *true_words;	/* boolean; NULL means true, yes, 1 (ignoring case) */
	size_t ntrue;
	const char *const *false_words;	/* boolean; NULL means false, no, 0 (ignoring case) */
	size_t nfalse;
	const char *const *formats;	/* date/datetime: tokens YYYY MM DD hh mm ss; NULL means
					   YYYY-MM-DD (date) / ISO 8601 with offset (datetime) */
	size_t nformats;
	char default_region[3];		/* phone: ISO 3166 region ("US") or "" */
	enum value_phone_output output;	/* phone */
	char decimal_separator;		/* decimal; 0 means '.' */
	void *prepared;			/* owned: lookup tables built by value_spec_prepare */
};

/* The stored form of a value. */
enum value_kind {
	VALUE_NULL,	/* no value (a cleared cell) */
	VALUE_INT,	/* integer, boolean (0 or 1) */
	VALUE_REAL,	/* decimal */
	VALUE_TEXT,	/* everything else, in canonical text (below) */
};

/*
 * Canonical text forms: date "YYYY-MM-DD"; datetime "YYYY-MM-DDThh:mm:ssZ" in UTC (a
 * fraction of a second kept as ".fff..." when given); phone per output (E.164 default);
 * email as given (trimmed); uuid lower-case 8-4-4-4-12; language lower-case; multiselect
 * the keys joined by '|' in the order given, repeats dropped; text and select as given.
 */
struct value {
	enum value_kind kind;
	int64_t i;		/* VALUE_INT */
	double r;		/* VALUE_REAL */
	const char *s;		/* VALUE_TEXT: NUL-terminated (in the arena or the input) */
	size_t n;		/* VALUE_TEXT: bytes */
};

/* A row-level rejection: a result, not a failure of the function. */
struct value_error {
	enum err_code code;	/* a row-level code of CONTRACT 5 */
	char msg[200];		/* a sentence a person can act on, naming the value */
};

/*
 * Checks the spec and builds its lookup tables; invalid_schema when it cannot work.
 * Call it once per spec (it does not read spec->prepared); value_spec_release frees what
 * it built, and a spec may be prepared again after that.
 */
int value_spec_prepare(struct value_spec *spec, struct err *err);
void value_spec_release(struct value_spec *spec);

/*
 * Parses one non-empty cell. Returns true with *ret filled (its text in arena a or
 * pointing into cell), or false with *ret_error filled. Never fails otherwise. Not
 * thread-safe on the same spec (the phone cache); one spec per thread.
 */
bool value_parse(const struct value_spec *spec, const char *cell, size_t len, struct arena *a,
		 struct value *ret, struct value_error *ret_error);

/* Writes v in its canonical text form (integers and decimals in C locale). */
void value_format(const struct value *v, struct buf *out);

/* The type's name in CONTRACT 8 ("text", "phone"...), and the reverse. */
const char *value_type_name(enum value_type t);
bool value_type_from_name(const char *name, enum value_type *ret);

/* True when the cell holds a control character of CONTRACT 3 (U+0000-U+0008, U+000B,
   U+000C, U+000E-U+001F, U+007F). */
bool value_has_control(const char *p, size_t n);

#endif
