// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c: "ptscope compare PID", the module's page walk checked VMA
 * by VMA against the kernel's own page walk behind /proc/PID/smaps.
 *
 * The two walks should agree; where they may legitimately differ (smaps
 * counts a page dirty when its struct page is, counts a shmem file's
 * swapped pages, leaves out hugetlb from Rss...) the difference is
 * "explained" and its reason printed.  Anything else is a real
 * disagreement: it is printed with the figures, and the command exits 1,
 * so scripts can use it as a self-test.  A running target can change
 * between the two reads; compare a stopped process for an exact answer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"
#include "pt.h"

#define PT_VM_MIXEDMAP	0x10000000ULL

struct compare_args {
	pid_t pid;
};

static int compare_parse(void *p, int argc, char **argv)
{
	struct compare_args *a = p;

	if (argc > 1 && argv[1][0] == '-' && argv[1][1])
		return usage_bad_option("compare", argv[1]);
	if (argc < 2)
		return usage_error("compare", "missing PID");
	if (argc > 2)
		return usage_error("compare", "unexpected argument '%s'", argv[2]);
	return arg_pid("compare", argv[1], &a->pid);
}

static const char *const verdict_names[] = { "agree", "explained", "disagree" };

/*
 * The checks of one VMA.  Pure: the unit tests feed it known VMAs.
 * Returns the number of checks filled in.
 */
unsigned int compare_vma(const struct pt_vma *v,
			 const struct proc_smaps_entry *sm, enum pt_kind kind,
			 unsigned int kver, struct compare_check *out)
{
	const uint64_t *s = v->st.v;
	bool hugetlb = v->flags & PT_VM_HUGETLB;
	uint64_t thp, zero_huge;
	unsigned int n = 0;
	struct compare_check *c;

	memset(out, 0, NR_CHECKS * sizeof(*out));
	/* Rss: hugetlb pages are in smaps' *_Hugetlb lines instead. */
	c = &out[n++];
	c->field = "Rss";
	if (hugetlb) {
		c->walk = s[PTSCOPE_STAT_RSS] * PT_PAGE_SIZE;
		c->smaps = sm->shared_hugetlb + sm->private_hugetlb;
	} else {
		c->walk = pt_vma_rss_pages(v) * PT_PAGE_SIZE;
		c->smaps = sm->rss;
	}
	if (c->walk != c->smaps && (v->flags & PT_VM_MIXEDMAP))
		c->reason = "a mixed map: its special entries have no struct page, and smaps counts only pages that have one";

	c = &out[n++];
	c->field = "Swap";
	c->walk = s[PTSCOPE_STAT_SWAP] * PT_PAGE_SIZE;
	c->smaps = sm->swap;
	if (c->smaps > c->walk && kind == PT_KIND_SHMEM)
		c->reason = "smaps also counts the shmem file's swapped-out pages that have no entry in this process's page tables";

	/* Huge pmds: the huge zero page is mapped but not counted. */
	c = &out[n++];
	c->field = "AnonHugePages";
	zero_huge = s[PTSCOPE_STAT_ZERO] / 512 * 512;
	thp = s[PTSCOPE_STAT_LEAVES_PMD] * 512;
	thp = hugetlb ? 0 : thp > zero_huge ? thp - zero_huge : 0;
	c->walk = thp * PT_PAGE_SIZE;
	c->smaps = sm->anon_huge + sm->shmem_pmd + sm->file_pmd;

	/* Dirty: smaps ORs in the struct page's dirty flag. */
	c = &out[n++];
	c->field = "Dirty";
	c->walk = hugetlb ? 0 : s[PTSCOPE_STAT_DIRTY] * PT_PAGE_SIZE;
	c->smaps = hugetlb ? 0 : sm->shared_dirty + sm->private_dirty;
	if (c->smaps > c->walk && kind == PT_KIND_SHMEM)
		c->reason = "shmem and tmpfs pages are always dirty in the page cache (they have no backing file to be clean against), and smaps counts a page dirty when its struct page is";
	else if (c->smaps > c->walk)
		c->reason = "smaps also counts pages whose struct page is dirty though the entry is clean: written through another mapping or write(2), or swapped in and not yet written back";

	c = &out[n++];
	c->field = "Shared";
	c->walk = hugetlb ? 0 : s[PTSCOPE_STAT_SHARED] * PT_PAGE_SIZE;
	c->smaps = hugetlb ? 0 : sm->shared_clean + sm->shared_dirty;
	if (c->walk != c->smaps && kver >= 603)
		c->reason = "since 6.3 the module counts a large folio as shared when the folio is mapped more than once, while smaps decides page by page";

	for (n = 0; n < NR_CHECKS; n++) {
		c = &out[n];
		if (c->walk == c->smaps) {
			c->v = V_AGREE;
			c->reason = NULL;
		} else {
			c->v = c->reason ? V_EXPLAINED : V_DISAGREE;
		}
	}
	return NR_CHECKS;
}

