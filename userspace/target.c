// SPDX-License-Identifier: GPL-2.0
/*
 * target.c: what main.c loops a command over, so that no command has
 * to: several PIDs in one call, -i SECONDS / -c COUNT repeats, and
 * --vma NAME, which narrows a command's dumps to the VMAs of that name.
 *
 * The commands only ask here which address ranges to dump
 * (target_dump_vmas(), target_next_range()) and whether an address
 * belongs to the selection (target_has()); the tables stay theirs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pt.h"

/*
 * NAME matches a VMA whose maps path is NAME ("[heap]", "/usr/lib/x.so",
 * "" never), or whose path's last component is NAME ("libc.so.6").  A
 * deleted file keeps its name.
 */
bool vma_name_matches(const char *name, const char *path, bool deleted)
{
	size_t len = strlen(path);
	const char *base;

	if (!*name || !len)
		return false;
	if (deleted && len > 10)
		len -= 10;	/* " (deleted)" */
	if (strlen(name) == len && !strncmp(name, path, len))
		return true;
	if (path[0] != '/')
		return false;
	base = memrchr(path, '/', len) + 1;
	return strlen(name) == (size_t)(path + len - base) &&
	       !strncmp(name, base, path + len - base);
}

static int add_range(struct vma_sel *s, uint64_t start, uint64_t end)
{
	struct vma_sel_range *r;

	/* A library's VMAs sit side by side: one range, one dump. */
	if (s->nr && s->r[s->nr - 1].end == start) {
		s->r[s->nr - 1].end = end;
		return 0;
	}
	r = realloc(s->r, (s->nr + 1) * sizeof(*r));
	if (!r) {
		fprintf(stderr, "ptscope: out of memory\n");
		return -ENOMEM;
	}
	s->r = r;
	s->r[s->nr].start = start;
	s->r[s->nr++].end = end;
	return 0;
}

int vma_sel_load(struct vma_sel *s, pid_t pid, const char *name)
{
	struct proc_maps_entry e;
	struct proc_maps m;
	int err;

	memset(s, 0, sizeof(*s));
	s->name = name;
	err = proc_maps_open(&m, pid);
	if (err) {
		fprintf(stderr, "ptscope: cannot read the maps of pid %d: %s\n",
			(int)pid, strerror(-err));
		return err;
	}
	while ((err = proc_maps_next(&m, &e)) > 0)
		if (vma_name_matches(name, e.path, e.deleted)) {
			err = add_range(s, e.start, e.end);
			if (err)
				break;
		}
	proc_maps_close(&m);
	if (!err && !s->nr) {
		fprintf(stderr, "ptscope: no VMA named '%s' in pid %d; 'ptscope maps %d' lists them\n",
			name, (int)pid, (int)pid);
		err = -ENOENT;
	} else if (err && err != -ENOMEM) {
		fprintf(stderr, "ptscope: cannot read the maps of pid %d: %s\n",
			(int)pid, strerror(-err));
	}
	if (err)
		vma_sel_free(s);
	return err;
}

void vma_sel_free(struct vma_sel *s)
{
	free(s->r);
	s->r = NULL;
	s->nr = 0;
}

bool target_has(const struct ptscope_ctx *ctx, uint64_t addr)
{
	const struct vma_sel *s = ctx->vmas;
	size_t i;

	if (!s)
		return true;
	for (i = 0; i < s->nr; i++)
		if (addr >= s->r[i].start && addr < s->r[i].end)
			return true;
	return false;
}

/*
 * The i-th range to dump within [start, end) (end 0: no bound), cut to
 * the selected VMAs; false when there are no more.  Without --vma the
 * one range is [start, end) itself.
 */
bool target_next_range(const struct ptscope_ctx *ctx, size_t *i,
		       uint64_t start, uint64_t end, uint64_t *rs,
		       uint64_t *re)
{
	const struct vma_sel *s = ctx->vmas;

	if (!s) {
		*rs = start;
		*re = end;
		return (*i)++ == 0;
	}
	for (; *i < s->nr; (*i)++) {
		*rs = s->r[*i].start > start ? s->r[*i].start : start;
		*re = end && s->r[*i].end > end ? end : s->r[*i].end;
		if (*rs < *re) {
			(*i)++;
			return true;
		}
	}
	return false;
}

int target_dump_vmas(struct ptscope_ctx *ctx, pid_t pid, pt_vma_cb cb,
		     void *data)
{
	uint64_t rs, re;
	size_t i = 0;
	int err = 0;

	while (!err && target_next_range(ctx, &i, 0, 0, &rs, &re))
		err = pt_dump_vmas(ctx->nl, pid, rs, re, cb, data);
	return err;
}
