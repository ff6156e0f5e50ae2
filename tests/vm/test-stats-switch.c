// SPDX-License-Identifier: GPL-2.0
/*
 * test-stats-switch: whom task-switch TLB events (tlb:tlb_flush reason 0)
 * are charged to.  The documented rule (stats.c, uapi/ptscope.h, README):
 * the task switched AWAY from, since the tracepoint fires before `current`
 * changes; a switch from the idle task counts system-wide only.
 * Oracle: the kernel's own context-switch counts of each process
 * (voluntary_ctxt_switches and nonvoluntary_ctxt_switches in
 * /proc/PID/status), in two set-ups on one CPU whose switches differ:
 *
 *  - ping-pong: two watched processes hand the CPU to each other through
 *    pipes.  Each switch of W is straight to the other process's mm, so W
 *    is charged about one event per context switch of its own;
 *  - via idle: the same two processes are woken in turn by this test on
 *    CPU 1, each only once the other sleeps again, so each gives the CPU
 *    to the idle task (no mm switch, no event) and is woken from idle
 *    (an mm switch whose event fires while idle is current).  W is
 *    charged almost nothing, though it switched as often; charging the
 *    next task would give it about one per switch here.
 *
 * Needs root and 2 CPUs (the test itself runs on CPU 1).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt_oracle.h"
#include "pt_stats.h"

#define PINGPONG_ROUNDS	2000
#define IDLE_ROUNDS	300

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

struct proc {
	pid_t pid;
	int go, done;		/* parent's ends */
};

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/*
 * Child body: pinned to CPU 0, waits for "go", runs its part, says done
 * and waits to be killed.  @peer_in/@peer_out are the ping-pong pipes.
 */
static void child_run(bool pingpong, bool first, int go, int done,
		      int peer_in, int peer_out)
{
	char c = 0;
	int i;

	if (pin(0))
		_exit(10);
	if (read(go, &c, 1) != 1)
		_exit(11);
	if (pingpong) {
		for (i = 0; i < PINGPONG_ROUNDS; i++) {
			if (first && write(peer_out, &c, 1) != 1)
				_exit(12);
			if (read(peer_in, &c, 1) != 1)
				_exit(13);
			if (!first && write(peer_out, &c, 1) != 1)
				_exit(12);
		}
	} else {
		/* Woken by the parent on CPU 1, one at a time. */
		for (i = 0; i < IDLE_ROUNDS; i++)
			if (read(go, &c, 1) != 1 || write(done, &c, 1) != 1)
				_exit(12);
	}
	if (write(done, &c, 1) != 1)
		_exit(14);
	pause();
	_exit(0);
}

static int start_pair(struct proc p[2], bool pingpong)
{
	int ab[2], ba[2], i;

	if (pipe(ab) || pipe(ba))
		return -errno;
	for (i = 0; i < 2; i++) {
		int go[2], done[2];

		if (pipe(go) || pipe(done))
			return -errno;
		fflush(stdout);
		p[i].pid = fork();
		if (p[i].pid < 0)
			return -errno;
		if (p[i].pid == 0) {
			close(go[1]);
			close(done[0]);
			child_run(pingpong, i == 0, go[0], done[1],
				  i == 0 ? ba[0] : ab[0],
				  i == 0 ? ab[1] : ba[1]);
		}
		close(go[0]);
		close(done[1]);
		p[i].go = go[1];
		p[i].done = done[0];
	}
	close(ab[0]);
	close(ab[1]);
	close(ba[0]);
	close(ba[1]);
	return 0;
}

static void stop_pair(struct proc p[2])
{
	int i;

	for (i = 0; i < 2; i++) {
		char cmd[32];

		snprintf(cmd, sizeof(cmd), "unwatch %d", (int)p[i].pid);
		pt_stats_cmd(cmd);
		kill(p[i].pid, SIGKILL);
		waitpid(p[i].pid, NULL, 0);
		close(p[i].go);
		close(p[i].done);
	}
}

/* Task-switch events charged to @pid (ranged, of 0 pages, and full). */
static int64_t charged(const char *text, pid_t pid)
{
	char sec[16];
	int64_t r, f;

	snprintf(sec, sizeof(sec), "%d", (int)pid);
	r = pt_stats_get(text, sec, "tlb_task_switch_ranged");
	f = pt_stats_get(text, sec, "tlb_task_switch_full");
	return r < 0 || f < 0 ? -1 : r + f;
}

static long ctxt(pid_t pid)
{
	long v = pt_status_field(pid, "voluntary_ctxt_switches");
	long n = pt_status_field(pid, "nonvoluntary_ctxt_switches");

	return v < 0 || n < 0 ? -1 : v + n;
}

/* Whether @pid sleeps (state S in /proc/PID/stat). */
static bool sleeping(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	bool s = false;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		s = p && p[1] == ' ' && p[2] == 'S';
	}
	fclose(f);
	return s;
}

/*
 * Wakes @p, waits for its answer and until it sleeps again, so that on
 * CPU 0 it only ever switches to and from the idle task.
 */
