// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c: the generic netlink front end, family "ptscope".
 *
 * Each request becomes an access check (access.c, the same function procfs
 * uses) and a walk with a visitor (walk.c), or a statistics request
 * (stats.c).  Doit commands (info, vtop, stats) answer with one message
 * and walk at most one address.  Everything that walks a whole address
 * space is a dump (summary, vmas, ranges): one message per dumpit call,
 * resumed by address.  The cursor lives in the dump state, the walker
 * takes and drops the target's mmap lock itself, and nothing is locked
 * between messages.  Memory per dump is constant: one walk buffer,
 * whatever the size of the target.
 *
 * Work per dumpit call is bounded too (PTSCOPE_NL_DUMP_BUDGET), because
 * the first call runs inside the request's sendmsg: genl_rcv() holds the
 * generic netlink cb_lock for reading around it, and a family being
 * registered or unregistered, and behind it every generic netlink request
 * on the machine, waits for that call to return.  Later calls run from
 * the requester's recvmsg, under its own socket's dump mutex only.  A
 * call that spends its budget before its message is full sends what it
 * has, or just the genl header (a message with no attributes), and the
 * next call carries on.
 *
 * Like pagemap, a dump reads a live process: it is not an atomic snapshot,
 * and mappings that change during it are reported as found.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/utsname.h>
#include <linux/fs.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <asm/pgtable.h>

#include "uapi/ptscope.h"
#include "internal.h"
#include "access.h"
#include "arch.h"
#include "entry.h"
#include "stats.h"
#include "walk.h"

static struct genl_family ptscope_genl_family;

/* ---- policies ---------------------------------------------------------- */

static const struct nla_policy ptscope_info_policy[PTSCOPE_A_MAX + 1] = {
};

static const struct nla_policy ptscope_pid_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy ptscope_vtop_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTSCOPE_A_ADDR] = { .type = NLA_U64 },
};

/*
 * The request flags this module takes: packed records cannot carry the
 * architecture's own bits, so they are not offered where there are some.
 */
#define PTSCOPE_NL_REQ_FLAGS						\
	(PTSCOPE_RF_ALL & ~(PTSCOPE_ARCH_HAS_BITS ? PTSCOPE_RF(PACKED) : 0))

static const struct nla_policy ptscope_dump_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTSCOPE_A_START] = { .type = NLA_U64 },
	[PTSCOPE_A_END] = { .type = NLA_U64 },
	[PTSCOPE_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, PTSCOPE_NL_REQ_FLAGS),
};

/* ---- request helpers ------------------------------------------------------ */

/*
 * An extack message from a fixed set of static strings (access.h,
 * stats.h), as NL_SET_ERR_MSG's own literals are.
 */
static void ptscope_extack_msg(struct netlink_ext_ack *extack, const char *why)
{
	if (extack && why)
		extack->_msg = why;
}

/*
 * The credentials of whoever opened @skb's socket, as pagemap goes by its
 * file's opener; NULL for a kernel socket.
 */
static const struct cred *ptscope_nl_opener(const struct sk_buff *skb)
{
	/* The sending socket; skb->sk is the kernel's own end. */
	const struct sock *sk = skb ? NETLINK_CB(skb).sk : NULL;

	if (!sk || !sk->sk_socket || !sk->sk_socket->file)
		return NULL;
	return sk->sk_socket->file->f_cred;
}

/*
 * PFNs are shown only when both the sender and the socket's opener have
 * CAP_SYS_ADMIN: a socket handed on widens nothing, and a privileged
 * process tricked into sending on someone else's socket leaks nothing.
 */
static bool ptscope_nl_sees_pfn(const struct sk_buff *skb)
{
	const struct cred *opener = ptscope_nl_opener(skb);

	return ptscope_cred_sees_pfn(current_cred()) &&
	       (!opener || ptscope_cred_sees_pfn(opener));
}

/*
 * The target of a request, or an ERR_PTR with an extack message.  Both the
 * socket opener's and the sender's credentials must pass.  The mm comes
 * back with an mmget() reference.
 */
static struct mm_struct *ptscope_nl_target(const struct sk_buff *skb,
					   struct nlattr **attrs,
					   struct netlink_ext_ack *extack)
{
	const struct cred *opener = ptscope_nl_opener(skb);
	struct mm_struct *mm;
	const char *why = NULL;
	pid_t pid;

	if (!attrs[PTSCOPE_A_PID]) {
		NL_SET_ERR_MSG_MOD(extack, "missing pid");
		return ERR_PTR(-EINVAL);
	}
	pid = nla_get_u32(attrs[PTSCOPE_A_PID]);
	mm = ptscope_target_mm(pid, current_cred(), opener, NULL, &why);
	if (IS_ERR(mm)) {
		ptscope_extack_msg(extack, why);
		NL_SET_BAD_ATTR(extack, attrs[PTSCOPE_A_PID]);
	}
	return mm;
}

static int ptscope_put_u64(struct sk_buff *msg, int type, u64 val, int pad)
{
	return nla_put_u64_64bit(msg, type, val, pad);
}

/* ---- info ---------------------------------------------------------------- */

