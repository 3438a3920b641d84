// SPDX-License-Identifier: GPL-2.0
/*
 * References: a process's handles to nodes of other processes. Handle
 * numbers are per process; 0 always names the context manager's node.
 *
 * Locking: see internal.h. A process's refs, their counts and their
 * death and freeze notifications are guarded by its outer_lock; a ref's place in
 * its node's @refs by the node's lock, taken inside; the node's counts by
 * ipckit_node_inner_lock(), also inside. So a handle's count and the
 * node's count it stands for change together, never seen apart.
 *
 * Each process keeps its refs in two rb-trees, by handle and by node.
 * The handle tree is augmented with subtree sizes, so the lowest free
 * handle is found in O(log n): a process with 100 000 handles gets its
 * next one as fast as its tenth.
 */
#include <linux/rbtree_augmented.h>
#include <linux/slab.h>

#include "internal.h"

static u32 ipckit_ref_subtree(const struct rb_node *n)
{
	return n ? rb_entry(n, struct ipckit_ref, rb_desc)->subtree : 0;
}

static bool ipckit_ref_subtree_compute(struct ipckit_ref *ref, bool exit)
{
	u32 size = 1 + ipckit_ref_subtree(ref->rb_desc.rb_left) +
		   ipckit_ref_subtree(ref->rb_desc.rb_right);

	if (exit && ref->subtree == size)
		return true;
	ref->subtree = size;
	return false;
}

RB_DECLARE_CALLBACKS(static, ipckit_ref_desc_cb, struct ipckit_ref, rb_desc,
		     subtree, ipckit_ref_subtree_compute);

static struct ipckit_ref *ipckit_ref_by_desc_olocked(struct ipckit_proc *proc,
						     u32 desc)
{
	struct rb_node *n = proc->refs_by_desc.rb_node;

	while (n) {
		struct ipckit_ref *ref = rb_entry(n, struct ipckit_ref, rb_desc);

		if (desc < ref->desc)
			n = n->rb_left;
		else if (desc > ref->desc)
			n = n->rb_right;
		else
			return ref;
	}
	return NULL;
}

/*
 * A handle of @proc; with @need_strong only if it holds a strong
 * reference: a weak handle names an object that may already be gone for
 * its owner, so it must not be called or passed on as strong.
 */
struct ipckit_ref *ipckit_ref_get_olocked(struct ipckit_proc *proc, u32 desc,
					  bool need_strong)
{
	struct ipckit_ref *ref = ipckit_ref_by_desc_olocked(proc, desc);

	if (ref && need_strong && !ref->strong) {
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "%s: %d: tried to use weak ref %u as strong ref\n",
				    proc->ctx->name, proc->pid, desc);
		return NULL;
	}
	return ref;
}

static struct ipckit_ref *ipckit_ref_by_node_olocked(struct ipckit_proc *proc,
						     struct ipckit_node *node)
{
	struct rb_node *n = proc->refs_by_node.rb_node;

	while (n) {
		struct ipckit_ref *ref = rb_entry(n, struct ipckit_ref,
						  rb_node_node);

		if (node < ref->node)
			n = n->rb_left;
		else if (node > ref->node)
			n = n->rb_right;
		else
			return ref;
	}
	return NULL;
}

/**
 * ipckit_ref_lowest_free_desc() - the smallest handle >= @base not in use
 * @root: a handle tree (subtree sizes up to date)
 * @base: 0 for the context manager's node, 1 for any other
 *
 * Handles are distinct, so below the first gap the k-th smallest handle
 * >= @base is @base + k. Descend towards the first node breaking that,
 * counting the handles passed on the left: O(log n).
 *
 * Return: the handle.
 */
