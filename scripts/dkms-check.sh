#!/bin/sh
# make check's dkms lane (Documentation/dkms.rst, Documentation/testing.rst):
# the ipckit-dkms package from install to purge, as a user meets it.
#
#   host  build the .deb; apt-get install it (its postinst builds and
#         installs for every kernel with headers: Debian's 6.1); dkms
#         build/install for 6.12 against the extracted headers
#         (--kernelsourcedir); dkms status, modinfo and the conffile
#   vm    per kernel (6.1 from /boot, then 6.12), one boot: an initramfs
#         with the module where DKMS put it, depmod's index and
#         /etc/modprobe.d/ipckit.conf with the Android device set; the
#         guest runs IPCKIT_JOB=dkms (selftests/run_vm.sh): modprobe,
#         three independent contexts, modinfo, no leak, modprobe -r
#   host  apt-get purge: nothing of ipckit is left in /usr/src,
#         /var/lib/dkms or /lib/modules
#
# Needs root (it installs a package); without root the lane is skipped.
# Refuses to run over an ipckit DKMS install it did not make. Whatever it
# adds is removed when it ends, pass or fail.
#
# Writes "passed failed skipped" to $BUILD/dkms-check/counts; TAP lines
# for the host in host.tap, the guests' in vm-<kver>/ (vm-judge.sh).
set -eu

BUILD=${BUILD:-$PWD/build}
out=$BUILD/dkms-check
rm -rf "$out"
mkdir -p "$out"
tap=$out/host.tap
: > "$tap"
n=0
ok() { n=$((n + 1)); echo "ok $n - dkms: $*" | tee -a "$tap"; }
fail() { n=$((n + 1)); echo "not ok $n - dkms: $*" | tee -a "$tap"; }
check() { # check "description" command...
	desc=$1; shift
	if "$@" >> "$out/host.log" 2>&1; then ok "$desc"; else fail "$desc"; fi
}

finish() {
	p=$(grep -c '^ok ' "$tap" || true)
	f=$(grep -c '^not ok ' "$tap" || true)
	s=$1
	for d in "$out"/vm-*/; do
		[ -f "$d/counts" ] || continue
		read -r vp vf vs _ < "$d/counts"
		p=$((p + vp)) f=$((f + vf)) s=$((s + vs))
	done
	echo "$p $f $s" > "$out/counts"
	echo "dkms-check: $p passed, $f failed, $s skipped in $(($(date +%s) - t0))s"
	[ "$f" -eq 0 ]
}
t0=$(date +%s)
say() { echo "dkms-check: [$(($(date +%s) - t0))s] $*"; }

if [ "$(id -u)" -ne 0 ]; then
	echo "ok 1 - dkms: # SKIP not root (the lane installs a package)" > "$tap"
	echo "0 0 1" > "$out/counts"
	echo "dkms-check: skipped: needs root"
	exit 0
fi
if dpkg-query -W ipckit-dkms > /dev/null 2>&1 ||
	[ -e /var/lib/dkms/ipckit ] || ls -d /usr/src/ipckit-* > /dev/null 2>&1; then
	fail "this host has an ipckit DKMS install already; remove it (apt-get purge ipckit-dkms, make dkms-remove) and rerun"
	finish 0
	exit 1
fi

# The Debian 6.12 tree, extracted (not installed): its headers are the
# build tree, its image the VM's kernel. scripts/kernel.sh fetches and
# extracts it; without it, the tree already in the cache.
root612= kver612= kdir612= image612=
if [ -x scripts/kernel.sh ]; then
	if k=$(scripts/kernel.sh 6.12); then
		root612=$(echo "$k" | sed -n 's/^ROOT=//p')
		kver612=$(echo "$k" | sed -n 's/^KVER=//p')
		kdir612=$(echo "$k" | sed -n 's/^KDIR=//p')
		image612=$(echo "$k" | sed -n 's/^IMAGE=//p')
	fi
else
	root612=$(ls -d /var/cache/ipckit/kernels/6.12.*/root 2>/dev/null |
		sort -V | tail -n 1)
	kver612=${root612%/root}
	kver612=${kver612##*/}
	kdir612=$root612/usr/src/linux-headers-$kver612
	image612=$root612/boot/vmlinuz-$kver612
fi

# Cleanup: the package (its prerm runs dkms remove for every kernel),
# and what the lane made itself: /lib/modules/<6.12> and dkms's signing
# key when they were not there before.
made_612=
made_mok=
[ -e /var/lib/dkms/mok.key ] || made_mok=1
cleanup() {
	if dpkg-query -W ipckit-dkms > /dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ipckit-dkms \
			>> "$out/host.log" 2>&1 || :
	fi
	[ -z "$made_612" ] || rm -rf "/lib/modules/$kver612"
	[ -z "$made_mok" ] || rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ ! -x "$BUILD/selftests/isolation_test" ]; then
	fail "no $BUILD/selftests/isolation_test: make selftests first"
	finish 0
	exit 1
fi

say "building the package"
deb=$(scripts/dkms.sh deb "$out")
version=$(scripts/version.sh)
check "dkms.sh deb (make dkms-deb) builds ipckit-dkms_${version}_all.deb" test -f "$deb"

say "apt-get install $deb"
check "apt-get install ./${deb##*/} (postinst: dkms add, build, install)" \
	env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb"
check "the package ships /etc/modprobe.d/ipckit.conf as a conffile" \
	sh -c 'dpkg-query -W -f="\${Conffiles}" ipckit-dkms | grep -q "^ */etc/modprobe.d/ipckit.conf "'

# kernels: every installed kernel with headers and an image (the
# postinst's), then 6.12.
kvers=
for d in /lib/modules/*; do
	k=${d##*/}
	[ -e "$d/build/include" ] && [ -r "/boot/vmlinuz-$k" ] || continue
	kvers="$kvers $k"
	check "dkms status: ipckit $version installed for $k by the postinst" \
		sh -c "dkms status -m ipckit -v '$version' -k '$k' | grep ': installed'"
