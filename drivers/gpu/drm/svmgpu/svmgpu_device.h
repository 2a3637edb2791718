/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_DEVICE_H__
#define __SVMGPU_DEVICE_H__

#include <linux/idr.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/ttm/ttm_device.h>

#include "hw/svmgpu_hw.h"
#include "svmgpu_fault.h"
#include "svmgpu_migrate.h"
#include "svmgpu_move.h"
#include "svmgpu_pt_pool.h"
#include "svmgpu_stats.h"

struct drm_driver;
struct workqueue_struct;
struct platform_device;
struct svmgpu_sched;

/**
 * struct svmgpu_device_config - How to build a device.
 */
struct svmgpu_device_config {
	/** @hw: The emulated hardware. */
	struct svmgpu_hw_config hw;

	/** @job_timeout_ms: How long a job may run before it is a hang. */
	unsigned int job_timeout_ms;
};

/**
 * struct svmgpu_device - One svmgpu GPU.
 *
 * Allocated with devm_drm_dev_alloc() on the GPU's platform device, so it
 * lives until the platform device is unbound and the last reference on
 * @drm is dropped.
 */
struct svmgpu_device {
	/** @drm: The DRM device. Must stay the first member. */
	struct drm_device drm;

	/** @hw: The emulated hardware. Constant after probe. */
	struct svmgpu_hw *hw;

	/** @ttm: The TTM device. */
	struct ttm_device ttm;

	/** @scheds: One scheduler per engine. */
	struct svmgpu_sched *scheds;

	/** @mover: The kernel queue that moves and clears BOs. */
	struct svmgpu_mover mover;

	/** @pagemap: Device-private pages over VRAM (svmgpu_migrate.c). */
	struct svmgpu_pagemap pagemap;

	/** @stats: Event counters, for debugfs. */
	struct svmgpu_stats stats;

	/** @pinned_bytes: Size of all pinned BOs. */
	atomic64_t pinned_bytes;

	/**
	 * @evict_sem: Read by submissions while they lock and validate their
	 * BOs; written by a submission, BO creation or migration that ran out
	 * of VRAM and retries with no submission holding BO locks. Taken
	 * before any reservation.
	 */
	struct rw_semaphore evict_sem;

	/** @asid_ida: Address-space ids of the VMs. */
	struct ida asid_ida;

	/**
	 * @fault_vms: The fault-mode VMs by address-space id, for the fault
	 * worker; lookups take a reference under the xarray's lock.
	 */
	struct xarray fault_vms;

	/** @faults: Services GPU faults (svmgpu_fault.c). */
	struct svmgpu_fault_handler faults;

	/** @ufence_wq: User-fence waiters (svmgpu_ufence.c). */
	wait_queue_head_t ufence_wq;

	/** @engine_lock: Protects @engine_queues and @engine_live. */
	spinlock_t engine_lock;

	/**
	 * @engine_queues: Per engine, the queues on it that are not freed
	 * (their jobs may still run), [0] of dma-fence VMs and [1] of
	 * fault-mode VMs; one of the two is zero (DOC: queues).
	 */
	u32 engine_queues[SVMGPU_HW_ENGINES_MAX][2];

	/** @engine_live: Of those, the queues not destroyed. */
	u32 engine_live[SVMGPU_HW_ENGINES_MAX][2];

	/** @engine_wq: Woken when a queue of @engine_queues is freed. */
	wait_queue_head_t engine_wq;

	/** @pt_pool: VRAM for page tables, taken from TTM on demand. */
	struct svmgpu_pt_pool pt_pool;

	/**
	 * @pt_file_max: How many page tables one DRM file's VMs may have
	 * together.
	 */
	unsigned long pt_file_max;

	/** @vms_lock: Protects @vms. */
	struct mutex vms_lock;

	/** @vms: Every live VM, for debugfs. */
	struct list_head vms;

	/**
	 * @dump_wq: Formats devcoredumps outside the fence-signalling path
	 * (svmgpu_coredump.c).
	 */
	struct workqueue_struct *dump_wq;
};

/**
 * to_svmgpu_device() - Upcast from the DRM device.
 * @drm: A DRM device created by svmgpu.
 *
 * Return: The svmgpu device embedding @drm.
 */
static inline struct svmgpu_device *to_svmgpu_device(struct drm_device *drm)
{
	return container_of(drm, struct svmgpu_device, drm);
}

int svmgpu_device_evict_exclusive(struct svmgpu_device *sdev);

struct svmgpu_device *
svmgpu_device_create(struct platform_device *pdev,
		     const struct drm_driver *driver,
		     const struct svmgpu_device_config *cfg);

#endif /* __SVMGPU_DEVICE_H__ */
