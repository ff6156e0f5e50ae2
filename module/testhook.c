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

void ptscope_test_delay(enum ptscope_test_point point)
{
	unsigned int ms = READ_ONCE(test_delay_ms);
	int pid = READ_ONCE(test_delay_pid);

	if (READ_ONCE(test_delay_point) != point || !ms)
		return;
	if (pid && task_tgid_nr(current) != pid)
		return;
	msleep(ms);
}
