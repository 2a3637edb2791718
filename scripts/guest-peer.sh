#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Guest side: the peer self-check. Runs the kernel's own hmm-tests against
# test_hmm.ko, both built from the same source as the kernel under test, to
# prove that HMM and device-private migration work under our configuration.
#
#   guest-peer.sh THP_MODE HMM_TESTS
#
# THP_MODE (always, madvise or never) is written to
# /sys/kernel/mm/transparent_hugepage/enabled for the run and restored after.
set -u
thp_mode=$1 hmm_tests=$2
thp=/sys/kernel/mm/transparent_hugepage/enabled

old_mode=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$thp")
echo "$thp_mode" >"$thp" || { echo "cannot set THP to $thp_mode"; exit 1; }
echo "# transparent_hugepage: $(cat "$thp")"

modprobe test_hmm || { echo "modprobe test_hmm failed"; exit 1; }
cd /tmp || exit 1
"$hmm_tests"
rc=$?
modprobe -r test_hmm || { echo "modprobe -r test_hmm failed"; rc=1; }
echo "$old_mode" >"$thp"
exit "$rc"
