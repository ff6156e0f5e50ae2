/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testhook.h: delay points that widen race windows, for test builds only.
 *
 * A production build (the default) compiles ptscope_test_delay() to
 * nothing.  A test build (make kmod PTSCOPE_TEST_HOOKS=y, used by
 * `scripts/vm --test-hooks`) adds module/testhook.c and its parameters:
 *
 *   test_delay_point  which point sleeps (enum ptscope_test_point), 0 none
 *   test_delay_ms     for how long
 *   test_delay_pid    only in this thread group (0: any)
 *   test_delay_addr   only where the walk's address is at or above this
 *                     (points that have an address; 0: anywhere)
 *   test_delay_hits   how many times a point has slept (read-only)
 *
 * Each point is a place where ptscope may sleep: the caller holds at most
 * the target's mmap lock for reading, never a spinlock or RCU.  The race
 * tests of tests/vm/test-race*.c set them and check that the window is
 * harmless; they SKIP on a production build.
 */
#ifndef _PTSCOPE_TESTHOOK_H
#define _PTSCOPE_TESTHOOK_H

enum ptscope_test_point {
	PTSCOPE_TP_NONE,
	/* access.c: the task is resolved, no credential checked yet. */
	PTSCOPE_TP_TARGET_RESOLVED,
	/* walk.c: a pmd pointing at a PTE table was classified; no RCU yet. */
	PTSCOPE_TP_PMD_CLASSIFIED,
	/* walk.c: a pud of a hugetlb VMA was read; its pmd table not yet. */
	PTSCOPE_TP_HUGETLB_PUD,
	/* walk.c: a chunk dropped the mmap lock; not yet taken again. */
	PTSCOPE_TP_LOCK_DROPPED,
	/* stats.c: a watch request's task is resolved, not yet stored. */
	PTSCOPE_TP_WATCH_RESOLVED,
	__PTSCOPE_TP_CNT,
};

/* The tests (tests/vm/test-race.c) use the numbers above only. */
#ifdef __KERNEL__
#ifdef PTSCOPE_TEST_HOOKS
/* Whether @point would sleep here (at @addr; 0 for points without one). */
bool ptscope_test_armed(enum ptscope_test_point point, unsigned long addr);
void ptscope_test_delay_at(enum ptscope_test_point point, unsigned long addr);
#else
static inline bool ptscope_test_armed(enum ptscope_test_point point,
				      unsigned long addr)
{
	return false;
}

static inline void ptscope_test_delay_at(enum ptscope_test_point point,
					 unsigned long addr)
{
}
#endif

static inline void ptscope_test_delay(enum ptscope_test_point point)
{
	ptscope_test_delay_at(point, 0);
}
#endif /* __KERNEL__ */

#endif /* _PTSCOPE_TESTHOOK_H */
