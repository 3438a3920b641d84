// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring passthrough: IPCKIT_URING_CMD_WRITE_READ (Documentation/uring.rst).
 *
 * BINDER_WRITE_READ submitted as IORING_OP_URING_CMD: the write half runs
 * during submission (write_consumed is back before io_uring_enter()
 * returns); a read completes at once when it has something, else the
 * command pends until work comes for the thread, without a thread
 * blocking. These tests assert:
 *
 *  - the reference binder has no uring_cmd: the CQE says -EOPNOTSUPP
 *    (the rest is skipped there);
 *  - a write-only command completes during submission, write_consumed
 *    set;
 *  - a server's pending read completes when a client's call arrives, and
 *    the reply goes out through the ring too;
 *  - 64 one-way calls, one SQE each, submitted with one io_uring_enter(),
 *    all arrive, in order;
 *  - one pending read per thread (a second: -EBUSY), bad payload or
 *    cmd_op: -EINVAL, IOSQE_ASYNC (io-wq worker) or an SQPOLL ring:
 *    -EOPNOTSUPP;
 *  - teardown with a read pending never hangs: BINDER_THREAD_EXIT
 *    (-ECANCELED), the submitting pthread's exit (-ECANCELED), the
 *    process's exit or SIGKILL, exec, closing the ring (the thread can
 *    pend again), closing a copy of the fd (BR_NOOP alone, as a blocked
 *    read). run_vm.sh's leak check and unload catch what would be left;
 *  - who ended those reads (ipckit's debugfs counters): on a kernel
 *    that can ask a driver to cancel (v6.7+, Debian's 6.12) io_uring
 *    did, at process exit, exec and ring close, and the watcher did not
 *    (nor at SIGKILL, where the device fd's close at exit ends it); the
 *    watcher ends only a lone thread's exit, which io_uring leaves
 *    pending. On 6.1 the watcher ends them all;
 *  - pending reads ended every way at random while calls arrive: every
 *    read ends, every call arrives once.
 */
#include <liburing.h>
#include <pthread.h>
#include <sys/wait.h>

#include "ipckit_test.h"

#define EVENT_MS	5000	/* bound on a wait for what must come */
#define QUIET_MS	300	/* watched to see that nothing comes */
#define CODE_PING	0x50494e47	/* "PING" */
#define BURST		64

/* One command's user memory: the bwr and its buffers, kept until the CQE. */
struct wr {
	struct binder_write_read bwr;
	struct binder_cmds c;
	__u32 rbuf[128] __attribute__((aligned(8)));
};

static void wr_init(struct wr *w, bool read)
{
	memset(&w->bwr, 0, sizeof(w->bwr));
	w->bwr.write_buffer = (uintptr_t)w->c.buf;
	w->bwr.write_size = w->c.len;
	if (read) {
		w->bwr.read_buffer = (uintptr_t)w->rbuf;
		w->bwr.read_size = sizeof(w->rbuf);
	}
}

static void prep_cmd(struct io_uring_sqe *sqe, int fd, __u32 cmd_op,
		     struct binder_write_read *bwr, __u32 flags,
		     __u32 reserved, __u64 user_data)
{
	struct ipckit_uring_write_read p = {
		.bwr = (uintptr_t)bwr,
		.flags = flags,
		.reserved = reserved,
	};

	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = cmd_op;
	memcpy(sqe->cmd, &p, sizeof(p));
	io_uring_sqe_set_data64(sqe, user_data);
}

/* Queue one IPCKIT_URING_CMD_WRITE_READ and submit it. */
static int submit_wr(struct io_uring *ring, int fd, struct wr *w,
		     __u64 user_data, __u8 sqe_flags)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	int ret;

	if (!sqe)
		return -EBUSY;
	prep_cmd(sqe, fd, IPCKIT_URING_CMD_WRITE_READ, &w->bwr, 0, 0,
		 user_data);
	sqe->flags |= sqe_flags;
	ret = io_uring_submit(ring);
	return ret == 1 ? 0 : ret < 0 ? ret : -EIO;
}

/* The next CQE within timeout_ms: 0 and *res, *user_data, or -ETIME. */
static int wait_cqe(struct io_uring *ring, int timeout_ms, int *res,
		    __u64 *user_data)
{
	struct __kernel_timespec ts = {
		.tv_sec = timeout_ms / 1000,
		.tv_nsec = (timeout_ms % 1000) * 1000000LL,
	};
	struct io_uring_cqe *cqe;
	int ret;

	do {
		ret = timeout_ms ? io_uring_wait_cqe_timeout(ring, &cqe, &ts) :
				   io_uring_peek_cqe(ring, &cqe);
	} while (ret == -EINTR);
	if (ret == -EAGAIN)
		ret = -ETIME;
	if (ret)
		return ret;
	*res = cqe->res;
	if (user_data)
		*user_data = cqe->user_data;
	io_uring_cqe_seen(ring, cqe);
	return 0;
}

/* A command with nothing to write or read: its CQE's res. */
static int uring_probe(int fd)
{
	struct io_uring ring;
	struct wr w;
	int ret, res;

	ret = io_uring_queue_init(8, &ring, 0);
	if (ret)
		return ret;
	bc_init(&w.c);
	wr_init(&w, false);
	ret = submit_wr(&ring, fd, &w, 1, 0);
	if (!ret)
		ret = wait_cqe(&ring, EVENT_MS, &res, NULL);
	io_uring_queue_exit(&ring);
	return ret ? ret : res;
}

/* The reference has no uring_cmd: the rest does not apply to it. */
#define REQUIRE_URING(fd) do {						\
	int __r = uring_probe(fd);					\
	if (!ipckit_test_is_ipckit && __r == -EOPNOTSUPP)		\
		SKIP(return, "the reference binder has no uring_cmd (-EOPNOTSUPP)"); \
	ASSERT_EQ(0, __r);						\
} while (0)

/* The same on a short-lived fd of its own, before any child is forked. */
#define REQUIRE_URING_DEV() do {					\
	int __fd = ipckit_test_open();					\
	ASSERT_LE(0, __fd);						\
	if (uring_probe(__fd) == -EOPNOTSUPP && !ipckit_test_is_ipckit) { \
		close(__fd);						\
		SKIP(return, "the reference binder has no uring_cmd (-EOPNOTSUPP)"); \
	}								\
	close(__fd);							\
} while (0)

