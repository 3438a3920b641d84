// SPDX-License-Identifier: GPL-2.0
/*
 * BINDER_FREEZE and BINDER_GET_FROZEN_INFO: freezing a process's binder
 * state, what callers of a frozen process get, and what the frozen
 * process is told it missed.
 *
 * In the main fixture S, a forked puppet, is the context manager (its
 * node is handle 0), C is a second puppet that calls S, and this process
 * (T) freezes, thaws, queries and calls. In the multi fixture T is the
 * context manager and the puppet M has the device open twice; each open
 * hands T a node of its own in a one-way call. The puppets are forked
 * before T opens the device and do what T tells them over a pipe, each
 * of them with one thread that has entered the looper.
 *
 * What the reference (6.1) does, and these tests assert:
 *
 *  - BINDER_FREEZE and BINDER_GET_FROZEN_INFO look the pid up among every
 *    open of the driver (of any of its devices): a pid that has none, be
 *    it a live process that never opened the device or one that has
 *    exited and been released, is -EINVAL for both. A process may be
 *    frozen and thawed (enable 0) whether frozen or not, itself included.
 *  - A sync call (BC_TRANSACTION) to a node of a frozen process is
 *    refused at once: the caller reads BR_FROZEN_REPLY alone (no
 *    BR_TRANSACTION_COMPLETE before it, the call is not queued) and
 *    BINDER_GET_EXTENDED_ERROR reports { BR_FROZEN_REPLY, param 0 }.
 *  - A one-way call to a frozen process is accepted (the sender reads
 *    BR_TRANSACTION_COMPLETE; on 6.3 and later BR_TRANSACTION_PENDING_FROZEN,
 *    which ipckit built for such a kernel sends too: the tests expect
 *    binder_frozen_oneway_br()) and queued; a frozen process that reads
 *    still gets it: freezing refuses sync calls, it does not hold work
 *    back (the cgroup freezer stops the process on Android).
 *  - GET_FROZEN_INFO: sync_recv bit 0 is set when a sync call was refused
 *    while frozen, async_recv when a one-way call arrived while frozen;
 *    both are cleared by every BINDER_FREEZE (enable 1 or 0), not by a
 *    failed one. sync_recv bit 1 (value 2) says that the process has a
 *    transaction in flight *now*, frozen or not: a queued or unanswered
 *    incoming one, or a thread waiting for a reply of its own. So a
 *    one-way call queued to a frozen process reads { 2, 1 }, and still
 *    { 2, 0 } after the thaw until it is read.
 *  - FREEZE with timeout_ms > 0 waits (up to the timeout) until no
 *    incoming transaction is outstanding: when the server replies within
 *    it, FREEZE returns 0 and the process is frozen. Otherwise, and at
 *    once with timeout_ms 0, a transaction in flight (served but not
 *    answered, or a call of the process's own waiting for its reply)
 *    makes it -EAGAIN and the process is not left frozen.
 *  - A one-way call with TF_UPDATE_TXN to a frozen process replaces the
 *    queued one from the same sender with the same code and flags that
 *    waits on the node behind the one in progress.
 *  - Replies are never refused for being frozen: a frozen process may
 *    make calls of its own and gets their replies.
 *  - All opens of the pid are frozen and thawed together; GET_FROZEN_INFO
 *    ORs them. The reference freezes the opens one after the other,
 *    newest first, and stops at the first that fails: when only the
 *    oldest open has a transaction in flight, FREEZE is -EAGAIN and that
 *    open is thawed again, but the newer one stays frozen.
 *  - A bad pointer is -EFAULT for both ioctls.
 */
#include <pthread.h>
#include <signal.h>

#include "ipckit_test.h"

#define MGR_MS		5000	/* becoming manager: the last one may linger */
#define EVENT_MS	5000	/* bound on a wait for what must come */
#define PUPPET_MS	(BINDER_WAIT_MS * 4 + 3000)
#define RELEASE_MS	5000	/* an exited process's opens are released */
#define PAYLOAD		64
#define CODE_CALL	0x43414c4c	/* "CALL" */
#define CODE_REGISTER	0x52454749	/* "REGI" */
#define M_PTR(i)	(0x6d000ULL + 0x1000 * (i))

/* --- puppets: S (manager), C (client), M (two opens) ----------------- */

enum {
	ROLE_SERVER = 1,	/* context manager */
	ROLE_CLIENT,
	ROLE_MULTI,		/* two opens of the device */
};

enum {
	P_SERVE = 1,	/* read until a call comes; answer it at once if arg */
	P_REPLY,	/* after arg ms, answer (or free) the call served */
	P_CALL,		/* call handle arg, flags, payload of seed */
	P_REGISTER,	/* one-way call to handle 0 with our node M_PTR(fdi) */
	P_QUIT,
};

#define MAX_OPENS	2

struct p_req {
	__u32 op;
	__u32 fdi;		/* which open of the puppet */
	__u32 arg;
	__u32 seed;
	__u32 flags;
};

