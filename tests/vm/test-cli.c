// SPDX-License-Identifier: GPL-2.0
/*
 * test-cli: the ptscope tool's commands, run on real scenario processes
 * with --json, parsed (json.c) and checked against the kernel's own
 * views: /proc/PID/pagemap page by page, /proc/PID/smaps and maps VMA by
 * VMA, /proc/PID/status and /proc/meminfo.  Never against the tool's
 * other output.
 *
 * Also: the text output of every command, usage errors (exit 2), kernel
 * refusals with their message (exit 1), the module-not-loaded message
 * (exit 3), and the tool's peak RSS on a per-page walk of a 4 GiB
 * process.  Run as root, it then runs again in a child that drops to uid
 * 1000: PFNs and raw entries must be null, other users' processes denied.
 *
 *   test-cli [LAYOUT...]
 */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_run.h"
#include "json.h"
#include "pt_oracle.h"

#define PG		4096UL
#define BIG_VMA		(1UL << 30)
#define USER_TOP	(1UL << 56)

static bool show_pfn;
static const char *who = "root";
static unsigned int levels;

#define EXPECT(cond, fmt, ...)						\
	do {								\
		if (cond)						\
			pt_pass("%s: " fmt, who, ##__VA_ARGS__);	\
		else							\
			pt_fail("%s: " fmt, who, ##__VA_ARGS__);	\
	} while (0)

/* ---- running the tool ---- */

/* Runs "ptscope --json ARGS", expects exit 0 and one JSON document. */
static struct json *run_json(const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct json *run_json(const char *tag, const char *fmt, ...)
{
	struct cli_result r;
	struct json *j;
	const char *err;
	char cmd[512];
	va_list ap;
	size_t at;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (cli_run(&r, true, "ptscope --json %s", cmd)) {
		pt_fail("%s/%s: cannot run ptscope %s", tag, who, cmd);
		return NULL;
	}
	if (r.status) {
		pt_fail("%s/%s: ptscope --json %s exited %d: %s", tag, who, cmd,
			r.status, r.err);
		cli_free(&r);
		return NULL;
	}
	j = json_parse(r.out, &err, &at);
	if (!j)
		pt_fail("%s/%s: ptscope --json %s: invalid JSON at byte %zu: %s",
			tag, who, cmd, at, err);
	else if (r.err_len)
		printf("  note: ptscope %s said: %s", cmd, r.err);
	cli_free(&r);
	return j;
}

static bool get_hex(const struct json *o, const char *key, uint64_t *v)
{
	return json_hex(json_get(o, key), v);
}

static uint64_t get_u(const struct json *o, const char *key)
{
	return json_u64(json_get(o, key));
}

static bool key_is(const struct json *o, const char *key, enum json_type t)
{
	return json_is(json_get(o, key), t);
}

/* ---- oracles ---- */

struct maps_line {
	unsigned long start, end, offset, inode;
	char dev[16];
};

static int read_maps(pid_t pid, struct maps_line **out)
{
	struct maps_line *v = NULL;
	int n = 0, cap = 0;
	char path[64], line[4096];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct maps_line m;

		if (sscanf(line, "%lx-%lx %*s %lx %15s %lu", &m.start, &m.end,
			   &m.offset, m.dev, &m.inode) != 5)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				abort();
		}
		v[n++] = m;
	}
	fclose(f);
	*out = v;
	return n;
}

static const char *const states[] = {
	"none", "present", "protnone", "swap", "migration", "device",
	"marker", "hwpoison", "other",
};

static int state_index(const char *s)
{
	unsigned int i;

	for (i = 0; s && i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(s, states[i]))
			return (int)i;
	return -1;
}

static const char *const contract_flags[] = {
	"write", "user", "accessed", "dirty", "nx", "global", "soft_dirty",
	"uffd_wp", "special",
};

/*
 * The flags a stopped process's entries keep between two walks.  Left
 * out: accessed (page aging clears it), dirty (writeback cleans file
 * pages), and shared and exclusive (a page shared with the parent since
 * fork stops being shared when the parent writes to its copy).
 */
static const char *const lasting_flags[] = {
	"write", "user", "nx", "global", "soft_dirty", "uffd_wp", "special",
	"present", "huge", "zero_page", "cow",
};

/* An entry's state, level and lasting flags as one value, to compare. */
static uint64_t entry_kind(const struct json *e)
{
	const struct json *flags = json_get(e, "flags");
	const char *level = json_str(json_get(e, "level"));
	uint64_t k = 0;
	unsigned int i;

	for (i = 0; i < sizeof(lasting_flags) / sizeof(lasting_flags[0]); i++)
		if (json_true(json_get(flags, lasting_flags[i])))
			k |= 1ULL << i;
	k |= (uint64_t)(state_index(json_str(json_get(e, "state"))) & 0xff) << 32;
	k |= (uint64_t)(level ? level[1] : 0) << 40;	/* pte, pmd, pud */
	return k;
}

/* The contract's shape of one walk entry; NULL if fine, else why. */
static const char *entry_shape(const struct json *e, uint64_t *start,
			       uint64_t *end, int *state)
{
	const struct json *flags = json_get(e, "flags"), *swap;
	const char *level = json_str(json_get(e, "level"));
	uint64_t pages, span, raw;
	unsigned int i;

	if (!get_hex(e, "start", start) || !get_hex(e, "end", end) ||
	    *end <= *start)
		return "start/end not hex strings, or end <= start";
	*state = state_index(json_str(json_get(e, "state")));
	if (*state < 0)
		return "unknown state";
	if (!level || (strcmp(level, "pte") && strcmp(level, "pmd") &&
		       strcmp(level, "pud")))
		return "level not pte, pmd or pud";
	if (!json_is_uint(json_get(e, "pages")))
		return "pages not a count";
	pages = get_u(e, "pages");
	if (pages * PG != *end - *start)
		return "pages does not match end - start";
	span = !strcmp(level, "pte") ? 1 : !strcmp(level, "pmd") ? 512 :
	       262144;
	if (pages % span)
		return "pages not a multiple of the level's leaf size";
	for (i = 0; i < sizeof(contract_flags) / sizeof(contract_flags[0]); i++)
		if (!key_is(flags, contract_flags[i], JSON_BOOL))
			return "a contract flag is missing or not a boolean";
	if (show_pfn) {
		if (!json_hex(json_get(e, "raw"), &raw))
			return "raw not a hex string though PFNs are visible";
		if ((*state == 1 || *state == 2) &&
		    !json_is_uint(json_get(e, "pfn")))
			return "pfn not a number for a present entry";
	} else {
		if (!key_is(e, "raw", JSON_NULL) || !key_is(e, "pfn", JSON_NULL))
			return "pfn or raw not null though PFNs are hidden";
	}
	swap = json_get(e, "swap");
	if (*state == 3) {
		if (!json_is_uint(json_get(swap, "type")))
			return "swap entry without swap.type";
		if (show_pfn ? !json_is_uint(json_get(swap, "offset")) :
			       !key_is(swap, "offset", JSON_NULL))
			return "swap.offset wrong for the PFN visibility";
	} else if (!json_is(swap, JSON_NULL)) {
		return "swap not null on a non-swap entry";
	}
	return NULL;
}

/* ---- walk --pages against pagemap ---- */

struct vma_list {
	struct pt_vma *v;
	int n;
};

static const struct pt_vma *find_vma(const struct vma_list *vl,
				     unsigned long addr)
{
	int i;

	for (i = 0; i < vl->n; i++)
		if (addr >= vl->v[i].start && addr < vl->v[i].end)
			return &vl->v[i];
	return NULL;
}

/* One page of an entry against its pagemap word; NULL if they agree. */
static const char *page_vs_pagemap(const struct json *e, int state,
				   uint64_t i, uint64_t pm, bool vma_sd,
				   char *why, size_t len)
{
	bool sd = json_true(json_path(e, "flags.soft_dirty"));

	if (state == 1 || state == 2) {
		if (!(pm & PM_PRESENT))
			return "present in the walk, not in pagemap";
		if (show_pfn && get_u(e, "pfn") + i != (pm & PM_PFN_MASK)) {
			snprintf(why, len, "pfn %" PRIx64 " + %" PRIu64 ", pagemap %" PRIx64,
				 get_u(e, "pfn"), i, (uint64_t)(pm & PM_PFN_MASK));
			return why;
		}
	} else if (state == 3) {
		if (!(pm & PM_SWAP) || (pm & PM_PRESENT))
			return "swap in the walk, not in pagemap";
		if (PM_SWAP_TYPE(pm) != json_u64(json_path(e, "swap.type")))
			return "swap type differs from pagemap";
		if (show_pfn && PM_SWAP_OFFSET(pm) !=
		    json_u64(json_path(e, "swap.offset")) + i)
			return "swap offset differs from pagemap";
	}
	if (state >= 1 && state <= 3 && !!(pm & PM_SOFT_DIRTY) != (sd || vma_sd))
		return "soft-dirty differs from pagemap";
	return NULL;
}

static uint64_t pm_buf[262144];

/* Returns the number of pages with a problem. */
static unsigned long check_entry_pages(pid_t pid, const struct json *e,
				       uint64_t start, uint64_t end, int state,
				       bool vma_sd)
{
	uint64_t pages = (end - start) / PG, done = 0, i;
	unsigned long bad = 0;
	const char *why;
	char buf[160];

	while (done < pages) {
		uint64_t n = pages - done;

		if (n > sizeof(pm_buf) / sizeof(pm_buf[0]))
			n = sizeof(pm_buf) / sizeof(pm_buf[0]);
		if (pt_pagemap_read(pid, start + done * PG, n, pm_buf))
			return pages;
		for (i = 0; i < n; i++) {
			why = page_vs_pagemap(e, state, done + i, pm_buf[i],
					      vma_sd, buf, sizeof(buf));
			if (why && bad++ < 3)
				printf("  pid %d page %" PRIx64 ": %s\n", pid,
				       start + (done + i) * PG, why);
		}
		done += n;
	}
	return bad;
}

/* pagemap's count of present or swapped pages in a VMA. */
static long pagemap_count(pid_t pid, unsigned long start, unsigned long end)
{
	long count = 0;
	uint64_t i;

	while (start < end) {
		uint64_t n = (end - start) / PG;

		if (n > sizeof(pm_buf) / sizeof(pm_buf[0]))
			n = sizeof(pm_buf) / sizeof(pm_buf[0]);
		if (pt_pagemap_read(pid, start, n, pm_buf))
			return -1;
		for (i = 0; i < n; i++)
			count += !!(pm_buf[i] & (PM_PRESENT | PM_SWAP));
		start += n * PG;
	}
	return count;
}

static void check_walk(const char *tag, pid_t pid)
{
	uint64_t per_page[9] = { 0 }, coalesced[9] = { 0 }, start, end, prev;
	struct json *j, *jc;
	const struct json *ents;
	struct vma_list vl;
	unsigned long bad = 0, shape_bad = 0, order_bad = 0;
	uint64_t *vma_pages;
	const char *why;
	size_t i;
	int state, k;

	vl.n = pt_read_smaps(pid, &vl.v);
	if (vl.n < 0) {
		pt_fail("%s/walk/%s: smaps of %d unreadable", tag, who, pid);
		return;
	}
	vma_pages = calloc(vl.n + 1, sizeof(*vma_pages));
	j = run_json(tag, "walk %d --pages", pid);
	if (!j)
		goto out;
	EXPECT(get_u(j, "pid") == (uint64_t)pid &&
	       get_u(j, "paging_levels") == levels &&
	       json_is(json_get(j, "pfn_visible"), JSON_BOOL) &&
	       json_true(json_get(j, "pfn_visible")) == show_pfn,
	       "%s/walk-head: pid, paging_levels %u and pfn_visible %d",
	       tag, levels, show_pfn);
	ents = json_get(j, "entries");
	prev = 0;
	for (i = 0; i < json_len(ents); i++) {
		const struct json *e = json_at(ents, i);
		const struct pt_vma *v;

		why = entry_shape(e, &start, &end, &state);
		if (why) {
			if (shape_bad++ < 3)
				printf("  entry %zu: %s\n", i, why);
			continue;
		}
		if (start < prev)
			order_bad++;
		prev = end;
		per_page[state] += (end - start) / PG;
		v = find_vma(&vl, start);
		if (!v || end > v->end) {
			bad++;
			printf("  entry %" PRIx64 "-%" PRIx64 " not inside one VMA\n",
			       start, end);
			continue;
		}
		if (state >= 1 && state <= 8)
			vma_pages[v - vl.v] += (end - start) / PG;
		bad += check_entry_pages(pid, e, start, end, state,
					 v->vm_softdirty);
	}
	/* Everything pagemap has, the walk listed. */
	for (k = 0; k < vl.n; k++) {
		long pm;

		if (vl.v[k].start >= USER_TOP ||
		    vl.v[k].end - vl.v[k].start > BIG_VMA)
			continue;
		pm = pagemap_count(pid, vl.v[k].start, vl.v[k].end);
		if (pm != (long)vma_pages[k]) {
			bad++;
			printf("  vma %lx-%lx %s: pagemap %ld pages, walk %" PRIu64 "\n",
			       vl.v[k].start, vl.v[k].end, vl.v[k].name, pm,
			       vma_pages[k]);
		}
	}
	EXPECT(ents && json_len(ents) > 0 && !shape_bad && !order_bad,
	       "%s/walk-shape: pid %d: %zu entries in the contract's shape, in order (%lu bad, %lu out of order)",
	       tag, pid, json_len(ents), shape_bad, order_bad);
	EXPECT(!bad, "%s/walk-pagemap: pid %d: every page of every entry agrees with pagemap, and every VMA's pagemap pages are listed (%lu problems)",
	       tag, pid, bad);

	/*
	 * Coalesced: the same pages, fewer entries, and every per-page entry
	 * inside a range has the range's state, level and flags, but for
	 * those that may change between the two walks (the two come from
	 * different code in the module: a copy decoded leaf by leaf, and a
	 * classifier that reads the table in place).
	 */
	jc = run_json(tag, "walk %d", pid);
	if (jc) {
		const struct json *pp = json_get(j, "entries");
		size_t p = 0;
		unsigned long kind_bad = 0;

		ents = json_get(jc, "entries");
		shape_bad = 0;
		prev = 0;
		for (i = 0; i < json_len(ents); i++) {
			const struct json *r = json_at(ents, i);
			uint64_t ps, pe;
			int pst;

			if (entry_shape(r, &start, &end, &state) ||
			    start < prev) {
				shape_bad++;
				continue;
			}
			prev = end;
			coalesced[state] += (end - start) / PG;
			for (; p < json_len(pp); p++) {
				const struct json *e = json_at(pp, p);

				if (entry_shape(e, &ps, &pe, &pst) || pe <= start)
					continue;
				if (ps >= end)
					break;
				if (ps < start || pe > end ||
				    entry_kind(e) != entry_kind(r)) {
					if (kind_bad++ < 3)
						printf("  page entry %" PRIx64 "-%" PRIx64 " differs from range %" PRIx64 "-%" PRIx64 " (kind xor %" PRIx64 ")\n",
						       ps, pe, start, end,
						       entry_kind(e) ^ entry_kind(r));
				}
			}
		}
		EXPECT(!shape_bad && !kind_bad &&
		       !memcmp(per_page, coalesced, sizeof(per_page)) &&
		       json_len(ents) <= json_len(pp),
		       "%s/walk-coalesced: pid %d: %zu ranges hold the same pages per state as the per-page walk (present %" PRIu64 "/%" PRIu64 ", swap %" PRIu64 "/%" PRIu64 "), each with its pages' state, level and lasting flags (%lu differ)",
		       tag, pid, json_len(ents), coalesced[1], per_page[1],
		       coalesced[3], per_page[3], kind_bad);
		json_free(jc);
	}
	json_free(j);
out:
	free(vma_pages);
	free(vl.v);
}

/*
 * The tool reads per-page walks as packed records when the module has
 * them; PTSCOPE_PACKED=0 makes it ask for the nests.  On a stopped
 * target both must print the same bytes, text and JSON, for each region
 * of the layout, from mid-table to mid-table, and with holes.
 */
static int cli_output(bool packed, char **out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cli_output(bool packed, char **out, const char *fmt, ...)
{
	struct cli_result r;
	char cmd[512];
	va_list ap;
	int err;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (!packed)
		setenv("PTSCOPE_PACKED", "0", 1);
	err = cli_run(&r, true, "%s", cmd);
	unsetenv("PTSCOPE_PACKED");
	if (err)
		return err;
	if (r.status) {
		cli_free(&r);
		return -EIO;
	}
	*out = r.out;
	r.out = NULL;
	cli_free(&r);
	return 0;
}

static void check_packed_cli(const char *tag, const struct pt_scenario *s,
			     pid_t pid)
{
	static const char *const forms[] = {
		"ptscope walk %d --pages --range 0x%lx-0x%lx",
		"ptscope --json walk %d --pages --range 0x%lx-0x%lx",
		"ptscope --json walk %d --pages --range 0x%lx-0x%lx --state none,present,protnone,swap,migration,device,marker,hwpoison,other",
	};
	unsigned long lo, hi, compared = 0, bytes = 0;
	int i, f, k, bad = 0;

	for (i = 0; i < s->nregions; i++) {
		const struct pt_region *r = &s->regions[i];

		if (r->len > BIG_VMA)
			continue;	/* reserve: a row per empty pud */
		for (k = 0; k < 2; k++) {
			lo = r->addr + (k && r->len > 8 * PG ? 3 * PG : 0);
			hi = r->addr + r->len - (k && r->len > 8 * PG ? 5 * PG : 0);
			for (f = 0; f < 3; f++) {
				char *a = NULL, *b = NULL;
				int try;

				for (try = 0; try < 2; try++) {
					free(a);
					free(b);
					a = b = NULL;
					if (cli_output(true, &a, forms[f], pid, lo, hi) ||
					    cli_output(false, &b, forms[f], pid, lo, hi) ||
					    !strcmp(a, b))
						break;
				}
				if (!a || !b || strcmp(a, b)) {
					if (bad++ < 3)
						printf("  %s: pid %d region %s: \"%s\" differs between encodings\n",
						       tag, pid, r->name, forms[f]);
				} else {
					compared++;
					bytes += strlen(a);
				}
				free(a);
				free(b);
			}
		}
	}
	EXPECT(!bad, "%s/walk-packed: pid %d: %lu per-page walks (%lu bytes) print the same from packed records as from nests (%d differ)",
	       tag, pid, compared, bytes, bad);
}

/* ---- maps against smaps, maps and status ---- */

static const char *const status_keys[] = {
	"VmSize", "VmRSS", "RssAnon", "RssFile", "RssShmem", "VmSwap", "VmPTE",
};

static void check_maps(const char *tag, pid_t pid)
{
	const struct json *vmas, *row, *st;
	struct maps_line *ml = NULL;
	struct pt_vma *sm = NULL;
	uint64_t start, end, rss_sum = 0, v;
	unsigned int i, bad = 0, status_bad = 0;
	struct json *j;
	int n, nm;

	j = run_json(tag, "maps %d", pid);
	n = pt_read_smaps(pid, &sm);
	nm = read_maps(pid, &ml);
	if (!j || n < 0 || nm != n) {
		pt_fail("%s/maps/%s: pid %d: no output or oracles (%d smaps, %d maps)",
			tag, who, pid, n, nm);
		goto out;
	}
	vmas = json_get(j, "vmas");
	if (json_len(vmas) != (size_t)n) {
		pt_fail("%s/maps-rows/%s: pid %d: %zu rows, smaps has %d VMAs",
			tag, who, pid, json_len(vmas), n);
		goto out;
	}
	for (i = 0; i < (unsigned int)n; i++) {
		bool hugetlb = sm[i].kernel_page_kb != 4;
		const char *path;

		row = json_at(vmas, i);
		path = json_str(json_get(row, "path"));
		if (!get_hex(row, "start", &start) || !get_hex(row, "end", &end) ||
		    start != sm[i].start || end != sm[i].end ||
		    strcmp(json_str(json_get(row, "perms")) ?: "", sm[i].perms) ||
		    !path || strcmp(path, sm[i].name) ||
		    get_u(row, "offset") != ml[i].offset ||
		    get_u(row, "inode") != ml[i].inode ||
		    strcmp(json_str(json_get(row, "dev")) ?: "", ml[i].dev)) {
			if (bad++ < 3)
				printf("  row %u (%lx %s): maps columns differ\n",
				       i, sm[i].start, sm[i].name);
			continue;
		}
		if (sm[i].start >= USER_TOP) {
			/* [vsyscall]: no VMA, so no page-table columns. */
			if (!key_is(row, "rss_bytes", JSON_NULL) ||
			    !key_is(row, "present_4k", JSON_NULL))
				bad++;
			continue;
		}
		if (!json_is(json_get(row, "pt_pages"), JSON_OBJ) ||
		    !json_is_uint(json_path(row, "pt_pages.pte")) ||
		    !json_is_uint(json_get(row, "cow_ro")) ||
		    !json_is_uint(json_get(row, "accessed")) ||
		    !json_is_uint(json_get(row, "zero")) ||
		    !json_is_uint(json_get(row, "present_1g"))) {
			bad++;
			continue;
		}
		v = get_u(row, "rss_bytes");
		rss_sum += v;
		if (hugetlb ? v != 0 || get_u(row, "present_2m") * 2048 +
				 get_u(row, "present_1g") * 1048576 != sm[i].hugetlb :
			      v != sm[i].rss * 1024 ||
			      (!get_u(row, "zero") &&
			       get_u(row, "present_2m") * 2048 != sm[i].anon_huge) ||
		    get_u(row, "swap") * 4 != sm[i].swap) {
			if (bad++ < 3)
				printf("  %lx %s: rss %" PRIu64 " 2m %" PRIu64 " swap %" PRIu64 "; smaps rss %lu kB thp %lu hugetlb %lu swap %lu\n",
				       sm[i].start, sm[i].name, v,
				       get_u(row, "present_2m"), get_u(row, "swap"),
				       sm[i].rss, sm[i].anon_huge, sm[i].hugetlb,
				       sm[i].swap);
		}
	}
	EXPECT(!bad, "%s/maps-vmas: pid %d: %d rows match maps and smaps (columns, Rss, huge pages, Swap)",
	       tag, pid, n);

	st = json_get(j, "status");
	for (i = 0; i < sizeof(status_keys) / sizeof(status_keys[0]); i++) {
		long kb = pt_status_kb(pid, status_keys[i]);

		if (kb < 0 || get_u(st, status_keys[i]) != (uint64_t)kb * 1024) {
			status_bad++;
			printf("  status %s: tool %" PRIu64 ", /proc %ld kB\n",
			       status_keys[i], get_u(st, status_keys[i]), kb);
		}
	}
	EXPECT(!status_bad, "%s/maps-status: pid %d: the status block equals /proc/PID/status",
	       tag, pid);
	v = (get_u(json_path(j, "totals"), "vmas"));
	EXPECT(get_u(j, "pt_bytes") == (uint64_t)pt_status_kb(pid, "VmPTE") * 1024 &&
	       (json_u64(json_path(j, "totals.pt_pages.pte")) +
		json_u64(json_path(j, "totals.pt_pages.pmd")) +
		json_u64(json_path(j, "totals.pt_pages.pud")) +
		json_u64(json_path(j, "totals.pt_pages.deposited"))) * PG ==
	       get_u(j, "pt_bytes") &&
	       json_u64(json_path(j, "totals.rss_bytes")) == rss_sum &&
	       v + 1 >= (uint64_t)n && v <= (uint64_t)n,
	       "%s/maps-totals: pid %d: pt_bytes %" PRIu64 " = VmPTE = (pte+pmd+pud+deposited) pages; totals.rss_bytes is the rows' sum",
	       tag, pid, get_u(j, "pt_bytes"));
out:
	json_free(j);
	free(sm);
	free(ml);
}

/* ---- USS and PSS against smaps (the netlink path of the walk) ---- */

/* A "Key:  N kB" line of /proc/PID/smaps_rollup, in kB; -1 if missing. */
static long rollup_kb(pid_t pid, const char *key)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	return pt_file_field(path, key);
}

static const char *const share_keys[] = {
	"uss_bytes", "pss_bytes", "private_clean", "private_dirty",
	"shared_clean", "shared_dirty",
};

static bool share_equal(const struct json *x, const struct json *y)
{
	size_t i;

	for (i = 0; i < sizeof(share_keys) / sizeof(share_keys[0]); i++)
		if (!json_is_uint(json_get(x, share_keys[i])) ||
		    get_u(x, share_keys[i]) != get_u(y, share_keys[i]))
			return false;
	return true;
}

/* The next JSON document of a stream: lines until they parse. */
static struct json *next_doc(FILE *f)
{
	char *buf = NULL, *line = NULL, *nb;
	size_t len = 0, cap = 0;
	struct json *j = NULL;
	ssize_t n;

	while (!j && (n = getline(&line, &cap, f)) > 0) {
		nb = realloc(buf, len + n + 1);
		if (!nb)
			break;
		buf = nb;
		memcpy(buf + len, line, n);
		len += n;
		buf[len] = '\0';
		j = json_parse(buf, NULL, NULL);
	}
	free(line);
	free(buf);
	return j;
}

/*
 * "ptscope --json CMD -c 3 -i 0.1 PID", with smaps and smaps_rollup read
 * between its last two documents.  The tool maps libc and the vdso too, which
 * raises their mapcounts, so the oracle is read while it is alive (it
 * sleeps between the rounds), never before it starts or after it exits.
 */
static void share_round(const char *cmd, pid_t pid, struct json **d1,
			struct json **d2, struct pt_vma **sm, int *nsm,
			long rollup[3])
{
	char line[128];
	FILE *f;

	snprintf(line, sizeof(line), "ptscope --json %s -c 3 -i 0.1 %d", cmd,
		 pid);
	*d1 = *d2 = NULL;
	f = popen(line, "r");
	if (!f)
		return;
	/* The first round faults in the tool's own code and data. */
	json_free(next_doc(f));
	*d1 = next_doc(f);
	*nsm = pt_read_smaps(pid, sm);
	rollup[0] = rollup_kb(pid, "Pss");
	rollup[1] = rollup_kb(pid, "Private_Clean");
	rollup[2] = rollup_kb(pid, "Private_Dirty");
	*d2 = next_doc(f);
	pclose(f);
}

/*
 * maps' per-VMA uss_bytes, pss_bytes and private/shared page counts, and
 * summary's per-process USS and PSS, against smaps and smaps_rollup,
 * exactly.  A round counts when the tool's two documents agree, so that
 * nothing moved (writeback cleaning a page) while smaps was read.
 */
/*
 * The differences between one round of the tool (maps j, summary s) and
 * smaps/smaps_rollup read during it; printed when print.
 */
static unsigned int share_diff(const struct json *j, const struct json *s,
			       const struct pt_vma *a, int na, const long r[3],
			       bool print, uint64_t *uss_sum)
{
	const struct json *vmas = json_get(j, "vmas"), *row, *w;
	unsigned int bad = 0;
	int i;

	*uss_sum = 0;
	if (json_len(vmas) != (size_t)na)
		bad++;
	for (i = 0; i < na && (size_t)i < json_len(vmas); i++) {
		const struct pt_vma *v = &a[i];
		uint64_t pc, pd, sc, sd, uss, pss;

		if (v->start >= USER_TOP)
			continue;	/* [vsyscall]: no VMA */
		row = json_at(vmas, i);
		pc = get_u(row, "private_clean");
		pd = get_u(row, "private_dirty");
		sc = get_u(row, "shared_clean");
		sd = get_u(row, "shared_dirty");
		uss = get_u(row, "uss_bytes");
		pss = get_u(row, "pss_bytes");
		*uss_sum += uss;
		if (uss == (v->private_clean + v->private_dirty) * 1024 &&
		    pss >> 10 == v->pss && pc * 4 == v->private_clean &&
		    pd * 4 == v->private_dirty && sc * 4 == v->shared_clean &&
		    sd * 4 == v->shared_dirty && uss == (pc + pd) * PG)
			continue;
		if (print && bad < 5)
			printf("  %lx %s: tool uss %" PRIu64 " pss %" PRIu64 " private %" PRIu64 "+%" PRIu64 " shared %" PRIu64 "+%" PRIu64 " pages; smaps Private %lu+%lu Shared %lu+%lu Pss %lu kB\n",
			       v->start, v->name, uss, pss, pc, pd, sc, sd,
			       v->private_clean, v->private_dirty,
			       v->shared_clean, v->shared_dirty, v->pss);
		bad++;
	}
	w = json_get(s, "walk");
	if (r[0] < 0 || r[1] < 0 || r[2] < 0 ||
	    get_u(w, "pss_bytes") >> 10 != (uint64_t)r[0] ||
	    get_u(w, "uss_bytes") != (uint64_t)(r[1] + r[2]) * 1024) {
		if (print)
			printf("  summary: USS %" PRIu64 " PSS %" PRIu64 "; smaps_rollup Private_* %ld+%ld kB, Pss %ld kB\n",
			       get_u(w, "uss_bytes"), get_u(w, "pss_bytes"),
			       r[1], r[2], r[0]);
		bad++;
	}
	return bad;
}

/*
 * maps' per-VMA uss_bytes, pss_bytes and private/shared page counts, and
 * summary's per-process USS and PSS, against smaps and smaps_rollup,
 * exactly.  A round counts when the tool's two documents agree, so that
 * nothing moved (writeback cleaning a page) while smaps was read.  Any
 * process that maps libc while the tool walks but not while smaps is
 * read (one starting or exiting in between) moves libc's PSS, so a
 * round that differs is tried again, up to five; every one must differ
 * for the check to fail.
 */
static void check_share(const char *tag, pid_t pid)
{
	struct json *j = NULL, *j2 = NULL, *s = NULL, *s2 = NULL;
	const struct json *vmas, *vmas2;
	uint64_t uss_sum = 0;
	struct pt_vma *a = NULL, *b = NULL;
	unsigned int bad = 0;
	int na = -1, nb = -1, round, i, stable = 0;
	long r[3], r2[3];
	bool same;

	for (round = 0; round < 5; round++) {
		json_free(j);
		json_free(j2);
		json_free(s);
		json_free(s2);
		free(a);
		free(b);
		a = b = NULL;
		share_round("maps", pid, &j, &j2, &a, &na, r);
		share_round("summary", pid, &s, &s2, &b, &nb, r2);
		if (!j || !j2 || !s || !s2 || na < 0)
			break;
		vmas = json_get(j, "vmas");
		vmas2 = json_get(j2, "vmas");
		same = json_len(vmas) == json_len(vmas2) &&
		       share_equal(json_get(s, "walk"), json_get(s2, "walk"));
		for (i = 0; same && (size_t)i < json_len(vmas); i++)
			same = a[i].start >= USER_TOP ||
			       share_equal(json_at(vmas, i), json_at(vmas2, i));
		if (!same)
			continue;
		stable++;
		if (!share_diff(j, s, a, na, r2, false, &uss_sum))
			break;
	}
	if (!j || !j2 || !s || !s2 || na < 0) {
		pt_fail("%s/share/%s: pid %d: no output or no smaps", tag, who,
			pid);
		goto out;
	}
	if (!stable) {
		pt_skip("%s/share/%s: pid %d: the figures kept changing (writeback?)",
			tag, who, pid);
		goto out;
	}
	bad = share_diff(j, s, a, na, r2, true, &uss_sum);
	EXPECT(!bad,
	       "%s/share: pid %d: per VMA uss_bytes = Private_Clean + Private_Dirty, pss_bytes = Pss and the four page counts equal smaps' (%d VMAs); summary's USS %" PRIu64 " and PSS %" PRIu64 " equal smaps_rollup's (%d of %d rounds stable)",
	       tag, pid, na, get_u(json_get(s, "walk"), "uss_bytes"),
	       get_u(json_get(s, "walk"), "pss_bytes"), stable, round + (round < 5));
	EXPECT(json_u64(json_path(j, "totals.uss_bytes")) == uss_sum,
	       "%s/share-totals: pid %d: totals.uss_bytes %" PRIu64 " is the rows' sum",
	       tag, pid, uss_sum);
out:
	json_free(j);
	json_free(j2);
	json_free(s);
	json_free(s2);
	free(a);
	free(b);
}

/* The layouts whose pages are shared: fork, shmem, files, THP. */
static bool shares_pages(const char *layout)
{
	static const char *const names[] = {
		"cow", "shared", "file", "thp", "thpfork",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(layout, names[i]))
			return true;
	return false;
}

/* ---- summary ---- */

static const struct json *summary_row(const struct json *j, const char *f)
{
	const struct json *rows = json_get(j, "rows");
	size_t i;

	for (i = 0; i < json_len(rows); i++)
		if (!strcmp(json_str(json_get(json_at(rows, i), "field")) ?: "", f))
			return json_at(rows, i);
	return NULL;
}

static void check_summary(const char *tag, pid_t pid)
{
	unsigned long rss = 0, swap = 0;
	const struct json *r, *w;
	struct pt_vma *sm = NULL;
	unsigned int i, unexplained = 0, bad = 0;
	struct json *j;
	int n;

	j = run_json(tag, "summary %d", pid);
	n = pt_read_smaps(pid, &sm);
	if (!j || n < 0)
		goto out;
	for (i = 0; i < (unsigned int)n; i++) {
		if (sm[i].kernel_page_kb != 4)
			continue;
		rss += sm[i].rss;
		swap += sm[i].swap;
	}
	for (i = 0; i < sizeof(status_keys) / sizeof(status_keys[0]); i++) {
		long kb = pt_status_kb(pid, status_keys[i]);

		r = summary_row(j, status_keys[i]);
		if (!r || get_u(r, "status") != (uint64_t)kb * 1024 ||
		    !json_is_uint(json_get(r, "walk")) ||
		    json_s64(json_get(r, "diff")) !=
		    (int64_t)(get_u(r, "walk") - get_u(r, "status")) ||
		    !json_is(json_get(r, "exact"), JSON_BOOL)) {
			bad++;
			printf("  row %s: malformed or status differs from /proc (%ld kB)\n",
			       status_keys[i], kb);
			continue;
		}
		if (json_s64(json_get(r, "diff")) &&
		    !json_len(json_get(r, "reasons")))
			unexplained++;
	}
	EXPECT(!bad && !unexplained, "%s/summary-rows: pid %d: 7 rows, status figures equal /proc/PID/status, every difference has a reason",
	       tag, pid);
	w = json_get(j, "walk");
	EXPECT(get_u(summary_row(j, "VmSize"), "walk") ==
	       (uint64_t)pt_status_kb(pid, "VmSize") * 1024 &&
	       get_u(summary_row(j, "VmPTE"), "walk") ==
	       (uint64_t)pt_status_kb(pid, "VmPTE") * 1024,
	       "%s/summary-exact: pid %d: VmSize and VmPTE match the walk exactly",
	       tag, pid);
	EXPECT(get_u(w, "rss_bytes") == rss * 1024 &&
	       get_u(w, "swap_bytes") == swap * 1024 &&
	       get_u(summary_row(j, "VmRSS"), "walk") == rss * 1024 &&
	       get_u(summary_row(j, "RssAnon"), "walk") +
	       get_u(summary_row(j, "RssFile"), "walk") +
	       get_u(summary_row(j, "RssShmem"), "walk") == rss * 1024,
	       "%s/summary-walk: pid %d: walk RSS %" PRIu64 " and swap %" PRIu64 " equal smaps' sums (%lu, %lu kB), anon+file+shmem = RSS",
	       tag, pid, get_u(w, "rss_bytes"), get_u(w, "swap_bytes"), rss,
	       swap);
out:
	json_free(j);
	free(sm);
}

/* ---- compare ---- */

static void check_compare(const char *tag, pid_t pid)
{
	const struct json *vmas, *checks, *c;
	unsigned int bad = 0;
	struct json *j;
	size_t i, k;

	j = run_json(tag, "compare %d", pid);
	if (!j)
		return;
	vmas = json_get(j, "vmas");
	for (i = 0; i < json_len(vmas); i++) {
		checks = json_get(json_at(vmas, i), "checks");
		for (k = 0; k < json_len(checks); k++) {
			const char *v;

			c = json_at(checks, k);
			v = json_str(json_get(c, "verdict"));
			if (!v || !strcmp(v, "disagree") ||
			    (!strcmp(v, "explained") &&
			     !json_str(json_get(c, "reason"))) ||
			    (!strcmp(v, "agree") &&
			     get_u(c, "walk") != get_u(c, "smaps")))
				bad++;
		}
	}
	EXPECT(!bad && get_u(json_get(j, "totals"), "disagree") == 0 &&
	       get_u(json_get(j, "totals"), "vmas") == json_len(vmas),
	       "%s/compare: pid %d: %zu VMAs, no unexplained disagreement with smaps",
	       tag, pid, json_len(vmas));
	json_free(j);
}

/* ---- vtop against pagemap ---- */

static void check_vtop_addr(const char *tag, pid_t pid, unsigned long addr)
{
	const struct json *lv, *last;
	const char *stop, *why = NULL;
	uint64_t pm, phys, a, vs, ve;
	struct json *j;
	size_t n;

	if (pt_pagemap_read(pid, addr & ~(PG - 1), 1, &pm)) {
		pt_fail("%s/vtop/%s: pagemap unreadable", tag, who);
		return;
	}
	j = run_json(tag, "vtop %d 0x%lx", pid, addr);
	if (!j)
		return;
	lv = json_get(j, "levels");
	n = json_len(lv);
	last = json_at(lv, n ? n - 1 : 0);
	stop = json_str(json_get(j, "stop"));
	if (!get_hex(j, "addr", &a) || a != addr || !stop)
		why = "addr or stop missing";
	else if (!json_str(json_get(json_at(lv, 0), "level")) ||
		 strcmp(json_str(json_get(json_at(lv, 0), "level")), "pgd"))
		why = "the walk does not start at the pgd";
	else if (!get_hex(json_get(j, "vma"), "start", &vs) ||
		 !get_hex(json_get(j, "vma"), "end", &ve) || addr < vs ||
		 addr >= ve)
		why = "vma does not contain the address";
	else if (pm & PM_PRESENT) {
		const char *lvl = json_str(json_get(last, "level"));
		unsigned int want = levels - (lvl && !strcmp(lvl, "pmd")) -
				    2 * (lvl && !strcmp(lvl, "pud"));

		if (strcmp(stop, "leaf"))
			why = "pagemap says present, vtop did not reach a leaf";
		else if (n != want)
			why = "wrong number of levels for the leaf";
		else if (show_pfn && (!get_hex(j, "phys", &phys) ||
				      phys != ((pm & PM_PFN_MASK) << 12 | (addr & (PG - 1)))))
			why = "phys differs from pagemap's frame";
		else if (!show_pfn && (!key_is(j, "phys", JSON_NULL) ||
				       !key_is(last, "raw", JSON_NULL) ||
				       !key_is(last, "entry_phys", JSON_NULL)))
			why = "phys, raw or entry_phys not null though PFNs are hidden";
		else if (json_u64(json_get(last, "index")) !=
			 ((addr >> (strcmp(lvl, "pte") ? 21 : 12)) & 511) &&
			 strcmp(lvl, "pud"))
			why = "the leaf's index is not the address's bits";
	} else if (pm & PM_SWAP) {
		if (strcmp(stop, "nonpresent"))
			why = "pagemap says swapped, vtop does not stop nonpresent";
		else if (!key_is(j, "phys", JSON_NULL))
			why = "phys not null for a swapped page";
	} else if (strcmp(stop, "none") && strcmp(stop, "nonpresent")) {
		why = "pagemap says not present, vtop found a leaf";
	}
	EXPECT(!why, "%s/vtop: pid %d address %lx (%s, %zu levels)%s%s", tag,
	       pid, addr, stop ? stop : "?", n, why ? ": " : "", why ?: "");
	json_free(j);
}

static void check_vtop(const char *tag, const struct pt_scenario *s,
		       pid_t pid)
{
	struct json *a, *b, *c;
	int i;

	for (i = 0; i < s->nregions; i++) {
		const struct pt_region *r = &s->regions[i];

		if (r->len > (1UL << 40))
			continue;
		check_vtop_addr(tag, pid, r->addr);
		check_vtop_addr(tag, pid, r->addr + (r->len / 2 & ~(PG - 1)) + 123);
	}
	if (!s->nregions)
		return;
	/* The same address three ways: hex, decimal, and a sum. */
	a = run_json(tag, "vtop %d 0x%lx", pid, s->regions[0].addr + PG);
	b = run_json(tag, "vtop %d %lu", pid, s->regions[0].addr + PG);
	c = run_json(tag, "vtop %d 0x%lx+4K", pid, s->regions[0].addr);
	if (a && b && c) {
		const char *x = json_str(json_get(a, "addr"));

		EXPECT(x && !strcmp(x, json_str(json_get(b, "addr")) ?: "") &&
		       !strcmp(x, json_str(json_get(c, "addr")) ?: "") &&
		       !strcmp(json_str(json_get(a, "stop")) ?: "a",
			       json_str(json_get(c, "stop")) ?: "c"),
		       "%s/vtop-forms: hex, decimal and ADDR+4K name the same address",
		       tag);
	}
	json_free(a);
	json_free(b);
	json_free(c);
	/* Nothing is mapped at 4K: no VMA, no levels. */
	a = run_json(tag, "vtop %d 0x1000", pid);
	if (a)
		EXPECT(!strcmp(json_str(json_get(a, "stop")) ?: "", "no_vma") &&
		       json_len(json_get(a, "levels")) == 0 &&
		       key_is(a, "vma", JSON_NULL) && key_is(a, "phys", JSON_NULL),
		       "%s/vtop-no-vma: 0x1000 is in no VMA", tag);
	json_free(a);
}

/* ---- layout-specific known answers, through the CLI ---- */

static const struct json *maps_row_at(const struct json *j, unsigned long a)
{
	const struct json *vmas = json_get(j, "vmas");
	uint64_t s, e;
	size_t i;

	for (i = 0; i < json_len(vmas); i++)
		if (get_hex(json_at(vmas, i), "start", &s) &&
		    get_hex(json_at(vmas, i), "end", &e) && a >= s && a < e)
			return json_at(vmas, i);
	return NULL;
}

/* Counts pages of the walk entries in [start, end) with a flag set. */
static uint64_t walk_pages(const struct json *j, const char *flag,
			   const char *state, const char *level)
{
	const struct json *ents = json_get(j, "entries");
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < json_len(ents); i++) {
		const struct json *e = json_at(ents, i);

		if (state && strcmp(json_str(json_get(e, "state")) ?: "", state))
			continue;
		if (level && strcmp(json_str(json_get(e, "level")) ?: "", level))
			continue;
		if (flag && !json_true(json_get(json_get(e, "flags"), flag)))
			continue;
		n += get_u(e, "pages");
	}
	return n;
}

