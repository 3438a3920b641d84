// SPDX-License-Identifier: GPL-2.0
/*
 * Threads: looper states, work queues, and the two halves of
 * BINDER_WRITE_READ (the BC_ command loop and the BR_ reader).
 *
 * Locking: see internal.h. Everything a thread owns is guarded by its
 * proc's inner_lock; it is dropped around every user copy and sleep.
 */
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/ratelimit.h>
#include <linux/sched/prio.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "internal.h"

/*
 * Protocol misuse by userspace: one ratelimited line naming the device,
 * process and thread, the way the reference's binder_user_error() does.
 */
void ipckit_user_error(const struct ipckit_thread *thread, const char *fmt, ...)
{
	static DEFINE_RATELIMIT_STATE(rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);
	struct va_format vaf;
	va_list args;

	if (!__ratelimit(&rs))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info(IPCKIT_LOG_PREFIX "%s: %d:%d %pV", thread->proc->ctx->name,
		thread->proc->pid, thread->pid, &vaf);
	va_end(args);
}

/*
 * Priority inheritance, as the reference's binder_set_nice(): the nice
 * value asked for, or the best RLIMIT_NICE allows.
 */
void ipckit_set_nice(long nice)
{
	long min_nice;

	/* Most calls change nothing: spare can_nice()'s capability check. */
	if (task_nice(current) == nice)
		return;
	if (can_nice(current, nice)) {
		set_user_nice(current, nice);
		return;
	}
	min_nice = rlimit_to_nice(rlimit(RLIMIT_NICE));
	set_user_nice(current, min_nice);
	if (min_nice <= MAX_NICE)
		return;
	pr_info_ratelimited(IPCKIT_LOG_PREFIX "%d: RLIMIT_NICE not set\n",
			    current->pid);
}

static struct ipckit_thread *ipckit_thread_lookup_ilocked(struct ipckit_proc *proc,
							  pid_t pid)
{
	struct rb_node *n = proc->threads.rb_node;

	while (n) {
		struct ipckit_thread *thread = rb_entry(n, struct ipckit_thread,
							rb_node);

		if (pid < thread->pid)
			n = n->rb_left;
		else if (pid > thread->pid)
			n = n->rb_right;
		else
			return thread;
	}
	return NULL;
}

static void ipckit_thread_insert_ilocked(struct ipckit_proc *proc,
					 struct ipckit_thread *thread)
{
	struct rb_node **p = &proc->threads.rb_node, *parent = NULL;

	while (*p) {
		struct ipckit_thread *t = rb_entry(*p, struct ipckit_thread,
						   rb_node);

		parent = *p;
		p = thread->pid < t->pid ? &(*p)->rb_left : &(*p)->rb_right;
	}
	rb_link_node(&thread->rb_node, parent, p);
	rb_insert_color(&thread->rb_node, &proc->threads);
}

/**
 * ipckit_thread_get_current() - find or create current's thread
 * @proc: the process whose file current is using
 *
 * Return: the thread with a reference for the caller, or NULL on -ENOMEM.
 */
struct ipckit_thread *ipckit_thread_get_current(struct ipckit_proc *proc)
{
	struct ipckit_thread *thread, *new;

	spin_lock(&proc->inner_lock);
	thread = ipckit_thread_lookup_ilocked(proc, current->pid);
	if (thread)
		refcount_inc(&thread->refs);
	spin_unlock(&proc->inner_lock);
	if (thread)
		return thread;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return NULL;
	new->proc = proc;
	new->pid = current->pid;
	refcount_set(&new->refs, 2);	/* the proc's list and the caller */
	INIT_LIST_HEAD(&new->waiting_link);
	INIT_LIST_HEAD(&new->todo);
	init_waitqueue_head(&new->wait);
	new->return_error.work.type = IPCKIT_WORK_RETURN_ERROR;
	new->return_error.cmd = BR_OK;
	new->reply_error.work.type = IPCKIT_WORK_RETURN_ERROR;
	new->reply_error.cmd = BR_OK;
	new->ee.command = BR_OK;
	/* A new thread's first read returns at once, as the reference. */
	new->looper_need_return = true;

	spin_lock(&proc->inner_lock);
	thread = ipckit_thread_lookup_ilocked(proc, current->pid);
	if (thread) {
		refcount_inc(&thread->refs);
	} else {
		ipckit_proc_get(proc);
		ipckit_thread_insert_ilocked(proc, new);
		ipckit_obj_created(proc->ctx, IPCKIT_OBJ_THREAD);
		thread = new;
		new = NULL;
	}
	spin_unlock(&proc->inner_lock);
	kfree(new);
	return thread;
}

void ipckit_thread_put(struct ipckit_thread *thread)
{
	struct ipckit_proc *proc = thread->proc;

	if (!refcount_dec_and_test(&thread->refs))
		return;
	ipckit_obj_deleted(proc->ctx, IPCKIT_OBJ_THREAD);
	kfree(thread);
	ipckit_proc_put(proc);
}

/*
 * Work for the thread alone. A thread that polls and queues work for
 * itself (its reply's BR_TRANSACTION_COMPLETE) is woken too: its epoll
 * learns of readiness only through a wakeup, as in the reference.
 */
