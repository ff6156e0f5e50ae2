// SPDX-License-Identifier: GPL-2.0
/*
 * test-stats-pid: the statistics watch list names processes, not pid
 * numbers.  Oracles: the kernel's own access rule (opening another user's
 * /proc/PID/pagemap is refused), the owner of a pid number in
 * /proc/PID/status, and what this test did to whom (which process it
 * watched, which it reaped, which one got a reused number).
 *
 *  - exited: a watched process of uid 2000 exits and stays a zombie; a
 *    reader of uid 1000, whom the kernel refuses its pagemap, must not see
 *    it on the watch list nor read its counters, through procfs or
 *    netlink; root still reads its totals (what `ptscope trace` needs);
 *  - reuse: a watched process of uid 1000 exits and is reaped, and a
 *    process of uid 2000 gets its number (ns_last_pid).  The number must
 *    not show as watched, "watch N" must watch the new process, and once
 *    the new one is a zombie, neither root nor uid 3000 may read the old
 *    counters under its number, and "unwatch N" must not find it;
 *  - race (test build only): the same, with the old process reaped and
 *    its number reused while a watch request for it sleeps at
 *    PTSCOPE_TP_WATCH_RESOLVED, between the access check and the store.
 *
 * Needs root (it watches, and sets ns_last_pid).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt_nl.h"
#include "pt_oracle.h"
#include "pt_stats.h"
#include "uapi/ptscope.h"

#define PG		4096UL
#define TOUCH_PAGES	256
#define TP_DIR		"/sys/module/ptscope/parameters/"

/* ---- a target process of some uid, driven by one-byte commands ---- */

struct target {
	pid_t pid;
	int cmd, ack;		/* parent's ends of the two pipes */
};

static void target_body(uid_t uid, int cmd, int ack)
{
	char c;

	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		_exit(10);
	while (read(cmd, &c, 1) == 1) {
		if (c == 't') {
			volatile char *p = mmap(NULL, TOUCH_PAGES * PG,
						PROT_READ | PROT_WRITE,
						MAP_PRIVATE | MAP_ANONYMOUS,
						-1, 0);
			size_t i;

			if (p == MAP_FAILED)
				_exit(11);
			for (i = 0; i < TOUCH_PAGES; i++)
				p[i * PG] = 1;
		} else if (c == 'x') {
			_exit(0);
		}
		if (write(ack, &c, 1) != 1)
			_exit(12);
	}
	_exit(0);
}

/*
 * Forks a target of @uid.  With @want_pid, the child must get exactly
 * that number (ns_last_pid); returns -EAGAIN when another task took it.
 */
static int target_start(struct target *t, uid_t uid, pid_t want_pid)
{
	int c[2], a[2];
	char ch = 'r';

	if (pipe(c) || pipe(a))
		return -errno;
	if (want_pid) {
		char buf[16];
		int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
		int n = snprintf(buf, sizeof(buf), "%d", want_pid - 1);

		if (fd < 0)
			return -errno;
		if (write(fd, buf, n) != n) {
			close(fd);
			return -errno;
		}
		close(fd);
	}
	fflush(stdout);
	t->pid = fork();
	if (t->pid < 0)
		return -errno;
	if (t->pid == 0) {
		close(c[1]);
		close(a[0]);
		target_body(uid, c[0], a[1]);
	}
	close(c[0]);
	close(a[1]);
	t->cmd = c[1];
	t->ack = a[0];
	if (want_pid && t->pid != want_pid) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
		close(t->cmd);
		close(t->ack);
		return -EAGAIN;
	}
	/* Wait until the target runs as @uid. */
	if (write(t->cmd, &ch, 1) != 1 || read(t->ack, &ch, 1) != 1)
		return -EIO;
	return 0;
}

static int target_do(struct target *t, char c)
{
	if (write(t->cmd, &c, 1) != 1 || read(t->ack, &c, 1) != 1)
		return -EIO;
	return 0;
}

/* Tells the target to exit and waits until it is a zombie (not reaped). */
static int target_exit_zombie(struct target *t)
{
	char c = 'x';
	siginfo_t si;

	if (write(t->cmd, &c, 1) != 1)
		return -EIO;
	close(t->cmd);
	close(t->ack);
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, t->pid, &si, WEXITED | WNOWAIT))
		return -errno;
	return 0;
}

static void target_reap(struct target *t)
{
	waitpid(t->pid, NULL, 0);
}

/* ---- reading statistics ---- */

struct get_result {
	int err;
	bool watched;
	bool has_ctrs;
	uint64_t fault_user;
};

