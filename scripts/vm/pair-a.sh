#!/bin/sh
# Device A of the two-device lane (IPCKIT_JOB=pair-a, scripts/vm-pair.sh):
# ipckit, eth0 at 10.76.0.1, samgr and softbusd with the run's group
# secret, then the job IPCKIT_PAIR_JOB names, driving B through its agent
# (to_b, scripts/vm/pair-agent). Results go to $IPCKIT_RESULTS as TAP;
# times in the comments are measured under TCG and never asserted tightly.
#
#   check  the soft bus's two-device tests (make pair-check)
#   bench  sbtest bench against plain TCP, interleaved (make softbus-bench)
#   run    bring both devices up, list them, one echo: a demo to read
#
# A new job: a job_NAME function below (and verbs in pair-agent if B has
# to do something new).
# shellcheck source=scripts/vm/pair-lib.sh
. /ipckit/lib/pair.sh

# Keepalive timeout (pair-lib.sh's SBD_OPTS) plus slack for a slow guest.
LOSS_BOUND_MS=$((3000 + 12000))

# hold_start: a session to B's echo server held open in the background by
# `sbtest hold`; hold_wait SECONDS waits for its end. The output (reason,
# when) is in /tmp/hold.out.
hold_start() {
	: > /tmp/hold.out  # no stale "session open" from the last hold
	sbtest hold "$BID" echo 120 > /tmp/hold.out 2>&1 &
	hold=$!
	wait_for 30 grep -q '^sbtest: session open' /tmp/hold.out
}
hold_wait() {
	wait_for "$1" gone "$hold"
	wait "$hold"
	s=$?
	cat /tmp/hold.out
	return $s
}
# closed_at: when (CLOCK_BOOTTIME ms, as now_ms) the held session closed.
closed_at() { sed -n 's/.*closed at \([0-9]*\) ms.*/\1/p' /tmp/hold.out; }
reason() { sed -n 's/^sbtest: session closed: \([A-Za-z]*\).*/\1/p' /tmp/hold.out; }
b_trusted() { sbtest wait-device "$BID" "${1:-30}" trusted; }

# --- bring-up, every job ---------------------------------------------------
step "device A: insmod ipckit, eth0 $MY_IP"
setup_module
result "A: ipckit loads" $? || exit 1
setup_net
result "A: eth0 is up at $MY_IP with an IPv6 link-local address" $? || exit 1

step "ping B ($PEER_IP): B boots alongside, give it time"
t0=$(now_ms)
wait_for 120 ping -c 1 -W 1 "$PEER_IP" > /dev/null
result "A reaches B over the pair's link" $? "# after $(($(now_ms) - t0)) ms" || exit 1
ping -c 3 "$PEER_IP"

step "samgr"
start_samgr
result "A: samgr is ready" $? || { cat "$SAMGR_LOG"; exit 1; }

step "softbusd ($NAME)"
install_key "$STATE" "$(cat /ipckit/etc/pair.key)"
start_softbusd "$STATE"
result "A: softbusd is ready" $? || exit 1
AID=$(device_id)

step "B's networkId, from B's agent (it is up once B's softbusd is)"
BID=
b_id() { BID=$(to_b id 2> /dev/null) && [ -n "$BID" ]; }
wait_for 120 b_id
result "B's agent answers with B's networkId" $? "# $BID" || exit 1

# finish: B reports its results and powers off; then A's softbusd stops.
finish_b() { to_b finish > /dev/null; }
stop_a() {
	step "stop softbusd on A (SIGTERM)"
	stop_softbusd TERM
	result "A: softbusd exits on SIGTERM" $?
	step "A: softbusd's log"
	cat "$SBD_LOG"
}