void ipckit_enqueue_thread_work_ilocked(struct ipckit_thread *thread,
					struct ipckit_work *work)
{
	list_add_tail(&work->entry, &thread->todo);
	if ((thread->looper & IPCKIT_LOOPER_POLL) &&
	    thread->pid == current->pid && !thread->process_todo)
		wake_up_interruptible_sync(&thread->wait);
	thread->process_todo = true;
}

/*
 * A sync sender's BR_TRANSACTION_COMPLETE waits in its todo until the
 * reply arrives, so both come back from one read, as the reference.
 */
void ipckit_enqueue_deferred_thread_work_ilocked(struct ipckit_thread *thread,
						 struct ipckit_work *work)
{
	list_add_tail(&work->entry, &thread->todo);
}

/* Queue a BR_ error code for @thread (its own error slot @err). */
void ipckit_queue_error(struct ipckit_thread *thread,
			struct ipckit_error *err, u32 cmd)
{
	struct ipckit_proc *proc = thread->proc;

	spin_lock(&proc->inner_lock);
	if (thread->is_dead || err->cmd != BR_OK) {
		spin_unlock(&proc->inner_lock);
		return;
	}
	err->cmd = cmd;
	ipckit_enqueue_thread_work_ilocked(thread, &err->work);
	spin_unlock(&proc->inner_lock);
	wake_up_interruptible(&thread->wait);
}

/*
 * The idle thread that waited last, taken off @waiting_threads (it will
 * be woken, so no other work picks it too), or NULL.
 */
static struct ipckit_thread *
ipckit_proc_take_waiter_ilocked(struct ipckit_proc *proc)
{
	struct ipckit_thread *thread;

	thread = list_first_entry_or_null(&proc->waiting_threads,
					  struct ipckit_thread, waiting_link);
	if (thread)
		list_del_init(&thread->waiting_link);
	return thread;
}

/**
 * ipckit_proc_wakeup_ilocked() - wake a thread for new process work
 * @proc: the process whose @todo just got work
 * @sync: the waker is about to sleep (a synchronous call)
 *
 * The idle thread that waited last is taken off @waiting_threads and
 * woken, as the reference does; if none waits, threads that poll while
 * free for process work are (they wait on @poll_wait, so this is O(1)).
 */
void ipckit_proc_wakeup_ilocked(struct ipckit_proc *proc, bool sync)
{
	struct ipckit_thread *thread = ipckit_proc_take_waiter_ilocked(proc);

	if (thread) {
		if (sync)
			wake_up_interruptible_sync(&thread->wait);
		else
			wake_up_interruptible(&thread->wait);
		return;
	}
	if (sync)
		wake_up_interruptible_sync(&proc->poll_wait);
	else
		wake_up_interruptible(&proc->poll_wait);
}

/**
 * ipckit_proc_queue_call_ilocked() - hand a transaction to a process
 * @proc:   the receiving process
 * @thread: a specific thread (nested call-backs) or NULL
 * @work:   the transaction's work item
 *
 * Without a thread the work stays on @proc->todo, where any thread free
 * for process work finds it: work is never moved to one thread's own
 * queue, where it would be lost if that thread exited. The thread to
 * wake is chosen here, under the lock (the idle one that waited last is
 * taken off @waiting_threads, as the reference does), and woken by
 * ipckit_proc_wake_call() after the caller unlocked: woken on another
 * CPU, it takes @inner_lock at once, and would otherwise spin until the
 * waker let go (the reference wakes under the lock and pays that).
 *
 * Return: the thread to wake, with a reference, or NULL to wake the
 * threads that poll while free for process work.
 */
struct ipckit_thread *ipckit_proc_queue_call_ilocked(struct ipckit_proc *proc,
						     struct ipckit_thread *thread,
						     struct ipckit_work *work)
{
	if (thread) {
		ipckit_enqueue_thread_work_ilocked(thread, work);
	} else {
		list_add_tail(&work->entry, &proc->todo);
		thread = ipckit_proc_take_waiter_ilocked(proc);
		if (!thread)
			return NULL;
	}
	refcount_inc(&thread->refs);
	return thread;
}

/**
 * ipckit_proc_wake_call() - wake whom ipckit_proc_queue_call_ilocked() chose
 * @proc:   the receiving process (the caller holds a reference)
 * @thread: its return value; its reference is dropped
 * @sync:   the sender will sleep until the reply (a synchronous call)
 *
 * Called without locks. A synchronous call wakes with WF_SYNC, as the
 * reference and a pipe do: the waker is about to sleep, so the scheduler
 * may run the receiver where the sender ran. A thread that took the
 * work meanwhile (a signal woke it) gets a spurious wakeup, which its
 * wait loop absorbs.
 */
void ipckit_proc_wake_call(struct ipckit_proc *proc,
			   struct ipckit_thread *thread, bool sync)
{
	wait_queue_head_t *wq = thread ? &thread->wait : &proc->poll_wait;

	if (sync)
		wake_up_interruptible_sync(wq);
	else
		wake_up_interruptible(wq);
	if (thread)
		ipckit_thread_put(thread);
}

/**
 * ipckit_proc_queue_work_ilocked() - hand other work to a process
 * @proc:   the receiving process
 * @thread: a specific thread or NULL
 * @work:   the item (node, death, freeze and error work)
 *
 * As ipckit_proc_queue_call_ilocked(), but woken at once, under the
 * lock, with a plain wakeup: nobody waits for this work to be done, and
 * it is rare next to transactions.
 */
