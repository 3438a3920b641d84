// SPDX-License-Identifier: GPL-2.0
/*
 * Priority: the nice value a thread runs a call at.
 *
 * S, a forked puppet, is the context manager; it records the nice value
 * of its serving thread (getpriority(PRIO_PROCESS, tid)) when it has read
 * a call, and right after its BC_REPLY. This process (T) calls S at a
 * nice value of its own.
 *
 * What the reference (6.1) does, and these tests assert:
 *
 *  - A node's minimum priority is its creator's flags &
 *    FLAT_BINDER_FLAG_PRIORITY_MASK, used as a nice value: the flags of
 *    BINDER_SET_CONTEXT_MGR_EXT for the manager's node (0 without _EXT).
 *  - A thread taking a sync call saves its nice value, then runs at
 *    min(caller's nice, node's minimum) (binder_thread_read): a caller
 *    of higher priority than the minimum lends it its own, one of lower
 *    priority gets the minimum. Its BC_REPLY restores the saved value
 *    (binder_transaction, reply).
 *  - A one-way call does not carry the caller's priority: the thread
 *    runs at min(its own nice, node's minimum), and nothing restores it
 *    after the call.
 *  - A thread that waits for process work (a looper with nothing of its
 *    own to do) first takes the process's default priority: the nice
 *    value of the thread that opened the device (binder_open).
 *  - binder_set_nice(): a value the thread may not take (can_nice():
 *    RLIMIT_NICE, CAP_SYS_NICE) is replaced by the lowest one RLIMIT_NICE
 *    allows; with RLIMIT_NICE 0 nothing allows a change at all.
 *
 * The tests run as root in the VM, so negative values are allowed; one
 * test runs S as uid 65534 with RLIMIT_NICE 22 (nice down to -2).
 */
#include <sys/resource.h>

#include "ipckit_test.h"

#define MGR_MS		5000	/* becoming manager: the last one may linger */
#define PUPPET_MS	(BINDER_WAIT_MS * 4 + 3000)
#define IDLE_MS		300
#define CODE_CALL	0x43414c4c	/* "CALL" */
#define OTHER_UID	65534

/* --- S: the context manager ------------------------------------------ */

struct s_opts {
	int default_nice;	/* S's nice when it opens the device */
	bool use_ext;		/* BINDER_SET_CONTEXT_MGR_EXT with flags */
	__u32 flags;
	bool drop;		/* then become OTHER_UID with rlimit_nice */
	rlim_t rlimit_nice;
};

enum {
	S_SERVE = 1,	/* take the next call; reply (or free) */
	S_IDLE,		/* set our nice to arg, then a read that times out */
	S_QUIT,
};

struct s_req {
	__u32 op;
	__s32 arg;
};

struct s_rep {
	__s32 ret;
	__u32 code;
	__u32 flags;
	__s32 nice_in;		/* S_SERVE: when the call was read */
	__s32 nice_after;	/* S_SERVE: after the reply; S_IDLE: after */
};

static int my_nice(void)
{
	errno = 0;
	return getpriority(PRIO_PROCESS, binder_gettid());
}

static int set_my_nice(int nice)
{
	return setpriority(PRIO_PROCESS, binder_gettid(), nice) ? -errno : 0;
}

static int s_serve(struct binder_dev *dev, struct s_rep *rep)
{
	struct binder_read_result rr;
	int ret = binder_read_call(dev, &rr, BINDER_WAIT_MS);

	if (ret)
		return ret;
	rep->nice_in = my_nice();
	rep->code = rr.tr.code;
	rep->flags = rr.tr.flags;
	ret = binder_reply(dev, &rr.tr, 0, NULL, 0);
	if (ret)
		return ret;
	rep->nice_after = my_nice();
	if (rr.tr.flags & TF_ONE_WAY)
		return 0;
	/* Our BR_TRANSACTION_COMPLETE (own work: no process-work nice). */
	return binder_read_one(dev, &rr, BINDER_WAIT_MS);
}

static int s_idle(struct binder_dev *dev, int nice, struct s_rep *rep)
{
	struct binder_read_result rr;
	int ret = set_my_nice(nice);

	if (ret)
		return ret;
	ret = binder_read_one(dev, &rr, IDLE_MS);
	rep->nice_after = my_nice();
	return ret == -ETIMEDOUT ? 0 : -EPROTO;
}

static bool s_handle(void *ctx, void *reqp, void *repp)
{
	struct binder_dev *dev = ctx;
	struct s_req *req = reqp;
	struct s_rep *rep = repp;

	switch (req->op) {
	case S_SERVE:
		rep->ret = s_serve(dev, rep);
		break;
	case S_IDLE:
		rep->ret = s_idle(dev, req->arg, rep);
		break;
	case S_QUIT:
		return false;
	default:
		rep->ret = -EINVAL;
	}
	return true;
}

