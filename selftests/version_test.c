// SPDX-License-Identifier: GPL-2.0
/* BINDER_VERSION, unknown ioctls and ipckit's own version ioctl. */
#include "ipckit_test.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = ipckit_test_open();
	ASSERT_GE(self->fd, 0) TH_LOG("open %s: %s", ipckit_test_device,
				      strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, binder_version_is_protocol_8)
{
	struct binder_version ver = { .protocol_version = -1 };

	ASSERT_EQ(0, ioctl(self->fd, BINDER_VERSION, &ver));
	EXPECT_EQ(8, ver.protocol_version);
	EXPECT_EQ(BINDER_CURRENT_PROTOCOL_VERSION, ver.protocol_version);
}

/* The reference answers a faulting pointer with -EINVAL, so must we. */
TEST_F(dev, binder_version_bad_pointer_is_einval)
{
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, BINDER_VERSION, (void *)8));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, unknown_ioctls_are_einval)
{
	static const unsigned long cmds[] = {
		_IO('b', 99), _IOWR('b', 200, __u64), 0xdeadbeef, 0,
	};
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], 0)) TH_LOG("cmd %#lx", cmds[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("cmd %#lx", cmds[i]);
	}
}

/*
 * Documented difference: IPCKIT_GET_VERSION is an ipckit extension on its
 * own ioctl type byte; the reference does not know it and says -EINVAL,
 * which is how userspace tells the drivers apart.
 */
/* /sys/module/ipckit/parameters/binderfs_type names a type. */
static bool binderfs_registered(void)
{
	char type[32] = "";
	FILE *f = fopen("/sys/module/ipckit/parameters/binderfs_type", "r");

	if (!f)
		return false;
	if (!fgets(type, sizeof(type), f))
		type[0] = '\0';
	fclose(f);
	return type[0] && type[0] != '\n';
}

TEST_F(dev, ipckit_get_version_only_on_ipckit)
{
	struct ipckit_version ver;

	memset(&ver, 0xff, sizeof(ver));
	errno = 0;
	if (!ipckit_test_is_ipckit) {
		EXPECT_EQ(-1, ioctl(self->fd, IPCKIT_GET_VERSION, &ver));
		EXPECT_EQ(EINVAL, errno);
		return;
	}
	ASSERT_EQ(0, ioctl(self->fd, IPCKIT_GET_VERSION, &ver));
	EXPECT_EQ(IPCKIT_ABI_VERSION, ver.abi_version);
	EXPECT_EQ(BINDER_CURRENT_PROTOCOL_VERSION, ver.protocol_version);
	/*
	 * io_uring and freeze notifications always; netlink unless the
	 * family names were taken; binderfs when a filesystem type was
	 * registered (its name is then in the binderfs_type parameter).
	 */
	EXPECT_EQ(0, ver.flags & ~(IPCKIT_FEATURE_URING_CMD | IPCKIT_FEATURE_NETLINK |
				   IPCKIT_FEATURE_FREEZE_NOTIFICATION |
				   IPCKIT_FEATURE_BINDERFS));
	EXPECT_NE(0, ver.flags & IPCKIT_FEATURE_URING_CMD);
	EXPECT_NE(0, ver.flags & IPCKIT_FEATURE_FREEZE_NOTIFICATION);
	EXPECT_EQ(binderfs_registered(), !!(ver.flags & IPCKIT_FEATURE_BINDERFS));
	EXPECT_EQ(0, ver.reserved);
}

/*
 * Every ioctl with an argument, given a pointer to nothing: the errno the
 * reference answers (-EINVAL where it reports a failed copy that way).
 */
TEST_F(dev, ioctls_with_a_bad_pointer_fail_like_the_reference)
{
	static const struct {
		unsigned long cmd;
		int err;
	} cases[] = {
		{ BINDER_WRITE_READ, EFAULT },
		{ BINDER_SET_MAX_THREADS, EINVAL },
		{ BINDER_SET_CONTEXT_MGR_EXT, EINVAL },
		{ BINDER_GET_NODE_DEBUG_INFO, EFAULT },
		{ BINDER_GET_NODE_INFO_FOR_REF, EFAULT },
		{ BINDER_GET_EXTENDED_ERROR, EFAULT },
		{ BINDER_FREEZE, EFAULT },
		{ BINDER_GET_FROZEN_INFO, EFAULT },
		{ BINDER_ENABLE_ONEWAY_SPAM_DETECTION, EFAULT },
	};
	struct binder_write_read bwr = {
		.write_size = 4, .write_buffer = 8,
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, cases[i].cmd, (void *)8))
			TH_LOG("cmd %#lx", cases[i].cmd);
		EXPECT_EQ(cases[i].err, errno) TH_LOG("cmd %#lx", cases[i].cmd);
	}
	/* A good argument pointing at a bad command buffer. */
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, BINDER_WRITE_READ, &bwr));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, bwr.write_consumed);
}

IPCKIT_TEST_MAIN
