// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/mm.h>
#include <linux/slab.h>

#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_device.h>
#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_range_manager.h>
#include <drm/ttm/ttm_resource.h>
#include <drm/ttm/ttm_tt.h>

#include "hw/svmgpu_hw_regs.h"
#include "svmgpu_bo.h"
#include "svmgpu_device.h"
#include "svmgpu_move.h"
#include "svmgpu_pt.h"
#include "svmgpu_pt_pool.h"
#include "svmgpu_trace.h"
#include "svmgpu_ttm.h"
#include "svmgpu_vm.h"

/**
 * DOC: TTM
 *
 * Memory types:
 *
 * - %TTM_PL_VRAM: all of VRAM, managed by a TTM range manager. A VRAM
 *   resource is contiguous. BOs share it with the page-table pool, whose
 *   chunks are pinned kernel BOs (svmgpu_ttm_pt_pool_ops), so BOs may be
 *   at most as large as VRAM less the pool's cap.
 * - %TTM_PL_TT: system pages, allocated zeroed from TTM's pool and
 *   DMA-mapped for the GPU. Its range manager only accounts for them;
 *   there is no aperture.
 * - %TTM_PL_SYSTEM: system pages the GPU cannot use; only where TTM
 *   itself puts BOs (swap-out).
 *
 * Moves between VRAM and TT are copy-engine jobs (svmgpu_move.c), queued
 * once the BO is idle; their fence becomes the BO's kernel fence, so CPU
 * faults, vm_access and later jobs wait for the copy, and the old memory
 * is released only when the copy is done (TTM's ghost objects, or the
 * VRAM manager's move fence for evictions). New VRAM BOs are cleared by a
 * FILL job. Every move of a BO that is mapped in a GPU VM rewrites those
 * mappings to the new memory when it is queued (svmgpu_vm_bo_moved()); no
 * job can reach them before the copy is done, because every job waits
 * for its BOs' kernel fences. Fault-mode VMs' jobs do not: their mappings
 * are cleared before the copy is queued (svmgpu_vm_bo_move_notify()), and
 * the fault that maps them again waits for the copy.
 *
 * Chunks of VRAM holding migrated SVM pages (svmgpu_migrate.c) are
 * kernel BOs on the same LRU; evicting one moves its pages back to
 * system memory one by one, and leaves the BO in %TTM_PL_SYSTEM, empty.
 *
 * Evicted BOs go to TT, least recently used first: EXEC moves the BOs it
 * uses to the tail of TTM's LRU. TTM swaps idle TT BOs out to shmem under
 * system-memory pressure (its pages_limit), through %TTM_PL_SYSTEM; a
 * swapped BO that must go to VRAM goes through TT first.
 */

static struct svmgpu_device *bdev_to_svmgpu(struct ttm_device *bdev)
{
	return container_of(bdev, struct svmgpu_device, ttm);
}

static struct ttm_tt *svmgpu_ttm_tt_create(struct ttm_buffer_object *tbo,
					   u32 page_flags)
{
	struct ttm_tt *tt;

	tt = kzalloc(sizeof(*tt), GFP_KERNEL);
	if (!tt)
		return NULL;

	/*
	 * DMA addresses for the GPU. Zeroed pages, so that new BOs read as
	 * 0, except for a BO leaving VRAM: the move's copy overwrites every
	 * page, and zeroing them first would double the cost of eviction.
	 */
	if (!tbo->resource || tbo->resource->mem_type != TTM_PL_VRAM)
		page_flags |= TTM_TT_FLAG_ZERO_ALLOC;
	if (ttm_sg_tt_init(tt, tbo, page_flags, ttm_cached)) {
		kfree(tt);
		return NULL;
	}
	return tt;
}

static int svmgpu_ttm_tt_populate(struct ttm_device *bdev, struct ttm_tt *tt,
				  struct ttm_operation_ctx *ctx)
{
	return ttm_pool_alloc(&bdev->pool, tt, ctx);
}

static void svmgpu_ttm_tt_unpopulate(struct ttm_device *bdev,
				     struct ttm_tt *tt)
{
	ttm_pool_free(&bdev->pool, tt);
}

static void svmgpu_ttm_tt_destroy(struct ttm_device *bdev, struct ttm_tt *tt)
{
	ttm_tt_fini(tt);
	kfree(tt);
}

static const struct ttm_place svmgpu_evict_place = {
	.mem_type = TTM_PL_TT,
};

static void svmgpu_ttm_evict_flags(struct ttm_buffer_object *tbo,
				   struct ttm_placement *placement)
{
	static const struct ttm_place system = { .mem_type = TTM_PL_SYSTEM };

