// SPDX-License-Identifier: GPL-2.0
/*
 * test-privilege: the access rule as a table.  Rows are targets (the
 * caller itself, its own children, a root process, another user's, some
 * with changed credentials or not dumpable, a kernel thread and pid 1);
 * columns are every interface that takes a target: netlink SUMMARY, VMAS,
 * RANGES, VTOP and per-process GET_STATS, and the procfs files vmas,
 * ranges, pages, summary and vtop.  The table is run once for each
 * caller: root, and uid 1000 (in a child that drops privileges when the
 * program starts as root; directly when it starts as uid 1000).
 *
 * The oracle is the kernel's own rule for /proc/PID/pagemap, exercised
 * by the same caller: whether it may open the target's pagemap (the
 * ptrace_may_access() check of PTRACE_MODE_READ_FSCREDS), and what the
 * pagemap entries of a present and of a swapped page hold for it (PFN
 * and swap offset are zero without CAP_SYS_ADMIN).  ptscope must allow
 * exactly what pagemap allows (else EPERM with the documented extack)
 * and show exactly the PFN, swap offset and raw PFN bits pagemap shows.
 * Two rows have documented answers instead: a kernel thread is EINVAL
 * ("pid has no mm") for everyone, and a process may always inspect
 * itself, even non-dumpable, where pagemap's file is root-owned.
 *
 * A refused procfs selection must leave the file's previous selection in
 * place, and a refused dump must send no data.  Switching statistics and
 * changing the watch list need CAP_SYS_ADMIN or CAP_PERFMON (oracle: the
 * caller's CapEff), and a refused request must change nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "pt_nl.h"
#include "pt_oracle.h"
#include "pt_stats.h"
#include "uapi/ptscope.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif

#define PAGE			4096UL
#ifdef __aarch64__
/*
 * arm64 entry layout (4K pages): output address bits 12..49 (DBM is bit
 * 51; LPA2's address bits 50-51 sit in entry bits 8-9, zero below 1 PiB);
 * swap offset in bits 12..61, type in bits 6..10 (arch/arm64's __SWP_*).
 */
#define PTE_PFN_BITS		UINT64_C(0x0003fffffffff000)
#define PMD_PFN_BITS		UINT64_C(0x0003ffffffe00000)
#define SWP_OFFSET_BITS		UINT64_C(0x3ffffffffffff000)
#define SWP_RAW_OFFSET(raw)	(((uint64_t)(raw) & SWP_OFFSET_BITS) >> 12)
#else
/* x86-64 entry layout: PFN bits 12..51; swap offset ~inverted in 9..58. */
#define PTE_PFN_BITS		UINT64_C(0x000ffffffffff000)
#define PMD_PFN_BITS		UINT64_C(0x000fffffffe00000)
#define SWP_OFFSET_BITS		UINT64_C(0x07fffffffffffe00)
#define SWP_RAW_OFFSET(raw)	((~(uint64_t)(raw) << 5) >> 14)
#endif
#define PF_KTHREAD		0x00200000

#define MSG_EPERM	"not permitted to inspect this process"
#define MSG_KTHREAD	"pid has no mm (kernel thread)"
#define MSG_STATS_CAP	"changing statistics needs CAP_SYS_ADMIN or CAP_PERFMON"

static const char *who = "root";	/* the caller of this half */
static char *region;			/* page 0 present, page 1 swapped */

/* ---- targets ------------------------------------------------------------ */

enum row {
	R_SELF, R_SELF_NODUMP, R_OWN, R_OWN_NODUMP, R_ROOT, R_ROOT_NODUMP,
	R_OTHER, R_SETUID, R_SUID0, R_EGID, R_KTHREAD, R_INIT, NROWS
};

static const char *const row_names[NROWS] = {
	[R_SELF]	= "self",
	[R_SELF_NODUMP]	= "self, non-dumpable",
	[R_OWN]		= "own child",
	[R_OWN_NODUMP]	= "own child, non-dumpable",
	[R_ROOT]	= "root process",
	[R_ROOT_NODUMP]	= "root process, non-dumpable",
	[R_OTHER]	= "other user (uid 1001)",
	[R_SETUID]	= "setuid root->1000",
	[R_SUID0]	= "uid 1000, saved uid 0",
	[R_EGID]	= "uid 1000, egid 1001",
	[R_KTHREAD]	= "kernel thread (pid 2)",
	[R_INIT]	= "pid 1 (init)",
};

/* How a target child sets itself up; see spawn_target(). */
enum kind { K_PLAIN, K_NODUMP, K_UID1001, K_SETUID, K_SUID0, K_EGID };

struct target {
	pid_t pid;			/* 0: none in this guest */
	bool ours;			/* has the test region */
	char why[96];			/* SKIP reason when pid is 0 */
};

/* Targets root makes for both halves; filled before the user half. */
static struct target root_made[NROWS];
static pid_t children[16];
static int nchildren;
static int root_pages_fd = -1;		/* /proc/ptscope/pages opened by root */

static void prepare_region(void)
{
	unsigned char vec;
	int i;

	region[0] = 1;
	region[PAGE] = 2;
	for (i = 0; i < 10; i++) {
		madvise(region + PAGE, PAGE, MADV_PAGEOUT);
		if (!mincore(region + PAGE, PAGE, &vec) && !(vec & 1))
			break;
		usleep(10000);
	}
}

static void become(gid_t rg, gid_t eg, gid_t sg, uid_t ru, uid_t eu, uid_t su)
{
	if (setgroups(0, NULL) || setresgid(rg, eg, sg) ||
	    setresuid(ru, eu, su))
		_exit(3);
}

/*
 * Forks a target of @kind that makes its own copy of the region's pages
 * and waits to be killed.  Returns its pid once it is ready, or 0.
 */
static pid_t spawn_target(enum kind kind)
{
	int fds[2];
	char c = 0;
	pid_t pid;

	if (pipe(fds))
		return 0;
	fflush(stdout);
	pid = fork();
	if (!pid) {
		close(fds[0]);
		switch (kind) {
		case K_PLAIN:
		case K_NODUMP:
			break;
		case K_UID1001:
			become(1001, 1001, 1001, 1001, 1001, 1001);
			break;
		case K_SETUID:
			/* commit_creds() makes it non-dumpable by itself. */
			become(1000, 1000, 1000, 1000, 1000, 1000);
			break;
		case K_SUID0:
			become(1000, 1000, 1000, 1000, 1000, 0);
			break;
		case K_EGID:
			become(1000, 1001, 1000, 1000, 1000, 1000);
			break;
		}
		if (kind == K_NODUMP)
			prctl(PR_SET_DUMPABLE, 0);
		else if (kind != K_SETUID)
			prctl(PR_SET_DUMPABLE, 1);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prepare_region();
		if (kind == K_SETUID && prctl(PR_GET_DUMPABLE) != 0)
			_exit(4);
		if (write(fds[1], &c, 1) != 1)
			_exit(5);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], &c, 1) != 1) {
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		close(fds[0]);
		return 0;
	}
	close(fds[0]);
	if (nchildren < (int)(sizeof(children) / sizeof(children[0])))
		children[nchildren++] = pid;
	return pid;
}

