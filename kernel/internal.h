/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipckit: shared types of the module.
 *
 * LOCKING
 * =======
 * ipckit_contexts (main.c) is built by module init and torn down by module
 * exit; nothing else walks it, so it needs no lock.
 *
 * struct ipckit_context::lock (mutex)
 *	guards @procs, the list of processes that have the device open.
 *
 * struct ipckit_proc::lock (mutex)
 *	guards the receive-area fields (@map_*) of one process.
 *
 * Nesting order, outermost first:
 *	ipckit_context::lock -> ipckit_proc::lock
 *
 * Statistics are atomic64_t counters read locklessly by debugfs.
 *
 * Function suffixes name the lock the caller must hold: _clocked for
 * ipckit_context::lock, _plocked for ipckit_proc::lock.
 */
#ifndef _IPCKIT_INTERNAL_H
#define _IPCKIT_INTERNAL_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/types.h>

#include <linux/ipckit.h>

#define IPCKIT_LOG_PREFIX "ipckit: "

/* A misc device name: what fits in /dev and /sys/class/misc. */
#define IPCKIT_DEVNAME_MAX	32
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
	IPCKIT_STAT_COUNT
};

/**
 * struct ipckit_context - one device (one devices= entry) and its world
 * @link:    entry in ipckit_contexts; touched by module init/exit only
 * @misc:    the registered misc device; @misc.name points at @name
 * @name:    device name as given in devices=
 * @lock:    guards @procs
 * @procs:   processes with the device open (struct ipckit_proc::ctx_link)
 * @nprocs:  live processes; debugfs and leak checks read it locklessly
 * @debugfs: this context's debugfs directory, or NULL/ERR when absent
 * @stats:   event counters, see enum ipckit_stat
 */
struct ipckit_context {
	struct list_head link;
	struct miscdevice misc;
	char name[IPCKIT_DEVNAME_MAX];
	struct mutex lock; /* guards @procs */
	struct list_head procs;
	atomic_t nprocs;
	struct dentry *debugfs;
	atomic64_t stats[IPCKIT_STAT_COUNT];
};

/**
 * struct ipckit_proc - one process's view of one device (per open())
 * @ctx:        the context this file belongs to
 * @ctx_link:   entry in @ctx->procs, guarded by ipckit_context::lock
 * @tsk:        thread-group leader that opened the device (reference held)
 * @pid:        tgid of @tsk, for logs and debugfs
 * @lock:       guards @map_start and @map_size
 * @map_start:  user address of the receive area, 0 before mmap
 * @map_size:   size of the receive area; non-zero once mapped (never reset,
 *              so a process maps exactly once, as the reference)
 */
struct ipckit_proc {
	struct ipckit_context *ctx;
	struct list_head ctx_link;
	struct task_struct *tsk;
	pid_t pid;
	struct mutex lock; /* guards @map_start, @map_size */
	unsigned long map_start;
	size_t map_size;
};

static inline void ipckit_stat_inc(struct ipckit_context *ctx,
				   enum ipckit_stat stat)
{
	atomic64_inc(&ctx->stats[stat]);
}

extern const char *const ipckit_stat_names[IPCKIT_STAT_COUNT];
extern const struct file_operations ipckit_fops;

int ipckit_context_create(const char *name, struct dentry *debugfs_root,
			  struct ipckit_context **out);
void ipckit_context_destroy(struct ipckit_context *ctx);

struct dentry *ipckit_debugfs_init(void);
void ipckit_debugfs_add_context(struct ipckit_context *ctx,
				struct dentry *root);
void ipckit_debugfs_exit(struct dentry *root);

#endif /* _IPCKIT_INTERNAL_H */
