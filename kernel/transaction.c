// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions: BC_TRANSACTION/BC_REPLY (and _SG), the transaction stack
 * that routes replies and nested call-backs, one-way queues, failures.
 *
 * Locking: see internal.h. A transaction moves between processes by
 * taking the receiver's inner_lock alone; t->lock guards the pointers a
 * dying thread clears (@from, @to_thread). The payload is copied once,
 * from the sender's memory into the receiver's area, with no lock but
 * the receiver's alloc lock held inside the copy helpers.
 */
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <linux/ipckit_netlink.h>

#include "compat.h"
#include "internal.h"

/* The netlink header spells it alone, for listeners without binder.h. */
static_assert(IPCKIT_BR_TRANSACTION_PENDING_FROZEN == BR_TRANSACTION_PENDING_FROZEN);

static atomic_t ipckit_last_id;

/* The sending thread of @t with a reference, or NULL once it is gone. */
static struct ipckit_thread *ipckit_txn_get_from(struct ipckit_transaction *t)
{
	struct ipckit_thread *from;

	spin_lock(&t->lock);
	from = t->from;
	if (from)
		refcount_inc(&from->refs);
	spin_unlock(&t->lock);
	return from;
}

/*
 * Give the payload back to its area, dropping what it holds: the
 * references its first @upto bytes of objects took, and the strong local
 * reference on the node it was sent to. Called while @owner's nodes are
 * alive: an undelivered buffer goes before its process releases its
 * nodes (ipckit_release()), a delivered one with BC_FREE_BUFFER.
 */
static void ipckit_buffer_release(struct ipckit_proc *owner,
				  struct ipckit_buffer *buffer, u64 upto)
{
	struct ipckit_node *node = buffer->target_node;

	ipckit_release_buffer_objects(owner, buffer, upto);
	buffer->target_node = NULL;
	ipckit_alloc_free_buf(&owner->alloc, buffer);
	if (node)
		ipckit_node_dec(node, true, false);
}

/**
 * ipckit_transaction_free() - free a transaction that left every queue
 * @t: the transaction
 *
 * A buffer already delivered stays with its process until BC_FREE_BUFFER;
 * one never delivered is given back here.
 */
void ipckit_transaction_free(struct ipckit_transaction *t)
{
	struct ipckit_proc *to_proc = t->to_proc;
	struct ipckit_buffer *buffer;
	struct ipckit_thread *from;
	bool thawed;

	spin_lock(&to_proc->inner_lock);
	buffer = t->buffer;
	t->buffer = NULL;
	if (buffer)
		buffer->transaction = NULL;
	thawed = ipckit_outstanding_dec_ilocked(to_proc, t);
	spin_unlock(&to_proc->inner_lock);
	if (thawed)
		wake_up_interruptible_all(&to_proc->freeze_wait);
	if (buffer && !t->delivered)
		ipckit_buffer_release(to_proc, buffer, t->objects_done);

	ipckit_free_fd_fixups(t);
	spin_lock(&t->lock);
	from = t->from;
	t->from = NULL;
	spin_unlock(&t->lock);
	if (from)
		ipckit_thread_put(from);
	ipckit_obj_deleted(to_proc->ctx, IPCKIT_OBJ_TRANSACTION);
	ipckit_proc_put(to_proc);
	kfree(t);
}

/* Take @t off the top of @thread's stack (it must be there). */
void ipckit_transaction_pop_from_ilocked(struct ipckit_thread *thread,
					 struct ipckit_transaction *t)
{
	if (WARN_ON(thread->transaction_stack != t))
		return;
	thread->transaction_stack = t->from_parent;
	spin_lock(&t->lock);
	t->from = NULL;
	spin_unlock(&t->lock);
	/* @t held a reference on @thread through @from; the caller has one. */
	refcount_dec(&thread->refs);
}