/* Kills and reaps the targets spawned since @from. */
static void kill_children(int from)
{
	int i;

	for (i = from; i < nchildren; i++) {
		kill(children[i], SIGKILL);
		waitpid(children[i], NULL, 0);
	}
	nchildren = from;
}

static void set_target(struct target *t, pid_t pid, bool ours,
		       const char *why)
{
	t->pid = pid;
	t->ours = ours && pid;
	snprintf(t->why, sizeof(t->why), "%s", pid ? "" : why);
}

/* Field @n (1-based) of /proc/PID/stat, as a number; -1 on error. */
static long long stat_field(pid_t pid, int n)
{
	char path[64], buf[1024], *p;
	long long v = -1;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');	/* comm may hold blanks */
		for (i = 3; p && i <= n; i++)
			p = strchr(p + 1, ' ');
		if (p)
			v = strtoll(p + 1, NULL, 10);
	}
	fclose(f);
	return v;
}

/* Real uid of a process from its status file, or -1. */
static long proc_uid(pid_t pid)
{
	return pt_status_field(pid, "Uid");
}

/* A user process (not a kernel thread, not pid 1 nor us) of a uid. */
static pid_t find_process(bool (*want)(long uid))
{
	struct dirent *d;
	pid_t found = 0;
	DIR *dir;

	dir = opendir("/proc");
	if (!dir)
		return 0;
	while (!found && (d = readdir(dir))) {
		pid_t pid = atoi(d->d_name);
		long long flags;
		long uid;

		if (pid <= 1 || pid == getpid() || pid == getppid())
			continue;
		uid = proc_uid(pid);
		flags = stat_field(pid, 9);
		if (uid < 0 || !want(uid) || flags < 0 || (flags & PF_KTHREAD))
			continue;
		found = pid;
	}
	closedir(dir);
	return found;
}

static bool is_root_uid(long uid)
{
	return uid == 0;
}

static bool is_other_uid(long uid)
{
	return uid != 0 && uid != (long)getuid();
}

/* ---- the oracle: /proc/PID/pagemap, as this caller ---------------------- */

struct oracle {
	int open_err;			/* 0 or errno of open() */
	bool empty;			/* opened, but reads nothing (no mm) */
	unsigned long present_addr;	/* 0: no present page known */
	uint64_t pm_present;		/* its pagemap entry */
	unsigned long swap_addr;	/* 0: no swapped page known */
	uint64_t pm_swap;
};

static int pagemap_entry(int fd, unsigned long addr, uint64_t *e)
{
	ssize_t r = pread(fd, e, 8, (off_t)(addr / PAGE) * 8);

	if (r == 8)
		return 0;
	return r < 0 ? -errno : -ENODATA;
}

/* The first present page of a process we may read, from maps + pagemap. */
static unsigned long find_present(pid_t pid, int pm_fd, uint64_t *e)
{
	char path[64], line[512];
	unsigned long s, end, a;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &s, &end) != 2 || strstr(line, "[vsyscall]"))
			continue;
		for (a = s; a < end && a < s + 256 * PAGE; a += PAGE)
			if (!pagemap_entry(pm_fd, a, e) && (*e & PM_PRESENT) &&
			    !(*e & PM_SWAP)) {
				fclose(f);
				return a;
			}
	}
	fclose(f);
	return 0;
}

static void ask_oracle(const struct target *t, struct oracle *o)
{
	char path[64];
	uint64_t e;
	int fd;

	memset(o, 0, sizeof(*o));
	snprintf(path, sizeof(path), "/proc/%d/pagemap", t->pid);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		o->open_err = errno;
		return;
	}
	if (pagemap_entry(fd, 0x400000, &e) == -ENODATA) {
		o->empty = true;
		close(fd);
		return;
	}
	if (t->ours) {
		if (!pagemap_entry(fd, (unsigned long)region, &e) &&
		    (e & PM_PRESENT)) {
			o->present_addr = (unsigned long)region;
			o->pm_present = e;
		}
		if (!pagemap_entry(fd, (unsigned long)region + PAGE, &e) &&
		    (e & PM_SWAP)) {
			o->swap_addr = (unsigned long)region + PAGE;
			o->pm_swap = e;
		}
	} else {
		o->present_addr = find_present(t->pid, fd, &o->pm_present);
	}
	close(fd);
}

