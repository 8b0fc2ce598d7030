/*
 * The ZIP walker: lists an archive's entries, refuses unsafe names, links, encrypted
 * entries, unknown methods and archives over the limits, and reads entries streaming while
 * counting every byte libzip decompresses against the job's budget and the entry's ratio.
 */
#include "source/source_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "base/banned.h"

/* Bytes of an entry read to tell what it is (nested archive, binary, text). */
#define PEEK_BYTES 16

bool source__name_is_safe(const char *name, const char **ret_why)
{
	size_t len = strlen(name);
	const char *why = NULL;

	if (len == 0)
		why = "an empty name";
	else if (len > LIMIT_FILENAME_BYTES)
		why = "a name longer than 255 bytes";
	else if (name[0] == '/' || name[0] == '\\')
		why = "an absolute path";
	else if (((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')) &&
		 name[1] == ':')
		why = "a drive letter";
	for (size_t i = 0; !why && i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7F)
			why = "a control character in its name";
	}
	/* A ".." component, with '/' or '\' as the separator. */
	for (size_t i = 0; !why && i < len;) {
		size_t j = i;
		while (j < len && name[j] != '/' && name[j] != '\\')
			j++;
		if (j - i == 2 && name[i] == '.' && name[i + 1] == '.')
			why = "a '..' component";
		i = j + 1;
	}
	if (why && ret_why)
		*ret_why = why;
	return why == NULL;
}

/* Entries that are the archiver's bookkeeping, not the user's files: skipped like folders. */
static bool is_metadata(const char *name)
{
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	return strncmp(name, "__MACOSX/", 9) == 0 || strcmp(base, ".DS_Store") == 0 ||
	       strcmp(base, "Thumbs.db") == 0 || strcmp(base, "desktop.ini") == 0;
}

static int zip_fail(struct err *err, zip_error_t *ze, const char *name)
{
	if (zip_error_code_zip(ze) == ZIP_ER_CRC)
		return err_set(err, ERR_UNSUPPORTED_ARCHIVE,
			       "'%s' fails its CRC check: the archive is corrupt", name);
	return err_set(err, ERR_UNSUPPORTED_ARCHIVE, "cannot read '%s' in the archive: %s", name,
		       zip_error_strerror(ze));
}

ssize_t source__zip_read(struct source *src, zip_file_t *zf, struct source_meter *m, char *dst,
			 size_t cap, struct err *err)
{
	zip_int64_t n;
	uint64_t ratio_max;

	if (cap > SOURCE_CHUNK)
		cap = SOURCE_CHUNK;
	n = zip_fread(zf, dst, cap);
	if (n < 0)
		return zip_fail(err, zip_file_get_error(zf), m->name);
	m->out += (uint64_t)n;
	src->zip_bytes_here += (uint64_t)n;
	*src->zip_bytes += (uint64_t)n;
	if (*src->zip_bytes > src->limits.zip_total_bytes)
		return err_set(err, ERR_ARCHIVE_LIMITS,
			       "reading '%s' passed the %llu bytes that may be decompressed per job",
			       m->name, (unsigned long long)src->limits.zip_total_bytes);
	/* The ratio is judged on what came out against the compressed size, past a floor. */
	ratio_max = m->comp_size > UINT64_MAX / src->limits.zip_ratio
			    ? UINT64_MAX
			    : m->comp_size * src->limits.zip_ratio;
	if (m->out > LIMIT_ZIP_RATIO_MIN_BYTES && m->out > ratio_max)
		return err_set(err, ERR_ARCHIVE_LIMITS,
			       "'%s' decompresses to more than %llu times its compressed size",
			       m->name, (unsigned long long)src->limits.zip_ratio);
	return (ssize_t)n;
}

/* Why an entry cannot be opened, before decompressing anything; 0 when it can. */
static int check_entry(struct source *src, zip_uint64_t idx, const zip_stat_t *st,
		       const char *name, struct err *err)
{
	zip_uint8_t opsys;
	zip_uint32_t attr;
	const char *why;

	if (!source__name_is_safe(name, &why))
		return err_set(err, ERR_UNSAFE_ARCHIVE_ENTRY, "the archive entry '%s' has %s", name,
			       why);
	if (zip_file_get_external_attributes(src->za, idx, 0, &opsys, &attr) == 0 &&
	    opsys == ZIP_OPSYS_UNIX) {
		unsigned mode = (attr >> 16) & S_IFMT;
		if (mode == S_IFLNK)
			return err_set(err, ERR_UNSAFE_ARCHIVE_ENTRY,
				       "the archive entry '%s' is a symbolic link", name);
		if (mode != 0 && mode != S_IFREG && mode != S_IFDIR)
			return err_set(err, ERR_UNSAFE_ARCHIVE_ENTRY,
				       "the archive entry '%s' is not a regular file", name);
	}
	if ((st->valid & ZIP_STAT_ENCRYPTION_METHOD) && st->encryption_method != ZIP_EM_NONE)
		return err_set(err, ERR_UNSUPPORTED_ARCHIVE,
			       "the archive entry '%s' is encrypted; add it without a password", name);
	if ((st->valid & ZIP_STAT_COMP_METHOD) &&
	    !zip_compression_method_supported(st->comp_method, 0))
		return err_set(err, ERR_UNSUPPORTED_ARCHIVE,
			       "the archive entry '%s' uses compression method %u, which intake "
			       "cannot read; use deflate", name, (unsigned)st->comp_method);
	return 0;
}

int source__zip_fopen(struct source *src, zip_uint64_t idx, const char *name,
		      struct source_meter *m, zip_file_t **ret_zf, struct err *err)
{
	zip_stat_t st;
	zip_file_t *zf;

	zip_stat_init(&st);
	if (zip_stat_index(src->za, idx, 0, &st) < 0)
		return zip_fail(err, zip_get_error(src->za), name);
	if (check_entry(src, idx, &st, name, err) < 0)
		return -1;
	zf = zip_fopen_index(src->za, idx, 0);
	if (!zf)
		return zip_fail(err, zip_get_error(src->za), name);
	m->name = name;
	m->out = 0;
	m->comp_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
	*ret_zf = zf;
	return 0;
}

static struct source_entry *add_entry(struct source *src, size_t *cap, const char *name,
				      enum source_type type)
{
	struct source_entry *e;

	if (src->nentries == *cap) {
		size_t want = src->nentries + 1, zcap = *cap;
		XGROW(src->entries, *cap, want);
		XGROW(src->zentries, zcap, want);
	}
	e = &src->entries[src->nentries];
	memset(e, 0, sizeof(*e));
	memset(&src->zentries[src->nentries], 0, sizeof(src->zentries[0]));
	e->name = xstrdup(name);
	e->type = type;
	err_clear(&e->error);
	src->nentries++;
	return e;
}

/* What the first bytes of an entry say; fills e->error for what cannot be read. */
static void peek_entry(struct source *src, zip_uint64_t idx, struct source_entry *e)
{
	struct source_meter m;
	zip_file_t *zf = NULL;
	char head[PEEK_BYTES];
	size_t len = 0;
	const char *what;

	if (source__zip_fopen(src, idx, e->name, &m, &zf, &e->error) < 0)
		return;
	while (len < sizeof(head)) {
		ssize_t n = source__zip_read(src, zf, &m, head + len, sizeof(head) - len, &e->error);
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	e->type = source_detect_type(head, len, &what);
	if (e->type == SOURCE_ZIP)
		err_set(&e->error, ERR_UNKNOWN_FILE_TYPE,
			"'%s' is an archive or a workbook inside the archive; it is not opened: "
			"add its files to the archive itself", e->name);
	else if (e->type == SOURCE_UNKNOWN)
		err_set(&e->error, ERR_UNKNOWN_FILE_TYPE,
			"'%s' is %s; intake reads CSV text, ZIP archives and XLSX workbooks",
			e->name, what);
out:
	zip_fclose(zf);
}

/* One entry, named after the input, that carries an error about the whole archive. */
__attribute__((format(printf, 4, 5)))
static void whole(struct source *src, enum source_type type, enum err_code code,
		  const char *fmt, ...)
{
	size_t cap = 0;
	struct source_entry *e;
	char msg[ERR_MSG_BYTES];
	va_list ap;

	for (size_t i = 0; i < src->nentries; i++)
		free((char *)src->entries[i].name);
	free(src->entries);
	free(src->zentries);
	src->entries = NULL;
	src->zentries = NULL;
	src->nentries = 0;
	e = add_entry(src, &cap, src->name, type);
	if (code == ERR_OK)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_set(&e->error, code, "%s", msg);
}

static bool has_entry(zip_t *za, const char *name)
{
	return zip_name_locate(za, name, 0) >= 0;
}

/* An OpenDocument file names its type in a first entry "mimetype". */
static bool is_opendocument(struct source *src)
{
	zip_int64_t idx = zip_name_locate(src->za, "mimetype", 0);
	struct source_meter m;
	zip_file_t *zf = NULL;
	struct err e;
	char head[32];
	ssize_t n;

	if (idx < 0 || !has_entry(src->za, "content.xml"))
		return false;
	err_clear(&e);
	if (source__zip_fopen(src, (zip_uint64_t)idx, "mimetype", &m, &zf, &e) < 0)
		return false;
	n = source__zip_read(src, zf, &m, head, sizeof(head), &e);
	zip_fclose(zf);
	return n >= 28 && memcmp(head, "application/vnd.oasis.opendo", 28) == 0;
}

static void list_entries(struct source *src)
{
	zip_int64_t total = zip_get_num_entries(src->za, 0);
	size_t cap = 0;

	if (total < 0)
		total = 0;
	if ((uint64_t)total > src->limits.zip_entries) {
		whole(src, SOURCE_ZIP, ERR_ARCHIVE_LIMITS,
		      "the archive holds %lld entries; at most %llu are allowed", (long long)total,
		      (unsigned long long)src->limits.zip_entries);
		return;
	}
	if (source__xlsx_detect(src->za)) {
		src->type = SOURCE_XLSX;
		whole(src, SOURCE_XLSX, ERR_OK, "%s", "");
		return;
	}
	if (is_opendocument(src)) {
		whole(src, SOURCE_UNKNOWN, ERR_UNKNOWN_FILE_TYPE, "'%s' is an OpenDocument file; "
		      "save it as XLSX or CSV", src->name);
		return;
	}
	if (has_entry(src->za, "[Content_Types].xml")) {
		whole(src, SOURCE_UNKNOWN, ERR_UNKNOWN_FILE_TYPE, "'%s' is an Office document that "
		      "is not a workbook; save it as XLSX or CSV", src->name);
		return;
	}
	for (zip_int64_t i = 0; i < total; i++) {
		const char *name = zip_get_name(src->za, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
		zip_stat_t st;
		struct source_entry *e;
		size_t len;

		if (!name) {
			char idx[32];
			snprintf(idx, sizeof(idx), "#%lld", (long long)i);
			e = add_entry(src, &cap, idx, SOURCE_UNKNOWN);
			zip_fail(&e->error, zip_get_error(src->za), idx);
			continue;
		}
		len = strlen(name);
		if ((len > 0 && (name[len - 1] == '/' || name[len - 1] == '\\')) || is_metadata(name))
			continue;	/* folders and archiver bookkeeping */
		e = add_entry(src, &cap, name, SOURCE_TEXT);
		src->zentries[src->nentries - 1].index = (zip_uint64_t)i;
		zip_stat_init(&st);
		if (zip_stat_index(src->za, (zip_uint64_t)i, 0, &st) < 0) {
			zip_fail(&e->error, zip_get_error(src->za), name);
			continue;
		}
		src->zentries[src->nentries - 1].comp_size =
			(st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
		if (check_entry(src, (zip_uint64_t)i, &st, e->name, &e->error) < 0)
			continue;
		peek_entry(src, (zip_uint64_t)i, e);
	}
	if (src->nentries == 0)
		whole(src, SOURCE_ZIP, ERR_EMPTY_FILE, "the archive '%s' holds no files", src->name);
}

int source__zip_open(struct source *src, int fd, struct err *err)
{
	zip_error_t ze;
	int code = 0;

	(void)err;
	src->type = SOURCE_ZIP;
	zip_error_init(&ze);
	if (fd >= 0) {
		src->za = zip_fdopen(fd, ZIP_CHECKCONS, &code);
		if (!src->za) {
			close(fd);
			zip_error_set(&ze, code, errno);
		}
	} else {
		zip_source_t *zs = zip_source_buffer_create(src->mem, src->mem_len, 0, &ze);
		if (zs) {
			src->za = zip_open_from_source(zs, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
			if (!src->za)
				zip_source_free(zs);
		}
	}
	if (!src->za) {
		char why[128];
		snprintf(why, sizeof(why), "%s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		whole(src, SOURCE_ZIP, ERR_UNSUPPORTED_ARCHIVE,
		      "the archive is corrupt or truncated (%s)", why);
		return 0;
	}
	zip_error_fini(&ze);
	list_entries(src);
	return 0;
}
