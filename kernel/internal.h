/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipckit: shared types of the module.
 *
 * LOCKING
 * =======
 * ipckit_contexts_lock (mutex, main.c)
 *	guards ipckit_contexts: every context that exists, the misc
 *	devices' (added at module init) and binderfs devices' (added by
 *	BINDER_CTL_ADD, binderfs.c), which BINDER_FREEZE /
 *	BINDER_GET_FROZEN_INFO, netlink and binder_logs/ walk. A context
 *	leaves the list when its last reference goes, with this lock held
 *	(refcount_dec_and_mutex_lock()), so a listed context may be
 *	referenced (ipckit_context_get()) while the lock is held.
 *
 * struct ipckit_context::lock (mutex)
 *	guards @procs and the context manager slot (@mgr_node, @mgr_uid);
 *	@mgr_node is also guarded by ipckit_context::mgr_lock (spinlock,
 *	nested inside) so that transactions to handle 0 need only that.
 *
 * struct ipckit_proc::outer_lock (spinlock)
 *	guards the process's handles: both ref trees, every ref's strong
 *	and weak counts and its death and freeze notification pointers.
 *
 * struct ipckit_node::lock (spinlock)
 *	guards the node's owner pointer (cleared when the owner dies), its
 *	list of refs (@refs), and its counts once the owner is gone.
 *
 * struct ipckit_proc::inner_lock (spinlock)
 *	guards everything that moves on the hot path of one process: its
 *	@todo list, thread tree, @waiting_threads, node tree, thread looper
 *	state, every thread's @todo, @transaction_stack, @process_todo and
 *	errors, the to_parent links of transactions its threads received,
 *	and, while it owns them, its nodes' counts, flags, queued work and
 *	async queues. Never held across a sleep or user copy. The thread a
 *	transaction wakes is chosen under it and woken after it is dropped
 *	(ipckit_proc_queue_call_ilocked(), ipckit_proc_wake_call()).
 *
 * struct ipckit_transaction::lock (spinlock)
 *	guards @from, @to_proc and @to_thread, which a dying thread clears.
 *
 * struct ipckit_alloc::lock (mutex, alloc.c)
 *	guards one process's receive area (buffers, pages).
 *
 * Nesting order, outermost first (as the reference driver):
 *	ipckit_contexts_lock -> ipckit_context::lock
 *	binderfs root inode lock -> ipckit_contexts_lock (binderfs.c)
 *	ipckit_context::lock -> ipckit_alloc::lock -> mmap_lock
 *	ipckit_context::lock -> ipckit_context::mgr_lock
 *	ipckit_proc::outer_lock -> ipckit_node::lock -> ipckit_proc::inner_lock
 *	ipckit_context::mgr_lock -> ipckit_node::lock
 *	ipckit_proc::inner_lock -> ipckit_transaction::lock
 * A node's lock may be held with the inner_lock of its owner and, when
 * its owner dies or freezes or thaws, of each process holding a ref on
 * it, one at a time (ipckit_node_inner_lock() takes node->lock, then the
 * owner's). No other
 * two processes' locks are held together: work moves from one process to
 * another by taking the target's inner_lock alone.
 *
 * Lifetimes: a context lives while its misc device is registered or its
 * binderfs inode exists, and while any proc of it exists (@refs); the
 * last ipckit_context_put() unlists and frees it. It must not be called
 * with ipckit_contexts_lock or a context's lock held.
 * A proc lives while its file is open or a transaction or
 * thread holds @refs; a thread while its proc lists it or a transaction
 * holds @refs. A node has no count of its own: it lives while handles,
 * strong/weak counts, temporary holders (@tmp_refs) or its owner's view
 * of it keep it (node.c). Statistics are atomic64_t counters read
 * locklessly by debugfs.
 *
 * Netlink messages (netlink.c) are built and sent with none of these
 * locks held, from fields collected under them; the one exception, a
 * node's death events, is built under node->lock with GFP_ATOMIC and
 * sent after the unlock.
 *
 * Function suffixes name the lock the caller must hold: _ilocked for
 * ipckit_proc::inner_lock, _olocked for ipckit_proc::outer_lock,
 * _nilocked for ipckit_node_inner_lock(), _clocked for
 * ipckit_context::lock.
 */
#ifndef _IPCKIT_INTERNAL_H
#define _IPCKIT_INTERNAL_H

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>

#include <linux/ipckit.h>
#include <linux/android/binder_freeze.h>

#include "alloc.h"

struct seq_file;

#define IPCKIT_LOG_PREFIX "ipckit: "

/* A misc device name: what fits in /dev and /sys/class/misc. */
#define IPCKIT_DEVNAME_MAX	32
/*
 * A context's name: a misc device's name, or for a binderfs device
 * "binderfs:<id>:<name>" cut to fit (the unique id keeps it unique).
 */
#define IPCKIT_CTX_NAME_MAX	256
/* Upper bound on devices= entries; each one is a whole context. */
#define IPCKIT_MAX_DEVICES	16
/* Largest receive area a process may map, as the reference driver. */
#define IPCKIT_MAP_SIZE_MAX	SZ_4M

/**
 * struct ipckit_devnames - result of parsing the devices= parameter
 * @count: number of valid entries in @name
 * @name:  NUL-terminated device names, unique, in parameter order
 */
struct ipckit_devnames {
	unsigned int count;
	char name[IPCKIT_MAX_DEVICES][IPCKIT_DEVNAME_MAX];
};

int ipckit_devnames_parse(const char *param, struct ipckit_devnames *out,
			  const char **bad, size_t *bad_len);

/* Counters shown in debugfs <device>/stats. */
enum ipckit_stat {
	IPCKIT_STAT_OPEN,
	IPCKIT_STAT_RELEASE,
	IPCKIT_STAT_MMAP,
	IPCKIT_STAT_MMAP_REJECTED,
	IPCKIT_STAT_IOCTL,
	IPCKIT_STAT_IOCTL_UNKNOWN,
	IPCKIT_STAT_URING_CMD,		/* IORING_OP_URING_CMD submissions */
	IPCKIT_STAT_URING_PENDING,	/* ... whose read had to wait */
	IPCKIT_STAT_URING_CANCELED,	/* ... completed by a teardown */
	IPCKIT_STAT_URING_WATCHED,	/* ... of them by the watcher (v6.1) */
	IPCKIT_STAT_URING_IO_CANCEL,	/* ... of them at io_uring's request */
	IPCKIT_STAT_COUNT
};

/* Objects whose creations and deletions debugfs counts. */
enum ipckit_obj {
	IPCKIT_OBJ_PROC,
	IPCKIT_OBJ_THREAD,
	IPCKIT_OBJ_NODE,
	IPCKIT_OBJ_REF,
	IPCKIT_OBJ_TRANSACTION,
	IPCKIT_OBJ_BUFFER,	/* receive-area buffers (alloc.c) */
	IPCKIT_OBJ_PAGE,	/* receive-area pages allocated (alloc.c) */
	IPCKIT_OBJ_FREEZE,	/* freeze notifications (freeze_notify.c) */
	IPCKIT_OBJ_COUNT
};

/* One counter per BC_ and BR_ command number (_IOC_NR). */
#define IPCKIT_BC_COUNT	(_IOC_NR(BC_FREEZE_NOTIFICATION_DONE) + 1)
#define IPCKIT_BR_COUNT	(_IOC_NR(BR_CLEAR_FREEZE_NOTIFICATION_DONE) + 1)

/**
 * struct ipckit_context - one device and its world
 * @link:    entry in ipckit_contexts, guarded by ipckit_contexts_lock
 * @refs:    lifetime: the misc device or binderfs inode, and each proc
 * @misc:    a devices= context's registered misc device (@misc.name
 *           points at @name); unused by binderfs contexts
 * @name:    device name as given in devices=, or binderfs:<id>:<name>
 * @lock:    guards @procs, @mgr_node, @mgr_uid
 * @procs:   processes with the device open (struct ipckit_proc::ctx_link)
 * @mgr_node: the context manager's node (handle 0 everywhere), reference
 *           held, or NULL
 * @mgr_uid: euid of the first context manager; later ones must match
 * @mgr_lock: guards @mgr_node for the hot path (nests inside @lock)
 * @nprocs:  live processes; debugfs and leak checks read it locklessly
 * @debugfs: this context's debugfs directory, or NULL/ERR when absent
 * @debugfs_procs: its proc/ directory
 * @stats:   event counters, see enum ipckit_stat
 * @bc:      BC_ commands seen, by command number
 * @br:      BR_ commands returned, by command number
 * @created: objects created, see enum ipckit_obj
 * @deleted: objects freed; created - deleted is what is alive
 * @nl_serial: the last process serial handed out (guarded by @lock)
 */
struct ipckit_context {
	struct list_head link;
	refcount_t refs;
	struct miscdevice misc;
	char name[IPCKIT_CTX_NAME_MAX];
	struct mutex lock; /* guards @procs, @mgr_node, @mgr_uid */
	struct list_head procs;
	struct ipckit_node *mgr_node;
	kuid_t mgr_uid;
	spinlock_t mgr_lock; /* guards @mgr_node (hot path) */
	atomic_t nprocs;
	struct dentry *debugfs;
	struct dentry *debugfs_procs;
	atomic64_t stats[IPCKIT_STAT_COUNT];
	atomic64_t bc[IPCKIT_BC_COUNT];
	atomic64_t br[IPCKIT_BR_COUNT];
	atomic64_t created[IPCKIT_OBJ_COUNT];
	atomic64_t deleted[IPCKIT_OBJ_COUNT];
	u64 nl_serial;
};

/* Looper states of a thread (struct ipckit_thread::looper). */
enum {
	IPCKIT_LOOPER_REGISTERED	= 1 << 0, /* BC_REGISTER_LOOPER */
	IPCKIT_LOOPER_ENTERED		= 1 << 1, /* BC_ENTER_LOOPER */
	IPCKIT_LOOPER_EXITED		= 1 << 2, /* BC_EXIT_LOOPER */
	IPCKIT_LOOPER_INVALID		= 1 << 3, /* protocol misuse seen */
	IPCKIT_LOOPER_WAITING		= 1 << 4, /* inside a blocking read */
	IPCKIT_LOOPER_POLL		= 1 << 5, /* uses poll() */
};

/* What a queued struct ipckit_work is. */
enum ipckit_work_type {
	IPCKIT_WORK_TRANSACTION = 1,	/* a transaction or reply to deliver */
	IPCKIT_WORK_TRANSACTION_COMPLETE, /* BR_TRANSACTION_COMPLETE */
	IPCKIT_WORK_ONEWAY_SPAM_SUSPECT, /* ... or BR_ONEWAY_SPAM_SUSPECT */
	IPCKIT_WORK_TRANSACTION_PENDING, /* ... or BR_TRANSACTION_PENDING_FROZEN */
	IPCKIT_WORK_RETURN_ERROR,	/* a BR_ error code for the thread */
	IPCKIT_WORK_DEAD_BINDER,	/* BR_DEAD_BINDER */
	IPCKIT_WORK_DEAD_BINDER_AND_CLEAR, /* ... then clear when done */
	IPCKIT_WORK_CLEAR_DEATH_NOTIFICATION, /* BR_CLEAR_DEATH_NOTIFICATION_DONE */
	IPCKIT_WORK_NODE,		/* BR_INCREFS/ACQUIRE/RELEASE/DECREFS */
	IPCKIT_WORK_FROZEN_BINDER,	/* BR_FROZEN_BINDER */
	IPCKIT_WORK_CLEAR_FREEZE_NOTIFICATION, /* BR_CLEAR_FREEZE_NOTIFICATION_DONE */
};

/**
 * struct ipckit_work - an item on a proc, thread or node todo list
 * @entry: list entry, guarded by the owning proc's inner_lock
 * @type:  what the item is; the containing struct follows from it
 */
struct ipckit_work {
	struct list_head entry;
	enum ipckit_work_type type;
};

/**
 * struct ipckit_error - a BR_ code queued for a thread
 * @work: queue entry
 * @cmd:  BR_ code, BR_OK when not queued
 */
struct ipckit_error {
	struct ipckit_work work;
	u32 cmd;
};

/**
 * struct ipckit_node - a binder object owned by a process
 * @ctx:         the context, for statistics
 * @lock:        guards @proc, @refs; see LOCKING
 * @proc:        owner; NULL once the owner died
 * @rb_node:     entry in the owner's node tree (by @ptr)
 * @refs:        every process's ref to this node (struct ipckit_ref)
 * @tmp_refs:    temporary holders: lookups and transactions in progress
 * @ptr:         the owner's handle for the object (flat_binder_object.binder)
 * @cookie:      the owner's cookie
 * @min_priority: FLAT_BINDER_FLAG_PRIORITY_MASK: the nice value a
 *               synchronous call to it runs at, at least
 * @accept_fds:  FLAT_BINDER_FLAG_ACCEPTS_FDS
 * @txn_security_ctx: FLAT_BINDER_FLAG_TXN_SECURITY_CTX
 * @has_async:   a one-way transaction is being handled; more wait in
 *               @async_todo (guarded by the owner's inner_lock)
 * @async_todo:  one-way transactions waiting for @has_async to clear
 *
 * The counts and flags below follow the reference's node-owner protocol
 * and are guarded by ipckit_node_inner_lock(); a ref's weak count is its
 * place on @refs:
 * @is_mgr:               the context manager's node
 * @internal_strong_refs: handles with strong references (one each)
 * @local_strong_refs:    strong references of buffers in flight and of
 *                        the owner's pending BR_ACQUIRE
 * @local_weak_refs:      weak ones, likewise
 * @has_strong_ref:       the owner was told BR_ACQUIRE and not BR_RELEASE
 * @has_weak_ref:         the owner was told BR_INCREFS and not BR_DECREFS
 * @pending_strong_ref:   BR_ACQUIRE sent, BC_ACQUIRE_DONE awaited
 * @pending_weak_ref:     BR_INCREFS sent, BC_INCREFS_DONE awaited
 * @work:                 queued on the owner when its flags must change
 */
struct ipckit_node {
	struct ipckit_context *ctx;
	spinlock_t lock; /* guards @proc, @refs */
	int tmp_refs;
	struct ipckit_proc *proc;
	struct rb_node rb_node;
	struct hlist_head refs;
	binder_uintptr_t ptr;
	binder_uintptr_t cookie;
	struct list_head async_todo;
	int internal_strong_refs;
	int local_strong_refs;
	int local_weak_refs;
	/* Set before the node is published, then only read. */
	u8 min_priority;
	u8 accept_fds:1;
	u8 txn_security_ctx:1;
	bool has_async;
	/* One byte, written only under ipckit_node_inner_lock(). */
	u8 is_mgr:1;
	u8 has_strong_ref:1;
	u8 has_weak_ref:1;
	u8 pending_strong_ref:1;
	u8 pending_weak_ref:1;
	struct ipckit_work work;
};

/*
 * 10 000 nodes cost slab memory in numbers (ipckit-scale-bench): keep a
 * node in kmalloc-128, as the reference's binder_node is on x86-64.
 * Lock debugging (lockdep, spinlock debugging) makes spinlock_t larger
 * than 4 bytes; such a kernel is allowed a larger node.
 */
static_assert(sizeof(spinlock_t) > 4 || sizeof(struct ipckit_node) <= 128);

/**
 * struct ipckit_ref - a process's handle for another process's node
 * @rb_desc:      entry in proc->refs_by_desc, augmented with @subtree
 * @rb_node_node: entry in proc->refs_by_node
 * @node_entry:   entry in node->refs, guarded by node->lock
 * @node:         the node (kept by @node_entry)
 * @proc:         the process holding the handle
 * @desc:         the handle number, unique in the process
 * @subtree:      refs in this ref's subtree of refs_by_desc
 * @strong:       strong references the process holds through it
 *                (BC_ACQUIRE, buffers carrying it)
 * @weak:         weak ones (BC_INCREFS, buffers carrying a weak handle)
 * @death:        the death notification requested on it, or NULL
 *                (changed with node->lock held as well)
 * @freeze:       the freeze notification requested on it, or NULL
 *                (likewise)
 *
 * All fields but @node_entry are guarded by proc->outer_lock.
 */
struct ipckit_ref {
	struct rb_node rb_desc;
	struct rb_node rb_node_node;
	struct hlist_node node_entry;
	struct ipckit_node *node;
	struct ipckit_proc *proc;
	u32 desc;
	u32 subtree;
	int strong;
	int weak;
	struct ipckit_death *death;
	struct ipckit_freeze_note *freeze;
};

/**
 * struct ipckit_death - a death notification a process asked for
 * @work:   queue entry: on the proc's or a thread's todo while a BR_ is
 *          due, on proc->delivered_death after BR_DEAD_BINDER until
 *          BC_DEAD_BINDER_DONE (guarded by the proc's inner_lock); its
 *          type says which BR_ is due
 * @cookie: the process's cookie, returned with the BR_
 *
 * Owned by its ref until BC_CLEAR_DEATH_NOTIFICATION, by its work item
 * (type DEAD_BINDER_AND_CLEAR or CLEAR_DEATH_NOTIFICATION) after.
 */
struct ipckit_death {
	struct ipckit_work work;
	binder_uintptr_t cookie;
};

/**
 * struct ipckit_freeze_note - a freeze notification a process asked for
 * @work:      queue entry: on the proc's todo while a BR_ is due, on
 *             proc->delivered_freeze after BR_FROZEN_BINDER until
 *             BC_FREEZE_NOTIFICATION_DONE; its type says which BR_ is due
 * @cookie:    the process's cookie, returned with the BR_
 * @is_frozen: the owner's state to report (the latest seen)
 * @sent:      delivered, BC_FREEZE_NOTIFICATION_DONE not yet received
 * @resend:    the state changed, or the notification was cleared, while
 *             @sent: queue it again at BC_FREEZE_NOTIFICATION_DONE
 *
 * All but @cookie are guarded by the holder's inner_lock. Owned by its
 * ref until BC_CLEAR_FREEZE_NOTIFICATION, by its work item (type
 * CLEAR_FREEZE_NOTIFICATION) after.
 */
struct ipckit_freeze_note {
	struct ipckit_work work;
	binder_uintptr_t cookie;
	bool is_frozen;
	bool sent;
	bool resend;
};

/**
 * struct ipckit_thread - one userspace thread talking to a device
 * @proc:              owning process
 * @refs:              lifetime: the proc's list and in-flight lookups
 * @pid:               thread id
 * @rb_node:           entry in proc->threads (by @pid); cleared once
 *                     the thread is released
 * @waiting_link:      entry in proc->waiting_threads while idle
 * @looper:            IPCKIT_LOOPER_* flags
 * @looper_need_return: return to userspace at the next chance (set at
 *                     creation and on flush, as the reference)
 * @todo:              work for this thread only
 * @process_todo:      @todo holds something worth waking up for (a
 *                     deferred BR_TRANSACTION_COMPLETE alone is not)
 * @transaction_stack: innermost transaction this thread sent or received
 * @wait:              where this thread sleeps
 * @return_error:      error for this thread's own command
 * @reply_error:       error standing in for a reply that will never come
 * @ee:                BINDER_GET_EXTENDED_ERROR state
 * @is_dead:           released; no new work may be queued
 * @uring:             the thread's pending io_uring read, or NULL (uring.c)
 *
 * All fields but @pid, @proc and @wait are guarded by proc->inner_lock.
 */
struct ipckit_thread {
	struct ipckit_proc *proc;
	refcount_t refs;
	pid_t pid;
	struct rb_node rb_node;
	struct list_head waiting_link;
	u32 looper;
	bool looper_need_return;
	struct list_head todo;
	bool process_todo;
	struct ipckit_transaction *transaction_stack;
	wait_queue_head_t wait;
	struct ipckit_error return_error;
	struct ipckit_error reply_error;
	struct binder_extended_error ee;
	bool is_dead;
	struct ipckit_uring_req *uring;
};

/**
 * struct ipckit_transaction - a transaction or reply in flight
 * @work:         queue entry while waiting to be read
 * @debug_id:     unique id, shown in logs and extended errors
 * @lock:         guards @from, @to_proc, @to_thread
 * @from:         sending thread of a synchronous transaction (reference
 *                held); NULL for one-way or once the sender died
 * @from_parent:  the sender's previous @transaction_stack
 * @to_proc:      receiving process (reference held)
 * @to_thread:    receiving thread once read (sync transactions)
 * @to_parent:    the receiver's previous @transaction_stack
 * @buffer:       the payload in @to_proc's receive area
 * @code:         transaction code
 * @flags:        TF_* flags
 * @priority:     the sender's nice value, for the thread that runs it
 * @saved_priority: the receiving thread's nice value before it ran it,
 *                restored with the reply
 * @is_reply:     a BC_REPLY
 * @delivered:    @buffer reached userspace, which now frees it (set by
 *                the reader while it alone holds the transaction)
 * @sender_euid:  effective uid of the sender
 * @security_ctx: user address of the sender's security context in
 *                @buffer, when the target node asked for it, else 0
 * @fd_fixups:    files to install in the receiver when it reads @t
 *                (struct ipckit_fd_fixup); owned by whoever holds @t
 * @objects_done: bytes of the offsets array already translated: what a
 *                buffer never delivered must release
 * @outstanding:  counted in @to_proc's @outstanding_txns (guarded by
 *                @to_proc's inner_lock)
 */
struct ipckit_transaction {
	struct ipckit_work work;
	int debug_id;
	spinlock_t lock; /* guards @from, @to_thread */
	struct ipckit_thread *from;
	struct ipckit_transaction *from_parent;
	struct ipckit_proc *to_proc;
	struct ipckit_thread *to_thread;
	struct ipckit_transaction *to_parent;
	struct ipckit_buffer *buffer;
	u32 code;
	u32 flags;
	long priority;
	long saved_priority;
	bool is_reply;
	bool delivered;
	kuid_t sender_euid;
	binder_uintptr_t security_ctx;
	struct list_head fd_fixups;
	u64 objects_done;
	bool outstanding;
};

/**
 * struct ipckit_fd_fixup - a file on its way to the receiver
 * @entry:  entry in the transaction's @fd_fixups
 * @file:   the sender's file (reference held until installed)
 * @offset: where in the buffer the receiver's fd number goes
 */
struct ipckit_fd_fixup {
	struct list_head entry;
	struct file *file;
	u64 offset;
};

/**
 * struct ipckit_proc - one process's view of one device (per open())
 * @ctx:             the context this file belongs to
 * @ctx_link:        entry in @ctx->procs, guarded by ipckit_context::lock
 * @refs:            lifetime: the open file and in-flight users
 * @tsk:             thread-group leader that opened the device (ref held)
 * @pid:             tgid of @tsk, for logs and debugfs
 * @cred:            opener's credentials, for the LSM hooks (ref held)
 * @outer_lock:      see LOCKING above
 * @inner_lock:      see LOCKING above
 * @threads:         every thread that has used this file, by pid
 * @waiting_threads: idle threads waiting for process work, most recently
 *                   idle first
 * @poll_wait:       threads polling while free for process work wait
 *                   here too, woken when process work finds no waiter
 * @todo:            work any thread free for process work may take
 * @nodes:           nodes this process owns, by ptr
 * @refs_by_desc:    handles this process holds (struct ipckit_ref), by
 *                   handle number
 * @refs_by_node:    the same, by node
 * @default_priority: nice value at open; a thread waiting for process
 *                   work returns to it
 * @delivered_death: BR_DEAD_BINDER sent, BC_DEAD_BINDER_DONE pending
 * @delivered_freeze: BR_FROZEN_BINDER sent, BC_FREEZE_NOTIFICATION_DONE
 *                   pending
 * @max_threads:     BINDER_SET_MAX_THREADS
 * @requested_threads: BR_SPAWN_LOOPER sent, BC_REGISTER_LOOPER pending
 * @requested_threads_started: threads registered after a spawn request
 * @is_dead:         the file is released; no new work may be queued
 * @is_frozen:       BINDER_FREEZE: synchronous calls to it fail with
 *                   BR_FROZEN_REPLY, one-way ones wait in its queues
 * @sync_recv:       a synchronous call was refused while frozen
 * @async_recv:      a one-way call arrived while frozen
 * @outstanding_txns: transactions queued to it or being handled by it,
 *                   and replies not read yet; BINDER_FREEZE waits for 0
 * @freeze_wait:     where BINDER_FREEZE waits for @outstanding_txns
 * @oneway_spam_detection: BINDER_ENABLE_ONEWAY_SPAM_DETECTION
 * @alloc:           the receive area
 * @debugfs:         proc/<pid> file, or NULL
 * @binderfs_log:    binder_logs/proc/<pid> of its binderfs mount, or NULL
 * @nl_serial:       increasing along @ctx->procs, for netlink dumps to
 *                   resume after the last process they sent
 */
struct ipckit_proc {
	struct ipckit_context *ctx;
	struct list_head ctx_link;
	refcount_t refs;
	struct task_struct *tsk;
	pid_t pid;
	const struct cred *cred;
	spinlock_t outer_lock; /* see LOCKING */
	spinlock_t inner_lock; /* see LOCKING */
	struct rb_root threads;
	struct list_head waiting_threads;
	wait_queue_head_t poll_wait;
	struct list_head todo;
	struct rb_root nodes;
	struct rb_root refs_by_desc;
	struct rb_root refs_by_node;
	long default_priority;
	struct list_head delivered_death;
	struct list_head delivered_freeze;
	u32 max_threads;
	u32 requested_threads;
	u32 requested_threads_started;
	bool is_dead;
	bool is_frozen;
	bool sync_recv;
	bool async_recv;
	int outstanding_txns;
	wait_queue_head_t freeze_wait;
	bool oneway_spam_detection;
	struct ipckit_alloc alloc;
	struct dentry *debugfs;
	struct dentry *binderfs_log;
	u64 nl_serial;
};

static inline void ipckit_stat_inc(struct ipckit_context *ctx,
				   enum ipckit_stat stat)
{
	atomic64_inc(&ctx->stats[stat]);
}

static inline void ipckit_obj_created(struct ipckit_context *ctx,
				      enum ipckit_obj obj)
{
	atomic64_inc(&ctx->created[obj]);
}

static inline void ipckit_obj_deleted(struct ipckit_context *ctx,
				      enum ipckit_obj obj)
{
	atomic64_inc(&ctx->deleted[obj]);
}

static inline void ipckit_stat_br(struct ipckit_context *ctx, u32 cmd)
{
	if (_IOC_NR(cmd) < IPCKIT_BR_COUNT)
		atomic64_inc(&ctx->br[_IOC_NR(cmd)]);
}

extern int ipckit_context_mgr_uid;
extern struct list_head ipckit_contexts;
extern struct mutex ipckit_contexts_lock;
extern const char *const ipckit_stat_names[IPCKIT_STAT_COUNT];
extern const char *const ipckit_obj_names[IPCKIT_OBJ_COUNT];
extern const struct file_operations ipckit_fops;

extern struct dentry *ipckit_debugfs_root;

/* context.c */
int ipckit_context_create(const char *name, struct ipckit_context **out);
struct ipckit_context *ipckit_context_create_fs(const char *name);
void ipckit_context_destroy(struct ipckit_context *ctx);
void ipckit_context_put(struct ipckit_context *ctx);
static inline void ipckit_context_get(struct ipckit_context *ctx)
{
	refcount_inc(&ctx->refs);
}

int ipckit_context_set_mgr(struct ipckit_proc *proc,
			   const struct flat_binder_object *fbo);
struct ipckit_node *ipckit_context_get_mgr(struct ipckit_context *ctx);
u32 ipckit_context_get_mgr_for_txn(struct ipckit_context *ctx,
				   struct ipckit_node **node,
				   struct ipckit_proc **owner);
bool ipckit_context_is_mgr(struct ipckit_proc *proc);
void ipckit_context_drop_mgr(struct ipckit_proc *proc);

/* proc.c */
void ipckit_proc_put(struct ipckit_proc *proc);
static inline void ipckit_proc_get(struct ipckit_proc *proc)
{
	refcount_inc(&proc->refs);
}

__printf(2, 3)
void ipckit_user_error(const struct ipckit_thread *thread, const char *fmt, ...);

/* thread.c */
void ipckit_set_nice(long nice);
struct ipckit_thread *ipckit_thread_get_current(struct ipckit_proc *proc);
void ipckit_thread_put(struct ipckit_thread *thread);
int ipckit_thread_write_read(struct ipckit_thread *thread,
			     unsigned long arg, bool non_block);
int ipckit_thread_bwr_write(struct ipckit_thread *thread,
			    struct binder_write_read *bwr);
int ipckit_thread_bwr_read(struct ipckit_thread *thread,
			   struct binder_write_read *bwr, bool non_block);
bool ipckit_thread_has_work_ilocked(struct ipckit_thread *thread);
void ipckit_thread_release(struct ipckit_thread *thread);
void ipckit_enqueue_thread_work_ilocked(struct ipckit_thread *thread,
					struct ipckit_work *work);
void ipckit_enqueue_deferred_thread_work_ilocked(struct ipckit_thread *thread,
						 struct ipckit_work *work);
void ipckit_queue_error(struct ipckit_thread *thread,
			struct ipckit_error *err, u32 cmd);
struct ipckit_thread *ipckit_proc_queue_call_ilocked(struct ipckit_proc *proc,
						     struct ipckit_thread *thread,
						     struct ipckit_work *work);
void ipckit_proc_wake_call(struct ipckit_proc *proc,
			   struct ipckit_thread *thread, bool sync);
void ipckit_proc_queue_work_ilocked(struct ipckit_proc *proc,
				    struct ipckit_thread *thread,
				    struct ipckit_work *work);
void ipckit_proc_wakeup_ilocked(struct ipckit_proc *proc, bool sync);
__poll_t ipckit_thread_poll(struct ipckit_thread *thread, struct file *file,
			    struct poll_table_struct *wait);
void ipckit_release_work_list(struct ipckit_proc *proc,
			      struct list_head *list);

/* node.c */
void ipckit_node_inner_lock(struct ipckit_node *node);
void ipckit_node_inner_unlock(struct ipckit_node *node);
void ipckit_node_free(struct ipckit_node *node);
void ipckit_node_free_unlocked(struct ipckit_node *node);
void ipckit_node_get(struct ipckit_node *node);
void ipckit_node_put(struct ipckit_node *node);
int ipckit_node_get_or_new(struct ipckit_proc *proc,
			   const struct flat_binder_object *fp,
			   struct ipckit_node **node);
struct ipckit_node *ipckit_node_lookup(struct ipckit_proc *proc,
				       binder_uintptr_t ptr);
int ipckit_node_inc_nilocked(struct ipckit_node *node, bool strong,
			     bool internal, struct ipckit_thread *thread);
bool ipckit_node_dec_nilocked(struct ipckit_node *node, bool strong,
			      bool internal);
int ipckit_node_inc(struct ipckit_node *node, bool strong, bool internal,
		    struct ipckit_thread *thread);
void ipckit_node_dec(struct ipckit_node *node, bool strong, bool internal);
bool ipckit_node_get_for_txn(struct ipckit_node *node,
			     struct ipckit_proc **owner);
struct ipckit_proc *ipckit_node_get_owner(struct ipckit_node *node);
void ipckit_node_release_all(struct ipckit_proc *proc);
void ipckit_node_done(struct ipckit_thread *thread, u32 cmd,
		      binder_uintptr_t ptr, binder_uintptr_t cookie);
bool ipckit_node_take_work_ilocked(struct ipckit_node *node,
				   struct binder_ptr_cookie *pc, u32 cmds[2]);
int ipckit_node_debug_info(struct ipckit_proc *proc,
			   struct binder_node_debug_info *info);

/* ref.c */
u32 ipckit_ref_lowest_free_desc(const struct rb_root *root, u32 base);
void ipckit_ref_insert_desc(struct rb_root *root, struct ipckit_ref *ref);
void ipckit_ref_erase_desc(struct rb_root *root, struct ipckit_ref *ref);
struct ipckit_ref *ipckit_ref_get_olocked(struct ipckit_proc *proc, u32 desc,
					  bool need_strong);
struct ipckit_node *ipckit_ref_get_node(struct ipckit_proc *proc, u32 desc,
					bool need_strong);
u32 ipckit_ref_get_txn_target(struct ipckit_proc *proc, u32 desc,
			      struct ipckit_node **node,
			      struct ipckit_proc **owner);
int ipckit_ref_inc_for_node(struct ipckit_proc *proc, struct ipckit_node *node,
			    bool strong, struct ipckit_thread *thread, u32 *desc);
int ipckit_ref_update(struct ipckit_proc *proc, u32 desc, bool increment,
		      bool strong);
int ipckit_ref_node_info(struct ipckit_proc *proc,
			 struct binder_node_info_for_ref *info);
void ipckit_ref_release_all(struct ipckit_proc *proc);

/* death.c */
int ipckit_death_request(struct ipckit_thread *thread, u32 handle,
			 binder_uintptr_t cookie);
int ipckit_death_clear(struct ipckit_thread *thread, u32 handle,
		       binder_uintptr_t cookie);
void ipckit_death_done(struct ipckit_thread *thread, binder_uintptr_t cookie);
void ipckit_death_release_work(struct ipckit_proc *proc,
			       struct ipckit_work *w);

/* translate.c */
int ipckit_translate_objects(struct ipckit_thread *thread,
			     struct ipckit_transaction *t, bool accept_fds,
			     u64 sg_size);
int ipckit_apply_fd_fixups(struct ipckit_transaction *t);
void ipckit_release_buffer_fds(struct ipckit_proc *proc,
			       struct ipckit_buffer *buffer);
void ipckit_deferred_fd_close(int fd);
void ipckit_release_buffer_objects(struct ipckit_proc *proc,
				   struct ipckit_buffer *buffer, u64 upto);
void ipckit_free_fd_fixups(struct ipckit_transaction *t);
void ipckit_node_release_all(struct ipckit_proc *proc);

/* transaction.c */
void ipckit_transaction_send(struct ipckit_thread *thread,
			     const struct binder_transaction_data *tr,
			     bool reply, binder_size_t extra_buffers_size);
void ipckit_transaction_free(struct ipckit_transaction *t);
void ipckit_transaction_cleanup(struct ipckit_transaction *t, u32 error);
void ipckit_transaction_free_buffer(struct ipckit_proc *proc,
				    struct ipckit_buffer *buffer);
void ipckit_transaction_undeliverable(struct ipckit_transaction *t,
				      bool close_fds);
void ipckit_send_failed_reply(struct ipckit_transaction *t, u32 error);
void ipckit_transaction_pop_from_ilocked(struct ipckit_thread *thread,
					 struct ipckit_transaction *t);

/* freeze.c */
int ipckit_freeze(const struct binder_freeze_info *info);
int ipckit_get_frozen_info(struct binder_frozen_status_info *info);
u32 ipckit_frozen_check_ilocked(struct ipckit_proc *proc, bool oneway);
void ipckit_outstanding_inc_ilocked(struct ipckit_proc *proc,
				    struct ipckit_transaction *t);
bool ipckit_outstanding_dec_ilocked(struct ipckit_proc *proc,
				    struct ipckit_transaction *t);

/* freeze_notify.c */
int ipckit_freeze_note_request(struct ipckit_thread *thread, u32 handle,
			       binder_uintptr_t cookie);
int ipckit_freeze_note_clear(struct ipckit_thread *thread, u32 handle,
			     binder_uintptr_t cookie);
int ipckit_freeze_note_done(struct ipckit_thread *thread,
			    binder_uintptr_t cookie);
void ipckit_freeze_note_changed(struct ipckit_proc *proc, bool is_frozen);
void ipckit_freeze_note_unlink_olocked(struct ipckit_ref *ref);
void ipckit_freeze_note_free(struct ipckit_context *ctx,
			     struct ipckit_freeze_note *note);
void ipckit_freeze_note_release_work(struct ipckit_proc *proc,
				     struct ipckit_work *w);

/* netlink.c: the "binder" report family and ipckit's own family */
void ipckit_netlink_init(void);
void ipckit_netlink_exit(void);
bool ipckit_netlink_registered(void);

/*
 * A transaction report's fields (upstream binder's), collected by the
 * sender under its locks and sent after. Pids are init's; 0 for
 * @to_pid/@to_tid leaves them out (target unknown).
 */
struct ipckit_nl_report {
	u32 error;
	u32 from_pid, from_tid;
	u32 to_pid, to_tid;
	u32 flags, code, data_size;
	bool is_reply;
};

bool ipckit_nl_report_wanted(void);

/* txnlog.c: binder_logs/transaction_log and failed_transaction_log */
void ipckit_txn_log(struct ipckit_context *ctx, int id,
		    const struct ipckit_nl_report *r);
void ipckit_txn_log_show(struct seq_file *m, bool failed);
void ipckit_nl_report(struct ipckit_context *ctx,
		      const struct ipckit_nl_report *r);

/*
 * An ipckit event's fields (enum ipckit_event_kind). @tid, @target_pid:
 * 0 leaves them out; @node for DEATH_SENT and CONTEXT_MGR, @handle and
 * @cookie for DEATH_SENT, @timeout_ms for FREEZE, @mgr_left for
 * CONTEXT_MGR.
 */
struct ipckit_nl_event {
	u32 kind;
	pid_t pid, tid, target_pid;
	kuid_t uid;
	u64 node, cookie;
	u32 handle, timeout_ms;
	bool mgr_left;
};

bool ipckit_nl_events_wanted(void);
void ipckit_nl_event(struct ipckit_context *ctx,
		     const struct ipckit_nl_event *ev);
void ipckit_nl_event_queue(struct ipckit_context *ctx,
			   const struct ipckit_nl_event *ev,
			   struct sk_buff_head *q);
void ipckit_nl_event_flush(struct sk_buff_head *q);

/* uring.c: IORING_OP_URING_CMD (IPCKIT_URING_CMD_WRITE_READ) */
struct io_uring_cmd;
struct ipckit_uring_req;
int ipckit_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags);
void ipckit_uring_thread_release(struct ipckit_thread *thread);
void ipckit_uring_exit(void);

