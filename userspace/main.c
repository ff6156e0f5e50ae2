// SPDX-License-Identifier: GPL-2.0
/*
 * main.c: global options, the command table, and exit codes.
 *
 * Commands return 0 or -errno; this is the only file that turns those
 * into exit codes (0 ok, 1 runtime error, 2 usage, 3 module not
 * loaded), so the codes mean the same thing for every command.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

enum {
	EXIT_OK		= 0,
	EXIT_RUNTIME	= 1,
	EXIT_USAGE	= 2,
	EXIT_NO_MODULE	= 3,
};

/* Adding a command: one file defining cmd_NAME, and one line here. */
static const struct ptscope_command *const commands[] = {
	&cmd_info,
	&cmd_maps,
	&cmd_walk,
	&cmd_vtop,
	&cmd_summary,
	&cmd_free,
	&cmd_compare,
	&cmd_stats,
	&cmd_trace,
};

static void print_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: ptscope [--json] [TABLE OPTIONS] COMMAND [ARGS...]\n"
		"       ptscope COMMAND --help\n"
		"       ptscope --help | --version\n"
		"\n"
		"Show what a live process's page tables contain.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name,
			commands[i]->summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -j, --json     print JSON (addresses as \"0x...\" strings)\n"
		"  -h, --help     show this help\n"
		"  -V, --version  show the tool's version\n"
		"\n"
		"Table options (before or after the command):\n"
		"  -o, --output COLS  columns to show, comma-separated; +COLS adds to\n"
		"                     the default ones\n"
		"      --list-columns the command's columns, and which show by default\n"
		"  -n, --noheadings   no header line\n"
		"  -r, --raw          raw output: one space between columns, no fitting\n"
		"      --no-legend    no legend or notes under the tables\n"
		"      --wide         do not fit the tables to the terminal (or 80 columns)\n"
		"  -b, --bytes        sizes in bytes, not in Ki/Mi/Gi\n"
		"      --tree         maps: each VMA's leaf ranges under it\n"
		"\n"
		"Exit status: 0 ok, 1 error, 2 usage error, 3 kernel module not loaded.\n"
		"See ptscope(1).\n");
}

/*
 * "Usage: ptscope [--json] NAME SYNOPSIS", wrapped to 80 columns between
 * the synopsis's bracketed groups, continuation lines under its start.
 */
static void print_usage_line(const struct ptscope_command *c)
{
	const char *p = c->synopsis, *w;
	int indent, col, depth, len;

	indent = printf("Usage: ptscope [--json] %s", c->name);
	col = indent;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		/* One group: up to a space outside brackets. */
		for (w = p, depth = 0; *w && (*w != ' ' || depth); w++)
			depth += (*w == '[') - (*w == ']');
		len = (int)(w - p);
		if (col > indent && col + 1 + len > 80) {
			printf("\n%*s", indent, "");
			col = indent;
		}
		col += printf(" %.*s", len, p);
		p = w;
	}
	putchar('\n');
}

static void print_cmd_help(const struct ptscope_command *c)
{
	print_usage_line(c);
	printf("\n%s\n", c->summary);
	if (c->help)
		printf("\n%s", c->help);
}

static const struct ptscope_command *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/*
 * The first of names among the command's own arguments: anywhere
 * before "--", but not in the command line a command runs ("ptscope
 * trace ls --help" runs "ls --help").
 */
static const char *find_own_arg(const struct ptscope_command *c, int argc,
				char **argv, const char *const *names)
{
	const char *const *n;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		for (n = names; *n; n++)
			if (!strcmp(argv[i], *n))
				return argv[i];
		if (!strcmp(argv[i], "--run") ||
		    (c->flags & CMD_F_RUNS_CMD && argv[i][0] != '-'))
			break;
	}
	return NULL;
}

static bool wants_help(const struct ptscope_command *c, int argc,
		       char **argv)
{
	static const char *const help[] = { "--help", NULL };

	return find_own_arg(c, argc, argv, help);
}

/* A global option after the command: say where it goes. */
static int misplaced_global(const struct ptscope_command *c, int argc,
			    char **argv)
{
	static const char *const globals[] = { "--json", "-j", NULL };
	const char *a = find_own_arg(c, argc, argv, globals);

	return a ? usage_bad_option(c->name, a) : 0;
}

/* ---- several PIDs, -i/-c and --vma: the loop around a command ---- */

struct loop {
	const char *vma;
	double interval;	/* seconds between rounds */
	long count;		/* rounds; 0: until interrupted */
	pid_t *pids;
	size_t nr;
};

/*
 * Whether argv[*i] is the option -S/--LONG (-SVALUE, --LONG=VALUE or a
 * separate VALUE): then *val is its value and *i is past it.
 */
