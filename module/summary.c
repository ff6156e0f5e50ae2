// SPDX-License-Identifier: GPL-2.0
/*
 * summary.c: the per-mm page-table summary (walk.h): one walk of the
 * whole user address space that counts the tables at each level, the
 * PTE tables deposited by THP pmds and the leaves of every VMA, set
 * beside mm_pgtables_bytes() (VmPTE).
 *
 * Locking: the caller holds an mmget() reference and no locks; the
 * walker takes the mmap lock in chunks (walk.c) and the visitors below
 * only add to the summary (the PTE-table one under the PTL).
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

static int ptscope_summary_leaf(struct ptscope_walk *w,
				const struct ptscope_leaf *leaf)
{
	struct ptscope_summary *s = w->priv;

	ptscope_vma_stats_add(&s->total, leaf);
	return 0;
}

static int ptscope_summary_vma_end(struct ptscope_walk *w,
				   struct vm_area_struct *vma)
{
	struct ptscope_summary *s = w->priv;

	s->vmas++;
	return 0;
}

static int ptscope_summary_pte_table(struct ptscope_walk *w,
				     unsigned long addr, pte_t *ptep,
				     unsigned int n)
{
	struct ptscope_summary *s = w->priv;

	ptscope_vma_stats_add_ptes(&s->total, w, ptep, n);
	return 0;
}

static const struct ptscope_walk_ops ptscope_summary_ops = {
	.leaf = ptscope_summary_leaf,
	.pte_table_locked = ptscope_summary_pte_table,
	.vma_end = ptscope_summary_vma_end,
	.share = true,
};

int ptscope_mm_summary(struct mm_struct *mm, bool show_pfn,
		       struct ptscope_summary *s)
{
	struct ptscope_table_count *t = &s->tables;
	struct ptscope_walk w;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = ptscope_walk_init(&w, mm, &ptscope_summary_ops, s, show_pfn);
	if (ret)
		return ret;
	ret = ptscope_walk_range(&w, 0, ptscope_arch_user_top());
	if (ret >= 0) {
		ret = 0;
		*t = w.mm_tables;
		t->tables[PTSCOPE_LEVEL_PGD] = 1;
		s->deposited = w.deposited;
		/* mm_pgtables_bytes() counts pte, pmd and pud tables only. */
		s->counted_bytes = (t->tables[PTSCOPE_LEVEL_PTE] +
				    t->tables[PTSCOPE_LEVEL_PMD] +
				    t->tables[PTSCOPE_LEVEL_PUD] +
				    s->deposited) * PAGE_SIZE;
		s->pgtables_bytes = mm_pgtables_bytes(mm);
	}
	ptscope_walk_release(&w);
	return ret;
}

