// SPDX-License-Identifier: GPL-2.0
/*
 * pt.c: the shared half of the page-table commands (see pt.h): parsing
 * the module's VMA, range and summary replies, naming levels, states
 * and flags for people and for JSON, and joining VMAs with maps.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <linux/genetlink.h>

#include "pt.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- names ---- */

static const char *const level_names[__PTSCOPE_LEVEL_CNT] = {
	[PTSCOPE_LEVEL_NONE] = "none",
	[PTSCOPE_LEVEL_PTE] = "pte",
	[PTSCOPE_LEVEL_PMD] = "pmd",
	[PTSCOPE_LEVEL_PUD] = "pud",
	[PTSCOPE_LEVEL_P4D] = "p4d",
	[PTSCOPE_LEVEL_PGD] = "pgd",
};

static const char *const state_names[__PTSCOPE_STATE_CNT] = {
	[PTSCOPE_STATE_NONE] = "none",
	[PTSCOPE_STATE_PRESENT] = "present",
	[PTSCOPE_STATE_PROTNONE] = "protnone",
	[PTSCOPE_STATE_SWAP] = "swap",
	[PTSCOPE_STATE_MIGRATION] = "migration",
	[PTSCOPE_STATE_DEVICE] = "device",
	[PTSCOPE_STATE_MARKER] = "marker",
	[PTSCOPE_STATE_HWPOISON] = "hwpoison",
	[PTSCOPE_STATE_OTHER] = "other",
};

const char *pt_level_name(unsigned int level)
{
	return level < ARRAY_LEN(level_names) ? level_names[level] : "unknown";
}

const char *pt_state_name(unsigned int state)
{
	return state < ARRAY_LEN(state_names) ? state_names[state] : "unknown";
}

static int find_name(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return (int)i;
	return -1;
}

int pt_level_from_name(const char *name)
{
	return find_name(level_names, ARRAY_LEN(level_names), name);
}

int pt_state_from_name(const char *name)
{
	return find_name(state_names, ARRAY_LEN(state_names), name);
}

void pt_vm_perms(uint64_t vm_flags, char perms[5])
{
	perms[0] = vm_flags & PT_VM_READ ? 'r' : '-';
	perms[1] = vm_flags & PT_VM_WRITE ? 'w' : '-';
	perms[2] = vm_flags & PT_VM_EXEC ? 'x' : '-';
	perms[3] = vm_flags & PT_VM_MAYSHARE ? 's' : 'p';
	perms[4] = '\0';
}

bool pt_state_has_frame(unsigned int state)
{
	return state == PTSCOPE_STATE_PRESENT ||
	       state == PTSCOPE_STATE_PROTNONE ||
	       state == PTSCOPE_STATE_MIGRATION ||
	       state == PTSCOPE_STATE_DEVICE;
}

uint64_t pt_level_size(unsigned int level)
{
	switch (level) {
	case PTSCOPE_LEVEL_PUD:
		return 1ULL << 30;
	case PTSCOPE_LEVEL_PMD:
		return 1ULL << 21;
	default:
		return PT_PAGE_SIZE;
	}
}

/* ---- flags ---- */

/* Column order of the letters; the legend lists them in this order. */
static const struct {
	unsigned int bit;
	char letter;
} flag_cols[PT_FLAG_LETTERS_LEN - 1] = {
	{ PTSCOPE_FB_PRESENT, 'p' },
	{ PTSCOPE_FB_WRITE, 'w' },
	{ PTSCOPE_FB_USER, 'u' },
	{ PTSCOPE_FB_ACCESSED, 'a' },
	{ PTSCOPE_FB_DIRTY, 'd' },
	{ PTSCOPE_FB_NX, 'n' },
	{ PTSCOPE_FB_GLOBAL, 'g' },
	{ PTSCOPE_FB_SOFT_DIRTY, 's' },
	{ PTSCOPE_FB_UFFD_WP, 'U' },
	{ PTSCOPE_FB_SPECIAL, 'S' },
	{ PTSCOPE_FB_HUGE, 'h' },
	{ PTSCOPE_FB_ZERO_PAGE, 'z' },
	{ PTSCOPE_FB_COW, 'c' },
	{ PTSCOPE_FB_SHARED, 'm' },
	{ PTSCOPE_FB_EXCLUSIVE, 'e' },
};

