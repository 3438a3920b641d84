// SPDX-License-Identifier: GPL-2.0
/*
 * Freezable sleep: a thread idle in BINDER_WRITE_READ (a looper waiting
 * for process work) and what stopping or freezing its process does to
 * that ioctl.
 *
 * W, a forked child, becomes the context manager, enters the looper and
 * makes one raw BINDER_WRITE_READ read (no timeout, no retry on EINTR).
 * This process (T) stops or freezes W while it waits there, lets it go
 * again, then sends it a one-way call. W reports over a pipe what that
 * ioctl returned (and if it was EINTR, what a second read brought).
 *
 * What the reference (6.1) does, and these tests assert:
 *
 *  - It sleeps in TASK_INTERRUPTIBLE | TASK_FREEZABLE
 *    (binder_wait_for_work()). The freezer proper (system suspend, and
 *    the cgroup v1 freezer, both freeze_task()) freezes such a sleeper
 *    where it is, without waking it: the v1 cgroup reaches FROZEN, and
 *    after THAWED the same ioctl goes on waiting and returns the call
 *    that comes (BR_NOOP BR_TRANSACTION), no EINTR.
 *  - Job control and the cgroup v2 freezer act through the signal path
 *    (signal_wake_up() wakes any interruptible sleeper): SIGSTOP and a
 *    v2 freeze make the ioctl return EINTR (the task then stops or
 *    freezes on its way to userspace; the v2 cgroup reports frozen 1).
 *    Nothing is lost: the next read returns the call. These tests pin
 *    that as well, so that a driver keeps to the same contract.
 *
 * The cgroup tests mount what they need at a temporary directory (the
 * VM mounts no cgroup file system) and SKIP when the kernel has no such
 * freezer.
 */
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "ipckit_test.h"

#define MGR_MS		5000	/* becoming manager: the last one may linger */
#define EVENT_MS	5000	/* bound on a wait for what must come */
#define HOLD_MS		300	/* how long W stays stopped or frozen */
#define CODE_WAKE	0x57414b45	/* "WAKE" */
#define IOCTL_NR	16	/* x86_64 __NR_ioctl, in /proc/<pid>/syscall */

/* What W's read came back with. */
struct w_report {
	__s32 ret;		/* ioctl's return value */
	__s32 err;		/* its errno */
	__u32 ncmds;
	__u32 cmds[8];
	__u32 code;		/* of a BR_TRANSACTION */
};

static void w_parse(struct w_report *rep, const __u32 *buf, size_t size)
{
	const struct binder_transaction_data *tr;
	struct binder_reader r;
	const void *payload;
	__u32 cmd;

	br_init(&r, buf, size);
	while (br_next(&r, &cmd, &payload)) {
		if (rep->ncmds < ARRAY_SIZE(rep->cmds))
			rep->cmds[rep->ncmds++] = cmd;
		if (cmd == BR_TRANSACTION) {
			tr = payload;
			rep->code = tr->code;
		}
	}
}

static int w_main(void *arg)
{
	__u32 buf[64] __attribute__((aligned(8)));
	struct binder_write_read bwr = { };
	struct binder_read_result rr;
	struct w_report rep = { };
	struct binder_dev dev;
	int ret;
	char go;

	/* T moves us into the cgroup first. */
	if (binder_child_wait_go(&go, 1, 30000))
		return 3;
	ret = binder_open_manager(&dev, ipckit_test_device, NULL, MGR_MS);
	binder_child_ready(ret);
	if (ret)
		return 2;
	bwr.read_size = sizeof(buf);
	bwr.read_buffer = (uintptr_t)buf;
	rep.ret = ioctl(dev.fd, BINDER_WRITE_READ, &bwr);
	rep.err = rep.ret ? errno : 0;
	if (!rep.ret)
		w_parse(&rep, buf, bwr.read_consumed);
	if (binder_child_send(&rep, sizeof(rep)))
		return 4;
	if (!rep.ret)
		return 0;
	/* Interrupted: the call must still be there for the next read. */
	memset(&rep, 0, sizeof(rep));
	rep.ret = binder_read_one(&dev, &rr, EVENT_MS);
	if (!rep.ret) {
		memcpy(rep.cmds, rr.cmds, sizeof(rep.cmds));
		rep.ncmds = rr.ncmds < 8 ? rr.ncmds : 8;
		rep.code = rr.tr.code;
	}
	if (binder_child_send(&rep, sizeof(rep)))
		return 4;
	return 0;
}

/* --- files ------------------------------------------------------------- */

static int write_str(const char *path, const char *str)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, str, strlen(str));
	close(fd);
	return n == (ssize_t)strlen(str) ? 0 : -errno;
}

/* Until fn(arg) is true, for at most EVENT_MS. */
static bool wait_until(bool (*fn)(const void *), const void *arg)
{
	long long deadline = binder_now_ms() + EVENT_MS;

	while (!fn(arg)) {
		if (binder_now_ms() > deadline)
			return false;
		binder_sleep_ms(10);
	}
	return true;
}

