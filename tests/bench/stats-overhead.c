// SPDX-License-Identifier: GPL-2.0
/*
 * stats-overhead: what statistics cost the page-fault path.
 *
 * Touches 1 GiB of fresh 4 KiB anonymous pages (one write fault each,
 * THP refused) in three configurations, interleaved round by round so
 * that drift hits all three alike:
 *
 *   unloaded   ptscope.ko removed
 *   off        loaded, statistics off (no probe registered)
 *   on         statistics on and this process watched
 *
 * and prints the median time per configuration and its ratio to
 * "unloaded".  Run as root in the guest (it rmmods and insmods).
 *
 *   stats-overhead [ROUNDS] [MIB]
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "pt_stats.h"

#define PG		4096UL
#define MODULE_PATH	"/ptscope/ptscope.ko"
#define MAX_ROUNDS	32

enum { UNLOADED, OFF, ON, NMODES };
static const char *const mode_names[NMODES] = { "unloaded", "off", "on" };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Seconds to write-fault every page of a fresh mapping. */
static double touch(size_t bytes)
{
	volatile char *p;
	double t0, t1;
	size_t i;

	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("stats-overhead: mmap");
		exit(1);
	}
	madvise((void *)p, bytes, MADV_NOHUGEPAGE);
	t0 = now();
	for (i = 0; i < bytes; i += PG)
		p[i] = 1;
	t1 = now();
	munmap((void *)p, bytes);
	return t1 - t0;
}

static int set_mode(int mode)
{
	char cmd[32];

	switch (mode) {
	case UNLOADED:
		return system("rmmod ptscope 2>/dev/null; ! grep -q '^ptscope ' /proc/modules");
	case OFF:
		return system("grep -q '^ptscope ' /proc/modules || insmod " MODULE_PATH);
	default:
		snprintf(cmd, sizeof(cmd), "watch %d", getpid());
		return pt_stats_cmd("on") || pt_stats_cmd(cmd);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 7;
	size_t mib = argc > 2 ? strtoul(argv[2], NULL, 10) : 1024;
	double t[NMODES][MAX_ROUNDS], med[NMODES];
	int64_t before = -1, after = -1;
	cpu_set_t cpus;
	int r, m;

	if (rounds < 1 || rounds > MAX_ROUNDS || !mib) {
		fprintf(stderr, "usage: stats-overhead [ROUNDS<=%d] [MIB]\n",
			MAX_ROUNDS);
		return 2;
	}
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	touch(mib << 20);	/* warm up: page allocator, page tables */
	for (r = 0; r < rounds; r++) {
		for (m = 0; m < NMODES; m++) {
			if (set_mode(m)) {
				fprintf(stderr, "stats-overhead: cannot switch to '%s'\n",
					mode_names[m]);
				return 1;
			}
			if (m == ON)
				before = pt_stats_value(NULL, "enabled") == 1 ?
					 pt_stats_value("all", "fault_user") : -1;
			t[m][r] = touch(mib << 20);
			if (m == ON) {
				char self[16];

				snprintf(self, sizeof(self), "%d", getpid());
				after = pt_stats_value(self, "fault_user");
				pt_stats_cmd("off");
			}
		}
	}
	set_mode(OFF);
	if (before < 0 || after < (int64_t)((mib << 20) / PG)) {
		fprintf(stderr, "stats-overhead: statistics did not count the faults (%lld)\n",
			(long long)after);
		return 1;
	}
	printf("touching %zu MiB of fresh 4 KiB pages (%zu faults), median of %d rounds\n",
	       mib, (mib << 20) / PG, rounds);
	printf("%-10s %10s %10s %8s\n", "config", "seconds", "ns/fault", "ratio");
	for (m = 0; m < NMODES; m++) {
		qsort(t[m], rounds, sizeof(double), cmp_double);
		med[m] = t[m][rounds / 2];
	}
	for (m = 0; m < NMODES; m++)
		printf("%-10s %10.3f %10.0f %8.3f\n", mode_names[m], med[m],
		       med[m] * 1e9 / ((mib << 20) / PG), med[m] / med[UNLOADED]);
	return 0;
}
