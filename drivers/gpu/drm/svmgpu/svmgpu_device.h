/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_DEVICE_H__
#define __SVMGPU_DEVICE_H__

#include <drm/drm_device.h>

#include "hw/svmgpu_hw.h"

struct drm_driver;
struct platform_device;

/**
 * struct svmgpu_device - One svmgpu GPU.
 *
 * Allocated with devm_drm_dev_alloc() on the GPU's platform device, so it
 * lives until the platform device is unbound and the last reference on
 * @drm is dropped.
 */
struct svmgpu_device {
	/** @drm: The DRM device. Must stay the first member. */
	struct drm_device drm;

	/** @hw: The emulated hardware. Constant after probe. */
	struct svmgpu_hw hw;
};

/**
 * to_svmgpu_device() - Upcast from the DRM device.
 * @drm: A DRM device created by svmgpu.
 *
 * Return: The svmgpu device embedding @drm.
 */
static inline struct svmgpu_device *to_svmgpu_device(struct drm_device *drm)
{
	return container_of(drm, struct svmgpu_device, drm);
}

struct svmgpu_device *svmgpu_device_create(struct platform_device *pdev,
					   const struct drm_driver *driver,
					   const struct svmgpu_hw_config *cfg);

#endif /* __SVMGPU_DEVICE_H__ */
