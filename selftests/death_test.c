// SPDX-License-Identifier: GPL-2.0
/*
 * Death notification: BC_REQUEST_DEATH_NOTIFICATION, BR_DEAD_BINDER,
 * BC_DEAD_BINDER_DONE, BC_CLEAR_DEATH_NOTIFICATION and
 * BR_CLEAR_DEATH_NOTIFICATION_DONE around the death of an object's owner.
 *
 * This process (T) is the context manager and a registry: the owner O, a
 * forked puppet, registers its object with T (a call to handle 0 with a
 * BINDER_TYPE_BINDER; T keeps a strong handle on it), and each of three
 * recipients R0..R2, puppets too, fetches a handle on it from T (T
 * replies with the handle; the recipient takes BC_ACQUIRE before it
 * frees the reply, as libbinder does). Each puppet's only thread has
 * entered the looper. T tells the puppets what to do over a pipe and
 * asserts on what they report.
 *
 * What the reference (6.1) does, and these tests assert:
 *
 *  - When the owner dies, each handle with a notification gets exactly
 *    one BR_DEAD_BINDER with its own cookie (a read ends after one); a
 *    caller waiting on the owner gets BR_TRANSACTION_COMPLETE,
 *    BR_DEAD_REPLY. After BC_DEAD_BINDER_DONE nothing more comes.
 *  - A request on a node that is already dead is answered at once: the
 *    BR_DEAD_BINDER is there for the read of the very same ioctl.
 *  - BC_CLEAR_DEATH_NOTIFICATION while the owner lives:
 *    BR_CLEAR_DEATH_NOTIFICATION_DONE with the cookie at once (a looper
 *    gets it on its own thread), and no BR_DEAD_BINDER when the owner
 *    dies. A second request on the same handle, a clear with another
 *    cookie, a clear with none active and a request on a handle the
 *    process does not have are logged and ignored.
 *  - Clear after the death: after BR_DEAD_BINDER was read but before
 *    BC_DEAD_BINDER_DONE, the clear is answered by nothing until the
 *    BC_DEAD_BINDER_DONE, which brings BR_CLEAR_DEATH_NOTIFICATION_DONE;
 *    after BC_DEAD_BINDER_DONE, it brings BR_CLEAR_DEATH_NOTIFICATION_DONE
 *    at once; cleared while BR_DEAD_BINDER was still queued, the
 *    BR_DEAD_BINDER is read all the same and BC_DEAD_BINDER_DONE brings
 *    BR_CLEAR_DEATH_NOTIFICATION_DONE.
 *  - Recipients that die (before the owner, with a BR_DEAD_BINDER
 *    queued, or with one read but not acknowledged) are cleaned up; the
 *    others are served as usual.
 *  - The notification is work for the whole process: it goes to a
 *    thread waiting for process work. While the recipient's only looper
 *    waits in a call of its own it stays queued (the call's read brings
 *    BR_TRANSACTION_COMPLETE, BR_REPLY only) and that looper's next read
 *    brings it; an idle second looper gets it at once instead.
 *
 * The reference releases a dead process's nodes in a workqueue, after the
 * process is gone: tests that need the node dead before their next step
 * wait for a BR_DEAD_BINDER of a witness, a handle made before the ones
 * they look at (the reference notifies a node's handles newest first).
 */
#include <pthread.h>
#include <signal.h>

#include "ipckit_test.h"

#define NR		3	/* recipients */
#define MAX_EV		8
#define EVENT_MS	3000	/* bound on a wait for what must come */
#define QUIET_MS	200	/* watched to see that nothing comes */
#define PUPPET_MS	(BINDER_WAIT_MS + 2000)

#define CODE_REGISTER	0x52454749	/* "REGI" */
#define CODE_GET	0x47455420	/* "GET " */
#define CODE_PARK	0x5041524b	/* "PARK": never answered */
#define CODE_SLOW	0x534c4f57	/* "SLOW": answered when T wants */

#define O_PTR		0x0b1ec7000ULL
#define O_COOKIE	0xc00c1e0bULL
/* 64-bit cookies, so that all of them must come back. */
#define R_COOKIE(i)	(0xdead00000000ULL + 0x100 * (i) + 1)
#define T_COOKIE	0xdead0000f000ULL
#define MINE		0xffffffffu	/* the puppet's own handle */

/* --- puppets: the owner and the recipients --------------------------- */

enum {
	P_REGISTER = 1,	/* call T with our object */
	P_GET,		/* fetch a handle on the owner's object from T */
	P_WRITE,	/* one write of cmds */
	P_READ,		/* one read of at most arg ms */
	P_PARK,		/* read until a call comes, report, never answer */
	P_CALL_SLOW,	/* call T with CODE_SLOW, report what was read */
	P_SPAWN_LOOPER,	/* a second looper that reads once and reports */
	P_QUIT,
};

#define TAG_LOOPER	0x100	/* report of P_SPAWN_LOOPER's thread */

struct p_cmd {
	__u32 cmd;
	__u32 handle;
	__u64 cookie;
};

struct p_req {
	__u32 op;
	__u32 arg;
	__u32 n;
	__u32 pad;
	struct p_cmd cmd[4];
};

struct p_report {
	__s32 ret;
	__u32 tag;		/* the op answered, or TAG_LOOPER */
	__u32 handle;		/* P_GET */
	__u32 code;		/* P_PARK: the call's code */
	__u64 consumed;		/* P_WRITE: write_consumed */
	__u32 in_call;		/* TAG_LOOPER: the main thread was in a call */
	__s32 tid;		/* TAG_LOOPER: the looper's */
	__u32 nev;
	__u32 pad;
	struct binder_event ev[MAX_EV];
};

