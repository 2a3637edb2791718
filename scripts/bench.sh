#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make bench": run every benchmark in one VM boot and print its report.
# Benchmarks are never tests: they report ratios against a reference
# measured in the same boot and are not part of "make check". Each one
# checks its own results (data copied, BOs where they should be), though,
# and exits non-zero when a check fails: make bench then fails too, after
# printing every report. So does a VM run that did not complete.
#
# SVMGPU_BENCH, a space-separated list of names or globs (for instance
# "migrate_bench" or "svm_* copy_bench"), runs only those benchmarks.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Benchmarks run on the release kernel: no lockdep, KASAN or kmemleak.
export SVMGPU_FLAVOUR=release
RUN_DIR=$BUILD_DIR/vm/bench

"$REPO/scripts/build.sh"
make -s -C "$REPO/benchmarks" O="$BUILD_DIR/bench" LIB="$BUILD_DIR/libsvmgpu" all

# The benchmarks to run: every one benchmarks/Makefile lists, or those of
# SVMGPU_BENCH.
benches=()
read -ra wants <<<"${SVMGPU_BENCH:-}"
for b in $(make -s -C "$REPO/benchmarks" list); do
	if ((${#wants[@]} == 0)); then
		benches+=("$b")
		continue
	fi
	for want in "${wants[@]}"; do
		# shellcheck disable=SC2053 # $want is a glob on purpose
		if [[ $b == $want ]]; then
			benches+=("$b")
			break
		fi
	done
done
((${#benches[@]})) || die "no benchmark matches SVMGPU_BENCH='${SVMGPU_BENCH:-}'"

rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"
for b in "${benches[@]}"; do
	echo "bench:$b 900 $BUILD_DIR/bench/$b"
done >"$RUN_DIR/jobs"

status=0
if ! "$REPO/scripts/vm.sh" run "$RUN_DIR"; then
	log "the VM run did not complete (serial log: $RUN_DIR/serial.log)"
	status=1
fi
if [[ -f $RUN_DIR/load-failed ]]; then
	log "$(cat "$RUN_DIR/load-failed")"
	status=1
fi

# The guest writes each job's output to out/NAME.log and its exit code to
# out/NAME.rc (see scripts/guest-init.sh); a job it killed for making no
# progress also leaves out/NAME.idle. A job without an exit code never
# finished.
failed=()
for b in "${benches[@]}"; do
	job=bench:$b
	echo "=== $job"
	cat "$RUN_DIR/out/$job.log" 2>/dev/null || echo "(no output)"
	rc=$(cat "$RUN_DIR/out/$job.rc" 2>/dev/null) || rc="none (did not finish)"
	[[ -f $RUN_DIR/out/$job.idle ]] && rc="$rc, $(cat "$RUN_DIR/out/$job.idle")"
	if [[ $rc != 0 ]]; then
		echo "=== $job FAILED: exit status $rc"
		failed+=("$b")
	fi
done
if ((${#failed[@]})); then
	log "benchmarks that failed their own checks: ${failed[*]}"
	status=1
fi
exit $status
