/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_SCHED_H__
#define __SVMGPU_SCHED_H__

#include <linux/dma-fence.h>
#include <linux/spinlock.h>

#include <drm/gpu_scheduler.h>

#include "hw/svmgpu_hw.h"

struct svmgpu_device;

/**
 * struct svmgpu_sched - The scheduler of one engine.
 */
struct svmgpu_sched {
	/** @base: The DRM scheduler. */
	struct drm_gpu_scheduler base;

	/** @sdev: The device. */
	struct svmgpu_device *sdev;

	/** @engine: Index of the engine. */
	unsigned int engine;

	/** @fence_context: Context of the engine's hardware fences. */
	u64 fence_context;

	/** @seqno: Last hardware fence seqno; the scheduler serialises it. */
	u64 seqno;

	/** @fence_lock: Lock of the engine's hardware fences. */
	spinlock_t fence_lock;
};

int svmgpu_sched_init(struct svmgpu_device *sdev, unsigned int timeout_ms);
struct dma_fence *svmgpu_sched_fence_alloc(void);

#endif /* __SVMGPU_SCHED_H__ */
