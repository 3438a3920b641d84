// SPDX-License-Identifier: GPL-2.0
/*
 * The receive area of one process: buffers carved from the range the
 * process mapped, the pages behind them, and the copies into them.
 *
 * alloc_range.c decides where a buffer goes; this file backs it with
 * pages. A page is allocated and inserted into the user mapping when the
 * first buffer that touches it is allocated. When the last such buffer is
 * freed the page stays mapped but idle, on a global LRU list, so the next
 * buffer there needs no page allocation, insertion or zap: the shrinker
 * (memory pressure) zaps and frees idle pages, oldest first, and process
 * teardown frees the rest.
 *
 * LOCKING
 * =======
 * struct ipckit_alloc::lock (mutex) guards the buffers, the range
 * allocator and the page array. It sleeps, so it is never taken under a
 * spinlock (ipckit_proc::inner_lock included). Inside it the process's
 * mmap_lock is taken for reading, to insert and zap pages:
 *
 *	ipckit_alloc::lock -> mmap_lock
 *
 * Hence two entry points must not take ipckit_alloc::lock, because the
 * mm calls them with mmap_lock already held:
 *
 *   ipckit_alloc_mmap()       (from f_op->mmap, mmap_lock held for writing)
 *	claims the area with a cmpxchg on @state, sets it up while nobody
 *	else can look (every reader checks @state first), and publishes it
 *	with a release store;
 *   ipckit_alloc_vma_close()  (from vm_ops->close, mmap_lock held)
 *	only moves @state to "vma gone" so that new buffers fail with
 *	-ESRCH. Buffers still allocated keep their pages until freed.
 *
 * For the same reason a caller must not hold, around any other entry
 * point, a lock that it also takes with mmap_lock held (for instance in
 * its own mmap handler).
 *
 * The vma is never cached: each time pages are inserted or zapped it is
 * looked up under mmap_lock and recognised by its vm_ops and
 * vm_private_data, so a vma that was unmapped, or replaced by someone
 * else's mapping at the same address, is never touched.
 *
 * The copy helpers do not take the lock: the caller owns the buffer
 * (allocated, not yet passed to ipckit_alloc_free_buf()), and the pages of
 * an allocated buffer do not change.
 *
 * ipckit_alloc_lru_lock (spinlock) guards the global idle-page list and
 * every page's @lru entry. It nests inside ipckit_alloc::lock; the
 * shrinker, which starts from the list, only trylocks an area's lock (and
 * its mmap_lock) under it, so it never waits in the wrong order. An area
 * takes its idle pages off the list (under its own lock) before it is
 * freed, so an entry on the list always points at a live area.
 *
 * Public functions take the lock themselves; those suffixed _locked
 * expect it held.
 */
#include <linux/highmem.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "alloc.h"
#include "compat.h"
#include "internal.h"

static DEFINE_SPINLOCK(ipckit_alloc_lru_lock);
static LIST_HEAD(ipckit_alloc_lru);
static unsigned long ipckit_alloc_lru_count;	/* under the lru lock */
static atomic64_t ipckit_alloc_reclaimed = ATOMIC64_INIT(0);

/* ipckit_alloc::state. Only ever moves down this list. */
enum ipckit_alloc_state {
	IPCKIT_ALLOC_UNMAPPED,	/* before mmap */
	IPCKIT_ALLOC_MAPPING,	/* mmap is setting it up */
	IPCKIT_ALLOC_MAPPED,	/* usable */
	IPCKIT_ALLOC_VMA_GONE,	/* unmapped: buffers and pages remain */
	IPCKIT_ALLOC_RELEASED,	/* ipckit_alloc_release_all() ran */
};

static int ipckit_alloc_state_locked(struct ipckit_alloc *alloc)
	__must_hold(&alloc->lock)
{
	lockdep_assert_held(&alloc->lock);
	/*
	 * Pairs with the smp_store_release() in ipckit_alloc_mmap(): seeing
	 * MAPPED means seeing the area it set up without @lock.
	 */
	return smp_load_acquire(&alloc->state);
}

/* Buffers and pages exist (possibly without a vma). */
static bool ipckit_alloc_has_area_locked(struct ipckit_alloc *alloc)
	__must_hold(&alloc->lock)
{
	int state = ipckit_alloc_state_locked(alloc);

	return state == IPCKIT_ALLOC_MAPPED || state == IPCKIT_ALLOC_VMA_GONE;
}

