// SPDX-License-Identifier: GPL-2.0
/*
 * One-way spam detection: BINDER_ENABLE_ONEWAY_SPAM_DETECTION and
 * BR_ONEWAY_SPAM_SUSPECT.
 *
 * R, a forked puppet, is the context manager and reads nothing until
 * told to (then it reads and frees one-way calls in order); F is a second
 * sender, a puppet too; this process (T) is the sender under test. All of
 * them map the usual 1 MiB - 2 pages.
 *
 * What the reference (6.1, binder_alloc.c) does, and these tests assert
 * (6.12: one difference, at COUNT_SUSPECT below):
 *
 *  - A receiver has half of its mapping for one-way buffers (async
 *    space). Each one-way buffer takes its data and offsets, each
 *    rounded up to 8 (at least 8), from it; freeing it gives that back.
 *  - Every one-way allocation that leaves less than a tenth of the
 *    mapping free (free async space < buffer_size / 10) looks at the
 *    sender's (pid's) one-way buffers in the receiver: more than 50 of
 *    them, or more than a quarter of the mapping (buffer_size / 4) in
 *    all, make it suspect. The receiver raises that once: a per-receiver
 *    flag, re-armed only by a one-way allocation that leaves free async
 *    space at or above the tenth.
 *  - The suspect sender's BR_TRANSACTION_COMPLETE for that very call is
 *    BR_ONEWAY_SPAM_SUSPECT instead, if the sender enabled detection on
 *    its own fd; otherwise it is BR_TRANSACTION_COMPLETE all the same, and
 *    the flag is spent just as well. The receiver's setting plays no part.
 *  - With one sender alone the tenth is always the trigger: less than a
 *    tenth free means more than 2/5 of the mapping used, more than the
 *    quarter. The 50-buffer rule shows with another sender's buffers
 *    taking part of the space; a sender under both limits is not suspect
 *    however low the space, the one over them is at its next call.
 *
 * With buffer_size = 1040384: async space 520192, the tenth 104038, the
 * quarter 260096. Each index below is checked against these at compile
 * time.
 */
#include "ipckit_test.h"

#define MGR_MS		5000
#define EVENT_MS	5000
#define PUPPET_MS	60000
#define CODE_SPAM	0x5350414d	/* "SPAM" */

#define BUF_SIZE	((long)BINDER_MAP_SIZE)
#define ASYNC_SPACE	(BUF_SIZE / 2)		/* 520192 */
#define LOW_ASYNC	(BUF_SIZE / 10)		/* 104038 */
#define BIG_SENDER	(BUF_SIZE / 4)		/* 260096 */

/* The free async space after n buffers of size from empty is low. */
#define LOW_AFTER(used)	(ASYNC_SPACE - (long)(used) < LOW_ASYNC)

/*
 * Big payloads from T alone: 31 fit (31 * 16384 = 507904). After the
 * 25th 110592 is free, after the 26th 94208 < 104038, with 26 * 16384 =
 * 425984 > 260096 of T's: the 26th is suspect.
 */
#define BIG		16384
#define BIG_FIT		31
#define BIG_SUSPECT	26
_Static_assert(BIG_FIT * BIG <= ASYNC_SPACE &&
	       (BIG_FIT + 1) * BIG > ASYNC_SPACE, "BIG_FIT");
_Static_assert(!LOW_AFTER((BIG_SUSPECT - 1) * BIG) &&
	       LOW_AFTER(BIG_SUSPECT * BIG) &&
	       BIG_SUSPECT * BIG > BIG_SENDER, "BIG_SUSPECT");

/*
 * Re-arming: from BIG_FIT buffers (12288 free), freeing 6 leaves 110592
 * free, the next call 94208 (< the tenth: not re-armed, not suspect:
 * the flag is spent); freeing 2 more leaves 126976, the next call 110592
 * (>= the tenth: re-armed), the one after 94208: suspect.
 */
_Static_assert(LOW_AFTER((BIG_FIT - 6 + 1) * BIG) &&
	       !LOW_AFTER((BIG_FIT - 6 + 1 - 2 + 1) * BIG) &&
	       LOW_AFTER((BIG_FIT - 6 + 1 - 2 + 2) * BIG), "rearm");

