// SPDX-License-Identifier: GPL-2.0
/*
 * Death notifications: BC_REQUEST_DEATH_NOTIFICATION on a handle, and one
 * BR_DEAD_BINDER when the node's owner dies; BC_CLEAR_DEATH_NOTIFICATION
 * and BR_CLEAR_DEATH_NOTIFICATION_DONE; BC_DEAD_BINDER_DONE.
 *
 * Locking: see internal.h. ipckit_context::death_lock guards the links
 * between nodes, refs and notifications; each notification's place in a
 * work list is guarded by its process's inner_lock, taken inside. Death
 * bookkeeping is rare, so one mutex per context keeps it simple without
 * touching the transaction path.
 */
#include <linux/slab.h>

#include "internal.h"

/*
 * Where a BR_ for @thread's own request goes: a looper's goes to the pool
 * (any looper may report it), anyone else's to the thread itself.
 */
static void ipckit_death_queue_for_thread_ilocked(struct ipckit_thread *thread,
						  struct ipckit_work *work)
{
	if (thread->looper & (IPCKIT_LOOPER_REGISTERED | IPCKIT_LOOPER_ENTERED))
		ipckit_proc_queue_work_ilocked(thread->proc, NULL, work);
	else
		ipckit_enqueue_thread_work_ilocked(thread, work);
}

/**
 * ipckit_death_request() - BC_REQUEST_DEATH_NOTIFICATION
 * @thread: the calling thread
 * @handle: the handle to watch
 * @cookie: returned with BR_DEAD_BINDER
 *
 * A node already dead is reported at once.
 *
 * Return: 0, or -ENOMEM (a bad handle or a second request on the same
 * handle is logged and ignored, as the reference does).
 */
int ipckit_death_request(struct ipckit_thread *thread, u32 handle,
			 binder_uintptr_t cookie)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_context *ctx = proc->ctx;
	struct ipckit_death *death;
	struct ipckit_ref *ref;

	death = kzalloc(sizeof(*death), GFP_KERNEL);
	if (!death)
		return -ENOMEM;
	INIT_LIST_HEAD(&death->work.entry);
	death->work.type = IPCKIT_WORK_DEAD_BINDER;
	death->cookie = cookie;

	mutex_lock(&ctx->death_lock);
	ref = ipckit_ref_lookup(proc, handle);
	if (!ref || ref->death) {
		mutex_unlock(&ctx->death_lock);
		kfree(death);
		ipckit_user_error(thread, "BC_REQUEST_DEATH_NOTIFICATION: %s handle %u\n",
				  ref ? "already watching" : "no such", handle);
		return 0;
	}
	death->ref = ref;
	ref->death = death;
	if (ref->node->is_dead) {
		spin_lock(&proc->inner_lock);
		ipckit_death_queue_for_thread_ilocked(thread, &death->work);
		spin_unlock(&proc->inner_lock);
		wake_up_interruptible(&thread->wait);
	}
	mutex_unlock(&ctx->death_lock);
	return 0;
}

/**
 * ipckit_death_clear() - BC_CLEAR_DEATH_NOTIFICATION
 * @thread: the calling thread
 * @handle: the watched handle
 * @cookie: the cookie given when it was requested
 *
 * Before death: BR_CLEAR_DEATH_NOTIFICATION_DONE comes back. After a
 * BR_DEAD_BINDER is queued or delivered: it comes after that BR_DEAD_BINDER
 * and its BC_DEAD_BINDER_DONE.
 *
 * Return: 0 (mismatches are logged and ignored, as the reference does).
 */
