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

#define MGR_MS		5000	/* becoming manager: the last one may linger */
#define DEFAULT_N	20000
#define DEBUG_N		5000
#define MAX_BATCH	4096	/* objects in one reply: 128 KiB */
#define FIRST_BATCH	10	/* the "10 handles held" round trip */
#define PINGS		200
#define S_IDLE_MS	600000
#define NODE_PTR(i)	(0x100000ULL + 0x10ULL * (i))

#define CODE_GIVE	0x47495645	/* "GIVE": reply count new nodes */
#define CODE_PING	0x50494e47	/* "PING" */
#define CODE_QUIT	0x51554954	/* "QUIT" */

struct give {
	__u32 first;		/* index of the first node */
	__u32 count;
};

/* --- S: the service ---------------------------------------------------- */

struct s_state {
	struct binder_dev dev;
	struct flat_binder_object objs[MAX_BATCH];
	binder_size_t offs[MAX_BATCH];
	/* BC_INCREFS_DONE/BC_ACQUIRE_DONE for one read's node work */
	unsigned char acks[64 * 1024 / 20 * 20 + 64];
	size_t nacks;
};

static int s_write(struct s_state *s, const void *buf, size_t len)
{
	struct binder_write_read bwr = {
		.write_size = len,
		.write_buffer = (uintptr_t)buf,
	};
	int ret = binder_write_read(s->dev.fd, &bwr, -1);

	if (!ret && bwr.write_consumed != len)
		ret = -EPROTO;
	return ret;
}

static int s_ack(struct s_state *s, __u32 cmd, const void *payload)
{
	__u32 done = cmd == BR_INCREFS ? BC_INCREFS_DONE : BC_ACQUIRE_DONE;
	size_t sz = sizeof(done) + sizeof(struct binder_ptr_cookie);
	int ret;

	if (s->nacks + sz > sizeof(s->acks)) {
		ret = s_write(s, s->acks, s->nacks);
		if (ret)
			return ret;
		s->nacks = 0;
	}
	memcpy(s->acks + s->nacks, &done, sizeof(done));
	memcpy(s->acks + s->nacks + sizeof(done), payload,
	       sizeof(struct binder_ptr_cookie));
	s->nacks += sz;
	return 0;
}

/* Free the request's buffer and reply: count new nodes, or nothing. */
static int s_answer(struct s_state *s, const struct binder_transaction_data *tr)
{
	struct binder_transaction_data reply = { };
	struct give g = { 0, 0 };
	struct binder_cmds c;
	__u32 i;

	if (tr->code == CODE_GIVE && tr->data_size == sizeof(g))
		memcpy(&g, (void *)(uintptr_t)tr->data.ptr.buffer, sizeof(g));
	if (g.count > MAX_BATCH)
		g.count = 0;
	for (i = 0; i < g.count; i++) {
		memset(&s->objs[i], 0, sizeof(s->objs[i]));
		s->objs[i].hdr.type = BINDER_TYPE_BINDER;
		s->objs[i].binder = NODE_PTR(g.first + i);
		s->objs[i].cookie = g.first + i;
		s->offs[i] = i * sizeof(s->objs[0]);
	}
	reply.data_size = g.count * sizeof(s->objs[0]);
	reply.offsets_size = g.count * sizeof(s->offs[0]);
	reply.data.ptr.buffer = (uintptr_t)s->objs;
	reply.data.ptr.offsets = (uintptr_t)s->offs;
	bc_init(&c);
	bc_free_buffer(&c, tr->data.ptr.buffer);
	bc_transaction(&c, BC_REPLY, &reply);
	return bc_send(s->dev.fd, &c);
}

static int s_main(void *arg)
{
	static __u32 rbuf[64 * 1024 / 4] __attribute__((aligned(8)));
	static struct s_state s;
	struct binder_transaction_data tr;
	struct binder_write_read bwr;
	struct binder_reader r;
	const void *payload;
	bool quit = false, got;
	__u32 cmd;
	int ret;

	ret = binder_open_manager(&s.dev, ipckit_test_device, NULL, MGR_MS);
	binder_child_ready(ret);
	if (ret)
		return 2;
	while (!quit) {
		memset(&bwr, 0, sizeof(bwr));
		bwr.read_size = sizeof(rbuf);
		bwr.read_buffer = (uintptr_t)rbuf;
		ret = binder_write_read(s.dev.fd, &bwr, S_IDLE_MS);
		if (ret)
			return 3;
		got = false;
		s.nacks = 0;
		br_init(&r, rbuf, bwr.read_consumed);
		while (br_next(&r, &cmd, &payload)) {
			switch (cmd) {
			case BR_INCREFS:
			case BR_ACQUIRE:
				if (s_ack(&s, cmd, payload))
					return 4;
				break;
			case BR_TRANSACTION:
				if (got)
					return 5;	/* T calls one at a time */
				memcpy(&tr, payload, sizeof(tr));
				got = true;
				break;
			case BR_DEAD_REPLY:
			case BR_FAILED_REPLY:
				return 6;
			}
		}
		if (r.truncated)
			return 7;
		if (s.nacks && s_write(&s, s.acks, s.nacks))
			return 8;
		if (got) {
			if (s_answer(&s, &tr))
				return 9;
			quit = tr.code == CODE_QUIT;
		}
	}
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
	self->cmds = malloc((MAX_BATCH * 2 + 3) * sizeof(__u32));
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
	struct give g = { first, count };
	struct binder_transaction_data tr = binder_txn(0, CODE_GIVE, 0, &g,
						       sizeof(g));
	const struct flat_binder_object *objs;
	struct binder_result res;
	size_t n = 0, i;
	binder_uintptr_t buf;
	int ret;

	memset(b, 0, sizeof(*b));
	ret = binder_call_tr(&self->dev, &tr, BC_TRANSACTION, &res, timeout_ms);
	if (ret)
		return ret;
	if (res.cmd != BR_REPLY)
		return -EPROTO;
	buf = res.tr.data.ptr.buffer;
	objs = (const void *)(uintptr_t)buf;
	if (res.tr.offsets_size != count * sizeof(binder_size_t) ||
	    res.tr.data_size != count * sizeof(*objs)) {
		binder_free_buffer(&self->dev, buf);
		return -EMSGSIZE;
	}
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

	hs = malloc(MAX_BATCH * sizeof(*hs));
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
		batch = elapsed ? batch * 1000 / elapsed : MAX_BATCH;
		batch = batch < 1 ? 1 : batch > MAX_BATCH ? MAX_BATCH : batch;
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
