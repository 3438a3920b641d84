#!/bin/sh
# Boot two test VMs, "device A" and "device B", on one private Ethernet
# segment and run a two-device job: the lane of the soft bus and of
# cross-device RPC (rpcd).
#
# usage: vm-pair.sh check|bench|run|JOB
#
# Both VMs boot the stock Debian kernel (as vm-run.sh's stock lane) from
# one initramfs, in parallel, one vCPU each (the hosts have two cores).
# Their e1000 NICs are joined by QEMU's socket backend on the host's
# loopback and nothing else: A listens on 127.0.0.1:<free port>, B
# connects to it. No user-mode network, no tap: the guests see only each
# other (10.76.0.1/24 and 10.76.0.2/24 on eth0, plus IPv6 link-local).
#
# The kernel command line says IPCKIT_JOB=pair-a or pair-b (the guest's
# /ipckit/jobs/pair-{a,b}.sh: module, network, samgr, softbusd; rpcd
# when the job needs it),
# IPCKIT_ROLE=a|b and IPCKIT_PAIR_JOB=JOB, which A's script runs; B serves
# A's commands (scripts/vm/pair-agent) until A tells it to finish. A new
# job is a case in pair-a.sh (and, if B needs more than the agent, in
# pair-b.sh).
#
# The group secret is made here, fresh for every run, and packed into the
# initramfs (/ipckit/etc/pair.key); the guests install it in softbusd's
# state directory.
#
# Output goes to $BUILD/vm/pair-JOB/{a,b}/ (console.log, results.txt,
# dmesg.txt, counts), A's and B's consoles stream to the terminal with an
# "A " / "B " prefix. Each VM is judged like vm-run.sh judges one
# (scripts/vm-judge.sh); the TAP of both is summed into
# $BUILD/vm/pair-JOB/counts ("passed failed skipped 0"). Watchdog:
# IPCKIT_VM_TIMEOUT seconds (1500) for both. IPCKIT_MODULE overrides the
# module (kernel/ipckit.ko).
set -eu

job=${1:?usage: vm-pair.sh check|bench|run|JOB}
BUILD=${BUILD:-$PWD/build}
export BUILD
out=$BUILD/vm/pair-$job
timeout_s=${IPCKIT_VM_TIMEOUT:-1500}
mkdir -p "$out/a" "$out/b"

KDIR=${KDIR:-$(scripts/kdir.sh)}
kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' \
	"$KDIR/include/generated/utsrelease.h")
kernel=/boot/vmlinuz-$kver
refmod=/lib/modules/$kver/kernel/drivers/android/binder_linux.ko
module=${IPCKIT_MODULE:-kernel/ipckit.ko}
if [ ! -r "$kernel" ]; then
	echo "vm-pair: no kernel image $kernel for the headers in $KDIR" >&2
	exit 1
fi
for bin in softbus/softbusd softbus/sbtest samgr/samgr cli/ipckit rpc/rpcd rpc/rpctest \
	demo/kv_service demo/kv_client; do
	if [ ! -x "$BUILD/host/$bin" ]; then
		echo "vm-pair: $BUILD/host/$bin is missing: run make shim" >&2
		exit 1
	fi
done

# The group secret both devices share: 32 random bytes, fresh per run.
key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
echo "vm-pair: packing initramfs"
IPCKIT_PAIR_KEY=$key scripts/mkinitramfs.sh "$out/initramfs.cpio" "$module" "$refmod"

# A free TCP port on the loopback for the socket backend; B connects only
# once A listens (QEMU exits when its connect fails).
listening() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }
port=$((20000 + $(od -An -tu2 -N2 /dev/urandom | tr -d ' ') % 40000))
while listening "$port"; do
	port=$((port + 1))
done

accel="-accel ${IPCKIT_VM_ACCEL:-tcg}"
# boot ROLE NETDEV MAC: one VM in the background, its console prefixed.
boot() {
	rm -f "$out/$1/results.txt" "$out/$1/qemu.pid"
	# shellcheck disable=SC2086
	( timeout -k 5 "$timeout_s" qemu-system-x86_64 $accel -smp 1 -m 1024 \
		-kernel "$kernel" -initrd "$out/initramfs.cpio" \
		-append "console=ttyS0 quiet log_buf_len=16M panic=-1 mitigations=off IPCKIT_JOB=pair-$1 IPCKIT_ROLE=$1 IPCKIT_PAIR_JOB=$job IPCKIT_LANE=pair" \
		-netdev "socket,id=n0,$2" -device "e1000,netdev=n0,mac=$3" \
		-display none -no-reboot -monitor none -pidfile "$out/$1/qemu.pid" \
		-serial stdio -serial "file:$out/$1/results.txt" < /dev/null 2>&1 |
		tee "$out/$1/console.log" |
		sed -u "s/^/$(echo "$1" | tr ab AB) /" ) &
}

echo "vm-pair: booting A and B ($kernel, job $job, link 127.0.0.1:$port, watchdog ${timeout_s}s)"
start=$(date +%s)
boot a "listen=127.0.0.1:$port" 52:54:00:76:00:01
pid_a=$!
tries=100
while ! listening "$port"; do
	tries=$((tries - 1))
	if [ $tries -le 0 ]; then
		echo "vm-pair: A's QEMU does not listen on 127.0.0.1:$port" >&2
		break
	fi
	sleep 0.1
done
boot b "connect=127.0.0.1:$port" 52:54:00:76:00:02
pid_b=$!
wait "$pid_a" || :
# A ends the job and tells B to finish; B that outlives A by a minute
# will not report any more.
tries=60
while kill -0 "$pid_b" 2>/dev/null && [ $tries -gt 0 ]; do
	sleep 1
	tries=$((tries - 1))
done
if kill -0 "$pid_b" 2>/dev/null; then
	echo "vm-pair: B still runs a minute after A ended: stopping it" >&2
	kill -TERM "$(cat "$out/b/qemu.pid")" || :
fi
wait "$pid_b" || :
elapsed=$(($(date +%s) - start))

# --- judge -------------------------------------------------------------
status=0
for role in a b; do
	scripts/vm-judge.sh "$out/$role" "device $(echo $role | tr ab AB)" "$timeout_s" || status=1
	tr -d '\r' < "$out/$role/results.txt" 2>/dev/null |
		awk '/^=== results/ { on = 1; next } /^=== / { on = 0 } on' |
		grep -E '^not ok ' | sed "s/^/$role: /" || :
done
# What A's job printed for the host to see (make softbus-bench's table).
grep '^# bench:' "$out/a/results.clean" 2>/dev/null | sed 's/^# //' || :
read -r pa fa sa _ < "$out/a/counts"
read -r pb fb sb _ < "$out/b/counts"
passed=$((pa + pb)) failed=$((fa + fb)) skipped=$((sa + sb))
echo "$passed $failed $skipped 0" > "$out/counts"
echo "vm-pair: $job: A $pa/$fa/$sa, B $pb/$fb/$sb (passed/failed/skipped) in ${elapsed}s"
echo "vm-pair: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ $status -eq 0 ]
