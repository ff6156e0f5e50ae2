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
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include PTSCOPE_DUMPABLE_HEADER
#include <linux/user_namespace.h>
#include <linux/completion.h>
#include <linux/kthread.h>

#include "access.h"
#include "testhook.h"

/*
 * ns_capable_noaudit() for a cred that may not be current's (a procfs or
 * netlink opener's).  security_capable() is not exported, but it reads the
 * subjective credentials, so running it under override_creds() asks
 * commoncap and every LSM's capable hook about @cred, exactly as
 * file_ns_capable() does for file->f_cred.  Neither call sleeps, so this
 * may run under rcu_read_lock() (as ptrace's capability check does).
 */
static bool ptscope_cred_capable(const struct cred *cred,
				 struct user_namespace *ns, int cap)
{
	const struct cred *old;
	bool ok;

	if (cred == current_cred())
		return ns_capable_noaudit(ns, cap);

	old = override_creds(cred);
	ok = ns_capable_noaudit(ns, cap);
	revert_creds(old);
	return ok;
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

/*
 * The kernel's own verdict.  LSMs (AppArmor, SELinux, Landlock, Smack)
 * decide ptrace reads in security_ptrace_access_check(), which a module
 * cannot call, and neither ptrace_may_access() nor mm_access() is
 * exported.  Opening PID/pagemap runs all of them: its open is
 * mm_access(task, PTRACE_MODE_READ_FSCREDS) after the DAC and LSM checks
 * on the file itself.  So ptscope opens pagemap, in a procfs mount of its
 * own (no user's mount options, chroot or fake /proc), with the
 * credentials being checked, and keeps the verdict.
 */
static struct vfsmount *ptscope_proc_mnt;

int ptscope_access_init(void)
{
	struct file_system_type *type;
	struct vfsmount *mnt;

	type = get_fs_type("proc");
	if (!type)
		return -ENODEV;
	mnt = kern_mount(type);
	module_put(type->owner);	/* put_filesystem() is not exported */
	if (IS_ERR(mnt))
		return PTR_ERR(mnt);
	ptscope_proc_mnt = mnt;
	return 0;
}

void ptscope_access_exit(void)
{
	kern_unmount(ptscope_proc_mnt);
}

/*
 * Open @pid's pagemap as @cred.  The file pins the mm its own check
 * passed, and @mm is pinned by us, so equal pointers mean the kernel
 * checked the very address space ptscope is about to show: an exec in
 * between installs a new mm, and a process that exits has none.  Returns
 * 0, -EAGAIN for another mm, or the open's error (EACCES or EPERM when
 * refused).
 */
static int ptscope_pagemap_open_as(struct pid *pid, struct mm_struct *mm,
				   const struct cred *cred)
{
	struct vfsmount *mnt = ptscope_proc_mnt;
	const struct cred *old;
	struct file *file;
	char name[24];
	pid_t nr;
	int err;

	nr = pid_nr_ns(pid, proc_pid_ns(mnt->mnt_sb));
	if (!nr)
		return -EPERM;	/* outside the pid namespace of our mount */
	snprintf(name, sizeof(name), "%d/pagemap", nr);

	old = override_creds(cred);
	file = file_open_root_mnt(mnt, name, O_RDONLY | O_NOFOLLOW, 0);
	revert_creds(old);
	if (IS_ERR(file))
		return PTR_ERR(file);
	err = file->private_data == mm ? 0 : -EAGAIN;
	fput(file);
	return err;
}

struct ptscope_verdict_req {
	struct pid *pid;
	struct mm_struct *mm;
	const struct cred *cred;
	int err;
	struct completion done;
};

static int ptscope_verdict_thread(void *arg)
{
	struct ptscope_verdict_req *r = arg;

	/*
	 * Real credentials, not just override_creds(): Landlock judges the
	 * ptrace subject by __task_cred(current), the objective cred.  A
	 * kernel thread may take user credentials (umh does the same).
	 */
	commit_creds((struct cred *)get_cred(r->cred));
	r->err = ptscope_pagemap_open_as(r->pid, r->mm, r->cred);
	kthread_complete_and_exit(&r->done, 0);
}

/*
 * The kernel's verdict for @cred.  For current's own credentials the open
 * runs here.  A stored credential (an opener's) is checked from a
 * short-lived kernel thread running with it as its real credentials:
 * override_creds() alone would leave Landlock deciding by the caller's
 * real credentials, and ptrace lets current's own thread group in without
 * asking any LSM, so a sandboxed opener could read the writer's process.
 */
static int ptscope_pagemap_verdict(struct pid *pid, struct mm_struct *mm,
				   const struct cred *cred)
{
	struct ptscope_verdict_req r = {
		.pid = pid, .mm = mm, .cred = cred,
	};
	struct task_struct *t;

	if (cred == current_cred())
		return ptscope_pagemap_open_as(pid, mm, cred);

	init_completion(&r.done);
	t = kthread_run(ptscope_verdict_thread, &r, "ptscope-access");
	if (IS_ERR(t))
		return PTR_ERR(t);
	wait_for_completion(&r.done);
	return r.err;
}

/*
 * Lock, get the mm and apply ptscope's own rule to both credentials, as
 * mm_access() does, under exec_update_lock.
 */
static struct mm_struct *ptscope_checked_mm(struct task_struct *task,
					    const struct cred *cred,
					    const struct cred *cred2,
					    const char **msg)
{
	struct mm_struct *mm;
	int err;

	/*
	 * exec installs the new mm (exec_mmap()) before commit_creds() makes
	 * a setuid image non-dumpable and switches credentials, all under
	 * exec_update_lock held for writing: holding it for reading, the mm
	 * and the credentials we check belong together.
	 */
	err = down_read_killable(&task->signal->exec_update_lock);
	if (err) {
		*msg = "interrupted while the process was in exec";
		return ERR_PTR(err);
	}
	mm = get_task_mm(task);
	if (!mm) {
		if (task->flags & PF_KTHREAD) {
			err = -EINVAL;
			*msg = "pid has no mm (kernel thread)";
		} else {
			err = -ESRCH;
			*msg = "process is exiting or a zombie";
		}
		goto out;
	}
	if (!ptscope_may_inspect(task, mm, cred) ||
	    (cred2 && !ptscope_may_inspect(task, mm, cred2))) {
		mmput(mm);
		err = -EPERM;
		*msg = "not permitted to inspect this process";
	}
out:
	up_read(&task->signal->exec_update_lock);
	return err ? ERR_PTR(err) : mm;
}

/*
 * The kernel's verdict for each credential that is not the caller looking
 * at itself (ptrace lets a thread group inspect itself without asking any
 * LSM).  It cannot run under exec_update_lock, which mm_access() takes
 * again; ptscope_pagemap_verdict() ties it to @mm instead.
 */
static int ptscope_kernel_verdict(struct pid *pid, struct task_struct *task,
				  struct mm_struct *mm, const struct cred *cred,
				  const struct cred *cred2, const char **msg)
{
	int err = 0;

	if (cred != current_cred() || !same_thread_group(task, current))
		err = ptscope_pagemap_verdict(pid, mm, cred);
	if (!err && cred2)
		err = ptscope_pagemap_verdict(pid, mm, cred2);
	if (!err) {
		/* Still attached: the pid the open looked up was our task. */
		rcu_read_lock();
		if (pid_task(pid, PIDTYPE_PID) != task)
			err = -ESRCH;
		rcu_read_unlock();
	}

	switch (err) {
	case 0:
	case -EAGAIN:
		break;
	case -EINTR:
		*msg = "interrupted while the process was in exec";
		break;
	case -EACCES:
	case -EPERM:
		err = -EPERM;
		*msg = "not permitted to inspect this process";
		break;
	case -ENOENT:
	case -ESRCH:
		err = -ESRCH;
		*msg = "process is exiting or a zombie";
		break;
	default:
		*msg = "could not open the process's pagemap to check access";
		break;
	}
	return err;
}

/* An exec racing the check more often than this is answered EAGAIN. */
#define PTSCOPE_ACCESS_TRIES	3

struct mm_struct *ptscope_target_mm(pid_t nr, const struct cred *cred,
				    const struct cred *cred2,
				    struct pid **pidp, const char **why)
{
	struct task_struct *task;
	struct mm_struct *mm;
	const char *msg;
	struct pid *pid;
	int tries = 0;
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

	if (cred2 == cred)
		cred2 = NULL;
	for (;;) {
		mm = ptscope_checked_mm(task, cred, cred2, &msg);
		if (IS_ERR(mm)) {
			err = PTR_ERR(mm);
			goto err_task;
		}
		err = ptscope_kernel_verdict(pid, task, mm, cred, cred2, &msg);
		if (!err)
			break;
		mmput(mm);
		if (err != -EAGAIN)
			goto err_task;
		if (++tries == PTSCOPE_ACCESS_TRIES) {
			msg = "the process kept exec-ing during the access check; try again";
			goto err_task;
		}
	}
	put_task_struct(task);
	if (pidp)
		*pidp = pid;
	else
		put_pid(pid);
	return mm;

err_task:
	put_task_struct(task);
err_pid:
	put_pid(pid);
err_msg:
	if (why)
		*why = msg;
	return ERR_PTR(err);
}
