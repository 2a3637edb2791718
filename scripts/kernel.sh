#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build svmgpu's test kernel and the svmgpu module, cached outside the clone.
#
#   scripts/kernel.sh            kernel (if not cached) + modules + hmm-tests
#   scripts/kernel.sh --print    print the kernel build directory and exit
#   scripts/kernel.sh --w1       W=1 rebuild of drivers/gpu/drm/svmgpu, warning-free
#   scripts/kernel.sh --sparse   sparse (C=2) over drivers/gpu/drm/svmgpu, warning-free
#
# The kernel source comes from Debian's linux-source-6.12. It is extracted
# once into $SVMGPU_CACHE/src. Our driver is overlaid, not copied: the tree's
# drivers/gpu/drm/svmgpu and include/uapi/drm/svmgpu_drm.h are symlinks into
# this repository, re-pointed on every run so a fresh clone builds its own
# sources. The configuration is tinyconfig plus configs/svmgpu.config, plus
# configs/debug.config for the debug flavour (SVMGPU_FLAVOUR, see lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KSRC=$(ksrc_dir)
KOBJ=$(kobj_dir)

if [[ ${1:-} == --print ]]; then
	echo "$KOBJ"
	exit 0
fi

extract_source() {
	[[ -f $KSRC/.svmgpu-extracted ]] && return 0
	log "extracting $KSRC_TARBALL"
	local tmp
	tmp=$(mktemp -d "$SVMGPU_CACHE/src/.extract.XXXXXX")
	tar -C "$tmp" -xJf "$KSRC_TARBALL"
	rm -rf "$KSRC"
	mv "$tmp/linux-source-6.12" "$KSRC"
	rmdir "$tmp"
	touch "$KSRC/.svmgpu-extracted"
}

