/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version differences, kept in this one place so the logic files
 * never carry version #ifs of their own.
 */
#ifndef _IPCKIT_COMPAT_H
#define _IPCKIT_COMPAT_H

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fdtable.h>
#include <linux/io_uring.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <net/genetlink.h>

/* v6.3 made vma->vm_flags read-only and added vm_flags_mod(). */
static inline void ipckit_vm_flags_mod(struct vm_area_struct *vma,
				       unsigned long set, unsigned long clear)
{
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

/*
 * Shrinkers: v6.0 gave them a name; v6.7 made them allocated objects
 * (shrinker_alloc() + shrinker_register(), shrinker_free()) instead of
 * structs the caller embeds. Both cases allocate here, so callers keep
 * one pointer and one pair of calls.
 */
static inline struct shrinker *
ipckit_shrinker_register(const char *name,
			 unsigned long (*count)(struct shrinker *,
						struct shrink_control *),
			 unsigned long (*scan)(struct shrinker *,
					       struct shrink_control *))
{
	struct shrinker *s;
#if KERNEL_VERSION(6, 7, 0) <= LINUX_VERSION_CODE
	s = shrinker_alloc(0, "%s", name);
	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	shrinker_register(s);
#else
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	if (register_shrinker(s, "%s", name)) {
		kfree(s);
		return NULL;
	}
#endif
	return s;
}

static inline void ipckit_shrinker_unregister(struct shrinker *s)
{
#if KERNEL_VERSION(6, 7, 0) <= LINUX_VERSION_CODE
	shrinker_free(s);
#else
	unregister_shrinker(s);
	kfree(s);
#endif
}

/*
 * v6.3 dropped zap_page_range() for zap_page_range_single(); Debian
 * exports each kernel's one for binder.
 */
static inline void ipckit_zap_page(struct vm_area_struct *vma,
				   unsigned long addr)
{
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
	zap_page_range_single(vma, addr, PAGE_SIZE, NULL);
#else
	zap_page_range(vma, addr, PAGE_SIZE);
#endif
}

/* v6.1 added TASK_FREEZABLE (before: freezable_schedule()). */
#ifdef TASK_FREEZABLE
#define IPCKIT_TASK_FREEZABLE TASK_FREEZABLE
#else
#define IPCKIT_TASK_FREEZABLE 0
#endif

/* v6.8 renamed close_fd_get_file() to file_close_fd(). */
static inline struct file *ipckit_close_fd_get_file(unsigned int fd)
{
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
	return file_close_fd(fd);
#else
	return close_fd_get_file(fd);
#endif
}

/* v6.6 moved a dump's parsed attributes into genl_dumpit_info::info. */
static inline struct nlattr **ipckit_genl_dump_attrs(struct netlink_callback *cb)
{
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * One-way spam detection (alloc_range.c): v6.8 ("binder: do unlocked work
 * in binder_alloc_new_buf()") sets the new buffer's sender only after the
 * check, so the reference counts the sender's earlier one-way buffers
 * without the new one: "more than 50" is caught at the 52nd, and the
 * quarter is over without it. (The reference then reads the pid its
 * buffer struct had from an earlier allocation; a fresh area's buffers
 * have none.) Before, the new buffer counted.
 */
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
#define IPCKIT_SPAM_COUNTS_NEW_BUFFER	0
#else
#define IPCKIT_SPAM_COUNTS_NEW_BUFFER	1
#endif

/*
 * io_uring passthrough (uring.c).
 *
 * v6.1 (Debian's, with io_uring_cmd_done()'s res2/issue_flags backported)
 * has no way for io_uring to cancel a driver's pending command: exit,
 * exec and ring teardown wait until the driver completes it. uring.c then
 * watches its pending commands itself (IPCKIT_URING_HAS_CANCEL 0) and
 * needs to know whether the submitter is exiting or in exec and whether
 * the ring is dying, which only io_uring's own structures tell.
 * v6.7 added io_uring_cmd_mark_cancelable() and IO_URING_F_CANCEL: the
 * driver is asked to cancel at exec and when the ring goes, and the
 * watcher is left only a lone thread's exit (ipckit_uring_task_orphans()).
 * v6.6 passes the whole SQE (cmd->sqe) instead of its payload (cmd->cmd).
 */
#if KERNEL_VERSION(6, 7, 0) <= LINUX_VERSION_CODE
#include <linux/io_uring/cmd.h>
#define IPCKIT_URING_HAS_CANCEL	1
#define IPCKIT_URING_F_CANCEL	IO_URING_F_CANCEL
#else
#include <linux/io_uring_types.h>
#include <linux/percpu-refcount.h>
#define IPCKIT_URING_HAS_CANCEL	0
#define IPCKIT_URING_F_CANCEL	0
#endif

/* The 16 (SQE128: 80) payload bytes of the command's SQE. */
static inline const void *ipckit_uring_cmd_payload(const struct io_uring_cmd *cmd)
{
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
	return io_uring_sqe_cmd(cmd->sqe);
#else
	return cmd->cmd;
#endif
}

static inline void ipckit_uring_cmd_done(struct io_uring_cmd *cmd, int res,
					 unsigned int issue_flags)
{
	io_uring_cmd_done(cmd, res, 0, issue_flags);
}

/* Let io_uring ask for cancellation (IPCKIT_URING_F_CANCEL); v6.7+. */
static inline void ipckit_uring_cmd_mark_cancelable(struct io_uring_cmd *cmd,
						    unsigned int issue_flags)
{
#if IPCKIT_URING_HAS_CANCEL
	io_uring_cmd_mark_cancelable(cmd, issue_flags);
#endif
}

/* The ring the command was submitted to is being torn down. */
static inline bool ipckit_uring_cmd_ring_dying(struct io_uring_cmd *cmd)
{
#if IPCKIT_URING_HAS_CANCEL
	return false;	/* io_uring cancels the command itself */
#else
	return percpu_ref_is_dying(&cmd_to_io_kiocb(cmd)->ctx->refs);
#endif
}

/*
 * @tsk submitted a command that io_uring will not end itself, so the
 * watcher (uring.c) must. v6.1 ends none: @tsk exiting (PF_EXITING) or
 * between the start of execve() and its point of no return. v6.7+
 * cancels at exec and when the ring goes (a process's exit closes it),
 * but not when one thread of a living process exits: there
 * io_uring_cancel_generic(false) waits only for requests it tracks
 * (files), and a command outlives its submitter until the ring goes.
 */
static inline bool ipckit_uring_task_orphans(struct task_struct *tsk)
{
#if IPCKIT_URING_HAS_CANCEL
	return (READ_ONCE(tsk->flags) & PF_EXITING) &&
	       !(READ_ONCE(tsk->signal->flags) & SIGNAL_GROUP_EXIT) &&
	       !thread_group_empty(tsk);
#else
	return (READ_ONCE(tsk->flags) & PF_EXITING) || tsk->in_execve;
#endif
}

/* --- binderfs (binderfs.c) ----------------------------------------- */

/* v6.3 passes inode operations a struct mnt_idmap, not a user namespace. */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#define ipckit_idmap mnt_idmap
#else
#define ipckit_idmap user_namespace
#endif

/* v6.6 hid the inode times behind accessors (simple_inode_init_ts()). */
static inline void ipckit_inode_init_ts(struct inode *inode)
{
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
	simple_inode_init_ts(inode);
#else
	struct timespec64 now = current_time(inode);

	inode->i_mtime = now;
	inode->i_atime = now;
	inode->i_ctime = now;
#endif
}

/*
 * v6.3 answers a one-way call queued to a frozen process with
 * BR_TRANSACTION_PENDING_FROZEN instead of BR_TRANSACTION_COMPLETE
 * ("binder: return pending info for frozen async txns"); ipckit speaks
 * the protocol of the kernel it is built for.
 */
#define IPCKIT_SENDS_PENDING_FROZEN \
	(KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE)

#endif /* _IPCKIT_COMPAT_H */
