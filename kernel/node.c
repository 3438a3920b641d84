// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes: the binder objects a process owns: the context manager's node
 * (handle 0 everywhere) and every local binder it has sent, with the
 * strong/weak counts and the BR_INCREFS/BR_ACQUIRE/BR_RELEASE/BR_DECREFS
 * handshake that tells the owner about them.
 *
 * Locking: see internal.h. node->lock guards the owner pointer and the
 * list of refs holding the node; the counts are changed with node->lock
 * and, while the owner lives, its inner_lock (ipckit_node_inner_lock()).
 * A node in its owner's tree is found under the owner's inner_lock alone.
 *
 * Lifetime follows the reference driver: there is no reference count of
 * its own. A node lives while any of these is non-zero: handles on it
 * (@refs), strong or weak counts, temporary holders (@tmp_refs: a lookup
 * in progress, a transaction being set up), or the owner's belief that
 * it holds a reference (@has_strong_ref/@has_weak_ref, until it hears
 * BR_RELEASE/BR_DECREFS). Every decrement checks that rule under the
 * locks, so no path can see a node that another has decided to free.
 */
#include <linux/rbtree.h>
#include <linux/slab.h>

#include <linux/ipckit_netlink.h>

#include "internal.h"

/* Take the node's lock and, if it has one, its owner's inner_lock. */
void ipckit_node_inner_lock(struct ipckit_node *node)
	__acquires(&node->lock)
{
	spin_lock(&node->lock);
	if (node->proc)
		spin_lock(&node->proc->inner_lock);
}

void ipckit_node_inner_unlock(struct ipckit_node *node)
	__releases(&node->lock)
{
	struct ipckit_proc *proc = node->proc;

	if (proc)
		spin_unlock(&proc->inner_lock);
	spin_unlock(&node->lock);
}

void ipckit_node_free(struct ipckit_node *node)
{
	WARN_ON(!list_empty(&node->async_todo));
	WARN_ON(!list_empty(&node->work.entry));
	ipckit_obj_deleted(node->ctx, IPCKIT_OBJ_NODE);
	kfree(node);
}

static struct ipckit_node *ipckit_node_lookup_ilocked(struct ipckit_proc *proc,
						      binder_uintptr_t ptr)
{
	struct rb_node *n = proc->nodes.rb_node;

	while (n) {
		struct ipckit_node *node = rb_entry(n, struct ipckit_node,
						    rb_node);

		if (ptr < node->ptr)
			n = n->rb_left;
		else if (ptr > node->ptr)
			n = n->rb_right;
		else
			return node;
	}
	return NULL;
}

/* Link @node into its owner's tree; false if @ptr is taken. */
static bool ipckit_node_insert_ilocked(struct ipckit_proc *proc,
				       struct ipckit_node *node)
{
	struct rb_node **p = &proc->nodes.rb_node, *parent = NULL;

	while (*p) {
		struct ipckit_node *n = rb_entry(*p, struct ipckit_node,
						 rb_node);

		parent = *p;
		if (node->ptr < n->ptr)
			p = &(*p)->rb_left;
		else if (node->ptr > n->ptr)
			p = &(*p)->rb_right;
		else
			return false;
	}
	rb_link_node(&node->rb_node, parent, p);
	rb_insert_color(&node->rb_node, &proc->nodes);
	return true;
}

/**
 * ipckit_node_lookup() - one of @proc's own nodes by its ptr
 * @proc: the owner (in an ioctl of its own, or alive)
 * @ptr:  the owner's address of the object
 *
 * Return: the node with a temporary reference (ipckit_node_put()), or
 * NULL.
 */
struct ipckit_node *ipckit_node_lookup(struct ipckit_proc *proc,
				       binder_uintptr_t ptr)
{
	struct ipckit_node *node;

	spin_lock(&proc->inner_lock);
	node = ipckit_node_lookup_ilocked(proc, ptr);
	if (node)
		node->tmp_refs++;	/* owner alive: inner_lock guards it */
	spin_unlock(&proc->inner_lock);
	return node;
}

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
	node->tmp_refs = 1;	/* the caller's */
	node->ptr = ptr;
	node->cookie = cookie;
	node->min_priority = flags & FLAT_BINDER_FLAG_PRIORITY_MASK;
	node->accept_fds = !!(flags & FLAT_BINDER_FLAG_ACCEPTS_FDS);
	node->txn_security_ctx = !!(flags & FLAT_BINDER_FLAG_TXN_SECURITY_CTX);
	INIT_HLIST_HEAD(&node->refs);
	INIT_LIST_HEAD(&node->async_todo);
	INIT_LIST_HEAD(&node->work.entry);
	node->work.type = IPCKIT_WORK_NODE;
	return node;
}

