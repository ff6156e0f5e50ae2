// SPDX-License-Identifier: GPL-2.0
/*
 * test-lsm: ptscope against the security modules of a Debian kernel.
 *
 * The oracle is always the kernel's own verdict for the same caller and
 * target: whether open("/proc/PID/pagemap", O_RDONLY) succeeds, which is
 * mm_access(PTRACE_MODE_READ_FSCREDS) with every LSM's ptrace hook.
 * ptscope (netlink GET_SUMMARY and a procfs summary selection) must
 * allow exactly when pagemap does, else fail with EPERM and the
 * documented extack; a process may always inspect itself.
 *
 *  - Landlock (built into Debian's kernels and on by default): a process
 *    that restricted itself (landlock_restrict_self(), no privileges
 *    needed) may not read processes outside its domain, even as root;
 *    it may read its own children, which share the domain.  The same
 *    must hold for a procfs file and a netlink socket it opened and
 *    handed to an unrestricted root process: the opener's credentials
 *    carry the domain.
 *  - Yama: ptrace_scope 0, 1 and 2 restrict PTRACE_MODE_ATTACH only, so
 *    pagemap (and ptscope) must not change with it.
 *  - File permissions: pagemap is mode 0400, so root without
 *    CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH may not read another
 *    user's, even with CAP_SYS_PTRACE; ptscope must agree.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/landlock.h>

#include "pt_nl.h"
#include "pt_oracle.h"
#include "uapi/ptscope.h"

#define MSG_EPERM	"not permitted to inspect this process"

/* ---- the two verdicts ------------------------------------------------- */

/* pagemap's: 0 if this process may open @pid's pagemap, else errno. */
static int pagemap_verdict(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* ptscope's through netlink @nl: 0 or errno; extack into @msg. */
static int nl_verdict(struct pt_nl *nl, pid_t pid, char *msg, size_t len)
{
	struct pt_nl_answer ans;
	struct pt_nl_req r;
	int err;

	pt_nl_init(&r, nl->family, PTSCOPE_CMD_GET_SUMMARY, NLM_F_DUMP);
	pt_nl_put_u32(&r, PTSCOPE_A_PID, pid);
	err = pt_nl_ask(nl, &r.nh, NULL, NULL, &ans);
	if (err)
		return -err;
	snprintf(msg, len, "%s", nl->extack);
	return -ans.error;
}

/* ptscope's through procfs descriptor @fd (summary): 0 or errno. */
static int pf_verdict(int fd, pid_t pid)
{
	char sel[32];

	snprintf(sel, sizeof(sel), "%d", pid);
	return write(fd, sel, strlen(sel)) < 0 ? errno : 0;
}

/*
 * Compares ptscope's answers with @oracle (0 allowed, else pagemap's
 * errno); @nl and @pf_fd may be handed-on descriptors.
 */
static void compare(const char *what, pid_t pid, int oracle,
		    struct pt_nl *nl, int pf_fd)
{
	bool allow = oracle == 0;
	char msg[256] = "";
	int nl_err, pf_err;

	nl_err = nl_verdict(nl, pid, msg, sizeof(msg));
	pf_err = pf_verdict(pf_fd, pid);
	if (allow ? nl_err == 0 : nl_err == EPERM && !strcmp(msg, MSG_EPERM))
		pt_pass("%s: netlink %s, as pagemap", what,
			allow ? "allowed" : "EPERM");
	else
		pt_fail("%s: netlink %s (\"%s\"), pagemap %s", what,
			nl_err ? strerror(nl_err) : "allowed", msg,
			allow ? "allowed" : strerror(oracle));
	if (allow ? pf_err == 0 : pf_err == EPERM)
		pt_pass("%s: procfs %s, as pagemap", what,
			allow ? "allowed" : "EPERM");
	else
		pt_fail("%s: procfs %s, pagemap %s", what,
			pf_err ? strerror(pf_err) : "allowed",
			allow ? "allowed" : strerror(oracle));
}

/* Both interfaces as this process, against pagemap as this process. */
static void compare_here(const char *what, pid_t pid, bool self)
{
	struct pt_nl nl;
	int fd, oracle;

	oracle = self ? 0 : pagemap_verdict(pid);
	if (pt_nl_open(&nl)) {
		pt_fail("%s: netlink socket: %s", what, strerror(errno));
		pt_nl_close(&nl);
		return;
	}
	fd = open("/proc/ptscope/summary", O_RDWR);
	if (fd < 0) {
		pt_fail("%s: open /proc/ptscope/summary: %s", what,
			strerror(errno));
	} else {
		compare(what, pid, oracle, &nl, fd);
		close(fd);
	}
	pt_nl_close(&nl);
}

/* ---- helpers ------------------------------------------------------------ */

/* A child that sleeps until killed, as uid/gid @uid. */
static pid_t spawn_sleeper(uid_t uid)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (uid && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
			_exit(1);
		/* Changing uids made us non-dumpable; a plain process is. */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		for (;;)
			pause();
	}
	return pid;
}

