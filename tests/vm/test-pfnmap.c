// SPDX-License-Identifier: GPL-2.0
/*
 * test-pfnmap: a huge PFNMAP leaf is never "shared" (issue 12).
 *
 * A driver's VM_PFNMAP mapping may point a pmd leaf at any frame; the
 * kernel counts no page behind it (6.12 marks it pmd_special, and
 * vm_normal_page_pmd() skips it), so a mapcount read through it belongs
 * to someone else.  To make that visible the leaf here points at a THP
 * that a forked child also maps (mapcount 2): the helper module
 * tests/modules/ptscope_testaid (pfnmap=1) maps those frames with
 * vmf_insert_pfn_pmd().  ptscope must report the leaf (present, pmd,
 * that pfn) without SHARED, and "shared" of its VMA must agree with the
 * kernel's smaps of that VMA, which counts nothing for a PFNMAP.  A walker
 * that reads the mapcount of any valid frame says shared there.
 *
 * Oracles: pagemap (the THP's pfn; PM_MMAP_EXCLUSIVE clear: mapped
 * twice), smaps (AnonHugePages of the THP; Rss and Shared_* of the
 * PFNMAP VMA), the bytes read through the device mapping, and the pfn we
 * chose.  As a control, the THP's own leaf in this process must be
 * SHARED, so the check above cannot pass because SHARED never appears.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "pt_oracle.h"

#define MIB		(1UL << 20)
#define PMD_BYTES	(2 * MIB)
#define PMD_PAGES	512
#define FILL		0x5a

#define TESTAID_KO	"/ptscope/testmods/ptscope_testaid.ko"
#define TESTAID_DIR	"/sys/module/ptscope_testaid/parameters/"
#define TESTAID_DEV	"/dev/ptscope_testaid"
#define TESTAID_NODE	"/tmp/ptscope_testaid"

/* A 2 MiB aligned, 2 MiB long hole to map over with MAP_FIXED. */
static char *aligned_hole(void)
{
	char *p = mmap(NULL, 2 * PMD_BYTES, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + PMD_BYTES - 1) & ~(PMD_BYTES - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	munmap((char *)a + PMD_BYTES, (uintptr_t)p + PMD_BYTES - a);
	return (char *)a;
}

/* Rss and Shared_Clean + Shared_Dirty of the VMA at start, in kB. */
static int smaps_vma_kb(unsigned long start, long *rss, long *shared)
{
	char line[512];
	bool in = false;
	long v;
	FILE *f;

	*rss = -1;
	*shared = 0;
	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;

		/* No field name is hex digits then '-'. */
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2) {
			in = s == start;
			continue;
		}
		if (!in)
			continue;
		if (sscanf(line, "Rss: %ld kB", &v) == 1)
			*rss = v;
		else if (sscanf(line, "Shared_Clean: %ld kB", &v) == 1 ||
			 sscanf(line, "Shared_Dirty: %ld kB", &v) == 1)
			*shared += v;
	}
	fclose(f);
	return *rss < 0 ? -ENOENT : 0;
}

/* "leaves ... pmd=N" and "shared=NK" of ptscope's vmas block at start. */
static int ptscope_vma(unsigned long start, long *pmd_leaves, long *shared)
{
	char sel[32], head[40], *buf, *p, *end;
	int n;

	snprintf(sel, sizeof(sel), "%d\n", getpid());
	buf = pt_proc_query("vmas", sel);
	if (!buf)
		return -errno;
	n = snprintf(head, sizeof(head), "%08lx-", start);
	for (p = buf; p && strncmp(p, head, n);) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p) {
		free(buf);
		return -ENOENT;
	}
	/* The block ends at the next unindented line. */
	for (end = strchr(p, '\n'); end && end[1] == ' ';)
		end = strchr(end + 1, '\n');
	if (end)
		*end = '\0';
	*pmd_leaves = -1;
	*shared = -1;
	if (strstr(p, " pmd="))
		sscanf(strstr(p, " pmd="), " pmd=%ld", pmd_leaves);
	if (strstr(p, " shared="))
		sscanf(strstr(p, " shared="), " shared=%ldK", shared);
	free(buf);
	return *pmd_leaves < 0 || *shared < 0 ? -EPROTO : 0;
}