static void known(const char *name, const struct pt_scenario *s,
		  const char *tag)
{
	const struct pt_region *r = s->nregions ? &s->regions[0] : NULL;
	pid_t pid = s->pids[0];
	struct json *j, *m;
	const struct json *row;

	if (!r)
		return;
	j = run_json(tag, "walk %d --pages --range 0x%lx+0x%lx", pid, r->addr,
		     r->len > (1UL << 32) ? 1UL << 32 : r->len);
	m = run_json(tag, "maps %d", pid);
	if (!j || !m)
		goto out;
	row = maps_row_at(m, r->addr);
	if (!strcmp(name, "everyother")) {
		EXPECT(walk_pages(j, "dirty", "present", "pte") == 32 &&
		       walk_pages(j, NULL, NULL, NULL) == 32,
		       "%s/known: exactly 32 of 64 pages present and dirty", tag);
	} else if (!strcmp(name, "mmap100")) {
		/* The VMA may have merged with a neighbour: count the region. */
		EXPECT(walk_pages(j, NULL, "present", "pte") ==
		       (s->stage == 1 ? 0 : 25600) &&
		       get_u(row, "present_4k") >= walk_pages(j, NULL, "present", "pte"),
		       "%s/known: %" PRIu64 " of 25600 pages present (want %d), maps row agrees",
		       tag, walk_pages(j, NULL, "present", "pte"),
		       s->stage == 1 ? 0 : 25600);
	} else if (!strcmp(name, "zero")) {
		EXPECT(walk_pages(j, "zero_page", "present", NULL) == 16 &&
		       get_u(row, "zero") == 16 &&
		       get_u(row, "rss_bytes") ==
		       (get_u(row, "present_4k") - 16) * PG,
		       "%s/known: 16 zero-page entries, not in rss_bytes", tag);
	} else if (!strcmp(name, "cow")) {
		/* The region's VMA may have merged with a COW neighbour. */
		EXPECT(walk_pages(j, "cow", "present", NULL) == 32 &&
		       get_u(row, "cow_ro") >= 32,
		       "%s/known: parent has 32 COW pages (maps row: %" PRIu64 ")",
		       tag, get_u(row, "cow_ro"));
	} else if (!strcmp(name, "readonly")) {
		EXPECT(walk_pages(j, "write", NULL, NULL) == 0 &&
		       walk_pages(j, NULL, "present", NULL) == 32,
		       "%s/known: 32 present pages, none writable", tag);
	} else if (!strcmp(name, "protnone")) {
		EXPECT(walk_pages(j, NULL, "protnone", NULL) == 32,
		       "%s/known: 32 protnone pages", tag);
	} else if (!strcmp(name, "thp") || !strcmp(name, "hugetlb")) {
		struct json *f = run_json(tag, "walk %d --level pmd", pid);

		EXPECT(get_u(row, "present_2m") == 2 &&
		       walk_pages(j, NULL, "present", "pmd") == 1024 &&
		       f && walk_pages(f, NULL, NULL, "pmd") ==
		       walk_pages(f, NULL, NULL, NULL),
		       "%s/known: two 2M leaves (maps present_2m %" PRIu64 "), --level pmd lists only pmd leaves",
		       tag, get_u(row, "present_2m"));
		json_free(f);
	} else if (!strcmp(name, "pageout")) {
		struct json *f = run_json(tag, "walk %d --state swap", pid);

		if (!get_u(row, "swap"))
			pt_skip("%s/%s/known: nothing was swapped out", tag, who);
		else
			EXPECT(f && walk_pages(f, NULL, "swap", NULL) ==
			       walk_pages(f, NULL, NULL, NULL) &&
			       walk_pages(f, NULL, NULL, NULL) >= get_u(row, "swap"),
			       "%s/known: %" PRIu64 " pages swapped out, --state swap lists only swap entries",
			       tag, get_u(row, "swap"));
		json_free(f);
	}
out:
	json_free(j);
	json_free(m);
}

