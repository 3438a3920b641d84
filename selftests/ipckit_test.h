/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for ipckit's kselftests.
 *
 * Every protocol test runs against one device given on the command line:
 *
 *	<test> -d /dev/binder -k reference [-e /dev/binder-b]
 *	<test> -d /dev/ipckit -k ipckit [-e /dev/ipckit-b]
 *
 * -k names the driver behind the device, so a test can document the few
 * places where ipckit deliberately differs from the kernel's binder (its
 * own IPCKIT_ extension ioctls). Anything else must behave the same.
 * -e names a second device of the same driver, for the tests of device
 * isolation; they SKIP without it.
 *
 * Protocol tests use the raw helpers of binder_util.h (linked into every
 * test binary).
 */
#ifndef IPCKIT_SELFTEST_H
#define IPCKIT_SELFTEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipckit.h>

#include "binder_util.h"
#include "kselftest_harness.h"

/* The mapping size user libraries choose: 1 MiB minus two pages. */
#define IPCKIT_TEST_MAP_SIZE BINDER_MAP_SIZE

static const char *ipckit_test_device = "/dev/binder";
static const char *ipckit_test_other_device;	/* -e, or NULL */
static bool ipckit_test_is_ipckit;

static inline int ipckit_test_open(void)
{
	return open(ipckit_test_device, O_RDWR | O_CLOEXEC);
}

/*
 * Run fn(arg) in a child process and return its wait status, for tests
 * whose expected outcome is a signal or a different process identity.
 */
static inline int ipckit_test_in_child(void (*fn)(void *), void *arg)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* The BR_* list got[0..ngot) must be exactly the commands given. */
#define EXPECT_CMDS(got, ngot, ...) do {				\
	const __u32 __want[] = { __VA_ARGS__ };				\
	EXPECT_TRUE(binder_cmds_eq(got, ngot, __want,			\
				   ARRAY_SIZE(__want)))			\
		TH_LOG("got [%s]", binder_cmds_str(got, ngot));		\
} while (0)

/*
 * BINDER_GET_EXTENDED_ERROR of the calling thread must report _cmd and
 * _param, and be reset to { 0, BR_OK, 0 } by that very read.
 */
#define EXPECT_EXT_ERROR(fd, _cmd, _param) do {				\
	struct binder_extended_error __ee;				\
	ASSERT_EQ(0, binder_get_extended_error(fd, &__ee));		\
	EXPECT_EQ((__u32)(_cmd), __ee.command)				\
		TH_LOG("command %s", binder_br_name(__ee.command));	\
	EXPECT_EQ((__s32)(_param), __ee.param);				\
	if ((__u32)(_cmd) != BR_OK) {					\
		EXPECT_NE(0, __ee.id);					\
	}								\
	ASSERT_EQ(0, binder_get_extended_error(fd, &__ee));		\
	EXPECT_EQ(0, __ee.id);						\
	EXPECT_EQ(BR_OK, __ee.command);					\
	EXPECT_EQ(0, __ee.param);					\
} while (0)

/* Wait status of a helper child that must have exited with 0. */
#define EXPECT_CHILD_OK(status)						\
	EXPECT_TRUE(binder_child_ok(status))				\
		TH_LOG("child status %#x (exit %d, signal %d)", status,	\
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1,	\
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0)

/*
 * Node and death events (binder_event): got[0..ngot) must be exactly the
 * events given. The fixture has char str[2][N] for the log.
 */
#define ASSERT_EVENTS_IN(got, ngot, ...) do {				\
	const struct binder_event __want[] = { __VA_ARGS__ };		\
	ASSERT_TRUE(binder_events_eq(got, ngot, __want,			\
				     ARRAY_SIZE(__want)))		\
		TH_LOG("got [%s], want [%s]",				\
		       binder_events_str(got, ngot, self->str[0],	\
					 sizeof(self->str[0])),		\
		       binder_events_str(__want, ARRAY_SIZE(__want),	\
					 self->str[1], sizeof(self->str[1]))); \
} while (0)

/* The same of this process's events, in the fixture's ev and nev. */
#define ASSERT_EVENTS(...) ASSERT_EVENTS_IN(self->ev, self->nev, __VA_ARGS__)

/*
 * read, a read of events into got[0..ngot), must time out: nothing came.
 * The log shows what came instead.
 */
#define ASSERT_NO_EVENTS_IN(read, got, ngot) do {			\
	int __ret = (read);						\
	ASSERT_EQ(-ETIMEDOUT, __ret)					\
		TH_LOG("read %d: [%s]", __ret,				\
		       binder_events_str(got, ngot, self->str[0],	\
					 sizeof(self->str[0])));	\
} while (0)
#define ASSERT_NO_EVENTS(read) ASSERT_NO_EVENTS_IN(read, self->ev, self->nev)

static inline int ipckit_test_parse_args(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "d:e:k:")) != -1) {
		switch (opt) {
		case 'd':
			ipckit_test_device = optarg;
			break;
		case 'e':
			ipckit_test_other_device = optarg;
			break;
		case 'k':
			if (strcmp(optarg, "ipckit") && strcmp(optarg, "reference")) {
				fprintf(stderr, "-k wants ipckit or reference\n");
				return -1;
			}
			ipckit_test_is_ipckit = !strcmp(optarg, "ipckit");
			break;
		default:
			fprintf(stderr,
				"usage: %s -d DEVICE -k ipckit|reference [-e OTHER_DEVICE]\n",
				argv[0]);
			return -1;
		}
	}
	if (access(ipckit_test_device, R_OK | W_OK)) {
		fprintf(stderr, "%s: %s\n", ipckit_test_device, strerror(errno));
		return -1;
	}
	if (ipckit_test_other_device &&
	    access(ipckit_test_other_device, R_OK | W_OK)) {
		fprintf(stderr, "%s: %s\n", ipckit_test_other_device,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* TEST_HARNESS_MAIN, plus the -d/-k options (the 6.1 harness has none). */
#define IPCKIT_TEST_MAIN						\
	static void __attribute__((constructor))			\
	__constructor_order_last(void)					\
	{								\
		if (!__constructor_order)				\
			__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD; \
	}								\
	int main(int argc, char **argv)					\
	{								\
		if (ipckit_test_parse_args(argc, argv))			\
			return KSFT_FAIL;				\
		return test_harness_run(argc, argv);			\
	}

#endif /* IPCKIT_SELFTEST_H */
