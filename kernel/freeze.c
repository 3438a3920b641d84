// SPDX-License-Identifier: GPL-2.0
/*
 * Freezing: BINDER_FREEZE and BINDER_GET_FROZEN_INFO, as the reference.
 *
 * A frozen process (the freezer cgroup stops its threads) must not be
 * sent synchronous calls, which would hang their callers: those fail with
 * BR_FROZEN_REPLY. One-way calls queue up for when it thaws. Freezing
 * with a timeout first waits until nothing is outstanding: no transaction
 * queued to the process or being handled by it, no reply unread. Both
 * ioctls name the process by pid and act on every open of every ipckit
 * device by that process, as the reference does across its devices.
 * Each freeze or thaw that succeeds is told to the process's watchers
 * (freeze_notify.c).
 *
 * Locking: see internal.h. The processes of a pid are collected under
 * ipckit_contexts_lock and each context's lock, with a reference each;
 * the freeze itself and its wait run with no lock held. @is_frozen,
 * @sync_recv, @async_recv and @outstanding_txns are guarded by the
 * process's inner_lock.
 */
#include <linux/jiffies.h>
#include <linux/slab.h>

#include <linux/ipckit_netlink.h>

#include "internal.h"

/**
 * ipckit_outstanding_inc_ilocked() - count @t against its receiver
 * @proc: @t's receiver, inner_lock held
 * @t:    a transaction or reply just queued to @proc
 */
void ipckit_outstanding_inc_ilocked(struct ipckit_proc *proc,
				    struct ipckit_transaction *t)
{
	lockdep_assert_held(&proc->inner_lock);
	if (WARN_ON(t->outstanding))
		return;
	t->outstanding = true;
	proc->outstanding_txns++;
}

/**
 * ipckit_outstanding_dec_ilocked() - uncount @t, if it was counted
 * @proc: @t's receiver, inner_lock held
 * @t:    a transaction being freed
 *
 * Return: true if a frozen @proc has nothing outstanding any more: the
 * caller must wake @proc->freeze_wait once it dropped the lock.
 */
bool ipckit_outstanding_dec_ilocked(struct ipckit_proc *proc,
				    struct ipckit_transaction *t)
{
	lockdep_assert_held(&proc->inner_lock);
	if (!t->outstanding)
		return false;
	t->outstanding = false;
	proc->outstanding_txns--;
	WARN_ON_ONCE(proc->outstanding_txns < 0);
	return !proc->outstanding_txns && proc->is_frozen;
}

/* Work in flight: counted transactions, or a call a thread is part of. */
static bool ipckit_txns_pending_ilocked(struct ipckit_proc *proc)
{
	struct rb_node *n;

	if (proc->outstanding_txns > 0)
		return true;
	for (n = rb_first(&proc->threads); n; n = rb_next(n))
		if (rb_entry(n, struct ipckit_thread, rb_node)->transaction_stack)
			return true;
	return false;
}

static bool ipckit_proc_drained(struct ipckit_proc *proc)
{
	bool drained;

	spin_lock(&proc->inner_lock);
	drained = !proc->outstanding_txns;
	spin_unlock(&proc->inner_lock);
	return drained;
}

/*
 * Every open of an ipckit device by @pid, each with a reference, in an
 * array the caller frees after ipckit_proc_put() on each entry. As many
 * as the process has open files of ipckit devices: bounded by its fd
 * limit, like the reference's array.
 */
static int ipckit_procs_of_pid(pid_t pid, struct ipckit_proc ***out,
			       size_t *count)
{
	struct ipckit_proc **procs = NULL, **grown, *proc;
	struct ipckit_context *ctx;
	size_t n = 0, more;
	int err = 0;

	mutex_lock(&ipckit_contexts_lock);
	list_for_each_entry(ctx, &ipckit_contexts, link) {
		mutex_lock(&ctx->lock);
		more = 0;
		list_for_each_entry(proc, &ctx->procs, ctx_link)
			if (proc->pid == pid)
				more++;
		if (!more) {
			mutex_unlock(&ctx->lock);
			continue;
		}
		grown = krealloc_array(procs, n + more, sizeof(*procs),
				       GFP_KERNEL);
		if (!grown) {
			mutex_unlock(&ctx->lock);
			err = -ENOMEM;
			break;
		}
		procs = grown;
		list_for_each_entry(proc, &ctx->procs, ctx_link) {
			if (proc->pid != pid)
				continue;
			ipckit_proc_get(proc);
			procs[n++] = proc;
		}
		mutex_unlock(&ctx->lock);
	}
	mutex_unlock(&ipckit_contexts_lock);

	if (err) {
		while (n)
			ipckit_proc_put(procs[--n]);
		kfree(procs);
		return err;
	}
	*out = procs;
	*count = n;
	return 0;
}

/*
 * Freeze or thaw one open. Return: 0, -EAGAIN when work is still in
 * flight after the wait (the process is thawed again), -ERESTARTSYS when
 * a signal ended the wait (likewise).
 */
static int ipckit_freeze_proc(struct ipckit_proc *proc,
			      const struct binder_freeze_info *info,
			      bool *was_frozen, bool *is_frozen)
{
	long ret = 0;

	spin_lock(&proc->inner_lock);
	*was_frozen = proc->is_frozen;
	*is_frozen = !!info->enable;
	proc->sync_recv = false;
	proc->async_recv = false;
	proc->is_frozen = !!info->enable;
	spin_unlock(&proc->inner_lock);
	if (!info->enable)
		return 0;

	if (info->timeout_ms > 0)
		ret = wait_event_interruptible_timeout(proc->freeze_wait,
						       ipckit_proc_drained(proc),
						       msecs_to_jiffies(info->timeout_ms));
	/* Calls that wait for a reply are not counted: look again. */
	spin_lock(&proc->inner_lock);
	if (ret >= 0 && ipckit_txns_pending_ilocked(proc))
		ret = -EAGAIN;
	if (ret < 0)
		proc->is_frozen = false;
	*is_frozen = proc->is_frozen;
	spin_unlock(&proc->inner_lock);
	return ret < 0 ? ret : 0;
}

