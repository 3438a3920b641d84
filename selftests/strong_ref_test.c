// SPDX-License-Identifier: GPL-2.0
/*
 * Strong and weak references: a handle held only weakly must not be used
 * as a strong one, and strong references that appear from nothing must
 * be announced to the node's owner.
 *
 * This process (A) owns the nodes (N1, N2): it sends them in calls to B,
 * a forked context manager. C is a second forked process, a client of B.
 * B and C are puppets: they do, step by step, what A tells them over a
 * pipe (take a call and reply, with objects; call a handle, with
 * objects; free a kept buffer; write reference commands) and report the
 * outcome. A reads everything the driver sends it itself, so each test
 * can assert the owner's exact BR_* sequence.
 *
 * What the reference (6.1) does, and these tests assert:
 *
 *  - A transaction to a handle the caller holds only weakly (it came as a
 *    BINDER_TYPE_WEAK_HANDLE, or its strong reference was dropped after a
 *    BC_INCREFS) is refused: the caller reads BR_FAILED_REPLY alone, its
 *    extended error is { BR_FAILED_REPLY, -EINVAL }, and the owner hears
 *    nothing (binder_get_ref_olocked(need_strong_ref) fails the lookup).
 *    The same for a one-way call.
 *  - A BINDER_TYPE_HANDLE object made from a weakly held handle is
 *    refused the same way ("tried to use weak ref as strong ref"), in a
 *    call (the caller reads BR_FAILED_REPLY, { BR_FAILED_REPLY, -EINVAL })
 *    and in a reply (the replier reads BR_TRANSACTION_COMPLETE, the
 *    caller BR_FAILED_REPLY with that extended error). Nothing is
 *    delivered and the owner hears no BR_ACQUIRE. A
 *    BINDER_TYPE_WEAK_HANDLE made from it goes through: to the owner as a
 *    BINDER_TYPE_WEAK_BINDER (ptr, cookie), to a third process as a
 *    BINDER_TYPE_WEAK_HANDLE.
 *  - BC_ACQUIRE on a weakly held handle (other than 0) is logged and
 *    ignored, whether or not another process holds the node strongly:
 *    binder_update_ref_for_handle() looks the handle up with
 *    need_strong_ref. The write is 0 and consumed whole, the extended
 *    error stays { BR_OK, 0 }, the handle stays weak (calls fail) and the
 *    owner hears nothing. (Handle 0 is the exception, see
 *    context_mgr_test.) A weak handle becomes strong when a strong holder
 *    sends a BINDER_TYPE_HANDLE of the node: a strong increment without
 *    an owner's thread to tell (binder_inc_node_nilocked with no target
 *    list), allowed because the node has strong holders
 *    (internal_strong_refs > 0); the owner hears nothing then, and
 *    BR_RELEASE once the last strong holder lets go.
 *  - A strong reference made from zero strong references (the owner
 *    sends a node, held until now only weakly or no longer strongly, as a
 *    BINDER_TYPE_BINDER) brings the owner BR_ACQUIRE with its call's
 *    reply, every time; a handle that goes weak again brings BR_RELEASE.
 */
#include "ipckit_test.h"

#define EVENT_MS	3000	/* bound on a wait for what must come */
#define QUIET_MS	200	/* watched to see that nothing comes */
#define PUPPET_MS	(BINDER_WAIT_MS * 4 + 3000)
#define MGR_MS		5000	/* becoming manager: the last one may linger */
#define MAX_EV		32
#define MAX_OBJS	3
#define MAX_SLOTS	4

#define CODE_GIVE	0x47495645	/* "GIVE": A sends B objects */
#define CODE_CALL	0x43414c4c	/* "CALL" */

#define N1_PTR		0xa1000
#define N1_COOKIE	0xc1
#define N2_PTR		0xa2000
#define N2_COOKIE	0xc2

/* An object as sent or received: handle (or ptr) and cookie. */
struct obj {
	__u32 type;
	__u32 pad;
	__u64 val;		/* handle, or binder ptr */
	__u64 cookie;
};

/* --- B and C: puppets ------------------------------------------------ */

enum {
	P_RECV = 1,	/* take the next call, keep its buffer in slot, reply objs */
	P_CALL,		/* call handle with objs; keep the reply's buffer in slot */
	P_FREE,		/* free the buffer kept in slot */
	P_WRITE,	/* one write of reference commands */
	P_QUIT,
};

#define NO_SLOT		(~0u)

struct p_req {
	__u32 op;
	__u32 handle;		/* P_CALL */
	__u32 flags;		/* P_CALL */
	__u32 slot;		/* P_RECV, P_CALL: NO_SLOT frees; P_FREE */
	__u32 nobj;		/* P_CALL: in the call; P_RECV: in the reply */
	struct obj obj[MAX_OBJS];
	__u32 ncmd;		/* P_WRITE */
	__u32 cmd[4];
	__u32 arg[4];
};

struct p_rep {
	__s32 ret;
	__u32 cmd;		/* P_CALL: how it ended; P_RECV: after reply */
	__u32 nseen;
	__u32 seen[BINDER_MAX_SEEN];
	struct binder_extended_error ee;	/* P_CALL, P_WRITE: after */
	__u32 code;		/* P_RECV */
	__u64 target_ptr;	/* P_RECV */
	__u32 nobj;		/* P_RECV: in the call; P_CALL: in the reply */
	struct obj obj[MAX_OBJS];
	__u64 consumed;		/* P_WRITE */
};

