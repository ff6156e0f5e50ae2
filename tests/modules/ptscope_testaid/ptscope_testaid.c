// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope_testaid: a helper module for ptscope's race tests, never part
 * of the product.  It widens windows inside the kernel that ptscope must
 * be safe against, where no delay point of ptscope's own can reach:
 *
 *  exec_delay_ms=N exec_comm=NAME
 *	Between exec_mmap() and commit_creds() an exec'ing task already has
 *	its new mm but still its old credentials.  A kprobe on
 *	commit_creds() spins N ms when a task named NAME (the new image's
 *	name, set just before) is about to change its euid; in_exec_window
 *	reads 1 meanwhile.  Spinning, not sleeping: a kprobe handler must
 *	not sleep.
 *
 *  genl=1
 *	Registers a generic netlink family, "ptscope_dummy", at load and
 *	unregisters it at unload: loading and unloading takes genetlink's
 *	cb_lock for writing, as any module with a family does.
 *
 *  pfnmap=1 pfnmap_pfn=PFN
 *	Creates /dev/ptscope_testaid, whose mmap() gives a VM_PFNMAP mapping
 *	of the 2 MiB of frames from PFN on (read at mmap time; PFN must be
 *	2 MiB aligned; MAP_SHARED, read-only, offset 0, at most 2 MiB).
 *	The first fault of a 2 MiB aligned, 2 MiB long mapping inserts one
 *	pmd leaf (vmf_insert_pfn_pmd()), the way a driver maps device memory
 *	huge: the kernel counts no page behind such a leaf (no rmap, no
 *	mapcount; 6.12 marks it pmd_special), whatever frame it points at.
 *	6.12 offers the pmd through ->huge_fault() (VM_PFNMAP with a
 *	->huge_fault() passes thp_vma_allowable_order()); 6.1's
 *	hugepage_vma_check() refuses VM_SPECIAL, so there ->fault() inserts
 *	it while the pmd is still none (handle_pte_fault() leaves the PTE
 *	table to the handler for that reason).  Otherwise 4K pfns are
 *	inserted.  pmd_inserts counts the pmd leaves inserted.  Built up to
 *	6.16 only (testaid_compat.h).
 *
 *  memtype=1
 *	Creates /dev/ptscope_testaid_mt, whose mmap() maps one zeroed page
 *	of its own (MAP_SHARED, one page) with remap_pfn_range() in the
 *	memory type the page offset selects: 0 pgprot_noncached() (arm64:
 *	Device-nGnRnE), 1 pgprot_writecombine() (arm64: Normal-NC), 2 the
 *	VMA's own (Normal write-back).  memattr is MAIR_EL1 on arm64, read
 *	at load as the test's oracle (0 elsewhere).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <net/genetlink.h>

#include "testaid_compat.h"

#ifdef PTSCOPE_TESTAID_PFNMAP
#include <linux/huge_mm.h>
#endif

static unsigned int exec_delay_ms;
module_param(exec_delay_ms, uint, 0444);
MODULE_PARM_DESC(exec_delay_ms, "spin this long in commit_creds() of exec_comm");

static char exec_comm[TASK_COMM_LEN];
module_param_string(exec_comm, exec_comm, sizeof(exec_comm), 0444);
MODULE_PARM_DESC(exec_comm, "the name of the image whose exec is delayed");

static int in_exec_window;
module_param(in_exec_window, int, 0444);
MODULE_PARM_DESC(in_exec_window, "1 while an exec is held in its window");

static bool genl;
module_param(genl, bool, 0444);
MODULE_PARM_DESC(genl, "register the ptscope_dummy genl family");

static bool pfnmap;
module_param(pfnmap, bool, 0444);
MODULE_PARM_DESC(pfnmap, "create /dev/ptscope_testaid, a huge PFNMAP mapper");

static unsigned long pfnmap_pfn;
module_param(pfnmap_pfn, ulong, 0644);
MODULE_PARM_DESC(pfnmap_pfn, "the first of the 512 frames the device maps");

static bool memtype;
module_param(memtype, bool, 0444);
MODULE_PARM_DESC(memtype, "create /dev/ptscope_testaid_mt, a memory-type mapper");

static unsigned long memattr;
module_param(memattr, ulong, 0444);
MODULE_PARM_DESC(memattr, "MAIR_EL1 (arm64), read at load");

static int pmd_inserts;
module_param(pmd_inserts, int, 0444);
MODULE_PARM_DESC(pmd_inserts, "pmd leaves the device has inserted");

