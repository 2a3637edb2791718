/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_QUERY_H__
#define __SVMGPU_QUERY_H__

#include <linux/types.h>

struct drm_device;
struct drm_file;
struct drm_svmgpu_device_query;
struct drm_svmgpu_query_device_info;
struct svmgpu_hw_caps;

int svmgpu_query_check(struct drm_device *drm,
		       const struct drm_svmgpu_device_query *q);
int svmgpu_query_size(struct drm_device *drm, u32 *user_size, u32 size);
void svmgpu_query_fill_device_info(const struct svmgpu_hw_caps *caps,
				   struct drm_svmgpu_query_device_info *info);

int svmgpu_query_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);

#endif /* __SVMGPU_QUERY_H__ */
