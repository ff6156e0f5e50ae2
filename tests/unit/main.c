// SPDX-License-Identifier: GPL-2.0
/*
 * main.c: runs every host unit test group and prints the one closing
 * line the test tooling reads: "N passed, N failed".
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

struct test_counts test_counts;

/*
 * Captured /proc files (data/) are found relative to the directory
 * given, or else to the one this program lives in, so the tests pass
 * whichever directory they are started from.
 */
static int go_to_data_dir(int argc, char **argv)
{
	char self[PATH_MAX];
	const char *dir;
	ssize_t n;

	if (argc > 1) {
		dir = argv[1];
	} else {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n < 0) {
			perror("unit: /proc/self/exe");
			return -1;
		}
		self[n] = '\0';
		dir = dirname(self);
	}
	if (chdir(dir)) {
		fprintf(stderr, "unit: cannot enter the test directory %s: %s\n",
			dir, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (go_to_data_dir(argc, argv))
		return 1;
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
