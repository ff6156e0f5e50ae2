// SPDX-License-Identifier: GPL-2.0
/*
 * free.c: "ptscope free", free(1)'s rows from /proc/meminfo with the
 * system's page-table memory placed among them, and optionally the
 * processes that use the most of it.
 *
 * The columns are procps-ng 4's: used = MemTotal - MemAvailable (or
 * MemTotal - MemFree when there is no MemAvailable), buff/cache =
 * Buffers + Cached + SReclaimable, shared = Shmem.  Page tables are
 * unreclaimable kernel memory: they sit in "used", never in buff/cache
 * or free.  Needs no module: everything comes from /proc.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parse.h"
#include "pt.h"

#define FREE_TOP_MAX	1000

struct free_args {
	char unit;		/* 'b', 'k', 'm', 'g' or 'h' */
	unsigned int top;
};

static const struct option free_options[] = {
	{ "bytes",	no_argument,		NULL, 'b' },
	{ "kibi",	no_argument,		NULL, 'k' },
	{ "mebi",	no_argument,		NULL, 'm' },
	{ "gibi",	no_argument,		NULL, 'g' },
	{ "human",	no_argument,		NULL, 'h' },
	{ "top",	required_argument,	NULL, 't' },
	{ NULL,		0,			NULL, 0 },
};

