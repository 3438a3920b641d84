#!/bin/sh
# In-VM test job (IPCKIT_JOB=check): load the reference driver and ipckit,
# check module-level behaviour, run every selftest against both drivers,
# then check that ipckit leaked nothing and unloads. Each check appends one
# TAP line to $IPCKIT_RESULTS; scripts/vm-run.sh counts them on the host.
#
# On the debug lane (IPCKIT_LANE=debug) it also turns the KUnit suites'
# KTAP into results, runs the suites again under failslab and a chaos run
# under failslab and fail_page_alloc (fault_pass), and ends with a
# kmemleak scan.
#
# IPCKIT_JOB=dkms (scripts/dkms-check.sh) runs only dkms_job below: the
# DKMS-installed module through modprobe and modprobe.d.
set -o pipefail

MOD=/lib/modules
TESTS=/ipckit/tests
DEBUGFS=/sys/kernel/debug/ipckit
KMEMLEAK=/sys/kernel/debug/kmemleak
FAILSLAB=/sys/kernel/debug/failslab
lane=${IPCKIT_LANE:-stock}
n=0

ok() { n=$((n + 1)); echo "ok $n - $*" | tee -a "$IPCKIT_RESULTS"; }
fail() { n=$((n + 1)); echo "not ok $n - $*" | tee -a "$IPCKIT_RESULTS"; }
check() { # check "description" command...
	desc=$1; shift
	if "$@"; then ok "$desc"; else fail "$desc"; fi
}
loaded() { [ -d /sys/module/ipckit ]; }
# The kernel log is never cleared: the host scans all of it at the end.
# mark/since_mark select what was logged after a point instead.
marks=0
mark() { marks=$((marks + 1)); echo "ipckit-test: mark $marks" > /dev/kmsg; }
since_mark() { dmesg | sed -n "/ipckit-test: mark $marks\$/,\$p"; }
# insmod must fail and the kernel log must say why, naming $2.
refused_with() {
	mark
	if insmod $MOD/ipckit.ko "$1" 2>/dev/null; then
		rmmod ipckit
		return 1
	fi
	# Not grep -q: under pipefail its early exit can SIGPIPE the producer.
	! loaded && since_mark | grep "ipckit: .*$2" > /dev/null
}
stat_of() { awk -v k="$2" '$1 == k { print $2 }' "$DEBUGFS/$1/stats"; }
# Who still holds device $1 open, and where its threads sleep.
holder_pids() {
	for fd in /proc/[0-9]*/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "/dev/$1" ] || continue
		pid=${fd#/proc/}; echo "${pid%%/*}"
	done | sort -u
}
holders() {
	for pid in $(holder_pids "$1"); do
		echo "# $1 held by pid $pid: $(tr '\0' ' ' < /proc/$pid/cmdline)"
		for task in /proc/$pid/task/*; do
			echo "#  task ${task##*/} wchan $(cat $task/wchan 2>/dev/null)"
			sed 's/^/#   /' $task/stack 2>/dev/null
		done
	done
}
no_leak() { # every open released; every object created was freed
	if [ "$(stat_of "$1" procs)" != 0 ] ||
		[ "$(stat_of "$1" open)" != "$(stat_of "$1" release)" ]; then
		sed 's/^/# /' "$DEBUGFS/$1/stats"
		holders "$1"
		return 1
	fi
	for obj in proc thread node ref transaction buffer page freeze; do
		created=$(stat_of "$1" ${obj}_created)
		deleted=$(stat_of "$1" ${obj}_deleted)
		if [ "$created" != "$deleted" ]; then
			echo "# $1: $obj created $created, deleted $deleted"
			return 1
		fi
	done
}

# --- second-kernel lane (IPCKIT_LANE=6.12; Documentation/kernels.rst) ---
# What need not repeat on a second kernel's lane (make check runs it after
# the stock lane): samgr_test and ipckit_cli_test test samgr and the
# ipckit tool, userspace that talks the same ABI on any kernel; the driver
# paths they take are the selftests' and shim_test's, which run on both
# drivers. refcount_test runs a tenth of its repetition there (its own
# comment). Named in IPCKIT_TESTS, they run.
case "$lane" in
[0-9]*) lane_skip=samgr_test,ipckit_cli_test ;;
*)      lane_skip= ;;
esac
[ -z "${IPCKIT_TESTS:-}" ] || lane_skip=
# --- end second-kernel lane ---

