// SPDX-License-Identifier: GPL-2.0
/*
 * test_pt.c: the pure parts of the page-table commands: names and flag
 * letters (pt.c), the VMA/maps join on a captured maps file, the smaps
 * parser on a captured smaps file, free(1)'s arithmetic on a captured
 * meminfo, RSS attribution (summary.c) and the smaps verdicts
 * (compare.c) on VMAs with known answers.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdlib.h>

#include "harness.h"
#include "pt.h"

static char *render(void (*fn)(struct out *o, uint64_t arg), uint64_t arg,
		    bool json)
{
	struct out o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	out_init(&o, f, json);
	fn(&o, arg);
	out_finish(&o);
	fclose(f);
	return buf;
}

static void test_names(void)
{
	char perms[5];

	CHECK_STR(pt_level_name(PTSCOPE_LEVEL_PTE), "pte");
	CHECK_STR(pt_level_name(PTSCOPE_LEVEL_PGD), "pgd");
	CHECK_STR(pt_level_name(200), "unknown");
	CHECK_STR(pt_state_name(PTSCOPE_STATE_PROTNONE), "protnone");
	CHECK_STR(pt_state_name(PTSCOPE_STATE_SWAP), "swap");
	CHECK_STR(pt_state_name(99), "unknown");
	CHECK_INT(pt_state_from_name("migration"), PTSCOPE_STATE_MIGRATION);
	CHECK_INT(pt_state_from_name("none"), PTSCOPE_STATE_NONE);
	CHECK_INT(pt_state_from_name("Present"), -1);
	CHECK_INT(pt_level_from_name("pmd"), PTSCOPE_LEVEL_PMD);
	CHECK_INT(pt_level_from_name(""), -1);

	pt_vm_perms(PT_VM_READ | PT_VM_WRITE, perms);
	CHECK_STR(perms, "rw-p");
	pt_vm_perms(PT_VM_READ | PT_VM_EXEC | PT_VM_MAYSHARE, perms);
	CHECK_STR(perms, "r-xs");
	/* VM_SHARED without VM_MAYSHARE cannot happen; maps keys on MAYSHARE. */
	pt_vm_perms(PT_VM_SHARED, perms);
	CHECK_STR(perms, "---p");

	CHECK(pt_state_has_frame(PTSCOPE_STATE_PRESENT));
	CHECK(pt_state_has_frame(PTSCOPE_STATE_MIGRATION));
	CHECK(!pt_state_has_frame(PTSCOPE_STATE_SWAP));
	CHECK(!pt_state_has_frame(PTSCOPE_STATE_MARKER));
	CHECK_U64(pt_level_size(PTSCOPE_LEVEL_PTE), 4096);
	CHECK_U64(pt_level_size(PTSCOPE_LEVEL_PMD), 2 << 20);
	CHECK_U64(pt_level_size(PTSCOPE_LEVEL_PUD), 1 << 30);
}

static void test_flag_letters(void)
{
	char buf[PT_FLAG_LETTERS_LEN];
	const char *letters = "pwuadngsUShzcme";
	size_t i;

	pt_flag_letters(0, buf);
	CHECK_STR(buf, "---------------");
	pt_flag_letters(PTSCOPE_F(PRESENT) | PTSCOPE_F(WRITE) |
			PTSCOPE_F(USER) | PTSCOPE_F(ACCESSED) |
			PTSCOPE_F(DIRTY) | PTSCOPE_F(NX), buf);
	CHECK_STR(buf, "pwuadn---------");
	pt_flag_letters(PTSCOPE_F(HUGE) | PTSCOPE_F(ZERO_PAGE) |
			PTSCOPE_F(COW) | PTSCOPE_F(SHARED), buf);
	CHECK_STR(buf, "----------hzcm-");
	/* Bits without a column (PAT, markers...) print nothing. */
	pt_flag_letters(PTSCOPE_F(PAT) | PTSCOPE_F(MARKER_GUARD), buf);
	CHECK_STR(buf, "---------------");
	pt_flag_letters(~0ULL, buf);
	CHECK_STR(buf, letters);
	/* Every letter is explained in the legend. */
	for (i = 0; letters[i]; i++) {
		char key[3] = { letters[i], '=', 0 };

		if (!CHECK(strstr(pt_flag_legend, key)))
			fprintf(stderr, "     letter %c not in the legend\n",
				letters[i]);
	}
}