struct proc_state {
	pid_t pid;
	char state;	/* wanted in /proc/<pid>/stat */
	bool in_ioctl;	/* and blocked in ioctl(2) */
};

static bool proc_is(const void *arg)
{
	const struct proc_state *ps = arg;
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", ps->pid);
	if (binder_read_text(path, buf, sizeof(buf)))
		return false;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] != ps->state)
		return false;
	if (!ps->in_ioctl)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/syscall", ps->pid);
	if (binder_read_text(path, buf, sizeof(buf)))
		return false;
	return atoi(buf) == IOCTL_NR && buf[0] != 'r';
}

struct file_has {
	const char *path;
	const char *text;
};

static bool file_has(const void *arg)
{
	const struct file_has *fh = arg;
	char buf[512];

	return !binder_read_text(fh->path, buf, sizeof(buf)) && strstr(buf, fh->text);
}

/* --- fixture ------------------------------------------------------------ */

enum freezer { NONE, V1, V2 };

FIXTURE(frz) {
	struct binder_dev dev;
	struct binder_child w;
	char mnt[64];		/* our mount, or "" */
	char cg[128];		/* our cgroup, or "" */
	struct w_report rep;
};

FIXTURE_SETUP(frz)
{
	self->mnt[0] = 0;
	self->cg[0] = 0;
	ASSERT_EQ(0, binder_child_start(&self->w, w_main, NULL));
}

FIXTURE_TEARDOWN(frz)
{
	char path[192];

	if (self->cg[0]) {
		/* Never leave W frozen: it could not die. */
		snprintf(path, sizeof(path), "%s/cgroup.freeze", self->cg);
		write_str(path, "0");
		snprintf(path, sizeof(path), "%s/freezer.state", self->cg);
		write_str(path, "THAWED");
	}
	if (self->w.pid > 0)
		kill(self->w.pid, SIGCONT);
	binder_child_kill(&self->w);
	binder_close_dev(&self->dev);
	if (self->cg[0])
		rmdir(self->cg);
	if (self->mnt[0]) {
		umount2(self->mnt, MNT_DETACH);
		rmdir(self->mnt);
	}
}

/*
 * Make a cgroup with the freezer of kind in it and move W there: 0, or
 * -ENODEV when the kernel has no such freezer (the test SKIPs).
 */
static int cg_setup(FIXTURE_DATA(frz) *self, enum freezer kind)
{
	const char *fs = kind == V2 ? "cgroup2" : "cgroup";
	const char *opts = kind == V2 ? NULL : "freezer";
	const char *knob = kind == V2 ? "cgroup.freeze" : "freezer.state";
	char path[192], pid[16];

	strcpy(self->mnt, "/tmp/ipckit-cg-XXXXXX");
	if (!mkdtemp(self->mnt)) {
		self->mnt[0] = 0;
		return -errno;
	}
	if (mount(fs, self->mnt, fs, 0, opts)) {
		rmdir(self->mnt);
		self->mnt[0] = 0;
		return -ENODEV;
	}
	snprintf(self->cg, sizeof(self->cg), "%s/ipckit-w", self->mnt);
	if (mkdir(self->cg, 0755)) {
		self->cg[0] = 0;
		return -errno;
	}
	snprintf(path, sizeof(path), "%s/%s", self->cg, knob);
	if (access(path, W_OK))
		return -ENODEV;
	snprintf(path, sizeof(path), "%s/cgroup.procs", self->cg);
	snprintf(pid, sizeof(pid), "%d", self->w.pid);
	return write_str(path, pid);
}

/* W goes (it opens, becomes the manager); T opens; W idles in its read. */
static void w_go_and_wait(struct __test_metadata *_metadata,
			  FIXTURE_DATA(frz) *self)
{
	struct proc_state ps = { .pid = self->w.pid, .state = 'S',
				 .in_ioctl = true };
	char go = 1;

	ASSERT_EQ(0, binder_child_go(&self->w, &go, 1));
	ASSERT_EQ(0, binder_child_wait_ready(&self->w, MGR_MS + 5000));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	ASSERT_TRUE(wait_until(proc_is, &ps))
		TH_LOG("W is not asleep in ioctl(2)");
	/* Still sleeping there a little later: it is idle, not passing by. */
	binder_sleep_ms(50);
	ASSERT_TRUE(proc_is(&ps));
}

/* Nothing from W yet: its read has not returned. */
static void w_still_waits(struct __test_metadata *_metadata,
			  FIXTURE_DATA(frz) *self)
{
	int ret = binder_child_recv(&self->w, &self->rep, sizeof(self->rep),
				    100);

	EXPECT_EQ(-ETIMEDOUT, ret)
		TH_LOG("W's read already returned %d (errno %d)",
		       self->rep.ret, self->rep.err);
}

/* T's one-way call to W (handle 0). */
static void t_wake_w(struct __test_metadata *_metadata,
		     FIXTURE_DATA(frz) *self)
{
	struct binder_result res;

	ASSERT_EQ(0, binder_call(&self->dev, 0, CODE_WAKE, TF_ONE_WAY, NULL, 0,
				 &res));
	ASSERT_EQ(BR_TRANSACTION_COMPLETE, res.cmd);
}

