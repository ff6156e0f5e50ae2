// SPDX-License-Identifier: GPL-2.0
/*
 * test-stats: TLB-flush and page-fault statistics, through
 * /proc/ptscope/stats, against known counts and the kernel's own counters
 * (/proc/PID/stat min_flt, /proc/vmstat pgfault).
 *
 *  - touching N fresh anonymous pages gives >= N user faults attributed
 *    to the watched process, all of them writes and not-present, and the
 *    kernel's min_flt moves by N too;
 *  - with statistics off nothing is counted, and switching on and off
 *    changes neither the kernel's fault counts nor the watch list;
 *  - two threads pinned to different CPUs, one spinning on shared memory
 *    while the other mprotects and munmaps it, give remote-send-IPI
 *    events attributed to the process and remote shootdowns received on
 *    the spinning thread's CPU;
 *  - no counter ever goes backwards while a load runs;
 *  - an unprivileged user may read but not switch or watch; garbage
 *    writes are rejected and change nothing.
 *
 * Needs root (it switches statistics), and 2 CPUs for the TLB test.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt_oracle.h"
#include "pt_stats.h"

#define PG		4096UL
#define NPAGES		2048

static char self[16];

static int64_t my(const char *name)
{
	return pt_stats_value(self, name);
}

static void touch_fresh(size_t npages, bool write)
{
	volatile char *p = mmap(NULL, npages * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;
	char sink = 0;

	if (p == MAP_FAILED)
		return;
	for (i = 0; i < npages; i++) {
		if (write)
			p[i * PG] = 1;
		else
			sink += p[i * PG];
	}
	(void)sink;
	munmap((void *)p, npages * PG);
}

static void test_fresh_pages(void)
{
	int64_t u0, w0, np0, k0, u1, w1, np1, k1, g0, g1;

	u0 = my("fault_user");
	w0 = my("fault_write");
	np0 = my("fault_notpresent");
	g0 = pt_vmstat("pgfault");
	k0 = pt_proc_minflt(getpid());
	touch_fresh(NPAGES, true);
	k1 = pt_proc_minflt(getpid());
	g1 = pt_vmstat("pgfault");
	u1 = my("fault_user");
	w1 = my("fault_write");
	np1 = my("fault_notpresent");
	if (u0 < 0 || u1 < 0 || k0 < 0 || k1 < 0) {
		pt_fail("fresh pages: cannot read counters");
		return;
	}
	if (u1 - u0 >= NPAGES)
		pt_pass("fresh pages: %lld user faults for %d pages",
			(long long)(u1 - u0), NPAGES);
	else
		pt_fail("fresh pages: %lld user faults for %d pages",
			(long long)(u1 - u0), NPAGES);
	if (w1 - w0 >= NPAGES && np1 - np0 >= NPAGES)
		pt_pass("fresh pages: counted as writes (%lld) and not-present (%lld)",
			(long long)(w1 - w0), (long long)(np1 - np0));
	else
		pt_fail("fresh pages: writes %lld, not-present %lld, want >= %d",
			(long long)(w1 - w0), (long long)(np1 - np0), NPAGES);
	/* The oracle: the kernel's own count moved by the same amount. */
	if (k1 - k0 >= NPAGES && k1 - k0 <= u1 - u0)
		pt_pass("fresh pages: kernel min_flt +%lld, between %d and ours",
			(long long)(k1 - k0), NPAGES);
	else
		pt_fail("fresh pages: kernel min_flt +%lld, ours +%lld, pages %d",
			(long long)(k1 - k0), (long long)(u1 - u0), NPAGES);
	if (g0 < 0 || g1 < 0)
		pt_skip("fresh pages: /proc/vmstat has no pgfault (kernel without CONFIG_VM_EVENT_COUNTERS)");
	else if (g1 - g0 >= NPAGES)
		pt_pass("fresh pages: system pgfault +%lld", (long long)(g1 - g0));
	else
		pt_fail("fresh pages: system pgfault +%lld < %d",
			(long long)(g1 - g0), NPAGES);
}

static void test_read_faults(void)
{
	int64_t r0, w0, r1, w1;

	r0 = my("fault_read");
	w0 = my("fault_write");
	touch_fresh(NPAGES, false);
	r1 = my("fault_read");
	w1 = my("fault_write");
	/* Reads of fresh anon memory map the zero page: read faults. */
	if (r1 - r0 >= NPAGES && w1 - w0 < NPAGES / 8)
		pt_pass("read-only touch: %lld read faults, %lld writes",
			(long long)(r1 - r0), (long long)(w1 - w0));
	else
		pt_fail("read-only touch: %lld read faults, %lld writes, pages %d",
			(long long)(r1 - r0), (long long)(w1 - w0), NPAGES);
}

