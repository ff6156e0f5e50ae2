// SPDX-License-Identifier: GPL-2.0
/*
 * testhook.c: the delay points of testhook.h.  Built into test builds
 * only (PTSCOPE_TEST_HOOKS=y); a production ptscope.ko has none of this.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/sched.h>

#include "testhook.h"

static int test_delay_point;
module_param(test_delay_point, int, 0644);
MODULE_PARM_DESC(test_delay_point, "test build: the point that sleeps (0: none)");

static unsigned int test_delay_ms;
module_param(test_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_delay_ms, "test build: how long it sleeps");

static int test_delay_pid;
module_param(test_delay_pid, int, 0644);
MODULE_PARM_DESC(test_delay_pid, "test build: only in this thread group (0: any)");

static unsigned long test_delay_addr;
module_param(test_delay_addr, ulong, 0644);
MODULE_PARM_DESC(test_delay_addr, "test build: only at or above this address (0: anywhere)");

static int test_delay_hits;
module_param(test_delay_hits, int, 0444);
MODULE_PARM_DESC(test_delay_hits, "test build: how many times a point slept");

bool ptscope_test_armed(enum ptscope_test_point point, unsigned long addr)
{
	int pid = READ_ONCE(test_delay_pid);

	if (READ_ONCE(test_delay_point) != point || !READ_ONCE(test_delay_ms))
		return false;
	if (pid && task_tgid_nr(current) != pid)
		return false;
	return addr >= READ_ONCE(test_delay_addr);
}

void ptscope_test_delay_at(enum ptscope_test_point point, unsigned long addr)
{
	if (!ptscope_test_armed(point, addr))
		return;
	/* Tests poll the count to know a delay has begun. */
	WRITE_ONCE(test_delay_hits, READ_ONCE(test_delay_hits) + 1);
	msleep(READ_ONCE(test_delay_ms));
}
