// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope-bench: ptscope against the kernel's own interfaces, pagemap and
 * smaps_rollup, measured side by side in one guest run (issue 7).
 *
 * Every request is timed inside this one program: under TCG, starting a
 * process costs 10-16 ms, more than some of the walks measured here, so
 * whole-process timings would hide the walker.  Netlink is spoken on a
 * raw socket (nothing in between), pagemap is read in 64K-entry preads,
 * and smaps_rollup is opened, read and closed per repetition, as a
 * monitoring tool would.  Each figure is the median of REPS repetitions
 * with min and max; the methods compared are interleaved within each
 * repetition, so a ratio is never taken across runs.
 *
 * Targets are forked children that touch their memory as 4 KiB pages
 * (MADV_NOHUGEPAGE), report ready on a pipe, and then wait for orders.
 *
 * Output: a table for people on stdout, then the same figures as JSON
 * between "BENCH-JSON-BEGIN" and "BENCH-JSON-END" lines (tests/bench/
 * bench.sh stores it as build/bench.json).
 *
 * Usage: ptscope-bench [--quick | --no-gentle | --gentle | --gentle-info]
 *
 *   (none)         B1 to B5, all goals judged
 *   --quick        B1, B2 and B3 only, to try a walker change in a minute
 *   --no-gentle    everything but B5
 *   --gentle       B5 only, goals judged (ids "B5").  B5 is about two CPUs
 *                  contending for the target's mmap lock, so it is meant
 *                  for vCPUs that really run at the same time, and its
 *                  header says multi-threaded TCG (PTSCOPE_TCG_THREAD=multi
 *                  scripts/vm ...); the program cannot tell, it takes the
 *                  option's word
 *   --gentle-info  B5 only, as information for comparison, no goals (ids
 *                  "B5rr"): meant for single-threaded TCG, where the vCPUs
 *                  take turns and even the CPU-spinner control moves p99
 *
 * The B6 note (stats-overhead.sh) is printed by runs that are not B5 only.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "uapi/ptscope.h"

#define REPS		7
#define PAGE		4096UL
#define MIB		(1UL << 20)
#define GIB		(1UL << 30)
#define TIB		(1ULL << 40)
#define PM_CHUNK	65536		/* pagemap entries per pread */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "ptscope-bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- results: a table row and a JSON object per figure ---------------- */

struct series {
	double v[REPS];
	int n;
};

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(struct series *s, double *min, double *max)
{
	double t[REPS];

	memcpy(t, s->v, sizeof(double) * s->n);
	qsort(t, s->n, sizeof(double), cmp_d);
	*min = t[0];
	*max = t[s->n - 1];
	return s->n % 2 ? t[s->n / 2] : (t[s->n / 2 - 1] + t[s->n / 2]) / 2;
}

static char json[65536];
static size_t json_len;
static int n_pass, n_miss;

static void json_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void json_add(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	json_len += vsnprintf(json + json_len, sizeof(json) - json_len, fmt, ap);
	va_end(ap);
}

/* A timed figure: median, min, max in milliseconds. */
static void report_time(const char *id, const char *what, struct series *s)
{
	double mn, mx, md = median(s, &mn, &mx);

	printf("  %-6s %-44s %10.3f ms  [%.3f .. %.3f]\n", id, what, md, mn, mx);
	json_add("%s{\"id\":\"%s\",\"what\":\"%s\",\"unit\":\"ms\",\"median\":%.4f,\"min\":%.4f,\"max\":%.4f,\"reps\":%d}",
		 json_len > 1 ? "," : "", id, what, md, mn, mx, s->n);
}

/* A derived figure with a goal. cmp: ">=" or "<=". */
static void report_goal(const char *id, const char *what, double v,
			const char *unit, const char *cmp, double goal)
{
	bool ok = cmp[0] == '>' ? v >= goal : v <= goal;

	ok ? n_pass++ : n_miss++;
	printf("  %-6s %-44s %10.2f %-3s goal %s %-8g %s\n", id, what, v, unit,
	       cmp, goal, ok ? "PASS" : "MISS");
	json_add("%s{\"id\":\"%s\",\"what\":\"%s\",\"unit\":\"%s\",\"value\":%.4f,\"goal\":\"%s %g\",\"pass\":%s}",
		 json_len > 1 ? "," : "", id, what, unit, v, cmp, goal,
		 ok ? "true" : "false");
}

/* A figure without a goal (work counts, sizes). */
static void report_info(const char *id, const char *what, double v,
			const char *unit)
{
	printf("  %-6s %-44s %10.6g %s\n", id, what, v, unit);
	json_add("%s{\"id\":\"%s\",\"what\":\"%s\",\"unit\":\"%s\",\"value\":%.6g}",
		 json_len > 1 ? "," : "", id, what, unit, v);
}

static void report_na(const char *id, const char *what, const char *why)
{
	printf("  %-6s %-44s not available: %s\n", id, what, why);
	json_add("%s{\"id\":\"%s\",\"what\":\"%s\",\"available\":false,\"why\":\"%s\"}",
		 json_len > 1 ? "," : "", id, what, why);
}

