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
	PTSCOPE_FB_SPECIAL,		/* p?d_special(); 7.2 sets it on huge zero pmds too */
	PTSCOPE_FB_DEVMAP,		/* devmap leaf; 7.2 removed devmap: never set there */
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
	/*
	 * Per-page PTSCOPE_A_PAGES records.  Their records have no room for
	 * PTSCOPE_RANGE_ARCH and _MEMTYPE: where those exist (arm64),
	 * PTSCOPE_INFO_REQ_FLAGS leaves this out and requests are refused.
	 */
	PTSCOPE_RFB_PACKED,

	__PTSCOPE_RFB_CNT
};

#define PTSCOPE_RF(name)	(1U << PTSCOPE_RFB_##name)
#define PTSCOPE_RF_ALL		((1U << __PTSCOPE_RFB_CNT) - 1)

/*
 * Commands.  A doit answers with one message.  A dump (NLM_F_DUMP)
 * answers with messages of its command, with NLM_F_MULTI, then
 * NLMSG_DONE (carrying the error, if any, and its extended ack).  The
 * module bounds the work behind each message, so a dump message may be
 * short, or carry no attributes at all (just the genl header): a reader
 * skips what it does not need and reads on until NLMSG_DONE.
 *
 * GET_SUMMARY is a dump (it was a doit in the first modules; the walk
 * of a whole address space must not run inside one request): its last
 * message holds PTSCOPE_A_SUMMARY, the ones before it nothing.  Sent
 * without NLM_F_DUMP it fails with EOPNOTSUPP and an extended ack.
 */
enum ptscope_cmd {
	PTSCOPE_CMD_UNSPEC,
	PTSCOPE_CMD_GET_INFO,		/* doit: module and paging facts */
	PTSCOPE_CMD_GET_SUMMARY,	/* dump: page-table pages, RSS by kind */
	PTSCOPE_CMD_GET_VMAS,		/* dump: one PTSCOPE_A_VMA per VMA */
	PTSCOPE_CMD_GET_RANGES,		/* dump: coalesced or per-page leaves */
	PTSCOPE_CMD_VTOP,		/* doit: every level for one address */
	PTSCOPE_CMD_GET_STATS,		/* doit: TLB and fault statistics */
	PTSCOPE_CMD_SET_STATS,		/* doit: switch statistics on or off */

	__PTSCOPE_CMD_CNT,
	PTSCOPE_CMD_MAX = __PTSCOPE_CMD_CNT - 1
};

/* Where a vtop walk ended (PTSCOPE_VTOP_STOP). */
enum ptscope_vtop_stop {
	PTSCOPE_VTOP_STOP_NO_VMA,	/* address outside every VMA: not walked */
	PTSCOPE_VTOP_STOP_NONE,		/* empty entry at the stop level */
	PTSCOPE_VTOP_STOP_LEAF,		/* present or protnone leaf */
	PTSCOPE_VTOP_STOP_NONPRESENT,	/* swap, migration, marker, ... */
	PTSCOPE_VTOP_STOP_BAD,		/* corrupt entry (p?d_bad) */

	__PTSCOPE_VTOP_STOP_CNT
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
	PTSCOPE_A_VTOP,			/* nest: PTSCOPE_VTOP_* */
	PTSCOPE_A_STATS,		/* nest: PTSCOPE_STATS_* */
	PTSCOPE_A_PAGES,		/* binary: struct ptscope_page[] */

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
	PTSCOPE_INFO_REQ_FLAGS,		/* u32: the PTSCOPE_RF_* accepted */
	PTSCOPE_INFO_ARCH,		/* string: "x86_64" or "arm64" */
	/*
	 * u32: bits of a virtual address the MMU translates: 48 or 57 on x86
	 * (user space is the lower half), 48 or 52 on arm64 (TTBR0_EL1
	 * gives user space the whole range)
	 */
	PTSCOPE_INFO_VA_BITS,
	/*
	 * string: where the MMU finds the tables: x86's one CR3 (the
	 * kernel's half shared by every pgd), arm64's TTBR0_EL1 for user
	 * space and TTBR1_EL1 for the kernel (a process's tables hold no
	 * kernel entries at all).
	 */
	PTSCOPE_INFO_ROOTS,