struct p_report {
	__s32 ret;
	__u32 op;
	/* P_CALL: how it ended, and every BR_* read but BR_NOOP */
	__u32 cmd;
	__u32 nseen;
	__u32 seen[BINDER_MAX_SEEN];
	/* P_SERVE: the call; P_CALL: the reply (seed: its first word) */
	__u32 code;
	__u32 flags;
	__u32 data_size;
	__u32 seed;
	__u32 payload_ok;
	/* P_CALL: BINDER_GET_EXTENDED_ERROR right after */
	struct binder_extended_error ee;
};

struct puppet {
	int nopen;
	struct binder_dev dev[MAX_OPENS];
	struct binder_transaction_data tr[MAX_OPENS];	/* being served */
	bool serving[MAX_OPENS];
};

static __u32 first_word(const struct binder_transaction_data *tr)
{
	__u32 w = 0;

	if (tr->data_size >= sizeof(w))
		memcpy(&w, (const void *)(uintptr_t)tr->data.ptr.buffer,
		       sizeof(w));
	return w;
}

/* Answer (a one-way call: free) the call open fdi is serving. */
static int p_answer(struct puppet *p, __u32 fdi)
{
	__u32 seed = first_word(&p->tr[fdi]);
	int ret;

	if (!p->serving[fdi])
		return -ENOENT;
	p->serving[fdi] = false;
	ret = binder_reply(&p->dev[fdi], &p->tr[fdi], 0, &seed, sizeof(seed));
	return ret;
}

static int p_serve(struct puppet *p, const struct p_req *req,
		   struct p_report *rep)
{
	struct binder_dev *dev = &p->dev[req->fdi];
	long long deadline = binder_now_ms() + EVENT_MS;
	struct binder_transaction_data *tr = &p->tr[req->fdi];
	struct binder_read_result rr;
	struct binder_reader r;
	const void *payload;
	bool got = false;
	__u32 cmd;
	int ret;

	if (p->serving[req->fdi])
		return -EBUSY;
	while (!got) {
		long long left = deadline - binder_now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		ret = binder_read_one(dev, &rr, (int)left);
		if (ret)
			return ret;
		rep->nseen = 0;
		br_init(&r, rr.buf, rr.consumed);
		while (br_next(&r, &cmd, &payload)) {
			if (cmd != BR_NOOP && rep->nseen < BINDER_MAX_SEEN)
				rep->seen[rep->nseen++] = cmd;
			if (cmd == BR_INCREFS || cmd == BR_ACQUIRE) {
				ret = binder_ack_node(dev, cmd, payload);
				if (ret)
					return ret;
			} else if (cmd == BR_TRANSACTION) {
				memcpy(tr, payload, sizeof(*tr));
				got = true;
			}
		}
	}
	p->serving[req->fdi] = true;
	rep->code = tr->code;
	rep->flags = tr->flags;
	rep->data_size = tr->data_size;
	rep->seed = first_word(tr);
	rep->payload_ok =
		binder_check((const void *)(uintptr_t)tr->data.ptr.buffer,
			     tr->data_size);
	return req->arg ? p_answer(p, req->fdi) : 0;
}

static int p_call(struct puppet *p, const struct p_req *req,
		  struct p_report *rep)
{
	struct binder_dev *dev = &p->dev[req->fdi];
	unsigned char data[PAYLOAD];
	struct binder_transaction_data tr;
	struct binder_result res;
	int ret;

	binder_fill(data, sizeof(data), req->seed);
	tr = binder_txn(req->arg, CODE_CALL, req->flags, data, sizeof(data));
	ret = binder_call_tr(dev, &tr, BC_TRANSACTION, &res, BINDER_WAIT_MS);
	if (ret)
		return ret;
	rep->cmd = res.cmd;
	rep->nseen = res.nseen;
	memcpy(rep->seen, res.seen, sizeof(rep->seen));
	ret = binder_get_extended_error(dev->fd, &rep->ee);
	if (res.cmd == BR_REPLY) {
		rep->data_size = res.tr.data_size;
		rep->seed = first_word(&res.tr);
		if (!ret)
			ret = binder_free_buffer(dev, res.tr.data.ptr.buffer);
	}
	return ret;
}

/* One-way call to handle 0 (T, the manager) with our node M_PTR(fdi). */
static int p_register(struct puppet *p, const struct p_req *req,
		      struct p_report *rep)
{
	struct flat_binder_object obj = {
		.hdr.type = BINDER_TYPE_BINDER,
		.binder = M_PTR(req->fdi),
		.cookie = M_PTR(req->fdi) + 1,
	};
	binder_size_t off = 0;
	struct binder_transaction_data tr;
	struct binder_result res;
	int ret;

	tr = binder_txn(0, CODE_REGISTER, TF_ONE_WAY, &obj, sizeof(obj));
	binder_txn_offsets(&tr, &off, 1);
	ret = binder_call_tr(&p->dev[req->fdi], &tr, BC_TRANSACTION, &res,
			     BINDER_WAIT_MS);
	rep->cmd = res.cmd;
	return ret;
}