struct puppet {
	struct binder_dev dev;
	binder_uintptr_t slot[MAX_SLOTS];
};

/* A transaction of objs (flat_binder_objects) in data/offs. */
static struct binder_transaction_data objs_txn(__u32 handle, __u32 code,
					       __u32 flags,
					       const struct obj *objs, __u32 n,
					       struct flat_binder_object *data,
					       binder_size_t *offs)
{
	struct binder_transaction_data tr;
	__u32 i;

	for (i = 0; i < n && i < MAX_OBJS; i++) {
		memset(&data[i], 0, sizeof(data[i]));
		data[i].hdr.type = objs[i].type;
		if (objs[i].type == BINDER_TYPE_HANDLE ||
		    objs[i].type == BINDER_TYPE_WEAK_HANDLE)
			data[i].handle = (__u32)objs[i].val;
		else
			data[i].binder = objs[i].val;
		data[i].cookie = objs[i].cookie;
		offs[i] = i * sizeof(data[0]);
	}
	tr = binder_txn(handle, code, flags, data, n * sizeof(data[0]));
	binder_txn_offsets(&tr, offs, n);
	return tr;
}

/* The objects of a received transaction, as the driver left them. */
static __u32 txn_objs(const struct binder_transaction_data *tr,
		      struct obj *objs)
{
	const binder_size_t *offs = (void *)(uintptr_t)tr->data.ptr.offsets;
	const char *data = (void *)(uintptr_t)tr->data.ptr.buffer;
	__u32 i, n = tr->offsets_size / sizeof(binder_size_t);
	struct flat_binder_object fbo;

	for (i = 0; i < n && i < MAX_OBJS; i++) {
		memset(&objs[i], 0, sizeof(objs[i]));
		if (offs[i] + sizeof(fbo) > tr->data_size)
			continue;
		memcpy(&fbo, data + offs[i], sizeof(fbo));
		objs[i].type = fbo.hdr.type;
		if (fbo.hdr.type == BINDER_TYPE_HANDLE ||
		    fbo.hdr.type == BINDER_TYPE_WEAK_HANDLE)
			objs[i].val = fbo.handle;
		else
			objs[i].val = fbo.binder;
		objs[i].cookie = fbo.cookie;
	}
	return n;
}

static int keep_or_free(struct puppet *p, __u32 slot, binder_uintptr_t buf)
{
	if (slot == NO_SLOT)
		return binder_free_buffer(&p->dev, buf);
	if (slot >= MAX_SLOTS || p->slot[slot])
		return -EINVAL;
	p->slot[slot] = buf;
	return 0;
}

/* Record the commands of one read but BR_NOOP (in the p_rep ctx). */
static void p_seen(void *ctx, const struct binder_read_result *rr)
{
	struct p_rep *rep = ctx;
	size_t i;

	for (i = 0; i < rr->ncmds; i++)
		if (rr->cmds[i] != BR_NOOP && rep->nseen < BINDER_MAX_SEEN)
			rep->seen[rep->nseen++] = rr->cmds[i];
}

static int p_recv(struct puppet *p, const struct p_req *req, struct p_rep *rep)
{
	struct flat_binder_object data[MAX_OBJS];
	binder_size_t offs[MAX_OBJS];
	struct binder_transaction_data tr, reply;
	struct binder_read_result rr;
	struct binder_cmds c;
	int ret;

	ret = binder_read_call_seen(&p->dev, &rr, BINDER_WAIT_MS, p_seen, rep);
	if (ret)
		return ret;
	tr = rr.tr;
	rep->code = tr.code;
	rep->target_ptr = tr.target.ptr;
	rep->nobj = txn_objs(&tr, rep->obj);
	ret = keep_or_free(p, req->slot, tr.data.ptr.buffer);
	if (ret)
		return ret;
	/* The reply, then read what it brings us: BR_TRANSACTION_COMPLETE. */
	reply = objs_txn(0, 0, 0, req->obj, req->nobj, data, offs);
	bc_init(&c);
	bc_transaction(&c, BC_REPLY, &reply);
	ret = bc_send(p->dev.fd, &c);
	if (ret)
		return ret;
	rep->nseen = 0;
	ret = binder_read_one(&p->dev, &rr, BINDER_WAIT_MS);
	if (ret)
		return ret;
	p_seen(rep, &rr);
	rep->cmd = rep->nseen ? rep->seen[rep->nseen - 1] : 0;
	return 0;
}

static int p_call(struct puppet *p, const struct p_req *req, struct p_rep *rep)
{
	struct flat_binder_object data[MAX_OBJS];
	binder_size_t offs[MAX_OBJS];
	struct binder_transaction_data tr;
	struct binder_result res;
	int ret;

	tr = objs_txn(req->handle, CODE_CALL, req->flags, req->obj, req->nobj,
		      data, offs);
	ret = binder_call_tr(&p->dev, &tr, BC_TRANSACTION, &res,
			     BINDER_WAIT_MS);
	if (ret)
		return ret;
	rep->cmd = res.cmd;
	rep->nseen = res.nseen;
	memcpy(rep->seen, res.seen, sizeof(rep->seen));
	ret = binder_get_extended_error(p->dev.fd, &rep->ee);
	if (res.cmd == BR_REPLY) {
		rep->nobj = txn_objs(&res.tr, rep->obj);
		if (!ret)
			ret = keep_or_free(p, req->slot, res.tr.data.ptr.buffer);
	}
	return ret;
}

