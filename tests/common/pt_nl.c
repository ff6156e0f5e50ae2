// SPDX-License-Identifier: GPL-2.0
/*
 * pt_nl.c: see pt_nl.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pt_nl.h"
#include "uapi/ptscope.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif

/* ---- building requests ---- */

void pt_nl_header(void *buf, uint16_t type, uint16_t flags, uint8_t cmd,
		  size_t attrs_len)
{
	struct nlmsghdr *nh = buf;
	struct genlmsghdr *gh = (struct genlmsghdr *)((char *)buf +
						      NLMSG_HDRLEN);

	memset(nh, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + attrs_len;
	nh->nlmsg_type = type;
	nh->nlmsg_flags = flags;
	gh->cmd = cmd;
	gh->version = PTSCOPE_GENL_VERSION;
}

size_t pt_nl_put_at(void *base, size_t off, uint16_t type, const void *data,
		    size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)base + off);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0,
	       NLA_ALIGN(a->nla_len) - a->nla_len);
	return off + NLA_ALIGN(a->nla_len);
}

void pt_nl_init(struct pt_nl_req *r, uint16_t type, uint8_t cmd,
		uint16_t flags)
{
	pt_nl_header(r, type, NLM_F_REQUEST | NLM_F_ACK | flags, cmd, 0);
}

struct nlattr *pt_nl_put(struct pt_nl_req *r, uint16_t type,
			 const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->nh.nlmsg_len);

	if (off + NLA_ALIGN(NLA_HDRLEN + len) > sizeof(*r))
		abort();
	r->nh.nlmsg_len = pt_nl_put_at(r, off, type, data, len);
	return (struct nlattr *)((char *)r + off);
}

void pt_nl_put_u8(struct pt_nl_req *r, uint16_t type, uint8_t v)
{
	pt_nl_put(r, type, &v, sizeof(v));
}

void pt_nl_put_u32(struct pt_nl_req *r, uint16_t type, uint32_t v)
{
	pt_nl_put(r, type, &v, sizeof(v));
}

void pt_nl_put_u64(struct pt_nl_req *r, uint16_t type, uint64_t v)
{
	pt_nl_put(r, type, &v, sizeof(v));
}

struct nlattr *pt_nl_nest_start(struct pt_nl_req *r, uint16_t type)
{
	return pt_nl_put(r, type | NLA_F_NESTED, NULL, 0);
}

void pt_nl_nest_end(struct pt_nl_req *r, struct nlattr *nest)
{
	nest->nla_len = (char *)r + r->nh.nlmsg_len - (char *)nest;
}

/* ---- sending and reading ---- */

