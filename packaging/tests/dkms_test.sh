#!/bin/sh
# Host tests of the DKMS packaging (CTest, packaging/CMakeLists.txt); no
# root, no kernel. The dkms lane (scripts/dkms-check.sh) installs for real.
#
# usage: dkms_test.sh version|conf|deb
#   version  scripts/version.sh prints a version dpkg accepts, and a
#            packaged tree (no git) prints its VERSION file
#   conf     the staged tree's dkms.conf, parsed as dkms parses it (bash),
#            names the module Kbuild builds, where, and the tree's version;
#            the tree holds every source Kbuild names and no build output
#   deb      the .deb's control fields, files, conffile and maintainer
#            scripts; the modprobe.d example is all comments
# Exit 77 (CTest: skipped) when a tool it needs is missing.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
die() { echo "FAIL: $*" >&2; exit 1; }
need() { command -v "$1" > /dev/null || { echo "SKIP: no $1"; exit 77; }; }

need git
git rev-parse --git-dir > /dev/null 2>&1 || { echo "SKIP: not a git tree"; exit 77; }
version=$(scripts/version.sh)

case "${1:-}" in
version)
	echo "$version" | grep -Eq '^[0-9]+(\.[0-9]+)*(\+[0-9]+\.g[0-9a-f]{12})?(\.dirty)?$' ||
		die "version '$version' is not <base>[+<n>.g<hash>][.dirty]"
	if command -v dpkg > /dev/null; then
		dpkg --validate-version "$version" || die "dpkg refuses '$version'"
		# A later commit must sort later: an upgrade is an upgrade.
		dpkg --compare-versions "0.1.0+9.gffffffffffff" lt "0.1.0+10.g000000000000" ||
			die "snapshot count does not order"
	fi
	mkdir -p "$tmp/tree/scripts"
	cp scripts/version.sh "$tmp/tree/scripts/"
	echo 1.2.3+4.gabcdefabcdef > "$tmp/tree/VERSION"
	[ "$(GIT_CEILING_DIRECTORIES=$tmp "$tmp/tree/scripts/version.sh")" = 1.2.3+4.gabcdefabcdef ] ||
		die "outside git, version.sh does not print VERSION"
	;;
conf)
	need bash
	scripts/dkms.sh stage "$tmp/src"
	[ "$(cat "$tmp/src/VERSION")" = "$version" ] || die "VERSION is not $version"
	# dkms sources dkms.conf with bash, with these set.
	(cd "$tmp/src" && bash -c '
		kernel_source_dir=/KSRC dkms_tree=/DKMS
		. ./dkms.conf
		echo "$PACKAGE_NAME|$PACKAGE_VERSION|${BUILT_MODULE_NAME[0]}|${BUILT_MODULE_LOCATION[0]}|${DEST_MODULE_LOCATION[0]}|$AUTOINSTALL"
		echo "${MAKE[0]}"
		echo "$CLEAN"') > "$tmp/conf" || die "dkms.conf does not parse"
	[ "$(sed -n 1p "$tmp/conf")" = "ipckit|$version|ipckit|kernel/|/updates/dkms|yes" ] ||
		die "dkms.conf fields: $(sed -n 1p "$tmp/conf")"
	[ "$(sed -n 2p "$tmp/conf")" = "make -C /KSRC M=/DKMS/ipckit/$version/build modules" ] ||
		die "MAKE[0]: $(sed -n 2p "$tmp/conf")"
	[ "$(sed -n 3p "$tmp/conf")" = "make -C /KSRC M=/DKMS/ipckit/$version/build clean" ] ||
		die "CLEAN: $(sed -n 3p "$tmp/conf")"
	# BUILT_MODULE_LOCATION/BUILT_MODULE_NAME.ko is what Kbuild makes.
	grep -q '^obj-m += kernel/$' "$tmp/src/Kbuild" || die "Kbuild does not descend into kernel/"
	grep -q '^obj-m := ipckit.o$' "$tmp/src/kernel/Kbuild" || die "kernel/Kbuild does not build ipckit.o"
	# Every object of an ipckit-... assignment, continuation lines too.
	for o in $(awk '/^ipckit-/ { on = 1 } on { print; on = /\\$/ }' kernel/Kbuild |
		tr ' \t' '\n\n' | grep '\.o$'); do
		[ -f "$tmp/src/kernel/${o%.o}.c" ] || die "staged tree lacks kernel/${o%.o}.c"
	done
	[ -f "$tmp/src/uapi/linux/ipckit.h" ] || die "staged tree lacks uapi/"
	bad=$(find "$tmp/src" \( -name '*.o' -o -name '*.ko' -o -name '*.cmd' \
		-o -name '*.mod*' -o -name 'Module.symvers' \))
	[ -z "$bad" ] || die "build output in the staged tree: $bad"
	;;
deb)
	need dpkg-deb
	deb=$(scripts/dkms.sh deb "$tmp/out")
	[ "${deb##*/}" = "ipckit-dkms_${version}_all.deb" ] || die "named ${deb##*/}"
	field() { dpkg-deb -f "$deb" "$1"; }
	[ "$(field Package)" = ipckit-dkms ] || die "Package: $(field Package)"
	[ "$(field Version)" = "$version" ] || die "Version: $(field Version)"
	[ "$(field Architecture)" = all ] || die "Architecture: $(field Architecture)"
	[ "$(field Depends)" = dkms ] || die "Depends: $(field Depends)"
	dpkg-deb -c "$deb" | awk '{ print $6 }' > "$tmp/files"
	src=./usr/src/ipckit-$version
	for f in "$src/dkms.conf" "$src/VERSION" "$src/Kbuild" "$src/kernel/Kbuild" \
		"$src/kernel/main.c" "$src/uapi/linux/ipckit.h" \
		./etc/modprobe.d/ipckit.conf ./usr/share/doc/ipckit-dkms/copyright; do
		grep -qx "$f" "$tmp/files" || die "the package lacks $f"
	done
	! grep -E '\.(o|ko|cmd|mod)$' "$tmp/files" || die "the package holds build output"
	! dpkg-deb -c "$deb" | grep -v ' root/root ' || die "files not owned by root"
	dpkg-deb -e "$deb" "$tmp/ctl"
	[ "$(cat "$tmp/ctl/conffiles")" = /etc/modprobe.d/ipckit.conf ] ||
		die "conffiles: $(cat "$tmp/ctl/conffiles")"
	for s in postinst prerm; do
		[ -x "$tmp/ctl/$s" ] || die "$s is not executable"
		sh -n "$tmp/ctl/$s" || die "$s: syntax"
		! grep -n '#MODULE_' "$tmp/ctl/$s" || die "$s: placeholder left"
		grep -q "^DKMS_VERSION=$version\$" "$tmp/ctl/$s" || die "$s: version not $version"
	done
	dpkg-deb -x "$deb" "$tmp/root"
	conf=$tmp/root/etc/modprobe.d/ipckit.conf
	! grep -v '^#' "$conf" | grep . || die "ipckit.conf has a line that is not a comment"
	grep -qx '#options ipckit devices=binder,hwbinder,vndbinder' "$conf" ||
		die "ipckit.conf lacks the Android device set"
	;;
*)
	echo "usage: dkms_test.sh version|conf|deb" >&2
	exit 2
	;;
esac
echo "PASS: dkms_test $1"
