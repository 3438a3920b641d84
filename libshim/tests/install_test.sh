#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# install_test.sh BUILD_DIR LIBSHIM_DIR
#
# Installs the configured build BUILD_DIR with prefix /usr into a scratch
# DESTDIR, checks the files are there and relocatable, then builds
# LIBSHIM_DIR/examples against the installed tree twice (pkg-config and the
# examples' Makefile; CMake and find_package), runs both and checks what
# they print. Every failed check is named; the exit status is 1 if any.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 BUILD_DIR LIBSHIM_DIR" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
dest=$tmp/root
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

cache_var() {
    sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"
}

# The example must print all of these.
check_output() {
    lane=$1
    out=$2
    for want in 'int32: 42' 'string: hello from ipckit' 'raw: 0 1 2 3 4 5 6 7' \
            'ashmem: 4096 bytes, read-only: hello through shared memory' \
            'parcel_example: OK'; do
        grep -qxF "$want" "$out" || fail "$lane: the example did not print '$want'"
    done
}

# --- install --------------------------------------------------------------
if ! DESTDIR=$dest cmake --install "$build" --prefix /usr >"$tmp/install.log" 2>&1; then
    cat "$tmp/install.log" >&2
    fail "cmake --install $build --prefix /usr (DESTDIR=$dest)"
    exit 1
fi

libdir=$(cache_var CMAKE_INSTALL_LIBDIR)
incdir=$(cache_var CMAKE_INSTALL_INCLUDEDIR)
version=$(cache_var CMAKE_PROJECT_VERSION)
case $libdir in /*) ;; *) libdir=/usr/$libdir ;; esac
case $incdir in /*) ;; *) incdir=/usr/$incdir ;; esac
lib=$dest$libdir
inc=$dest$incdir

for f in "$lib/libipckit.a" "$lib/libipckit.so" "$lib/libipckit.so.$version" \
        "$inc/ipckit/ipc_kit.h" "$inc/ipckit/ashmem.h" "$inc/ipckit/message_parcel.h" \
        "$inc/ipckit/refbase.h" "$inc/linux/ipckit.h" "$lib/pkgconfig/ipckit.pc" \
        "$lib/cmake/ipckit/ipckitConfig.cmake" \
        "$lib/cmake/ipckit/ipckitConfigVersion.cmake" \
        "$lib/cmake/ipckit/ipckitTargets.cmake"; do
    [ -f "$f" ] || fail "not installed: ${f#"$dest"}"
done
# Every public header, and nothing else, under include/ipckit.
for h in "$src"/include/ipckit/*.h; do
    cmp -s "$h" "$inc/ipckit/${h##*/}" || fail "header differs or missing: ${h##*/}"
done
# The daemon and the tool, and no other program.
for tool in samgr ipckit; do
    [ -x "$dest/usr/bin/$tool" ] || fail "not installed: /usr/bin/$tool"
done
others=$(find "$dest" -path '*/bin/*' ! -name samgr ! -name ipckit)
[ -z "$others" ] || fail "programs installed beside samgr and ipckit: $others"
# The installed package must not point back into the build or source tree,
# nor at the configure-time prefix.
if grep -rlF -e "$build" -e "$src" -e /usr/local \
        "$lib/pkgconfig" "$lib/cmake/ipckit" >"$tmp/leaks"; then
    fail "installed files name the build tree or another prefix: $(cat "$tmp/leaks")"
fi
if command -v readelf >/dev/null 2>&1; then
    soname=$(readelf -d "$lib/libipckit.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
    if [ -z "$soname" ] || [ ! -e "$lib/$soname" ]; then
        fail "libipckit.so has no SONAME or it is not installed ('$soname')"
    fi
fi

# --- pkg-config lane --------------------------------------------------------
# The .pc file finds its prefix from its own place (${pcfiledir}), so the
# staged tree needs only the search path, and a sysroot changes nothing.
pcdir=$lib/pkgconfig
pc() {
    PKG_CONFIG_LIBDIR=$pcdir PKG_CONFIG_PATH='' pkg-config "$@"
}
if ! pc --exists ipckit; then
    fail "pkg-config: ipckit not found in $pcdir"
else
    [ "$(pc --modversion ipckit)" = "$version" ] ||
        fail "pkg-config: version $(pc --modversion ipckit), want $version"
    flags=$(pc --cflags --libs ipckit)
    for want in -lipckit -pthread; do
        case " $flags " in
        *" $want "*) ;;
        *) fail "pkg-config: '$want' missing from: $flags" ;;
        esac
    done
    inc_flag=$(pc --cflags-only-I ipckit | sed 's/^ *-I//; s/ *$//')
    [ -f "$inc_flag/ipckit/ipc_kit.h" ] ||
        fail "pkg-config: -I$inc_flag does not hold ipckit/ipc_kit.h"
    if pkg-config --version 2>/dev/null | grep -q '^[1-9]' &&
            [ "$(PKG_CONFIG_SYSROOT_DIR=$dest pc --cflags-only-I ipckit)" != \
              "$(pc --cflags-only-I ipckit)" ]; then
        fail "pkgconf: PKG_CONFIG_SYSROOT_DIR=$dest changes the include path"
    fi
    mkdir -p "$tmp/pc"
    if ! PKG_CONFIG_LIBDIR=$pcdir PKG_CONFIG_PATH='' \
            make -s -C "$src/examples" OUT="$tmp/pc" >"$tmp/pc.log" 2>&1; then
        cat "$tmp/pc.log" >&2
        fail "pkg-config: building the example with libshim/examples/Makefile"
    elif ! LD_LIBRARY_PATH=$lib "$tmp/pc/parcel_example" >"$tmp/pc.out" 2>&1; then
        cat "$tmp/pc.out" >&2
        fail "pkg-config: the example failed"
    else
        check_output pkg-config "$tmp/pc.out"
        LD_LIBRARY_PATH=$lib ldd "$tmp/pc/parcel_example" | grep -qF "$lib/libipckit.so" ||
            fail "pkg-config: the example does not load the installed libipckit.so"
    fi
    # The service/client example needs a driver; here: built, and says how to use it.
    st=0
    LD_LIBRARY_PATH=$lib "$tmp/pc/echo_example" >/dev/null 2>"$tmp/echo.err" || st=$?
    [ "$st" -eq 2 ] && grep -q '^usage: echo_example' "$tmp/echo.err" ||
        fail "pkg-config: echo_example without arguments did not print its usage"
