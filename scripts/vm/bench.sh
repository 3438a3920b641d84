#!/bin/sh
# In-VM job for `make bench` (IPCKIT_JOB=bench): ipckit against the
# reference driver, interleaved in one boot by each benchmark below. The
# numbers are reported, not judged: each benchmark's TAP line says whether
# it ran, and its tables follow as '# ' lines, so that they end up in the
# host's <out>/results.txt as well as on the console.
set -o pipefail

MOD=/lib/modules
BENCH=/ipckit/tests/ipckit-bench
n=0
result() { # result "description" status (TAP lines numbered in order)
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then r=ok; else r="not ok"; fi
	echo "$r $n - $1" >> "$IPCKIT_RESULTS"
}

insmod $MOD/binder_linux.ko devices=binder ||
	{ result "bench: load binder_linux" 1; exit 1; }
insmod $MOD/ipckit.ko devices=ipckit ||
	{ result "bench: load ipckit" 1; exit 1; }

t0=$(cut -d' ' -f1 /proc/uptime)
"$BENCH" -a /dev/ipckit -b /dev/binder 2>&1 | tee /tmp/bench.out
status=$?
echo "ipckit-bench took $(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' \
	/proc/uptime) s, exit status $status" | tee -a /tmp/bench.out

sed 's/^/# /' /tmp/bench.out >> "$IPCKIT_RESULTS"
result "bench ran" $status

# --- scale and memory (ipckit-scale-bench) ---
# Round trip vs live refs (10 ... IPCKIT_BENCH_REFS, CSV included), the
# teardown of a process holding that many, and slab bytes per node, ref
# and idle thread. The reference's build-up of 100 000 refs takes about
# 17 minutes under TCG (its handle numbering is O(n) per handle).
refs=${IPCKIT_BENCH_REFS:-100000}
t0=$(cut -d' ' -f1 /proc/uptime)
/ipckit/tests/ipckit-scale-bench -a /dev/ipckit -b /dev/binder -m "$refs" \
	2>&1 | tee /tmp/scale-bench.out
scale_status=$?
echo "ipckit-scale-bench took $(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' \
	/proc/uptime) s, exit status $scale_status" | tee -a /tmp/scale-bench.out
sed 's/^/# /' /tmp/scale-bench.out >> "$IPCKIT_RESULTS"
result "scale bench ran ($refs refs)" $scale_status
[ $scale_status -eq 0 ] || status=1
# --- end scale ---
# binder_linux has no module_exit; ipckit goes, so that a leak or a
# refusal to unload shows in the kernel log the host scans.
rmmod ipckit
exit $status