static int wake_alone(struct proc *p)
{
	char c = 'w';
	int tries;

	if (write(p->go, &c, 1) != 1 || read(p->done, &c, 1) != 1)
		return -EIO;
	for (tries = 0; tries < 1000 && !sleeping(p->pid); tries++)
		sleep_us(100);
	/* Past set_current_state(): let it finish schedule() too. */
	sleep_us(500);
	return 0;
}

/* Runs one set-up; the deltas of W (p[0]): charged events, ctxt switches. */
static int run(bool pingpong, int64_t *ev, long *cs, int64_t *all)
{
	struct proc p[2];
	int64_t e0, e1, a0, a1;
	long c0, c1;
	char *t, c;
	int i, err;

	err = start_pair(p, pingpong);
	if (err)
		return err;
	for (i = 0; i < 2; i++) {
		char cmd[32];

		snprintf(cmd, sizeof(cmd), "watch %d", (int)p[i].pid);
		err = pt_stats_cmd(cmd);
		if (err)
			goto out;
	}
	/* Let both reach their "go" read on CPU 0. */
	sleep_us(100000);
	t = pt_stats_read();
	e0 = t ? charged(t, p[0].pid) : -1;
	a0 = t ? pt_stats_get(t, "all", "tlb_task_switch_ranged") +
		 pt_stats_get(t, "all", "tlb_task_switch_full") : -1;
	free(t);
	c0 = ctxt(p[0].pid);
	for (i = 0; i < 2; i++)
		if (write(p[i].go, "g", 1) != 1)
			err = -EIO;
	for (i = 0; i < IDLE_ROUNDS * 2 && !pingpong && !err; i++)
		err = wake_alone(&p[i % 2]);
	for (i = 0; i < 2 && !err; i++)
		if (read(p[i].done, &c, 1) != 1)
			err = -EIO;
	/* Both are now blocked in pause(): nothing moves any more. */
	sleep_us(50000);
	c1 = ctxt(p[0].pid);
	t = pt_stats_read();
	e1 = t ? charged(t, p[0].pid) : -1;
	a1 = t ? pt_stats_get(t, "all", "tlb_task_switch_ranged") +
		 pt_stats_get(t, "all", "tlb_task_switch_full") : -1;
	free(t);
	if (!err && (e0 < 0 || e1 < 0 || c0 < 0 || c1 < 0 || a0 < 0 || a1 < 0))
		err = -ENODATA;
	*ev = e1 - e0;
	*cs = c1 - c0;
	*all = a1 - a0;
out:
	stop_pair(p);
	return err;
}

static void test_pingpong(void)
{
	int64_t ev, all;
	long cs;
	int err = run(true, &ev, &cs, &all);

	if (err) {
		pt_fail("ping-pong: setup: %d", err);
		return;
	}
	printf("ping-pong: W charged %lld task-switch events, %ld context switches, %lld system-wide\n",
	       (long long)ev, cs, (long long)all);
	if (cs < PINGPONG_ROUNDS) {
		pt_fail("ping-pong: oracle: only %ld context switches for %d rounds",
			cs, PINGPONG_ROUNDS);
		return;
	}
	/* Every switch away from W is to the other mm: one event each. */
	if (ev >= cs * 9 / 10 && ev <= cs + 10)
		pt_pass("ping-pong: W charged %lld events for %ld switches away from it",
			(long long)ev, cs);
	else
		pt_fail("ping-pong: W charged %lld events for %ld context switches",
			(long long)ev, cs);
}

static void test_via_idle(void)
{
	int64_t ev, all;
	long cs;
	int err = run(false, &ev, &cs, &all);

	if (err) {
		pt_fail("via idle: setup: %d", err);
		return;
	}
	printf("via idle: W charged %lld task-switch events, %ld context switches, %lld system-wide\n",
	       (long long)ev, cs, (long long)all);
	if (cs < IDLE_ROUNDS) {
		pt_fail("via idle: oracle: only %ld context switches for %d sleeps",
			cs, IDLE_ROUNDS);
		return;
	}
	/* The switches happened (from idle), system-wide... */
	if (all >= IDLE_ROUNDS)
		pt_pass("via idle: %lld task-switch events system-wide", (long long)all);
	else
		pt_fail("via idle: %lld task-switch events system-wide, want >= %d",
			(long long)all, IDLE_ROUNDS);
	/* ...but W was never the task switched away from to another mm. */
	if (ev <= cs / 4)
		pt_pass("via idle: W charged %lld events for %ld switches, all to idle",
			(long long)ev, cs);
	else
		pt_fail("via idle: W charged %lld events for %ld switches to idle (charged to the next task?)",
			(long long)ev, cs);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid()) {
		pt_skip("test-stats-switch: needs root");
		return pt_summary();
	}
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		pt_skip("test-stats-switch: needs 2 online CPUs");
		return pt_summary();
	}
	if (pin(1) || pt_stats_cmd("on")) {
		pt_fail("setup: cannot pin to CPU 1 or switch statistics on");
		return pt_summary();
	}
	test_pingpong();
	test_via_idle();
	pt_stats_cmd("off");
	return pt_summary();
}
