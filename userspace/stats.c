// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c: "ptscope stats" and "ptscope trace", the module's TLB-flush
 * and page-fault counters.
 *
 *   ptscope stats [PID] [-i SECONDS] [-c COUNT]   like vmstat: a row of
 *       totals, then one row of per-second rates per interval
 *   ptscope stats --run COMMAND...                like perf stat: run
 *   ptscope trace [--] COMMAND...                 COMMAND, print totals
 *
 * Statistics must be on, and a PID watched, for its counters to move: the
 * tool switches them on and watches the PID when needed (CAP_SYS_ADMIN or
 * CAP_PERFMON), and undoes exactly what it changed when it stops.
 *
 * The kernel's own counters are shown beside the tracepoint ones.  They
 * do not measure the same thing: the tracepoint fires on every page-fault
 * exception, min_flt/maj_flt and pgfault count faults the mm handled
 * (retried, spurious and failed ones are not counted), and the tracepoint
 * counts of a PID start when it is watched while the kernel's start at
 * fork.  Rates compare directly; totals only for --run.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uapi/ptscope.h"
#include "internal.h"
#include "stats.h"

static volatile sig_atomic_t interrupted;

/* Non-negative values only; avoids libm for llround(). */
static uint64_t round_u64(double v)
{
	return v > 0 ? (uint64_t)(v + 0.5) : 0;
}

uint64_t stats_rate(uint64_t now, uint64_t prev, double secs)
{
	/* Counters never go backwards; a reloaded module starts again. */
	if (secs <= 0 || now < prev)
		return 0;
	return round_u64((now - prev) / secs);
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* ---- netlink ------------------------------------------------------- */

static const enum mnl_attr_data_type top_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_STATS] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type stats_policy[PTSCOPE_STATS_MAX + 1] = {
	[PTSCOPE_STATS_ENABLED] = MNL_TYPE_U8,
	[PTSCOPE_STATS_PID] = MNL_TYPE_U32,
	[PTSCOPE_STATS_WATCHED] = MNL_TYPE_FLAG,
	[PTSCOPE_STATS_WATCH_PID] = MNL_TYPE_U32,
	[PTSCOPE_STATS_COUNTERS] = MNL_TYPE_NESTED,
	[PTSCOPE_STATS_KERN_PGFAULT] = MNL_TYPE_U64,
	[PTSCOPE_STATS_KERN_PGMAJFAULT] = MNL_TYPE_U64,
	[PTSCOPE_STATS_KERN_MIN_FLT] = MNL_TYPE_U64,
	[PTSCOPE_STATS_KERN_MAJ_FLT] = MNL_TYPE_U64,
	[PTSCOPE_STATS_TIME_NS] = MNL_TYPE_U64,
};

static uint64_t attr_u64(const struct nlattr *a)
{
	return a ? mnl_attr_get_u64(a) : 0;
}

static int snap_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[PTSCOPE_A_MAX + 1];
	const struct nlattr *tb[PTSCOPE_STATS_MAX + 1];
	const struct nlattr *c;
	struct snap *s = data;
	int err;

	err = nl_parse_reply(nlh, top_policy, PTSCOPE_A_MAX, top);
	if (err)
		return err;
	if (!top[PTSCOPE_A_STATS]) {
		fprintf(stderr, "ptscope: the module sent no statistics; check that the tool and module versions match\n");
		return -EPROTO;
	}
	err = nl_parse_nest(top[PTSCOPE_A_STATS], stats_policy,
			    PTSCOPE_STATS_MAX, tb);
	if (err)
		return err;
	s->seen = true;
	s->enabled = tb[PTSCOPE_STATS_ENABLED] &&
		     mnl_attr_get_u8(tb[PTSCOPE_STATS_ENABLED]);
	s->watched = tb[PTSCOPE_STATS_WATCHED];
	s->pgfault = attr_u64(tb[PTSCOPE_STATS_KERN_PGFAULT]);
	s->pgmajfault = attr_u64(tb[PTSCOPE_STATS_KERN_PGMAJFAULT]);
	s->min_flt = attr_u64(tb[PTSCOPE_STATS_KERN_MIN_FLT]);
	s->maj_flt = attr_u64(tb[PTSCOPE_STATS_KERN_MAJ_FLT]);
	s->time_ns = attr_u64(tb[PTSCOPE_STATS_TIME_NS]);
	if (!tb[PTSCOPE_STATS_COUNTERS])
		return 0;
	s->has_ctr = true;
	/* Counters a newer module adds are skipped; padding is type 0. */
	mnl_attr_for_each_nested(c, tb[PTSCOPE_STATS_COUNTERS]) {
		uint16_t type = mnl_attr_get_type(c);

		if (type == PTSCOPE_CTR_UNSPEC || type > PTSCOPE_CTR_MAX)
			continue;
		if (mnl_attr_validate(c, MNL_TYPE_U64) < 0) {
			fprintf(stderr, "ptscope: malformed counter %u in the module's reply\n",
				type);
			return -EPROTO;
		}
		s->ctr[type] = mnl_attr_get_u64(c);
	}
	return 0;
}