struct puppet {
	struct binder_dev dev;
	__u32 handle;
	int in_call;		/* atomic */
	int looper_reading;	/* atomic */
};

static void report_events(struct p_report *rep, const struct binder_read_result *rr)
{
	rep->nev = br_events(rr->buf, rr->consumed, rep->ev, MAX_EV);
}

static int p_register(struct puppet *p)
{
	struct flat_binder_object obj = {
		.hdr.type = BINDER_TYPE_BINDER,
		.binder = O_PTR,
		.cookie = O_COOKIE,
	};
	binder_size_t off = 0;
	struct binder_transaction_data tr;
	struct binder_result res;
	int ret;

	tr = binder_txn(0, CODE_REGISTER, 0, &obj, sizeof(obj));
	binder_txn_offsets(&tr, &off, 1);
	/* Answers BR_INCREFS/BR_ACQUIRE of our node as they come. */
	ret = binder_call_tr(&p->dev, &tr, BC_TRANSACTION, &res, BINDER_WAIT_MS);
	if (ret)
		return ret;
	if (res.cmd != BR_REPLY)
		return -EPROTO;
	return binder_free_buffer(&p->dev, res.tr.data.ptr.buffer);
}

static int p_get(struct puppet *p, struct p_report *rep)
{
	struct flat_binder_object obj;
	struct binder_result res;
	struct binder_cmds c;
	int ret;

	ret = binder_call(&p->dev, 0, CODE_GET, 0, NULL, 0, &res);
	if (ret)
		return ret;
	if (res.cmd != BR_REPLY)
		return -EPROTO;
	if (res.tr.data_size != sizeof(obj) ||
	    res.tr.offsets_size != sizeof(binder_size_t)) {
		binder_free_buffer(&p->dev, res.tr.data.ptr.buffer);
		return -EBADMSG;
	}
	memcpy(&obj, (void *)(uintptr_t)res.tr.data.ptr.buffer, sizeof(obj));
	if (obj.hdr.type != BINDER_TYPE_HANDLE) {
		binder_free_buffer(&p->dev, res.tr.data.ptr.buffer);
		return -EBADMSG;
	}
	p->handle = obj.handle;
	rep->handle = obj.handle;
	/* Our own reference first: the buffer's goes with the buffer. */
	bc_init(&c);
	bc_handle(&c, BC_ACQUIRE, obj.handle);
	bc_free_buffer(&c, res.tr.data.ptr.buffer);
	return bc_send(p->dev.fd, &c);
}

static int p_write(struct puppet *p, const struct p_req *req,
		   struct p_report *rep)
{
	struct binder_cmds c;
	size_t consumed = 0;
	__u32 i, h;
	int ret;

	bc_init(&c);
	for (i = 0; i < req->n && i < ARRAY_SIZE(req->cmd); i++) {
		const struct p_cmd *pc = &req->cmd[i];

		h = pc->handle == MINE ? p->handle : pc->handle;
		switch (pc->cmd) {
		case BC_REQUEST_DEATH_NOTIFICATION:
		case BC_CLEAR_DEATH_NOTIFICATION:
			bc_handle_cookie(&c, pc->cmd, h, pc->cookie);
			break;
		case BC_DEAD_BINDER_DONE:
			bc_dead_binder_done(&c, pc->cookie);
			break;
		default:
			bc_handle(&c, pc->cmd, h);
		}
	}
	ret = binder_write(p->dev.fd, c.buf, c.len, &consumed);
	rep->consumed = consumed;
	return ret;
}

static int p_read(struct puppet *p, int timeout_ms, struct p_report *rep)
{
	struct binder_read_result rr;
	int ret = binder_read_one(&p->dev, &rr, timeout_ms);

	if (!ret)
		report_events(rep, &rr);
	return ret;
}

/* Read until a call comes; report its code and never answer it. */
static int p_park(struct puppet *p, struct p_report *rep)
{
	struct binder_read_result rr;
	int ret = binder_read_call(&p->dev, &rr, 10000);

	if (!ret)
		rep->code = rr.tr.code;
	return ret;
}

/* Call T with CODE_SLOW: every command read but BR_NOOP is reported. */
static int p_call_slow(struct puppet *p, struct p_report *rep)
{
	struct binder_transaction_data tr = binder_txn(0, CODE_SLOW, 0, NULL, 0);
	struct binder_read_result rr;
	struct binder_cmds c;
	int reads, ret;

	bc_init(&c);
	bc_transaction(&c, BC_TRANSACTION, &tr);
	__atomic_store_n(&p->in_call, 1, __ATOMIC_SEQ_CST);
	ret = bc_send(p->dev.fd, &c);
	for (reads = 0; !ret && reads < 8; reads++) {
		ret = binder_read_one(&p->dev, &rr, 10000);
		if (ret)
			break;
		rep->nev += br_events(rr.buf, rr.consumed, rep->ev + rep->nev,
				      MAX_EV - rep->nev);
		if (rep->nev && rep->ev[rep->nev - 1].cmd == BR_REPLY) {
			ret = binder_free_buffer(&p->dev, rr.tr.data.ptr.buffer);
			break;
		}
		if (rep->nev == MAX_EV)
			ret = -E2BIG;
	}
	__atomic_store_n(&p->in_call, 0, __ATOMIC_SEQ_CST);
	return ret;
}