/* ---- targets ------------------------------------------------------------ */

/* T_DOWNWARD: as T_DENSE, touched from the top down (see bench_export()). */
enum target_kind { T_DENSE, T_DOWNWARD, T_SPARSE, T_COMPACT };

struct target {
	pid_t pid;
	int cmd;		/* write end: orders */
	int ack;		/* read end: replies */
};

/* Samples of the target's mmap+munmap loop, shared with the parent. */
#define MAX_LAT	200000
static uint32_t *lat_ns;	/* MAP_SHARED: [0] count, then samples */

#define SPARSE_SPAN	(64 * TIB)
#define SPARSE_PAGES	100

static void touch_dense(size_t bytes, bool downward)
{
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t off;

	if (p == MAP_FAILED)
		die("target: mmap %zu MiB: %s", bytes / MIB, strerror(errno));
	madvise(p, bytes, MADV_NOHUGEPAGE);
	for (off = 0; off < bytes; off += PAGE)
		p[downward ? bytes - PAGE - off : off] = 1;
}

/*
 * A PROT_NONE reservation with SPARSE_PAGES pages made writable and
 * touched, spread evenly over @span.  The compact twin uses the same
 * pattern over 2 * SPARSE_PAGES pages, so both have the same VMAs and
 * pages and differ only in address-space size.
 */
