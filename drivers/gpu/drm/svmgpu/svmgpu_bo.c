// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/capability.h>
#include <linux/dma-resv.h>
#include <linux/mm.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_file.h>
#include <drm/svmgpu_drm.h>
#include <drm/ttm/ttm_tt.h>

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
 * GPU. When both are allowed, the preferred one comes first and the
 * other is TTM's fallback, which TTM takes only when the preferred one has
 * no room even after evicting. A BO that already sits in its fallback
 * placement stays there on validation unless the preferred one has room
 * without eviction: an evicted VRAM|system BO comes back only if VRAM has
 * room, while a VRAM-only BO evicts others to come back.
 * GEM_MIGRATE changes the preferred placement and moves the BO there,
 * evicting if it must. Pinned BOs are placed in VRAM at creation and
 * never move; they may take half of the BO part of VRAM at most, so that
 * eviction always has something to work with.
 *
 * New BOs read as zero: TT pages are allocated zeroed, and VRAM is
 * cleared when a BO first lands there (svmgpu_ttm.c).
 *
 * The CPU maps a BO once, through svmgpu_bo_vm_fault(): TTM's fault path
 * with the fault_prefault module parameter as the number of pages mapped
 * per fault. A VRAM-resident BO is mapped with svmgpu_ttm_io_mem_pfn(),
 * a system one with its TT pages. Every move zaps the mapping first
 * (ttm_bo_unmap_virtual()), and the next access faults in the new pages,
 * after waiting for the move. ptrace and /proc/PID/mem reach the BO
 * through svmgpu_bo_vm_access().
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
	struct svmgpu_bo *bo = gem_to_svmgpu_bo(obj);
	struct svmgpu_device *sdev = to_svmgpu_device(obj->dev);

	if (bo->pinned) {
		/* Without a ww context, an uninterruptible lock cannot fail. */
		dma_resv_lock(obj->resv, NULL);
		ttm_bo_unpin(&bo->tbo);
		dma_resv_unlock(obj->resv);
		atomic64_sub(obj->size, &sdev->pinned_bytes);
	}
	ttm_bo_put(&bo->tbo);
}

static vm_fault_t svmgpu_bo_vm_fault(struct vm_fault *vmf)
{
	struct ttm_buffer_object *tbo = vmf->vma->vm_private_data;
	struct drm_device *drm = tbo->base.dev;
	vm_fault_t ret;
	int idx;

	ret = ttm_bo_vm_reserve(tbo, vmf);
	if (ret)
		return ret;

	svmgpu_stats_add(&to_svmgpu_device(drm)->stats,
			 SVMGPU_STAT_CPU_FAULTS, 1);
	if (drm_dev_enter(drm, &idx)) {
		/* Waits for a pending move, and copes with a racing fault. */
		ret = ttm_bo_vm_fault_reserved(vmf, vmf->vma->vm_page_prot,
					       svmgpu_param_fault_prefault());
		drm_dev_exit(idx);
	} else {
		ret = ttm_bo_vm_dummy_page(vmf, vmf->vma->vm_page_prot);
	}
	/* On a retry, TTM already dropped the reservation. */
	if (ret == VM_FAULT_RETRY && !(vmf->flags & FAULT_FLAG_RETRY_NOWAIT))
		return ret;

	dma_resv_unlock(tbo->base.resv);
	return ret;
}

/*
 * Read or write @len bytes at @offset of a reserved, idle BO, a page at a
 * time, wherever it is. Return: @len or a negative error code.
 */
static int svmgpu_bo_access(struct ttm_buffer_object *tbo,
			    unsigned long offset, void *buf, int len,
			    bool write)
{
	int done = 0;

	while (done < len) {
		unsigned long page = (offset + done) >> PAGE_SHIFT;
		unsigned long in_page = (offset + done) & ~PAGE_MASK;
		int n = min_t(int, len - done, PAGE_SIZE - in_page);
		struct ttm_bo_kmap_obj map;
		bool is_iomem;
		u8 *ptr;
		int ret;

		/* Swaps the BO in if it must. */
		ret = ttm_bo_kmap(tbo, page, 1, &map);
		if (ret)
			return ret;
		ptr = (u8 *)ttm_kmap_obj_virtual(&map, &is_iomem) + in_page;
		if (write)
			memcpy(ptr, (u8 *)buf + done, n);
		else
			memcpy((u8 *)buf + done, ptr, n);
		ttm_bo_kunmap(&map);
		done += n;
	}
	return len;
}

