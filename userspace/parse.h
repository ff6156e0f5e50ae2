/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h: numbers, addresses, ranges and pids as people type them.
 *
 * Every command parses user input through these, so the grammar is the
 * same everywhere:
 *   NUMBER  := DIGITS [K|M|G|T]      (binary units, either case)
 *   DIGITS  := 0x<hex> | <decimal>   (no octal: "010" is ten)
 *   ADDR    := NUMBER ['+' NUMBER]...
 *   RANGE   := ADDR '-' ADDR         (START-END, END exclusive)
 *            | ADDR '+' NUMBER       (START+SIZE; the last '+' splits)
 * Each function returns 0, -EINVAL (malformed) or -ERANGE (too large)
 * and, on failure, points *why at a fixed reason for the message.
 */
#ifndef PTSCOPE_PARSE_H
#define PTSCOPE_PARSE_H

#include <stdint.h>
#include <sys/types.h>

int parse_number(const char *s, uint64_t *val, const char **why);
int parse_addr(const char *s, uint64_t *addr, const char **why);
int parse_range(const char *s, uint64_t *start, uint64_t *end,
		const char **why);
int parse_pid(const char *s, pid_t *pid, const char **why);

#endif /* PTSCOPE_PARSE_H */