const char pt_flag_legend[] =
	"flags: p=present w=write u=user a=accessed d=dirty n=no-exec g=global\n"
	"       s=soft-dirty U=uffd-wp S=special h=huge z=zero-page\n"
	"       c=copy-on-write (read-only in a writable private mapping)\n"
	"       m=frame mapped more than once e=anon-exclusive";

void pt_flag_letters(uint64_t flags, char *buf)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(flag_cols); i++)
		buf[i] = flags & (1ULL << flag_cols[i].bit) ?
			 flag_cols[i].letter : '-';
	buf[i] = '\0';
}

/* The contract's nine keys first; the rest were added after it. */
static const struct {
	const char *key;
	unsigned int bit;
} flag_keys[] = {
	{ "write", PTSCOPE_FB_WRITE },
	{ "user", PTSCOPE_FB_USER },
	{ "accessed", PTSCOPE_FB_ACCESSED },
	{ "dirty", PTSCOPE_FB_DIRTY },
	{ "nx", PTSCOPE_FB_NX },
	{ "global", PTSCOPE_FB_GLOBAL },
	{ "soft_dirty", PTSCOPE_FB_SOFT_DIRTY },
	{ "uffd_wp", PTSCOPE_FB_UFFD_WP },
	{ "special", PTSCOPE_FB_SPECIAL },
	{ "present", PTSCOPE_FB_PRESENT },
	{ "huge", PTSCOPE_FB_HUGE },
	{ "zero_page", PTSCOPE_FB_ZERO_PAGE },
	{ "cow", PTSCOPE_FB_COW },
	{ "shared", PTSCOPE_FB_SHARED },
	{ "exclusive", PTSCOPE_FB_EXCLUSIVE },
};

void show_entry_flags(struct out *o, uint64_t flags)
{
	char letters[PT_FLAG_LETTERS_LEN];
	size_t i;

	out_obj_open(o, "flags", NULL);
	for (i = 0; i < ARRAY_LEN(flag_keys); i++)
		show_bool(o, flag_keys[i].key, NULL,
			  flags & (1ULL << flag_keys[i].bit));
	out_obj_close(o);
	pt_flag_letters(flags, letters);
	show_text(o, "flags", "flags", letters);
}

#if defined(__aarch64__)
/* One letter per PTSCOPE_ARM64B_* bit, in its order, as the module's. */
static const struct {
	const char *key;
	char letter;
} arm64_bits[PT_ARCH_LETTERS_LEN - 1] = {
	[PTSCOPE_ARM64B_VALID] = { "valid", 'v' },
	[PTSCOPE_ARM64B_TABLE] = { "table", 't' },
	[PTSCOPE_ARM64B_AP_EL0] = { "ap_el0", 'e' },
	[PTSCOPE_ARM64B_AP_RDONLY] = { "ap_rdonly", 'r' },
	[PTSCOPE_ARM64B_UXN] = { "uxn", 'U' },
	[PTSCOPE_ARM64B_PXN] = { "pxn", 'P' },
	[PTSCOPE_ARM64B_AF] = { "af", 'A' },
	[PTSCOPE_ARM64B_NG] = { "ng", 'n' },
	[PTSCOPE_ARM64B_CONT] = { "contiguous", 'C' },
	[PTSCOPE_ARM64B_DBM] = { "dbm", 'D' },
	[PTSCOPE_ARM64B_GP] = { "gp", 'g' },
	[PTSCOPE_ARM64B_SW_DIRTY] = { "sw_dirty", 'd' },
	[PTSCOPE_ARM64B_SH_IN_TCR] = { "lpa2", 'L' },
};

static const char *const memtype_names[__PTSCOPE_MT_CNT] = {
	[PTSCOPE_MT_UNKNOWN] = "unknown",
	[PTSCOPE_MT_NORMAL_WB] = "normal-wb",
	[PTSCOPE_MT_NORMAL_NC] = "normal-nc",
	[PTSCOPE_MT_NORMAL_WT] = "normal-wt",
	[PTSCOPE_MT_NORMAL_TAGGED] = "normal-tagged",
	[PTSCOPE_MT_DEVICE_NGNRNE] = "device-nGnRnE",
	[PTSCOPE_MT_DEVICE_NGNRE] = "device-nGnRE",
	[PTSCOPE_MT_DEVICE_NGRE] = "device-nGRE",
	[PTSCOPE_MT_DEVICE_GRE] = "device-GRE",
	[PTSCOPE_MT_OTHER] = "other",
};

