/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_JOB_H__
#define __SVMGPU_JOB_H__

struct drm_device;
struct drm_file;

int svmgpu_exec_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file);

#endif /* __SVMGPU_JOB_H__ */
