/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_stats.h: helpers for the statistics tests: read /proc/ptscope/stats,
 * write its commands, and the kernel's own fault counters (the oracles).
 */
#ifndef PT_STATS_H
#define PT_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define PT_STATS_FILE	"/proc/ptscope/stats"

/* The whole stats file, malloc()ed and NUL-terminated; NULL on error. */
char *pt_stats_read(void);
/*
 * Value of NAME in SECTION ("all" or a pid as text) of a stats text;
 * -1 when absent.  "enabled" is looked up before the first section.
 */
int64_t pt_stats_get(const char *text, const char *section, const char *name);
/* Shorthand: read the file and return one value; -1 on any error. */
int64_t pt_stats_value(const char *section, const char *name);
/* Writes CMD to the stats file; 0 or -errno. */
int pt_stats_cmd(const char *cmd);
/* Whether PID appears on the "watch" line. */
bool pt_stats_watching(const char *text, pid_t pid);

/* Sum of min_flt (field 10) or maj_flt (12) of /proc/PID/stat; -1 on error. */
int64_t pt_proc_minflt(pid_t pid);
int64_t pt_proc_majflt(pid_t pid);
/* "pgfault" or "pgmajfault" of /proc/vmstat; -1 on error. */
int64_t pt_vmstat(const char *name);

#endif /* PT_STATS_H */