static int free_parse(void *p, int argc, char **argv)
{
	struct free_args *a = p;
	uint64_t n;
	const char *why;
	int c;

	a->unit = 'k';
	while ((c = getopt_long(argc, argv, "bkmght:", free_options,
				NULL)) != -1) {
		switch (c) {
		case 'b':
		case 'k':
		case 'm':
		case 'g':
		case 'h':
			a->unit = (char)c;
			break;
		case 't':
			if (parse_number(optarg, &n, &why))
				return usage_error("free", "bad --top '%s': %s",
						   optarg, why);
			if (!n || n > FREE_TOP_MAX)
				return usage_error("free", "--top wants 1 to %d",
						   FREE_TOP_MAX);
			a->top = (unsigned int)n;
			break;
		default:
			return usage_bad_option("free", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("free", "unexpected argument '%s'",
				   argv[optind]);
	return 0;
}

void free_compute(const struct proc_meminfo *mi, struct free_figures *f)
{
	memset(f, 0, sizeof(*f));
	f->total = mi->mem_total;
	f->free = mi->mem_free;
	f->shared = mi->shmem;
	f->buff_cache = mi->buffers + mi->cached + mi->sreclaimable;
	f->available = mi->have & PROC_MI_MEMAVAILABLE ? mi->mem_available :
			mi->mem_free;
	if (mi->have & PROC_MI_MEMAVAILABLE && f->available <= f->total)
		f->used = f->total - f->available;
	else if (f->free <= f->total)
		f->used = f->total - f->free;
	f->swap_total = mi->swap_total;
	f->swap_free = mi->swap_free;
	f->swap_used = mi->swap_free <= mi->swap_total ?
		       mi->swap_total - mi->swap_free : 0;
	f->page_tables = mi->page_tables;
	f->has_sec = mi->have & PROC_MI_SECPAGETABLES;
	f->sec_page_tables = mi->sec_page_tables;
}

static void show_amount(struct out *o, const char *key, char unit,
			uint64_t bytes)
{
	char buf[OUT_SIZE_BUF];

	if (o->json) {
		show_u64(o, key, NULL, bytes);
		return;
	}
	switch (unit) {
	case 'b':
		snprintf(buf, sizeof(buf), "%" PRIu64, bytes);
		break;
	case 'm':
		snprintf(buf, sizeof(buf), "%" PRIu64, bytes >> 20);
		break;
	case 'g':
		snprintf(buf, sizeof(buf), "%" PRIu64, bytes >> 30);
		break;
	case 'h':
		format_size(buf, sizeof(buf), bytes);
		break;
	default:
		snprintf(buf, sizeof(buf), "%" PRIu64, bytes >> 10);
	}
	show_text(o, key, NULL, buf);
}

static const struct out_col free_cols[] = {
	{ "name", "", 7, true, 0, "the row: Mem:, Swap:, PageTables:, SecPageTables:" },
	{ "total", "total", 11, false, 0, "MemTotal, SwapTotal" },
	{ "used", "used", 11, false, 0, "total - available (swap: total - free)" },
	{ "free", "free", 11, false, 0, "MemFree, SwapFree" },
	{ "shared", "shared", 11, false, 0, "Shmem" },
	{ "buff_cache", "buff/cache", 11, false, 0, "Buffers + Cached + SReclaimable" },
	{ "available", "available", 11, false, 0, "MemAvailable" },
};

/* Per mille of @part in @whole, as "1.3%". */
static void percent(char *buf, size_t len, uint64_t part, uint64_t whole)
{
	uint64_t pm = whole ? (part * 1000 + whole / 2) / whole : 0;

	snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%%", pm / 10, pm % 10);
}

/* Their own table, so that free's columns keep free's widths. */
static const struct out_col pt_cols[] = {
	{ "name", "", 7, true, 0, NULL },
	{ "used", "used", 11, false, 0, NULL },
	{ "of_used", "%used", 6, false, 0, NULL },
	{ "of_total", "%total", 6, false, 0, NULL },
};

static void show_pt_row(struct out *o, const char *name, uint64_t bytes,
			const struct free_figures *f, char unit)
{
	char buf[32];

	out_row_open(o);
	show_text(o, "name", NULL, name);
	show_amount(o, "used", unit, bytes);
	percent(buf, sizeof(buf), bytes, f->used);
	show_text(o, "of_used", NULL, buf);
	percent(buf, sizeof(buf), bytes, f->total);
	show_text(o, "of_total", NULL, buf);
	out_row_close(o);
}

static void show_free_text(struct out *o, const struct free_figures *f,
			   char unit)
{
	out_table_open(o, "rows", free_cols, ARRAY_SIZE(free_cols));
	out_row_open(o);
	show_text(o, "name", NULL, "Mem:");
	show_amount(o, "total", unit, f->total);
	show_amount(o, "used", unit, f->used);
	show_amount(o, "free", unit, f->free);
	show_amount(o, "shared", unit, f->shared);
	show_amount(o, "buff_cache", unit, f->buff_cache);
	show_amount(o, "available", unit, f->available);
	out_row_close(o);
	out_row_open(o);
	show_text(o, "name", NULL, "Swap:");
	show_amount(o, "total", unit, f->swap_total);
	show_amount(o, "used", unit, f->swap_used);
	show_amount(o, "free", unit, f->swap_free);
	out_row_close(o);
	out_table_close(o);
	out_blank(o);
	out_table_open(o, "page_tables", pt_cols, ARRAY_SIZE(pt_cols));
	show_pt_row(o, "PageTables:", f->page_tables, f, unit);
	if (f->has_sec)
		show_pt_row(o, "SecPageTables:", f->sec_page_tables, f, unit);
	out_table_close(o);
}

static void show_free_json(struct out *o, const struct free_figures *f)
{
	out_obj_open(o, "mem", NULL);
	show_u64(o, "total", NULL, f->total);
	show_u64(o, "used", NULL, f->used);
	show_u64(o, "free", NULL, f->free);
	show_u64(o, "shared", NULL, f->shared);
	show_u64(o, "buff_cache", NULL, f->buff_cache);
	show_u64(o, "available", NULL, f->available);
	out_obj_close(o);
	out_obj_open(o, "swap", NULL);
	show_u64(o, "total", NULL, f->swap_total);
	show_u64(o, "used", NULL, f->swap_used);
	show_u64(o, "free", NULL, f->swap_free);
	out_obj_close(o);
	out_obj_open(o, "page_tables", NULL);
	show_u64(o, "bytes", NULL, f->page_tables);
	if (f->has_sec)
		show_u64(o, "sec_bytes", NULL, f->sec_page_tables);
	else
		show_null(o, "sec_bytes", NULL);
	show_str(o, "part_of", NULL, "used");
	out_obj_close(o);
}

struct top_entry {
	pid_t pid;
	uint64_t vm_pte;
	char name[64];
};

static void read_name(pid_t pid, char *name, size_t len)
{
	char path[64], line[256];
	FILE *f;

	snprintf(name, len, "?");
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f) && !strncmp(line, "Name:", 5)) {
		char *p = line + 5;

		while (*p == ' ' || *p == '\t')
			p++;
		p[strcspn(p, "\n")] = '\0';
		if (strlen(p) >= len)
			p[len - 1] = '\0';
		memcpy(name, p, strlen(p) + 1);
	}
	fclose(f);
}

/* Keeps the @n largest in @top, largest first; returns how many. */
static unsigned int scan_top(struct top_entry *top, unsigned int n)
{
	struct proc_status st;
	struct dirent *d;
	unsigned int have = 0, i;
	DIR *dir;
	long pid;
	char *end;

	dir = opendir("/proc");
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		pid = strtol(d->d_name, &end, 10);
		if (*end || proc_read_status((pid_t)pid, &st) ||
		    !(st.have & PROC_ST_VMPTE))
			continue;
		if (have == n && top[n - 1].vm_pte >= st.vm_pte)
			continue;
		i = have < n ? have++ : n - 1;
		while (i > 0 && top[i - 1].vm_pte < st.vm_pte) {
			top[i] = top[i - 1];
			i--;
		}
		top[i].pid = (pid_t)pid;
		top[i].vm_pte = st.vm_pte;
	}
	closedir(dir);
	for (i = 0; i < have; i++)
		read_name(top[i].pid, top[i].name, sizeof(top[i].name));
	return have;
}