	__PTSCOPE_INFO_CNT,
	PTSCOPE_INFO_MAX = __PTSCOPE_INFO_CNT - 1
};

/*
 * PTSCOPE_SUM_STATS and PTSCOPE_VMA_STATS: leaf aggregates.  Every size
 * is in base pages (a 2 MiB leaf counts 512); all attributes are u64.
 */
enum ptscope_stat_attr {
	PTSCOPE_STAT_UNSPEC,
	PTSCOPE_STAT_PAD,
	PTSCOPE_STAT_LEAVES_PTE,	/* present leaves at each level */
	PTSCOPE_STAT_LEAVES_PMD,
	PTSCOPE_STAT_LEAVES_PUD,
	PTSCOPE_STAT_RSS,		/* present pages */
	PTSCOPE_STAT_SWAP,		/* swap entries */
	PTSCOPE_STAT_PROTNONE,		/* PROT_NONE and NUMA-hint entries */
	PTSCOPE_STAT_MIGRATION,		/* migration entries */
	PTSCOPE_STAT_OTHER,		/* device, marker, hwpoison, other */
	PTSCOPE_STAT_DIRTY,		/* present and dirty */
	PTSCOPE_STAT_ACCESSED,
	PTSCOPE_STAT_WRITABLE,		/* present and writable */
	PTSCOPE_STAT_COW,		/* read-only in a writable private VMA */
	PTSCOPE_STAT_ZERO,		/* mapping the zero page */
	PTSCOPE_STAT_SHARED,		/* frame mapped more than once */
	PTSCOPE_STAT_SOFT_DIRTY,
	PTSCOPE_STAT_TABLES_PTE,	/* page-table pages covering the VMA */
	PTSCOPE_STAT_TABLES_PMD,
	PTSCOPE_STAT_TABLES_PUD,
	PTSCOPE_STAT_TABLES_P4D,
	/*
	 * Private and shared pages as /proc/PID/smaps counts them
	 * (Private_Clean, Private_Dirty, Shared_Clean, Shared_Dirty): normal
	 * pages only (not the zero page, PFN maps or hugetlb), a page being
	 * private when its folio has one reference or its mapcount is below
	 * 2, dirty when its entry or its folio is.  USS is the two private
	 * counts.
	 */
	PTSCOPE_STAT_PRIVATE_CLEAN,
	PTSCOPE_STAT_PRIVATE_DIRTY,
	PTSCOPE_STAT_SHARED_CLEAN,
	PTSCOPE_STAT_SHARED_DIRTY,
	/*
	 * smaps' Pss in its own fixed point: bytes << PTSCOPE_PSS_SHIFT,
	 * summed page by page with each page's PAGE_SIZE << PTSCOPE_PSS_SHIFT
	 * divided by its mapcount, so that (v >> PTSCOPE_PSS_SHIFT) >> 10 is
	 * smaps' "Pss:" in kB exactly.
	 */
	PTSCOPE_STAT_PSS,

	__PTSCOPE_STAT_CNT,
	PTSCOPE_STAT_MAX = __PTSCOPE_STAT_CNT - 1
};

#define PTSCOPE_PSS_SHIFT	12	/* fs/proc/task_mmu.c's PSS_SHIFT */

