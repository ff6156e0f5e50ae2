// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c: TLB-flush and page-fault statistics from the kernel's own
 * tracepoints, tlb:tlb_flush and exceptions:page_fault_{user,kernel}.
 *
 * The probes are registered only while statistics are on.  The exceptions
 * tracepoints sit behind a static key that their registration flips, so
 * with statistics off the fault path does not even branch here.
 *
 * Counters are per-CPU and only ever incremented: system-wide totals from
 * module load, plus one set per watched process.  A watched process is
 * known by its mm_struct, so its counts are those of events that fired
 * while one of its threads was current (for a remote shootdown received,
 * the thread interrupted by the IPI).  An exec gives the process a new mm,
 * which is no longer watched.
 *
 * Task-switch events (tlb:tlb_flush reason 0) fire in switch_mm_irqs_off()
 * on every switch to another mm, with pages TLB_FLUSH_ALL when the next
 * mm's TLB had to be flushed and 0 when its PCID was still valid, and
 * before `current` changes.  They are charged like every other event, to
 * the task that is current: the PREVIOUS task, the one switched away from.
 * A switch from the idle task or a kernel thread (which borrows the last
 * mm lazily) is charged to no process, only to the system-wide counters;
 * switching to a kernel thread loads no mm and fires nothing.  Charging
 * the next mm instead would mean reading CR3 back in the probe; the rule
 * "the current task pays" is kept for all reasons alike.
 *
 * The watch list holds the struct pid of the process that was checked at
 * watch time (ptscope_target_mm() hands it back), with its mm.  A number is
 * resolved to a struct pid in the caller's pid namespace at each request,
 * and a slot matches only that very struct pid, so a reused number never
 * names a watched process.  What a reader sees:
 *  - the list shows only the processes the reader may inspect, numbered
 *    in the reader's pid namespace (pid_vnr; absent there: not shown);
 *  - a watched process that has exited but is not reaped has no mm to
 *    check the rule against: its counters (and its place in the list) are
 *    shown only to a caller with CAP_SYS_ADMIN or CAP_PERFMON, who could
 *    count every process system-wide anyway;
 *  - a reaped one is shown to nobody, and the next watch drops it.
 *    "unwatch N" removes the process that has N now, or a reaped slot
 *    while N is still free; never a process that only got the number
 *    later.
 *
 * Locking:
 *  - probes take no lock.  Counters are bumped with this_cpu_inc/add(),
 *    single IRQ-safe instructions on x86 (a shootdown IPI may fire its
 *    probe on top of a fault probe on the same CPU).  The watch list is
 *    read with rcu_dereference_raw(): probes run with preemption disabled,
 *    or under the tracepoint SRCU for callers where RCU is not watching,
 *    and writers free a replaced list only after
 *    tracepoint_synchronize_unregister(), which waits for both;
 *  - ptscope_stats_mutex serialises the writers (on/off and watch list
 *    changes) and readers of the watch list outside the probes;
 *  - readers sum per-CPU counters without locks: each term only grows, so
 *    a sum never goes backwards.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/vmstat.h>

#include "access.h"
#include "arch.h"
#include "stats.h"
#include "testhook.h"

struct ptscope_ctrs {
	u64 v[__PTSCOPE_CTR_CNT];
};

struct ptscope_watch_slot {
	struct pid *pid;		/* get_pid(): the process checked */
	struct mm_struct *mm;		/* mmgrab()ed; compared, not used */
	struct ptscope_ctrs __percpu *ctrs;
};

struct ptscope_watch_list {
	unsigned int nr;
	struct ptscope_watch_slot slot[];
};

/*
 * Serialises switching and watch-list changes, and readers of the list
 * outside the probes.  Never taken by a probe; may sleep while held
 * (tracepoint registration).
 */
static DEFINE_MUTEX(ptscope_stats_mutex);
static bool ptscope_stats_on;			/* ptscope_stats_mutex */
/* Per-CPU, bumped locklessly by probes; lives from init to exit. */
static struct ptscope_ctrs __percpu *ptscope_global;
/* Written under ptscope_stats_mutex; read by probes without locks. */
static struct ptscope_watch_list __rcu *ptscope_watch;

/* ---- hot path ------------------------------------------------------ */

