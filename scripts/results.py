#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Collect svmgpu's test results into an IGT-runner-style results.json.

Inputs:
  --host FILE        host-side checks, one "KEY<TAB>pass|fail|skip<TAB>LOG" a line
  --run DIR          a VM run directory (see scripts/vm.sh, guest-init.sh)
  --xfail FILE       tests/expected-failures.txt
  --known-leaks FILE tests/known-leaks.txt
  --out FILE         results.json to write

Every VM job produces result keys according to its kind, the prefix of its
name ("igt:", "kunit:", "peer:" or "demo:"):

  igt@BINARY@SUBTEST        from IGT's "Subtest NAME: RESULT" lines
  kunit@SUITE@CASE          from the suites' KTAP
  peer@hmm-tests@TEST       from the kselftest harness's TAP
  demo@NAME                 from the exit code

and one dmesg@JOB key, which fails if the kernel logged a warning, BUG,
oops, lockdep report, KASAN report, hung task or stall while that job ran,
or an error or warning of svmgpu's (drm_err, drm_warn, DRM_ERROR, and
drm_sched's and TTM's on svmgpu's behalf) that the test had not announced
with a kmsg line "svmgpu-test: expect-kmsg REGEX" (see scan_kernel_log()).
A job that timed out, crashed the guest or never ran fails every result it
was expected to produce; so does one that stopped making progress and was
killed by the no-progress watchdog (scripts/vm.sh).

Every kmemleak report fails harness@kmemleak@before-unload (scanned while
svmgpu is still loaded) or harness@kmemleak@after-unload, unless the leak
is a core-kernel leak listed in tests/known-leaks.txt; a leak with an
svmgpu frame can never be listed.

