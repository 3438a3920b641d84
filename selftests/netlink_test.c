// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink (Documentation/netlink.rst): upstream binder's
 * transaction reports (family "binder", group "report") and ipckit's own
 * family (group "events", GET_STATS, GET_PROC), read with libnl-genl the
 * way upstream userspace reads them.
 *
 * This process (T) listens and usually is the context manager; forked
 * children (one thread each, so their tid is their pid) are the other
 * side. Every report and event is checked field by field against what
 * the test did. What is asserted:
 *
 *  - "binder" reports: a call to a node whose owner died (BR_DEAD_REPLY,
 *    no TO_PID), a reply to a caller that died (BR_DEAD_REPLY, IS_REPLY),
 *    a reply that cannot be translated (BR_FAILED_REPLY, IS_REPLY, the
 *    live caller as TO_PID and TO_TID),
 *    a sync call to a frozen process (BR_FROZEN_REPLY, TO_PID), a one-way
 *    call queued to a frozen process (upstream's
 *    BR_TRANSACTION_PENDING_FROZEN; the sender itself reads that too on
 *    6.3 and later, BR_TRANSACTION_COMPLETE on 6.1: binder_frozen_oneway_br()),
 *    and the one-way call that
 *    makes its sender a spam suspect (BR_ONEWAY_SPAM_SUSPECT, exactly one
 *    in a flood, whether or not the sender enabled detection).
 *  - "ipckit" events: PROC_OPEN and PROC_EXIT (first open, last close),
 *    CONTEXT_MGR set and left, DEATH_SENT, FREEZE and UNFREEZE.
 *  - GET_STATS: doit and dump, counters that move with what we did.
 *  - GET_PROC: our own process (max threads, threads, frozen), the dump;
 *    as nobody: our own process yes, root's -EPERM and left out of the
 *    dump, the events group refused, GET_STATS allowed.
 *  - A listener that never reads, with a tiny receive buffer, slows
 *    nothing: 5000 failing calls all complete, and the listener later
 *    reads ENOBUFS (an overrun), not a stalled sender.
 *
 * The reference driver (6.1) has no netlink: every test skips there.
 */
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/android/binder_netlink.h>
#include <linux/ipckit_netlink.h>

#include "ipckit_test.h"

#define MGR_MS		5000
#define EVENT_MS	5000
#define QUIET_MS	200	/* events are sent before the call returns */
#define NOBODY		65534
#define MAX_RECS	64
#define MAX_ATTR	32
#define NODE_PTR	0xb0b0ULL
#define NODE_COOKIE	0xc0c0ULL
#define DEATH_COOKIE	0xdeadULL
#define MGR_PTR		0x4d47ULL
#define CODE_CALL	0x77
#define SPAM_SIZE	16384	/* oneway_spam_test: the 26th is suspect */
#define SPAM_SUSPECT	26
#define SPAM_CALLS	31
#define FLOOD_CALLS	5000

/* One message as it came: its command and its attributes, flattened. */
struct rec {
	int cmd;
	unsigned long long present;	/* bit n: attribute n came */
	__u64 val[MAX_ATTR];		/* u32 and u64 attributes */
	char str[64];			/* CONTEXT or DEVICE */
	bool used;
};

/* A socket and what it read. */
struct lst {
	struct nl_sock *sk;
	int family;
	int maxattr;
	int str_attr;			/* the one string attribute */
	struct rec recs[MAX_RECS];
	int nrecs;
	int overflow;
	int error;			/* a request's NLMSG_ERROR, -errno */
};

static const char *device_name(void)
{
	const char *slash = strrchr(ipckit_test_device, '/');

	return slash ? slash + 1 : ipckit_test_device;
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *tb[MAX_ATTR + 1];
	struct lst *l = arg;
	struct rec *r;
	int i;

	if (genlmsg_parse(nlh, 0, tb, l->maxattr, NULL))
		return NL_SKIP;
	if (l->nrecs == MAX_RECS) {
		l->overflow++;
		return NL_OK;
	}
	r = &l->recs[l->nrecs++];
	memset(r, 0, sizeof(*r));
	r->cmd = gh->cmd;
	for (i = 1; i <= l->maxattr; i++) {
		if (!tb[i])
			continue;
		r->present |= 1ULL << i;
		if (i == l->str_attr)
			snprintf(r->str, sizeof(r->str), "%s",
				 nla_get_string(tb[i]));
		else if (nla_len(tb[i]) == 4)
			r->val[i] = nla_get_u32(tb[i]);
		else if (nla_len(tb[i]) == 8)
			r->val[i] = nla_get_u64(tb[i]);
	}
	return NL_OK;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct lst *l = arg;

	l->error = e->error;
	return NL_STOP;
}

