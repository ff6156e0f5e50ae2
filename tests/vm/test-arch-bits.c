// SPDX-License-Identifier: GPL-2.0
/*
 * test-arch-bits: the architecture's own bits in `ptscope --json walk
 * --pages` (PTSCOPE_RANGE_ARCH and _MEMTYPE), against oracles outside
 * ptscope.
 *
 * arm64:
 *  - memory type: a page mapped by tests/modules/ptscope_testaid
 *    (memtype=1) with pgprot_noncached(), pgprot_writecombine() and the
 *    VMA's own protection, and an anonymous page, must read as
 *    Device-nGnRnE, Normal-NC, Normal-WB, Normal-WB; the oracle is
 *    MAIR_EL1, read by the helper module, whose byte at the entry's
 *    AttrIndx must be the one Arm's encoding gives each type (0x00,
 *    0x44, 0xff);
 *  - every present leaf: valid, EL0-accessible, PXN (the kernel never
 *    runs user pages), not global (user mappings are per-ASID), UXN
 *    exactly when its VMA is not executable (/proc/PID/maps), GP exactly
 *    when smaps' VmFlags has "bt", the page bit set at the pte level and
 *    clear in blocks, shareability "tcr" with LPA2 (5 levels) and "inner"
 *    without it;
 *  - pages just written: AF set and dirty (DBM with AP[2] clear, or the
 *    software dirty bit);
 *  - the contiguous hint: with 64 KiB mTHP on, each 64 KiB block whose
 *    16 frames pagemap shows consecutive and 16-aligned is hinted in all
 *    16 entries, no other entry is, and coalesced ranges of hinted
 *    entries begin and end on 64 KiB boundaries; with 64 KiB mTHP off, no
 *    entry of a control region is hinted.
 * x86: the same walk has no "arm64", "shareability" or "memtype" keys
 *  (its output is unchanged: the PWT/PCD/PAT flags say the memory type).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>

#include "cli_run.h"
#include "json.h"
#include "pt_oracle.h"

#define PG		4096UL
#define CONT_PAGES	16
#define CONT_BYTES	(CONT_PAGES * PG)
#define REGION		(64 * CONT_BYTES)	/* 4 MiB */

#define TESTAID_KO	"/ptscope/testmods/ptscope_testaid.ko"
#define TESTAID_DIR	"/sys/module/ptscope_testaid/parameters/"
#define MT_DEV		"/dev/ptscope_testaid_mt"
#define MT_NODE		"/tmp/ptscope_testaid_mt"
#define MTHP_64K	"/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled"

static struct json *walk_json(const char *args)
{
	struct cli_result r;
	struct json *j;
	const char *err;
	size_t at;

	if (cli_run(&r, true, "ptscope --json walk %d %s", (int)getpid(),
		    args)) {
		pt_fail("arch-bits: cannot run ptscope");
		return NULL;
	}
	if (r.status) {
		pt_fail("arch-bits: ptscope --json walk %s exited %d: %s", args,
			r.status, r.err);
		cli_free(&r);
		return NULL;
	}
	j = json_parse(r.out, &err, &at);
	if (!j)
		pt_fail("arch-bits: invalid JSON at byte %zu: %s", at, err);
	cli_free(&r);
	return j;
}

static uint64_t hex_of(const struct json *e, const char *key)
{
	uint64_t v = 0;

	json_hex(json_get(e, key), &v);
	return v;
}

static bool bit(const struct json *e, const char *key)
{
	return json_true(json_path(e, key));
}

/* The walk's entry that maps @addr, or NULL: entries come in order. */
static const struct json *entry_at(const struct json *ents, uint64_t addr)
{
	size_t lo = 0, hi = json_len(ents);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct json *e = json_at(ents, mid);

		if (addr < hex_of(e, "start"))
			hi = mid;
		else if (addr >= hex_of(e, "end"))
			lo = mid + 1;
		else
			return e;
	}
	return NULL;
}

