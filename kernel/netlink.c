// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink: upstream binder's transaction reports (family
 * "binder", uapi/linux/android/binder_netlink.h) and ipckit's own events
 * and queries (family "ipckit", uapi/linux/ipckit_netlink.h). Semantics
 * and permissions: Documentation/netlink.rst.
 *
 * LOCKING
 * =======
 * Nothing here is called with a spinlock held, except
 * ipckit_nl_event_queue(), which only builds a message (GFP_ATOMIC) for
 * ipckit_nl_event_flush() to send once the caller unlocked: a node's
 * death notifications are queued under node->lock and the holders to name
 * are known only there. Every other message is built and sent with no
 * driver lock held, from fields the caller collected under its locks.
 *
 * Sending never blocks: a multicast to a full socket is dropped and the
 * listener sees ENOBUFS; an allocation failure drops the message too.
 *
 * Requests run under genl_lock (the family is not parallel_ops), so
 * genl_unregister_family() at module exit waits for them; a dump in
 * progress pins the module. Both take ipckit_contexts_lock, then a
 * context's lock; contexts live from before registration until after
 * unregistration. A dump resumes from cb->args: context index, then the
 * counter index (GET_STATS) or the last process serial (GET_PROC).
 *
 * @ipckit_nl_binder_ok and @ipckit_nl_ipckit_ok are set (release) once
 * a family is registered and cleared before it goes; senders test them
 * (acquire) so that they never touch a family half registered.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <linux/android/binder_netlink.h>
#include <linux/ipckit_netlink.h>

#include "compat.h"
#include "internal.h"

static bool ipckit_nl_binder_ok;
static bool ipckit_nl_ipckit_ok;

static bool ipckit_nl_ok(const bool *registered)
{
	/* Pairs with ipckit_nl_set(): the family is whole once seen set. */
	return smp_load_acquire(registered);
}

static void ipckit_nl_set(bool *registered, bool value)
{
	/* Pairs with ipckit_nl_ok(). */
	smp_store_release(registered, value);
}

/* --- family "binder": upstream's reports ------------------------------ */

enum { IPCKIT_NL_BINDER_GRP_REPORT };

static const struct genl_multicast_group ipckit_nl_binder_mcgrps[] = {
	/* Open to anyone, as upstream's. */
	[IPCKIT_NL_BINDER_GRP_REPORT] = { .name = BINDER_MCGRP_REPORT, },
};

static struct genl_family ipckit_nl_binder_family = {
	.name = BINDER_FAMILY_NAME,
	.version = BINDER_FAMILY_VERSION,
	/* As upstream: visible everywhere, reports go to init_net. */
	.netnsok = true,
	.module = THIS_MODULE,
	.mcgrps = ipckit_nl_binder_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ipckit_nl_binder_mcgrps),
};

/* Someone listens for reports: worth collecting the fields. */
bool ipckit_nl_report_wanted(void)
{
	return ipckit_nl_ok(&ipckit_nl_binder_ok) &&
	       genl_has_listeners(&ipckit_nl_binder_family, &init_net,
				  IPCKIT_NL_BINDER_GRP_REPORT);
}

/**
 * ipckit_nl_report() - multicast one transaction report, as upstream
 * @ctx: the device
 * @r:   the fields, collected by the caller; no lock held
 */
void ipckit_nl_report(struct ipckit_context *ctx,
		      const struct ipckit_nl_report *r)
{
	struct sk_buff *skb;
	void *hdr;

	if (!ipckit_nl_report_wanted())
		return;
	skb = genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &ipckit_nl_binder_family, 0,
			  BINDER_CMD_REPORT);
	if (!hdr)
		goto free;
	if (nla_put_u32(skb, BINDER_A_REPORT_ERROR, r->error) ||
	    nla_put_string(skb, BINDER_A_REPORT_CONTEXT, ctx->name) ||
	    nla_put_u32(skb, BINDER_A_REPORT_FROM_PID, r->from_pid) ||
	    nla_put_u32(skb, BINDER_A_REPORT_FROM_TID, r->from_tid) ||
	    (r->to_pid && nla_put_u32(skb, BINDER_A_REPORT_TO_PID, r->to_pid)) ||
	    (r->to_tid && nla_put_u32(skb, BINDER_A_REPORT_TO_TID, r->to_tid)) ||
	    (r->is_reply && nla_put_flag(skb, BINDER_A_REPORT_IS_REPLY)) ||
	    nla_put_u32(skb, BINDER_A_REPORT_FLAGS, r->flags) ||
	    nla_put_u32(skb, BINDER_A_REPORT_CODE, r->code) ||
	    nla_put_u32(skb, BINDER_A_REPORT_DATA_SIZE, r->data_size))
		goto free;
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&ipckit_nl_binder_family, skb, 0,
			  IPCKIT_NL_BINDER_GRP_REPORT, GFP_KERNEL);
	return;
