// SPDX-License-Identifier: GPL-2.0
/*
 * References: a process's handles to nodes of other processes. Handle
 * numbers are per process; 0 always names the context manager's node.
 *
 * Locking: see internal.h. A process's refs and their strong/weak counts
 * are guarded by its inner_lock; a ref's place on its node's watch list
 * (for death notifications) by the context's death_lock. The node's side
 * of the counts is changed afterwards under the owner's inner_lock, never
 * with both held. Each ref pins its node's memory; it goes with its last
 * reference, or when its process dies.
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

/* Count one more reference through @ref; true if it was the first. */
static bool ipckit_ref_inc_ilocked(struct ipckit_ref *ref, bool strong)
{
	return strong ? ref->strong++ == 0 : ref->weak++ == 0;
}

/**
 * ipckit_ref_for_node() - @proc's handle for @node, with one more reference
 * @proc:   the process receiving the handle
 * @node:   the node
 * @strong: a strong reference, else weak
 * @thread: the owner's thread sending the node, or NULL (see
 *          ipckit_node_inc())
 * @desc:   receives the handle number
 *
 * The reference is held by the buffer that carries the handle; it goes
 * when that buffer is freed (ipckit_release_buffer_objects()).
 *
 * Return: 0, -ESRCH when @proc is dead, -ENOMEM.
 */
int ipckit_ref_for_node(struct ipckit_proc *proc, struct ipckit_node *node,
			bool strong, struct ipckit_thread *thread, u32 *desc)
{
	struct ipckit_context *ctx = proc->ctx;
	struct ipckit_ref *ref, *new;
	bool first = false;

	/* Fast path: the process already has a handle for the node. */
	spin_lock(&proc->inner_lock);
	ref = ipckit_ref_by_node_ilocked(proc, node);
	if (ref) {
		first = ipckit_ref_inc_ilocked(ref, strong);
		*desc = ref->desc;
	}
	spin_unlock(&proc->inner_lock);
	if (ref) {
		if (first)
			ipckit_node_inc(node, strong, true, thread);
		return 0;
	}

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	INIT_LIST_HEAD(&new->node_link);
	new->proc = proc;
	new->node = node;
	/* Count the handle on the node before anyone can see it. */
	ipckit_node_inc_holders(node);

	/* A new handle joins the node's watch list: death_lock, then inner. */
	mutex_lock(&ctx->death_lock);
	spin_lock(&proc->inner_lock);
	if (proc->is_dead) {
		spin_unlock(&proc->inner_lock);
		mutex_unlock(&ctx->death_lock);
		kfree(new);
		ipckit_node_dec(node, false, true);
		return -ESRCH;
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
	first = ipckit_ref_inc_ilocked(ref, strong);
	*desc = ref->desc;
	spin_unlock(&proc->inner_lock);
	mutex_unlock(&ctx->death_lock);
	if (new) {
		/* Another thread made it first: undo our count of it. */
		kfree(new);
		ipckit_node_dec(node, false, true);
	}
	if (first)
		ipckit_node_inc(node, strong, true, thread);
	return 0;
}

/* @ref left its process's list: its node loses the handle and counts. */
static void ipckit_ref_free(struct ipckit_ref *ref, bool had_strong)
{
	struct ipckit_node *node = ref->node;

	ipckit_death_ref_gone(ref);
	if (had_strong)
		ipckit_node_dec(node, true, true);
	ipckit_node_dec(node, false, true);
	ipckit_obj_deleted(ref->proc->ctx, IPCKIT_OBJ_REF);
	kfree(ref);
	ipckit_node_put(node);
}

/*
 * One reference fewer through handle @desc of @proc; the handle goes
 * with its last reference. Return: 0, or -EINVAL for a handle @proc does
 * not hold (or holds only weakly, for a strong one).
 */
static int ipckit_ref_dec(struct ipckit_proc *proc, u32 desc, bool strong)
{
	struct ipckit_node *node;
	struct ipckit_ref *ref;
	bool last_strong, gone;

	spin_lock(&proc->inner_lock);
	ref = ipckit_ref_by_desc_ilocked(proc, desc);
	if (!ref || (strong ? !ref->strong : !ref->weak)) {
		spin_unlock(&proc->inner_lock);
		return -EINVAL;
	}
	last_strong = strong && --ref->strong == 0;
	if (!strong)
		ref->weak--;
	gone = !ref->strong && !ref->weak;
	if (gone)
		list_del_init(&ref->proc_link);
	node = ref->node;
	ipckit_node_get(node);
	spin_unlock(&proc->inner_lock);

	if (gone)
		ipckit_ref_free(ref, last_strong);
	else if (last_strong)
		ipckit_node_dec(node, true, true);
	ipckit_node_put(node);
	return 0;
}

/**
 * ipckit_ref_update() - BC_INCREFS, BC_ACQUIRE, BC_RELEASE, BC_DECREFS
 * @thread:    the calling thread
 * @desc:      the handle
 * @increment: INCREFS/ACQUIRE, else RELEASE/DECREFS
 * @strong:    ACQUIRE/RELEASE, else INCREFS/DECREFS
 *
 * A strong reference can only be taken through a handle that already
 * has one (from the buffer that brought it), as the reference requires.
 *
 * Return: 0; misuse is logged and ignored, as the reference does.
 */
int ipckit_ref_update(struct ipckit_thread *thread, u32 desc, bool increment,
		      bool strong)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_node *node = NULL;
	struct ipckit_ref *ref;
	bool first = false;

	if (!increment) {
		if (ipckit_ref_dec(proc, desc, strong))
			ipckit_user_error(thread, "%s on handle %u it does not hold\n",
					  strong ? "BC_RELEASE" : "BC_DECREFS", desc);
		return 0;
	}
	spin_lock(&proc->inner_lock);
	ref = ipckit_ref_by_desc_ilocked(proc, desc);
	if (ref && (!strong || ref->strong)) {
		first = ipckit_ref_inc_ilocked(ref, strong);
		node = ref->node;
		ipckit_node_get(node);
	}
	spin_unlock(&proc->inner_lock);
	if (!node) {
		ipckit_user_error(thread, "%s on handle %u it does not hold\n",
				  strong ? "BC_ACQUIRE" : "BC_INCREFS", desc);
		return 0;
	}
	if (first)
		ipckit_node_inc(node, strong, true, NULL);
	ipckit_node_put(node);
	return 0;
}

