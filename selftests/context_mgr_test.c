// SPDX-License-Identifier: GPL-2.0
/*
 * The context manager: one per device, reached by everyone as handle 0,
 * freed when its process goes away (asynchronously, on the reference:
 * binder_deferred_release() runs from a workqueue after the last fput, so
 * a successor may see -EBUSY for a moment; helpers retry for up to 2 s).
 */
#include "ipckit_test.h"

#define OTHER_EUID	4321
#define RELEASE_MS	2000	/* bound on the deferred release */

FIXTURE(mgr) {
	struct binder_dev dev;
	struct binder_child child, server;
};

FIXTURE_SETUP(mgr)
{
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
}

FIXTURE_TEARDOWN(mgr)
{
	binder_child_kill(&self->child);
	binder_child_kill(&self->server);
	binder_close_dev(&self->dev);
}

/* A child that tries to become manager and reports the result. */
struct try_mgr {
	const char *device;
	bool ext;
	uid_t euid;
	int timeout_ms;
};

static int try_mgr_main(void *arg)
{
	const struct try_mgr *t = arg;
	struct flat_binder_object fbo = { .binder = 0x5000, .cookie = 0x5001 };
	struct binder_dev dev;
	int ret;

	ret = binder_open_dev(&dev, t->device, 0);
	if (!ret && t->euid && setresuid(t->euid, t->euid, t->euid))
		ret = -errno;
	if (!ret)
		ret = binder_become_context_mgr(dev.fd, t->ext ? &fbo : NULL,
						t->timeout_ms);
	binder_child_ready(ret);
	if (!ret)
		pause();	/* stay manager until killed */
	return 0;
}

/* Start try_mgr_main in c and return what it reported. */
static int try_mgr_in_child(struct binder_child *c, const struct try_mgr *t)
{
	int ret = binder_child_start(c, try_mgr_main, (void *)t);

	return ret ? ret : binder_child_wait_ready(c, t->timeout_ms + 5000);
}

TEST_F(mgr, manager_receives_calls_to_handle_0)
{
	struct test_client_opts co = {
		.device = ipckit_test_device,
		.code = 77,
	};
	struct binder_read_result rr;

	ASSERT_EQ(0, binder_become_context_mgr(self->dev.fd, NULL, RELEASE_MS));
	ASSERT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, test_client_start(&self->child, &co));

	ASSERT_EQ(0, binder_read_one(&self->dev, &rr, BINDER_WAIT_MS));
	EXPECT_CMDS(rr.cmds, rr.ncmds, BR_NOOP, BR_TRANSACTION);
	ASSERT_TRUE(rr.has_tr);
	EXPECT_EQ(77, rr.tr.code);
	EXPECT_EQ(0, rr.tr.flags);
	/* BINDER_SET_CONTEXT_MGR makes a node with ptr 0 and cookie 0. */
	EXPECT_EQ(0, rr.tr.target.ptr);
	EXPECT_EQ(0, rr.tr.cookie);
	EXPECT_EQ(self->child.pid, rr.tr.sender_pid);
	EXPECT_EQ(0, rr.tr.data_size);
	EXPECT_EQ(0, rr.tr.offsets_size);
	ASSERT_EQ(0, binder_reply(&self->dev, &rr.tr, 0, NULL, 0));
	EXPECT_CHILD_OK(binder_child_finish(&self->child, BINDER_WAIT_MS));
}

TEST_F(mgr, second_manager_is_ebusy)
{
	struct try_mgr t = {
		.device = ipckit_test_device,
		.timeout_ms = 0,
	};

	ASSERT_EQ(0, binder_become_context_mgr(self->dev.fd, NULL, RELEASE_MS));
	/* Not again from the same process either, by either ioctl. */
	EXPECT_EQ(-EBUSY, binder_set_context_mgr(self->dev.fd));
	EXPECT_EQ(-EBUSY, binder_set_context_mgr_ext(self->dev.fd, 1, 2, 0));

	EXPECT_EQ(-EBUSY, try_mgr_in_child(&self->child, &t));
	binder_child_kill(&self->child);
	t.ext = true;
	EXPECT_EQ(-EBUSY, try_mgr_in_child(&self->child, &t));
}

TEST_F(mgr, new_manager_after_manager_exits)
{
	struct test_server_opts so = {
		.device = ipckit_test_device,
		.use_ext = true,
		.ext_ptr = 0xa000,
		.ext_cookie = 0xa001,
	};
	struct test_sender_info info;

	ASSERT_EQ(0, test_server_start(&self->server, &so));
	ASSERT_EQ(0, test_call_sender(&self->dev, 0, &info));
	EXPECT_EQ(0xa001, info.cookie);
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));

	/* A successor in a new process takes over handle 0. */
	so.ext_ptr = 0xb000;
	so.ext_cookie = 0xb001;
	ASSERT_EQ(0, test_server_start(&self->server, &so));
	ASSERT_EQ(0, test_call_sender(&self->dev, 0, &info));
	EXPECT_EQ(0xb000, info.target_ptr);
	EXPECT_EQ(0xb001, info.cookie);
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

