/* Helpers shared by the data commands: options, the store, output. */
#include "cli/cmd_util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "base/banned.h"

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **ret)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
		return 0;
	if (a[n] == '=') {
		*ret = a + n + 1;
		return 1;
	}
	if (*i + 1 >= argc) {
		cli_usage_error("%s needs a value", name);
		return -1;
	}
	*ret = argv[++*i];
	return 1;
}

bool cli_opt_flag(char **argv, int i, const char *name)
{
	return strcmp(argv[i], name) == 0;
}

int cli_store_open(struct cli_app *app, struct store **ret)
{
	struct err err;

	err_clear(&err);
	if (store_open(app->data_dir, app->db_url, ret, &err) < 0) {
		log_error("%s", err.msg);
		return -1;
	}
	return 0;
}

int cli_program_open(struct store *st, const char *name, struct store_program **ret)
{
	struct err err;

	err_clear(&err);
	if (store_program_open(st, name, ret, &err) < 0) {
		log_error("%s", err.msg);
		return -1;
	}
	return 0;
}

int cli_entity_open(struct store *st, const char *program, const char *entity,
		    struct store_program **ret_p, const struct schema_entity **ret_e)
{
	if (cli_program_open(st, program, ret_p) < 0)
		return -1;
	*ret_e = schema_entity_find(store_program_schema(*ret_p), entity);
	if (!*ret_e) {
		log_error("program '%s' has no entity '%s'", program, entity);
		return -1;
	}
	return 0;
}

int cli_input_ok(const char *path)
{
	struct stat sb;
	int fd;

	if (strcmp(path, "-") == 0)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_error("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) < 0 || S_ISDIR(sb.st_mode)) {
		log_error("'%s' is a directory, not a file", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int cli_output_ok(const char *opt, const char *path, bool dir_ok)
{
	const char *slash = strrchr(path, '/');
	struct stat sb;
	char *dir;
	int rc = 0;

	if (!*path) {
		cli_usage_error("%s needs a file name", opt);
		return -1;
	}
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if (dir_ok)
			return 0;
		log_error("%s '%s' is a folder; name a file", opt, path);
		return -1;
	}
	if (!slash)
		return 0;
	dir = slash == path ? xstrdup("/") : xmemdup0(path, (size_t)(slash - path));
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		log_error("%s '%s': there is no folder '%s'", opt, path, dir);
		rc = -1;
	}
	free(dir);
	return rc;
}

int cli_job_id(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v <= 0) {
		cli_usage_error("'%s' is not a job id", s);
		return -1;
	}
	*ret = v;
	return 0;
}

int cli_print(struct buf *b)
{
	if (fwrite(b->ptr, 1, b->len, stdout) != b->len || fputc('\n', stdout) == EOF ||
	    fflush(stdout) != 0) {
		log_error("cannot write to standard output: %s", strerror(errno));
		return -1;
	}
	return 0;
}
