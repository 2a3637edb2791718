#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make check": every test svmgpu has.
#
#   1. host checks: checkpatch --strict, W=1 and sparse builds of the driver,
#      the uAPI header test, libsvmgpu's unit and symbol tests, and the
#      self-check of our libigt declarations;
#   2. one VM boot that runs the IGT programs, the KUnit suites, the demo and
#      the peer self-check (the kernel's hmm-tests on test_hmm.ko), then
#      unloads svmgpu, scans for leaks and scans the kernel log.
#
# T='<glob>' selects results by key, e.g. T='igt@svmgpu_basic@query-*',
# T='kunit*', T='static@*'. Results go to $BUILD_DIR/results.json and the
# last line printed is "N passed, N failed, N skipped".
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T=${T:-*}
# Two GPUs, so that the multi-device tests run; svmgpu_basic's module-reload
# also cycles through the defaults (one GPU).
export SVMGPU_MODPARAMS=${SVMGPU_MODPARAMS:-num_devices=2}
CHECK_DIR=$BUILD_DIR/check
HOST_RESULTS=$CHECK_DIR/host-results.tsv
RUN_DIR=$BUILD_DIR/vm/check
KOBJ=

wanted() {
	# shellcheck disable=SC2053
	[[ $1 == $T ]]
}

# record KEY COMMAND...: run a host check, exit 77 meaning skip.
record() {
	local key=$1 log result rc
	shift
	wanted "$key" || return 0
	log=$CHECK_DIR/logs/${key//[@\/]/_}.log
	log "check $key"
	"$@" >"$log" 2>&1
	rc=$?
	case $rc in
	0) result=pass ;;
	77) result=skip ;;
	*) result=fail ;;
	esac
	printf '%s\t%s\t%s\n' "$key" "$result" "$log" >>"$HOST_RESULTS"
}

# add_job KIND:NAME TIMEOUT COMMAND...
add_job() {
	echo "$*" >>"$RUN_DIR/jobs"
}

# A job runs when T could select one of its keys. T's part before its
# first "*" is matched as a pattern, so that T='igt@svmgpu_[rs]*' works.
job_wanted() {
	local prefix=$1 head=${T%%\**}
	# shellcheck disable=SC2053
	[[ $T == "*" || $T == "$prefix"* || $prefix == $head* ]]
}

host_checks() {
	record static@checkpatch "$REPO/scripts/checkpatch.sh"
	record static@w1 "$REPO/scripts/kernel.sh" --w1
	record static@sparse "$REPO/scripts/kernel.sh" --sparse
	record header@c make -s -C "$REPO/tests/header" O="$CHECK_DIR/header" c
	record header@c++ make -s -C "$REPO/tests/header" O="$CHECK_DIR/header" cxx
	record lib@check make -s -C "$REPO/userspace/libsvmgpu" \
		O="$BUILD_DIR/libsvmgpu" check
	record igt@abi-check make -s -C "$REPO/igt-tests" O="$BUILD_DIR/igt" check
	record harness@results-selftest "$REPO/tests/harness/selftest.sh"
}

# igt_job BIN PATH: the VM job of one IGT program, with the subtests that T
# selects. A program that cannot list its subtests, or lists none, fails
# igt@BIN@list-subtests: its tests would otherwise silently not run.
igt_job() {
	local bin=$1 path=$2 all subtests log rc=0

	job_wanted "igt@$bin@" || return 0
	log=$CHECK_DIR/logs/igt_${bin}_list-subtests.log
	all=$("$path" --list-subtests 2>"$log") || rc=$?
	if ((rc != 0)) || [[ -z $all ]]; then
		echo "$path --list-subtests: exit code $rc, ${#all} bytes" >>"$log"
		printf '%s\t%s\t%s\n' "igt@$bin@list-subtests" fail "$log" \
			>>"$HOST_RESULTS"
		return 0
	fi
	subtests=$(echo "$all" | while read -r s; do
		# shellcheck disable=SC2053
		[[ igt@$bin@$s == $T ]] && echo "$s"
	done)
	[[ -n $subtests ]] || return 0
	echo "$subtests" >"$RUN_DIR/igt:$bin.subtests"
	if [[ $T == "*" ]]; then
		add_job "igt:$bin 900 $path"
	else
		add_job "igt:$bin 900 $path --run-subtest" \
			"$(echo "$subtests" | paste -sd,)"
	fi
}