static struct ptscope_ctrs __percpu *ptscope_watched_ctrs(void)
{
	struct mm_struct *mm = current->mm;
	const struct ptscope_watch_list *wl;
	unsigned int i;

	if (!mm)
		return NULL;
	/* Protected by the tracepoint's own RCU/SRCU: see the top comment. */
	wl = rcu_dereference_raw(ptscope_watch);
	if (!wl)
		return NULL;
	for (i = 0; i < wl->nr; i++)
		if (wl->slot[i].mm == mm)
			return wl->slot[i].ctrs;
	return NULL;
}

static void ptscope_tlb_account(struct ptscope_ctrs __percpu *c,
				unsigned int reason, unsigned long pages)
{
	if (ptscope_arch_tlb_flush_all(pages)) {
		this_cpu_inc(c->v[PTSCOPE_CTR_TLB_FULL + reason]);
	} else {
		this_cpu_inc(c->v[PTSCOPE_CTR_TLB_RANGED + reason]);
		this_cpu_add(c->v[PTSCOPE_CTR_TLB_PAGES + reason], pages);
	}
}

static void ptscope_probe_tlb_flush(void *data, int reason,
				    unsigned long pages)
{
	struct ptscope_ctrs __percpu *w;

	/* A reason a newer kernel added: not ours to name. */
	reason = ptscope_arch_tlb_reason(reason);
	if (reason < 0)
		return;
	ptscope_tlb_account(ptscope_global, reason, pages);
	w = ptscope_watched_ctrs();
	if (w)
		ptscope_tlb_account(w, reason, pages);
}

static void ptscope_fault_account(struct ptscope_ctrs __percpu *c, bool user,
				  unsigned long error_code)
{
	this_cpu_inc(c->v[user ? PTSCOPE_CTR_FAULT_USER :
			   PTSCOPE_CTR_FAULT_KERNEL]);
	this_cpu_inc(c->v[ptscope_arch_fault_access(error_code)]);
	this_cpu_inc(c->v[ptscope_arch_fault_prot(error_code) ?
			  PTSCOPE_CTR_FAULT_PROT :
			  PTSCOPE_CTR_FAULT_NOTPRESENT]);
}

static void ptscope_fault(bool user, unsigned long error_code)
{
	struct ptscope_ctrs __percpu *w;

	ptscope_fault_account(ptscope_global, user, error_code);
	w = ptscope_watched_ctrs();
	if (w)
		ptscope_fault_account(w, user, error_code);
}

static void ptscope_probe_fault_user(void *data, unsigned long address,
				     struct pt_regs *regs,
				     unsigned long error_code)
{
	ptscope_fault(true, error_code);
}

static void ptscope_probe_fault_kernel(void *data, unsigned long address,
				       struct pt_regs *regs,
				       unsigned long error_code)
{
	ptscope_fault(false, error_code);
}

/* ---- probes on and off --------------------------------------------- */

static struct ptscope_probe {
	const char *name;
	void *func;
	struct tracepoint *tp;		/* found once, at init */
} ptscope_probes[] = {
	{ "tlb_flush", ptscope_probe_tlb_flush },
	{ "page_fault_user", ptscope_probe_fault_user },
	{ "page_fault_kernel", ptscope_probe_fault_kernel },
};

static void ptscope_find_tracepoint(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ptscope_probes); i++)
		if (!strcmp(tp->name, ptscope_probes[i].name))
			ptscope_probes[i].tp = tp;
}

static void ptscope_probes_unregister(unsigned int nr)
{
	while (nr--) {
		struct ptscope_probe *p = &ptscope_probes[nr];

		/* Only fails on a probe that is not registered. */
		if (tracepoint_probe_unregister(p->tp, p->func, NULL))
			pr_warn("cannot unregister probe on %s\n", p->name);
	}
	/* No probe runs on past this point; see the top comment. */
	tracepoint_synchronize_unregister();
}

static int ptscope_probes_register(const char **why)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(ptscope_probes); i++) {
		if (!ptscope_probes[i].tp) {
			*why = "this kernel lacks the tlb_flush or page_fault tracepoints";
			return -EOPNOTSUPP;
		}
	}
	for (i = 0; i < ARRAY_SIZE(ptscope_probes); i++) {
		struct ptscope_probe *p = &ptscope_probes[i];

		err = tracepoint_probe_register(p->tp, p->func, NULL);
		if (err) {
			*why = "cannot register a tracepoint probe";
			goto err_unwind;
		}
	}
	return 0;

