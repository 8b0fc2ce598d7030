/*
 * The XLSX reader: the first sheet of a workbook, read streaming with expat over the ZIP
 * entry and handed out as UTF-8 CSV (',', LF, csv/'s quoting and spreadsheet-safety
 * escaping), one CSV line per sheet row so that a record's line is its row number.
 * Debian has no C library that reads XLSX, so this one stands on libzip and expat.
 */
#include "source/source_int.h"

#include <ctype.h>
#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xalloc.h"
#include "csv/csv.h"
#include "base/banned.h"

/* The sheet is parsed until this much CSV waits, then suspended until it is read. */
#define XLSX_OUT_BATCH (64 * 1024)

enum xlsx_kind { XLSX_NUMBER = 0, XLSX_DATE = 1, XLSX_TIME = 2, XLSX_DATETIME = 3 };

struct numfmt {
	uint32_t id;		/* numFmtId */
	uint8_t kind;		/* enum xlsx_kind of its formatCode */
};

struct xlsx {
	struct source *src;		/* not owned */
	struct err err;			/* what stopped a handler */
	bool failed;			/* err is set; the parser was stopped */
	const char *part;		/* the part being parsed, for messages */
	XML_Parser parser;		/* the current part's parser; owned */
	/* workbook */
	char *workbook;			/* path of the workbook part */
	char *sheet_rid;		/* relation id of the first sheet */
	char *sheet;			/* path of the first sheet */
	char *shared;			/* path of the shared strings, or NULL */
	char *styles;			/* path of the styles, or NULL */
	bool date1904;			/* the workbook counts days from 1904 */
	bool in_sheets;
	/* styles */
	struct numfmt *fmts;		/* custom number formats */
	size_t nfmts, fmts_cap;
	uint32_t *xf_fmt;		/* numFmtId of each cell format */
	size_t nxf, xf_cap;
	uint8_t *xf_kind;		/* enum xlsx_kind of each cell format */
	bool in_numfmts, in_cellxfs;
	/* shared strings */
	struct buf pool;		/* their text, one after the other */
	uint32_t *sst;			/* nsst + 1 offsets into pool */
	size_t nsst, sst_cap;
	bool in_si, in_t, in_rph;
	/* the sheet */
	zip_file_t *zf;			/* owned */
	struct source_meter meter;
	bool suspended, final_fed, done;
	struct buf out;			/* CSV waiting to be read */
	size_t out_pos;
	struct buf cell;		/* text of the current cell */
	struct csv_writer_opts wopts;	/* ',', LF, spreadsheet-safety escaping */
	bool in_sheetdata, in_row, in_c, in_v, in_is;
	uint64_t row;			/* current row number (1-based) */
	uint64_t lines;			/* line ends written so far between rows (those in
					   cells do not count: csv/ reads with rows_are_lines) */
	uint64_t fields;		/* fields written in the current row */
	uint64_t width;			/* fields of the first row written (the header) */
	uint64_t row_bytes;		/* bytes written for the current row */
	uint64_t ccol;			/* current cell's column (0-based) */
	uint64_t next_col;		/* column a cell without a reference gets */
	char ctype[12];			/* current cell's t attribute */
	uint32_t cstyle;		/* current cell's s attribute */
	bool wrote_any;			/* some row had a value */
};

/* ---- small helpers ---- */

/* The name without its namespace prefix: "x:row" -> "row". */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