static const char *str_of(const struct json *e, const char *key)
{
	const char *s = json_str(json_get(e, key));

	return s ? s : "(null)";
}

/* ---- x86: no architecture keys at all ---- */

static int check_x86(void)
{
	struct json *j = walk_json("--pages");
	const struct json *ents;
	size_t i, extra = 0, n;

	if (!j)
		return pt_summary();
	ents = json_get(j, "entries");
	n = json_len(ents);
	for (i = 0; i < n; i++) {
		const struct json *e = json_at(ents, i);

		extra += json_get(e, "arm64") || json_get(e, "memtype") ||
			 json_get(e, "shareability");
	}
	if (n && !extra)
		pt_pass("arch-bits/x86: %zu entries, none with arm64, shareability or memtype keys",
			n);
	else
		pt_fail("arch-bits/x86: %zu of %zu entries carry arm64 keys", extra, n);
	json_free(j);
	pt_skip("arch-bits: memory type and Arm's bits are arm64's (x86 says PWT/PCD/PAT in the flags)");
	return pt_summary();
}

/* ---- arm64: the memory types, against MAIR_EL1 ---- */

struct mt_case {
	const char *what;
	char *addr;
	const char *memtype;	/* ptscope's name */
	unsigned int mair;	/* Arm's attribute byte for that type */
};

static int open_mt_device(void)
{
	unsigned int maj, min;
	FILE *f;
	int fd;

	fd = open(MT_DEV, O_RDONLY);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	f = fopen("/sys/class/misc/ptscope_testaid_mt/dev", "r");
	if (!f)
		return -1;
	if (fscanf(f, "%u:%u", &maj, &min) != 2) {
		fclose(f);
		errno = EPROTO;
		return -1;
	}
	fclose(f);
	unlink(MT_NODE);
	if (mknod(MT_NODE, S_IFCHR | 0600, makedev(maj, min)))
		return -1;
	return open(MT_NODE, O_RDONLY);
}

static bool read_mair(uint64_t *mair)
{
	FILE *f = fopen(TESTAID_DIR "memattr", "r");
	unsigned long long v;
	bool ok;

	if (!f)
		return false;
	ok = fscanf(f, "%llu", &v) == 1;
	fclose(f);
	*mair = v;
	return ok;
}

static void check_memtypes(const struct json *ents, struct mt_case *c,
			   size_t n, uint64_t mair)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct json *e = entry_at(ents, (uintptr_t)c[i].addr);
		uint64_t raw, idx;
		unsigned int byte;

		if (!e || strcmp(str_of(e, "state"), "present")) {
			pt_fail("arch-bits/memtype/%s: no present entry at %p",
				c[i].what, (void *)c[i].addr);
			continue;
		}
		raw = hex_of(e, "raw");
		idx = (raw >> 2) & 7;
		byte = (mair >> (8 * idx)) & 0xff;
		if (!strcmp(str_of(e, "memtype"), c[i].memtype) &&
		    byte == c[i].mair &&
		    json_u64(json_path(e, "arm64.attrindx")) == idx)
			pt_pass("arch-bits/memtype/%s: %s, AttrIndx %llu, MAIR_EL1 byte 0x%02x",
				c[i].what, c[i].memtype,
				(unsigned long long)idx, byte);
		else
			pt_fail("arch-bits/memtype/%s: ptscope says %s, attrindx %llu; raw AttrIndx %llu selects MAIR_EL1 byte 0x%02x (MAIR_EL1 %016llx); want %s, 0x%02x",
				c[i].what, str_of(e, "memtype"),
				(unsigned long long)json_u64(json_path(e, "arm64.attrindx")),
				(unsigned long long)idx, byte,
				(unsigned long long)mair, c[i].memtype,
				c[i].mair);
	}
}

/* ---- arm64: every present leaf against maps and smaps ---- */

static const struct pt_vma *vma_of(const struct pt_vma *v, int n, uint64_t a)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i].start <= a && a < v[i].end)
			return &v[i];
	return NULL;
}