static void touch_spread(unsigned long long span)
{
	unsigned long long stride = span / SPARSE_PAGES / PAGE * PAGE;
	char *p = mmap(NULL, span, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	int i;

	if (p == MAP_FAILED)
		die("target: reserve %llu GiB: %s", span / GIB, strerror(errno));
	for (i = 0; i < SPARSE_PAGES; i++) {
		char *q = p + i * stride + stride / 2 / PAGE * PAGE;

		if (mprotect(q, PAGE, PROT_READ | PROT_WRITE))
			die("target: mprotect: %s", strerror(errno));
		*q = 1;
	}
}

static void latency_loop(double seconds)
{
	uint64_t end = now_ns() + (uint64_t)(seconds * 1e9);
	uint32_t n = 0;

	while (n < MAX_LAT) {
		uint64_t t0 = now_ns(), t1;
		char *p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("target: loop mmap: %s", strerror(errno));
		p[0] = 1;
		munmap(p, 16 * PAGE);
		t1 = now_ns();
		lat_ns[1 + n++] = (uint32_t)(t1 - t0);
		if (t1 >= end)
			break;
	}
	lat_ns[0] = n;
}

static void target_main(int cmd, int ack, enum target_kind kind, size_t bytes)
{
	char c = 'R';

	if (kind == T_DENSE || kind == T_DOWNWARD)
		touch_dense(bytes, kind == T_DOWNWARD);
	else
		touch_spread(kind == T_SPARSE ? SPARSE_SPAN :
			     2ULL * SPARSE_PAGES * PAGE);
	if (write(ack, &c, 1) != 1)
		_exit(1);
	while (read(cmd, &c, 1) == 1) {
		if (c == 'L')
			latency_loop(3.0);
		else
			break;
		if (write(ack, &c, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static struct target target_start(enum target_kind kind, size_t bytes)
{
	int to[2], from[2];
	struct target t;
	char c;

	if (pipe(to) || pipe(from))
		die("pipe: %s", strerror(errno));
	t.pid = fork();
	if (t.pid < 0)
		die("fork: %s", strerror(errno));
	if (t.pid == 0) {
		close(to[1]);
		close(from[0]);
		target_main(to[0], from[1], kind, bytes);
	}
	close(to[0]);
	close(from[1]);
	t.cmd = to[1];
	t.ack = from[0];
	if (read(t.ack, &c, 1) != 1)
		die("target %d died while touching its memory", t.pid);
	return t;
}

static void target_order(struct target *t, char c)
{
	if (write(t->cmd, &c, 1) != 1 || read(t->ack, &c, 1) != 1)
		die("target %d stopped answering", t->pid);
}

static void target_stop(struct target *t)
{
	close(t->cmd);
	close(t->ack);
	kill(t->pid, SIGKILL);
	waitpid(t->pid, NULL, 0);
}

/* ---- netlink, raw ------------------------------------------------------- */

static int nl_sock = -1;
static uint16_t nl_family;
static uint32_t nl_seq;

/* Work counters of the last request. */
struct nl_work {
	uint64_t msgs, bytes, ranges, pages, records;
	uint64_t tables_pte, tables_pmd, tables_pud, ptes, rss;
};

/* One parsed range: what a consumer of the dump keeps of each row. */
struct range {
	uint64_t start, end, flags, pfn, raw, count;
	uint8_t level, state;
};

static char rxbuf[1 << 16] __attribute__((aligned(8)));

static void nl_send(uint16_t type, uint8_t cmd, uint16_t flags,
		    const void *attrs, size_t len)
{
	struct {
		struct nlmsghdr nh;
		struct genlmsghdr gh;
		char a[64];
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	memset(&req, 0, sizeof(req));
	memcpy(req.a, attrs, len);
	req.nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + len;
	req.nh.nlmsg_type = type;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	req.nh.nlmsg_seq = ++nl_seq;
	req.gh.cmd = cmd;
	req.gh.version = PTSCOPE_GENL_VERSION;
	if (sendto(nl_sock, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		die("netlink send: %s", strerror(errno));
}

static size_t put_attr(char *buf, size_t off, uint16_t type, const void *d,
		       size_t len)
{
	struct nlattr *a = (struct nlattr *)(buf + off);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, d, len);
	return off + NLA_ALIGN(a->nla_len);
}

#define for_each_attr(a, start, len)					\
	for (a = (const struct nlattr *)(start);			\
	     (const char *)(a) + NLA_HDRLEN <= (const char *)(start) + (len) && \
	     a->nla_len >= NLA_HDRLEN &&				\
	     (const char *)(a) + a->nla_len <= (const char *)(start) + (len); \
	     a = (const struct nlattr *)((const char *)(a) + NLA_ALIGN(a->nla_len)))

static uint64_t attr_uint(const struct nlattr *a)
{
	const void *d = (const char *)a + NLA_HDRLEN;
	uint64_t v = 0;

	switch (a->nla_len - NLA_HDRLEN) {
	case 1: v = *(const uint8_t *)d; break;
	case 2: v = *(const uint16_t *)d; break;
	case 4: v = *(const uint32_t *)d; break;
	case 8: memcpy(&v, d, 8); break;
	}
	return v;
}

static const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static size_t attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static void parse_stats(const struct nlattr *nest, struct nl_work *w)
{
	const struct nlattr *a;

	for_each_attr(a, attr_data(nest), attr_len(nest)) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case PTSCOPE_STAT_LEAVES_PTE: w->ptes = attr_uint(a); break;
		case PTSCOPE_STAT_RSS: w->rss = attr_uint(a); break;
		}
	}
}

static void parse_summary(const struct nlattr *nest, struct nl_work *w)
{
	const struct nlattr *a;

	for_each_attr(a, attr_data(nest), attr_len(nest)) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case PTSCOPE_SUM_TABLES_PTE: w->tables_pte = attr_uint(a); break;
		case PTSCOPE_SUM_TABLES_PMD: w->tables_pmd = attr_uint(a); break;
		case PTSCOPE_SUM_TABLES_PUD: w->tables_pud = attr_uint(a); break;
		case PTSCOPE_SUM_STATS: parse_stats(a, w); break;
		}
	}
}

/* A range nest into @r; the consumer folds it into @w. */
static void parse_range(const struct nlattr *nest, struct nl_work *w)
{
	const struct nlattr *a;
	struct range r = { 0 };

	for_each_attr(a, attr_data(nest), attr_len(nest)) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case PTSCOPE_RANGE_START: r.start = attr_uint(a); break;
		case PTSCOPE_RANGE_END: r.end = attr_uint(a); break;
		case PTSCOPE_RANGE_LEVEL: r.level = attr_uint(a); break;
		case PTSCOPE_RANGE_STATE: r.state = attr_uint(a); break;
		case PTSCOPE_RANGE_FLAGS: r.flags = attr_uint(a); break;
		case PTSCOPE_RANGE_PFN: r.pfn = attr_uint(a); break;
		case PTSCOPE_RANGE_RAW: r.raw = attr_uint(a); break;
		case PTSCOPE_RANGE_COUNT: r.count = attr_uint(a); break;
		}
	}
	w->ranges++;
	if (r.state == PTSCOPE_STATE_PRESENT)
		w->pages += (r.end - r.start) / PAGE;
}

/*
 * A PTSCOPE_A_PAGES array as the tool reads it: each record expanded
 * into the per-page rows it stands for (struct ptscope_page), each row
 * folded as parse_range() folds a nest.
 */
static void parse_pages(const struct nlattr *a, struct nl_work *w)
{
	const char *d = attr_data(a);
	size_t len = attr_len(a), off;

	for (off = 0; off + sizeof(struct ptscope_page) <= len;
	     off += sizeof(struct ptscope_page)) {
		struct ptscope_page p;
		struct range r = { 0 };
		uint64_t i, rows = 1, size, step;

		memcpy(&p, d + off, sizeof(p));
		w->records++;
		r.start = p.start_info & PTSCOPE_PAGE_ADDR_MASK;
		r.state = p.start_info & PTSCOPE_PAGE_STATE_MASK;
		r.level = (p.start_info & PTSCOPE_PAGE_LEVEL_MASK) >>
			  PTSCOPE_PAGE_LEVEL_SHIFT;
		r.flags = p.flags;
		r.pfn = p.pfn;
		r.raw = p.raw;
		r.count = 1;
		size = (uint64_t)p.pages * PAGE;
		step = p.pfn ? 1 : 0;
		if (r.level == PTSCOPE_LEVEL_PTE && r.state != PTSCOPE_STATE_NONE) {
			rows = p.pages;
			size = PAGE;
		}
		for (i = 0; i < rows; i++) {
			r.end = r.start + size;
			w->ranges++;
			if (r.state == PTSCOPE_STATE_PRESENT)
				w->pages += size / PAGE;
			r.start = r.end;
			r.pfn += step;
			r.raw += step * PAGE;
		}
	}
}

/* Reads replies to the last request until its ack, error or DONE. */
static void nl_recv_all(struct nl_work *w)
{
	for (;;) {
		ssize_t n = recv(nl_sock, rxbuf, sizeof(rxbuf), 0);
		struct nlmsghdr *nh;

		if (n < 0)
			die("netlink recv: %s", strerror(errno));
		w->bytes += n;
		for (nh = (struct nlmsghdr *)rxbuf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			const struct nlattr *a;
			size_t off = NLMSG_HDRLEN + GENL_HDRLEN;

			if (nh->nlmsg_seq != nl_seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				if (e->error)
					die("netlink request refused: %s",
					    strerror(-e->error));
				return;
			}
			if (nh->nlmsg_type == NLMSG_DONE) {
				int err;

				memcpy(&err, NLMSG_DATA(nh), sizeof(err));
				if (err)
					die("netlink dump failed: %s",
					    strerror(-err));
				return;
			}
			w->msgs++;
			if (nh->nlmsg_type == GENL_ID_CTRL) {
				for_each_attr(a, (char *)nh + off,
					      nh->nlmsg_len - off)
					if (a->nla_type == CTRL_ATTR_FAMILY_ID)
						nl_family = attr_uint(a);
				continue;
			}
			for_each_attr(a, (char *)nh + off, nh->nlmsg_len - off) {
				switch (a->nla_type & NLA_TYPE_MASK) {
				case PTSCOPE_A_SUMMARY: parse_summary(a, w); break;
				case PTSCOPE_A_RANGE: parse_range(a, w); break;
				case PTSCOPE_A_PAGES: parse_pages(a, w); break;
				}
			}
		}
	}
}

static void nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nl_work w = { 0 };
	char attrs[32];
	size_t len;
	int one = 1;

	nl_sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl_sock < 0 || bind(nl_sock, (struct sockaddr *)&sa, sizeof(sa)))
		die("netlink socket: %s", strerror(errno));
	setsockopt(nl_sock, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	len = put_attr(attrs, 0, CTRL_ATTR_FAMILY_NAME, PTSCOPE_GENL_NAME,
		       sizeof(PTSCOPE_GENL_NAME));
	nl_send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, attrs, len);
	nl_recv_all(&w);
	if (!nl_family)
		die("no \"ptscope\" netlink family: is ptscope.ko loaded?");
}

