/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_PT_H__
#define __SVMGPU_PT_H__

#include <linux/types.h>

struct drm_printer;
struct svmgpu_device;

/**
 * struct svmgpu_pt - One GPU page table: a page of the page-table pool.
 */
struct svmgpu_pt {
	/** @addr: VRAM offset of the table. */
	u64 addr;

	/** @entries: Kernel mapping of the table. */
	__le64 *entries;

	/** @children: Lower tables, for levels above 0; else NULL. */
	struct svmgpu_pt **children;

	/** @level: Level of the table, 0 to 3. */
	unsigned int level;
};

/**
 * struct svmgpu_pt_backing - The memory a range of GPU VA maps.
 *
 * Page n of the range is at @vram + n * 4 KiB in VRAM, or at @dma[n] in
 * system memory when @dma is set.
 */
struct svmgpu_pt_backing {
	/** @vram: VRAM offset of the first page. */
	u64 vram;

	/** @dma: DMA addresses of system pages, or NULL for VRAM. */
	const dma_addr_t *dma;
};

int svmgpu_pt_pool_init(struct svmgpu_device *sdev);
u64 svmgpu_pt_pool_base(struct svmgpu_device *sdev);
int svmgpu_pt_pool_alloc(struct svmgpu_device *sdev, u64 *addr);
void svmgpu_pt_pool_free(struct svmgpu_device *sdev, u64 addr);

struct svmgpu_pt *svmgpu_pt_create_root(struct svmgpu_device *sdev);
void svmgpu_pt_destroy(struct svmgpu_device *sdev, struct svmgpu_pt *pt);
int svmgpu_pt_map(struct svmgpu_device *sdev, struct svmgpu_pt *root,
		  u64 va, u64 size, const struct svmgpu_pt_backing *backing,
		  bool writable);
void svmgpu_pt_unmap(struct svmgpu_device *sdev, struct svmgpu_pt *root,
		     u64 va, u64 size);
void svmgpu_pt_dump(struct svmgpu_pt *root, struct drm_printer *p);

#endif /* __SVMGPU_PT_H__ */
