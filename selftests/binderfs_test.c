// SPDX-License-Identifier: GPL-2.0
/*
 * ipckit's binderfs (Documentation/binderfs.rst): what upstream's own
 * kselftest (run unchanged by run_vm.sh) does not check. Each test mounts
 * its own instances in a private mount namespace. The filesystem type is
 * the one ipckit registered (/sys/module/ipckit/parameters/binderfs_type);
 * on the reference driver (-k reference) every test SKIPs: Debian builds
 * its binder without binderfs.
 */
#include <glob.h>
#include <limits.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <linux/ipckit_binderfs.h>

#include "ipckit_test.h"

#define TYPE_PARAM	"/sys/module/ipckit/parameters/binderfs_type"
#define DEBUGFS		"/sys/kernel/debug/ipckit"

static char fs_type[32];

/* The type ipckit registered, or SKIP. */
#define NEED_BINDERFS() do {						\
	if (!ipckit_test_is_ipckit)					\
		SKIP(return, "the reference driver has no binderfs here"); \
	ASSERT_EQ(0, read_type());					\
} while (0)

static int read_type(void)
{
	FILE *f = fopen(TYPE_PARAM, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fgets(fs_type, sizeof(fs_type), f) != NULL;
	fclose(f);
	fs_type[strcspn(fs_type, "\n")] = '\0';
	return ok && fs_type[0] ? 0 : -ENOENT;
}

/* A private mount namespace, so a failed test leaves no mount behind. */
static int private_mounts(void)
{
	if (unshare(CLONE_NEWNS))
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	return 0;
}

/* Mount an instance with @opts on a new directory; 0 or -errno. */
static int mount_fs(char *dir, size_t size, const char *opts)
{
	snprintf(dir, size, "/tmp/binderfs_XXXXXX");
	if (!mkdtemp(dir))
		return -errno;
	if (mount(NULL, dir, fs_type, 0, opts)) {
		int err = -errno;

		rmdir(dir);
		return err;
	}
	return 0;
}

static void umount_fs(const char *dir)
{
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

/* BINDER_CTL_ADD of @dev on @dir's binder-control: 0 or -errno. */
static int ctl_add(const char *dir, struct binderfs_device *dev)
{
	char path[PATH_MAX];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/binder-control", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, BINDER_CTL_ADD, dev) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int add_name(const char *dir, const char *name)
{
	struct binderfs_device dev = { 0 };

	snprintf(dev.name, sizeof(dev.name), "%s", name);
	return ctl_add(dir, &dev);
}

static int open_dev(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, O_RDWR | O_CLOEXEC);
}

static int version_of(int fd)
{
	struct binder_version ver = { .protocol_version = -1 };

	if (ioctl(fd, BINDER_VERSION, &ver))
		return -errno;
	return ver.protocol_version;
}

/* debugfs directories of binderfs contexts named @name. */
static size_t contexts_named(const char *name)
{
	char pattern[PATH_MAX];
	glob_t g;
	size_t n;

	snprintf(pattern, sizeof(pattern), DEBUGFS "/binderfs:*:%s", name);
	if (glob(pattern, 0, NULL, &g))
		return 0;
	n = g.gl_pathc;
	globfree(&g);
	return n;
}

FIXTURE(fs) {
	char dir[64];
};

FIXTURE_SETUP(fs)
{
	self->dir[0] = '\0';
	if (!ipckit_test_is_ipckit)
		return;
	ASSERT_EQ(0, read_type());
	ASSERT_EQ(0, private_mounts());
}

FIXTURE_TEARDOWN(fs)
{
	if (self->dir[0])
		umount_fs(self->dir);
}

TEST_F(fs, ctl_add_makes_a_root_owned_0600_binder_device)
{
	struct binderfs_device dev = { .name = "dev0" };
	struct ipckit_version ver;
	char path[PATH_MAX];
	struct stat st;
	int fd;

	NEED_BINDERFS();
	ASSERT_EQ(0, mount_fs(self->dir, sizeof(self->dir), NULL));
	ASSERT_EQ(0, ctl_add(self->dir, &dev));
	snprintf(path, sizeof(path), "%s/dev0", self->dir);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(dev.major, major(st.st_rdev));
	EXPECT_EQ(dev.minor, minor(st.st_rdev));
	fd = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(BINDER_CURRENT_PROTOCOL_VERSION, version_of(fd));
	ASSERT_EQ(0, ioctl(fd, IPCKIT_GET_VERSION, &ver));
	EXPECT_TRUE(ver.flags & IPCKIT_FEATURE_BINDERFS);
	close(fd);
	EXPECT_EQ(-EEXIST, add_name(self->dir, "dev0"));
}

TEST_F(fs, bad_names_fail_as_upstream_and_leak_no_device)
{
	struct binderfs_device dev;
	char path[PATH_MAX];
	int len, fd;

	struct binderfs_device first = { .name = "first" };

	NEED_BINDERFS();
	/* Three devices at most: a leaked count would make the last add fail. */
	ASSERT_EQ(0, mount_fs(self->dir, sizeof(self->dir), "max=3"));
	ASSERT_EQ(0, ctl_add(self->dir, &first));
	EXPECT_EQ(-EACCES, add_name(self->dir, ""));
	EXPECT_EQ(-EACCES, add_name(self->dir, "."));
	EXPECT_EQ(-EACCES, add_name(self->dir, ".."));
	EXPECT_EQ(-EACCES, add_name(self->dir, "a/b"));
	EXPECT_EQ(-EACCES, add_name(self->dir, "/"));
	/* Not NUL-terminated: cut at BINDERFS_MAX_NAME, as upstream. */
	memset(&dev, 'n', sizeof(dev));
	ASSERT_EQ(0, ctl_add(self->dir, &dev));
	/*
	 * Minors come lowest first and nothing else holds any now: a minor
	 * a failed add leaked would show as a gap.
	 */
	EXPECT_EQ(first.major, dev.major);
	EXPECT_EQ(first.minor + 1, dev.minor);
	len = snprintf(path, sizeof(path), "%s/", self->dir);
	memset(path + len, 'n', BINDERFS_MAX_NAME);
	path[len + BINDERFS_MAX_NAME] = '\0';
	EXPECT_EQ(0, access(path, F_OK));
	EXPECT_EQ(0, add_name(self->dir, "ok"));
	EXPECT_EQ(-ENOSPC, add_name(self->dir, "third"));
	/* A bad pointer, and an unknown command, as upstream. */
	snprintf(path, sizeof(path), "%s/binder-control", self->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, ioctl(fd, BINDER_CTL_ADD, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, BINDER_VERSION, &dev));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST_F(fs, max_is_enforced_and_remount_changes_it_but_not_stats)
{
	char path[PATH_MAX];

	NEED_BINDERFS();
	ASSERT_EQ(0, mount_fs(self->dir, sizeof(self->dir), "max=1"));
	EXPECT_EQ(0, add_name(self->dir, "one"));
	EXPECT_EQ(-ENOSPC, add_name(self->dir, "two"));
	ASSERT_EQ(0, mount(NULL, self->dir, fs_type, MS_REMOUNT, "max=2"));
	EXPECT_EQ(0, add_name(self->dir, "two"));
	EXPECT_EQ(-ENOSPC, add_name(self->dir, "three"));
	/* Unlinking gives the slot back once the device is gone. */
	snprintf(path, sizeof(path), "%s/two", self->dir);
	ASSERT_EQ(0, unlink(path));
	EXPECT_EQ(0, add_name(self->dir, "three"));
	EXPECT_EQ(-1, mount(NULL, self->dir, fs_type, MS_REMOUNT,
			    "stats=global"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, mount(NULL, self->dir, fs_type, 0, "max=2000000"));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(fs, binder_control_cannot_be_unlinked_or_renamed)
{
	char ctl[PATH_MAX], dev[PATH_MAX], dev2[PATH_MAX];
	int fd;

	NEED_BINDERFS();
	ASSERT_EQ(0, mount_fs(self->dir, sizeof(self->dir), NULL));
	ASSERT_EQ(0, add_name(self->dir, "dev"));
	snprintf(ctl, sizeof(ctl), "%s/binder-control", self->dir);
	snprintf(dev, sizeof(dev), "%s/dev", self->dir);
	snprintf(dev2, sizeof(dev2), "%s/dev2", self->dir);
	EXPECT_EQ(-1, unlink(ctl));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, rename(ctl, dev2));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, rename(dev, ctl));
	EXPECT_EQ(EPERM, errno);
	/* Devices may be renamed, as upstream. */
	EXPECT_EQ(0, rename(dev, dev2));
	fd = open(dev2, O_RDWR | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(BINDER_CURRENT_PROTOCOL_VERSION, version_of(fd));
	close(fd);
	/* Nothing else can be made in it. */
	EXPECT_EQ(-1, mknod(dev, S_IFCHR | 0600, makedev(1, 3)));
	EXPECT_EQ(-1, mkdir(dev, 0755));
}

TEST_F(fs, unlinked_device_works_while_open_and_goes_after_close)
{
	char name[64], path[PATH_MAX];
	int fd, fd2;

	NEED_BINDERFS();
	snprintf(name, sizeof(name), "gone-%d", getpid());
	ASSERT_EQ(0, mount_fs(self->dir, sizeof(self->dir), NULL));
	ASSERT_EQ(0, add_name(self->dir, name));
	EXPECT_EQ(1, contexts_named(name));
	fd = open_dev(self->dir, name);
	ASSERT_GE(fd, 0);
	snprintf(path, sizeof(path), "%s/%s", self->dir, name);
	ASSERT_EQ(0, unlink(path));
	EXPECT_NE(0, access(path, F_OK));
	/* The open file keeps its context: it still works in full. */
	EXPECT_EQ(BINDER_CURRENT_PROTOCOL_VERSION, version_of(fd));
	EXPECT_EQ(0, binder_set_context_mgr(fd));
	/* The name is free again: a new device is a new context. */
	ASSERT_EQ(0, add_name(self->dir, name));
	EXPECT_EQ(2, contexts_named(name));
	fd2 = open_dev(self->dir, name);
	ASSERT_GE(fd2, 0);
	EXPECT_EQ(0, binder_set_context_mgr(fd2));
	close(fd2);
	EXPECT_EQ(2, contexts_named(name));
	close(fd);
	/* Release is synchronous: the last close freed the old context. */
	EXPECT_EQ(1, contexts_named(name));
	umount_fs(self->dir);
	self->dir[0] = '\0';
	EXPECT_EQ(0, contexts_named(name));
}

TEST_F(fs, devices_of_two_mounts_are_independent_contexts)
{
	char other[64];
	int a, b, a2;

	NEED_BINDERFS();
	ASSERT_EQ(0, mount_fs(self->dir, sizeof(self->dir), NULL));
	ASSERT_EQ(0, mount_fs(other, sizeof(other), NULL));
	/* The same name in both: two devices, two contexts. */
	ASSERT_EQ(0, add_name(self->dir, "binder"));
	ASSERT_EQ(0, add_name(other, "binder"));
	a = open_dev(self->dir, "binder");
	b = open_dev(other, "binder");
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	/* Each has its own manager slot... */
	EXPECT_EQ(0, binder_set_context_mgr(a));
	EXPECT_EQ(0, binder_set_context_mgr(b));
	/* ...which a second open of the same device shares. */
	a2 = open_dev(self->dir, "binder");
	ASSERT_GE(a2, 0);
	EXPECT_EQ(-EBUSY, binder_set_context_mgr(a2));
	close(a2);
	close(a);
	close(b);
	umount_fs(other);
}

TEST_F(fs, features_are_all_there_and_read_1)
{
	static const char *const features[] = {
		"oneway_spam_detection", "extended_error", "freeze_notification",
	};
	char path[PATH_MAX], buf[16];
	size_t i;

	NEED_BINDERFS();
	ASSERT_EQ(0, mount_fs(self->dir, sizeof(self->dir), NULL));
	for (i = 0; i < ARRAY_SIZE(features); i++) {
		snprintf(path, sizeof(path), "%s/features/%s", self->dir,
			 features[i]);
		ASSERT_EQ(0, binder_read_text(path, buf, sizeof(buf)))
			TH_LOG("%s", features[i]);
		EXPECT_STREQ("1\n", buf);
	}
	/* No binder_logs without stats=global. */
	snprintf(path, sizeof(path), "%s/binder_logs", self->dir);
	EXPECT_NE(0, access(path, F_OK));
}

TEST_F(fs, stats_global_shows_real_state_in_binder_logs)
{
	static const char *const logs[] = {
		"state", "stats", "transactions", "transaction_log",
		"failed_transaction_log",
	};
	char path[PATH_MAX], want[64];
	static char buf[1 << 16];
	struct binder_extended_error ee;
	struct binder_result res;
	struct binder_dev d, nomgr;
	size_t i;

	NEED_BINDERFS();
	ASSERT_EQ(0, mount_fs(self->dir, sizeof(self->dir), "stats=global"));
	for (i = 0; i < ARRAY_SIZE(logs); i++) {
		snprintf(path, sizeof(path), "%s/binder_logs/%s", self->dir,
			 logs[i]);
		EXPECT_EQ(0, binder_read_text(path, buf, sizeof(buf)))
			TH_LOG("%s", logs[i]);
	}
	ASSERT_EQ(0, add_name(self->dir, "logged"));
	snprintf(path, sizeof(path), "%s/logged", self->dir);
	ASSERT_EQ(0, binder_open_dev(&d, path, 0));
	EXPECT_EQ(0, binder_set_context_mgr(d.fd));
	/* A call to no manager fails: the failed log names it. */
	ASSERT_EQ(0, add_name(self->dir, "nomgr"));
	snprintf(path, sizeof(path), "%s/nomgr", self->dir);
	ASSERT_EQ(0, binder_open_dev(&nomgr, path, 0));
	ASSERT_EQ(0, binder_call_no_manager(&nomgr, &res, &ee, 2000));
	EXPECT_EQ(BR_DEAD_REPLY, ee.command);
	binder_close_dev(&nomgr);
	snprintf(path, sizeof(path), "%s/binder_logs/failed_transaction_log",
		 self->dir);
	ASSERT_EQ(0, binder_read_text(path, buf, sizeof(buf)));
	snprintf(want, sizeof(want), "call from %d:", getpid());
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, ":nomgr code")) TH_LOG("%s", buf);
	snprintf(path, sizeof(path), "%s/binder_logs/proc/%d", self->dir,
		 getpid());
	ASSERT_EQ(0, binder_read_text(path, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, ":logged\n")) TH_LOG("%s", buf);
	snprintf(want, sizeof(want), "proc %d", getpid());
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	snprintf(path, sizeof(path), "%s/binder_logs/state", self->dir);
	ASSERT_EQ(0, binder_read_text(path, buf, sizeof(buf)));
	snprintf(want, sizeof(want), ":logged: manager pid %d", getpid());
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	binder_close_dev(&d);
	snprintf(path, sizeof(path), "%s/binder_logs/proc/%d", self->dir,
		 getpid());
	EXPECT_NE(0, access(path, F_OK));
}

/*
 * In a new user namespace whose root is uid 1000 outside, in a directory
 * of its own (the VM's / is 0700: uid 1000 reaches nothing by absolute
 * path, so everything here is relative to it).
 */
static int userns_child(void)
{
	struct stat st;
	int fd;

	if (private_mounts())
		return 10;
	if (mkdir("m", 0755))
		return 16;
	/* The initial namespace's CAP_SYS_ADMIN only, as upstream. */
	if (!mount(NULL, "m", fs_type, 0, "stats=global") || errno != EPERM) {
		fprintf(stderr, "# stats=global in a user namespace: %s\n",
			strerror(errno));
		return 11;
	}
	if (mount(NULL, "m", fs_type, 0, NULL))
		return 12;
	if (add_name("m", "nsdev"))
		return 13;
	/* Owned by the namespace's root, not by an unmapped global root. */
	if (stat("m/nsdev", &st) || st.st_uid != 0 || st.st_gid != 0)
		return 14;
	fd = open("m/nsdev", O_RDWR | O_CLOEXEC);
	if (fd < 0 || version_of(fd) != BINDER_CURRENT_PROTOCOL_VERSION)
		return 15;
	close(fd);
	return 0;
}

static int write_map(pid_t pid, const char *file, const char *map)
{
	char path[64];
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ok = write(fd, map, strlen(map)) == (ssize_t)strlen(map);
	close(fd);
	return ok ? 0 : -EIO;
}

TEST_F(fs, user_namespace_mount_owns_its_devices_and_gets_no_stats)
{
	char home[] = "/tmp/binderfs_ns_XXXXXX", m[64];
	int go[2], ready[2], status;
	char c;
	pid_t pid;

	NEED_BINDERFS();
	if (access("/proc/self/ns/user", F_OK))
		SKIP(return, "no user namespaces (CONFIG_USER_NS) in this kernel");
	ASSERT_NE(NULL, mkdtemp(home));
	ASSERT_EQ(0, chown(home, 1000, 1000));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		if (chdir(home) || unshare(CLONE_NEWUSER) ||
		    write(ready[1], "u", 1) != 1)
			_exit(20);
		/* Wait for the maps, then become the namespace's root. */
		if (read(go[0], &c, 1) != 1)
			_exit(21);
		if (setgid(0) || setuid(0))
			_exit(22);
		_exit(userns_child());
	}
	close(go[0]);
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	EXPECT_EQ(0, write_map(pid, "setgroups", "deny"));
	EXPECT_EQ(0, write_map(pid, "uid_map", "0 1000 1\n"));
	EXPECT_EQ(0, write_map(pid, "gid_map", "0 1000 1\n"));
	ASSERT_EQ(1, write(go[1], "g", 1));
	close(go[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("child status %#x (exit %d)", status,
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	/* Its mount went with its mount namespace. */
	snprintf(m, sizeof(m), "%s/m", home);
	rmdir(m);
	EXPECT_EQ(0, rmdir(home));
}

TEST_F(fs, binder_freeze_finds_a_process_of_a_binderfs_device)
{
	struct binder_freeze_info fi = { .enable = 1, .timeout_ms = 100 };
	struct binder_frozen_status_info st = { 0 };
	int fd, pfd[2];
	pid_t pid;
	char c;

	NEED_BINDERFS();
	ASSERT_EQ(0, mount_fs(self->dir, sizeof(self->dir), NULL));
	ASSERT_EQ(0, add_name(self->dir, "frz"));
	fd = open_dev(self->dir, "frz");
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int cfd = open_dev(self->dir, "frz");

		close(pfd[0]);
		if (cfd < 0 || write(pfd[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	ASSERT_EQ(1, read(pfd[0], &c, 1));
	fi.pid = pid;
	EXPECT_EQ(0, ioctl(fd, BINDER_FREEZE, &fi)) TH_LOG("%s", strerror(errno));
	st.pid = pid;
	EXPECT_EQ(0, ioctl(fd, BINDER_GET_FROZEN_INFO, &st));
	fi.enable = 0;
	EXPECT_EQ(0, ioctl(fd, BINDER_FREEZE, &fi));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* Gone: nothing of it is found any more. */
	fi.enable = 1;
	EXPECT_EQ(-1, ioctl(fd, BINDER_FREEZE, &fi));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
	close(pfd[0]);
}

IPCKIT_TEST_MAIN
