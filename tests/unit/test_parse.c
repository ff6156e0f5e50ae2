// SPDX-License-Identifier: GPL-2.0
/*
 * test_parse.c: the address grammar of userspace/parse.c, on exact
 * answers worked out by hand, including every rejection's errno.
 */
#include <errno.h>
#include <limits.h>

#include "harness.h"
#include "parse.h"

struct num_case {
	const char *in;
	int err;
	uint64_t val;
};

static const struct num_case number_cases[] = {
	{ "0", 0, 0 },
	{ "4096", 0, 4096 },
	{ "010", 0, 10 },		/* never octal */
	{ "0x1000", 0, 0x1000 },
	{ "0X1f", 0, 0x1f },
	{ "0xdeadBEEF", 0, 0xdeadbeef },
	{ "4K", 0, 4096 },
	{ "4k", 0, 4096 },
	{ "2M", 0, 2ULL << 20 },
	{ "1G", 0, 1ULL << 30 },
	{ "1t", 0, 1ULL << 40 },
	{ "0x10K", 0, 0x4000 },
	{ "0x1g", 0, 1ULL << 30 },
	{ "18446744073709551615", 0, UINT64_MAX },
	{ "0xffffffffffffffff", 0, UINT64_MAX },
	{ "0x0000000000000000000001", 0, 1 },
	{ "16777215T", 0, 0xffffff0000000000ULL },
	{ "18446744073709551616", -ERANGE, 0 },
	{ "0x10000000000000000", -ERANGE, 0 },
	{ "16777216T", -ERANGE, 0 },
	{ "", -EINVAL, 0 },
	{ "0x", -EINVAL, 0 },
	{ "0xK", -EINVAL, 0 },
	{ "abc", -EINVAL, 0 },
	{ " 12", -EINVAL, 0 },
	{ "12 ", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "+1", -EINVAL, 0 },
	{ "4KB", -EINVAL, 0 },
	{ "4Q", -EINVAL, 0 },
	{ "1.5K", -EINVAL, 0 },
	{ "12e", -EINVAL, 0 },
	{ "0x12z", -EINVAL, 0 },
};

static const struct num_case addr_cases[] = {
	{ "0x7f0000000000", 0, 0x7f0000000000ULL },
	{ "0x7f0000000000+4K", 0, 0x7f0000001000ULL },
	{ "1+2+3", 0, 6 },
	{ "0xfffffffffffffffe+1", 0, UINT64_MAX },
	{ "0xffffffffffffffff+1", -ERANGE, 0 },
	{ "0x1000+", -EINVAL, 0 },
	{ "+4K", -EINVAL, 0 },
	{ "0x1000++1", -EINVAL, 0 },
	{ "0x1000-0x2000", -EINVAL, 0 },
};

struct range_case {
	const char *in;
	int err;
	uint64_t start;
	uint64_t end;
};

static const struct range_case range_cases[] = {
	{ "0x1000-0x2000", 0, 0x1000, 0x2000 },
	{ "4096-8192", 0, 0x1000, 0x2000 },
	{ "0x7f0000000000+4K", 0, 0x7f0000000000ULL, 0x7f0000001000ULL },
	{ "4K+4K", 0, 0x1000, 0x2000 },
	{ "0x1000+0x10+4K", 0, 0x1010, 0x2010 },	/* the last '+' splits */
	{ "0x1000-0x1000+4K", 0, 0x1000, 0x2000 },
	{ "0-0xffffffffffffffff", 0, 0, UINT64_MAX },
	{ "0xfffffffffffff000+4K", -ERANGE, 0, 0 },
	{ "0x2000-0x1000", -EINVAL, 0, 0 },
	{ "0x1000-0x1000", -EINVAL, 0, 0 },
	{ "0x1000+0", -EINVAL, 0, 0 },
	{ "0x1000", -EINVAL, 0, 0 },
	{ "-0x1000", -EINVAL, 0, 0 },
	{ "0x1000-", -EINVAL, 0, 0 },
	{ "1-2-3", -EINVAL, 0, 0 },
	{ "", -EINVAL, 0, 0 },
	{ "0x1000-0x2000 ", -EINVAL, 0, 0 },
	{ "0x1000-0x10000000000000000", -ERANGE, 0, 0 },
};

struct pid_case {
	const char *in;
	int err;
	pid_t pid;
};

static const struct pid_case pid_cases[] = {
	{ "1", 0, 1 },
	{ "4194304", 0, 4194304 },
	{ "2147483647", 0, INT_MAX },
	{ "2147483648", -ERANGE, 0 },
	{ "99999999999999999999999", -ERANGE, 0 },
	{ "0", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ "12a", -EINVAL, 0 },
	{ "0x10", -EINVAL, 0 },
	{ " 1", -EINVAL, 0 },
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static void check_num(const struct num_case *c,
		      int (*fn)(const char *, uint64_t *, const char **))
{
	const char *why = NULL;
	uint64_t v = 0xabababab;
	int err = fn(c->in, &v, &why);

	if (!test_report(err == c->err, __FILE__, __LINE__, c->in))
		fprintf(stderr, "     err %d, want %d\n", err, c->err);
	if (!c->err)
		CHECK_U64(v, c->val);
	else
		CHECK(why && *why);
}

static void check_range(const struct range_case *c)
{
	const char *why = NULL;
	uint64_t start = 0, end = 0;
	int err = parse_range(c->in, &start, &end, &why);

	if (!test_report(err == c->err, __FILE__, __LINE__, c->in))
		fprintf(stderr, "     err %d, want %d\n", err, c->err);
	if (!c->err) {
		CHECK_U64(start, c->start);
		CHECK_U64(end, c->end);
	} else {
		CHECK(why && *why);
	}
}

static void check_pid(const struct pid_case *c)
{
	const char *why = NULL;
	pid_t pid = -5;
	int err = parse_pid(c->in, &pid, &why);

	if (!test_report(err == c->err, __FILE__, __LINE__, c->in))
		fprintf(stderr, "     err %d, want %d\n", err, c->err);
	if (!c->err)
		CHECK_INT(pid, c->pid);
	else
		CHECK_INT(pid, -5);	/* untouched on failure */
}

/* The reasons users read are part of the interface: pin a few. */
static void check_reasons(void)
{
	const char *why = NULL;
	uint64_t a, b;

	parse_number("0x", &a, &why);
	CHECK_STR(why, "no hex digits after 0x");
	parse_number("99999999999999999999", &a, &why);
	CHECK_STR(why, "does not fit in 64 bits");
	parse_range("0x2000-0x1000", &a, &b, &why);
	CHECK_STR(why, "end is before start");
	parse_range("0x2000", &a, &b, &why);
	CHECK_STR(why, "not a range; use START-END or START+SIZE");
	parse_range("0x2000+0", &a, &b, &why);
	CHECK_STR(why, "empty range (SIZE is 0)");
}

void test_parse(void)
{
	size_t i;

	for (i = 0; i < N(number_cases); i++)
		check_num(&number_cases[i], parse_number);
	for (i = 0; i < N(addr_cases); i++)
		check_num(&addr_cases[i], parse_addr);
	for (i = 0; i < N(range_cases); i++)
		check_range(&range_cases[i]);
	for (i = 0; i < N(pid_cases); i++)
		check_pid(&pid_cases[i]);
	check_reasons();
}
