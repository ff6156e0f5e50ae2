// SPDX-License-Identifier: GPL-2.0
/*
 * touch-pages: map N fresh anonymous 4 KiB pages and touch each once, by
 * writing (default) or reading, so that a test knows the exact number of
 * first-touch faults to expect.  THP is refused with MADV_NOHUGEPAGE.
 *
 *   touch-pages N [write|read]
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PG	4096UL

int main(int argc, char **argv)
{
	unsigned long n, i;
	volatile char *p;
	bool read_only;
	char sink = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: touch-pages N [write|read]\n");
		return 2;
	}
	n = strtoul(argv[1], NULL, 10);
	read_only = argc == 3 && !strcmp(argv[2], "read");
	p = mmap(NULL, n * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("touch-pages: mmap");
		return 1;
	}
	madvise((void *)p, n * PG, MADV_NOHUGEPAGE);
	for (i = 0; i < n; i++) {
		if (read_only)
			sink += p[i * PG];
		else
			p[i * PG] = 1;
	}
	(void)sink;
	return 0;
}
