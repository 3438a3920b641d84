#!/bin/sh
# checkpatch.pl --strict over the kernel sources and the uapi header, using
# the script from the Debian linux-source tree (not copied into the repo).
#
# Two checks are switched off where they cannot apply:
#   LINUX_VERSION_CODE  in kernel/compat.h, the one place meant for it;
#   PREFER_DEFINED_ATTRIBUTE_MACRO, BIT_MACRO in uapi/, where userspace has
#                       no __packed or BIT() macro (checkpatch exempts
#                       include/uapi/ by path only).
set -eu

src=$(scripts/linux-source.sh)
cp="$src/scripts/checkpatch.pl --strict --no-tree --quiet --terse"
status=0
for f in kernel/*.[ch] kernel/tests/*.[ch] uapi/linux/*.h; do
	case "$f" in
	*.mod.c) continue ;;
	kernel/compat.h) ignore=LINUX_VERSION_CODE ;;
	uapi/*) ignore=PREFER_DEFINED_ATTRIBUTE_MACRO,BIT_MACRO ;;
	*) ignore=NONE ;;
	esac
	[ -f "$f" ] || continue
	$cp --ignore "$ignore" -f "$f" || status=1
done
[ $status -eq 0 ] && echo "checkpatch: clean"
exit $status
