// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring passthrough: IPCKIT_URING_CMD_WRITE_READ, BINDER_WRITE_READ
 * submitted as IORING_OP_URING_CMD (Documentation/uring.rst).
 *
 * The submitting task is the Binder thread, as with the ioctl. The write
 * half runs during submission; the read half runs at once without
 * blocking, and when it has nothing to deliver the command stays pending
 * (-EIOCBQUEUED) the way a poller waits: a struct ipckit_uring_req hooks
 * a wait entry on the thread's @wait and on the process's @poll_wait,
 * whose wake function (atomic context) asks io_uring to run
 * ipckit_uring_task_cb() in the submitter's context. That callback reads
 * into the user's buffers without blocking and completes the command,
 * or re-arms it after a spurious wakeup.
 *
 * LOCKING
 * =======
 * struct ipckit_uring_req::state (atomic_t) is the claim on a pending
 * command; exactly one party completes it:
 *
 *	INIT    being set up by the submitter
 *	ARMED   hooked, waiting: a wakeup moves it to QUEUED; a teardown
 *		(thread release, the watcher below, io_uring's cancel on
 *		v6.7+) moves it to DONE and completes it itself
 *	QUEUED  ipckit_uring_task_cb() is due (io_uring runs it in the
 *		submitter's context, or from its fallback work when the
 *		task is exiting): only the callback completes it
 *	RUNNING the callback reads; it ends by completing the command or
 *		moving it back to ARMED (under the proc's inner_lock)
 *	DONE    claimed by a teardown, which completes it
 *
 * ipckit_proc::inner_lock guards @thread->uring (one pending read per
 * thread) and @hooked, and is held while the wait entries are added
 * and removed (the waitqueue locks nest inside it, as for every wakeup
 * under it). A request leaves its wait queues (under their locks) before
 * it is freed, so the wake function never sees it freed; and it is
 * freed only by whoever moved it to DONE or by the callback, which alone
 * owns it in QUEUED and RUNNING.
 *
 * ipckit_uring_lock (spinlock) guards ipckit_uring_reqs, every pending
 * request, which the watcher walks. It is never held with inner_lock.
 *
 * No user copy or sleep happens under any of these locks; the user's
 * binder_write_read is copied in and out by the submitter during
 * submission and by the callback, both in the submitter's context.
 *
 * References: a pending request holds its thread (and so the proc) and
 * the submitting task; io_uring's request holds the device file (and so
 * the module: no unload while a command pends) and the ring. All are
 * dropped when the command completes, on every path.
 *
 * Teardown on v6.1, which cannot ask a driver to cancel: the watcher
 * (ipckit_uring_watch(), a delayed work armed only while requests are
 * pending, every IPCKIT_URING_WATCH_MS) completes with -ECANCELED the
 * ARMED requests whose submitter is exiting (PF_EXITING: process or
 * thread exit) or in exec, or whose ring is dying (ring closed);
 * BINDER_THREAD_EXIT completes the thread's request directly; close() of
 * the device fd completes it with a lone BR_NOOP, as a blocked read.
 * Otherwise io_uring's exit, exec and ring teardown would wait forever.
 * On v6.7+ io_uring asks (ipckit_uring_cancel()) at exec and when the
 * ring goes, process exit included; the watcher then ends only the
 * requests of a thread that exits while its process lives, which
 * io_uring leaves pending until the ring goes (compat.h).
 */
#include <linux/list.h>
#include <linux/ratelimit.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "internal.h"

#define IPCKIT_URING_WATCH_MS	50

enum {
	IPCKIT_URING_INIT,
	IPCKIT_URING_ARMED,
	IPCKIT_URING_QUEUED,
	IPCKIT_URING_RUNNING,
	IPCKIT_URING_DONE,
};