/* A check's cell: "4Ki" when both agree, else "walk/smaps" ("!=" if unexplained). */
static const struct out_col compare_cols[] = {
	{ "start", "START", 14, true, 0, "first address of the VMA" },
	{ "end", "END", 14, true, 0, "the address after its last byte" },
	{ "perms", "PERM", 4, true, 0, "permissions" },
	{ "Rss", "RSS", 11, false, 0, "Rss: the walk's, and smaps' when they differ" },
	{ "Swap", "SWAP", 11, false, OUT_COL_HIDE, "Swap, likewise" },
	{ "AnonHugePages", "THP", 11, false, OUT_COL_HIDE, "AnonHugePages, likewise" },
	{ "Dirty", "DIRTY", 11, false, OUT_COL_HIDE, "dirty pages, likewise" },
	{ "Shared", "SHARED", 11, false, OUT_COL_HIDE, "shared pages, likewise" },
	{ "verdict", "VERDICT", 9, true, 0, "agree, explained, disagree or changed" },
	{ "path", "PATH", 0, true, OUT_COL_WRAP, "the mapped file" },
};

struct compare_state {
	struct out *out;
	struct proc_smaps smaps;
	struct proc_smaps_entry sm;
	int have;		/* 1: sm pending */
	unsigned int kver;
	uint64_t vmas, checks, counts[3], unmatched;
	FILE *notes;		/* text: reasons, printed after the table */
	char *notes_buf;
	size_t notes_len;
};

static int smaps_read(struct compare_state *cs)
{
	int ret = proc_smaps_next(&cs->smaps, &cs->sm);

	if (ret < 0) {
		fprintf(stderr, "ptscope: cannot parse the process's smaps: %s\n",
			strerror(-ret));
		cs->have = 0;
		return ret;
	}
	cs->have = ret;
	return 0;
}

static void show_check_cell(struct out *o, const struct compare_check *c)
{
	char a[OUT_SIZE_BUF], b[OUT_SIZE_BUF], buf[2 * OUT_SIZE_BUF + 2];

	out_format_size(o, a, sizeof(a), c->walk);
	if (c->walk == c->smaps) {
		show_text(o, c->field, NULL, a);
		return;
	}
	out_format_size(o, b, sizeof(b), c->smaps);
	snprintf(buf, sizeof(buf), "%s%s%s", a, c->v == V_DISAGREE ? "!=" : "/", b);
	show_text(o, c->field, NULL, buf);
}

static int compare_vma_cb(const struct pt_vma *v, void *data)
{
	struct compare_state *cs = data;
	struct compare_check checks[NR_CHECKS];
	struct out *o = cs->out;
	enum compare_verdict worst = V_AGREE;
	char perms[5], a[OUT_SIZE_BUF], b[OUT_SIZE_BUF];
	unsigned int n, i;
	int err;

	while (cs->have && cs->sm.map.start < v->start) {
		err = smaps_read(cs);
		if (err)
			return err;
	}
	cs->vmas++;
	out_row_open(o);
	show_addr(o, "start", NULL, v->start);
	show_addr(o, "end", NULL, v->end);
	pt_vm_perms(v->flags, perms);
	show_str(o, "perms", NULL, perms);
	if (!cs->have || cs->sm.map.start != v->start ||
	    cs->sm.map.end != v->end) {
		/* The map changed between the two reads. */
		cs->unmatched++;
		show_null(o, "path", NULL);
		show_null(o, "checks", NULL);
		show_str(o, "verdict", NULL, "changed");
		out_row_close(o);
		return 0;
	}
	if (o->json)
		show_str(o, "path", NULL, cs->sm.map.path);
	n = compare_vma(v, &cs->sm, summary_classify(&cs->sm.map, v->flags),
			cs->kver, checks);
	out_arr_open(o, "checks");
	for (i = 0; i < n; i++) {
		out_obj_open(o, NULL, NULL);
		show_str(o, "field", NULL, checks[i].field);
		show_u64(o, "walk", NULL, checks[i].walk);
		show_u64(o, "smaps", NULL, checks[i].smaps);
		show_str(o, "verdict", NULL, verdict_names[checks[i].v]);
		show_str(o, "reason", NULL, checks[i].reason);
		out_obj_close(o);
	}
	out_arr_close(o);
	for (i = 0; i < n; i++) {
		show_check_cell(o, &checks[i]);
		cs->checks++;
		cs->counts[checks[i].v]++;
		if (checks[i].v > worst)
			worst = checks[i].v;
		if (checks[i].v == V_AGREE || !cs->notes)
			continue;
		out_format_size(o, a, sizeof(a), checks[i].walk);
		out_format_size(o, b, sizeof(b), checks[i].smaps);
		fprintf(cs->notes, "%08" PRIx64 " %s: walk %s, smaps %s: %s\n",
			v->start, checks[i].field, a, b,
			checks[i].reason ? checks[i].reason :
			"NOT EXPLAINED: the two walks disagree");
	}
	show_str(o, "verdict", NULL, verdict_names[worst]);
	if (!o->json)
		show_text(o, "path", NULL, cs->sm.map.path);
	out_row_close(o);
	return smaps_read(cs);
}

