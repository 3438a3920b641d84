// SPDX-License-Identifier: GPL-2.0
/*
 * Access policy for hosts without an Android LSM policy, where any user
 * may open the device (ipckit's nodes are 0666): who may freeze another
 * process, and who may become the context manager.
 *
 * This is ipckit's policy (issue #12 item 15), not the reference's:
 *
 *  - BINDER_FREEZE (and thawing) of a process other than the caller's
 *    own needs the right to signal it, as kill(2) does: same real or
 *    effective uid as the target's real or saved uid, or CAP_KILL. An
 *    unprivileged process (uid 65534) freezing a root-owned one gets
 *    EPERM; the same uid, or root, may.
 *  - The module parameter context_mgr_uid (default -1: anyone, as the
 *    reference; writable by root) restricts BINDER_SET_CONTEXT_MGR(_EXT)
 *    to that euid: others get EPERM.
 *
 * The reference (6.1) has no such checks without an LSM: anyone with the
 * device open may freeze any process that has it open, which these tests
 * assert there to document the difference; it has no context_mgr_uid
 * parameter (those tests SKIP on it). Both drivers remember the first
 * manager's euid (root here) and refuse other euids anyway: the
 * parameter is checked with root as the first manager, so for the
 * unprivileged process it is refused either way on ipckit; the test
 * checks the parameter's value, its effect on root and that it is
 * restored.
 *
 * The unprivileged processes open the device after dropping root
 * through a node of their own (mknod in /tmp, mode 0666), so that both
 * the opener's and the caller's credentials are theirs.
 */
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "ipckit_test.h"

#define OTHER_UID	65534
#define MGR_MS		5000	/* becoming manager: the last one may linger */
#define EVENT_MS	5000
#define MGR_UID_PARAM	"/sys/module/ipckit/parameters/context_mgr_uid"

enum {
	U_FREEZE = 1,	/* BINDER_FREEZE pid, then (if that worked) thaw it */
	U_IDLE,		/* open and wait to be killed */
	U_MGR,		/* BINDER_SET_CONTEXT_MGR, retrying -EBUSY */
};

struct u_args {
	int op;
	const char *node;	/* the device node to open */
	uid_t uid;		/* 0: stay root */
	pid_t pid;		/* U_FREEZE: whom (0: itself) */
};

/* What U reports: the freeze's (or the claim's) result, then the thaw's. */
struct u_report {
	__s32 ret;
	__s32 thaw;
};

static int freeze(int fd, pid_t pid, __u32 enable)
{
	struct binder_freeze_info info = {
		.pid = (__u32)pid,
		.enable = enable,
	};

	return binder_ioctl(fd, BINDER_FREEZE, &info);
}

static int u_main(void *arg)
{
	const struct u_args *a = arg;
	const char *name = strrchr(a->node, '/') + 1;
	struct u_report rep = { };
	int dir, fd;

	/*
	 * The VM's / is 0700 (the initramfs is packed from a mktemp -d):
	 * look the node up from a /tmp opened while still root.
	 */
	dir = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0 || (a->uid && (setresgid(a->uid, a->uid, a->uid) ||
				   setresuid(a->uid, a->uid, a->uid)))) {
		binder_child_ready(-errno);
		return 2;
	}
	fd = openat(dir, name, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		binder_child_ready(-errno);
		return 2;
	}
	binder_child_ready(0);
	switch (a->op) {
	case U_FREEZE:
		/* pid 0: U itself. */
		rep.ret = freeze(fd, a->pid ? a->pid : getpid(), 1);
		if (!rep.ret)
			rep.thaw = freeze(fd, a->pid ? a->pid : getpid(), 0);
		break;
	case U_MGR:
		rep.ret = binder_become_context_mgr(fd, NULL, MGR_MS);
		break;
	case U_IDLE:
		pause();
		return 0;
	}
	if (binder_child_send(&rep, sizeof(rep)))
		return 4;
	close(fd);
	return 0;
}

FIXTURE(acc) {
	char node[64];		/* our 0666 node for the device, or "" */
	struct binder_child u, target;
	struct u_args ua, ta;
	struct u_report rep;
	int fd;
	bool param_changed;
};