void ipckit_proc_queue_work_ilocked(struct ipckit_proc *proc,
				    struct ipckit_thread *thread,
				    struct ipckit_work *work)
{
	if (thread) {
		ipckit_enqueue_thread_work_ilocked(thread, work);
		wake_up_interruptible(&thread->wait);
		return;
	}
	list_add_tail(&work->entry, &proc->todo);
	ipckit_proc_wakeup_ilocked(proc, false);
}

static bool ipckit_has_work_ilocked(struct ipckit_thread *thread,
				    bool do_proc_work)
{
	return thread->process_todo || thread->looper_need_return ||
	       (do_proc_work && !list_empty(&thread->proc->todo));
}

/*
 * A thread with no call in progress and nothing of its own serves the
 * pool, looper or not (as the reference, which only complains about the
 * latter).
 */
static bool ipckit_available_for_proc_work_ilocked(struct ipckit_thread *thread)
{
	return !thread->transaction_stack && list_empty(&thread->todo);
}

/* What poll() reports as readable: a read would not wait. */
bool ipckit_thread_has_work_ilocked(struct ipckit_thread *thread)
{
	return ipckit_has_work_ilocked(thread,
				       ipckit_available_for_proc_work_ilocked(thread));
}

static int ipckit_wait_for_work(struct ipckit_thread *thread,
				bool do_proc_work)
{
	struct ipckit_proc *proc = thread->proc;
	DEFINE_WAIT(wait);
	int ret = 0;

	spin_lock(&proc->inner_lock);
	for (;;) {
		/* Freezable: suspend and the cgroup freezer leave it asleep. */
		prepare_to_wait(&thread->wait, &wait,
				TASK_INTERRUPTIBLE | IPCKIT_TASK_FREEZABLE);
		if (ipckit_has_work_ilocked(thread, do_proc_work))
			break;
		if (do_proc_work)
			list_add(&thread->waiting_link, &proc->waiting_threads);
		spin_unlock(&proc->inner_lock);
		schedule();
		spin_lock(&proc->inner_lock);
		list_del_init(&thread->waiting_link);
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	finish_wait(&thread->wait, &wait);
	spin_unlock(&proc->inner_lock);
	return ret;
}

/**
 * ipckit_thread_poll() - poll()/epoll on the device for one thread
 * @thread: the polling thread
 * @file:   the device file
 * @wait:   the poll table
 *
 * Readable, as in the reference, when the thread has work of its own
 * that is not deferred (a synchronous caller's BR_TRANSACTION_COMPLETE
 * waits for the reply), or when it is free for process work (no call in
 * progress, nothing queued of its own) and the process has some. The
 * caller waits on its own queue and on the process's @poll_wait, which
 * process work wakes when no thread is blocked in a read.
 *
 * Return: EPOLLIN or 0.
 */
__poll_t ipckit_thread_poll(struct ipckit_thread *thread, struct file *file,
			    struct poll_table_struct *wait)
{
	struct ipckit_proc *proc = thread->proc;
	__poll_t mask = 0;

	spin_lock(&proc->inner_lock);
	thread->looper |= IPCKIT_LOOPER_POLL;
	spin_unlock(&proc->inner_lock);

	poll_wait(file, &thread->wait, wait);
	poll_wait(file, &proc->poll_wait, wait);

	spin_lock(&proc->inner_lock);
	if (ipckit_thread_has_work_ilocked(thread))
		mask = EPOLLIN;
	spin_unlock(&proc->inner_lock);
	return mask;
}

/* Copy one BR_ transaction to userspace; @t stays ours on -EFAULT. */
static int ipckit_put_transaction(struct ipckit_thread *thread,
				  struct ipckit_transaction *t,
				  void __user **ptr)
{
	struct binder_transaction_data_secctx trs = {};
	struct binder_transaction_data *tr = &trs.transaction_data;
	size_t trsize = sizeof(*tr);
	struct ipckit_buffer *buffer = t->buffer;
	struct ipckit_thread *from;
	u32 cmd;

	if (buffer->target_node) {
		struct ipckit_node *node = buffer->target_node;

		tr->target.ptr = node->ptr;
		tr->cookie = node->cookie;
		cmd = BR_TRANSACTION;
		/*
		 * A synchronous call runs at the caller's nice value, but
		 * not below the node's minimum; the reply restores ours.
		 */
		t->saved_priority = task_nice(current);
		if (t->priority < node->min_priority &&
		    !(t->flags & TF_ONE_WAY))
			ipckit_set_nice(t->priority);
		else if (!(t->flags & TF_ONE_WAY) ||
			 t->saved_priority > node->min_priority)
			ipckit_set_nice(node->min_priority);
	} else {
		cmd = BR_REPLY;
	}
	tr->code = t->code;
	tr->flags = t->flags;
	tr->sender_euid = from_kuid(current_user_ns(), t->sender_euid);

	spin_lock(&t->lock);
	from = t->from;
	if (from)
		refcount_inc(&from->refs);
	spin_unlock(&t->lock);
	if (from) {
		tr->sender_pid = task_tgid_nr_ns(from->proc->tsk,
						 task_active_pid_ns(current));
		ipckit_thread_put(from);
	}

	tr->data_size = buffer->data_size;
	tr->offsets_size = buffer->offsets_size;
	tr->data.ptr.buffer = buffer->user_data;
	tr->data.ptr.offsets = buffer->user_data +
			       ALIGN(buffer->data_size, sizeof(u64));

	trs.secctx = t->security_ctx;
	if (t->security_ctx) {
		cmd = BR_TRANSACTION_SEC_CTX;
		trsize = sizeof(trs);
	}
	if (put_user(cmd, (u32 __user *)*ptr))
		return -EFAULT;
	*ptr += sizeof(u32);
	if (copy_to_user(*ptr, &trs, trsize))
		return -EFAULT;
	*ptr += trsize;
	ipckit_stat_br(thread->proc->ctx, cmd);
	return 0;
}

static int ipckit_thread_read(struct ipckit_thread *thread,
			      binder_uintptr_t ubuf, binder_size_t size,
			      binder_size_t *consumed, bool non_block)
{
	struct ipckit_proc *proc = thread->proc;
	void __user *buffer = u64_to_user_ptr(ubuf);
	void __user *ptr = buffer + *consumed;
	void __user *end = buffer + size;
	bool do_proc_work;
	int ret = 0;

	if (*consumed == 0) {
		if (put_user(BR_NOOP, (u32 __user *)ptr))
			return -EFAULT;
		ptr += sizeof(u32);
		ipckit_stat_br(proc->ctx, BR_NOOP);
	}

retry:
	spin_lock(&proc->inner_lock);
	do_proc_work = ipckit_available_for_proc_work_ilocked(thread);
	thread->looper |= IPCKIT_LOOPER_WAITING;
	if (non_block && !ipckit_has_work_ilocked(thread, do_proc_work))
		ret = -EAGAIN;
	spin_unlock(&proc->inner_lock);
	/* Serving the pool again: back to the process's own priority. */
	if (do_proc_work)
		ipckit_set_nice(proc->default_priority);

	if (!ret && !non_block)
		ret = ipckit_wait_for_work(thread, do_proc_work);

	spin_lock(&proc->inner_lock);
	thread->looper &= ~IPCKIT_LOOPER_WAITING;
	spin_unlock(&proc->inner_lock);
	if (ret)
		return ret;

	for (;;) {
		struct ipckit_transaction *t;
		struct ipckit_error *err;
		struct list_head *list;
		struct ipckit_work *w;
		bool delivered = false;
		u32 cmd;

		spin_lock(&proc->inner_lock);
		if (!list_empty(&thread->todo)) {
			list = &thread->todo;
		} else if (!list_empty(&proc->todo) && do_proc_work) {
			list = &proc->todo;
		} else {
			spin_unlock(&proc->inner_lock);
			/* Nothing but BR_NOOP so far: wait again. */
			if (ptr - buffer == sizeof(u32) &&
			    !thread->looper_need_return)
				goto retry;
			break;
		}
		/* Room for the largest BR_ record, as the reference asks. */
		if (end - ptr < sizeof(struct binder_transaction_data_secctx) +
				sizeof(u32)) {
			spin_unlock(&proc->inner_lock);
			break;
		}
		w = list_first_entry(list, struct ipckit_work, entry);
		list_del_init(&w->entry);
		if (list_empty(&thread->todo))
			thread->process_todo = false;

		switch (w->type) {
		case IPCKIT_WORK_TRANSACTION_COMPLETE:
		case IPCKIT_WORK_ONEWAY_SPAM_SUSPECT:
		case IPCKIT_WORK_TRANSACTION_PENDING:
			cmd = BR_TRANSACTION_COMPLETE;
			if (w->type == IPCKIT_WORK_ONEWAY_SPAM_SUSPECT &&
			    proc->oneway_spam_detection)
				cmd = BR_ONEWAY_SPAM_SUSPECT;
			else if (w->type == IPCKIT_WORK_TRANSACTION_PENDING)
				cmd = BR_TRANSACTION_PENDING_FROZEN;
			spin_unlock(&proc->inner_lock);
			kfree(w);
			if (put_user(cmd, (u32 __user *)ptr))
				return -EFAULT;
			ptr += sizeof(u32);
			ipckit_stat_br(proc->ctx, cmd);
			break;
		case IPCKIT_WORK_RETURN_ERROR:
			err = container_of(w, struct ipckit_error, work);
			cmd = err->cmd;
			err->cmd = BR_OK;
			spin_unlock(&proc->inner_lock);
			if (put_user(cmd, (u32 __user *)ptr))
				return -EFAULT;
			ptr += sizeof(u32);
			ipckit_stat_br(proc->ctx, cmd);
			break;
		case IPCKIT_WORK_NODE: {
			struct ipckit_node *node =
				container_of(w, struct ipckit_node, work);
			struct binder_ptr_cookie pc;
			u32 cmds[2];
			bool forget;
			int i;

			forget = ipckit_node_take_work_ilocked(node, &pc, cmds);
			spin_unlock(&proc->inner_lock);
			if (forget)
				ipckit_node_free_unlocked(node);
			for (i = 0; i < 2 && cmds[i]; i++) {
				if (put_user(cmds[i], (u32 __user *)ptr))
					return -EFAULT;
				ptr += sizeof(u32);
				if (copy_to_user(ptr, &pc, sizeof(pc)))
					return -EFAULT;
				ptr += sizeof(pc);
				ipckit_stat_br(proc->ctx, cmds[i]);
			}
			break;
		}
		case IPCKIT_WORK_DEAD_BINDER:
		case IPCKIT_WORK_DEAD_BINDER_AND_CLEAR:
		case IPCKIT_WORK_CLEAR_DEATH_NOTIFICATION: {
			struct ipckit_death *death =
				container_of(w, struct ipckit_death, work);
			binder_uintptr_t cookie = death->cookie;

			if (w->type == IPCKIT_WORK_CLEAR_DEATH_NOTIFICATION) {
				cmd = BR_CLEAR_DEATH_NOTIFICATION_DONE;
				spin_unlock(&proc->inner_lock);
				kfree(death);	/* cleared: nothing points at it */
			} else {
				/* Kept until BC_DEAD_BINDER_DONE. */
				cmd = BR_DEAD_BINDER;
				list_add_tail(&w->entry, &proc->delivered_death);
				spin_unlock(&proc->inner_lock);
				/* Handling a death may start calls: stop here. */
				delivered = true;
			}
			if (put_user(cmd, (u32 __user *)ptr))
				return -EFAULT;
			ptr += sizeof(u32);
			if (put_user(cookie, (binder_uintptr_t __user *)ptr))
				return -EFAULT;
			ptr += sizeof(binder_uintptr_t);
			ipckit_stat_br(proc->ctx, cmd);
			break;
		}
		case IPCKIT_WORK_FROZEN_BINDER: {
			struct ipckit_freeze_note *note =
				container_of(w, struct ipckit_freeze_note, work);
			struct binder_frozen_state_info info = {
				.cookie = note->cookie,
				.is_frozen = note->is_frozen,
			};

			/* Kept until BC_FREEZE_NOTIFICATION_DONE. */
			note->sent = true;
			list_add_tail(&w->entry, &proc->delivered_freeze);
			spin_unlock(&proc->inner_lock);
			if (put_user(BR_FROZEN_BINDER, (u32 __user *)ptr))
				return -EFAULT;
			ptr += sizeof(u32);
			if (copy_to_user(ptr, &info, sizeof(info)))
				return -EFAULT;
			ptr += sizeof(info);
			ipckit_stat_br(proc->ctx, BR_FROZEN_BINDER);
			/* Handling a state change may start calls: stop here. */
			delivered = true;
			break;
		}
		case IPCKIT_WORK_CLEAR_FREEZE_NOTIFICATION: {
			struct ipckit_freeze_note *note =
				container_of(w, struct ipckit_freeze_note, work);
			binder_uintptr_t cookie = note->cookie;

			spin_unlock(&proc->inner_lock);
			/* Cleared: nothing points at it. */
			ipckit_freeze_note_free(proc->ctx, note);
			if (put_user(BR_CLEAR_FREEZE_NOTIFICATION_DONE,
				     (u32 __user *)ptr))
				return -EFAULT;
			ptr += sizeof(u32);
			if (put_user(cookie, (binder_uintptr_t __user *)ptr))
				return -EFAULT;
			ptr += sizeof(binder_uintptr_t);
			ipckit_stat_br(proc->ctx, BR_CLEAR_FREEZE_NOTIFICATION_DONE);
			break;
		}
		case IPCKIT_WORK_TRANSACTION:
			spin_unlock(&proc->inner_lock);
			t = container_of(w, struct ipckit_transaction, work);
			if (ipckit_apply_fd_fixups(t)) {
				/* The caller learns; a reader of a reply too. */
				bool was_reply = t->is_reply;

				ipckit_transaction_undeliverable(t, false);
				if (!was_reply)
					continue;
				if (put_user(BR_FAILED_REPLY, (u32 __user *)ptr))
					return -EFAULT;
				ptr += sizeof(u32);
				ipckit_stat_br(proc->ctx, BR_FAILED_REPLY);
				delivered = true;	/* the call is over */
				break;
			}
			if (ipckit_put_transaction(thread, t, &ptr)) {
				ipckit_transaction_undeliverable(t, true);
				return -EFAULT;
			}
			ipckit_alloc_buffer_delivered(&proc->alloc, t->buffer);
			t->delivered = true;
			delivered = true;
			spin_lock(&proc->inner_lock);
			if (!t->is_reply && !(t->flags & TF_ONE_WAY)) {
				/* The reply will find the caller through us. */
				t->to_parent = thread->transaction_stack;
				spin_lock(&t->lock);
				t->to_thread = thread;
				spin_unlock(&t->lock);
				thread->transaction_stack = t;
				spin_unlock(&proc->inner_lock);
			} else {
				spin_unlock(&proc->inner_lock);
				ipckit_transaction_free(t);
			}
			break;
		default:
			spin_unlock(&proc->inner_lock);
			WARN_ONCE(1, "ipckit: unknown work type %d\n", w->type);
			break;
		}
		/* One transaction per read, as the reference. */
		if (delivered)
			break;
	}

	*consumed = ptr - buffer;
	spin_lock(&proc->inner_lock);
	if (proc->requested_threads == 0 &&
	    list_empty(&proc->waiting_threads) &&
	    proc->requested_threads_started < proc->max_threads &&
	    (thread->looper & (IPCKIT_LOOPER_REGISTERED |
			       IPCKIT_LOOPER_ENTERED))) {
		proc->requested_threads++;
		spin_unlock(&proc->inner_lock);
		/* Replaces the leading BR_NOOP, as the reference. */
		if (put_user(BR_SPAWN_LOOPER, (u32 __user *)buffer))
			return -EFAULT;
		ipckit_stat_br(proc->ctx, BR_SPAWN_LOOPER);
	} else {
		spin_unlock(&proc->inner_lock);
	}
	return 0;
}

static int ipckit_cmd_looper(struct ipckit_thread *thread, u32 cmd)
{
	struct ipckit_proc *proc = thread->proc;
	const char *bad = NULL;

	spin_lock(&proc->inner_lock);
	switch (cmd) {
	case BC_REGISTER_LOOPER:
		if (thread->looper & IPCKIT_LOOPER_ENTERED) {
			bad = "BC_REGISTER_LOOPER after BC_ENTER_LOOPER";
		} else if (proc->requested_threads == 0) {
			bad = "BC_REGISTER_LOOPER without BR_SPAWN_LOOPER";
		} else {
			proc->requested_threads--;
			proc->requested_threads_started++;
		}
		thread->looper |= IPCKIT_LOOPER_REGISTERED;
		break;
	case BC_ENTER_LOOPER:
		if (thread->looper & IPCKIT_LOOPER_REGISTERED)
			bad = "BC_ENTER_LOOPER after BC_REGISTER_LOOPER";
		thread->looper |= IPCKIT_LOOPER_ENTERED;
		break;
	case BC_EXIT_LOOPER:
		thread->looper |= IPCKIT_LOOPER_EXITED;
		break;
	}
	if (bad)
		thread->looper |= IPCKIT_LOOPER_INVALID;
	spin_unlock(&proc->inner_lock);
	if (bad)
		ipckit_user_error(thread, "%s\n", bad);
	return 0;
}

static void ipckit_cmd_free_buffer(struct ipckit_thread *thread,
				   binder_uintptr_t data_ptr)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_buffer *buffer;

	buffer = ipckit_alloc_prepare_to_free(&proc->alloc, data_ptr);
	if (IS_ERR_OR_NULL(buffer)) {
		/* The reference logs and carries on; so do we. */
		ipckit_user_error(thread, "BC_FREE_BUFFER %016llx: %s\n", (u64)data_ptr,
				  buffer ? "buffer not delivered or already being freed" :
					   "no such buffer");
		return;
	}
	ipckit_release_buffer_fds(proc, buffer);
	ipckit_transaction_free_buffer(proc, buffer);
}

