/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipckit: the per-process receive area and the buffers carved from it.
 *
 * Two layers:
 *
 *   alloc_range.c  struct ipckit_range_alloc: WHERE a buffer goes. Best fit
 *                  among the free holes, splitting and coalescing, the
 *                  one-way budget. Plain bookkeeping, no pages, no mm, so
 *                  KUnit can drive it (tests/alloc_test.c).
 *
 *   alloc.c        struct ipckit_alloc: the range allocator plus the pages
 *                  behind it, the user mapping, the copy helpers and the
 *                  lock. This is what the rest of the driver calls.
 *
 * Locking rules are at the top of alloc.c.
 */
#ifndef _IPCKIT_ALLOC_H
#define _IPCKIT_ALLOC_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/types.h>

struct ipckit_context;
struct mm_struct;
struct page;
struct seq_file;
struct vm_area_struct;

/* Every buffer starts and ends on this boundary; the smallest slot. */
#define IPCKIT_BUFFER_ALIGN	sizeof(u64)

/**
 * struct ipckit_buffer - one slot of the receive area, allocated or free
 * @entry:              entry in ipckit_range_alloc::buffers (address order)
 * @rb_node:            node in ipckit_range_alloc::free_holes when @free,
 *                      in ipckit_range_alloc::allocated otherwise
 * @user_data:          user address of the slot's first byte
 * @data_size:          transaction data size as requested
 * @offsets_size:       offsets array size as requested
 * @extra_buffers_size: scatter-gather (and secctx) space as requested
 * @payload_size:       ALIGN(data_size, 8) + ALIGN(offsets_size, 8) +
 *                      ALIGN(extra_buffers_size, 8): the bytes the copy
 *                      helpers accept. The slot itself is at least 8 bytes
 *                      (see ipckit_range_buffer_size())
 * @free:               a hole, not a buffer
 * @allow_user_free:    delivered to userspace, which may BC_FREE_BUFFER it;
 *                      set by ipckit_alloc_buffer_delivered(), cleared by
 *                      ipckit_alloc_prepare_to_free()
 * @async:              a one-way buffer, charged to the one-way budget
 * @clear_on_free:      TF_CLEAR_BUF: zero the slot before it is released
 * @transaction:        the caller's, opaque here; NULL after allocation
 * @target_node:        the caller's, opaque here; NULL after allocation
 * @pid:                sender tgid, for debugfs and spam detection
 * @oneway_spam_suspect: one-way buffer whose sender looked like it floods
 *                      the area (ipckit_range_reserve())
 *
 * Fields other than the caller's (@transaction, @target_node,
 * @clear_on_free) are written under ipckit_alloc::lock only. While a
 * buffer is allocated its place and size never change, so its owner may
 * read them without the lock.
 */
struct ipckit_buffer {
	struct list_head entry;
	struct rb_node rb_node;
	unsigned long user_data;
	size_t data_size;
	size_t offsets_size;
	size_t extra_buffers_size;
	size_t payload_size;
	bool free;
	bool allow_user_free;
	bool async;
	bool clear_on_free;
	void *transaction;
	void *target_node;
	pid_t pid;
	bool oneway_spam_suspect;
};

/**
 * struct ipckit_range_alloc - placement of buffers inside the receive area
 * @base:             user address of the area's first byte
 * @size:             bytes in the area; 0 until ipckit_range_setup()
 * @buffers:          every slot, free or not, in address order; the slots
 *                    tile [@base, @base + @size) without gaps
 * @free_holes:       free slots, keyed by (size, address)
 * @allocated:        allocated slots, keyed by address
 * @free_async_space: bytes one-way buffers may still take; @size / 2 at
 *                    setup. Only slot bytes are charged, not the
 *                    bookkeeping struct (the reference of some versions
 *                    also charges sizeof(struct binder_buffer))
 * @oneway_spam_detected: a spam suspect was reported and the one-way
 *                    budget has not recovered since
 * @nr_allocated:     allocated slots
 * @allocated_bytes:  sum of their slot sizes
 *
 * A slot's size is not stored: it runs to the next slot's @user_data (or
 * to the end of the area), so slots can never overlap or leave gaps.
 * Free slots are never adjacent: releasing one merges it with free
 * neighbours. No locking of its own: the owner serialises all calls.
 */
struct ipckit_range_alloc {
	unsigned long base;
	size_t size;
	struct list_head buffers;
	struct rb_root free_holes;
	struct rb_root allocated;
	size_t free_async_space;
	bool oneway_spam_detected;
	size_t nr_allocated;
	size_t allocated_bytes;
};

int ipckit_range_slot_size(size_t data_size, size_t offsets_size,
			   size_t extra_buffers_size, size_t *slot);
void ipckit_range_init(struct ipckit_range_alloc *ra);
int ipckit_range_setup(struct ipckit_range_alloc *ra, unsigned long base,
		       size_t size);
void ipckit_range_teardown(struct ipckit_range_alloc *ra);
struct ipckit_buffer *ipckit_range_reserve(struct ipckit_range_alloc *ra,
					   size_t data_size,
					   size_t offsets_size,
					   size_t extra_buffers_size,
					   bool is_async, pid_t pid);
