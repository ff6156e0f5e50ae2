// SPDX-License-Identifier: GPL-2.0
/*
 * procfs.c: the procfs front end, /proc/ptscope/.
 *
 * Every file is a small session: open it, write a selection, then read the
 * result from the same file descriptor.  The target lives in the open file,
 * so two users inspecting different processes never see each other's.
 *
 *   vmas     one block per VMA: its /proc/PID/maps line, then its leaf
 *            counts and the page-table pages covering it
 *   ranges   coalesced runs of alike leaves, as ptdump prints them
 *   pages    one row per leaf: every 4K pte, 2M pmd and 1G pud leaf
 *   summary  page-table pages per level, deposited tables, VmPTE check
 *   vtop     every level of the walk for one address
 *   stats    TLB-flush and page-fault statistics (not a session; below)
 *
 * Selection syntax (one write, at most 255 bytes, fields separated by
 * blanks, a trailing newline allowed):
 *
 *   vmas, ranges, pages:  PID [START [END]] [holes]
 *   summary:              PID
 *   vtop:                 PID ADDR
 *
 * PID is decimal; START, END and ADDR are hex, with or without 0x.  START
 * defaults to 0 and END to the top of the user address space (a larger END
 * is clamped to it; START must stay below END).  "holes" adds rows for
 * empty ranges inside VMAs (state "none").  Anything else is rejected with
 * -EINVAL and leaves the previous selection untouched.
 *
 * Rows of pages and ranges, after '#' header lines (addresses hex, end
 * exclusive, pfn and raw hex, swap "TYPE:OFFSET" or "-"):
 *
 *   START END LEVEL STATE FLAGS PFN RAW SWAP            (pages)
 *   START END LEVEL STATE FLAGS PFN RAW SWAP n=COUNT SIZEK   (ranges)
 *
 * FLAGS has one column per PTSCOPE_FB_* bit, in UAPI order, '-' when clear
 * (legend in the header).  PFN is the frame mapped at START.
 *
 * The access rule of access.h is checked on every write, for both the
 * opener's credentials (file->f_cred) and the writer's: neither a handed-on
 * descriptor nor a privileged writer fooled into writing widens access.
 * PFNs, swap offsets and raw PFN bits are shown only when both have
 * CAP_SYS_ADMIN.  Errors: -EPERM not permitted, -ESRCH no such process (or
 * exiting), -EINVAL garbage or a kernel thread.
 *
 * Reading before a selection gives a usage line.  Each write starts a new
 * report; reading past its end returns 0 until the next write.  The files
 * are streams (no seeking).  Example:
 *
 *   exec 3<>/proc/ptscope/pages; echo "$PID" >&3; cat <&3; exec 3>&-
 *
 * Reads are chunked: a read walks from the file's cursor until its text
 * buffer is nearly full, drops every lock and copies out, and the next read
 * resumes at the cursor, like /proc/PID/pagemap.  The mmap lock is never
 * held across read() calls, and the file pins only the mm_struct (mmgrab),
 * not the target's memory.
 *
 * Locking.  Copying to user memory can wait for as long as user space
 * likes: a destination registered with userfaultfd waits in
 * handle_userfault() until its monitor resolves the fault.  So neither the
 * target's mmap lock nor pf->lock is ever held across copy_to_user() or
 * memdup_user_nul().  A read takes text from the file's buffer into its
 * own under pf->lock, drops it and copies out; if the copy stops short, it
 * puts the rest back (ptscope_give_back()).  Concurrent reads of one file
 * share one stream, each taking the next text; a write while a read is
 * copying out starts a new report at once.  Every wait for pf->lock is
 * interruptible, and its holder only ever refills the buffer (a bounded
 * walk under a killable mmap lock), or swaps in a selection.
 *
 * What stays the kernel's, as for any read() into userfaultfd memory: a
 * kernel-mode fault ends only when the monitor resolves it, the
 * userfaultfd is closed, or the reader gets a fatal signal (x86's
 * fault_signal_pending() ignores other signals in kernel mode; after one,
 * handle_userfault() returns at once and the fault is retried, so the
 * reader spins until then).  The stuck read is inside a proc op, and
 * remove_proc_subtree() at module exit waits for every proc op in flight
 * (proc_entry_rundown(), uninterruptibly): rmmod waits for the same
 * events.  A userfaultfd that traps kernel faults needs CAP_SYS_PTRACE,
 * vm.unprivileged_userfaultfd=1 or access to /dev/userfaultfd; with
 * UFFD_USER_MODE_ONLY the copy fails at once.  tests/vm/test-procfs-uffd.c
 * checks all of this.
 *
 * stats is cat-able: "name value" lines, system-wide first, then one
 * "[pid N]" section per watched process the opener may inspect, numbered
 * in the reader's pid namespace (stats.c says who sees what).  Writing
 * one command changes
 * state (opener and writer both need CAP_SYS_ADMIN or CAP_PERFMON):
 *
 *   on | off | watch PID | unwatch PID
 *
 * Anything else is -EINVAL and changes nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "uapi/ptscope.h"
#include "internal.h"
#include "access.h"
#include "arch.h"
#include "entry.h"
#include "walk.h"
#include "stats.h"

#define PTSCOPE_PROC_DIR	"ptscope"
#define PTSCOPE_BUF_SIZE	(64 * 1024)
#define PTSCOPE_WRITE_MAX	256

/*
 * World-writable on purpose: writing is how any user selects a target, and
 * the access rule is enforced on every write, not by the file mode.
 */
