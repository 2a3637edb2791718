# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Common paths for svmgpu's scripts. Source it; do not run it.
#
# SVMGPU_CACHE holds everything that outlives a clone: the extracted kernel
# source and kernel builds keyed by source version and configuration.
# BUILD_DIR (inside the clone, git-ignored) holds per-clone artefacts: the
# user-space binaries, VM logs and results.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SVMGPU_CACHE=${SVMGPU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/svmgpu}
BUILD_DIR=${BUILD_DIR:-$REPO/build}
KSRC_TARBALL=${KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
NPROC=$(nproc)

log() { printf '[svmgpu] %s\n' "$*" >&2; }
die() { printf '[svmgpu] error: %s\n' "$*" >&2; exit 1; }

# Debian version of the kernel source package, e.g. 6.12.117-1~deb12u1.
ksrc_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null ||
		die "linux-source-6.12 is not installed (run scripts/deps.sh)"
}

ksrc_dir() { echo "$SVMGPU_CACHE/src/linux-$(ksrc_version)"; }

# The cache key covers everything that changes the kernel's .config: the
# source version, our fragment, the Kconfig files merged into the tree and
# KERNEL_RECIPE, which must be bumped whenever kernel.sh changes how the
# kernel is configured or built. Driver C sources are deliberately not part
# of it: a driver change rebuilds only the modules.
KERNEL_RECIPE=1

kbuild_key() {
	{
		ksrc_version
		echo "recipe $KERNEL_RECIPE"
		cat "$REPO/configs/svmgpu.config" \
		    "$REPO/drivers/gpu/drm/svmgpu/Kconfig"
	} | sha256sum | cut -c1-16
}

kobj_dir() { echo "$SVMGPU_CACHE/build/$(ksrc_version)-$(kbuild_key)"; }
