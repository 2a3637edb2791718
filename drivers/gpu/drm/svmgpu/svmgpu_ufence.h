/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_UFENCE_H__
#define __SVMGPU_UFENCE_H__

struct drm_device;
struct drm_file;
struct svmgpu_device;

void svmgpu_ufence_wake(struct svmgpu_device *sdev);
int svmgpu_wait_user_fence_ioctl(struct drm_device *drm, void *data,
				 struct drm_file *file);

#endif /* __SVMGPU_UFENCE_H__ */