static void test_off_on(void)
{
	int64_t u0, u1, k0, k1, kon;
	char *t;

	if (pt_stats_cmd("off")) {
		pt_fail("off: write failed");
		return;
	}
	u0 = pt_stats_value("all", "fault_user");
	k0 = pt_proc_minflt(getpid());
	touch_fresh(NPAGES, true);
	k1 = pt_proc_minflt(getpid());
	u1 = pt_stats_value("all", "fault_user");
	if (u0 >= 0 && u1 == u0)
		pt_pass("off: nothing counted while off");
	else
		pt_fail("off: fault_user moved %lld -> %lld while off",
			(long long)u0, (long long)u1);
	t = pt_stats_read();
	if (t && pt_stats_get(t, NULL, "enabled") == 0 &&
	    pt_stats_watching(t, getpid()))
		pt_pass("off: enabled 0, watch list kept");
	else
		pt_fail("off: state after off is wrong");
	free(t);

	if (pt_stats_cmd("on")) {
		pt_fail("on: write failed");
		return;
	}
	kon = pt_proc_minflt(getpid());
	touch_fresh(NPAGES, true);
	/* Same work, same kernel fault count, probes or not. */
	if (llabs((k1 - k0) - (pt_proc_minflt(getpid()) - kon)) <= 4)
		pt_pass("on/off: kernel fault counts unchanged by the probes");
	else
		pt_fail("on/off: min_flt +%lld off, +%lld on",
			(long long)(k1 - k0),
			(long long)(pt_proc_minflt(getpid()) - kon));
	if (pt_stats_value(NULL, "enabled") == 1)
		pt_pass("on: enabled 1");
	else
		pt_fail("on: enabled is not 1");
}

/* ---- TLB shootdowns ------------------------------------------------- */

static atomic_int stop;
static atomic_int started;
static volatile char *shared;
#define SHARED_PAGES	16

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static void *spinner(void *arg)
{
	unsigned long i = 0;

	(void)arg;
	if (pin(1))
		return (void *)1;
	atomic_store(&started, 1);
	/* Stay in user space with this mm loaded on CPU 1. */
	while (!atomic_load_explicit(&stop, memory_order_relaxed))
		(void)shared[(i++ % SHARED_PAGES) * PG];
	return NULL;
}

