/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_MIGRATE_H__
#define __SVMGPU_MIGRATE_H__

#include <linux/atomic.h>
#include <linux/llist.h>
#include <linux/memremap.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct mm_struct;
struct page;
struct resource;
struct svmgpu_device;
struct ttm_buffer_object;

/**
 * struct svmgpu_pagemap - The device-private pages over a device's VRAM.
 *
 * Embedded in &struct svmgpu_device. Device page n stands for VRAM page n;
 * the RAM behind the emulated VRAM is never part of a pagemap.
 */
struct svmgpu_pagemap {
	/** @pgmap: The MEMORY_DEVICE_PRIVATE pagemap; owner is the device. */
	struct dev_pagemap pgmap;

	/** @res: The free physical range the pagemap's pfns come from. */
	struct resource *res;

	/** @pfn_first: pfn of the device page of VRAM offset 0. */
	unsigned long pfn_first;

	/** @zero_page: A zeroed page, source of pages never touched. */
	struct page *zero_page;

	/** @zero_dma: DMA address of @zero_page. */
	dma_addr_t zero_dma;

	/**
	 * @scratch_page: Where a migration to system memory points the
	 * window entries of pages it does not copy, so that no bug can
	 * write into @zero_page.
	 */
	struct page *scratch_page;

	/** @scratch_dma: DMA address of @scratch_page. */
	dma_addr_t scratch_dma;

	/** @lock: Protects @chunks. */
	spinlock_t lock;

	/** @chunks: Every live &struct svmgpu_migrate_chunk. */
	struct list_head chunks;

	/** @free: Chunks whose last device page was freed. */
	struct llist_head free;

	/** @free_work: Releases the chunks on @free, in process context. */
	struct work_struct free_work;

	/** @vram_bytes: VRAM held by live chunks. */
	atomic64_t vram_bytes;
};

int svmgpu_migrate_init(struct svmgpu_device *sdev);
bool svmgpu_migrate_is_chunk(struct ttm_buffer_object *tbo);
void svmgpu_migrate_chunk_evict(struct ttm_buffer_object *tbo);
int svmgpu_migrate_to_vram(struct svmgpu_device *sdev, struct mm_struct *mm,
			   const void *owner, u64 start, u64 end,
			   bool interruptible, unsigned long *moved);
void svmgpu_migrate_release(struct svmgpu_device *sdev, const void *owner);
void svmgpu_migrate_reown(struct svmgpu_device *sdev, const void *owner,
			  const void *heir);
int svmgpu_migrate_to_ram(struct svmgpu_device *sdev, struct mm_struct *mm,
			  u64 start, u64 end);
bool svmgpu_migrate_page_is_vram(struct svmgpu_device *sdev,
				 struct page *page);
u64 svmgpu_migrate_page_vram(struct svmgpu_device *sdev, struct page *page);

#endif /* __SVMGPU_MIGRATE_H__ */
