#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot svmgpu's test kernel in QEMU.
#
#   scripts/vm.sh run RUN_DIR    run the jobs in RUN_DIR/jobs, results in RUN_DIR
#   scripts/vm.sh shell          interactive shell with svmgpu loaded
#   scripts/vm.sh watch RUN_DIR PID LIMIT
#                                the host's watchdog on its own, for
#                                tests/harness/selftest.sh: wait for PID as
#                                "run" waits for QEMU
#
# Environment:
#   SVMGPU_MODPARAMS   parameters for "modprobe svmgpu" (default: none)
#   SVMGPU_VM_MEM      guest memory (default 2G)
#   SVMGPU_VM_CPUS     guest vCPUs (default 2)
#   SVMGPU_ACCEL       kvm or tcg; default: kvm if a probe boot works, else tcg
#   SVMGPU_BOOT_MARGIN seconds allowed for boot and shutdown (default 180)
#   SVMGPU_JOB_IDLE    seconds a job may go without progress before the guest
#                      kills it (default 600)
#   SVMGPU_WATCHDOG    seconds the guest may go without progress before the
#                      host kills it (default 780)
#
# The guest's root file system is the host's, read-only over 9p; see
# scripts/guest-init.sh for the guest side. The serial console is kept in
# RUN_DIR/serial.log.
#
# Two limits end a guest that hangs, and the result parser reports the job
# that was running. The no-progress watchdog kills the guest when nothing
# under RUN_DIR/out and RUN_DIR/progress (job output, the kernel log's
# harness marks, IGT subtest starts and KUnit results) has changed for
# SVMGPU_WATCHDOG seconds, and writes that to RUN_DIR/watchdog. It is longer
# than the guest's own per-job idle limit, so a job that can still be
# killed is killed in the guest and the run goes on; the watchdog catches a
# job that cannot be (stuck in the kernel) and a hung kernel. A guest that
# outlives the sum of its jobs' limits plus the boot margin is killed too,
# and RUN_DIR/timeout records that.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MEM=${SVMGPU_VM_MEM:-2G}
CPUS=${SVMGPU_VM_CPUS:-2}
MARGIN=${SVMGPU_BOOT_MARGIN:-180}
JOB_IDLE=${SVMGPU_JOB_IDLE:-600}
WATCHDOG=${SVMGPU_WATCHDOG:-780}
KOBJ=
BZIMAGE=

find_kernel() {
	KOBJ=$(kobj_dir)
	BZIMAGE=$KOBJ/arch/x86/boot/bzImage
	[[ -f $BZIMAGE ]] || die "no kernel at $BZIMAGE: run scripts/kernel.sh"
}

qemu_base() {
	local accel=$1
	local cpu=max

	[[ $accel == kvm ]] && cpu=host
	echo qemu-system-x86_64 -machine q35 -accel "$accel" -cpu "$cpu" \
		-nographic -no-reboot -nic none -serial mon:stdio
}

# KVM is used only if it really boots a kernel: on some hosts /dev/kvm
# exists but every guest fails. The answer is cached per host boot.
pick_accel() {
	local cache=$BUILD_DIR/kvm-probe boot_id answer=tcg

	if [[ -n ${SVMGPU_ACCEL:-} ]]; then
		echo "$SVMGPU_ACCEL"
		return
	fi
	boot_id=$(cat /proc/sys/kernel/random/boot_id)
	if [[ -f $cache && $(head -1 "$cache") == "$boot_id" ]]; then
		tail -1 "$cache"
		return
	fi
	if [[ -r /dev/kvm && -w /dev/kvm ]]; then
		# No root file system: the kernel boots and panics at once.
		# shellcheck disable=SC2046
		if timeout 60 $(qemu_base kvm) -m 256M -kernel "$BZIMAGE" \
			-append "console=ttyS0 panic=-1 root=/dev/svmgpu-none" \
			</dev/null 2>&1 | grep -q "Kernel panic"; then
			answer=kvm
		fi
	fi
	mkdir -p "$BUILD_DIR"
	printf '%s\n%s\n' "$boot_id" "$answer" >"$cache"
	echo "$answer"
}

# no5lvl: TCG's "-cpu max" offers LA57, and with 5-level paging the KASAN
# kernel once reported a wild-memory-access in handle_edge_irq() during
# identify_cpu(), before any svmgpu code ran. 4-level paging is what real
# test machines use.
cmdline() {
	local init=$1
	echo "console=ttyS0 panic=-1 loglevel=7 log_buf_len=8M hugepages=32" \
		"no5lvl" \
		"root=hostroot rootfstype=9p ro" \
		"rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose" \
		"init=$init"
}

