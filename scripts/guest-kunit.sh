#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Guest side: load a KUnit test module, which runs its suites during load,
# and print the KTAP results of the suites it must run from debugfs.
#
#   guest-kunit.sh MODULE SUITE...
#
# Every SUITE must have reported (scripts/check.sh lists the suites defined
# in the source); a missing one fails the job, and scripts/results.py fails
# kunit@SUITE@missing on the host as well.
set -u
# save_symbols: scripts/guest-lib.sh.
# shellcheck source=scripts/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

(($# >= 2)) || { echo "usage: $0 MODULE SUITE..."; exit 1; }
module=$1
shift

# In the background, for its pid (guest-bin/modprobe execs the real one).
modprobe "$module" &
loader=$!
wait "$loader" || { echo "modprobe $module failed"; exit 1; }
missing=0
for suite in "$@"; do
	results=/sys/kernel/debug/kunit/$suite/results
	if [[ -e $results ]]; then
		cat "$results"
	else
		echo "# svmgpu-kunit: error: suite $suite did not run"
		missing=$((missing + 1))
	fi
done
[[ -d ${SVMGPU_IO:-} ]] && save_symbols "$module" "$SVMGPU_IO/kallsyms-$module.txt" "$loader"
# rmmod, not modprobe -r: that would also unload svmgpu, which the test
# module depends on.
rmmod "$module" || { echo "rmmod $module failed"; exit 1; }
((missing == 0)) || exit 1