static const char *errname(int err)
{
	static char buf[16];

	switch (err) {
	case 0:		return "ok";
	case EPERM:	return "EPERM";
	case EACCES:	return "EACCES";
	case EINVAL:	return "EINVAL";
	case ESRCH:	return "ESRCH";
	case ENOENT:	return "ENOENT";
	case EPROTO:	return "EPROTO";
	case EIO:	return "EIO";
	}
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

/* ---- generic netlink ---------------------------------------------------- */

static struct pt_nl main_nl = { .fd = -1 };
static struct pt_nl *nl = &main_nl;	/* the socket requests go to */

struct nl_answer {
	int error;		/* 0 or a positive errno */
	const char *msg;	/* extack text */
	int data_msgs;
};

/* Sends @r on nl, reads to the ack, error or DONE; data replies go to @cb. */
static int nl_xfer(struct pt_nl_req *r, struct nl_answer *a, pt_nl_cb cb,
		   void *arg)
{
	struct pt_nl_answer ans;
	int err = pt_nl_ask(nl, &r->nh, cb, arg, &ans);

	a->error = -ans.error;
	a->data_msgs = ans.msgs;
	a->msg = err ? "" : nl->extack;
	return err;
}

/* (Re)opens @s; 0 or -errno. */
static int nl_open(struct pt_nl *s)
{
	if (s->fd >= 0)
		pt_nl_close(s);
	return pt_nl_open(s);
}

/* One leaf of a RANGES dump, or one level of a VTOP reply. */
struct nl_entry {
	bool found;
	int level, state;
	uint64_t pfn, raw, swap_off, entry_phys;
	bool has_swap_off;
};

static void get_entry(const struct nlattr *nest, struct nl_entry *e)
{
	const struct nlattr *tb[PTSCOPE_RANGE_MAX + 1];

	pt_nl_parse_nest(nest, tb, PTSCOPE_RANGE_MAX);
	e->found = true;
	e->level = pt_nl_uint(tb[PTSCOPE_RANGE_LEVEL], 0);
	e->state = pt_nl_uint(tb[PTSCOPE_RANGE_STATE], 0);
	e->pfn = pt_nl_uint(tb[PTSCOPE_RANGE_PFN], UINT64_MAX);
	e->raw = pt_nl_uint(tb[PTSCOPE_RANGE_RAW], UINT64_MAX);
	e->entry_phys = pt_nl_uint(tb[PTSCOPE_RANGE_ENTRY_PHYS], UINT64_MAX);
	e->has_swap_off = tb[PTSCOPE_RANGE_SWAP_OFFSET];
	e->swap_off = pt_nl_uint(tb[PTSCOPE_RANGE_SWAP_OFFSET], 0);
}

static int range_cb(const struct nlmsghdr *nh, void *arg)
{
	struct nl_entry *e = arg;

	pt_nl_for_each(a, pt_nl_msg_attrs(nh), pt_nl_msg_len(nh))
		if (!e->found &&
		    (a->nla_type & NLA_TYPE_MASK) == PTSCOPE_A_RANGE)
			get_entry(a, e);
	return 0;
}

struct nl_vtop {
	bool found;
	int stop, nr;
	uint64_t phys;
	struct nl_entry lv[6];
};

static int vtop_cb(const struct nlmsghdr *nh, void *arg)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1], *v[PTSCOPE_VTOP_MAX + 1];
	struct nl_vtop *vt = arg;
	const struct nlattr *n;

	pt_nl_parse_msg(nh, tb, PTSCOPE_A_MAX);
	n = tb[PTSCOPE_A_VTOP];
	if (!n)
		return 0;
	vt->found = true;
	pt_nl_parse_nest(n, v, PTSCOPE_VTOP_MAX);
	vt->stop = pt_nl_uint(v[PTSCOPE_VTOP_STOP], 99);
	vt->phys = pt_nl_uint(v[PTSCOPE_VTOP_PHYS], UINT64_MAX);
	pt_nl_for_each(a, pt_nl_data(n), pt_nl_len(n))
		if ((a->nla_type & NLA_TYPE_MASK) == PTSCOPE_VTOP_LEVEL &&
		    vt->nr < 6)
			get_entry(a, &vt->lv[vt->nr++]);
	return 0;
}

/* A request naming @pid (and @addr for vtop, a one-page range for dumps). */
static int nl_target_req(uint8_t cmd, pid_t pid, unsigned long addr,
			 struct nl_answer *a, pt_nl_cb cb, void *arg)
{
	bool dump = cmd == PTSCOPE_CMD_GET_VMAS || cmd == PTSCOPE_CMD_GET_RANGES ||
		    cmd == PTSCOPE_CMD_GET_SUMMARY;
	struct pt_nl_req r;

	pt_nl_init(&r, nl->family, cmd, dump ? NLM_F_DUMP : 0);
	pt_nl_put_u32(&r, PTSCOPE_A_PID, pid);
	if (cmd == PTSCOPE_CMD_VTOP)
		pt_nl_put_u64(&r, PTSCOPE_A_ADDR, addr);
	if (cmd == PTSCOPE_CMD_GET_RANGES && addr) {
		pt_nl_put_u64(&r, PTSCOPE_A_START, addr);
		pt_nl_put_u64(&r, PTSCOPE_A_END, addr + PAGE);
		pt_nl_put_u32(&r, PTSCOPE_A_FLAGS, PTSCOPE_RF(PER_PAGE));
	}
	return nl_xfer(&r, a, cb, arg);
}

/* ---- procfs ----------------------------------------------------------------- */

/* Reads what is left of the report on @fd into @buf. */
static int read_all(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t r;

	while (len + 1 < cap && (r = read(fd, buf + len, cap - len - 1)) > 0)
		len += r;
	buf[len] = '\0';
	return r < 0 ? -errno : 0;
}

struct pf_vtop {
	int nr;
	uint64_t entry_phys[6], raw[6];
	char level[6][8], state[6][16];
	bool has_phys;
	uint64_t phys;
};

static void parse_pf_vtop(const char *text, struct pf_vtop *v)
{
	const char *line = text, *p;

	memset(v, 0, sizeof(*v));
	for (; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned int idx;

		if (v->nr < 6 &&
		    sscanf(line, "%7s %u %" SCNx64 " %" SCNx64 " %15s",
			   v->level[v->nr], &idx, &v->entry_phys[v->nr],
			   &v->raw[v->nr], v->state[v->nr]) == 5)
			v->nr++;
		if (!strncmp(line, "stop:", 5)) {
			p = strstr(line, "physical address ");
			if (p && sscanf(p + 17, "%" SCNx64, &v->phys) == 1)
				v->has_phys = true;
		}
	}
}

/* ---- the matrix --------------------------------------------------------- */

enum col {
	C_NL_SUM, C_NL_VMAS, C_NL_RANGES, C_NL_VTOP, C_NL_STATS,
	C_PF_VMAS, C_PF_RANGES, C_PF_PAGES, C_PF_SUMMARY, C_PF_VTOP,
	C_PFN, C_RAW, C_SWAP, NCOLS
};

static const char *const col_names[NCOLS] = {
	"nl:SUM", "VMAS", "RANGES", "VTOP", "STATS",
	"pf:vmas", "ranges", "pages", "summary", "vtop",
	"pfn", "raw", "swapoff",
};

static char cell[NROWS][NCOLS][12];
static char oracle_txt[NROWS][24];

