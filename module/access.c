// SPDX-License-Identifier: GPL-2.0
/* access.c: placeholder until the walker lands. */
