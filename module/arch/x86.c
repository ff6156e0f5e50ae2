// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86.c: x86-64's page-table bits, the out-of-line half of arch.h's
 * interface: entries that point at tables, the frame bits of huge leaves
 * and the swap-entry layout.  None of it is on a hot path.  Pure: no
 * locks, no mm.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/pgtable.h>

#include "uapi/ptscope.h"
#include "arch.h"
#include "entry.h"

u64 ptscope_arch_table_flags(u64 val)
{
	u64 flags;

	if (!(val & _PAGE_PRESENT))
		return 0;
	flags = ptscope_x86_common_flags(val) | ptscope_x86_cache_flags(val);
	if (val & _PAGE_RW)
		flags |= PTSCOPE_F(WRITE);
	if (val & _PAGE_ACCESSED)
		flags |= PTSCOPE_F(ACCESSED);
	return flags;
}

u64 ptscope_arch_table_pfn(u64 val)
{
	return (val & PTE_PFN_MASK) >> PAGE_SHIFT;
}

/* A huge leaf's frame starts above its PAT bit (bit 12). */
u64 ptscope_arch_huge_pfn_mask(u64 val, int level)
{
	return level == PTSCOPE_LEVEL_PUD ? pud_pfn_mask(__pud(val)) :
					    pmd_pfn_mask(__pmd(val));
}

/*
 * The offset sits above the type, inverted (the L1TF mitigation keeps a
 * swap entry from pointing at real memory); pmd and pud swap entries use
 * the pte layout.
 */
u64 ptscope_arch_swp_offset_mask(void)
{
	return GENMASK_ULL(63 - SWP_TYPE_BITS, SWP_OFFSET_FIRST_BIT);
}

/* x86 has no bits beyond PTSCOPE_F_* (PTSCOPE_ARCH_HAS_BITS is 0). */
u64 ptscope_arch_leaf_bits(u64 val, int level)
{
	return 0;
}

u64 ptscope_arch_table_bits(u64 val)
{
	return 0;
}

/* PWT, PCD and PAT say it, as the PAT index. */
u8 ptscope_arch_memtype(u64 val)
{
	return PTSCOPE_MT_UNKNOWN;
}

/* procfs rows have no architecture columns on x86. */
void ptscope_arch_bits_str(const struct ptscope_entry *e, char *buf)
{
	buf[0] = '\0';
}

const char *ptscope_arch_legend(void)
{
	return "";
}

const char *ptscope_arch_columns(void)
{
	return "";
}

const char *ptscope_arch_name(void)
{
	return "x86_64";
}

const char *ptscope_arch_roots(void)
{
	return "CR3: one root, the kernel's half shared by every pgd";
}
