#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Self-test of scripts/results.py: feed it synthetic VM runs and check that
# each way a run can go wrong is reported as a failure of the right key.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0 bad=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }
# check WHAT COMMAND...: ok if COMMAND succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# new_run NAME: a clean run with one IGT job of two subtests.
new_run() {
	local d=$T/$1
	mkdir -p "$d/out"
	echo "igt:prog 60 /bin/prog" >"$d/jobs"
	printf 'a\nb\n' >"$d/igt:prog.subtests"
	printf 'Subtest a: SUCCESS (0.1s)\nSubtest b: SKIP (0.0s)\n' \
		>"$d/out/igt:prog.log"
	echo 0 >"$d/out/igt:prog.rc"
	echo 0 >"$d/out/module-unload.rc"
	printf '%s\n' "[ 1.0] svmgpu-harness: begin igt:prog" \
		"[ 1.1] [IGT] prog: starting subtest a" \
		"[ 1.2] svmgpu-harness: end igt:prog rc=0" >"$d/dmesg.txt"
	touch "$d/done"
	echo "$d"
}

# expect DIR KEY RESULT DESCRIPTION [XFAIL_FILE]
expect() {
	local d=$1 key=$2 want=$3 what=$4 xfail=${5:-/dev/null} got
	python3 "$REPO/scripts/results.py" --run "$d" --xfail "$xfail" \
		--out "$d/results.json" >"$d/summary" 2>&1
	got=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["tests"]; print(t.get(sys.argv[2],{}).get("result","missing"))' \
		"$d/results.json" "$key" 2>/dev/null)
	if [[ $got == "$want" ]]; then ok "$what"; else not_ok "$what ($key: $got)"; fi
}

d=$(new_run clean)
expect "$d" igt@prog@a pass "clean run: subtest passes"
expect "$d" igt@prog@b skip "clean run: skip is a skip"
expect "$d" dmesg@igt:prog pass "clean run: dmesg clean"
check "clean run: summary has no failure" \
	grep -q "^[0-9]* passed, 0 failed" "$d/summary"

d=$(new_run dynamic)
printf '%s\n' 'Starting subtest: a' 'Dynamic subtest x: FAIL (0.1s)' \
	'Subtest a: FAIL (0.1s)' 'Subtest b: SKIP (0.0s)' >"$d/out/igt:prog.log"
expect "$d" igt@prog@a@x fail "a dynamic subtest is keyed under its parent"
expect "$d" igt@prog@a fail "its parent keeps its own result"

d=$(new_run warn)
sed -i '2a [ 1.15] WARNING: CPU: 0 PID: 1 at drivers/gpu/drm/svmgpu/x.c:1' \
	"$d/dmesg.txt"
expect "$d" dmesg@igt:prog fail "a WARNING fails the job's dmesg check"
expect "$d" igt@prog@a fail "a WARNING fails the subtest that ran"

d=$(new_run lockdep)
sed -i '2a [ 1.15] WARNING: possible circular locking dependency detected' \
	"$d/dmesg.txt"
expect "$d" dmesg@igt:prog fail "a lockdep report fails the run"

d=$(new_run crash)
printf 'Subtest a: SUCCESS (0.1s)\n' >"$d/out/igt:prog.log"
echo 139 >"$d/out/igt:prog.rc"
expect "$d" igt@prog@b fail "a subtest that never reported fails"
expect "$d" igt@prog@exit fail "a crashing IGT binary fails"

d=$(new_run hang)
rm "$d/out/igt:prog.rc" "$d/done" "$d/dmesg.txt"
echo 60 >"$d/timeout"
printf '[ 1.0] svmgpu-harness: begin igt:prog\n[ 9.0] BUG: soft lockup\n' \
	>"$d/serial.log"
expect "$d" harness@job@igt:prog fail "a hung job is reported"
expect "$d" harness@guest-completed fail "a killed guest is reported"
expect "$d" dmesg@igt:prog fail "the serial log is scanned when dmesg is lost"

# --- svmgpu's error and warning lines ---------------------------------------