# run_suite KIND DEVICE OTHER_DEVICE: one selftest binary per area, TAP
# names prefixed. OTHER_DEVICE is a second device of the same driver, for
# the isolation tests.
run_suite() {
	kind=$1 dev=$2 other=$3
	for bin in "$TESTS"/*_test; do
		name=${bin##*/}
		# IPCKIT_TESTS (vm-run.sh) narrows the run to the named tests.
		case ",${IPCKIT_TESTS:-$name}," in
		*,"$name",*) ;;
		*) continue ;;
		esac
		# TESTS_ONLY narrows it further (a second run of one suite).
		case ",${TESTS_ONLY:-$name}," in
		*,"$name",*) ;;
		*) continue ;;
		esac
		case ",$lane_skip," in
		*,"$name",*)
			ok "$kind $name # SKIP userspace, run on the stock lane, not repeated on $lane"
			continue
			;;
		esac
		echo "# $name on $dev ($kind${TAP_PREFIX:+, $TAP_PREFIX})"
		t0=$(cut -d' ' -f1 /proc/uptime)
		"$bin" -d "$dev" -e "$other" -k "$kind" 2>&1 | tee /tmp/out
		status=$?
		echo "# $name on $dev ($kind) took" \
			"$(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s"
		awk -v n=$n -v p="$kind${TAP_PREFIX:+ $TAP_PREFIX} $name" '/^(not )?ok [0-9]+ / {
			neg = $1 == "not"
			sub(/^(not )?ok [0-9]+ /, "")
			printf "%sok %d - %s %s\n", neg ? "not " : "", ++n, p, $0
		}' /tmp/out >> "$IPCKIT_RESULTS"
		n=$((n + $(grep -cE '^(not )?ok [0-9]+ ' /tmp/out)))
		if [ $status -ne 0 ] && ! grep -q '^not ok' /tmp/out; then
			fail "$kind${TAP_PREFIX:+ $TAP_PREFIX} $name exited with status $status"
		fi
	done
}

# KUnit prints one KTAP line per case, indented under its suite:
#   [    5.1]     ok 3 devnames_empty_entries_are_refused
kunit_results() {
	mark
	if ! insmod $MOD/ipckit.ko devices=ipckit-kunit; then
		fail "ipckit with KUnit suites loads"
		return
	fi
	rmmod ipckit
	since_mark | sed -n 's/^\[[ 0-9.]*\]     \(\(not \)\{0,1\}ok\) [0-9]* \(- \)\{0,1\}/\1 /p' \
		> /tmp/kunit
	if [ ! -s /tmp/kunit ]; then
		fail "KUnit suites reported no results"
		return
	fi
	while read -r line; do
		case "$line" in
		"not ok "*) fail "kunit ${line#not ok }" ;;
		*) ok "kunit ${line#ok }" ;;
		esac
	done < /tmp/kunit
}

