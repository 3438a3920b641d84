#!/bin/sh
# Prove the VM lane can fail: build a copy of the module whose init hits
# WARN_ON(1), run the check job on it, and pass only if the lane rejects
# it and names the WARNING. Writes "passed failed skipped" to
# $BUILD/harness/counts.
set -u

BUILD=${BUILD:-$PWD/build}
KDIR=${KDIR:-$(scripts/kdir.sh)}
work=$BUILD/harness
rm -rf "$work"
mkdir -p "$work/src"
cp -r Kbuild kernel uapi "$work/src/"
find "$work/src" -name '*.o' -o -name '*.ko' -o -name '.*.cmd' | xargs rm -f

verdict() {
	if [ "$1" -eq 0 ]; then
		echo "1 0 0" > "$work/counts"
		echo "harness-selftest: ok - $2"
	else
		echo "0 1 0" > "$work/counts"
		echo "harness-selftest: not ok - $2"
	fi
	exit "$1"
}

echo "harness-selftest: building a module that WARNs in init"
if ! make -s -C "$KDIR" M="$work/src" \
	KCFLAGS=-DIPCKIT_HARNESS_BREAK_INIT=1 modules > "$work/build.log" 2>&1; then
	verdict 1 "broken module did not build (see $work/build.log)"
fi

IPCKIT_MODULE=$work/src/kernel/ipckit.ko IPCKIT_VM_OUT=$work/vm \
	scripts/vm-run.sh check > "$work/vm.log" 2>&1
status=$?
if [ $status -ne 0 ] && grep -q 'WARNING:' "$work/vm/dmesg.txt" &&
	grep -q '^not ok - kernel log shows trouble' "$work/vm.log"; then
	verdict 0 "the VM lane rejects a module that WARNs in init"
fi
verdict 1 "the VM lane accepted a module that WARNs in init (see $work/vm.log)"