static void check_leaves(const struct json *ents, unsigned int levels)
{
	unsigned long leaves = 0, bad[8] = { 0 }, gp = 0, bti_vmas = 0;
	static const char *const what[8] = {
		"valid, EL0, PXN and nG", "UXN exactly where the VMA is not x",
		"GP exactly where VmFlags has bt",
		"page bit at the pte level, clear in blocks",
		"shareability (tcr with LPA2, else inner)", "a memory type",
		"inside a VMA", "an arm64 object",
	};
	const char *sh_want = levels == 5 ? "tcr" : "inner";
	struct pt_vma *v;
	int nv, k;
	size_t i;

	nv = pt_read_smaps(getpid(), &v);
	if (nv <= 0) {
		pt_fail("arch-bits/leaves: smaps unreadable");
		return;
	}
	for (k = 0; k < nv; k++)
		bti_vmas += v[k].vm_bti;
	for (i = 0; i < json_len(ents); i++) {
		const struct json *e = json_at(ents, i);
		const struct pt_vma *m;
		bool pte;

		if (strcmp(str_of(e, "state"), "present"))
			continue;
		leaves++;
		if (!json_is(json_get(e, "arm64"), JSON_OBJ)) {
			bad[7]++;
			continue;
		}
		m = vma_of(v, nv, hex_of(e, "start"));
		if (!m) {
			bad[6]++;
			continue;
		}
		pte = !strcmp(str_of(e, "level"), "pte");
		if (!bit(e, "arm64.valid") || !bit(e, "arm64.ap_el0") ||
		    !bit(e, "arm64.pxn") || !bit(e, "arm64.ng"))
			bad[0]++;
		if (bit(e, "arm64.uxn") != (m->perms[2] != 'x'))
			bad[1]++;
		if (bit(e, "arm64.gp") != m->vm_bti)
			bad[2]++;
		gp += bit(e, "arm64.gp");
		if (bit(e, "arm64.table") != pte)
			bad[3]++;
		if (strcmp(str_of(e, "shareability"), sh_want) ||
		    bit(e, "arm64.lpa2") != (levels == 5))
			bad[4]++;
		if (!json_str(json_get(e, "memtype")))
			bad[5]++;
	}
	free(v);
	if (!leaves) {
		pt_fail("arch-bits/leaves: no present leaf in the walk");
		return;
	}
	for (k = 0; k < 8; k++) {
		if (k == 2 && !bti_vmas)
			continue;
		if (bad[k])
			pt_fail("arch-bits/leaves: %lu of %lu present leaves lack: %s",
				bad[k], leaves, what[k]);
		else
			pt_pass("arch-bits/leaves: %lu present leaves: %s", leaves,
				what[k]);
	}
	if (!bti_vmas)
		pt_skip("arch-bits/leaves: no VMA has VmFlags bt (no BTI-marked binary here): GP unchecked");
	else
		printf("  %lu leaves GP in %lu BTI VMAs\n", gp, bti_vmas);
}

/* Pages this process wrote: accessed and dirty, on Arm's terms. */
static void check_written(const struct json *ents, char *p, size_t len)
{
	unsigned long n = 0, bad = 0;
	size_t off;

	for (off = 0; off < len; off += PG) {
		const struct json *e = entry_at(ents, (uintptr_t)(p + off));
		bool hw_dirty;

		n++;
		if (!e || strcmp(str_of(e, "state"), "present")) {
			bad++;
			continue;
		}
		hw_dirty = bit(e, "arm64.dbm") && !bit(e, "arm64.ap_rdonly");
		if (!bit(e, "arm64.af") || !(hw_dirty || bit(e, "arm64.sw_dirty")) ||
		    !bit(e, "flags.dirty") || !bit(e, "flags.accessed"))
			bad++;
	}
	if (bad)
		pt_fail("arch-bits/written: %lu of %lu written pages not AF and dirty",
			bad, n);
	else
		pt_pass("arch-bits/written: %lu written pages have AF and are dirty (DBM, AP[2] clear, or PTE_DIRTY)",
			n);
}

