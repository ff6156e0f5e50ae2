// SPDX-License-Identifier: GPL-2.0
/*
 * test-stats-nl: the GET_STATS and SET_STATS netlink commands at the
 * message level, with a raw netlink socket (no tool in between): strict
 * policies, error codes and extack messages, the watch-list limit, and
 * the reply's shape.  Oracles: the documented UAPI and errno values, and
 * /proc/ptscope/stats for the state a rejected request must not change.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt_oracle.h"
#include "pt_stats.h"
#include "uapi/ptscope.h"

#define BUF	16384

struct req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[1024];
};

static int sk = -1;
static int family;
static char reply[BUF];
static char extack_msg[256];

static struct nlattr *put(struct req *r, int type, const void *data, int len)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static void put_u32(struct req *r, int type, uint32_t v)
{
	put(r, type, &v, 4);
}

static void put_u8(struct req *r, int type, uint8_t v)
{
	put(r, type, &v, 1);
}

static struct nlattr *nest_start(struct req *r, int type)
{
	return put(r, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct req *r, struct nlattr *a)
{
	a->nla_len = (char *)r + r->nh.nlmsg_len - (char *)a;
}

static void init(struct req *r, int fam, int cmd, int flags)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nh.nlmsg_type = fam;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->gh.cmd = cmd;
	r->gh.version = 1;
}

/* Sends r; returns 0 (or a data reply in `reply`) or -errno from the ack. */
static int xfer(struct req *r, int *reply_len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int len, got = 0;

	extack_msg[0] = '\0';
	if (sendto(sk, r, r->nh.nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *nh;

		len = recv(sk, reply + got, BUF - got, 0);
		if (len < 0)
			return -errno;
		for (nh = (void *)(reply + got); NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);
				int off = sizeof(*e);
				struct nlattr *a;

				if (!(nh->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - NLMSG_HDRLEN;
				if (nh->nlmsg_flags & NLM_F_ACK_TLVS) {
					for (a = (void *)((char *)e + off);
					     (char *)a < (char *)nh + nh->nlmsg_len &&
					     a->nla_len >= NLA_HDRLEN;
					     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
						if (a->nla_type == NLMSGERR_ATTR_MSG)
							snprintf(extack_msg, sizeof(extack_msg),
								 "%s", (char *)a + NLA_HDRLEN);
				}
				if (reply_len)
					*reply_len = got;
				return e->error;
			}
			/* A data reply: keep it at the start of the buffer. */
			if ((char *)nh != reply)
				memmove(reply, nh, nh->nlmsg_len);
			got = nh->nlmsg_len;
		}
	}
}

static int resolve_family(void)
{
	struct req r;
	struct nlattr *a;
	int err, len;

	init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	put(&r, CTRL_ATTR_FAMILY_NAME, PTSCOPE_GENL_NAME,
	    sizeof(PTSCOPE_GENL_NAME));
	err = xfer(&r, &len);
	if (err || !len)
		return -1;
	len = ((struct nlmsghdr *)reply)->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (a = (void *)(reply + NLMSG_LENGTH(GENL_HDRLEN)); len >= NLA_HDRLEN;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)((char *)a + NLA_HDRLEN);
	return -1;
}

static int open_socket(void)
{
	int one = 1;

	sk = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (sk < 0)
		return -1;
	setsockopt(sk, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(sk, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	family = resolve_family();
	return family < 0 ? -1 : 0;
}

/* SET_STATS with one attribute in the nest, or none. */
static int set1(int type, int size, uint32_t v)
{
	struct nlattr *n;
	struct req r;

	init(&r, family, PTSCOPE_CMD_SET_STATS, 0);
	n = nest_start(&r, PTSCOPE_A_STATS);
	if (size == 1)
		put_u8(&r, type, v);
	else if (size == 4)
		put_u32(&r, type, v);
	nest_end(&r, n);
	return xfer(&r, NULL);
}

static void expect(const char *name, int got, int want, const char *msg)
{
	if (got != want)
		pt_fail("%s: error %d, want %d (extack '%s')", name, got, want,
			extack_msg);
	else if (msg && !strstr(extack_msg, msg))
		pt_fail("%s: extack '%s', want '%s'", name, extack_msg, msg);
	else
		pt_pass("%s: %d%s%s", name, got, *extack_msg ? ", " : "",
			extack_msg);
}

static void test_policy(void)
{
	char *before = pt_stats_read(), *after;
	struct req r;

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
	init(&r, family, PTSCOPE_CMD_SET_STATS, 0);
	expect("set: no stats nest", xfer(&r, NULL), -EINVAL, "nest is required");
	init(&r, family, PTSCOPE_CMD_GET_STATS, 0);
	put_u32(&r, PTSCOPE_A_PID, 0);
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
	int len, err, seen = 0, ctrs = 0;
	struct nlattr *a, *c;
	struct req r;
	int rem, crem;

	init(&r, family, PTSCOPE_CMD_GET_STATS, 0);
	err = xfer(&r, &len);
	if (err || !len) {
		pt_fail("get: global reply: error %d", err);
		return;
	}
	rem = ((struct nlmsghdr *)reply)->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	a = (void *)(reply + NLMSG_LENGTH(GENL_HDRLEN));
	if (rem < NLA_HDRLEN || (a->nla_type & NLA_TYPE_MASK) != PTSCOPE_A_STATS) {
		pt_fail("get: no PTSCOPE_A_STATS nest");
		return;
	}
	rem = a->nla_len - NLA_HDRLEN;
	for (a = (void *)((char *)a + NLA_HDRLEN); rem >= NLA_HDRLEN;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (void *)((char *)a + NLA_ALIGN(a->nla_len))) {
		int t = a->nla_type & NLA_TYPE_MASK;

		if (t == PTSCOPE_STATS_ENABLED || t == PTSCOPE_STATS_TIME_NS ||
		    t == PTSCOPE_STATS_KERN_PGFAULT)
			seen++;
		if (t != PTSCOPE_STATS_COUNTERS)
			continue;
		crem = a->nla_len - NLA_HDRLEN;
		for (c = (void *)((char *)a + NLA_HDRLEN); crem >= NLA_HDRLEN;
		     crem -= NLA_ALIGN(c->nla_len),
		     c = (void *)((char *)c + NLA_ALIGN(c->nla_len)))
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
	/* Exited and reaped: a slot stays until unwatched, by pid. */
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
		close(sk);
		if (open_socket())
			_exit(11);
		if (set1(PTSCOPE_STATS_ENABLED, 1, 1) != -EPERM ||
		    !strstr(extack_msg, "CAP_PERFMON"))
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
	if (open_socket()) {
		pt_fail("cannot open netlink or resolve the ptscope family");
		return pt_summary();
	}
	test_policy();
	test_get_reply();
	test_watch_limit();
	test_unprivileged();
	return pt_summary();
}
