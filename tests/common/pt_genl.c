// SPDX-License-Identifier: GPL-2.0
/*
 * pt_genl.c: raw generic netlink helpers for the guest tests (pt_genl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>

#include "pt_genl.h"
#include "uapi/ptscope.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif

size_t pt_nla_put(void *base, size_t off, uint16_t type, const void *data,
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

void pt_nlerr_msg(const struct nlmsghdr *nh, size_t off, char *msg,
		  size_t size)
{
	const struct nlattr *at;
	size_t len = nh->nlmsg_len;

	msg[0] = '\0';
	while (off + NLA_HDRLEN <= len) {
		at = (const struct nlattr *)((const char *)nh + off);
		if (at->nla_len < NLA_HDRLEN || off + at->nla_len > len)
			break;
		if ((at->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			snprintf(msg, size, "%.*s",
				 (int)(at->nla_len - NLA_HDRLEN),
				 (const char *)at + NLA_HDRLEN);
		off += NLA_ALIGN(at->nla_len);
	}
}

/* CTRL_CMD_GETFAMILY "ptscope": the family id from the reply. */
static int pt_genl_resolve(int fd, uint16_t *family)
{
	static struct {
		struct nlmsghdr nh;
		struct genlmsghdr gh;
		char attrs[64];
	} req __attribute__((aligned(4)));
	static char buf[16384] __attribute__((aligned(4)));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int err = -ENOENT;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN +
			   pt_nla_put(req.attrs, 0, CTRL_ATTR_FAMILY_NAME,
				      PTSCOPE_GENL_NAME,
				      sizeof(PTSCOPE_GENL_NAME));
	req.nh.nlmsg_type = GENL_ID_CTRL;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;
	req.gh.cmd = CTRL_CMD_GETFAMILY;
	req.gh.version = 1;
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	*family = 0;
	for (;;) {
		struct nlmsghdr *nh;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			size_t off = NLMSG_HDRLEN + GENL_HDRLEN;

			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				if (e->error)
					return e->error;
				return *family ? 0 : err;
			}
			while (off + NLA_HDRLEN <= nh->nlmsg_len) {
				const struct nlattr *at = (const struct nlattr *)
					((const char *)nh + off);

				if (at->nla_len < NLA_HDRLEN)
					break;
				if (at->nla_type == CTRL_ATTR_FAMILY_ID &&
				    at->nla_len >= NLA_HDRLEN + 2)
					memcpy(family, (const char *)at + NLA_HDRLEN, 2);
				off += NLA_ALIGN(at->nla_len);
			}
		}
	}
}

int pt_genl_open(uint16_t *family)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		goto err_close;
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	err = pt_genl_resolve(fd, family);
	if (err)
		goto err_close;
	return fd;

err_close:
	close(fd);
	return err;
}