static void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/*
 * Runs @fn in a child and folds its PASS/FAIL/SKIP counts into ours; the
 * counts come back on a pipe, so a child that dies is one failure.
 */
static void in_child(const char *what, void (*fn)(void *), void *arg)
{
	int p[2], counts[3];
	pid_t pid;

	if (pipe(p)) {
		pt_fail("%s: pipe: %s", what, strerror(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		fn(arg);
		counts[0] = pt_passed;
		counts[1] = pt_failed;
		counts[2] = pt_skipped;
		fflush(stdout);
		_exit(write(p[1], counts, sizeof(counts)) != sizeof(counts));
	}
	close(p[1]);
	if (read(p[0], counts, sizeof(counts)) == sizeof(counts)) {
		/* The child started from our counts. */
		pt_passed = counts[0];
		pt_failed = counts[1];
		pt_skipped = counts[2];
	} else {
		pt_fail("%s: the test child died", what);
	}
	close(p[0]);
	waitpid(pid, NULL, 0);
}

/* ---- Landlock ----------------------------------------------------------- */

static int landlock_abi(void)
{
	return syscall(SYS_landlock_create_ruleset, NULL, 0,
		       LANDLOCK_CREATE_RULESET_VERSION);
}

/* Enters a new Landlock domain that only forbids making FIFOs. */
static int landlock_restrict(void)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_FIFO,
	};
	int fd, err = 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_landlock_restrict_self, fd, 0))
		err = -errno;
	close(fd);
	return err;
}

/* Sends descriptors over a unix socket. */
static int send_fds(int sock, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))] = { 0 };
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -errno;
}

static int recv_fds(int sock, int *fds, int n)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))];
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;

	if (recvmsg(sock, &mh, 0) != 1)
		return -errno;
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(n * sizeof(int)))
		return -EPROTO;
	memcpy(fds, CMSG_DATA(c), n * sizeof(int));
	return 0;
}

/* What the sandboxed opener tells the unrestricted writer. */
struct opener_report {
	pid_t inside;		/* a child in the opener's domain */
	int verdict_outside;	/* the opener's pagemap verdict on targets[] */
	int verdict_parent;
	int verdict_inside;
	uint16_t family;
};

struct landlock_args {
	pid_t outside_user;	/* uid 1000, outside any domain */
	pid_t outside_root;
	pid_t parent;		/* the unrestricted test process */
	int sock;		/* to the parent (handed-on half) */
};

