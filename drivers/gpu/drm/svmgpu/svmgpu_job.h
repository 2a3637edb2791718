/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_JOB_H__
#define __SVMGPU_JOB_H__

#include <linux/types.h>

#include <drm/gpu_scheduler.h>

#include "hw/svmgpu_hw.h"

struct dma_fence;
struct drm_device;
struct drm_file;
struct svmgpu_queue;
struct svmgpu_vm;

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

struct svmgpu_job *svmgpu_job_create(struct drm_sched_entity *entity,
				     void *owner, u64 client_id);
void svmgpu_job_free(struct svmgpu_job *job);

int svmgpu_exec_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file);

#endif /* __SVMGPU_JOB_H__ */