/*
 * FREEZE or UNFREEZE when BINDER_FREEZE changed @proc's state; once per
 * device (@*last) when a process has opened one twice.
 */
static void ipckit_freeze_event(struct ipckit_proc *proc,
				const struct binder_freeze_info *info,
				bool was_frozen, bool is_frozen,
				struct ipckit_context **last)
{
	struct ipckit_nl_event ev = {
		.kind = is_frozen ? IPCKIT_EVENT_FREEZE : IPCKIT_EVENT_UNFREEZE,
		.pid = proc->pid, .tid = current->pid,
		.uid = proc->cred->euid, .timeout_ms = info->timeout_ms,
	};

	if (was_frozen == is_frozen || *last == proc->ctx)
		return;
	*last = proc->ctx;
	ipckit_nl_event(proc->ctx, &ev);
}

/*
 * Freezing stops a process as surely as SIGSTOP, so it takes the right
 * to signal it, as kill(2) checks it: the same real or effective uid as
 * the target's real or saved uid, or CAP_KILL in the target's user
 * namespace. The reference leaves this to an LSM policy (Android's); on
 * a host without one, where the device is 0666, this is the policy.
 */
static bool ipckit_may_freeze(struct task_struct *tsk)
{
	const struct cred *cred = current_cred(), *tcred;
	bool ok;

	rcu_read_lock();
	tcred = __task_cred(tsk);
	ok = uid_eq(cred->euid, tcred->suid) || uid_eq(cred->euid, tcred->uid) ||
	     uid_eq(cred->uid, tcred->suid) || uid_eq(cred->uid, tcred->uid) ||
	     ns_capable(tcred->user_ns, CAP_KILL);
	rcu_read_unlock();
	return ok;
}

/**
 * ipckit_freeze() - BINDER_FREEZE
 * @info: pid, enable, timeout_ms as userspace gave them
 *
 * Return: 0; -EINVAL if @info->pid has no ipckit device open; -EPERM if
 * the caller could not signal it (ipckit_may_freeze()); -EAGAIN or
 * -ERESTARTSYS from the first open that could not be frozen (opens
 * frozen before it stay frozen, later ones are left as they were);
 * -ENOMEM.
 */
int ipckit_freeze(const struct binder_freeze_info *info)
{
	struct ipckit_context *last = NULL;
	bool was_frozen, is_frozen;
	struct ipckit_proc **procs;
	size_t i, n;
	int ret;

	ret = ipckit_procs_of_pid(info->pid, &procs, &n);
	if (ret)
		return ret;
	if (!n) {
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "freeze: pid %u has no ipckit device open\n",
				    info->pid);
		return -EINVAL;
	}
	if (!ipckit_may_freeze(procs[0]->tsk)) {
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "freeze: pid %d may not freeze pid %u (it could not signal it)\n",
				    task_tgid_nr(current), info->pid);
		ret = -EPERM;
	}
	/*
	 * Newest open first, stopping at the first that cannot be frozen:
	 * the reference's order (its list is newest first), so the opens it
	 * leaves frozen after -EAGAIN are the same ones.
	 */
	for (i = n; i-- > 0;) {
		if (!ret) {
			ret = ipckit_freeze_proc(procs[i], info, &was_frozen,
						 &is_frozen);
			ipckit_freeze_event(procs[i], info, was_frozen,
					    is_frozen, &last);
			/* Watchers hear of every freeze that took, as upstream. */
			if (!ret)
				ipckit_freeze_note_changed(procs[i], is_frozen);
		}
		ipckit_proc_put(procs[i]);
	}
	kfree(procs);
	return ret;
}

/**
 * ipckit_get_frozen_info() - BINDER_GET_FROZEN_INFO
 * @info: pid in; sync_recv and async_recv out, or-ed over the pid's opens
 *
 * sync_recv bit 0: a synchronous call was refused since the freeze;
 * bit 1: work is in flight. async_recv: a one-way call arrived since.
 *
 * Return: 0, or -EINVAL if @info->pid has no ipckit device open.
 */
int ipckit_get_frozen_info(struct binder_frozen_status_info *info)
{
	struct ipckit_context *ctx;
	struct ipckit_proc *proc;
	bool found = false;

	info->sync_recv = 0;
	info->async_recv = 0;
	mutex_lock(&ipckit_contexts_lock);
	list_for_each_entry(ctx, &ipckit_contexts, link) {
		mutex_lock(&ctx->lock);
		list_for_each_entry(proc, &ctx->procs, ctx_link) {
			if (proc->pid != info->pid)
				continue;
			found = true;
			spin_lock(&proc->inner_lock);
			info->sync_recv |= proc->sync_recv |
				(ipckit_txns_pending_ilocked(proc) << 1);
			info->async_recv |= proc->async_recv;
			spin_unlock(&proc->inner_lock);
		}
		mutex_unlock(&ctx->lock);
	}
	mutex_unlock(&ipckit_contexts_lock);
	if (!found) {
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "frozen state query: pid %u has no ipckit device open\n",
				    info->pid);
		return -EINVAL;
	}
	return 0;
}
