/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt.h: what the page-table commands (maps, walk, vtop, summary,
 * compare) share: the module's replies parsed into plain structs, the
 * names and flag letters used to print them, and the join of the
 * module's VMA list with /proc/PID/maps.
 *
 * The naming and counting helpers are pure, so the unit tests check
 * them on known answers; the request helpers stream: each VMA or range
 * is handed to a callback as its message arrives, and nothing is kept.
 */
#ifndef PTSCOPE_PT_H
#define PTSCOPE_PT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "uapi/ptscope.h"
#include "nl.h"
#include "out.h"
#include "proc.h"

#define PT_PAGE_SIZE		4096ULL

/* The kernel's vm_flags bits the tool reads (include/linux/mm.h). */
#define PT_VM_READ		0x00000001ULL
#define PT_VM_WRITE		0x00000002ULL
#define PT_VM_EXEC		0x00000004ULL
#define PT_VM_SHARED		0x00000008ULL
#define PT_VM_MAYSHARE		0x00000080ULL
#define PT_VM_PFNMAP		0x00000400ULL
#define PT_VM_IO		0x00004000ULL
#define PT_VM_HUGETLB		0x00400000ULL

/* ---- names ---- */
const char *pt_level_name(unsigned int level);	/* "pte", ..., "pgd" */
const char *pt_state_name(unsigned int state);	/* "present", ... */
int pt_level_from_name(const char *name);	/* -1 if unknown */
int pt_state_from_name(const char *name);	/* -1 if unknown */
/* "rw-p" from vm_flags, as /proc/PID/maps prints it. */
void pt_vm_perms(uint64_t vm_flags, char perms[5]);
/* Whether a leaf in this state names a frame (pfn is meaningful). */
bool pt_state_has_frame(unsigned int state);
/* Bytes one leaf maps at @level (4K, 2M, 1G). */
uint64_t pt_level_size(unsigned int level);

/* ---- flag letters: one fixed column per flag, '-' when clear ---- */
#define PT_FLAG_LETTERS_LEN	16	/* letters + NUL */
void pt_flag_letters(uint64_t flags, char *buf);
extern const char pt_flag_legend[];

/*
 * The decoded flags of an entry: in JSON the "flags" object (the nine
 * keys of the contract first, then the others), in text the letters in
 * the "flags" column.
 */
void show_entry_flags(struct out *o, uint64_t flags);

/*
 * The architecture's own bits (PTSCOPE_RANGE_ARCH, _MEMTYPE): on arm64
 * three more columns for an entry's table, hidden unless -o names them
 * (the defaults fit 80 columns), and in JSON the "arm64" object and
 * "memtype" (null where the entry has none).  x86 has none: nothing is
 * printed and the tables have no such columns.
 */
#if defined(__aarch64__)
#define PT_ARCH_LETTERS_LEN	14	/* letters + NUL */
#define PT_ARCH_COLUMNS							\
	{ "arm64", "ARM64", PT_ARCH_LETTERS_LEN - 1, true, OUT_COL_HIDE,	\
	  "arm64 descriptor bits (legend with the flags)" },		\
	{ "shareability", "SH", 3, true, OUT_COL_HIDE,			\
	  "shareability: non, osh, ish, or tcr (LPA2)" },		\
	{ "memtype", "MEMTYPE", 13, true, OUT_COL_HIDE,			\
	  "memory type (AttrIndx through MAIR_EL1)" },
#else
#define PT_ARCH_COLUMNS
#endif
extern const char pt_arch_legend[];	/* "" where there are no bits */
struct pt_range;
void show_arch_bits(struct out *o, const struct pt_range *r);
/* A count of base pages: a number in JSON, a human size in text. */
void show_pages(struct out *o, const char *key, const char *label,
		uint64_t pages);
/* A signed byte difference: a number in JSON, "+8K"/"-8K"/"0" in text. */
void show_diff(struct out *o, const char *key, const char *label,
	       int64_t bytes);
int format_diff(char *buf, size_t len, int64_t bytes);

/* ---- replies ---- */
struct pt_info {
	unsigned int levels;
	bool show_pfn;
	uint64_t task_size;
	uint32_t req_flags;	/* PTSCOPE_RF_* the module accepts; 0: unsaid */
};

struct pt_stats {
	uint64_t v[PTSCOPE_STAT_MAX + 1];	/* PTSCOPE_STAT_*, base pages */
	bool have_share;	/* the module sent PRIVATE_* .. PSS */
};

struct pt_vma {
	uint64_t start, end, flags, pgoff;
	struct pt_stats st;
};

struct pt_range {
	uint64_t start, end, count, flags, pfn, raw, swap_offset;
	uint64_t entry_phys;
	uint32_t swap_type, index;
	uint64_t arch;		/* PTSCOPE_RANGE_ARCH, if has_arch */
	uint8_t level, state;
	uint8_t memtype;	/* PTSCOPE_RANGE_MEMTYPE; 0 if absent */
	bool has_swap;
	bool has_arch;
};

struct pt_summary {
	uint64_t tables[__PTSCOPE_LEVEL_CNT];	/* by enum ptscope_level */
	uint64_t deposited, counted_bytes, pgtables_bytes, vmas;
	struct pt_stats st;
};

int pt_parse_stats(const struct nlattr *nest, struct pt_stats *st);
int pt_parse_vma(const struct nlattr *nest, struct pt_vma *v);
int pt_parse_range(const struct nlattr *nest, struct pt_range *r);
/*
 * A PTSCOPE_A_PAGES array: each record expanded into the rows the
 * per-page range dump would have sent, handed to @cb one by one.
 */
