/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between ptscope's front ends and main.c.  The walker,
 * decoder and access rule have headers of their own.
 */
#ifndef _PTSCOPE_INTERNAL_H
#define _PTSCOPE_INTERNAL_H

#define PTSCOPE_VERSION "0.1"

int ptscope_netlink_init(void);
void ptscope_netlink_exit(void);

int ptscope_procfs_init(void);
void ptscope_procfs_exit(void);

#endif /* _PTSCOPE_INTERNAL_H */
