// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/dma-resv.h>
#include <linux/idr.h>
#include <linux/slab.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_tt.h>

#include "svmgpu_device.h"
#include "svmgpu_fdinfo.h"
#include "svmgpu_file.h"

/**
 * DOC: fdinfo
 *
 * Besides the keys the DRM core prints (drm-driver, drm-client-id),
 * /proc/PID/fdinfo of an svmgpu file has, as
 * Documentation/gpu/drm-usage-stats.rst defines them:
 *
 * - drm-engine-engine<N>: the time, in ns, jobs of the file's queues ran
 *   on engine N, measured by the engine from the start to the end of each
 *   job; one key per engine.
 * - drm-total-, drm-shared-, drm-active- and drm-resident- of the regions
 *   "system" and "vram0": the file's BOs (each BO it has a handle to)
 *   by where each BO is now. Shared BOs have handles in more than one
 *   file; active ones have unfinished jobs; resident ones have their pages
 *   in memory, that is all but swapped-out BOs.
 */

enum svmgpu_region {
	SVMGPU_REGION_SYSTEM,
	SVMGPU_REGION_VRAM,
	SVMGPU_REGION_COUNT,
};

static const char *const svmgpu_region_names[SVMGPU_REGION_COUNT] = {
	[SVMGPU_REGION_SYSTEM] = "system",
	[SVMGPU_REGION_VRAM] = "vram0",
};

/**
 * svmgpu_file_stats_create() - Allocate a file's stats.
 * @pt_max: How many page tables the file's VMs may have together.
 *
 * Return: The stats with one reference, or NULL.
 */
struct svmgpu_file_stats *svmgpu_file_stats_create(unsigned long pt_max)
{
	struct svmgpu_file_stats *stats;

	stats = kzalloc(sizeof(*stats), GFP_KERNEL_ACCOUNT);
	if (stats) {
		kref_init(&stats->refcount);
		stats->pt_quota.max = pt_max;
	}
	return stats;
}

static void svmgpu_file_stats_release(struct kref *kref)
{
	kfree(container_of(kref, struct svmgpu_file_stats, refcount));
}

/**
 * svmgpu_file_stats_put() - Drop a reference.
 * @stats: The stats, or NULL.
 */
void svmgpu_file_stats_put(struct svmgpu_file_stats *stats)
{
	if (stats)
		kref_put(&stats->refcount, svmgpu_file_stats_release);
}

/* Add @obj to @stats. Its reservation is held. */
static void svmgpu_fdinfo_count(struct drm_gem_object *obj,
				struct drm_memory_stats *stats)
{
	struct ttm_buffer_object *tbo =
		container_of(obj, struct ttm_buffer_object, base);
	struct drm_memory_stats *s;
	bool resident;

	dma_resv_assert_held(obj->resv);

	if (!tbo->resource)
		return;

	if (tbo->resource->mem_type == TTM_PL_VRAM) {
		s = &stats[SVMGPU_REGION_VRAM];
		resident = true;
	} else {
		s = &stats[SVMGPU_REGION_SYSTEM];
		resident = tbo->ttm && ttm_tt_is_populated(tbo->ttm);
	}

	if (obj->handle_count > 1)
		s->shared += obj->size;
	else
		s->private += obj->size;
	if (resident)
		s->resident += obj->size;
	if (!dma_resv_test_signaled(obj->resv, DMA_RESV_USAGE_BOOKKEEP))
		s->active += obj->size;
}

/* The file's object with the lowest handle >= *@id, referenced, or NULL. */
static struct drm_gem_object *svmgpu_fdinfo_next(struct drm_file *file,
						 int *id)
{
	struct drm_gem_object *obj;

	spin_lock(&file->table_lock);
	obj = idr_get_next(&file->object_idr, id);
	if (obj)
		drm_gem_object_get(obj);
	spin_unlock(&file->table_lock);
	return obj;
}

/**
 * svmgpu_show_fdinfo() - &drm_driver.show_fdinfo.
 * @p: Where to print.
 * @file: The DRM file.
 *
 * Takes each BO's reservation in turn, so it may sleep.
 */
void svmgpu_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct svmgpu_file *sfile = to_svmgpu_file(file);
	struct svmgpu_device *sdev = sfile->sdev;
	struct drm_memory_stats stats[SVMGPU_REGION_COUNT] = {};
	struct drm_gem_object *obj;
	unsigned int i;
	int id = 0;

	for (i = 0; i < svmgpu_hw_caps(sdev->hw)->num_engines; i++)
		drm_printf(p, "drm-engine-engine%u:\t%lld ns\n", i,
			   atomic64_read(&sfile->stats->engine_ns[i]));

	/* A handle may be closed meanwhile: the reference keeps the BO. */
	while ((obj = svmgpu_fdinfo_next(file, &id))) {
		if (dma_resv_lock_interruptible(obj->resv, NULL)) {
			drm_gem_object_put(obj);
			return;
		}
		svmgpu_fdinfo_count(obj, stats);
		dma_resv_unlock(obj->resv);
		drm_gem_object_put(obj);
		id++;
	}

	for (i = 0; i < SVMGPU_REGION_COUNT; i++)
		drm_print_memory_stats(p, &stats[i], DRM_GEM_OBJECT_RESIDENT,
				       svmgpu_region_names[i]);
}
