/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_nl.h: a small raw generic-netlink client for the guest tests, one
 * struct per socket so that several threads can each own one.  No libmnl:
 * requests go out exactly as built, and replies are parsed by hand.
 */
#ifndef PT_NL_H
#define PT_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#define PT_NL_BUF	65536

struct pt_nl {
	int fd;
	uint16_t family;		/* 0 until resolved */
	uint32_t seq;			/* of the request in flight */
	char *buf;			/* PT_NL_BUF bytes of replies */
	char extack[128];		/* last error's message, if any */
};

struct pt_nl_req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[1024];
} __attribute__((aligned(4)));

/*
 * A data message's callback: return 0 to go on, non-zero to stop
 * reading (pt_nl_recv returns that value; the rest stays unread).
 */
typedef int (*pt_nl_cb)(const struct nlmsghdr *nh, void *arg);

/*
 * Opens a socket and resolves the "ptscope" family: 0 or -errno.  The
 * socket may stay open on an error: pt_nl_close() in every case.
 */
int pt_nl_open(struct pt_nl *nl);
/* Resolves the family again (after a reload); 0 or -errno. */
int pt_nl_resolve(struct pt_nl *nl);
void pt_nl_close(struct pt_nl *nl);

void pt_nl_init(struct pt_nl_req *r, uint16_t type, uint8_t cmd,
		uint16_t flags);
struct nlattr *pt_nl_put(struct pt_nl_req *r, uint16_t type,
			 const void *data, size_t len);
void pt_nl_put_u8(struct pt_nl_req *r, uint16_t type, uint8_t v);
void pt_nl_put_u32(struct pt_nl_req *r, uint16_t type, uint32_t v);
void pt_nl_put_u64(struct pt_nl_req *r, uint16_t type, uint64_t v);
struct nlattr *pt_nl_nest_start(struct pt_nl_req *r, uint16_t type);
void pt_nl_nest_end(struct pt_nl_req *r, struct nlattr *nest);

/* Sends r with a new sequence number; 0 or -errno. */
int pt_nl_send(struct pt_nl *nl, struct pt_nl_req *r);
/*
 * Reads replies to the request in flight until its ack, error or
 * NLMSG_DONE, calling cb (may be NULL) for each data message.  Returns
 * the kernel's 0 or -errno, a callback's non-zero value, or -errno of
 * the socket; *msgs (may be NULL) counts the data messages.
 */
int pt_nl_recv(struct pt_nl *nl, pt_nl_cb cb, void *arg, int *msgs);
/* pt_nl_send then pt_nl_recv. */
int pt_nl_xfer(struct pt_nl *nl, struct pt_nl_req *r, pt_nl_cb cb,
	       void *arg, int *msgs);

/*
 * Attribute walking: fills tb[0..max] with the attributes in
 * [data, data + len) (the last of each type wins; unknown types above
 * max are ignored).  Returns false on a malformed stream.
 */
bool pt_nl_parse(const void *data, size_t len, const struct nlattr **tb,
		 unsigned int max);
/* The attributes of a genl data message. */
bool pt_nl_parse_msg(const struct nlmsghdr *nh, const struct nlattr **tb,
		     unsigned int max);
bool pt_nl_parse_nest(const struct nlattr *nest, const struct nlattr **tb,
		      unsigned int max);
uint8_t pt_nl_u8(const struct nlattr *a);
uint32_t pt_nl_u32(const struct nlattr *a);
uint64_t pt_nl_u64(const struct nlattr *a);

#define pt_nl_data(a)	((const void *)((const char *)(a) + NLA_HDRLEN))
#define pt_nl_len(a)	((size_t)(a)->nla_len - NLA_HDRLEN)

#endif /* PT_NL_H */
