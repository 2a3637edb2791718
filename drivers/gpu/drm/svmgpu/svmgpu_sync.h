/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_SYNC_H__
#define __SVMGPU_SYNC_H__

#include <linux/types.h>

struct dma_fence;
struct dma_fence_chain;
struct drm_file;
struct drm_sched_job;
struct drm_syncobj;

/**
 * struct svmgpu_sync_entry - One parsed &struct drm_svmgpu_sync.
 */
struct svmgpu_sync_entry {
	/** @syncobj: The syncobj, referenced; NULL for waits. */
	struct drm_syncobj *syncobj;

	/** @chain: Preallocated timeline point, for timeline signals. */
	struct dma_fence_chain *chain;

	/** @handle: The syncobj's handle. */
	u32 handle;

	/** @flags: DRM_SVMGPU_SYNC_*. */
	u32 flags;

	/** @point: Timeline point, or 0. */
	u64 point;
};

/**
 * struct svmgpu_syncs - The syncs of one ioctl.
 */
struct svmgpu_syncs {
	/** @entries: The syncs. */
	struct svmgpu_sync_entry *entries;

	/** @count: Number of @entries. */
	u32 count;
};

int svmgpu_syncs_parse(struct drm_file *file, u64 user, u32 count,
		       struct svmgpu_syncs *syncs);
int svmgpu_syncs_wait(struct drm_file *file, struct svmgpu_syncs *syncs);
int svmgpu_syncs_add_deps(struct drm_file *file, struct svmgpu_syncs *syncs,
			  struct drm_sched_job *job);
void svmgpu_syncs_signal(struct svmgpu_syncs *syncs, struct dma_fence *fence);
void svmgpu_syncs_fini(struct svmgpu_syncs *syncs);

#endif /* __SVMGPU_SYNC_H__ */
