// SPDX-License-Identifier: GPL-2.0
/* entry.c: placeholder until the walker lands. */
