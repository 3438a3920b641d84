// SPDX-License-Identifier: GPL-2.0
/*
 * Freeze notifications, as Linux 6.12's binder: BC_REQUEST_FREEZE_NOTIFICATION
 * on a handle gets a BR_FROZEN_BINDER with the node owner's current state,
 * and another each time BINDER_FREEZE freezes or thaws that owner.
 * Only one is outstanding per handle: after a BR_FROZEN_BINDER, the next
 * waits for BC_FREEZE_NOTIFICATION_DONE; changes meanwhile are folded into
 * it (it carries the latest state). BC_CLEAR_FREEZE_NOTIFICATION ends the
 * watch with BR_CLEAR_FREEZE_NOTIFICATION_DONE, after the DONE of one still
 * outstanding. A notification is one object per watched handle, reused
 * for every BR_ and freed with the ref, or once cleared, when its
 * BR_CLEAR_FREEZE_NOTIFICATION_DONE is read or its process dies.
 *
 * Locking: see internal.h. ref->freeze is set and cleared under the
 * holder's outer_lock and the node's lock, so a freeze walking the node's
 * refs under node->lock sees each notification whole; the notification's
 * state and its place in a work list are guarded by the holder's
 * inner_lock, taken inside. No two processes' inner_locks are held at once.
 */
#include <linux/slab.h>

#include "internal.h"

void ipckit_freeze_note_free(struct ipckit_context *ctx,
			     struct ipckit_freeze_note *note)
{
	ipckit_obj_deleted(ctx, IPCKIT_OBJ_FREEZE);
	kfree(note);
}

/**
 * ipckit_freeze_note_request() - BC_REQUEST_FREEZE_NOTIFICATION
 * @thread: the calling thread
 * @handle: the handle to watch
 * @cookie: returned with every BR_FROZEN_BINDER
 *
 * The owner's current state is reported at once; a node whose owner died
 * is watched but never reported (nothing can freeze it any more), as the
 * reference.
 *
 * Return: 0; -EINVAL for an unknown handle or one already watched (the
 * command is not consumed, as the reference); -ENOMEM.
 */
int ipckit_freeze_note_request(struct ipckit_thread *thread, u32 handle,
			       binder_uintptr_t cookie)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_freeze_note *note;
	struct ipckit_proc *owner;
	struct ipckit_ref *ref;

	note = kzalloc(sizeof(*note), GFP_KERNEL);
	if (!note)
		return -ENOMEM;
	INIT_LIST_HEAD(&note->work.entry);
	note->work.type = IPCKIT_WORK_FROZEN_BINDER;
	note->cookie = cookie;

	spin_lock(&proc->outer_lock);
	ref = ipckit_ref_get_olocked(proc, handle, false);
	if (!ref || ref->freeze) {
		spin_unlock(&proc->outer_lock);
		kfree(note);
		ipckit_user_error(thread, "BC_REQUEST_FREEZE_NOTIFICATION: %s handle %u\n",
				  ref ? "already watching" : "no such", handle);
		return -EINVAL;
	}
	ipckit_obj_created(proc->ctx, IPCKIT_OBJ_FREEZE);
	/* node->lock orders this against a freeze walking the node's refs. */
	spin_lock(&ref->node->lock);
	ref->freeze = note;
	owner = ref->node->proc;
	if (owner) {
		spin_lock(&owner->inner_lock);
		note->is_frozen = owner->is_frozen;
		spin_unlock(&owner->inner_lock);
		spin_lock(&proc->inner_lock);
		ipckit_proc_queue_work_ilocked(proc, NULL, &note->work);
		spin_unlock(&proc->inner_lock);
	}
	spin_unlock(&ref->node->lock);
	spin_unlock(&proc->outer_lock);
	return 0;
}

/**
 * ipckit_freeze_note_clear() - BC_CLEAR_FREEZE_NOTIFICATION
 * @thread: the calling thread
 * @handle: the watched handle
 * @cookie: the cookie it was requested with
 *
 * BR_CLEAR_FREEZE_NOTIFICATION_DONE comes next, in place of a
 * BR_FROZEN_BINDER still queued, or after the BC_FREEZE_NOTIFICATION_DONE
 * of one delivered.
 *
 * Return: 0; -EINVAL for an unknown handle, one not watched or another
 * cookie (the command is not consumed, as the reference).
 */
int ipckit_freeze_note_clear(struct ipckit_thread *thread, u32 handle,
			     binder_uintptr_t cookie)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_freeze_note *note;
	struct ipckit_ref *ref;

	spin_lock(&proc->outer_lock);
	ref = ipckit_ref_get_olocked(proc, handle, false);
	note = ref ? ref->freeze : NULL;
	if (!note || note->cookie != cookie) {
		spin_unlock(&proc->outer_lock);
		ipckit_user_error(thread,
				  "BC_CLEAR_FREEZE_NOTIFICATION: %s %016llx on handle %u\n",
				  !ref ? "no such handle for" :
				  !note ? "no notification" : "another cookie than",
				  (u64)cookie, handle);
		return -EINVAL;
	}
	spin_lock(&ref->node->lock);
	ref->freeze = NULL;	/* from now on the work item owns @note */
	spin_lock(&proc->inner_lock);
	note->work.type = IPCKIT_WORK_CLEAR_FREEZE_NOTIFICATION;
	if (list_empty(&note->work.entry))
		ipckit_proc_queue_work_ilocked(proc, NULL, &note->work);
	else if (note->sent)
		note->resend = true;
	/* else queued, not read yet: it is read as the clear instead. */
	spin_unlock(&proc->inner_lock);
	spin_unlock(&ref->node->lock);
	spin_unlock(&proc->outer_lock);
	return 0;
}

