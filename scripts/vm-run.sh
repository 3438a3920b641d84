#!/bin/sh
# Boot a kernel in QEMU with ipckit, the reference driver and the tests in
# an initramfs; run one job; judge the result.
#
# usage: vm-run.sh [-l stock|debug] check|run|bench|load
#
#   stock  the Debian kernel whose release matches KDIR (scripts/kdir.sh)
#          and its binder_linux.ko; the module is kernel/ipckit.ko
#   debug  the debug kernel from scripts/build-debug-kernel.sh (KASAN,
#          lockdep, kmemleak, failslab, KUnit); the module is built
#          against it into $BUILD/debug/module
#
# The serial console (ttyS0) streams to the terminal and to
# <out>/console.log; the guest hands results, taint and dmesg to the host
# on ttyS1 (<out>/results.txt), out=$BUILD/vm/<lane>-<job> unless
# IPCKIT_VM_OUT says otherwise. Fails when a test fails, the guest does not
# finish within IPCKIT_VM_TIMEOUT seconds, the kernel is tainted beyond
# out-of-tree/unsigned, or the log shows an Oops/BUG/WARNING or a
# sanitizer report. Writes "passed failed skipped kunit" to <out>/counts.
# IPCKIT_MODULE overrides the module to test. IPCKIT_TESTS (comma-separated
# selftest names, e.g. refcount_test,death_test) runs only those selftests:
# for a quick loop while working on one area, never in make check.
# IPCKIT_HANDLES (a number) is handed to the guest for handles_test: how
# many handles it makes (20000 by default, 5000 on the debug lane;
# 100000 for the long run, make scale).
# IPCKIT_FUZZ_SECONDS and IPCKIT_FUZZ_BLIND are handed to the guest for the
# fuzz job and the check job's fuzz pass (scripts/fuzz-vm.sh).
set -eu

lane=stock
cmdline_extra=
if [ "${1:-}" = "-l" ]; then
	lane=$2
	shift 2
fi
job=${1:?usage: vm-run.sh [-l stock|debug] check|run|bench|load}
BUILD=${BUILD:-$PWD/build}
export BUILD
out=${IPCKIT_VM_OUT:-$BUILD/vm/$lane-$job}
mkdir -p "$out"

case "$lane" in
stock)
	KDIR=${KDIR:-$(scripts/kdir.sh)}
	kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' \
		"$KDIR/include/generated/utsrelease.h")
	kernel=/boot/vmlinuz-$kver
	refmod=/lib/modules/$kver/kernel/drivers/android/binder_linux.ko
	module=${IPCKIT_MODULE:-kernel/ipckit.ko}
	timeout_s=${IPCKIT_VM_TIMEOUT:-600}
	if [ ! -r "$kernel" ]; then
		echo "vm-run: no kernel image $kernel for the headers in $KDIR" >&2
		echo "vm-run: install linux-image-$kver or point KDIR at a matching tree" >&2
		exit 1
	fi
	;;
debug)
	KDIR=$(scripts/build-debug-kernel.sh)
	kernel=$KDIR/arch/x86/boot/bzImage
	refmod=$KDIR/drivers/android/binder_linux.ko
	module=${IPCKIT_MODULE:-}
	[ -n "$module" ] ||
		module=$(scripts/build-module.sh "$BUILD/debug/module" "$KDIR")
	# KASAN and lockdep under TCG are several times slower.
	timeout_s=${IPCKIT_VM_TIMEOUT:-1800}
	# Mark the kmalloc caches for failslab's cache-filter (run_vm.sh).
	cmdline_extra="slub_debug=A,kmalloc-*"
	;;
*)
	echo "vm-run: unknown lane '$lane' (stock or debug)" >&2
	exit 2
	;;
esac

echo "vm-run: packing initramfs ($lane lane)"
scripts/mkinitramfs.sh "$out/initramfs.cpio" "$module" "$refmod"

# TCG by default: a /dev/kvm node is not proof that KVM works (on these
# machines it exists and hangs). IPCKIT_VM_ACCEL=kvm opts in.
accel="-accel ${IPCKIT_VM_ACCEL:-tcg}"

rm -f "$out/results.txt"
echo "vm-run: booting $kernel ($lane lane, job $job, watchdog ${timeout_s}s)"
start=$(date +%s)
set +e
# shellcheck disable=SC2086
timeout -k 5 "$timeout_s" qemu-system-x86_64 $accel -smp 2 -m 1024 \
	-kernel "$kernel" -initrd "$out/initramfs.cpio" \
	-append "console=ttyS0 quiet log_buf_len=16M panic=-1 mitigations=off $cmdline_extra IPCKIT_JOB=$job IPCKIT_LANE=$lane${IPCKIT_TESTS:+ IPCKIT_TESTS=$IPCKIT_TESTS}${IPCKIT_HANDLES:+ IPCKIT_HANDLES=$IPCKIT_HANDLES}${IPCKIT_FUZZ_SECONDS:+ IPCKIT_FUZZ_SECONDS=$IPCKIT_FUZZ_SECONDS}${IPCKIT_FUZZ_BLIND:+ IPCKIT_FUZZ_BLIND=1}" \
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
	# 4096 = O (out-of-tree module), 8192 = E (unsigned module); on the
	# debug lane also 262144 = N, which running KUnit suites sets.
	allowed=$((4096 | 8192))
	[ "$lane" = debug ] && allowed=$((allowed | 262144))
	if [ $((taint & ~allowed)) -ne 0 ]; then
		problem "kernel tainted: $taint"
	fi
	section dmesg > "$out/dmesg.txt"
	# The scan below is only as good as the log it reads: all of it.
	if ! grep -q 'Linux version' "$out/dmesg.txt"; then
		problem "kernel log from the guest is incomplete (no boot banner)"
	fi
	# Every kernel bug report has a header of its own; a bare call trace
	# does not count (allocation-failure reports under failslab print one).
	bad='Oops|BUG:|WARNING:|Kernel panic|kernel BUG at|general protection fault|KASAN:|UBSAN:|INFO: |possible circular locking|possible recursive locking|kmemleak:.*suspected|unreferenced object|list_add corruption|list_del corruption'
	if grep -Eq "$bad" "$out/dmesg.txt"; then
		problem "kernel log shows trouble:"
		grep -E "$bad" "$out/dmesg.txt" | head -n 20 | sed 's/^/#   /'
	fi
fi

kunit=$(section results | grep -cE '^(not )?ok [0-9]+ - kunit ' || true)
echo "$passed $failed $skipped $kunit" > "$out/counts"
echo "vm-run: $lane $job: $passed passed, $failed failed, $skipped skipped" \
	"(of them $kunit KUnit cases) in ${elapsed}s"
[ "$failed" -eq 0 ]
