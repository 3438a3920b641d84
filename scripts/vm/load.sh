#!/bin/sh
# In-VM job IPCKIT_JOB=load: load and unload ipckit next to the reference
# driver, nothing else. What the harness self-test needs to see a bug
# planted in module init, in seconds instead of a whole check run.
n=0
check() { # check "description" command...
	desc=$1; shift
	n=$((n + 1))
	if "$@"; then r=ok; else r="not ok"; fi
	echo "$r $n - $desc" | tee -a "$IPCKIT_RESULTS"
}
check "reference driver binder_linux loads" insmod /lib/modules/binder_linux.ko
check "ipckit loads" insmod /lib/modules/ipckit.ko devices=ipckit
check "ipckit unloads" rmmod ipckit