d=$(new_run drm-err)
sed -i '2a [ 1.15] [drm:drm_sched_entity_push_job [gpu_sched]] *ERROR* Trying to push to a killed entity' \
	"$d/dmesg.txt"
expect "$d" dmesg@igt:prog fail "an svmgpu *ERROR* line fails the job"
expect "$d" igt@prog@a fail "an svmgpu *ERROR* line fails the subtest"

# kmsg.txt is "dmesg -r": levels, so drm_warn lines count too.
d=$(new_run drm-warn)
printf '%s\n' "<12>[ 1.0] svmgpu-harness: begin igt:prog" \
	"<14>[ 1.1] [IGT] prog: starting subtest a" \
	"<6>[ 1.12] svmgpu svmgpu.0: [drm] 256 MiB VRAM, 2 engines" \
	"<4>[ 1.13] svmgpu_kunit: loading test module taints kernel." \
	"<4>[ 1.15] svmgpu svmgpu.0: [drm] page-table pool exhausted" \
	"<12>[ 1.2] svmgpu-harness: end igt:prog rc=0" >"$d/kmsg.txt"
expect "$d" dmesg@igt:prog fail "a drm_warn line (level 4) fails the job"
expect "$d" igt@prog@a fail "a drm_warn line fails the subtest"
sed -i 's/page-table pool exhausted/WARNING: CPU: 1 PID: 691 at mm\/page_alloc.c:4835/' \
	"$d/kmsg.txt"
sed -i '/WARNING: CPU/a <4>[ 1.151] Modules linked in: svmgpu gpu_sched ttm\n<4>[ 1.152]  svmgpu_bo_create+0x10/0x20 [svmgpu]' \
	"$d/kmsg.txt"
expect "$d" dmesg@igt:prog fail "a splat naming svmgpu fails the job"
check "... once, by its first line, not by its module and frame lines" \
	test "$(grep -c 'unannounced' "$d/results.json")" = 0
sed -i '/WARNING: CPU\|Modules linked\|svmgpu_bo_create/d' "$d/kmsg.txt"
sed -i '/page-table pool/d' "$d/kmsg.txt"
expect "$d" dmesg@igt:prog pass "svmgpu's info lines and the KUnit taint note pass"

d=$(new_run announced)
printf '%s\n' "<12>[ 1.0] svmgpu-harness: begin igt:prog" \
	"<14>[ 1.1] [IGT] prog: starting subtest a" \
	"<13>[ 1.11] svmgpu-test: expect-kmsg kernel job failed: -(5|28)" \
	"<3>[ 1.12] svmgpu svmgpu.0: [drm] *ERROR* kernel job failed: -28" \
	"<14>[ 1.2] [IGT] prog: starting subtest b" \
	"<12>[ 1.3] svmgpu-harness: end igt:prog rc=0" >"$d/kmsg.txt"
expect "$d" dmesg@igt:prog pass "an announced svmgpu error line passes"
expect "$d" igt@prog@a pass "an announced line does not fail its subtest"
sed -i '5a <3>[ 1.25] svmgpu svmgpu.0: [drm] *ERROR* kernel job failed: -28' \
	"$d/kmsg.txt"
expect "$d" igt@prog@b fail "an announcement ends with its subtest"
sed -i '3a <4>[ 1.115] WARNING: CPU: 0 PID: 1 at drivers/gpu/drm/svmgpu/svmgpu_sched.c:92' \
	"$d/kmsg.txt"
expect "$d" igt@prog@a fail "an announcement cannot excuse a WARNING"

d=$(new_run announced-elsewhere)
sed -i '2a [ 1.12] svmgpu-test: expect-kmsg no such line' "$d/dmesg.txt"
sed -i '3a [ 1.13] svmgpu svmgpu.0: [drm] *ERROR* kernel job failed: -5' \
	"$d/dmesg.txt"
expect "$d" dmesg@igt:prog fail "an announcement of another line does not help"

# --- kmemleak -----------------------------------------------------------------

