// SPDX-License-Identifier: GPL-2.0
/*
 * test-cli-netlink: malformed and refused requests to the "ptscope"
 * generic netlink family, sent by hand on a raw socket (no libmnl, so
 * nothing in between tidies them up).  Each must come back as a clean
 * error: the right errno, with an extended-ack message saying why, and
 * no reply data.  Valid requests are sent alongside as a control, so a
 * test that passes because everything fails is caught.
 *
 * Run as root, it runs again in a child with uid 1000 (another user's
 * process: "not permitted").
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "pt_nl.h"
#include "pt_oracle.h"
#include "uapi/ptscope.h"

static const char *who = "root";
static struct pt_nl nl;

struct req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[70000];
} __attribute__((aligned(4)));

static size_t put_attr(struct req *r, size_t off, uint16_t type,
		       const void *data, size_t len)
{
	return pt_nl_put_at(r->attrs, off, type, data, len);
}

static size_t put_u32(struct req *r, size_t off, uint16_t type, uint32_t v)
{
	return put_attr(r, off, type, &v, sizeof(v));
}

static size_t put_u64(struct req *r, size_t off, uint16_t type, uint64_t v)
{
	return put_attr(r, off, type, &v, sizeof(v));
}

enum { DOIT, DUMP };

/*
 * One request built by @build; expects @err and an extack containing
 * @msg (NULL: any non-empty message; "": none required, for requests the
 * genetlink core refuses before the family sees them).
 */
static void expect(const char *name, uint8_t cmd, int mode,
		   size_t (*build)(struct req *r), int err, const char *msg)
{
	static struct req r;
	struct pt_nl_answer a;
	const char *got = nl.extack;
	size_t len;
	int ret;

	memset(&r, 0, sizeof(r));
	len = build(&r);
	pt_nl_header(&r, nl.family, NLM_F_REQUEST | NLM_F_ACK |
		     (mode == DUMP ? NLM_F_DUMP : 0), cmd, len);
	ret = pt_nl_ask(&nl, &r.nh, NULL, NULL, &a);
	if (ret) {
		pt_fail("%s/%s: netlink exchange failed: %s", name, who,
			strerror(-ret));
		return;
	}
	if (!err) {
		if (!a.error && a.msgs > 0)
			pt_pass("%s/%s: accepted, %d reply messages", name, who,
				a.msgs);
		else
			pt_fail("%s/%s: valid request refused: %s (%s)", name,
				who, strerror(-a.error), got);
		return;
	}
	if (a.error == err && !a.msgs &&
	    ((msg && !*msg) || (*got && (!msg || strstr(got, msg)))))
		pt_pass("%s/%s: %s, extack \"%s\"", name, who, strerror(-err),
			got);
	else
		pt_fail("%s/%s: want %s and \"%s\", got %s, extack \"%s\", %d data messages",
			name, who, strerror(-err), msg ?: "a message",
			a.error ? strerror(-a.error) : "success", got,
			a.msgs);
}

static pid_t target;		/* a valid target (our own child) */
static pid_t other;		/* another user's process, or 0 */

static size_t b_empty(struct req *r) { (void)r; return 0; }
static size_t b_pid(struct req *r) { return put_u32(r, 0, PTSCOPE_A_PID, target); }
static size_t b_pid_other(struct req *r) { return put_u32(r, 0, PTSCOPE_A_PID, other); }
static size_t b_pid_none(struct req *r) { return put_u32(r, 0, PTSCOPE_A_PID, 999999); }
static size_t b_pid_kthread(struct req *r) { return put_u32(r, 0, PTSCOPE_A_PID, 2); }
static size_t b_pid_zero(struct req *r) { return put_u32(r, 0, PTSCOPE_A_PID, 0); }
static size_t b_pid_u64(struct req *r) { return put_u64(r, 0, PTSCOPE_A_PID, target); }

static size_t b_pid_u16(struct req *r)
{
	uint16_t v = (uint16_t)target;

	return put_attr(r, 0, PTSCOPE_A_PID, &v, sizeof(v));
}

static size_t b_pid_string(struct req *r)
{
	return put_attr(r, 0, PTSCOPE_A_PID, "1234", 5);
}