static void doc_flags(struct out *o, uint64_t flags)
{
	static const struct out_col cols[] = {
		{ "flags", "flags", 15, true, 0, NULL },
	};

	out_table_open(o, NULL, cols, 1);
	out_row_open(o);
	show_entry_flags(o, flags);
	out_row_close(o);
	out_table_close(o);
}

static void test_show_flags(void)
{
	char *s = render(doc_flags, PTSCOPE_F(WRITE) | PTSCOPE_F(SOFT_DIRTY) |
			 PTSCOPE_F(PRESENT), true);

	/* The contract's nine keys, in its order, then the later ones. */
	CHECK_STR(s, "[\n{\"flags\":{\"write\":true,\"user\":false,"
		  "\"accessed\":false,\"dirty\":false,\"nx\":false,"
		  "\"global\":false,\"soft_dirty\":true,\"uffd_wp\":false,"
		  "\"special\":false,\"present\":true,\"huge\":false,"
		  "\"zero_page\":false,\"cow\":false,\"shared\":false,"
		  "\"exclusive\":false}}]\n");
	free(s);
	s = render(doc_flags, PTSCOPE_F(WRITE) | PTSCOPE_F(PRESENT), false);
	CHECK_STR(s, "flags\npw-------------\n");
	free(s);
}

static void test_format_diff(void)
{
	char buf[32];

	format_diff(buf, sizeof(buf), 0);
	CHECK_STR(buf, "0B");
	format_diff(buf, sizeof(buf), 8192);
	CHECK_STR(buf, "+8.0Ki");
	format_diff(buf, sizeof(buf), -(3 << 20));
	CHECK_STR(buf, "-3.0Mi");
	format_diff(buf, sizeof(buf), INT64_MIN);
	CHECK_STR(buf, "-8192Pi");
}

static void doc_pages(struct out *o, uint64_t pages)
{
	out_obj_open(o, NULL, NULL);
	show_pages(o, "swap", "swap", pages);
	show_diff(o, "diff", "diff", -(int64_t)pages * 4096);
	out_obj_close(o);
}

static void test_show_pages(void)
{
	char *s = render(doc_pages, 3, true);

	CHECK_STR(s, "{\"swap\":3,\"diff\":-12288}\n");
	free(s);
	s = render(doc_pages, 3, false);
	CHECK_STR(s, "swap:               12Ki\ndiff:               -12Ki\n");
	free(s);
	s = render(doc_pages, 0, false);
	CHECK_STR(s, "swap:               0B\ndiff:               0B\n");
	free(s);
}

static void test_rss_pages(void)
{
	struct pt_vma v = { .flags = PT_VM_READ | PT_VM_WRITE };

	v.st.v[PTSCOPE_STAT_RSS] = 100;
	v.st.v[PTSCOPE_STAT_ZERO] = 30;
	CHECK_U64(pt_vma_rss_pages(&v), 70);
	v.flags |= PT_VM_HUGETLB;
	CHECK_U64(pt_vma_rss_pages(&v), 0);
	v.flags = PT_VM_READ | PT_VM_PFNMAP | PT_VM_IO;
	CHECK_U64(pt_vma_rss_pages(&v), 0);
	v.flags = PT_VM_READ;
	v.st.v[PTSCOPE_STAT_ZERO] = 200;	/* never negative */
	CHECK_U64(pt_vma_rss_pages(&v), 0);
}

struct extras {
	unsigned int n;
	uint64_t last;
};

static int count_extra(const struct proc_maps_entry *e, void *data)
{
	struct extras *x = data;

	x->n++;
	x->last = e->start;
	return 0;
}