/**
 * ipckit_send_failed_reply() - answer a caller whose callee is gone
 * @t:     the synchronous transaction that will get no reply, off the
 *         callee's stack
 * @error: BR_DEAD_REPLY or BR_FAILED_REPLY
 *
 * Walks down the caller's stack to the first thread still alive, so a
 * failure unwinds nested calls as far as needed. Frees @t.
 *
 * Invariant (the reference BUG()s on it): a transaction whose sender is
 * still set is the top of that sender's stack, since the sender waits
 * for it and a dying sender clears @from first. Should it ever not hold,
 * @t is left alone (leaked, with a warning) rather than freed while the
 * stack still points at it.
 */
void ipckit_send_failed_reply(struct ipckit_transaction *t, u32 error)
{
	while (t) {
		struct ipckit_transaction *next = t->from_parent;
		struct ipckit_thread *target = ipckit_txn_get_from(t);

		if (target) {
			struct ipckit_proc *proc = target->proc;
			bool queued = false;

			spin_lock(&proc->inner_lock);
			if (WARN_ON_ONCE(target->transaction_stack != t)) {
				spin_unlock(&proc->inner_lock);
				ipckit_thread_put(target);
				return;
			}
			ipckit_transaction_pop_from_ilocked(target, t);
			if (!target->is_dead &&
			    target->reply_error.cmd == BR_OK) {
				target->reply_error.cmd = error;
				ipckit_enqueue_thread_work_ilocked(target,
								   &target->reply_error.work);
				queued = true;
			}
			spin_unlock(&proc->inner_lock);
			if (queued)
				wake_up_interruptible(&target->wait);
			ipckit_thread_put(target);
			ipckit_transaction_free(t);
			return;
		}
		ipckit_transaction_free(t);
		t = next;
	}
}

/**
 * ipckit_transaction_cleanup() - drop an undelivered transaction
 * @t:     the transaction, off every queue
 * @error: what a waiting synchronous caller is told
 */
void ipckit_transaction_cleanup(struct ipckit_transaction *t, u32 error)
{
	if (!t->is_reply && !(t->flags & TF_ONE_WAY))
		ipckit_send_failed_reply(t, error);
	else
		ipckit_transaction_free(t);
}

/**
 * ipckit_transaction_undeliverable() - a read could not deliver @t
 * @t:         a transaction its receiver's thread dequeued
 * @close_fds: the fds of its fd arrays were installed already
 *
 * The sender hears BR_FAILED_REPLY (when it waits), and the buffer is
 * freed the way BC_FREE_BUFFER frees it: that also lets the next one-way
 * transaction queued on the node run, which would otherwise wait forever.
 */
void ipckit_transaction_undeliverable(struct ipckit_transaction *t,
				      bool close_fds)
{
	struct ipckit_proc *proc = t->to_proc;
	struct ipckit_buffer *buffer;

	ipckit_proc_get(proc);
	spin_lock(&proc->inner_lock);
	buffer = t->buffer;
	t->buffer = NULL;
	if (buffer)
		buffer->transaction = NULL;
	spin_unlock(&proc->inner_lock);
	ipckit_transaction_cleanup(t, BR_FAILED_REPLY);
	if (buffer) {
		if (close_fds)
			ipckit_release_buffer_fds(proc, buffer);
		ipckit_transaction_free_buffer(proc, buffer);
	}
	ipckit_proc_put(proc);
}

/**
 * ipckit_transaction_free_buffer() - BC_FREE_BUFFER after the checks
 * @proc:   owner of the receive area
 * @buffer: a delivered buffer, claimed by ipckit_alloc_prepare_to_free()
 *
 * Freeing the buffer of a one-way transaction lets the next one queued on
 * the same node run: one-way calls to a node are handled one at a time.
 */
void ipckit_transaction_free_buffer(struct ipckit_proc *proc,
				    struct ipckit_buffer *buffer)
{
	struct ipckit_node *node = buffer->target_node;

	spin_lock(&proc->inner_lock);
	if (buffer->transaction) {
		struct ipckit_transaction *t = buffer->transaction;

		t->buffer = NULL;
		buffer->transaction = NULL;
	}
	if (buffer->async && node && node->proc == proc) {
		struct ipckit_work *w;

		w = list_first_entry_or_null(&node->async_todo,
					     struct ipckit_work, entry);
		if (w) {
			list_del_init(&w->entry);
			ipckit_proc_queue_work_ilocked(proc, NULL, w);
		} else {
			node->has_async = false;
		}
	}
	spin_unlock(&proc->inner_lock);
	ipckit_buffer_release(proc, buffer, buffer->offsets_size);
}

