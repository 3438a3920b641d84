#!/bin/sh
# Device A of the two-device lane (IPCKIT_JOB=pair-a, scripts/vm-pair.sh):
# ipckit, eth0 at 10.76.0.1, samgr and softbusd with the run's group
# secret, then the job IPCKIT_PAIR_JOB names, driving B through its agent
# (to_b, scripts/vm/pair-agent). Results go to $IPCKIT_RESULTS as TAP;
# times in the comments are measured under TCG and never asserted tightly.
#
#   check  the soft bus's two-device tests, then cross-device RPC's
#          (rpcd, rpctest; make pair-check)
#   bench  sbtest bench against plain TCP and rpctest's remote null call,
#          interleaved (make softbus-bench)
#   rpc    check's cross-device RPC part alone (section 10 and B's
#          power-off), for a quicker turn
#   run    the second act of make run: both devices up, kv_client on A
#          using kv_service on B through rpcd, then B powers off and A
#          hears OnRemoteDied
#
# A new job: a job_NAME function below (and verbs in pair-agent if B has
# to do something new).
# shellcheck source=scripts/vm/pair-lib.sh
. /ipckit/lib/pair.sh

# Keepalive timeout (pair-lib.sh's SBD_OPTS) plus slack for a slow guest.
LOSS_BOUND_MS=$((3000 + 12000))

# bg_start NAME READY COMMAND...: COMMAND in the background, its output in
# /tmp/NAME.out (emptied first: no stale READY line from the last one), its
# pid in /tmp/NAME.pid; waits up to 30 s for a line that starts with READY.
# bg_wait NAME SECONDS: waits up to SECONDS for its end, shows its output
# and returns its status.
bg_start() {
	bg_name=$1
	bg_ready=$2
	shift 2
	: > "/tmp/$bg_name.out"
	"$@" > "/tmp/$bg_name.out" 2>&1 &
	echo $! > "/tmp/$bg_name.pid"
	wait_for 30 grep -q "^$bg_ready" "/tmp/$bg_name.out"
}
bg_wait() {
	bg_pid=$(cat "/tmp/$1.pid")
	wait_for "$2" gone "$bg_pid"
	wait "$bg_pid"
	s=$?
	cat "/tmp/$1.out"
	return $s
}

# hold_start: a session to B's echo server held open in the background by
# `sbtest hold`; hold_wait SECONDS waits for its end. The output (reason,
# when) is in /tmp/hold.out.
hold_start() { bg_start hold 'sbtest: session open' sbtest hold "$BID" echo 120; }
hold_wait() { bg_wait hold "$1"; }
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

# finish: B reports its results and powers off; then A's rpcd and
# softbusd stop.
finish_b() { to_b finish > /dev/null; }
stop_a() {
	if [ -n "$(rpcd_pid)" ]; then
		step "stop rpcd on A (SIGTERM)"
		stop_rpcd TERM
		result "A: rpcd exits on SIGTERM" $?
		step "A: rpcd's log"
		cat "$RPCD_LOG"
	fi
	step "stop softbusd on A (SIGTERM)"
	stop_softbusd TERM
	result "A: softbusd exits on SIGTERM" $?
	step "A: softbusd's log"
	cat "$SBD_LOG"
}

# --- cross-device RPC: helpers -------------------------------------------------
# rpc_up: rpcd and the test services on B (agent) and on A.
rpc_up() {
	out=$(to_b rpc-start)
	s=$?
	echo "$out"
	result "B: rpcd and the RPC test services (SA $RPC_SA, local-only $RPC_LOCAL_SA) are ready" \
		$s "# $out" || return 1
	start_rpcd && serve_sa "$RPC_A_SA"
	result "A: rpcd and a local test service (SA $RPC_A_SA) are ready" $? || return 1
}
# rpc_t DESCRIPTION ARGS...: `rpctest ARGS...` as one TAP line, its last
# line as the comment.
rpc_t() {
	desc=$1
	shift
	out=$(rpctest "$@" 2>&1)
	s=$?
	echo "$out"
	result "$desc" $s "# $(echo "$out" | tail -n 1)"
}
b_counts() { to_b rpc-counts 2> /dev/null; }
b_idle() { b_counts | grep -q 'exported=0 imported=0 calls=0 raw=0'; }
a_back() { [ "$(rpc_counts)" = "$base_a" ]; }
b_back() { [ "$(b_counts)" = "$base_b" ]; }
# A networkId nobody has.
NO_DEVICE=00000000000000000000000000000000000000000000000000000000000000ff