/* The one row ptscope gives for the 2 MiB at addr, or -errno. */
static int ptscope_leaf(char *addr, struct pt_row *out)
{
	struct pt_row *rows;
	const struct pt_row *r;
	int n;

	n = pt_read_pages(getpid(), (unsigned long)addr,
			  (unsigned long)addr + PMD_BYTES, &rows);
	if (n < 0)
		return n;
	r = pt_find_row(rows, n, (unsigned long)addr);
	if (r)
		*out = *r;
	free(rows);
	return r ? n : -ENOENT;
}

static long read_param(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), TESTAID_DIR "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* The device node: devtmpfs's, else one made from sysfs. */
static int open_device(void)
{
	unsigned int maj, min;
	FILE *f;
	int fd;

	fd = open(TESTAID_DEV, O_RDONLY);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	f = fopen("/sys/class/misc/ptscope_testaid/dev", "r");
	if (!f)
		return -1;
	if (fscanf(f, "%u:%u", &maj, &min) != 2) {
		fclose(f);
		errno = EPROTO;
		return -1;
	}
	fclose(f);
	unlink(TESTAID_NODE);
	if (mknod(TESTAID_NODE, S_IFCHR | 0600, makedev(maj, min)))
		return -1;
	return open(TESTAID_NODE, O_RDONLY);
}

/*
 * A THP of this process, also mapped by a child that waits for its pipe
 * to close.  Returns the child or -1 (having reported SKIP or FAIL).
 */
