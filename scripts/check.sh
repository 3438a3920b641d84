#!/bin/sh
# `make check`: every lane, one summary. The last line is
#   N passed, N failed, N skipped
# counting all lanes together; exit status 1 on any failure.
#
# Lanes (each leaves "passed failed skipped" in $BUILD/<lane>/counts):
#   lint     checkpatch --strict over kernel/ and uapi/ (one check)
#   host     CTest: GoogleTest cases and scripts, no kernel needed
#   vm/check QEMU: module rules + selftests against both drivers
#   harness  proof that the VM lane fails a module that WARNs
set -u

BUILD=${BUILD:-$PWD/build}
export BUILD
status=0

mkdir -p "$BUILD/lint"
if scripts/checkpatch.sh; then
	echo "1 0 0" > "$BUILD/lint/counts"
else
	echo "0 1 0" > "$BUILD/lint/counts"
fi
scripts/host-check.sh || status=1
scripts/vm-run.sh check || status=1
scripts/harness-selftest.sh || status=1

passed=0 failed=0 skipped=0
for lane in lint host vm/check harness; do
	if [ -f "$BUILD/$lane/counts" ]; then
		read -r p f s < "$BUILD/$lane/counts"
	else
		p=0 f=1 s=0
		echo "check: lane $lane left no counts" >&2
	fi
	echo "check: $lane: $p passed, $f failed, $s skipped"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
