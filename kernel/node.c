// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes: the binder objects a process owns: the context manager's node
 * (handle 0 everywhere) and every local binder it has sent.
 *
 * Locking: see internal.h. node->lock guards only the owner pointer, so
 * a sender can find (and pin) a node's owner without the owner's locks.
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

		spin_lock(&node->lock);
		node->proc = NULL;
		spin_unlock(&node->lock);
		ipckit_death_node_died(node);
		ipckit_release_work_list(proc, &node->async_todo);
		ipckit_node_put(node);	/* the owner's list reference */
	}
}