/* ---- arm64: the contiguous hint ---- */

static bool write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok;
}

static bool read_mthp(char *buf, size_t len)
{
	FILE *f = fopen(MTHP_64K, "r");
	char *a, *b;

	if (!f)
		return false;
	if (!fgets(buf, len, f)) {
		fclose(f);
		return false;
	}
	fclose(f);
	/* "always inherit madvise [never]": keep the bracketed word. */
	a = strchr(buf, '[');
	b = a ? strchr(a, ']') : NULL;
	if (!a || !b)
		return false;
	*b = '\0';
	memmove(buf, a + 1, strlen(a + 1) + 1);
	return true;
}

/* A 64 KiB-aligned anonymous region of REGION bytes, every page written. */
static char *cont_region(const char *mode)
{
	char *p = mmap(NULL, REGION + CONT_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;
	size_t off;

	if (p == MAP_FAILED || !write_file(MTHP_64K, mode))
		return NULL;
	/*
	 * No 2 MiB THP without MADV_HUGEPAGE (scripts/vm boots with
	 * transparent_hugepage=madvise); MADV_NOHUGEPAGE would also turn off
	 * the 64 KiB folios this is about.
	 */
	a = ((uintptr_t)p + CONT_BYTES - 1) & ~(CONT_BYTES - 1);
	for (off = 0; off < REGION; off += PG)
		((volatile char *)a)[off] = 1;
	return (char *)a;
}

static void check_cont(const struct json *ents, char *cont, char *ctl)
{
	unsigned long blocks = 0, folded = 0, bad = 0, ctl_hinted = 0;
	uint64_t pm[CONT_PAGES];
	size_t b, i;

	for (b = 0; b < REGION / CONT_BYTES; b++) {
		char *blk = cont + b * CONT_BYTES;
		bool consec = !pt_pagemap_read(getpid(), (uintptr_t)blk,
					       CONT_PAGES, pm) &&
			      (pm[0] & PM_PRESENT) &&
			      (pm[0] & PM_PFN_MASK) % CONT_PAGES == 0;
		unsigned int hinted = 0;

		for (i = 1; consec && i < CONT_PAGES; i++)
			consec = (pm[i] & PM_PRESENT) &&
				 (pm[i] & PM_PFN_MASK) == (pm[0] & PM_PFN_MASK) + i;
		for (i = 0; i < CONT_PAGES; i++)
			hinted += bit(entry_at(ents, (uintptr_t)(blk + i * PG)),
				      "arm64.contiguous");
		blocks++;
		folded += consec;
		if (hinted != (consec ? CONT_PAGES : 0)) {
			if (bad++ < 3)
				printf("  block %p: %s frames, %u of 16 hinted\n",
				       (void *)blk, consec ? "aligned consecutive" :
				       "other", hinted);
		}
	}
	for (i = 0; i < REGION / PG; i++)
		ctl_hinted += bit(entry_at(ents, (uintptr_t)(ctl + i * PG)),
				  "arm64.contiguous");
	if (!folded) {
		pt_skip("arch-bits/cont: no 64 KiB block on 16 aligned consecutive frames (no 64 KiB folios)");
	} else if (bad) {
		pt_fail("arch-bits/cont: %lu of %lu blocks hinted otherwise than pagemap's frames say",
			bad, blocks);
	} else {
		pt_pass("arch-bits/cont: %lu of %lu 64 KiB blocks on aligned consecutive frames, hinted in all 16 entries; the rest in none",
			folded, blocks);
	}
	if (ctl_hinted)
		pt_fail("arch-bits/cont: %lu entries hinted with 64 KiB mTHP off",
			ctl_hinted);
	else
		pt_pass("arch-bits/cont: no hint in %lu entries with 64 KiB mTHP off",
			REGION / PG);
}

/* Coalesced ranges of hinted entries start and end on 64 KiB boundaries. */
static void check_cont_ranges(char *cont)
{
	char args[96];
	struct json *j;
	const struct json *ents;
	unsigned long hinted = 0, bad = 0;
	size_t i;

	snprintf(args, sizeof(args), "--range 0x%lx-0x%lx", (unsigned long)cont,
		 (unsigned long)(cont + REGION));
	j = walk_json(args);
	if (!j)
		return;
	ents = json_get(j, "entries");
	for (i = 0; i < json_len(ents); i++) {
		const struct json *e = json_at(ents, i);

		if (!bit(e, "arm64.contiguous"))
			continue;
		hinted++;
		if (hex_of(e, "start") % CONT_BYTES || hex_of(e, "end") % CONT_BYTES)
			bad++;
	}
	json_free(j);
	if (!hinted)
		pt_skip("arch-bits/cont-ranges: no hinted range to look at");
	else if (bad)
		pt_fail("arch-bits/cont-ranges: %lu of %lu hinted ranges off 64 KiB boundaries",
			bad, hinted);
	else
		pt_pass("arch-bits/cont-ranges: %lu hinted ranges, each on 64 KiB boundaries",
			hinted);
}

int main(void)
{
	struct mt_case mt[4] = {
		{ "noncached", NULL, "device-nGnRnE", 0x00 },
		{ "writecombine", NULL, "normal-nc", 0x44 },
		{ "testaid-normal", NULL, "normal-wb", 0xff },
		{ "anonymous", NULL, "normal-wb", 0xff },
	};
	char mthp_saved[64] = "", *cont = NULL, *ctl = NULL;
	unsigned int levels = pt_paging_levels();
	size_t nmt = 0, i;
	struct utsname u;
	struct json *j;
	uint64_t mair = 0;
	bool loaded, have_mt;
	char *anon;
	int fd = -1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (uname(&u) || strcmp(u.machine, "aarch64"))
		return check_x86();

	anon = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED) {
		pt_fail("arch-bits: mmap: %s", strerror(errno));
		return pt_summary();
	}
	memset(anon, 0x5a, 16 * PG);
	mt[3].addr = anon;

	loaded = !system("insmod " TESTAID_KO " memtype=1");
	have_mt = loaded && read_mair(&mair) && (fd = open_mt_device()) >= 0;
	if (have_mt) {
		for (i = 0; i < 3; i++) {
			mt[i].addr = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd,
					  i * PG);
			if (mt[i].addr == MAP_FAILED) {
				pt_fail("arch-bits/memtype/%s: mmap: %s",
					mt[i].what, strerror(errno));
				mt[i].addr = NULL;
			}
		}
		printf("  MAIR_EL1 %016llx\n", (unsigned long long)mair);
	} else {
		pt_fail("arch-bits/memtype: ptscope_testaid memtype=1 did not load or give its device: %s",
			strerror(errno));
	}

	if (read_mthp(mthp_saved, sizeof(mthp_saved))) {
		ctl = cont_region("never");
		cont = cont_region("always");
		write_file(MTHP_64K, mthp_saved);
	}

	j = walk_json("--pages");
	if (j) {
		const struct json *ents = json_get(j, "entries");
		struct mt_case ok[4];

		for (i = 0; i < 4; i++)
			if (mt[i].addr)
				ok[nmt++] = mt[i];
		check_memtypes(ents, ok, nmt, mair);
		check_leaves(ents, levels);
		check_written(ents, anon, 16 * PG);
		if (cont && ctl)
			check_cont(ents, cont, ctl);
		else
			pt_skip("arch-bits/cont: no 64 KiB mTHP control (%s)",
				MTHP_64K);
		json_free(j);
	}
	if (cont)
		check_cont_ranges(cont);

	for (i = 0; i < 3; i++)
		if (mt[i].addr)
			munmap(mt[i].addr, PG);
	if (fd >= 0)
		close(fd);
	if (loaded && system("rmmod ptscope_testaid"))
		pt_fail("arch-bits: rmmod ptscope_testaid failed");
	return pt_summary();
}
