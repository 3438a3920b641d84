// SPDX-License-Identifier: GPL-2.0
/*
 * Freeze notifications (Linux 6.12): BC_REQUEST_FREEZE_NOTIFICATION,
 * BR_FROZEN_BINDER, BC_FREEZE_NOTIFICATION_DONE, BC_CLEAR_FREEZE_NOTIFICATION
 * and BR_CLEAR_FREEZE_NOTIFICATION_DONE.
 *
 * S, a forked child, is the context manager and does nothing else: its
 * node is the one watched, and this process (T) freezes and thaws it with
 * BINDER_FREEZE. T takes a handle on S's node (BC_INCREFS 0), enters the
 * looper (the reference hands process work to loopers only) and watches.
 * Some cases add more opens of T, or holder processes that exit.
 *
 * What 6.12's binder does, and these tests assert (ipckit accepts the
 * commands whatever kernel it was built for; the reference binder of an
 * older kernel does not know them, and the tests SKIP there):
 *
 *  - A request on a handle queues a BR_FROZEN_BINDER with the owner's
 *    current state { cookie, is_frozen } at once, as process work; a read
 *    ends after one.
 *  - Every BINDER_FREEZE that succeeds (freeze or thaw, also one that
 *    leaves the state as it was) is reported to every watched handle on
 *    the process's nodes; a failed one (-EAGAIN) is not.
 *  - One notification per handle is outstanding: after a BR_FROZEN_BINDER
 *    nothing more comes until BC_FREEZE_NOTIFICATION_DONE with its cookie;
 *    a state change meanwhile is sent then, with the latest state (also
 *    when the state went back to the one delivered). Changes while one is
 *    queued and not yet read fold into it: one read, the latest state.
 *  - BC_CLEAR_FREEZE_NOTIFICATION with the request's cookie: a queued
 *    BR_FROZEN_BINDER is replaced by BR_CLEAR_FREEZE_NOTIFICATION_DONE
 *    (cookie); after a delivered one it comes with the DONE; otherwise at
 *    once. Then freezes are no longer reported; a new request may follow.
 *  - Errors fail the write with -EINVAL and leave the command unconsumed
 *    (write_consumed stops before it; the rest of the write is not
 *    processed): a request on a handle the process lacks or one already
 *    watched, a clear on a handle it lacks, on one not watched, or with
 *    another cookie, a DONE with a cookie not delivered (also before the
 *    read, or a second time).
 *  - The owner dies: nothing is sent; the watch stays until cleared. A
 *    request on a dead node is accepted and never answered.
 *  - The handle goes (BC_DECREFS) with its notification, queued or
 *    delivered: nothing is read, a later DONE finds nothing. A holder that
 *    exits in any state leaves nothing behind (run_vm.sh checks ipckit's
 *    freeze_created == freeze_deleted at the end).
 */
#include <stddef.h>
#include <sys/utsname.h>

#include "ipckit_test.h"

#define MGR_MS		5000	/* becoming manager: the last one may linger */
#define EVENT_MS	3000	/* bound on a wait for what must come */
#define QUIET_MS	200	/* watched to see that nothing comes */
#define NOPENS		16	/* extra opens of T in the many-handles case */
#define CODE_ONEWAY	0x4f4e4557	/* "ONEW" */

#define COOKIE(i)	(0xf4ee2e00000000ULL + (i))
#define DEATH_COOKIE	0xdead0000beefULL

/* binder_freeze.h spells upstream's _IOR/_IOW as the _IOC they are. */
_Static_assert(BR_TRANSACTION_PENDING_FROZEN == _IO('r', 20), "");
_Static_assert(BR_FROZEN_BINDER ==
	       _IOR('r', 21, struct binder_frozen_state_info), "");
_Static_assert(BR_CLEAR_FREEZE_NOTIFICATION_DONE ==
	       _IOR('r', 22, binder_uintptr_t), "");
_Static_assert(BC_REQUEST_FREEZE_NOTIFICATION ==
	       _IOW('c', 19, struct binder_handle_cookie), "");
