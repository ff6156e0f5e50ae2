/* SPDX-License-Identifier: GPL-2.0 */
/*
 * walk_internal.h: helpers shared by the walker (walk.c), the coalescer
 * (coalesce.c), the per-VMA aggregates (vmastats.c) and vtop (vtop.c):
 * the copy-on-write and sharing context of a leaf, smaps' view of a page,
 * the table scans of the hot loops and the locked PTE-table access.
 * Private to those files; front ends use walk.h.
 *
 * They are defined here, static, so that each file's hot loops compile
 * as they did when all of this was one file.  The small ones are inline.
 * Those the compiler kept out of line then are noinline now (and
 * __maybe_unused, as not every file calls each one): split
 * into files, each would have one caller per file and be inlined into
 * it, growing the hot loops (ptscope_coalesce_add_ptes() by half, and
 * ptscope_vma_stats_add_ptes() to twice its size, measured on 6.12).
 *
 * Locking is stated per helper: "under the PTL" means the caller holds
 * the PTE table's lock (and RCU), as ptscope_with_pte_table() gives it.
 * ptscope_with_pte_table() itself must be called with the mmap lock held
 * and no spinlock.
 */
#ifndef _PTSCOPE_WALK_INTERNAL_H
#define _PTSCOPE_WALK_INTERNAL_H

#include <linux/compiler.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>

#include "uapi/ptscope.h"
#include "arch.h"
#include "entry.h"
#include "walk.h"
#include "testhook.h"

/*
 * pfn_valid() and the decoder's ptscope_pte_mapped_flags() are inline
 * in their headers; called out of line, as they were when these files
 * were one, they keep the hot loops the size they were.
 */
static noinline __maybe_unused bool ptscope_pfn_valid(unsigned long pfn)
{
	return pfn_valid(pfn);
}

static noinline __maybe_unused u64 ptscope_walk_pte_flags(pte_t pte, u8 *state)
{
	return ptscope_pte_mapped_flags(pte, state);
}

/* A writable private VMA: its read-only present leaves are copy-on-write. */
static inline bool ptscope_vma_cow(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;
}

/*
 * Flags that need the VMA, or what was learnt under the entry's lock.
 * Shared by the per-leaf path and the table-at-a-time summaries.
 */
static inline u64 ptscope_context_flags(u8 state, u64 flags, bool cow_vma,
					bool shared, bool huge_zero)
{
	if (state != PTSCOPE_STATE_PRESENT)
		return flags;
	if (!(flags & PTSCOPE_F(WRITE)) && cow_vma)
		flags |= PTSCOPE_F(COW);
	if (shared)
		flags |= PTSCOPE_F(SHARED);
	if (huge_zero)
		flags |= PTSCOPE_F(ZERO_PAGE);
	return flags;
}

static inline void ptscope_add_context(const struct ptscope_walk *w,
				       struct ptscope_entry *e, bool shared,
				       bool huge_zero)
{
	e->flags = ptscope_context_flags(e->state, e->flags,
					 ptscope_vma_cow(w->vma), shared,
					 huge_zero);
}

/*
 * Can a writable pte of this VMA be taken as mapped once without reading
 * its page?  In a COW mapping (private, may be written: is_cow_mapping())
 * a pte is made writable only on an exclusive anonymous page: the write
 * fault reuses or copies the page, mprotect (can_change_pte_writable())
 * and uffd require PageAnonExclusive, and fork write-protects the parent's
 * pte, under its PTL, in the same step that raises the mapcount.  On 6.1
 * and 6.12 alike, "(part of) an anonymous page that are mapped writable
 * are exclusive to a single process" (include/linux/swap.h), so its
 * ptscope_page_mapcount() is 1.  Raw pfn and mixed maps are left out:
 * drivers fill those with their own pages and protections.
 */
