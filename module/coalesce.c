// SPDX-License-Identifier: GPL-2.0
/*
 * coalesce.c: the ptdump-style range coalescer (walk.h), after the
 * kernel's note_page() in mm/ptdump.c: leaves of the same level, state,
 * flags, architecture bits and VMA that follow each other merge into one
 * range, which is emitted when something changes or at the flush.  The
 * memory type follows from the architecture bits (AttrIndx).  On arm64
 * the contiguous hint is one of those bits, so a range of hinted entries
 * never takes in an unhinted one: where the kernel maps whole 64 KiB
 * blocks with the hint (contpte), ranges start and end on their
 * 16-entry boundaries, unless a change inside one splits it.
 *
 * It keeps no locks of its own.  ptscope_coalesce_add() runs wherever a
 * leaf() visitor runs (mmap lock held, may sleep);
 * ptscope_coalesce_add_ptes() runs from a pte_table_locked() callback,
 * under the table's PTL and RCU, so it and the emit() it calls must not
 * sleep.
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

void ptscope_coalesce_init(struct ptscope_coalescer *c, bool per_page,
			   ptscope_emit_fn emit, void *priv)
{
	memset(c, 0, sizeof(*c));
	c->emit = emit;
	c->priv = priv;
	c->per_page = per_page;
}

static bool ptscope_coalesce_mergeable(const struct ptscope_coalescer *c,
				       const struct ptscope_leaf *leaf,
				       unsigned long vma_start)
{
	const struct ptscope_range *r = &c->cur;

	return !c->per_page && r->end == leaf->start &&
	       r->vma_start == vma_start && r->e.level == leaf->e.level &&
	       r->e.state == leaf->e.state && r->e.flags == leaf->e.flags &&
	       r->e.arch == leaf->e.arch && r->e.swap_type == leaf->e.swap_type;
}

int ptscope_coalesce_flush(struct ptscope_coalescer *c)
{
	int ret;

	if (!c->pending)
		return 0;
	ret = c->emit(c->priv, &c->cur);
	c->pending = false;
	if (ret)
		c->resume = c->cur.start;
	return ret;
}

int ptscope_coalesce_add(struct ptscope_coalescer *c,
			 const struct ptscope_leaf *leaf,
			 unsigned long vma_start)
{
	int ret;

	if (c->pending && ptscope_coalesce_mergeable(c, leaf, vma_start)) {
		c->cur.end = leaf->end;
		c->cur.count++;
		return 0;
	}
	ret = ptscope_coalesce_flush(c);
	if (ret)
		return ret;
	c->cur.start = leaf->start;
	c->cur.end = leaf->end;
	c->cur.e = leaf->e;
	c->cur.count = 1;
	c->cur.vma_start = vma_start;
	c->pending = true;
	return 0;
}

/*
 * From a pte_table_locked() callback, under the table's PTL: feed its
 * entries, with the result ptscope_coalesce_add() would give for each of
 * their leaves.  A mapped entry whose key (ptscope_pte_key()) is that of
 * the entry before it, which ended the pending range, extends the range
 * after one compare: the same key, the same flags.  A writable entry in a
 * VMA where ptscope_vma_writable_is_exclusive() holds is neither shared
 * nor the zero page, so there the key is its bits outside the frame, and
 * a run of them costs a masked compare each.  Any other non-empty entry
 * goes through the decoder and ptscope_coalesce_add(); runs of zero
 * entries are skipped in one scan.  Same return convention; on a failed
 * emit, w->next is set to c->resume, where the walk resumes.
 */
int ptscope_coalesce_add_ptes(struct ptscope_coalescer *c,
			      struct ptscope_walk *w, unsigned long addr,
			      pte_t *ptep, unsigned int n)
{
	unsigned long vma_start = w->vma->vm_start;
	bool cow_excl = ptscope_vma_writable_is_exclusive(w->vma);
	struct ptscope_range *r = &c->cur;
	bool run = false, fast = false, shared;
	struct ptscope_leaf leaf;
	u64 key = 0, run_key = 0;
	unsigned int i;
	int ret;

	/* Ranges carry no PSS: only the per-VMA statistics do. */
	memset(&leaf.share, 0, sizeof(leaf.share));
	for (i = 0; i < n; i++, addr += PAGE_SIZE) {
		pte_t pte;

		if (fast) {
			unsigned int m = ptscope_key_run((const u64 *)(ptep + i),
							 n - i, run_key);

			r->end += (unsigned long)m << PAGE_SHIFT;
			r->count += m;
			addr += (unsigned long)m << PAGE_SHIFT;
			i += m;
			if (i == n)
				break;
		}
		pte = ptep_get(ptep + i);
		if (pte_none(pte)) {
			if (!pte_val(pte)) {
				unsigned int z = ptscope_zero_run((const u64 *)(ptep + i),
								  n - i);

				i += z - 1;
				addr += (unsigned long)(z - 1) << PAGE_SHIFT;
			}
			run = false;
			fast = false;
			continue;
		}
		shared = ptscope_pte_shared(pte, cow_excl);
		if (pte_present(pte)) {
			key = ptscope_pte_key(pte, shared);
			if (run && key == run_key) {
				r->end += PAGE_SIZE;
				r->count++;
				continue;
			}
		}
		leaf.start = addr;
		leaf.end = addr + PAGE_SIZE;
		ptscope_decode_pte(pte, w->show_pfn, &leaf.e);
		ptscope_add_context(w, &leaf.e, shared, false);
		ret = ptscope_coalesce_add(c, &leaf, vma_start);
		if (ret) {
			if (ret > 0)
				w->next = c->resume;
			return ret;
		}
		/* The pending range now ends with this entry's leaf. */
		run = pte_present(pte) && !c->per_page;
		run_key = key;
		fast = run && cow_excl && pte_write(pte);
		if (fast)
			run_key = pte_val(pte) & ~PTSCOPE_ARCH_PFN_MASK;
	}
	return 0;
}