/* The second looper: enter, read once, report, leave. */
static void *looper_fn(void *arg)
{
	struct puppet *p = arg;
	struct p_report rep = { .tag = TAG_LOOPER };
	struct binder_read_result rr;

	rep.tid = binder_gettid();
	rep.ret = binder_cmd(p->dev.fd, BC_ENTER_LOOPER);
	__atomic_store_n(&p->looper_reading, 1, __ATOMIC_SEQ_CST);
	if (!rep.ret)
		rep.ret = binder_read_one(&p->dev, &rr, 8000);
	rep.in_call = __atomic_load_n(&p->in_call, __ATOMIC_SEQ_CST);
	if (!rep.ret)
		report_events(&rep, &rr);
	binder_thread_exit(p->dev.fd);
	binder_child_send(&rep, sizeof(rep));
	return NULL;
}

static int p_spawn_looper(struct puppet *p)
{
	pthread_t th;

	if (pthread_create(&th, NULL, looper_fn, p) || pthread_detach(th))
		return -EAGAIN;
	while (!__atomic_load_n(&p->looper_reading, __ATOMIC_SEQ_CST))
		binder_sleep_ms(1);
	binder_sleep_ms(50);	/* let it block in its read */
	return 0;
}

/* One request from T; false on P_QUIT. */
static bool puppet_handle(void *ctx, void *reqp, void *repp)
{
	struct puppet *p = ctx;
	struct p_req *req = reqp;
	struct p_report *rep = repp;

	rep->tag = req->op;
	switch (req->op) {
	case P_REGISTER:
		rep->ret = p_register(p);
		break;
	case P_GET:
		rep->ret = p_get(p, rep);
		break;
	case P_WRITE:
		rep->ret = p_write(p, req, rep);
		break;
	case P_READ:
		rep->ret = p_read(p, req->arg, rep);
		break;
	case P_PARK:
		rep->ret = p_park(p, rep);
		binder_child_send(rep, sizeof(*rep));
		for (;;)
			pause();	/* until killed */
	case P_CALL_SLOW:
		rep->ret = p_call_slow(p, rep);
		break;
	case P_SPAWN_LOOPER:
		rep->ret = p_spawn_looper(p);
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
	struct puppet p = { };
	struct p_report rep;
	struct p_req req;
	int ret;

	ret = binder_open_dev(&p.dev, ipckit_test_device, 0);
	if (!ret)
		ret = binder_cmd(p.dev.fd, BC_ENTER_LOOPER);
	return binder_puppet_run(ret, &req, sizeof(req), &rep, sizeof(rep),
				 puppet_handle, &p);
}

/* --- T: this process, the context manager ---------------------------- */

FIXTURE(death) {
	struct binder_dev dev;
	struct binder_child owner;
	struct binder_child r[NR];
	__u32 handle;			/* T's, on the owner's object */
	__u32 rh[NR];			/* the recipients' */
	struct p_report rep;
	struct binder_event ev[MAX_EV];
	size_t nev;
	char str[2][512];
};

/* Read until a BR_TRANSACTION comes; copy it. */
static int t_next_call(FIXTURE_DATA(death) *self,
		       struct binder_transaction_data *tr)
{
	struct binder_read_result rr;
	int ret = binder_read_call(&self->dev, &rr, BINDER_WAIT_MS);

	if (!ret)
		*tr = rr.tr;
	return ret;
}

/*
 * Write c and read in the same ioctl (at most timeout_ms): the commands
 * read but BR_NOOP in self->ev.
 */
static int t_write_read(FIXTURE_DATA(death) *self,
			const struct binder_cmds *c, int timeout_ms)
{
	__u32 rbuf[64] __attribute__((aligned(8)));
	struct binder_write_read bwr = {
		.write_size = c->len,
		.write_buffer = (uintptr_t)c->buf,
		.read_size = sizeof(rbuf),
		.read_buffer = (uintptr_t)rbuf,
	};
	int ret;

	self->nev = 0;
	if (c->overflow)
		return -E2BIG;
	ret = binder_write_read(self->dev.fd, &bwr, timeout_ms);
	if (ret)
		return ret;
	if (bwr.write_consumed != c->len)
		return -EPROTO;
	self->nev = br_events(rbuf, bwr.read_consumed, self->ev, MAX_EV);
	return 0;
}

/* Free req's buffer and reply with data (objects at offs): one ioctl. */
static int t_reply(FIXTURE_DATA(death) *self,
		   const struct binder_transaction_data *req,
		   const void *data, size_t size,
		   const binder_size_t *offs, size_t noffs)
{
	struct binder_transaction_data tr = binder_txn(0, 0, 0, data, size);
	struct binder_cmds c;
	int ret;

	binder_txn_offsets(&tr, offs, noffs);
	bc_init(&c);
	bc_free_buffer(&c, req->data.ptr.buffer);
	bc_transaction(&c, BC_REPLY, &tr);
	/* Our reply's BR_TRANSACTION_COMPLETE comes at once. */
	ret = t_write_read(self, &c, BINDER_WAIT_MS);
	if (ret)
		return ret;
	return self->nev == 1 && self->ev[0].cmd == BR_TRANSACTION_COMPLETE ?
	       0 : -EPROTO;
}

static int t_read(FIXTURE_DATA(death) *self, int timeout_ms)
{
	struct binder_read_result rr;
	int ret = binder_read_one(&self->dev, &rr, timeout_ms);

	self->nev = ret ? 0 : br_events(rr.buf, rr.consumed, self->ev, MAX_EV);
	return ret;
}

/* Have puppet c do req; its report lands in self->rep. */
static int p_do(FIXTURE_DATA(death) *self, struct binder_child *c,
		const struct p_req *req, int timeout_ms)
{
	int ret = binder_child_go(c, req, sizeof(*req));

	memset(&self->rep, 0, sizeof(self->rep));
	if (!ret)
		ret = binder_child_recv(c, &self->rep, sizeof(self->rep),
					timeout_ms);
	return ret;
}

/* Puppet c writes one command: the write's result. */
static int p_cmd(FIXTURE_DATA(death) *self, struct binder_child *c,
		 __u32 cmd, __u32 handle, __u64 cookie)
{
	struct p_req req = { .op = P_WRITE, .n = 1 };
	int ret;

	req.cmd[0].cmd = cmd;
	req.cmd[0].handle = handle;
	req.cmd[0].cookie = cookie;
	ret = p_do(self, c, &req, PUPPET_MS);
	return ret ? ret : self->rep.ret;
}

/* Puppet c reads once: the read's result, its events in self->rep. */
static int p_read_ms(FIXTURE_DATA(death) *self, struct binder_child *c,
		     int timeout_ms)
{
	struct p_req req = { .op = P_READ, .arg = timeout_ms };
	int ret = p_do(self, c, &req, timeout_ms + PUPPET_MS);

	return ret ? ret : self->rep.ret;
}

#define EV(c, k) { .cmd = (c), .cookie = (k) }

/* The events (of T: self->ev, of a puppet: self->rep.ev) must be these. */
#define ASSERT_T_EV(...) ASSERT_EVENTS(__VA_ARGS__)
#define ASSERT_P_EV(...) \
	ASSERT_EVENTS_IN(self->rep.ev, self->rep.nev, __VA_ARGS__)

/* Puppet c's next read brings exactly these. */
#define ASSERT_P_READS(c, ...) do {					\
	ASSERT_EQ(0, p_read_ms(self, c, EVENT_MS));			\
	ASSERT_P_EV(__VA_ARGS__);					\
} while (0)

