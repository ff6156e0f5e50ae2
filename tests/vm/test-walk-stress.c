// SPDX-License-Identifier: GPL-2.0
/*
 * test-walk-stress: walk a process whose address space keeps changing.
 *
 * A churning target maps, touches, collapses (MADV_COLLAPSE), pages out,
 * zaps (MADV_DONTNEED), mprotects, forks and unmaps in two threads while
 * this program reads every /proc/ptscope file about it in a loop, and
 * readers are killed in the middle of reads.  The answers cannot be
 * checked against an oracle (the target moves); what is checked is that
 * every read ends, with data or a clean error, that the module never
 * warns (scripts/vm fails the run on any kernel warning) and that the
 * target's own mmap/munmap keep making progress while it is walked.
 *
 *   test-walk-stress [SECONDS]
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt_oracle.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define MB	(1024UL * 1024)

/* Shared with the parent: how many churn rounds the target completed. */
static volatile unsigned long *rounds;

static void *churn_thp(void *arg)
{
	(void)arg;
	for (;;) {
		char *p = mmap(NULL, 8 * MB, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char *a;
		unsigned long i;

		if (p == MAP_FAILED)
			continue;
		a = (char *)(((unsigned long)p + 2 * MB - 1) & ~(2 * MB - 1));
		madvise(a, 4 * MB, MADV_HUGEPAGE);
		for (i = 0; i < 4 * MB; i += 4096)
			a[i] = 1;
		madvise(a, 4 * MB, MADV_COLLAPSE);
		madvise(a, 2 * MB, MADV_PAGEOUT);
		mprotect(a + 2 * MB, 2 * MB, PROT_NONE);
		munmap(p, 8 * MB);
	}
	return NULL;
}

static void churn(void)
{
	pthread_t t;

	pthread_create(&t, NULL, churn_thp, NULL);
	for (;;) {
		char *p = mmap(NULL, 16 * MB, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		unsigned long i;
		pid_t child;

		if (p == MAP_FAILED)
			continue;
		for (i = 0; i < 16 * MB; i += 4096)
			p[i] = (char)i;
		madvise(p, 8 * MB, MADV_DONTNEED);
		mprotect(p + 8 * MB, 4 * MB, PROT_READ);
		child = fork();
		if (!child)
			_exit(p[12 * MB] == 0 ? 0 : 1);
		if (child > 0)
			waitpid(child, NULL, 0);
		munmap(p, 16 * MB);
		(*rounds)++;
	}
}

static int read_all(const char *file, const char *sel, size_t *bytes)
{
	char *buf = pt_proc_query(file, sel);

	if (!buf)
		return -errno;
	*bytes += strlen(buf);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	static const char * const files[] = { "pages", "ranges", "vmas",
					      "summary" };
	int secs = argc > 1 ? atoi(argv[1]) : 5;
	unsigned long reads = 0, errors = 0, killed = 0, before;
	time_t end = time(NULL) + secs;
	size_t bytes = 0;
	pid_t target;
	char sel[64];
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	rounds = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rounds == MAP_FAILED)
		return 1;
	target = fork();
	if (!target) {
		churn();
		_exit(0);
	}
	snprintf(sel, sizeof(sel), "%d\n", target);
	before = *rounds;
	while (time(NULL) < end) {
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			int err = read_all(files[i], sel, &bytes);

			reads++;
			if (err) {
				errors++;
				printf("  read of %s: %s\n", files[i],
				       strerror(-err));
			}
		}
		/* A reader killed in the middle of a long read. */
		{
			pid_t r = fork();

			if (!r) {
				size_t b = 0;

				for (;;)
					read_all("pages", sel, &b);
			}
			usleep(20000);
			kill(r, SIGKILL);
			waitpid(r, NULL, 0);
			killed++;
		}
	}
	if (errors)
		pt_fail("stress/reads: %lu of %lu reads failed", errors, reads);
	else
		pt_pass("stress/reads: %lu reads (%zu bytes) of a churning process, %lu readers killed mid-read",
			reads, bytes, killed);
	if (*rounds > before)
		pt_pass("stress/progress: target completed %lu mmap/munmap rounds while walked",
			*rounds - before);
	else
		pt_fail("stress/progress: target made no progress while walked");
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);

	/* The target is gone: a selection must now fail cleanly. */
	errno = 0;
	if (!pt_proc_query("pages", sel) && errno == ESRCH)
		pt_pass("stress/exited: selecting an exited pid gives ESRCH");
	else
		pt_fail("stress/exited: selecting an exited pid: %s",
			strerror(errno));
	return pt_summary();
}
