// SPDX-License-Identifier: GPL-2.0
/*
 * References: a process's handles to nodes of other processes. Handle
 * numbers are per process; 0 always names the context manager's node.
 *
 * Locking: see internal.h. A process's refs are guarded by its
 * inner_lock; a ref's place on its node's watch list (for death
 * notifications) by the context's death_lock. Each ref holds a reference
 * on its node, dropped when the process dies (counting by BC_ACQUIRE/
 * BC_RELEASE does not free refs yet).
 */
#include <linux/slab.h>

#include "internal.h"

static struct ipckit_ref *ipckit_ref_by_desc_ilocked(struct ipckit_proc *proc,
						     u32 desc)
{
	struct ipckit_ref *ref;

	list_for_each_entry(ref, &proc->handles, proc_link)
		if (ref->desc == desc)
			return ref;
	return NULL;
}

static struct ipckit_ref *ipckit_ref_by_node_ilocked(struct ipckit_proc *proc,
						     struct ipckit_node *node)
{
	struct ipckit_ref *ref;

	list_for_each_entry(ref, &proc->handles, proc_link)
		if (ref->node == node)
			return ref;
	return NULL;
}

/* The smallest free handle; 0 only for the context manager. */
static u32 ipckit_ref_new_desc_ilocked(struct ipckit_proc *proc,
				       struct ipckit_node *node)
{
	u32 desc = node == READ_ONCE(proc->ctx->mgr_node) ? 0 : 1;

	while (ipckit_ref_by_desc_ilocked(proc, desc))
		desc++;
	return desc;
}

/**
 * ipckit_ref_lookup() - one of @proc's refs by handle
 * @proc: the process, in an ioctl (its refs go only when it dies)
 * @desc: the handle
 *
 * Return: the ref, or NULL.
 */
struct ipckit_ref *ipckit_ref_lookup(struct ipckit_proc *proc, u32 desc)
{
	struct ipckit_ref *ref;

	spin_lock(&proc->inner_lock);
	ref = ipckit_ref_by_desc_ilocked(proc, desc);
	spin_unlock(&proc->inner_lock);
	return ref;
}

/**
 * ipckit_ref_get_node() - the node behind one of @proc's handles
 * @proc: the process naming the handle
 * @desc: the handle
 *
 * Return: the node with a reference for the caller, or NULL when @proc
 * has no such handle.
 */
struct ipckit_node *ipckit_ref_get_node(struct ipckit_proc *proc, u32 desc)
{
	struct ipckit_node *node = NULL;
	struct ipckit_ref *ref;

	spin_lock(&proc->inner_lock);
	ref = ipckit_ref_by_desc_ilocked(proc, desc);
	if (ref) {
		node = ref->node;
		ipckit_node_get(node);
	}
	spin_unlock(&proc->inner_lock);
	return node;
}

/**
 * ipckit_ref_for_node() - find or make @proc's handle for @node
 * @proc: the process receiving the handle
 * @node: the node
 * @desc: receives the handle number
 *
 * Return: 0, -ESRCH when @proc is dead, -ENOMEM.
 */
int ipckit_ref_for_node(struct ipckit_proc *proc, struct ipckit_node *node,
			u32 *desc)
{
	struct ipckit_context *ctx = proc->ctx;
	struct ipckit_ref *ref, *new;
	int ret = 0;

	/* Fast path: the process already has a handle for the node. */
	spin_lock(&proc->inner_lock);
	ref = ipckit_ref_by_node_ilocked(proc, node);
	if (ref)
		*desc = ref->desc;
	spin_unlock(&proc->inner_lock);
	if (ref)
		return 0;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	INIT_LIST_HEAD(&new->node_link);
	new->proc = proc;
	new->node = node;

	/* A new handle joins the node's watch list: death_lock, then inner. */
	mutex_lock(&ctx->death_lock);
	spin_lock(&proc->inner_lock);
	if (proc->is_dead) {
		ret = -ESRCH;
		goto out;
	}
	ref = ipckit_ref_by_node_ilocked(proc, node);
	if (!ref) {
		ref = new;
		new = NULL;
		ipckit_node_get(node);
		ref->desc = ipckit_ref_new_desc_ilocked(proc, node);
		list_add_tail(&ref->proc_link, &proc->handles);
		/* Newest first: the order the reference notifies deaths in. */
		list_add(&ref->node_link, &node->holders);
		ipckit_obj_created(ctx, IPCKIT_OBJ_REF);
	}
	*desc = ref->desc;
out:
	spin_unlock(&proc->inner_lock);
	mutex_unlock(&ctx->death_lock);
	kfree(new);
	return ret;
}

/* The process dies: every handle goes, releasing its node. */
void ipckit_ref_release_all(struct ipckit_proc *proc)
{
	for (;;) {
		struct ipckit_ref *ref;

		spin_lock(&proc->inner_lock);
		ref = list_first_entry_or_null(&proc->handles, struct ipckit_ref,
					       proc_link);
		if (ref)
			list_del(&ref->proc_link);
		spin_unlock(&proc->inner_lock);
		if (!ref)
			return;
		ipckit_death_ref_gone(ref);
		ipckit_node_put(ref->node);
		ipckit_obj_deleted(proc->ctx, IPCKIT_OBJ_REF);
		kfree(ref);
	}
}
