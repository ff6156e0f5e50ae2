// SPDX-License-Identifier: GPL-2.0
/*
 * walk.c: the hand-written page-table walker (walk.h): VMA by VMA, level
 * by level, in bounded chunks, handing each leaf or PTE table to a
 * visitor.  The visitors' building blocks live beside it, one job a file:
 * coalesce.c (ptdump-style ranges), vmastats.c (per-VMA aggregates),
 * summary.c (the per-mm page-table summary) and vtop.c (one address);
 * the helpers they share with the walker are static inline in
 * walk_internal.h.  Architecture bits come from arch.h.
 *
 * walk_page_range() is not exported and, on 6.12, neither is
 * pte_offset_map(), so the walk is done here with inline pieces only.
 * Locking, from the outside in:
 *
 *  - mmap_read_lock (killable) of the target: held for bounded chunks only.
 *    While it is held no VMA we found can be unmapped, and munmap frees
 *    page tables only for ranges outside every VMA, so pgd, p4d, pud and pmd
 *    tables under a VMA stay allocated (but for shared hugetlb pmd tables,
 *    below).  Upper entries are read once with
 *    READ_ONCE() and the snapshot is what we descend through.
 *    The read lock excludes less than it did: faults run under the
 *    per-VMA lock alone (6.4+), and on 7.2 so do MADV_DONTNEED, MADV_FREE
 *    and MADV_GUARD_INSTALL/REMOVE (madvise's get_lock_mode()), which zap
 *    and write PTEs, pmdp_invalidate() THPs and reclaim empty PTE tables
 *    beside our walk.  None of them frees a pud or pmd table: only
 *    free_pgtables() does, in munmap (after mmap_write_downgrade(), for
 *    ranges already out of the VMA tree) and exit, as on 6.1 and 6.12.
 *    The VMA itself may change while the lock is dropped between chunks:
 *    the walk knows the VMA in progress by its bounds, flags, offset and
 *    file, and per-VMA reports walk a changed one again from its start
 *    (restart_changed_vma in walk.h).
 *  - i_mmap_rwsem of the file, for reading, across a shared hugetlb VMA's
 *    part of a chunk: hugetlb shares pmd tables between the mms mapping
 *    a file, and huge_pmd_unshare() drops one (and the last user frees
 *    it, with no RCU delay) under that rwsem for writing, not under our
 *    mmap lock.  mmap_lock, then i_mmap_rwsem, then the page-table locks
 *    is the kernel's order (mm/rmap.c).
 *  - RCU + the PTE-table lock (PTL), for PTE tables only: since 6.5 a PTE
 *    table can be freed under mmap_read_lock (khugepaged collapse,
 *    MADV_COLLAPSE, empty-table reclaim) through RCU (pte_free_defer()).
 *    On 7.2 empty-table reclaim (CONFIG_PT_RECLAIM, on in Debian's amd64
 *    kernel) runs on every MADV_DONTNEED that covers a whole table:
 *    zap_pte_table_if_empty() clears the pmd under the pmd lock and the
 *    PTL, and mmu_gather frees the table with call_rcu(), so the same
 *    RCU + PTL + pmd re-check protects us.
 *    As __pte_offset_map_lock() does, we classify a lockless pmd
 *    snapshot, enter RCU, read the pmd again and go on only if it still
 *    names the same table (from that read on, RCU keeps the table and its
 *    PTL allocated), lock the PTL, check the pmd once more and only then
 *    read the entries (ptscope_with_pte_table()).  PTL and RCU are dropped
 *    before any visitor runs, except pte_table_locked(), which reads the
 *    one table in place under them and never sleeps (aggregators, and
 *    coalescing dumps, which only write to a buffer that is already there).
 *  - the pmd lock (pmd leaves) or mm->page_table_lock (pud leaves): a huge
 *    leaf is decoded only from a value read under it.  THP split,
 *    MADV_FREE and NUMA hinting rewrite a pmd in steps under that lock
 *    (pmdp_invalidate() leaves a present THP looking like a swap entry
 *    until set_pmd_at()); under it the value is whole, and its page's
 *    mapcount means something (ptscope_read_huge_leaf()).
 *
 * The chunk budget: each populated PTE table or huge leaf costs
 * PTRS_PER_PTE, each empty or skipped entry and each VMA costs 1, and a
 * run of empty pud or pmd entries found in one scan costs 1 per
 * PTSCOPE_SKIP_PER_BUDGET.  When a chunk's budget is spent the walker
 * asks whether anyone needs what it holds: a writer waiting for the mmap
 * lock (queued or spinning: ptscope_mmap_lock_wanted()), another task
 * for this CPU (need_resched()) or a fatal signal.  If nobody does, it
 * refills the budget and carries on where it is, with the lock held and
 * no new descent from the pgd: dropping and retaking an uncontended lock
 * lets nobody in and only costs a find_vma() and a descent per PTE table.
 * If somebody does, it unwinds to ptscope_walk_range(), drops the mmap
 * lock, reschedules (or, if a writer is waiting, sleeps until it has the
 * lock) and looks the cursor's VMA up again.  Either way the question is
 * asked at least once per PTE table (2 MiB of mapped space) or per 512
 * empty entries, so a writer that arrives during a walk waits for at most
 * the chunk in progress, and never for the rest of the walk.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/hugetlb.h>
#include <linux/mmap_lock.h>
#include <linux/osq_lock.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <asm/io.h>

#include "uapi/ptscope.h"
#include "arch.h"
#include "entry.h"
#include "walk.h"
#include "walk_internal.h"
#include "testhook.h"

#define PTSCOPE_CHUNK_BUDGET	((long)PTRS_PER_PTE)
/*
 * A chunk boundary sleeps in steps of this while an mmap-lock writer
 * waits (queued or spinning), for at most PTSCOPE_WRITER_WAIT_MS
 * (ptscope_walk_pause()).
 */
