#!/bin/sh
# Print ipckit's version: one string for modinfo, dkms and dpkg.
#
#   <base>[+<n>.g<hash>][.dirty]
#
#   base   the newest tag v<x.y.z> reachable from HEAD, without the v;
#          with no such tag, the project version in libshim/CMakeLists.txt
#   n      commits since that tag (since the first commit when untagged)
#   hash   HEAD, 12 hex digits; both left out when HEAD is the tag
#   .dirty the work tree has changes git tracks
#
# Not `git describe`'s own form (0.12.0-3-gabc): dpkg takes the last '-'
# as the Debian revision, and "+" sorts later snapshots higher, so an
# upgrade of the ipckit-dkms package is an upgrade.
#
# Outside git (a packaged source tree: /usr/src/ipckit-<version>) the
# version was baked into its VERSION file when it was packaged; this
# script prints that.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
if ! git -C "$top" rev-parse --git-dir > /dev/null 2>&1; then
	if [ -r "$top/VERSION" ]; then
		cat "$top/VERSION"
		exit 0
	fi
	echo "version: $top is neither a git tree nor a packaged tree with VERSION" >&2
	exit 1
fi

hash=$(git -C "$top" rev-parse --short=12 HEAD)
if tag=$(git -C "$top" describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null); then
	base=${tag#v}
	n=$(git -C "$top" rev-list --count "$tag..HEAD")
else
	base=$(sed -n 's/^project(ipckit .*VERSION \([0-9][0-9.]*\).*/\1/p' \
		"$top/libshim/CMakeLists.txt")
	n=$(git -C "$top" rev-list --count HEAD)
fi
version=$base
[ "$n" -eq 0 ] || version="$version+$n.g$hash"
# Content, not timestamps, decides; and no index lock is taken (kbuild
# runs this while the user may be committing).
[ -z "$(GIT_OPTIONAL_LOCKS=0 git -C "$top" status --porcelain --untracked-files=no)" ] ||
	version="$version.dirty"
echo "$version"
