/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_BO_H__
#define __SVMGPU_BO_H__

#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_placement.h>

struct drm_device;
struct drm_file;
struct svmgpu_device;

/**
 * struct svmgpu_bo - A buffer object.
 *
 * The GEM object is &tbo.base. The placement is fixed at creation.
 */
struct svmgpu_bo {
	/** @tbo: The TTM buffer object. */
	struct ttm_buffer_object tbo;

	/** @placement: Where the BO may live, in order of preference. */
	struct ttm_placement placement;

	/** @places: The entries of @placement. */
	struct ttm_place places[2];
};

static inline struct svmgpu_bo *to_svmgpu_bo(struct ttm_buffer_object *tbo)
{
	return container_of(tbo, struct svmgpu_bo, tbo);
}

static inline struct svmgpu_bo *gem_to_svmgpu_bo(struct drm_gem_object *obj)
{
	return to_svmgpu_bo(container_of(obj, struct ttm_buffer_object, base));
}

int svmgpu_bo_create(struct svmgpu_device *sdev, u64 size, u32 placements,
		     u32 flags, struct svmgpu_bo **out);
bool svmgpu_is_svmgpu_bo(struct ttm_buffer_object *tbo);

int svmgpu_gem_create_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file);
int svmgpu_gem_mmap_offset_ioctl(struct drm_device *drm, void *data,
				 struct drm_file *file);

#endif /* __SVMGPU_BO_H__ */