Expected failures apply to the peer's tests only ("peer@" keys); an entry for
any other key is an error, so svmgpu's own failures can never be hidden.
The last line printed is "N passed, N failed, N skipped".
"""

import argparse
import bisect
import glob
import json
import os
import re
import sys

DMESG_BAD = re.compile(
    r"WARNING:|BUG:|\bOops\b|general protection fault|kernel BUG at|"
    r"Kernel panic|possible circular locking|possible recursive locking|"
    r"inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|"
    r"lockdep is turned off|bad unlock balance|held lock freed|"
    r"lock held when returning to user space|"
    r"KASAN:|UBSAN:|blocked for more than|soft lockup|hard LOCKUP|"
    r"rcu_sched self-detected stall|rcu: INFO:|Call Trace:|"
    r"refcount_t:|list_add corruption|list_del corruption|"
    r"unreferenced object|Unable to handle kernel")

# A line of the kernel log, with its level when the log was saved with
# "dmesg -r" ("<4>[   12.345678] ..."; the level is the number modulo 8).
# Only the kernel's own lines have exact levels there: util-linux 2.38 ORs
# rather than shifts the facility of lines written to /dev/kmsg (user,
# 1), so a user-space line at level 4 shows as <5>. svmgpu's lines are the
# kernel's; the harness's and the tests' are recognised by their text.
KMSG_LEVEL = re.compile(r"^<(\d+)>")
KERN_WARNING = 4

# Error and warning lines that concern svmgpu: its own (drm_err and
# drm_warn print "svmgpu svmgpu.0: [drm] ..."; DRM_ERROR prints
# "[drm:function [svmgpu]] *ERROR* ..."), and those of the DRM core,
# drm_sched and TTM, which in the test VM only svmgpu uses ("[drm:
# drm_sched_entity_push_job [gpu_sched]] *ERROR* Trying to push to a killed
# entity"). With levels, any such line at warning level or above counts;
# without (the serial log of a guest that died), the "*ERROR*" ones do.
SVMGPU_SOURCE = re.compile(
    r"svmgpu|\[drm[:\]]|drm_sched|gpu_sched|\[TTM\]|\bttm_")
SVMGPU_ERROR_TEXT = re.compile(r"\*ERROR\*")
# Warning-level lines that name svmgpu without being its errors.
SVMGPU_BENIGN = re.compile(
    r"svmgpu_kunit: loading test module taints kernel")
# Lines the harness and the tests write to /dev/kmsg themselves, and the
# 9p share that carries the results ("svmgpuio").
HARNESS_LINE = re.compile(r"svmgpu-harness: |svmgpu-test: |\[IGT\] |svmgpuio")
# The lines of a splat (modules, task, registers, stack frames), printed at
# warning level: they name svmgpu, but the splat's own first line is what
# fails the run (DMESG_BAD).
SPLAT_LINE = re.compile(
    r"Modules linked in:|\bComm: |Hardware name:|Workqueue: |\bRIP: |"
    r"\+0x[0-9a-f]+/0x[0-9a-f]+")
# A test's announcement that it is about to provoke a line matching REGEX
# (a Python regular expression, searched in the line). It holds until the
# job ends, the next (dynamic) subtest starts, or the IGT program exits.
EXPECT_KMSG = re.compile(r"svmgpu-test: expect-kmsg (.*?)\s*$")

HARNESS_MARK = re.compile(r"svmgpu-harness: (begin|end) (\S+)")
IGT_SUBTEST_START = re.compile(r"\[IGT\] (\S+): starting subtest (\S+)")
IGT_DYNAMIC_START = re.compile(
    r"\[IGT\] (\S+): starting dynamic subtest (\S+)")
IGT_EXIT = re.compile(r"\[IGT\] (\S+): exiting")
IGT_RESULT = re.compile(
    r"^(Dynamic )?[Ss]ubtest (\S+): (SUCCESS|FAIL|SKIP|CRASH|TIMEOUT)")
IGT_START = re.compile(r"^Starting subtest: (\S+)")
TAP_LINE = re.compile(r"^\s*(not ok|ok) \d+ (?:- )?(\S+)(.*)$")
KTAP_SUITE = re.compile(r"^\s*# Subtest: (\S+)")


class Results:
    def __init__(self):
        self.tests = {}

    def add(self, key, result, out="", **extra):
        entry = {"result": result, "out": out[-4000:]}
        entry.update(extra)
        self.tests[key] = entry

    def fail(self, key, why):
        entry = self.tests.setdefault(key, {"result": "fail", "out": ""})
        if entry["result"] in ("pass", "skip"):
            entry["result"] = "fail"
        entry["out"] = (entry["out"] + "\n" + why).strip()[-4000:]


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return None


def load_jobs(run_dir):
    jobs = []
    for line in (read(os.path.join(run_dir, "jobs")) or "").splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and not parts[0].startswith("#"):
            jobs.append(parts[0])
    return jobs


def parse_igt(res, job, binary, log, run_dir):
    expected = (read(os.path.join(run_dir, job + ".subtests")) or "").split()
    seen = set()
    parent = None
    for line in log.splitlines():
        m = IGT_START.match(line)
        if m:
            parent = m.group(1)
            continue
        m = IGT_RESULT.match(line)
        if not m:
            continue
        dynamic, name, verdict = m.groups()
        if dynamic:
            # A dynamic subtest is keyed under its parent subtest.
            key = "igt@%s@%s@%s" % (binary, parent, name)
        else:
            key = "igt@%s@%s" % (binary, name)
            seen.add(name)
        result = {"SUCCESS": "pass", "SKIP": "skip"}.get(verdict, "fail")
        res.add(key, result, log if result == "fail" else "")
    for name in expected:
        if name not in seen:
            res.add("igt@%s@%s" % (binary, name), "fail",
                    "no result: the program crashed, hung or was killed\n" +
                    log, incomplete=True)


def parse_ktap(res, prefix, log):
    suite = None
    depth_suite = {}
    for line in log.splitlines():
        m = KTAP_SUITE.match(line)
        if m:
            indent = len(line) - len(line.lstrip())
            depth_suite[indent] = m.group(1)
            suite = m.group(1)
            continue
        m = TAP_LINE.match(line)
        if not m or suite is None:
            continue
        verdict, name, rest = m.groups()
        indent = len(line) - len(line.lstrip())
        # A suite's own summary line sits one level above its cases.
        if name in depth_suite.values() and name == depth_suite.get(indent):
            continue
        owner = depth_suite.get(indent - 4, suite)
        if "# SKIP" in rest:
            result = "skip"
        else:
            result = "pass" if verdict == "ok" else "fail"
        res.add("%s@%s@%s" % (prefix, owner, name), result,
                log if result == "fail" else "")


def parse_tap(res, prefix, log):
    count = 0
    plan = None
    for line in log.splitlines():
        m = re.match(r"^1\.\.(\d+)", line)
        if m:
            plan = int(m.group(1))
        m = TAP_LINE.match(line)
        if not m or line.startswith(" "):
            continue
        verdict, name, rest = m.groups()
        count += 1
        if "# SKIP" in rest:
            result = "skip"
        else:
            result = "pass" if verdict == "ok" else "fail"
        res.add("%s@%s" % (prefix, name), result, rest.strip())
    if plan is not None and count < plan:
        res.add("%s@incomplete" % prefix, "fail",
                "%d of %d tests reported\n%s" % (count, plan, log))
    return count, plan


def check_peer(res, name, log, rc):
    """The peer's TAP, and the peer job itself: it must get as far as TAP.

    guest-peer.sh prints "svmgpu-peer: error: ..." for what goes wrong
    around the tests (loading test_hmm, THP mode, unloading); the kselftest
    harness exits 0 (pass), 1 (a test failed) or 4 (all skipped).
    """
    prefix = "peer@" + name
    count, plan = parse_tap(res, prefix, log)
    problems = re.findall(r"^svmgpu-peer: error: .*$", log, re.M)
    if plan is None or count == 0:
        problems.append("no TAP results: the peer failed before its tests "
                        "ran")
    if rc is not None and rc not in (0, 1, 4):
        problems.append("exit code %d" % rc)
    if problems:
        res.add(prefix + "@run", "fail", "\n".join(problems) + "\n" + log)
    else:
        res.add(prefix + "@run", "pass")


def check_kunit_suites(res, job, log, run_dir):
    """Every suite listed in JOB.suites (the source's suites) must report."""
    expected = (read(os.path.join(run_dir, job + ".suites")) or "").split()
    seen = set(re.findall(r"^\s*# Subtest: (\S+)", log, re.M))
    for suite in expected:
        if suite not in seen:
            res.add("kunit@%s@missing" % suite, "fail",
                    "suite %s is defined in the source but did not report\n%s"
                    % (suite, log))


def split_level(raw):
    """Return (level or None, line) for one line of the kernel log."""
    m = KMSG_LEVEL.match(raw)
    if not m:
        return None, raw
    return int(m.group(1)) & 7, raw[m.end():]


def svmgpu_error(level, line):
    """Whether a kernel log line is an error or warning of svmgpu's."""
    if HARNESS_LINE.search(line) or not SVMGPU_SOURCE.search(line):
        return False
    if SPLAT_LINE.search(line):
        return False
    if SVMGPU_BENIGN.search(line):
        return False
    if level is None:
        return bool(SVMGPU_ERROR_TEXT.search(line))
    return level <= KERN_WARNING


def running_job(run_dir, jobs):
    """The job the guest was running when it stopped, or None."""
    current = None
    for line in (read(os.path.join(run_dir, "progress")) or "").splitlines():
        m = HARNESS_MARK.search(line)
        if m:
            current = m.group(2) if m.group(1) == "begin" else None
    if current is not None:
        return current
    for job in jobs:
        if read(os.path.join(run_dir, "out", job + ".rc")) is None:
            return job
    return None


def scan_kernel_log(res, run_dir, jobs):
    """Attribute every bad kernel line to the job (and subtest) running.

    Bad lines are splats (DMESG_BAD), which nothing can excuse, and
    svmgpu's error and warning lines (svmgpu_error()), which a test may
    announce beforehand with "svmgpu-test: expect-kmsg REGEX".
    """
    text = read(os.path.join(run_dir, "kmsg.txt"))
    source = "dmesg"
    if text is None:
        text = read(os.path.join(run_dir, "dmesg.txt"))
    if text is None:
        text = read(os.path.join(run_dir, "serial.log")) or ""
        source = "serial log"
    current = "boot"
    subtest = {}
    expected = []
    bad = {}
    announced = {}
    begun = set()

    def charge(line, why=""):
        bad.setdefault(current, []).append(why + line)
        if current in subtest:
            binary, name, dyn = subtest[current]
            res.fail("igt@%s@%s" % (binary, name), "dmesg: " + why + line)
            if dyn:
                res.fail("igt@%s@%s@%s" % (binary, name, dyn),
                         "dmesg: " + why + line)

    for raw in text.splitlines():
        level, line = split_level(raw)
        line = line.strip()
        m = HARNESS_MARK.search(line)
        if m:
            current = m.group(2) if m.group(1) == "begin" else "between-jobs"
            begun.add(current)
            expected = []
            continue
        m = IGT_SUBTEST_START.search(line)
        if m:
            subtest[current] = (m.group(1), m.group(2), None)
            expected = []
            continue
        m = IGT_DYNAMIC_START.search(line)
        if m:
            if current in subtest:
                binary, name, _ = subtest[current]
                subtest[current] = (binary, name, m.group(2))
            expected = []
            continue
        if IGT_EXIT.search(line):
            expected = []
            continue
        m = EXPECT_KMSG.search(line)
        if m:
            try:
                expected.append(re.compile(m.group(1)))
            except re.error as e:
                charge(line, "invalid expect-kmsg pattern (%s): " % e)
            continue
        if DMESG_BAD.search(line):
            charge(line)
        elif svmgpu_error(level, line):
            if any(p.search(line) for p in expected):
                announced.setdefault(current, []).append(line)
            else:
                charge(line, "unannounced svmgpu error: ")

    for job in ["boot"] + jobs + ["module-unload", "between-jobs"]:
        key = "dmesg@" + job
        if job in bad:
            res.add(key, "fail", "%s while %s ran:\n%s" % (
                source, job, "\n".join(bad[job][:40])))
        elif job not in jobs and job != "module-unload":
            continue
        elif job in begun:
            res.add(key, "pass", "".join(
                "announced: %s\n" % l for l in announced.get(job, [])[:40]))
        else:
            res.add(key, "skip", "%s never began in the %s" % (job, source))


def load_kallsyms(run_dir):
    """Text symbols of the modules the guest unloaded, one table per file.

    The guest saves "grep [MODULE] /proc/kallsyms" before it unloads a
    module (kallsyms-svmgpu.txt, kallsyms-test_hmm-*.txt, ...): a module
    may be loaded more than once at different addresses. A first line
    "# loader-pid PID" names the modprobe that loaded it. Each table is a
    (loader pid or None, sorted symbols) pair.
    """
    tables = []
    for path in sorted(glob.glob(os.path.join(run_dir, "kallsyms-*.txt"))):
        syms = []
        loader = None
        for line in (read(path) or "").splitlines():
            parts = line.split()
            if parts[:2] == ["#", "loader-pid"] and len(parts) == 3:
                loader = int(parts[2]) if parts[2].isdigit() else None
                continue
            if len(parts) < 3 or parts[1] not in ("t", "T"):
                continue
            try:
                addr = int(parts[0], 16)
            except ValueError:
                continue
            module = parts[3].strip("[]") if len(parts) > 3 else "?"
            # Init code is freed once a module is loaded, and the next
            # module's init often lands at the same address (test_hmm's
            # after svmgpu's): a frame there could be named after the
            # wrong one. Leave svmgpu's init frames unnamed, which never
            # excuses them, so that test_hmm's known init leaks are
            # recognised and svmgpu's are never taken for test_hmm's.
            if parts[2] == ".init.text" and module.startswith("svmgpu"):
                continue
            if addr:
                syms.append((addr, parts[2], module))
        if syms:
            syms.sort()
            tables.append((loader, syms))
    return tables


RAW_FRAME = re.compile(r"^(\s+)0x([0-9a-f]{16})\s*$")


LEAK_PID = re.compile(r'^\s*comm "[^"]*", pid (\d+)', re.M)


def symbolise(report, tables):
    """Name the raw addresses kmemleak printed for unloaded modules.

    Modules loaded one after the other may have used the same addresses
    (the KUnit module's, then test_hmm's). Among the tables that cover an
    address, the one whose module the leaking task loaded wins; otherwise
    the first.
    """
    m = LEAK_PID.search(report)
    pid = int(m.group(1)) if m else None
    out = []
    for line in report.splitlines():
        m = RAW_FRAME.match(line)
        if m:
            addr = int(m.group(2), 16)
            # Within the module's text: its symbols, plus a page.
            hits = [(loader, syms) for loader, syms in tables
                    if syms[0][0] <= addr < syms[-1][0] + 0x1000]
            hits.sort(key=lambda t: t[0] is None or t[0] != pid)
            if hits:
                syms = hits[0][1]
                i = bisect.bisect_right([s[0] for s in syms], addr) - 1
                _, name, module = syms[i]
                line = "%s%s+0x%x [%s] (0x%s, from saved kallsyms)" % (
                    m.group(1), name, addr - syms[i][0], module, m.group(2))
        out.append(line)
    return "\n".join(out)


def load_known_leaks(path):
    known = []
    for line in (read(path) or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pattern, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit("%s: %s: a known leak needs a reason" % (path, pattern))
        try:
            known.append((re.compile(pattern), reason.strip()))
        except re.error as e:
            sys.exit("%s: %s: %s" % (path, pattern, e))
    return known


def check_kmemleak(res, key, text, syms, known):
    """One result for one kmemleak read: every report fails unless known."""
    if text is None:
        res.add(key, "skip", "kmemleak is not available in this kernel")
        return
    failures = []
    notes = []
    for m in re.finditer(r"svmgpu-harness: kmemleak .*", text):
        failures.append(m.group(0))
    blocks = re.split(r"(?m)^(?=unreferenced object )", text)
    leaks = [symbolise(b.rstrip(), syms) for b in blocks
             if b.startswith("unreferenced object ")]
    for leak in leaks:
        _, _, trace = leak.partition("backtrace")
        reason = None
        # svmgpu's own leaks can never be excused, nor can those with a
        # frame nobody could name (it may be svmgpu's).
        unnamed = any(RAW_FRAME.match(l) for l in trace.splitlines())
        if "svmgpu" not in trace and not unnamed:
            reason = next((r for p, r in known if p.search(trace)), None)
        if reason is None:
            failures.append(leak)
        else:
            notes.append("known leak (%s):\n%s" % (reason, leak))
    summary = "%d leak(s), %d known" % (len(leaks), len(notes))
    res.add(key, "fail" if failures else "pass",
            "\n".join([summary] + failures + notes))


def collect_vm(res, run_dir, known_leaks=()):
    jobs = load_jobs(run_dir)
    timed_out = os.path.exists(os.path.join(run_dir, "timeout"))
    watchdog = read(os.path.join(run_dir, "watchdog"))
    done = os.path.exists(os.path.join(run_dir, "done"))
    running = None if done else running_job(run_dir, jobs)

    load_failed = read(os.path.join(run_dir, "load-failed"))
    res.add("harness@module-load", "fail" if load_failed else "pass",
            load_failed or "")

    for job in jobs:
        kind, _, name = job.partition(":")
        log = read(os.path.join(run_dir, "out", job + ".log")) or ""
        rc = read(os.path.join(run_dir, "out", job + ".rc"))
        rc = int(rc) if rc is not None and rc.strip().lstrip("-").isdigit() \
            else None
        if kind == "igt":
            parse_igt(res, job, name, log, run_dir)
            # IGT exits 0, 77 (all skipped) or 98 (a failure); anything
            # else means the program itself broke.
            if rc is not None and rc not in (0, 77, 98):
                res.add("igt@%s@exit" % name, "fail",
                        "exit code %d\n%s" % (rc, log))
        elif kind == "kunit":
            parse_ktap(res, "kunit", log)
            if rc is None or rc != 0:
                res.add("kunit@%s@load" % name, "fail", log)
            check_kunit_suites(res, job, log, run_dir)
        elif kind == "peer":
            check_peer(res, name, log, rc)
        else:
            res.add("%s@%s" % (kind, name),
                    "pass" if rc == 0 else "fail", log)
        idle = read(os.path.join(run_dir, "out", job + ".idle"))
        if idle is not None:
            res.add("harness@job@" + job, "fail",
                    "the guest killed the job: %s\n%s" % (idle.strip(), log))
        elif rc is None:
            if job == running and watchdog is not None:
                why = ("no progress for %ss: the watchdog killed the guest "
                       "while this job ran" % watchdog.strip())
            elif job == running and timed_out:
                why = "timed out (guest killed)"
            elif running is not None and job != running:
                why = "never ran: the guest stopped while %s ran" % running
            else:
                why = "never finished: the guest crashed or hung"
            res.add("harness@job@" + job, "fail", why + "\n" + log)

    unload_rc = read(os.path.join(run_dir, "out", "module-unload.rc"))
    res.add("harness@module-unload",
            "pass" if unload_rc is not None and unload_rc.strip() == "0"
            else "fail",
            read(os.path.join(run_dir, "out", "module-unload.log")) or "")

    syms = load_kallsyms(run_dir)
    for phase in ("before-unload", "after-unload"):
        text = read(os.path.join(run_dir, "kmemleak-%s.txt" % phase))
        if text is None and not done:
            res.add("harness@kmemleak@" + phase, "fail",
                    "not scanned: the guest did not finish")
            continue
        check_kmemleak(res, "harness@kmemleak@" + phase, text, syms,
                       known_leaks)

    if done:
        why = ""
    elif watchdog is not None:
        why = "guest made no progress for %ss and was killed" % \
            watchdog.strip()
    elif timed_out:
        why = "guest timed out"
    else:
        why = "guest did not finish"
    if why:
        why += "%s; see %s" % (" while %s ran" % running if running else "",
                               os.path.join(run_dir, "serial.log"))
    res.add("harness@guest-completed", "pass" if done else "fail", why)
    scan_kernel_log(res, run_dir, jobs)


def load_xfail(path):
    xfail = {}
    for line in (read(path) or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, reason = line.partition(" ")
        if not key.startswith("peer@"):
            sys.exit("%s: %s: only the peer's tests may be expected to "
                     "fail" % (path, key))
        xfail[key] = reason.strip()
    return xfail


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host")
    ap.add_argument("--run")
    ap.add_argument("--xfail")
    ap.add_argument("--known-leaks")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    res = Results()
    if args.host:
        for line in (read(args.host) or "").splitlines():
            key, result, log = (line.split("\t") + ["", ""])[:3]
            res.add(key, result,
                    (read(log) or "") if result == "fail" else "", log=log)
    if args.run:
        known = load_known_leaks(args.known_leaks) if args.known_leaks else []
        collect_vm(res, args.run, known)

    xfail = load_xfail(args.xfail) if args.xfail else {}
    xfailed = []
    for key, reason in xfail.items():
        entry = res.tests.get(key)
        if entry is None:
            continue
        if entry["result"] == "fail":
            entry["expected-failure"] = reason
            xfailed.append(key)
        elif entry["result"] == "pass":
            print("note: %s is listed as an expected failure but passed; "
                  "update tests/expected-failures.txt" % key)

    with open(args.out, "w") as f:
        json.dump({"name": "svmgpu", "tests": res.tests}, f, indent=1,
                  sort_keys=True)

    passed = failed = skipped = 0
    for key in sorted(res.tests):
        entry = res.tests[key]
        if entry["result"] == "pass":
            passed += 1
        elif entry["result"] == "skip":
            skipped += 1
        elif "expected-failure" in entry:
            skipped += 1
        else:
            failed += 1
            print("FAIL %s" % key)
            out = entry.get("out", "").strip()
            if out:
                print("\n".join("    " + l for l in out.splitlines()[-25:]))
    for key in xfailed:
        print("expected failure (peer): %s: %s" % (key, xfail[key]))
    print("results: %s" % args.out)
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
