/*
 * The job's checkpoint: where the pass stands, every file's counters and errors, the
 * rejection files' committed lengths. Written as JSON in the same transaction as each
 * batch (guarantee 1 of pipeline.c) and read back on resume.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "import/import_int.h"
#include "base/banned.h"

void state__release(struct job_state *s)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		struct file_state *f = &s->files[i];
		free(f->name);
		free(f->type);
		for (size_t k = 0; k < f->nerrors; k++)
			free(f->errors[k].msg);
	}
	free(s->files);
	memset(s, 0, sizeof(*s));
}

void state__count_error(struct job_state *s, enum err_code code)
{
	if ((unsigned)code < ERR__COUNT)
		s->errors_by_code[code]++;
}

void state__file_error(struct file_state *f, enum err_code code, uint64_t line, const char *msg)
{
	struct file_error *e;

	if (f->nerrors >= IMPORT_FILE_ERRORS_MAX)
		return;
	e = &f->errors[f->nerrors++];
	e->code = code;
	e->line = line;
	e->msg = xstrdup(msg && *msg ? msg : err_sentence(code));
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

int state__to_json(const struct job_state *s, struct buf *out, struct err *err)
{
	json_t *root = json_object(), *files = json_array(), *codes = json_object();
	char *text;

	json_object_set_new(root, "phase", json_integer(s->phase));
	json_object_set_new(root, "applying", json_boolean(s->applying));
	json_object_set_new(root, "cur_file", json_integer(s->cur_file));
	json_object_set_new(root, "wait", json_pack("[i, I, b]", s->wait_stage,
						    (json_int_t)s->wait_after, s->wait_progress));
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct file_state *f = &s->files[i];
		json_t *o = json_object(), *counts = json_array(), *errs = json_array();
		json_object_set_new(o, "name", str_or_null(f->name));
		json_object_set_new(o, "entity", json_integer(f->entity));
		json_object_set_new(o, "type", str_or_null(f->type));
		json_object_set_new(o, "rows", json_integer((json_int_t)f->rows));
		for (int k = 0; k < IMPORT_NOUTCOMES; k++)
			json_array_append_new(counts, json_integer((json_int_t)f->counts[k]));
		json_object_set_new(o, "counts", counts);
		for (size_t k = 0; k < f->nerrors; k++)
			json_array_append_new(errs, json_pack("{s:s, s:I, s:s}", "code",
				err_name(f->errors[k].code), "line",
				(json_int_t)f->errors[k].line, "msg", f->errors[k].msg));
		json_object_set_new(o, "errors", errs);
		json_object_set_new(o, "done", json_boolean(f->done));
		json_object_set_new(o, "has_pos", json_boolean(f->has_pos));
		json_object_set_new(o, "pos", json_pack("[I, I, I]", (json_int_t)f->pos_offset,
			(json_int_t)f->pos_line, (json_int_t)f->pos_index));
		json_object_set_new(o, "rejects_len", json_integer((json_int_t)f->rejects_len));
		json_object_set_new(o, "has_rejects", json_boolean(f->has_rejects));
		json_object_set_new(o, "delimiter", json_integer(f->delimiter));
		json_object_set_new(o, "crlf", json_boolean(f->crlf));
		json_object_set_new(o, "ncols", json_integer((json_int_t)f->ncols));
		json_array_append_new(files, o);
	}
	json_object_set_new(root, "files", files);
	for (int c = 0; c < ERR__COUNT; c++)
		if (s->errors_by_code[c])
			json_object_set_new(codes, err_name((enum err_code)c),
					    json_integer((json_int_t)s->errors_by_code[c]));
	json_object_set_new(root, "errors_by_code", codes);
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!text)
		return err_set(err, ERR_INTERNAL_ERROR, "cannot write the checkpoint");
	buf_reset(out);
	buf_adds(out, text);
	free(text);
	if (out->failed)
		return err_set(err, ERR_INTERNAL_ERROR, "the checkpoint is too large");
	return 0;
}

static char *dup_or_null(json_t *v)
{
	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

int state__from_json(struct job_state *s, const char *text, size_t n, struct err *err)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, n, 0, &jerr), *files, *codes, *v;
	const char *key;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return err_set(err, ERR_INTERNAL_ERROR, "the job's checkpoint does not parse: %s",
			       jerr.text);
	}
	s->phase = (enum job_phase)json_integer_value(json_object_get(root, "phase"));
	s->applying = json_is_true(json_object_get(root, "applying"));
	s->cur_file = (uint32_t)json_integer_value(json_object_get(root, "cur_file"));
	v = json_object_get(root, "wait");
	s->wait_stage = (int)json_integer_value(json_array_get(v, 0));
	s->wait_after = (int64_t)json_integer_value(json_array_get(v, 1));
	s->wait_progress = json_is_true(json_array_get(v, 2));
	files = json_object_get(root, "files");
	s->nfiles = json_array_size(files);
	s->files = xcalloc(s->nfiles ? s->nfiles : 1, sizeof(*s->files));
	json_array_foreach(files, i, v) {
		struct file_state *f = &s->files[i];
		json_t *counts = json_object_get(v, "counts"), *errs = json_object_get(v, "errors");
		json_t *pos = json_object_get(v, "pos"), *e;
		size_t k;
		f->name = dup_or_null(json_object_get(v, "name"));
		f->entity = (long)json_integer_value(json_object_get(v, "entity"));
		f->type = dup_or_null(json_object_get(v, "type"));
		f->rows = (uint64_t)json_integer_value(json_object_get(v, "rows"));
		for (k = 0; k < IMPORT_NOUTCOMES && k < json_array_size(counts); k++)
			f->counts[k] = (uint64_t)json_integer_value(json_array_get(counts, k));
		json_array_foreach(errs, k, e) {
			enum err_code code = ERR_INTERNAL_ERROR;
			err_code_from_name(json_string_value(json_object_get(e, "code")), &code);
			state__file_error(f, code,
					  (uint64_t)json_integer_value(json_object_get(e, "line")),
					  json_string_value(json_object_get(e, "msg")));
		}
		f->done = json_is_true(json_object_get(v, "done"));
		f->has_pos = json_is_true(json_object_get(v, "has_pos"));
		f->pos_offset = (uint64_t)json_integer_value(json_array_get(pos, 0));
		f->pos_line = (uint64_t)json_integer_value(json_array_get(pos, 1));
		f->pos_index = (uint64_t)json_integer_value(json_array_get(pos, 2));
		f->rejects_len = (uint64_t)json_integer_value(json_object_get(v, "rejects_len"));
		f->has_rejects = json_is_true(json_object_get(v, "has_rejects"));
		f->delimiter = (char)json_integer_value(json_object_get(v, "delimiter"));
		f->crlf = json_is_true(json_object_get(v, "crlf"));
		f->ncols = (size_t)json_integer_value(json_object_get(v, "ncols"));
	}
	codes = json_object_get(root, "errors_by_code");
	json_object_foreach(codes, key, v) {
		enum err_code code;
		if (err_code_from_name(key, &code))
			s->errors_by_code[code] = (uint64_t)json_integer_value(v);
	}
	json_decref(root);
	return 0;
}
