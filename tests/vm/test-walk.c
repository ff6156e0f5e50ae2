// SPDX-License-Identifier: GPL-2.0
/*
 * test-walk: the walker and its procfs view, page for page against the
 * kernel's own views.
 *
 * For each layout built by the "layout" scenario program, and each stage
 * of it, every page of every VMA of every process involved is compared
 * with /proc/PID/pagemap (present, swapped, PFN, swap type and offset,
 * soft-dirty), each VMA with /proc/PID/smaps (Rss, Swap, AnonHugePages,
 * hugetlb), and the page-table pages with VmPTE in /proc/PID/status.
 * Layout-specific checks then test known answers (which pages exist, which
 * are writable, shared, copy-on-write, zero, huge...).
 *
 * Run as root, it runs everything as root, then again in a child that
 * drops to uid/gid 1000 (PFNs hidden, other users' processes denied).
 * Run as an unprivileged user, it runs the unprivileged pass only.
 *
 *   test-walk [LAYOUT...]
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt_nl.h"
#include "pt_oracle.h"
#include "uapi/ptscope.h"

#define PG		4096UL
#define BIG_VMA		(1UL << 30)	/* larger VMAs: only walked rows */
#define USER_TOP	(1UL << 56)

static bool show_pfn;
static const char *who = "root";

#define EXPECT(cond, tag, fmt, ...)					\
	do {								\
		if (cond)						\
			pt_pass("%s/%s: " fmt, tag, who, ##__VA_ARGS__);\
		else							\
			pt_fail("%s/%s: " fmt, tag, who, ##__VA_ARGS__);\
	} while (0)

static bool row_mapped(const struct pt_row *r)
{
	return r && (r->state == PT_PRESENT || r->state == PT_PROTNONE);
}

static bool row_swapish(const struct pt_row *r)
{
	return r && r->state >= PT_SWAP && r->state <= PT_OTHER;
}

static uint64_t raw_pfn_mask(const struct pt_row *r)
{
#ifdef __aarch64__
	/*
	 * arm64 (4K pages): output address bits 12-49; DBM is bit 51.  LPA2's
	 * address bits 50-51 (entry bits 8-9) are zero below 1 PiB, and are
	 * the shareability field without LPA2, so they are not checked.
	 */
	if (!strcmp(r->level, "pud"))
		return 0x0003ffffc0000000ULL;
	if (!strcmp(r->level, "pmd"))
		return 0x0003ffffffe00000ULL;
	return 0x0003fffffffff000ULL;
#endif
	if (!strcmp(r->level, "pud"))
		return 0x000fffffc0000000ULL;
	if (!strcmp(r->level, "pmd"))
		return 0x000fffffffe00000ULL;
	return 0x000ffffffffff000ULL;
}

/* One page: module row (or none) against its pagemap entry.  NULL if ok. */
static const char *compare_page(const struct pt_row *r, unsigned long addr,
				uint64_t pm, bool vma_sd, char *why, size_t len)
{
	bool mod_sd = r && pt_flag(r, PTF_SOFT_DIRTY);

	if (row_mapped(r) != !!(pm & PM_PRESENT)) {
		snprintf(why, len, "present: module %s, pagemap %d",
			 r ? r->level : "none", !!(pm & PM_PRESENT));
		return why;
	}
	if (row_swapish(r) != !!(pm & PM_SWAP)) {
		snprintf(why, len, "swapped: module %d, pagemap %d",
			 row_swapish(r), !!(pm & PM_SWAP));
		return why;
	}
	if (row_mapped(r)) {
		uint64_t want = r->pfn + ((addr - r->start) >> 12);

		if (show_pfn && (pm & PM_PFN_MASK) != want) {
			snprintf(why, len, "pfn: module %" PRIx64 ", pagemap %" PRIx64,
				 want, (uint64_t)(pm & PM_PFN_MASK));
			return why;
		}
		if (!show_pfn && (r->pfn || (r->raw & raw_pfn_mask(r)) ||
				  (pm & PM_PFN_MASK))) {
			snprintf(why, len, "pfn not hidden: pfn %" PRIx64 " raw %" PRIx64,
				 r->pfn, r->raw);
			return why;
		}
	}
	if (r && r->state == PT_SWAP) {
		if (PM_SWAP_TYPE(pm) != r->swap_type) {
			snprintf(why, len, "swap type: module %u, pagemap %u",
				 r->swap_type, (unsigned int)PM_SWAP_TYPE(pm));
			return why;
		}
		if (show_pfn ? PM_SWAP_OFFSET(pm) != r->swap_offset :
			       r->swap_offset != 0) {
			snprintf(why, len, "swap offset: module %" PRIx64 ", pagemap %" PRIx64,
				 r->swap_offset, (uint64_t)PM_SWAP_OFFSET(pm));
			return why;
		}
	}
	/* pagemap also reports VM_SOFTDIRTY VMAs as soft-dirty throughout. */
	if (!!(pm & PM_SOFT_DIRTY) != (mod_sd || vma_sd)) {
		snprintf(why, len, "soft-dirty: module %d (vma sd %d), pagemap %d",
			 mod_sd, vma_sd, !!(pm & PM_SOFT_DIRTY));
		return why;
	}
	return NULL;
}

static int compare_range(pid_t pid, const struct pt_row *rows, int n,
			 unsigned long start, unsigned long end, bool vma_sd,
			 unsigned long *pages)
{
	static uint64_t pm[65536];
	int bad = 0;
	char why[160];

	while (start < end) {
		size_t cnt = (end - start) / PG, i;

		if (cnt > 65536)
			cnt = 65536;
		if (pt_pagemap_read(pid, start, cnt, pm)) {
			pt_fail("%s: pagemap read of pid %d at %lx failed", who,
				pid, start);
			return 1;
		}
		for (i = 0; i < cnt; i++) {
			unsigned long a = start + i * PG;
			const struct pt_row *r = pt_find_row(rows, n, a);

			if (r && r->state == PT_NONE)
				r = NULL;
			if (compare_page(r, a, pm[i], vma_sd, why, sizeof(why))) {
				if (bad < 5)
					printf("  pid %d page %lx: %s\n", pid, a, why);
				bad++;
			}
		}
		*pages += cnt;
		start += cnt * PG;
	}
	return bad;
}

/* Every page of every VMA of pid against pagemap; per-VMA smaps. */
static void check_process(const char *tag, pid_t pid)
{
	struct pt_row *rows = NULL;
	struct pt_vma *vmas = NULL;
	unsigned long pages = 0;
	int n, nv, i, j, bad = 0, smaps_bad = 0, pfnmap = 0;

	n = pt_read_pages(pid, 0, 0, &rows);
	if (n < 0) {
		pt_fail("%s/pages/%s: reading /proc/ptscope/pages for %d: %s",
			tag, who, pid, strerror(-n));
		return;
	}
	nv = pt_read_smaps(pid, &vmas);
	if (nv < 0) {
		pt_fail("%s/smaps/%s: %s", tag, who, strerror(-nv));
		free(rows);
		return;
	}
	for (i = 0; i < nv; i++) {
		struct pt_vma *v = &vmas[i];
		unsigned long rss = 0, swap = 0, ahp = 0;
		bool hugetlb = v->kernel_page_kb != 4;

		if (v->start >= USER_TOP)
			continue;	/* [vsyscall]: not a real VMA */
		/*
		 * pagemap reports a VM_PFNMAP VMA (arm64's [vvar], a device
		 * mapping) as holes throughout: walk_page_test() skips it.
		 * No oracle for its pages; smaps' counts below still apply.
		 */
		if (v->vm_pfnmap) {
			pfnmap++;
		} else if (v->end - v->start <= BIG_VMA) {
			bad += compare_range(pid, rows, n, v->start, v->end,
					     v->vm_softdirty, &pages);
		} else {
			for (j = 0; j < n; j++)
				if (rows[j].start >= v->start &&
				    rows[j].end <= v->end)
					bad += compare_range(pid, rows, n,
							     rows[j].start,
							     rows[j].end,
							     v->vm_softdirty,
							     &pages);
		}
		for (j = 0; j < n; j++) {
			const struct pt_row *r = &rows[j];
			unsigned long kb = (r->end - r->start) >> 10;

			if (r->start < v->start || r->end > v->end)
				continue;
			if (row_mapped(r) && !pt_flag(r, PTF_SPECIAL) &&
			    !pt_flag(r, PTF_ZERO)) {
				rss += kb;
				if (!hugetlb && !strcmp(r->level, "pmd"))
					ahp += kb;
			}
			if (r->state == PT_SWAP)
				swap += kb;
		}
		if (hugetlb ? rss != v->hugetlb :
			      rss != v->rss || ahp != v->anon_huge) {
			printf("  pid %d vma %lx-%lx %s: module rss %lu thp %lu, smaps rss %lu thp %lu hugetlb %lu\n",
			       pid, v->start, v->end, v->name, rss, ahp, v->rss,
			       v->anon_huge, v->hugetlb);
			smaps_bad++;
		}
		if (swap != v->swap) {
			printf("  pid %d vma %lx-%lx %s: module swap %lu, smaps %lu\n",
			       pid, v->start, v->end, v->name, swap, v->swap);
			smaps_bad++;
		}
	}
	if (bad)
		pt_fail("%s/pagemap/%s: pid %d: %d of %lu pages differ", tag,
			who, pid, bad, pages);
	else
		pt_pass("%s/pagemap/%s: pid %d: %lu pages in %d VMAs agree (%d VM_PFNMAP VMAs left out: pagemap shows them as holes)",
			tag, who, pid, pages, nv - pfnmap, pfnmap);
	if (smaps_bad)
		pt_fail("%s/smaps/%s: pid %d: %d VMA figures differ", tag, who,
			pid, smaps_bad);
	else
		pt_pass("%s/smaps/%s: pid %d: Rss, Swap, AnonHugePages and hugetlb agree",
			tag, who, pid);
	free(rows);
	free(vmas);
}

/* (pte + pmd + pud + deposited) tables from the summary against VmPTE. */
static void check_vmpte(const char *tag, pid_t pid)
{
	unsigned long pte = 0, pmd = 0, pud = 0, dep = 0, v;
	char sel[32], *buf, *line, *save;
	long vmpte;

	snprintf(sel, sizeof(sel), "%d\n", pid);
	buf = pt_proc_query("summary", sel);
	if (!buf) {
		pt_fail("%s/vmpte/%s: summary of %d: %s", tag, who, pid,
			strerror(errno));
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "pte %lu", &v) == 1)
			pte = v;
		else if (sscanf(line, "pmd %lu", &v) == 1)
			pmd = v;
		else if (sscanf(line, "pud %lu", &v) == 1)
			pud = v;
		else if (sscanf(line, "deposited %lu", &v) == 1)
			dep = v;
	}
	free(buf);
	vmpte = pt_status_kb(pid, "VmPTE");
	if (vmpte < 0 || (unsigned long)vmpte != (pte + pmd + pud + dep) * 4)
		pt_fail("%s/vmpte/%s: pid %d: tables pte %lu pmd %lu pud %lu deposited %lu = %lu kB, VmPTE %ld kB",
			tag, who, pid, pte, pmd, pud, dep,
			(pte + pmd + pud + dep) * 4, vmpte);
	else
		pt_pass("%s/vmpte/%s: pid %d: %ld kB = pte %lu + pmd %lu + pud %lu + deposited %lu",
			tag, who, pid, vmpte, pte, pmd, pud, dep);
}