/* Nothing comes to puppet c. */
#define ASSERT_P_QUIET(c)						\
	ASSERT_NO_EVENTS_IN(p_read_ms(self, c, QUIET_MS), self->rep.ev,	\
			    self->rep.nev)

/* T writes c and, in the same ioctl, reads exactly these. */
#define ASSERT_T_WRITE_READS(c, ...) do {				\
	ASSERT_EQ(0, t_write_read(self, c, EVENT_MS));			\
	ASSERT_T_EV(__VA_ARGS__);					\
} while (0)

/* T writes c and then nothing comes. */
#define ASSERT_T_WRITE_QUIET(c) ASSERT_NO_EVENTS(t_write_read(self, c, QUIET_MS))

static void t_cmds(struct binder_cmds *c, __u32 cmd, __u32 handle,
		   __u64 cookie)
{
	bc_init(c);
	if (cmd == BC_DEAD_BINDER_DONE)
		bc_dead_binder_done(c, cookie);
	else
		bc_handle_cookie(c, cmd, handle, cookie);
}

FIXTURE_SETUP(death)
{
	struct binder_transaction_data tr;
	struct flat_binder_object obj;
	struct p_req req = { };
	binder_size_t off = 0;
	struct binder_cmds c;
	int i;

	/* Every puppet first: a fork after our open would flush our reads. */
	ASSERT_EQ(0, binder_child_start(&self->owner, puppet_main, NULL));
	for (i = 0; i < NR; i++)
		ASSERT_EQ(0, binder_child_start(&self->r[i], puppet_main, NULL));
	ASSERT_EQ(0, binder_child_wait_ready(&self->owner, BINDER_WAIT_MS));
	for (i = 0; i < NR; i++)
		ASSERT_EQ(0, binder_child_wait_ready(&self->r[i], BINDER_WAIT_MS));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	ASSERT_EQ(0, binder_become_context_mgr(self->dev.fd, NULL, 2000));
	ASSERT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));

	/* The owner registers; T keeps a strong handle. */
	req.op = P_REGISTER;
	ASSERT_EQ(0, binder_child_go(&self->owner, &req, sizeof(req)));
	ASSERT_EQ(0, t_next_call(self, &tr));
	ASSERT_EQ(CODE_REGISTER, tr.code);
	ASSERT_EQ(sizeof(obj), tr.data_size);
	memcpy(&obj, (void *)(uintptr_t)tr.data.ptr.buffer, sizeof(obj));
	ASSERT_EQ(BINDER_TYPE_HANDLE, obj.hdr.type);
	self->handle = obj.handle;
	bc_init(&c);
	bc_handle(&c, BC_ACQUIRE, self->handle);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));
	ASSERT_EQ(0, t_reply(self, &tr, NULL, 0, NULL, 0));
	ASSERT_EQ(0, binder_child_recv(&self->owner, &self->rep,
				       sizeof(self->rep), PUPPET_MS));
	ASSERT_EQ(0, self->rep.ret);

	/* R0, R1, R2 fetch handles, in this order. */
	memset(&obj, 0, sizeof(obj));
	obj.hdr.type = BINDER_TYPE_HANDLE;
	obj.handle = self->handle;
	req.op = P_GET;
	for (i = 0; i < NR; i++) {
		ASSERT_EQ(0, binder_child_go(&self->r[i], &req, sizeof(req)));
		ASSERT_EQ(0, t_next_call(self, &tr));
		ASSERT_EQ(CODE_GET, tr.code);
		ASSERT_EQ(0, t_reply(self, &tr, &obj, sizeof(obj), &off, 1));
		ASSERT_EQ(0, binder_child_recv(&self->r[i], &self->rep,
					       sizeof(self->rep), PUPPET_MS));
		ASSERT_EQ(0, self->rep.ret);
		ASSERT_NE(0, self->rep.handle);
		self->rh[i] = self->rep.handle;
	}
}

FIXTURE_TEARDOWN(death)
{
	int i;

	binder_child_kill(&self->owner);
	for (i = 0; i < NR; i++)
		binder_child_kill(&self->r[i]);
	binder_close_dev(&self->dev);
}