# Fault injection: the tests may fail, the kernel must not (checked by
# the log scan, kmemleak, no_leak and the unload); a failed allocation must
# come back to userspace as an error, not a wait forever.
#
# failslab: kmalloc allocations of marked processes fail with probability
# 10% (FAULT_CHAOS_SLAB_PROBABILITY% during chaos). cache-filter keeps the injection to the kmalloc caches ipckit
# allocates from (marked at boot with slub_debug=A,kmalloc-*): core paths
# with caches of their own (vmap areas, task and vma structs) WARN on a
# failed allocation by design, and that is not what this pass tests.
# fail_page_alloc (chaos run only): page allocations of any order, sleeping
# or not, highmem or not, of marked processes fail with probability
# FAULT_PAGE_PROBABILITY%: ipckit's receive-area pages, and the pages the
# chaos processes fault in or put in their memfds.
# "times" counts each injector's failures down from the budget.
FAIL_PAGE_ALLOC=/sys/kernel/debug/fail_page_alloc
FAULT_BUDGET=1000000
FAULT_CHAOS_SLAB_PROBABILITY=${FAULT_CHAOS_SLAB_PROBABILITY:-25}
FAULT_PAGE_PROBABILITY=${FAULT_PAGE_PROBABILITY:-50}
FAULT_CHAOS_SECONDS=${FAULT_CHAOS_SECONDS:-25}
FAULT_MIN_INJECTED=5000
fault_setup() { # fault_setup DIR PROBABILITY
	echo N > "$1/ignore-gfp-wait"
	echo Y > "$1/task-filter"
	echo "$2" > "$1/probability"
	echo 1 > "$1/interval"
	echo 0 > "$1/verbose"
	echo $FAULT_BUDGET > "$1/times"
}
# A test still running after 300 s is stuck: fail with the driver's state.
fault_run() { # fault_run NAME command...
	name=$1; shift
	timeout -s KILL 300 "$@" > /tmp/fault.out 2>&1
	if [ $? -eq 137 ]; then
		fail "fault injection: $name finished under injection"
		sed 's/^/# /' $DEBUGFS/ipckit-fi/state
		holders ipckit-fi
	fi
}
fault_pass() {
	fault_setup $FAILSLAB 10
	echo Y > $FAILSLAB/cache-filter
	fault_setup $FAIL_PAGE_ALLOC 0
	echo N > $FAIL_PAGE_ALLOC/ignore-gfp-highmem
	echo 0 > $FAIL_PAGE_ALLOC/min-order
	# Module init under injection: each attempt loads or fails cleanly.
	for i in 1 2 3 4 5 6 7 8; do
		sh -c 'echo 1 > /proc/self/make-it-fail; exec insmod "$@"' \
			- $MOD/ipckit.ko devices=ipckit-fi,ipckit-fi2 2>/dev/null &&
			rmmod ipckit
	done
	insmod $MOD/ipckit.ko devices=ipckit-fi
	t0=$(cut -d' ' -f1 /proc/uptime)
	for bin in "$TESTS"/*_test; do
		name=${bin##*/}
		case ",${IPCKIT_TESTS:-$name}," in
		*,"$name",*) ;;
		*) continue ;;
		esac
		[ "$name" = chaos_test ] && continue	# below, on its own terms
		fault_run "$name" sh -c 'echo 1 > /proc/self/make-it-fail; exec "$@"' \
			- "$bin" -d /dev/ipckit-fi -k ipckit
	done
	# Chaos under both injectors: its processes mark themselves once
	# they have the device open and mapped, and the killer does not.
	echo "$FAULT_CHAOS_SLAB_PROBABILITY" > $FAILSLAB/probability
	echo "$FAULT_PAGE_PROBABILITY" > $FAIL_PAGE_ALLOC/probability
	fault_run chaos_test env CHAOS_SECONDS=$FAULT_CHAOS_SECONDS \
		IPCKIT_MAKE_IT_FAIL=1 "$TESTS/chaos_test" -d /dev/ipckit-fi -k ipckit
	grep '^# chaos:' /tmp/fault.out
	echo 0 > $FAIL_PAGE_ALLOC/probability
	echo 0 > $FAILSLAB/probability
	echo "# fault injection took" \
		"$(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s"
	# A test's helper process that outlived its test (its test died
	# early under injection) is not driver state: name it, end it, then
	# require that the driver freed everything.
	pids=$(holder_pids ipckit-fi)
	if [ -n "$pids" ]; then
		holders ipckit-fi
		kill -9 $pids
		sleep 1
	fi
	slab=$((FAULT_BUDGET - $(cat $FAILSLAB/times)))
	page=$((FAULT_BUDGET - $(cat $FAIL_PAGE_ALLOC/times)))
	injected=$((slab + page))
	echo "# fault injection: $slab failslab + $page fail_page_alloc failures injected"
	check "fault injection: no process state left after injected failures" \
		no_leak ipckit-fi
	check "fault injection: ipckit unloads after injected failures" rmmod ipckit
	check "fault injection: $injected injected allocation failures survived ($slab failslab, $page fail_page_alloc; at least $FAULT_MIN_INJECTED)" \
		test "$injected" -ge $FAULT_MIN_INJECTED
}