static void set_cell(int row, int col, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void set_cell(int row, int col, bool ok, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(cell[row][col], sizeof(cell[row][col]) - 1, fmt, ap);
	va_end(ap);
	if (!ok) {
		n = strlen(cell[row][col]);
		cell[row][col][n] = '!';
		cell[row][col][n + 1] = '\0';
	}
}

/* The outcome every interface must give for this row. */
struct expect {
	int err;			/* 0, EPERM or EINVAL */
	const char *msg;		/* extack for a refusal */
	const char *basis;		/* why, for the messages */
};

static void expect_for(int row, const struct oracle *o, struct expect *x)
{
	memset(x, 0, sizeof(*x));
	if (row == R_KTHREAD) {
		x->err = EINVAL;
		x->msg = MSG_KTHREAD;
		x->basis = "documented: a kernel thread has no mm";
	} else if (row == R_SELF || row == R_SELF_NODUMP) {
		x->basis = "documented: a process may always inspect itself";
	} else if (o->open_err) {
		x->err = EPERM;
		x->msg = MSG_EPERM;
		x->basis = "pagemap refuses";
	} else {
		x->basis = "pagemap allows";
	}
}

static void check_access(int row, int col, const char *iface,
			 const struct expect *x, int err, const char *msg,
			 int data_msgs)
{
	const char *r = row_names[row];
	bool ok = err == x->err;

	if (!ok)
		pt_fail("%s/%s: %s: got %s, expected %s (%s)", who, r, iface,
			errname(err), errname(x->err), x->basis);
	else if (x->err && msg && !strstr(msg, x->msg))
		ok = false, pt_fail("%s/%s: %s: %s with extack \"%s\", expected \"%s\"",
				    who, r, iface, errname(err), msg, x->msg);
	else if (x->err && data_msgs)
		ok = false, pt_fail("%s/%s: %s: refused but sent %d data messages",
				    who, r, iface, data_msgs);
	else
		pt_pass("%s/%s: %s: %s (%s)", who, r, iface, errname(err),
			x->basis);
	set_cell(row, col, ok, "%s", errname(err));
}

static void check_netlink(int row, pid_t pid, const struct expect *x)
{
	static const struct { uint8_t cmd; int col; const char *name; } cmds[] = {
		{ PTSCOPE_CMD_GET_SUMMARY, C_NL_SUM, "netlink SUMMARY" },
		{ PTSCOPE_CMD_GET_VMAS, C_NL_VMAS, "netlink VMAS" },
		{ PTSCOPE_CMD_GET_RANGES, C_NL_RANGES, "netlink RANGES" },
		{ PTSCOPE_CMD_VTOP, C_NL_VTOP, "netlink VTOP" },
		{ PTSCOPE_CMD_GET_STATS, C_NL_STATS, "netlink GET_STATS pid" },
	};
	struct nl_answer a;
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		unsigned long addr = cmds[i].cmd == PTSCOPE_CMD_VTOP ?
				     (unsigned long)region : 0;
		int ret = nl_target_req(cmds[i].cmd, pid, addr, &a, NULL, NULL);

		if (ret) {
			pt_fail("%s/%s: %s: netlink: %s", who, row_names[row],
				cmds[i].name, strerror(-ret));
			set_cell(row, cmds[i].col, false, "io");
			continue;
		}
		check_access(row, cmds[i].col, cmds[i].name, x, a.error,
			     a.msg, a.data_msgs);
	}
}

/*
 * Each procfs file: select ourselves first, then the target on the same
 * descriptor.  Allowed: the report is the target's.  Refused: the errno,
 * and the report is still ours (a refused selection changes nothing).
 */
static void check_procfs(int row, pid_t pid, const struct expect *x)
{
	static const struct { const char *file; int col; } files[] = {
		{ "vmas", C_PF_VMAS }, { "ranges", C_PF_RANGES },
		{ "pages", C_PF_PAGES }, { "summary", C_PF_SUMMARY },
		{ "vtop", C_PF_VTOP },
	};
	static char buf[1 << 16];
	char sel[96], path[64], want[32], iface[48];
	unsigned int i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *f = files[i].file;
		bool vtop = !strcmp(f, "vtop");
		bool sum = !strcmp(f, "summary");
		int fd, err = 0;
		pid_t shown;

		snprintf(iface, sizeof(iface), "procfs %s", f);
		snprintf(path, sizeof(path), "/proc/ptscope/%s", f);
		fd = open(path, O_RDWR);
		if (fd < 0) {
			pt_fail("%s/%s: %s: open: %s", who, row_names[row],
				iface, strerror(errno));
			set_cell(row, files[i].col, false, "open");
			continue;
		}
		if (vtop)
			snprintf(sel, sizeof(sel), "%d %lx", getpid(),
				 (unsigned long)region);
		else if (sum)
			snprintf(sel, sizeof(sel), "%d", getpid());
		else
			snprintf(sel, sizeof(sel), "%d %lx %lx", getpid(),
				 (unsigned long)region,
				 (unsigned long)region + 2 * PAGE);
		if (write(fd, sel, strlen(sel)) < 0) {
			pt_fail("%s/%s: %s: selecting ourselves: %s", who,
				row_names[row], iface, strerror(errno));
			set_cell(row, files[i].col, false, "self");
			close(fd);
			continue;
		}
		if (vtop)
			snprintf(sel, sizeof(sel), "%d %lx", pid,
				 (unsigned long)region);
		else
			snprintf(sel, sizeof(sel), "%d", pid);
		if (write(fd, sel, strlen(sel)) < 0)
			err = errno;
		check_access(row, files[i].col, iface, x, err, NULL, 0);

		/* Whose report does the descriptor give now? */
		shown = err ? getpid() : pid;
		snprintf(want, sizeof(want), sum ? "pid %d," : vtop ?
			 "pid %d address" : "# pid %d range", shown);
		if (read_all(fd, buf, sizeof(buf)))
			pt_fail("%s/%s: %s: read: %s", who, row_names[row],
				iface, strerror(errno));
		else if (strncmp(buf, want, strlen(want)))
			pt_fail("%s/%s: %s: after the %s write the report starts \"%.40s\", expected \"%s\"",
				who, row_names[row], iface,
				err ? "refused" : "accepted", buf, want);
		else
			pt_pass("%s/%s: %s: report is %s's after the %s write",
				who, row_names[row], iface,
				err ? "the previous selection" : "the target",
				err ? "refused" : "accepted");
		close(fd);
	}
}

/* Raw PFN bits, checked only where the layout is known (4K and 2M leaves). */
static bool raw_pfn_matches(int level, uint64_t raw, uint64_t pfn)
{
	if (level == PTSCOPE_LEVEL_PTE)
		return (raw & PTE_PFN_BITS) >> 12 == pfn;
	return (raw & PMD_PFN_BITS) == ((pfn << 12) & PMD_PFN_BITS);
}

/* The raw swap entry's offset bits: the offset, or all clear when hidden. */
static bool raw_swap_matches(uint64_t raw, uint64_t off)
{
	return off ? SWP_RAW_OFFSET(raw) == off : !(raw & SWP_OFFSET_BITS);
}

/*
 * PFN and raw PFN bits of the present page, and the swap offset (entry
 * and raw bits) of the swapped one, must be what pagemap shows this caller:
 * the frame, or 0 when pagemap hides it.
 */
