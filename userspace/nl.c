// SPDX-License-Identifier: GPL-2.0
/*
 * nl.c: the generic netlink client on libmnl.
 *
 * Our own receive loop rather than mnl_cb_run(): libmnl drops the rest
 * of a buffer on NLM_F_DUMP_INTR, ignores the error a dump reports in
 * NLMSG_DONE, and never shows extack.  Here every reply is checked for
 * its sequence number, dumps are handed over message by message from one
 * reused buffer, and kernel errors are printed in one place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "uapi/ptscope.h"
#include "nl.h"

#ifndef MNL_SOCKET_DUMP_SIZE
#define MNL_SOCKET_DUMP_SIZE	32768	/* libmnl < 1.0.5 lacks it */
#endif
#define NL_REQ_SIZE		8192

struct parse_state {
	const enum mnl_attr_data_type *policy;
	unsigned int max;
	const struct nlattr **tb;
	int bad;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct parse_state *ps = data;
	unsigned int type = mnl_attr_get_type(attr);

	/* A newer module may send more; ignoring it is the contract. */
	if (type > ps->max)
		return MNL_CB_OK;
	if (ps->policy && ps->policy[type] != MNL_TYPE_UNSPEC &&
	    mnl_attr_validate(attr, ps->policy[type]) < 0) {
		ps->bad = type;
		return MNL_CB_ERROR;
	}
	ps->tb[type] = attr;
	return MNL_CB_OK;
}

static int parse_done(struct parse_state *ps, int ret)
{
	if (ret >= MNL_CB_STOP)
		return 0;
	fprintf(stderr,
		"ptscope: malformed attribute %d in a reply from the kernel module; check that the tool and module versions match\n",
		ps->bad);
	return -EPROTO;
}

int nl_parse_reply(const struct nlmsghdr *nlh,
		   const enum mnl_attr_data_type *policy, unsigned int max,
		   const struct nlattr **tb)
{
	struct parse_state ps = { policy, max, tb, -1 };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return parse_done(&ps, MNL_CB_ERROR);
	return parse_done(&ps, mnl_attr_parse(nlh, sizeof(struct genlmsghdr),
					      attr_cb, &ps));
}

int nl_parse_nest(const struct nlattr *nest,
		  const enum mnl_attr_data_type *policy, unsigned int max,
		  const struct nlattr **tb)
{
	struct parse_state ps = { policy, max, tb, mnl_attr_get_type(nest) };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return parse_done(&ps, mnl_attr_parse_nested(nest, attr_cb, &ps));
}

static const enum mnl_attr_data_type extack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = MNL_TYPE_NUL_STRING,
	[NLMSGERR_ATTR_OFFS] = MNL_TYPE_U32,
	[NLMSGERR_ATTR_MISS_TYPE] = MNL_TYPE_U32,
};

static void print_errno_hint(int err)
{
	switch (-err) {
	case EPERM:
	case EACCES:
		fprintf(stderr, "ptscope: permission denied; run as root, or inspect only your own processes\n");
		break;
	case ESRCH:
		fprintf(stderr, "ptscope: no such process; check the pid\n");
		break;
	case EOPNOTSUPP:
		fprintf(stderr, "ptscope: the loaded module does not implement this command; load a ptscope.ko that matches this tool\n");
		break;
	default:
		fprintf(stderr, "ptscope: the kernel module refused the request: %s\n",
			strerror(-err));
	}
}

/* The request's own PTSCOPE_A_PID (still in sbuf), or 0. */
static unsigned int request_pid(const struct nl_ctx *nl)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)nl->sbuf;
	const struct nlattr *a;

	mnl_attr_for_each(a, req, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == PTSCOPE_A_PID &&
		    mnl_attr_get_payload_len(a) == sizeof(uint32_t))
			return mnl_attr_get_u32(a);
	return 0;
}

/*
 * The pid an error is about: the module points its extack at the
 * request's PTSCOPE_A_PID when the target was refused.  A dump's error
 * carries no such pointer on 6.1; then "no such process" and "not
 * permitted" are taken to be about the request's pid, the only process
 * a request names at its top level.  0 when the error is about
 * something else.
 */
static unsigned int refused_pid(const struct nl_ctx *nl, int err,
				const struct nlattr **tb)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)nl->sbuf;
	const struct nlattr *a;
	uint32_t off;

	if (!tb[NLMSGERR_ATTR_OFFS])
		return err == -ESRCH || err == -EPERM || err == -EACCES ?
		       request_pid(nl) : 0;
	off = mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	if (off < sizeof(*req) || off > req->nlmsg_len ||
	    req->nlmsg_len - off < MNL_ATTR_HDRLEN + sizeof(uint32_t))
		return 0;
	a = (const struct nlattr *)(nl->sbuf + off);
	if (mnl_attr_get_type(a) != PTSCOPE_A_PID ||
	    mnl_attr_get_payload_len(a) != sizeof(uint32_t))
		return 0;
	return mnl_attr_get_u32(a);
}