/* A root process in its own Landlock domain, asking directly. */
static void landlock_caller(void *arg)
{
	const struct landlock_args *a = arg;
	int err = landlock_restrict();
	pid_t inside;

	if (err) {
		pt_fail("landlock: restricting ourselves: %s", strerror(-err));
		return;
	}
	if (!pagemap_verdict(a->outside_user)) {
		pt_skip("landlock: a sandboxed process still opens other processes' pagemap (Landlock not enforcing ptrace here)");
		return;
	}
	inside = spawn_sleeper(1000);
	compare_here("landlock: sandboxed root -> uid 1000 outside its domain",
		     a->outside_user, false);
	compare_here("landlock: sandboxed root -> root outside its domain",
		     a->outside_root, false);
	compare_here("landlock: sandboxed root -> its parent",
		     a->parent, false);
	compare_here("landlock: sandboxed root -> its child inside the domain",
		     inside, false);
	compare_here("landlock: sandboxed root -> itself", getpid(), true);
	reap(inside);
}

/*
 * The opener half of the handed-on test: sandbox ourselves, open a
 * procfs file and a netlink socket, report our verdicts and hand both
 * descriptors to the parent, then wait to be killed.
 */
static void landlock_opener(const struct landlock_args *a)
{
	struct opener_report rep = { 0 };
	struct pt_nl nl;
	int fds[2];

	if (landlock_restrict())
		_exit(1);
	rep.inside = spawn_sleeper(1000);
	rep.verdict_outside = pagemap_verdict(a->outside_user);
	rep.verdict_parent = pagemap_verdict(a->parent);
	rep.verdict_inside = pagemap_verdict(rep.inside);
	if (pt_nl_open(&nl))
		_exit(1);
	rep.family = nl.family;
	fds[0] = open("/proc/ptscope/summary", O_RDWR);
	fds[1] = nl.fd;
	if (fds[0] < 0 ||
	    write(a->sock, &rep, sizeof(rep)) != sizeof(rep) ||
	    send_fds(a->sock, fds, 2))
		_exit(1);
	for (;;)
		pause();
}

static void landlock_handed_on(struct landlock_args *a)
{
	struct opener_report rep;
	struct pt_nl nl = { .fd = -1 };
	int sv[2], fds[2], ours;
	pid_t opener;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		pt_fail("landlock: socketpair: %s", strerror(errno));
		return;
	}
	a->sock = sv[1];
	opener = fork();
	if (opener == 0) {
		close(sv[0]);
		landlock_opener(a);
	}
	close(sv[1]);
	if (read(sv[0], &rep, sizeof(rep)) != sizeof(rep) ||
	    recv_fds(sv[0], fds, 2)) {
		pt_fail("landlock: the sandboxed opener did not hand its descriptors on");
		goto out;
	}
	nl.fd = fds[1];
	nl.family = rep.family;
	nl.buf = malloc(PT_NL_BUF);
	if (!nl.buf) {
		pt_fail("landlock: out of memory");
		goto out_fds;
	}
	/* The writer is unrestricted root: the opener's verdict decides. */
	ours = pagemap_verdict(a->outside_user);
	compare("landlock: handed on by a sandboxed opener -> uid 1000 outside",
		a->outside_user, rep.verdict_outside ? rep.verdict_outside : ours,
		&nl, fds[0]);
	compare("landlock: handed on by a sandboxed opener -> the writer itself",
		getpid(), rep.verdict_parent, &nl, fds[0]);
	ours = pagemap_verdict(rep.inside);
	compare("landlock: handed on by a sandboxed opener -> its child inside",
		rep.inside, rep.verdict_inside ? rep.verdict_inside : ours,
		&nl, fds[0]);
	/* Then the comparisons above only saw "allowed" on both sides. */
	if (rep.verdict_outside == 0)
		pt_skip("landlock: a sandboxed opener still opens other processes' pagemap (Landlock not enforcing ptrace here)");
out_fds:
	pt_nl_close(&nl);
	close(fds[0]);
	reap(rep.inside);	/* reparented to us or init; kill by pid */
out:
	close(sv[0]);
	reap(opener);
}

static void test_landlock(pid_t user_target, pid_t root_target)
{
	struct landlock_args a = {
		.outside_user = user_target,
		.outside_root = root_target,
		.parent = getpid(),
		.sock = -1,
	};
	int abi = landlock_abi();

	if (abi < 0) {
		pt_skip("landlock: not active in this kernel (%s)",
			strerror(errno));
		return;
	}
	printf("landlock: ABI %d\n", abi);
	in_child("landlock caller", landlock_caller, &a);
	landlock_handed_on(&a);
}