static int p_write(struct puppet *p, const struct p_req *req,
		   struct p_rep *rep)
{
	size_t n = req->ncmd < ARRAY_SIZE(req->cmd) ? req->ncmd :
		   ARRAY_SIZE(req->cmd);
	size_t consumed = 0;
	int ret;

	ret = binder_write_handles(p->dev.fd, req->cmd, req->arg, n, &consumed);
	rep->consumed = consumed;
	if (!ret)
		ret = binder_get_extended_error(p->dev.fd, &rep->ee);
	return ret;
}

static bool puppet_handle(void *ctx, void *reqp, void *repp)
{
	struct puppet *p = ctx;
	struct p_req *req = reqp;
	struct p_rep *rep = repp;

	switch (req->op) {
	case P_RECV:
		rep->ret = p_recv(p, req, rep);
		break;
	case P_CALL:
		rep->ret = p_call(p, req, rep);
		break;
	case P_FREE:
		if (req->slot >= MAX_SLOTS || !p->slot[req->slot]) {
			rep->ret = -EINVAL;
			break;
		}
		rep->ret = binder_free_buffer(&p->dev, p->slot[req->slot]);
		p->slot[req->slot] = 0;
		break;
	case P_WRITE:
		rep->ret = p_write(p, req, rep);
		break;
	case P_QUIT:
		return false;
	default:
		rep->ret = -EINVAL;
	}
	return true;
}

static int puppet_main(void *arg)
{
	bool manager = arg != NULL;
	struct puppet p = { };
	struct p_rep rep;
	struct p_req req;
	int ret;

	ret = binder_open_dev(&p.dev, ipckit_test_device, 0);
	if (!ret)
		ret = binder_cmd(p.dev.fd, BC_ENTER_LOOPER);
	if (!ret && manager)
		ret = binder_become_context_mgr(p.dev.fd, NULL, MGR_MS);
	return binder_puppet_run(ret, &req, sizeof(req), &rep, sizeof(rep),
				 puppet_handle, &p);
}

static int puppet_start(struct binder_child *c, bool manager)
{
	int ret = binder_child_start(c, puppet_main, manager ? c : NULL);

	if (ret)
		return ret;
	ret = binder_child_wait_ready(c, MGR_MS + 5000);
	if (ret)
		binder_child_kill(c);
	return ret;
}

static int p_start(struct binder_child *c, const struct p_req *req)
{
	return binder_child_go(c, req, sizeof(*req));
}

static int p_wait(struct binder_child *c, struct p_rep *rep)
{
	int ret;

	memset(rep, 0, sizeof(*rep));
	ret = binder_child_recv(c, rep, sizeof(*rep), PUPPET_MS);
	return ret ? ret : rep->ret;
}

static int p_do(struct binder_child *c, const struct p_req *req,
		struct p_rep *rep)
{
	int ret = p_start(c, req);

	return ret ? ret : p_wait(c, rep);
}

static struct obj mkobj(__u32 type, __u64 val, __u64 cookie)
{
	struct obj o = { .type = type, .val = val, .cookie = cookie };

	return o;
}

/* --- A: this process, the owner -------------------------------------- */

FIXTURE(sref) {
	struct binder_dev dev;
	struct binder_child b;		/* context manager */
	struct binder_child c;		/* a client of B */
	struct p_rep rep, crep;
	struct binder_event ev[MAX_EV];
	size_t nev;
	struct binder_transaction_data tr;	/* a_serve(): the call */
	struct obj obj[MAX_OBJS];		/* ... its objects */
	__u32 nobj;
	char str[2][1024];
};

FIXTURE_SETUP(sref)
{
	/* Puppets first: a fork after our open would flush our reads. */
	ASSERT_EQ(0, puppet_start(&self->b, true));
	ASSERT_EQ(0, puppet_start(&self->c, false));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	/* A looper, so that it may read the process's node work. */
	ASSERT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));
}

FIXTURE_TEARDOWN(sref)
{
	binder_child_kill(&self->c);
	binder_child_kill(&self->b);
	binder_close_dev(&self->dev);
}

/* Add the commands of one read but BR_NOOP to self->ev (ctx: self). */
static void a_events(void *ctx, const struct binder_read_result *rr)
{
	FIXTURE_DATA(sref) *self = ctx;

	self->nev += br_events(rr->buf, rr->consumed, self->ev + self->nev,
			       MAX_EV - self->nev);
}

/* One read of A's: its commands but BR_NOOP in self->ev. */
static int a_read(FIXTURE_DATA(sref) *self, int timeout_ms)
{
	struct binder_read_result rr;
	int ret = binder_read_one(&self->dev, &rr, timeout_ms);

	self->nev = 0;
	if (!ret)
		a_events(self, &rr);
	return ret;
}

