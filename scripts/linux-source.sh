#!/bin/sh
# Print the path of an extracted Debian linux-source tree, extracting
# /usr/src/linux-source-<series>.tar.xz once into the cache (outside the
# clone), keyed by the package version. Used for the kselftest harness
# headers, checkpatch.pl and the debug kernel build.
set -eu

cache=${IPCKIT_CACHE:-/var/cache/ipckit}
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
if [ -z "$tarball" ]; then
	echo "linux-source: no /usr/src/linux-source-*.tar.xz; run scripts/install-deps.sh" >&2
	exit 1
fi
pkg=$(basename "$tarball" .tar.xz)
version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || stat -c %Y "$tarball")
dest="$cache/src/$pkg-$version"

if [ ! -f "$dest/.extracted" ]; then
	echo "linux-source: extracting $tarball ($version) into $dest ..." >&2
	rm -rf "$dest"
	mkdir -p "$dest"
	tar -xJf "$tarball" -C "$dest" --strip-components=1
	touch "$dest/.extracted"
fi
echo "$dest"
