// SPDX-License-Identifier: GPL-2.0
/*
 * demo-target: a process the demos drive one step at a time, so that its
 * page tables can be shown between the steps.  It reads commands from
 * stdin and answers each with one line on stdout, "ok ..." or "err ...".
 * Commands that make a mapping make it "the region" the others act on.
 *
 *   map SIZE         anonymous private mapping (no THP); "ok ADDR"
 *   mapat ADDR SIZE  the same at a fixed address (MAP_FIXED_NOREPLACE)
 *   thp SIZE         2 MiB-aligned mapping with MADV_HUGEPAGE; "ok ADDR"
 *   touch N          write to the first N pages of the region
 *   pageout          MADV_PAGEOUT the whole region (swap it out)
 *   protect PROT     mprotect the region: r, rw or none
 *   write            write to the region's first page, catching SIGSEGV:
 *                    "ok wrote" or "ok SIGSEGV ADDR accerr|maperr"
 *   fork             fork a child that shares everything; "ok PID"
 *   child-touch N    the child writes to the first N pages of the region
 *   malloc SIZE      malloc and fill SIZE bytes; "ok ADDR"
 *   free             free the last malloc
 *   where            "ok text=A data=A bss=A heap=A mmap=A stack=A libc=A"
 *   spin             start a thread that spins on a CPU, so that the mm
 *                    is live on two CPUs at once; "ok TID"
 *   unmap-loop N     on CPU 0, N times: mmap a page, write it, munmap it
 *   quit
 *
 * SIZE takes K, M and G suffixes; ADDR is hex.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PG	4096UL
#define HUGE	(2UL << 20)

static char *region;
static size_t region_len;
static void *last_malloc;
static pid_t child;
static int to_child = -1, from_child = -1;

/* In .data and .bss on purpose: "where" reports them. */
int demo_data = 1;
int demo_bss;

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': v <<= 10; /* fall through */
	case 'M': v <<= 10; /* fall through */
	case 'K': v <<= 10; break;
	}
	return v;
}

static void set_region(void *p, size_t len)
{
	region = p;
	region_len = len;
	printf("ok %p\n", p);
}

static void *map_anon(void *hint, size_t len, int flags)
{
	return mmap(hint, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
}

static void cmd_map(const char *arg)
{
	size_t len = parse_size(arg);
	void *p = map_anon(NULL, len, 0);

	if (!len || p == MAP_FAILED) {
		printf("err map %s: %s\n", arg, strerror(errno));
		return;
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	set_region(p, len);
}

static void cmd_mapat(const char *arg)
{
	unsigned long addr;
	char size[32];
	void *p;

	if (sscanf(arg, "%lx %31s", &addr, size) != 2) {
		printf("err mapat ADDR SIZE\n");
		return;
	}
	p = map_anon((void *)addr, parse_size(size), MAP_FIXED_NOREPLACE);
	if (p == MAP_FAILED || p != (void *)addr) {
		printf("err mapat %s: %s\n", arg, strerror(errno));
		return;
	}
	madvise(p, parse_size(size), MADV_NOHUGEPAGE);
	set_region(p, parse_size(size));
}

static void cmd_thp(const char *arg)
{
	size_t len = parse_size(arg);
	char *p = map_anon(NULL, len + HUGE, 0), *a;

	if (!len || p == MAP_FAILED) {
		printf("err thp %s: %s\n", arg, strerror(errno));
		return;
	}
	/* A huge pmd needs a 2 MiB-aligned virtual range. */
	a = (char *)(((uintptr_t)p + HUGE - 1) & ~(HUGE - 1));
	if (madvise(a, len, MADV_HUGEPAGE)) {
		printf("err thp: MADV_HUGEPAGE: %s\n", strerror(errno));
		return;
	}
	set_region(a, len);
}

static void touch(char *p, size_t n, char val)
{
	size_t i;

	for (i = 0; i < n; i++)
		((volatile char *)p)[i * PG] = val;
}

static int region_pages(const char *arg, size_t *n)
{
	*n = strtoull(arg, NULL, 0);
	return region && *n * PG <= region_len ? 0 : -1;
}

static void cmd_touch(const char *arg)
{
	size_t n;

	if (region_pages(arg, &n)) {
		printf("err touch %s: outside the region\n", arg);
		return;
	}
	touch(region, n, 1);
	printf("ok %zu\n", n);
}

static void cmd_pageout(void)
{
	if (!region || madvise(region, region_len, MADV_PAGEOUT))
		printf("err pageout: %s\n", strerror(errno));
	else
		printf("ok\n");
}

static void cmd_protect(const char *arg)
{
	int prot = !strcmp(arg, "r") ? PROT_READ :
		   !strcmp(arg, "rw") ? PROT_READ | PROT_WRITE : PROT_NONE;

	if (!region || mprotect(region, region_len, prot))
		printf("err protect %s: %s\n", arg, strerror(errno));
	else
		printf("ok\n");
}

static sigjmp_buf segv_jmp;
static siginfo_t segv_info;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	segv_info = *si;
	siglongjmp(segv_jmp, 1);
}

static void cmd_write(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO }, old;

	if (!region) {
		printf("err write: no region\n");
		return;
	}
	sigaction(SIGSEGV, &sa, &old);
	if (!sigsetjmp(segv_jmp, 1)) {
		*(volatile char *)region = 2;
		printf("ok wrote\n");
	} else {
		printf("ok SIGSEGV %p %s\n", segv_info.si_addr,
		       segv_info.si_code == SEGV_ACCERR ? "accerr" : "maperr");
	}
	sigaction(SIGSEGV, &old, NULL);
}