/*
 * Connect to family (and join group, if given). A listener takes no
 * sequence numbers; a requester checks them and waits at most 5 s.
 */
static int lst_open(struct lst *l, const char *family, const char *group)
{
	struct timeval tv = { .tv_sec = 5 };
	bool binder = !strcmp(family, BINDER_FAMILY_NAME);
	int ret, grp;

	memset(l, 0, sizeof(*l));
	l->maxattr = binder ? BINDER_A_REPORT_MAX : IPCKIT_A_MAX;
	l->str_attr = binder ? BINDER_A_REPORT_CONTEXT : IPCKIT_A_DEVICE;
	l->sk = nl_socket_alloc();
	if (!l->sk)
		return -ENOMEM;
	ret = genl_connect(l->sk);
	if (ret)
		return ret;
	l->family = genl_ctrl_resolve(l->sk, family);
	if (l->family < 0)
		return l->family;
	nl_socket_modify_cb(l->sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, l);
	nl_cb_err(nl_socket_get_cb(l->sk), NL_CB_CUSTOM, on_error, l);
	if (!group) {
		/* Replies and errors only: no ACK left behind for the next. */
		nl_socket_disable_auto_ack(l->sk);
		setsockopt(nl_socket_get_fd(l->sk), SOL_SOCKET, SO_RCVTIMEO,
			   &tv, sizeof(tv));
		return 0;
	}
	nl_socket_disable_seq_check(l->sk);
	grp = genl_ctrl_resolve_grp(l->sk, family, group);
	if (grp < 0)
		return grp;
	return nl_socket_add_membership(l->sk, grp);
}

static void lst_close(struct lst *l)
{
	if (l->sk)
		nl_socket_free(l->sk);
	l->sk = NULL;
}

/* Read what is there, waiting at most timeout_ms for something. */
static int lst_pump(struct lst *l, int timeout_ms)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(l->sk), .events = POLLIN };
	int ret = poll(&pfd, 1, timeout_ms);

	if (ret <= 0)
		return ret ? -errno : -ETIMEDOUT;
	return nl_recvmsgs_default(l->sk);
}

typedef bool (*rec_match)(const struct rec *r, const void *arg);

/* The first unused message matching, read for at most timeout_ms. */
static struct rec *lst_wait(struct lst *l, rec_match match, const void *arg,
			   int timeout_ms)
{
	long long deadline = binder_now_ms() + timeout_ms;
	int i;

	for (;;) {
		for (i = 0; i < l->nrecs; i++) {
			if (l->recs[i].used || !match(&l->recs[i], arg))
				continue;
			l->recs[i].used = true;
			return &l->recs[i];
		}
		if (binder_now_ms() >= deadline)
			return NULL;
		lst_pump(l, (int)(deadline - binder_now_ms()));
	}
}

static bool has(const struct rec *r, int attr)
{
	return r->present & (1ULL << attr);
}

struct report_want {
	__u32 error;
	__u32 from_pid;
};

static bool report_match(const struct rec *r, const void *arg)
{
	const struct report_want *w = arg;

	return r->cmd == BINDER_CMD_REPORT &&
	       r->val[BINDER_A_REPORT_ERROR] == w->error &&
	       r->val[BINDER_A_REPORT_FROM_PID] == w->from_pid;
}

static struct rec *wait_report(struct lst *l, __u32 error, pid_t from)
{
	struct report_want w = { .error = error, .from_pid = from };

	return lst_wait(l, report_match, &w, EVENT_MS);
}

struct event_want {
	__u32 kind;
	__u32 pid;
};

static bool event_match(const struct rec *r, const void *arg)
{
	const struct event_want *w = arg;

	return r->cmd == IPCKIT_CMD_EVENT &&
	       r->val[IPCKIT_A_EVENT] == w->kind &&
	       r->val[IPCKIT_A_PID] == w->pid;
}

static struct rec *wait_event_ms(struct lst *l, __u32 kind, pid_t pid,
				 int timeout_ms)
{
	struct event_want w = { .kind = kind, .pid = pid };

	return lst_wait(l, event_match, &w, timeout_ms);
}

static struct rec *wait_event(struct lst *l, __u32 kind, pid_t pid)
{
	return wait_event_ms(l, kind, pid, EVENT_MS);
}

/*
 * One request: 0 with the replies in l->recs (from index 0), or the
 * kernel's -errno, or a libnl error.
 */
static int lst_request(struct lst *l, int cmd, bool dump, const char *device,
		      pid_t pid)
{
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	if (!msg)
		return -ENOMEM;
	l->nrecs = 0;
	l->error = 0;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, l->family, 0,
			 dump ? NLM_F_DUMP : 0, cmd, IPCKIT_FAMILY_VERSION) ||
	    (device && nla_put_string(msg, IPCKIT_A_DEVICE, device)) ||
	    (pid && nla_put_u32(msg, IPCKIT_A_PID, pid))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	ret = nl_send_auto(l->sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return ret;
	ret = nl_recvmsgs_default(l->sk);
	if (l->error)
		return l->error;
	return ret < 0 ? ret : 0;
}

