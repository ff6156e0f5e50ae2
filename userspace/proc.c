// SPDX-License-Identifier: GPL-2.0
/*
 * proc.c: /proc/PID/maps, /proc/PID/status and /proc/meminfo.
 *
 * ptscope's job is to set page-table truth beside the numbers people
 * already read here, so these parsers take the files exactly as the
 * kernel prints them and reject anything else rather than guess.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits up to the stop character, which is consumed. */
static int scan_hex(char **pp, uint64_t *v, char stop)
{
	char *p = *pp;
	uint64_t x = 0;
	int n, d;

	for (n = 0; (d = hex_digit(*p)) >= 0; p++, n++) {
		if (n == 16)
			return -EINVAL;
		x = x << 4 | d;
	}
	if (!n || *p != stop)
		return -EINVAL;
	*pp = p + 1;
	*v = x;
	return 0;
}

static int scan_perms(char **pp, char perms[5])
{
	static const char *const allowed[4] = { "r-", "w-", "x-", "ps" };
	char *p = *pp;
	int i;

	for (i = 0; i < 4; i++) {
		if (!p[i] || !strchr(allowed[i], p[i]))
			return -EINVAL;
		perms[i] = p[i];
	}
	perms[4] = '\0';
	if (p[4] != ' ')
		return -EINVAL;
	*pp = p + 5;
	return 0;
}

static int scan_dec(char **pp, uint64_t *v)
{
	char *p = *pp;
	uint64_t x = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > (UINT64_MAX - (*p - '0')) / 10)
			return -EINVAL;
		x = x * 10 + (*p - '0');
	}
	*pp = p;
	*v = x;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

/*
 * "start-end perms offset major:minor inode [padding path]\n".  The path
 * is everything after the padding, spaces included; every real path
 * starts with '/' or '[', so skipping the padding never eats a name.
 */
int proc_parse_maps_line(char *line, struct proc_maps_entry *e)
{
	char *p = line, *nl;
	uint64_t major, minor;

	memset(e, 0, sizeof(*e));
	nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	if (scan_hex(&p, &e->start, '-') || scan_hex(&p, &e->end, ' ') ||
	    scan_perms(&p, e->perms) || scan_hex(&p, &e->offset, ' ') ||
	    scan_hex(&p, &major, ':') || scan_hex(&p, &minor, ' ') ||
	    scan_dec(&p, &e->inode))
		return -EINVAL;
	if (e->start >= e->end || major > 0xfff || minor > 0xfffff)
		return -EINVAL;
	if (*p && *p != ' ')
		return -EINVAL;
	while (*p == ' ')
		p++;
	e->dev_major = major;
	e->dev_minor = minor;
	e->path = p;
	e->deleted = ends_with(p, " (deleted)");
	return 0;
}

int proc_maps_open_path(struct proc_maps *m, const char *path)
{
	memset(m, 0, sizeof(*m));
	m->f = fopen(path, "re");
	return m->f ? 0 : -errno;
}

int proc_maps_open(struct proc_maps *m, pid_t pid)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	return proc_maps_open_path(m, path);
}

/* 1 and an entry, 0 at the end, or -errno. */
int proc_maps_next(struct proc_maps *m, struct proc_maps_entry *e)
{
	if (getline(&m->line, &m->cap, m->f) < 0)
		return ferror(m->f) ? -EIO : 0;
	return proc_parse_maps_line(m->line, e) ? -EPROTO : 1;
}

void proc_maps_close(struct proc_maps *m)
{
	if (m->f)
		fclose(m->f);
	free(m->line);
	memset(m, 0, sizeof(*m));
}

struct kv_field {
	const char *name;
	size_t off;
	unsigned int bit;
};

/*
 * "Key:   123 kB" (bytes after scaling) or "Key:   123" (a count).
 * Unknown keys are skipped untouched, so odd values elsewhere (a
 * process Name with spaces or colons) cannot break the parse.
 */
