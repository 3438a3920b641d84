// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the receive-area range allocator (alloc_range.c): where
 * buffers go, how holes split and merge, the one-way budget, and which
 * requests are refused.
 *
 * Only bookkeeping is exercised: the area is a made-up address range that
 * is never dereferenced, and no page or mm is involved.
 *
 * Compiled into ipckit.ko when the kernel has CONFIG_KUNIT; runs at insmod.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/limits.h>
#include <linux/slab.h>

#include "../alloc.h"
#include "../compat.h"

#define BASE	0x7f0000100000UL

struct alloc_case {
	struct ipckit_range_alloc ra;
};

static int alloc_test_init(struct kunit *test)
{
	struct alloc_case *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	ipckit_range_init(&c->ra);
	test->priv = c;
	return 0;
}

static void alloc_test_exit(struct kunit *test)
{
	struct alloc_case *c = test->priv;

	/* Also runs when init failed (allocation failure injection). */
	if (c)
		ipckit_range_teardown(&c->ra);
}

static struct ipckit_range_alloc *area(struct kunit *test, size_t size)
{
	struct alloc_case *c = test->priv;

	KUNIT_ASSERT_EQ(test, 0, ipckit_range_setup(&c->ra, BASE, size));
	return &c->ra;
}

static struct ipckit_buffer *take(struct kunit *test,
				  struct ipckit_range_alloc *ra, size_t size,
				  bool is_async)
{
	struct ipckit_buffer *buf;

	buf = ipckit_range_reserve(ra, size, 0, 0, is_async, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	return buf;
}

static void give_back(struct kunit *test, struct ipckit_range_alloc *ra,
		      struct ipckit_buffer *buf)
{
	KUNIT_ASSERT_EQ(test, 0, ipckit_range_release(ra, buf));
}

static size_t slot(struct ipckit_range_alloc *ra, struct ipckit_buffer *buf)
{
	return ipckit_range_buffer_size(ra, buf);
}

static size_t count_tree(struct rb_root *root)
{
	struct rb_node *n;
	size_t count = 0;

	for (n = rb_first(root); n; n = rb_next(n))
		count++;
	return count;
}

/*
 * The slots tile the area without gaps, holes are never adjacent, the
 * trees hold exactly the free and the allocated slots, the counters add
 * up.
 */
static void expect_consistent(struct kunit *test,
			      struct ipckit_range_alloc *ra)
{
	unsigned long expect = ra->base;
	size_t nfree = 0, nused = 0, used_bytes = 0;
	struct ipckit_buffer *buf;
	bool prev_free = false;

	list_for_each_entry(buf, &ra->buffers, entry) {
		size_t size = slot(ra, buf);

		KUNIT_EXPECT_EQ(test, expect, buf->user_data);
		KUNIT_EXPECT_GE(test, size, IPCKIT_BUFFER_ALIGN);
		KUNIT_EXPECT_EQ(test, 0UL, size % IPCKIT_BUFFER_ALIGN);
		KUNIT_EXPECT_FALSE(test, prev_free && buf->free);
		if (buf->free) {
			nfree++;
		} else {
			nused++;
			used_bytes += size;
			KUNIT_EXPECT_PTR_EQ(test, buf,
					    ipckit_range_lookup(ra,
								buf->user_data));
		}
		prev_free = buf->free;
		expect = buf->user_data + size;
	}
	KUNIT_EXPECT_EQ(test, ra->base + ra->size, expect);
	KUNIT_EXPECT_EQ(test, nfree, count_tree(&ra->free_holes));
	KUNIT_EXPECT_EQ(test, nused, count_tree(&ra->allocated));
	KUNIT_EXPECT_EQ(test, nused, ra->nr_allocated);
	KUNIT_EXPECT_EQ(test, used_bytes, ra->allocated_bytes);
}

static void alloc_slot_size_rounds_each_part_up_to_8(struct kunit *test)
{
	size_t size;

	KUNIT_EXPECT_EQ(test, 0, ipckit_range_slot_size(1, 1, 1, &size));
	KUNIT_EXPECT_EQ(test, (size_t)24, size);
	KUNIT_EXPECT_EQ(test, 0, ipckit_range_slot_size(8, 0, 0, &size));
	KUNIT_EXPECT_EQ(test, (size_t)8, size);
	KUNIT_EXPECT_EQ(test, 0, ipckit_range_slot_size(9, 8, 17, &size));
	KUNIT_EXPECT_EQ(test, (size_t)48, size);
}

static void alloc_zero_size_request_takes_8_bytes(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 4096);
	struct ipckit_buffer *a, *b;
	size_t size;

	KUNIT_EXPECT_EQ(test, 0, ipckit_range_slot_size(0, 0, 0, &size));
	KUNIT_EXPECT_EQ(test, (size_t)8, size);

	a = take(test, ra, 0, false);
	b = take(test, ra, 0, false);
	KUNIT_EXPECT_EQ(test, (size_t)8, slot(ra, a));
	KUNIT_EXPECT_EQ(test, a->user_data + 8, b->user_data);
	KUNIT_EXPECT_EQ(test, (size_t)0, a->payload_size);
	KUNIT_EXPECT_EQ(test, (size_t)16, ra->allocated_bytes);
	expect_consistent(test, ra);
}