/* debugfs counters of the context, if any (atomics: any lock or none). */
static void ipckit_alloc_count(struct ipckit_alloc *alloc, enum ipckit_obj obj,
			       bool created, size_t n)
{
	if (!alloc->ctx || !n)
		return;
	if (created)
		atomic64_add(n, &alloc->ctx->created[obj]);
	else
		atomic64_add(n, &alloc->ctx->deleted[obj]);
}

/**
 * ipckit_alloc_init() - initialise the receive area of a process
 * @alloc: the area, embedded in the caller's per-process state
 * @ctx:   the context whose buffer_ and page_ counters to keep, or NULL
 *
 * Call from open(): records the caller's tgid for logs. Nothing is
 * allocated until ipckit_alloc_mmap().
 */
void ipckit_alloc_init(struct ipckit_alloc *alloc, struct ipckit_context *ctx)
{
	mutex_init(&alloc->lock);
	alloc->state = IPCKIT_ALLOC_UNMAPPED;
	alloc->pid = current->tgid;
	ipckit_range_init(&alloc->range);
	alloc->pages = NULL;
	alloc->nr_pages = 0;
	alloc->pages_in_use = 0;
	alloc->mm = NULL;
	alloc->vm_ops = NULL;
	alloc->owner = NULL;
	alloc->ctx = ctx;
}

/**
 * ipckit_alloc_mmap() - set the receive area up on a new mapping
 * @alloc: the area
 * @vma:   the vma being mapped; the caller has already set its vm_ops,
 *         VM_MIXEDMAP and vm_private_data = @owner (and, as the
 *         reference, VM_DONTCOPY, with VM_MAYWRITE cleared)
 * @owner: the caller's cookie that identifies the vma later
 *
 * Called from f_op->mmap with mmap_lock held for writing, so it does not
 * take @alloc->lock. The area is the first min(vma size, 4 MiB) bytes of
 * the vma; no page is allocated yet. A process maps once: a second call,
 * even after munmap, fails.
 *
 * Return: 0; -EBUSY if already mapped (ever); -EINVAL if @vma is not
 * prepared as above; -ENOMEM.
 */
int ipckit_alloc_mmap(struct ipckit_alloc *alloc, struct vm_area_struct *vma,
		      void *owner)
{
	size_t size = min_t(unsigned long, vma->vm_end - vma->vm_start,
			    IPCKIT_MAP_SIZE_MAX);
	struct ipckit_alloc_page *pages;
	size_t i;
	int err;

	/* VM_MIXEDMAP: vm_insert_page() under the read lock needs it set. */
	if (!vma->vm_ops || vma->vm_private_data != owner ||
	    !(vma->vm_flags & VM_MIXEDMAP))
		return -EINVAL;
	if (cmpxchg(&alloc->state, IPCKIT_ALLOC_UNMAPPED,
		    IPCKIT_ALLOC_MAPPING) != IPCKIT_ALLOC_UNMAPPED)
		return -EBUSY;

	pages = kvcalloc(size >> PAGE_SHIFT, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		err = -ENOMEM;
		goto err_unclaim;
	}
	err = ipckit_range_setup(&alloc->range, vma->vm_start, size);
	if (err)
		goto err_free_pages;

	for (i = 0; i < size >> PAGE_SHIFT; i++) {
		INIT_LIST_HEAD(&pages[i].lru);
		pages[i].alloc = alloc;
	}
	alloc->pages = pages;
	alloc->nr_pages = size >> PAGE_SHIFT;
	alloc->pages_in_use = 0;
	alloc->vm_ops = vma->vm_ops;
	alloc->owner = owner;
	alloc->mm = vma->vm_mm;
	mmgrab(alloc->mm);
	/* Pairs with the smp_load_acquire() of every reader. */
	smp_store_release(&alloc->state, IPCKIT_ALLOC_MAPPED);
	return 0;

err_free_pages:
	kvfree(pages);
err_unclaim:
	/* Nobody looked: readers only trust MAPPED and later. */
	smp_store_release(&alloc->state, IPCKIT_ALLOC_UNMAPPED);
	return err;
}

/**
 * ipckit_alloc_vma_close() - the mapping is going away
 * @alloc: the area
 *
 * Called from vm_ops->close with mmap_lock held (for writing, or for
 * reading after munmap downgraded it): must not, and does not, take
 * @alloc->lock. New buffers fail with -ESRCH from now on. Allocated ones
 * stay valid until freed; their pages are zapped then from whatever part
 * of the area is still mapped (munmap may have closed only part of it).
 */