static pid_t shared_thp(char *thp, int *hold, uint64_t *pfn)
{
	struct pt_vma *vmas;
	struct pt_row row;
	uint64_t pme;
	long huge = -1;
	int i, n, fds[2];
	pid_t child;

	if (mmap(thp, PMD_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != thp ||
	    madvise(thp, PMD_BYTES, MADV_HUGEPAGE)) {
		pt_skip("pfnmap: no THP region: %s", strerror(errno));
		return -1;
	}
	memset(thp, FILL, PMD_BYTES);
	n = pt_read_smaps(getpid(), &vmas);
	for (i = 0; i < n; i++)
		if (vmas[i].start == (unsigned long)thp)
			huge = vmas[i].anon_huge;
	if (n > 0)
		free(vmas);
	if (pt_pagemap_read(getpid(), (unsigned long)thp, 1, &pme) ||
	    !(pme & PM_PRESENT) || huge < 2048 ||
	    (pme & PM_PFN_MASK) % PMD_PAGES) {
		pt_skip("pfnmap: the kernel gave no THP (AnonHugePages %ld kB)",
			huge);
		return -1;
	}
	*pfn = pme & PM_PFN_MASK;
	if (pipe(fds)) {
		pt_fail("pfnmap: pipe: %s", strerror(errno));
		return -1;
	}
	child = fork();
	if (!child) {
		char c;

		close(fds[1]);
		while (read(fds[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(fds[0]);
	*hold = fds[1];
	if (child < 0) {
		pt_fail("pfnmap: fork: %s", strerror(errno));
		close(fds[1]);
		return -1;
	}
	/* The kernel's word that the THP is now mapped twice. */
	if (pt_pagemap_read(getpid(), (unsigned long)thp, 1, &pme) ||
	    (pme & PM_PFN_MASK) != *pfn || (pme & PM_MMAP_EXCLUSIVE)) {
		pt_skip("pfnmap: the THP is not mapped twice after fork (pagemap %#llx)",
			(unsigned long long)pme);
		goto err;
	}
	/* Control: ptscope does see this THP as shared where it is one. */
	if (ptscope_leaf(thp, &row) < 0) {
		pt_fail("pfnmap: no ptscope row for the THP");
		goto err;
	}
	if (strcmp(row.level, "pmd") || row.pfn != *pfn ||
	    !pt_flag(&row, PTF_SHARED)) {
		pt_fail("pfnmap: control: the forked THP is level %s pfn %#llx flags %s, want pmd %#llx SHARED",
			row.level, (unsigned long long)row.pfn, row.flags,
			(unsigned long long)*pfn);
		goto err;
	}
	pt_pass("pfnmap: control: the forked THP (pfn %#llx) is a SHARED pmd leaf",
		(unsigned long long)*pfn);
	return child;
err:
	close(fds[1]);
	waitpid(child, NULL, 0);
	return -1;
}

/* The checks on the PFNMAP leaf at dev that maps the THP at pfn. */
static void check_pfnmap_leaf(char *dev, uint64_t pfn)
{
	long rss, smaps_shared, pmd_leaves, pt_shared;
	struct pt_row row;
	int n;

	n = ptscope_leaf(dev, &row);
	if (n < 0) {
		pt_fail("pfnmap: no ptscope row for the PFNMAP leaf: %s",
			strerror(-n));
		return;
	}
	if (n == 1 && !strcmp(row.level, "pmd") && row.state == PT_PRESENT &&
	    row.start == (unsigned long)dev &&
	    row.end == (unsigned long)dev + PMD_BYTES && row.pfn == pfn)
		pt_pass("pfnmap: the PFNMAP leaf is one present pmd at pfn %#llx",
			(unsigned long long)pfn);
	else
		pt_fail("pfnmap: %d rows; the first %lx-%lx level %s state %d pfn %#llx, want one present pmd at pfn %#llx",
			n, row.start, row.end, row.level, row.state,
			(unsigned long long)row.pfn, (unsigned long long)pfn);
	if (!pt_flag(&row, PTF_SHARED))
		pt_pass("pfnmap: the PFNMAP leaf is not SHARED (flags %s)",
			row.flags);
	else
		pt_fail("pfnmap: the PFNMAP leaf is SHARED (flags %s): a mapcount was read through it",
			row.flags);

	if (smaps_vma_kb((unsigned long)dev, &rss, &smaps_shared)) {
		pt_fail("pfnmap: no smaps entry for the PFNMAP VMA");
		return;
	}
	if (ptscope_vma((unsigned long)dev, &pmd_leaves, &pt_shared)) {
		pt_fail("pfnmap: no ptscope vmas entry for the PFNMAP VMA");
		return;
	}
	if (pmd_leaves == 1 && pt_shared == smaps_shared && rss == 0)
		pt_pass("pfnmap: vmas: pmd=1 shared=%ldK, smaps Rss 0 Shared %ld kB",
			pt_shared, smaps_shared);
	else
		pt_fail("pfnmap: vmas: pmd=%ld shared=%ldK, smaps Rss %ld kB Shared %ld kB",
			pmd_leaves, pt_shared, rss, smaps_shared);
}

static void test_pfnmap_shared(void)
{
	char cmd[160], *thp, *hole, *dev;
	uint64_t pfn;
	int hold, fd;
	pid_t child;

	thp = aligned_hole();
	hole = aligned_hole();
	if (!thp || !hole) {
		pt_fail("pfnmap: no address space: %s", strerror(errno));
		return;
	}
	child = shared_thp(thp, &hold, &pfn);
	if (child < 0)
		goto out_thp;
	snprintf(cmd, sizeof(cmd), "insmod " TESTAID_KO
		 " pfnmap=1 pfnmap_pfn=%llu 2>/dev/null",
		 (unsigned long long)pfn);
	if (system(cmd)) {
		pt_skip("pfnmap: the helper module does not load with pfnmap=1");
		goto out_child;
	}
	fd = open_device();
	if (fd < 0) {
		pt_fail("pfnmap: cannot open the helper's device: %s",
			strerror(errno));
		goto out_module;
	}
	dev = mmap(hole, PMD_BYTES, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	if (dev != hole) {
		pt_fail("pfnmap: cannot map the helper's device: %s",
			strerror(errno));
		goto out_fd;
	}
	/* The device shows the THP's bytes: it maps those frames. */
	if (((volatile char *)dev)[0] != FILL ||
	    ((volatile char *)dev)[PMD_BYTES - 1] != FILL) {
		pt_fail("pfnmap: the device mapping does not show the THP's bytes");
		goto out_map;
	}
	if (read_param("pmd_inserts") < 1) {
		pt_skip("pfnmap: the kernel made no pmd leaf for the PFNMAP (pmd_inserts %ld)",
			read_param("pmd_inserts"));
		goto out_map;
	}
	check_pfnmap_leaf(dev, pfn);
out_map:
	/* Before the THP can go: the device maps its frames. */
	munmap(dev, PMD_BYTES);
out_fd:
	close(fd);
	unlink(TESTAID_NODE);
out_module:
	if (system("rmmod ptscope_testaid"))
		pt_fail("pfnmap: cannot unload the helper module");
out_child:
	close(hold);
	waitpid(child, NULL, 0);
out_thp:
	munmap(thp, PMD_BYTES);
	munmap(hole, PMD_BYTES);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!pt_module_loaded())
		pt_skip("pfnmap: ptscope.ko is not loaded");
	else if (!pt_pfns_visible())
		pt_skip("pfnmap: needs root to see pfns");
	else if (access(TESTAID_KO, R_OK))
		pt_skip("pfnmap: no %s", TESTAID_KO);
	else
		test_pfnmap_shared();
	return pt_summary();
}