/*
 * Small payloads from T alone: 130 fit; after the 104th 104192 is free,
 * after the 105th 100192: suspect (105 > 50, and 420000 > 260096).
 */
#define SMALL		4000
#define SMALL_ALONE	120
#define SMALL_SUSPECT	105
_Static_assert(SMALL_ALONE * SMALL <= ASYNC_SPACE, "SMALL_ALONE");
_Static_assert(!LOW_AFTER((SMALL_SUSPECT - 1) * SMALL) &&
	       LOW_AFTER(SMALL_SUSPECT * SMALL), "SMALL_SUSPECT");

/*
 * The 50-buffer rule: F first takes 25 * 10000 = 250000 (under a
 * quarter, under 50 buffers, leaving 270192 free: nothing checked).
 * Then T's SMALL calls: from the 42nd on less than a tenth is free
 * (102192), but T has at most 50 buffers and 200000 bytes: not suspect;
 * the 51st is T's 51st buffer (204000 bytes): suspect.
 *
 * From v6.8 on (Debian's 6.12) the reference sets a new buffer's sender
 * after the check (binder_alloc_new_buf() fills in buffer->pid after
 * binder_alloc_new_buf_locked() ran debug_low_async_space_locked()), so
 * only T's earlier buffers count: 51 of them, at its 52nd call. ipckit
 * built for such a kernel does the same (kernel/compat.h,
 * IPCKIT_SPAM_COUNTS_NEW_BUFFER). The other cases here are caught by the
 * tenth or the quarter with a margin of more than one buffer, the same
 * on both.
 */
#define FILL		10000
#define FILL_N		25
#define COUNT_SENT	60
#define COUNT_LOW	42
#define COUNT_SUSPECT	51
_Static_assert(FILL_N * FILL < BIG_SENDER && FILL_N <= 50 &&
	       !LOW_AFTER(FILL_N * FILL), "FILL");
_Static_assert(!LOW_AFTER(FILL_N * FILL + (COUNT_LOW - 1) * SMALL) &&
	       LOW_AFTER(FILL_N * FILL + COUNT_LOW * SMALL), "COUNT_LOW");
_Static_assert(COUNT_SUSPECT == 51 && COUNT_SUSPECT * SMALL <= BIG_SENDER &&
	       FILL_N * FILL + COUNT_SENT * SMALL <= ASYNC_SPACE, "COUNT");

/*
 * The sender over the limits is the suspect: F takes 17 * 16384 =
 * 278528 (> a quarter, leaving 241664 free: nothing checked). T fills
 * the rest, 14 calls: from its 9th on less than a tenth is free, but T
 * is under both limits (at most 14 buffers, 229376 bytes). With one of
 * F's buffers freed, F's next call is suspect.
 */
#define HOG_N		17
#define HOG_T		14
_Static_assert(HOG_N * BIG > BIG_SENDER && !LOW_AFTER(HOG_N * BIG) &&
	       LOW_AFTER((HOG_N + HOG_T) * BIG) && HOG_T * BIG <= BIG_SENDER &&
	       (HOG_N + HOG_T) * BIG <= ASYNC_SPACE &&
	       (HOG_N + HOG_T + 1) * BIG > ASYNC_SPACE, "HOG");

/* --- puppets: R (receiver, manager) and F (another sender) ----------- */

enum {
	P_FLOOD = 1,	/* count one-way calls of size bytes to handle 0 */
	P_DRAIN,	/* read and free count one-way calls */
	P_ENABLE,	/* BINDER_ENABLE_ONEWAY_SPAM_DETECTION of count */
	P_QUIT,
};

struct p_req {
	__u32 op;
	__u32 count;
	__u32 size;
	__u32 seed;
};

/* How a flood of one-way calls ended. */
struct flood {
	__u32 sent;		/* calls that ended with a BR_* */
	__u32 complete;		/* ... BR_TRANSACTION_COMPLETE */
	__u32 nsuspect;		/* ... BR_ONEWAY_SPAM_SUSPECT */
	__u32 suspect[4];	/* their 1-based indices in the flood */
	__u32 other;		/* ... anything else */
	__u32 other_cmd;	/* the first such */
	__u32 extra;		/* calls that read more than their one BR_* */
};

