// SPDX-License-Identifier: GPL-2.0
/*
 * A binderfs-compatible filesystem, for kernels built without
 * CONFIG_ANDROID_BINDERFS (Debian's): `mount -t binder none DIR` gives
 * DIR/binder-control, whose BINDER_CTL_ADD creates a device DIR/<name>,
 * each a new ipckit context (context.c). Semantics follow upstream's
 * drivers/android/binderfs.c: 0600 char devices owned by the mount's
 * user namespace root, unlink removes a device (its open files keep
 * working, the context lives until the last is closed), binder-control
 * cannot be unlinked or renamed, mount options max= and stats=global
 * (binder_logs/, CAP_SYS_ADMIN only), features/, FS_USERNS_MOUNT.
 * When the kernel already has a filesystem named "binder", this one is
 * registered as "ipckitfs" instead (Documentation/binderfs.rst).
 *
 * LOCKING
 * =======
 * ipckit_binderfs_lock (mutex)
 *	guards the minor IDA and every mount's @device_count.
 * The root directory's inode lock (i_rwsem)
 *	serialises BINDER_CTL_ADD's name lookup and instantiation with
 *	unlink and rename (taken by the VFS for those); a context is created
 *	under it, so it nests outside ipckit_contexts_lock.
 * A binder_logs/ or features/ directory's inode lock
 *	guards creating and removing its files.
 * No ipckit lock is held across a VFS call that takes one of these.
 *
 * Lifetimes: a device inode holds one reference on its context, dropped
 * at eviction (after its last dentry and open file are gone), along with
 * its minor. A mount pins the module through the filesystem type's owner,
 * an open device or control file through its fops' owner.
 */
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/fsnotify.h>
#include <linux/idr.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/namei.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include <linux/ipckit_binderfs.h>

#include "compat.h"
#include "internal.h"

/* The same numbers as upstream, so the ABI cannot drift. */
static_assert(sizeof(struct binderfs_device) == 264);
static_assert(BINDER_CTL_ADD == 0xc1086201);

/* Minors reserved for the region, and the mount option's bound. */
#define IPCKIT_BINDERFS_MINORS		BIT(MINORBITS)
/* As upstream: devices left for mounts of the initial namespace. */
#define IPCKIT_BINDERFS_RESERVE		4
#define IPCKIT_BINDERFS_ROOT_INO	1
#define IPCKIT_BINDERFS_CTL_INO		2
#define IPCKIT_BINDERFS_INO_OFFSET	3

/*
 * Every binderfs device is a whole context: bound them across all
 * mounts (upstream's bound, a million, would let one user namespace pin
 * gigabytes).
 */
static unsigned int binderfs_max_devices = 4096;
module_param(binderfs_max_devices, uint, 0444);
MODULE_PARM_DESC(binderfs_max_devices,
		 "devices (binder-control included) all binderfs mounts together may have (default 4096)");

static const char *const ipckit_binderfs_names[] = { "binder", "ipckitfs" };
static struct file_system_type ipckit_binderfs_type;
static bool ipckit_binderfs_up;
static dev_t ipckit_binderfs_dev;
static DEFINE_MUTEX(ipckit_binderfs_lock); /* guards the IDA, @device_count */
static DEFINE_IDA(ipckit_binderfs_minors);

/* /sys/module/ipckit/parameters/binderfs_type: read-only report. */
static int ipckit_binderfs_type_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", ipckit_binderfs_up ?
			  ipckit_binderfs_type.name : "");
}

static int ipckit_binderfs_type_set(const char *val,
				    const struct kernel_param *kp)
{
	return -EPERM;
}

static const struct kernel_param_ops ipckit_binderfs_type_ops = {
	.get = ipckit_binderfs_type_get,
	.set = ipckit_binderfs_type_set,
};
module_param_cb(binderfs_type, &ipckit_binderfs_type_ops, NULL, 0444);
MODULE_PARM_DESC(binderfs_type,
		 "read-only: the binderfs filesystem type registered (binder, ipckitfs, or empty)");

enum { IPCKIT_OPT_MAX, IPCKIT_OPT_STATS };
enum { IPCKIT_STATS_UNSET, IPCKIT_STATS_GLOBAL };