/* PTSCOPE_A_SUMMARY: one process's page-table memory and leaves. */
enum ptscope_summary_attr {
	PTSCOPE_SUM_UNSPEC,
	PTSCOPE_SUM_PAD,
	PTSCOPE_SUM_TABLES_PGD,		/* u64: page-table pages per level */
	PTSCOPE_SUM_TABLES_P4D,		/* u64: 0 counted when folded */
	PTSCOPE_SUM_TABLES_PUD,		/* u64 */
	PTSCOPE_SUM_TABLES_PMD,		/* u64 */
	PTSCOPE_SUM_TABLES_PTE,		/* u64 */
	PTSCOPE_SUM_DEPOSITED,		/* u64: PTE tables THP pmds hold back */
	PTSCOPE_SUM_COUNTED_BYTES,	/* u64: (pud+pmd+pte+deposited) pages */
	PTSCOPE_SUM_PGTABLES_BYTES,	/* u64: the kernel's VmPTE */
	PTSCOPE_SUM_VMAS,		/* u64: VMAs walked */
	PTSCOPE_SUM_STATS,		/* nest: PTSCOPE_STAT_*, all VMAs */

	__PTSCOPE_SUM_CNT,
	PTSCOPE_SUM_MAX = __PTSCOPE_SUM_CNT - 1
};

/* PTSCOPE_A_VMA: one VMA and its leaves. */
enum ptscope_vma_attr {
	PTSCOPE_VMA_UNSPEC,
	PTSCOPE_VMA_PAD,
	PTSCOPE_VMA_START,		/* u64 */
	PTSCOPE_VMA_END,		/* u64, exclusive */
	PTSCOPE_VMA_FLAGS,		/* u64: the kernel's vm_flags */
	PTSCOPE_VMA_PGOFF,		/* u64: file offset in bytes */
	PTSCOPE_VMA_STATS,		/* nest: PTSCOPE_STAT_* */

	__PTSCOPE_VMA_CNT,
	PTSCOPE_VMA_MAX = __PTSCOPE_VMA_CNT - 1
};

/*
 * PTSCOPE_A_RANGE: one leaf, or a run of alike leaves.  Also used, with
 * PTSCOPE_RANGE_INDEX and _ENTRY_PHYS, for each level of a vtop walk.
 */
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
	PTSCOPE_RANGE_INDEX,		/* u32: vtop: index in its table */
	PTSCOPE_RANGE_ENTRY_PHYS,	/* u64: vtop: entry's physical address */
	/*
	 * u64: the architecture's own descriptor bits, decoded (arm64:
	 * PTSCOPE_ARM64_*); absent where the architecture has none beyond
	 * PTSCOPE_F_* (x86).
	 */
	PTSCOPE_RANGE_ARCH,
	/*
	 * u8: enum ptscope_memtype, the leaf's memory type as the MMU reads
	 * it (arm64: AttrIndx through MAIR_EL1); absent on x86, where the
	 * PWT, PCD and PAT flags give the PAT index.
	 */
	PTSCOPE_RANGE_MEMTYPE,

	__PTSCOPE_RANGE_CNT,
	PTSCOPE_RANGE_MAX = __PTSCOPE_RANGE_CNT - 1
};

