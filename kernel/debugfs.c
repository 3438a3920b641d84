// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: ipckit/pages (idle receive-area pages kept for reuse, and how
 * many the shrinker reclaimed), and per device ipckit/<device>/ (a
 * binderfs device's directory is named after its context,
 * binderfs:<id>:<name>, and goes when the context is freed)
 *
 *	state		the context manager, then every process as below
 *	proc/<pid>	one process: pool counters, each thread (looper flags,
 *			idle or not, "uring" while an io_uring read pends,
 *			queued work, its transaction stack as in:<id>/out:<id>
 *			from the innermost), each node, and the receive area
 *	stats		one "name value" line per counter:
 *
 *	procs N                 processes not yet freed
 *	open N ... ioctl_unknown N   file-level events
 *	uring_cmd N, uring_pending N, uring_canceled N   io_uring commands
 *			submitted, whose read waited, completed by teardown
 *	uring_canceled_watcher N, uring_canceled_io_uring N   of those, how
 *			many the watcher (v6.1) and io_uring's cancel
 *			callback (v6.7+) completed
 *	<obj>_created N, <obj>_deleted N   for proc, thread, node, ref,
 *			transaction, buffer (receive-area buffers) and page
 *			(receive-area pages actually allocated and freed;
 *			idle pages kept for reuse count as alive) and
 *			freeze (freeze notifications)
 *	BC_<NAME> N, BR_<NAME> N         commands seen and returned (non-zero)
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
	[IPCKIT_STAT_URING_CMD] = "uring_cmd",
	[IPCKIT_STAT_URING_PENDING] = "uring_pending",
	[IPCKIT_STAT_URING_CANCELED] = "uring_canceled",
	[IPCKIT_STAT_URING_WATCHED] = "uring_canceled_watcher",
	[IPCKIT_STAT_URING_IO_CANCEL] = "uring_canceled_io_uring",
};

const char *const ipckit_obj_names[IPCKIT_OBJ_COUNT] = {
	[IPCKIT_OBJ_PROC] = "proc",
	[IPCKIT_OBJ_THREAD] = "thread",
	[IPCKIT_OBJ_NODE] = "node",
	[IPCKIT_OBJ_REF] = "ref",
	[IPCKIT_OBJ_TRANSACTION] = "transaction",
	[IPCKIT_OBJ_BUFFER] = "buffer",
	[IPCKIT_OBJ_PAGE] = "page",
	[IPCKIT_OBJ_FREEZE] = "freeze",
};

static const char *const ipckit_bc_names[IPCKIT_BC_COUNT] = {
	"BC_TRANSACTION", "BC_REPLY", "BC_ACQUIRE_RESULT", "BC_FREE_BUFFER",
	"BC_INCREFS", "BC_ACQUIRE", "BC_RELEASE", "BC_DECREFS",
	"BC_INCREFS_DONE", "BC_ACQUIRE_DONE", "BC_ATTEMPT_ACQUIRE",
	"BC_REGISTER_LOOPER", "BC_ENTER_LOOPER", "BC_EXIT_LOOPER",
	"BC_REQUEST_DEATH_NOTIFICATION", "BC_CLEAR_DEATH_NOTIFICATION",
	"BC_DEAD_BINDER_DONE", "BC_TRANSACTION_SG", "BC_REPLY_SG",
	"BC_REQUEST_FREEZE_NOTIFICATION", "BC_CLEAR_FREEZE_NOTIFICATION",
	"BC_FREEZE_NOTIFICATION_DONE",
};

static const char *const ipckit_br_names[IPCKIT_BR_COUNT] = {
	"BR_ERROR", "BR_OK", "BR_TRANSACTION", "BR_REPLY",
	"BR_ACQUIRE_RESULT", "BR_DEAD_REPLY", "BR_TRANSACTION_COMPLETE",
	"BR_INCREFS", "BR_ACQUIRE", "BR_RELEASE", "BR_DECREFS",
	"BR_ATTEMPT_ACQUIRE", "BR_NOOP", "BR_SPAWN_LOOPER", "BR_FINISHED",
	"BR_DEAD_BINDER", "BR_CLEAR_DEATH_NOTIFICATION_DONE",
	"BR_FAILED_REPLY", "BR_FROZEN_REPLY", "BR_ONEWAY_SPAM_SUSPECT",
	"BR_TRANSACTION_PENDING_FROZEN", "BR_FROZEN_BINDER",
	"BR_CLEAR_FREEZE_NOTIFICATION_DONE",
};

/**
 * ipckit_stat_get() - the @i-th counter of <device>/stats
 * @ctx:   the context
 * @i:     index, from 0: procs, the file-level events, each object's
 *         created and deleted, each BC_ and BR_ command
 * @name:  receives the counter's name
 * @len:   room in @name (IPCKIT_STAT_NAME_MAX is enough)
 * @value: receives its value
 *
 * Shared by debugfs and netlink (GET_STATS), so both show the same.
 *
 * Return: 1 with @name and @value set; 0 for a command counter still at
 * zero (left out, as the file leaves it out); -1 past the last counter.
 */