/*
 * The coalesced view: per VMA, the pages its ranges cover as mapped or
 * swapped equal pagemap's counts; no range crosses a VMA; no two adjacent
 * ranges of one VMA could have been merged.
 */
static void check_ranges(const char *tag, pid_t pid)
{
	static uint64_t pm[65536];
	struct pt_row *rows = NULL;
	struct pt_vma *vmas = NULL;
	int n, nv, i, j, bad = 0, vmas_checked = 0;

	n = pt_read_rows("ranges", pid, 0, 0, &rows);
	nv = pt_read_smaps(pid, &vmas);
	if (n < 0 || nv < 0) {
		pt_fail("%s/ranges/%s: pid %d unreadable", tag, who, pid);
		goto out;
	}
	for (i = 0; i < nv; i++) {
		struct pt_vma *v = &vmas[i];
		unsigned long mod_mapped = 0, mod_swap = 0, pm_mapped = 0;
		unsigned long pm_swap = 0, a;

		if (v->start >= USER_TOP || v->end - v->start > BIG_VMA ||
		    v->vm_pfnmap)
			continue;
		for (j = 0; j < n; j++) {
			const struct pt_row *r = &rows[j];
			unsigned long pages = (r->end - r->start) / PG;

			if (r->end <= v->start || r->start >= v->end)
				continue;
			if (r->start < v->start || r->end > v->end) {
				printf("  range %lx-%lx crosses VMA %lx-%lx\n",
				       r->start, r->end, v->start, v->end);
				bad++;
			}
			if (row_mapped(r))
				mod_mapped += pages;
			else if (row_swapish(r))
				mod_swap += pages;
			if (j + 1 < n && rows[j + 1].start == r->end &&
			    rows[j + 1].end <= v->end &&
			    !strcmp(rows[j + 1].level, r->level) &&
			    rows[j + 1].state == r->state &&
			    !strcmp(rows[j + 1].flags, r->flags) &&
			    !strcmp(rows[j + 1].arch, r->arch) &&
			    (r->state != PT_SWAP ||
			     rows[j + 1].swap_type == r->swap_type)) {
				printf("  ranges at %lx and %lx not merged\n",
				       r->start, rows[j + 1].start);
				bad++;
			}
		}
		for (a = v->start; a < v->end;) {
			size_t cnt = (v->end - a) / PG, k;

			if (cnt > 65536)
				cnt = 65536;
			if (pt_pagemap_read(pid, a, cnt, pm)) {
				bad++;
				break;
			}
			for (k = 0; k < cnt; k++) {
				pm_mapped += !!(pm[k] & PM_PRESENT);
				pm_swap += !!(pm[k] & PM_SWAP);
			}
			a += cnt * PG;
		}
		if (mod_mapped != pm_mapped || mod_swap != pm_swap) {
			printf("  pid %d vma %lx-%lx: ranges mapped %lu swapped %lu, pagemap %lu %lu\n",
			       pid, v->start, v->end, mod_mapped, mod_swap,
			       pm_mapped, pm_swap);
			bad++;
		}
		vmas_checked++;
	}
	if (bad)
		pt_fail("%s/ranges/%s: pid %d: %d problems in %d ranges", tag,
			who, pid, bad, n);
	else
		pt_pass("%s/ranges/%s: pid %d: %d ranges match pagemap in %d VMAs",
			tag, who, pid, n, vmas_checked);
out:
	free(rows);
	free(vmas);
}