static int s_main(void *arg)
{
	const struct s_opts *o = arg;
	struct flat_binder_object fbo = { .flags = o->flags };
	struct rlimit rl = { o->rlimit_nice, o->rlimit_nice };
	struct binder_dev dev;
	struct s_rep rep;
	struct s_req req;
	int ret;

	ret = set_my_nice(o->default_nice);
	if (!ret)
		ret = binder_open_manager(&dev, ipckit_test_device,
					  o->use_ext ? &fbo : NULL, MGR_MS);
	/* The manager's euid is root's (the first one was): drop after. */
	if (!ret && o->drop && setrlimit(RLIMIT_NICE, &rl))
		ret = -errno;
	if (!ret && o->drop &&
	    setresuid(OTHER_UID, OTHER_UID, OTHER_UID))
		ret = -errno;
	return binder_puppet_run(ret, &req, sizeof(req), &rep, sizeof(rep),
				 s_handle, &dev);
}

/* --- T: this process --------------------------------------------------- */

FIXTURE(prio) {
	struct binder_dev dev;
	struct binder_child s;
	struct s_rep rep;
};

FIXTURE_SETUP(prio)
{
	self->s.pid = 0;
	self->dev.fd = 0;
}

FIXTURE_TEARDOWN(prio)
{
	binder_child_kill(&self->s);
	binder_close_dev(&self->dev);
	set_my_nice(0);
}

/* Start S with o (before T opens the device), then open. */
static void s_start(struct __test_metadata *_metadata,
		    FIXTURE_DATA(prio) *self, const struct s_opts *o)
{
	ASSERT_EQ(0, binder_child_start(&self->s, s_main, (void *)o));
	ASSERT_EQ(0, binder_child_wait_ready(&self->s, MGR_MS + 5000));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
}

static int s_do(FIXTURE_DATA(prio) *self, __u32 op, int arg)
{
	struct s_req req = { .op = op, .arg = arg };
	int ret = binder_child_go(&self->s, &req, sizeof(req));

	memset(&self->rep, 0, sizeof(self->rep));
	if (!ret)
		ret = binder_child_recv(&self->s, &self->rep,
					sizeof(self->rep), PUPPET_MS);
	return ret ? ret : self->rep.ret;
}

/*
 * T calls S at nice (flags: sync or one-way); S's record in self->rep.
 * T's own nice is unchanged by the call.
 */
static void t_call(struct __test_metadata *_metadata,
		   FIXTURE_DATA(prio) *self, int nice, __u32 flags)
{
	struct s_req req = { .op = S_SERVE };
	struct binder_result res;

	ASSERT_EQ(0, set_my_nice(nice));
	ASSERT_EQ(0, binder_child_go(&self->s, &req, sizeof(req)));
	ASSERT_EQ(0, binder_call(&self->dev, 0, CODE_CALL, flags, NULL, 0,
				 &res));
	if (flags & TF_ONE_WAY) {
		ASSERT_EQ(BR_TRANSACTION_COMPLETE, res.cmd);
	} else {
		ASSERT_EQ(BR_REPLY, res.cmd);
		ASSERT_EQ(0, binder_free_buffer(&self->dev,
						res.tr.data.ptr.buffer));
	}
	memset(&self->rep, 0, sizeof(self->rep));
	ASSERT_EQ(0, binder_child_recv(&self->s, &self->rep,
				       sizeof(self->rep), PUPPET_MS));
	ASSERT_EQ(0, self->rep.ret);
	ASSERT_EQ(CODE_CALL, self->rep.code);
	EXPECT_EQ(nice, my_nice());
}

/* A sync call at caller_nice runs at want and is restored to restored. */
#define EXPECT_SYNC(caller_nice, want, restored) do {			\
	t_call(_metadata, self, caller_nice, 0);			\
	EXPECT_EQ(want, self->rep.nice_in)				\
		TH_LOG("caller at nice %d", caller_nice);		\
	EXPECT_EQ(restored, self->rep.nice_after)			\
		TH_LOG("caller at nice %d", caller_nice);		\
} while (0)

/*
 * Node minimum 0 (no _EXT), S at nice 0: a caller at nice -5 lends S
 * its priority; callers at 0 and 10 get the minimum, 0. The reply
 * restores 0 each time.
 */
TEST_F(prio, a_sync_call_runs_at_the_higher_of_caller_and_node_minimum)
{
	static const struct s_opts o = { .default_nice = 0 };

	s_start(_metadata, self, &o);
	EXPECT_SYNC(-5, -5, 0);
	EXPECT_SYNC(0, 0, 0);
	EXPECT_SYNC(10, 0, 0);
	EXPECT_SYNC(-12, -12, 0);
}

/*
 * Node minimum 5 (BINDER_SET_CONTEXT_MGR_EXT flags): callers at 10 and
 * 19 are served at 5, at 3 and -5 at their own value.
 */
TEST_F(prio, the_node_minimum_bounds_the_inherited_priority)
{
	static const struct s_opts o = { .use_ext = true, .flags = 5 };

	s_start(_metadata, self, &o);
	EXPECT_SYNC(10, 5, 0);
	EXPECT_SYNC(19, 5, 0);
	EXPECT_SYNC(3, 3, 0);
	EXPECT_SYNC(-5, -5, 0);
}

