// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process state: one struct ipckit_proc per open() of a device, and
 * the file operations that dispatch to it (open, release, mmap, ioctl).
 *
 * Locking: see internal.h. open/release take ipckit_context::lock to link
 * and unlink the process; everything else is per thread (thread.c) or per
 * area (alloc.c). The process lives on after close while other processes
 * hold references (transactions in flight), see ipckit_proc_put().
 */
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <linux/ipckit_netlink.h>

#include "compat.h"
#include "internal.h"

/* PROC_OPEN or PROC_EXIT of @proc, with the acting thread @tid (or 0). */
static void ipckit_proc_event(struct ipckit_proc *proc, u32 kind, pid_t tid)
{
	struct ipckit_nl_event ev = {
		.kind = kind, .pid = proc->pid, .tid = tid,
		.uid = proc->cred->euid,
	};

	ipckit_nl_event(proc->ctx, &ev);
}

/* Another open of @proc's device by the same process is listed. */
static bool ipckit_pid_has_other_proc_clocked(struct ipckit_proc *proc)
{
	struct ipckit_proc *other;

	list_for_each_entry(other, &proc->ctx->procs, ctx_link)
		if (other != proc && other->pid == proc->pid)
			return true;
	return false;
}

/*
 * A binderfs device's context is its inode's (kept by the inode, which
 * the open file pins); a misc device's is found from the miscdevice
 * misc_open() left in private_data.
 */
static struct ipckit_context *ipckit_context_of(struct inode *inode,
						struct file *file)
{
	struct ipckit_context *ctx = ipckit_binderfs_context(inode);

	if (ctx)
		return ctx;
	return container_of(file->private_data, struct ipckit_context, misc);
}

static int ipckit_open(struct inode *inode, struct file *file)
{
	struct ipckit_context *ctx = ipckit_context_of(inode, file);
	struct ipckit_proc *proc;
	bool first;

	proc = kzalloc(sizeof(*proc), GFP_KERNEL);
	if (!proc)
		return -ENOMEM;

	get_task_struct(current->group_leader);
	proc->tsk = current->group_leader;
	proc->pid = current->group_leader->pid;
	proc->cred = get_cred(file->f_cred);
	proc->ctx = ctx;
	refcount_set(&proc->refs, 1);	/* the file's */
	spin_lock_init(&proc->outer_lock);
	spin_lock_init(&proc->inner_lock);
	proc->threads = RB_ROOT;
	INIT_LIST_HEAD(&proc->waiting_threads);
	init_waitqueue_head(&proc->poll_wait);
	INIT_LIST_HEAD(&proc->todo);
	proc->nodes = RB_ROOT;
	proc->refs_by_desc = RB_ROOT;
	proc->refs_by_node = RB_ROOT;
	INIT_LIST_HEAD(&proc->delivered_death);
	INIT_LIST_HEAD(&proc->delivered_freeze);
	proc->default_priority = task_nice(current);
	init_waitqueue_head(&proc->freeze_wait);
	ipckit_alloc_init(&proc->alloc, ctx);
	ipckit_context_get(ctx);	/* the proc's, until ipckit_proc_put() */

	mutex_lock(&ctx->lock);
	first = !ipckit_pid_has_other_proc_clocked(proc);
	proc->nl_serial = ++ctx->nl_serial;
	list_add_tail(&proc->ctx_link, &ctx->procs);
	atomic_inc(&ctx->nprocs);
	ipckit_debugfs_add_proc(proc, first);
	mutex_unlock(&ctx->lock);
	ipckit_binderfs_add_proc(proc, inode, first);

	ipckit_stat_inc(ctx, IPCKIT_STAT_OPEN);
	ipckit_obj_created(ctx, IPCKIT_OBJ_PROC);
	file->private_data = proc;
	if (first)
		ipckit_proc_event(proc, IPCKIT_EVENT_PROC_OPEN, current->pid);
	return 0;
}

/*
 * A buffer userspace never freed: its target node is one of the dead
 * process's own, whose local counts went with it (ipckit_node_release()),
 * and which may be gone: forget it, touch nothing.
 */
static void ipckit_proc_release_buffer(struct ipckit_buffer *buffer)
{
	buffer->target_node = NULL;
}

/*
 * The last reference: nothing can reach the process any more, so its
 * receive area can go, with whatever buffers userspace never freed.
 * Sleeps: never called under a spinlock.
 */
void ipckit_proc_put(struct ipckit_proc *proc)
{
	struct ipckit_context *ctx = proc->ctx;
	size_t leftover;

	if (!refcount_dec_and_test(&proc->refs))
		return;
	leftover = ipckit_alloc_release_all(&proc->alloc,
					    ipckit_proc_release_buffer);
	if (leftover)
		pr_debug(IPCKIT_LOG_PREFIX "%s: pid %d died with %zu buffers\n",
			 ctx->name, proc->pid, leftover);
	put_cred(proc->cred);
	put_task_struct(proc->tsk);
	ipckit_obj_deleted(ctx, IPCKIT_OBJ_PROC);
	atomic_dec(&ctx->nprocs);
	kfree(proc);
	ipckit_context_put(ctx);
}

