// SPDX-License-Identifier: GPL-2.0
/*
 * Node and reference tracking: what a node's owner hears while another
 * process holds, takes and drops references on it.
 *
 * This process (A) owns the nodes: it sends its objects in calls to B, a
 * forked context manager that does, step by step, what A tells it over a
 * pipe (keep the buffer that brought a handle, free it, BC_INCREFS /
 * BC_ACQUIRE / BC_RELEASE / BC_DECREFS, BINDER_GET_NODE_INFO_FOR_REF) and
 * reports the outcome. A reads everything the driver sends it itself and
 * answers BR_INCREFS / BR_ACQUIRE explicitly, so each test can assert the
 * owner's exact BR_* sequence, payloads (ptr, cookie) included, and the
 * counts at every step.
 *
 * What the reference (6.1) does, and these tests assert:
 *
 *  - Sending a BINDER_TYPE_BINDER queues the node's work on the sending
 *    thread (deferred: it does not wake it). The call's reply then brings
 *    it, in one read: BR_INCREFS(ptr, cookie), BR_ACQUIRE(ptr, cookie),
 *    BR_TRANSACTION_COMPLETE, BR_REPLY. A BINDER_TYPE_WEAK_BINDER brings
 *    BR_INCREFS alone.
 *  - Until the owner answers BC_INCREFS_DONE / BC_ACQUIRE_DONE, the node
 *    keeps one local weak / strong reference of its own: the node lives
 *    on, and BINDER_GET_NODE_INFO_FOR_REF counts it.
 *  - When the last strong reference goes, the owner reads BR_RELEASE;
 *    when the last weak one goes too, BR_DECREFS (both in one read when
 *    they go together), and the node is gone (nothing to answer).
 *  - If the receiver drops the handle before the owner has read its
 *    BR_INCREFS/BR_ACQUIRE (B frees the buffer before it replies), the
 *    queued work is withdrawn and the node freed: the owner never hears
 *    of it, and reads BR_TRANSACTION_COMPLETE, BR_REPLY only.
 *  - BINDER_GET_NODE_INFO_FOR_REF: only for the context manager (else
 *    -EPERM), every field but handle must be 0 (else -EINVAL, checked
 *    first), the handle must be a strong one (a weak or unknown handle is
 *    -EINVAL). strong_count is the node's local + internal strong counts
 *    (a process with strong handles on it counts one, however many
 *    BC_ACQUIREs it took), weak_count its local weak count only (handles
 *    are not counted).
 *  - BINDER_GET_NODE_DEBUG_INFO: the caller's node with the lowest ptr
 *    above the ptr given (ordered by ptr, not by creation), with its
 *    cookie and whether the owner holds a strong / weak reference
 *    (has_strong_ref, has_weak_ref: what it was told by BR_ACQUIRE /
 *    BR_INCREFS and not yet taken back); all zero past the last node.
 *  - BC_INCREFS/BC_ACQUIRE/BC_RELEASE/BC_DECREFS of a handle the process
 *    does not have, and BC_ACQUIRE/BC_RELEASE of a weak-only handle, are
 *    logged by the driver and ignored: the write succeeds and is
 *    consumed whole, nothing is queued, the commands after it in the
 *    same write are carried out. The only exception: the context
 *    manager's BC_INCREFS/BC_ACQUIRE of handle 0 fails the write with
 *    -EINVAL, nothing consumed.
 */
#include "ipckit_test.h"

#define EVENT_MS	3000	/* bound on a wait for what must come */
#define QUIET_MS	200	/* watched to see that nothing comes */
#define MAX_EV		32
#define MAX_OBJS	3
#define CYCLES		10000
#define CYCLES_SECOND	1000	/* on a second kernel's lane, see below */

#define CODE_HOLD	0x484f4c44	/* "HOLD" */
#define CODE_DROP	0x44524f50	/* "DROP" */

#define A_PTR		0xa0001000
#define A_COOKIE	0xc0c0a001

/* --- B: the context manager, a puppet ------------------------------- */

enum {
	B_RECV_KEEP = 1,	/* next call: reply, keep its buffer */
	B_RECV_FREE,		/* next call: free its buffer, then reply */
	B_FREE,			/* free the kept buffer */
	B_WRITE,		/* one write of cmds (handle commands) */
	B_INFO,			/* BINDER_GET_NODE_INFO_FOR_REF */
	B_QUIET,		/* one read: nothing must come */
	B_CYCLES,		/* serve arg HOLD/DROP pairs */
	B_QUIT,
};

struct b_req {
	__u32 op;
	__u32 arg;
	__u32 n;		/* B_WRITE: commands */
	__u32 cmd[4];
	__u32 handle[4];
	struct binder_node_info_for_ref info;	/* B_INFO, as sent */
};

struct b_report {
	__s32 ret;
	__u32 n;			/* objects received; B_CYCLES: bad rounds */
	__u32 type[MAX_OBJS];		/* ... as received */
	__u32 handle[MAX_OBJS];
	__u64 consumed;			/* B_WRITE: write_consumed */
	struct binder_node_info_for_ref info;	/* B_INFO */
	__u32 ncmds;			/* B_QUIET: what came anyway */
	__u32 cmds[8];
};

struct b_state {
	struct binder_dev dev;
	binder_uintptr_t kept;		/* buffer kept by B_RECV_KEEP */
};

/* Read until a BR_TRANSACTION comes; copy it. */
static int b_next_call(struct b_state *b, struct binder_transaction_data *tr)
{
	struct binder_read_result rr;
	int ret = binder_read_call(&b->dev, &rr, BINDER_WAIT_MS);

	if (!ret)
		*tr = rr.tr;
	return ret;
}