leak() { # leak FRAME...: one kmemleak report with that backtrace
	printf 'unreferenced object 0xffff888004d0c000 (size 64):\n'
	printf '  comm "swapper/0", pid 1, jiffies 4294892296\n'
	printf '  hex dump (first 32 bytes):\n    00 00 00 00\n'
	printf '  backtrace (crc 5a4c5d1e):\n'
	printf '    %s\n' "$@"
}

d=$(new_run leak)
leak kmalloc_trace_noprof+0x1a/0x40 svmgpu_probe+0x1/0x80 \
	>"$d/kmemleak-before-unload.txt"
expect "$d" harness@kmemleak@before-unload fail "a kmemleak report in svmgpu fails"
expect "$d" harness@kmemleak@after-unload skip "no kmemleak file: not available"

d=$(new_run core-leak)
: >"$d/kmemleak-before-unload.txt"
leak __kmalloc_noprof+0x1a/0x40 p9_fcall_init+0x10/0x20 \
	>"$d/kmemleak-after-unload.txt"
expect "$d" harness@kmemleak@before-unload pass "an empty kmemleak report passes"
expect "$d" harness@kmemleak@after-unload fail "a leak without svmgpu in it fails too"
echo 'p9_fcall_init\+ 9p test reason' >"$T/known-ok"
expect_leaks() { # expect_leaks DIR KEY RESULT WHAT KNOWN_LEAKS
	python3 "$REPO/scripts/results.py" --run "$1" --known-leaks "$5" \
		--out "$1/results.json" >"$1/summary" 2>&1
	local got
	got=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["tests"]; print(t.get(sys.argv[2],{}).get("result","missing"))' \
		"$1/results.json" "$2" 2>/dev/null)
	if [[ $got == "$3" ]]; then ok "$4"; else not_ok "$4 ($2: $got)"; fi
}
expect_leaks "$d" harness@kmemleak@after-unload pass \
	"a listed core-kernel leak passes" "$T/known-ok"
leak __kmalloc_noprof+0x1a/0x40 p9_fcall_init+0x10/0x20 \
	svmgpu_bo_create+0x10/0x20 >"$d/kmemleak-after-unload.txt"
expect_leaks "$d" harness@kmemleak@after-unload fail \
	"a listed pattern cannot excuse a leak with an svmgpu frame" "$T/known-ok"
echo 'p9_fcall_init\+' >"$T/known-noreason"
if python3 "$REPO/scripts/results.py" --run "$d" --known-leaks "$T/known-noreason" \
	--out "$d/r.json" >/dev/null 2>&1; then
	not_ok "a known leak without a reason is refused"
else
	ok "a known leak without a reason is refused"
fi

d=$(new_run unloaded-leak)
: >"$d/kmemleak-before-unload.txt"
leak __kmalloc_noprof+0x1a/0x40 0xffffffffc0201234 do_one_initcall+0x1/0x2 \
	>"$d/kmemleak-after-unload.txt"
printf '%s\n' 'ffffffffc0201000 t svmgpu_vm_create	[svmgpu]' \
	'ffffffffc0201400 t svmgpu_vm_destroy	[svmgpu]' >"$d/kallsyms-svmgpu.txt"
echo 'do_one_initcall\+ would hide it' >"$T/known-initcall"
expect_leaks "$d" harness@kmemleak@after-unload fail \
	"an unloaded module's frame is symbolised, and counts as svmgpu's" \
	"$T/known-initcall"
check "the symbolised frame is shown" \
	grep -q 'svmgpu_vm_create+0x234 \[svmgpu\]' "$d/summary"
rm "$d/kallsyms-svmgpu.txt"
leak __kmalloc_noprof+0x1a/0x40 0xffffffffc0201234 do_one_initcall+0x1/0x2 \
	>"$d/kmemleak-after-unload.txt"
expect_leaks "$d" harness@kmemleak@after-unload fail \
	"a listed pattern cannot excuse a leak with a frame nobody could name" \
	"$T/known-initcall"
printf '%s\n' 'ffffffffc0201000 t dmirror_device_init	[test_hmm]' \
	'ffffffffc0201400 t dmirror_fops_open	[test_hmm]' \
	>"$d/kallsyms-test_hmm-always.txt"