free:
	nlmsg_free(skb);
}

/* --- family "ipckit": events ------------------------------------------ */

enum { IPCKIT_NL_GRP_EVENTS };

static const struct genl_multicast_group ipckit_nl_mcgrps[] = {
	/* Events name every user's processes: CAP_SYS_ADMIN to subscribe. */
	[IPCKIT_NL_GRP_EVENTS] = {
		.name = IPCKIT_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_SYS_ADMIN,
	},
};

static struct genl_family ipckit_nl_family;

bool ipckit_nl_events_wanted(void)
{
	return ipckit_nl_ok(&ipckit_nl_ipckit_ok) &&
	       genl_has_listeners(&ipckit_nl_family, &init_net,
				  IPCKIT_NL_GRP_EVENTS);
}

static struct sk_buff *ipckit_nl_event_build(struct ipckit_context *ctx,
					     const struct ipckit_nl_event *ev,
					     gfp_t gfp)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!skb)
		return NULL;
	hdr = genlmsg_put(skb, 0, 0, &ipckit_nl_family, 0, IPCKIT_CMD_EVENT);
	if (!hdr)
		goto free;
	if (nla_put_string(skb, IPCKIT_A_DEVICE, ctx->name) ||
	    nla_put_u32(skb, IPCKIT_A_EVENT, ev->kind) ||
	    nla_put_u32(skb, IPCKIT_A_PID, ev->pid) ||
	    (ev->tid && nla_put_u32(skb, IPCKIT_A_TID, ev->tid)) ||
	    nla_put_u32(skb, IPCKIT_A_UID,
			from_kuid_munged(&init_user_ns, ev->uid)) ||
	    (ev->target_pid &&
	     nla_put_u32(skb, IPCKIT_A_TARGET_PID, ev->target_pid)))
		goto free;
	switch (ev->kind) {
	case IPCKIT_EVENT_DEATH_SENT:
		if (nla_put_u64_64bit(skb, IPCKIT_A_NODE, ev->node,
				      IPCKIT_A_PAD) ||
		    nla_put_u32(skb, IPCKIT_A_HANDLE, ev->handle) ||
		    nla_put_u64_64bit(skb, IPCKIT_A_COOKIE, ev->cookie,
				      IPCKIT_A_PAD))
			goto free;
		break;
	case IPCKIT_EVENT_CONTEXT_MGR:
		if (nla_put_u64_64bit(skb, IPCKIT_A_NODE, ev->node,
				      IPCKIT_A_PAD) ||
		    (ev->mgr_left && nla_put_flag(skb, IPCKIT_A_MGR_LEFT)))
			goto free;
		break;
	case IPCKIT_EVENT_FREEZE:
		if (nla_put_u32(skb, IPCKIT_A_TIMEOUT_MS, ev->timeout_ms))
			goto free;
		break;
	default:
		break;
	}
	genlmsg_end(skb, hdr);
	return skb;
free:
	nlmsg_free(skb);
	return NULL;
}

static void ipckit_nl_event_send(struct sk_buff *skb)
{
	genlmsg_multicast(&ipckit_nl_family, skb, 0, IPCKIT_NL_GRP_EVENTS,
			  GFP_KERNEL);
}

/**
 * ipckit_nl_event() - multicast one event
 * @ctx: the device
 * @ev:  the fields, collected by the caller; no lock held
 */
void ipckit_nl_event(struct ipckit_context *ctx,
		     const struct ipckit_nl_event *ev)
{
	struct sk_buff *skb;

	if (!ipckit_nl_events_wanted())
		return;
	skb = ipckit_nl_event_build(ctx, ev, GFP_KERNEL);
	if (skb)
		ipckit_nl_event_send(skb);
}

/**
 * ipckit_nl_event_queue() - build an event under a spinlock, send later
 * @ctx: the device
 * @ev:  the fields
 * @q:   the caller's queue, sent by ipckit_nl_event_flush() after unlock
 *
 * GFP_ATOMIC: see LOCKING. A failed allocation drops the event.
 */
