// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope-fuzz: a seeded, repeatable fuzzer of ptscope's two front ends.
 *
 * netlink: requests to the "ptscope" generic netlink family built from a
 * PRNG: random and valid commands, versions and flags, attributes of
 * valid and out-of-range types with lying lengths, nests, truncated and
 * oversized headers, huge values, the pids of live, exiting, dead and
 * kernel-thread processes, and valid requests mutated byte by byte so
 * that the parser's deep paths are reached as well.  Every answer is read
 * and checked on its own terms: an NLMSG_ERROR with a plausible errno (or
 * a 0 ack), or well-formed replies whose attributes parse against the
 * UAPI's schema, and no valid reply for a request the kernel must refuse
 * (a pid it may not inspect, an address above the user address space).
 * The framing rules of netlink_rcv_skb() say which requests get no
 * answer at all; anything else, or a dump that stops answering, fails.
 *
 * procfs: random and near-valid selections written to every writable
 * /proc/ptscope file.  A userspace model of the selection grammar (and of
 * the stats commands and watch list) predicts each write's outcome; an
 * accepted write must then read back as the selection written, and a
 * refused one must leave the previous report in place.
 *
 * Afterwards the module must still answer correctly: a fresh mapping is
 * touched and netlink vtop, a per-page ranges dump and procfs vtop/pages
 * are checked against /proc/self/pagemap, and the statistics state is
 * put back as found and checked.
 *
 * Every request is generated from (seed, index) alone, so a failure's
 * "replay:" line repeats exactly that request.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "pt_nl.h"
#include "pt_oracle.h"
#include "pt_stats.h"
#include "uapi/ptscope.h"

#define DEFAULT_SEED	0x5eed0f00d5c0be11ULL
#define PID_MAX_LIMIT	4194304		/* no pid is ever larger */
#define MAX_DETAILS	12		/* FAIL lines printed per phase */
#define REPLY_TIMEOUT_S	5

/* ---- options and figures ---------------------------------------------- */

static uint64_t seed = DEFAULT_SEED;
static unsigned long nl_count = 100000, pf_count = 20000, first_index;
static bool do_netlink = true, do_procfs = true, verbose;
static const char *who = "root";
static bool privileged;

static struct {
	unsigned long nl, nl_errors, nl_valid, nl_silent, nl_hangs;
	unsigned long nl_replies[PTSCOPE_CMD_MAX + 1];	/* data messages */
	unsigned long nl_abandoned, nl_exits, pf_exit_esrch;
	unsigned long pf, pf_accepted, pf_refused;
	unsigned long fails;
} fig;

static uint64_t task_size;		/* PTSCOPE_INFO_TASK_SIZE */
static unsigned long region;		/* a mapping of ours: 16 pages */
#define REGION_PAGES	16

/* ---- PRNG: splitmix64, one stream per request --------------------------- */

static uint64_t rs;

static uint64_t rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rn(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool pct(unsigned int p)
{
	return rn(100) < p;
}

/* Request @index of stream @stream (netlink 1, procfs 2). */
static void rng_at(unsigned int stream, unsigned long index)
{
	rs = seed ^ ((uint64_t)stream << 56) ^ (index * 0xd1b54a32d192ed03ULL);
	rnd();
}

/* ---- failure reporting ------------------------------------------------- */

static __attribute__((format(printf, 3, 4)))
void fuzz_fail(const char *phase, unsigned long index, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	fig.fails++;
	if (fig.fails > MAX_DETAILS)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pt_fail("fuzz/%s/%s: request %lu: %s (replay: ptscope-fuzz --seed 0x%" PRIx64 " --%s-only --from %lu --count 1)",
		phase, who, index, why, seed, phase, index);
}

/* ---- the processes requests name ---------------------------------------- */

enum pid_class {
	PC_OK,		/* ours: always inspectable */
	PC_INIT,	/* pid 1: root only */
	PC_KTHREAD,	/* no mm: -EINVAL */
	PC_GONE,	/* zombie, reaped or never existed: -ESRCH */
	PC_BAD,		/* 0 or negative: refused before lookup */
	PC_UNKNOWN,	/* some other pid: any answer */
};

static pid_t child, zombie, dead;

static struct {
	pid_t pid;
	enum pid_class cls;
} pids[8];
static unsigned int npids;

static enum pid_class pid_class(int64_t pid)
{
	unsigned int i;

	if (pid <= 0)
		return PC_BAD;
	if (pid > PID_MAX_LIMIT)
		return PC_GONE;
	for (i = 0; i < npids; i++)
		if (pids[i].pid == pid)
			return pids[i].cls;
	return PC_UNKNOWN;
}

/*
 * Built with -DFUZZ_NEGATIVE_CONTROL, our own processes count as not
 * inspectable, so every accepted walk must FAIL: a check that the
 * "answered what it must refuse" checks can fail.
 */
static bool pid_inspectable(enum pid_class c)
{
#ifdef FUZZ_NEGATIVE_CONTROL
	if (c == PC_OK)
		return false;
#endif
	return c == PC_OK || c == PC_UNKNOWN || (c == PC_INIT && privileged);
}

/* A pid worth naming: mostly one of ours, sometimes anything. */
static int64_t pick_pid(void)
{
	switch (rn(16)) {
	case 0:
		return rnd() & 0xffffffff;
	case 1:
		return PID_MAX_LIMIT + 1 + rn(1000000);
	case 2:
		return 0;
	case 3:
		return -1 - (int64_t)rn(5);
	case 4:
		return 0x7fffffff;
	default:
		return pids[rn(npids)].pid;
	}
}

static bool is_kthread(pid_t pid)
{
	char path[64], buf[16];
	int fd;
	ssize_t n;

	/* A kernel thread has an empty cmdline and no mm: maps is empty. */
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n != 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n == 0;
}

static int start_processes(void)
{
	siginfo_t si;

	child = fork();
	if (child < 0)
		return -errno;
	if (!child) {
		for (;;)
			pause();
	}
	zombie = fork();
	if (zombie < 0)
		return -errno;
	if (!zombie)
		_exit(0);
	/* Wait until it is a zombie, without reaping it. */
	if (waitid(P_PID, zombie, &si, WEXITED | WNOWAIT))
		return -errno;
	dead = fork();
	if (dead < 0)
		return -errno;
	if (!dead)
		_exit(0);
	waitpid(dead, NULL, 0);

	pids[npids].pid = getpid();
	pids[npids++].cls = PC_OK;
	pids[npids].pid = child;
	pids[npids++].cls = PC_OK;
	pids[npids].pid = zombie;
	pids[npids++].cls = PC_GONE;
	pids[npids].pid = dead;
	pids[npids++].cls = PC_GONE;
	pids[npids].pid = 1;
	pids[npids++].cls = PC_INIT;
	if (is_kthread(2)) {
		pids[npids].pid = 2;
		pids[npids++].cls = PC_KTHREAD;
	}
	return 0;
}

static void stop_processes(void)
{
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (zombie > 0)
		waitpid(zombie, NULL, 0);
}

/* ---- interesting values --------------------------------------------------- */

static uint64_t pick_u64(void)
{
	switch (rn(24)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return 0xfff;
	case 3: return 0x1000;
	case 4: return task_size - 1;
	case 5: return task_size;
	case 6: return task_size + 1;
	case 7: return task_size - 0x1000;
	case 8: return 1ULL << 47;
	case 9: return (1ULL << 47) - 0x1000;
	case 10: return 1ULL << 56;
	case 11: return 0x00fffffffffff000ULL;
	case 12: return 0x8000000000000000ULL;
	case 13: return ~0ULL;
	case 14: return 0xffff888000000000ULL;
	case 15: return 0xffffffff81000000ULL;
	case 16: return rnd();
	case 17: return rnd() & ~0xfffULL & ((1ULL << 47) - 1);
	case 18: return (uint64_t)(uintptr_t)&rs & ~0xfffULL;
	case 19: return (uint64_t)(uintptr_t)pick_u64 & ~0xfffULL;
	default:
		return region + (uint64_t)rn(REGION_PAGES + 2) * 4096 +
		       (pct(10) ? rn(4096) : 0);
	}
}

/* ---- netlink: building requests ----------------------------------------- */

#define REQ_MAX		70000

static uint8_t req[REQ_MAX + 4096] __attribute__((aligned(8)));
#define ATTRS		(req + NLMSG_HDRLEN + GENL_HDRLEN)
static size_t req_len;			/* bytes to send */
static struct pt_nl nl = { .fd = -1 };
static uint32_t portid, seq_base;

static size_t put(size_t off, uint16_t type, const void *data, size_t len)
{
	if (off + NLA_HDRLEN + len + 8 > REQ_MAX)
		return off;
	return pt_nl_put_at(ATTRS, off, type, data, len);
}

static size_t put_u8(size_t off, uint16_t type, uint8_t v)
{
	return put(off, type, &v, 1);
}

static size_t put_u32(size_t off, uint16_t type, uint32_t v)
{
	return put(off, type, &v, 4);
}

static size_t put_u64(size_t off, uint16_t type, uint64_t v)
{
	return put(off, type, &v, 8);
}

/* A value of the wrong size for its type: 0..16 bytes. */
static size_t put_sized(size_t off, uint16_t type, uint64_t v)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 16 };
	uint8_t data[16];

	memset(data, 0, sizeof(data));
	memcpy(data, &v, 8);
	return put(off, type, data, sizes[rn(sizeof(sizes) / sizeof(sizes[0]))]);
}

static size_t nest_start(size_t off, uint16_t type)
{
	struct nlattr *a = (struct nlattr *)(ATTRS + off);

	if (off + NLA_HDRLEN + 64 > REQ_MAX)
		return off;
	a->nla_type = type | (pct(80) ? NLA_F_NESTED : 0);
	a->nla_len = NLA_HDRLEN;
	return off + NLA_HDRLEN;
}

static void nest_end(size_t start, size_t off)
{
	struct nlattr *a = (struct nlattr *)(ATTRS + start);

	if (off >= start + NLA_HDRLEN)
		a->nla_len = off - start;
}

static size_t put_random_attr(size_t off, int depth);

static size_t put_stats_nest(size_t off, bool valid)
{
	size_t start = off;
	unsigned int i, n = valid ? 1 + rn(2) : rn(5);

	off = nest_start(off, PTSCOPE_A_STATS);
	if (off == start)
		return off;
	for (i = 0; i < n; i++) {
		switch (rn(valid ? 3 : 6)) {
		case 0:
			off = put_u8(off, PTSCOPE_STATS_ENABLED,
				     valid ? rn(2) : (uint8_t)rnd());
			break;
		case 1:
			off = put_u32(off, PTSCOPE_STATS_WATCH_ADD, pick_pid());
			break;
		case 2:
			off = put_u32(off, PTSCOPE_STATS_WATCH_DEL, pick_pid());
			break;
		case 3:
			off = put_sized(off, rn(PTSCOPE_STATS_MAX + 3), rnd());
			break;
		default:
			off = put_random_attr(off, 1);
			break;
		}
	}
	nest_end(start, off);
	return off;
}