_Static_assert(BC_CLEAR_FREEZE_NOTIFICATION ==
	       _IOW('c', 20, struct binder_handle_cookie), "");
_Static_assert(BC_FREEZE_NOTIFICATION_DONE == _IOW('c', 21, binder_uintptr_t), "");
_Static_assert(sizeof(struct binder_frozen_state_info) == 16 &&
	       offsetof(struct binder_frozen_state_info, is_frozen) == 8 &&
	       offsetof(struct binder_frozen_state_info, reserved) == 12, "");

/* What one read brought: commands but BR_NOOP, with their payloads. */
struct note {
	__u32 cmd;
	binder_uintptr_t cookie;	/* BR_FROZEN_BINDER, BR_*_DONE, BR_DEAD_BINDER */
	__u32 is_frozen;		/* BR_FROZEN_BINDER */
};

#define MAX_NOTES	8

/* --- S: the owner ------------------------------------------------------ */

static int s_main(void *arg)
{
	struct binder_dev dev;
	char go;
	int ret;

	ret = binder_open_dev(&dev, ipckit_test_device, 0);
	if (!ret)
		ret = binder_become_context_mgr(dev.fd, NULL, MGR_MS);
	binder_child_ready(ret);
	if (ret)
		return 1;
	/* Never reads: its node's state is all that matters. */
	binder_child_wait_go(&go, sizeof(go), 120000);
	binder_close_dev(&dev);
	return 0;
}

/* --- T's helpers --------------------------------------------------------- */

static int freeze(int fd, pid_t pid, __u32 enable)
{
	struct binder_freeze_info info = { .pid = (__u32)pid, .enable = enable };

	return binder_ioctl(fd, BINDER_FREEZE, &info);
}

/* One command with a handle and cookie, or (handle ~0) a cookie alone. */
static int bc_note(int fd, __u32 cmd, __u32 handle, binder_uintptr_t cookie,
		   size_t *consumed)
{
	struct binder_cmds c;

	bc_init(&c);
	if (cmd == BC_FREEZE_NOTIFICATION_DONE) {
		bc_cmd(&c, cmd);
		bc_raw(&c, &cookie, sizeof(cookie));
	} else {
		bc_handle_cookie(&c, cmd, handle, cookie);
	}
	return binder_write(fd, c.buf, c.len, consumed);
}

static int request(int fd, __u32 handle, binder_uintptr_t cookie)
{
	return bc_note(fd, BC_REQUEST_FREEZE_NOTIFICATION, handle, cookie, NULL);
}

static int clear(int fd, __u32 handle, binder_uintptr_t cookie)
{
	return bc_note(fd, BC_CLEAR_FREEZE_NOTIFICATION, handle, cookie, NULL);
}

static int done(int fd, binder_uintptr_t cookie)
{
	return bc_note(fd, BC_FREEZE_NOTIFICATION_DONE, 0, cookie, NULL);
}

static int handle_cmd(int fd, __u32 cmd, __u32 handle)
{
	struct binder_cmds c;

	bc_init(&c);
	bc_handle(&c, cmd, handle);
	return bc_send(fd, &c);
}

/*
 * One read of at most timeout_ms: the commands but BR_NOOP into n[],
 * their count, or -errno (-ETIMEDOUT: nothing came).
 */
static int read_notes(int fd, int timeout_ms, struct note *n)
{
	__u32 buf[64];
	struct binder_reader r;
	const void *payload;
	size_t consumed;
	int ret, count = 0;
	__u32 cmd;

	do {
		ret = binder_read(fd, buf, sizeof(buf), &consumed, timeout_ms);
		if (ret)
			return ret;
	} while (consumed == BINDER_NOOP_SIZE && buf[0] == BR_NOOP);
	br_init(&r, buf, consumed);
	while (br_next(&r, &cmd, &payload)) {
		if (cmd == BR_NOOP || count == MAX_NOTES)
			continue;
		memset(&n[count], 0, sizeof(n[count]));
		n[count].cmd = cmd;
		if (cmd == BR_FROZEN_BINDER) {
			struct binder_frozen_state_info info;

			memcpy(&info, payload, sizeof(info));
			n[count].cookie = info.cookie;
			n[count].is_frozen = info.is_frozen;
		} else if (_IOC_SIZE(cmd) == sizeof(binder_uintptr_t)) {
			memcpy(&n[count].cookie, payload, sizeof(n[count].cookie));
		}
		count++;
	}
	return r.truncated || r.pos != r.end ? -EPROTO : count;
}

