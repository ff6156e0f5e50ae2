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
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <net/genetlink.h>

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
	if (err && genl)
		genl_unregister_family(&ptscope_dummy_family);
	return err;
}

static void __exit ptscope_testaid_exit(void)
{
	ptscope_testaid_kprobe_exit();
	if (genl)
		genl_unregister_family(&ptscope_dummy_family);
}

module_init(ptscope_testaid_init);
module_exit(ptscope_testaid_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ptscope race-test helper (not part of ptscope)");
