// SPDX-License-Identifier: GPL-2.0
/* Opening and closing the device, many times, at once, and concurrently. */
#include <pthread.h>
#include <sys/resource.h>

#include "ipckit_test.h"

#define OPEN_CLOSE_ROUNDS	2000
#define OPEN_AT_ONCE		256
#define THREADS			4
#define THREAD_ROUNDS		500
#define CHILDREN		16

static int version_of(int fd)
{
	struct binder_version ver = { .protocol_version = -1 };

	if (ioctl(fd, BINDER_VERSION, &ver))
		return -errno;
	return ver.protocol_version;
}

TEST(open_close_many_times)
{
	int i, fd;

	for (i = 0; i < OPEN_CLOSE_ROUNDS; i++) {
		fd = ipckit_test_open();
		ASSERT_GE(fd, 0) TH_LOG("round %d: %s", i, strerror(errno));
		ASSERT_EQ(0, close(fd));
	}
}

TEST(many_open_at_once_are_independent)
{
	int fds[OPEN_AT_ONCE];
	int i;

	for (i = 0; i < OPEN_AT_ONCE; i++) {
		fds[i] = ipckit_test_open();
		ASSERT_GE(fds[i], 0) TH_LOG("fd %d: %s", i, strerror(errno));
	}
	for (i = 0; i < OPEN_AT_ONCE; i++)
		EXPECT_EQ(BINDER_CURRENT_PROTOCOL_VERSION, version_of(fds[i]));
	for (i = 0; i < OPEN_AT_ONCE; i++)
		EXPECT_EQ(0, close(fds[i]));
}

static void *open_close_loop(void *arg)
{
	long failures = 0;
	int i, fd;

	for (i = 0; i < THREAD_ROUNDS; i++) {
		fd = ipckit_test_open();
		if (fd < 0 || version_of(fd) != BINDER_CURRENT_PROTOCOL_VERSION)
			failures++;
		if (fd >= 0)
			close(fd);
	}
	return (void *)failures;
}

TEST(open_close_from_threads_concurrently)
{
	pthread_t th[THREADS];
	void *failures;
	int i;

	for (i = 0; i < THREADS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, open_close_loop, NULL));
	for (i = 0; i < THREADS; i++) {
		ASSERT_EQ(0, pthread_join(th[i], &failures));
		EXPECT_EQ(0, (long)failures) TH_LOG("thread %d", i);
	}
}

TEST(children_open_and_exit_without_closing)
{
	int i, status;
	pid_t pid;

	for (i = 0; i < CHILDREN; i++) {
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			int fd = ipckit_test_open();

			/* Exit with the fd open: release runs at exit. */
			_exit(fd >= 0 && version_of(fd) ==
			      BINDER_CURRENT_PROTOCOL_VERSION ? 0 : 1);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("child %d status %#x", i, status);
	}
}

TEST(fd_shared_with_child_keeps_working)
{
	int fd = ipckit_test_open();
	int status;
	pid_t pid;

	ASSERT_GE(fd, 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(version_of(fd) == BINDER_CURRENT_PROTOCOL_VERSION ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The child's exit must not have torn down the parent's state. */
	EXPECT_EQ(BINDER_CURRENT_PROTOCOL_VERSION, version_of(fd));
	EXPECT_EQ(0, close(fd));
}

IPCKIT_TEST_MAIN
