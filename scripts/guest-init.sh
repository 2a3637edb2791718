#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# PID 1 of the svmgpu test VM (see scripts/vm.sh).
#
# The guest's root is the host's root, shared read-only over 9p, so every
# host binary and library (libdrm, libigt, coreutils) is available at its
# usual path. A second, writable 9p share ("svmgpuio", mounted on /mnt)
# carries the job in and the results out:
#
#   /mnt/job.env     variables: SVMGPU_MODE, SVMGPU_REPO, SVMGPU_BUILD,
#                    SVMGPU_MODROOT, SVMGPU_MODPARAMS, SVMGPU_JOB_IDLE
#   /mnt/jobs        one job a line: NAME TIMEOUT COMMAND...
#   /mnt/out/NAME.log, NAME.rc    each job's output and exit code
#   /mnt/out/NAME.idle            the job made no progress and was killed
#   /mnt/progress    the kernel log's harness, IGT and KUnit lines, as they
#                    come: the host's no-progress watchdog reads it
#   /mnt/kallsyms-MODULE*.txt     the symbols of svmgpu and of the test
#                    modules, saved before they are unloaded ($SVMGPU_IO is
#                    /mnt for the jobs)
#   /mnt/kmemleak-before-unload.txt, kmemleak-after-unload.txt
#                    kmemleak's reports while svmgpu is loaded, then the
#                    new ones after it is unloaded
#   /mnt/dmesg.txt, /mnt/kmsg.txt the kernel log at the end, as "dmesg"
#                    prints it and with levels ("dmesg -r")
#   /mnt/done        written last: the run completed
#
# Every job is bracketed in the kernel log by "svmgpu-harness: begin NAME"
# and "svmgpu-harness: end NAME" so the host can name the job that was
# running when the kernel complained.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux}
# libigt colours its result lines on a terminal; the harness parses them.
export IGT_PLAIN_OUTPUT=1

kmsg() { echo "svmgpu-harness: $*" >/dev/kmsg; }