err_unwind:
	ptscope_probes_unregister(i);
	return err;
}

int ptscope_stats_set_enabled(bool on, const char **why)
{
	int err = 0;

	mutex_lock(&ptscope_stats_mutex);
	if (on == ptscope_stats_on)
		goto out;
	if (on)
		err = ptscope_probes_register(why);
	else
		ptscope_probes_unregister(ARRAY_SIZE(ptscope_probes));
	if (!err)
		ptscope_stats_on = on;
out:
	mutex_unlock(&ptscope_stats_mutex);
	return err;
}

/* ---- the watch list ------------------------------------------------ */

static struct ptscope_watch_list *ptscope_watch_locked(void)
{
	return rcu_dereference_protected(ptscope_watch,
					 lockdep_is_held(&ptscope_stats_mutex));
}

/*
 * A watched process that has been reaped: no task is attached to its
 * struct pid any more, so its number is free for reuse and nobody can
 * name it.  Such a slot is hidden from readers and dropped by the next
 * watch (or by "unwatch N" while N is free).
 */
static bool ptscope_slot_reaped(const struct ptscope_watch_slot *w)
{
	return !pid_has_task(w->pid, PIDTYPE_PID);
}

/*
 * Publish @new in place of the current list (ptscope_stats_mutex held);
 * the caller frees the old one with ptscope_watch_retire() after
 * dropping the mutex.
 */
static struct ptscope_watch_list *
ptscope_watch_publish(struct ptscope_watch_list *new)
{
	struct ptscope_watch_list *old = ptscope_watch_locked();

	rcu_assign_pointer(ptscope_watch, new);
	return old;
}

static void ptscope_slot_free(struct ptscope_watch_slot *w)
{
	free_percpu(w->ctrs);
	mmdrop(w->mm);
	put_pid(w->pid);
}

/*
 * With ptscope_stats_mutex held, right after @new (which may be NULL)
 * replaced @old: a mask of @old's slots that @new no longer holds.  It
 * must be decided under the mutex: once it is dropped, another writer
 * may replace @new and free it.
 */
static unsigned long ptscope_watch_gone(const struct ptscope_watch_list *old,
					const struct ptscope_watch_list *new)
{
	unsigned long gone = 0;
	unsigned int i, j;

	BUILD_BUG_ON(PTSCOPE_STATS_WATCH_MAX > BITS_PER_LONG);
	for (i = 0; i < old->nr; i++) {
		for (j = 0; new && j < new->nr; j++)
			if (new->slot[j].ctrs == old->slot[i].ctrs)
				break;
		if (!new || j == new->nr)
			gone |= BIT(i);
	}
	return gone;
}

/*
 * Free a replaced list, and its slots in @gone (ptscope_watch_gone()),
 * once no probe can see them.  Called without the mutex.
 */
static void ptscope_watch_retire(struct ptscope_watch_list *old,
				 unsigned long gone)
{
	unsigned int i;

	tracepoint_synchronize_unregister();
	for (i = 0; i < old->nr; i++)
		if (gone & BIT(i))
			ptscope_slot_free(&old->slot[i]);
	kfree(old);
}

