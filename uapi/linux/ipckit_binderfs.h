/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * binderfs control interface, for code that includes <linux/ipckit.h>.
 *
 * <linux/android/binderfs.h> includes <linux/android/binder.h>, which
 * cannot be combined with <linux/ipckit.h> (they declare the same names).
 * This header declares what binderfs.h declares, under the same names and
 * include guard, with identical values and layout, on top of ipckit.h.
 * Include one or the other: whichever comes first wins, and the second is
 * then empty. ipckit's binderfs (Documentation/binderfs.rst) answers
 * BINDER_CTL_ADD exactly as upstream's.
 */
#ifndef _UAPI_LINUX_BINDERFS_H
#define _UAPI_LINUX_BINDERFS_H

#include <linux/ipckit.h>
#include <linux/types.h>
#include <linux/ioctl.h>

#define BINDERFS_MAX_NAME 255

/**
 * struct binderfs_device - retrieve information about a new binder device
 * @name:   the name to use for the new binderfs binder device
 * @major:  major number allocated for binderfs binder devices
 * @minor:  minor number allocated for the new binderfs binder device
 */
struct binderfs_device {
	char name[BINDERFS_MAX_NAME + 1];
	__u32 major;
	__u32 minor;
};

/* Allocate a new binder device (on a binder-control fd). */
#define BINDER_CTL_ADD _IOWR('b', 1, struct binderfs_device)

#endif /* _UAPI_LINUX_BINDERFS_H */