fi

# --- CMake lane -------------------------------------------------------------
if ! cmake -S "$src/examples" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$dest/usr" \
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$tmp/cm.log" 2>&1 ||
        ! cmake --build "$tmp/cm" >>"$tmp/cm.log" 2>&1; then
    cat "$tmp/cm.log" >&2
    fail "cmake: configuring or building libshim/examples with find_package(ipckit)"
else
    [ "$(sed -n 's/^ipckit_DIR:PATH=//p' "$tmp/cm/CMakeCache.txt")" = "$lib/cmake/ipckit" ] ||
        fail "cmake: find_package(ipckit) did not find the installed package"
    # The imported target's directory is in the build RPATH: no LD_LIBRARY_PATH.
    if ! "$tmp/cm/parcel_example" >"$tmp/cm.out" 2>&1; then
        cat "$tmp/cm.out" >&2
        fail "cmake: the example failed"
    else
        check_output cmake "$tmp/cm.out"
        ldd "$tmp/cm/parcel_example" | grep -qF "$lib/libipckit.so" ||
            fail "cmake: the example does not load the installed libipckit.so"
    fi
    [ -x "$tmp/cm/echo_example" ] || fail "cmake: echo_example was not built"
fi

if [ "$failures" -ne 0 ]; then
    echo "install_test: $failures check(s) failed" >&2
    exit 1
fi
echo "install_test: OK (installed, built with pkg-config and with CMake, both ran)"