static int ptscope_put_info(struct sk_buff *msg, bool show_pfn)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, PTSCOPE_A_INFO);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(msg, PTSCOPE_INFO_VERSION, PTSCOPE_VERSION) ||
	    nla_put_string(msg, PTSCOPE_INFO_KERNEL, init_utsname()->release) ||
	    nla_put_u32(msg, PTSCOPE_INFO_LEVELS, ptscope_arch_levels()) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PAGE_SHIFT, PAGE_SHIFT) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PMD_SHIFT, PMD_SHIFT) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PUD_SHIFT, PUD_SHIFT) ||
	    nla_put_u32(msg, PTSCOPE_INFO_P4D_SHIFT, P4D_SHIFT) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PGDIR_SHIFT,
			ptscope_arch_pgdir_shift()) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PTRS_PER_PTE, PTRS_PER_PTE) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PTRS_PER_PMD, PTRS_PER_PMD) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PTRS_PER_PUD, PTRS_PER_PUD) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PTRS_PER_P4D,
			ptscope_arch_ptrs_per_p4d()) ||
	    nla_put_u32(msg, PTSCOPE_INFO_PTRS_PER_PGD,
			ptscope_arch_ptrs_per_pgd()) ||
	    ptscope_put_u64(msg, PTSCOPE_INFO_TASK_SIZE, ptscope_arch_user_top(),
			    PTSCOPE_INFO_PAD))
		goto err_cancel;
	if (show_pfn && nla_put_flag(msg, PTSCOPE_INFO_SHOW_PFN))
		goto err_cancel;
	if (nla_put_u32(msg, PTSCOPE_INFO_REQ_FLAGS, PTSCOPE_NL_REQ_FLAGS) ||
	    nla_put_string(msg, PTSCOPE_INFO_ARCH, ptscope_arch_name()) ||
	    nla_put_u32(msg, PTSCOPE_INFO_VA_BITS, ptscope_arch_va_bits()) ||
	    nla_put_string(msg, PTSCOPE_INFO_ROOTS, ptscope_arch_roots()))
		goto err_cancel;
	nla_nest_end(msg, nest);
	return 0;

err_cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/* A reply with one header; @fill adds the payload. */
static int ptscope_nl_reply(struct genl_info *info, u8 cmd, size_t size,
			    int (*fill)(struct sk_buff *msg, void *arg),
			    void *arg)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ptscope_genl_family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = fill(msg, arg);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static int ptscope_fill_info(struct sk_buff *msg, void *arg)
{
	return ptscope_put_info(msg, ptscope_nl_sees_pfn(arg));
}

static int ptscope_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	return ptscope_nl_reply(info, PTSCOPE_CMD_GET_INFO, NLMSG_GOODSIZE,
				ptscope_fill_info, skb);
}

/* ---- summary --------------------------------------------------------------- */