static const struct constant_table ipckit_binderfs_stats[] = {
	{ "global", IPCKIT_STATS_GLOBAL },
	{}
};

static const struct fs_parameter_spec ipckit_binderfs_params[] = {
	fsparam_u32("max", IPCKIT_OPT_MAX),
	fsparam_enum("stats", IPCKIT_OPT_STATS, ipckit_binderfs_stats),
	{}
};

struct ipckit_binderfs_opts {
	u32 max;
	int stats;
};

/**
 * struct ipckit_binderfs_info - one mount (super block)
 * @opts:           mount options (@opts.max changes on remount)
 * @device_count:   devices made by BINDER_CTL_ADD and not evicted
 * @root_uid:       owner of the devices: the user namespace's root
 * @root_gid:       ... and group
 * @reserve:        mounted in the initial user namespace
 * @control_dentry: binder-control
 * @proc_log_dir:   binder_logs/proc with stats=global, else NULL
 */
struct ipckit_binderfs_info {
	struct ipckit_binderfs_opts opts;
	int device_count;
	kuid_t root_uid;
	kgid_t root_gid;
	bool reserve;
	struct dentry *control_dentry;
	struct dentry *proc_log_dir;
};

bool ipckit_binderfs_registered(void)
{
	return ipckit_binderfs_up;
}

static bool ipckit_is_binderfs(const struct super_block *sb)
{
	return sb->s_type == &ipckit_binderfs_type;
}

/**
 * ipckit_binderfs_context() - the context of a binderfs device inode
 * @inode: an inode being opened with ipckit_fops
 *
 * Return: the context, kept by @inode, or NULL for a misc device.
 */
struct ipckit_context *ipckit_binderfs_context(struct inode *inode)
{
	if (!ipckit_is_binderfs(inode->i_sb))
		return NULL;
	return inode->i_private;
}

/* A free minor; a device (not binder-control) also counts against max=. */
static int ipckit_binderfs_get_minor(struct ipckit_binderfs_info *info,
				     bool device)
{
	unsigned int limit = min(binderfs_max_devices, IPCKIT_BINDERFS_MINORS);
	int minor;

	if (!info->reserve)
		limit = limit > IPCKIT_BINDERFS_RESERVE ?
			limit - IPCKIT_BINDERFS_RESERVE : 0;
	mutex_lock(&ipckit_binderfs_lock);
	if (device && info->device_count >= info->opts.max) {
		minor = -ENOSPC;
	} else if (!limit) {
		minor = -ENOSPC;
	} else {
		minor = ida_alloc_max(&ipckit_binderfs_minors, limit - 1,
				      GFP_KERNEL);
		if (minor >= 0 && device)
			info->device_count++;
	}
	mutex_unlock(&ipckit_binderfs_lock);
	return minor;
}

static void ipckit_binderfs_put_minor(struct ipckit_binderfs_info *info,
				      int minor, bool device)
{
	mutex_lock(&ipckit_binderfs_lock);
	if (device)
		info->device_count--;
	ida_free(&ipckit_binderfs_minors, minor);
	mutex_unlock(&ipckit_binderfs_lock);
}

/* A char device inode of @sb, minor @minor, with @fops. */
static struct inode *ipckit_binderfs_chr_inode(struct super_block *sb,
					       int minor, unsigned long ino,
					       const struct file_operations *fops)
{
	struct ipckit_binderfs_info *info = sb->s_fs_info;
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = ino;
	ipckit_inode_init_ts(inode);
	init_special_inode(inode, S_IFCHR | 0600,
			   MKDEV(MAJOR(ipckit_binderfs_dev), minor));
	/* Opened directly, not through the char device table. */
	inode->i_fop = fops;
	inode->i_uid = info->root_uid;
	inode->i_gid = info->root_gid;
	return inode;
}

/*
 * BINDER_CTL_ADD: a device named @req->name in @sb's root, a new
 * context. @req->name is cut at BINDERFS_MAX_NAME and must be a valid
 * file name (lookup_one_len(): EACCES for "", ".", ".." or a '/'), as
 * upstream; @req gets the device number back, also as upstream before
 * the name is checked.
 */
