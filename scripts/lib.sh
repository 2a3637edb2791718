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

# Two kernel flavours share one source tree. "debug" (the default, used by
# make check and make demo) adds configs/debug.config: lockdep, KASAN,
# DEBUG_VM, kmemleak and fault injection. "release" is svmgpu.config alone,
# for make bench, so benchmark figures are not distorted by debug options.
SVMGPU_FLAVOUR=${SVMGPU_FLAVOUR:-debug}

# The config fragments of the selected flavour, in merge order.
flavour_fragments() {
	echo "$REPO/configs/svmgpu.config"
	case $SVMGPU_FLAVOUR in
	debug) echo "$REPO/configs/debug.config" ;;
	release) ;;
	*) die "SVMGPU_FLAVOUR must be debug or release, not '$SVMGPU_FLAVOUR'" ;;
	esac
}

# The cache key covers everything that changes the kernel's .config: the
# source version, the flavour's fragments, the Kconfig files merged into the
# tree and KERNEL_RECIPE, which must be bumped whenever kernel.sh changes how
# the kernel is configured or built. Driver C sources are deliberately not
# part of it: a driver change rebuilds only the modules.
KERNEL_RECIPE=2

kbuild_key() {
	local frags
	frags=$(flavour_fragments) || exit 1
	{
		ksrc_version
		echo "recipe $KERNEL_RECIPE flavour $SVMGPU_FLAVOUR"
		# shellcheck disable=SC2086
		cat $frags "$REPO/drivers/gpu/drm/svmgpu/Kconfig"
	} | sha256sum | cut -c1-16
}

kobj_dir() {
	echo "$SVMGPU_CACHE/build/$(ksrc_version)-$SVMGPU_FLAVOUR-$(kbuild_key)"
}
