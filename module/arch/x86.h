/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch/x86.h: x86-64's page-table bits and paging geometry, the inline
 * half of arch.h's interface (the walker's hot loops test these per
 * entry).  The out-of-line half is arch/x86.c.  Include arch.h, not
 * this.  Pure: no locks.
 *
 * Bits that lie when read raw are left to the kernel's accessors in
 * entry.c: pte_dirty() (6.12's saved-dirty bit), pte_pfn() (the PFN of a
 * PROT_NONE entry is inverted against L1TF).  What is read raw here
 * means the same on every supported kernel.
 */
#ifndef _PTSCOPE_ARCH_X86_H
#define _PTSCOPE_ARCH_X86_H

#include <linux/types.h>
#include <linux/pgtable.h>
#include <asm/tlbflush.h>	/* TLB_FLUSH_ALL: 6.1 wants it named */
#include <asm/trap_pf.h>

#include "uapi/ptscope.h"

/* The UAPI's PTSCOPE_F_* say all x86 has: no PTSCOPE_RANGE_ARCH. */
#define PTSCOPE_ARCH_HAS_BITS	0

/* A pte's frame, and the address of the table an upper entry points at. */
#define PTSCOPE_ARCH_PFN_MASK	((u64)PTE_PFN_MASK)

static inline bool ptscope_arch_val_present(u64 val)
{
	return val & _PAGE_PRESENT;
}

/*
 * PROT_NONE is what mprotect(PROT_NONE) and NUMA hinting leave behind:
 * _PAGE_PROTNONE without _PAGE_PRESENT.  Not pte_protnone(): it reads 0
 * on kernels built without NUMA balancing, where PROT_NONE entries look
 * exactly the same.
 */
static inline bool ptscope_arch_val_mapped(u64 val)
{
	return val & (_PAGE_PRESENT | _PAGE_PROTNONE);
}

/* PWT and PCD: in a table entry, the memory type of the table itself. */
static inline u64 ptscope_x86_cache_flags(u64 val)
{
	u64 flags = 0;

	if (val & _PAGE_PWT)
		flags |= PTSCOPE_F(PWT);
	if (val & _PAGE_PCD)
		flags |= PTSCOPE_F(PCD);
	return flags;
}

/* PWT, PCD and PAT index the PAT MSR; PAT is bit 12 in huge leaves. */
static inline u64 ptscope_arch_memtype_flags(u64 val, int level)
{
	u64 flags = ptscope_x86_cache_flags(val);

	if (val & (level == PTSCOPE_LEVEL_PTE ? _PAGE_PAT : _PAGE_PAT_LARGE))
		flags |= PTSCOPE_F(PAT);
	return flags;
}

/* Bits that mean the same in leaves and in entries that point at tables. */
static inline u64 ptscope_x86_common_flags(u64 val)
{
	u64 flags = 0;

	if (val & _PAGE_PRESENT) {
		flags |= PTSCOPE_F(PRESENT);
		/* Without PRESENT this bit is _PAGE_PROTNONE, not global. */
		if (val & _PAGE_GLOBAL)
			flags |= PTSCOPE_F(GLOBAL);
	}
	if (val & _PAGE_USER)
		flags |= PTSCOPE_F(USER);
	if (val & _PAGE_NX)
		flags |= PTSCOPE_F(NX);
	return flags;
}

static inline u64 ptscope_arch_leaf_hw_flags(u64 val, int level)
{
	return ptscope_x86_common_flags(val) |
	       ptscope_arch_memtype_flags(val, level);
}

/*
 * _PAGE_PSE alone, as 6.12's pud_leaf(): 6.1's (pud_large()) also wants
 * _PAGE_PRESENT, and a PROT_NONE huge pud is a leaf too.
 */
static inline bool ptscope_arch_pud_leaf(pud_t pud)
{
	return pud_val(pud) & _PAGE_PSE;
}

static inline bool ptscope_arch_pud_uffd_wp(u64 val)
{
	return val & _PAGE_UFFD_WP;
}

static inline bool ptscope_arch_pud_dirty(pud_t pud)
{
	return pud_dirty(pud);
}

static inline bool ptscope_arch_pud_soft_dirty(pud_t pud)
{
	return pud_soft_dirty(pud);
}

/* LA57 (5-level paging) is chosen at boot: no5lvl, or a CPU without it. */
static inline unsigned int ptscope_arch_levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}

/*
 * A macro, not an inline: wrapped in a function, the CPU-feature branch
 * behind pgtable_l5_enabled() becomes a bool that the walker then tests,
 * and ptscope_walk_range() grows by 58 bytes (6.12).
 */
#define ptscope_arch_has_p4d()	pgtable_l5_enabled()

static inline unsigned int ptscope_arch_va_bits(void)
{
	return pgtable_l5_enabled() ? 57 : 48;
}

static inline unsigned long ptscope_arch_user_top(void)
{
	return TASK_SIZE_MAX;
}

#define ptscope_arch_pgdir_shift()	PGDIR_SHIFT
#define ptscope_arch_ptrs_per_pgd()	PTRS_PER_PGD
#define ptscope_arch_ptrs_per_p4d()	PTRS_PER_P4D

/* pgdir_shift follows LA57, so the pgd is always the top table. */
#define ptscope_arch_pgd_offset(mm, addr)	pgd_offset(mm, addr)
#define ptscope_arch_pgd_index(addr)		pgd_index(addr)

/*
 * The UAPI's reasons are the kernel's enum tlb_flush_reason, which only
 * x86 reports; 7.2 added TLB_REMOTE_WRONG_CPU, which ptscope does not
 * count (-1), nor any later one.
 */
static inline int ptscope_arch_tlb_reason(int reason)
{
	BUILD_BUG_ON((int)TLB_FLUSH_ON_TASK_SWITCH != (int)PTSCOPE_TLB_TASK_SWITCH);
	BUILD_BUG_ON((int)TLB_REMOTE_SHOOTDOWN != (int)PTSCOPE_TLB_REMOTE_SHOOTDOWN);
	BUILD_BUG_ON((int)TLB_LOCAL_SHOOTDOWN != (int)PTSCOPE_TLB_LOCAL_SHOOTDOWN);
	BUILD_BUG_ON((int)TLB_LOCAL_MM_SHOOTDOWN != (int)PTSCOPE_TLB_LOCAL_MM_SHOOTDOWN);
	BUILD_BUG_ON((int)TLB_REMOTE_SEND_IPI != (int)PTSCOPE_TLB_REMOTE_SEND_IPI);
	if (reason < 0 || reason >= __PTSCOPE_TLB_REASON_CNT)
		return -1;
	return reason;
}

static inline bool ptscope_arch_tlb_flush_all(unsigned long pages)
{
	return pages == TLB_FLUSH_ALL;
}

static inline unsigned int ptscope_arch_fault_access(unsigned long error_code)
{
	if (error_code & X86_PF_INSTR)
		return PTSCOPE_CTR_FAULT_IFETCH;
	if (error_code & X86_PF_WRITE)
		return PTSCOPE_CTR_FAULT_WRITE;
	return PTSCOPE_CTR_FAULT_READ;
}

static inline bool ptscope_arch_fault_prot(unsigned long error_code)
{
	return error_code & X86_PF_PROT;
}

#endif /* _PTSCOPE_ARCH_X86_H */
