// SPDX-License-Identifier: GPL-2.0
/*
 * Death notifications: BC_REQUEST_DEATH_NOTIFICATION on a handle, and one
 * BR_DEAD_BINDER when the node's owner dies; BC_CLEAR_DEATH_NOTIFICATION
 * and BR_CLEAR_DEATH_NOTIFICATION_DONE; BC_DEAD_BINDER_DONE.
 *
 * Locking: see internal.h. ref->death is set and cleared under the
 * holder's outer_lock and the node's lock, so the owner's death (which
 * walks the node's refs under node->lock) sees each notification either
 * before or after, never half made; a notification's place in a work
 * list is guarded by its process's inner_lock, taken inside. Nothing
 * context-wide is taken: a new handle costs no global lock.
 */
#include <linux/slab.h>

#include <linux/ipckit_netlink.h>

#include "internal.h"

/*
 * Where a BR_CLEAR_DEATH_NOTIFICATION_DONE for @thread's own request goes,
 * as the reference: a looper's to itself, anyone else's to the process.
 */
static void ipckit_death_queue_clear_ilocked(struct ipckit_thread *thread,
					     struct ipckit_work *work)
{
	if (thread->looper & (IPCKIT_LOOPER_REGISTERED | IPCKIT_LOOPER_ENTERED))
		ipckit_enqueue_thread_work_ilocked(thread, work);
	else
		ipckit_proc_queue_work_ilocked(thread->proc, NULL, work);
}

/**
 * ipckit_death_request() - BC_REQUEST_DEATH_NOTIFICATION
 * @thread: the calling thread
 * @handle: the handle to watch
 * @cookie: returned with BR_DEAD_BINDER
 *
 * A node already dead is reported at once.
 *
 * Return: 0. A bad handle or a second request on the same handle is
 * logged and ignored, as the reference does; so is a notification that
 * cannot be allocated, but the thread then reads BR_ERROR and the rest of
 * its write is not processed (as the reference: the command is consumed
 * and the ioctl succeeds, so userspace does not send it again).
 */
int ipckit_death_request(struct ipckit_thread *thread, u32 handle,
			 binder_uintptr_t cookie)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_death *death;
	binder_uintptr_t node_ptr = 0;
	struct ipckit_ref *ref;
	bool dead = false;

	death = kzalloc(sizeof(*death), GFP_KERNEL);
	if (!death) {
		ipckit_queue_error(thread, &thread->return_error, BR_ERROR);
		return 0;
	}
	INIT_LIST_HEAD(&death->work.entry);
	death->work.type = IPCKIT_WORK_DEAD_BINDER;
	death->cookie = cookie;

	spin_lock(&proc->outer_lock);
	ref = ipckit_ref_get_olocked(proc, handle, false);
	if (!ref || ref->death) {
		spin_unlock(&proc->outer_lock);
		kfree(death);
		ipckit_user_error(thread, "BC_REQUEST_DEATH_NOTIFICATION: %s handle %u\n",
				  ref ? "already watching" : "no such", handle);
		return 0;
	}
	/* node->lock orders this against the owner's death. */
	spin_lock(&ref->node->lock);
	ref->death = death;
	if (!ref->node->proc) {
		spin_lock(&proc->inner_lock);
		ipckit_proc_queue_work_ilocked(proc, NULL, &death->work);
		spin_unlock(&proc->inner_lock);
		dead = true;
		node_ptr = ref->node->ptr;
	}
	spin_unlock(&ref->node->lock);
	spin_unlock(&proc->outer_lock);
	if (dead) {
		/* The owner is gone and unknown: no TARGET_PID. */
		struct ipckit_nl_event ev = {
			.kind = IPCKIT_EVENT_DEATH_SENT, .pid = proc->pid,
			.tid = thread->pid, .uid = proc->cred->euid,
			.node = node_ptr, .handle = handle, .cookie = cookie,
		};

		ipckit_nl_event(proc->ctx, &ev);
	}
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
	struct ipckit_death *death;
	struct ipckit_ref *ref;

	spin_lock(&proc->outer_lock);
	ref = ipckit_ref_get_olocked(proc, handle, false);
	death = ref ? ref->death : NULL;
	if (!death || death->cookie != cookie) {
		spin_unlock(&proc->outer_lock);
		ipckit_user_error(thread,
				  "BC_CLEAR_DEATH_NOTIFICATION: no notification %016llx on handle %u\n",
				  (u64)cookie, handle);
		return 0;
	}
	spin_lock(&ref->node->lock);
	ref->death = NULL;	/* from now on the work item owns @death */
	spin_lock(&proc->inner_lock);
	if (list_empty(&death->work.entry)) {
		death->work.type = IPCKIT_WORK_CLEAR_DEATH_NOTIFICATION;
		ipckit_death_queue_clear_ilocked(thread, &death->work);
	} else {
		WARN_ON(death->work.type != IPCKIT_WORK_DEAD_BINDER);
		death->work.type = IPCKIT_WORK_DEAD_BINDER_AND_CLEAR;
	}
	spin_unlock(&proc->inner_lock);
	spin_unlock(&ref->node->lock);
	spin_unlock(&proc->outer_lock);
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
			ipckit_death_queue_clear_ilocked(thread, &death->work);
		}
		spin_unlock(&proc->inner_lock);
		return;
	}
	spin_unlock(&proc->inner_lock);
	ipckit_user_error(thread, "BC_DEAD_BINDER_DONE %016llx not found\n",
			  (u64)cookie);
}

/*
 * A dying process drops a queued or delivered notification. One still
 * attached to a ref is freed with the ref (ipckit_ref_release_all(), which
 * runs first); what is left here was cleared and belongs to its work item.
 */
void ipckit_death_release_work(struct ipckit_proc *proc, struct ipckit_work *w)
{
	if (w->type == IPCKIT_WORK_DEAD_BINDER)
		return;	/* still a ref's: freed with it */
	kfree(container_of(w, struct ipckit_death, work));
}