int ptscope_stats_watch_add(pid_t nr, const struct cred *cred,
			    const char **why)
{
	struct ptscope_watch_list *old, *new = NULL;
	struct ptscope_ctrs __percpu *ctrs;
	struct mm_struct *mm;
	struct pid *pid;
	unsigned int i, nr_old;
	unsigned long gone;
	int err;

	/* The task checked is the task stored: both go by @pid, not @nr. */
	mm = ptscope_target_mm(nr, cred, NULL, &pid, why);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	/* @nr may be reused from here on; @pid still names the process. */
	ptscope_test_delay(PTSCOPE_TP_WATCH_RESOLVED);
	ctrs = alloc_percpu(struct ptscope_ctrs);
	if (!ctrs) {
		err = -ENOMEM;
		goto err_mm;
	}

	mutex_lock(&ptscope_stats_mutex);
	if (!pid_has_task(pid, PIDTYPE_PID)) {
		*why = "process exited";
		err = -ESRCH;
		goto err_unlock;
	}
	old = ptscope_watch_locked();
	nr_old = old ? old->nr : 0;
	new = kzalloc(struct_size(new, slot, nr_old + 1), GFP_KERNEL);
	if (!new) {
		err = -ENOMEM;
		goto err_unlock;
	}
	for (i = 0; i < nr_old; i++) {
		const struct ptscope_watch_slot *w = &old->slot[i];

		if (w->pid == pid || w->mm == mm) {
			*why = "pid is already watched";
			err = -EEXIST;
			goto err_unlock;
		}
		if (!ptscope_slot_reaped(w))
			new->slot[new->nr++] = *w;
	}
	if (new->nr == PTSCOPE_STATS_WATCH_MAX) {
		*why = "the watch list is full";
		err = -ENOSPC;
		goto err_unlock;
	}
	mmgrab(mm);
	new->slot[new->nr].mm = mm;
	new->slot[new->nr].pid = pid;	/* the reference moves here */
	new->slot[new->nr].ctrs = ctrs;
	new->nr++;
	old = ptscope_watch_publish(new);
	gone = old ? ptscope_watch_gone(old, new) : 0;
	mutex_unlock(&ptscope_stats_mutex);

	if (old)
		ptscope_watch_retire(old, gone);
	mmput(mm);
	return 0;

err_unlock:
	mutex_unlock(&ptscope_stats_mutex);
	kfree(new);
	free_percpu(ctrs);
err_mm:
	mmput(mm);
	put_pid(pid);
	return err;
}

int ptscope_stats_watch_del(pid_t nr, const char **why)
{
	struct ptscope_watch_list *old, *new = NULL;
	unsigned int i, nr_old;
	unsigned long gone;
	bool found = false;
	struct pid *pid;
	int err = 0;

	/*
	 * @nr names the process that has it now, in the caller's pid
	 * namespace.  A slot whose process was reaped matches only while the
	 * number is free: once reused it names another process, which is not
	 * the one watched.
	 */
	pid = find_get_pid(nr);
	mutex_lock(&ptscope_stats_mutex);
	old = ptscope_watch_locked();
	nr_old = old ? old->nr : 0;
	if (nr_old) {
		new = kzalloc(struct_size(new, slot, nr_old), GFP_KERNEL);
		if (!new) {
			err = -ENOMEM;
			goto out_unlock;
		}
	}
	for (i = 0; i < nr_old; i++) {
		const struct ptscope_watch_slot *w = &old->slot[i];

		if (pid ? w->pid == pid :
		    ptscope_slot_reaped(w) && pid_vnr(w->pid) == nr)
			found = true;
		else
			new->slot[new->nr++] = *w;
	}
	if (!found) {
		*why = "pid is not watched";
		err = -ENOENT;
		goto out_unlock;
	}
	if (!new->nr) {
		kfree(new);
		new = NULL;
	}
	ptscope_watch_publish(new);
	gone = ptscope_watch_gone(old, new);
	mutex_unlock(&ptscope_stats_mutex);
	put_pid(pid);

	ptscope_watch_retire(old, gone);
	return 0;

out_unlock:
	mutex_unlock(&ptscope_stats_mutex);
	kfree(new);
	put_pid(pid);
	return err;
}

/*
 * The number of watched @pid in the caller's pid namespace if @cred may
 * see that it is watched, else 0: a live process by the inspection rule
 * (checked against this very process, not whoever has its number now),
 * an exited one that is still a zombie only by ptscope_cred_may_trace(),
 * a reaped one never.
 */
static pid_t ptscope_watch_visible(struct pid *pid, const struct cred *cred)
{
	struct mm_struct *mm;
	struct pid *found;
	pid_t nr = pid_vnr(pid);
	bool same;

	if (!nr || !pid_has_task(pid, PIDTYPE_PID))
		return 0;
	mm = ptscope_target_mm(nr, cred, NULL, &found, NULL);
	if (!IS_ERR(mm)) {
		mmput(mm);
	} else {
		if (PTR_ERR(mm) != -ESRCH || !ptscope_cred_may_trace(cred))
			return 0;
		found = find_get_pid(nr);
	}
	same = found == pid;
	put_pid(found);
	return same ? nr : 0;
}