static int ptscope_put_stats(struct sk_buff *msg, int type,
			     const struct ptscope_vma_stats *s,
			     const struct ptscope_table_count *tables)
{
	const u64 vals[] = {
		[PTSCOPE_STAT_LEAVES_PTE] = s->leaves[PTSCOPE_LEVEL_PTE],
		[PTSCOPE_STAT_LEAVES_PMD] = s->leaves[PTSCOPE_LEVEL_PMD],
		[PTSCOPE_STAT_LEAVES_PUD] = s->leaves[PTSCOPE_LEVEL_PUD],
		[PTSCOPE_STAT_RSS] = s->rss,
		[PTSCOPE_STAT_SWAP] = s->swap,
		[PTSCOPE_STAT_PROTNONE] = s->protnone,
		[PTSCOPE_STAT_MIGRATION] = s->migration,
		[PTSCOPE_STAT_OTHER] = s->other,
		[PTSCOPE_STAT_DIRTY] = s->dirty,
		[PTSCOPE_STAT_ACCESSED] = s->accessed,
		[PTSCOPE_STAT_WRITABLE] = s->writable,
		[PTSCOPE_STAT_COW] = s->cow,
		[PTSCOPE_STAT_ZERO] = s->zero,
		[PTSCOPE_STAT_SHARED] = s->shared,
		[PTSCOPE_STAT_SOFT_DIRTY] = s->soft_dirty,
		[PTSCOPE_STAT_TABLES_PTE] = tables->tables[PTSCOPE_LEVEL_PTE],
		[PTSCOPE_STAT_TABLES_PMD] = tables->tables[PTSCOPE_LEVEL_PMD],
		[PTSCOPE_STAT_TABLES_PUD] = tables->tables[PTSCOPE_LEVEL_PUD],
		[PTSCOPE_STAT_TABLES_P4D] = tables->tables[PTSCOPE_LEVEL_P4D],
		[PTSCOPE_STAT_PRIVATE_CLEAN] = s->share.private_clean,
		[PTSCOPE_STAT_PRIVATE_DIRTY] = s->share.private_dirty,
		[PTSCOPE_STAT_SHARED_CLEAN] = s->share.shared_clean,
		[PTSCOPE_STAT_SHARED_DIRTY] = s->share.shared_dirty,
		[PTSCOPE_STAT_PSS] = s->share.pss,
	};
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = PTSCOPE_STAT_LEAVES_PTE; i < ARRAY_SIZE(vals); i++) {
		if (ptscope_put_u64(msg, i, vals[i], PTSCOPE_STAT_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int ptscope_fill_summary(struct sk_buff *msg, void *arg)
{
	const struct ptscope_summary *s = arg;
	const u64 *t = s->tables.tables;
	struct ptscope_table_count none = { };
	struct nlattr *nest;

	nest = nla_nest_start(msg, PTSCOPE_A_SUMMARY);
	if (!nest)
		return -EMSGSIZE;
	if (ptscope_put_u64(msg, PTSCOPE_SUM_TABLES_PGD, t[PTSCOPE_LEVEL_PGD],
			    PTSCOPE_SUM_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_SUM_TABLES_P4D, t[PTSCOPE_LEVEL_P4D],
			    PTSCOPE_SUM_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_SUM_TABLES_PUD, t[PTSCOPE_LEVEL_PUD],
			    PTSCOPE_SUM_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_SUM_TABLES_PMD, t[PTSCOPE_LEVEL_PMD],
			    PTSCOPE_SUM_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_SUM_TABLES_PTE, t[PTSCOPE_LEVEL_PTE],
			    PTSCOPE_SUM_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_SUM_DEPOSITED, s->deposited,
			    PTSCOPE_SUM_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_SUM_COUNTED_BYTES, s->counted_bytes,
			    PTSCOPE_SUM_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_SUM_PGTABLES_BYTES, s->pgtables_bytes,
			    PTSCOPE_SUM_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_SUM_VMAS, s->vmas, PTSCOPE_SUM_PAD) ||
	    ptscope_put_stats(msg, PTSCOPE_SUM_STATS, &s->total, &none)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * GET_SUMMARY walks the whole address space, so it is a dump (see the top
 * of this file); a request without NLM_F_DUMP is refused, with a reason.
 */
static int ptscope_nl_get_summary(struct sk_buff *skb, struct genl_info *info)
{
	GENL_SET_ERR_MSG(info, "GET_SUMMARY is a dump: send it with NLM_F_DUMP");
	return -EOPNOTSUPP;
}

/* ---- ranges and vtop levels: one entry --------------------------------- */

static int ptscope_put_entry(struct sk_buff *msg, const struct ptscope_entry *e)
{
	if (nla_put_u8(msg, PTSCOPE_RANGE_LEVEL, e->level) ||
	    nla_put_u8(msg, PTSCOPE_RANGE_STATE, e->state) ||
	    ptscope_put_u64(msg, PTSCOPE_RANGE_FLAGS, e->flags,
			    PTSCOPE_RANGE_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_RANGE_RAW, e->raw, PTSCOPE_RANGE_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_RANGE_PFN, e->pfn, PTSCOPE_RANGE_PAD))
		return -EMSGSIZE;
	/* Valid entries' own bits, where the architecture has them. */
	if (e->arch &&
	    (ptscope_put_u64(msg, PTSCOPE_RANGE_ARCH, e->arch,
			     PTSCOPE_RANGE_PAD) ||
	     (e->memtype &&
	      nla_put_u8(msg, PTSCOPE_RANGE_MEMTYPE, e->memtype))))
		return -EMSGSIZE;
	if (e->state != PTSCOPE_STATE_SWAP)
		return 0;
	if (nla_put_u32(msg, PTSCOPE_RANGE_SWAP_TYPE, e->swap_type) ||
	    ptscope_put_u64(msg, PTSCOPE_RANGE_SWAP_OFFSET, e->swap_offset,
			    PTSCOPE_RANGE_PAD))
		return -EMSGSIZE;
	return 0;
}

/* ---- vtop ------------------------------------------------------------------ */

static int ptscope_put_vtop_level(struct sk_buff *msg,
				  const struct ptscope_vtop_level *l)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, PTSCOPE_VTOP_LEVEL);
	if (!nest)
		return -EMSGSIZE;
	if (ptscope_put_entry(msg, &l->e) ||
	    nla_put_u32(msg, PTSCOPE_RANGE_INDEX, l->index) ||
	    ptscope_put_u64(msg, PTSCOPE_RANGE_ENTRY_PHYS, l->entry_phys,
			    PTSCOPE_RANGE_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int ptscope_fill_vtop(struct sk_buff *msg, void *arg)
{
	const struct ptscope_vtop *v = arg;
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(msg, PTSCOPE_A_VTOP);
	if (!nest)
		return -EMSGSIZE;
	if (ptscope_put_u64(msg, PTSCOPE_VTOP_ADDR, v->addr, PTSCOPE_VTOP_PAD) ||
	    nla_put_u8(msg, PTSCOPE_VTOP_STOP, v->stop) ||
	    nla_put_u8(msg, PTSCOPE_VTOP_STOP_LEVEL, v->stop_level) ||
	    ptscope_put_u64(msg, PTSCOPE_VTOP_PHYS, v->phys, PTSCOPE_VTOP_PAD))
		goto err_cancel;
	if (v->stop != PTSCOPE_VTOP_STOP_NO_VMA &&
	    (ptscope_put_u64(msg, PTSCOPE_VTOP_VMA_START, v->vm_start,
			     PTSCOPE_VTOP_PAD) ||
	     ptscope_put_u64(msg, PTSCOPE_VTOP_VMA_END, v->vm_end,
			     PTSCOPE_VTOP_PAD) ||
	     ptscope_put_u64(msg, PTSCOPE_VTOP_VMA_FLAGS, v->vm_flags,
			     PTSCOPE_VTOP_PAD)))
		goto err_cancel;
	for (i = 0; i < v->nr; i++)
		if (ptscope_put_vtop_level(msg, &v->lvl[i]))
			goto err_cancel;
	nla_nest_end(msg, nest);
	return 0;

err_cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

static int ptscope_nl_vtop(struct sk_buff *skb, struct genl_info *info)
{
	struct ptscope_vtop *v;
	struct mm_struct *mm;
	u64 addr;
	int err;

	if (!info->attrs[PTSCOPE_A_ADDR]) {
		GENL_SET_ERR_MSG(info, "missing address");
		return -EINVAL;
	}
	addr = nla_get_u64(info->attrs[PTSCOPE_A_ADDR]);
	if (addr >= ptscope_arch_user_top()) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PTSCOPE_A_ADDR],
				    "address above the user address space");
		return -EINVAL;
	}
	mm = ptscope_nl_target(skb, info->attrs, info->extack);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v) {
		err = -ENOMEM;
		goto out_mm;
	}
	err = ptscope_vtop(mm, addr, ptscope_nl_sees_pfn(skb), v);
	if (!err)
		err = ptscope_nl_reply(info, PTSCOPE_CMD_VTOP, NLMSG_GOODSIZE,
				       ptscope_fill_vtop, v);
	kfree(v);
out_mm:
	mmput(mm);
	return err;
}

/* ---- dumps: vmas and ranges ---------------------------------------------- */

/*
 * Work one dumpit call may do, in page-table entries looked at: a
 * populated PTE table visited costs its entries, any other leaf, hole or
 * VMA costs 1.  32 full PTE tables, 64 MiB of 4 KiB mappings: a fraction
 * of a millisecond natively, a few under QEMU TCG.
 */
#define PTSCOPE_NL_DUMP_BUDGET	(32L * PTRS_PER_PTE)

/*
 * Per-dump state, allocated in .start and freed in .done.  The dump pins
 * only the mm_struct (mmgrab); each dumpit call takes a user reference for
 * the duration of its walk, so a dump never keeps a dead process's memory.
 */
struct ptscope_nl_dump {
	int err;			/* a refused request (see below) */
	const char *err_msg;
	struct mm_struct *mm;
	unsigned long cursor;		/* resume here */
	unsigned long end;
	bool done;
	/* Called once the walk reached the end: 0, > 0 no room, or < 0. */
	int (*finish)(struct ptscope_nl_dump *d);
	struct ptscope_walk walk;
	struct ptscope_coalescer co;
	struct ptscope_vma_stats vs;
	struct ptscope_summary sum;	/* GET_SUMMARY */
	long budget;			/* work left in this dumpit call */
	bool budget_stop;		/* the walk stopped for the budget */
	struct sk_buff *msg;		/* valid inside dumpit only */
	/* PTSCOPE_RF_PACKED, valid inside dumpit only. */
	struct nlattr *pages;		/* open PTSCOPE_A_PAGES array */
	struct ptscope_page *last;	/* its last record */
};

/*
 * Charge @cost to this call's budget; true when it is spent.  A visitor
 * then stops the walk (returns 1 with w->next where to resume) and the
 * message goes out as it is.
 */
static bool ptscope_dump_spend(struct ptscope_nl_dump *d, long cost)
{
	d->budget -= cost;
	if (d->budget > 0)
		return false;
	d->budget_stop = true;
	return true;
}

/*
 * The budget stop of a leaf or PTE-table visitor, w->next already set
 * past what it took.  Walks with a vma_end() visitor do not stop where
 * the VMA ends: the next call would resume in the next VMA, and vma_end()
 * would never run for this one; vma_end() stops there instead.
 */
static int ptscope_dump_spend_leaf(struct ptscope_walk *w, long cost)
{
	struct ptscope_nl_dump *d = w->priv;

	if (!ptscope_dump_spend(d, cost))
		return 0;
	if (w->ops->vma_end && w->next >= min(w->vma->vm_end, d->end)) {
		d->budget_stop = false;
		return 0;
	}
	return 1;
}

static int ptscope_dump_emit_range(void *priv, const struct ptscope_range *r)
{
	struct ptscope_nl_dump *d = priv;
	struct sk_buff *msg = d->msg;
	struct nlattr *nest;

	/* Keep address order: records after this go to a new array. */
	d->pages = NULL;
	d->last = NULL;
	nest = nla_nest_start(msg, PTSCOPE_A_RANGE);
	if (!nest)
		return 1;
	if (ptscope_put_u64(msg, PTSCOPE_RANGE_START, r->start,
			    PTSCOPE_RANGE_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_RANGE_END, r->end, PTSCOPE_RANGE_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_RANGE_COUNT, r->count,
			    PTSCOPE_RANGE_PAD) ||
	    ptscope_put_entry(msg, &r->e)) {
		nla_nest_cancel(msg, nest);
		return 1;	/* no room: resume with this range */
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int ptscope_dump_range_leaf(struct ptscope_walk *w,
				   const struct ptscope_leaf *leaf)
{
	struct ptscope_nl_dump *d = w->priv;
	int ret;

	ret = ptscope_coalesce_add(&d->co, leaf, w->vma->vm_start);
	if (ret > 0)
		w->next = d->co.resume;
	return ret ?: ptscope_dump_spend_leaf(w, 1);
}

/* Under the PTL: emitting puts attributes in the message, no allocation. */
static int ptscope_dump_range_ptes(struct ptscope_walk *w, unsigned long addr,
				   pte_t *ptep, unsigned int n)
{
	struct ptscope_nl_dump *d = w->priv;

	return ptscope_coalesce_add_ptes(&d->co, w, addr, ptep, n) ?:
	       ptscope_dump_spend_leaf(w, n);
}

static const struct ptscope_walk_ops ptscope_dump_range_ops = {
	.leaf = ptscope_dump_range_leaf,
	.pte_table_locked = ptscope_dump_range_ptes,
};

/* ---- packed per-page leaves (PTSCOPE_RF_PACKED) ------------------------- */

/* An array attribute's payload is at most this long (nla_len is a u16). */
#define PTSCOPE_PAGES_ATTR_MAX \
	rounddown(U16_MAX - NLA_HDRLEN, sizeof(struct ptscope_page))

/*
 * Can @e at @start extend the last record?  Only runs of 4 KiB leaves
 * alike in all but address, frame and raw entry, with frame and raw
 * entry either both unchanged and the frame 0 (hidden, or none), or
 * both one page on (present pages of consecutive frames).
 */
static bool ptscope_page_extends(const struct ptscope_page *p, u64 info,
				 unsigned long start,
				 const struct ptscope_entry *e)
{
	u64 p_info = le64_to_cpu(p->start_info);
	u64 k = le32_to_cpu(p->pages);
	u64 pfn = le64_to_cpu(p->pfn), raw = le64_to_cpu(p->raw);

	if (e->level != PTSCOPE_LEVEL_PTE || e->state == PTSCOPE_STATE_NONE ||
	    (p_info & ~PTSCOPE_PAGE_ADDR_MASK) != info ||
	    le32_to_cpu(p->flags) != (u32)e->flags || k >= U32_MAX ||
	    (p_info & PTSCOPE_PAGE_ADDR_MASK) + (k << PAGE_SHIFT) != start)
		return false;
	if (!pfn)
		return !e->pfn && e->raw == raw;
	return e->state == PTSCOPE_STATE_PRESENT && e->pfn == pfn + k &&
	       e->raw == raw + (k << PAGE_SHIFT);
}

/*
 * One leaf into the message's open array, opening one if needed: 0, or
 * 1 when the message is full.  A leaf no record can hold goes as a nest.
 */
static int ptscope_dump_put_page(struct ptscope_nl_dump *d,
				 unsigned long start, unsigned long end,
				 const struct ptscope_entry *e)
{
	u64 pages = (end - start) >> PAGE_SHIFT;
	u64 info = e->state | (u64)e->level << PTSCOPE_PAGE_LEVEL_SHIFT |
		   ((u64)e->swap_type << PTSCOPE_PAGE_SWAP_TYPE_SHIFT &
		    PTSCOPE_PAGE_SWAP_TYPE_MASK);
	struct sk_buff *msg = d->msg;
	struct ptscope_page *p;

	BUILD_BUG_ON(__PTSCOPE_FB_CNT > 32);
	if (pages > U32_MAX || e->swap_type >= 32) {
		struct ptscope_range r = {
			.start = start, .end = end, .e = *e, .count = 1,
		};

		return ptscope_dump_emit_range(d, &r);
	}
	if (d->last && ptscope_page_extends(d->last, info, start, e)) {
		le32_add_cpu(&d->last->pages, 1);
		return 0;
	}
	if (d->pages && nla_len(d->pages) + sizeof(*p) > PTSCOPE_PAGES_ATTR_MAX)
		d->pages = NULL;
	if (!d->pages) {
		if (skb_tailroom(msg) < nla_total_size(sizeof(*p)))
			return 1;
		d->pages = nla_reserve(msg, PTSCOPE_A_PAGES, 0);
	} else if (skb_tailroom(msg) < sizeof(*p)) {
		return 1;
	}
	p = skb_put(msg, sizeof(*p));
	d->pages->nla_len += sizeof(*p);
	p->start_info = cpu_to_le64(start | info);
	p->raw = cpu_to_le64(e->raw);
	p->pfn = cpu_to_le64(e->state == PTSCOPE_STATE_SWAP ? e->swap_offset :
						     e->pfn);
	p->flags = cpu_to_le32((u32)e->flags);
	p->pages = cpu_to_le32(pages);
	d->last = p;
	return 0;
}

static int ptscope_dump_packed_leaf(struct ptscope_walk *w,
				    const struct ptscope_leaf *leaf)
{
	struct ptscope_nl_dump *d = w->priv;
	int ret;

	ret = ptscope_dump_put_page(d, leaf->start, leaf->end, &leaf->e);
	if (ret > 0)
		w->next = leaf->start;
	return ret ?: ptscope_dump_spend_leaf(w, 1);
}

/*
 * A run of mapped entries being added to the last record straight from
 * the copied table: the next entry extends it when its value is @next
 * (outside the frame bits when they are hidden) and its shared bit and
 * zero-page test match.  Same value outside the frame number, same
 * flags and state; the frame then advances by one page with the raw
 * entry, or both are hidden: ptscope_page_extends()'s rule, without
 * decoding each entry again.
 */
struct ptscope_pte_run {
	struct ptscope_page *rec;	/* NULL: no run */
	u64 next, mask, step;
	u32 add;			/* entries not yet in rec->pages */
	bool shared;
};

static void ptscope_pte_run_flush(struct ptscope_pte_run *run)
{
	if (run->add)
		le32_add_cpu(&run->rec->pages, run->add);
	run->add = 0;
	run->rec = NULL;
}

static void ptscope_pte_run_start(struct ptscope_pte_run *run,
				  const struct ptscope_nl_dump *d,
				  const struct ptscope_walk *w, unsigned int i,
				  const struct ptscope_entry *e)
{
	pte_t pte = w->ptes[i];

	run->rec = NULL;
	if (!pte_present(pte) || (e->flags & PTSCOPE_F(ZERO_PAGE)) ||
	    le32_to_cpu(d->last->pages) > U32_MAX - PTRS_PER_PTE)
		return;
	if (w->show_pfn && (e->state != PTSCOPE_STATE_PRESENT || !e->pfn))
		return;
	run->mask = w->show_pfn ? ~0ULL : ~PTSCOPE_ARCH_PFN_MASK;
	run->step = w->show_pfn ? PAGE_SIZE : 0;
	run->next = (pte_val(pte) & run->mask) + run->step;
	run->shared = test_bit(i, w->pte_shared);
	run->rec = d->last;
}

/* A copied PTE table: records straight from the entries, no leaf built. */
static int ptscope_dump_packed_ptes(struct ptscope_walk *w, unsigned long addr,
				    unsigned int n)
{
	struct ptscope_nl_dump *d = w->priv;
	struct ptscope_pte_class cls = { };
	struct ptscope_pte_run run = { };
	struct ptscope_entry e;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n; i++, addr += PAGE_SIZE) {
		pte_t pte = w->ptes[i];

		if (run.rec && (pte_val(pte) & run.mask) == run.next &&
		    test_bit(i, w->pte_shared) == run.shared &&
		    !is_zero_pfn(pte_pfn(pte))) {
			run.add++;
			run.next += run.step;
			continue;
		}
		ptscope_pte_run_flush(&run);
		if (pte_none(pte))
			continue;
		ptscope_walk_pte_entry(w, i, &cls, &e);
		ret = ptscope_dump_put_page(d, addr, addr + PAGE_SIZE, &e);
		if (ret > 0)
			w->next = addr;
		if (ret)
			break;
		ptscope_pte_run_start(&run, d, w, i, &e);
	}
	ptscope_pte_run_flush(&run);
	return ret ?: ptscope_dump_spend_leaf(w, n);
}

static const struct ptscope_walk_ops ptscope_dump_packed_ops = {
	.leaf = ptscope_dump_packed_leaf,
	.pte_table = ptscope_dump_packed_ptes,
};

static int ptscope_dump_vma_start(struct ptscope_walk *w,
				  struct vm_area_struct *vma)
{
	struct ptscope_nl_dump *d = w->priv;

	memset(&d->vs, 0, sizeof(d->vs));
	return 0;
}

static int ptscope_dump_vma_leaf(struct ptscope_walk *w,
				 const struct ptscope_leaf *leaf)
{
	struct ptscope_nl_dump *d = w->priv;

	ptscope_vma_stats_add(&d->vs, leaf);
	return ptscope_dump_spend_leaf(w, 1);
}

static int ptscope_dump_vma_ptes(struct ptscope_walk *w, unsigned long addr,
				 pte_t *ptep, unsigned int n)
{
	struct ptscope_nl_dump *d = w->priv;

	ptscope_vma_stats_add_ptes(&d->vs, w, ptep, n);
	return ptscope_dump_spend_leaf(w, n);
}

static int ptscope_dump_vma_end(struct ptscope_walk *w,
				struct vm_area_struct *vma)
{
	struct ptscope_nl_dump *d = w->priv;
	struct sk_buff *msg = d->msg;
	struct nlattr *nest;

	nest = nla_nest_start(msg, PTSCOPE_A_VMA);
	if (!nest)
		goto no_room;
	if (ptscope_put_u64(msg, PTSCOPE_VMA_START, vma->vm_start,
			    PTSCOPE_VMA_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_VMA_END, vma->vm_end,
			    PTSCOPE_VMA_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_VMA_FLAGS, vma->vm_flags,
			    PTSCOPE_VMA_PAD) ||
	    ptscope_put_u64(msg, PTSCOPE_VMA_PGOFF,
			    (u64)vma->vm_pgoff << PAGE_SHIFT, PTSCOPE_VMA_PAD) ||
	    ptscope_put_stats(msg, PTSCOPE_VMA_STATS, &d->vs, &w->vma_tables)) {
		nla_nest_cancel(msg, nest);
		goto no_room;
	}
	nla_nest_end(msg, nest);
	/* Stopping here resumes in the next VMA (w->next is its end). */
	return ptscope_dump_spend(d, 1);

no_room:
	/* Walk this VMA again for the next message. */
	w->next = vma->vm_start;
	return 1;
}

static const struct ptscope_walk_ops ptscope_dump_vma_ops = {
	.vma_start = ptscope_dump_vma_start,
	.leaf = ptscope_dump_vma_leaf,
	.pte_table_locked = ptscope_dump_vma_ptes,
	.vma_end = ptscope_dump_vma_end,
	.restart_changed_vma = true,
	.share = true,
};

/* ---- summary: one message at the end of the walk ------------------------ */

static int ptscope_dump_sum_leaf(struct ptscope_walk *w,
				 const struct ptscope_leaf *leaf)
{
	struct ptscope_nl_dump *d = w->priv;

	ptscope_vma_stats_add(&d->sum.total, leaf);
	return ptscope_dump_spend_leaf(w, 1);
}

static int ptscope_dump_sum_ptes(struct ptscope_walk *w, unsigned long addr,
				 pte_t *ptep, unsigned int n)
{
	struct ptscope_nl_dump *d = w->priv;

	ptscope_vma_stats_add_ptes(&d->sum.total, w, ptep, n);
	return ptscope_dump_spend_leaf(w, n);
}

static int ptscope_dump_sum_vma_end(struct ptscope_walk *w,
				    struct vm_area_struct *vma)
{
	struct ptscope_nl_dump *d = w->priv;

	d->sum.vmas++;
	return ptscope_dump_spend(d, 1);
}

static const struct ptscope_walk_ops ptscope_dump_sum_ops = {
	.leaf = ptscope_dump_sum_leaf,
	.pte_table_locked = ptscope_dump_sum_ptes,
	.vma_end = ptscope_dump_sum_vma_end,
	.share = true,
};

/*
 * The whole mm was walked: the table counts, as ptscope_mm_summary()
 * makes them, go out in this call's message.  Called with an mm user
 * reference held.
 */
static int ptscope_dump_sum_finish(struct ptscope_nl_dump *d)
{
	struct ptscope_summary *s = &d->sum;
	struct ptscope_table_count *t = &s->tables;

	*t = d->walk.mm_tables;
	t->tables[PTSCOPE_LEVEL_PGD] = 1;
	s->deposited = d->walk.deposited;
	/* mm_pgtables_bytes() counts pte, pmd and pud tables only. */
	s->counted_bytes = (t->tables[PTSCOPE_LEVEL_PTE] +
			    t->tables[PTSCOPE_LEVEL_PMD] +
			    t->tables[PTSCOPE_LEVEL_PUD] + s->deposited) *
			   PAGE_SIZE;
	s->pgtables_bytes = mm_pgtables_bytes(d->mm);
	/* Alone in its message: if it does not fit, it never will. */
	return ptscope_fill_summary(d->msg, s) ? -EMSGSIZE : 0;
}

/* The coalescer's last range. */
static int ptscope_dump_range_finish(struct ptscope_nl_dump *d)
{
	int ret = ptscope_coalesce_flush(&d->co);

	if (ret > 0)
		d->walk.next = d->co.resume;
	return ret;
}

/*
 * A dump's .start reports a refused request through cb->extack, which not
 * every kernel provides there (6.1 passes NULL, and the message would be
 * lost).  Then the error and its message are kept in an otherwise empty
 * dump state, and the first dumpit call returns them: every kernel sends
 * a dumpit's extack back with NLMSG_DONE.
 */
static int ptscope_dump_refuse(struct netlink_callback *cb,
			       const struct netlink_ext_ack *why, int err)
{
	struct ptscope_nl_dump *d;

	if (cb->extack) {
		cb->extack->_msg = why->_msg;
		cb->extack->bad_attr = why->bad_attr;
		return err;
	}
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return err;
	d->err = err;
	d->err_msg = why->_msg;
	cb->args[0] = (long)d;
	return 0;
}

static int ptscope_dump_start(struct netlink_callback *cb,
			      const struct ptscope_walk_ops *ops)
{
	struct nlattr **attrs = ptscope_genl_dump_attrs(cb);
	struct netlink_ext_ack why = { };
	struct ptscope_nl_dump *d;
	struct mm_struct *mm;
	u32 flags = 0;
	u64 start = 0, end = ptscope_arch_user_top();
	int err;

	if (attrs[PTSCOPE_A_START])
		start = nla_get_u64(attrs[PTSCOPE_A_START]);
	if (attrs[PTSCOPE_A_END])
		end = nla_get_u64(attrs[PTSCOPE_A_END]);
	if (attrs[PTSCOPE_A_FLAGS])
		flags = nla_get_u32(attrs[PTSCOPE_A_FLAGS]);
	/* First: with no END, a START up there would read as "end before". */
	if (start >= ptscope_arch_user_top()) {
		NL_SET_ERR_MSG_ATTR(&why, attrs[PTSCOPE_A_START],
				    "range starts above the user address space");
		return ptscope_dump_refuse(cb, &why, -EINVAL);
	}
	if (end <= start) {
		NL_SET_ERR_MSG_MOD(&why, "range end before start");
		return ptscope_dump_refuse(cb, &why, -EINVAL);
	}
	end = min_t(u64, end, ptscope_arch_user_top());

	mm = ptscope_nl_target(cb->skb, attrs, &why);
	if (IS_ERR(mm))
		return ptscope_dump_refuse(cb, &why, PTR_ERR(mm));
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		err = -ENOMEM;
		goto err_mm;
	}
	/* Packed pages are a form of the per-page range dump only. */
	if (ops == &ptscope_dump_range_ops && (flags & PTSCOPE_RF(PACKED))) {
		ops = &ptscope_dump_packed_ops;
		flags |= PTSCOPE_RF(PER_PAGE);
	}
	err = ptscope_walk_init(&d->walk, mm, ops, d,
				ptscope_nl_sees_pfn(cb->skb));
	if (err)
		goto err_free;
	d->walk.holes = !!(flags & PTSCOPE_RF(HOLES));
	/* Its per-VMA sums survive a budget stop in the middle of a VMA. */
	d->walk.keep_vma = ops == &ptscope_dump_vma_ops;
	if (ops == &ptscope_dump_sum_ops)
		d->finish = ptscope_dump_sum_finish;
	else if (ops != &ptscope_dump_vma_ops)
		d->finish = ptscope_dump_range_finish;
	ptscope_coalesce_init(&d->co, flags & PTSCOPE_RF(PER_PAGE),
			      ptscope_dump_emit_range, d);
	d->cursor = start;
	d->end = end;
	mmgrab(mm);
	d->mm = mm;
	mmput(mm);
	cb->args[0] = (long)d;
	return 0;

err_free:
	kfree(d);
err_mm:
	mmput(mm);
	return err;
}

static int ptscope_dump_vmas_start(struct netlink_callback *cb)
{
	return ptscope_dump_start(cb, &ptscope_dump_vma_ops);
}

static int ptscope_dump_ranges_start(struct netlink_callback *cb)
{
	return ptscope_dump_start(cb, &ptscope_dump_range_ops);
}

static int ptscope_dump_summary_start(struct netlink_callback *cb)
{
	return ptscope_dump_start(cb, &ptscope_dump_sum_ops);
}

static int ptscope_dump_done(struct netlink_callback *cb)
{
	struct ptscope_nl_dump *d = (struct ptscope_nl_dump *)cb->args[0];

	if (!d)
		return 0;
	ptscope_walk_release(&d->walk);
	if (d->mm)
		mmdrop(d->mm);
	kfree(d);
	return 0;
}

/*
 * One message per call: walk from the cursor until the message is full,
 * the call's budget is spent or the range is done.  Returning the
 * message's length asks for another call; 0 ends the dump.
 */
static int ptscope_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			    u8 cmd)
{
	struct ptscope_nl_dump *d = (struct ptscope_nl_dump *)cb->args[0];
	unsigned int empty_len;
	void *hdr;
	int ret;

	if (d->done)
		return 0;
	if (d->err) {
		/* Refused in .start without an extack to say why. */
		d->done = true;
		if (cb->extack)
			cb->extack->_msg = d->err_msg;
		return d->err;
	}
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ptscope_genl_family, NLM_F_MULTI, cmd);
	if (!hdr)
		return -EMSGSIZE;
	empty_len = skb->len;
	if (!mmget_not_zero(d->mm)) {
		genlmsg_cancel(skb, hdr);
		NL_SET_ERR_MSG_MOD(cb->extack, "process exited during the dump");
		return -ESRCH;
	}
	d->msg = skb;
	d->pages = NULL;
	d->last = NULL;
	d->budget = PTSCOPE_NL_DUMP_BUDGET;
	d->budget_stop = false;
	ret = ptscope_walk_range(&d->walk, d->cursor, d->end);
	if (ret == 0 && d->finish)
		ret = d->finish(d);
	mmput(d->mm);
	d->msg = NULL;
	d->pages = NULL;
	d->last = NULL;

	if (ret < 0)
		goto err_cancel;
	if (ret > 0) {
		/*
		 * Full, or out of budget (then possibly with nothing in it
		 * but the header).  An item that does not fit an empty
		 * message never will.
		 */
		if (skb->len == empty_len && !d->budget_stop) {
			ret = -EMSGSIZE;
			goto err_cancel;
		}
		d->cursor = d->walk.next;
	} else {
		d->done = true;
	}
	genlmsg_end(skb, hdr);
	return skb->len;

err_cancel:
	genlmsg_cancel(skb, hdr);
	return ret;
}

static int ptscope_nl_dump_vmas(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	return ptscope_dump_one(skb, cb, PTSCOPE_CMD_GET_VMAS);
}

static int ptscope_nl_dump_ranges(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	return ptscope_dump_one(skb, cb, PTSCOPE_CMD_GET_RANGES);
}

static int ptscope_nl_dump_summary(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	return ptscope_dump_one(skb, cb, PTSCOPE_CMD_GET_SUMMARY);
}

/* ---- statistics ------------------------------------------------------ */

static const struct nla_policy ptscope_stats_set_policy[PTSCOPE_STATS_MAX + 1] = {
	[PTSCOPE_STATS_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[PTSCOPE_STATS_WATCH_ADD] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTSCOPE_STATS_WATCH_DEL] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy ptscope_set_stats_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_STATS] = NLA_POLICY_NESTED(ptscope_stats_set_policy),
};

