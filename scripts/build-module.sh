#!/bin/sh
# Build ipckit.ko from a copy of the sources in DIR (kbuild builds external
# modules in place, so a second kernel or a variant needs its own tree).
#
# usage: build-module.sh DIR KDIR [KCFLAGS]
# Prints the path of the built module; the build log is DIR/build.log.
set -eu

dir=$1 kdir=$2 kcflags=${3:-}
rm -rf "$dir"
mkdir -p "$dir/src"
cp -r Kbuild kernel uapi "$dir/src/"
# modinfo's version: the copy has no git (kernel/Kbuild reads VERSION).
scripts/version.sh > "$dir/src/VERSION"
find "$dir/src" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \
	-o -name '*.mod' -o -name '*.mod.c' \) -delete
if ! make -C "$kdir" M="$dir/src" KCFLAGS="$kcflags" modules \
	> "$dir/build.log" 2>&1; then
	echo "build-module: failed against $kdir:" >&2
	tail -n 20 "$dir/build.log" >&2
	exit 1
fi
echo "$dir/src/kernel/ipckit.ko"