/* binderfs.c */
struct inode;
void ipckit_binderfs_init(void);
void ipckit_binderfs_exit(void);
struct ipckit_context *ipckit_binderfs_context(struct inode *inode);
void ipckit_binderfs_add_proc(struct ipckit_proc *proc, struct inode *inode,
			      bool first);
void ipckit_binderfs_remove_proc(struct ipckit_proc *proc);
bool ipckit_binderfs_registered(void);

/* debugfs.c */
#define IPCKIT_STAT_NAME_MAX	48	/* longest counter name, with NUL */
int ipckit_stat_get(struct ipckit_context *ctx, unsigned long i, char *name,
		    size_t len, u64 *value);
struct dentry *ipckit_debugfs_init(void);
void ipckit_debugfs_add_context(struct ipckit_context *ctx,
				struct dentry *root);
void ipckit_debugfs_print_state(struct seq_file *m,
				struct ipckit_context *ctx);
void ipckit_debugfs_print_stats(struct seq_file *m,
				struct ipckit_context *ctx);
void ipckit_debugfs_print_pid(struct seq_file *m, pid_t pid);
void ipckit_debugfs_print_transactions(struct seq_file *m,
				       struct ipckit_context *ctx);
void ipckit_debugfs_exit(struct dentry *root);
void ipckit_debugfs_add_proc(struct ipckit_proc *proc, bool first);
void ipckit_debugfs_remove_proc(struct ipckit_proc *proc);

#endif /* _IPCKIT_INTERNAL_H */
