// SPDX-License-Identifier: GPL-2.0
/*
 * arch/arm64.c: arm64's page-table bits, the out-of-line half of arch.h's
 * interface: entries that point at tables, the frame bits of block
 * (huge) leaves, the swap-entry layout, and the descriptor bits the UAPI
 * names by their Arm names (PTSCOPE_RANGE_ARCH, _MEMTYPE).  None of it is
 * on a hot path.  Pure: no locks, no mm.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <asm/sysreg.h>

#include "uapi/ptscope.h"
#include "arch.h"
#include "entry.h"

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

/* Bits that mean the same in page and block descriptors. */
static u64 ptscope_arm64_leaf_common(u64 val)
{
	u64 bits = PTSCOPE_ARM64(VALID);

	if (val & PTE_USER)
		bits |= PTSCOPE_ARM64(AP_EL0);
	if (val & PTE_RDONLY)
		bits |= PTSCOPE_ARM64(AP_RDONLY);
	if (val & PTE_UXN)
		bits |= PTSCOPE_ARM64(UXN);
	if (val & PTE_PXN)
		bits |= PTSCOPE_ARM64(PXN);
	if (val & PTE_AF)
		bits |= PTSCOPE_ARM64(AF);
	if (val & PTE_NG)
		bits |= PTSCOPE_ARM64(NG);
	if (val & PTE_CONT)
		bits |= PTSCOPE_ARM64(CONT);
	if (val & PTE_DBM)
		bits |= PTSCOPE_ARM64(DBM);
	if (val & PTE_GP)
		bits |= PTSCOPE_ARM64(GP);
	if (val & PTE_DIRTY)
		bits |= PTSCOPE_ARM64(SW_DIRTY);
	/* With LPA2, bits 8-9 are address bits 50-51 (PTE_ADDR_HIGH). */
	if (lpa2_is_enabled())
		bits |= PTSCOPE_ARM64(SH_IN_TCR);
	else
		bits |= (u64)FIELD_GET(PTE_SHARED, val) <<
			PTSCOPE_ARM64_SH_SHIFT;
	bits |= (u64)FIELD_GET(PTE_ATTRINDX_MASK, val) <<
		PTSCOPE_ARM64_ATTRINDX_SHIFT;
	return bits;
}

/*
 * A valid leaf: bit 1 is set in a page (pte level) and clear in a block
 * (pmd, pud).
 */
u64 ptscope_arch_leaf_bits(u64 val, int level)
{
	u64 bits;

	if (!pte_valid(__pte(val)))
		return 0;
	bits = ptscope_arm64_leaf_common(val);
	/* Type 0b11 (bit 1 set): page, or table above the pte level. */
	if ((val & PTE_TYPE_MASK) == PTE_TYPE_PAGE)
		bits |= PTSCOPE_ARM64(TABLE);
	return bits;
}

/* A valid table descriptor: its hierarchical limits (see the UAPI). */
u64 ptscope_arch_table_bits(u64 val)
{
	u64 bits;

	if (!pte_valid(__pte(val)))
		return 0;
	bits = PTSCOPE_ARM64(VALID) | PTSCOPE_ARM64(TABLE);
	if (!(val & PTSCOPE_ARM64_APTABLE_NO_EL0))
		bits |= PTSCOPE_ARM64(AP_EL0);
	if (val & PTSCOPE_ARM64_APTABLE_RDONLY)
		bits |= PTSCOPE_ARM64(AP_RDONLY);
	if (val & PMD_TABLE_UXN)
		bits |= PTSCOPE_ARM64(UXN);
	if (val & PMD_TABLE_PXN)
		bits |= PTSCOPE_ARM64(PXN);
	return bits;
}

/*
 * One half (inner or outer) of a Normal memory attribute byte: 0b0100 is
 * non-cacheable, 0b00RW (RW not 0) and 0b10RW write-through, 0b01RW (RW
 * not 0) and 0b11RW write-back (transient or not).
 */
