// SPDX-License-Identifier: GPL-2.0
/*
 * pt_oracle.c: reporting, kernel oracles (pagemap, smaps, status), the
 * ptscope procfs reader and the scenario protocol.  See pt_oracle.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt_oracle.h"

int pt_passed, pt_failed, pt_skipped;

static void pt_report(const char *tag, const char *fmt, va_list ap)
{
	printf("%s: ", tag);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
}

void pt_pass(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pt_report("PASS", fmt, ap);
	va_end(ap);
	pt_passed++;
}

void pt_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pt_report("FAIL", fmt, ap);
	va_end(ap);
	pt_failed++;
}

void pt_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pt_report("SKIP", fmt, ap);
	va_end(ap);
	pt_skipped++;
}

int pt_summary(void)
{
	printf("%d passed, %d failed, %d skipped\n", pt_passed, pt_failed,
	       pt_skipped);
	fflush(stdout);
	return pt_failed ? 1 : 0;
}

void pt_run_unprivileged(void (*fn)(void *arg), void *arg)
{
	int fds[2], counts[3] = { 0, 0, 0 };
	pid_t child;

	if (pipe(fds)) {
		pt_fail("user: pipe: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	child = fork();
	if (!child) {
		close(fds[0]);
		pt_passed = pt_failed = pt_skipped = 0;
		if (setgroups(0, NULL) || setgid(1000) || setuid(1000))
			pt_fail("user: cannot drop to uid 1000");
		else
			fn(arg);
		counts[0] = pt_passed;
		counts[1] = pt_failed;
		counts[2] = pt_skipped;
		if (write(fds[1], counts, sizeof(counts)) != sizeof(counts))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (child < 0 ||
	    read(fds[0], counts, sizeof(counts)) != sizeof(counts)) {
		pt_fail("user: unprivileged pass died");
		counts[0] = counts[1] = counts[2] = 0;
	}
	close(fds[0]);
	if (child > 0)
		waitpid(child, NULL, 0);
	pt_passed += counts[0];
	pt_failed += counts[1];
	pt_skipped += counts[2];
}

int pt_pagemap_read(pid_t pid, unsigned long addr, size_t n, uint64_t *out)
{
	char path[64];
	size_t done = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while (done < n) {
		off_t off = (off_t)((addr >> 12) + done) * 8;
		ssize_t r = pread(fd, out + done, (n - done) * 8, off);

		if (r <= 0) {
			int err = r < 0 ? -errno : -EIO;

			close(fd);
			return err;
		}
		done += r / 8;
	}
	close(fd);
	return 0;
}

int pt_read_smaps(pid_t pid, struct pt_vma **out)
{
	struct pt_vma *v = NULL, *cur = NULL;
	int n = 0, cap = 0;
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b, val;
		char perms[8], key[64];
		int pos = 0;

		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s%n", &a, &b, perms,
			   &pos) == 3 && pos > 0) {
			char *name = line + pos;

			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				v = realloc(v, cap * sizeof(*v));
				if (!v)
					abort();
			}
			cur = &v[n++];
			memset(cur, 0, sizeof(*cur));
			cur->start = a;
			cur->end = b;
			snprintf(cur->perms, sizeof(cur->perms), "%s", perms);
			while (*name == ' ')
				name++;
			name[strcspn(name, "\n")] = '\0';
			snprintf(cur->name, sizeof(cur->name), "%s", name);
			continue;
		}
		if (cur && !strncmp(line, "VmFlags:", 8)) {
			cur->vm_softdirty = strstr(line, " sd") != NULL;
			cur->vm_pfnmap = strstr(line, " pf") != NULL;
			cur->vm_bti = strstr(line, " bt") != NULL;
			continue;
		}
		if (!cur || sscanf(line, "%63[^:]: %lu kB", key, &val) != 2)
			continue;
		if (!strcmp(key, "Rss"))
			cur->rss = val;
		else if (!strcmp(key, "Swap"))
			cur->swap = val;
		else if (!strcmp(key, "AnonHugePages"))
			cur->anon_huge = val;
		else if (!strcmp(key, "Private_Hugetlb") ||
			 !strcmp(key, "Shared_Hugetlb"))
			cur->hugetlb += val;
		else if (!strcmp(key, "KernelPageSize"))
			cur->kernel_page_kb = val;
		else if (!strcmp(key, "Pss"))
			cur->pss = val;
		else if (!strcmp(key, "Private_Clean"))
			cur->private_clean = val;
		else if (!strcmp(key, "Private_Dirty"))
			cur->private_dirty = val;
		else if (!strcmp(key, "Shared_Clean"))
			cur->shared_clean = val;
		else if (!strcmp(key, "Shared_Dirty"))
			cur->shared_dirty = val;
	}
	fclose(f);
	*out = v;
	return n;
}

bool pt_smaps_share_same(const struct pt_vma *a, int na,
			 const struct pt_vma *b, int nb)
{
	int i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].start != b[i].start || a[i].pss != b[i].pss ||
		    a[i].private_clean != b[i].private_clean ||
		    a[i].private_dirty != b[i].private_dirty ||
		    a[i].shared_clean != b[i].shared_clean ||
		    a[i].shared_dirty != b[i].shared_dirty)
			return false;
	return true;
}

long pt_status_field(pid_t pid, const char *field)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	return pt_file_field(path, field);
}

long pt_file_field(const char *path, const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long val = -1;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			val = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

long pt_status_kb(pid_t pid, const char *field)
{
	return pt_status_field(pid, field);
}

bool pt_module_loaded(void)
{
	FILE *f = fopen("/proc/modules", "r");
	char line[256];
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "ptscope ", 8))
			found = true;
	fclose(f);
	return found;
}

unsigned int pt_paging_levels(void)
{
	void *hint = (void *)(UINT64_C(1) << 50);
	void *p = mmap(hint, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	unsigned int levels;

	if (p == MAP_FAILED)
		return 0;
	levels = (uintptr_t)p >= (UINT64_C(1) << 48) ? 5 : 4;
	munmap(p, 4096);
	return levels;
}

char *pt_proc_query(const char *file, const char *sel)
{
	size_t len = 0, cap = 1 << 16;
	char path[128], *buf;
	ssize_t r;
	int fd, err;

	snprintf(path, sizeof(path), "/proc/ptscope/%s", file);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return NULL;
	if (write(fd, sel, strlen(sel)) != (ssize_t)strlen(sel)) {
		err = errno;
		close(fd);
		errno = err;
		return NULL;
	}
	buf = malloc(cap);
	if (!buf)
		abort();
	for (;;) {
		if (cap - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			err = errno;
			free(buf);
			close(fd);
			errno = err;
			return NULL;
		}
		if (!r)
			break;
		len += r;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

static enum pt_state pt_parse_state(const char *s)
{
	static const char * const names[] = {
		"none", "present", "protnone", "swap", "migration", "device",
		"marker", "hwpoison", "other",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return (enum pt_state)i;
	return PT_UNKNOWN;
}

static int pt_row_cmp(const void *a, const void *b)
{
	const struct pt_row *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int pt_read_pages(pid_t pid, unsigned long start, unsigned long end,
		  struct pt_row **out)
{
	return pt_read_rows("pages", pid, start, end, out);
}

int pt_read_rows(const char *file, pid_t pid, unsigned long start,
		 unsigned long end, struct pt_row **out)
{
	struct pt_row *rows = NULL;
	int n = 0, cap = 0;
	char sel[96], *buf, *line, *save;

	if (end)
		snprintf(sel, sizeof(sel), "%d %lx %lx\n", pid, start, end);
	else
		snprintf(sel, sizeof(sel), "%d\n", pid);
	buf = pt_proc_query(file, sel);
	if (!buf)
		return -errno;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char state[16], swap[48];
		const char *tail;
		struct pt_row r;
		int end = 0;

		if (line[0] == '#')
			continue;
		memset(&r, 0, sizeof(r));
		if (sscanf(line, "%lx %lx %7s %15s %31s %" SCNx64 " %" SCNx64 " %47s%n",
			   &r.start, &r.end, r.level, state, r.flags, &r.pfn,
			   &r.raw, swap, &end) != 8) {
			free(buf);
			free(rows);
			return -EPROTO;
		}
		/* After the ranges' " n=COUNT SIZEK", arm64's columns. */
		tail = line + end;
		if (!strncmp(tail, " n=", 3)) {
			tail = strchr(tail + 1, ' ');
			tail = tail ? strchr(tail + 1, ' ') : NULL;
			if (!tail)
				tail = "";
		}
		snprintf(r.arch, sizeof(r.arch), "%s", tail);
		r.state = pt_parse_state(state);
		if (strcmp(swap, "-")) {
			r.has_swap = true;
			if (sscanf(swap, "%u:%" SCNx64, &r.swap_type,
				   &r.swap_offset) != 2) {
				free(buf);
				free(rows);
				return -EPROTO;
			}
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			rows = realloc(rows, cap * sizeof(*rows));
			if (!rows)
				abort();
		}
		rows[n++] = r;
	}
	free(buf);
	qsort(rows, n, sizeof(*rows), pt_row_cmp);
	*out = rows;
	return n;
}

