/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h: what main.c and the command files share: the options,
 * the context handed to a command, and the command table entry.
 *
 * A command is one file that defines one struct ptscope_command; main.c
 * lists it in its table and does everything else: --help, opening
 * netlink, and turning return values into exit codes.
 *
 * Adding a command, say "vtop":
 *  1. userspace/vtop.c: a struct vtop_args; a parse() that fills it
 *     with getopt_long() and arg_pid()/arg_addr(); a run() that builds
 *     the request with nl_req() and mnl_attr_put_*() and sends it with
 *     nl_doit() or nl_dump(); and a reply callback that parses each
 *     message with nl_parse_reply()/nl_parse_nest() and a policy table,
 *     then prints it with out_*() and show_*() (info.c is the model);
 *  2. "extern const struct ptscope_command cmd_vtop;" below;
 *  3. "&cmd_vtop," in main.c's commands[].
 * The Makefile builds every .c file here, so nothing else changes.
 */
#ifndef PTSCOPE_INTERNAL_H
#define PTSCOPE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <getopt.h>
#include <sys/types.h>

#include "nl.h"
#include "out.h"

#ifndef PTSCOPE_TOOL_VERSION
#define PTSCOPE_TOOL_VERSION	"unknown"
#endif

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* The only mutable state that is not local: global options. */
struct ptscope_opts {
	bool json;
};

/* --vma NAME: the address ranges of the VMAs of that name, merged. */
struct vma_sel_range {
	uint64_t start, end;
};

struct vma_sel {
	const char *name;
	struct vma_sel_range *r;
	size_t nr;
};

struct ptscope_ctx {
	const struct ptscope_opts *opts;
	struct out *out;
	struct nl_ctx *nl;	/* open only for CMD_F_NETLINK commands */
	const struct vma_sel *vmas;	/* --vma for this PID, or NULL */
	int exit_status;	/* >= 0: run() asks main to exit with it */
};

enum {
	CMD_F_NETLINK	= 1 << 0,	/* needs the module: main opens nl */
	CMD_F_PIDS	= 1 << 1,	/* PID...: main runs it once per PID */
	CMD_F_REPEAT	= 1 << 2,	/* -i SECONDS, -c COUNT */
	CMD_F_VMA	= 1 << 3,	/* --vma NAME: see target_*() */
	CMD_F_TREE	= 1 << 5,	/* takes --tree */
	CMD_F_RUNS_CMD	= 1 << 4,	/* its first non-option word starts
					 * a command line with options of
					 * its own (--help is not ours) */
};

/*
 * parse() sees argv with argv[0] the command name, stores what it found
 * in a zeroed args block of args_size bytes, and returns 0 or -EINVAL
 * after printing what was wrong; main then exits 2.  NULL parse means
 * the command takes no arguments.  run() returns 0 or -errno after
 * printing what went wrong; main then exits 1.
 */
/*
 * Several PIDs (CMD_F_PIDS): main takes every PID off the command line
 * and hands parse() the first one only, as if it were alone; before
 * each run() it stores the next one at pid_offset in the args block.
 * To find the PIDs among the arguments main needs to know which of the
 * command's own options take a value: options lists them.
 */
struct ptscope_command {
	const char *name;
	const char *synopsis;	/* arguments, for usage lines */
	const char *summary;	/* one line, for ptscope --help */
	const char *help;	/* options and notes, for NAME --help */
	unsigned int flags;	/* CMD_F_* */
	size_t args_size;
	/* The table -o/--list-columns apply to; NULL when there is none. */
	const struct out_col *columns;
	unsigned int ncolumns;
	size_t pid_offset;	/* CMD_F_PIDS: offsetof(args, pid) */
	const struct option *options;	/* CMD_F_PIDS: long options */
	int (*parse)(void *args, int argc, char **argv);
	int (*run)(struct ptscope_ctx *ctx, const void *args);
};

extern const struct ptscope_command cmd_info;
extern const struct ptscope_command cmd_maps;
extern const struct ptscope_command cmd_walk;
extern const struct ptscope_command cmd_vtop;
extern const struct ptscope_command cmd_summary;
extern const struct ptscope_command cmd_free;
extern const struct ptscope_command cmd_compare;
extern const struct ptscope_command cmd_stats;
extern const struct ptscope_command cmd_trace;

/*
 * For parse(), in args.c.  main resets getopt (optind = 0) before
 * calling parse(), so a command may use getopt_long() (opterr is 0).
 * Each prints one "ptscope: CMD: ..." line on failure and returns
 * -EINVAL, or -ERANGE for numbers too large; main then exits 2.
 */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int usage_bad_option(const char *cmd, const char *opt);
int arg_pid(const char *cmd, const char *arg, pid_t *pid);
int arg_addr(const char *cmd, const char *arg, uint64_t *addr);
int arg_range(const char *cmd, const char *arg, uint64_t *start,
	      uint64_t *end);

/* --help text of the options main handles, for the commands' help. */
#define VMA_OPTION_HELP \
	"  --vma NAME         only the VMAs named NAME in /proc/PID/maps: [heap],\n" \
	"                     [stack], a file's path or its last component\n"
#define REPEAT_OPTION_HELP \
	"  -i, --interval SECONDS  repeat every SECONDS (fractions allowed)\n" \
	"  -c, --count COUNT  stop after COUNT rounds (with -c alone, every second)\n"
#define PIDS_HELP \
	"With several PIDs each is shown in turn (JSON: an array of the objects one\n" \
	"PID gives); a PID that cannot be read is reported, the others still shown,\n" \
	"and the exit status is 1.\n"

/* In target.c, for commands with CMD_F_VMA. */
bool vma_name_matches(const char *name, const char *path, bool deleted);
int vma_sel_load(struct vma_sel *s, pid_t pid, const char *name);
void vma_sel_free(struct vma_sel *s);
bool target_has(const struct ptscope_ctx *ctx, uint64_t addr);
bool target_next_range(const struct ptscope_ctx *ctx, size_t *i,
		       uint64_t start, uint64_t end, uint64_t *rs,
		       uint64_t *re);
struct pt_vma;
int target_dump_vmas(struct ptscope_ctx *ctx, pid_t pid,
		     int (*cb)(const struct pt_vma *v, void *data),
		     void *data);

#endif /* PTSCOPE_INTERNAL_H */