void ipckit_alloc_vma_close(struct ipckit_alloc *alloc)
{
	cmpxchg(&alloc->state, IPCKIT_ALLOC_MAPPED, IPCKIT_ALLOC_VMA_GONE);
}

/* Our vma at @addr, or NULL. @mm is read-locked. */
static struct vm_area_struct *ipckit_alloc_vma(struct ipckit_alloc *alloc,
					       struct mm_struct *mm,
					       unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	vma = vma_lookup(mm, addr);
	if (!vma || vma->vm_ops != alloc->vm_ops ||
	    vma->vm_private_data != alloc->owner)
		return NULL;
	return vma;
}

static unsigned long ipckit_alloc_page_addr(struct ipckit_alloc *alloc,
					    size_t index)
{
	return alloc->range.base + (index << PAGE_SHIFT);
}

/*
 * Unmap page @index from the process (if @mm: read-locked, alive, and the
 * vma is still ours) and free it.
 */
static void ipckit_alloc_drop_page_locked(struct ipckit_alloc *alloc,
					  struct mm_struct *mm, size_t index)
	__must_hold(&alloc->lock)
{
	struct ipckit_alloc_page *p = &alloc->pages[index];
	unsigned long addr = ipckit_alloc_page_addr(alloc, index);

	spin_lock(&ipckit_alloc_lru_lock);
	if (!list_empty(&p->lru)) {
		list_del_init(&p->lru);
		ipckit_alloc_lru_count--;
	}
	spin_unlock(&ipckit_alloc_lru_lock);
	if (mm) {
		struct vm_area_struct *vma = ipckit_alloc_vma(alloc, mm, addr);

		if (vma)
			ipckit_zap_page(vma, addr);
	}
	__free_page(p->page);
	p->page = NULL;
	p->users = 0;
	alloc->pages_in_use--;
	ipckit_alloc_count(alloc, IPCKIT_OBJ_PAGE, false, 1);
}

/* One user fewer for page @index; the last one makes it idle. */
static void ipckit_alloc_put_page_locked(struct ipckit_alloc *alloc,
					 size_t index)
	__must_hold(&alloc->lock)
{
	struct ipckit_alloc_page *p = &alloc->pages[index];

	if (WARN_ON_ONCE(!p->users || !p->page))
		return;
	if (--p->users)
		return;
	spin_lock(&ipckit_alloc_lru_lock);
	list_add_tail(&p->lru, &ipckit_alloc_lru);
	ipckit_alloc_lru_count++;
	spin_unlock(&ipckit_alloc_lru_lock);
}

/*
 * One user more for page @index; the first one allocates the page and
 * maps it. @mm is read-locked whenever the page may be missing.
 */