/*
 * GET_SUMMARY over the whole process: one dump, one walk, in bounded
 * steps (a message each, empty but the last).
 */
static void nl_summary(pid_t pid, struct nl_work *w)
{
	char attrs[16];
	uint32_t p = pid;
	size_t len = put_attr(attrs, 0, PTSCOPE_A_PID, &p, sizeof(p));

	memset(w, 0, sizeof(*w));
	nl_send(nl_family, PTSCOPE_CMD_GET_SUMMARY, NLM_F_DUMP, attrs, len);
	nl_recv_all(w);
}

/* GET_RANGES dump, every range parsed and folded, nothing stored. */
static void nl_ranges(pid_t pid, uint32_t flags, struct nl_work *w)
{
	char attrs[32];
	uint32_t p = pid;
	size_t len = put_attr(attrs, 0, PTSCOPE_A_PID, &p, sizeof(p));

	if (flags)
		len = put_attr(attrs, len, PTSCOPE_A_FLAGS, &flags,
			       sizeof(flags));
	memset(w, 0, sizeof(*w));
	nl_send(nl_family, PTSCOPE_CMD_GET_RANGES, NLM_F_DUMP, attrs, len);
	nl_recv_all(w);
}

/* ---- the kernel's interfaces -------------------------------------------- */

static uint64_t *pm_buf;

/* Every VMA's pagemap entries, 64K entries per pread; present count. */
static uint64_t read_pagemap(pid_t pid, uint64_t *bytes_out)
{
	char path[64], line[512];
	uint64_t present = 0, bytes = 0;
	FILE *maps;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "r");
	if (fd < 0 || !maps)
		die("open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), maps)) {
		unsigned long start, end, va;

		if (sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		for (va = start; va < end; va += PM_CHUNK * PAGE) {
			size_t n = (end - va) / PAGE, i;
			ssize_t got;

			if (n > PM_CHUNK)
				n = PM_CHUNK;
			got = pread(fd, pm_buf, n * 8, va / PAGE * 8);
			if (got < 0)
				break;	/* [vsyscall] and the like */
			bytes += got;
			for (i = 0; i < (size_t)got / 8; i++)
				present += pm_buf[i] >> 63;
		}
	}
	fclose(maps);
	close(fd);
	if (bytes_out)
		*bytes_out = bytes;
	return present;
}

