/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h: every difference between the kernels ptscope supports (Debian's
 * 6.1 and 6.12) lives here, behind capability macros and small wrappers.
 * It is force-included by Kbuild; no other file tests a kernel version.
 *
 * The wrappers are macros rather than inline functions because this file
 * is included before anything else: the types they use (pmd_t, struct page,
 * swp_entry_t) are only known where the macros are expanded.
 */
#ifndef _PTSCOPE_COMPAT_H
#define _PTSCOPE_COMPAT_H

#include <linux/version.h>

/*
 * The one version test; everything below is a capability built on it.
 * (checkpatch warns about LINUX_VERSION_CODE here, and only here.)
 */
#define PTSCOPE_KV_GE(a, b)	(KERNEL_VERSION(a, b, 0) <= LINUX_VERSION_CODE)

#if PTSCOPE_KV_GE(6, 5)
/*
 * A pmd may change under us (THP collapse, page-table reclaim); the
 * kernel's own lockless snapshot is the only supported way to read it.
 */
#define ptscope_pmdp_get_lockless(pmdp)	pmdp_get_lockless(pmdp)
#else
#define ptscope_pmdp_get_lockless(pmdp)	READ_ONCE(*(pmdp))
#endif

/*
 * Mapcount of the one frame a leaf maps: its own pte mappings plus the
 * mappings of its whole folio (pmd, pud), which is what 6.1's
 * page_mapcount() returns and what pagemap's "exclusively mapped" bit
 * reads.  6.12 has no page_mapcount(), and folio_mapcount() counts every
 * page of a large folio, so a page of a pte-mapped THP would read as
 * mapped 512 times; this is fs/proc's folio_precise_page_mapcount(),
 * which is not in a public header, built from public inlines.
 */
#if PTSCOPE_KV_GE(6, 12)
#define ptscope_page_mapcount(p) ({					\
	struct page *__pg = (p);					\
	const struct folio *__fo = page_folio(__pg);			\
	int __mc = atomic_read(&__pg->_mapcount) + 1;			\
									\
	if (page_mapcount_is_type(__mc))				\
		__mc = 0;						\
	if (folio_test_large(__fo))					\
		__mc += folio_entire_mapcount(__fo);			\
	__mc;								\
})
#else
#define ptscope_page_mapcount(page)	page_mapcount(page)
#endif

/*
 * PTE marker kinds: poisoned markers appeared in 6.2, guard markers in
 * 6.13.  Each test yields false where the kind does not exist.
 */
#if PTSCOPE_KV_GE(6, 2)
#define ptscope_marker_poisoned(marker)	(!!((marker) & PTE_MARKER_POISONED))
#else
#define ptscope_marker_poisoned(marker)	((void)(marker), false)
#endif

#if PTSCOPE_KV_GE(6, 13)
#define ptscope_marker_guard(marker)	(!!((marker) & PTE_MARKER_GUARD))
#else
#define ptscope_marker_guard(marker)	((void)(marker), false)
#endif

/*
 * 6.1 records a failed swap-in as its own swap type, SWP_SWAPIN_ERROR; 6.2
 * turned it into the poisoned PTE marker.  Both read as "poisoned".
 */
#if !PTSCOPE_KV_GE(6, 2)
#define ptscope_is_swapin_error_entry(entry)	is_swapin_error_entry(entry)
#else
#define ptscope_is_swapin_error_entry(entry)	((void)(entry), false)
#endif

/*
 * 6.1's pud_leaf() is pud_large(), which also wants _PAGE_PRESENT; 6.12's
 * only tests _PAGE_PSE.  Use the 6.12 meaning everywhere so that a
 * PROT_NONE huge pud is still a leaf.
 */
#define ptscope_pud_leaf(pud)	(!!(pud_val(pud) & _PAGE_PSE))

/* pmd_special()/pud_special() exist from 6.12 on. */
#if PTSCOPE_KV_GE(6, 12)
#define ptscope_pmd_special(pmd)	pmd_special(pmd)
#define ptscope_pud_special(pud)	pud_special(pud)
#else
#define ptscope_pmd_special(pmd)	((void)(pmd), false)
#define ptscope_pud_special(pud)	((void)(pud), false)
#endif

/*
 * Parsed attributes of a genl dump request, available from .start on: 6.2
 * moved them into an embedded struct genl_info.
 */
#if PTSCOPE_KV_GE(6, 2)
#define ptscope_genl_dump_attrs(cb)	(genl_dumpit_info(cb)->info.attrs)
#else
#define ptscope_genl_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

#endif /* _PTSCOPE_COMPAT_H */
