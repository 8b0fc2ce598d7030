/*
 * csv: reading and writing CSV.
 * Owns: dialects, quoting, record boundaries, physical line numbers and byte offsets, the
 * raw bytes of each record, the header block and delimiter sniffing of CONTRACT 9, and
 * the reversible spreadsheet-safety escaping of CONTRACT 4.
 * Knows nothing of: schemas, stores, where the bytes come from (a read callback feeds
 * it), and encodings (its input is already UTF-8 or ASCII; it never validates UTF-8).
 *
 * The reader pulls one record at a time through a fixed input buffer and never holds
 * more than the record limit: memory is constant whatever the file size.
 * Rules and decisions: docs/internals/csv.md.
 */
#ifndef INTAKE_CSV_CSV_H
#define INTAKE_CSV_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/err.h"

struct csv_reader;

/*
 * Input: fills dst with up to cap bytes. Returns the number of bytes read, 0 at the end
 * of input, or -1 with err filled (the reader passes that error on unchanged).
 */
typedef ssize_t (*csv_read_fn)(void *ctx, char *dst, size_t cap, struct err *err);

/* The delimiters CONTRACT 3 allows, in the sniffer's tie-break order. */
#define CSV_DELIMITERS ",;\t|"

struct csv_reader_opts {
	char delimiter;		/* ',' ';' '\t' '|', or 0 to sniff (CONTRACT 9) */
	bool header_block;	/* recognise a header block (CONTRACT 9); a block's
				   Delimiter wins over sniffing, not over a set delimiter */
	char fallback_delimiter; /* with delimiter 0: the delimiter when the file has no
				   block Delimiter, instead of sniffing (a schema's dialect:
				   the file's own block still wins); 0: sniff */
	bool rows_are_lines;	/* line breaks inside quoted fields do not count: a record's
				   line is the number of records and blank lines before it,
				   plus one (a workbook's row number, as source/ writes it) */
	uint64_t max_cell;	/* bytes per field (too_large beyond); 0: LIMIT_CELL_BYTES */
	uint64_t max_record;	/* bytes per record (too_large beyond); 0: LIMIT_RECORD_BYTES */
	uint64_t max_columns;	/* fields per record (too_large beyond); 0: LIMIT_COLUMNS */
	size_t buffer_bytes;	/* first size of the input buffer; 0: CSV_READER_BUFFER_BYTES.
				   It grows only to hold the dialect window or one record,
				   never past max_record + 1 bytes for a record */
	/* Resuming in the middle of an input (the importer after a crash): the read callback
	   already starts at the first byte of a record, at byte start_offset of the whole
	   input. start_line != 0 turns resuming on: no BOM or header-block detection, no
	   sniffing (delimiter must be set), and records report offsets, lines and indexes
	   as if the input had been read from its start. */
	uint64_t start_offset;	/* byte offset of the first byte the callback returns */
	uint64_t start_line;	/* physical line of that byte (1-based); 0: not resuming */
	uint64_t start_index;	/* records that came before it, the header row included */
};

/* The input buffer's first size: reads of this size keep system calls few. */
#define CSV_READER_BUFFER_BYTES (256 * 1024)

/* One field of a record: its value with quotes removed and doubled quotes collapsed. */
struct csv_field {
	const char *ptr;	/* NUL-terminated; the bytes may also hold NULs, len counts */
	size_t len;		/* bytes */
	bool quoted;		/* the field was written in quotes */
};

/*
 * One record. All pointers point into the reader and stay valid until the next call
 * to csv_reader_next or csv_reader_free.
 */
struct csv_record {
	const struct csv_field *fields;	/* nfields fields */
	size_t nfields;
	uint64_t line;		/* 1-based physical line where the record starts (CONTRACT 9
				   intake_line: every CRLF, LF or lone CR counts, in quotes too
				   unless rows_are_lines; header-block lines, the header row and
				   blank lines count) */
	uint64_t end_line;	/* physical line where the record ends */
	uint64_t offset;	/* byte offset of its first byte from the start of the input
				   (a BOM counts) */
	const char *raw;	/* the record's bytes as they came, without its line end */
	size_t raw_len;
	uint64_t index;		/* 1-based count of records returned so far (header row included) */
};

/* A header block (Vibes): "Name: value" lines ended by a blank line (CONTRACT 9). */
struct csv_header_line {
	char *name;		/* as written, e.g. "Fields" */
	char *value;		/* the rest of the line after ':' and spaces */
};

struct csv_header_block {
	struct csv_header_line *lines;	/* every line of the block, unknown names included */
	size_t nlines;
	uint64_t physical_lines;	/* lines the block used, its ending blank line included */
	char delimiter;			/* from "Delimiter", or 0 if absent */
	char multi_select_delimiter;	/* from "Multi-Select-Delimiter", or 0 if absent */
	char **fields;			/* "Fields" split on the block's delimiter (default ','),
					   or NULL when there is no Fields line */
	size_t nfields;
};