# The kernel fuzzer (Documentation/kernel-fuzzer.rst), bounded: ipckit-fuzz
# for IPCKIT_FUZZ_SECONDS (60), then every program in
# fuzz/kernel/regressions/ replayed; the kernel log scan, kmemleak and the
# leak check judge what the kernel did. A reproducer the run writes goes
# to the results as '# ' lines (scripts/fuzz-vm.sh knows the format).
fuzz_pass() {
	fuzz=/ipckit/bin/ipckit-fuzz
	if [ ! -x $fuzz ]; then
		ok "fuzz: # SKIP ipckit-fuzz not built"
		return
	fi
	if ! insmod $MOD/ipckit.ko devices=ipckit-fz; then
		fail "fuzz: ipckit loads"
		return
	fi
	# Rate-limited notices on the TCG console cost more than the ops.
	level=$(cut -f1 /proc/sys/kernel/printk)
	echo 4 > /proc/sys/kernel/printk
	$fuzz -d /dev/ipckit-fz -t "${IPCKIT_FUZZ_SECONDS:-60}" -o /tmp/fuzz \
		> /tmp/fuzz.out 2>&1
	status=$?
	sed -n '/^ipckit-fuzz: CRASH/,/^ipckit-fuzz: reproducer end/p' \
		/tmp/fuzz.out | sed 's/^/# /' >> "$IPCKIT_RESULTS"
	summary=$(sed -n 's/^ipckit-fuzz: done: //p' /tmp/fuzz.out)
	echo "# fuzz: $summary"
	ops=$(echo "$summary" | sed -n 's/^\([0-9]*\) ops in .* (\([0-9]*\) ops\/s).* \([0-9]*\) edges.*/\1 ops at \2 ops\/s reached \3 edges/p')
	check "fuzz: ${ops:-ipckit-fuzz ran}, no kernel report" test $status -eq 0
	$fuzz -d /dev/ipckit-fz -r /ipckit/fuzz/regressions/*.prog > /tmp/fuzz.out 2>&1
	status=$?
	sed 's/^/# /' /tmp/fuzz.out
	check "fuzz: $(ls /ipckit/fuzz/regressions | wc -l) regression programs replay with no kernel report" \
		test $status -eq 0
	echo "$level" > /proc/sys/kernel/printk
	# Closed processes are freed by deferred work.
	i=0
	while [ "$(stat_of ipckit-fz procs)" != 0 ] && [ $i -lt 20 ]; do
		sleep 0.5; i=$((i + 1))
	done
	check "fuzz: no process state left after the fuzzer" no_leak ipckit-fz
	check "fuzz: ipckit unloads after the fuzzer" rmmod ipckit
}

# Module exit with netlink users attached: a listener on "report" and
# "events" that never reads and a requester looping on GET_STATS/GET_PROC
# (ipckit-nl-hold). genl_unregister_family() waits for a request in
# flight; a dump in flight pins the module for that instant, so rmmod is
# tried a few times. The users must outlive the families, not crash.
nl_unload() {
	"$TESTS/ipckit-nl-hold" > /tmp/nlhold 2>&1 &
	hold=$!
	i=0
	while ! grep '^ready' /tmp/nlhold > /dev/null && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	check "a netlink listener and requester are attached" \
		grep '^ready' /tmp/nlhold > /dev/null
	i=0
	while loaded && [ $i -lt 20 ]; do
		rmmod ipckit 2>/dev/null || sleep 0.2
		i=$((i + 1))
	done
	check "ipckit unloads with a netlink listener and a request in flight" \
		sh -c '! [ -d /sys/module/ipckit ]'
	check "the netlink users outlive the unload" kill -0 $hold
	kill $hold
	wait $hold
	check "the requester exits cleanly after the unload" test $? -eq 0
	sed 's/^/# nl-hold: /' /tmp/nlhold
}

# kmemleak ignores objects younger than 5 s; scan twice after that.
kmemleak_check() {
	sleep 6
	echo scan > $KMEMLEAK
	echo scan > $KMEMLEAK
	# debugfs files have no size: read the report, do not test -s.
	report=$(cat $KMEMLEAK)
	if [ -n "$report" ]; then
		fail "kmemleak: no leaks after the run"
		echo "$report"
	else
		ok "kmemleak: no leaks after the run"
	fi
}

# --- IPCKIT_JOB=dkms (scripts/dkms-check.sh) -------------------------------
# The module as DKMS installed it, loaded the way its users load it:
# modprobe finds it in /lib/modules/<kver>/updates/dkms through depmod's
# modules.dep and takes devices=binder,hwbinder,vndbinder from
# /etc/modprobe.d/ipckit.conf (the packaged file, Android line
# uncommented). The host wrote what the loaded module must be into
# /ipckit/etc/dkms: version=, srcversion= (of the file DKMS installed).
dkms_job() {
	want_version=$(sed -n 's/^version=//p' /ipckit/etc/dkms)
	want_src=$(sed -n 's/^srcversion=//p' /ipckit/etc/dkms)
	check "dkms: modprobe ipckit loads the DKMS-installed module" \
		modprobe ipckit
	loaded || return
	check "dkms: modinfo ipckit finds it under updates/dkms/" \
		sh -c 'modinfo ipckit | grep "^filename:.*/updates/dkms/ipckit\.ko"'
	check "dkms: the loaded module is the one DKMS installed (srcversion $want_src)" \
		test "$(cat /sys/module/ipckit/srcversion)" = "$want_src"
	check "dkms: modinfo shows the packaged version $want_version" \
		test "$(modinfo -F version ipckit)" = "$want_version"
	check "dkms: /sys/module/ipckit/version is $want_version" \
		test "$(cat /sys/module/ipckit/version)" = "$want_version"
	check "dkms: modinfo shows license GPL" \
		test "$(modinfo -F license ipckit)" = GPL
	check "dkms: modinfo shows a description" test -n "$(modinfo -F description ipckit)"
	for p in devices context_mgr_uid; do
		check "dkms: modinfo documents $p= with its default" \
			sh -c "modinfo -F parm ipckit | grep '^$p:.*default'"
	done
	check "dkms: devices= came from /etc/modprobe.d/ipckit.conf" \
		test "$(cat /sys/module/ipckit/parameters/devices)" = binder,hwbinder,vndbinder
	check "dkms: /dev/binder, /dev/hwbinder and /dev/vndbinder exist" \
		test -c /dev/binder -a -c /dev/hwbinder -a -c /dev/vndbinder
	# Each pair: a manager on one device is not handle 0 on the other,
	# each answers its own transactions, one process serves one and
	# calls the other.
	TESTS_ONLY=isolation_test
	for pair in binder,hwbinder hwbinder,vndbinder vndbinder,binder; do
		TAP_PREFIX="dkms ${pair%,*}+${pair#*,}"
		run_suite ipckit "/dev/${pair%,*}" "/dev/${pair#*,}"
	done
	unset TESTS_ONLY TAP_PREFIX
	for dev in binder hwbinder vndbinder; do
		check "dkms: every object of $dev was freed" no_leak $dev
	done
	check "dkms: modprobe -r ipckit unloads" modprobe -r ipckit
	check "dkms: devices and module are gone after modprobe -r" \
		test ! -e /dev/binder -a ! -e /dev/hwbinder -a ! -e /dev/vndbinder \
		-a ! -d /sys/module/ipckit
}
if [ "${IPCKIT_JOB:-check}" = dkms ]; then
	dkms_job
	exit 0