/*
 * vm_operations_struct.access: ptrace and /proc/PID/mem. Unlike
 * ttm_bo_vm_access(), this waits for a pending move, which our moves being
 * asynchronous copies makes necessary, and handles VRAM, which is ordinary
 * memory in the kernel's address space.
 */
static int svmgpu_bo_vm_access(struct vm_area_struct *vma, unsigned long addr,
			       void *buf, int len, int write)
{
	struct ttm_buffer_object *tbo = vma->vm_private_data;
	unsigned long offset = (addr - vma->vm_start) +
			       ((vma->vm_pgoff -
				 drm_vma_node_start(&tbo->base.vma_node)) <<
				PAGE_SHIFT);
	long wait;
	int ret;

	if (len < 1 || offset >= tbo->base.size ||
	    len > tbo->base.size - offset)
		return -EIO;

	/* Not ttm_bo_reserve(): a CPU access is no GPU use for the LRU. */
	ret = dma_resv_lock_interruptible(tbo->base.resv, NULL);
	if (ret)
		return ret;

	wait = dma_resv_wait_timeout(tbo->base.resv, DMA_RESV_USAGE_KERNEL,
				     true, MAX_SCHEDULE_TIMEOUT);
	ret = wait < 0 ? wait : svmgpu_bo_access(tbo, offset, buf, len, write);

	dma_resv_unlock(tbo->base.resv);
	return ret;
}

static const struct vm_operations_struct svmgpu_bo_vm_ops = {
	.fault = svmgpu_bo_vm_fault,
	.open = ttm_bo_vm_open,
	.close = ttm_bo_vm_close,
	.access = svmgpu_bo_vm_access,
};

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
	.vm_ops = &svmgpu_bo_vm_ops,
};

static u32 svmgpu_placement_to_mem_type(u32 placement)
{
	return placement == DRM_SVMGPU_GEM_PLACEMENT_VRAM ? TTM_PL_VRAM :
							    TTM_PL_TT;
}

/* Make @preferred the BO's preferred TTM memory type. */
static void svmgpu_bo_set_preferred(struct svmgpu_bo *bo, u32 preferred)
{
	u32 other = preferred == TTM_PL_VRAM ? DRM_SVMGPU_GEM_PLACEMENT_SYSTEM :
					       DRM_SVMGPU_GEM_PLACEMENT_VRAM;
	unsigned int n = 0;

	memset(bo->places, 0, sizeof(bo->places));
	bo->preferred = preferred;
	bo->places[n++].mem_type = preferred;
	if (bo->placements & other) {
		bo->places[n].mem_type = svmgpu_placement_to_mem_type(other);
		bo->places[n++].flags = TTM_PL_FLAG_FALLBACK;
	}

	bo->placement.num_placement = n;
	bo->placement.placement = bo->places;
}

/**
 * svmgpu_bo_validate() - Make a BO usable by the GPU before a job.
 * @bo: The BO, reserved, with &svmgpu_device.evict_sem held (DOC: EXEC).
 * @ctx: TTM's operation context.
 * @fallback: Whether to try the BO's fallback placement directly when
 * the preferred one fails.
 *
 * Puts the BO where its placement allows (see DOC: buffer objects) and
 * moves it to the tail of TTM's LRU: the GPU is about to use it, so it is
 * the last candidate for eviction.
 *
 * TTM gives up, rather than fall back, when its eviction walk loses a lock
 * to another ww transaction: it turns -EDEADLK into -ENOSPC, and the
 * caller must then end its transaction before it locks anything else with
 * the same ticket. So a caller that shares its transaction with other
 * submissions passes @fallback false, and on failure retries alone,
 * holding evict_sem for writing, with @fallback true.
 *
 * Return: 0 or a negative error code.
 */
