/* SPDX-License-Identifier: GPL-2.0 */
/*
 * walk.h: the page-table walker core.
 *
 * The walker reads a target mm's tables by hand (walk_page_range() is not
 * exported), VMA by VMA, and hands each leaf to a visitor.  It knows
 * nothing about output: front ends (procfs, netlink) supply the visitor.
 *
 * Locking, as seen by a visitor:
 *  - every callback runs with the target's mmap_read_lock held, and with no
 *    spinlock and no RCU read section held (except pte_table_locked(),
 *    see below): it may sleep, but it must not take (or drop) the
 *    target's mmap lock.  In a shared hugetlb VMA, leaf() also runs with
 *    the file's i_mmap_rwsem held for reading (walk.c), so it must not
 *    allocate with reclaim (GFP_KERNEL) either; no visitor does;
 *  - between callbacks the walker may drop the mmap lock and reschedule
 *    (it asks whether a writer waits, the CPU is wanted or a fatal signal
 *    is pending after every populated PTE table, every 2 MiB of mapped
 *    space and every 512 empty entries), then looks the VMA up again, so a
 *    vm_area_struct pointer must not be kept across callbacks.
 *
 * Resuming: a callback returning > 0 stops the walk; ptscope_walk_range()
 * then returns PTSCOPE_WALK_STOPPED and w->next is the address to resume
 * from.  Before each leaf callback w->next is preset to leaf->end ("done
 * with this leaf"); the visitor may lower it to leaf->start to have the
 * leaf visited again by the next call.  A callback returning < 0 aborts
 * the walk with that error.
 */
#ifndef _PTSCOPE_WALK_H
#define _PTSCOPE_WALK_H

#include <linux/types.h>
#include <linux/mm_types.h>

#include "uapi/ptscope.h"
#include "entry.h"

struct ptscope_walk;

/*
 * smaps' private/shared split and PSS of the pages a leaf maps, read
 * under the leaf's lock (the PSS in PTSCOPE_PSS_SHIFT fixed point; the
 * rest in base pages).  All zero for what smaps does not count.
 */
struct ptscope_share {
	u64 pss;
	u64 private_clean, private_dirty, shared_clean, shared_dirty;
};

/* One leaf, or (with w->holes) one empty range found at e.level. */
struct ptscope_leaf {
	unsigned long start;	/* clipped to the VMA and the walked range */
	unsigned long end;	/* exclusive */
	struct ptscope_entry e;	/* e.pfn is the frame mapped at start */
	struct ptscope_share share;
};

struct ptscope_walk_ops {
	/* Required.  Called for each leaf in address order. */
	int (*leaf)(struct ptscope_walk *w, const struct ptscope_leaf *leaf);
	/*
	 * Optional.  vma_start is called when the walk enters a VMA, also
	 * when it (re)starts in its middle (w->next preset to the cursor);
	 * vma_end when the cursor reaches min(vm_end, end) (w->next preset
	 * to that address).  If the VMA changed while the lock was dropped,
	 * vma_start is called again for the new one: aggregators reset there.
	 */
	int (*vma_start)(struct ptscope_walk *w, struct vm_area_struct *vma);
	int (*vma_end)(struct ptscope_walk *w, struct vm_area_struct *vma);
	/*
	 * Optional, for visitors that take a copied table at once (the
	 * packed per-page dump).  Called instead of leaf() for the
	 * entries of a populated PTE table covering [addr, addr + n pages)
	 * of the current VMA, when no holes are reported: w->ptes[0..n) holds
	 * them as copied under the table's lock, and bit i of w->pte_shared
	 * says whether entry i's frame was mapped more than once.  The range
	 * is trimmed to the table's first and last non-empty entries in the
	 * VMA (n >= 1): the entries around it were empty.  Same return
	 * convention as leaf(), with w->next preset to the end of the table's
	 * part of the VMA (lower it to addr to have the range visited again).
	 */
	int (*pte_table)(struct ptscope_walk *w, unsigned long addr,
			 unsigned int n);
	/*
	 * Optional, for visitors that never sleep or allocate; taken before
	 * pte_table().  Called for the same ranges, but untrimmed, and with
	 * the table's PTL and RCU held (for this one table only): ptep
	 * points at the entry for addr, and the entries are read in place
	 * with ptep_get(), with nothing copied.  w->vma is valid, w->ptes and
	 * w->pte_shared are not.  Same return convention as pte_table(), with
	 * w->next preset to the end of the table's part of the VMA: a
	 * visitor that runs out of room (a full message or buffer) stops the
	 * walk and says where to resume.
	 */
	int (*pte_table_locked)(struct ptscope_walk *w, unsigned long addr,
				pte_t *ptep, unsigned int n);
	/*
	 * For visitors whose aggregates describe one VMA (vma_start resets
	 * them, vma_end reports them): if the VMA in progress changed while
	 * the mmap lock was dropped (split, shrunk, grown, mprotected,
	 * replaced), the walk goes back to its start and walks the VMA
	 * found there afresh, from vma_start (at most a few times per VMA).
	 * Without it, the walk goes on at the cursor, in whatever VMA is
	 * there now.
	 */
	bool restart_changed_vma;
	/*
	 * Fill leaf->share (smaps' private/shared split and PSS), which
	 * reads each mapped page's folio: for per-VMA statistics only.
	 * pte_table_locked() visitors read it themselves
	 * (ptscope_vma_stats_add_ptes()).
	 */
	bool share;
};