__attribute__((format(printf, 3, 4)))
static void fail(struct xlsx *x, enum err_code code, const char *fmt, ...)
{
	char msg[ERR_MSG_BYTES];
	va_list ap;

	if (x->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_set(&x->err, code, "%s", msg);
	x->failed = true;
	XML_StopParser(x->parser, XML_FALSE);
}

static bool parse_u64(const char *s, uint64_t *ret)
{
	uint64_t v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*ret = v;
	return true;
}

/* "AB12" -> column 27 (0-based); false when there are no letters or too many. */
static bool parse_ref(const char *s, uint64_t *ret_col)
{
	uint64_t col = 0;
	size_t letters = 0;

	for (; *s >= 'A' && *s <= 'Z'; s++, letters++) {
		if (letters == 3)
			return false;
		col = col * 26 + (uint64_t)(*s - 'A' + 1);
	}
	if (letters == 0)
		return false;
	*ret_col = col - 1;
	return true;
}

/* Excel's escape of characters XML cannot hold: "_x000D_" is CR. Decodes in place. */
static size_t decode_x(char *p, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		if (p[i] == '_' && n - i >= 7 && p[i + 1] == 'x' && p[i + 6] == '_' &&
		    isxdigit((unsigned char)p[i + 2]) && isxdigit((unsigned char)p[i + 3]) &&
		    isxdigit((unsigned char)p[i + 4]) && isxdigit((unsigned char)p[i + 5])) {
			char hex[5] = {p[i + 2], p[i + 3], p[i + 4], p[i + 5], 0};
			char enc[4];
			size_t len = utf8_encode((uint32_t)strtoul(hex, NULL, 16), enc);
			if (len > 0) {
				memcpy(p + o, enc, len);
				o += len;
				i += 7;
				continue;
			}
		}
		p[o++] = p[i++];
	}
	return o;
}

/* Resolves a relation's target against the folder of the part that names it. */
static char *resolve(const char *base_part, const char *target)
{
	char *path, *out;
	size_t blen = 0, n, o = 0;

	if (target[0] == '/') {
		target++;
	} else {
		const char *slash = strrchr(base_part, '/');
		blen = slash ? (size_t)(slash - base_part) + 1 : 0;
	}
	n = blen + strlen(target);
	if (n > LIMIT_FILENAME_BYTES)
		return NULL;
	path = xmalloc(n + 1);
	memcpy(path, base_part, blen);
	memcpy(path + blen, target, n - blen + 1);
	/* Drop "." components and apply ".." ones; ".." above the root is refused. */
	out = xmalloc(n + 1);
	for (size_t i = 0; i <= n;) {
		size_t j = i;
		while (j < n && path[j] != '/')
			j++;
		if (j - i == 1 && path[i] == '.') {
			/* nothing */
		} else if (j - i == 2 && path[i] == '.' && path[i + 1] == '.') {
			if (o == 0) {
				free(path);
				free(out);
				return NULL;
			}
			o--;	/* the '/' after the last component */
			while (o > 0 && out[o - 1] != '/')
				o--;
		} else if (j > i) {
			memcpy(out + o, path + i, j - i);
			o += j - i;
			if (j < n)
				out[o++] = '/';
		}
		i = j + 1;
	}
	out[o] = '\0';
	free(path);
	return out;
}

/* ---- number formats and dates ---- */

int source__xlsx_format_kind(const char *code)
{
	bool date = false, time = false;
	char last = 0;

	for (const char *p = code; *p; p++) {
		char c = (char)tolower((unsigned char)*p);

		if (c == ';')
			break;	/* only the first section decides */
		if (c == '"') {
			p = strchr(p + 1, '"');
			if (!p)
				break;
			continue;
		}
		if (c == '\\' || c == '_' || c == '*') {
			if (!p[1])
				break;
			p++;
			continue;
		}
		if (c == '[') {
			const char *end = strchr(p, ']');
			if (!end)
				break;
			/* [h], [mm], [ss]: elapsed time; other brackets are colours and locales. */
			if (end - p >= 2 && strchr("hms", tolower((unsigned char)p[1])) &&
			    tolower((unsigned char)p[1]) == tolower((unsigned char)end[-1]))
				time = true;
			p = end;
			continue;
		}
		if (strncasecmp(p, "am/pm", 5) == 0 || strncasecmp(p, "a/p", 3) == 0) {
			time = true;
			p += (strncasecmp(p, "am/pm", 5) == 0 ? 4 : 2);
			continue;
		}
		switch (c) {
		case 'y':
		case 'd':
			date = true;
			last = c;
			break;
		case 'h':
		case 's':
			time = true;
			last = c;
			break;
		case 'm': {
			/* Minutes after hours or before seconds; months otherwise. */
			const char *q = p;
			bool minutes = last == 'h';
			while (tolower((unsigned char)q[1]) == 'm')
				q++;
			for (const char *r = q + 1; *r && !minutes; r++) {
				char rc = (char)tolower((unsigned char)*r);
				if (rc == 's')
					minutes = true;
				if (isalpha((unsigned char)rc) || rc == ';' || rc == '"')
					break;
			}
			if (minutes)
				time = true;
			else
				date = true;
			last = 'm';
			p = q;
			break;
		}
		default:
			break;
		}
	}
	return date && time ? XLSX_DATETIME : date ? XLSX_DATE : time ? XLSX_TIME : XLSX_NUMBER;
}