/*
 * The one place kernel errors become messages.  The extack text is
 * printed verbatim: it was written for the user by the module; when it
 * is about the target, the pid is named after it, on the same line.
 */
static int report(const struct nl_ctx *nl, int err, const struct nlattr **tb,
		  bool quiet)
{
	unsigned int pid;

	const char *msg = tb[NLMSGERR_ATTR_MSG] ?
		mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]) : NULL;

	if (err > 0)
		err = -EPROTO;
	if (!err) {
		if (msg && *msg)
			fprintf(stderr, "ptscope: warning: %s\n", msg);
		return 0;
	}
	if (quiet)
		return err;
	pid = refused_pid(nl, err, tb);
	if (pid && err == -ESRCH && msg && !strcmp(msg, "no such pid"))
		fprintf(stderr, "ptscope: no such process: %u\n", pid);
	else if (pid && msg && *msg)
		fprintf(stderr, "ptscope: %s: pid %u\n", msg, pid);
	else if (msg && *msg)
		fprintf(stderr, "ptscope: %s\n", msg);
	else if (tb[NLMSGERR_ATTR_MISS_TYPE])
		fprintf(stderr, "ptscope: the module wants attribute %u, which this tool did not send; check that the tool and module versions match\n",
			mnl_attr_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
	else
		print_errno_hint(err);
	return err;
}

static int parse_extack(const struct nlmsghdr *nlh, size_t off,
			const struct nlattr **tb)
{
	struct parse_state ps = { extack_policy, NLMSGERR_ATTR_MAX, tb, -1 };

	memset(tb, 0, (NLMSGERR_ATTR_MAX + 1) * sizeof(*tb));
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    off >= mnl_nlmsg_get_payload_len(nlh))
		return 0;
	/* A garbled extack must not hide the error code itself. */
	if (mnl_attr_parse(nlh, off, attr_cb, &ps) < MNL_CB_STOP)
		memset(tb, 0, (NLMSGERR_ATTR_MAX + 1) * sizeof(*tb));
	return 0;
}

static int handle_error(const struct nl_ctx *nl, const struct nlmsghdr *nlh,
			bool quiet)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		fprintf(stderr, "ptscope: truncated netlink error from the kernel\n");
		return -EPROTO;
	}
	/* Uncapped errors echo the request before the extack TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= sizeof(e->msg))
		off = MNL_ALIGN(off + e->msg.nlmsg_len - sizeof(e->msg));
	parse_extack(nlh, off, tb);
	return report(nl, e->error, tb, quiet);
}

/* A dump ends with NLMSG_DONE, which carries the dump's own error. */
static int handle_done(const struct nl_ctx *nl, const struct nlmsghdr *nlh,
		       bool quiet)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
		return 0;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	parse_extack(nlh, sizeof(int), tb);
	return report(nl, err, tb, quiet);
}

struct exchange {
	unsigned int seq;
	nl_reply_cb cb;
	void *data;
	bool quiet;
	bool done;
};

static int process_one(struct nl_ctx *nl, const struct nlmsghdr *nlh,
		       struct exchange *x)
{
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
		return 0;
	case NLMSG_ERROR:
		x->done = true;
		return handle_error(nl, nlh, x->quiet);
	case NLMSG_DONE:
		x->done = true;
		return handle_done(nl, nlh, x->quiet);
	case NLMSG_OVERRUN:
		x->done = true;
		fprintf(stderr, "ptscope: netlink overrun; run the command again\n");
		return -ENOBUFS;
	}
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return 0;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		nl->dump_intr = true;
	return x->cb ? x->cb(nlh, x->data) : 0;
}

static int process_buf(struct nl_ctx *nl, int len, struct exchange *x)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->rbuf;
	int err;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		/*
		 * Replies to an earlier request that a callback abandoned
		 * may still be queued; they are not ours, so skip them.
		 */
		if (nlh->nlmsg_seq != x->seq ||
		    (nlh->nlmsg_pid && nlh->nlmsg_pid != nl->portid))
			continue;
		err = process_one(nl, nlh, x);
		if (err || x->done)
			return err;
	}
	if (len > 0) {
		fprintf(stderr, "ptscope: malformed netlink message from the kernel\n");
		return -EPROTO;
	}
	return 0;
}

static int exchange(struct nl_ctx *nl, struct nlmsghdr *req,
		    struct exchange *x)
{
	ssize_t n;
	int err = 0;

	x->seq = ++nl->seq;
	req->nlmsg_seq = x->seq;
	nl->dump_intr = false;
	while (mnl_socket_sendto(nl->sk, req, req->nlmsg_len) < 0) {
		if (errno == EINTR)
			continue;
		err = -errno;
		fprintf(stderr, "ptscope: cannot send a netlink request: %s\n",
			strerror(errno));
		return err;
	}
	while (!err && !x->done) {
		n = mnl_socket_recvfrom(nl->sk, nl->rbuf, MNL_SOCKET_DUMP_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			fprintf(stderr, "ptscope: cannot read the netlink reply: %s\n",
				strerror(errno));
			break;
		}
		err = process_buf(nl, n, x);
	}
	return err;
}

