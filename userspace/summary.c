// SPDX-License-Identifier: GPL-2.0
/*
 * summary.c: "ptscope summary PID", the memory lines of /proc/PID/status
 * set beside what the page tables hold, with every difference explained.
 *
 * status gives the kernel's counters; the module's walk gives the truth
 * page by page.  They measure different things on purpose (the zero
 * page, hugetlb and PFN maps are mapped but not RSS) and the counters
 * are approximate (batched per thread on 6.1, per CPU since 6.2).  Each
 * row says which of these applies.  RSS by kind (anon, file, shmem) is
 * not in the page tables: the walk's split is attributed per VMA (see
 * summary_classify()), and says so.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "internal.h"
#include "pt.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC	0x01021994
#endif

struct summary_args {
	pid_t pid;
};

static int summary_parse(void *p, int argc, char **argv)
{
	struct summary_args *a = p;

	if (argc > 1 && argv[1][0] == '-' && argv[1][1])
		return usage_bad_option("summary", argv[1]);
	if (argc < 2)
		return usage_error("summary", "missing PID");
	if (argc > 2)
		return usage_error("summary", "unexpected argument '%s'", argv[2]);
	return arg_pid("summary", argv[1], &a->pid);
}

static bool on_tmpfs(const char *path)
{
	struct statfs sf;

	return !statfs(path, &sf) && sf.f_type == TMPFS_MAGIC;
}

/* Whether dev is the device of a tmpfs mounted at one of the usual places. */
static bool dev_is_tmpfs(unsigned int major, unsigned int minor)
{
	static const char *const dirs[] = { "/dev/shm", "/tmp", "/run", "/" };
	struct stat st;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		if (!stat(dirs[i], &st) && st.st_dev == makedev(major, minor) &&
		    on_tmpfs(dirs[i]))
			return true;
	return false;
}

enum pt_kind summary_classify(const struct proc_maps_entry *e, uint64_t flags)
{
	char path[4096];
	size_t n;

	if (!e || !e->inode) {
		if (e && !strcmp(e->path, "[vdso]"))
			return PT_KIND_FILE;
		/* Shared anonymous memory is shmem (it shows as /dev/zero). */
		return flags & PT_VM_SHARED ? PT_KIND_SHMEM : PT_KIND_ANON;
	}
	if (!strncmp(e->path, "/dev/zero", 9) || !strncmp(e->path, "/SYSV", 5) ||
	    !strncmp(e->path, "/memfd:", 7) || !strncmp(e->path, "/dev/shm/", 9))
		return PT_KIND_SHMEM;
	snprintf(path, sizeof(path), "%s", e->path);
	n = strlen(path);
	if (e->deleted && n >= 10)
		path[n - 10] = '\0';
	if (!e->deleted && path[0] == '/')
		return on_tmpfs(path) ? PT_KIND_SHMEM : PT_KIND_FILE;
	return e->dev_major == 0 && dev_is_tmpfs(e->dev_major, e->dev_minor) ?
	       PT_KIND_SHMEM : PT_KIND_FILE;
}

void summary_add_vma(struct pt_walk_kinds *k, const struct pt_vma *v,
		     enum pt_kind kind)
{
	uint64_t rss = pt_vma_rss_pages(v);
	uint64_t dirty = v->st.v[PTSCOPE_STAT_DIRTY];

	k->vmas++;
	k->size += v->end - v->start;
	k->present += v->st.v[PTSCOPE_STAT_RSS];
	k->swap += v->st.v[PTSCOPE_STAT_SWAP];
	k->shared += v->st.v[PTSCOPE_STAT_SHARED];
	if (v->flags & PT_VM_HUGETLB) {
		k->hugetlb += v->st.v[PTSCOPE_STAT_RSS];
		return;
	}
	if (v->flags & PT_VM_PFNMAP) {
		k->pfnmap += v->st.v[PTSCOPE_STAT_RSS];
		return;
	}
	k->zero += v->st.v[PTSCOPE_STAT_ZERO];
	k->rss += rss;
	if (dirty > rss)
		dirty = rss;
	/*
	 * A private file mapping holds page-cache pages until written;
	 * a write copies the page into an anonymous one, which is dirty.
	 */
	if (kind != PT_KIND_ANON && !(v->flags & PT_VM_SHARED)) {
		k->kind[PT_KIND_ANON] += dirty;
		k->private_cow += dirty;
		rss -= dirty;
	}
	k->kind[kind] += rss;
}

