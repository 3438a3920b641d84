# Sourced by the two-device lane's guest jobs (pair-a.sh, pair-b.sh) and
# B's command agent (pair-agent), as /ipckit/lib/pair.sh: TAP results,
# waits, and starting the device's parts: ipckit, eth0, samgr, softbusd,
# rpcd and the RPC test services (rpctest serve).
# The host side is scripts/vm-pair.sh.
# shellcheck disable=SC2034 # PAIR_JOB, PEER_IP: for the scripts that source this
ROLE=${IPCKIT_ROLE:-a}
PAIR_JOB=${IPCKIT_PAIR_JOB:-check}
STATE=/var/lib/ipckit/softbus
SAMGR_LOG=/tmp/samgr.log
# softbusd's stderr piles up over restarts (the tests grep its history);
# its stdout, where the ready line is, starts afresh each time.
SBD_LOG=/tmp/softbusd.log
SBD_OUT=/tmp/softbusd.out
SBD_PID=/tmp/softbusd.pid
ECHO_PID=/tmp/echo-server.pid
# Options every softbusd of the lane gets (the lane's keepalive is short so
# the loss tests are quick); SBD_EXTRA adds to them for one start.
SBD_OPTS="--keepalive-ms 500 --keepalive-timeout-ms 3000"
IP_A=10.76.0.1
IP_B=10.76.0.2
AGENT_PORT=7777
if [ "$ROLE" = a ]; then MY_IP=$IP_A PEER_IP=$IP_B NAME=device-a
else MY_IP=$IP_B PEER_IP=$IP_A NAME=device-b; fi
# The TAP counter lives in a file: B's agent adds results of its own.
TAP_N=/tmp/tap.n
# rpcd: stderr piles up over restarts, stdout (the ready line) starts afresh.
RPCD_LOG=/tmp/rpcd.log
RPCD_OUT=/tmp/rpcd.out
RPCD_PID=/tmp/rpcd.pid
# The RPC tests' system abilities (rpctest serve): B's distributed one,
# B's local-only one, B's on-demand one (slow to start: it registers
# after RPC_LOAD_DELAY_MS), and one on A for passing proxies on locally.
RPC_SA=4911
RPC_LOCAL_SA=4912
RPC_ONDEMAND_SA=4913
RPC_A_SA=4921
RPC_LOAD_DELAY_MS=2000
KV_SA=4801
# samgr's configuration for the lane: the demo's on-demand store, the
# on-demand test SA, and which SAs other devices may reach.
SAMGR_CONF=/tmp/pair-samgr.conf

step() { echo; echo "==> $*"; }
result() { # result "description" status ["# comment"]
	n=$(($(cat "$TAP_N" 2>/dev/null || echo 0) + 1))
	echo $n > "$TAP_N"
	if [ "$2" -eq 0 ]; then r=ok; else r="not ok"; fi
	echo "$r $n - $1${3:+ $3}" | tee -a "$IPCKIT_RESULTS"
	return "$2"
}
skip() { # skip "description" "why"
	n=$(($(cat "$TAP_N" 2>/dev/null || echo 0) + 1))
	echo $n > "$TAP_N"
	echo "ok $n - $1 # SKIP $2" | tee -a "$IPCKIT_RESULTS"
}
any_failed() { grep -q '^not ok ' "$IPCKIT_RESULTS"; }
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
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# --- bring-up --------------------------------------------------------------
setup_module() {
	insmod /lib/modules/ipckit.ko
}

ll_ready() {
	ip -6 addr show dev eth0 scope link | grep -q inet6 &&
		! ip -6 addr show dev eth0 | grep -q tentative
}
# eth0 up with the role's IPv4 address and an IPv6 link-local one (the
# kernel makes it; wait out duplicate address detection).
setup_net() {
	insmod /lib/modules/e1000.ko 2>/dev/null # built in: no module to load
	wait_for 10 test -e /sys/class/net/eth0 || return 1
	ip link set lo up
	ip link set eth0 up
	ip addr add "$MY_IP/24" dev eth0
	# Discovery's multicast leaves by eth0, the only link there is.
	ip route add 224.0.0.0/4 dev eth0
	wait_for 10 grep -q 1 /sys/class/net/eth0/carrier || return 1
	wait_for 10 ll_ready || return 1
	ip addr show dev eth0
}

