#!/bin/sh
# Build the debug kernel (tinyconfig + scripts/debug-kernel/debug.config:
# KASAN, lockdep, kmemleak, failslab, KUnit) from Debian's linux-source,
# cached outside the clone and keyed by source version and config hash.
# Reused as is when nothing changed. Prints the build directory, usable
# as KDIR for the module, with bzImage and binder_linux.ko inside.
#
# Progress goes to stderr; the full log to <dir>.log.
set -eu

cache=${IPCKIT_CACHE:-/var/cache/ipckit}
frag=$PWD/scripts/debug-kernel/debug.config
src=$(scripts/linux-source.sh)
srcver=$(basename "$src")
hash=$(sha256sum < "$frag" | cut -c1-12)
out=$cache/debug-kernel/$srcver-$hash
log=$out.log
jobs=${JOBS:-$(nproc)}

if [ -f "$out/.built" ]; then
	echo "debug-kernel: cached $out" >&2
	echo "$out"
	exit 0
fi

say() { echo "debug-kernel: $*" >&2; }
fail() { say "FAILED: $*"; say "log: $log"; tail -n 30 "$log" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
: > "$log"
say "configuring $srcver (tinyconfig + $(grep -c '^CONFIG_' "$frag") options) in $out"
make -C "$src" O="$out" tinyconfig >> "$log" 2>&1 || fail "tinyconfig"
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag" \
	>> "$log" 2>&1 || fail "merge_config"
make -C "$src" O="$out" olddefconfig >> "$log" 2>&1 || fail "olddefconfig"

# A fragment line Kconfig silently dropped would be a check we think we run.
missing=""
while IFS= read -r line; do
	case "$line" in CONFIG_*) ;; *) continue ;; esac
	grep -qxF "$line" "$out/.config" || missing="$missing $line"
done < "$frag"
[ -z "$missing" ] || fail "options did not survive olddefconfig:$missing"

say "building bzImage and modules with -j$jobs (about 10 minutes on 2 cores)"
start=$(date +%s)
make -C "$src" O="$out" -j"$jobs" bzImage modules >> "$log" 2>&1 &
pid=$!
while kill -0 $pid 2>/dev/null; do
	sleep 30
	kill -0 $pid 2>/dev/null || break
	say "  $(( ($(date +%s) - start) / 60 ))m$(( ($(date +%s) - start) % 60 ))s, $(grep -c '^  CC' "$log") files compiled"
done
wait $pid || fail "build"
say "built in $(( $(date +%s) - start ))s"
touch "$out/.built"
echo "$out"