/* ---- netlink: packed per-page records against nests and pagemap ---- */

/*
 * GET_RANGES with PTSCOPE_RF_PACKED sends struct ptscope_page records
 * where the per-page dump sends one nest per leaf.  Both encodings of the
 * same target must give the same rows, field for field, and the packed
 * rows must agree with pagemap page for page (compare_range()), PFNs and
 * raw frame bits hidden for uid 1000.
 */
struct nl_rows {
	struct pt_row *rows;
	int n, cap;
	unsigned long records, bytes, bad;	/* packed: records seen */
	uint64_t lo, hi;			/* the range asked for */
	char why[128];
};

static const char *const nl_level_names[] = {
	"none", "pte", "pmd", "pud", "p4d", "pgd",
};

static void nl_rows_add(struct nl_rows *o, uint64_t start, uint64_t end,
			unsigned int level, unsigned int state, uint64_t flags,
			uint64_t pfn, uint64_t raw, bool has_swap,
			unsigned int swap_type, uint64_t swap_offset)
{
	struct pt_row *r;
	int i;

	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 4096;
		o->rows = realloc(o->rows, o->cap * sizeof(*o->rows));
		if (!o->rows)
			abort();
	}
	r = &o->rows[o->n++];
	memset(r, 0, sizeof(*r));
	r->start = start;
	r->end = end;
	snprintf(r->level, sizeof(r->level), "%s",
		 level < 6 ? nl_level_names[level] : "?");
	r->state = state <= PT_OTHER ? (enum pt_state)state : PT_UNKNOWN;
	for (i = 0; i < 24; i++)
		r->flags[i] = flags >> i & 1 ? 'x' : '-';
	r->pfn = pfn;
	r->raw = raw;
	r->has_swap = has_swap;
	r->swap_type = swap_type;
	r->swap_offset = swap_offset;
}

static void nl_rows_nest(struct nl_rows *o, const struct nlattr *a)
{
	const struct nlattr *tb[PTSCOPE_RANGE_MAX + 1];

	if (!pt_nl_parse_nest(a, tb, PTSCOPE_RANGE_MAX)) {
		o->bad++;
		return;
	}
	nl_rows_add(o, pt_nl_u64(tb[PTSCOPE_RANGE_START]),
		    pt_nl_u64(tb[PTSCOPE_RANGE_END]),
		    pt_nl_u8(tb[PTSCOPE_RANGE_LEVEL]),
		    pt_nl_u8(tb[PTSCOPE_RANGE_STATE]),
		    pt_nl_u64(tb[PTSCOPE_RANGE_FLAGS]),
		    pt_nl_u64(tb[PTSCOPE_RANGE_PFN]),
		    pt_nl_u64(tb[PTSCOPE_RANGE_RAW]),
		    tb[PTSCOPE_RANGE_SWAP_TYPE] != NULL,
		    pt_nl_u32(tb[PTSCOPE_RANGE_SWAP_TYPE]),
		    pt_nl_u64(tb[PTSCOPE_RANGE_SWAP_OFFSET]));
}

/* One record into its rows, by the UAPI's rule (not the tool's code). */
static void nl_rows_record(struct nl_rows *o, const struct ptscope_page *p)
{
	uint64_t info = p->start_info, start = info & PTSCOPE_PAGE_ADDR_MASK;
	unsigned int state = info & PTSCOPE_PAGE_STATE_MASK;
	unsigned int level = (info & PTSCOPE_PAGE_LEVEL_MASK) >>
			     PTSCOPE_PAGE_LEVEL_SHIFT;
	unsigned int type = (info & PTSCOPE_PAGE_SWAP_TYPE_MASK) >>
			    PTSCOPE_PAGE_SWAP_TYPE_SHIFT;
	bool swap = state == PT_SWAP, each = level == 1 && state != PT_NONE;
	uint64_t i, rows = each ? p->pages : 1, size = each ? PG : p->pages * PG;
	uint64_t step = p->pfn ? 1 : 0;

	o->records++;
	if (!p->pages || start < o->lo || start + p->pages * PG > o->hi ||
	    (o->n && start < o->rows[o->n - 1].end) ||
	    (!swap && type) || (!show_pfn && p->pfn)) {
		snprintf(o->why, sizeof(o->why),
			 "bad record at %#" PRIx64 ": %u pages, type %u, pfn %#" PRIx64,
			 start, p->pages, type, (uint64_t)p->pfn);
		o->bad++;
		return;
	}
	for (i = 0; i < rows; i++)
		nl_rows_add(o, start + i * size, start + (i + 1) * size, level,
			    state, p->flags, swap ? 0 : p->pfn + i * step,
			    p->raw + i * step * PG, swap, swap ? type : 0,
			    swap ? p->pfn + i * step : 0);
}

static int nl_rows_cb(const struct nlmsghdr *nh, void *arg)
{
	struct nl_rows *o = arg;

	o->bytes += nh->nlmsg_len;
	pt_nl_for_each(a, pt_nl_msg_attrs(nh), pt_nl_msg_len(nh)) {
		unsigned int type = a->nla_type & NLA_TYPE_MASK;
		size_t len = pt_nl_len(a), off;

		if (type == PTSCOPE_A_RANGE) {
			nl_rows_nest(o, a);
		} else if (type == PTSCOPE_A_PAGES) {
			if (!len || len % sizeof(struct ptscope_page)) {
				snprintf(o->why, sizeof(o->why),
					 "array of %zu bytes", len);
				o->bad++;
				continue;
			}
			for (off = 0; off < len; off += sizeof(struct ptscope_page)) {
				struct ptscope_page p;

				memcpy(&p, (const char *)pt_nl_data(a) + off,
				       sizeof(p));
				nl_rows_record(o, &p);
			}
		}
	}
	return 0;
}

/* A per-page GET_RANGES dump of [lo, hi) into o; 0 or -errno. */
static int nl_rows_dump(struct pt_nl *nl, pid_t pid, uint64_t lo, uint64_t hi,
			uint32_t flags, struct nl_rows *o)
{
	struct pt_nl_req r;

	memset(o, 0, sizeof(*o));
	o->lo = lo;
	o->hi = hi ? hi : UINT64_MAX;
	pt_nl_init(&r, nl->family, PTSCOPE_CMD_GET_RANGES, NLM_F_DUMP);
	pt_nl_put_u32(&r, PTSCOPE_A_PID, pid);
	if (lo)
		pt_nl_put_u64(&r, PTSCOPE_A_START, lo);
	if (hi)
		pt_nl_put_u64(&r, PTSCOPE_A_END, hi);
	pt_nl_put_u32(&r, PTSCOPE_A_FLAGS, flags);
	return pt_nl_xfer(nl, &r, nl_rows_cb, o, NULL);
}