int ipckit_death_clear(struct ipckit_thread *thread, u32 handle,
		       binder_uintptr_t cookie)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_context *ctx = proc->ctx;
	struct ipckit_death *death;
	struct ipckit_ref *ref;

	mutex_lock(&ctx->death_lock);
	ref = ipckit_ref_lookup(proc, handle);
	death = ref ? ref->death : NULL;
	if (!death || death->cookie != cookie) {
		mutex_unlock(&ctx->death_lock);
		ipckit_user_error(thread,
				  "BC_CLEAR_DEATH_NOTIFICATION: no notification %016llx on handle %u\n",
				  (u64)cookie, handle);
		return 0;
	}
	ref->death = NULL;
	death->ref = NULL;
	spin_lock(&proc->inner_lock);
	if (list_empty(&death->work.entry)) {
		death->work.type = IPCKIT_WORK_CLEAR_DEATH_NOTIFICATION;
		ipckit_death_queue_for_thread_ilocked(thread, &death->work);
	} else {
		death->work.type = IPCKIT_WORK_DEAD_BINDER_AND_CLEAR;
	}
	spin_unlock(&proc->inner_lock);
	mutex_unlock(&ctx->death_lock);
	return 0;
}

/* BC_DEAD_BINDER_DONE: the process has handled a BR_DEAD_BINDER. */
void ipckit_death_done(struct ipckit_thread *thread, binder_uintptr_t cookie)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_death *death;

	spin_lock(&proc->inner_lock);
	list_for_each_entry(death, &proc->delivered_death, work.entry) {
		if (death->cookie != cookie)
			continue;
		list_del_init(&death->work.entry);
		if (death->work.type == IPCKIT_WORK_DEAD_BINDER_AND_CLEAR) {
			death->work.type = IPCKIT_WORK_CLEAR_DEATH_NOTIFICATION;
			ipckit_death_queue_for_thread_ilocked(thread, &death->work);
		}
		spin_unlock(&proc->inner_lock);
		return;
	}
	spin_unlock(&proc->inner_lock);
	ipckit_user_error(thread, "BC_DEAD_BINDER_DONE %016llx not found\n",
			  (u64)cookie);
}

/**
 * ipckit_death_node_died() - the owner of @node died: notify every watcher
 * @node: the node, already orphaned
 *
 * Each watching process gets one BR_DEAD_BINDER, queued for any of its
 * loopers.
 */
void ipckit_death_node_died(struct ipckit_node *node)
{
	struct ipckit_context *ctx = node->ctx;
	struct ipckit_ref *ref;

	mutex_lock(&ctx->death_lock);
	node->is_dead = true;
	list_for_each_entry(ref, &node->holders, node_link) {
		struct ipckit_death *death = ref->death;
		struct ipckit_proc *proc = ref->proc;

		if (!death)
			continue;
		spin_lock(&proc->inner_lock);
		if (!proc->is_dead && list_empty(&death->work.entry))
			ipckit_proc_queue_work_ilocked(proc, NULL, &death->work);
		spin_unlock(&proc->inner_lock);
	}
	mutex_unlock(&ctx->death_lock);
}

/**
 * ipckit_death_ref_gone() - @ref's process died: unlink it and its watch
 * @ref: the ref, already off its process's list
 *
 * The process is dead and no ioctl of it runs, so its work lists are
 * only touched here and by ipckit_death_release_work().
 */
void ipckit_death_ref_gone(struct ipckit_ref *ref)
{
	struct ipckit_context *ctx = ref->node->ctx;
	struct ipckit_death *death;

	mutex_lock(&ctx->death_lock);
	list_del(&ref->node_link);
	death = ref->death;
	ref->death = NULL;
	if (death) {
		spin_lock(&ref->proc->inner_lock);
		list_del_init(&death->work.entry);
		spin_unlock(&ref->proc->inner_lock);
		kfree(death);
	}
	mutex_unlock(&ctx->death_lock);
}

/*
 * A dying process drops a queued or delivered notification: one still
 * attached to a ref goes with the ref (above), a cleared one goes here.
 */
void ipckit_death_release_work(struct ipckit_proc *proc, struct ipckit_work *w)
{
	struct ipckit_death *death = container_of(w, struct ipckit_death, work);
	bool cleared;

	mutex_lock(&proc->ctx->death_lock);
	cleared = !death->ref;
	mutex_unlock(&proc->ctx->death_lock);
	if (cleared)
		kfree(death);
}
