#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot svmgpu's test kernel in QEMU.
#
#   scripts/vm.sh run RUN_DIR    run the jobs in RUN_DIR/jobs, results in RUN_DIR
#   scripts/vm.sh shell          interactive shell with svmgpu loaded
#
# Environment:
#   SVMGPU_MODPARAMS   parameters for "modprobe svmgpu" (default: none)
#   SVMGPU_VM_MEM      guest memory (default 2G)
#   SVMGPU_VM_CPUS     guest vCPUs (default 2)
#   SVMGPU_ACCEL       kvm or tcg; default: kvm if a probe boot works, else tcg
#   SVMGPU_BOOT_MARGIN seconds allowed for boot and shutdown (default 180)
#
# The guest's root file system is the host's, read-only over 9p; see
# scripts/guest-init.sh for the guest side. The serial console is kept in
# RUN_DIR/serial.log. A guest that outlives its time limit (the sum of its
# jobs' limits plus the boot margin) is killed and RUN_DIR/timeout records
# that, so the result parser can report the job that hung.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KOBJ=$(kobj_dir)
BZIMAGE=$KOBJ/arch/x86/boot/bzImage
MEM=${SVMGPU_VM_MEM:-2G}
CPUS=${SVMGPU_VM_CPUS:-2}
MARGIN=${SVMGPU_BOOT_MARGIN:-180}

[[ -f $BZIMAGE ]] || die "no kernel at $BZIMAGE: run scripts/kernel.sh"

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

cmdline() {
	local init=$1
	echo "console=ttyS0 panic=-1 loglevel=7 log_buf_len=8M hugepages=32" \
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
	SVMGPU_MODROOT=$KOBJ/modroot
	SVMGPU_MODPARAMS="${SVMGPU_MODPARAMS:-}"
	EOF
}

cmd_run() {
	local run_dir=$1 limit rc=0

	[[ -f $run_dir/jobs ]] || die "$run_dir/jobs is missing"
	rm -rf "$run_dir/out" "$run_dir/done" "$run_dir/timeout" \
		"$run_dir"/*.txt "$run_dir/load-failed"
	write_env "$run_dir" test

	limit=$(awk '!/^#/ && NF >= 3 { s += $2 } END { print s + 0 }' \
		"$run_dir/jobs")
	limit=$((limit + MARGIN))

	boot "$run_dir" </dev/null >"$run_dir/serial.log" 2>&1 &
	local qemu_pid=$!
	local waited=0
	while kill -0 "$qemu_pid" 2>/dev/null; do
		if ((waited >= limit)); then
			log "guest exceeded ${limit}s: killing it"
			echo "$limit" >"$run_dir/timeout"
			pkill -TERM -P "$qemu_pid" 2>/dev/null || true
			kill -TERM "$qemu_pid" 2>/dev/null || true
			sleep 2
			pkill -KILL -P "$qemu_pid" 2>/dev/null || true
			kill -KILL "$qemu_pid" 2>/dev/null || true
			break
		fi
		sleep 1
		waited=$((waited + 1))
	done
	wait "$qemu_pid" || rc=$?
	log "guest finished after ${waited}s (qemu exit $rc); serial log: $run_dir/serial.log"
	[[ -f $run_dir/done ]]
}

cmd_shell() {
	local run_dir=$BUILD_DIR/vm/shell
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
*)
	die "usage: $0 run RUN_DIR | shell"
	;;
esac