/* Write c, then read at once: our BC_REPLY's BR_TRANSACTION_COMPLETE. */
static int write_drain(struct binder_dev *dev, const struct binder_cmds *c)
{
	__u32 rbuf[32] __attribute__((aligned(8)));
	struct binder_write_read bwr = {
		.write_size = c->len,
		.write_buffer = (uintptr_t)c->buf,
		.read_size = sizeof(rbuf),
		.read_buffer = (uintptr_t)rbuf,
	};
	__u32 cmds[8];
	size_t n;
	int ret;

	if (c->overflow)
		return -E2BIG;
	ret = binder_write_read(dev->fd, &bwr, BINDER_WAIT_MS);
	if (ret)
		return ret;
	if (bwr.write_consumed != c->len)
		return -EPROTO;
	n = br_list(rbuf, bwr.read_consumed, cmds, ARRAY_SIZE(cmds));
	return n == 2 && cmds[0] == BR_NOOP &&
	       cmds[1] == BR_TRANSACTION_COMPLETE ? 0 : -EPROTO;
}

/* The objects of a received call, as the driver left them. */
static void b_objects(const struct binder_transaction_data *tr,
		      struct b_report *rep)
{
	const binder_size_t *offs = (void *)(uintptr_t)tr->data.ptr.offsets;
	const char *data = (void *)(uintptr_t)tr->data.ptr.buffer;
	struct flat_binder_object fbo;
	size_t i;

	rep->n = tr->offsets_size / sizeof(binder_size_t);
	for (i = 0; i < rep->n && i < MAX_OBJS; i++) {
		if (offs[i] + sizeof(fbo) > tr->data_size)
			continue;
		memcpy(&fbo, data + offs[i], sizeof(fbo));
		rep->type[i] = fbo.hdr.type;
		rep->handle[i] = fbo.handle;
	}
}

static int b_recv(struct b_state *b, bool keep, struct b_report *rep)
{
	struct binder_transaction_data tr, reply = { };
	struct binder_cmds c;
	int ret = b_next_call(b, &tr);

	if (ret)
		return ret;
	b_objects(&tr, rep);
	bc_init(&c);
	if (keep)
		b->kept = tr.data.ptr.buffer;
	else
		bc_free_buffer(&c, tr.data.ptr.buffer);
	bc_transaction(&c, BC_REPLY, &reply);
	return write_drain(&b->dev, &c);
}

/*
 * B_CYCLES: HOLD brings one object: take BC_INCREFS and BC_ACQUIRE on
 * its handle, reply, keep the buffer; DROP: free the kept buffer, drop
 * both references, free DROP's buffer and reply. Rounds where the handle
 * was not 1 or a step failed are counted in rep->n.
 */
static int b_cycles(struct b_state *b, __u32 rounds, struct b_report *rep)
{
	struct binder_transaction_data tr, reply = { };
	struct b_report objs;
	struct binder_cmds c;
	__u32 i, h;
	int ret;

	for (i = 0; i < rounds; i++) {
		memset(&objs, 0, sizeof(objs));
		ret = b_next_call(b, &tr);
		if (ret)
			return ret;
		b_objects(&tr, &objs);
		h = objs.handle[0];
		if (tr.code != CODE_HOLD || objs.n != 1 ||
		    objs.type[0] != BINDER_TYPE_HANDLE || h != 1)
			rep->n++;
		bc_init(&c);
		bc_handle(&c, BC_INCREFS, h);
		bc_handle(&c, BC_ACQUIRE, h);
		bc_transaction(&c, BC_REPLY, &reply);
		if (write_drain(&b->dev, &c))
			rep->n++;
		b->kept = tr.data.ptr.buffer;

		ret = b_next_call(b, &tr);
		if (ret)
			return ret;
		if (tr.code != CODE_DROP)
			rep->n++;
		bc_init(&c);
		bc_free_buffer(&c, b->kept);
		bc_handle(&c, BC_RELEASE, h);
		bc_handle(&c, BC_DECREFS, h);
		bc_free_buffer(&c, tr.data.ptr.buffer);
		bc_transaction(&c, BC_REPLY, &reply);
		if (write_drain(&b->dev, &c))
			rep->n++;
		b->kept = 0;
	}
	return 0;
}

static int b_write(struct b_state *b, const struct b_req *req,
		   struct b_report *rep)
{
	size_t n = req->n < ARRAY_SIZE(req->cmd) ? req->n : ARRAY_SIZE(req->cmd);
	size_t consumed = 0;
	int ret;

	ret = binder_write_handles(b->dev.fd, req->cmd, req->handle, n,
				   &consumed);
	rep->consumed = consumed;
	return ret;
}

static int b_quiet(struct b_state *b, struct b_report *rep)
{
	struct binder_read_result rr;
	int ret = binder_read_one(&b->dev, &rr, QUIET_MS);
	size_t i;

	for (i = 0; i < rr.ncmds && i < ARRAY_SIZE(rep->cmds); i++)
		rep->cmds[rep->ncmds++] = rr.cmds[i];
	return ret;
}

