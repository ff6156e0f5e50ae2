/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli_run.h: run a command in the guest tests and capture what it said:
 * stdout, stderr, the exit status and its peak RSS (wait4's ru_maxrss).
 */
#ifndef PT_CLI_RUN_H
#define PT_CLI_RUN_H

#include <stdbool.h>
#include <stddef.h>

struct cli_result {
	int status;		/* exit code, or 128 + signal */
	char *out, *err;	/* NUL-terminated, malloc()ed */
	size_t out_len, err_len;
	long maxrss_kb;		/* wait4's ru_maxrss: includes the forked
				 * copy of the caller before exec */
	long hwm_kb;		/* the command's own VmHWM, sampled from
				 * /proc/PID/status while it runs */
	unsigned long out_lines; /* newlines seen on stdout */
};

/*
 * Runs the command line @fmt (split on blanks; no quoting) with PATH
 * searched.  With @keep_out false, stdout is counted (out_lines,
 * out_len) but not kept: for outputs too large to hold.  Returns 0, or
 * -errno if it could not be run at all.
 */
int cli_run(struct cli_result *r, bool keep_out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cli_free(struct cli_result *r);

#endif /* PT_CLI_RUN_H */
