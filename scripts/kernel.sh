#!/bin/sh
# Fetch and extract a Debian kernel series (image, modules, headers) into
# the cache WITHOUT installing it: nothing goes to /boot, /lib/modules or
# /usr/src, and dpkg does not know about it. Used by the 6.12 lane
# (scripts/vm-run.sh -l 6.12), scripts/kdir.sh (IPCKIT_KERNEL=6.12) and
# anything that needs a second kernel's build tree (DKMS builds).
#
# usage: kernel.sh SERIES [FIELD]
#   SERIES  a Debian kernel series with a linux-image-SERIES-amd64
#           metapackage, e.g. 6.12; its newest ABI the archive offers is
#           used (apt-cache depends linux-image-SERIES-amd64).
#   FIELD   print only that value, one of:
#             kver    kernel release          6.12.118+deb12-amd64
#             root    the extracted tree      $cache/kernels/<kver>/root
#             kdir    the headers (a KDIR)    <root>/usr/src/linux-headers-<kver>
#             image   the kernel to boot      <root>/boot/vmlinuz-<kver>
#             refmod  its binder driver       <root>/lib/modules/<kver>/kernel/drivers/android/binder_linux.ko
#             moddir  its module tree         <root>/lib/modules/<kver>
#             ksft    the series' own kselftest harness and binderfs
#                     test (from linux-source-SERIES, downloaded and
#                     cut down once to $cache/kernels/<kver>/ksft/):
#                     a KSFT dir for selftests/Makefile's second
#                     version of upstream's binderfs_test
#           Without FIELD: every one as KVER=... KDIR=... lines (upper
#           case) for eval.
#
# Layout (IPCKIT_CACHE overrides /var/cache/ipckit):
#   $cache/kernels/<kver>/debs/       the four .debs (apt-get download)
#   $cache/kernels/<kver>/root/       dpkg-deb -x of all four
#   $cache/kernels/<kver>/.extracted  stamp: the tree is complete
# The headers Makefile's "include /usr/src/..." is rewritten to the
# extracted path, so KDIR builds external modules (make -C KDIR M=...);
# binder_linux.ko.xz is also decompressed next to itself (the test VM's
# busybox cannot). A completed tree is reused; one made by hand the same
# way without the stamp is checked file by file against its .debs and
# adopted. Callers are serialised by flock on $cache/kernels/.<kver>.lock.
# apt-get update runs only when the package lists do not know the series
# and no completed extraction of it is cached (offline reuse).
set -eu

series=${1:?usage: kernel.sh SERIES [kver|root|kdir|image|refmod|moddir|ksft]}
field=${2:-}
cache=${IPCKIT_CACHE:-/var/cache/ipckit}
arch=amd64

say() { echo "kernel: $*" >&2; }
die() { say "$*"; exit 1; }

# The package a metapackage or package depends on, matching a pattern.
dep_of() { # dep_of PACKAGE SED_PATTERN
	apt-cache depends "$1" 2>/dev/null |
		sed -n "s/^ *|\{0,1\}Depends: \($2\)\$/\1/p" | head -n 1
}
resolve() {
	img=$(dep_of "linux-image-$series-$arch" "linux-image-$series[.][^ ]*-$arch")
	[ -n "$img" ] && echo "${img#linux-image-}"
}
# The newest completed extraction of the series in the cache.
cached() {
	for d in "$cache"/kernels/"$series".*-$arch; do
		[ -f "$d/.extracted" ] && basename "$d"
	done | sort -V | tail -n 1
}

kver=$(resolve || :)
if [ -z "$kver" ]; then
	kver=$(cached)
	if [ -z "$kver" ]; then
		say "the package lists do not know linux-image-$series-$arch; apt-get update"
		apt-get update -q >&2 || :
		kver=$(resolve || :)
	fi
fi
[ -n "$kver" ] || die "no linux-image-$series-$arch in the archive (is $series a Debian kernel series?)"
abi=${kver%-$arch}

dir=$cache/kernels/$kver
root=$dir/root
kdir=$root/usr/src/linux-headers-$kver
moddir=$root/lib/modules/$kver
refmod=$moddir/kernel/drivers/android/binder_linux.ko
image=$root/boot/vmlinuz-$kver

# Every file and link of every .deb is in the tree.
complete() {
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb --fsys-tarfile "$deb" | tar -t |
			while read -r f; do
				[ -e "$root/$f" ] || [ -L "$root/$f" ] || {
					say "$root/$f missing"
					exit 1
				}
			done || return 1
	done
}

