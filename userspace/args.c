// SPDX-License-Identifier: GPL-2.0
/*
 * args.c: helpers for the commands' parse() functions, so that every
 * usage error reads the same and ends by saying where the help is.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "parse.h"

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ptscope: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; run 'ptscope %s --help'\n", cmd);
	return -EINVAL;
}

int usage_bad_option(const char *cmd, const char *opt)
{
	if (!strcmp(opt, "--json") || !strcmp(opt, "-j"))
		return usage_error(cmd, "'%s' is a global option and goes before the command, as in 'ptscope --json %s'",
				   opt, cmd);
	return usage_error(cmd, "unknown option or missing value '%s'", opt);
}

int arg_pid(const char *cmd, const char *arg, pid_t *pid)
{
	const char *why;
	int err = parse_pid(arg, pid, &why);

	if (err)
		usage_error(cmd, "bad process id '%s': %s", arg, why);
	return err;
}

int arg_addr(const char *cmd, const char *arg, uint64_t *addr)
{
	const char *why;
	int err = parse_addr(arg, addr, &why);

	if (err)
		usage_error(cmd, "bad address '%s': %s", arg, why);
	return err;
}

int arg_range(const char *cmd, const char *arg, uint64_t *start,
	      uint64_t *end)
{
	const char *why;
	int err = parse_range(arg, start, end, &why);

	if (err)
		usage_error(cmd, "bad range '%s': %s", arg, why);
	return err;
}
