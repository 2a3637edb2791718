#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build everything the VM needs: dependencies, the kernel and modules (cached
# outside the clone), libsvmgpu and the IGT programs (in $BUILD_DIR).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$REPO/scripts/deps.sh"
"$REPO/scripts/kernel.sh"
make -s -C "$REPO/userspace/libsvmgpu" O="$BUILD_DIR/libsvmgpu" all
make -s -C "$REPO/igt-tests" O="$BUILD_DIR/igt" all
