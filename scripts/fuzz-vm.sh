#!/bin/sh
# Host side of the kernel fuzzer (Documentation/kernel-fuzzer.rst): boot
# the VM job fuzz or fuzz-repro (scripts/vm/fuzz.sh), then pull the
# reproducers out of the results into $BUILD/fuzz/crashes/.
#
# usage: fuzz-vm.sh [-l debug|stock] fuzz SECONDS
#        fuzz-vm.sh [-l debug|stock] repro FILE
# The debug lane has KCOV (coverage-guided); the stock lane runs blind.
set -eu

lane=debug
if [ "${1:-}" = "-l" ]; then
	lane=$2
	shift 2
fi
mode=${1:?usage: fuzz-vm.sh [-l lane] fuzz SECONDS | repro FILE}
BUILD=${BUILD:-$PWD/build}
export BUILD
mkdir -p "$BUILD/fuzz/crashes"

case "$mode" in
fuzz)
	secs=${2:-1800}
	out=$BUILD/vm/$lane-fuzz
	# Boot, the run, a crash report and the leak check, with room to spare.
	export IPCKIT_FUZZ_SECONDS="$secs"
	export IPCKIT_VM_TIMEOUT="${IPCKIT_VM_TIMEOUT:-$((secs + 900))}"
	job=fuzz
	;;
repro)
	file=${2:?usage: fuzz-vm.sh repro FILE}
	[ -r "$file" ] || { echo "fuzz-vm: cannot read $file" >&2; exit 2; }
	out=$BUILD/vm/$lane-fuzz-repro
	export IPCKIT_FUZZ_REPRO="$file"
	job=fuzz-repro
	;;
*)
	echo "fuzz-vm: unknown mode '$mode' (fuzz or repro)" >&2
	exit 2
	;;
esac

mkdir -p "$out"
# The whole console goes to $out/vm-run.log; the fuzzer's lines show live.
{
	IPCKIT_VM_OUT=$out scripts/vm-run.sh -l "$lane" "$job" 2>&1
	echo $? > "$out/rc"
} | tee "$out/vm-run.log" | grep --line-buffered -E '^(ipckit-fuzz|vm-run):' || :
status=$(cat "$out/rc")
res=$out/results.clean
echo "fuzz-vm: console log $out/console.log, results $out/results.txt"
grep -E '^(not )?ok ' "$res" || :

# Each reproducer: base64 lines between the markers.
awk '/^# ipckit-fuzz: reproducer begin/ { on = 1; n++; next }
     /^# ipckit-fuzz: reproducer end/ { on = 0; next }
     on { sub(/^# /, ""); print > (dir "/repro-" n ".b64") }' \
	dir="$out" "$res"
for b in "$out"/repro-*.b64; do
	[ -f "$b" ] || continue
	dest=$BUILD/fuzz/crashes/crash-$(date +%Y%m%d-%H%M%S)-${b##*/repro-}
	dest=${dest%.b64}.prog
	base64 -d "$b" > "$dest"
	rm -f "$b"
	echo "fuzz-vm: reproducer saved: $dest"
	echo "fuzz-vm: replay it with: make fuzz-repro FILE=$dest"
done
exit "$status"
