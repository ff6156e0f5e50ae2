// SPDX-License-Identifier: GPL-2.0
/*
 * access.c: who may inspect whom, and who may see physical frames.  The rule
 * is documented in access.h; netlink and procfs both go through here.
 *
 * What protects each step of ptscope_target_mm():
 *  - the pid number is resolved to a task once (find_get_pid(),
 *    get_pid_task()); from then on the task is pinned by its reference,
 *    and every credential is checked against that task, never against a
 *    second lookup of the number, which may have been reused;
 *  - the task's signal->exec_update_lock, for reading, across taking its
 *    mm and checking the credentials, as mm_access() does: exec installs
 *    the new mm (exec_mmap()) before commit_creds() switches credentials
 *    and makes a setuid image non-dumpable, all under that lock for
 *    writing, so the mm and the credentials we see belong together;
 *  - RCU, for reading the target's credentials (__task_cred()).
 * The caller gets the mm with an mmget() reference and no lock held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include PTSCOPE_DUMPABLE_HEADER
#include <linux/user_namespace.h>

#include "access.h"
#include "testhook.h"

/*
 * cap_capable() for a cred that may not be current's.  For current the
 * real ns_capable_noaudit() is used so that LSMs have their say; for a
 * stored cred (a procfs opener's) security_capable() is not exported and
 * this mirrors commoncap's logic.
 */
static bool ptscope_cred_capable(const struct cred *cred,
				 struct user_namespace *ns, int cap)
{
	if (cred == current_cred())
		return ns_capable_noaudit(ns, cap);

	for (;;) {
		if (ns == cred->user_ns)
			return cap_raised(cred->cap_effective, cap);
		if (ns->level <= cred->user_ns->level)
			return false;
		if (ns->parent == cred->user_ns &&
		    uid_eq(ns->owner, cred->euid))
			return true;
		ns = ns->parent;
	}
}

bool ptscope_cred_sees_pfn(const struct cred *cred)
{
	return ptscope_cred_capable(cred, &init_user_ns, CAP_SYS_ADMIN);
}

bool ptscope_cred_may_trace(const struct cred *cred)
{
	return ptscope_cred_capable(cred, &init_user_ns, CAP_PERFMON) ||
	       ptscope_cred_capable(cred, &init_user_ns, CAP_SYS_ADMIN);
}

static bool ptscope_ids_match(const struct cred *cred,
			      const struct cred *tcred)
{
	return uid_eq(cred->fsuid, tcred->uid) &&
	       uid_eq(cred->fsuid, tcred->euid) &&
	       uid_eq(cred->fsuid, tcred->suid) &&
	       gid_eq(cred->fsgid, tcred->gid) &&
	       gid_eq(cred->fsgid, tcred->egid) &&
	       gid_eq(cred->fsgid, tcred->sgid);
}

/* The rule of access.h, for a task whose @mm we already hold. */
static bool ptscope_may_inspect(struct task_struct *task,
				struct mm_struct *mm, const struct cred *cred)
{
	const struct cred *tcred;
	bool ok;

	if (cred == current_cred() && same_thread_group(task, current))
		return true;

	/* __task_cred() is only stable under RCU. */
	rcu_read_lock();
	tcred = __task_cred(task);
	ok = ptscope_ids_match(cred, tcred);
	if (!ok)
		ok = ptscope_cred_capable(cred, tcred->user_ns,
					  CAP_SYS_PTRACE);
	rcu_read_unlock();
	if (!ok)
		return false;

	/*
	 * Read dumpability after the credentials, as ptrace does: pairs with
	 * the write barrier in commit_creds(), so a task that drops privileges
	 * and becomes non-dumpable is not caught half-way.
	 */
	smp_rmb();
	if (!ptscope_dumpable_by_owner(task, mm) &&
	    !ptscope_cred_capable(cred, ptscope_exec_user_ns(task, mm),
				  CAP_SYS_PTRACE))
		return false;
	return true;
}

struct mm_struct *ptscope_target_mm(pid_t nr, const struct cred *cred,
				    const struct cred *cred2,
				    struct pid **pidp, const char **why)
{
	struct task_struct *task;
	struct mm_struct *mm;
	const char *msg;
	struct pid *pid;
	int err;

	if (nr <= 0) {
		err = -EINVAL;
		msg = "pid must be a positive number";
		goto err_msg;
	}
	pid = find_get_pid(nr);
	if (!pid) {
		err = -ESRCH;
		msg = "no such pid";
		goto err_msg;
	}
	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task) {
		err = -ESRCH;
		msg = "no such pid";
		goto err_pid;
	}
	/* From here on the task is pinned: its pid number may be reused. */
	ptscope_test_delay(PTSCOPE_TP_TARGET_RESOLVED);

	/*
	 * exec installs the new mm (exec_mmap()) before commit_creds() makes
	 * a setuid image non-dumpable and switches credentials, all under
	 * exec_update_lock held for writing: holding it for reading, the mm
	 * and the credentials we check belong together.
	 */
	err = down_read_killable(&task->signal->exec_update_lock);
	if (err) {
		msg = "interrupted while the process was in exec";
		goto err_task;
	}
	mm = get_task_mm(task);
	if (!mm) {
		if (task->flags & PF_KTHREAD) {
			err = -EINVAL;
			msg = "pid has no mm (kernel thread)";
		} else {
			err = -ESRCH;
			msg = "process is exiting or a zombie";
		}
		goto err_unlock;
	}
	if (!ptscope_may_inspect(task, mm, cred) ||
	    (cred2 && cred2 != cred && !ptscope_may_inspect(task, mm, cred2))) {
		err = -EPERM;
		msg = "not permitted to inspect this process";
		goto err_mm;
	}
	up_read(&task->signal->exec_update_lock);
	put_task_struct(task);
	if (pidp)
		*pidp = pid;
	else
		put_pid(pid);
	return mm;

err_mm:
	mmput(mm);
err_unlock:
	up_read(&task->signal->exec_update_lock);
err_task:
	put_task_struct(task);
err_pid:
	put_pid(pid);
err_msg:
	if (why)
		*why = msg;
	return ERR_PTR(err);
}
