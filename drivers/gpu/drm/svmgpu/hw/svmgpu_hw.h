/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_HW_H__
#define __SVMGPU_HW_H__

#include <linux/sizes.h>
#include <linux/types.h>

struct device;

/**
 * DOC: emulated hardware
 *
 * The GPU that svmgpu drives is emulated in software. Everything under hw/
 * is that emulation; the rest of the driver talks to it only through the
 * functions declared in hw/svmgpu_hw*.h, the way a driver talks to silicon
 * through registers. Nothing outside hw/ may look inside &struct svmgpu_hw.
 *
 * The model is configured once, when the device is probed, from a
 * &struct svmgpu_hw_config built from the module parameters. It then
 * reports what it is through &struct svmgpu_hw_caps, the equivalent of a
 * real GPU's identification registers.
 *
 * At this stage the model consists of its identification block only: VRAM,
 * the MMU and the engines are described but not yet emulated.
 */

/* Limits of the emulated hardware's configuration. */
#define SVMGPU_HW_VRAM_ALIGN		SZ_2M
#define SVMGPU_HW_VRAM_MIN		SZ_16M
#define SVMGPU_HW_VRAM_MAX		(64ull * SZ_1G)
#define SVMGPU_HW_ENGINES_MAX		8

/* The GPU MMU: four levels of 512 entries over 4 KiB pages. */
#define SVMGPU_HW_VA_BITS		48

/**
 * struct svmgpu_hw_config - How to build an emulated GPU.
 *
 * Filled from module parameters and checked by svmgpu_hw_config_check()
 * before any device is created.
 */
struct svmgpu_hw_config {
	/** @vram_size: Size of VRAM in bytes. */
	u64 vram_size;

	/** @num_engines: Number of engines. */
	u32 num_engines;
};

/**
 * struct svmgpu_hw_caps - Identification block of an emulated GPU.
 *
 * Read-only once the hardware is initialised.
 */
struct svmgpu_hw_caps {
	/** @vram_size: Size of VRAM in bytes. */
	u64 vram_size;

	/** @page_sizes: Mask of the page sizes the MMU can map. */
	u64 page_sizes;

	/** @num_engines: Number of engines. */
	u32 num_engines;

	/** @va_bits: Width of a GPU virtual address. */
	u32 va_bits;
};

/**
 * struct svmgpu_hw - One emulated GPU.
 *
 * Private to hw/. Embedded in &struct svmgpu_device so that it shares the
 * device's lifetime.
 */
struct svmgpu_hw {
	/** @dev: The device the hardware sits on. */
	struct device *dev;

	/** @caps: Identification block, constant after svmgpu_hw_init(). */
	struct svmgpu_hw_caps caps;
};

int svmgpu_hw_config_check(const struct svmgpu_hw_config *cfg);
int svmgpu_hw_init(struct svmgpu_hw *hw, struct device *dev,
		   const struct svmgpu_hw_config *cfg);
void svmgpu_hw_fini(struct svmgpu_hw *hw);
const struct svmgpu_hw_caps *svmgpu_hw_caps(const struct svmgpu_hw *hw);

#endif /* __SVMGPU_HW_H__ */