/**
 * struct ipckit_uring_req - a pending IPCKIT_URING_CMD_WRITE_READ
 * @cmd:       io_uring's command; its pdu points back here
 * @thread:    the Binder thread (reference held)
 * @task:      the submitting task (reference held)
 * @ubwr:      user address of the binder_write_read
 * @bwr:       its contents as submitted, write half done
 * @state:     IPCKIT_URING_*, see LOCKING
 * @hooked:    @wq_thread and @wq_proc are queued (proc's inner_lock)
 * @wq_thread: entry on @thread->wait
 * @wq_proc:   entry on the proc's @poll_wait
 * @link:      entry in ipckit_uring_reqs (ipckit_uring_lock)
 */
struct ipckit_uring_req {
	struct io_uring_cmd *cmd;
	struct ipckit_thread *thread;
	struct task_struct *task;
	u64 ubwr;
	struct binder_write_read bwr;
	atomic_t state;
	bool hooked;
	struct wait_queue_entry wq_thread;
	struct wait_queue_entry wq_proc;
	struct list_head link;
};

static DEFINE_SPINLOCK(ipckit_uring_lock);
static LIST_HEAD(ipckit_uring_reqs);
static void ipckit_uring_watch(struct work_struct *work);
static DECLARE_DELAYED_WORK(ipckit_uring_watch_work, ipckit_uring_watch);

static void ipckit_uring_task_cb(struct io_uring_cmd *cmd,
				 unsigned int issue_flags);

static struct ipckit_uring_req **ipckit_uring_pdu(struct io_uring_cmd *cmd)
{
	BUILD_BUG_ON(sizeof(struct ipckit_uring_req *) > sizeof(cmd->pdu));
	return (struct ipckit_uring_req **)cmd->pdu;
}

static void ipckit_uring_unhook_ilocked(struct ipckit_uring_req *req)
{
	if (!req->hooked)
		return;
	remove_wait_queue(&req->thread->wait, &req->wq_thread);
	remove_wait_queue(&req->thread->proc->poll_wait, &req->wq_proc);
	req->hooked = false;
}

/* Complete and free @req, which the caller owns (see LOCKING). */
static void ipckit_uring_finish(struct ipckit_uring_req *req, int res,
				unsigned int issue_flags)
{
	struct ipckit_thread *thread = req->thread;
	struct ipckit_proc *proc = thread->proc;

	spin_lock(&proc->inner_lock);
	ipckit_uring_unhook_ilocked(req);
	if (thread->uring == req)
		thread->uring = NULL;
	spin_unlock(&proc->inner_lock);

	spin_lock(&ipckit_uring_lock);
	list_del(&req->link);
	spin_unlock(&ipckit_uring_lock);

	if (res == -ECANCELED)
		ipckit_stat_inc(proc->ctx, IPCKIT_STAT_URING_CANCELED);
	ipckit_uring_cmd_done(req->cmd, res, issue_flags);
	put_task_struct(req->task);
	ipckit_thread_put(thread);
	kfree(req);
}

/* Called with the waitqueue's lock held, in any context. */
static int ipckit_uring_wake(struct wait_queue_entry *wq, unsigned int mode,
			     int sync, void *key)
{
	struct ipckit_uring_req *req = wq->private;

	if (atomic_cmpxchg(&req->state, IPCKIT_URING_ARMED,
			   IPCKIT_URING_QUEUED) == IPCKIT_URING_ARMED)
		io_uring_cmd_complete_in_task(req->cmd, ipckit_uring_task_cb);
	return 1;
}

/*
 * The submitter is going away with the command, or its ring is, and
 * io_uring will not end the command itself (compat.h).
 */
static bool ipckit_uring_orphaned(struct ipckit_uring_req *req)
{
	return ipckit_uring_task_orphans(req->task) ||
	       ipckit_uring_cmd_ring_dying(req->cmd);
}

