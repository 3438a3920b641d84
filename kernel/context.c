// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts: one per device named in devices=. Each context is a separate
 * binder world (its own processes and, later, its own context manager).
 *
 * Locking: see internal.h. This file creates and destroys contexts; it
 * runs only from module init/exit, when no file of the context is open.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/string.h>

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

/**
 * ipckit_context_create() - register one device and its context
 * @name:         device name (already validated by ipckit_devnames_parse())
 * @debugfs_root: ipckit's debugfs directory, may be an ERR_PTR or NULL
 * @out:          receives the new context
 *
 * Return: 0 or a negative errno; on error nothing is left registered.
 */
int ipckit_context_create(const char *name, struct dentry *debugfs_root,
			  struct ipckit_context **out)
{
	struct ipckit_context *ctx;
	int err;

	if (ipckit_devname_taken(name)) {
		ipckit_log_taken(name, -EBUSY);
		return -EBUSY;
	}

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;

	strscpy(ctx->name, name, sizeof(ctx->name));
	mutex_init(&ctx->lock);
	INIT_LIST_HEAD(&ctx->procs);
	INIT_LIST_HEAD(&ctx->link);

	ctx->misc.minor = MISC_DYNAMIC_MINOR;
	ctx->misc.name = ctx->name;
	ctx->misc.fops = &ipckit_fops;
	ctx->misc.mode = 0666;

	err = misc_register(&ctx->misc);
	if (err) {
		ipckit_log_taken(name, err);
		mutex_destroy(&ctx->lock);
		kfree(ctx);
		return err;
	}

	ipckit_debugfs_add_context(ctx, debugfs_root);
	*out = ctx;
	return 0;
}

/**
 * ipckit_context_destroy() - unregister a device and free its context
 * @ctx: a context from ipckit_context_create()
 *
 * Called at module exit. The module cannot be unloaded while any file of
 * the device is open (fops->owner pins it), so @ctx->procs is empty here.
 */
void ipckit_context_destroy(struct ipckit_context *ctx)
{
	debugfs_remove_recursive(ctx->debugfs);
	misc_deregister(&ctx->misc);
	WARN_ON(!list_empty(&ctx->procs));
	mutex_destroy(&ctx->lock);
	kfree(ctx);
}
