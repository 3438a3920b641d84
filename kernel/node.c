// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes: the binder objects a process owns: the context manager's node
 * (handle 0 everywhere) and every local binder it has sent, with the
 * strong/weak counts and the BR_INCREFS/BR_ACQUIRE/BR_RELEASE/BR_DECREFS
 * handshake that tells the owner about them.
 *
 * Locking: see internal.h. node->lock guards only the owner pointer, so
 * a sender can find (and pin) a node's owner without the owner's locks;
 * the counts, flags and queued work are guarded by the owner's inner_lock
 * (ipckit_node_lock_owner()), and stop mattering once the owner died.
 */
#include <linux/slab.h>

#include "internal.h"

static struct ipckit_node *ipckit_node_alloc(struct ipckit_proc *proc,
					     binder_uintptr_t ptr,
					     binder_uintptr_t cookie, u32 flags)
{
	struct ipckit_node *node = kzalloc(sizeof(*node), GFP_KERNEL);

	if (!node)
		return NULL;
	node->ctx = proc->ctx;
	spin_lock_init(&node->lock);
	node->proc = proc;
	refcount_set(&node->refs, 2);	/* the owner's list and the caller */
	node->ptr = ptr;
	node->cookie = cookie;
	node->accept_fds = !!(flags & FLAT_BINDER_FLAG_ACCEPTS_FDS);
	node->txn_security_ctx = !!(flags & FLAT_BINDER_FLAG_TXN_SECURITY_CTX);
	INIT_LIST_HEAD(&node->async_todo);
	INIT_LIST_HEAD(&node->holders);
	INIT_LIST_HEAD(&node->work.entry);
	node->work.type = IPCKIT_WORK_NODE;
	return node;
}

static struct ipckit_node *ipckit_node_lookup_ilocked(struct ipckit_proc *proc,
						      binder_uintptr_t ptr)
{
	struct ipckit_node *node;

	list_for_each_entry(node, &proc->nodes, proc_link)
		if (node->ptr == ptr)
			return node;
	return NULL;
}

/* One of @proc's own nodes by its ptr, with a reference, or NULL. */
struct ipckit_node *ipckit_node_lookup(struct ipckit_proc *proc,
				       binder_uintptr_t ptr)
{
	struct ipckit_node *node;

	spin_lock(&proc->inner_lock);
	node = ipckit_node_lookup_ilocked(proc, ptr);
	if (node)
		ipckit_node_get(node);
	spin_unlock(&proc->inner_lock);
	return node;
}

/**
 * ipckit_node_new() - create a node owned by @proc
 * @proc:   owner
 * @ptr:    the owner's address of the object
 * @cookie: the owner's cookie
 * @flags:  FLAT_BINDER_FLAG_* of the object
 *
 * Return: the node with two references (the owner's list and the
 * caller's), or NULL on -ENOMEM.
 */
struct ipckit_node *ipckit_node_new(struct ipckit_proc *proc,
				    binder_uintptr_t ptr,
				    binder_uintptr_t cookie, u32 flags)
{
	struct ipckit_node *node = ipckit_node_alloc(proc, ptr, cookie, flags);

	if (!node)
		return NULL;
	spin_lock(&proc->inner_lock);
	list_add_tail(&node->proc_link, &proc->nodes);
	spin_unlock(&proc->inner_lock);
	ipckit_obj_created(proc->ctx, IPCKIT_OBJ_NODE);
	return node;
}

/**
 * ipckit_node_get_or_new() - the node for a binder object @proc sends
 * @proc:   owner and sender
 * @fp:     the object as sent (binder, cookie, flags)
 * @node:   receives the node with a reference for the caller
 *
 * Return: 0; -EINVAL when the object names a known node with another
 * cookie (as the reference refuses it); -ESRCH when @proc is dying;
 * -ENOMEM.
 */
int ipckit_node_get_or_new(struct ipckit_proc *proc,
			   const struct flat_binder_object *fp,
			   struct ipckit_node **node)
{
	struct ipckit_node *found, *new;

	new = ipckit_node_alloc(proc, fp->binder, fp->cookie, fp->flags);
	if (!new)
		return -ENOMEM;
	spin_lock(&proc->inner_lock);
	if (proc->is_dead) {
		spin_unlock(&proc->inner_lock);
		kfree(new);
		return -ESRCH;
	}
	found = ipckit_node_lookup_ilocked(proc, fp->binder);
	if (found) {
		ipckit_node_get(found);
	} else {
		list_add_tail(&new->proc_link, &proc->nodes);
		found = new;
		new = NULL;
		ipckit_obj_created(proc->ctx, IPCKIT_OBJ_NODE);
	}
	spin_unlock(&proc->inner_lock);
	kfree(new);
	if (found->cookie != fp->cookie) {
		ipckit_node_put(found);
		return -EINVAL;
	}
	*node = found;
	return 0;
}

void ipckit_node_put(struct ipckit_node *node)
{
	if (!refcount_dec_and_test(&node->refs))
		return;
	WARN_ON(!list_empty(&node->async_todo));
	ipckit_obj_deleted(node->ctx, IPCKIT_OBJ_NODE);
	kfree(node);
}