poweroff_now() {
	sync
	echo o >/proc/sysrq-trigger
	sleep 5
	echo b >/proc/sysrq-trigger
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm 2>/dev/null
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t hugetlbfs hugetlbfs /dev/hugepages 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 svmgpuio /mnt ||
	{ echo "svmgpu-harness: cannot mount the io share" >/dev/console; poweroff_now; }

# shellcheck source=/dev/null
. /mnt/job.env
mkdir -p /mnt/out
JOB_IDLE=${SVMGPU_JOB_IDLE:-600}

# Give the guest a writable DIR, a tmpfs over the host's, while keeping the
# host paths the run needs (the clone, its build directory and modules, the
# kernel build with hmm-tests) visible inside it: a CI clone, or the kernel
# cache, may well live under /tmp.
writable_dir() {
	local dir=$1 path top

	mkdir -p "/run/host$dir"
	mount --bind "$dir" "/run/host$dir"
	mount -t tmpfs tmpfs "$dir"
	for path in "$SVMGPU_REPO" "$SVMGPU_BUILD" "$SVMGPU_MODROOT" \
		"${SVMGPU_KOBJ:-}"; do
		[[ $path == "$dir"/* ]] || continue
		top=${path#"$dir"/}
		top=${top%%/*}
		mountpoint -q "$dir/$top" && continue
		mkdir -p "$dir/$top"
		mount --bind "/run/host$dir/$top" "$dir/$top"
	done
}
writable_dir /tmp
writable_dir /var/tmp

# Modules built for this kernel are installed by the host under
# SVMGPU_MODROOT, not in the (read-only, host-owned) /lib/modules. The
# modprobe in guest-bin/ points the real one there, so tests can simply run
# "modprobe svmgpu".
export SVMGPU_MODROOT
export SVMGPU_IO=/mnt
export PATH=$SVMGPU_REPO/scripts/guest-bin:$PATH

echo 1 >/proc/sys/kernel/sysrq
hostname svmgpu-vm 2>/dev/null || true

# Progress, for the watchdogs: the harness's marks, IGT's subtest starts
# and KUnit's results, as the kernel logs them. A hung job or kernel stops
# them; a soft-lockup or hung-task report does not count.
stdbuf -oL dmesg --follow 2>/dev/null |
	grep --line-buffered -E 'svmgpu-harness: |svmgpu-test: |\[IGT\] |\] +(not )?ok [0-9]+ ' \
	>>/mnt/progress &
progress_pid=$!

# Sets svmgpu_loader to the modprobe's pid, for save_symbols.
svmgpu_loader=
load_svmgpu() {
	# shellcheck disable=SC2086
	modprobe svmgpu $SVMGPU_MODPARAMS &
	svmgpu_loader=$!
	wait "$svmgpu_loader"
}

# save_symbols: scripts/guest-lib.sh.
# shellcheck source=scripts/guest-lib.sh
. "$SVMGPU_REPO/scripts/guest-lib.sh"

# watch_job NAME PID: kill the job PID (a "timeout" process, leader of its
# process group) once neither its output nor /mnt/progress has grown for
# JOB_IDLE seconds. A job that cannot be killed is left to the host's
# watchdog (scripts/vm.sh), which gives up on the whole guest.
# job_stacks PID: where each task of the job's process group is, for the
# .idle file of a job that made no progress.
job_stacks() {
	local t

	for t in $(pgrep -g "$1"); do
		echo "--- task $t ($(cat "/proc/$t/comm" 2>/dev/null)):"
		cat "/proc/$t/stack" 2>/dev/null
	done
}

watch_job() {
	local name=$1 pid=$2 sig old='' last=$SECONDS

	while sleep 5; do
		sig=$(stat -c %s "/mnt/out/$name.log" /mnt/progress 2>/dev/null)
		if [[ $sig != "$old" ]]; then
			old=$sig
			last=$SECONDS
		elif ((SECONDS - last >= JOB_IDLE)); then
			{
				echo "no progress for ${JOB_IDLE}s: killed"
				job_stacks "$pid"
			} >"/mnt/out/$name.idle"
			kmsg "no progress from $name for ${JOB_IDLE}s: killing it"
			# Blocked tasks, kernel threads included, to the log.
			echo w >/proc/sysrq-trigger 2>/dev/null
			kill -TERM "$pid" 2>/dev/null
			sleep 15
			kill -KILL -- "-$pid" "$pid" 2>/dev/null
			return
		fi
	done
}

# Run one job with a time limit, recording its output and exit code.
run_job() {
	local name=$1 limit=$2 rc pid watch_pid
	shift 2

	echo "svmgpu-harness: running $name" >/dev/console
	kmsg "begin $name"
	timeout -k 10 "$limit" "$@" >"/mnt/out/$name.log" 2>&1 </dev/null &
	pid=$!
	watch_job "$name" "$pid" &
	watch_pid=$!
	wait "$pid"
	rc=$?
	kill "$watch_pid" 2>/dev/null
	wait "$watch_pid" 2>/dev/null
	echo "$rc" >"/mnt/out/$name.rc"
	kmsg "end $name rc=$rc"
	echo "svmgpu-harness: $name exited $rc" >/dev/console
}

# kmemleak_read PHASE: scan, and save every report to
# /mnt/kmemleak-PHASE.txt; a scan that cannot run is written there too, so
# the host fails it. An object is reported once it is at least 5 s old and
# its contents did not change between two scans, hence the two scans.
kmemleak_read() {
	local out=/mnt/kmemleak-$1.txt f=/sys/kernel/debug/kmemleak

	[[ -e $f ]] || return 0
	kmsg "kmemleak scan $1"
	if ! { echo scan >"$f" && sleep 1 && echo scan >"$f" &&
		cat "$f" >"$out"; } 2>"$out.err"; then
		echo "svmgpu-harness: kmemleak failed: $(cat "$out.err")" >>"$out"
	fi
	rm -f "$out.err"
}

if [[ $SVMGPU_MODE == shell ]]; then
	load_svmgpu
	echo "svmgpu VM: svmgpu is loaded. 'exit' or Ctrl-D powers off." \
		>/dev/console
	setsid -c bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
	poweroff_now
fi

if load_svmgpu; then
	kmsg "svmgpu loaded"
else
	echo "svmgpu-harness: modprobe svmgpu failed" >/dev/console
	echo "modprobe svmgpu $SVMGPU_MODPARAMS failed" >/mnt/load-failed
fi

while read -r name limit cmd; do
	[[ -z $name || $name == \#* ]] && continue
	# shellcheck disable=SC2086
	run_job "$name" "$limit" $cmd
done </mnt/jobs

# A clean unload is part of every run: it must leave no leak and no splat.
kmsg "begin module-unload"
# A pending devcoredump holds a reference on the module that made it. Keep
# each one with the results, then dismiss it.
for dump in /sys/class/devcoredump/devcd*/data; do
	[[ -e $dump ]] || continue
	name=${dump%/data}
	cat "$dump" >"/mnt/out/${name##*/}.txt" 2>&1
	echo 1 >"$dump"
done
lsmod >/mnt/out/module-unload.log 2>&1
# Leaks while svmgpu is loaded, so that kmemleak names its frames; "clear"
# then hides these from the scan after the unload. svmgpu's symbols are kept
# to name the frames of what the unload leaks.
save_symbols svmgpu /mnt/kallsyms-svmgpu.txt "$svmgpu_loader"
kmemleak_read before-unload
[[ -e /sys/kernel/debug/kmemleak ]] && echo clear >/sys/kernel/debug/kmemleak
# svmgpu must still be loaded (no job may have unloaded it), and unload.
if rmmod svmgpu >>/mnt/out/module-unload.log 2>&1; then
	echo 0 >/mnt/out/module-unload.rc
else
	echo 1 >/mnt/out/module-unload.rc
fi
# What the unload leaves behind is reported once it is 5 s old.
sleep 5
kmemleak_read after-unload
kmsg "end module-unload"

dmesg >/mnt/dmesg.txt
dmesg -r >/mnt/kmsg.txt
kill "$progress_pid" 2>/dev/null
echo "done" >/mnt/done
poweroff_now
