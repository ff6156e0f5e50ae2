/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_oracle.h: helpers shared by the guest test and scenario programs.
 *
 *  - PASS/FAIL/SKIP reporting with counters;
 *  - the kernel's own views, used as oracles: /proc/PID/pagemap, maps,
 *    smaps and status;
 *  - reading ptscope's procfs files (per-page rows, summary);
 *  - the scenario protocol: a scenario prints "READY ..." on stdout and
 *    stops itself; the test checks it, then sends SIGCONT for the next stage.
 */
#ifndef PT_ORACLE_H
#define PT_ORACLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* ---- reporting ---- */
extern int pt_passed, pt_failed, pt_skipped;
void pt_pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pt_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pt_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "N passed, N failed, N skipped"; returns the exit status. */
int pt_summary(void);
/*
 * Run fn(arg) in a child that has dropped to uid/gid 1000 and fold its
 * PASS/FAIL/SKIP counts into this process's.  A child that dies before
 * reporting counts as one failure.
 */
void pt_run_unprivileged(void (*fn)(void *arg), void *arg);

/* ---- pagemap (see Documentation/admin-guide/mm/pagemap.rst) ---- */
#define PM_PFN_MASK		((UINT64_C(1) << 55) - 1)
#define PM_SOFT_DIRTY		(1ULL << 55)
#define PM_MMAP_EXCLUSIVE	(1ULL << 56)
#define PM_UFFD_WP		(1ULL << 57)
#define PM_FILE			(1ULL << 61)
#define PM_SWAP			(1ULL << 62)
#define PM_PRESENT		(1ULL << 63)
#define PM_SWAP_TYPE(e)		((e) & 0x1f)
#define PM_SWAP_OFFSET(e)	(((e) & PM_PFN_MASK) >> 5)

/* Reads n entries starting at addr into out; 0 or -errno. */
int pt_pagemap_read(pid_t pid, unsigned long addr, size_t n, uint64_t *out);

/* ---- maps and smaps ---- */
struct pt_vma {
	unsigned long start, end;
	char perms[8];
	char name[256];
	/* From smaps, in kB. */
	unsigned long rss, swap, anon_huge, hugetlb, kernel_page_kb;
	unsigned long pss, private_clean, private_dirty, shared_clean;
	unsigned long shared_dirty;
	bool vm_softdirty;		/* VmFlags has "sd" */
	bool vm_pfnmap;			/* VmFlags has "pf": pagemap is blind */
	bool vm_bti;			/* VmFlags has "bt": arm64 BTI guarded */
};

/* Parses /proc/PID/smaps; *out is malloc()ed.  Returns the count or -errno. */
int pt_read_smaps(pid_t pid, struct pt_vma **out);
/* Whether two smaps reads agree on every VMA's Private_*, Shared_*, Pss. */
bool pt_smaps_share_same(const struct pt_vma *a, int na,
			 const struct pt_vma *b, int nb);
/* The first number of the "Name: value" line of a /proc file; -1 if none. */
long pt_file_field(const char *path, const char *field);
/*
 * The first number of a "Name:   value ..." field of /proc/PID/status
 * (for Uid: the real uid); -1 if missing.
 */
long pt_status_field(pid_t pid, const char *field);
/* A "Name:   value kB" field of /proc/PID/status, in kB; -1 if missing. */
long pt_status_kb(pid_t pid, const char *field);
/* Whether ptscope.ko is in /proc/modules. */
bool pt_module_loaded(void);

/*
 * The paging levels the kernel runs, 4 or 5, found as a user sees them:
 * an mmap() hinted at 2^50 lands above 2^48 only with 5 levels (x86's LA57,
 * arm64's 52-bit VA with LPA2).  0 if the probe mapping fails.
 */
unsigned int pt_paging_levels(void);

/* ---- ptscope procfs ---- */
enum pt_state {
	PT_NONE, PT_PRESENT, PT_PROTNONE, PT_SWAP, PT_MIGRATION, PT_DEVICE,
	PT_MARKER, PT_HWPOISON, PT_OTHER, PT_UNKNOWN,
};

struct pt_row {
	unsigned long start, end;
	char level[8];
	enum pt_state state;
	char flags[32];
	uint64_t pfn, raw;
	bool has_swap;
	unsigned int swap_type;
	uint64_t swap_offset;
	/* arm64: the trailing "LETTERS SH MEMTYPE" columns; "" on x86. */
	char arch[48];
};

/* Flag letters by column (see the module's legend). */
enum pt_flag_col {
	PTF_PRESENT, PTF_WRITE, PTF_USER, PTF_PWT, PTF_PCD, PTF_PAT,
	PTF_ACCESSED, PTF_DIRTY, PTF_GLOBAL, PTF_NX, PTF_SOFT_DIRTY,
	PTF_SPECIAL, PTF_DEVMAP, PTF_UFFD_WP, PTF_HUGE, PTF_ZERO,
	PTF_MIG_READ, PTF_MIG_WRITE, PTF_EXCLUSIVE, PTF_MK_UFFD_WP,
	PTF_MK_POISONED, PTF_MK_GUARD, PTF_COW, PTF_SHARED,
};

static inline bool pt_flag(const struct pt_row *r, enum pt_flag_col c)
{
	return r->flags[c] && r->flags[c] != '-';
}

/*
 * Opens /proc/ptscope/FILE, writes SEL, reads everything into a malloc()ed
 * NUL-terminated buffer.  Returns the buffer or NULL with errno set (the
 * write's error for a rejected selection).
 */
char *pt_proc_query(const char *file, const char *sel);
/* Per-page rows of pid in [start, end) (end 0: everything). */
int pt_read_pages(pid_t pid, unsigned long start, unsigned long end,
		  struct pt_row **out);
/* Rows of "pages" or "ranges" (whose extra count/size columns are ignored). */
int pt_read_rows(const char *file, pid_t pid, unsigned long start,
		 unsigned long end, struct pt_row **out);
/* The row covering addr, or NULL; rows sorted by address. */
const struct pt_row *pt_find_row(const struct pt_row *rows, int n,
				 unsigned long addr);
bool pt_pfns_visible(void);

/* ---- scenarios ---- */
#define PT_MAX_PIDS	8
#define PT_MAX_REGIONS	8

struct pt_region {
	char name[24];
	unsigned long addr, len;
};

struct pt_scenario {
	pid_t main;			/* the scenario process we forked */
	FILE *out;			/* its stdout */
	int stage;
	int npids;
	pid_t pids[PT_MAX_PIDS];	/* processes to inspect this stage */
	int nregions;
	struct pt_region regions[PT_MAX_REGIONS];
	char note[128];			/* free text, e.g. a SKIP reason */
};

/* Starts "layout NAME"; returns 0 or -errno. */
int pt_scenario_start(struct pt_scenario *s, const char *name);
/* Waits for the next READY line and for every listed pid to be stopped. */
int pt_scenario_wait(struct pt_scenario *s);
/* SIGCONT to the main process (the scenario wakes its children). */
void pt_scenario_continue(struct pt_scenario *s);
/* SIGKILL everything and reap. */
void pt_scenario_end(struct pt_scenario *s);
const struct pt_region *pt_region(const struct pt_scenario *s,
				  const char *name);

/* Scenario side: announce a stage and stop until SIGCONT. */
void pt_ready(int stage, const pid_t *pids, int npids,
	      const struct pt_region *regions, int nregions, const char *note);

#endif /* PT_ORACLE_H */
