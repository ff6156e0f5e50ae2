// SPDX-License-Identifier: GPL-2.0
/*
 * maps.c: "ptscope maps PID", /proc/PID/maps with the page tables
 * beside it: one row per VMA, the maps columns first, then what the
 * walk found in the VMA's range (present 4K/2M/1G leaves, RSS, swap,
 * dirty, copy-on-write, zero page, page-table pages), totals, and the
 * memory lines of /proc/PID/status.
 *
 * The module's VMA dump and the maps file are both in address order and
 * are merged as they stream (pt_join), so nothing is held per VMA.  A
 * maps line without a module VMA ([vsyscall], which is no VMA, or a
 * mapping made between the two reads) gets null page-table columns; a
 * module VMA without a maps line gets its perms from vm_flags and a
 * null path.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pt.h"

struct maps_args {
	pid_t pid;
};

static int pid_only_parse(const char *cmd, pid_t *pid, int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == '-' && argv[1][1])
		return usage_bad_option(cmd, argv[1]);
	if (argc < 2)
		return usage_error(cmd, "missing PID");
	if (argc > 2)
		return usage_error(cmd, "unexpected argument '%s'", argv[2]);
	return arg_pid(cmd, argv[1], pid);
}

static int maps_parse(void *p, int argc, char **argv)
{
	struct maps_args *a = p;

	return pid_only_parse("maps", &a->pid, argc, argv);
}

static const struct out_col maps_cols[] = {
	{ "start", "START", 14, true, OUT_COL_TREE, "first address of the VMA" },
	{ "end", "END", 14, true, 0, "the address after its last byte" },
	{ "perms", "PERM", 4, true, 0, "permissions, as /proc/PID/maps shows them" },
	{ "offset", "OFFSET", 8, true, OUT_COL_HIDE, "offset in the file" },
	{ "dev", "DEV", 5, true, OUT_COL_HIDE, "device of the file" },
	{ "inode", "INODE", 8, false, OUT_COL_HIDE, "inode of the file" },
	{ "size_bytes", "SIZE", 5, false, 0, "size of the VMA (in the total: VSZ)" },
	{ "present_4k", "4K", 6, false, OUT_COL_HIDE, "present 4K leaves (PTEs)" },
	{ "present_2m", "2M", 4, false, OUT_COL_HIDE, "present 2M leaves (PMDs)" },
	{ "present_1g", "1G", 2, false, OUT_COL_HIDE, "present 1G leaves (PUDs)" },
	{ "rss_bytes", "RSS", 5, false, 0, "resident memory as RSS counts it" },
	{ "dirty", "DIRTY", 5, false, OUT_COL_HIDE, "dirty pages" },
	{ "swap", "SWAP", 5, false, 0, "swapped-out pages" },
	{ "cow_ro", "COW", 5, false, OUT_COL_HIDE, "read-only pages of a writable private mapping" },
	{ "zero", "ZERO", 5, false, OUT_COL_HIDE, "pages mapping the zero page" },
	{ "uss_bytes", "USS", 5, false, OUT_COL_HIDE, "pages only this process maps (smaps' Private_*)" },
	{ "pss_bytes", "PSS", 5, false, OUT_COL_HIDE, "proportional set size (smaps' Pss)" },
	{ "pt", "PT", 5, false, 0, "page tables covering the VMA (in the total: VmPTE's)" },
	{ "path", "PATH", 0, true, OUT_COL_WRAP, "the mapped file or [heap], [stack]..." },
};

struct maps_totals {
	uint64_t vmas, size, leaves[__PTSCOPE_LEVEL_CNT];
	uint64_t swap, dirty, accessed, cow, zero, rss_pages;
	struct pt_stats share;	/* PRIVATE_* .. PSS summed */
};

/* --tree: each VMA's text row, to hang its leaf ranges under. */
struct maps_tree_vma {
	uint64_t start, end;
	out_row_t *row;
};

struct maps_state {
	const struct ptscope_ctx *ctx;
	struct out *out;
	struct pt_join join;
	struct maps_totals t;
	struct maps_tree_vma *vmas;	/* NULL unless --tree */
	size_t nr, cap, cur;
};

/* Text addresses as maps prints them: bare hex, no 0x. */
static void show_maps_addr(struct out *o, const char *key, uint64_t v)
{
	char buf[24];

	if (o->json) {
		show_addr(o, key, NULL, v);
		return;
	}
	format_addr(buf, sizeof(buf), v);
	show_text(o, key, NULL, buf);
}

/* Text only: JSON keeps its keys as they were. */
static void show_text_size(struct out *o, const char *key, uint64_t bytes)
{
	char buf[OUT_SIZE_BUF];

	if (o->json)
		return;
	out_format_size(o, buf, sizeof(buf), bytes);
	show_text(o, key, NULL, buf);
}