/*
 * A calls B (handle 0) with objs; B, told beforehand, takes the call.
 * Events up to the end of the call in self->ev, node commands
 * unanswered; the reply's buffer is freed. -EPROTO unless BR_REPLY.
 */
static int a_call(FIXTURE_DATA(sref) *self, const struct obj *objs, __u32 n)
{
	struct flat_binder_object data[MAX_OBJS];
	binder_size_t offs[MAX_OBJS];
	struct binder_transaction_data tr;
	struct binder_cmds c;
	int ret;

	self->nev = 0;
	tr = objs_txn(0, CODE_GIVE, 0, objs, n, data, offs);
	bc_init(&c);
	bc_transaction(&c, BC_TRANSACTION, &tr);
	ret = bc_send(self->dev.fd, &c);
	if (ret)
		return ret;
	return binder_read_call_end(&self->dev, self->ev, &self->nev, MAX_EV,
				    EVENT_MS);
}

/*
 * A gives B one object (type, ptr, cookie); B keeps the buffer in slot
 * and reports what it got (self->rep: obj[0] is B's handle).
 */
static int a_give(FIXTURE_DATA(sref) *self, __u32 type, __u64 ptr,
		  __u64 cookie, __u32 slot)
{
	struct p_req req = { .op = P_RECV, .slot = slot };
	struct obj o = mkobj(type, ptr, cookie);
	int ret = p_start(&self->b, &req);

	if (!ret)
		ret = a_call(self, &o, 1);
	if (!ret)
		ret = p_wait(&self->b, &self->rep);
	if (!ret && self->rep.nobj != 1)
		ret = -EPROTO;
	return ret;
}

/* A answers BR_INCREFS/BR_ACQUIRE: BC_INCREFS_DONE/BC_ACQUIRE_DONE. */
static int a_ack(FIXTURE_DATA(sref) *self, __u32 cmd, __u64 ptr, __u64 cookie)
{
	return binder_node_done(self->dev.fd, cmd, ptr, cookie);
}

/*
 * A serves one call: events before it in self->ev, the call in self->tr
 * and its objects in self->obj; it replies (empty) and reads its own
 * BR_TRANSACTION_COMPLETE.
 */
static int a_serve(FIXTURE_DATA(sref) *self)
{
	struct binder_read_result rr;
	int ret;

	self->nev = 0;
	ret = binder_read_call_seen(&self->dev, &rr, EVENT_MS, a_events, self);
	if (ret)
		return ret;
	self->tr = rr.tr;
	self->nobj = txn_objs(&rr.tr, self->obj);
	ret = binder_reply(&self->dev, &rr.tr, 0, NULL, 0);
	if (ret)
		return ret;
	ret = binder_read_one(&self->dev, &rr, EVENT_MS);
	if (ret)
		return ret;
	return rr.ncmds == 2 && rr.cmds[1] == BR_TRANSACTION_COMPLETE ?
	       0 : -EPROTO;
}

#define EV(c, p, k) { .cmd = (c), .ptr = (p), .cookie = (k) }

/* Nothing for A: a read times out. */
#define ASSERT_A_QUIET() ASSERT_NO_EVENTS(a_read(self, QUIET_MS))

/* A's node ptr must be as given: has_strong_ref, has_weak_ref. */
#define ASSERT_NODE(_ptr, _cookie, _strong, _weak) do {		\
	struct binder_node_debug_info __i;				\
	ASSERT_EQ(0, binder_get_node_debug_info(self->dev.fd, (_ptr) - 1, &__i)); \
	ASSERT_EQ((binder_uintptr_t)(_ptr), __i.ptr);			\
	EXPECT_EQ((binder_uintptr_t)(_cookie), __i.cookie);		\
	EXPECT_EQ(_strong, __i.has_strong_ref);				\
	EXPECT_EQ(_weak, __i.has_weak_ref);				\
} while (0)

/* A has no node at ptr (nor above it). */
#define ASSERT_NO_NODE_AT(_ptr) do {					\
	struct binder_node_debug_info __i;				\
	ASSERT_EQ(0, binder_get_node_debug_info(self->dev.fd, (_ptr) - 1, &__i)); \
	EXPECT_NE((binder_uintptr_t)(_ptr), __i.ptr);			\
} while (0)

/* The puppet's call ended refused: BR_FAILED_REPLY, extended error. */
#define ASSERT_REFUSED(rep) do {					\
	EXPECT_EQ(BR_FAILED_REPLY, (rep).cmd)				\
		TH_LOG("call ended with %s", binder_br_name((rep).cmd)); \
	EXPECT_CMDS((rep).seen, (rep).nseen, BR_FAILED_REPLY);		\
	EXPECT_EQ(BR_FAILED_REPLY, (rep).ee.command)			\
		TH_LOG("extended error %s", binder_br_name((rep).ee.command)); \
	EXPECT_EQ(-EINVAL, (rep).ee.param);				\
} while (0)

/* Puppet c writes one reference command; consumed whole, no error. */
#define ASSERT_P_CMD(c, _cmd, _handle) do {				\
	struct p_req __r = { .op = P_WRITE, .ncmd = 1 };		\
	__r.cmd[0] = (_cmd);						\
	__r.arg[0] = (_handle);						\
	ASSERT_EQ(0, p_do(c, &__r, &self->crep));			\
	EXPECT_EQ(2 * sizeof(__u32), self->crep.consumed);		\
	EXPECT_EQ(BR_OK, self->crep.ee.command);			\
	EXPECT_EQ(0, self->crep.ee.param);				\
} while (0)