#define PTSCOPE_PROC_MODE	(0444 | 0222)

enum ptscope_pkind {
	PTSCOPE_PK_VMAS,
	PTSCOPE_PK_RANGES,
	PTSCOPE_PK_PAGES,
	PTSCOPE_PK_SUMMARY,
	PTSCOPE_PK_VTOP,
};

struct ptscope_pfile {
	/*
	 * Guards everything below.  Never held across a copy to or from
	 * user memory (see "Locking" at the top).
	 */
	struct mutex lock;
	enum ptscope_pkind kind;

	/* The selection, set by write(). */
	bool selected;
	pid_t pid;
	struct mm_struct *mm;		/* mmgrab()ed, or NULL */
	unsigned long start, end;	/* or the vtop address in start */
	bool holes;
	bool show_pfn;

	/* Report state. */
	unsigned long cursor;
	bool header_done;
	bool eof;
	int err;			/* to return by the next read() */
	char *buf;			/* the report text, filled by refill */
	size_t len, off;
	/*
	 * @gen changes whenever text is taken from @buf or the report
	 * restarts, @sel_gen whenever a write selects anew: a read whose
	 * copy-out failed gives its text back only if neither changed.
	 */
	u64 gen;
	u64 sel_gen;
	struct ptscope_walk walk;
	struct ptscope_coalescer co;
	struct ptscope_vma_stats vs;
	char *path;			/* PATH_MAX scratch for VMA names */
};

static struct proc_dir_entry *ptscope_proc_dir;

/*
 * Append to the text buffer.  Returns 0, or 1 with nothing appended when
 * the text does not fit: the caller stops and resumes after a copy-out.
 */
static __printf(2, 3) int ptscope_pf_printf(struct ptscope_pfile *pf,
					    const char *fmt, ...)
{
	size_t room = PTSCOPE_BUF_SIZE - pf->len;
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(pf->buf + pf->len, room, fmt, args);
	va_end(args);
	if (n < 0 || (size_t)n >= room) {
		pf->buf[pf->len] = '\0';
		return 1;
	}
	pf->len += n;
	return 0;
}

/* One leaf or range row; @count is 0 in per-page mode (no count column). */
static int ptscope_print_row(struct ptscope_pfile *pf, unsigned long start,
			     unsigned long end, const struct ptscope_entry *e,
			     u64 count)
{
	char flags[PTSCOPE_FLAG_STR_LEN];
	char arch[PTSCOPE_ARCH_STR_LEN];
	char swap[40] = "-";
	char tail[48] = "";

	ptscope_flags_str(e->flags, flags);
	ptscope_arch_bits_str(e, arch);
	if (e->state == PTSCOPE_STATE_SWAP)
		snprintf(swap, sizeof(swap), "%u:%llx", e->swap_type,
			 e->swap_offset);
	if (count)
		snprintf(tail, sizeof(tail), " n=%llu %luK", count,
			 (end - start) >> 10);
	return ptscope_pf_printf(pf, "%016lx %016lx %-5s %-9s %s %013llx %016llx %s%s%s\n",
				 start, end, ptscope_level_name(e->level),
				 ptscope_state_name(e->state), flags, e->pfn,
				 e->raw, swap, tail, arch);
}

/* ---- pages and ranges ------------------------------------------------ */

static int ptscope_emit_range(void *priv, const struct ptscope_range *r)
{
	struct ptscope_pfile *pf = priv;

	return ptscope_print_row(pf, r->start, r->end, &r->e, r->count);
}

static int ptscope_pages_leaf(struct ptscope_walk *w,
			      const struct ptscope_leaf *leaf)
{
	struct ptscope_pfile *pf = w->priv;

	if (ptscope_print_row(pf, leaf->start, leaf->end, &leaf->e, 0)) {
		w->next = leaf->start;	/* no room: print it next time */
		return 1;
	}
	return 0;
}

static int ptscope_ranges_leaf(struct ptscope_walk *w,
			       const struct ptscope_leaf *leaf)
{
	struct ptscope_pfile *pf = w->priv;
	int ret;

	ret = ptscope_coalesce_add(&pf->co, leaf, w->vma->vm_start);
	if (ret > 0)
		w->next = pf->co.resume;
	return ret;
}

static const struct ptscope_walk_ops ptscope_pages_ops = {
	.leaf = ptscope_pages_leaf,
};

