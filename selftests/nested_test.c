// SPDX-License-Identifier: GPL-2.0
/*
 * Nested calls: A (this process) calls B (the context manager, a child),
 * passing its own object (BINDER_TYPE_BINDER, which B receives as a
 * handle); B calls back A through that handle while A waits in its call,
 * and so on, levels deep. Every call back must arrive on the thread that
 * waits in the call it belongs to, never on another looper of the
 * process, though both A and B keep an idle looper thread to tempt the
 * driver.
 */
#include <pthread.h>

#include "ipckit_test.h"

#define NEST_CODE	0x4e455354	/* "NEST" */
#define QUIT_CODE	0x51554954	/* "QUIT" */
#define WHO_A		0xa
#define WHO_B		0xb
#define MAX_DEPTH	16

struct nest_req {
	struct flat_binder_object obj;	/* A's object, from A only */
	__u32 depth;			/* calls still to make, this one included */
	__u32 pad;
};

struct nest_reply {
	__u32 n;
	__u32 pad;
	struct {
		__u32 who;
		__s32 tid;
	} hops[MAX_DEPTH];		/* deepest handler first */
};

struct nest_ctx {
	__u32 who;
	int problems;			/* B: bad requests seen */
	int stray;			/* A: calls served by the idle looper */
	pid_t idle_tid;			/* A: the idle looper's tid */
};

static char a_object;			/* A's object: its address is the ptr */
#define A_COOKIE	0xa0c00c1e

static int nest_call(struct binder_dev *dev, struct nest_ctx *ctx,
		     __u32 handle, __u32 depth, struct nest_reply *out)
{
	struct nest_req req = { .depth = depth };
	binder_size_t offset = 0;
	struct binder_transaction_data tr;
	struct binder_result res;
	int ret;

	tr = binder_txn(handle, NEST_CODE, 0, &req, sizeof(req));
	if (ctx->who == WHO_A) {
		req.obj.hdr.type = BINDER_TYPE_BINDER;
		req.obj.binder = (uintptr_t)&a_object;
		req.obj.cookie = A_COOKIE;
		binder_txn_offsets(&tr, &offset, 1);
	}
	ret = binder_call_tr(dev, &tr, BC_TRANSACTION, &res, BINDER_WAIT_MS);
	if (ret)
		return ret;
	if (res.cmd != BR_REPLY)
		return -EPROTO;
	if (res.tr.flags & TF_STATUS_CODE && res.tr.data_size == sizeof(ret))
		memcpy(&ret, (void *)(uintptr_t)res.tr.data.ptr.buffer,
		       sizeof(ret));	/* the peer's reason */
	else if (res.tr.data_size != sizeof(*out))
		ret = -EPROTO;
	else
		memcpy(out, (void *)(uintptr_t)res.tr.data.ptr.buffer,
		       sizeof(*out));
	binder_free_buffer(dev, res.tr.data.ptr.buffer);
	return ret;
}

/*
 * The handle B calls A back through: translated from A's object.
 * -ENOENT (reported back to A) when the driver did not translate it.
 */
static int peer_handle(const struct binder_transaction_data *tr,
		       const struct nest_req *req, __u32 *handle)
{
	binder_size_t offset;

	if (tr->offsets_size != sizeof(offset))
		return -EPROTO;
	memcpy(&offset, (void *)(uintptr_t)tr->data.ptr.offsets,
	       sizeof(offset));
	if (offset != 0 || req->obj.hdr.type != BINDER_TYPE_HANDLE ||
	    req->obj.handle == 0 || req->obj.cookie != 0)
		return -ENOENT;
	*handle = req->obj.handle;
	return 0;
}

static int nest_handler(struct binder_dev *dev,
			const struct binder_transaction_data *tr, void *arg)
{
	struct nest_ctx *ctx = arg;
	struct nest_reply out = { };
	struct nest_req req;
	__s32 status = 0;
	__u32 handle = 0;

	if (tr->code == QUIT_CODE) {
		binder_reply(dev, tr, 0, NULL, 0);
		_exit(ctx->problems ? 1 : 0);
	}
	if (ctx->who == WHO_A && binder_gettid() == ctx->idle_tid)
		ctx->stray++;
	if (tr->code != NEST_CODE || tr->data_size != sizeof(req)) {
		status = -EPROTO;
	} else {
		memcpy(&req, (void *)(uintptr_t)tr->data.ptr.buffer,
		       sizeof(req));
		if (ctx->who == WHO_B)
			status = peer_handle(tr, &req, &handle);
		/* Call back before binder_reply frees the handle's buffer. */
		if (!status && req.depth > 1)
			status = nest_call(dev, ctx, handle, req.depth - 1,
					   &out);
	}
	if (!status && out.n >= MAX_DEPTH)
		status = -E2BIG;
	if (status) {
		ctx->problems++;
		return binder_reply(dev, tr, TF_STATUS_CODE, &status,
				    sizeof(status));
	}
	out.hops[out.n].who = ctx->who;
	out.hops[out.n].tid = binder_gettid();
	out.n++;
	return binder_reply(dev, tr, 0, &out, sizeof(out));
}