/* Why this driver cannot be tested here, or NULL: ipckit with netlink. */
static const char *netlink_missing(void)
{
	struct ipckit_version v;
	int fd, ret;

	if (!ipckit_test_is_ipckit)
		return "the reference driver (6.1) has no generic netlink families";
	fd = ipckit_test_open();
	if (fd < 0)
		return "cannot open the device";
	ret = ioctl(fd, IPCKIT_GET_VERSION, &v);
	close(fd);
	if (ret || !(v.flags & IPCKIT_FEATURE_NETLINK))
		return "ipckit loaded without its netlink family (see the kernel log)";
	return NULL;
}

#define REQUIRE_NETLINK() do {						\
	if (self->missing)						\
		SKIP(return, "%s", self->missing);			\
} while (0)

/* A report's common fields: what the sender sent, and to whom. */
#define EXPECT_REPORT(r, _from_tid, _to_pid, _flags, _code, _size, _reply) do { \
	EXPECT_STREQ(device_name(), (r)->str);				\
	EXPECT_EQ((__u64)(_from_tid), (r)->val[BINDER_A_REPORT_FROM_TID]); \
	if (_to_pid) {							\
		EXPECT_TRUE(has(r, BINDER_A_REPORT_TO_PID));		\
		EXPECT_EQ((__u64)(_to_pid), (r)->val[BINDER_A_REPORT_TO_PID]); \
	} else {							\
		EXPECT_FALSE(has(r, BINDER_A_REPORT_TO_PID));		\
	}								\
	EXPECT_EQ((__u64)(_flags), (r)->val[BINDER_A_REPORT_FLAGS]);	\
	EXPECT_EQ((__u64)(_code), (r)->val[BINDER_A_REPORT_CODE]);	\
	EXPECT_EQ((__u64)(_size), (r)->val[BINDER_A_REPORT_DATA_SIZE]); \
	EXPECT_EQ(!!(_reply), has(r, BINDER_A_REPORT_IS_REPLY));	\
} while (0)

/* BINDER_FREEZE of pid through fd (an open of our own: no new open). */
static bool freeze(int fd, pid_t pid, bool enable)
{
	struct binder_freeze_info info = {
		.pid = pid, .enable = enable, .timeout_ms = 0,
	};

	return !ioctl(fd, BINDER_FREEZE, &info);
}

/* --- children ---------------------------------------------------------- */

/*
 * O: hands T (the manager) a node of its own in a one-way call, then
 * waits to be told to exit, its node dying with it.
 */
static int owner_main(void *arg)
{
	struct flat_binder_object obj = {
		.hdr.type = BINDER_TYPE_BINDER,
		.binder = NODE_PTR,
		.cookie = NODE_COOKIE,
	};
	binder_size_t offset = 0;
	struct binder_transaction_data tr;
	struct binder_result res;
	struct binder_dev dev;
	char go;
	int ret;

	ret = binder_open_dev(&dev, ipckit_test_device, 0);
	if (!ret) {
		tr = binder_txn(0, CODE_CALL, TF_ONE_WAY, &obj, sizeof(obj));
		binder_txn_offsets(&tr, &offset, 1);
		ret = binder_call_tr(&dev, &tr, BC_TRANSACTION, &res,
				     BINDER_WAIT_MS);
	}
	binder_child_ready(ret);
	binder_child_wait_go(&go, 1, 60000);
	return 0;
}

/* F: one-way calls of SPAM_SIZE to handle 0; exit status: suspects seen + 1. */
static int flood_main(void *arg)
{
	static char buf[SPAM_SIZE];
	struct binder_result res;
	struct binder_dev dev;
	int i, completes = 0;

	if (binder_open_dev(&dev, ipckit_test_device, 0))
		return 255;
	for (i = 0; i < SPAM_CALLS; i++) {
		if (binder_call(&dev, 0, CODE_CALL, TF_ONE_WAY, buf, sizeof(buf),
				&res))
			return 254;
		if (res.cmd == BR_TRANSACTION_COMPLETE)
			completes++;
	}
	/* No detection asked for: every call completes all the same. */
	return completes == SPAM_CALLS ? 0 : 253;
}

/* --- reports ------------------------------------------------------------ */

FIXTURE(nl) {
	const char *missing;
	struct lst reports;
	struct lst events;
	struct lst req;
	struct binder_dev dev;
	struct binder_child c;
};