static int get_snap(struct nl_ctx *nl, pid_t pid, struct snap *s)
{
	struct nlmsghdr *req = nl_req(nl, PTSCOPE_CMD_GET_STATS);
	int err;

	memset(s, 0, sizeof(*s));
	if (pid)
		mnl_attr_put_u32(req, PTSCOPE_A_PID, (uint32_t)pid);
	err = nl_doit(nl, req, snap_cb, s);
	if (!err && !s->seen) {
		fprintf(stderr, "ptscope: the module acknowledged but sent no statistics\n");
		err = -EPROTO;
	}
	return err;
}

/* enabled: -1 leaves it; add/del: 0 for none. */
static int set_stats(struct nl_ctx *nl, int enabled, pid_t add, pid_t del)
{
	struct nlmsghdr *req = nl_req(nl, PTSCOPE_CMD_SET_STATS);
	struct nlattr *nest;

	nest = mnl_attr_nest_start(req, PTSCOPE_A_STATS);
	if (enabled >= 0)
		mnl_attr_put_u8(req, PTSCOPE_STATS_ENABLED, (uint8_t)enabled);
	if (add)
		mnl_attr_put_u32(req, PTSCOPE_STATS_WATCH_ADD, (uint32_t)add);
	if (del)
		mnl_attr_put_u32(req, PTSCOPE_STATS_WATCH_DEL, (uint32_t)del);
	mnl_attr_nest_end(req, nest);
	return nl_doit(nl, req, NULL, NULL);
}

/* What this run changed, so that it can be undone. */
struct setup {
	bool switched_on;
	pid_t watching;
};

/* @s gets the state found before any change. */
static int setup_stats(struct nl_ctx *nl, pid_t pid, struct setup *su,
		       struct snap *before)
{
	struct snap s;
	int err;

	memset(su, 0, sizeof(*su));
	err = get_snap(nl, pid, &s);
	if (before)
		*before = s;
	if (err)
		return err;
	if (pid && !s.watched) {
		err = set_stats(nl, -1, pid, 0);
		if (err)
			goto err_hint;
		su->watching = pid;
	}
	if (!s.enabled) {
		err = set_stats(nl, 1, 0, 0);
		if (err)
			goto err_hint;
		su->switched_on = true;
	}
	return 0;

err_hint:
	if (err == -EPERM)
		fprintf(stderr, "ptscope: statistics are off or the process is not watched, and changing that needs CAP_SYS_ADMIN or CAP_PERFMON (try sudo)\n");
	if (su->watching)
		set_stats(nl, -1, 0, su->watching);
	return err;
}

static void undo_stats(struct nl_ctx *nl, const struct setup *su)
{
	if (su->switched_on)
		set_stats(nl, 0, 0, 0);
	if (su->watching)
		set_stats(nl, -1, 0, su->watching);
}

/* ---- figures ------------------------------------------------------- */