/* Node minimum 19: every caller's nice is inherited, even 10. */
TEST_F(prio, a_node_minimum_of_19_inherits_any_caller_nice)
{
	static const struct s_opts o = {
		.use_ext = true,
		.flags = 19 | FLAT_BINDER_FLAG_ACCEPTS_FDS,
	};

	s_start(_metadata, self, &o);
	EXPECT_SYNC(10, 10, 0);
	EXPECT_SYNC(19, 19, 0);
	EXPECT_SYNC(-3, -3, 0);
}

/*
 * S opened the device at nice 10: that is the process's default, which
 * its looper takes whenever it waits for process work, so the saved
 * value its reply restores is 10 too. Node minimum 0: a caller at 15 is
 * served at 0, one at -5 at -5.
 */
TEST_F(prio, the_reply_restores_the_value_saved_at_the_call)
{
	static const struct s_opts o = { .default_nice = 10 };

	s_start(_metadata, self, &o);
	EXPECT_SYNC(15, 0, 10);
	EXPECT_SYNC(-5, -5, 10);
}

/*
 * A looper waiting for process work takes the default priority (the
 * opener's nice), whatever it set for itself: 10 after it set 0, and
 * for a process that opened at 0, 0 after it set 7.
 */
TEST_F(prio, a_looper_waiting_for_process_work_takes_the_default_priority)
{
	static const struct s_opts o = { .default_nice = 10 };

	s_start(_metadata, self, &o);
	ASSERT_EQ(0, s_do(self, S_IDLE, 0));
	EXPECT_EQ(10, self->rep.nice_after);
	ASSERT_EQ(0, s_do(self, S_IDLE, -4));
	EXPECT_EQ(10, self->rep.nice_after);
}

TEST_F(prio, a_looper_of_a_process_opened_at_nice_0_goes_back_to_0)
{
	static const struct s_opts o = { .default_nice = 0 };

	s_start(_metadata, self, &o);
	ASSERT_EQ(0, s_do(self, S_IDLE, 7));
	EXPECT_EQ(0, self->rep.nice_after);
}

/*
 * One-way calls carry no priority: S (default 10) with node minimum 5
 * runs a one-way call from a caller at -10 at 5 (min of its own 10 and
 * the minimum), and nothing restores it: still 5 after the call. Its
 * next wait for process work brings back 10.
 */
TEST_F(prio, a_oneway_call_runs_at_the_node_minimum_not_the_callers)
{
	static const struct s_opts o = {
		.default_nice = 10, .use_ext = true, .flags = 5,
	};

	s_start(_metadata, self, &o);
	t_call(_metadata, self, -10, TF_ONE_WAY);
	EXPECT_EQ(5, self->rep.nice_in);
	EXPECT_EQ(5, self->rep.nice_after);
	ASSERT_EQ(0, s_do(self, S_IDLE, 5));
	EXPECT_EQ(10, self->rep.nice_after);
	/* A sync call after it: from the default again, restored to 10. */
	EXPECT_SYNC(10, 5, 10);
}

/* A node minimum above the thread's nice leaves a one-way call alone. */
TEST_F(prio, a_oneway_call_never_lowers_the_priority)
{
	static const struct s_opts o = {
		.default_nice = 10, .use_ext = true, .flags = 15,
	};

	s_start(_metadata, self, &o);
	t_call(_metadata, self, -10, TF_ONE_WAY);
	EXPECT_EQ(10, self->rep.nice_in);
	EXPECT_EQ(10, self->rep.nice_after);
}

/*
 * S runs as uid 65534 without CAP_SYS_NICE, with RLIMIT_NICE 22: it may
 * go down to nice -2. A caller at -5 gets it served at -2, the most
 * RLIMIT_NICE allows; the reply restores 0. A caller at -1 is within
 * reach: -1.
 */
TEST_F(prio, an_unprivileged_server_is_capped_by_rlimit_nice)
{
	static const struct s_opts o = {
		.default_nice = 0, .drop = true, .rlimit_nice = 22,
	};

	s_start(_metadata, self, &o);
	EXPECT_SYNC(-5, -2, 0);
	EXPECT_SYNC(-1, -1, 0);
	EXPECT_SYNC(5, 0, 0);
}

/*
 * With RLIMIT_NICE 0 an unprivileged thread may not change its nice
 * through binder at all (can_nice() is false for every value, and the
 * fallback, nice 20, is out of range): a caller at -5 finds S at 0.
 */
TEST_F(prio, an_unprivileged_server_with_rlimit_nice_0_keeps_its_nice)
{
	static const struct s_opts o = {
		.default_nice = 0, .drop = true, .rlimit_nice = 0,
	};

	s_start(_metadata, self, &o);
	EXPECT_SYNC(-5, 0, 0);
}

IPCKIT_TEST_MAIN
