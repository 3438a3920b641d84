#!/bin/sh
# In-VM job for `make fuzz` (IPCKIT_JOB=fuzz) and `make fuzz-repro`
# (IPCKIT_JOB=fuzz-repro): run ipckit-fuzz against ipckit for
# IPCKIT_FUZZ_SECONDS (kernel command line, 1800 by default), or replay
# the one program packed as /ipckit/fuzz/repro.prog; then require that
# ipckit freed everything and unloads. The fuzzer's output goes to the
# results as '# ' lines, reproducers included (base64 between markers),
# where scripts/fuzz-vm.sh on the host picks them up.
set -o pipefail

MOD=/lib/modules
FUZZ=/ipckit/bin/ipckit-fuzz
DEBUGFS=/sys/kernel/debug/ipckit
n=0
ok() { n=$((n + 1)); echo "ok $n - $*" | tee -a "$IPCKIT_RESULTS"; }
fail() { n=$((n + 1)); echo "not ok $n - $*" | tee -a "$IPCKIT_RESULTS"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else fail "$desc"; fi; }
stat_of() { awk -v k="$2" '$1 == k { print $2 }' "$DEBUGFS/$1/stats"; }
# Closed processes are freed by deferred work: give it a few seconds.
no_leak() {
	i=0
	while [ "$(stat_of "$1" procs)" != 0 ] && [ $i -lt 20 ]; do
		sleep 0.5; i=$((i + 1))
	done
	for obj in proc thread node ref transaction freeze; do
		c=$(stat_of "$1" ${obj}_created) d=$(stat_of "$1" ${obj}_deleted)
		if [ "$c" != "$d" ]; then
			echo "# $1: $obj created $c, deleted $d" | tee -a "$IPCKIT_RESULTS"
			return 1
		fi
	done
	[ "$(stat_of "$1" procs)" = 0 ] &&
		[ "$(stat_of "$1" open)" = "$(stat_of "$1" release)" ]
}

insmod $MOD/ipckit.ko devices=ipckit || { fail "fuzz: ipckit loads"; exit 1; }
# ipckit's rate-limited notices on a TCG serial console cost more than
# the ops that cause them; warnings and worse still show live.
echo 4 > /proc/sys/kernel/printk

if [ "${IPCKIT_JOB:-fuzz}" = fuzz-repro ]; then
	"$FUZZ" -d /dev/ipckit -r /ipckit/fuzz/repro.prog 2>&1 | tee /tmp/fuzz.out
	status=$?
	sed 's/^/# /' /tmp/fuzz.out >> "$IPCKIT_RESULTS"
	check "fuzz-repro: the program replays with no kernel report" test $status -eq 0
else
	"$FUZZ" -d /dev/ipckit -t "${IPCKIT_FUZZ_SECONDS:-1800}" \
		${IPCKIT_FUZZ_BLIND:+-b} -o /tmp/fuzz 2>&1 | tee /tmp/fuzz.out
	status=$?
	sed 's/^/# /' /tmp/fuzz.out >> "$IPCKIT_RESULTS"
	check "fuzz: $(sed -n 's/^ipckit-fuzz: done: //p' /tmp/fuzz.out)" \
		test $status -eq 0
fi
echo 7 > /proc/sys/kernel/printk
check "fuzz: every process, thread, node, ref, transaction and freeze notification was freed" no_leak ipckit
check "fuzz: ipckit unloads" rmmod ipckit
exit 0