static void show_maps_columns(struct out *o, const struct proc_maps_entry *e)
{
	char buf[24];

	show_str(o, "perms", NULL, e->perms);
	if (o->json) {
		show_u64(o, "offset", NULL, e->offset);
	} else {
		snprintf(buf, sizeof(buf), "%08" PRIx64, e->offset);
		show_text(o, "offset", NULL, buf);
	}
	snprintf(buf, sizeof(buf), "%02x:%02x", e->dev_major, e->dev_minor);
	show_str(o, "dev", NULL, buf);
	show_u64(o, "inode", NULL, e->inode);
	/* Text: the path is the last column, whatever its length. */
	if (o->json)
		show_str(o, "path", NULL, e->path);
}

static void show_text_path(struct out *o, const struct proc_maps_entry *e)
{
	if (!o->json && e)
		show_text(o, "path", NULL, e->path);
}

static const char *const pt_page_keys[] = { "pte", "pmd", "pud", "p4d" };

static void show_vma_counts(struct out *o, const struct pt_vma *v)
{
	const uint64_t *s = v->st.v;
	uint64_t pt = 0;
	unsigned int i;

	show_u64(o, "present_4k", NULL, s[PTSCOPE_STAT_LEAVES_PTE]);
	show_u64(o, "present_2m", NULL, s[PTSCOPE_STAT_LEAVES_PMD]);
	show_u64(o, "present_1g", NULL, s[PTSCOPE_STAT_LEAVES_PUD]);
	show_pages(o, "swap", NULL, s[PTSCOPE_STAT_SWAP]);
	show_pages(o, "dirty", NULL, s[PTSCOPE_STAT_DIRTY]);
	show_pages(o, "accessed", NULL, s[PTSCOPE_STAT_ACCESSED]);
	show_pages(o, "cow_ro", NULL, s[PTSCOPE_STAT_COW]);
	show_pages(o, "zero", NULL, s[PTSCOPE_STAT_ZERO]);
	show_size(o, "rss_bytes", NULL, pt_vma_rss_pages(v) * PT_PAGE_SIZE);
	show_share(o, &v->st, false);
	out_obj_open(o, "pt_pages", NULL);
	for (i = 0; i < ARRAY_SIZE(pt_page_keys); i++) {
		show_u64(o, pt_page_keys[i], NULL,
			 s[PTSCOPE_STAT_TABLES_PTE + i]);
		pt += s[PTSCOPE_STAT_TABLES_PTE + i];
	}
	out_obj_close(o);
	show_text_size(o, "pt", pt * PT_PAGE_SIZE);
}

