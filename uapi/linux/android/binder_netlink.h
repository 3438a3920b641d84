/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * Binder's generic netlink transaction reports, as upstream Linux 6.18
 * defines them (Documentation/netlink/specs/binder.yaml). Debian's 6.1 and
 * 6.12 kernels ship no such header; ipckit registers the family with these
 * exact numbers, so a listener written against upstream works unchanged.
 *
 * Family "binder", version 1, no request commands; one multicast group
 * "report" on which BINDER_CMD_REPORT messages arrive.
 */
#ifndef _UAPI_LINUX_ANDROID_BINDER_NETLINK_H
#define _UAPI_LINUX_ANDROID_BINDER_NETLINK_H

#define BINDER_FAMILY_NAME	"binder"
#define BINDER_FAMILY_VERSION	1

/*
 * Attributes of a report:
 * @BINDER_A_REPORT_ERROR:     u32, the BR_ code the sender got
 *                             (BR_FAILED_REPLY, BR_DEAD_REPLY, BR_FROZEN_REPLY,
 *                             BR_TRANSACTION_PENDING_FROZEN,
 *                             BR_ONEWAY_SPAM_SUSPECT)
 * @BINDER_A_REPORT_CONTEXT:   string, the device (context) name
 * @BINDER_A_REPORT_FROM_PID:  u32, sender's tgid
 * @BINDER_A_REPORT_FROM_TID:  u32, sender's thread id
 * @BINDER_A_REPORT_TO_PID:    u32, target's tgid (absent when unknown)
 * @BINDER_A_REPORT_TO_TID:    u32, target thread (absent when unknown)
 * @BINDER_A_REPORT_IS_REPLY:  flag, the failed transaction was a reply
 * @BINDER_A_REPORT_FLAGS:     u32, the transaction's flags (TF_*)
 * @BINDER_A_REPORT_CODE:      u32, the transaction's code
 * @BINDER_A_REPORT_DATA_SIZE: u32, its data size in bytes
 */
enum {
	BINDER_A_REPORT_ERROR = 1,
	BINDER_A_REPORT_CONTEXT,
	BINDER_A_REPORT_FROM_PID,
	BINDER_A_REPORT_FROM_TID,
	BINDER_A_REPORT_TO_PID,
	BINDER_A_REPORT_TO_TID,
	BINDER_A_REPORT_IS_REPLY,
	BINDER_A_REPORT_FLAGS,
	BINDER_A_REPORT_CODE,
	BINDER_A_REPORT_DATA_SIZE,

	__BINDER_A_REPORT_MAX,
	BINDER_A_REPORT_MAX = (__BINDER_A_REPORT_MAX - 1)
};

enum {
	BINDER_CMD_REPORT = 1,

	__BINDER_CMD_MAX,
	BINDER_CMD_MAX = (__BINDER_CMD_MAX - 1)
};

#define BINDER_MCGRP_REPORT	"report"

#endif /* _UAPI_LINUX_ANDROID_BINDER_NETLINK_H */