FIXTURE_SETUP(nl)
{
	memset(&self->dev, 0, sizeof(self->dev));
	memset(&self->c, 0, sizeof(self->c));
	memset(&self->reports, 0, sizeof(self->reports));
	memset(&self->events, 0, sizeof(self->events));
	memset(&self->req, 0, sizeof(self->req));
	self->missing = netlink_missing();
	if (self->missing)
		return;
	ASSERT_EQ(0, lst_open(&self->reports, BINDER_FAMILY_NAME,
			     BINDER_MCGRP_REPORT));
	ASSERT_EQ(0, lst_open(&self->events, IPCKIT_FAMILY_NAME,
			     IPCKIT_MCGRP_EVENTS));
	ASSERT_EQ(0, lst_open(&self->req, IPCKIT_FAMILY_NAME, NULL));
}

FIXTURE_TEARDOWN(nl)
{
	binder_child_kill(&self->c);
	binder_close_dev(&self->dev);
	lst_close(&self->reports);
	lst_close(&self->events);
	lst_close(&self->req);
}

/*
 * O's node dies: T, holding a handle with a death notification, gets
 * DEATH_SENT; T's call on that handle then fails with BR_DEAD_REPLY, a
 * report that names no target (upstream: the target was not found).
 */
TEST_F(nl, dead_node_death_event_and_report)
{
	struct binder_read_result rr;
	struct flat_binder_object *obj;
	struct binder_result res;
	struct binder_cmds c;
	__u64 payload = 42;
	struct rec *r;
	__u32 handle;
	pid_t owner;
	char go = 1;

	REQUIRE_NETLINK();
	ASSERT_EQ(0, binder_open_manager(&self->dev, ipckit_test_device, NULL,
					 MGR_MS));
	ASSERT_EQ(0, binder_child_start(&self->c, owner_main, NULL));
	owner = self->c.pid;
	ASSERT_EQ(0, binder_child_wait_ready(&self->c, EVENT_MS));
	ASSERT_EQ(0, binder_read_call(&self->dev, &rr, EVENT_MS));
	ASSERT_EQ(sizeof(*obj), rr.tr.data_size);
	obj = (void *)(uintptr_t)rr.tr.data.ptr.buffer;
	ASSERT_EQ(BINDER_TYPE_HANDLE, obj->hdr.type);
	handle = obj->handle;

	bc_init(&c);
	bc_handle(&c, BC_INCREFS, handle);
	bc_handle(&c, BC_ACQUIRE, handle);
	bc_handle_cookie(&c, BC_REQUEST_DEATH_NOTIFICATION, handle,
			 DEATH_COOKIE);
	bc_free_buffer(&c, rr.tr.data.ptr.buffer);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));

	ASSERT_EQ(0, binder_child_go(&self->c, &go, 1));
	EXPECT_CHILD_OK(binder_child_finish(&self->c, EVENT_MS));

	r = wait_event(&self->events, IPCKIT_EVENT_DEATH_SENT, getpid());
	ASSERT_NE(NULL, r);
	EXPECT_STREQ(device_name(), r->str);
	EXPECT_EQ(owner, r->val[IPCKIT_A_TARGET_PID]);
	EXPECT_EQ(NODE_PTR, r->val[IPCKIT_A_NODE]);
	EXPECT_EQ(handle, r->val[IPCKIT_A_HANDLE]);
	EXPECT_EQ(DEATH_COOKIE, r->val[IPCKIT_A_COOKIE]);
	EXPECT_EQ(geteuid(), r->val[IPCKIT_A_UID]);

	ASSERT_EQ(0, binder_call(&self->dev, handle, CODE_CALL, 0, &payload,
				 sizeof(payload), &res));
	EXPECT_EQ(BR_DEAD_REPLY, res.cmd) TH_LOG("%s", binder_br_name(res.cmd));
	r = wait_report(&self->reports, BR_DEAD_REPLY, getpid());
	ASSERT_NE(NULL, r);
	EXPECT_REPORT(r, binder_gettid(), 0, 0, CODE_CALL, sizeof(payload),
		      false);
	EXPECT_FALSE(has(r, BINDER_A_REPORT_TO_TID));
}

/* C calls T and dies before T replies: T's reply fails, IS_REPLY. */
TEST_F(nl, failed_reply_report)
{
	struct test_client_opts opts = {
		.device = ipckit_test_device, .code = CODE_CALL, .count = 1,
	};
	struct binder_read_result rr;
	__u32 answer = 7;
	struct rec *r;

	REQUIRE_NETLINK();
	ASSERT_EQ(0, binder_open_manager(&self->dev, ipckit_test_device, NULL,
					 MGR_MS));
	ASSERT_EQ(0, test_client_start(&self->c, &opts));
	ASSERT_EQ(0, binder_read_call(&self->dev, &rr, EVENT_MS));
	EXPECT_EQ(self->c.pid, rr.tr.sender_pid);
	binder_child_kill(&self->c);

	/* The write goes through; the reply has nowhere to go. */
	EXPECT_EQ(0, binder_reply(&self->dev, &rr.tr, 0, &answer,
				  sizeof(answer)));
	r = wait_report(&self->reports, BR_DEAD_REPLY, getpid());
	ASSERT_NE(NULL, r);
	EXPECT_REPORT(r, binder_gettid(), 0, 0, 0, sizeof(answer), true);
}

