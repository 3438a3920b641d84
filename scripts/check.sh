#!/bin/sh
# `make check`: every lane, one summary. The last line is
#   N passed, N failed, N skipped
# counting host tests and VM tests together; exit status 1 on any failure.
set -u

BUILD=${BUILD:-$PWD/build}
export BUILD
status=0
lanes="host vm/check"

scripts/host-check.sh || status=1
scripts/vm-run.sh check || status=1

passed=0 failed=0 skipped=0
for lane in $lanes; do
	if [ -f "$BUILD/$lane/counts" ]; then
		read -r p f s < "$BUILD/$lane/counts"
	else
		p=0 f=1 s=0
		echo "check: lane $lane left no counts" >&2
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