static int ptscope_put_counters(struct sk_buff *msg, const u64 *ctr)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(msg, PTSCOPE_STATS_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i < __PTSCOPE_CTR_CNT; i++) {
		/* Type 0 (PTSCOPE_CTR_UNSPEC) pads. */
		if (nla_put_u64_64bit(msg, i, ctr[i], PTSCOPE_CTR_UNSPEC)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int ptscope_put_tlb_stats(struct sk_buff *msg,
				 const struct ptscope_stats_snap *s)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(msg, PTSCOPE_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(msg, PTSCOPE_STATS_ENABLED, s->enabled) ||
	    nla_put_u64_64bit(msg, PTSCOPE_STATS_TIME_NS, s->time_ns,
			      PTSCOPE_STATS_PAD) ||
	    nla_put_u64_64bit(msg, PTSCOPE_STATS_KERN_PGFAULT, s->kern_pgfault,
			      PTSCOPE_STATS_PAD) ||
	    nla_put_u64_64bit(msg, PTSCOPE_STATS_KERN_PGMAJFAULT,
			      s->kern_pgmajfault, PTSCOPE_STATS_PAD))
		goto err_cancel;
	if (s->pid) {
		if (nla_put_u32(msg, PTSCOPE_STATS_PID, s->pid) ||
		    nla_put_u64_64bit(msg, PTSCOPE_STATS_KERN_MIN_FLT,
				      s->kern_min_flt, PTSCOPE_STATS_PAD) ||
		    nla_put_u64_64bit(msg, PTSCOPE_STATS_KERN_MAJ_FLT,
				      s->kern_maj_flt, PTSCOPE_STATS_PAD))
			goto err_cancel;
		if (s->watched && nla_put_flag(msg, PTSCOPE_STATS_WATCHED))
			goto err_cancel;
	}
	for (i = 0; i < s->nr_watch; i++)
		if (nla_put_u32(msg, PTSCOPE_STATS_WATCH_PID, s->watch[i]))
			goto err_cancel;
	if ((!s->pid || s->watched) && ptscope_put_counters(msg, s->ctr))
		goto err_cancel;
	nla_nest_end(msg, nest);
	return 0;

err_cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

static int ptscope_fill_tlb_stats(struct sk_buff *msg, void *arg)
{
	return ptscope_put_tlb_stats(msg, arg);
}

static int ptscope_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct ptscope_stats_snap *s;
	const char *why = NULL;
	pid_t pid = 0;
	int err;

	if (info->attrs[PTSCOPE_A_PID])
		pid = nla_get_u32(info->attrs[PTSCOPE_A_PID]);
	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	err = ptscope_stats_snapshot(pid, current_cred(), s, &why);
	if (err)
		ptscope_extack_msg(info->extack, why);
	else
		err = ptscope_nl_reply(info, PTSCOPE_CMD_GET_STATS,
				       NLMSG_GOODSIZE, ptscope_fill_tlb_stats, s);
	kfree(s);
	return err;
}

static int ptscope_nl_set_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PTSCOPE_STATS_MAX + 1];
	const char *why = NULL;
	int err;

	if (!netlink_capable(skb, CAP_PERFMON) &&
	    !netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack,
			       "changing statistics needs CAP_SYS_ADMIN or CAP_PERFMON");
		return -EPERM;
	}
	if (GENL_REQ_ATTR_CHECK(info, PTSCOPE_A_STATS)) {
		NL_SET_ERR_MSG(info->extack, "a statistics nest is required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, PTSCOPE_STATS_MAX,
			       info->attrs[PTSCOPE_A_STATS],
			       ptscope_stats_set_policy, info->extack);
	if (err)
		return err;
	if (!tb[PTSCOPE_STATS_ENABLED] && !tb[PTSCOPE_STATS_WATCH_ADD] &&
	    !tb[PTSCOPE_STATS_WATCH_DEL]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PTSCOPE_A_STATS],
				    "nothing to change: give enabled, watch-add or watch-del");
		return -EINVAL;
	}

	if (tb[PTSCOPE_STATS_WATCH_DEL]) {
		err = ptscope_stats_watch_del(nla_get_u32(tb[PTSCOPE_STATS_WATCH_DEL]),
					      &why);
		if (err)
			goto err_attr;
	}
	if (tb[PTSCOPE_STATS_WATCH_ADD]) {
		err = ptscope_stats_watch_add(nla_get_u32(tb[PTSCOPE_STATS_WATCH_ADD]),
					      current_cred(), &why);
		if (err)
			goto err_attr;
	}
	if (tb[PTSCOPE_STATS_ENABLED]) {
		err = ptscope_stats_set_enabled(nla_get_u8(tb[PTSCOPE_STATS_ENABLED]),
						&why);
		if (err)
			goto err_attr;
	}
	return 0;