/*
 * TF_UPDATE_TXN: a one-way call to a frozen process may replace one still
 * queued on the node that says the same thing (same sender, code and
 * flags), as the reference. Returns that outdated one, off the queue.
 */
static struct ipckit_transaction *
ipckit_find_outdated_ilocked(struct ipckit_transaction *t,
			     struct ipckit_node *node)
{
	struct ipckit_transaction *old;
	struct ipckit_work *w;

	list_for_each_entry(w, &node->async_todo, entry) {
		if (w->type != IPCKIT_WORK_TRANSACTION)
			continue;
		old = container_of(w, struct ipckit_transaction, work);
		if (old->code == t->code && old->flags == t->flags &&
		    old->to_proc == t->to_proc && old->buffer &&
		    old->buffer->pid == t->buffer->pid) {
			list_del_init(&w->entry);
			return old;
		}
	}
	return NULL;
}

/*
 * Queue @t on its receiver. One-way transactions to a node with one
 * already in progress wait on the node. Returns BR_OK, or what the sender
 * is told: BR_FROZEN_REPLY for a synchronous call to a frozen process,
 * BR_DEAD_REPLY when the receiver died. @pending_frozen: queued to a
 * frozen process (one-way), which netlink reports.
 */
static u32 ipckit_proc_transaction(struct ipckit_transaction *t,
				   struct ipckit_proc *proc,
				   struct ipckit_thread *thread,
				   bool *pending_frozen)
{
	struct ipckit_node *node = t->buffer->target_node;
	struct ipckit_transaction *outdated = NULL;
	struct ipckit_thread *wake = NULL;
	bool oneway = t->flags & TF_ONE_WAY;
	bool pending_async = false;

	spin_lock(&proc->inner_lock);
	if (proc->is_frozen) {
		proc->sync_recv |= !oneway;
		proc->async_recv |= oneway;
	}
	if ((proc->is_frozen && !oneway) || proc->is_dead ||
	    (thread && thread->is_dead)) {
		u32 err = proc->is_frozen ? BR_FROZEN_REPLY : BR_DEAD_REPLY;

		spin_unlock(&proc->inner_lock);
		return err;
	}
	if (oneway) {
		if (node->has_async)
			pending_async = true;
		else
			node->has_async = true;
	}
	if (pending_async) {
		if ((t->flags & TF_UPDATE_TXN) && proc->is_frozen)
			outdated = ipckit_find_outdated_ilocked(t, node);
		list_add_tail(&t->work.entry, &node->async_todo);
	} else {
		wake = ipckit_proc_queue_call_ilocked(proc, thread, &t->work);
	}
	ipckit_outstanding_inc_ilocked(proc, t);
	*pending_frozen = proc->is_frozen;
	spin_unlock(&proc->inner_lock);
	/* @t may be gone from here on; @proc is pinned by our caller. */
	if (!pending_async)
		ipckit_proc_wake_call(proc, wake, !oneway);
	if (outdated)
		ipckit_transaction_free(outdated);
	return BR_OK;
}

/* Copy data and offsets straight from the sender into the receiver. */
static int ipckit_copy_payload(struct ipckit_proc *target_proc,
			       struct ipckit_buffer *buffer,
			       const struct binder_transaction_data *tr)
{
	size_t off_start = ALIGN(tr->data_size, sizeof(u64));

	if (ipckit_alloc_copy_user_to_buffer(&target_proc->alloc, buffer, 0,
					     u64_to_user_ptr(tr->data.ptr.buffer),
					     tr->data_size))
		return -EFAULT;
	if (ipckit_alloc_copy_user_to_buffer(&target_proc->alloc, buffer,
					     off_start,
					     u64_to_user_ptr(tr->data.ptr.offsets),
					     tr->offsets_size))
		return -EFAULT;
	return 0;
}