static void check_frames(int row, const struct target *t,
			 const struct oracle *o)
{
	pid_t pid = t->pid;
	const char *r = row_names[row];
	uint64_t pfn = o->pm_present & PM_PFN_MASK;
	uint64_t off = PM_SWAP_OFFSET(o->pm_swap);
	bool pfn_ok = true, raw_ok = true, swap_ok = true;
	struct nl_answer a;
	struct nl_entry e;
	struct nl_vtop v;
	struct pf_vtop pv;
	struct pt_row *rows = NULL;
	char sel[64], *text;
	int n, i;

	if (!o->present_addr) {
		pt_skip("%s/%s: frames: no present page found through pagemap",
			who, r);
		set_cell(row, C_PFN, true, "-");
		set_cell(row, C_RAW, true, "-");
	} else {
		unsigned long addr = o->present_addr;

		/* netlink RANGES, one page. */
		memset(&e, 0, sizeof(e));
		if (nl_target_req(PTSCOPE_CMD_GET_RANGES, pid, addr, &a,
				  range_cb, &e) || a.error || !e.found) {
			pt_fail("%s/%s: netlink RANGES %lx: %s", who, r, addr,
				errname(a.error));
			pfn_ok = false;
		} else {
			if (e.pfn != pfn)
				pfn_ok = false, pt_fail("%s/%s: netlink RANGES pfn %#" PRIx64 ", pagemap %#" PRIx64,
							who, r, e.pfn, pfn);
			if (!raw_pfn_matches(e.level, e.raw, pfn))
				raw_ok = false, pt_fail("%s/%s: netlink RANGES raw %#" PRIx64 ": PFN bits are not pagemap's %#" PRIx64,
							who, r, e.raw, pfn);
		}

		/* netlink VTOP: the leaf, the translation, the table entries. */
		memset(&v, 0, sizeof(v));
		if (nl_target_req(PTSCOPE_CMD_VTOP, pid, addr + 0x10, &a,
				  vtop_cb, &v) || a.error || !v.found || !v.nr ||
		    v.stop != PTSCOPE_VTOP_STOP_LEAF) {
			pt_fail("%s/%s: netlink VTOP %lx: %s, stop %d", who, r,
				addr, errname(a.error), v.stop);
			pfn_ok = false;
		} else {
			const struct nl_entry *leaf = &v.lv[v.nr - 1];

			if (leaf->pfn != pfn || v.phys >> 12 != pfn)
				pfn_ok = false, pt_fail("%s/%s: netlink VTOP pfn %#" PRIx64 " phys %#" PRIx64 ", pagemap pfn %#" PRIx64,
							who, r, leaf->pfn, v.phys, pfn);
			if (!raw_pfn_matches(leaf->level, leaf->raw, pfn))
				raw_ok = false, pt_fail("%s/%s: netlink VTOP leaf raw %#" PRIx64 ", pagemap pfn %#" PRIx64,
							who, r, leaf->raw, pfn);
			for (i = 0; i < v.nr; i++) {
				bool shown = (v.lv[i].raw & PTE_PFN_BITS) &&
					     v.lv[i].entry_phys;
				bool hidden = !(v.lv[i].raw & PTE_PFN_BITS) &&
					      !v.lv[i].entry_phys;

				if (i < v.nr - 1 && !(pfn ? shown : hidden))
					raw_ok = false, pt_fail("%s/%s: netlink VTOP level %d raw %#" PRIx64 " entry_phys %#" PRIx64 ": should be %s like pagemap's pfn",
								who, r, v.lv[i].level, v.lv[i].raw,
								v.lv[i].entry_phys, pfn ? "shown" : "hidden");
			}
		}

		/* procfs pages, one page. */
		n = pt_read_rows("pages", pid, addr, addr + PAGE, &rows);
		if (n != 1) {
			pt_fail("%s/%s: procfs pages %lx: %d rows", who, r, addr, n);
			pfn_ok = false;
		} else {
			if (rows[0].pfn != pfn)
				pfn_ok = false, pt_fail("%s/%s: procfs pages pfn %#" PRIx64 ", pagemap %#" PRIx64,
							who, r, rows[0].pfn, pfn);
			if (!raw_pfn_matches(strcmp(rows[0].level, "pte") ?
					     PTSCOPE_LEVEL_PMD : PTSCOPE_LEVEL_PTE,
					     rows[0].raw, pfn))
				raw_ok = false, pt_fail("%s/%s: procfs pages raw %#" PRIx64 ", pagemap pfn %#" PRIx64,
							who, r, rows[0].raw, pfn);
		}
		free(rows);
		rows = NULL;

		/* procfs vtop. */
		snprintf(sel, sizeof(sel), "%d %lx", pid, addr + 0x10);
		text = pt_proc_query("vtop", sel);
		if (!text) {
			pt_fail("%s/%s: procfs vtop: %s", who, r, strerror(errno));
			pfn_ok = false;
		} else {
			parse_pf_vtop(text, &pv);
			if (pfn ? !pv.has_phys || pv.phys >> 12 != pfn : pv.has_phys)
				pfn_ok = false, pt_fail("%s/%s: procfs vtop: physical address %s%#" PRIx64 ", pagemap pfn %#" PRIx64,
							who, r, pv.has_phys ? "" : "absent ",
							pv.phys, pfn);
			if (!pv.nr || !raw_pfn_matches(strcmp(pv.level[pv.nr - 1], "pte") ?
						       PTSCOPE_LEVEL_PMD : PTSCOPE_LEVEL_PTE,
						       pv.raw[pv.nr - 1], pfn))
				raw_ok = false, pt_fail("%s/%s: procfs vtop: leaf raw %#" PRIx64 " (%d levels), pagemap pfn %#" PRIx64,
							who, r, pv.nr ? pv.raw[pv.nr - 1] : 0,
							pv.nr, pfn);
			for (i = 0; i + 1 < pv.nr; i++)
				if (!(pv.raw[i] & PTE_PFN_BITS) != !pfn ||
				    !pv.entry_phys[i] != !pfn)
					raw_ok = false, pt_fail("%s/%s: procfs vtop %s raw %#" PRIx64 " entry_phys %#" PRIx64 ": should be %s",
								who, r, pv.level[i], pv.raw[i],
								pv.entry_phys[i], pfn ? "shown" : "hidden");
			free(text);
		}
		if (pfn_ok)
			pt_pass("%s/%s: pfn %s in netlink RANGES/VTOP and procfs pages/vtop, as pagemap (%#" PRIx64 ")",
				who, r, pfn ? "shown" : "hidden", pfn);
		if (raw_ok)
			pt_pass("%s/%s: raw PFN bits and table addresses %s, as pagemap's pfn",
				who, r, pfn ? "shown" : "hidden");
		set_cell(row, C_PFN, pfn_ok, "%s", pfn ? "shown" : "hidden");
		set_cell(row, C_RAW, raw_ok, "%s", pfn ? "shown" : "hidden");
	}

	if (!o->swap_addr) {
		if (t->ours)
			pt_skip("%s/%s: swap: the page did not reach swap (pagemap)",
				who, r);
		set_cell(row, C_SWAP, true, "-");
		return;
	}
	memset(&e, 0, sizeof(e));
	if (nl_target_req(PTSCOPE_CMD_GET_RANGES, pid, o->swap_addr, &a,
			  range_cb, &e) || a.error || !e.found) {
		pt_fail("%s/%s: netlink RANGES swap page: %s", who, r,
			errname(a.error));
		swap_ok = false;
	} else if (e.state != PTSCOPE_STATE_SWAP || !e.has_swap_off ||
		   e.swap_off != off || !raw_swap_matches(e.raw, off)) {
		pt_fail("%s/%s: netlink RANGES swap page: state %d offset %#" PRIx64 " raw %#" PRIx64 ", pagemap offset %#" PRIx64,
			who, r, e.state, e.swap_off, e.raw, off);
		swap_ok = false;
	}
	n = pt_read_rows("pages", pid, o->swap_addr, o->swap_addr + PAGE, &rows);
	if (n != 1 || rows[0].state != PT_SWAP || !rows[0].has_swap ||
	    rows[0].swap_offset != off || !raw_swap_matches(rows[0].raw, off)) {
		pt_fail("%s/%s: procfs pages swap page: %d rows, offset %#" PRIx64 " raw %#" PRIx64 ", pagemap offset %#" PRIx64,
			who, r, n, n == 1 ? rows[0].swap_offset : 0,
			n == 1 ? rows[0].raw : 0, off);
		swap_ok = false;
	}
	free(rows);
	if (swap_ok)
		pt_pass("%s/%s: swap offset and its raw bits %s in netlink RANGES and procfs pages, as pagemap (%#" PRIx64 ")",
			who, r, off ? "shown" : "hidden", off);
	set_cell(row, C_SWAP, swap_ok, "%s", off ? "shown" : "hidden");
}