static void check_text(pid_t pid);

static int last_stage(const char *name)
{
	return !strcmp(name, "mmap100") || !strcmp(name, "cow") ? 2 : 1;
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
		for (i = 0; i < s.npids; i++) {
			if (strcmp(name, "reserve"))
				check_walk(tag, s.pids[i]);
			check_packed_cli(tag, &s, s.pids[i]);
			check_maps(tag, s.pids[i]);
			check_summary(tag, s.pids[i]);
			/*
			 * Three rounds of two commands each: on the layouts
			 * with sharing (fork, shmem, files, THP), as root
			 * (the figures do not depend on who asks); the
			 * walker suite checks every layout, as both users,
			 * through procfs.
			 */
			if (!geteuid() && shares_pages(name))
				check_share(tag, s.pids[i]);
			check_compare(tag, s.pids[i]);
			check_vtop(tag, &s, s.pids[i]);
		}
		known(name, &s, tag);
		if (!strcmp(name, "everyother"))
			check_text(s.pids[0]);
		/*
		 * After its last stage a layout pauses with its stdout open:
		 * waiting for another READY line would wait forever.
		 */
		if (s.stage >= last_stage(name))
			break;
		pt_scenario_continue(&s);
	}
	if (err && err != -EPIPE)
		pt_fail("%s/%s: scenario protocol: %s", name, who,
			strerror(-err));
	pt_scenario_end(&s);
}