static size_t put_random_attr(size_t off, int depth)
{
	uint16_t type;
	uint8_t data[64];
	size_t len, start, i;

	switch (rn(depth < 3 ? 8 : 6)) {
	case 0:	/* a valid type with a value of any size */
		return put_sized(off, rn(PTSCOPE_A_MAX + 1), pick_u64());
	case 1:	/* out of range, or with the flag bits set */
		type = PTSCOPE_A_MAX + 1 + rn(40);
		if (pct(20))
			type = (uint16_t)rnd();
		return put_sized(off, type, rnd());
	case 2:
		return put_u32(off, PTSCOPE_A_PID, pick_pid());
	case 3:
		return put_u64(off, PTSCOPE_A_START + rn(3), pick_u64());
	case 4:
		return put_u32(off, PTSCOPE_A_FLAGS,
			       pct(60) ? rn(PTSCOPE_RF_ALL + 1) : (uint32_t)rnd());
	case 5:	/* random bytes */
		len = rn(sizeof(data));
		for (i = 0; i < len; i++)
			data[i] = rnd();
		return put(off, rn(PTSCOPE_A_MAX + 4) |
			   (pct(10) ? NLA_F_NET_BYTEORDER : 0), data, len);
	case 6:	/* a nest of anything, possibly a reply-only nest type */
		start = off;
		off = nest_start(off, pct(50) ? PTSCOPE_A_STATS :
				 rn(PTSCOPE_A_MAX + 3));
		if (off == start)
			return off;
		for (i = rn(4); i > 0; i--)
			off = put_random_attr(off, depth + 1);
		nest_end(start, off);
		return off;
	default:
		return put_stats_nest(off, pct(50));
	}
}

/* The attributes of a request the module should accept, for @cmd. */
static size_t put_valid_attrs(uint8_t cmd)
{
	size_t off = 0;
	uint64_t a, b;

	switch (cmd) {
	case PTSCOPE_CMD_GET_SUMMARY:
		return put_u32(0, PTSCOPE_A_PID, pids[rn(2)].pid);
	case PTSCOPE_CMD_VTOP:
		off = put_u32(off, PTSCOPE_A_PID, pids[rn(2)].pid);
		return put_u64(off, PTSCOPE_A_ADDR, pct(80) ?
			       region + rn(REGION_PAGES) * 4096ULL : pick_u64());
	case PTSCOPE_CMD_GET_VMAS:
	case PTSCOPE_CMD_GET_RANGES:
		off = put_u32(off, PTSCOPE_A_PID, pids[rn(2)].pid);
		/* Mostly small ranges: a whole process costs a long walk. */
		if (pct(85)) {
			a = region + rn(REGION_PAGES) * 4096ULL;
			b = a + (1 + rn(REGION_PAGES)) * 4096ULL;
			if (pct(20))
				a = pick_u64();
			if (pct(20))
				b = pick_u64();
			off = put_u64(off, PTSCOPE_A_START, a);
			if (pct(90))
				off = put_u64(off, PTSCOPE_A_END, b);
		}
		if (pct(70))
			off = put_u32(off, PTSCOPE_A_FLAGS,
				      rn(PTSCOPE_RF_ALL + 1));
		return off;
	case PTSCOPE_CMD_GET_STATS:
		if (pct(50))
			off = put_u32(off, PTSCOPE_A_PID, pids[rn(2)].pid);
		return off;
	case PTSCOPE_CMD_SET_STATS:
		return put_stats_nest(0, true);
	default:
		return 0;
	}
}

static bool is_dump_cmd(uint8_t cmd)
{
	return cmd == PTSCOPE_CMD_GET_VMAS || cmd == PTSCOPE_CMD_GET_RANGES ||
	       cmd == PTSCOPE_CMD_GET_SUMMARY;
}

/*
 * SET_STATS switches tracepoint probes, and each switch waits for an RCU
 * grace period: keep it to about 1 request in 100.
 */
static uint8_t pick_cmd(void)
{
	uint32_t r = rn(100);

	if (r < 1)
		return PTSCOPE_CMD_SET_STATS;
	if (r < 75)
		return 1 + rn(PTSCOPE_CMD_GET_STATS);
	if (r < 80)
		return 0;
	return PTSCOPE_CMD_MAX + 1 + rn(256 - PTSCOPE_CMD_MAX - 1);
}

static void set_header(uint8_t cmd, uint16_t flags, size_t attrs_len,
		       uint32_t seq)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)req;

	pt_nl_header(req, nl.family, flags, cmd, attrs_len);
	nh->nlmsg_seq = seq;
	req_len = nh->nlmsg_len;
}

static uint16_t pick_flags(uint8_t cmd)
{
	uint16_t f = NLM_F_REQUEST;

	if (pct(60))
		f |= NLM_F_ACK;
	if (is_dump_cmd(cmd) ? pct(90) : pct(10))
		f |= NLM_F_DUMP;
	if (pct(5))
		f |= rn(2) ? NLM_F_ROOT : NLM_F_MATCH;
	if (pct(5))
		f |= (uint16_t)rnd() & ~NLM_F_REQUEST;
	if (pct(3))
		f &= ~NLM_F_REQUEST;
	return f;
}

/* Byte-level damage: flips, overwrites, inserts, deletions, splices. */
static void mutate(size_t min_off)
{
	unsigned int i, n = 1 + rn(4);
	size_t at, len;

	for (i = 0; i < n && req_len > min_off; i++) {
		at = min_off + rn(req_len - min_off);
		switch (rn(6)) {
		case 0:
			req[at] ^= 1u << rn(8);
			break;
		case 1:
			req[at] = (uint8_t)rnd();
			break;
		case 2:
			req[at] = pct(50) ? 0xff : 0;
			break;
		case 3:	/* insert */
			len = 1 + rn(8);
			if (req_len + len > REQ_MAX)
				break;
			memmove(req + at + len, req + at, req_len - at);
			for (size_t j = 0; j < len; j++)
				req[at + j] = (uint8_t)rnd();
			req_len += len;
			break;
		case 4:	/* delete */
			len = 1 + rn(8);
			if (at + len > req_len)
				len = req_len - at;
			memmove(req + at, req + at + len, req_len - at - len);
			req_len -= len;
			break;
		default: /* duplicate a chunk onto the end */
			len = 1 + rn(16);
			if (at + len > req_len)
				len = req_len - at;
			if (req_len + len > REQ_MAX)
				break;
			memcpy(req + req_len, req + at, len);
			req_len += len;
			break;
		}
	}
}

/* An attribute header that lies about its length. */
static void lie_about_length(size_t attrs_len)
{
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN, end = off + attrs_len;
	struct nlattr *a;
	unsigned int skip = rn(4);

	while (off + NLA_HDRLEN <= end) {
		a = (struct nlattr *)(req + off);
		if (!skip--) {
			switch (rn(5)) {
			case 0: a->nla_len = rn(NLA_HDRLEN); break;
			case 1: a->nla_len += 1 + rn(64); break;
			case 2: a->nla_len = 0xffff; break;
			case 3: a->nla_len -= a->nla_len > NLA_HDRLEN ? 1 : 0; break;
			default: a->nla_len = (uint16_t)rnd(); break;
			}
			return;
		}
		if (a->nla_len < NLA_HDRLEN)
			return;
		off += NLA_ALIGN(a->nla_len);
	}
}

/* One request for index @index into req/req_len. */
static void gen_netlink(unsigned long index)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)req;
	uint32_t seq = seq_base + (uint32_t)index;
	uint8_t cmd = pick_cmd();
	uint32_t mode = rn(100);
	size_t off = 0, i;

	memset(req, 0, 512);
	if (mode < 35) {
		/* Valid, or nearly: reaches the walkers. */
		off = put_valid_attrs(cmd);
		if (pct(30))
			off = put_random_attr(off, 0);
		set_header(cmd, NLM_F_REQUEST | NLM_F_ACK |
			   (is_dump_cmd(cmd) ? NLM_F_DUMP : 0), off, seq);
	} else if (mode < 65) {
		/* Random attributes, flags, version. */
		for (i = rn(7); i > 0; i--)
			off = put_random_attr(off, 0);
		set_header(cmd, pick_flags(cmd), off, seq);
		if (pct(15))
			req[NLMSG_HDRLEN + 1] = (uint8_t)rnd();	/* version */
		if (pct(10))
			req[NLMSG_HDRLEN + 2 + rn(2)] = (uint8_t)rnd();
		if (pct(25))
			lie_about_length(off);
	} else if (mode < 88) {
		/* A valid request, damaged. */
		off = put_valid_attrs(cmd);
		set_header(cmd, NLM_F_REQUEST | NLM_F_ACK |
			   (is_dump_cmd(cmd) ? NLM_F_DUMP : 0), off, seq);
		mutate(pct(70) ? NLMSG_HDRLEN : 0);
		if (pct(60) && req_len >= NLMSG_HDRLEN)
			nh->nlmsg_len = req_len;
	} else if (mode < 96) {
		/* Framing: truncated or lying netlink/genetlink headers. */
		off = put_valid_attrs(cmd);
		set_header(cmd, pick_flags(cmd), off, seq);
		switch (rn(6)) {
		case 0: req_len = rn(NLMSG_HDRLEN); break;
		case 1: req_len = NLMSG_HDRLEN + rn(GENL_HDRLEN);
			nh->nlmsg_len = req_len; break;
		case 2: nh->nlmsg_len = req_len + 1 + rn(4096); break;
		case 3: nh->nlmsg_len = rn(NLMSG_HDRLEN); break;
		case 4: nh->nlmsg_len = 0xffffffff; break;
		default: nh->nlmsg_len = NLMSG_HDRLEN + rn(req_len - NLMSG_HDRLEN + 1);
			break;
		}
	} else {
		/* Big: one huge attribute, or very many small ones. */
		if (pct(50)) {
			off = put_u32(0, PTSCOPE_A_PID, pids[0].pid);
			off = put(off, rn(PTSCOPE_A_MAX + 2), req + 2048,
				  1000 + rn(60000));
		} else {
			for (i = 500 + rn(5000); i > 0; i--)
				off = put_sized(off, rn(PTSCOPE_A_MAX + 2), rnd());
		}
		set_header(cmd, pick_flags(cmd), off, seq);
	}
	if (verbose)
		fprintf(stderr, "req %lu: mode %u cmd %u len %zu\n", index,
			mode, cmd, req_len);
}

/* ---- netlink: what the kernel will process ---------------------------- */

#define MAX_MSGS	64

struct sent_msg {
	uint32_t seq;
	uint16_t type, flags;
	size_t off, len;
	int cmd;			/* -1: too short for a genl header */
	bool must_answer;		/* some reply is due */
	bool zero_only;			/* only a 0 ack may come */
};

static struct sent_msg sent[MAX_MSGS];
static unsigned int nsent;

/*
 * Mirror netlink_rcv_skb(): which messages of the buffer are handled.  A
 * message of another genl family's type is retyped to ours: the fuzzer
 * must not send random commands to the rest of the kernel.
 */