/* The next read brings exactly BR_FROZEN_BINDER { cookie, frozen }. */
#define EXPECT_FROZEN_BINDER(fd, _cookie, _frozen) do {			\
	struct note __n[MAX_NOTES];					\
	int __c = read_notes(fd, EVENT_MS, __n);			\
	ASSERT_EQ(1, __c) TH_LOG("read %d, first %s", __c,		\
				 __c > 0 ? binder_br_name(__n[0].cmd) : "-"); \
	EXPECT_EQ(BR_FROZEN_BINDER, __n[0].cmd)				\
		TH_LOG("got %s", binder_br_name(__n[0].cmd));		\
	EXPECT_EQ((binder_uintptr_t)(_cookie), __n[0].cookie);		\
	EXPECT_EQ((__u32)(_frozen), __n[0].is_frozen);			\
} while (0)

/* The next read brings exactly cmd with cookie. */
#define EXPECT_NOTE(fd, _cmd, _cookie) do {				\
	struct note __n[MAX_NOTES];					\
	int __c = read_notes(fd, EVENT_MS, __n);			\
	ASSERT_EQ(1, __c) TH_LOG("read %d, first %s", __c,		\
				 __c > 0 ? binder_br_name(__n[0].cmd) : "-"); \
	EXPECT_EQ((__u32)(_cmd), __n[0].cmd)				\
		TH_LOG("got %s", binder_br_name(__n[0].cmd));		\
	EXPECT_EQ((binder_uintptr_t)(_cookie), __n[0].cookie);		\
} while (0)

/* Nothing comes for QUIET_MS. */
#define EXPECT_QUIET(fd) do {						\
	struct note __n[MAX_NOTES];					\
	int __c = read_notes(fd, QUIET_MS, __n);			\
	EXPECT_EQ(-ETIMEDOUT, __c) TH_LOG("read %d, first %s", __c,	\
				 __c > 0 ? binder_br_name(__n[0].cmd) : "-"); \
} while (0)

/* The write of one command fails with -EINVAL and consumes nothing. */
#define EXPECT_REFUSED(fd, cmd, handle, cookie) do {			\
	size_t __consumed = 1;						\
	EXPECT_EQ(-EINVAL, bc_note(fd, cmd, handle, cookie, &__consumed)); \
	EXPECT_EQ(0, __consumed);					\
} while (0)

/*
 * Whether the driver has freeze notifications: ipckit always (and says
 * so in IPCKIT_GET_VERSION); the reference from Linux 6.12 on.
 */
static bool has_freeze_notification(int fd, char *why, size_t size)
{
	struct ipckit_version ver;
	struct utsname u;
	int major = 0, minor = 0;

	if (ipckit_test_is_ipckit)
		return !ioctl(fd, IPCKIT_GET_VERSION, &ver) &&
		       (ver.flags & IPCKIT_FEATURE_FREEZE_NOTIFICATION);
	if (!uname(&u))
		sscanf(u.release, "%d.%d", &major, &minor);
	snprintf(why, size, "the reference binder of %s has no freeze notifications (6.12 and later)",
		 u.release);
	return major > 6 || (major == 6 && minor >= 12);
}

/* An open of T with a handle on S's node (0), a looper. */
static int open_holder(struct binder_dev *dev)
{
	int ret = binder_open_dev(dev, ipckit_test_device, 0);

	if (ret)
		return ret;
	ret = binder_cmd(dev->fd, BC_ENTER_LOOPER);
	if (!ret)
		ret = handle_cmd(dev->fd, BC_INCREFS, 0);
	if (ret)
		binder_close_dev(dev);
	return ret;
}

