/* intake-gen: writes deterministic CSV files of people records, with a chosen share of
   defective rows and a list of them, for intake's tests and benchmarks. */
#include "gen.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/xalloc.h"
#include "base/banned.h"

static const struct gen_layout *const layouts[] = {
	&gen_layout_people, &gen_layout_persons, &gen_layout_contacts,
};
#define NLAYOUTS (sizeof(layouts) / sizeof(layouts[0]))

struct opts {
	const struct gen_layout *layout;	/* --format */
	uint64_t rows;				/* --rows */
	uint64_t seed;				/* --seed */
	double invalid_rate;			/* --invalid-rate */
	double dup_rate;			/* --dup-rate, or < 0 for the layout's default */
	const char *output;			/* -o, or NULL for standard output */
	const char *defects;			/* --defects, or NULL */
	const char *eol;			/* "\n" or "\r\n" */
	bool quote_all;				/* --quote all */
	bool bom;				/* --bom */
	bool stats;				/* --stats */
};

static const char usage_text[] =
	"usage: intake-gen [--format people|persons|contacts] [--rows N] [--seed N]\n"
	"                  [--invalid-rate R] [--dup-rate R] [-o FILE] [--defects FILE]\n"
	"                  [--line-ending lf|crlf] [--quote minimal|all] [--bom] [--stats]\n"
	"\n"
	"Writes a CSV file of people records: a header row, then --rows records. The same\n"
	"arguments give the same bytes on any machine; memory stays constant.\n"
	"\n"
	"  --format F         people (121 platform, default), persons (Vibes), contacts\n"
	"                     (ticketing; repeats are UPDATE/DELETE/... rows)\n"
	"  --rows N           data rows (default 1000)\n"
	"  --seed N           seed (default 1)\n"
	"  --invalid-rate R   share of rows given exactly one defect (default 0)\n"
	"  --dup-rate R       share of rows repeating an earlier person's identifier\n"
	"                     (default 0; contacts 0.3)\n"
	"  -o FILE            write there instead of standard output\n"
	"  --defects FILE     list the defective rows: record,line,defect,column,value\n"
	"  --line-ending E    lf (default) or crlf\n"
	"  --quote Q          minimal (default: only cells holding , \" or a line break) or all\n"
	"  --bom              start with a UTF-8 byte order mark\n"
	"  --stats            print a summary on standard error\n"
	"\n"
	"Defects: bad_phone, missing_required, text_too_long, invalid_option, malformed_date\n"
	"(all layouts), unknown_language, negative_multiplier, bad_boolean (people), bad_email\n"
	"(contacts). Rows without a defect are valid. Phone numbers are valid for\n"
	"libphonenumber and unique per person (for the first 35 million persons); cells\n"
	"without '+' carry the country code, except persons' ten-digit US numbers (default\n"
	"region US).\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("intake-gen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs(" (try --help)\n", stderr);
	va_end(ap);
	return 2;
}

static bool parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}

