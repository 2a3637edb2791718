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
 * The GEM object is &tbo.base. Fields below @placements are protected by
 * the BO's reservation.
 */
struct svmgpu_bo {
	/** @tbo: The TTM buffer object. */
	struct ttm_buffer_object tbo;

	/** @placements: Allowed uAPI placements; constant. */
	u32 placements;

	/** @pinned: Pinned in VRAM for its whole life; constant. */
	bool pinned;

	/** @preferred: TTM memory type the BO prefers. */
	u32 preferred;

	/**
	 * @placement: Where the BO may live: @preferred, then the other
	 * allowed type as a fallback that TTM takes only when @preferred
	 * has no room even after eviction.
	 */
	struct ttm_placement placement;

	/** @places: The entries of @placement. */
	struct ttm_place places[2];

	/** @moves: Number of copies between VRAM and system memory. */
	u64 moves;
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
int svmgpu_bo_validate(struct svmgpu_bo *bo, struct ttm_operation_ctx *ctx,
		       bool fallback);

int svmgpu_gem_create_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file);
int svmgpu_gem_mmap_offset_ioctl(struct drm_device *drm, void *data,
				 struct drm_file *file);
int svmgpu_gem_migrate_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file);
int svmgpu_gem_info_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);

#endif /* __SVMGPU_BO_H__ */