/* smaps_rollup as a monitor reads it: open, read all, close; Rss in KiB. */
static uint64_t read_smaps_rollup(pid_t pid)
{
	static char buf[8192];
	char path[64], *p;
	uint64_t rss = 0;
	ssize_t n, len = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	p = strstr(buf, "\nRss:");
	if (p)
		rss = strtoull(p + 5, NULL, 10);
	return rss;
}

#define TIME_MS(s, expr) do {						\
		uint64_t _t0 = now_ns();				\
		expr;							\
		(s)->v[(s)->n++] = (now_ns() - _t0) / 1e6;		\
	} while (0)

static double med(struct series *s)
{
	double mn, mx;

	return median(s, &mn, &mx);
}

/* ---- B1 dense, B2 full export ------------------------------------------ */

static void check_pages(const char *what, uint64_t got, uint64_t want)
{
	if (got < want)
		die("%s saw %" PRIu64 " present pages, expected at least %" PRIu64,
		    what, got, want);
}

static void bench_dense(struct target *t, size_t bytes)
{
	struct series sum = { 0 }, pm = { 0 }, sr = { 0 };
	uint64_t want = bytes / PAGE, pm_bytes = 0, rss = 0;
	struct nl_work w;
	int i;

	printf("B1 dense: %zu MiB touched as 4 KiB pages (%" PRIu64 " PTEs), THP off\n",
	       bytes / MIB, want);
	for (i = 0; i < REPS; i++) {
		TIME_MS(&sum, nl_summary(t->pid, &w));
		check_pages("summary", w.ptes, want);
		TIME_MS(&pm, rss = read_pagemap(t->pid, &pm_bytes));
		check_pages("pagemap", rss, want);
		TIME_MS(&sr, rss = read_smaps_rollup(t->pid));
		check_pages("smaps_rollup", rss / 4, want);
	}
	report_time("B1a", "ptscope summary (netlink doit)", &sum);
	report_time("B1b", "pagemap, all VMAs, 64K-entry preads", &pm);
	report_time("B1c", "smaps_rollup open+read+close", &sr);
	report_info("B1", "work: PTE tables walked", w.tables_pte, "tables");
	report_info("B1", "work: pagemap bytes read", pm_bytes, "bytes");
	report_goal("B1", "pagemap / ptscope summary", med(&pm) / med(&sum),
		    "x", ">=", 10);
	report_goal("B1", "smaps_rollup / ptscope summary", med(&sr) / med(&sum),
		    "x", ">=", 3);
}

/* The tool's peak RSS for a per-page walk, its output thrown away. */
static long tool_peak_rss_kib(pid_t pid, double *ms)
{
	char pidstr[16];
	struct rusage ru;
	uint64_t t0 = now_ns();
	pid_t c;
	int st;

	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	c = fork();
	if (c == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execlp("ptscope", "ptscope", "--json", "walk", "--pages",
		       pidstr, (char *)NULL);
		_exit(127);
	}
	if (c < 0 || wait4(c, &st, 0, &ru) != c || !WIFEXITED(st) ||
	    WEXITSTATUS(st))
		return -1;
	*ms = (now_ns() - t0) / 1e6;
	return ru.ru_maxrss;
}

/* The streaming parser's peak RSS: a fresh child does one per-page dump. */
static long parser_peak_rss_kib(pid_t pid)
{
	struct rusage ru;
	pid_t c;
	int st;

	c = fork();
	if (c == 0) {
		struct nl_work w;

		nl_ranges(pid, PTSCOPE_RF(PER_PAGE) | PTSCOPE_RF(PACKED), &w);
		_exit(0);
	}
	if (c < 0 || wait4(c, &st, 0, &ru) != c || !WIFEXITED(st) ||
	    WEXITSTATUS(st))
		return -1;
	return ru.ru_maxrss;
}

/*
 * The packed records' worst case: a process touched from the top down
 * gets its frames in the opposite order to its addresses, so no two
 * neighbouring pages are in consecutive frames and every page is a
 * record of its own (without CAP_SYS_ADMIN frames are hidden, and runs
 * of alike pages are one record whatever their frames).
 */
static void bench_export_worst(size_t bytes)
{
	struct target t = target_start(T_DOWNWARD, bytes);
	struct series pp = { 0 }, pm = { 0 };
	uint64_t want = bytes / PAGE;
	struct nl_work wp;
	int i;

	printf("B2 worst case for packed records: %zu MiB touched from the top down\n",
	       bytes / MIB);
	for (i = 0; i < REPS; i++) {
		TIME_MS(&pp, nl_ranges(t.pid, PTSCOPE_RF(PER_PAGE) |
				       PTSCOPE_RF(PACKED), &wp));
		check_pages("per-page dump, top down", wp.pages, want);
		TIME_MS(&pm, read_pagemap(t.pid, NULL));
	}
	target_stop(&t);
	report_time("B2d", "per-page dump, packed, top-down target, parsed", &pp);
	report_time("B2e", "pagemap, top-down target", &pm);
	report_info("B2", "work: packed records, top down", wp.records,
		    "records");
	report_info("B2", "work: packed messages, top down", wp.msgs, "msgs");
	report_info("B2", "work: packed bytes received, top down", wp.bytes,
		    "bytes");
	report_goal("B2", "pagemap / per-page dump (packed), worst case",
		    med(&pm) / med(&pp), "x", ">=", 1);
}