/* The child waits for page counts on a pipe, writes, and acknowledges. */
static void child_loop(int in, int out)
{
	size_t n;

	while (read(in, &n, sizeof(n)) == sizeof(n)) {
		touch(region, n, 7);
		if (write(out, &n, sizeof(n)) != sizeof(n))
			break;
	}
	_exit(0);
}

static void cmd_fork(void)
{
	int down[2], up[2];

	if (child > 0 || pipe(down) || pipe(up)) {
		printf("err fork: one child at a time\n");
		return;
	}
	fflush(stdout);
	child = fork();
	if (child < 0) {
		printf("err fork: %s\n", strerror(errno));
		return;
	}
	if (!child) {
		close(down[1]);
		close(up[0]);
		child_loop(down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	to_child = down[1];
	from_child = up[0];
	printf("ok %d\n", (int)child);
}

static void cmd_child_touch(const char *arg)
{
	size_t n;

	if (child <= 0 || region_pages(arg, &n) ||
	    write(to_child, &n, sizeof(n)) != sizeof(n) ||
	    read(from_child, &n, sizeof(n)) != sizeof(n)) {
		printf("err child-touch %s\n", arg);
		return;
	}
	printf("ok %zu\n", n);
}

static void cmd_malloc(const char *arg)
{
	size_t len = parse_size(arg);

	last_malloc = malloc(len);
	if (!last_malloc) {
		printf("err malloc %s\n", arg);
		return;
	}
	memset(last_malloc, 1, len);
	printf("ok %p\n", last_malloc);
}

static void cmd_where(void)
{
	int local;
	void *heap = malloc(16);
	void *anon = map_anon(NULL, PG, 0);

	*(volatile char *)anon = 1;
	printf("ok text=%p data=%p bss=%p heap=%p mmap=%p stack=%p libc=%p\n",
	       (void *)cmd_where, (void *)&demo_data, (void *)&demo_bss,
	       heap, anon, (void *)&local, (void *)fgets);
}

static volatile pid_t spinner_tid;
static volatile int spinner_on_cpu1;

/*
 * Free one page table of this mm, with a flush that newer kernels (x86
 * since the lazy mm_cpumask trimming, e.g. 7.2) send to every CPU still in
 * mm_cpumask: a CPU that no longer runs the mm leaves it there.  Without
 * that, the mask is trimmed at most once a second, and until then every
 * flush is traced as TLB_REMOTE_SEND_IPI although no interrupt is sent.
 */
static void trim_cpumask(void)
{
	size_t two = 2UL << 20;
	char *p = mmap(NULL, 2 * two, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *table;

	if (p == MAP_FAILED)
		return;
	madvise(p, 2 * two, MADV_NOHUGEPAGE);
	/* One 2 MiB-aligned stretch inside: its PTE table is ours alone. */
	table = (char *)(((uintptr_t)p + two - 1) & ~(uintptr_t)(two - 1));
	table[0] = 1;
	munmap(p, 2 * two);
}

/*
 * Keep the calling thread on CPU 0, and make CPU 1 drop this mm. A thread
 * that migrated leaves the CPU it left in lazy TLB mode with the mm still
 * in mm_cpumask, and each flush then goes the remote way (the kernel's
 * TLB_REMOTE_SEND_IPI event) although this process runs on one CPU only.
 * A short-lived child on CPU 1 switches that CPU to the child's own mm,
 * which takes it out of ours; a flush that frees a page table then clears
 * CPU 1 from the mask on kernels that clear it lazily.
 */
static void stay_on_cpu0(void)
{
	cpu_set_t cpus;
	pid_t child;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	child = fork();
	if (child == 0) {
		CPU_ZERO(&cpus);
		CPU_SET(1, &cpus);
		if (!sched_setaffinity(0, sizeof(cpus), &cpus))
			while (sched_getcpu() != 1)
				sched_yield();
		_exit(0);
	}
	if (child > 0)
		waitpid(child, NULL, 0);
	trim_cpumask();
}

static void *spinner(void *arg)
{
	(void)arg;
	spinner_tid = (pid_t)syscall(SYS_gettid);
	for (;;)
		if (!spinner_on_cpu1 && sched_getcpu() == 1)
			spinner_on_cpu1 = 1;
	return NULL;
}

static void cmd_spin(void)
{
	pthread_t t;
	cpu_set_t cpus;
	int i;

	/* Keep the two threads on different CPUs, when there are two. */
	stay_on_cpu0();
	if (pthread_create(&t, NULL, spinner, NULL)) {
		printf("err spin: cannot create a thread\n");
		return;
	}
	while (!spinner_tid)
		usleep(1000);
	CPU_ZERO(&cpus);
	CPU_SET(1, &cpus);
	sched_setaffinity(spinner_tid, sizeof(cpus), &cpus);
	/* Reply once the spinner really runs there: up to 5 s. */
	for (i = 0; i < 5000 && !spinner_on_cpu1; i++)
		usleep(1000);
	printf("ok %d\n", (int)spinner_tid);
}

static void cmd_unmap_loop(const char *arg)
{
	unsigned long n = strtoul(arg, NULL, 0), i;

	stay_on_cpu0();
	for (i = 0; i < n; i++) {
		char *p = map_anon(NULL, PG, 0);

		if (p == MAP_FAILED) {
			printf("err unmap-loop: %s\n", strerror(errno));
			return;
		}
		*(volatile char *)p = 1;
		munmap(p, PG);
	}
	printf("ok %lu\n", n);
}

int main(void)
{
	char line[256];

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ok %d\n", (int)getpid());
	while (fgets(line, sizeof(line), stdin)) {
		char *arg = strchr(line, ' ');

		line[strcspn(line, "\n")] = '\0';
		if (arg)
			*arg++ = '\0';
		if (!strcmp(line, "map") && arg)
			cmd_map(arg);
		else if (!strcmp(line, "mapat") && arg)
			cmd_mapat(arg);
		else if (!strcmp(line, "thp") && arg)
			cmd_thp(arg);
		else if (!strcmp(line, "touch") && arg)
			cmd_touch(arg);
		else if (!strcmp(line, "pageout"))
			cmd_pageout();
		else if (!strcmp(line, "protect") && arg)
			cmd_protect(arg);
		else if (!strcmp(line, "write"))
			cmd_write();
		else if (!strcmp(line, "fork"))
			cmd_fork();
		else if (!strcmp(line, "child-touch") && arg)
			cmd_child_touch(arg);
		else if (!strcmp(line, "malloc") && arg)
			cmd_malloc(arg);
		else if (!strcmp(line, "free")) {
			free(last_malloc);
			last_malloc = NULL;
			printf("ok\n");
		} else if (!strcmp(line, "where"))
			cmd_where();
		else if (!strcmp(line, "spin"))
			cmd_spin();
		else if (!strcmp(line, "unmap-loop") && arg)
			cmd_unmap_loop(arg);
		else if (!strcmp(line, "quit"))
			break;
		else
			printf("err unknown command '%s'\n", line);
	}
	if (child > 0) {
		close(to_child);
		waitpid(child, NULL, 0);
	}
	return 0;
}
