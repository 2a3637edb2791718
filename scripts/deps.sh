#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install what svmgpu needs on a Debian 12 host, with apt-get, only when
# something is missing. Uses sudo when not run as root.
set -euo pipefail

PACKAGES=(
	# Kernel build
	linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev
	kmod cpio rsync python3 xz-utils
	# Static checks: checkpatch.pl (perl), sparse
	perl sparse python3-ply python3-git
	# The VM
	qemu-system-x86
	# User space: libdrm, IGT's libigt.so.0, pkg-config, C++ for header test
	libdrm-dev intel-gpu-tools pkg-config g++
)

missing=()
for pkg in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
		grep -q "install ok installed" || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
	exit 0
fi

SUDO=
if (($(id -u) != 0)); then
	command -v sudo >/dev/null || {
		echo "svmgpu: need root or sudo to install: ${missing[*]}" >&2
		exit 1
	}
	SUDO=sudo
fi

echo "[svmgpu] installing: ${missing[*]}" >&2
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
	"${missing[@]}"
