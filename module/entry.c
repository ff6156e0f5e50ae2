// SPDX-License-Identifier: GPL-2.0
/*
 * entry.c: decode one raw page-table entry into the UAPI's level, state,
 * flags, frame and swap fields.
 *
 * The decoder is pure: no locks, no page structs, no mm.  Context that
 * needs the VMA or the page (copy-on-write, huge zero page, mapcount) is
 * added by the walker.  Bits that lie when read raw are read through the
 * kernel's accessors: pte_dirty() includes 6.12's saved-dirty bit and
 * pte_pfn() un-inverts the PFN of PROT_NONE (L1TF) entries.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/swap.h>		/* must come before swapops.h */
#include PTSCOPE_LEAF_HEADER	/* swapops.h, or 7.2's leafops.h */

#include "uapi/ptscope.h"
#include "arch.h"
#include "entry.h"

/*
 * A non-present, non-empty entry: swap, migration, device, marker or
 * hwpoison.  pmd and pud swap entries share the pte encoding (on x86,
 * and on arm64 through pmd_pte()).
 */
static void ptscope_decode_swap(pte_t pte, bool show_pfn,
				struct ptscope_entry *e)
{
	ptscope_leaf_t entry = ptscope_leaf_from_pte(pte);

	if (pte_swp_soft_dirty(pte))
		e->flags |= PTSCOPE_F(SOFT_DIRTY);
	if (pte_swp_uffd_wp(pte))
		e->flags |= PTSCOPE_F(UFFD_WP);

	if (ptscope_leaf_is_migration(entry)) {
		e->state = PTSCOPE_STATE_MIGRATION;
		if (ptscope_leaf_is_migration_write(entry))
			e->flags |= PTSCOPE_F(MIGRATION_WRITE) |
				    PTSCOPE_F(EXCLUSIVE);
		else
			e->flags |= PTSCOPE_F(MIGRATION_READ);
		if (ptscope_leaf_is_migration_read_excl(entry))
			e->flags |= PTSCOPE_F(EXCLUSIVE);
		e->pfn = ptscope_leaf_pfn(entry);
	} else if (ptscope_leaf_is_device_private(entry)) {
		e->state = PTSCOPE_STATE_DEVICE;
		if (ptscope_leaf_is_device_private_write(entry))
			e->flags |= PTSCOPE_F(WRITE);
		e->pfn = ptscope_leaf_pfn(entry);
	} else if (ptscope_leaf_is_device_exclusive(entry)) {
		e->state = PTSCOPE_STATE_DEVICE;
		e->flags |= PTSCOPE_F(EXCLUSIVE);
		if (ptscope_leaf_is_device_exclusive_write(entry))
			e->flags |= PTSCOPE_F(WRITE);
		e->pfn = ptscope_leaf_pfn(entry);
	} else if (ptscope_leaf_is_hwpoison(entry)) {
		e->state = PTSCOPE_STATE_HWPOISON;
		e->pfn = ptscope_leaf_pfn(entry);
	} else if (ptscope_leaf_is_marker(entry)) {
		pte_marker marker = ptscope_leaf_marker(entry);

		e->state = PTSCOPE_STATE_MARKER;
		if (marker & PTE_MARKER_UFFD_WP)
			e->flags |= PTSCOPE_F(MARKER_UFFD_WP);
		if (ptscope_marker_poisoned(marker))
			e->flags |= PTSCOPE_F(MARKER_POISONED);
		if (ptscope_marker_guard(marker))
			e->flags |= PTSCOPE_F(MARKER_GUARD);
	} else if (ptscope_is_swapin_error_entry(entry)) {
		e->state = PTSCOPE_STATE_MARKER;
		e->flags |= PTSCOPE_F(MARKER_POISONED);
	} else if (!ptscope_leaf_is_swap(entry)) {
		e->state = PTSCOPE_STATE_OTHER;
	} else {
		e->state = PTSCOPE_STATE_SWAP;
		e->swap_type = swp_type(entry);
		e->swap_offset = swp_offset(entry);
		if (pte_swp_exclusive(pte))
			e->flags |= PTSCOPE_F(EXCLUSIVE);
	}

	if (!show_pfn) {
		e->pfn = 0;
		e->swap_offset = 0;
		e->raw &= ~ptscope_arch_swp_offset_mask();
	}
}

static void ptscope_entry_init(u64 raw, int level, struct ptscope_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->raw = raw;
	e->level = level;
}

/* A mapped leaf's own architecture bits and memory type, if it has them. */
static void ptscope_decode_arch(u64 val, struct ptscope_entry *e)
{
	if (!PTSCOPE_ARCH_HAS_BITS)
		return;
	e->arch = ptscope_arch_leaf_bits(val, e->level);
	if (e->arch)
		e->memtype = ptscope_arch_memtype(val);
}

