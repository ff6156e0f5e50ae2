// SPDX-License-Identifier: GPL-2.0
/*
 * info.c: "ptscope info", the module's view of paging on this machine.
 *
 * It needs no pid and no privilege, which makes it the first thing to
 * run: it proves the tool and the module talk, and shows the level
 * geometry every other command's output is built on.
 */
#include <errno.h>
#include <stdio.h>

#include "uapi/ptscope.h"
#include "internal.h"

static const enum mnl_attr_data_type top_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_INFO] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type info_policy[PTSCOPE_INFO_MAX + 1] = {
	[PTSCOPE_INFO_VERSION] = MNL_TYPE_NUL_STRING,
	[PTSCOPE_INFO_KERNEL] = MNL_TYPE_NUL_STRING,
	[PTSCOPE_INFO_LEVELS] = MNL_TYPE_U32,
	[PTSCOPE_INFO_PAGE_SHIFT] = MNL_TYPE_U32,
	[PTSCOPE_INFO_PMD_SHIFT] = MNL_TYPE_U32,
	[PTSCOPE_INFO_PUD_SHIFT] = MNL_TYPE_U32,
	[PTSCOPE_INFO_P4D_SHIFT] = MNL_TYPE_U32,
	[PTSCOPE_INFO_PGDIR_SHIFT] = MNL_TYPE_U32,
	[PTSCOPE_INFO_PTRS_PER_PTE] = MNL_TYPE_U32,
	[PTSCOPE_INFO_PTRS_PER_PMD] = MNL_TYPE_U32,
	[PTSCOPE_INFO_PTRS_PER_PUD] = MNL_TYPE_U32,
	[PTSCOPE_INFO_PTRS_PER_P4D] = MNL_TYPE_U32,
	[PTSCOPE_INFO_PTRS_PER_PGD] = MNL_TYPE_U32,
	[PTSCOPE_INFO_TASK_SIZE] = MNL_TYPE_U64,
	[PTSCOPE_INFO_SHOW_PFN] = MNL_TYPE_FLAG,
	[PTSCOPE_INFO_ARCH] = MNL_TYPE_NUL_STRING,
	[PTSCOPE_INFO_VA_BITS] = MNL_TYPE_U32,
	[PTSCOPE_INFO_ROOTS] = MNL_TYPE_NUL_STRING,
};

/* Top level first, the order a walk descends in. */
static const struct {
	const char *name;
	unsigned int shift;
	unsigned int ptrs;
} levels[] = {
	{ "pgd", PTSCOPE_INFO_PGDIR_SHIFT, PTSCOPE_INFO_PTRS_PER_PGD },
	{ "p4d", PTSCOPE_INFO_P4D_SHIFT, PTSCOPE_INFO_PTRS_PER_P4D },
	{ "pud", PTSCOPE_INFO_PUD_SHIFT, PTSCOPE_INFO_PTRS_PER_PUD },
	{ "pmd", PTSCOPE_INFO_PMD_SHIFT, PTSCOPE_INFO_PTRS_PER_PMD },
	{ "pte", PTSCOPE_INFO_PAGE_SHIFT, PTSCOPE_INFO_PTRS_PER_PTE },
};

static const struct out_col level_cols[] = {
	{ "level", "LEVEL", 5, true, 0, "page-table level" },
	{ "shift", "SHIFT", 5, false, 0, "address bit its index starts at" },
	{ "ptrs", "ENTRIES", 7, false, 0, "entries in one table" },
	{ "span", "EACH-MAPS", 9, false, 0, "address range one entry covers" },
	{ "note", "NOTE", 0, true, 0, "folded when the level is not in use" },
};

struct info_reply {
	struct out *out;
	bool seen;
};

static void show_u32_attr(struct out *o, const struct nlattr *attr,
			  const char *key, const char *label)
{
	if (attr)
		show_u64(o, key, label, mnl_attr_get_u32(attr));
	else
		show_null(o, key, label);
}

static void show_level(struct out *o, const struct nlattr **tb, size_t i)
{
	const struct nlattr *shift = tb[levels[i].shift];
	const struct nlattr *ptrs = tb[levels[i].ptrs];

	out_row_open(o);
	show_str(o, "level", NULL, levels[i].name);
	show_u32_attr(o, shift, "shift", NULL);
	show_u32_attr(o, ptrs, "ptrs", NULL);
	if (shift && mnl_attr_get_u32(shift) < 64)
		show_size(o, "span", NULL, 1ULL << mnl_attr_get_u32(shift));
	else
		show_null(o, "span", NULL);
	/* With 4 levels the p4d is folded into the pgd: one entry. */
	if (ptrs && mnl_attr_get_u32(ptrs) == 1)
		show_text(o, "note", NULL, "folded");
	out_row_close(o);
}