int ipckit_range_release(struct ipckit_range_alloc *ra,
			 struct ipckit_buffer *buf);
struct ipckit_buffer *ipckit_range_lookup(const struct ipckit_range_alloc *ra,
					  unsigned long user_data);
struct ipckit_buffer *
ipckit_range_prepare_to_free(struct ipckit_range_alloc *ra,
			     unsigned long user_data);
size_t ipckit_range_buffer_size(const struct ipckit_range_alloc *ra,
				const struct ipckit_buffer *buf);
size_t ipckit_range_largest_hole(const struct ipckit_range_alloc *ra);

/**
 * struct ipckit_alloc_page - one page of the receive area
 * @page:  the page (mapped into the process), or NULL
 * @users: allocated buffers that touch the page
 * @lru:   while @page is set and @users is 0 the page is idle: kept for
 *         the next buffer, on the global idle list (ipckit_alloc_lru)
 *         that the shrinker reclaims from; guarded by that list's lock
 * @alloc: the area this page belongs to, for the shrinker
 */
struct ipckit_alloc_page {
	struct page *page;
	unsigned int users;
	struct list_head lru;
	struct ipckit_alloc *alloc;
};

/**
 * struct ipckit_alloc - one process's receive area
 * @lock:         guards everything below except where noted; a sleeping
 *                lock, taken with no spinlock held; mmap_lock nests inside
 * @state:        enum ipckit_alloc_state in alloc.c. Claimed by cmpxchg in
 *                ipckit_alloc_mmap() (which must not take @lock), published
 *                with a release store, moved to "vma gone" by
 *                ipckit_alloc_vma_close() without @lock; readers under
 *                @lock use acquire loads
 * @pid:          tgid of the process that called ipckit_alloc_init(), for
 *                logs; invariant
 * @range:        placement of buffers; protected by @lock
 * @pages:        @nr_pages entries; the array pointer is invariant between
 *                mmap and release, the entries are protected by @lock (an
 *                allocated buffer's pages do not change, so its owner may
 *                read them without the lock)
 * @nr_pages:     entries in @pages; invariant after mmap
 * @pages_in_use: entries with a page, idle ones included; protected by
 *                @lock
 * @mm:           the mapping process's mm (mmgrab reference); invariant
 *                after mmap, dropped by ipckit_alloc_release_all()
 * @vm_ops:       vma->vm_ops at mmap time, to recognise our vma; invariant
 * @owner:        vma->vm_private_data at mmap time, likewise; invariant
 * @ctx:          the context whose buffer and page counters this area
 *                bumps (debugfs stats), or NULL; invariant
 */
struct ipckit_alloc {
	struct mutex lock; /* see kernel-doc above */
	int state;
	pid_t pid;
	struct ipckit_range_alloc range;
	struct ipckit_alloc_page *pages;
	size_t nr_pages;
	size_t pages_in_use;
	struct mm_struct *mm;
	const struct vm_operations_struct *vm_ops;
	void *owner;
	struct ipckit_context *ctx;
};

void ipckit_alloc_init(struct ipckit_alloc *alloc, struct ipckit_context *ctx);
int ipckit_alloc_mmap(struct ipckit_alloc *alloc, struct vm_area_struct *vma,
		      void *owner);
void ipckit_alloc_vma_close(struct ipckit_alloc *alloc);
struct ipckit_buffer *ipckit_alloc_new_buf(struct ipckit_alloc *alloc,
					   size_t data_size,
					   size_t offsets_size,
					   size_t extra_buffers_size,
					   bool is_async, pid_t pid);
void ipckit_alloc_free_buf(struct ipckit_alloc *alloc,
			   struct ipckit_buffer *buf);
void ipckit_alloc_buffer_delivered(struct ipckit_alloc *alloc,
				   struct ipckit_buffer *buf);
struct ipckit_buffer *ipckit_alloc_prepare_to_free(struct ipckit_alloc *alloc,
						   unsigned long user_ptr);
size_t ipckit_alloc_copy_user_to_buffer(struct ipckit_alloc *alloc,
					struct ipckit_buffer *buf, u64 offset,
					const void __user *from, size_t bytes);
int ipckit_alloc_copy_to_buffer(struct ipckit_alloc *alloc,
				struct ipckit_buffer *buf, u64 offset,
				const void *src, size_t n);
int ipckit_alloc_copy_from_buffer(struct ipckit_alloc *alloc, void *dst,
				  struct ipckit_buffer *buf, u64 offset,
				  size_t n);
size_t ipckit_alloc_release_all(struct ipckit_alloc *alloc,
				void (*release_buf)(struct ipckit_buffer *buf));
void ipckit_alloc_print(struct ipckit_alloc *alloc, struct seq_file *m);
void ipckit_alloc_usage(struct ipckit_alloc *alloc, size_t *buffers,
			size_t *bytes);
int ipckit_alloc_shrinker_init(void);
void ipckit_alloc_shrinker_exit(void);
void ipckit_alloc_print_idle(struct seq_file *m);

#endif /* _IPCKIT_ALLOC_H */