static void bench_export(struct target *t, size_t bytes)
{
	struct series pp = { 0 }, pn = { 0 }, co = { 0 }, pm = { 0 };
	uint64_t want = bytes / PAGE;
	struct nl_work wp, wn, wc;
	double tool_ms = 0;
	long rss;
	int i;

	printf("B2 full export: the same %zu MiB target\n", bytes / MIB);
	for (i = 0; i < REPS; i++) {
		TIME_MS(&pp, nl_ranges(t->pid, PTSCOPE_RF(PER_PAGE) |
				       PTSCOPE_RF(PACKED), &wp));
		check_pages("per-page dump", wp.pages, want);
		TIME_MS(&pn, nl_ranges(t->pid, PTSCOPE_RF(PER_PAGE), &wn));
		check_pages("per-page dump, nests", wn.pages, want);
		TIME_MS(&co, nl_ranges(t->pid, 0, &wc));
		check_pages("coalesced dump", wc.pages, want);
		TIME_MS(&pm, read_pagemap(t->pid, NULL));
	}
	report_time("B2a", "per-page dump, packed (the tool's), parsed", &pp);
	report_time("B2a'", "per-page dump, nests (before), parsed", &pn);
	report_time("B2b", "coalesced range dump, parsed", &co);
	report_time("B2c", "pagemap, all VMAs (as B1b)", &pm);
	report_info("B2", "work: per-page rows", wp.ranges, "rows");
	report_info("B2", "work: packed records", wp.records, "records");
	report_info("B2", "work: packed messages", wp.msgs, "msgs");
	report_info("B2", "work: packed bytes received", wp.bytes, "bytes");
	report_info("B2", "work: nests messages", wn.msgs, "msgs");
	report_info("B2", "work: nests bytes received", wn.bytes, "bytes");
	report_info("B2", "work: coalesced ranges", wc.ranges, "ranges");
	report_info("B2", "work: coalesced messages", wc.msgs, "msgs");
	report_goal("B2", "pagemap / per-page dump (packed)", med(&pm) / med(&pp),
		    "x", ">=", 1);
	report_info("B2", "pagemap / per-page dump (nests, before)",
		    med(&pm) / med(&pn), "x");
	report_goal("B2", "pagemap / coalesced dump", med(&pm) / med(&co),
		    "x", ">=", 5);
	bench_export_worst(bytes);
	rss = parser_peak_rss_kib(t->pid);
	report_info("B2", "streaming parser peak RSS (ru_maxrss)",
		    rss / 1024.0, "MiB");
	rss = tool_peak_rss_kib(t->pid, &tool_ms);
	if (rss < 0) {
		report_na("B2", "tool peak RSS", "ptscope --json walk --pages failed");
	} else {
		report_goal("B2", "tool peak RSS, --json walk --pages >/dev/null",
			    rss / 1024.0, "MiB", "<=", 16);
		report_info("B2", "tool run, whole process, incl. printing",
			    tool_ms, "ms");
	}
}

/* ---- B3 sparse ----------------------------------------------------------- */

static void bench_sparse(void)
{
	struct target sp = target_start(T_SPARSE, 0);
	struct target cp = target_start(T_COMPACT, 0);
	struct series s = { 0 }, c = { 0 };
	struct nl_work ws, wc;
	int i;

	printf("B3 sparse: %d pages spread over a %llu TiB PROT_NONE reservation vs. the same pattern over %d pages\n",
	       SPARSE_PAGES, SPARSE_SPAN / TIB, 2 * SPARSE_PAGES);
	for (i = 0; i < REPS; i++) {
		TIME_MS(&s, nl_summary(sp.pid, &ws));
		TIME_MS(&c, nl_summary(cp.pid, &wc));
	}
	report_time("B3a", "ptscope summary, 64 TiB sparse process", &s);
	report_time("B3b", "ptscope summary, compact process", &c);
	report_info("B3", "work: PTE/PMD/PUD tables, sparse",
		    ws.tables_pte * 1e6 + ws.tables_pmd * 1e3 + ws.tables_pud,
		    "(pte*1e6+pmd*1e3+pud)");
	report_info("B3", "work: PTE/PMD/PUD tables, compact",
		    wc.tables_pte * 1e6 + wc.tables_pmd * 1e3 + wc.tables_pud,
		    "(pte*1e6+pmd*1e3+pud)");
	report_goal("B3", "sparse / compact walk time", med(&s) / med(&c),
		    "x", "<=", 2);
	report_info("B3", "pagemap output for the 64 TiB span",
		    (double)(SPARSE_SPAN / PAGE * 8), "bytes");
	target_stop(&sp);
	target_stop(&cp);
}