static void test_join(void)
{
	struct extras x = { 0 };
	const struct proc_maps_entry *e;
	struct pt_join j;
	int err, saved, null;

	if (!CHECK(pt_join_open_path(&j, "data/maps-sleep.txt", count_extra,
				     &x) == 0))
		return;
	/* The first VMA is found; nothing before it. */
	e = pt_join_find(&j, 0x5597c285d000ULL, &err);
	CHECK(e && e->end == 0x5597c285f000ULL);
	CHECK_STR(e ? e->path : NULL, "/usr/bin/sleep");
	CHECK_INT(x.n, 0);
	/* A VMA maps does not have: NULL, and the line before it is extra. */
	e = pt_join_find(&j, 0x5597c2860000ULL, &err);
	CHECK(!e);
	CHECK_INT(err, 0);
	CHECK_INT(x.n, 1);
	CHECK_U64(x.last, 0x5597c285f000ULL);
	/* The third line is still there to be found. */
	e = pt_join_find(&j, 0x5597c2864000ULL, &err);
	CHECK(e && e->offset == 0x7000);
	CHECK_INT(x.n, 1);
	/* The rest, [vsyscall] last, go to the callback. */
	CHECK_INT(pt_join_finish(&j), 0);
	CHECK_INT(x.n, 1 + 37 - 3);
	CHECK_U64(x.last, 0xffffffffff600000ULL);
	pt_join_close(&j);

	/* The error is also printed: keep the test log clean. */
	fflush(stderr);
	saved = dup(2);
	null = open("/dev/null", O_WRONLY);
	dup2(null, 2);
	err = pt_join_open_path(&j, "data/no-such-file", NULL, NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(null);
	CHECK_INT(err, -ENOENT);
}

static void test_smaps(void)
{
	struct proc_smaps_entry e, first = { 0 };
	struct proc_smaps s;
	uint64_t rss = 0, pdirty = 0, sclean = 0, ref = 0;
	unsigned int n = 0;
	int ret;

	if (!CHECK(proc_smaps_open_path(&s, "data/smaps-bash.txt") == 0))
		return;
	while ((ret = proc_smaps_next(&s, &e)) == 1) {
		if (!n)
			first = e;
		n++;
		rss += e.rss;
		pdirty += e.private_dirty;
		sclean += e.shared_clean;
		ref += e.referenced;
	}
	CHECK_INT(ret, 0);
	CHECK_INT(n, 43);
	/* Sums worked out with awk on the captured file. */
	CHECK_U64(rss, 1840 * 1024);
	CHECK_U64(pdirty, 184 * 1024);
	CHECK_U64(sclean, 1220 * 1024);
	CHECK_U64(ref, 1648 * 1024);
	CHECK_U64(first.map.start, 0x563ed5fbd000ULL);
	CHECK_U64(first.kernel_page_size, 4096);
	CHECK_STR(e.map.path, "[vsyscall]");
	CHECK_U64(e.map.start, 0xffffffffff600000ULL);
	proc_smaps_close(&s);

	memset(&e, 0, sizeof(e));
	CHECK_INT(proc_parse_smaps_field("Rss:                 528 kB\n", &e), 1);
	CHECK_U64(e.rss, 528 * 1024);
	CHECK_INT(proc_parse_smaps_field("VmFlags: rd mr mw me \n", &e), 1);
	CHECK_INT(proc_parse_smaps_field("THPeligible:    0\n", &e), 1);
	CHECK_INT(proc_parse_smaps_field("Swap:   x kB\n", &e), -EINVAL);
	CHECK_INT(proc_parse_smaps_field("7f0000000000-7f0000001000 r--p 00000000 00:00 0\n",
					 &e), 0);
	CHECK_INT(proc_parse_smaps_field("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]\n",
					 &e), 0);
}

static void test_free(void)
{
	struct proc_meminfo mi;
	struct free_figures f;

	if (!CHECK(proc_read_meminfo_path("data/meminfo.txt", &mi) == 0))
		return;
	free_compute(&mi, &f);
	CHECK_U64(f.total, 24684092ULL * 1024);
	CHECK_U64(f.used, (24684092ULL - 24329596) * 1024);
	CHECK_U64(f.free, 24339108ULL * 1024);
	CHECK_U64(f.shared, 8856ULL * 1024);
	CHECK_U64(f.buff_cache, (1100ULL + 86360 + 154640) * 1024);
	CHECK_U64(f.available, 24329596ULL * 1024);
	CHECK_U64(f.swap_total, 0);
	CHECK_U64(f.page_tables, 1584ULL * 1024);
	CHECK(f.has_sec);

	/* An old kernel without MemAvailable or SecPageTables. */
	mi.have &= ~(PROC_MI_MEMAVAILABLE | PROC_MI_SECPAGETABLES);
	mi.swap_total = 1 << 20;
	mi.swap_free = 1 << 18;
	free_compute(&mi, &f);
	CHECK_U64(f.used, (24684092ULL - 24339108) * 1024);
	CHECK_U64(f.available, 24339108ULL * 1024);
	CHECK_U64(f.swap_used, (1 << 20) - (1 << 18));
	CHECK(!f.has_sec);
}

static struct proc_maps_entry maps_entry(const char *path, uint64_t inode,
					 unsigned int major)
{
	struct proc_maps_entry e = { .inode = inode, .dev_major = major };

	e.path = path;
	e.deleted = strstr(path, " (deleted)") != NULL;
	return e;
}

static void test_classify(void)
{
	struct proc_maps_entry e;

	e = maps_entry("", 0, 0);
	CHECK_INT(summary_classify(&e, PT_VM_READ | PT_VM_WRITE), PT_KIND_ANON);
	e = maps_entry("[heap]", 0, 0);
	CHECK_INT(summary_classify(&e, PT_VM_READ), PT_KIND_ANON);
	e = maps_entry("[vdso]", 0, 0);
	CHECK_INT(summary_classify(&e, PT_VM_READ | PT_VM_EXEC), PT_KIND_FILE);
	CHECK_INT(summary_classify(NULL, PT_VM_SHARED), PT_KIND_SHMEM);
	e = maps_entry("/dev/zero (deleted)", 12, 0);
	CHECK_INT(summary_classify(&e, PT_VM_SHARED), PT_KIND_SHMEM);
	e = maps_entry("/memfd:buf (deleted)", 5678, 0);
	CHECK_INT(summary_classify(&e, PT_VM_SHARED), PT_KIND_SHMEM);
	e = maps_entry("/SYSV00000000 (deleted)", 3, 0);
	CHECK_INT(summary_classify(&e, PT_VM_SHARED), PT_KIND_SHMEM);
	/* A file on a real block device is a file, deleted or not. */
	e = maps_entry("/no/such/lib.so (deleted)", 99, 254);
	CHECK_INT(summary_classify(&e, PT_VM_READ), PT_KIND_FILE);
}

static void test_attribute(void)
{
	struct pt_walk_kinds k;
	struct pt_vma v = { .start = 0x1000, .end = 0x21000 };

	memset(&k, 0, sizeof(k));
	/* A private file mapping: written pages are anonymous copies. */
	v.flags = PT_VM_READ | PT_VM_WRITE;
	v.st.v[PTSCOPE_STAT_RSS] = 32;
	v.st.v[PTSCOPE_STAT_DIRTY] = 8;
	summary_add_vma(&k, &v, PT_KIND_FILE);
	CHECK_U64(k.kind[PT_KIND_ANON], 8);
	CHECK_U64(k.kind[PT_KIND_FILE], 24);
	CHECK_U64(k.private_cow, 8);
	/* A shared file mapping: dirty pages are still the file's. */
	v.flags = PT_VM_READ | PT_VM_WRITE | PT_VM_SHARED | PT_VM_MAYSHARE;
	summary_add_vma(&k, &v, PT_KIND_FILE);
	CHECK_U64(k.kind[PT_KIND_FILE], 24 + 32);
	/* Anonymous with the zero page: not RSS. */
	v.flags = PT_VM_READ | PT_VM_WRITE;
	v.st.v[PTSCOPE_STAT_ZERO] = 12;
	summary_add_vma(&k, &v, PT_KIND_ANON);
	CHECK_U64(k.kind[PT_KIND_ANON], 8 + 20);
	CHECK_U64(k.zero, 12);
	/* hugetlb: present, not RSS. */
	v.flags |= PT_VM_HUGETLB;
	v.st.v[PTSCOPE_STAT_ZERO] = 0;
	v.st.v[PTSCOPE_STAT_RSS] = 1024;
	summary_add_vma(&k, &v, PT_KIND_ANON);
	CHECK_U64(k.hugetlb, 1024);
	CHECK_U64(k.rss, 24 + 8 + 32 + 20);
	CHECK_U64(k.present, 32 + 32 + 32 + 1024);
	CHECK_U64(k.vmas, 4);
	CHECK_U64(k.size, 4 * 0x20000);
}

static void test_compare(void)
{
	struct compare_check c[NR_CHECKS];
	struct proc_smaps_entry sm;
	struct pt_vma v = { .flags = PT_VM_READ | PT_VM_WRITE };
	unsigned int n, i;

	memset(&sm, 0, sizeof(sm));
	v.st.v[PTSCOPE_STAT_RSS] = 10;
	v.st.v[PTSCOPE_STAT_DIRTY] = 4;
	sm.rss = 40960;
	sm.private_dirty = 16384;
	n = compare_vma(&v, &sm, PT_KIND_ANON, 601, c);
	CHECK_INT(n, NR_CHECKS);
	for (i = 0; i < n; i++)
		CHECK_INT(c[i].v, V_AGREE);
	CHECK_STR(c[0].field, "Rss");

	/* smaps sees more dirty pages: the struct page is dirty. */
	sm.private_dirty = 32768;
	compare_vma(&v, &sm, PT_KIND_ANON, 601, c);
	CHECK_INT(c[3].v, V_EXPLAINED);
	CHECK(c[3].reason != NULL);
	/* ... but the walk seeing more is not explained. */
	sm.private_dirty = 0;
	compare_vma(&v, &sm, PT_KIND_ANON, 601, c);
	CHECK_INT(c[3].v, V_DISAGREE);
	CHECK(c[3].reason == NULL);

	/* Rss off by a page: a real disagreement. */
	sm.private_dirty = 16384;
	sm.rss = 36864;
	compare_vma(&v, &sm, PT_KIND_ANON, 612, c);
	CHECK_INT(c[0].v, V_DISAGREE);

	/* hugetlb: Rss is compared with the *_Hugetlb lines. */
	v.flags |= PT_VM_HUGETLB;
	v.st.v[PTSCOPE_STAT_RSS] = 1024;
	v.st.v[PTSCOPE_STAT_LEAVES_PMD] = 2;
	sm.rss = 0;
	sm.private_dirty = 0;
	sm.private_hugetlb = 4 << 20;
	compare_vma(&v, &sm, PT_KIND_ANON, 612, c);
	for (i = 0; i < NR_CHECKS; i++)
		CHECK_INT(c[i].v, V_AGREE);

	/* shmem: smaps counts the file's swapped pages too. */
	memset(&v.st, 0, sizeof(v.st));
	memset(&sm, 0, sizeof(sm));
	v.flags = PT_VM_READ | PT_VM_WRITE | PT_VM_SHARED | PT_VM_MAYSHARE;
	sm.swap = 8192;
	compare_vma(&v, &sm, PT_KIND_SHMEM, 612, c);
	CHECK_STR(c[1].field, "Swap");
	CHECK_INT(c[1].v, V_EXPLAINED);
	compare_vma(&v, &sm, PT_KIND_ANON, 612, c);
	CHECK_INT(c[1].v, V_DISAGREE);
}

void test_pt(void)
{
	test_names();
	test_flag_letters();
	test_show_flags();
	test_format_diff();
	test_show_pages();
	test_rss_pages();
	test_join();
	test_smaps();
	test_free();
	test_classify();
	test_attribute();
	test_compare();
}
