// SPDX-License-Identifier: GPL-2.0
/*
 * vtop.c: translate one virtual address, reporting every level's entry,
 * its index and where it sits, down to the leaf and the physical address.
 *
 * Locking: the caller holds an mmget() reference and no locks.  The
 * mmap lock is held for reading across the one short walk (the VMA and
 * its upper tables stay put), plus i_mmap_rwsem for a shared hugetlb
 * mapping (walk.c explains why); a huge leaf is re-read under its own
 * lock and the PTE through ptscope_with_pte_table() (RCU + PTL), as the
 * walker does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <asm/io.h>

#include "uapi/ptscope.h"
#include "arch.h"
#include "entry.h"
#include "walk.h"
#include "walk_internal.h"

static void ptscope_vtop_add(struct ptscope_vtop *v, int level, u32 index,
			     void *entryp, bool show_pfn)
{
	struct ptscope_vtop_level *l = &v->lvl[v->nr++];

	l->level = level;
	l->index = index;
	l->entry_phys = show_pfn ? virt_to_phys(entryp) : 0;
}

static void ptscope_vtop_stop(struct ptscope_vtop *v, int stop)
{
	struct ptscope_vtop_level *l = &v->lvl[v->nr - 1];

	v->stop = stop;
	v->stop_level = l->level;
	if (stop == PTSCOPE_VTOP_STOP_LEAF && l->e.pfn) {
		unsigned long size = l->level == PTSCOPE_LEVEL_PUD ? PUD_SIZE :
				     l->level == PTSCOPE_LEVEL_PMD ? PMD_SIZE :
				     PAGE_SIZE;

		v->phys = ((u64)l->e.pfn << PAGE_SHIFT) + (v->addr & (size - 1));
	}
}

static int ptscope_vtop_leaf_stop(struct ptscope_vtop *v)
{
	u8 state = v->lvl[v->nr - 1].e.state;

	if (state == PTSCOPE_STATE_NONE)
		return PTSCOPE_VTOP_STOP_NONE;
	if (state == PTSCOPE_STATE_PRESENT || state == PTSCOPE_STATE_PROTNONE)
		return PTSCOPE_VTOP_STOP_LEAF;
	return PTSCOPE_VTOP_STOP_NONPRESENT;
}

struct ptscope_vtop_pte {
	pte_t pte;
	phys_addr_t phys;
};

/* Under the PTL: the PTE and where it sits. */
static void ptscope_vtop_read_pte(pte_t *ptep, void *arg)
{
	struct ptscope_vtop_pte *r = arg;

	r->pte = ptep_get(ptep);
	r->phys = virt_to_phys(ptep);
}

/* Below the pud: the pmd and, if there is a table, the pte. */
static void ptscope_vtop_pmd(struct mm_struct *mm, struct ptscope_vtop *v,
			     pud_t pud, int huge_level, bool show_pfn)
{
	unsigned long addr = v->addr;
	pmd_t *pmdp = pmd_offset(&pud, addr);
	struct ptscope_vtop_level *l;
	struct ptscope_vtop_pte r;
	unsigned int tries = 0;
	pmd_t pmd;

	ptscope_vtop_add(v, PTSCOPE_LEVEL_PMD, pmd_index(addr), pmdp, show_pfn);
	l = &v->lvl[v->nr - 1];
again:
	pmd = ptscope_pmdp_get_lockless(pmdp);
	if (pmd_none(pmd)) {
		ptscope_decode_none(PTSCOPE_LEVEL_PMD, &l->e);
		l->e.raw = pmd_val(pmd);
		ptscope_vtop_stop(v, PTSCOPE_VTOP_STOP_NONE);
		return;
	}
	if (ptscope_pmd_is_leaf(pmd, huge_level)) {
		/* Decode a whole value: see ptscope_read_huge_leaf(). */
		spinlock_t *ptl = pmd_lock(mm, pmdp);

		pmd = ptscope_pmdp_get_lockless(pmdp);
		spin_unlock(ptl);
		if (pmd_none(pmd) || !ptscope_pmd_is_leaf(pmd, huge_level)) {
			if (++tries < 16)
				goto again;
			ptscope_vtop_stop(v, PTSCOPE_VTOP_STOP_BAD);
			return;
		}
		ptscope_decode_pmd(pmd, show_pfn, &l->e);
		ptscope_vtop_stop(v, ptscope_vtop_leaf_stop(v));
		return;
	}
	ptscope_decode_table(pmd_val(pmd), PTSCOPE_LEVEL_PMD, show_pfn, &l->e);
	if (pmd_bad(pmd) || huge_level != PTSCOPE_LEVEL_NONE) {
		ptscope_vtop_stop(v, PTSCOPE_VTOP_STOP_BAD);
		return;
	}
	if (!ptscope_with_pte_table(mm, pmdp, pmd, addr, ptscope_vtop_read_pte,
				    &r)) {
		if (++tries < 16)
			goto again;
		ptscope_vtop_stop(v, PTSCOPE_VTOP_STOP_BAD);
		return;
	}
	l = &v->lvl[v->nr++];
	l->level = PTSCOPE_LEVEL_PTE;
	l->index = pte_index(addr);
	l->entry_phys = show_pfn ? r.phys : 0;
	ptscope_decode_pte(r.pte, show_pfn, &l->e);
	ptscope_vtop_stop(v, ptscope_vtop_leaf_stop(v));
}

