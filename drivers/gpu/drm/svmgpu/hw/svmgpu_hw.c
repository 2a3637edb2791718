// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/sizes.h>

#include <kunit/visibility.h>

#include "svmgpu_hw.h"

/**
 * svmgpu_hw_config_check() - Check that a configuration can be built.
 * @cfg: The configuration.
 *
 * VRAM must be a multiple of 2 MiB, so that the MMU's largest leaf can map
 * it, and lie within [%SVMGPU_HW_VRAM_MIN, %SVMGPU_HW_VRAM_MAX]. There must
 * be between 1 and %SVMGPU_HW_ENGINES_MAX engines.
 *
 * Return: 0 if the configuration is valid, -EINVAL otherwise.
 */
int svmgpu_hw_config_check(const struct svmgpu_hw_config *cfg)
{
	if (cfg->vram_size < SVMGPU_HW_VRAM_MIN ||
	    cfg->vram_size > SVMGPU_HW_VRAM_MAX ||
	    !IS_ALIGNED(cfg->vram_size, SVMGPU_HW_VRAM_ALIGN))
		return -EINVAL;

	if (cfg->num_engines < 1 || cfg->num_engines > SVMGPU_HW_ENGINES_MAX)
		return -EINVAL;

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_config_check);

/**
 * svmgpu_hw_init() - Power up an emulated GPU.
 * @hw: The hardware to initialise.
 * @dev: The device it sits on.
 * @cfg: Its configuration.
 *
 * Return: 0 on success, -EINVAL if @cfg is not a valid configuration.
 */
int svmgpu_hw_init(struct svmgpu_hw *hw, struct device *dev,
		   const struct svmgpu_hw_config *cfg)
{
	int ret;

	ret = svmgpu_hw_config_check(cfg);
	if (ret)
		return ret;

	hw->dev = dev;
	hw->caps.vram_size = cfg->vram_size;
	hw->caps.num_engines = cfg->num_engines;
	hw->caps.page_sizes = SZ_4K | SZ_64K | SZ_2M;
	hw->caps.va_bits = SVMGPU_HW_VA_BITS;

	return 0;
}

/**
 * svmgpu_hw_fini() - Power down an emulated GPU.
 * @hw: The hardware, initialised by svmgpu_hw_init().
 */
void svmgpu_hw_fini(struct svmgpu_hw *hw)
{
	hw->dev = NULL;
}

/**
 * svmgpu_hw_caps() - Read the identification block.
 * @hw: The hardware, initialised by svmgpu_hw_init().
 *
 * Return: The hardware's capabilities, valid until svmgpu_hw_fini().
 */
const struct svmgpu_hw_caps *svmgpu_hw_caps(const struct svmgpu_hw *hw)
{
	return &hw->caps;
}