static u8 ptscope_arm64_normal_half(unsigned int n)
{
	if (n == 4)
		return PTSCOPE_MT_NORMAL_NC;
	if ((n & 0xc) == 0xc || (n & 0xc) == 0x4)
		return PTSCOPE_MT_NORMAL_WB;
	return PTSCOPE_MT_NORMAL_WT;
}

/*
 * The type MAIR_EL1's attribute byte for the leaf's AttrIndx selects.
 * MAIR_EL1 is read at each call, not cached: it is the same on every CPU
 * and set at boot (MTE enabling rewrites the tagged slot then), and a read
 * costs one system-register move.
 */
u8 ptscope_arch_memtype(u64 val)
{
	unsigned int idx = FIELD_GET(PTE_ATTRINDX_MASK, val);
	unsigned int attr = (read_sysreg(mair_el1) >> (idx * 8)) & 0xff;
	unsigned int outer = attr >> 4, inner = attr & 0xf;
	u8 o, i;

	switch (attr) {
	case MAIR_ATTR_DEVICE_nGnRnE:
		return PTSCOPE_MT_DEVICE_NGNRNE;
	case MAIR_ATTR_DEVICE_nGnRE:
		return PTSCOPE_MT_DEVICE_NGNRE;
	case 0x08:	/* Device-nGRE and -GRE: no MAIR_ATTR_* of their own */
		return PTSCOPE_MT_DEVICE_NGRE;
	case 0x0c:
		return PTSCOPE_MT_DEVICE_GRE;
	case MAIR_ATTR_NORMAL_TAGGED:
		return PTSCOPE_MT_NORMAL_TAGGED;
	}
	/* Other Device bytes (FEAT_XS) and the reserved 0bxxxx0000 ones. */
	if (!outer || !inner)
		return PTSCOPE_MT_OTHER;
	o = ptscope_arm64_normal_half(outer);
	i = ptscope_arm64_normal_half(inner);
	return o == i ? o : PTSCOPE_MT_OTHER;
}

/* One letter per PTSCOPE_ARM64B_* bit, in its order; '-' when clear. */
static const char ptscope_arm64_letters[__PTSCOPE_ARM64B_CNT + 1] =
	"vterUPAnCDgdL";

static const char * const ptscope_arm64_sh_names[] = {
	"non", "res", "osh", "ish",
};

const char *ptscope_arch_legend(void)
{
	return "v=valid t=table/page (clear: block) e=EL0 (AP[1]) r=read-only (AP[2])\n"
	       "#        U=UXN P=PXN A=AF n=nG C=contiguous D=DBM g=GP (BTI)\n"
	       "#        d=software dirty L=LPA2 (shareability in TCR: sh tcr)";
}

const char *ptscope_arch_columns(void)
{
	return " arm64         sh  memtype";
}

void ptscope_arch_bits_str(const struct ptscope_entry *e, char *buf)
{
	char letters[__PTSCOPE_ARM64B_CNT + 1];
	const char *sh;
	unsigned int i;

	for (i = 0; i < __PTSCOPE_ARM64B_CNT; i++)
		letters[i] = (e->arch & BIT_ULL(i)) ?
			     ptscope_arm64_letters[i] : '-';
	letters[i] = '\0';
	if (!e->arch)
		sh = "-";
	else if (e->arch & PTSCOPE_ARM64(SH_IN_TCR))
		sh = "tcr";
	else
		sh = ptscope_arm64_sh_names[FIELD_GET(PTSCOPE_ARM64_SH_MASK,
						      e->arch)];
	snprintf(buf, PTSCOPE_ARCH_STR_LEN, " %s %-3s %s", letters, sh,
		 e->arch && e->level != PTSCOPE_LEVEL_NONE && e->memtype ?
		 ptscope_memtype_name(e->memtype) : "-");
}

const char *ptscope_arch_name(void)
{
	return "arm64";
}

const char *ptscope_arch_roots(void)
{
	return "TTBR0_EL1: user tables; TTBR1_EL1: kernel tables";
}
