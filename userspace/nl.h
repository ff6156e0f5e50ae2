/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl.h: the generic netlink client every command talks to the module
 * through.
 *
 * A command builds a request with nl_req(), adds attributes with
 * libmnl's mnl_attr_put_*(), and runs it with nl_doit() or nl_dump(),
 * passing a callback that parses and prints each reply message as it
 * arrives.  Dumps are never buffered whole.  Kernel errors are printed
 * here, once, the same way for every command: "ptscope: <extack>".
 */
#ifndef PTSCOPE_NL_H
#define PTSCOPE_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

struct nl_ctx {
	struct mnl_socket *sk;
	unsigned int portid;
	unsigned int seq;
	uint16_t family;	/* resolved id of "ptscope" */
	uint32_t version;	/* family version the module registered */
	uint64_t cmds;		/* bit N: the module implements command N */
	bool dump_intr;		/* a dump saw the address space change */
	char *sbuf;		/* request being built */
	char *rbuf;		/* MNL_SOCKET_DUMP_SIZE, reused for every read */
};

/*
 * Called for each reply message; returns 0 to go on or -errno to stop.
 * It prints its own error, if any, before returning one.
 */
typedef int (*nl_reply_cb)(const struct nlmsghdr *nlh, void *data);

/* -ENOENT, and nothing printed, when the family is not registered. */
int nl_open(struct nl_ctx *nl);
void nl_close(struct nl_ctx *nl);
bool nl_has_cmd(const struct nl_ctx *nl, uint8_t cmd);

struct nlmsghdr *nl_req(struct nl_ctx *nl, uint8_t cmd);
int nl_doit(struct nl_ctx *nl, struct nlmsghdr *req, nl_reply_cb cb,
	    void *data);
int nl_dump(struct nl_ctx *nl, struct nlmsghdr *req, nl_reply_cb cb,
	    void *data);

/*
 * Attribute tables, in the manner of ethtool: tb[] gets one pointer per
 * known type; types above max (from a newer module) are ignored, and a
 * known type with the wrong size is a malformed reply (-EPROTO, printed).
 * policy[type] is the libmnl type to check, MNL_TYPE_UNSPEC for none.
 */
int nl_parse_reply(const struct nlmsghdr *nlh,
		   const enum mnl_attr_data_type *policy, unsigned int max,
		   const struct nlattr **tb);
int nl_parse_nest(const struct nlattr *nest,
		  const enum mnl_attr_data_type *policy, unsigned int max,
		  const struct nlattr **tb);

#endif /* PTSCOPE_NL_H */