int pt_nl_send_buf(struct pt_nl *nl, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(nl->fd, buf, len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	return 0;
}

int pt_nl_send_msg(struct pt_nl *nl, struct nlmsghdr *nh)
{
	nh->nlmsg_seq = ++nl->seq;
	return pt_nl_send_buf(nl, nh, nh->nlmsg_len);
}

const char *pt_nl_extack(const struct nlmsghdr *nh, char *msg, size_t size)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	size_t off;

	msg[0] = '\0';
	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return msg;
	if (nh->nlmsg_type == NLMSG_DONE) {
		off = NLMSG_LENGTH(sizeof(int));
	} else {
		off = NLMSG_LENGTH(sizeof(*e));
		/* Uncapped, the request is quoted whole before the TLVs. */
		if (off <= nh->nlmsg_len && !(nh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	if (off > nh->nlmsg_len)
		return msg;
	pt_nl_for_each(a, (const char *)nh + off, nh->nlmsg_len - off)
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			snprintf(msg, size, "%.*s", (int)pt_nl_len(a),
				 (const char *)pt_nl_data(a));
	return msg;
}

int pt_nl_read_one(struct pt_nl *nl, pt_nl_cb cb, void *arg,
		   struct pt_nl_answer *ans)
{
	struct nlmsghdr *nh;
	ssize_t n;

	do {
		n = recv(nl->fd, nl->buf, PT_NL_BUF, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (nh = (struct nlmsghdr *)nl->buf; NLMSG_OK(nh, (size_t)n);
	     nh = NLMSG_NEXT(nh, n)) {
		int ret;

		if (nh->nlmsg_seq != nl->seq)
			continue;
		if (nh->nlmsg_type == NLMSG_ERROR ||
		    nh->nlmsg_type == NLMSG_DONE) {
			/* nlmsgerr starts with the error, too. */
			memcpy(&ans->error, NLMSG_DATA(nh), sizeof(int));
			pt_nl_extack(nh, nl->extack, sizeof(nl->extack));
			ans->done = true;
			return 0;
		}
		ans->msgs++;
		ret = cb ? cb(nh, arg) : 0;
		if (ret)
			return ret;
	}
	return 0;
}

int pt_nl_read(struct pt_nl *nl, pt_nl_cb cb, void *arg,
	       struct pt_nl_answer *ans)
{
	int ret = 0;

	memset(ans, 0, sizeof(*ans));
	nl->extack[0] = '\0';
	while (!ret && !ans->done)
		ret = pt_nl_read_one(nl, cb, arg, ans);
	return ret;
}

int pt_nl_ask(struct pt_nl *nl, struct nlmsghdr *nh, pt_nl_cb cb, void *arg,
	      struct pt_nl_answer *ans)
{
	int err = pt_nl_send_msg(nl, nh);

	if (err) {
		memset(ans, 0, sizeof(*ans));
		return err;
	}
	return pt_nl_read(nl, cb, arg, ans);
}

int pt_nl_send(struct pt_nl *nl, struct pt_nl_req *r)
{
	return pt_nl_send_msg(nl, &r->nh);
}

int pt_nl_recv(struct pt_nl *nl, pt_nl_cb cb, void *arg, int *msgs)
{
	struct pt_nl_answer ans;
	int ret = pt_nl_read(nl, cb, arg, &ans);

	if (msgs)
		*msgs = ans.msgs;
	return ret ? ret : ans.error;
}

int pt_nl_xfer(struct pt_nl *nl, struct pt_nl_req *r, pt_nl_cb cb,
	       void *arg, int *msgs)
{
	int err = pt_nl_send(nl, r);

	if (msgs)
		*msgs = 0;
	return err ? err : pt_nl_recv(nl, cb, arg, msgs);
}

/* ---- reading attributes ---- */

size_t pt_nl_msg_len(const struct nlmsghdr *nh)
{
	if (nh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return 0;
	return nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
}

const struct nlattr *pt_nl_next(const void *data, size_t len,
				const struct nlattr *prev)
{
	size_t off = prev ? (size_t)((const char *)prev - (const char *)data) +
			    NLA_ALIGN(prev->nla_len) : 0;
	const struct nlattr *a = (const void *)((const char *)data + off);

	if (off + NLA_HDRLEN > len || a->nla_len < NLA_HDRLEN ||
	    a->nla_len > len - off)
		return NULL;
	return a;
}

bool pt_nl_valid(const void *data, size_t len)
{
	const struct nlattr *last = NULL;
	size_t end = 0;

	pt_nl_for_each(a, data, len)
		last = a;
	if (last)
		end = (const char *)last - (const char *)data +
		      NLA_ALIGN(last->nla_len);
	return end >= len || len - end < NLA_HDRLEN;
}

bool pt_nl_parse(const void *data, size_t len, const struct nlattr **tb,
		 unsigned int max)
{
	size_t off = 0;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *a = (const void *)((const char *)data + off);
		unsigned int type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > len)
			return false;
		if (type <= max)
			tb[type] = a;
		off += NLA_ALIGN(a->nla_len);
	}
	return off >= len;
}

bool pt_nl_parse_msg(const struct nlmsghdr *nh, const struct nlattr **tb,
		     unsigned int max)
{
	if (nh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return false;
	return pt_nl_parse(pt_nl_msg_attrs(nh), pt_nl_msg_len(nh), tb, max);
}

bool pt_nl_parse_nest(const struct nlattr *nest, const struct nlattr **tb,
		      unsigned int max)
{
	return pt_nl_parse(pt_nl_data(nest), pt_nl_len(nest), tb, max);
}

uint8_t pt_nl_u8(const struct nlattr *a)
{
	return a && pt_nl_len(a) >= 1 ? *(const uint8_t *)pt_nl_data(a) : 0;
}

uint32_t pt_nl_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (a && pt_nl_len(a) >= sizeof(v))
		memcpy(&v, pt_nl_data(a), sizeof(v));
	return v;
}

uint64_t pt_nl_u64(const struct nlattr *a)
{
	uint64_t v = 0;

	if (a && pt_nl_len(a) >= sizeof(v))
		memcpy(&v, pt_nl_data(a), sizeof(v));
	return v;
}

uint64_t pt_nl_uint(const struct nlattr *a, uint64_t dflt)
{
	uint16_t v16;

	if (!a)
		return dflt;
	switch (pt_nl_len(a)) {
	case 1: return pt_nl_u8(a);
	case 2: memcpy(&v16, pt_nl_data(a), 2); return v16;
	case 4: return pt_nl_u32(a);
	case 8: return pt_nl_u64(a);
	}
	return dflt;
}

/* ---- the socket ---- */

static int pt_nl_family_cb(const struct nlmsghdr *nh, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_FAMILY_ID + 1];
	uint16_t *family = arg;

	if (pt_nl_parse_msg(nh, tb, CTRL_ATTR_FAMILY_ID) &&
	    tb[CTRL_ATTR_FAMILY_ID])
		*family = pt_nl_uint(tb[CTRL_ATTR_FAMILY_ID], 0);
	return 0;
}

int pt_nl_resolve(struct pt_nl *nl)
{
	struct pt_nl_req r;
	uint16_t family = 0;
	int err;

	nl->family = 0;
	pt_nl_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	pt_nl_put(&r, CTRL_ATTR_FAMILY_NAME, PTSCOPE_GENL_NAME,
		  sizeof(PTSCOPE_GENL_NAME));
	err = pt_nl_xfer(nl, &r, pt_nl_family_cb, &family, NULL);
	if (err)
		return err;
	if (!family)
		return -ENOENT;
	nl->family = family;
	return 0;
}

int pt_nl_open(struct pt_nl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->fd = -1;
	nl->buf = malloc(PT_NL_BUF);
	if (!nl->buf)
		return -ENOMEM;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0 || bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		pt_nl_close(nl);
		return err;
	}
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return pt_nl_resolve(nl);
}

void pt_nl_close(struct pt_nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
	free(nl->buf);
	nl->buf = NULL;
}
