/*
 * libFuzzer target for the delimiter sniffer of CONTRACT 9 (csv_sniff_delimiter). The first
 * byte says whether the input is whole. Checks: the answer is one of the four delimiters,
 * the same on a second call, and never looks past LIMIT_SNIFF_BYTES.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limit.h"
#include "csv/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool at_end;
	const char *p;
	char d, again;

	if (size < 1)
		return 0;
	at_end = data[0] & 1;
	p = (const char *)data + 1;
	size--;
	d = csv_sniff_delimiter(p, size, at_end);
	if (d == 0 || !strchr(CSV_DELIMITERS, d))
		abort();
	again = csv_sniff_delimiter(p, size, at_end);
	if (again != d)
		abort();
	/* Only the first LIMIT_SNIFF_BYTES decide. */
	if (size > LIMIT_SNIFF_BYTES && csv_sniff_delimiter(p, LIMIT_SNIFF_BYTES, false) != d)
		abort();
	return 0;
}