static int ipckit_binderfs_add(struct super_block *sb,
			       struct binderfs_device __user *udev,
			       struct binderfs_device *req)
{
	struct ipckit_binderfs_info *info = sb->s_fs_info;
	struct inode *dir = d_inode(sb->s_root);
	struct ipckit_context *ctx;
	struct dentry *dentry;
	struct inode *inode;
	int minor, ret;

	req->name[BINDERFS_MAX_NAME] = '\0';
	minor = ipckit_binderfs_get_minor(info, true);
	if (minor < 0) {
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "binderfs: BINDER_CTL_ADD '%s': no device left (max=%u, binderfs_max_devices=%u)\n",
				    req->name, info->opts.max,
				    binderfs_max_devices);
		return minor;
	}
	inode = ipckit_binderfs_chr_inode(sb, minor,
					  minor + IPCKIT_BINDERFS_INO_OFFSET,
					  &ipckit_fops);
	if (!inode) {
		ipckit_binderfs_put_minor(info, minor, true);
		return -ENOMEM;
	}
	req->major = MAJOR(ipckit_binderfs_dev);
	req->minor = minor;
	if (copy_to_user(udev, req, sizeof(*req))) {
		ret = -EFAULT;
		goto err;
	}

	inode_lock(dir);
	dentry = lookup_one_len(req->name, sb->s_root, strlen(req->name));
	if (IS_ERR(dentry)) {
		ret = PTR_ERR(dentry);
		inode_unlock(dir);
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "binderfs: BINDER_CTL_ADD '%s': not a valid file name (%d)\n",
				    req->name, ret);
		goto err;
	}
	if (d_really_is_positive(dentry)) {
		dput(dentry);
		inode_unlock(dir);
		ret = -EEXIST;
		goto err;
	}
	ctx = ipckit_context_create_fs(req->name);
	if (!ctx) {
		dput(dentry);
		inode_unlock(dir);
		ret = -ENOMEM;
		goto err;
	}
	inode->i_private = ctx;
	/* The lookup's reference pins the dentry until unlink or umount. */
	d_instantiate(dentry, inode);
	fsnotify_create(dir, dentry);
	inode_unlock(dir);
	return 0;

err:
	iput(inode);	/* no context yet: eviction frees the minor only */
	mutex_lock(&ipckit_binderfs_lock);
	info->device_count--;
	mutex_unlock(&ipckit_binderfs_lock);
	return ret;
}

static long ipckit_binderfs_ctl_ioctl(struct file *file, unsigned int cmd,
				      unsigned long arg)
{
	struct binderfs_device __user *udev = (void __user *)arg;
	struct binderfs_device req;

	if (cmd != BINDER_CTL_ADD)
		return -EINVAL;	/* as upstream */
	if (copy_from_user(&req, udev, sizeof(req)))
		return -EFAULT;
	return ipckit_binderfs_add(file_inode(file)->i_sb, udev, &req);
}

static const struct file_operations ipckit_binderfs_ctl_fops = {
	.owner		= THIS_MODULE,
	.open		= nonseekable_open,
	.unlocked_ioctl	= ipckit_binderfs_ctl_ioctl,
	.compat_ioctl	= ipckit_binderfs_ctl_ioctl,
	.llseek		= noop_llseek,
};

static void ipckit_binderfs_evict_inode(struct inode *inode)
{
	struct ipckit_binderfs_info *info = inode->i_sb->s_fs_info;
	struct ipckit_context *ctx = inode->i_private;

	clear_inode(inode);
	if (!S_ISCHR(inode->i_mode))
		return;
	/* A device's or binder-control's, or a failed BINDER_CTL_ADD's. */
	ipckit_binderfs_put_minor(info, MINOR(inode->i_rdev), !!ctx);
	if (ctx)
		ipckit_context_put(ctx);
}

static int ipckit_binderfs_show_options(struct seq_file *m,
					struct dentry *root)
{
	struct ipckit_binderfs_info *info = root->d_sb->s_fs_info;

	if (info->opts.max <= IPCKIT_BINDERFS_MINORS)
		seq_printf(m, ",max=%u", info->opts.max);
	if (info->opts.stats == IPCKIT_STATS_GLOBAL)
		seq_puts(m, ",stats=global");
	return 0;
}

