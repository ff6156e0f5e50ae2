/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_genl.h: raw generic netlink for the guest tests, without libmnl, so
 * that a malformed request reaches the kernel exactly as it was built.
 * Used by tests/vm/test-cli-netlink.c and tests/fuzz/ptscope-fuzz.c.
 */
#ifndef PT_GENL_H
#define PT_GENL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

/*
 * A bound NETLINK_GENERIC socket with extended acks on and acks capped
 * (no request payload echoed back), with *family set to the "ptscope"
 * family's id.  Returns the socket, or -errno (-ENOENT: no such family).
 */
int pt_genl_open(uint16_t *family);

/* One attribute at base + off; returns the aligned offset after it. */
size_t pt_nla_put(void *base, size_t off, uint16_t type, const void *data,
		  size_t len);

/*
 * The NLMSGERR_ATTR_MSG of an NLMSG_ERROR or NLMSG_DONE message whose
 * attributes start at @off, into msg (empty if none).
 */
void pt_nlerr_msg(const struct nlmsghdr *nh, size_t off, char *msg,
		  size_t size);

#endif /* PT_GENL_H */