static int keep_get(const struct nlmsghdr *nh, void *arg)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1];
	const struct nlattr *st[PTSCOPE_STATS_MAX + 1];
	const struct nlattr *ct[PTSCOPE_CTR_MAX + 1];
	struct get_result *g = arg;

	if (!pt_nl_parse_msg(nh, tb, PTSCOPE_A_MAX) || !tb[PTSCOPE_A_STATS] ||
	    !pt_nl_parse_nest(tb[PTSCOPE_A_STATS], st, PTSCOPE_STATS_MAX))
		return 0;
	g->watched = st[PTSCOPE_STATS_WATCHED] != NULL;
	if (st[PTSCOPE_STATS_COUNTERS] &&
	    pt_nl_parse_nest(st[PTSCOPE_STATS_COUNTERS], ct, PTSCOPE_CTR_MAX)) {
		g->has_ctrs = true;
		g->fault_user = pt_nl_u64(ct[PTSCOPE_CTR_FAULT_USER]);
	}
	return 0;
}

/* GET_STATS for @pid on a socket opened by the caller as it is now. */
static struct get_result nl_get(pid_t pid)
{
	struct get_result g = { 0 };
	struct pt_nl_req r;
	struct pt_nl nl;

	g.err = pt_nl_open(&nl);
	if (!g.err) {
		pt_nl_init(&r, nl.family, PTSCOPE_CMD_GET_STATS, 0);
		pt_nl_put_u32(&r, PTSCOPE_A_PID, pid);
		g.err = pt_nl_xfer(&nl, &r, keep_get, &g, NULL);
	}
	pt_nl_close(&nl);
	return g;
}

/* Whether a stats text has a "[pid N]" section with counters in it. */
static bool procfs_has_counters(const char *text, pid_t pid)
{
	char sec[16];

	snprintf(sec, sizeof(sec), "%d", (int)pid);
	return pt_stats_get(text, sec, "fault_user") >= 0;
}

/*
 * Runs fn(arg) in a child of @uid, folding its PASS/FAIL/SKIP counts into
 * ours (pt_run_unprivileged() is for uid 1000 only).
 */
