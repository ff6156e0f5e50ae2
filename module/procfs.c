// SPDX-License-Identifier: GPL-2.0
/* procfs.c: the procfs front end, /proc/ptscope/ (placeholder). */
#include <linux/init.h>
#include "internal.h"

int __init ptscope_procfs_init(void)
{
	return 0;
}

void ptscope_procfs_exit(void)
{
}
