#!/bin/sh
# Host fuzzing: build (clang) and run the libFuzzer targets.
#
#   run.sh check [TARGET...]   bounded runs (FUZZ_SECONDS, default 30 s each)
#                              on a copy of the corpus, then the regressions
#   run.sh long [TARGET...]    FUZZ_SECONDS (default 600) each; new inputs
#                              stay in a temp corpus (kept, path printed)
#   run.sh seeds               regenerate corpus/ with make_seeds
#   run.sh build               just build (into $FUZZ_BUILD)
#
# Each run prints libFuzzer's final figures: execs, exec/s, cov, ft, corpus.
# A crash fails the run; libFuzzer's artifact (crash-*) is kept in the
# work directory, and `FUZZER crash-FILE` replays it.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
FUZZ_BUILD=${FUZZ_BUILD:-${BUILD:-$here/../../build}/fuzz-host}
TARGETS_ALL="parcel_reader samgr_request discovery_payload softbus_frame rpc_packet netlink_message"
# Absolute: the fuzzers run in their work directory.
case $FUZZ_BUILD in /*) ;; *) FUZZ_BUILD=$PWD/$FUZZ_BUILD ;; esac

build() {
	cxx=$(command -v clang++-14 || command -v clang++ || true)
	if [ -z "$cxx" ]; then
		echo "fuzz-host: clang++ not found (scripts/install-deps.sh installs clang-14)" >&2
		exit 77
	fi
	cmake -S "$here" -B "$FUZZ_BUILD" -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
	cmake --build "$FUZZ_BUILD" -j "$(nproc)" >/dev/null
}

# run TARGET SECONDS CORPUS_DIR: one bounded run, its figures, its verdict.
run() {
	t=$1 secs=$2 corpus=$3
	log=$work/$t.log
	# A target's own dictionary (TARGET.dict) if it has one.
	dict=$here/parcel.dict
	[ -f "$here/$t.dict" ] && dict=$here/$t.dict
	set +e
	(cd "$work" && "$FUZZ_BUILD/${t}_fuzzer" -max_total_time="$secs" -print_final_stats=1 \
		-timeout=10 -rss_limit_mb=2048 -dict="$dict" \
		"$corpus" "$here/corpus/$t" >"$log" 2>&1)
	rc=$?
	set -e
	# "Done N runs in S second(s)" and the last "#N ... cov: ft: corp:" line.
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
	echo "$t: ${secs}s execs $execs exec/s $rate cov $cov ft $ft corpus $corp"
	if [ $rc -ne 0 ]; then
		echo "$t: FAILED (status $rc); log $log; artifacts in $work:" >&2
		grep -E 'CHECK|ERROR|SUMMARY|fd leak|==[0-9]+==' "$log" | head -20 >&2
		ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null >&2 || true
		return 1
	fi
}

# Every input under regressions/TARGET must pass (replayed, not fuzzed).
regressions() {
	t=$1
	dir=$here/regressions/$t
	[ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] || return 0
	"$FUZZ_BUILD/${t}_fuzzer" "$dir"/* >"$work/$t.regressions.log" 2>&1 || {
		echo "$t: a regression input fails again; log $work/$t.regressions.log" >&2
		return 1
	}
	echo "$t: $(ls "$dir" | wc -l) regression inputs pass"
}

mode=${1:-check}
[ $# -gt 0 ] && shift
targets=${*:-$TARGETS_ALL}

case $mode in
build)
	build
	;;
seeds)
	build
	# discovery_payload's seeds are hand-written JSON, netlink_message's
	# are hand-made messages: they stay.
	mkdir -p "$here/corpus"
	find "$here/corpus" -mindepth 1 -maxdepth 1 ! -name discovery_payload \
		! -name netlink_message -exec rm -rf {} +
	"$FUZZ_BUILD/make_seeds" "$here/corpus"
	ls "$here/corpus"/*
	;;
check | long)
	[ "$mode" = check ] && secs=${FUZZ_SECONDS:-30} || secs=${FUZZ_SECONDS:-600}
	if [ -n "${FUZZ_NO_BUILD:-}" ]; then
		# CTest's run: libshim's CMake built them, if clang was there.
		for t in $targets; do
			[ -x "$FUZZ_BUILD/${t}_fuzzer" ] || {
				echo "fuzz-host: no $FUZZ_BUILD/${t}_fuzzer (no clang++?): skipped" >&2
				exit 77
			}
		done
	else
		build
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/ipckit-fuzz.XXXXXX")
	status=0
	for t in $targets; do
		# New inputs go to a temp corpus: the committed one stays as it is.
		mkdir -p "$work/corpus-$t"
		regressions "$t" || status=1
		run "$t" "$secs" "$work/corpus-$t" || status=1
	done
	if [ $status -eq 0 ] && [ "$mode" = check ]; then
		rm -rf "$work"
	else
		echo "fuzz-host: logs and corpora in $work"
	fi
	exit $status
	;;
*)
	sed -n '2,15p' "$0"
	exit 2
	;;
esac
