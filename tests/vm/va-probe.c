// SPDX-License-Identifier: GPL-2.0
/*
 * va-probe - how wide is this process's user address space?  An oracle
 * for the paging shape that asks only mmap, never ptscope.
 *
 * Both x86-64 (LA57) and arm64 (52-bit VA, LPA2 with 4K pages) hand out
 * addresses above 2^47 (x86) or 2^48 (arm64) only when a hint asks for
 * them and the kernel runs 5-level paging.  So an mmap hinted at 2^50
 * lands at or above 2^48 with 5 levels, and below it with 4.
 *
 * Prints "levels N address 0xADDR" and exits 0, or 1 if mmap fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
	void *hint = (void *)(UINT64_C(1) << 50);
	void *p = mmap(hint, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("va-probe: mmap of one page hinted at 2^50");
		return 1;
	}
	printf("levels %d address %p\n",
	       (uintptr_t)p >= (UINT64_C(1) << 48) ? 5 : 4, p);
	munmap(p, 4096);
	return 0;
}