void ipckit_nl_event_queue(struct ipckit_context *ctx,
			   const struct ipckit_nl_event *ev,
			   struct sk_buff_head *q)
{
	struct sk_buff *skb;

	if (!ipckit_nl_events_wanted())
		return;
	skb = ipckit_nl_event_build(ctx, ev, GFP_ATOMIC | __GFP_NOWARN);
	if (skb)
		__skb_queue_tail(q, skb);
}

/* Send what ipckit_nl_event_queue() built; no lock held. */
void ipckit_nl_event_flush(struct sk_buff_head *q)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(q))) {
		if (ipckit_nl_ok(&ipckit_nl_ipckit_ok))
			ipckit_nl_event_send(skb);
		else
			kfree_skb(skb);
	}
}

/* --- family "ipckit": requests ---------------------------------------- */

static const struct nla_policy ipckit_nl_policy[IPCKIT_A_MAX + 1] = {
	[IPCKIT_A_DEVICE] = { .type = NLA_NUL_STRING,
			      .len = IPCKIT_CTX_NAME_MAX - 1 },
	[IPCKIT_A_PID] = { .type = NLA_U32 },
};

/* The context named by @attr, or NULL. ipckit_contexts_lock held. */
static struct ipckit_context *ipckit_nl_find_ctx(const struct nlattr *attr,
						 int *index)
{
	struct ipckit_context *ctx;
	int i = 0;

	lockdep_assert_held(&ipckit_contexts_lock);
	list_for_each_entry(ctx, &ipckit_contexts, link) {
		if (!nla_strcmp(attr, ctx->name)) {
			if (index)
				*index = i;
			return ctx;
		}
		i++;
	}
	return NULL;
}

/* The @index-th context, or NULL. ipckit_contexts_lock held. */
static struct ipckit_context *ipckit_nl_nth_ctx(long index)
{
	struct ipckit_context *ctx;

	lockdep_assert_held(&ipckit_contexts_lock);
	list_for_each_entry(ctx, &ipckit_contexts, link)
		if (!index--)
			return ctx;
	return NULL;
}

/*
 * Counters from @*pos on, as many as fit; @*pos then names the first left
 * out. Return: 0 when all went in, -EMSGSIZE when some are left.
 */