fi
# --- end of IPCKIT_JOB=dkms --------------------------------------------------

if [ "$lane" = debug ]; then
	echo clear > $KMEMLEAK	# what boot left behind is not ours
	echo "# KUnit"
	kunit_results
fi

echo "# loading drivers"
check "reference driver binder_linux loads with two devices" \
	insmod $MOD/binder_linux.ko devices=binder,binder-b
check "reference devices /dev/binder and /dev/binder-b exist" \
	test -c /dev/binder -a -c /dev/binder-b
check "a taken device name fails insmod and the log names it and devices=" \
	refused_with devices=binder "'binder' is already taken.*devices="
check "an empty devices= entry is refused" refused_with devices=a,,b "bad devices= entry ''"
check "a device name with '/' is refused" refused_with devices=bad/name "bad devices= entry 'bad/name'"
check "a device name given twice is refused" refused_with devices=dup,dup "bad devices= entry 'dup'"
check "an over-long device name is refused" \
	refused_with devices=name-longer-than-thirty-one-chars "bad devices= entry"
check "ipckit loads with two devices" insmod $MOD/ipckit.ko devices=ipckit,ipckit-b
check "each device is a misc device" test -c /dev/ipckit -a -c /dev/ipckit-b
check "each device has its own debugfs stats" \
	test -f $DEBUGFS/ipckit/stats -a -f $DEBUGFS/ipckit-b/stats

