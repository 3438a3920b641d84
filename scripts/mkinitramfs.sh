#!/bin/sh
# Build the test VM's initramfs (uncompressed newc cpio: the fastest to
# pack and unpack) from busybox-static, the modules and the test binaries.
#
# usage: mkinitramfs.sh OUT.cpio IPCKIT_KO BINDER_LINUX_KO
# env:   BUILD (build dir); the repo is the current directory
set -eu

out=$1
module=$2
ref=$3
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/bin" "$root/lib/modules" "$root/ipckit/bin" \
	"$root/ipckit/jobs" "$root/ipckit/tests"

cp /bin/busybox "$root/bin/busybox"
cp scripts/vm/init "$root/init"
chmod +x "$root/init"

# copy_ko SRC DEST: a module of the kernel's tree, compressed or not.
copy_ko() {
	for ext in "" .xz .zst; do
		[ -f "$1$ext" ] || continue
		case "$ext" in
		"")   cp "$1" "$2" ;;
		.xz)  xz -dc "$1$ext" > "$2" ;;
		.zst) zstd -qdc "$1$ext" > "$2" ;;
		esac
	done
}
# The reference driver of the same kernel, for differential tests.
copy_ko "$ref" "$root/lib/modules/binder_linux.ko"
if [ ! -f "$root/lib/modules/binder_linux.ko" ]; then
	echo "mkinitramfs: no reference driver $ref (CONFIG_ANDROID_BINDER_IPC=m)" >&2
	exit 1
fi
cp "$module" "$root/lib/modules/ipckit.ko"
# Test fixture modules built for this kernel (vm-run.sh), when there are.
mkdir -p "$root/lib/modules/fixtures"
for ko in "${IPCKIT_FIXTURES:-/nonexistent}"/*.ko; do
	[ ! -f "$ko" ] || cp "$ko" "$root/lib/modules/fixtures/"
done
# The NIC QEMU gives the two-device lane's VMs (scripts/vm-pair.sh), from
# the same tree as the reference driver; a kernel without it as a module
# has it built in or cannot run that lane.
copy_ko "${ref%/drivers/android/binder_linux.ko}/drivers/net/ethernet/intel/e1000/e1000.ko" \
	"$root/lib/modules/e1000.ko"

cp selftests/run_vm.sh "$root/ipckit/jobs/check.sh"
cp scripts/vm/demo.sh "$root/ipckit/jobs/run.sh"
cp scripts/vm/bench.sh "$root/ipckit/jobs/bench.sh"
cp scripts/vm/bench-summary.sh "$root/ipckit/jobs/bench-summary.sh"
cp scripts/vm/scale.sh "$root/ipckit/jobs/scale.sh"
cp scripts/vm/profile.sh "$root/ipckit/jobs/profile.sh"
cp scripts/vm/load.sh "$root/ipckit/jobs/load.sh"
cp scripts/vm/fuzz.sh "$root/ipckit/jobs/fuzz.sh"
cp scripts/vm/fuzz.sh "$root/ipckit/jobs/fuzz-repro.sh"
# The driver fuzzer (when built), its regression programs (replayed by
# the check job's fuzz pass) and the one program a fuzz-repro job replays.
mkdir -p "$root/ipckit/fuzz/regressions"
[ ! -x "$BUILD/fuzz/ipckit-fuzz" ] || cp "$BUILD/fuzz/ipckit-fuzz" "$root/ipckit/bin/"
cp fuzz/kernel/regressions/*.prog "$root/ipckit/fuzz/regressions/" 2>/dev/null || :
[ -z "${IPCKIT_FUZZ_REPRO:-}" ] || cp "$IPCKIT_FUZZ_REPRO" "$root/ipckit/fuzz/repro.prog"
cp "$BUILD"/selftests/* "$root/ipckit/tests/"
# libipckit's end-to-end test runs with the selftests, on both drivers.
cp "$BUILD"/host/shim_test "$root/ipckit/tests/"
# libipckit's benchmark, run by the bench job on both drivers.
cp "$BUILD"/host/bench/ipckit-shim-bench "$root/ipckit/bin/"
# The system on libipckit: samgr, the ipckit tool, the demo service and
# client (on PATH), their tests (run like selftests, on both drivers) and
# the demo's samgr.conf.
mkdir -p "$root/ipckit/etc"
cp "$BUILD"/host/samgr/samgr "$BUILD"/host/cli/ipckit \
	"$BUILD"/host/demo/kv_service "$BUILD"/host/demo/kv_client "$root/ipckit/bin/"
cp "$BUILD"/host/samgr/samgr_test cli/tests/ipckit_cli_test "$root/ipckit/tests/"
cp demo/samgr.conf "$root/ipckit/etc/"
# The soft bus and the two-device lane's jobs (scripts/vm-pair.sh): the
# daemons and their test clients when built, the guest scripts, and the
# group secret the launcher made for this run (IPCKIT_PAIR_KEY).
for bin in softbusd sbtest; do
	[ ! -x "$BUILD/host/softbus/$bin" ] || cp "$BUILD/host/softbus/$bin" "$root/ipckit/bin/"
done
# Cross-device RPC: rpcd and its test service and client, when built.
for bin in rpcd rpctest; do
	[ ! -x "$BUILD/host/rpc/$bin" ] || cp "$BUILD/host/rpc/$bin" "$root/ipckit/bin/"
done
mkdir -p "$root/ipckit/lib"
cp scripts/vm/pair-a.sh scripts/vm/pair-b.sh "$root/ipckit/jobs/"
cp scripts/vm/pair-lib.sh "$root/ipckit/lib/pair.sh"
cp scripts/vm/pair-agent "$root/ipckit/bin/pair-agent"
chmod +x "$root/ipckit/bin/pair-agent"
if [ -n "${IPCKIT_PAIR_KEY:-}" ]; then
	(umask 077 && echo "$IPCKIT_PAIR_KEY" > "$root/ipckit/etc/pair.key")
fi
chmod +x "$root"/ipckit/jobs/*.sh
# make profile: the host's perf (linux-perf, same series as the guest's
# kernel), objdump and the shared libraries they load, only when asked
# (~25 MB).
if [ -n "${IPCKIT_VM_PERF:-}" ]; then
	perf=$(command -v perf) || {
		echo "mkinitramfs: IPCKIT_VM_PERF set but no perf (apt-get install linux-perf)" >&2
		exit 1
	}
	# objdump, for perf annotate's instruction-level view.
	cp "$perf" "$root/ipckit/bin/perf"
	cp "$(command -v objdump)" "$root/ipckit/bin/objdump"
	for lib in $(ldd "$perf" "$(command -v objdump)" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' | sort -u); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
fi
# Debug info is most of a static binary's size (softbusd: 28 MB of which
# 7 MB code) and the guest never reads it: a smaller image boots faster.
for f in "$root"/ipckit/bin/* "$root"/ipckit/tests/*; do
	case "$(head -c 4 "$f" 2>/dev/null | od -An -c | tr -d ' ')" in
	177ELF) strip --strip-debug "$f" ;;
	esac
done

(cd "$root" && find . | cpio -o -H newc --quiet) > "$out"