/*
 * Close (or death) of the process: answer its pending incoming calls with
 * BR_DEAD_REPLY, release its threads and nodes. No ioctl of this file
 * runs any more; other processes may still hold references.
 *
 * Order matters: undelivered transactions to this process (its threads'
 * and its own queues) are dropped while its nodes are still alive, since
 * their buffers hold counts on them; then the nodes go (with their
 * one-way queues), then the handles.
 */
static int ipckit_release(struct inode *inode, struct file *file)
{
	struct ipckit_proc *proc = file->private_data;
	struct ipckit_context *ctx = proc->ctx;
	struct ipckit_thread *thread;
	bool last;

	mutex_lock(&ctx->lock);
	list_del(&proc->ctx_link);
	last = !ipckit_pid_has_other_proc_clocked(proc);
	mutex_unlock(&ctx->lock);
	ipckit_debugfs_remove_proc(proc);
	ipckit_binderfs_remove_proc(proc);
	ipckit_context_drop_mgr(proc);

	spin_lock(&proc->inner_lock);
	proc->is_dead = true;
	proc->is_frozen = false;
	proc->sync_recv = false;
	proc->async_recv = false;
	spin_unlock(&proc->inner_lock);

	for (;;) {
		struct rb_node *n;

		spin_lock(&proc->inner_lock);
		n = rb_first(&proc->threads);
		thread = n ? rb_entry(n, struct ipckit_thread, rb_node) : NULL;
		if (thread)
			refcount_inc(&thread->refs);
		spin_unlock(&proc->inner_lock);
		if (!thread)
			break;
		ipckit_thread_release(thread);
		ipckit_thread_put(thread);
	}
	ipckit_release_work_list(proc, &proc->todo);
	ipckit_node_release_all(proc);
	ipckit_ref_release_all(proc);
	/* Cleared notifications a dead node's owner queued meanwhile. */
	ipckit_release_work_list(proc, &proc->todo);
	ipckit_release_work_list(proc, &proc->delivered_death);
	ipckit_release_work_list(proc, &proc->delivered_freeze);

	ipckit_stat_inc(ctx, IPCKIT_STAT_RELEASE);
	/* Release may run in any task (the last fput): no acting thread. */
	if (last)
		ipckit_proc_event(proc, IPCKIT_EVENT_PROC_EXIT, 0);
	ipckit_proc_put(proc);
	return 0;
}

/*
 * Pages appear only while a buffer uses them, inserted by the allocator;
 * any other access is the caller's bug and gets SIGBUS.
 */
static vm_fault_t ipckit_vm_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static void ipckit_vm_close(struct vm_area_struct *vma)
{
	struct ipckit_proc *proc = vma->vm_private_data;

	ipckit_alloc_vma_close(&proc->alloc);
}

static const struct vm_operations_struct ipckit_vm_ops = {
	.fault = ipckit_vm_fault,
	.close = ipckit_vm_close,
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
	int err;

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

	err = ipckit_alloc_mmap(&proc->alloc, vma, proc);
	if (err)
		return ipckit_mmap_reject(proc, vma,
					  err == -EBUSY ? "already mapped" :
							  "cannot set up the area",
					  err);
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
		.flags = IPCKIT_FEATURE_URING_CMD |
			 IPCKIT_FEATURE_FREEZE_NOTIFICATION |
			 (ipckit_netlink_registered() ? IPCKIT_FEATURE_NETLINK : 0) |
			 (ipckit_binderfs_registered() ? IPCKIT_FEATURE_BINDERFS : 0),
	};

	if (copy_to_user(ubuf, &ver, sizeof(ver)))
		return -EFAULT;
	return 0;
}

static int ipckit_ioctl_get_extended_error(struct ipckit_thread *thread,
					   void __user *ubuf)
{
	struct ipckit_proc *proc = thread->proc;
	struct binder_extended_error ee;

	spin_lock(&proc->inner_lock);
	ee = thread->ee;
	thread->ee.id = 0;
	thread->ee.command = BR_OK;
	thread->ee.param = 0;
	spin_unlock(&proc->inner_lock);
	if (copy_to_user(ubuf, &ee, sizeof(ee)))
		return -EFAULT;
	return 0;
}

