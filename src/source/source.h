/*
 * source: opening inputs and turning each of their entries into a stream of UTF-8 bytes.
 * Owns: opening a file path, "-" (standard input) or an upload saved on disk; recognising
 * by content, never by extension, what it is (text, ZIP archive, XLSX workbook, something
 * else); listing its entries (one for a text file or a workbook, one per file of a ZIP);
 * the encoding of each entry (CONTRACT 9: the first 64 KiB decide; conversion to UTF-8
 * with iconv when the caller names the encoding); the safety rules and limits of ZIP
 * archives (CONTRACT 5: unsafe_archive_entry, archive_limits, unsupported_archive); reading
 * the first sheet of a workbook as CSV.
 * Knows nothing of: what rows mean (schemas, entities, stores, operations) and CSV
 * dialects (csv/ reads the bytes a source yields; a workbook is handed out as CSV with ',').
 *
 * Nothing is ever extracted to disk: ZIP entries and workbook parts are decompressed as
 * they are read. Memory does not grow with the size of the input.
 *
 * Use:
 *	source_open(path, &opts, &src, err)
 *	for each i < source_entry_count(src):
 *		entry = source_entry(src, i)       entry->error.code != ERR_OK: refused
 *		source_reader_open(src, i, &r, err)
 *		csv_reader_new(&copts, source_read, r, &cr, err)   (delimiter: source_reader_delimiter,
 *		                                                    rows_are_lines: source_reader_rows_are_lines)
 *		... records ...; csv passes on every error source_read reports
 *		source_reader_close(r)
 *	source_free(src)
 */
#ifndef INTAKE_SOURCE_SOURCE_H
#define INTAKE_SOURCE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/limit.h"

struct source;
struct source_reader;

/* What an input or an entry is, by its content. */
enum source_type {
	SOURCE_TEXT,		/* text: CSV in some dialect and encoding */
	SOURCE_XLSX,		/* an XLSX workbook: its first sheet is read as CSV */
	SOURCE_ZIP,		/* a ZIP archive (only an archive refused as a whole is an entry) */
	SOURCE_UNKNOWN,		/* anything else, nested archives included: unknown_file_type */
};

struct source_opts {
	const char *name;	/* the input's name in entries and messages (an upload's
				   original name); NULL: the path as given ("-" for stdin) */
	const char *encoding;	/* convert from this encoding (an iconv name, e.g.
				   "windows-1252", "utf-16") to UTF-8; NULL: detect, and
				   refuse what is not UTF-8 or ASCII (unsupported_encoding) */
	const struct limits *limits;	/* ZIP limits (zip_entries, zip_total_bytes, zip_ratio),
					   cell_bytes, record_bytes, columns and upload_bytes;
					   NULL: limits_default() */
	uint64_t *zip_bytes;	/* bytes decompressed so far by the whole job, counted against
				   limits->zip_total_bytes and shared by the job's sources;
				   NULL: this source counts alone */
	const char *spool_dir;	/* a ZIP or workbook read from standard input is copied to an
				   unnamed temporary file here (it needs random access);
				   NULL: $TMPDIR or /tmp */
};

/* One entry of an input: what source_reader_open reads. */
struct source_entry {
	const char *name;	/* the input's name for a text file or a workbook; the entry's
				   path inside a ZIP (UTF-8). Owned by the source. */
	enum source_type type;	/* what its first bytes say it is */
	struct err error;	/* why it cannot be read, with a file-level code (ERR_OK when
				   it can): unsafe_archive_entry, unsupported_archive,
				   archive_limits, unknown_file_type, too_large */
};

/* ---- opening an input ---- */

/*
 * Opens path ("-" for standard input), recognises what it is and lists its entries.
 * An input refused as a whole (a corrupt or truncated archive, too many entries, a file
 * over limits->upload_bytes on standard input) is not a failure of this call: it lists
 * one entry, named after the input, that carries the file-level error. Returns -1 only for
 * what is not about the data: io_error (cannot open or read path), invalid_argument (an
 * encoding iconv does not know, a directory). *ret_src is written only on success.
 */
int source_open(const char *path, const struct source_opts *opts, struct source **ret_src,
		struct err *err);

/*
 * As source_open, over n bytes in memory (tests, fuzzing). p must outlive the source;
 * opts->name names it (NULL: "-").
 */
int source_open_mem(const void *p, size_t n, const struct source_opts *opts,
		    struct source **ret_src, struct err *err);

/* Frees the source; NULL does nothing. Close its readers first. */
void source_free(struct source *src);

/* The input's type: SOURCE_ZIP for an archive, whatever its entries are. */
enum source_type source_type(const struct source *src);

/* Number of entries: at least 1 (a ZIP of folders only lists one with empty_file). */
size_t source_entry_count(const struct source *src);
/* Entry i < source_entry_count(); valid until source_free. */
const struct source_entry *source_entry(const struct source *src, size_t i);