/* Index of the first row that differs, or -1. */
static int nl_rows_diff(const struct nl_rows *a, const struct nl_rows *b)
{
	int i;

	for (i = 0; i < a->n && i < b->n; i++) {
		const struct pt_row *x = &a->rows[i], *y = &b->rows[i];

		if (x->start != y->start || x->end != y->end ||
		    strcmp(x->level, y->level) || x->state != y->state ||
		    strcmp(x->flags, y->flags) || x->pfn != y->pfn ||
		    x->raw != y->raw || x->has_swap != y->has_swap ||
		    x->swap_type != y->swap_type ||
		    x->swap_offset != y->swap_offset)
			return i;
	}
	return a->n == b->n ? -1 : i;
}

/*
 * The two encodings of [lo, hi) with @flags (HOLES or not); a live
 * process may change between the dumps, so a difference is retried once.
 * Returns the problems found, with the packed rows left in *packed.
 */
static int packed_vs_nests(struct pt_nl *nl, const char *tag, pid_t pid,
			   uint64_t lo, uint64_t hi, uint32_t flags,
			   struct nl_rows *packed)
{
	struct nl_rows old;
	int try, d = 0, err;

	for (try = 0; try < 2; try++) {
		free(packed->rows);
		err = nl_rows_dump(nl, pid, lo, hi, PTSCOPE_RF(PER_PAGE) | flags,
				   &old);
		if (!err)
			err = nl_rows_dump(nl, pid, lo, hi,
					   PTSCOPE_RF(PACKED) | flags, packed);
		if (err) {
			printf("  pid %d %#" PRIx64 "-%#" PRIx64 ": dump failed: %s\n",
			       pid, lo, hi, strerror(-err));
			free(old.rows);
			return 1;
		}
		d = nl_rows_diff(&old, packed);
		if (d < 0 && !packed->bad && !old.bad &&
		    packed->records <= (unsigned long)packed->n)
			break;
		if (try)
			break;
		free(old.rows);
	}
	if (d >= 0 || packed->bad || old.bad) {
		const struct pt_row *x = d < old.n ? &old.rows[d] : NULL;
		const struct pt_row *y = d < packed->n ? &packed->rows[d] : NULL;

		printf("  %s: pid %d %#" PRIx64 "-%#" PRIx64 " flags %#x: %d/%d rows, first difference at row %d: nests %lx %s %d %s pfn %" PRIx64 ", packed %lx %s %d %s pfn %" PRIx64 " %s\n",
		       tag, pid, lo, hi, flags, old.n, packed->n, d,
		       x ? x->start : 0, x ? x->level : "-", x ? (int)x->state : -1,
		       x ? x->flags : "-", x ? x->pfn : 0,
		       y ? y->start : 0, y ? y->level : "-", y ? (int)y->state : -1,
		       y ? y->flags : "-", y ? y->pfn : 0, packed->why);
		free(old.rows);
		return 1;
	}
	free(old.rows);
	return 0;
}

static void check_packed(const char *tag, const struct pt_scenario *s,
			 pid_t pid)
{
	struct pt_vma *vmas = NULL;
	struct nl_rows packed = { 0 };
	unsigned long pages = 0, records, bytes, edges = 0;
	struct pt_nl nl;
	int nv, i, bad = 0, pm_bad = 0, rows;

	if (pt_nl_open(&nl)) {
		pt_fail("%s/packed/%s: no ptscope netlink family", tag, who);
		pt_nl_close(&nl);
		return;
	}
#ifdef __aarch64__
	/*
	 * Packed records have no room for Arm's bits: the module does not
	 * offer them on arm64, and must refuse a request for them.
	 */
	{
		int err = nl_rows_dump(&nl, pid, 0, 0, PTSCOPE_RF(PACKED),
				       &packed);

		free(packed.rows);
		EXPECT(err == -EINVAL, tag,
		       "packed: pid %d: refused on arm64 (%s), as PTSCOPE_INFO_REQ_FLAGS says",
		       pid, strerror(-err));
		pt_nl_close(&nl);
		(void)s;
		return;
	}
#endif
	/* The whole process, then the same against pagemap. */
	bad += packed_vs_nests(&nl, tag, pid, 0, 0, 0, &packed);
	records = packed.records;
	bytes = packed.bytes;
	rows = packed.n;
	nv = pt_read_smaps(pid, &vmas);
	for (i = 0; i < nv; i++) {
		struct pt_vma *v = &vmas[i];

		if (v->start >= USER_TOP || v->end - v->start > BIG_VMA ||
		    v->vm_pfnmap)
			continue;
		pm_bad += compare_range(pid, packed.rows, packed.n, v->start,
					v->end, v->vm_softdirty, &pages);
	}
	EXPECT(nv > 0 && !bad && !pm_bad, tag,
	       "packed: pid %d: %d rows from %lu records (%lu bytes) equal the per-page nests, and %lu pages agree with pagemap (%d/%d problems)",
	       pid, rows, records, bytes, pages, bad, pm_bad);

	/*
	 * Edges: each region from mid-table to mid-table, a stretch across
	 * a table boundary, from inside a huge leaf, and with holes.
	 */
	bad = 0;
	for (i = 0; i < s->nregions; i++) {
		const struct pt_region *r = &s->regions[i];
		uint64_t a = r->addr, e = r->addr + r->len;
		uint64_t b = (a + (2UL << 20)) & ~((2UL << 20) - 1);

		if (r->len > BIG_VMA)
			continue;	/* reserve: a row per empty pud */
		if (r->len > 8 * PG) {
			bad += packed_vs_nests(&nl, tag, pid, a + 3 * PG,
					       e - 5 * PG, 0, &packed);
			bad += packed_vs_nests(&nl, tag, pid, a + 3 * PG,
					       e - 5 * PG, PTSCOPE_RF(HOLES),
					       &packed);
			edges += 2;
		}
		if (b - 7 * PG > a && b + 9 * PG < e) {
			bad += packed_vs_nests(&nl, tag, pid, b - 7 * PG,
					       b + 9 * PG, 0, &packed);
			edges++;
		}
		bad += packed_vs_nests(&nl, tag, pid, a, e, PTSCOPE_RF(HOLES),
				       &packed);
		edges++;
	}
	EXPECT(!bad, tag,
	       "packed-edges: pid %d: %lu ranges (mid-table, across tables, inside huge leaves, holes) equal the per-page nests (%d differ)",
	       pid, edges, bad);
	free(packed.rows);
	free(vmas);
	pt_nl_close(&nl);
}

static const struct pt_vma *smaps_at(const struct pt_vma *v, int n,
				     unsigned long start)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i].start == start)
			return &v[i];
	return NULL;
}

/*
 * The vmas file's private/shared split and PSS (the per-leaf path of the
 * walk) against smaps' Private_Clean, Private_Dirty, Shared_Clean,
 * Shared_Dirty and Pss, VMA by VMA, exactly.  Writeback can clean a
 * page between two reads, so a round counts only when smaps read the
 * same before and after the module's view.  Another process mapping a
 * shared file (libc) for a moment changes PSS between the reads without
 * changing smaps on both sides of them, so a differing round is taken
 * again: the check fails only if every stable round differs.
 */
