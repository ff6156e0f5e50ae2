/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ptscope UAPI: the only header shared by ptscope.ko and the ptscope tool.
 *
 * It is the contract between them: the generic netlink family, its
 * commands and attributes, and the level, state and flag encodings a
 * walk reports.  Numbers are only ever appended; nothing is renumbered.
 */
#ifndef _UAPI_PTSCOPE_H
#define _UAPI_PTSCOPE_H

#include <linux/types.h>

#define PTSCOPE_GENL_NAME	"ptscope"
#define PTSCOPE_GENL_VERSION	1

/* Page-table levels, numbered from the leaf up. */
enum ptscope_level {
	PTSCOPE_LEVEL_NONE,
	PTSCOPE_LEVEL_PTE,
	PTSCOPE_LEVEL_PMD,
	PTSCOPE_LEVEL_PUD,
	PTSCOPE_LEVEL_P4D,
	PTSCOPE_LEVEL_PGD,

	__PTSCOPE_LEVEL_CNT,
	PTSCOPE_LEVEL_MAX = __PTSCOPE_LEVEL_CNT - 1
};

/* What a leaf entry is, as the kernel (not only the hardware) sees it. */
enum ptscope_state {
	PTSCOPE_STATE_NONE,		/* empty entry, or no table at all */
	PTSCOPE_STATE_PRESENT,		/* hardware-present mapping */
	PTSCOPE_STATE_PROTNONE,		/* present to the kernel only (NUMA hint, PROT_NONE) */
	PTSCOPE_STATE_SWAP,		/* swap entry: type and offset */
	PTSCOPE_STATE_MIGRATION,	/* migration entry: the page is moving */
	PTSCOPE_STATE_DEVICE,		/* device-private or device-exclusive entry */
	PTSCOPE_STATE_MARKER,		/* PTE marker: uffd-wp, poisoned, guard */
	PTSCOPE_STATE_HWPOISON,		/* hardware-poisoned page entry */
	PTSCOPE_STATE_OTHER,		/* a non-present entry this version cannot name */

	__PTSCOPE_STATE_CNT,
	PTSCOPE_STATE_MAX = __PTSCOPE_STATE_CNT - 1
};

/*
 * Decoded entry flags (bitmask).  Hardware bits are reported through the
 * kernel's own accessors, so "dirty" includes 6.12's saved-dirty bit and
 * "write" is pte_write(), not the raw RW bit.
 */
enum ptscope_flag_bits {
	PTSCOPE_FB_PRESENT,		/* hardware present bit */
	PTSCOPE_FB_WRITE,
	PTSCOPE_FB_USER,
	PTSCOPE_FB_PWT,
	PTSCOPE_FB_PCD,
	PTSCOPE_FB_PAT,
	PTSCOPE_FB_ACCESSED,
	PTSCOPE_FB_DIRTY,
	PTSCOPE_FB_GLOBAL,
	PTSCOPE_FB_NX,
	PTSCOPE_FB_SOFT_DIRTY,		/* also swap soft-dirty on swap entries */
	PTSCOPE_FB_SPECIAL,
	PTSCOPE_FB_DEVMAP,
	PTSCOPE_FB_UFFD_WP,		/* also swap uffd-wp on swap entries */
	PTSCOPE_FB_HUGE,		/* leaf above PTE level */
	PTSCOPE_FB_ZERO_PAGE,		/* maps the shared zero page */
	PTSCOPE_FB_MIGRATION_READ,	/* migration entry kinds */
	PTSCOPE_FB_MIGRATION_WRITE,
	PTSCOPE_FB_EXCLUSIVE,		/* anon-exclusive (migration, device) */
	PTSCOPE_FB_MARKER_UFFD_WP,	/* PTE marker kinds */
	PTSCOPE_FB_MARKER_POISONED,
	PTSCOPE_FB_MARKER_GUARD,
	PTSCOPE_FB_COW,			/* read-only in a writable private VMA */
	PTSCOPE_FB_SHARED,		/* frame mapped more than once */

	__PTSCOPE_FB_CNT
};

#define PTSCOPE_F(name)		(1ULL << PTSCOPE_FB_##name)

/* Request flags, PTSCOPE_A_FLAGS.  Unknown bits are rejected. */
enum ptscope_req_flag_bits {
	PTSCOPE_RFB_PER_PAGE,		/* one row per leaf, no coalescing */
	PTSCOPE_RFB_HOLES,		/* also report empty ranges */

	__PTSCOPE_RFB_CNT
};

#define PTSCOPE_RF(name)	(1U << PTSCOPE_RFB_##name)
#define PTSCOPE_RF_ALL		((1U << __PTSCOPE_RFB_CNT) - 1)

