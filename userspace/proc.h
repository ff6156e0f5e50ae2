/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc.h: parsers for the /proc files ptscope sets beside the page
 * tables: /proc/PID/maps, /proc/PID/status and /proc/meminfo.
 *
 * The line parsers are pure (they only read the line they are given),
 * so they are unit-tested on crafted input; the readers wrap them
 * around the real files, or around captured copies (the _path forms).
 * Readers return 0 or -errno and print nothing: only the caller knows
 * whether a missing file means "no such process".
 */
#ifndef PTSCOPE_PROC_H
#define PTSCOPE_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct proc_maps_entry {
	uint64_t start;
	uint64_t end;		/* exclusive */
	uint64_t offset;
	uint64_t inode;
	unsigned int dev_major;
	unsigned int dev_minor;
	char perms[5];		/* "r-xp" */
	/*
	 * Exactly as maps prints it, pointing into the line: "" for
	 * anonymous memory, "[heap]", or a path that may contain spaces,
	 * the kernel's "\012" for a newline, and a " (deleted)" suffix.
	 */
	const char *path;
	bool deleted;		/* path ends in " (deleted)" */
};

int proc_parse_maps_line(char *line, struct proc_maps_entry *e);

struct proc_maps {
	FILE *f;
	char *line;
	size_t cap;
};

int proc_maps_open(struct proc_maps *m, pid_t pid);
int proc_maps_open_path(struct proc_maps *m, const char *path);
int proc_maps_next(struct proc_maps *m, struct proc_maps_entry *e);
void proc_maps_close(struct proc_maps *m);

/*
 * /proc/PID/smaps: the maps line of each VMA, then its "Key: N kB"
 * fields, in bytes.  Unknown keys are skipped; a newer kernel adds some.
 */
struct proc_smaps_entry {
	struct proc_maps_entry map;	/* path valid until the next read */
	uint64_t rss, pss;
	uint64_t shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t referenced, anonymous, anon_huge, shmem_pmd, file_pmd;
	uint64_t shared_hugetlb, private_hugetlb, swap, locked;
	uint64_t kernel_page_size;
	unsigned int have;		/* fields seen, one bit per table row */
};

/* 1 if @line is a "Key: ..." line (parsed, or skipped if unknown), 0 if
 * not, -EINVAL if a known key has a malformed value. */
int proc_parse_smaps_field(const char *line, struct proc_smaps_entry *e);

struct proc_smaps {
	FILE *f;
	char *line, *hdr;
	size_t cap, hcap;
	bool pending;		/* line holds the next VMA's header */
};

int proc_smaps_open(struct proc_smaps *s, pid_t pid);
int proc_smaps_open_path(struct proc_smaps *s, const char *path);
/* 1 and an entry, 0 at the end, or -errno (-EPROTO: unparsable). */
int proc_smaps_next(struct proc_smaps *s, struct proc_smaps_entry *e);
void proc_smaps_close(struct proc_smaps *s);

/* /proc/PID/status memory fields, in bytes. */
enum {
	PROC_ST_VMSIZE		= 1 << 0,
	PROC_ST_VMRSS		= 1 << 1,
	PROC_ST_RSSANON		= 1 << 2,
	PROC_ST_RSSFILE		= 1 << 3,
	PROC_ST_RSSSHMEM	= 1 << 4,
	PROC_ST_VMSWAP		= 1 << 5,
	PROC_ST_VMPTE		= 1 << 6,
};

struct proc_status {
	uint64_t vm_size;
	uint64_t vm_rss;
	uint64_t rss_anon;
	uint64_t rss_file;
	uint64_t rss_shmem;
	uint64_t vm_swap;
	uint64_t vm_pte;
	unsigned int have;	/* PROC_ST_*: kernel threads have none */
};

int proc_parse_status_line(const char *line, struct proc_status *st);
int proc_read_status(pid_t pid, struct proc_status *st);
int proc_read_status_path(const char *path, struct proc_status *st);

/* /proc/meminfo fields a free(1)-style summary needs, in bytes. */
enum {
	PROC_MI_MEMTOTAL	= 1 << 0,
	PROC_MI_MEMFREE		= 1 << 1,
	PROC_MI_MEMAVAILABLE	= 1 << 2,
	PROC_MI_BUFFERS		= 1 << 3,
	PROC_MI_CACHED		= 1 << 4,
	PROC_MI_SRECLAIMABLE	= 1 << 5,
	PROC_MI_SHMEM		= 1 << 6,
	PROC_MI_SWAPTOTAL	= 1 << 7,
	PROC_MI_SWAPFREE	= 1 << 8,
	PROC_MI_PAGETABLES	= 1 << 9,
	PROC_MI_SECPAGETABLES	= 1 << 10,	/* 6.0+ only */
	PROC_MI_KERNELSTACK	= 1 << 11,
};

struct proc_meminfo {
	uint64_t mem_total;
	uint64_t mem_free;
	uint64_t mem_available;
	uint64_t buffers;
	uint64_t cached;
	uint64_t sreclaimable;
	uint64_t shmem;
	uint64_t swap_total;
	uint64_t swap_free;
	uint64_t page_tables;
	uint64_t sec_page_tables;
	uint64_t kernel_stack;
	unsigned int have;	/* PROC_MI_* */
};

int proc_parse_meminfo_line(const char *line, struct proc_meminfo *mi);
int proc_read_meminfo(struct proc_meminfo *mi);
int proc_read_meminfo_path(const char *path, struct proc_meminfo *mi);

#endif /* PTSCOPE_PROC_H */