u32 ipckit_ref_lowest_free_desc(const struct rb_root *root, u32 base)
{
	const struct rb_node *n = root->rb_node;
	u64 below_base = 0, passed = 0;

	/* Only handle 0 can be below base 1; it is the smallest if present. */
	if (base) {
		const struct rb_node *m = root->rb_node;

		while (m && m->rb_left)
			m = m->rb_left;
		if (m && !rb_entry(m, struct ipckit_ref, rb_desc)->desc)
			below_base = 1;
	}
	while (n) {
		const struct ipckit_ref *ref = rb_entry(n, struct ipckit_ref,
							rb_desc);
		u64 rank = passed + ipckit_ref_subtree(n->rb_left);

		if (ref->desc >= base &&
		    ref->desc > base + (rank - below_base)) {
			n = n->rb_left;		/* a gap below this handle */
		} else {
			passed = rank + 1;
			n = n->rb_right;
		}
	}
	return base + (passed - below_base);
}

/* Insert @ref (desc set) into a handle tree, keeping subtree sizes. */
void ipckit_ref_insert_desc(struct rb_root *root, struct ipckit_ref *ref)
{
	struct rb_node **p = &root->rb_node, *parent = NULL;

	while (*p) {
		struct ipckit_ref *r = rb_entry(*p, struct ipckit_ref, rb_desc);

		parent = *p;
		r->subtree++;	/* @ref will sit below it */
		if (ref->desc < r->desc)
			p = &(*p)->rb_left;
		else
			p = &(*p)->rb_right;
	}
	ref->subtree = 1;
	rb_link_node(&ref->rb_desc, parent, p);
	rb_insert_augmented(&ref->rb_desc, root, &ipckit_ref_desc_cb);
}

void ipckit_ref_erase_desc(struct rb_root *root, struct ipckit_ref *ref)
{
	rb_erase_augmented(&ref->rb_desc, root, &ipckit_ref_desc_cb);
}

/* Give @ref, new, the lowest free handle and link it everywhere. */
static void ipckit_ref_link_olocked(struct ipckit_proc *proc,
				    struct ipckit_ref *ref,
				    struct ipckit_node *node)
{
	struct rb_node **p = &proc->refs_by_node.rb_node, *parent = NULL;

	while (*p) {
		struct ipckit_ref *r = rb_entry(*p, struct ipckit_ref,
						rb_node_node);

		parent = *p;
		p = node < r->node ? &(*p)->rb_left : &(*p)->rb_right;
	}
	ref->proc = proc;
	ref->node = node;
	rb_link_node(&ref->rb_node_node, parent, p);
	rb_insert_color(&ref->rb_node_node, &proc->refs_by_node);

	ref->desc = ipckit_ref_lowest_free_desc(&proc->refs_by_desc,
						node->is_mgr ? 0 : 1);
	ipckit_ref_insert_desc(&proc->refs_by_desc, ref);

	spin_lock(&node->lock);
	hlist_add_head(&ref->node_entry, &node->refs);
	spin_unlock(&node->lock);
	ipckit_obj_created(proc->ctx, IPCKIT_OBJ_REF);
}

/*
 * Unlink @ref from its process and node, giving back the node counts it
 * stood for. Return: true when the node must be freed with the ref.
 */
static bool ipckit_ref_cleanup_olocked(struct ipckit_ref *ref)
{
	struct ipckit_proc *proc = ref->proc;
	struct ipckit_node *node = ref->node;
	bool free_node;

	ipckit_ref_erase_desc(&proc->refs_by_desc, ref);
	rb_erase(&ref->rb_node_node, &proc->refs_by_node);

	ipckit_node_inner_lock(node);
	if (ref->strong)
		ipckit_node_dec_nilocked(node, true, true);
	hlist_del(&ref->node_entry);
	free_node = ipckit_node_dec_nilocked(node, false, true);
	ipckit_node_inner_unlock(node);

	if (ref->death) {
		/* Queued or delivered: it goes with the ref. */
		spin_lock(&proc->inner_lock);
		list_del_init(&ref->death->work.entry);
		spin_unlock(&proc->inner_lock);
	}
	ipckit_freeze_note_unlink_olocked(ref);
	return free_node;
}