int ipckit_stat_get(struct ipckit_context *ctx, unsigned long i, char *name,
		    size_t len, u64 *value)
{
	if (i == 0) {
		strscpy(name, "procs", len);
		*value = atomic_read(&ctx->nprocs);
		return 1;
	}
	i--;
	if (i < IPCKIT_STAT_COUNT) {
		strscpy(name, ipckit_stat_names[i], len);
		*value = atomic64_read(&ctx->stats[i]);
		return 1;
	}
	i -= IPCKIT_STAT_COUNT;
	if (i < 2 * IPCKIT_OBJ_COUNT) {
		bool deleted = i & 1;

		snprintf(name, len, "%s_%s", ipckit_obj_names[i / 2],
			 deleted ? "deleted" : "created");
		*value = atomic64_read(deleted ? &ctx->deleted[i / 2] :
						 &ctx->created[i / 2]);
		return 1;
	}
	i -= 2 * IPCKIT_OBJ_COUNT;
	if (i < IPCKIT_BC_COUNT) {
		*value = atomic64_read(&ctx->bc[i]);
		strscpy(name, ipckit_bc_names[i], len);
		return *value != 0;
	}
	i -= IPCKIT_BC_COUNT;
	if (i < IPCKIT_BR_COUNT) {
		*value = atomic64_read(&ctx->br[i]);
		strscpy(name, ipckit_br_names[i], len);
		return *value != 0;
	}
	return -1;
}

/* The "name value" lines of <device>/stats (binder_logs/stats too). */
void ipckit_debugfs_print_stats(struct seq_file *m, struct ipckit_context *ctx)
{
	char name[IPCKIT_STAT_NAME_MAX];
	unsigned long i;
	u64 v;
	int ret;

	for (i = 0; (ret = ipckit_stat_get(ctx, i, name, sizeof(name), &v)) >= 0;
	     i++)
		if (ret)
			seq_printf(m, "%s %llu\n", name, v);
}

