# SPDX-License-Identifier: GPL-2.0
#
# ipckit: top-level entry points.
#
#   make              module + shim + selftests
#   make run          deps, build, then the demo in two acts: one VM (the
#                     module, samgr, kv_service and kv_client), then two
#                     VMs (kv_client on device A using kv_service on
#                     device B through rpcd, then B powers off)
#   make check        deps, build, every lane (scripts/check.sh), one summary
#   make module       kernel/ipckit.ko only, for IPCKIT_KERNEL (6.1, the
#                     default, 6.12, or running; scripts/kdir.sh) or KDIR=
#   make stock-check  the VM lane on the Debian kernel alone
#   make check-6.12   the VM lane on Debian's 6.12, fetched and extracted
#                     (not installed) by scripts/kernel.sh; ipckit built
#                     for it into build/6.12/module
#   make kernel-6.12  fetch and extract 6.12 only (scripts/kernel.sh)
#   make debug-check  the VM lane on the debug kernel alone
#   make debug-kernel build (or reuse) the cached debug kernel
#   make bench        ipckit vs the kernel's binder vs pipe/unix, one boot;
#                     then round trip vs live refs (10 ... 100 000, CSV),
#                     teardown and slab bytes per object (~20 min: the
#                     reference's build-up; IPCKIT_BENCH_REFS=10000 takes
#                     about 4 min)
#   make scale        100 000 handles in one process, both drivers, one boot
#   make profile      where a call's time goes: perf in the guest, both
#                     drivers, one boot (Documentation/performance.rst)
#   make pair-check   two VMs on a private link: the soft bus's and
#                     cross-device RPC's two-device tests
#                     (scripts/vm-pair.sh check)
#   make softbus-bench  two VMs: the soft bus against plain TCP and the
#                     remote null call (rpcd), one table
#   make checkpatch   checkpatch.pl --strict over kernel/
#   make fuzz-host    libFuzzer on the parcel reader, samgr's decoder,
#                     softbusd's discovery payload and the soft bus frame
#                     codec, FUZZ_SECONDS (600) each, clang (fuzz/host/run.sh)
#   make fuzz         ipckit-fuzz on the debug lane (KCOV-guided) for
#                     FUZZ_SECONDS (1800), then the leak check; prints ops,
#                     ops/s, edges, corpus, crashes; reproducers go to
#                     build/fuzz/crashes/ (FUZZ_LANE=stock: blind, faster)
#   make fuzz-repro FILE=prog  replay one fuzzer program on the debug VM
#                     and say whether the kernel complained
#   make install      libipckit, headers, ipckit.pc, CMake package
#                     (PREFIX=/usr/local, DESTDIR= for a staged install)
#   make dkms-install the module through DKMS (root): source into
#                     /usr/src/ipckit-<version>, dkms add/build/install for
#                     every kernel with headers (KVER= picks; KDIR= a tree)
#   make dkms-remove  dkms remove every ipckit version, all kernels (root)
#   make dkms-deb     build/dkms/ipckit-dkms_<version>_all.deb, for
#                     apt install ./build/dkms/ipckit-dkms_*.deb
#   make dkms-check   the DKMS lane: package, install, load on 6.1 and 6.12
#                     in QEMU, remove (root; scripts/dkms-check.sh)
#   make clean
#
# Kbuild reads the file named Kbuild in this directory, not this one.

# IPCKIT_KERNEL=6.12 (or in the environment) picks the kernel series.
KDIR    ?= $(shell IPCKIT_KERNEL=$(IPCKIT_KERNEL) scripts/kdir.sh)
BUILD   ?= $(CURDIR)/build
JOBS    ?= $(shell nproc)

export BUILD

.PHONY: all module shim selftests deps run check host-check stock-check \
	check-6.12 kernel-6.12 debug-check debug-kernel bench scale profile checkpatch clean install fuzz \
	fuzz-repro fuzz-host pair-check softbus-bench dkms-install dkms-remove \
	dkms-deb dkms-check

all: module shim selftests

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