int svmgpu_bo_validate(struct svmgpu_bo *bo, struct ttm_operation_ctx *ctx,
		       bool fallback)
{
	int ret;

	lockdep_assert_held(&to_svmgpu_device(bo->tbo.base.dev)->evict_sem);
	dma_resv_assert_held(bo->tbo.base.resv);

	ret = ttm_bo_validate(&bo->tbo, &bo->placement, ctx);
	if (ret == -ENOMEM && fallback && bo->placement.num_placement > 1) {
		struct ttm_place fallback = { .mem_type = bo->places[1].mem_type };
		struct ttm_placement placement = {
			.num_placement = 1,
			.placement = &fallback,
		};

		ret = ttm_bo_validate(&bo->tbo, &placement, ctx);
	}
	if (ret)
		return ret;

	ttm_bo_move_to_lru_tail_unlocked(&bo->tbo);
	return 0;
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
	bool pinned = flags & DRM_SVMGPU_GEM_CREATE_PINNED;
	u64 max = 0;
	int ret;

	if (placements & DRM_SVMGPU_GEM_PLACEMENT_VRAM)
		max = svmgpu_ttm_size(sdev, TTM_PL_VRAM);
	if (placements & DRM_SVMGPU_GEM_PLACEMENT_SYSTEM)
		max = max(max, svmgpu_ttm_size(sdev, TTM_PL_TT));
	if (size > max)
		return -E2BIG;

	if (pinned &&
	    atomic64_add_return(size, &sdev->pinned_bytes) >
	    svmgpu_ttm_size(sdev, TTM_PL_VRAM) / 2) {
		atomic64_sub(size, &sdev->pinned_bytes);
		return -ENOSPC;
	}

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo) {
		ret = -ENOMEM;
		goto err_pinned;
	}

	drm_gem_private_object_init(&sdev->drm, &bo->tbo.base, size);
	/* The list of the BO's GPU mappings, walked on every move. */
	drm_gem_gpuva_init(&bo->tbo.base);
	bo->tbo.base.funcs = &svmgpu_gem_funcs;
	bo->placements = placements;
	if (flags & DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM ||
	    !(placements & DRM_SVMGPU_GEM_PLACEMENT_VRAM))
		svmgpu_bo_set_preferred(bo, TTM_PL_TT);
	else
		svmgpu_bo_set_preferred(bo, TTM_PL_VRAM);

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
		goto err_pinned;

	if (pinned) {
		ttm_bo_pin(&bo->tbo);
		bo->pinned = true;
	}
	ttm_bo_unreserve(&bo->tbo);
	*out = bo;
	return 0;

err_pinned:
	if (pinned)
		atomic64_sub(size, &sdev->pinned_bytes);
	return ret;
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
	const u32 known = DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM |
			  DRM_SVMGPU_GEM_CREATE_PINNED;
	struct svmgpu_device *sdev = to_svmgpu_device(drm);
	struct drm_svmgpu_gem_create *args = data;
	struct svmgpu_bo *bo;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->pad) ||
	    SVMGPU_IOCTL_DBG(drm, !args->size ||
			     !IS_ALIGNED(args->size, SZ_4K)) ||
	    SVMGPU_IOCTL_DBG(drm, !args->placements ||
			     args->placements & ~all) ||
	    SVMGPU_IOCTL_DBG(drm, args->flags & ~known) ||
	    SVMGPU_IOCTL_DBG(drm, args->flags &
			     DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM &&
			     args->placements != all) ||
	    SVMGPU_IOCTL_DBG(drm, args->flags & DRM_SVMGPU_GEM_CREATE_PINNED &&
			     args->placements != DRM_SVMGPU_GEM_PLACEMENT_VRAM))
		return -EINVAL;
	if (args->flags & DRM_SVMGPU_GEM_CREATE_PINNED &&
	    !capable(CAP_SYS_ADMIN))
		return -EPERM;

	ret = svmgpu_bo_create(sdev, args->size, args->placements, args->flags,
			       &bo);
	if (ret == -ENOMEM && args->placements & DRM_SVMGPU_GEM_PLACEMENT_VRAM) {
		ret = svmgpu_device_evict_exclusive(sdev);
		if (ret)
			return ret;
		ret = svmgpu_bo_create(sdev, args->size, args->placements,
				       args->flags, &bo);
		up_write(&sdev->evict_sem);
	}
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

/* Move @bo to @mem_type, evicting others but not falling back. */
static int svmgpu_bo_migrate(struct svmgpu_bo *bo, u32 mem_type)
{
	struct ttm_operation_ctx ctx = { .interruptible = true };
	struct ttm_place place = { .mem_type = mem_type };
	struct ttm_placement placement = {
		.num_placement = 1,
		.placement = &place,
	};
	int ret;

	ret = ttm_bo_reserve(&bo->tbo, true, false, NULL);
	if (ret)
		return ret;

	ret = ttm_bo_validate(&bo->tbo, &placement, &ctx);
	if (!ret)
		svmgpu_bo_set_preferred(bo, mem_type);

	ttm_bo_unreserve(&bo->tbo);
	return ret;
}