static void frame_request(void)
{
	size_t off = 0, msglen;

	nsent = 0;
	while (req_len - off >= NLMSG_HDRLEN && nsent < MAX_MSGS) {
		struct nlmsghdr *nh = (struct nlmsghdr *)(req + off);
		struct sent_msg *m = &sent[nsent];

		if (nh->nlmsg_len < NLMSG_HDRLEN || nh->nlmsg_len > req_len - off)
			break;
		if (nh->nlmsg_type >= GENL_ID_CTRL && nh->nlmsg_type < 1024)
			nh->nlmsg_type = nl.family;
		m->seq = nh->nlmsg_seq;
		m->type = nh->nlmsg_type;
		m->flags = nh->nlmsg_flags;
		m->off = off;
		m->len = nh->nlmsg_len;
		m->cmd = nh->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN ?
			 req[off + NLMSG_HDRLEN] : -1;
		if (!(m->flags & NLM_F_REQUEST) || m->type < NLMSG_MIN_TYPE) {
			m->must_answer = m->flags & NLM_F_ACK;
			m->zero_only = true;
		} else {
			/* A successful SET_STATS without NLM_F_ACK is silent. */
			m->must_answer = !(m->type == nl.family &&
					   m->cmd == PTSCOPE_CMD_SET_STATS &&
					   !(m->flags & NLM_F_ACK));
			m->zero_only = false;
		}
		nsent++;
		msglen = NLMSG_ALIGN(nh->nlmsg_len);
		if (msglen > req_len - off)
			msglen = req_len - off;
		off += msglen;
	}
	/* More messages than we track: no request is built that way. */
	if (nsent == MAX_MSGS)
		nsent = MAX_MSGS - 1;
}

/*
 * Parse a request's top-level attributes as a strict policy would see
 * them: the last well-formed occurrence of each type wins.
 */
struct req_view {
	bool has_pid, has_addr, has_start, has_end;
	int64_t pid;
	uint64_t addr, start, end;
};

static void view_request(const struct sent_msg *m, struct req_view *v)
{
	size_t off = m->off + NLMSG_HDRLEN + GENL_HDRLEN, end = m->off + m->len;

	memset(v, 0, sizeof(*v));
	while (off + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)(req + off);
		const uint8_t *d = req + off + NLA_HDRLEN;
		uint16_t type = a->nla_type & NLA_TYPE_MASK;
		size_t len = a->nla_len - NLA_HDRLEN;

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > end)
			break;
		if (type == PTSCOPE_A_PID && len == 4) {
			int32_t p;

			memcpy(&p, d, 4);
			v->has_pid = true;
			v->pid = p;
		} else if (len == 8 && (type == PTSCOPE_A_ADDR ||
					type == PTSCOPE_A_START ||
					type == PTSCOPE_A_END)) {
			uint64_t x;

			memcpy(&x, d, 8);
			if (type == PTSCOPE_A_ADDR) {
				v->has_addr = true;
				v->addr = x;
			} else if (type == PTSCOPE_A_START) {
				v->has_start = true;
				v->start = x;
			} else {
				v->has_end = true;
				v->end = x;
			}
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/* ---- netlink: checking answers ------------------------------------------- */

enum kind { K_PAD, K_U8, K_U32, K_U64, K_FLAG, K_STRING, K_NEST, K_PAGES };

struct schema {
	unsigned int max;		/* highest type */
	const uint8_t *kinds;		/* per type */
	const struct schema *const *nests;	/* per type, for K_NEST */
	bool all_u64;			/* counters: 1..max are u64 */
};

#define KINDS(...) ((const uint8_t[]){ __VA_ARGS__ })

static const struct schema s_stat = {
	.max = PTSCOPE_STAT_MAX, .all_u64 = true,
};
static const struct schema s_ctr = {
	.max = PTSCOPE_CTR_MAX, .all_u64 = true,
};
static const struct schema s_info = {
	.max = PTSCOPE_INFO_MAX,
	.kinds = KINDS(K_PAD, K_PAD, K_STRING, K_STRING, K_U32, K_U32, K_U32,
		       K_U32, K_U32, K_U32, K_U32, K_U32, K_U32, K_U32, K_U32,
		       K_U64, K_FLAG, K_U32),
};
static const struct schema s_range = {
	.max = PTSCOPE_RANGE_MAX,
	.kinds = KINDS(K_PAD, K_PAD, K_U64, K_U64, K_U8, K_U8, K_U64, K_U64,
		       K_U64, K_U32, K_U64, K_U64, K_U32, K_U64),
};
static const struct schema *const sum_nests[PTSCOPE_SUM_MAX + 1] = {
	[PTSCOPE_SUM_STATS] = &s_stat,
};
static const struct schema s_sum = {
	.max = PTSCOPE_SUM_MAX,
	.kinds = KINDS(K_PAD, K_PAD, K_U64, K_U64, K_U64, K_U64, K_U64, K_U64,
		       K_U64, K_U64, K_U64, K_NEST),
	.nests = sum_nests,
};
static const struct schema *const vma_nests[PTSCOPE_VMA_MAX + 1] = {
	[PTSCOPE_VMA_STATS] = &s_stat,
};
static const struct schema s_vma = {
	.max = PTSCOPE_VMA_MAX,
	.kinds = KINDS(K_PAD, K_PAD, K_U64, K_U64, K_U64, K_U64, K_NEST),
	.nests = vma_nests,
};
static const struct schema *const vtop_nests[PTSCOPE_VTOP_MAX + 1] = {
	[PTSCOPE_VTOP_LEVEL] = &s_range,
};
static const struct schema s_vtop = {
	.max = PTSCOPE_VTOP_MAX,
	.kinds = KINDS(K_PAD, K_PAD, K_U64, K_U8, K_U8, K_U64, K_U64, K_U64,
		       K_U64, K_NEST),
	.nests = vtop_nests,
};
static const struct schema *const stats_nests[PTSCOPE_STATS_MAX + 1] = {
	[PTSCOPE_STATS_COUNTERS] = &s_ctr,
};
static const struct schema s_stats = {
	.max = PTSCOPE_STATS_MAX,
	.kinds = KINDS(K_PAD, K_PAD, K_U8, K_U32, K_FLAG, K_U32, K_U32, K_U32,
		       K_NEST, K_U64, K_U64, K_U64, K_U64, K_U64),
	.nests = stats_nests,
};
static const struct schema *const top_nests[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_INFO] = &s_info,
	[PTSCOPE_A_SUMMARY] = &s_sum,
	[PTSCOPE_A_VMA] = &s_vma,
	[PTSCOPE_A_RANGE] = &s_range,
	[PTSCOPE_A_VTOP] = &s_vtop,
	[PTSCOPE_A_STATS] = &s_stats,
};
static const struct schema s_top = {
	.max = PTSCOPE_A_MAX,
	.kinds = KINDS(K_PAD, K_PAD, K_U32, K_U64, K_U64, K_U64, K_U32, K_NEST,
		       K_NEST, K_NEST, K_NEST, K_NEST, K_NEST, K_PAGES),
	.nests = top_nests,
};

/* What a reply said, for the semantic checks. */
struct reply_facts {
	int top[PTSCOPE_A_MAX + 1];		/* top-level attribute counts */
	uint64_t vtop_addr;
	bool vtop_addr_seen;
	unsigned int vtop_levels;
	uint64_t info_levels, info_task_size;
	char why[160];
};

static uint64_t get_uint(const uint8_t *d, size_t len)
{
	uint64_t v = 0;

	memcpy(&v, d, len < 8 ? len : 8);
	return v;
}

/*
 * A PTSCOPE_A_PAGES array: whole records, each of a known level and
 * state, at least one page, inside the user address space, in order.
 */
static int check_pages(const uint8_t *d, size_t len, struct reply_facts *f)
{
	uint64_t prev_end = 0;
	size_t off;

	if (!len || len % sizeof(struct ptscope_page)) {
		snprintf(f->why, sizeof(f->why), "page array of %zu bytes", len);
		return -1;
	}
	for (off = 0; off < len; off += sizeof(struct ptscope_page)) {
		struct ptscope_page p;
		uint64_t start, level, state;

		memcpy(&p, d + off, sizeof(p));
		start = p.start_info & PTSCOPE_PAGE_ADDR_MASK;
		state = p.start_info & PTSCOPE_PAGE_STATE_MASK;
		level = (p.start_info & PTSCOPE_PAGE_LEVEL_MASK) >>
			PTSCOPE_PAGE_LEVEL_SHIFT;
		if (state > PTSCOPE_STATE_MAX || !level ||
		    level > PTSCOPE_LEVEL_MAX || !p.pages ||
		    start < prev_end ||
		    start + (uint64_t)p.pages * 4096 > task_size) {
			snprintf(f->why, sizeof(f->why),
				 "page record at %#" PRIx64 ": level %" PRIu64 " state %" PRIu64 " pages %u",
				 start, level, state, p.pages);
			return -1;
		}
		prev_end = start + (uint64_t)p.pages * 4096;
	}
	return 0;
}

/*
 * Attributes of a reply in [p, p + len) against @s; 0 or -1 with
 * f->why set.  @ctx: the enclosing top-level type, for the facts.
 */
static int check_attrs(const uint8_t *p, size_t len, const struct schema *s,
		       int ctx, int depth, struct reply_facts *f)
{
	size_t off = 0;
	uint64_t range_start = 0, range_end = 0;
	bool has_start = false, has_end = false;

	if (depth > 4) {
		snprintf(f->why, sizeof(f->why), "nesting deeper than the UAPI's");
		return -1;
	}
	while (off < len) {
		const struct nlattr *a = (const struct nlattr *)(p + off);
		const uint8_t *d = p + off + NLA_HDRLEN;
		unsigned int type;
		size_t alen;
		int k;

		if (len - off < NLA_HDRLEN || a->nla_len < NLA_HDRLEN ||
		    a->nla_len > len - off) {
			snprintf(f->why, sizeof(f->why),
				 "attribute at %zu overruns its container (%zu left, nla_len %u)",
				 off, len - off,
				 len - off >= NLA_HDRLEN ? a->nla_len : 0);
			return -1;
		}
		type = a->nla_type & NLA_TYPE_MASK;
		alen = a->nla_len - NLA_HDRLEN;
		if (type > s->max) {
			snprintf(f->why, sizeof(f->why),
				 "unknown attribute type %u (depth %d)", type,
				 depth);
			return -1;
		}
		k = s->all_u64 ? (type ? K_U64 : K_PAD) : s->kinds[type];
		switch (k) {
		case K_PAD:
			break;
		case K_U8:
		case K_U32:
		case K_U64:
			if (alen != (k == K_U8 ? 1u : k == K_U32 ? 4u : 8u)) {
				snprintf(f->why, sizeof(f->why),
					 "attribute %u (depth %d) has %zu bytes",
					 type, depth, alen);
				return -1;
			}
			break;
		case K_FLAG:
			if (alen) {
				snprintf(f->why, sizeof(f->why),
					 "flag %u has a payload", type);
				return -1;
			}
			break;
		case K_PAGES:
			if (check_pages(d, alen, f))
				return -1;
			break;
		case K_STRING:
			if (!alen || d[alen - 1] || strlen((const char *)d) != alen - 1) {
				snprintf(f->why, sizeof(f->why),
					 "string %u is not one NUL-terminated string",
					 type);
				return -1;
			}
			break;
		default:
			if (check_attrs(d, alen, s->nests[type],
					depth ? ctx : (int)type, depth + 1, f))
				return -1;
			break;
		}
		if (!depth)
			f->top[type]++;
		if (s == &s_vtop && type == PTSCOPE_VTOP_ADDR) {
			f->vtop_addr = get_uint(d, alen);
			f->vtop_addr_seen = true;
		}
		if (s == &s_vtop && type == PTSCOPE_VTOP_LEVEL)
			f->vtop_levels++;
		if (s == &s_info && type == PTSCOPE_INFO_LEVELS)
			f->info_levels = get_uint(d, alen);
		if (s == &s_info && type == PTSCOPE_INFO_TASK_SIZE)
			f->info_task_size = get_uint(d, alen);
		if (s == &s_range && type == PTSCOPE_RANGE_LEVEL &&
		    d[0] > PTSCOPE_LEVEL_MAX) {
			snprintf(f->why, sizeof(f->why), "level %u", d[0]);
			return -1;
		}
		if (s == &s_range && type == PTSCOPE_RANGE_STATE &&
		    d[0] > PTSCOPE_STATE_MAX) {
			snprintf(f->why, sizeof(f->why), "state %u", d[0]);
			return -1;
		}
		if ((s == &s_range || s == &s_vma) && type == 2) {
			range_start = get_uint(d, alen);
			has_start = true;
		}
		if ((s == &s_range || s == &s_vma) && type == 3) {
			range_end = get_uint(d, alen);
			has_end = true;
		}
		off += NLA_ALIGN(a->nla_len);
		if (off > len)
			off = len;
	}
	if (has_start && has_end &&
	    (range_end <= range_start || range_end > task_size)) {
		snprintf(f->why, sizeof(f->why),
			 "range %#" PRIx64 "-%#" PRIx64 " is empty or beyond the user space",
			 range_start, range_end);
		return -1;
	}
	if (s == &s_vtop && f->vtop_levels > 5) {
		snprintf(f->why, sizeof(f->why), "%u vtop levels", f->vtop_levels);
		return -1;
	}
	return 0;
}

