#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Guest side of the demo's SVM showcase: run an example that hands the GPU
# plain malloc'd memory, then print what the driver did for it: the GPU
# faults it serviced and the invalidations it took, from debugfs bo_stats.
#
#   guest-demo-svm.sh PROGRAM [ARG...]
#
# Exits with PROGRAM's code.
set -u

(($# >= 1)) || { echo "usage: $0 PROGRAM [ARG...]"; exit 1; }
"$@"
rc=$?

for stats in /sys/kernel/debug/dri/*/bo_stats; do
	[[ -r $stats ]] || continue
	dev=$(basename "$(dirname "$stats")")
	# Each device shows up under its primary and its render minor (128
	# up): print the primary.
	[[ $dev =~ ^[0-9]+$ ]] || continue
	((dev < 64)) || continue
	echo "GPU fault and invalidation counters of dri/$dev:"
	grep -E '^svm_(faults|retries|invalidations|tlb_invalidations|gc_ranges)' \
		"$stats" | sed 's/^/  /'
done
exit "$rc"
