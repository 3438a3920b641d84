#!/bin/sh
# `make check`: every lane, one summary. The last line is
#   N passed, N failed, N skipped
# counting all lanes together; exit status 1 on any failure.
#
# Lanes (each leaves "passed failed skipped" in $BUILD/<dir>/counts):
#   lint           checkpatch --strict over kernel/ and uapi/ (one check)
#   host           CTest: GoogleTest cases and scripts, no kernel needed
#   stock          QEMU, Debian kernel: module rules + selftests against
#                  both drivers
#   stock-6.12     the same on Debian's 6.12 (scripts/kernel.sh fetches
#                  it without installing it; ipckit built for it)
#   dkms           the ipckit-dkms package: apt install (DKMS builds for
#                  6.1, then 6.12), modprobe with modprobe.d's Android
#                  device set in QEMU on each kernel, purge
#                  (scripts/dkms-check.sh; root, else skipped)
#   pair           two QEMU VMs on a private link: the soft bus between
#                  two devices (scripts/vm-pair.sh check)
#   harness-stock  the stock lane fails a module that WARNs
#   debug          QEMU, debug kernel (KASAN, lockdep, kmemleak, failslab):
#                  the same job plus KUnit, fault injection and a leak scan
#   harness-debug  the debug lane catches a planted lock inversion and UAF
# IPCKIT_LANES=... runs a subset (space-separated names from above).
set -u

BUILD=${BUILD:-$PWD/build}
export BUILD
lanes=${IPCKIT_LANES:-lint host stock stock-6.12 dkms pair harness-stock debug harness-debug}

lint() {
	mkdir -p "$BUILD/lint"
	if scripts/checkpatch.sh; then
		echo "1 0 0" > "$BUILD/lint/counts"
	else
		echo "0 1 0" > "$BUILD/lint/counts"
		return 1
	fi
}

status=0
passed=0 failed=0 skipped=0
for lane in $lanes; do
	echo "check: === lane $lane"
	case "$lane" in
	lint)          dir=lint; rm -f "$BUILD/$dir/counts"; lint ;;
	host)          dir=host; rm -f "$BUILD/$dir/counts"; scripts/host-check.sh ;;
	stock|debug)   dir=vm/$lane-check; rm -f "$BUILD/$dir/counts"
	               scripts/vm-run.sh -l "$lane" check ;;
	stock-[0-9]*)  dir=vm/${lane#stock-}-check; rm -f "$BUILD/$dir/counts"
	               scripts/vm-run.sh -l "${lane#stock-}" check ;;
	dkms)          dir=dkms-check; rm -f "$BUILD/$dir/counts"
	               scripts/dkms-check.sh ;;
	pair)          dir=vm/pair-check; rm -f "$BUILD/$dir/counts"
	               scripts/vm-pair.sh check ;;
	harness-*)     dir=$lane; rm -f "$BUILD/$dir/counts"
	               scripts/harness-selftest.sh "${lane#harness-}" ;;
	*)             echo "check: unknown lane $lane" >&2; dir=none ;;
	esac || status=1
	k=
	if [ -f "$BUILD/$dir/counts" ]; then
		read -r p f s k < "$BUILD/$dir/counts"
	else
		p=0 f=1 s=0
		echo "check: lane $lane left no counts" >&2
	fi
	summary="${summary:-}check: $lane: $p passed, $f failed, $s skipped${k:+ (KUnit cases among them: $k)}
"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
printf '%s' "$summary"
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
