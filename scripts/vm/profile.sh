#!/bin/sh
# In-VM job for `make profile` (IPCKIT_JOB=profile): where the time of a
# call goes, in ipckit and in the reference, in one boot. perf samples
# CPU 0 with its software clock (cpu-clock: TCG emulates no PMU) while
# ipckit-bench -s runs one kind of call on one device, client and server
# pinned to CPU 0; the report is perf's flat profile by symbol (self
# time) and the inclusive time of the driver's own functions. Reported,
# not judged: each TAP line says only that a profile was taken.
set -o pipefail

MOD=/lib/modules
BENCH=/ipckit/tests/ipckit-bench
PERF=/ipckit/bin/perf
n=0
tap() { # tap status description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then r=ok; else r="not ok"; fi
	echo "$r $n - $2" >> "$IPCKIT_RESULTS"
}
# breakdown PERF_DATA: the samples in classes, percent of all of them
# (idle included, so "idle" is what the two processes left unused).
breakdown() {
	"$PERF" report -i "$1" --stdio --no-children --sort sym \
		--percent-limit 0 -g none 2>/dev/null | awk '
	/^#/ || NF < 3 { next }
	{
		pct = $1; sub(/%/, "", pct); sym = $NF; user = ($2 == "[.]")
		if (user) c = "user space (bench, libc)"
		else if (sym ~ /^(ipckit|binder)_/) c = "the driver (" sym_owner(sym) ")"
		else if (sym ~ /(safe_halt|default_idle|cpu_idle|do_idle|acpi_idle|mwait)/) c = "idle"
		else if (sym ~ /(schedule|switch|ttwu|try_to_wake|wake_up|enqueue|dequeue|pick_next|update_curr|update_load|sched|_raw_spin_unlock_irq|select_task|set_next|put_prev|check_preempt|resched|reweight|prepare_to_wait|finish_wait|autoremove)/) c = "scheduler: wakeup and switch"
		else if (sym ~ /(syscall|entry_SYSCALL|exit_to_user|x64_sys_call|__x64_sys_ioctl|rseq|fget|fdget|do_vfs_ioctl|security_file_ioctl|tomoyo|apparmor|syscall_exit)/) c = "system call entry, exit, checks"
		else if (sym ~ /(hpet|ktime|clock|timespec|posix|timer|hrtimer|tick)/) c = "clocks and timers (the harness)"
		else if (sym ~ /(kmem_cache|kmalloc|kfree|slab|__kmalloc|memcg|obj_cgroup)/) c = "slab allocation"
		else if (sym ~ /(copy_user|_copy_to_user|_copy_from_user|__check_object_size|check_heap|__put_user|__get_user|strncpy_from_user|clear_user)/) c = "copies to and from user space"
		else if (sym ~ /(_raw_spin_lock|_raw_spin_unlock|mutex_|queued_spin)/) c = "locks"
		else c = "other kernel"
		sum[c] += pct
	}
	function sym_owner(s) { return s ~ /^ipckit_/ ? "ipckit_*" : "binder_*" }
	END { for (c in sum) printf "%7.2f%%  %s\n", sum[c], c }' | sort -rn
}

report() { # report FILE: the lines into the results, as comments
	sed 's/^/# /' "$1" >> "$IPCKIT_RESULTS"
}

insmod $MOD/binder_linux.ko devices=binder
tap $? "profile: load binder_linux"
insmod $MOD/ipckit.ko devices=ipckit
tap $? "profile: load ipckit"
if [ ! -x "$PERF" ]; then
	tap 1 "profile: perf is in the image (IPCKIT_VM_PERF=1)"
	exit 1
fi
# Kernel symbols for perf, as root in the guest; the module where perf
# looks for a module's file (with its debug info), for perf annotate.
echo 0 > /proc/sys/kernel/kptr_restrict
echo -1 > /proc/sys/kernel/perf_event_paranoid
mkdir -p "/lib/modules/$(uname -r)/extra"
cp $MOD/ipckit.ko $MOD/binder_linux.ko "/lib/modules/$(uname -r)/extra/"

# hot_spots PERF_DATA PREFIX: the instructions of the driver's three
# busiest functions (self time) that took 2% or more of their samples.
hot_spots() {
	for sym in $("$PERF" report -i "$1" --stdio --no-children --sort sym \
		-g none 2>/dev/null | awk -v p="$2" '$3 ~ "^" p { print $3 }' |
		head -3); do
		echo "--- $sym: instructions with >= 2% of its samples"
		"$PERF" annotate -i "$1" --stdio --objdump=/ipckit/bin/objdump \
			-s "$sym" 2>/dev/null |
			awk '$1 + 0 >= 2 && $2 == ":"' | head -25
	done
}

# IPCKIT_PROFILE (vm-run.sh hands it over): what to profile, as
# KIND:PLACEMENT,... with ipckit-bench's -k and -c values. "same" pins
# client and server to CPU 0 and perf watches CPU 0; otherwise it
# watches every CPU.
for item in $(echo "${IPCKIT_PROFILE:-rtt:same,oneway:same}" | tr , ' '); do
	kind=${item%%:*}
	placement=${item#*:}
	[ "$placement" != "$item" ] || placement=same
	cpus="-C 0"
	[ "$placement" = same ] || cpus=-a
	for dev in ipckit binder; do
		out=/tmp/profile-$kind-$placement-$dev
		# shellcheck disable=SC2086
		"$PERF" record -q -e cpu-clock -F 4000 $cpus -g -o "$out.data" -- \
			"$BENCH" -s /dev/$dev -k "$kind" -c "$placement" \
			-n 2000 -r 3 > "$out.txt" 2>&1
		status=$?
		{
			echo "=== profile: $kind on $dev, placement $placement (perf exit $status)"
			cat "$out.txt"
			echo "--- time by class (self time of each symbol, $cpus)"
			breakdown "$out.data"
			echo "--- self time by symbol (>= 0.5%)"
			"$PERF" report -i "$out.data" --stdio --no-children \
				--sort sym --percent-limit 0.5 -g none 2>&1 |
				grep -v '^#' | grep -v '^$' | head -60
			prefix=binder_
			[ $dev = ipckit ] && prefix=ipckit_
			hot_spots "$out.data" $prefix
			echo "--- who spins on a contended spinlock (call chains)"
			"$PERF" report -i "$out.data" --stdio --no-children \
				--symbols native_queued_spin_lock_slowpath \
				-g caller,2,callee,function,percent 2>&1 |
				grep -v '^#' | grep -v '^$' | head -40
			echo "--- inclusive time of the driver's functions"
			"$PERF" report -i "$out.data" --stdio --children \
				--sort sym -g none 2>&1 |
				grep -E '\] (ipckit|binder)_' | head -40
		} > "$out.report"
		cat "$out.report"
		report "$out.report"
		tap $status "profile: $kind on $dev, placement $placement"
	done
done
rmmod ipckit
tap $? "profile: ipckit unloads"