/* One request from A; false on B_QUIT. */
static bool b_handle(void *ctx, void *reqp, void *repp)
{
	struct b_state *b = ctx;
	struct b_req *req = reqp;
	struct b_report *rep = repp;

	switch (req->op) {
	case B_RECV_KEEP:
	case B_RECV_FREE:
		rep->ret = b_recv(b, req->op == B_RECV_KEEP, rep);
		break;
	case B_FREE:
		rep->ret = binder_free_buffer(&b->dev, b->kept);
		b->kept = 0;
		break;
	case B_WRITE:
		rep->ret = b_write(b, req, rep);
		break;
	case B_INFO:
		rep->info = req->info;
		rep->ret = binder_get_node_info_for_ref(b->dev.fd, &rep->info);
		break;
	case B_QUIET:
		rep->ret = b_quiet(b, rep);
		break;
	case B_CYCLES:
		rep->ret = b_cycles(b, req->arg, rep);
		break;
	case B_QUIT:
		return false;
	default:
		rep->ret = -EINVAL;
	}
	return true;
}

static int b_main(void *arg)
{
	struct b_state b = { };
	struct b_report rep;
	struct b_req req;
	int ret = binder_open_manager(&b.dev, ipckit_test_device, NULL, 2000);

	return binder_puppet_run(ret, &req, sizeof(req), &rep, sizeof(rep),
				 b_handle, &b);
}

/* --- A: this process, the owner -------------------------------------- */

FIXTURE(ref) {
	struct binder_dev dev;
	struct binder_child b;
	struct b_report rep;
	struct binder_event ev[MAX_EV];
	size_t nev;
	char str[2][1024];
};

FIXTURE_SETUP(ref)
{
	/* B first: a fork after our open would flush our reads. */
	ASSERT_EQ(0, binder_child_start(&self->b, b_main, NULL));
	ASSERT_EQ(0, binder_child_wait_ready(&self->b, BINDER_WAIT_MS));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	/* A looper, so that it may read the process's node work. */
	ASSERT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));
}

FIXTURE_TEARDOWN(ref)
{
	binder_child_kill(&self->b);
	binder_close_dev(&self->dev);
}

/* Have B do req; its report lands in self->rep. */
static int b_do(FIXTURE_DATA(ref) *self, const struct b_req *req,
		int timeout_ms)
{
	int ret = binder_child_go(&self->b, req, sizeof(*req));

	memset(&self->rep, 0, sizeof(self->rep));
	if (!ret)
		ret = binder_child_recv(&self->b, &self->rep,
					sizeof(self->rep), timeout_ms);
	return ret;
}

/* B does op: its result. */
static int b_op(FIXTURE_DATA(ref) *self, __u32 op)
{
	struct b_req req = { .op = op };
	int ret = b_do(self, &req, BINDER_WAIT_MS + 2000);

	return ret ? ret : self->rep.ret;
}

/* B writes one command of handle: the ioctl's result (consumed in rep). */
static int b_cmd(FIXTURE_DATA(ref) *self, __u32 cmd, __u32 handle)
{
	struct b_req req = { .op = B_WRITE, .n = 1 };
	int ret;

	req.cmd[0] = cmd;
	req.handle[0] = handle;
	ret = b_do(self, &req, BINDER_WAIT_MS);
	return ret ? ret : self->rep.ret;
}

/* B's BINDER_GET_NODE_INFO_FOR_REF of handle (counts in rep.info). */
static int b_info(FIXTURE_DATA(ref) *self, __u32 handle)
{
	struct b_req req = { .op = B_INFO, .info.handle = handle };
	int ret = b_do(self, &req, BINDER_WAIT_MS);

	return ret ? ret : self->rep.ret;
}

/*
 * A calls B (handle 0) with code and nobjs objects of A, after the
 * commands in pre (if any), in one write; reads until the call ends.
 * Every command read but BR_NOOP goes to self->ev, node commands
 * unanswered; a BR_REPLY's buffer is freed. -EPROTO if the call did not
 * end with BR_REPLY.
 */
static int a_call(FIXTURE_DATA(ref) *self, __u32 code,
		  const struct flat_binder_object *objs, size_t nobjs,
		  const struct binder_cmds *pre)
{
	struct flat_binder_object data[MAX_OBJS];
	binder_size_t offs[MAX_OBJS];
	struct binder_transaction_data tr;
	struct binder_cmds c;
	size_t i;
	int ret;

	self->nev = 0;
	for (i = 0; i < nobjs; i++) {
		data[i] = objs[i];
		offs[i] = i * sizeof(data[0]);
	}
	tr = binder_txn(0, code, 0, data, nobjs * sizeof(data[0]));
	binder_txn_offsets(&tr, offs, nobjs);
	bc_init(&c);
	if (pre)
		bc_raw(&c, pre->buf, pre->len);
	bc_transaction(&c, BC_TRANSACTION, &tr);
	ret = bc_send(self->dev.fd, &c);
	if (ret)
		return ret;
	return binder_read_call_end(&self->dev, self->ev, &self->nev, MAX_EV,
				    EVENT_MS);
}

/* One of A's objects. */
static struct flat_binder_object a_obj(__u32 type, binder_uintptr_t ptr,
				       binder_uintptr_t cookie)
{
	struct flat_binder_object o = {
		.hdr.type = type,
		.binder = ptr,
		.cookie = cookie,
	};

	return o;
}

/* A sends B one object, B takes the call as op says (keep or free). */
static int a_send(FIXTURE_DATA(ref) *self, __u32 op, __u32 type,
		  binder_uintptr_t ptr, binder_uintptr_t cookie)
{
	struct flat_binder_object o = a_obj(type, ptr, cookie);
	struct b_req req = { .op = op };
	int ret = binder_child_go(&self->b, &req, sizeof(req));

	if (!ret)
		ret = a_call(self, 1, &o, 1, NULL);
	memset(&self->rep, 0, sizeof(self->rep));
	if (!ret)
		ret = binder_child_recv(&self->b, &self->rep,
					sizeof(self->rep),
					BINDER_WAIT_MS + 2000);
	return ret ? ret : self->rep.ret;
}

