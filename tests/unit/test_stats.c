// SPDX-License-Identifier: GPL-2.0
/*
 * test_stats.c: "ptscope stats" argument parsing, and the figures and
 * rates a row is built from, against hand-computed answers.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"
#include "stats.h"

static int parse(const struct ptscope_command *c, struct stats_args *a,
		 char **argv)
{
	int argc = 0, null, saved, ret;

	while (argv[argc])
		argc++;
	memset(a, 0, sizeof(*a));
	optind = 0;
	opterr = 0;
	/* Usage errors are printed; keep the log clean. */
	fflush(stderr);
	saved = dup(2);
	null = open("/dev/null", O_WRONLY);
	dup2(null, 2);
	close(null);
	ret = c->parse(a, argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	return ret;
}

#define ARGV(...)	((char *[]){ __VA_ARGS__, NULL })

static void test_stats_parse(void)
{
	struct stats_args a;

	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats")), 0);
	CHECK_INT(a.pid, 0);
	CHECK(a.interval == 1.0);
	CHECK_INT(a.count, 0);
	CHECK(!a.run);

	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "42", "-i", "0.5", "-c", "3")), 0);
	CHECK_INT(a.pid, 42);
	CHECK(a.interval == 0.5);
	CHECK_INT(a.count, 3);
	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "-c", "2", "7")), 0);
	CHECK_INT(a.pid, 7);
	CHECK_INT(a.count, 2);
	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "--interval=2", "--count", "5")), 0);
	CHECK(a.interval == 2.0);
	CHECK_INT(a.count, 5);

	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "--run", "ls", "-l")), 0);
	CHECK(a.run && !strcmp(a.run[0], "ls") && !strcmp(a.run[1], "-l"));
	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "--run", "--", "ls")), 0);
	CHECK(a.run && !strcmp(a.run[0], "ls"));

	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "1", "2")), -EINVAL);
	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "-c", "0")), -EINVAL);
	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "-c", "1.5")), -EINVAL);
	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "-i", "0")), -EINVAL);
	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "-i", "x")), -EINVAL);
	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "-i")), -EINVAL);
	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "--run")), -EINVAL);
	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "5", "--run", "ls")), -EINVAL);
	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "self")), -EINVAL);
	CHECK_INT(parse(&cmd_stats, &a, ARGV("stats", "--bogus")), -EINVAL);

	CHECK_INT(parse(&cmd_trace, &a, ARGV("trace", "--", "sh", "-c", "x")), 0);
	CHECK(a.run && !strcmp(a.run[0], "sh") && !strcmp(a.run[1], "-c"));
	CHECK_INT(parse(&cmd_trace, &a, ARGV("trace", "true")), 0);
	CHECK_INT(parse(&cmd_trace, &a, ARGV("trace")), -EINVAL);
	CHECK_INT(parse(&cmd_trace, &a, ARGV("trace", "--")), -EINVAL);
	CHECK_INT(parse(&cmd_trace, &a, ARGV("trace", "-x")), -EINVAL);
}

static void test_stats_figures(void)
{
	struct snap s = { 0 };
	struct figures f;

	s.ctr[PTSCOPE_CTR_FAULT_USER] = 10;
	s.ctr[PTSCOPE_CTR_FAULT_WRITE] = 7;
	s.ctr[PTSCOPE_CTR_TLB_RANGED + PTSCOPE_TLB_REMOTE_SEND_IPI] = 3;
	s.ctr[PTSCOPE_CTR_TLB_FULL + PTSCOPE_TLB_REMOTE_SEND_IPI] = 2;
	s.ctr[PTSCOPE_CTR_TLB_PAGES + PTSCOPE_TLB_REMOTE_SEND_IPI] = 30;
	s.ctr[PTSCOPE_CTR_TLB_FULL + PTSCOPE_TLB_TASK_SWITCH] = 5;
	s.ctr[PTSCOPE_CTR_TLB_PAGES + PTSCOPE_TLB_LOCAL_MM_SHOOTDOWN] = 4;
	s.pgfault = 1000;
	s.pgmajfault = 9;
	s.min_flt = 100;
	s.maj_flt = 1;

	stats_figures(&s, false, &f);
	CHECK_U64(f.v[FIG_USER], 10);
	CHECK_U64(f.v[FIG_WRITE], 7);
	CHECK_U64(f.v[FIG_TLB_IPI], 5);
	CHECK_U64(f.v[FIG_TLB_SWITCH], 5);
	CHECK_U64(f.v[FIG_TLB_FULL], 7);
	CHECK_U64(f.v[FIG_TLB_PAGES], 34);
	CHECK_U64(f.v[FIG_KFLT], 1000);
	CHECK_U64(f.v[FIG_KMAJ], 9);
	stats_figures(&s, true, &f);
	CHECK_U64(f.v[FIG_KFLT], 101);
	CHECK_U64(f.v[FIG_KMAJ], 1);

	CHECK_U64(stats_rate(150, 100, 0.5), 100);
	CHECK_U64(stats_rate(101, 100, 3.0), 0);
	CHECK_U64(stats_rate(102, 100, 3.0), 1);
	CHECK_U64(stats_rate(100, 100, 1.0), 0);
	CHECK_U64(stats_rate(200, 100, 0), 0);
	CHECK_U64(stats_rate(5, 100, 1.0), 0);
}

void test_stats(void)
{
	test_stats_parse();
	test_stats_figures();
}
