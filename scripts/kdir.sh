#!/bin/sh
# Print the kernel build tree to build ipckit against. The kernel is
# chosen explicitly, never "the newest headers": a machine with both
# Debian kernels' headers installed (as a DKMS user has) builds for the
# default series unless told otherwise.
#
#   KDIR set               -> that tree
#   IPCKIT_KERNEL=running  -> /lib/modules/$(uname -r)/build
#   IPCKIT_KERNEL=SERIES   -> the newest installed headers of that series,
#                             /usr/src/linux-headers-SERIES.*-amd64
#                             (6.1 matches 6.1.0-41-amd64, not 6.12.*);
#                             for a series other than the default without
#                             installed headers, the headers extracted
#                             (not installed) by scripts/kernel.sh SERIES
#   IPCKIT_KERNEL unset    -> the default series, 6.1: Debian 12's default
#                             kernel (linux-headers-amd64, installed by
#                             scripts/install-deps.sh)
# IPCKIT_HEADERS_ROOT replaces /usr/src (for scripts/tests/kdir_test.sh).
set -eu

default=6.1

if [ -n "${KDIR:-}" ]; then
	echo "$KDIR"
	exit 0
fi
series=${IPCKIT_KERNEL:-$default}
if [ "$series" = running ]; then
	running="/lib/modules/$(uname -r)/build"
	if [ ! -f "$running/Makefile" ]; then
		echo "kdir: the running kernel $(uname -r) has no build tree ($running)" >&2
		exit 1
	fi
	echo "$running"
	exit 0
fi
case "$series" in
*[!0-9.]* | "" | .* | *.)
	echo "kdir: IPCKIT_KERNEL='$series' is not a series like 6.1 or 6.12 (or 'running')" >&2
	exit 1
	;;
esac

newest=$(for d in "${IPCKIT_HEADERS_ROOT:-/usr/src}"/linux-headers-"$series".*-amd64; do
	[ -f "$d/Makefile" ] && echo "$d"
done | sort -V | tail -n 1)
if [ -n "$newest" ]; then
	echo "$newest"
	exit 0
fi
if [ "$series" = "$default" ]; then
	echo "kdir: no linux-headers-$series.*-amd64 in ${IPCKIT_HEADERS_ROOT:-/usr/src};" \
		"run scripts/install-deps.sh or set KDIR=" >&2
	exit 1
fi
exec "$(dirname "$0")/kernel.sh" "$series" kdir