FIXTURE_SETUP(acc)
{
	struct stat st;

	ASSERT_EQ(0, stat(ipckit_test_device, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	snprintf(self->node, sizeof(self->node), "/tmp/ipckit-access-%d",
		 getpid());
	unlink(self->node);
	ASSERT_EQ(0, mknod(self->node, S_IFCHR | 0666, st.st_rdev))
		TH_LOG("mknod: %s", strerror(errno));
	ASSERT_EQ(0, chmod(self->node, 0666));
	self->fd = -1;
}

FIXTURE_TEARDOWN(acc)
{
	binder_child_kill(&self->u);
	binder_child_kill(&self->target);
	if (self->fd >= 0)
		close(self->fd);
	if (self->param_changed) {
		int fd = open(MGR_UID_PARAM, O_WRONLY | O_CLOEXEC);

		if (fd >= 0) {
			if (write(fd, "-1", 2) != 2)
				TH_LOG("could not restore context_mgr_uid");
			close(fd);
		}
	}
	unlink(self->node);
}

/* Start U with self->ua; it opened the device when this returns 0. */
static int u_start(FIXTURE_DATA(acc) *self, struct binder_child *c,
		   struct u_args *a)
{
	int ret = binder_child_start(c, u_main, a);

	if (ret)
		return ret;
	ret = binder_child_wait_ready(c, EVENT_MS);
	if (ret)
		binder_child_kill(c);
	return ret;
}

/* U (as uid) freezes pid: its report in self->rep. */
static int u_freeze(FIXTURE_DATA(acc) *self, uid_t uid, pid_t pid)
{
	int ret;

	self->ua = (struct u_args){
		.op = U_FREEZE, .node = self->node, .uid = uid, .pid = pid,
	};
	ret = u_start(self, &self->u, &self->ua);
	if (!ret)
		ret = binder_child_recv(&self->u, &self->rep,
					sizeof(self->rep), EVENT_MS);
	binder_child_finish(&self->u, EVENT_MS);
	return ret;
}

/* A target process of uid with the device open. */
static int target_start(FIXTURE_DATA(acc) *self, uid_t uid)
{
	self->ta = (struct u_args){
		.op = U_IDLE, .node = self->node, .uid = uid,
	};
	return u_start(self, &self->target, &self->ta);
}

/*
 * uid 65534 freezing a root-owned process (this one): ipckit refuses
 * it with EPERM, as kill(2) would; the reference lets it (and the thaw).
 */
TEST_F(acc, an_unprivileged_process_freezing_a_root_process)
{
	self->fd = open(self->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, u_freeze(self, OTHER_UID, getpid()));
	if (ipckit_test_is_ipckit) {
		EXPECT_EQ(-EPERM, self->rep.ret);
	} else {
		EXPECT_EQ(0, self->rep.ret);
		EXPECT_EQ(0, self->rep.thaw);
	}
	/* Whatever happened, this process is not left frozen. */
	EXPECT_EQ(0, freeze(self->fd, getpid(), 0));
}

/* The same uid may freeze and thaw (both drivers). */
TEST_F(acc, a_process_may_freeze_one_of_its_own_uid)
{
	ASSERT_EQ(0, target_start(self, OTHER_UID));
	ASSERT_EQ(0, u_freeze(self, OTHER_UID, self->target.pid));
	EXPECT_EQ(0, self->rep.ret);
	EXPECT_EQ(0, self->rep.thaw);
}

/* Root may freeze and thaw an unprivileged process (both drivers). */
TEST_F(acc, root_may_freeze_an_unprivileged_process)
{
	ASSERT_EQ(0, target_start(self, OTHER_UID));
	ASSERT_EQ(0, u_freeze(self, 0, self->target.pid));
	EXPECT_EQ(0, self->rep.ret);
	EXPECT_EQ(0, self->rep.thaw);
}

/* An unprivileged process may freeze itself (both drivers). */
TEST_F(acc, an_unprivileged_process_may_freeze_itself)
{
	ASSERT_EQ(0, u_freeze(self, OTHER_UID, 0));
	EXPECT_EQ(0, self->rep.ret);
	EXPECT_EQ(0, self->rep.thaw);
}

/* Read the context_mgr_uid parameter. */
static int param_read(int *val)
{
	char buf[32];
	int fd = open(MGR_UID_PARAM, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	*val = atoi(buf);
	return 0;
}

static int param_write(FIXTURE_DATA(acc) *self, const char *val)
{
	int fd = open(MGR_UID_PARAM, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	self->param_changed = true;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

/*
 * ipckit only: context_mgr_uid exists, root-writable (0644), -1 by
 * default. Set to 0: an unprivileged process may not claim the context
 * manager (EPERM), root may; restored to -1, root still may.
 */
TEST_F(acc, context_mgr_uid_restricts_the_context_manager)
{
	struct stat st;
	int val = 42, fd;

	if (!ipckit_test_is_ipckit)
		SKIP(return, "context_mgr_uid is ipckit's (the reference has none)");
	ASSERT_EQ(0, stat(MGR_UID_PARAM, &st))
		TH_LOG("%s: %s", MGR_UID_PARAM, strerror(errno));
	EXPECT_EQ(0644, st.st_mode & 07777);
	ASSERT_EQ(0, param_read(&val));
	EXPECT_EQ(-1, val);

	ASSERT_EQ(0, param_write(self, "0"));
	ASSERT_EQ(0, param_read(&val));
	EXPECT_EQ(0, val);
	self->ua = (struct u_args){
		.op = U_MGR, .node = self->node, .uid = OTHER_UID,
	};
	ASSERT_EQ(0, u_start(self, &self->u, &self->ua));
	ASSERT_EQ(0, binder_child_recv(&self->u, &self->rep, sizeof(self->rep),
				       MGR_MS + EVENT_MS));
	EXPECT_EQ(-EPERM, self->rep.ret);
	binder_child_finish(&self->u, EVENT_MS);

	/* Root is uid 0: it may. Closing the fd frees the slot again. */
	fd = open(ipckit_test_device, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, binder_become_context_mgr(fd, NULL, MGR_MS));
	close(fd);

	ASSERT_EQ(0, param_write(self, "-1"));
	ASSERT_EQ(0, param_read(&val));
	EXPECT_EQ(-1, val);
	fd = open(ipckit_test_device, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, binder_become_context_mgr(fd, NULL, MGR_MS));
	close(fd);
}

IPCKIT_TEST_MAIN