# death_start SAID: `rpctest death` waiting (in the background) for SAID
# on B to die; death_wait SECONDS: its end and status.
death_start() { bg_start death 'rpctest: watching' rpctest death "$BID" "$1" wait "${2:-90}"; }
death_wait() { bg_wait death "$1"; }
# b_sa_watch: such a watcher on B's SA $RPC_SA before B powers off (a TAP
# line); b_sa_died: after, it hears OnRemoteDied and A's rpcd lets go of
# all of B's (two TAP lines).
b_sa_watch() {
	death_start "$RPC_SA" 120
	result "A watches B's SA $RPC_SA" $?
}
b_sa_died() {
	death_wait 90
	result "B powered off: A hears OnRemoteDied of B's SA; a later call fails with ERR_DEAD_OBJECT" \
		$? "# $(tail -n 1 /tmp/death.out)"
	wait_for 30 rpc_idle
	result "A's rpcd holds nothing of B's any more" $? "# $(rpc_counts)"
}

# --- cross-device RPC: the check job's part -----------------------------------
rpc_checks() {
	step "9. cross-device RPC: rpcd on both devices"
	if ! have_rpc; then
		skip "cross-device RPC" "no rpcd or rpctest in the image"
		return 0
	fi
	b_trusted 30
	rpc_up || return 1
	ipckit rpc

	step "9.1 ipckit list/call --device"
	ipckit list --device "$BID" | tee /tmp/rlist.out
	grep -Eq "^ *$RPC_SA +0x" /tmp/rlist.out && ! grep -Eq "^ *$RPC_LOCAL_SA " /tmp/rlist.out
	result "ipckit list --device B lists B's distributed SA $RPC_SA, not the local-only $RPC_LOCAL_SA" $?
	ipckit call --device "$BID" "$RPC_SA" 1 token:ipckit.test.IRpcTest i32:0 --reply i32 |
		tee /tmp/rcall.out
	grep -q '^i32 0$' /tmp/rcall.out
	result "ipckit call --device B: an echo of 0 bytes through rpcd" $?
	ipckit call --device "$BID" "$RPC_LOCAL_SA" 1 token:ipckit.test.IRpcTest i32:0 \
		2> /tmp/rcall.err
	s=$?
	cat /tmp/rcall.err
	[ $s = 1 ] && grep -q 'RPC_ERR_NOT_DISTRIBUTED (523)' /tmp/rcall.err
	result "ipckit call --device B to a local-only SA: RPC_ERR_NOT_DISTRIBUTED (523) and why" $?
	ipckit ping --device "$BID" "$RPC_SA"
	result "ipckit ping --device B: B's SA answers" $?
	ipckit rpc | head -n 1 | tee /tmp/rdump.out
	grep -Eq '^rpcd: peers=[0-9]+ exported=[0-9]+ imported=[0-9]+ calls=[0-9]+ raw=[0-9]+( [a-z]+=[0-9]+)*$' \
		/tmp/rdump.out
	result "ipckit rpc prints rpcd's counts" $?

	step "9.2 calls: echo, raw data, one-way order, identity"
	rpc_t "remote echo of 0 B .. 512 KiB is byte-exact" echo "$BID" "$RPC_SA" \
		0 1 4096 65536 262144 524288
	rpc_t "three remote echoes of 900 KB in a row (each call's buffer is given back in time)" \
		echo "$BID" "$RPC_SA" 900000 900000 900000
	rpc_t "the largest remote echo the local driver takes, and one past it fails" \
		echo-max "$BID" "$RPC_SA"
	rpc_t "16 MiB of raw data (WriteRawData) arrive with size and checksum" \
		raw "$BID" "$RPC_SA" 16777216
	rpc_t "128 MiB of raw data, the most WriteRawData takes, arrive with size and checksum" \
		raw "$BID" "$RPC_SA" 134217728
	rpc_t "1000 one-way calls from one proxy arrive in order" order "$BID" "$RPC_SA" 1000
	rpc_t "the SA sees a remote caller: GetCallingDeviceID A, IsLocalCalling false, pid/uid -1" \
		identity "$BID" "$RPC_SA"
	rpc_t "a local caller looks local: GetCallingDeviceID \"\", IsLocalCalling true" \
		identity local "$RPC_A_SA"

	step "9.3 objects across devices: a callback, reference counts"
	rpc_t "a callback stub of A, passed to B's SA, is called by B" callback "$BID" "$RPC_SA"
	wait_for 30 rpc_idle && wait_for 30 b_idle
	result "both rpcds are idle before the reference test" $? "# A $(rpc_counts); B $(b_counts)"
	base_a=$(rpc_counts)
	base_b=$(b_counts)
	rpc_t "B holds then drops A's callback, A holds then drops an object of B's: each is released on its device" \
		refs "$BID" "$RPC_SA"
	wait_for 30 a_back
	result "A: rpcd's tables and the driver's nodes/refs are back to baseline" $? \
		"# $base_a -> $(rpc_counts)"
	wait_for 30 b_back
	result "B: rpcd's tables and the driver's nodes/refs are back to baseline" $? \
		"# $base_b -> $(b_counts)"

	step "9.4 the constraints, each with its error"
	rpc_t "a parcel over 1 MiB to B fails on A with RPC_ERR_PACKET_TOO_BIG (520)" \
		too-big "$BID" "$RPC_SA"
	rpc_t "an fd and ashmem in a call to B fail with RPC_ERR_FD_NOT_ALLOWED (521)" \
		fd "$BID" "$RPC_SA"
	rpc_t "B's SA proxy passed back to B or to another process on A: refused (522)" \
		pass-on "$BID" "$RPC_SA" "$RPC_A_SA"
	rpc_t "AddDeathRecipient: true on B's SA, false on anonymous objects (either way)" \
		anon-death "$BID" "$RPC_SA"
	rpc_t "samgr of B, reached through B's SA, refuses A with RPC_ERR_CALLER_NOT_AUTHORIZED (603)" \
		samgr "$BID" "$RPC_SA"
	rpc_t "wait time 1 s against a 3 s call: RPC_BASE_INVOKER_WAIT_REPLY_TIMEOUT (502)" \
		timeout "$BID" "$RPC_SA"
	rpc_t "GetSystemAbility of B's local-only SA: null, RPC_ERR_NOT_DISTRIBUTED (523)" \
		expect-get "$BID" "$RPC_LOCAL_SA" 523
	grep -E "$RPC_LOCAL_SA" "$RPCD_LOG" | tail -n 2
	grep -qE "$RPC_LOCAL_SA" "$RPCD_LOG"
	result "A's rpcd log says why (SA $RPC_LOCAL_SA)" $?
	to_b rpc-log "$RPC_LOCAL_SA"
	result "B's rpcd or samgr log says why (SA $RPC_LOCAL_SA)" $?
	rpc_t "GetSystemAbility on an unknown device: null, RPC_ERR_NO_DEVICE (524)" \
		expect-get "$NO_DEVICE" "$RPC_SA" 524
	rpc_t "CheckSystemAbility of a distributed SA B does not have: null, RPC_ERR_NO_SYSTEM_ABILITY (526)" \
		expect-get "$BID" "$RPC_A_SA" 526 check

	rpc_t "a session of our own to B's rpcd (garbage, guessed stub indices) reaches nothing and breaks nothing" \
		rogue "$BID" "$RPC_SA" 200
	to_b alive "softbusd and the echo server survive a rogue rpc session"
	result "B's softbusd still runs after the rogue session" $?
	rpc_t "a session of our own cannot take all of B's rpcd workers: the rest are BUSY (528), rpcd's own calls still go through" \
		hog "$BID" "$RPC_SA" 20 5000

	step "9.5 on-demand load on B"
	rpc_t "LoadSystemAbility on B with a callback, and GetSystemAbility while it loads: both work" \
		load "$BID" "$RPC_ONDEMAND_SA"

	step "9.6 B's SA process dies (SIGKILL)"
	death_start "$RPC_SA"
	result "A watches B's SA $RPC_SA (AddDeathRecipient true)" $?
	to_b rpc-kill "$RPC_SA"
	result "B: SA $RPC_SA's process is killed" $?
	death_wait 60
	result "A hears OnRemoteDied; a later call fails with ERR_DEAD_OBJECT (32)" $? \
		"# $(tail -n 1 /tmp/death.out)"
	to_b rpc-serve "$RPC_SA"
	result "B: SA $RPC_SA serves again" $?
	wait_for 30 rpc_idle
	result "A's rpcd holds nothing of B's any more" $? "# $(rpc_counts)"
	ipckit rpc

	step "9.7 a device A does not trust"
	SID=$(to_b stranger)
	result "B restarts softbusd with another group secret" $? "# $SID"
	sbtest wait-device "$SID" 30
	rpc_t "GetSystemAbility on a device that is not trusted: null, RPC_ERR_UNTRUSTED_DEVICE (525)" \
		expect-get "$SID" "$RPC_SA" 525
	BID2=$(to_b normal)
	result "B goes back to its own state (same networkId)" "$([ "$BID2" = "$BID" ]; echo $?)"
	b_trusted 30
	rpc_t "B's rpcd serves A again after B's softbusd restarted (within 30 s)" \
		echo "$BID" "$RPC_SA" 64
	# Whatever that said, a fresh rpcd on B for what follows.
	out=$(to_b rpc-restart)
	result "B: rpcd restarts" $? "# $out"
	rpc_t "a remote echo works with B's new rpcd" echo "$BID" "$RPC_SA" 64
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

	rpc_checks

	step "10. B powers off while A holds a session (and a proxy of B's SA $RPC_SA)"
	hold_start
	result "A holds a session to B" $?
	rpc_death=
	if [ -n "$(rpcd_pid)" ]; then
		b_sa_watch && rpc_death=1
	fi
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
	[ -z "$rpc_death" ] || b_sa_died
	stop_a
}