printf '%s\n' 'ffffffffc0801000 t svmgpu_vm_create	[svmgpu]' \
	>"$d/kallsyms-svmgpu.txt"
expect_leaks "$d" harness@kmemleak@after-unload pass \
	"a test module's frames are named from its own saved symbols" \
	"$T/known-initcall"
# Modules loaded one after the other at the same addresses: the KUnit
# module's table covers the frame too, but the leak's task (pid 1, in the
# leak() report) loaded test_hmm.
printf '%s\n' '# loader-pid 7' 'ffffffffc0201000 t svmgpu_pt_test	[svmgpu_kunit]' \
	>"$d/kallsyms-svmgpu_kunit.txt"
sed -i '1i # loader-pid 1' "$d/kallsyms-test_hmm-always.txt"
expect_leaks "$d" harness@kmemleak@after-unload pass \
	"a shared address is named after the module the leaking task loaded" \
	"$T/known-initcall"
sed -i 's/^# loader-pid 1$/# loader-pid 8/' "$d/kallsyms-test_hmm-always.txt"
expect_leaks "$d" harness@kmemleak@after-unload fail \
	"... and without a loader match, not excused by the other module" \
	"$T/known-initcall"

d=$(new_run kmemleak-broken)
echo "svmgpu-harness: kmemleak failed: write error: Device or resource busy" \
	>"$d/kmemleak-before-unload.txt"
expect "$d" harness@kmemleak@before-unload fail "a kmemleak scan that failed fails"

# --- a hung guest -------------------------------------------------------------

d=$(new_run watchdog)
rm "$d/out/igt:prog.rc" "$d/done" "$d/dmesg.txt"
printf '[ 1.0] svmgpu-harness: begin igt:prog\n' >"$d/progress"
echo 480 >"$d/watchdog"
printf 'igt:prog 60 /bin/prog\nigt:later 60 /bin/later\n' >"$d/jobs"
expect "$d" harness@job@igt:prog fail "the job that stopped progressing is reported"
check "... as a no-progress failure" grep -q "no progress for 480s" "$d/summary"
expect "$d" harness@job@igt:later fail "the jobs after it are reported as never run"
expect "$d" harness@guest-completed fail "a guest killed by the watchdog is reported"
expect "$d" dmesg@igt:later skip "the kernel log of a job that never ran is not a pass"

# The host's watchdog itself (scripts/vm.sh), on a stand-in for QEMU.
d=$(new_run watch-idle)
rm "$d/done"
sleep 120 &
pid=$!
start=$SECONDS
SVMGPU_WATCHDOG=3 "$REPO/scripts/vm.sh" watch "$d" "$pid" 600 >/dev/null 2>&1
alive=0
kill "$pid" 2>/dev/null && alive=1
wait "$pid" 2>/dev/null
check "the watchdog kills a guest that makes no progress" \
	test -f "$d/watchdog" -a "$alive" = 0 -a $((SECONDS - start)) -lt 30

d=$(new_run watch-busy)
(for i in 1 2 3 4 5 6; do sleep 1; echo "line $i" >>"$d/out/igt:prog.log"; done) &
pid=$!
SVMGPU_WATCHDOG=3 "$REPO/scripts/vm.sh" watch "$d" "$pid" 600 >/dev/null 2>&1
if [[ ! -f $d/watchdog && ! -f $d/timeout ]]; then
	ok "the watchdog spares a guest that makes progress"
else
	not_ok "the watchdog spares a guest that makes progress"
fi
wait "$pid" 2>/dev/null

d=$(new_run guest-idle)
echo 143 >"$d/out/igt:prog.rc"
echo "no progress for 300s: killed" >"$d/out/igt:prog.idle"
expect "$d" harness@job@igt:prog fail "a job the guest killed for no progress fails"

# --- exit codes and expected sets ------------------------------------------------

