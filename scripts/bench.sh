#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make bench": run every benchmark in one VM boot and print its report.
# Benchmarks are never tests: they report ratios against a reference
# measured in the same boot and cannot fail the test suite.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RUN_DIR=$BUILD_DIR/vm/bench

"$REPO/scripts/build.sh"
make -s -C "$REPO/benchmarks" O="$BUILD_DIR/bench" LIB="$BUILD_DIR/libsvmgpu" all
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"
for b in $(make -s -C "$REPO/benchmarks" list); do
	echo "bench:$b 900 $BUILD_DIR/bench/$b"
done >"$RUN_DIR/jobs"

"$REPO/scripts/vm.sh" run "$RUN_DIR" || true
for log in "$RUN_DIR"/out/bench:*.log; do
	echo "=== ${log##*/}"
	cat "$log"
done