struct ipckit_txn_target {
	struct ipckit_proc *proc;	/* reference held */
	struct ipckit_thread *thread;	/* reference held, or NULL */
	/* temporary reference until the buffer holds it; NULL for replies */
	struct ipckit_node *node;
	bool node_strong;		/* @node's strong local count is ours */
	struct ipckit_transaction *in_reply_to;
};

static u32 ipckit_find_reply_target(struct ipckit_thread *thread,
				    struct ipckit_txn_target *tgt,
				    int *param)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_transaction *in_reply_to;
	struct ipckit_thread *target;

	spin_lock(&proc->inner_lock);
	in_reply_to = thread->transaction_stack;
	if (!in_reply_to || in_reply_to->to_thread != thread) {
		spin_unlock(&proc->inner_lock);
		ipckit_user_error(thread, "BC_REPLY with no transaction to answer\n");
		*param = -EPROTO;
		return BR_FAILED_REPLY;
	}
	thread->transaction_stack = in_reply_to->to_parent;
	spin_unlock(&proc->inner_lock);
	tgt->in_reply_to = in_reply_to;
	/* The call is over for this thread: its own priority again. */
	ipckit_set_nice(in_reply_to->saved_priority);

	target = ipckit_txn_get_from(in_reply_to);
	if (!target)
		return BR_DEAD_REPLY;
	tgt->thread = target;
	tgt->proc = target->proc;
	ipckit_proc_get(tgt->proc);
	return BR_OK;
}

static u32 ipckit_find_call_target(struct ipckit_thread *thread,
				   const struct binder_transaction_data *tr,
				   struct ipckit_txn_target *tgt, int *param)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_transaction *tmp;
	struct ipckit_work *w;
	u32 err;

	/*
	 * The node is pinned under the locks that found it (a strong local
	 * count the buffer takes over, and a temporary reference), so it
	 * cannot go while the transaction is set up.
	 */
	if (tr->target.handle)
		err = ipckit_ref_get_txn_target(proc, tr->target.handle,
						&tgt->node, &tgt->proc);
	else	/* No manager: BR_DEAD_REPLY with -EINVAL, as the reference. */
		err = ipckit_context_get_mgr_for_txn(proc->ctx, &tgt->node,
						     &tgt->proc);
	if (err != BR_OK) {
		if (err == BR_FAILED_REPLY)
			ipckit_user_error(thread, "transaction to invalid or weak handle %u\n",
					  tr->target.handle);
		*param = -EINVAL;
		return err;
	}
	tgt->node_strong = true;
	*param = 0;
	if (tgt->proc == proc) {
		ipckit_user_error(thread, "transaction to a node of its own process\n");
		*param = -EINVAL;
		return BR_FAILED_REPLY;
	}
	if (security_binder_transaction(proc->cred, tgt->proc->cred) < 0) {
		*param = -EPERM;
		return BR_FAILED_REPLY;
	}
	if (tr->flags & TF_ONE_WAY)
		return BR_OK;

	spin_lock(&proc->inner_lock);
	w = list_first_entry_or_null(&thread->todo, struct ipckit_work, entry);
	if (w && w->type == IPCKIT_WORK_TRANSACTION) {
		spin_unlock(&proc->inner_lock);
		ipckit_user_error(thread, "new transaction while one waits on this thread\n");
		*param = -EPROTO;
		return BR_FAILED_REPLY;
	}
	tmp = thread->transaction_stack;
	if (tmp && tmp->to_thread != thread) {
		spin_unlock(&proc->inner_lock);
		ipckit_user_error(thread, "new transaction with a bad transaction stack\n");
		*param = -EPROTO;
		return BR_FAILED_REPLY;
	}
	/*
	 * The transaction-stack rule: if a thread of the target process is
	 * waiting in a call made on our behalf, the call-back goes to it.
	 */
	for (; tmp; tmp = tmp->from_parent) {
		struct ipckit_thread *from;

		spin_lock(&tmp->lock);
		from = tmp->from;
		if (from && from->proc == tgt->proc) {
			refcount_inc(&from->refs);
			tgt->thread = from;
			spin_unlock(&tmp->lock);
			break;
		}
		spin_unlock(&tmp->lock);
	}
	spin_unlock(&proc->inner_lock);
	return BR_OK;
}