/* Under the PTL: rows are printed to the buffer, no allocation. */
static int ptscope_ranges_ptes(struct ptscope_walk *w, unsigned long addr,
			       pte_t *ptep, unsigned int n)
{
	struct ptscope_pfile *pf = w->priv;

	return ptscope_coalesce_add_ptes(&pf->co, w, addr, ptep, n);
}

static const struct ptscope_walk_ops ptscope_ranges_ops = {
	.leaf = ptscope_ranges_leaf,
	.pte_table_locked = ptscope_ranges_ptes,
};

/* ---- vmas --------------------------------------------------------------- */

static const char *ptscope_vma_name(struct ptscope_pfile *pf,
				    struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	const char *name;

	if (vma->vm_file) {
		name = d_path(&vma->vm_file->f_path, pf->path, PATH_MAX);
		return IS_ERR(name) ? "?" : name;
	}
	if (vma->vm_ops && vma->vm_ops->name) {
		name = vma->vm_ops->name(vma);
		if (name)
			return name;
	}
	if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack &&
	    vma->vm_end >= mm->start_stack)
		return "[stack]";
	return "";
}

static int ptscope_vmas_start(struct ptscope_walk *w,
			      struct vm_area_struct *vma)
{
	struct ptscope_pfile *pf = w->priv;

	memset(&pf->vs, 0, sizeof(pf->vs));
	return 0;
}

static int ptscope_vmas_leaf(struct ptscope_walk *w,
			     const struct ptscope_leaf *leaf)
{
	struct ptscope_pfile *pf = w->priv;

	ptscope_vma_stats_add(&pf->vs, leaf);
	return 0;
}

static int ptscope_vmas_end(struct ptscope_walk *w, struct vm_area_struct *vma)
{
	struct ptscope_pfile *pf = w->priv;
	const struct ptscope_vma_stats *s = &pf->vs;
	const u64 *t = w->vma_tables.tables;
	vm_flags_t f = vma->vm_flags;
	dev_t dev = 0;
	u64 ino = 0, pgoff = 0;
	size_t len = pf->len;

	if (vma->vm_file) {
		struct inode *inode = file_inode(vma->vm_file);

		dev = inode->i_sb->s_dev;
		ino = inode->i_ino;
		pgoff = (u64)vma->vm_pgoff << PAGE_SHIFT;
	}
	if (ptscope_pf_printf(pf, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %llu %s\n",
			      vma->vm_start, vma->vm_end,
			      f & VM_READ ? 'r' : '-',
			      f & VM_WRITE ? 'w' : '-',
			      f & VM_EXEC ? 'x' : '-',
			      f & VM_MAYSHARE ? 's' : 'p',
			      pgoff, MAJOR(dev), MINOR(dev), ino,
			      ptscope_vma_name(pf, vma)) ||
	    ptscope_pf_printf(pf, "    leaves pte=%llu pmd=%llu pud=%llu\n",
			      s->leaves[PTSCOPE_LEVEL_PTE],
			      s->leaves[PTSCOPE_LEVEL_PMD],
			      s->leaves[PTSCOPE_LEVEL_PUD]) ||
	    ptscope_pf_printf(pf, "    rss=%lluK swap=%lluK protnone=%lluK\n",
			      s->rss << (PAGE_SHIFT - 10),
			      s->swap << (PAGE_SHIFT - 10),
			      s->protnone << (PAGE_SHIFT - 10)) ||
	    ptscope_pf_printf(pf, "    migration=%lluK other=%lluK\n",
			      s->migration << (PAGE_SHIFT - 10),
			      s->other << (PAGE_SHIFT - 10)) ||
	    ptscope_pf_printf(pf, "    dirty=%lluK accessed=%lluK writable=%lluK cow=%lluK\n",
			      s->dirty << (PAGE_SHIFT - 10),
			      s->accessed << (PAGE_SHIFT - 10),
			      s->writable << (PAGE_SHIFT - 10),
			      s->cow << (PAGE_SHIFT - 10)) ||
	    ptscope_pf_printf(pf, "    zero=%lluK shared=%lluK soft-dirty=%lluK\n",
			      s->zero << (PAGE_SHIFT - 10),
			      s->shared << (PAGE_SHIFT - 10),
			      s->soft_dirty << (PAGE_SHIFT - 10)) ||
	    /* As smaps prints them: Pss in kB, rounded down. */
	    ptscope_pf_printf(pf, "    private_clean=%lluK private_dirty=%lluK",
			      s->share.private_clean << (PAGE_SHIFT - 10),
			      s->share.private_dirty << (PAGE_SHIFT - 10)) ||
	    ptscope_pf_printf(pf, " shared_clean=%lluK shared_dirty=%lluK pss=%lluK\n",
			      s->share.shared_clean << (PAGE_SHIFT - 10),
			      s->share.shared_dirty << (PAGE_SHIFT - 10),
			      s->share.pss >> (PTSCOPE_PSS_SHIFT + 10)) ||
	    ptscope_pf_printf(pf, "    tables pte=%llu pmd=%llu pud=%llu p4d=%llu\n",
			      t[PTSCOPE_LEVEL_PTE], t[PTSCOPE_LEVEL_PMD],
			      t[PTSCOPE_LEVEL_PUD], t[PTSCOPE_LEVEL_P4D])) {
		/* No room for the whole block: walk this VMA again. */
		pf->len = len;
		w->next = vma->vm_start;
		return 1;
	}
	return 0;
}