static int ipckit_nl_put_stats(struct sk_buff *skb, struct ipckit_context *ctx,
			       unsigned long *pos)
{
	char name[IPCKIT_STAT_NAME_MAX];
	struct nlattr *nest;
	u64 value;
	int ret;

	for (;; (*pos)++) {
		ret = ipckit_stat_get(ctx, *pos, name, sizeof(name), &value);
		if (ret < 0)
			return 0;
		if (!ret)
			continue;
		nest = nla_nest_start(skb, IPCKIT_A_STAT);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_string(skb, IPCKIT_A_STAT_NAME, name) ||
		    nla_put_u64_64bit(skb, IPCKIT_A_STAT_VALUE, value,
				      IPCKIT_A_STAT_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
	}
}

/* Room for every counter of a device, for a doit's reply. */
static size_t ipckit_nl_stats_size(struct ipckit_context *ctx)
{
	char name[IPCKIT_STAT_NAME_MAX];
	size_t size = nla_total_size(IPCKIT_CTX_NAME_MAX);
	unsigned long i;
	u64 value;
	int ret;

	for (i = 0; (ret = ipckit_stat_get(ctx, i, name, sizeof(name),
					   &value)) >= 0; i++)
		size += nla_total_size(0) + nla_total_size(IPCKIT_STAT_NAME_MAX) +
			nla_total_size_64bit(sizeof(u64));
	return size;
}

static int ipckit_nl_get_stats_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct ipckit_context *ctx;
	unsigned long pos = 0;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, IPCKIT_A_DEVICE))
		return -EINVAL;
	mutex_lock(&ipckit_contexts_lock);
	ctx = ipckit_nl_find_ctx(info->attrs[IPCKIT_A_DEVICE], NULL);
	if (!ctx) {
		mutex_unlock(&ipckit_contexts_lock);
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[IPCKIT_A_DEVICE],
				    "no such ipckit device");
		return -ENODEV;
	}
	msg = genlmsg_new(ipckit_nl_stats_size(ctx), GFP_KERNEL);
	if (!msg) {
		mutex_unlock(&ipckit_contexts_lock);
		return -ENOMEM;
	}
	hdr = genlmsg_put_reply(msg, info, &ipckit_nl_family, 0,
				IPCKIT_CMD_GET_STATS);
	ret = -EMSGSIZE;
	if (hdr && !nla_put_string(msg, IPCKIT_A_DEVICE, ctx->name))
		ret = ipckit_nl_put_stats(msg, ctx, &pos);
	mutex_unlock(&ipckit_contexts_lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * One message per device; a device whose counters do not fit in what is
 * left of @skb continues in the next message (cb->args[1]).
 */
static int ipckit_nl_get_stats_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	struct ipckit_context *ctx;
	void *hdr;
	int ret = 0;

	mutex_lock(&ipckit_contexts_lock);
	for (; (ctx = ipckit_nl_nth_ctx(cb->args[0])); cb->args[0]++,
	     cb->args[1] = 0) {
		unsigned long start = cb->args[1];

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ipckit_nl_family,
				  NLM_F_MULTI, IPCKIT_CMD_GET_STATS);
		if (!hdr)
			break;
		if (nla_put_string(skb, IPCKIT_A_DEVICE, ctx->name)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		ret = ipckit_nl_put_stats(skb, ctx, &cb->args[1]);
		if (ret && cb->args[1] == start) {
			/* Not one counter fits: an empty message would loop. */
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		if (ret)
			break;
	}
	mutex_unlock(&ipckit_contexts_lock);
	/* Nothing at all fitted: say so rather than end the dump. */
	if (!skb->len && ctx)
		return -EMSGSIZE;
	return skb->len;
}

/* One process's counts, collected under its locks. */
struct ipckit_nl_proc {
	pid_t pid;
	kuid_t euid;
	u32 threads, nodes, refs, strong_refs, todo;
	u32 max_threads, requested_threads, started_threads;
	u32 buffers, buffer_bytes;
	bool frozen;
};

static void ipckit_nl_collect_proc(struct ipckit_proc *proc,
				   struct ipckit_nl_proc *p)
{
	struct list_head *pos;
	struct rb_node *n;
	size_t buffers, bytes;

	memset(p, 0, sizeof(*p));
	p->pid = proc->pid;
	p->euid = task_euid(proc->tsk);

	spin_lock(&proc->outer_lock);
	for (n = rb_first(&proc->refs_by_desc); n; n = rb_next(n)) {
		p->refs++;
		if (rb_entry(n, struct ipckit_ref, rb_desc)->strong)
			p->strong_refs++;
	}
	spin_unlock(&proc->outer_lock);

	spin_lock(&proc->inner_lock);
	for (n = rb_first(&proc->threads); n; n = rb_next(n))
		p->threads++;
	for (n = rb_first(&proc->nodes); n; n = rb_next(n))
		p->nodes++;
	list_for_each(pos, &proc->todo)
		p->todo++;
	p->max_threads = proc->max_threads;
	p->requested_threads = proc->requested_threads;
	p->started_threads = proc->requested_threads_started;
	p->frozen = proc->is_frozen;
	spin_unlock(&proc->inner_lock);

	ipckit_alloc_usage(&proc->alloc, &buffers, &bytes);
	p->buffers = min_t(size_t, buffers, U32_MAX);
	p->buffer_bytes = min_t(size_t, bytes, U32_MAX);
}

static int ipckit_nl_put_proc(struct sk_buff *skb, struct ipckit_context *ctx,
			      const struct ipckit_nl_proc *p)
{
	if (nla_put_string(skb, IPCKIT_A_DEVICE, ctx->name) ||
	    nla_put_u32(skb, IPCKIT_A_PID, p->pid) ||
	    nla_put_u32(skb, IPCKIT_A_UID,
			from_kuid_munged(&init_user_ns, p->euid)) ||
	    nla_put_u32(skb, IPCKIT_A_PROC_THREADS, p->threads) ||
	    nla_put_u32(skb, IPCKIT_A_PROC_NODES, p->nodes) ||
	    nla_put_u32(skb, IPCKIT_A_PROC_REFS, p->refs) ||
	    nla_put_u32(skb, IPCKIT_A_PROC_STRONG_REFS, p->strong_refs) ||
	    nla_put_u32(skb, IPCKIT_A_PROC_TODO, p->todo) ||
	    nla_put_u32(skb, IPCKIT_A_PROC_MAX_THREADS, p->max_threads) ||
	    nla_put_u32(skb, IPCKIT_A_PROC_REQUESTED_THREADS,
			p->requested_threads) ||
	    nla_put_u32(skb, IPCKIT_A_PROC_STARTED_THREADS,
			p->started_threads) ||
	    nla_put_u32(skb, IPCKIT_A_PROC_BUFFERS, p->buffers) ||
	    nla_put_u32(skb, IPCKIT_A_PROC_BUFFER_BYTES, p->buffer_bytes) ||
	    nla_put_u32(skb, IPCKIT_A_PROC_FROZEN, p->frozen))
		return -EMSGSIZE;
	return 0;
}

/*
 * Who may read a process's state: its own euid, or CAP_SYS_ADMIN (of
 * the requesting socket's opener and of the requester, netlink_capable()).
 */
static bool ipckit_nl_may_read(bool admin, kuid_t euid, kuid_t target)
{
	return admin || uid_eq(euid, target);
}

static int ipckit_nl_get_proc_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool admin = netlink_capable(skb, CAP_SYS_ADMIN);
	kuid_t euid = current_euid();
	struct ipckit_context *ctx;
	struct ipckit_proc *proc;
	struct ipckit_nl_proc p;
	struct sk_buff *msg;
	bool found = false;
	void *hdr;
	int ret;
	pid_t pid;

	if (GENL_REQ_ATTR_CHECK(info, IPCKIT_A_DEVICE) ||
	    GENL_REQ_ATTR_CHECK(info, IPCKIT_A_PID))
		return -EINVAL;
	pid = nla_get_u32(info->attrs[IPCKIT_A_PID]);

	mutex_lock(&ipckit_contexts_lock);
	ctx = ipckit_nl_find_ctx(info->attrs[IPCKIT_A_DEVICE], NULL);
	if (ctx) {
		mutex_lock(&ctx->lock);
		/* The first open of the pid, the one debugfs shows. */
		list_for_each_entry(proc, &ctx->procs, ctx_link) {
			if (proc->pid != pid)
				continue;
			ipckit_nl_collect_proc(proc, &p);
			found = true;
			break;
		}
		mutex_unlock(&ctx->lock);
		/* A binderfs context may go once the lock is dropped. */
		if (found)
			ipckit_context_get(ctx);
	}
	mutex_unlock(&ipckit_contexts_lock);
	if (!ctx) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[IPCKIT_A_DEVICE],
				    "no such ipckit device");
		return -ENODEV;
	}
	if (!found) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[IPCKIT_A_PID],
				    "pid has not opened the device");
		return -ESRCH;
	}
	if (!ipckit_nl_may_read(admin, euid, p.euid)) {
		NL_SET_ERR_MSG(info->extack,
			       "another user's process: CAP_SYS_ADMIN needed");
		ret = -EPERM;
		goto out;
	}

	ret = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &ipckit_nl_family, 0,
				IPCKIT_CMD_GET_PROC);
	if (!hdr || ipckit_nl_put_proc(msg, ctx, &p)) {
		nlmsg_free(msg);
		ret = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out:
	ipckit_context_put(ctx);
	return ret;
}