static long ipckit_ioctl_thread(struct file *file, struct ipckit_thread *thread,
				unsigned int cmd, void __user *ubuf)
{
	struct ipckit_proc *proc = thread->proc;

	switch (cmd) {
	case BINDER_WRITE_READ:
		return ipckit_thread_write_read(thread, (unsigned long)ubuf,
						file->f_flags & O_NONBLOCK);
	case BINDER_SET_MAX_THREADS: {
		u32 max_threads;

		if (copy_from_user(&max_threads, ubuf, sizeof(max_threads)))
			return -EINVAL;
		spin_lock(&proc->inner_lock);
		proc->max_threads = max_threads;
		spin_unlock(&proc->inner_lock);
		return 0;
	}
	case BINDER_SET_CONTEXT_MGR_EXT: {
		struct flat_binder_object fbo;

		if (copy_from_user(&fbo, ubuf, sizeof(fbo)))
			return -EINVAL;
		return ipckit_context_set_mgr(proc, &fbo);
	}
	case BINDER_SET_CONTEXT_MGR:
		return ipckit_context_set_mgr(proc, NULL);
	case BINDER_THREAD_EXIT:
		ipckit_thread_release(thread);
		return 0;
	case BINDER_VERSION:
		return ipckit_ioctl_binder_version(ubuf);
	case BINDER_GET_EXTENDED_ERROR:
		return ipckit_ioctl_get_extended_error(thread, ubuf);
	case BINDER_GET_NODE_DEBUG_INFO: {
		struct binder_node_debug_info info;

		if (copy_from_user(&info, ubuf, sizeof(info)))
			return -EFAULT;
		ipckit_node_debug_info(proc, &info);
		if (copy_to_user(ubuf, &info, sizeof(info)))
			return -EFAULT;
		return 0;
	}
	case BINDER_GET_NODE_INFO_FOR_REF: {
		struct binder_node_info_for_ref info;
		int ret;

		if (copy_from_user(&info, ubuf, sizeof(info)))
			return -EFAULT;
		ret = ipckit_ref_node_info(proc, &info);
		if (!ret && copy_to_user(ubuf, &info, sizeof(info)))
			return -EFAULT;
		return ret;
	}
	case BINDER_FREEZE: {
		struct binder_freeze_info info;

		if (copy_from_user(&info, ubuf, sizeof(info)))
			return -EFAULT;
		return ipckit_freeze(&info);
	}
	case BINDER_GET_FROZEN_INFO: {
		struct binder_frozen_status_info info;
		int ret;

		if (copy_from_user(&info, ubuf, sizeof(info)))
			return -EFAULT;
		ret = ipckit_get_frozen_info(&info);
		if (!ret && copy_to_user(ubuf, &info, sizeof(info)))
			return -EFAULT;
		return ret;
	}
	case BINDER_ENABLE_ONEWAY_SPAM_DETECTION: {
		u32 enable;

		if (copy_from_user(&enable, ubuf, sizeof(enable)))
			return -EFAULT;
		spin_lock(&proc->inner_lock);
		proc->oneway_spam_detection = !!enable;
		spin_unlock(&proc->inner_lock);
		return 0;
	}
	case IPCKIT_GET_VERSION:
		return ipckit_ioctl_ipckit_version(ubuf);
	default:
		ipckit_stat_inc(proc->ctx, IPCKIT_STAT_IOCTL_UNKNOWN);
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "%s: pid %d: unknown ioctl %#x\n",
				    proc->ctx->name, current->pid, cmd);
		return -EINVAL;
	}
}

static long ipckit_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct ipckit_proc *proc = file->private_data;
	struct ipckit_thread *thread;
	long ret;

	ipckit_stat_inc(proc->ctx, IPCKIT_STAT_IOCTL);
	/* Every ioctl makes the caller a thread of the process, as the reference. */
	thread = ipckit_thread_get_current(proc);
	if (!thread)
		return -ENOMEM;
	ret = ipckit_ioctl_thread(file, thread, cmd, (void __user *)arg);
	spin_lock(&proc->inner_lock);
	thread->looper_need_return = false;
	spin_unlock(&proc->inner_lock);
	ipckit_thread_put(thread);
	return ret;
}

/*
 * close() of any copy of the fd: blocked readers and pending io_uring
 * reads return to userspace (with a lone BR_NOOP), so a process can shut
 * its pool down.
 */
static int ipckit_flush(struct file *file, fl_owner_t id)
{
	struct ipckit_proc *proc = file->private_data;
	struct rb_node *n;

	spin_lock(&proc->inner_lock);
	for (n = rb_first(&proc->threads); n; n = rb_next(n)) {
		struct ipckit_thread *thread = rb_entry(n, struct ipckit_thread,
							rb_node);

		thread->looper_need_return = true;
		/* A pending io_uring read returns too (uring.c). */
		if ((thread->looper & IPCKIT_LOOPER_WAITING) || thread->uring)
			wake_up_interruptible(&thread->wait);
	}
	spin_unlock(&proc->inner_lock);
	return 0;
}

static __poll_t ipckit_poll(struct file *file, struct poll_table_struct *wait)
{
	struct ipckit_proc *proc = file->private_data;
	struct ipckit_thread *thread;
	__poll_t mask;

	thread = ipckit_thread_get_current(proc);
	if (!thread)
		return EPOLLERR;
	mask = ipckit_thread_poll(thread, file, wait);
	ipckit_thread_put(thread);
	return mask;
}

const struct file_operations ipckit_fops = {
	.owner = THIS_MODULE,
	.open = ipckit_open,
	.poll = ipckit_poll,
	.flush = ipckit_flush,
	.release = ipckit_release,
	.mmap = ipckit_mmap,
	.unlocked_ioctl = ipckit_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.uring_cmd = ipckit_uring_cmd,
};