#ifdef CONFIG_KPROBES
static int ptscope_testaid_commit_creds(struct kprobe *p, struct pt_regs *regs)
{
	const struct cred *new;

	new = (const struct cred *)regs_get_kernel_argument(regs, 0);
	if (strncmp(current->comm, exec_comm, TASK_COMM_LEN) ||
	    uid_eq(new->euid, current_euid()))
		return 0;
	WRITE_ONCE(in_exec_window, 1);
	mdelay(exec_delay_ms);
	WRITE_ONCE(in_exec_window, 0);
	return 0;
}

static struct kprobe ptscope_testaid_kp = {
	.symbol_name = "commit_creds",
	.pre_handler = ptscope_testaid_commit_creds,
};

static int ptscope_testaid_kprobe_init(void)
{
	if (!exec_delay_ms || !exec_comm[0])
		return 0;
	return register_kprobe(&ptscope_testaid_kp);
}

static void ptscope_testaid_kprobe_exit(void)
{
	if (exec_delay_ms && exec_comm[0])
		unregister_kprobe(&ptscope_testaid_kp);
}
#else
static int ptscope_testaid_kprobe_init(void)
{
	return exec_delay_ms ? -EOPNOTSUPP : 0;
}

static void ptscope_testaid_kprobe_exit(void)
{
}
#endif

#ifdef PTSCOPE_TESTAID_PFNMAP
#define PTSCOPE_TESTAID_PMD_PAGES	(1UL << (PMD_SHIFT - PAGE_SHIFT))

/* The pfn the mapping's first page maps: set at mmap time. */
static unsigned long ptscope_testaid_base_pfn(struct vm_area_struct *vma)
{
	return (unsigned long)vma->vm_private_data;
}

/* One pmd leaf if the whole 2 MiB block lies in the VMA. */
static vm_fault_t ptscope_testaid_insert_pmd(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long base = vmf->address & PMD_MASK;
	vm_fault_t ret;

	if (base < vma->vm_start || base + PMD_SIZE > vma->vm_end)
		return VM_FAULT_FALLBACK;
	ret = ptscope_testaid_insert_pfn_pmd(vmf,
					     ptscope_testaid_base_pfn(vma),
					     false);
	if (ret == VM_FAULT_NOPAGE)
		WRITE_ONCE(pmd_inserts, READ_ONCE(pmd_inserts) + 1);
	return ret;
}

static vm_fault_t ptscope_testaid_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;

#ifndef PTSCOPE_TESTAID_HUGE_PFNMAP
	/*
	 * No ->huge_fault() for VM_PFNMAP here: the pmd is still none
	 * (the PTE table is only preallocated), so a leaf may go in.  If
	 * a PTE table appears meanwhile, insert_pfn_pmd() inserts nothing
	 * and the refault takes the 4K path below.
	 */
	if (pmd_none(READ_ONCE(*vmf->pmd))) {
		vm_fault_t ret = ptscope_testaid_insert_pmd(vmf);

		if (ret != VM_FAULT_FALLBACK)
			return ret;
	}
#endif
	return vmf_insert_pfn(vma, vmf->address,
			      ptscope_testaid_base_pfn(vma) + vmf->pgoff);
}

#ifdef PTSCOPE_TESTAID_HUGE_PFNMAP
static vm_fault_t ptscope_testaid_huge_fault(struct vm_fault *vmf,
					     unsigned int order)
{
	if (order != PMD_SHIFT - PAGE_SHIFT)
		return VM_FAULT_FALLBACK;
	return ptscope_testaid_insert_pmd(vmf);
}
#endif

static const struct vm_operations_struct ptscope_testaid_vm_ops = {
	.fault = ptscope_testaid_fault,
#ifdef PTSCOPE_TESTAID_HUGE_PFNMAP
	.huge_fault = ptscope_testaid_huge_fault,
#endif
};

/*
 * MAP_SHARED and read-only: the frames belong to someone else, and
 * without VM_MAYWRITE this is no COW mapping, which for VM_PFNMAP is
 * remap_pfn_range()'s alone (vmf_insert_pfn_pmd() BUG()s on one).  A
 * read-only open clears VM_SHARED but keeps VM_MAYSHARE.
 */
static int ptscope_testaid_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long pfn = READ_ONCE(pfnmap_pfn);
	vm_flags_t set = VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP |
			 VM_HUGEPAGE;

	if (!pfn || !IS_ALIGNED(pfn, PTSCOPE_TESTAID_PMD_PAGES) ||
	    !pfn_valid(pfn) ||
	    !pfn_valid(pfn + PTSCOPE_TESTAID_PMD_PAGES - 1))
		return -ENXIO;
	if (!(vma->vm_flags & VM_MAYSHARE) || (vma->vm_flags & VM_WRITE) ||
	    vma->vm_pgoff || vma_pages(vma) > PTSCOPE_TESTAID_PMD_PAGES)
		return -EINVAL;
	vma->vm_private_data = (void *)pfn;
	vma->vm_ops = &ptscope_testaid_vm_ops;
	ptscope_testaid_vm_flags_mod(vma, set, VM_MAYWRITE);
	return 0;
}