static void ipckit_uring_watch(struct work_struct *work)
{
	struct ipckit_uring_req *req, *tmp;
	LIST_HEAD(orphans);
	bool again;

	spin_lock(&ipckit_uring_lock);
	list_for_each_entry_safe(req, tmp, &ipckit_uring_reqs, link) {
		if (atomic_read(&req->state) != IPCKIT_URING_ARMED ||
		    !ipckit_uring_orphaned(req))
			continue;
		if (atomic_cmpxchg(&req->state, IPCKIT_URING_ARMED,
				   IPCKIT_URING_DONE) == IPCKIT_URING_ARMED)
			list_move_tail(&req->link, &orphans);
	}
	again = !list_empty(&ipckit_uring_reqs);
	spin_unlock(&ipckit_uring_lock);

	list_for_each_entry_safe(req, tmp, &orphans, link) {
		ipckit_stat_inc(req->thread->proc->ctx,
				IPCKIT_STAT_URING_WATCHED);
		ipckit_uring_finish(req, -ECANCELED, IO_URING_F_UNLOCKED);
	}
	if (again)
		schedule_delayed_work(&ipckit_uring_watch_work,
				      msecs_to_jiffies(IPCKIT_URING_WATCH_MS));
}

static void ipckit_uring_track(struct ipckit_uring_req *req)
{
	bool first;

	spin_lock(&ipckit_uring_lock);
	first = list_empty(&ipckit_uring_reqs);
	list_add_tail(&req->link, &ipckit_uring_reqs);
	spin_unlock(&ipckit_uring_lock);
	if (first)
		schedule_delayed_work(&ipckit_uring_watch_work,
				      msecs_to_jiffies(IPCKIT_URING_WATCH_MS));
}

/*
 * Make @req pending on its thread. Returns -EIOCBQUEUED once armed,
 * -EAGAIN when work arrived since the read found none (read again),
 * -EBUSY when the thread has a pending read already.
 */
static int ipckit_uring_arm(struct ipckit_uring_req *req,
			    unsigned int issue_flags)
{
	struct ipckit_thread *thread = req->thread;
	struct ipckit_proc *proc = thread->proc;
	int ret = -EIOCBQUEUED;

	spin_lock(&proc->inner_lock);
	if (thread->uring) {
		ret = -EBUSY;
	} else if (thread->is_dead) {
		ret = -ECANCELED;
	} else if (ipckit_thread_has_work_ilocked(thread)) {
		ret = -EAGAIN;
	} else {
		thread->uring = req;
		thread->looper |= IPCKIT_LOOPER_POLL;
		atomic_set(&req->state, IPCKIT_URING_ARMED);
		add_wait_queue(&thread->wait, &req->wq_thread);
		add_wait_queue(&proc->poll_wait, &req->wq_proc);
		req->hooked = true;
	}
	spin_unlock(&proc->inner_lock);
	if (ret == -EIOCBQUEUED)
		ipckit_uring_cmd_mark_cancelable(req->cmd, issue_flags);
	return ret;
}

static struct ipckit_uring_req *ipckit_uring_req_new(struct io_uring_cmd *cmd,
						     struct ipckit_thread *thread,
						     u64 ubwr,
						     const struct binder_write_read *bwr)
{
	struct ipckit_uring_req *req = kzalloc(sizeof(*req), GFP_KERNEL);

	if (!req)
		return NULL;
	req->cmd = cmd;
	refcount_inc(&thread->refs);
	req->thread = thread;
	get_task_struct(current);
	req->task = current;
	req->ubwr = ubwr;
	req->bwr = *bwr;
	atomic_set(&req->state, IPCKIT_URING_INIT);
	init_waitqueue_func_entry(&req->wq_thread, ipckit_uring_wake);
	req->wq_thread.private = req;
	init_waitqueue_func_entry(&req->wq_proc, ipckit_uring_wake);
	req->wq_proc.private = req;
	INIT_LIST_HEAD(&req->link);
	*ipckit_uring_pdu(cmd) = req;
	return req;
}

/* Free a request that never became pending. */
static void ipckit_uring_req_free(struct ipckit_uring_req *req)
{
	put_task_struct(req->task);
	ipckit_thread_put(req->thread);
	kfree(req);
}

/* As the end of an ioctl: a new or flushed thread's one return is done. */
static void ipckit_uring_returned(struct ipckit_thread *thread)
{
	spin_lock(&thread->proc->inner_lock);
	thread->looper_need_return = false;
	spin_unlock(&thread->proc->inner_lock);
}