#define ASSERT_P_FREE(c, _slot) do {					\
	struct p_req __r = { .op = P_FREE, .slot = (_slot) };		\
	ASSERT_EQ(0, p_do(c, &__r, &self->crep));			\
} while (0)

/* Puppet c frees slot: A reads BR_RELEASE of N1, which stays weak. */
#define ASSERT_N1_RELEASED(c, _slot) do {				\
	ASSERT_P_FREE(c, _slot);					\
	ASSERT_EQ(0, a_read(self, EVENT_MS));				\
	ASSERT_EVENTS(EV(BR_RELEASE, N1_PTR, N1_COOKIE));		\
	ASSERT_NODE(N1_PTR, N1_COOKIE, 0, 1);				\
} while (0)

/* Puppet c frees slot, the last reference: BR_DECREFS, N1 is gone. */
#define ASSERT_N1_GONE(c, _slot) do {					\
	ASSERT_P_FREE(c, _slot);					\
	ASSERT_EQ(0, a_read(self, EVENT_MS));				\
	ASSERT_EVENTS(EV(BR_DECREFS, N1_PTR, N1_COOKIE));		\
	ASSERT_NO_NODE_AT(N1_PTR);					\
} while (0)

/*
 * Puppet c makes the call req, which the driver must refuse: A must not
 * hear of it. A call delivered anyway is answered (so that the puppet
 * does not hang) and reported: -EPROTO. The puppet's report in crep.
 */
static int p_call_refused(FIXTURE_DATA(sref) *self, struct binder_child *c,
			  const struct p_req *req)
{
	struct binder_read_result rr;
	int ret = p_start(c, req), delivered = 0;

	if (ret)
		return ret;
	ret = binder_read_one(&self->dev, &rr, QUIET_MS);
	if (!ret && rr.has_tr && rr.cmds[rr.ncmds - 1] == BR_TRANSACTION) {
		delivered = 1;
		binder_reply(&self->dev, &rr.tr, 0, NULL, 0);
	} else if (ret != -ETIMEDOUT) {
		return ret ? ret : -EPROTO;	/* A heard something else */
	}
	ret = p_wait(c, &self->crep);
	if (delivered) {
		/* Our own BR_TRANSACTION_COMPLETE. */
		binder_read_one(&self->dev, &rr, EVENT_MS);
		return -EPROTO;
	}
	return ret;
}

#define ASSERT_P_CALL_REFUSED(c, req) do {				\
	int __ret = p_call_refused(self, c, req);			\
	ASSERT_EQ(0, __ret)						\
		TH_LOG("%s", __ret == -EPROTO ?				\
		       "the call was delivered to the owner" :		\
		       "the call did not end");				\
	ASSERT_REFUSED(self->crep);					\
} while (0)

/* Puppet c calls handle (no objects) and A must not hear of it. */
#define ASSERT_CALL_REFUSED(c, _handle, _flags) do {			\
	struct p_req __r = { .op = P_CALL, .handle = (_handle),	\
			     .flags = (_flags), .slot = NO_SLOT };	\
	ASSERT_P_CALL_REFUSED(c, &__r);					\
	ASSERT_A_QUIET();						\
} while (0)

/* Puppet c calls handle; A serves it: it must be for node ptr. */
#define ASSERT_CALL_DELIVERED(c, _handle, _ptr, _cookie) do {		\
	struct p_req __r = { .op = P_CALL, .handle = (_handle),	\
			     .slot = NO_SLOT };				\
	ASSERT_EQ(0, p_start(c, &__r));					\
	ASSERT_EQ(0, a_serve(self));					\
	EXPECT_EQ(CODE_CALL, self->tr.code);				\
	EXPECT_EQ((binder_uintptr_t)(_ptr), self->tr.target.ptr);	\
	EXPECT_EQ((binder_uintptr_t)(_cookie), self->tr.cookie);	\
	ASSERT_EQ(0, p_wait(c, &self->crep));				\
	EXPECT_EQ(BR_REPLY, self->crep.cmd);				\
} while (0)

/*
 * B holds N1 strongly (a kept buffer), takes a weak reference
 * (BC_INCREFS) and frees the buffer: A hears BR_RELEASE. Calls through
 * the weak handle, sync or one-way, are refused, and A hears nothing;
 * B's BC_DECREFS then brings BR_DECREFS.
 */