FIXTURE(fn) {
	struct binder_child s;
	struct binder_dev dev;
	bool s_alive;
};

FIXTURE_SETUP(fn)
{
	char why[160];

	/* Forked first, so that it does not inherit our open. */
	ASSERT_EQ(0, binder_child_start(&self->s, s_main, NULL));
	ASSERT_EQ(0, binder_child_wait_ready(&self->s, MGR_MS + 5000));
	self->s_alive = true;
	ASSERT_EQ(0, open_holder(&self->dev));
	if (!has_freeze_notification(self->dev.fd, why, sizeof(why))) {
		ASSERT_FALSE(ipckit_test_is_ipckit)
			TH_LOG("ipckit must offer IPCKIT_FEATURE_FREEZE_NOTIFICATION");
		SKIP(return, "%s", why);
	}
}

/* The 6.1 harness runs the test after a SKIP in the setup: return. */
#define SKIPPED_IN_SETUP() do {						\
	if (_metadata->skip)						\
		return;							\
} while (0)

FIXTURE_TEARDOWN(fn)
{
	binder_close_dev(&self->dev);
	if (self->s_alive)
		binder_child_kill(&self->s);
}

TEST_F(fn, a_request_reports_the_current_state_at_once)
{
	SKIPPED_IN_SETUP();
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(1)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 0);
	EXPECT_EQ(0, done(self->dev.fd, COOKIE(1)));
	EXPECT_QUIET(self->dev.fd);
	ASSERT_EQ(0, clear(self->dev.fd, 0, COOKIE(1)));
	EXPECT_NOTE(self->dev.fd, BR_CLEAR_FREEZE_NOTIFICATION_DONE, COOKIE(1));

	/* Frozen before the request: that is what the first one says. */
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1));
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(2)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(2), 1);
	EXPECT_EQ(0, done(self->dev.fd, COOKIE(2)));
	EXPECT_QUIET(self->dev.fd);
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(2), 0);
	EXPECT_EQ(0, done(self->dev.fd, COOKIE(2)));
}

TEST_F(fn, each_freeze_and_thaw_is_reported_after_the_done)
{
	SKIPPED_IN_SETUP();
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(1)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 0);
	/* Outstanding: the freeze waits for the DONE. */
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1));
	EXPECT_QUIET(self->dev.fd);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 1);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));
	EXPECT_QUIET(self->dev.fd);

	/* Frozen again: no change, reported all the same. */
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 1);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));

	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 0);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));
	/* Thawing a thawed process is reported too. */
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 0);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));
	EXPECT_QUIET(self->dev.fd);
}

TEST_F(fn, changes_while_one_is_outstanding_come_as_one)
{
	SKIPPED_IN_SETUP();
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(1)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 0);
	/* Delivered, not done: frozen and thawed, back where it was. */
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1));
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0));
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1));
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0));
	EXPECT_QUIET(self->dev.fd);
	/* It changed meanwhile: sent again, with the latest state, once. */
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 0);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));
	EXPECT_QUIET(self->dev.fd);

	/* Queued, not read: the changes fold into it. */
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1));
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0));
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 1);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));
	EXPECT_QUIET(self->dev.fd);
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 0);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));
}

TEST_F(fn, a_freeze_that_fails_is_not_reported)
{
	struct binder_result res;

	SKIPPED_IN_SETUP();
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(1)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 0);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));
	/* S never reads: the one-way call stays in flight. */
	ASSERT_EQ(0, binder_call(&self->dev, 0, CODE_ONEWAY, TF_ONE_WAY, NULL, 0,
				 &res));
	ASSERT_EQ(BR_TRANSACTION_COMPLETE, res.cmd);
	EXPECT_EQ(-EAGAIN, freeze(self->dev.fd, self->s.pid, 1));
	EXPECT_QUIET(self->dev.fd);
}