struct p_report {
	__s32 ret;
	__u32 op;
	struct flood fl;	/* P_FLOOD */
	__u32 received;		/* P_DRAIN */
	__u32 bad;		/* ... not one-way, or a bad payload */
};

static int enable_detection(int fd, __u32 enable)
{
	return binder_ioctl(fd, BINDER_ENABLE_ONEWAY_SPAM_DETECTION, &enable);
}

static int flood(struct binder_dev *dev, __u32 count, __u32 size, __u32 seed,
		 struct flood *fl)
{
	struct binder_transaction_data tr;
	struct binder_result res;
	void *buf = malloc(size ? size : 1);
	int ret = 0;
	__u32 i;

	memset(fl, 0, sizeof(*fl));
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		binder_fill(buf, size, seed + i);
		tr = binder_txn(0, CODE_SPAM, TF_ONE_WAY, buf, size);
		ret = binder_call_tr(dev, &tr, BC_TRANSACTION, &res,
				     BINDER_WAIT_MS);
		if (ret)
			break;
		fl->sent++;
		if (res.nseen != 1)
			fl->extra++;
		if (res.cmd == BR_TRANSACTION_COMPLETE) {
			fl->complete++;
		} else if (res.cmd == BR_ONEWAY_SPAM_SUSPECT) {
			if (fl->nsuspect < ARRAY_SIZE(fl->suspect))
				fl->suspect[fl->nsuspect] = i + 1;
			fl->nsuspect++;
		} else {
			if (!fl->other)
				fl->other_cmd = res.cmd;
			fl->other++;
		}
	}
	free(buf);
	return ret;
}

static int drain(struct binder_dev *dev, __u32 count, struct p_report *rep)
{
	struct binder_read_result rr;
	const void *data;
	int ret;

	while (rep->received < count) {
		ret = binder_read_one(dev, &rr, EVENT_MS);
		if (ret)
			return ret;
		if (!rr.has_tr || !rr.ncmds ||
		    rr.cmds[rr.ncmds - 1] != BR_TRANSACTION)
			continue;
		rep->received++;
		data = (const void *)(uintptr_t)rr.tr.data.ptr.buffer;
		if (!(rr.tr.flags & TF_ONE_WAY) || rr.tr.code != CODE_SPAM ||
		    !binder_check(data, rr.tr.data_size))
			rep->bad++;
		ret = binder_free_buffer(dev, rr.tr.data.ptr.buffer);
		if (ret)
			return ret;
	}
	return 0;
}

