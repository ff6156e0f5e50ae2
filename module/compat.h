/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h: every difference between the kernels ptscope supports (Debian's
 * 6.1 and 6.12, and sid's 7.2) lives here, behind capability macros and
 * small wrappers.  It is force-included by Kbuild; no other file tests a
 * kernel version.
 *
 * Changes that landed between 6.12 and 7.2 are keyed on 7.2, the first
 * newer kernel ptscope was checked against; the upstream release that
 * made each change was not checked, so the kernels in between are not
 * supported.
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
 * How smaps (smaps_account()) counts one page of a folio mapped more
 * than once: the value divides its PSS when 2 or more, *excl says
 * "private".
 * With page mapcounts (6.1; 6.12 and 7.2 with CONFIG_PAGE_MAPCOUNT, as
 * Debian builds them) that is the page's precise mapcount, as above.
 * 7.2 with CONFIG_NO_PAGE_MAPCOUNT keeps none: smaps then takes the
 * folio's average page mapcount and whether it may be mapped shared.
 */
#if PTSCOPE_KV_GE(7, 2) && IS_ENABLED(CONFIG_NO_PAGE_MAPCOUNT)
#define ptscope_smaps_mapcount(fo, pg, excl) ({			\
	struct folio *__sf = (fo);					\
									\
	(void)(pg);							\
	*(excl) = !folio_maybe_mapped_shared(__sf);			\
	folio_average_page_mapcount(__sf);				\
})
#else
#define ptscope_smaps_mapcount(fo, pg, excl) ({			\
	int __sm = ptscope_page_mapcount(pg);				\
									\
	(void)(fo);							\
	*(excl) = __sm < 2;						\
	__sm;								\
})
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

/*
 * Devmap (ZONE_DEVICE/DAX pages mapped without a refcount) is gone in 7.2:
 * such pages are ordinary refcounted, mapcounted folios now, mapped by
 * normal leaves, and x86's _PAGE_DEVMAP bit is free.  The tests yield
 * false, so PTSCOPE_F(DEVMAP) is never set there.
 */
#if PTSCOPE_KV_GE(7, 2)
#define PTSCOPE_HAS_DEVMAP		0
#define ptscope_pte_devmap(pte)		((void)(pte), false)
#define ptscope_pmd_devmap(pmd)		((void)(pmd), false)
#define ptscope_pud_devmap(pud)		((void)(pud), false)
#else
#define PTSCOPE_HAS_DEVMAP		1
#define ptscope_pte_devmap(pte)		pte_devmap(pte)
#define ptscope_pmd_devmap(pmd)		pmd_devmap(pmd)
#define ptscope_pud_devmap(pud)		pud_devmap(pud)
#endif

/*
 * Non-present entries ("software leaves").  7.2 replaced the swp_entry_t
 * predicates of <linux/swapops.h> (pte_to_swp_entry(), non_swap_entry(),
 * is_migration_entry(), is_pte_marker_entry(), pte_marker_get(),
 * swp_offset_pfn(), ...) with softleaf_t and the softleaf_*() helpers of
 * <linux/leafops.h>.  The encoding is unchanged (softleaf_t is still a
 * typedef of swp_entry_t): softleaf_from_pte() strips the same software
 * bits as pte_to_swp_entry(), a type below MAX_SWAPFILES is swap on both,
 * and the pfn is the same offset bits.  A type 7.2 cannot name reads as
 * "none" there, as non_swap_entry() without a known kind did before.
 *
 * Device-exclusive entries: 7.2 makes them for writable private mappings
 * only (make_device_exclusive() asks FOLL_WRITE) and has one kind, so a
 * device-exclusive entry is a writable one, as the writable kind was.
 *
 * PTSCOPE_LEAF_HEADER is the header to include for these helpers.
 */
#if PTSCOPE_KV_GE(7, 2)
#define PTSCOPE_LEAF_HEADER			"linux/leafops.h"
#define ptscope_leaf_t				softleaf_t
#define ptscope_leaf_from_pte(pte)		softleaf_from_pte(pte)
#define ptscope_leaf_is_migration(e)		softleaf_is_migration(e)
#define ptscope_leaf_is_migration_write(e)	softleaf_is_migration_write(e)
#define ptscope_leaf_is_migration_read_excl(e)	\
	softleaf_is_migration_read_exclusive(e)