/* ---- Yama --------------------------------------------------------------- */

#define YAMA_SCOPE	"/proc/sys/kernel/yama/ptrace_scope"

static int yama_get(void)
{
	FILE *f = fopen(YAMA_SCOPE, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int yama_set(int v)
{
	FILE *f = fopen(YAMA_SCOPE, "w");
	int err;

	if (!f)
		return -errno;
	err = fprintf(f, "%d", v) < 0;
	return fclose(f) || err ? -EIO : 0;
}

struct yama_args {
	int scope;
	pid_t sibling;		/* uid 1000, not our descendant */
};

static void yama_user(void *arg)
{
	const struct yama_args *a = arg;
	char what[96];
	pid_t child;

	if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000)) {
		pt_fail("yama: dropping to uid 1000: %s", strerror(errno));
		return;
	}
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	child = spawn_sleeper(0);
	snprintf(what, sizeof(what), "yama %d: uid 1000 -> uid 1000 non-descendant",
		 a->scope);
	compare_here(what, a->sibling, false);
	snprintf(what, sizeof(what), "yama %d: uid 1000 -> its own child",
		 a->scope);
	compare_here(what, child, false);
	if (pagemap_verdict(a->sibling))
		pt_fail("yama %d: pagemap refused a same-user process: Yama is said to restrict attach only",
			a->scope);
	reap(child);
}

static void test_yama(pid_t sibling)
{
	struct yama_args a = { .sibling = sibling };
	int old = yama_get();
	char what[64];

	if (old < 0) {
		pt_skip("yama: %s not present (Yama not active)", YAMA_SCOPE);
		return;
	}
	if (old == 3) {
		pt_skip("yama: ptrace_scope is 3 and cannot be lowered");
		return;
	}
	for (a.scope = 0; a.scope <= 2; a.scope++) {
		if (yama_set(a.scope)) {
			pt_fail("yama: setting ptrace_scope %d", a.scope);
			continue;
		}
		in_child("yama", yama_user, &a);
		snprintf(what, sizeof(what), "yama %d: root -> uid 1000", a.scope);
		compare_here(what, sibling, false);
	}
	if (yama_set(old))
		pt_fail("yama: restoring ptrace_scope %d", old);
}

/* ---- file permissions --------------------------------------------------- */

static void dac_less_root(void *arg)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	pid_t target = *(pid_t *)arg;
	int oracle;

	if (syscall(SYS_capget, &h, d)) {
		pt_fail("dac: capget: %s", strerror(errno));
		return;
	}
	d[0].effective &= ~((1u << CAP_DAC_OVERRIDE) |
			    (1u << CAP_DAC_READ_SEARCH));
	if (syscall(SYS_capset, &h, d)) {
		pt_fail("dac: capset: %s", strerror(errno));
		return;
	}
	oracle = pagemap_verdict(target);
	if (oracle == 0)
		pt_fail("dac: root without DAC capabilities opened a uid 1000 pagemap (mode 0400?)");
	compare_here("dac: root with CAP_SYS_PTRACE but no DAC capabilities -> uid 1000",
		     target, false);
}

int main(void)
{
	pid_t user_target, root_target;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!pt_module_loaded()) {
		pt_fail("ptscope is not loaded");
		return pt_summary();
	}
	if (getuid() != 0) {
		pt_skip("test-lsm needs root (it sandboxes and drops privileges itself)");
		return pt_summary();
	}
	user_target = spawn_sleeper(1000);
	root_target = spawn_sleeper(0);
	usleep(100000);		/* let the sleepers drop their ids */

	compare_here("unrestricted root -> uid 1000", user_target, false);
	test_landlock(user_target, root_target);
	test_yama(user_target);
	in_child("dac", dac_less_root, &user_target);

	reap(user_target);
	reap(root_target);
	return pt_summary();
}