static void alloc_buffers_stay_8_byte_aligned(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 4096);
	struct ipckit_buffer *a, *b, *c;

	a = take(test, ra, 1, false);
	b = ipckit_range_reserve(ra, 3, 5, 7, false, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	c = take(test, ra, 13, false);

	KUNIT_EXPECT_EQ(test, BASE, a->user_data);
	KUNIT_EXPECT_EQ(test, BASE + 8, b->user_data);
	KUNIT_EXPECT_EQ(test, BASE + 32, c->user_data);
	KUNIT_EXPECT_EQ(test, (size_t)24, b->payload_size);
	KUNIT_EXPECT_EQ(test, (size_t)3, b->data_size);
	KUNIT_EXPECT_EQ(test, (size_t)5, b->offsets_size);
	KUNIT_EXPECT_EQ(test, (size_t)7, b->extra_buffers_size);
	expect_consistent(test, ra);
}

static void alloc_size_overflow_is_refused(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 4096);
	size_t size;

	KUNIT_EXPECT_EQ(test, -EINVAL,
			ipckit_range_slot_size(SIZE_MAX, 0, 0, &size));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ipckit_range_slot_size(0, SIZE_MAX - 6, 0, &size));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ipckit_range_slot_size(0, 0, SIZE_MAX - 1, &size));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ipckit_range_slot_size(SIZE_MAX - 7, 8, 0, &size));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ipckit_range_slot_size(SIZE_MAX / 2 + 1,
					       SIZE_MAX / 2 + 1, 0, &size));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ipckit_range_slot_size(SIZE_MAX / 2, SIZE_MAX / 4,
					       SIZE_MAX / 4 + 8, &size));
	/* The largest value that still rounds fits size_t. */
	KUNIT_EXPECT_EQ(test, 0,
			ipckit_range_slot_size(SIZE_MAX - 7, 0, 0, &size));
	KUNIT_EXPECT_EQ(test, SIZE_MAX - 7, size);

	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ipckit_range_reserve(ra, SIZE_MAX, 0, 0, false, 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ipckit_range_reserve(ra, 8, SIZE_MAX - 3, 0,
						 true, 0));
	KUNIT_EXPECT_EQ(test, (size_t)0, ra->nr_allocated);
	KUNIT_EXPECT_EQ(test, (size_t)2048, ra->free_async_space);
	KUNIT_EXPECT_EQ(test, (size_t)4096, ipckit_range_largest_hole(ra));
}