done

if [ -n "$kver612" ] && [ -d "$kdir612" ] && [ -r "$image612" ]; then
	say "dkms build/install for $kver612 (--kernelsourcedir $kdir612)"
	# dkms installs only into a kernel /lib/modules knows.
	if [ ! -d "/lib/modules/$kver612" ]; then
		mkdir -p "/lib/modules/$kver612"
		made_612=1
	fi
	set -- -m ipckit -v "$version" -k "$kver612" --kernelsourcedir "$kdir612"
	check "dkms build for $kver612 against its extracted headers" dkms build "$@"
	check "dkms install for $kver612" dkms install "$@"
	check "dkms status: ipckit $version installed for $kver612" \
		sh -c "dkms status -m ipckit -v '$version' -k '$kver612' | grep ': installed'"
	kvers="$kvers $kver612"
else
	fail "no Debian 6.12 kernel: scripts/kernel.sh 6.12 fetches and extracts it"
fi

# vm KVER KERNEL_IMAGE: boot KVER with the module DKMS installed for it.
vm() {
	k=$1 image=$2 d=$out/vm-$1
	mkdir -p "$d"
	ko=$(ls /lib/modules/"$k"/updates/dkms/ipckit.ko* 2>/dev/null | head -n 1)
	if [ -z "$ko" ]; then
		fail "$k: no ipckit.ko in /lib/modules/$k/updates/dkms"
		return
	fi
	check "$k: modinfo of the installed module says version $version" \
		test "$(modinfo -F version "$ko")" = "$version"
	root=$(mktemp -d)
	rel=${ko#/lib/modules/"$k"/}
	mkdir -p "$root/bin" "$root/etc/modprobe.d" "$root/ipckit/jobs" \
		"$root/ipckit/tests" "$root/ipckit/etc" \
		"$root/lib/modules/$k/$(dirname "$rel")"
	cp /bin/busybox "$root/bin/"
	cp scripts/vm/init "$root/init"
	cp selftests/run_vm.sh "$root/ipckit/jobs/dkms.sh"
	cp "$BUILD/selftests/isolation_test" "$root/ipckit/tests/"
	cp "$ko" "$root/lib/modules/$k/$rel"
	depmod -b "$root" "$k"
	# The packaged file with its Android line switched on.
	sed 's/^#\(options ipckit devices=binder,hwbinder,vndbinder\)$/\1/' \
		/etc/modprobe.d/ipckit.conf > "$root/etc/modprobe.d/ipckit.conf"
	printf 'version=%s\nsrcversion=%s\n' "$version" \
		"$(modinfo -F srcversion "$ko")" > "$root/ipckit/etc/dkms"
	chmod +x "$root/init" "$root/ipckit/jobs/dkms.sh"
	(cd "$root" && find . | cpio -o -H newc --quiet) > "$d/initramfs.cpio"
	rm -rf "$root"
	say "booting $k"
	timeout -k 5 300 qemu-system-x86_64 -accel "${IPCKIT_VM_ACCEL:-tcg}" \
		-smp 2 -m 1024 -kernel "$image" -initrd "$d/initramfs.cpio" \
		-append "console=ttyS0 quiet panic=-1 mitigations=off IPCKIT_JOB=dkms IPCKIT_LANE=dkms" \
		-display none -no-reboot -monitor none \
		-serial "file:$d/console.log" -serial "file:$d/results.txt" \
		< /dev/null || :
	scripts/vm-judge.sh "$d" "$k" 300 || :
	sed -n '/^=== results/,/^=== status/p' "$d/results.clean" | grep -E '^(not )?ok '
}
for k in $kvers; do
	if [ "$k" = "$kver612" ]; then
		vm "$k" "$image612"
	else
		vm "$k" "/boot/vmlinuz-$k"
	fi
done

say "apt-get purge ipckit-dkms"
check "apt-get purge ipckit-dkms (prerm: dkms remove --all)" \
	env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ipckit-dkms
check "purge leaves no /usr/src/ipckit-*" \
	sh -c '! ls -d /usr/src/ipckit-* 2>/dev/null'
check "purge leaves no /var/lib/dkms/ipckit" test ! -e /var/lib/dkms/ipckit
check "purge leaves no ipckit.ko under /lib/modules/*/updates/dkms" \
	sh -c '! ls /lib/modules/*/updates/dkms/ipckit.ko* 2>/dev/null'
check "purge removes /etc/modprobe.d/ipckit.conf" test ! -e /etc/modprobe.d/ipckit.conf
check "dkms status no longer lists ipckit" sh -c '[ -z "$(dkms status -m ipckit)" ]'
finish 0