/*
 * C calls T, T's reply carries a handle it does not have: the reply
 * fails (BR_FAILED_REPLY, which C reads), reported with C as target,
 * its thread included.
 */
TEST_F(nl, failed_reply_to_a_live_caller_names_it)
{
	struct test_client_opts opts = {
		.device = ipckit_test_device, .code = CODE_CALL, .count = 1,
		.expect = BR_FAILED_REPLY,
	};
	struct flat_binder_object obj = {
		.hdr.type = BINDER_TYPE_HANDLE, .handle = 999,
	};
	struct binder_transaction_data reply;
	struct binder_read_result rr;
	binder_size_t offset = 0;
	struct rec *r;
	pid_t client;

	REQUIRE_NETLINK();
	ASSERT_EQ(0, binder_open_manager(&self->dev, ipckit_test_device, NULL,
					 MGR_MS));
	ASSERT_EQ(0, test_client_start(&self->c, &opts));
	client = self->c.pid;
	ASSERT_EQ(0, binder_read_call(&self->dev, &rr, EVENT_MS));
	reply = binder_txn(0, 0, 0, &obj, sizeof(obj));
	binder_txn_offsets(&reply, &offset, 1);
	binder_reply_tr(&self->dev, &rr.tr, &reply);
	EXPECT_CHILD_OK(binder_child_finish(&self->c, EVENT_MS));
	r = wait_report(&self->reports, BR_FAILED_REPLY, getpid());
	ASSERT_NE(NULL, r);
	EXPECT_REPORT(r, binder_gettid(), client, 0, 0, sizeof(obj), true);
	EXPECT_TRUE(has(r, BINDER_A_REPORT_TO_TID));
	EXPECT_EQ(client, r->val[BINDER_A_REPORT_TO_TID]);
}

/*
 * T freezes itself: FREEZE; C's sync call is refused (BR_FROZEN_REPLY,
 * reported with T as target), C2's one-way call is queued (reported with
 * upstream's BR_TRANSACTION_PENDING_FROZEN); the thaw: UNFREEZE.
 */
TEST_F(nl, frozen_target_reports_and_freeze_events)
{
	struct test_client_opts opts = {
		.device = ipckit_test_device, .code = CODE_CALL, .count = 1,
		.expect = BR_FROZEN_REPLY,
	};
	struct rec *r;
	pid_t client;

	REQUIRE_NETLINK();
	ASSERT_EQ(0, binder_open_manager(&self->dev, ipckit_test_device, NULL,
					 MGR_MS));
	ASSERT_TRUE(freeze(self->dev.fd, getpid(), true));
	r = wait_event(&self->events, IPCKIT_EVENT_FREEZE, getpid());
	ASSERT_NE(NULL, r);
	EXPECT_EQ(binder_gettid(), r->val[IPCKIT_A_TID]);
	EXPECT_EQ(0, r->val[IPCKIT_A_TIMEOUT_MS]);
	EXPECT_TRUE(has(r, IPCKIT_A_TIMEOUT_MS));
	/* Frozen again: no change, no event (checked with the thaw below). */
	ASSERT_TRUE(freeze(self->dev.fd, getpid(), true));

	ASSERT_EQ(0, test_client_start(&self->c, &opts));
	client = self->c.pid;
	EXPECT_CHILD_OK(binder_child_finish(&self->c, EVENT_MS));
	r = wait_report(&self->reports, BR_FROZEN_REPLY, client);
	ASSERT_NE(NULL, r);
	EXPECT_REPORT(r, client, getpid(), 0, CODE_CALL, 0, false);

	opts.flags = TF_ONE_WAY;
	opts.expect = binder_frozen_oneway_br(BR_TRANSACTION_COMPLETE);
	ASSERT_EQ(0, test_client_start(&self->c, &opts));
	client = self->c.pid;
	EXPECT_CHILD_OK(binder_child_finish(&self->c, EVENT_MS));
	r = wait_report(&self->reports, BR_TRANSACTION_PENDING_FROZEN, client);
	ASSERT_NE(NULL, r);
	EXPECT_REPORT(r, client, getpid(), TF_ONE_WAY, CODE_CALL, 0, false);

	ASSERT_TRUE(freeze(self->dev.fd, getpid(), false));
	r = wait_event(&self->events, IPCKIT_EVENT_UNFREEZE, getpid());
	ASSERT_NE(NULL, r);
	EXPECT_FALSE(has(r, IPCKIT_A_TIMEOUT_MS));
	/* One FREEZE only: the second freeze changed nothing. */
	EXPECT_EQ(NULL, wait_event_ms(&self->events, IPCKIT_EVENT_FREEZE,
				      getpid(), QUIET_MS));
}

