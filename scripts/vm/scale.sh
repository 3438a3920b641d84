#!/bin/sh
# In-VM job for `make scale` (IPCKIT_JOB=scale): handles_test with
# IPCKIT_HANDLES handles (default 100 000) against the reference driver
# and ipckit in one boot. The test asserts behaviour (handle numbers,
# reuse, calls still answered) and prints its timings as '# ' lines;
# they are reported here for the same-boot comparison, not judged.
set -o pipefail

MOD=/lib/modules
TEST=/ipckit/tests/handles_test
export IPCKIT_HANDLES=${IPCKIT_HANDLES:-100000}
n=0
tap() { # tap status description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then r=ok; else r="not ok"; fi
	echo "$r $n - $2" >> "$IPCKIT_RESULTS"
}

insmod $MOD/binder_linux.ko devices=binder
tap $? "scale: load binder_linux"
insmod $MOD/ipckit.ko devices=ipckit
tap $? "scale: load ipckit"

for kind in reference ipckit; do
	dev=/dev/binder
	[ "$kind" = ipckit ] && dev=/dev/ipckit
	t0=$(cut -d' ' -f1 /proc/uptime)
	"$TEST" -d "$dev" -k "$kind" 2>&1 | tee /tmp/scale.out
	status=$?
	took=$(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime)
	echo "handles_test ($IPCKIT_HANDLES handles) on $kind took $took s" |
		tee -a /tmp/scale.out
	sed "s/^/# $kind: /" /tmp/scale.out >> "$IPCKIT_RESULTS"
	tap $status "scale: handles_test with $IPCKIT_HANDLES handles on $kind"
done
rmmod ipckit
tap $? "scale: ipckit unloads"