/* One request from T; false on P_QUIT. */
static bool puppet_handle(void *ctx, void *reqp, void *repp)
{
	struct puppet *p = ctx;
	struct p_req *req = reqp;
	struct p_report *rep = repp;
	int i;

	rep->op = req->op;
	if (req->fdi >= (__u32)p->nopen) {
		rep->ret = -EINVAL;
		return true;
	}
	switch (req->op) {
	case P_SERVE:
		rep->ret = p_serve(p, req, rep);
		break;
	case P_REPLY:
		binder_sleep_ms(req->arg);
		rep->ret = p_answer(p, req->fdi);
		break;
	case P_CALL:
		rep->ret = p_call(p, req, rep);
		break;
	case P_REGISTER:
		rep->ret = p_register(p, req, rep);
		break;
	case P_QUIT:
		for (i = 0; i < p->nopen; i++)
			binder_close_dev(&p->dev[i]);
		return false;
	default:
		rep->ret = -EINVAL;
	}
	return true;
}

static int puppet_main(void *arg)
{
	int role = (int)(intptr_t)arg;
	int nopen = role == ROLE_MULTI ? 2 : 1;
	struct puppet p = { .nopen = nopen };
	struct p_report rep;
	struct p_req req;
	int i, ret = 0;

	for (i = 0; i < nopen && !ret; i++) {
		ret = binder_open_dev(&p.dev[i], ipckit_test_device, 0);
		if (!ret)
			ret = binder_cmd(p.dev[i].fd, BC_ENTER_LOOPER);
	}
	if (!ret && role == ROLE_SERVER)
		ret = binder_become_context_mgr(p.dev[0].fd, NULL, MGR_MS);
	return binder_puppet_run(ret, &req, sizeof(req), &rep, sizeof(rep),
				 puppet_handle, &p);
}

/* --- T: this process ------------------------------------------------- */

static int puppet_start(struct binder_child *c, int role)
{
	int ret = binder_child_start(c, puppet_main, (void *)(intptr_t)role);

	if (ret)
		return ret;
	ret = binder_child_wait_ready(c, MGR_MS + 5000);
	if (ret)
		binder_child_kill(c);
	return ret;
}

/* Hand puppet c a request; its report comes with p_wait(). */
static int p_start(struct binder_child *c, __u32 op, __u32 fdi, __u32 arg,
		   __u32 seed, __u32 flags)
{
	struct p_req req = {
		.op = op, .fdi = fdi, .arg = arg, .seed = seed, .flags = flags,
	};

	return binder_child_go(c, &req, sizeof(req));
}

static int p_wait(struct binder_child *c, struct p_report *rep)
{
	int ret;

	memset(rep, 0, sizeof(*rep));
	ret = binder_child_recv(c, rep, sizeof(*rep), PUPPET_MS);
	return ret ? ret : rep->ret;
}

static int p_do(struct binder_child *c, struct p_report *rep, __u32 op,
		__u32 fdi, __u32 arg, __u32 seed, __u32 flags)
{
	int ret = p_start(c, op, fdi, arg, seed, flags);

	return ret ? ret : p_wait(c, rep);
}

static int freeze(int fd, pid_t pid, __u32 enable, __u32 timeout_ms)
{
	struct binder_freeze_info info = {
		.pid = (__u32)pid,
		.enable = enable,
		.timeout_ms = timeout_ms,
	};

	return binder_ioctl(fd, BINDER_FREEZE, &info);
}

static int frozen_info(int fd, pid_t pid,
		       struct binder_frozen_status_info *info)
{
	/* Garbage in the out fields: the driver must write both. */
	info->pid = (__u32)pid;
	info->sync_recv = 0xdeadbeef;
	info->async_recv = 0xdeadbeef;
	return binder_ioctl(fd, BINDER_GET_FROZEN_INFO, info);
}

/* GET_FROZEN_INFO of pid succeeds and reports exactly these. */
#define EXPECT_FROZEN_INFO(fd, pid, sync, async) do {			\
	struct binder_frozen_status_info __fi;				\
	ASSERT_EQ(0, frozen_info(fd, pid, &__fi));			\
	EXPECT_EQ((__u32)(sync), __fi.sync_recv);			\
	EXPECT_EQ((__u32)(async), __fi.async_recv);			\
} while (0)

/* A call from T: how it ended, the reply's seed checked and freed. */
static int t_call(struct binder_dev *dev, __u32 handle, __u32 flags,
		  __u32 seed, struct binder_result *res)
{
	unsigned char data[PAYLOAD];
	struct binder_transaction_data tr;
	int ret;

	binder_fill(data, sizeof(data), seed);
	tr = binder_txn(handle, CODE_CALL, flags, data, sizeof(data));
	ret = binder_call_tr(dev, &tr, BC_TRANSACTION, res, BINDER_WAIT_MS);
	if (ret || res->cmd != BR_REPLY)
		return ret;
	if (first_word(&res->tr) != seed || res->tr.data_size != sizeof(seed))
		ret = -EBADMSG;
	binder_free_buffer(dev, res->tr.data.ptr.buffer);
	return ret;
}

