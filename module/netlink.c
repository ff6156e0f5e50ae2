// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c: the generic netlink front end, family "ptscope".
 *
 * Every command has a strict policy; requests are turned into an access
 * check and a walk with a visitor, exactly as procfs does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/utsname.h>
#include <linux/capability.h>
#include <net/genetlink.h>
#include <asm/pgtable.h>

#include "uapi/ptscope.h"
#include "internal.h"

static struct genl_family ptscope_genl_family;

static const struct nla_policy ptscope_info_policy[PTSCOPE_A_MAX + 1] = {
};

static int ptscope_put_info(struct sk_buff *msg)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, PTSCOPE_A_INFO);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(msg, PTSCOPE_INFO_VERSION, PTSCOPE_VERSION) ||
	    nla_put_string(msg, PTSCOPE_INFO_KERNEL, init_utsname()->release) ||
	    nla_put_u32(msg, PTSCOPE_INFO_LEVELS, pgtable_l5_enabled() ? 5 : 4) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PAGE_SHIFT, PAGE_SHIFT) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PMD_SHIFT, PMD_SHIFT) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PUD_SHIFT, PUD_SHIFT) ||
	    nla_put_u32(msg, PTSCOPE_INFO_P4D_SHIFT, P4D_SHIFT) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PGDIR_SHIFT, PGDIR_SHIFT) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PTRS_PER_PTE, PTRS_PER_PTE) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PTRS_PER_PMD, PTRS_PER_PMD) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PTRS_PER_PUD, PTRS_PER_PUD) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PTRS_PER_P4D, PTRS_PER_P4D) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PTRS_PER_PGD, PTRS_PER_PGD) ||
	    nla_put_u64_64bit(msg, PTSCOPE_INFO_TASK_SIZE, TASK_SIZE_MAX,
			      PTSCOPE_INFO_PAD))
		goto err_cancel;
	nla_nest_end(msg, nest);
	return 0;

err_cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

static int ptscope_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ptscope_genl_family, 0,
				PTSCOPE_CMD_GET_INFO);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = ptscope_put_info(msg);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static const struct genl_ops ptscope_genl_ops[] = {
	{
		.cmd = PTSCOPE_CMD_GET_INFO,
		.doit = ptscope_nl_get_info,
		.policy = ptscope_info_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
};

static struct genl_family ptscope_genl_family __ro_after_init = {
	.name = PTSCOPE_GENL_NAME,
	.version = PTSCOPE_GENL_VERSION,
	.maxattr = PTSCOPE_A_MAX,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = ptscope_genl_ops,
	.n_ops = ARRAY_SIZE(ptscope_genl_ops),
	.resv_start_op = PTSCOPE_CMD_MAX + 1,
};

int __init ptscope_netlink_init(void)
{
	return genl_register_family(&ptscope_genl_family);
}

void ptscope_netlink_exit(void)
{
	genl_unregister_family(&ptscope_genl_family);
}
