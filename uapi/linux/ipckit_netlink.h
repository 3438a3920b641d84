/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ipckit's own generic netlink family: driver events and the state that
 * debugfs shows, without debugfs. Documentation/netlink.rst has the
 * semantics and who may read what.
 *
 * Family "ipckit", version 1.
 *  - Multicast group "events": IPCKIT_CMD_EVENT messages, one per event.
 *  - IPCKIT_CMD_GET_STATS: a device's counters (doit with
 *    IPCKIT_A_DEVICE, or dumpit over every device).
 *  - IPCKIT_CMD_GET_PROC: one process's state on one device (doit with
 *    IPCKIT_A_DEVICE and IPCKIT_A_PID), or every process the caller may
 *    see (dumpit, IPCKIT_A_DEVICE optional).
 */
#ifndef _UAPI_LINUX_IPCKIT_NETLINK_H
#define _UAPI_LINUX_IPCKIT_NETLINK_H

#define IPCKIT_FAMILY_NAME	"ipckit"
#define IPCKIT_FAMILY_VERSION	1
#define IPCKIT_MCGRP_EVENTS	"events"

enum {
	IPCKIT_CMD_UNSPEC,
	IPCKIT_CMD_EVENT,	/* multicast notification */
	IPCKIT_CMD_GET_STATS,	/* request; reply carries the same command */
	IPCKIT_CMD_GET_PROC,	/* request; reply carries the same command */

	__IPCKIT_CMD_MAX,
	IPCKIT_CMD_MAX = (__IPCKIT_CMD_MAX - 1)
};

/* IPCKIT_A_EVENT values: what happened. */
enum ipckit_event_kind {
	IPCKIT_EVENT_PROC_OPEN = 1,	/* a process opened the device (first open) */
	IPCKIT_EVENT_PROC_EXIT,		/* a process's last file on it was released */
	IPCKIT_EVENT_DEATH_SENT,	/* BR_DEAD_BINDER queued to a ref holder */
	IPCKIT_EVENT_FREEZE,		/* BINDER_FREEZE froze a process */
	IPCKIT_EVENT_UNFREEZE,		/* BINDER_FREEZE thawed it */
	IPCKIT_EVENT_CONTEXT_MGR,	/* the context manager was set or left */
};

/*
 * Attributes (one space for events and replies):
 * @IPCKIT_A_DEVICE:     string, device (context) name
 * @IPCKIT_A_EVENT:      u32, enum ipckit_event_kind
 * @IPCKIT_A_PID:        u32, the process the event or reply is about
 * @IPCKIT_A_TID:        u32, the thread that acted, when one did
 * @IPCKIT_A_UID:        u32, that process's euid (in init_user_ns)
 * @IPCKIT_A_TARGET_PID: u32, the other process (DEATH_SENT: the node's
 *                       dead owner; the event's PID is the ref holder)
 * @IPCKIT_A_NODE:       u64, the node's ptr in its owner (DEATH_SENT,
 *                       CONTEXT_MGR)
 * @IPCKIT_A_HANDLE:     u32, the holder's handle (DEATH_SENT)
 * @IPCKIT_A_COOKIE:     u64, the death cookie (DEATH_SENT)
 * @IPCKIT_A_STAT:       nest, one counter: IPCKIT_A_STAT_NAME (string) and
 *                       IPCKIT_A_STAT_VALUE (u64); repeated
 * @IPCKIT_A_PROC_*:     u32 counts of the process (GET_PROC replies)
 * @IPCKIT_A_TIMEOUT_MS: u32 (FREEZE: the timeout the freezer asked for)
 * @IPCKIT_A_PAD:        u64 alignment padding
 * @IPCKIT_A_MGR_LEFT:   flag (CONTEXT_MGR): the manager's process released
 *                       the device; absent when the manager was set
 */
enum {
	IPCKIT_A_UNSPEC,
	IPCKIT_A_DEVICE,
	IPCKIT_A_EVENT,
	IPCKIT_A_PID,
	IPCKIT_A_TID,
	IPCKIT_A_UID,
	IPCKIT_A_TARGET_PID,
	IPCKIT_A_NODE,
	IPCKIT_A_HANDLE,
	IPCKIT_A_COOKIE,
	IPCKIT_A_STAT,
	IPCKIT_A_PROC_THREADS,
	IPCKIT_A_PROC_NODES,
	IPCKIT_A_PROC_REFS,
	IPCKIT_A_PROC_STRONG_REFS,
	IPCKIT_A_PROC_TODO,
	IPCKIT_A_PROC_MAX_THREADS,
	IPCKIT_A_PROC_REQUESTED_THREADS,
	IPCKIT_A_PROC_STARTED_THREADS,
	IPCKIT_A_PROC_BUFFERS,
	IPCKIT_A_PROC_BUFFER_BYTES,
	IPCKIT_A_PROC_FROZEN,
	IPCKIT_A_TIMEOUT_MS,
	IPCKIT_A_PAD,
	IPCKIT_A_MGR_LEFT,

	__IPCKIT_A_MAX,
	IPCKIT_A_MAX = (__IPCKIT_A_MAX - 1)
};

enum {
	IPCKIT_A_STAT_UNSPEC,
	IPCKIT_A_STAT_NAME,
	IPCKIT_A_STAT_VALUE,
	IPCKIT_A_STAT_PAD,

	__IPCKIT_A_STAT_MAX,
	IPCKIT_A_STAT_MAX = (__IPCKIT_A_STAT_MAX - 1)
};

/*
 * The ERROR of a "binder" report on a one-way call queued to a frozen
 * process: upstream's BR_TRANSACTION_PENDING_FROZEN, _IO('r', 20), the
 * same value as in <linux/android/binder_freeze.h> (this header stands
 * alone, for listeners that include neither binder header). The sender
 * itself reads that code too when ipckit is built for a kernel whose
 * binder sends it (6.3 and later), BR_TRANSACTION_COMPLETE before.
 */
#define IPCKIT_BR_TRANSACTION_PENDING_FROZEN	0x7214U

#endif /* _UAPI_LINUX_IPCKIT_NETLINK_H */