/*
 * Line-end counts over what the reader has consumed so far (for inspect): line ends
 * outside quoted fields only (record ends, blank lines, header-block lines).
 */
struct csv_stats {
	uint64_t lf;		/* lone LF */
	uint64_t crlf;		/* CR LF */
	uint64_t cr;		/* lone CR */
	uint64_t bytes;		/* bytes consumed */
	uint64_t records;	/* records returned */
};

/* ---- reading ---- */

/*
 * Creates a reader over read(ctx). Reads nothing yet. The reader owns nothing of ctx.
 */
int csv_reader_new(const struct csv_reader_opts *opts, csv_read_fn read, void *ctx,
		   struct csv_reader **ret_reader, struct err *err);

/*
 * Reads the start of the input (up to 64 KiB): skips a UTF-8 BOM, recognises a header
 * block, sniffs the delimiter if none was set. Called by csv_reader_next on first use;
 * call it directly to learn the dialect before the first record. Returns 0 or -1.
 */
int csv_reader_prepare(struct csv_reader *r, struct err *err);

/*
 * The next record: 1 with *ret_rec set, 0 at the end of input, -1 on a file-level error
 * (err->code is malformed_csv, too_large, or what the read callback set; err->line is the
 * line the error is about, e.g. where an unclosed quote opened). Blank lines outside
 * quotes are skipped. After -1 the reader returns -1 again.
 */
int csv_reader_next(struct csv_reader *r, const struct csv_record **ret_rec, struct err *err);

/* The delimiter in use (after prepare). */
char csv_reader_delimiter(const struct csv_reader *r);
/* True when the input started with a UTF-8 BOM (after prepare). */
bool csv_reader_bom(const struct csv_reader *r);
/* The header block, or NULL when the input has none (after prepare). */
const struct csv_header_block *csv_reader_header_block(const struct csv_reader *r);
void csv_reader_stats(const struct csv_reader *r, struct csv_stats *ret_stats);

void csv_reader_free(struct csv_reader *r);

/* A reader over a memory buffer (tests, small inputs); p must outlive the reader. */
/*
 * A csv_read_fn over an open file descriptor: ctx points to the int descriptor (the
 * caller opens and closes it). Retries EINTR; a read error is io_error.
 */
ssize_t csv_read_fd(void *ctx, char *dst, size_t cap, struct err *err);

int csv_reader_new_mem(const struct csv_reader_opts *opts, const char *p, size_t n,
		       struct csv_reader **ret_reader, struct err *err);

/* ---- dialect detection on a prefix ---- */

/*
 * The delimiter by the rule of CONTRACT 9 over p[0..n) (at most LIMIT_SNIFF_BYTES or
 * LIMIT_SNIFF_RECORDS records): the candidate of CSV_DELIMITERS whose modal field count
 * (> 1) matches the most records wins; ties go to the earlier candidate; ',' when every
 * candidate gives one field. at_end: p holds the whole input (its last record is whole).
 */
char csv_sniff_delimiter(const char *p, size_t n, bool at_end);

/* ---- writing ---- */

struct csv_writer_opts {
	char delimiter;		/* field separator */
	const char *eol;	/* record terminator: "\n" or "\r\n" */
	bool escape;		/* apply the spreadsheet-safety escaping (CONTRACT 4) */
};

/*
 * Appends one field, escaped first when o->escape, and quoted when it holds the delimiter,
 * a quote, CR or LF, or starts or ends with a space (some readers trim unquoted spaces).
 */
void csv_write_field(struct buf *out, const struct csv_writer_opts *o, const char *p, size_t n);
/*
 * Appends a whole record and its terminator (o->eol, "\n" when NULL). A record of one
 * empty field is written as "" so that it does not read back as a blank line; a record
 * of no fields is a bare line end, which readers skip.
 */
void csv_write_record(struct buf *out, const struct csv_writer_opts *o,
		      const struct csv_field *fields, size_t nfields);

/* ---- spreadsheet safety (CONTRACT 4) ---- */

/*
 * With T = { '=', '+', '-', '@', TAB, CR, LF, NUL }: true when the cell is zero or more
 * apostrophes followed by a character of T (escape adds one apostrophe in front).
 */
bool csv_escape_needed(const char *p, size_t n);
/* Appends the escaped cell: one more apostrophe in front when csv_escape_needed. */
void csv_escape(struct buf *out, const char *p, size_t n);
/*
 * The inverse, applied by the importer to every cell: when the cell is one or more
 * apostrophes followed by a character of T, advances *p by one and shortens *n by one.
 * Returns true when it removed an apostrophe.
 */
bool csv_unescape(const char **p, size_t *n);

#endif
