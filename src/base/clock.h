/*
 * clock: wall-clock time as intake writes it (ISO 8601, UTC, seconds).
 * Owns: nothing.  Knows nothing of: anything else in intake.
 * In test builds (INTAKE_TEST_HOOKS), INTAKE_NOW (seconds since the epoch) fixes the
 * clock, so golden tests are stable.
 */
#ifndef INTAKE_BASE_CLOCK_H
#define INTAKE_BASE_CLOCK_H

#include <stdint.h>
#include <time.h>

#define CLOCK_ISO_BYTES 21 /* "2026-11-23T10:00:00Z" and the NUL */

/* Seconds since the epoch (or INTAKE_NOW when set, in test builds). */
int64_t clock_now(void);
/* Writes t as "YYYY-MM-DDThh:mm:ssZ" into out (CLOCK_ISO_BYTES). */
void clock_iso(int64_t t, char out[CLOCK_ISO_BYTES]);
/* Monotonic seconds, for progress and rates. */
double clock_mono(void);

#endif