static const struct super_operations ipckit_binderfs_super_ops = {
	.evict_inode	= ipckit_binderfs_evict_inode,
	.show_options	= ipckit_binderfs_show_options,
	.statfs		= simple_statfs,
};

static bool ipckit_binderfs_is_control(const struct dentry *dentry)
{
	struct ipckit_binderfs_info *info = dentry->d_sb->s_fs_info;

	return info->control_dentry == dentry;
}

static int ipckit_binderfs_rename(struct ipckit_idmap *idmap,
				  struct inode *old_dir, struct dentry *old_dentry,
				  struct inode *new_dir, struct dentry *new_dentry,
				  unsigned int flags)
{
	if (ipckit_binderfs_is_control(old_dentry) ||
	    ipckit_binderfs_is_control(new_dentry))
		return -EPERM;
	return simple_rename(idmap, old_dir, old_dentry, new_dir, new_dentry,
			     flags);
}

static int ipckit_binderfs_unlink(struct inode *dir, struct dentry *dentry)
{
	if (ipckit_binderfs_is_control(dentry))
		return -EPERM;
	return simple_unlink(dir, dentry);
}

static const struct inode_operations ipckit_binderfs_dir_iops = {
	.lookup	= simple_lookup,
	.rename	= ipckit_binderfs_rename,
	.unlink	= ipckit_binderfs_unlink,
};

static int ipckit_binderfs_make_ctl(struct super_block *sb)
{
	struct ipckit_binderfs_info *info = sb->s_fs_info;
	struct dentry *dentry;
	struct inode *inode;
	int minor;

	minor = ipckit_binderfs_get_minor(info, false);
	if (minor < 0)
		return minor;
	inode = ipckit_binderfs_chr_inode(sb, minor, IPCKIT_BINDERFS_CTL_INO,
					  &ipckit_binderfs_ctl_fops);
	if (!inode) {
		ipckit_binderfs_put_minor(info, minor, false);
		return -ENOMEM;
	}
	dentry = d_alloc_name(sb->s_root, "binder-control");
	if (!dentry) {
		iput(inode);
		return -ENOMEM;
	}
	info->control_dentry = dentry;
	d_add(dentry, inode);
	return 0;
}

static struct inode *ipckit_binderfs_make_inode(struct super_block *sb,
						umode_t mode)
{
	struct inode *inode = new_inode(sb);

	if (inode) {
		inode->i_ino = iunique(sb, IPCKIT_BINDERFS_MINORS +
					   IPCKIT_BINDERFS_INO_OFFSET);
		inode->i_mode = mode;
		ipckit_inode_init_ts(inode);
	}
	return inode;
}

/*
 * A file or directory @name in @parent; the returned dentry's reference
 * pins it until ipckit_binderfs_remove() or umount.
 */
static struct dentry *ipckit_binderfs_create(struct dentry *parent,
					     const char *name, umode_t mode,
					     const struct file_operations *fops,
					     void *data)
{
	struct inode *dir = d_inode(parent), *inode;
	struct dentry *dentry;

	inode_lock(dir);
	dentry = lookup_one_len(name, parent, strlen(name));
	if (IS_ERR(dentry))
		goto out;
	if (d_really_is_positive(dentry)) {
		dput(dentry);
		dentry = ERR_PTR(-EEXIST);
		goto out;
	}
	inode = ipckit_binderfs_make_inode(dir->i_sb, mode);
	if (!inode) {
		dput(dentry);
		dentry = ERR_PTR(-ENOMEM);
		goto out;
	}
	if (S_ISDIR(mode)) {
		inode->i_fop = &simple_dir_operations;
		inode->i_op = &simple_dir_inode_operations;
		set_nlink(inode, 2);
		inc_nlink(dir);
		d_instantiate(dentry, inode);
		fsnotify_mkdir(dir, dentry);
	} else {
		inode->i_fop = fops;
		inode->i_private = data;
		d_instantiate(dentry, inode);
		fsnotify_create(dir, dentry);
	}
out:
	inode_unlock(dir);
	return dentry;
}