/* F floods T, which reads nothing: exactly one spam report, the 26th. */
TEST_F(nl, oneway_spam_suspect_report)
{
	struct rec *r;
	pid_t flooder;

	REQUIRE_NETLINK();
	ASSERT_EQ(0, binder_open_manager(&self->dev, ipckit_test_device, NULL,
					 MGR_MS));
	ASSERT_EQ(0, binder_child_start(&self->c, flood_main, NULL));
	flooder = self->c.pid;
	EXPECT_CHILD_OK(binder_child_finish(&self->c, 30000));
	r = wait_report(&self->reports, BR_ONEWAY_SPAM_SUSPECT, flooder);
	ASSERT_NE(NULL, r);
	EXPECT_REPORT(r, flooder, getpid(), TF_ONE_WAY, CODE_CALL, SPAM_SIZE,
		      false);
	/* The SPAM_SUSPECT-th call was the only one. */
	EXPECT_EQ(NULL, lst_wait(&self->reports, report_match,
				&(struct report_want){ BR_ONEWAY_SPAM_SUSPECT,
						       flooder }, QUIET_MS));
}

/* --- events --------------------------------------------------------------- */

/*
 * PROC_OPEN at the first open only, CONTEXT_MGR when set (with its node)
 * and when its process leaves, PROC_EXIT at the last close only.
 */
TEST_F(nl, open_mgr_exit_events)
{
	struct flat_binder_object fbo = { .binder = MGR_PTR };
	int fd2;
	struct rec *r;

	REQUIRE_NETLINK();
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	r = wait_event(&self->events, IPCKIT_EVENT_PROC_OPEN, getpid());
	ASSERT_NE(NULL, r);
	EXPECT_STREQ(device_name(), r->str);
	EXPECT_EQ(binder_gettid(), r->val[IPCKIT_A_TID]);
	EXPECT_EQ(geteuid(), r->val[IPCKIT_A_UID]);

	fd2 = ipckit_test_open();
	ASSERT_LE(0, fd2);

	ASSERT_EQ(0, binder_become_context_mgr(self->dev.fd, &fbo, MGR_MS));
	r = wait_event(&self->events, IPCKIT_EVENT_CONTEXT_MGR, getpid());
	ASSERT_NE(NULL, r);
	EXPECT_EQ(MGR_PTR, r->val[IPCKIT_A_NODE]);
	EXPECT_FALSE(has(r, IPCKIT_A_MGR_LEFT));
	EXPECT_EQ(binder_gettid(), r->val[IPCKIT_A_TID]);

	binder_close_dev(&self->dev);
	r = wait_event(&self->events, IPCKIT_EVENT_CONTEXT_MGR, getpid());
	ASSERT_NE(NULL, r);
	EXPECT_TRUE(has(r, IPCKIT_A_MGR_LEFT));
	EXPECT_EQ(MGR_PTR, r->val[IPCKIT_A_NODE]);
	close(fd2);
	r = wait_event(&self->events, IPCKIT_EVENT_PROC_EXIT, getpid());
	ASSERT_NE(NULL, r);
	EXPECT_FALSE(has(r, IPCKIT_A_TID));
	/* One open and one exit: the second fd made neither. */
	EXPECT_EQ(NULL, wait_event_ms(&self->events, IPCKIT_EVENT_PROC_OPEN,
				      getpid(), QUIET_MS));
	EXPECT_EQ(NULL, wait_event_ms(&self->events, IPCKIT_EVENT_PROC_EXIT,
				      getpid(), QUIET_MS));
}

/* --- requests ------------------------------------------------------------- */

/* The u64 of counter name among the STAT nests of the raw reply. */
struct stat_find {
	const char *name;
	long long value;
	char device[64];
	int messages;
};