/*
 * BC_INCREFS/BC_ACQUIRE/BC_RELEASE/BC_DECREFS, as the reference. While
 * there is a context manager, handle 0 always names its node: a process
 * without the handle gets it by taking a reference. Any other strong
 * change needs a handle held strongly already. Misuse is logged and
 * ignored, except the context manager taking handle 0 itself, the one
 * misuse the reference fails the write for.
 */
static int ipckit_cmd_ref(struct ipckit_thread *thread, u32 cmd, u32 handle)
{
	bool strong = cmd == BC_ACQUIRE || cmd == BC_RELEASE;
	bool increment = cmd == BC_INCREFS || cmd == BC_ACQUIRE;
	struct ipckit_proc *proc = thread->proc;
	u32 desc = handle;
	int ret = -1;

	if (increment && !handle) {
		struct ipckit_node *mgr = ipckit_context_get_mgr(proc->ctx);

		if (mgr && READ_ONCE(mgr->proc) == proc) {
			ipckit_node_put(mgr);
			ipckit_user_error(thread, "context manager tried to take handle 0\n");
			return -EINVAL;
		}
		if (mgr) {
			ret = ipckit_ref_inc_for_node(proc, mgr, strong, NULL,
						      &desc);
			ipckit_node_put(mgr);
		}
	}
	if (ret)
		ret = ipckit_ref_update(proc, handle, increment, strong);
	if (!ret && desc != handle)
		ipckit_user_error(thread, "reference on handle %u made handle %u instead\n",
				  handle, desc);
	if (ret)
		ipckit_user_error(thread, "%s on handle %u not held (or not strongly): %d\n",
				  cmd == BC_INCREFS ? "BC_INCREFS" :
				  cmd == BC_ACQUIRE ? "BC_ACQUIRE" :
				  cmd == BC_RELEASE ? "BC_RELEASE" : "BC_DECREFS",
				  handle, ret);
	return 0;
}

