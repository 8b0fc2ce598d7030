/*
 * libFuzzer target for the XLSX reader. The input is split on the byte 0x01 into the
 * sheet, the shared strings, the styles and the workbook, which are stored into a
 * workbook in memory (libzip) around the fixed parts; the first sheet is then read as
 * CSV. Checks: no crash or leak; errors are file-level codes; the CSV reads back through
 * csv/ without a quoting error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/limit.h"
#include "csv/csv.h"
#include "source/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rels[] =
	"<Relationships><Relationship Id=\"r1\" Type=\"x/officeDocument\" "
	"Target=\"xl/workbook.xml\"/></Relationships>";
static const char book_rels[] =
	"<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
	"Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"x/sharedStrings\" "
	"Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"x/styles\" "
	"Target=\"styles.xml\"/></Relationships>";
static const char default_book[] =
	"<workbook xmlns:r=\"r\"><sheets><sheet r:id=\"rId1\"/></sheets></workbook>";

static void add(zip_t *za, const char *name, const void *p, size_t n)
{
	zip_source_t *zs = zip_source_buffer(za, p, n, 0);
	zip_int64_t idx;

	if (!zs)
		abort();
	idx = zip_file_add(za, name, zs, 0);
	if (idx < 0)
		abort();
	zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
}

/* The workbook's bytes (malloc'd) in *ret, or NULL. */
static size_t build(const char *parts[4], const size_t lens[4], char **ret)
{
	zip_error_t ze;
	zip_source_t *mem;
	zip_t *za;
	zip_stat_t st;
	char *out = NULL;

	zip_error_init(&ze);
	mem = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!mem)
		abort();
	za = zip_open_from_source(mem, ZIP_TRUNCATE, &ze);
	if (!za)
		abort();
	zip_source_keep(mem);
	add(za, "[Content_Types].xml", "<Types/>", 8);
	add(za, "_rels/.rels", rels, sizeof(rels) - 1);
	add(za, "xl/_rels/workbook.xml.rels", book_rels, sizeof(book_rels) - 1);
	add(za, "xl/worksheets/sheet1.xml", parts[0], lens[0]);
	if (parts[1])
		add(za, "xl/sharedStrings.xml", parts[1], lens[1]);
	if (parts[2])
		add(za, "xl/styles.xml", parts[2], lens[2]);
	if (parts[3])
		add(za, "xl/workbook.xml", parts[3], lens[3]);
	else
		add(za, "xl/workbook.xml", default_book, sizeof(default_book) - 1);
	if (zip_close(za) < 0)
		abort();
	if (zip_source_stat(mem, &st) < 0 || zip_source_open(mem) < 0)
		abort();
	out = malloc(st.size ? st.size : 1);
	if (!out || zip_source_read(mem, out, st.size) != (zip_int64_t)st.size)
		abort();
	zip_source_close(mem);
	zip_source_free(mem);
	zip_error_fini(&ze);
	*ret = out;
	return st.size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *parts[4] = {NULL, NULL, NULL, NULL};
	size_t lens[4] = {0, 0, 0, 0};
	const char *p = (const char *)data, *end = p + size;
	struct limits l;
	struct source_opts o = {.limits = &l};
	struct source *src;
	struct source_reader *r;
	struct csv_reader *cr;
	struct csv_reader_opts copts = {0};
	const struct csv_record *rec;
	struct err err;
	char *zipped;
	size_t zlen;
	int rc;

	for (int k = 0; k < 4 && p <= end; k++) {
		const char *sep = memchr(p, 0x01, (size_t)(end - p));
		parts[k] = p;
		lens[k] = sep ? (size_t)(sep - p) : (size_t)(end - p);
		p += lens[k] + 1;
		if (!sep)
			break;
	}
	zlen = build(parts, lens, &zipped);
	limits_default(&l);
	l.cell_bytes = 4096;
	l.record_bytes = 16384;
	l.columns = 256;
	l.zip_ratio = 1000000;	/* fuzzed parts repeat themselves */
	if (source_open_mem(zipped, zlen, &o, &src, &err) < 0)
		abort();
	if (source_entry_count(src) != 1 || source_entry(src, 0)->type != SOURCE_XLSX)
		abort();
	if (source_reader_open(src, 0, &r, &err) < 0) {
		if (err_scope(err.code) != ERR_SCOPE_FILE)
			abort();
		goto out;
	}
	copts.delimiter = ',';
	copts.max_record = 2 * l.record_bytes + 64;
	if (csv_reader_new(&copts, source_read, r, &cr, &err) < 0)
		abort();
	while ((rc = csv_reader_next(cr, &rec, &err)) == 1)
		;
	/* What the workbook reader writes is always well-quoted CSV. */
	if (rc < 0 && (err_scope(err.code) != ERR_SCOPE_FILE || err.code == ERR_MALFORMED_CSV))
		abort();
	csv_reader_free(cr);
	source_reader_close(r);
out:
	source_free(src);
	free(zipped);
	return 0;
}