static int ipckit_alloc_get_page_locked(struct ipckit_alloc *alloc,
					struct mm_struct *mm, size_t index)
	__must_hold(&alloc->lock)
{
	struct ipckit_alloc_page *p = &alloc->pages[index];
	unsigned long addr = ipckit_alloc_page_addr(alloc, index);
	struct vm_area_struct *vma;
	struct page *page;
	int err;

	if (p->users) {
		p->users++;
		return 0;
	}
	if (p->page) {
		/* Idle and still mapped: take it back from the LRU. */
		spin_lock(&ipckit_alloc_lru_lock);
		list_del_init(&p->lru);
		ipckit_alloc_lru_count--;
		spin_unlock(&ipckit_alloc_lru_lock);
		p->users = 1;
		return 0;
	}
	if (WARN_ON_ONCE(!mm))
		return -EINVAL;

	vma = ipckit_alloc_vma(alloc, mm, addr);
	if (!vma)
		return -ESRCH;
	page = alloc_page(GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	err = vm_insert_page(vma, addr, page);
	if (err) {
		__free_page(page);
		pr_err_ratelimited(IPCKIT_LOG_PREFIX "pid %d: cannot map a page at %lx: %d\n",
				   alloc->pid, addr, err);
		return -ENOMEM;
	}
	p->page = page;
	p->users = 1;
	alloc->pages_in_use++;
	ipckit_alloc_count(alloc, IPCKIT_OBJ_PAGE, true, 1);
	return 0;
}

/* First and last page index of an allocated buffer. */
static void ipckit_alloc_page_span(struct ipckit_alloc *alloc,
				   struct ipckit_buffer *buf,
				   size_t *first, size_t *last)
{
	unsigned long start = buf->user_data - alloc->range.base;
	size_t size = ipckit_range_buffer_size(&alloc->range, buf);

	/* Slots are at least 8 bytes and lie inside the area. */
	*first = start >> PAGE_SHIFT;
	*last = (start + size - 1) >> PAGE_SHIFT;
}

/*
 * Take @mm (alive, read-locked) if it still has users. Return NULL when
 * the process's address space is gone: its page tables are then torn
 * down (or being torn down) without us, and each mapped page holds a
 * reference of its own, so freeing ours is all that is left to do.
 */
static struct mm_struct *ipckit_alloc_lock_mm(struct ipckit_alloc *alloc)
{
	struct mm_struct *mm = alloc->mm;

	if (!mmget_not_zero(mm))
		return NULL;
	mmap_read_lock(mm);
	return mm;
}

static void ipckit_alloc_unlock_mm(struct mm_struct *mm)
{
	if (!mm)
		return;
	mmap_read_unlock(mm);
	/* The last mmput tears the mm down: not under our mutex. */
	mmput_async(mm);
}

/* Pages for a buffer just placed; on failure no page count changed. */
static int ipckit_alloc_get_pages_locked(struct ipckit_alloc *alloc,
					 struct ipckit_buffer *buf)
	__must_hold(&alloc->lock)
{
	struct mm_struct *mm = NULL;
	size_t first, last, i;
	int err = 0;

	ipckit_alloc_page_span(alloc, buf, &first, &last);
	for (i = first; i <= last; i++)
		if (!alloc->pages[i].page)
			break;
	if (i <= last) {
		mm = ipckit_alloc_lock_mm(alloc);
		if (!mm)
			return -ESRCH;
		/*
		 * A close that raced with us: give up. One that comes later
		 * (munmap may close under a downgraded read lock) is fine:
		 * its vma is already out of the tree, so the lookups below
		 * fail, or it closed part of the area and the rest is
		 * still a valid place for the pages.
		 */
		if (READ_ONCE(alloc->state) != IPCKIT_ALLOC_MAPPED) {
			ipckit_alloc_unlock_mm(mm);
			return -ESRCH;
		}
	}

	for (i = first; i <= last; i++) {
		err = ipckit_alloc_get_page_locked(alloc, mm, i);
		if (err)
			break;
	}
	if (err) {
		while (i-- > first)
			ipckit_alloc_put_page_locked(alloc, i);
	}
	ipckit_alloc_unlock_mm(mm);
	return err;
}

/* Give back the pages of a buffer about to be released. */
static void ipckit_alloc_put_pages_locked(struct ipckit_alloc *alloc,
					  struct ipckit_buffer *buf)
	__must_hold(&alloc->lock)
{
	size_t first, last, i;

	ipckit_alloc_page_span(alloc, buf, &first, &last);
	for (i = first; i <= last; i++)
		ipckit_alloc_put_page_locked(alloc, i);
}

static void ipckit_alloc_log_enospc_locked(struct ipckit_alloc *alloc,
					   size_t data_size,
					   size_t offsets_size,
					   size_t extra_buffers_size,
					   bool is_async)
	__must_hold(&alloc->lock)
{
	size_t slot = 0;

	/* Cannot fail: the reserve that said -ENOSPC computed it already. */
	ipckit_range_slot_size(data_size, offsets_size, extra_buffers_size,
			       &slot);
	if (is_async && alloc->range.free_async_space < slot)
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "pid %d: one-way buffer of %zu bytes refused: %zu of the one-way budget left\n",
				    alloc->pid, slot,
				    alloc->range.free_async_space);
	else
		pr_info_ratelimited(IPCKIT_LOG_PREFIX "pid %d: buffer of %zu bytes refused: largest free hole %zu, %zu buffers allocated\n",
				    alloc->pid, slot,
				    ipckit_range_largest_hole(&alloc->range),
				    alloc->range.nr_allocated);
}

static struct ipckit_buffer *
ipckit_alloc_new_buf_locked(struct ipckit_alloc *alloc, size_t data_size,
			    size_t offsets_size, size_t extra_buffers_size,
			    bool is_async, pid_t pid)
	__must_hold(&alloc->lock)
{
	struct ipckit_buffer *buf;
	int err;

	if (ipckit_alloc_state_locked(alloc) != IPCKIT_ALLOC_MAPPED)
		return ERR_PTR(-ESRCH);

	buf = ipckit_range_reserve(&alloc->range, data_size, offsets_size,
				   extra_buffers_size, is_async, pid);
	if (IS_ERR(buf)) {
		if (PTR_ERR(buf) == -ENOSPC)
			ipckit_alloc_log_enospc_locked(alloc, data_size,
						       offsets_size,
						       extra_buffers_size,
						       is_async);
		return buf;
	}

	err = ipckit_alloc_get_pages_locked(alloc, buf);
	if (err) {
		/* Cannot fail: @buf was reserved just now. */
		ipckit_range_release(&alloc->range, buf);
		return ERR_PTR(err);
	}
	ipckit_alloc_count(alloc, IPCKIT_OBJ_BUFFER, true, 1);
	return buf;
}

