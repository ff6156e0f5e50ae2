// SPDX-License-Identifier: GPL-2.0
/*
 * test-procfs-uffd: a /proc/ptscope read whose destination is registered
 * with userfaultfd (missing mode) waits in the kernel's fault handler for
 * as long as the monitor likes.  No ptscope lock may be held meanwhile.
 *
 * The target is a forked child with NPAGES touched pages at a known
 * address, idle in pause(): its pages report is exactly one header and
 * one "pte present" row per page, in order (the oracle), and every read
 * of that selection, whatever its destination, must give the same text.
 *
 *  stall     a read into a uffd page raises a fault event and waits;
 *  fd-free   meanwhile a write of a new selection and a read of the new
 *            report on the same fd complete within BOUND_MS (on a file
 *            whose mutex is held across copy_to_user() both hang);
 *  signal    SIGKILL ends the stuck read, and the next read on the fd
 *            returns the whole report: nothing was lost (a kernel-mode
 *            fault ignores other signals; a "note:" line says what
 *            SIGUSR1 did);
 *  user-only with UFFD_USER_MODE_ONLY the kernel's copy fails at once;
 *  resolve   UFFDIO_COPY of each faulting page completes the read, with
 *            the right text;
 *  rmmod     (root) rmmod waits for the stuck read (proc_entry_rundown,
 *            the kernel's), and SIGKILL to the reader lets it finish.
 *
 * Every blocked call is ended by a signal or by closing the uffd, never
 * left to the suite's timeout: a test of old code fails, it does not hang
 * (there the write and the second read wait for the mutex interruptibly,
 * and SIGUSR1 ends them).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt_oracle.h"

#define PG		4096UL
#define NPAGES		200	/* about 26 KiB of rows: several buffer pages */
#define SUBPAGES	16	/* the selection written while a read is stuck */
#define UBUF_PAGES	64	/* uffd-registered destination pages */
#define BOUND_MS	5000	/* "completes within a bound" */
#define STUCK_MS	1500	/* "still waiting" */
#define MODULE_PATH	"/ptscope/ptscope.ko"

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&t, NULL);
}

static void on_sigusr1(int sig)
{
	(void)sig;	/* only to interrupt a system call (no SA_RESTART) */
}

/* ---- one read() or write() in its own thread ---- */

struct op {
	pthread_t th;
	bool is_write;
	int fd;
	char *buf;
	size_t len;
	ssize_t ret;
	int err;
	atomic_int done;
	long ms;		/* how long it took */
};

static void *op_main(void *arg)
{
	struct op *o = arg;
	long t0 = now_ms();

	if (o->is_write)
		o->ret = write(o->fd, o->buf, o->len);
	else
		o->ret = read(o->fd, o->buf, o->len);
	o->err = errno;
	o->ms = now_ms() - t0;
	atomic_store(&o->done, 1);
	return NULL;
}

static int op_start(struct op *o, bool is_write, int fd, char *buf,
		    size_t len)
{
	memset(o, 0, sizeof(*o));
	o->is_write = is_write;
	o->fd = fd;
	o->buf = buf;
	o->len = len;
	return pthread_create(&o->th, NULL, op_main, o);
}

/* True when the call returned within @ms. */
static bool op_wait(struct op *o, long ms)
{
	long end = now_ms() + ms;

	while (!atomic_load(&o->done)) {
		if (now_ms() >= end)
			return false;
		sleep_ms(5);
	}
	return true;
}

/*
 * End the call with signals if it still waits, then join.  Returns false
 * if even signals did not end it within BOUND_MS (the caller then closes
 * the uffd, which wakes every fault waiting on it).
 */
static bool op_end(struct op *o)
{
	long end = now_ms() + BOUND_MS;

	while (!atomic_load(&o->done) && now_ms() < end) {
		pthread_kill(o->th, SIGUSR1);
		sleep_ms(20);
	}
	if (!atomic_load(&o->done))
		return false;
	pthread_join(o->th, NULL);
	return true;
}

/*
 * The stuck reader is a process of its own that shares this one's memory
 * and files (clone(CLONE_VM | CLONE_FILES)): a kernel-mode fault ends
 * only on a fatal signal, and SIGKILL must end the reader, not the test.
 */
struct rproc {
	pid_t pid;
	int fd;
	char *buf;
	size_t len;
	ssize_t ret;
	atomic_int done;
	char *stack;
};

#define RPROC_STACK	(64 * 1024)

static int rproc_main(void *arg)
{
	struct rproc *r = arg;

	r->ret = syscall(SYS_read, r->fd, r->buf, r->len);
	atomic_store(&r->done, 1);
	return 0;
}