static void ipckit_ref_free(struct ipckit_ref *ref, bool free_node)
{
	if (free_node)
		ipckit_node_free(ref->node);
	ipckit_obj_deleted(ref->proc->ctx, IPCKIT_OBJ_REF);
	kfree(ref->death);
	if (ref->freeze)
		ipckit_freeze_note_free(ref->proc->ctx, ref->freeze);
	kfree(ref);
}

static int ipckit_ref_inc_olocked(struct ipckit_ref *ref, bool strong,
				  struct ipckit_thread *thread)
{
	int ret;

	if (strong) {
		if (!ref->strong) {
			ret = ipckit_node_inc(ref->node, true, true, thread);
			if (ret)
				return ret;
		}
		ref->strong++;
	} else {
		if (!ref->weak) {
			ret = ipckit_node_inc(ref->node, false, true, thread);
			if (ret)
				return ret;
		}
		ref->weak++;
	}
	return 0;
}

/*
 * One count fewer on @ref. Return: true when that was its last: it is
 * unlinked and the caller frees it (*free_node: with its node).
 */
static bool ipckit_ref_dec_olocked(struct ipckit_ref *ref, bool strong,
				   bool *free_node)
{
	int *count = strong ? &ref->strong : &ref->weak;

	if (!*count) {
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "%s: %d: invalid %s decrement of ref %u\n",
				    ref->proc->ctx->name, ref->proc->pid,
				    strong ? "strong" : "weak", ref->desc);
		return false;
	}
	if (!--*count && strong)
		ipckit_node_dec(ref->node, true, true);
	if (ref->strong || ref->weak)
		return false;
	*free_node = ipckit_ref_cleanup_olocked(ref);
	return true;
}

/**
 * ipckit_ref_get_node() - the node behind one of @proc's handles
 * @proc:        the process naming the handle
 * @desc:        the handle
 * @need_strong: the handle must hold a strong reference
 *
 * Return: the node with a temporary reference (ipckit_node_put()), or
 * NULL when @proc has no such handle.
 */
struct ipckit_node *ipckit_ref_get_node(struct ipckit_proc *proc, u32 desc,
					bool need_strong)
{
	struct ipckit_node *node = NULL;
	struct ipckit_ref *ref;

	spin_lock(&proc->outer_lock);
	ref = ipckit_ref_get_olocked(proc, desc, need_strong);
	if (ref) {
		node = ref->node;
		ipckit_node_get(node);
	}
	spin_unlock(&proc->outer_lock);
	return node;
}

/**
 * ipckit_ref_get_txn_target() - the node a transaction to @desc goes to
 * @proc:  the sender
 * @desc:  the handle it names, which must be held strongly
 * @node:  receives the node, pinned by ipckit_node_get_for_txn()
 * @owner: receives the node's owner with a reference
 *
 * Return: BR_OK, BR_FAILED_REPLY for a bad or weak handle, BR_DEAD_REPLY
 * when the owner died.
 */
u32 ipckit_ref_get_txn_target(struct ipckit_proc *proc, u32 desc,
			      struct ipckit_node **node,
			      struct ipckit_proc **owner)
{
	struct ipckit_ref *ref;
	u32 ret = BR_FAILED_REPLY;

	spin_lock(&proc->outer_lock);
	ref = ipckit_ref_get_olocked(proc, desc, true);
	if (ref) {
		ret = BR_DEAD_REPLY;
		if (ipckit_node_get_for_txn(ref->node, owner)) {
			*node = ref->node;
			ret = BR_OK;
		}
	}
	spin_unlock(&proc->outer_lock);
	return ret;
}

/**
 * ipckit_ref_inc_for_node() - @proc's handle for @node, one more reference
 * @proc:   the process receiving the handle
 * @node:   the node, held by the caller
 * @strong: a strong reference, else weak
 * @thread: the owner's thread sending the node, or NULL (see
 *          ipckit_node_inc_nilocked())
 * @desc:   receives the handle number
 *
 * Return: 0, -ESRCH when @proc is dead, -ENOMEM, or -EINVAL when the
 * node cannot take the reference (ipckit_node_inc_nilocked()).
 */