static int compare_share(const char *buf, const struct pt_vma *a, int na,
			 pid_t pid, bool verbose, int *seen,
			 unsigned long *uss, unsigned long *pss)
{
	char *copy, *line, *save;
	unsigned long start = 0, end;
	int bad = 0;

	copy = strdup(buf);
	if (!copy)
		return 1;
	*seen = 0;
	*uss = *pss = 0;
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long pc, pd, sc, sd, p;
		const struct pt_vma *v;

		if (line[0] != ' ') {
			if (sscanf(line, "%lx-%lx", &start, &end) != 2)
				start = 0;
			continue;
		}
		if (sscanf(line, "    private_clean=%luK private_dirty=%luK shared_clean=%luK shared_dirty=%luK pss=%luK",
			   &pc, &pd, &sc, &sd, &p) != 5)
			continue;
		(*seen)++;
		v = smaps_at(a, na, start);
		if (!v || v->private_clean != pc || v->private_dirty != pd ||
		    v->shared_clean != sc || v->shared_dirty != sd ||
		    v->pss != p) {
			if (verbose)
				printf("  pid %d vma %lx %s: module private %lu+%lu shared %lu+%lu pss %lu kB; smaps %lu+%lu %lu+%lu %lu kB\n",
				       pid, start, v ? v->name : "?", pc, pd, sc,
				       sd, p, v ? v->private_clean : 0,
				       v ? v->private_dirty : 0,
				       v ? v->shared_clean : 0,
				       v ? v->shared_dirty : 0, v ? v->pss : 0);
			bad++;
		}
		*uss += pc + pd;
		*pss += p;
	}
	free(copy);
	return *seen ? bad : bad + 1;
}

static void check_share(const char *tag, pid_t pid)
{
	struct pt_vma *a = NULL, *b = NULL;
	char sel[32], *buf = NULL;
	unsigned long uss = 0, pss = 0;
	int na, nb, round, stable = 0, bad = 1, seen = 0;

	snprintf(sel, sizeof(sel), "%d\n", pid);
	for (round = 0; round < 10 && bad; round++) {
		free(a);
		free(b);
		free(buf);
		a = b = NULL;
		na = pt_read_smaps(pid, &a);
		buf = pt_proc_query("vmas", sel);
		nb = pt_read_smaps(pid, &b);
		if (na < 0 || nb < 0 || !buf) {
			pt_fail("%s/share/%s: pid %d unreadable", tag, who, pid);
			goto out;
		}
		if (!pt_smaps_share_same(a, na, b, nb))
			continue;
		stable++;
		bad = compare_share(buf, a, na, pid, stable == 3, &seen, &uss,
				    &pss);
		if (bad && stable == 3)
			break;
	}
	if (!stable) {
		pt_skip("%s/share/%s: pid %d: smaps kept changing (writeback?)",
			tag, who, pid);
		goto out;
	}
	if (bad)
		pt_fail("%s/share/%s: pid %d: %d VMAs differ from smaps' Private_*, Shared_* and Pss (in %d stable rounds)",
			tag, who, pid, bad, stable);
	else
		pt_pass("%s/share/%s: pid %d: %d VMAs: USS %lu kB, PSS %lu kB, private/shared clean/dirty all equal smaps'",
			tag, who, pid, seen, uss, pss);
out:
	free(buf);
	free(a);
	free(b);
}

/* The per-VMA view lists exactly the VMAs of maps, with smaps' Swap. */
static void check_vmas(const char *tag, pid_t pid)
{
	struct pt_vma *vmas = NULL;
	char sel[32], *buf, *line, *save;
	int nv, i = 0, bad = 0, seen = 0;

	snprintf(sel, sizeof(sel), "%d\n", pid);
	buf = pt_proc_query("vmas", sel);
	nv = pt_read_smaps(pid, &vmas);
	if (!buf || nv < 0) {
		pt_fail("%s/vmas/%s: pid %d unreadable", tag, who, pid);
		goto out;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long start, end, rss, swap, protnone;
		char perms[8], name[256] = "";
		int pos = 0;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "    rss=%luK swap=%luK protnone=%luK", &rss,
			   &swap, &protnone) == 3) {
			if (i > 0 && vmas[i - 1].swap != swap) {
				printf("  vma %lx: swap %lu, smaps %lu\n",
				       vmas[i - 1].start, swap,
				       vmas[i - 1].swap);
				bad++;
			}
			continue;
		}
		if (line[0] == ' ')
			continue;
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s%n", &start, &end,
			   perms, &pos) != 3) {
			bad++;
			continue;
		}
		while (line[pos] == ' ')
			pos++;
		snprintf(name, sizeof(name), "%s", line + pos);
		seen++;
		if (i >= nv || vmas[i].start != start || vmas[i].end != end ||
		    strcmp(vmas[i].perms, perms) || strcmp(vmas[i].name, name)) {
			printf("  vma line '%s' vs maps '%lx-%lx %s %s'\n", line,
			       i < nv ? vmas[i].start : 0,
			       i < nv ? vmas[i].end : 0,
			       i < nv ? vmas[i].perms : "",
			       i < nv ? vmas[i].name : "");
			bad++;
		}
		i++;
	}
	/* maps may end with [vsyscall], which is no VMA of the mm. */
	if (i < nv && !(i == nv - 1 && vmas[i].start >= USER_TOP))
		bad++;
	if (bad)
		pt_fail("%s/vmas/%s: pid %d: %d differences from maps/smaps",
			tag, who, pid, bad);
	else
		pt_pass("%s/vmas/%s: pid %d: %d VMAs match maps and smaps Swap",
			tag, who, pid, seen);
out:
	free(buf);
	free(vmas);
}

/* ---- layout-specific known answers ---- */

struct region_rows {
	struct pt_row *rows;
	int n;
};

static int region_rows(pid_t pid, const struct pt_region *r,
		       struct region_rows *rr)
{
	rr->n = pt_read_pages(pid, r->addr, r->addr + r->len, &rr->rows);
	return rr->n < 0 ? rr->n : 0;
}

/* Counts pages of the region whose row satisfies pred. */
static unsigned long count_pages(const struct region_rows *rr,
				 bool (*pred)(const struct pt_row *))
{
	unsigned long pages = 0;
	int i;

	for (i = 0; i < rr->n; i++)
		if (pred(&rr->rows[i]))
			pages += (rr->rows[i].end - rr->rows[i].start) / PG;
	return pages;
}

static bool is_present(const struct pt_row *r)
{
	return r->state == PT_PRESENT;
}

static bool is_writable(const struct pt_row *r)
{
	return r->state == PT_PRESENT && pt_flag(r, PTF_WRITE);
}

static bool is_cow(const struct pt_row *r)
{
	return r->state == PT_PRESENT && pt_flag(r, PTF_COW);
}

static bool is_shared(const struct pt_row *r)
{
	return r->state == PT_PRESENT && pt_flag(r, PTF_SHARED);
}