static const struct ptscope_walk_ops ptscope_vmas_ops = {
	.vma_start = ptscope_vmas_start,
	.leaf = ptscope_vmas_leaf,
	.vma_end = ptscope_vmas_end,
	.restart_changed_vma = true,
	.share = true,
};

/* ---- one-shot reports ------------------------------------------------- */

static int ptscope_fill_summary(struct ptscope_pfile *pf, struct mm_struct *mm)
{
	struct ptscope_summary *s;
	const u64 *t;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	ret = ptscope_mm_summary(mm, pf->show_pfn, s);
	if (ret)
		goto out;
	t = s->tables.tables;
	ptscope_pf_printf(pf,
			  "pid %d, %d-level paging, %llu VMAs\n"
			  "level  tables      bytes\n"
			  "pgd    %6llu %10lu  (not in VmPTE)\n"
			  "p4d    %6llu %10llu  (not in VmPTE; 0 when folded)\n"
			  "pud    %6llu %10llu\n"
			  "pmd    %6llu %10llu\n"
			  "pte    %6llu %10llu\n"
			  "deposited %3llu %10llu  (PTE tables held by THP pmds)\n"
			  "counted       %10llu  (pud+pmd+pte+deposited)\n"
			  "VmPTE         %10llu  (mm->pgtables_bytes)\n"
			  "match         %s\n"
			  "rss=%lluK swap=%lluK leaves pte=%llu pmd=%llu pud=%llu\n",
			  pf->pid, ptscope_arch_levels(), s->vmas,
			  t[PTSCOPE_LEVEL_PGD], PAGE_SIZE,
			  t[PTSCOPE_LEVEL_P4D], t[PTSCOPE_LEVEL_P4D] * PAGE_SIZE,
			  t[PTSCOPE_LEVEL_PUD], t[PTSCOPE_LEVEL_PUD] * PAGE_SIZE,
			  t[PTSCOPE_LEVEL_PMD], t[PTSCOPE_LEVEL_PMD] * PAGE_SIZE,
			  t[PTSCOPE_LEVEL_PTE], t[PTSCOPE_LEVEL_PTE] * PAGE_SIZE,
			  s->deposited, s->deposited * PAGE_SIZE,
			  s->counted_bytes, s->pgtables_bytes,
			  s->counted_bytes == s->pgtables_bytes ? "yes" :
			  "no (the target changed during the walk?)",
			  s->total.rss << (PAGE_SHIFT - 10),
			  s->total.swap << (PAGE_SHIFT - 10),
			  s->total.leaves[PTSCOPE_LEVEL_PTE],
			  s->total.leaves[PTSCOPE_LEVEL_PMD],
			  s->total.leaves[PTSCOPE_LEVEL_PUD]);
out:
	kfree(s);
	return ret;
}

static const char * const ptscope_vtop_stop_names[] = {
	[PTSCOPE_VTOP_STOP_NO_VMA]	= "no VMA at this address",
	[PTSCOPE_VTOP_STOP_NONE]	= "empty entry",
	[PTSCOPE_VTOP_STOP_LEAF]	= "leaf",
	[PTSCOPE_VTOP_STOP_NONPRESENT]	= "non-present leaf",
	[PTSCOPE_VTOP_STOP_BAD]		= "bad entry",
};

static int ptscope_fill_vtop(struct ptscope_pfile *pf, struct mm_struct *mm)
{
	char flags[PTSCOPE_FLAG_STR_LEN];
	char arch[PTSCOPE_ARCH_STR_LEN];
	struct ptscope_vtop *v;
	unsigned int i;
	int ret;

	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	ret = ptscope_vtop(mm, pf->start, pf->show_pfn, v);
	if (ret)
		goto out;
	ptscope_pf_printf(pf, "pid %d address %016lx", pf->pid, v->addr);
	if (v->stop != PTSCOPE_VTOP_STOP_NO_VMA)
		ptscope_pf_printf(pf, " vma %016lx-%016lx", v->vm_start,
				  v->vm_end);
	ptscope_pf_printf(pf, "\n");
	/* The flags column is 24 letters wide where more columns follow. */
	ptscope_pf_printf(pf, "# level index entry_phys       raw              state     %s%s\n",
			  ptscope_arch_columns()[0] ? "flags                   " :
			  "flags", ptscope_arch_columns());
	for (i = 0; i < v->nr; i++) {
		const struct ptscope_vtop_level *l = &v->lvl[i];

		ptscope_flags_str(l->e.flags, flags);
		ptscope_arch_bits_str(&l->e, arch);
		ptscope_pf_printf(pf, "%-7s %5u %016llx %016llx %-9s %s%s\n",
				  ptscope_level_name(l->level), l->index,
				  l->entry_phys, l->e.raw,
				  ptscope_state_name(l->e.state), flags, arch);
	}
	ptscope_pf_printf(pf, "stop: %s at %s", ptscope_vtop_stop_names[v->stop],
			  ptscope_level_name(v->stop_level));
	if (v->stop == PTSCOPE_VTOP_STOP_LEAF && pf->show_pfn)
		ptscope_pf_printf(pf, ", physical address %llx", v->phys);
	ptscope_pf_printf(pf, "\n");
out:
	kfree(v);
	return ret;
}

