// SPDX-License-Identifier: GPL-2.0
/*
 * test-race: ptscope under concurrent change, each case built to land in
 * one race window (issue 12).  Windows of a few instructions are widened
 * by the delay points of a test build of ptscope.ko (module/testhook.h;
 * scripts/vm --test-hooks) or, inside the kernel, by the helper module
 * tests/modules/ptscope_testaid; a case that needs either SKIPs without.
 *
 *   exec-window   a setuid-root exec between exec_mmap() and commit_creds()
 *                 must not be selected by its former owner (procfs, netlink)
 *   pid-reuse     the pid reused between resolving the target and checking
 *                 the second credential (opener vs sender/writer)
 *   pmd-rcu       PTE tables freed by MADV_COLLAPSE of shmem while a walk
 *                 holds a pmd it read before entering RCU
 *   pte-reclaim   empty PTE tables freed by MADV_DONTNEED (7.2: under the
 *                 per-VMA lock only, beside the walk's mmap_read_lock)
 *                 while a walk holds a pmd it read before entering RCU
 *   thp-update    THPs cycled through write + MADV_FREE (pmdp_invalidate())
 *                 with swap off: no swap entry may ever be reported
 *   hugetlb-share shared hugetlb pmd tables unshared and freed under a walk
 *   vma-change    a VMA shrunk, replaced or split while a VMA report is
 *                 half-way through it
 *
 * Oracles: the kernel's own verdicts (credentials after exec, pid
 * liveness, /proc/swaps, /proc/PID/smaps) and, for the memory-safety
 * cases, the runner's scan for KASAN, lockdep and lockup reports (run on
 * the debug kernel by make check-debug).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "pt_nl.h"
#include "pt_oracle.h"
#include "uapi/ptscope.h"
#include "testhook.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004U
#endif

#define MIB (1UL << 20)
#define GIB (1UL << 30)
/* Where the cases put regions they look for; far from anything else. */
#define MARK_ADDR	0x5e7000000000UL
#define VMA_ADDR	0x300000000000UL

#define HOOK_DIR	"/sys/module/ptscope/parameters/"
#define TESTAID_KO	"/ptscope/testmods/ptscope_testaid.ko"
#define TESTAID_DIR	"/sys/module/ptscope_testaid/parameters/"
#define SUID_PATH	"/tmp/ptscope-suid"
#define SUID_COMM	"ptscope-suid"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 0) : -1;
}

/* ---- the delay points of a test build ---- */

static bool hooks_present(void)
{
	return access(HOOK_DIR "test_delay_point", F_OK) == 0;
}

static void hook_set(const char *name, unsigned long v)
{
	char path[128], val[32];

	snprintf(path, sizeof(path), HOOK_DIR "test_delay_%s", name);
	snprintf(val, sizeof(val), "%lu", v);
	if (write_file(path, val))
		pt_fail("race: cannot set %s", path);
}

static void hook_arm(int point, unsigned int ms, pid_t pid, unsigned long addr)
{
	hook_set("ms", 0);
	hook_set("pid", pid);
	hook_set("addr", addr);
	hook_set("point", point);
	hook_set("ms", ms);
}

static void hook_disarm(void)
{
	hook_set("ms", 0);
	hook_set("point", PTSCOPE_TP_NONE);
	hook_set("addr", 0);
	hook_set("pid", 0);
}

static long hook_hits(void)
{
	return read_long(HOOK_DIR "test_delay_hits");
}

/* Waits until the hit count passes @old; false after @secs. */
static bool hook_wait_hit(long old, double secs)
{
	double end = now() + secs;

	while (now() < end) {
		if (hook_hits() > old)
			return true;
		usleep(2000);
	}
	return false;
}

/* ---- small helpers ---- */

/* A byte over a pipe, with a timeout; 0 or -1. */
static int wait_byte(int fd, double secs)
{
	double end = now() + secs;
	char c;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (now() < end) {
		if (read(fd, &c, 1) == 1)
			return 0;
		usleep(2000);
	}
	return -1;
}

static void put_byte(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		_exit(3);
}

static void reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Maps @len bytes at MARK_ADDR, touched, so that a report can name it. */
static int map_mark(size_t len)
{
	char *p = mmap((void *)MARK_ADDR, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);

	if (p != (char *)MARK_ADDR)
		return -1;
	memset(p, 0x5e, len);
	return 0;
}

