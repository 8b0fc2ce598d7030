/*
 * Only files in src/source/ and tests/unit/source/ (and the source fuzz targets) may
 * include this: the shapes behind struct source and struct source_reader, the ZIP walker
 * and the workbook reader.
 */
#ifndef INTAKE_SOURCE_SOURCE_INT_H
#define INTAKE_SOURCE_SOURCE_INT_H

#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <zip.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/limit.h"
#include "source/source.h"

/* Bytes asked of libzip (and of a file) at a time: limits are checked after each. */
#define SOURCE_CHUNK (64 * 1024)

struct source_zentry {
	zip_uint64_t index;	/* libzip's index of the entry */
	uint64_t comp_size;	/* compressed bytes: the denominator of the ratio */
};

struct source {
	char *name;			/* display name; owned */
	enum source_type type;		/* the input as a whole */
	struct limits limits;		/* copied from the options */
	uint64_t own_zip_bytes;		/* the counter when the caller gave none */
	uint64_t *zip_bytes;		/* job counter, or &own_zip_bytes */
	uint64_t zip_bytes_here;	/* bytes this source decompressed */
	char *encoding;			/* opts->encoding (owned copy) or NULL */
	int fd;				/* a text input's descriptor; -1 when none */
	bool own_fd;			/* fd is closed by source_free */
	bool seekable;			/* fd can be read again from the start */
	bool consumed;			/* standard input was handed to a reader */
	const char *mem;		/* source_open_mem bytes, or NULL */
	size_t mem_len;
	char *prefix;			/* the first bytes of a text input, read at open */
	size_t prefix_len;
	bool prefix_eof;		/* the prefix is the whole input */
	zip_t *za;			/* the archive or workbook; owned */
	struct source_entry *entries;	/* nentries; names owned */
	struct source_zentry *zentries;	/* parallel to entries for a ZIP */
	size_t nentries;
	struct source_reader *reader;	/* the open reader, if any (not owned) */
};

/* Where a reader's bytes come from before any conversion. */
enum source_raw {
	SOURCE_RAW_FD,		/* a file or standard input */
	SOURCE_RAW_MEM,		/* source_open_mem */
	SOURCE_RAW_ZIP,		/* one ZIP entry */
	SOURCE_RAW_XLSX,	/* a workbook's first sheet, as CSV */
};

/* What one ZIP entry (or workbook part) has decompressed, for the ratio limit. */
struct source_meter {
	const char *name;	/* the entry, for messages */
	uint64_t out;		/* bytes decompressed from it so far */
	uint64_t comp_size;	/* its compressed size */
};

struct xlsx;

struct source_reader {
	struct source *src;		/* not owned */
	size_t entry;			/* index in src->entries */
	enum source_raw raw;
	bool raw_eof;			/* the raw input returned 0 */
	uint64_t mem_pos;		/* SOURCE_RAW_MEM: next byte */
	zip_file_t *zf;			/* SOURCE_RAW_ZIP; owned */
	struct source_meter meter;	/* SOURCE_RAW_ZIP */
	struct xlsx *xlsx;		/* SOURCE_RAW_XLSX; owned */
	char *prefix;			/* the first bytes, read to detect the encoding; owned */
	size_t prefix_len;
	size_t prefix_pos;		/* next prefix byte to hand out */
	bool prefix_borrowed;		/* prefix belongs to the source (text input) */
	const char *encoding;		/* detected name (static) */
	bool bom;			/* starts with a byte-order mark */
	char delimiter;			/* ',' for a workbook, else 0 */
	struct err held;		/* empty_file / unsupported_encoding, or ERR_OK */
	struct err failed;		/* sticky error of source_read, or ERR_OK */
	iconv_t cd;			/* (iconv_t)-1 when not converting */
	char *in;			/* conversion input buffer (SOURCE_CHUNK); owned */
	size_t in_len;			/* bytes waiting in it */
	size_t unit;			/* bytes per code unit of the named encoding */
	bool need_more;			/* in ends with a sequence cut short */
	bool flushed;			/* iconv wrote its closing bytes */
	char pend[16];			/* converted bytes for a read smaller than that */
	size_t pend_len;
	size_t pend_pos;
};

/* ---- zip.c ---- */

/* Opens the archive in src (fd, spooled file or memory) and lists its entries. */
int source__zip_open(struct source *src, int fd, struct err *err);

/*
 * Reads up to cap bytes (at most SOURCE_CHUNK) of an open entry, counting them against
 * the job's and the entry's limits. Returns bytes, 0 at the end, -1 with archive_limits
 * or unsupported_archive.
 */
ssize_t source__zip_read(struct source *src, zip_file_t *zf, struct source_meter *m, char *dst,
			 size_t cap, struct err *err);

/* Opens the entry at libzip index idx (refusing encryption and unknown methods). */
int source__zip_fopen(struct source *src, zip_uint64_t idx, const char *name,
		      struct source_meter *m, zip_file_t **ret_zf, struct err *err);

/* True when name is safe; else *ret_why says why not ("an absolute path", ...). */
bool source__name_is_safe(const char *name, const char **ret_why);

/* ---- xlsx.c ---- */

/* True when the archive is an XLSX workbook (it has its content types and a workbook). */
bool source__xlsx_detect(zip_t *za);

/* Opens the first sheet of the workbook in src: reads its relations, styles and shared
   strings, and starts the sheet. */
int source__xlsx_open(struct source *src, struct xlsx **ret_x, struct err *err);
/* The next CSV bytes of the sheet: as source_read. */
ssize_t source__xlsx_read(struct xlsx *x, char *dst, size_t cap, struct err *err);
void source__xlsx_free(struct xlsx *x);

/*
 * The ISO 8601 text of an Excel serial date: kind 1 date, 2 time, 3 date and time;
 * date1904 for workbooks on the 1904 system. Returns its length (0 when the serial is
 * outside 1900-03-01..9999-12-31, or 1904-01-01.., so the cell keeps its number).
 */
size_t source__xlsx_date(double serial, int kind, bool date1904, char out[32]);

/* 0 not a date, 1 date, 2 time, 3 date and time: the kind of a number format code. */
int source__xlsx_format_kind(const char *code);

#endif