FIXTURE(freeze) {
	struct binder_dev dev;
	struct binder_child s;		/* context manager */
	struct binder_child c;		/* a client of S */
	struct p_report rep;
	struct binder_result res;
};

FIXTURE_SETUP(freeze)
{
	/* Forked first, so that none of them inherits our open. */
	ASSERT_EQ(0, puppet_start(&self->s, ROLE_SERVER));
	ASSERT_EQ(0, puppet_start(&self->c, ROLE_CLIENT));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
}

FIXTURE_TEARDOWN(freeze)
{
	binder_child_kill(&self->c);
	binder_child_kill(&self->s);
	binder_close_dev(&self->dev);
}

/* T calls S (sync) while S serves: must end with S's echo. */
#define EXPECT_S_SERVES_T(_seed) do {					\
	ASSERT_EQ(0, p_start(&self->s, P_SERVE, 0, 1, 0, 0));		\
	EXPECT_EQ(0, t_call(&self->dev, 0, 0, _seed, &self->res));	\
	EXPECT_CMDS(self->res.seen, self->res.nseen,			\
		    BR_TRANSACTION_COMPLETE, BR_REPLY);			\
	ASSERT_EQ(0, p_wait(&self->s, &self->rep));			\
	EXPECT_EQ((__u32)(_seed), self->rep.seed);			\
} while (0)

/* C calls S with seed; S reads the call and holds it, unanswered. */
static void c_calls_s_and_s_holds(struct __test_metadata *_metadata,
				  FIXTURE_DATA(freeze) *self, __u32 seed)
{
	ASSERT_EQ(0, p_start(&self->c, P_CALL, 0, 0, seed, 0));
	ASSERT_EQ(0, p_do(&self->s, &self->rep, P_SERVE, 0, 0, 0, 0));
	ASSERT_EQ(CODE_CALL, self->rep.code);
	ASSERT_EQ(seed, self->rep.seed);
	ASSERT_EQ(0, self->rep.flags & TF_ONE_WAY);
}

/* S answers the call it holds; C's call ends with S's echo of seed. */
static void s_answers_c(struct __test_metadata *_metadata,
			FIXTURE_DATA(freeze) *self, __u32 seed)
{
	struct p_report crep;

	ASSERT_EQ(0, p_do(&self->s, &self->rep, P_REPLY, 0, 0, 0, 0));
	ASSERT_EQ(0, p_wait(&self->c, &crep));
	EXPECT_EQ(BR_REPLY, crep.cmd);
	EXPECT_CMDS(crep.seen, crep.nseen, BR_TRANSACTION_COMPLETE, BR_REPLY);
	EXPECT_EQ(seed, crep.seed);
}

TEST_F(freeze, a_process_with_the_device_open_freezes_and_thaws)
{
	/* Idle, nothing received: nothing to report. */
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 0, 0);
	EXPECT_EQ(0, freeze(self->dev.fd, self->s.pid, 1, 0));
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 0, 0);
	/* Again, and with a timeout: nothing in flight, 0 at once. */
	EXPECT_EQ(0, freeze(self->dev.fd, self->s.pid, 1, 1000));
	EXPECT_EQ(0, freeze(self->dev.fd, self->s.pid, 0, 0));
	EXPECT_EQ(0, freeze(self->dev.fd, self->s.pid, 0, 0));
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 0, 0);
	EXPECT_S_SERVES_T(1);

	/* A process may freeze itself. */
	EXPECT_EQ(0, freeze(self->dev.fd, getpid(), 1, 0));
	EXPECT_FROZEN_INFO(self->dev.fd, getpid(), 0, 0);
	EXPECT_EQ(0, freeze(self->dev.fd, getpid(), 0, 0));
}

static int idle_child(void *arg)
{
	char go;

	binder_child_ready(0);
	return binder_child_wait_go(&go, sizeof(go), 60000) ? 1 : 0;
}