/* ---- read: refill the text buffer from the cursor --------------------- */

static void ptscope_pf_header(struct ptscope_pfile *pf)
{
	ptscope_pf_printf(pf, "# pid %d range %lx-%lx, %s\n", pf->pid,
			  pf->start, pf->end,
			  pf->show_pfn ? "pfns shown" : "pfns hidden (need CAP_SYS_ADMIN)");
	if (pf->kind == PTSCOPE_PK_VMAS)
		return;
	ptscope_pf_printf(pf, "# flags: %s\n", ptscope_flags_legend);
	if (ptscope_arch_legend()[0])
		ptscope_pf_printf(pf, "# %s: %s\n", ptscope_arch_name(),
				  ptscope_arch_legend());
	ptscope_pf_printf(pf, "# %-14s %-16s %-5s %-9s %-24s %-13s %-16s %s%s%s\n",
			  "start", "end", "level", "state", "flags", "pfn", "raw",
			  "swap", pf->kind == PTSCOPE_PK_RANGES ? " count size" : "",
			  ptscope_arch_columns());
}

static int ptscope_refill_walk(struct ptscope_pfile *pf, struct mm_struct *mm)
{
	int ret;

	ret = ptscope_walk_range(&pf->walk, pf->cursor, pf->end);
	pf->cursor = pf->walk.next;
	if (ret < 0)
		return ret;
	if (ret == PTSCOPE_WALK_STOPPED)
		return 0;

	if (pf->kind == PTSCOPE_PK_RANGES &&
	    ptscope_coalesce_flush(&pf->co) > 0) {
		/* The last range did not fit: walk its leaves again. */
		pf->cursor = pf->co.resume;
		return 0;
	}
	pf->eof = true;
	return 0;
}

static int ptscope_refill(struct ptscope_pfile *pf)
{
	struct mm_struct *mm = pf->mm;
	int ret = 0;

	pf->len = 0;
	pf->off = 0;
	if (!pf->selected) {
		ptscope_pf_printf(pf, "# usage: write a selection to this open file, then read\n");
		ptscope_pf_printf(pf, "#   vmas/ranges/pages: PID [START [END]] [holes]\n");
		ptscope_pf_printf(pf, "#   summary: PID   vtop: PID ADDR   (addresses in hex)\n");
		pf->eof = true;
		return 0;
	}
	/* The process may have exited since it was selected. */
	if (!mmget_not_zero(mm))
		return -ESRCH;

	if (!pf->header_done &&
	    pf->kind != PTSCOPE_PK_SUMMARY && pf->kind != PTSCOPE_PK_VTOP)
		ptscope_pf_header(pf);
	pf->header_done = true;

	switch (pf->kind) {
	case PTSCOPE_PK_SUMMARY:
		ret = ptscope_fill_summary(pf, mm);
		pf->eof = true;
		break;
	case PTSCOPE_PK_VTOP:
		ret = ptscope_fill_vtop(pf, mm);
		pf->eof = true;
		break;
	default:
		ret = ptscope_refill_walk(pf, mm);
		break;
	}
	mmput(mm);
	return ret;
}

/*
 * A read's share of the report: text taken from pf->buf under pf->lock
 * into the read's own buffer, to be copied out with no lock held.
 */
struct ptscope_chunk {
	char *buf;
	size_t size;		/* of buf */
	size_t n;		/* bytes taken */
	u64 gen, sel_gen;	/* pf's generations right after the take */
};

/*
 * Take up to @want bytes of the report into @c, refilling pf->buf from
 * the cursor as needed.  Called with pf->lock held.  Returns 0 with
 * c->n == 0 at the end of the report, or an error to return when @done
 * (bytes this read already copied) is 0.
 */
static int ptscope_take(struct ptscope_pfile *pf, struct ptscope_chunk *c,
			size_t want, size_t done)
{
	int ret;

	c->n = 0;
	if (pf->err) {
		if (done)
			return 0;	/* say it on the next read() */
		ret = pf->err;
		pf->err = 0;
		return ret;
	}
	while (pf->off >= pf->len) {
		if (pf->eof)
			return 0;
		if (done && fatal_signal_pending(current))
			return 0;
		ret = ptscope_refill(pf);
		if (ret) {
			/*
			 * An error ends the report; say it once.  After a
			 * partial copy, say it on the next read(), or a report
			 * cut short would look like a whole one.
			 */
			pf->eof = true;
			if (!done)
				return ret;
			pf->err = ret;
			return 0;
		}
	}
	c->n = min(want, pf->len - pf->off);
	memcpy(c->buf, pf->buf + pf->off, c->n);
	pf->off += c->n;
	c->gen = ++pf->gen;
	c->sel_gen = pf->sel_gen;
	return 0;
}