/* ---- free ---- */

static long meminfo_kb(const char *key)
{
	return pt_file_field("/proc/meminfo", key);
}

static void check_free(void)
{
	struct cli_result r;
	struct json *j = run_json("free", "free --top 3");
	long total = meminfo_kb("MemTotal"), avail = meminfo_kb("MemAvailable");
	const struct json *top;
	uint64_t prev = UINT64_MAX;
	size_t i;
	bool sorted = true;

	if (!j)
		return;
	/* Fields that do not move between two reads of an idle guest. */
	EXPECT(json_u64(json_path(j, "mem.total")) == (uint64_t)total * 1024 &&
	       json_u64(json_path(j, "swap.total")) ==
	       (uint64_t)meminfo_kb("SwapTotal") * 1024 &&
	       json_u64(json_path(j, "mem.used")) ==
	       json_u64(json_path(j, "mem.total")) -
	       json_u64(json_path(j, "mem.available")) &&
	       json_is_uint(json_path(j, "page_tables.bytes")) &&
	       json_u64(json_path(j, "page_tables.bytes")) % 4096 == 0 &&
	       !strcmp(json_str(json_path(j, "page_tables.part_of")) ?: "", "used"),
	       "free/json: total %ld kB, used = total - available (%ld kB avail), PageTables in used",
	       total, avail);
	top = json_get(j, "top");
	for (i = 0; i < json_len(top); i++) {
		uint64_t b = get_u(json_at(top, i), "vmpte_bytes");

		sorted &= b <= prev;
		prev = b;
	}
	EXPECT(json_len(top) == 3 && sorted,
	       "free/top: 3 processes, largest VmPTE first");
	json_free(j);
	if (!cli_run(&r, true, "ptscope free -m")) {
		EXPECT(!r.status && strstr(r.out, "buff/cache") &&
		       strstr(r.out, "Mem:") && strstr(r.out, "Swap:") &&
		       strstr(r.out, "PageTables:"),
		       "free/text: free's columns and a PageTables row");
		cli_free(&r);
	}
}

