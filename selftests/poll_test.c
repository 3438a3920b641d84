// SPDX-License-Identifier: GPL-2.0
/*
 * poll() and epoll on the device: when a thread's fd reads as readable.
 *
 * What the reference (6.1, binder_poll()) does, and these tests assert:
 *
 *  - poll() acts for the calling thread (it is registered if new, and
 *    marked as a poller). The fd is readable (EPOLLIN, never EPOLLOUT)
 *    when binder_has_work(): the thread has work of its own that is not
 *    deferred (process_todo), it must return to userspace
 *    (looper_need_return), or it is available for process work (empty
 *    transaction stack, empty own queue) and the process has work.
 *  - looper_need_return is set for a new thread and cleared at the end
 *    of every ioctl of the thread: the first poll() of a thread that has
 *    made no ioctl yet reports it readable, and a read then returns
 *    BR_NOOP alone; after any ioctl, a thread with no work is not
 *    readable (poll with timeout 0 returns 0).
 *  - A looper (BC_ENTER_LOOPER) with an empty transaction stack that
 *    polls is woken when a call arrives for its process (there is no
 *    thread blocked in a read to take it): readable, and a read returns
 *    BR_NOOP BR_TRANSACTION. After its BC_REPLY, its own
 *    BR_TRANSACTION_COMPLETE makes it readable; once read, not readable.
 *  - A sync call's BR_TRANSACTION_COMPLETE is deferred (queued without
 *    process_todo) until the reply: a caller that wrote BC_TRANSACTION
 *    and polls is not readable while the server holds the call, and
 *    becomes readable when the reply comes; one read then returns
 *    BR_NOOP BR_TRANSACTION_COMPLETE BR_REPLY. A one-way call's
 *    BR_TRANSACTION_COMPLETE is not deferred: readable at once. A call
 *    that fails at once (unknown handle) is readable at once too
 *    (BR_FAILED_REPLY).
 *  - The same through epoll: epoll_wait() wakes when a call arrives.
 *
 * The children are forked before this process opens the device: a child
 * closing an inherited copy of the fd would flush this process, which
 * sets looper_need_return on every thread and makes it readable.
 */
#include <poll.h>
#include <sys/epoll.h>

#include "ipckit_test.h"

#define EVENT_MS	5000	/* bound on a wait for what must come */
#define QUIET_MS	300	/* watched to see that nothing comes */
#define MGR_MS		5000	/* becoming manager: the last one may linger */
#define CODE_PING	0x50494e47	/* "PING" */

/* poll() fd once for events: revents, 0 on timeout, or -errno. */
static int poll_fd(int fd, short events, int timeout_ms)
{
	long long deadline = binder_now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = fd, .events = events };
	int n;

	for (;;) {
		long long left = deadline - binder_now_ms();

		pfd.revents = 0;
		n = poll(&pfd, 1, left > 0 ? (int)left : 0);
		if (n >= 0)
			return n ? pfd.revents : 0;
		if (errno != EINTR)
			return -errno;
	}
}

/* One non-blocking-in-effect read: the commands as they came, BR_NOOP too. */
static int read_cmds(int fd, __u32 *cmds, size_t max, size_t *n,
		     struct binder_transaction_data *tr)
{
	__u32 buf[64] __attribute__((aligned(8)));
	struct binder_reader r;
	const void *payload;
	size_t consumed = 0;
	__u32 cmd;
	int ret;

	*n = 0;
	ret = binder_read(fd, buf, sizeof(buf), &consumed, EVENT_MS);
	if (ret)
		return ret;
	br_init(&r, buf, consumed);
	while (br_next(&r, &cmd, &payload)) {
		if (*n < max)
			cmds[(*n)++] = cmd;
		if (tr && (cmd == BR_TRANSACTION || cmd == BR_REPLY))
			memcpy(tr, payload, sizeof(*tr));
	}
	return 0;
}

#define ASSERT_READ_CMDS(fd, tr, ...) do {				\
	__u32 __got[16];						\
	size_t __n;							\
	ASSERT_EQ(0, read_cmds(fd, __got, ARRAY_SIZE(__got), &__n, tr)); \
	EXPECT_CMDS(__got, __n, __VA_ARGS__);				\
} while (0)

#define ASSERT_NOT_READABLE(fd) do {					\
	int __r = poll_fd(fd, POLLIN | POLLOUT, 0);			\
	ASSERT_EQ(0, __r) TH_LOG("revents %#x", __r);			\
} while (0)

/* --- S: a context manager that holds a call until told to reply ------ */

static int holder_main(void *arg)
{
	struct binder_read_result rr;
	struct binder_transaction_data tr;
	struct binder_dev dev;
	int ret;
	char go;

	ret = binder_open_manager(&dev, ipckit_test_device, NULL, MGR_MS);
	binder_child_ready(ret);
	if (ret)
		return 2;
	if (binder_read_call(&dev, &rr, 20000))
		return 3;
	tr = rr.tr;
	ret = 0;
	if (binder_child_send(&ret, sizeof(ret)))
		return 4;
	if (binder_child_wait_go(&go, 1, 20000))
		return 5;
	if (binder_reply(&dev, &tr, 0, NULL, 0))
		return 6;
	/* Our own BR_TRANSACTION_COMPLETE. */
	if (binder_read_one(&dev, &rr, BINDER_WAIT_MS))
		return 7;
	binder_close_dev(&dev);
	return 0;
}

