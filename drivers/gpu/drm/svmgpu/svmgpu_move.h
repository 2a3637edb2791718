/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_MOVE_H__
#define __SVMGPU_MOVE_H__

#include <linux/mutex.h>
#include <linux/types.h>

#include <drm/gpu_scheduler.h>

#include "svmgpu_pt.h"

struct dma_fence;
struct svmgpu_device;
struct svmgpu_pt_chunk;
struct ttm_buffer_object;
struct ttm_resource;

/* Number of windows, and so of jobs in flight, of the kernel queue. */
#define SVMGPU_MOVE_SLOTS	16

/**
 * struct svmgpu_move_slot - A window and a command page for one job.
 */
struct svmgpu_move_slot {
	/** @window: GPU address of the slot's system-memory window. */
	u64 window;

	/** @cs_addr: VRAM offset of the command page. */
	u64 cs_addr;

	/** @cs_chunk: The page-table pool's chunk it is in. */
	struct svmgpu_pt_chunk *cs_chunk;

	/** @cs: Kernel mapping of the command page. */
	u32 *cs;

	/** @fence: Finished fence of the slot's last job, or NULL. */
	struct dma_fence *fence;
};

/**
 * struct svmgpu_mover - The kernel queue that moves and clears BOs.
 */
struct svmgpu_mover {
	/** @sdev: The device. */
	struct svmgpu_device *sdev;

	/** @entity: The kernel queue, on the copy engine's scheduler. */
	struct drm_sched_entity entity;

	/** @engine: Index of the copy engine. */
	unsigned int engine;

	/** @asid: Address-space id of the kernel queue's page tables. */
	u32 asid;

	/**
	 * @lock: Protects @pt, @slots and @next, and orders the kernel
	 * queue's jobs: each is pushed under it. Taken inside BO
	 * reservations.
	 */
	struct mutex lock;

	/**
	 * @pt: Page tables of the kernel queue, which reserve all of VRAM and
	 * every window at init, so that moves never allocate a table.
	 */
	struct svmgpu_pt_tree pt;

	/** @slots: The windows. */
	struct svmgpu_move_slot slots[SVMGPU_MOVE_SLOTS];

	/** @next: Index of the slot to use next, round robin. */
	unsigned int next;
};

int svmgpu_move_init(struct svmgpu_device *sdev);
int svmgpu_move_copy(struct svmgpu_device *sdev, struct ttm_buffer_object *tbo,
		     struct ttm_resource *old, struct ttm_resource *new_mem,
		     struct dma_fence **fence);
/* An entry of svmgpu_move_pages()'s @vram for a page not to copy. */
#define SVMGPU_MOVE_SKIP	U64_MAX

int svmgpu_move_pages(struct svmgpu_device *sdev, const u64 *vram,
		      const dma_addr_t *dma, unsigned long npages,
		      bool to_vram);
int svmgpu_move_clear(struct svmgpu_device *sdev,
		      struct ttm_buffer_object *tbo,
		      struct ttm_resource *new_mem, struct dma_fence **fence);

#endif /* __SVMGPU_MOVE_H__ */
