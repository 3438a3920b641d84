#!/bin/sh
# scripts/kdir.sh chooses the kernel explicitly: fake /usr/src and cache
# trees in a scratch directory (IPCKIT_HEADERS_ROOT, IPCKIT_CACHE), one
# line per case, exit status 1 if any case fails. A DKMS user's machine
# has several 6.1 ABIs and 6.12 installed side by side; the default must
# stay 6.1 (the old "newest headers" rule picked 6.12 and the build
# failed), IPCKIT_KERNEL=6.12 must pick 6.12.
set -eu

scripts=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-kdir.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0

headers() { # a fake installed headers tree
	mkdir -p "$1"
	echo "# fake" > "$1/Makefile"
}
src=$tmp/usr/src
headers "$src/linux-headers-6.1.0-9-amd64"
headers "$src/linux-headers-6.1.0-41-amd64"
headers "$src/linux-headers-6.1.0-41-common"
mkdir -p "$src/linux-headers-6.1.0-50-amd64"	# removed package's leftover
headers "$src/linux-headers-6.12.9+deb12-amd64"
headers "$src/linux-headers-6.12.118+deb12-amd64"
# A series not installed: scripts/kernel.sh's cache, two completed
# extractions and one unfinished (no stamp).
cache=$tmp/cache
for v in 9.9.3 9.9.10 9.9.20; do
	headers "$cache/kernels/$v+deb12-amd64/root/usr/src/linux-headers-$v+deb12-amd64"
done
touch "$cache/kernels/9.9.3+deb12-amd64/.extracted" \
	"$cache/kernels/9.9.10+deb12-amd64/.extracted"

expect() { # expect DESCRIPTION WANT [VAR=value...]
	desc=$1 want=$2
	shift 2
	got=$(env -u KDIR -u IPCKIT_KERNEL IPCKIT_HEADERS_ROOT="$src" \
		IPCKIT_CACHE="$cache" "$@" sh "$scripts/kdir.sh" 2> "$tmp/err") ||
		got="error: $(cat "$tmp/err")"
	if [ "$got" = "$want" ]; then
		echo "ok - $desc"
	else
		echo "not ok - $desc: got '$got', want '$want'"
		failures=$((failures + 1))
	fi
}
expect_error() { # expect_error DESCRIPTION MESSAGE_PART [VAR=value...]
	desc=$1 part=$2
	shift 2
	if env -u KDIR -u IPCKIT_KERNEL IPCKIT_HEADERS_ROOT="$src" \
		IPCKIT_CACHE="$cache" "$@" sh "$scripts/kdir.sh" > "$tmp/out" 2> "$tmp/err"; then
		echo "not ok - $desc: succeeded with '$(cat "$tmp/out")'"
		failures=$((failures + 1))
	elif grep -q -- "$part" "$tmp/err"; then
		echo "ok - $desc"
	else
		echo "not ok - $desc: error '$(cat "$tmp/err")' does not say '$part'"
		failures=$((failures + 1))
	fi
}

expect "default: the newest 6.1 ABI, not the newer 6.12 headers" \
	"$src/linux-headers-6.1.0-41-amd64"
expect "IPCKIT_KERNEL=6.1: the same" \
	"$src/linux-headers-6.1.0-41-amd64" IPCKIT_KERNEL=6.1
expect "IPCKIT_KERNEL=6.12: the newest installed 6.12 (version order)" \
	"$src/linux-headers-6.12.118+deb12-amd64" IPCKIT_KERNEL=6.12
expect "KDIR wins over IPCKIT_KERNEL" /some/tree KDIR=/some/tree IPCKIT_KERNEL=6.12
expect "a series not installed: scripts/kernel.sh's newest completed extraction" \
	"$cache/kernels/9.9.10+deb12-amd64/root/usr/src/linux-headers-9.9.10+deb12-amd64" \
	IPCKIT_KERNEL=9.9
expect_error "IPCKIT_KERNEL=6 is not a series" "not a series" IPCKIT_KERNEL=6.
expect_error "IPCKIT_KERNEL=6.x is refused" "not a series" IPCKIT_KERNEL=6.x
rm -rf "$src"/linux-headers-6.1.*
expect_error "default series not installed: says to install the deps" \
	"install-deps.sh" IPCKIT_KERNEL=6.1
expect "without 6.1, IPCKIT_KERNEL=6.12 still builds" \
	"$src/linux-headers-6.12.118+deb12-amd64" IPCKIT_KERNEL=6.12

[ "$failures" -eq 0 ]