/* One read of A's: its commands but BR_NOOP in self->ev. */
static int a_read(FIXTURE_DATA(ref) *self, int timeout_ms)
{
	struct binder_read_result rr;
	int ret = binder_read_one(&self->dev, &rr, timeout_ms);

	self->nev = ret ? 0 : br_events(rr.buf, rr.consumed, self->ev, MAX_EV);
	return ret;
}

/* A answers BR_INCREFS/BR_ACQUIRE: BC_INCREFS_DONE/BC_ACQUIRE_DONE. */
static int a_ack(FIXTURE_DATA(ref) *self, __u32 cmd, binder_uintptr_t ptr,
		 binder_uintptr_t cookie)
{
	return binder_node_done(self->dev.fd, cmd, ptr, cookie);
}

#define EV(c, p, k) { .cmd = (c), .ptr = (p), .cookie = (k) }

/* Nothing for A: a read times out. */
#define ASSERT_A_QUIET() ASSERT_NO_EVENTS(a_read(self, QUIET_MS))

/* A's node of the lowest ptr above ptr must be as given (0: none). */
#define ASSERT_NODE(above, _ptr, _cookie, _strong, _weak) do {		\
	struct binder_node_debug_info __i;				\
	ASSERT_EQ(0, binder_get_node_debug_info(self->dev.fd, above, &__i)); \
	ASSERT_EQ((binder_uintptr_t)(_ptr), __i.ptr);			\
	EXPECT_EQ((binder_uintptr_t)(_cookie), __i.cookie);		\
	EXPECT_EQ(_strong, __i.has_strong_ref);				\
	EXPECT_EQ(_weak, __i.has_weak_ref);				\
} while (0)
#define ASSERT_NO_NODE() ASSERT_NODE(0, 0, 0, 0, 0)

/* B's view of its handle: BINDER_GET_NODE_INFO_FOR_REF counts. */
#define ASSERT_INFO(handle, _strong, _weak) do {			\
	ASSERT_EQ(0, b_info(self, handle));				\
	EXPECT_EQ(_strong, self->rep.info.strong_count);		\
	EXPECT_EQ(_weak, self->rep.info.weak_count);			\
} while (0)

/* A sends A_PTR to B, which keeps the buffer; A answers both. */
#define HANDSHAKE() do {						\
	ASSERT_EQ(0, a_send(self, B_RECV_KEEP, BINDER_TYPE_BINDER,	\
			    A_PTR, A_COOKIE));				\
	ASSERT_EQ(1, self->rep.n);					\
	ASSERT_EQ(BINDER_TYPE_HANDLE, self->rep.type[0]);		\
	ASSERT_EQ(1, self->rep.handle[0]);				\
	ASSERT_EVENTS(EV(BR_INCREFS, A_PTR, A_COOKIE),			\
		      EV(BR_ACQUIRE, A_PTR, A_COOKIE),			\
		      EV(BR_TRANSACTION_COMPLETE, 0, 0),		\
		      EV(BR_REPLY, 0, 0));				\
	ASSERT_EQ(0, a_ack(self, BC_INCREFS_DONE, A_PTR, A_COOKIE));	\
	ASSERT_EQ(0, a_ack(self, BC_ACQUIRE_DONE, A_PTR, A_COOKIE));	\
} while (0)

/*
 * (a) B frees the buffer (so drops the handle) before it replies: the
 * node's work, still queued on A's waiting thread, is withdrawn; A sees
 *	BR_TRANSACTION_COMPLETE BR_REPLY
 * and has no node. B's handle was 1 and is gone.
 */
TEST_F(ref, handle_dropped_before_reply_owner_hears_nothing)
{
	ASSERT_EQ(0, a_send(self, B_RECV_FREE, BINDER_TYPE_BINDER, A_PTR,
			    A_COOKIE));
	ASSERT_EQ(1, self->rep.n);
	EXPECT_EQ(BINDER_TYPE_HANDLE, self->rep.type[0]);
	EXPECT_EQ(1, self->rep.handle[0]);
	ASSERT_EVENTS(EV(BR_TRANSACTION_COMPLETE, 0, 0), EV(BR_REPLY, 0, 0));
	ASSERT_NO_NODE();
	ASSERT_A_QUIET();
	EXPECT_EQ(-EINVAL, b_info(self, 1));
}

/*
 * (a) B keeps the buffer over its reply, takes no reference of its own,
 * then frees it. A's sequence:
 *	call:   BR_INCREFS(p,c) BR_ACQUIRE(p,c) BR_TRANSACTION_COMPLETE BR_REPLY
 *	A:      BC_INCREFS_DONE(p,c) BC_ACQUIRE_DONE(p,c)
 *	B frees the buffer; A reads: BR_RELEASE(p,c) BR_DECREFS(p,c)
 * Counts (B's BINDER_GET_NODE_INFO_FOR_REF, strong/weak): 2/1 before
 * A's answers (B's handle + the pending BR_ACQUIRE, the pending
 * BR_INCREFS), 1/0 after; the handle is gone with the buffer.
 */