/* procfs vtop of @addr in @pid through @fd: 1 leaf, 0 anything else. */
static int vtop_is_leaf(int fd, char *buf, size_t size)
{
	ssize_t n, len = 0;

	while ((n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len > 0 ? len : 0] = '\0';
	return strstr(buf, "stop: leaf") != NULL;
}

/* ---- netlink vtop ---- */

struct vtop_answer {
	int stop;
};

static int vtop_cb(const struct nlmsghdr *nh, void *arg)
{
	struct vtop_answer *v = arg;

	pt_nl_for_each(a, pt_nl_msg_attrs(nh), pt_nl_msg_len(nh)) {
		if ((a->nla_type & NLA_TYPE_MASK) != PTSCOPE_A_VTOP)
			continue;
		pt_nl_for_each(b, pt_nl_data(a), pt_nl_len(a))
			if (b->nla_type == PTSCOPE_VTOP_STOP)
				v->stop = *(const uint8_t *)pt_nl_data(b);
	}
	return 0;
}

/* 0 with *stop set, or the kernel's -errno. */
static int nl_vtop(struct pt_nl *nl, pid_t pid, unsigned long addr, int *stop)
{
	struct vtop_answer v = { .stop = -1 };
	struct pt_nl_req r;
	int err;

	pt_nl_init(&r, nl->family, PTSCOPE_CMD_VTOP, 0);
	pt_nl_put_u32(&r, PTSCOPE_A_PID, pid);
	pt_nl_put_u64(&r, PTSCOPE_A_ADDR, addr);
	err = pt_nl_xfer(nl, &r, vtop_cb, &v, NULL);
	*stop = v.stop;
	return err;
}

/* ---- exec-window ---- */

static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* The setuid-root image: shows a mark, says so on fd 3, waits. */
static int suid_main(void)
{
	if (map_mark(64 * 1024) == 0)
		put_byte(3, 'r');
	pause();
	return 0;
}

struct exec_sel {
	pid_t target;
	int go;			/* write end: releases the exec */
	atomic_int armed;	/* selectors waiting for the window */
};

struct exec_try {
	struct exec_sel *s;
	bool netlink;
	bool in_window;		/* the attempt began inside the window */
	int err;		/* the selection's 0 or -errno */
	bool leaked;		/* the report showed the setuid image */
	char why[96];
};

static bool in_exec_window(void)
{
	return read_long(TESTAID_DIR "in_exec_window") == 1;
}

static void *exec_selector(void *arg)
{
	struct exec_try *t = arg;
	double end = now() + 20;
	char buf[8192], sel[64];
	struct pt_nl nl;
	int fd = -1, stop;

	if (t->netlink && pt_nl_open(&nl)) {
		snprintf(t->why, sizeof(t->why), "netlink: cannot open");
		return NULL;
	}
	if (!t->netlink) {
		fd = open("/proc/ptscope/vtop", O_RDWR);
		if (fd < 0) {
			snprintf(t->why, sizeof(t->why), "cannot open vtop");
			return NULL;
		}
	}
	atomic_fetch_add(&t->s->armed, 1);
	/* One read decides: the window may close right after it. */
	while (!(t->in_window = in_exec_window()) && now() < end)
		;
	if (t->netlink) {
		t->err = nl_vtop(&nl, t->s->target, MARK_ADDR, &stop);
		pt_nl_close(&nl);
		return NULL;
	}
	snprintf(sel, sizeof(sel), "%d %lx\n", t->s->target, MARK_ADDR);
	t->err = write(fd, sel, strlen(sel)) < 0 ? -errno : 0;
	if (!t->err) {
		/* Let the image map its mark, then look. */
		usleep(800 * 1000);
		t->leaked = vtop_is_leaf(fd, buf, sizeof(buf));
	}
	close(fd);
	return NULL;
}

/* As uid 1000: race a procfs and a netlink selection with the exec. */
static void exec_window_user(void *arg)
{
	struct exec_sel *s = arg;
	struct exec_try t[2] = {
		{ .s = s, .netlink = false }, { .s = s, .netlink = true },
	};
	pthread_t th[2];
	int i;

	/*
	 * The exec spins on CPU 0 with preemption off: a selector queued
	 * there would miss the window, so both run on CPU 1.
	 */
	pin_to_cpu(1);
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, exec_selector, &t[i]);
	while (atomic_load(&s->armed) < 2)
		usleep(1000);
	put_byte(s->go, 'g');
	for (i = 0; i < 2; i++) {
		const char *how = t[i].netlink ? "netlink" : "procfs";

		pthread_join(th[i], NULL);
		if (t[i].why[0]) {
			pt_fail("exec-window/%s: %s", how, t[i].why);
		} else if (!t[i].in_window) {
			pt_fail("exec-window/%s: no attempt landed in the window",
				how);
		} else if (!t[i].err || t[i].leaked) {
			pt_fail("exec-window/%s: selected a setuid-root exec in its window (%s)",
				how, t[i].leaked ? "its mappings shown" : "accepted");
		} else {
			pt_pass("exec-window/%s: selection during the exec refused (%s)",
				how, strerror(-t[i].err));
		}
	}
}