static void show_null_counts(struct out *o)
{
	static const char *const keys[] = {
		"present_4k", "present_2m", "present_1g", "swap", "dirty",
		"accessed", "cow_ro", "zero", "rss_bytes", "uss_bytes",
		"pss_bytes", "private_clean", "private_dirty", "shared_clean",
		"shared_dirty", "pt_pages",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		show_null(o, keys[i], NULL);
}

/* A maps line with no module VMA. */
static int maps_extra_cb(const struct proc_maps_entry *e, void *data)
{
	struct maps_state *m = data;
	struct out *o = m->out;

	if (!target_has(m->ctx, e->start))
		return 0;
	out_row_open(o);
	show_maps_addr(o, "start", e->start);
	show_maps_addr(o, "end", e->end);
	show_text_size(o, "size_bytes", e->end - e->start);
	show_maps_columns(o, e);
	show_null_counts(o);
	show_null(o, "vm_flags", NULL);
	show_text_path(o, e);
	out_row_close(o);
	return 0;
}

static void add_totals(struct maps_totals *t, const struct pt_vma *v)
{
	const uint64_t *s = v->st.v;

	t->vmas++;
	t->size += v->end - v->start;
	t->leaves[PTSCOPE_LEVEL_PTE] += s[PTSCOPE_STAT_LEAVES_PTE];
	t->leaves[PTSCOPE_LEVEL_PMD] += s[PTSCOPE_STAT_LEAVES_PMD];
	t->leaves[PTSCOPE_LEVEL_PUD] += s[PTSCOPE_STAT_LEAVES_PUD];
	t->swap += s[PTSCOPE_STAT_SWAP];
	t->dirty += s[PTSCOPE_STAT_DIRTY];
	t->accessed += s[PTSCOPE_STAT_ACCESSED];
	t->cow += s[PTSCOPE_STAT_COW];
	t->zero += s[PTSCOPE_STAT_ZERO];
	t->rss_pages += pt_vma_rss_pages(v);
	pt_share_sum(&t->share, &v->st);
}

static int maps_tree_note(struct maps_state *m, const struct pt_vma *v)
{
	struct maps_tree_vma *n;

	if (!m->vmas)
		return 0;
	if (m->nr == m->cap) {
		n = realloc(m->vmas, 2 * m->cap * sizeof(*n));
		if (!n) {
			fprintf(stderr, "ptscope: out of memory\n");
			return -ENOMEM;
		}
		m->vmas = n;
		m->cap *= 2;
	}
	m->vmas[m->nr].start = v->start;
	m->vmas[m->nr].end = v->end;
	m->vmas[m->nr].row = out_row_last(m->out);
	m->nr++;
	return 0;
}

/* A leaf range under its VMA: both lists are in address order. */
static int maps_leaf_cb(const struct pt_range *r, void *data)
{
	struct maps_state *m = data;
	struct out *o = m->out;
	char flags[PT_FLAG_LETTERS_LEN], what[64];

	while (m->cur < m->nr && m->vmas[m->cur].end <= r->start)
		m->cur++;
	if (m->cur == m->nr || r->start < m->vmas[m->cur].start)
		return 0;
	out_row_open_under(o, m->vmas[m->cur].row);
	show_maps_addr(o, "start", r->start);
	show_maps_addr(o, "end", r->end);
	show_text_size(o, "size_bytes", r->end - r->start);
	pt_flag_letters(r->flags, flags);
	snprintf(what, sizeof(what), "%s %s %s", pt_level_name(r->level),
		 pt_state_name(r->state), flags);
	show_text(o, "path", NULL, what);
	out_row_close(o);
	return 0;
}

static int maps_vma_cb(const struct pt_vma *v, void *data)
{
	struct maps_state *m = data;
	const struct proc_maps_entry *e;
	struct out *o = m->out;
	char perms[5];
	int err;

	e = pt_join_find(&m->join, v->start, &err);
	if (err)
		return err;
	out_row_open(o);
	show_maps_addr(o, "start", v->start);
	show_maps_addr(o, "end", v->end);
	show_text_size(o, "size_bytes", v->end - v->start);
	if (e && e->end != v->end)
		e = NULL;
	if (e) {
		show_maps_columns(o, e);
	} else {
		/* No maps line (the map changed between the two reads). */
		pt_vm_perms(v->flags, perms);
		show_str(o, "perms", NULL, perms);
		show_u64(o, "offset", NULL, v->pgoff);
		show_null(o, "dev", NULL);
		show_null(o, "inode", NULL);
		show_null(o, "path", NULL);
	}
	show_vma_counts(o, v);
	show_hex(o, "vm_flags", NULL, v->flags);
	show_text_path(o, e);
	out_row_close(o);
	add_totals(&m->t, v);
	return maps_tree_note(m, v);
}

/* Distinct page-table pages: a table shared by two VMAs counts once. */
static void show_totals(struct out *o, const struct maps_totals *t,
			const struct pt_summary *s)
{
	char buf[32];
	unsigned int i;

	if (!o->json) {
		snprintf(buf, sizeof(buf), "%" PRIu64 " VMAs", t->vmas);
		show_text(o, "start", NULL, "total");
		show_text(o, "end", NULL, buf);
	}
	show_u64(o, "vmas", NULL, t->vmas);
	show_size(o, "size_bytes", NULL, t->size);
	show_u64(o, "present_4k", NULL, t->leaves[PTSCOPE_LEVEL_PTE]);
	show_u64(o, "present_2m", NULL, t->leaves[PTSCOPE_LEVEL_PMD]);
	show_u64(o, "present_1g", NULL, t->leaves[PTSCOPE_LEVEL_PUD]);
	show_pages(o, "swap", NULL, t->swap);
	show_pages(o, "dirty", NULL, t->dirty);
	show_pages(o, "accessed", NULL, t->accessed);
	show_pages(o, "cow_ro", NULL, t->cow);
	show_pages(o, "zero", NULL, t->zero);
	show_size(o, "rss_bytes", NULL, t->rss_pages * PT_PAGE_SIZE);
	show_share(o, &t->share, false);
	out_obj_open(o, "pt_pages", NULL);
	for (i = 0; i < ARRAY_SIZE(pt_page_keys); i++)
		show_u64(o, pt_page_keys[i], NULL,
			 s->tables[PTSCOPE_LEVEL_PTE + i]);
	show_u64(o, "pgd", NULL, s->tables[PTSCOPE_LEVEL_PGD]);
	show_u64(o, "deposited", NULL, s->deposited);
	out_obj_close(o);
	show_text_size(o, "pt", s->counted_bytes);
}

static void show_status(struct out *o, const struct proc_status *st)
{
	static const struct {
		const char *key;
		unsigned int bit;
		size_t off;
	} fields[] = {
		{ "VmSize", PROC_ST_VMSIZE, offsetof(struct proc_status, vm_size) },
		{ "VmRSS", PROC_ST_VMRSS, offsetof(struct proc_status, vm_rss) },
		{ "RssAnon", PROC_ST_RSSANON, offsetof(struct proc_status, rss_anon) },
		{ "RssFile", PROC_ST_RSSFILE, offsetof(struct proc_status, rss_file) },
		{ "RssShmem", PROC_ST_RSSSHMEM, offsetof(struct proc_status, rss_shmem) },
		{ "VmSwap", PROC_ST_VMSWAP, offsetof(struct proc_status, vm_swap) },
		{ "VmPTE", PROC_ST_VMPTE, offsetof(struct proc_status, vm_pte) },
	};
	unsigned int i;

	out_obj_open(o, "status", "/proc/PID/status");
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (st->have & fields[i].bit)
			show_size(o, fields[i].key, fields[i].key,
				  *(const uint64_t *)((const char *)st +
						      fields[i].off));
		else
			show_null(o, fields[i].key, fields[i].key);
	}
	out_obj_close(o);
}

