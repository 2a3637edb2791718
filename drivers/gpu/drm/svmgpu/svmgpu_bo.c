// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <drm/drm_gem.h>
#include <drm/drm_file.h>
#include <drm/svmgpu_drm.h>

#include "svmgpu_bo.h"
#include "svmgpu_device.h"
#include "svmgpu_drv.h"
#include "svmgpu_ttm.h"

/**
 * DOC: buffer objects
 *
 * A BO is a TTM buffer object whose GEM object is handed to user space.
 * Its uAPI placements map to TTM memory types: VRAM to %TTM_PL_VRAM, and
 * system memory to %TTM_PL_TT, system pages that are DMA-mapped for the
 * GPU. When both are allowed, the preferred one comes first and TTM falls
 * back to the other before it evicts anything.
 *
 * New BOs read as zero: TT pages are allocated zeroed, and VRAM is
 * cleared when a BO first lands there (svmgpu_ttm.c).
 *
 * The CPU maps a BO through TTM's fault handler; a VRAM-resident BO is
 * mapped page by page with svmgpu_ttm_io_mem_pfn().
 */

static const struct drm_gem_object_funcs svmgpu_gem_funcs;

static void svmgpu_bo_destroy(struct ttm_buffer_object *tbo)
{
	struct svmgpu_bo *bo = to_svmgpu_bo(tbo);

	drm_gem_object_release(&tbo->base);
	kfree(bo);
}

/**
 * svmgpu_is_svmgpu_bo() - Is this TTM BO one of ours?
 * @tbo: A TTM buffer object of our device.
 *
 * Return: true for every BO svmgpu_bo_create() made.
 */
bool svmgpu_is_svmgpu_bo(struct ttm_buffer_object *tbo)
{
	return tbo->destroy == svmgpu_bo_destroy;
}

static void svmgpu_gem_free(struct drm_gem_object *obj)
{
	ttm_bo_put(container_of(obj, struct ttm_buffer_object, base));
}

static int svmgpu_gem_mmap(struct drm_gem_object *obj,
			   struct vm_area_struct *vma)
{
	int ret;

	ret = ttm_bo_mmap_obj(vma, container_of(obj, struct ttm_buffer_object,
						base));
	if (ret)
		return ret;

	/* The mapping holds a TTM reference; drop the one GEM took. */
	drm_gem_object_put(obj);
	return 0;
}

static const struct drm_gem_object_funcs svmgpu_gem_funcs = {
	.free = svmgpu_gem_free,
	.mmap = svmgpu_gem_mmap,
};

static void svmgpu_bo_set_placement(struct svmgpu_bo *bo, u32 placements,
				    u32 flags)
{
	unsigned int n = 0;
	bool system_first = flags & DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM;

	if (system_first)
		bo->places[n++].mem_type = TTM_PL_TT;
	if (placements & DRM_SVMGPU_GEM_PLACEMENT_VRAM)
		bo->places[n++].mem_type = TTM_PL_VRAM;
	if (!system_first && placements & DRM_SVMGPU_GEM_PLACEMENT_SYSTEM)
		bo->places[n++].mem_type = TTM_PL_TT;

	bo->placement.num_placement = n;
	bo->placement.placement = bo->places;
}

/**
 * svmgpu_bo_create() - Create a buffer object.
 * @sdev: The device.
 * @size: Size in bytes, a multiple of PAGE_SIZE.
 * @placements: Mask of DRM_SVMGPU_GEM_PLACEMENT_*, checked by the caller.
 * @flags: Mask of DRM_SVMGPU_GEM_CREATE_*, checked by the caller.
 * @out: The new BO, with one GEM reference.
 *
 * Return: 0, -E2BIG if no allowed placement could ever hold it, or
 * another negative error code.
 */
int svmgpu_bo_create(struct svmgpu_device *sdev, u64 size, u32 placements,
		     u32 flags, struct svmgpu_bo **out)
{
	struct ttm_operation_ctx ctx = { .interruptible = true };
	struct svmgpu_bo *bo;
	u64 max = 0;
	int ret;

	if (placements & DRM_SVMGPU_GEM_PLACEMENT_VRAM)
		max = svmgpu_ttm_size(sdev, TTM_PL_VRAM);
	if (placements & DRM_SVMGPU_GEM_PLACEMENT_SYSTEM)
		max = max(max, svmgpu_ttm_size(sdev, TTM_PL_TT));
	if (size > max)
		return -E2BIG;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return -ENOMEM;

	drm_gem_private_object_init(&sdev->drm, &bo->tbo.base, size);
	/* The list of the BO's GPU mappings, walked on every move. */
	drm_gem_gpuva_init(&bo->tbo.base);
	bo->tbo.base.funcs = &svmgpu_gem_funcs;
	svmgpu_bo_set_placement(bo, placements, flags);

	/*
	 * On failure, TTM calls svmgpu_bo_destroy(). BOs of 2 MiB or more
	 * are 2 MiB aligned in VRAM, so the GPU can map them with 2 MiB
	 * pages.
	 */
	ret = ttm_bo_init_reserved(&sdev->ttm, &bo->tbo, ttm_bo_type_device,
				   &bo->placement,
				   size >= SZ_2M ? SZ_2M >> PAGE_SHIFT : 0,
				   &ctx, NULL, NULL, svmgpu_bo_destroy);
	if (ret)
		return ret;

	ttm_bo_unreserve(&bo->tbo);
	*out = bo;
	return 0;
}

/**
 * svmgpu_gem_create_ioctl() - DRM_IOCTL_SVMGPU_GEM_CREATE.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_gem_create.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_gem_create_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	const u32 all = DRM_SVMGPU_GEM_PLACEMENT_VRAM |
			DRM_SVMGPU_GEM_PLACEMENT_SYSTEM;
	struct drm_svmgpu_gem_create *args = data;
	struct svmgpu_bo *bo;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->pad) ||
	    SVMGPU_IOCTL_DBG(drm, !args->size ||
			     !IS_ALIGNED(args->size, SZ_4K)) ||
	    SVMGPU_IOCTL_DBG(drm, !args->placements ||
			     args->placements & ~all) ||
	    SVMGPU_IOCTL_DBG(drm, args->flags &
			     ~DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM) ||
	    SVMGPU_IOCTL_DBG(drm, args->flags &
			     DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM &&
			     args->placements != all))
		return -EINVAL;

	ret = svmgpu_bo_create(to_svmgpu_device(drm), args->size,
			       args->placements, args->flags, &bo);
	if (ret)
		return ret;

	ret = drm_gem_handle_create(file, &bo->tbo.base, &args->handle);
	/* The handle holds its own reference. */
	drm_gem_object_put(&bo->tbo.base);
	return ret;
}

/**
 * svmgpu_gem_mmap_offset_ioctl() - DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_gem_mmap_offset.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_gem_mmap_offset_ioctl(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct drm_svmgpu_gem_mmap_offset *args = data;
	struct drm_gem_object *obj;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->flags))
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	/* TTM added the offset node when it created the BO. */
	args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return 0;
}
