#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Guest side: the peer self-check. Runs the kernel's own hmm-tests against
# test_hmm.ko, both built from the same source as the kernel, to prove that
# HMM and device-private migration work under our configuration.
#
#   guest-peer.sh THP_MODE HMM_TESTS
#
# THP_MODE (always, madvise or never) is written to
# /sys/kernel/mm/transparent_hugepage/enabled for the run and restored after.
#
# hmm-tests exits 0, 1 (a test failed) or 4 (all skipped) and prints TAP.
# What goes wrong around it is printed as "svmgpu-peer: error: ..." and
# exits 2; scripts/results.py fails peer@NAME@run on such a line, on a
# missing TAP plan or results, and on any other exit code.
set -u
thp_mode=$1 hmm_tests=$2
thp=/sys/kernel/mm/transparent_hugepage/enabled

error() { echo "svmgpu-peer: error: $*"; }

# save_symbols MODULE FILE [PID]: MODULE's symbols, so that the host can name
# its frames in kmemleak's reports once it is unloaded. Its init code is
# freed once loaded, and leaves kallsyms: frames in it are named after the
# section. PID is the modprobe that loaded it: when modules loaded one after
# the other shared addresses, the leaks that modprobe made are its.
save_symbols() {
	local init

	init=$(cat "/sys/module/$1/sections/.init.text" 2>/dev/null)
	{
		[[ -n ${3:-} ]] && printf '# loader-pid %s\n' "$3"
		grep "\\[$1\\]\$" /proc/kallsyms
		[[ -n $init ]] && printf '%s t .init.text\t[%s]\n' "${init#0x}" "$1"
	} >"$2"
}

old_mode=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$thp")
echo "$thp_mode" >"$thp" || { error "cannot set THP to $thp_mode"; exit 2; }
echo "# transparent_hugepage: $(cat "$thp")"

# In the background, for its pid (guest-bin/modprobe execs the real one).
modprobe test_hmm &
loader=$!
wait "$loader" || { error "modprobe test_hmm failed"; exit 2; }
cd /tmp || { error "no /tmp"; exit 2; }
# Line-buffered, so that each result shows as progress to the watchdogs.
stdbuf -oL -eL "$hmm_tests"
rc=$?
[[ -d ${SVMGPU_IO:-} ]] &&
	save_symbols test_hmm "$SVMGPU_IO/kallsyms-test_hmm-$thp_mode.txt" \
		"$loader"
modprobe -r test_hmm || { error "modprobe -r test_hmm failed"; rc=2; }
echo "$old_mode" >"$thp" || { error "cannot restore THP to $old_mode"; rc=2; }
exit "$rc"