static int builtin_kind(uint32_t id)
{
	if (id >= 14 && id <= 17)
		return XLSX_DATE;
	if (id >= 18 && id <= 21)
		return XLSX_TIME;
	if (id == 22)
		return XLSX_DATETIME;
	if ((id >= 27 && id <= 36) || (id >= 50 && id <= 58))
		return XLSX_DATE;	/* East Asian built-in date formats */
	if (id >= 45 && id <= 47)
		return XLSX_TIME;
	return XLSX_NUMBER;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil(int64_t z, int64_t *ret_y, unsigned *ret_m, unsigned *ret_d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*ret_d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*ret_m = m;
	*ret_y = yy + (m <= 2);
}

size_t source__xlsx_date(double serial, int kind, bool date1904, char out[32])
{
	long long total, days, secs;
	int64_t y;
	unsigned mo, d;
	int n;

	if (!isfinite(serial) || serial < 0 || serial >= 2958466.0)
		return 0;
	total = llround(serial * 86400.0);
	days = total / 86400;
	secs = total % 86400;
	if (days == 0 && !date1904) {
		/* Excel's day 0 ("1900-01-00") is no date; a time of day alone is. */
		if (kind == XLSX_DATE && secs == 0)
			return 0;
		n = snprintf(out, 32, "%02lld:%02lld:%02lld", secs / 3600, secs / 60 % 60, secs % 60);
		return (size_t)n;
	}
	if (kind == XLSX_TIME && days == 0)
		return (size_t)snprintf(out, 32, "%02lld:%02lld:%02lld", secs / 3600, secs / 60 % 60,
					secs % 60);
	if (date1904) {
		civil(days - 24107, &y, &mo, &d);
	} else if (days == 60) {
		y = 1900;	/* the leap day Excel keeps from Lotus 1-2-3 */
		mo = 2;
		d = 29;
	} else {
		civil(days < 60 ? days - 25568 : days - 25569, &y, &mo, &d);
	}
	if (y > 9999)
		return 0;
	if (kind == XLSX_DATE && secs == 0)
		n = snprintf(out, 32, "%04lld-%02u-%02u", (long long)y, mo, d);
	else
		n = snprintf(out, 32, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", (long long)y, mo, d,
			     secs / 3600, secs / 60 % 60, secs % 60);
	return (size_t)n;
}

/* ---- parsing one part ---- */

static void XMLCALL refuse_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
				   const XML_Char *pubid, int has_internal)
{
	struct xlsx *x = ud;

	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	fail(x, ERR_UNSUPPORTED_ARCHIVE, "'%s' in the workbook declares a DTD, which a workbook "
	     "never does", x->part);
}

static XML_Parser new_parser(struct xlsx *x, XML_StartElementHandler start,
			     XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	XML_Parser p = XML_ParserCreate("UTF-8");

	if (!p)
		abort();	/* out of memory */
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, refuse_doctype);
	XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
	return p;
}

static int xml_error(struct xlsx *x, struct err *err)
{
	if (x->failed) {
		*err = x->err;
		return -1;
	}
	return err_set(err, ERR_UNSUPPORTED_ARCHIVE,
		       "the workbook is corrupt: '%s' line %lu: %s", x->part,
		       (unsigned long)XML_GetCurrentLineNumber(x->parser),
		       XML_ErrorString(XML_GetErrorCode(x->parser)));
}

/*
 * Parses a whole part with the handlers given. Returns 0, 1 when the part does not exist
 * (and may be missing), -1 on error.
 */
static int parse_part(struct xlsx *x, const char *path, XML_StartElementHandler start,
		      XML_EndElementHandler end, XML_CharacterDataHandler text, bool required,
		      struct err *err)
{
	struct source *src = x->src;
	zip_int64_t idx = zip_name_locate(src->za, path, ZIP_FL_NOCASE);
	struct source_meter m;
	zip_file_t *zf = NULL;
	int rc = -1;