#define ptscope_leaf_is_device_private(e)	softleaf_is_device_private(e)
#define ptscope_leaf_is_device_private_write(e)	\
	softleaf_is_device_private_write(e)
#define ptscope_leaf_is_device_exclusive(e)	softleaf_is_device_exclusive(e)
#define ptscope_leaf_is_device_exclusive_write(e) \
	softleaf_is_device_exclusive(e)
#define ptscope_leaf_is_hwpoison(e)		softleaf_is_hwpoison(e)
#define ptscope_leaf_is_marker(e)		softleaf_is_marker(e)
#define ptscope_leaf_marker(e)			softleaf_to_marker(e)
#define ptscope_leaf_is_swap(e)			softleaf_is_swap(e)
#define ptscope_leaf_pfn(e)			softleaf_to_pfn(e)
#else
#define PTSCOPE_LEAF_HEADER			"linux/swapops.h"
#define ptscope_leaf_t				swp_entry_t
#define ptscope_leaf_from_pte(pte)		pte_to_swp_entry(pte)
#define ptscope_leaf_is_migration(e)		is_migration_entry(e)
#define ptscope_leaf_is_migration_write(e)	is_writable_migration_entry(e)
#define ptscope_leaf_is_migration_read_excl(e)	\
	is_readable_exclusive_migration_entry(e)
#define ptscope_leaf_is_device_private(e)	is_device_private_entry(e)
#define ptscope_leaf_is_device_private_write(e)	\
	is_writable_device_private_entry(e)
#define ptscope_leaf_is_device_exclusive(e)	is_device_exclusive_entry(e)
#define ptscope_leaf_is_device_exclusive_write(e) \
	is_writable_device_exclusive_entry(e)
#define ptscope_leaf_is_hwpoison(e)		is_hwpoison_entry(e)
#define ptscope_leaf_is_marker(e)		is_pte_marker_entry(e)
#define ptscope_leaf_marker(e)			pte_marker_get(e)
#define ptscope_leaf_is_swap(e)			(!non_swap_entry(e))
#define ptscope_leaf_pfn(e)			swp_offset_pfn(e)
#endif

/*
 * Dumpability and the user namespace of the last exec.  Up to 6.12 they
 * sit in the mm (get_dumpable(mm) == SUID_DUMP_USER, mm->user_ns); 7.2
 * moved both into task->exec_state (TASK_DUMPABLE_OWNER, ->user_ns),
 * shared by CLONE_VM siblings like the mm, and put only when the task is
 * freed.  exec replaces it with task_exec_state_replace(), under
 * exec_update_lock held for writing (and task_lock), after installing the
 * new mm: the caller holds exec_update_lock for reading, which keeps the
 * pointer, the mm and the credentials together, as on 6.x.  The mode
 * itself still changes without that lock (prctl(PR_SET_DUMPABLE),
 * commit_creds()), hence READ_ONCE.  None of the 7.2 helpers
 * (task_exec_state_get_dumpable(), task_exec_state_rcu()) is exported.
 *
 * PTSCOPE_DUMPABLE_HEADER is the header that defines these.
 */
#if PTSCOPE_KV_GE(7, 2)
#define PTSCOPE_DUMPABLE_HEADER			"linux/sched/exec_state.h"
#define ptscope_exec_state(task) ({					\
	struct task_struct *__tsk = (task);				\
									\
	rcu_dereference_protected(__tsk->exec_state,			\
		lockdep_is_held(&__tsk->signal->exec_update_lock));	\
})
#define ptscope_dumpable_by_owner(task, mm)				\
	((void)(mm),							\
	 READ_ONCE(ptscope_exec_state(task)->dumpable) == TASK_DUMPABLE_OWNER)
#define ptscope_exec_user_ns(task, mm)					\
	((void)(mm), ptscope_exec_state(task)->user_ns)
#else
#define PTSCOPE_DUMPABLE_HEADER			"linux/sched/coredump.h"
#define ptscope_dumpable_by_owner(task, mm)				\
	((void)(task), get_dumpable(mm) == SUID_DUMP_USER)
#define ptscope_exec_user_ns(task, mm)		((void)(task), (mm)->user_ns)
#endif

#endif /* _PTSCOPE_COMPAT_H */