# The host's root spans several file systems (/proc, /sys, /dev...) whose
# inode numbers collide; without multidevs=remap the guest's 9p client takes
# /proc and /sys for the same directory and one mount hides the other.
# shellcheck disable=SC2046
boot() {
	local run_dir=$1 accel
	shift
	accel=$(pick_accel)
	log "booting $(basename "$BZIMAGE") under $accel ($CPUS vCPUs, $MEM)"
	$(qemu_base "$accel") -smp "$CPUS" -m "$MEM" -kernel "$BZIMAGE" \
		-append "$(cmdline "$REPO/scripts/guest-init.sh")" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs local,path="$run_dir",mount_tag=svmgpuio,security_model=none \
		"$@"
}

write_env() {
	local run_dir=$1 mode=$2
	cat >"$run_dir/job.env" <<-EOF
	SVMGPU_MODE=$mode
	SVMGPU_REPO=$REPO
	SVMGPU_BUILD=$BUILD_DIR
	SVMGPU_MODROOT=$BUILD_DIR/modroot
	SVMGPU_KOBJ=$KOBJ
	SVMGPU_MODPARAMS="${SVMGPU_MODPARAMS:-}"
	SVMGPU_JOB_IDLE=$JOB_IDLE
	EOF
}

# What the guest has done so far: the sizes of its job outputs and of its
# progress file. Any change is progress.
progress_state() {
	local run_dir=$1
	{
		# Either may not exist yet.
		find "$run_dir/out" "$run_dir/progress" -type f \
			-printf '%p %s\n' 2>/dev/null || true
	} | sort | cksum
}

kill_guest() {
	local pid=$1
	pkill -TERM -P "$pid" 2>/dev/null || true
	kill -TERM "$pid" 2>/dev/null || true
	sleep 2
	pkill -KILL -P "$pid" 2>/dev/null || true
	kill -KILL "$pid" 2>/dev/null || true
}

# watch_guest RUN_DIR PID LIMIT: wait while PID runs; kill it when it has
# made no progress for WATCHDOG seconds (RUN_DIR/watchdog) or has run for
# LIMIT seconds (RUN_DIR/timeout). Prints how long it waited.
watch_guest() {
	local run_dir=$1 pid=$2 limit=$3 start=$SECONDS state old='' last

	last=$SECONDS
	while kill -0 "$pid" 2>/dev/null; do
		state=$(progress_state "$run_dir")
		if [[ $state != "$old" ]]; then
			old=$state
			last=$SECONDS
		fi
		if ((SECONDS - last >= WATCHDOG)); then
			log "guest made no progress for ${WATCHDOG}s: killing it"
			echo "$WATCHDOG" >"$run_dir/watchdog"
			kill_guest "$pid"
			break
		fi
		if ((SECONDS - start >= limit)); then
			log "guest exceeded ${limit}s: killing it"
			echo "$limit" >"$run_dir/timeout"
			kill_guest "$pid"
			break
		fi
		sleep 1
	done
	echo $((SECONDS - start))
}

cmd_run() {
	local run_dir=$1 limit rc=0

	[[ -f $run_dir/jobs ]] || die "$run_dir/jobs is missing"
	find_kernel
	rm -rf "$run_dir/out" "$run_dir/done" "$run_dir/timeout" \
		"$run_dir/watchdog" "$run_dir/progress" "$run_dir"/*.txt \
		"$run_dir/load-failed"
	write_env "$run_dir" test

	limit=$(awk '!/^#/ && NF >= 3 { s += $2 } END { print s + 0 }' \
		"$run_dir/jobs")
	limit=$((limit + MARGIN))

	boot "$run_dir" </dev/null >"$run_dir/serial.log" 2>&1 &
	local qemu_pid=$! waited
	waited=$(watch_guest "$run_dir" "$qemu_pid" "$limit")
	wait "$qemu_pid" || rc=$?
	log "guest finished after ${waited}s (qemu exit $rc); serial log: $run_dir/serial.log"
	[[ -f $run_dir/done ]]
}

cmd_shell() {
	local run_dir=$BUILD_DIR/vm/shell
	find_kernel
	mkdir -p "$run_dir"
	: >"$run_dir/jobs"
	write_env "$run_dir" shell
	boot "$run_dir"
}

case ${1:-} in
run)
	[[ $# -eq 2 ]] || die "usage: $0 run RUN_DIR"
	cmd_run "$(cd "$2" && pwd)"
	;;
shell)
	cmd_shell
	;;
watch)
	[[ $# -eq 4 ]] || die "usage: $0 watch RUN_DIR PID LIMIT"
	watch_guest "$2" "$3" "$4"
	;;
*)
	die "usage: $0 run RUN_DIR | shell | watch RUN_DIR PID LIMIT"
	;;
esac