enum ptscope_cmd {
	PTSCOPE_CMD_UNSPEC,
	PTSCOPE_CMD_GET_INFO,		/* doit: module and paging facts */
	PTSCOPE_CMD_GET_SUMMARY,	/* doit: page-table pages, RSS by kind */
	PTSCOPE_CMD_GET_VMAS,		/* dump: one PTSCOPE_A_VMA per VMA */
	PTSCOPE_CMD_GET_RANGES,		/* dump: coalesced or per-page leaves */
	PTSCOPE_CMD_VTOP,		/* doit: every level for one address */
	PTSCOPE_CMD_GET_STATS,		/* doit: TLB and fault statistics */
	PTSCOPE_CMD_SET_STATS,		/* doit: switch statistics on or off */

	__PTSCOPE_CMD_CNT,
	PTSCOPE_CMD_MAX = __PTSCOPE_CMD_CNT - 1
};

/* Top-level attributes. */
enum ptscope_attr {
	PTSCOPE_A_UNSPEC,
	PTSCOPE_A_PAD,
	PTSCOPE_A_PID,			/* u32: target process */
	PTSCOPE_A_START,		/* u64: first address, inclusive */
	PTSCOPE_A_END,			/* u64: last address, exclusive */
	PTSCOPE_A_ADDR,			/* u64: one address (vtop) */
	PTSCOPE_A_FLAGS,		/* u32: PTSCOPE_RF_* */
	PTSCOPE_A_INFO,			/* nest: PTSCOPE_INFO_* */
	PTSCOPE_A_SUMMARY,		/* nest: PTSCOPE_SUM_* */
	PTSCOPE_A_VMA,			/* nest: PTSCOPE_VMA_* */
	PTSCOPE_A_RANGE,		/* nest: PTSCOPE_RANGE_* */
	PTSCOPE_A_VTOP_LEVEL,		/* nest: PTSCOPE_VTOP_* (one per level) */
	PTSCOPE_A_STATS,		/* nest: statistics (statistics issue) */

	__PTSCOPE_A_CNT,
	PTSCOPE_A_MAX = __PTSCOPE_A_CNT - 1
};

/* PTSCOPE_A_INFO: facts about the module and the running kernel. */
enum ptscope_info_attr {
	PTSCOPE_INFO_UNSPEC,
	PTSCOPE_INFO_PAD,
	PTSCOPE_INFO_VERSION,		/* string: module version */
	PTSCOPE_INFO_KERNEL,		/* string: kernel release */
	PTSCOPE_INFO_LEVELS,		/* u32: paging levels in use, 4 or 5 */
	PTSCOPE_INFO_PAGE_SHIFT,	/* u32 */
	PTSCOPE_INFO_PMD_SHIFT,		/* u32 */
	PTSCOPE_INFO_PUD_SHIFT,		/* u32 */
	PTSCOPE_INFO_P4D_SHIFT,		/* u32: equals PGDIR_SHIFT when folded */
	PTSCOPE_INFO_PGDIR_SHIFT,	/* u32 */
	PTSCOPE_INFO_PTRS_PER_PTE,	/* u32 */
	PTSCOPE_INFO_PTRS_PER_PMD,	/* u32 */
	PTSCOPE_INFO_PTRS_PER_PUD,	/* u32 */
	PTSCOPE_INFO_PTRS_PER_P4D,	/* u32: 1 when p4d is folded */
	PTSCOPE_INFO_PTRS_PER_PGD,	/* u32 */
	PTSCOPE_INFO_TASK_SIZE,		/* u64: top of the user address space */
	PTSCOPE_INFO_SHOW_PFN,		/* flag: the caller may see PFNs */

	__PTSCOPE_INFO_CNT,
	PTSCOPE_INFO_MAX = __PTSCOPE_INFO_CNT - 1
};

/* PTSCOPE_A_RANGE: one leaf, or a run of alike leaves. */
enum ptscope_range_attr {
	PTSCOPE_RANGE_UNSPEC,
	PTSCOPE_RANGE_PAD,
	PTSCOPE_RANGE_START,		/* u64 */
	PTSCOPE_RANGE_END,		/* u64, exclusive */
	PTSCOPE_RANGE_LEVEL,		/* u8: enum ptscope_level */
	PTSCOPE_RANGE_STATE,		/* u8: enum ptscope_state */
	PTSCOPE_RANGE_FLAGS,		/* u64: PTSCOPE_F_* */
	PTSCOPE_RANGE_PFN,		/* u64: first frame; 0 when hidden */
	PTSCOPE_RANGE_RAW,		/* u64: raw entry; PFN bits 0 when hidden */
	PTSCOPE_RANGE_SWAP_TYPE,	/* u32 */
	PTSCOPE_RANGE_SWAP_OFFSET,	/* u64: 0 when hidden */
	PTSCOPE_RANGE_COUNT,		/* u64: leaves in the run */

	__PTSCOPE_RANGE_CNT,
	PTSCOPE_RANGE_MAX = __PTSCOPE_RANGE_CNT - 1
};

#endif /* _UAPI_PTSCOPE_H */
