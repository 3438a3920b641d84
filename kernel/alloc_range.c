// SPDX-License-Identifier: GPL-2.0
/*
 * Placement of buffers inside a receive area: best fit among the free
 * holes, splitting a hole, coalescing on release, the one-way budget.
 *
 * Pure bookkeeping over struct ipckit_buffer: no pages, no mm and no lock
 * of its own (the owner serialises every call), so KUnit can drive it
 * (tests/alloc_test.c). Every operation is an rb-tree descent or a step to
 * a list neighbour; only teardown walks all slots.
 */
#include <linux/align.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "alloc.h"
#include "compat.h"

static struct ipckit_buffer *
ipckit_range_next(const struct ipckit_range_alloc *ra,
		  struct ipckit_buffer *buf)
{
	if (list_is_last(&buf->entry, &ra->buffers))
		return NULL;
	return list_next_entry(buf, entry);
}

static struct ipckit_buffer *
ipckit_range_prev(const struct ipckit_range_alloc *ra,
		  struct ipckit_buffer *buf)
{
	if (list_is_first(&buf->entry, &ra->buffers))
		return NULL;
	return list_prev_entry(buf, entry);
}

/**
 * ipckit_range_buffer_size() - size of a slot, free or allocated
 * @ra:  the range allocator @buf belongs to
 * @buf: the slot
 *
 * A slot runs to the next one, or to the end of the area.
 *
 * Return: the slot size in bytes.
 */
size_t ipckit_range_buffer_size(const struct ipckit_range_alloc *ra,
				const struct ipckit_buffer *buf)
{
	unsigned long end;

	if (list_is_last(&buf->entry, &ra->buffers))
		end = ra->base + ra->size;
	else
		end = list_next_entry(buf, entry)->user_data;
	return end - buf->user_data;
}

/* Round @n up to IPCKIT_BUFFER_ALIGN; -EINVAL if that wraps. */
static int ipckit_range_align(size_t n, size_t *out)
{
	if (check_add_overflow(n, IPCKIT_BUFFER_ALIGN - 1, out))
		return -EINVAL;
	*out &= ~(IPCKIT_BUFFER_ALIGN - 1);
	return 0;
}

/**
 * ipckit_range_payload_size() - bytes a transaction's payload occupies
 * @data_size:          transaction data
 * @offsets_size:       offsets array
 * @extra_buffers_size: scatter-gather buffers and security context
 * @payload:            receives the sum of the three, each rounded up to 8
 *
 * Return: 0, or -EINVAL when a rounding or the sum overflows size_t.
 */
static int ipckit_range_payload_size(size_t data_size, size_t offsets_size,
				     size_t extra_buffers_size,
				     size_t *payload)
{
	size_t data, offsets, extra, sum;

	if (ipckit_range_align(data_size, &data) ||
	    ipckit_range_align(offsets_size, &offsets) ||
	    ipckit_range_align(extra_buffers_size, &extra) ||
	    check_add_overflow(data, offsets, &sum) ||
	    check_add_overflow(sum, extra, payload))
		return -EINVAL;
	return 0;
}

/**
 * ipckit_range_slot_size() - bytes of the area a request would take
 * @data_size:          transaction data
 * @offsets_size:       offsets array
 * @extra_buffers_size: scatter-gather buffers and security context
 * @slot:               receives the slot size
 *
 * The payload size (each part rounded up to 8), but at least 8 so that
 * every buffer, even an empty one, has an address of its own.
 *
 * Return: 0, or -EINVAL when the size overflows size_t.
 */
int ipckit_range_slot_size(size_t data_size, size_t offsets_size,
			   size_t extra_buffers_size, size_t *slot)
{
	size_t payload;

	if (ipckit_range_payload_size(data_size, offsets_size,
				      extra_buffers_size, &payload))
		return -EINVAL;
	*slot = max_t(size_t, payload, IPCKIT_BUFFER_ALIGN);
	return 0;
}

/* Free holes are ordered by size, then address: best fit is the leftmost. */
static void ipckit_range_insert_hole(struct ipckit_range_alloc *ra,
				     struct ipckit_buffer *hole)
{
	struct rb_node **p = &ra->free_holes.rb_node;
	struct rb_node *parent = NULL;
	size_t size = ipckit_range_buffer_size(ra, hole);