static bool is_zero(const struct pt_row *r)
{
	return r->state == PT_PRESENT && pt_flag(r, PTF_ZERO);
}

static bool is_protnone(const struct pt_row *r)
{
	return r->state == PT_PROTNONE && !pt_flag(r, PTF_PRESENT);
}

static bool is_swap(const struct pt_row *r)
{
	return r->state == PT_SWAP;
}

static bool is_soft_dirty(const struct pt_row *r)
{
	return pt_flag(r, PTF_SOFT_DIRTY);
}

static bool is_pud_leaf(const struct pt_row *r)
{
	return r->state == PT_PRESENT && !strcmp(r->level, "pud") &&
	       pt_flag(r, PTF_HUGE);
}

static bool is_huge_zero(const struct pt_row *r)
{
	return r->state == PT_PRESENT && !strcmp(r->level, "pmd") &&
	       pt_flag(r, PTF_ZERO) && !pt_flag(r, PTF_WRITE);
}

static bool is_pmd_leaf(const struct pt_row *r)
{
	return r->state == PT_PRESENT && !strcmp(r->level, "pmd") &&
	       pt_flag(r, PTF_HUGE);
}


static void known_everyother(const struct pt_scenario *s, const char *tag)
{
	const struct pt_region *r = pt_region(s, "r");
	struct region_rows rr;
	int i, bad = 0;

	if (!r || region_rows(s->pids[0], r, &rr)) {
		pt_fail("%s/%s: no region", tag, who);
		return;
	}
	for (i = 0; i < 64; i++) {
		const struct pt_row *row = pt_find_row(rr.rows, rr.n,
						       r->addr + i * PG);
		bool present = row && row->state == PT_PRESENT &&
			       pt_flag(row, PTF_WRITE) &&
			       pt_flag(row, PTF_DIRTY);

		if (present != !(i & 1)) {
			if (bad++ < 3)
				printf("  page %lx: present+write+dirty %d\n",
				       r->addr + i * PG, present);
		}
	}
	EXPECT(!bad, tag, "exactly the even pages are present, writable and dirty (%d wrong)",
	       bad);
	free(rr.rows);
}

/* With "holes", ranges tile every VMA of maps exactly, gaps included. */
static void known_holes(const struct pt_scenario *s, const char *tag)
{
	unsigned long covered = 0, mapped = 0, prev_end = 0;
	struct pt_vma *vmas = NULL;
	char sel[64], *buf, *line, *save;
	int nv, i, overlaps = 0;

	snprintf(sel, sizeof(sel), "%d 0 %lx holes\n", s->pids[0], USER_TOP - PG);
	buf = pt_proc_query("ranges", sel);
	nv = pt_read_smaps(s->pids[0], &vmas);
	if (!buf || nv < 0) {
		pt_fail("%s/holes/%s: unreadable (%s)", tag, who, strerror(errno));
		goto out;
	}
	for (i = 0; i < nv; i++)
		if (vmas[i].start < USER_TOP)
			mapped += vmas[i].end - vmas[i].start;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long a, b;

		if (line[0] == '#' || sscanf(line, "%lx %lx", &a, &b) != 2)
			continue;
		if (a < prev_end)
			overlaps++;
		prev_end = b;
		covered += b - a;
	}
	EXPECT(covered == mapped && !overlaps, tag,
	       "ranges with holes cover all %lu bytes of the VMAs once (%lu, %d overlaps)",
	       mapped, covered, overlaps);
out:
	free(buf);
	free(vmas);
}

/* vtop of a present and an absent page against pagemap. */
static void known_vtop(const struct pt_scenario *s, const char *tag)
{
	const struct pt_region *r = pt_region(s, "r");
	unsigned long long phys = 0;
	char sel[64], *buf, *p;
	uint64_t pm;

	if (!r || pt_pagemap_read(s->pids[0], r->addr, 1, &pm)) {
		pt_fail("%s/vtop/%s: no region", tag, who);
		return;
	}
	snprintf(sel, sizeof(sel), "%d %lx\n", s->pids[0], r->addr + 0x123);
	buf = pt_proc_query("vtop", sel);
	p = buf ? strstr(buf, "stop: leaf at pte") : NULL;
	if (p && show_pfn) {
		p = strstr(p, "physical address ");
		if (p)
			phys = strtoull(p + 17, NULL, 16);
		EXPECT(phys == ((pm & PM_PFN_MASK) << 12) + 0x123, tag,
		       "vtop %lx: physical %llx, pagemap pfn %" PRIx64,
		       r->addr + 0x123, phys, (uint64_t)(pm & PM_PFN_MASK));
	} else {
		EXPECT(p && !strstr(buf, "physical address"), tag,
		       "vtop %lx: leaf at pte%s", r->addr + 0x123,
		       show_pfn ? "" : ", no physical address shown");
	}
	free(buf);
	snprintf(sel, sizeof(sel), "%d %lx\n", s->pids[0], r->addr + PG);
	buf = pt_proc_query("vtop", sel);
	EXPECT(buf && strstr(buf, "stop: empty entry at pte"), tag,
	       "vtop %lx (untouched page): empty entry at pte", r->addr + PG);
	free(buf);
}

/*
 * Whether the kernel tracks soft-dirty: always on x86-64 (Debian builds
 * CONFIG_MEM_SOFT_DIRTY); on arm64 only where the architecture has it,
 * told by pagemap's bit 55 on the first page the scenario wrote.
 */
static bool soft_dirty_tracked(const struct pt_scenario *s)
{
#ifdef __aarch64__
	const struct pt_region *r = pt_region(s, "r");
	uint64_t pm = 0;

	if (r && !pt_pagemap_read(s->pids[0], r->addr, 1, &pm))
		return pm & PM_SOFT_DIRTY;
#endif
	(void)s;
	return true;
}

static void known_count(const struct pt_scenario *s, const char *tag,
			const char *region, int pid_idx, const char *what,
			bool (*pred)(const struct pt_row *),
			unsigned long want)
{
	const struct pt_region *r = pt_region(s, region);
	struct region_rows rr;
	unsigned long got;

	if (!r || region_rows(s->pids[pid_idx], r, &rr)) {
		pt_fail("%s/%s: region %s unreadable", tag, who, region);
		return;
	}
	got = count_pages(&rr, pred);
	EXPECT(got == want, tag, "pid %d region %s: %lu pages %s (want %lu)",
	       s->pids[pid_idx], region, got, what, want);
	free(rr.rows);
}

/* Same (or different) PFNs for the region in pids[0] and pids[1]. */
static void known_same_pfns(const struct pt_scenario *s, const char *tag,
			    bool same)
{
	const struct pt_region *r = pt_region(s, "r");
	struct region_rows a, b;
	int i, agree = 0, differ = 0;

	if (!show_pfn)
		return;
	if (!r || region_rows(s->pids[0], r, &a) ||
	    region_rows(s->pids[1], r, &b)) {
		pt_fail("%s/%s: region unreadable", tag, who);
		return;
	}
	for (i = 0; i < a.n && i < b.n; i++) {
		if (a.rows[i].pfn == b.rows[i].pfn)
			agree++;
		else
			differ++;
	}
	EXPECT(a.n == b.n && (same ? !differ : !agree), tag,
	       "parent and child frames %s (%d same, %d different)",
	       same ? "identical" : "all different", agree, differ);
	free(a.rows);
	free(b.rows);
}

