/* ISO 8601 UTC timestamps and a monotonic clock. */
#include "base/clock.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/banned.h"

int64_t clock_now(void)
{
#ifdef INTAKE_TEST_HOOKS
	const char *s = getenv("INTAKE_NOW");

	if (s && *s) {
		char *end;
		long long v = strtoll(s, &end, 10);
		if (!*end)
			return v;
	}
#endif
	return (int64_t)time(NULL);
}

void clock_iso(int64_t t, char out[CLOCK_ISO_BYTES])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, CLOCK_ISO_BYTES, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

double clock_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