/*
 * ipckit's debugfs counter @key of the device under test, or -1 (the
 * reference, or no debugfs).
 */
static long long ipckit_stat(const char *key)
{
	const char *dev = strrchr(ipckit_test_device, '/');
	long long v = -1, x;
	char path[256], k[64];
	FILE *f;

	if (!ipckit_test_is_ipckit)
		return -1;
	snprintf(path, sizeof(path), "/sys/kernel/debug/ipckit/%s/stats",
		 dev ? dev + 1 : ipckit_test_device);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", k, &x) == 2)
		if (!strcmp(k, key))
			v = x;
	fclose(f);
	return v;
}

/* ipckit freed the processes that went: procs back to at most @procs. */
static bool procs_back_to(long long procs)
{
	long long deadline = binder_now_ms() + EVENT_MS, now;

	if (procs < 0)
		return true;
	while ((now = ipckit_stat("procs")) > procs) {
		if (binder_now_ms() > deadline)
			return false;
		usleep(10000);
	}
	return true;
}

/*
 * Who ended pending reads: uring_canceled_watcher and
 * uring_canceled_io_uring of ipckit's debugfs stats (-1 on the
 * reference, which takes no command).
 */
struct enders {
	long long watcher, io_uring;
};

static struct enders enders_now(void)
{
	struct enders e = {
		.watcher = ipckit_stat("uring_canceled_watcher"),
		.io_uring = ipckit_stat("uring_canceled_io_uring"),
	};
	return e;
}

/*
 * Since @before, one read ended, by io_uring's cancel when it can ask
 * (v6.7+) and @by_io_uring says this teardown is one it asks for, else
 * by the watcher. Kernel-dependent, see kernel/compat.h
 * (ipckit_uring_task_orphans()) and Documentation/kernels.rst.
 */
#define EXPECT_ENDED_BY(before, by_io_uring) do {			\
	struct enders __a = enders_now();				\
	bool __io = (by_io_uring) && binder_kernel_at_least(6, 7);	\
	if (ipckit_test_is_ipckit) {					\
		EXPECT_EQ(__io ? 1 : 0, __a.io_uring - (before).io_uring); \
		EXPECT_EQ(__io ? 0 : 1, __a.watcher - (before).watcher); \
	}								\
} while (0)

/*
 * Since @before, the watcher ended no read where io_uring can ask (v6.7+):
 * for a teardown that something else may end first (the device fd's
 * close at exit), and on 6.1 either may.
 */
#define EXPECT_NOT_WATCHED(before) do {					\
	if (ipckit_test_is_ipckit && binder_kernel_at_least(6, 7))	\
		EXPECT_EQ(0, enders_now().watcher - (before).watcher);	\
} while (0)

static size_t read_cmds(const struct wr *w, __u32 *cmds, size_t max)
{
	return br_list(w->rbuf, w->bwr.read_consumed, cmds, max);
}

#define EXPECT_READ(w, ...) do {					\
	__u32 __got[16];						\
	size_t __n = read_cmds(w, __got, ARRAY_SIZE(__got));		\
	EXPECT_CMDS(__got, __n, __VA_ARGS__);				\
} while (0)