/**
 * ipckit_node_get_owner() - the live owner of @node, pinned
 * @node: a node the caller holds a reference on
 *
 * Return: the owner with a reference for the caller, or NULL when the
 * owner has died.
 */
struct ipckit_proc *ipckit_node_get_owner(struct ipckit_node *node)
{
	struct ipckit_proc *proc;

	spin_lock(&node->lock);
	proc = node->proc;
	if (proc && !refcount_inc_not_zero(&proc->refs))
		proc = NULL;
	spin_unlock(&node->lock);
	return proc;
}

/**
 * ipckit_node_release_all() - the owner dies: orphan all its nodes
 * @proc: the dying owner, already marked dead
 *
 * Every process watching a node gets its BR_DEAD_BINDER; one-way
 * transactions still queued on a node are dropped.
 */
void ipckit_node_release_all(struct ipckit_proc *proc)
{
	for (;;) {
		struct ipckit_node *node;

		spin_lock(&proc->inner_lock);
		node = list_first_entry_or_null(&proc->nodes,
						struct ipckit_node, proc_link);
		if (node)
			list_del_init(&node->proc_link);
		spin_unlock(&proc->inner_lock);
		if (!node)
			return;

		spin_lock(&proc->inner_lock);
		list_del_init(&node->work.entry);
		spin_lock(&node->lock);
		node->proc = NULL;
		spin_unlock(&node->lock);
		spin_unlock(&proc->inner_lock);
		ipckit_death_node_died(node);
		ipckit_release_work_list(proc, &node->async_todo);
		ipckit_node_put(node);	/* the owner's list reference */
	}
}

/*
 * The owner of @node, pinned and with its inner_lock held, or NULL when
 * the owner died (the counts then no longer matter).
 */
static struct ipckit_proc *ipckit_node_lock_owner(struct ipckit_node *node)
{
	struct ipckit_proc *owner = ipckit_node_get_owner(node);

	if (!owner)
		return NULL;
	spin_lock(&owner->inner_lock);
	if (READ_ONCE(node->proc) != owner) {
		spin_unlock(&owner->inner_lock);
		ipckit_proc_put(owner);
		return NULL;
	}
	return owner;
}

static void ipckit_node_unlock_owner(struct ipckit_proc *owner)
{
	spin_unlock(&owner->inner_lock);
	ipckit_proc_put(owner);
}

/**
 * ipckit_node_inc() - one more strong or weak reference on @node
 * @node:     the node
 * @strong:   strong, else weak
 * @internal: from a handle (counted once per handle), else local (a
 *            buffer in flight); a weak internal reference is the handle's
 *            existence itself and changes no count
 * @thread:   the owner's thread sending the node right now, or NULL: if
 *            the owner must be told (BR_INCREFS/BR_ACQUIRE), it is told
 *            with that thread's BR_TRANSACTION_COMPLETE, as the reference
 */
void ipckit_node_inc(struct ipckit_node *node, bool strong, bool internal,
		     struct ipckit_thread *thread)
{
	struct ipckit_proc *owner = ipckit_node_lock_owner(node);

	if (!owner)
		return;
	if (thread && thread->proc != owner)
		thread = NULL;
	if (strong) {
		if (internal)
			node->internal_strong_refs++;
		else
			node->local_strong_refs++;
		if (!node->has_strong_ref && thread) {
			list_del_init(&node->work.entry);
			ipckit_enqueue_deferred_thread_work_ilocked(thread,
								    &node->work);
		}
	} else {
		if (!internal)
			node->local_weak_refs++;
		if (!node->has_weak_ref && thread &&
		    list_empty(&node->work.entry))
			ipckit_enqueue_deferred_thread_work_ilocked(thread,
								    &node->work);
	}
	ipckit_node_unlock_owner(owner);
}

/* A handle on @node is about to appear: count it (internal weak). */
void ipckit_node_inc_holders(struct ipckit_node *node)
{
	struct ipckit_proc *owner = ipckit_node_lock_owner(node);

	if (!owner)
		return;
	node->internal_weak_refs++;
	ipckit_node_unlock_owner(owner);
}

/**
 * ipckit_node_dec() - one strong or weak reference on @node fewer
 * @node:     the node
 * @strong:   strong, else weak
 * @internal: see ipckit_node_inc(); a weak internal one is a handle gone
 *
 * When the last of a kind goes, the owner is told (BR_RELEASE/BR_DECREFS)
 * if it was told it had one; a node nobody references any more and whose
 * owner holds nothing is forgotten.
 */