# --- bench -------------------------------------------------------------------
# Rounds of the soft bus and plain TCP, interleaved so both see the same
# guest; the medians over the rounds go into the results as comments.
job_bench() {
	b_trusted 30
	result "B discovered and trusted" $? || { finish_b; return 1; }
	to_b tcp-bench-server > /dev/null
	rpc=
	if have_rpc && rpc_up; then
		rpc=1
	fi
	rounds=${IPCKIT_BENCH_ROUNDS:-3}
	calls=${IPCKIT_BENCH_RPC_CALLS:-500}
	: > /tmp/bench.out
	i=0
	while [ $i -lt "$rounds" ]; do
		sbtest bench "$BID" echo | tee -a /tmp/bench.out
		sbtest tcp-bench "$PEER_IP" 7001 | tee -a /tmp/bench.out
		if [ -n "$rpc" ]; then
			# Lines "bench: rpc|binder rtt_us N p90_us N calls N".
			rpctest bench "$BID" "$RPC_SA" "$calls" | tee -a /tmp/bench.out
			rpctest bench local "$RPC_A_SA" "$calls" | tee -a /tmp/bench.out
		fi
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
		if [ -n "$rpc" ]; then
			echo "# bench: remote null call (rpctest, $calls calls a round): median $(med rpc rtt_us) us, p90 $(med rpc p90_us) us"
			echo "# bench: local null call (binder, same VM):              median $(med binder rtt_us) us, p90 $(med binder p90_us) us"
		fi
	} | tee -a "$IPCKIT_RESULTS"
	grep -q '^bench: softbus' /tmp/bench.out && grep -q '^bench: tcp' /tmp/bench.out
	result "the benchmark ran" $?
	if [ -n "$rpc" ]; then
		grep -q '^bench: rpc' /tmp/bench.out
		result "the remote null call benchmark ran" $?
	fi
	finish_b
	stop_a
}

