// SPDX-License-Identifier: GPL-2.0
/*
 * walk.c: "ptscope walk PID", the leaves of a process's page tables in
 * the manner of the kernel's ptdump: runs of alike entries coalesced
 * into ranges, or every leaf with --pages.
 *
 * The module does the coalescing and streams the ranges; each one is
 * printed as its message arrives, so the tool's memory stays constant
 * however large the target (a per-page walk of 4 GiB is a million
 * entries).  --level and --state filter here, not in the module.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pt.h"

struct walk_args {
	pid_t pid;
	uint64_t start, end;	/* end 0: everything */
	bool pages;
	unsigned int levels;	/* bit per enum ptscope_level; 0: all */
	unsigned int states;	/* bit per enum ptscope_state; 0: all */
};

static const struct option walk_options[] = {
	{ "range",	required_argument,	NULL, 'r' },
	{ "pages",	no_argument,		NULL, 'p' },
	{ "level",	required_argument,	NULL, 'l' },
	{ "state",	required_argument,	NULL, 's' },
	{ NULL,		0,			NULL, 0 },
};

/* A comma-separated list of names into a bit mask. */
static int parse_names(const char *arg, int (*lookup)(const char *),
		       unsigned int *mask, const char *what)
{
	char buf[128], *tok, *save;
	int v;

	if (strlen(arg) >= sizeof(buf))
		return usage_error("walk", "%s list too long", what);
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		v = lookup(tok);
		if (v < 0)
			return usage_error("walk", "unknown %s '%s'", what, tok);
		*mask |= 1U << v;
	}
	if (!*mask)
		return usage_error("walk", "empty %s list", what);
	return 0;
}

static int leaf_level(const char *name)
{
	int l = pt_level_from_name(name);

	return l == PTSCOPE_LEVEL_PTE || l == PTSCOPE_LEVEL_PMD ||
	       l == PTSCOPE_LEVEL_PUD ? l : -1;
}