TEST_F(freeze, a_pid_without_the_device_open_is_einval)
{
	struct binder_frozen_status_info fi;
	struct binder_child other;
	long long deadline;
	pid_t gone;
	int ret;

	/* A live process that never opened the device. */
	ASSERT_EQ(0, binder_child_start(&other, idle_child, NULL));
	ASSERT_EQ(0, binder_child_wait_ready(&other, EVENT_MS));
	EXPECT_EQ(-EINVAL, freeze(self->dev.fd, other.pid, 1, 0));
	EXPECT_EQ(-EINVAL, freeze(self->dev.fd, other.pid, 1, 100));
	EXPECT_EQ(-EINVAL, freeze(self->dev.fd, other.pid, 0, 0));
	EXPECT_EQ(-EINVAL, frozen_info(self->dev.fd, other.pid, &fi));
	binder_child_kill(&other);

	/*
	 * C had it open and exits. The reference drops its open from a
	 * workqueue after the release: give that a while, then it must
	 * be unknown to both ioctls.
	 */
	gone = self->c.pid;
	ASSERT_EQ(0, p_start(&self->c, P_QUIT, 0, 0, 0, 0));
	EXPECT_CHILD_OK(binder_child_finish(&self->c, EVENT_MS));
	deadline = binder_now_ms() + RELEASE_MS;
	do {
		ret = frozen_info(self->dev.fd, gone, &fi);
		if (ret != -EINVAL)
			binder_sleep_ms(20);
	} while (ret != -EINVAL && binder_now_ms() < deadline);
	EXPECT_EQ(-EINVAL, ret);
	EXPECT_EQ(-EINVAL, freeze(self->dev.fd, gone, 1, 0));
	EXPECT_EQ(-EINVAL, freeze(self->dev.fd, gone, 0, 0));
}

TEST_F(freeze, a_sync_call_to_a_frozen_process_gets_frozen_reply)
{
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1, 0));
	ASSERT_EQ(0, t_call(&self->dev, 0, 0, 2, &self->res));
	EXPECT_EQ(BR_FROZEN_REPLY, self->res.cmd);
	/* Refused at once: no BR_TRANSACTION_COMPLETE before it. */
	EXPECT_CMDS(self->res.seen, self->res.nseen, BR_FROZEN_REPLY);
	EXPECT_EQ(1, self->res.reads);
	EXPECT_EXT_ERROR(self->dev.fd, BR_FROZEN_REPLY, 0);
	/* Bit 0: a sync call came while frozen; nothing was queued. */
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 1, 0);
	/* A second one changes nothing. */
	ASSERT_EQ(0, t_call(&self->dev, 0, 0, 3, &self->res));
	EXPECT_EQ(BR_FROZEN_REPLY, self->res.cmd);
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 1, 0);

	/* The thaw clears it; the refused calls never reach S. */
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0, 0));
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 0, 0);
	EXPECT_S_SERVES_T(4);
	EXPECT_EXT_ERROR(self->dev.fd, BR_OK, 0);

	/* Freezing again also starts from a clean slate. */
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1, 0));
	ASSERT_EQ(0, t_call(&self->dev, 0, 0, 5, &self->res));
	EXPECT_EQ(BR_FROZEN_REPLY, self->res.cmd);
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 1, 0);
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1, 0));
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 0, 0);
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0, 0));
}

TEST_F(freeze, oneway_calls_to_a_frozen_process_wait_for_the_thaw)
{
	__u32 seed;

	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1, 0));
	for (seed = 10; seed < 12; seed++) {
		ASSERT_EQ(0, t_call(&self->dev, 0, TF_ONE_WAY, seed,
				    &self->res));
		EXPECT_CMDS(self->res.seen, self->res.nseen,
			    binder_frozen_oneway_br(BR_TRANSACTION_COMPLETE));
	}
	EXPECT_EXT_ERROR(self->dev.fd, BR_OK, 0);
	/* async_recv, and bit 1 of sync_recv: they are still queued. */
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 2, 1);

	/* Thawed: the flags are cleared, the calls are still queued. */
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0, 0));
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 2, 0);
	for (seed = 10; seed < 12; seed++) {
		ASSERT_EQ(0, p_do(&self->s, &self->rep, P_SERVE, 0, 1, 0, 0));
		EXPECT_EQ(CODE_CALL, self->rep.code);
		EXPECT_EQ(TF_ONE_WAY, self->rep.flags & TF_ONE_WAY);
		EXPECT_EQ(PAYLOAD, self->rep.data_size);
		EXPECT_EQ(seed, self->rep.seed);
		EXPECT_TRUE(self->rep.payload_ok);
	}
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 0, 0);
	EXPECT_S_SERVES_T(12);
}

/*
 * TF_UPDATE_TXN: while S is frozen, a one-way call with the flag replaces
 * the same sender's call with the same code and flags still waiting on
 * the node (behind the one in progress), so S reads 40 and 42, not 41.
 */
TEST_F(freeze, an_update_txn_replaces_the_outdated_queued_oneway_call)
{
	__u32 seed;

	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1, 0));
	ASSERT_EQ(0, t_call(&self->dev, 0, TF_ONE_WAY, 40, &self->res));
	for (seed = 41; seed < 43; seed++) {
		ASSERT_EQ(0, t_call(&self->dev, 0, TF_ONE_WAY | TF_UPDATE_TXN,
				    seed, &self->res));
		EXPECT_CMDS(self->res.seen, self->res.nseen,
			    binder_frozen_oneway_br(BR_TRANSACTION_COMPLETE));
	}
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0, 0));
	ASSERT_EQ(0, p_do(&self->s, &self->rep, P_SERVE, 0, 1, 0, 0));
	EXPECT_EQ(40, self->rep.seed);
	ASSERT_EQ(0, p_do(&self->s, &self->rep, P_SERVE, 0, 1, 0, 0));
	EXPECT_EQ(42, self->rep.seed);
	EXPECT_EQ(TF_ONE_WAY | TF_UPDATE_TXN,
		  self->rep.flags & (TF_ONE_WAY | TF_UPDATE_TXN));
	/* 41 is gone, not merely behind: nothing is left in flight. */
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 0, 0);
	EXPECT_S_SERVES_T(43);
}

