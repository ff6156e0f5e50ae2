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

void pt_nl_init(struct pt_nl_req *r, uint16_t type, uint8_t cmd,
		uint16_t flags)
{
	memset(&r->nh, 0, sizeof(r->nh));
	memset(&r->gh, 0, sizeof(r->gh));
	r->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->gh.cmd = cmd;
	r->gh.version = PTSCOPE_GENL_VERSION;
}

struct nlattr *pt_nl_put(struct pt_nl_req *r, uint16_t type,
			 const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r +
					     NLMSG_ALIGN(r->nh.nlmsg_len));

	if (NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(NLA_HDRLEN + len) >
	    sizeof(*r))
		abort();
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
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

int pt_nl_send(struct pt_nl *nl, struct pt_nl_req *r)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	r->nh.nlmsg_seq = ++nl->seq;
	if (sendto(nl->fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static void pt_nl_extack(struct pt_nl *nl, const struct nlmsghdr *nh,
			 size_t off)
{
	const struct nlattr *a;

	while (off + NLA_HDRLEN <= nh->nlmsg_len) {
		a = (const struct nlattr *)((const char *)nh + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nh->nlmsg_len)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			snprintf(nl->extack, sizeof(nl->extack), "%.*s",
				 (int)pt_nl_len(a), (const char *)pt_nl_data(a));
		off += NLA_ALIGN(a->nla_len);
	}
}

int pt_nl_recv(struct pt_nl *nl, pt_nl_cb cb, void *arg, int *msgs)
{
	nl->extack[0] = '\0';
	if (msgs)
		*msgs = 0;
	for (;;) {
		struct nlmsghdr *nh;
		ssize_t n = recv(nl->fd, nl->buf, PT_NL_BUF, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (nh = (struct nlmsghdr *)nl->buf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != nl->seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);
				size_t off = NLMSG_HDRLEN + sizeof(*e);

				if (!(nh->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - NLMSG_HDRLEN;
				if (nh->nlmsg_flags & NLM_F_ACK_TLVS)
					pt_nl_extack(nl, nh, off);
				return e->error;
			}
			if (nh->nlmsg_type == NLMSG_DONE) {
				int err;

				memcpy(&err, NLMSG_DATA(nh), sizeof(err));
				if (nh->nlmsg_flags & NLM_F_ACK_TLVS)
					pt_nl_extack(nl, nh, NLMSG_HDRLEN + sizeof(int));
				return err;
			}
			if (msgs)
				(*msgs)++;
			if (cb) {
				int ret = cb(nh, arg);

				if (ret)
					return ret;
			}
		}
	}
}

int pt_nl_xfer(struct pt_nl *nl, struct pt_nl_req *r, pt_nl_cb cb,
	       void *arg, int *msgs)
{
	int err = pt_nl_send(nl, r);

	if (msgs)
		*msgs = 0;
	return err ? err : pt_nl_recv(nl, cb, arg, msgs);
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
	return pt_nl_parse((const char *)nh + NLMSG_LENGTH(GENL_HDRLEN),
			   nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), tb, max);
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

static int pt_nl_family_cb(const struct nlmsghdr *nh, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_FAMILY_ID + 1];
	uint16_t *family = arg;

	if (pt_nl_parse_msg(nh, tb, CTRL_ATTR_FAMILY_ID) &&
	    tb[CTRL_ATTR_FAMILY_ID])
		memcpy(family, pt_nl_data(tb[CTRL_ATTR_FAMILY_ID]), 2);
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
