/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_nl.h: the one raw generic-netlink client of the guest tests.  No
 * libmnl on purpose: a request goes out exactly as it was built, however
 * malformed, and replies are parsed by hand.
 *
 * Two levels share one socket setup, one receive loop and one extack
 * parser:
 *  - a client, one struct pt_nl per socket (so that threads can each own
 *    one), with a request builder (struct pt_nl_req) and a reply loop
 *    that calls back for each data message;
 *  - primitives for requests built byte by byte (the fuzzer, the
 *    malformed-request tests): pt_nl_header(), pt_nl_put_at(),
 *    pt_nl_send_buf() and pt_nl_ask() on any buffer that starts with a
 *    netlink header.
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
	char extack[256];		/* last answer's message, if any */
};

struct pt_nl_req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[1024];
} __attribute__((aligned(4)));

/* How the kernel answered one request. */
struct pt_nl_answer {
	int error;			/* its 0 or -errno */
	int msgs;			/* data messages before it */
	bool done;			/* error and extack are in */
};

/*
 * A data message's callback: return 0 to go on, non-zero to stop
 * reading (the reader returns that value; the rest stays unread).
 */
typedef int (*pt_nl_cb)(const struct nlmsghdr *nh, void *arg);

/*
 * Opens a bound NETLINK_GENERIC socket with extended acks on and acks
 * capped (no request echoed back), and resolves the "ptscope" family:
 * 0 or -errno (-ENOENT: no such family).  The socket may stay open on
 * an error: pt_nl_close() in every case.
 */
int pt_nl_open(struct pt_nl *nl);
/* Resolves the family again (after a reload); 0 or -errno. */
int pt_nl_resolve(struct pt_nl *nl);
void pt_nl_close(struct pt_nl *nl);

/* ---- building requests ---- */

/*
 * The netlink and genl headers at @buf for @attrs_len bytes of
 * attributes: @flags exactly as given, sequence and port 0.
 */
void pt_nl_header(void *buf, uint16_t type, uint16_t flags, uint8_t cmd,
		  size_t attrs_len);
/* One attribute at base + off, padding zeroed; the aligned offset after it. */
size_t pt_nl_put_at(void *base, size_t off, uint16_t type, const void *data,
		    size_t len);

/* A request with NLM_F_REQUEST | NLM_F_ACK | @flags and no attributes. */
void pt_nl_init(struct pt_nl_req *r, uint16_t type, uint8_t cmd,
		uint16_t flags);
struct nlattr *pt_nl_put(struct pt_nl_req *r, uint16_t type,
			 const void *data, size_t len);
void pt_nl_put_u8(struct pt_nl_req *r, uint16_t type, uint8_t v);
void pt_nl_put_u32(struct pt_nl_req *r, uint16_t type, uint32_t v);
void pt_nl_put_u64(struct pt_nl_req *r, uint16_t type, uint64_t v);
struct nlattr *pt_nl_nest_start(struct pt_nl_req *r, uint16_t type);
void pt_nl_nest_end(struct pt_nl_req *r, struct nlattr *nest);

/* ---- sending and reading ---- */

/* Sends @len bytes of @buf as they are (no sequence number set); 0 or -errno. */
int pt_nl_send_buf(struct pt_nl *nl, const void *buf, size_t len);
/* Sends the message at @nh (nlmsg_len bytes) with a new sequence number. */
int pt_nl_send_msg(struct pt_nl *nl, struct nlmsghdr *nh);
/*
 * Reads replies to the request in flight until its ack, error or
 * NLMSG_DONE, calling cb (may be NULL) for each data message; the
 * answer goes to *ans and its extack message to nl->extack.  Returns 0
 * once answered, a callback's non-zero value, or -errno of the socket.
 */
int pt_nl_read(struct pt_nl *nl, pt_nl_cb cb, void *arg,
	       struct pt_nl_answer *ans);
/*
 * One datagram of the replies, for tests that stop in the middle of a
 * dump: as pt_nl_read, but returns 0 with ans->done false when more is
 * to come.  *ans accumulates: zero it before the first call.
 */
int pt_nl_read_one(struct pt_nl *nl, pt_nl_cb cb, void *arg,
		   struct pt_nl_answer *ans);
/* pt_nl_send_msg then pt_nl_read. */
int pt_nl_ask(struct pt_nl *nl, struct nlmsghdr *nh, pt_nl_cb cb, void *arg,
	      struct pt_nl_answer *ans);

/*
 * The same with the kernel's answer and the socket's failure folded
 * into one: the kernel's 0 or -errno, a callback's non-zero value, or
 * -errno of the socket; *msgs (may be NULL) counts the data messages.
 */
int pt_nl_send(struct pt_nl *nl, struct pt_nl_req *r);
int pt_nl_recv(struct pt_nl *nl, pt_nl_cb cb, void *arg, int *msgs);
int pt_nl_xfer(struct pt_nl *nl, struct pt_nl_req *r, pt_nl_cb cb,
	       void *arg, int *msgs);

/*
 * The NLMSGERR_ATTR_MSG of an NLMSG_ERROR or NLMSG_DONE message into
 * @msg (empty if it has none); returns @msg.
 */
const char *pt_nl_extack(const struct nlmsghdr *nh, char *msg, size_t size);

/* ---- reading attributes ---- */

#define pt_nl_data(a)	((const void *)((const char *)(a) + NLA_HDRLEN))
#define pt_nl_len(a)	((size_t)(a)->nla_len - NLA_HDRLEN)
/* The attributes of a genl message, and their length. */
#define pt_nl_msg_attrs(nh) ((const void *)((const char *)(nh) + \
					    NLMSG_LENGTH(GENL_HDRLEN)))
size_t pt_nl_msg_len(const struct nlmsghdr *nh);

/*
 * The attribute after @prev (NULL: the first) in [data, data + len), or
 * NULL at the end or at a malformed one.
 */
const struct nlattr *pt_nl_next(const void *data, size_t len,
				const struct nlattr *prev);
#define pt_nl_for_each(a, data, len)					\
	for (const struct nlattr *a = pt_nl_next(data, len, NULL); a;	\
	     a = pt_nl_next(data, len, a))
/* Whether [data, data + len) is whole attributes (0 to 3 bytes of tail). */
bool pt_nl_valid(const void *data, size_t len);

/*
 * Fills tb[0..max] with the attributes in [data, data + len) (the last
 * of each type wins; unknown types above max are ignored).  Returns
 * false on a malformed stream.
 */
bool pt_nl_parse(const void *data, size_t len, const struct nlattr **tb,
		 unsigned int max);
/* The attributes of a genl data message. */
bool pt_nl_parse_msg(const struct nlmsghdr *nh, const struct nlattr **tb,
		     unsigned int max);
bool pt_nl_parse_nest(const struct nlattr *nest, const struct nlattr **tb,
		      unsigned int max);
/* Fixed-size values: 0 when absent or short. */
uint8_t pt_nl_u8(const struct nlattr *a);
uint32_t pt_nl_u32(const struct nlattr *a);
uint64_t pt_nl_u64(const struct nlattr *a);
/* A u8, u16, u32 or u64 by its length, or @dflt (absent, other length). */
uint64_t pt_nl_uint(const struct nlattr *a, uint64_t dflt);

#endif /* PT_NL_H */