static const char *const sh_names[4] = { "non", "reserved", "outer", "inner" };

const char pt_arch_legend[] =
	"arm64: v=valid t=table/page (clear: block) e=EL0 access (AP[1])\n"
	"       r=read-only (AP[2]) U=UXN P=PXN A=access flag n=not global\n"
	"       C=contiguous hint D=DBM (writable; dirty once r clears)\n"
	"       g=guarded (BTI) d=software dirty L=LPA2 (SH in TCR_EL1)\n";

void show_arch_bits(struct out *o, const struct pt_range *r)
{
	char letters[PT_ARCH_LETTERS_LEN];
	unsigned int sh;
	size_t i;

	if (!r->has_arch) {
		show_null(o, "arm64", NULL);
		show_null(o, "shareability", NULL);
		show_null(o, "memtype", NULL);
		return;
	}
	out_obj_open(o, "arm64", NULL);
	for (i = 0; i < ARRAY_LEN(arm64_bits); i++)
		show_bool(o, arm64_bits[i].key, NULL, r->arch & (1ULL << i));
	show_u64(o, "attrindx", NULL,
		 (r->arch & PTSCOPE_ARM64_ATTRINDX_MASK) >>
		 PTSCOPE_ARM64_ATTRINDX_SHIFT);
	out_obj_close(o);
	for (i = 0; i < ARRAY_LEN(arm64_bits); i++)
		letters[i] = r->arch & (1ULL << i) ? arm64_bits[i].letter : '-';
	letters[i] = '\0';
	show_text(o, "arm64", NULL, letters);
	sh = (r->arch & PTSCOPE_ARM64_SH_MASK) >> PTSCOPE_ARM64_SH_SHIFT;
	if (!(r->arch & PTSCOPE_ARM64(VALID)) ||
	    (r->arch & PTSCOPE_ARM64(TABLE) && r->level != PTSCOPE_LEVEL_PTE)) {
		/* Table entries carry no shareability of their own. */
		show_null(o, "shareability", NULL);
	} else if (r->arch & PTSCOPE_ARM64(SH_IN_TCR)) {
		show_str(o, "shareability", NULL, "tcr");
	} else if (o->json) {
		show_str(o, "shareability", NULL, sh_names[sh]);
	} else {
		show_text(o, "shareability", NULL,
			  sh == 3 ? "ish" : sh == 2 ? "osh" : sh ? "res" : "non");
	}
	if (!r->memtype)
		show_null(o, "memtype", NULL);
	else
		show_str(o, "memtype", NULL, r->memtype < __PTSCOPE_MT_CNT ?
			 memtype_names[r->memtype] : "unknown");
}
#else
const char pt_arch_legend[] = "";

void show_arch_bits(struct out *o, const struct pt_range *r)
{
	(void)o;
	(void)r;
}
#endif

void show_pages(struct out *o, const char *key, const char *label,
		uint64_t pages)
{
	char buf[OUT_SIZE_BUF];

	if (o->json) {
		show_u64(o, key, label, pages);
		return;
	}
	out_format_size(o, buf, sizeof(buf), pages * PT_PAGE_SIZE);
	show_text(o, key, label, buf);
}

int format_diff(char *buf, size_t len, int64_t bytes)
{
	uint64_t mag;
	int n;

	if (!bytes)
		return format_size(buf, len, 0);
	mag = bytes < 0 ? -(uint64_t)bytes : (uint64_t)bytes;
	n = snprintf(buf, len, "%c", bytes < 0 ? '-' : '+');
	if (n < 0 || (size_t)n >= len)
		return n;
	return n + format_size(buf + n, len - n, mag);
}

void show_diff(struct out *o, const char *key, const char *label,
	       int64_t bytes)
{
	char buf[OUT_SIZE_BUF + 2];

	if (o->json) {
		show_s64(o, key, label, bytes);
		return;
	}
	if (o->opts.bytes)
		snprintf(buf, sizeof(buf), "%+" PRId64, bytes);
	else
		format_diff(buf, sizeof(buf), bytes);
	show_text(o, key, label, buf);
}