/*
 * PTSCOPE_RANGE_ARCH on arm64: the descriptor's bits by their Arm names
 * (Arm ARM D8.3, 4K granule).  Leaves (page and block descriptors):
 *
 *   VALID       bit 0: the MMU uses the entry (PTSCOPE_F_PRESENT)
 *   TABLE       bit 1: page (pte level) or table (upper levels); clear
 *               in a valid upper entry: a block (a huge leaf)
 *   AP_EL0      AP[1]: EL0 (user) may access (PTSCOPE_F_USER)
 *   AP_RDONLY   AP[2]: read-only at every EL.  The kernel keeps a
 *               writable page that is still clean read-only with DBM set:
 *               the MMU clears AP[2] on the first write (FEAT_HAFDBS), so
 *               on Arm "dirty" is DBM with AP[2] clear, or the kernel's
 *               software dirty bit (PTSCOPE_F_DIRTY says either)
 *   UXN, PXN    no execution at EL0, at EL1 (PTSCOPE_F_NX is UXN)
 *   AF          access flag, set by the MMU on first access
 *               (PTSCOPE_F_ACCESSED)
 *   NG          not global: the TLB entry is tagged with the ASID
 *   CONT        contiguous hint: one of 16 aligned entries (64 KiB at
 *               the pte level, 32 MiB at the pmd level) that map
 *               contiguous frames with the same attributes, which the
 *               TLB may cache as one entry
 *   DBM         dirty bit modifier: the page is writable (PTSCOPE_F_WRITE)
 *   GP          guarded page: BTI is enforced for code fetched from it
 *   SW_DIRTY    the kernel's software dirty bit (PTE_DIRTY)
 *   SH_IN_TCR   LPA2 (52-bit addresses): bits 8-9 hold address bits
 *               50-51, and shareability comes from TCR_EL1, not the entry
 *   SH          with SH_IN_TCR clear: 0 non-, 2 outer, 3 inner shareable
 *   ATTRINDX    the MAIR_EL1 attribute index (PTSCOPE_RANGE_MEMTYPE
 *               names the type it selects)
 *
 * Table entries (vtop's upper levels) report VALID and TABLE, with the
 * hierarchical limits on everything below: UXN is UXNTable, PXN
 * PXNTable, AP_RDONLY APTable[1], and AP_EL0 is clear when APTable[0]
 * takes EL0 access away.  Non-present entries report no bits.  The
 * kernel's other software bits come as PTSCOPE_F_*: SPECIAL, DEVMAP
 * (before 7.2), UFFD_WP, and PROT_NONE (the state PROTNONE: valid clear,
 * nG set as PTE_PRESENT_INVALID).  arm64 has no soft-dirty bit.
 */
enum ptscope_arm64_bits {
	PTSCOPE_ARM64B_VALID,
	PTSCOPE_ARM64B_TABLE,
	PTSCOPE_ARM64B_AP_EL0,
	PTSCOPE_ARM64B_AP_RDONLY,
	PTSCOPE_ARM64B_UXN,
	PTSCOPE_ARM64B_PXN,
	PTSCOPE_ARM64B_AF,
	PTSCOPE_ARM64B_NG,
	PTSCOPE_ARM64B_CONT,
	PTSCOPE_ARM64B_DBM,
	PTSCOPE_ARM64B_GP,
	PTSCOPE_ARM64B_SW_DIRTY,
	PTSCOPE_ARM64B_SH_IN_TCR,

	__PTSCOPE_ARM64B_CNT
};

#define PTSCOPE_ARM64(name)		(1ULL << PTSCOPE_ARM64B_##name)
#define PTSCOPE_ARM64_SH_SHIFT		16
#define PTSCOPE_ARM64_SH_MASK		(3ULL << PTSCOPE_ARM64_SH_SHIFT)
#define PTSCOPE_ARM64_ATTRINDX_SHIFT	20
#define PTSCOPE_ARM64_ATTRINDX_MASK	(7ULL << PTSCOPE_ARM64_ATTRINDX_SHIFT)

/*
 * PTSCOPE_RANGE_MEMTYPE: the memory type a leaf's attribute selects, by
 * the MAIR_EL1 attribute byte it names (Arm ARM D19, MAIR_EL1): Normal
 * write-back (0xff, or any inner and outer write-back), Normal
 * non-cacheable (0x44), write-through, MTE-tagged Normal (0xf0), and the
 * four Device types (0x00, 0x04, 0x08, 0x0c).  OTHER: a byte none of
 * these names (mixed inner and outer policies).
 */
enum ptscope_memtype {
	PTSCOPE_MT_UNKNOWN,
	PTSCOPE_MT_NORMAL_WB,
	PTSCOPE_MT_NORMAL_NC,
	PTSCOPE_MT_NORMAL_WT,
	PTSCOPE_MT_NORMAL_TAGGED,
	PTSCOPE_MT_DEVICE_NGNRNE,
	PTSCOPE_MT_DEVICE_NGNRE,
	PTSCOPE_MT_DEVICE_NGRE,
	PTSCOPE_MT_DEVICE_GRE,
	PTSCOPE_MT_OTHER,

