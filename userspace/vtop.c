// SPDX-License-Identifier: GPL-2.0
/*
 * vtop.c: "ptscope vtop PID ADDR", one virtual address translated level
 * by level, as the MMU would: for each table, the index the address
 * selects, where that entry sits in physical memory, its raw value and
 * its decoded flags; then the physical address, or where and why the
 * walk stopped.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>

#include "internal.h"
#include "pt.h"

struct vtop_args {
	pid_t pid;
	uint64_t addr;
};

static int vtop_parse(void *p, int argc, char **argv)
{
	struct vtop_args *a = p;
	int err;

	if (argc > 1 && argv[1][0] == '-' && argv[1][1])
		return usage_bad_option("vtop", argv[1]);
	if (argc < 3)
		return usage_error("vtop", "need PID and ADDR");
	if (argc > 3)
		return usage_error("vtop", "unexpected argument '%s'", argv[3]);
	err = arg_pid("vtop", argv[1], &a->pid);
	if (!err)
		err = arg_addr("vtop", argv[2], &a->addr);
	return err;
}

static const char *const stop_names[__PTSCOPE_VTOP_STOP_CNT] = {
	[PTSCOPE_VTOP_STOP_NO_VMA] = "no_vma",
	[PTSCOPE_VTOP_STOP_NONE] = "none",
	[PTSCOPE_VTOP_STOP_LEAF] = "leaf",
	[PTSCOPE_VTOP_STOP_NONPRESENT] = "nonpresent",
	[PTSCOPE_VTOP_STOP_BAD] = "bad",
};

static const char *vtop_stop_name(unsigned int stop)
{
	return stop < __PTSCOPE_VTOP_STOP_CNT ? stop_names[stop] : "unknown";
}

static const struct out_col level_cols[] = {
	{ "level", "LEVEL", 5, true, OUT_COL_TREE, "pgd, p4d, pud, pmd, pte, and the frame" },
	{ "index", "INDEX", 5, false, 0, "the entry's index in its table" },
	{ "entry_phys", "ENTRY-AT", 16, false, OUT_COL_HIDE, "physical address of the entry" },
	{ "raw", "RAW", 16, false, 0, "the raw entry, hex" },
	{ "state", "STATE", 9, true, 0, "table, present, swap, none..." },
	{ "flags", "FLAGS", PT_FLAG_LETTERS_LEN - 1, true, 0, "entry flags (legend below)" },
	{ "pfn", "NEXT", 0, true, 0, "frame of the next table or of the page, hex" },
	PT_ARCH_COLUMNS
};

struct vtop_result {
	uint64_t addr, phys, vm_start, vm_end, vm_flags;
	unsigned int stop, stop_level;
	bool has_vma;
	unsigned int nr;
	struct pt_range lvl[__PTSCOPE_LEVEL_CNT];
	bool seen;
};

static const enum mnl_attr_data_type top_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_VTOP] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type vtop_policy[PTSCOPE_VTOP_MAX + 1] = {
	[PTSCOPE_VTOP_ADDR] = MNL_TYPE_U64,
	[PTSCOPE_VTOP_STOP] = MNL_TYPE_U8,
	[PTSCOPE_VTOP_STOP_LEVEL] = MNL_TYPE_U8,
	[PTSCOPE_VTOP_PHYS] = MNL_TYPE_U64,
	[PTSCOPE_VTOP_VMA_START] = MNL_TYPE_U64,
	[PTSCOPE_VTOP_VMA_END] = MNL_TYPE_U64,
	[PTSCOPE_VTOP_VMA_FLAGS] = MNL_TYPE_U64,
};

static uint64_t u64_or_0(const struct nlattr *a)
{
	return a ? mnl_attr_get_u64(a) : 0;
}

static int vtop_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[PTSCOPE_A_MAX + 1];
	const struct nlattr *tb[PTSCOPE_VTOP_MAX + 1];
	struct vtop_result *v = data;
	const struct nlattr *a;
	int err;

	err = nl_parse_reply(nlh, top_policy, PTSCOPE_A_MAX, top);
	if (err)
		return err;
	if (!top[PTSCOPE_A_VTOP])
		goto proto;
	err = nl_parse_nest(top[PTSCOPE_A_VTOP], vtop_policy,
			    PTSCOPE_VTOP_MAX, tb);
	if (err)
		return err;
	if (!tb[PTSCOPE_VTOP_STOP])
		goto proto;
	v->addr = u64_or_0(tb[PTSCOPE_VTOP_ADDR]);
	v->phys = u64_or_0(tb[PTSCOPE_VTOP_PHYS]);
	v->stop = mnl_attr_get_u8(tb[PTSCOPE_VTOP_STOP]);
	if (tb[PTSCOPE_VTOP_STOP_LEVEL])
		v->stop_level = mnl_attr_get_u8(tb[PTSCOPE_VTOP_STOP_LEVEL]);
	v->has_vma = tb[PTSCOPE_VTOP_VMA_START] != NULL;
	v->vm_start = u64_or_0(tb[PTSCOPE_VTOP_VMA_START]);
	v->vm_end = u64_or_0(tb[PTSCOPE_VTOP_VMA_END]);
	v->vm_flags = u64_or_0(tb[PTSCOPE_VTOP_VMA_FLAGS]);
	mnl_attr_for_each_nested(a, top[PTSCOPE_A_VTOP]) {
		if (mnl_attr_get_type(a) != PTSCOPE_VTOP_LEVEL)
			continue;
		if (v->nr >= __PTSCOPE_LEVEL_CNT ||
		    mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			goto proto;
		err = pt_parse_range(a, &v->lvl[v->nr++]);
		if (err)
			return err;
	}
	v->seen = true;
	return 0;

proto:
	fprintf(stderr, "ptscope: malformed vtop reply; check that the tool and module versions match\n");
	return -EPROTO;
}

/* The last line: where the address leads, or why it leads nowhere. */
static void vtop_explain(const struct vtop_result *v, bool show_pfn,
			 char *buf, size_t len)
{
	const struct pt_range *last = v->nr ? &v->lvl[v->nr - 1] : NULL;
	const char *lvl = pt_level_name(v->stop_level);
	char sz[OUT_SIZE_BUF];

	switch (v->stop) {
	case PTSCOPE_VTOP_STOP_NO_VMA:
		snprintf(buf, len, "not mapped: the address is in no VMA, so an access raises SIGSEGV");
		return;
	case PTSCOPE_VTOP_STOP_NONE:
		format_size(sz, sizeof(sz), v->stop_level == PTSCOPE_LEVEL_PTE ?
			    PT_PAGE_SIZE : v->stop_level == PTSCOPE_LEVEL_PMD ?
			    2ULL << 20 : v->stop_level == PTSCOPE_LEVEL_PUD ?
			    1ULL << 30 : 512ULL << 30);
		snprintf(buf, len, "not present: the %s entry is empty; nothing in this %s has been touched yet (or it was freed), so the first access will fault a page in",
			 lvl, v->stop_level == PTSCOPE_LEVEL_PTE ? "page" : sz);
		return;
	case PTSCOPE_VTOP_STOP_LEAF:
		format_size(sz, sizeof(sz), pt_level_size(v->stop_level));
		if (last && last->state == PTSCOPE_STATE_PROTNONE)
			snprintf(buf, len, "%s %s page, mapped but not accessible (PROT_NONE or a NUMA hint)%s",
				 sz, lvl, show_pfn ? "" : "; physical address hidden (needs CAP_SYS_ADMIN)");
		else if (show_pfn)
			snprintf(buf, len, "physical address %08" PRIx64 " (%s page from a %s entry)",
				 v->phys, sz, lvl);
		else
			snprintf(buf, len, "present in a %s page from a %s entry; physical address hidden (needs CAP_SYS_ADMIN)",
				 sz, lvl);
		return;
	case PTSCOPE_VTOP_STOP_NONPRESENT:
		if (last && last->state == PTSCOPE_STATE_SWAP)
			snprintf(buf, len, "swapped out: the %s entry is a swap entry (type %u); the next access faults it back in",
				 lvl, last->swap_type);
		else
			snprintf(buf, len, "not present: the %s entry is a %s entry",
				 lvl, last ? pt_state_name(last->state) : "non-present");
		return;
	case PTSCOPE_VTOP_STOP_BAD:
		snprintf(buf, len, "stopped: the %s entry is corrupt or changed during the walk", lvl);
		return;
	}
	snprintf(buf, len, "stopped at the %s level (reason %u unknown to this tool)",
		 lvl, v->stop);
}