static void as_uid(uid_t uid, void (*fn)(void *), void *arg)
{
	int fds[2], counts[3] = { 0, 0, 1 };
	pid_t child;

	if (pipe(fds)) {
		pt_fail("uid %d: pipe: %s", (int)uid, strerror(errno));
		return;
	}
	fflush(stdout);
	child = fork();
	if (!child) {
		close(fds[0]);
		pt_passed = pt_failed = pt_skipped = 0;
		if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
			pt_fail("uid %d: cannot drop privileges", (int)uid);
		else
			fn(arg);
		counts[0] = pt_passed;
		counts[1] = pt_failed;
		counts[2] = pt_skipped;
		if (write(fds[1], counts, sizeof(counts)) != sizeof(counts))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (child < 0 ||
	    read(fds[0], counts, sizeof(counts)) != sizeof(counts)) {
		pt_fail("uid %d: child died", (int)uid);
		counts[0] = counts[1] = counts[2] = 0;
	}
	close(fds[0]);
	waitpid(child, NULL, 0);
	pt_passed += counts[0];
	pt_failed += counts[1];
	pt_skipped += counts[2];
}

static int cmd_pid(const char *verb, pid_t pid)
{
	char cmd[32];

	snprintf(cmd, sizeof(cmd), "%s %d", verb, (int)pid);
	return pt_stats_cmd(cmd);
}

/* ---- exited: a zombie of another user ---- */

struct reader_arg {
	const char *what;
	pid_t pid;
};

/* The kernel itself refuses this reader the target: our oracle. */
static bool kernel_refuses(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EACCES || errno == EPERM;
}

static void reader_sees_nothing(void *p)
{
	const struct reader_arg *a = p;
	struct get_result g;
	char *t = pt_stats_read();

	if (!t) {
		pt_fail("%s: cannot read " PT_STATS_FILE, a->what);
		return;
	}
	if (pt_stats_watching(t, a->pid))
		pt_fail("%s: uid %d sees pid %d on the watch list", a->what,
			(int)getuid(), (int)a->pid);
	else
		pt_pass("%s: uid %d does not see pid %d on the watch list",
			a->what, (int)getuid(), (int)a->pid);
	if (procfs_has_counters(t, a->pid))
		pt_fail("%s: uid %d reads counters of pid %d in procfs",
			a->what, (int)getuid(), (int)a->pid);
	else
		pt_pass("%s: uid %d reads no counters of pid %d in procfs",
			a->what, (int)getuid(), (int)a->pid);
	free(t);
	g = nl_get(a->pid);
	if (!g.err && (g.watched || g.has_ctrs))
		pt_fail("%s: uid %d GET_STATS %d: watched %d, counters (fault_user %llu)",
			a->what, (int)getuid(), (int)a->pid, g.watched,
			(unsigned long long)g.fault_user);
	else
		pt_pass("%s: uid %d GET_STATS %d: error %d, no counters",
			a->what, (int)getuid(), (int)a->pid, g.err);
}

static void oracle_refused(void *p)
{
	const struct reader_arg *a = p;

	if (kernel_refuses(a->pid))
		pt_pass("%s: the kernel refuses uid %d the pagemap of pid %d",
			a->what, (int)getuid(), (int)a->pid);
	else
		pt_fail("%s: oracle: uid %d may open /proc/%d/pagemap",
			a->what, (int)getuid(), (int)a->pid);
}

static void test_exited(void)
{
	struct reader_arg ra = { "exited", 0 };
	struct target a;
	struct get_result g;
	int err;

	if (target_start(&a, 2000, 0)) {
		pt_fail("exited: cannot start a uid 2000 target");
		return;
	}
	ra.pid = a.pid;
	err = cmd_pid("watch", a.pid);
	if (err) {
		pt_fail("exited: watch %d: %d", (int)a.pid, err);
		target_exit_zombie(&a);
		target_reap(&a);
		return;
	}
	target_do(&a, 't');
	as_uid(1000, oracle_refused, &ra);
	if (target_exit_zombie(&a)) {
		pt_fail("exited: the target did not exit");
		return;
	}
	/* Root (CAP_SYS_ADMIN) still reads the zombie's totals. */
	g = nl_get(a.pid);
	if (!g.err && g.watched && g.fault_user >= TOUCH_PAGES)
		pt_pass("exited: root reads the zombie's totals, fault_user %llu >= %d",
			(unsigned long long)g.fault_user, TOUCH_PAGES);
	else
		pt_fail("exited: root GET_STATS of the zombie: error %d, watched %d, fault_user %llu",
			g.err, g.watched, (unsigned long long)g.fault_user);
	as_uid(1000, reader_sees_nothing, &ra);
	err = cmd_pid("unwatch", a.pid);
	if (err)
		pt_fail("exited: unwatch the zombie %d: %d", (int)a.pid, err);
	else
		pt_pass("exited: the zombie is unwatched by its number");
	target_reap(&a);
}

/* ---- reuse: the number of a reaped watched process ---- */

/* A process of uid 2000 that gets @pid; -EAGAIN if it cannot. */
static int start_at(struct target *t, pid_t pid)
{
	int i, err = -EAGAIN;

	for (i = 0; i < 20 && err == -EAGAIN; i++)
		err = target_start(t, 2000, pid);
	return err;
}

struct writer {
	pid_t pid;
	int go;			/* write end: one byte starts the request */
	int result;		/* read end: the write's errno, as an int */
};

/*
 * Forks a child that writes "watch PID" once told to go: the delay point
 * is aimed at its pid before it starts.
 */
static int writer_start(struct writer *w, pid_t target)
{
	int fds[2], go[2];

	if (pipe(fds) || pipe(go))
		return -errno;
	fflush(stdout);
	w->pid = fork();
	if (w->pid < 0)
		return -errno;
	if (w->pid == 0) {
		int err;
		char c;

		close(fds[0]);
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		err = cmd_pid("watch", target);
		if (write(fds[1], &err, sizeof(err)) != sizeof(err))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	close(go[0]);
	w->result = fds[0];
	w->go = go[1];
	return 0;
}

static int writer_finish(struct writer *w)
{
	int err = -EIO;

	if (read(w->result, &err, sizeof(err)) != sizeof(err))
		err = -EIO;
	close(w->result);
	close(w->go);
	waitpid(w->pid, NULL, 0);
	return err;
}

static bool set_param(const char *name, long v)
{
	char path[128], buf[32];
	int fd, n;

	snprintf(path, sizeof(path), TP_DIR "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return false;
	n = snprintf(buf, sizeof(buf), "%ld", v);
	n = write(fd, buf, n) == n;
	close(fd);
	return n;
}

static void test_reuse(bool race)
{
	const char *what = race ? "race" : "reuse";
	struct reader_arg ra = { what, 0 };
	struct target a, c;
	struct writer w = { 0, -1, -1 };
	struct get_result g;
	char *t;
	pid_t n;
	int err;

	if (race && access(TP_DIR "test_delay_point", F_OK)) {
		pt_skip("race: not a test build (no test_delay_point; scripts/vm --test-hooks)");
		return;
	}
	if (access("/proc/sys/kernel/ns_last_pid", W_OK)) {
		pt_skip("%s: /proc/sys/kernel/ns_last_pid is not writable", what);
		return;
	}
	if (target_start(&a, 1000, 0)) {
		pt_fail("%s: cannot start a uid 1000 target", what);
		return;
	}
	n = a.pid;
	ra.pid = n;
	if (!race) {
		err = cmd_pid("watch", n);
		target_do(&a, 't');
	} else {
		/* The request sleeps after its check, before it stores. */
		if (writer_start(&w, n)) {
			pt_fail("race: cannot fork the writer");
			return;
		}
		set_param("test_delay_ms", 3000);
		set_param("test_delay_pid", w.pid);
		set_param("test_delay_point", 5); /* PTSCOPE_TP_WATCH_RESOLVED */
		/* Let it through the check and into the delay. */
		if (write(w.go, "g", 1) != 1)
			pt_fail("race: cannot start the writer");
		usleep(500 * 1000);
		target_do(&a, 't');
		err = 0;
	}
	if (!race && err) {
		pt_fail("%s: watch %d: %d", what, (int)n, err);
		target_exit_zombie(&a);
		target_reap(&a);
		return;
	}
	target_exit_zombie(&a);
	target_reap(&a);
	err = start_at(&c, n);
	if (race) {
		int werr;
		bool pending = waitpid(w.pid, NULL, WNOHANG) == 0;

		werr = writer_finish(&w);
		set_param("test_delay_point", 0);
		/* Checked, then reaped before it stored: nothing to watch. */
		if (pending && werr == -ESRCH)
			pt_pass("race: the watch request outlived the reuse: -ESRCH");
		else if (pending)
			pt_fail("race: the watch request outlived the reuse: %d, want -ESRCH",
				werr);
		else
			printf("race: the watch request ended before the reuse (%d): no delay point in stats.c?\n",
			       werr);
	}
	if (err == -EAGAIN) {
		pt_skip("%s: could not give pid %d to a new process", what,
			(int)n);
		cmd_pid("unwatch", n);
		return;
	}
	if (err) {
		pt_fail("%s: cannot start the uid 2000 process: %d", what, err);
		cmd_pid("unwatch", n);
		return;
	}
	/* The oracle: pid N now belongs to uid 2000, a process never watched. */
	if (pt_status_field(n, "Uid") != 2000) {
		pt_fail("%s: oracle: pid %d has uid %ld, not 2000", what, (int)n,
			pt_status_field(n, "Uid"));
		goto out;
	}
	t = pt_stats_read();
	if (t && !pt_stats_watching(t, n))
		pt_pass("%s: pid %d (reused by uid 2000) is not on root's watch list",
			what, (int)n);
	else
		pt_fail("%s: pid %d (reused by uid 2000, never watched) is on the watch list",
			what, (int)n);
	free(t);
	g = nl_get(n);
	if (!g.err && !g.watched)
		pt_pass("%s: root GET_STATS %d: not watched", what, (int)n);
	else
		pt_fail("%s: root GET_STATS %d: error %d, watched %d", what,
			(int)n, g.err, g.watched);
	if (!race) {
		/* The new process is not watched: watching it must work. */
		err = cmd_pid("watch", n);
		if (!err)
			pt_pass("reuse: watch %d watches the new process", (int)n);
		else
			pt_fail("reuse: watch %d (the new process): %d", (int)n,
				err);
		if (!err && cmd_pid("unwatch", n))
			pt_fail("reuse: unwatch %d (the new process) failed",
				(int)n);
	}

	if (target_exit_zombie(&c)) {
		pt_fail("%s: the uid 2000 process did not exit", what);
		goto out;
	}
	/* A zombie that was never watched: no counters, for anyone. */
	g = nl_get(n);
	if (g.err || (!g.watched && !g.has_ctrs))
		pt_pass("%s: root GET_STATS %d (zombie, never watched): error %d",
			what, (int)n, g.err);
	else
		pt_fail("%s: root GET_STATS %d (zombie, never watched): watched %d, fault_user %llu",
			what, (int)n, g.watched,
			(unsigned long long)g.fault_user);
	as_uid(3000, reader_sees_nothing, &ra);
	err = cmd_pid("unwatch", n);
	if (err == -ENOENT)
		pt_pass("%s: unwatch %d (a zombie never watched): ENOENT", what,
			(int)n);
	else
		pt_fail("%s: unwatch %d (a zombie never watched): %d, want -ENOENT",
			what, (int)n, err);
	target_reap(&c);
out:
	/* The old slot, if any: its number is free again. */
	cmd_pid("unwatch", n);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid()) {
		pt_skip("test-stats-pid: needs root");
		return pt_summary();
	}
	if (pt_stats_cmd("on")) {
		pt_fail("setup: cannot switch statistics on");
		return pt_summary();
	}
	test_exited();
	test_reuse(false);
	test_reuse(true);
	pt_stats_cmd("off");
	return pt_summary();
}
