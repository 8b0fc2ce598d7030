/* Default limits and their overrides from the environment. */
#include "base/limit.h"

#include <errno.h>
#include <stdlib.h>

#include "base/banned.h"

void limits_default(struct limits *l)
{
	l->cell_bytes = LIMIT_CELL_BYTES;
	l->record_bytes = LIMIT_RECORD_BYTES;
	l->columns = LIMIT_COLUMNS;
	l->upload_bytes = LIMIT_UPLOAD_BYTES;
	l->zip_entries = LIMIT_ZIP_ENTRIES;
	l->zip_total_bytes = LIMIT_ZIP_TOTAL_BYTES;
	l->zip_ratio = LIMIT_ZIP_RATIO;
	l->xlsx_shared_bytes = LIMIT_XLSX_SHARED_BYTES;
}

static int from_env(const char *name, uint64_t *v, struct err *err)
{
	const char *s = getenv(name);
	char *end;
	unsigned long long n;

	if (!s || !*s)
		return 0;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n == 0 || s[0] == '-')
		return err_set(err, ERR_INVALID_ARGUMENT, "%s must be a positive whole number, not '%s'",
			       name, s);
	*v = n;
	return 0;
}

int limits_from_env(struct limits *l, struct err *err)
{
	limits_default(l);
	if (from_env("INTAKE_LIMIT_CELL_BYTES", &l->cell_bytes, err) < 0 ||
	    from_env("INTAKE_LIMIT_RECORD_BYTES", &l->record_bytes, err) < 0 ||
	    from_env("INTAKE_LIMIT_COLUMNS", &l->columns, err) < 0 ||
	    from_env("INTAKE_LIMIT_UPLOAD_BYTES", &l->upload_bytes, err) < 0 ||
	    from_env("INTAKE_LIMIT_ZIP_ENTRIES", &l->zip_entries, err) < 0 ||
	    from_env("INTAKE_LIMIT_ZIP_TOTAL_BYTES", &l->zip_total_bytes, err) < 0 ||
	    from_env("INTAKE_LIMIT_ZIP_RATIO", &l->zip_ratio, err) < 0 ||
	    from_env("INTAKE_LIMIT_XLSX_SHARED_BYTES", &l->xlsx_shared_bytes, err) < 0)
		return -1;
	if (l->xlsx_shared_bytes > UINT32_MAX)
		return err_set(err, ERR_INVALID_ARGUMENT, "INTAKE_LIMIT_XLSX_SHARED_BYTES must be "
			       "at most %llu", (unsigned long long)UINT32_MAX);
	return 0;
}