static int rproc_start(struct rproc *r, int fd, char *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->buf = buf;
	r->len = len;
	r->stack = malloc(RPROC_STACK);
	if (!r->stack)
		return -ENOMEM;
	r->pid = clone(rproc_main, r->stack + RPROC_STACK,
		       CLONE_VM | CLONE_FILES | SIGCHLD, r);
	if (r->pid < 0) {
		free(r->stack);
		return -errno;
	}
	return 0;
}

/* Reap the reader within @ms; true if it has gone. */
static bool rproc_reap(struct rproc *r, long ms)
{
	long end = now_ms() + ms;
	int st;

	for (;;) {
		if (waitpid(r->pid, &st, WNOHANG) == r->pid) {
			free(r->stack);
			r->pid = 0;
			return true;
		}
		if (now_ms() >= end)
			return false;
		sleep_ms(5);
	}
}

/* CPU time of @pid in clock ticks (utime + stime), or -1. */
static long cpu_ticks(pid_t pid)
{
	char path[40], buf[512], *p;
	unsigned long ut, st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &ut, &st) != 2)
		return -1;
	return ut + st;
}

/* ---- the target and the reference text ---- */

static pid_t target;
static unsigned long tstart;

static int start_target(void)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char *m = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		unsigned long a = (unsigned long)m;
		int i;

		if (m == MAP_FAILED)
			_exit(1);
		/* No THP: one pte row per page, as the oracle expects. */
		madvise(m, NPAGES * PG, MADV_NOHUGEPAGE);
		for (i = 0; i < NPAGES; i++)
			m[i * PG] = 1;
		if (write(p[1], &a, sizeof(a)) != sizeof(a))
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &tstart, sizeof(tstart)) != sizeof(tstart)) {
		close(p[0]);
		return -EIO;
	}
	close(p[0]);
	target = pid;
	return 0;
}

static void selection(char *sel, size_t size, int pages)
{
	snprintf(sel, size, "%d %lx %lx\n", target, tstart,
		 tstart + pages * PG);
}

/* Open pages and write the selection of @pages pages; fd or -errno. */
static int open_selected(int pages)
{
	char sel[80];
	int fd = open("/proc/ptscope/pages", O_RDWR);

	if (fd < 0)
		return -errno;
	selection(sel, sizeof(sel), pages);
	if (write(fd, sel, strlen(sel)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* Read @fd to its end into plain memory; NUL-terminated, or NULL. */
static char *read_rest(int fd, size_t *lenp)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap + 1);
	ssize_t r;

	while (buf) {
		if (len == cap) {
			char *n = realloc(buf, 2 * cap + 1);

			if (!n)
				break;
			buf = n;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0)
			break;
		if (r == 0) {
			buf[len] = '\0';
			*lenp = len;
			return buf;
		}
		len += r;
	}
	free(buf);
	return NULL;
}

/* The reference text of a selection, read on a fresh fd into plain memory. */
static char *reference(int pages, size_t *lenp)
{
	int fd = open_selected(pages);
	char *text;

	if (fd < 0)
		return NULL;
	text = read_rest(fd, lenp);
	close(fd);
	return text;
}

/* Known exact answer: one "pte present" row per page, in order. */
static bool rows_ok(const char *text, int pages, char *why, size_t whysz)
{
	const char *l = text;
	int n = 0;

	for (; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		unsigned long s, e;
		char lvl[8], state[16];

		if (*l == '#')
			continue;
		if (sscanf(l, "%lx %lx %7s %15s", &s, &e, lvl, state) != 4) {
			snprintf(why, whysz, "unparsable row %d", n);
			return false;
		}
		if (s != tstart + n * PG || e != s + PG ||
		    strcmp(lvl, "pte") || strcmp(state, "present")) {
			snprintf(why, whysz, "row %d: %lx-%lx %s %s", n, s, e,
				 lvl, state);
			return false;
		}
		n++;
	}
	if (n != pages) {
		snprintf(why, whysz, "%d rows, expected %d", n, pages);
		return false;
	}
	return true;
}

/* ---- userfaultfd ---- */

struct uffd {
	int fd;
	char *area;
	size_t next;		/* next unused page of area */
};

static int uffd_open(struct uffd *u, int flags)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };

	u->next = 0;
	u->fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | flags);
	if (u->fd < 0)
		return -errno;
	u->area = mmap(NULL, UBUF_PAGES * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u->area == MAP_FAILED || ioctl(u->fd, UFFDIO_API, &api))
		goto err;
	reg.range.start = (unsigned long)u->area;
	reg.range.len = UBUF_PAGES * PG;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(u->fd, UFFDIO_REGISTER, &reg))
		goto err;
	return 0;
