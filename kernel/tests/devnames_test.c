// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for ipckit_devnames_parse(): the devices= parameter.
 *
 * Compiled into ipckit.ko when the kernel has CONFIG_KUNIT; runs at insmod.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../internal.h"

struct devnames_case {
	struct ipckit_devnames names;
	const char *bad;
	size_t bad_len;
};

static int devnames_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct devnames_case),
				   GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static int parse(struct kunit *test, const char *param)
{
	struct devnames_case *c = test->priv;

	return ipckit_devnames_parse(param, &c->names, &c->bad, &c->bad_len);
}

static void devnames_single_name_is_one_device(struct kunit *test)
{
	struct devnames_case *c = test->priv;

	KUNIT_ASSERT_EQ(test, 0, parse(test, "binder"));
	KUNIT_EXPECT_EQ(test, 1U, c->names.count);
	KUNIT_EXPECT_STREQ(test, "binder", c->names.name[0]);
}

static void devnames_list_keeps_order(struct kunit *test)
{
	struct devnames_case *c = test->priv;

	KUNIT_ASSERT_EQ(test, 0, parse(test, "binder,hwbinder,vnd.binder_1-x"));
	KUNIT_ASSERT_EQ(test, 3U, c->names.count);
	KUNIT_EXPECT_STREQ(test, "binder", c->names.name[0]);
	KUNIT_EXPECT_STREQ(test, "hwbinder", c->names.name[1]);
	KUNIT_EXPECT_STREQ(test, "vnd.binder_1-x", c->names.name[2]);
}

static void devnames_empty_entries_are_refused(struct kunit *test)
{
	struct devnames_case *c = test->priv;

	KUNIT_EXPECT_EQ(test, -EINVAL, parse(test, ""));
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(test, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(test, "a,,b"));
	KUNIT_EXPECT_EQ(test, 0U, c->bad_len);
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(test, "a,"));
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(test, ",a"));
	KUNIT_EXPECT_EQ(test, 0U, c->names.count);
}

static void devnames_bad_characters_are_refused(struct kunit *test)
{
	struct devnames_case *c = test->priv;

	KUNIT_EXPECT_EQ(test, -EINVAL, parse(test, "ok,bad/name"));
	KUNIT_EXPECT_EQ(test, 8U, c->bad_len);
	KUNIT_EXPECT_EQ(test, 0, memcmp(c->bad, "bad/name", 8));
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(test, "sp ace"));
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(test, "."));
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(test, ".."));
	KUNIT_EXPECT_EQ(test, 0, parse(test, "..."));
}

static void devnames_longest_name_fits_one_more_does_not(struct kunit *test)
{
	char name[IPCKIT_DEVNAME_MAX + 1];

	memset(name, 'n', IPCKIT_DEVNAME_MAX - 1);
	name[IPCKIT_DEVNAME_MAX - 1] = '\0';
	KUNIT_EXPECT_EQ(test, 0, parse(test, name));
	name[IPCKIT_DEVNAME_MAX - 1] = 'n';
	name[IPCKIT_DEVNAME_MAX] = '\0';
	KUNIT_EXPECT_EQ(test, -ENAMETOOLONG, parse(test, name));
}

static void devnames_duplicates_are_refused(struct kunit *test)
{
	struct devnames_case *c = test->priv;

	KUNIT_EXPECT_EQ(test, -EEXIST, parse(test, "a,b,a"));
	KUNIT_EXPECT_EQ(test, 1U, c->bad_len);
	/* A prefix is not a duplicate. */
	KUNIT_EXPECT_EQ(test, 0, parse(test, "binder,binder2,bind"));
}

static void devnames_more_than_the_maximum_is_e2big(struct kunit *test)
{
	char *param = kunit_kzalloc(test, 4 * (IPCKIT_MAX_DEVICES + 1),
				    GFP_KERNEL);
	int i, len = 0;

	KUNIT_ASSERT_NOT_NULL(test, param);
	for (i = 0; i < IPCKIT_MAX_DEVICES; i++)
		len += sprintf(param + len, "%s%c", i ? "," : "", 'a' + i);
	KUNIT_EXPECT_EQ(test, 0, parse(test, param));
	sprintf(param + len, ",z");
	KUNIT_EXPECT_EQ(test, -E2BIG, parse(test, param));
}

static struct kunit_case devnames_cases[] = {
	KUNIT_CASE(devnames_single_name_is_one_device),
	KUNIT_CASE(devnames_list_keeps_order),
	KUNIT_CASE(devnames_empty_entries_are_refused),
	KUNIT_CASE(devnames_bad_characters_are_refused),
	KUNIT_CASE(devnames_longest_name_fits_one_more_does_not),
	KUNIT_CASE(devnames_duplicates_are_refused),
	KUNIT_CASE(devnames_more_than_the_maximum_is_e2big),
	{}
};

static struct kunit_suite devnames_suite = {
	.name = "ipckit_devnames",
	.init = devnames_test_init,
	.test_cases = devnames_cases,
};

kunit_test_suite(devnames_suite);