/* Bytes decompressed so far by this source (every ZIP entry and workbook part read). */
uint64_t source_zip_bytes(const struct source *src);

/* ---- reading an entry ---- */

/*
 * Opens entry i for reading: reads its first 64 KiB (or less) and decides its encoding.
 * Fails (-1) when the entry cannot be read at all: its listing error, or what opening
 * it reports (unsupported_archive, io_error; standard input can be read only once).
 * When the bytes can be read but not taken (empty_file, unsupported_encoding), the
 * reader opens and holds that error: source_reader_error shows it, and the first
 * source_read returns it. One reader per source at a time.
 */
int source_reader_open(struct source *src, size_t i, struct source_reader **ret_reader,
		       struct err *err);

/*
 * The read callback of csv.h (csv_read_fn) over the entry: fills dst with up to cap
 * bytes of UTF-8 (or what the input holds, when it claims to be UTF-8 and is not: the
 * importer rejects such rows with invalid_characters, CONTRACT 9). Returns the number of
 * bytes, 0 at the end, or -1 with err filled: the reader's held error, archive_limits
 * (the job's decompressed bytes or the entry's ratio went over its limit: reading stops
 * within one chunk of 64 KiB), unsupported_archive (CRC mismatch, corrupt data),
 * too_large (a workbook's cell, row, shared-strings table or sheet over its limit),
 * io_error. After -1 it returns -1 again. ctx is the struct source_reader.
 *
 * A UTF-8 byte-order mark is passed on (csv/ skips and reports it). Converted text
 * (opts.encoding) is UTF-8; each byte of the input that is not valid in the named
 * encoding becomes one byte 0xFF, which is never valid UTF-8 and never a delimiter,
 * quote or line end: the record keeps its shape and the importer rejects its row with
 * invalid_characters, and the rest of the file is read.
 */
ssize_t source_read(void *ctx, char *dst, size_t cap, struct err *err);

/*
 * Skips the next n bytes of what source_read would return (resuming at a byte offset of
 * the UTF-8 stream). Seeks when it can, else reads and drops. 0 or -1 as source_read.
 */
int source_reader_skip(struct source_reader *r, uint64_t n, struct err *err);

/*
 * What the first 64 KiB look like: "utf-8", "ascii", "utf-16le", "utf-16be", "utf-32le",
 * "utf-32be", "windows-1252" or "iso-8859-1" (CONTRACT 2). A workbook's sheet is "utf-8".
 * A static string, or NULL for an empty entry (0 bytes or a byte-order mark alone).
 */
const char *source_reader_encoding(const struct source_reader *r);
/* True when the entry starts with a byte-order mark (of the encoding above). */
bool source_reader_bom(const struct source_reader *r);
/* The delimiter of the CSV this entry yields when source/ decides it (',' for a
   workbook), or 0: csv/ sniffs it (CONTRACT 9). */
char source_reader_delimiter(const struct source_reader *r);
/* True for a workbook: one CSV line per sheet row, so csv/ must not count the line
   breaks inside cells (csv_reader_opts.rows_are_lines) for a record's line to be its
   row number. */
bool source_reader_rows_are_lines(const struct source_reader *r);
/* The error the reader holds (empty_file, unsupported_encoding) or ERR_OK. */
const struct err *source_reader_error(const struct source_reader *r);

/* Closes the reader; NULL does nothing. */
void source_reader_close(struct source_reader *r);

/* ---- detection on a prefix (pure functions; tests and fuzzing use them directly) ---- */

struct source_encoding {
	const char *name;	/* as source_reader_encoding; NULL when p is empty (0 bytes
				   or a byte-order mark alone, when at_end) */
	size_t bom_len;		/* bytes of a byte-order mark at p, 0 when none */
	bool supported;		/* read as it is: UTF-8 (with or without BOM) or ASCII */
};

/*
 * The encoding of a file whose first n bytes are p (at most LIMIT_SNIFF_BYTES are looked
 * at). at_end: p is the whole file (else a sequence cut at the end of p is not an error).
 * Order: a BOM (UTF-32 before UTF-16); the NUL-byte pattern of UTF-32 or UTF-16 text;
 * valid UTF-8 ("ascii" when no byte is over 0x7F); else "windows-1252" when a byte in
 * 0x80-0x9F occurs, "iso-8859-1" otherwise.
 */
void source_detect_encoding(const char *p, size_t n, bool at_end, struct source_encoding *ret);

/*
 * The type of an input by its first n bytes: SOURCE_ZIP for a ZIP signature, SOURCE_UNKNOWN
 * for a known binary format (*ret_what names it, e.g. "a gzip file"), else SOURCE_TEXT.
 * A ZIP is told apart from a workbook only by its entries (source_open does that).
 */
enum source_type source_detect_type(const char *p, size_t n, const char **ret_what);

#endif
