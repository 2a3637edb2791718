#!/bin/bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The svmgpu authors
#
# check-igt-abi.sh - prove lib/igt_decls.h gives IGT's real behaviour.
#
# Usage: check-igt-abi.sh PATH/TO/igt_abi_check [TEST_BINARY...]
#
# Runs the probe binary built from igt_abi_check.c (linked against the
# system's libigt.so.0) in many ways and compares what it prints and how
# it exits with what IGT promises its runners. Then checks, without
# running any subtest, that each TEST_BINARY enumerates its subtests and
# describes every one. Needs no GPU and no root. Prints TAP
# ("ok N - ..."), then "N passed, N failed"; exits non-zero if any
# expectation is broken.

set -u

bin=${1:?usage: $0 PATH/TO/igt_abi_check [TEST_BINARY...]}
shift
tests=("$@")
for b in "$bin" "${tests[@]}"; do
	[ -x "$b" ] || { echo "Bail out! $b is not executable"; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out
err=$tmp/err
rc=0

# Keep the probe's output plain and its log level default whatever the
# caller's environment says.
unset IGT_LOG_LEVEL IGT_ABI_CHECK_FIXTURE IGT_ABI_CHECK_GROUP
export IGT_PLAIN_OUTPUT=1

n=0
passed=0
failed=0
why=()

# run [VAR=value...] -- [args...]: run the probe, keep stdout, stderr, rc.
run() {
	local envs=()

	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		envs+=("$1")
		shift
	done
	shift
	env "${envs[@]}" "$bin" "$@" >"$out" 2>"$err" </dev/null
	rc=$?
}

# Expectation helpers: each records a reason when it does not hold.
want_rc() {
	[ "$rc" -eq "$1" ] || why+=("exit code $rc, want $1")
}

want_out() {	# a line of stdout matches the extended regex
	grep -Eq -- "$1" "$out" || why+=("stdout lacks /$1/")
}

no_out() {
	! grep -Eq -- "$1" "$out" || why+=("stdout has /$1/")
}

want_err() {
	grep -Eq -- "$1" "$err" || why+=("stderr lacks /$1/")
}

no_err() {
	! grep -Eq -- "$1" "$err" || why+=("stderr has /$1/")
}

# want_results "name RESULT" ...: exactly these subtest result lines, in
# this order, and no others.
want_results() {
	local want got

	want=$(printf '%s\n' "$@")
	got=$(sed -n 's/^Subtest \([^:]*\): \([A-Z]*\) (.*)$/\1 \2/p' "$out")
	[ "$got" = "$want" ] ||
		why+=("result lines differ: got [$(echo $got)] want [$(echo $want)]")
}

# ok DESCRIPTION: close one check, printing TAP.
ok() {
	n=$((n + 1))
	if [ ${#why[@]} -eq 0 ]; then
		echo "ok $n - $1"
		passed=$((passed + 1))
	else
		echo "not ok $n - $1"
		printf '#   %s\n' "${why[@]}"
		echo "#   --- stdout"; sed 's/^/#   /' "$out" | head -40
		echo "#   --- stderr"; sed 's/^/#   /' "$err" | head -40
		failed=$((failed + 1))
	fi
	why=()
}

pass_tests=(pass-basic pass-compare pass-format-7 pass-log pass-warn
	    pass-fork pass-thread pass-ioctl pass-time pass-dynamic)
skip_tests=(skip-require skip-require-f skip-on skip-direct)
fail_tests=(fail-eq fail-assert-f fail-direct fail-fork fail-thread)
group_tests=(group-inner group-after)
all_tests=("${pass_tests[@]}" "${skip_tests[@]}" "${fail_tests[@]}"
	   "${group_tests[@]}")

results() {	# results RESULT name...: "name RESULT" for each
	local r=$1

	shift
	printf "%s $r\n" "$@"
}

# --- Enumeration -----------------------------------------------------------

run -- --list-subtests
want_rc 0
[ "$(cat "$out")" = "$(printf '%s\n' "${all_tests[@]}")" ] ||
	why+=("listed [$(echo $(cat "$out"))]")
ok "--list-subtests lists every subtest, in order, and only them"

no_out 'IGT-Version|fixture ran|Starting subtest'
want_err '^abi-check: only listing$'
ok "--list-subtests runs no fixture and igt_only_list_subtests() is true"

run -- --run-subtest pass-basic
no_err 'only listing'
ok "igt_only_list_subtests() is false when running"

# --- Results and exit codes ---------------------------------------------

run --
want_rc 98
mapfile -t expect < <(results SUCCESS "${pass_tests[@]}"
		      results SKIP "${skip_tests[@]}"
		      results FAIL "${fail_tests[@]}"
		      results SUCCESS "${group_tests[@]}")
want_results "${expect[@]}"
ok "a full run gives SUCCESS/SKIP/FAIL per subtest and exits 98"

for t in "${all_tests[@]}"; do
	want_out "^Starting subtest: $t\$"
done
want_out '^IGT-Version: 1\.27'
want_out '^abi-check: fixture ran$'
want_out '^abi-check: final fixture ran$'
ok "each subtest is announced, fixtures run before and after"

run -- --run-subtest pass-basic
want_rc 0
want_results "pass-basic SUCCESS"
ok "--run-subtest runs only that subtest; all passing exits 0"

run -- --run-subtest 'pass-*'
want_rc 0
mapfile -t expect < <(results SUCCESS "${pass_tests[@]}")
want_results "${expect[@]}"
ok "--run-subtest takes wildcards; every passing macro passes"

run -- --run-subtest 'skip-*'
want_rc 77
mapfile -t expect < <(results SKIP "${skip_tests[@]}")
want_results "${expect[@]}"
want_out '^Test requirement: one == 2$'
want_out '^Test requirement: !\(one == 1\)$'
want_out '^abi-check: skip reason 5$'
want_out '^abi-check: direct skip$'
ok "igt_require/_f, igt_skip_on, igt_skip skip; all skipped exits 77"

run -- --run-subtest fail-eq
want_rc 98
want_results "fail-eq FAIL"
want_err 'CRITICAL: Failed assertion: one == two$'
want_err 'CRITICAL: error: 1 != 2$'
want_err '^Subtest fail-eq failed\.$'
want_out '^Stack trace:$'
ok "igt_assert_eq failure: values, backtrace, FAIL, exit 98"

run -- --run-subtest fail-assert-f
want_rc 98
want_results "fail-assert-f FAIL"
want_err 'CRITICAL: Failed assertion: one == 2$'
want_err 'CRITICAL: abi-check: custom message 42$'
ok "igt_assert_f failure prints its message"

run -- --run-subtest 'fail-direct,fail-fork'
want_rc 98
want_results "fail-direct FAIL" "fail-fork FAIL"
want_out '^child 0 failed with exit status 98$'
ok "igt_fail fails; a failing igt_fork child fails the subtest"

run -- --run-subtest 'fail-thread,pass-basic'
want_rc 98
want_results "pass-basic SUCCESS" "fail-thread FAIL"
want_out '^abi-check: main thread went on$'
want_err 'CRITICAL: abi-check: thread assertion$'
want_err 'CRITICAL: Failure in a thread!$'
ok "an igt_assert in a thread ends the thread; the subtest fails at its end"

run -- --run-subtest 'pass-basic,skip-on'
want_rc 0
want_results "pass-basic SUCCESS" "skip-on SKIP"
ok "comma-separated --run-subtest; passes with skips exit 0"

run -- --run-subtest no-such-subtest
want_rc 79
want_results
ok "an unknown subtest exits 79"

# --- Fixtures and groups -------------------------------------------------

run IGT_ABI_CHECK_FIXTURE=skip --
want_rc 77
mapfile -t expect < <(results SKIP "${all_tests[@]}")
want_results "${expect[@]}"
want_out '^abi-check: fixture skip requested$'
no_out 'Starting subtest|final fixture ran'
ok "a skip in a fixture skips every later subtest and fixture, exit 77"

run IGT_ABI_CHECK_FIXTURE=fail --
want_rc 98
mapfile -t expect < <(results FAIL "${all_tests[@]}")
want_results "${expect[@]}"
want_err 'abi-check: fixture failure requested'
no_out 'Starting subtest|final fixture ran'
ok "a failure in a fixture fails every later subtest, exit 98"

run IGT_ABI_CHECK_GROUP=skip -- --run-subtest 'group-*'
want_rc 0
want_results "group-inner SKIP" "group-after SUCCESS"
want_out '^abi-check: final fixture ran$'
ok "a fixture skip inside igt_subtest_group stays in the group"

# --- Descriptions --------------------------------------------------------

run -- --describe
want_rc 0
want_out '^SUB pass-basic .*igt_abi_check\.c:[0-9]+:$'
want_out '^  abi-check: a subtest that passes$'
want_out '^  abi-check: a group whose fixture may skip$'
want_out '^  NO DOCUMENTATION!$'
want_out '^Self-check of svmgpu'"'"'s libigt declarations\.$'
no_out 'Starting subtest'
ok "--describe prints igt_describe texts, group ones included"

run -- --describe=fail-eq
want_rc 0
[ "$(grep -c '^SUB ' "$out")" -eq 1 ] || why+=("not exactly one SUB line")
want_out '^SUB fail-eq '
want_out '^  abi-check: an igt_assert_eq that fails$'
ok "--describe=NAME describes only that subtest"

run -- --help-description
want_rc 0
want_out '^Self-check of svmgpu'"'"'s libigt declarations\.$'
ok "IGT_TEST_DESCRIPTION is the --help-description text"

# --- Logging ---------------------------------------------------------------

run -- --run-subtest pass-log
want_rc 0
want_out '^abi-check: info 1$'
want_out '^abi-check: log direct$'
no_out 'debug 2'
no_err 'debug 2'
ok "igt_info/igt_log go to stdout; igt_debug is silent by default"

run -- --debug --run-subtest pass-log
want_rc 0
want_out 'DEBUG: abi-check: debug 2$'
ok "--debug shows igt_debug"

run IGT_LOG_LEVEL=debug -- --run-subtest pass-log
want_out 'DEBUG: abi-check: debug 2$'
ok "IGT_LOG_LEVEL=debug shows igt_debug"

run -- --run-subtest pass-warn
want_rc 0
want_results "pass-warn SUCCESS"
want_err 'WARNING: abi-check: warning 3$'
want_err 'WARNING: Warning on condition one == 1 '
want_err 'WARNING: abi-check: warn_on_f$'
no_out 'warning 3'
ok "igt_warn/igt_warn_on_f go to stderr and do not fail the subtest"

# --- Dynamic subtests ------------------------------------------------------

run -- --run-subtest pass-dynamic
want_rc 0
want_out '^Dynamic subtest first: SUCCESS'
want_out '^Dynamic subtest second-2: SUCCESS'
want_results "pass-dynamic SUCCESS"
ok "igt_subtest_with_dynamic, igt_dynamic and igt_dynamic_f"

# --- The real tests: enumeration only, nothing runs -----------------------

for t in "${tests[@]}"; do
	name=$(basename "$t")
	bin=$t

	run -- --list-subtests
	want_rc 0
	[ -s "$out" ] || why+=("no subtests")
	bad=$(grep -Ev '^[a-z0-9]+(-[a-z0-9]+)*$' "$out")
	[ -z "$bad" ] || why+=("not kebab-case: $(echo $bad)")
	dups=$(sort "$out" | uniq -d)
	[ -z "$dups" ] || why+=("listed twice: $(echo $dups)")
	no_out 'IGT-Version'
	ok "$name: --list-subtests lists kebab-case subtests and runs nothing"

	run -- --describe
	want_rc 0
	no_out 'NO DOCUMENTATION!'
	no_out 'Starting subtest'
	[ "$(grep -c '^SUB ' "$out")" -ge 1 ] || why+=("no SUB lines")
	ok "$name: every subtest has an igt_describe"
done

echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