static void show_level(struct out *o, const struct pt_range *l, bool leaf,
		       bool show_pfn)
{
	char buf[40];

	/* Under the level before it; a flat list in JSON. */
	out_row_open_under(o, out_row_last(o));
	show_str(o, "level", NULL, pt_level_name(l->level));
	show_u64(o, "index", NULL, l->index);
	if (show_pfn)
		show_addr(o, "entry_phys", NULL, l->entry_phys);
	else
		show_null(o, "entry_phys", NULL);
	if (show_pfn)
		show_hex(o, "raw", NULL, l->raw);
	else
		show_null(o, "raw", NULL);
	show_bool(o, "leaf", NULL, leaf);
	show_str(o, "state", NULL, leaf || l->state != PTSCOPE_STATE_PRESENT ?
		 pt_state_name(l->state) : "table");
	show_entry_flags(o, l->flags);
	if (show_pfn && pt_state_has_frame(l->state)) {
		if (o->json) {
			show_u64(o, "pfn", NULL, l->pfn);
		} else {
			snprintf(buf, sizeof(buf), "pfn %" PRIx64, l->pfn);
			show_text(o, "pfn", NULL, buf);
		}
	} else {
		show_null(o, "pfn", NULL);
	}
	if (l->has_swap) {
		out_obj_open(o, "swap", NULL);
		show_u64(o, "type", NULL, l->swap_type);
		if (show_pfn)
			show_u64(o, "offset", NULL, l->swap_offset);
		else
			show_null(o, "offset", NULL);
		out_obj_close(o);
	}
	show_arch_bits(o, l);
	out_row_close(o);
}

