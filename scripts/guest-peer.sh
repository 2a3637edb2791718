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

# save_symbols: scripts/guest-lib.sh.
# shellcheck source=scripts/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

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
