#!/bin/sh
# In-VM job for `make run` (IPCKIT_JOB=run): load ipckit under its default
# device name and show it answering through libipckit.
step() { echo; echo "==> $*"; }
result() { # result "description" status
	if [ "$2" -eq 0 ]; then r=ok; else r="not ok"; fi
	echo "$r 1 - $1" >> "$IPCKIT_RESULTS"
}

step "insmod ipckit.ko (default: devices=binder)"
insmod /lib/modules/ipckit.ko || { result "load ipckit" 1; exit 1; }
ls -l /dev/binder

step "ipckit-demo /dev/binder"
ipckit-demo /dev/binder
status=$?

step "rmmod ipckit"
rmmod ipckit
result "demo: ipckit answers on /dev/binder" $status