static void run_row(int row, const struct target *t)
{
	struct oracle o;
	struct expect x;

	if (!t->pid) {
		int c;

		pt_skip("%s/%s: %s", who, row_names[row], t->why);
		for (c = 0; c < NCOLS; c++)
			set_cell(row, c, true, "skip");
		snprintf(oracle_txt[row], sizeof(oracle_txt[row]), "none");
		return;
	}
	ask_oracle(t, &o);
	if (row == R_KTHREAD) {
		/* Independent check that pid 2 is what the row says. */
		if (!(stat_field(t->pid, 9) & PF_KTHREAD))
			pt_fail("%s/%s: pid %d is not a kernel thread", who,
				row_names[row], t->pid);
		/* pagemap opens (root) or is refused by mode, never shows a page. */
		if (!o.open_err && !o.empty)
			pt_fail("%s/%s: pagemap of a kernel thread is not empty",
				who, row_names[row]);
	}
	snprintf(oracle_txt[row], sizeof(oracle_txt[row]), "%s%s%s",
		 o.open_err ? errname(o.open_err) : o.empty ? "no mm" : "ok",
		 o.present_addr ? (o.pm_present & PM_PFN_MASK ? " pfn" : " nopfn") : "",
		 o.swap_addr ? (PM_SWAP_OFFSET(o.pm_swap) ? "+swp" : "+noswp") : "");
	expect_for(row, &o, &x);
	check_netlink(row, t->pid, &x);
	check_procfs(row, t->pid, &x);
	if (!x.err && !(row == R_SELF_NODUMP && o.open_err)) {
		check_frames(row, t, &o);
	} else {
		set_cell(row, C_PFN, true, "-");
		set_cell(row, C_RAW, true, "-");
		set_cell(row, C_SWAP, true, "-");
	}
}

static void print_matrix(void)
{
	int r, c;

	printf("\naccess matrix, caller %s (uid %d, euid %d); ! marks a failed check\n",
	       who, getuid(), geteuid());
	printf("%-27s %-15s", "target", "pagemap");
	for (c = 0; c < NCOLS; c++)
		printf(" %-7s", col_names[c]);
	printf("\n");
	for (r = 0; r < NROWS; r++) {
		printf("%-27s %-15s", row_names[r], oracle_txt[r]);
		for (c = 0; c < NCOLS; c++)
			printf(" %-7s", cell[r][c]);
		printf("\n");
	}
	printf("\n");
	fflush(stdout);
}

/* ---- statistics --------------------------------------------------------- */

/* CAP_SYS_ADMIN or CAP_PERFMON in CapEff: the oracle for switching. */
static bool may_trace_caps(void)
{
	char line[256];
	uint64_t eff = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %" SCNx64, &eff) == 1)
			break;
	fclose(f);
	return eff & ((UINT64_C(1) << 21) | (UINT64_C(1) << 38));
}

static void stats_state(int64_t *enabled, bool *watched)
{
	char *text = pt_stats_read();

	*enabled = text ? pt_stats_get(text, NULL, "enabled") : -2;
	*watched = text && pt_stats_watching(text, getpid());
	free(text);
}

/*
 * Whether the kernel has the tracepoints statistics count: its symbol
 * table names __tracepoint_tlb_flush and __tracepoint_page_fault_user
 * (arm64 has no page_fault_*).  -1 if unreadable.
 */
static int kernel_has_stats_tracepoints(void)
{
	static int have = -2;
	bool tlb = false, fault = false;
	char line[256];
	FILE *f;

	if (have != -2)
		return have;
	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return have = -1;
	while (fgets(line, sizeof(line), f)) {
		tlb |= strstr(line, " __tracepoint_tlb_flush\n") != NULL;
		fault |= strstr(line, " __tracepoint_page_fault_user\n") != NULL;
	}
	fclose(f);
	return have = tlb && fault;
}