static bool parse_rate(const char *s, double *ret)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 1)
		return false;
	*ret = v;
	return true;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	enum { O_FORMAT = 256, O_ROWS, O_SEED, O_INVALID, O_DUP, O_DEFECTS, O_EOL, O_QUOTE,
	       O_BOM, O_STATS, O_HELP };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "rows", required_argument, NULL, O_ROWS },
		{ "seed", required_argument, NULL, O_SEED },
		{ "invalid-rate", required_argument, NULL, O_INVALID },
		{ "dup-rate", required_argument, NULL, O_DUP },
		{ "output", required_argument, NULL, 'o' },
		{ "defects", required_argument, NULL, O_DEFECTS },
		{ "line-ending", required_argument, NULL, O_EOL },
		{ "quote", required_argument, NULL, O_QUOTE },
		{ "bom", no_argument, NULL, O_BOM },
		{ "stats", no_argument, NULL, O_STATS },
		{ "help", no_argument, NULL, O_HELP },
		{ 0 },
	};
	int ch;

	*o = (struct opts){ .layout = &gen_layout_people, .rows = 1000, .seed = 1,
			    .dup_rate = -1, .eol = "\n" };
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case O_FORMAT:
			o->layout = NULL;
			for (size_t i = 0; i < NLAYOUTS; i++)
				if (strcmp(optarg, layouts[i]->name) == 0)
					o->layout = layouts[i];
			if (o->layout == NULL)
				return usage_error("--format: unknown layout '%s'",
						   optarg);
			break;
		case O_ROWS:
			if (!parse_u64(optarg, &o->rows))
				return usage_error("--rows: '%s' is not a whole number",
						   optarg);
			break;
		case O_SEED:
			if (!parse_u64(optarg, &o->seed))
				return usage_error("--seed: '%s' is not a whole number",
						   optarg);
			break;
		case O_INVALID:
			if (!parse_rate(optarg, &o->invalid_rate))
				return usage_error("--invalid-rate: '%s' is not from 0 to 1",
						   optarg);
			break;
		case O_DUP:
			if (!parse_rate(optarg, &o->dup_rate))
				return usage_error("--dup-rate: '%s' is not from 0 to 1",
						   optarg);
			break;
		case 'o':
			o->output = optarg;
			break;
		case O_DEFECTS:
			o->defects = optarg;
			break;
		case O_EOL:
			if (strcmp(optarg, "lf") == 0)
				o->eol = "\n";
			else if (strcmp(optarg, "crlf") == 0)
				o->eol = "\r\n";
			else
				return usage_error("--line-ending: '%s' is not lf or crlf",
						   optarg);
			break;
		case O_QUOTE:
			if (strcmp(optarg, "minimal") == 0)
				o->quote_all = false;
			else if (strcmp(optarg, "all") == 0)
				o->quote_all = true;
			else
				return usage_error("--quote: '%s' is not minimal or all",
						   optarg);
			break;
		case O_BOM:
			o->bom = true;
			break;
		case O_STATS:
			o->stats = true;
			break;
		case 'h':
		case O_HELP:
			fputs(usage_text, stdout);
			return 1;
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->dup_rate < 0)
		o->dup_rate = o->layout->default_dup;
	return 0;
}

static int open_out(const char *path, int *ret_fd, struct err *err)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0) {
		*ret_fd = STDOUT_FILENO;
		return 0;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_sys(err, ERR_IO_ERROR, "cannot create '%s': %s", path, strerror(errno));
	*ret_fd = fd;
	return 0;
}

static void write_record(struct gen_out *o, const struct gen_row *row, unsigned ncols,
			 const struct opts *opts)
{
	for (unsigned i = 0; i < ncols; i++) {
		if (i)
			gen_out_add(o, ",", 1);
		gen_out_field(o, row->cell[i].p, row->cell[i].n, opts->quote_all);
	}
	gen_out_add(o, opts->eol, strlen(opts->eol));
}

static unsigned row_newlines(const struct gen_row *row, unsigned ncols)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ncols; i++)
		for (size_t j = 0; j < row->cell[i].n; j++)
			n += row->cell[i].p[j] == '\n';
	return n;
}

struct counts {
	uint64_t persons;		/* distinct persons written */
	uint64_t repeats;		/* rows repeating an earlier person */
	uint64_t breaks;		/* line breaks inside cells */
	uint64_t kind[GEN_NDEFECTS];	/* defective rows by kind */
	uint64_t bad;			/* defective rows */
};

static void log_defect(struct gen_out *d, uint64_t record, uint64_t line, enum gen_defect kind,
		       const char *column, const struct gen_cell *value)
{
	struct gen_cell num;

	gen_cell_clear(&num);
	gen_cell_addu(&num, record, 0);
	gen_cell_addc(&num, ',');
	gen_cell_addu(&num, line, 0);
	gen_cell_addc(&num, ',');
	gen_out_add(d, num.p, num.n);
	gen_out_field(d, gen_defect_names[kind], strlen(gen_defect_names[kind]), false);
	gen_out_add(d, ",", 1);
	gen_out_field(d, column, strlen(column), false);
	gen_out_add(d, ",", 1);
	gen_out_field(d, value->p, value->n, false);
	gen_out_add(d, "\n", 1);
}