/* ---- parsing replies ---- */

static const enum mnl_attr_data_type stat_policy[PTSCOPE_STAT_MAX + 1] = {
	[PTSCOPE_STAT_LEAVES_PTE ... PTSCOPE_STAT_MAX] = MNL_TYPE_U64,
};

int pt_parse_stats(const struct nlattr *nest, struct pt_stats *st)
{
	const struct nlattr *tb[PTSCOPE_STAT_MAX + 1];
	unsigned int i;
	int err;

	memset(st, 0, sizeof(*st));
	if (!nest)
		return 0;
	err = nl_parse_nest(nest, stat_policy, PTSCOPE_STAT_MAX, tb);
	if (err)
		return err;
	for (i = PTSCOPE_STAT_LEAVES_PTE; i <= PTSCOPE_STAT_MAX; i++)
		if (tb[i])
			st->v[i] = mnl_attr_get_u64(tb[i]);
	st->have_share = tb[PTSCOPE_STAT_PSS] != NULL;
	return 0;
}

static const struct {
	unsigned int stat;
	const char *key;
} share_keys[] = {
	{ PTSCOPE_STAT_PRIVATE_CLEAN, "private_clean" },
	{ PTSCOPE_STAT_PRIVATE_DIRTY, "private_dirty" },
	{ PTSCOPE_STAT_SHARED_CLEAN, "shared_clean" },
	{ PTSCOPE_STAT_SHARED_DIRTY, "shared_dirty" },
};

void pt_share_sum(struct pt_stats *to, const struct pt_stats *from)
{
	unsigned int i;

	for (i = PTSCOPE_STAT_PRIVATE_CLEAN; i <= PTSCOPE_STAT_PSS; i++)
		to->v[i] += from->v[i];
	to->have_share = from->have_share;
}

void show_share(struct out *o, const struct pt_stats *st, bool labels)
{
	const uint64_t *v = st->v;
	unsigned int i;

	if (!st->have_share) {
		show_null(o, "uss_bytes", labels ? "USS" : NULL);
		show_null(o, "pss_bytes", labels ? "PSS" : NULL);
		for (i = 0; i < sizeof(share_keys) / sizeof(share_keys[0]); i++)
			show_null(o, share_keys[i].key, NULL);
		return;
	}
	/* USS: the pages only this process maps, smaps' Private_*. */
	show_size(o, "uss_bytes", labels ? "USS" : NULL,
		  (v[PTSCOPE_STAT_PRIVATE_CLEAN] +
		   v[PTSCOPE_STAT_PRIVATE_DIRTY]) * PT_PAGE_SIZE);
	show_size(o, "pss_bytes", labels ? "PSS" : NULL,
		  v[PTSCOPE_STAT_PSS] >> PTSCOPE_PSS_SHIFT);
	if (!o->json)
		return;
	for (i = 0; i < sizeof(share_keys) / sizeof(share_keys[0]); i++)
		show_u64(o, share_keys[i].key, NULL, v[share_keys[i].stat]);
}

static const enum mnl_attr_data_type vma_policy[PTSCOPE_VMA_MAX + 1] = {
	[PTSCOPE_VMA_START] = MNL_TYPE_U64,
	[PTSCOPE_VMA_END] = MNL_TYPE_U64,
	[PTSCOPE_VMA_FLAGS] = MNL_TYPE_U64,
	[PTSCOPE_VMA_PGOFF] = MNL_TYPE_U64,
	[PTSCOPE_VMA_STATS] = MNL_TYPE_NESTED,
};

static uint64_t get_u64(const struct nlattr *a)
{
	return a ? mnl_attr_get_u64(a) : 0;
}

static int missing(const char *what)
{
	fprintf(stderr, "ptscope: the module's reply lacks the %s; check that the tool and module versions match\n",
		what);
	return -EPROTO;
}

int pt_parse_vma(const struct nlattr *nest, struct pt_vma *v)
{
	const struct nlattr *tb[PTSCOPE_VMA_MAX + 1];
	int err;

	memset(v, 0, sizeof(*v));
	err = nl_parse_nest(nest, vma_policy, PTSCOPE_VMA_MAX, tb);
	if (err)
		return err;
	if (!tb[PTSCOPE_VMA_START] || !tb[PTSCOPE_VMA_END])
		return missing("VMA's start or end");
	v->start = get_u64(tb[PTSCOPE_VMA_START]);
	v->end = get_u64(tb[PTSCOPE_VMA_END]);
	v->flags = get_u64(tb[PTSCOPE_VMA_FLAGS]);
	v->pgoff = get_u64(tb[PTSCOPE_VMA_PGOFF]);
	return pt_parse_stats(tb[PTSCOPE_VMA_STATS], &v->st);
}