TEST_F(freeze, a_frozen_process_that_reads_still_gets_oneway_calls)
{
	/* S waits in a read: that is nothing in flight. */
	ASSERT_EQ(0, p_start(&self->s, P_SERVE, 0, 1, 0, 0));
	binder_sleep_ms(100);	/* most likely in its read by now */
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1, 1000));
	ASSERT_EQ(0, t_call(&self->dev, 0, TF_ONE_WAY, 20, &self->res));
	EXPECT_CMDS(self->res.seen, self->res.nseen,
		    binder_frozen_oneway_br(BR_TRANSACTION_COMPLETE));
	/* Delivered while frozen (T has not thawed S yet). */
	ASSERT_EQ(0, p_wait(&self->s, &self->rep));
	EXPECT_EQ(20, self->rep.seed);
	EXPECT_EQ(TF_ONE_WAY, self->rep.flags & TF_ONE_WAY);
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 0, 1);
	/* Still frozen for sync calls. */
	ASSERT_EQ(0, t_call(&self->dev, 0, 0, 21, &self->res));
	EXPECT_EQ(BR_FROZEN_REPLY, self->res.cmd);
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 1, 1);
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0, 0));
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 0, 0);
}

/* S holds C's call; what T's FREEZE with timeout_ms makes of it. */
static void freeze_while_s_holds_a_call(struct __test_metadata *_metadata,
					FIXTURE_DATA(freeze) *self,
					__u32 timeout_ms)
{
	long long t0;
	int ret;

	c_calls_s_and_s_holds(_metadata, self, 30);
	/* In flight on both ends: bit 1 for the server and the caller. */
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 2, 0);
	EXPECT_FROZEN_INFO(self->dev.fd, self->c.pid, 2, 0);

	t0 = binder_now_ms();
	ret = freeze(self->dev.fd, self->s.pid, 1, timeout_ms);
	TH_LOG("FREEZE with timeout %u ms: %d after %lld ms", timeout_ms,
	       ret, binder_now_ms() - t0);
	EXPECT_EQ(-EAGAIN, ret);
	/* A failed freeze leaves the flags as they were. */
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 2, 0);

	/* Not left frozen: S answers C, then serves T. */
	s_answers_c(_metadata, self, 30);
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 0, 0);
	EXPECT_FROZEN_INFO(self->dev.fd, self->c.pid, 0, 0);
	EXPECT_S_SERVES_T(31);

	/* Nothing in flight now: the freeze works. */
	EXPECT_EQ(0, freeze(self->dev.fd, self->s.pid, 1, timeout_ms));
	EXPECT_EQ(0, freeze(self->dev.fd, self->s.pid, 0, 0));
}

TEST_F(freeze, freeze_with_a_timeout_is_eagain_while_a_call_is_served)
{
	freeze_while_s_holds_a_call(_metadata, self, 500);
}

TEST_F(freeze, freeze_without_a_timeout_is_eagain_while_a_call_is_served)
{
	freeze_while_s_holds_a_call(_metadata, self, 0);
}

TEST_F(freeze, freeze_with_a_timeout_waits_for_the_reply)
{
	long long t0;
	int ret;

	c_calls_s_and_s_holds(_metadata, self, 40);
	/* S answers in 300 ms; FREEZE may wait 5 s for it. */
	ASSERT_EQ(0, p_start(&self->s, P_REPLY, 0, 300, 0, 0));
	t0 = binder_now_ms();
	ret = freeze(self->dev.fd, self->s.pid, 1, 5000);
	TH_LOG("FREEZE returned %d after %lld ms", ret, binder_now_ms() - t0);
	EXPECT_EQ(0, ret);
	ASSERT_EQ(0, p_wait(&self->s, &self->rep));
	/* The reply went out to C, which is not frozen. */
	ASSERT_EQ(0, p_wait(&self->c, &self->rep));
	EXPECT_EQ(BR_REPLY, self->rep.cmd);
	EXPECT_EQ(40, self->rep.seed);
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 0, 0);

	/* And S is frozen. */
	ASSERT_EQ(0, t_call(&self->dev, 0, 0, 41, &self->res));
	EXPECT_EQ(BR_FROZEN_REPLY, self->res.cmd);
	EXPECT_FROZEN_INFO(self->dev.fd, self->s.pid, 1, 0);
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0, 0));
	EXPECT_S_SERVES_T(42);
}