/* ---- B4 scaling ---------------------------------------------------------- */

struct point {
	double ptes, ms;
};

static void measure_point(struct target *t, size_t bytes, struct point *pt,
			  const char *id)
{
	struct series s = { 0 };
	struct nl_work w;
	char what[64];
	int i;

	for (i = 0; i < REPS; i++) {
		TIME_MS(&s, nl_summary(t->pid, &w));
		check_pages("summary", w.ptes, bytes / PAGE);
	}
	snprintf(what, sizeof(what), "ptscope summary, %zu MiB touched",
		 bytes / MIB);
	report_time(id, what, &s);
	pt->ptes = w.ptes;
	pt->ms = med(&s);
}

static void bench_fit(struct point *p, int n)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, a, b, ss = 0, st = 0, my;
	int i;

	for (i = 0; i < n; i++) {
		sx += p[i].ptes;
		sy += p[i].ms;
		sxx += p[i].ptes * p[i].ptes;
		sxy += p[i].ptes * p[i].ms;
	}
	b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
	a = (sy - b * sx) / n;
	my = sy / n;
	for (i = 0; i < n; i++) {
		double e = p[i].ms - (a + b * p[i].ptes);

		ss += e * e;
		st += (p[i].ms - my) * (p[i].ms - my);
	}
	for (i = 0; i < n; i++)
		printf("  %-6s per-PTE cost at %8.0f PTEs %20.1f ns\n", "B4",
		       p[i].ptes, p[i].ms * 1e6 / p[i].ptes);
	report_info("B4", "fit: ns per PTE (slope)", b * 1e6, "ns");
	report_info("B4", "fit: fixed cost (intercept)", a, "ms");
	report_info("B4", "fit: R^2", st ? 1 - ss / st : 1, "");
	report_goal("B4", "per-PTE cost, 4 GiB / 1 GiB",
		    (p[n - 1].ms / p[n - 1].ptes) / (p[n - 2].ms / p[n - 2].ptes),
		    "x", "<=", 1.2);
}

/* ---- B5 gentleness ------------------------------------------------------- */

/*
 * How B5 is run: in a full run, judged; alone under multi-threaded TCG,
 * judged; alone under single-threaded TCG, for comparison only.
 */
enum b5_mode { B5_FULL, B5_MTTCG, B5_RR };

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The control load: CPU time only, never the target's mmap lock. */
static void spin_ms(unsigned int ms)
{
	uint64_t end = now_ns() + ms * 1000000ULL;

	while (now_ns() < end)
		;
}

/*
 * Runs the target's loop with @load looping beside it (0 none, 1 ptscope
 * summary, 2 smaps_rollup, 3 a CPU spinner); p50, p99 in us.  Its line
 * is printed under @id.
 */
static uint32_t loop_latency(const char *id, struct target *t, int load,
			     double *p50, double *p99, uint64_t *loads)
{
	int pfd[2];
	pid_t c = 0;
	uint32_t n;

	if (pipe(pfd))
		die("pipe: %s", strerror(errno));
	*loads = 0;
	if (load) {
		c = fork();
		if (c == 0) {
			uint64_t k = 0;
			struct nl_work w;

			close(pfd[0]);
			for (;;) {
				if (load == 1)
					nl_summary(t->pid, &w);
				else if (load == 2)
					read_smaps_rollup(t->pid);
				else
					spin_ms(5);
				k++;
				if (write(pfd[1], &k, sizeof(k)) < 0)
					_exit(0);
			}
		}
	}
	close(pfd[1]);
	target_order(t, 'L');
	if (c) {
		uint64_t k;

		kill(c, SIGKILL);
		while (read(pfd[0], &k, sizeof(k)) == sizeof(k))
			*loads = k;
		waitpid(c, NULL, 0);
	}
	close(pfd[0]);
	n = lat_ns[0];
	if (!n)
		die("the target's loop recorded nothing");
	qsort(lat_ns + 1, n, sizeof(uint32_t), cmp_u32);
	*p50 = lat_ns[1 + n / 2] / 1e3;
	*p99 = lat_ns[1 + (uint32_t)(n * 0.99)] / 1e3;
	printf("  %-6s %-36s %u loops, %" PRIu64 " reader passes, max %.1f ms\n",
	       id, load == 0 ? "no reader" : load == 1 ? "ptscope summary loop" :
	       load == 2 ? "smaps_rollup loop" : "CPU spinner (control)", n,
	       *loads, lat_ns[n] / 1e6);
	return n;
}

