#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make demo": build everything, boot the VM with two emulated GPUs, run
# svmgpu_info, which prints what each device reports through libsvmgpu, and
# svmgpu_fill_copy, which has the GPU fill one BO and copy it to another
# and the CPU verify the result, svmgpu_bo_move, which moves a mapped BO
# between VRAM and system memory and checks it through one CPU pointer, and
# svmgpu_histogram, where the GPU works on malloc'd arrays through raw
# pointers, with the GPU fault and invalidation counters it caused, and
# svmgpu_migrate, where malloc'd memory moves into VRAM and back, with the
# migration counters, and the compute programs on malloc'd memory:
# svmgpu_vecadd, svmgpu_list_walk (the GPU follows the CPU's pointers),
# svmgpu_histogram_compute (atomics) and svmgpu_tree_search.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RUN_DIR=$BUILD_DIR/vm/demo
export SVMGPU_MODPARAMS=${SVMGPU_MODPARAMS:-num_devices=2}

"$REPO/scripts/build.sh"
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"
cat >"$RUN_DIR/jobs" <<EOF
demo:svmgpu_info 120 $BUILD_DIR/libsvmgpu/svmgpu_info
demo:svmgpu_fill_copy 300 $BUILD_DIR/libsvmgpu/svmgpu_fill_copy
demo:svmgpu_bo_move 300 $BUILD_DIR/libsvmgpu/svmgpu_bo_move
demo:svmgpu_histogram 300 $REPO/scripts/guest-demo-svm.sh $BUILD_DIR/libsvmgpu/svmgpu_histogram
demo:svmgpu_migrate 300 $REPO/scripts/guest-demo-svm.sh $BUILD_DIR/libsvmgpu/svmgpu_migrate
demo:svmgpu_vecadd 300 $REPO/scripts/guest-demo-svm.sh $BUILD_DIR/libsvmgpu/svmgpu_vecadd
demo:svmgpu_list_walk 300 $REPO/scripts/guest-demo-svm.sh $BUILD_DIR/libsvmgpu/svmgpu_list_walk
demo:svmgpu_histogram_compute 300 $REPO/scripts/guest-demo-svm.sh $BUILD_DIR/libsvmgpu/svmgpu_histogram_compute
demo:svmgpu_tree_search 300 $REPO/scripts/guest-demo-svm.sh $BUILD_DIR/libsvmgpu/svmgpu_tree_search
EOF

"$REPO/scripts/vm.sh" run "$RUN_DIR" || true

echo
echo "=== guest: modprobe svmgpu $SVMGPU_MODPARAMS"
grep -a "svmgpu" "$RUN_DIR/dmesg.txt" 2>/dev/null | grep -v harness || true
echo "=== guest: svmgpu_info"
cat "$RUN_DIR/out/demo:svmgpu_info.log" 2>/dev/null || true
echo "=== guest: svmgpu_fill_copy"
cat "$RUN_DIR/out/demo:svmgpu_fill_copy.log" 2>/dev/null || true
echo "=== guest: svmgpu_bo_move"
cat "$RUN_DIR/out/demo:svmgpu_bo_move.log" 2>/dev/null || true
echo "=== guest: svmgpu_histogram"
cat "$RUN_DIR/out/demo:svmgpu_histogram.log" 2>/dev/null || true
echo "=== guest: svmgpu_migrate"
cat "$RUN_DIR/out/demo:svmgpu_migrate.log" 2>/dev/null || true
for prog in svmgpu_vecadd svmgpu_list_walk svmgpu_histogram_compute \
	    svmgpu_tree_search; do
	echo "=== guest: $prog"
	cat "$RUN_DIR/out/demo:$prog.log" 2>/dev/null || true
done
echo "==="
python3 "$REPO/scripts/results.py" --run "$RUN_DIR" \
	--out "$RUN_DIR/results.json" | tail -1