TEST_F(freeze, a_caller_waiting_for_its_reply_cannot_be_frozen)
{
	c_calls_s_and_s_holds(_metadata, self, 50);
	/* C's own call is in flight: -EAGAIN, with or without timeout. */
	EXPECT_EQ(-EAGAIN, freeze(self->dev.fd, self->c.pid, 1, 500));
	EXPECT_EQ(-EAGAIN, freeze(self->dev.fd, self->c.pid, 1, 0));
	EXPECT_FROZEN_INFO(self->dev.fd, self->c.pid, 2, 0);
	/* The reply goes through as always. */
	s_answers_c(_metadata, self, 50);
	EXPECT_FROZEN_INFO(self->dev.fd, self->c.pid, 0, 0);
	EXPECT_EQ(0, freeze(self->dev.fd, self->c.pid, 1, 0));
	EXPECT_EQ(0, freeze(self->dev.fd, self->c.pid, 0, 0));
}

TEST_F(freeze, a_frozen_process_may_call_and_gets_its_reply)
{
	ASSERT_EQ(0, freeze(self->dev.fd, self->c.pid, 1, 0));
	/* S serves and answers at once; C, frozen, calls S. */
	ASSERT_EQ(0, p_start(&self->s, P_SERVE, 0, 1, 0, 0));
	ASSERT_EQ(0, p_do(&self->c, &self->rep, P_CALL, 0, 0, 60, 0));
	EXPECT_EQ(BR_REPLY, self->rep.cmd);
	EXPECT_CMDS(self->rep.seen, self->rep.nseen,
		    BR_TRANSACTION_COMPLETE, BR_REPLY);
	EXPECT_EQ(60, self->rep.seed);
	EXPECT_EQ(BR_OK, self->rep.ee.command);
	EXPECT_EQ(0, self->rep.ee.param);
	ASSERT_EQ(0, p_wait(&self->s, &self->rep));
	EXPECT_EQ(60, self->rep.seed);
	/* A reply is not a call received while frozen. */
	EXPECT_FROZEN_INFO(self->dev.fd, self->c.pid, 0, 0);
	/* One-way calls of a frozen process go out as usual. */
	ASSERT_EQ(0, p_do(&self->c, &self->rep, P_CALL, 0, 0, 61, TF_ONE_WAY));
	EXPECT_EQ(BR_TRANSACTION_COMPLETE, self->rep.cmd);
	ASSERT_EQ(0, p_do(&self->s, &self->rep, P_SERVE, 0, 1, 0, 0));
	EXPECT_EQ(61, self->rep.seed);
	EXPECT_EQ(0, freeze(self->dev.fd, self->c.pid, 0, 0));
}

/*
 * Each ioctl with a pointer to nothing: -EFAULT, from a process with the
 * device open and no puppets.
 */
TEST(bad_pointer_is_efault)
{
	int fd = ipckit_test_open();

	ASSERT_LE(0, fd);
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, BINDER_FREEZE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, BINDER_GET_FROZEN_INFO, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

/* --- several opens of one process ------------------------------------ */

FIXTURE(multi) {
	struct binder_dev dev;		/* T: the context manager */
	struct binder_child m;
	__u32 h[MAX_OPENS];		/* T's handles on M's two nodes */
	struct p_report rep;
	struct binder_result res;
};

/* T reads M's one-way CODE_REGISTER; keeps a handle on its node. */
static int t_take_registration(FIXTURE_DATA(multi) *self, __u32 *handle)
{
	struct flat_binder_object obj;
	struct binder_read_result rr;
	struct binder_cmds c;
	int ret = binder_read_call(&self->dev, &rr, EVENT_MS);

	if (ret)
		return ret;
	if (rr.tr.code != CODE_REGISTER || rr.tr.data_size != sizeof(obj)) {
		binder_free_buffer(&self->dev, rr.tr.data.ptr.buffer);
		return -EBADMSG;
	}
	memcpy(&obj, (void *)(uintptr_t)rr.tr.data.ptr.buffer, sizeof(obj));
	if (obj.hdr.type != BINDER_TYPE_HANDLE) {
		binder_free_buffer(&self->dev, rr.tr.data.ptr.buffer);
		return -EBADMSG;
	}
	*handle = obj.handle;
	/* Our own reference first: the buffer's goes with the buffer. */
	bc_init(&c);
	bc_handle(&c, BC_ACQUIRE, obj.handle);
	bc_free_buffer(&c, rr.tr.data.ptr.buffer);
	return bc_send(self->dev.fd, &c);
}

FIXTURE_SETUP(multi)
{
	__u32 i;

	ASSERT_EQ(0, puppet_start(&self->m, ROLE_MULTI));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	ASSERT_EQ(0, binder_become_context_mgr(self->dev.fd, NULL, MGR_MS));
	for (i = 0; i < MAX_OPENS; i++) {
		ASSERT_EQ(0, p_do(&self->m, &self->rep, P_REGISTER, i, 0, 0,
				  0));
		ASSERT_EQ(BR_TRANSACTION_COMPLETE, self->rep.cmd);
		ASSERT_EQ(0, t_take_registration(self, &self->h[i]));
	}
	ASSERT_NE(self->h[0], self->h[1]);
}

FIXTURE_TEARDOWN(multi)
{
	binder_child_kill(&self->m);
	binder_close_dev(&self->dev);
}

/* T calls M's open i (sync) while it serves: must end with its echo. */
#define EXPECT_M_SERVES_T(_i, _seed) do {				\
	ASSERT_EQ(0, p_start(&self->m, P_SERVE, _i, 1, 0, 0));		\
	EXPECT_EQ(0, t_call(&self->dev, self->h[_i], 0, _seed, &self->res)); \
	EXPECT_CMDS(self->res.seen, self->res.nseen,			\
		    BR_TRANSACTION_COMPLETE, BR_REPLY);			\
	ASSERT_EQ(0, p_wait(&self->m, &self->rep));			\
	EXPECT_EQ((__u32)(_seed), self->rep.seed);			\
} while (0)