static void test_tlb_ipi(void)
{
	int64_t s0, s1, r0, r1, c0, c1;
	pthread_t th;
	char *t;
	int i;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		pt_skip("tlb ipi: needs 2 online CPUs");
		return;
	}
	shared = mmap(NULL, SHARED_PAGES * PG, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED || pin(0)) {
		pt_fail("tlb ipi: setup: %s", strerror(errno));
		return;
	}
	memset((void *)shared, 1, SHARED_PAGES * PG);
	t = pt_stats_read();
	s0 = pt_stats_get(t, self, "tlb_remote_send_ipi_ranged") +
	     pt_stats_get(t, self, "tlb_remote_send_ipi_full");
	r0 = pt_stats_get(t, self, "tlb_remote_shootdown_ranged") +
	     pt_stats_get(t, self, "tlb_remote_shootdown_full");
	c0 = pt_stats_get(t, "all", "cpu1 tlb_remote_shootdown");
	free(t);
	atomic_store(&stop, 0);
	if (pthread_create(&th, NULL, spinner, NULL)) {
		pt_fail("tlb ipi: pthread_create");
		return;
	}
	while (!atomic_load(&started))
		sched_yield();
	for (i = 0; i < 200; i++) {
		void *p = mmap(NULL, PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		mprotect((void *)shared, SHARED_PAGES * PG, PROT_READ);
		mprotect((void *)shared, SHARED_PAGES * PG,
			 PROT_READ | PROT_WRITE);
		if (p != MAP_FAILED) {
			*(volatile char *)p = 1;
			munmap(p, PG);
		}
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	t = pt_stats_read();
	s1 = pt_stats_get(t, self, "tlb_remote_send_ipi_ranged") +
	     pt_stats_get(t, self, "tlb_remote_send_ipi_full");
	r1 = pt_stats_get(t, self, "tlb_remote_shootdown_ranged") +
	     pt_stats_get(t, self, "tlb_remote_shootdown_full");
	c1 = pt_stats_get(t, "all", "cpu1 tlb_remote_shootdown");
	free(t);
	munmap((void *)shared, SHARED_PAGES * PG);
	if (s1 - s0 > 0)
		pt_pass("tlb ipi: %lld remote-send-IPI events attributed",
			(long long)(s1 - s0));
	else
		pt_fail("tlb ipi: no remote-send-IPI events attributed");
	if (r1 - r0 > 0 && c1 - c0 > 0)
		pt_pass("tlb ipi: %lld shootdowns received attributed, %lld on cpu1",
			(long long)(r1 - r0), (long long)(c1 - c0));
	else
		pt_fail("tlb ipi: shootdowns received: attributed +%lld, cpu1 +%lld",
			(long long)(r1 - r0), (long long)(c1 - c0));
}

/* ---- monotonic ------------------------------------------------------ */

static void test_monotonic(void)
{
	static const char *const names[] = {
		"fault_user", "fault_kernel", "fault_write", "fault_read",
		"tlb_task_switch_full", "tlb_local_mm_shootdown_ranged",
		"tlb_local_mm_shootdown_pages", "tlb_remote_send_ipi_full",
		"kern_pgfault",
	};
	int64_t prev[sizeof(names) / sizeof(names[0])] = { 0 };
	pid_t load;
	int round, i, bad = 0;

	load = fork();
	if (load == 0) {
		for (;;)
			touch_fresh(64, true);
	}
	for (round = 0; round < 100 && !bad; round++) {
		char *t = pt_stats_read();

		for (i = 0; t && i < (int)(sizeof(names) / sizeof(names[0])); i++) {
			int64_t v = pt_stats_get(t, "all", names[i]);

			if (v < prev[i]) {
				pt_fail("monotonic: %s went %lld -> %lld", names[i],
					(long long)prev[i], (long long)v);
				bad = 1;
			}
			prev[i] = v;
		}
		free(t);
	}
	kill(load, SIGKILL);
	waitpid(load, NULL, 0);
	if (!bad)
		pt_pass("monotonic: 100 snapshots under load, nothing went backwards");
}

/* ---- permissions and garbage --------------------------------------- */

static void test_unprivileged(void)
{
	pid_t child;
	int status;

	child = fork();
	if (child == 0) {
		int e1, e2, e3;
		char cmd[32];

		if (setgid(1000) || setuid(1000))
			_exit(10);
		snprintf(cmd, sizeof(cmd), "watch %d", getpid());
		e1 = pt_stats_cmd("off");
		e2 = pt_stats_cmd(cmd);
		e3 = pt_stats_value("all", "fault_user") >= 0 ? 0 : 1;
		_exit(e1 == -EPERM && e2 == -EPERM && !e3 ? 0 : 1);
	}
	waitpid(child, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    pt_stats_value(NULL, "enabled") == 1)
		pt_pass("unprivileged: may read, may not switch off or watch");
	else
		pt_fail("unprivileged: status %d", status);
}

static void test_garbage(void)
{
	static const char *const bad[] = {
		"", "onn", "on off", "watch", "watch -1", "watch 0", "watch x",
		"unwatch 12x", "watch 1 2", "enable", "\n",
	};
	char *before = pt_stats_read(), *after;
	int i, failed = 0;

	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		int err = pt_stats_cmd(bad[i]);

		if (err != -EINVAL) {
			pt_fail("garbage: '%s' gave %d, not -EINVAL", bad[i], err);
			failed = 1;
		}
	}
	if (pt_stats_cmd("unwatch 999999") != -ENOENT) {
		pt_fail("garbage: unwatching an unwatched pid is not -ENOENT");
		failed = 1;
	}
	after = pt_stats_read();
	if (!before || !after ||
	    pt_stats_get(before, NULL, "enabled") !=
	    pt_stats_get(after, NULL, "enabled") ||
	    pt_stats_watching(before, getpid()) !=
	    pt_stats_watching(after, getpid())) {
		pt_fail("garbage: state changed");
		failed = 1;
	}
	free(before);
	free(after);
	if (!failed)
		pt_pass("garbage: rejected with -EINVAL, state unchanged");
}

int main(void)
{
	char cmd[32];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid()) {
		pt_skip("test-stats: needs root");
		return pt_summary();
	}
	snprintf(self, sizeof(self), "%d", getpid());
	snprintf(cmd, sizeof(cmd), "watch %d", getpid());
	if (pt_stats_cmd("on") || pt_stats_cmd(cmd)) {
		pt_fail("setup: cannot switch statistics on and watch myself");
		return pt_summary();
	}
	test_fresh_pages();
	test_read_faults();
	test_off_on();
	test_tlb_ipi();
	test_monotonic();
	test_unprivileged();
	test_garbage();
	snprintf(cmd, sizeof(cmd), "unwatch %d", getpid());
	pt_stats_cmd(cmd);
	pt_stats_cmd("off");
	return pt_summary();
}