/* Queue the reply on the waiting caller, popping its stack. */
static int ipckit_deliver_reply(struct ipckit_transaction *t,
				struct ipckit_txn_target *tgt)
{
	struct ipckit_proc *proc = tgt->proc;
	struct ipckit_thread *target = tgt->thread;

	spin_lock(&proc->inner_lock);
	if (target->is_dead || proc->is_dead ||
	    target->transaction_stack != tgt->in_reply_to) {
		spin_unlock(&proc->inner_lock);
		return -ESRCH;
	}
	ipckit_transaction_pop_from_ilocked(target, tgt->in_reply_to);
	ipckit_enqueue_thread_work_ilocked(target, &t->work);
	ipckit_outstanding_inc_ilocked(proc, t);
	spin_unlock(&proc->inner_lock);
	wake_up_interruptible_sync(&target->wait);
	return 0;
}

static void ipckit_set_ee(struct ipckit_thread *thread, int id, u32 cmd,
			  int param)
{
	spin_lock(&thread->proc->inner_lock);
	thread->ee.id = id;
	thread->ee.command = cmd;
	thread->ee.param = param;
	spin_unlock(&thread->proc->inner_lock);
}

/* A report of @err for the transaction @r describes, if anyone listens. */
static void ipckit_txn_report(struct ipckit_context *ctx,
			      struct ipckit_nl_report *r, u32 err)
{
	r->error = err;
	ipckit_nl_report(ctx, r);
}

/**
 * ipckit_transaction_send() - BC_TRANSACTION, BC_REPLY and their _SG forms
 * @thread:             the sending thread
 * @tr:                 the command's payload, already copied in
 * @reply:              BC_REPLY(_SG)
 * @extra_buffers_size: the _SG forms' buffers_size, else 0
 *
 * Failures are reported the way the reference reports them: BR_ codes
 * queued for the sender (or, for a failed reply, for the caller waiting
 * on it) plus the extended error.
 */