/* Fill s->watch[] with what @cred may see of the list; may sleep. */
static void ptscope_watch_visible_list(const struct cred *cred,
				       struct ptscope_stats_snap *s)
{
	struct pid *pids[PTSCOPE_STATS_WATCH_MAX];
	const struct ptscope_watch_list *wl;
	unsigned int i, n = 0;
	pid_t nr;

	mutex_lock(&ptscope_stats_mutex);
	wl = ptscope_watch_locked();
	for (i = 0; wl && i < wl->nr; i++)
		pids[n++] = get_pid(wl->slot[i].pid);
	mutex_unlock(&ptscope_stats_mutex);

	/* ptscope_target_mm() sleeps: check outside the mutex. */
	for (i = 0; i < n; i++) {
		nr = ptscope_watch_visible(pids[i], cred);
		if (nr)
			s->watch[s->nr_watch++] = nr;
		put_pid(pids[i]);
	}
}

/* ---- snapshots ----------------------------------------------------- */

static void ptscope_sum(struct ptscope_ctrs __percpu *c, u64 *out)
{
	unsigned int cpu, i;

	memset(out, 0, sizeof(u64) * __PTSCOPE_CTR_CNT);
	for_each_possible_cpu(cpu) {
		const struct ptscope_ctrs *pc = per_cpu_ptr(c, cpu);

		for (i = 1; i < __PTSCOPE_CTR_CNT; i++)
			out[i] += READ_ONCE(pc->v[i]);
	}
}

u64 ptscope_stats_cpu_ctr(unsigned int cpu, unsigned int ctr)
{
	if (cpu >= nr_cpu_ids || ctr >= __PTSCOPE_CTR_CNT ||
	    !cpu_possible(cpu))
		return 0;
	return READ_ONCE(per_cpu_ptr(ptscope_global, cpu)->v[ctr]);
}

/*
 * The kernel's per-task fault counts, summed over live threads plus those
 * of exited ones (signal->min_flt), as getrusage() and /proc/PID/stat do.
 * Without the (unexported) siglock a thread exiting right now may be
 * counted twice or not at all.
 */
static void ptscope_task_faults(struct pid *pid, struct ptscope_stats_snap *s)
{
	struct task_struct *task, *t;

	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task)
		return;
	rcu_read_lock();
	if (pid_alive(task)) {
		s->kern_min_flt = READ_ONCE(task->signal->min_flt);
		s->kern_maj_flt = READ_ONCE(task->signal->maj_flt);
		for_each_thread(task, t) {
			s->kern_min_flt += READ_ONCE(t->min_flt);
			s->kern_maj_flt += READ_ONCE(t->maj_flt);
		}
	}
	rcu_read_unlock();
	put_task_struct(task);
}