	if (idx < 0) {
		if (!required)
			return 1;
		return err_set(err, ERR_UNSUPPORTED_ARCHIVE,
			       "the workbook is corrupt: it has no part '%s'", path);
	}
	if (source__zip_fopen(src, (zip_uint64_t)idx, path, &m, &zf, err) < 0)
		return -1;
	x->part = path;
	x->parser = new_parser(x, start, end, text);
	for (;;) {
		void *buf = XML_GetBuffer(x->parser, SOURCE_CHUNK);
		ssize_t n;

		if (!buf)
			abort();	/* out of memory */
		n = source__zip_read(src, zf, &m, buf, SOURCE_CHUNK, err);
		if (n < 0)
			goto out;
		if (XML_ParseBuffer(x->parser, (int)n, n == 0) != XML_STATUS_OK) {
			xml_error(x, err);
			goto out;
		}
		if (n == 0)
			break;
	}
	rc = 0;
out:
	XML_ParserFree(x->parser);
	x->parser = NULL;
	zip_fclose(zf);
	return rc;
}

static void XMLCALL no_end(void *ud, const XML_Char *name)
{
	(void)ud, (void)name;
}

/* ---- relations, workbook ---- */

static void XMLCALL root_rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *type, *target, *mode;
	size_t tl;

	if (strcmp(local(name), "Relationship") != 0 || x->workbook)
		return;
	type = attr(atts, "Type");
	target = attr(atts, "Target");
	mode = attr(atts, "TargetMode");
	if (!type || !target || (mode && strcmp(mode, "External") == 0))
		return;
	tl = strlen(type);
	if (tl >= 15 && strcmp(type + tl - 15, "/officeDocument") == 0)
		x->workbook = resolve("", target);
}

static void XMLCALL workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *l = local(name);

	if (strcmp(l, "workbookPr") == 0) {
		const char *v = attr(atts, "date1904");
		x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(l, "sheets") == 0) {
		x->in_sheets = true;
	} else if (strcmp(l, "sheet") == 0 && x->in_sheets && !x->sheet_rid) {
		const char *rid = attr(atts, "id");
		if (rid && strlen(rid) <= LIMIT_FILENAME_BYTES)
			x->sheet_rid = xstrdup(rid);
	}
}

static void XMLCALL workbook_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;

	if (strcmp(local(name), "sheets") == 0)
		x->in_sheets = false;
}

static bool type_is(const char *type, const char *suffix)
{
	size_t tl = strlen(type), sl = strlen(suffix);
	return tl >= sl && strcmp(type + tl - sl, suffix) == 0;
}

static void XMLCALL book_rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *id, *type, *target, *mode;
	char **slot = NULL;

	if (strcmp(local(name), "Relationship") != 0)
		return;
	id = attr(atts, "Id");
	type = attr(atts, "Type");
	target = attr(atts, "Target");
	mode = attr(atts, "TargetMode");
	if (!type || !target || (mode && strcmp(mode, "External") == 0))
		return;
	if (id && x->sheet_rid && strcmp(id, x->sheet_rid) == 0)
		slot = &x->sheet;
	else if (type_is(type, "/sharedStrings"))
		slot = &x->shared;
	else if (type_is(type, "/styles"))
		slot = &x->styles;
	if (slot && !*slot)
		*slot = resolve(x->workbook, target);
}

/* ---- styles ---- */

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *l = local(name);
	uint64_t id;

	if (strcmp(l, "numFmts") == 0) {
		x->in_numfmts = true;
	} else if (strcmp(l, "cellXfs") == 0) {
		x->in_cellxfs = true;
	} else if (strcmp(l, "numFmt") == 0 && x->in_numfmts) {
		const char *code = attr(atts, "formatCode");
		if (!parse_u64(attr(atts, "numFmtId"), &id) || id > UINT32_MAX || !code)
			return;
		if (x->nfmts == LIMIT_XLSX_STYLES) {
			fail(x, ERR_TOO_LARGE, "the workbook has more than %d number formats",
			     LIMIT_XLSX_STYLES);
			return;
		}
		XGROW(x->fmts, x->fmts_cap, x->nfmts + 1);
		x->fmts[x->nfmts].id = (uint32_t)id;
		x->fmts[x->nfmts].kind = (uint8_t)source__xlsx_format_kind(code);
		x->nfmts++;
	} else if (strcmp(l, "xf") == 0 && x->in_cellxfs) {
		if (!parse_u64(attr(atts, "numFmtId"), &id) || id > UINT32_MAX)
			id = 0;
		if (x->nxf == LIMIT_XLSX_STYLES) {
			fail(x, ERR_TOO_LARGE, "the workbook has more than %d cell formats",
			     LIMIT_XLSX_STYLES);
			return;
		}
		XGROW(x->xf_fmt, x->xf_cap, x->nxf + 1);
		x->xf_fmt[x->nxf++] = (uint32_t)id;
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	const char *l = local(name);

	if (strcmp(l, "numFmts") == 0)
		x->in_numfmts = false;
	else if (strcmp(l, "cellXfs") == 0)
		x->in_cellxfs = false;
}