static int maps_run(struct ptscope_ctx *ctx, const void *args)
{
	const struct maps_args *a = args;
	struct maps_state m = { .ctx = ctx, .out = ctx->out };
	struct out *o = ctx->out;
	struct proc_status st;
	struct pt_summary s;
	int err;

	/* The module first: its extack says why a pid cannot be read. */
	err = pt_get_summary(ctx->nl, a->pid, &s);
	if (err)
		return err;
	err = pt_join_open(&m.join, a->pid, maps_extra_cb, &m);
	if (err)
		return err;

	out_obj_open(o, NULL, NULL);
	show_u64(o, "pid", NULL, a->pid);
	if (o->opts.tree && !o->json) {
		m.cap = 64;
		m.vmas = calloc(m.cap, sizeof(*m.vmas));
		if (!m.vmas) {
			fprintf(stderr, "ptscope: out of memory\n");
			pt_join_close(&m.join);
			return -ENOMEM;
		}
		out_table_open_tree(o, "vmas", maps_cols, ARRAY_SIZE(maps_cols));
	} else {
		out_table_open(o, "vmas", maps_cols, ARRAY_SIZE(maps_cols));
	}
	err = target_dump_vmas(ctx, a->pid, maps_vma_cb, &m);
	if (!err)
		err = pt_join_finish(&m.join);
	if (!err && m.vmas)
		err = pt_dump_ranges(ctx->nl, a->pid, 0, 0, 0, maps_leaf_cb,
				     &m);
	free(m.vmas);
	if (!err && !o->json) {
		out_row_open(o);
		show_totals(o, &m.t, &s);
		out_row_close(o);
	}
	out_table_close(o);
	pt_join_close(&m.join);
	if (err) {
		out_obj_close(o);
		return err;
	}
	if (o->json) {
		out_obj_open(o, "totals", NULL);
		show_totals(o, &m.t, &s);
		out_obj_close(o);
	}
	out_blank(o);
	if (proc_read_status(a->pid, &st))
		memset(&st, 0, sizeof(st));
	show_status(o, &st);
	show_size(o, "pt_bytes", "page tables (walk)", s.counted_bytes);
	out_legend(o, "\nRSS as RSS counts it (no zero page, hugetlb or PFN maps); PT: page tables\n"
		   "covering the VMA (pte+pmd+pud+p4d); in the total line SIZE is VSZ and PT\n"
		   "the process's page tables as VmPTE counts them.  More columns: -o +COLS,\n"
		   "see --list-columns.\n");
	out_obj_close(o);
	return 0;
}

const struct ptscope_command cmd_maps = {
	.name = "maps",
	.synopsis = "PID... [--vma NAME] [-i SECONDS] [-c COUNT]",
	.summary = "/proc/PID/maps with each VMA's page-table contents",
	.help = "One row per VMA: the /proc/PID/maps columns, then present 4K, 2M and 1G\n"
		"leaves, RSS, swapped, dirty, copy-on-write and zero-page pages, and the\n"
		"page-table pages covering the VMA; then totals and the memory lines of\n"
		"/proc/PID/status.  Columns USS and PSS (-o +USS,PSS) are smaps' figures;\n"
		"JSON also gives the private/shared clean/dirty page counts.\n"
		"\n"
		"Options:\n"
		VMA_OPTION_HELP
		REPEAT_OPTION_HELP
		"\n"
		PIDS_HELP,
	.flags = CMD_F_NETLINK | CMD_F_PIDS | CMD_F_REPEAT | CMD_F_VMA |
		 CMD_F_TREE,
	.args_size = sizeof(struct maps_args),
	.columns = maps_cols,
	.ncolumns = ARRAY_SIZE(maps_cols),
	.pid_offset = offsetof(struct maps_args, pid),
	.parse = maps_parse,
	.run = maps_run,
};