static void generate(const struct opts *opts, struct gen_out *out, struct gen_out *dout,
		     struct counts *n)
{
	const struct gen_layout *lay = opts->layout;
	uint64_t dup_t = gen_rate_threshold(opts->dup_rate);
	uint64_t bad_t = gen_rate_threshold(opts->invalid_rate);
	uint64_t line = 2;	/* the physical line the next record starts on */
	struct gen_row *row = xmalloc(sizeof(*row));
	struct gen *g = xmalloc(sizeof(*g));

	gen_init(g, opts->seed);
	memset(n, 0, sizeof(*n));
	if (opts->bom)
		gen_out_add(out, "\xef\xbb\xbf", 3);
	for (unsigned i = 0; i < lay->ncols; i++)
		gen_cell_set(&row->cell[i], lay->header[i]);
	write_record(out, row, lay->ncols, opts);
	if (dout)
		gen_out_add(dout, "record,line,defect,column,value\n", 32);

	for (uint64_t i = 0; i < opts->rows; i++) {
		bool repeat = false;
		uint64_t k;

		if (i && gen_rng_chance(&g->rng, dup_t)) {
			k = gen_rng_below(&g->rng, n->persons);
			repeat = true;
			n->repeats++;
		} else {
			k = n->persons++;
		}
		row->newlines = 0;
		lay->row(g, k, repeat, row);
		if (gen_rng_chance(&g->rng, bad_t)) {
			enum gen_defect kind = lay->defects[gen_rng_below(&g->rng, lay->ndefects)];
			unsigned col = lay->spoil(g, row, &kind);

			n->kind[kind]++;
			n->bad++;
			/* The spoilt cell may have held a line break. */
			row->newlines = row_newlines(row, lay->ncols);
			if (dout)
				log_defect(dout, i + 1, line, kind, lay->header[col],
					   &row->cell[col]);
		}
		write_record(out, row, lay->ncols, opts);
		line += 1 + row->newlines;
		n->breaks += row->newlines;
	}
	free(g);
	free(row);
}

static void print_stats(const struct opts *opts, const struct counts *n, uint64_t bytes)
{
	const struct gen_layout *lay = opts->layout;

	fprintf(stderr,
		"%s: %" PRIu64 " rows, %" PRIu64 " persons, %" PRIu64 " repeated identifiers, "
		"%" PRIu64 " valid, %" PRIu64 " with a defect, %" PRIu64 " line breaks in "
		"cells, %" PRIu64 " bytes\n",
		lay->name, opts->rows, n->persons, n->repeats, opts->rows - n->bad, n->bad,
		n->breaks, bytes);
	for (unsigned i = 0; i < lay->ndefects; i++)
		fprintf(stderr, "  %-20s %" PRIu64 "\n", gen_defect_names[lay->defects[i]],
			n->kind[lay->defects[i]]);
}

int main(int argc, char **argv)
{
	struct opts opts;
	struct err err;
	struct gen_out out, dout;
	struct counts n;
	int fd = -1, dfd = -1, rc;

	err_clear(&err);
	rc = parse_opts(argc, argv, &opts);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (open_out(opts.output, &fd, &err) < 0 ||
	    (opts.defects && open_out(opts.defects, &dfd, &err) < 0)) {
		fprintf(stderr, "intake-gen: %s\n", err.msg);
		return 1;
	}
	gen_out_init(&out, fd);
	if (opts.defects)
		gen_out_init(&dout, dfd);
	generate(&opts, &out, opts.defects ? &dout : NULL, &n);
	rc = 0;
	if (gen_out_flush(&out, opts.output ? opts.output : "standard output", &err) < 0 ||
	    (opts.defects && gen_out_flush(&dout, opts.defects, &err) < 0)) {
		fprintf(stderr, "intake-gen: %s\n", err.msg);
		rc = 1;
	}
	if (fd != STDOUT_FILENO && close(fd) < 0 && rc == 0) {
		fprintf(stderr, "intake-gen: cannot write '%s': %s\n", opts.output,
			strerror(errno));
		rc = 1;
	}
	if (opts.defects && close(dfd) < 0 && rc == 0) {
		fprintf(stderr, "intake-gen: cannot write '%s': %s\n", opts.defects,
			strerror(errno));
		rc = 1;
	}
	if (rc == 0 && opts.stats)
		print_stats(&opts, &n, out.written);
	gen_out_release(&out);
	if (opts.defects)
		gen_out_release(&dout);
	return rc;
}