/*
 * The copy-out of @c stopped with @left bytes not copied (a bad address,
 * or a userfaultfd fault ended by a fatal signal).
 * Put them back so that the next read() returns them, unless the report
 * moved on meanwhile: after a write they belong to a report nobody wants;
 * after another read took text past them, the report has a gap and ends
 * with -EIO rather than look whole.
 *
 * Killable, not interruptible: the signal that ended the copy may still
 * be pending, and the lock is only ever held for one refill.  A reader
 * being killed takes an uncontended lock all the same (fast path).
 */
static void ptscope_give_back(struct ptscope_pfile *pf,
			      const struct ptscope_chunk *c, size_t left)
{
	if (mutex_lock_killable(&pf->lock))
		return;
	if (pf->sel_gen != c->sel_gen)
		goto out;
	if (pf->gen == c->gen) {
		/* Nothing was taken or refilled since: the text is there. */
		pf->off -= left;
		goto out;
	}
	pf->off = pf->len;
	pf->eof = true;
	pf->err = -EIO;
out:
	mutex_unlock(&pf->lock);
}

static ssize_t ptscope_proc_read(struct file *file, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct ptscope_pfile *pf = file->private_data;
	struct ptscope_chunk c = { };
	size_t done = 0, left;
	int ret = 0;

	if (!count)
		return 0;
	/*
	 * The read's own buffer: copy_to_user() may wait as long as user
	 * space likes (userfaultfd), so it copies from here, unlocked.
	 */
	c.size = min_t(size_t, count, PTSCOPE_BUF_SIZE);
	c.buf = kvmalloc(c.size, GFP_KERNEL);
	if (!c.buf)
		return -ENOMEM;
	while (done < count) {
		if (mutex_lock_interruptible(&pf->lock)) {
			ret = -EINTR;
			break;
		}
		ret = ptscope_take(pf, &c, min(count - done, c.size), done);
		mutex_unlock(&pf->lock);
		if (ret || !c.n)
			break;
		left = copy_to_user(ubuf + done, c.buf, c.n);
		done += c.n - left;
		if (left) {
			ptscope_give_back(pf, &c, left);
			ret = -EFAULT;
			break;
		}
	}
	kvfree(c.buf);
	return done ? done : ret;
}

/* ---- write: parse and apply a selection ---------------------------------- */

/*
 * Split a written line into at most @max blank-separated words, in place.
 * Returns how many, or -EINVAL if there are more.
 */
static int ptscope_split(char *text, char **tok, unsigned int max)
{
	unsigned int n = 0;
	char *p;

	while ((p = strsep(&text, " \t\n")) != NULL) {
		if (!*p)
			continue;
		if (n == max)
			return -EINVAL;
		tok[n++] = p;
	}
	return n;
}

struct ptscope_selection {
	pid_t pid;
	unsigned long start, end;
	bool holes;
};

static int ptscope_parse(enum ptscope_pkind kind, char *text,
			 struct ptscope_selection *sel)
{
	char *tok[5];
	int i, n, ret;

	memset(sel, 0, sizeof(*sel));
	sel->end = ptscope_arch_user_top();
	n = ptscope_split(text, tok, ARRAY_SIZE(tok));
	if (n <= 0)
		return -EINVAL;
	ret = kstrtoint(tok[0], 10, &sel->pid);
	if (ret || sel->pid <= 0)
		return -EINVAL;

	if (kind == PTSCOPE_PK_SUMMARY)
		return n == 1 ? 0 : -EINVAL;
	if (kind == PTSCOPE_PK_VTOP) {
		if (n != 2)
			return -EINVAL;
		return kstrtoul(tok[1], 16, &sel->start) ? -EINVAL : 0;
	}

	if (!strcmp(tok[n - 1], "holes")) {
		sel->holes = true;
		n--;
	}
	if (n > 3)
		return -EINVAL;
	for (i = 1; i < n; i++) {
		unsigned long *v = i == 1 ? &sel->start : &sel->end;

		if (kstrtoul(tok[i], 16, v))
			return -EINVAL;
	}
	/* An END past the user address space means "to the top". */
	sel->end = min_t(unsigned long, sel->end, ptscope_arch_user_top());
	if (sel->start >= sel->end)
		return -EINVAL;
	return 0;
}

/* Both the opener's and the writer's credentials must pass. */
static struct mm_struct *ptscope_select_mm(struct file *file, pid_t pid,
					   bool *show_pfn)
{
	struct mm_struct *mm;

	mm = ptscope_target_mm(pid, file->f_cred, current_cred(), NULL, NULL);
	*show_pfn = ptscope_cred_sees_pfn(file->f_cred) &&
		    ptscope_cred_sees_pfn(current_cred());
	return mm;
}