samgr_ready() { grep -q "^samgr: ready on /dev/binder" "$SAMGR_LOG"; }
write_samgr_conf() {
	cat > "$SAMGR_CONF" <<-EOF
	# The two-device lane's samgr.conf (scripts/vm/pair-lib.sh).
	ondemand $KV_SA /ipckit/bin/kv_service --sa $KV_SA
	ondemand $RPC_ONDEMAND_SA /ipckit/bin/rpctest serve $RPC_ONDEMAND_SA --delay-ms $RPC_LOAD_DELAY_MS
	distributed $KV_SA $RPC_SA $RPC_ONDEMAND_SA $RPC_A_SA
	EOF
}
start_samgr() {
	write_samgr_conf
	samgr -c "$SAMGR_CONF" > "$SAMGR_LOG" 2>&1 &
	echo $! > /tmp/samgr.pid
	wait_for 10 samgr_ready
}

# install_key DIR HEX: the group secret into a state directory, with
# `ipckit bind --import` when the tool has it, else written as softbusd
# reads it (64 hex characters and a newline, mode 0600).
install_key() {
	mkdir -p "$1" && chmod 700 "$1"
	if ipckit help bind > /dev/null 2>&1; then
		ipckit bind --state "$1" --import "$2" && return 0
		echo "pair: ipckit bind --import failed; writing $1/group.key" >&2
	fi
	(umask 077 && echo "$2" > "$1/group.key")
}

sbd_pid() { cat "$SBD_PID" 2>/dev/null; }
sbd_running() { p=$(sbd_pid); [ -n "$p" ] && running "$p"; }
sbd_ready() { grep -q '^softbusd: ready, device ' "$SBD_OUT"; }
sbd_ready_or_gone() { sbd_ready || ! sbd_running; }
# This device's networkId, from the last ready line.
device_id() {
	sed -n 's/^softbusd: ready, device \([0-9a-f]*\) .*/\1/p' "$SBD_OUT" | tail -n 1
}

# start_softbusd [STATE_DIR]: start it detached from the caller's files
# (the agent's stdout is A's connection) and wait for its ready line.
start_softbusd() {
	echo "=== softbusd start $(now_ms) ms: --state ${1:-$STATE} $SBD_OPTS ${SBD_EXTRA:-}" >> "$SBD_LOG"
	# Emptied here, not by the child's redirection: until the child runs,
	# the last start's ready line would still be there to find.
	: > "$SBD_OUT"
	# shellcheck disable=SC2086 # option words
	softbusd --state "${1:-$STATE}" --name "$NAME" --iface eth0 $SBD_OPTS ${SBD_EXTRA:-} \
		< /dev/null > "$SBD_OUT" 2>> "$SBD_LOG" &
	echo $! > "$SBD_PID"
	wait_for 20 sbd_ready_or_gone
	if ! sbd_ready; then
		echo "pair: softbusd did not start; its log:" >&2
		tail -n 20 "$SBD_LOG" >&2
		# Where it waits, if it still runs, and what samgr saw.
		p=$(sbd_pid)
		for t in /proc/"$p"/task/*; do
			[ -r "$t/wchan" ] && echo "pair: softbusd thread ${t##*/} waits in $(cat "$t/wchan")" >&2
		done
		tail -n 10 /tmp/samgr.log >&2 2>/dev/null
		return 1
	fi
	cat "$SBD_OUT"
}

# stop_daemon NAME PIDFILE [SIGNAL]: signal the daemon whose pid PIDFILE
# holds (TERM by default) and wait up to 10 s for it to go; KILL after
# that (and return 1). No pid: nothing to do.
stop_daemon() {
	p=$(cat "$2" 2>/dev/null)
	[ -n "$p" ] || return 0
	kill "-${3:-TERM}" "$p" 2>/dev/null
	if ! wait_for 10 gone "$p"; then
		echo "pair: $1 ($p) still runs 10 s after SIG${3:-TERM}: SIGKILL" >&2
		kill -KILL "$p"
		rm -f "$2"
		return 1
	fi
	rm -f "$2"
}

# stop_softbusd [SIGNAL]: TERM (a clean exit, peers told) by default.
stop_softbusd() { stop_daemon softbusd "$SBD_PID" "$@"; }

