/*
 * The rejection files (CONTRACT 4 and 9): one per file of the job, in the file's own
 * dialect, header first (a header block kept, with the intake_* names appended to its
 * Fields), each rejected row as it came (escape(unescape(cell))) with intake_line,
 * intake_error, intake_column and intake_message appended. Bytes are written and
 * fsynced before the batch that rejected them commits, and the committed length is in
 * the checkpoint (guarantee 1).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/fs.h"
#include "import/import_int.h"
#include "base/banned.h"

/* Bytes of a rejected row gathered before they go to the file. */
#define REJECTS_FLUSH_BYTES (256 * 1024)

static const char *const intake_cols[] = {"intake_line", "intake_error", "intake_column",
					  "intake_message"};

static void opts_of(char delimiter, bool crlf, struct csv_writer_opts *o)
{
	o->delimiter = delimiter ? delimiter : ',';
	o->eol = crlf ? "\r\n" : "\n";
	o->escape = true;
}

void rejects__header(const struct file_info *fi, struct buf *out)
{
	struct csv_writer_opts o;

	opts_of(fi->delimiter, strcmp(fi->eol, "\r\n") == 0, &o);
	if (fi->block) {
		char bd = fi->block->delimiter ? fi->block->delimiter : ',';
		for (size_t i = 0; i < fi->block->nlines; i++) {
			const struct csv_header_line *l = &fi->block->lines[i];
			buf_adds(out, l->name);
			buf_adds(out, ": ");
			buf_adds(out, l->value);
			if (fi->block_fields && strcasecmp(l->name, "Fields") == 0)
				for (size_t k = 0; k < 4; k++) {
					buf_addc(out, bd);
					buf_adds(out, intake_cols[k]);
				}
			buf_adds(out, o.eol);
		}
		buf_adds(out, o.eol);
		if (fi->block_fields)
			return;
	}
	for (size_t c = 0; c < fi->ncols; c++) {
		if (c)
			buf_addc(out, o.delimiter);
		csv_write_field(out, &o, fi->cols[c].name, strlen(fi->cols[c].name));
	}
	for (size_t k = 0; k < 4; k++) {
		if (fi->ncols || k)
			buf_addc(out, o.delimiter);
		csv_write_field(out, &o, intake_cols[k], strlen(intake_cols[k]));
	}
	buf_adds(out, o.eol);
}

/*
 * The row into out; with j, out goes to the file whenever it holds REJECTS_FLUSH_BYTES, so
 * a row near the record limit is never held whole a second time (CONTRACT 3, memory).
 */
static int row_emit(struct job *j, const struct file_state *fs, const struct row *r,
		    struct buf *out, struct err *err)
{
	struct csv_writer_opts o;
	struct buf joined;
	size_t ncells = r->ncells > fs->ncols ? r->ncells : fs->ncols;
	char line[32];

	opts_of(fs->delimiter, fs->crlf, &o);
	for (size_t c = 0; c < ncells; c++) {
		const char *p = c < r->ncells ? r->cells[c].ptr : "";
		size_t n = c < r->ncells ? r->cells[c].len : 0;
		if (c)
			buf_addc(out, o.delimiter);
		/* escape(unescape(cell)): an escaped cell stays as it was, a raw one is escaped */
		csv_unescape(&p, &n);
		csv_write_field(out, &o, p, n);
		if (j && out->len >= REJECTS_FLUSH_BYTES && !out->failed) {
			if (rejects__write(j, r->file, out->ptr, out->len, err) < 0)
				return -1;
			buf_reset(out);
		}
	}
	if (ncells)
		buf_addc(out, o.delimiter);
	snprintf(line, sizeof(line), "%" PRIu64, r->line);
	csv_write_field(out, &o, line, strlen(line));
	buf_init(&joined, LIMIT_MESSAGE_BYTES);
	for (int part = 0; part < 3; part++) {
		buf_reset(&joined);
		for (size_t i = 0; i < r->nerrs; i++) {
			const char *s = part == 0 ? err_name(r->errs[i].code)
					: part == 1 ? r->errs[i].column : r->errs[i].msg;
			if (i)
				buf_adds(&joined, " | ");
			buf_adds(&joined, s);
		}
		buf_addc(out, o.delimiter);
		csv_write_field(out, &o, joined.ptr, joined.len);
	}
	buf_release(&joined);
	buf_adds(out, o.eol);
	return 0;
}

void rejects__row(const struct file_state *fs, const struct row *r, struct buf *out)
{
	row_emit(NULL, fs, r, out, NULL);
}

int rejects__row_write(struct job *j, const struct row *r, struct buf *scratch, struct err *err)
{
	buf_reset(scratch);
	if (row_emit(j, job__file(j, r->file), r, scratch, err) < 0)
		return -1;
	if (scratch->failed)
		return err_set(err, ERR_INTERNAL_ERROR, "a rejected row is too large to write");
	return rejects__write(j, r->file, scratch->ptr, scratch->len, err);
}

static int open_file(struct job *j, uint32_t file, struct err *err)
{
	struct buf path;

	if (j->rej_fd >= 0 && j->rej_fd_file == file)
		return 0;
	if (rejects__sync(j, err) < 0)
		return -1;
	if (j->rej_fd >= 0)
		close(j->rej_fd);
	j->rej_fd = -1;
	buf_init(&path, 8192);
	job__path(j, &path, "rejects-%" PRIu32 ".csv", file);
	j->rej_fd = open(path.ptr, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (j->rej_fd < 0) {
		err_sys(err, ERR_IO_ERROR, "cannot open '%s': %s", path.ptr, strerror(errno));
		buf_release(&path);
		return -1;
	}
	buf_release(&path);
	j->rej_fd_file = file;
	return 0;
}

int rejects__write(struct job *j, uint32_t file, const void *p, size_t n, struct err *err)
{
	struct file_state *fs = job__file(j, file);
	const char *c = p;
	uint64_t at = fs->rejects_len;

	if (open_file(j, file, err) < 0)
		return -1;
	while (n) {
		ssize_t w = pwrite(j->rej_fd, c, n, (off_t)at);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(err, ERR_IO_ERROR, "cannot write a rejection file: %s",
				       strerror(errno));
		}
		c += w;
		n -= (size_t)w;
		at += (uint64_t)w;
	}
	fs->rejects_len = at;
	j->rej_dirty = true;
	return 0;
}

int rejects__sync(struct job *j, struct err *err)
{
	if (j->rej_fd < 0 || !j->rej_dirty)
		return 0;
	if (fsync(j->rej_fd) < 0)
		return err_sys(err, ERR_IO_ERROR, "cannot write a rejection file: %s",
			       strerror(errno));
	j->rej_dirty = false;
	return 0;
}

int rejects__truncate(struct job *j, uint32_t file, uint64_t len, struct err *err)
{
	struct file_state *fs = job__file(j, file);

	if (open_file(j, file, err) < 0)
		return -1;
	if (ftruncate(j->rej_fd, (off_t)len) < 0)
		return err_sys(err, ERR_IO_ERROR, "cannot cut a rejection file: %s",
			       strerror(errno));
	fs->rejects_len = len;
	j->rej_dirty = true;
	return 0;
}

void rejects__close(struct job *j)
{
	if (j->rej_fd >= 0) {
		rejects__sync(j, NULL);
		close(j->rej_fd);
	}
	j->rej_fd = -1;
}