static void ptscope_pf_reset(struct ptscope_pfile *pf)
{
	pf->cursor = pf->start;
	pf->header_done = false;
	pf->eof = false;
	pf->err = 0;
	pf->len = 0;
	pf->off = 0;
	ptscope_walk_reset(&pf->walk);
	pf->walk.show_pfn = pf->show_pfn;
	pf->walk.holes = pf->holes;
	ptscope_coalesce_init(&pf->co, false, ptscope_emit_range, pf);
}

static ssize_t ptscope_proc_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct ptscope_pfile *pf = file->private_data;
	struct ptscope_selection sel;
	struct mm_struct *mm, *old;
	bool show_pfn;
	char *text;
	int ret;

	if (!count || count >= PTSCOPE_WRITE_MAX)
		return -EINVAL;
	text = memdup_user_nul(ubuf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);
	ret = ptscope_parse(pf->kind, text, &sel);
	kfree(text);
	if (ret)
		return ret;

	mm = ptscope_select_mm(file, sel.pid, &show_pfn);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	/* Keep the mm_struct, not the address space: see the top comment. */
	mmgrab(mm);
	mmput(mm);

	/*
	 * Swap the selection in atomically with respect to read(); a read
	 * copying out text of the old selection holds no lock and keeps
	 * nothing of it but its own copy (sel_gen tells it so).
	 */
	if (mutex_lock_interruptible(&pf->lock)) {
		mmdrop(mm);
		return -EINTR;
	}
	old = pf->mm;
	pf->mm = mm;
	pf->walk.mm = mm;
	pf->pid = sel.pid;
	pf->start = sel.start;
	pf->end = sel.end;
	pf->holes = sel.holes;
	pf->show_pfn = show_pfn;
	pf->selected = true;
	pf->sel_gen++;
	ptscope_pf_reset(pf);
	mutex_unlock(&pf->lock);
	if (old)
		mmdrop(old);
	return count;
}

/* ---- open and release ---------------------------------------------------- */

static const struct ptscope_walk_ops *ptscope_kind_ops(enum ptscope_pkind kind)
{
	switch (kind) {
	case PTSCOPE_PK_VMAS:
		return &ptscope_vmas_ops;
	case PTSCOPE_PK_RANGES:
		return &ptscope_ranges_ops;
	case PTSCOPE_PK_PAGES:
		return &ptscope_pages_ops;
	default:
		return NULL;
	}
}

static int ptscope_proc_open(struct inode *inode, struct file *file)
{
	enum ptscope_pkind kind = (uintptr_t)pde_data(inode);
	const struct ptscope_walk_ops *ops = ptscope_kind_ops(kind);
	struct ptscope_pfile *pf;
	int ret;

	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	mutex_init(&pf->lock);
	pf->kind = kind;
	pf->buf = kvmalloc(PTSCOPE_BUF_SIZE, GFP_KERNEL);
	if (!pf->buf) {
		ret = -ENOMEM;
		goto err_buf;
	}
	if (kind == PTSCOPE_PK_VMAS) {
		pf->path = kmalloc(PATH_MAX, GFP_KERNEL);
		if (!pf->path) {
			ret = -ENOMEM;
			goto err_path;
		}
	}
	if (ops) {
		ret = ptscope_walk_init(&pf->walk, NULL, ops, pf, false);
		if (ret)
			goto err_walk;
	}
	file->private_data = pf;
	return stream_open(inode, file);

err_walk:
	kfree(pf->path);
err_path:
	kvfree(pf->buf);
err_buf:
	kfree(pf);
	return ret;
}

static int ptscope_proc_release(struct inode *inode, struct file *file)
{
	struct ptscope_pfile *pf = file->private_data;

	ptscope_walk_release(&pf->walk);
	if (pf->mm)
		mmdrop(pf->mm);
	kfree(pf->path);
	kvfree(pf->buf);
	mutex_destroy(&pf->lock);
	kfree(pf);
	return 0;
}

static const struct proc_ops ptscope_proc_ops = {
	.proc_open	= ptscope_proc_open,
	.proc_read	= ptscope_proc_read,
	.proc_write	= ptscope_proc_write,
	.proc_release	= ptscope_proc_release,
};

/* ---- stats -------------------------------------------------------------- */

static void ptscope_stats_show_ctrs(struct seq_file *m, const u64 *ctr)
{
	char name[40];
	unsigned int i;

	for (i = 1; i < __PTSCOPE_CTR_CNT; i++) {
		ptscope_stats_ctr_name(i, name, sizeof(name));
		seq_printf(m, "%s %llu\n", name, ctr[i]);
	}
}

static void ptscope_stats_show_pid(struct seq_file *m, pid_t pid,
				   struct ptscope_stats_snap *s)
{
	const char *why = "";
	int err;

