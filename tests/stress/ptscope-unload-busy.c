// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope-unload-busy: rmmod while ptscope is busy, then load it again.
 *
 * Each round makes the module as busy as it gets: netlink dumpers loop on
 * per-page dumps of a 64 MiB target, two more clients hold a dump
 * half-read, /proc/ptscope files are held open in the middle of a report
 * (pages, ranges, vmas, and stats as a seq_file), and statistics are on
 * with the target watched and its faults counted.  Then:
 *
 *  1. rmmod while the dumps are held half-read must fail cleanly
 *     (EAGAIN or EBUSY: a netlink dump pins its family's module), and the
 *     held dumps must then finish with every page of the target reported;
 *  2. with the holders gone, rmmod is tried again and again while the
 *     dumpers keep dumping: each try fails cleanly or unloads; once the
 *     module is gone, the files held open read EIO, /proc/ptscope is gone,
 *     and requests to the family fail with ENOENT (EPROTONOSUPPORT for a
 *     dump that races the unload: the netlink core cannot pin the module);
 *  3. insmod again: `ptscope info` works, statistics start off, a vtop of
 *     one of our own pages agrees with /proc/self/pagemap, and a file held
 *     open across the reload still reads EIO.
 *
 * Oracles: the errno of delete_module(2), /proc/modules, /proc/self/pagemap,
 * the page count the target wrote, and the VM runner (any kernel report
 * fails the run).  The module is left loaded, for the runner to unload.
 *
 *   ptscope-unload-busy [--rounds N]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_run.h"
#include "pt_nl.h"
#include "pt_oracle.h"
#include "pt_stats.h"
#include "uapi/ptscope.h"

#define MODULE_PATH	"/ptscope/ptscope.ko"
#define PAGE		4096UL
#define BIG_LEN		(64UL << 20)
#define BIG_PAGES	(BIG_LEN / PAGE)
#define NR_DUMPERS	3
#define NR_HOLDERS	2
#define RMMOD_TRIES	300

static pid_t target;
static unsigned long big;	/* the target's 64 MiB, every page written */

/* ---- the target -------------------------------------------------------- */

static void *fault_churn(void *arg)
{
	(void)arg;
	for (;;) {
		char *p = mmap(NULL, 32 * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			continue;
		memset(p, 1, 32 * PAGE);
		munmap(p, 32 * PAGE);
		usleep(1000);
	}
	return NULL;
}

static int start_target(void)
{
	unsigned long *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int tries;

	if (shared == MAP_FAILED)
		return -errno;
	target = fork();
	if (target == 0) {
		char *p = mmap(NULL, BIG_LEN, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pthread_t th;
		unsigned long i;

		if (p == MAP_FAILED)
			_exit(1);
		madvise(p, BIG_LEN, MADV_NOHUGEPAGE);
		for (i = 0; i < BIG_LEN; i += PAGE)
			p[i] = 1;
		pthread_create(&th, NULL, fault_churn, NULL);
		*(volatile unsigned long *)shared = (unsigned long)p;
		for (;;)
			pause();
	}
	if (target < 0)
		return -errno;
	for (tries = 0; tries < 500 && !*(volatile unsigned long *)shared; tries++)
		usleep(20000);
	big = *(volatile unsigned long *)shared;
	munmap(shared, PAGE);
	return big ? 0 : -ETIMEDOUT;
}

/* ---- the module ---------------------------------------------------------- */

/* delete_module(2) as rmmod does it: 0 or -errno. */
static int try_rmmod(void)
{
	return syscall(SYS_delete_module, "ptscope", O_NONBLOCK) ? -errno : 0;
}

static bool rmmod_refused_cleanly(int err)
{
	return err == -EAGAIN || err == -EBUSY;
}

/* ---- netlink clients ----------------------------------------------------- */

static void dump_request(struct pt_nl_req *r, uint16_t family)
{
	pt_nl_init(r, family, PTSCOPE_CMD_GET_RANGES, NLM_F_DUMP);
	pt_nl_put_u32(r, PTSCOPE_A_PID, target);
	pt_nl_put_u32(r, PTSCOPE_A_FLAGS, PTSCOPE_RF(PER_PAGE));
}

/* Present pages of the target's big region seen in a per-page dump. */
static void count_range(const struct nlattr *a, unsigned long *pages)
{
	const struct nlattr *r[PTSCOPE_RANGE_MAX + 1];
	uint64_t s, e;

	if (!pt_nl_parse_nest(a, r, PTSCOPE_RANGE_MAX) ||
	    pt_nl_u8(r[PTSCOPE_RANGE_STATE]) != PTSCOPE_STATE_PRESENT)
		return;
	s = pt_nl_u64(r[PTSCOPE_RANGE_START]);
	e = pt_nl_u64(r[PTSCOPE_RANGE_END]);
	if (s < big)
		s = big;
	if (e > big + BIG_LEN)
		e = big + BIG_LEN;
	if (e > s)
		*pages += (e - s) / PAGE;
}

static int count_cb(const struct nlmsghdr *nh, void *arg)
{
	pt_nl_for_each(a, pt_nl_msg_attrs(nh), pt_nl_msg_len(nh))
		if ((a->nla_type & NLA_TYPE_MASK) == PTSCOPE_A_RANGE)
			count_range(a, arg);
	return 0;
}

struct dumper {
	pthread_t th;
	volatile int stop;
	unsigned long done, gone, going, bad;
	int last_bad;
};

/* Reads all of /proc/ptscope/stats: 0, or -errno when it is gone. */
static int read_stats_file(void)
{
	char buf[4096];
	ssize_t n;
	int fd = open(PT_STATS_FILE, O_RDONLY), err = 0;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * Dumps in a loop, long per-page dumps and short VMA dumps, with statistics
 * reads and short pauses between them, so that rmmod finds both busy and
 * idle moments.  The family may vanish and come back under a new id.
 */
static void *dumper_main(void *arg)
{
	struct dumper *d = arg;
	unsigned int rng = (unsigned int)(unsigned long)d | 1;
	struct pt_nl nl;
	struct pt_nl_req r;
	int err;

	err = pt_nl_open(&nl);
	while (!d->stop) {
		unsigned long pages = 0;
		bool per_page;

		rng ^= rng << 13;
		rng ^= rng >> 17;
		rng ^= rng << 5;
		per_page = rng % 3 == 0;
		if (!nl.family && pt_nl_resolve(&nl)) {
			d->gone++;
			usleep(5000);
			continue;
		}
		if (per_page) {
			dump_request(&r, nl.family);
		} else {
			pt_nl_init(&r, nl.family, PTSCOPE_CMD_GET_VMAS, NLM_F_DUMP);
			pt_nl_put_u32(&r, PTSCOPE_A_PID, target);
		}
		err = pt_nl_xfer(&nl, &r, per_page ? count_cb : NULL, &pages, NULL);
		if (!err && (!per_page || pages == BIG_PAGES)) {
			d->done++;
		} else if (err == -ENOENT) {
			d->gone++;
			nl.family = 0;
		} else if (err == -EPROTONOSUPPORT) {
			/*
			 * The netlink core's answer to a dump of a family
			 * whose module is being unloaded (try_module_get
			 * fails before genl_unregister_family has run).
			 */
			d->going++;
		} else {
			d->bad++;
			d->last_bad = err ? err : -EPROTO;
		}
		/* Gone between open and read is EIO; gone before, ENOENT. */
		err = read_stats_file();
		if (err && err != -ENOENT && err != -EIO) {
			d->bad++;
			d->last_bad = err;
		}
		usleep(rng % 20000);
	}
	pt_nl_close(&nl);
	return NULL;
}

struct holder {
	struct pt_nl nl;
	unsigned long pages;
	bool ok;
};

/* Starts a dump and reads one datagram of it: the dump stays open. */
static bool hold_dump(struct holder *h)
{
	struct pt_nl_answer first = { 0 };
	struct pt_nl_req r;

	h->pages = 0;
	h->ok = false;
	if (pt_nl_open(&h->nl))
		return false;
	dump_request(&r, h->nl.family);
	if (pt_nl_send(&h->nl, &r))
		return false;
	if (pt_nl_read_one(&h->nl, count_cb, &h->pages, &first) ||
	    first.done)
		return false;	/* not held: it failed or ended already */
	h->ok = true;
	return true;
}

/* ---- procfs files held mid-read ---------------------------------------- */

#define NR_HELD	4

static int hold_proc(const char *file, const char *sel)
{
	char path[64], buf[256];
	int fd;

	snprintf(path, sizeof(path), "/proc/ptscope/%s", file);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	if ((sel && write(fd, sel, strlen(sel)) < 0) ||
	    read(fd, buf, sizeof(buf)) != sizeof(buf)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A read of a file whose module has gone must say EIO. */
static bool reads_eio(int fd)
{
	char buf[256];

	return read(fd, buf, sizeof(buf)) < 0 && errno == EIO;
}

/* ---- checks after a reload ------------------------------------------------ */

struct vtop_reply {
	int stop;
	uint64_t phys;
};

static int vtop_cb(const struct nlmsghdr *nh, void *arg)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1], *v[PTSCOPE_VTOP_MAX + 1];
	struct vtop_reply *out = arg;

	if (pt_nl_parse_msg(nh, tb, PTSCOPE_A_MAX) && tb[PTSCOPE_A_VTOP] &&
	    pt_nl_parse_nest(tb[PTSCOPE_A_VTOP], v, PTSCOPE_VTOP_MAX) &&
	    v[PTSCOPE_VTOP_STOP]) {
		out->stop = pt_nl_u8(v[PTSCOPE_VTOP_STOP]);
		out->phys = pt_nl_u64(v[PTSCOPE_VTOP_PHYS]);
	}
	return 0;
}

static void check_reloaded(int round, int old_fd)
{
	static char page[PAGE] __attribute__((aligned(4096)));
	struct vtop_reply v = { .stop = -1 };
	struct cli_result res;
	struct pt_nl nl;
	struct pt_nl_req r;
	uint64_t pm = 0, pfn = 0;
	int err;

	if (cli_run(&res, true, "ptscope info") == 0 && res.status == 0 &&
	    strstr(res.out, "level"))
		pt_pass("unload round %d: reloaded, `ptscope info` works", round);
	else
		pt_fail("unload round %d: `ptscope info` after reload failed", round);
	cli_free(&res);

	if (pt_stats_value(NULL, "enabled") == 0)
		pt_pass("unload round %d: reloaded module starts with statistics off",
			round);
	else
		pt_fail("unload round %d: statistics not off after reload", round);

	page[0] = (char)round;
	err = pt_nl_open(&nl);
	if (!err) {
		pt_nl_init(&r, nl.family, PTSCOPE_CMD_VTOP, 0);
		pt_nl_put_u32(&r, PTSCOPE_A_PID, getpid());
		pt_nl_put_u64(&r, PTSCOPE_A_ADDR, (unsigned long)page);
		err = pt_nl_xfer(&nl, &r, vtop_cb, &v, NULL);
	}
	pt_nl_close(&nl);
	if (!pt_pagemap_read(getpid(), (unsigned long)page, 1, &pm) &&
	    (pm & PM_PRESENT))
		pfn = pm & PM_PFN_MASK;
	if (!err && pfn && v.stop == PTSCOPE_VTOP_STOP_LEAF &&
	    v.phys >> 12 == pfn)
		pt_pass("unload round %d: vtop of our page agrees with pagemap (pfn %#lx)",
			round, (unsigned long)pfn);
	else
		pt_fail("unload round %d: vtop %s, stop %d phys %#lx, pagemap pfn %#lx",
			round, strerror(-err), v.stop, (unsigned long)v.phys,
			(unsigned long)pfn);

	if (old_fd >= 0) {
		if (reads_eio(old_fd))
			pt_pass("unload round %d: a file held across the reload still reads EIO",
				round);
		else
			pt_fail("unload round %d: a file held across the reload: %s",
				round, strerror(errno));
		close(old_fd);
	}
}

/* ---- one round ------------------------------------------------------------- */

static void round_run(int round)
{
	static const char * const files[NR_HELD] = { "pages", "ranges", "vmas",
						     "stats" };
	struct dumper dumpers[NR_DUMPERS];
	struct holder holders[NR_HOLDERS];
	int held[NR_HELD], refused = 0, tries, err = 0, i, other = 0;
	unsigned long done = 0, gone = 0, going = 0, bad = 0;
	char sel[32], cmd[32];
	bool unloaded = false, busy = false, all_held = true;
	struct timespec ms = { 0, 10 * 1000 * 1000 };

	/* Busy: statistics on and watched, dumps flowing, files mid-read. */
	snprintf(cmd, sizeof(cmd), "watch %d", target);
	if (pt_stats_cmd("on") || pt_stats_cmd(cmd))
		pt_fail("unload round %d: cannot switch statistics on", round);
	memset(dumpers, 0, sizeof(dumpers));
	for (i = 0; i < NR_DUMPERS; i++)
		pthread_create(&dumpers[i].th, NULL, dumper_main, &dumpers[i]);
	snprintf(sel, sizeof(sel), "%d\n", target);
	for (i = 0; i < NR_HELD; i++) {
		held[i] = hold_proc(files[i], i < 3 ? sel : NULL);
		all_held &= held[i] >= 0;
	}
	for (i = 0; i < NR_HOLDERS; i++)
		all_held &= hold_dump(&holders[i]);
	usleep(300000);
	if (!all_held)
		pt_fail("unload round %d: could not hold every file and dump open",
			round);
	if (pt_stats_value(NULL, "enabled") != 1 ||
	    pt_stats_value("all", "fault_user") <= 0)
		pt_fail("unload round %d: statistics are not counting", round);

	/* 1. Dumps held half-read pin the module. */
	for (tries = 0; tries < 3; tries++) {
		err = try_rmmod();
		if (rmmod_refused_cleanly(err) && pt_module_loaded())
			refused++;
	}
	if (refused == 3)
		pt_pass("unload round %d: rmmod during held dumps refused cleanly (%s)",
			round, strerror(-err));
	else
		pt_fail("unload round %d: rmmod during held dumps: %s, loaded %d",
			round, err ? strerror(-err) : "unloaded", pt_module_loaded());
	for (i = 0; i < NR_HOLDERS; i++) {
		if (!holders[i].ok)
			continue;
		err = pt_nl_recv(&holders[i].nl, count_cb, &holders[i].pages, NULL);
		if (!err && holders[i].pages == BIG_PAGES)
			pt_pass("unload round %d: held dump %d finished after the refused rmmod, all %lu pages",
				round, i, BIG_PAGES);
		else
			pt_fail("unload round %d: held dump %d ended with %s, %lu of %lu pages",
				round, i, strerror(-err), holders[i].pages, BIG_PAGES);
	}
	for (i = 0; i < NR_HOLDERS; i++)
		pt_nl_close(&holders[i].nl);

	/* 2. Dumpers still running: every try fails cleanly or unloads. */
	refused = 0;
	for (tries = 0; tries < RMMOD_TRIES && !unloaded; tries++) {
		err = try_rmmod();
		if (!err)
			unloaded = busy = true;
		else if (rmmod_refused_cleanly(err))
			refused++;
		else
			other = err;
		nanosleep(&ms, NULL);
	}
	/* Let the dumpers meet the vanished family before they stop. */
	if (unloaded)
		usleep(200000);
	for (i = 0; i < NR_DUMPERS; i++)
		dumpers[i].stop = 1;
	for (i = 0; i < NR_DUMPERS; i++) {
		pthread_join(dumpers[i].th, NULL);
		done += dumpers[i].done;
		gone += dumpers[i].gone;
		going += dumpers[i].going;
		bad += dumpers[i].bad;
		if (dumpers[i].bad)
			other = dumpers[i].last_bad;
	}
	if (!unloaded) {
		/* Nothing is busy any more: now it must go. */
		err = try_rmmod();
		unloaded = !err;
	}
	if (other || !unloaded || pt_module_loaded())
		pt_fail("unload round %d: rmmod under dumps: %s, %d refused, loaded %d",
			round, strerror(-(other ? other : err)), refused,
			pt_module_loaded());
	else
		pt_pass("unload round %d: rmmod while dumping: %d tries refused cleanly, then unloaded%s",
			round, refused, busy ?
			" with the dumpers still running" : " once they stopped");
	if (bad)
		pt_fail("unload round %d: %lu dumps ended badly (last %s)", round,
			bad, strerror(-other));
	else
		pt_pass("unload round %d: %lu complete dumps; refused while going (EPROTONOSUPPORT) %lu, after (ENOENT) %lu; no other error",
			round, done, going, gone);

	/* The files held open: EIO now, and the directory is gone. */
	if (!unloaded)
		return;
	for (i = 0; i < NR_HELD; i++) {
		if (held[i] < 0)
			continue;
		if (reads_eio(held[i]))
			pt_pass("unload round %d: %s held open mid-read reads EIO after unload",
				round, files[i]);
		else
			pt_fail("unload round %d: %s held open after unload: %s",
				round, files[i], strerror(errno));
	}
	if (access("/proc/ptscope", F_OK) && errno == ENOENT)
		pt_pass("unload round %d: /proc/ptscope is gone", round);
	else
		pt_fail("unload round %d: /proc/ptscope still there", round);
	for (i = 1; i < NR_HELD; i++)
		if (held[i] >= 0)
			close(held[i]);

	/* 3. Back again. */
	if (system("insmod " MODULE_PATH) || !pt_module_loaded()) {
		pt_fail("unload round %d: insmod failed", round);
		if (held[0] >= 0)
			close(held[0]);
		return;
	}
	check_reloaded(round, held[0]);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ }
	};
	int rounds = 3, opt, round;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'r') {
			fprintf(stderr, "usage: %s [--rounds N]\n", argv[0]);
			return 2;
		}
		rounds = atoi(optarg);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid()) {
		pt_skip("unload-busy: needs root");
		return pt_summary();
	}
	if (access(MODULE_PATH, R_OK) || !pt_module_loaded()) {
		pt_skip("unload-busy: needs ptscope loaded and %s", MODULE_PATH);
		return pt_summary();
	}
	if (start_target()) {
		pt_fail("unload-busy: cannot start the target");
		return pt_summary();
	}
	for (round = 1; round <= rounds; round++)
		round_run(round);
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
	if (!pt_module_loaded() && system("insmod " MODULE_PATH))
		pt_fail("unload-busy: module left unloaded");
	if (pt_module_loaded())
		pt_stats_cmd("off");
	return pt_summary();
}