/* SIGKILL the owner and reap it. */
static bool kill_owner(FIXTURE_DATA(death) *self)
{
	int status;

	if (kill(self->owner.pid, SIGKILL))
		return false;
	status = binder_child_finish(&self->owner, BINDER_WAIT_MS);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

struct killer {
	FIXTURE_DATA(death) *self;
	struct p_report rep;
	int ret;
};

/* Wait until the owner holds T's call, then kill it. */
static void *killer_fn(void *arg)
{
	struct killer *k = arg;

	k->ret = binder_child_recv(&k->self->owner, &k->rep, sizeof(k->rep),
				   BINDER_WAIT_MS);
	if (!k->ret)
		k->ret = kill(k->self->owner.pid, SIGKILL) ? -errno : 0;
	return NULL;
}

/*
 * The owner is killed while T's call waits on it: T gets
 * BR_TRANSACTION_COMPLETE, BR_DEAD_REPLY; R0, R1, R2 one BR_DEAD_BINDER
 * each, with its cookie, and nothing else, before or after
 * BC_DEAD_BINDER_DONE.
 */
TEST_F(death, owner_killed_during_call_notifies_each_recipient_once)
{
	struct killer k = { .self = self };
	struct p_req req = { .op = P_PARK };
	struct binder_result res;
	pthread_t th;
	int i, status;

	for (i = 0; i < NR; i++) {
		EXPECT_EQ(0, p_cmd(self, &self->r[i],
				   BC_REQUEST_DEATH_NOTIFICATION, MINE,
				   R_COOKIE(i)));
		EXPECT_EQ(sizeof(__u32) + sizeof(struct binder_handle_cookie),
			  self->rep.consumed);
	}
	ASSERT_EQ(0, binder_child_go(&self->owner, &req, sizeof(req)));
	ASSERT_EQ(0, pthread_create(&th, NULL, killer_fn, &k));
	EXPECT_EQ(0, binder_call(&self->dev, self->handle, CODE_PARK, 0,
				 NULL, 0, &res));
	pthread_join(th, NULL);
	ASSERT_EQ(0, k.ret);
	EXPECT_EQ(0, k.rep.ret);
	EXPECT_EQ(CODE_PARK, k.rep.code);
	EXPECT_CMDS(res.seen, res.nseen, BR_TRANSACTION_COMPLETE,
		    BR_DEAD_REPLY);
	status = binder_child_finish(&self->owner, BINDER_WAIT_MS);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	for (i = 0; i < NR; i++)
		ASSERT_P_READS(&self->r[i], EV(BR_DEAD_BINDER, R_COOKIE(i)));
	for (i = 0; i < NR; i++)
		ASSERT_P_QUIET(&self->r[i]);
	for (i = 0; i < NR; i++) {
		EXPECT_EQ(0, p_cmd(self, &self->r[i], BC_DEAD_BINDER_DONE, 0,
				   R_COOKIE(i)));
		EXPECT_EQ(sizeof(__u32) + sizeof(binder_uintptr_t),
			  self->rep.consumed);
		ASSERT_P_QUIET(&self->r[i]);
	}
}

/*
 * Once the node is dead (R0's notification came), a request is answered
 * at once: T's BC_REQUEST_DEATH_NOTIFICATION and the read of the same
 * ioctl bring BR_DEAD_BINDER; R1's first read after its request too.
 */
TEST_F(death, request_on_dead_node_fires_at_once)
{
	struct binder_cmds c;

	EXPECT_EQ(0, p_cmd(self, &self->r[0], BC_REQUEST_DEATH_NOTIFICATION,
			   MINE, R_COOKIE(0)));
	ASSERT_TRUE(kill_owner(self));
	ASSERT_P_READS(&self->r[0], EV(BR_DEAD_BINDER, R_COOKIE(0)));

	t_cmds(&c, BC_REQUEST_DEATH_NOTIFICATION, self->handle, T_COOKIE);
	ASSERT_T_WRITE_READS(&c, EV(BR_DEAD_BINDER, T_COOKIE));
	t_cmds(&c, BC_DEAD_BINDER_DONE, 0, T_COOKIE);
	ASSERT_T_WRITE_QUIET(&c);

	EXPECT_EQ(0, p_cmd(self, &self->r[1], BC_REQUEST_DEATH_NOTIFICATION,
			   MINE, R_COOKIE(1)));
	ASSERT_P_READS(&self->r[1], EV(BR_DEAD_BINDER, R_COOKIE(1)));
	EXPECT_EQ(0, p_cmd(self, &self->r[1], BC_DEAD_BINDER_DONE, 0,
			   R_COOKIE(1)));
	ASSERT_P_QUIET(&self->r[1]);
	/* A notification never requested never comes. */
	ASSERT_P_QUIET(&self->r[2]);
}

/*
 * Cleared while the owner lives: BR_CLEAR_DEATH_NOTIFICATION_DONE at
 * once, and nothing when the owner dies. R1's second request (another
 * cookie) is ignored, and so are its clear with that cookie and a clear
 * when none is active; R2's request and clear on a handle it does not
 * have are ignored too. T's own notification is the witness of the death.
 */
TEST_F(death, clear_before_death)
{
	struct p_req req = { .op = P_WRITE, .n = 2 };
	struct binder_cmds c;
	int i;

	req.cmd[0].cmd = BC_REQUEST_DEATH_NOTIFICATION;
	req.cmd[0].handle = MINE;
	req.cmd[0].cookie = R_COOKIE(0);
	req.cmd[1] = req.cmd[0];
	req.cmd[1].cmd = BC_CLEAR_DEATH_NOTIFICATION;
	ASSERT_EQ(0, p_do(self, &self->r[0], &req, PUPPET_MS));
	ASSERT_EQ(0, self->rep.ret);
	EXPECT_EQ(2 * (sizeof(__u32) + sizeof(struct binder_handle_cookie)),
		  self->rep.consumed);
	ASSERT_P_READS(&self->r[0],
		       EV(BR_CLEAR_DEATH_NOTIFICATION_DONE, R_COOKIE(0)));

	EXPECT_EQ(0, p_cmd(self, &self->r[1], BC_REQUEST_DEATH_NOTIFICATION,
			   MINE, R_COOKIE(1)));
	EXPECT_EQ(0, p_cmd(self, &self->r[1], BC_REQUEST_DEATH_NOTIFICATION,
			   MINE, R_COOKIE(1) + 0x80));
	EXPECT_EQ(0, p_cmd(self, &self->r[1], BC_CLEAR_DEATH_NOTIFICATION,
			   MINE, R_COOKIE(1) + 0x80));
	ASSERT_P_QUIET(&self->r[1]);
	EXPECT_EQ(0, p_cmd(self, &self->r[1], BC_CLEAR_DEATH_NOTIFICATION,
			   MINE, R_COOKIE(1)));
	ASSERT_P_READS(&self->r[1],
		       EV(BR_CLEAR_DEATH_NOTIFICATION_DONE, R_COOKIE(1)));
	EXPECT_EQ(0, p_cmd(self, &self->r[1], BC_CLEAR_DEATH_NOTIFICATION,
			   MINE, R_COOKIE(1)));
	ASSERT_P_QUIET(&self->r[1]);

	EXPECT_EQ(0, p_cmd(self, &self->r[2], BC_REQUEST_DEATH_NOTIFICATION,
			   self->rh[2] + 76, R_COOKIE(2)));
	EXPECT_EQ(sizeof(__u32) + sizeof(struct binder_handle_cookie),
		  self->rep.consumed);
	EXPECT_EQ(0, p_cmd(self, &self->r[2], BC_CLEAR_DEATH_NOTIFICATION,
			   self->rh[2] + 76, R_COOKIE(2)));
	ASSERT_P_QUIET(&self->r[2]);

	t_cmds(&c, BC_REQUEST_DEATH_NOTIFICATION, self->handle, T_COOKIE);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));
	ASSERT_TRUE(kill_owner(self));
	ASSERT_EQ(0, t_read(self, EVENT_MS));
	ASSERT_T_EV(EV(BR_DEAD_BINDER, T_COOKIE));
	for (i = 0; i < NR; i++)
		ASSERT_P_QUIET(&self->r[i]);
	t_cmds(&c, BC_DEAD_BINDER_DONE, 0, T_COOKIE);
	ASSERT_T_WRITE_QUIET(&c);
}

