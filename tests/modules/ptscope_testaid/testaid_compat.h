/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testaid_compat.h: the kernel differences ptscope_testaid meets, as
 * capability macros (the helper's module/compat.h; checkpatch warns about
 * LINUX_VERSION_CODE here, and only here).
 */
#ifndef _PTSCOPE_TESTAID_COMPAT_H
#define _PTSCOPE_TESTAID_COMPAT_H

#include <linux/mm.h>
#include <linux/version.h>

#define PTSCOPE_TESTAID_KV_GE(a, b) \
	(KERNEL_VERSION(a, b, 0) <= LINUX_VERSION_CODE)

/*
 * The pfnmap device: vmf_insert_pfn_pmd() takes a pfn_t up to 6.16; 6.17
 * dropped pfn_t, and 7.2 (checked) takes the bare pfn.  The kernels in
 * between are not checked, so the device is left out there (pfnmap=1
 * then fails the load with -EOPNOTSUPP).
 */
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
#if PTSCOPE_TESTAID_KV_GE(7, 2)
#define PTSCOPE_TESTAID_PFNMAP	1
#define ptscope_testaid_insert_pfn_pmd(vmf, pfn, write) \
	vmf_insert_pfn_pmd(vmf, pfn, write)
#elif !PTSCOPE_TESTAID_KV_GE(6, 17)
#include <linux/pfn_t.h>
#define PTSCOPE_TESTAID_PFNMAP	1
#define ptscope_testaid_insert_pfn_pmd(vmf, pfn, write) \
	vmf_insert_pfn_pmd(vmf, pfn_to_pfn_t(pfn), write)
#endif
#endif

/*
 * Huge PFNMAP (6.12): thp_vma_allowable_order() offers VM_PFNMAP VMAs with
 * a ->huge_fault(vmf, order) a pmd, and their leaves are pmd_special.
 * Before it (6.1), hugepage_vma_check() refuses VM_SPECIAL VMAs.
 */
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
#define PTSCOPE_TESTAID_HUGE_PFNMAP	1
#endif

/* vm_flags is written through vm_flags_*() from 6.3 on. */
#if PTSCOPE_TESTAID_KV_GE(6, 3)
#define ptscope_testaid_vm_flags_mod(vma, set, clear) \
	vm_flags_mod(vma, set, clear)
#else
static inline void ptscope_testaid_vm_flags_mod(struct vm_area_struct *vma,
						vm_flags_t set,
						vm_flags_t clear)
{
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
}
#endif

#endif /* _PTSCOPE_TESTAID_COMPAT_H */