const struct pt_row *pt_find_row(const struct pt_row *rows, int n,
				 unsigned long addr)
{
	int lo = 0, hi = n - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (addr < rows[mid].start)
			hi = mid - 1;
		else if (addr >= rows[mid].end)
			lo = mid + 1;
		else
			return &rows[mid];
	}
	return NULL;
}

bool pt_pfns_visible(void)
{
	return geteuid() == 0;
}

/* ---- scenarios ---- */

int pt_scenario_start(struct pt_scenario *s, const char *name)
{
	int fds[2];
	pid_t pid;

	memset(s, 0, sizeof(*s));
	if (pipe(fds))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp("layout", "layout", name, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	s->main = pid;
	s->out = fdopen(fds[0], "r");
	return s->out ? 0 : -errno;
}

static bool pt_is_stopped(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	bool stopped = false;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		stopped = p && p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
	}
	fclose(f);
	return stopped;
}

int pt_scenario_wait(struct pt_scenario *s)
{
	char line[1024], *tok, *save;
	int i, tries;

	if (!fgets(line, sizeof(line), s->out) || !strncmp(line, "DONE", 4))
		return -EPIPE;
	if (strncmp(line, "READY ", 6))
		return -EPROTO;
	s->npids = 0;
	s->nregions = 0;
	s->note[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	for (tok = strtok_r(line + 6, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (!strncmp(tok, "stage=", 6)) {
			s->stage = atoi(tok + 6);
		} else if (!strncmp(tok, "pid=", 4) && s->npids < PT_MAX_PIDS) {
			s->pids[s->npids++] = atoi(tok + 4);
		} else if (!strncmp(tok, "region=", 7) &&
			   s->nregions < PT_MAX_REGIONS) {
			struct pt_region *r = &s->regions[s->nregions];

			if (sscanf(tok + 7, "%23[^:]:%lx:%lx", r->name,
				   &r->addr, &r->len) == 3)
				s->nregions++;
		} else if (!strncmp(tok, "note=", 5)) {
			snprintf(s->note, sizeof(s->note), "%s", tok + 5);
		}
	}
	for (i = 0; i < s->npids; i++) {
		for (tries = 0; tries < 2000 && !pt_is_stopped(s->pids[i]);
		     tries++)
			usleep(5000);
		if (!pt_is_stopped(s->pids[i]))
			return -ETIMEDOUT;
	}
	return 0;
}

void pt_scenario_continue(struct pt_scenario *s)
{
	kill(s->main, SIGCONT);
}

void pt_scenario_end(struct pt_scenario *s)
{
	int i;

	for (i = 0; i < s->npids; i++)
		if (s->pids[i] != s->main)
			kill(s->pids[i], SIGKILL);
	if (s->main > 0) {
		kill(s->main, SIGKILL);
		waitpid(s->main, NULL, 0);
	}
	if (s->out)
		fclose(s->out);
	s->out = NULL;
	s->main = 0;
}

const struct pt_region *pt_region(const struct pt_scenario *s,
				  const char *name)
{
	int i;

	for (i = 0; i < s->nregions; i++)
		if (!strcmp(s->regions[i].name, name))
			return &s->regions[i];
	return NULL;
}

void pt_ready(int stage, const pid_t *pids, int npids,
	      const struct pt_region *regions, int nregions, const char *note)
{
	int i;

	printf("READY stage=%d", stage);
	for (i = 0; i < npids; i++)
		printf(" pid=%d", pids[i]);
	for (i = 0; i < nregions; i++)
		printf(" region=%s:%lx:%lx", regions[i].name, regions[i].addr,
		       regions[i].len);
	if (note && *note)
		printf(" note=%s", note);
	printf("\n");
	fflush(stdout);
	raise(SIGSTOP);
}