/*
 * Clear after the death (T, whose notification is the newest handle's
 * witness):
 *   - after BR_DEAD_BINDER, before BC_DEAD_BINDER_DONE: nothing, then
 *     BC_DEAD_BINDER_DONE brings BR_CLEAR_DEATH_NOTIFICATION_DONE;
 *   - a new request on the dead node fires at once; after its
 *     BC_DEAD_BINDER_DONE (which brings nothing) the clear brings
 *     BR_CLEAR_DEATH_NOTIFICATION_DONE at once; clearing again, or
 *     BC_DEAD_BINDER_DONE again, brings nothing;
 *   - R0 clears before it has read its queued BR_DEAD_BINDER: it reads
 *     BR_DEAD_BINDER all the same, nothing more, and its
 *     BC_DEAD_BINDER_DONE brings BR_CLEAR_DEATH_NOTIFICATION_DONE.
 */
TEST_F(death, clear_after_death)
{
	const __u64 cookie2 = T_COOKIE + 2;
	struct binder_cmds c;

	EXPECT_EQ(0, p_cmd(self, &self->r[0], BC_REQUEST_DEATH_NOTIFICATION,
			   MINE, R_COOKIE(0)));
	t_cmds(&c, BC_REQUEST_DEATH_NOTIFICATION, self->handle, T_COOKIE);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));
	ASSERT_TRUE(kill_owner(self));
	ASSERT_EQ(0, t_read(self, EVENT_MS));
	ASSERT_T_EV(EV(BR_DEAD_BINDER, T_COOKIE));

	t_cmds(&c, BC_CLEAR_DEATH_NOTIFICATION, self->handle, T_COOKIE);
	ASSERT_T_WRITE_QUIET(&c);
	t_cmds(&c, BC_DEAD_BINDER_DONE, 0, T_COOKIE);
	ASSERT_T_WRITE_READS(&c, EV(BR_CLEAR_DEATH_NOTIFICATION_DONE,
				    T_COOKIE));

	t_cmds(&c, BC_REQUEST_DEATH_NOTIFICATION, self->handle, cookie2);
	ASSERT_T_WRITE_READS(&c, EV(BR_DEAD_BINDER, cookie2));
	t_cmds(&c, BC_DEAD_BINDER_DONE, 0, cookie2);
	ASSERT_T_WRITE_QUIET(&c);
	t_cmds(&c, BC_CLEAR_DEATH_NOTIFICATION, self->handle, cookie2);
	ASSERT_T_WRITE_READS(&c, EV(BR_CLEAR_DEATH_NOTIFICATION_DONE,
				    cookie2));
	t_cmds(&c, BC_CLEAR_DEATH_NOTIFICATION, self->handle, cookie2);
	ASSERT_T_WRITE_QUIET(&c);
	t_cmds(&c, BC_DEAD_BINDER_DONE, 0, cookie2);
	ASSERT_T_WRITE_QUIET(&c);

	EXPECT_EQ(0, p_cmd(self, &self->r[0], BC_CLEAR_DEATH_NOTIFICATION,
			   MINE, R_COOKIE(0)));
	ASSERT_P_READS(&self->r[0], EV(BR_DEAD_BINDER, R_COOKIE(0)));
	ASSERT_P_QUIET(&self->r[0]);
	EXPECT_EQ(0, p_cmd(self, &self->r[0], BC_DEAD_BINDER_DONE, 0,
			   R_COOKIE(0)));
	ASSERT_P_READS(&self->r[0],
		       EV(BR_CLEAR_DEATH_NOTIFICATION_DONE, R_COOKIE(0)));
	ASSERT_P_QUIET(&self->r[0]);
}