/*
 * cb->args of a GET_PROC dump: [0] context index, [1] serial of the last
 * process sent in it, [2] one context only, [3] CAP_SYS_ADMIN, [4] euid.
 * The requester's rights are taken at the start, in its own context.
 */
static int ipckit_nl_get_proc_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = ipckit_genl_dump_attrs(cb);
	int index;

	cb->args[3] = netlink_capable(cb->skb, CAP_SYS_ADMIN);
	cb->args[4] = from_kuid(&init_user_ns, current_euid());
	if (!attrs || !attrs[IPCKIT_A_DEVICE])
		return 0;
	mutex_lock(&ipckit_contexts_lock);
	if (!ipckit_nl_find_ctx(attrs[IPCKIT_A_DEVICE], &index))
		index = -1;
	mutex_unlock(&ipckit_contexts_lock);
	if (index < 0)
		return -ENODEV;
	cb->args[0] = index;
	cb->args[2] = 1;
	return 0;
}

/*
 * Every process the requester may read, one message each. Processes are
 * on their context's list in the order of their serials, so a dump
 * resumes after the last one sent even when some closed meanwhile.
 */
static int ipckit_nl_get_proc_dumpit(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	kuid_t euid = make_kuid(&init_user_ns, cb->args[4]);
	bool admin = cb->args[3];
	struct ipckit_context *ctx;
	struct ipckit_proc *proc;
	struct ipckit_nl_proc p;
	bool full = false;
	void *hdr;

	mutex_lock(&ipckit_contexts_lock);
	for (; !full && (ctx = ipckit_nl_nth_ctx(cb->args[0]));
	     cb->args[0]++, cb->args[1] = 0) {
		mutex_lock(&ctx->lock);
		list_for_each_entry(proc, &ctx->procs, ctx_link) {
			if (proc->nl_serial <= cb->args[1])
				continue;
			if (!ipckit_nl_may_read(admin, euid,
						task_euid(proc->tsk))) {
				cb->args[1] = proc->nl_serial;
				continue;
			}
			ipckit_nl_collect_proc(proc, &p);
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, &ipckit_nl_family,
					  NLM_F_MULTI, IPCKIT_CMD_GET_PROC);
			if (!hdr || ipckit_nl_put_proc(skb, ctx, &p)) {
				if (hdr)
					genlmsg_cancel(skb, hdr);
				full = true;
				break;
			}
			genlmsg_end(skb, hdr);
			cb->args[1] = proc->nl_serial;
		}
		mutex_unlock(&ctx->lock);
		if (full || cb->args[2])
			break;
	}
	mutex_unlock(&ipckit_contexts_lock);
	if (!full && ctx) {
		/* One context asked for: it is done, so is the dump. */
		cb->args[0] = LONG_MAX;
	}
	return skb->len;
}

