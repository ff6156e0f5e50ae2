// SPDX-License-Identifier: GPL-2.0
/*
 * test_nl.c: attribute parsing in userspace/nl.c on hand-built replies:
 * attributes from a newer module must be ignored, and a known
 * attribute of the wrong size must be refused, not read past its end.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <linux/genetlink.h>

#include "harness.h"
#include "nl.h"
#include "uapi/ptscope.h"

static const enum mnl_attr_data_type top_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_INFO] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type info_policy[PTSCOPE_INFO_MAX + 1] = {
	[PTSCOPE_INFO_VERSION] = MNL_TYPE_NUL_STRING,
	[PTSCOPE_INFO_LEVELS] = MNL_TYPE_U32,
	[PTSCOPE_INFO_TASK_SIZE] = MNL_TYPE_U64,
	[PTSCOPE_INFO_SHOW_PFN] = MNL_TYPE_FLAG,
};

static struct nlmsghdr *start_reply(char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = NLMSG_MIN_TYPE + 7;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = PTSCOPE_CMD_GET_INFO;
	return nlh;
}

/* The parser reports malformed replies on stderr; keep the log clean. */
static int quietly(int (*fn)(const struct nlattr *,
			     const enum mnl_attr_data_type *, unsigned int,
			     const struct nlattr **),
		   const struct nlattr *nest, const struct nlattr **tb)
{
	int saved = dup(2), null = open("/dev/null", O_WRONLY), ret;

	fflush(stderr);
	dup2(null, 2);
	ret = fn(nest, info_policy, PTSCOPE_INFO_MAX, tb);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(null);
	return ret;
}

static void test_newer_module(void)
{
	char buf[4096] __attribute__((aligned(8))) = { 0 };
	const struct nlattr *top[PTSCOPE_A_MAX + 1];
	const struct nlattr *tb[PTSCOPE_INFO_MAX + 1];
	struct nlmsghdr *nlh = start_reply(buf);
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, PTSCOPE_A_INFO);
	mnl_attr_put_strz(nlh, PTSCOPE_INFO_VERSION, "9.9");
	mnl_attr_put_u32(nlh, PTSCOPE_INFO_LEVELS, 5);
	mnl_attr_put_u64(nlh, PTSCOPE_INFO_MAX + 1, 42);
	mnl_attr_put_u64(nlh, 250, 42);
	mnl_attr_put_u64(nlh, PTSCOPE_INFO_TASK_SIZE, 0xfffffffffff000ULL);
	mnl_attr_put(nlh, PTSCOPE_INFO_SHOW_PFN, 0, NULL);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u32(nlh, PTSCOPE_A_MAX + 3, 1);

	CHECK_INT(nl_parse_reply(nlh, top_policy, PTSCOPE_A_MAX, top), 0);
	if (!CHECK(top[PTSCOPE_A_INFO] != NULL))
		return;
	CHECK(top[PTSCOPE_A_PID] == NULL);
	CHECK_INT(nl_parse_nest(top[PTSCOPE_A_INFO], info_policy,
				PTSCOPE_INFO_MAX, tb), 0);
	CHECK_STR(tb[PTSCOPE_INFO_VERSION] ?
		  mnl_attr_get_str(tb[PTSCOPE_INFO_VERSION]) : NULL, "9.9");
	CHECK_INT(tb[PTSCOPE_INFO_LEVELS] ?
		  mnl_attr_get_u32(tb[PTSCOPE_INFO_LEVELS]) : 0, 5);
	CHECK_U64(tb[PTSCOPE_INFO_TASK_SIZE] ?
		  mnl_attr_get_u64(tb[PTSCOPE_INFO_TASK_SIZE]) : 0,
		  0xfffffffffff000ULL);
	CHECK(tb[PTSCOPE_INFO_SHOW_PFN] != NULL);
	CHECK(tb[PTSCOPE_INFO_KERNEL] == NULL);
}

static void test_wrong_size(void)
{
	char buf[4096] __attribute__((aligned(8))) = { 0 };
	const struct nlattr *tb[PTSCOPE_INFO_MAX + 1];
	struct nlmsghdr *nlh = start_reply(buf);
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, PTSCOPE_A_INFO);
	mnl_attr_put_u8(nlh, PTSCOPE_INFO_LEVELS, 5);
	mnl_attr_nest_end(nlh, nest);
	CHECK_INT(quietly(nl_parse_nest, nest, tb), -EPROTO);

	nlh = start_reply(buf);
	nest = mnl_attr_nest_start(nlh, PTSCOPE_A_INFO);
	mnl_attr_put(nlh, PTSCOPE_INFO_VERSION, 3, "abc");	/* no NUL */
	mnl_attr_nest_end(nlh, nest);
	CHECK_INT(quietly(nl_parse_nest, nest, tb), -EPROTO);

	nlh = start_reply(buf);
	nest = mnl_attr_nest_start(nlh, PTSCOPE_A_INFO);
	mnl_attr_put_u32(nlh, PTSCOPE_INFO_SHOW_PFN, 1);	/* flag has no data */
	mnl_attr_nest_end(nlh, nest);
	CHECK_INT(quietly(nl_parse_nest, nest, tb), -EPROTO);
}

void test_nl(void)
{
	test_newer_module();
	test_wrong_size();
}