# --- run -----------------------------------------------------------------------
# The second act of make run: kv_client on A, kv_service on B (started
# on demand by B's samgr), then B powers off under the client's feet.
job_run() {
	b_trusted 30
	result "B discovered and trusted" $?
	echo "A is $AID, B is $BID"
	ipckit devices 2> /dev/null || sbtest devices
	sbtest echo "$BID" echo 65536
	result "an echo of 64 KiB to B over the soft bus" $?
	if ! have_rpc; then
		skip "kv_client on A using kv_service on B" "no rpcd in the image"
		finish_b
		stop_a
		return
	fi
	step "rpcd on both devices"
	out=$(to_b rpcd-start)
	result "B: rpcd is ready" $? "# $out"
	start_rpcd
	result "A: rpcd is ready" $?
	step "B's distributed system abilities, as A sees them"
	ipckit list --device "$BID"
	result "ipckit list --device B" $?
	step "kv_client on A, the store on B"
	: > /tmp/kv.out
	kv_client --device "$BID" --wait-gone 120 > /tmp/kv.out 2>&1 &
	kv=$!
	wait_for 180 grep -qE '^\[client\] 5 waiting|FAILED' /tmp/kv.out
	cat /tmp/kv.out
	grep -q '^\[client\] 5 waiting' /tmp/kv.out
	result "kv_client on A: load on B, PUT/GET, a watcher called back from B, 16 MiB raw data" $? ||
		{ finish_b; stop_a; return 1; }
	step "B goes away (powers off) while kv_client holds the store"
	ipckit rpc | head -n 1
	finish_b
	wait_for 150 gone "$kv"
	wait "$kv"
	s=$?
	sed -n '/^\[client\] 5 device/,$p' /tmp/kv.out
	grep FAILED /tmp/kv.out
	result "kv_client hears OnRemoteDied when B powers off; the next call: ERR_DEAD_OBJECT" $s
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

job_rpc() {
	rpc_checks
	step "B powers off while A holds a proxy of B's SA $RPC_SA"
	b_sa_watch
	finish_b
	b_sa_died
	stop_a
}

NAME_B_RE=device-b
case "$PAIR_JOB" in
check | bench | run | restarts | rpc) "job_$PAIR_JOB" ;;
*)
	result "A: no pair job '$PAIR_JOB'" 1
	finish_b
	;;
esac
! any_failed
