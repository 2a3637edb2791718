/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_PT_POOL_H__
#define __SVMGPU_PT_POOL_H__

#include <linux/spinlock.h>
#include <linux/types.h>

struct drm_device;

/**
 * struct svmgpu_pt_pool - VRAM pages for page tables, outside TTM.
 *
 * See DOC: page-table pool.
 */
struct svmgpu_pt_pool {
	/** @lock: Protects @bitmap and @used. A leaf lock. */
	spinlock_t lock;

	/** @bitmap: One bit per page, set when allocated. */
	unsigned long *bitmap;

	/** @base: VRAM offset of the first page. */
	u64 base;

	/** @pages: Number of pages. */
	unsigned long pages;

	/** @used: Pages allocated. */
	unsigned long used;

	/** @reserve: Pages only the kernel's own allocations may take. */
	unsigned long reserve;
};

int svmgpu_pt_pool_init(struct drm_device *drm, struct svmgpu_pt_pool *pool,
			u64 base, u64 size, unsigned long reserve);
int svmgpu_pt_pool_alloc(struct svmgpu_pt_pool *pool, bool kernel, u64 *addr);
void svmgpu_pt_pool_free(struct svmgpu_pt_pool *pool, u64 addr);
unsigned long svmgpu_pt_pool_used(struct svmgpu_pt_pool *pool);

#endif /* __SVMGPU_PT_POOL_H__ */