static int on_stats(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[IPCKIT_A_MAX + 1], *st[IPCKIT_A_STAT_MAX + 1];
	struct stat_find *f = arg;
	struct nlattr *a;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, IPCKIT_A_MAX, NULL))
		return NL_SKIP;
	f->messages++;
	if (!tb[IPCKIT_A_DEVICE] ||
	    strcmp(nla_get_string(tb[IPCKIT_A_DEVICE]), f->device))
		return NL_OK;
	nlmsg_for_each_attr(a, nlmsg_hdr(msg), GENL_HDRLEN, rem) {
		if (nla_type(a) != IPCKIT_A_STAT ||
		    nla_parse_nested(st, IPCKIT_A_STAT_MAX, a, NULL) ||
		    !st[IPCKIT_A_STAT_NAME] || !st[IPCKIT_A_STAT_VALUE])
			continue;
		if (!strcmp(nla_get_string(st[IPCKIT_A_STAT_NAME]), f->name))
			f->value = nla_get_u64(st[IPCKIT_A_STAT_VALUE]);
	}
	return NL_OK;
}

/* Counter name of our device, by doit (dump false) or dump: -1 if absent. */
static long long get_stat(struct lst *l, const char *name, bool dump,
			  int *messages)
{
	struct stat_find f = { .name = name, .value = -1 };
	int ret;

	snprintf(f.device, sizeof(f.device), "%s", device_name());
	nl_socket_modify_cb(l->sk, NL_CB_VALID, NL_CB_CUSTOM, on_stats, &f);
	ret = lst_request(l, IPCKIT_CMD_GET_STATS, dump,
			 dump ? NULL : device_name(), 0);
	nl_socket_modify_cb(l->sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, l);
	if (messages)
		*messages = f.messages;
	return ret ? ret : f.value;
}

TEST_F(nl, get_stats_counts_what_we_did)
{
	long long open0, open1, dumped;
	int messages = 0;

	REQUIRE_NETLINK();
	open0 = get_stat(&self->req, "open", false, NULL);
	ASSERT_LE(0, open0);
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	open1 = get_stat(&self->req, "open", false, NULL);
	EXPECT_EQ(open0 + 1, open1);
	EXPECT_LE(1, get_stat(&self->req, "procs", false, NULL));
	EXPECT_LE(1, get_stat(&self->req, "mmap", false, NULL));
	/* Command counters left at zero are left out, as in debugfs. */
	EXPECT_EQ(-1, get_stat(&self->req, "no_such_counter", false, NULL));

	dumped = get_stat(&self->req, "open", true, &messages);
	EXPECT_EQ(open1, dumped);
	EXPECT_LE(1, messages);

	EXPECT_EQ(-ENODEV, lst_request(&self->req, IPCKIT_CMD_GET_STATS, false,
				      "no-such-device", 0));
	EXPECT_EQ(-EINVAL, lst_request(&self->req, IPCKIT_CMD_GET_STATS, false,
				      NULL, 0));
}

static bool proc_match(const struct rec *r, const void *arg)
{
	return r->cmd == IPCKIT_CMD_GET_PROC &&
	       r->val[IPCKIT_A_PID] == *(const pid_t *)arg;
}

/* Our own GET_PROC reply (doit), or NULL. */
static struct rec *get_proc(struct lst *l, pid_t pid, int *err)
{
	*err = lst_request(l, IPCKIT_CMD_GET_PROC, false, device_name(), pid);
	if (*err)
		return NULL;
	return lst_wait(l, proc_match, &pid, 0);
}

TEST_F(nl, get_proc_of_own_process)
{
	struct rec *r;
	pid_t me = getpid();
	int err;

	REQUIRE_NETLINK();
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	ASSERT_EQ(0, binder_set_max_threads(self->dev.fd, 7));
	r = get_proc(&self->req, me, &err);
	ASSERT_NE(NULL, r) TH_LOG("error %d", err);
	EXPECT_STREQ(device_name(), r->str);
	EXPECT_EQ(7, r->val[IPCKIT_A_PROC_MAX_THREADS]);
	EXPECT_LE(1, r->val[IPCKIT_A_PROC_THREADS]);
	EXPECT_EQ(0, r->val[IPCKIT_A_PROC_FROZEN]);
	EXPECT_EQ(0, r->val[IPCKIT_A_PROC_NODES]);
	EXPECT_EQ(0, r->val[IPCKIT_A_PROC_BUFFERS]);
	EXPECT_EQ(geteuid(), r->val[IPCKIT_A_UID]);
	EXPECT_TRUE(has(r, IPCKIT_A_PROC_TODO));
	EXPECT_TRUE(has(r, IPCKIT_A_PROC_REFS));
	EXPECT_TRUE(has(r, IPCKIT_A_PROC_STRONG_REFS));
	EXPECT_TRUE(has(r, IPCKIT_A_PROC_BUFFER_BYTES));
	EXPECT_TRUE(has(r, IPCKIT_A_PROC_REQUESTED_THREADS));
	EXPECT_TRUE(has(r, IPCKIT_A_PROC_STARTED_THREADS));

	ASSERT_TRUE(freeze(self->dev.fd, me, true));
	r = get_proc(&self->req, me, &err);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(1, r->val[IPCKIT_A_PROC_FROZEN]);
	ASSERT_TRUE(freeze(self->dev.fd, me, false));

	/* The dump has us, the doit of a pid without the device has not. */
	ASSERT_EQ(0, lst_request(&self->req, IPCKIT_CMD_GET_PROC, true,
				device_name(), 0));
	EXPECT_NE(NULL, lst_wait(&self->req, proc_match, &me, 0));
	EXPECT_EQ(-ESRCH, lst_request(&self->req, IPCKIT_CMD_GET_PROC, false,
				     device_name(), getppid()));
}

