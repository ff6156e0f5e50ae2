// SPDX-License-Identifier: GPL-2.0
/*
 * test_proc.c: the /proc parsers of userspace/proc.c, on crafted lines,
 * on files captured from a real system (data/), and on this process's
 * own /proc files checked against independent oracles (a stack
 * address, a function address, sysinfo()).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "harness.h"
#include "proc.h"

static int parse_maps(const char *line, struct proc_maps_entry *e,
		      char *buf, size_t len)
{
	snprintf(buf, len, "%s", line);
	return proc_parse_maps_line(buf, e);
}

static void test_maps_lines(void)
{
	struct proc_maps_entry e;
	char buf[512];

	CHECK_INT(parse_maps("00400000-00452000 r-xp 00001000 08:02 173521      /usr/bin/dbus-daemon\n",
			     &e, buf, sizeof(buf)), 0);
	CHECK_U64(e.start, 0x400000);
	CHECK_U64(e.end, 0x452000);
	CHECK_STR(e.perms, "r-xp");
	CHECK_U64(e.offset, 0x1000);
	CHECK_INT(e.dev_major, 8);
	CHECK_INT(e.dev_minor, 2);
	CHECK_U64(e.inode, 173521);
	CHECK_STR(e.path, "/usr/bin/dbus-daemon");
	CHECK(!e.deleted);

	/* Anonymous: the kernel leaves a trailing blank; tolerate none. */
	CHECK_INT(parse_maps("7f0000000000-7f0000021000 rw-p 00000000 00:00 0 \n",
			     &e, buf, sizeof(buf)), 0);
	CHECK_STR(e.path, "");
	CHECK_INT(parse_maps("7f0000000000-7f0000021000 rw-p 00000000 00:00 0",
			     &e, buf, sizeof(buf)), 0);
	CHECK_STR(e.path, "");

	CHECK_INT(parse_maps("7f0000000000-7f0000021000 rw-p 00000000 00:00 0   /a b  (deleted)\n",
			     &e, buf, sizeof(buf)), 0);
	CHECK_STR(e.path, "/a b  (deleted)");
	CHECK(e.deleted);

	CHECK_INT(parse_maps("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]",
			     &e, buf, sizeof(buf)), 0);
	CHECK_U64(e.start, 0xffffffffff600000ULL);
	CHECK_STR(e.perms, "--xp");
	CHECK_STR(e.path, "[vsyscall]");

	/* Malformed lines are rejected, never half-parsed. */
	CHECK_INT(parse_maps("", &e, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(parse_maps("\n", &e, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(parse_maps("7f00 rw-p 0 00:00 0", &e, buf, sizeof(buf)),
		  -EINVAL);
	CHECK_INT(parse_maps("2000-1000 rw-p 00000000 00:00 0", &e, buf,
			     sizeof(buf)), -EINVAL);
	CHECK_INT(parse_maps("1000-1000 rw-p 00000000 00:00 0", &e, buf,
			     sizeof(buf)), -EINVAL);
	CHECK_INT(parse_maps("1000-2000 rwzp 00000000 00:00 0", &e, buf,
			     sizeof(buf)), -EINVAL);
	CHECK_INT(parse_maps("1000-2000 rw-pp 00000000 00:00 0", &e, buf,
			     sizeof(buf)), -EINVAL);
	CHECK_INT(parse_maps("1000-2000 rw-p 00000000 0000 0", &e, buf,
			     sizeof(buf)), -EINVAL);
	CHECK_INT(parse_maps("1000-2000 rw-p 00000000 00:00 x", &e, buf,
			     sizeof(buf)), -EINVAL);
	CHECK_INT(parse_maps("1000-2000 rw-p 00000000 00:00 12x", &e, buf,
			     sizeof(buf)), -EINVAL);
	CHECK_INT(parse_maps("1000-2000 rw-p 00000000 00:00 18446744073709551616",
			     &e, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(parse_maps("10000000000000000-20000000000000000 rw-p 00000000 00:00 0",
			     &e, buf, sizeof(buf)), -EINVAL);
}

static void test_maps_odd_file(void)
{
	static const char *const paths[] = {
		"/tmp/dir with spaces/prog  two",
		"/memfd:buf (deleted)",
		"/tmp/new\\012line",		/* kept as maps escapes it */
		"[anon:glibc malloc]",
		"",
		"[stack]",
		"",
	};
	struct proc_maps_entry e;
	struct proc_maps m;
	unsigned int n = 0;
	int ret;

	if (!CHECK(proc_maps_open_path(&m, "data/maps-odd.txt") == 0))
		return;
	while ((ret = proc_maps_next(&m, &e)) == 1) {
		if (n < sizeof(paths) / sizeof(paths[0]))
			CHECK_STR(e.path, paths[n]);
		if (n == 1) {
			CHECK(e.deleted);
			CHECK_STR(e.perms, "rw-s");
			CHECK_U64(e.end - e.start, 2 << 20);
		}
		if (n == 2) {
			CHECK_INT(e.dev_major, 0x103);
			CHECK_INT(e.dev_minor, 5);
			CHECK_U64(e.inode, UINT64_MAX);
		}
		if (n == 6)
			CHECK_U64(e.start, 0xfffffffff00000ULL);
		n++;
	}
	CHECK_INT(ret, 0);
	CHECK_INT(n, 7);
	proc_maps_close(&m);
}

/*
 * A real sleep(1): the sizes of its VMAs, [vsyscall] aside, must add up
 * to the VmSize its status reported at the same moment (2920 kB).
 */
static void test_maps_captured(void)
{
	struct proc_maps_entry e;
	struct proc_maps m;
	uint64_t vsz = 0;
	unsigned int n = 0, anon = 0, shared = 0;
	int ret;

	if (!CHECK(proc_maps_open_path(&m, "data/maps-sleep.txt") == 0))
		return;
	while ((ret = proc_maps_next(&m, &e)) == 1) {
		if (n == 0) {
			CHECK_U64(e.start, 0x5597c285d000ULL);
			CHECK_STR(e.path, "/usr/bin/sleep");
			CHECK_INT(e.dev_major, 0xfe);
			CHECK_U64(e.inode, 248056);
		}
		if (n == 5)
			CHECK_STR(e.path, "[heap]");
		if (strcmp(e.path, "[vsyscall]"))
			vsz += e.end - e.start;
		anon += !*e.path;
		shared += e.perms[3] == 's';
		n++;
	}
	CHECK_INT(ret, 0);
	CHECK_INT(n, 37);
	CHECK_INT(anon, 3);
	CHECK_INT(shared, 1);
	CHECK_U64(vsz, 2920 * 1024);
	proc_maps_close(&m);
}

static void test_status(void)
{
	struct proc_status st;

	memset(&st, 0, sizeof(st));
	CHECK_INT(proc_parse_status_line("VmRSS:\t    1860 kB\n", &st), 0);
	CHECK_U64(st.vm_rss, 1860 * 1024);
	CHECK_INT(st.have, PROC_ST_VMRSS);
	CHECK_INT(proc_parse_status_line("Name:\tweird: 12 kB name\n", &st), 0);
	CHECK_INT(proc_parse_status_line("Threads:\t1\n", &st), 0);
	CHECK_INT(proc_parse_status_line("no colon at all\n", &st), 0);
	CHECK_INT(proc_parse_status_line("VmSwap:\t       0 kB", &st), 0);
	CHECK_INT(st.have, PROC_ST_VMRSS | PROC_ST_VMSWAP);
	CHECK_INT(proc_parse_status_line("VmPTE:\t18014398509481983 kB\n",
					 &st), 0);
	CHECK_U64(st.vm_pte, 0xfffffffffffffc00ULL);
	CHECK_INT(proc_parse_status_line("VmPTE:\t18014398509481984 kB\n",
					 &st), -EINVAL);
	CHECK_INT(proc_parse_status_line("VmRSS:\t abc kB\n", &st), -EINVAL);
	CHECK_INT(proc_parse_status_line("VmRSS:\t 12 MB\n", &st), -EINVAL);
	CHECK_INT(proc_parse_status_line("VmRSS:\n", &st), -EINVAL);
	CHECK_U64(st.vm_rss, 1860 * 1024);	/* rejects leave it alone */
	/* Prefixes of known keys are other keys. */
	CHECK_INT(proc_parse_status_line("VmRSSx:\t1 kB\n", &st), 0);
	CHECK_INT(proc_parse_status_line("VmRS:\t1 kB\n", &st), 0);
	CHECK_U64(st.vm_rss, 1860 * 1024);

	CHECK_INT(proc_read_status_path("data/status-sleep.txt", &st), 0);
	CHECK_U64(st.vm_size, 2920 * 1024);
	CHECK_U64(st.vm_rss, 1860 * 1024);
	CHECK_U64(st.rss_anon, 108 * 1024);
	CHECK_U64(st.rss_file, 1752 * 1024);
	CHECK_U64(st.rss_shmem, 0);
	CHECK_U64(st.vm_swap, 0);
	CHECK_U64(st.vm_pte, 44 * 1024);
	CHECK_INT(st.have, 0x7f);
	CHECK_U64(st.rss_anon + st.rss_file + st.rss_shmem, st.vm_rss);

	/* A kernel thread has no mm, so no Vm* lines at all. */
	CHECK_INT(proc_read_status_path("data/status-kthread.txt", &st), 0);
	CHECK_INT(st.have, 0);

	CHECK_INT(proc_read_status_path("data/no-such-file", &st), -ENOENT);
}

static void test_meminfo(void)
{
	struct proc_meminfo mi;

	memset(&mi, 0, sizeof(mi));
	CHECK_INT(proc_parse_meminfo_line("HugePages_Total:       0\n", &mi),
		  0);
	CHECK_INT(mi.have, 0);
	CHECK_INT(proc_parse_meminfo_line("Active(anon):       1532 kB\n",
					  &mi), 0);
	CHECK_INT(mi.have, 0);

	CHECK_INT(proc_read_meminfo_path("data/meminfo.txt", &mi), 0);
	CHECK_U64(mi.mem_total, 24684092ULL * 1024);
	CHECK_U64(mi.mem_free, 24339108ULL * 1024);
	CHECK_U64(mi.mem_available, 24329596ULL * 1024);
	CHECK_U64(mi.buffers, 1100ULL * 1024);
	CHECK_U64(mi.cached, 86360ULL * 1024);
	CHECK_U64(mi.sreclaimable, 154640ULL * 1024);
	CHECK_U64(mi.shmem, 8856ULL * 1024);
	CHECK_U64(mi.swap_total, 0);
	CHECK_U64(mi.page_tables, 1584ULL * 1024);
	CHECK_U64(mi.kernel_stack, 1432ULL * 1024);
	CHECK_INT(mi.have, 0xfff);
}

static int live_marker(void)
{
	return 1;
}

/* This very process: its stack and its code must be where maps says. */
static void test_live(void)
{
	struct proc_maps_entry e;
	struct proc_meminfo mi;
	struct proc_status st;
	struct sysinfo si;
	struct proc_maps m;
	uintptr_t stack = (uintptr_t)&m, code = (uintptr_t)live_marker;
	bool stack_ok = false, code_ok = false;

	if (!CHECK(proc_maps_open(&m, getpid()) == 0))
		return;
	while (proc_maps_next(&m, &e) == 1) {
		/* Under valgrind the stack is an unnamed mapping. */
		if (stack >= e.start && stack < e.end)
			stack_ok = !strcmp(e.perms, "rw-p") &&
				   (!strcmp(e.path, "[stack]") || !*e.path);
		if (code >= e.start && code < e.end)
			code_ok = e.perms[2] == 'x' && e.inode != 0 &&
				  !strcmp(strrchr(e.path, '/'), "/unit");
	}
	proc_maps_close(&m);
	CHECK(stack_ok);
	CHECK(code_ok);

	CHECK_INT(proc_read_status(getpid(), &st), 0);
	CHECK_INT(st.have, 0x7f);
	CHECK(st.vm_rss > 0 && st.vm_rss <= st.vm_size);
	CHECK_INT(proc_read_status(INT_MAX, &st), -ENOENT);
	CHECK_INT(proc_maps_open(&m, INT_MAX), -ENOENT);

	CHECK_INT(proc_read_meminfo(&mi), 0);
	CHECK_INT(sysinfo(&si), 0);
	CHECK_U64(mi.mem_total, (uint64_t)si.totalram * si.mem_unit);
}

void test_proc(void)
{
	test_maps_lines();
	test_maps_odd_file();
	test_maps_captured();
	test_status();
	test_meminfo();
	test_live();
}
