// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts: one per device named in devices= (a misc device, made at
 * module init) and one per binderfs device (BINDER_CTL_ADD, binderfs.c).
 * Each context is a separate binder world (its own processes and its own
 * context manager).
 *
 * Locking: see internal.h. A context is on ipckit_contexts from creation
 * until its last reference goes (ipckit_context_put()): the misc device
 * or binderfs inode holds one, each proc one, so a context whose device
 * was unlinked lives on until its last file is closed. The context
 * manager slot is written under ipckit_context::lock and mgr_lock, read
 * under mgr_lock alone.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <linux/ipckit_netlink.h>

#include "internal.h"

/*
 * misc_register() only notices a taken name deep inside sysfs, after a
 * stack dump; look first so the user gets one clear line instead.
 */
static bool ipckit_devname_taken(const char *name)
{
	static const char *const where[] = { "/sys/class/misc/", "/dev/" };
	char buf[sizeof("/sys/class/misc/") + IPCKIT_DEVNAME_MAX];
	struct path path;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(where); i++) {
		snprintf(buf, sizeof(buf), "%s%s", where[i], name);
		if (!kern_path(buf, 0, &path)) {
			path_put(&path);
			return true;
		}
	}
	return false;
}

static void ipckit_log_taken(const char *name, int err)
{
	pr_err(IPCKIT_LOG_PREFIX
	       "device name '%s' is already taken (%d); pick free names with the devices= module parameter, e.g. insmod ipckit.ko devices=ipckit\n",
	       name, err);
}

/* A context with one reference (the caller's), not listed yet. */
static struct ipckit_context *ipckit_context_alloc(void)
{
	struct ipckit_context *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return NULL;
	refcount_set(&ctx->refs, 1);
	mutex_init(&ctx->lock);
	spin_lock_init(&ctx->mgr_lock);
	ctx->mgr_uid = INVALID_UID;
	INIT_LIST_HEAD(&ctx->procs);
	INIT_LIST_HEAD(&ctx->link);
	return ctx;
}

static void ipckit_context_free(struct ipckit_context *ctx)
{
	WARN_ON(!list_empty(&ctx->procs));
	mutex_destroy(&ctx->lock);
	kfree(ctx);
}

/* Visible to BINDER_FREEZE, netlink, binder_logs/ and debugfs. */
static void ipckit_context_publish(struct ipckit_context *ctx)
{
	ipckit_debugfs_add_context(ctx, ipckit_debugfs_root);
	mutex_lock(&ipckit_contexts_lock);
	list_add_tail(&ctx->link, &ipckit_contexts);
	mutex_unlock(&ipckit_contexts_lock);
}

/**
 * ipckit_context_put() - drop a reference; the last one frees the context
 * @ctx: the context
 *
 * Sleeps; never called with ipckit_contexts_lock or @ctx->lock held.
 */
void ipckit_context_put(struct ipckit_context *ctx)
{
	if (!refcount_dec_and_mutex_lock(&ctx->refs, &ipckit_contexts_lock))
		return;
	list_del(&ctx->link);
	mutex_unlock(&ipckit_contexts_lock);
	/* debugfs waits for its readers: none sees @ctx freed. */
	debugfs_remove_recursive(ctx->debugfs);
	ipckit_context_free(ctx);
}

/**
 * ipckit_context_create_fs() - a context for a new binderfs device
 * @name: the device's name in its mount (at most BINDERFS_MAX_NAME)
 *
 * Device names repeat across mounts, so the context is named
 * binderfs:<id>:<name>, <id> unique for the module's lifetime; that name
 * is what logs, debugfs and netlink show.
 *
 * Return: the listed context with one reference (the inode's), or NULL.
 */
struct ipckit_context *ipckit_context_create_fs(const char *name)
{
	static atomic64_t last_id;
	struct ipckit_context *ctx;

	ctx = ipckit_context_alloc();
	if (!ctx)
		return NULL;
	snprintf(ctx->name, sizeof(ctx->name), "binderfs:%lld:%s",
		 (long long)atomic64_inc_return(&last_id), name);
	ipckit_context_publish(ctx);
	return ctx;
}

/**
 * ipckit_context_create() - register one misc device and its context
 * @name: device name (already validated by ipckit_devnames_parse())
 * @out:  receives the new, listed context
 *
 * Return: 0 or a negative errno; on error nothing is left registered.
 */
int ipckit_context_create(const char *name, struct ipckit_context **out)
{
	struct ipckit_context *ctx;
	int err;

	if (ipckit_devname_taken(name)) {
		ipckit_log_taken(name, -EBUSY);
		return -EBUSY;
	}

	ctx = ipckit_context_alloc();
	if (!ctx)
		return -ENOMEM;

	strscpy(ctx->name, name, sizeof(ctx->name));
	ctx->misc.minor = MISC_DYNAMIC_MINOR;
	ctx->misc.name = ctx->name;
	ctx->misc.fops = &ipckit_fops;
	ctx->misc.mode = 0666;

	err = misc_register(&ctx->misc);
	if (err) {
		ipckit_log_taken(name, err);
		ipckit_context_free(ctx);
		return err;
	}

	ipckit_context_publish(ctx);
	*out = ctx;
	return 0;
}

/**
 * ipckit_context_destroy() - unregister a misc device, drop its context
 * @ctx: a context from ipckit_context_create()
 *
 * Called at module exit. The module cannot be unloaded while any file of
 * the device is open (fops->owner pins it), so this is the last reference.
 */