#define PTSCOPE_WRITER_PAUSE_US	50
#define PTSCOPE_WRITER_WAIT_MS	10
/* Times a changed VMA is walked again from its start (restart_changed_vma). */
#define PTSCOPE_VMA_RESTARTS	4
/* Empty upper-level entries skipped in one scan cost 1 per this many. */
#define PTSCOPE_SKIP_PER_BUDGET	16

/*
 * Whether a writer wants the mmap lock we hold for reading: one queued on
 * it (mmap_lock_is_contended()), or one still spinning for it before it
 * queues.  rwsem writers, and only writers, spin on the lock's osq; a
 * writer that finds the lock reader-owned spins for some microseconds and
 * takes it at once if we let go meanwhile, without sleeping and waking.
 * Still so on 7.2: mmap_lock is an rw_semaphore with its osq, and
 * mmap_lock_is_contended() is rwsem_is_contended().
 */
static bool ptscope_mmap_lock_wanted(struct mm_struct *mm)
{
#if defined(CONFIG_RWSEM_SPIN_ON_OWNER) && !defined(CONFIG_PREEMPT_RT)
	if (osq_is_locked(&mm->mmap_lock.osq))
		return true;
#endif
	return mmap_lock_is_contended(mm);
}

/* Physical address of a table that a non-leaf entry points at. */
#define PTSCOPE_TABLE_KEY(val)	((u64)(val) & PTSCOPE_ARCH_PFN_MASK)

int ptscope_walk_init(struct ptscope_walk *w, struct mm_struct *mm,
		      const struct ptscope_walk_ops *ops, void *priv,
		      bool show_pfn)
{
	memset(w, 0, sizeof(*w));
	w->ptes = kmalloc_array(PTRS_PER_PTE, sizeof(pte_t), GFP_KERNEL);
	w->pte_shared = bitmap_zalloc(PTRS_PER_PTE, GFP_KERNEL);
	w->pte_share = kmalloc_array(PTRS_PER_PTE, sizeof(u32), GFP_KERNEL);
	if (!w->ptes || !w->pte_shared || !w->pte_share) {
		ptscope_walk_release(w);
		return -ENOMEM;
	}
	w->mm = mm;
	w->ops = ops;
	w->priv = priv;
	w->show_pfn = show_pfn;
	return 0;
}

void ptscope_walk_release(struct ptscope_walk *w)
{
	kfree(w->ptes);
	bitmap_free(w->pte_shared);
	kfree(w->pte_share);
	w->ptes = NULL;
	w->pte_shared = NULL;
	w->pte_share = NULL;
}

void ptscope_walk_reset(struct ptscope_walk *w)
{
	memset(&w->mm_tables, 0, sizeof(w->mm_tables));
	memset(&w->vma_tables, 0, sizeof(w->vma_tables));
	memset(w->last_table, 0, sizeof(w->last_table));
	memset(w->vma_last_table, 0, sizeof(w->vma_last_table));
	w->deposited = 0;
	w->in_vma = false;
}

/*
 * Tables are entered in address order, so a table shared by neighbouring
 * VMAs, or re-entered after the lock was dropped, is the last one seen.
 */
static void ptscope_count_table(struct ptscope_walk *w, int level, u64 key)
{
	if (w->last_table[level] != key) {
		w->last_table[level] = key;
		w->mm_tables.tables[level]++;
	}
	if (w->vma_last_table[level] != key) {
		w->vma_last_table[level] = key;
		w->vma_tables.tables[level]++;
	}
}

