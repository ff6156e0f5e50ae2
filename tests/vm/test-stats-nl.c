// SPDX-License-Identifier: GPL-2.0
/*
 * test-stats-nl: the GET_STATS and SET_STATS netlink commands at the
 * message level, with a raw netlink socket (no tool in between): strict
 * policies, error codes and extack messages, the watch-list limit, and
 * the reply's shape.  Oracles: the documented UAPI and errno values, and
 * /proc/ptscope/stats for the state a rejected request must not change.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt_nl.h"
#include "pt_oracle.h"
#include "pt_stats.h"
#include "uapi/ptscope.h"

static struct pt_nl nl;
static char reply[PT_NL_BUF];	/* the last data message */

static int keep_reply(const struct nlmsghdr *nh, void *arg)
{
	(void)arg;
	memcpy(reply, nh, nh->nlmsg_len);
	return 0;
}

/* Sends r; returns 0 (the data reply, if any, in `reply`) or -errno. */
static int xfer(struct pt_nl_req *r, int *msgs)
{
	return pt_nl_xfer(&nl, r, keep_reply, NULL, msgs);
}

/* SET_STATS with one attribute in the nest, or none. */
static int set1(int type, int size, uint32_t v)
{
	struct nlattr *n;
	struct pt_nl_req r;

	pt_nl_init(&r, nl.family, PTSCOPE_CMD_SET_STATS, 0);
	n = pt_nl_nest_start(&r, PTSCOPE_A_STATS);
	if (size == 1)
		pt_nl_put_u8(&r, type, v);
	else if (size == 4)
		pt_nl_put_u32(&r, type, v);
	pt_nl_nest_end(&r, n);
	return xfer(&r, NULL);
}

static void expect(const char *name, int got, int want, const char *msg)
{
	if (got != want)
		pt_fail("%s: error %d, want %d (extack '%s')", name, got, want,
			nl.extack);
	else if (msg && !strstr(nl.extack, msg))
		pt_fail("%s: extack '%s', want '%s'", name, nl.extack, msg);
	else
		pt_pass("%s: %d%s%s", name, got, *nl.extack ? ", " : "",
			nl.extack);
}

static void test_policy(void)
{
	char *before = pt_stats_read(), *after;
	struct pt_nl_req r;

	expect("set: empty nest", set1(0, 0, 0), -EINVAL, "nothing to change");
	/* The kernel's policy code answers out-of-range values with ERANGE. */
	expect("set: enabled=2", set1(PTSCOPE_STATS_ENABLED, 1, 2), -ERANGE,
	       "out of range");
	expect("set: enabled as u32", set1(PTSCOPE_STATS_ENABLED, 4, 1),
	       -EINVAL, NULL);
	expect("set: watch-add 0", set1(PTSCOPE_STATS_WATCH_ADD, 4, 0),
	       -ERANGE, "out of range");
	expect("set: unknown nested attribute", set1(PTSCOPE_STATS_MAX + 1, 4, 1),
	       -EINVAL, NULL);
	expect("set: read-only attribute", set1(PTSCOPE_STATS_PID, 4, 1),
	       -EINVAL, "Unsupported attribute");
	pt_nl_init(&r, nl.family, PTSCOPE_CMD_SET_STATS, 0);
	expect("set: no stats nest", xfer(&r, NULL), -EINVAL, "nest is required");
	pt_nl_init(&r, nl.family, PTSCOPE_CMD_GET_STATS, 0);
	pt_nl_put_u32(&r, PTSCOPE_A_PID, 0);
	expect("get: pid 0", xfer(&r, NULL), -ERANGE, "out of range");
	expect("set: watch a pid that does not exist",
	       set1(PTSCOPE_STATS_WATCH_ADD, 4, 4000000), -ESRCH, "no such pid");
	expect("set: unwatch a pid not watched",
	       set1(PTSCOPE_STATS_WATCH_DEL, 4, 1), -ENOENT, "not watched");
	after = pt_stats_read();
	/* The state is the first two lines: "enabled N", "watch PIDS". */
	if (before && after && strstr(before, "[all]") &&
	    strstr(after, "[all]") &&
	    strstr(before, "[all]") - before == strstr(after, "[all]") - after &&
	    !strncmp(before, after, strstr(before, "[all]") - before))
		pt_pass("set: rejected requests changed nothing");
	else
		pt_fail("set: a rejected request changed the state");
	free(before);
	free(after);
}