/* ---- errors and exit codes ---- */

static void expect_exit(const char *what, int code, const char *msg,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void expect_exit(const char *what, int code, const char *msg,
			const char *fmt, ...)
{
	struct cli_result r;
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (cli_run(&r, true, "%s", cmd)) {
		pt_fail("%s/%s: cannot run %s", what, who, cmd);
		return;
	}
	EXPECT(r.status == code && (!msg || strstr(r.err, msg)) &&
	       !strncmp(r.err, "ptscope", 7) && !r.out_len,
	       "%s: '%s' exits %d with '%s' (got %d: %.*s)", what, cmd, code,
	       msg ?: "a message", r.status, (int)strcspn(r.err, "\n"), r.err);
	cli_free(&r);
}

/* Several PIDs, --vma, -c, and trace's exit status, on this process. */
static void check_cli_plumbing(void)
{
	struct cli_result r;
	const struct json *rows;
	struct json *j;
	const char *err;
	size_t at, i, stacks = 0;
	struct pt_vma *sm = NULL;
	int n, k;
	FILE *f;

	/* vtop of a mapped address: the table and its result line. */
	if (!cli_run(&r, true, "ptscope vtop %d 0x%lx", getpid(),
		     (unsigned long)&r)) {
		EXPECT(r.status == 0 && strstr(r.out, "result") &&
		       strstr(r.out, "pte"),
		       "text/vtop: a stack address exits %d with its levels",
		       r.status);
		cli_free(&r);
	}
	/* Two PIDs: an array of the two objects, in order. */
	j = run_json("plumbing", "maps %d 1", getpid());
	EXPECT(j && json_is(j, JSON_ARR) && json_len(j) == 2 &&
	       get_u(json_at(j, 0), "pid") == (uint64_t)getpid() &&
	       get_u(json_at(j, 1), "pid") == 1 &&
	       json_len(json_get(json_at(j, 1), "vmas")) > 0,
	       "plumbing/pids-json: 'maps PID 1' is an array of both objects");
	json_free(j);
	/* A bad PID among good ones: reported, the good one still shown. */
	if (!cli_run(&r, true, "ptscope maps %d 999999", getpid())) {
		EXPECT(r.status == 1 && strstr(r.err, "no such process: 999999") &&
		       strstr(r.out, "==> pid ") && strstr(r.out, "[stack]"),
		       "plumbing/pids-one-bad: exit %d, the good pid shown, the bad one named",
		       r.status);
		cli_free(&r);
	}
	/* --vma [stack]: exactly the stack's row, per smaps. */
	n = pt_read_smaps(getpid(), &sm);
	for (i = 0; n > 0 && i < (size_t)n; i++)
		stacks += !strcmp(sm[i].name, "[stack]");
	free(sm);
	j = run_json("plumbing", "maps --vma [stack] %d", getpid());
	rows = j ? json_get(j, "vmas") : NULL;
	EXPECT(rows && json_len(rows) == stacks && stacks == 1 &&
	       !strcmp(json_str(json_get(json_at(rows, 0), "path")) ?: "",
		       "[stack]"),
	       "plumbing/vma: 'maps --vma [stack]' lists the stack only (%zu rows)",
	       rows ? json_len(rows) : 0);
	json_free(j);
	/* -c 3 -i 0.05 (and free's own -s): three documents. */
	for (k = 0; k < 2; k++) {
		const char *opt = k ? "-s" : "-i";
		char *line, *save;
		size_t bad = 0;

		if (cli_run(&r, true, "ptscope --json free -c 3 %s 0.05", opt))
			continue;
		/* free's object is one line. */
		i = 0;
		for (line = strtok_r(r.out, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save), i++) {
			j = json_parse(line, &err, &at);
			bad += !j || !json_get(j, "mem");
			json_free(j);
		}
		EXPECT(r.status == 0 && i == 3 && !bad,
		       "plumbing/count%s: 'free -c 3 %s 0.05' printed %zu JSON documents (%zu bad)",
		       opt, opt, i, bad);
		cli_free(&r);
	}
	f = fopen("/tmp/plumbing.sh", "w");
	if (!f)
		return;
	fprintf(f, "[ \"$1\" = --help ] && exit 5\n[ \"$1\" = sig ] && kill -USR1 $$\nexit 7\n");
	fclose(f);
	if (!cli_run(&r, true, "ptscope trace sh /tmp/plumbing.sh")) {
		EXPECT(r.status == 7, "plumbing/trace-status: exit %d, the command's 7",
		       r.status);
		cli_free(&r);
	}
	if (!cli_run(&r, true, "ptscope trace sh /tmp/plumbing.sh --help")) {
		EXPECT(r.status == 5 && !strstr(r.out, "Usage: ptscope"),
		       "plumbing/trace-own-options: '--help' went to the command (exit %d)",
		       r.status);
		cli_free(&r);
	}
	if (!cli_run(&r, true, "ptscope trace sh /tmp/plumbing.sh sig")) {
		EXPECT(r.status == 128 + SIGUSR1,
		       "plumbing/trace-signal: exit %d, 128 + SIGUSR1", r.status);
		cli_free(&r);
	}
	if (!cli_run(&r, true, "ptscope trace /nonexistent")) {
		EXPECT(r.status == 127,
		       "plumbing/trace-not-found: exit %d, 127 as a shell", r.status);
		cli_free(&r);
	}
	unlink("/tmp/plumbing.sh");
}

static void check_errors(pid_t other_user_pid)
{
	static const char *const cmds[] = {
		"maps", "walk", "summary", "compare",
	};
	unsigned int i;

	for (i = 0; i < 4; i++) {
		expect_exit("errors/no-such-pid", 1, "no such process: 999999",
			    "ptscope %s 999999", cmds[i]);
		expect_exit("errors/kthread", 1, "kernel thread",
			    "ptscope --json %s 2", cmds[i]);
		if (other_user_pid > 0 && geteuid())
			expect_exit("errors/other-user", 1, "not permitted",
				    "ptscope %s %d", cmds[i], other_user_pid);
	}
	expect_exit("errors/vtop-no-such-pid", 1, "no such process: 999999",
		    "ptscope vtop 999999 0x1000");
	expect_exit("usage/vtop-json-after", 2, "global option",
		    "ptscope vtop %d 0x1000 --json", getpid());
	/*
	 * On this process, and pid 1: the user pass has dropped its uid,
	 * which leaves it not dumpable, so these run as root only.
	 */
	if (!geteuid()) {
		expect_exit("errors/vtop-no-vma", 1, "in no VMA",
			    "ptscope vtop %d 0", getpid());
		expect_exit("errors/vma-none", 1, "no VMA named",
			    "ptscope maps --vma nosuchname %d", getpid());
		check_cli_plumbing();
	}
	if (other_user_pid > 0 && geteuid())
		expect_exit("errors/vtop-other-user", 1, "not permitted",
			    "ptscope vtop %d 0x1000", other_user_pid);
	expect_exit("errors/vtop-kernel-address", 1, "address above",
		    "ptscope vtop %d 0xffffffff81000000", getpid());
	expect_exit("usage/no-pid", 2, "missing PID", "ptscope walk");
	expect_exit("usage/bad-pid", 2, "bad process id", "ptscope maps 12x");
	expect_exit("usage/bad-addr", 2, "bad address", "ptscope vtop 1 0xzz");
	expect_exit("usage/bad-range", 2, "bad range",
		    "ptscope walk 1 --range 0x3000-0x1000");
	expect_exit("usage/bad-level", 2, "unknown level",
		    "ptscope walk 1 --level pgd");
	expect_exit("usage/bad-state", 2, "unknown state",
		    "ptscope walk 1 --state gone");
	expect_exit("usage/unknown-command", 2, "unknown command",
		    "ptscope frobnicate");
	expect_exit("usage/json-after-command", 2, "global option",
		    "ptscope maps --json 1");
	expect_exit("usage/free-top", 2, "--top", "ptscope free --top 0");
}

/* Every command's text output: exit 0, a header, no JSON. */
static void check_text(pid_t pid)
{
	static const char *const cmds[][2] = {
		{ "maps %d", "/proc/PID/status" },
		{ "walk %d", "flags: p=present" },
		{ "walk %d --pages --level pte", "entries" },
		{ "summary %d", "why they differ" },
		{ "compare %d", "disagree" },
		{ "free -h", "available" },
	};
	struct cli_result r;
	char cmd[64];
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(cmd, sizeof(cmd), cmds[i][0], pid);
		if (cli_run(&r, true, "ptscope %s", cmd))
			continue;
		EXPECT(!r.status && strstr(r.out, cmds[i][1]) && r.out[0] != '{',
		       "text/%s: exits 0 and prints '%s'", cmds[i][0],
		       cmds[i][1]);
		cli_free(&r);
	}
}