static int ipckit_uring_issue(struct io_uring_cmd *cmd,
			      struct ipckit_thread *thread, u64 ubwr,
			      unsigned int issue_flags)
{
	struct binder_write_read __user *uptr = u64_to_user_ptr(ubwr);
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_uring_req *req;
	struct binder_write_read bwr;
	int ret;

	if (copy_from_user(&bwr, uptr, sizeof(bwr)))
		return -EFAULT;
	if (bwr.read_size) {
		/* Refused before the write: the command has no effect. */
		spin_lock(&proc->inner_lock);
		ret = thread->uring ? -EBUSY : 0;
		spin_unlock(&proc->inner_lock);
		if (ret)
			return ret;
	}
	ret = ipckit_thread_bwr_write(thread, &bwr);
	if (ret < 0)
		goto out;
	for (;;) {
		ret = ipckit_thread_bwr_read(thread, &bwr, true);
		if (ret != -EAGAIN)
			break;
		/* write_consumed goes back before the command can complete. */
		if (copy_to_user(uptr, &bwr, sizeof(bwr)))
			return -EFAULT;
		req = ipckit_uring_req_new(cmd, thread, ubwr, &bwr);
		if (!req)
			return -ENOMEM;
		ipckit_uring_track(req);
		ret = ipckit_uring_arm(req, issue_flags);
		if (ret == -EIOCBQUEUED) {
			ipckit_stat_inc(proc->ctx, IPCKIT_STAT_URING_PENDING);
			return ret;
		}
		spin_lock(&ipckit_uring_lock);
		list_del(&req->link);
		spin_unlock(&ipckit_uring_lock);
		ipckit_uring_req_free(req);
		if (ret != -EAGAIN)
			return ret;
	}
out:
	if (copy_to_user(uptr, &bwr, sizeof(bwr)))
		return -EFAULT;
	return ret;
}

/*
 * Work arrived (or a spurious wakeup): in the submitter's context, read
 * without blocking and complete, or wait again. io_uring's fallback work
 * runs this from a kworker when the task is exiting: then, as when the
 * submitter is exiting, in exec, gone from the driver or losing its ring,
 * the command ends with -ECANCELED and user memory is not touched.
 */
static void ipckit_uring_task_cb(struct io_uring_cmd *cmd,
				 unsigned int issue_flags)
{
	struct ipckit_uring_req *req = *ipckit_uring_pdu(cmd);
	struct ipckit_thread *thread = req->thread;
	struct ipckit_proc *proc = thread->proc;
	struct binder_write_read bwr;
	bool requeue = false;
	int ret;

	atomic_set(&req->state, IPCKIT_URING_RUNNING);
	if (current != req->task || ipckit_uring_orphaned(req) ||
	    READ_ONCE(thread->is_dead)) {
		ipckit_uring_finish(req, -ECANCELED, issue_flags);
		return;
	}

	bwr = req->bwr;
	ret = ipckit_thread_bwr_read(thread, &bwr, true);
	if (ret != -EAGAIN) {
		ipckit_uring_returned(thread);
		if (copy_to_user(u64_to_user_ptr(req->ubwr), &bwr, sizeof(bwr)))
			ret = -EFAULT;
		ipckit_uring_finish(req, ret, issue_flags);
		return;
	}

	/* Nothing after all: wait again, unless work came meanwhile. */
	spin_lock(&proc->inner_lock);
	if (thread->is_dead) {
		spin_unlock(&proc->inner_lock);
		ipckit_uring_finish(req, -ECANCELED, issue_flags);
		return;
	}
	atomic_set(&req->state, IPCKIT_URING_ARMED);
	if (ipckit_thread_has_work_ilocked(thread) &&
	    atomic_cmpxchg(&req->state, IPCKIT_URING_ARMED,
			   IPCKIT_URING_QUEUED) == IPCKIT_URING_ARMED)
		requeue = true;
	spin_unlock(&proc->inner_lock);
	/* ARMED: a teardown may complete and free @req from here on. */
	if (requeue)
		io_uring_cmd_complete_in_task(cmd, ipckit_uring_task_cb);
}