static void show_vtop(struct out *o, pid_t pid, const struct pt_info *info,
		      const struct vtop_result *v)
{
	bool show_pfn = info->show_pfn;
	char perms[5], buf[320];
	unsigned int i;

	out_obj_open(o, NULL, NULL);
	show_u64(o, "pid", "pid", pid);
	show_addr(o, "addr", "address", v->addr);
	show_u64(o, "paging_levels", "paging levels", info->levels);
	show_bool(o, "pfn_visible", NULL, show_pfn);
	if (v->has_vma) {
		pt_vm_perms(v->vm_flags, perms);
		snprintf(buf, sizeof(buf), "%08" PRIx64 "-%08" PRIx64 " %s",
			 v->vm_start, v->vm_end, perms);
		show_text(o, "vma", "VMA", buf);
		out_obj_open(o, "vma", NULL);
		show_addr(o, "start", NULL, v->vm_start);
		show_addr(o, "end", NULL, v->vm_end);
		show_str(o, "perms", NULL, perms);
		show_hex(o, "vm_flags", NULL, v->vm_flags);
		out_obj_close(o);
	} else {
		show_null(o, "vma", "VMA");
	}
	out_blank(o);
	/* Text: a tree, each level under the one that points to it. */
	out_table_open_tree(o, "levels", level_cols, ARRAY_SIZE(level_cols));
	for (i = 0; i < v->nr; i++)
		show_level(o, &v->lvl[i], i + 1 == v->nr &&
			   (v->stop == PTSCOPE_VTOP_STOP_LEAF ||
			    v->stop == PTSCOPE_VTOP_STOP_NONPRESENT),
			   show_pfn);
	if (!o->json && v->nr && v->stop == PTSCOPE_VTOP_STOP_LEAF) {
		out_row_open_under(o, out_row_last(o));
		show_text(o, "level", NULL, "frame");
		snprintf(buf, sizeof(buf), "phys %08" PRIx64,
			 show_pfn ? v->phys : 0);
		show_text(o, "pfn", NULL, show_pfn ? buf : "hidden");
		out_row_close(o);
	}
	out_table_close(o);
	out_blank(o);
	show_str(o, "stop", NULL, vtop_stop_name(v->stop));
	if (v->nr)
		show_str(o, "stop_level", NULL, pt_level_name(v->stop_level));
	else
		show_null(o, "stop_level", NULL);
	if (v->stop == PTSCOPE_VTOP_STOP_LEAF && v->nr) {
		show_u64(o, "page_size", NULL, pt_level_size(v->stop_level));
		if (show_pfn)
			show_addr(o, "phys", NULL, v->phys);
		else
			show_null(o, "phys", NULL);
	} else {
		show_null(o, "page_size", NULL);
		show_null(o, "phys", NULL);
	}
	vtop_explain(v, show_pfn, buf, sizeof(buf));
	show_str(o, "result", "result", buf);
	if (v->nr)
		out_legend(o, "\n%s\n%s", pt_flag_legend, pt_arch_legend);
	out_obj_close(o);
}

