// SPDX-License-Identifier: GPL-2.0
/*
 * Rules of the receive-area mapping: read-only, never made writable, once
 * per process, only by the process that opened the device, not inherited
 * by fork, size capped (not refused) as the reference does.
 */
#include <signal.h>

#include "ipckit_test.h"

FIXTURE(map) {
	int fd;
};

FIXTURE_SETUP(map)
{
	self->fd = ipckit_test_open();
	ASSERT_GE(self->fd, 0) TH_LOG("open %s: %s", ipckit_test_device,
				      strerror(errno));
}

FIXTURE_TEARDOWN(map)
{
	close(self->fd);
}

static void *map_ro(int fd, size_t size)
{
	return mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_NORESERVE, fd, 0);
}

TEST_F(map, read_only_mapping_succeeds)
{
	void *p = map_ro(self->fd, IPCKIT_TEST_MAP_SIZE);

	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(0, munmap(p, IPCKIT_TEST_MAP_SIZE));
}

TEST_F(map, shared_read_only_mapping_succeeds)
{
	void *p = mmap(NULL, IPCKIT_TEST_MAP_SIZE, PROT_READ, MAP_SHARED,
		       self->fd, 0);

	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(0, munmap(p, IPCKIT_TEST_MAP_SIZE));
}

TEST_F(map, writable_mapping_is_eperm)
{
	void *p = mmap(NULL, IPCKIT_TEST_MAP_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE, self->fd, 0);

	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	/* A refused writable mapping does not use up the one mapping. */
	p = map_ro(self->fd, IPCKIT_TEST_MAP_SIZE);
	EXPECT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
}

TEST_F(map, mprotect_to_writable_is_eacces)
{
	void *p = map_ro(self->fd, IPCKIT_TEST_MAP_SIZE);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, IPCKIT_TEST_MAP_SIZE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
}

TEST_F(map, second_mapping_is_ebusy)
{
	void *p = map_ro(self->fd, IPCKIT_TEST_MAP_SIZE);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(MAP_FAILED, map_ro(self->fd, IPCKIT_TEST_MAP_SIZE));
	EXPECT_EQ(EBUSY, errno);
}

/* The reference never forgets a mapping, even after munmap. */
TEST_F(map, mapping_again_after_munmap_is_ebusy)
{
	void *p = map_ro(self->fd, IPCKIT_TEST_MAP_SIZE);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p, IPCKIT_TEST_MAP_SIZE));
	EXPECT_EQ(MAP_FAILED, map_ro(self->fd, IPCKIT_TEST_MAP_SIZE));
	EXPECT_EQ(EBUSY, errno);
}

/* Over 4 MiB is accepted; the driver simply uses the first 4 MiB. */
TEST_F(map, oversized_mapping_is_capped_not_refused)
{
	size_t size = 8u << 20;
	void *p = map_ro(self->fd, size);

	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(0, munmap(p, size));
}

TEST_F(map, separate_opens_each_get_a_mapping)
{
	int fd2 = ipckit_test_open();
	void *a, *b;

	ASSERT_GE(fd2, 0);
	a = map_ro(self->fd, IPCKIT_TEST_MAP_SIZE);
	b = map_ro(fd2, IPCKIT_TEST_MAP_SIZE);
	EXPECT_NE(MAP_FAILED, a);
	EXPECT_NE(MAP_FAILED, b);
	close(fd2);
}

static void read_first_byte(void *arg)
{
	volatile const char *p = arg;

	(void)*p;
}

/* The area is VM_DONTCOPY: a forked child has nothing at that address. */
TEST_F(map, area_is_not_inherited_by_fork)
{
	void *p = map_ro(self->fd, IPCKIT_TEST_MAP_SIZE);
	int status;

	ASSERT_NE(MAP_FAILED, p);
	status = ipckit_test_in_child(read_first_byte, p);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
		TH_LOG("status %#x", status);
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, sig);
}

/* No buffer was ever delivered, so no page backs the area: SIGBUS. */
TEST_F(map, reading_an_unbacked_page_is_sigbus)
{
	volatile const char *p = map_ro(self->fd, IPCKIT_TEST_MAP_SIZE);
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	volatile int got = 0;

	ASSERT_NE(MAP_FAILED, (void *)p);
	ASSERT_EQ(0, sigaction(SIGBUS, &sa, &old));
	got = sigsetjmp(bus_jmp, 1);
	if (!got)
		(void)p[0];
	sigaction(SIGBUS, &old, NULL);
	EXPECT_EQ(SIGBUS, got);
}

struct child_map_arg {
	int fd;
	int err;
};

static void map_in_child(void *arg)
{
	struct child_map_arg *a = arg;
	void *p = map_ro(a->fd, IPCKIT_TEST_MAP_SIZE);

	_exit(p == MAP_FAILED ? errno : 0);
}

/* Only the process that opened the device may map it. */
TEST_F(map, mapping_from_another_process_is_einval)
{
	struct child_map_arg arg = { .fd = self->fd };
	int status = ipckit_test_in_child(map_in_child, &arg);

	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(EINVAL, WEXITSTATUS(status));
}

IPCKIT_TEST_MAIN