int ipckit_ref_inc_for_node(struct ipckit_proc *proc, struct ipckit_node *node,
			    bool strong, struct ipckit_thread *thread, u32 *desc)
{
	struct ipckit_ref *ref, *new = NULL;
	bool free_node = false;
	int ret;

	spin_lock(&proc->outer_lock);
	ref = ipckit_ref_by_node_olocked(proc, node);
	if (!ref) {
		spin_unlock(&proc->outer_lock);
		new = kzalloc(sizeof(*new), GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		spin_lock(&proc->outer_lock);
		ref = ipckit_ref_by_node_olocked(proc, node);
	}
	if (!ref) {
		bool dead;

		/* ipckit_ref_release_all() runs after is_dead is set. */
		spin_lock(&proc->inner_lock);
		dead = proc->is_dead;
		spin_unlock(&proc->inner_lock);
		if (dead) {
			spin_unlock(&proc->outer_lock);
			kfree(new);
			return -ESRCH;
		}
		ref = new;
		ipckit_ref_link_olocked(proc, ref, node);
	}
	ret = ipckit_ref_inc_olocked(ref, strong, thread);
	*desc = ref->desc;
	if (ret && ref == new) {
		/* The caller's hold on the node keeps it: never freed here. */
		free_node = ipckit_ref_cleanup_olocked(new);
		WARN_ON(free_node);
		ipckit_obj_deleted(proc->ctx, IPCKIT_OBJ_REF);
		ref = NULL;
	}
	spin_unlock(&proc->outer_lock);
	if (ref != new)
		kfree(new);
	return ret;
}

/**
 * ipckit_ref_update() - one reference more or fewer through a handle
 * @proc:      the process holding the handle
 * @desc:      the handle
 * @increment: one more, else one fewer
 * @strong:    strong, else weak; a strong change needs a strong handle
 *
 * BC_INCREFS/BC_ACQUIRE/BC_RELEASE/BC_DECREFS and the release of handles
 * a freed buffer carried. The handle goes with its last reference.
 *
 * Return: 0, or -EINVAL for a handle @proc does not hold (or holds only
 * weakly, for a strong change) or a node that cannot take the reference.
 */
int ipckit_ref_update(struct ipckit_proc *proc, u32 desc, bool increment,
		      bool strong)
{
	bool gone = false, free_node = false;
	struct ipckit_ref *ref;
	int ret = 0;

	spin_lock(&proc->outer_lock);
	ref = ipckit_ref_get_olocked(proc, desc, strong);
	if (!ref)
		ret = -EINVAL;
	else if (increment)
		ret = ipckit_ref_inc_olocked(ref, strong, NULL);
	else
		gone = ipckit_ref_dec_olocked(ref, strong, &free_node);
	spin_unlock(&proc->outer_lock);
	if (gone)
		ipckit_ref_free(ref, free_node);
	return ret;
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
	struct ipckit_node *node;

	if (info->strong_count || info->weak_count || info->reserved1 ||
	    info->reserved2 || info->reserved3)
		return -EINVAL;
	if (!ipckit_context_is_mgr(proc))
		return -EPERM;

	node = ipckit_ref_get_node(proc, info->handle, true);
	if (!node)
		return -EINVAL;
	ipckit_node_inner_lock(node);
	info->strong_count = node->local_strong_refs +
			     node->internal_strong_refs;
	info->weak_count = node->local_weak_refs;
	ipckit_node_inner_unlock(node);
	ipckit_node_put(node);
	return 0;
}

/* The process dies: every handle goes, releasing its node. */
void ipckit_ref_release_all(struct ipckit_proc *proc)
{
	struct rb_node *n;

	spin_lock(&proc->outer_lock);
	while ((n = rb_first(&proc->refs_by_desc))) {
		struct ipckit_ref *ref = rb_entry(n, struct ipckit_ref, rb_desc);
		bool free_node = ipckit_ref_cleanup_olocked(ref);

		spin_unlock(&proc->outer_lock);
		ipckit_ref_free(ref, free_node);
		spin_lock(&proc->outer_lock);
	}
	spin_unlock(&proc->outer_lock);
}
