/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for ipckit's kselftests.
 *
 * Every protocol test runs against one device given on the command line:
 *
 *	<test> -d /dev/binder -k reference
 *	<test> -d /dev/ipckit -k ipckit
 *
 * -k names the driver behind the device, so a test can document the few
 * places where ipckit deliberately differs from the kernel's binder (its
 * own IPCKIT_ extension ioctls). Anything else must behave the same.
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

#include "kselftest_harness.h"

/* The mapping size user libraries choose: 1 MiB minus two pages. */
#define IPCKIT_TEST_MAP_SIZE ((1 << 20) - 2 * 4096)

static const char *ipckit_test_device = "/dev/binder";
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

static inline int ipckit_test_parse_args(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "d:k:")) != -1) {
		switch (opt) {
		case 'd':
			ipckit_test_device = optarg;
			break;
		case 'k':
			if (strcmp(optarg, "ipckit") && strcmp(optarg, "reference")) {
				fprintf(stderr, "-k wants ipckit or reference\n");
				return -1;
			}
			ipckit_test_is_ipckit = !strcmp(optarg, "ipckit");
			break;
		default:
			fprintf(stderr, "usage: %s -d DEVICE -k ipckit|reference\n",
				argv[0]);
			return -1;
		}
	}
	if (access(ipckit_test_device, R_OK | W_OK)) {
		fprintf(stderr, "%s: %s\n", ipckit_test_device, strerror(errno));
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