static void known_threads(const struct pt_scenario *s, const char *tag)
{
	struct pt_row *a = NULL, *b = NULL;
	int na, nb;

	na = pt_read_pages(s->pids[0], 0, 0, &a);
	nb = pt_read_pages(s->pids[1], 0, 0, &b);
	EXPECT(na > 0 && na == nb && !memcmp(a, b, na * sizeof(*a)), tag,
	       "tid %d shows the same page tables as pid %d (%d rows)",
	       s->pids[1], s->pids[0], na);
	free(a);
	free(b);
}

static void known_reserve(const struct pt_scenario *s, const char *tag)
{
	const struct pt_region *r = pt_region(s, "res");
	struct timespec t0, t1;
	struct region_rows rr;
	double ms;
	int i, ok = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!r || region_rows(s->pids[0], r, &rr)) {
		pt_fail("%s/%s: region unreadable", tag, who);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	for (i = 0; i < 4; i++) {
		char name[8];
		const struct pt_region *t;
		const struct pt_row *row;

		snprintf(name, sizeof(name), "t%d", i);
		t = pt_region(s, name);
		row = t ? pt_find_row(rr.rows, rr.n, t->addr) : NULL;
		if (row && row->state == PT_PRESENT)
			ok++;
	}
	EXPECT(ok == 4 && count_pages(&rr, is_present) == 4, tag,
	       "64 TiB reservation: exactly the 4 touched pages present (%lu)",
	       count_pages(&rr, is_present));
	/* Generous for TCG: the point is that it is not proportional to 64 TiB. */
	EXPECT(ms < 3000, tag, "64 TiB reservation walked in %.1f ms", ms);
	free(rr.rows);
}

static void check_known(const char *name, const struct pt_scenario *s,
			const char *tag)
{
	if (!strcmp(name, "everyother")) {
		known_everyother(s, tag);
		known_vtop(s, tag);
		known_holes(s, tag);
	} else if (!strcmp(name, "mmap100")) {
		known_count(s, tag, "r", 0, "present", is_present,
			    s->stage == 1 ? 0 : 25600);
	} else if (!strcmp(name, "readonly")) {
		known_count(s, tag, "r", 0, "present", is_present, 32);
		known_count(s, tag, "r", 0, "writable", is_writable, 0);
		known_count(s, tag, "r", 0, "cow", is_cow, 0);
	} else if (!strcmp(name, "protnone")) {
		known_count(s, tag, "r", 0, "protnone", is_protnone, 32);
	} else if (!strcmp(name, "zero")) {
		known_count(s, tag, "r", 0, "zero page", is_zero, 16);
		known_count(s, tag, "r", 0, "cow", is_cow, 16);
	} else if (!strcmp(name, "cow")) {
		known_count(s, tag, "r", 0, "cow (parent)", is_cow, 32);
		known_count(s, tag, "r", 1, "cow (child)", is_cow,
			    s->stage == 1 ? 32 : 0);
		known_count(s, tag, "r", 1, "writable (child)", is_writable,
			    s->stage == 1 ? 0 : 32);
		known_count(s, tag, "r", 0, "shared (parent)", is_shared,
			    s->stage == 1 ? 32 : 0);
		known_same_pfns(s, tag, s->stage == 1);
	} else if (!strcmp(name, "shared")) {
		known_count(s, tag, "r", 0, "shared", is_shared, 16);
		known_count(s, tag, "r", 1, "writable", is_writable, 16);
		known_count(s, tag, "r", 0, "cow", is_cow, 0);
		known_same_pfns(s, tag, true);
	} else if (!strcmp(name, "file")) {
		known_count(s, tag, "priv", 0, "present", is_present, 32);
		known_count(s, tag, "priv", 0, "writable", is_writable, 8);
		known_count(s, tag, "priv", 0, "cow", is_cow, 24);
		known_count(s, tag, "shared", 0, "writable", is_writable, 8);
	} else if (!strcmp(name, "thp")) {
		known_count(s, tag, "thp", 0, "in pmd leaves", is_pmd_leaf,
			    1024);
	} else if (!strcmp(name, "thpzero")) {
		known_count(s, tag, "thp", 0, "huge zero page in pmd leaves",
			    is_huge_zero, 1024);
	} else if (!strcmp(name, "hugetlb")) {
		known_count(s, tag, "huge", 0, "in pmd leaves", is_pmd_leaf,
			    1024);
	} else if (!strcmp(name, "hugetlb1g")) {
		known_count(s, tag, "huge", 0, "in pud leaves", is_pud_leaf,
			    262144);
	} else if (!strcmp(name, "mlock")) {
		known_count(s, tag, "r", 0, "present", is_present, 16);
	} else if (!strcmp(name, "softdirty")) {
		if (!soft_dirty_tracked(s))
			pt_skip("%s/%s: region r: pagemap shows no soft-dirty bit: this arm64 kernel has no soft-dirty tracking (HAVE_ARCH_SOFT_DIRTY)",
				tag, who);
		else
			known_count(s, tag, "r", 0, "soft-dirty",
				    is_soft_dirty, 16);
	} else if (!strcmp(name, "reserve")) {
		known_reserve(s, tag);
	} else if (!strcmp(name, "threads")) {
		known_threads(s, tag);
	}
}

static bool swap_configured(void)
{
	char line[256];
	int lines = 0;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	return lines > 1;
}

static void run_layout(const char *name)
{
	struct pt_scenario s;
	char tag[64];
	int err, i;

	err = pt_scenario_start(&s, name);
	if (err) {
		pt_fail("%s/%s: cannot start layout: %s", name, who,
			strerror(-err));
		return;
	}
	while (!(err = pt_scenario_wait(&s))) {
		snprintf(tag, sizeof(tag), "%s/%d", name, s.stage);
		if (s.note[0]) {
			pt_skip("%s/%s: layout not available here (%s)", tag,
				who, s.note);
			break;
		}
		if (!strcmp(name, "pageout")) {
			const struct pt_region *r = pt_region(&s, "r");
			struct region_rows rr;

			if (!swap_configured()) {
				pt_skip("%s/%s: no swap device", tag, who);
			} else if (r && !region_rows(s.pids[0], r, &rr)) {
				unsigned long sw = count_pages(&rr, is_swap);

				EXPECT(sw > 0 && sw + count_pages(&rr, is_present) == 64,
				       tag, "%lu of 64 pages swapped out, the rest present",
				       sw);
				free(rr.rows);
			}
		}
		for (i = 0; i < s.npids; i++) {
			check_process(tag, s.pids[i]);
			check_vmpte(tag, s.pids[i]);
			check_ranges(tag, s.pids[i]);
			check_vmas(tag, s.pids[i]);
			check_share(tag, s.pids[i]);
			check_packed(tag, &s, s.pids[i]);
		}
		check_known(name, &s, tag);
		pt_scenario_continue(&s);
	}
	if (err && err != -EPIPE)
		pt_fail("%s/%s: scenario protocol: %s", name, who,
			strerror(-err));
	pt_scenario_end(&s);
}

