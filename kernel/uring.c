// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring passthrough: IPCKIT_URING_CMD_WRITE_READ.
 * Skeleton: refuses every command.
 */
#include "internal.h"

int ipckit_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	return -EOPNOTSUPP;
}