static int fmt_cmp(const void *a, const void *b)
{
	const struct numfmt *fa = a, *fb = b;
	return fa->id < fb->id ? -1 : fa->id > fb->id;
}

/* The kind of each cell format: its custom number format, else the built-in one. */
static void resolve_styles(struct xlsx *x)
{
	if (x->nfmts > 1)
		qsort(x->fmts, x->nfmts, sizeof(*x->fmts), fmt_cmp);
	x->xf_kind = xcalloc(x->nxf ? x->nxf : 1, 1);
	for (size_t i = 0; i < x->nxf; i++) {
		struct numfmt key = {x->xf_fmt[i], 0};
		const struct numfmt *f = x->nfmts ? bsearch(&key, x->fmts, x->nfmts,
							    sizeof(*x->fmts), fmt_cmp)
						  : NULL;
		x->xf_kind[i] = (uint8_t)(f ? f->kind : builtin_kind(x->xf_fmt[i]));
	}
}

/* ---- shared strings ---- */

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *l = local(name);

	(void)atts;
	if (strcmp(l, "si") == 0) {
		x->in_si = true;
		buf_reset(&x->cell);
	} else if (x->in_si && strcmp(l, "rPh") == 0) {
		x->in_rph = true;
	} else if (x->in_si && strcmp(l, "t") == 0) {
		x->in_t = true;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	const char *l = local(name);
	size_t n;

	if (strcmp(l, "t") == 0) {
		x->in_t = false;
	} else if (strcmp(l, "rPh") == 0) {
		x->in_rph = false;
	} else if (strcmp(l, "si") == 0 && x->in_si) {
		x->in_si = false;
		if (x->nsst == LIMIT_XLSX_SHARED_STRINGS) {
			fail(x, ERR_TOO_LARGE, "the workbook's shared strings are more than %d",
			     LIMIT_XLSX_SHARED_STRINGS);
			return;
		}
		n = decode_x(x->cell.ptr, x->cell.len);
		buf_add(&x->pool, x->cell.ptr, n);
		if (x->pool.failed) {
			fail(x, ERR_TOO_LARGE, "the workbook's shared strings hold more than %llu "
			     "bytes (INTAKE_LIMIT_XLSX_SHARED_BYTES), or save the sheet as CSV",
			     (unsigned long long)x->src->limits.xlsx_shared_bytes);
			return;
		}
		XGROW(x->sst, x->sst_cap, x->nsst + 2);
		x->nsst++;
		x->sst[x->nsst] = (uint32_t)x->pool.len;
	}
}

static void XMLCALL collect_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx *x = ud;

	if (!((x->in_si && x->in_t && !x->in_rph) || x->in_v || (x->in_is && x->in_t && !x->in_rph)))
		return;
	buf_add(&x->cell, s, (size_t)len);
	if (x->cell.failed)
		fail(x, ERR_TOO_LARGE, "a cell of the workbook (row %llu) is over %llu bytes",
		     (unsigned long long)x->row, (unsigned long long)x->cell.max);
}

/* ---- the sheet ---- */

static void emit(struct xlsx *x, const char *p, size_t n)
{
	size_t before = x->out.len;

	buf_add(&x->out, p, n);
	x->row_bytes += x->out.len - before;
}