void ptscope_decode_none(int level, struct ptscope_entry *e)
{
	ptscope_entry_init(0, level, e);
	e->state = PTSCOPE_STATE_NONE;
}

void ptscope_decode_table(u64 val, int level, bool show_pfn,
			  struct ptscope_entry *e)
{
	ptscope_entry_init(val, level, e);
	e->flags = ptscope_arch_table_flags(val);
	if (!(e->flags & PTSCOPE_F(PRESENT))) {
		e->flags = 0;
		e->state = PTSCOPE_STATE_NONE;
		return;
	}
	e->state = PTSCOPE_STATE_PRESENT;
	e->arch = ptscope_arch_table_bits(val);
	e->pfn = ptscope_arch_table_pfn(val);
	if (!show_pfn) {
		e->pfn = 0;
		e->raw &= ~PTSCOPE_ARCH_PFN_MASK;
	}
}

void ptscope_decode_pte(pte_t pte, bool show_pfn, struct ptscope_entry *e)
{
	u64 val = pte_val(pte);

	ptscope_entry_init(val, PTSCOPE_LEVEL_PTE, e);
	if (pte_none(pte)) {
		e->state = PTSCOPE_STATE_NONE;
		return;
	}
	if (!ptscope_arch_val_mapped(val)) {
		ptscope_decode_swap(pte, show_pfn, e);
		return;
	}

	e->flags = ptscope_pte_mapped_flags(pte, &e->state);
	ptscope_decode_arch(val, e);
	e->pfn = pte_pfn(pte);

	if (!show_pfn) {
		e->pfn = 0;
		e->raw &= ~PTSCOPE_ARCH_PFN_MASK;
	}
}

void ptscope_decode_pmd(pmd_t pmd, bool show_pfn, struct ptscope_entry *e)
{
	u64 val = pmd_val(pmd);

	ptscope_entry_init(val, PTSCOPE_LEVEL_PMD, e);
	if (pmd_none(pmd)) {
		e->state = PTSCOPE_STATE_NONE;
		return;
	}
	if (!ptscope_arch_val_mapped(val)) {
		ptscope_decode_swap(__pte(val), show_pfn, e);
		e->flags |= PTSCOPE_F(HUGE);
		return;
	}

	e->state = ptscope_mapped_state(val);
	e->flags = ptscope_arch_leaf_hw_flags(val, PTSCOPE_LEVEL_PMD) |
		   PTSCOPE_F(HUGE);
	ptscope_decode_arch(val, e);
	if (pmd_write(pmd))
		e->flags |= PTSCOPE_F(WRITE);
	if (pmd_young(pmd))
		e->flags |= PTSCOPE_F(ACCESSED);
	if (pmd_dirty(pmd))
		e->flags |= PTSCOPE_F(DIRTY);
	if (pmd_soft_dirty(pmd))
		e->flags |= PTSCOPE_F(SOFT_DIRTY);
	if (pmd_uffd_wp(pmd))
		e->flags |= PTSCOPE_F(UFFD_WP);
	if (ptscope_pmd_special(pmd))
		e->flags |= PTSCOPE_F(SPECIAL);
	if (ptscope_pmd_devmap(pmd))
		e->flags |= PTSCOPE_F(DEVMAP);
	e->pfn = pmd_pfn(pmd);

	if (!show_pfn) {
		e->pfn = 0;
		e->raw &= ~ptscope_arch_huge_pfn_mask(val, PTSCOPE_LEVEL_PMD);
	}
}

void ptscope_decode_pud(pud_t pud, bool show_pfn, struct ptscope_entry *e)
{
	u64 val = pud_val(pud);

	ptscope_entry_init(val, PTSCOPE_LEVEL_PUD, e);
	if (pud_none(pud)) {
		e->state = PTSCOPE_STATE_NONE;
		return;
	}
	if (!ptscope_arch_val_mapped(val)) {
		ptscope_decode_swap(__pte(val), show_pfn, e);
		e->flags |= PTSCOPE_F(HUGE);
		return;
	}

	e->state = ptscope_mapped_state(val);
	e->flags = ptscope_arch_leaf_hw_flags(val, PTSCOPE_LEVEL_PUD) |
		   PTSCOPE_F(HUGE);
	ptscope_decode_arch(val, e);
	if (pud_write(pud))
		e->flags |= PTSCOPE_F(WRITE);
	if (pud_young(pud))
		e->flags |= PTSCOPE_F(ACCESSED);
	if (ptscope_arch_pud_dirty(pud))
		e->flags |= PTSCOPE_F(DIRTY);
	if (ptscope_arch_pud_soft_dirty(pud))
		e->flags |= PTSCOPE_F(SOFT_DIRTY);
	if (ptscope_arch_pud_uffd_wp(val))
		e->flags |= PTSCOPE_F(UFFD_WP);
	if (ptscope_pud_special(pud))
		e->flags |= PTSCOPE_F(SPECIAL);
	if (ptscope_pud_devmap(pud))
		e->flags |= PTSCOPE_F(DEVMAP);
	/* pud_pfn() undoes the L1TF inversion, like pte_pfn(). */
	e->pfn = pud_pfn(pud);

	if (!show_pfn) {
		e->pfn = 0;
		e->raw &= ~ptscope_arch_huge_pfn_mask(val, PTSCOPE_LEVEL_PUD);
	}
}

