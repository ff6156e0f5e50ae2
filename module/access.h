/* SPDX-License-Identifier: GPL-2.0 */
/*
 * access.h: the one access rule every front end applies (see DESIGN.md).
 *
 * ptrace_may_access() and mm_access() are not exported, so ptscope states
 * its own rule, as close to /proc/PID/pagemap's as the exported API allows:
 *
 *  - a caller may inspect a target if it has CAP_SYS_PTRACE in the target's
 *    user namespace, or if its fsuid/fsgid equal the target's real,
 *    effective and saved uid/gid and the target is dumpable
 *    (SUID_DUMP_USER, or the caller has CAP_SYS_PTRACE over the mm);
 *  - the caller's own thread group may always be inspected;
 *  - switching statistics probes on or off, and changing the watch list,
 *    needs CAP_SYS_ADMIN or CAP_PERFMON in the initial user namespace;
 *  - PFNs, swap offsets and the PFN bits of raw entries are shown only to a
 *    caller with CAP_SYS_ADMIN in the initial user namespace.
 *
 * On top of that rule, every inspection of another process must also
 * pass the kernel's own: ptscope opens PID/pagemap, in a procfs mount of
 * its own, as each credential being checked (the caller's in the caller;
 * a stored opener's from a short-lived kthread holding it as its real
 * credentials, because Landlock judges by __task_cred(current) and ptrace
 * lets current's own threads in unasked), and refuses unless the open
 * succeeds and pinned the same mm.  That runs
 * mm_access(PTRACE_MODE_READ_FSCREDS) and so security_ptrace_access_check()
 * (AppArmor, SELinux, Landlock, Smack; Yama only restricts ATTACH), plus
 * the file's DAC and LSM open checks, none of which a module can call
 * directly.  ptscope therefore allows a subset of what pagemap allows:
 * the same set, except that a process may always inspect itself.
 * Capability checks on a stored credential also run under
 * override_creds(), so LSM capable hooks see them (as file_ns_capable()
 * would).
 */
#ifndef _PTSCOPE_ACCESS_H
#define _PTSCOPE_ACCESS_H

#include <linux/types.h>

struct cred;
struct mm_struct;

/*
 * Look @pid up in the current pid namespace, apply the rule for @cred and,
 * unless NULL or the same, for @cred2 (a request's sender and the opener
 * of the file or socket it came through), and return the target's mm with
 * a reference taken by mmget() (drop it with mmput()).  The task is
 * resolved once: both credentials are checked against the same task and
 * the same mm, and, as mm_access() does, under the task's
 * signal->exec_update_lock, so that an exec cannot install a new mm and
 * change credentials in between.  If @pidp is not NULL it receives a
 * reference to the target's struct pid (drop it with put_pid()).
 * On failure returns ERR_PTR():
 *   -EINVAL  pid out of range, or a kernel thread (no mm)
 *   -ESRCH   no such pid, or the process is exiting or a zombie
 *   -EPERM   a credential may not inspect the target (ptscope's rule or
 *            the kernel's pagemap verdict, LSMs included)
 *   -EINTR   a fatal signal while waiting for an exec to finish
 *   -EAGAIN  the target exec'd during every attempt to check it
 * and, if @why is not NULL, points *@why at a short static message fit for
 * an extack or a log line.  May sleep; call without locks held.
 */
struct mm_struct *ptscope_target_mm(pid_t pid, const struct cred *cred,
				    const struct cred *cred2,
				    struct pid **pidp, const char **why);

/*
 * Whether @cred may see PFNs, swap offsets and raw PFN bits.  procfs passes
 * the opener's file->f_cred (decided when the target is chosen, like
 * pagemap's open), netlink passes current_cred().
 */
bool ptscope_cred_sees_pfn(const struct cred *cred);

/* Whether @cred may switch statistics or change the watch list. */
bool ptscope_cred_may_trace(const struct cred *cred);

/* The procfs mount ptscope_target_mm() asks for pagemap's verdict. */
int ptscope_access_init(void);
void ptscope_access_exit(void);

#endif /* _PTSCOPE_ACCESS_H */