/*
 * As nobody: our own process may be read, root's may not (EPERM, and it
 * is left out of the dump); the events group is refused, GET_STATS not.
 * Exit status: the number of the first check that failed.
 */
struct nobody_args {
	pid_t root_pid;
	char node[64];		/* a 0666 node for the device */
};

static int nobody_main(void *arg)
{
	const struct nobody_args *a = arg;
	pid_t root_pid = a->root_pid, me = getpid();
	struct binder_dev dev;
	struct lst l, ev;
	int err, i, dir;
	bool found_root = false, found_me = false;

	/* The VM's / is 0700 (access_test): find the node from /tmp. */
	dir = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0 || seteuid(NOBODY))
		return 1;
	memset(&dev, 0, sizeof(dev));
	dev.fd = openat(dir, strrchr(a->node, '/') + 1, O_RDWR | O_CLOEXEC);
	if (dev.fd < 0)
		return 2;
	if (lst_open(&l, IPCKIT_FAMILY_NAME, NULL))
		return 3;
	if (!get_proc(&l, me, &err))
		return 4;
	if (get_proc(&l, root_pid, &err) || err != -EPERM)
		return 5;
	if (lst_request(&l, IPCKIT_CMD_GET_PROC, true, NULL, 0))
		return 6;
	for (i = 0; i < l.nrecs; i++) {
		found_root |= l.recs[i].val[IPCKIT_A_PID] == (__u64)root_pid;
		found_me |= l.recs[i].val[IPCKIT_A_PID] == (__u64)me;
	}
	if (found_root || !found_me)
		return 7;
	if (get_stat(&l, "open", false, NULL) < 1)
		return 8;
	if (!lst_open(&ev, IPCKIT_FAMILY_NAME, IPCKIT_MCGRP_EVENTS))
		return 9;
	lst_close(&ev);
	lst_close(&l);
	binder_close_dev(&dev);
	return 0;
}

TEST_F(nl, get_proc_of_another_user_is_eperm)
{
	struct nobody_args a = { .root_pid = getpid() };
	struct binder_child nobody;
	struct stat st;
	int status;

	REQUIRE_NETLINK();
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	/* The /dev node may not be 0666 here; the device is (access_test). */
	ASSERT_EQ(0, stat(ipckit_test_device, &st));
	snprintf(a.node, sizeof(a.node), "/tmp/ipckit-netlink-%d", getpid());
	unlink(a.node);
	ASSERT_EQ(0, mknod(a.node, S_IFCHR | 0666, st.st_rdev));
	ASSERT_EQ(0, chmod(a.node, 0666));
	ASSERT_EQ(0, binder_child_start(&nobody, nobody_main, &a));
	status = binder_child_finish(&nobody, 10000);
	unlink(a.node);
	EXPECT_CHILD_OK(status);
}

/*
 * A listener that never reads, with the smallest receive buffer: 5000
 * failing calls (each reported) all complete, the listener sees ENOBUFS.
 */
TEST_F(nl, a_listener_that_never_reads_slows_nothing)
{
	struct binder_result res;
	int fd, rcvbuf = 1, i, failed = 0, got;
	bool enobufs = false;
	char buf[8192];

	REQUIRE_NETLINK();
	lst_close(&self->reports);
	ASSERT_EQ(0, lst_open(&self->reports, BINDER_FAMILY_NAME,
			     BINDER_MCGRP_REPORT));
	fd = nl_socket_get_fd(self->reports.sk);
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				sizeof(rcvbuf)));

	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	for (i = 0; i < FLOOD_CALLS; i++) {
		/* No such handle: BR_FAILED_REPLY, and a report. */
		ASSERT_EQ(0, binder_call(&self->dev, 1000, CODE_CALL, 0, NULL,
					 0, &res));
		failed += res.cmd == BR_FAILED_REPLY;
	}
	EXPECT_EQ(FLOOD_CALLS, failed);

	for (i = 0; i < FLOOD_CALLS; i++) {
		got = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (got >= 0)
			continue;
		if (errno == ENOBUFS)
			enobufs = true;
		else
			break;
	}
	EXPECT_TRUE(enobufs);
}

IPCKIT_TEST_MAIN