TEST_F(sref, a_call_to_a_handle_held_only_weakly_is_refused)
{
	__u32 h;

	ASSERT_EQ(0, a_give(self, BINDER_TYPE_BINDER, N1_PTR, N1_COOKIE, 0));
	ASSERT_EQ(BINDER_TYPE_HANDLE, self->rep.obj[0].type);
	h = self->rep.obj[0].val;
	ASSERT_EVENTS(EV(BR_INCREFS, N1_PTR, N1_COOKIE),
		      EV(BR_ACQUIRE, N1_PTR, N1_COOKIE),
		      EV(BR_TRANSACTION_COMPLETE, 0, 0), EV(BR_REPLY, 0, 0));
	ASSERT_EQ(0, a_ack(self, BC_INCREFS_DONE, N1_PTR, N1_COOKIE));
	ASSERT_EQ(0, a_ack(self, BC_ACQUIRE_DONE, N1_PTR, N1_COOKIE));
	/* The handle works while it is strong. */
	ASSERT_CALL_DELIVERED(&self->b, h, N1_PTR, N1_COOKIE);

	ASSERT_P_CMD(&self->b, BC_INCREFS, h);
	ASSERT_N1_RELEASED(&self->b, 0);

	ASSERT_CALL_REFUSED(&self->b, h, 0);
	ASSERT_CALL_REFUSED(&self->b, h, TF_ONE_WAY);
	ASSERT_NODE(N1_PTR, N1_COOKIE, 0, 1);

	ASSERT_P_CMD(&self->b, BC_DECREFS, h);
	ASSERT_EQ(0, a_read(self, EVENT_MS));
	ASSERT_EVENTS(EV(BR_DECREFS, N1_PTR, N1_COOKIE));
	ASSERT_NO_NODE_AT(N1_PTR);
}

/*
 * A handle that came as a BINDER_TYPE_WEAK_HANDLE (A sent a
 * BINDER_TYPE_WEAK_BINDER): calls through it are refused from the start.
 */
TEST_F(sref, a_call_to_a_weak_handle_is_refused)
{
	__u32 h;

	ASSERT_EQ(0, a_give(self, BINDER_TYPE_WEAK_BINDER, N1_PTR, N1_COOKIE,
			    0));
	ASSERT_EQ(BINDER_TYPE_WEAK_HANDLE, self->rep.obj[0].type);
	h = self->rep.obj[0].val;
	ASSERT_EVENTS(EV(BR_INCREFS, N1_PTR, N1_COOKIE),
		      EV(BR_TRANSACTION_COMPLETE, 0, 0), EV(BR_REPLY, 0, 0));
	ASSERT_EQ(0, a_ack(self, BC_INCREFS_DONE, N1_PTR, N1_COOKIE));

	ASSERT_CALL_REFUSED(&self->b, h, 0);
	ASSERT_CALL_REFUSED(&self->b, h, TF_ONE_WAY);
	ASSERT_NODE(N1_PTR, N1_COOKIE, 0, 1);

	ASSERT_N1_GONE(&self->b, 0);
}

/*
 * B holds N2 strongly (h2) and N1 weakly (h1). A call from B to h2 that
 * carries a BINDER_TYPE_HANDLE of h1 is refused, nothing reaches A (no
 * call, no BR_ACQUIRE) and N1 stays weak; a BINDER_TYPE_WEAK_HANDLE of
 * h1 reaches A as a BINDER_TYPE_WEAK_BINDER of N1.
 */
TEST_F(sref, a_strong_handle_object_from_a_weak_handle_is_refused)
{
	struct p_req req = { .op = P_CALL, .slot = NO_SLOT, .nobj = 1 };
	__u32 h1, h2;

	ASSERT_EQ(0, a_give(self, BINDER_TYPE_BINDER, N2_PTR, N2_COOKIE, 0));
	h2 = self->rep.obj[0].val;
	ASSERT_EQ(0, a_ack(self, BC_INCREFS_DONE, N2_PTR, N2_COOKIE));
	ASSERT_EQ(0, a_ack(self, BC_ACQUIRE_DONE, N2_PTR, N2_COOKIE));
	ASSERT_EQ(0, a_give(self, BINDER_TYPE_WEAK_BINDER, N1_PTR, N1_COOKIE,
			    1));
	ASSERT_EQ(BINDER_TYPE_WEAK_HANDLE, self->rep.obj[0].type);
	h1 = self->rep.obj[0].val;
	ASSERT_NE(h1, h2);
	ASSERT_EQ(0, a_ack(self, BC_INCREFS_DONE, N1_PTR, N1_COOKIE));

	req.handle = h2;
	req.obj[0] = mkobj(BINDER_TYPE_HANDLE, h1, 0);
	ASSERT_P_CALL_REFUSED(&self->b, &req);
	ASSERT_A_QUIET();
	ASSERT_NODE(N1_PTR, N1_COOKIE, 0, 1);

	req.obj[0] = mkobj(BINDER_TYPE_WEAK_HANDLE, h1, 0);
	ASSERT_EQ(0, p_start(&self->b, &req));
	ASSERT_EQ(0, a_serve(self));
	EXPECT_EQ(N2_PTR, self->tr.target.ptr);
	ASSERT_EQ(1, self->nobj);
	EXPECT_EQ(BINDER_TYPE_WEAK_BINDER, self->obj[0].type);
	EXPECT_EQ(N1_PTR, self->obj[0].val);
	EXPECT_EQ(N1_COOKIE, self->obj[0].cookie);
	ASSERT_EQ(0, p_wait(&self->b, &self->crep));
	EXPECT_EQ(BR_REPLY, self->crep.cmd);
	ASSERT_A_QUIET();
	ASSERT_NODE(N1_PTR, N1_COOKIE, 0, 1);
}