static const struct out_col row_cols[] = {
	{ "field", "FIELD", 9, true, 0, "the /proc/PID/status line" },
	{ "status", "STATUS", 9, false, 0, "its value in /proc/PID/status" },
	{ "walk", "WALK", 9, false, 0, "the same figure from the page tables" },
	{ "diff", "DIFF", 8, false, 0, "walk - status" },
	{ "exact", "EXACT", 0, true, OUT_COL_WRAP, "whether they must match exactly" },
};

#define MAX_REASONS	4

struct summary_row {
	const char *field;
	bool have_status;
	uint64_t status, walk;
	bool exact;		/* expected to match to the byte */
	unsigned int nr;
	char reasons[MAX_REASONS][320];
};

static void add_reason(struct summary_row *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_reason(struct summary_row *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nr >= MAX_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(r->reasons[r->nr++], sizeof(r->reasons[0]), fmt, ap);
	va_end(ap);
}

static const char *sz(char *buf, uint64_t pages)
{
	format_size(buf, OUT_SIZE_BUF, pages * PT_PAGE_SIZE);	/* prose */
	return buf;
}

static void counter_reason(struct summary_row *r, unsigned int kver)
{
	if (kver && kver < 602)
		add_reason(r, "this kernel (%u.%u) batches RSS counters per thread: each thread keeps up to 64 updates before they reach the mm, so status can trail the page tables by 64 pages per thread and counter",
			   kver / 100, kver % 100);
	else
		add_reason(r, "RSS counters are per-CPU (percpu_counter) and status reads an approximate sum: it can be off by the per-CPU batch times the number of CPUs");
	add_reason(r, "or the process ran between the walk and the read of status, mapping or freeing pages");
}

/* Fills rows[] from status and the walk; returns how many. */
static unsigned int summary_rows(struct summary_row *rows, const struct proc_status *st,
			  const struct pt_walk_kinds *k,
			  const struct pt_summary *s, unsigned int kver)
{
	struct summary_row *r;
	char a[OUT_SIZE_BUF], b[OUT_SIZE_BUF], c[OUT_SIZE_BUF], d[OUT_SIZE_BUF];
	unsigned int n = 0;

	memset(rows, 0, 7 * sizeof(*rows));

	r = &rows[n++];
	r->field = "VmSize";
	r->have_status = st->have & PROC_ST_VMSIZE;
	r->status = st->vm_size;
	r->walk = k->size;
	r->exact = true;
	add_reason(r, "VmSize is the sum of the VMAs' sizes; mapped is not present: only touched pages have entries (demand paging)");

	r = &rows[n++];
	r->field = "VmRSS";
	r->have_status = st->have & PROC_ST_VMRSS;
	r->status = st->vm_rss;
	r->walk = k->rss * PT_PAGE_SIZE;
	if (k->zero || k->hugetlb || k->pfnmap)
		add_reason(r, "the walk found %s present, of which the shared zero page %s (read but never written anonymous memory), hugetlb %s and PFN maps such as [vvar] %s are mapped but not counted in RSS",
			   sz(a, k->present), sz(b, k->zero), sz(c, k->hugetlb),
			   sz(d, k->pfnmap));
	if (r->have_status && r->status != r->walk)
		counter_reason(r, kver);

	r = &rows[n++];
	r->field = "RssAnon";
	r->have_status = st->have & PROC_ST_RSSANON;
	r->status = st->rss_anon;
	r->walk = k->kind[PT_KIND_ANON] * PT_PAGE_SIZE;
	add_reason(r, "the page tables do not say which pages are anonymous: the walk counts anonymous VMAs, plus the dirty pages of private file mappings (%s; a write there copies the file page into an anonymous one)",
		   sz(a, k->private_cow));

	r = &rows[n++];
	r->field = "RssFile";
	r->have_status = st->have & PROC_ST_RSSFILE;
	r->status = st->rss_file;
	r->walk = k->kind[PT_KIND_FILE] * PT_PAGE_SIZE;
	add_reason(r, "file pages are page-cache pages, often shared with other processes: each process counts them in full (%s of this process's pages are mapped more than once)",
		   sz(a, k->shared));

	r = &rows[n++];
	r->field = "RssShmem";
	r->have_status = st->have & PROC_ST_RSSSHMEM;
	r->status = st->rss_shmem;
	r->walk = k->kind[PT_KIND_SHMEM] * PT_PAGE_SIZE;
	add_reason(r, "shmem is shared anonymous memory, tmpfs files (binaries too, if they live on tmpfs), memfd and SysV shm; the walk decides by each VMA's file");

	r = &rows[n++];
	r->field = "VmSwap";
	r->have_status = st->have & PROC_ST_VMSWAP;
	r->status = st->vm_swap;
	r->walk = k->swap * PT_PAGE_SIZE;
	add_reason(r, "VmSwap counts the swap entries in the page tables, as the walk does; swapped-out shmem leaves no entry and is in neither");
	if (r->have_status && r->status != r->walk)
		counter_reason(r, kver);

	r = &rows[n++];
	r->field = "VmPTE";
	r->have_status = st->have & PROC_ST_VMPTE;
	r->status = st->vm_pte;
	r->walk = s->counted_bytes;
	r->exact = true;
	add_reason(r, "VmPTE is every PTE, PMD and PUD table (%" PRIu64 "+%" PRIu64 "+%" PRIu64 " pages) plus the %" PRIu64 " PTE tables deposited for huge pmds; the pgd page and p4d tables are not in it",
		   s->tables[PTSCOPE_LEVEL_PTE], s->tables[PTSCOPE_LEVEL_PMD],
		   s->tables[PTSCOPE_LEVEL_PUD], s->deposited);
	if (r->have_status && r->status != r->walk)
		add_reason(r, "the kernel's own counter read %s right after the walk: tables were allocated or freed while the process ran",
			   sz(a, s->pgtables_bytes / PT_PAGE_SIZE));
	return n;
}

static void show_row(struct out *o, const struct summary_row *r)
{
	unsigned int i;

	out_row_open(o);
	show_str(o, "field", NULL, r->field);
	if (r->have_status)
		show_size(o, "status", NULL, r->status);
	else
		show_null(o, "status", NULL);
	show_size(o, "walk", NULL, r->walk);
	if (r->have_status)
		show_diff(o, "diff", NULL, (int64_t)(r->walk - r->status));
	else
		show_null(o, "diff", NULL);
	if (o->json)
		show_bool(o, "exact", NULL, r->exact);
	else
		show_text(o, "exact", NULL, r->exact ? "(must match)" : "");
	out_arr_open(o, "reasons");
	for (i = 0; i < r->nr; i++)
		show_str(o, NULL, NULL, r->reasons[i]);
	out_arr_close(o);
	out_row_close(o);
}

static void show_reasons_text(struct out *o, const struct summary_row *rows,
			      unsigned int n)
{
	unsigned int i, j;

	if (o->json)
		return;
	fprintf(o->f, "\nwhy they differ:\n");
	for (i = 0; i < n; i++)
		for (j = 0; j < rows[i].nr; j++) {
			fprintf(o->f, "  %-9s", j ? "" : rows[i].field);
			out_wrapped(o, 11, rows[i].reasons[j]);
		}
}

static void show_walk(struct out *o, const struct pt_walk_kinds *k,
		      const struct pt_summary *s)
{
	static const char *const keys[] = { "pgd", "p4d", "pud", "pmd", "pte" };
	static const unsigned int lv[] = {
		PTSCOPE_LEVEL_PGD, PTSCOPE_LEVEL_P4D, PTSCOPE_LEVEL_PUD,
		PTSCOPE_LEVEL_PMD, PTSCOPE_LEVEL_PTE,
	};
	unsigned int i;

	out_obj_open(o, "walk", "walk");
	show_u64(o, "vmas", "VMAs", k->vmas);
	show_size(o, "size_bytes", "mapped", k->size);
	show_size(o, "present_bytes", "present", k->present * PT_PAGE_SIZE);
	show_size(o, "rss_bytes", "as RSS", k->rss * PT_PAGE_SIZE);
	show_size(o, "zero_bytes", "zero page", k->zero * PT_PAGE_SIZE);
	show_size(o, "hugetlb_bytes", "hugetlb", k->hugetlb * PT_PAGE_SIZE);
	show_size(o, "pfnmap_bytes", "PFN maps", k->pfnmap * PT_PAGE_SIZE);
	show_size(o, "shared_bytes", "mapped twice+", k->shared * PT_PAGE_SIZE);
	show_size(o, "swap_bytes", "swapped", k->swap * PT_PAGE_SIZE);
	show_share(o, &s->st, true);
	show_size(o, "pt_bytes", "page tables", s->counted_bytes);
	out_obj_close(o);
	out_obj_open(o, "tables", "page-table pages");
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		show_u64(o, keys[i], keys[i], s->tables[lv[i]]);
	show_u64(o, "deposited", "deposited", s->deposited);
	out_obj_close(o);
}

struct summary_state {
	struct pt_join join;
	struct pt_walk_kinds k;
};

static int summary_vma_cb(const struct pt_vma *v, void *data)
{
	struct summary_state *ss = data;
	const struct proc_maps_entry *e;
	int err;

	e = pt_join_find(&ss->join, v->start, &err);
	if (err)
		return err;
	if (e && e->end != v->end)
		e = NULL;
	summary_add_vma(&ss->k, v, summary_classify(e, v->flags));
	return 0;
}

static int summary_run(struct ptscope_ctx *ctx, const void *args)
{
	const struct summary_args *a = args;
	struct summary_row rows[7];
	struct summary_state ss;
	struct out *o = ctx->out;
	struct proc_status st;
	struct pt_summary s;
	struct pt_info info;
	unsigned int n, i;
	char head[96];
	int err;

	memset(&ss, 0, sizeof(ss));
	err = pt_get_info(ctx->nl, &info);
	if (!err)
		err = pt_get_summary(ctx->nl, a->pid, &s);
	if (err)
		return err;
	err = pt_join_open(&ss.join, a->pid, NULL, NULL);
	if (err)
		return err;
	err = pt_dump_vmas(ctx->nl, a->pid, 0, 0, summary_vma_cb, &ss);
	pt_join_close(&ss.join);
	if (err)
		return err;
	err = proc_read_status(a->pid, &st);
	if (err) {
		fprintf(stderr, "ptscope: cannot read /proc/%d/status: %s\n",
			(int)a->pid, strerror(-err));
		return err;
	}
	n = summary_rows(rows, &st, &ss.k, &s, pt_kernel_version());

	out_obj_open(o, NULL, NULL);
	show_u64(o, "pid", NULL, a->pid);
	show_u64(o, "paging_levels", NULL, info.levels);
	snprintf(head, sizeof(head), "pid %d: %" PRIu64 " VMAs, %u-level paging",
		 (int)a->pid, ss.k.vmas, info.levels);
	if (!o->json)
		fprintf(o->f, "%s\n\n", head);
	out_table_open(o, "rows", row_cols, ARRAY_SIZE(row_cols));
	for (i = 0; i < n; i++)
		show_row(o, &rows[i]);
	out_table_close(o);
	out_blank(o);
	show_walk(o, &ss.k, &s);
	show_reasons_text(o, rows, n);
	out_obj_close(o);
	return 0;
}

const struct ptscope_command cmd_summary = {
	.name = "summary",
	.synopsis = "PID... [-i SECONDS] [-c COUNT]",
	.summary = "VSZ and RSS from /proc/PID/status beside the page-level truth",
	.help = "Sets VmSize, VmRSS, RssAnon, RssFile, RssShmem, VmSwap and VmPTE beside\n"
		"what the page-table walk counted, and explains every difference: the\n"
		"zero page, hugetlb and PFN maps are mapped but not RSS, counters are\n"
		"batched, file pages are shared.  VmSize and VmPTE should match exactly.\n"
		"\n"
		"Options:\n"
		REPEAT_OPTION_HELP
		"\n"
		PIDS_HELP,
	.flags = CMD_F_NETLINK | CMD_F_PIDS | CMD_F_REPEAT,
	.args_size = sizeof(struct summary_args),
	.columns = row_cols,
	.ncolumns = ARRAY_SIZE(row_cols),
	.pid_offset = offsetof(struct summary_args, pid),
	.parse = summary_parse,
	.run = summary_run,
};