static void show_info(struct out *o, const struct nlattr **tb)
{
	const struct nlattr *page_shift = tb[PTSCOPE_INFO_PAGE_SHIFT];
	size_t i;

	out_obj_open(o, NULL, NULL);
	show_str(o, "module_version", "module version",
		 tb[PTSCOPE_INFO_VERSION] ?
		 mnl_attr_get_str(tb[PTSCOPE_INFO_VERSION]) : NULL);
	show_str(o, "kernel_release", "kernel release",
		 tb[PTSCOPE_INFO_KERNEL] ?
		 mnl_attr_get_str(tb[PTSCOPE_INFO_KERNEL]) : NULL);
	show_str(o, "arch", "architecture",
		 tb[PTSCOPE_INFO_ARCH] ?
		 mnl_attr_get_str(tb[PTSCOPE_INFO_ARCH]) : NULL);
	show_u32_attr(o, tb[PTSCOPE_INFO_LEVELS], "paging_levels",
		      "paging levels");
	show_u32_attr(o, tb[PTSCOPE_INFO_VA_BITS], "va_bits",
		      "virtual address bits");
	if (page_shift && mnl_attr_get_u32(page_shift) < 64)
		show_size(o, "page_size", "page size",
			  1ULL << mnl_attr_get_u32(page_shift));
	else
		show_null(o, "page_size", "page size");
	if (tb[PTSCOPE_INFO_TASK_SIZE])
		show_addr(o, "task_size", "user space top",
			  mnl_attr_get_u64(tb[PTSCOPE_INFO_TASK_SIZE]));
	else
		show_null(o, "task_size", "user space top");
	show_str(o, "table_roots", "table roots",
		 tb[PTSCOPE_INFO_ROOTS] ?
		 mnl_attr_get_str(tb[PTSCOPE_INFO_ROOTS]) : NULL);
	show_bool(o, "pfn_visible", "PFNs visible",
		  tb[PTSCOPE_INFO_SHOW_PFN]);

	out_blank(o);
	out_table_open(o, "levels", level_cols, ARRAY_SIZE(level_cols));
	for (i = 0; i < ARRAY_SIZE(levels); i++)
		show_level(o, tb, i);
	out_table_close(o);
	out_obj_close(o);
}

static int info_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[PTSCOPE_A_MAX + 1];
	const struct nlattr *tb[PTSCOPE_INFO_MAX + 1];
	struct info_reply *r = data;
	int err;

	err = nl_parse_reply(nlh, top_policy, PTSCOPE_A_MAX, top);
	if (err)
		return err;
	if (!top[PTSCOPE_A_INFO]) {
		fprintf(stderr, "ptscope: the module's info reply is empty; check that the tool and module versions match\n");
		return -EPROTO;
	}
	err = nl_parse_nest(top[PTSCOPE_A_INFO], info_policy,
			    PTSCOPE_INFO_MAX, tb);
	if (err)
		return err;
	r->seen = true;
	show_info(r->out, tb);
	return 0;
}

static int info_run(struct ptscope_ctx *ctx, const void *args)
{
	struct info_reply r = { .out = ctx->out };
	int err;

	(void)args;
	err = nl_doit(ctx->nl, nl_req(ctx->nl, PTSCOPE_CMD_GET_INFO),
		      info_reply_cb, &r);
	if (!err && !r.seen) {
		fprintf(stderr, "ptscope: the module acknowledged but sent no info; check that the tool and module versions match\n");
		err = -EPROTO;
	}
	return err;
}

const struct ptscope_command cmd_info = {
	.name = "info",
	.synopsis = "",
	.columns = level_cols,
	.ncolumns = ARRAY_SIZE(level_cols),
	.summary = "show the module version and this kernel's paging geometry",
	.help = "Prints the module and kernel versions, the number of paging levels (4 or 5),\n"
		"each level's shift and entry count, where user space ends, and whether\n"
		"you may see physical frame numbers (PFNs need CAP_SYS_ADMIN).  The\n"
		"architecture, the virtual-address bits the MMU translates and the registers\n"
		"it starts each walk from (x86: CR3, one root for user and kernel; arm64:\n"
		"TTBR0_EL1 for user space, TTBR1_EL1 for the kernel) are read from the\n"
		"running kernel.\n",
	.flags = CMD_F_NETLINK,
	.run = info_run,
};
