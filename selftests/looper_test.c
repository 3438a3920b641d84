// SPDX-License-Identifier: GPL-2.0
/*
 * The BINDER_WRITE_READ mechanics and the looper protocol: how far the
 * driver consumes a write, where a read puts BR_NOOP, non-blocking reads,
 * when BR_SPAWN_LOOPER is asked for, BC_EXIT_LOOPER and
 * BINDER_THREAD_EXIT. This process is the context manager; a forked
 * client (test_client_start) makes the calls.
 */
#include <pthread.h>

#include "ipckit_test.h"

#define CMD_SIZE	sizeof(__u32)
#define FREE_SIZE	(CMD_SIZE + sizeof(binder_uintptr_t))
#define TXN_SIZE	(CMD_SIZE + sizeof(struct binder_transaction_data))

/*
 * The clients are forked before this process opens the device: a child
 * holding (and closing) our fd would make the driver wake our reads
 * with nothing at random times (binder_flush()), and the BR_SPAWN_LOOPER
 * accounting below counts every read.
 */
FIXTURE(loop) {
	struct binder_dev dev;
	struct binder_child client, client2;
};

FIXTURE_SETUP(loop)
{
	ASSERT_EQ(0, test_client_prefork(&self->client, ipckit_test_device));
	ASSERT_EQ(0, test_client_prefork(&self->client2, ipckit_test_device));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
}

FIXTURE_TEARDOWN(loop)
{
	binder_child_kill(&self->client);
	binder_child_kill(&self->client2);
	binder_close_dev(&self->dev);
}

/* Become manager and have a client make count calls to us. */
static int manager_with_client(FIXTURE_DATA(loop) *self, __u32 max_threads,
			       unsigned int count, __u32 expect)
{
	struct test_client_opts co = {
		.code = 1,
		.count = count,
		.expect = expect,
	};
	int ret;

	ret = binder_set_max_threads(self->dev.fd, max_threads);
	if (!ret)
		ret = binder_become_context_mgr(self->dev.fd, NULL, 2000);
	if (!ret)
		ret = test_client_go(&self->client, &co);
	return ret;
}

/* Queue a BR_FAILED_REPLY for this thread (BC_REPLY without a call). */
static int queue_failed_reply(int fd)
{
	struct binder_transaction_data tr = binder_txn(0, 0, 0, NULL, 0);
	struct binder_cmds c;

	bc_init(&c);
	bc_transaction(&c, BC_REPLY, &tr);
	return bc_send(fd, &c);
}

/*
 * A thread's very first ioctl, if it is a read, returns at once with a
 * lone BR_NOOP even though there is no work (the reference's
 * looper_need_return); afterwards a read with nothing to do blocks, or
 * is -EAGAIN when non-blocking.
 */
TEST_F(loop, first_read_of_a_new_thread_returns_only_noop)
{
	__u32 buf[64] = { };
	struct binder_read_result rr;
	size_t consumed;
	int flags;

	ASSERT_EQ(0, binder_read(self->dev.fd, buf, sizeof(buf), &consumed,
				 BINDER_WAIT_MS));
	EXPECT_EQ(CMD_SIZE, consumed);
	EXPECT_EQ(BR_NOOP, buf[0]);

	flags = fcntl(self->dev.fd, F_GETFL);
	ASSERT_EQ(0, fcntl(self->dev.fd, F_SETFL, flags | O_NONBLOCK));
	EXPECT_EQ(-EAGAIN, binder_read_one(&self->dev, &rr, BINDER_WAIT_MS));
}

