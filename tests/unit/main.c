// SPDX-License-Identifier: GPL-2.0
/*
 * main.c: runs every host unit test group and prints the one closing
 * line the test tooling reads: "N passed, N failed".
 */
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

struct test_counts test_counts;

int main(int argc, char **argv)
{
	/* Captured /proc files are found relative to this directory. */
	if (argc > 1 && chdir(argv[1])) {
		perror(argv[1]);
		return 1;
	}
	test_parse();
	test_out();
	test_proc();
	test_nl();
	test_args();
	test_pt();
	test_stats();
	printf("%u passed, %u failed\n", test_counts.passed,
	       test_counts.failed);
	return test_counts.failed ? 1 : 0;
}
