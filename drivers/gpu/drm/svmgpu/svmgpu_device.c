// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/platform_device.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "hw/svmgpu_hw_regs.h"
#include "svmgpu_coredump.h"
#include "svmgpu_device.h"
#include "svmgpu_pt_pool.h"
#include "svmgpu_sched.h"
#include "svmgpu_ttm.h"

/**
 * DOC: device lifetime
 *
 * Each emulated GPU is a platform device named "svmgpu", created by the
 * module for every device that the num_devices parameter asks for, in the
 * way vgem does for its one device. Probing the platform device creates a
 * &struct svmgpu_device and registers its DRM device; removing it unplugs
 * the DRM device.
 *
 * The &struct svmgpu_device is a managed allocation (devm_drm_dev_alloc()),
 * and everything hanging off it, the emulated hardware included, is
 * released by drmm actions, in reverse order of creation, when the last
 * reference on the DRM device is dropped. An open file therefore keeps the
 * device and its hardware alive after the platform device is gone, and
 * ioctls need no drm_dev_enter() guard; once the device is unplugged, the
 * DRM core refuses new ioctls with -ENODEV. The one user of
 * drm_dev_enter() is the CPU fault handler of BO mappings, which maps a
 * dummy page instead of VRAM into a process whose device went away.
 */

static void svmgpu_device_fini_hw(struct drm_device *drm, void *arg)
{
	svmgpu_hw_destroy(arg);
}

static void svmgpu_device_fini_misc(struct drm_device *drm, void *arg)
{
	struct svmgpu_device *sdev = arg;

	ida_destroy(&sdev->asid_ida);
	xa_destroy(&sdev->fault_vms);
	mutex_destroy(&sdev->vms_lock);
}

static void svmgpu_device_fini_pt_pool(struct drm_device *drm, void *arg)
{
	svmgpu_pt_pool_fini(arg);
}

/*
 * Page tables may take an eighth of VRAM, 2 MiB-aligned, from TTM; one DRM
 * file's VMs an eighth of that. The kernel queue's own tables (a level-0
 * table per 2 MiB of VRAM, which it maps whole) come first, at probe.
 */
static int svmgpu_device_pt_pool_init(struct svmgpu_device *sdev)
{
	u64 vram = svmgpu_hw_caps(sdev->hw)->vram_size;
	unsigned long max_pages = ALIGN(vram / 8, SZ_2M) / SVMGPU_PT_SIZE;

	svmgpu_pt_pool_init(&sdev->pt_pool, &svmgpu_ttm_pt_pool_ops,
			    max_pages);
	sdev->pt_file_max = max_pages / 8;
	/* Before TTM goes: the pool's chunks are TTM BOs. */
	return drmm_add_action_or_reset(&sdev->drm, svmgpu_device_fini_pt_pool,
					&sdev->pt_pool);
}

/**
 * svmgpu_device_evict_exclusive() - Take evict_sem for a retry alone.
 * @sdev: The device.
 *
 * For an EXEC, GEM_CREATE, GEM_MIGRATE, VM_CREATE or VM_BIND that ran
 * out of VRAM because other submissions held the BOs that could be
 * evicted (DOC: EXEC). The caller holds no reservation and no VM lock,
 * and releases @sdev->evict_sem with up_write(). Counted in bo_stats.
 *
 * Return: 0, or -EINTR if a fatal signal came while waiting.
 */
int svmgpu_device_evict_exclusive(struct svmgpu_device *sdev)
{
	svmgpu_stats_add(&sdev->stats, SVMGPU_STAT_EXCLUSIVE_RETRIES, 1);
	return down_write_killable(&sdev->evict_sem);
}

/**
 * svmgpu_device_create() - Create the DRM device of one emulated GPU.
 * @pdev: The GPU's platform device.
 * @driver: The DRM driver.
 * @cfg: The configuration of the device.
 *
 * Brings up, in order, the emulated hardware, TTM, the page-table pool
 * and the schedulers; drmm actions tear them down in reverse order. The
 * DRM device is not registered; the caller does that once the device is
 * fully set up.
 *
 * Return: The new device, or an ERR_PTR().
 */
struct svmgpu_device *
svmgpu_device_create(struct platform_device *pdev,
		     const struct drm_driver *driver,
		     const struct svmgpu_device_config *cfg)
{
	struct svmgpu_device *sdev;
	int ret;

	sdev = devm_drm_dev_alloc(&pdev->dev, driver, struct svmgpu_device,
				  drm);
	if (IS_ERR(sdev))
		return sdev;

	ida_init(&sdev->asid_ida);
	xa_init(&sdev->fault_vms);
	init_waitqueue_head(&sdev->ufence_wq);
	spin_lock_init(&sdev->engine_lock);
	init_waitqueue_head(&sdev->engine_wq);
	mutex_init(&sdev->vms_lock);
	init_rwsem(&sdev->evict_sem);
	INIT_LIST_HEAD(&sdev->vms);
	ret = drmm_add_action_or_reset(&sdev->drm, svmgpu_device_fini_misc,
				       sdev);
	if (ret)
		return ERR_PTR(ret);

	sdev->hw = svmgpu_hw_create(&pdev->dev, &cfg->hw, dev_name(&pdev->dev));
	if (IS_ERR(sdev->hw)) {
		ret = PTR_ERR(sdev->hw);
		drm_err(&sdev->drm, "cannot bring up the hardware: %d\n", ret);
		return ERR_PTR(ret);
	}

	ret = drmm_add_action_or_reset(&sdev->drm, svmgpu_device_fini_hw,
				       sdev->hw);
	if (ret)
		return ERR_PTR(ret);

	ret = svmgpu_fault_init(sdev);
	if (ret)
		return ERR_PTR(ret);

	ret = svmgpu_ttm_init(sdev);
	if (ret)
		return ERR_PTR(ret);

	ret = svmgpu_device_pt_pool_init(sdev);
	if (ret)
		return ERR_PTR(ret);

	ret = svmgpu_coredump_wq_init(sdev);
	if (ret)
		return ERR_PTR(ret);

	ret = svmgpu_sched_init(sdev, cfg->job_timeout_ms);
	if (ret)
		return ERR_PTR(ret);

	ret = svmgpu_move_init(sdev);
	if (ret)
		return ERR_PTR(ret);

	ret = svmgpu_migrate_init(sdev);
	if (ret)
		return ERR_PTR(ret);

	return sdev;
}