/* --- fixture: T is the context manager, C a client child ------------- */

FIXTURE(server) {
	struct binder_dev dev;
	struct binder_child c;
};

FIXTURE_SETUP(server)
{
	ASSERT_EQ(0, test_client_prefork(&self->c, ipckit_test_device));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	ASSERT_EQ(0, binder_become_context_mgr(self->dev.fd, NULL, MGR_MS));
	ASSERT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));
}

FIXTURE_TEARDOWN(server)
{
	binder_child_kill(&self->c);
	binder_close_dev(&self->dev);
}

static int client_go(FIXTURE_DATA(server) *self, __u32 flags)
{
	struct test_client_opts o = {
		.handle = 0,
		.code = CODE_PING,
		.flags = flags,
		.count = 1,
		.expect = flags & TF_ONE_WAY ? BR_TRANSACTION_COMPLETE : BR_REPLY,
	};

	return test_client_go(&self->c, &o);
}

/*
 * The manager waits for a call in poll(): not readable while idle,
 * readable when C's call comes, the read brings it; after the reply,
 * readable for its own BR_TRANSACTION_COMPLETE, then idle again.
 */
static void serve_one_polled(struct __test_metadata *_metadata,
			     FIXTURE_DATA(server) *self, __u32 flags)
{
	struct binder_transaction_data tr;
	int r;

	ASSERT_NOT_READABLE(self->dev.fd);
	EXPECT_EQ(0, poll_fd(self->dev.fd, POLLIN, QUIET_MS));
	ASSERT_EQ(0, client_go(self, flags));
	r = poll_fd(self->dev.fd, POLLIN, EVENT_MS);
	ASSERT_EQ(POLLIN, r) TH_LOG("revents %#x", r);
	ASSERT_READ_CMDS(self->dev.fd, &tr, BR_NOOP, BR_TRANSACTION);
	EXPECT_EQ(CODE_PING, tr.code);
	EXPECT_EQ(flags, tr.flags & TF_ONE_WAY);
	ASSERT_NOT_READABLE(self->dev.fd);
	ASSERT_EQ(0, binder_reply(&self->dev, &tr, 0, NULL, 0));
	if (!(flags & TF_ONE_WAY)) {
		r = poll_fd(self->dev.fd, POLLIN, 0);
		ASSERT_EQ(POLLIN, r) TH_LOG("revents %#x", r);
		ASSERT_READ_CMDS(self->dev.fd, NULL, BR_NOOP,
				 BR_TRANSACTION_COMPLETE);
	}
	ASSERT_NOT_READABLE(self->dev.fd);
	EXPECT_CHILD_OK(binder_child_finish(&self->c, EVENT_MS));
}

TEST_F(server, a_polling_looper_is_readable_when_a_sync_call_arrives)
{
	serve_one_polled(_metadata, self, 0);
}

TEST_F(server, a_polling_looper_is_readable_when_a_oneway_call_arrives)
{
	serve_one_polled(_metadata, self, TF_ONE_WAY);
}

/* The same through epoll (level-triggered). */
TEST_F(server, epoll_wakes_a_looper_when_a_call_arrives)
{
	struct epoll_event ev = { .events = EPOLLIN }, got;
	struct binder_transaction_data tr;
	int ep, n;

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->dev.fd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &got, 1, 0));
	EXPECT_EQ(0, epoll_wait(ep, &got, 1, QUIET_MS));
	ASSERT_EQ(0, client_go(self, 0));
	do {
		n = epoll_wait(ep, &got, 1, EVENT_MS);
	} while (n < 0 && errno == EINTR);
	ASSERT_EQ(1, n);
	EXPECT_EQ(EPOLLIN, got.events);
	ASSERT_READ_CMDS(self->dev.fd, &tr, BR_NOOP, BR_TRANSACTION);
	EXPECT_EQ(CODE_PING, tr.code);
	EXPECT_EQ(0, epoll_wait(ep, &got, 1, 0));
	ASSERT_EQ(0, binder_reply(&self->dev, &tr, 0, NULL, 0));
	ASSERT_EQ(1, epoll_wait(ep, &got, 1, 0));
	ASSERT_READ_CMDS(self->dev.fd, NULL, BR_NOOP, BR_TRANSACTION_COMPLETE);
	EXPECT_EQ(0, epoll_wait(ep, &got, 1, 0));
	EXPECT_CHILD_OK(binder_child_finish(&self->c, EVENT_MS));
	close(ep);
}

/*
 * A thread that has made no ioctl yet is new to the driver, which wants
 * it to return to userspace once (looper_need_return): its first poll()
 * reports it readable and its read returns BR_NOOP alone. After that
 * ioctl, with no work, it is not readable.
 */