run_suite reference /dev/binder /dev/binder-b
run_suite ipckit /dev/ipckit /dev/ipckit-b
# uring_test left reads pending through every teardown: each one ended
# (the procs are freed, checked below) and some by cancellation.
case ",${IPCKIT_TESTS:-uring_test}," in
*,uring_test,*)
	check "io_uring reads pended and teardown cancelled some (uring_pending, uring_canceled)" \
		test "$(stat_of ipckit uring_pending)" -gt 0 -a \
		"$(stat_of ipckit uring_canceled)" -gt 0
	;;
esac

# libipckit's suite again with the io_uring looper (IPCKIT_LOOPER=uring,
# Documentation/libshim.rst): on ipckit it loops on io_uring, on the
# reference driver it must fall back to the ioctl and pass all the same.
export IPCKIT_LOOPER=uring
TESTS_ONLY=shim_test TAP_PREFIX=uring
run_suite reference /dev/binder /dev/binder-b
run_suite ipckit /dev/ipckit /dev/ipckit-b
unset IPCKIT_LOOPER TESTS_ONLY TAP_PREFIX
# --- benchmarks, briefly (make bench runs them in full) ---------------------
# Each of make bench's programs once with tiny counts, on both drivers:
# that they still run (their exit status), not what they measure; the
# leak checks below then cover their paths too. IPCKIT_TESTS=bench (or a
# list naming it) runs this alone.
case ",${IPCKIT_TESTS:-bench}," in
*,bench,*)
	check "bench: ipckit-bench runs (-n 20 -r 1)" sh -c \
		'"$0" -a /dev/ipckit -b /dev/binder -n 20 -r 1 > /tmp/out 2>&1 ||
		 { sed "s/^/# /" /tmp/out; false; }' "$TESTS/ipckit-bench"
	check "bench: ipckit-scale-bench runs (100 refs, 200 objects)" sh -c \
		'"$0" -a /dev/ipckit -b /dev/binder -m 100 -r 2 -n 10 -N 200 -t 16 \
		 > /tmp/out 2>&1 || { sed "s/^/# /" /tmp/out; false; }' \
		"$TESTS/ipckit-scale-bench"
	check "bench: ipckit-shim-bench runs (-n 20 -r 1)" sh -c \
		'"$0" -a /dev/ipckit -b /dev/binder -n 20 -r 1 > /tmp/out 2>&1 ||
		 { sed "s/^/# /" /tmp/out; false; }' /ipckit/bin/ipckit-shim-bench
	;;
esac
# --- end benchmarks ---
# A second context answers on its own, untouched by the first's tests
# (the isolation tests above used it too: compare with a snapshot).
b_open=$(stat_of ipckit-b open) b_mmap=$(stat_of ipckit-b mmap)
"$TESTS/mmap_test" -d /dev/ipckit -k ipckit > /dev/null 2>&1
"$TESTS/version_test" -d /dev/ipckit-b -k ipckit > /dev/null 2>&1
check "second device answers independently" \
	test "$(stat_of ipckit-b open)" -gt "$b_open"
check "second device saw none of the first's mmaps" \
	test "$(stat_of ipckit-b mmap)" = "$b_mmap"