/* The BR_TRANSACTION in a read buffer. */
static bool read_txn(const struct wr *w, struct binder_transaction_data *tr)
{
	struct binder_reader r;
	const void *payload;
	__u32 cmd;

	br_init(&r, w->rbuf, w->bwr.read_consumed);
	while (br_next(&r, &cmd, &payload)) {
		if (cmd == BR_TRANSACTION) {
			memcpy(tr, payload, sizeof(*tr));
			return true;
		}
	}
	return false;
}

/* A pending read on a looper thread of dev (no CQE yet). */
static int pend_read_flags(struct io_uring *ring, int fd, struct wr *w,
			   __u8 sqe_flags)
{
	int ret, res;

	bc_init(&w->c);
	wr_init(w, true);
	ret = submit_wr(ring, fd, w, 7, sqe_flags);
	if (ret)
		return ret;
	ret = wait_cqe(ring, 0, &res, NULL);
	if (ret != -ETIME)
		return ret ? ret : -EPROTO;
	return 0;
}

static int pend_read(struct io_uring *ring, int fd, struct wr *w)
{
	return pend_read_flags(ring, fd, w, 0);
}

TEST(the_reference_refuses_uring_cmd_and_ipckit_takes_it)
{
	int fd = ipckit_test_open();

	ASSERT_LE(0, fd);
	EXPECT_EQ(ipckit_test_is_ipckit ? 0 : -EOPNOTSUPP, uring_probe(fd));
	close(fd);
}

/*
 * BC_ENTER_LOOPER and reference counts on the manager's handle: the CQE
 * is there when io_uring_enter() returns, write_consumed is all of it.
 */
TEST(a_write_only_command_completes_at_once)
{
	struct test_server_opts o = { .device = ipckit_test_device,
				      .idle = true };
	struct binder_child s;
	struct binder_dev dev;
	struct io_uring ring;
	struct wr w;
	int res;

	REQUIRE_URING_DEV();
	ASSERT_EQ(0, test_server_start(&s, &o));
	ASSERT_EQ(0, binder_open_dev(&dev, ipckit_test_device, 0));
	ASSERT_EQ(0, io_uring_queue_init(8, &ring, 0));
	bc_init(&w.c);
	bc_cmd(&w.c, BC_ENTER_LOOPER);
	bc_handle(&w.c, BC_INCREFS, 0);
	bc_handle(&w.c, BC_ACQUIRE, 0);
	bc_handle(&w.c, BC_RELEASE, 0);
	bc_handle(&w.c, BC_DECREFS, 0);
	wr_init(&w, false);
	ASSERT_EQ(0, submit_wr(&ring, dev.fd, &w, 1, 0));
	ASSERT_EQ(0, wait_cqe(&ring, 0, &res, NULL));
	EXPECT_EQ(0, res);
	EXPECT_EQ(w.c.len, w.bwr.write_consumed);
	EXPECT_EQ(0, w.bwr.read_consumed);
	io_uring_queue_exit(&ring);
	binder_close_dev(&dev);
	binder_child_kill(&s);
}

/*
 * T is the manager and waits for calls with a pending read, no thread
 * blocked: nothing while idle; C's call completes it with BR_TRANSACTION;
 * the reply goes through the ring too and completes at once with T's
 * BR_TRANSACTION_COMPLETE; C gets its BR_REPLY.
 */
