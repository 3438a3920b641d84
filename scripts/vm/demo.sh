#!/bin/sh
# In-VM job for `make run` (IPCKIT_JOB=run): load ipckit under its default
# device name, start samgr, and let kv_client tell the demo's story: samgr
# starts the key-value service on demand, the client calls it (sync,
# one-way with callbacks, 16 MiB through shared memory), kills it, and
# hears of its death. Then everything stops and the module unloads.
# One TAP line per checked thing goes to $IPCKIT_RESULTS (and the console).
CONF=/ipckit/etc/samgr.conf
LOG=/tmp/samgr.log
DEV=binder
STATS=/sys/kernel/debug/ipckit/$DEV/stats
n=0
failed=0

step() { echo; echo "==> $*"; }
result() { # result "description" status
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then r=ok; else r="not ok"; failed=$((failed + 1)); fi
	echo "$r $n - $1" | tee -a "$IPCKIT_RESULTS"
}
# Running, not merely unreaped: an exited child stays a zombie until `wait`.
running() {
	state=$(sed -n 's/^State:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
	[ -n "$state" ] && [ "${state#Z}" = "$state" ]
}
gone() { ! running "$1"; }
# wait_for SECONDS command...: poll every 0.1 s until the command succeeds.
wait_for() {
	tries=$(($1 * 10)); shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ $tries -gt 0 ] || return 1
		sleep 0.1
	done
}
ready() { grep -q "^samgr: ready on /dev/$DEV" "$LOG"; }
ready_or_gone() { ready || gone $samgr; }
stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$STATS"; }
# Every process closed the device; every object ipckit created was freed.
no_leak() {
	[ "$(stat_of procs)" = 0 ] || return 1
	for obj in proc thread node ref transaction buffer page; do
		[ "$(stat_of ${obj}_created)" = "$(stat_of ${obj}_deleted)" ] || return 1
	done
}
cli() { # show the command, then run it
	echo "\$ ipckit $*"
	ipckit "$@"
}

step "insmod ipckit.ko (default: devices=$DEV)"
if ! insmod /lib/modules/ipckit.ko; then
	result "ipckit loads with its default device /dev/$DEV" 1
	exit 1
fi
ls -l /dev/$DEV
result "ipckit loads with its default device /dev/$DEV" 0

step "samgr -c $CONF &   (the context manager; log: $LOG)"
grep -v '^#' "$CONF" | grep .
samgr -c "$CONF" > "$LOG" 2>&1 &
samgr=$!
wait_for 10 ready_or_gone
ready
status=$?
if [ $status -eq 0 ]; then grep "^samgr: ready" "$LOG"; else cat "$LOG"; fi
result "samgr is ready on /dev/$DEV" $status

step "ipckit list   (nothing registered yet)"
cli list

step "kv_client"
timeout 120 kv_client
status=$?
result "kv_client passes every step" $status

step "kv_service &   (started by hand this time), then the ipckit tool on it"
kv_service > /tmp/kv.log 2>&1 &
kv=$!
wait_for 5 grep -q "ready" /tmp/kv.log
cat /tmp/kv.log
cli list | tee /tmp/list.out
cli ping 4801
cli call 4801 1 token:ipckit.demo.IKvStore str:user str:alice
cli call 4801 2 token:ipckit.demo.IKvStore str:user --reply i32,str | tee /tmp/call.out
cli dump 4801 | tee /tmp/dump.out
grep -q "ipckit.demo.IKvStore" /tmp/list.out && grep -q alice /tmp/call.out &&
	grep -q "user=alice" /tmp/dump.out
result "ipckit lists, calls and dumps the running kv_service" $?
kill $kv
wait $kv 2> /dev/null
sa_gone() { ! ipckit list 2> /dev/null | grep -q 4801; }
wait_for 5 sa_gone

step "ipckit list   (kv_service is gone again)"
cli list

step "ipckit stats   (its object counters; it also counts every command)"
cli stats | sed '/^file operations/,$d' | sed '$ { /^$/d; }'

step "stop samgr (SIGTERM)"
kill -TERM $samgr 2>/dev/null
if wait_for 5 gone $samgr; then
	wait $samgr
	status=$?
else
	echo "samgr still runs 5 s after SIGTERM: SIGKILL"
	kill -KILL $samgr
	wait $samgr
	status=1
fi
result "samgr exits 0 on SIGTERM" $status
# What samgr started is not left behind: kv_client killed kv_service.
leftover=$(pidof kv_service)
if [ -n "$leftover" ]; then
	echo "kv_service still running: $leftover"
	# shellcheck disable=SC2086 # one word per pid
	kill -KILL $leftover
fi
result "no demo process is left running" "$([ -z "$leftover" ]; echo $?)"

step "samgr's log"
cat "$LOG"
grep -q "SA 4801 added" "$LOG"
result "samgr logged SA 4801 being added" $?
grep -q "SA 4801 removed: its process died" "$LOG"
result "samgr logged SA 4801 removed when its process died" $?

step "rmmod ipckit"
# A process's last release finishes in the driver after it exited.
wait_for 5 no_leak
status=$?
[ $status -eq 0 ] || cat "$STATS"
result "ipckit freed every process, thread, node, ref, transaction, buffer and page" $status
rmmod ipckit
result "ipckit unloads" $?

[ $failed -eq 0 ]