static void write_cell(struct xlsx *x, const char *p, size_t n)
{
	size_t before;

	if (x->fields == 0 && x->row_bytes == 0) {
		/* The row's first value: blank lines for rows the sheet skipped. */
		while (x->lines + 1 < x->row) {
			buf_addc(&x->out, '\n');
			x->lines++;
		}
	}
	while (x->fields < x->ccol) {
		if (x->fields > 0)
			emit(x, ",", 1);
		x->fields++;
	}
	if (x->fields > 0)
		emit(x, ",", 1);
	before = x->out.len;
	csv_write_field(&x->out, &x->wopts, p, n);
	x->row_bytes += x->out.len - before;
	x->fields++;
	x->wrote_any = true;
	if (x->row_bytes > x->src->limits.record_bytes || x->out.failed)
		fail(x, ERR_TOO_LARGE, "row %llu of the sheet is over %llu bytes",
		     (unsigned long long)x->row, (unsigned long long)x->src->limits.record_bytes);
}

static void finish_cell(struct xlsx *x)
{
	const char *v = x->cell.ptr;
	size_t n = x->cell.len;
	char date[32];
	uint64_t idx;

	if (strcmp(x->ctype, "s") == 0) {
		/* An index into the shared strings. */
		if (!parse_u64(x->cell.ptr, &idx) || idx >= x->nsst) {
			fail(x, ERR_UNSUPPORTED_ARCHIVE, "the workbook is corrupt: row %llu refers "
			     "to shared string '%.20s', which does not exist",
			     (unsigned long long)x->row, x->cell.ptr);
			return;
		}
		v = x->pool.ptr + x->sst[idx];
		n = x->sst[idx + 1] - x->sst[idx];
	} else if (strcmp(x->ctype, "inlineStr") == 0 || strcmp(x->ctype, "str") == 0) {
		n = decode_x(x->cell.ptr, x->cell.len);
	} else if (strcmp(x->ctype, "b") == 0) {
		if (n == 1 && (v[0] == '0' || v[0] == '1')) {
			v = v[0] == '1' ? "TRUE" : "FALSE";
			n = strlen(v);
		}
	} else if (strcmp(x->ctype, "e") != 0 && x->cstyle < x->nxf && x->xf_kind[x->cstyle] &&
		   n > 0) {
		/* A number in a date or time format: ISO 8601. */
		char *end;
		double serial;
		size_t len;
		errno = 0;
		serial = strtod(x->cell.ptr, &end);
		if (errno == 0 && *end == '\0' && end != x->cell.ptr) {
			len = source__xlsx_date(serial, x->xf_kind[x->cstyle], x->date1904, date);
			if (len > 0) {
				v = date;
				n = len;
			}
		}
	}
	if (n > 0)
		write_cell(x, v, n);
}