static int ipckit_thread_write(struct ipckit_thread *thread,
			       binder_uintptr_t ubuf, binder_size_t size,
			       binder_size_t *consumed)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_context *ctx = proc->ctx;
	void __user *buffer = u64_to_user_ptr(ubuf);
	void __user *ptr = buffer + *consumed;
	void __user *end = buffer + size;

	while (ptr < end && thread->return_error.cmd == BR_OK) {
		u32 cmd;

		if (get_user(cmd, (u32 __user *)ptr))
			return -EFAULT;
		ptr += sizeof(u32);
		if (_IOC_NR(cmd) < IPCKIT_BC_COUNT)
			atomic64_inc(&ctx->bc[_IOC_NR(cmd)]);

		switch (cmd) {
		case BC_TRANSACTION:
		case BC_REPLY: {
			struct binder_transaction_data tr;

			if (copy_from_user(&tr, ptr, sizeof(tr)))
				return -EFAULT;
			ptr += sizeof(tr);
			ipckit_transaction_send(thread, &tr, cmd == BC_REPLY, 0);
			break;
		}
		case BC_TRANSACTION_SG:
		case BC_REPLY_SG: {
			struct binder_transaction_data_sg tr;

			if (copy_from_user(&tr, ptr, sizeof(tr)))
				return -EFAULT;
			ptr += sizeof(tr);
			ipckit_transaction_send(thread, &tr.transaction_data,
						cmd == BC_REPLY_SG,
						tr.buffers_size);
			break;
		}
		case BC_FREE_BUFFER: {
			binder_uintptr_t data_ptr;

			if (get_user(data_ptr, (binder_uintptr_t __user *)ptr))
				return -EFAULT;
			ptr += sizeof(binder_uintptr_t);
			ipckit_cmd_free_buffer(thread, data_ptr);
			break;
		}
		case BC_REGISTER_LOOPER:
		case BC_ENTER_LOOPER:
		case BC_EXIT_LOOPER:
			ipckit_cmd_looper(thread, cmd);
			break;
		case BC_REQUEST_DEATH_NOTIFICATION:
		case BC_CLEAR_DEATH_NOTIFICATION: {
			struct binder_handle_cookie hc;
			int ret;

			if (copy_from_user(&hc, ptr, sizeof(hc)))
				return -EFAULT;
			ptr += sizeof(hc);
			ret = cmd == BC_REQUEST_DEATH_NOTIFICATION ?
			      ipckit_death_request(thread, hc.handle, hc.cookie) :
			      ipckit_death_clear(thread, hc.handle, hc.cookie);
			if (ret)
				return ret;
			break;
		}
		case BC_DEAD_BINDER_DONE: {
			binder_uintptr_t cookie;

			if (get_user(cookie, (binder_uintptr_t __user *)ptr))
				return -EFAULT;
			ptr += sizeof(cookie);
			ipckit_death_done(thread, cookie);
			break;
		}
		/* Accepted whatever kernel ipckit is built for (freeze_notify.c). */
		case BC_REQUEST_FREEZE_NOTIFICATION:
		case BC_CLEAR_FREEZE_NOTIFICATION: {
			struct binder_handle_cookie hc;
			int ret;

			if (copy_from_user(&hc, ptr, sizeof(hc)))
				return -EFAULT;
			ptr += sizeof(hc);
			ret = cmd == BC_REQUEST_FREEZE_NOTIFICATION ?
			      ipckit_freeze_note_request(thread, hc.handle, hc.cookie) :
			      ipckit_freeze_note_clear(thread, hc.handle, hc.cookie);
			if (ret)
				return ret;
			break;
		}
		case BC_FREEZE_NOTIFICATION_DONE: {
			binder_uintptr_t cookie;
			int ret;

			if (get_user(cookie, (binder_uintptr_t __user *)ptr))
				return -EFAULT;
			ptr += sizeof(cookie);
			ret = ipckit_freeze_note_done(thread, cookie);
			if (ret)
				return ret;
			break;
		}
		case BC_INCREFS:
		case BC_ACQUIRE:
		case BC_RELEASE:
		case BC_DECREFS: {
			u32 handle;

			if (get_user(handle, (u32 __user *)ptr))
				return -EFAULT;
			if (ipckit_cmd_ref(thread, cmd, handle))
				return -EINVAL;
			ptr += sizeof(handle);
			break;
		}
		case BC_INCREFS_DONE:
		case BC_ACQUIRE_DONE: {
			struct binder_ptr_cookie pc;

			if (copy_from_user(&pc, ptr, sizeof(pc)))
				return -EFAULT;
			ptr += sizeof(pc);
			ipckit_node_done(thread, cmd, pc.ptr, pc.cookie);
			break;
		}
		default:
			ipckit_user_error(thread, "unknown command %#x\n",
					  cmd);
			return -EINVAL;
		}
		*consumed = ptr - buffer;
	}
	return 0;
}