echo "# teardown"
check "every process, thread, node, ref, transaction, buffer and page of ipckit was freed" no_leak ipckit
check "every process, thread, node, ref, transaction, buffer and page of ipckit-b was freed" no_leak ipckit-b
sleep 600 3< /dev/ipckit &
holder=$!
sleep 1
check "unload refused while a process holds a device" sh -c '! rmmod ipckit 2>/dev/null'
kill $holder; wait $holder 2>/dev/null
check "ipckit unloads" rmmod ipckit
check "devices are gone after unload" test ! -e /dev/ipckit -a ! -e /sys/module/ipckit
# binder_linux has no module_exit, so "binder" stays taken in this boot;
# the default name is exercised by the `make run` job instead.
check "ipckit loads again after unload" insmod $MOD/ipckit.ko devices=ipckit
check "its netlink families are registered again" "$TESTS/ipckit-nl-hold" -c
echo "# unload with netlink users"
nl_unload
check "ipckit loads again after an unload with netlink users" \
	insmod $MOD/ipckit.ko devices=ipckit
check "its netlink families are back" "$TESTS/ipckit-nl-hold" -c
check "and unloads again" rmmod ipckit
check "no netlink family is left behind after unload" \
	sh -c '! "$0" -c' "$TESTS/ipckit-nl-hold"