/**
 * ipckit_freeze_note_done() - BC_FREEZE_NOTIFICATION_DONE
 * @thread: the calling thread
 * @cookie: the cookie of the BR_FROZEN_BINDER handled
 *
 * A change or a clear that came meanwhile is queued now.
 *
 * Return: 0; -EINVAL when no delivered notification has @cookie.
 */
int ipckit_freeze_note_done(struct ipckit_thread *thread,
			    binder_uintptr_t cookie)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_freeze_note *note;

	spin_lock(&proc->inner_lock);
	/* One entry per watched handle of this process, as the reference. */
	list_for_each_entry(note, &proc->delivered_freeze, work.entry) {
		if (note->cookie != cookie)
			continue;
		list_del_init(&note->work.entry);
		note->sent = false;
		if (note->resend) {
			note->resend = false;
			ipckit_proc_queue_work_ilocked(proc, NULL, &note->work);
		}
		spin_unlock(&proc->inner_lock);
		return 0;
	}
	spin_unlock(&proc->inner_lock);
	ipckit_user_error(thread, "BC_FREEZE_NOTIFICATION_DONE %016llx not found\n",
			  (u64)cookie);
	return -EINVAL;
}

/* Tell @ref's holder about the new state; node->lock held. */
static void ipckit_freeze_note_queue(struct ipckit_ref *ref, bool is_frozen)
{
	struct ipckit_proc *holder = ref->proc;
	struct ipckit_freeze_note *note = ref->freeze;

	spin_lock(&holder->inner_lock);
	if (list_empty(&note->work.entry)) {
		note->is_frozen = is_frozen;
		if (!holder->is_dead)
			ipckit_proc_queue_work_ilocked(holder, NULL, &note->work);
	} else {
		/* Queued: it will carry the new state. Delivered: send again. */
		if (note->sent && note->is_frozen != is_frozen)
			note->resend = true;
		note->is_frozen = is_frozen;
	}
	spin_unlock(&holder->inner_lock);
}

/**
 * ipckit_freeze_note_changed() - BINDER_FREEZE froze or thawed @proc
 * @proc:      the process (the caller holds a reference)
 * @is_frozen: its new state
 *
 * Every handle on one of its nodes with a freeze notification hears of
 * it. Called after every successful BINDER_FREEZE, also one that left the
 * state as it was, as the reference. Walks @proc's nodes and their refs:
 * as many as exist, with no lock held across the whole walk.
 */
void ipckit_freeze_note_changed(struct ipckit_proc *proc, bool is_frozen)
{
	struct ipckit_node *prev = NULL, *node;
	struct ipckit_ref *ref;
	struct rb_node *n;

	spin_lock(&proc->inner_lock);
	n = rb_first(&proc->nodes);
	while (n && !proc->is_dead) {
		/*
		 * The hold keeps @node in the tree while unlocked, unless
		 * @proc dies, which takes the nodes out: checked above.
		 */
		node = rb_entry(n, struct ipckit_node, rb_node);
		node->tmp_refs++;
		spin_unlock(&proc->inner_lock);
		if (prev)
			ipckit_node_put(prev);
		prev = node;

		spin_lock(&node->lock);
		hlist_for_each_entry(ref, &node->refs, node_entry)
			if (ref->freeze)
				ipckit_freeze_note_queue(ref, is_frozen);
		spin_unlock(&node->lock);
		spin_lock(&proc->inner_lock);
		if (!proc->is_dead)
			n = rb_next(n);
	}
	spin_unlock(&proc->inner_lock);
	if (prev)
		ipckit_node_put(prev);
}

/*
 * @ref goes: its notification, queued or delivered, leaves the work lists
 * and is freed with it (ipckit_ref_free()).
 */
void ipckit_freeze_note_unlink_olocked(struct ipckit_ref *ref)
{
	struct ipckit_proc *proc = ref->proc;

	if (!ref->freeze)
		return;
	spin_lock(&proc->inner_lock);
	list_del_init(&ref->freeze->work.entry);
	spin_unlock(&proc->inner_lock);
}

/*
 * A dying process drops a queued or delivered notification. One still
 * attached to a ref is freed with the ref (ipckit_ref_release_all(), which
 * runs first); what is left here was cleared and belongs to its work item.
 */
void ipckit_freeze_note_release_work(struct ipckit_proc *proc,
				     struct ipckit_work *w)
{
	if (w->type == IPCKIT_WORK_FROZEN_BINDER)
		return;	/* still a ref's: freed with it */
	ipckit_freeze_note_free(proc->ctx,
				container_of(w, struct ipckit_freeze_note, work));
}