static void alloc_split_leaves_the_remainder_free(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 4096);
	struct ipckit_buffer *buf = take(test, ra, 100, false);

	KUNIT_EXPECT_EQ(test, BASE, buf->user_data);
	KUNIT_EXPECT_EQ(test, (size_t)104, slot(ra, buf));
	KUNIT_EXPECT_FALSE(test, buf->free);
	KUNIT_EXPECT_EQ(test, (size_t)(4096 - 104),
			ipckit_range_largest_hole(ra));
	KUNIT_EXPECT_EQ(test, (size_t)1, count_tree(&ra->free_holes));
	expect_consistent(test, ra);
}

static void alloc_exact_fit_takes_the_whole_hole(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 256);
	struct ipckit_buffer *buf = take(test, ra, 256, false);

	KUNIT_EXPECT_EQ(test, (size_t)256, slot(ra, buf));
	KUNIT_EXPECT_EQ(test, (size_t)0, count_tree(&ra->free_holes));
	KUNIT_EXPECT_EQ(test, (size_t)0, ipckit_range_largest_hole(ra));
	expect_consistent(test, ra);
}

static void alloc_best_fit_prefers_smallest_hole(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 1024);
	struct ipckit_buffer *a, *c, *e, *buf;
	unsigned long a_at, c_at, e_at;

	/* Holes of 64, 32 and 128 bytes, fenced by buffers, then the rest. */
	a = take(test, ra, 64, false);
	take(test, ra, 8, false);
	c = take(test, ra, 32, false);
	take(test, ra, 8, false);
	e = take(test, ra, 128, false);
	take(test, ra, 8, false);
	a_at = a->user_data;
	c_at = c->user_data;
	e_at = e->user_data;
	give_back(test, ra, a);
	give_back(test, ra, c);
	give_back(test, ra, e);
	expect_consistent(test, ra);

	buf = take(test, ra, 24, false);
	KUNIT_EXPECT_EQ(test, c_at, buf->user_data);
	buf = take(test, ra, 40, false);
	KUNIT_EXPECT_EQ(test, a_at, buf->user_data);
	buf = take(test, ra, 100, false);
	KUNIT_EXPECT_EQ(test, e_at, buf->user_data);
	/* The 8-byte remainder of the 32-byte hole is now the best fit. */
	buf = take(test, ra, 8, false);
	KUNIT_EXPECT_EQ(test, c_at + 24, buf->user_data);
	expect_consistent(test, ra);
}

static void alloc_best_fit_breaks_ties_by_lowest_address(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 1024);
	struct ipckit_buffer *a, *c, *buf;
	unsigned long a_at, c_at;

	a = take(test, ra, 32, false);
	take(test, ra, 8, false);
	c = take(test, ra, 32, false);
	take(test, ra, 8, false);
	a_at = a->user_data;
	c_at = c->user_data;
	give_back(test, ra, c);
	give_back(test, ra, a);

	buf = take(test, ra, 32, false);
	KUNIT_EXPECT_EQ(test, a_at, buf->user_data);
	buf = take(test, ra, 32, false);
	KUNIT_EXPECT_EQ(test, c_at, buf->user_data);
	expect_consistent(test, ra);
}

static void alloc_free_coalesces_with_previous_hole(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 1024);
	struct ipckit_buffer *a, *b, *buf;
	unsigned long a_at;

	a = take(test, ra, 64, false);
	b = take(test, ra, 64, false);
	take(test, ra, 8, false);
	a_at = a->user_data;
	give_back(test, ra, a);
	give_back(test, ra, b);

	KUNIT_EXPECT_EQ(test, (size_t)2, count_tree(&ra->free_holes));
	buf = take(test, ra, 128, false);
	KUNIT_EXPECT_EQ(test, a_at, buf->user_data);
	expect_consistent(test, ra);
}