err_attr:
	ptscope_extack_msg(info->extack, why);
	return err;
}

/* ---- family ------------------------------------------------------------------ */

static const struct genl_ops ptscope_genl_ops[] = {
	{
		.cmd = PTSCOPE_CMD_GET_INFO,
		.doit = ptscope_nl_get_info,
		.policy = ptscope_info_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_GET_SUMMARY,
		.doit = ptscope_nl_get_summary,
		.start = ptscope_dump_summary_start,
		.dumpit = ptscope_nl_dump_summary,
		.done = ptscope_dump_done,
		.policy = ptscope_pid_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_GET_VMAS,
		.start = ptscope_dump_vmas_start,
		.dumpit = ptscope_nl_dump_vmas,
		.done = ptscope_dump_done,
		.policy = ptscope_dump_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_GET_RANGES,
		.start = ptscope_dump_ranges_start,
		.dumpit = ptscope_nl_dump_ranges,
		.done = ptscope_dump_done,
		.policy = ptscope_dump_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_VTOP,
		.doit = ptscope_nl_vtop,
		.policy = ptscope_vtop_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_GET_STATS,
		.doit = ptscope_nl_get_stats,
		.policy = ptscope_pid_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_SET_STATS,
		.doit = ptscope_nl_set_stats,
		.policy = ptscope_set_stats_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
};

/*
 * resv_start_op stays 0: every command gets strict header and attribute
 * validation, and every command has a policy.
 *
 * parallel_ops: a walk of a large process takes a while, and genl_mutex
 * would make every other generic netlink family wait for it.  Nothing
 * here needs it: each request keeps its state in its own callback or
 * dump state, and statistics changes are serialised by stats.c's mutex.
 */
static struct genl_family ptscope_genl_family __ro_after_init = {
	.name = PTSCOPE_GENL_NAME,
	.version = PTSCOPE_GENL_VERSION,
	.maxattr = PTSCOPE_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = ptscope_genl_ops,
	.n_ops = ARRAY_SIZE(ptscope_genl_ops),
};

int __init ptscope_netlink_init(void)
{
	return genl_register_family(&ptscope_genl_family);
}

void ptscope_netlink_exit(void)
{
	genl_unregister_family(&ptscope_genl_family);
}