# Hook the driver into the tree the way an upstream driver is hooked in.
overlay_driver() {
	local kconfig=$KSRC/drivers/gpu/drm/Kconfig
	local makefile=$KSRC/drivers/gpu/drm/Makefile

	grep -q 'drivers/gpu/drm/svmgpu/Kconfig' "$kconfig" ||
		sed -i '/^source "drivers\/gpu\/drm\/imagination\/Kconfig"/a \
\
source "drivers/gpu/drm/svmgpu/Kconfig"' "$kconfig"
	grep -q 'CONFIG_DRM_SVMGPU' "$makefile" ||
		echo 'obj-$(CONFIG_DRM_SVMGPU) += svmgpu/' >>"$makefile"
	grep -q 'drivers/gpu/drm/svmgpu/Kconfig' "$kconfig" ||
		die "could not hook svmgpu into $kconfig"

	# A different clone than last time: its files may be older than the
	# objects, so drop them rather than trust timestamps.
	if [[ -L $KSRC/drivers/gpu/drm/svmgpu &&
	      $(readlink "$KSRC/drivers/gpu/drm/svmgpu") != "$REPO/drivers/gpu/drm/svmgpu" ]]; then
		rm -rf "$SVMGPU_CACHE"/build/*/drivers/gpu/drm/svmgpu
	fi
	ln -sfn "$REPO/drivers/gpu/drm/svmgpu" "$KSRC/drivers/gpu/drm/svmgpu"
	ln -sfn "$REPO/include/uapi/drm/svmgpu_drm.h" \
		"$KSRC/include/uapi/drm/svmgpu_drm.h"
}

configure_kernel() {
	local frags frag missing=0 line opt want got

	frags=$(flavour_fragments)
	log "configuring $KOBJ (tinyconfig +" $(basename -a $frags) ")"
	make -s -C "$KSRC" O="$KOBJ" tinyconfig
	# shellcheck disable=SC2086
	"$KSRC/scripts/kconfig/merge_config.sh" -m -O "$KOBJ" \
		"$KOBJ/.config" $frags >/dev/null
	make -s -C "$KSRC" O="$KOBJ" olddefconfig

	# Every option in the fragments must have survived dependency
	# resolution.
	for frag in $frags; do
		while read -r line; do
			case $line in
			CONFIG_*=n) opt=${line%%=*}; want=n ;;
			CONFIG_*=*) opt=${line%%=*}; want=${line#*=} ;;
			*) continue ;;
			esac
			got=$(grep -E "^$opt=" "$KOBJ/.config" | cut -d= -f2- || true)
			[[ $want == n && -z $got ]] && continue
			if [[ $got != "$want" ]]; then
				log "config: $opt wanted $want, got '${got:-unset}'"
				missing=1
			fi
		done <"$frag"
	done
	((missing == 0)) || die "the config fragments did not apply cleanly"
}

build_kernel() {
	local start=$SECONDS
	log "building kernel in $KOBJ (-j$NPROC)"
	make -s -C "$KSRC" O="$KOBJ" -j"$NPROC" bzImage modules
	make -s -C "$KSRC" O="$KOBJ" headers_install INSTALL_HDR_PATH="$KOBJ/usr"
	echo $((SECONDS - start)) >"$KOBJ/.svmgpu-build-seconds"
	touch "$KOBJ/.svmgpu-kernel-built"
	log "kernel built in $((SECONDS - start)) s"
}

# The kernel's own HMM selftest, run against test_hmm.ko as our peer.
build_hmm_tests() {
	local sel=$KSRC/tools/testing/selftests
	[[ $KOBJ/hmm-tests -nt $sel/mm/hmm-tests.c ]] && return 0
	log "building hmm-tests"
	gcc -Wall -O2 -I "$KSRC" -isystem "$KOBJ/usr/include" \
		-isystem "$KSRC/tools/include/uapi" -U_FORTIFY_SOURCE \
		"$sel/mm/hmm-tests.c" -o "$KOBJ/hmm-tests" -lrt -lpthread -lm
}

build_modules() {
	make -s -C "$KSRC" O="$KOBJ" -j"$NPROC" modules
}

# The guest's modprobe looks here (scripts/guest-bin/modprobe). The modules
# are installed per clone, so that a clone's VM run loads its own svmgpu.ko
# even when another clone rebuilds the shared kernel tree meanwhile.
install_modules() {
	rm -rf "$BUILD_DIR/modroot"
	mkdir -p "$BUILD_DIR"
	make -s -C "$KSRC" O="$KOBJ" modules_install \
		INSTALL_MOD_PATH="$BUILD_DIR/modroot" INSTALL_MOD_STRIP=1
}

mkdir -p "$SVMGPU_CACHE/src" "$SVMGPU_CACHE/build"
# One kernel.sh at a time per cache: concurrent runs (two clones, or make
# check beside make bench) would otherwise build into one tree at once.
exec 9>"$SVMGPU_CACHE/.lock"
flock 9
extract_source
overlay_driver

# Warning-free checks of our sources: a W=1 rebuild, and sparse on every
# file (C=2). Either fails on any diagnostic.
strict_build() {
	local out

	[[ -f $KOBJ/.svmgpu-kernel-built ]] || die "build the kernel first"
	out=$(make -C "$KSRC" O="$KOBJ" -j"$NPROC" "$@" \
		drivers/gpu/drm/svmgpu/ 2>&1) || { echo "$out"; exit 1; }
	echo "$out"
	if grep -E 'warning:|error:' <<<"$out" >/dev/null; then
		echo "svmgpu: '$*' build is not diagnostic-free"
		exit 1
	fi
}

case ${1:-} in
--w1)
	# Touching the sources makes kbuild rebuild every object with W=1.
	find "$KSRC/drivers/gpu/drm/svmgpu/" -name '*.c' -exec touch {} +
	strict_build W=1
	exit 0
	;;
--sparse)
	strict_build C=2
	exit 0
	;;
esac

if [[ ! -f $KOBJ/.svmgpu-kernel-built ]]; then
	mkdir -p "$KOBJ"
	configure_kernel
	build_kernel
else
	log "reusing cached kernel $KOBJ"
	build_modules
fi
install_modules
build_hmm_tests