	seq_printf(m, "[pid %d]\n", pid);
	err = ptscope_stats_snapshot(pid, m->file->f_cred, s, &why);
	if (err) {
		seq_printf(m, "error %d %s\n", err, why);
		return;
	}
	ptscope_stats_show_ctrs(m, s->ctr);
	/* The kernel's own counts, which include faults before watching. */
	seq_printf(m, "kern_min_flt %llu\nkern_maj_flt %llu\n",
		   s->kern_min_flt, s->kern_maj_flt);
}

static int ptscope_stats_show(struct seq_file *m, void *v)
{
	struct ptscope_stats_snap *s;
	pid_t watch[PTSCOPE_STATS_WATCH_MAX];
	unsigned int i, nr, cpu;
	const char *why = "";
	int err;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	err = ptscope_stats_snapshot(0, m->file->f_cred, s, &why);
	if (err)
		goto out;
	seq_printf(m, "enabled %d\nwatch", s->enabled);
	for (i = 0; i < s->nr_watch; i++)
		seq_printf(m, " %d", s->watch[i]);
	seq_puts(m, "\n[all]\n");
	ptscope_stats_show_ctrs(m, s->ctr);
	seq_printf(m, "kern_pgfault %llu\nkern_pgmajfault %llu\n",
		   s->kern_pgfault, s->kern_pgmajfault);
	for_each_online_cpu(cpu)
		seq_printf(m, "cpu%u tlb_remote_shootdown %llu\n", cpu,
			   ptscope_stats_cpu_ctr(cpu, PTSCOPE_CTR_TLB_FULL +
						 PTSCOPE_TLB_REMOTE_SHOOTDOWN) +
			   ptscope_stats_cpu_ctr(cpu, PTSCOPE_CTR_TLB_RANGED +
						 PTSCOPE_TLB_REMOTE_SHOOTDOWN));
	nr = s->nr_watch;
	memcpy(watch, s->watch, sizeof(watch));
	for (i = 0; i < nr; i++)
		ptscope_stats_show_pid(m, watch[i], s);
out:
	kfree(s);
	return err;
}

static int ptscope_stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, ptscope_stats_show, NULL);
}

static int ptscope_stats_apply(char *text, const char **why)
{
	char *tok[3];
	pid_t pid;
	int n;

	n = ptscope_split(text, tok, ARRAY_SIZE(tok));
	if (n < 0)
		return n;
	if (n == 1 && !strcmp(tok[0], "on"))
		return ptscope_stats_set_enabled(true, why);
	if (n == 1 && !strcmp(tok[0], "off"))
		return ptscope_stats_set_enabled(false, why);
	if (n != 2 || kstrtoint(tok[1], 10, &pid) || pid <= 0)
		return -EINVAL;
	if (!strcmp(tok[0], "watch"))
		return ptscope_stats_watch_add(pid, current_cred(), why);
	if (!strcmp(tok[0], "unwatch"))
		return ptscope_stats_watch_del(pid, why);
	return -EINVAL;
}

static ssize_t ptscope_stats_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	const char *why = NULL;
	char *text;
	int ret;

	if (!ptscope_cred_may_trace(file->f_cred) ||
	    !ptscope_cred_may_trace(current_cred()))
		return -EPERM;
	if (!count || count >= PTSCOPE_WRITE_MAX)
		return -EINVAL;
	text = memdup_user_nul(ubuf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);
	ret = ptscope_stats_apply(text, &why);
	kfree(text);
	return ret ? ret : count;
}

static const struct proc_ops ptscope_stats_proc_ops = {
	.proc_open	= ptscope_stats_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_write	= ptscope_stats_write,
	.proc_release	= single_release,
};

static const char * const ptscope_proc_names[] = {
	[PTSCOPE_PK_VMAS]	= "vmas",
	[PTSCOPE_PK_RANGES]	= "ranges",
	[PTSCOPE_PK_PAGES]	= "pages",
	[PTSCOPE_PK_SUMMARY]	= "summary",
	[PTSCOPE_PK_VTOP]	= "vtop",
};

int __init ptscope_procfs_init(void)
{
	unsigned int i;

	ptscope_proc_dir = proc_mkdir(PTSCOPE_PROC_DIR, NULL);
	if (!ptscope_proc_dir)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(ptscope_proc_names); i++) {
		if (!proc_create_data(ptscope_proc_names[i], PTSCOPE_PROC_MODE,
				      ptscope_proc_dir, &ptscope_proc_ops,
				      (void *)(uintptr_t)i))
			goto err_remove;
	}
	/*
	 * Readable by all, like /proc/vmstat.  Writable by all so that a
	 * CAP_PERFMON user who is not root can switch; writes check privilege.
	 */
	if (!proc_create("stats", PTSCOPE_PROC_MODE, ptscope_proc_dir,
			 &ptscope_stats_proc_ops))
		goto err_remove;
	return 0;

err_remove:
	remove_proc_subtree(PTSCOPE_PROC_DIR, NULL);
	return -ENOMEM;
}

void ptscope_procfs_exit(void)
{
	remove_proc_subtree(PTSCOPE_PROC_DIR, NULL);
}