/* W's (next) report: the read brought T's call. */
#define ASSERT_W_GOT_CALL() do {					\
	EXPECT_EQ(0, self->rep.ret);					\
	EXPECT_CMDS(self->rep.cmds, self->rep.ncmds, BR_NOOP, BR_TRANSACTION); \
	EXPECT_EQ(CODE_WAKE, self->rep.code);				\
} while (0)

#define ASSERT_W_REPORT() ASSERT_EQ(0, binder_child_recv(&self->w,	\
		&self->rep, sizeof(self->rep), EVENT_MS))

/*
 * Freeze W's cgroup (v1 or v2), wait until the cgroup says it is frozen,
 * keep it so a while, thaw it.
 */
static void freeze_thaw(struct __test_metadata *_metadata,
			FIXTURE_DATA(frz) *self, enum freezer kind)
{
	char knob[192], events[192];
	struct file_has frozen = { .path = events };

	if (kind == V2) {
		snprintf(knob, sizeof(knob), "%s/cgroup.freeze", self->cg);
		snprintf(events, sizeof(events), "%s/cgroup.events", self->cg);
		frozen.text = "frozen 1";
		ASSERT_EQ(0, write_str(knob, "1"));
	} else {
		snprintf(knob, sizeof(knob), "%s/freezer.state", self->cg);
		strcpy(events, knob);
		frozen.text = "FROZEN";
		ASSERT_EQ(0, write_str(knob, "FROZEN"));
	}
	EXPECT_TRUE(wait_until(file_has, &frozen))
		TH_LOG("%s never said %s", events, frozen.text);
	binder_sleep_ms(HOLD_MS);
	ASSERT_EQ(0, write_str(knob, kind == V2 ? "0" : "THAWED"));
}

/*
 * W in a cgroup of kind (SKIP with why if there is no such freezer),
 * reading idle; the cgroup is frozen and thawed.
 */
#define FREEZE_IDLE_READER(kind, why) do {				\
	int __ret = cg_setup(self, kind);				\
	if (__ret == -ENODEV)						\
		SKIP(return, why);					\
	ASSERT_EQ(0, __ret);						\
	w_go_and_wait(_metadata, self);					\
	freeze_thaw(_metadata, self, kind);				\
} while (0)

/*
 * T calls W: W's read ended with EINTR, and its next read brings the
 * call (nothing lost); W exits 0.
 */
#define ASSERT_EINTR_THEN_CALL() do {					\
	t_wake_w(_metadata, self);					\
	ASSERT_W_REPORT();						\
	EXPECT_EQ(-1, self->rep.ret);					\
	EXPECT_EQ(EINTR, self->rep.err);				\
	ASSERT_W_REPORT();						\
	ASSERT_W_GOT_CALL();						\
	EXPECT_CHILD_OK(binder_child_finish(&self->w, EVENT_MS));	\
} while (0)

/*
 * cgroup v1 freezer: freeze_task() freezes a TASK_FREEZABLE sleeper in
 * place. The same ioctl returns T's call after the thaw: no EINTR.
 */
TEST_F(frz, the_v1_freezer_freezes_an_idle_reader_without_eintr)
{
	FREEZE_IDLE_READER(V1, "no cgroup v1 freezer");
	w_still_waits(_metadata, self);
	t_wake_w(_metadata, self);
	ASSERT_W_REPORT();
	EXPECT_EQ(0, self->rep.err)
		TH_LOG("the read returned %d, errno %d", self->rep.ret,
		       self->rep.err);
	ASSERT_W_GOT_CALL();
	EXPECT_CHILD_OK(binder_child_finish(&self->w, EVENT_MS));
}

/*
 * cgroup v2 freezer: it traps tasks through the signal path, which wakes
 * the interruptible sleeper: the cgroup gets frozen, the ioctl returns
 * EINTR, and the next read returns T's call.
 */
TEST_F(frz, the_v2_freezer_interrupts_an_idle_reader_and_loses_nothing)
{
	FREEZE_IDLE_READER(V2, "no cgroup v2 freezer");
	ASSERT_EINTR_THEN_CALL();
}

/*
 * SIGSTOP, then SIGCONT: the stop signal wakes the sleeper, the ioctl
 * returns EINTR (no handler, -EINTR is not restarted), the next read
 * returns T's call.
 */
TEST_F(frz, sigstop_interrupts_an_idle_reader_and_loses_nothing)
{
	struct proc_state stopped = { .state = 'T' };

	w_go_and_wait(_metadata, self);
	stopped.pid = self->w.pid;
	ASSERT_EQ(0, kill(self->w.pid, SIGSTOP));
	EXPECT_TRUE(wait_until(proc_is, &stopped));
	binder_sleep_ms(HOLD_MS);
	ASSERT_EQ(0, kill(self->w.pid, SIGCONT));
	ASSERT_EINTR_THEN_CALL();
}

IPCKIT_TEST_MAIN
