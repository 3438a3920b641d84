#!/bin/sh
# Device B of the two-device lane (IPCKIT_JOB=pair-b, scripts/vm-pair.sh):
# ipckit, eth0 at 10.76.0.2, samgr, softbusd with the run's group secret
# and an echo server (session name "echo"), then the command agent on TCP
# 7777 (scripts/vm/pair-agent) until A says "finish". rpcd and the RPC
# test services start when A asks (agent verb rpc-start). B's own results
# (what the agent checked) go to $IPCKIT_RESULTS; /init reports them.
# shellcheck source=scripts/vm/pair-lib.sh
. /ipckit/lib/pair.sh

step "device B: insmod ipckit, eth0 $MY_IP"
setup_module
result "B: ipckit loads" $? || exit 1
setup_net
result "B: eth0 is up at $MY_IP with an IPv6 link-local address" $? || exit 1

step "samgr"
start_samgr
result "B: samgr is ready" $? || { cat "$SAMGR_LOG"; exit 1; }

step "softbusd ($NAME) and the echo server"
install_key "$STATE" "$(cat /ipckit/etc/pair.key)"
start_softbusd "$STATE" && start_echo_server
result "B: softbusd and the echo server are ready" $?

step "the agent on TCP $AGENT_PORT, until A says finish"
nc -ll -p "$AGENT_PORT" -e /ipckit/bin/pair-agent &
agent=$!
# A drives the job; B waits for it (the launcher's watchdog bounds this).
while [ ! -e /tmp/finish ]; do
	sleep 0.2
done
kill "$agent" 2>/dev/null

step "softbusd's log"
cat "$SBD_LOG"
if [ -e "$RPCD_LOG" ]; then
	step "rpcd's log"
	cat "$RPCD_LOG"
	echo "--- the RPC test services' log"
	cat /tmp/serve.log 2>/dev/null
fi
# A powers B off while it holds a session: no clean stop here, B's
# results go out now.
! any_failed
