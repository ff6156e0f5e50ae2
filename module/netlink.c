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
#include "access.h"
#include "stats.h"

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

/* ---- statistics ------------------------------------------------------ */

/* Messages come from a fixed set of static strings (stats.h, access.h). */
static void ptscope_extack_msg(struct netlink_ext_ack *extack, const char *why)
{
	if (extack && why)
		extack->_msg = why;
}

static const struct nla_policy ptscope_get_stats_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy ptscope_stats_set_policy[PTSCOPE_STATS_MAX + 1] = {
	[PTSCOPE_STATS_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[PTSCOPE_STATS_WATCH_ADD] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTSCOPE_STATS_WATCH_DEL] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy ptscope_set_stats_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_STATS] = NLA_POLICY_NESTED(ptscope_stats_set_policy),
};

static int ptscope_put_counters(struct sk_buff *msg, const u64 *ctr)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(msg, PTSCOPE_STATS_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i < __PTSCOPE_CTR_CNT; i++) {
		/* Type 0 (PTSCOPE_CTR_UNSPEC) pads. */
		if (nla_put_u64_64bit(msg, i, ctr[i], PTSCOPE_CTR_UNSPEC)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int ptscope_put_stats(struct sk_buff *msg,
			     const struct ptscope_stats_snap *s)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(msg, PTSCOPE_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(msg, PTSCOPE_STATS_ENABLED, s->enabled) ||
	    nla_put_u64_64bit(msg, PTSCOPE_STATS_TIME_NS, s->time_ns,
			      PTSCOPE_STATS_PAD) ||
	    nla_put_u64_64bit(msg, PTSCOPE_STATS_KERN_PGFAULT, s->kern_pgfault,
			      PTSCOPE_STATS_PAD) ||
	    nla_put_u64_64bit(msg, PTSCOPE_STATS_KERN_PGMAJFAULT,
			      s->kern_pgmajfault, PTSCOPE_STATS_PAD))
		goto err_cancel;
	if (s->pid) {
		if (nla_put_u32(msg, PTSCOPE_STATS_PID, s->pid) ||
		    nla_put_u64_64bit(msg, PTSCOPE_STATS_KERN_MIN_FLT,
				      s->kern_min_flt, PTSCOPE_STATS_PAD) ||
		    nla_put_u64_64bit(msg, PTSCOPE_STATS_KERN_MAJ_FLT,
				      s->kern_maj_flt, PTSCOPE_STATS_PAD))
			goto err_cancel;
		if (s->watched && nla_put_flag(msg, PTSCOPE_STATS_WATCHED))
			goto err_cancel;
	}
	for (i = 0; i < s->nr_watch; i++)
		if (nla_put_u32(msg, PTSCOPE_STATS_WATCH_PID, s->watch[i]))
			goto err_cancel;
	if ((!s->pid || s->watched) && ptscope_put_counters(msg, s->ctr))
		goto err_cancel;
	nla_nest_end(msg, nest);
	return 0;

err_cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

static int ptscope_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct ptscope_stats_snap *s;
	const char *why = NULL;
	struct sk_buff *msg;
	pid_t pid = 0;
	void *hdr;
	int err;

	if (info->attrs[PTSCOPE_A_PID])
		pid = nla_get_u32(info->attrs[PTSCOPE_A_PID]);
	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	err = ptscope_stats_snapshot(pid, current_cred(), s, &why);
	if (err) {
		ptscope_extack_msg(info->extack, why);
		goto err_snap;
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto err_snap;
	}
	hdr = genlmsg_put_reply(msg, info, &ptscope_genl_family, 0,
				PTSCOPE_CMD_GET_STATS);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = ptscope_put_stats(msg, s);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	kfree(s);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
err_snap:
	kfree(s);
	return err;
}

static int ptscope_nl_set_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PTSCOPE_STATS_MAX + 1];
	const char *why = NULL;
	int err;

	if (!netlink_capable(skb, CAP_PERFMON) &&
	    !netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack,
			       "changing statistics needs CAP_SYS_ADMIN or CAP_PERFMON");
		return -EPERM;
	}
	if (GENL_REQ_ATTR_CHECK(info, PTSCOPE_A_STATS)) {
		NL_SET_ERR_MSG(info->extack, "a statistics nest is required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, PTSCOPE_STATS_MAX,
			       info->attrs[PTSCOPE_A_STATS],
			       ptscope_stats_set_policy, info->extack);
	if (err)
		return err;
	if (!tb[PTSCOPE_STATS_ENABLED] && !tb[PTSCOPE_STATS_WATCH_ADD] &&
	    !tb[PTSCOPE_STATS_WATCH_DEL]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PTSCOPE_A_STATS],
				    "nothing to change: give enabled, watch-add or watch-del");
		return -EINVAL;
	}

	if (tb[PTSCOPE_STATS_WATCH_DEL]) {
		err = ptscope_stats_watch_del(nla_get_u32(tb[PTSCOPE_STATS_WATCH_DEL]),
					      &why);
		if (err)
			goto err_attr;
	}
	if (tb[PTSCOPE_STATS_WATCH_ADD]) {
		err = ptscope_stats_watch_add(nla_get_u32(tb[PTSCOPE_STATS_WATCH_ADD]),
					      current_cred(), &why);
		if (err)
			goto err_attr;
	}
	if (tb[PTSCOPE_STATS_ENABLED]) {
		err = ptscope_stats_set_enabled(nla_get_u8(tb[PTSCOPE_STATS_ENABLED]),
						&why);
		if (err)
			goto err_attr;
	}
	return 0;

err_attr:
	ptscope_extack_msg(info->extack, why);
	return err;
}

static const struct genl_ops ptscope_genl_ops[] = {
	{
		.cmd = PTSCOPE_CMD_GET_INFO,
		.doit = ptscope_nl_get_info,
		.policy = ptscope_info_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_GET_STATS,
		.doit = ptscope_nl_get_stats,
		.policy = ptscope_get_stats_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_SET_STATS,
		.doit = ptscope_nl_set_stats,
		.policy = ptscope_set_stats_policy,
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