/*
 * The same through a reply to a third process: C calls B, B's reply
 * carries a BINDER_TYPE_HANDLE of its weak h1: B reads
 * BR_TRANSACTION_COMPLETE, C's call ends with BR_FAILED_REPLY and C's
 * extended error is { BR_FAILED_REPLY, -EINVAL }; A hears nothing. A
 * BINDER_TYPE_WEAK_HANDLE reaches C as a weak handle of its own, which C
 * cannot call either.
 */
TEST_F(sref, a_strong_handle_object_from_a_weak_handle_in_a_reply_is_refused)
{
	struct p_req breq = { .op = P_RECV, .slot = NO_SLOT, .nobj = 1 };
	struct p_req creq = { .op = P_CALL, .handle = 0, .slot = 0 };
	__u32 h1, hc;

	ASSERT_EQ(0, a_give(self, BINDER_TYPE_WEAK_BINDER, N1_PTR, N1_COOKIE,
			    0));
	h1 = self->rep.obj[0].val;
	ASSERT_EQ(0, a_ack(self, BC_INCREFS_DONE, N1_PTR, N1_COOKIE));

	breq.obj[0] = mkobj(BINDER_TYPE_HANDLE, h1, 0);
	ASSERT_EQ(0, p_start(&self->c, &creq));
	ASSERT_EQ(0, p_do(&self->b, &breq, &self->rep));
	EXPECT_CMDS(self->rep.seen, self->rep.nseen, BR_TRANSACTION_COMPLETE);
	ASSERT_EQ(0, p_wait(&self->c, &self->crep));
	EXPECT_EQ(BR_FAILED_REPLY, self->crep.cmd)
		TH_LOG("C's call ended with %s", binder_br_name(self->crep.cmd));
	EXPECT_CMDS(self->crep.seen, self->crep.nseen,
		    BR_TRANSACTION_COMPLETE, BR_FAILED_REPLY);
	EXPECT_EQ(BR_FAILED_REPLY, self->crep.ee.command);
	EXPECT_EQ(-EINVAL, self->crep.ee.param);
	ASSERT_A_QUIET();
	ASSERT_NODE(N1_PTR, N1_COOKIE, 0, 1);

	breq.obj[0] = mkobj(BINDER_TYPE_WEAK_HANDLE, h1, 0);
	ASSERT_EQ(0, p_start(&self->c, &creq));
	ASSERT_EQ(0, p_do(&self->b, &breq, &self->rep));
	ASSERT_EQ(0, p_wait(&self->c, &self->crep));
	ASSERT_EQ(BR_REPLY, self->crep.cmd);
	ASSERT_EQ(1, self->crep.nobj);
	EXPECT_EQ(BINDER_TYPE_WEAK_HANDLE, self->crep.obj[0].type);
	hc = self->crep.obj[0].val;
	EXPECT_EQ(0, self->crep.obj[0].cookie);
	ASSERT_CALL_REFUSED(&self->c, hc, 0);
	ASSERT_NODE(N1_PTR, N1_COOKIE, 0, 1);
}

/*
 * BC_ACQUIRE on a weak handle when nobody holds the node strongly: the
 * reference logs it and ignores it (the handle is looked up with
 * need_strong_ref). The write succeeds, consumed whole, no extended error; the
 * handle stays weak; A hears no BR_ACQUIRE. A BC_RELEASE is ignored as
 * well, and freeing the buffer that brought the handle ends it.
 */
TEST_F(sref, acquire_on_a_weak_handle_nobody_holds_strongly_is_ignored)
{
	__u32 h;

	ASSERT_EQ(0, a_give(self, BINDER_TYPE_WEAK_BINDER, N1_PTR, N1_COOKIE,
			    0));
	h = self->rep.obj[0].val;
	ASSERT_EQ(0, a_ack(self, BC_INCREFS_DONE, N1_PTR, N1_COOKIE));

	ASSERT_P_CMD(&self->b, BC_ACQUIRE, h);
	ASSERT_A_QUIET();
	ASSERT_NODE(N1_PTR, N1_COOKIE, 0, 1);
	ASSERT_CALL_REFUSED(&self->b, h, 0);

	ASSERT_P_CMD(&self->b, BC_RELEASE, h);
	ASSERT_A_QUIET();
	ASSERT_N1_GONE(&self->b, 0);
}

/*
 * Issue #12 item 17, as the reference does it. B holds N1 strongly; C
 * gets a weak handle on it (a BINDER_TYPE_WEAK_HANDLE in B's reply).
 * C's BC_ACQUIRE on that handle is ignored all the same: the reference
 * looks a BC_ACQUIRE's handle up with need_strong_ref (only handle 0,
 * the manager's, is taken through binder_inc_ref_for_node), whoever
 * else holds the node. What makes C's handle strong is a strong handle
 * object from a strong holder: B's next reply carries a
 * BINDER_TYPE_HANDLE of h1, C gets the same handle number, now strong
 * (binder_inc_ref_for_node with no target list succeeds because B holds
 * N1 strongly), and A hears nothing (it holds N1 strongly already). C's
 * calls are delivered while it keeps that buffer, B letting go changes
 * nothing for A; C freeing it brings BR_RELEASE and its handle is weak
 * again; freeing the first buffer, BR_DECREFS.
 */