struct looper {
	struct binder_dev *dev;
	pid_t tid;
	int started;		/* atomic */
};

static void *looper_fn(void *arg)
{
	struct looper *l = arg;

	l->tid = binder_gettid();
	__atomic_store_n(&l->started, 1, __ATOMIC_RELEASE);
	binder_serve(l->dev, true, 60000);
	return NULL;
}

/* Start an idle looper thread of dev and give it time to block. */
static int start_looper(struct looper *l, struct binder_dev *dev)
{
	pthread_t th;

	l->dev = dev;
	if (pthread_create(&th, NULL, looper_fn, l) || pthread_detach(th))
		return -1;
	while (!__atomic_load_n(&l->started, __ATOMIC_ACQUIRE))
		binder_sleep_ms(1);
	binder_sleep_ms(100);
	return 0;
}

/* B: context manager with two looper threads. */
static int b_main(void *arg)
{
	static struct nest_ctx ctx = { .who = WHO_B };
	struct binder_dev dev;
	struct looper l = { };
	int ret;

	ret = binder_open_dev(&dev, ipckit_test_device, 0);
	if (!ret)
		ret = binder_become_context_mgr(dev.fd, NULL, 2000);
	dev.handler = nest_handler;
	dev.handler_arg = &ctx;
	if (!ret)
		ret = start_looper(&l, &dev);
	binder_child_ready(ret);
	if (ret)
		return 2;
	ret = binder_serve(&dev, true, 60000);
	return ret < 0 ? 3 : 0;
}

FIXTURE(nest) {
	struct binder_dev dev;
	struct binder_child b;
	struct nest_ctx ctx;
	struct looper idle;
};

FIXTURE_SETUP(nest)
{
	ASSERT_EQ(0, binder_child_start(&self->b, b_main, NULL));
	ASSERT_EQ(0, binder_child_wait_ready(&self->b, BINDER_WAIT_MS));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	self->ctx.who = WHO_A;
	self->dev.handler = nest_handler;
	self->dev.handler_arg = &self->ctx;
	ASSERT_EQ(0, start_looper(&self->idle, &self->dev));
	self->ctx.idle_tid = self->idle.tid;
}

FIXTURE_TEARDOWN(nest)
{
	binder_child_kill(&self->b);
	/* The idle looper dies with the test process. */
}

static void check_chain(struct __test_metadata *_metadata,
			const struct nest_reply *out, __u32 depth)
{
	pid_t me = binder_gettid();
	__u32 i;

	ASSERT_EQ(depth, out->n);
	for (i = 0; i < depth; i++) {
		/* hops[i] is level depth - i; B serves the odd levels. */
		__u32 level = depth - i;

		EXPECT_EQ((level & 1) ? WHO_B : WHO_A, out->hops[i].who)
			TH_LOG("level %u", level);
		if (level & 1) {
			EXPECT_EQ(out->hops[depth - 1].tid, out->hops[i].tid)
				TH_LOG("B level %u not on B's waiting thread",
				       level);
		} else {
			EXPECT_EQ(me, out->hops[i].tid)
				TH_LOG("A level %u not on A's waiting thread",
				       level);
		}
	}
}

static int quit_b(FIXTURE_DATA(nest) *self)
{
	struct binder_result res;
	int ret = binder_call(&self->dev, 0, QUIT_CODE, 0, NULL, 0, &res);

	if (!ret && res.cmd == BR_REPLY)
		binder_free_buffer(&self->dev, res.tr.data.ptr.buffer);
	return binder_child_finish(&self->b, BINDER_WAIT_MS);
}

TEST_F(nest, plain_call_gives_b_a_handle_to_a)
{
	struct nest_reply out;

	ASSERT_EQ(0, nest_call(&self->dev, &self->ctx, 0, 1, &out));
	check_chain(_metadata, &out, 1);
	EXPECT_CHILD_OK(quit_b(self));
}

/* A -> B -> A -> B: three levels. */
TEST_F(nest, call_backs_three_levels_deep_use_the_waiting_threads)
{
	struct nest_reply out;

	ASSERT_EQ(0, nest_call(&self->dev, &self->ctx, 0, 3, &out));
	check_chain(_metadata, &out, 3);
	EXPECT_EQ(0, self->ctx.stray);
	EXPECT_CHILD_OK(quit_b(self));
}

TEST_F(nest, call_backs_eight_levels_deep)
{
	struct nest_reply out;

	ASSERT_EQ(0, nest_call(&self->dev, &self->ctx, 0, 8, &out));
	check_chain(_metadata, &out, 8);
	EXPECT_EQ(0, self->ctx.stray);
	EXPECT_CHILD_OK(quit_b(self));
}

/* Again and again: the handle and the stacks are cleaned up each time. */
TEST_F(nest, repeated_nested_calls)
{
	struct nest_reply out;
	int i;

	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, nest_call(&self->dev, &self->ctx, 0, 3, &out))
			TH_LOG("round %d", i);
		check_chain(_metadata, &out, 3);
	}
	EXPECT_EQ(0, self->ctx.stray);
	EXPECT_CHILD_OK(quit_b(self));
}

IPCKIT_TEST_MAIN
