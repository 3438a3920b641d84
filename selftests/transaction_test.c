// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions to the context manager: round trips, payload limits, the
 * errors the reference reports (BR_* and BINDER_GET_EXTENDED_ERROR),
 * sender identity, one-way ordering and async space, status replies,
 * dying servers and misuse of BC_REPLY / BC_FREE_BUFFER.
 *
 * The manager is the standard test server (binder_util.c), a forked
 * process; this process is the client.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include "ipckit_test.h"

/*
 * The largest payload that fits: the whole receive area. The reference
 * keeps buffer bookkeeping in the kernel, so data (rounded up to 8) plus
 * offsets may use all of the 1 MiB - 2 pages mapping; one byte more is
 * -ENOSPC. (Both the server's area, for the call, and ours, for the
 * echoed reply, must be completely free.)
 */
#define MAX_PAYLOAD		BINDER_MAP_SIZE
/* The reference gives one-way calls half of the area. */
#define ASYNC_SPACE		(BINDER_MAP_SIZE / 2)
#define ONEWAY_PAYLOAD		1024
#define ONEWAY_CALLS		1000
#define ONEWAY_BURST		100
#define OTHER_EUID		4321

FIXTURE(txn) {
	struct binder_dev dev;
	struct binder_child server;
	void *buf;			/* MAX_PAYLOAD bytes to send from */
};

FIXTURE_SETUP(txn)
{
	struct test_server_opts so = { .device = ipckit_test_device };

	self->buf = malloc(MAX_PAYLOAD + 4096);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, test_server_start(&self->server, &so));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
}

FIXTURE_TEARDOWN(txn)
{
	binder_child_kill(&self->server);
	binder_close_dev(&self->dev);
	free(self->buf);
}

/* Replace the serving manager by one that never reads. */
static int idle_manager(struct binder_child *server)
{
	struct test_server_opts so = {
		.device = ipckit_test_device,
		.idle = true,
	};

	binder_child_kill(server);
	return test_server_start(server, &so);
}

/*
 * One TEST_CODE_ECHO round trip of size bytes of binder_fill(seed): 0 if
 * the reply is byte-exact (and freed), else why not.
 */
static int echo(struct binder_dev *dev, void *buf, size_t size, __u32 seed,
		struct binder_result *res)
{
	const void *reply;
	int ret;

	binder_fill(buf, size, seed);
	ret = binder_call(dev, 0, TEST_CODE_ECHO, 0, buf, size, res);
	if (ret)
		return ret;
	if (res->cmd != BR_REPLY)
		return -EPROTO;
	reply = (const void *)(uintptr_t)res->tr.data.ptr.buffer;
	if (res->tr.flags || res->tr.data_size != size ||
	    res->tr.offsets_size || memcmp(reply, buf, size))
		ret = -EBADMSG;
	binder_free_buffer(dev, res->tr.data.ptr.buffer);
	return ret;
}

TEST_F(txn, ping_gets_transaction_complete_then_reply)
{
	struct binder_result res;

	ASSERT_EQ(0, echo(&self->dev, self->buf, 0, 0, &res))
		TH_LOG("%s", binder_cmds_str(res.seen, res.nseen));
	EXPECT_CMDS(res.seen, res.nseen, BR_TRANSACTION_COMPLETE, BR_REPLY);
	EXPECT_EQ(0, res.reads_not_noop);
	/* After a successful call the extended error says so. */
	EXPECT_EXT_ERROR(self->dev.fd, BR_OK, 0);
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

/*
 * 10000 byte-exact round trips over the sizes below, the server checking
 * each request's pattern and this process each reply. Measured on the
 * reference under TCG (see the "# size" lines): about 0.2 ms per small
 * round trip, 0.7 ms at 64 KiB and 7.5 ms at the maximum (two 1 MiB
 * copies, a fill and two checks), some 4 s in all; so most are small.
 */
TEST_F_TIMEOUT(txn, ten_thousand_round_trips_are_byte_exact, 180)
{
	static const struct {
		size_t size;
		unsigned int count;
	} plan[] = {
		{ 0, 3500 },
		{ 4, 3500 },
		{ 4096, 2000 },
		{ 65536, 800 },
		{ MAX_PAYLOAD, 200 },
	};
	struct binder_result res;
	unsigned int i, n, total = 0;
	long long start;
	cpu_set_t cpu0;

	/*
	 * One vCPU for both ends: under TCG a cross-CPU wake-up costs from
	 * 0.1 to 5 ms depending on the host's load, which made this test
	 * take 4 to 50 s on the reference. The other tests keep both ends
	 * free to run on separate CPUs.
	 */
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpu0), &cpu0));
	ASSERT_EQ(0, sched_setaffinity(self->server.pid, sizeof(cpu0), &cpu0));
	for (i = 0; i < ARRAY_SIZE(plan); i++) {
		start = binder_now_ms();
		for (n = 0; n < plan[i].count; n++) {
			ASSERT_EQ(0, echo(&self->dev, self->buf, plan[i].size,
					  ++total, &res))
				TH_LOG("size %zu, round trip %u: %s, %s",
				       plan[i].size, n, binder_br_name(res.cmd),
				       binder_cmds_str(res.seen, res.nseen));
		}
		ksft_print_msg("size %zu: %u round trips in %lld ms\n",
			       plan[i].size, plan[i].count,
			       binder_now_ms() - start);
		fflush(stdout);	/* the test process ends with _exit() */
	}
	EXPECT_EQ(10000, total);
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