typedef int (*pt_range_cb)(const struct pt_range *r, void *data);
int pt_parse_pages(const struct nlattr *a, pt_range_cb cb, void *data);

/*
 * Pages of a VMA that RSS (and smaps' Rss) counts: the present ones,
 * less the shared zero page; none in hugetlb VMAs (counted apart) or
 * PFN maps such as [vvar] (no struct page to count).
 */
uint64_t pt_vma_rss_pages(const struct pt_vma *v);

/*
 * smaps' private/shared split and PSS (PTSCOPE_STAT_PRIVATE_CLEAN ..
 * PTSCOPE_STAT_PSS): pt_share_sum() adds them up, show_share() prints
 * uss_bytes and pss_bytes (labelled "USS", "PSS" when labels) and the
 * four page counts, JSON-only; null when the module did not send them.
 */
void pt_share_sum(struct pt_stats *to, const struct pt_stats *from);
void show_share(struct out *o, const struct pt_stats *st, bool labels);

/* ---- requests ---- */
int pt_get_info(struct nl_ctx *nl, struct pt_info *info);
int pt_get_summary(struct nl_ctx *nl, pid_t pid, struct pt_summary *s);

typedef int (*pt_vma_cb)(const struct pt_vma *v, void *data);

/* GET_VMAS over [start, end) (end 0: everything), one call per VMA. */
int pt_dump_vmas(struct nl_ctx *nl, pid_t pid, uint64_t start, uint64_t end,
		 pt_vma_cb cb, void *data);
/*
 * GET_RANGES with PTSCOPE_RF_* flags, one call per range; with
 * PTSCOPE_RF_PACKED (only if the module accepts it) the rows come from
 * packed records, and are the same.
 */
int pt_dump_ranges(struct nl_ctx *nl, pid_t pid, uint64_t start,
		   uint64_t end, uint32_t flags, pt_range_cb cb, void *data);

/* ---- joining the module's VMAs with /proc/PID/maps ---- */

/*
 * Both lists are in address order, so one pass merges them: for each
 * module VMA, pt_join_find() hands maps lines that start below it to
 * @extra (they have no VMA in the module's list: [vsyscall], or a
 * mapping made since) and returns the line starting at it, or NULL.
 * The returned entry lives until the next call.
 */
typedef int (*pt_join_extra_cb)(const struct proc_maps_entry *e, void *data);

struct pt_join {
	struct proc_maps maps;
	struct proc_maps_entry cur;
	int have;		/* 1: cur is pending, 0: end of maps */
	bool matched;		/* cur was returned by pt_join_find() */
	pt_join_extra_cb extra;
	void *data;
};

int pt_join_open(struct pt_join *j, pid_t pid, pt_join_extra_cb extra,
		 void *data);
int pt_join_open_path(struct pt_join *j, const char *path,
		      pt_join_extra_cb extra, void *data);
/* The maps entry for the VMA at @start; NULL if none.  *err on error. */
const struct proc_maps_entry *pt_join_find(struct pt_join *j, uint64_t start,
					   int *err);
/* Hands the remaining lines to @extra. */
int pt_join_finish(struct pt_join *j);
void pt_join_close(struct pt_join *j);

/* ---- RSS by kind, as the walk can attribute it (summary.c) ---- */
enum pt_kind {
	PT_KIND_ANON,
	PT_KIND_FILE,
	PT_KIND_SHMEM,
	__PT_KIND_CNT
};

/* Base pages, except size (bytes). */
struct pt_walk_kinds {
	uint64_t vmas, size;
	uint64_t present;	/* every present leaf */
	uint64_t rss;		/* as RSS counts: pt_vma_rss_pages() */
	uint64_t zero, hugetlb, pfnmap, shared, swap;
	uint64_t private_cow;	/* dirty pages of private file mappings */
	uint64_t kind[__PT_KIND_CNT];	/* rss split by kind */
};

/* The kind of a VMA's pages, from its maps line (NULL: none) and flags. */
enum pt_kind summary_classify(const struct proc_maps_entry *e,
			      uint64_t vm_flags);
void summary_add_vma(struct pt_walk_kinds *k, const struct pt_vma *v,
		     enum pt_kind kind);

/* ---- free(1)'s figures from /proc/meminfo (free.c), in bytes ---- */
struct free_figures {
	uint64_t total, used, free, shared, buff_cache, available;
	uint64_t swap_total, swap_used, swap_free;
	uint64_t page_tables, sec_page_tables;
	bool has_sec;
};

void free_compute(const struct proc_meminfo *mi, struct free_figures *f);

/* ---- the walk against smaps, one VMA (compare.c) ---- */
enum compare_verdict { V_AGREE, V_EXPLAINED, V_DISAGREE };

struct compare_check {
	const char *field;	/* smaps' name: Rss, Swap, AnonHugePages... */
	uint64_t walk, smaps;	/* bytes */
	enum compare_verdict v;
	const char *reason;	/* why they may differ; NULL if unexplained */
};

#define NR_CHECKS	5

unsigned int compare_vma(const struct pt_vma *v,
			 const struct proc_smaps_entry *sm, enum pt_kind kind,
			 unsigned int kver, struct compare_check *out);

/* A kernel-release "MAJOR.MINOR" as one number, 601 or 612; 0 if unknown. */
unsigned int pt_kernel_version(void);

#endif /* PTSCOPE_PT_H */