static void test_exec_window(void)
{
	char cmd[256];
	int go[2], ready[2], round;

	if (access(TESTAID_KO, R_OK)) {
		pt_skip("exec-window: no %s", TESTAID_KO);
		return;
	}
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		pt_skip("exec-window: needs 2 CPUs (one exec'ing, one selecting)");
		return;
	}
	snprintf(cmd, sizeof(cmd), "cp /proc/%d/exe " SUID_PATH " && chown 0:0 "
		 SUID_PATH " && chmod 4755 " SUID_PATH, getpid());
	if (system(cmd)) {
		pt_fail("exec-window: cannot make the setuid image");
		return;
	}
	snprintf(cmd, sizeof(cmd), "insmod " TESTAID_KO
		 " exec_comm=" SUID_COMM " exec_delay_ms=400 2>/dev/null");
	if (system(cmd)) {
		pt_skip("exec-window: the helper module does not load (no kprobes?)");
		return;
	}
	for (round = 0; round < 2; round++) {
		struct exec_sel s = { 0 };
		pid_t child;

		if (pipe(go) || pipe(ready)) {
			pt_fail("exec-window: pipe");
			break;
		}
		child = fork();
		if (!child) {
			char c;

			close(go[1]);
			if (pin_to_cpu(0) || read(go[0], &c, 1) != 1)
				_exit(2);
			dup2(ready[1], 3);
			if (setgroups(0, NULL) || setgid(1000) || setuid(1000))
				_exit(2);
			execl(SUID_PATH, SUID_COMM, (char *)NULL);
			_exit(2);
		}
		close(go[0]);
		close(ready[1]);
		s.target = child;
		s.go = go[1];
		pt_run_unprivileged(exec_window_user, &s);
		if (wait_byte(ready[0], 20))
			pt_fail("exec-window: the setuid image never ran");
		reap(child);
		close(go[1]);
		close(ready[0]);
	}
	if (system("rmmod ptscope_testaid"))
		pt_fail("exec-window: cannot unload the helper module");
}

/* ---- pid-reuse ---- */

/* Receives one descriptor over a unix socket. */
static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &mh, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

static void send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, c = 'f';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	if (sendmsg(sock, &mh, 0) != 1)
		_exit(2);
}

/*
 * A process of uid 1000 that only waits, and that uid 1000 may inspect:
 * dropping from root leaves it non-dumpable until it execs.
 */
static pid_t spawn_user_sleeper(void)
{
	char path[64], comm[32] = "";
	pid_t p = fork();
	double end = now() + 10;
	FILE *f;

	if (!p) {
		if (setgroups(0, NULL) || setgid(1000) || setuid(1000))
			_exit(2);
		execlp("sleep", "sleep", "3600", (char *)NULL);
		_exit(2);
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", p);
	while (strcmp(comm, "sleep\n") && now() < end) {
		usleep(2000);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = '\0';
			fclose(f);
		}
	}
	return p;
}

/*
 * A root process that maps the mark, with pid @want if it is free:
 * ns_last_pid makes the next fork take it.  Returns its pid (which the
 * caller compares with @want) once the mark is mapped, or -1.
 */
static pid_t spawn_root_with_pid(pid_t want)
{
	char val[32];
	int ready[2];
	pid_t p;

	if (pipe(ready))
		return -1;
	snprintf(val, sizeof(val), "%d", want - 1);
	if (write_file("/proc/sys/kernel/ns_last_pid", val)) {
		close(ready[0]);
		close(ready[1]);
		return -1;
	}
	p = fork();
	if (!p) {
		close(ready[0]);
		if (map_mark(64 * 1024) == 0)
			put_byte(ready[1], 'r');
		for (;;)
			pause();
	}
	close(ready[1]);
	if (p > 0 && wait_byte(ready[0], 10)) {
		reap(p);
		p = -1;
	}
	close(ready[0]);
	return p;
}

struct reuse_write {
	int fd;
	pid_t victim;
	int err;
};

static void *reuse_writer(void *arg)
{
	struct reuse_write *w = arg;
	char sel[64];

	snprintf(sel, sizeof(sel), "%d %lx\n", w->victim, MARK_ADDR);
	w->err = write(w->fd, sel, strlen(sel)) < 0 ? -errno : 0;
	return NULL;
}

/*
 * While the hook holds the request after resolving the victim, kill it
 * and give its pid number to a root process.  Returns that process, or
 * -1 (the case then SKIPs: the pid could not be reused).
 */
static pid_t reuse_victim_pid(long hits, pid_t victim, const char *name)
{
	pid_t root;

	if (!hook_wait_hit(hits, 10)) {
		pt_fail("pid-reuse/%s: the request never reached the delay point",
			name);
		return -1;
	}
	reap(victim);
	root = spawn_root_with_pid(victim);
	if (root != victim) {
		reap(root);
		pt_skip("pid-reuse/%s: pid %d was not reused", name, victim);
		return -1;
	}
	return root;
}

/* procfs: a file opened by uid 1000, written by root. */
static void pid_reuse_procfs(void)
{
	struct reuse_write w = { 0 };
	int sv[2], leaf = 0;
	char buf[8192];
	pthread_t th;
	pid_t opener, root;
	long hits;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv)) {
		pt_fail("pid-reuse/procfs: socketpair");
		return;
	}
	opener = fork();
	if (!opener) {
		int fd;

		if (setgroups(0, NULL) || setgid(1000) || setuid(1000))
			_exit(2);
		fd = open("/proc/ptscope/vtop", O_RDWR);
		if (fd < 0)
			_exit(2);
		send_fd(sv[1], fd);
		_exit(0);
	}
	w.fd = recv_fd(sv[0]);
	waitpid(opener, NULL, 0);
	close(sv[0]);
	close(sv[1]);
	if (w.fd < 0) {
		pt_fail("pid-reuse/procfs: no descriptor from the uid-1000 opener");
		return;
	}
	w.victim = spawn_user_sleeper();
	hits = hook_hits();
	hook_arm(PTSCOPE_TP_TARGET_RESOLVED, 1500, getpid(), 0);
	pthread_create(&th, NULL, reuse_writer, &w);
	root = reuse_victim_pid(hits, w.victim, "procfs");
	pthread_join(th, NULL);
	hook_disarm();
	if (root > 0) {
		if (!w.err)
			leaf = vtop_is_leaf(w.fd, buf, sizeof(buf));
		if (!w.err)
			pt_fail("pid-reuse/procfs: a uid-1000 opener selected root's process with the reused pid%s",
				leaf ? " (its mapping shown)" : "");
		else
			pt_pass("pid-reuse/procfs: the reused pid was refused (%s)",
				strerror(-w.err));
		reap(root);
	}
	close(w.fd);
}