TEST_F(ref, handle_freed_after_reply_releases_node)
{
	ASSERT_EQ(0, a_send(self, B_RECV_KEEP, BINDER_TYPE_BINDER, A_PTR,
			    A_COOKIE));
	ASSERT_EQ(1, self->rep.n);
	EXPECT_EQ(BINDER_TYPE_HANDLE, self->rep.type[0]);
	EXPECT_EQ(1, self->rep.handle[0]);
	ASSERT_EVENTS(EV(BR_INCREFS, A_PTR, A_COOKIE),
		      EV(BR_ACQUIRE, A_PTR, A_COOKIE),
		      EV(BR_TRANSACTION_COMPLETE, 0, 0), EV(BR_REPLY, 0, 0));
	ASSERT_NODE(0, A_PTR, A_COOKIE, 1, 1);
	ASSERT_INFO(1, 2, 1);

	ASSERT_EQ(0, a_ack(self, BC_INCREFS_DONE, A_PTR, A_COOKIE));
	ASSERT_INFO(1, 2, 0);
	ASSERT_EQ(0, a_ack(self, BC_ACQUIRE_DONE, A_PTR, A_COOKIE));
	ASSERT_INFO(1, 1, 0);
	ASSERT_NODE(0, A_PTR, A_COOKIE, 1, 1);
	ASSERT_A_QUIET();

	ASSERT_EQ(0, b_op(self, B_FREE));
	ASSERT_EQ(0, a_read(self, EVENT_MS));
	ASSERT_EVENTS(EV(BR_RELEASE, A_PTR, A_COOKIE),
		      EV(BR_DECREFS, A_PTR, A_COOKIE));
	ASSERT_NO_NODE();
	ASSERT_A_QUIET();
	EXPECT_EQ(-EINVAL, b_info(self, 1));
}

/*
 * The owner's unanswered BR_INCREFS/BR_ACQUIRE hold the node: B frees
 * the buffer before A answers and A hears nothing; the node is still
 * listed (strong and weak). A's BC_ACQUIRE_DONE alone then brings
 * BR_RELEASE (the node stays, weak), its BC_INCREFS_DONE BR_DECREFS.
 */
TEST_F(ref, unanswered_acquire_keeps_node)
{
	ASSERT_EQ(0, a_send(self, B_RECV_KEEP, BINDER_TYPE_BINDER, A_PTR,
			    A_COOKIE));
	ASSERT_EVENTS(EV(BR_INCREFS, A_PTR, A_COOKIE),
		      EV(BR_ACQUIRE, A_PTR, A_COOKIE),
		      EV(BR_TRANSACTION_COMPLETE, 0, 0), EV(BR_REPLY, 0, 0));
	ASSERT_EQ(0, b_op(self, B_FREE));
	ASSERT_A_QUIET();
	ASSERT_NODE(0, A_PTR, A_COOKIE, 1, 1);
	EXPECT_EQ(-EINVAL, b_info(self, 1));

	ASSERT_EQ(0, a_ack(self, BC_ACQUIRE_DONE, A_PTR, A_COOKIE));
	ASSERT_EQ(0, a_read(self, EVENT_MS));
	ASSERT_EVENTS(EV(BR_RELEASE, A_PTR, A_COOKIE));
	ASSERT_NODE(0, A_PTR, A_COOKIE, 0, 1);
	ASSERT_A_QUIET();

	ASSERT_EQ(0, a_ack(self, BC_INCREFS_DONE, A_PTR, A_COOKIE));
	ASSERT_EQ(0, a_read(self, EVENT_MS));
	ASSERT_EVENTS(EV(BR_DECREFS, A_PTR, A_COOKIE));
	ASSERT_NO_NODE();
	ASSERT_A_QUIET();
}

/*
 * (b) B: BC_ACQUIRE on its handle, frees the buffer, BC_RELEASE. The
 * node's counts only move when B's handle goes from 0 to 1 strong
 * reference and back: 1/0 throughout, A hears nothing until the
 * BC_RELEASE, then BR_RELEASE(p,c) BR_DECREFS(p,c) in one read.
 */
TEST_F(ref, acquire_free_release)
{
	HANDSHAKE();
	ASSERT_INFO(1, 1, 0);

	ASSERT_EQ(0, b_cmd(self, BC_ACQUIRE, 1));
	EXPECT_EQ(sizeof(__u32) * 2, self->rep.consumed);
	ASSERT_INFO(1, 1, 0);
	ASSERT_A_QUIET();

	ASSERT_EQ(0, b_op(self, B_FREE));
	ASSERT_INFO(1, 1, 0);
	ASSERT_A_QUIET();
	ASSERT_NODE(0, A_PTR, A_COOKIE, 1, 1);

	ASSERT_EQ(0, b_cmd(self, BC_RELEASE, 1));
	ASSERT_EQ(0, a_read(self, EVENT_MS));
	ASSERT_EVENTS(EV(BR_RELEASE, A_PTR, A_COOKIE),
		      EV(BR_DECREFS, A_PTR, A_COOKIE));
	ASSERT_NO_NODE();
	ASSERT_A_QUIET();
	EXPECT_EQ(-EINVAL, b_info(self, 1));
}

/*
 * (c) Weak only: B takes BC_INCREFS, then frees the buffer (its last
 * strong reference): A reads BR_RELEASE(p,c) alone and keeps a weak
 * node (has_strong_ref 0, has_weak_ref 1). B's handle is weak now:
 * BINDER_GET_NODE_INFO_FOR_REF refuses it (-EINVAL), and BC_ACQUIRE
 * cannot make it strong again (ignored). B's BC_DECREFS then brings
 * BR_DECREFS(p,c) and the node is gone.
 */