TEST_F(mgr, new_manager_after_manager_is_killed)
{
	struct test_server_opts so = { .device = ipckit_test_device };
	struct try_mgr t = {
		.device = ipckit_test_device,
		.timeout_ms = RELEASE_MS,
	};

	ASSERT_EQ(0, test_server_start(&self->server, &so));
	binder_child_kill(&self->server);
	EXPECT_EQ(0, try_mgr_in_child(&self->child, &t));
}

TEST_F(mgr, closing_the_manager_fd_frees_the_slot)
{
	struct try_mgr t = {
		.device = ipckit_test_device,
		.timeout_ms = RELEASE_MS,
	};

	ASSERT_EQ(0, binder_become_context_mgr(self->dev.fd, NULL, RELEASE_MS));
	binder_close_dev(&self->dev);
	EXPECT_EQ(0, try_mgr_in_child(&self->child, &t));
}

TEST_F(mgr, set_context_mgr_ext_sets_node_ptr_and_cookie)
{
	struct test_server_opts so = {
		.device = ipckit_test_device,
		.use_ext = true,
		.ext_ptr = 0x7f0012345000,
		.ext_cookie = 0xc0ffee,
	};
	struct test_sender_info info;

	ASSERT_EQ(0, test_server_start(&self->server, &so));
	ASSERT_EQ(0, test_call_sender(&self->dev, 0, &info));
	EXPECT_EQ(0x7f0012345000, info.target_ptr);
	EXPECT_EQ(0xc0ffee, info.cookie);
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

/* A faulting argument is -EINVAL (not -EFAULT) and takes no slot. */
TEST_F(mgr, set_context_mgr_ext_bad_pointer_is_einval)
{
	EXPECT_EQ(-EINVAL, binder_ioctl(self->dev.fd, BINDER_SET_CONTEXT_MGR_EXT,
					(void *)8));
	EXPECT_EQ(0, binder_become_context_mgr(self->dev.fd, NULL, RELEASE_MS));
}

/*
 * No manager: the call is refused at once with BR_DEAD_REPLY (no
 * BR_TRANSACTION_COMPLETE), and the extended error says BR_DEAD_REPLY,
 * -EINVAL.
 */
TEST_F(mgr, call_without_manager_is_dead_reply)
{
	struct binder_extended_error ee;
	struct binder_result res;

	ASSERT_EQ(0, binder_call_no_manager(&self->dev, &res, &ee, RELEASE_MS));
	EXPECT_EQ(BR_DEAD_REPLY, res.cmd) TH_LOG("got %s", binder_br_name(res.cmd));
	EXPECT_CMDS(res.seen, res.nseen, BR_DEAD_REPLY);
	EXPECT_EQ(0, res.reads_not_noop);
	EXPECT_EQ(BR_DEAD_REPLY, ee.command);
	EXPECT_EQ(-EINVAL, ee.param);
	EXPECT_NE(0, ee.id);
	/* Reading the extended error reset it. */
	EXPECT_EXT_ERROR(self->dev.fd, BR_OK, 0);
}

/* The manager calling handle 0 would call itself: BR_FAILED_REPLY. */
TEST_F(mgr, manager_calling_handle_0_is_failed_reply)
{
	struct binder_result res;

	ASSERT_EQ(0, binder_become_context_mgr(self->dev.fd, NULL, RELEASE_MS));
	ASSERT_EQ(0, binder_call(&self->dev, 0, 1, 0, NULL, 0, &res));
	EXPECT_CMDS(res.seen, res.nseen, BR_FAILED_REPLY);
	EXPECT_EXT_ERROR(self->dev.fd, BR_FAILED_REPLY, -EINVAL);
}

/*
 * The first manager's euid is remembered for the device: a process with
 * another euid is refused with -EPERM (once the slot is free), root is
 * not. The tests run as root, so root was first.
 */
TEST_F(mgr, manager_of_another_euid_is_eperm)
{
	struct try_mgr t = {
		.device = ipckit_test_device,
		.timeout_ms = RELEASE_MS,
		.euid = OTHER_EUID,
	};

	ASSERT_EQ(0, geteuid());
	ASSERT_EQ(0, binder_become_context_mgr(self->dev.fd, NULL, RELEASE_MS));
	binder_close_dev(&self->dev);
	EXPECT_EQ(-EPERM, try_mgr_in_child(&self->child, &t));
	binder_child_kill(&self->child);
	t.euid = 0;
	EXPECT_EQ(0, try_mgr_in_child(&self->child, &t));
}

/*
 * Handle 0 names the manager's node: a process holding it weakly may make
 * it strong (the reference takes any increment on handle 0 through the
 * manager's node), so after BC_INCREFS, BC_ACQUIRE, BC_DECREFS the handle
 * still exists and a death notification on it fires when the manager is
 * killed. libbinder-style proxies take their references in that order.
 */
TEST_F(mgr, weak_handle_0_can_be_made_strong)
{
	struct try_mgr t = {
		.device = ipckit_test_device,
		.timeout_ms = RELEASE_MS,
	};
	const binder_uintptr_t cookie = 0xd0d0cafe;
	struct binder_read_result rr;
	long long deadline;
	struct binder_cmds c;
	bool dead = false;
	size_t i;

	ASSERT_EQ(0, try_mgr_in_child(&self->child, &t));
	bc_init(&c);
	bc_handle(&c, BC_INCREFS, 0);
	bc_handle(&c, BC_ACQUIRE, 0);
	bc_handle(&c, BC_DECREFS, 0);
	bc_handle_cookie(&c, BC_REQUEST_DEATH_NOTIFICATION, 0, cookie);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));
	ASSERT_EQ(0, kill(self->child.pid, SIGKILL));

	/* The child's copy of our fd closing may end a read with nothing. */
	deadline = binder_now_ms() + BINDER_WAIT_MS;
	while (!dead && binder_now_ms() < deadline) {
		if (binder_read_one(&self->dev, &rr, BINDER_WAIT_MS))
			break;
		for (i = 0; i < rr.ncmds; i++)
			dead |= rr.cmds[i] == BR_DEAD_BINDER;
	}
	EXPECT_TRUE(dead) TH_LOG("no BR_DEAD_BINDER for handle 0");
	bc_init(&c);
	bc_dead_binder_done(&c, cookie);
	bc_handle(&c, BC_RELEASE, 0);
	EXPECT_EQ(0, bc_send(self->dev.fd, &c));
}

