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

static void print_cmd_help(const struct ptscope_command *c)
{
	printf("Usage: ptscope [--json] %s%s%s\n\n%s\n", c->name,
	       *c->synopsis ? " " : "", c->synopsis, c->summary);
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

/* "--help" anywhere before "--" asks for help, whatever else is there. */
static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help"))
			return true;
	return false;
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
	struct nl_ctx nl;
	void *args;
	int code;

	args = calloc(1, c->args_size ? c->args_size : 1);
	if (!args) {
		fprintf(stderr, "ptscope: out of memory\n");
		return EXIT_RUNTIME;
	}
	if (parse_args(c, args, argc, argv)) {
		code = EXIT_USAGE;
		goto out_free;
	}
	if (c->flags & CMD_F_NETLINK) {
		code = open_module(&nl);
		if (code)
			goto out_free;
		ctx->nl = &nl;
	}
	code = c->run(ctx, args) ? EXIT_RUNTIME : EXIT_OK;
	code = finish_output(ctx->out, code);
	if (ctx->nl)
		nl_close(ctx->nl);
	ctx->nl = NULL;
out_free:
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
		    ((c->flags & CMD_F_CMDLINE) && a[0] != '-'))
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
	if (wants_help(argc, argv)) {
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
