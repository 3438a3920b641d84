// SPDX-License-Identifier: GPL-2.0
/*
 * Devices of one driver are separate Binder contexts: each has its own
 * context manager, and nothing done on one is visible on the other, even
 * from one process using both. Needs -e OTHER_DEVICE (a second device of
 * the same driver); SKIPs without it.
 */
#include "ipckit_test.h"

FIXTURE(iso) {
	struct binder_dev dev, other;
	struct binder_child server, other_server, client;
};

FIXTURE_SETUP(iso)
{
	if (!ipckit_test_other_device)
		return;		/* the test SKIPs */
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	ASSERT_EQ(0, binder_open_dev(&self->other, ipckit_test_other_device, 0));
}

FIXTURE_TEARDOWN(iso)
{
	binder_child_kill(&self->client);
	binder_child_kill(&self->server);
	binder_child_kill(&self->other_server);
	binder_close_dev(&self->dev);
	binder_close_dev(&self->other);
}

#define NEED_OTHER_DEVICE()						\
	do {								\
		if (!ipckit_test_other_device)				\
			SKIP(return, "no second device (-e)");		\
	} while (0)

static int start_manager(struct binder_child *c, const char *device,
			 binder_uintptr_t cookie)
{
	struct test_server_opts so = {
		.device = device,
		.use_ext = true,
		.ext_ptr = cookie << 12,
		.ext_cookie = cookie,
	};

	return test_server_start(c, &so);
}

TEST_F(iso, manager_is_not_visible_on_the_other_device)
{
	struct binder_extended_error ee;
	struct test_sender_info info;
	struct binder_result res;

	NEED_OTHER_DEVICE();
	ASSERT_EQ(0, start_manager(&self->server, ipckit_test_device, 0xd));
	ASSERT_EQ(0, test_call_sender(&self->dev, 0, &info));
	EXPECT_EQ(0xd, info.cookie);

	ASSERT_EQ(0, binder_call_no_manager(&self->other, &res, &ee, 2000));
	EXPECT_CMDS(res.seen, res.nseen, BR_DEAD_REPLY);
	EXPECT_EQ(BR_DEAD_REPLY, ee.command);
	EXPECT_EQ(-EINVAL, ee.param);
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

TEST_F(iso, each_device_has_its_own_manager)
{
	struct test_sender_info info;

	NEED_OTHER_DEVICE();
	ASSERT_EQ(0, start_manager(&self->server, ipckit_test_device, 0xd));
	/* No -EBUSY: the first device's manager does not hold this one. */
	ASSERT_EQ(0, start_manager(&self->other_server,
				   ipckit_test_other_device, 0xe));

	ASSERT_EQ(0, test_call_sender(&self->dev, 0, &info));
	EXPECT_EQ(0xd, info.cookie);
	/* Served by that device's manager process (its only thread). */
	EXPECT_EQ(self->server.pid, info.server_tid);
	ASSERT_EQ(0, test_call_sender(&self->other, 0, &info));
	EXPECT_EQ(0xe, info.cookie);
	EXPECT_EQ(self->other_server.pid, info.server_tid);

	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
	EXPECT_CHILD_OK(test_server_stop(&self->other_server, &self->other));
}

/*
 * One process: manager of the second device while it calls the first
 * device's manager. Calls to it on the second device arrive on that fd,
 * and it still cannot take over the first device's handle 0.
 */
TEST_F(iso, one_process_serves_one_device_and_calls_the_other)
{
	struct test_client_opts co = {
		.code = 5,
	};
	struct test_sender_info info;
	struct binder_read_result rr;

	NEED_OTHER_DEVICE();
	co.device = ipckit_test_other_device;
	ASSERT_EQ(0, start_manager(&self->server, ipckit_test_device, 0xd));
	ASSERT_EQ(0, binder_become_context_mgr(self->other.fd, NULL, 2000));
	EXPECT_EQ(-EBUSY, binder_set_context_mgr(self->dev.fd));

	ASSERT_EQ(0, test_call_sender(&self->dev, 0, &info));
	EXPECT_EQ(0xd, info.cookie);
	EXPECT_EQ(getpid(), info.pid);

	ASSERT_EQ(0, binder_cmd(self->other.fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, test_client_start(&self->client, &co));
	ASSERT_EQ(0, binder_read_one(&self->other, &rr, BINDER_WAIT_MS));
	EXPECT_CMDS(rr.cmds, rr.ncmds, BR_NOOP, BR_TRANSACTION);
	ASSERT_TRUE(rr.has_tr);
	EXPECT_EQ(5, rr.tr.code);
	EXPECT_EQ(self->client.pid, rr.tr.sender_pid);
	ASSERT_EQ(0, binder_reply(&self->other, &rr.tr, 0, NULL, 0));
	EXPECT_CHILD_OK(binder_child_finish(&self->client, BINDER_WAIT_MS));

	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

IPCKIT_TEST_MAIN