/**
 * ipckit_node_get_or_new() - the node for a binder object @proc sends
 * @proc:   owner and sender
 * @fp:     the object as sent (binder, cookie, flags); NULL for the
 *          context manager's node with ptr and cookie 0
 * @node:   receives the node with a temporary reference
 *
 * Return: 0; -EINVAL when the object names a known node with another
 * cookie (as the reference refuses it); -ESRCH when @proc is dying;
 * -ENOMEM.
 */
int ipckit_node_get_or_new(struct ipckit_proc *proc,
			   const struct flat_binder_object *fp,
			   struct ipckit_node **node)
{
	binder_uintptr_t ptr = fp ? fp->binder : 0;
	binder_uintptr_t cookie = fp ? fp->cookie : 0;
	struct ipckit_node *found, *new;

	new = ipckit_node_alloc(proc, ptr, cookie, fp ? fp->flags : 0);
	if (!new)
		return -ENOMEM;
	spin_lock(&proc->inner_lock);
	if (proc->is_dead) {
		spin_unlock(&proc->inner_lock);
		kfree(new);
		return -ESRCH;
	}
	found = ipckit_node_lookup_ilocked(proc, ptr);
	if (found) {
		found->tmp_refs++;
	} else {
		ipckit_node_insert_ilocked(proc, new);
		found = new;
		new = NULL;
		ipckit_obj_created(proc->ctx, IPCKIT_OBJ_NODE);
	}
	spin_unlock(&proc->inner_lock);
	kfree(new);
	if (found->cookie != cookie) {
		ipckit_node_put(found);
		return -EINVAL;
	}
	*node = found;
	return 0;
}

/* A temporary reference more on a node the caller can reach safely. */
void ipckit_node_get(struct ipckit_node *node)
{
	ipckit_node_inner_lock(node);
	node->tmp_refs++;
	ipckit_node_inner_unlock(node);
}

/**
 * ipckit_node_inc_nilocked() - one more strong or weak count on @node
 * @node:     the node, ipckit_node_inner_lock() held
 * @strong:   strong, else weak
 * @internal: from a handle (one strong count per handle with strong
 *            references; a handle's weak count is its place in @refs),
 *            else local (a buffer in flight, the owner's pending BR_)
 * @thread:   the owner's thread sending the node right now, or NULL: if
 *            the owner must be told (BR_INCREFS/BR_ACQUIRE), it is told
 *            with that thread's BR_TRANSACTION_COMPLETE, as the reference
 *
 * A strong count from a handle needs the node to be held strongly
 * already (or the owner told so), else it could resurrect an object
 * whose owner already dropped it: the reference refuses it too.
 *
 * Return: 0, or -EINVAL for an increment that would resurrect the node.
 */
int ipckit_node_inc_nilocked(struct ipckit_node *node, bool strong,
			     bool internal, struct ipckit_thread *thread)
{
	if (!node->proc) {
		/*
		 * Dead: only handles still count (for death notices); local
		 * counts went with the owner (ipckit_node_release()).
		 */
		if (strong && internal) {
			if (!node->internal_strong_refs)
				return -EINVAL;
			node->internal_strong_refs++;
		}
		return 0;
	}
	if (thread && thread->proc != node->proc)
		thread = NULL;
	if (strong) {
		if (internal) {
			if (!thread && !node->internal_strong_refs &&
			    !(node->is_mgr && node->has_strong_ref)) {
				pr_err_ratelimited(IPCKIT_LOG_PREFIX
						   "%s: invalid strong increment of node %016llx of pid %d: nothing holds it strongly\n",
						   node->ctx->name, (u64)node->ptr,
						   node->proc->pid);
				return -EINVAL;
			}
			node->internal_strong_refs++;
		} else {
			node->local_strong_refs++;
		}
		if (!node->has_strong_ref && thread) {
			list_del_init(&node->work.entry);
			ipckit_enqueue_deferred_thread_work_ilocked(thread,
								    &node->work);
		}
	} else {
		if (!internal)
			node->local_weak_refs++;
		if (!node->has_weak_ref && list_empty(&node->work.entry)) {
			if (!thread) {
				pr_err_ratelimited(IPCKIT_LOG_PREFIX
						   "%s: invalid weak increment of node %016llx of pid %d\n",
						   node->ctx->name, (u64)node->ptr,
						   node->proc->pid);
				return -EINVAL;
			}
			ipckit_enqueue_deferred_thread_work_ilocked(thread,
								    &node->work);
		}
	}
	return 0;
}

int ipckit_node_inc(struct ipckit_node *node, bool strong, bool internal,
		    struct ipckit_thread *thread)
{
	int ret;

	ipckit_node_inner_lock(node);
	ret = ipckit_node_inc_nilocked(node, strong, internal, thread);
	ipckit_node_inner_unlock(node);
	return ret;
}