/* One note a line, each wrapped to the width. */
static void show_notes(struct out *o, char *notes)
{
	char *line, *save = NULL;

	fprintf(o->f, "\ndifferences (walk, smaps):\n");
	for (line = strtok_r(notes, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
	{
		fputs("  ", o->f);
		out_wrapped(o, 2, line);
	}
}

static void show_compare_totals(struct out *o, const struct compare_state *cs)
{
	out_obj_open(o, "totals", "checked");
	show_u64(o, "vmas", "VMAs", cs->vmas);
	show_u64(o, "checks", "checks", cs->checks);
	show_u64(o, "agree", "agree", cs->counts[V_AGREE]);
	show_u64(o, "explained", "explained", cs->counts[V_EXPLAINED]);
	show_u64(o, "disagree", "disagree", cs->counts[V_DISAGREE]);
	show_u64(o, "changed", "changed VMAs", cs->unmatched);
	out_obj_close(o);
}

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22	/* Linux 5.14 */
#endif

/*
 * Maps every page of this program's own readable file mappings (libc and
 * the other libraries) before the walk.  A file page the target maps is
 * "shared" once a second process maps it; without this, the first call
 * of a library function between the walk and the smaps read would make
 * some of the target's library pages shared in smaps but not in the walk.
 * Best effort: a failure only brings that difference back.
 */
static void map_own_file_pages(void)
{
	unsigned long lo, hi, ino;
	char line[512], perms[5];
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %4s %*s %*s %lu", &lo, &hi, perms,
			   &ino) == 4 && ino && perms[0] == 'r')
			madvise((void *)lo, hi - lo, MADV_POPULATE_READ);
	fclose(f);
}

static int compare_run(struct ptscope_ctx *ctx, const void *args)
{
	const struct compare_args *a = args;
	struct compare_state cs = { .out = ctx->out };
	struct out *o = ctx->out;
	struct pt_summary s;
	int err;

	/* The module first: its extack says why a pid cannot be read. */
	err = pt_get_summary(ctx->nl, a->pid, &s);
	if (err)
		return err;
	map_own_file_pages();
	err = proc_smaps_open(&cs.smaps, a->pid);
	if (err) {
		fprintf(stderr, "ptscope: cannot read /proc/%d/smaps: %s\n",
			(int)a->pid, strerror(-err));
		return err;
	}
	cs.kver = pt_kernel_version();
	if (!o->json)
		cs.notes = open_memstream(&cs.notes_buf, &cs.notes_len);
	err = smaps_read(&cs);

	out_obj_open(o, NULL, NULL);
	show_u64(o, "pid", NULL, a->pid);
	out_table_open(o, "vmas", compare_cols, ARRAY_SIZE(compare_cols));
	if (!err)
		err = target_dump_vmas(ctx, a->pid, compare_vma_cb, &cs);
	out_table_close(o);
	proc_smaps_close(&cs.smaps);
	if (cs.notes) {
		fclose(cs.notes);
		if (!err && cs.notes_len)
			show_notes(o, cs.notes_buf);
	}
	free(cs.notes_buf);
	if (!err) {
		out_blank(o);
		show_compare_totals(o, &cs);
	}
	out_obj_close(o);
	if (!err && cs.counts[V_DISAGREE]) {
		fprintf(stderr, "ptscope: compare: %" PRIu64 " unexplained disagreements between the walk and smaps; if the process was running, compare it again while stopped\n",
			cs.counts[V_DISAGREE]);
		err = -EBADE;
	}
	return err;
}

const struct ptscope_command cmd_compare = {
	.name = "compare",
	.synopsis = "PID... [--vma NAME]",
	.summary = "cross-check the page walk against /proc/PID/smaps, VMA by VMA",
	.help = "For each VMA compares the walk's Rss, Swap, huge pmd mappings, dirty and\n"
		"shared pages with smaps.  A difference with a known cause is \"explained\"\n"
		"and its reason printed; any other is a disagreement, and the command then\n"
		"exits 1.  Compare a stopped process: a running one changes under the two\n"
		"reads.\n"
		"\n"
		"Options:\n"
		VMA_OPTION_HELP
		"\n"
		PIDS_HELP,
	.flags = CMD_F_NETLINK | CMD_F_PIDS | CMD_F_VMA,
	.args_size = sizeof(struct compare_args),
	.columns = compare_cols,
	.ncolumns = ARRAY_SIZE(compare_cols),
	.pid_offset = offsetof(struct compare_args, pid),
	.parse = compare_parse,
	.run = compare_run,
};