static size_t b_unknown_attr(struct req *r)
{
	size_t off = put_u32(r, 0, PTSCOPE_A_PID, target);

	return put_u32(r, off, PTSCOPE_A_MAX + 20, 1);
}

/* An attribute far larger than its type: 64 KiB where 8 bytes are due. */
static size_t b_oversize(struct req *r)
{
	static char big[65000];
	size_t off = put_u32(r, 0, PTSCOPE_A_PID, target);

	return put_attr(r, off, PTSCOPE_A_START, big, sizeof(big));
}

static size_t b_flags_unknown(struct req *r)
{
	size_t off = put_u32(r, 0, PTSCOPE_A_PID, target);

	return put_u32(r, off, PTSCOPE_A_FLAGS, 1U << 7);
}

static size_t b_flags_u64(struct req *r)
{
	size_t off = put_u32(r, 0, PTSCOPE_A_PID, target);

	return put_u64(r, off, PTSCOPE_A_FLAGS, PTSCOPE_RF(PER_PAGE));
}

/* Every flag the module offers: arm64's has no packed records. */
static size_t b_flags_ok(struct req *r)
{
	size_t off = put_u32(r, 0, PTSCOPE_A_PID, target);

#ifdef __aarch64__
	return put_u32(r, off, PTSCOPE_A_FLAGS,
		       PTSCOPE_RF_ALL & ~PTSCOPE_RF(PACKED));
#else
	return put_u32(r, off, PTSCOPE_A_FLAGS, PTSCOPE_RF_ALL);
#endif
}

static size_t b_end_before_start(struct req *r)
{
	size_t off = put_u32(r, 0, PTSCOPE_A_PID, target);

	off = put_u64(r, off, PTSCOPE_A_START, 0x200000);
	return put_u64(r, off, PTSCOPE_A_END, 0x100000);
}

static size_t b_start_kernel(struct req *r)
{
	size_t off = put_u32(r, 0, PTSCOPE_A_PID, target);

	return put_u64(r, off, PTSCOPE_A_START, 0xffff888000000000ULL);
}

static size_t b_vtop_ok(struct req *r)
{
	size_t off = put_u32(r, 0, PTSCOPE_A_PID, target);

	return put_u64(r, off, PTSCOPE_A_ADDR, 0x1000);
}

static size_t b_vtop_no_pid(struct req *r)
{
	return put_u64(r, 0, PTSCOPE_A_ADDR, 0x1000);
}

static size_t b_vtop_kernel(struct req *r)
{
	size_t off = put_u32(r, 0, PTSCOPE_A_PID, target);

	return put_u64(r, off, PTSCOPE_A_ADDR, 0xffffffff81000000ULL);
}

static size_t b_vtop_addr_u32(struct req *r)
{
	size_t off = put_u32(r, 0, PTSCOPE_A_PID, target);

	return put_u32(r, off, PTSCOPE_A_ADDR, 0x1000);
}

