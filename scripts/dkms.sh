#!/bin/sh
# ipckit's DKMS source tree, its installation and its Debian package
# (Documentation/dkms.rst). The make targets dkms-install, dkms-remove and
# dkms-deb call this.
#
# usage: dkms.sh stage DIR      write the DKMS source tree into DIR
#        dkms.sh install        copy it to /usr/src/ipckit-<version>, then
#                               dkms add, build and install for KVER
#                               (space-separated kernel releases; default:
#                               every /lib/modules/<kver> with headers);
#                               KDIR= builds against that tree instead of
#                               /lib/modules/<kver>/build (one KVER then)
#        dkms.sh remove         dkms remove every ipckit version, all
#                               kernels, and delete /usr/src/ipckit-*
#        dkms.sh deb OUTDIR     build OUTDIR/ipckit-dkms_<version>_all.deb
#        dkms.sh version        print the version (scripts/version.sh)
set -eu

cd "$(dirname "$0")/.."
name=ipckit

# The sources the module is built from: what git tracks, with the work
# tree's content, plus new files not yet added (never build output,
# which .gitignore names). Outside git (a packaged tree) everything.
sources() {
	if git rev-parse --git-dir > /dev/null 2>&1; then
		git ls-files -co --exclude-standard -- Kbuild kernel uapi |
			while read -r f; do [ ! -f "$f" ] || echo "$f"; done
	else
		find Kbuild kernel uapi -type f ! -name '*.o' ! -name '*.ko' \
			! -name '*.cmd' ! -name '*.mod' ! -name '*.mod.c'
	fi
}

# stage DIR VERSION: Kbuild, kernel/, uapi/, dkms.conf with the version
# in, and VERSION (kernel/Kbuild reads it when there is no git). The
# caller reads the version once: everything it names must agree.
stage() {
	dir=$1 version=$2
	rm -rf "$dir"
	mkdir -p "$dir"
	sources | while read -r f; do
		mkdir -p "$dir/$(dirname "$f")"
		cp -p "$f" "$dir/$f"
	done
	echo "$version" > "$dir/VERSION"
	sed "s/#MODULE_VERSION#/$version/" dkms.conf > "$dir/dkms.conf"
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "dkms: $1 needs root (sudo make dkms-$1)" >&2
		exit 1
	fi
	command -v dkms > /dev/null || {
		echo "dkms: no dkms; apt-get install dkms (scripts/install-deps.sh)" >&2
		exit 1
	}
	# /usr/src/ipckit-* of the package belong to dpkg.
	if dpkg-query -W -f='${Status}' "$name-dkms" 2>/dev/null | grep -q ' installed$'; then
		echo "dkms: the $name-dkms package is installed; apt-get remove $name-dkms first" >&2
		exit 1
	fi
}

# Kernels with headers, as Debian's DKMS postinst decides it.
kernels_with_headers() {
	for d in /lib/modules/*; do
		[ -e "$d/build/include" ] && echo "${d##*/}"
	done
}

# Every ipckit version dkms knows ("ipckit/<version>, ..." or
# "ipckit, <version>, ..." by dkms version).
dkms_versions() {
	dkms status -m "$name" 2>/dev/null |
		sed -n "s|^$name[/,] *\([^,:]*\).*|\1|p" | sort -u
}

remove() {
	for v in $(dkms_versions); do
		dkms remove -m "$name" -v "$v" --all
	done
	rm -rf /usr/src/"$name"-*
}

install() {
	version=$(scripts/version.sh)
	kvers=${KVER:-$(kernels_with_headers)}
	if [ -z "$kvers" ]; then
		echo "dkms: no kernel headers in /lib/modules/*/build; install linux-headers-<kver> or set KVER= and KDIR=" >&2
		exit 1
	fi
	src=/usr/src/$name-$version
	# One version at a time, as Debian's postinst keeps it.
	remove
	stage "$src" "$version"
	dkms add -m "$name" -v "$version"
	for k in $kvers; do
		set -- -m "$name" -v "$version" -k "$k"
		[ -z "${KDIR:-}" ] || set -- "$@" --kernelsourcedir "$KDIR"
		dkms build "$@"
		dkms install "$@"
	done
	dkms status -m "$name"
}

# deb OUTDIR: ipckit-dkms_<version>_all.deb with Debian's dh_dkms
# maintainer scripts (packaging/deb/), the modprobe.d conffile and the
# documentation.
deb() {
	out=$1 version=$(scripts/version.sh)
	pkg=$(mktemp -d)
	trap 'rm -rf "$pkg"' EXIT
	stage "$pkg/usr/src/$name-$version" "$version"
	mkdir -p "$pkg/DEBIAN" "$pkg/etc/modprobe.d" \
		"$pkg/usr/share/doc/$name-dkms"
	cp packaging/ipckit.conf "$pkg/etc/modprobe.d/ipckit.conf"
	echo /etc/modprobe.d/ipckit.conf > "$pkg/DEBIAN/conffiles"
	cp packaging/deb/copyright "$pkg/usr/share/doc/$name-dkms/copyright"
	for f in control postinst prerm; do
		sed -e "s/#MODULE_NAME#/$name/g" \
			-e "s/#MODULE_VERSION#/$version/g" \
			"packaging/deb/$f" > "$pkg/DEBIAN/$f"
	done
	chmod 0755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/prerm"
	size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
	echo "Installed-Size: $size" >> "$pkg/DEBIAN/control"
	chmod -R u=rwX,go=rX "$pkg"
	mkdir -p "$out"
	dpkg-deb --root-owner-group -Zxz --build "$pkg" \
		"$out/$name-dkms_${version}_all.deb" > /dev/null
	echo "$out/$name-dkms_${version}_all.deb"
}

case "${1:-}" in
stage)   stage "${2:?usage: dkms.sh stage DIR}" "$(scripts/version.sh)" ;;
install) need_root install; install ;;
remove)  need_root remove; remove ;;
deb)     deb "${2:?usage: dkms.sh deb OUTDIR}" ;;
version) scripts/version.sh ;;
*)       sed -n 's/^# \{0,1\}//; 2,/^set -eu/p' "$0" | sed '$d' >&2; exit 2 ;;
esac
