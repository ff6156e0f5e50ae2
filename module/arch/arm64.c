// SPDX-License-Identifier: GPL-2.0
/*
 * arch/arm64.c: arm64's page-table bits, the out-of-line half of arch.h's
 * interface: entries that point at tables, the frame bits of block
 * (huge) leaves and the swap-entry layout.  None of it is on a hot path.
 * Pure: no locks, no mm.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/pgtable.h>

#include "uapi/ptscope.h"
#include "arch.h"

/*
 * A table descriptor's own permissions limit everything below it:
 * APTable[0] (bit 61) takes away EL0 access, APTable[1] (bit 62) write
 * access, UXNTable (bit 60) EL0 execution.  Linux leaves APTable clear.
 * Table descriptors have no access flag without FEAT_HAFT.
 */
#define PTSCOPE_ARM64_APTABLE_NO_EL0	BIT_ULL(61)
#define PTSCOPE_ARM64_APTABLE_RDONLY	BIT_ULL(62)

u64 ptscope_arch_table_flags(u64 val)
{
	u64 flags;

	if (!pte_valid(__pte(val)))
		return 0;
	flags = PTSCOPE_F(PRESENT);
	if (!(val & PTSCOPE_ARM64_APTABLE_NO_EL0))
		flags |= PTSCOPE_F(USER);
	if (!(val & PTSCOPE_ARM64_APTABLE_RDONLY))
		flags |= PTSCOPE_F(WRITE);
	if (val & PMD_TABLE_UXN)
		flags |= PTSCOPE_F(NX);
	return flags;
}

/* Table descriptors place the address as ptes do (LPA2 included). */
u64 ptscope_arch_table_pfn(u64 val)
{
	return __pte_to_phys(__pte(val)) >> PAGE_SHIFT;
}

/*
 * A block's address bits are the pte's; those below the block size are
 * zero in a block descriptor, so the pte mask hides the frame exactly.
 */
u64 ptscope_arch_huge_pfn_mask(u64 val, int level)
{
	return PTSCOPE_ARCH_PFN_MASK;
}

/* Type in bits 6-10, offset from bit 12 (arch/arm64's __SWP_* layout). */
u64 ptscope_arch_swp_offset_mask(void)
{
	return GENMASK_ULL(__SWP_OFFSET_SHIFT + __SWP_OFFSET_BITS - 1,
			   __SWP_OFFSET_SHIFT);
}