	__PTSCOPE_MT_CNT
};

/*
 * PTSCOPE_A_PAGES: a GET_RANGES dump with PTSCOPE_RF_PACKED (which
 * implies PTSCOPE_RF_PER_PAGE; GET_VMAS ignores both) carries its leaves
 * as arrays of these fixed-size little-endian records, one array
 * attribute per run of records (its length a multiple of the record
 * size), in address order; as many as fit fill each message.  A leaf no
 * record can hold (an empty range of 2^32 pages or more) comes as a
 * PTSCOPE_A_RANGE nest in its place, between two arrays.
 *
 * A record of state NONE is one empty range (PTSCOPE_RF_HOLES) and one of
 * level PMD or PUD is one huge leaf, possibly clipped to the range
 * asked for: either way it covers [start, start + pages * 4 KiB).  Any
 * other record stands for @pages consecutive 4 KiB PTE leaves that share
 * level, state, flags and swap type: the i-th (from 0) is at
 * start + i * 4 KiB and, when @pfn is not 0, has frame pfn + i and raw
 * entry raw + i * 4 KiB; when @pfn is 0, the same raw and pfn as the
 * first.  Fields are those of the PTSCOPE_RANGE_* attributes.
 */
struct ptscope_page {
	__le64 start_info;	/* address | swap type << 7 | level << 4 | state */
	__le64 raw;		/* raw entry; PFN/offset bits 0 when hidden */
	__le64 pfn;		/* frame, or swap offset (swap state); 0 hidden */
	__le32 flags;		/* PTSCOPE_F_*, bits 0-31 */
	__le32 pages;		/* 4 KiB pages covered, >= 1 */
};

#define PTSCOPE_PAGE_STATE_MASK		0x00fULL
#define PTSCOPE_PAGE_LEVEL_SHIFT	4
#define PTSCOPE_PAGE_LEVEL_MASK		0x070ULL
#define PTSCOPE_PAGE_SWAP_TYPE_SHIFT	7
#define PTSCOPE_PAGE_SWAP_TYPE_MASK	0xf80ULL
#define PTSCOPE_PAGE_ADDR_MASK		(~0xfffULL)

/*
 * PTSCOPE_A_VTOP: one address translated level by level.  The
 * PTSCOPE_VTOP_LEVEL nests come top level (pgd) first.
 */
enum ptscope_vtop_attr {
	PTSCOPE_VTOP_UNSPEC,
	PTSCOPE_VTOP_PAD,
	PTSCOPE_VTOP_ADDR,		/* u64 */
	PTSCOPE_VTOP_STOP,		/* u8: enum ptscope_vtop_stop */
	PTSCOPE_VTOP_STOP_LEVEL,	/* u8: enum ptscope_level */
	PTSCOPE_VTOP_PHYS,		/* u64: translation (leaf); 0 hidden */
	PTSCOPE_VTOP_VMA_START,		/* u64: the VMA, if any */
	PTSCOPE_VTOP_VMA_END,		/* u64 */
	PTSCOPE_VTOP_VMA_FLAGS,		/* u64 */
	PTSCOPE_VTOP_LEVEL,		/* nest, repeated: PTSCOPE_RANGE_* */

	__PTSCOPE_VTOP_CNT,
	PTSCOPE_VTOP_MAX = __PTSCOPE_VTOP_CNT - 1
};

/*
 * Statistics (PTSCOPE_CMD_GET_STATS and _SET_STATS).
 *
 * Counters come from the tlb:tlb_flush and exceptions:page_fault_* trace
 * points while statistics are on.  Each is a u64 attribute inside
 * PTSCOPE_STATS_COUNTERS whose type is its PTSCOPE_CTR_* number.  Global
 * counters run from module load and never go backwards; a watched
 * process's run from when it was added to the watch list.
 */