static int ptscope_vm_events(struct ptscope_stats_snap *s)
{
	unsigned long *ev;

	ev = kcalloc(NR_VM_EVENT_ITEMS, sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return -ENOMEM;
	all_vm_events(ev);
	s->kern_pgfault = ev[PGFAULT];
	s->kern_pgmajfault = ev[PGMAJFAULT];
	kfree(ev);
	return 0;
}

/*
 * Resolve @nr for a per-process snapshot: a live process that @cred may
 * inspect gives its pid and mm; one that has exited but is not reaped
 * gives its pid alone, and only to a @cred that passes
 * ptscope_cred_may_trace() (the rule cannot be applied without an mm).
 */
static int ptscope_snapshot_target(pid_t nr, const struct cred *cred,
				   struct pid **pidp, struct mm_struct **mmp,
				   const char **why)
{
	struct mm_struct *mm;

	mm = ptscope_target_mm(nr, cred, NULL, pidp, why);
	if (!IS_ERR(mm)) {
		*mmp = mm;
		return 0;
	}
	*mmp = NULL;
	if (PTR_ERR(mm) != -ESRCH || !ptscope_cred_may_trace(cred))
		return PTR_ERR(mm);
	*pidp = find_get_pid(nr);
	return *pidp ? 0 : -ESRCH;
}

int ptscope_stats_snapshot(pid_t nr, const struct cred *cred,
			   struct ptscope_stats_snap *s, const char **why)
{
	const struct ptscope_watch_list *wl;
	struct mm_struct *mm = NULL;
	struct pid *pid = NULL;
	unsigned int i;
	int err;

	memset(s, 0, sizeof(*s));
	s->pid = nr;
	if (nr) {
		err = ptscope_snapshot_target(nr, cred, &pid, &mm, why);
		if (err)
			return err;
		ptscope_task_faults(pid, s);
	}

	mutex_lock(&ptscope_stats_mutex);
	s->enabled = ptscope_stats_on;
	wl = ptscope_watch_locked();
	for (i = 0; nr && wl && i < wl->nr; i++) {
		const struct ptscope_watch_slot *w = &wl->slot[i];

		/* Exited: its pid names it; live: its mm, not one exec made. */
		if (w->pid == pid && (!mm || w->mm == mm)) {
			s->watched = true;
			ptscope_sum(w->ctrs, s->ctr);
		}
	}
	if (!nr)
		ptscope_sum(ptscope_global, s->ctr);
	mutex_unlock(&ptscope_stats_mutex);

	if (nr) {
		if (mm)
			mmput(mm);
		put_pid(pid);
		if (!mm && !s->watched) {
			*why = "process is exiting or a zombie";
			return -ESRCH;
		}
	} else {
		ptscope_watch_visible_list(cred, s);
	}
	err = ptscope_vm_events(s);
	s->time_ns = ktime_get_ns();
	return err;
}

/* ---- names for text output ----------------------------------------- */

static const char * const ptscope_tlb_reason_names[] = {
	[PTSCOPE_TLB_TASK_SWITCH]		= "task_switch",
	[PTSCOPE_TLB_REMOTE_SHOOTDOWN]		= "remote_shootdown",
	[PTSCOPE_TLB_LOCAL_SHOOTDOWN]		= "local_shootdown",
	[PTSCOPE_TLB_LOCAL_MM_SHOOTDOWN]	= "local_mm_shootdown",
	[PTSCOPE_TLB_REMOTE_SEND_IPI]		= "remote_send_ipi",
};

static const char * const ptscope_fault_names[] = {
	"fault_user", "fault_kernel", "fault_read", "fault_write",
	"fault_ifetch", "fault_prot", "fault_notpresent",
};

void ptscope_stats_ctr_name(unsigned int ctr, char *buf, size_t len)
{
	static const char * const kinds[] = { "ranged", "pages", "full" };
	unsigned int k;

	if (ctr >= PTSCOPE_CTR_FAULT_USER && ctr < __PTSCOPE_CTR_CNT) {
		strscpy(buf, ptscope_fault_names[ctr - PTSCOPE_CTR_FAULT_USER],
			len);
		return;
	}
	if (ctr < PTSCOPE_CTR_TLB_RANGED || ctr >= PTSCOPE_CTR_FAULT_USER) {
		strscpy(buf, "?", len);
		return;
	}
	k = (ctr - PTSCOPE_CTR_TLB_RANGED) / __PTSCOPE_TLB_REASON_CNT;
	snprintf(buf, len, "tlb_%s_%s",
		 ptscope_tlb_reason_names[(ctr - PTSCOPE_CTR_TLB_RANGED) %
					  __PTSCOPE_TLB_REASON_CNT],
		 kinds[k]);
}

/* ---- load and unload ----------------------------------------------- */

int __init ptscope_stats_init(void)
{
	unsigned int i;

	ptscope_global = alloc_percpu(struct ptscope_ctrs);
	if (!ptscope_global)
		return -ENOMEM;
	for_each_kernel_tracepoint(ptscope_find_tracepoint, NULL);
	for (i = 0; i < ARRAY_SIZE(ptscope_probes); i++)
		if (!ptscope_probes[i].tp)
			pr_info("no %s tracepoint: statistics unavailable\n",
				ptscope_probes[i].name);
	return 0;
}

/* Front ends are gone by now, so nothing can switch statistics on again. */
void ptscope_stats_exit(void)
{
	struct ptscope_watch_list *wl;
	unsigned int i;

	ptscope_stats_set_enabled(false, NULL);
	mutex_lock(&ptscope_stats_mutex);
	wl = ptscope_watch_publish(NULL);
	mutex_unlock(&ptscope_stats_mutex);
	/* The probes are off and synchronised: no reader is left. */
	if (wl) {
		for (i = 0; i < wl->nr; i++)
			ptscope_slot_free(&wl->slot[i]);
		kfree(wl);
	}
	free_percpu(ptscope_global);
}