TEST_F(loop, nonblocking_read_with_nothing_to_do_is_eagain)
{
	struct binder_version ver;
	struct binder_read_result rr;
	struct binder_dev nb;

	ASSERT_EQ(0, binder_open_dev(&nb, ipckit_test_device, O_NONBLOCK));
	/* Any ioctl makes the thread known; then there is nothing to read. */
	ASSERT_EQ(0, binder_ioctl(nb.fd, BINDER_VERSION, &ver));
	EXPECT_EQ(-EAGAIN, binder_read_one(&nb, &rr, BINDER_WAIT_MS));
	EXPECT_EQ(0, rr.consumed);

	/* With work queued a non-blocking read delivers it. */
	ASSERT_EQ(0, queue_failed_reply(nb.fd));
	EXPECT_EQ(0, binder_read_one(&nb, &rr, BINDER_WAIT_MS));
	EXPECT_CMDS(rr.cmds, rr.ncmds, BR_NOOP, BR_FAILED_REPLY);
	EXPECT_EQ(-EAGAIN, binder_read_one(&nb, &rr, BINDER_WAIT_MS));
	binder_close_dev(&nb);
}

/*
 * BR_NOOP is written only at the start of an empty read buffer: a read
 * that starts at a non-zero read_consumed appends after it, leaves what
 * is before it alone, and returns the new total.
 */
TEST_F(loop, read_appends_at_read_consumed)
{
	__u32 buf[64] = { 0xa5a5a5a5, 0x5a5a5a5a };
	struct binder_write_read bwr = {
		.read_size = sizeof(buf),
		.read_consumed = 2 * CMD_SIZE,
		.read_buffer = (uintptr_t)buf,
	};
	struct binder_read_result rr;

	ASSERT_EQ(0, queue_failed_reply(self->dev.fd));
	ASSERT_EQ(0, binder_read_one(&self->dev, &rr, BINDER_WAIT_MS));
	EXPECT_EQ(2 * CMD_SIZE, rr.consumed);
	EXPECT_CMDS(rr.cmds, rr.ncmds, BR_NOOP, BR_FAILED_REPLY);

	ASSERT_EQ(0, queue_failed_reply(self->dev.fd));
	ASSERT_EQ(0, binder_write_read(self->dev.fd, &bwr, BINDER_WAIT_MS));
	EXPECT_EQ(3 * CMD_SIZE, bwr.read_consumed);
	EXPECT_EQ(0xa5a5a5a5, buf[0]);
	EXPECT_EQ(0x5a5a5a5a, buf[1]);
	EXPECT_EQ(BR_FAILED_REPLY, buf[2]);
}

TEST_F(loop, write_consumes_every_command)
{
	struct binder_cmds c;
	size_t consumed;

	bc_init(&c);
	bc_cmd(&c, BC_ENTER_LOOPER);
	bc_free_buffer(&c, 0xdeadbeef000);
	bc_cmd(&c, BC_EXIT_LOOPER);
	ASSERT_EQ(CMD_SIZE + FREE_SIZE + CMD_SIZE, c.len);
	EXPECT_EQ(0, binder_write(self->dev.fd, c.buf, c.len, &consumed));
	EXPECT_EQ(c.len, consumed);
}

/* The driver starts at write_consumed, not at the start of the buffer. */
TEST_F(loop, write_starts_at_write_consumed)
{
	__u32 cmds[] = { 0xffffffff, BC_ENTER_LOOPER };
	struct binder_write_read bwr = {
		.write_size = sizeof(cmds),
		.write_consumed = CMD_SIZE,
		.write_buffer = (uintptr_t)cmds,
	};

	EXPECT_EQ(0, binder_write_read(self->dev.fd, &bwr, BINDER_WAIT_MS));
	EXPECT_EQ(sizeof(cmds), bwr.write_consumed);
}

/*
 * A transaction that fails stops the write after it: the commands behind
 * it stay unconsumed (the ioctl still succeeds) until the error has been
 * read; then writing on from write_consumed works.
 */
