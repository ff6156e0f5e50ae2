// SPDX-License-Identifier: GPL-2.0
/*
 * layout: build one known memory layout, announce it and stop.
 *
 *   layout NAME
 *
 * Prints "READY stage=N pid=... region=NAME:ADDR:LEN ... [note=...]" on
 * stdout and stops itself (SIGSTOP); SIGCONT moves to the next stage, if
 * the layout has one; after the last stage it prints DONE and exits.
 * test-walk inspects every stage against pagemap, smaps and status.  A
 * note such as "note=nohugetlb" says why a layout could not be built as
 * asked (the test then SKIPs).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt_oracle.h"

#define PG	4096UL
#define MB	(1024UL * 1024)

static struct pt_region regions[PT_MAX_REGIONS];
static int nregions;
static pid_t pids[PT_MAX_PIDS];
static int npids;

static void add_region(const char *name, void *addr, unsigned long len)
{
	struct pt_region *r = &regions[nregions++];

	snprintf(r->name, sizeof(r->name), "%s", name);
	r->addr = (unsigned long)addr;
	r->len = len;
}

static void *map_anon(unsigned long len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags,
		       -1, 0);

	if (p == MAP_FAILED) {
		perror("layout: mmap");
		exit(2);
	}
	return p;
}

static void touch(void *p, unsigned long len, unsigned long step, int val)
{
	unsigned long i;

	for (i = 0; i < len; i += step)
		((volatile char *)p)[i] = (char)(val + i / PG);
}

static void stop_child(pid_t child)
{
	int st;

	waitpid(child, &st, WUNTRACED);
}

static void layout_everyother(void)
{
	void *p = map_anon(64 * PG, PROT_READ | PROT_WRITE, 0);

	touch(p, 64 * PG, 2 * PG, 1);
	add_region("r", p, 64 * PG);
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static void layout_mmap100(void)
{
	void *p = map_anon(100 * MB, PROT_READ | PROT_WRITE, 0);

	add_region("r", p, 100 * MB);
	pt_ready(1, pids, npids, regions, nregions, NULL);
	touch(p, 100 * MB, PG, 1);
	pt_ready(2, pids, npids, regions, nregions, NULL);
}

static void layout_readonly(void)
{
	void *p = map_anon(32 * PG, PROT_READ | PROT_WRITE, 0);

	touch(p, 32 * PG, PG, 1);
	mprotect(p, 32 * PG, PROT_READ);
	add_region("r", p, 32 * PG);
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static void layout_protnone(void)
{
	void *p = map_anon(32 * PG, PROT_READ | PROT_WRITE, 0);

	touch(p, 32 * PG, PG, 1);
	mprotect(p, 32 * PG, PROT_NONE);
	add_region("r", p, 32 * PG);
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static void layout_zero(void)
{
	char *p = map_anon(16 * PG, PROT_READ | PROT_WRITE, 0);
	volatile char sum = 0;
	unsigned long i;

	for (i = 0; i < 16 * PG; i += PG)
		sum += p[i];
	(void)sum;
	add_region("r", p, 16 * PG);
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static void layout_cow(void)
{
	void *p = map_anon(32 * PG, PROT_READ | PROT_WRITE, 0);
	pid_t child;

	touch(p, 32 * PG, PG, 1);
	child = fork();
	if (!child) {
		raise(SIGSTOP);
		touch(p, 32 * PG, PG, 7);
		raise(SIGSTOP);
		for (;;)
			pause();
	}
	stop_child(child);
	pids[npids++] = child;
	add_region("r", p, 32 * PG);
	pt_ready(1, pids, npids, regions, nregions, NULL);
	kill(child, SIGCONT);
	stop_child(child);
	pt_ready(2, pids, npids, regions, nregions, NULL);
}

static void layout_shared(void)
{
	void *p = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t child;

	if (p == MAP_FAILED)
		exit(2);
	touch(p, 16 * PG, PG, 1);
	child = fork();
	if (!child) {
		touch(p, 16 * PG, PG, 3);
		raise(SIGSTOP);
		for (;;)
			pause();
	}
	stop_child(child);
	pids[npids++] = child;
	add_region("r", p, 16 * PG);
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static void layout_file(void)
{
	char path[64], buf[PG];
	volatile char sum = 0;
	char *priv, *shr;
	unsigned long i;
	int fd;

	snprintf(path, sizeof(path), "/tmp/ptscope-layout-%d", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		exit(2);
	for (i = 0; i < 32; i++) {
		memset(buf, 'a' + i % 26, sizeof(buf));
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			exit(2);
	}
	unlink(path);
	priv = mmap(NULL, 32 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	shr = mmap(NULL, 32 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (priv == MAP_FAILED || shr == MAP_FAILED)
		exit(2);
	for (i = 0; i < 32 * PG; i += PG)
		sum += priv[i];
	(void)sum;
	touch(priv, 8 * PG, PG, 5);		/* COW the first 8 pages */
	touch(shr + 16 * PG, 8 * PG, PG, 9);	/* write 8 shared pages */
	add_region("priv", priv, 32 * PG);
	add_region("shared", shr, 32 * PG);
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static void layout_thp(void)
{
	char *p = map_anon(8 * MB, PROT_READ | PROT_WRITE, 0);
	char *a = (char *)(((unsigned long)p + 2 * MB - 1) & ~(2 * MB - 1));

	if (madvise(a, 4 * MB, MADV_HUGEPAGE))
		pt_ready(1, pids, npids, regions, nregions, "nothp");
	touch(a, 4 * MB, PG, 1);
	add_region("thp", a, 4 * MB);
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

/* Read faults in a MADV_HUGEPAGE region map the huge zero page. */
/*
 * A THP shared with a forked child (stage 1: both map it by one pmd, so
 * every page is mapped twice), then the child writes one page (stage 2:
 * the child's pmd is split into ptes and that page copied, so the parent
 * maps one page of the folio alone): PSS and private/shared per page.
 */
static void layout_thpfork(void)
{
	char *p = map_anon(8 * MB, PROT_READ | PROT_WRITE, 0);
	char *a = (char *)(((unsigned long)p + 2 * MB - 1) & ~(2 * MB - 1));
	pid_t child;

	if (madvise(a, 2 * MB, MADV_HUGEPAGE))
		pt_ready(1, pids, npids, regions, nregions, "nothp");
	touch(a, 2 * MB, PG, 1);
	child = fork();
	if (!child) {
		raise(SIGSTOP);
		touch(a + 5 * PG, PG, PG, 9);
		raise(SIGSTOP);
		for (;;)
			pause();
	}
	stop_child(child);
	pids[npids++] = child;
	add_region("thp", a, 2 * MB);
	pt_ready(1, pids, npids, regions, nregions, NULL);
	kill(child, SIGCONT);
	stop_child(child);
	pt_ready(2, pids, npids, regions, nregions, NULL);
}

static void layout_thpzero(void)
{
	char *p = map_anon(8 * MB, PROT_READ | PROT_WRITE, 0);
	char *a = (char *)(((unsigned long)p + 2 * MB - 1) & ~(2 * MB - 1));
	volatile char sum = 0;
	unsigned long i;

	if (madvise(a, 4 * MB, MADV_HUGEPAGE))
		pt_ready(1, pids, npids, regions, nregions, "nothp");
	for (i = 0; i < 4 * MB; i += PG)
		sum += a[i];
	(void)sum;
	add_region("thp", a, 4 * MB);
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static void layout_hugetlb(void)
{
	void *p = mmap(NULL, 4 * MB, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);

	if (p == MAP_FAILED)
		pt_ready(1, pids, npids, regions, nregions, "nohugetlb");
	touch(p, 4 * MB, PG, 1);
	add_region("huge", p, 4 * MB);
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static void layout_hugetlb1g(void)
{
	unsigned long len = 1024 * MB;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
		       (30 << MAP_HUGE_SHIFT), -1, 0);

	if (p == MAP_FAILED)
		pt_ready(1, pids, npids, regions, nregions, "nohugetlb1g");
	*(volatile char *)p = 1;
	add_region("huge", p, len);
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static void layout_pageout(void)
{
	void *p = map_anon(64 * PG, PROT_READ | PROT_WRITE, 0);

	touch(p, 64 * PG, 64, 1);
	add_region("r", p, 64 * PG);
	if (madvise(p, 32 * PG, MADV_PAGEOUT))
		pt_ready(1, pids, npids, regions, nregions, "nopageout");
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static void layout_mlock(void)
{
	void *p = map_anon(16 * PG, PROT_READ | PROT_WRITE, 0);

	if (mlock(p, 16 * PG))
		pt_ready(1, pids, npids, regions, nregions, "nomlock");
	add_region("r", p, 16 * PG);
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static void layout_softdirty(void)
{
	void *p = map_anon(32 * PG, PROT_READ | PROT_WRITE, 0);
	int fd;

	touch(p, 32 * PG, PG, 1);
	fd = open("/proc/self/clear_refs", O_WRONLY);
	if (fd < 0 || write(fd, "4", 1) != 1)
		pt_ready(1, pids, npids, regions, nregions, "noclearrefs");
	close(fd);
	touch(p, 32 * PG, 2 * PG, 2);		/* even pages dirty again */
	add_region("r", p, 32 * PG);
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static void layout_reserve(void)
{
	unsigned long len = 64UL << 40, i;
	char *p, name[8];

	p = mmap(NULL, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("layout: 64 TiB reservation");
		exit(2);
	}
	add_region("res", p, len);
	for (i = 0; i < 4; i++) {
		char *q = p + i * (len / 4) + 12345 * PG;

		mprotect(q, PG, PROT_READ | PROT_WRITE);
		*q = 1;
		snprintf(name, sizeof(name), "t%lu", i);
		add_region(name, q, PG);
	}
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static pthread_barrier_t barrier;

static void *thread_main(void *arg)
{
	void *p = map_anon(16 * PG, PROT_READ | PROT_WRITE, 0);

	touch(p, 16 * PG, PG, 1);
	*(pid_t *)arg = (pid_t)syscall(SYS_gettid);
	pthread_barrier_wait(&barrier);
	for (;;)
		pause();
	return NULL;
}

static void layout_threads(void)
{
	pthread_t t[4];
	pid_t tids[4];
	int i;

	pthread_barrier_init(&barrier, NULL, 5);
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, thread_main, &tids[i]);
	pthread_barrier_wait(&barrier);
	pids[npids++] = tids[0];
	pt_ready(1, pids, npids, regions, nregions, NULL);
}

static const struct {
	const char *name;
	void (*fn)(void);
} layouts[] = {
	{ "everyother", layout_everyother },
	{ "mmap100", layout_mmap100 },
	{ "readonly", layout_readonly },
	{ "protnone", layout_protnone },
	{ "zero", layout_zero },
	{ "cow", layout_cow },
	{ "shared", layout_shared },
	{ "file", layout_file },
	{ "thp", layout_thp },
	{ "thpzero", layout_thpzero },
	{ "thpfork", layout_thpfork },
	{ "hugetlb", layout_hugetlb },
	{ "hugetlb1g", layout_hugetlb1g },
	{ "pageout", layout_pageout },
	{ "mlock", layout_mlock },
	{ "softdirty", layout_softdirty },
	{ "reserve", layout_reserve },
	{ "threads", layout_threads },
};

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: layout NAME\n");
		return 2;
	}
	pids[npids++] = getpid();
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		if (!strcmp(argv[1], layouts[i].name)) {
			layouts[i].fn();
			/* Continued after the last stage (children may still
			 * hold stdout open, so EOF cannot be the signal). */
			printf("DONE\n");
			return 0;
		}
	}
	fprintf(stderr, "layout: unknown layout %s\n", argv[1]);
	return 2;
}
