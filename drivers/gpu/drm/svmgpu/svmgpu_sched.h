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
struct svmgpu_queue;
struct svmgpu_vm;

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

/**
 * struct svmgpu_job - A job: a command buffer submitted by EXEC, or a
 * kernel job of the BO mover, which has no queue and no VM.
 */
struct svmgpu_job {
	/** @base: The scheduler job. */
	struct drm_sched_job base;

	/** @hw: What the engine executes. */
	struct svmgpu_hw_job hw;

	/** @queue: The queue, referenced; NULL for kernel jobs. */
	struct svmgpu_queue *queue;

	/** @vm: The VM, whose drm_gpuvm is referenced; NULL for kernel jobs. */
	struct svmgpu_vm *vm;

	/** @hw_fence: Signalled by the engine; preallocated at submission. */
	struct dma_fence *hw_fence;

	/** @hw_fence_init: @hw_fence was initialised by run_job(). */
	bool hw_fence_init;
};

int svmgpu_sched_init(struct svmgpu_device *sdev, unsigned int timeout_ms);
struct dma_fence *svmgpu_sched_fence_alloc(void);

#endif /* __SVMGPU_SCHED_H__ */