enum ptscope_tlb_reason {		/* the kernel's enum tlb_flush_reason */
	/*
	 * Every switch to another mm: full when the next mm's TLB was
	 * flushed, ranged with 0 pages when its PCID was still valid.  It
	 * fires before `current` changes, so a watched process is charged for
	 * the switches AWAY from it (to another process), not those to it;
	 * a switch from idle or a kernel thread counts system-wide only.
	 */
	PTSCOPE_TLB_TASK_SWITCH,
	PTSCOPE_TLB_REMOTE_SHOOTDOWN,	/* received from another CPU */
	PTSCOPE_TLB_LOCAL_SHOOTDOWN,
	PTSCOPE_TLB_LOCAL_MM_SHOOTDOWN,
	PTSCOPE_TLB_REMOTE_SEND_IPI,

	__PTSCOPE_TLB_REASON_CNT
};

enum ptscope_ctr {
	PTSCOPE_CTR_UNSPEC,
	/* Per reason: ranged flush events, pages they flushed, full flushes. */
	PTSCOPE_CTR_TLB_RANGED,		/* + reason */
	PTSCOPE_CTR_TLB_PAGES = PTSCOPE_CTR_TLB_RANGED + __PTSCOPE_TLB_REASON_CNT,
	PTSCOPE_CTR_TLB_FULL = PTSCOPE_CTR_TLB_PAGES + __PTSCOPE_TLB_REASON_CNT,
	PTSCOPE_CTR_FAULT_USER = PTSCOPE_CTR_TLB_FULL + __PTSCOPE_TLB_REASON_CNT,
	PTSCOPE_CTR_FAULT_KERNEL,	/* faults taken in kernel mode */
	PTSCOPE_CTR_FAULT_READ,		/* from the x86 error code: */
	PTSCOPE_CTR_FAULT_WRITE,	/*   W bit */
	PTSCOPE_CTR_FAULT_IFETCH,	/*   I bit */
	PTSCOPE_CTR_FAULT_PROT,		/*   P bit: protection violation */
	PTSCOPE_CTR_FAULT_NOTPRESENT,	/*   P clear: no translation */

	__PTSCOPE_CTR_CNT,
	PTSCOPE_CTR_MAX = __PTSCOPE_CTR_CNT - 1
};

#define PTSCOPE_STATS_WATCH_MAX	8	/* watched processes at most */

/* PTSCOPE_A_STATS. */
enum ptscope_stats_attr {
	PTSCOPE_STATS_UNSPEC,
	PTSCOPE_STATS_PAD,
	PTSCOPE_STATS_ENABLED,		/* u8: get: probes on; set: switch */
	PTSCOPE_STATS_PID,		/* u32: get: the process reported */
	PTSCOPE_STATS_WATCHED,		/* flag: get: PID is on the watch list */
	PTSCOPE_STATS_WATCH_ADD,	/* u32: set: watch this pid */
	PTSCOPE_STATS_WATCH_DEL,	/* u32: set: stop watching this pid */
	/* u32, repeated: get (global): the watched processes the sender may
	 * inspect, numbered in its pid namespace
	 */
	PTSCOPE_STATS_WATCH_PID,
	PTSCOPE_STATS_COUNTERS,		/* nest: u64 per PTSCOPE_CTR_* */
	PTSCOPE_STATS_KERN_PGFAULT,	/* u64: vm event PGFAULT, system */
	PTSCOPE_STATS_KERN_PGMAJFAULT,	/* u64: vm event PGMAJFAULT, system */
	PTSCOPE_STATS_KERN_MIN_FLT,	/* u64: the process's min_flt, all threads */
	PTSCOPE_STATS_KERN_MAJ_FLT,	/* u64: the process's maj_flt, all threads */
	PTSCOPE_STATS_TIME_NS,		/* u64: CLOCK_MONOTONIC of the snapshot */

	__PTSCOPE_STATS_CNT,
	PTSCOPE_STATS_MAX = __PTSCOPE_STATS_CNT - 1
};

#endif /* _UAPI_PTSCOPE_H */