static void finish_row(struct xlsx *x)
{
	if (x->fields == 0)
		return;	/* a row without values is a blank line */
	while (x->fields < x->width) {
		emit(x, ",", 1);
		x->fields++;
	}
	if (x->width == 0)
		x->width = x->fields;
	buf_addc(&x->out, '\n');
	x->lines++;
	if (x->out.failed)
		fail(x, ERR_TOO_LARGE, "row %llu of the sheet is over %llu bytes",
		     (unsigned long long)x->row, (unsigned long long)x->src->limits.record_bytes);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *l = local(name);

	if (x->in_c) {
		if (strcmp(l, "v") == 0)
			x->in_v = true;
		else if (strcmp(l, "is") == 0)
			x->in_is = true;
		else if (x->in_is && strcmp(l, "t") == 0)
			x->in_t = true;
		else if (x->in_is && strcmp(l, "rPh") == 0)
			x->in_rph = true;
		return;
	}
	if (x->in_row && strcmp(l, "c") == 0) {
		const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
		uint64_t col = x->next_col, style = 0;
		size_t len;

		if (r && !parse_ref(r, &col)) {
			fail(x, ERR_UNSUPPORTED_ARCHIVE, "the workbook is corrupt: cell reference "
			     "'%.16s' in row %llu", r, (unsigned long long)x->row);
			return;
		}
		if (col < x->next_col) {
			fail(x, ERR_UNSUPPORTED_ARCHIVE, "the workbook is corrupt: cells out of "
			     "order in row %llu", (unsigned long long)x->row);
			return;
		}
		if (col >= x->src->limits.columns) {
			fail(x, ERR_TOO_LARGE, "row %llu has a cell beyond column %llu",
			     (unsigned long long)x->row, (unsigned long long)x->src->limits.columns);
			return;
		}
		if (s && (!parse_u64(s, &style) || style > UINT32_MAX))
			style = UINT32_MAX;
		x->ccol = col;
		x->next_col = col + 1;
		x->cstyle = (uint32_t)style;
		len = t ? strlen(t) : 1;
		if (len >= sizeof(x->ctype))
			len = sizeof(x->ctype) - 1;	/* no known type is that long */
		memcpy(x->ctype, t ? t : "n", len);
		x->ctype[len] = '\0';
		buf_reset(&x->cell);
		x->in_c = true;
	} else if (x->in_sheetdata && strcmp(l, "row") == 0) {
		const char *r = attr(atts, "r");
		uint64_t row = x->row + 1;

		if (r && (!parse_u64(r, &row) || row <= x->row)) {
			fail(x, ERR_UNSUPPORTED_ARCHIVE, "the workbook is corrupt: row number "
			     "'%.16s' after row %llu", r, (unsigned long long)x->row);
			return;
		}
		if (row > LIMIT_XLSX_ROWS) {
			fail(x, ERR_TOO_LARGE, "the sheet has a row past row %d", LIMIT_XLSX_ROWS);
			return;
		}
		x->row = row;
		x->in_row = true;
		x->fields = 0;
		x->row_bytes = 0;
		x->next_col = 0;
	} else if (strcmp(l, "sheetData") == 0) {
		x->in_sheetdata = true;
	}
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	const char *l = local(name);

	if (x->in_c) {
		if (strcmp(l, "v") == 0) {
			x->in_v = false;
		} else if (strcmp(l, "t") == 0) {
			x->in_t = false;
		} else if (strcmp(l, "rPh") == 0) {
			x->in_rph = false;
		} else if (strcmp(l, "is") == 0) {
			x->in_is = false;
		} else if (strcmp(l, "c") == 0) {
			x->in_c = false;
			x->in_v = x->in_is = x->in_t = x->in_rph = false;
			finish_cell(x);
		}
		return;
	}
	if (strcmp(l, "row") == 0 && x->in_row) {
		x->in_row = false;
		finish_row(x);
		if (!x->failed && x->out.len - x->out_pos >= XLSX_OUT_BATCH)
			XML_StopParser(x->parser, XML_TRUE);
	} else if (strcmp(l, "sheetData") == 0) {
		x->in_sheetdata = false;
	}
}

/* ---- the reader ---- */

bool source__xlsx_detect(zip_t *za)
{
	return zip_name_locate(za, "[Content_Types].xml", ZIP_FL_NOCASE) >= 0 &&
	       zip_name_locate(za, "xl/workbook.xml", ZIP_FL_NOCASE) >= 0;
}

/* "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels" */
static char *rels_of(const char *part)
{
	const char *slash = strrchr(part, '/');
	size_t dir = slash ? (size_t)(slash - part) + 1 : 0;
	struct buf b;

	buf_init(&b, LIMIT_FILENAME_BYTES + 16);
	buf_add(&b, part, dir);
	buf_adds(&b, "_rels/");
	buf_adds(&b, part + dir);
	buf_adds(&b, ".rels");
	return buf_detach(&b, NULL);
}