TEST_F(ref, weak_reference_outlives_strong)
{
	HANDSHAKE();

	ASSERT_EQ(0, b_cmd(self, BC_INCREFS, 1));
	ASSERT_INFO(1, 1, 0);
	ASSERT_A_QUIET();

	ASSERT_EQ(0, b_op(self, B_FREE));
	ASSERT_EQ(0, a_read(self, EVENT_MS));
	ASSERT_EVENTS(EV(BR_RELEASE, A_PTR, A_COOKIE));
	ASSERT_NODE(0, A_PTR, A_COOKIE, 0, 1);
	EXPECT_EQ(-EINVAL, b_info(self, 1));

	ASSERT_EQ(0, b_cmd(self, BC_ACQUIRE, 1));
	EXPECT_EQ(sizeof(__u32) * 2, self->rep.consumed);
	ASSERT_A_QUIET();
	EXPECT_EQ(-EINVAL, b_info(self, 1));
	ASSERT_NODE(0, A_PTR, A_COOKIE, 0, 1);

	ASSERT_EQ(0, b_cmd(self, BC_DECREFS, 1));
	ASSERT_EQ(0, a_read(self, EVENT_MS));
	ASSERT_EVENTS(EV(BR_DECREFS, A_PTR, A_COOKIE));
	ASSERT_NO_NODE();
	ASSERT_A_QUIET();
}

/*
 * (c) A BINDER_TYPE_WEAK_BINDER: B gets a BINDER_TYPE_WEAK_HANDLE, A
 *	call:   BR_INCREFS(p,c) BR_TRANSACTION_COMPLETE BR_REPLY
 * and no BR_ACQUIRE; after B frees the buffer, BR_DECREFS(p,c).
 */
TEST_F(ref, weak_binder_object_brings_increfs_only)
{
	ASSERT_EQ(0, a_send(self, B_RECV_KEEP, BINDER_TYPE_WEAK_BINDER, A_PTR,
			    A_COOKIE));
	ASSERT_EQ(1, self->rep.n);
	EXPECT_EQ(BINDER_TYPE_WEAK_HANDLE, self->rep.type[0]);
	EXPECT_EQ(1, self->rep.handle[0]);
	ASSERT_EVENTS(EV(BR_INCREFS, A_PTR, A_COOKIE),
		      EV(BR_TRANSACTION_COMPLETE, 0, 0), EV(BR_REPLY, 0, 0));
	ASSERT_NODE(0, A_PTR, A_COOKIE, 0, 1);
	ASSERT_EQ(0, a_ack(self, BC_INCREFS_DONE, A_PTR, A_COOKIE));
	EXPECT_EQ(-EINVAL, b_info(self, 1));
	ASSERT_A_QUIET();

	ASSERT_EQ(0, b_op(self, B_FREE));
	ASSERT_EQ(0, a_read(self, EVENT_MS));
	ASSERT_EVENTS(EV(BR_DECREFS, A_PTR, A_COOKIE));
	ASSERT_NO_NODE();
}

/*
 * BINDER_GET_NODE_INFO_FOR_REF's rules: -EPERM for anyone but the
 * context manager; -EINVAL when a field but handle is set (checked
 * first, so also for A); -EINVAL for a handle the manager does not hold,
 * 0 included (the manager holds no handle on its own node).
 */
TEST_F(ref, node_info_for_ref_rules)
{
	struct binder_node_info_for_ref info = { };
	struct b_req req = { .op = B_INFO };

	EXPECT_EQ(-EPERM, binder_get_node_info_for_ref(self->dev.fd, &info));
	info.strong_count = 1;
	EXPECT_EQ(-EINVAL, binder_get_node_info_for_ref(self->dev.fd, &info));

	EXPECT_EQ(-EINVAL, b_info(self, 0));
	EXPECT_EQ(-EINVAL, b_info(self, 1));
	EXPECT_EQ(-EINVAL, b_info(self, 42));

	HANDSHAKE();
	ASSERT_INFO(1, 1, 0);
	/* A still may not ask, even with a handle B holds. */
	info.strong_count = 0;
	info.handle = 1;
	EXPECT_EQ(-EPERM, binder_get_node_info_for_ref(self->dev.fd, &info));

	req.info.handle = 1;
	req.info.weak_count = 5;
	ASSERT_EQ(0, b_do(self, &req, BINDER_WAIT_MS));
	EXPECT_EQ(-EINVAL, self->rep.ret);
	req.info.weak_count = 0;
	req.info.reserved3 = 1;
	ASSERT_EQ(0, b_do(self, &req, BINDER_WAIT_MS));
	EXPECT_EQ(-EINVAL, self->rep.ret);
	EXPECT_EQ(-EINVAL, b_info(self, 2));

	ASSERT_EQ(0, b_op(self, B_FREE));
	ASSERT_EQ(0, a_read(self, EVENT_MS));
	ASSERT_EVENTS(EV(BR_RELEASE, A_PTR, A_COOKIE),
		      EV(BR_DECREFS, A_PTR, A_COOKIE));
}

/*
 * BINDER_GET_NODE_DEBUG_INFO walks A's nodes in ptr order, whatever
 * order they were made in: three objects sent in one call (ptrs 0x3000,
 * 0x1000, 0x2000) come back as 0x1000, 0x2000, 0x3000, then all zero;
 * a ptr between two nodes continues at the next. The call's node work
 * comes in object order, each node's BR_INCREFS then BR_ACQUIRE; B's
 * handles are 1, 2, 3; its free brings BR_RELEASE, BR_DECREFS per node,
 * again in object order, in one read.
 */