void ipckit_transaction_send(struct ipckit_thread *thread,
			     const struct binder_transaction_data *tr,
			     bool reply, binder_size_t extra_buffers_size)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_txn_target tgt = {};
	struct ipckit_transaction *t = NULL;
	struct ipckit_work *tcomplete = NULL, *queued_complete = NULL;
	struct ipckit_buffer *buffer;
	bool oneway = !reply && (tr->flags & TF_ONE_WAY);
	struct ipckit_nl_report rep = {
		.from_pid = proc->pid, .from_tid = thread->pid,
		.flags = tr->flags, .code = tr->code,
		.data_size = tr->data_size, .is_reply = reply,
	};
	bool report = true, spam = false, pending_frozen = false;
	size_t secctx_room = 0;
	bool accept_fds;
	char *secctx = NULL;
	u32 secctx_sz = 0;
	int id = atomic_inc_return(&ipckit_last_id);
	int param = 0;
	u32 err;

	ipckit_set_ee(thread, id, BR_OK, 0);
	if (reply)
		err = ipckit_find_reply_target(thread, &tgt, &param);
	else
		err = ipckit_find_call_target(thread, tr, &tgt, &param);
	if (err != BR_OK)
		goto fail;
	/* As upstream: the target is named once it was found in full. */
	rep.to_pid = tgt.proc->pid;
	rep.to_tid = tgt.thread ? tgt.thread->pid : 0;

	err = BR_FAILED_REPLY;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	tcomplete = kzalloc(sizeof(*tcomplete), GFP_KERNEL);
	if (!t || !tcomplete) {
		kfree(t);	/* not set up yet: nothing else to undo */
		t = NULL;
		param = -ENOMEM;
		report = false;	/* no transaction: upstream reports none */
		goto fail;
	}
	tcomplete->type = IPCKIT_WORK_TRANSACTION_COMPLETE;
	t->work.type = IPCKIT_WORK_TRANSACTION;
	INIT_LIST_HEAD(&t->work.entry);
	t->debug_id = id;
	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->fd_fixups);
	t->code = tr->code;
	t->flags = tr->flags;
	t->priority = task_nice(current);
	t->is_reply = reply;
	t->sender_euid = task_euid(proc->tsk);
	t->to_proc = tgt.proc;
	ipckit_proc_get(tgt.proc);
	ipckit_obj_created(proc->ctx, IPCKIT_OBJ_TRANSACTION);
	if (!reply && !oneway) {
		refcount_inc(&thread->refs);
		t->from = thread;
	}

	if (!IS_ALIGNED(tr->offsets_size, sizeof(binder_size_t)) ||
	    !IS_ALIGNED(extra_buffers_size, sizeof(u64)) ||
	    extra_buffers_size > SIZE_MAX / 2) {
		ipckit_user_error(thread, "misaligned offsets (%llu) or buffers (%llu) size\n",
				  (u64)tr->offsets_size, (u64)extra_buffers_size);
		param = -EINVAL;
		goto fail;
	}

	/* The target node asked for the sender's security context. */
	if (tgt.node && tgt.node->txn_security_ctx) {
		u32 secid;

		security_cred_getsecid(proc->cred, &secid);
		param = security_secid_to_secctx(secid, &secctx, &secctx_sz);
		if (param)
			goto fail;
		secctx_room = ALIGN(secctx_sz, sizeof(u64));
	}

	buffer = ipckit_alloc_new_buf(&tgt.proc->alloc, tr->data_size,
				      tr->offsets_size,
				      extra_buffers_size + secctx_room,
				      oneway, proc->pid);
	if (IS_ERR(buffer)) {
		param = PTR_ERR(buffer);
		if (param == -ESRCH)
			err = BR_DEAD_REPLY;
		goto fail;
	}
	/* A reply carries fds if the call allowed them; a call if its node does. */
	accept_fds = reply ? tgt.in_reply_to->flags & TF_ACCEPT_FDS :
			     tgt.node->accept_fds;
	buffer->transaction = t;
	/* The buffer holds the node's strong local count until freed. */
	buffer->target_node = tgt.node;
	tgt.node_strong = false;
	buffer->clear_on_free = !!(tr->flags & TF_CLEAR_BUF);
	t->buffer = buffer;

	param = ipckit_copy_payload(tgt.proc, buffer, tr);
	if (!param)
		param = ipckit_translate_objects(thread, t, accept_fds,
						 extra_buffers_size);
	if (!param && secctx) {
		/* At the very end of the buffer, as the reference puts it. */
		u64 at = buffer->payload_size - secctx_room;

		param = ipckit_alloc_copy_to_buffer(&tgt.proc->alloc, buffer,
						    at, secctx, secctx_sz);
		t->security_ctx = buffer->user_data + at;
	}
	if (param)
		goto fail;

	/*
	 * From here the buffer's strong count keeps the node. Drop the
	 * temporary reference before the receiver is woken: putting it
	 * takes the receiver's inner_lock, which the receiver, running on
	 * another CPU as soon as it is woken, wants too (perf showed the
	 * unpinned sender spinning there).
	 */
	if (tgt.node) {
		ipckit_node_put(tgt.node);
		tgt.node = NULL;
	}
	queued_complete = tcomplete;
	if (reply) {
		spin_lock(&proc->inner_lock);
		ipckit_enqueue_thread_work_ilocked(thread, tcomplete);
		spin_unlock(&proc->inner_lock);
		tcomplete = NULL;
		if (ipckit_deliver_reply(t, &tgt)) {
			err = BR_DEAD_REPLY;
			goto fail_queued_complete;
		}
		ipckit_transaction_free(tgt.in_reply_to);
		tgt.in_reply_to = NULL;
	} else if (!oneway) {
		spin_lock(&proc->inner_lock);
		ipckit_enqueue_deferred_thread_work_ilocked(thread, tcomplete);
		t->from_parent = thread->transaction_stack;
		thread->transaction_stack = t;
		spin_unlock(&proc->inner_lock);
		tcomplete = NULL;
		err = ipckit_proc_transaction(t, tgt.proc, tgt.thread,
					      &pending_frozen);
		if (err != BR_OK) {
			spin_lock(&proc->inner_lock);
			ipckit_transaction_pop_from_ilocked(thread, t);
			spin_unlock(&proc->inner_lock);
			goto fail_queued_complete;
		}
	} else {
		/* Told instead of BR_TRANSACTION_COMPLETE, if it asked. */
		if (buffer->oneway_spam_suspect) {
			tcomplete->type = IPCKIT_WORK_ONEWAY_SPAM_SUSPECT;
			spam = true;
		}
		spin_lock(&proc->inner_lock);
		ipckit_enqueue_thread_work_ilocked(thread, tcomplete);
		spin_unlock(&proc->inner_lock);
		tcomplete = NULL;
		/* Once queued, @t may be gone: reports use @rep only. */
		err = ipckit_proc_transaction(t, tgt.proc, NULL,
					      &pending_frozen);
		/* As upstream, even when the call then failed. */
		if (spam)
			ipckit_txn_report(proc->ctx, &rep,
					  BR_ONEWAY_SPAM_SUSPECT);
		if (err != BR_OK)
			goto fail_queued_complete;
		if (pending_frozen && IPCKIT_SENDS_PENDING_FROZEN) {
			/* Our own queued item: still there, as below. */
			spin_lock(&proc->inner_lock);
			queued_complete->type = IPCKIT_WORK_TRANSACTION_PENDING;
			spin_unlock(&proc->inner_lock);
		}
		if (pending_frozen)
			ipckit_txn_report(proc->ctx, &rep,
					  BR_TRANSACTION_PENDING_FROZEN);
	}
	if (secctx)
		security_release_secctx(secctx, secctx_sz);
	if (tgt.thread)
		ipckit_thread_put(tgt.thread);
	ipckit_proc_put(tgt.proc);
	rep.error = BR_OK;
	ipckit_txn_log(proc->ctx, id, &rep);
	return;

