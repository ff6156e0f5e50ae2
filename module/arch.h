/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch.h: what ptscope knows about the processor's page tables, in one
 * small interface, as the kernel's mm/ptdump.c leaves the bits to
 * arch/<arch>/mm/dump_pagetables.c.  The walker, the decoder (entry.c),
 * the statistics probes and the front ends ask these questions and test
 * no hardware bit themselves.
 *
 * Each architecture answers them in module/arch/<arch>.h, inline because
 * the walker's hot loops ask some of them for every entry, and in
 * module/arch/<arch>.c, out of line, for the cold ones; Kbuild picks the
 * object.  Kernel-version differences stay in compat.h, also for an
 * architecture's own helpers (devmap, pmd_special()).
 *
 * Every function is pure: no locks, no mm, no sleeping; @val is the raw
 * value of one entry as read (READ_ONCE(), ptep_get()), @level an enum
 * ptscope_level.
 *
 * Entry bits (<arch>.h):
 *   PTSCOPE_ARCH_PFN_MASK        the bits of a pte, and of an entry that
 *                                points at a table, that hold the frame
 *   ptscope_arch_val_present(val)  the hardware valid bit is set
 *   ptscope_arch_val_mapped(val)   valid or PROT_NONE: pte_present()'s
 *                                  meaning, at any level
 *   ptscope_arch_memtype_flags(val, level)  a leaf's memory type as
 *                                  PTSCOPE_F(PWT/PCD/PAT)
 *   ptscope_arch_leaf_hw_flags(val, level)  the flags a mapped leaf's bits
 *                                  give directly: PRESENT, USER, GLOBAL,
 *                                  NX and the memory type; entry.c adds
 *                                  those the kernel's accessors give
 *   ptscope_arch_pud_leaf(pud)     a huge pud, whether present or not
 *   ptscope_arch_pud_uffd_wp(val)  uffd-wp on a pud leaf (no accessor)
 *   ptscope_arch_pud_dirty(pud), ptscope_arch_pud_soft_dirty(pud)
 *                                  pud_dirty() and pud_soft_dirty(), which
 *                                  not every architecture has
 * Entry bits (<arch>.c):
 *   ptscope_arch_table_flags(val)  an entry that points at a table: its
 *                                  flags, PRESENT set if it does
 *   ptscope_arch_table_pfn(val)    the frame of the table it points at
 *   ptscope_arch_huge_pfn_mask(val, level)  the frame bits of a pmd or pud
 *                                  leaf
 *   ptscope_arch_swp_offset_mask()  the bits of a swap entry that hold
 *                                  its offset (hidden from unprivileged
 *                                  callers, as pagemap hides them)
 * The architecture's own bits (PTSCOPE_RANGE_ARCH and _MEMTYPE):
 *   PTSCOPE_ARCH_HAS_BITS          1 if the architecture reports them
 *                                  (<arch>.h); then PTSCOPE_RF_PACKED,
 *                                  whose records cannot hold them, is not
 *                                  offered
 *   ptscope_arch_leaf_bits(val, level)  a valid leaf's bits (<arch>.c)
 *   ptscope_arch_table_bits(val)   a valid table entry's bits (<arch>.c)
 *   ptscope_arch_memtype(val)      a valid leaf's enum ptscope_memtype
 *                                  (<arch>.c)
 *   ptscope_arch_bits_str(e, buf)  " LETTERS SH MEMTYPE" for procfs rows,
 *                                  "" where there are no bits; their
 *                                  legend and header from
 *                                  ptscope_arch_legend() and
 *                                  ptscope_arch_columns() ("" likewise)
 *   ptscope_arch_name(), ptscope_arch_roots()  the architecture and where
 *                                  its MMU finds the tables, for
 *                                  PTSCOPE_INFO_ARCH and _ROOTS (<arch>.c)
 * Paging geometry of the running kernel (<arch>.h):
 *   ptscope_arch_levels()          levels in use (4 or 5)
 *   ptscope_arch_has_p4d()         the p4d level has tables of its own
 *                                  (false: it folds into the pgd at run
 *                                  time)
 *   ptscope_arch_va_bits()         bits of a virtual address the MMU
 *                                  translates (x86: user space has half)
 *   ptscope_arch_user_top()        the end of user space (TASK_SIZE_MAX)
 *   ptscope_arch_pgdir_shift(), ptscope_arch_ptrs_per_pgd(),
 *   ptscope_arch_ptrs_per_p4d()    PGDIR_SHIFT, PTRS_PER_PGD and
 *                                  PTRS_PER_P4D of the levels in use
 *   ptscope_arch_pgd_offset(mm, addr), ptscope_arch_pgd_index(addr)
 *                                  the top-level entry the MMU reads for
 *                                  @addr, and its index: where the p4d
 *                                  folds into the pgd at run time, the
 *                                  p4d's (arm64 at 48-bit VA)
 * Statistics (<arch>.h; stats.c):
 *   ptscope_arch_tlb_reason(reason)  tlb:tlb_flush's reason as the UAPI's
 *                                  enum ptscope_tlb_reason, or -1
 *   ptscope_arch_tlb_flush_all(pages)  the event flushed everything
 *   ptscope_arch_fault_access(error_code)  PTSCOPE_CTR_FAULT_READ, _WRITE
 *                                  or _IFETCH, from a page fault's code
 *   ptscope_arch_fault_prot(error_code)  a protection fault, not a
 *                                  not-present one
 */
#ifndef _PTSCOPE_ARCH_H
#define _PTSCOPE_ARCH_H

#include <linux/types.h>

#if defined(CONFIG_X86_64)
#include "arch/x86.h"
#elif defined(CONFIG_ARM64)
#include "arch/arm64.h"
#else
#error "ptscope: this architecture has no module/arch/ support (x86-64 and arm64 only)"
#endif

u64 ptscope_arch_table_flags(u64 val);
u64 ptscope_arch_table_pfn(u64 val);
u64 ptscope_arch_huge_pfn_mask(u64 val, int level);
u64 ptscope_arch_swp_offset_mask(void);
u64 ptscope_arch_leaf_bits(u64 val, int level);
u64 ptscope_arch_table_bits(u64 val);
u8 ptscope_arch_memtype(u64 val);
#define PTSCOPE_ARCH_STR_LEN	48
struct ptscope_entry;
void ptscope_arch_bits_str(const struct ptscope_entry *e, char *buf);
const char *ptscope_arch_legend(void);
const char *ptscope_arch_columns(void);
const char *ptscope_arch_name(void);
const char *ptscope_arch_roots(void);

#endif /* _PTSCOPE_ARCH_H */