/*
 * ---- memory: a per-page walk of a 4 GiB process ----
 *
 * 1 GiB on arm64, where each page is its own netlink attribute (no packed
 * records) and its own JSON line with the Arm bits, under a TCG about
 * three times slower than x86's: 262,144 lines still show the stream.
 */

static void check_memory(void)
{
#if defined(__aarch64__)
	const unsigned long len = 1UL << 30;
#else
	const unsigned long len = 4UL << 30;
#endif
	struct cli_result r;
	struct timespec t0, t1;
	int fds[2];
	char c;
	pid_t child;

	if (pipe(fds))
		return;
	child = fork();
	if (!child) {
		volatile char sum = 0;
		char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE |
			       MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		unsigned long i;

		if (p == MAP_FAILED)
			_exit(1);
		madvise(p, len, MADV_NOHUGEPAGE);
		/* Reads map the zero page: 1M present PTEs, no memory. */
		for (i = 0; i < len; i += PG)
			sum += p[i];
		(void)sum;
		if (write(fds[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) != 1) {
		pt_fail("memory/%s: the %lu GiB process did not start", who,
			len >> 30);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (cli_run(&r, false, "ptscope --json walk %d --pages", child))
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/*
	 * ru_maxrss covers the command and the forked copy of this
	 * program before exec, which is why this runs first, while this
	 * program is small: it is then an upper bound on the tool's peak.
	 */
	EXPECT(!r.status && r.out_lines > len / PG && r.maxrss_kb > 0 &&
	       r.maxrss_kb < 16384,
	       "memory/per-page-%lug: %lu JSON lines (%zu MB) streamed in %.1f s; peak RSS at most %ld kB (< 16 MiB; VmHWM seen %ld kB)",
	       len >> 30, r.out_lines, r.out_len >> 20,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       r.maxrss_kb, r.hwm_kb);
	cli_free(&r);
out:
	close(fds[0]);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

/* ---- the module not loaded: exit 3 and the exact message ---- */

static void check_not_loaded(void)
{
	struct cli_result r;

	if (system("rmmod ptscope") != 0) {
		pt_skip("not-loaded/%s: cannot rmmod ptscope", who);
		return;
	}
	if (!cli_run(&r, true, "ptscope maps 1")) {
		EXPECT(r.status == 3 && !strcmp(r.err,
			"ptscope: kernel module not loaded (sudo modprobe ptscope)\n"),
		       "not-loaded: exit 3 and the exact message (got %d: %s)",
		       r.status, r.err);
		cli_free(&r);
	}
	if (system("insmod /ptscope/ptscope.ko") != 0)
		pt_fail("not-loaded/%s: insmod again failed", who);
}

static const char *const all_layouts[] = {
	"everyother", "mmap100", "readonly", "protnone", "zero", "cow",
	"shared", "file", "thp", "hugetlb", "pageout", "softdirty", "reserve",
	"threads", "thpfork",
};

static void check_memory(void);

static void run_all(int argc, char **argv, pid_t other_user_pid)
{
	unsigned int i;
	int a;

	show_pfn = pt_pfns_visible();
	if (!geteuid() && argc == 1)
		check_memory();
	check_errors(other_user_pid);
	if (argc > 1) {
		for (a = 1; a < argc; a++)
			run_layout(argv[a]);
		return;
	}
	check_free();
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
	levels = pt_paging_levels();
	if (geteuid()) {
		who = "user";
		run_all(argc, argv, 1);
		return pt_summary();
	}
	run_all(argc, argv, 1);
	run_user_pass(argc, argv);
	if (argc == 1)
		check_not_loaded();
	return pt_summary();
}
