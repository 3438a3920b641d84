#!/bin/sh
# Install every Debian package ipckit needs, and nothing when all are present.
#
# Idempotent: `dpkg-query` decides what is missing; apt-get runs only then,
# with one `apt-get update` first. Called by `make run` and `make check`.
set -eu

PACKAGES="
	build-essential
	bc
	bison
	flex
	cpio
	xz-utils
	zstd
	dwarves
	kmod
	dkms
	pkg-config
	cmake
	libelf-dev
	libssl-dev
	libcoap3-dev
	nlohmann-json3-dev
	linux-image-amd64
	linux-headers-amd64
	linux-libc-dev
	linux-source-6.1
	linux-perf
	qemu-system-x86
	busybox-static
	libnl-3-dev
	libnl-genl-3-dev
	liburing-dev
	googletest
	libgtest-dev
	libgmock-dev
	clang-14
	libclang-rt-14-dev
"

missing=""
for pkg in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	"install ok installed") ;;
	*) missing="$missing $pkg" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "deps: all $(echo $PACKAGES | wc -w) packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing" >&2
	echo "deps: run as root (or install them with apt-get) and retry" >&2
	exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
echo "deps: done"
