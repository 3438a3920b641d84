// SPDX-License-Identifier: GPL-2.0
/*
 * Many handles in one process: numbering, reuse, and that a process
 * holding very many still works (issue #12 item 6).
 *
 * S, a forked context manager, sends this process (T) distinct nodes of
 * its own, as many as T asks for, as BINDER_TYPE_BINDER objects in the
 * replies to sync calls (a reply may use all of T's receive area, a
 * one-way call only half; the batches stay well below either). T takes a
 * strong reference of its own on every handle (BC_ACQUIRE) and frees the
 * reply, so the handles outlive the buffers.
 *
 * What the reference (6.1) does, and this test asserts:
 *
 *  - A new handle gets the lowest free descriptor from 1 up (0 is the
 *    context manager's): T's handles are 1..N in the order the objects
 *    came, all distinct.
 *  - Handles whose references are all dropped (BC_RELEASE of the last
 *    strong one, no weak one) free their descriptors, and the next new
 *    handles take the lowest free ones first, then N + 1.
 *  - A call through the last handle works with N handles held.
 *
 * N is IPCKIT_HANDLES from the environment (the VM passes it through
 * from scripts/vm-run.sh), 20000 by default (5000 on the debug lane);
 * `make scale` runs 100 000.
 * The times taken (making them, and a call's round trip with 10 and with
 * N handles held) are printed for comparing the drivers in one boot,
 * never asserted; only the harness timeout stops a driver that hangs.
 */
#include <time.h>

#include "ipckit_test.h"
#include "node_giver.h"

#define MGR_MS		5000	/* becoming manager: the last one may linger */
#define DEFAULT_N	20000
#define DEBUG_N		5000
#define FIRST_BATCH	10	/* the "10 handles held" round trip */
#define PINGS		200
#define S_IDLE_MS	600000

#define CODE_PING	0x50494e47	/* "PING" */
#define CODE_QUIT	0x51554954	/* "QUIT" */

/* --- S: the service (node_giver.h) ------------------------------------ */

static int s_main(void *arg)
{
	static struct node_giver s;
	struct node_giver_round rd;
	int ret;

	ret = binder_open_manager(&s.dev, ipckit_test_device, NULL, MGR_MS);
	binder_child_ready(ret);
	if (ret)
		return 2;
	do {
		ret = node_giver_read(&s, S_IDLE_MS, &rd);
		if (!ret)
			ret = node_giver_answer(&s, &rd);
		if (ret)
			return ret;
	} while (!rd.called || rd.tr.code != CODE_QUIT);
	return 0;
}

/* --- T: the client holding the handles --------------------------------- */

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* Write len bytes of commands at once: 0, -errno, -EPROTO if not all. */
static int write_all(int fd, const void *buf, size_t len)
{
	size_t consumed = 0;
	int ret = binder_write(fd, buf, len, &consumed);

	return ret ? ret : consumed == len ? 0 : -EPROTO;
}

FIXTURE(many) {
	struct binder_dev dev;
	struct binder_child s;
	unsigned char *seen;	/* per descriptor: times handed out */
	__u32 *cmds;		/* T's BC_ACQUIREs of one batch */
};

FIXTURE_SETUP(many)
{
	ASSERT_EQ(0, binder_child_start(&self->s, s_main, NULL));
	ASSERT_EQ(0, binder_child_wait_ready(&self->s, MGR_MS + 5000));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	self->cmds = malloc((NODE_GIVER_MAX_BATCH * 2 + 3) * sizeof(__u32));
	ASSERT_NE(NULL, self->cmds);
}

FIXTURE_TEARDOWN(many)
{
	binder_child_kill(&self->s);
	binder_close_dev(&self->dev);
	free(self->cmds);
	free(self->seen);
}

struct batch {
	__u32 count;
	__u32 bad_type;		/* objects that were not a BINDER_TYPE_HANDLE */
	__u32 first_handle;
	__u32 last_handle;
};

/*
 * Ask S for count new nodes (first: their index), record the handles in
 * out (if given), take a strong reference on each and free the reply.
 */
static int t_get(FIXTURE_DATA(many) *self, __u32 first, __u32 count,
		 __u32 *out, struct batch *b, int timeout_ms)
{
	const struct flat_binder_object *objs;
	size_t n = 0, i;
	binder_uintptr_t buf;
	int ret;

	memset(b, 0, sizeof(*b));
	ret = node_giver_get(&self->dev, first, count, timeout_ms, &objs, &buf);
	if (ret)
		return ret;
	b->count = count;
	for (i = 0; i < count; i++) {
		__u32 h = objs[i].handle;

		if (objs[i].hdr.type != BINDER_TYPE_HANDLE)
			b->bad_type++;
		if (!i)
			b->first_handle = h;
		b->last_handle = h;
		if (out)
			out[i] = h;
		self->cmds[n++] = BC_ACQUIRE;
		self->cmds[n++] = h;
	}
	self->cmds[n++] = BC_FREE_BUFFER;
	memcpy(&self->cmds[n], &buf, sizeof(buf));
	n += sizeof(buf) / sizeof(__u32);
	return write_all(self->dev.fd, self->cmds, n * sizeof(__u32));
}

