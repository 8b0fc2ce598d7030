/*
 * libFuzzer target for base/utf8 and buf's JSON escaping: the validator, decoder and
 * counter agree with each other, and escaped JSON never holds a raw control byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t valid = utf8_valid_prefix(p, size), i = 0, cps = 0;
	struct buf b;

	if (valid > size)
		abort();
	/* Decoding the valid prefix step by step must land exactly on its end. */
	while (i < valid) {
		uint32_t cp;
		char enc[4];
		size_t n = utf8_decode(p + i, valid - i, &cp);
		if (n == 0 || utf8_encode(cp, enc) != n || memcmp(enc, p + i, n) != 0)
			abort();
		i += n;
		cps++;
	}
	if (i != valid || utf8_count(p, valid) != cps)
		abort();
	if (valid < size) {
		uint32_t cp;
		if (utf8_decode(p + valid, size - valid, &cp) != 0)
			abort();
	}
	buf_init(&b, 8 * size + 16);
	buf_add_json_str(&b, p, size);
	if (b.failed)
		abort();
	for (size_t k = 0; k < b.len; k++)
		if ((unsigned char)b.ptr[k] < 0x20 || b.ptr[k] == 0x7f)
			abort();
	buf_release(&b);
	return 0;
}