# B's echo server, session name "echo"; it is a client of softbusd, so it
# starts again with every softbusd.
echo_ready() { grep -q '^sbtest: listening on echo' /tmp/echo-server.out; }
start_echo_server() {
	p=$(cat "$ECHO_PID" 2>/dev/null)
	[ -z "$p" ] || kill -KILL "$p" 2>/dev/null
	: > /tmp/echo-server.out  # as in start_softbusd: no stale ready line
	sbtest echo-server echo < /dev/null > /tmp/echo-server.out 2>> /tmp/echo-server.log &
	echo $! > "$ECHO_PID"
	wait_for 10 echo_ready
}

# to_b VERB [ARGS]: one command to B's agent; prints its answer, returns
# the status it reports (scripts/vm/pair-agent).
to_b() {
	answer=$(echo "$*" | nc -w 10 "$IP_B" "$AGENT_PORT")
	echo "$answer" | grep -v '^status '
	s=$(echo "$answer" | sed -n 's/^status //p')
	return "${s:-1}"
}

# --- cross-device RPC ----------------------------------------------------------
have_rpc() { command -v rpcd > /dev/null && command -v rpctest > /dev/null; }
rpcd_pid() { cat "$RPCD_PID" 2>/dev/null; }
rpcd_running() { p=$(rpcd_pid); [ -n "$p" ] && running "$p"; }
rpcd_ready() { grep -q '^rpcd: ready, device ' "$RPCD_OUT"; }
rpcd_ready_or_gone() { rpcd_ready || ! rpcd_running; }

# start_rpcd: start rpcd detached (as start_softbusd) and wait for its
# ready line (it waits up to 10 s for samgr and softbusd itself).
start_rpcd() {
	echo "=== rpcd start $(now_ms) ms" >> "$RPCD_LOG"
	: > "$RPCD_OUT"
	rpcd < /dev/null > "$RPCD_OUT" 2>> "$RPCD_LOG" &
	echo $! > "$RPCD_PID"
	wait_for 30 rpcd_ready_or_gone
	if ! rpcd_ready; then
		echo "pair: rpcd did not start; its log:" >&2
		tail -n 20 "$RPCD_LOG" >&2
		return 1
	fi
	cat "$RPCD_OUT"
}

# stop_rpcd [SIGNAL]: TERM by default; KILL after 10 s.
stop_rpcd() { stop_daemon rpcd "$RPCD_PID" "$@"; }

# serve_sa SAID [--local]: `rpctest serve` in the background, its pid in
# /tmp/serve-SAID.pid; waits for its ready line.
serve_sa() {
	p=$(cat "/tmp/serve-$1.pid" 2>/dev/null)
	[ -z "$p" ] || kill -KILL "$p" 2>/dev/null
	: > "/tmp/serve-$1.out"
	rpctest serve "$@" < /dev/null > "/tmp/serve-$1.out" 2>> /tmp/serve.log &
	echo $! > "/tmp/serve-$1.pid"
	wait_for 10 grep -q "^rpctest: serving SA $1 " "/tmp/serve-$1.out"
}
serve_pid() { cat "/tmp/serve-$1.pid" 2>/dev/null; }

# rpc_counts: what must return to its baseline once nothing is held across
# devices: rpcd's counts but peers (RPC_DUMP's first line) and the
# driver's live nodes and refs (debugfs), on one line.
rpc_counts() {
	line=$(ipckit rpc 2>/dev/null | head -n 1)
	echo "$line" | tr ' ' '\n' | grep -E '^(exported|imported|calls|raw)=' | tr '\n' ' '
	stats=/sys/kernel/debug/ipckit/binder/stats
	[ -r "$stats" ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
	awk '$1 == "node_created" { nc = $2 } $1 == "node_deleted" { nd = $2 }
		$1 == "ref_created" { rc = $2 } $1 == "ref_deleted" { rd = $2 }
		END { printf "nodes=%d refs=%d\n", nc - nd, rc - rd }' "$stats" 2>/dev/null
}
# rpc_idle: rpcd's tables hold nothing across devices (all counts 0).
rpc_idle() {
	ipckit rpc 2>/dev/null | head -n 1 |
		grep -Eq 'exported=0 imported=0 calls=0 raw=0'
}