/**
 * ipckit_thread_bwr_write() - the write half of BINDER_WRITE_READ
 * @thread: the calling thread
 * @bwr:    kernel copy of the caller's struct; write_consumed is updated
 *
 * Return: 0 or a negative errno (read_consumed is then 0, as the ioctl).
 */
int ipckit_thread_bwr_write(struct ipckit_thread *thread,
			    struct binder_write_read *bwr)
{
	int ret;

	if (!bwr->write_size)
		return 0;
	ret = ipckit_thread_write(thread, bwr->write_buffer, bwr->write_size,
				  &bwr->write_consumed);
	if (ret < 0)
		bwr->read_consumed = 0;
	return ret;
}

/**
 * ipckit_thread_bwr_read() - the read half of BINDER_WRITE_READ
 * @thread:    the calling thread (current)
 * @bwr:       kernel copy of the caller's struct; read_consumed is updated
 * @non_block: return -EAGAIN instead of waiting for work
 *
 * Return: 0 or a negative errno.
 */
int ipckit_thread_bwr_read(struct ipckit_thread *thread,
			   struct binder_write_read *bwr, bool non_block)
{
	struct ipckit_proc *proc = thread->proc;
	int ret;

	if (!bwr->read_size)
		return 0;
	ret = ipckit_thread_read(thread, bwr->read_buffer, bwr->read_size,
				 &bwr->read_consumed, non_block);
	/*
	 * Work left in the pool: make sure an idle thread sees it. Looked
	 * at without the lock first, to spare every read a lock round trip:
	 * work queued after this look woke a thread of its own.
	 */
	if (!list_empty_careful(&proc->todo)) {
		spin_lock(&proc->inner_lock);
		if (!list_empty(&proc->todo))
			ipckit_proc_wakeup_ilocked(proc, false);
		spin_unlock(&proc->inner_lock);
	}
	return ret;
}