static const struct out_col top_cols[] = {
	{ "pid", "PID", 7, false, 0, "process id" },
	{ "vmpte_bytes", "VmPTE", 8, false, 0, "its page tables, from /proc/PID/status" },
	{ "name", "NAME", 0, true, OUT_COL_WRAP, "its name" },
};

static int show_top(struct out *o, unsigned int n)
{
	struct top_entry *top = calloc(n, sizeof(*top));
	unsigned int have, i;

	if (!top) {
		fprintf(stderr, "ptscope: out of memory\n");
		return -ENOMEM;
	}
	have = scan_top(top, n);
	out_blank(o);
	out_table_open(o, "top", top_cols, ARRAY_SIZE(top_cols));
	for (i = 0; i < have; i++) {
		out_row_open(o);
		show_u64(o, "pid", NULL, top[i].pid);
		show_size(o, "vmpte_bytes", NULL, top[i].vm_pte);
		show_str(o, "name", NULL, top[i].name);
		out_row_close(o);
	}
	out_table_close(o);
	free(top);
	return 0;
}

static int free_run(struct ptscope_ctx *ctx, const void *args)
{
	const struct free_args *a = args;
	struct out *o = ctx->out;
	struct proc_meminfo mi;
	struct free_figures f;
	int err;

	err = proc_read_meminfo(&mi);
	if (err) {
		fprintf(stderr, "ptscope: cannot read /proc/meminfo: %s\n",
			strerror(-err));
		return err;
	}
	free_compute(&mi, &f);
	out_obj_open(o, NULL, NULL);
	if (o->json)
		show_free_json(o, &f);
	else
		show_free_text(o, &f, o->opts.bytes ? 'b' : a->unit);
	out_legend(o, "\nPage tables are kernel memory that is never reclaimed as cache: they are\n"
		   "counted in \"used\", not in \"buff/cache\" or \"available\".\n");
	if (a->top)
		err = show_top(o, a->top);
	out_obj_close(o);
	return err;
}

const struct ptscope_command cmd_free = {
	.name = "free",
	.synopsis = "[-b|-k|-m|-g|-h] [--top N] [-i|-s SECONDS] [-c COUNT]",
	.summary = "free(1)'s summary with the system's page-table memory",
	.help = "Options:\n"
		"  -b, -k, -m, -g  show bytes, KiB (default), MiB or GiB\n"
		"  -h, --human     sizes in Ki/Mi/Gi, rounded as free -h rounds them\n"
		"                  (here -h is not help; use --help)\n"
		"  --top N         also list the N processes with the most page-table\n"
		"                  memory (VmPTE)\n"
		REPEAT_OPTION_HELP
		"\n"
		"used = total - available, buff/cache = Buffers + Cached + SReclaimable,\n"
		"as procps-ng 4's free.  JSON sizes are always bytes.  Needs no module.\n",
	.flags = CMD_F_REPEAT,
	.args_size = sizeof(struct free_args),
	.columns = free_cols,
	.ncolumns = ARRAY_SIZE(free_cols),
	.parse = free_parse,
	.run = free_run,
};