TEST_F(fn, clear_before_the_read_replaces_the_notification)
{
	SKIPPED_IN_SETUP();
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(1)));
	ASSERT_EQ(0, clear(self->dev.fd, 0, COOKIE(1)));
	EXPECT_NOTE(self->dev.fd, BR_CLEAR_FREEZE_NOTIFICATION_DONE, COOKIE(1));
	EXPECT_QUIET(self->dev.fd);
	/* Cleared: a freeze is no longer reported. */
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1));
	EXPECT_QUIET(self->dev.fd);
	/* A new request on the handle, with another cookie. */
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(2)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(2), 1);
	EXPECT_REFUSED(self->dev.fd, BC_FREEZE_NOTIFICATION_DONE, 0, COOKIE(1));
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(2)));
}

TEST_F(fn, clear_after_delivery_waits_for_the_done)
{
	SKIPPED_IN_SETUP();
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(1)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 0);
	ASSERT_EQ(0, clear(self->dev.fd, 0, COOKIE(1)));
	/* Neither the clear nor a freeze is told before the DONE... */
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1));
	EXPECT_QUIET(self->dev.fd);
	/* ...which brings the clear alone. */
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));
	EXPECT_NOTE(self->dev.fd, BR_CLEAR_FREEZE_NOTIFICATION_DONE, COOKIE(1));
	EXPECT_QUIET(self->dev.fd);
	EXPECT_REFUSED(self->dev.fd, BC_FREEZE_NOTIFICATION_DONE, 0, COOKIE(1));

	/* After a DONE, the clear is answered at once. */
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(2)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(2), 1);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(2)));
	ASSERT_EQ(0, clear(self->dev.fd, 0, COOKIE(2)));
	EXPECT_NOTE(self->dev.fd, BR_CLEAR_FREEZE_NOTIFICATION_DONE, COOKIE(2));
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0));
	EXPECT_QUIET(self->dev.fd);
}

TEST_F(fn, bad_commands_fail_the_write_unconsumed)
{
	struct binder_dev other;
	struct binder_cmds c;
	size_t consumed;

	SKIPPED_IN_SETUP();
	/* No such handle. */
	EXPECT_REFUSED(self->dev.fd, BC_REQUEST_FREEZE_NOTIFICATION, 7, COOKIE(1));
	EXPECT_REFUSED(self->dev.fd, BC_CLEAR_FREEZE_NOTIFICATION, 7, COOKIE(1));
	/* Not watched; nothing delivered. */
	EXPECT_REFUSED(self->dev.fd, BC_CLEAR_FREEZE_NOTIFICATION, 0, COOKIE(1));
	EXPECT_REFUSED(self->dev.fd, BC_FREEZE_NOTIFICATION_DONE, 0, COOKIE(1));
	EXPECT_QUIET(self->dev.fd);

	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(1)));
	/* Queued, not delivered: no DONE yet. */
	EXPECT_REFUSED(self->dev.fd, BC_FREEZE_NOTIFICATION_DONE, 0, COOKIE(1));
	/* Watched already, whatever the cookie. */
	EXPECT_REFUSED(self->dev.fd, BC_REQUEST_FREEZE_NOTIFICATION, 0, COOKIE(1));
	EXPECT_REFUSED(self->dev.fd, BC_REQUEST_FREEZE_NOTIFICATION, 0, COOKIE(2));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 0);
	EXPECT_REFUSED(self->dev.fd, BC_CLEAR_FREEZE_NOTIFICATION, 0, COOKIE(2));
	EXPECT_REFUSED(self->dev.fd, BC_FREEZE_NOTIFICATION_DONE, 0, COOKIE(2));
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));
	EXPECT_REFUSED(self->dev.fd, BC_FREEZE_NOTIFICATION_DONE, 0, COOKIE(1));

	/* The rest of a write after a refused command is not processed. */
	bc_init(&c);
	bc_handle_cookie(&c, BC_REQUEST_FREEZE_NOTIFICATION, 7, COOKIE(3));
	bc_handle_cookie(&c, BC_CLEAR_FREEZE_NOTIFICATION, 0, COOKIE(1));
	consumed = 1;
	EXPECT_EQ(-EINVAL, binder_write(self->dev.fd, c.buf, c.len, &consumed));
	EXPECT_EQ(0, consumed);
	EXPECT_QUIET(self->dev.fd);
	/* ...and what came before it was. */
	bc_init(&c);
	bc_handle_cookie(&c, BC_CLEAR_FREEZE_NOTIFICATION, 0, COOKIE(1));
	bc_handle_cookie(&c, BC_CLEAR_FREEZE_NOTIFICATION, 0, COOKIE(1));
	EXPECT_EQ(-EINVAL, binder_write(self->dev.fd, c.buf, c.len, &consumed));
	EXPECT_EQ(c.len / 2, consumed);
	EXPECT_NOTE(self->dev.fd, BR_CLEAR_FREEZE_NOTIFICATION_DONE, COOKIE(1));

	/* An open without a handle on the manager: handle 0 is no handle. */
	ASSERT_EQ(0, binder_open_dev(&other, ipckit_test_device, 0));
	EXPECT_REFUSED(other.fd, BC_REQUEST_FREEZE_NOTIFICATION, 0, COOKIE(4));
	binder_close_dev(&other);
}

