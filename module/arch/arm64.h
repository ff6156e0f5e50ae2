/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch/arm64.h: arm64's page-table bits and paging geometry (4K pages),
 * the inline half of arch.h's interface.  The out-of-line half is
 * arch/arm64.c.  Include arch.h, not this.  Pure: no locks.
 *
 * The UAPI's flags keep their x86 meaning: PRESENT is the hardware valid
 * bit; PROT_NONE is "present-invalid" (PTE_PRESENT_INVALID, which is nG,
 * without PTE_VALID); USER is AP[1] (PTE_USER), GLOBAL is !nG in a valid
 * entry, NX is UXN.  Write, dirty, accessed, special and uffd-wp come from
 * the kernel's accessors in entry.c: pte_write() is DBM (bit 51) and
 * pte_dirty() is the software dirty bit or DBM without AP[2].  The UAPI's
 * PWT/PCD/PAT are x86's and stay clear: the memory type, and Arm's own
 * bits, are PTSCOPE_RANGE_MEMTYPE and _ARCH (arch/arm64.c).
 *
 * With LPA2 (FEAT_LPA2, 52-bit VA: five levels), bits 8-9 of an entry
 * hold address bits 50-51; without it they are the shareability field.
 */
#ifndef _PTSCOPE_ARCH_ARM64_H
#define _PTSCOPE_ARCH_ARM64_H

#include <linux/types.h>
#include <linux/pgtable.h>
#include <asm/processor.h>

#include "uapi/ptscope.h"

/* PTSCOPE_RANGE_ARCH and _MEMTYPE: arch/arm64.c. */
#define PTSCOPE_ARCH_HAS_BITS	1

/*
 * A pte's frame, and the address of the table an upper entry points at:
 * what __pte_to_phys() reads.
 */
#define PTSCOPE_ARCH_PFN_MASK						\
	((u64)(PTE_ADDR_LOW | (lpa2_is_enabled() ? PTE_ADDR_HIGH : 0)))

static inline bool ptscope_arch_val_present(u64 val)
{
	return pte_valid(__pte(val));
}

/* pte_present(): valid, or present-invalid (PROT_NONE, NUMA hinting). */
static inline bool ptscope_arch_val_mapped(u64 val)
{
	return pte_present(__pte(val));
}

/* x86's PAT flags: none on arm64 (ptscope_arch_memtype() instead). */
static inline u64 ptscope_arch_memtype_flags(u64 val, int level)
{
	return 0;
}

static inline u64 ptscope_arch_leaf_hw_flags(u64 val, int level)
{
	u64 flags = 0;

	if (pte_valid(__pte(val))) {
		flags |= PTSCOPE_F(PRESENT);
		/* Without PTE_VALID, nG is PTE_PRESENT_INVALID. */
		if (!(val & PTE_NG))
			flags |= PTSCOPE_F(GLOBAL);
	}
	if (pte_user(__pte(val)))
		flags |= PTSCOPE_F(USER);
	if (!pte_user_exec(__pte(val)))
		flags |= PTSCOPE_F(NX);
	return flags;
}

/*
 * A block descriptor, or a non-empty non-present entry (swap, migration,
 * PROT_NONE): anything but a table descriptor (bits 1:0 = 3).  Not
 * pud_leaf(), which wants pud_present().
 */
static inline bool ptscope_arch_pud_leaf(pud_t pud)
{
	return pud_val(pud) &&
	       (pud_val(pud) & PUD_TYPE_MASK) != PUD_TYPE_TABLE;
}

/* arm64 has no uffd-wp on pud leaves; PTE_UFFD_WP's bit if it had. */
static inline bool ptscope_arch_pud_uffd_wp(u64 val)
{
	return val & PTE_UFFD_WP;
}

/* No pud_dirty(): pmd_dirty()'s meaning, read as pte_dirty() does. */
static inline bool ptscope_arch_pud_dirty(pud_t pud)
{
	return pte_dirty(pud_pte(pud));
}

/* arm64 has no soft-dirty bit (no CONFIG_HAVE_ARCH_SOFT_DIRTY). */
static inline bool ptscope_arch_pud_soft_dirty(pud_t pud)
{
	return false;
}

/* 52-bit VA (LPA2) runs five levels; 48-bit four (4K pages). */
static inline unsigned int ptscope_arch_levels(void)
{
	if (pgtable_l5_enabled())
		return 5;
	return pgtable_l4_enabled() ? 4 : 3;
}

#define ptscope_arch_has_p4d()	pgtable_l5_enabled()

static inline unsigned int ptscope_arch_va_bits(void)
{
	return vabits_actual;
}

/* TASK_SIZE_MAX is the configured 2^52 even when running at 48 bits. */
static inline unsigned long ptscope_arch_user_top(void)
{
	return TASK_SIZE_64;
}

/*
 * PGDIR_SHIFT and PTRS_PER_* are 52-bit VA's constants; at 48 bits the
 * top table is the p4d's, and the p4d level has one entry, as x86 says.
 */
static inline unsigned int ptscope_arch_pgdir_shift(void)
{
	return pgtable_l5_enabled() ? PGDIR_SHIFT : P4D_SHIFT;
}

static inline unsigned int ptscope_arch_ptrs_per_pgd(void)
{
	return pgtable_l5_enabled() ? PTRS_PER_PGD : PTRS_PER_P4D;
}

static inline unsigned int ptscope_arch_ptrs_per_p4d(void)
{
	return pgtable_l5_enabled() ? PTRS_PER_P4D : 1;
}

/*
 * At 48-bit VA the p4d folds away at run time, but PGDIR_SHIFT stays 52-bit
 * VA's 48: the top table is the folded p4d, which p4d_offset() finds in
 * the pgd's page.
 */
static inline pgd_t *ptscope_arch_pgd_offset(struct mm_struct *mm,
					     unsigned long addr)
{
	pgd_t *pgdp = pgd_offset(mm, addr);

	if (pgtable_l5_enabled())
		return pgdp;
	return (pgd_t *)p4d_offset(pgdp, addr);
}

static inline unsigned long ptscope_arch_pgd_index(unsigned long addr)
{
	return pgtable_l5_enabled() ? pgd_index(addr) : p4d_index(addr);
}

/*
 * arm64 has neither tlb:tlb_flush nor exceptions:page_fault_*: stats.c
 * finds no tracepoint and reports statistics unavailable, so these never
 * run.
 */
static inline int ptscope_arch_tlb_reason(int reason)
{
	return -1;
}

static inline bool ptscope_arch_tlb_flush_all(unsigned long pages)
{
	return false;
}

static inline unsigned int ptscope_arch_fault_access(unsigned long error_code)
{
	return PTSCOPE_CTR_FAULT_READ;
}

static inline bool ptscope_arch_fault_prot(unsigned long error_code)
{
	return false;
}

#endif /* _PTSCOPE_ARCH_ARM64_H */