/*
 * Recipients that die are cleaned up: R0 dies before the owner, R1
 * after it with its BR_DEAD_BINDER still queued, R2 after reading its
 * BR_DEAD_BINDER but before BC_DEAD_BINDER_DONE. T, the witness, is
 * notified as usual and its handle keeps working (a call on it is
 * BR_DEAD_REPLY, a clear is answered). The kernel log must stay clean
 * (the VM run checks it).
 */
TEST_F(death, dying_recipients_are_cleaned_up)
{
	struct binder_result res;
	struct binder_cmds c;
	int i, status;

	for (i = 0; i < NR; i++)
		EXPECT_EQ(0, p_cmd(self, &self->r[i],
				   BC_REQUEST_DEATH_NOTIFICATION, MINE,
				   R_COOKIE(i)));
	t_cmds(&c, BC_REQUEST_DEATH_NOTIFICATION, self->handle, T_COOKIE);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));

	kill(self->r[0].pid, SIGKILL);
	status = binder_child_finish(&self->r[0], BINDER_WAIT_MS);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	binder_sleep_ms(50);	/* the reference releases it in a workqueue */

	ASSERT_TRUE(kill_owner(self));
	ASSERT_EQ(0, t_read(self, EVENT_MS));
	ASSERT_T_EV(EV(BR_DEAD_BINDER, T_COOKIE));

	kill(self->r[1].pid, SIGKILL);
	status = binder_child_finish(&self->r[1], BINDER_WAIT_MS);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	ASSERT_P_READS(&self->r[2], EV(BR_DEAD_BINDER, R_COOKIE(2)));
	kill(self->r[2].pid, SIGKILL);
	status = binder_child_finish(&self->r[2], BINDER_WAIT_MS);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	binder_sleep_ms(50);

	t_cmds(&c, BC_DEAD_BINDER_DONE, 0, T_COOKIE);
	ASSERT_T_WRITE_QUIET(&c);
	ASSERT_EQ(0, binder_call(&self->dev, self->handle, CODE_SLOW, 0, NULL,
				 0, &res));
	EXPECT_CMDS(res.seen, res.nseen, BR_DEAD_REPLY);
	t_cmds(&c, BC_CLEAR_DEATH_NOTIFICATION, self->handle, T_COOKIE);
	ASSERT_T_WRITE_READS(&c, EV(BR_CLEAR_DEATH_NOTIFICATION_DONE,
				    T_COOKIE));
}

/*
 * R1's only looper waits in a call (to T, which holds it) when the owner
 * dies: R0, whose handle is older, is notified, so R1's notification is
 * queued by then; but the call's read brings BR_TRANSACTION_COMPLETE,
 * BR_REPLY only, and the BR_DEAD_BINDER comes with R1's next read.
 */
TEST_F(death, busy_only_looper_is_notified_after_its_call)
{
	struct p_req req = { .op = P_CALL_SLOW };
	struct binder_transaction_data tr;
	int i;

	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, p_cmd(self, &self->r[i],
				   BC_REQUEST_DEATH_NOTIFICATION, MINE,
				   R_COOKIE(i)));
	ASSERT_EQ(0, binder_child_go(&self->r[1], &req, sizeof(req)));
	ASSERT_EQ(0, t_next_call(self, &tr));
	ASSERT_EQ(CODE_SLOW, tr.code);

	ASSERT_TRUE(kill_owner(self));
	ASSERT_P_READS(&self->r[0], EV(BR_DEAD_BINDER, R_COOKIE(0)));

	ASSERT_EQ(0, t_reply(self, &tr, NULL, 0, NULL, 0));
	ASSERT_EQ(0, binder_child_recv(&self->r[1], &self->rep,
				       sizeof(self->rep), PUPPET_MS));
	ASSERT_EQ(0, self->rep.ret);
	ASSERT_P_EV(EV(BR_TRANSACTION_COMPLETE, 0), EV(BR_REPLY, 0));
	ASSERT_P_READS(&self->r[1], EV(BR_DEAD_BINDER, R_COOKIE(1)));
	EXPECT_EQ(0, p_cmd(self, &self->r[1], BC_DEAD_BINDER_DONE, 0,
			   R_COOKIE(1)));
	ASSERT_P_QUIET(&self->r[1]);
}

/*
 * The same, but R1 has a second, idle looper: that one gets the
 * BR_DEAD_BINDER at once, while R1's first looper still waits in its
 * call, whose read brings BR_TRANSACTION_COMPLETE, BR_REPLY only. The
 * BC_DEAD_BINDER_DONE may come from another thread of the process.
 */