static int take_opt(const char *cmd, int argc, char **argv, int *i,
		    char s, const char *lng, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(lng);

	if (s && a[0] == '-' && a[1] == s) {
		a += 2;
	} else if (!strncmp(a, "--", 2) && !strncmp(a + 2, lng, n) &&
		   (a[n + 2] == '=' || !a[n + 2])) {
		a += n + 2 + (a[n + 2] == '=');
		if (a[-1] == '=') {
			*val = a;
			return 1;
		}
	} else {
		return 0;
	}
	if (!*a) {
		if (*i + 1 >= argc) {
			usage_error(cmd, "--%s needs a value", lng);
			return -EINVAL;
		}
		a = argv[++*i];
	}
	*val = a;
	return 1;
}

static int loop_number(const char *cmd, const char *what, const char *arg,
		       double min, double max, bool whole, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	if (errno || end == arg || *end || !(*v >= min && *v <= max) ||
	    (whole && *v != (double)(long)*v))
		return usage_error(cmd, "bad %s '%s'", what, arg);
	return 0;
}

/* A long option of the command's own that takes its value separately. */
static bool takes_value(const struct ptscope_command *c, const char *a)
{
	const struct option *o;

	if (strncmp(a, "--", 2) || strchr(a, '='))
		return false;
	for (o = c->options; o && o->name; o++)
		if (o->has_arg == required_argument && !strcmp(a + 2, o->name))
			return true;
	return false;
}

static int add_pid(const char *cmd, const char *arg, struct loop *l)
{
	pid_t *p;
	int err;

	p = realloc(l->pids, (l->nr + 1) * sizeof(*p));
	if (!p) {
		fprintf(stderr, "ptscope: out of memory\n");
		return -ENOMEM;
	}
	l->pids = p;
	err = arg_pid(cmd, arg, &l->pids[l->nr]);
	if (!err)
		l->nr++;
	return err;
}

/*
 * Takes the loop's options (and, for CMD_F_PIDS, every PID after the
 * first) out of argv, so that parse() sees what it always saw.
 */
static int take_loop_args(const struct ptscope_command *c, int *argcp,
			  char **argv, struct loop *l)
{
	int argc = *argcp, i, out = 1, r;
	const char *v;
	double d;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		r = 0;
		if (c->flags & CMD_F_VMA) {
			r = take_opt(c->name, argc, argv, &i, 0, "vma", &v);
			if (r > 0)
				l->vma = v;
		}
		if (!r && c->flags & CMD_F_REPEAT) {
			r = take_opt(c->name, argc, argv, &i, 'i', "interval", &v);
			/* free's own spelling: free -s N, --seconds N */
			if (!r && !strcmp(c->name, "free"))
				r = take_opt(c->name, argc, argv, &i, 's',
					     "seconds", &v);
			if (r > 0 && loop_number(c->name, "interval", v, 0.01,
						 86400, false, &l->interval))
				return -EINVAL;
			if (!r) {
				r = take_opt(c->name, argc, argv, &i, 'c', "count",
					     &v);
				if (r > 0 && loop_number(c->name, "count", v, 1,
							 1e9, true, &d))
					return -EINVAL;
				if (r > 0)
					l->count = (long)d;
			}
		}
		if (r < 0)
			return r;
		if (r)
			continue;
		if (c->flags & CMD_F_PIDS && argv[i][0] != '-') {
			if (add_pid(c->name, argv[i], l))
				return -EINVAL;
			if (l->nr > 1)
				continue;
		}
		argv[out++] = argv[i];
		if (takes_value(c, argv[i]) && i + 1 < argc)
			argv[out++] = argv[++i];
	}
	while (i < argc)
		argv[out++] = argv[i++];
	argv[out] = NULL;
	*argcp = out;
	if (l->count && !l->interval)
		l->interval = 1;	/* as free -c does */
	return 0;
}