/**
 * ipckit_alloc_new_buf() - allocate a buffer in the receive area
 * @alloc:              the receiving process's area
 * @data_size:          transaction data size
 * @offsets_size:       offsets array size
 * @extra_buffers_size: scatter-gather buffers plus the security context,
 *                      if any
 * @is_async:           a one-way buffer: at most half the area may be
 *                      taken by those
 * @pid:                sender tgid, for debugfs and spam detection
 *
 * The buffer takes ALIGN(@data_size, 8) + ALIGN(@offsets_size, 8) +
 * ALIGN(@extra_buffers_size, 8) bytes (8 if that is 0), from the smallest
 * free hole that fits. Its pages are allocated (zeroed) and mapped into
 * the process read-only. It is not freeable from userspace until
 * ipckit_alloc_buffer_delivered(). Sleeps.
 *
 * Return: the buffer, or ERR_PTR(-EINVAL) (size overflow), -ENOSPC (no
 * hole fits, or the one-way budget is short), -ESRCH (not mapped, or the
 * mapping or the process's mm is gone), -ENOMEM.
 */
struct ipckit_buffer *ipckit_alloc_new_buf(struct ipckit_alloc *alloc,
					   size_t data_size,
					   size_t offsets_size,
					   size_t extra_buffers_size,
					   bool is_async, pid_t pid)
{
	struct ipckit_buffer *buf;

	mutex_lock(&alloc->lock);
	buf = ipckit_alloc_new_buf_locked(alloc, data_size, offsets_size,
					  extra_buffers_size, is_async, pid);
	mutex_unlock(&alloc->lock);
	return buf;
}

/* Page and in-page offset of byte @offset of the slot of @buf. */
static struct page *ipckit_alloc_page_at(struct ipckit_alloc *alloc,
					 struct ipckit_buffer *buf,
					 size_t offset, size_t *pgoff)
{
	unsigned long pos = buf->user_data - alloc->range.base + offset;

	*pgoff = offset_in_page(pos);
	return alloc->pages[pos >> PAGE_SHIFT].page;
}

/* Zero the whole slot of @buf; the caller owns it. */
static void ipckit_alloc_clear_buf(struct ipckit_alloc *alloc,
				   struct ipckit_buffer *buf, size_t size)
{
	size_t offset = 0;

	while (offset < size) {
		size_t pgoff;
		struct page *page = ipckit_alloc_page_at(alloc, buf, offset,
							 &pgoff);
		size_t chunk = min_t(size_t, size - offset,
				     PAGE_SIZE - pgoff);

		memzero_page(page, pgoff, chunk);
		offset += chunk;
	}
}

/**
 * ipckit_alloc_free_buf() - free a buffer
 * @alloc: the area @buf was allocated from
 * @buf:   a buffer from ipckit_alloc_new_buf(), owned by the caller (for a
 *         userspace request: claimed with ipckit_alloc_prepare_to_free())
 *
 * Zeroes the buffer first if @buf->clear_on_free (TF_CLEAR_BUF). Pages no
 * other buffer uses are unmapped and freed. @buf is gone afterwards.
 * A pointer that is not an allocated buffer of @alloc is refused with a
 * warning (a driver bug; userspace pointers go through
 * ipckit_alloc_prepare_to_free()). Sleeps.
 */
void ipckit_alloc_free_buf(struct ipckit_alloc *alloc,
			   struct ipckit_buffer *buf)
{
	struct ipckit_range_alloc *ra = &alloc->range;

	mutex_lock(&alloc->lock);
	/* Not an allocated buffer of ours: a caller bug, touch nothing. */
	if (WARN_ON_ONCE(!ipckit_alloc_has_area_locked(alloc) ||
			 buf->free ||
			 ipckit_range_lookup(ra, buf->user_data) != buf))
		goto out;
	if (buf->clear_on_free)
		ipckit_alloc_clear_buf(alloc, buf,
				       ipckit_range_buffer_size(ra, buf));
	ipckit_alloc_put_pages_locked(alloc, buf);
	ipckit_range_release(ra, buf);
	ipckit_alloc_count(alloc, IPCKIT_OBJ_BUFFER, false, 1);
out:
	mutex_unlock(&alloc->lock);
}