static const struct file_operations ptscope_testaid_fops = {
	.owner = THIS_MODULE,
	.mmap = ptscope_testaid_mmap,
};

static struct miscdevice ptscope_testaid_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ptscope_testaid",
	.fops = &ptscope_testaid_fops,
};

static int ptscope_testaid_pfnmap_init(void)
{
	return pfnmap ? misc_register(&ptscope_testaid_misc) : 0;
}

static void ptscope_testaid_pfnmap_exit(void)
{
	if (pfnmap)
		misc_deregister(&ptscope_testaid_misc);
}
#else
static int ptscope_testaid_pfnmap_init(void)
{
	return pfnmap ? -EOPNOTSUPP : 0;
}

static void ptscope_testaid_pfnmap_exit(void)
{
}
#endif

/* ---- memtype=1 ---------------------------------------------------------- */

static struct page *ptscope_testaid_mt_page;

static unsigned long ptscope_testaid_read_memattr(void)
{
#if defined(CONFIG_ARM64)
	return read_sysreg(mair_el1);
#else
	return 0;
#endif
}

static int ptscope_testaid_mt_mmap(struct file *file,
				   struct vm_area_struct *vma)
{
	pgprot_t prot = vma->vm_page_prot;

	if (!(vma->vm_flags & VM_MAYSHARE) || vma_pages(vma) != 1)
		return -EINVAL;
	switch (vma->vm_pgoff) {
	case 0:
		prot = pgprot_noncached(prot);
		break;
	case 1:
		prot = pgprot_writecombine(prot);
		break;
	case 2:
		break;
	default:
		return -EINVAL;
	}
	return remap_pfn_range(vma, vma->vm_start,
			       page_to_pfn(ptscope_testaid_mt_page), PAGE_SIZE,
			       prot);
}

static const struct file_operations ptscope_testaid_mt_fops = {
	.owner = THIS_MODULE,
	.mmap = ptscope_testaid_mt_mmap,
};

static struct miscdevice ptscope_testaid_mt_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ptscope_testaid_mt",
	.fops = &ptscope_testaid_mt_fops,
};

static int ptscope_testaid_mt_init(void)
{
	int err;

	memattr = ptscope_testaid_read_memattr();
	if (!memtype)
		return 0;
	ptscope_testaid_mt_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!ptscope_testaid_mt_page)
		return -ENOMEM;
	err = misc_register(&ptscope_testaid_mt_misc);
	if (err)
		__free_page(ptscope_testaid_mt_page);
	return err;
}

/* Unloading waits for every mapping to go: the VMAs hold the file. */
static void ptscope_testaid_mt_exit(void)
{
	if (!memtype)
		return;
	misc_deregister(&ptscope_testaid_mt_misc);
	__free_page(ptscope_testaid_mt_page);
}

static const struct genl_small_ops ptscope_dummy_ops[] = {
};

static struct genl_family ptscope_dummy_family = {
	.name = "ptscope_dummy",
	.version = 1,
	.module = THIS_MODULE,
	.small_ops = ptscope_dummy_ops,
	.n_small_ops = ARRAY_SIZE(ptscope_dummy_ops),
};

static int __init ptscope_testaid_init(void)
{
	int err;

	if (genl) {
		err = genl_register_family(&ptscope_dummy_family);
		if (err)
			return err;
	}
	err = ptscope_testaid_kprobe_init();
	if (err)
		goto err_kprobe;
	err = ptscope_testaid_pfnmap_init();
	if (err)
		goto err_pfnmap;
	err = ptscope_testaid_mt_init();
	if (err)
		goto err_mt;
	return 0;

err_mt:
	ptscope_testaid_pfnmap_exit();
err_pfnmap:
	ptscope_testaid_kprobe_exit();
err_kprobe:
	if (genl)
		genl_unregister_family(&ptscope_dummy_family);
	return err;
}

static void __exit ptscope_testaid_exit(void)
{
	ptscope_testaid_mt_exit();
	ptscope_testaid_pfnmap_exit();
	ptscope_testaid_kprobe_exit();
	if (genl)
		genl_unregister_family(&ptscope_dummy_family);
}

module_init(ptscope_testaid_init);
module_exit(ptscope_testaid_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ptscope race-test helper (not part of ptscope)");
