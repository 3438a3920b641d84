// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink: upstream binder's transaction reports (family
 * "binder") and ipckit's own events and queries (family "ipckit").
 * Skeleton: not registered yet.
 */
#include "internal.h"

void ipckit_netlink_init(void)
{
}

void ipckit_netlink_exit(void)
{
}

bool ipckit_netlink_registered(void)
{
	return false;
}