/**
 * ipckit_thread_write_read() - BINDER_WRITE_READ for one thread
 * @thread:    the calling thread
 * @arg:       user pointer to struct binder_write_read
 * @non_block: the file is O_NONBLOCK
 *
 * Return: 0 or a negative errno; the consumed counts are written back
 * in every case the reference writes them back.
 */
int ipckit_thread_write_read(struct ipckit_thread *thread,
			     unsigned long arg, bool non_block)
{
	struct binder_write_read __user *ubwr = (void __user *)arg;
	struct binder_write_read bwr;
	int ret;

	if (copy_from_user(&bwr, ubwr, sizeof(bwr)))
		return -EFAULT;
	ret = ipckit_thread_bwr_write(thread, &bwr);
	if (ret >= 0)
		ret = ipckit_thread_bwr_read(thread, &bwr, non_block);
	if (copy_to_user(ubwr, &bwr, sizeof(bwr)))
		return -EFAULT;
	return ret;
}

/**
 * ipckit_release_work_list() - drop undelivered work of a dying owner
 * @proc: owner of @list
 * @list: a todo list of @proc or of one of its threads or nodes
 *
 * Synchronous transactions are answered with BR_DEAD_REPLY.
 */
void ipckit_release_work_list(struct ipckit_proc *proc,
			      struct list_head *list)
{
	for (;;) {
		struct ipckit_work *w;

		spin_lock(&proc->inner_lock);
		w = list_first_entry_or_null(list, struct ipckit_work, entry);
		if (w)
			list_del_init(&w->entry);
		spin_unlock(&proc->inner_lock);
		if (!w)
			return;

		switch (w->type) {
		case IPCKIT_WORK_TRANSACTION:
			ipckit_transaction_cleanup(container_of(w, struct ipckit_transaction,
								work),
						   BR_DEAD_REPLY);
			break;
		case IPCKIT_WORK_TRANSACTION_COMPLETE:
		case IPCKIT_WORK_ONEWAY_SPAM_SUSPECT:
		case IPCKIT_WORK_TRANSACTION_PENDING:
			kfree(w);
			break;
		case IPCKIT_WORK_RETURN_ERROR:
		case IPCKIT_WORK_NODE:
			break;
		case IPCKIT_WORK_DEAD_BINDER:
		case IPCKIT_WORK_DEAD_BINDER_AND_CLEAR:
		case IPCKIT_WORK_CLEAR_DEATH_NOTIFICATION:
			ipckit_death_release_work(proc, w);
			break;
		case IPCKIT_WORK_FROZEN_BINDER:
		case IPCKIT_WORK_CLEAR_FREEZE_NOTIFICATION:
			ipckit_freeze_note_release_work(proc, w);
			break;
		}
	}
}

