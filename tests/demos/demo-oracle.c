// SPDX-License-Identifier: GPL-2.0
/*
 * demo-oracle: the kernel's own view of a process's pages, for the demos'
 * assertions (ptscope-demo --check).  It reads /proc/PID/pagemap through
 * the same helper the VM tests use, never ptscope.
 *
 *   demo-oracle pages PID ADDR [N]   one line per page:
 *                                    "ADDR present|swap|none PFN TYPE OFFSET"
 *                                    (PFN, TYPE and OFFSET in hex, 0 if n/a)
 *   demo-oracle count PID ADDR N     "present=P swap=S none=E"
 *   demo-oracle levels               4 or 5: the levels the kernel runs,
 *                                    from where an mmap() hinted at 2^50
 *                                    lands (pt_paging_levels())
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt_oracle.h"

int main(int argc, char **argv)
{
	unsigned long addr, n, i, present = 0, swap = 0, none = 0;
	uint64_t *pm;
	pid_t pid;
	int err;

	if (argc == 2 && !strcmp(argv[1], "levels")) {
		printf("%u\n", pt_paging_levels());
		return 0;
	}
	if (argc < 4 || (strcmp(argv[1], "pages") && strcmp(argv[1], "count"))) {
		fprintf(stderr, "usage: demo-oracle pages|count PID ADDR [N] | levels\n");
		return 2;
	}
	pid = atoi(argv[2]);
	addr = strtoul(argv[3], NULL, 16) & ~0xfffUL;
	n = argc > 4 ? strtoul(argv[4], NULL, 0) : 1;
	pm = calloc(n, sizeof(*pm));
	if (!pm)
		return 1;
	err = pt_pagemap_read(pid, addr, n, pm);
	if (err) {
		fprintf(stderr, "demo-oracle: pagemap of %d: %s\n", pid,
			strerror(-err));
		return 1;
	}
	for (i = 0; i < n; i++) {
		uint64_t e = pm[i];
		unsigned long a = addr + i * 4096;

		if (e & PM_PRESENT)
			present++;
		else if (e & PM_SWAP)
			swap++;
		else
			none++;
		if (strcmp(argv[1], "pages"))
			continue;
		if (e & PM_PRESENT)
			printf("%lx present %llx 0 0\n", a,
			       (unsigned long long)(e & PM_PFN_MASK));
		else if (e & PM_SWAP)
			printf("%lx swap 0 %llx %llx\n", a,
			       (unsigned long long)PM_SWAP_TYPE(e),
			       (unsigned long long)PM_SWAP_OFFSET(e));
		else
			printf("%lx none 0 0 0\n", a);
	}
	if (!strcmp(argv[1], "count"))
		printf("present=%lu swap=%lu none=%lu\n", present, swap, none);
	return 0;
}