static void check_stats_change(const char *iface, bool cap, int err,
			       const char *msg, int64_t en0, bool w0)
{
	int64_t en1;
	bool w1;

	stats_state(&en1, &w1);
	if (cap && err == EOPNOTSUPP && !kernel_has_stats_tracepoints())
		/* Permitted, but there is nothing to switch on (arm64). */
		pt_pass("%s/stats: %s: EOPNOTSUPP with the capability: /proc/kallsyms lacks the tlb_flush or page_fault_user tracepoint",
			who, iface);
	else if (cap && err)
		pt_fail("%s/stats: %s: %s with CAP_SYS_ADMIN or CAP_PERFMON (%s)",
			who, iface, errname(err), msg ? msg : "");
	else if (!cap && err != EPERM)
		pt_fail("%s/stats: %s: %s without the capability, expected EPERM",
			who, iface, errname(err));
	else if (!cap && msg && !strstr(msg, MSG_STATS_CAP))
		pt_fail("%s/stats: %s: extack \"%s\", expected \"%s\"", who,
			iface, msg, MSG_STATS_CAP);
	else if (!cap && (en1 != en0 || w1 != w0))
		pt_fail("%s/stats: %s: refused, yet enabled %" PRId64 "->%" PRId64 " watched %d->%d",
			who, iface, en0, en1, w0, w1);
	else
		pt_pass("%s/stats: %s: %s (%s the capability)", who, iface,
			errname(err), cap ? "has" : "lacks");
}

static void check_stats(void)
{
	bool cap = may_trace_caps(), w0;
	struct nl_answer a;
	struct pt_nl_req r;
	struct nlattr *nest;
	int64_t en0, was;
	char cmd[64], *text;
	int err;

	stats_state(&was, &w0);
	if (was < 0) {
		pt_fail("%s/stats: cannot read %s", who, PT_STATS_FILE);
		return;
	}
	pt_pass("%s/stats: reading %s needs no privilege (enabled %" PRId64 ")",
		who, PT_STATS_FILE, was);

	/* procfs: on, then watch ourselves. */
	stats_state(&en0, &w0);
	err = pt_stats_cmd("on");
	check_stats_change("procfs \"on\"", cap, -err, NULL, en0, w0);
	stats_state(&en0, &w0);
	snprintf(cmd, sizeof(cmd), "watch %d", getpid());
	err = pt_stats_cmd(cmd);
	check_stats_change("procfs \"watch self\"", cap, -err, NULL, en0, w0);

	/* netlink: watch-del, watch-add, enabled. */
	stats_state(&en0, &w0);
	pt_nl_init(&r, nl->family, PTSCOPE_CMD_SET_STATS, 0);
	nest = pt_nl_nest_start(&r, PTSCOPE_A_STATS);
	pt_nl_put_u32(&r, PTSCOPE_STATS_WATCH_DEL, getpid());
	pt_nl_nest_end(&r, nest);
	if (nl_xfer(&r, &a, NULL, NULL))
		a.error = EIO;
	check_stats_change("netlink SET_STATS watch-del self", cap, a.error,
			   a.msg, en0, w0);
	stats_state(&en0, &w0);
	pt_nl_init(&r, nl->family, PTSCOPE_CMD_SET_STATS, 0);
	nest = pt_nl_nest_start(&r, PTSCOPE_A_STATS);
	/* A real change (a toggle), so that a refusal has something to keep. */
	pt_nl_put_u8(&r, PTSCOPE_STATS_ENABLED, en0 ? 0 : 1);
	pt_nl_put_u32(&r, PTSCOPE_STATS_WATCH_ADD, getpid());
	pt_nl_nest_end(&r, nest);
	if (nl_xfer(&r, &a, NULL, NULL))
		a.error = EIO;
	check_stats_change("netlink SET_STATS enabled+watch-add self", cap,
			   a.error, a.msg, en0, w0);

	/* The system-wide snapshot needs nothing either. */
	pt_nl_init(&r, nl->family, PTSCOPE_CMD_GET_STATS, 0);
	if (nl_xfer(&r, &a, NULL, NULL) || a.error || a.data_msgs != 1)
		pt_fail("%s/stats: netlink GET_STATS (system-wide): %s %s",
			who, errname(a.error), a.msg);
	else
		pt_pass("%s/stats: netlink GET_STATS (system-wide) needs no privilege",
			who);

	/* Put things back as they were. */
	if (cap) {
		snprintf(cmd, sizeof(cmd), "unwatch %d", getpid());
		pt_stats_cmd(cmd);
		pt_stats_cmd(was ? "on" : "off");
	}
	text = pt_stats_read();
	if (text && pt_stats_get(text, NULL, "enabled") != was)
		pt_fail("%s/stats: enabled is not back to %" PRId64, who, was);
	free(text);
}

/* ---- handed-on descriptors ---------------------------------------------- */

/*
 * A /proc/ptscope file opened by root and written by uid 1000: both must
 * pass (README), so root's descriptor widens nothing for the writer,
 * although pagemap, which decides at open, would follow the opener.
 */
static void check_handed_on(pid_t own, pid_t root_pid)
{
	struct pt_row row;
	char sel[96], buf[4096], *p;

	if (root_pages_fd < 0 || !root_pid || !own)
		return;
	snprintf(sel, sizeof(sel), "%d", root_pid);
	if (write(root_pages_fd, sel, strlen(sel)) >= 0 || errno != EPERM)
		pt_fail("%s/root's descriptor: selecting a root process: %s, expected EPERM",
			who, errname(errno));
	else
		pt_pass("%s/root's descriptor: selecting a root process is EPERM",
			who);
	snprintf(sel, sizeof(sel), "%d %lx %lx", own, (unsigned long)region,
		 (unsigned long)region + PAGE);
	if (write(root_pages_fd, sel, strlen(sel)) < 0) {
		pt_fail("%s/root's descriptor: selecting our child: %s", who,
			strerror(errno));
		return;
	}
	if (read_all(root_pages_fd, buf, sizeof(buf)))
		buf[0] = '\0';
	for (p = buf; p && *p == '#'; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		;
	memset(&row, 0, sizeof(row));
	if (!p || sscanf(p, "%lx %lx %7s %*s %31s %" SCNx64 " %" SCNx64,
			 &row.start, &row.end, row.level, row.flags, &row.pfn,
			 &row.raw) != 6)
		pt_fail("%s/root's descriptor: no page row in \"%.80s\"", who, buf);
	else if (row.pfn || (row.raw & PTE_PFN_BITS))
		pt_fail("%s/root's descriptor: pfn %#" PRIx64 " raw %#" PRIx64 " shown to a writer without CAP_SYS_ADMIN",
			who, row.pfn, row.raw);
	else
		pt_pass("%s/root's descriptor: our child's page with pfn and raw PFN bits hidden",
			who);
}

/* Opens a netlink socket into @s with CAP_SYS_ADMIN off or euid 1000. */
static int open_socket_as(struct pt_nl *s, bool euid_1000)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2], saved[2];
	int err;

	if (euid_1000) {
		if (setresuid(-1, 1000, -1))
			return -errno;
		err = nl_open(s);
		if (setresuid(-1, 0, -1)) {
			pt_fail("root: seteuid(0): %s", strerror(errno));
			exit(pt_summary());
		}
		return err;
	}
	if (syscall(SYS_capget, &h, saved))
		return -errno;
	memcpy(d, saved, sizeof(d));
	d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	if (syscall(SYS_capset, &h, d))
		return -errno;
	err = nl_open(s);
	if (syscall(SYS_capset, &h, saved)) {
		pt_fail("root: restoring capabilities: %s", strerror(errno));
		exit(pt_summary());
	}
	return err;
}

