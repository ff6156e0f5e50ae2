// SPDX-License-Identifier: GPL-2.0
/* walk.c: placeholder until the walker lands. */
