/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_DEBUGFS_H__
#define __SVMGPU_DEBUGFS_H__

struct drm_minor;

#if IS_ENABLED(CONFIG_DEBUG_FS)
void svmgpu_debugfs_init(struct drm_minor *minor);
#else
static inline void svmgpu_debugfs_init(struct drm_minor *minor)
{
}
#endif

#endif /* __SVMGPU_DEBUGFS_H__ */
