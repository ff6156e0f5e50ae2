// SPDX-License-Identifier: GPL-2.0
/*
 * test_args.c: the parse() helpers of userspace/args.c pass values
 * through and turn every bad argument into -EINVAL or -ERANGE.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"

/* Usage errors are printed; send them to /dev/null for a clean log. */
static int saved_stderr = -1;

static void mute(void)
{
	int null = open("/dev/null", O_WRONLY);

	fflush(stderr);
	saved_stderr = dup(2);
	dup2(null, 2);
	close(null);
}

static void unmute(void)
{
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
}

void test_args(void)
{
	uint64_t a = 0, b = 0;
	pid_t pid = 0;

	CHECK_INT(arg_pid("t", "42", &pid), 0);
	CHECK_INT(pid, 42);
	CHECK_INT(arg_addr("t", "0x1000+4K", &a), 0);
	CHECK_U64(a, 0x2000);
	CHECK_INT(arg_range("t", "0x1000-0x3000", &a, &b), 0);
	CHECK_U64(a, 0x1000);
	CHECK_U64(b, 0x3000);

	mute();
	CHECK_INT(arg_pid("t", "self", &pid), -EINVAL);
	CHECK_INT(arg_addr("t", "0x", &a), -EINVAL);
	CHECK_INT(arg_addr("t", "0x1ffffffffffffffff", &a), -ERANGE);
	CHECK_INT(arg_range("t", "3-1", &a, &b), -EINVAL);
	CHECK_INT(usage_error("t", "%s", "x"), -EINVAL);
	CHECK_INT(usage_bad_option("t", "--json"), -EINVAL);
	unmute();
	CHECK_INT(pid, 42);
}
