/*
 * testlib: helpers shared by the unit tests (cmocka).
 * Temporary directories, whole-file reads and small assertions on buffers.
 */
#ifndef INTAKE_TESTS_TESTLIB_H
#define INTAKE_TESTS_TESTLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* A new empty directory under $TMPDIR (or /tmp); the caller frees the string. */
char *testlib_tmpdir(void);
/* Removes the tree and frees the path. */
void testlib_rmtree(char *dir);
/* Writes n bytes to dir/name; returns the full path (caller frees). */
char *testlib_write(const char *dir, const char *name, const void *p, size_t n);
/* The whole file, NUL-terminated (caller frees); *ret_len gets its length. */
char *testlib_slurp(const char *path, size_t *ret_len);
/* Peak resident set size of this process, in KiB (VmHWM). */
long testlib_peak_rss_kib(void);
/* The directory of the test data (tests/data), from the INTAKE_TEST_DATA variable. */
const char *testlib_data_dir(void);
/*
 * Runs fn once per case as the cmocka group named group: cases holds n cases of size
 * bytes, each named by the char * at name_off in it (offsetof) and given as the test's
 * state. Returns what the group returns: the number of cases that failed.
 */
int testlib_run_cases(const char *group, void (*fn)(void **state), void *cases, size_t n,
		      size_t size, size_t name_off);

#define assert_mem_str(p, n, s)                                                          \
	do {                                                                             \
		size_t n_ = (n);                                                         \
		const char *s_ = (s);                                                    \
		if (n_ != strlen(s_) || memcmp((p), s_, n_) != 0)                        \
			fail_msg("got '%.*s' (%zu bytes), want '%s'", (int)n_, (const char *)(p), \
				 n_, s_);                                                \
	} while (0)

#endif
