/*
 * What a file is by its first bytes: the encoding of text (CONTRACT 9) and the signature of
 * archives and binary formats. Pure functions over a prefix.
 */
#include "source/source.h"

#include <string.h>

#include "base/utf8.h"
#include "base/banned.h"

static bool starts(const char *p, size_t n, const char *sig, size_t len)
{
	return n >= len && memcmp(p, sig, len) == 0;
}

/*
 * UTF-32 and UTF-16 text without a BOM, told by where its NUL bytes fall: in text that is
 * mostly ASCII, every code unit but the low byte is zero. zero[k] counts the NULs at
 * offsets that are k modulo 4 (whole code units only).
 */
static const char *nul_pattern(const unsigned char *p, size_t n)
{
	size_t zero[4] = {0, 0, 0, 0};
	size_t quads = n / 4, pairs = n / 2;

	if (pairs == 0)
		return NULL;
	for (size_t i = 0; i < pairs * 2; i++)
		if (p[i] == 0)
			zero[i % 4]++;
	if (quads > 0) {
		/* Counted over whole quads only. */
		size_t z[4] = {0, 0, 0, 0};
		for (size_t i = 0; i < quads * 4; i++)
			if (p[i] == 0)
				z[i % 4]++;
		if (z[1] * 2 > quads && z[2] * 10 >= quads * 9 && z[3] * 10 >= quads * 9 &&
		    z[0] * 8 < quads)
			return "utf-32le";
		if (z[2] * 2 > quads && z[0] * 10 >= quads * 9 && z[1] * 10 >= quads * 9 &&
		    z[3] * 8 < quads)
			return "utf-32be";
	}
	/* UTF-16: at least half of the high bytes are NUL and hardly any low byte is. */
	size_t zodd = zero[1] + zero[3], zeven = zero[0] + zero[2];
	if (zodd * 2 >= pairs && zeven * 8 < zodd && zeven * 16 < pairs)
		return "utf-16le";
	if (zeven * 2 >= pairs && zodd * 8 < zeven && zodd * 16 < pairs)
		return "utf-16be";
	return NULL;
}

/*
 * Bytes at the end of p that start a UTF-8 sequence the prefix cut short: a lead byte and
 * fewer continuation bytes than it announces (and nothing invalid before the cut).
 */
static size_t cut_sequence(const unsigned char *p, size_t n)
{
	for (size_t back = 1; back <= 3 && back <= n; back++) {
		unsigned char c = p[n - back];
		size_t need;

		if ((c & 0xC0) == 0x80)
			continue;	/* a continuation byte: look further back */
		if (c >= 0xC2 && c <= 0xDF)
			need = 2;
		else if (c >= 0xE0 && c <= 0xEF)
			need = 3;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 4;
		else
			return 0;
		return need > back ? back : 0;
	}
	return 0;
}

void source_detect_encoding(const char *p, size_t n, bool at_end, struct source_encoding *ret)
{
	const unsigned char *u = (const unsigned char *)p;
	struct source_encoding e = {NULL, 0, false};
	size_t valid, cut;
	bool high = false;

	if (n > LIMIT_SNIFF_BYTES) {
		n = LIMIT_SNIFF_BYTES;
		at_end = false;
	}
	if (starts(p, n, "\xEF\xBB\xBF", 3)) {
		e.bom_len = 3;
		e.supported = true;
		e.name = "utf-8";
	} else if (starts(p, n, "\xFF\xFE\x00\x00", 4)) {
		e.bom_len = 4;
		e.name = "utf-32le";
	} else if (starts(p, n, "\x00\x00\xFE\xFF", 4)) {
		e.bom_len = 4;
		e.name = "utf-32be";
	} else if (starts(p, n, "\xFF\xFE", 2)) {
		e.bom_len = 2;
		e.name = "utf-16le";
	} else if (starts(p, n, "\xFE\xFF", 2)) {
		e.bom_len = 2;
		e.name = "utf-16be";
	}
	if (e.bom_len) {
		if (at_end && n == e.bom_len)
			e.name = NULL;	/* a BOM alone: empty_file */
		*ret = e;
		return;
	}
	if (n == 0) {
		*ret = e;
		return;
	}
	e.name = nul_pattern(u, n);
	if (e.name) {
		*ret = e;
		return;
	}
	valid = utf8_valid_prefix(p, n);
	cut = at_end ? 0 : cut_sequence(u + valid, n - valid);
	if (valid + cut == n) {
		for (size_t i = 0; i < valid && !high; i++)
			high = u[i] >= 0x80;
		e.name = high || cut ? "utf-8" : "ascii";
		e.supported = true;
		*ret = e;
		return;
	}
	e.name = "iso-8859-1";
	for (size_t i = 0; i < n; i++) {
		if (u[i] >= 0x80 && u[i] <= 0x9F) {
			e.name = "windows-1252";
			break;
		}
	}
	*ret = e;
}

static const struct {
	const char *sig;	/* the first bytes */
	size_t len;
	enum source_type type;
	const char *what;	/* for messages: "this is ..." */
} signatures[] = {
	{"PK\x03\x04", 4, SOURCE_ZIP, "a ZIP archive"},
	{"PK\x05\x06", 4, SOURCE_ZIP, "an empty ZIP archive"},
	{"PK\x07\x08", 4, SOURCE_ZIP, "a spanned ZIP archive"},
	{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, SOURCE_UNKNOWN,
	 "an Excel 97-2003 workbook or a password-protected Office file"},
	{"\x1F\x8B", 2, SOURCE_UNKNOWN, "a gzip file"},
	{"BZh", 3, SOURCE_UNKNOWN, "a bzip2 file"},
	{"\xFD" "7zXZ\x00", 6, SOURCE_UNKNOWN, "an xz file"},
	{"\x28\xB5\x2F\xFD", 4, SOURCE_UNKNOWN, "a zstd file"},
	{"7z\xBC\xAF\x27\x1C", 6, SOURCE_UNKNOWN, "a 7-Zip archive"},
	{"Rar!\x1A\x07", 6, SOURCE_UNKNOWN, "a RAR archive"},
	{"%PDF-", 5, SOURCE_UNKNOWN, "a PDF document"},
	{"\x89PNG\r\n\x1A\n", 8, SOURCE_UNKNOWN, "a PNG image"},
	{"\xFF\xD8\xFF", 3, SOURCE_UNKNOWN, "a JPEG image"},
	{"GIF8", 4, SOURCE_UNKNOWN, "a GIF image"},
	{"SQLite format 3\x00", 16, SOURCE_UNKNOWN, "an SQLite database"},
	{"\x7F" "ELF", 4, SOURCE_UNKNOWN, "an executable"},
};

enum source_type source_detect_type(const char *p, size_t n, const char **ret_what)
{
	for (size_t i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++) {
		if (starts(p, n, signatures[i].sig, signatures[i].len)) {
			if (ret_what)
				*ret_what = signatures[i].what;
			return signatures[i].type;
		}
	}
	if (ret_what)
		*ret_what = "text";
	return SOURCE_TEXT;
}