/*
 * At a chunk boundary (budget spent): true when the walk must unwind and
 * drop the mmap lock, false when it may carry on with a fresh budget
 * (see the top of this file).  Called only where no spinlock or RCU read
 * section is held.
 */
static bool ptscope_chunk_done(struct ptscope_walk *w)
{
	if (w->budget > 0)
		return false;
	if (ptscope_mmap_lock_wanted(w->mm) || need_resched() ||
	    fatal_signal_pending(current) ||
	    ptscope_test_armed(PTSCOPE_TP_LOCK_DROPPED, w->cursor))
		return true;
	w->budget = PTSCOPE_CHUNK_BUDGET;
	return false;
}

static int ptscope_visit(struct ptscope_walk *w, struct ptscope_leaf *leaf)
{
	int ret;

	w->next = leaf->end;
	ret = w->ops->leaf(w, leaf);
	if (ret)
		w->cursor = w->next;
	return ret;
}

static int ptscope_hole(struct ptscope_walk *w, unsigned long start,
			unsigned long end, int level)
{
	struct ptscope_leaf leaf;

	w->budget--;
	if (!w->holes)
		return 0;
	leaf.start = start;
	leaf.end = end;
	ptscope_decode_none(level, &leaf.e);
	memset(&leaf.share, 0, sizeof(leaf.share));
	return ptscope_visit(w, &leaf);
}

/*
 * Under the pmd lock: smaps' view of a THP pmd's pages (smaps_pmd_entry()
 * accounts the folio as compound: one reference makes all of it private,
 * otherwise each page goes by its own mapcount).
 */
static void ptscope_pmd_share(struct page *page, bool dirty,
			      struct ptscope_share *sh)
{
	struct folio *folio = page_folio(page);
	bool ref_once = folio_ref_count(folio) == 1;
	unsigned int i;

	for (i = 0; i < HPAGE_PMD_NR; i++)
		ptscope_share_add(sh, ptscope_page_share(folio, page + i, dirty,
							 ref_once), 1);
}

/*
 * Under the leaf's lock, with the leaf re-read and unchanged: mapcount,
 * whether an anonymous VMA's pmd maps the huge zero page (the only
 * non-anonymous page such a pmd can map; huge_zero_pfn is not exported),
 * and smaps' share of a THP pmd (hugetlb is counted apart by smaps, in
 * its *_Hugetlb lines, and pud leaves not at all).
 */
static void ptscope_huge_extras(struct ptscope_walk *w, u64 val, int level,
				bool *shared, bool *huge_zero,
				struct ptscope_share *sh)
{
	unsigned long pfn;
	struct page *page;

	if (!ptscope_arch_val_present(val) ||
	    (level == PTSCOPE_LEVEL_PMD ? ptscope_pmd_devmap(__pmd(val)) :
					 ptscope_pud_devmap(__pud(val))))
		return;
	/* Raw pfn maps map frames the kernel does not count. */
	if (w->vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))
		return;
	pfn = level == PTSCOPE_LEVEL_PMD ? pmd_pfn(__pmd(val)) :
					   pud_pfn(__pud(val));
	if (!ptscope_pfn_valid(pfn))
		return;
	page = pfn_to_page(pfn);
	/*
	 * Before the special test: 7.2 maps the huge zero folio with a
	 * special pmd (set_huge_zero_folio()), 6.1 and 6.12 do not.
	 */
	if (level == PTSCOPE_LEVEL_PMD && w->anon && !PageAnon(page)) {
		*huge_zero = true;
		return;
	}
	/*
	 * Other special leaves (6.12's huge PFNMAP leaves) are not counted
	 * either: vm_normal_page_pmd() skips them too.
	 */
	if (level == PTSCOPE_LEVEL_PMD ? ptscope_pmd_special(__pmd(val)) :
					 ptscope_pud_special(__pud(val)))
		return;
	*shared = ptscope_page_mapcount(page) > 1;
	if (w->ops->share && level == PTSCOPE_LEVEL_PMD &&
	    w->huge_level == PTSCOPE_LEVEL_NONE)
		ptscope_pmd_share(page, pmd_dirty(__pmd(val)), sh);
}

/*
 * Read a huge leaf under its own lock (the split pmd lock, or
 * page_table_lock for puds).  Everything that rewrites a huge leaf in
 * steps does so under that lock: THP split, MADV_FREE and NUMA hinting
 * go through pmdp_invalidate(), which leaves a present THP looking like
 * a swap entry until set_pmd_at() puts it back.  Under the lock the
 * value is whole, and while the lock is held its page stays mapped
 * here, so its mapcount means something.  Shared hugetlb pmd tables are
 * kept from being unshared and freed by i_mmap_rwsem, held across the
 * VMA's walk (ptscope_walk_one_vma()), so their lock is safe to take.
 * Returns false, with nothing read, when the entry is no longer a leaf
 * (zapped, split into a table): the caller classifies it again.
 */