# kunit_suites DIR: the name of every KUnit suite defined under DIR.
kunit_suites() {
	sed -n '/struct kunit_suite .* = {/,/^};/s/^[[:space:]]*\.name = "\([^"]*\)".*/\1/p' \
		"$1"/*.c | sort -u
}

# The KUnit job, with the suites it must report (every suite in the source).
kunit_job() {
	local suites log=$CHECK_DIR/logs/kunit_suites.log

	suites=$(kunit_suites "$REPO/drivers/gpu/drm/svmgpu/tests")
	if [[ -z $suites ]]; then
		echo "no KUnit suite found in drivers/gpu/drm/svmgpu/tests" >"$log"
		printf '%s\t%s\t%s\n' kunit@suites fail "$log" >>"$HOST_RESULTS"
		return 0
	fi
	echo "$suites" >"$RUN_DIR/kunit:svmgpu.suites"
	add_job "kunit:svmgpu 300 $REPO/scripts/guest-kunit.sh svmgpu_kunit" \
		"$(echo "$suites" | paste -sd' ')"
}

vm_jobs() {
	local bin

	for bin in $(make -s -C "$REPO/igt-tests" list); do
		igt_job "$bin" "$BUILD_DIR/igt/$bin"
	done
	if job_wanted demo@; then
		add_job "demo:svmgpu_info 120 $BUILD_DIR/libsvmgpu/svmgpu_info"
		add_job "demo:svmgpu_fill_copy 300 $BUILD_DIR/libsvmgpu/svmgpu_fill_copy"
		add_job "demo:svmgpu_bo_move 300 $BUILD_DIR/libsvmgpu/svmgpu_bo_move"
		add_job "demo:svmgpu_histogram 300 $REPO/scripts/guest-demo-svm.sh $BUILD_DIR/libsvmgpu/svmgpu_histogram"
		add_job "demo:svmgpu_migrate 300 $REPO/scripts/guest-demo-svm.sh $BUILD_DIR/libsvmgpu/svmgpu_migrate"
		add_job "demo:svmgpu_vecadd 300 $REPO/scripts/guest-demo-svm.sh $BUILD_DIR/libsvmgpu/svmgpu_vecadd"
		add_job "demo:svmgpu_list_walk 300 $REPO/scripts/guest-demo-svm.sh $BUILD_DIR/libsvmgpu/svmgpu_list_walk"
		add_job "demo:svmgpu_histogram_compute 300 $REPO/scripts/guest-demo-svm.sh $BUILD_DIR/libsvmgpu/svmgpu_histogram_compute"
		add_job "demo:svmgpu_tree_search 300 $REPO/scripts/guest-demo-svm.sh $BUILD_DIR/libsvmgpu/svmgpu_tree_search"
	fi
	job_wanted kunit@ && kunit_job
	if job_wanted peer@; then
		add_job "peer:hmm-tests 900 $REPO/scripts/guest-peer.sh always $KOBJ/hmm-tests"
		add_job "peer:hmm-tests-thp-madvise 900 $REPO/scripts/guest-peer.sh madvise $KOBJ/hmm-tests"
	fi
	return 0
}

main() {
	local start=$SECONDS rc

	rm -rf "$CHECK_DIR" "$RUN_DIR"
	mkdir -p "$CHECK_DIR/logs" "$RUN_DIR"
	: >"$HOST_RESULTS"
	: >"$RUN_DIR/jobs"

	"$REPO/scripts/build.sh" || die "build failed"
	KOBJ=$(kobj_dir)

	host_checks
	vm_jobs

	local run_args=()
	if [[ -s $RUN_DIR/jobs ]] || wanted harness@guest-completed; then
		"$REPO/scripts/vm.sh" run "$RUN_DIR"
		run_args=(--run "$RUN_DIR")
	fi

	log "make check took $((SECONDS - start)) s"
	python3 "$REPO/scripts/results.py" --host "$HOST_RESULTS" \
		"${run_args[@]}" --xfail "$REPO/tests/expected-failures.txt" \
		--known-leaks "$REPO/tests/known-leaks.txt" \
		--out "$BUILD_DIR/results.json"
}

# tests/harness/selftest.sh sources this file for its functions.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	main "$@"
fi
