/*
 * libFuzzer target for the encoding detector and the reader's conversion. The first byte
 * picks the encoding named (or none) and the second the size of each read; the rest is
 * the file. Checks: what the detector says agrees with the bytes (ASCII has no high byte,
 * UTF-8 validates, a BOM is where it says); without an encoding the reader hands out the
 * input unchanged; with one, reads in any size give the same UTF-8 as one large read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/limit.h"
#include "base/utf8.h"
#include "source/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *encodings[] = {
	NULL, "utf-16", "utf-16le", "utf-16be", "utf-32", "windows-1252", "iso-8859-1",
	"utf-8", "shift_jis", "utf-7",
};

static void check_detection(const char *p, size_t n)
{
	struct source_encoding e;
	size_t look = n < LIMIT_SNIFF_BYTES ? n : LIMIT_SNIFF_BYTES;

	source_detect_encoding(p, n, true, &e);
	if (e.bom_len > look)
		abort();
	if (!e.name) {
		/* Empty: nothing, or a byte-order mark alone. */
		if (n != e.bom_len)
			abort();
		return;
	}
	if (e.supported != (strcmp(e.name, "utf-8") == 0 || strcmp(e.name, "ascii") == 0))
		abort();
	if (strcmp(e.name, "ascii") == 0)
		for (size_t i = 0; i < look; i++)
			if ((unsigned char)p[i] >= 0x80)
				abort();
	if (strcmp(e.name, "utf-8") == 0 && e.bom_len == 0 && n <= LIMIT_SNIFF_BYTES &&
	    !utf8_is_valid(p, n))
		abort();
	if (strcmp(e.name, "utf-8") == 0 && e.bom_len != 0 && e.bom_len != 3)
		abort();
}

/* Reads the whole entry in reads of at most step bytes. -1 when the reader refused it. */
static int read_all(const char *p, size_t n, const char *enc, size_t step, struct buf *out,
		    enum err_code *ret_code)
{
	struct source_opts o = {.encoding = enc};
	struct source *src;
	struct source_reader *r;
	struct err err;
	char chunk[4096];
	int rc = 0;

	buf_reset(out);
	*ret_code = ERR_OK;
	if (source_open_mem(p, n, &o, &src, &err) < 0)
		return -1;	/* an encoding iconv does not have here */
	if (source_reader_open(src, 0, &r, &err) < 0) {
		source_free(src);
		*ret_code = err.code;
		return -1;
	}
	for (;;) {
		ssize_t got = source_read(r, chunk, step, &err);
		if (got < 0) {
			*ret_code = err.code;
			rc = -1;
			break;
		}
		if (got == 0)
			break;
		if ((size_t)got > step)
			abort();
		buf_add(out, chunk, (size_t)got);
	}
	source_reader_close(r);
	source_free(src);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *enc;
	size_t step;
	struct buf a, b;
	enum err_code ca, cb;
	int ra, rb;

	if (size < 2)
		return 0;
	enc = encodings[data[0] % (sizeof(encodings) / sizeof(encodings[0]))];
	step = 1 + data[1] % 64;
	data += 2;
	size -= 2;
	check_detection((const char *)data, size);
	if (source_detect_type((const char *)data, size, NULL) != SOURCE_TEXT)
		return 0;
	buf_init(&a, 16 * size + 64);
	buf_init(&b, 16 * size + 64);
	ra = read_all((const char *)data, size, enc, step, &a, &ca);
	rb = read_all((const char *)data, size, enc, 4096, &b, &cb);
	if (ra != rb || ca != cb || a.failed || b.failed || a.len != b.len ||
	    memcmp(a.ptr, b.ptr, a.len) != 0)
		abort();
	if (ra == 0 && !enc && (a.len != size || memcmp(a.ptr, data, size) != 0))
		abort();
	if (ra < 0 && ca != ERR_EMPTY_FILE && ca != ERR_UNSUPPORTED_ENCODING && ca != ERR_OK)
		abort();
	buf_release(&a);
	buf_release(&b);
	return 0;
}