/**
 * ipckit_node_dec_nilocked() - one strong or weak count fewer on @node
 * @node:     the node, ipckit_node_inner_lock() held
 * @strong:   strong, else weak
 * @internal: see ipckit_node_inc_nilocked(); weak+internal changes no
 *            count: it only re-checks the node (a handle or a temporary
 *            reference just went)
 *
 * When the last of a kind goes, the owner is told (BR_RELEASE/BR_DECREFS)
 * if it was told it had one; a node that nothing holds any more leaves
 * its owner's tree and must be freed by the caller after unlocking.
 *
 * Return: true when the caller must ipckit_node_free() @node.
 */
bool ipckit_node_dec_nilocked(struct ipckit_node *node, bool strong,
			      bool internal)
{
	struct ipckit_proc *proc = node->proc;

	if (strong) {
		if (internal)
			node->internal_strong_refs--;
		else if (proc)	/* a dead node's local counts are gone */
			node->local_strong_refs--;
		if (node->local_strong_refs || node->internal_strong_refs)
			return false;
	} else {
		if (!internal && proc)
			node->local_weak_refs--;
		if (node->local_weak_refs || node->tmp_refs ||
		    !hlist_empty(&node->refs))
			return false;
	}
	WARN_ON_ONCE(node->internal_strong_refs < 0 ||
		     node->local_strong_refs < 0 || node->local_weak_refs < 0);

	if (proc && (node->has_strong_ref || node->has_weak_ref)) {
		if (list_empty(&node->work.entry))
			ipckit_proc_queue_work_ilocked(proc, NULL, &node->work);
		return false;
	}
	if (!hlist_empty(&node->refs) || node->local_strong_refs ||
	    node->local_weak_refs || node->tmp_refs ||
	    node->internal_strong_refs)
		return false;
	list_del_init(&node->work.entry);
	if (proc)
		rb_erase(&node->rb_node, &proc->nodes);
	return true;
}

void ipckit_node_dec(struct ipckit_node *node, bool strong, bool internal)
{
	bool free_node;

	ipckit_node_inner_lock(node);
	free_node = ipckit_node_dec_nilocked(node, strong, internal);
	ipckit_node_inner_unlock(node);
	if (free_node)
		ipckit_node_free(node);
}

/* Drop a temporary reference; the node goes if nothing else holds it. */
void ipckit_node_put(struct ipckit_node *node)
{
	bool free_node;

	ipckit_node_inner_lock(node);
	WARN_ON_ONCE(node->tmp_refs <= 0);
	node->tmp_refs--;
	free_node = ipckit_node_dec_nilocked(node, false, true);
	ipckit_node_inner_unlock(node);
	if (free_node)
		ipckit_node_free(node);
}

/**
 * ipckit_node_get_for_txn() - pin a transaction's target node and owner
 * @node:  the target; the caller holds it (its ref, or the manager slot)
 * @owner: receives the owner with a reference
 *
 * Takes, under the node's locks, a temporary reference and a strong local
 * count on the node (the buffer carries the latter until it is freed) and
 * a reference on the owner, so nothing can free the node between lookup
 * and delivery.
 *
 * Return: true, or false when the owner died (BR_DEAD_REPLY).
 */
bool ipckit_node_get_for_txn(struct ipckit_node *node,
			     struct ipckit_proc **owner)
{
	bool ok = false;

	ipckit_node_inner_lock(node);
	if (node->proc && refcount_inc_not_zero(&node->proc->refs)) {
		node->local_strong_refs++;
		node->tmp_refs++;
		*owner = node->proc;
		ok = true;
	}
	ipckit_node_inner_unlock(node);
	return ok;
}

/* The live owner of @node with a reference, or NULL once it died. */
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

/*
 * The owner died: every process watching the node gets its
 * BR_DEAD_BINDER; the node lives on, ownerless, while handles point at
 * it. The caller's temporary reference is dropped.
 */
