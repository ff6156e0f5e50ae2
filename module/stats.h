/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h: TLB-flush and page-fault statistics (stats.c), used by the
 * netlink and procfs front ends and by main.c.
 */
#ifndef _PTSCOPE_STATS_H
#define _PTSCOPE_STATS_H

#include <linux/types.h>
#include "uapi/ptscope.h"

struct cred;

/* One snapshot, as every front end reports it. */
struct ptscope_stats_snap {
	bool enabled;
	pid_t pid;			/* 0: system-wide */
	bool watched;			/* pid: on the watch list */
	u64 ctr[__PTSCOPE_CTR_CNT];	/* tracepoint counters */
	u64 kern_pgfault, kern_pgmajfault;	/* system vm events */
	u64 kern_min_flt, kern_maj_flt;		/* pid only: all threads */
	u64 time_ns;
	/*
	 * Global only: the watched processes the caller may see, numbered in
	 * its pid namespace (see stats.c).
	 */
	unsigned int nr_watch;
	pid_t watch[PTSCOPE_STATS_WATCH_MAX];
};

int ptscope_stats_init(void);
void ptscope_stats_exit(void);

/*
 * Changing statistics state needs ptscope_cred_may_trace() (access.h);
 * the front ends check it, each with its own credentials, before calling
 * the setters below.
 */
/* All return 0 or -errno; *why gets an extack-ready message on failure. */
int ptscope_stats_set_enabled(bool on, const char **why);
int ptscope_stats_watch_add(pid_t pid, const struct cred *cred,
			    const char **why);
int ptscope_stats_watch_del(pid_t pid, const char **why);

/*
 * @pid 0: system-wide; else the process with that number in the caller's
 * pid namespace (access rule applied to @cred; an exited, unreaped
 * watched process only for ptscope_cred_may_trace(@cred)).
 */
int ptscope_stats_snapshot(pid_t pid, const struct cred *cred,
			   struct ptscope_stats_snap *s, const char **why);

/* One CPU's share of a system-wide counter; 0 for an impossible CPU. */
u64 ptscope_stats_cpu_ctr(unsigned int cpu, unsigned int ctr);

/* "tlb_REASON_{ranged,pages,full}" or "fault_KIND", for text output. */
void ptscope_stats_ctr_name(unsigned int ctr, char *buf, size_t len);

#endif /* _PTSCOPE_STATS_H */