static void bench_gentle(struct target *t, enum b5_mode mode)
{
	double b50, b99, w50, w99, s50, s99, c50, c99;
	uint64_t wl, sl, cl;
	const char *id, *title;

	id = mode == B5_RR ? "B5rr" : "B5";
	if (mode == B5_MTTCG)
		title = "B5 gentleness under multi-threaded TCG (vCPUs run at the same time)";
	else if (mode == B5_RR)
		title = "B5 under single-threaded TCG (vCPUs take turns; for comparison, not judged)";
	else
		title = "B5 gentleness";
	printf("%s: target with 4 GiB touched runs mmap+touch+munmap for 3 s per case\n",
	       title);
	report_info(id, "loops in 3 s, no reader",
		    loop_latency(id, t, 0, &b50, &b99, &wl), "loops");
	report_info(id, "loops in 3 s, ptscope walker",
		    loop_latency(id, t, 1, &w50, &w99, &wl), "loops");
	report_info(id, "loops in 3 s, smaps_rollup reader",
		    loop_latency(id, t, 2, &s50, &s99, &sl), "loops");
	report_info(id, "loops in 3 s, CPU spinner (control)",
		    loop_latency(id, t, 3, &c50, &c99, &cl), "loops");
	report_info(id, "p50 loop latency, no reader", b50, "us");
	report_info(id, "p99 loop latency, no reader", b99, "us");
	report_info(id, "p50 loop latency, ptscope walker", w50, "us");
	report_info(id, "p99 loop latency, ptscope walker", w99, "us");
	report_info(id, "p50 loop latency, smaps_rollup reader", s50, "us");
	report_info(id, "p99 loop latency, smaps_rollup reader", s99, "us");
	report_info(id, "p50 loop latency, CPU spinner (control)", c50, "us");
	report_info(id, "p99 loop latency, CPU spinner (control)", c99, "us");
	report_info(id, "ptscope walks completed", wl, "walks");
	report_info(id, "smaps_rollup reads completed", sl, "reads");
	if (mode == B5_RR) {
		report_info(id, "p99 with walker / p99 baseline", w99 / b99,
			    "x");
		report_info(id, "p99 with walker / p99 with smaps_rollup",
			    w99 / s99, "x");
	} else {
		report_goal(id, "p99 with walker / p99 baseline", w99 / b99,
			    "x", "<=", 2);
		report_goal(id, "p99 with walker / p99 with smaps_rollup",
			    w99 / s99, "x", "<=", 1);
	}
	/* What the environment alone does to the target's p99. */
	report_info(id, "p99 CPU spinner (control) / p99 baseline",
		    c99 / b99, "x");
}

static void usage(void)
{
	fprintf(stderr, "usage: ptscope-bench [--quick | --no-gentle | --gentle | --gentle-info]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct point pts[4];
	struct target t;
	uint64_t t0 = now_ns();
	const char *opt = argc > 1 ? argv[1] : "";
	bool quick = !strcmp(opt, "--quick");
	bool no_gentle = !strcmp(opt, "--no-gentle");
	bool gentle = !strcmp(opt, "--gentle");
	bool gentle_info = !strcmp(opt, "--gentle-info");
	size_t g4 = 4 * GIB;

	if (argc > 2 || (argc == 2 && !quick && !no_gentle && !gentle &&
			 !gentle_info))
		usage();

	setvbuf(stdout, NULL, _IOLBF, 0);
	pm_buf = malloc(PM_CHUNK * 8);
	lat_ns = mmap(NULL, (MAX_LAT + 1) * sizeof(uint32_t),
		      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!pm_buf || lat_ns == MAP_FAILED)
		die("out of memory");
	nl_open();
	json_add("[");

	printf("ptscope benchmarks: median of %d, [min .. max]; ratios from the same run\n",
	       REPS);
	if (gentle || gentle_info) {
		t = target_start(T_DENSE, g4);
		bench_gentle(&t, gentle ? B5_MTTCG : B5_RR);
		target_stop(&t);
		goto out;
	}
	t = target_start(T_DENSE, 1 * GIB);
	bench_dense(&t, 1 * GIB);
	if (quick) {
		bench_export(&t, 1 * GIB);
		target_stop(&t);
		bench_sparse();
		goto out;
	}
	bench_export(&t, 1 * GIB);
	printf("B4 scaling: ptscope summary by touched size\n");
	measure_point(&t, 1 * GIB, &pts[2], "B4c");
	target_stop(&t);
	t = target_start(T_DENSE, 64 * MIB);
	measure_point(&t, 64 * MIB, &pts[0], "B4a");
	target_stop(&t);
	t = target_start(T_DENSE, 256 * MIB);
	measure_point(&t, 256 * MIB, &pts[1], "B4b");
	target_stop(&t);

	bench_sparse();

	t = target_start(T_DENSE, g4);
	printf("B4 scaling (continued)\n");
	measure_point(&t, g4, &pts[3], "B4d");
	bench_fit(pts, 4);
	if (!no_gentle)
		bench_gentle(&t, B5_FULL);
	target_stop(&t);

out:
	if (!gentle && !gentle_info) {
		printf("B6 fault-path overhead\n");
		report_na("B6", "fault-path overhead of statistics probes",
			  "measured by stats-overhead.sh, which make bench runs next");
	}

	json_add("]");
	printf("%d goals met, %d missed; %.0f s in the guest\n", n_pass, n_miss,
	       (now_ns() - t0) / 1e9);
	printf("BENCH-JSON-BEGIN\n%s\nBENCH-JSON-END\n", json);
	return 0;
}
