/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h: the pure parts of "ptscope stats" (stats.c), shared with the
 * host unit tests: the arguments, a snapshot of the module's reply, and
 * the figures a row shows.
 */
#ifndef PTSCOPE_STATS_H
#define PTSCOPE_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "uapi/ptscope.h"

struct stats_args {
	pid_t pid;		/* 0: system-wide */
	double interval;	/* seconds */
	long count;		/* 0: until interrupted */
	char **run;		/* --run / trace: the command */
};

/* One GET_STATS reply. */
struct snap {
	bool enabled, watched, has_ctr;
	uint64_t ctr[PTSCOPE_CTR_MAX + 1];
	uint64_t pgfault, pgmajfault, min_flt, maj_flt;
	uint64_t time_ns;
	bool seen;
};

/* What a row shows, in column order. */
enum {
	FIG_USER, FIG_KERNEL, FIG_READ, FIG_WRITE, FIG_IFETCH, FIG_PROT,
	FIG_NOTPRESENT, FIG_KFLT, FIG_KMAJ, FIG_TLB_SWITCH, FIG_TLB_RECV,
	FIG_TLB_LOCAL, FIG_TLB_MM, FIG_TLB_IPI, FIG_TLB_FULL, FIG_TLB_PAGES,
	FIG_CNT
};

struct figures {
	uint64_t v[FIG_CNT];
};

/*
 * TLB events per reason are ranged plus full flushes; k-flt is the
 * process's min_flt+maj_flt (per_pid) or the system's pgfault.
 */
void stats_figures(const struct snap *s, bool per_pid, struct figures *f);
/* Per-second rate, rounded; 0 for no time or a counter that restarted. */
uint64_t stats_rate(uint64_t now, uint64_t prev, double secs);

#endif /* PTSCOPE_STATS_H */