/**
 * ipckit_thread_release() - a thread leaves (BINDER_THREAD_EXIT or death)
 * @thread: the thread; the caller's reference is not consumed
 *
 * A caller waiting on a transaction this thread received gets
 * BR_DEAD_REPLY; transactions it sent forget their sender.
 */
void ipckit_thread_release(struct ipckit_thread *thread)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_transaction *t, *send_reply = NULL;

	spin_lock(&proc->inner_lock);
	if (thread->is_dead) {
		spin_unlock(&proc->inner_lock);
		return;
	}
	thread->is_dead = true;
	rb_erase(&thread->rb_node, &proc->threads);
	list_del_init(&thread->waiting_link);
	t = thread->transaction_stack;
	if (t && t->to_thread == thread)
		send_reply = t;
	while (t) {
		struct ipckit_transaction *next;

		spin_lock(&t->lock);
		if (t->to_thread == thread) {
			/* The buffer stays with the area until it is freed. */
			t->to_thread = NULL;
			if (t->buffer) {
				t->buffer->transaction = NULL;
				t->buffer = NULL;
			}
			next = t->to_parent;
		} else {
			/* Sent by us: the list reference keeps this above 0. */
			t->from = NULL;
			refcount_dec(&thread->refs);
			next = t->from_parent;
		}
		spin_unlock(&t->lock);
		t = next;
	}
	thread->transaction_stack = NULL;
	spin_unlock(&proc->inner_lock);

	/* A pending io_uring read ends here, and leaves @wait first. */
	ipckit_uring_thread_release(thread);
	/* epoll must forget this thread's waitqueue before it is freed. */
	if (thread->looper & IPCKIT_LOOPER_POLL)
		wake_up_pollfree(&thread->wait);
	if (send_reply)
		ipckit_send_failed_reply(send_reply, BR_DEAD_REPLY);
	ipckit_release_work_list(proc, &thread->todo);
	ipckit_thread_put(thread);	/* the proc's list reference */
}