static int vtop_run(struct ptscope_ctx *ctx, const void *args)
{
	const struct vtop_args *a = args;
	struct vtop_result v;
	struct pt_info info;
	struct nlmsghdr *req;
	int err;

	err = pt_get_info(ctx->nl, &info);
	if (err)
		return err;
	memset(&v, 0, sizeof(v));
	req = nl_req(ctx->nl, PTSCOPE_CMD_VTOP);
	mnl_attr_put_u32(req, PTSCOPE_A_PID, (uint32_t)a->pid);
	mnl_attr_put_u64(req, PTSCOPE_A_ADDR, a->addr);
	err = nl_doit(ctx->nl, req, vtop_cb, &v);
	if (err)
		return err;
	if (!v.seen) {
		fprintf(stderr, "ptscope: the module sent no vtop reply; check that the tool and module versions match\n");
		return -EPROTO;
	}
	/*
	 * Outside every VMA there is no table to show: text says so in one
	 * line and fails, as a lookup of nothing should.  JSON keeps its
	 * object (stop "no_vma"), which is the answer a program asked for.
	 */
	if (v.stop == PTSCOPE_VTOP_STOP_NO_VMA && !ctx->out->json) {
		fprintf(stderr, "ptscope: vtop: 0x%" PRIx64 " is in no VMA of pid %d (not mapped: an access raises SIGSEGV); 'ptscope maps %d' lists them\n",
			v.addr, (int)a->pid, (int)a->pid);
		return -EFAULT;
	}
	show_vtop(ctx->out, a->pid, &info, &v);
	return 0;
}

const struct ptscope_command cmd_vtop = {
	.name = "vtop",
	.synopsis = "PID ADDR",
	.summary = "translate one virtual address, level by level",
	.help = "ADDR is hex (0x...) or decimal, may end in K/M/G/T, and may be a sum such\n"
		"as 0x7f0000000000+4K.  For each level the walk passes through it prints\n"
		"the index ADDR selects, the entry's own physical address, the raw entry\n"
		"and its decoded flags; then the physical address, or where and why the\n"
		"walk stopped.  Physical addresses and raw entries need CAP_SYS_ADMIN.\n"
		"An address in no VMA is an error (exit 1); with --json it is the object\n"
		"with \"stop\": \"no_vma\" and exit 0.\n",
	.flags = CMD_F_NETLINK,
	.args_size = sizeof(struct vtop_args),
	.columns = level_cols,
	.ncolumns = ARRAY_SIZE(level_cols),
	.parse = vtop_parse,
	.run = vtop_run,
};