TEST_F(txn, largest_payload_is_the_whole_area)
{
	struct binder_result res;

	EXPECT_EQ(0, echo(&self->dev, self->buf, MAX_PAYLOAD, 1, &res))
		TH_LOG("%s", binder_br_name(res.cmd));
	/* Rounded up to 8 bytes, this is exactly the area too. */
	EXPECT_EQ(0, echo(&self->dev, self->buf, MAX_PAYLOAD - 7, 2, &res))
		TH_LOG("%s", binder_br_name(res.cmd));
	/* Rounded up, one byte more is 8 too many. */
	EXPECT_EQ(-EPROTO, echo(&self->dev, self->buf, MAX_PAYLOAD + 1, 3, &res));
	EXPECT_EQ(BR_FAILED_REPLY, res.cmd);
	EXPECT_EXT_ERROR(self->dev.fd, BR_FAILED_REPLY, -ENOSPC);
	/* Nothing was left allocated: the whole area is usable again. */
	EXPECT_EQ(0, echo(&self->dev, self->buf, MAX_PAYLOAD, 4, &res));
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

/*
 * Too big for the target's area: refused at once with BR_FAILED_REPLY (no
 * BR_TRANSACTION_COMPLETE), extended error BR_FAILED_REPLY / -ENOSPC; a
 * size whose rounding overflows is -EINVAL. The server never sees them.
 */
TEST_F(txn, oversize_call_is_failed_reply_with_extended_error)
{
	static const struct {
		__u64 size;
		int param;
	} cases[] = {
		{ MAX_PAYLOAD + 1, -ENOSPC },
		{ MAX_PAYLOAD + 8, -ENOSPC },
		{ 4 << 20, -ENOSPC },
		{ 1ULL << 40, -ENOSPC },
		{ ~0ULL, -EINVAL },
	};
	struct binder_transaction_data tr;
	struct binder_result res;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		tr = binder_txn(0, TEST_CODE_ECHO, 0, self->buf, 0);
		tr.data_size = cases[i].size;
		ASSERT_EQ(0, binder_call_tr(&self->dev, &tr, BC_TRANSACTION,
					    &res, BINDER_WAIT_MS));
		EXPECT_CMDS(res.seen, res.nseen, BR_FAILED_REPLY);
		EXPECT_EXT_ERROR(self->dev.fd, BR_FAILED_REPLY, cases[i].param);
	}
	EXPECT_EQ(0, echo(&self->dev, self->buf, 4096, 5, &res));
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

/*
 * A reply too big for the caller's area fails at the caller: it gets its
 * deferred BR_TRANSACTION_COMPLETE, then BR_FAILED_REPLY, and its extended
 * error (not the server's) says -ENOSPC. The server just sees its
 * BR_TRANSACTION_COMPLETE and carries on.
 */
TEST_F(txn, oversize_reply_fails_at_the_caller)
{
	struct binder_result res;
	__u64 size = MAX_PAYLOAD;
	const void *reply;

	ASSERT_EQ(0, binder_call(&self->dev, 0, TEST_CODE_REPLY_SIZE, 0, &size,
				 sizeof(size), &res));
	ASSERT_EQ(BR_REPLY, res.cmd);
	reply = (const void *)(uintptr_t)res.tr.data.ptr.buffer;
	EXPECT_EQ(MAX_PAYLOAD, res.tr.data_size);
	EXPECT_TRUE(binder_check(reply, res.tr.data_size));
	ASSERT_EQ(0, binder_free_buffer(&self->dev, res.tr.data.ptr.buffer));
	EXPECT_EXT_ERROR(self->dev.fd, BR_OK, 0);

	size = MAX_PAYLOAD + 1;
	ASSERT_EQ(0, binder_call(&self->dev, 0, TEST_CODE_REPLY_SIZE, 0, &size,
				 sizeof(size), &res));
	EXPECT_CMDS(res.seen, res.nseen, BR_TRANSACTION_COMPLETE,
		    BR_FAILED_REPLY);
	EXPECT_EXT_ERROR(self->dev.fd, BR_FAILED_REPLY, -ENOSPC);
	EXPECT_EQ(0, echo(&self->dev, self->buf, 4096, 6, &res));
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

TEST_F(txn, call_to_unknown_handle_is_failed_reply)
{
	struct binder_result res;

	ASSERT_EQ(0, binder_call(&self->dev, 42, TEST_CODE_ECHO, 0, NULL, 0,
				 &res));
	EXPECT_CMDS(res.seen, res.nseen, BR_FAILED_REPLY);
	EXPECT_EXT_ERROR(self->dev.fd, BR_FAILED_REPLY, -EINVAL);
}

/* Bad user pointers and sizes in the transaction: refused, not sent. */
TEST_F(txn, bad_buffers_are_failed_reply)
{
	binder_size_t offsets[1] = { 0 };
	struct binder_transaction_data tr;
	struct binder_result res;

	/* data that faults */
	tr = binder_txn(0, TEST_CODE_ECHO, 0, (void *)8, 64);
	ASSERT_EQ(0, binder_call_tr(&self->dev, &tr, BC_TRANSACTION, &res,
				    BINDER_WAIT_MS));
	EXPECT_CMDS(res.seen, res.nseen, BR_FAILED_REPLY);
	EXPECT_EXT_ERROR(self->dev.fd, BR_FAILED_REPLY, -EFAULT);

	/* offsets that fault */
	tr = binder_txn(0, TEST_CODE_ECHO, 0, self->buf, 64);
	binder_txn_offsets(&tr, (void *)8, 1);
	ASSERT_EQ(0, binder_call_tr(&self->dev, &tr, BC_TRANSACTION, &res,
				    BINDER_WAIT_MS));
	EXPECT_CMDS(res.seen, res.nseen, BR_FAILED_REPLY);
	EXPECT_EXT_ERROR(self->dev.fd, BR_FAILED_REPLY, -EFAULT);

	/* an offsets_size that is not a multiple of 8 */
	tr = binder_txn(0, TEST_CODE_ECHO, 0, self->buf, 64);
	binder_txn_offsets(&tr, offsets, 1);
	tr.offsets_size = 4;
	ASSERT_EQ(0, binder_call_tr(&self->dev, &tr, BC_TRANSACTION, &res,
				    BINDER_WAIT_MS));
	EXPECT_CMDS(res.seen, res.nseen, BR_FAILED_REPLY);
	EXPECT_EXT_ERROR(self->dev.fd, BR_FAILED_REPLY, -EINVAL);

	/* The server saw none of it (else its pattern check complains). */
	EXPECT_EQ(0, echo(&self->dev, self->buf, 64, 7, &res));
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

struct sender_call {
	struct binder_dev *dev;
	int ret;
	struct test_sender_info info;
};

static void *sender_from_thread(void *arg)
{
	struct sender_call *sc = arg;

	sc->ret = test_call_sender(sc->dev, 0, &sc->info);
	return NULL;
}

static int sender_as_other_euid(void *arg)
{
	struct test_sender_info info;
	struct binder_dev dev;

	if (binder_open_dev(&dev, ipckit_test_device, 0))
		return 1;
	if (setresuid(OTHER_EUID, OTHER_EUID, OTHER_EUID))
		return 2;
	if (test_call_sender(&dev, 0, &info))
		return 3;
	if (info.pid != getpid())
		return 4;
	/* The caller's euid when it calls, not when it opened. */
	return info.euid == OTHER_EUID ? 0 : 5;
}

/*
 * sender_pid is the caller's pid (its thread group, from any thread),
 * sender_euid its effective uid at the time of the call, flags come
 * through as sent.
 */
TEST_F(txn, sender_pid_and_euid_are_the_callers)
{
	struct sender_call sc = { .dev = &self->dev, .ret = -1 };
	struct test_sender_info info;
	struct binder_child child;
	pthread_t th;

	ASSERT_EQ(0, test_call_sender(&self->dev, 0, &info));
	EXPECT_EQ(getpid(), info.pid);
	EXPECT_EQ(geteuid(), info.euid);
	EXPECT_EQ(0, info.flags);
	EXPECT_NE(0, info.server_tid);
	EXPECT_NE(getpid(), info.server_tid);

	ASSERT_EQ(0, test_call_sender(&self->dev, TF_ACCEPT_FDS, &info));
	EXPECT_EQ(TF_ACCEPT_FDS, info.flags);

	ASSERT_EQ(0, pthread_create(&th, NULL, sender_from_thread, &sc));
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_EQ(0, sc.ret);
	EXPECT_EQ(getpid(), sc.info.pid);

	ASSERT_EQ(0, binder_child_start(&child, sender_as_other_euid, NULL));
	EXPECT_CHILD_OK(binder_child_finish(&child, BINDER_WAIT_MS));
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

static int oneway_count(struct binder_dev *dev, struct test_oneway_count *c)
{
	struct binder_result res;
	int ret = binder_call(dev, 0, TEST_CODE_COUNT, 0, NULL, 0, &res);

	if (ret)
		return ret;
	if (res.cmd != BR_REPLY)
		return -EPROTO;
	if (res.tr.data_size == sizeof(*c))
		memcpy(c, (void *)(uintptr_t)res.tr.data.ptr.buffer, sizeof(*c));
	else
		ret = -EPROTO;
	binder_free_buffer(dev, res.tr.data.ptr.buffer);
	return ret;
}

/* Poll TEST_CODE_COUNT until the server has received n one-way calls. */
static int oneway_wait(struct binder_dev *dev, unsigned int n,
		       struct test_oneway_count *c)
{
	long long deadline = binder_now_ms() + 10000;
	int ret;

	for (;;) {
		ret = oneway_count(dev, c);
		if (ret || c->received >= n || binder_now_ms() > deadline)
			return ret;
		binder_sleep_ms(1);
	}
}

/*
 * 1000 one-way calls, in bursts of 100 queued faster than the server
 * takes them, arrive in order, each as soon as it is sent with
 * BR_TRANSACTION_COMPLETE alone, with sender_pid 0. At 1 KiB each they
 * add up to about twice the async space, so this also proves that the
 * space comes back when the server frees the buffers.
 */
TEST_F_TIMEOUT(txn, oneway_calls_arrive_in_order, 90)
{
	struct test_oneway_count count;
	struct binder_result res;
	unsigned int seq = 0, n;

	ASSERT_GT(ONEWAY_CALLS * ONEWAY_PAYLOAD, ASYNC_SPACE);
	while (seq < ONEWAY_CALLS) {
		for (n = 0; n < ONEWAY_BURST; n++, seq++) {
			binder_fill(self->buf, ONEWAY_PAYLOAD, seq);
			ASSERT_EQ(0, binder_call(&self->dev, 0,
						 TEST_CODE_ONEWAY_SEQ,
						 TF_ONE_WAY, self->buf,
						 ONEWAY_PAYLOAD, &res));
			ASSERT_EQ(BR_TRANSACTION_COMPLETE, res.cmd)
				TH_LOG("call %u: %s", seq,
				       binder_cmds_str(res.seen, res.nseen));
			EXPECT_CMDS(res.seen, res.nseen,
				    BR_TRANSACTION_COMPLETE);
		}
		ASSERT_EQ(0, oneway_wait(&self->dev, seq, &count));
		ASSERT_EQ(seq, count.received);
	}
	EXPECT_EQ(0, count.out_of_order);
	EXPECT_EQ(0, count.bad);
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

/*
 * One-way calls the target never frees fill exactly the async half of
 * its area; the next is BR_FAILED_REPLY, -ENOSPC. A synchronous call
 * would still fit, the limit is for one-way calls only.
 */
TEST_F(txn, unfreed_oneway_buffers_fill_half_the_area)
{
	struct binder_result res;
	unsigned int sent = 0;

	ASSERT_EQ(0, idle_manager(&self->server));
	for (;;) {
		ASSERT_EQ(0, binder_call(&self->dev, 0, TEST_CODE_ONEWAY_SEQ,
					 TF_ONE_WAY, self->buf, ONEWAY_PAYLOAD,
					 &res));
		if (res.cmd != BR_TRANSACTION_COMPLETE || sent > ASYNC_SPACE)
			break;
		sent++;
	}
	EXPECT_EQ(ASYNC_SPACE / ONEWAY_PAYLOAD, sent);
	EXPECT_CMDS(res.seen, res.nseen, BR_FAILED_REPLY);
	EXPECT_EXT_ERROR(self->dev.fd, BR_FAILED_REPLY, -ENOSPC);
}

TEST_F(txn, status_code_reply)
{
	struct binder_result res;
	__s32 status = -EPERM, got;

	ASSERT_EQ(0, binder_call(&self->dev, 0, TEST_CODE_STATUS, 0, &status,
				 sizeof(status), &res));
	ASSERT_EQ(BR_REPLY, res.cmd);
	EXPECT_EQ(TF_STATUS_CODE, res.tr.flags);
	ASSERT_EQ(sizeof(got), res.tr.data_size);
	memcpy(&got, (void *)(uintptr_t)res.tr.data.ptr.buffer, sizeof(got));
	EXPECT_EQ(-EPERM, got);
	ASSERT_EQ(0, binder_free_buffer(&self->dev, res.tr.data.ptr.buffer));
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

/*
 * The server dies (SIGKILL) while we wait: BR_TRANSACTION_COMPLETE, then
 * BR_DEAD_REPLY. The reference records no extended error for it (the
 * call itself went through: BR_OK). Then there is no manager any more.
 */
TEST_F(txn, server_killed_during_call_is_dead_reply)
{
	struct binder_extended_error ee;
	struct binder_result res;
	int status;

	ASSERT_EQ(0, binder_call(&self->dev, 0, TEST_CODE_DIE, 0, NULL, 0,
				 &res));
	EXPECT_CMDS(res.seen, res.nseen, BR_TRANSACTION_COMPLETE,
		    BR_DEAD_REPLY);
	EXPECT_EXT_ERROR(self->dev.fd, BR_OK, 0);
	status = binder_child_finish(&self->server, BINDER_WAIT_MS);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	ASSERT_EQ(0, binder_call_no_manager(&self->dev, &res, &ee, 2000));
	EXPECT_EQ(BR_DEAD_REPLY, res.cmd);
	EXPECT_EQ(BR_DEAD_REPLY, ee.command);
}

struct kill_later {
	pid_t pid;
	int delay_ms;
};

static void *kill_later_fn(void *arg)
{
	struct kill_later *k = arg;

	binder_sleep_ms(k->delay_ms);
	kill(k->pid, SIGKILL);
	return NULL;
}

/* The call still waits in the server's queue when the server dies. */
TEST_F(txn, server_killed_before_reading_is_dead_reply)
{
	struct kill_later k = { .delay_ms = 300 };
	struct binder_result res;
	pthread_t th;

	ASSERT_EQ(0, idle_manager(&self->server));
	k.pid = self->server.pid;
	ASSERT_EQ(0, pthread_create(&th, NULL, kill_later_fn, &k));
	EXPECT_EQ(0, binder_call(&self->dev, 0, TEST_CODE_ECHO, 0, NULL, 0,
				 &res));
	pthread_join(th, NULL);
	EXPECT_CMDS(res.seen, res.nseen, BR_TRANSACTION_COMPLETE,
		    BR_DEAD_REPLY);
	EXPECT_EXT_ERROR(self->dev.fd, BR_OK, 0);
}

/* BC_REPLY with nothing to reply to: BR_FAILED_REPLY, -EPROTO. */
TEST_F(txn, reply_without_transaction_is_failed_reply)
{
	struct binder_transaction_data tr = binder_txn(0, 0, 0, NULL, 0);
	struct binder_result res;

	ASSERT_EQ(0, binder_call_tr(&self->dev, &tr, BC_REPLY, &res,
				    BINDER_WAIT_MS));
	EXPECT_CMDS(res.seen, res.nseen, BR_FAILED_REPLY);
	EXPECT_EXT_ERROR(self->dev.fd, BR_FAILED_REPLY, -EPROTO);
}

/* Write one BC_FREE_BUFFER: the driver must consume it and say 0. */
static int free_consumed(struct binder_dev *dev, binder_uintptr_t ptr,
			 size_t *consumed)
{
	struct binder_cmds c;

	bc_init(&c);
	bc_free_buffer(&c, ptr);
	return binder_write(dev->fd, c.buf, c.len, consumed);
}

/*
 * BC_FREE_BUFFER of something that is not a buffer we were given, or
 * of one already freed: the reference only logs it. The ioctl succeeds,
 * nothing is queued for us, and everything keeps working, the whole
 * area included.
 */
TEST_F(txn, bogus_and_double_free_buffer_are_ignored)
{
	const binder_uintptr_t map = (uintptr_t)self->dev.map;
	const binder_uintptr_t bogus[] = {
		0, 0xdeadbeef000, map, map + 1, map + 4096,
		map + BINDER_MAP_SIZE,
	};
	struct binder_read_result rr;
	struct binder_result res;
	size_t consumed;
	unsigned int i;
	int flags;

	for (i = 0; i < ARRAY_SIZE(bogus); i++) {
		EXPECT_EQ(0, free_consumed(&self->dev, bogus[i], &consumed))
			TH_LOG("ptr %#llx", (unsigned long long)bogus[i]);
		EXPECT_EQ(sizeof(__u32) + sizeof(binder_uintptr_t), consumed);
	}

	binder_fill(self->buf, 4096, 8);
	ASSERT_EQ(0, binder_call(&self->dev, 0, TEST_CODE_ECHO, 0, self->buf,
				 4096, &res));
	ASSERT_EQ(BR_REPLY, res.cmd);
	ASSERT_EQ(0, free_consumed(&self->dev, res.tr.data.ptr.buffer,
				   &consumed));
	EXPECT_EQ(0, free_consumed(&self->dev, res.tr.data.ptr.buffer,
				   &consumed));
	EXPECT_EQ(sizeof(__u32) + sizeof(binder_uintptr_t), consumed);

	/* No error was queued: a non-blocking read finds nothing. */
	flags = fcntl(self->dev.fd, F_GETFL);
	ASSERT_EQ(0, fcntl(self->dev.fd, F_SETFL, flags | O_NONBLOCK));
	EXPECT_EQ(-EAGAIN, binder_read_one(&self->dev, &rr, BINDER_WAIT_MS));
	ASSERT_EQ(0, fcntl(self->dev.fd, F_SETFL, flags));

	EXPECT_EQ(0, echo(&self->dev, self->buf, MAX_PAYLOAD, 9, &res));
	EXPECT_EQ(0, echo(&self->dev, self->buf, 4, 10, &res));
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

/* A "name value" line of /sys/kernel/debug/ipckit/pages, or -1. */
static long long ipckit_pages_stat(const char *name)
{
	FILE *f = fopen("/sys/kernel/debug/ipckit/pages", "r");
	char key[32];
	long long v, found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%31s %lld", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

/*
 * ipckit keeps a receive-area page mapped when its last buffer is freed,
 * for the next buffer there, and gives idle pages back under memory
 * pressure (its shrinker; drop_caches runs every shrinker). After that
 * the area works as before, with fresh pages. ipckit only: the page cache
 * is an implementation detail each driver keeps to itself, and only
 * ipckit shows it (debugfs ipckit/pages).
 */
TEST_F(txn, idle_pages_are_kept_then_reclaimed_by_the_shrinker)
{
	struct binder_result res;
	long long reclaimed;
	int fd;

	if (!ipckit_test_is_ipckit)
		SKIP(return, "the reference does not show its page cache");
	ASSERT_EQ(0, echo(&self->dev, self->buf, 65536, 7, &res));
	EXPECT_GE(ipckit_pages_stat("idle"), 16);
	reclaimed = ipckit_pages_stat("reclaimed");
	ASSERT_GE(reclaimed, 0);

	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(2, write(fd, "2\n", 2));
	close(fd);
	EXPECT_EQ(0, ipckit_pages_stat("idle"));
	EXPECT_GE(ipckit_pages_stat("reclaimed"), reclaimed + 16);

	/* Pages come back on demand, contents intact. */
	ASSERT_EQ(0, echo(&self->dev, self->buf, 65536, 8, &res));
	ASSERT_EQ(0, echo(&self->dev, self->buf, 4096, 9, &res));
	EXPECT_CHILD_OK(test_server_stop(&self->server, &self->dev));
}

IPCKIT_TEST_MAIN