TEST_F(loop, failed_transaction_stops_the_write)
{
	struct binder_transaction_data tr = binder_txn(42, 1, 0, NULL, 0);
	struct binder_read_result rr;
	struct binder_write_read bwr = { };
	struct binder_cmds c;

	bc_init(&c);
	bc_transaction(&c, BC_TRANSACTION, &tr);
	bc_cmd(&c, BC_ENTER_LOOPER);
	bc_cmd(&c, BC_EXIT_LOOPER);
	bwr.write_size = c.len;
	bwr.write_buffer = (uintptr_t)c.buf;
	ASSERT_EQ(0, binder_write_read(self->dev.fd, &bwr, BINDER_WAIT_MS));
	EXPECT_EQ(TXN_SIZE, bwr.write_consumed);

	/* Still stuck: the error has not been read yet. */
	ASSERT_EQ(0, binder_write_read(self->dev.fd, &bwr, BINDER_WAIT_MS));
	EXPECT_EQ(TXN_SIZE, bwr.write_consumed);

	ASSERT_EQ(0, binder_read_one(&self->dev, &rr, BINDER_WAIT_MS));
	EXPECT_CMDS(rr.cmds, rr.ncmds, BR_NOOP, BR_FAILED_REPLY);
	ASSERT_EQ(0, binder_write_read(self->dev.fd, &bwr, BINDER_WAIT_MS));
	EXPECT_EQ(c.len, bwr.write_consumed);
}

/*
 * An unknown (or unsupported) command is -EINVAL; write_consumed stays
 * at the end of the last good command, and the read half is skipped with
 * read_consumed set to 0, whatever it was.
 */
TEST_F(loop, unknown_command_is_einval)
{
	static const __u32 bad[] = {
		0x12345678, _IO('c', 99), BC_ATTEMPT_ACQUIRE,
		BC_ACQUIRE_RESULT, BR_NOOP,
	};
	__u32 cmds[] = { BC_ENTER_LOOPER, 0, BC_EXIT_LOOPER, 0, 0, 0, 0 };
	__u32 rbuf[64];
	struct binder_write_read bwr;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		cmds[1] = bad[i];
		memset(&bwr, 0, sizeof(bwr));
		bwr.write_size = sizeof(cmds);
		bwr.write_buffer = (uintptr_t)cmds;
		bwr.read_size = sizeof(rbuf);
		bwr.read_consumed = 8;
		bwr.read_buffer = (uintptr_t)rbuf;
		EXPECT_EQ(-EINVAL, binder_write_read(self->dev.fd, &bwr,
						     BINDER_WAIT_MS))
			TH_LOG("cmd %#x", bad[i]);
		EXPECT_EQ(CMD_SIZE, bwr.write_consumed) TH_LOG("cmd %#x", bad[i]);
		EXPECT_EQ(0, bwr.read_consumed) TH_LOG("cmd %#x", bad[i]);
	}
	/* The thread is fine afterwards. */
	EXPECT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));
}

/* Read the next call; it must come alone, after first (NOOP or SPAWN). */
#define EXPECT_NEXT_CALL(self, rr, first) do {				\
	ASSERT_EQ(0, binder_read_one(&(self)->dev, rr, BINDER_WAIT_MS));\
	EXPECT_CMDS((rr)->cmds, (rr)->ncmds, first, BR_TRANSACTION);	\
	ASSERT_TRUE((rr)->has_tr);					\
} while (0)

/* Reply to it and read our BR_TRANSACTION_COMPLETE, after first. */
#define EXPECT_REPLY_COMPLETES(self, rr, first) do {			\
	ASSERT_EQ(0, binder_reply(&(self)->dev, &(rr)->tr, 0, NULL, 0));\
	ASSERT_EQ(0, binder_read_one(&(self)->dev, rr, BINDER_WAIT_MS));\
	EXPECT_CMDS((rr)->cmds, (rr)->ncmds, first,			\
		    BR_TRANSACTION_COMPLETE);				\
} while (0)

static void *register_and_exit(void *arg)
{
	int fd = *(int *)arg;

	if (binder_cmd(fd, BC_REGISTER_LOOPER) || binder_thread_exit(fd))
		return (void *)1;
	return NULL;
}

static int spawned_thread_registers(int fd)
{
	pthread_t th;
	void *ret;

	if (pthread_create(&th, NULL, register_and_exit, &fd) ||
	    pthread_join(th, &ret))
		return -1;
	return ret ? -1 : 0;
}

