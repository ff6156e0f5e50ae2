// SPDX-License-Identifier: GPL-2.0
/*
 * test-stats-unload: rmmod while statistics are on and a fault- and
 * shootdown-heavy load runs on every CPU, then load the module again.
 *
 * Oracles: rmmod's exit status, /proc/modules, the load still running,
 * and a reloaded module that starts with statistics off.  The VM runner
 * turns any kernel WARNING, BUG or oops into a failure of the whole run.
 */
#include <errno.h>
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
#include "pt_stats.h"

#define MODULE_PATH	"/ptscope/ptscope.ko"
#define ROUNDS		3

static void *churn(void *arg)
{
	(void)arg;
	for (;;) {
		char *p = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		size_t i;

		if (p == MAP_FAILED)
			continue;
		for (i = 0; i < 64; i++)
			p[i * 4096] = 1;
		mprotect(p, 64 * 4096, PROT_READ);
		munmap(p, 64 * 4096);
	}
	return NULL;
}

/* Two threads, so munmap sends shootdown IPIs as well as faulting. */
static pid_t start_load(void)
{
	pid_t pid = fork();
	pthread_t th;

	if (pid == 0) {
		pthread_create(&th, NULL, churn, NULL);
		churn(NULL);
	}
	return pid;
}

int main(void)
{
	struct timespec ms200 = { 0, 200 * 1000 * 1000 };
	pid_t load[2];
	char cmd[32];
	int round, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid()) {
		pt_skip("unload: needs root");
		return pt_summary();
	}
	if (access(MODULE_PATH, R_OK)) {
		pt_skip("unload: no %s", MODULE_PATH);
		return pt_summary();
	}
	for (i = 0; i < 2; i++)
		load[i] = start_load();
	for (round = 1; round <= ROUNDS; round++) {
		int rc;

		snprintf(cmd, sizeof(cmd), "watch %d", load[0]);
		if (pt_stats_cmd("on") || pt_stats_cmd(cmd)) {
			pt_fail("unload round %d: cannot switch on", round);
			break;
		}
		nanosleep(&ms200, NULL);
		if (pt_stats_value(NULL, "enabled") != 1 ||
		    pt_stats_value("all", "fault_user") <= 0) {
			pt_fail("unload round %d: no faults counted before rmmod",
				round);
			break;
		}
		rc = system("rmmod ptscope");
		if (rc == 0 && !pt_module_loaded() &&
		    access(PT_STATS_FILE, F_OK) && kill(load[0], 0) == 0)
			pt_pass("unload round %d: rmmod under load is clean",
				round);
		else
			pt_fail("unload round %d: rmmod status %d", round, rc);
		rc = system("insmod " MODULE_PATH);
		if (rc || pt_stats_value(NULL, "enabled") != 0) {
			pt_fail("unload round %d: reload status %d, or not off",
				round, rc);
			break;
		}
		pt_pass("unload round %d: reloaded, statistics off", round);
	}
	for (i = 0; i < 2; i++) {
		kill(load[i], SIGKILL);
		waitpid(load[i], NULL, 0);
	}
	if (!pt_module_loaded() && system("insmod " MODULE_PATH))
		pt_fail("unload: module left unloaded");
	return pt_summary();
}