int nl_doit(struct nl_ctx *nl, struct nlmsghdr *req, nl_reply_cb cb,
	    void *data)
{
	struct exchange x = { .cb = cb, .data = data };

	return exchange(nl, req, &x);
}

int nl_dump(struct nl_ctx *nl, struct nlmsghdr *req, nl_reply_cb cb,
	    void *data)
{
	struct exchange x = { .cb = cb, .data = data };
	int err;

	req->nlmsg_flags |= NLM_F_DUMP;
	err = exchange(nl, req, &x);
	/* The rows are still true, but may mix before and after a change. */
	if (!err && nl->dump_intr)
		fprintf(stderr, "ptscope: warning: the address space changed during the dump; run again for a consistent view\n");
	return err;
}

static struct nlmsghdr *req_init(struct nl_ctx *nl, uint16_t type,
				 uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(nl->sbuf, 0, NL_REQ_SIZE);
	nlh = mnl_nlmsg_put_header(nl->sbuf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct nlmsghdr *nl_req(struct nl_ctx *nl, uint8_t cmd)
{
	return req_init(nl, nl->family, cmd, PTSCOPE_GENL_VERSION);
}

bool nl_has_cmd(const struct nl_ctx *nl, uint8_t cmd)
{
	return cmd < 64 && (nl->cmds >> cmd & 1);
}

static const enum mnl_attr_data_type ctrl_policy[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID] = MNL_TYPE_U16,
	[CTRL_ATTR_VERSION] = MNL_TYPE_U32,
	[CTRL_ATTR_OPS] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type op_policy[CTRL_ATTR_OP_MAX + 1] = {
	[CTRL_ATTR_OP_ID] = MNL_TYPE_U32,
};

static int family_ops(struct nl_ctx *nl, const struct nlattr *ops)
{
	const struct nlattr *tb[CTRL_ATTR_OP_MAX + 1];
	const struct nlattr *op;
	uint32_t id;
	int err;

	mnl_attr_for_each_nested(op, ops) {
		err = nl_parse_nest(op, op_policy, CTRL_ATTR_OP_MAX, tb);
		if (err)
			return err;
		if (!tb[CTRL_ATTR_OP_ID])
			continue;
		id = mnl_attr_get_u32(tb[CTRL_ATTR_OP_ID]);
		if (id < 64)
			nl->cmds |= 1ULL << id;
	}
	return 0;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nl_ctx *nl = data;
	int err;

	err = nl_parse_reply(nlh, ctrl_policy, CTRL_ATTR_MAX, tb);
	if (err)
		return err;
	if (!tb[CTRL_ATTR_FAMILY_ID]) {
		fprintf(stderr, "ptscope: the kernel named no id for the ptscope family\n");
		return -EPROTO;
	}
	nl->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		nl->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	/* Without an ops list, let the module answer for itself. */
	if (!tb[CTRL_ATTR_OPS]) {
		nl->cmds = ~0ULL;
		return 0;
	}
	return family_ops(nl, tb[CTRL_ATTR_OPS]);
}

static int resolve_family(struct nl_ctx *nl)
{
	struct exchange x = { .cb = family_cb, .data = nl, .quiet = true };
	struct nlmsghdr *req;
	int err;

	req = req_init(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(req, CTRL_ATTR_FAMILY_NAME, PTSCOPE_GENL_NAME);
	err = exchange(nl, req, &x);
	if (err && err != -ENOENT)
		fprintf(stderr, "ptscope: cannot look up the %s netlink family: %s\n",
			PTSCOPE_GENL_NAME, strerror(-err));
	if (!err && !nl->family)
		err = -ENOENT;
	return err;
}

static void set_flag(struct nl_ctx *nl, int opt)
{
	int one = 1;

	/* Old kernels lack these; errors then just lose detail. */
	mnl_socket_setsockopt(nl->sk, opt, &one, sizeof(one));
}

int nl_open(struct nl_ctx *nl)
{
	int err;

	memset(nl, 0, sizeof(*nl));
	nl->sbuf = calloc(1, NL_REQ_SIZE);
	nl->rbuf = malloc(MNL_SOCKET_DUMP_SIZE);
	if (!nl->sbuf || !nl->rbuf) {
		fprintf(stderr, "ptscope: out of memory\n");
		err = -ENOMEM;
		goto err_free;
	}
	nl->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sk || mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		fprintf(stderr, "ptscope: cannot open a generic netlink socket: %s\n",
			strerror(errno));
		goto err_close;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	set_flag(nl, NETLINK_EXT_ACK);
	set_flag(nl, NETLINK_CAP_ACK);
	err = resolve_family(nl);
	if (err)
		goto err_close;
	return 0;

err_close:
	if (nl->sk)
		mnl_socket_close(nl->sk);
err_free:
	free(nl->rbuf);
	free(nl->sbuf);
	memset(nl, 0, sizeof(*nl));
	return err;
}

void nl_close(struct nl_ctx *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	free(nl->rbuf);
	free(nl->sbuf);
	memset(nl, 0, sizeof(*nl));
}
