#!/bin/sh
# Boot a kernel in QEMU with ipckit, the reference driver and the tests in
# an initramfs; run one job; judge the result.
#
# usage: vm-run.sh [-l stock|debug|6.12] check|run|bench|load
#
#   stock  the Debian kernel whose release matches KDIR (scripts/kdir.sh)
#          and its binder_linux.ko; the module is kernel/ipckit.ko
#   6.12   (any Debian series) that kernel, fetched and extracted without
#          installing it by scripts/kernel.sh, and its binder_linux.ko;
#          the module is built against its headers into
#          $BUILD/<series>/module. The userspace (selftests, shim,
#          fuzzer) is the same build as the other lanes'.
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
# IPCKIT_BENCH_REFS (a number) is handed to the guest for the bench job:
# the most refs ipckit-scale-bench builds up (100000 by default).
# IPCKIT_PROFILE (KIND:PLACEMENT,...) is handed to the profile job
# (scripts/vm/profile.sh, make profile).
# IPCKIT_FUZZ_SECONDS and IPCKIT_FUZZ_BLIND are handed to the guest for the
# fuzz job and the check job's fuzz pass (scripts/fuzz-vm.sh).
set -eu

lane=stock
cmdline_extra=
if [ "${1:-}" = "-l" ]; then
	lane=$2
	shift 2
fi
job=${1:?usage: vm-run.sh [-l stock|debug|6.12] check|run|bench|load}
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
[0-9]*.[0-9]*)
	# KVER KDIR IMAGE REFMOD ...: scripts/kernel.sh's interface.
	kernel_vars=$(scripts/kernel.sh "$lane")
	eval "$kernel_vars"
	kernel=$IMAGE
	refmod=$REFMOD
	module=${IPCKIT_MODULE:-}
	[ -n "$module" ] ||
		module=$(scripts/build-module.sh "$BUILD/$lane/module" "$KDIR")
	timeout_s=${IPCKIT_VM_TIMEOUT:-600}
	;;
*)
	echo "vm-run: unknown lane '$lane' (stock, debug or a series: 6.12)" >&2
	exit 2
	;;
esac

# --- test fixture modules (selftests/fixtures), for this kernel --------
fixtures=$out/fixtures
rm -rf "$fixtures"
mkdir -p "$fixtures"
cp selftests/fixtures/Kbuild selftests/fixtures/*.c "$fixtures/"
if ! make -C "$KDIR" M="$fixtures" modules > "$fixtures/build.log" 2>&1; then
	echo "vm-run: fixture modules did not build against $KDIR:" >&2
	tail -n 20 "$fixtures/build.log" >&2
	exit 1
fi
export IPCKIT_FIXTURES="$fixtures"
# --- end fixtures ------------------------------------------------------
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
	-append "console=ttyS0 quiet log_buf_len=16M panic=-1 mitigations=off $cmdline_extra IPCKIT_JOB=$job IPCKIT_LANE=$lane${IPCKIT_TESTS:+ IPCKIT_TESTS=$IPCKIT_TESTS}${IPCKIT_HANDLES:+ IPCKIT_HANDLES=$IPCKIT_HANDLES}${IPCKIT_BENCH_REFS:+ IPCKIT_BENCH_REFS=$IPCKIT_BENCH_REFS}${IPCKIT_FUZZ_SECONDS:+ IPCKIT_FUZZ_SECONDS=$IPCKIT_FUZZ_SECONDS}${IPCKIT_FUZZ_BLIND:+ IPCKIT_FUZZ_BLIND=1}${IPCKIT_PROFILE:+ IPCKIT_PROFILE=$IPCKIT_PROFILE}" \
	-display none -no-reboot -monitor none \
	-serial stdio -serial "file:$out/results.txt" < /dev/null |
	tee "$out/console.log"
set -e
elapsed=$(($(date +%s) - start))

# --- judge -------------------------------------------------------------
# TAP, taint and the kernel log: scripts/vm-judge.sh, shared with
# scripts/vm-pair.sh. On the debug lane KUnit also sets taint N.
extra=0
[ "$lane" = debug ] && extra=262144
scripts/vm-judge.sh "$out" "" "$timeout_s" "$extra" || :
read -r passed failed skipped kunit < "$out/counts"
echo "vm-run: $lane $job: $passed passed, $failed failed, $skipped skipped" \
	"(of them $kunit KUnit cases) in ${elapsed}s"
[ "$failed" -eq 0 ]