fail_queued_complete:
	/*
	 * The sender already has its BR_TRANSACTION_COMPLETE queued; take
	 * that one back (not whatever else is queued, such as an earlier
	 * call's BR_ONEWAY_SPAM_SUSPECT) so the error below is all it sees,
	 * as the reference.
	 */
	spin_lock(&proc->inner_lock);
	list_del_init(&queued_complete->entry);
	thread->process_todo = !list_empty(&thread->todo);
	spin_unlock(&proc->inner_lock);
	tcomplete = queued_complete;
fail:
	if (secctx)
		security_release_secctx(secctx, secctx_sz);
	kfree(tcomplete);
	if (t)
		ipckit_transaction_free(t);
	if (tgt.node) {
		if (tgt.node_strong)
			ipckit_node_dec(tgt.node, true, false);
		ipckit_node_put(tgt.node);
	}
	if (tgt.thread)
		ipckit_thread_put(tgt.thread);
	if (tgt.proc)
		ipckit_proc_put(tgt.proc);

	if (report)
		ipckit_txn_report(proc->ctx, &rep, err);
	rep.error = err;
	ipckit_txn_log(proc->ctx, id, &rep);
	ipckit_user_error(thread, "%s %d failed: %s (%d)\n",
			  reply ? "reply" : "transaction", id,
			  err == BR_DEAD_REPLY ? "dead target" :
			  err == BR_FROZEN_REPLY ? "frozen target" : "failed",
			  param);
	if (tgt.in_reply_to) {
		/*
		 * A failed reply: the caller learns why (unless it already has
		 * an error to report), the replier is done.
		 */
		struct ipckit_thread *from = ipckit_txn_get_from(tgt.in_reply_to);

		if (from) {
			spin_lock(&from->proc->inner_lock);
			if (from->ee.command == BR_OK) {
				from->ee.id = id;
				from->ee.command = err;
				from->ee.param = param;
			}
			spin_unlock(&from->proc->inner_lock);
			ipckit_thread_put(from);
		}
		ipckit_queue_error(thread, &thread->return_error,
				   BR_TRANSACTION_COMPLETE);
		ipckit_send_failed_reply(tgt.in_reply_to, err);
	} else {
		ipckit_set_ee(thread, id, err, param);
		ipckit_queue_error(thread, &thread->return_error, err);
	}
}