/**
 * svmgpu_gem_migrate_ioctl() - DRM_IOCTL_SVMGPU_GEM_MIGRATE.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_gem_migrate.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_gem_migrate_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file)
{
	struct svmgpu_device *sdev = to_svmgpu_device(drm);
	struct drm_svmgpu_gem_migrate *args = data;
	struct drm_gem_object *obj;
	struct svmgpu_bo *bo;
	u32 mem_type;
	long wait;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->flags ||
			     args->pad) ||
	    SVMGPU_IOCTL_DBG(drm, args->placement !=
			     DRM_SVMGPU_GEM_PLACEMENT_VRAM &&
			     args->placement !=
			     DRM_SVMGPU_GEM_PLACEMENT_SYSTEM))
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	bo = gem_to_svmgpu_bo(obj);

	/* Pinned BOs stay in VRAM: that is their point, not a bad argument. */
	if (bo->pinned) {
		ret = args->placement == DRM_SVMGPU_GEM_PLACEMENT_VRAM ? 0 : -EBUSY;
		goto out_put;
	}
	if (SVMGPU_IOCTL_DBG(drm, !(bo->placements & args->placement))) {
		ret = -EINVAL;
		goto out_put;
	}

	/*
	 * Wait for the BO's jobs before taking its lock, so that CPU faults,
	 * GEM_INFO and other jobs are not stuck behind the move meanwhile.
	 * The move waits again, under the lock, for jobs submitted since.
	 */
	wait = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_BOOKKEEP, true,
				     MAX_SCHEDULE_TIMEOUT);
	if (wait < 0) {
		ret = wait;
		goto out_put;
	}

	mem_type = svmgpu_placement_to_mem_type(args->placement);
	ret = svmgpu_bo_migrate(bo, mem_type);
	if (ret == -ENOMEM && mem_type == TTM_PL_VRAM) {
		ret = svmgpu_device_evict_exclusive(sdev);
		if (ret)
			goto out_put;
		ret = svmgpu_bo_migrate(bo, mem_type);
		up_write(&sdev->evict_sem);
		if (ret == -ENOMEM)
			ret = -ENOSPC;
	}
out_put:
	drm_gem_object_put(obj);
	return ret;
}

/**
 * svmgpu_gem_info_ioctl() - DRM_IOCTL_SVMGPU_GEM_INFO.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_gem_info.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_gem_info_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct drm_svmgpu_gem_info *args = data;
	struct drm_gem_object *obj;
	struct ttm_buffer_object *tbo;
	struct svmgpu_bo *bo;
	u32 state = 0;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->flags))
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	bo = gem_to_svmgpu_bo(obj);
	tbo = &bo->tbo;

	/* Not ttm_bo_reserve(): looking must not move the BO on the LRU. */
	ret = dma_resv_lock_interruptible(obj->resv, NULL);
	if (ret)
		goto out_put;

	if (tbo->ttm && tbo->ttm->page_flags & TTM_TT_FLAG_SWAPPED)
		state |= DRM_SVMGPU_GEM_STATE_SWAPPED;
	if (bo->pinned)
		state |= DRM_SVMGPU_GEM_STATE_PINNED;
	if (!dma_resv_test_signaled(obj->resv, DMA_RESV_USAGE_KERNEL))
		state |= DRM_SVMGPU_GEM_STATE_MOVING;
	if (!dma_resv_test_signaled(obj->resv, DMA_RESV_USAGE_BOOKKEEP))
		state |= DRM_SVMGPU_GEM_STATE_BUSY;

	args->size = obj->size;
	args->placements = bo->placements;
	args->preferred = bo->preferred == TTM_PL_VRAM ?
			  DRM_SVMGPU_GEM_PLACEMENT_VRAM :
			  DRM_SVMGPU_GEM_PLACEMENT_SYSTEM;
	args->placement = tbo->resource &&
			  tbo->resource->mem_type == TTM_PL_VRAM ?
			  DRM_SVMGPU_GEM_PLACEMENT_VRAM :
			  DRM_SVMGPU_GEM_PLACEMENT_SYSTEM;
	args->state = state;
	args->moves = bo->moves;

	dma_resv_unlock(obj->resv);
out_put:
	drm_gem_object_put(obj);
	return ret;
}
