/* Helpers for the unit tests: temporary directories and files. */
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fs.h"
#include "base/xalloc.h"

char *testlib_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char tmpl[4096];
	char *d;

	snprintf(tmpl, sizeof(tmpl), "%s/intake-test-XXXXXX", t && *t ? t : "/tmp");
	d = mkdtemp(tmpl);
	if (!d)
		fail_msg("mkdtemp failed");
	return xstrdup(d);
}

void testlib_rmtree(char *dir)
{
	if (dir)
		fs_remove_tree(dir, NULL);
	free(dir);
}

char *testlib_write(const char *dir, const char *name, const void *p, size_t n)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *path = xmalloc(len);
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		fail_msg("cannot create %s", path);
	if (n && fwrite(p, 1, n, f) != n)
		fail_msg("cannot write %s", path);
	fclose(f);
	return path;
}

char *testlib_slurp(const char *path, size_t *ret_len)
{
	struct buf b;
	struct err err;

	buf_init(&b, (size_t)1 << 31);
	if (fs_read_file(path, &b, &err) < 0)
		fail_msg("%s", err.msg);
	return buf_detach(&b, ret_len);
}

long testlib_peak_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

const char *testlib_data_dir(void)
{
	const char *d = getenv("INTAKE_TEST_DATA");

	return d && *d ? d : "tests/data";
}

int testlib_run_cases(const char *group, void (*fn)(void **state), void *cases, size_t n,
		      size_t size, size_t name_off)
{
	struct CMUnitTest *tests = xcalloc(n ? n : 1, sizeof(*tests));
	int rc;

	for (size_t i = 0; i < n; i++) {
		char *c = (char *)cases + i * size;
		tests[i].name = *(const char *const *)(c + name_off);
		tests[i].test_func = fn;
		tests[i].initial_state = c;
	}
	rc = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	free(tests);
	return rc;
}