static void ipckit_node_release(struct ipckit_node *node)
{
	struct ipckit_proc *proc = node->proc;
	struct ipckit_nl_event ev = {
		.kind = IPCKIT_EVENT_DEATH_SENT, .target_pid = proc->pid,
		.node = node->ptr,
	};
	struct sk_buff_head events;
	struct ipckit_ref *ref;

	ipckit_release_work_list(proc, &node->async_todo);

	spin_lock(&node->lock);
	spin_lock(&proc->inner_lock);
	list_del_init(&node->work.entry);
	if (hlist_empty(&node->refs) && node->tmp_refs == 1) {
		spin_unlock(&proc->inner_lock);
		spin_unlock(&node->lock);
		ipckit_node_free(node);
		return;
	}
	node->proc = NULL;
	node->local_strong_refs = 0;
	node->local_weak_refs = 0;
	node->has_strong_ref = false;
	node->has_weak_ref = false;
	spin_unlock(&proc->inner_lock);

	/* Events are built here, sent after unlocking (netlink.c). */
	__skb_queue_head_init(&events);
	hlist_for_each_entry(ref, &node->refs, node_entry) {
		struct ipckit_proc *holder = ref->proc;
		bool queued = false;

		spin_lock(&holder->inner_lock);
		if (ref->death && !holder->is_dead &&
		    list_empty(&ref->death->work.entry)) {
			ref->death->work.type = IPCKIT_WORK_DEAD_BINDER;
			ipckit_proc_queue_work_ilocked(holder, NULL,
						       &ref->death->work);
			queued = true;
		}
		spin_unlock(&holder->inner_lock);
		if (queued) {
			/* @desc and @cookie never change: no outer_lock. */
			ev.pid = holder->pid;
			ev.uid = holder->cred->euid;
			ev.handle = ref->desc;
			ev.cookie = ref->death->cookie;
			ipckit_nl_event_queue(proc->ctx, &ev, &events);
		}
	}
	spin_unlock(&node->lock);
	ipckit_nl_event_flush(&events);
	ipckit_node_put(node);
}

/**
 * ipckit_node_release_all() - the owner dies: orphan all its nodes
 * @proc: the dying owner, already marked dead
 *
 * One-way transactions still queued on a node are dropped.
 */
void ipckit_node_release_all(struct ipckit_proc *proc)
{
	struct rb_node *n;

	spin_lock(&proc->inner_lock);
	while ((n = rb_first(&proc->nodes))) {
		struct ipckit_node *node = rb_entry(n, struct ipckit_node,
						    rb_node);

		node->tmp_refs++;
		rb_erase(n, &proc->nodes);
		RB_CLEAR_NODE(n);
		spin_unlock(&proc->inner_lock);
		ipckit_node_release(node);
		spin_lock(&proc->inner_lock);
	}
	spin_unlock(&proc->inner_lock);
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
 * Return: true when the node left the owner's tree: the caller frees it
 * after unlocking (ipckit_node_free_unlocked()).
 */
bool ipckit_node_take_work_ilocked(struct ipckit_node *node,
				   struct binder_ptr_cookie *pc, u32 cmds[2])
{
	bool strong = node->internal_strong_refs || node->local_strong_refs;
	bool weak = !hlist_empty(&node->refs) || node->local_weak_refs ||
		    node->tmp_refs || strong;
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
		rb_erase(&node->rb_node, &node->proc->nodes);
		return true;
	}
	return false;
}

/*
 * Free a node ipckit_node_take_work_ilocked() took out of the tree, once
 * anyone who was still inside its lock (finishing the decrement that
 * queued the work) has left it.
 */
void ipckit_node_free_unlocked(struct ipckit_node *node)
{
	spin_lock(&node->lock);
	spin_unlock(&node->lock);
	ipckit_node_free(node);
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
	const char *name = strong ? "BC_ACQUIRE_DONE" : "BC_INCREFS_DONE";
	struct ipckit_node *node = ipckit_node_lookup(proc, ptr);
	bool pending;

	if (!node || node->cookie != cookie) {
		ipckit_user_error(thread, "%s for unknown node %016llx cookie %016llx\n",
				  name, (u64)ptr, (u64)cookie);
		if (node)
			ipckit_node_put(node);
		return;
	}
	ipckit_node_inner_lock(node);
	pending = strong ? node->pending_strong_ref : node->pending_weak_ref;
	if (!pending) {
		ipckit_node_inner_unlock(node);
		ipckit_user_error(thread, "%s without a pending request\n", name);
		ipckit_node_put(node);
		return;
	}
	if (strong)
		node->pending_strong_ref = false;
	else
		node->pending_weak_ref = false;
	/* Our temporary reference keeps it: this cannot free it. */
	WARN_ON(ipckit_node_dec_nilocked(node, strong, false));
	ipckit_node_inner_unlock(node);
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
	struct ipckit_node *best = NULL;
	struct rb_node *n;

	memset(info, 0, sizeof(*info));
	spin_lock(&proc->inner_lock);
	/* The first node with a ptr above @after, in O(log n). */
	n = proc->nodes.rb_node;
	while (n) {
		struct ipckit_node *node = rb_entry(n, struct ipckit_node,
						    rb_node);

		if (node->ptr > after) {
			best = node;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	if (best) {
		info->ptr = best->ptr;
		info->cookie = best->cookie;
		info->has_strong_ref = best->has_strong_ref;
		info->has_weak_ref = best->has_weak_ref;
	}
	spin_unlock(&proc->inner_lock);
	return 0;
}
