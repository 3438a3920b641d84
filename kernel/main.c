// SPDX-License-Identifier: GPL-2.0
/*
 * ipckit: a Binder-compatible IPC transaction driver.
 *
 * Module entry points and parameters. Every name in devices= becomes one
 * misc device backed by an independent context (see context.c); then the
 * binderfs-compatible filesystem is registered (binderfs.c), whose
 * devices are contexts too.
 *
 * Locking: see internal.h. A device registered early in init is open to
 * BINDER_FREEZE while later ones are still being added. Exit unregisters
 * the filesystem first: no mount exists then (each pins the module), and
 * no binderfs device is open (its fops pin the module).
 */
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "harness_canary.h"
#include "internal.h"

/*
 * modinfo shows these descriptions: each says what the parameter does,
 * its default and its limits (the limits are internal.h's; the assert
 * keeps the text true).
 */
static_assert(IPCKIT_MAX_DEVICES == 16 && IPCKIT_DEVNAME_MAX == 32,
	      "update the devices= description");
static char *devices = "binder";
module_param(devices, charp, 0444);
MODULE_PARM_DESC(devices,
		 "comma-separated device names, each a /dev node and an independent context: 1-16 unique names of 1-31 of [A-Za-z0-9_.-] (default: binder; Android userspace: binder,hwbinder,vndbinder); fixed at load");

/*
 * Without an LSM policy anyone may open the devices (0666); a host can
 * reserve the context manager role for one uid, at load time or later
 * through /sys/module/ipckit/parameters/context_mgr_uid.
 */
int ipckit_context_mgr_uid = -1;
module_param_named(context_mgr_uid, ipckit_context_mgr_uid, int, 0644);
MODULE_PARM_DESC(context_mgr_uid,
		 "only this euid (0-2147483647, initial user namespace) may become context manager, on every device; -1 or any negative value: any euid (default -1); writable at runtime");

LIST_HEAD(ipckit_contexts);
DEFINE_MUTEX(ipckit_contexts_lock); /* guards ipckit_contexts */
struct dentry *ipckit_debugfs_root;
/* The devices= contexts, written by init and exit only. */
static struct ipckit_context *ipckit_misc_ctx[IPCKIT_MAX_DEVICES];
static unsigned int ipckit_misc_count;

static void ipckit_destroy_all(void)
{
	while (ipckit_misc_count)
		ipckit_context_destroy(ipckit_misc_ctx[--ipckit_misc_count]);
	mutex_lock(&ipckit_contexts_lock);
	WARN(!list_empty(&ipckit_contexts),
	     IPCKIT_LOG_PREFIX "a binderfs context outlived its files\n");
	mutex_unlock(&ipckit_contexts_lock);
	ipckit_debugfs_exit(ipckit_debugfs_root);
	ipckit_alloc_shrinker_exit();
}

static int __init ipckit_init(void)
{
	struct ipckit_devnames *names;
	struct ipckit_context *ctx;
	const char *bad;
	size_t bad_len;
	unsigned int i;
	int err;

	/* Too big for the stack; only needed while registering. */
	names = kmalloc(sizeof(*names), GFP_KERNEL);
	if (!names)
		return -ENOMEM;

	err = ipckit_devnames_parse(devices, names, &bad, &bad_len);
	if (err) {
		pr_err(IPCKIT_LOG_PREFIX
		       "bad devices= entry '%.*s' (%d): want 1-%d unique names of [A-Za-z0-9_.-], at most %d, comma-separated\n",
		       (int)bad_len, bad, err, IPCKIT_DEVNAME_MAX - 1,
		       IPCKIT_MAX_DEVICES);
		goto out;
	}

	ipckit_harness_canary();

	err = ipckit_alloc_shrinker_init();
	if (err)
		goto out;
	ipckit_debugfs_root = ipckit_debugfs_init();

	for (i = 0; i < names->count; i++) {
		err = ipckit_context_create(names->name[i], &ctx);
		if (err) {
			ipckit_destroy_all();
			goto out;
		}
		ipckit_misc_ctx[ipckit_misc_count++] = ctx;
	}
	/* Without binderfs or netlink the devices still work; they log why. */
	ipckit_binderfs_init();
	ipckit_netlink_init();
	pr_info(IPCKIT_LOG_PREFIX "loaded: %s (binder protocol %d, ipckit abi %d)\n",
		devices, BINDER_CURRENT_PROTOCOL_VERSION, IPCKIT_ABI_VERSION);
out:
	kfree(names);
	return err;
}

static void __exit ipckit_exit(void)
{
	ipckit_binderfs_exit();
	ipckit_netlink_exit();
	ipckit_uring_exit();
	ipckit_destroy_all();
	pr_info(IPCKIT_LOG_PREFIX "unloaded\n");
}

module_init(ipckit_init);
module_exit(ipckit_exit);

MODULE_DESCRIPTION("ipckit: Binder-compatible IPC transaction driver");
MODULE_AUTHOR("The ipckit authors");
MODULE_LICENSE("GPL");
/* From git or the packaged tree's VERSION file (kernel/Kbuild). */
MODULE_VERSION(IPCKIT_VERSION);