static const struct genl_ops ipckit_nl_ops[] = {
	{
		.cmd = IPCKIT_CMD_GET_STATS,
		.doit = ipckit_nl_get_stats_doit,
		.dumpit = ipckit_nl_get_stats_dumpit,
	},
	{
		.cmd = IPCKIT_CMD_GET_PROC,
		.doit = ipckit_nl_get_proc_doit,
		.start = ipckit_nl_get_proc_start,
		.dumpit = ipckit_nl_get_proc_dumpit,
	},
};

static struct genl_family ipckit_nl_family = {
	.name = IPCKIT_FAMILY_NAME,
	.version = IPCKIT_FAMILY_VERSION,
	.maxattr = IPCKIT_A_MAX,
	.policy = ipckit_nl_policy,
	/* Pids and counts are init's: the family lives in init_net only. */
	.netnsok = false,
	.module = THIS_MODULE,
	.ops = ipckit_nl_ops,
	.n_ops = ARRAY_SIZE(ipckit_nl_ops),
	.mcgrps = ipckit_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ipckit_nl_mcgrps),
};

/* --- registration ----------------------------------------------------- */

/*
 * Either family may be missing (a kernel with upstream's binder family
 * has the name "binder"); the devices work without them.
 */
void ipckit_netlink_init(void)
{
	int err;

	err = genl_register_family(&ipckit_nl_binder_family);
	if (err)
		pr_warn(IPCKIT_LOG_PREFIX "generic netlink family '%s' not registered (%d): no transaction reports\n",
			BINDER_FAMILY_NAME, err);
	else
		ipckit_nl_set(&ipckit_nl_binder_ok, true);

	err = genl_register_family(&ipckit_nl_family);
	if (err)
		pr_warn(IPCKIT_LOG_PREFIX "generic netlink family '%s' not registered (%d): no events or queries\n",
			IPCKIT_FAMILY_NAME, err);
	else
		ipckit_nl_set(&ipckit_nl_ipckit_ok, true);
}

/*
 * First in module exit: no device is open (they pin the module), so no
 * event is on its way; requests in flight are waited for.
 */
void ipckit_netlink_exit(void)
{
	if (ipckit_nl_ipckit_ok) {
		ipckit_nl_set(&ipckit_nl_ipckit_ok, false);
		genl_unregister_family(&ipckit_nl_family);
	}
	if (ipckit_nl_binder_ok) {
		ipckit_nl_set(&ipckit_nl_binder_ok, false);
		genl_unregister_family(&ipckit_nl_binder_family);
	}
}

/* IPCKIT_FEATURE_NETLINK: ipckit's own family is there. */
bool ipckit_netlink_registered(void)
{
	return ipckit_nl_ok(&ipckit_nl_ipckit_ok);
}
