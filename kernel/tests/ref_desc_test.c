// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the handle allocator: ipckit_ref_lowest_free_desc() on
 * the size-augmented handle tree, against a brute-force bitmap, through
 * random inserts and removals (rotations on both paths).
 *
 * Compiled into ipckit.ko when the kernel has CONFIG_KUNIT; runs at insmod.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include "../internal.h"

#define DESC_SPACE	512

struct desc_case {
	struct rb_root root;
	struct ipckit_ref refs[DESC_SPACE];
	DECLARE_BITMAP(used, DESC_SPACE);
};

static int desc_test_init(struct kunit *test)
{
	struct desc_case *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	c->root = RB_ROOT;
	test->priv = c;
	return 0;
}

/* The lowest clear bit >= base: what the tree must answer. */
static u32 brute_lowest(struct desc_case *c, u32 base)
{
	return find_next_zero_bit(c->used, DESC_SPACE, base);
}

/* Every subtree size equals 1 + its children's; returns the size. */
static u32 check_sizes(struct kunit *test, struct rb_node *n)
{
	struct ipckit_ref *ref;
	u32 size;

	if (!n)
		return 0;
	ref = rb_entry(n, struct ipckit_ref, rb_desc);
	size = 1 + check_sizes(test, n->rb_left) + check_sizes(test, n->rb_right);
	KUNIT_EXPECT_EQ(test, size, ref->subtree);
	return size;
}

static void add(struct desc_case *c, u32 desc)
{
	c->refs[desc].desc = desc;
	ipckit_ref_insert_desc(&c->root, &c->refs[desc]);
	set_bit(desc, c->used);
}

static void del(struct desc_case *c, u32 desc)
{
	ipckit_ref_erase_desc(&c->root, &c->refs[desc]);
	clear_bit(desc, c->used);
}

static void desc_empty_tree_gives_base(struct kunit *test)
{
	struct desc_case *c = test->priv;

	KUNIT_EXPECT_EQ(test, 0U, ipckit_ref_lowest_free_desc(&c->root, 0));
	KUNIT_EXPECT_EQ(test, 1U, ipckit_ref_lowest_free_desc(&c->root, 1));
}

/* Handle 0 (the manager) never makes base 1 start above a gap. */
static void desc_zero_does_not_shift_base_one(struct kunit *test)
{
	struct desc_case *c = test->priv;

	add(c, 0);
	KUNIT_EXPECT_EQ(test, 1U, ipckit_ref_lowest_free_desc(&c->root, 1));
	add(c, 1);
	add(c, 3);
	KUNIT_EXPECT_EQ(test, 2U, ipckit_ref_lowest_free_desc(&c->root, 1));
	KUNIT_EXPECT_EQ(test, 2U, ipckit_ref_lowest_free_desc(&c->root, 0));
	del(c, 0);
	KUNIT_EXPECT_EQ(test, 0U, ipckit_ref_lowest_free_desc(&c->root, 0));
	KUNIT_EXPECT_EQ(test, 2U, ipckit_ref_lowest_free_desc(&c->root, 1));
}

/* Dense 1..n: the next is n + 1; freeing k makes k the next. */
static void desc_dense_then_hole(struct kunit *test)
{
	struct desc_case *c = test->priv;
	u32 i;

	for (i = 1; i < 300; i++) {
		KUNIT_ASSERT_EQ(test, i, ipckit_ref_lowest_free_desc(&c->root, 1));
		add(c, i);
	}
	del(c, 137);
	KUNIT_EXPECT_EQ(test, 137U, ipckit_ref_lowest_free_desc(&c->root, 1));
	del(c, 5);
	KUNIT_EXPECT_EQ(test, 5U, ipckit_ref_lowest_free_desc(&c->root, 1));
	check_sizes(test, c->root.rb_node);
}

static void desc_random_matches_bitmap(struct kunit *test)
{
	struct desc_case *c = test->priv;
	struct rnd_state rnd;
	int step;

	prandom_seed_state(&rnd, 42);
	for (step = 0; step < 20000; step++) {
		u32 desc = prandom_u32_state(&rnd) % (DESC_SPACE - 1);

		if (test_bit(desc, c->used))
			del(c, desc);
		else
			add(c, desc);
		KUNIT_ASSERT_EQ(test, brute_lowest(c, 0),
				ipckit_ref_lowest_free_desc(&c->root, 0));
		KUNIT_ASSERT_EQ(test, brute_lowest(c, 1),
				ipckit_ref_lowest_free_desc(&c->root, 1));
	}
	check_sizes(test, c->root.rb_node);
}

static struct kunit_case desc_cases[] = {
	KUNIT_CASE(desc_empty_tree_gives_base),
	KUNIT_CASE(desc_zero_does_not_shift_base_one),
	KUNIT_CASE(desc_dense_then_hole),
	KUNIT_CASE(desc_random_matches_bitmap),
	{}
};

static struct kunit_suite desc_suite = {
	.name = "ipckit_ref_desc",
	.init = desc_test_init,
	.test_cases = desc_cases,
};

kunit_test_suite(desc_suite);
