// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process state: one struct ipckit_proc per open() of a device, and
 * the file operations that dispatch to it (open, release, mmap, ioctl).
 *
 * Locking: see internal.h. open/release take ipckit_context::lock to link
 * and unlink the process; mmap takes ipckit_proc::lock for the map fields.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "internal.h"

static int ipckit_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct ipckit_context *ctx =
		container_of(misc, struct ipckit_context, misc);
	struct ipckit_proc *proc;

	proc = kzalloc(sizeof(*proc), GFP_KERNEL);
	if (!proc)
		return -ENOMEM;

	get_task_struct(current->group_leader);
	proc->tsk = current->group_leader;
	proc->pid = current->group_leader->pid;
	proc->ctx = ctx;
	mutex_init(&proc->lock);

	mutex_lock(&ctx->lock);
	list_add_tail(&proc->ctx_link, &ctx->procs);
	atomic_inc(&ctx->nprocs);
	mutex_unlock(&ctx->lock);

	ipckit_stat_inc(ctx, IPCKIT_STAT_OPEN);
	file->private_data = proc;
	return 0;
}

static int ipckit_release(struct inode *inode, struct file *file)
{
	struct ipckit_proc *proc = file->private_data;
	struct ipckit_context *ctx = proc->ctx;

	mutex_lock(&ctx->lock);
	list_del(&proc->ctx_link);
	atomic_dec(&ctx->nprocs);
	mutex_unlock(&ctx->lock);

	ipckit_stat_inc(ctx, IPCKIT_STAT_RELEASE);
	put_task_struct(proc->tsk);
	mutex_destroy(&proc->lock);
	kfree(proc);
	return 0;
}

/*
 * The receive area has no pages until the transaction engine puts some
 * there; a stray access is the caller's bug and gets SIGBUS, not a page.
 */
static vm_fault_t ipckit_vm_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct ipckit_vm_ops = {
	.fault = ipckit_vm_fault,
};

static int ipckit_mmap_reject(struct ipckit_proc *proc,
			      struct vm_area_struct *vma, const char *why,
			      int err)
{
	ipckit_stat_inc(proc->ctx, IPCKIT_STAT_MMAP_REJECTED);
	pr_err_ratelimited(IPCKIT_LOG_PREFIX "%s: pid %d mmap %lx-%lx refused: %s (%d)\n",
			   proc->ctx->name, proc->pid, vma->vm_start,
			   vma->vm_end, why, err);
	return err;
}

/*
 * The receive area: the driver writes it, userspace only reads it. Rules
 * follow the reference driver so that existing libraries work unchanged:
 * only the opener maps, never writable (and never mprotect-able to
 * writable), not copied on fork, once per process, at most 4 MiB used.
 */
static int ipckit_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ipckit_proc *proc = file->private_data;
	int err = 0;

	if (proc->tsk != current->group_leader)
		return ipckit_mmap_reject(proc, vma,
					  "not the process that opened the device",
					  -EINVAL);
	if (vma->vm_flags & VM_WRITE)
		return ipckit_mmap_reject(proc, vma,
					  "mapping must be read-only", -EPERM);

	ipckit_vm_flags_mod(vma, VM_DONTCOPY | VM_MIXEDMAP, VM_MAYWRITE);
	vma->vm_ops = &ipckit_vm_ops;
	vma->vm_private_data = proc;

	mutex_lock(&proc->lock);
	if (proc->map_size) {
		err = -EBUSY;
	} else {
		proc->map_start = vma->vm_start;
		proc->map_size = min_t(unsigned long,
				       vma->vm_end - vma->vm_start,
				       IPCKIT_MAP_SIZE_MAX);
	}
	mutex_unlock(&proc->lock);

	if (err)
		return ipckit_mmap_reject(proc, vma, "already mapped", err);
	ipckit_stat_inc(proc->ctx, IPCKIT_STAT_MMAP);
	return 0;
}

/* A bad pointer is -EINVAL, not -EFAULT: the reference answers so. */
static long ipckit_ioctl_binder_version(void __user *ubuf)
{
	struct binder_version __user *ver = ubuf;

	if (put_user(BINDER_CURRENT_PROTOCOL_VERSION, &ver->protocol_version))
		return -EINVAL;
	return 0;
}

static long ipckit_ioctl_ipckit_version(void __user *ubuf)
{
	struct ipckit_version ver = {
		.abi_version = IPCKIT_ABI_VERSION,
		.protocol_version = BINDER_CURRENT_PROTOCOL_VERSION,
	};

	if (copy_to_user(ubuf, &ver, sizeof(ver)))
		return -EFAULT;
	return 0;
}

static long ipckit_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct ipckit_proc *proc = file->private_data;
	void __user *ubuf = (void __user *)arg;

	ipckit_stat_inc(proc->ctx, IPCKIT_STAT_IOCTL);

	switch (cmd) {
	case BINDER_VERSION:
		return ipckit_ioctl_binder_version(ubuf);
	case IPCKIT_GET_VERSION:
		return ipckit_ioctl_ipckit_version(ubuf);
	default:
		ipckit_stat_inc(proc->ctx, IPCKIT_STAT_IOCTL_UNKNOWN);
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "%s: pid %d: unknown ioctl %#x\n",
				    proc->ctx->name, current->pid, cmd);
		return -EINVAL;
	}
}

const struct file_operations ipckit_fops = {
	.owner = THIS_MODULE,
	.open = ipckit_open,
	.release = ipckit_release,
	.mmap = ipckit_mmap,
	.unlocked_ioctl = ipckit_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