/* netlink: a socket opened by root, used by uid 1000. */
static void pid_reuse_netlink(void)
{
	struct pt_nl nl;
	int go[2], st;
	pid_t victim, sender, root;
	long hits;

	if (pt_nl_open(&nl)) {
		pt_fail("pid-reuse/netlink: cannot open the family");
		pt_nl_close(&nl);
		return;
	}
	if (pipe(go)) {
		pt_nl_close(&nl);
		return;
	}
	victim = spawn_user_sleeper();
	sender = fork();
	if (!sender) {
		int err, stop;
		char c;

		if (setgroups(0, NULL) || setgid(1000) || setuid(1000) ||
		    read(go[0], &c, 1) != 1)
			_exit(10);
		err = nl_vtop(&nl, victim, MARK_ADDR, &stop);
		_exit(err ? 0 : stop == PTSCOPE_VTOP_STOP_LEAF ? 1 : 2);
	}
	pt_nl_close(&nl);
	hits = hook_hits();
	hook_arm(PTSCOPE_TP_TARGET_RESOLVED, 1500, sender, 0);
	put_byte(go[1], 'g');
	root = reuse_victim_pid(hits, victim, "netlink");
	waitpid(sender, &st, 0);
	hook_disarm();
	close(go[0]);
	close(go[1]);
	if (root <= 0)
		return;
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 10)
		pt_fail("pid-reuse/netlink: the sender failed (status %#x)", st);
	else if (WEXITSTATUS(st))
		pt_fail("pid-reuse/netlink: a uid-1000 sender on root's socket read root's process with the reused pid%s",
			WEXITSTATUS(st) == 1 ? " (its mapping shown)" : "");
	else
		pt_pass("pid-reuse/netlink: the reused pid was refused");
	reap(root);
}

static void test_pid_reuse(void)
{
	if (!hooks_present()) {
		pt_skip("pid-reuse: needs a test build (scripts/vm --test-hooks)");
		return;
	}
	if (access("/proc/sys/kernel/ns_last_pid", W_OK)) {
		pt_skip("pid-reuse: no /proc/sys/kernel/ns_last_pid");
		return;
	}
	pid_reuse_procfs();
	pid_reuse_netlink();
}

/* ---- shared memory counters of the target loops ---- */

struct loop_stats {
	atomic_long iters;
	atomic_long ok;		/* operations that did what they should */
	atomic_int err;		/* the first errno of a failed one */
};