static void alloc_free_coalesces_with_next_hole(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 1024);
	struct ipckit_buffer *a, *b, *buf;
	unsigned long a_at;

	take(test, ra, 8, false);
	a = take(test, ra, 64, false);
	b = take(test, ra, 64, false);
	take(test, ra, 8, false);
	a_at = a->user_data;
	give_back(test, ra, b);
	give_back(test, ra, a);

	KUNIT_EXPECT_EQ(test, (size_t)2, count_tree(&ra->free_holes));
	buf = take(test, ra, 128, false);
	KUNIT_EXPECT_EQ(test, a_at, buf->user_data);
	expect_consistent(test, ra);
}

static void alloc_free_coalesces_with_both_neighbours(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 1024);
	struct ipckit_buffer *a, *b, *c, *buf;
	unsigned long a_at;

	take(test, ra, 8, false);
	a = take(test, ra, 16, false);
	b = take(test, ra, 32, false);
	c = take(test, ra, 64, false);
	take(test, ra, 8, false);
	a_at = a->user_data;
	give_back(test, ra, a);
	give_back(test, ra, c);
	KUNIT_EXPECT_EQ(test, (size_t)3, count_tree(&ra->free_holes));
	give_back(test, ra, b);

	KUNIT_EXPECT_EQ(test, (size_t)2, count_tree(&ra->free_holes));
	buf = take(test, ra, 112, false);
	KUNIT_EXPECT_EQ(test, a_at, buf->user_data);
	expect_consistent(test, ra);
}

static void alloc_free_between_buffers_makes_a_new_hole(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 1024);
	struct ipckit_buffer *b;

	take(test, ra, 8, false);
	b = take(test, ra, 40, false);
	take(test, ra, 8, false);
	give_back(test, ra, b);

	KUNIT_EXPECT_EQ(test, (size_t)2, count_tree(&ra->free_holes));
	KUNIT_EXPECT_EQ(test, (size_t)16, ra->allocated_bytes);
	expect_consistent(test, ra);
}

static void alloc_full_area_is_enospc(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 64);
	struct ipckit_buffer *buf;

	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOSPC),
			    ipckit_range_reserve(ra, 72, 0, 0, false, 0));
	buf = take(test, ra, 64, false);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOSPC),
			    ipckit_range_reserve(ra, 0, 0, 0, false, 0));
	KUNIT_EXPECT_EQ(test, (size_t)0, ipckit_range_largest_hole(ra));
	give_back(test, ra, buf);
	buf = take(test, ra, 0, false);
	KUNIT_EXPECT_EQ(test, BASE, buf->user_data);
	expect_consistent(test, ra);
}

static void alloc_fragmented_area_is_enospc(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 64);
	struct ipckit_buffer *a, *c;

	a = take(test, ra, 24, false);
	take(test, ra, 8, false);
	c = take(test, ra, 32, false);
	give_back(test, ra, a);
	give_back(test, ra, c);

	/* 56 bytes free, but in holes of 24 and 32. */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOSPC),
			    ipckit_range_reserve(ra, 40, 0, 0, false, 0));
	KUNIT_EXPECT_EQ(test, (size_t)32, ipckit_range_largest_hole(ra));
	expect_consistent(test, ra);
}

static void alloc_async_may_use_at_most_half_the_area(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 1024);
	struct ipckit_buffer *a, *b;

	KUNIT_EXPECT_EQ(test, (size_t)512, ra->free_async_space);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOSPC),
			    ipckit_range_reserve(ra, 520, 0, 0, true, 0));

	a = take(test, ra, 256, true);
	b = take(test, ra, 256, true);
	KUNIT_EXPECT_TRUE(test, a->async);
	KUNIT_EXPECT_EQ(test, (size_t)0, ra->free_async_space);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOSPC),
			    ipckit_range_reserve(ra, 0, 0, 0, true, 0));
	/* Synchronous buffers still get the other half. */
	take(test, ra, 512, false);

	give_back(test, ra, a);
	KUNIT_EXPECT_EQ(test, (size_t)256, ra->free_async_space);
	take(test, ra, 256, true);
	give_back(test, ra, b);
	KUNIT_EXPECT_EQ(test, (size_t)256, ra->free_async_space);
	expect_consistent(test, ra);
}