static const enum mnl_attr_data_type range_policy[PTSCOPE_RANGE_MAX + 1] = {
	[PTSCOPE_RANGE_START] = MNL_TYPE_U64,
	[PTSCOPE_RANGE_END] = MNL_TYPE_U64,
	[PTSCOPE_RANGE_LEVEL] = MNL_TYPE_U8,
	[PTSCOPE_RANGE_STATE] = MNL_TYPE_U8,
	[PTSCOPE_RANGE_FLAGS] = MNL_TYPE_U64,
	[PTSCOPE_RANGE_PFN] = MNL_TYPE_U64,
	[PTSCOPE_RANGE_RAW] = MNL_TYPE_U64,
	[PTSCOPE_RANGE_SWAP_TYPE] = MNL_TYPE_U32,
	[PTSCOPE_RANGE_SWAP_OFFSET] = MNL_TYPE_U64,
	[PTSCOPE_RANGE_COUNT] = MNL_TYPE_U64,
	[PTSCOPE_RANGE_INDEX] = MNL_TYPE_U32,
	[PTSCOPE_RANGE_ENTRY_PHYS] = MNL_TYPE_U64,
	[PTSCOPE_RANGE_ARCH] = MNL_TYPE_U64,
	[PTSCOPE_RANGE_MEMTYPE] = MNL_TYPE_U8,
};

int pt_parse_range(const struct nlattr *nest, struct pt_range *r)
{
	const struct nlattr *tb[PTSCOPE_RANGE_MAX + 1];
	int err;

	memset(r, 0, sizeof(*r));
	err = nl_parse_nest(nest, range_policy, PTSCOPE_RANGE_MAX, tb);
	if (err)
		return err;
	if (!tb[PTSCOPE_RANGE_LEVEL] || !tb[PTSCOPE_RANGE_STATE])
		return missing("entry's level or state");
	r->start = get_u64(tb[PTSCOPE_RANGE_START]);
	r->end = get_u64(tb[PTSCOPE_RANGE_END]);
	r->count = get_u64(tb[PTSCOPE_RANGE_COUNT]);
	r->level = mnl_attr_get_u8(tb[PTSCOPE_RANGE_LEVEL]);
	r->state = mnl_attr_get_u8(tb[PTSCOPE_RANGE_STATE]);
	r->flags = get_u64(tb[PTSCOPE_RANGE_FLAGS]);
	r->pfn = get_u64(tb[PTSCOPE_RANGE_PFN]);
	r->raw = get_u64(tb[PTSCOPE_RANGE_RAW]);
	r->has_swap = tb[PTSCOPE_RANGE_SWAP_TYPE] != NULL;
	if (r->has_swap)
		r->swap_type = mnl_attr_get_u32(tb[PTSCOPE_RANGE_SWAP_TYPE]);
	r->swap_offset = get_u64(tb[PTSCOPE_RANGE_SWAP_OFFSET]);
	if (tb[PTSCOPE_RANGE_INDEX])
		r->index = mnl_attr_get_u32(tb[PTSCOPE_RANGE_INDEX]);
	r->entry_phys = get_u64(tb[PTSCOPE_RANGE_ENTRY_PHYS]);
	r->has_arch = tb[PTSCOPE_RANGE_ARCH] != NULL;
	r->arch = get_u64(tb[PTSCOPE_RANGE_ARCH]);
	if (tb[PTSCOPE_RANGE_MEMTYPE])
		r->memtype = mnl_attr_get_u8(tb[PTSCOPE_RANGE_MEMTYPE]);
	return 0;
}