static void ipckit_binderfs_remove(struct dentry *dentry)
{
	struct inode *dir = d_inode(dentry->d_parent);

	inode_lock(dir);
	if (simple_positive(dentry)) {
		dget(dentry);
		simple_unlink(dir, dentry);	/* drops the pinning reference */
		d_delete(dentry);
		dput(dentry);
	}
	inode_unlock(dir);
}

/* features/<name>: every feature upstream lists, all supported. */
static int ipckit_binderfs_feature_show(struct seq_file *m, void *unused)
{
	seq_puts(m, "1\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ipckit_binderfs_feature);

static const char *const ipckit_binderfs_features[] = {
	"oneway_spam_detection", "extended_error", "freeze_notification",
};

/* binder_logs/: what upstream shows there, from ipckit's renderers. */
enum {
	IPCKIT_LOG_STATE, IPCKIT_LOG_STATS, IPCKIT_LOG_TRANSACTIONS,
	IPCKIT_LOG_TXN_LOG, IPCKIT_LOG_FAILED_TXN_LOG,
};

static const char *const ipckit_binderfs_logs[] = {
	[IPCKIT_LOG_STATE] = "state",
	[IPCKIT_LOG_STATS] = "stats",
	[IPCKIT_LOG_TRANSACTIONS] = "transactions",
	[IPCKIT_LOG_TXN_LOG] = "transaction_log",
	[IPCKIT_LOG_FAILED_TXN_LOG] = "failed_transaction_log",
};

static int ipckit_binderfs_log_show(struct seq_file *m, void *unused)
{
	unsigned long which = (unsigned long)m->private;
	struct ipckit_context *ctx;

	if (which == IPCKIT_LOG_TXN_LOG || which == IPCKIT_LOG_FAILED_TXN_LOG) {
		ipckit_txn_log_show(m, which == IPCKIT_LOG_FAILED_TXN_LOG);
		return 0;
	}
	mutex_lock(&ipckit_contexts_lock);
	list_for_each_entry(ctx, &ipckit_contexts, link) {
		switch (which) {
		case IPCKIT_LOG_STATE:
			ipckit_debugfs_print_state(m, ctx);
			break;
		case IPCKIT_LOG_STATS:
			seq_printf(m, "context %s\n", ctx->name);
			ipckit_debugfs_print_stats(m, ctx);
			break;
		case IPCKIT_LOG_TRANSACTIONS:
			ipckit_debugfs_print_transactions(m, ctx);
			break;
		}
	}
	mutex_unlock(&ipckit_contexts_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ipckit_binderfs_log);

static int ipckit_binderfs_pid_show(struct seq_file *m, void *unused)
{
	ipckit_debugfs_print_pid(m, (pid_t)(unsigned long)m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ipckit_binderfs_pid);

/**
 * ipckit_binderfs_add_proc() - binder_logs/proc/<pid> for a new open
 * @proc:  the process
 * @inode: the device it opened
 * @first: no other open of the context belongs to this pid
 *
 * Only for a binderfs device of a stats=global mount, as upstream; the
 * open file pins the mount until ipckit_binderfs_remove_proc().
 */
void ipckit_binderfs_add_proc(struct ipckit_proc *proc, struct inode *inode,
			      bool first)
{
	struct ipckit_binderfs_info *info;
	struct dentry *dentry;
	char name[16];

	if (!first || !ipckit_is_binderfs(inode->i_sb))
		return;
	info = inode->i_sb->s_fs_info;
	if (!info->proc_log_dir)
		return;
	snprintf(name, sizeof(name), "%d", proc->pid);
	dentry = ipckit_binderfs_create(info->proc_log_dir, name, S_IFREG | 0444,
					&ipckit_binderfs_pid_fops,
					(void *)(unsigned long)proc->pid);
	/* EEXIST: another device of this mount has the pid's file. */
	if (!IS_ERR(dentry))
		proc->binderfs_log = dentry;
}

void ipckit_binderfs_remove_proc(struct ipckit_proc *proc)
{
	if (proc->binderfs_log)
		ipckit_binderfs_remove(proc->binderfs_log);
	proc->binderfs_log = NULL;
}

static int ipckit_binderfs_make_dirs(struct super_block *sb)
{
	struct ipckit_binderfs_info *info = sb->s_fs_info;
	struct dentry *dir, *dentry;
	unsigned long i;

	dir = ipckit_binderfs_create(sb->s_root, "features", S_IFDIR | 0755,
				     NULL, NULL);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	for (i = 0; i < ARRAY_SIZE(ipckit_binderfs_features); i++) {
		dentry = ipckit_binderfs_create(dir, ipckit_binderfs_features[i],
						S_IFREG | 0444,
						&ipckit_binderfs_feature_fops,
						NULL);
		if (IS_ERR(dentry))
			return PTR_ERR(dentry);
	}
	if (info->opts.stats != IPCKIT_STATS_GLOBAL)
		return 0;

	dir = ipckit_binderfs_create(sb->s_root, "binder_logs", S_IFDIR | 0755,
				     NULL, NULL);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	for (i = 0; i < ARRAY_SIZE(ipckit_binderfs_logs); i++) {
		dentry = ipckit_binderfs_create(dir, ipckit_binderfs_logs[i],
						S_IFREG | 0444,
						&ipckit_binderfs_log_fops,
						(void *)i);
		if (IS_ERR(dentry))
			return PTR_ERR(dentry);
	}
	dentry = ipckit_binderfs_create(dir, "proc", S_IFDIR | 0755, NULL, NULL);
	if (IS_ERR(dentry))
		return PTR_ERR(dentry);
	info->proc_log_dir = dentry;
	return 0;
}

static int ipckit_binderfs_fill_super(struct super_block *sb,
				      struct fs_context *fc)
{
	struct ipckit_binderfs_opts *opts = fc->fs_private;
	struct ipckit_binderfs_info *info;
	struct inode *inode;
	int ret;

	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	/*
	 * As upstream: a user namespace's root may mount it and get usable
	 * device nodes, which is safe because nothing but binder-control
	 * can create one (no mknod, no create).
	 */
	sb->s_iflags &= ~SB_I_NODEV;
	sb->s_iflags |= SB_I_NOEXEC;
	sb->s_magic = BINDERFS_SUPER_MAGIC;
	sb->s_op = &ipckit_binderfs_super_ops;
	sb->s_time_gran = 1;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	sb->s_fs_info = info;
	info->root_uid = make_kuid(sb->s_user_ns, 0);
	if (!uid_valid(info->root_uid))
		info->root_uid = GLOBAL_ROOT_UID;
	info->root_gid = make_kgid(sb->s_user_ns, 0);
	if (!gid_valid(info->root_gid))
		info->root_gid = GLOBAL_ROOT_GID;
	info->opts = *opts;
	info->reserve = sb->s_user_ns == &init_user_ns;

	inode = new_inode(sb);
	if (!inode)
		return -ENOMEM;
	inode->i_ino = IPCKIT_BINDERFS_ROOT_INO;
	inode->i_fop = &simple_dir_operations;
	inode->i_mode = S_IFDIR | 0755;
	ipckit_inode_init_ts(inode);
	inode->i_op = &ipckit_binderfs_dir_iops;
	set_nlink(inode, 2);
	sb->s_root = d_make_root(inode);
	if (!sb->s_root)
		return -ENOMEM;

	ret = ipckit_binderfs_make_ctl(sb);
	if (ret)
		return ret;
	return ipckit_binderfs_make_dirs(sb);
}

static int ipckit_binderfs_parse_param(struct fs_context *fc,
				       struct fs_parameter *param)
{
	struct ipckit_binderfs_opts *opts = fc->fs_private;
	struct fs_parse_result result;
	int opt;

	opt = fs_parse(fc, ipckit_binderfs_params, param, &result);
	if (opt < 0)
		return opt;
	switch (opt) {
	case IPCKIT_OPT_MAX:
		if (result.uint_32 > IPCKIT_BINDERFS_MINORS)
			return invalfc(fc, "Bad value for '%s'", param->key);
		opts->max = result.uint_32;
		break;
	case IPCKIT_OPT_STATS:
		/* Global state of every process: the initial namespace's
		 * administrator only, as upstream.
		 */
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		opts->stats = result.uint_32;
		break;
	default:
		return invalfc(fc, "Unsupported parameter '%s'", param->key);
	}
	return 0;
}

/* As upstream: max= may change, stats= may not (given again or not). */
static int ipckit_binderfs_reconfigure(struct fs_context *fc)
{
	struct ipckit_binderfs_opts *opts = fc->fs_private;
	struct ipckit_binderfs_info *info = fc->root->d_sb->s_fs_info;

	if (info->opts.stats != opts->stats)
		return invalfc(fc, "Binderfs stats mode cannot be changed during a remount");
	mutex_lock(&ipckit_binderfs_lock);
	info->opts.max = opts->max;
	mutex_unlock(&ipckit_binderfs_lock);
	return 0;
}

static int ipckit_binderfs_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, ipckit_binderfs_fill_super);
}

static void ipckit_binderfs_free_fc(struct fs_context *fc)
{
	kfree(fc->fs_private);
}

static const struct fs_context_operations ipckit_binderfs_fc_ops = {
	.free		= ipckit_binderfs_free_fc,
	.get_tree	= ipckit_binderfs_get_tree,
	.parse_param	= ipckit_binderfs_parse_param,
	.reconfigure	= ipckit_binderfs_reconfigure,
};

static int ipckit_binderfs_init_fs_context(struct fs_context *fc)
{
	struct ipckit_binderfs_opts *opts;

	opts = kzalloc(sizeof(*opts), GFP_KERNEL);
	if (!opts)
		return -ENOMEM;
	opts->max = IPCKIT_BINDERFS_MINORS;
	opts->stats = IPCKIT_STATS_UNSET;
	fc->fs_private = opts;
	fc->ops = &ipckit_binderfs_fc_ops;
	return 0;
}

static void ipckit_binderfs_kill_sb(struct super_block *sb)
{
	struct ipckit_binderfs_info *info = sb->s_fs_info;

	/* Eviction (in here) still needs @info. */
	kill_litter_super(sb);
	kfree(info);
}

static struct file_system_type ipckit_binderfs_type = {
	.owner			= THIS_MODULE,
	.init_fs_context	= ipckit_binderfs_init_fs_context,
	.parameters		= ipckit_binderfs_params,
	.kill_sb		= ipckit_binderfs_kill_sb,
	.fs_flags		= FS_USERNS_MOUNT,
};

/*
 * Register as "binder", or as "ipckitfs" when the kernel (or another
 * module) has a "binder" filesystem already. Without either, the misc
 * devices still work: say why and go on.
 */
void ipckit_binderfs_init(void)
{
	size_t i;
	int err;

	err = alloc_chrdev_region(&ipckit_binderfs_dev, 0,
				  IPCKIT_BINDERFS_MINORS, "ipckit-binderfs");
	if (err) {
		pr_warn(IPCKIT_LOG_PREFIX "binderfs disabled: no char device region (%d)\n",
			err);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(ipckit_binderfs_names); i++) {
		ipckit_binderfs_type.name = ipckit_binderfs_names[i];
		err = register_filesystem(&ipckit_binderfs_type);
		if (!err)
			break;
	}
	if (err) {
		pr_warn(IPCKIT_LOG_PREFIX "binderfs disabled: filesystem types 'binder' and 'ipckitfs' are both taken (%d)\n",
			err);
		unregister_chrdev_region(ipckit_binderfs_dev,
					 IPCKIT_BINDERFS_MINORS);
		return;
	}
	if (i)
		pr_info(IPCKIT_LOG_PREFIX "filesystem type 'binder' is taken (the kernel has its own binderfs): binderfs registered as '%s'\n",
			ipckit_binderfs_type.name);
	ipckit_binderfs_up = true;
}

/* Module exit: no mount (each pins the module) and no device file open. */
void ipckit_binderfs_exit(void)
{
	if (!ipckit_binderfs_up)
		return;
	ipckit_binderfs_up = false;
	unregister_filesystem(&ipckit_binderfs_type);
	unregister_chrdev_region(ipckit_binderfs_dev, IPCKIT_BINDERFS_MINORS);
	ida_destroy(&ipckit_binderfs_minors);
}