static struct ipckit_buffer *take_as(struct kunit *test,
				     struct ipckit_range_alloc *ra, size_t size,
				     pid_t pid)
{
	struct ipckit_buffer *buf;

	buf = ipckit_range_reserve(ra, size, 0, 0, true, pid);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, pid, buf->pid);
	return buf;
}

static void alloc_spam_suspect_once_budget_is_low(struct kunit *test)
{
	/* One-way budget 5120; suspects below 1024 left, over 2560 held. */
	struct ipckit_range_alloc *ra = area(test, 10240);
	struct ipckit_buffer *b[10];
	int i;

	for (i = 0; i < 8; i++) {
		b[i] = take_as(test, ra, 512, 7);
		KUNIT_EXPECT_FALSE(test, b[i]->oneway_spam_suspect);
	}
	/* 512 left, 4608 held by pid 7: the first suspect is reported... */
	b[8] = take_as(test, ra, 512, 7);
	KUNIT_EXPECT_TRUE(test, b[8]->oneway_spam_suspect);
	/* ...once. */
	b[9] = take_as(test, ra, 512, 7);
	KUNIT_EXPECT_FALSE(test, b[9]->oneway_spam_suspect);
	give_back(test, ra, b[9]);
	give_back(test, ra, b[8]);
	b[8] = take_as(test, ra, 512, 7);
	KUNIT_EXPECT_FALSE(test, b[8]->oneway_spam_suspect);
	/* Budget back over a tenth of the area re-arms the report. */
	for (i = 8; i >= 5; i--)
		give_back(test, ra, b[i]);
	for (i = 5; i < 7; i++) {
		b[i] = take_as(test, ra, 512, 7);
		KUNIT_EXPECT_FALSE(test, b[i]->oneway_spam_suspect);
	}
	b[7] = take_as(test, ra, 512, 7);
	KUNIT_EXPECT_FALSE(test, b[7]->oneway_spam_suspect);
	b[8] = take_as(test, ra, 512, 7);
	KUNIT_EXPECT_TRUE(test, b[8]->oneway_spam_suspect);
	expect_consistent(test, ra);
}

static void alloc_spam_suspect_counts_only_the_senders_buffers(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 10240);
	struct ipckit_buffer *buf;
	int i;

	/* pid 3 leaves exactly a tenth of the area: not low yet. */
	for (i = 0; i < 4; i++) {
		buf = take_as(test, ra, 1024, 3);
		KUNIT_EXPECT_FALSE(test, buf->oneway_spam_suspect);
	}
	/* Low now, but the newcomer holds next to nothing. */
	buf = take_as(test, ra, 8, 4);
	KUNIT_EXPECT_FALSE(test, buf->oneway_spam_suspect);
	/* Synchronous buffers of the same pid do not count. */
	take(test, ra, 4096, false)->pid = 4;
	buf = take_as(test, ra, 8, 4);
	KUNIT_EXPECT_FALSE(test, buf->oneway_spam_suspect);
	/* The big sender is caught at its next one. */
	buf = take_as(test, ra, 8, 3);
	KUNIT_EXPECT_TRUE(test, buf->oneway_spam_suspect);
	expect_consistent(test, ra);
}

static void alloc_spam_suspect_past_50_buffers(struct kunit *test)
{
	/* Budget 2048, low below 409; 51 buffers of 8 are far from 1024. */
	struct ipckit_range_alloc *ra = area(test, 4096);
	struct ipckit_buffer *buf;
	int i;

	for (i = 0; i < 4; i++)
		take_as(test, ra, 400, 9);
	for (i = 1; i <= 50; i++) {
		buf = take_as(test, ra, 0, 5);
		KUNIT_EXPECT_FALSE(test, buf->oneway_spam_suspect);
	}
	/* v6.8+ counts the 50 before the new one: the 52nd is caught. */
	if (!IPCKIT_SPAM_COUNTS_NEW_BUFFER) {
		buf = take_as(test, ra, 0, 5);
		KUNIT_EXPECT_FALSE(test, buf->oneway_spam_suspect);
	}
	buf = take_as(test, ra, 0, 5);
	KUNIT_EXPECT_TRUE(test, buf->oneway_spam_suspect);
	expect_consistent(test, ra);
}