/*
 * With BINDER_SET_MAX_THREADS 2, a looper that takes work while no other
 * looper waits gets BR_SPAWN_LOOPER in place of the leading BR_NOOP. It
 * is asked for once until a thread answers with BC_REGISTER_LOOPER, and
 * never beyond max threads registered.
 */
TEST_F(loop, spawn_looper_when_no_looper_is_idle)
{
	struct binder_read_result rr;

	ASSERT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, manager_with_client(self, 2, 3, BR_REPLY));

	EXPECT_NEXT_CALL(self, &rr, BR_SPAWN_LOOPER);
	/* Requested, not yet registered: not asked again. */
	EXPECT_REPLY_COMPLETES(self, &rr, BR_NOOP);

	ASSERT_EQ(0, spawned_thread_registers(self->dev.fd));
	EXPECT_NEXT_CALL(self, &rr, BR_SPAWN_LOOPER);
	EXPECT_REPLY_COMPLETES(self, &rr, BR_NOOP);

	/* Two registered: max threads reached. */
	ASSERT_EQ(0, spawned_thread_registers(self->dev.fd));
	EXPECT_NEXT_CALL(self, &rr, BR_NOOP);
	EXPECT_REPLY_COMPLETES(self, &rr, BR_NOOP);
	EXPECT_CHILD_OK(binder_child_finish(&self->client, BINDER_WAIT_MS));
}

TEST_F(loop, no_spawn_looper_with_max_threads_0)
{
	struct binder_read_result rr;
	int i;

	ASSERT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, manager_with_client(self, 0, 2, BR_REPLY));
	for (i = 0; i < 2; i++) {
		EXPECT_NEXT_CALL(self, &rr, BR_NOOP);
		EXPECT_REPLY_COMPLETES(self, &rr, BR_NOOP);
	}
	EXPECT_CHILD_OK(binder_child_finish(&self->client, BINDER_WAIT_MS));
}

/*
 * A thread that never sent BC_ENTER_LOOPER still gets the process's work
 * when it reads (the reference only logs "Thread waiting for process work
 * before calling BC_REGISTER_LOOPER or BC_ENTER_LOOPER"), but only looper
 * threads are ever asked to spawn more.
 */
TEST_F(loop, non_looper_thread_gets_work_but_no_spawn_looper)
{
	struct binder_read_result rr;

	ASSERT_EQ(0, manager_with_client(self, 2, 1, BR_REPLY));
	EXPECT_NEXT_CALL(self, &rr, BR_NOOP);
	EXPECT_REPLY_COMPLETES(self, &rr, BR_NOOP);
	EXPECT_CHILD_OK(binder_child_finish(&self->client, BINDER_WAIT_MS));
}

struct blocked_read {
	struct binder_dev *dev;
	int ret;
	size_t consumed;
	__u32 buf[64];
};

static void *read_as_looper(void *arg)
{
	struct blocked_read *b = arg;

	b->ret = binder_cmd(b->dev->fd, BC_ENTER_LOOPER);
	if (!b->ret)
		b->ret = binder_read(b->dev->fd, b->buf, sizeof(b->buf),
				     &b->consumed, BINDER_WAIT_MS);
	return NULL;
}

/*
 * Closing any copy of the fd (here a dup; a forked child's exit does the
 * same) flushes the process: a thread blocked in a read returns with a
 * lone BR_NOOP although there is no work.
 */
TEST_F(loop, closing_a_copy_of_the_fd_wakes_blocked_readers)
{
	struct blocked_read b = { .dev = &self->dev };
	pthread_t th;

	ASSERT_EQ(0, pthread_create(&th, NULL, read_as_looper, &b));
	binder_sleep_ms(200);
	ASSERT_EQ(0, close(dup(self->dev.fd)));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(0, b.ret);
	EXPECT_EQ(CMD_SIZE, b.consumed);
	EXPECT_EQ(BR_NOOP, b.buf[0]);
}