/**
 * ipckit_alloc_buffer_delivered() - userspace may now free @buf
 * @alloc: the area @buf was allocated from
 * @buf:   a buffer whose address has been handed to userspace
 *
 * From now on BC_FREE_BUFFER with @buf->user_data claims it (once).
 */
void ipckit_alloc_buffer_delivered(struct ipckit_alloc *alloc,
				   struct ipckit_buffer *buf)
{
	mutex_lock(&alloc->lock);
	buf->allow_user_free = true;
	mutex_unlock(&alloc->lock);
}

/**
 * ipckit_alloc_prepare_to_free() - claim the buffer userspace wants freed
 * @alloc:    the area of the process that sent BC_FREE_BUFFER
 * @user_ptr: the address it gave, untrusted
 *
 * On success the buffer is the caller's: it tidies up its own state and
 * then calls ipckit_alloc_free_buf(). Any @user_ptr is safe: a foreign,
 * misaligned or stale address gives NULL, a second request for the same
 * buffer ERR_PTR(-EPERM).
 *
 * Return: the buffer; NULL if no allocated buffer starts at @user_ptr;
 * ERR_PTR(-EPERM) if one does but was never delivered or is already
 * being freed.
 */
struct ipckit_buffer *ipckit_alloc_prepare_to_free(struct ipckit_alloc *alloc,
						   unsigned long user_ptr)
{
	struct ipckit_buffer *buf = NULL;

	mutex_lock(&alloc->lock);
	if (ipckit_alloc_has_area_locked(alloc))
		buf = ipckit_range_prepare_to_free(&alloc->range, user_ptr);
	mutex_unlock(&alloc->lock);
	return buf;
}

/* @n bytes at @offset lie inside the payload of a live buffer. */
static bool ipckit_alloc_check_access(struct ipckit_buffer *buf, u64 offset,
				      size_t n)
{
	u64 end;

	if (buf->free)
		return false;
	if (check_add_overflow(offset, (u64)n, &end))
		return false;
	return end <= buf->payload_size;
}

/**
 * ipckit_alloc_copy_user_to_buffer() - copy from a sender straight in
 * @alloc:  the receiver's area
 * @buf:    a buffer of @alloc owned by the caller
 * @offset: where in the payload to write
 * @from:   source in the current process's memory
 * @bytes:  how many bytes
 *
 * Page by page, without an intermediate kernel copy. May fault on @from
 * and sleep; takes no ipckit lock.
 *
 * Return: bytes not copied: 0 on success, @bytes if the range is not
 * inside the payload, the remainder after a fault otherwise.
 */
size_t ipckit_alloc_copy_user_to_buffer(struct ipckit_alloc *alloc,
					struct ipckit_buffer *buf, u64 offset,
					const void __user *from, size_t bytes)
{
	size_t done = 0;

	if (!ipckit_alloc_check_access(buf, offset, bytes))
		return bytes;

	while (done < bytes) {
		size_t pgoff, chunk;
		unsigned long left;
		struct page *page;
		void *kaddr;

		page = ipckit_alloc_page_at(alloc, buf, offset + done, &pgoff);
		chunk = min_t(size_t, bytes - done, PAGE_SIZE - pgoff);
		kaddr = kmap_local_page(page);
		left = copy_from_user(kaddr + pgoff, from + done, chunk);
		kunmap_local(kaddr);
		if (left)
			return bytes - done - chunk + left;
		done += chunk;
	}
	return 0;
}

/* Copy @n bytes between kernel memory and a buffer, page by page. */
static int ipckit_alloc_copy_kernel(struct ipckit_alloc *alloc,
				    struct ipckit_buffer *buf, u64 offset,
				    void *kbuf, size_t n, bool to_buffer)
{
	size_t done = 0;

	if (!ipckit_alloc_check_access(buf, offset, n))
		return -EINVAL;

	while (done < n) {
		size_t pgoff, chunk;
		struct page *page;

		page = ipckit_alloc_page_at(alloc, buf, offset + done, &pgoff);
		chunk = min_t(size_t, n - done, PAGE_SIZE - pgoff);
		if (to_buffer)
			memcpy_to_page(page, pgoff, kbuf + done, chunk);
		else
			memcpy_from_page(kbuf + done, page, pgoff, chunk);
		done += chunk;
	}
	return 0;
}

