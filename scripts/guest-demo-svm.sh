#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Guest side of the demo's SVM showcase: run an example that hands the GPU
# plain malloc'd memory, then print what the driver did for it, from
# debugfs bo_stats: the GPU faults it serviced and the invalidations it
# took, and the migrations between system memory and VRAM, with their
# times. The counters are monotonic; what is printed is the change of
# those that changed while PROGRAM ran.
#
#   guest-demo-svm.sh PROGRAM [ARG...]
#
# Exits with PROGRAM's code.
set -u

(($# >= 1)) || { echo "usage: $0 PROGRAM [ARG...]"; exit 1; }

FAULT_RE='^svm_(faults|retries|invalidations|tlb_invalidations|gc_ranges)'
MIGRATE_RE='^svm_(migrate_|copy_|mm_|cpu_faults|evict|thrash_holds|prefetches)'

# The bo_stats of each device, once: each shows up under its primary and
# its render minor (128 up).
stats_files() {
	local stats dev
	for stats in /sys/kernel/debug/dri/*/bo_stats; do
		[[ -r $stats ]] || continue
		dev=$(basename "$(dirname "$stats")")
		[[ $dev =~ ^[0-9]+$ ]] && ((dev < 64)) && echo "$stats"
	done
}

declare -A before=()
files=$(stats_files)
for stats in $files; do
	while IFS=': ' read -r name value; do
		before[$stats:$name]=$value
	done <"$stats"
done

"$@"
rc=$?

# print_delta TITLE REGEX STATS: "name: change" for the matching counters
# that changed.
print_delta() {
	local title=$1 re=$2 stats=$3 name value delta lines=()
	while IFS=': ' read -r name value; do
		[[ $name =~ $re && $value =~ ^[0-9]+$ ]] || continue
		delta=$((value - ${before[$stats:$name]:-0}))
		((delta)) || continue
		if [[ $name == *_ns || $name == *_ns_* ]]; then
			lines+=("  $name: $delta ($((delta / 1000000)).$((delta / 100000 % 10)) ms)")
		else
			lines+=("  $name: $delta")
		fi
	done <"$stats"
	((${#lines[@]})) || return 0
	echo "$title of dri/$(basename "$(dirname "$stats")"):"
	printf '%s\n' "${lines[@]}"
}

for stats in $files; do
	print_delta "GPU fault and invalidation counters" "$FAULT_RE" "$stats"
	print_delta "SVM migration counters" "$MIGRATE_RE" "$stats"
done
exit "$rc"