/**
 * ipckit_uring_thread_release() - end a released thread's pending read
 * @thread: the thread, already marked dead
 *
 * The request leaves the thread's wait queue now (its owner frees the
 * queue); it completes with -ECANCELED here, or from its callback if
 * one is due.
 */
void ipckit_uring_thread_release(struct ipckit_thread *thread)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_uring_req *req;
	bool claimed = false;

	spin_lock(&proc->inner_lock);
	req = thread->uring;
	if (req) {
		ipckit_uring_unhook_ilocked(req);
		claimed = atomic_cmpxchg(&req->state, IPCKIT_URING_ARMED,
					 IPCKIT_URING_DONE) == IPCKIT_URING_ARMED;
	}
	spin_unlock(&proc->inner_lock);
	if (claimed)
		ipckit_uring_finish(req, -ECANCELED, IO_URING_F_UNLOCKED);
}

/* v6.7+: io_uring asks for a pending command back (exec, ring teardown). */
static void ipckit_uring_cancel(struct io_uring_cmd *cmd,
				unsigned int issue_flags)
{
	struct ipckit_uring_req *req = *ipckit_uring_pdu(cmd);

	if (atomic_cmpxchg(&req->state, IPCKIT_URING_ARMED,
			   IPCKIT_URING_DONE) != IPCKIT_URING_ARMED)
		return;
	ipckit_stat_inc(req->thread->proc->ctx, IPCKIT_STAT_URING_IO_CANCEL);
	ipckit_uring_finish(req, -ECANCELED, issue_flags);
}

/**
 * ipckit_uring_cmd() - file_operations.uring_cmd
 * @cmd:         the command
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 or a negative errno (the CQE's res), or -EIOCBQUEUED when
 * the read waits. Never -EAGAIN: io_uring would retry from an io-wq
 * worker, which is not the Binder thread.
 */
int ipckit_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	const struct ipckit_uring_write_read *p = ipckit_uring_cmd_payload(cmd);
	struct ipckit_proc *proc = cmd->file->private_data;
	struct ipckit_thread *thread;
	u32 flags, reserved;
	u64 ubwr;
	int ret;

	if (issue_flags & IPCKIT_URING_F_CANCEL) {
		ipckit_uring_cancel(cmd, issue_flags);
		return 0;
	}
	ipckit_stat_inc(proc->ctx, IPCKIT_STAT_URING_CMD);
	if (cmd->cmd_op != IPCKIT_URING_CMD_WRITE_READ)
		return -EINVAL;
	ubwr = READ_ONCE(p->bwr);
	flags = READ_ONCE(p->flags);
	reserved = READ_ONCE(p->reserved);
	if (flags || reserved)
		return -EINVAL;
	/* io-wq (IOSQE_ASYNC, a punt) and SQPOLL: not the Binder thread. */
	if (current->flags & PF_IO_WORKER) {
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "%s: pid %d: uring_cmd from an io_uring worker or SQPOLL thread refused\n",
				    proc->ctx->name, task_tgid_nr(current));
		return -EOPNOTSUPP;
	}

	thread = ipckit_thread_get_current(proc);
	if (!thread)
		return -ENOMEM;
	ret = ipckit_uring_issue(cmd, thread, ubwr, issue_flags);
	if (ret != -EIOCBQUEUED)
		ipckit_uring_returned(thread);
	ipckit_thread_put(thread);
	/* Never -EAGAIN (see above): a read that would block pends. */
	if (WARN_ON_ONCE(ret == -EAGAIN))
		ret = -EIO;
	return ret;
}

/* Module exit: no file is open, so no request is pending. */
void ipckit_uring_exit(void)
{
	cancel_delayed_work_sync(&ipckit_uring_watch_work);
	WARN_ON(!list_empty(&ipckit_uring_reqs));
}