/**
 * ipckit_alloc_copy_to_buffer() - copy kernel memory into a buffer
 * @alloc:  the area
 * @buf:    a buffer of @alloc owned by the caller
 * @offset: where in the payload to write
 * @src:    source
 * @n:      how many bytes
 *
 * Return: 0, or -EINVAL (nothing copied) if the range is not inside the
 * payload.
 */
int ipckit_alloc_copy_to_buffer(struct ipckit_alloc *alloc,
				struct ipckit_buffer *buf, u64 offset,
				const void *src, size_t n)
{
	return ipckit_alloc_copy_kernel(alloc, buf, offset, (void *)src, n,
					true);
}

/**
 * ipckit_alloc_copy_from_buffer() - copy from a buffer into kernel memory
 * @alloc:  the area
 * @dst:    destination
 * @buf:    a buffer of @alloc owned by the caller
 * @offset: where in the payload to read
 * @n:      how many bytes
 *
 * Return: 0, or -EINVAL (nothing copied) if the range is not inside the
 * payload.
 */
int ipckit_alloc_copy_from_buffer(struct ipckit_alloc *alloc, void *dst,
				  struct ipckit_buffer *buf, u64 offset,
				  size_t n)
{
	return ipckit_alloc_copy_kernel(alloc, buf, offset, dst, n, false);
}

/**
 * ipckit_alloc_release_all() - tear the receive area down
 * @alloc:       the area
 * @release_buf: called (under the lock, must not sleep on it) for every
 *               buffer still allocated, to drop what the caller pinned
 *               through @transaction/@target_node; may be NULL
 *
 * For the final teardown of the process, when nobody holds a buffer any
 * more: every buffer still allocated is freed (zeroed first if
 * @clear_on_free), every page unmapped if the mapping still exists and
 * freed, the page array and the mm reference dropped. Works whether or not
 * the area was ever mapped and whether or not the mm is still alive.
 * Afterwards every entry point fails harmlessly (new buffers -ESRCH, mmap
 * -EBUSY); calling it again returns 0. Sleeps.
 *
 * Return: how many buffers were still allocated.
 */
size_t ipckit_alloc_release_all(struct ipckit_alloc *alloc,
				void (*release_buf)(struct ipckit_buffer *buf))
{
	struct mm_struct *drop_mm = NULL;
	size_t count = 0;

	mutex_lock(&alloc->lock);
	if (ipckit_alloc_has_area_locked(alloc)) {
		struct ipckit_range_alloc *ra = &alloc->range;
		struct mm_struct *mm;
		struct rb_node *n;
		size_t i;

		for (n = rb_first(&ra->allocated); n; n = rb_next(n)) {
			struct ipckit_buffer *buf =
				rb_entry(n, struct ipckit_buffer, rb_node);

			if (buf->clear_on_free)
				ipckit_alloc_clear_buf(alloc, buf,
						       ipckit_range_buffer_size(ra, buf));
			if (release_buf)
				release_buf(buf);
		}
		count = ra->nr_allocated;
		ipckit_alloc_count(alloc, IPCKIT_OBJ_BUFFER, false, count);

		mm = ipckit_alloc_lock_mm(alloc);
		for (i = 0; i < alloc->nr_pages; i++)
			if (alloc->pages[i].page)
				ipckit_alloc_drop_page_locked(alloc, mm, i);
		ipckit_alloc_unlock_mm(mm);
		WARN_ON_ONCE(alloc->pages_in_use);

		ipckit_range_teardown(ra);
		kvfree(alloc->pages);
		alloc->pages = NULL;
		alloc->nr_pages = 0;
		drop_mm = alloc->mm;
		alloc->mm = NULL;
	}
	/* Every reader of RELEASED holds @lock: no barrier needed. */
	WRITE_ONCE(alloc->state, IPCKIT_ALLOC_RELEASED);
	mutex_unlock(&alloc->lock);

	if (drop_mm)
		mmdrop(drop_mm);
	return count;
}

/**
 * ipckit_alloc_print() - one line of receive-area statistics for debugfs
 * @alloc: the area
 * @m:     where to print
 *
 * Mapped size (and whether the mapping is gone), allocated buffers and
 * their bytes, free bytes, the largest free hole, the one-way budget left
 * and the pages in use.
 */