	placement->num_placement = 1;
	placement->placement = tbo->resource->mem_type == TTM_PL_VRAM &&
			       !svmgpu_migrate_is_chunk(tbo) ?
			       &svmgpu_evict_place : &system;
}

/*
 * A new BO: TT pages come zeroed; VRAM is cleared by the copy engine, but
 * for the page-table pool's chunks, which the pool clears page by page.
 */
static int svmgpu_ttm_move_new(struct svmgpu_device *sdev,
			       struct ttm_buffer_object *tbo,
			       struct ttm_resource *new_mem)
{
	struct dma_fence *fence;
	int ret;

	if (new_mem->mem_type == TTM_PL_VRAM && svmgpu_is_svmgpu_bo(tbo)) {
		ret = svmgpu_move_clear(sdev, tbo, new_mem, &fence);
		if (ret)
			return ret;
		/* TTM reserved a fence slot before calling move(). */
		dma_resv_add_fence(tbo->base.resv, fence, DMA_RESV_USAGE_KERNEL);
		dma_fence_put(fence);
		svmgpu_stats_add(&sdev->stats, SVMGPU_STAT_CLEARS, 1);
		svmgpu_stats_add(&sdev->stats, SVMGPU_STAT_CLEARED_BYTES,
				 tbo->base.size);
	}
	ttm_bo_move_null(tbo, new_mem);
	return 0;
}

static void svmgpu_ttm_count_move(struct svmgpu_device *sdev,
				  struct ttm_buffer_object *tbo, bool to_vram,
				  bool evict, struct dma_fence *fence)
{
	struct svmgpu_stats *stats = &sdev->stats;
	u64 size = tbo->base.size;

	trace_svmgpu_bo_move(&sdev->drm, tbo, size, to_vram, evict, fence);
	svmgpu_stats_add(stats, to_vram ? SVMGPU_STAT_MOVES_TO_VRAM :
			 SVMGPU_STAT_MOVES_TO_SYSTEM, 1);
	svmgpu_stats_add(stats, to_vram ? SVMGPU_STAT_BYTES_TO_VRAM :
			 SVMGPU_STAT_BYTES_TO_SYSTEM, size);
	if (evict) {
		svmgpu_stats_add(stats, SVMGPU_STAT_EVICTIONS, 1);
		svmgpu_stats_add(stats, SVMGPU_STAT_EVICTED_BYTES, size);
	}
	if (svmgpu_is_svmgpu_bo(tbo))
		to_svmgpu_bo(tbo)->moves++;
}

static int svmgpu_ttm_move(struct ttm_buffer_object *tbo, bool evict,
			   struct ttm_operation_ctx *ctx,
			   struct ttm_resource *new_mem,
			   struct ttm_place *hop)
{
	struct svmgpu_device *sdev = bdev_to_svmgpu(tbo->bdev);
	struct ttm_resource *old = tbo->resource;
	bool to_vram = new_mem->mem_type == TTM_PL_VRAM;
	struct dma_fence *fence;
	int ret;

	/* Migrated memory leaves for system memory page by page. */
	if (svmgpu_migrate_is_chunk(tbo) && old) {
		svmgpu_migrate_chunk_evict(tbo);
		ttm_bo_move_null(tbo, new_mem);
		return 0;
	}

	if (!old || (old->mem_type == TTM_PL_SYSTEM && !tbo->ttm)) {
		ret = svmgpu_ttm_move_new(sdev, tbo, new_mem);
		if (ret)
			return ret;
		goto moved;
	}

	/* The copy engine reaches system memory only through TT pages. */
	if ((old->mem_type == TTM_PL_SYSTEM && to_vram) ||
	    (old->mem_type == TTM_PL_VRAM &&
	     new_mem->mem_type == TTM_PL_SYSTEM)) {
		hop->mem_type = TTM_PL_TT;
		hop->flags = TTM_PL_FLAG_TEMPORARY;
		hop->fpfn = 0;
		hop->lpfn = 0;
		return -EMULTIHOP;
	}

	/*
	 * Jobs that use the BO must be done before its GPU mappings are
	 * rewritten below; so must the VRAM manager's pending evictions out
	 * of the new range, which are kernel fences of the BO by now.
	 */
	ret = ttm_bo_wait_ctx(tbo, ctx);
	if (ret)
		return ret;

	/* Fault-mode VMs' jobs do not fence the BO: cut them off first. */
	if (svmgpu_is_svmgpu_bo(tbo))
		svmgpu_vm_bo_move_notify(to_svmgpu_bo(tbo));