int source__xlsx_open(struct source *src, struct xlsx **ret_x, struct err *err)
{
	struct xlsx *x = xcalloc(1, sizeof(*x));
	char *rels = NULL;
	int rc;

	x->src = src;
	err_clear(&x->err);
	buf_init(&x->pool, (size_t)src->limits.xlsx_shared_bytes);
	buf_init(&x->cell, src->limits.cell_bytes);
	buf_init(&x->out, xadd(xadd(xmul(2, src->limits.record_bytes), LIMIT_XLSX_ROWS),
			       2 * XLSX_OUT_BATCH));
	x->sst = xcalloc(1, sizeof(*x->sst));
	x->sst_cap = 1;
	/* Escaped as CONTRACT 4 says: the importer undoes it on every cell, so a cell that
	   starts with '=' or '-' reaches it as the workbook holds it. */
	x->wopts.delimiter = ',';
	x->wopts.eol = "\n";
	x->wopts.escape = true;

	if (parse_part(x, "_rels/.rels", root_rels_start, no_end, NULL, false, err) < 0)
		goto fail;
	if (!x->workbook)
		x->workbook = xstrdup("xl/workbook.xml");
	if (parse_part(x, x->workbook, workbook_start, workbook_end, NULL, true, err) < 0)
		goto fail;
	if (!x->sheet_rid) {
		err_set(err, ERR_UNSUPPORTED_ARCHIVE, "the workbook '%s' has no sheet", src->name);
		goto fail;
	}
	rels = rels_of(x->workbook);
	if (parse_part(x, rels, book_rels_start, no_end, NULL, false, err) < 0)
		goto fail;
	if (!x->sheet) {
		err_set(err, ERR_UNSUPPORTED_ARCHIVE,
			"the workbook is corrupt: its first sheet has no part");
		goto fail;
	}
	if (x->styles &&
	    parse_part(x, x->styles, styles_start, styles_end, NULL, false, err) < 0)
		goto fail;
	resolve_styles(x);
	if (x->shared &&
	    parse_part(x, x->shared, sst_start, sst_end, collect_text, false, err) < 0)
		goto fail;
	buf_reset(&x->cell);

	rc = (int)zip_name_locate(src->za, x->sheet, ZIP_FL_NOCASE);
	if (rc < 0) {
		err_set(err, ERR_UNSUPPORTED_ARCHIVE,
			"the workbook is corrupt: it has no part '%s'", x->sheet);
		goto fail;
	}
	if (source__zip_fopen(src, (zip_uint64_t)rc, x->sheet, &x->meter, &x->zf, err) < 0)
		goto fail;
	x->part = x->sheet;
	x->parser = new_parser(x, sheet_start, sheet_end, collect_text);
	free(rels);
	*ret_x = x;
	return 0;
fail:
	free(rels);
	source__xlsx_free(x);
	return -1;
}

/* Parses more of the sheet until some CSV waits or the sheet ends. */
static int fill(struct xlsx *x, struct err *err)
{
	while (x->out_pos == x->out.len && !x->done) {
		enum XML_Status st;

		buf_reset(&x->out);
		x->out_pos = 0;
		if (x->suspended) {
			st = XML_ResumeParser(x->parser);
		} else {
			void *buf = XML_GetBuffer(x->parser, SOURCE_CHUNK);
			ssize_t n;
			if (!buf)
				abort();	/* out of memory */
			n = source__zip_read(x->src, x->zf, &x->meter, buf, SOURCE_CHUNK, err);
			if (n < 0)
				return -1;
			x->final_fed = n == 0;
			st = XML_ParseBuffer(x->parser, (int)n, n == 0);
		}
		if (st == XML_STATUS_ERROR)
			return xml_error(x, err);
		x->suspended = st == XML_STATUS_SUSPENDED;
		if (st == XML_STATUS_OK && x->final_fed)
			x->done = true;
	}
	return 0;
}

ssize_t source__xlsx_read(struct xlsx *x, char *dst, size_t cap, struct err *err)
{
	size_t n;

	if (x->failed) {
		*err = x->err;
		return -1;
	}
	if (fill(x, err) < 0) {
		if (!x->failed) {
			x->err = *err;
			x->failed = true;
		}
		return -1;
	}
	if (x->done && x->out_pos == x->out.len && !x->wrote_any) {
		x->failed = true;
		err_set(&x->err, ERR_EMPTY_FILE, "the first sheet of '%s' is empty", x->src->name);
		*err = x->err;
		return -1;
	}
	n = x->out.len - x->out_pos;
	if (n > cap)
		n = cap;
	memcpy(dst, x->out.ptr + x->out_pos, n);
	x->out_pos += n;
	return (ssize_t)n;
}

void source__xlsx_free(struct xlsx *x)
{
	if (!x)
		return;
	if (x->parser)
		XML_ParserFree(x->parser);
	if (x->zf)
		zip_fclose(x->zf);
	free(x->workbook);
	free(x->sheet_rid);
	free(x->sheet);
	free(x->shared);
	free(x->styles);
	free(x->fmts);
	free(x->xf_fmt);
	free(x->xf_kind);
	buf_release(&x->pool);
	free(x->sst);
	buf_release(&x->out);
	buf_release(&x->cell);
	free(x);
}