static bool plausible_errno(int err)
{
	switch (-err) {
	case EINVAL: case ERANGE: case EOPNOTSUPP: case ESRCH: case EPERM:
	case ENOENT: case EEXIST: case ENOSPC: case EMSGSIZE:
		return true;
	case EBUSY:	/* a second dump in one send, while one runs */
		return nsent > 1;
	default:
		return false;
	}
}

static struct sent_msg *sent_by_seq(uint32_t seq, unsigned int *count)
{
	struct sent_msg *m = NULL;
	unsigned int i;

	*count = 0;
	for (i = 0; i < nsent; i++) {
		if (sent[i].seq == seq) {
			if (!m)
				m = &sent[i];
			++*count;
		}
	}
	return m;
}

/* The extack attributes of an error or DONE message, from @off. */
static int check_extack(const struct nlmsghdr *nh, size_t off,
			const struct sent_msg *m, char *why, size_t size)
{
	while (off < nh->nlmsg_len) {
		const struct nlattr *a = (const struct nlattr *)((const char *)nh + off);
		const char *d = (const char *)a + NLA_HDRLEN;
		size_t alen;

		if (nh->nlmsg_len - off < NLA_HDRLEN || a->nla_len < NLA_HDRLEN ||
		    a->nla_len > nh->nlmsg_len - off) {
			snprintf(why, size, "extack attribute overruns the message");
			return -1;
		}
		alen = a->nla_len - NLA_HDRLEN;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			if (!alen || d[alen - 1] || strlen(d) != alen - 1) {
				snprintf(why, size, "extack message is not a string");
				return -1;
			}
			break;
		case NLMSGERR_ATTR_OFFS: {
			uint32_t o;

			if (alen != 4) {
				snprintf(why, size, "extack offset of %zu bytes", alen);
				return -1;
			}
			memcpy(&o, d, 4);
			if (m && o >= m->len) {
				snprintf(why, size,
					 "extack offset %u outside the %zu-byte request",
					 o, m->len);
				return -1;
			}
			break;
		}
		default:
			break;
		}
		off += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

/*
 * Errors only ptscope itself returns (the genetlink core never does for
 * this family): each must say why in an extack message.
 */
static bool module_errno(int err)
{
	return err == -ESRCH || err == -EPERM || err == -EEXIST ||
	       err == -ENOSPC;
}

static bool has_extack_msg(const struct nlmsghdr *nh)
{
	char msg[256];

	return pt_nl_extack(nh, msg, sizeof(msg))[0] != '\0';
}

struct answer_state {
	unsigned int replies[MAX_MSGS];	/* per sent message index */
	bool dump_open[MAX_MSGS];
	bool got_error, got_data;
};

/* One answer message; 0 or -1 with @why. */
static int check_one(const struct nlmsghdr *nh, struct answer_state *st,
		     char *why, size_t size)
{
	unsigned int dup, idx;
	struct sent_msg *m = sent_by_seq(nh->nlmsg_seq, &dup);
	struct reply_facts f;
	struct req_view v;
	const struct genlmsghdr *gh;
	enum pid_class pc;

	if (!m) {
		snprintf(why, size, "answer type %u with seq %u that no request had",
			 nh->nlmsg_type, nh->nlmsg_seq);
		return -1;
	}
	idx = m - sent;
	if (nh->nlmsg_pid != portid) {
		snprintf(why, size, "answer addressed to port %u, not ours (%u)",
			 nh->nlmsg_pid, portid);
		return -1;
	}
	st->replies[idx]++;
	if (nh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nh);

		if (nh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e)) {
			snprintf(why, size, "NLMSG_ERROR of %u bytes", nh->nlmsg_len);
			return -1;
		}
		if (e->error > 0 || (e->error && !plausible_errno(e->error))) {
			snprintf(why, size, "error %d (%s) is not a plausible answer",
				 e->error, strerror(-e->error));
			return -1;
		}
		if (e->error && m->zero_only && dup == 1) {
			snprintf(why, size,
				 "error %d for a message the core only acks",
				 e->error);
			return -1;
		}
		if (e->msg.nlmsg_seq != nh->nlmsg_seq ||
		    (dup == 1 && e->msg.nlmsg_len != m->len)) {
			snprintf(why, size, "the error does not quote its request");
			return -1;
		}
		if (e->error)
			st->got_error = true;
		if ((nh->nlmsg_flags & NLM_F_ACK_TLVS) &&
		    check_extack(nh, NLMSG_HDRLEN + sizeof(*e),
				 dup == 1 ? m : NULL, why, size))
			return -1;
		if (module_errno(e->error) &&
		    !has_extack_msg(nh)) {
			snprintf(why, size, "error %d to cmd %d without an extack message",
				 e->error, m->cmd);
			return -1;
		}
		return 0;
	}
	if (nh->nlmsg_type == NLMSG_DONE) {
		int32_t err;

		if (nh->nlmsg_len < NLMSG_HDRLEN + sizeof(err)) {
			snprintf(why, size, "NLMSG_DONE of %u bytes", nh->nlmsg_len);
			return -1;
		}
		memcpy(&err, NLMSG_DATA(nh), sizeof(err));
		if (err > 0 || (err && !plausible_errno(err))) {
			snprintf(why, size, "dump ended with %d (%s)", err,
				 strerror(-err));
			return -1;
		}
		if (err)
			st->got_error = true;
		st->dump_open[idx] = false;
		if ((nh->nlmsg_flags & NLM_F_ACK_TLVS) &&
		    check_extack(nh, NLMSG_HDRLEN + sizeof(err), NULL, why, size))
			return -1;
		if (module_errno(err) &&
		    !has_extack_msg(nh)) {
			snprintf(why, size, "dump ended with %d without an extack message",
				 err);
			return -1;
		}
		return 0;
	}
	if (nh->nlmsg_type != nl.family) {
		snprintf(why, size, "answer of type %u", nh->nlmsg_type);
		return -1;
	}

	/* A ptscope reply. */
	st->got_data = true;
	if (nh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		snprintf(why, size, "reply of %u bytes", nh->nlmsg_len);
		return -1;
	}
	gh = NLMSG_DATA(nh);
	if (gh->version != PTSCOPE_GENL_VERSION || gh->cmd != m->cmd ||
	    m->cmd < PTSCOPE_CMD_GET_INFO || m->cmd > PTSCOPE_CMD_GET_STATS) {
		snprintf(why, size, "reply cmd %u version %u to cmd %d",
			 gh->cmd, gh->version, m->cmd);
		return -1;
	}
	if (!!(nh->nlmsg_flags & NLM_F_MULTI) != is_dump_cmd(m->cmd)) {
		snprintf(why, size, "reply to cmd %d with flags %#x", m->cmd,
			 nh->nlmsg_flags);
		return -1;
	}
	if (is_dump_cmd(m->cmd))
		st->dump_open[idx] = true;
	fig.nl_replies[m->cmd]++;
	memset(&f, 0, sizeof(f));
	if (check_attrs((const uint8_t *)gh + GENL_HDRLEN,
			nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, &s_top, 0, 0,
			&f)) {
		snprintf(why, size, "reply to cmd %d: %s", m->cmd, f.why);
		return -1;
	}

	/* What was answered must have been answerable. */
	if (dup > 1)
		return 0;
	view_request(m, &v);
	pc = pid_class(v.pid);
	switch (m->cmd) {
	case PTSCOPE_CMD_GET_INFO:
		if (f.top[PTSCOPE_A_INFO] != 1 ||
		    (f.info_levels != 4 && f.info_levels != 5) ||
		    f.info_task_size != task_size) {
			snprintf(why, size, "info reply: %d nests, %" PRIu64 " levels, task size %#" PRIx64,
				 f.top[PTSCOPE_A_INFO], f.info_levels,
				 f.info_task_size);
			return -1;
		}
		break;
	case PTSCOPE_CMD_VTOP:
		if (!v.has_addr || v.addr >= task_size || !v.has_pid ||
		    !pid_inspectable(pc)) {
			snprintf(why, size,
				 "vtop answered for pid %" PRId64 " (class %d) address %#" PRIx64 "%s",
				 v.pid, pc, v.addr, v.has_addr ? "" : " (none)");
			return -1;
		}
		if (f.top[PTSCOPE_A_VTOP] != 1 || !f.vtop_addr_seen ||
		    f.vtop_addr != v.addr) {
			snprintf(why, size, "vtop of %#" PRIx64 " answered for %#" PRIx64,
				 v.addr, f.vtop_addr);
			return -1;
		}
		break;
	case PTSCOPE_CMD_GET_SUMMARY:
	case PTSCOPE_CMD_GET_VMAS:
	case PTSCOPE_CMD_GET_RANGES:
		if (!v.has_pid || !pid_inspectable(pc)) {
			snprintf(why, size, "cmd %d answered for pid %" PRId64 " (class %d)%s",
				 m->cmd, v.pid, pc, v.has_pid ? "" : " (none)");
			return -1;
		}
		if (m->cmd != PTSCOPE_CMD_GET_SUMMARY &&
		    ((v.has_start && v.start >= task_size) ||
		     (v.end && (v.has_end ? v.end : task_size) <= (v.has_start ? v.start : 0)))) {
			snprintf(why, size, "dump answered for range %#" PRIx64 "-%#" PRIx64,
				 v.start, v.end);
			return -1;
		}
		/* Bounded steps: messages with nothing, the last one nest. */
		if (m->cmd == PTSCOPE_CMD_GET_SUMMARY && f.top[PTSCOPE_A_SUMMARY] > 1) {
			snprintf(why, size, "summary reply with %d nests",
				 f.top[PTSCOPE_A_SUMMARY]);
			return -1;
		}
		break;
	default:
		break;
	}
	return 0;
}

static char rbuf[1 << 17] __attribute__((aligned(8)));