static bool ptscope_read_huge_leaf(struct ptscope_walk *w, int level,
				   spinlock_t *ptl, void *entryp, u64 *val,
				   bool *shared, bool *huge_zero,
				   struct ptscope_share *sh)
{
	bool leaf;

	spin_lock(ptl);
	*val = READ_ONCE(*(u64 *)entryp);
	leaf = *val && (level == PTSCOPE_LEVEL_PMD ?
			ptscope_pmd_is_leaf(__pmd(*val), w->huge_level) :
			ptscope_pud_is_leaf(__pud(*val), w->huge_level));
	if (leaf)
		ptscope_huge_extras(w, *val, level, shared, huge_zero, sh);
	spin_unlock(ptl);
	return leaf;
}

/* -EAGAIN when the entry is no longer a leaf: classify it again. */
static int ptscope_huge_leaf(struct ptscope_walk *w, int level,
			     unsigned long addr, unsigned long next,
			     spinlock_t *ptl, void *entryp)
{
	unsigned long base = addr & (level == PTSCOPE_LEVEL_PMD ? PMD_MASK :
								  PUD_MASK);
	bool shared = false, huge_zero = false;
	struct ptscope_leaf leaf;
	u64 val;

	memset(&leaf.share, 0, sizeof(leaf.share));
	if (!ptscope_read_huge_leaf(w, level, ptl, entryp, &val, &shared,
				    &huge_zero, &leaf.share))
		return -EAGAIN;
	if (level == PTSCOPE_LEVEL_PMD) {
		ptscope_decode_pmd(__pmd(val), w->show_pfn, &leaf.e);
		/* Anonymous THP and huge-zero pmds keep a PTE table deposited. */
		if (w->huge_level == PTSCOPE_LEVEL_NONE && w->anon)
			w->deposited++;
	} else {
		ptscope_decode_pud(__pud(val), w->show_pfn, &leaf.e);
	}
	ptscope_add_context(w, &leaf.e, shared, huge_zero);
	leaf.start = addr;
	leaf.end = next;
	if (leaf.e.pfn)
		leaf.e.pfn += (addr - base) >> PAGE_SHIFT;
	w->budget -= PTRS_PER_PTE;
	return ptscope_visit(w, &leaf);
}

struct ptscope_pte_copy {
	struct ptscope_walk *w;
	unsigned int first, n;	/* in: n entries from the one @ptep is */
};

/*
 * Under the PTL: copy the PTEs of [addr, addr + n pages) to w->ptes.  When
 * no holes are reported, all-zero entries (empty: pte_none()) are not
 * copied one by one: runs of them are found with ptscope_zero_run(), those
 * before the first and after the last non-empty entry are left out, and
 * first and n are set to the window copied to w->ptes[0..n), which holds
 * every non-empty entry (n 0: none in range).  Under the PTL, zero entries
 * stay zero (no fault fills one in without it, and the MMU sets bits only
 * in present entries).
 */
static void ptscope_copy_ptes(pte_t *ptep, void *arg)
{
	struct ptscope_pte_copy *c = arg;
	struct ptscope_walk *w = c->w;
	bool cow_excl = ptscope_vma_writable_is_exclusive(w->vma);
	bool skip = !w->holes;
	unsigned int i, lo = 0, hi = c->n;

	if (skip)
		lo = ptscope_zero_run((const u64 *)ptep, hi);
	bitmap_zero(w->pte_shared, hi - lo);
	for (i = lo; i < hi; i++) {
		pte_t pte = ptep_get(ptep + i);

		/* Present entries, the bulk of a dense table, test no more. */
		if (!pte_present(pte) && skip && !pte_val(pte)) {
			unsigned int z = ptscope_zero_run((const u64 *)ptep + i,
							  hi - i);

			if (i + z == hi) {
				hi = i;
				break;
			}
			memset(&w->ptes[i - lo], 0, z * sizeof(pte_t));
			i += z;
			pte = ptep_get(ptep + i);
		}
		w->ptes[i - lo] = pte;
		if (w->ops->share)
			w->pte_share[i - lo] = ptscope_pte_share(pte);
		if (ptscope_pte_shared(pte, cow_excl))
			__set_bit(i - lo, w->pte_shared);
	}
	c->first = lo;
	c->n = hi - lo;
}

struct ptscope_pte_visit {
	struct ptscope_walk *w;
	unsigned long addr;
	unsigned int n;
	int ret;
};

/* Under the PTL: a pte_table_locked() visitor gets the entries in place. */
static void ptscope_visit_ptes_locked(pte_t *ptep, void *arg)
{
	struct ptscope_pte_visit *v = arg;

	v->ret = v->w->ops->pte_table_locked(v->w, v->addr, ptep, v->n);
}

