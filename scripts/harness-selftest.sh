#!/bin/sh
# Prove a VM lane can fail: build a copy of the module with planted bugs
# (kernel/harness_canary.h), boot the lane's kernel with it (the load job:
# load and unload, where init runs the planted bugs), and pass only if the
# lane rejects it and its log names every planted bug.
#
# usage: harness-selftest.sh stock|debug
#   stock  WARN_ON(1) in init                 -> "WARNING:"
#   debug  lock-order inversion, use-after-free -> lockdep and KASAN reports
# Writes "passed failed skipped" to $BUILD/harness-<lane>/counts.
set -u

lane=${1:?usage: harness-selftest.sh stock|debug}
BUILD=${BUILD:-$PWD/build}
export BUILD
work=$BUILD/harness-$lane
mkdir -p "$work"

case "$lane" in
stock)
	kdir=${KDIR:-$(scripts/kdir.sh)}
	plant=-DIPCKIT_HARNESS_BREAK_INIT=1
	what="a module that WARNs in init"
	expect='WARNING: .*ipckit_init'
	;;
debug)
	kdir=$(scripts/build-debug-kernel.sh) || exit 1
	plant=-DIPCKIT_HARNESS_PLANT_BUGS=1
	what="a planted lock-order inversion and use-after-free"
	expect='possible circular locking dependency detected
BUG: KASAN: use-after-free in ipckit_harness_plant_bugs'
	;;
*)
	echo "harness-selftest: unknown lane '$lane'" >&2
	exit 2
	;;
esac

verdict() {
	if [ "$1" -eq 0 ]; then
		echo "1 0 0" > "$work/counts"
		echo "harness-selftest: ok - the $lane lane rejects $what"
	else
		echo "0 1 0" > "$work/counts"
		echo "harness-selftest: not ok - the $lane lane $2 $what (see $work)"
	fi
	exit "$1"
}

echo "harness-selftest: $lane lane, building $what"
module=$(scripts/build-module.sh "$work/module" "$kdir" "$plant") ||
	verdict 1 "could not build"

# The bugs are planted in module init: the short load job shows them.
IPCKIT_MODULE=$module IPCKIT_VM_OUT=$work/vm \
	scripts/vm-run.sh -l "$lane" load > "$work/vm.log" 2>&1 &&
	verdict 1 "accepted"
echo "$expect" | while IFS= read -r pattern; do
	grep -q "$pattern" "$work/vm/dmesg.txt" || { echo "missing: $pattern"; exit 1; }
done || verdict 1 "failed, but its log did not name"
grep -q '^not ok - kernel log shows trouble' "$work/vm.log" ||
	verdict 1 "did not blame the kernel log for"
verdict 0