void ipckit_alloc_print(struct ipckit_alloc *alloc, struct seq_file *m)
{
	struct ipckit_range_alloc *ra = &alloc->range;

	mutex_lock(&alloc->lock);
	if (ipckit_alloc_has_area_locked(alloc))
		seq_printf(m, "alloc: mapped %zu%s buffers %zu bytes %zu free %zu largest_hole %zu async_free %zu pages %zu\n",
			   ra->size,
			   READ_ONCE(alloc->state) == IPCKIT_ALLOC_VMA_GONE ?
			   " (unmapped)" : "",
			   ra->nr_allocated, ra->allocated_bytes,
			   ra->size - ra->allocated_bytes,
			   ipckit_range_largest_hole(ra),
			   ra->free_async_space, alloc->pages_in_use);
	else
		seq_puts(m, "alloc: not mapped\n");
	mutex_unlock(&alloc->lock);
}

/* Buffers allocated in the area and their bytes (netlink GET_PROC). */
void ipckit_alloc_usage(struct ipckit_alloc *alloc, size_t *buffers,
			size_t *bytes)
{
	mutex_lock(&alloc->lock);
	if (ipckit_alloc_has_area_locked(alloc)) {
		*buffers = alloc->range.nr_allocated;
		*bytes = alloc->range.allocated_bytes;
	} else {
		*buffers = 0;
		*bytes = 0;
	}
	mutex_unlock(&alloc->lock);
}

/*
 * The shrinker: under memory pressure, zap and free idle pages, oldest
 * first. It only trylocks (an area's lock, the mm's mmap_lock): it may run
 * from an allocation made under those very locks.
 */
static unsigned long ipckit_alloc_shrink_count(struct shrinker *shrink,
					       struct shrink_control *sc)
{
	return READ_ONCE(ipckit_alloc_lru_count);
}

static bool ipckit_alloc_reclaim_one(struct ipckit_alloc_page *p)
	__releases(&ipckit_alloc_lru_lock)
{
	struct ipckit_alloc *alloc = p->alloc;
	size_t index = p - alloc->pages;
	struct mm_struct *mm = NULL;

	if (!mutex_trylock(&alloc->lock)) {
		list_move_tail(&p->lru, &ipckit_alloc_lru);
		spin_unlock(&ipckit_alloc_lru_lock);
		return false;
	}
	/* Under the area's lock the page stays idle: nobody can take it. */
	spin_unlock(&ipckit_alloc_lru_lock);
	if (mmget_not_zero(alloc->mm)) {
		mm = alloc->mm;
		if (!mmap_read_trylock(mm)) {
			mmput_async(mm);
			mutex_unlock(&alloc->lock);
			return false;
		}
	}
	ipckit_alloc_drop_page_locked(alloc, mm, index);
	ipckit_alloc_unlock_mm(mm);
	mutex_unlock(&alloc->lock);
	atomic64_inc(&ipckit_alloc_reclaimed);
	return true;
}

static unsigned long ipckit_alloc_shrink_scan(struct shrinker *shrink,
					      struct shrink_control *sc)
{
	unsigned long freed = 0, tried;

	for (tried = 0; tried < sc->nr_to_scan; tried++) {
		struct ipckit_alloc_page *p;

		spin_lock(&ipckit_alloc_lru_lock);
		p = list_first_entry_or_null(&ipckit_alloc_lru,
					     struct ipckit_alloc_page, lru);
		if (!p) {
			spin_unlock(&ipckit_alloc_lru_lock);
			break;
		}
		if (ipckit_alloc_reclaim_one(p))
			freed++;
	}
	return freed ? freed : SHRINK_STOP;
}

static struct shrinker *ipckit_alloc_shrinker;

int ipckit_alloc_shrinker_init(void)
{
	ipckit_alloc_shrinker = ipckit_shrinker_register("ipckit-pages",
							 ipckit_alloc_shrink_count,
							 ipckit_alloc_shrink_scan);
	return ipckit_alloc_shrinker ? 0 : -ENOMEM;
}

void ipckit_alloc_shrinker_exit(void)
{
	ipckit_shrinker_unregister(ipckit_alloc_shrinker);
}

/* debugfs ipckit/pages: idle pages kept, pages the shrinker reclaimed. */
void ipckit_alloc_print_idle(struct seq_file *m)
{
	seq_printf(m, "idle %lu\nreclaimed %lld\n",
		   READ_ONCE(ipckit_alloc_lru_count),
		   (long long)atomic64_read(&ipckit_alloc_reclaimed));
}