/* ---- the procfs contract: syntax, isolation, access ---- */

static int proc_write(int fd, const char *text)
{
	return write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 :
									 -errno;
}

/*
 * A zombie has no mm left: selecting it must fail with ESRCH, like an
 * unknown pid.  The oracle is /proc/PID/stat's state letter, 'Z'.
 */
static void check_procfs_zombie(int fd)
{
	char path[64], stat[256], sel[32], *state;
	pid_t child = fork();
	int i, fd_stat;
	ssize_t n = 0;

	if (child < 0) {
		pt_fail("procfs/zombie/%s: fork: %s", who, strerror(errno));
		return;
	}
	if (!child)
		_exit(0);
	/* Wait until the kernel shows the child as a zombie, unreaped. */
	snprintf(path, sizeof(path), "/proc/%d/stat", child);
	for (i = 0; i < 200; i++) {
		fd_stat = open(path, O_RDONLY);
		n = fd_stat < 0 ? -1 : read(fd_stat, stat, sizeof(stat) - 1);
		if (fd_stat >= 0)
			close(fd_stat);
		stat[n > 0 ? n : 0] = '\0';
		state = strrchr(stat, ')');
		if (state && state[1] == ' ' && state[2] == 'Z')
			break;
		usleep(10000);
	}
	if (i == 200) {
		pt_fail("procfs/zombie/%s: child %d never became a zombie",
			who, child);
	} else {
		snprintf(sel, sizeof(sel), "%d\n", child);
		EXPECT(proc_write(fd, sel) == -ESRCH, "procfs/zombie",
		       "zombie (pid %d, state Z) rejected with ESRCH", child);
	}
	waitpid(child, NULL, 0);
}

static void check_procfs_contract(pid_t other_user_pid)
{
	char buf[256], sel[64];
	int fd1, fd2, err;
	pid_t self = getpid();
	ssize_t r;

	fd1 = open("/proc/ptscope/summary", O_RDWR);
	fd2 = open("/proc/ptscope/summary", O_RDWR);
	if (fd1 < 0 || fd2 < 0) {
		pt_fail("procfs/%s: open summary: %s", who, strerror(errno));
		return;
	}
	snprintf(sel, sizeof(sel), "%d\n", self);
	err = proc_write(fd1, sel);
	EXPECT(!err, "procfs/select-self", "own pid accepted (%s)",
	       strerror(-err));
	EXPECT(proc_write(fd1, "garbage\n") == -EINVAL, "procfs/garbage",
	       "garbage rejected with EINVAL");
	EXPECT(proc_write(fd1, "1 2 3\n") == -EINVAL, "procfs/extra-args",
	       "summary with extra fields rejected with EINVAL");
	EXPECT(proc_write(fd2, "999999\n") == -ESRCH, "procfs/no-such-pid",
	       "unknown pid rejected with ESRCH");
	EXPECT(proc_write(fd2, "2\n") == -EINVAL, "procfs/kthread",
	       "kernel thread (pid 2) rejected with EINVAL");
	check_procfs_zombie(fd2);
	if (other_user_pid > 0)
		EXPECT(proc_write(fd2, "1\n") == (geteuid() ? -EPERM : 0),
		       "procfs/pid1", "pid 1 (root) %s",
		       geteuid() ? "denied with EPERM" : "allowed");
	/* The garbage writes must not have changed fd1's selection. */
	r = read(fd1, buf, sizeof(buf) - 1);
	buf[r > 0 ? r : 0] = '\0';
	snprintf(sel, sizeof(sel), "pid %d,", self);
	EXPECT(r > 0 && !strncmp(buf, sel, strlen(sel)), "procfs/selection-kept",
	       "fd keeps its selection after rejected writes");
	close(fd1);
	close(fd2);

	/* Two open files, two targets, read interleaved. */
	if (other_user_pid > 0 && !geteuid()) {
		fd1 = open("/proc/ptscope/summary", O_RDWR);
		fd2 = open("/proc/ptscope/summary", O_RDWR);
		snprintf(sel, sizeof(sel), "%d", self);
		proc_write(fd1, sel);
		snprintf(sel, sizeof(sel), "%d", other_user_pid);
		proc_write(fd2, sel);
		r = read(fd1, buf, sizeof(buf) - 1);
		buf[r > 0 ? r : 0] = '\0';
		snprintf(sel, sizeof(sel), "pid %d,", self);
		EXPECT(r > 0 && !strncmp(buf, sel, strlen(sel)),
		       "procfs/per-fd-target", "each open file keeps its own target");
		close(fd1);
		close(fd2);
	}
	if (other_user_pid > 0 && geteuid()) {
		/* Another user's process: denied on every file. */
		static const char * const files[] = {
			"/proc/ptscope/pages", "/proc/ptscope/ranges",
			"/proc/ptscope/vmas", "/proc/ptscope/summary",
		};
		unsigned int i, denied = 0;

		snprintf(sel, sizeof(sel), "%d", other_user_pid);
		for (i = 0; i < 4; i++) {
			fd1 = open(files[i], O_RDWR);
			if (fd1 >= 0 && proc_write(fd1, sel) == -EPERM)
				denied++;
			if (fd1 >= 0)
				close(fd1);
		}
		EXPECT(denied == 4, "procfs/other-user",
		       "root's process %d denied on all 4 files (%u)",
		       other_user_pid, denied);
	}
}

static const char * const all_layouts[] = {
	"everyother", "mmap100", "readonly", "protnone", "zero", "cow",
	"shared", "file", "thp", "thpzero", "hugetlb", "hugetlb1g", "pageout",
	"mlock", "softdirty", "reserve", "threads", "thpfork",
};

static void run_all(int argc, char **argv, pid_t other_user_pid)
{
	unsigned int i;
	int a;

	show_pfn = pt_pfns_visible();
	check_procfs_contract(other_user_pid);
	if (argc > 1) {
		for (a = 1; a < argc; a++)
			run_layout(argv[a]);
		return;
	}
	for (i = 0; i < sizeof(all_layouts) / sizeof(all_layouts[0]); i++)
		run_layout(all_layouts[i]);
}

struct user_pass {
	int argc;
	char **argv;
	pid_t root_target;	/* a root-owned process the user may not inspect */
};

static void user_pass(void *arg)
{
	struct user_pass *u = arg;

	who = "user";
	run_all(u->argc, u->argv, u->root_target);
}

/* Root: run the unprivileged pass in a child with uid/gid 1000. */
static void run_user_pass(int argc, char **argv)
{
	struct user_pass u = { .argc = argc, .argv = argv };

	u.root_target = fork();
	if (!u.root_target) {
		for (;;)
			pause();
	}
	pt_run_unprivileged(user_pass, &u);
	kill(u.root_target, SIGKILL);
	waitpid(u.root_target, NULL, 0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access("/proc/ptscope/pages", F_OK)) {
		pt_fail("setup: /proc/ptscope/pages missing (module not loaded?)");
		return pt_summary();
	}
	if (geteuid()) {
		who = "user";
		run_all(argc, argv, 1);
		return pt_summary();
	}
	run_all(argc, argv, 1);
	run_user_pass(argc, argv);
	return pt_summary();
}
