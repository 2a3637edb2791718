#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# checkpatch.pl --strict over every kernel source of ours: the driver and the
# uAPI header. Fails on any error, warning or check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KSRC=$(ksrc_dir)
# spdxcheck.py needs python3-ply and python3-git: use the system python3.
export PATH=/usr/bin:$PATH
cd "$REPO"
mapfile -t files < <(git ls-files -co --exclude-standard \
	'drivers/gpu/drm/svmgpu/*.[ch]' 'include/uapi/drm/*.h')
((${#files[@]})) || die "no kernel sources found"

# --root: the kernel tree supplies the spelling and const_structs lists.
# GIT_DIR: checkpatch would otherwise run spdxcheck.py inside the kernel
# tree, which is not a git checkout, and fail on every file. Our licence
# tags are checked by checkpatch's own SPDX rules all the same.
GIT_DIR=/nonexistent "$KSRC/scripts/checkpatch.pl" --strict --root="$KSRC" --terse --show-types \
	--color=never -f "${files[@]}" | tee /dev/stderr | {
	! grep -E ': (ERROR|WARNING|CHECK):'
}
echo "checkpatch --strict: ${#files[@]} files clean"