/*
 * Netlink sockets opened by a weaker root and then used by full root: as
 * pagemap goes by its opener, the socket's opener must pass too (README).
 * One opened without CAP_SYS_ADMIN keeps PFNs hidden; one opened with
 * euid 1000 keeps a root process out of reach.  The same requests on
 * root's own socket are the control.
 */
static void check_handed_on_socket(pid_t root_pid)
{
	struct pt_nl weak;
	int err, i;
	unsigned long addr = (unsigned long)region;
	struct nl_answer a;
	struct nl_vtop v;

	for (i = 0; i < 2; i++) {
		const char *name = i ? "socket opened with euid 1000" :
				       "socket opened without CAP_SYS_ADMIN";

		weak.fd = -1;
		err = open_socket_as(&weak, i);
		if (err) {
			pt_fail("root/%s: cannot open: %s", name, errname(-err));
			goto next;
		}
		for (nl = &main_nl; ; nl = &weak) {
			bool own = nl == &main_nl;
			const char *as = own ? "root's own socket" : name;

			if (i == 0) {
				memset(&v, 0, sizeof(v));
				if (nl_target_req(PTSCOPE_CMD_VTOP, getpid(), addr,
						  &a, vtop_cb, &v) || a.error ||
				    !v.nr)
					pt_fail("root/%s: VTOP of our own page: %s",
						as, errname(a.error));
				else if (own != (v.lv[v.nr - 1].pfn != 0))
					pt_fail("root/%s: VTOP leaf pfn %#" PRIx64 ", expected it %s",
						as, v.lv[v.nr - 1].pfn,
						own ? "shown" : "hidden");
				else
					pt_pass("root/%s: VTOP leaf pfn %s", as,
						own ? "shown" : "hidden");
			} else if (root_pid) {
				nl_target_req(PTSCOPE_CMD_GET_SUMMARY, root_pid, 0,
					      &a, NULL, NULL);
				if (a.error != (own ? 0 : EPERM))
					pt_fail("root/%s: SUMMARY of a root process: %s, expected %s",
						as, errname(a.error),
						own ? "ok" : "EPERM");
				else
					pt_pass("root/%s: SUMMARY of a root process: %s",
						as, own ? "ok" : "EPERM");
			}
			if (!own)
				break;
		}
next:
		if (weak.fd >= 0)
			pt_nl_close(&weak);
		nl = &main_nl;
	}
}

/* ---- the two halves ------------------------------------------------------ */

static void run_matrix(bool root_started)
{
	int first_child = nchildren;
	struct target t[NROWS];
	int row;

	memset(t, 0, sizeof(t));
	memset(cell, 0, sizeof(cell));
	prctl(PR_SET_DUMPABLE, 1);
	prepare_region();
	if (nl_open(nl)) {
		pt_fail("%s: cannot reach the ptscope netlink family", who);
		return;
	}
	set_target(&t[R_SELF], getpid(), true, "");
	set_target(&t[R_SELF_NODUMP], getpid(), true, "");
	set_target(&t[R_OWN], spawn_target(K_PLAIN), true, "cannot fork");
	set_target(&t[R_OWN_NODUMP], spawn_target(K_NODUMP), true,
		   "cannot fork");
	if (root_started) {
		for (row = R_ROOT; row <= R_EGID; row++)
			t[row] = root_made[row];
	} else {
		set_target(&t[R_ROOT], find_process(is_root_uid), false,
			   "no root process other than pid 1 in this guest");
		set_target(&t[R_OTHER], find_process(is_other_uid), false,
			   "no process of another non-root user in this guest");
		for (row = R_ROOT_NODUMP; row <= R_EGID; row++)
			if (row != R_OTHER)
				set_target(&t[row], 0, false,
					   "needs root to create (run as root to cover it)");
	}
	set_target(&t[R_KTHREAD], 2, false, "");
	set_target(&t[R_INIT], 1, false, "");

	for (row = 0; row < NROWS; row++) {
		if (row == R_SELF_NODUMP)
			prctl(PR_SET_DUMPABLE, 0);
		run_row(row, &t[row]);
		if (row == R_SELF_NODUMP)
			prctl(PR_SET_DUMPABLE, 1);
	}
	check_stats();
	if (root_started && geteuid())
		check_handed_on(t[R_OWN].pid, t[R_ROOT].pid);
	if (root_started && !geteuid())
		check_handed_on_socket(t[R_ROOT].pid);
	print_matrix();
	kill_children(first_child);
}

static void user_half(void *arg)
{
	(void)arg;
	who = "uid1000";
	run_matrix(true);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access("/proc/ptscope/pages", F_OK)) {
		pt_fail("setup: /proc/ptscope/pages missing (module not loaded?)");
		return pt_summary();
	}
	region = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED) {
		pt_fail("setup: mmap: %s", strerror(errno));
		return pt_summary();
	}
	if (geteuid()) {
		who = "uid1000";
		run_matrix(false);
		return pt_summary();
	}

	/* Targets for both halves, made while we are still root. */
	set_target(&root_made[R_ROOT], spawn_target(K_PLAIN), true, "cannot fork");
	set_target(&root_made[R_ROOT_NODUMP], spawn_target(K_NODUMP), true,
		   "cannot fork");
	set_target(&root_made[R_OTHER], spawn_target(K_UID1001), true,
		   "cannot fork");
	set_target(&root_made[R_SETUID], spawn_target(K_SETUID), true,
		   "cannot fork");
	set_target(&root_made[R_SUID0], spawn_target(K_SUID0), true,
		   "cannot fork");
	set_target(&root_made[R_EGID], spawn_target(K_EGID), true,
		   "cannot fork");
	root_pages_fd = open("/proc/ptscope/pages", O_RDWR);

	run_matrix(true);
	pt_run_unprivileged(user_half, NULL);
	kill_children(0);
	return pt_summary();
}