TEST(a_new_thread_is_readable_once)
{
	struct binder_dev dev;
	int r;

	ASSERT_EQ(0, binder_open_dev(&dev, ipckit_test_device, 0));
	r = poll_fd(dev.fd, POLLIN | POLLOUT, 0);
	EXPECT_EQ(POLLIN, r) TH_LOG("revents %#x", r);
	ASSERT_READ_CMDS(dev.fd, NULL, BR_NOOP);
	ASSERT_NOT_READABLE(dev.fd);
	EXPECT_EQ(0, poll_fd(dev.fd, POLLIN, QUIET_MS));
	/* Entering the looper adds no work. */
	ASSERT_EQ(0, binder_cmd(dev.fd, BC_ENTER_LOOPER));
	ASSERT_NOT_READABLE(dev.fd);
	binder_close_dev(&dev);
}

/* After a first ioctl (any write), a thread with no work is not readable. */
TEST(an_idle_thread_after_its_first_ioctl_is_not_readable)
{
	struct binder_dev dev;

	ASSERT_EQ(0, binder_open_dev(&dev, ipckit_test_device, 0));
	ASSERT_EQ(0, binder_cmd(dev.fd, BC_ENTER_LOOPER));
	ASSERT_NOT_READABLE(dev.fd);
	EXPECT_EQ(0, poll_fd(dev.fd, POLLIN, QUIET_MS));
	binder_close_dev(&dev);
}

/* --- fixture: T is a client, S holds T's call ------------------------- */

FIXTURE(client) {
	struct binder_dev dev;
	struct binder_child s;
};

FIXTURE_SETUP(client)
{
	ASSERT_EQ(0, binder_child_start(&self->s, holder_main, NULL));
	ASSERT_EQ(0, binder_child_wait_ready(&self->s, MGR_MS + 5000));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	ASSERT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));
}

FIXTURE_TEARDOWN(client)
{
	binder_child_kill(&self->s);
	binder_close_dev(&self->dev);
}

/*
 * T writes a sync call (no read). While S holds it, T is not readable:
 * its BR_TRANSACTION_COMPLETE is deferred until the reply. S replies:
 * readable, and one read brings BR_TRANSACTION_COMPLETE and BR_REPLY.
 */
TEST_F(client, a_sync_caller_is_readable_only_once_the_reply_is_there)
{
	struct binder_transaction_data tr = binder_txn(0, CODE_PING, 0,
						       NULL, 0);
	struct binder_cmds c;
	int r, held;
	char go = 1;

	bc_init(&c);
	bc_transaction(&c, BC_TRANSACTION, &tr);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));
	ASSERT_EQ(0, binder_child_recv(&self->s, &held, sizeof(held),
				       EVENT_MS));
	ASSERT_EQ(0, held);
	ASSERT_NOT_READABLE(self->dev.fd);
	EXPECT_EQ(0, poll_fd(self->dev.fd, POLLIN, QUIET_MS));

	ASSERT_EQ(0, binder_child_go(&self->s, &go, 1));
	r = poll_fd(self->dev.fd, POLLIN, EVENT_MS);
	ASSERT_EQ(POLLIN, r) TH_LOG("revents %#x", r);
	ASSERT_READ_CMDS(self->dev.fd, &tr, BR_NOOP, BR_TRANSACTION_COMPLETE,
			 BR_REPLY);
	ASSERT_EQ(0, binder_free_buffer(&self->dev, tr.data.ptr.buffer));
	ASSERT_NOT_READABLE(self->dev.fd);
	EXPECT_CHILD_OK(binder_child_finish(&self->s, EVENT_MS));
}

/*
 * A one-way call's BR_TRANSACTION_COMPLETE is not deferred: readable at
 * once. A call that fails at once is readable at once with its error.
 */
TEST_F(client, a_oneway_or_failed_call_is_readable_at_once)
{
	struct binder_transaction_data tr = binder_txn(0, CODE_PING,
						       TF_ONE_WAY, NULL, 0);
	struct binder_cmds c;
	int r, held;

	bc_init(&c);
	bc_transaction(&c, BC_TRANSACTION, &tr);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));
	r = poll_fd(self->dev.fd, POLLIN, 0);
	ASSERT_EQ(POLLIN, r) TH_LOG("revents %#x", r);
	ASSERT_READ_CMDS(self->dev.fd, NULL, BR_NOOP, BR_TRANSACTION_COMPLETE);
	ASSERT_NOT_READABLE(self->dev.fd);
	/* S took the call (one-way: it "replies" by freeing the buffer). */
	ASSERT_EQ(0, binder_child_recv(&self->s, &held, sizeof(held),
				       EVENT_MS));

	tr = binder_txn(1234, CODE_PING, 0, NULL, 0);
	bc_init(&c);
	bc_transaction(&c, BC_TRANSACTION, &tr);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));
	r = poll_fd(self->dev.fd, POLLIN, 0);
	ASSERT_EQ(POLLIN, r) TH_LOG("revents %#x", r);
	ASSERT_READ_CMDS(self->dev.fd, NULL, BR_NOOP, BR_FAILED_REPLY);
	ASSERT_NOT_READABLE(self->dev.fd);
}

IPCKIT_TEST_MAIN
