// SPDX-License-Identifier: GPL-2.0
/*
 * A deliberately bad module for the VM runner's own test: it warns at load.
 * scripts/vm must turn that into a failed run.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init ptscope_warnmod_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit ptscope_warnmod_exit(void)
{
}

module_init(ptscope_warnmod_init);
module_exit(ptscope_warnmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ptscope VM runner self-test: WARN_ON(1) at load");
