// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: live page-table introspection.
 *
 * main.c only wires the front ends up and down.  Each init step is undone
 * in reverse order, both on a failed load and on unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <linux/printk.h>

#include "access.h"
#include "arch.h"
#include "internal.h"
#include "stats.h"

static int __init ptscope_init(void)
{
	int err;

	err = ptscope_access_init();
	if (err)
		goto err_access;
	err = ptscope_stats_init();
	if (err)
		goto err_stats;
	err = ptscope_procfs_init();
	if (err)
		goto err_procfs;
	err = ptscope_netlink_init();
	if (err)
		goto err_netlink;

	pr_info("loaded, version %s, %d-level paging\n", PTSCOPE_VERSION,
		ptscope_arch_levels());
	return 0;

err_netlink:
	ptscope_procfs_exit();
err_procfs:
	ptscope_stats_exit();
err_stats:
	ptscope_access_exit();
err_access:
	return err;
}

static void __exit ptscope_exit(void)
{
	/*
	 * Probes off first, so the fault path stops paying while the front
	 * ends go; ptscope_stats_exit() switches off again in case a front
	 * end raced this, and only then frees the counters.
	 */
	ptscope_stats_set_enabled(false, NULL);
	ptscope_netlink_exit();
	ptscope_procfs_exit();
	ptscope_stats_exit();
	ptscope_access_exit();
	pr_info("unloaded\n");
}

module_init(ptscope_init);
module_exit(ptscope_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ptscope: show what a live process's page tables contain");
MODULE_VERSION(PTSCOPE_VERSION);