err:
	close(u->fd);
	u->fd = -1;
	return -errno;
}

/* Fresh (never touched) uffd pages for one read's destination. */
static char *uffd_take(struct uffd *u, size_t pages)
{
	char *p;

	if (u->next + pages > UBUF_PAGES)
		return NULL;
	p = u->area + u->next * PG;
	u->next += pages;
	return p;
}

/* The address of the next fault, or 0 if none came within @ms. */
static unsigned long uffd_next_fault(struct uffd *u, long ms)
{
	struct pollfd pfd = { .fd = u->fd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	if (read(u->fd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return 0;
	return msg.arg.pagefault.address & ~(PG - 1);
}

static int uffd_fill(struct uffd *u, unsigned long page)
{
	static char src[PG] __attribute__((aligned(4096)));
	struct uffdio_copy c = { 0 };

	memset(src, '~', sizeof(src));
	c.dst = page;
	c.src = (unsigned long)src;
	c.len = PG;
	if (ioctl(u->fd, UFFDIO_COPY, &c) && errno != EEXIST)
		return -errno;
	return 0;
}

/* ---- the checks ---- */

static char *ref_all, *ref_sub;
static size_t ref_all_len, ref_sub_len;

/* Resolve faults until @r returns; false if it did not within BOUND_MS. */
static bool uffd_serve(struct uffd *u, struct rproc *r)
{
	long end = now_ms() + BOUND_MS;

	while (!atomic_load(&r->done) && now_ms() < end) {
		unsigned long a = uffd_next_fault(u, 20);

		if (a && uffd_fill(u, a))
			return false;
	}
	return atomic_load(&r->done);
}

/* End the reader for good: SIGKILL, then closing the uffd if need be. */
static void rproc_kill(struct rproc *r, struct uffd *u, const char *tag)
{
	if (!r->pid)
		return;
	kill(r->pid, SIGKILL);
	if (rproc_reap(r, BOUND_MS))
		return;
	pt_fail("%s: SIGKILL did not end the stuck read; closing the uffd",
		tag);
	close(u->fd);
	u->fd = -1;
	rproc_reap(r, 60 * 1000);
}

/*
 * Start a read of the whole selection into fresh uffd pages and wait for
 * its fault.  Returns the fd, or -1 after a FAIL.
 */
static int start_stuck_read(struct uffd *u, struct rproc *r, const char *tag)
{
	char *dst = uffd_take(u, 8);
	int fd = open_selected(NPAGES);

	if (fd < 0 || !dst) {
		pt_fail("%s: setup: %s", tag, fd < 0 ? strerror(-fd) :
			"out of uffd pages");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (rproc_start(r, fd, dst, 8 * PG)) {
		pt_fail("%s: clone: %s", tag, strerror(errno));
		close(fd);
		return -1;
	}
	if (uffd_next_fault(u, BOUND_MS) != (unsigned long)dst) {
		pt_fail("%s: the read raised no fault on its destination (%s)",
			tag, atomic_load(&r->done) ? "it returned" : "no event");
		rproc_kill(r, u, tag);
		close(fd);
		return -1;
	}
	return fd;
}

/* While a read is stuck: the same fd takes a write and another read. */
static void check_fd_free(struct uffd *u)
{
	struct rproc stuck;
	char sel[80], *buf;
	long t0, t1;
	struct op w, r;
	int fd;

	fd = start_stuck_read(u, &stuck, "uffd/stall");
	if (fd < 0)
		return;
	pt_pass("uffd/stall: a read into a uffd page waits in the fault");

	selection(sel, sizeof(sel), SUBPAGES);
	op_start(&w, true, fd, sel, strlen(sel));
	if (op_wait(&w, BOUND_MS) && w.ret == (ssize_t)strlen(sel))
		pt_pass("uffd/fd-free: a write on the fd completes in %ld ms while a read is stuck",
			w.ms);
	else
		pt_fail("uffd/fd-free: a write on the fd %s while a read is stuck in a uffd fault",
			atomic_load(&w.done) ? strerror(w.err) :
			"still waits after 5 s");
	op_end(&w);

	buf = calloc(1, 1 << 16);
	op_start(&r, false, fd, buf, (1 << 16) - 1);
	if (!op_wait(&r, BOUND_MS))
		pt_fail("uffd/fd-free: another read on the fd still waits after 5 s");
	else if (r.ret != (ssize_t)ref_sub_len || memcmp(buf, ref_sub, ref_sub_len))
		pt_fail("uffd/fd-free: another read returned %zd (%s), not the %zu bytes of the new selection",
			r.ret, r.ret < 0 ? strerror(r.err) : "text differs",
			ref_sub_len);
	else
		pt_pass("uffd/fd-free: another read completes in %ld ms with the new selection's report",
			r.ms);
	op_end(&r);
	free(buf);

	/*
	 * The kernel's side: a kernel-mode fault ends only on a fatal signal
	 * (fault_signal_pending()).  Say what a plain signal does.
	 */
	kill(stuck.pid, SIGUSR1);
	sleep_ms(100);
	t0 = cpu_ticks(stuck.pid);
	sleep_ms(STUCK_MS);
	t1 = cpu_ticks(stuck.pid);
	if (!atomic_load(&stuck.done))
		printf("note: uffd/signal: after SIGUSR1 the read still waits in the fault, using %ld of %ld ticks of CPU\n",
		       t1 - t0, STUCK_MS * sysconf(_SC_CLK_TCK) / 1000);
	else
		printf("note: uffd/signal: SIGUSR1 ended the read (%zd)\n",
		       stuck.ret);

	/* (2) A fatal signal ends the stuck read. */
	t0 = now_ms();
	kill(stuck.pid, SIGKILL);
	if (rproc_reap(&stuck, BOUND_MS))
		pt_pass("uffd/signal: SIGKILL ends the stuck read in %ld ms",
			now_ms() - t0);
	else
		rproc_kill(&stuck, u, "uffd/signal");
	close(fd);
}

/* A copy ended by a signal loses nothing: the next read has it all. */
static void check_give_back(struct uffd *u)
{
	struct rproc stuck;
	size_t len;
	char *text;
	int fd;

	fd = start_stuck_read(u, &stuck, "uffd/give-back");
	if (fd < 0)
		return;
	rproc_kill(&stuck, u, "uffd/give-back");
	text = read_rest(fd, &len);
	if (text && len == ref_all_len && !memcmp(text, ref_all, len))
		pt_pass("uffd/give-back: after the killed read the fd still gives the whole report (%zu bytes)",
			len);
	else
		pt_fail("uffd/give-back: the next read gave %zd bytes, expected the whole report (%zu)",
			text ? (ssize_t)len : -1, ref_all_len);
	free(text);
	close(fd);
}

/* (3) Resolving each fault completes the read with the right text. */
static void check_resolve(struct uffd *u)
{
	char why[80] = "";
	struct rproc stuck;
	char *rest, *text;
	size_t len;
	int fd;

	fd = start_stuck_read(u, &stuck, "uffd/resolve");
	if (fd < 0)
		return;
	sleep_ms(200);		/* stuck a while before the monitor answers */
	if (uffd_fill(u, (unsigned long)stuck.buf) || !uffd_serve(u, &stuck)) {
		pt_fail("uffd/resolve: the read did not complete after UFFDIO_COPY");
		rproc_kill(&stuck, u, "uffd/resolve");
		close(fd);
		return;
	}
	rproc_reap(&stuck, BOUND_MS);
	rest = read_rest(fd, &len);
	if (stuck.ret == (ssize_t)ref_all_len &&
	    !memcmp(stuck.buf, ref_all, ref_all_len) && rest && !len)
		pt_pass("uffd/resolve: UFFDIO_COPY completes the read, %zd bytes equal to a plain read's",
			stuck.ret);
	else
		pt_fail("uffd/resolve: read returned %zd, expected the %zu bytes of a plain read, then EOF",
			stuck.ret, ref_all_len);
	/*
	 * Parse a copy: the destination's pages past what the read wrote
	 * may be missing still, and a fault here would have no monitor.
	 */
	text = stuck.ret > 0 ? strndup(stuck.buf, stuck.ret) : NULL;
	if (text && rows_ok(text, NPAGES, why, sizeof(why)))
		pt_pass("uffd/resolve: %d rows, one present pte per page of the target",
			NPAGES);
	else
		pt_fail("uffd/resolve: rows: %s", text ? why : "no text");
	free(text);
	free(rest);
	close(fd);
}

/* With UFFD_USER_MODE_ONLY, kernel faults are not trapped: EFAULT at once. */
static void check_user_mode_only(void)
{
	struct uffd u;
	struct op r;
	size_t len;
	char *text;
	int fd, err;

	err = uffd_open(&u, UFFD_USER_MODE_ONLY);
	if (err) {
		pt_skip("uffd/user-only: userfaultfd(UFFD_USER_MODE_ONLY): %s",
			strerror(-err));
		return;
	}
	fd = open_selected(NPAGES);
	if (fd < 0) {
		pt_fail("uffd/user-only: open: %s", strerror(-fd));
		goto out;
	}
	op_start(&r, false, fd, uffd_take(&u, 8), 8 * PG);
	if (op_wait(&r, BOUND_MS) && r.ret < 0 && r.err == EFAULT)
		pt_pass("uffd/user-only: the read fails with EFAULT at once (%ld ms)",
			r.ms);
	else
		pt_fail("uffd/user-only: the read %s",
			atomic_load(&r.done) ? "did not fail with EFAULT" :
			"waits");
	op_end(&r);
	text = read_rest(fd, &len);
	if (text && len == ref_all_len && !memcmp(text, ref_all, len))
		pt_pass("uffd/user-only: the next read gives the whole report");
	else
		pt_fail("uffd/user-only: the next read lost text (%zd of %zu bytes)",
			text ? (ssize_t)len : -1, ref_all_len);
	free(text);
	close(fd);
out:
	close(u.fd);
	munmap(u.area, UBUF_PAGES * PG);
}

static char proc_state(pid_t pid)
{
	char path[40], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && p[1] ? p[2] : '?';
}

/* (4) rmmod waits for a read stuck in a fault; SIGKILL releases both. */
static void check_rmmod(struct uffd *u)
{
	struct rproc stuck;
	bool reaped = false;
	long t0, waited;
	int fd, st = 0;
	char state;
	pid_t rm;

	if (geteuid()) {
		pt_skip("uffd/rmmod: needs root");
		return;
	}
	if (access(MODULE_PATH, R_OK)) {
		pt_skip("uffd/rmmod: no %s", MODULE_PATH);
		return;
	}
	fd = start_stuck_read(u, &stuck, "uffd/rmmod");
	if (fd < 0)
		return;
	rm = fork();
	if (rm == 0) {
		execlp("rmmod", "rmmod", "ptscope", (char *)NULL);
		_exit(127);
	}
	sleep_ms(STUCK_MS);
	state = proc_state(rm);
	reaped = waitpid(rm, &st, WNOHANG) == rm;
	if (!reaped)
		pt_pass("uffd/rmmod: rmmod waits for the read stuck in the fault (state %c)",
			state);
	else
		pt_fail("uffd/rmmod: rmmod returned (status %d) while a read was in a proc op",
			st);

	t0 = now_ms();
	rproc_kill(&stuck, u, "uffd/rmmod");
	while (!reaped && now_ms() - t0 < BOUND_MS) {
		reaped = waitpid(rm, &st, WNOHANG) == rm;
		sleep_ms(10);
	}
	waited = now_ms() - t0;
	if (reaped && WIFEXITED(st) && !WEXITSTATUS(st) &&
	    access("/proc/ptscope", F_OK))
		pt_pass("uffd/rmmod: after SIGKILL to the reader, rmmod finishes cleanly in %ld ms",
			waited);
	else
		pt_fail("uffd/rmmod: rmmod did not finish cleanly within 5 s of the SIGKILL");
	if (!reaped) {
		if (u->fd >= 0)
			close(u->fd);
		u->fd = -1;
		waitpid(rm, &st, 0);
	}
	close(fd);
	if (!pt_module_loaded() && system("insmod " MODULE_PATH))
		pt_fail("uffd/rmmod: insmod again failed");
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	char why[80] = "";
	struct uffd u;
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGUSR1, &sa, NULL);
	err = start_target();
	if (err) {
		pt_fail("uffd: target: %s", strerror(-err));
		return pt_summary();
	}
	ref_all = reference(NPAGES, &ref_all_len);
	ref_sub = reference(SUBPAGES, &ref_sub_len);
	if (!ref_all || !ref_sub) {
		pt_fail("uffd: reading the reference reports failed");
		goto out;
	}
	if (!rows_ok(ref_all, NPAGES, why, sizeof(why)) ||
	    !rows_ok(ref_sub, SUBPAGES, why, sizeof(why))) {
		pt_fail("uffd: reference report: %s", why);
		goto out;
	}
	check_user_mode_only();
	err = uffd_open(&u, 0);
	if (err) {
		pt_skip("uffd: userfaultfd trapping kernel faults: %s (needs root, CAP_SYS_PTRACE or vm.unprivileged_userfaultfd=1)",
			strerror(-err));
		goto out;
	}
	check_fd_free(&u);
	check_give_back(&u);
	check_resolve(&u);
	check_rmmod(&u);
	if (u.fd >= 0)
		close(u.fd);
out:
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
	free(ref_all);
	free(ref_sub);
	return pt_summary();
}