static uint64_t le64_at(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32_at(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* One record (see struct ptscope_page) into its rows. */
static int pages_record(const unsigned char *p, pt_range_cb cb, void *data)
{
	uint64_t info = le64_at(p + offsetof(struct ptscope_page, start_info));
	uint64_t pages = le32_at(p + offsetof(struct ptscope_page, pages));
	uint64_t i, rows = 1, step = 0;
	struct pt_range r;
	int err;

	memset(&r, 0, sizeof(r));
	r.start = info & PTSCOPE_PAGE_ADDR_MASK;
	r.state = info & PTSCOPE_PAGE_STATE_MASK;
	r.level = (info & PTSCOPE_PAGE_LEVEL_MASK) >> PTSCOPE_PAGE_LEVEL_SHIFT;
	r.raw = le64_at(p + offsetof(struct ptscope_page, raw));
	r.pfn = le64_at(p + offsetof(struct ptscope_page, pfn));
	r.flags = le32_at(p + offsetof(struct ptscope_page, flags));
	r.count = 1;
	if (!pages || r.start + pages * PT_PAGE_SIZE < r.start) {
		fprintf(stderr, "ptscope: malformed page record from the kernel module; check that the tool and module versions match\n");
		return -EPROTO;
	}
	if (r.state == PTSCOPE_STATE_SWAP) {
		r.has_swap = true;
		r.swap_type = (info & PTSCOPE_PAGE_SWAP_TYPE_MASK) >>
			      PTSCOPE_PAGE_SWAP_TYPE_SHIFT;
		r.swap_offset = r.pfn;
		r.pfn = 0;
	}
	if (r.level == PTSCOPE_LEVEL_PTE && r.state != PTSCOPE_STATE_NONE) {
		rows = pages;
		pages = 1;
		step = (r.pfn || r.swap_offset) ? 1 : 0;
	}
	for (i = 0; i < rows; i++) {
		r.end = r.start + pages * PT_PAGE_SIZE;
		err = cb(&r, data);
		if (err)
			return err;
		r.start = r.end;
		r.pfn += r.pfn ? step : 0;
		r.swap_offset += r.swap_offset ? step : 0;
		r.raw += step * PT_PAGE_SIZE;
	}
	return 0;
}

int pt_parse_pages(const struct nlattr *a, pt_range_cb cb, void *data)
{
	const unsigned char *p = mnl_attr_get_payload(a);
	size_t len = mnl_attr_get_payload_len(a), off;
	int err;

	if (len % sizeof(struct ptscope_page)) {
		fprintf(stderr, "ptscope: malformed page records from the kernel module (%zu bytes); check that the tool and module versions match\n",
			len);
		return -EPROTO;
	}
	for (off = 0; off < len; off += sizeof(struct ptscope_page)) {
		err = pages_record(p + off, cb, data);
		if (err)
			return err;
	}
	return 0;
}

uint64_t pt_vma_rss_pages(const struct pt_vma *v)
{
	uint64_t rss = v->st.v[PTSCOPE_STAT_RSS];
	uint64_t zero = v->st.v[PTSCOPE_STAT_ZERO];

	if (v->flags & (PT_VM_HUGETLB | PT_VM_PFNMAP))
		return 0;
	return rss > zero ? rss - zero : 0;
}

/* ---- requests ---- */

static const enum mnl_attr_data_type info_top_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_INFO] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type info_policy[PTSCOPE_INFO_MAX + 1] = {
	[PTSCOPE_INFO_LEVELS] = MNL_TYPE_U32,
	[PTSCOPE_INFO_TASK_SIZE] = MNL_TYPE_U64,
	[PTSCOPE_INFO_SHOW_PFN] = MNL_TYPE_FLAG,
	[PTSCOPE_INFO_REQ_FLAGS] = MNL_TYPE_U32,
};

static int info_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[PTSCOPE_A_MAX + 1];
	const struct nlattr *tb[PTSCOPE_INFO_MAX + 1];
	struct pt_info *info = data;
	int err;

	err = nl_parse_reply(nlh, info_top_policy, PTSCOPE_A_MAX, top);
	if (err)
		return err;
	if (!top[PTSCOPE_A_INFO])
		return missing("info");
	err = nl_parse_nest(top[PTSCOPE_A_INFO], info_policy,
			    PTSCOPE_INFO_MAX, tb);
	if (err)
		return err;
	if (tb[PTSCOPE_INFO_LEVELS])
		info->levels = mnl_attr_get_u32(tb[PTSCOPE_INFO_LEVELS]);
	info->task_size = get_u64(tb[PTSCOPE_INFO_TASK_SIZE]);
	info->show_pfn = tb[PTSCOPE_INFO_SHOW_PFN] != NULL;
	if (tb[PTSCOPE_INFO_REQ_FLAGS])
		info->req_flags = mnl_attr_get_u32(tb[PTSCOPE_INFO_REQ_FLAGS]);
	return 0;
}