/* Read one batch of answers; 1 if none was waiting, -1 on a failure. */
static int read_batch(struct answer_state *st, bool block, char *why,
		      size_t size)
{
	struct nlmsghdr *nh;
	ssize_t n;

	n = recv(nl.fd, rbuf, sizeof(rbuf), MSG_TRUNC | (block ? 0 : MSG_DONTWAIT));
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (block) {
				snprintf(why, size, "no answer within %d s", REPLY_TIMEOUT_S);
				return -2;
			}
			return 1;
		}
		snprintf(why, size, "recv: %s", strerror(errno));
		return -1;
	}
	if ((size_t)n > sizeof(rbuf)) {
		snprintf(why, size, "an answer of %zd bytes", n);
		return -1;
	}
	for (nh = (struct nlmsghdr *)rbuf; n > 0; nh = NLMSG_NEXT(nh, n)) {
		if ((size_t)n < NLMSG_HDRLEN || nh->nlmsg_len < NLMSG_HDRLEN ||
		    nh->nlmsg_len > (size_t)n) {
			snprintf(why, size, "answer framing broken (%zd bytes left, nlmsg_len %u)",
				 n, (size_t)n >= NLMSG_HDRLEN ? nh->nlmsg_len : 0);
			return -1;
		}
		if (check_one(nh, st, why, size))
			return -1;
	}
	return 0;
}