#define PTSCOPE_WALK_STOPPED	1

/* Page-table pages seen, indexed by enum ptscope_level (PTE..P4D used). */
struct ptscope_table_count {
	u64 tables[__PTSCOPE_LEVEL_CNT];
};

struct ptscope_walk {
	/* Set by ptscope_walk_init(); the caller may change the bools. */
	struct mm_struct *mm;
	const struct ptscope_walk_ops *ops;
	void *priv;
	bool show_pfn;		/* decode with PFNs visible */
	bool holes;		/* also report empty ranges inside VMAs */
	/*
	 * A call starting where the last one stopped (at w->next), in the
	 * middle of the same VMA, carries on with it: no new vma_start(),
	 * per-VMA table counts kept.  For visitors that stop mid-VMA to
	 * bound their work per call and keep their own per-VMA state.
	 */
	bool keep_vma;

	/* Output. */
	unsigned long next;	/* where to resume */
	/*
	 * Distinct tables entered since init, each counted once even if
	 * several VMAs share it, and distinct tables entered in the current
	 * VMA (reset before vma_start).  Deposited PTE tables held by
	 * anonymous THP and huge-zero pmds are counted in @deposited.
	 */
	struct ptscope_table_count mm_tables;
	struct ptscope_table_count vma_tables;
	u64 deposited;

	/* Valid inside callbacks only (see the locking rules above). */
	struct vm_area_struct *vma;

	/* Valid inside pte_table() only. */
	pte_t *ptes;			/* one PTE table, copied out */
	unsigned long *pte_shared;	/* bitmap: mapcount > 1 */
	u32 *pte_share;			/* ptscope_pte_share() of each */

	/* Private to walk.c. */
	long budget;			/* work left before dropping the lock */
	unsigned long cursor;		/* everything below is done */
	bool in_vma;			/* vma_start called, vma_end not yet */
	bool anon;			/* current VMA is anonymous */
	u8 huge_level;			/* hugetlb leaf level, or LEVEL_NONE */
	u8 vma_restarts;		/* of the VMA in progress */
	/* The VMA in progress, as found at vma_start. */
	unsigned long vma_start_addr, vma_end_addr, vma_pgoff;
	vm_flags_t vma_flags;
	const struct file *vma_file;
	u64 last_table[__PTSCOPE_LEVEL_CNT];
	u64 vma_last_table[__PTSCOPE_LEVEL_CNT];
};

/* Allocates the per-walk PTE buffer; GFP_KERNEL.  0 or -ENOMEM. */
int ptscope_walk_init(struct ptscope_walk *w, struct mm_struct *mm,
		      const struct ptscope_walk_ops *ops, void *priv,
		      bool show_pfn);
void ptscope_walk_release(struct ptscope_walk *w);
/* Forget table counts and VMA state, e.g. before walking from scratch. */
void ptscope_walk_reset(struct ptscope_walk *w);

/*
 * Walk [start, end) of w->mm (start rounded down, end up to pages).  The
 * caller holds a reference on the mm (mmget) and no locks; the walker
 * takes mmap_read_lock_killable itself.  Returns 0 when the whole range
 * was walked (w->next == end), PTSCOPE_WALK_STOPPED, -EINTR on a fatal
 * signal or a callback's negative error; w->next is valid in every case.
 */
int ptscope_walk_range(struct ptscope_walk *w, unsigned long start,
		       unsigned long end);

/* ---- ptdump-style coalescer --------------------------------------- */

struct ptscope_range {
	unsigned long start, end;
	struct ptscope_entry e;	/* of the first leaf; e.pfn = first frame */
	u64 count;		/* leaves merged */
	unsigned long vma_start;
};

/*
 * emit() returns 0 when the range was consumed, > 0 when there was no room
 * (the range will be produced again after resuming) or < 0 on error.
 */
typedef int (*ptscope_emit_fn)(void *priv, const struct ptscope_range *r);

struct ptscope_coalescer {
	ptscope_emit_fn emit;
	void *priv;
	bool per_page;		/* never merge: one range per leaf */
	bool pending;
	struct ptscope_range cur;
	unsigned long resume;	/* after a failed emit: resume here */
};

void ptscope_coalesce_init(struct ptscope_coalescer *c, bool per_page,
			   ptscope_emit_fn emit, void *priv);
/*
 * Feed one leaf.  A new range starts when level, state, flags or VMA change
 * or the leaf is not contiguous.  On a failed emit returns its value and
 * sets c->resume: the pending range and @leaf are dropped and must be fed
 * again from c->resume (a leaf visitor sets w->next = c->resume).
 */