static void alloc_release_of_unknown_buffer_is_refused(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 1024);
	struct ipckit_buffer *a, *hole, fake = {};

	a = take(test, ra, 64, false);
	hole = list_last_entry(&ra->buffers, struct ipckit_buffer, entry);
	KUNIT_ASSERT_TRUE(test, hole->free);

	/* A hole is not a buffer. */
	KUNIT_EXPECT_EQ(test, -EINVAL, ipckit_range_release(ra, hole));
	/* Nor is a look-alike that the allocator never handed out. */
	fake.user_data = a->user_data;
	KUNIT_EXPECT_EQ(test, -EINVAL, ipckit_range_release(ra, &fake));
	fake.user_data = a->user_data + 8;
	KUNIT_EXPECT_EQ(test, -EINVAL, ipckit_range_release(ra, &fake));

	KUNIT_EXPECT_EQ(test, (size_t)1, ra->nr_allocated);
	KUNIT_EXPECT_EQ(test, (size_t)64, ra->allocated_bytes);
	expect_consistent(test, ra);
}

static void alloc_lookup_finds_only_buffer_starts(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 1024);
	struct ipckit_buffer *a, *b;

	a = take(test, ra, 64, false);
	b = take(test, ra, 64, false);

	KUNIT_EXPECT_PTR_EQ(test, a, ipckit_range_lookup(ra, a->user_data));
	KUNIT_EXPECT_PTR_EQ(test, b, ipckit_range_lookup(ra, b->user_data));
	KUNIT_EXPECT_NULL(test, ipckit_range_lookup(ra, a->user_data + 8));
	KUNIT_EXPECT_NULL(test, ipckit_range_lookup(ra, a->user_data + 1));
	KUNIT_EXPECT_NULL(test, ipckit_range_lookup(ra, BASE + 128));
	KUNIT_EXPECT_NULL(test, ipckit_range_lookup(ra, BASE - 64));
	KUNIT_EXPECT_NULL(test, ipckit_range_lookup(ra, BASE + 4096));
	KUNIT_EXPECT_NULL(test, ipckit_range_lookup(ra, 0));
	KUNIT_EXPECT_NULL(test, ipckit_range_lookup(ra, ULONG_MAX));
}

static void alloc_prepare_to_free_needs_delivery_and_works_once(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 1024);
	struct ipckit_buffer *a;
	unsigned long a_at;

	a = take(test, ra, 64, false);
	a_at = a->user_data;
	KUNIT_EXPECT_NULL(test, ipckit_range_prepare_to_free(ra, a_at + 8));
	KUNIT_EXPECT_NULL(test, ipckit_range_prepare_to_free(ra, 0));

	/* Not yet delivered to userspace. */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EPERM),
			    ipckit_range_prepare_to_free(ra, a_at));

	a->allow_user_free = true;
	KUNIT_EXPECT_PTR_EQ(test, a, ipckit_range_prepare_to_free(ra, a_at));
	KUNIT_EXPECT_FALSE(test, a->allow_user_free);
	/* A second BC_FREE_BUFFER while the first is in progress. */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EPERM),
			    ipckit_range_prepare_to_free(ra, a_at));

	give_back(test, ra, a);
	/* And one after the buffer is gone. */
	KUNIT_EXPECT_NULL(test, ipckit_range_prepare_to_free(ra, a_at));
	expect_consistent(test, ra);
}

