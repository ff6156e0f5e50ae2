/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h: every difference between the kernels ptscope supports (Debian's
 * 6.1 and 6.12) lives here, behind capability macros and small wrappers.
 * It is force-included by Kbuild; no other file tests a kernel version.
 */
#ifndef _PTSCOPE_COMPAT_H
#define _PTSCOPE_COMPAT_H

#include <linux/version.h>

#endif /* _PTSCOPE_COMPAT_H */