static const struct out_col fig_cols[] = {
	{ "fault_user", "user", 8, false, 0, "faults from user mode" },
	{ "fault_kernel", "kern", 6, false, 0, "faults from kernel mode" },
	{ "fault_read", "read", 8, false, 0, "read faults" },
	{ "fault_write", "write", 8, false, 0, "write faults" },
	{ "fault_ifetch", "exec", 6, false, 0, "instruction-fetch faults" },
	{ "fault_prot", "prot", 7, false, 0, "protection faults" },
	{ "fault_notpresent", "notp", 8, false, 0, "not-present faults" },
	{ "kernel_faults", "k-flt", 8, false, OUT_COL_HIDE, "the kernel's fault count" },
	{ "kernel_major", "k-maj", 5, false, OUT_COL_HIDE, "the kernel's major-fault count" },
	{ "tlb_task_switch", "tlb-sw", 7, false, 0, "TLB flushes at task switch" },
	{ "tlb_remote_shootdown", "tlb-rcv", 7, false, OUT_COL_HIDE, "remote shootdowns received" },
	{ "tlb_local_shootdown", "tlb-loc", 7, false, OUT_COL_HIDE, "local shootdowns" },
	{ "tlb_local_mm_shootdown", "tlb-mm", 7, false, OUT_COL_HIDE, "local mm shootdowns" },
	{ "tlb_remote_send_ipi", "tlb-ipi", 7, false, 0, "shootdown IPIs sent" },
	{ "tlb_full", "full", 7, false, OUT_COL_HIDE, "full flushes" },
	{ "tlb_pages", "pages", 8, false, OUT_COL_HIDE, "pages flushed by ranged flushes" },
};

_Static_assert(ARRAY_SIZE(fig_cols) == FIG_CNT, "one column per figure");

static uint64_t tlb_events(const struct snap *s, unsigned int reason)
{
	return s->ctr[PTSCOPE_CTR_TLB_RANGED + reason] +
	       s->ctr[PTSCOPE_CTR_TLB_FULL + reason];
}

void stats_figures(const struct snap *s, bool per_pid, struct figures *f)
{
	unsigned int r;

	memset(f, 0, sizeof(*f));
	f->v[FIG_USER] = s->ctr[PTSCOPE_CTR_FAULT_USER];
	f->v[FIG_KERNEL] = s->ctr[PTSCOPE_CTR_FAULT_KERNEL];
	f->v[FIG_READ] = s->ctr[PTSCOPE_CTR_FAULT_READ];
	f->v[FIG_WRITE] = s->ctr[PTSCOPE_CTR_FAULT_WRITE];
	f->v[FIG_IFETCH] = s->ctr[PTSCOPE_CTR_FAULT_IFETCH];
	f->v[FIG_PROT] = s->ctr[PTSCOPE_CTR_FAULT_PROT];
	f->v[FIG_NOTPRESENT] = s->ctr[PTSCOPE_CTR_FAULT_NOTPRESENT];
	f->v[FIG_KFLT] = per_pid ? s->min_flt + s->maj_flt : s->pgfault;
	f->v[FIG_KMAJ] = per_pid ? s->maj_flt : s->pgmajfault;
	f->v[FIG_TLB_SWITCH] = tlb_events(s, PTSCOPE_TLB_TASK_SWITCH);
	f->v[FIG_TLB_RECV] = tlb_events(s, PTSCOPE_TLB_REMOTE_SHOOTDOWN);
	f->v[FIG_TLB_LOCAL] = tlb_events(s, PTSCOPE_TLB_LOCAL_SHOOTDOWN);
	f->v[FIG_TLB_MM] = tlb_events(s, PTSCOPE_TLB_LOCAL_MM_SHOOTDOWN);
	f->v[FIG_TLB_IPI] = tlb_events(s, PTSCOPE_TLB_REMOTE_SEND_IPI);
	for (r = 0; r < __PTSCOPE_TLB_REASON_CNT; r++) {
		f->v[FIG_TLB_FULL] += s->ctr[PTSCOPE_CTR_TLB_FULL + r];
		f->v[FIG_TLB_PAGES] += s->ctr[PTSCOPE_CTR_TLB_PAGES + r];
	}
}

/* ---- vmstat-like rows ---------------------------------------------- */