int pt_get_info(struct nl_ctx *nl, struct pt_info *info)
{
	memset(info, 0, sizeof(*info));
	return nl_doit(nl, nl_req(nl, PTSCOPE_CMD_GET_INFO), info_cb, info);
}

static const enum mnl_attr_data_type sum_top_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_SUMMARY] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type sum_policy[PTSCOPE_SUM_MAX + 1] = {
	[PTSCOPE_SUM_TABLES_PGD ... PTSCOPE_SUM_VMAS] = MNL_TYPE_U64,
	[PTSCOPE_SUM_STATS] = MNL_TYPE_NESTED,
};

struct summary_reply {
	struct pt_summary *s;
	bool seen;
};

static int summary_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[PTSCOPE_A_MAX + 1];
	const struct nlattr *tb[PTSCOPE_SUM_MAX + 1];
	struct summary_reply *r = data;
	struct pt_summary *s = r->s;
	int err;

	err = nl_parse_reply(nlh, sum_top_policy, PTSCOPE_A_MAX, top);
	if (err)
		return err;
	/* The dump's messages before the last carry no summary. */
	if (!top[PTSCOPE_A_SUMMARY])
		return 0;
	err = nl_parse_nest(top[PTSCOPE_A_SUMMARY], sum_policy,
			    PTSCOPE_SUM_MAX, tb);
	if (err)
		return err;
	s->tables[PTSCOPE_LEVEL_PGD] = get_u64(tb[PTSCOPE_SUM_TABLES_PGD]);
	s->tables[PTSCOPE_LEVEL_P4D] = get_u64(tb[PTSCOPE_SUM_TABLES_P4D]);
	s->tables[PTSCOPE_LEVEL_PUD] = get_u64(tb[PTSCOPE_SUM_TABLES_PUD]);
	s->tables[PTSCOPE_LEVEL_PMD] = get_u64(tb[PTSCOPE_SUM_TABLES_PMD]);
	s->tables[PTSCOPE_LEVEL_PTE] = get_u64(tb[PTSCOPE_SUM_TABLES_PTE]);
	s->deposited = get_u64(tb[PTSCOPE_SUM_DEPOSITED]);
	s->counted_bytes = get_u64(tb[PTSCOPE_SUM_COUNTED_BYTES]);
	s->pgtables_bytes = get_u64(tb[PTSCOPE_SUM_PGTABLES_BYTES]);
	s->vmas = get_u64(tb[PTSCOPE_SUM_VMAS]);
	r->seen = true;
	return pt_parse_stats(tb[PTSCOPE_SUM_STATS], &s->st);
}

int pt_get_summary(struct nl_ctx *nl, pid_t pid, struct pt_summary *s)
{
	struct summary_reply r = { .s = s };
	struct nlmsghdr *req;
	int err;

	memset(s, 0, sizeof(*s));
	req = nl_req(nl, PTSCOPE_CMD_GET_SUMMARY);
	mnl_attr_put_u32(req, PTSCOPE_A_PID, (uint32_t)pid);
	/* A dump: the kernel walks in bounded steps, one message each. */
	err = nl_dump(nl, req, summary_cb, &r);
	if (!err && !r.seen)
		err = missing("summary");
	return err;
}


struct dump_state {
	unsigned int type;	/* PTSCOPE_A_VMA or PTSCOPE_A_RANGE */
	pt_vma_cb vma_cb;
	pt_range_cb range_cb;
	void *data;
};

/* A dump message holds many nests of one type: walk them in order. */
static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_state *d = data;
	const struct nlattr *a;
	struct pt_range r;
	struct pt_vma v;
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return missing("message header");
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (d->type == PTSCOPE_A_RANGE &&
		    mnl_attr_get_type(a) == PTSCOPE_A_PAGES) {
			err = pt_parse_pages(a, d->range_cb, d->data);
			if (err)
				return err;
			continue;
		}
		if (mnl_attr_get_type(a) != d->type)
			continue;
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			return missing("nested entry");
		if (d->type == PTSCOPE_A_VMA) {
			err = pt_parse_vma(a, &v);
			if (!err)
				err = d->vma_cb(&v, d->data);
		} else {
			err = pt_parse_range(a, &r);
			if (!err)
				err = d->range_cb(&r, d->data);
		}
		if (err)
			return err;
	}
	return 0;
}