/*
 * A client calling handle 0 once; exit status 0 for BR_REPLY, 1 for
 * BR_FAILED_REPLY with a negative errno in the extended error, 2 for
 * anything else.
 */
static int call_mgr_once(void *device)
{
	struct binder_extended_error ee;
	struct binder_result res;
	struct binder_dev dev;

	if (binder_open_dev(&dev, device, 0) ||
	    binder_call(&dev, 0, 0, 0, NULL, 0, &res))
		return 2;
	if (res.cmd == BR_REPLY)
		return 0;
	if (res.cmd == BR_FAILED_REPLY && !binder_get_extended_error(dev.fd, &ee) &&
	    ee.command == BR_FAILED_REPLY && ee.param < 0)
		return 1;
	return 2;
}

/*
 * A manager node made with FLAT_BINDER_FLAG_TXN_SECURITY_CTX receives each
 * call as BR_TRANSACTION_SEC_CTX, whose secctx points at the caller's
 * NUL-terminated security context inside the transaction's buffer. When
 * the kernel's LSMs cannot name a context for the caller (no LSM on the
 * debug kernel; AppArmor without a policy on the stock one) the call
 * fails with BR_FAILED_REPLY and the LSM's errno, and the manager sees
 * nothing.
 */
TEST_F(mgr, txn_security_ctx_node_gets_the_callers_context)
{
	struct flat_binder_object fbo = {
		.flags = FLAT_BINDER_FLAG_TXN_SECURITY_CTX,
	};
	const struct binder_transaction_data_secctx *sec = NULL;
	struct binder_read_result rr;
	struct binder_reader r;
	const void *payload;
	const char *text;
	int ret, status;
	__u32 cmd;

	ASSERT_EQ(0, binder_become_context_mgr(self->dev.fd, &fbo, RELEASE_MS));
	ASSERT_EQ(0, binder_child_start(&self->child, call_mgr_once,
					(void *)ipckit_test_device));
	ret = binder_read_one(&self->dev, &rr, 1000);
	if (ret == -ETIMEDOUT) {
		status = binder_child_finish(&self->child, RELEASE_MS);
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1)
			TH_LOG("no BR_TRANSACTION_SEC_CTX, client status %#x", status);
		return;
	}
	ASSERT_EQ(0, ret);
	br_init(&r, rr.buf, rr.consumed);
	while (br_next(&r, &cmd, &payload))
		if (cmd == BR_TRANSACTION_SEC_CTX)
			sec = payload;
	ASSERT_NE(NULL, sec) TH_LOG("got %s", binder_cmds_str(rr.cmds, rr.ncmds));
	EXPECT_GE(sec->secctx, sec->transaction_data.data.ptr.buffer);
	EXPECT_LT(sec->secctx, (binder_uintptr_t)self->dev.map + self->dev.map_size);
	text = (const char *)(uintptr_t)sec->secctx;
	EXPECT_NE(0, text[0]);
	EXPECT_NE(NULL, memchr(text, 0, 4096));
	ASSERT_EQ(0, binder_reply(&self->dev, &sec->transaction_data, 0, NULL, 0));
	EXPECT_CHILD_OK(binder_child_finish(&self->child, RELEASE_MS));
}

IPCKIT_TEST_MAIN