void ipckit_context_destroy(struct ipckit_context *ctx)
{
	misc_deregister(&ctx->misc);
	WARN_ON(refcount_read(&ctx->refs) != 1);
	ipckit_context_put(ctx);
}

/**
 * ipckit_context_set_mgr() - BINDER_SET_CONTEXT_MGR(_EXT)
 * @proc: the process becoming the context manager
 * @fbo:  the _EXT object (binder, cookie, flags), or NULL
 *
 * Return: 0; -EBUSY when the context has a manager; -EPERM when the LSM
 * refuses or the caller's euid differs from the first manager's, as the
 * reference, or from the context_mgr_uid module parameter; -ENOMEM.
 */
int ipckit_context_set_mgr(struct ipckit_proc *proc,
			   const struct flat_binder_object *fbo)
{
	struct ipckit_context *ctx = proc->ctx;
	kuid_t euid = current_euid();
	struct ipckit_nl_event ev = {
		.kind = IPCKIT_EVENT_CONTEXT_MGR, .pid = proc->pid,
		.tid = current->pid, .uid = euid,
	};
	struct ipckit_node *node;
	int mgr_uid, ret;

	mutex_lock(&ctx->lock);
	if (ctx->mgr_node) {
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "%s: pid %d: context manager already set\n",
				    ctx->name, proc->pid);
		ret = -EBUSY;
		goto out;
	}
	ret = security_binder_set_context_mgr(proc->cred);
	if (ret < 0)
		goto out;
	mgr_uid = READ_ONCE(ipckit_context_mgr_uid);
	if (mgr_uid >= 0 &&
	    !uid_eq(euid, make_kuid(&init_user_ns, mgr_uid))) {
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "%s: pid %d: context manager is reserved for euid %d (context_mgr_uid)\n",
				    ctx->name, proc->pid, mgr_uid);
		ret = -EPERM;
		goto out;
	}
	if (uid_valid(ctx->mgr_uid) && !uid_eq(ctx->mgr_uid, euid)) {
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "%s: pid %d: context manager must have euid %u\n",
				    ctx->name, proc->pid,
				    from_kuid(&init_user_ns, ctx->mgr_uid));
		ret = -EPERM;
		goto out;
	}
	ret = ipckit_node_get_or_new(proc, fbo, &node);
	if (ret)
		goto out;
	/* The manager's node is always referenced: it never hears BR_ACQUIRE. */
	ipckit_node_inner_lock(node);
	node->is_mgr = true;
	node->local_strong_refs++;
	node->local_weak_refs++;
	node->has_strong_ref = true;
	node->has_weak_ref = true;
	ipckit_node_inner_unlock(node);
	ctx->mgr_uid = euid;
	spin_lock(&ctx->mgr_lock);
	ctx->mgr_node = node;	/* kept by its counts until the owner dies */
	spin_unlock(&ctx->mgr_lock);
	ev.node = node->ptr;
	ipckit_node_put(node);
out:
	mutex_unlock(&ctx->lock);
	if (!ret)
		ipckit_nl_event(ctx, &ev);
	return ret;
}

/* The context manager's node with a temporary reference, or NULL. */
struct ipckit_node *ipckit_context_get_mgr(struct ipckit_context *ctx)
{
	struct ipckit_node *node;

	spin_lock(&ctx->mgr_lock);
	node = ctx->mgr_node;
	if (node)
		ipckit_node_get(node);
	spin_unlock(&ctx->mgr_lock);
	return node;
}

/*
 * The manager as a transaction's target (handle 0), pinned as
 * ipckit_node_get_for_txn() does. Return: BR_OK, or BR_DEAD_REPLY when
 * there is no manager or it is dying.
 */
u32 ipckit_context_get_mgr_for_txn(struct ipckit_context *ctx,
				   struct ipckit_node **node,
				   struct ipckit_proc **owner)
{
	u32 ret = BR_DEAD_REPLY;

	spin_lock(&ctx->mgr_lock);
	if (ctx->mgr_node && ipckit_node_get_for_txn(ctx->mgr_node, owner)) {
		*node = ctx->mgr_node;
		ret = BR_OK;
	}
	spin_unlock(&ctx->mgr_lock);
	return ret;
}

/* @proc is the context manager. */
bool ipckit_context_is_mgr(struct ipckit_proc *proc)
{
	struct ipckit_context *ctx = proc->ctx;
	bool is_mgr;

	spin_lock(&ctx->mgr_lock);
	is_mgr = ctx->mgr_node && READ_ONCE(ctx->mgr_node->proc) == proc;
	spin_unlock(&ctx->mgr_lock);
	return is_mgr;
}

/*
 * @proc is dying: free the manager slot if it held it. The node itself
 * goes with the rest of @proc's (ipckit_node_release_all()).
 */
void ipckit_context_drop_mgr(struct ipckit_proc *proc)
{
	struct ipckit_context *ctx = proc->ctx;
	struct ipckit_nl_event ev = {
		.kind = IPCKIT_EVENT_CONTEXT_MGR, .pid = proc->pid,
		.uid = proc->cred->euid, .mgr_left = true,
	};
	bool dropped = false;

	mutex_lock(&ctx->lock);
	spin_lock(&ctx->mgr_lock);
	if (ctx->mgr_node && READ_ONCE(ctx->mgr_node->proc) == proc) {
		ev.node = ctx->mgr_node->ptr;
		ctx->mgr_node = NULL;
		dropped = true;
	}
	spin_unlock(&ctx->mgr_lock);
	mutex_unlock(&ctx->lock);
	if (dropped)
		ipckit_nl_event(ctx, &ev);
}