/*
 * A signal interrupts a blocked read (-EINTR: the watchdog's alarm here,
 * reported as -ETIMEDOUT) with nothing consumed, and loses no work: the
 * next call still arrives on the next read.
 */
TEST_F(loop, interrupted_read_consumes_nothing_and_loses_no_work)
{
	struct binder_read_result rr;
	size_t consumed = 1;
	__u32 buf[64];

	ASSERT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));
	EXPECT_EQ(-ETIMEDOUT, binder_read(self->dev.fd, buf, sizeof(buf),
					  &consumed, 300));
	EXPECT_EQ(0, consumed);
	ASSERT_EQ(0, manager_with_client(self, 0, 1, BR_REPLY));
	EXPECT_NEXT_CALL(self, &rr, BR_NOOP);
	EXPECT_REPLY_COMPLETES(self, &rr, BR_NOOP);
	EXPECT_CHILD_OK(binder_child_finish(&self->client, BINDER_WAIT_MS));
}

/*
 * BC_EXIT_LOOPER only marks the thread: it is consumed like any command
 * and the thread goes on receiving calls until it leaves with
 * BINDER_THREAD_EXIT (what libbinder does next).
 */
TEST_F(loop, exit_looper_is_consumed_and_thread_still_serves)
{
	struct binder_read_result rr;
	struct binder_cmds c;
	size_t consumed;

	bc_init(&c);
	bc_cmd(&c, BC_ENTER_LOOPER);
	bc_cmd(&c, BC_EXIT_LOOPER);
	ASSERT_EQ(0, binder_write(self->dev.fd, c.buf, c.len, &consumed));
	EXPECT_EQ(2 * CMD_SIZE, consumed);
	ASSERT_EQ(0, manager_with_client(self, 0, 1, BR_REPLY));
	EXPECT_NEXT_CALL(self, &rr, BR_NOOP);
	EXPECT_REPLY_COMPLETES(self, &rr, BR_NOOP);
	EXPECT_CHILD_OK(binder_child_finish(&self->client, BINDER_WAIT_MS));
}

/*
 * BINDER_THREAD_EXIT while serving a call: the caller gets BR_DEAD_REPLY
 * at once. The thread is forgotten: its next ioctl starts a new thread
 * (a first read returning a lone BR_NOOP), which serves normally.
 */
TEST_F(loop, thread_exit_while_serving_is_dead_reply_for_the_caller)
{
	struct test_client_opts co = { .code = 1 };
	struct binder_read_result rr;
	binder_uintptr_t buffer;
	__u32 buf[64];
	size_t consumed;

	ASSERT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, manager_with_client(self, 0, 1, BR_DEAD_REPLY));
	EXPECT_NEXT_CALL(self, &rr, BR_NOOP);
	EXPECT_EQ(0, binder_thread_exit(self->dev.fd));
	EXPECT_CHILD_OK(binder_child_finish(&self->client, BINDER_WAIT_MS));
	buffer = rr.tr.data.ptr.buffer;

	ASSERT_EQ(0, binder_read(self->dev.fd, buf, sizeof(buf), &consumed,
				 BINDER_WAIT_MS));
	EXPECT_EQ(CMD_SIZE, consumed);
	EXPECT_EQ(BR_NOOP, buf[0]);
	/* The unanswered call's buffer is still ours to free. */
	EXPECT_EQ(0, binder_free_buffer(&self->dev, buffer));
	EXPECT_EQ(0, binder_thread_exit(self->dev.fd));
	EXPECT_EQ(0, binder_thread_exit(self->dev.fd));

	ASSERT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, test_client_go(&self->client2, &co));
	EXPECT_NEXT_CALL(self, &rr, BR_NOOP);
	EXPECT_REPLY_COMPLETES(self, &rr, BR_NOOP);
	EXPECT_CHILD_OK(binder_child_finish(&self->client2, BINDER_WAIT_MS));
}

IPCKIT_TEST_MAIN
