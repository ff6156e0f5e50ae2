// SPDX-License-Identifier: GPL-2.0
/*
 * vmastats.c: per-VMA aggregates (walk.h): pages per state, the flags
 * that matter to people (dirty, accessed, writable, copy-on-write, zero
 * page, shared, soft-dirty), leaves per level and smaps' private/shared
 * split and PSS, counted leaf by leaf or a PTE table at a time.
 *
 * No locks of its own: ptscope_vma_stats_add() runs where a leaf()
 * visitor runs; ptscope_vma_stats_add_ptes() runs under the PTE table's
 * PTL and RCU (a pte_table_locked() callback) and never sleeps.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "uapi/ptscope.h"
#include "arch.h"
#include "entry.h"
#include "walk.h"
#include "walk_internal.h"

/*
 * Count @leaves alike leaves of @level, each @pages base pages: the one
 * place that says which statistic a state and a flag feed.
 */
static void ptscope_stats_account(struct ptscope_vma_stats *s, u8 level,
				  u8 state, u64 flags, u64 leaves, u64 pages)
{
	pages *= leaves;
	if (flags & PTSCOPE_F(SOFT_DIRTY))
		s->soft_dirty += pages;

	switch (state) {
	case PTSCOPE_STATE_NONE:
		return;
	case PTSCOPE_STATE_PRESENT:
	case PTSCOPE_STATE_PROTNONE:
		break;
	case PTSCOPE_STATE_SWAP:
		s->swap += pages;
		return;
	case PTSCOPE_STATE_MIGRATION:
		s->migration += pages;
		return;
	default:
		s->other += pages;
		return;
	}

	if (level < __PTSCOPE_LEVEL_CNT)
		s->leaves[level] += leaves;
	s->rss += pages;
	if (state == PTSCOPE_STATE_PROTNONE)
		s->protnone += pages;
	if (flags & PTSCOPE_F(DIRTY))
		s->dirty += pages;
	if (flags & PTSCOPE_F(ACCESSED))
		s->accessed += pages;
	if (flags & PTSCOPE_F(WRITE))
		s->writable += pages;
	if (flags & PTSCOPE_F(COW))
		s->cow += pages;
	if (flags & PTSCOPE_F(ZERO_PAGE))
		s->zero += pages;
	if (flags & PTSCOPE_F(SHARED))
		s->shared += pages;
}

void ptscope_vma_stats_add(struct ptscope_vma_stats *s,
			   const struct ptscope_leaf *leaf)
{
	ptscope_stats_account(s, leaf->e.level, leaf->e.state, leaf->e.flags,
			      1, (leaf->end - leaf->start) >> PAGE_SHIFT);
	ptscope_share_sum(&s->share, &leaf->share);
}

/*
 * A PTE table at once, read in place under its lock: what
 * ptscope_vma_stats_add() would count for each of its leaves, without
 * building a leaf per entry.  Mapped entries are classified with the
 * decoder's own flag function and the walker's context rule, and runs of
 * alike entries (the common case: a table of pages touched the same way)
 * are counted in one step; other non-empty entries (swap, migration,
 * markers) go through the full decoder.  Empty entries count nothing, as
 * in the per-leaf path, and runs of zero entries are skipped in one scan.
 *
 * A run of present writable dirty entries in a VMA where
 * ptscope_vma_writable_is_exclusive() holds goes faster still: such an
 * entry maps an exclusive anonymous page, so it is neither shared nor the
 * zero page (which is never mapped writable), smaps counts it private and
 * dirty with its whole PSS, and its flags depend on its bits outside the
 * frame number alone.  The next entry with the same bits is counted after
 * one compare, with no other test.
 */
void ptscope_vma_stats_add_ptes(struct ptscope_vma_stats *s,
				const struct ptscope_walk *w,
				pte_t *ptep, unsigned int n)
{
	bool cow_vma = ptscope_vma_cow(w->vma);
	bool cow_excl = ptscope_vma_writable_is_exclusive(w->vma);
	u8 state, run_state = PTSCOPE_STATE_NONE;
	u64 flags, run_flags = 0, run = 0, key, run_key = 0;
	struct ptscope_leaf leaf;
	bool fast = false, shared;
	unsigned int i;

	/* Non-present entries: smaps counts no PSS for them here. */
	memset(&leaf.share, 0, sizeof(leaf.share));
	for (i = 0; i < n; i++) {
		pte_t pte;

		if (fast) {
			unsigned int m = ptscope_key_run((const u64 *)(ptep + i),
							 n - i, run_key);

			/* Exclusive and dirty: all private dirty, whole PSS. */
			ptscope_share_add(&s->share, PTSCOPE_SH_COUNTED |
					  PTSCOPE_SH_PRIVATE |
					  PTSCOPE_SH_DIRTY | 1, m);
			run += m;
			i += m;
			if (i == n)
				break;
		}
		pte = ptep_get(ptep + i);
		if (!pte_val(pte)) {
			i += ptscope_zero_run((const u64 *)(ptep + i), n - i) - 1;
			continue;
		}
		if (pte_none(pte))
			continue;
		if (!pte_present(pte)) {
			/* The address is not counted: any page-sized leaf. */
			leaf.start = 0;
			leaf.end = PAGE_SIZE;
			ptscope_decode_pte(pte, w->show_pfn, &leaf.e);
			ptscope_vma_stats_add(s, &leaf);
			continue;
		}
		ptscope_share_add(&s->share, ptscope_pte_share(pte), 1);
		/* The same key, the same flags as the last entry. */
		shared = ptscope_pte_shared(pte, cow_excl);
		key = ptscope_pte_key(pte, shared);
		if (run && key == run_key) {
			run++;
			continue;
		}
		flags = ptscope_walk_pte_flags(pte, &state);
		flags = ptscope_context_flags(state, flags, cow_vma, shared,
					      false);
		run_key = key;
		/*
		 * Then key is the entry's bits outside the frame: see above.
		 * Dirty too, or smaps' dirty would need the folio's flag.
		 */
		fast = cow_excl && ptscope_arch_val_present(pte_val(pte)) &&
		       pte_write(pte) && pte_dirty(pte);
		if (run && (flags != run_flags || state != run_state)) {
			ptscope_stats_account(s, PTSCOPE_LEVEL_PTE, run_state,
					      run_flags, run, 1);
			run = 0;
		}
		run_flags = flags;
		run_state = state;
		run++;
	}
	if (run)
		ptscope_stats_account(s, PTSCOPE_LEVEL_PTE, run_state,
				      run_flags, run, 1);
}