static void alloc_any_release_order_ends_in_one_hole(struct kunit *test)
{
	struct ipckit_range_alloc *ra = area(test, 8192);
	struct ipckit_buffer *bufs[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bufs); i++)
		bufs[i] = take(test, ra, (i % 7) * 13, i % 3 == 0);
	expect_consistent(test, ra);

	/* 23 and 64 are coprime: every buffer exactly once, scattered. */
	for (i = 0; i < ARRAY_SIZE(bufs); i++) {
		give_back(test, ra, bufs[(i * 23) % ARRAY_SIZE(bufs)]);
		expect_consistent(test, ra);
	}

	KUNIT_EXPECT_EQ(test, (size_t)1, count_tree(&ra->free_holes));
	KUNIT_EXPECT_EQ(test, (size_t)8192, ipckit_range_largest_hole(ra));
	KUNIT_EXPECT_EQ(test, (size_t)4096, ra->free_async_space);
	KUNIT_EXPECT_EQ(test, (size_t)0, ra->allocated_bytes);
}

static void alloc_setup_refuses_bad_areas(struct kunit *test)
{
	struct alloc_case *c = test->priv;
	struct ipckit_range_alloc *ra = &c->ra;

	KUNIT_EXPECT_EQ(test, -EINVAL, ipckit_range_setup(ra, BASE, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, ipckit_range_setup(ra, BASE + 4, 64));
	KUNIT_EXPECT_EQ(test, -EINVAL, ipckit_range_setup(ra, BASE, 60));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ipckit_range_setup(ra, ULONG_MAX - 63, 64));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOSPC),
			    ipckit_range_reserve(ra, 0, 0, 0, false, 0));

	KUNIT_ASSERT_EQ(test, 0, ipckit_range_setup(ra, BASE, 64));
	KUNIT_EXPECT_EQ(test, -EINVAL, ipckit_range_setup(ra, BASE, 64));
	expect_consistent(test, ra);
}

static struct kunit_case alloc_cases[] = {
	KUNIT_CASE(alloc_slot_size_rounds_each_part_up_to_8),
	KUNIT_CASE(alloc_zero_size_request_takes_8_bytes),
	KUNIT_CASE(alloc_buffers_stay_8_byte_aligned),
	KUNIT_CASE(alloc_size_overflow_is_refused),
	KUNIT_CASE(alloc_split_leaves_the_remainder_free),
	KUNIT_CASE(alloc_exact_fit_takes_the_whole_hole),
	KUNIT_CASE(alloc_best_fit_prefers_smallest_hole),
	KUNIT_CASE(alloc_best_fit_breaks_ties_by_lowest_address),
	KUNIT_CASE(alloc_free_coalesces_with_previous_hole),
	KUNIT_CASE(alloc_free_coalesces_with_next_hole),
	KUNIT_CASE(alloc_free_coalesces_with_both_neighbours),
	KUNIT_CASE(alloc_free_between_buffers_makes_a_new_hole),
	KUNIT_CASE(alloc_full_area_is_enospc),
	KUNIT_CASE(alloc_fragmented_area_is_enospc),
	KUNIT_CASE(alloc_async_may_use_at_most_half_the_area),
	KUNIT_CASE(alloc_spam_suspect_once_budget_is_low),
	KUNIT_CASE(alloc_spam_suspect_counts_only_the_senders_buffers),
	KUNIT_CASE(alloc_spam_suspect_past_50_buffers),
	KUNIT_CASE(alloc_release_of_unknown_buffer_is_refused),
	KUNIT_CASE(alloc_lookup_finds_only_buffer_starts),
	KUNIT_CASE(alloc_prepare_to_free_needs_delivery_and_works_once),
	KUNIT_CASE(alloc_any_release_order_ends_in_one_hole),
	KUNIT_CASE(alloc_setup_refuses_bad_areas),
	{}
};

static struct kunit_suite alloc_suite = {
	.name = "ipckit_alloc",
	.init = alloc_test_init,
	.exit = alloc_test_exit,
	.test_cases = alloc_cases,
};

kunit_test_suite(alloc_suite);
