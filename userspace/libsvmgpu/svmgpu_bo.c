// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * libsvmgpu: buffer objects, their GEM handles and their CPU mapping.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "svmgpu_priv.h"

/* Fake mmap offsets are 64-bit: mmap() must take them whole. */
_Static_assert(sizeof(off_t) == sizeof(uint64_t),
	       "build with -D_FILE_OFFSET_BITS=64");

SVMGPU_PUBLIC int svmgpu_bo_new(struct svmgpu_device *dev, uint64_t size,
				uint32_t placements, uint32_t flags,
				struct svmgpu_bo **out)
{
	struct drm_svmgpu_gem_create req = {
		.size = size,
		.placements = placements,
		.flags = flags,
	};
	struct svmgpu_bo *bo;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev)
		return -EINVAL;

	/* Allocate first: no handle to close if we run out of memory. */
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return -ENOMEM;
	ret = -pthread_mutex_init(&bo->map_lock, NULL);
	if (ret)
		goto err_free_bo;

	ret = svmgpu_ioctl(dev->fd, DRM_IOCTL_SVMGPU_GEM_CREATE, &req);
	if (ret)
		goto err_destroy_lock;

	atomic_init(&bo->refcount, 1);
	bo->dev = svmgpu_device_ref(dev);
	bo->handle = req.handle;
	bo->size = size;
	*out = bo;
	return 0;

err_destroy_lock:
	pthread_mutex_destroy(&bo->map_lock);
err_free_bo:
	free(bo);
	return ret;
}

SVMGPU_PUBLIC struct svmgpu_bo *svmgpu_bo_ref(struct svmgpu_bo *bo)
{
	if (bo)
		svmgpu_refcount_get(&bo->refcount);
	return bo;
}

SVMGPU_PUBLIC void svmgpu_bo_del(struct svmgpu_bo *bo)
{
	struct drm_gem_close req = { 0 };

	if (!bo || !svmgpu_refcount_put(&bo->refcount))
		return;

	if (bo->map)
		munmap(bo->map, bo->size);

	/*
	 * Nothing to do about an error: the handle is ours, so the kernel
	 * cannot refuse it, and the file dies with the device anyway.
	 */
	req.handle = bo->handle;
	svmgpu_ioctl(bo->dev->fd, DRM_IOCTL_GEM_CLOSE, &req);

	pthread_mutex_destroy(&bo->map_lock);
	svmgpu_device_del(bo->dev);
	free(bo);
}

SVMGPU_PUBLIC uint32_t svmgpu_bo_handle(const struct svmgpu_bo *bo)
{
	return bo ? bo->handle : 0;
}

SVMGPU_PUBLIC uint64_t svmgpu_bo_size(const struct svmgpu_bo *bo)
{
	return bo ? bo->size : 0;
}

SVMGPU_PUBLIC struct svmgpu_device *svmgpu_bo_device(const struct svmgpu_bo *bo)
{
	return bo ? bo->dev : NULL;
}

/* Map the whole BO for the CPU. Called with bo->map_lock held. */
static int bo_mmap_locked(struct svmgpu_bo *bo)
{
	struct drm_svmgpu_gem_mmap_offset req = {
		.handle = bo->handle,
	};
	void *map;
	int ret;

	if (bo->size > SIZE_MAX)
		return -ENOMEM;

	ret = svmgpu_ioctl(bo->dev->fd, DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET, &req);
	if (ret)
		return ret;
	if (req.offset > INT64_MAX)
		return -EOVERFLOW;

	map = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   bo->dev->fd, (off_t)req.offset);
	if (map == MAP_FAILED)
		return -errno;

	bo->map = map;
	return 0;
}

SVMGPU_PUBLIC int svmgpu_bo_map(struct svmgpu_bo *bo, void **ptr)
{
	int ret = 0;

	if (!ptr)
		return -EINVAL;
	*ptr = NULL;
	if (!bo)
		return -EINVAL;

	pthread_mutex_lock(&bo->map_lock);
	if (!bo->map)
		ret = bo_mmap_locked(bo);
	if (!ret)
		*ptr = bo->map;
	pthread_mutex_unlock(&bo->map_lock);
	return ret;
}

SVMGPU_PUBLIC int svmgpu_bo_migrate(struct svmgpu_bo *bo, uint32_t placement)
{
	struct drm_svmgpu_gem_migrate req = {
		.placement = placement,
	};

	if (!bo)
		return -EINVAL;

	req.handle = bo->handle;
	return svmgpu_ioctl(bo->dev->fd, DRM_IOCTL_SVMGPU_GEM_MIGRATE, &req);
}

SVMGPU_PUBLIC int svmgpu_bo_query(struct svmgpu_bo *bo,
				  struct svmgpu_bo_info *info)
{
	struct drm_svmgpu_gem_info req = { 0 };
	int ret;

	if (!bo || !info)
		return -EINVAL;

	req.handle = bo->handle;
	ret = svmgpu_ioctl(bo->dev->fd, DRM_IOCTL_SVMGPU_GEM_INFO, &req);
	if (ret)
		return ret;

	*info = (struct svmgpu_bo_info) {
		.size = req.size,
		.placements = req.placements,
		.preferred = req.preferred,
		.placement = req.placement,
		.state = req.state,
		.moves = req.moves,
	};
	return 0;
}

SVMGPU_PUBLIC const char *svmgpu_bo_placement_name(uint32_t placement)
{
	switch (placement) {
	case DRM_SVMGPU_GEM_PLACEMENT_VRAM:
		return "vram";
	case DRM_SVMGPU_GEM_PLACEMENT_SYSTEM:
		return "system";
	case DRM_SVMGPU_GEM_PLACEMENT_VRAM | DRM_SVMGPU_GEM_PLACEMENT_SYSTEM:
		return "vram|system";
	default:
		return "unknown";
	}
}