/* A buffer that carried handle @desc is freed: its reference goes. */
void ipckit_ref_release_for_buffer(struct ipckit_proc *proc, u32 desc,
				   bool strong)
{
	ipckit_ref_dec(proc, desc, strong);
}

/**
 * ipckit_ref_node_info() - BINDER_GET_NODE_INFO_FOR_REF
 * @proc: the caller, which must be the context manager
 * @info: in: a strong handle, every other field 0; out: the node's counts
 *
 * Return: 0; -EINVAL for a bad argument or handle; -EPERM for a caller
 * that is not the context manager (checked after the argument, as the
 * reference does).
 */
int ipckit_ref_node_info(struct ipckit_proc *proc,
			 struct binder_node_info_for_ref *info)
{
	struct ipckit_node *mgr, *node = NULL;
	struct ipckit_proc *owner;
	struct ipckit_ref *ref;
	bool is_mgr;

	if (info->strong_count || info->weak_count || info->reserved1 ||
	    info->reserved2 || info->reserved3)
		return -EINVAL;
	mgr = ipckit_context_get_mgr(proc->ctx);
	is_mgr = mgr && READ_ONCE(mgr->proc) == proc;
	if (mgr)
		ipckit_node_put(mgr);
	if (!is_mgr)
		return -EPERM;

	spin_lock(&proc->inner_lock);
	ref = ipckit_ref_by_desc_ilocked(proc, info->handle);
	if (ref && ref->strong) {
		node = ref->node;
		ipckit_node_get(node);
	}
	spin_unlock(&proc->inner_lock);
	if (!node)
		return -EINVAL;
	owner = ipckit_node_get_owner(node);
	if (owner) {
		spin_lock(&owner->inner_lock);
		info->strong_count = node->local_strong_refs +
				     node->internal_strong_refs;
		info->weak_count = node->local_weak_refs;
		spin_unlock(&owner->inner_lock);
		ipckit_proc_put(owner);
	}
	ipckit_node_put(node);
	return 0;
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
		ipckit_ref_free(ref, ref->strong);
	}
}