TEST_F(fn, the_owner_dies_and_nothing_is_sent)
{
	struct binder_cmds c;

	SKIPPED_IN_SETUP();
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(1)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 0);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));
	/* The death notification tells when the node is dead. */
	bc_init(&c);
	bc_handle_cookie(&c, BC_REQUEST_DEATH_NOTIFICATION, 0, DEATH_COOKIE);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 1);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(1)));

	binder_child_kill(&self->s);
	self->s_alive = false;
	EXPECT_NOTE(self->dev.fd, BR_DEAD_BINDER, DEATH_COOKIE);
	bc_init(&c);
	bc_dead_binder_done(&c, DEATH_COOKIE);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));
	EXPECT_QUIET(self->dev.fd);

	/* Still watched until cleared. */
	EXPECT_REFUSED(self->dev.fd, BC_REQUEST_FREEZE_NOTIFICATION, 0, COOKIE(2));
	ASSERT_EQ(0, clear(self->dev.fd, 0, COOKIE(1)));
	EXPECT_NOTE(self->dev.fd, BR_CLEAR_FREEZE_NOTIFICATION_DONE, COOKIE(1));
	/* A request on the dead node is taken and never answered. */
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(2)));
	EXPECT_QUIET(self->dev.fd);
	EXPECT_REFUSED(self->dev.fd, BC_FREEZE_NOTIFICATION_DONE, 0, COOKIE(2));
	ASSERT_EQ(0, clear(self->dev.fd, 0, COOKIE(2)));
	EXPECT_NOTE(self->dev.fd, BR_CLEAR_FREEZE_NOTIFICATION_DONE, COOKIE(2));
}

TEST_F(fn, the_notification_goes_with_its_handle)
{
	SKIPPED_IN_SETUP();
	/* Delivered, then the handle goes: its DONE finds nothing. */
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(1)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(1), 0);
	ASSERT_EQ(0, handle_cmd(self->dev.fd, BC_DECREFS, 0));
	EXPECT_REFUSED(self->dev.fd, BC_FREEZE_NOTIFICATION_DONE, 0, COOKIE(1));
	EXPECT_REFUSED(self->dev.fd, BC_CLEAR_FREEZE_NOTIFICATION, 0, COOKIE(1));
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1));
	EXPECT_QUIET(self->dev.fd);

	/* Queued, then the handle goes: nothing is read. */
	ASSERT_EQ(0, handle_cmd(self->dev.fd, BC_INCREFS, 0));
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(2)));
	ASSERT_EQ(0, handle_cmd(self->dev.fd, BC_DECREFS, 0));
	EXPECT_QUIET(self->dev.fd);

	/* Cleared while delivered, then the handle goes: the clear stays. */
	ASSERT_EQ(0, handle_cmd(self->dev.fd, BC_INCREFS, 0));
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(3)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(3), 1);
	ASSERT_EQ(0, clear(self->dev.fd, 0, COOKIE(3)));
	ASSERT_EQ(0, handle_cmd(self->dev.fd, BC_DECREFS, 0));
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(3)));
	EXPECT_NOTE(self->dev.fd, BR_CLEAR_FREEZE_NOTIFICATION_DONE, COOKIE(3));
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0));
}

