#!/bin/sh
# Judge one VM's run from what its guest wrote to ttyS1: the TAP results,
# the taint mask and the whole kernel log (scripts/vm/init writes them).
# Used by both launchers: scripts/vm-run.sh (one VM) and scripts/vm-pair.sh.
#
# usage: vm-judge.sh DIR LABEL TIMEOUT_S [TAINT_ALLOWED]
#   LABEL            prefixes each problem ("" for none)
#   TAINT_ALLOWED    taint bits allowed beyond O and E (the debug lane's
#                    KUnit sets N = 262144)
#   DIR/results.txt  what the guest wrote (read)
#   DIR/dmesg.txt    its kernel log (written)
#   DIR/counts       "passed failed skipped kunit" (written)
# Prints a "not ok" line per problem found outside the TAP (no end marker,
# taint, an incomplete or troubled kernel log); exits 1 when anything failed.
set -eu

dir=$1 label=$2 timeout_s=$3 taint_extra=${4:-0}
res="$dir/results.clean"
tr -d '\r' < "$dir/results.txt" 2>/dev/null > "$res" || : > "$res"
section() { awk -v s="=== $1" '/^=== / { on = ($0 == s) ; next } on' "$res"; }

passed=$(section results | grep -E '^ok ' | grep -vc '# SKIP' || true)
skipped=$(section results | grep -E '^ok ' | grep -c '# SKIP' || true)
failed=$(section results | grep -cE '^not ok ' || true)

problem() { failed=$((failed + 1)); echo "not ok - ${label:+$label: }$*"; }

: > "$dir/dmesg.txt"
if ! grep -q '^=== end' "$res"; then
	problem "VM did not finish within ${timeout_s}s (see $dir/console.log)"
else
	taint=$(sed -n 's/^=== taint //p' "$res")
	# 4096 = O (out-of-tree module), 8192 = E (unsigned module).
	allowed=$((4096 | 8192 | taint_extra))
	if [ $((taint & ~allowed)) -ne 0 ]; then
		problem "kernel tainted: $taint"
	fi
	section dmesg > "$dir/dmesg.txt"
	if ! grep -q 'Linux version' "$dir/dmesg.txt"; then
		problem "kernel log from the guest is incomplete (no boot banner)"
	fi
	# Every kernel bug report has a header of its own; a bare call trace
	# does not count (allocation-failure reports under failslab print one).
	bad='Oops|BUG:|WARNING:|Kernel panic|kernel BUG at|general protection fault|KASAN:|UBSAN:|INFO: |possible circular locking|possible recursive locking|kmemleak:.*suspected|unreferenced object|list_add corruption|list_del corruption'
	if grep -Eq "$bad" "$dir/dmesg.txt"; then
		problem "kernel log shows trouble:"
		grep -E "$bad" "$dir/dmesg.txt" | head -n 20 | sed 's/^/#   /'
	fi
fi

kunit=$(section results | grep -cE '^(not )?ok [0-9]+ - kunit ' || true)
echo "$passed $failed $skipped $kunit" > "$dir/counts"
[ "$failed" -eq 0 ]