int ptscope_coalesce_add(struct ptscope_coalescer *c,
			 const struct ptscope_leaf *leaf,
			 unsigned long vma_start);
/*
 * From a pte_table_locked() callback: feed the table's n entries from
 * addr (ptep), exactly as ptscope_coalesce_add() would be fed their
 * leaves one by one (empty entries are not leaves), in the current VMA.
 * Same return convention, and w->next is set where the walk must resume;
 * emit() is called under the PTL.
 */
int ptscope_coalesce_add_ptes(struct ptscope_coalescer *c,
			      struct ptscope_walk *w, unsigned long addr,
			      pte_t *ptep, unsigned int n);
/* Emit the pending range, if any; same return convention. */
int ptscope_coalesce_flush(struct ptscope_coalescer *c);

/* ---- one copied PTE as a leaf's entry ------------------------------ */

/* What the last mapped PTE classified to; zero it per table. */
struct ptscope_pte_class {
	u64 key;
	u64 flags;
	u8 state;
	bool valid;
};

/*
 * From a pte_table() callback: w->ptes[i] (not empty) decoded into @e,
 * exactly as the per-leaf path would hand it to leaf(), with its frame
 * and raw value hidden unless w->show_pfn.  A mapped entry whose bits
 * outside the frame number match the previous one's reuses its flags
 * from @cls rather than being decoded again.
 */
void ptscope_walk_pte_entry(const struct ptscope_walk *w, unsigned int i,
			    struct ptscope_pte_class *cls,
			    struct ptscope_entry *e);

/* ---- per-VMA aggregates -------------------------------------------- */

struct ptscope_vma_stats {
	u64 leaves[__PTSCOPE_LEVEL_CNT];	/* present leaves per level */
	u64 rss;		/* present pages, in base pages */
	u64 swap;		/* swap entries, in base pages */
	u64 protnone;		/* PROT_NONE/NUMA-hint entries, base pages */
	u64 migration;		/* migration entries, base pages */
	u64 other;		/* device, marker, hwpoison, other */
	u64 dirty;		/* present and dirty, base pages */
	u64 accessed;
	u64 writable;		/* present and writable */
	u64 cow;		/* read-only in a writable private VMA */
	u64 zero;		/* mapping the zero page (4K or huge) */
	u64 shared;		/* frame mapped more than once */
	u64 soft_dirty;
	struct ptscope_share share;	/* smaps' Private_*, Shared_*, Pss */
	struct ptscope_table_count tables; /* tables covering the VMA */
};

void ptscope_vma_stats_add(struct ptscope_vma_stats *s,
			   const struct ptscope_leaf *leaf);
/*
 * From a pte_table_locked() callback: add the table's n entries at ptep,
 * counting exactly what ptscope_vma_stats_add() would for each of their
 * leaves.  Runs under the PTL.
 */
void ptscope_vma_stats_add_ptes(struct ptscope_vma_stats *s,
				const struct ptscope_walk *w,
				pte_t *ptep, unsigned int n);

/* ---- per-mm page-table summary ------------------------------------- */

struct ptscope_summary {
	/* tables[PTE..P4D] as walked; tables[PGD] is 1 */
	struct ptscope_table_count tables;
	u64 deposited;		/* PTE tables deposited by THP/huge-zero pmds */
	u64 counted_bytes;	/* (pte + pmd + pud + deposited) * PAGE_SIZE */
	u64 pgtables_bytes;	/* mm_pgtables_bytes() after the walk: VmPTE */
	u64 vmas;
	struct ptscope_vma_stats total;	/* leaves of all VMAs (tables unused) */
};

/* Caller holds an mmget() reference on @mm and no locks. */
int ptscope_mm_summary(struct mm_struct *mm, bool show_pfn,
		       struct ptscope_summary *s);

/* ---- vtop: one address, every level -------------------------------- */

struct ptscope_vtop_level {
	u8 level;		/* enum ptscope_level */
	u32 index;		/* index of the entry within its table */
	u64 entry_phys;		/* physical address of the entry; 0 hidden */
	struct ptscope_entry e;	/* raw and decoded; tables: state PRESENT */
};

struct ptscope_vtop {
	unsigned long addr;
	unsigned int nr;	/* valid entries in lvl[], top level first */
	struct ptscope_vtop_level lvl[__PTSCOPE_LEVEL_CNT];
	u8 stop_level;		/* enum ptscope_level where the walk ended */
	u8 stop;		/* enum ptscope_vtop_stop (UAPI) */
	u64 phys;		/* translated address (LEAF only); 0 hidden */
	unsigned long vm_start, vm_end, vm_flags;	/* the VMA, if any */
};

/* Caller holds an mmget() reference on @mm and no locks. */
int ptscope_vtop(struct mm_struct *mm, unsigned long addr, bool show_pfn,
		 struct ptscope_vtop *out);

#endif /* _PTSCOPE_WALK_H */