# Make a tree usable as a KDIR and for the VM; rerunnable.
finish() { # finish ROOT
	mk=$1/usr/src/linux-headers-$kver/Makefile
	sed -i "s|^include /usr/src/|include $root/usr/src/|" "$mk"
	grep -q "^include $root/usr/src/linux-headers-$abi-common/Makefile" "$mk" ||
		die "unexpected $mk: no include of the -common headers"
	ko=$1/lib/modules/$kver/kernel/drivers/android/binder_linux.ko
	if [ -f "$ko.xz" ] && [ ! -f "$ko" ]; then
		xz -dc "$ko.xz" > "$ko.tmp" && mv "$ko.tmp" "$ko"
	fi
}

fetch() {
	pkgs="linux-image-$kver linux-headers-$kver"
	common=$(dep_of "linux-headers-$kver" "linux-headers-$abi-common")
	kbuild=$(dep_of "linux-headers-$kver" "linux-kbuild-[^ ]*")
	[ -n "$common" ] && [ -n "$kbuild" ] ||
		die "cannot resolve linux-headers-$kver's -common and kbuild packages"
	rm -rf "$dir/debs.tmp"
	mkdir -p "$dir/debs.tmp"
	# apt fetches as _apt where it can write; root otherwise (a warning).
	chown _apt "$dir/debs.tmp" 2>/dev/null || :
	say "downloading $pkgs $common $kbuild"
	# apt-get download writes to the current directory.
	# shellcheck disable=SC2086
	(cd "$dir/debs.tmp" && apt-get download -q $pkgs "$common" "$kbuild" >&2) ||
		die "apt-get download failed"
	rm -rf "$dir/debs"
	mv "$dir/debs.tmp" "$dir/debs"
}

extract() {
	rm -rf "$dir/root.tmp"
	mkdir -p "$dir/root.tmp"
	for deb in "$dir"/debs/*.deb; do
		say "extracting $(basename "$deb")"
		dpkg-deb -x "$deb" "$dir/root.tmp"
	done
	finish "$dir/root.tmp"
	rm -rf "$root"
	mv "$dir/root.tmp" "$root"
}

if [ ! -f "$dir/.extracted" ]; then
	mkdir -p "$dir"
	exec 9> "$cache/kernels/.$kver.lock"
	flock 9
	# Another caller may have finished while this one waited.
	if [ ! -f "$dir/.extracted" ]; then
		[ "$(ls "$dir"/debs/*.deb 2>/dev/null | wc -l)" -eq 4 ] || fetch
		if [ -d "$root" ] && complete; then
			say "adopting the existing extraction in $root"
			finish "$root"
		else
			extract
		fi
		touch "$dir/.extracted"
		say "$kver ready in $root"
	fi
	exec 9>&-
fi

# The series' kselftest harness and binderfs test, for selftests/Makefile
# (KSFT_612_DIR). Only these files are kept: the whole tarball is 1.4 GB.
ksft() {
	out=$dir/ksft
	if [ ! -f "$out/.extracted" ]; then
		exec 8> "$cache/kernels/.$kver.ksft.lock"
		flock 8
		if [ ! -f "$out/.extracted" ]; then
			tmp=$dir/ksft.tmp
			src=linux-source-$series
			sel=$src/tools/testing/selftests
			rm -rf "$tmp"
			mkdir -p "$tmp"
			chown _apt "$tmp" 2>/dev/null || :
			say "downloading $src for its kselftests"
			(cd "$tmp" && apt-get download -q "$src" >&2) ||
				die "apt-get download $src failed"
			say "extracting its kselftest harness and binderfs test"
			dpkg-deb --fsys-tarfile "$tmp"/"$src"_*.deb |
				tar -xO "./usr/src/$src.tar.xz" |
				tar -xJ -C "$tmp" --strip-components=1 \
					"$sel/kselftest_harness.h" \
					"$sel/kselftest.h" \
					"$sel/filesystems/binderfs" ||
				die "$src has no binderfs kselftest"
			rm -f "$tmp"/"$src"_*.deb
			rm -rf "$out"
			mv "$tmp" "$out"
			touch "$out/.extracted"
		fi
		exec 8>&-
	fi
	echo "$out/tools/testing/selftests"
}

case "$field" in
"")
	echo "KVER=$kver"
	echo "ROOT=$root"
	echo "KDIR=$kdir"
	echo "IMAGE=$image"
	echo "REFMOD=$refmod"
	echo "MODDIR=$moddir"
	;;
kver)   echo "$kver" ;;
root)   echo "$root" ;;
kdir)   echo "$kdir" ;;
image)  echo "$image" ;;
refmod) echo "$refmod" ;;
moddir) echo "$moddir" ;;
ksft)   ksft ;;
*)      die "unknown field '$field' (kver root kdir image refmod moddir ksft)" ;;
esac