# --- check -------------------------------------------------------------------
job_check() {
	step "1. discovery: A finds B and links to it"
	t0=$(now_ms)
	b_trusted 30
	result "B discovered by A and trusted within 30 s" $? "# $(($(now_ms) - t0)) ms"
	if ipckit help devices > /dev/null 2>&1; then
		ipckit devices | tee /tmp/devices.out
		# Columns: id, name, address, trusted, online, rtt, state.
		grep "$NAME_B_RE" /tmp/devices.out | grep -Eq ' yes +yes '
		result "ipckit devices on A lists B as trusted and online" $?
	else
		skip "ipckit devices on A lists B as trusted and online" "no ipckit devices yet"
	fi

	step "2. echo, byte-exact"
	for size in 0 1 65536 1048576 4194304; do
		out=$(sbtest echo "$BID" echo "$size")
		s=$?
		echo "$out"
		result "echo of $size bytes comes back byte-exact" $s "# $(echo "$out" | tail -n 1)"
	done
	sbtest too-big "$BID" echo
	result "a 4 MiB + 1 message is refused with SOFTBUS_ERR_TOO_BIG, nothing sent" $?

	step "3. order"
	out=$(sbtest order "$BID" echo 1000)
	s=$?
	echo "$out"
	result "1000 messages of varying sizes arrive in order" $s "# $(echo "$out" | tail -n 1)"

	step "4. wrong secret: B restarts as a device with another group secret"
	SID=$(to_b stranger)
	result "B restarts softbusd with another group secret" $? "# $SID"
	sbtest wait-device "$SID" 30
	sbtest expect-bind-fail "$SID" echo 7003
	result "Bind to a device with another secret fails: not trusted" $?
	grep -E "group secret" "$SBD_LOG" | tail -n 3
	grep -qE "group secret" "$SBD_LOG"
	result "A's softbusd log says why (group secret)" $?
	to_b log "group secret"
	result "B's softbusd log says why (group secret)" $?
	BID2=$(to_b normal)
	result "B goes back to its own state" $? "# $BID2"
	[ "$BID2" = "$BID" ]
	result "B has the same networkId as before" $?

	step "5. softbusd on B restarts (SIGTERM, start) while A holds a session"
	b_trusted 30
	hold_start
	result "A holds a session to B" $?
	t0=$(now_ms)
	BID2=$(to_b restart)
	result "B's softbusd restarts with the same networkId" "$([ "$BID2" = "$BID" ]; echo $?)"
	hold_wait 30
	result "A's session hears the restart" $? "# $(reason), after $(($(closed_at) - t0)) ms"
	t0=$(now_ms)
	b_trusted 30 && sbtest echo "$BID" echo 1024
	result "a new Bind to B succeeds after the restart" $? "# relinked in $(($(now_ms) - t0)) ms"
	left=$(ipckit dump 4700 2> /dev/null | sed -n 's/^ *sessions[: =]*\([0-9]*\).*/\1/p' | head -n 1)
	if [ -n "$left" ]; then
		result "A's softbusd has no session left over" "$([ "$left" = 0 ]; echo $?)" "# $left"
	else
		skip "A's softbusd has no session left over" "softbusd's dump has no session count"
	fi

	step "6. kill -9 softbusd on B while A holds a session"
	hold_start
	result "A holds a session to B" $?
	t0=$(now_ms)
	to_b kill
	hold_wait 30
	s=$?
	took=$(($(closed_at) - t0))
	[ $s -eq 0 ] && [ "$took" -le $LOSS_BOUND_MS ]
	result "A's session hears of it within the keepalive timeout (+ slack)" $? \
		"# $(reason), after $took ms"
	to_b start > /dev/null
	b_trusted 30
	result "B's softbusd starts again and A trusts it" $?

	step "7. garbage to B's discovery and session ports"
	sbtest garbage-udp "$PEER_IP" 5684 500
	result "A sent 500 random datagrams to B's UDP 5684" $?
	sbtest garbage-tcp "$PEER_IP" 5685 20
	result "A sent random bytes on 20 connections to B's TCP 5685" $?
	to_b alive "softbusd and the echo server survive garbage"
	result "B's softbusd still runs after the garbage" $?
	sbtest echo "$BID" echo 4096
	result "a fresh echo to B works after the garbage" $?
	# Discovery logs each dropped datagram ("discovery: <why> from <who>",
	# rate-limited); the session port, the failed handshakes.
	to_b log "discovery: .*from 10\.76\.0\.1|[Mm]alformed|[Gg]arbage|[Hh]andshake"
	result "B's softbusd log mentions the garbage" $?

	step "8. quota: A's softbusd with --max-sessions 4"
	stop_softbusd TERM
	SBD_EXTRA="--max-sessions 4"
	start_softbusd "$STATE" > /dev/null
	result "A: softbusd restarts with --max-sessions 4" $?
	b_trusted 30
	sbtest quota "$BID" echo 4
	result "a process's fifth session is refused with SOFTBUS_ERR_QUOTA" $?

	step "9. B powers off while A holds a session"
	hold_start
	result "A holds a session to B" $?
	t0=$(now_ms)
	finish_b
	hold_wait 60
	s=$?
	took=$(($(closed_at) - t0))
	r=$(reason)
	[ $s -eq 0 ] && [ "$took" -le $LOSS_BOUND_MS ] &&
		{ [ "$r" = Timeout ] || [ "$r" = LinkDown ]; }
	result "A's session hears B is gone (Timeout or LinkDown) within the keepalive timeout (+ slack)" \
		$? "# $r, after $took ms"
	stop_a
}