/* Visit the copied PTEs; runs with only the mmap lock held. */
static int ptscope_visit_ptes(struct ptscope_walk *w, unsigned long addr,
			      unsigned int n)
{
	struct ptscope_leaf leaf;
	unsigned int i, j;
	int ret;

	for (i = 0; i < n; i = j) {
		unsigned long start = addr + ((unsigned long)i << PAGE_SHIFT);

		j = i + 1;
		memset(&leaf.share, 0, sizeof(leaf.share));
		if (pte_none(w->ptes[i])) {
			while (j < n && pte_none(w->ptes[j]))
				j++;
			if (!w->holes)
				continue;
			leaf.start = start;
			leaf.end = addr + ((unsigned long)j << PAGE_SHIFT);
			ptscope_decode_none(PTSCOPE_LEVEL_PTE, &leaf.e);
		} else {
			leaf.start = start;
			leaf.end = start + PAGE_SIZE;
			ptscope_decode_pte(w->ptes[i], w->show_pfn, &leaf.e);
			ptscope_add_context(w, &leaf.e,
					    test_bit(i, w->pte_shared), false);
			if (w->ops->share)
				ptscope_share_add(&leaf.share,
						  w->pte_share[i], 1);
		}
		ret = ptscope_visit(w, &leaf);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The copied PTEs go to the visitor's pte_table callback, which takes
 * them all at once, or one leaf at a time.  Holes are reported by the
 * per-leaf path only.
 */
static int ptscope_visit_pte_table(struct ptscope_walk *w, unsigned long addr,
				   unsigned long end, unsigned int n)
{
	int ret;

	if (!w->ops->pte_table || w->holes)
		return ptscope_visit_ptes(w, addr, n);
	w->next = end;
	ret = w->ops->pte_table(w, addr, n);
	if (ret)
		w->cursor = w->next;
	return ret;
}

/*
 * A populated PTE table's part of [addr, end): counted, then handed to
 * the visitor in place under its lock, or copied out and visited.
 * -EAGAIN if the pmd changed under us.
 */
static int ptscope_walk_pte_table(struct ptscope_walk *w, pmd_t *pmdp,
				  pmd_t pmd, unsigned long addr,
				  unsigned long end)
{
	unsigned int first = 0, n = (end - addr) >> PAGE_SHIFT;
	int ret = 0;

	if (w->ops->pte_table_locked && !w->holes) {
		struct ptscope_pte_visit v = { .w = w, .addr = addr, .n = n };

		w->next = end;
		if (!ptscope_with_pte_table(w->mm, pmdp, pmd, addr,
					    ptscope_visit_ptes_locked, &v))
			return -EAGAIN;
		ret = v.ret;
		if (ret)
			w->cursor = w->next;
		n = 0;		/* visited: nothing copied to visit below */
	} else {
		struct ptscope_pte_copy c = { .w = w, .n = n };

		if (!ptscope_with_pte_table(w->mm, pmdp, pmd, addr,
					    ptscope_copy_ptes, &c))
			return -EAGAIN;
		first = c.first;
		n = c.n;
	}
	ptscope_count_table(w, PTSCOPE_LEVEL_PTE,
			    PTSCOPE_TABLE_KEY(pmd_val(pmd)));
	w->budget -= PTRS_PER_PTE;
	if (!n)
		return ret;
	return ptscope_visit_pte_table(w, addr +
				       ((unsigned long)first << PAGE_SHIFT),
				       end, n);
}

/*
 * With no holes to report, a run of empty upper-level entries needs no
 * visit: find its end with one scan of the table rather than an entry at
 * a time, as sparse address spaces have thousands of them.  Returns how
 * many entries from @entryp on are all zero (an empty entry with stray
 * bits is left to the caller's own test), 0 when holes are wanted.  A
 * fault filling an entry in as we scan is no different from reading it
 * just before.
 */
static unsigned int ptscope_zero_entries(struct ptscope_walk *w,
					 const void *entryp,
					 unsigned long addr, unsigned long end,
					 unsigned int shift)
{
	unsigned long n = ((end - 1) >> shift) - (addr >> shift) + 1;
	unsigned int zero;

	if (w->holes || READ_ONCE(*(const u64 *)entryp))
		return 0;
	zero = ptscope_zero_run(entryp, n);
	w->budget -= 1 + zero / PTSCOPE_SKIP_PER_BUDGET;
	return zero;
}

/* Where a run of @zero entries from @addr's entry ends. */
static unsigned long ptscope_zero_end(unsigned long addr, unsigned long end,
				      unsigned int zero, unsigned int shift)
{
	return min(end, ((addr >> shift) + zero) << shift);
}

static int ptscope_walk_pmd_range(struct ptscope_walk *w, pud_t pud,
				  unsigned long addr, unsigned long end)
{
	pmd_t *pmdp = pmd_offset(&pud, addr);
	unsigned long next;
	int ret;

	ptscope_count_table(w, PTSCOPE_LEVEL_PMD, PTSCOPE_TABLE_KEY(pud_val(pud)));
	for (; addr < end; addr = next, pmdp++) {
		unsigned int zero;
		pmd_t pmd;

		next = pmd_addr_end(addr, end);
		if (ptscope_chunk_done(w))
			return 0;
		zero = ptscope_zero_entries(w, pmdp, addr, end, PMD_SHIFT);
		if (zero) {
			pmdp += zero - 1;
			next = ptscope_zero_end(addr, end, zero, PMD_SHIFT);
			w->cursor = next;
			continue;
		}
again:
		pmd = ptscope_pmdp_get_lockless(pmdp);
		if (pmd_none(pmd)) {
			ret = ptscope_hole(w, addr, next, PTSCOPE_LEVEL_PMD);
		} else if (ptscope_pmd_is_leaf(pmd, w->huge_level)) {
			ret = ptscope_huge_leaf(w, PTSCOPE_LEVEL_PMD, addr, next,
						pmd_lockptr(w->mm, pmdp), pmdp);
			if (ret == -EAGAIN)
				goto again;
		} else if (pmd_bad(pmd) || w->huge_level != PTSCOPE_LEVEL_NONE) {
			/* Not ours to fix (pmd_clear_bad is not exported). */
			w->budget--;
			ret = 0;
		} else {
			ret = ptscope_walk_pte_table(w, pmdp, pmd, addr, next);
			if (ret == -EAGAIN)
				goto again;
		}
		if (ret)
			return ret;
		w->cursor = next;
	}
	return 0;
}

static int ptscope_walk_pud_range(struct ptscope_walk *w, p4d_t p4d,
				  unsigned long addr, unsigned long end)
{
	pud_t *pudp = pud_offset(&p4d, addr);
	unsigned long next;
	int ret;

	ptscope_count_table(w, PTSCOPE_LEVEL_PUD, PTSCOPE_TABLE_KEY(p4d_val(p4d)));
	for (; addr < end; addr = next, pudp++) {
		unsigned int zero;
		pud_t pud;

		next = pud_addr_end(addr, end);
		if (ptscope_chunk_done(w))
			return 0;
		zero = ptscope_zero_entries(w, pudp, addr, end, PUD_SHIFT);
		if (zero) {
			pudp += zero - 1;
			next = ptscope_zero_end(addr, end, zero, PUD_SHIFT);
			w->cursor = next;
			continue;
		}
again:
		pud = READ_ONCE(*pudp);
		if (pud_none(pud)) {
			ret = ptscope_hole(w, addr, next, PTSCOPE_LEVEL_PUD);
		} else if (ptscope_pud_is_leaf(pud, w->huge_level)) {
			ret = ptscope_huge_leaf(w, PTSCOPE_LEVEL_PUD, addr, next,
						&w->mm->page_table_lock, pudp);
			if (ret == -EAGAIN)
				goto again;
		} else if (pud_bad(pud) || !pud_present(pud)) {
			w->budget--;
			ret = 0;
		} else {
			/* A shared hugetlb pmd table: see ptscope_walk_one_vma(). */
			if (w->huge_level == PTSCOPE_LEVEL_PMD)
				ptscope_test_delay_at(PTSCOPE_TP_HUGETLB_PUD,
						      addr);
			ret = ptscope_walk_pmd_range(w, pud, addr, next);
			if (!ret && w->cursor < next)
				return 0;
		}
		if (ret)
			return ret;
		w->cursor = next;
	}
	return 0;
}

/*
 * p4d_offset_lockless(), not p4d_offset(&pgd): where the p4d folds at run
 * time into a pgd of a larger configured size (arm64 at 48-bit VA), the
 * entries sit in the table @pgdp points into, not in the copy.
 */
static int ptscope_walk_p4d_range(struct ptscope_walk *w, pgd_t *pgdp,
				  pgd_t pgd, unsigned long addr,
				  unsigned long end)
{
	p4d_t *p4dp = p4d_offset_lockless(pgdp, pgd, addr);
	unsigned long next;
	int ret;

	/* With 4-level paging p4d folds into the pgd: no table of its own. */
	if (ptscope_arch_has_p4d())
		ptscope_count_table(w, PTSCOPE_LEVEL_P4D,
				    PTSCOPE_TABLE_KEY(pgd_val(pgd)));
	for (; addr < end; addr = next, p4dp++) {
		p4d_t p4d;

		next = p4d_addr_end(addr, end);
		if (ptscope_chunk_done(w))
			return 0;
		p4d = READ_ONCE(*p4dp);
		if (p4d_none(p4d)) {
			ret = ptscope_hole(w, addr, next,
					   ptscope_arch_has_p4d() ?
					   PTSCOPE_LEVEL_P4D : PTSCOPE_LEVEL_PGD);
		} else if (p4d_bad(p4d)) {
			w->budget--;
			ret = 0;
		} else {
			ret = ptscope_walk_pud_range(w, p4d, addr, next);
			if (!ret && w->cursor < next)
				return 0;
		}
		if (ret)
			return ret;
		w->cursor = next;
	}
	return 0;
}

/* Walk [w->cursor, end) inside one VMA until done, stopped or out of budget. */
static int ptscope_walk_vma(struct ptscope_walk *w, unsigned long end)
{
	unsigned long addr = w->cursor, next;
	pgd_t *pgdp = pgd_offset(w->mm, addr);
	int ret;

	for (; addr < end; addr = next, pgdp++) {
		pgd_t pgd;

		next = pgd_addr_end(addr, end);
		if (ptscope_chunk_done(w))
			return 0;
		pgd = READ_ONCE(*pgdp);
		if (pgd_none(pgd)) {
			ret = ptscope_hole(w, addr, next, PTSCOPE_LEVEL_PGD);
		} else if (pgd_bad(pgd)) {
			w->budget--;
			ret = 0;
		} else {
			ret = ptscope_walk_p4d_range(w, pgdp, pgd, addr, next);
			if (!ret && w->cursor < next)
				return 0;
		}
		if (ret)
			return ret;
		w->cursor = next;
	}
	return 0;
}

static void ptscope_set_vma(struct ptscope_walk *w, struct vm_area_struct *vma)
{
	w->vma = vma;
	w->anon = vma_is_anonymous(vma);
	w->huge_level = ptscope_vma_huge_level(vma);
}

/*
 * Is @vma the VMA whose walk is in progress?  Asked after the mmap lock
 * was dropped and taken again: the VMA may have been split, shrunk,
 * grown, merged, mprotected or replaced meanwhile.  A VMA is known by
 * what a lookup cannot confuse: its bounds, flags, offset and file.
 */
static bool ptscope_vma_unchanged(const struct ptscope_walk *w,
				  const struct vm_area_struct *vma)
{
	return vma->vm_start == w->vma_start_addr &&
	       vma->vm_end == w->vma_end_addr &&
	       vma->vm_flags == w->vma_flags &&
	       vma->vm_pgoff == w->vma_pgoff && vma->vm_file == w->vma_file;
}

/*
 * Called with the mmap lock held; returns the callbacks' verdict.  For a
 * shared hugetlb mapping, i_mmap_rwsem is held for reading across the
 * VMA's part of the chunk (and its callbacks, which therefore must not
 * allocate there: none does).
 */
static int ptscope_walk_one_vma(struct ptscope_walk *w,
				struct vm_area_struct *vma, unsigned long end)
{
	unsigned long vend = min(vma->vm_end, end);
	struct address_space *mapping;
	int ret;

	if (w->in_vma && !ptscope_vma_unchanged(w, vma)) {
		w->in_vma = false;
		/*
		 * Per-VMA aggregates must describe one VMA: walk whatever
		 * now starts where the changed one did from its start (a
		 * few times at most, so a target that never stops changing
		 * cannot hold the walk back).
		 */
		if (w->ops->restart_changed_vma &&
		    w->vma_restarts < PTSCOPE_VMA_RESTARTS &&
		    w->vma_start_addr < w->cursor) {
			w->vma_restarts++;
			w->cursor = w->vma_start_addr;
			return 0;
		}
	}
	ptscope_set_vma(w, vma);
	w->budget--;
	if (!w->in_vma) {
		w->in_vma = true;
		w->vma_start_addr = vma->vm_start;
		w->vma_end_addr = vma->vm_end;
		w->vma_flags = vma->vm_flags;
		w->vma_pgoff = vma->vm_pgoff;
		w->vma_file = vma->vm_file;
		memset(&w->vma_tables, 0, sizeof(w->vma_tables));
		memset(w->vma_last_table, 0, sizeof(w->vma_last_table));
		if (w->ops->vma_start) {
			w->next = w->cursor;
			ret = w->ops->vma_start(w, vma);
			if (ret) {
				w->cursor = w->next;
				return ret;
			}
		}
	}

	mapping = ptscope_vma_shared_tables(vma);
	if (mapping)
		i_mmap_lock_read(mapping);
	ret = ptscope_walk_vma(w, vend);
	if (mapping)
		i_mmap_unlock_read(mapping);
	if (ret || w->cursor < vend)
		return ret;

	w->in_vma = false;
	w->vma_restarts = 0;
	if (w->ops->vma_end) {
		w->next = vend;
		ret = w->ops->vma_end(w, vma);
		if (ret)
			w->cursor = w->next;
	}
	return ret;
}

/*
 * Between chunks.  A writer (mmap, munmap, mprotect, brk) queued behind
 * us is woken by our unlock, but it stays on the lock's queue until it
 * has run and taken the lock, and until then a reader may still take the
 * lock past it (rwsem lets readers steal it from a writer that has not
 * waited long).  Retaking it at once, chunk after chunk, would keep the
 * writer waiting for most of the walk.  So while one is queued or
 * spinning, sleep in short steps until none is (the writer has the lock;
 * our retake then waits for it to finish) or PTSCOPE_WRITER_WAIT_MS have
 * passed.  The walker waits, not the target.
 */
static void ptscope_walk_pause(struct mm_struct *mm, bool writer_waits)
{
	unsigned long until;

	if (!writer_waits) {
		cond_resched();
		return;
	}
	until = jiffies + msecs_to_jiffies(PTSCOPE_WRITER_WAIT_MS);
	do {
		usleep_range(PTSCOPE_WRITER_PAUSE_US,
			     2 * PTSCOPE_WRITER_PAUSE_US);
	} while (ptscope_mmap_lock_wanted(mm) && time_before(jiffies, until) &&
		 !fatal_signal_pending(current));
}

int ptscope_walk_range(struct ptscope_walk *w, unsigned long start,
		       unsigned long end)
{
	struct mm_struct *mm = w->mm;
	struct vm_area_struct *vma;
	int ret = 0;

	end = min_t(unsigned long, end, ptscope_arch_user_top());
	start &= PAGE_MASK;
	end = PAGE_ALIGN(end);
	/* A VMA carried on (keep_vma) keeps its count of restarts too. */
	if (!w->keep_vma || start != w->next) {
		w->in_vma = false;
		w->vma_restarts = 0;
	}
	w->cursor = start;
	w->next = start;
	if (start >= end)
		return 0;

	/* Held for one chunk at a time; see the top of this file. */
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	w->budget = PTSCOPE_CHUNK_BUDGET;
	while (w->cursor < end) {
		vma = find_vma(mm, w->cursor);
		if (!vma || vma->vm_start >= end) {
			w->cursor = end;
			break;
		}
		if (w->cursor < vma->vm_start)
			w->cursor = vma->vm_start;

		ret = ptscope_walk_one_vma(w, vma, end);
		w->vma = NULL;
		if (ret)
			break;

		if (w->cursor < end && ptscope_chunk_done(w)) {
			bool writer_waits = ptscope_mmap_lock_wanted(mm);

			mmap_read_unlock(mm);
			ptscope_walk_pause(mm, writer_waits);
			ptscope_test_delay_at(PTSCOPE_TP_LOCK_DROPPED,
					      w->cursor);
			if (fatal_signal_pending(current) ||
			    mmap_read_lock_killable(mm)) {
				w->next = w->cursor;
				return -EINTR;
			}
			w->budget = PTSCOPE_CHUNK_BUDGET;
		}
	}
	mmap_read_unlock(mm);
	w->next = w->cursor;
	return ret < 0 ? ret : (ret ? PTSCOPE_WALK_STOPPED : 0);
}

/* ---- one copied PTE ------------------------------------------------------ */

void ptscope_walk_pte_entry(const struct ptscope_walk *w, unsigned int i,
			    struct ptscope_pte_class *cls,
			    struct ptscope_entry *e)
{
	pte_t pte = w->ptes[i];
	bool shared = test_bit(i, w->pte_shared);
	u64 key;

	if (!pte_present(pte)) {
		ptscope_decode_pte(pte, w->show_pfn, e);
		e->flags = ptscope_context_flags(e->state, e->flags,
						 ptscope_vma_cow(w->vma),
						 shared, false);
		return;
	}
	key = ptscope_pte_key(pte, shared);
	if (!cls->valid || cls->key != key) {
		cls->flags = ptscope_walk_pte_flags(pte, &cls->state);
		cls->flags = ptscope_context_flags(cls->state, cls->flags,
						   ptscope_vma_cow(w->vma),
						   shared, false);
		cls->key = key;
		cls->valid = true;
	}
	e->raw = pte_val(pte);
	e->pfn = pte_pfn(pte);
	if (!w->show_pfn) {
		e->pfn = 0;
		e->raw &= ~PTSCOPE_ARCH_PFN_MASK;
	}
	e->flags = cls->flags;
	e->swap_offset = 0;
	e->swap_type = 0;
	e->level = PTSCOPE_LEVEL_PTE;
	e->state = cls->state;
}