	while (*p) {
		struct ipckit_buffer *b = rb_entry(*p, struct ipckit_buffer,
						   rb_node);
		size_t bsize = ipckit_range_buffer_size(ra, b);

		parent = *p;
		if (size < bsize ||
		    (size == bsize && hole->user_data < b->user_data))
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&hole->rb_node, parent, p);
	rb_insert_color(&hole->rb_node, &ra->free_holes);
}

static void ipckit_range_insert_allocated(struct ipckit_range_alloc *ra,
					  struct ipckit_buffer *buf)
{
	struct rb_node **p = &ra->allocated.rb_node;
	struct rb_node *parent = NULL;

	while (*p) {
		struct ipckit_buffer *b = rb_entry(*p, struct ipckit_buffer,
						   rb_node);

		parent = *p;
		if (buf->user_data < b->user_data)
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&buf->rb_node, parent, p);
	rb_insert_color(&buf->rb_node, &ra->allocated);
}

/* The smallest hole of at least @size bytes (lowest address on a tie). */
static struct ipckit_buffer *
ipckit_range_best_fit(const struct ipckit_range_alloc *ra, size_t size)
{
	struct rb_node *n = ra->free_holes.rb_node;
	struct ipckit_buffer *best = NULL;

	while (n) {
		struct ipckit_buffer *b = rb_entry(n, struct ipckit_buffer,
						   rb_node);

		if (ipckit_range_buffer_size(ra, b) >= size) {
			best = b;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

/**
 * ipckit_range_init() - make @ra an empty allocator with no area
 * @ra: the range allocator
 *
 * Any reserve fails with -ENOSPC until ipckit_range_setup().
 */
void ipckit_range_init(struct ipckit_range_alloc *ra)
{
	ra->base = 0;
	ra->size = 0;
	INIT_LIST_HEAD(&ra->buffers);
	ra->free_holes = RB_ROOT;
	ra->allocated = RB_ROOT;
	ra->free_async_space = 0;
	ra->oneway_spam_detected = false;
	ra->nr_allocated = 0;
	ra->allocated_bytes = 0;
}

/**
 * ipckit_range_setup() - give an initialised allocator its area
 * @ra:   the range allocator, fresh from ipckit_range_init()
 * @base: first address of the area, a multiple of 8
 * @size: bytes in the area, a non-zero multiple of 8
 *
 * The whole area becomes one free hole; one-way buffers may take half.
 *
 * Return: 0; -EINVAL for a bad area or if @ra already has one; -ENOMEM.
 */
int ipckit_range_setup(struct ipckit_range_alloc *ra, unsigned long base,
		       size_t size)
{
	struct ipckit_buffer *hole;
	unsigned long end;

	if (ra->size || !size || !IS_ALIGNED(base, IPCKIT_BUFFER_ALIGN) ||
	    !IS_ALIGNED(size, IPCKIT_BUFFER_ALIGN) ||
	    check_add_overflow(base, (unsigned long)size, &end))
		return -EINVAL;

	hole = kzalloc(sizeof(*hole), GFP_KERNEL);
	if (!hole)
		return -ENOMEM;

	ra->base = base;
	ra->size = size;
	ra->free_async_space = size / 2;
	hole->user_data = base;
	hole->free = true;
	list_add(&hole->entry, &ra->buffers);
	ipckit_range_insert_hole(ra, hole);
	return 0;
}

/**
 * ipckit_range_teardown() - free every slot and forget the area
 * @ra: the range allocator
 *
 * Allocated buffers go too: every pointer to one dangles afterwards. @ra
 * is left as ipckit_range_init() leaves it. May sleep.
 */
void ipckit_range_teardown(struct ipckit_range_alloc *ra)
{
	struct ipckit_buffer *buf, *tmp;

	list_for_each_entry_safe(buf, tmp, &ra->buffers, entry) {
		list_del(&buf->entry);
		kfree(buf);
		cond_resched();
	}
	ipckit_range_init(ra);
}

/*
 * One-way spam detection, with the reference's thresholds. Once less than
 * a tenth of the area (a fifth of the one-way budget) is left for one-way
 * buffers, the sender of each new one is checked: more than 50 one-way
 * buffers of its own, or more than a quarter of the area, makes it a
 * suspect (on v6.8+ not counting the new one, see compat.h). Only the
 * first suspect is reported until the budget climbs back over the tenth;
 * @oneway_spam_detected remembers that. The walk is bounded by the
 * buffers the area can hold.
 */
static bool ipckit_range_spam_suspect(struct ipckit_range_alloc *ra,
				      struct ipckit_buffer *new, pid_t pid)
{
	size_t nr_buffers = 0, total = 0;
	struct rb_node *n;

	if (ra->free_async_space >= ra->size / 10) {
		ra->oneway_spam_detected = false;
		return false;
	}
	for (n = rb_first(&ra->allocated); n; n = rb_next(n)) {
		struct ipckit_buffer *buf =
			rb_entry(n, struct ipckit_buffer, rb_node);

		if (buf->pid != pid || !buf->async)
			continue;
		/* v6.8+: the reference's check runs before it is the sender's. */
		if (buf == new && !IPCKIT_SPAM_COUNTS_NEW_BUFFER)
			continue;
		total += ipckit_range_buffer_size(ra, buf);
		nr_buffers++;
	}
	if (nr_buffers <= 50 && total <= ra->size / 4)
		return false;
	if (ra->oneway_spam_detected)
		return false;
	ra->oneway_spam_detected = true;
	return true;
}

/**
 * ipckit_range_reserve() - place a new buffer
 * @ra:                 the range allocator
 * @data_size:          transaction data size
 * @offsets_size:       offsets array size
 * @extra_buffers_size: scatter-gather (and security context) size
 * @is_async:           a one-way buffer, charged to the one-way budget
 * @pid:                sender tgid, recorded in the buffer
 *
 * Takes the smallest hole that fits the slot (ipckit_range_slot_size())
 * and leaves what it does not need as a hole of its own. On failure
 * nothing changed. A one-way buffer may be marked a spam suspect, see
 * ipckit_range_spam_suspect().
 *
 * Return: the buffer, with the sizes and @pid filled in, @allow_user_free,
 * @clear_on_free, @transaction and @target_node clear; or
 * ERR_PTR(-EINVAL) if the size overflows, ERR_PTR(-ENOSPC) if no hole
 * fits or the one-way budget is short, ERR_PTR(-ENOMEM).
 */
struct ipckit_buffer *ipckit_range_reserve(struct ipckit_range_alloc *ra,
					   size_t data_size,
					   size_t offsets_size,
					   size_t extra_buffers_size,
					   bool is_async, pid_t pid)
{
	struct ipckit_buffer *buf, *rest = NULL;
	size_t payload, slot;

	if (ipckit_range_payload_size(data_size, offsets_size,
				      extra_buffers_size, &payload))
		return ERR_PTR(-EINVAL);
	slot = max_t(size_t, payload, IPCKIT_BUFFER_ALIGN);

	if (is_async && ra->free_async_space < slot)
		return ERR_PTR(-ENOSPC);
	buf = ipckit_range_best_fit(ra, slot);
	if (!buf)
		return ERR_PTR(-ENOSPC);

	if (ipckit_range_buffer_size(ra, buf) > slot) {
		rest = kzalloc(sizeof(*rest), GFP_KERNEL);
		if (!rest)
			return ERR_PTR(-ENOMEM);
	}

	/* Out of the size tree before its size changes. */
	rb_erase(&buf->rb_node, &ra->free_holes);
	if (rest) {
		rest->user_data = buf->user_data + slot;
		rest->free = true;
		list_add(&rest->entry, &buf->entry);
		ipckit_range_insert_hole(ra, rest);
	}

	buf->free = false;
	buf->data_size = data_size;
	buf->offsets_size = offsets_size;
	buf->extra_buffers_size = extra_buffers_size;
	buf->payload_size = payload;
	buf->allow_user_free = false;
	buf->async = is_async;
	buf->clear_on_free = false;
	buf->transaction = NULL;
	buf->target_node = NULL;
	buf->pid = pid;
	buf->oneway_spam_suspect = false;
	ipckit_range_insert_allocated(ra, buf);

	ra->nr_allocated++;
	ra->allocated_bytes += slot;
	if (is_async) {
		ra->free_async_space -= slot;
		buf->oneway_spam_suspect = ipckit_range_spam_suspect(ra, buf,
								     pid);
	}
	return buf;
}

/**
 * ipckit_range_release() - turn an allocated buffer back into a hole
 * @ra:  the range allocator
 * @buf: a buffer ipckit_range_reserve() returned and nobody released
 *
 * Merges the hole with free neighbours, so @buf itself may be freed: do
 * not touch it afterwards. Refunds the one-way budget.
 *
 * Return: 0, or -EINVAL (nothing changed) when @buf is not an allocated
 * buffer of @ra.
 */
int ipckit_range_release(struct ipckit_range_alloc *ra,
			 struct ipckit_buffer *buf)
{
	struct ipckit_buffer *prev, *next;
	size_t slot;

	if (buf->free || ipckit_range_lookup(ra, buf->user_data) != buf)
		return -EINVAL;

	slot = ipckit_range_buffer_size(ra, buf);
	rb_erase(&buf->rb_node, &ra->allocated);
	ra->nr_allocated--;
	ra->allocated_bytes -= slot;
	if (buf->async)
		ra->free_async_space += slot;

	buf->free = true;
	buf->async = false;
	buf->allow_user_free = false;
	buf->clear_on_free = false;
	buf->transaction = NULL;
	buf->target_node = NULL;

	/* Neighbours leave the size tree before their sizes change. */
	next = ipckit_range_next(ra, buf);
	if (next && next->free) {
		rb_erase(&next->rb_node, &ra->free_holes);
		list_del(&next->entry);
		kfree(next);
	}
	prev = ipckit_range_prev(ra, buf);
	if (prev && prev->free) {
		rb_erase(&prev->rb_node, &ra->free_holes);
		list_del(&buf->entry);
		kfree(buf);
		buf = prev;
	}
	ipckit_range_insert_hole(ra, buf);
	return 0;
}

/**
 * ipckit_range_lookup() - the allocated buffer starting at an address
 * @ra:        the range allocator
 * @user_data: a user address, trusted or not
 *
 * Return: the buffer whose @user_data is exactly @user_data, or NULL
 * (holes, addresses inside a buffer and foreign addresses all give NULL).
 */
struct ipckit_buffer *ipckit_range_lookup(const struct ipckit_range_alloc *ra,
					  unsigned long user_data)
{
	struct rb_node *n = ra->allocated.rb_node;

	while (n) {
		struct ipckit_buffer *b = rb_entry(n, struct ipckit_buffer,
						   rb_node);

		if (user_data < b->user_data)
			n = n->rb_left;
		else if (user_data > b->user_data)
			n = n->rb_right;
		else
			return b;
	}
	return NULL;
}

/**
 * ipckit_range_prepare_to_free() - claim a buffer userspace wants freed
 * @ra:        the range allocator
 * @user_data: the address userspace gave in BC_FREE_BUFFER
 *
 * Return: NULL if no allocated buffer starts at @user_data;
 * ERR_PTR(-EPERM) if one does but userspace may not free it (never
 * delivered, or already being freed); otherwise the buffer, with
 * @allow_user_free now clear so a second request gets -EPERM.
 */
struct ipckit_buffer *
ipckit_range_prepare_to_free(struct ipckit_range_alloc *ra,
			     unsigned long user_data)
{
	struct ipckit_buffer *buf = ipckit_range_lookup(ra, user_data);

	if (!buf)
		return NULL;
	if (!buf->allow_user_free)
		return ERR_PTR(-EPERM);
	buf->allow_user_free = false;
	return buf;
}

/**
 * ipckit_range_largest_hole() - size of the largest free hole
 * @ra: the range allocator
 *
 * Return: bytes, 0 when the area is full or absent.
 */
size_t ipckit_range_largest_hole(const struct ipckit_range_alloc *ra)
{
	struct rb_node *n = rb_last(&ra->free_holes);

	if (!n)
		return 0;
	return ipckit_range_buffer_size(ra, rb_entry(n, struct ipckit_buffer,
						     rb_node));
}