TEST_F(death, idle_looper_is_notified_while_other_is_in_call)
{
	struct p_req req = { .op = P_SPAWN_LOOPER };
	struct binder_transaction_data tr;

	EXPECT_EQ(0, p_cmd(self, &self->r[1], BC_REQUEST_DEATH_NOTIFICATION,
			   MINE, R_COOKIE(1)));
	ASSERT_EQ(0, p_do(self, &self->r[1], &req, PUPPET_MS));
	ASSERT_EQ(0, self->rep.ret);
	req.op = P_CALL_SLOW;
	ASSERT_EQ(0, binder_child_go(&self->r[1], &req, sizeof(req)));
	ASSERT_EQ(0, t_next_call(self, &tr));
	ASSERT_EQ(CODE_SLOW, tr.code);

	ASSERT_TRUE(kill_owner(self));
	ASSERT_EQ(0, binder_child_recv(&self->r[1], &self->rep,
				       sizeof(self->rep), EVENT_MS));
	ASSERT_EQ(TAG_LOOPER, self->rep.tag);
	ASSERT_EQ(0, self->rep.ret);
	ASSERT_P_EV(EV(BR_DEAD_BINDER, R_COOKIE(1)));
	EXPECT_EQ(1, self->rep.in_call);
	EXPECT_NE(self->r[1].pid, self->rep.tid);

	ASSERT_EQ(0, t_reply(self, &tr, NULL, 0, NULL, 0));
	ASSERT_EQ(0, binder_child_recv(&self->r[1], &self->rep,
				       sizeof(self->rep), PUPPET_MS));
	ASSERT_EQ(P_CALL_SLOW, self->rep.tag);
	ASSERT_EQ(0, self->rep.ret);
	ASSERT_P_EV(EV(BR_TRANSACTION_COMPLETE, 0), EV(BR_REPLY, 0));
	EXPECT_EQ(0, p_cmd(self, &self->r[1], BC_DEAD_BINDER_DONE, 0,
			   R_COOKIE(1)));
	ASSERT_P_QUIET(&self->r[1]);
}

/*
 * Fault injection from inside a test (the debug lane's failslab; SKIP
 * where there is none): failslab fails exactly one kmalloc of this
 * process, and the first one BC_REQUEST_DEATH_NOTIFICATION makes is its
 * notification (before it even looks the handle up). The reference
 * consumes the command and returns 0 from the ioctl (it queues BR_ERROR
 * for the thread, which stops the rest of the write); ipckit used to fail
 * the whole ioctl with -ENOMEM and leave the command unconsumed, so a
 * client that resends what was not consumed would repeat it.
 */
#define FAILSLAB "/sys/kernel/debug/failslab/"

static const char *const failslab_knobs[] = {
	"probability", "interval", "times", "space", "verbose",
	"task-filter", "ignore-gfp-wait", "cache-filter",
};

static bool failslab_get(const char *knob, char *val, size_t size)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), FAILSLAB "%s", knob);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, val, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	val[n] = '\0';
	val[strcspn(val, "\n")] = '\0';
	return true;
}

static bool failslab_set(const char *knob, const char *val)
{
	char path[128];
	bool ok;
	int fd;

	snprintf(path, sizeof(path), FAILSLAB "%s", knob);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok;
}

TEST(death_request_that_cannot_be_allocated_is_consumed)
{
	char saved[ARRAY_SIZE(failslab_knobs)][32], times[32] = "", mif0[8] = "";
	struct binder_handle_cookie hc = { .handle = 12345, .cookie = 0xdead };
	struct {
		__u32 cmd;
		struct binder_handle_cookie hc;
	} __attribute__((packed)) w = { BC_REQUEST_DEATH_NOTIFICATION, hc };
	struct binder_write_read bwr = {
		.write_size = sizeof(w),
		.write_buffer = (uintptr_t)&w,
	};
	struct binder_version version;
	struct binder_dev dev;
	int mif, ret, wr_errno = 0;
	size_t i;

	if (access(FAILSLAB "times", W_OK))
		SKIP(return, "no failslab (" FAILSLAB ")");
	for (i = 0; i < ARRAY_SIZE(failslab_knobs); i++) {
		const char *knob = failslab_knobs[i];
		bool got = failslab_get(knob, saved[i], sizeof(saved[i]));

		ASSERT_TRUE(got) TH_LOG("%s", knob);
	}
	mif = open("/proc/self/make-it-fail", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, mif);
	ASSERT_LT(0, read(mif, mif0, sizeof(mif0) - 1));

	ASSERT_EQ(0, binder_open_dev(&dev, ipckit_test_device, 0));
	/* This thread is known to the driver before the failing ioctl. */
	ASSERT_EQ(0, binder_ioctl(dev.fd, BINDER_VERSION, &version));

	failslab_set("probability", "100");
	failslab_set("interval", "1");
	failslab_set("space", "0");
	failslab_set("verbose", "0");
	failslab_set("task-filter", "Y");
	failslab_set("ignore-gfp-wait", "N");
	failslab_set("cache-filter", "N");
	failslab_set("times", "1");
	ASSERT_EQ(1, pwrite(mif, "1", 1, 0));
	ret = ioctl(dev.fd, BINDER_WRITE_READ, &bwr);
	if (ret)
		wr_errno = errno;
	pwrite(mif, mif0[0] == '1' ? "1" : "0", 1, 0);
	failslab_get("times", times, sizeof(times));
	for (i = ARRAY_SIZE(failslab_knobs); i--; )
		failslab_set(failslab_knobs[i], saved[i]);
	close(mif);

	if (strcmp(times, "0")) {
		binder_close_dev(&dev);
		SKIP(return, "failslab injected nothing (times %s)", times);
	}
	EXPECT_EQ(0, ret) TH_LOG("BINDER_WRITE_READ: %s", strerror(wr_errno));
	EXPECT_EQ(sizeof(w), bwr.write_consumed);
	binder_close_dev(&dev);
}

IPCKIT_TEST_MAIN