static int parse_kv_line(const char *line, const struct kv_field *fields,
			 size_t n, void *base, unsigned int *have)
{
	const char *colon = strchr(line, ':');
	char *p;
	uint64_t v;
	size_t i, klen;

	if (!colon)
		return 0;
	klen = colon - line;
	for (i = 0; i < n; i++)
		if (strlen(fields[i].name) == klen &&
		    !memcmp(fields[i].name, line, klen))
			break;
	if (i == n)
		return 0;

	p = (char *)colon + 1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (scan_dec(&p, &v))
		return -EINVAL;
	while (*p == ' ')
		p++;
	if (!strncmp(p, "kB", 2)) {
		if (v > UINT64_MAX / 1024)
			return -EINVAL;
		v *= 1024;
		p += 2;
	}
	if (*p && strcmp(p, "\n"))
		return -EINVAL;
	*(uint64_t *)((char *)base + fields[i].off) = v;
	*have |= fields[i].bit;
	return 0;
}

#define ST_FIELD(name, member, bit) \
	{ name, offsetof(struct proc_status, member), bit }

static const struct kv_field status_fields[] = {
	ST_FIELD("VmSize", vm_size, PROC_ST_VMSIZE),
	ST_FIELD("VmRSS", vm_rss, PROC_ST_VMRSS),
	ST_FIELD("RssAnon", rss_anon, PROC_ST_RSSANON),
	ST_FIELD("RssFile", rss_file, PROC_ST_RSSFILE),
	ST_FIELD("RssShmem", rss_shmem, PROC_ST_RSSSHMEM),
	ST_FIELD("VmSwap", vm_swap, PROC_ST_VMSWAP),
	ST_FIELD("VmPTE", vm_pte, PROC_ST_VMPTE),
};

#define MI_FIELD(name, member, bit) \
	{ name, offsetof(struct proc_meminfo, member), bit }

static const struct kv_field meminfo_fields[] = {
	MI_FIELD("MemTotal", mem_total, PROC_MI_MEMTOTAL),
	MI_FIELD("MemFree", mem_free, PROC_MI_MEMFREE),
	MI_FIELD("MemAvailable", mem_available, PROC_MI_MEMAVAILABLE),
	MI_FIELD("Buffers", buffers, PROC_MI_BUFFERS),
	MI_FIELD("Cached", cached, PROC_MI_CACHED),
	MI_FIELD("SReclaimable", sreclaimable, PROC_MI_SRECLAIMABLE),
	MI_FIELD("Shmem", shmem, PROC_MI_SHMEM),
	MI_FIELD("SwapTotal", swap_total, PROC_MI_SWAPTOTAL),
	MI_FIELD("SwapFree", swap_free, PROC_MI_SWAPFREE),
	MI_FIELD("PageTables", page_tables, PROC_MI_PAGETABLES),
	MI_FIELD("SecPageTables", sec_page_tables, PROC_MI_SECPAGETABLES),
	MI_FIELD("KernelStack", kernel_stack, PROC_MI_KERNELSTACK),
};

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

#define SM_FIELD(name, member, bit) \
	{ name, offsetof(struct proc_smaps_entry, member), 1U << (bit) }

static const struct kv_field smaps_fields[] = {
	SM_FIELD("Rss", rss, 0),
	SM_FIELD("Pss", pss, 1),
	SM_FIELD("Shared_Clean", shared_clean, 2),
	SM_FIELD("Shared_Dirty", shared_dirty, 3),
	SM_FIELD("Private_Clean", private_clean, 4),
	SM_FIELD("Private_Dirty", private_dirty, 5),
	SM_FIELD("Referenced", referenced, 6),
	SM_FIELD("Anonymous", anonymous, 7),
	SM_FIELD("AnonHugePages", anon_huge, 8),
	SM_FIELD("ShmemPmdMapped", shmem_pmd, 9),
	SM_FIELD("FilePmdMapped", file_pmd, 10),
	SM_FIELD("Shared_Hugetlb", shared_hugetlb, 11),
	SM_FIELD("Private_Hugetlb", private_hugetlb, 12),
	SM_FIELD("Swap", swap, 13),
	SM_FIELD("Locked", locked, 14),
	SM_FIELD("KernelPageSize", kernel_page_size, 15),
};