/* One request from T; false on P_QUIT. */
static bool puppet_handle(void *ctx, void *reqp, void *repp)
{
	struct binder_dev *dev = ctx;
	struct p_req *req = reqp;
	struct p_report *rep = repp;

	rep->op = req->op;
	switch (req->op) {
	case P_FLOOD:
		rep->ret = flood(dev, req->count, req->size, req->seed,
				 &rep->fl);
		break;
	case P_DRAIN:
		rep->ret = drain(dev, req->count, rep);
		break;
	case P_ENABLE:
		rep->ret = enable_detection(dev->fd, req->count);
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
	struct binder_dev dev;
	struct p_report rep;
	struct p_req req;
	int ret;

	ret = binder_open_dev(&dev, ipckit_test_device, 0);
	if (!ret)
		ret = binder_cmd(dev.fd, BC_ENTER_LOOPER);
	if (!ret && manager)
		ret = binder_become_context_mgr(dev.fd, NULL, MGR_MS);
	return binder_puppet_run(ret, &req, sizeof(req), &rep, sizeof(rep),
				 puppet_handle, &dev);
}

/* --- T: this process, the sender under test --------------------------- */

static int puppet_start(struct binder_child *c, bool manager)
{
	void *arg = manager ? (void *)1 : NULL;
	int ret = binder_child_start(c, puppet_main, arg);

	if (ret)
		return ret;
	ret = binder_child_wait_ready(c, MGR_MS + 5000);
	if (ret)
		binder_child_kill(c);
	return ret;
}

static int p_do(struct binder_child *c, struct p_report *rep, __u32 op,
		__u32 count, __u32 size, __u32 seed)
{
	struct p_req req = {
		.op = op, .count = count, .size = size, .seed = seed,
	};
	int ret = binder_child_go(c, &req, sizeof(req));

	memset(rep, 0, sizeof(*rep));
	if (!ret)
		ret = binder_child_recv(c, rep, sizeof(*rep), PUPPET_MS);
	return ret ? ret : rep->ret;
}

FIXTURE(spam) {
	struct binder_dev dev;
	struct binder_child r;		/* receiver: the context manager */
	struct binder_child f;		/* another sender */
	struct p_report rep;
	struct flood fl;
	__u32 seed;
};

FIXTURE_SETUP(spam)
{
	/* Forked first, so that neither inherits our open. */
	ASSERT_EQ(0, puppet_start(&self->r, true));
	ASSERT_EQ(0, puppet_start(&self->f, false));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	self->seed = 1;
}

FIXTURE_TEARDOWN(spam)
{
	binder_child_kill(&self->f);
	binder_child_kill(&self->r);
	binder_close_dev(&self->dev);
}

/* T sends n one-way calls of size bytes: the outcome in self->fl. */
#define T_FLOOD(n, size) do {						\
	ASSERT_EQ(0, flood(&self->dev, n, size, self->seed, &self->fl)); \
	self->seed += (n);						\
	ASSERT_EQ((__u32)(n), self->fl.sent);				\
	EXPECT_EQ(0, self->fl.other)					\
		TH_LOG("%s", binder_br_name(self->fl.other_cmd));	\
	EXPECT_EQ(0, self->fl.extra);					\
} while (0)

/* ... and they all end with BR_TRANSACTION_COMPLETE. */
#define EXPECT_NO_SUSPECT() do {					\
	EXPECT_EQ(0, self->fl.nsuspect)					\
		TH_LOG("first suspect: call %u", self->fl.suspect[0]);	\
	EXPECT_EQ(self->fl.sent, self->fl.complete);			\
} while (0)

/* ... but the one at (1-based) index, BR_ONEWAY_SPAM_SUSPECT. */
#define EXPECT_ONE_SUSPECT(index) do {					\
	EXPECT_EQ(1, self->fl.nsuspect);				\
	EXPECT_EQ((__u32)(index), self->fl.suspect[0]);			\
	EXPECT_EQ(self->fl.sent - 1, self->fl.complete);		\
} while (0)

/* R reads and frees n one-way calls, all as sent. */
#define R_DRAIN(n) do {							\
	ASSERT_EQ(0, p_do(&self->r, &self->rep, P_DRAIN, n, 0, 0));	\
	EXPECT_EQ((__u32)(n), self->rep.received);			\
	EXPECT_EQ(0, self->rep.bad);					\
} while (0)

TEST_F(spam, a_flood_gets_one_suspect_when_async_space_runs_low)
{
	ASSERT_EQ(0, enable_detection(self->dev.fd, 1));
	T_FLOOD(BIG_FIT, BIG);
	EXPECT_ONE_SUSPECT(BIG_SUSPECT);
	/* Nothing was refused or lost. */
	R_DRAIN(BIG_FIT);
	EXPECT_EXT_ERROR(self->dev.fd, BR_OK, 0);
}

TEST_F(spam, without_detection_the_flood_gets_transaction_complete)
{
	/* Enabled and disabled again; the receiver's own does not count. */
	ASSERT_EQ(0, enable_detection(self->dev.fd, 1));
	ASSERT_EQ(0, enable_detection(self->dev.fd, 0));
	ASSERT_EQ(0, p_do(&self->r, &self->rep, P_ENABLE, 1, 0, 0));
	T_FLOOD(BIG_FIT, BIG);
	EXPECT_NO_SUSPECT();

	/*
	 * The receiver raised its flag all the same: enabled now, with a
	 * buffer freed and taken again (still under the tenth), T is not
	 * told.
	 */
	ASSERT_EQ(0, enable_detection(self->dev.fd, 1));
	R_DRAIN(1);
	T_FLOOD(1, BIG);
	EXPECT_NO_SUSPECT();

	/* All freed: a new flood is suspect where the first would have been. */
	R_DRAIN(BIG_FIT);
	T_FLOOD(BIG_FIT, BIG);
	EXPECT_ONE_SUSPECT(BIG_SUSPECT);
}