static void sleep_for(double seconds)
{
	struct timespec ts = {
		.tv_sec = (time_t)seconds,
		.tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9),
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Text: which process the next block is about, as pmap heads its own. */
static void show_pid_heading(struct out *o, pid_t pid, bool first)
{
	char path[32], comm[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	fprintf(o->f, "%s==> pid %d%s%s%s <==\n", first ? "" : "\n", (int)pid,
		*comm ? " (" : "", comm, *comm ? ")" : "");
}

/* One run for one PID: 0, or -errno after printing why. */
static int run_one(const struct ptscope_command *c, struct ptscope_ctx *ctx,
		   void *args, const struct loop *l, pid_t pid)
{
	struct vma_sel sel;
	int err;

	if (c->flags & CMD_F_PIDS && l->nr)
		*(pid_t *)((char *)args + c->pid_offset) = pid;
	if (!l->vma)
		return c->run(ctx, args);
	err = vma_sel_load(&sel, pid, l->vma);
	if (err)
		return err;
	ctx->vmas = &sel;
	err = c->run(ctx, args);
	ctx->vmas = NULL;
	vma_sel_free(&sel);
	return err;
}

/*
 * Every PID, every round.  A PID that fails is reported and skipped and
 * the others still run; the exit status then says 1.  JSON: one PID
 * gives the command's object, as ever; several give an array of them;
 * each round is one such document, on lines of its own.
 */
static int run_loop(const struct ptscope_command *c, struct ptscope_ctx *ctx,
		    void *args, const struct loop *l)
{
	size_t nr = l->nr ? l->nr : 1, i;
	struct out *o = ctx->out;
	bool failed = false;
	long round;

	for (round = 0; ; round++) {
		if (o->json && nr > 1)
			out_arr_open(o, NULL);
		for (i = 0; i < nr; i++) {
			if (!o->json && nr > 1)
				show_pid_heading(o, l->pids[i],
						 !round && !i);
			else if (!o->json && round && !i)
				out_blank(o);
			if (run_one(c, ctx, args, l, l->nr ? l->pids[i] : 0))
				failed = true;
			fflush(o->f);
		}
		if (o->json && nr > 1)
			out_arr_close(o);
		fflush(o->f);
		if (!l->interval || (l->count && round + 1 >= l->count))
			break;
		sleep_for(l->interval);
	}
	return failed ? -EIO : 0;
}

static int parse_args(const struct ptscope_command *c, void *args, int argc,
		      char **argv)
{
	if (!c->parse) {
		if (argc < 2)
			return 0;
		if (argv[1][0] == '-')
			return usage_bad_option(c->name, argv[1]);
		return usage_error(c->name, "unexpected argument '%s'",
				   argv[1]);
	}
	optind = 0;
	opterr = 0;
	return c->parse(args, argc, argv);
}

static int open_module(struct nl_ctx *nl)
{
	int err = nl_open(nl);

	if (err == -ENOENT) {
		fprintf(stderr, "ptscope: kernel module not loaded (sudo modprobe ptscope)\n");
		return EXIT_NO_MODULE;
	}
	return err ? EXIT_RUNTIME : EXIT_OK;
}

static int finish_output(struct out *out, int code)
{
	int err = out_finish(out);

	if (err && code == EXIT_OK) {
		fprintf(stderr, "ptscope: cannot write the output: %s\n",
			strerror(-err));
		return EXIT_RUNTIME;
	}
	return code;
}

static int run_cmd(const struct ptscope_command *c, struct ptscope_ctx *ctx,
		   int argc, char **argv)
{
	struct loop l = { 0 };
	struct nl_ctx nl;
	void *args;
	int code;

	args = calloc(1, c->args_size ? c->args_size : 1);
	if (!args) {
		fprintf(stderr, "ptscope: out of memory\n");
		return EXIT_RUNTIME;
	}
	if (misplaced_global(c, argc, argv) ||
	    take_loop_args(c, &argc, argv, &l) ||
	    parse_args(c, args, argc, argv)) {
		code = EXIT_USAGE;
		goto out_free;
	}
	if (c->flags & CMD_F_NETLINK) {
		code = open_module(&nl);
		if (code)
			goto out_free;
		ctx->nl = &nl;
	}
	ctx->exit_status = -1;
	code = run_loop(c, ctx, args, &l) ? EXIT_RUNTIME : EXIT_OK;
	if (ctx->exit_status >= 0)
		code = ctx->exit_status;
	code = finish_output(ctx->out, code);
	if (ctx->nl)
		nl_close(ctx->nl);
	ctx->nl = NULL;
out_free:
	free(l.pids);
	free(args);
	return code;
}

/*
 * Takes the table options out of a command's arguments, wherever they
 * are before "--" (or, for a command that runs another, before that
 * command), so that every command takes them and its own parse() never
 * sees them.  Returns 0, or -EINVAL after printing what was wrong.
 */
static int take_table_opts(const struct ptscope_command *c, int *argc,
			   char **argv, struct out_opts *t, bool *list)
{
	int i = 1, n, j;
	const char *a;

	while (i < *argc) {
		a = argv[i];
		n = 1;
		if (!strcmp(a, "--") || !strcmp(a, "--run") ||
		    ((c->flags & CMD_F_RUNS_CMD) && a[0] != '-'))
			break;
		if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (i + 1 >= *argc)
				return usage_error(c->name, "%s needs a list of columns", a);
			t->columns = argv[i + 1];
			n = 2;
		} else if (!strncmp(a, "--output=", 9)) {
			t->columns = a + 9;
		} else if (!strncmp(a, "-o", 2)) {
			t->columns = a + 2;
		} else if (!strcmp(a, "--noheadings")) {
			t->noheadings = true;
		} else if (!strcmp(a, "--raw")) {
			t->raw = true;
		} else if (!strcmp(a, "--no-legend")) {
			t->no_legend = true;
		} else if (!strcmp(a, "--wide")) {
			t->wide = true;
		} else if (!strcmp(a, "--bytes")) {
			t->bytes = true;
		} else if (!strcmp(a, "--tree")) {
			t->tree = true;
		} else if (!strcmp(a, "--list-columns")) {
			*list = true;
		} else if (a[0] == '-' && a[1] && strspn(a + 1, "nrb") == strlen(a + 1)) {
			for (j = 1; a[j]; j++) {
				t->noheadings |= a[j] == 'n';
				t->raw |= a[j] == 'r';
				t->bytes |= a[j] == 'b';
			}
		} else {
			i++;
			continue;
		}
		memmove(&argv[i], &argv[i + n], (*argc - i - n + 1) * sizeof(*argv));
		*argc -= n;
	}
	if (t->tree && !(c->flags & CMD_F_TREE))
		return usage_error(c->name, "--tree is for maps only");
	if (t->columns)
		return out_check_columns(c->name, t->columns, c->columns,
					 c->ncolumns);
	return 0;
}

static const struct option global_options[] = {
	{ "json",	no_argument,	NULL, 'j' },
	{ "help",	no_argument,	NULL, 'h' },
	{ "version",	no_argument,	NULL, 'V' },
	{ "output",	required_argument, NULL, 'o' },
	{ "noheadings",	no_argument,	NULL, 'n' },
	{ "raw",	no_argument,	NULL, 'r' },
	{ "bytes",	no_argument,	NULL, 'b' },
	{ "no-legend",	no_argument,	NULL, 'L' },
	{ "wide",	no_argument,	NULL, 'W' },
	{ "tree",	no_argument,	NULL, 'T' },
	{ "list-columns", no_argument,	NULL, 'C' },
	{ NULL,		0,		NULL, 0 },
};

/* Returns -1 to go on to the command, or an exit code. */
static int parse_global(int argc, char **argv, struct ptscope_opts *opts,
			struct out_opts *t, bool *list)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jhVo:nrb", global_options,
				NULL)) != -1) {
		switch (c) {
		case 'j':
			opts->json = true;
			break;
		case 'o':
			t->columns = optarg;
			break;
		case 'n':
			t->noheadings = true;
			break;
		case 'r':
			t->raw = true;
			break;
		case 'b':
			t->bytes = true;
			break;
		case 'L':
			t->no_legend = true;
			break;
		case 'W':
			t->wide = true;
			break;
		case 'T':
			t->tree = true;
			break;
		case 'C':
			*list = true;
			break;
		case 'h':
			print_usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("ptscope %s\n", PTSCOPE_TOOL_VERSION);
			return EXIT_OK;
		default:
			fprintf(stderr, "ptscope: unknown option '%s'; run 'ptscope --help'\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

static int help_cmd(int argc, char **argv)
{
	const struct ptscope_command *c;

	if (argc < 2) {
		print_usage(stdout);
		return EXIT_OK;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		fprintf(stderr, "ptscope: unknown command '%s'; run 'ptscope --help' for the list\n",
			argv[1]);
		return EXIT_USAGE;
	}
	print_cmd_help(c);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct ptscope_opts opts = { 0 };
	struct ptscope_ctx ctx = { .opts = &opts };
	const struct ptscope_command *c;
	struct out_opts topts = { 0 };
	bool list = false;
	struct out out;
	int code;

	code = parse_global(argc, argv, &opts, &topts, &list);
	if (code >= 0)
		return code;
	argc -= optind;
	argv += optind;

	if (!strcmp(argv[0], "help"))
		return help_cmd(argc, argv);
	c = find_cmd(argv[0]);
	if (!c) {
		fprintf(stderr, "ptscope: unknown command '%s'; run 'ptscope --help' for the list\n",
			argv[0]);
		return EXIT_USAGE;
	}
	if (wants_help(c, argc, argv)) {
		print_cmd_help(c);
		return EXIT_OK;
	}
	if (take_table_opts(c, &argc, argv, &topts, &list))
		return EXIT_USAGE;
	if (list) {
		if (!c->columns) {
			fprintf(stderr, "ptscope: %s: prints no table, so it has no columns to list\n",
				c->name);
			return EXIT_USAGE;
		}
		out_list_columns(stdout, c->columns, c->ncolumns);
		return EXIT_OK;
	}
	out_init(&out, stdout, opts.json);
	out_set_opts(&out, &topts);
	out.main_cols = c->columns;
	out.main_ncols = c->ncolumns;
	ctx.out = &out;
	return run_cmd(c, &ctx, argc, argv);
}