TEST_F(ref, node_debug_info_iterates_in_ptr_order)
{
	const binder_uintptr_t ptr[MAX_OBJS] = { 0x3000, 0x1000, 0x2000 };
	const binder_uintptr_t cookie[MAX_OBJS] = { 0xc3, 0xc1, 0xc2 };
	struct flat_binder_object objs[MAX_OBJS];
	struct b_req req = { .op = B_RECV_KEEP };
	struct binder_cmds c;
	unsigned int i;

	ASSERT_NO_NODE();
	for (i = 0; i < MAX_OBJS; i++)
		objs[i] = a_obj(BINDER_TYPE_BINDER, ptr[i], cookie[i]);
	ASSERT_EQ(0, binder_child_go(&self->b, &req, sizeof(req)));
	ASSERT_EQ(0, a_call(self, 1, objs, MAX_OBJS, NULL));
	ASSERT_EQ(0, binder_child_recv(&self->b, &self->rep, sizeof(self->rep),
				       BINDER_WAIT_MS + 2000));
	ASSERT_EQ(0, self->rep.ret);
	ASSERT_EQ(MAX_OBJS, self->rep.n);
	for (i = 0; i < MAX_OBJS; i++) {
		EXPECT_EQ(BINDER_TYPE_HANDLE, self->rep.type[i]);
		EXPECT_EQ(i + 1, self->rep.handle[i]);
	}
	ASSERT_EVENTS(EV(BR_INCREFS, 0x3000, 0xc3), EV(BR_ACQUIRE, 0x3000, 0xc3),
		      EV(BR_INCREFS, 0x1000, 0xc1), EV(BR_ACQUIRE, 0x1000, 0xc1),
		      EV(BR_INCREFS, 0x2000, 0xc2), EV(BR_ACQUIRE, 0x2000, 0xc2),
		      EV(BR_TRANSACTION_COMPLETE, 0, 0), EV(BR_REPLY, 0, 0));
	bc_init(&c);
	for (i = 0; i < MAX_OBJS; i++) {
		bc_ptr_cookie(&c, BC_INCREFS_DONE, ptr[i], cookie[i]);
		bc_ptr_cookie(&c, BC_ACQUIRE_DONE, ptr[i], cookie[i]);
	}
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));

	ASSERT_NODE(0, 0x1000, 0xc1, 1, 1);
	ASSERT_NODE(0x1000, 0x2000, 0xc2, 1, 1);
	ASSERT_NODE(0x2000, 0x3000, 0xc3, 1, 1);
	ASSERT_NODE(0x3000, 0, 0, 0, 0);
	ASSERT_NODE(0x1800, 0x2000, 0xc2, 1, 1);
	ASSERT_NODE(0xfff, 0x1000, 0xc1, 1, 1);
	for (i = 0; i < MAX_OBJS; i++)
		ASSERT_INFO(i + 1, 1, 0);

	ASSERT_EQ(0, b_op(self, B_FREE));
	ASSERT_EQ(0, a_read(self, EVENT_MS));
	ASSERT_EVENTS(EV(BR_RELEASE, 0x3000, 0xc3), EV(BR_DECREFS, 0x3000, 0xc3),
		      EV(BR_RELEASE, 0x1000, 0xc1), EV(BR_DECREFS, 0x1000, 0xc1),
		      EV(BR_RELEASE, 0x2000, 0xc2), EV(BR_DECREFS, 0x2000, 0xc2));
	ASSERT_NO_NODE();
}

/*
 * Reference commands on handles the process does not have: logged and
 * ignored, the write is 0 and consumed whole, nothing is queued, the
 * next commands of the same write are done, and the handles B gets later
 * are numbered as if nothing had happened (1). The manager's
 * BC_INCREFS/BC_ACQUIRE of handle 0 is the one that fails the write:
 * -EINVAL, nothing consumed. A (not the manager) may BC_ACQUIRE and
 * BC_RELEASE 0 (a handle on the manager's node, which the driver made
 * referenced from the start: the manager hears nothing); a second
 * BC_RELEASE is ignored.
 */
TEST_F(ref, refcount_commands_on_unknown_handles_are_ignored)
{
	static const __u32 cmds[] = {
		BC_INCREFS, BC_ACQUIRE, BC_RELEASE, BC_DECREFS,
	};
	struct b_req req = { .op = B_WRITE, .n = 4 };
	struct binder_cmds c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		EXPECT_EQ(0, b_cmd(self, cmds[i], 5))
			TH_LOG("%u", i);
		EXPECT_EQ(sizeof(__u32) * 2, self->rep.consumed);
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		req.cmd[i] = cmds[i];
		req.handle[i] = 1 + i;
	}
	ASSERT_EQ(0, b_do(self, &req, BINDER_WAIT_MS));
	EXPECT_EQ(0, self->rep.ret);
	EXPECT_EQ(4 * 2 * sizeof(__u32), self->rep.consumed);

	/* The manager and handle 0. */
	EXPECT_EQ(-EINVAL, b_cmd(self, BC_ACQUIRE, 0));
	EXPECT_EQ(0, self->rep.consumed);
	EXPECT_EQ(-EINVAL, b_cmd(self, BC_INCREFS, 0));
	EXPECT_EQ(0, self->rep.consumed);
	EXPECT_EQ(0, b_cmd(self, BC_RELEASE, 0));
	EXPECT_EQ(sizeof(__u32) * 2, self->rep.consumed);
	EXPECT_EQ(0, b_cmd(self, BC_DECREFS, 0));
	EXPECT_EQ(sizeof(__u32) * 2, self->rep.consumed);
	EXPECT_EQ(-ETIMEDOUT, b_op(self, B_QUIET))
		TH_LOG("B read %u commands, the first %s", self->rep.ncmds,
		       binder_br_name(self->rep.cmds[0]));

	/* A: a release without a handle; the manager's handle 0. */
	bc_init(&c);
	bc_handle(&c, BC_RELEASE, 0);
	bc_handle(&c, BC_DECREFS, 7);
	bc_handle(&c, BC_ACQUIRE, 0);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));
	ASSERT_A_QUIET();
	EXPECT_EQ(-ETIMEDOUT, b_op(self, B_QUIET))
		TH_LOG("B read %u commands, the first %s", self->rep.ncmds,
		       binder_br_name(self->rep.cmds[0]));
	bc_init(&c);
	bc_handle(&c, BC_RELEASE, 0);
	bc_handle(&c, BC_RELEASE, 0);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));
	ASSERT_A_QUIET();

	/* Business as usual: B's first handle is 1, counts as ever. */
	HANDSHAKE();
	ASSERT_INFO(1, 1, 0);
	/* An invalid command before a valid one in one write. */
	req.n = 2;
	req.cmd[0] = BC_RELEASE;
	req.handle[0] = 2;
	req.cmd[1] = BC_ACQUIRE;
	req.handle[1] = 1;
	ASSERT_EQ(0, b_do(self, &req, BINDER_WAIT_MS));
	EXPECT_EQ(0, self->rep.ret);
	EXPECT_EQ(2 * 2 * sizeof(__u32), self->rep.consumed);
	ASSERT_EQ(0, b_op(self, B_FREE));
	ASSERT_INFO(1, 1, 0);	/* B_ACQUIRE'd: still strong */
	ASSERT_A_QUIET();
	ASSERT_EQ(0, b_cmd(self, BC_RELEASE, 1));
	ASSERT_EQ(0, a_read(self, EVENT_MS));
	ASSERT_EVENTS(EV(BR_RELEASE, A_PTR, A_COOKIE),
		      EV(BR_DECREFS, A_PTR, A_COOKIE));
	ASSERT_NO_NODE();
}

