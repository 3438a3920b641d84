#!/bin/sh
# Print the kernel build tree to build ipckit against.
#   KDIR set           -> that tree
#   running kernel's   -> /lib/modules/$(uname -r)/build, when it exists
#   otherwise          -> the newest /usr/src/linux-headers-*-amd64
#                         (the host here runs a kernel without headers)
set -eu

if [ -n "${KDIR:-}" ]; then
	echo "$KDIR"
	exit 0
fi
running="/lib/modules/$(uname -r)/build"
if [ -f "$running/Makefile" ]; then
	echo "$running"
	exit 0
fi
newest=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -z "$newest" ]; then
	echo "kdir: no kernel build tree; run scripts/install-deps.sh or set KDIR=" >&2
	exit 1
fi
echo "$newest"
