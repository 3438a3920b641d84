#!/bin/sh
# The P13 table: one line per goal, its figure taken from the outputs of
# this boot's benchmarks (scripts/vm/bench.sh keeps them in /tmp), the
# goal beside it. Reports, never judges. "-" marks a figure whose
# benchmark did not run or printed no such line.
#
# usage: bench-summary.sh REFS (the most refs ipckit-scale-bench built)

refs=${1:-100000}
SAME=/tmp/bench-same.out
FREE=/tmp/bench-free.out
SHIM=/tmp/shim-bench.out
SCALE=/tmp/scale-bench.out

# fig FILE REGEX K: field NF-K of the first line of FILE matching REGEX.
fig() {
	v=$(awk -v re="$2" -v k="$3" '{ sub(/\r$/, "") }
		$0 ~ re { v = $(NF - k); sub(/,$/, "", v); print v; exit }' \
		"$1" 2>/dev/null)
	echo "${v:--}"
}

# row DESCRIPTION FIGURE GOAL
row() {
	printf '%-62s %-13s %s\n' "$1" "$2" "$3"
}

echo "P13 goals: this boot's figures (ratios of medians; round trips:"
echo "below 1 is faster, rates: above 1 is faster). \"round trip\": through"
echo "binder_util (its watchdog timers around each read); \"lean\": one ioctl"
echo "a call on the client's side, the way libbinder talks to the driver."
row "measurement" "figure" "goal"
row "empty round trip, ipckit/reference, pinned" \
	"$(fig $SAME '^round trip, empty' 1)" "<= 0.75"
row "empty round trip, ipckit/reference, unpinned" \
	"$(fig $FREE '^round trip, empty' 1)" "<= 0.75"
row "lean empty round trip, ipckit/reference, pinned (unpinned)" \
	"$(fig $SAME '^lean round trip' 1) ($(fig $FREE '^lean round trip' 1))" \
	"<= 0.75"
row "empty round trip, ipckit/pipe, unpinned (pinned)" \
	"$(fig $FREE '^round trip, empty' 0) ($(fig $SAME '^round trip, empty' 0))" \
	"<= 1.0"
row "lean empty round trip, ipckit/pipe, unpinned (pinned)" \
	"$(fig $FREE '^lean round trip' 0) ($(fig $SAME '^lean round trip' 0))" \
	"<= 1.0"
row "64 KiB round trip, ipckit/reference, pinned (unpinned)" \
	"$(fig $SAME '^round trip, 64 KiB' 1) ($(fig $FREE '^round trip, 64 KiB' 1))" \
	"<= 0.8"
row "one-way rate, 1 sender, ipckit/reference, pinned (unpinned)" \
	"$(fig $SAME '^raw ioctl one-way' 1) ($(fig $FREE '^raw ioctl one-way' 1))" \
	">= 1.5"
row "one-way rate, 4 senders, ipckit/reference, pinned (unpinned)" \
	"$(fig $SAME '^raw one-way x4' 1) ($(fig $FREE '^raw one-way x4' 1))" \
	">= 1.5"
row "round trip with $refs refs / with 10, ipckit (reference)" \
	"$(fig $SCALE '^ *ipckit +last handle' 3) ($(fig $SCALE '^ *reference +last handle' 3))" \
	"<= 1.1"
row "teardown of $refs refs until released, ipckit/reference" \
	"$(fig $SCALE '^ipckit/reference: exit' 3)" "<= 1.0"
row "slab bytes per node, ipckit/reference" \
	"$(fig $SCALE '^node +pages' 0)" "<= 1.0"
row "slab bytes per ref, ipckit/reference" \
	"$(fig $SCALE '^ref +pages' 0)" "<= 1.0"
row "slab bytes per idle thread, ipckit/reference" \
	"$(fig $SCALE '^idle thread +pages' 0)" "<= 1.0"
row "SendRequest / raw ioctl round trip, ipckit (reference)" \
	"$(fig $SHIM '^row 8:' 1) ($(fig $SHIM '^row 8:' 0))" "<= 1.2"
row "16 MiB as calls / through ashmem kept mapped, ipckit (ref.)" \
	"$(fig $SHIM '^row 9: .* kept' 1) ($(fig $SHIM '^row 9: .* kept' 0))" \
	">= 5"
row "16 MiB as calls / through a new ashmem each, ipckit (ref.)" \
	"$(fig $SHIM '^row 9: .* new ashmem' 1) ($(fig $SHIM '^row 9: .* new ashmem' 0))" \
	">= 5"