static int open_socket(void)
{
	struct sockaddr_nl sa;
	socklen_t salen = sizeof(sa);
	struct timeval tv = { .tv_sec = REPLY_TIMEOUT_S };

	int err;

	if (nl.fd >= 0)
		pt_nl_close(&nl);
	err = pt_nl_open(&nl);
	if (err)
		return err;
	/* Clear of the sequence numbers the fuzzed requests use. */
	nl.seq = 0x7fff0000;
	if (getsockname(nl.fd, (struct sockaddr *)&sa, &salen))
		return -errno;
	portid = sa.nl_pid;
	setsockopt(nl.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

/* Send req and check every answer.  0, or -1 (failed; socket reopened). */
static int exchange(unsigned long index)
{
	struct answer_state st;
	char why[400];
	unsigned int i;
	bool open;
	int ret;

	frame_request();
	memset(&st, 0, sizeof(st));
	ret = pt_nl_send_buf(&nl, req, req_len);
	if (ret) {
		/* netlink_sendmsg() refuses an empty message itself. */
		if (!req_len && ret == -ENODATA) {
			fig.nl_silent++;
			return 0;
		}
		snprintf(why, sizeof(why), "sendto of %zu bytes: %s", req_len,
			 strerror(-ret));
		goto fail;
	}
	/*
	 * The kernel handles a request inside sendto(): every answer is
	 * queued by now, except a dump's later parts, which each recv asks for.
	 */
	for (;;) {
		ret = read_batch(&st, false, why, sizeof(why));
		if (ret < 0)
			goto fail;
		for (open = false, i = 0; i < nsent; i++)
			open |= st.dump_open[i];
		if (ret == 0 && !(open && pct(2)))
			continue;
		if (!open)
			break;
		if (ret == 0) {
			/* Walk away from a running dump: its .done must clean up. */
			fig.nl_abandoned++;
			if (open_socket()) {
				snprintf(why, sizeof(why), "cannot reopen the socket");
				goto fail;
			}
			break;
		}
		ret = read_batch(&st, true, why, sizeof(why));
		if (ret == -2)
			fig.nl_hangs++;
		if (ret < 0)
			goto fail;
	}
	for (i = 0; i < nsent; i++) {
		if (sent[i].must_answer && !st.replies[i]) {
			unsigned int dup;

			sent_by_seq(sent[i].seq, &dup);
			if (dup > 1)
				continue;
			snprintf(why, sizeof(why),
				 "no answer to message %u (type %u flags %#x cmd %d, %zu bytes)",
				 i, sent[i].type, sent[i].flags, sent[i].cmd,
				 sent[i].len);
			goto fail;
		}
	}
	if (st.got_error)
		fig.nl_errors++;
	else if (st.got_data || nsent)
		fig.nl_valid++;
	else
		fig.nl_silent++;
	return 0;

fail:
	fuzz_fail("netlink", index, "%s", why);
	open_socket();
	return -1;
}

/*
 * A dump whose target exits between two of its messages must still end
 * cleanly: NLMSG_DONE with 0 or -ESRCH (and a message), never a hang.
 */
static void exit_during_dump(unsigned long index)
{
	struct answer_state st;
	char why[400];
	pid_t victim;
	size_t off;
	int ret;

	victim = fork();
	if (victim < 0) {
		fuzz_fail("netlink", index, "fork: %s", strerror(errno));
		return;
	}
	if (!victim) {
		for (;;)
			pause();
	}
	rng_at(3, index);
	off = put_u32(0, PTSCOPE_A_PID, victim);
	off = put_u32(off, PTSCOPE_A_FLAGS, PTSCOPE_RF(PER_PAGE) |
		      (pct(50) ? PTSCOPE_RF(HOLES) : 0));
	set_header(PTSCOPE_CMD_GET_RANGES, NLM_F_REQUEST | NLM_F_DUMP, off,
		   seq_base ^ 0x40000000 ^ (uint32_t)index);
	frame_request();
	memset(&st, 0, sizeof(st));
	ret = pt_nl_send_buf(&nl, req, req_len);
	if (ret) {
		snprintf(why, sizeof(why), "sendto: %s", strerror(-ret));
		goto fail;
	}
	ret = read_batch(&st, false, why, sizeof(why));
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);
	victim = 0;
	if (ret < 0)
		goto fail;
	if (st.dump_open[0])
		fig.nl_exits++;
	while (st.dump_open[0]) {
		ret = read_batch(&st, true, why, sizeof(why));
		if (ret == -2)
			fig.nl_hangs++;
		if (ret < 0)
			goto fail;
	}
	return;

fail:
	if (victim > 0) {
		kill(victim, SIGKILL);
		waitpid(victim, NULL, 0);
	}
	fuzz_fail("netlink", index, "dump of an exiting process: %s", why);
	open_socket();
}

static void netlink_phase(void)
{
	unsigned long i, fails = fig.fails;
	struct timespec t0, t1;
	int err;

	err = open_socket();
	if (err) {
		pt_fail("fuzz/netlink/%s: cannot reach the ptscope family: %s",
			who, strerror(-err));
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = first_index; i < first_index + nl_count; i++) {
		rng_at(1, i);
		gen_netlink(i);
		exchange(i);
		fig.nl++;
		if (i % 2000 == 1999)
			exit_during_dump(i);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (fig.fails == fails)
		pt_pass("fuzz/netlink/%s: %lu requests answered as they should (%lu errors, %lu accepted, %lu silently dropped) in %.1f s",
			who, fig.nl, fig.nl_errors, fig.nl_valid, fig.nl_silent,
			(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	else if (fig.fails > MAX_DETAILS)
		pt_fail("fuzz/%s: %lu failures in all, details of the first %d above",
			who, fig.fails, MAX_DETAILS);
	printf("fuzz: %lu dumps abandoned half-read, %lu dump targets killed mid-dump\n",
	       fig.nl_abandoned, fig.nl_exits);
	printf("fuzz: reply messages by command: info %lu, summary %lu, vmas %lu, ranges %lu, vtop %lu, stats %lu\n",
	       fig.nl_replies[PTSCOPE_CMD_GET_INFO],
	       fig.nl_replies[PTSCOPE_CMD_GET_SUMMARY],
	       fig.nl_replies[PTSCOPE_CMD_GET_VMAS],
	       fig.nl_replies[PTSCOPE_CMD_GET_RANGES],
	       fig.nl_replies[PTSCOPE_CMD_VTOP],
	       fig.nl_replies[PTSCOPE_CMD_GET_STATS]);
}

/* ---- procfs: the selection grammar, modelled ------------------------------ */

enum pfile { PF_VMAS, PF_RANGES, PF_PAGES, PF_SUMMARY, PF_VTOP, PF_STATS, PF_CNT };

static const char *const pf_names[PF_CNT] = {
	"vmas", "ranges", "pages", "summary", "vtop", "stats",
};

struct sel {
	int64_t pid;
	uint64_t start, end;
	bool holes;
};

/* kstrtoint(tok, 10) and a positive result. */
static bool parse_pid_tok(const char *t, int64_t *pid)
{
	uint64_t v = 0;

	if (*t == '+')
		t++;
	if (!*t)
		return false;
	for (; *t; t++) {
		if (*t < '0' || *t > '9')
			return false;
		v = v * 10 + (*t - '0');
		if (v > 0x7fffffff)
			return false;
	}
	*pid = (int64_t)v;
	return v > 0;
}

/* kstrtoul(tok, 16). */
static bool parse_hex_tok(const char *t, uint64_t *out)
{
	uint64_t v = 0;
	int d;

	if (*t == '+')
		t++;
	if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
		t += 2;
	if (!*t)
		return false;
	for (; *t; t++) {
		if (*t >= '0' && *t <= '9')
			d = *t - '0';
		else if (*t >= 'a' && *t <= 'f')
			d = *t - 'a' + 10;
		else if (*t >= 'A' && *t <= 'F')
			d = *t - 'A' + 10;
		else
			return false;
		if (v >> 60)
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* Split as strsep(" \t\n") does, skipping empty fields; -1: too many. */
static int tokens(char *text, char **tok, int max)
{
	int n = 0;
	char *p;

	while ((p = strsep(&text, " \t\n")) != NULL) {
		if (!*p)
			continue;
		if (n == max)
			return -1;
		tok[n++] = p;
	}
	return n;
}

/* ptscope_parse(): true if the module must accept the syntax. */
static bool model_selection(enum pfile k, const char *data, size_t len,
			    struct sel *s)
{
	char text[300], *tok[5];
	int n, i;

	if (!len || len >= 256)
		return false;
	memcpy(text, data, len);
	text[len] = '\0';	/* and the first NUL ends it, as in the module */
	n = tokens(text, tok, 5);
	memset(s, 0, sizeof(*s));
	s->end = task_size;
	if (n <= 0 || !parse_pid_tok(tok[0], &s->pid))
		return false;
	if (k == PF_SUMMARY)
		return n == 1;
	if (k == PF_VTOP)
		return n == 2 && parse_hex_tok(tok[1], &s->start);
	if (!strcmp(tok[n - 1], "holes")) {
		s->holes = true;
		n--;
	}
	if (n > 3)
		return false;
	for (i = 1; i < n; i++)
		if (!parse_hex_tok(tok[i], i == 1 ? &s->start : &s->end))
			return false;
	if (s->end > task_size)
		s->end = task_size;
	return s->start < s->end;
}

/* ---- procfs: the stats commands, modelled ---------------------------------- */

static struct {
	bool enabled;
	pid_t watch[PTSCOPE_STATS_WATCH_MAX];
	unsigned int nr;
} stats_model;

static int watch_index(pid_t pid)
{
	unsigned int i;

	for (i = 0; i < stats_model.nr; i++)
		if (stats_model.watch[i] == pid)
			return i;
	return -1;
}

/* The state the stats file shows; 0 or -1. */
static int read_stats_state(bool *enabled, pid_t *watch, unsigned int *nr)
{
	char *text = pt_stats_read(), *line, *p, *end;
	int64_t en;

	if (!text)
		return -1;
	en = pt_stats_get(text, NULL, "enabled");
	line = strstr(text, "\nwatch");
	*nr = 0;
	if (en < 0 || !line) {
		free(text);
		return -1;
	}
	*enabled = en;
	p = line + 6;
	for (;;) {
		long v = strtol(p, &end, 10);

		if (end == p || *nr == PTSCOPE_STATS_WATCH_MAX)
			break;
		watch[(*nr)++] = v;
		p = end;
	}
	free(text);
	return 0;
}

/*
 * The errno the module must answer a stats write with (0: accepted), or
 * 1 when any of several answers is right.  Updates the model on success.
 */
static int model_stats(const char *data, size_t len, bool *changes,
		       pid_t *pid_out, int *op)
{
	char text[300], *tok[3];
	int64_t pid;
	int n, w;

	*changes = false;
	*op = 0;
	if (!privileged)
		return EPERM;
	if (!len || len >= 256)
		return EINVAL;
	memcpy(text, data, len);
	text[len] = '\0';
	n = tokens(text, tok, 3);
	if (n == 1 && !strcmp(tok[0], "on")) {
		*op = 1;
		return 0;
	}
	if (n == 1 && !strcmp(tok[0], "off")) {
		*op = 2;
		return 0;
	}
	if (n != 2 || !parse_pid_tok(tok[1], &pid))
		return EINVAL;
	*pid_out = pid;
	if (!strcmp(tok[0], "watch")) {
		*op = 3;
		switch (pid_class(pid)) {
		case PC_GONE: return ESRCH;
		case PC_KTHREAD: return EINVAL;
		case PC_UNKNOWN: return 1;
		default: break;
		}
		if (watch_index(pid) >= 0)
			return EEXIST;
		if (stats_model.nr == PTSCOPE_STATS_WATCH_MAX)
			return ENOSPC;
		return 0;
	}
	if (!strcmp(tok[0], "unwatch")) {
		*op = 4;
		w = watch_index(pid);
		return w >= 0 ? 0 : ENOENT;
	}
	return EINVAL;
}

static void stats_model_apply(int op, pid_t pid)
{
	int w;

	switch (op) {
	case 1: stats_model.enabled = true; break;
	case 2: stats_model.enabled = false; break;
	case 3:
		if (stats_model.nr < PTSCOPE_STATS_WATCH_MAX && watch_index(pid) < 0)
			stats_model.watch[stats_model.nr++] = pid;
		break;
	case 4:
		w = watch_index(pid);
		if (w >= 0) {
			stats_model.watch[w] = stats_model.watch[--stats_model.nr];
		}
		break;
	}
}

static bool stats_model_matches(char *why, size_t size)
{
	pid_t watch[PTSCOPE_STATS_WATCH_MAX];
	unsigned int nr, i;
	bool en;

	if (read_stats_state(&en, watch, &nr)) {
		snprintf(why, size, "cannot read %s", PT_STATS_FILE);
		return false;
	}
	if (en != stats_model.enabled || nr != stats_model.nr) {
		snprintf(why, size, "stats enabled %d with %u watched, want %d with %u",
			 en, nr, stats_model.enabled, stats_model.nr);
		return false;
	}
	for (i = 0; i < nr; i++) {
		if (watch_index(watch[i]) < 0) {
			snprintf(why, size, "pid %d is watched, should not be",
				 watch[i]);
			return false;
		}
	}
	return true;
}

/* ---- procfs: generating writes ---------------------------------------------- */

static const char *const seps[] = { " ", "\t", "\n", "  ", " \t ", "\r", "\v", ",", "" };

static int put_pid_text(char *p, size_t room)
{
	int64_t pid = pct(50) ? pids[rn(2)].pid : pick_pid();

	switch (rn(12)) {
	case 0: return snprintf(p, room, "+%" PRId64, pid);
	case 1: return snprintf(p, room, "000%" PRId64, pid);
	case 2: return snprintf(p, room, "0x%" PRIx64, (uint64_t)pid);
	case 3: return snprintf(p, room, "99999999999999999999999");
	case 4: return snprintf(p, room, "%" PRId64 "x", pid);
	case 5: return snprintf(p, room, "-0");
	default: return snprintf(p, room, "%" PRId64, pid);
	}
}

static int put_addr_text(char *p, size_t room)
{
	uint64_t v = pick_u64();

	switch (rn(14)) {
	case 0: return snprintf(p, room, "0x%" PRIX64, v);
	case 1: return snprintf(p, room, "0X%" PRIx64, v);
	case 2: return snprintf(p, room, "+%" PRIx64, v);
	case 3: return snprintf(p, room, "0x");
	case 4: return snprintf(p, room, "1%016" PRIx64, v);	/* 65 bits */
	case 5: return snprintf(p, room, "%" PRIu64, v);	/* decimal */
	case 6: return snprintf(p, room, "-%" PRIx64, v);
	case 7: return snprintf(p, room, "0x0x%" PRIx64, v);
	case 8: return snprintf(p, room, "00000000000000000000%" PRIx64, v);
	default: return snprintf(p, room, rn(2) ? "%" PRIx64 : "0x%" PRIx64, v);
	}
}

static size_t gen_procfs_text(enum pfile k, char *buf, size_t cap)
{
	static const char *const words[] = {
		"on", "off", "watch", "unwatch", "holes", "HOLES", "hole", "On",
	};
	size_t len = 0, i;
	unsigned int n;
	int r;

	if (pct(15)) {	/* random bytes, any length */
		len = pct(10) ? 4096 + rn(4200) : rn(300);
		if (len > cap)
			len = cap;
		for (i = 0; i < len; i++)
			buf[i] = pct(70) ? "0123456789abcdefx \t\n"[rn(21)] :
				 (char)rnd();
		return len;
	}
	if (k == PF_STATS) {
		r = rn(4);
		len = snprintf(buf, cap, "%s", words[r < 2 && pct(85) ? (uint32_t)r : rn(8)]);
		if (r >= 2 || pct(10)) {
			len += snprintf(buf + len, cap - len, "%s", seps[pct(80) ? 0 : rn(9)]);
			len += put_pid_text(buf + len, cap - len);
		}
	} else {
		len = put_pid_text(buf, cap);
		n = k == PF_SUMMARY ? rn(2) : k == PF_VTOP ? 1 + (pct(20) ? rn(3) : 0) :
		    rn(4);
		for (i = 0; i < n; i++) {
			len += snprintf(buf + len, cap - len, "%s", seps[pct(80) ? 0 : rn(9)]);
			if (k == PF_VTOP && pct(80))
				len += snprintf(buf + len, cap - len, "%lx",
						region + rn(REGION_PAGES) * 4096UL);
			else if (k != PF_VTOP && pct(60))
				len += snprintf(buf + len, cap - len, "%lx",
						i == 0 ? region + rn(REGION_PAGES) * 4096UL :
						region + (REGION_PAGES - rn(REGION_PAGES)) * 4096UL);
			else
				len += put_addr_text(buf + len, cap - len);
		}
		if (k <= PF_PAGES && pct(25))
			len += snprintf(buf + len, cap - len, " %s", words[4 + rn(3)]);
	}
	if (pct(60))
		buf[len++] = '\n';
	if (pct(5))
		len += snprintf(buf + len, cap - len, "%s", " \t\n\n");
	if (pct(6) && len)
		buf[rn(len)] = '\0';
	if (pct(8) && len)
		buf[rn(len)] ^= 1u << rn(8);
	return len;
}

/* ---- procfs: one request ----------------------------------------------------- */

struct pf_state {
	int fd;
	bool selected, consumed;
	struct sel sel;
};

static struct pf_state pfs[PF_CNT];
static char *report;
static size_t report_cap = 1 << 20;

/* The whole remaining report; its length, or -errno. */
static ssize_t read_report(int fd)
{
	size_t len = 0, chunk = pct(10) ? 1u << rn(13) : SIZE_MAX;
	ssize_t n;

	for (;;) {
		if (report_cap - len < 65536) {
			report_cap *= 2;
			report = realloc(report, report_cap);
			if (!report)
				abort();
		}
		n = read(fd, report + len, chunk < report_cap - len - 1 ?
			 chunk : report_cap - len - 1);
		if (n < 0)
			return -errno;
		if (!n)
			break;
		len += n;
	}
	report[len] = '\0';
	return len;
}

/* Does the report match the selection?  0 or -1 with why. */
static int check_report(enum pfile k, const struct pf_state *st, size_t len,
			char *why, size_t size)
{
	const struct sel *s = &st->sel;
	unsigned long a, b, start, end;
	int pid, levels;
	char *line, *save = NULL;

	if (!st->selected) {
		if (strncmp(report, "# usage:", 8)) {
			snprintf(why, size, "%s before a selection reads \"%.40s\"",
				 pf_names[k], report);
			return -1;
		}
		return 0;
	}
	if (k == PF_SUMMARY) {
		if (sscanf(report, "pid %d, %d-level paging", &pid, &levels) != 2 ||
		    pid != s->pid || (levels != 4 && levels != 5)) {
			snprintf(why, size, "summary of %" PRId64 " reads \"%.60s\"",
				 s->pid, report);
			return -1;
		}
		return 0;
	}
	if (k == PF_VTOP) {
		if (sscanf(report, "pid %d address %lx", &pid, &a) != 2 ||
		    pid != s->pid || a != s->start || !strstr(report, "\nstop: ")) {
			snprintf(why, size, "vtop of %" PRId64 " %#" PRIx64 " reads \"%.60s\"",
				 s->pid, s->start, report);
			return -1;
		}
		return 0;
	}
	if (sscanf(report, "# pid %d range %lx-%lx,", &pid, &start, &end) != 3 ||
	    pid != s->pid || start != s->start || end != s->end) {
		snprintf(why, size, "%s of %" PRId64 " %#" PRIx64 "-%#" PRIx64 " reads \"%.60s\"",
			 pf_names[k], s->pid, s->start, s->end, report);
		return -1;
	}
	/* Every row or VMA overlaps the selection. */
	for (line = strtok_r(report, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int ok;

		if (line[0] == '#' || line[0] == ' ')
			continue;
		ok = k == PF_VMAS ? sscanf(line, "%lx-%lx", &a, &b) :
			       sscanf(line, "%lx %lx", &a, &b);
		if (ok != 2 || a >= b || b <= s->start || a >= s->end) {
			snprintf(why, size, "%s of %#" PRIx64 "-%#" PRIx64 ": row \"%.80s\"",
				 pf_names[k], s->start, s->end, line);
			return -1;
		}
	}
	(void)len;
	return 0;
}

static int pf_open(enum pfile k)
{
	char path[64];

	if (pfs[k].fd >= 0)
		close(pfs[k].fd);
	snprintf(path, sizeof(path), "/proc/ptscope/%s", pf_names[k]);
	pfs[k].fd = open(path, O_RDWR | O_CLOEXEC);
	pfs[k].selected = false;
	pfs[k].consumed = false;
	return pfs[k].fd < 0 ? -errno : 0;
}

static void procfs_stats_request(unsigned long index, const char *buf,
				 size_t len)
{
	int want, op, got;
	bool changes;
	pid_t pid = 0;
	ssize_t n;
	char why[300];

	want = model_stats(buf, len, &changes, &pid, &op);
	n = write(pfs[PF_STATS].fd, buf, len);
	got = n < 0 ? errno : 0;
	if (n >= 0 && (size_t)n != len) {
		fuzz_fail("procfs", index, "stats write of %zu returned %zd", len, n);
		return;
	}
	if (want != 1 && got != want) {
		fuzz_fail("procfs", index, "stats write \"%.*s\": %s, want %s",
			  (int)(len < 60 ? len : 60), buf,
			  got ? strerror(got) : "success",
			  want ? strerror(want) : "success");
		return;
	}
	if (got && want == 1 && got != ESRCH && got != EPERM && got != EINVAL &&
	    got != EEXIST && got != ENOSPC) {
		fuzz_fail("procfs", index, "stats watch: %s", strerror(got));
		return;
	}
	if (got)
		fig.pf_refused++;
	else
		fig.pf_accepted++;
	if (!got)
		stats_model_apply(op, pid);
	if (privileged && !stats_model_matches(why, sizeof(why)))
		fuzz_fail("procfs", index, "after stats write \"%.*s\": %s",
			  (int)(len < 60 ? len : 60), buf, why);
}

static void procfs_request(unsigned long index)
{
	static char buf[8400];
	enum pfile k = pct(6) ? PF_STATS : (enum pfile)rn(PF_STATS);
	struct pf_state *st = &pfs[k];
	enum pid_class pc;
	struct sel s;
	bool valid;
	size_t len;
	ssize_t n;
	char why[300];
	int got;

	len = gen_procfs_text(k, buf, sizeof(buf) - 64);
	if (st->fd < 0 || pct(2)) {
		if (pf_open(k)) {
			fuzz_fail("procfs", index, "open %s: %s", pf_names[k],
				  strerror(errno));
			return;
		}
	}
	if (k == PF_STATS) {
		procfs_stats_request(index, buf, len);
		return;
	}
	valid = model_selection(k, buf, len, &s);
	n = write(st->fd, buf, len);
	got = n < 0 ? errno : 0;
	pc = pid_class(s.pid);
	if (n >= 0 && (size_t)n != len) {
		fuzz_fail("procfs", index, "write of %zu returned %zd", len, n);
		return;
	}
	if (!got && (!valid || !pid_inspectable(pc))) {
		fuzz_fail("procfs", index, "%s accepted \"%.*s\"%s", pf_names[k],
			  (int)(len < 60 ? len : 60), buf,
			  valid ? " for a process it may not inspect" : "");
		return;
	}
	if (got && valid &&
	    !(got == ESRCH && (pc == PC_GONE || pc == PC_UNKNOWN)) &&
	    !(got == EPERM && (pc == PC_INIT || pc == PC_UNKNOWN)) &&
	    !(got == EINVAL && (pc == PC_KTHREAD || pc == PC_UNKNOWN))) {
		fuzz_fail("procfs", index, "%s refused \"%.*s\" (pid class %d): %s",
			  pf_names[k], (int)(len < 60 ? len : 60), buf, pc,
			  strerror(got));
		return;
	}
	if (got && !valid && got != EINVAL) {
		fuzz_fail("procfs", index, "%s refused garbage with %s, want EINVAL",
			  pf_names[k], strerror(got));
		return;
	}
	if (got) {
		fig.pf_refused++;
		/* The previous report stays: whole, or consumed. */
		if (st->consumed && !pct(95))
			return;
	} else {
		fig.pf_accepted++;
		st->selected = true;
		st->consumed = false;
		st->sel = s;
	}
	n = read_report(st->fd);
	if (n < 0) {
		fuzz_fail("procfs", index, "reading %s: %s", pf_names[k],
			  strerror(-n));
		return;
	}
	if (st->consumed) {
		if (n) {
			fuzz_fail("procfs", index,
				  "%s: a refused write restarted the report (%zd bytes)",
				  pf_names[k], n);
		}
		return;
	}
	st->consumed = true;
	if (check_report(k, st, n, why, sizeof(why)))
		fuzz_fail("procfs", index, "after %s write \"%.*s\" (%s): %s",
			  pf_names[k], (int)(len < 40 ? len : 40), buf,
			  got ? strerror(got) : "accepted", why);
}

/*
 * A report whose target exits between two reads ends either complete or
 * with -ESRCH, never cut short with a clean end of file; and the file
 * stays usable.
 */
#define VICTIM_PAGES	2048

static void exit_during_read(unsigned long index)
{
	unsigned long big = 0, a, rows = 0;
	int fd = -1, ready[2];
	char sel[64], *line, *save = NULL;
	size_t len = 0;
	pid_t victim;
	ssize_t n;

	if (pipe(ready))
		return;
	victim = fork();
	if (victim < 0)
		return;
	if (!victim) {
		/* Present pages enough for a report of several buffers. */
		char *p = mmap(NULL, VICTIM_PAGES * 4096UL,
			       PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		for (n = 0; p != MAP_FAILED && n < VICTIM_PAGES; n++)
			p[n * 4096] = 1;
		if (write(ready[1], &p, sizeof(p)) != sizeof(p))
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	n = read(ready[0], &big, sizeof(big));
	close(ready[0]);
	fd = open("/proc/ptscope/pages", O_RDWR | O_CLOEXEC);
	snprintf(sel, sizeof(sel), "%d\n", victim);
	if (n != sizeof(big) || fd < 0 ||
	    write(fd, sel, strlen(sel)) != (ssize_t)strlen(sel) ||
	    (n = read(fd, report, 4096)) <= 0) {
		fuzz_fail("procfs", index, "pages of a live child %d: %s", victim,
			  strerror(errno));
		goto out;
	}
	len = n;
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);
	victim = 0;
	while ((n = read(fd, report + len, 4096)) > 0 &&
	       len + n + 8192 < report_cap)
		len += n;
	report[len] = '\0';
	if (n < 0 && errno != ESRCH) {
		fuzz_fail("procfs", index, "reading pages of an exited process: %s",
			  strerror(errno));
		goto out;
	}
	if (n < 0) {
		fig.pf_exit_esrch++;
	} else {
		for (line = strtok_r(report, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			if (sscanf(line, "%lx", &a) == 1 && line[0] != '#' &&
			    a >= big && a < big + VICTIM_PAGES * 4096UL &&
			    strstr(line, " present "))
				rows++;
		if (rows != VICTIM_PAGES) {
			fuzz_fail("procfs", index,
				  "pages of a process that exited mid-report: end of file after %lu of its %d pages, and no error",
				  rows, VICTIM_PAGES);
			goto out;
		}
	}
	/* The file still takes a new selection. */
	snprintf(sel, sizeof(sel), "%d %lx %lx", getpid(), region,
		 region + 4096);
	if (write(fd, sel, strlen(sel)) != (ssize_t)strlen(sel) ||
	    read(fd, report, 4096) <= 0)
		fuzz_fail("procfs", index, "pages after its target exited: %s",
			  strerror(errno));
out:
	if (victim > 0) {
		kill(victim, SIGKILL);
		waitpid(victim, NULL, 0);
	}
	if (fd >= 0)
		close(fd);
}

static void procfs_phase(void)
{
	unsigned long i, fails = fig.fails;
	struct timespec t0, t1;
	char why[300];
	unsigned int k;

	report = malloc(report_cap);
	if (!report)
		abort();
	for (k = 0; k < PF_CNT; k++) {
		pfs[k].fd = -1;
		if (pf_open(k)) {
			pt_fail("fuzz/procfs/%s: open /proc/ptscope/%s: %s", who,
				pf_names[k], strerror(errno));
			return;
		}
	}
	if (read_stats_state(&stats_model.enabled, stats_model.watch,
			     &stats_model.nr)) {
		pt_fail("fuzz/procfs/%s: cannot read %s", who, PT_STATS_FILE);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = first_index; i < first_index + pf_count; i++) {
		rng_at(2, i);
		procfs_request(i);
		fig.pf++;
		if (i % 1000 == 999)
			exit_during_read(i);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (k = 0; k < PF_CNT; k++)
		close(pfs[k].fd);
	if (!stats_model_matches(why, sizeof(why)))
		fuzz_fail("procfs", i, "at the end: %s", why);
	printf("fuzz: %lu procfs reports ended with ESRCH when their target exited\n",
	       fig.pf_exit_esrch);
	if (fig.fails == fails)
		pt_pass("fuzz/procfs/%s: %lu writes answered as the grammar says (%lu accepted, %lu refused) in %.1f s",
			who, fig.pf, fig.pf_accepted, fig.pf_refused,
			(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	else if (fig.fails > MAX_DETAILS)
		pt_fail("fuzz/%s: %lu failures in all, details of the first %d above",
			who, fig.fails, MAX_DETAILS);
}

/* ---- afterwards: still correct? ------------------------------------------- */

/* One clean request built by @cmd and @attrs; the replies into rbuf. */
struct vtop_answer {
	bool ok;
	uint8_t stop;
	uint64_t phys;
};

static int simple_request(uint8_t cmd, uint16_t flags, size_t attrs_len,
			  pt_nl_cb each, void *arg)
{
	int err;

	set_header(cmd, NLM_F_REQUEST | NLM_F_ACK | flags, attrs_len, 0);
	err = pt_nl_send_msg(&nl, (struct nlmsghdr *)req);
	return err ? err : pt_nl_recv(&nl, each, arg, NULL);
}

static int on_vtop(const struct nlmsghdr *nh, void *arg)
{
	struct vtop_answer *v = arg;

	pt_nl_for_each(a, pt_nl_msg_attrs(nh), pt_nl_msg_len(nh)) {
		if ((a->nla_type & NLA_TYPE_MASK) != PTSCOPE_A_VTOP)
			continue;
		pt_nl_for_each(b, pt_nl_data(a), pt_nl_len(a)) {
			if ((b->nla_type & NLA_TYPE_MASK) == PTSCOPE_VTOP_STOP)
				v->stop = pt_nl_u8(b);
			if ((b->nla_type & NLA_TYPE_MASK) == PTSCOPE_VTOP_PHYS)
				v->phys = pt_nl_u64(b);
		}
		v->ok = true;
	}
	return 0;
}

struct ranges_answer {
	uint64_t pfn[REGION_PAGES];
	bool present[REGION_PAGES];
	unsigned int rows;
};

static int on_range(const struct nlmsghdr *nh, void *arg)
{
	struct ranges_answer *r = arg;

	pt_nl_for_each(a, pt_nl_msg_attrs(nh), pt_nl_msg_len(nh)) {
		uint64_t start = 0, pfn = 0;
		uint8_t state = 0;

		if ((a->nla_type & NLA_TYPE_MASK) != PTSCOPE_A_RANGE)
			continue;
		pt_nl_for_each(b, pt_nl_data(a), pt_nl_len(a)) {
			if ((b->nla_type & NLA_TYPE_MASK) == PTSCOPE_RANGE_START)
				start = pt_nl_u64(b);
			if ((b->nla_type & NLA_TYPE_MASK) == PTSCOPE_RANGE_PFN)
				pfn = pt_nl_u64(b);
			if ((b->nla_type & NLA_TYPE_MASK) == PTSCOPE_RANGE_STATE)
				state = pt_nl_u8(b);
		}
		r->rows++;
		if (start >= region && start < region + REGION_PAGES * 4096UL) {
			unsigned int i = (start - region) / 4096;

			r->present[i] = state == PTSCOPE_STATE_PRESENT;
			r->pfn[i] = pfn;
		}
	}
	return 0;
}

static int on_info(const struct nlmsghdr *nh, void *arg)
{
	uint64_t *ts = arg;

	pt_nl_for_each(a, pt_nl_msg_attrs(nh), pt_nl_msg_len(nh)) {
		if ((a->nla_type & NLA_TYPE_MASK) != PTSCOPE_A_INFO)
			continue;
		pt_nl_for_each(b, pt_nl_data(a), pt_nl_len(a))
			if ((b->nla_type & NLA_TYPE_MASK) == PTSCOPE_INFO_TASK_SIZE)
				*ts = pt_nl_u64(b);
	}
	return 0;
}

static int get_task_size(uint64_t *ts)
{
	*ts = 0;
	return simple_request(PTSCOPE_CMD_GET_INFO, 0, 0, on_info, ts);
}

/* The touched pages of region, per the kernel's pagemap. */
static void afterwards(void)
{
	uint64_t pm[REGION_PAGES], ts = 0;
	struct ranges_answer ra;
	struct pt_row *rows = NULL;
	bool pfns = false, ok;
	unsigned int i;
	size_t off;
	int err, nrows;

	err = open_socket();
	if (!err)
		err = get_task_size(&ts);
	if (err || ts != task_size) {
		pt_fail("fuzz/after/%s: info: %s, task size %#" PRIx64,
			who, strerror(-err), ts);
		return;
	}
	pt_pass("fuzz/after/%s: info answers, task size %#" PRIx64, who, ts);

	/* Fresh frames: drop the old ones, touch pages 0, 3, 4 and 9. */
	madvise((void *)region, REGION_PAGES * 4096UL, MADV_DONTNEED);
	for (i = 0; i < REGION_PAGES; i++)
		if (i == 0 || i == 3 || i == 4 || i == 9)
			((volatile char *)region)[i * 4096UL] = (char)i;
	if (pt_pagemap_read(getpid(), region, REGION_PAGES, pm)) {
		pt_fail("fuzz/after/%s: pagemap: %s", who, strerror(errno));
		return;
	}
	for (i = 0; i < REGION_PAGES; i++)
		pfns |= (pm[i] & PM_PFN_MASK) != 0;

	/* netlink vtop, page by page. */
	ok = true;
	for (i = 0; i < REGION_PAGES && ok; i++) {
		struct vtop_answer v = { 0 };
		bool present = pm[i] & PM_PRESENT;

		off = put_u32(0, PTSCOPE_A_PID, getpid());
		off = put_u64(off, PTSCOPE_A_ADDR, region + i * 4096UL + 0x123);
		err = simple_request(PTSCOPE_CMD_VTOP, 0, off, on_vtop, &v);
		if (err || !v.ok ||
		    (v.stop == PTSCOPE_VTOP_STOP_LEAF) != present ||
		    (present && pfns &&
		     v.phys != ((pm[i] & PM_PFN_MASK) << 12) + 0x123)) {
			pt_fail("fuzz/after/%s: vtop of page %u: %s, stop %u phys %#" PRIx64 ", pagemap %#" PRIx64,
				who, i, strerror(-err), v.stop, v.phys, pm[i]);
			ok = false;
		}
	}
	if (ok)
		pt_pass("fuzz/after/%s: netlink vtop agrees with pagemap on %d pages%s",
			who, REGION_PAGES, pfns ? ", frames included" : "");

	/* A per-page ranges dump. */
	memset(&ra, 0, sizeof(ra));
	off = put_u32(0, PTSCOPE_A_PID, getpid());
	off = put_u64(off, PTSCOPE_A_START, region);
	off = put_u64(off, PTSCOPE_A_END, region + REGION_PAGES * 4096UL);
	off = put_u32(off, PTSCOPE_A_FLAGS, PTSCOPE_RF(PER_PAGE));
	err = simple_request(PTSCOPE_CMD_GET_RANGES, NLM_F_DUMP, off, on_range, &ra);
	ok = !err;
	for (i = 0; i < REGION_PAGES && ok; i++) {
		bool present = pm[i] & PM_PRESENT;

		if (ra.present[i] != present ||
		    (present && pfns && ra.pfn[i] != (pm[i] & PM_PFN_MASK)))
			ok = false;
	}
	if (ok)
		pt_pass("fuzz/after/%s: per-page ranges dump agrees with pagemap (%u rows)",
			who, ra.rows);
	else
		pt_fail("fuzz/after/%s: ranges dump: %s, page %u: present %d pfn %#" PRIx64 ", pagemap %#" PRIx64,
			who, strerror(-err), i ? i - 1 : 0,
			ra.present[i ? i - 1 : 0], ra.pfn[i ? i - 1 : 0],
			pm[i ? i - 1 : 0]);

	/* procfs pages and vtop. */
	nrows = pt_read_pages(getpid(), region, region + REGION_PAGES * 4096UL,
			      &rows);
	ok = nrows >= 0;
	for (i = 0; i < REGION_PAGES && ok; i++) {
		const struct pt_row *r = pt_find_row(rows, nrows,
						     region + i * 4096UL);
		bool present = pm[i] & PM_PRESENT;

		if ((r && r->state == PT_PRESENT) != present ||
		    (present && pfns && r->pfn != (pm[i] & PM_PFN_MASK)))
			ok = false;
	}
	free(rows);
	for (i = 0; i < REGION_PAGES && ok; i++) {
		char sel[64], *text, want[64];
		bool present = pm[i] & PM_PRESENT;

		snprintf(sel, sizeof(sel), "%d %lx", getpid(), region + i * 4096UL);
		text = pt_proc_query("vtop", sel);
		if (!text) {
			ok = false;
			break;
		}
		snprintf(want, sizeof(want), ", physical address %" PRIx64 "\n",
			 (pm[i] & PM_PFN_MASK) << 12);
		if (!!strstr(text, "stop: leaf at pte") != present ||
		    (present && pfns && !strstr(text, want)))
			ok = false;
		free(text);
	}
	if (ok)
		pt_pass("fuzz/after/%s: procfs pages and vtop agree with pagemap", who);
	else
		pt_fail("fuzz/after/%s: procfs pages/vtop disagree with pagemap at page %u",
			who, i ? i - 1 : 0);
}

/* Statistics put back as found, in both views. */
struct stats_answer {
	bool ok;
	int enabled;
	unsigned int nwatch;
};

static int on_stats(const struct nlmsghdr *nh, void *arg)
{
	struct stats_answer *s = arg;

	pt_nl_for_each(a, pt_nl_msg_attrs(nh), pt_nl_msg_len(nh)) {
		if ((a->nla_type & NLA_TYPE_MASK) != PTSCOPE_A_STATS)
			continue;
		s->ok = true;
		pt_nl_for_each(b, pt_nl_data(a), pt_nl_len(a)) {
			if ((b->nla_type & NLA_TYPE_MASK) == PTSCOPE_STATS_ENABLED)
				s->enabled = pt_nl_u8(b);
			if ((b->nla_type & NLA_TYPE_MASK) == PTSCOPE_STATS_WATCH_PID)
				s->nwatch++;
		}
	}
	return 0;
}

static bool init_enabled;
static pid_t init_watch[PTSCOPE_STATS_WATCH_MAX];
static unsigned int init_nwatch;

static void restore_stats(void)
{
	pid_t watch[PTSCOPE_STATS_WATCH_MAX];
	struct stats_answer sa = { 0 };
	unsigned int nr, i, j;
	char cmd[64];
	bool en;
	int err;

	if (read_stats_state(&en, watch, &nr)) {
		pt_fail("fuzz/after/%s: cannot read %s", who, PT_STATS_FILE);
		return;
	}
	for (i = 0; i < nr && privileged; i++) {
		for (j = 0; j < init_nwatch; j++)
			if (init_watch[j] == watch[i])
				break;
		if (j < init_nwatch)
			continue;
		snprintf(cmd, sizeof(cmd), "unwatch %d", watch[i]);
		pt_stats_cmd(cmd);
	}
	if (privileged && en != init_enabled)
		pt_stats_cmd(init_enabled ? "on" : "off");

	err = simple_request(PTSCOPE_CMD_GET_STATS, 0, 0, on_stats, &sa);
	if (read_stats_state(&en, watch, &nr) || err || !sa.ok ||
	    en != init_enabled || nr != init_nwatch ||
	    sa.enabled != init_enabled || sa.nwatch != init_nwatch)
		pt_fail("fuzz/after/%s: statistics not back as found: enabled %d/%d with %u/%u watched, want %d with %u (%s)",
			who, en, sa.enabled, nr, sa.nwatch, init_enabled,
			init_nwatch, strerror(-err));
	else
		pt_pass("fuzz/after/%s: statistics %s with %u watched, as found",
			who, en ? "on" : "off", nr);
}

/* ---- main ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ptscope-fuzz [--seed S] [--count N] [--procfs-count M]\n"
		"                    [--from I] [--netlink-only|--procfs-only] [-v]\n"
		"  --seed S        PRNG seed (default 0x%" PRIx64 ")\n"
		"  --count N       netlink requests (default 100000); procfs writes\n"
		"                  default to N/5 unless --procfs-count is given\n"
		"  --from I        first request index (replay: --from I --count 1)\n",
		(uint64_t)DEFAULT_SEED);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "procfs-count", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'f' },
		{ "netlink-only", no_argument, NULL, 'n' },
		{ "procfs-only", no_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool pf_given = false;
	struct timespec t0, t1;
	int c, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'c': nl_count = strtoul(optarg, NULL, 0); break;
		case 'p': pf_count = strtoul(optarg, NULL, 0); pf_given = true; break;
		case 'f': first_index = strtoul(optarg, NULL, 0); break;
		case 'n': do_procfs = false; break;
		case 'P': do_netlink = false; break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || (!do_netlink && !do_procfs)) {
		usage(stderr);
		return 2;
	}
	if (!pf_given)
		pf_count = nl_count / 5 ? nl_count / 5 : 1;
	if (!do_netlink && !pf_given)
		pf_count = nl_count;
	privileged = geteuid() == 0;
	who = privileged ? "root" : "user";
	seq_base = (uint32_t)(seed >> 32) ^ 0x1000;
	printf("fuzz: seed 0x%" PRIx64 " as uid %d\n", seed, (int)geteuid());
	clock_gettime(CLOCK_MONOTONIC, &t0);

	region = (unsigned long)mmap(NULL, REGION_PAGES * 4096UL,
				     PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	err = open_socket();
	if ((void *)region == MAP_FAILED || err || get_task_size(&task_size) ||
	    !task_size) {
		pt_fail("fuzz/%s: setup: cannot reach the ptscope family: %s", who,
			strerror(-err));
		return pt_summary();
	}
	/* Half the region touched, so walks find leaves. */
	for (c = 0; c < REGION_PAGES; c += 2)
		((volatile char *)region)[c * 4096UL] = 1;
	err = start_processes();
	if (err) {
		pt_fail("fuzz/%s: cannot start the target processes: %s", who,
			strerror(-err));
		stop_processes();
		return pt_summary();
	}
	if (read_stats_state(&init_enabled, init_watch, &init_nwatch)) {
		pt_fail("fuzz/%s: cannot read %s", who, PT_STATS_FILE);
		stop_processes();
		return pt_summary();
	}

	if (do_netlink)
		netlink_phase();
	if (do_procfs)
		procfs_phase();
	afterwards();
	restore_stats();
	stop_processes();

	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("fuzz: seed 0x%" PRIx64 ", %lu netlink requests (%lu errors, %lu valid replies, %lu dropped unanswered), %lu procfs writes (%lu accepted, %lu refused), %lu hangs, %.1f s\n",
	       seed, fig.nl, fig.nl_errors, fig.nl_valid, fig.nl_silent, fig.pf,
	       fig.pf_accepted, fig.pf_refused, fig.nl_hangs,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return pt_summary();
}
