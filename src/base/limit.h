/*
 * limit: every limit on what an input may make intake hold, with its reason.
 * Owns: the default values and the one struct that carries the configured values.
 * Knows nothing of: anything else in intake.
 *
 * Each limit maps to one error code (CONTRACT 5): too_large, archive_limits, or the
 * named row code. Tests check each one at the limit and one byte over it.
 * The "configurable" limits of CONTRACT 5 are read from the environment by
 * limits_from_env (INTAKE_LIMIT_<NAME>, a decimal byte or entry count).
 */
#ifndef INTAKE_BASE_LIMIT_H
#define INTAKE_BASE_LIMIT_H

#include <stdint.h>
#include <stddef.h>

#include "base/err.h"

#define KIB ((uint64_t)1024)
#define MIB (1024 * KIB)
#define GIB (1024 * MIB)

/* CSV (too_large). A cell over 1 MiB or a record over 16 MiB is not a person record. */
#define LIMIT_CELL_BYTES (1 * MIB)
#define LIMIT_RECORD_BYTES (16 * MIB)
/* Columns per record (too_large): wider than any spreadsheet people export. */
#define LIMIT_COLUMNS 10000
/* One upload or input file copied into the data directory (too_large). */
#define LIMIT_UPLOAD_BYTES (2 * GIB)
/* ZIP archives (archive_limits): entries, bytes decompressed per job, ratio per entry. */
#define LIMIT_ZIP_ENTRIES 1000
#define LIMIT_ZIP_TOTAL_BYTES (4 * GIB)
#define LIMIT_ZIP_RATIO 100
/* The ratio is judged once an entry has produced this much: a small file that repeats
   itself compresses far better than 100:1 and is harmless. */
#define LIMIT_ZIP_RATIO_MIN_BYTES (1 * MIB)
/* XLSX workbooks (too_large): rows of a sheet (Excel's own maximum); the shared-strings
   table, held in memory while the sheet is read (its text and its number of strings);
   the cell formats and number formats of the styles part. */
#define LIMIT_XLSX_ROWS 1048576
#define LIMIT_XLSX_SHARED_BYTES (32 * MIB)
#define LIMIT_XLSX_SHARED_STRINGS (2 * 1024 * 1024)
#define LIMIT_XLSX_STYLES 65536
/* Entry names inside a ZIP and uploaded file names (unsafe_archive_entry beyond). */
#define LIMIT_FILENAME_BYTES 255
/* Sniffing and encoding detection look at this much of the start of a file (CONTRACT 9). */
#define LIMIT_SNIFF_BYTES (64 * KIB)
#define LIMIT_SNIFF_RECORDS 100
/* A header block (Vibes): lines and bytes before the blank line that ends it. */
#define LIMIT_HEADER_BLOCK_LINES 64
#define LIMIT_HEADER_BLOCK_BYTES (64 * KIB)
/* Schema (invalid_schema): file size, fields per entity, name length (CONTRACT 8). */
#define LIMIT_SCHEMA_BYTES (4 * MIB)
#define LIMIT_ENTITY_FIELDS 1500
#define LIMIT_ENTITIES 64
#define LIMIT_NAME_BYTES 63
#define LIMIT_ALIASES 32
#define LIMIT_OPTIONS 10000
/* One alias, option key, word, format, template column or default in a schema (bytes), and
   the true/false words, formats and operation words of one field or entity. */
#define LIMIT_SCHEMA_STRING_BYTES 1024
#define LIMIT_SCHEMA_WORDS 64
/* E-mail addresses (invalid_email), as the WHATWG rule and RFC 5321 path limit allow. */
#define LIMIT_EMAIL_BYTES 254
/* intake_message in a rejection file: several errors of one row joined. */
#define LIMIT_MESSAGE_BYTES (16 * KIB)
/* HTTP: request header bytes (431), JSON bodies (413). */
#define LIMIT_HEADER_BYTES (32 * KIB)
#define LIMIT_JSON_BODY_BYTES (4 * MIB)
/* A report JSON document held in memory. */
#define LIMIT_REPORT_BYTES (64 * MIB)

/* The limits that CONTRACT 5 calls configurable, as one value passed down the pipeline. */
struct limits {
	uint64_t cell_bytes;		/* LIMIT_CELL_BYTES */
	uint64_t record_bytes;		/* LIMIT_RECORD_BYTES */
	uint64_t columns;		/* LIMIT_COLUMNS */
	uint64_t upload_bytes;		/* LIMIT_UPLOAD_BYTES */
	uint64_t zip_entries;		/* LIMIT_ZIP_ENTRIES */
	uint64_t zip_total_bytes;	/* LIMIT_ZIP_TOTAL_BYTES */
	uint64_t zip_ratio;		/* LIMIT_ZIP_RATIO */
	uint64_t xlsx_shared_bytes;	/* LIMIT_XLSX_SHARED_BYTES: raise it (and memory) for
					   workbooks of many distinct strings */
};

/* The defaults above. */
void limits_default(struct limits *l);

/*
 * Defaults overridden by INTAKE_LIMIT_CELL_BYTES, INTAKE_LIMIT_RECORD_BYTES,
 * INTAKE_LIMIT_COLUMNS, INTAKE_LIMIT_UPLOAD_BYTES, INTAKE_LIMIT_ZIP_ENTRIES,
 * INTAKE_LIMIT_ZIP_TOTAL_BYTES, INTAKE_LIMIT_ZIP_RATIO and INTAKE_LIMIT_XLSX_SHARED_BYTES
 * (at most 4 GiB: the table's offsets are 32 bits). A value that is not a positive
 * decimal number is an invalid_argument error naming the variable.
 */
int limits_from_env(struct limits *l, struct err *err);

#endif
