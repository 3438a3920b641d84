// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: ipckit/<device>/stats, one "name value" line per counter.
 *
 * Locking: see internal.h. Counters are atomics read without locks; the
 * files are removed before their context is freed.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "internal.h"

const char *const ipckit_stat_names[IPCKIT_STAT_COUNT] = {
	[IPCKIT_STAT_OPEN] = "open",
	[IPCKIT_STAT_RELEASE] = "release",
	[IPCKIT_STAT_MMAP] = "mmap",
	[IPCKIT_STAT_MMAP_REJECTED] = "mmap_rejected",
	[IPCKIT_STAT_IOCTL] = "ioctl",
	[IPCKIT_STAT_IOCTL_UNKNOWN] = "ioctl_unknown",
};

static int ipckit_stats_show(struct seq_file *m, void *unused)
{
	struct ipckit_context *ctx = m->private;
	int i;

	seq_printf(m, "procs %d\n", atomic_read(&ctx->nprocs));
	for (i = 0; i < IPCKIT_STAT_COUNT; i++)
		seq_printf(m, "%s %lld\n", ipckit_stat_names[i],
			   (long long)atomic64_read(&ctx->stats[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ipckit_stats);

struct dentry *ipckit_debugfs_init(void)
{
	return debugfs_create_dir("ipckit", NULL);
}

/* debugfs is best effort: a failure here must not fail the device. */
void ipckit_debugfs_add_context(struct ipckit_context *ctx,
				struct dentry *root)
{
	if (IS_ERR_OR_NULL(root))
		return;
	ctx->debugfs = debugfs_create_dir(ctx->name, root);
	debugfs_create_file("stats", 0444, ctx->debugfs, ctx,
			    &ipckit_stats_fops);
}

void ipckit_debugfs_exit(struct dentry *root)
{
	debugfs_remove_recursive(root);
}