static inline bool
ptscope_vma_writable_is_exclusive(const struct vm_area_struct *vma)
{
	vm_flags_t f = vma->vm_flags;

	return (f & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE &&
	       !(f & (VM_PFNMAP | VM_MIXEDMAP));
}

/*
 * Under the PTL: is this pte's frame mapped more than once?  @cow_excl is
 * ptscope_vma_writable_is_exclusive(): then a writable pte answers no
 * without touching struct page, the bulk of the cost of a dense walk.
 */
static __always_inline bool ptscope_pte_shared(pte_t pte, bool cow_excl)
{
	unsigned long pfn;

	if (!pte_present(pte) || pte_special(pte) ||
	    ptscope_pte_devmap(pte))
		return false;
	if (cow_excl && pte_write(pte))
		return false;
	pfn = pte_pfn(pte);
	if (!ptscope_pfn_valid(pfn) || is_zero_pfn(pfn))
		return false;
	return ptscope_page_mapcount(pfn_to_page(pfn)) > 1;
}

/*
 * smaps' view of one page (smaps_account(), smaps_page_accumulate()),
 * packed in a u32: whether it is counted at all, private, dirty, and the
 * mapcount its PSS is divided by.  Read under the lock of an entry that
 * maps the page, which keeps it mapped, so its folio's refcount,
 * mapcount and flags are the live ones; smaps reads them the same way.
 */
#define PTSCOPE_SH_COUNTED	BIT(31)
#define PTSCOPE_SH_PRIVATE	BIT(30)
#define PTSCOPE_SH_DIRTY	BIT(29)
#define PTSCOPE_SH_DIV		(BIT(29) - 1)

static noinline __maybe_unused u32
ptscope_page_share(struct folio *folio, struct page *page, bool dirty,
		   bool ref_once)
{
	u32 code = PTSCOPE_SH_COUNTED;
	bool excl;
	int mc;

	if (dirty || folio_test_dirty(folio))
		code |= PTSCOPE_SH_DIRTY;
	/* One reference: mapped exactly once, whatever the mapcount says. */
	if (ref_once)
		return code | PTSCOPE_SH_PRIVATE | 1;
	mc = ptscope_smaps_mapcount(folio, page, &excl);
	if (excl)
		code |= PTSCOPE_SH_PRIVATE;
	return code | (mc >= 2 ? min_t(u32, mc, PTSCOPE_SH_DIV) : 1);
}

static noinline __maybe_unused void
ptscope_share_add(struct ptscope_share *sh, u32 code, u64 pages)
{
	bool dirty = code & PTSCOPE_SH_DIRTY;

	if (!(code & PTSCOPE_SH_COUNTED))
		return;
	sh->pss += pages * div_u64((u64)PAGE_SIZE << PTSCOPE_PSS_SHIFT,
				   code & PTSCOPE_SH_DIV);
	if (code & PTSCOPE_SH_PRIVATE) {
		if (dirty)
			sh->private_dirty += pages;
		else
			sh->private_clean += pages;
	} else if (dirty) {
		sh->shared_dirty += pages;
	} else {
		sh->shared_clean += pages;
	}
}

static inline void ptscope_share_sum(struct ptscope_share *to,
				     const struct ptscope_share *from)
{
	to->pss += from->pss;
	to->private_clean += from->private_clean;
	to->private_dirty += from->private_dirty;
	to->shared_clean += from->shared_clean;
	to->shared_dirty += from->shared_dirty;
}

/*
 * Under the PTL: smaps' view of the page a pte maps, 0 when smaps does
 * not count it (vm_normal_page() finds no page: special and devmap
 * entries, the zero page, frames without a struct page).
 */
static noinline __maybe_unused u32 ptscope_pte_share(pte_t pte)
{
	unsigned long pfn;
	struct folio *folio;
	struct page *page;

	if (!pte_present(pte) || pte_special(pte) || ptscope_pte_devmap(pte))
		return 0;
	pfn = pte_pfn(pte);
	if (!ptscope_pfn_valid(pfn) || is_zero_pfn(pfn))
		return 0;
	page = pfn_to_page(pfn);
	folio = page_folio(page);
	return ptscope_page_share(folio, page, pte_dirty(pte),
				  folio_ref_count(folio) == 1);
}

/*
 * Is this pmd a leaf, for a VMA whose hugetlb leaves sit at @huge_level?
 * A THP, huge-zero, devmap or hugetlb leaf, or a non-present leaf
 * (migration entry, PROT_NONE).  A THP pmd in mid-update
 * (pmdp_invalidate(): PRESENT and PROTNONE clear, PSE kept) passes too;
 * it is never decoded from a lockless read (ptscope_huge_leaf()).
 */
static noinline __maybe_unused bool
ptscope_pmd_is_leaf(pmd_t pmd, int huge_level)
{
	return huge_level == PTSCOPE_LEVEL_PMD ||
	       !ptscope_arch_val_mapped(pmd_val(pmd)) ||
	       pmd_leaf(pmd) || pmd_trans_huge(pmd) ||
	       ptscope_pmd_devmap(pmd);
}

static inline bool ptscope_pud_is_leaf(pud_t pud, int huge_level)
{
	return huge_level == PTSCOPE_LEVEL_PUD || ptscope_arch_pud_leaf(pud) ||
	       ptscope_pud_devmap(pud);
}

/*
 * How many of the @n entries from @p on are zero.  Upper tables and PTE
 * tables of sparse address spaces are mostly zero, and scanning them is
 * most of such a walk: eight entries are tested per branch, against one
 * word per iteration for memchr_inv().  An entry filled in as we scan
 * is no different from one filled in just after it was read, so the
 * eight are read with plain loads, racy on purpose (data_race()), which
 * the compiler may fold into one OR each; the last few are read once.
 */
static noinline __maybe_unused unsigned int
ptscope_zero_run(const u64 *p, unsigned int n)
{
	const u64 *q = p, *end = p + n;

	for (; end - q >= 8; q += 8)
		/* Racy on purpose: see above. */
		if (data_race(q[0] | q[1] | q[2] | q[3] |
			      q[4] | q[5] | q[6] | q[7]))
			break;
	while (q < end && !READ_ONCE(*q))
		q++;
	return q - p;
}

/*
 * How many of the @n entries from @p on have the bits @key outside the
 * frame number: a dense table's entries differ only there.  Eight are
 * tested per branch, as in ptscope_zero_run().
 */
static noinline __maybe_unused unsigned int
ptscope_key_run(const u64 *p, unsigned int n, u64 key)
{
	const u64 m = ~PTSCOPE_ARCH_PFN_MASK;
	const u64 *q = p, *end = p + n;

	for (; end - q >= 8; q += 8)
		/* Racy on purpose, as in ptscope_zero_run(). */
		if (data_race(((q[0] & m) ^ key) | ((q[1] & m) ^ key) |
			      ((q[2] & m) ^ key) | ((q[3] & m) ^ key) |
			      ((q[4] & m) ^ key) | ((q[5] & m) ^ key) |
			      ((q[6] & m) ^ key) | ((q[7] & m) ^ key)))
			break;
	while (q < end && (READ_ONCE(*q) & m) == key)
		q++;
	return q - p;
}

/*
 * Run @fn on the PTE table @pmdval points at, with the entry for @addr,
 * the way __pte_offset_map_lock() maps a table.  @pmdval was read and
 * classified before RCU was entered, and the table it names may have been
 * freed since (collapse and empty-table reclaim free PTE tables under the
 * mmap read lock, through pte_free_defer()): so enter RCU first, then read
 * the pmd again and go on only if it still names the same table.  From
 * that read on, RCU keeps the table and its PTL from being freed.  Take
 * the PTL and check the pmd once more under it: only then is the table
 * ours, and @fn runs, under both, for one table.  Returns false if the
 * pmd changed: the caller reads it and classifies it again.
 */
static noinline __maybe_unused bool
ptscope_with_pte_table(struct mm_struct *mm, pmd_t *pmdp, pmd_t pmdval,
		       unsigned long addr, void (*fn)(pte_t *ptep, void *arg),
		       void *arg)
{
	spinlock_t *ptl;	/* the table's PTL */
	pte_t *ptep;
	bool same;

	ptscope_test_delay_at(PTSCOPE_TP_PMD_CLASSIFIED, addr);
	rcu_read_lock();
	if (!pmd_same(pmdval, ptscope_pmdp_get_lockless(pmdp))) {
		rcu_read_unlock();
		return false;
	}
	ptep = pte_offset_kernel(&pmdval, addr);
	ptl = pte_lockptr(mm, &pmdval);
	spin_lock(ptl);
	same = pmd_same(pmdval, ptscope_pmdp_get_lockless(pmdp));
	if (likely(same))
		fn(ptep, arg);
	spin_unlock(ptl);
	rcu_read_unlock();
	return same;
}

/* hugetlb VMAs keep their leaves at one level, in pte format. */
static inline int ptscope_vma_huge_level(struct vm_area_struct *vma)
{
	if (!is_vm_hugetlb_page(vma))
		return PTSCOPE_LEVEL_NONE;
	return vma_kernel_pagesize(vma) >= PUD_SIZE ? PTSCOPE_LEVEL_PUD :
						      PTSCOPE_LEVEL_PMD;
}

/*
 * The mapping whose i_mmap_rwsem keeps @vma's pmd tables from being
 * unshared, or NULL.  hugetlb shares pmd tables between the VM_MAYSHARE
 * mappings of a file, and huge_pmd_unshare() clears one mm's pud and
 * drops the table (the last user frees it, without an RCU delay) under
 * that rwsem held for writing and the hugetlb VMA lock, not under this
 * mm's mmap lock.  mmap_lock before i_mmap_rwsem is the kernel's order
 * (mm/rmap.c).
 */
static inline struct address_space *
ptscope_vma_shared_tables(struct vm_area_struct *vma)
{
	if (!is_vm_hugetlb_page(vma) || !(vma->vm_flags & VM_MAYSHARE) ||
	    !vma->vm_file)
		return NULL;
	return vma->vm_file->f_mapping;
}

/*
 * A mapped entry's flags depend on its bits outside the frame number, on
 * whether its frame is the zero page and on its shared bit: the same
 * key, the same flags.
 */
static noinline __maybe_unused u64 ptscope_pte_key(pte_t pte, bool shared)
{
	return (pte_val(pte) & ~PTSCOPE_ARCH_PFN_MASK) |
	       (is_zero_pfn(pte_pfn(pte)) ? BIT_ULL(PAGE_SHIFT + 1) : 0) |
	       (shared ? BIT_ULL(PAGE_SHIFT) : 0);
}

#endif /* _PTSCOPE_WALK_INTERNAL_H */