TEST_F(spam, the_suspicion_rearms_only_when_a_call_leaves_enough_space)
{
	ASSERT_EQ(0, enable_detection(self->dev.fd, 1));
	T_FLOOD(BIG_FIT, BIG);
	EXPECT_ONE_SUSPECT(BIG_SUSPECT);

	/* 6 freed: 110592 free, 94208 after the next call: spent. */
	R_DRAIN(6);
	T_FLOOD(1, BIG);
	EXPECT_NO_SUSPECT();
	/* 2 more: the next call leaves 110592 (re-armed), the one after not. */
	R_DRAIN(2);
	T_FLOOD(2, BIG);
	EXPECT_ONE_SUSPECT(2);

	/* All freed: the same again from the start. */
	R_DRAIN(BIG_FIT - 6 + 1 - 2 + 2);
	T_FLOOD(BIG_FIT, BIG);
	EXPECT_ONE_SUSPECT(BIG_SUSPECT);
	R_DRAIN(BIG_FIT);
	T_FLOOD(BIG_FIT, BIG);
	EXPECT_ONE_SUSPECT(BIG_SUSPECT);
}

TEST_F(spam, small_calls_alone_are_suspect_when_async_space_runs_low)
{
	ASSERT_EQ(0, enable_detection(self->dev.fd, 1));
	T_FLOOD(SMALL_ALONE, SMALL);
	EXPECT_ONE_SUSPECT(SMALL_SUSPECT);
	R_DRAIN(SMALL_ALONE);
}

TEST_F(spam, more_than_50_buffers_of_one_sender_are_suspect)
{
	ASSERT_EQ(0, p_do(&self->f, &self->rep, P_FLOOD, FILL_N, FILL, 1000));
	EXPECT_EQ(FILL_N, self->rep.fl.complete);
	ASSERT_EQ(0, enable_detection(self->dev.fd, 1));
	T_FLOOD(COUNT_SENT, SMALL);
	EXPECT_ONE_SUSPECT(binder_kernel_at_least(6, 8) ? COUNT_SUSPECT + 1 :
			   COUNT_SUSPECT);
	R_DRAIN(FILL_N + COUNT_SENT);
}

TEST_F(spam, the_sender_over_the_limits_is_suspect_not_the_other)
{
	ASSERT_EQ(0, p_do(&self->f, &self->rep, P_ENABLE, 1, 0, 0));
	ASSERT_EQ(0, p_do(&self->f, &self->rep, P_FLOOD, HOG_N, BIG, 1000));
	EXPECT_EQ(HOG_N, self->rep.fl.complete);
	EXPECT_EQ(0, self->rep.fl.nsuspect);

	ASSERT_EQ(0, enable_detection(self->dev.fd, 1));
	T_FLOOD(HOG_T, BIG);
	EXPECT_NO_SUSPECT();

	/* One of F's freed; F's next call is suspect. */
	R_DRAIN(1);
	ASSERT_EQ(0, p_do(&self->f, &self->rep, P_FLOOD, 1, BIG, 2000));
	EXPECT_EQ(1, self->rep.fl.nsuspect);
	EXPECT_EQ(1, self->rep.fl.suspect[0]);
	EXPECT_EQ(0, self->rep.fl.other);
	EXPECT_EQ(0, self->rep.fl.extra);
	R_DRAIN(HOG_N + HOG_T);
}

TEST(bad_pointer_is_efault)
{
	int fd = ipckit_test_open();

	ASSERT_LE(0, fd);
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, BINDER_ENABLE_ONEWAY_SPAM_DETECTION,
			    (void *)8));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

IPCKIT_TEST_MAIN