static void run_checks(void)
{
	static const struct {
		const char *name;
		uint8_t cmd;
		int mode;
	} pid_cmds[] = {
		{ "summary", PTSCOPE_CMD_GET_SUMMARY, DUMP },
		{ "vmas", PTSCOPE_CMD_GET_VMAS, DUMP },
		{ "ranges", PTSCOPE_CMD_GET_RANGES, DUMP },
	};
	char name[64];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		uint8_t c = pid_cmds[i].cmd;
		int m = pid_cmds[i].mode;

#define NAME(what) (snprintf(name, sizeof(name), "netlink/%s/%s", \
			     pid_cmds[i].name, what), name)
		expect(NAME("valid"), c, m, b_pid, 0, NULL);
		expect(NAME("missing-pid"), c, m, b_empty, -EINVAL, "missing pid");
		expect(NAME("no-such-pid"), c, m, b_pid_none, -ESRCH, "no such pid");
		expect(NAME("kthread"), c, m, b_pid_kthread, -EINVAL,
		       "pid has no mm (kernel thread)");
		expect(NAME("pid-zero"), c, m, b_pid_zero, -ERANGE, NULL);
		expect(NAME("pid-u64"), c, m, b_pid_u64, -EINVAL, NULL);
		expect(NAME("pid-u16"), c, m, b_pid_u16, -EINVAL, NULL);
		expect(NAME("pid-string"), c, m, b_pid_string, -EINVAL, NULL);
		expect(NAME("unknown-attr"), c, m, b_unknown_attr, -EINVAL, NULL);
		expect(NAME("oversize-attr"), c, m, b_oversize, -EINVAL, NULL);
		if (other)
			expect(NAME("other-user"), c, m, b_pid_other, -EPERM,
			       "not permitted");
	}
	expect("netlink/ranges/flags-ok", PTSCOPE_CMD_GET_RANGES, DUMP,
	       b_flags_ok, 0, NULL);
	expect("netlink/ranges/flags-unknown-bit", PTSCOPE_CMD_GET_RANGES, DUMP,
	       b_flags_unknown, -EINVAL, NULL);
	expect("netlink/ranges/flags-u64", PTSCOPE_CMD_GET_RANGES, DUMP,
	       b_flags_u64, -EINVAL, NULL);
	expect("netlink/vmas/flags-unknown-bit", PTSCOPE_CMD_GET_VMAS, DUMP,
	       b_flags_unknown, -EINVAL, NULL);
	expect("netlink/ranges/end-before-start", PTSCOPE_CMD_GET_RANGES, DUMP,
	       b_end_before_start, -EINVAL, "range end before start");
	expect("netlink/ranges/start-in-kernel", PTSCOPE_CMD_GET_RANGES, DUMP,
	       b_start_kernel, -EINVAL, "above the user address space");
	expect("netlink/vtop/valid", PTSCOPE_CMD_VTOP, DOIT, b_vtop_ok, 0, NULL);
	expect("netlink/vtop/missing-addr", PTSCOPE_CMD_VTOP, DOIT, b_pid,
	       -EINVAL, "missing address");
	expect("netlink/vtop/missing-pid", PTSCOPE_CMD_VTOP, DOIT, b_vtop_no_pid,
	       -EINVAL, "missing pid");
	expect("netlink/vtop/kernel-addr", PTSCOPE_CMD_VTOP, DOIT, b_vtop_kernel,
	       -EINVAL, "above the user address space");
	expect("netlink/vtop/addr-u32", PTSCOPE_CMD_VTOP, DOIT, b_vtop_addr_u32,
	       -EINVAL, NULL);
	expect("netlink/info/unknown-attr", PTSCOPE_CMD_GET_INFO, DOIT,
	       b_unknown_attr, -EINVAL, NULL);
	expect("netlink/unknown-command", PTSCOPE_CMD_MAX + 40, DOIT, b_pid,
	       -EOPNOTSUPP, "");
	/* A dump since it must not walk inside the request; says so. */
	expect("netlink/summary-as-doit", PTSCOPE_CMD_GET_SUMMARY, DOIT, b_pid,
	       -EOPNOTSUPP, "GET_SUMMARY is a dump");
	expect("netlink/vmas-as-doit", PTSCOPE_CMD_GET_VMAS, DOIT, b_pid,
	       -EOPNOTSUPP, "");
}

static void run(void)
{
	int err = pt_nl_open(&nl);

	if (err) {
		pt_fail("netlink/%s: cannot reach the ptscope family: %s", who,
			strerror(-err));
		pt_nl_close(&nl);
		return;
	}
	run_checks();
	pt_nl_close(&nl);
}

static pid_t spawn_pauser(void)
{
	pid_t p = fork();

	if (!p) {
		/* exec: a setuid-dropped process is not dumpable until then. */
		execlp("sleep", "sleep", "1000", (char *)NULL);
		for (;;)
			pause();
	}
	return p;
}

/* The unprivileged pass: pid 1 belongs to root. */
static void user_pass(void *arg)
{
	(void)arg;
	who = "user";
	other = 1;
	target = spawn_pauser();
	usleep(200000);
	run();
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	target = spawn_pauser();
	usleep(200000);
	run();
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
	if (!geteuid())
		pt_run_unprivileged(user_pass, NULL);
	return pt_summary();
}