static void test_get_reply(void)
{
	const struct nlmsghdr *nh = (const void *)reply;
	int msgs, err, seen = 0, ctrs = 0;
	const struct nlattr *a;
	struct pt_nl_req r;

	pt_nl_init(&r, nl.family, PTSCOPE_CMD_GET_STATS, 0);
	err = xfer(&r, &msgs);
	if (err || !msgs) {
		pt_fail("get: global reply: error %d", err);
		return;
	}
	a = pt_nl_next(pt_nl_msg_attrs(nh), pt_nl_msg_len(nh), NULL);
	if (!a || (a->nla_type & NLA_TYPE_MASK) != PTSCOPE_A_STATS) {
		pt_fail("get: no PTSCOPE_A_STATS nest");
		return;
	}
	pt_nl_for_each(f, pt_nl_data(a), pt_nl_len(a)) {
		int t = f->nla_type & NLA_TYPE_MASK;

		if (t == PTSCOPE_STATS_ENABLED || t == PTSCOPE_STATS_TIME_NS ||
		    t == PTSCOPE_STATS_KERN_PGFAULT)
			seen++;
		if (t != PTSCOPE_STATS_COUNTERS)
			continue;
		pt_nl_for_each(c, pt_nl_data(f), pt_nl_len(f))
			if (c->nla_type > 0 && c->nla_type <= PTSCOPE_CTR_MAX &&
			    c->nla_len == NLA_HDRLEN + 8)
				ctrs++;
	}
	if (seen == 3 && ctrs == PTSCOPE_CTR_MAX)
		pt_pass("get: global reply has state, time, pgfault and %d u64 counters",
			ctrs);
	else
		pt_fail("get: global reply: %d of 3 fields, %d of %d counters",
			seen, ctrs, PTSCOPE_CTR_MAX);
}

static void test_watch_limit(void)
{
	pid_t kids[PTSCOPE_STATS_WATCH_MAX + 1];
	int i, err = 0;

	for (i = 0; i <= PTSCOPE_STATS_WATCH_MAX; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			pause();
			_exit(0);
		}
	}
	for (i = 0; i < PTSCOPE_STATS_WATCH_MAX && !err; i++)
		err = set1(PTSCOPE_STATS_WATCH_ADD, 4, kids[i]);
	expect("set: watch 8 processes", err, 0, NULL);
	expect("set: watch the same one again",
	       set1(PTSCOPE_STATS_WATCH_ADD, 4, kids[0]), -EEXIST,
	       "already watched");
	expect("set: a 9th", set1(PTSCOPE_STATS_WATCH_ADD, 4,
				 kids[PTSCOPE_STATS_WATCH_MAX]),
	       -ENOSPC, "watch list is full");
	for (i = 0; i <= PTSCOPE_STATS_WATCH_MAX; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	/* Exited and reaped: unwatch by number works while it is free. */
	for (i = 0, err = 0; i < PTSCOPE_STATS_WATCH_MAX; i++)
		err |= set1(PTSCOPE_STATS_WATCH_DEL, 4, kids[i]);
	expect("set: unwatch 8 exited processes", err, 0, NULL);
}

static void test_unprivileged(void)
{
	pid_t child = fork();
	int status;

	if (child == 0) {
		if (setgid(1000) || setuid(1000))
			_exit(10);
		/* The socket was opened as root: netlink_capable() wants both. */
		pt_nl_close(&nl);
		if (pt_nl_open(&nl))
			_exit(11);
		if (set1(PTSCOPE_STATS_ENABLED, 1, 1) != -EPERM ||
		    !strstr(nl.extack, "CAP_PERFMON"))
			_exit(12);
		_exit(0);
	}
	waitpid(child, &status, 0);
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		pt_pass("set: unprivileged gets EPERM with a CAP_PERFMON hint");
	else
		pt_fail("set: unprivileged: status %d", status);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid()) {
		pt_skip("test-stats-nl: needs root");
		return pt_summary();
	}
	if (pt_nl_open(&nl)) {
		pt_fail("cannot open netlink or resolve the ptscope family");
		return pt_summary();
	}
	test_policy();
	test_get_reply();
	test_watch_limit();
	test_unprivileged();
	return pt_summary();
}
