// SPDX-License-Identifier: GPL-2.0
/*
 * test-genl-lock: a ptscope walk must never hold generic netlink's
 * cb_lock for long.
 *
 * genl_rcv() holds cb_lock for reading around every request it handles,
 * including the first dumpit call of a dump.  Registering or
 * unregistering a family (any module with one, loaded or unloaded) takes
 * it for writing, and while that writer waits, every other generic
 * netlink request on the machine waits behind it.  A whole-mm walk done
 * inside the request (GET_SUMMARY as a doit, or a dump's first call
 * walking a large VMA before its message fills) therefore stalls all of
 * generic netlink for as long as the walk takes.
 *
 * Three actors, for PTSCOPE_GENL_LOCK_SECS seconds (default 10):
 *  - a thread asking for GET_SUMMARY (and every third time a GET_VMAS
 *    dump) of a large target: a child with 256 MiB of written 4 KiB
 *    pages, and one 16 GiB VMA whose every 4 KiB page was read, so that
 *    each of its PTEs maps the zero page (8M PTEs in 32 MiB of tables,
 *    and no more memory than that);
 *  - a thread loading and unloading ptscope_testaid.ko genl=1, whose
 *    family "ptscope_dummy" is registered at load and unregistered at
 *    unload (finit_module/delete_module, no exec);
 *  - the main thread, timing CTRL_CMD_GETFAMILY requests for "nlctrl".
 * The slowest GETFAMILY must stay under PTSCOPE_GENL_LOCK_BOUND_MS
 * (default 100 ms), or a third of the slowest summary where that is
 * more (debug kernels).  Under single-threaded TCG with 2 vCPUs a summary
 * of the target takes several times that, so a walk held under cb_lock
 * fails this; with the walk in bounded dumpit calls the worst seen is
 * ~20 ms (scheduling: three busy threads on two vCPUs).  The summary
 * must also be right: at least the written pages as RSS, at least the
 * read ones as zero-page mappings, and one PTE table per 512 pages.
 *
 * SKIPs without root, without the testaid module or without the family.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uapi/ptscope.h"
#include "pt_nl.h"
#include "pt_oracle.h"

#define TESTAID_KO	"/ptscope/testmods/ptscope_testaid.ko"
#define TESTAID_NAME	"ptscope_testaid"
#define PG		4096UL
#define MIB		(1024UL * 1024)
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#endif

static atomic_bool stop;
static pid_t target;
static unsigned long written_pages, zero_pages;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static unsigned long env_ul(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : dflt;
}

/* MemAvailable in bytes, 0 if unknown. */
static unsigned long mem_available(void)
{
	char line[256];
	unsigned long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/* ---- the target --------------------------------------------------------- */

/* @pages of private anonymous memory read: each PTE maps the zero page. */
static int map_zero_pages(unsigned long pages)
{
	volatile char *p;
	unsigned long i;
	char sink = 0;

	p = mmap(NULL, pages * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	madvise((void *)p, pages * PG, MADV_NOHUGEPAGE);
	/* In the kernel, without a fault per page, where it can. */
	if (!madvise((void *)p, pages * PG, MADV_POPULATE_READ))
		return 0;
	for (i = 0; i < pages; i++)
		sink += p[i * PG];
	(void)sink;
	return 0;
}

/*
 * A child with @pages written 4 KiB pages in one VMA and @zero read ones
 * in another; waits to be killed.
 */
static pid_t start_target(unsigned long pages, unsigned long zero)
{
	int pfd[2];
	char c = 0;
	pid_t pid;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		volatile char *p;
		unsigned long i;

		close(pfd[0]);
		p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(1);
		madvise((void *)p, pages * PG, MADV_NOHUGEPAGE);
		for (i = 0; i < pages; i++)
			p[i * PG] = 1;
		if (map_zero_pages(zero))
			_exit(1);
		if (write(pfd[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1) {
		close(pfd[0]);
		waitpid(pid, NULL, 0);
		return -ENOMEM;
	}
	close(pfd[0]);
	return pid;
}

/* ---- summaries and dumps ------------------------------------------------ */

struct sum_seen {
	int nests;
	uint64_t rss, zero, pte_tables;
};

static int sum_cb(const struct nlmsghdr *nh, void *arg)
{
	const struct nlattr *top[PTSCOPE_A_MAX + 1] = { 0 };
	const struct nlattr *sum[PTSCOPE_SUM_MAX + 1] = { 0 };
	const struct nlattr *st[PTSCOPE_STAT_MAX + 1] = { 0 };
	struct sum_seen *s = arg;

	if (!pt_nl_parse_msg(nh, top, PTSCOPE_A_MAX) ||
	    !top[PTSCOPE_A_SUMMARY])
		return 0;
	s->nests++;
	if (!pt_nl_parse_nest(top[PTSCOPE_A_SUMMARY], sum, PTSCOPE_SUM_MAX))
		return 0;
	s->pte_tables = pt_nl_u64(sum[PTSCOPE_SUM_TABLES_PTE]);
	if (sum[PTSCOPE_SUM_STATS] &&
	    pt_nl_parse_nest(sum[PTSCOPE_SUM_STATS], st, PTSCOPE_STAT_MAX))
		s->rss = pt_nl_u64(st[PTSCOPE_STAT_RSS]),
		s->zero = pt_nl_u64(st[PTSCOPE_STAT_ZERO]);
	return 0;
}

/*
 * A vmas dump: the big zero-page VMA must come exactly once, with every
 * page counted once although its walk spans many dumpit calls.
 */
struct vma_seen {
	int big;
	uint64_t zero, pte_tables;
};

static int vma_cb(const struct nlmsghdr *nh, void *arg)
{
	struct vma_seen *v = arg;

	pt_nl_for_each(a, pt_nl_msg_attrs(nh), pt_nl_msg_len(nh)) {
		const struct nlattr *tb[PTSCOPE_VMA_MAX + 1] = { 0 };
		const struct nlattr *st[PTSCOPE_STAT_MAX + 1] = { 0 };
		uint64_t len;

		if ((a->nla_type & NLA_TYPE_MASK) != PTSCOPE_A_VMA ||
		    !pt_nl_parse_nest(a, tb, PTSCOPE_VMA_MAX))
			continue;
		len = pt_nl_u64(tb[PTSCOPE_VMA_END]) -
		      pt_nl_u64(tb[PTSCOPE_VMA_START]);
		if (len != zero_pages * PG || !tb[PTSCOPE_VMA_STATS] ||
		    !pt_nl_parse_nest(tb[PTSCOPE_VMA_STATS], st,
				      PTSCOPE_STAT_MAX))
			continue;
		v->big++;
		v->zero = pt_nl_u64(st[PTSCOPE_STAT_ZERO]);
		v->pte_tables = pt_nl_u64(st[PTSCOPE_STAT_TABLES_PTE]);
	}
	return 0;
}

struct walker {
	bool doit;		/* a module from before GET_SUMMARY was a dump */
	int summaries, vma_dumps, errors, bad_sums, bad_vmas, msgs;
	struct vma_seen last_vma;
	int first_err;
	uint64_t max_summary_ns;
	struct sum_seen last;
};

static void *walker_main(void *arg)
{
	struct walker *w = arg;
	struct pt_nl nl;
	int i, err, msgs;

	err = pt_nl_open(&nl);
	if (err) {
		w->errors++;
		w->first_err = err;
		pt_nl_close(&nl);
		return NULL;
	}
	for (i = 0; !atomic_load(&stop); i++) {
		struct pt_nl_req r;
		struct sum_seen s = { 0 };
		struct vma_seen v = { 0 };
		bool vmas = i % 3 == 2;
		uint64_t t0 = now_ns(), dt;

		pt_nl_init(&r, nl.family, vmas ? PTSCOPE_CMD_GET_VMAS :
			   PTSCOPE_CMD_GET_SUMMARY,
			   vmas || !w->doit ? NLM_F_DUMP : 0);
		pt_nl_put_u32(&r, PTSCOPE_A_PID, target);
		err = vmas ? pt_nl_xfer(&nl, &r, vma_cb, &v, &msgs) :
			     pt_nl_xfer(&nl, &r, sum_cb, &s, &msgs);
		dt = now_ns() - t0;
		if (err == -EOPNOTSUPP && !vmas && !w->doit) {
			/* So that the test shows what an old module does. */
			w->doit = true;
			i--;
			continue;
		}
		if (err) {
			if (!w->errors++)
				w->first_err = err;
			continue;
		}
		if (vmas) {
			/* Aligned or not, its pages need 512ths of tables. */
			if (v.big != 1 || v.zero != zero_pages ||
			    v.pte_tables < zero_pages / 512 ||
			    v.pte_tables > zero_pages / 512 + 1)
				w->bad_vmas++;
			w->last_vma = v;
			w->vma_dumps++;
			continue;
		}
		w->summaries++;
		w->msgs += msgs;
		if (dt > w->max_summary_ns)
			w->max_summary_ns = dt;
		if (s.nests != 1 || s.rss < written_pages ||
		    s.zero < zero_pages ||
		    s.pte_tables < (written_pages + zero_pages) / 512)
			w->bad_sums++;
		w->last = s;
	}
	pt_nl_close(&nl);
	return NULL;
}

/* ---- the family module going and coming ------------------------------- */

struct loader {
	int cycles, errors, first_err;
};

static int unload_testaid(void)
{
	int tries;

	for (tries = 0; tries < 1000; tries++) {
		if (!syscall(SYS_delete_module, TESTAID_NAME, O_NONBLOCK))
			return 0;
		if (errno == ENOENT)
			return 0;
		if (errno != EAGAIN && errno != EBUSY && errno != EWOULDBLOCK)
			return -errno;
		usleep(1000);
	}
	return -EBUSY;
}

static void *loader_main(void *arg)
{
	struct loader *l = arg;

	while (!atomic_load(&stop)) {
		int fd = open(TESTAID_KO, O_RDONLY | O_CLOEXEC);
		int err = 0;

		if (fd < 0 || syscall(SYS_finit_module, fd, "genl=1", 0))
			err = -errno;
		if (fd >= 0)
			close(fd);
		if (!err)
			err = unload_testaid();
		if (err) {
			if (!l->errors++)
				l->first_err = err;
			usleep(10000);
			continue;
		}
		l->cycles++;
	}
	return NULL;
}

/* ---- the timed requests ------------------------------------------------- */

/* One CTRL_CMD_GETFAMILY for "nlctrl": its duration in ns, or 0 on error. */
static uint64_t time_getfamily(struct pt_nl *nl)
{
	struct pt_nl_req r;
	uint64_t t0;
	int err;

	pt_nl_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	pt_nl_put(&r, CTRL_ATTR_FAMILY_NAME, "nlctrl", sizeof("nlctrl"));
	t0 = now_ns();
	err = pt_nl_xfer(nl, &r, NULL, NULL, NULL);
	return err ? 0 : now_ns() - t0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void run(void)
{
	unsigned long secs = env_ul("PTSCOPE_GENL_LOCK_SECS", 10);
	unsigned long bound_ms = env_ul("PTSCOPE_GENL_LOCK_BOUND_MS", 100);
	unsigned long mib = env_ul("PTSCOPE_GENL_LOCK_MIB", 256);
	unsigned long zero_mib = env_ul("PTSCOPE_GENL_LOCK_ZERO_MIB", 16384);
	struct walker w = { 0 };
	struct loader l = { 0 };
	pthread_t wt, lt;
	struct pt_nl nl;
	uint64_t *lat, deadline, worst;
	size_t n = 0, cap = 1 << 20;
	int err, failed = 0;

	if (access(TESTAID_KO, R_OK)) {
		pt_skip("genl-lock: no %s (scripts/vm builds it)", TESTAID_KO);
		return;
	}
	err = pt_nl_open(&nl);
	if (err) {
		pt_skip("genl-lock: no ptscope family: %s", strerror(-err));
		pt_nl_close(&nl);
		return;
	}
	err = unload_testaid();		/* a leftover from an earlier run */
	if (err) {
		pt_fail("genl-lock: cannot unload a loaded %s: %s",
			TESTAID_NAME, strerror(-err));
		goto out_nl;
	}

	/* Written pages, plus page tables: 2 MiB per GiB of zero pages. */
	if ((mib + zero_mib / 512) * 2 > mem_available() / MIB) {
		pt_skip("genl-lock: %lu MiB available, too little for the target",
			mem_available() / MIB);
		goto out_nl;
	}
	written_pages = mib * MIB / PG;
	zero_pages = zero_mib * MIB / PG;
	target = start_target(written_pages, zero_pages);
	if (target < 0) {
		pt_fail("genl-lock: cannot start the target: %s",
			strerror(-target));
		goto out_nl;
	}
	lat = calloc(cap, sizeof(*lat));
	if (!lat) {
		pt_fail("genl-lock: out of memory");
		goto out_target;
	}

	atomic_store(&stop, false);
	if (pthread_create(&wt, NULL, walker_main, &w)) {
		pt_fail("genl-lock: cannot start the walker thread");
		goto out_lat;
	}
	if (pthread_create(&lt, NULL, loader_main, &l)) {
		pt_fail("genl-lock: cannot start the loader thread");
		atomic_store(&stop, true);
		pthread_join(wt, NULL);
		goto out_lat;
	}
	deadline = now_ns() + secs * 1000000000ULL;
	while (now_ns() < deadline && n < cap) {
		uint64_t t = time_getfamily(&nl);

		if (!t) {
			failed++;
			continue;
		}
		lat[n++] = t;
		usleep(500);
	}
	atomic_store(&stop, true);
	pthread_join(lt, NULL);
	pthread_join(wt, NULL);
	unload_testaid();

	/* The test could only fail if all three actors did their part. */
	if (w.summaries < 3 || w.vma_dumps < 1 || l.cycles < 10 || n < 100) {
		pt_fail("genl-lock: too little done to tell: %d summaries, %d vma dumps, %d load/unload cycles, %zu GETFAMILY (walker error %s, loader error %s)",
			w.summaries, w.vma_dumps, l.cycles, n,
			w.errors ? strerror(-w.first_err) : "none",
			l.errors ? strerror(-l.first_err) : "none");
		goto out_lat;
	}
	pt_pass("genl-lock: %lu+%lu MiB target: %d summaries as %s (slowest %.1f ms, %.1f messages each), %d vma dumps, %d load/unload cycles",
		mib, zero_mib, w.summaries, w.doit ? "doit (old module)" : "dump",
		w.max_summary_ns / 1e6,
		(double)w.msgs / w.summaries, w.vma_dumps, l.cycles);

	if (w.errors || w.bad_sums)
		pt_fail("genl-lock: %d failed walks (first: %s), %d wrong summaries (last: %d nests, rss %" PRIu64 ", zero %" PRIu64 " pages, %" PRIu64 " PTE tables; want >= %lu, >= %lu, >= %lu)",
			w.errors, w.errors ? strerror(-w.first_err) : "none",
			w.bad_sums, w.last.nests, w.last.rss, w.last.zero,
			w.last.pte_tables, written_pages, zero_pages,
			(written_pages + zero_pages) / 512);
	else
		pt_pass("genl-lock: every summary one nest, rss >= %lu pages, zero >= %lu pages, >= %lu PTE tables",
			written_pages, zero_pages,
			(written_pages + zero_pages) / 512);

	if (w.bad_vmas)
		pt_fail("genl-lock: %d wrong vmas dumps (last: big VMA %d times, zero %" PRIu64 " pages, %" PRIu64 " PTE tables; want once, %lu, %lu or %lu)",
			w.bad_vmas, w.last_vma.big, w.last_vma.zero,
			w.last_vma.pte_tables, zero_pages, zero_pages / 512,
			zero_pages / 512 + 1);
	else
		pt_pass("genl-lock: every vmas dump has the %lu MiB VMA once, with its %lu zero pages and %" PRIu64 " PTE tables",
			zero_mib, zero_pages, w.last_vma.pte_tables);

	if (l.errors)
		pt_fail("genl-lock: %d load/unload failures (first: %s)",
			l.errors, strerror(-l.first_err));

	/*
	 * A walk held under cb_lock makes GETFAMILY wait for up to a whole
	 * summary: on a slower kernel (KASAN, lockdep) the bound grows to a
	 * third of the slowest summary, still well under what such a wait
	 * costs and well over one bounded dumpit call.
	 */
	if (w.max_summary_ns / 3 > bound_ms * 1000000ULL)
		bound_ms = w.max_summary_ns / 3 / 1000000ULL;
	qsort(lat, n, sizeof(*lat), cmp_u64);
	worst = lat[n - 1];
	printf("genl-lock: GETFAMILY over %zu requests: median %.2f ms, p99 %.2f ms, max %.2f ms (bound %lu ms)\n",
	       n, lat[n / 2] / 1e6, lat[n * 99 / 100] / 1e6, worst / 1e6,
	       bound_ms);
	if (failed)
		pt_fail("genl-lock: %d GETFAMILY requests failed", failed);
	if (worst > bound_ms * 1000000ULL)
		pt_fail("genl-lock: GETFAMILY took %.1f ms (> %lu ms) while ptscope walked and a family came and went: a walk held cb_lock",
			worst / 1e6, bound_ms);
	else
		pt_pass("genl-lock: GETFAMILY at most %.1f ms (<= %lu ms) while ptscope walked and a family came and went",
			worst / 1e6, bound_ms);

out_lat:
	free(lat);
out_target:
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
out_nl:
	pt_nl_close(&nl);
}

int main(void)
{
	if (geteuid()) {
		pt_skip("genl-lock: needs root to load modules");
		return pt_summary();
	}
	run();
	return pt_summary();
}
