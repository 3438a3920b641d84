#!/bin/sh
# In-VM test job (IPCKIT_JOB=check): load the reference driver and ipckit,
# check module-level behaviour, run every selftest against both drivers,
# then check that ipckit leaked nothing and unloads. Each check appends one
# TAP line to $IPCKIT_RESULTS; scripts/vm-run.sh counts them on the host.
set -o pipefail

MOD=/lib/modules
TESTS=/ipckit/tests
DEBUGFS=/sys/kernel/debug/ipckit
n=0

ok() { n=$((n + 1)); echo "ok $n - $*" | tee -a "$IPCKIT_RESULTS"; }
fail() { n=$((n + 1)); echo "not ok $n - $*" | tee -a "$IPCKIT_RESULTS"; }
check() { # check "description" command...
	desc=$1; shift
	if "$@"; then ok "$desc"; else fail "$desc"; fi
}
loaded() { [ -d /sys/module/ipckit ]; }
# insmod must fail and the kernel log must say why, naming $2.
refused_with() {
	dmesg -c > /dev/null
	if insmod $MOD/ipckit.ko "$1" 2>/dev/null; then
		rmmod ipckit
		return 1
	fi
	! loaded && dmesg | grep -q "ipckit: .*$2"
}
stat_of() { awk -v k="$2" '$1 == k { print $2 }' "$DEBUGFS/$1/stats"; }
no_leak() { # every open was released, no process left behind
	[ "$(stat_of "$1" procs)" = 0 ] &&
		[ "$(stat_of "$1" open)" = "$(stat_of "$1" release)" ]
}

# run_suite KIND DEVICE: one selftest binary per area, TAP names prefixed.
run_suite() {
	kind=$1 dev=$2
	for bin in "$TESTS"/*_test; do
		name=${bin##*/}
		echo "# $name on $dev ($kind)"
		"$bin" -d "$dev" -k "$kind" 2>&1 | tee /tmp/out
		status=$?
		awk -v n=$n -v p="$kind $name" '/^(not )?ok [0-9]+ / {
			neg = $1 == "not"
			sub(/^(not )?ok [0-9]+ /, "")
			printf "%sok %d - %s %s\n", neg ? "not " : "", ++n, p, $0
		}' /tmp/out >> "$IPCKIT_RESULTS"
		n=$((n + $(grep -cE '^(not )?ok [0-9]+ ' /tmp/out)))
		if [ $status -ne 0 ] && ! grep -q '^not ok' /tmp/out; then
			fail "$kind $name exited with status $status"
		fi
	done
}

echo "# loading drivers"
check "reference driver binder_linux loads" insmod $MOD/binder_linux.ko
check "reference device /dev/binder exists" test -c /dev/binder
check "a taken device name fails insmod and the log names it and devices=" \
	refused_with devices=binder "'binder' is already taken.*devices="
check "an empty devices= entry is refused" refused_with devices=a,,b "bad devices= entry ''"
check "a device name with '/' is refused" refused_with devices=bad/name "bad devices= entry 'bad/name'"
check "a device name given twice is refused" refused_with devices=dup,dup "bad devices= entry 'dup'"
check "an over-long device name is refused" \
	refused_with devices=name-longer-than-thirty-one-chars "bad devices= entry"
check "ipckit loads with two devices" insmod $MOD/ipckit.ko devices=ipckit,ipckit-b
check "each device is a misc device" test -c /dev/ipckit -a -c /dev/ipckit-b
check "each device has its own debugfs stats" \
	test -f $DEBUGFS/ipckit/stats -a -f $DEBUGFS/ipckit-b/stats

run_suite reference /dev/binder
run_suite ipckit /dev/ipckit
# A second context answers on its own, untouched by the first's tests.
"$TESTS/version_test" -d /dev/ipckit-b -k ipckit > /dev/null 2>&1
check "second device answers independently" test "$(stat_of ipckit-b open)" -gt 0
check "second device saw none of the first's mmaps" test "$(stat_of ipckit-b mmap)" = 0

echo "# teardown"
check "no process state left on ipckit" no_leak ipckit
check "no process state left on ipckit-b" no_leak ipckit-b
sleep 600 3< /dev/ipckit &
holder=$!
sleep 1
check "unload refused while a process holds a device" sh -c '! rmmod ipckit 2>/dev/null'
kill $holder; wait $holder 2>/dev/null
check "ipckit unloads" rmmod ipckit
check "devices are gone after unload" test ! -e /dev/ipckit -a ! -e /sys/module/ipckit
# binder_linux has no module_exit, so "binder" stays taken in this boot;
# the default name is exercised by the `make run` job instead.
check "ipckit loads again after unload" insmod $MOD/ipckit.ko devices=ipckit
check "and unloads again" rmmod ipckit
exit 0
