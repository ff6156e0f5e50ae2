// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c: the grammar of numbers, addresses and ranges (see parse.h).
 *
 * Hand-written rather than strtoull(): strtoull accepts leading blanks,
 * signs and octal, and saturates on overflow, all of which would turn a
 * typo into a silently wrong address.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "parse.h"

static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

static unsigned int suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	case 't': case 'T': return 40;
	}
	return 0;
}

/* NUMBER over s[0..len), which need not be NUL-terminated. */
static int parse_term(const char *s, size_t len, uint64_t *val,
		      const char **why)
{
	const char *p = s, *end = s + len;
	unsigned int base = 10, digits = 0, d, shift;
	uint64_t v = 0;

	if (!len) {
		*why = "missing number";
		return -EINVAL;
	}
	if (len >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (; p < end; p++, digits++) {
		d = digit_value(*p);
		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base) {
			*why = "does not fit in 64 bits";
			return -ERANGE;
		}
		v = v * base + d;
	}
	if (!digits) {
		*why = base == 16 ? "no hex digits after 0x" : "not a number";
		return -EINVAL;
	}
	if (p < end) {
		shift = suffix_shift(*p);
		if (!shift || p + 1 != end) {
			*why = "unexpected characters after the number (suffixes are K, M, G, T)";
			return -EINVAL;
		}
		if (v > UINT64_MAX >> shift) {
			*why = "does not fit in 64 bits";
			return -ERANGE;
		}
		v <<= shift;
	}
	*val = v;
	return 0;
}

/* ADDR over s[0..len): NUMBER ['+' NUMBER]... */
static int parse_sum(const char *s, size_t len, uint64_t *val,
		     const char **why)
{
	const char *end = s + len, *plus;
	uint64_t sum = 0, term;
	int err;

	for (;;) {
		plus = memchr(s, '+', end - s);
		err = parse_term(s, (plus ? plus : end) - s, &term, why);
		if (err)
			return err;
		if (sum > UINT64_MAX - term) {
			*why = "address does not fit in 64 bits";
			return -ERANGE;
		}
		sum += term;
		if (!plus)
			break;
		s = plus + 1;
	}
	*val = sum;
	return 0;
}

int parse_number(const char *s, uint64_t *val, const char **why)
{
	return parse_term(s, strlen(s), val, why);
}

int parse_addr(const char *s, uint64_t *addr, const char **why)
{
	return parse_sum(s, strlen(s), addr, why);
}

static int parse_start_end(const char *s, const char *dash,
			   uint64_t *start, uint64_t *end, const char **why)
{
	int err;

	err = parse_sum(s, dash - s, start, why);
	if (!err)
		err = parse_addr(dash + 1, end, why);
	if (err)
		return err;
	if (*end < *start) {
		*why = "end is before start";
		return -EINVAL;
	}
	if (*end == *start) {
		*why = "empty range (END is exclusive)";
		return -EINVAL;
	}
	return 0;
}

static int parse_start_size(const char *s, const char *plus,
			    uint64_t *start, uint64_t *end, const char **why)
{
	uint64_t size;
	int err;

	err = parse_sum(s, plus - s, start, why);
	if (!err)
		err = parse_number(plus + 1, &size, why);
	if (err)
		return err;
	if (!size) {
		*why = "empty range (SIZE is 0)";
		return -EINVAL;
	}
	if (*start > UINT64_MAX - size) {
		*why = "range end does not fit in 64 bits";
		return -ERANGE;
	}
	*end = *start + size;
	return 0;
}

int parse_range(const char *s, uint64_t *start, uint64_t *end,
		const char **why)
{
	const char *sep = strchr(s, '-');

	if (sep)
		return parse_start_end(s, sep, start, end, why);
	sep = strrchr(s, '+');
	if (sep)
		return parse_start_size(s, sep, start, end, why);
	*why = "not a range; use START-END or START+SIZE";
	return -EINVAL;
}

int parse_pid(const char *s, pid_t *pid, const char **why)
{
	long long v = 0;
	const char *p;

	if (!*s) {
		*why = "missing process id";
		return -EINVAL;
	}
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9') {
			*why = "not a process id (decimal digits only)";
			return -EINVAL;
		}
		v = v * 10 + (*p - '0');
		if (v > INT_MAX) {
			*why = "process id too large";
			return -ERANGE;
		}
	}
	if (!v) {
		*why = "process id must be positive";
		return -EINVAL;
	}
	*pid = (pid_t)v;
	return 0;
}