static void show_row(struct out *o, unsigned long n, double secs,
		     const struct figures *now, const struct figures *prev)
{
	unsigned int i;

	out_row_open(o);
	show_u64(o, "sample", NULL, n);
	show_bool(o, "rates", NULL, prev != NULL);
	show_u64(o, "interval_ms", NULL, round_u64(secs * 1000));
	for (i = 0; i < FIG_CNT; i++) {
		uint64_t v = now->v[i];

		if (prev)
			v = stats_rate(now->v[i], prev->v[i], secs);
		show_u64(o, fig_cols[i].key, NULL, v);
	}
	out_row_close(o);
	fflush(o->f);
}

static void sleep_interval(double secs)
{
	struct timespec ts = {
		.tv_sec = (time_t)secs,
		.tv_nsec = (long)((secs - (time_t)secs) * 1e9),
	};

	/* A signal ends the sleep early; the caller then stops. */
	nanosleep(&ts, NULL);
}

static void explain(struct out *o, pid_t pid)
{
	if (o->json)
		return;
	if (pid)
		out_legend(o, "pid %d: tracepoint counts since it was watched; k-flt/k-maj are the kernel's\n"
			"min_flt+maj_flt and maj_flt, summed over threads, since it started.\n",
			(int)pid);
	else
		out_legend(o, "system-wide: tracepoint counts since the module loaded; k-flt/k-maj are\n"
			"the kernel's pgfault/pgmajfault since boot.\n");
	out_legend(o, "First row totals, then per-second rates.  Tracepoint faults count every\n"
		"fault exception; the kernel counts only faults it handled (no retries,\n"
		"spurious or failed ones), so user+kern >= k-flt when both are on.\n\n");
}

static int watch_loop(struct ptscope_ctx *ctx, const struct stats_args *a)
{
	struct figures prev, now;
	struct snap s;
	uint64_t prev_ns = 0;
	unsigned long n;
	int err = 0;

	explain(ctx->out, a->pid);
	if (!ctx->out->json)
		out_table_open_stream(ctx->out, "samples", fig_cols, FIG_CNT);
	for (n = 0; !a->count || n < (unsigned long)a->count; n++) {
		if (n)
			sleep_interval(a->interval);
		if (interrupted)
			break;
		err = get_snap(ctx->nl, a->pid, &s);
		if (err)
			break;
		stats_figures(&s, a->pid != 0, &now);
		show_row(ctx->out, n, n ? (s.time_ns - prev_ns) / 1e9 : 0,
			 &now, n ? &prev : NULL);
		prev = now;
		prev_ns = s.time_ns;
	}
	if (!ctx->out->json)
		out_table_close(ctx->out);
	return err;
}

/* ---- run a command ------------------------------------------------- */

static void show_totals(struct out *o, char **cmd, pid_t pid, double secs,
			const struct figures *f, const struct rusage *ru,
			const struct snap *at_exec, int status)
{
	static const char *const labels[FIG_CNT] = {
		"user faults", "kernel-mode faults", "read faults",
		"write faults", "exec faults", "protection faults",
		"not-present faults", NULL, NULL,
		"tlb: task switch", "tlb: remote shootdown received",
		"tlb: local shootdown", "tlb: local mm shootdown",
		"tlb: remote shootdown IPI sent", "tlb: full flushes",
		"tlb: pages flushed (ranged)",
	};
	uint64_t min_flt = (uint64_t)ru->ru_minflt - at_exec->min_flt;
	uint64_t maj_flt = (uint64_t)ru->ru_majflt - at_exec->maj_flt;
	unsigned int i;

	o->label_width = 32;
	out_obj_open(o, NULL, NULL);
	if (!o->json) {
		fprintf(o->f, "\n Fault and TLB totals for '");
		for (i = 0; cmd[i]; i++)
			fprintf(o->f, "%s%s", i ? " " : "", cmd[i]);
		fprintf(o->f, "':\n\n");
	}
	show_u64(o, "pid", "pid", (uint64_t)pid);
	show_u64(o, "elapsed_ms", "elapsed ms", round_u64(secs * 1000));
	show_s64(o, "exit_status", "exit status",
		 WIFEXITED(status) ? WEXITSTATUS(status) :
		 -(int64_t)WTERMSIG(status));
	out_blank(o);
	for (i = 0; i < FIG_CNT; i++)
		if (labels[i])
			show_u64(o, fig_cols[i].key, labels[i], f->v[i]);
	out_blank(o);
	show_u64(o, "kernel_min_flt", "kernel min_flt", min_flt);
	show_u64(o, "kernel_maj_flt", "kernel maj_flt", maj_flt);
	show_s64(o, "tracepoint_minus_kernel", "tracepoint - kernel",
		 (int64_t)(f->v[FIG_USER] + f->v[FIG_KERNEL]) -
		 (int64_t)(min_flt + maj_flt));
	out_obj_close(o);
	if (!o->json)
		out_legend(o, "\nBoth count from exec on (the kernel's from getrusage(), less what it\n"
			"counted at exec).  Tracepoint faults count every fault exception; the\n"
			"kernel counts the faults it handled, so retried, spurious and failed\n"
			"faults make the difference.  Neither includes children.\n");
}