void ipckit_node_dec(struct ipckit_node *node, bool strong, bool internal)
{
	struct ipckit_proc *owner = ipckit_node_lock_owner(node);
	bool forget = false;

	if (!owner)
		return;
	if (strong) {
		if (internal)
			node->internal_strong_refs--;
		else
			node->local_strong_refs--;
		if (node->local_strong_refs || node->internal_strong_refs)
			goto out;
	} else {
		if (internal)
			node->internal_weak_refs--;
		else
			node->local_weak_refs--;
		if (node->local_weak_refs || node->internal_weak_refs)
			goto out;
	}
	if (node->has_strong_ref || node->has_weak_ref) {
		if (list_empty(&node->work.entry))
			ipckit_proc_queue_work_ilocked(owner, NULL, &node->work);
	} else if (!node->internal_weak_refs && !node->internal_strong_refs &&
		   !node->local_strong_refs && !node->local_weak_refs) {
		list_del_init(&node->work.entry);
		list_del_init(&node->proc_link);
		forget = true;
	}
out:
	ipckit_node_unlock_owner(owner);
	if (forget)
		ipckit_node_put(node);	/* the owner's list reference */
}

/**
 * ipckit_node_take_work_ilocked() - what a node's queued work tells its owner
 * @node: the node whose work the owner's thread just dequeued
 * @pc:   receives the node's ptr and cookie
 * @cmds: receives up to two BR_ commands, 0 for none
 *
 * The owner is told BR_INCREFS/BR_ACQUIRE when references appeared (and
 * holds a local one until its BC_*_DONE), BR_RELEASE/BR_DECREFS when they
 * went.
 *
 * Return: true when the node is now forgotten: the caller drops the
 * owner's list reference after unlocking.
 */
bool ipckit_node_take_work_ilocked(struct ipckit_node *node,
				   struct binder_ptr_cookie *pc, u32 cmds[2])
{
	bool strong = node->internal_strong_refs || node->local_strong_refs;
	bool weak = node->internal_weak_refs || node->local_weak_refs || strong;
	bool has_strong = node->has_strong_ref, has_weak = node->has_weak_ref;
	int n = 0;

	cmds[0] = 0;
	cmds[1] = 0;
	pc->ptr = node->ptr;
	pc->cookie = node->cookie;
	if (weak && !has_weak) {
		node->has_weak_ref = true;
		node->pending_weak_ref = true;
		node->local_weak_refs++;
		cmds[n++] = BR_INCREFS;
	}
	if (strong && !has_strong) {
		node->has_strong_ref = true;
		node->pending_strong_ref = true;
		node->local_strong_refs++;
		cmds[n++] = BR_ACQUIRE;
	}
	if (!strong && has_strong) {
		node->has_strong_ref = false;
		cmds[n++] = BR_RELEASE;
	}
	if (!weak && has_weak) {
		node->has_weak_ref = false;
		cmds[n++] = BR_DECREFS;
	}
	if (!weak && !strong) {
		list_del_init(&node->proc_link);
		return true;
	}
	return false;
}

/**
 * ipckit_node_done() - BC_INCREFS_DONE / BC_ACQUIRE_DONE from the owner
 * @thread: the owner's thread
 * @cmd:    which
 * @ptr:    the node's ptr
 * @cookie: and cookie
 */
void ipckit_node_done(struct ipckit_thread *thread, u32 cmd,
		      binder_uintptr_t ptr, binder_uintptr_t cookie)
{
	struct ipckit_proc *proc = thread->proc;
	bool strong = cmd == BC_ACQUIRE_DONE;
	struct ipckit_node *node = ipckit_node_lookup(proc, ptr);
	bool *pending;

	if (!node || node->cookie != cookie) {
		ipckit_user_error(thread, "%s for unknown node %016llx cookie %016llx\n",
				  strong ? "BC_ACQUIRE_DONE" : "BC_INCREFS_DONE",
				  (u64)ptr, (u64)cookie);
		if (node)
			ipckit_node_put(node);
		return;
	}
	spin_lock(&proc->inner_lock);
	pending = strong ? &node->pending_strong_ref : &node->pending_weak_ref;
	if (!*pending) {
		spin_unlock(&proc->inner_lock);
		ipckit_user_error(thread, "%s without a pending request\n",
				  strong ? "BC_ACQUIRE_DONE" : "BC_INCREFS_DONE");
		ipckit_node_put(node);
		return;
	}
	*pending = false;
	spin_unlock(&proc->inner_lock);
	ipckit_node_dec(node, strong, false);
	ipckit_node_put(node);
}

/**
 * ipckit_node_debug_info() - BINDER_GET_NODE_DEBUG_INFO
 * @proc: the caller
 * @info: in: a ptr (0 to start); out: the caller's node with the next
 *        higher ptr, all zero when there is none
 *
 * Return: 0.
 */
int ipckit_node_debug_info(struct ipckit_proc *proc,
			   struct binder_node_debug_info *info)
{
	binder_uintptr_t after = info->ptr;
	struct ipckit_node *node, *best = NULL;

	memset(info, 0, sizeof(*info));
	spin_lock(&proc->inner_lock);
	list_for_each_entry(node, &proc->nodes, proc_link)
		if (node->ptr > after && (!best || node->ptr < best->ptr))
			best = node;
	if (best) {
		info->ptr = best->ptr;
		info->cookie = best->cookie;
		info->has_strong_ref = best->has_strong_ref;
		info->has_weak_ref = best->has_weak_ref;
	}
	spin_unlock(&proc->inner_lock);
	return 0;
}
