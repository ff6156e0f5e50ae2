// SPDX-License-Identifier: GPL-2.0
/*
 * demo-target: a process the demos drive one step at a time, so that its
 * page tables can be shown between the steps.  It reads commands from
 * stdin and answers each with one line on stdout, "ok ..." or "err ...":
 *
 *   map SIZE       anonymous private mapping (no THP); "ok ADDR"
 *   touch N        write to the first N pages of the last mapping
 *   quit
 *
 * SIZE takes K, M and G suffixes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char *region;
static size_t region_len;

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': v <<= 10; /* fall through */
	case 'M': v <<= 10; /* fall through */
	case 'K': v <<= 10; break;
	}
	return v;
}

static void cmd_map(const char *arg)
{
	size_t len = parse_size(arg);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!len || p == MAP_FAILED) {
		printf("err map %s: %s\n", arg, strerror(errno));
		return;
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	region = p;
	region_len = len;
	printf("ok %p\n", p);
}

static void cmd_touch(const char *arg)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t n = strtoull(arg, NULL, 0), i;

	if (!region || n * page > region_len) {
		printf("err touch %s: outside the mapping\n", arg);
		return;
	}
	for (i = 0; i < n; i++)
		region[i * page] = 1;
	printf("ok %zu\n", n);
}

int main(void)
{
	char line[256];

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ok %d\n", (int)getpid());
	while (fgets(line, sizeof(line), stdin)) {
		char *arg = strchr(line, ' ');

		line[strcspn(line, "\n")] = '\0';
		if (arg)
			*arg++ = '\0';
		if (!strcmp(line, "map") && arg)
			cmd_map(arg);
		else if (!strcmp(line, "touch") && arg)
			cmd_touch(arg);
		else if (!strcmp(line, "quit"))
			break;
		else
			printf("err unknown command '%s'\n", line);
	}
	return 0;
}