TEST_F(sref, a_weak_handle_becomes_strong_only_through_a_strong_holder)
{
	struct p_req breq = { .op = P_RECV, .slot = NO_SLOT, .nobj = 1 };
	struct p_req creq = { .op = P_CALL, .handle = 0, .slot = 0 };
	__u32 h1, hc;

	ASSERT_EQ(0, a_give(self, BINDER_TYPE_BINDER, N1_PTR, N1_COOKIE, 0));
	h1 = self->rep.obj[0].val;
	ASSERT_EQ(0, a_ack(self, BC_INCREFS_DONE, N1_PTR, N1_COOKIE));
	ASSERT_EQ(0, a_ack(self, BC_ACQUIRE_DONE, N1_PTR, N1_COOKIE));

	breq.obj[0] = mkobj(BINDER_TYPE_WEAK_HANDLE, h1, 0);
	ASSERT_EQ(0, p_start(&self->c, &creq));
	ASSERT_EQ(0, p_do(&self->b, &breq, &self->rep));
	ASSERT_EQ(0, p_wait(&self->c, &self->crep));
	ASSERT_EQ(BR_REPLY, self->crep.cmd);
	ASSERT_EQ(1, self->crep.nobj);
	ASSERT_EQ(BINDER_TYPE_WEAK_HANDLE, self->crep.obj[0].type);
	hc = self->crep.obj[0].val;
	ASSERT_CALL_REFUSED(&self->c, hc, 0);

	ASSERT_P_CMD(&self->c, BC_ACQUIRE, hc);
	ASSERT_A_QUIET();
	ASSERT_CALL_REFUSED(&self->c, hc, 0);

	/* B's strong handle object makes C's handle strong. */
	breq.obj[0] = mkobj(BINDER_TYPE_HANDLE, h1, 0);
	creq.slot = 1;
	ASSERT_EQ(0, p_start(&self->c, &creq));
	ASSERT_EQ(0, p_do(&self->b, &breq, &self->rep));
	ASSERT_EQ(0, p_wait(&self->c, &self->crep));
	ASSERT_EQ(BR_REPLY, self->crep.cmd);
	ASSERT_EQ(1, self->crep.nobj);
	EXPECT_EQ(BINDER_TYPE_HANDLE, self->crep.obj[0].type);
	EXPECT_EQ(hc, self->crep.obj[0].val);
	ASSERT_A_QUIET();
	ASSERT_NODE(N1_PTR, N1_COOKIE, 1, 1);
	ASSERT_CALL_DELIVERED(&self->c, hc, N1_PTR, N1_COOKIE);

	/* B lets go: C still holds N1 strongly. */
	ASSERT_P_FREE(&self->b, 0);
	ASSERT_A_QUIET();
	ASSERT_NODE(N1_PTR, N1_COOKIE, 1, 1);
	ASSERT_CALL_DELIVERED(&self->c, hc, N1_PTR, N1_COOKIE);

	ASSERT_N1_RELEASED(&self->c, 1);
	ASSERT_CALL_REFUSED(&self->c, hc, 0);

	ASSERT_N1_GONE(&self->c, 0);
}

/*
 * Issue #12 item 5, last part: a strong reference that appears where
 * there was none brings BR_ACQUIRE. A sends N1 weakly (BR_INCREFS), then
 * strongly: B's handle is the same one, now strong, and A reads
 * BR_ACQUIRE with its call's reply. B frees that buffer: BR_RELEASE. A
 * sends N1 strongly again: BR_ACQUIRE again. Each BR_ACQUIRE leaves A
 * with has_strong_ref until the matching BR_RELEASE.
 */
TEST_F(sref, a_strong_reference_from_zero_brings_acquire)
{
	__u32 h;
	int round;

	ASSERT_EQ(0, a_give(self, BINDER_TYPE_WEAK_BINDER, N1_PTR, N1_COOKIE,
			    0));
	h = self->rep.obj[0].val;
	ASSERT_EVENTS(EV(BR_INCREFS, N1_PTR, N1_COOKIE),
		      EV(BR_TRANSACTION_COMPLETE, 0, 0), EV(BR_REPLY, 0, 0));
	ASSERT_EQ(0, a_ack(self, BC_INCREFS_DONE, N1_PTR, N1_COOKIE));
	ASSERT_NODE(N1_PTR, N1_COOKIE, 0, 1);

	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, a_give(self, BINDER_TYPE_BINDER, N1_PTR,
				    N1_COOKIE, 1));
		EXPECT_EQ(BINDER_TYPE_HANDLE, self->rep.obj[0].type);
		EXPECT_EQ(h, self->rep.obj[0].val);
		ASSERT_EVENTS(EV(BR_ACQUIRE, N1_PTR, N1_COOKIE),
			      EV(BR_TRANSACTION_COMPLETE, 0, 0),
			      EV(BR_REPLY, 0, 0));
		ASSERT_NODE(N1_PTR, N1_COOKIE, 1, 1);
		ASSERT_EQ(0, a_ack(self, BC_ACQUIRE_DONE, N1_PTR, N1_COOKIE));
		ASSERT_A_QUIET();
		ASSERT_CALL_DELIVERED(&self->b, h, N1_PTR, N1_COOKIE);

		ASSERT_N1_RELEASED(&self->b, 1);
		ASSERT_CALL_REFUSED(&self->b, h, 0);
	}

	ASSERT_N1_GONE(&self->b, 0);
}

IPCKIT_TEST_MAIN