/*
 * A holder process that exits in the state mode says. Its exit status is
 * the first step that went wrong.
 */
enum {
	H_QUEUED,	/* requested, not read */
	H_DELIVERED,	/* read, no DONE */
	H_CLEARED,	/* read, cleared: the clear waits for the DONE */
	H_CLEAR_QUEUED,	/* requested and cleared, nothing read */
	H_COUNT,
};

static int h_main(void *arg)
{
	int mode = (int)(intptr_t)arg;
	struct binder_dev dev;
	struct note n[MAX_NOTES];
	char go;

	binder_child_ready(0);
	if (binder_child_wait_go(&go, sizeof(go), EVENT_MS))
		return 1;
	if (open_holder(&dev))
		return 2;
	if (request(dev.fd, 0, COOKIE(mode)))
		return 3;
	if (mode == H_DELIVERED || mode == H_CLEARED) {
		if (read_notes(dev.fd, EVENT_MS, n) != 1 ||
		    n[0].cmd != BR_FROZEN_BINDER)
			return 4;
	}
	if ((mode == H_CLEARED || mode == H_CLEAR_QUEUED) &&
	    clear(dev.fd, 0, COOKIE(mode)))
		return 5;
	return 0;	/* exits with the device open */
}

TEST_F(fn, holders_that_exit_leave_nothing_behind)
{
	struct binder_child h[H_COUNT];
	char go = 1;
	int i;

	SKIPPED_IN_SETUP();

	for (i = 0; i < H_COUNT; i++) {
		ASSERT_EQ(0, binder_child_start(&h[i], h_main, (void *)(intptr_t)i));
		ASSERT_EQ(0, binder_child_wait_ready(&h[i], EVENT_MS));
		ASSERT_EQ(0, binder_child_go(&h[i], &go, sizeof(go)));
		EXPECT_CHILD_OK(binder_child_finish(&h[i], EVENT_MS + 2000));
	}
	/* The walk over S's node's handles copes with their going. */
	ASSERT_EQ(0, request(self->dev.fd, 0, COOKIE(9)));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(9), 0);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(9)));
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(9), 1);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(9)));
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0));
	EXPECT_FROZEN_BINDER(self->dev.fd, COOKIE(9), 0);
	ASSERT_EQ(0, done(self->dev.fd, COOKIE(9)));
}

TEST_F(fn, every_handle_on_the_node_hears_of_it)
{
	struct binder_dev d[NOPENS];
	int i, n;

	SKIPPED_IN_SETUP();

	for (n = 0; n < NOPENS; n++) {
		ASSERT_EQ(0, open_holder(&d[n]));
		ASSERT_EQ(0, request(d[n].fd, 0, COOKIE(100 + n)));
	}
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 1));
	/* Queued before the freeze, read after it: the latest state. */
	for (i = 0; i < NOPENS; i++) {
		EXPECT_FROZEN_BINDER(d[i].fd, COOKIE(100 + i), 1);
		ASSERT_EQ(0, done(d[i].fd, COOKIE(100 + i)));
	}
	ASSERT_EQ(0, freeze(self->dev.fd, self->s.pid, 0));
	for (i = 0; i < NOPENS; i++) {
		EXPECT_FROZEN_BINDER(d[i].fd, COOKIE(100 + i), 0);
		/* Half of them leave with one outstanding. */
		if (i % 2)
			continue;
		ASSERT_EQ(0, done(d[i].fd, COOKIE(100 + i)));
		ASSERT_EQ(0, clear(d[i].fd, 0, COOKIE(100 + i)));
		EXPECT_NOTE(d[i].fd, BR_CLEAR_FREEZE_NOTIFICATION_DONE,
			    COOKIE(100 + i));
	}
	for (i = 0; i < NOPENS; i++)
		binder_close_dev(&d[i]);
	/* T's own handle was not watched: nothing for it. */
	EXPECT_QUIET(self->dev.fd);
}

IPCKIT_TEST_MAIN