static struct loop_stats *shared_stats(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* An aligned region of @len inside a PROT_NONE reservation of 2 * @len. */
static void *aligned_reserve(size_t len)
{
	char *p = mmap(NULL, 2 * len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	return (void *)(((uintptr_t)p + len - 1) & ~(uintptr_t)(len - 1));
}

/* Reads /proc/ptscope/FILE for @sel; 0 or -1. */
static int read_report(const char *file, const char *sel, char **out)
{
	*out = pt_proc_query(file, sel);
	return *out ? 0 : -1;
}

/*
 * Rows of /proc/ptscope/ranges for [start, end) of @pid, read once, that
 * are not present leaves of one of @levels ("pte pmd"); -1 if it cannot
 * be read.
 */
static int odd_rows(pid_t pid, unsigned long start, unsigned long end,
		    const char *levels)
{
	struct pt_row *rows;
	int n = pt_read_rows("ranges", pid, start, end, &rows), i, odd = 0;

	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (rows[i].state != PT_PRESENT || !rows[i].level[0] ||
		    !strstr(levels, rows[i].level))
			odd++;
	free(rows);
	return odd;
}

/* ---- pmd-rcu ---- */

static void collapse_loop(char *base, int fd, struct loop_stats *st)
{
	for (;;) {
		size_t i;

		fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
			  2 * MIB);
		for (i = 0; i < 2 * MIB; i += 4096)
			base[i] = (char)i;
		if (madvise(base, 2 * MIB, MADV_COLLAPSE) == 0)
			atomic_fetch_add(&st->ok, 1);
		else if (!atomic_load(&st->err))
			atomic_store(&st->err, errno);
		atomic_fetch_add(&st->iters, 1);
	}
}

static void test_pmd_rcu(void)
{
	struct loop_stats *st = shared_stats();
	double end;
	char *base, sel[80], *rep;
	long hits, walks = 0, bad = 0;
	pid_t target;
	int fd;

	if (!hooks_present()) {
		pt_skip("pmd-rcu: needs a test build (scripts/vm --test-hooks)");
		return;
	}
	fd = memfd_create("ptscope-race", 0);
	base = aligned_reserve(2 * MIB);
	if (!st || fd < 0 || !base || ftruncate(fd, 2 * MIB) ||
	    mmap(base, 2 * MIB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fd, 0) != base) {
		pt_fail("pmd-rcu: cannot map shmem: %s", strerror(errno));
		return;
	}
	target = fork();
	if (!target)
		collapse_loop(base, fd, st);
	close(fd);
	/* Does this kernel collapse shmem at all? */
	end = now() + 20;
	while (!atomic_load(&st->ok) && !atomic_load(&st->err) && now() < end)
		usleep(10000);
	if (!atomic_load(&st->ok)) {
		reap(target);
		pt_skip("pmd-rcu: MADV_COLLAPSE of shmem does not succeed here (%s)",
			strerror(atomic_load(&st->err)));
		return;
	}
	hits = hook_hits();
	hook_arm(PTSCOPE_TP_PMD_CLASSIFIED, 200, getpid(),
		 (unsigned long)base);
	snprintf(sel, sizeof(sel), "%d", target);
	for (end = now() + 8; now() < end; walks++) {
		unsigned long b = (unsigned long)base;

		/* Present 4K pages or one 2M leaf, nothing else, can be there. */
		if (odd_rows(target, b, b + 2 * MIB, "pte pmd") > 0)
			bad++;
		if (read_report("summary", sel, &rep) == 0)
			free(rep);
	}
	hook_disarm();
	reap(target);
	if (bad)
		pt_fail("pmd-rcu: %ld of %ld walks reported impossible entries",
			bad, walks);
	else if (hook_hits() - hits < 2)
		pt_fail("pmd-rcu: the walks never stopped at the delay point");
	else
		pt_pass("pmd-rcu: %ld walks over %ld shmem collapses, %ld delayed, no bad entry",
			walks, atomic_load(&st->ok), hook_hits() - hits);
}

/* ---- pte-reclaim ---- */

/*
 * Fill a 2 MiB-aligned anonymous table and empty it with MADV_DONTNEED,
 * over and over.  Kernels with CONFIG_PT_RECLAIM (7.2) free the emptied
 * PTE table at once; 7.2 also takes only the VMA's lock for it, so the
 * zap and the free run beside a walk that holds mmap_read_lock.  ->ok
 * says whether this kernel reclaims: VmPTE, read by the target itself,
 * falls after the first MADV_DONTNEED.
 */
static void dontneed_loop(char *base, struct loop_stats *st)
{
	long before, after;
	size_t i;

	for (i = 0; i < 2 * MIB; i += 4096)
		base[i] = (char)i;
	before = pt_status_kb(getpid(), "VmPTE");
	madvise(base, 2 * MIB, MADV_DONTNEED);
	after = pt_status_kb(getpid(), "VmPTE");
	atomic_store(&st->ok, before >= 0 && after >= 0 && after < before);
	for (;;) {
		for (i = 0; i < 2 * MIB; i += 4096)
			base[i] = (char)i;
		madvise(base, 2 * MIB, MADV_DONTNEED);
		atomic_fetch_add(&st->iters, 1);
	}
}

static void test_pte_reclaim(void)
{
	struct loop_stats *st = shared_stats();
	long hits, walks = 0, bad = 0;
	char *base, sel[80], *rep;
	pid_t target;
	double end;

	if (!hooks_present()) {
		pt_skip("pte-reclaim: needs a test build (scripts/vm --test-hooks)");
		return;
	}
	base = aligned_reserve(2 * MIB);
	if (!st || !base ||
	    mmap(base, 2 * MIB, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != base ||
	    madvise(base, 2 * MIB, MADV_NOHUGEPAGE)) {
		pt_fail("pte-reclaim: cannot map 2 MiB: %s", strerror(errno));
		return;
	}
	target = fork();
	if (!target)
		dontneed_loop(base, st);
	end = now() + 20;
	while (!atomic_load(&st->iters) && now() < end)
		usleep(10000);
	hits = hook_hits();
	hook_arm(PTSCOPE_TP_PMD_CLASSIFIED, 200, getpid(),
		 (unsigned long)base);
	snprintf(sel, sizeof(sel), "%d", target);
	for (end = now() + 8; now() < end; walks++) {
		unsigned long b = (unsigned long)base;

		/* Only present 4K pages can be there (no THP: NOHUGEPAGE). */
		if (odd_rows(target, b, b + 2 * MIB, "pte") > 0)
			bad++;
		if (read_report("summary", sel, &rep) == 0)
			free(rep);
	}
	hook_disarm();
	reap(target);
	if (!atomic_load(&st->iters))
		pt_fail("pte-reclaim: the target never emptied its table");
	else if (bad)
		pt_fail("pte-reclaim: %ld of %ld walks reported impossible entries",
			bad, walks);
	else if (hook_hits() - hits < 2)
		pt_fail("pte-reclaim: the walks never stopped at the delay point");
	else
		pt_pass("pte-reclaim: %ld walks over %ld MADV_DONTNEEDs (empty tables %s), %ld delayed, no bad entry",
			walks, atomic_load(&st->iters),
			atomic_load(&st->ok) ? "reclaimed" : "kept",
			hook_hits() - hits);
}

/* ---- thp-update ---- */

#define THP_N	8

struct thp_loop {
	char *base;
	int first;
	struct loop_stats *st;
};

static void *thp_cycle(void *arg)
{
	struct thp_loop *l = arg;
	int i;

	for (;;) {
		for (i = l->first; i < THP_N; i += 2) {
			char *p = l->base + i * 2 * MIB;

			memset(p, i + 1, 2 * MIB);
			madvise(p, 2 * MIB, MADV_FREE);
		}
		atomic_fetch_add(&l->st->iters, 1);
	}
	return NULL;
}

/* Swap off, as /proc/swaps (the oracle of this case) confirms. */
static bool swap_off(void)
{
	char line[256];
	FILE *f;
	int n = 0;

	if (access("/dev/zram0", F_OK) == 0 &&
	    system("swapoff /dev/zram0 2>/dev/null"))
		return false;
	f = fopen("/proc/swaps", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n == 1;	/* the header only */
}

static void swap_on(void)
{
	if (access("/dev/zram0", F_OK) == 0 &&
	    system("swapon /dev/zram0 2>/dev/null"))
		pt_fail("thp-update: cannot switch swap on again");
}

static void test_thp_update(void)
{
	struct loop_stats *st = shared_stats();
	long bad_ranges = 0, bad_sum = 0, bad_vtop = 0, huge = 0, rounds;
	struct thp_loop l[2];
	char sel[80], *rep;
	pthread_t th[2];
	pid_t target;
	char *base;
	int i;

	base = aligned_reserve(THP_N * 2 * MIB);
	if (!st || !base ||
	    mmap(base, THP_N * 2 * MIB, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != base ||
	    madvise(base, THP_N * 2 * MIB, MADV_HUGEPAGE)) {
		pt_skip("thp-update: no THP region: %s", strerror(errno));
		return;
	}
	if (!swap_off()) {
		pt_skip("thp-update: cannot switch swap off");
		return;
	}
	target = fork();
	if (!target) {
		for (i = 0; i < 2; i++) {
			l[i] = (struct thp_loop){ base, i, st };
			pthread_create(&th[i], NULL, thp_cycle, &l[i]);
		}
		for (;;)
			pause();
	}
	while (atomic_load(&st->iters) < 2)
		usleep(10000);
	for (rounds = 0; rounds < 150; rounds++) {
		char vsel[80];

		struct pt_row *rows;
		int n = pt_read_rows("ranges", target, (unsigned long)base,
				     (unsigned long)base + THP_N * 2 * MIB,
				     &rows);

		for (i = 0; i < n; i++)
			if (rows[i].state == PT_PRESENT &&
			    !strcmp(rows[i].level, "pmd")) {
				huge++;
				break;
			}
		for (i = 0; i < n; i++)
			if (rows[i].state == PT_SWAP) {
				bad_ranges++;
				break;
			}
		if (n >= 0)
			free(rows);
		snprintf(sel, sizeof(sel), "%d", target);
		if (read_report("summary", sel, &rep) == 0) {
			if (!strstr(rep, " swap=0K "))
				bad_sum++;
			free(rep);
		}
		snprintf(vsel, sizeof(vsel), "%d %lx", target,
			 (unsigned long)base + (rounds % THP_N) * 2 * MIB);
		if (read_report("vtop", vsel, &rep) == 0) {
			if (strstr(rep, "non-present"))
				bad_vtop++;
			free(rep);
		}
	}
	reap(target);
	swap_on();
	if (!huge)
		pt_skip("thp-update: no THP was ever mapped");
	else if (bad_ranges || bad_sum || bad_vtop)
		pt_fail("thp-update: with swap off, %ld/%ld rounds showed swap in ranges, %ld in the summary, %ld vtops non-present",
			bad_ranges, rounds, bad_sum, bad_vtop);
	else
		pt_pass("thp-update: %ld rounds (%ld with THPs) over %ld THP cycles, never a swap entry",
			rounds, huge, atomic_load(&st->iters));
}

/* ---- hugetlb-share ---- */

static void share_dontneed_loop(char *x, struct loop_stats *st)
{
	for (;;) {
		int i;

		madvise(x, 8 * MIB, MADV_DONTNEED);
		for (i = 0; i < 4; i++)
			x[i * 2 * MIB] = (char)i;
		atomic_fetch_add(&st->iters, 1);
	}
}

static void share_remap_loop(int fd, struct loop_stats *st)
{
	char *y = aligned_reserve(GIB);

	for (;;) {
		int i;

		if (mmap(y, GIB, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED | MAP_NORESERVE, fd, 0) != y)
			_exit(2);
		for (i = 0; i < 4; i++)
			y[i * 2 * MIB] = (char)i;
		mmap(y, GIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		     MAP_FIXED | MAP_NORESERVE, -1, 0);
		atomic_fetch_add(&st->ok, 1);
	}
}

static void test_hugetlb_share(void)
{
	struct loop_stats *st = shared_stats();
	long walks = 0, bad = 0, hits;
	pid_t a = -1, b = -1;
	char sel[80], *rep;
	double end;
	char *x;
	int fd, i;

	if (!hooks_present()) {
		pt_skip("hugetlb-share: needs a test build (scripts/vm --test-hooks)");
		return;
	}
	fd = memfd_create("ptscope-race-huge", MFD_HUGETLB);
	x = aligned_reserve(GIB);
	if (!st || fd < 0 || !x || ftruncate(fd, GIB) ||
	    mmap(x, GIB, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED | MAP_NORESERVE, fd, 0) != x) {
		pt_skip("hugetlb-share: no 1 GiB hugetlb file mapping: %s",
			strerror(errno));
		return;
	}
	for (i = 0; i < 4; i++)
		x[i * 2 * MIB] = (char)i;
	a = fork();
	if (!a)
		share_dontneed_loop(x, st);
	b = fork();
	if (!b)
		share_remap_loop(fd, st);
	close(fd);
	munmap(x, GIB);
	hits = hook_hits();
	hook_arm(PTSCOPE_TP_HUGETLB_PUD, 30, getpid(), (unsigned long)x);
	snprintf(sel, sizeof(sel), "%d", a);
	for (end = now() + 8; now() < end; walks++) {
		/* Present 2M leaves, or nothing. */
		if (odd_rows(a, (unsigned long)x, (unsigned long)x + 8 * MIB,
			     "pmd") > 0)
			bad++;
		if (read_report("vmas", sel, &rep) == 0)
			free(rep);
	}
	hook_disarm();
	reap(a);
	reap(b);
	if (bad)
		pt_fail("hugetlb-share: %ld of %ld walks reported impossible entries",
			bad, walks);
	else if (hook_hits() - hits < 2 || atomic_load(&st->iters) < 2 ||
		 atomic_load(&st->ok) < 2)
		pt_fail("hugetlb-share: too little happened (%ld delays, %ld unshares, %ld remaps)",
			hook_hits() - hits, atomic_load(&st->iters),
			atomic_load(&st->ok));
	else
		pt_pass("hugetlb-share: %ld walks, %ld delayed, %ld unshares, %ld remaps, no bad entry",
			walks, hook_hits() - hits, atomic_load(&st->iters),
			atomic_load(&st->ok));
}

/* ---- vma-change ---- */

/* The target: 16 MiB touched at VMA_ADDR, then one change on command. */
static void vma_target(int cmd, int ack)
{
	char *p = mmap((void *)VMA_ADDR, 16 * MIB, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);
	char c;

	if (p != (char *)VMA_ADDR)
		_exit(2);
	memset(p, 1, 16 * MIB);
	put_byte(ack, 'r');
	if (read(cmd, &c, 1) != 1)
		_exit(2);
	switch (c) {
	case 's':	/* shrink below the walk's cursor */
		munmap(p + 2 * MIB, 14 * MIB);
		break;
	case 'r':	/* replace: same start, new end, fewer pages */
		munmap(p, 16 * MIB);
		if (mmap(p, 6 * MIB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != p)
			_exit(2);
		memset(p, 2, MIB);
		break;
	case 'p':	/* split by mprotect */
		mprotect(p + 8 * MIB, 8 * MIB, PROT_READ);
		break;
	}
	put_byte(ack, 'k');
	for (;;)
		pause();
}

struct vma_row {
	unsigned long start, end, rss_kb;
};

/* The VMAs of a procfs vmas report; returns the count. */
static int parse_proc_vmas(const char *rep, struct vma_row *v, int max)
{
	const char *p = rep;
	int n = 0;

	while (p && *p && n < max) {
		unsigned long s, e, rss;

		if (sscanf(p, "%lx-%lx ", &s, &e) == 2 && *p != ' ') {
			v[n].start = s;
			v[n].end = e;
			v[n].rss_kb = ~0UL;
			n++;
		} else if (n && sscanf(p, " rss=%luK", &rss) == 1) {
			v[n - 1].rss_kb = rss;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

struct nl_vmas {
	struct vma_row *v;
	int n, max;
};

static int nl_vmas_cb(const struct nlmsghdr *nh, void *arg)
{
	struct nl_vmas *r = arg;

	pt_nl_for_each(a, pt_nl_msg_attrs(nh), pt_nl_msg_len(nh)) {
		struct vma_row row = { .rss_kb = ~0UL };

		if ((a->nla_type & NLA_TYPE_MASK) != PTSCOPE_A_VMA ||
		    r->n == r->max)
			continue;
		pt_nl_for_each(b, pt_nl_data(a), pt_nl_len(a)) {
			const uint64_t *u = pt_nl_data(b);

			switch (b->nla_type & NLA_TYPE_MASK) {
			case PTSCOPE_VMA_START:
				row.start = *u;
				break;
			case PTSCOPE_VMA_END:
				row.end = *u;
				break;
			case PTSCOPE_VMA_STATS:
				pt_nl_for_each(c, pt_nl_data(b), pt_nl_len(b))
					if (c->nla_type == PTSCOPE_STAT_RSS)
						row.rss_kb = *(const uint64_t *)
							pt_nl_data(c) * 4;
				break;
			}
		}
		r->v[r->n++] = row;
	}
	return 0;
}

struct vma_walk {
	pid_t target;
	bool netlink;
	struct vma_row v[64];
	int n;			/* -errno on failure */
};

static void *vma_walker(void *arg)
{
	struct vma_walk *w = arg;
	char sel[32], *rep;

	if (w->netlink) {
		struct nl_vmas r = { .v = w->v, .max = 64 };
		struct pt_nl nl;
		struct pt_nl_req req;

		w->n = pt_nl_open(&nl);
		if (!w->n) {
			pt_nl_init(&req, nl.family, PTSCOPE_CMD_GET_VMAS,
				   NLM_F_DUMP);
			pt_nl_put_u32(&req, PTSCOPE_A_PID, w->target);
			w->n = pt_nl_xfer(&nl, &req, nl_vmas_cb, &r, NULL);
			if (!w->n)
				w->n = r.n;
		}
		pt_nl_close(&nl);
		return NULL;
	}
	snprintf(sel, sizeof(sel), "%d", w->target);
	if (read_report("vmas", sel, &rep)) {
		w->n = -errno;
		return NULL;
	}
	w->n = parse_proc_vmas(rep, w->v, 64);
	free(rep);
	return NULL;
}

/*
 * Every VMA of the report as smaps has it and no other, and in the region
 * that changed, with smaps' Rss.  (Elsewhere Rss may differ by design:
 * smaps does not count the special pages of [vvar].)
 */
static void vma_compare(const char *name, struct vma_walk *w)
{
	struct pt_vma *sm;
	int n = pt_read_smaps(w->target, &sm), i, j, bad = 0;

	if (n < 0 || w->n < 0) {
		pt_fail("vma-change/%s: no report (%d) or no smaps (%d)", name,
			w->n, n);
		return;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < w->n; j++)
			if (w->v[j].start == sm[i].start &&
			    w->v[j].end == sm[i].end)
				break;
		if (j == w->n) {
			printf("  missing: %lx-%lx\n", sm[i].start, sm[i].end);
			bad++;
		} else if (sm[i].start >= VMA_ADDR &&
			   sm[i].start < VMA_ADDR + 16 * MIB &&
			   w->v[j].rss_kb != sm[i].rss) {
			printf("  %lx-%lx: rss %luK, smaps %luK\n", sm[i].start,
			       sm[i].end, w->v[j].rss_kb, sm[i].rss);
			bad++;
		}
	}
	if (w->n != n) {
		printf("  %d VMAs reported, smaps has %d\n", w->n, n);
		bad++;
	}
	free(sm);
	if (bad)
		pt_fail("vma-change/%s: the report disagrees with smaps", name);
	else
		pt_pass("vma-change/%s: every VMA as smaps has it (%d VMAs)",
			name, n);
}

static void vma_change_case(char change, bool netlink)
{
	char name[32];
	struct vma_walk w = { .netlink = netlink };
	int cmd[2], ack[2];
	pthread_t th;
	long hits;

	snprintf(name, sizeof(name), "%s/%s", change == 's' ? "shrink" :
		 change == 'r' ? "replace" : "split",
		 netlink ? "netlink" : "procfs");
	if (pipe(cmd) || pipe(ack))
		return;
	w.target = fork();
	if (!w.target)
		vma_target(cmd[0], ack[1]);
	if (wait_byte(ack[0], 20)) {
		pt_fail("vma-change/%s: no target", name);
		goto out;
	}
	hits = hook_hits();
	/* Stop once the walk is 4 MiB into the region, with the lock dropped. */
	hook_arm(PTSCOPE_TP_LOCK_DROPPED, 1500, getpid(), VMA_ADDR + 4 * MIB);
	pthread_create(&th, NULL, vma_walker, &w);
	if (!hook_wait_hit(hits, 20)) {
		pt_fail("vma-change/%s: the walk never dropped the lock in the region",
			name);
	} else {
		put_byte(cmd[1], change);
		if (wait_byte(ack[0], 20))
			pt_fail("vma-change/%s: the target did not change", name);
	}
	/* Later lock drops need not wait. */
	hook_set("ms", 0);
	pthread_join(th, NULL);
	hook_disarm();
	vma_compare(name, &w);
out:
	reap(w.target);
	close(cmd[0]);
	close(cmd[1]);
	close(ack[0]);
	close(ack[1]);
}

static void test_vma_change(void)
{
	const char *c;

	if (!hooks_present()) {
		pt_skip("vma-change: needs a test build (scripts/vm --test-hooks)");
		return;
	}
	for (c = "srp"; *c; c++) {
		vma_change_case(*c, false);
		vma_change_case(*c, true);
	}
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;

	if (!strcmp(argv[0], SUID_COMM) || strstr(argv[0], "/" SUID_COMM))
		return suid_main();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!pt_module_loaded()) {
		pt_fail("ptscope.ko is not loaded");
		return pt_summary();
	}
#define CASE(n, f) do { if (!only || !strcmp(only, n)) f(); } while (0)
	CASE("exec-window", test_exec_window);
	CASE("pid-reuse", test_pid_reuse);
	CASE("thp-update", test_thp_update);
	CASE("vma-change", test_vma_change);
	CASE("pmd-rcu", test_pmd_rcu);
	CASE("pte-reclaim", test_pte_reclaim);
	CASE("hugetlb-share", test_hugetlb_share);
	return pt_summary();
}