/* PINGS calls to handle: mean round trip in microseconds, or -errno. */
static long long t_ping(FIXTURE_DATA(many) *self, __u32 handle)
{
	struct binder_result res;
	long long start = 0;
	int i, ret;

	/* The first calls warm up (page faults, caches): not timed. */
	for (i = -PINGS / 10; i < PINGS; i++) {
		if (!i)
			start = now_us();
		ret = binder_call(&self->dev, handle, CODE_PING, 0, NULL, 0,
				  &res);
		if (ret)
			return ret;
		if (res.cmd != BR_REPLY)
			return -EPROTO;
		binder_free_buffer(&self->dev, res.tr.data.ptr.buffer);
	}
	return (now_us() - start) / PINGS;
}

/*
 * IPCKIT_HANDLES, else DEFAULT_N; on the debug lane (KASAN, lockdep)
 * DEBUG_N, where the reference's O(n^2) numbering is several times slower.
 */
static __u32 handles_wanted(void)
{
	const char *env = getenv("IPCKIT_HANDLES");
	const char *lane = getenv("IPCKIT_LANE");
	long def = lane && !strcmp(lane, "debug") ? DEBUG_N : DEFAULT_N;
	long n = env ? strtol(env, NULL, 10) : def;

	return n >= 2 * FIRST_BATCH && n <= 10000000 ? n : def;
}

/* One batch may take this long before its call counts as lost. */
#define BATCH_WAIT_MS	600000

TEST_F_TIMEOUT(many, handles_are_numbered_lowest_free_and_work_in_bulk, 3600)
{
	const __u32 n = handles_wanted();
	long long start, t0, elapsed, ping10, pingn;
	__u32 made = 0, batch = FIRST_BATCH, bad_num = 0, bad_type = 0;
	__u32 freed[3] = { 1, n / 2, n }, got[3], extra;
	struct binder_result res;
	struct binder_cmds c;
	struct batch b;
	__u32 i, *hs;

	hs = malloc(NODE_GIVER_MAX_BATCH * sizeof(*hs));
	self->seen = calloc(n + 2, 1);
	ASSERT_NE(NULL, hs);
	ASSERT_NE(NULL, self->seen);
	start = binder_now_ms();
	ping10 = 0;
	while (made < n) {
		__u32 count = batch < n - made ? batch : n - made;

		t0 = binder_now_ms();
		ASSERT_EQ(0, t_get(self, made, count, hs, &b, BATCH_WAIT_MS))
			TH_LOG("asking for handles %u..%u", made + 1,
			       made + count);
		elapsed = binder_now_ms() - t0;
		bad_type += b.bad_type;
		for (i = 0; i < count; i++) {
			if (hs[i] != made + i + 1)
				bad_num++;
			if (hs[i] >= 1 && hs[i] <= n)
				self->seen[hs[i]]++;
		}
		if (bad_num || bad_type)
			break;
		made += count;
		if (made == FIRST_BATCH) {
			t0 = binder_now_ms();
			ping10 = t_ping(self, made);
			ASSERT_LT(0, ping10);
			/* Not part of making handles. */
			start += binder_now_ms() - t0;
		}
		/* About 1 s per batch: a slow driver is not stuck in one. */
		batch = elapsed ? batch * 1000 / elapsed : NODE_GIVER_MAX_BATCH;
		batch = batch < 1 ? 1 :
			batch > NODE_GIVER_MAX_BATCH ? NODE_GIVER_MAX_BATCH : batch;
	}
	elapsed = binder_now_ms() - start;
	ksft_print_msg("made %u of %u handles in %lld ms\n", made, n, elapsed);
	fflush(stdout);	/* the harness's child leaves with _exit() */
	EXPECT_EQ(0, bad_type);
	ASSERT_EQ(0, bad_num)
		TH_LOG("handles not numbered 1..N in order (after %u)", made);
	for (i = 1; i <= n; i++)
		ASSERT_EQ(1, self->seen[i]) TH_LOG("handle %u", i);

	pingn = t_ping(self, n);
	ASSERT_LT(0, pingn);
	ksft_print_msg("round trip: %lld us with %u handles held, %lld us with %u\n",
		       ping10, FIRST_BATCH, pingn, n);
	fflush(stdout);

	/* Drop three handles: their descriptors come back, lowest first. */
	bc_init(&c);
	for (i = 0; i < ARRAY_SIZE(freed); i++)
		bc_handle(&c, BC_RELEASE, freed[i]);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));
	ASSERT_EQ(0, binder_call(&self->dev, freed[1], CODE_PING, 0, NULL, 0,
				 &res));
	EXPECT_EQ(BR_FAILED_REPLY, res.cmd);
	ASSERT_EQ(0, t_get(self, n, 3, got, &b, BINDER_WAIT_MS * 20));
	EXPECT_EQ(0, b.bad_type);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(freed[i], got[i]) TH_LOG("new handle %u", i);
	ASSERT_EQ(0, t_get(self, n + 3, 1, &extra, &b, BINDER_WAIT_MS * 20));
	EXPECT_EQ(n + 1, extra);

	/* The newest and the last handles answer. */
	ASSERT_LT(0, t_ping(self, extra));
	ASSERT_LT(0, t_ping(self, n));
	free(hs);
}

IPCKIT_TEST_MAIN