# --- bench -------------------------------------------------------------------
# Rounds of the soft bus and plain TCP, interleaved so both see the same
# guest; the medians over the rounds go into the results as comments.
job_bench() {
	b_trusted 30
	result "B discovered and trusted" $? || { finish_b; return 1; }
	to_b tcp-bench-server > /dev/null
	rounds=${IPCKIT_BENCH_ROUNDS:-3}
	: > /tmp/bench.out
	i=0
	while [ $i -lt "$rounds" ]; do
		sbtest bench "$BID" echo | tee -a /tmp/bench.out
		sbtest tcp-bench "$PEER_IP" 7001 | tee -a /tmp/bench.out
		i=$((i + 1))
	done
	# Lines "bench: softbus|tcp rtt64_us N mib_per_s N".
	med() { # med KIND FIELD
		awk -v k="$1" -v f="$2" '$1 == "bench:" && $2 == k {
			for (i = 3; i < NF; i += 2) if ($i == f) print $(i + 1) }' /tmp/bench.out |
			sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'
	}
	{
		echo "# bench: $rounds rounds, medians (TCG guests: compare, do not quote)"
		echo "# bench: transport   64 B round trip (us)   1 MiB messages (MiB/s)"
		echo "# bench: softbus     $(med softbus rtt64_us)                    $(med softbus mib_per_s)"
		echo "# bench: tcp         $(med tcp rtt64_us)                    $(med tcp mib_per_s)"
	} | tee -a "$IPCKIT_RESULTS"
	grep -q '^bench: softbus' /tmp/bench.out && grep -q '^bench: tcp' /tmp/bench.out
	result "the benchmark ran" $?
	finish_b
	stop_a
}

# --- run -----------------------------------------------------------------------
job_run() {
	b_trusted 30
	result "B discovered and trusted" $?
	echo "A is $AID, B is $BID"
	ipckit devices 2> /dev/null || sbtest devices
	sbtest echo "$BID" echo 65536
	result "an echo of 64 KiB to B" $?
	finish_b
	stop_a
}

# softbusd stopped and started again and again on A: every start must
# reach ready (registered with samgr) in time; prints how long each took.
job_restarts() {
	i=0 slow=0
	while [ $i -lt 15 ]; do
		i=$((i + 1))
		stop_softbusd TERM
		t0=$(now_ms)
		start_softbusd "$STATE" > /dev/null
		r=$?
		echo "restart $i: ready after $(($(now_ms) - t0)) ms (status $r)"
		[ $r -eq 0 ] || slow=$((slow + 1))
	done
	result "15 softbusd restarts each reach ready within 20 s" $slow
	echo "--- samgr's log"; cat "$SAMGR_LOG"
	finish_b
	stop_a
}

NAME_B_RE=device-b
case "$PAIR_JOB" in
check | bench | run | restarts) "job_$PAIR_JOB" ;;
*)
	result "A: no pair job '$PAIR_JOB'" 1
	finish_b
	;;
esac
! any_failed