static int run_command(struct ptscope_ctx *ctx, const struct stats_args *a)
{
	struct timespec t0, t1;
	struct figures f;
	struct rusage ru;
	struct setup su;
	struct snap s, at_exec;
	siginfo_t si;
	pid_t child;
	int status, err;

	fflush(NULL);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "ptscope: fork: %s\n", strerror(errno));
		return -errno;
	}
	if (child == 0) {
		/* Stop at exec, so that the new mm is watched from its start. */
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execvp(a->run[0], a->run);
		err = errno;
		fprintf(stderr, "ptscope: cannot run '%s': %s\n", a->run[0],
			strerror(err));
		/* As a shell says it: 127 not found, 126 not runnable. */
		_exit(err == ENOENT ? 127 : 126);
	}
	if (waitpid(child, &status, 0) < 0 || !WIFSTOPPED(status)) {
		if (WIFEXITED(status) && WEXITSTATUS(status) >= 126) {
			ctx->exit_status = WEXITSTATUS(status);
			return -ENOENT;
		}
		fprintf(stderr, "ptscope: the command did not start\n");
		return -ECHILD;
	}
	/* The kernel's counts so far are the fork and exec: not the command's. */
	err = setup_stats(ctx->nl, child, &su, &at_exec);
	ptrace(PTRACE_DETACH, child, NULL, NULL);
	if (err) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return err;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Wait for the end but leave a zombie: its counters are still there. */
	while (waitid(P_PID, child, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	err = get_snap(ctx->nl, child, &s);
	while (wait4(child, &status, 0, &ru) < 0 && errno == EINTR)
		;
	undo_stats(ctx->nl, &su);
	if (err)
		return err;
	/* The command's own status, as a shell would give it. */
	if (WIFEXITED(status))
		ctx->exit_status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		ctx->exit_status = 128 + WTERMSIG(status);
	stats_figures(&s, true, &f);
	show_totals(ctx->out, a->run, child,
		    (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
		    &f, &ru, &at_exec, status);
	return 0;
}

static int stats_run(struct ptscope_ctx *ctx, const void *args)
{
	const struct stats_args *a = args;
	struct sigaction sa = { .sa_handler = on_signal };
	struct setup su;
	int err;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (a->run)
		return run_command(ctx, a);
	err = setup_stats(ctx->nl, a->pid, &su, NULL);
	if (err)
		return err;
	err = watch_loop(ctx, a);
	undo_stats(ctx->nl, &su);
	return err;
}

/* ---- arguments ----------------------------------------------------- */

static int parse_number(const char *cmd, const char *opt, const char *arg,
			double min, double max, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	if (errno || end == arg || *end || !(*v >= min && *v <= max))
		return usage_error(cmd, "bad %s '%s'", opt, arg);
	return 0;
}

static int stats_parse(void *args, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval",	required_argument,	NULL, 'i' },
		{ "count",	required_argument,	NULL, 'c' },
		{ "run",	no_argument,		NULL, 'r' },
		{ NULL,		0,			NULL, 0 },
	};
	struct stats_args *a = args;
	bool run = false;
	double v;
	int c;

	a->interval = 1;
	while (optind < argc) {
		c = getopt_long(argc, argv, "+i:c:", opts, NULL);
		if (c == -1) {
			/* A PID may come before or after the options. */
			if (run || optind >= argc)
				break;
			if (a->pid)
				return usage_error(argv[0], "unexpected argument '%s'",
						   argv[optind]);
			if (arg_pid(argv[0], argv[optind++], &a->pid))
				return -EINVAL;
			continue;
		}
		switch (c) {
		case 'i':
			if (parse_number(argv[0], "interval", optarg, 0.01,
					 86400, &a->interval))
				return -EINVAL;
			break;
		case 'c':
			if (parse_number(argv[0], "count", optarg, 1, 1e9, &v))
				return -EINVAL;
			if (v != (long)v)
				return usage_error(argv[0], "bad count '%s'",
						   optarg);
			a->count = (long)v;
			break;
		case 'r':
			run = true;
			break;
		default:
			return usage_bad_option(argv[0], argv[optind - 1]);
		}
	}
	if (run) {
		if (optind >= argc)
			return usage_error(argv[0], "--run needs a command");
		if (a->pid)
			return usage_error(argv[0], "give a PID or --run, not both");
		a->run = &argv[optind];
	}
	return 0;
}

static int trace_parse(void *args, int argc, char **argv)
{
	struct stats_args *a = args;
	int i = 1;

	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc)
		return usage_error(argv[0], "needs a command to run");
	if (argv[i][0] == '-')
		return usage_bad_option(argv[0], argv[i]);
	a->run = &argv[i];
	return 0;
}