static int ipckit_stats_show(struct seq_file *m, void *unused)
{
	ipckit_debugfs_print_stats(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ipckit_stats);

static size_t ipckit_count_list(struct list_head *head)
{
	struct list_head *pos;
	size_t n = 0;

	list_for_each(pos, head)
		n++;
	return n;
}

static void ipckit_print_thread_ilocked(struct seq_file *m,
					struct ipckit_thread *thread)
{
	struct ipckit_transaction *t = thread->transaction_stack;

	seq_printf(m, "  thread %d: looper %#x%s%s todo %zu stack", thread->pid,
		   thread->looper,
		   list_empty(&thread->waiting_link) ? "" : " idle",
		   thread->uring ? " uring" : "",
		   ipckit_count_list(&thread->todo));
	while (t) {
		bool in;

		spin_lock(&t->lock);
		in = t->to_thread == thread;
		spin_unlock(&t->lock);
		seq_printf(m, " %s:%d", in ? "in" : "out", t->debug_id);
		t = in ? t->to_parent : t->from_parent;
	}
	seq_putc(m, '\n');
}

static void ipckit_print_proc(struct seq_file *m, struct ipckit_proc *proc)
{
	struct rb_node *n;

	spin_lock(&proc->inner_lock);
	seq_printf(m, "proc %d%s: max_threads %u requested %u started %u todo %zu\n",
		   proc->pid, proc->is_dead ? " (dead)" : "", proc->max_threads,
		   proc->requested_threads, proc->requested_threads_started,
		   ipckit_count_list(&proc->todo));
	for (n = rb_first(&proc->threads); n; n = rb_next(n))
		ipckit_print_thread_ilocked(m, rb_entry(n, struct ipckit_thread,
							rb_node));
	for (n = rb_first(&proc->nodes); n; n = rb_next(n)) {
		struct ipckit_node *node = rb_entry(n, struct ipckit_node,
						    rb_node);

		seq_printf(m, "  node %016llx cookie %016llx strong %d+%d weak %d%s tmp %d%s queued_oneway %zu\n",
			   (u64)node->ptr, (u64)node->cookie,
			   node->internal_strong_refs, node->local_strong_refs,
			   node->local_weak_refs,
			   hlist_empty(&node->refs) ? "" : " +refs",
			   node->tmp_refs, node->has_async ? " busy" : "",
			   ipckit_count_list(&node->async_todo));
	}
	spin_unlock(&proc->inner_lock);
	seq_puts(m, "  ");
	ipckit_alloc_print(&proc->alloc, m);
}

/* <device>/state: the manager, then every process (binder_logs/ too). */
void ipckit_debugfs_print_state(struct seq_file *m, struct ipckit_context *ctx)
{
	struct ipckit_proc *proc;
	struct ipckit_node *mgr;

	mutex_lock(&ctx->lock);
	mgr = ctx->mgr_node;
	if (mgr && READ_ONCE(mgr->proc))
		seq_printf(m, "context %s: manager pid %d\n", ctx->name,
			   READ_ONCE(mgr->proc)->pid);
	else
		seq_printf(m, "context %s: no manager\n", ctx->name);
	list_for_each_entry(proc, &ctx->procs, ctx_link)
		ipckit_print_proc(m, proc);
	mutex_unlock(&ctx->lock);
}

static int ipckit_state_show(struct seq_file *m, void *unused)
{
	ipckit_debugfs_print_state(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ipckit_state);

/*
 * The transactions in flight of @ctx: each thread's stack, as state shows
 * it, for the threads that have one (binder_logs/transactions).
 */
void ipckit_debugfs_print_transactions(struct seq_file *m,
				       struct ipckit_context *ctx)
{
	struct ipckit_proc *proc;
	struct rb_node *n;

	mutex_lock(&ctx->lock);
	list_for_each_entry(proc, &ctx->procs, ctx_link) {
		spin_lock(&proc->inner_lock);
		for (n = rb_first(&proc->threads); n; n = rb_next(n)) {
			struct ipckit_thread *thread =
				rb_entry(n, struct ipckit_thread, rb_node);

			if (!thread->transaction_stack)
				continue;
			seq_printf(m, "context %s proc %d\n", ctx->name,
				   proc->pid);
			ipckit_print_thread_ilocked(m, thread);
		}
		spin_unlock(&proc->inner_lock);
	}
	mutex_unlock(&ctx->lock);
}

/* Every open of any ipckit device by @pid (binder_logs/proc/<pid>). */
void ipckit_debugfs_print_pid(struct seq_file *m, pid_t pid)
{
	struct ipckit_context *ctx;
	struct ipckit_proc *proc;

	mutex_lock(&ipckit_contexts_lock);
	list_for_each_entry(ctx, &ipckit_contexts, link) {
		mutex_lock(&ctx->lock);
		list_for_each_entry(proc, &ctx->procs, ctx_link) {
			if (proc->pid != pid)
				continue;
			seq_printf(m, "context %s\n", ctx->name);
			ipckit_print_proc(m, proc);
		}
		mutex_unlock(&ctx->lock);
	}
	mutex_unlock(&ipckit_contexts_lock);
}

static int ipckit_proc_show(struct seq_file *m, void *unused)
{
	ipckit_print_proc(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ipckit_proc);

/**
 * ipckit_debugfs_add_proc() - create proc/<pid> for a newly opened file
 * @proc:  the process; the first open of a pid gets the file
 * @first: no other open file of the context belongs to this pid
 *
 * The file goes with ipckit_debugfs_remove_proc() before @proc is freed;
 * debugfs waits for readers, so they never see a freed process.
 */
void ipckit_debugfs_add_proc(struct ipckit_proc *proc, bool first)
{
	char name[16];

	if (!first || IS_ERR_OR_NULL(proc->ctx->debugfs_procs))
		return;
	snprintf(name, sizeof(name), "%d", proc->pid);
	proc->debugfs = debugfs_create_file(name, 0444, proc->ctx->debugfs_procs,
					    proc, &ipckit_proc_fops);
}

void ipckit_debugfs_remove_proc(struct ipckit_proc *proc)
{
	debugfs_remove(proc->debugfs);
	proc->debugfs = NULL;
}

static int ipckit_pages_show(struct seq_file *m, void *unused)
{
	ipckit_alloc_print_idle(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ipckit_pages);

struct dentry *ipckit_debugfs_init(void)
{
	struct dentry *root = debugfs_create_dir("ipckit", NULL);

	debugfs_create_file("pages", 0444, root, NULL, &ipckit_pages_fops);
	return root;
}

/* debugfs is best effort: a failure here must not fail the device. */
void ipckit_debugfs_add_context(struct ipckit_context *ctx,
				struct dentry *root)
{
	if (IS_ERR_OR_NULL(root))
		return;
	/* At most NAME_MAX (IPCKIT_CTX_NAME_MAX - 1) characters. */
	ctx->debugfs = debugfs_create_dir(ctx->name, root);
	debugfs_create_file("stats", 0444, ctx->debugfs, ctx,
			    &ipckit_stats_fops);
	debugfs_create_file("state", 0444, ctx->debugfs, ctx,
			    &ipckit_state_fops);
	ctx->debugfs_procs = debugfs_create_dir("proc", ctx->debugfs);
}

void ipckit_debugfs_exit(struct dentry *root)
{
	debugfs_remove_recursive(root);
}