shim:
	cmake -S libshim -B $(BUILD)/host -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
	cmake --build $(BUILD)/host -j $(JOBS)

selftests:
	$(MAKE) -C selftests OUT=$(BUILD)/selftests \
		KSFT_DIR=$$(scripts/linux-source.sh)/tools/testing/selftests \
		$(if $(KSFT_612_DIR),KSFT_612_DIR=$(KSFT_612_DIR))
	$(MAKE) -C fuzz/kernel OUT=$(BUILD)/fuzz

deps:
	scripts/install-deps.sh

# Act 1: one VM; act 2: two VMs, the same demo across devices.
run: deps
	$(MAKE) all
	scripts/vm-run.sh -l stock run
	scripts/vm-pair.sh run

# 6.12's own binderfs kselftest is built beside 6.1's (scripts/kernel.sh).
check: deps
	$(MAKE) all KSFT_612_DIR=$$(scripts/kernel.sh 6.12 ksft)
	scripts/check.sh

host-check: shim
	scripts/host-check.sh

stock-check: all
	scripts/vm-run.sh -l stock check

# The module is built by the lane itself (scripts/vm-run.sh -l 6.12).
check-6.12: shim selftests
	scripts/vm-run.sh -l 6.12 check

kernel-6.12:
	scripts/kernel.sh 6.12

debug-check: shim selftests
	scripts/vm-run.sh -l debug check

debug-kernel:
	scripts/build-debug-kernel.sh

# ipckit-bench (pinned and unpinned), ipckit-shim-bench, then
# ipckit-scale-bench: long, the reference builds up IPCKIT_BENCH_REFS
# (100 000) refs at O(n) per handle (11-17 min under TCG); the P13 table
# last (Documentation/performance.rst).
bench: all
	IPCKIT_VM_TIMEOUT=$${IPCKIT_VM_TIMEOUT:-3600} scripts/vm-run.sh -l stock bench

# perf (the host's linux-perf, packed into the image) samples round trips
# and one-way calls on each driver in turn; prints the profiles.
profile: all
	IPCKIT_VM_PERF=1 scripts/vm-run.sh -l stock profile

# 100 000 handles in one process, on both drivers in one boot (long: the
# reference allocates handle numbers in O(n)); not part of make check.
scale: all
	IPCKIT_VM_TIMEOUT=$${IPCKIT_VM_TIMEOUT:-5400} scripts/vm-run.sh -l stock scale

# Two devices (scripts/vm-pair.sh): the soft bus's lane of make check, and
# its benchmark (never asserts; prints medians).
pair-check: all
	scripts/vm-pair.sh check

softbus-bench: all
	scripts/vm-pair.sh bench

checkpatch:
	scripts/checkpatch.sh

# Long fuzzing runs: the kernel fuzzer (Documentation/kernel-fuzzer.rst)
# and the host libFuzzer targets (Documentation/host-fuzzing.rst); make
# check runs a bounded run of each.
FUZZ_LANE    ?= debug

fuzz: shim selftests $(if $(filter stock,$(FUZZ_LANE)),module)
	scripts/fuzz-vm.sh -l $(FUZZ_LANE) fuzz $(or $(FUZZ_SECONDS),1800)

fuzz-repro: shim selftests $(if $(filter stock,$(FUZZ_LANE)),module)
	scripts/fuzz-vm.sh -l $(FUZZ_LANE) repro $(FILE)

fuzz-host:
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),600) fuzz/host/run.sh long

PREFIX  ?= /usr/local

# cmake --install reads DESTDIR from the environment.
install: shim
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD)/host --prefix "$(PREFIX)"

# DKMS (Documentation/dkms.rst). KVER and KDIR reach scripts/dkms.sh
# from the command line; KDIR is only handed on when given.
dkms-install:
	KVER="$(KVER)" KDIR="$(if $(filter command line environment,$(origin KDIR)),$(KDIR))" \
		scripts/dkms.sh install

dkms-remove:
	scripts/dkms.sh remove

dkms-deb:
	scripts/dkms.sh deb $(BUILD)/dkms

dkms-check: selftests
	scripts/dkms-check.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)