const struct ptscope_command cmd_stats = {
	.name = "stats",
	.synopsis = "[PID] [-i SECONDS] [-c COUNT] | --run COMMAND [ARGS...]",
	.summary = "TLB-flush and page-fault statistics, live, like vmstat",
	.help = "  -i, --interval SECONDS  time between rows (default 1; fractions allowed)\n"
		"  -c, --count COUNT       stop after COUNT rows (default: until interrupted)\n"
		"      --run COMMAND...    run COMMAND and print its totals, like perf stat;\n"
		"                          exit with COMMAND's status (as 'ptscope trace')\n"
		"\n"
		"Without PID the counts are system-wide.  The first row holds totals, the\n"
		"others per-second rates.  With --json, one JSON object per line and row.\n"
		"Statistics are switched on, and PID watched, for as long as the command\n"
		"runs if they were not already: that needs CAP_SYS_ADMIN or CAP_PERFMON.\n"
		"Columns: user/kern faults by mode; read/write/exec by access; prot\n"
		"(protection) and notp (not present); k-flt and k-maj the kernel's own\n"
		"counts; TLB flush events by reason (task switch, remote shootdown\n"
		"received, local, local mm, remote IPI sent), full flushes, and pages\n"
		"flushed by ranged flushes.\n",
	.flags = CMD_F_NETLINK,
	.args_size = sizeof(struct stats_args),
	.columns = fig_cols,
	.ncolumns = FIG_CNT,
	.parse = stats_parse,
	.run = stats_run,
};

const struct ptscope_command cmd_trace = {
	.name = "trace",
	.synopsis = "[--] COMMAND [ARGS...]",
	.summary = "run a command and print its fault and TLB totals",
	.help = "The same as 'ptscope stats --run COMMAND': the command is stopped at exec,\n"
		"watched, then resumed; its totals are printed when it exits.  Everything\n"
		"after COMMAND is COMMAND's own ('ptscope trace ls --help' runs 'ls --help').\n"
		"Exit status: COMMAND's, or 128+N if signal N ended it (as a shell gives\n"
		"it); 127 if COMMAND was not found, 126 if it could not be run.\n",
	.flags = CMD_F_NETLINK | CMD_F_RUNS_CMD,
	.args_size = sizeof(struct stats_args),
	.parse = trace_parse,
	.run = stats_run,
};