/* A field line is "Key:" with Key made of letters, digits and '_'. */
static bool is_field_line(const char *line)
{
	const char *p = line;

	if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
		return false;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
	       (*p >= '0' && *p <= '9') || *p == '_')
		p++;
	return *p == ':';
}

int proc_parse_smaps_field(const char *line, struct proc_smaps_entry *e)
{
	if (!is_field_line(line))
		return 0;
	/* VmFlags and THPeligible are not "N kB"; they are not in the table. */
	if (parse_kv_line(line, smaps_fields, ARRAY_LEN(smaps_fields), e,
			  &e->have))
		return -EINVAL;
	return 1;
}

int proc_smaps_open_path(struct proc_smaps *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	s->f = fopen(path, "re");
	return s->f ? 0 : -errno;
}

int proc_smaps_open(struct proc_smaps *s, pid_t pid)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	return proc_smaps_open_path(s, path);
}

int proc_smaps_next(struct proc_smaps *s, struct proc_smaps_entry *e)
{
	char *tmp;
	size_t tcap;
	int ret;

	if (!s->pending && getline(&s->line, &s->cap, s->f) < 0)
		return ferror(s->f) ? -EIO : 0;
	s->pending = false;
	/* Keep the header: the field lines reuse s->line. */
	tmp = s->hdr;
	tcap = s->hcap;
	s->hdr = s->line;
	s->hcap = s->cap;
	s->line = tmp;
	s->cap = tcap;
	memset(e, 0, sizeof(*e));
	if (proc_parse_maps_line(s->hdr, &e->map))
		return -EPROTO;
	while (getline(&s->line, &s->cap, s->f) >= 0) {
		ret = proc_parse_smaps_field(s->line, e);
		if (ret < 0)
			return -EPROTO;
		if (!ret) {
			s->pending = true;
			return 1;
		}
	}
	return ferror(s->f) ? -EIO : 1;
}

void proc_smaps_close(struct proc_smaps *s)
{
	if (s->f)
		fclose(s->f);
	free(s->line);
	free(s->hdr);
	memset(s, 0, sizeof(*s));
}

int proc_parse_status_line(const char *line, struct proc_status *st)
{
	return parse_kv_line(line, status_fields, ARRAY_LEN(status_fields),
			     st, &st->have);
}

int proc_parse_meminfo_line(const char *line, struct proc_meminfo *mi)
{
	return parse_kv_line(line, meminfo_fields, ARRAY_LEN(meminfo_fields),
			     mi, &mi->have);
}

static int read_kv_file(const char *path, const struct kv_field *fields,
			size_t n, void *base, unsigned int *have)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int err = 0;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (!err && getline(&line, &cap, f) >= 0)
		err = parse_kv_line(line, fields, n, base, have) ? -EPROTO : 0;
	if (!err && ferror(f))
		err = -EIO;
	free(line);
	fclose(f);
	return err;
}

int proc_read_status_path(const char *path, struct proc_status *st)
{
	memset(st, 0, sizeof(*st));
	return read_kv_file(path, status_fields, ARRAY_LEN(status_fields),
			    st, &st->have);
}

int proc_read_status(pid_t pid, struct proc_status *st)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return proc_read_status_path(path, st);
}

int proc_read_meminfo_path(const char *path, struct proc_meminfo *mi)
{
	memset(mi, 0, sizeof(*mi));
	return read_kv_file(path, meminfo_fields, ARRAY_LEN(meminfo_fields),
			    mi, &mi->have);
}

int proc_read_meminfo(struct proc_meminfo *mi)
{
	return proc_read_meminfo_path("/proc/meminfo", mi);
}