	if (old->mem_type != TTM_PL_VRAM && !to_vram) {
		/* Between TT and SYSTEM only the binding changes. */
		ttm_bo_move_null(tbo, new_mem);
		goto moved;
	}

	ret = svmgpu_move_copy(sdev, tbo, old, new_mem, &fence);
	if (ret == -ENODEV) {
		/* The kernel queue is gone: device teardown. */
		ret = ttm_bo_move_memcpy(tbo, ctx, new_mem);
		if (ret)
			return ret;
		goto moved;
	}
	if (ret)
		return ret;

	svmgpu_ttm_count_move(sdev, tbo, to_vram, evict, fence);
	ret = ttm_bo_move_accel_cleanup(tbo, fence, evict, true, new_mem);
	dma_fence_put(fence);
	if (ret)
		return ret;

moved:
	if (svmgpu_is_svmgpu_bo(tbo))
		svmgpu_vm_bo_moved(to_svmgpu_bo(tbo));
	return 0;
}

static void svmgpu_ttm_swap_notify(struct ttm_buffer_object *tbo)
{
	struct svmgpu_device *sdev = bdev_to_svmgpu(tbo->bdev);

	trace_svmgpu_bo_swapout(&sdev->drm, tbo, tbo->base.size);
	svmgpu_stats_add(&sdev->stats, SVMGPU_STAT_SWAPOUTS, 1);
	svmgpu_stats_add(&sdev->stats, SVMGPU_STAT_SWAPPED_OUT_BYTES,
			 tbo->base.size);
}

static int svmgpu_ttm_io_mem_reserve(struct ttm_device *bdev,
				     struct ttm_resource *mem)
{
	struct svmgpu_device *sdev = bdev_to_svmgpu(bdev);
	u64 offset;

	switch (mem->mem_type) {
	case TTM_PL_SYSTEM:
	case TTM_PL_TT:
		return 0;
	case TTM_PL_VRAM:
		/* VRAM is ordinary memory, mapped contiguously by hw/. */
		offset = (u64)mem->start << PAGE_SHIFT;
		mem->bus.offset = offset;
		mem->bus.addr = svmgpu_hw_vram_vaddr(sdev->hw, offset);
		mem->bus.is_iomem = true;
		mem->bus.caching = ttm_cached;
		return 0;
	default:
		return -EINVAL;
	}
}

static unsigned long svmgpu_ttm_io_mem_pfn(struct ttm_buffer_object *tbo,
					   unsigned long page_offset)
{
	struct svmgpu_device *sdev = bdev_to_svmgpu(tbo->bdev);

	return svmgpu_hw_vram_pfn(sdev->hw,
				  (tbo->resource->start + page_offset) <<
				  PAGE_SHIFT);
}

static const struct ttm_device_funcs svmgpu_ttm_funcs = {
	.ttm_tt_create = svmgpu_ttm_tt_create,
	.ttm_tt_populate = svmgpu_ttm_tt_populate,
	.ttm_tt_unpopulate = svmgpu_ttm_tt_unpopulate,
	.ttm_tt_destroy = svmgpu_ttm_tt_destroy,
	.eviction_valuable = ttm_bo_eviction_valuable,
	.evict_flags = svmgpu_ttm_evict_flags,
	.move = svmgpu_ttm_move,
	.swap_notify = svmgpu_ttm_swap_notify,
	.io_mem_reserve = svmgpu_ttm_io_mem_reserve,
	.io_mem_pfn = svmgpu_ttm_io_mem_pfn,
};

/**
 * svmgpu_ttm_size() - Capacity of a memory type for BOs.
 * @sdev: The device.
 * @mem_type: %TTM_PL_VRAM or %TTM_PL_TT.
 *
 * Return: The size in bytes of the largest BO that type can hold: for
 * VRAM, all of it less what the page-table pool may take.
 */
u64 svmgpu_ttm_size(struct svmgpu_device *sdev, u32 mem_type)
{
	struct ttm_resource_manager *man =
		ttm_manager_type(&sdev->ttm, mem_type);
	u64 size = man ? (u64)man->size << PAGE_SHIFT : 0;

	if (mem_type == TTM_PL_VRAM)
		size -= (u64)sdev->pt_pool.max_pages * SVMGPU_PT_SIZE;
	return size;
}

static void svmgpu_ttm_pt_chunk_destroy(struct ttm_buffer_object *tbo)
{
	drm_gem_object_release(&tbo->base);
	kfree(tbo);
}