static struct nlmsghdr *dump_req(struct nl_ctx *nl, uint8_t cmd, pid_t pid,
				 uint64_t start, uint64_t end)
{
	struct nlmsghdr *req = nl_req(nl, cmd);

	mnl_attr_put_u32(req, PTSCOPE_A_PID, (uint32_t)pid);
	if (start)
		mnl_attr_put_u64(req, PTSCOPE_A_START, start);
	if (end)
		mnl_attr_put_u64(req, PTSCOPE_A_END, end);
	return req;
}

int pt_dump_vmas(struct nl_ctx *nl, pid_t pid, uint64_t start, uint64_t end,
		 pt_vma_cb cb, void *data)
{
	struct dump_state d = { .type = PTSCOPE_A_VMA, .vma_cb = cb,
				.data = data };

	return nl_dump(nl, dump_req(nl, PTSCOPE_CMD_GET_VMAS, pid, start, end),
		       dump_cb, &d);
}

int pt_dump_ranges(struct nl_ctx *nl, pid_t pid, uint64_t start,
		   uint64_t end, uint32_t flags, pt_range_cb cb, void *data)
{
	struct dump_state d = { .type = PTSCOPE_A_RANGE, .range_cb = cb,
				.data = data };
	struct nlmsghdr *req;

	req = dump_req(nl, PTSCOPE_CMD_GET_RANGES, pid, start, end);
	if (flags)
		mnl_attr_put_u32(req, PTSCOPE_A_FLAGS, flags);
	return nl_dump(nl, req, dump_cb, &d);
}

/* ---- joining VMAs with maps ---- */

static int join_read(struct pt_join *j)
{
	int ret = proc_maps_next(&j->maps, &j->cur);

	if (ret < 0) {
		fprintf(stderr, "ptscope: cannot parse the process's maps: %s\n",
			strerror(-ret));
		j->have = 0;
		return ret;
	}
	j->have = ret;
	return 0;
}

static int join_start(struct pt_join *j, int err, pt_join_extra_cb extra,
		      void *data)
{
	if (err) {
		fprintf(stderr, "ptscope: cannot read the process's maps: %s\n",
			strerror(-err));
		memset(j, 0, sizeof(*j));
		return err;
	}
	j->extra = extra;
	j->data = data;
	return join_read(j);
}

int pt_join_open(struct pt_join *j, pid_t pid, pt_join_extra_cb extra,
		 void *data)
{
	return join_start(j, proc_maps_open(&j->maps, pid), extra, data);
}

int pt_join_open_path(struct pt_join *j, const char *path,
		      pt_join_extra_cb extra, void *data)
{
	return join_start(j, proc_maps_open_path(&j->maps, path), extra, data);
}

const struct proc_maps_entry *pt_join_find(struct pt_join *j, uint64_t start,
					   int *err)
{
	*err = 0;
	if (j->matched) {
		j->matched = false;
		*err = join_read(j);
		if (*err)
			return NULL;
	}
	while (j->have && j->cur.start < start) {
		if (j->extra) {
			*err = j->extra(&j->cur, j->data);
			if (*err)
				return NULL;
		}
		*err = join_read(j);
		if (*err)
			return NULL;
	}
	if (!j->have || j->cur.start != start)
		return NULL;
	j->matched = true;
	return &j->cur;
}

int pt_join_finish(struct pt_join *j)
{
	int err;

	if (j->matched) {
		j->matched = false;
		err = join_read(j);
		if (err)
			return err;
	}
	while (j->have) {
		if (j->extra) {
			err = j->extra(&j->cur, j->data);
			if (err)
				return err;
		}
		err = join_read(j);
		if (err)
			return err;
	}
	return 0;
}

void pt_join_close(struct pt_join *j)
{
	if (j->maps.f)
		proc_maps_close(&j->maps);
}

unsigned int pt_kernel_version(void)
{
	struct utsname u;
	unsigned int major, minor;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return 0;
	return major * 100 + minor;
}