/* T's call to M's open i is refused with BR_FROZEN_REPLY. */
#define EXPECT_M_FROZEN(_i, _seed) do {					\
	ASSERT_EQ(0, t_call(&self->dev, self->h[_i], 0, _seed, &self->res)); \
	EXPECT_CMDS(self->res.seen, self->res.nseen, BR_FROZEN_REPLY);	\
	EXPECT_EXT_ERROR(self->dev.fd, BR_FROZEN_REPLY, 0);		\
} while (0)

TEST_F(multi, every_open_of_the_process_freezes_and_thaws)
{
	EXPECT_M_SERVES_T(0, 1);
	EXPECT_M_SERVES_T(1, 2);
	EXPECT_FROZEN_INFO(self->dev.fd, self->m.pid, 0, 0);

	ASSERT_EQ(0, freeze(self->dev.fd, self->m.pid, 1, 1000));
	EXPECT_M_FROZEN(0, 3);
	EXPECT_M_FROZEN(1, 4);
	EXPECT_FROZEN_INFO(self->dev.fd, self->m.pid, 1, 0);
	/* One-way to the second open only: the info ORs both. */
	ASSERT_EQ(0, t_call(&self->dev, self->h[1], TF_ONE_WAY, 5, &self->res));
	EXPECT_CMDS(self->res.seen, self->res.nseen,
		    binder_frozen_oneway_br(BR_TRANSACTION_COMPLETE));
	EXPECT_FROZEN_INFO(self->dev.fd, self->m.pid, 3, 1);

	ASSERT_EQ(0, freeze(self->dev.fd, self->m.pid, 0, 0));
	EXPECT_FROZEN_INFO(self->dev.fd, self->m.pid, 2, 0);
	ASSERT_EQ(0, p_do(&self->m, &self->rep, P_SERVE, 1, 1, 0, 0));
	EXPECT_EQ(5, self->rep.seed);
	EXPECT_FROZEN_INFO(self->dev.fd, self->m.pid, 0, 0);
	EXPECT_M_SERVES_T(0, 6);
	EXPECT_M_SERVES_T(1, 7);
}

struct t_call_arg {
	struct binder_dev *dev;
	__u32 handle, seed;
	int ret;
	struct binder_result res;
};

static void *t_call_thread(void *p)
{
	struct t_call_arg *a = p;

	a->ret = t_call(a->dev, a->handle, 0, a->seed, &a->res);
	return NULL;
}

TEST_F(multi, an_open_with_a_call_in_flight_fails_the_freeze_of_the_others)
{
	struct t_call_arg a = {
		.dev = &self->dev, .handle = self->h[0], .seed = 10,
	};
	pthread_t th;

	/* A thread of T calls M's first (oldest) open, which holds it. */
	ASSERT_EQ(0, pthread_create(&th, NULL, t_call_thread, &a));
	ASSERT_EQ(0, p_do(&self->m, &self->rep, P_SERVE, 0, 0, 0, 0));
	EXPECT_EQ(10, self->rep.seed);

	/*
	 * The reference freezes M's opens newest first: the second is
	 * frozen, the first has the call in flight, is thawed again and
	 * fails the ioctl. The second stays frozen.
	 */
	EXPECT_EQ(-EAGAIN, freeze(self->dev.fd, self->m.pid, 1, 0));
	EXPECT_M_FROZEN(1, 11);
	EXPECT_FROZEN_INFO(self->dev.fd, self->m.pid, 3, 0);

	/* The first open answers and then serves as usual. */
	ASSERT_EQ(0, p_do(&self->m, &self->rep, P_REPLY, 0, 0, 0, 0));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(0, a.ret);
	EXPECT_EQ(BR_REPLY, a.res.cmd);
	EXPECT_M_SERVES_T(0, 12);

	ASSERT_EQ(0, freeze(self->dev.fd, self->m.pid, 0, 0));
	EXPECT_FROZEN_INFO(self->dev.fd, self->m.pid, 0, 0);
	EXPECT_M_SERVES_T(1, 13);
}

IPCKIT_TEST_MAIN