TEST(a_pending_read_completes_when_a_call_arrives)
{
	struct test_client_opts o = {
		.handle = 0, .code = CODE_PING, .count = 1, .expect = BR_REPLY,
	};
	struct binder_transaction_data tr, reply;
	struct binder_child c;
	struct binder_dev dev;
	struct io_uring ring;
	struct wr w;
	int res;

	REQUIRE_URING_DEV();
	ASSERT_EQ(0, test_client_prefork(&c, ipckit_test_device));
	ASSERT_EQ(0, binder_open_map(&dev, ipckit_test_device, 0,
				     BINDER_MAP_SIZE));
	ASSERT_EQ(0, binder_become_context_mgr(dev.fd, NULL, 5000));
	ASSERT_EQ(0, binder_cmd(dev.fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, io_uring_queue_init(8, &ring, 0));

	ASSERT_EQ(0, pend_read(&ring, dev.fd, &w));
	EXPECT_EQ(-ETIME, wait_cqe(&ring, QUIET_MS, &res, NULL));
	ASSERT_EQ(0, test_client_go(&c, &o));
	ASSERT_EQ(0, wait_cqe(&ring, EVENT_MS, &res, NULL));
	ASSERT_EQ(0, res);
	EXPECT_READ(&w, BR_NOOP, BR_TRANSACTION);
	ASSERT_TRUE(read_txn(&w, &tr));
	EXPECT_EQ(CODE_PING, tr.code);

	bc_init(&w.c);
	bc_free_buffer(&w.c, tr.data.ptr.buffer);
	reply = binder_txn(0, 0, 0, NULL, 0);
	bc_transaction(&w.c, BC_REPLY, &reply);
	wr_init(&w, true);
	ASSERT_EQ(0, submit_wr(&ring, dev.fd, &w, 2, 0));
	ASSERT_EQ(0, wait_cqe(&ring, 0, &res, NULL));
	EXPECT_EQ(0, res);
	EXPECT_EQ(w.c.len, w.bwr.write_consumed);
	EXPECT_READ(&w, BR_NOOP, BR_TRANSACTION_COMPLETE);
	EXPECT_CHILD_OK(binder_child_finish(&c, EVENT_MS));

	io_uring_queue_exit(&ring);
	binder_close_dev(&dev);
}

/*
 * A client queues 64 one-way calls, one SQE each, and submits them with
 * one io_uring_enter(): each completes during submission; the server
 * (a blocking ioctl loop) receives all 64, in order, intact.
 */
TEST(a_burst_of_oneway_calls_goes_in_one_enter)
{
	struct test_server_opts so = { .device = ipckit_test_device };
	struct test_oneway_count count = { };
	unsigned char payload[BURST][16];
	struct binder_result result;
	struct binder_child s;
	struct binder_dev dev;
	struct io_uring ring;
	struct wr *w, rd;
	unsigned int i, tcs = 0;
	long long deadline;
	int res;

	w = calloc(BURST, sizeof(*w));
	ASSERT_NE(NULL, w);
	REQUIRE_URING_DEV();
	ASSERT_EQ(0, test_server_start(&s, &so));
	ASSERT_EQ(0, binder_open_map(&dev, ipckit_test_device, 0,
				     BINDER_MAP_SIZE));
	ASSERT_EQ(0, io_uring_queue_init(BURST, &ring, 0));
	for (i = 0; i < BURST; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		struct binder_transaction_data tr;

		ASSERT_NE(NULL, sqe);
		binder_fill(payload[i], sizeof(payload[i]), i);
		tr = binder_txn(0, TEST_CODE_ONEWAY_SEQ, TF_ONE_WAY,
				payload[i], sizeof(payload[i]));
		bc_init(&w[i].c);
		bc_transaction(&w[i].c, BC_TRANSACTION, &tr);
		wr_init(&w[i], false);
		prep_cmd(sqe, dev.fd, IPCKIT_URING_CMD_WRITE_READ, &w[i].bwr,
			 0, 0, i);
	}
	/* One io_uring_enter(), and every CQE is there when it returns. */
	ASSERT_EQ(BURST, io_uring_submit(&ring));
	for (i = 0; i < BURST; i++) {
		__u64 ud;

		ASSERT_EQ(0, wait_cqe(&ring, 0, &res, &ud));
		EXPECT_EQ(0, res);
		ASSERT_GT(BURST, ud);
		EXPECT_EQ(w[ud].c.len, w[ud].bwr.write_consumed);
	}
	/* Their BR_TRANSACTION_COMPLETEs, through the ring as well. */
	deadline = binder_now_ms() + EVENT_MS;
	while (tcs < BURST && binder_now_ms() < deadline) {
		__u32 cmds[128];
		size_t n, j;

		bc_init(&rd.c);
		wr_init(&rd, true);
		ASSERT_EQ(0, submit_wr(&ring, dev.fd, &rd, 100, 0));
		ASSERT_EQ(0, wait_cqe(&ring, EVENT_MS, &res, NULL));
		ASSERT_EQ(0, res);
		n = read_cmds(&rd, cmds, ARRAY_SIZE(cmds));
		for (j = 0; j < n; j++)
			tcs += cmds[j] == BR_TRANSACTION_COMPLETE;
	}
	EXPECT_EQ(BURST, tcs);
	/* The server takes one-way calls one at a time: wait for all. */
	deadline = binder_now_ms() + EVENT_MS;
	do {
		ASSERT_EQ(0, binder_call(&dev, 0, TEST_CODE_COUNT, 0, NULL, 0,
					 &result));
		ASSERT_EQ(BR_REPLY, result.cmd);
		ASSERT_EQ(sizeof(count), result.tr.data_size);
		memcpy(&count, (void *)(uintptr_t)result.tr.data.ptr.buffer,
		       sizeof(count));
		binder_free_buffer(&dev, result.tr.data.ptr.buffer);
		if (count.received < BURST)
			usleep(10000);
	} while (count.received < BURST && binder_now_ms() < deadline);
	EXPECT_EQ(BURST, count.received);
	EXPECT_EQ(0, count.out_of_order);
	EXPECT_EQ(0, count.bad);
	EXPECT_CHILD_OK(test_server_stop(&s, &dev));
	io_uring_queue_exit(&ring);
	binder_close_dev(&dev);
	free(w);
}

/* One pending read per thread: a second is -EBUSY, the first stays. */
TEST(a_second_pending_read_on_a_thread_is_busy)
{
	struct io_uring ring;
	struct wr a, b;
	__u64 ud;
	int fd, res;

	fd = ipckit_test_open();
	ASSERT_LE(0, fd);
	REQUIRE_URING(fd);
	ASSERT_EQ(0, binder_cmd(fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, io_uring_queue_init(8, &ring, 0));
	ASSERT_EQ(0, pend_read(&ring, fd, &a));
	bc_init(&b.c);
	wr_init(&b, true);
	ASSERT_EQ(0, submit_wr(&ring, fd, &b, 8, 0));
	ASSERT_EQ(0, wait_cqe(&ring, 0, &res, &ud));
	EXPECT_EQ(8, ud);
	EXPECT_EQ(-EBUSY, res);
	EXPECT_EQ(0, b.bwr.read_consumed);
	EXPECT_EQ(-ETIME, wait_cqe(&ring, QUIET_MS, &res, NULL));
	/* A write-only command is no read: it goes through. */
	bc_init(&b.c);
	bc_cmd(&b.c, BC_ENTER_LOOPER);
	wr_init(&b, false);
	ASSERT_EQ(0, submit_wr(&ring, fd, &b, 9, 0));
	ASSERT_EQ(0, wait_cqe(&ring, 0, &res, &ud));
	EXPECT_EQ(9, ud);
	EXPECT_EQ(0, res);
	ASSERT_EQ(0, binder_thread_exit(fd));
	ASSERT_EQ(0, wait_cqe(&ring, EVENT_MS, &res, &ud));
	EXPECT_EQ(7, ud);
	EXPECT_EQ(-ECANCELED, res);
	io_uring_queue_exit(&ring);
	close(fd);
}

TEST(bad_flags_reserved_or_cmd_op_are_einval)
{
	struct binder_write_read bwr = { };
	struct io_uring ring;
	int fd, res, i;

	fd = ipckit_test_open();
	ASSERT_LE(0, fd);
	REQUIRE_URING(fd);
	ASSERT_EQ(0, io_uring_queue_init(8, &ring, 0));
	for (i = 0; i < 3; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		prep_cmd(sqe, fd, i == 2 ? IPCKIT_URING_CMD_WRITE_READ + 1 :
					   IPCKIT_URING_CMD_WRITE_READ,
			 &bwr, i == 0, i == 1, i);
		ASSERT_EQ(1, io_uring_submit(&ring));
		ASSERT_EQ(0, wait_cqe(&ring, EVENT_MS, &res, NULL));
		EXPECT_EQ(-EINVAL, res) TH_LOG("case %d", i);
	}
	io_uring_queue_exit(&ring);
	close(fd);
}

/* IOSQE_ASYNC runs the command on an io-wq worker: not the thread. */
TEST(iosqe_async_is_refused)
{
	struct io_uring ring;
	struct wr w;
	int fd, res;

	fd = ipckit_test_open();
	ASSERT_LE(0, fd);
	REQUIRE_URING(fd);
	ASSERT_EQ(0, io_uring_queue_init(8, &ring, 0));
	bc_init(&w.c);
	bc_cmd(&w.c, BC_ENTER_LOOPER);
	wr_init(&w, true);
	ASSERT_EQ(0, submit_wr(&ring, fd, &w, 1, IOSQE_ASYNC));
	ASSERT_EQ(0, wait_cqe(&ring, EVENT_MS, &res, NULL));
	EXPECT_EQ(-EOPNOTSUPP, res);
	EXPECT_EQ(0, w.bwr.write_consumed);
	io_uring_queue_exit(&ring);
	close(fd);
}

/* An SQPOLL ring submits from its kernel thread: not the thread either. */
TEST(sqpoll_submission_is_refused)
{
	struct io_uring_params p = { .flags = IORING_SETUP_SQPOLL,
				     .sq_thread_idle = 100 };
	struct io_uring ring;
	struct wr w;
	int fd, res, ret;

	fd = ipckit_test_open();
	ASSERT_LE(0, fd);
	REQUIRE_URING(fd);
	ret = io_uring_queue_init_params(8, &ring, &p);
	if (ret == -EPERM || ret == -EINVAL)
		SKIP(close(fd); return, "no SQPOLL ring here (%d)", ret);
	ASSERT_EQ(0, ret);
	bc_init(&w.c);
	bc_cmd(&w.c, BC_ENTER_LOOPER);
	wr_init(&w, true);
	ASSERT_EQ(0, submit_wr(&ring, fd, &w, 1, 0));
	ASSERT_EQ(0, wait_cqe(&ring, EVENT_MS, &res, NULL));
	EXPECT_EQ(-EOPNOTSUPP, res);
	EXPECT_EQ(0, w.bwr.write_consumed);
	io_uring_queue_exit(&ring);
	close(fd);
}

/* --- teardown with a read pending ------------------------------------ */

/*
 * Races: a client sends one-way calls while T, the manager, keeps a read
 * pending and ends it every way it can at random (waits for it, or
 * BINDER_THREAD_EXIT, a flush or the ring's close right after the
 * submission). Every read ends (a call, a lone BR_NOOP or -ECANCELED),
 * and every call arrives exactly once: one-way calls wait in the
 * process's queue, not in a released thread's.
 */
TEST(pending_reads_race_with_calls_and_teardown)
{
	struct test_client_opts o = {
		.handle = 0, .code = CODE_PING, .flags = TF_ONE_WAY,
		.count = 200, .expect = BR_TRANSACTION_COMPLETE,
	};
	unsigned int got = 0, canceled = 0, rounds = 0;
	struct binder_transaction_data tr;
	struct binder_child c;
	struct binder_dev dev;
	struct io_uring ring;
	long long deadline;
	struct wr w;
	int res, ret;

	REQUIRE_URING_DEV();
	ASSERT_EQ(0, test_client_prefork(&c, ipckit_test_device));
	ASSERT_EQ(0, binder_open_map(&dev, ipckit_test_device, 0,
				     BINDER_MAP_SIZE));
	ASSERT_EQ(0, binder_become_context_mgr(dev.fd, NULL, 5000));
	ASSERT_EQ(0, binder_cmd(dev.fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, io_uring_queue_init(8, &ring, 0));
	srand(42);
	ASSERT_EQ(0, test_client_go(&c, &o));
	deadline = binder_now_ms() + 4 * EVENT_MS;
	while (got < o.count && binder_now_ms() < deadline) {
		int how = rand() % 4;

		rounds++;
		bc_init(&w.c);
		wr_init(&w, true);
		ASSERT_EQ(0, submit_wr(&ring, dev.fd, &w, rounds, 0));
		if (how == 1) {
			ASSERT_EQ(0, binder_thread_exit(dev.fd));
		} else if (how == 2) {
			close(dup(dev.fd));
		} else if (how == 3) {
			io_uring_queue_exit(&ring);
			ASSERT_EQ(0, io_uring_queue_init(8, &ring, 0));
		}
		if (how == 3) {
			/*
			 * The old ring's CQE went with it: wait for the slot;
			 * the old read either delivered (read_consumed came
			 * back) or was canceled.
			 */
			long long d = binder_now_ms() + EVENT_MS;
			struct wr p;

			for (;;) {
				bc_init(&p.c);
				wr_init(&p, false);
				ASSERT_EQ(0, submit_wr(&ring, dev.fd, &p, 0, 0));
				ASSERT_EQ(0, wait_cqe(&ring, EVENT_MS, &res, NULL));
				ASSERT_EQ(0, res);
				bc_init(&p.c);
				wr_init(&p, true);
				ASSERT_EQ(0, submit_wr(&ring, dev.fd, &p, 1, 0));
				ret = wait_cqe(&ring, 0, &res, NULL);
				if (ret == -ETIME || res != -EBUSY)
					break;
				ASSERT_GT(d, binder_now_ms());
				usleep(1000);
			}
			if (read_txn(&w, &tr)) {
				got++;
				ASSERT_EQ(0, binder_free_buffer(&dev, tr.data.ptr.buffer));
			}
			/* Whatever it was, it is over: end the new one. */
			ASSERT_EQ(0, binder_thread_exit(dev.fd));
			if (ret == -ETIME)
				ASSERT_EQ(0, wait_cqe(&ring, EVENT_MS, &res, NULL));
			if (res == 0 && read_txn(&p, &tr)) {
				got++;
				ASSERT_EQ(0, binder_free_buffer(&dev, tr.data.ptr.buffer));
			}
			ASSERT_EQ(0, binder_cmd(dev.fd, BC_ENTER_LOOPER));
			continue;
		}
		ASSERT_EQ(0, wait_cqe(&ring, EVENT_MS, &res, NULL));
		if (res == -ECANCELED) {
			canceled++;
			ASSERT_EQ(0, binder_cmd(dev.fd, BC_ENTER_LOOPER));
			continue;
		}
		ASSERT_EQ(0, res);
		if (read_txn(&w, &tr)) {
			got++;
			ASSERT_EQ(0, binder_free_buffer(&dev, tr.data.ptr.buffer));
		}
		if (how == 1)
			ASSERT_EQ(0, binder_cmd(dev.fd, BC_ENTER_LOOPER));
	}
	TH_LOG("%u calls in %u reads, %u canceled", got, rounds, canceled);
	EXPECT_EQ(o.count, got);
	EXPECT_CHILD_OK(binder_child_finish(&c, EVENT_MS));
	io_uring_queue_exit(&ring);
	binder_close_dev(&dev);
}


TEST(binder_thread_exit_cancels_a_pending_read)
{
	struct io_uring ring;
	struct wr w;
	int fd, res;

	fd = ipckit_test_open();
	ASSERT_LE(0, fd);
	REQUIRE_URING(fd);
	ASSERT_EQ(0, io_uring_queue_init(8, &ring, 0));
	ASSERT_EQ(0, pend_read(&ring, fd, &w));
	ASSERT_EQ(0, binder_thread_exit(fd));
	ASSERT_EQ(0, wait_cqe(&ring, EVENT_MS, &res, NULL));
	EXPECT_EQ(-ECANCELED, res);
	EXPECT_EQ(0, w.bwr.read_consumed);
	/* The thread is new again: it can pend again. */
	ASSERT_EQ(0, binder_cmd(fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, pend_read(&ring, fd, &w));
	ASSERT_EQ(0, binder_thread_exit(fd));
	ASSERT_EQ(0, wait_cqe(&ring, EVENT_MS, &res, NULL));
	EXPECT_EQ(-ECANCELED, res);
	io_uring_queue_exit(&ring);
	close(fd);
}

/* close() of any copy of the fd: the read returns BR_NOOP alone. */
TEST(closing_a_copy_of_the_fd_ends_a_pending_read)
{
	struct io_uring ring;
	struct wr w;
	int fd, res;

	fd = ipckit_test_open();
	ASSERT_LE(0, fd);
	REQUIRE_URING(fd);
	ASSERT_EQ(0, binder_cmd(fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, io_uring_queue_init(8, &ring, 0));
	ASSERT_EQ(0, pend_read(&ring, fd, &w));
	close(dup(fd));
	ASSERT_EQ(0, wait_cqe(&ring, EVENT_MS, &res, NULL));
	EXPECT_EQ(0, res);
	EXPECT_READ(&w, BR_NOOP);
	io_uring_queue_exit(&ring);
	close(fd);
}

struct pthread_arg {
	struct io_uring *ring;
	int fd;
	struct wr w;
	int ret;
};

static void *pend_and_exit(void *p)
{
	struct pthread_arg *a = p;

	a->ret = binder_cmd(a->fd, BC_ENTER_LOOPER);
	if (!a->ret)
		a->ret = pend_read(a->ring, a->fd, &a->w);
	return NULL;
}

/* The submitting pthread exits: its read ends with -ECANCELED. */
TEST(the_submitting_pthread_exiting_cancels_its_read)
{
	struct pthread_arg a = { };
	struct io_uring ring;
	struct enders before;
	pthread_t t;
	int res;

	a.fd = ipckit_test_open();
	ASSERT_LE(0, a.fd);
	REQUIRE_URING(a.fd);
	ASSERT_EQ(0, io_uring_queue_init(8, &ring, 0));
	a.ring = &ring;
	before = enders_now();
	ASSERT_EQ(0, pthread_create(&t, NULL, pend_and_exit, &a));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(0, a.ret);
	ASSERT_EQ(0, wait_cqe(&ring, EVENT_MS, &res, NULL));
	EXPECT_EQ(-ECANCELED, res);
	/* io_uring leaves a lone thread's exit to the driver, on any kernel. */
	EXPECT_ENDED_BY(before, false);
	io_uring_queue_exit(&ring);
	close(a.fd);
}

/* Closing the ring while the process lives: the read is gone with it. */
TEST(closing_the_ring_ends_a_pending_read)
{
	struct io_uring ring, ring2;
	struct enders before;
	long long deadline;
	struct wr w, w2;
	int fd, ret, res;

	fd = ipckit_test_open();
	ASSERT_LE(0, fd);
	REQUIRE_URING(fd);
	ASSERT_EQ(0, binder_cmd(fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, io_uring_queue_init(8, &ring, 0));
	ASSERT_EQ(0, pend_read(&ring, fd, &w));
	before = enders_now();
	io_uring_queue_exit(&ring);
	/* The thread's read slot frees up: a new read pends (no -EBUSY). */
	ASSERT_EQ(0, io_uring_queue_init(8, &ring2, 0));
	deadline = binder_now_ms() + EVENT_MS;
	for (;;) {
		bc_init(&w2.c);
		wr_init(&w2, true);
		ASSERT_EQ(0, submit_wr(&ring2, fd, &w2, 3, 0));
		ret = wait_cqe(&ring2, 0, &res, NULL);
		if (ret == -ETIME)
			break;
		ASSERT_EQ(0, ret);
		ASSERT_EQ(-EBUSY, res);
		ASSERT_GT(deadline, binder_now_ms());
		usleep(10000);
	}
	EXPECT_ENDED_BY(before, true);
	ASSERT_EQ(0, binder_thread_exit(fd));
	ASSERT_EQ(0, wait_cqe(&ring2, EVENT_MS, &res, NULL));
	EXPECT_EQ(-ECANCELED, res);
	io_uring_queue_exit(&ring2);
	close(fd);
}

enum { END_RETURN, END_PAUSE, END_EXEC };

/*
 * The device only as the ring's registered file: closing the fd flushed
 * the process (its next read returns BR_NOOP alone, taken here), and no
 * close() at exit ends the read that then pends.
 */
static int pend_read_fixed(struct io_uring *ring, int fd, struct wr *w)
{
	int ret, res;

	ret = io_uring_register_files(ring, &fd, 1);
	if (ret)
		return ret;
	close(fd);
	bc_init(&w->c);
	wr_init(w, true);
	ret = submit_wr(ring, 0, w, 6, IOSQE_FIXED_FILE);
	if (!ret)
		ret = wait_cqe(ring, EVENT_MS, &res, NULL);
	if (!ret && (res || w->bwr.read_consumed != sizeof(__u32)))
		ret = -EPROTO;
	return ret ? ret : pend_read_flags(ring, 0, w, IOSQE_FIXED_FILE);
}

/*
 * A child with a pending read that then exits (its device fd only in the
 * ring), waits to be killed or execs (its fd still open).
 */
static int pending_child(void *arg)
{
	int how = (int)(uintptr_t)arg;
	struct io_uring ring;
	struct wr w;
	int fd, ret;

	fd = open(ipckit_test_device, O_RDWR);
	if (fd < 0) {
		binder_child_ready(-errno);
		return 1;
	}
	ret = binder_cmd(fd, BC_ENTER_LOOPER);
	if (!ret)
		ret = io_uring_queue_init(8, &ring, 0);
	if (!ret)
		ret = how == END_RETURN ? pend_read_fixed(&ring, fd, &w) :
					  pend_read(&ring, fd, &w);
	binder_child_ready(ret);
	if (ret)
		return 2;
	switch (how) {
	case END_PAUSE:
		pause();
		return 3;
	case END_EXEC:
		execl("/bin/sh", "sh", "-c", "exit 7", (char *)NULL);
		return 4;
	}
	return 0;	/* exit() with the ring and the read pending */
}

static int run_pending_child(int how, bool kill_it)
{
	struct binder_child c;
	int ret, status;

	ret = binder_child_start(&c, pending_child, (void *)(uintptr_t)how);
	if (ret)
		return ret;
	ret = binder_child_wait_ready(&c, EVENT_MS);
	if (ret) {
		binder_child_kill(&c);
		return ret;
	}
	if (kill_it)
		kill(c.pid, SIGKILL);
	status = binder_child_finish(&c, EVENT_MS);
	return status;
}

/*
 * The process ends with its read pending (exit, SIGKILL, exec): it goes
 * at once, and ipckit frees its process state (debugfs procs).
 */
TEST(a_process_exiting_with_a_pending_read_goes)
{
	struct enders before;
	long long procs;

	REQUIRE_URING_DEV();
	procs = ipckit_stat("procs");
	before = enders_now();
	EXPECT_CHILD_OK(run_pending_child(END_RETURN, false));
	EXPECT_TRUE(procs_back_to(procs));
	EXPECT_ENDED_BY(before, true);
}

TEST(a_process_killed_with_a_pending_read_goes)
{
	struct enders before;
	long long procs;
	int status;

	REQUIRE_URING_DEV();
	procs = ipckit_stat("procs");
	before = enders_now();
	status = run_pending_child(END_PAUSE, true);
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
	EXPECT_TRUE(procs_back_to(procs));
	/* Its device fd (open, unlike the exit case's) closes first at exit. */
	EXPECT_NOT_WATCHED(before);
}

TEST(a_process_execing_with_a_pending_read_goes)
{
	struct enders before;
	long long procs;
	int status;

	REQUIRE_URING_DEV();
	procs = ipckit_stat("procs");
	before = enders_now();
	status = run_pending_child(END_EXEC, false);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(7, WEXITSTATUS(status));
	EXPECT_TRUE(procs_back_to(procs));
	EXPECT_ENDED_BY(before, true);
}

IPCKIT_TEST_MAIN
