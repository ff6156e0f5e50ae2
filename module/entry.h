/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entry.h: the pure entry decoder.  It turns one raw pte, pmd or pud value
 * into the level, state, flags, frame and swap fields of the UAPI.  It
 * takes no locks and touches nothing but its arguments (and the zero
 * page's pfn), so it can run under a spinlock, under RCU or without either.
 */
#ifndef _PTSCOPE_ENTRY_H
#define _PTSCOPE_ENTRY_H

#include <linux/types.h>
#include <linux/pgtable.h>

#include "uapi/ptscope.h"
#include "arch.h"

struct ptscope_entry {
	u64 raw;		/* raw value; PFN/offset bits zeroed if hidden */
	u64 flags;		/* PTSCOPE_F_* */
	u64 pfn;		/* frame (present, protnone, pfn swap entries) */
	u64 swap_offset;	/* swap offset (swap state only) */
	u64 arch;		/* PTSCOPE_RANGE_ARCH bits; 0: none */
	u32 swap_type;		/* swap type (swap state only) */
	u8 level;		/* enum ptscope_level */
	u8 state;		/* enum ptscope_state */
	u8 memtype;		/* enum ptscope_memtype (valid leaves) */
};

/*
 * The state of a mapped entry (ptscope_arch_val_mapped()), the same test
 * at every level: PROTNONE when it is mapped but not valid (see arch.h).
 */
static inline u8 ptscope_mapped_state(u64 val)
{
	return ptscope_arch_val_present(val) ? PTSCOPE_STATE_PRESENT :
					       PTSCOPE_STATE_PROTNONE;
}

/*
 * The state (PRESENT or PROTNONE) and flags of a pte that pte_present()
 * calls present, as ptscope_decode_pte() reports them.  Inline, for the
 * walker's table-at-a-time summaries, which must count exactly what the
 * per-entry decoder would.
 */
static inline u64 ptscope_pte_mapped_flags(pte_t pte, u8 *state)
{
	u64 val = pte_val(pte);
	u64 flags = ptscope_arch_leaf_hw_flags(val, PTSCOPE_LEVEL_PTE);

	*state = ptscope_mapped_state(val);
	if (pte_write(pte))
		flags |= PTSCOPE_F(WRITE);
	if (pte_young(pte))
		flags |= PTSCOPE_F(ACCESSED);
	if (pte_dirty(pte))
		flags |= PTSCOPE_F(DIRTY);
	if (pte_soft_dirty(pte))
		flags |= PTSCOPE_F(SOFT_DIRTY);
	if (pte_uffd_wp(pte))
		flags |= PTSCOPE_F(UFFD_WP);
	if (pte_special(pte))
		flags |= PTSCOPE_F(SPECIAL);
	if (ptscope_pte_devmap(pte))
		flags |= PTSCOPE_F(DEVMAP);
	if (is_zero_pfn(pte_pfn(pte)))
		flags |= PTSCOPE_F(ZERO_PAGE);
	return flags;
}

/*
 * @show_pfn false applies pagemap's rule: pfn, swap_offset and the PFN or
 * offset bits of raw read as zero.  The decoded flags are never hidden.
 */
void ptscope_decode_pte(pte_t pte, bool show_pfn, struct ptscope_entry *e);
void ptscope_decode_pmd(pmd_t pmd, bool show_pfn, struct ptscope_entry *e);
void ptscope_decode_pud(pud_t pud, bool show_pfn, struct ptscope_entry *e);

/*
 * hugetlb keeps its entries in pmds and puds in pte format (huge_pte is
 * a pte_t), which is also the pmd/pud leaf format: decode them with
 * ptscope_decode_pmd() and ptscope_decode_pud().
 */

/*
 * A non-leaf entry of @level (it points at the next table): state PRESENT
 * or NONE, the hardware bits as flags and the table's frame as pfn.
 */
void ptscope_decode_table(u64 val, int level, bool show_pfn,
			  struct ptscope_entry *e);

/* An empty entry found at @level. */
void ptscope_decode_none(int level, struct ptscope_entry *e);

/* Short lower-case names for text output; never NULL. */
const char *ptscope_state_name(unsigned int state);
const char *ptscope_level_name(unsigned int level);
const char *ptscope_memtype_name(unsigned int memtype);

/*
 * Flag letters for text output, one column per flag, '-' when clear.
 * @buf must hold PTSCOPE_FLAG_STR_LEN bytes.
 */
#define PTSCOPE_FLAG_STR_LEN	32
void ptscope_flags_str(u64 flags, char *buf);

/* The legend for ptscope_flags_str(), one line, no newline. */
extern const char ptscope_flags_legend[];

#endif /* _PTSCOPE_ENTRY_H */