/* From the pgd down to the pud; the pmd and pte are left to the above. */
static void ptscope_vtop_walk(struct mm_struct *mm, struct ptscope_vtop *v,
			      int huge_level, bool show_pfn)
{
	unsigned long addr = v->addr;
	pgd_t *pgdp = ptscope_arch_pgd_offset(mm, addr);
	struct ptscope_vtop_level *l;
	pgd_t pgd = READ_ONCE(*pgdp);
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;

	ptscope_vtop_add(v, PTSCOPE_LEVEL_PGD, ptscope_arch_pgd_index(addr),
			 pgdp, show_pfn);
	l = &v->lvl[v->nr - 1];
	ptscope_decode_table(pgd_val(pgd), PTSCOPE_LEVEL_PGD, show_pfn, &l->e);
	if (ptscope_arch_has_p4d()) {
		if (pgd_none(pgd) || pgd_bad(pgd)) {
			ptscope_vtop_stop(v, pgd_none(pgd) ?
					  PTSCOPE_VTOP_STOP_NONE :
					  PTSCOPE_VTOP_STOP_BAD);
			return;
		}
		p4dp = p4d_offset(&pgd, addr);
		p4d = READ_ONCE(*p4dp);
		ptscope_vtop_add(v, PTSCOPE_LEVEL_P4D, p4d_index(addr), p4dp,
				 show_pfn);
		l = &v->lvl[v->nr - 1];
		ptscope_decode_table(p4d_val(p4d), PTSCOPE_LEVEL_P4D, show_pfn,
				     &l->e);
	} else {
		/* Folded: the pgd entry is the p4d entry. */
		p4d = __p4d(pgd_val(pgd));
	}
	if (p4d_none(p4d) || p4d_bad(p4d)) {
		ptscope_vtop_stop(v, p4d_none(p4d) ? PTSCOPE_VTOP_STOP_NONE :
				  PTSCOPE_VTOP_STOP_BAD);
		return;
	}

	pudp = pud_offset(&p4d, addr);
	pud = READ_ONCE(*pudp);
	ptscope_vtop_add(v, PTSCOPE_LEVEL_PUD, pud_index(addr), pudp, show_pfn);
	l = &v->lvl[v->nr - 1];
	if (pud_none(pud)) {
		ptscope_decode_none(PTSCOPE_LEVEL_PUD, &l->e);
		ptscope_vtop_stop(v, PTSCOPE_VTOP_STOP_NONE);
		return;
	}
	if (ptscope_pud_is_leaf(pud, huge_level)) {
		spin_lock(&mm->page_table_lock);
		pud = READ_ONCE(*pudp);
		spin_unlock(&mm->page_table_lock);
		if (pud_none(pud) || !ptscope_pud_is_leaf(pud, huge_level)) {
			/* Zapped or split since: one look is all vtop takes. */
			ptscope_decode_none(PTSCOPE_LEVEL_PUD, &l->e);
			ptscope_vtop_stop(v, pud_none(pud) ?
					  PTSCOPE_VTOP_STOP_NONE :
					  PTSCOPE_VTOP_STOP_BAD);
			return;
		}
		ptscope_decode_pud(pud, show_pfn, &l->e);
		ptscope_vtop_stop(v, ptscope_vtop_leaf_stop(v));
		return;
	}
	ptscope_decode_table(pud_val(pud), PTSCOPE_LEVEL_PUD, show_pfn, &l->e);
	if (pud_bad(pud) || !pud_present(pud)) {
		ptscope_vtop_stop(v, PTSCOPE_VTOP_STOP_BAD);
		return;
	}
	ptscope_vtop_pmd(mm, v, pud, huge_level, show_pfn);
}

int ptscope_vtop(struct mm_struct *mm, unsigned long addr, bool show_pfn,
		 struct ptscope_vtop *v)
{
	struct vm_area_struct *vma;

	memset(v, 0, sizeof(*v));
	v->addr = addr;
	v->stop = PTSCOPE_VTOP_STOP_NO_VMA;
	if (addr >= ptscope_arch_user_top())
		return 0;
	/* One short walk: the VMA and its tables stay put while held. */
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = vma_lookup(mm, addr);
	if (vma) {
		struct address_space *mapping = ptscope_vma_shared_tables(vma);

		v->vm_start = vma->vm_start;
		v->vm_end = vma->vm_end;
		v->vm_flags = vma->vm_flags;
		if (mapping)
			i_mmap_lock_read(mapping);
		ptscope_vtop_walk(mm, v, ptscope_vma_huge_level(vma), show_pfn);
		if (mapping)
			i_mmap_unlock_read(mapping);
	}
	mmap_read_unlock(mm);
	return 0;
}