/*
 * &svmgpu_pt_pool_ops.grow: a pinned kernel BO in the top of VRAM, the part
 * that BOs may have only while page tables do not need it, so that a BO
 * of svmgpu_ttm_size() always fits once the others are evicted.
 */
static int svmgpu_ttm_pt_grow(struct svmgpu_pt_pool *pool, u64 size,
			      bool interruptible, u64 *base, void **owner)
{
	struct svmgpu_device *sdev =
		container_of(pool, struct svmgpu_device, pt_pool);
	struct ttm_operation_ctx ctx = { .interruptible = interruptible };
	struct ttm_place place = {
		.fpfn = svmgpu_ttm_size(sdev, TTM_PL_VRAM) >> PAGE_SHIFT,
		.mem_type = TTM_PL_VRAM,
		.flags = TTM_PL_FLAG_TOPDOWN,
	};
	struct ttm_placement placement = {
		.num_placement = 1,
		.placement = &place,
	};
	struct ttm_buffer_object *tbo;
	int ret;

	tbo = kzalloc(sizeof(*tbo), GFP_KERNEL);
	if (!tbo)
		return -ENOMEM;
	drm_gem_private_object_init(&sdev->drm, &tbo->base, size);

	/* On failure, TTM calls svmgpu_ttm_pt_chunk_destroy(). */
	ret = ttm_bo_init_reserved(&sdev->ttm, tbo, ttm_bo_type_kernel,
				   &placement, 0, &ctx, NULL, NULL,
				   svmgpu_ttm_pt_chunk_destroy);
	if (ret)
		return ret;

	/*
	 * The range may be what an eviction is still copying out of: the
	 * pool writes its pages with the CPU, so wait for that copy.
	 */
	ret = ttm_bo_wait_ctx(tbo, &ctx);
	if (ret) {
		ttm_bo_unreserve(tbo);
		ttm_bo_put(tbo);
		return ret;
	}

	ttm_bo_pin(tbo);
	*base = (u64)tbo->resource->start << PAGE_SHIFT;
	ttm_bo_unreserve(tbo);
	*owner = tbo;
	return 0;
}

/* &svmgpu_pt_pool_ops.shrink. */
static void svmgpu_ttm_pt_shrink(struct svmgpu_pt_pool *pool, void *owner)
{
	struct ttm_buffer_object *tbo = owner;

	/* Without a ww context, an uninterruptible lock cannot fail. */
	dma_resv_lock(tbo->base.resv, NULL);
	ttm_bo_unpin(tbo);
	dma_resv_unlock(tbo->base.resv);
	ttm_bo_put(tbo);
}

/* The page-table pool's VRAM: pinned kernel BOs. */
const struct svmgpu_pt_pool_ops svmgpu_ttm_pt_pool_ops = {
	.grow = svmgpu_ttm_pt_grow,
	.shrink = svmgpu_ttm_pt_shrink,
};

static void svmgpu_ttm_fini(struct drm_device *drm, void *arg)
{
	struct svmgpu_device *sdev = arg;

	ttm_range_man_fini(&sdev->ttm, TTM_PL_TT);
	ttm_range_man_fini(&sdev->ttm, TTM_PL_VRAM);
	ttm_device_fini(&sdev->ttm);
}

/**
 * svmgpu_ttm_init() - Set up TTM for a device.
 * @sdev: The device, with its hardware initialised.
 *
 * Torn down by a drmm action.
 *
 * Return: 0 or a negative error code.
 */
int svmgpu_ttm_init(struct svmgpu_device *sdev)
{
	struct drm_device *drm = &sdev->drm;
	u64 vram = svmgpu_hw_caps(sdev->hw)->vram_size;
	int ret;

	ret = ttm_device_init(&sdev->ttm, &svmgpu_ttm_funcs, drm->dev,
			      drm->anon_inode->i_mapping,
			      drm->vma_offset_manager, false, false);
	if (ret)
		return ret;

	ret = ttm_range_man_init(&sdev->ttm, TTM_PL_VRAM, false,
				 vram >> PAGE_SHIFT);
	if (ret)
		goto err_device;

	/* As much system memory as the machine has: accounting only. */
	ret = ttm_range_man_init(&sdev->ttm, TTM_PL_TT, true,
				 totalram_pages());
	if (ret)
		goto err_vram;

	return drmm_add_action_or_reset(drm, svmgpu_ttm_fini, sdev);

err_vram:
	ttm_range_man_fini(&sdev->ttm, TTM_PL_VRAM);
err_device:
	ttm_device_fini(&sdev->ttm);
	return ret;
}