/*
 * 10 000 rounds of: A sends a new object (ptr different each round) in a
 * HOLD call; B takes BC_INCREFS and BC_ACQUIRE on its handle (always 1)
 * and keeps the buffer; A answers BR_INCREFS/BR_ACQUIRE with the next
 * call, DROP, where B frees the buffer and drops both references. Every
 * round A reads exactly
 *	HOLD:  BR_INCREFS BR_ACQUIRE BR_TRANSACTION_COMPLETE BR_REPLY
 *	DROP:  BR_TRANSACTION_COMPLETE BR_REPLY
 *	then:  BR_RELEASE BR_DECREFS
 * and at the end A has no node and B no handle.
 */
/*
 * The repetition looks for drift in the node and ref bookkeeping, ipckit's
 * own code, the same on every kernel (nothing of it in compat.h): the lane
 * of a second kernel (IPCKIT_LANE a series, e.g. 6.12; it runs after the
 * stock lane in make check) runs CYCLES_SECOND of them, each checked as
 * fully. Documentation/kernels.rst.
 */
static unsigned int cycles_wanted(void)
{
	const char *lane = getenv("IPCKIT_LANE");

	return lane && lane[0] >= '0' && lane[0] <= '9' ? CYCLES_SECOND : CYCLES;
}

TEST_F_TIMEOUT(ref, ten_thousand_cycles_leave_no_node, 300)
{
	const unsigned int cycles = cycles_wanted();
	struct b_req req = { .op = B_CYCLES, .arg = cycles };
	struct flat_binder_object o;
	struct binder_cmds c;
	long long start = binder_now_ms();
	unsigned int i;

	ASSERT_EQ(0, binder_child_go(&self->b, &req, sizeof(req)));
	for (i = 0; i < cycles; i++) {
		binder_uintptr_t ptr = 0x100000 + i * 0x40;
		binder_uintptr_t cookie = 0xc0000 + i;

		o = a_obj(BINDER_TYPE_BINDER, ptr, cookie);
		ASSERT_EQ(0, a_call(self, CODE_HOLD, &o, 1, NULL))
			TH_LOG("round %u", i);
		ASSERT_EVENTS(EV(BR_INCREFS, ptr, cookie),
			      EV(BR_ACQUIRE, ptr, cookie),
			      EV(BR_TRANSACTION_COMPLETE, 0, 0),
			      EV(BR_REPLY, 0, 0));
		bc_init(&c);
		bc_ptr_cookie(&c, BC_INCREFS_DONE, ptr, cookie);
		bc_ptr_cookie(&c, BC_ACQUIRE_DONE, ptr, cookie);
		ASSERT_EQ(0, a_call(self, CODE_DROP, NULL, 0, &c))
			TH_LOG("round %u", i);
		ASSERT_EVENTS(EV(BR_TRANSACTION_COMPLETE, 0, 0),
			      EV(BR_REPLY, 0, 0));
		ASSERT_EQ(0, a_read(self, EVENT_MS))
			TH_LOG("round %u", i);
		ASSERT_EVENTS(EV(BR_RELEASE, ptr, cookie),
			      EV(BR_DECREFS, ptr, cookie));
	}
	ASSERT_EQ(0, binder_child_recv(&self->b, &self->rep, sizeof(self->rep),
				       BINDER_WAIT_MS));
	EXPECT_EQ(0, self->rep.ret);
	EXPECT_EQ(0, self->rep.n);	/* rounds B found wrong */
	ASSERT_NO_NODE();
	ASSERT_A_QUIET();
	EXPECT_EQ(-EINVAL, b_info(self, 1));
	ksft_print_msg("%u cycles in %lld ms\n", cycles,
		       binder_now_ms() - start);
	fflush(stdout);
}

IPCKIT_TEST_MAIN