# --- binderfs (Documentation/binderfs.rst) ------------------------------
# ipckit's binderfs-compatible filesystem, with the module loaded alone
# (devices=ipckit): upstream's own kselftest unchanged (6.1's, and 6.12's
# when built), protocol selftests on binderfs devices of two mounts, the
# leak counters of binderfs contexts, the module's lifetime with mounts
# (lazy umount included), and the fallback name when "binder" is taken
# (the fixture module selftests/fixtures/binderfs_squatter.ko).
BFS=/tmp/bfs
BFS_TYPE=/sys/module/ipckit/parameters/binderfs_type
bfs_contexts() { ls "$DEBUGFS" 2>/dev/null | grep '^binderfs:'; }
# Contexts go with their inode, which a lazily detached mount may free
# from deferred work after the last close: wait for it a while.
bfs_gone() {
	i=0
	while [ -n "$(bfs_contexts)" ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ -z "$(bfs_contexts)" ]
}
bfs_rmmod() {
	i=0
	while loaded && [ $i -lt 20 ]; do
		rmmod ipckit 2>/dev/null || sleep 0.2
		i=$((i + 1))
	done
	! loaded
}
# bfs_tap NAME command...: a kselftest binary's TAP into the results.
bfs_tap() {
	name=$1; shift
	echo "# $name"
	t0=$(cut -d' ' -f1 /proc/uptime)
	"$@" > /tmp/bfs.out 2>&1
	status=$?
	cat /tmp/bfs.out
	echo "# $name took" \
		"$(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s"
	# Upstream's stress and unprivileged tests need user namespaces
	# (they fail, not skip, without): on a kernel without them (the
	# debug lane's) their result is a SKIP that says so.
	nouserns=0
	[ -e /proc/self/ns/user ] || nouserns=1
	awk -v n=$n -v p="$name" -v nouserns=$nouserns '/^(not )?ok [0-9]+ / {
		neg = $1 == "not"
		sub(/^(not )?ok [0-9]+ /, "")
		if (nouserns && /binderfs_stress|binderfs_test_unprivileged/) {
			neg = 0
			$0 = $0 " # SKIP no user namespaces (CONFIG_USER_NS) in this kernel"
		}
		printf "%sok %d - %s %s\n", neg ? "not " : "", ++n, p, $0
	}' /tmp/bfs.out >> "$IPCKIT_RESULTS"
	n=$((n + $(grep -cE '^(not )?ok [0-9]+ ' /tmp/bfs.out)))
	if [ $status -ne 0 ] && [ $nouserns = 0 ] &&
		! grep -q '^not ok' /tmp/bfs.out; then
		fail "$name exited with status $status"
	fi
}
binderfs_pass() {
	echo "# binderfs"
	mkdir -p $BFS/a $BFS/b
	check "ipckit loads with binderfs" insmod $MOD/ipckit.ko devices=ipckit
	check "binderfs is registered as 'binder' (binderfs_type)" \
		test "$(cat $BFS_TYPE)" = binder
	bfs_tap "upstream binderfs_test (6.1)" "$TESTS/binderfs-upstream"
	if [ -x "$TESTS/binderfs-upstream-6.12" ]; then
		bfs_tap "upstream binderfs_test (6.12)" "$TESTS/binderfs-upstream-6.12"
	fi
	check "upstream's tests left no binderfs context behind" bfs_gone
	# The protocol selftests on binderfs devices: one per mount, same name.
	mount -t binder binder $BFS/a && mount -t binder binder $BFS/b &&
		"$TESTS/ipckit-binderfs-add" $BFS/a/binder-control binder &&
		"$TESTS/ipckit-binderfs-add" $BFS/b/binder-control binder
	check "two mounts each have a device named binder" \
		test -c $BFS/a/binder -a -c $BFS/b/binder
	# These four always, whatever IPCKIT_TESTS narrowed the run to.
	bfs_saved=${IPCKIT_TESTS:-}
	IPCKIT_TESTS= TAP_PREFIX=binderfs
	TESTS_ONLY=isolation_test,transaction_test,death_test,freeze_test
	run_suite ipckit $BFS/a/binder $BFS/b/binder
	IPCKIT_TESTS=$bfs_saved
	unset TAP_PREFIX TESTS_ONLY
	# netlink GET_PROC (doit and dump) finds a binderfs device's process.
	sleep 600 3< $BFS/a/binder &
	holder=$!
	sleep 1
	ctx=$(bfs_contexts | grep ':binder$' | head -n 1)
	check "netlink GET_PROC finds a process of a binderfs device ($ctx)" \
		sh -c 'ipckit proc --context "$1" "$2" | grep -w "$2" > /dev/null' - "$ctx" $holder
	check "the GET_PROC dump lists it under its context" \
		sh -c 'ipckit proc "$2" | grep "$1" > /dev/null' - "$ctx" $holder
	kill $holder; wait $holder 2>/dev/null
	for c in $(bfs_contexts); do
		check "every object of binderfs context $c was freed" no_leak "$c"
	done
	check "unload refused while binderfs is mounted" sh -c '! rmmod ipckit 2>/dev/null'
	umount $BFS/a $BFS/b
	check "umount frees every binderfs context" bfs_gone
	# Lazy umount with a device open: the open file keeps the context
	# and the module; its close frees both.
	mount -t binder binder $BFS/a &&
		"$TESTS/ipckit-binderfs-add" $BFS/a/binder-control lazy > /dev/null
	sleep 600 3< $BFS/a/lazy &
	holder=$!
	sleep 1
	umount -l $BFS/a
	check "lazily unmounted: the open device's context lives" \
		test -n "$(bfs_contexts)"
	check "unload refused while a lazily unmounted device is open" \
		sh -c '! rmmod ipckit 2>/dev/null'
	kill $holder; wait $holder 2>/dev/null
	check "the last close frees the lazily unmounted device's context" bfs_gone
	check "ipckit unloads after every binderfs mount is gone" bfs_rmmod
	# A kernel with its own binderfs: the fallback name.
	mark
	check "the fixture takes the filesystem type 'binder'" \
		insmod $MOD/fixtures/binderfs_squatter.ko
	check "ipckit loads while 'binder' is taken" insmod $MOD/ipckit.ko devices=ipckit
	check "the log says binderfs is registered as 'ipckitfs'" \
		sh -c "dmesg | sed -n '/ipckit-test: mark $marks\$/,\$p' | grep \"ipckit: filesystem type 'binder' is taken.*registered as 'ipckitfs'\" > /dev/null"
	check "binderfs_type reports ipckitfs" test "$(cat $BFS_TYPE)" = ipckitfs
	mount -t ipckitfs ipckitfs $BFS/a
	check "BINDER_CTL_ADD works on an ipckitfs mount" \
		"$TESTS/ipckit-binderfs-add" $BFS/a/binder-control fallback
	check "its device speaks binder" sh -c '"$0" -d "$1" -k ipckit > /dev/null 2>&1' \
		"$TESTS/version_test" $BFS/a/fallback
	umount $BFS/a
	check "ipckit unloads after the fallback mount" bfs_rmmod
	check "the fixture unloads" rmmod binderfs_squatter
}
case ",${IPCKIT_TESTS:-binderfs_test}," in
*,binderfs_test,*) binderfs_pass ;;
esac
# --- end binderfs -------------------------------------------------------

if [ "$lane" = debug ]; then
	echo "# fault injection"
	fault_pass
	echo "# kernel fuzzer"
	fuzz_pass
	kmemleak_check
fi
exit 0