static int walk_parse(void *p, int argc, char **argv)
{
	struct walk_args *a = p;
	int c, err;

	while ((c = getopt_long(argc, argv, "", walk_options, NULL)) != -1) {
		switch (c) {
		case 'r':
			err = arg_range("walk", optarg, &a->start, &a->end);
			if (err)
				return err;
			break;
		case 'p':
			a->pages = true;
			break;
		case 'l':
			err = parse_names(optarg, leaf_level, &a->levels,
					  "level (pte, pmd, pud)");
			if (err)
				return err;
			break;
		case 's':
			err = parse_names(optarg, pt_state_from_name, &a->states,
					  "state");
			if (err)
				return err;
			break;
		default:
			return usage_bad_option("walk", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("walk", "missing PID");
	if (optind + 1 < argc)
		return usage_error("walk", "unexpected argument '%s'",
				   argv[optind + 1]);
	return arg_pid("walk", argv[optind], &a->pid);
}

/*
 * Widths hold 57-bit addresses (5-level paging), because walk --pages
 * streams its rows at these widths; the defaults fit 80 columns.
 */
static const struct out_col walk_cols[] = {
	{ "start", "START", 14, true, 0, "first address of the range" },
	{ "end", "END", 14, true, 0, "the address after its last byte" },
	{ "size", "SIZE", 6, false, 0, "its size" },
	{ "level", "LEVEL", 5, true, 0, "level of its leaf entries: pte, pmd, pud" },
	{ "state", "STATE", 9, true, 0, "present, swap, protnone, none..." },
	{ "pages", "PAGES", 7, false, OUT_COL_HIDE, "base pages it covers" },
	{ "flags", "FLAGS", PT_FLAG_LETTERS_LEN - 1, true, 0, "entry flags (legend above the table)" },
	{ "pfn", "PFN", 9, false, 0, "first page frame, hex (needs CAP_SYS_ADMIN)" },
	{ "swap", "SWAP", 12, true, OUT_COL_HIDE, "swap type:offset, offset hex" },
	{ "raw", "RAW", 16, true, OUT_COL_HIDE, "the raw entry, hex" },
	PT_ARCH_COLUMNS
};

struct walk_state {
	struct out *out;
	const struct walk_args *args;
	const struct pt_info *info;
	bool started;		/* the head is printed */
	bool show_pfn;
	uint64_t entries;
	uint64_t pages[__PTSCOPE_STATE_CNT];
};

/* pfn and raw are null when hidden, or (pfn) when there is no frame. */
static void walk_show_range(struct out *o, const struct pt_range *r, bool show_pfn)
{
	char buf[40];

	show_addr(o, "start", NULL, r->start);
	show_addr(o, "end", NULL, r->end);
	/* Text only: formatting costs a floating-point snprintf per row. */
	if (!o->json) {
		out_format_size(o, buf, sizeof(buf), r->end - r->start);
		show_text(o, "size", NULL, buf);
	}
	show_str(o, "level", NULL, pt_level_name(r->level));
	show_str(o, "state", NULL, pt_state_name(r->state));
	show_u64(o, "pages", NULL, (r->end - r->start) / PT_PAGE_SIZE);
	/* Text and JSON keys come in the same order: columns cannot go back. */
	show_entry_flags(o, r->flags);
	if (show_pfn && pt_state_has_frame(r->state)) {
		if (o->json) {
			show_u64(o, "pfn", NULL, r->pfn);
		} else {
			snprintf(buf, sizeof(buf), "%" PRIx64, r->pfn);
			show_text(o, "pfn", NULL, buf);
		}
	} else {
		show_null(o, "pfn", NULL);
	}
	if (r->has_swap) {
		out_obj_open(o, "swap", NULL);
		show_u64(o, "type", NULL, r->swap_type);
		if (show_pfn)
			show_u64(o, "offset", NULL, r->swap_offset);
		else
			show_null(o, "offset", NULL);
		out_obj_close(o);
		if (show_pfn)
			snprintf(buf, sizeof(buf), "%u:%" PRIx64,
				 r->swap_type, r->swap_offset);
		else
			snprintf(buf, sizeof(buf), "%u:-", r->swap_type);
		show_text(o, "swap", NULL, buf);
	} else {
		show_null(o, "swap", NULL);
	}
	if (show_pfn)
		show_hex(o, "raw", NULL, r->raw);
	else
		show_null(o, "raw", NULL);
	show_arch_bits(o, r);
}

/*
 * The head is printed with the first range, or after an empty dump: a
 * request the module refuses (no such pid...) prints nothing to stdout.
 */
static void walk_start(struct walk_state *w)
{
	const struct pt_info *info = w->info;
	struct out *o = w->out;

	if (w->started)
		return;
	w->started = true;
	out_obj_open(o, NULL, NULL);
	show_u64(o, "pid", NULL, w->args->pid);
	show_u64(o, "paging_levels", NULL, info->levels);
	show_bool(o, "pfn_visible", NULL, info->show_pfn);
	if (!o->json)
		fprintf(o->f, "pid %d, %u-level paging, PFNs %s\n",
			(int)w->args->pid, info->levels,
			info->show_pfn ? "visible" : "hidden (need CAP_SYS_ADMIN)");
	out_legend(o, "%s\n%s", pt_flag_legend, pt_arch_legend);
	out_blank(o);
	/* Per-page rows can be millions: print them as they come. */
	if (w->args->pages)
		out_table_open_stream(o, "entries", walk_cols,
				      ARRAY_SIZE(walk_cols));
	else
		out_table_open(o, "entries", walk_cols, ARRAY_SIZE(walk_cols));
}

static int walk_range_cb(const struct pt_range *r, void *data)
{
	struct walk_state *w = data;
	const struct walk_args *a = w->args;

	if (a->levels && !(a->levels & (1U << r->level)))
		return 0;
	if (a->states && !(a->states & (1U << r->state)))
		return 0;
	walk_start(w);
	out_row_open(w->out);
	walk_show_range(w->out, r, w->show_pfn);
	out_row_close(w->out);
	w->entries++;
	if (r->state < __PTSCOPE_STATE_CNT)
		w->pages[r->state] += (r->end - r->start) / PT_PAGE_SIZE;
	return 0;
}

static void walk_footer(struct walk_state *w)
{
	char buf[160], sz[OUT_SIZE_BUF];
	unsigned int s;
	int n;

	if (w->out->json)
		return;
	n = snprintf(buf, sizeof(buf), "%" PRIu64 " %s", w->entries,
		     w->args->pages ? "entries" : "ranges");
	for (s = PTSCOPE_STATE_NONE; s < __PTSCOPE_STATE_CNT; s++) {
		if (!w->pages[s] || n >= (int)sizeof(buf))
			continue;
		out_format_size(w->out, sz, sizeof(sz),
				w->pages[s] * PT_PAGE_SIZE);
		n += snprintf(buf + n, sizeof(buf) - n, ", %s %s", sz,
			      pt_state_name(s));
	}
	out_blank(w->out);
	show_text(w->out, "total", "total", buf);
}

static int walk_run(struct ptscope_ctx *ctx, const void *args)
{
	const struct walk_args *a = args;
	struct walk_state w = { .out = ctx->out, .args = a };
	struct pt_info info;
	uint32_t flags = 0;
	uint64_t rs, re;
	size_t i = 0;
	int err;

	err = pt_get_info(ctx->nl, &info);
	if (err)
		return err;
	w.info = &info;
	w.show_pfn = info.show_pfn;
	if (a->pages)
		flags |= PTSCOPE_RF(PER_PAGE);
	/*
	 * Per-page rows as packed records, 32 bytes for a run of pages
	 * rather than a nest per page, when the module takes them (the rows
	 * are the same).  PTSCOPE_PACKED=0 asks for the nests, which the
	 * tests use to compare the two encodings.
	 */
	if (a->pages && (info.req_flags & PTSCOPE_RF(PACKED)) &&
	    !(getenv("PTSCOPE_PACKED") && !strcmp(getenv("PTSCOPE_PACKED"), "0")))
		flags |= PTSCOPE_RF(PACKED);
	if (a->states & (1U << PTSCOPE_STATE_NONE))
		flags |= PTSCOPE_RF(HOLES);

	while (!err && target_next_range(ctx, &i, a->start, a->end, &rs, &re))
		err = pt_dump_ranges(ctx->nl, a->pid, rs, re, flags,
				     walk_range_cb, &w);
	if (!err)
		walk_start(&w);
	if (!w.started)
		return err;
	out_table_close(ctx->out);
	if (!err)
		walk_footer(&w);
	out_obj_close(ctx->out);
	return err;
}

const struct ptscope_command cmd_walk = {
	.name = "walk",
	.synopsis = "PID... [--vma NAME] [--range START-END] [--pages] [--level pte|pmd|pud] [--state STATE]",
	.summary = "list the leaf entries of a process's page tables, ptdump-style",
	.help = "Options:\n"
		"  --range START-END  only this part of the address space (or START+SIZE)\n"
		"  --pages            one row per leaf entry instead of coalesced ranges\n"
		"                     (a 2M or 1G leaf is still one row)\n"
		"  --level LEVELS     only leaves at these levels: pte, pmd, pud (comma list)\n"
		"  --state STATES     only these states: present, protnone, swap, migration,\n"
		"                     device, marker, hwpoison, other, and none (empty ranges\n"
		"                     inside VMAs, shown only when asked for)\n"
		"\n"
		"Runs of entries with the same level, state and flags are merged into one\n"
		"range.  PFNs, swap offsets and raw entries need CAP_SYS_ADMIN.\n"
		"\n"
		VMA_OPTION_HELP
		"\n"
		PIDS_HELP,
	.flags = CMD_F_NETLINK | CMD_F_PIDS | CMD_F_VMA,
	.args_size = sizeof(struct walk_args),
	.columns = walk_cols,
	.ncolumns = ARRAY_SIZE(walk_cols),
	.pid_offset = offsetof(struct walk_args, pid),
	.options = walk_options,
	.parse = walk_parse,
	.run = walk_run,
};
