#!/bin/sh
# Boot the kernel that matches KDIR in QEMU with ipckit, the reference
# driver and the tests in an initramfs; run one job; judge the result.
#
# usage: vm-run.sh check|run
#
# The serial console (ttyS0) streams to the terminal and to
# $BUILD/vm/<job>/console.log; the guest hands results, taint and dmesg to
# the host on ttyS1 ($BUILD/vm/<job>/results.txt). Fails when a test fails,
# the guest does not finish within IPCKIT_VM_TIMEOUT seconds, the kernel is
# tainted beyond out-of-tree/unsigned, or the log has an Oops/BUG/WARNING.
# Writes "passed failed skipped" to $BUILD/vm/<job>/counts.
set -eu

job=${1:?usage: vm-run.sh check|run}
BUILD=${BUILD:-$PWD/build}
export BUILD
KDIR=${KDIR:-$(scripts/kdir.sh)}
timeout_s=${IPCKIT_VM_TIMEOUT:-300}
out=${IPCKIT_VM_OUT:-$BUILD/vm/$job}
mkdir -p "$out"

kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' \
	"$KDIR/include/generated/utsrelease.h")
kernel=${IPCKIT_VM_KERNEL:-/boot/vmlinuz-$kver}
if [ ! -r "$kernel" ]; then
	echo "vm-run: no kernel image $kernel for the headers in $KDIR" >&2
	echo "vm-run: install linux-image-$kver or point KDIR at a matching tree" >&2
	exit 1
fi

echo "vm-run: packing initramfs for $kver"
scripts/mkinitramfs.sh "$out/initramfs.cpio" "$kver"

# TCG by default: a /dev/kvm node is not proof that KVM works (on these
# machines it exists and hangs). IPCKIT_VM_ACCEL=kvm opts in.
accel="-accel ${IPCKIT_VM_ACCEL:-tcg}"

rm -f "$out/results.txt"
echo "vm-run: booting $kernel (job $job, watchdog ${timeout_s}s)"
start=$(date +%s)
set +e
# shellcheck disable=SC2086
timeout -k 5 "$timeout_s" qemu-system-x86_64 $accel -smp 2 -m 1024 \
	-kernel "$kernel" -initrd "$out/initramfs.cpio" \
	-append "console=ttyS0 quiet panic=-1 mitigations=off IPCKIT_JOB=$job" \
	-display none -no-reboot -monitor none \
	-serial stdio -serial "file:$out/results.txt" < /dev/null |
	tee "$out/console.log"
set -e
elapsed=$(($(date +%s) - start))

# --- judge -------------------------------------------------------------
res="$out/results.clean"
tr -d '\r' < "$out/results.txt" 2>/dev/null > "$res" || : > "$res"
section() { awk -v s="=== $1" '/^=== / { on = ($0 == s) ; next } on' "$res"; }

passed=$(section results | grep -E '^ok ' | grep -vc '# SKIP' || true)
skipped=$(section results | grep -E '^ok ' | grep -c '# SKIP' || true)
failed=$(section results | grep -cE '^not ok ' || true)

problem() { failed=$((failed + 1)); echo "not ok - $*"; }

if ! grep -q '^=== end' "$res"; then
	problem "VM did not finish job '$job' within ${timeout_s}s (see $out/console.log)"
else
	taint=$(sed -n 's/^=== taint //p' "$res")
	# 4096 = O (out-of-tree module), 8192 = E (unsigned module).
	if [ $((taint & ~(4096 | 8192))) -ne 0 ]; then
		problem "kernel tainted: $taint"
	fi
	section dmesg > "$out/dmesg.txt"
	bad='Oops|BUG:|WARNING:|Kernel panic|general protection fault|KASAN:|UBSAN:|possible circular locking|possible recursive locking|kmemleak:.*suspected|unreferenced object|Call Trace:'
	if grep -Eq "$bad" "$out/dmesg.txt"; then
		problem "kernel log shows trouble:"
		grep -E "$bad" "$out/dmesg.txt" | head -n 20 | sed 's/^/#   /'
	fi
fi

echo "$passed $failed $skipped" > "$out/counts"
echo "vm-run: job $job: $passed passed, $failed failed, $skipped skipped in ${elapsed}s"
[ "$failed" -eq 0 ]