static const char * const ptscope_state_names[] = {
	[PTSCOPE_STATE_NONE]		= "none",
	[PTSCOPE_STATE_PRESENT]		= "present",
	[PTSCOPE_STATE_PROTNONE]	= "protnone",
	[PTSCOPE_STATE_SWAP]		= "swap",
	[PTSCOPE_STATE_MIGRATION]	= "migration",
	[PTSCOPE_STATE_DEVICE]		= "device",
	[PTSCOPE_STATE_MARKER]		= "marker",
	[PTSCOPE_STATE_HWPOISON]	= "hwpoison",
	[PTSCOPE_STATE_OTHER]		= "other",
};

static const char * const ptscope_level_names[] = {
	[PTSCOPE_LEVEL_NONE]	= "-",
	[PTSCOPE_LEVEL_PTE]	= "pte",
	[PTSCOPE_LEVEL_PMD]	= "pmd",
	[PTSCOPE_LEVEL_PUD]	= "pud",
	[PTSCOPE_LEVEL_P4D]	= "p4d",
	[PTSCOPE_LEVEL_PGD]	= "pgd",
};

static const char * const ptscope_memtype_names[] = {
	[PTSCOPE_MT_UNKNOWN]		= "unknown",
	[PTSCOPE_MT_NORMAL_WB]		= "normal-wb",
	[PTSCOPE_MT_NORMAL_NC]		= "normal-nc",
	[PTSCOPE_MT_NORMAL_WT]		= "normal-wt",
	[PTSCOPE_MT_NORMAL_TAGGED]	= "normal-tagged",
	[PTSCOPE_MT_DEVICE_NGNRNE]	= "device-nGnRnE",
	[PTSCOPE_MT_DEVICE_NGNRE]	= "device-nGnRE",
	[PTSCOPE_MT_DEVICE_NGRE]	= "device-nGRE",
	[PTSCOPE_MT_DEVICE_GRE]		= "device-GRE",
	[PTSCOPE_MT_OTHER]		= "other",
};

const char *ptscope_memtype_name(unsigned int memtype)
{
	if (memtype < ARRAY_SIZE(ptscope_memtype_names))
		return ptscope_memtype_names[memtype];
	return "?";
}

const char *ptscope_state_name(unsigned int state)
{
	if (state < ARRAY_SIZE(ptscope_state_names))
		return ptscope_state_names[state];
	return "?";
}

const char *ptscope_level_name(unsigned int level)
{
	if (level < ARRAY_SIZE(ptscope_level_names))
		return ptscope_level_names[level];
	return "?";
}

/*
 * One letter per flag bit, in enum ptscope_flag_bits order.  Every letter
 * is distinct, and those the tool also prints mean the same there (n is
 * no-execute: an x would read as "executable").
 */
static const char ptscope_flag_letters[__PTSCOPE_FB_CNT + 1] =
	"pwuTCPadgnsSDUhzrWeKHGcm";

const char ptscope_flags_legend[] =
	"p=present w=write u=user T=pwt C=pcd P=pat a=accessed d=dirty g=global\n"
	"#        n=no-exec s=soft-dirty S=special D=devmap U=uffd-wp h=huge\n"
	"#        z=zero-page r/W=migration-read/write e=exclusive\n"
	"#        K/H/G=marker-uffd-wp/poisoned/guard c=cow m=shared";

void ptscope_flags_str(u64 flags, char *buf)
{
	unsigned int i;

	BUILD_BUG_ON(__PTSCOPE_FB_CNT >= PTSCOPE_FLAG_STR_LEN);
	for (i = 0; i < __PTSCOPE_FB_CNT; i++)
		buf[i] = (flags & BIT_ULL(i)) ? ptscope_flag_letters[i] : '-';
	buf[i] = '\0';
}