d=$(new_run peer-no-tap)
echo "peer:hmm 60 /bin/peer" >"$d/jobs"
echo "svmgpu-peer: error: modprobe test_hmm failed" >"$d/out/peer:hmm.log"
echo 2 >"$d/out/peer:hmm.rc"
expect "$d" peer@hmm@run fail "a peer job that fails before its TAP fails"
printf 'TAP version 13\n1..2\nok 1 hmm.a\nnot ok 2 hmm.b\n' >"$d/out/peer:hmm.log"
echo 1 >"$d/out/peer:hmm.rc"
expect "$d" peer@hmm@run pass "a peer job whose tests ran passes its run key"
expect "$d" peer@hmm@hmm.b fail "... and its failing test fails"
echo 139 >"$d/out/peer:hmm.rc"
expect "$d" peer@hmm@run fail "a peer that crashed fails"

d=$(new_run kunit-missing)
echo "kunit:svmgpu 60 /bin/kunit" >"$d/jobs"
printf 'svmgpu_cmd\nsvmgpu_pt\n' >"$d/kunit:svmgpu.suites"
printf '%s\n' 'KTAP version 1' '1..1' '    KTAP version 1' \
	'    # Subtest: svmgpu_cmd' '    1..1' '    ok 1 cmd_nop' \
	'ok 1 svmgpu_cmd' >"$d/out/kunit:svmgpu.log"
echo 0 >"$d/out/kunit:svmgpu.rc"
expect "$d" kunit@svmgpu_cmd@cmd_nop pass "a KUnit case passes"
expect "$d" kunit@svmgpu_pt@missing fail "a KUnit suite that did not report fails"

# scripts/check.sh's functions, on stand-in programs.
T_DIR=$T/check-sh
mkdir -p "$T_DIR"
printf '#!/bin/sh\necho "cannot load" >&2\nexit 1\n' >"$T_DIR/broken"
printf '#!/bin/sh\necho one\necho two\n' >"$T_DIR/good"
printf '#!/bin/sh\nexit 0\n' >"$T_DIR/empty"
chmod +x "$T_DIR/broken" "$T_DIR/good" "$T_DIR/empty"
# shellcheck disable=SC2016
T='*' bash -c '
	. "$1/scripts/check.sh"
	CHECK_DIR=$2/check RUN_DIR=$2/run
	HOST_RESULTS=$CHECK_DIR/host-results.tsv
	mkdir -p "$CHECK_DIR/logs" "$RUN_DIR"
	: >"$HOST_RESULTS"
	: >"$RUN_DIR/jobs"
	igt_job broken "$2/broken"
	igt_job good "$2/good"
	igt_job empty "$2/empty"
	kunit_suites "$1/drivers/gpu/drm/svmgpu/tests" >"$2/suites"
' _ "$REPO" "$T_DIR"
hr=$T_DIR/check/host-results.tsv
check "a binary that cannot list its subtests fails" \
	grep -q "^igt@broken@list-subtests	fail	" "$hr"
check "a binary that lists no subtest fails" \
	grep -q "^igt@empty@list-subtests	fail	" "$hr"
check "a binary that lists its subtests is a job" \
	grep -q "^igt:good 900 $T_DIR/good$" "$T_DIR/run/jobs"
check "... with the subtests it listed" \
	diff <(printf 'one\ntwo\n') "$T_DIR/run/igt:good.subtests"
python3 "$REPO/scripts/results.py" --host "$hr" --out "$T_DIR/r.json" \
	>"$T_DIR/summary" 2>&1
check "... and the collector reports it" \
	grep -q "^FAIL igt@broken@list-subtests" "$T_DIR/summary"
check "every KUnit suite in the source is expected" \
	diff <(grep -ho '^static struct kunit_suite [a-z_]* = {' \
		"$REPO"/drivers/gpu/drm/svmgpu/tests/*.c | wc -l) \
	<(wc -l <"$T_DIR/suites")
check "... by name" grep -qx svmgpu_hw_config "$T_DIR/suites"

d=$(new_run xfail)
echo "igt@prog@b should not be allowed" >"$T/xfail-bad"
if python3 "$REPO/scripts/results.py" --run "$d" --xfail "$T/xfail-bad" \
	--out "$d/r.json" >/dev/null 2>&1; then
	not_ok "an expected failure outside the peer is refused"
else
	ok "an expected failure outside the peer is refused"
fi

echo "1..$n"
((bad == 0))
