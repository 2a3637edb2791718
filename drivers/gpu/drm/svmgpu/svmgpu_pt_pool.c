// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/bitmap.h>

#include <drm/drm_managed.h>

#include <kunit/visibility.h>

#include "hw/svmgpu_hw_regs.h"
#include "svmgpu_pt_pool.h"

/**
 * DOC: page-table pool
 *
 * GPU page tables, and the kernel queue's command pages, live in VRAM, in
 * a pool carved out of the top of VRAM, outside TTM: a table allocation
 * must never evict a BO, because the eviction would have to update page
 * tables itself. The pool is a sixteenth of VRAM.
 *
 * Allocations are charged to the VM that makes them (svmgpu_pt.c), which
 * has a cap, so that one VM cannot take the whole pool. The last
 * @svmgpu_pt_pool.reserve pages are kept for the kernel's own allocations
 * (the kernel queue's tables and command pages), so that users running the
 * pool dry cannot make a kernel move fail. A user allocation that finds
 * the pool exhausted fails with -ENOSPC.
 */

/**
 * svmgpu_pt_pool_init() - Set up a pool.
 * @drm: The DRM device, whose lifetime manages the bitmap.
 * @pool: The pool.
 * @base: VRAM offset of the pool.
 * @size: Size of the pool in bytes.
 * @reserve: Pages kept for kernel allocations.
 *
 * Return: 0 or -ENOMEM.
 */
int svmgpu_pt_pool_init(struct drm_device *drm, struct svmgpu_pt_pool *pool,
			u64 base, u64 size, unsigned long reserve)
{
	spin_lock_init(&pool->lock);
	pool->base = base;
	pool->pages = size / SVMGPU_PT_SIZE;
	pool->used = 0;
	pool->reserve = min(reserve, pool->pages);
	pool->bitmap = drmm_kcalloc(drm, BITS_TO_LONGS(pool->pages),
				    sizeof(unsigned long), GFP_KERNEL);
	return pool->bitmap ? 0 : -ENOMEM;
}

/**
 * svmgpu_pt_pool_alloc() - Take a page.
 * @pool: The pool.
 * @kernel: The kernel's own allocation, which may use the reserve.
 * @addr: Out: VRAM offset of the page.
 *
 * Does not sleep.
 *
 * Return: 0, or -ENOSPC if the pool (less the reserve, for users) is full.
 */
int svmgpu_pt_pool_alloc(struct svmgpu_pt_pool *pool, bool kernel, u64 *addr)
{
	unsigned long limit = kernel ? pool->pages : pool->pages - pool->reserve;
	unsigned long bit = pool->pages;

	spin_lock(&pool->lock);
	if (pool->used < limit) {
		bit = find_first_zero_bit(pool->bitmap, pool->pages);
		if (bit < pool->pages) {
			__set_bit(bit, pool->bitmap);
			pool->used++;
		}
	}
	spin_unlock(&pool->lock);

	if (bit >= pool->pages)
		return -ENOSPC;
	*addr = pool->base + bit * SVMGPU_PT_SIZE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_pool_alloc);

/**
 * svmgpu_pt_pool_free() - Give back a page.
 * @pool: The pool.
 * @addr: VRAM offset of the page, from svmgpu_pt_pool_alloc().
 */
void svmgpu_pt_pool_free(struct svmgpu_pt_pool *pool, u64 addr)
{
	unsigned long bit = (addr - pool->base) / SVMGPU_PT_SIZE;

	spin_lock(&pool->lock);
	__clear_bit(bit, pool->bitmap);
	pool->used--;
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_pool_free);

/**
 * svmgpu_pt_pool_used() - Pages in use, for debugfs and tests.
 * @pool: The pool.
 *
 * Return: The number of allocated pages.
 */
unsigned long svmgpu_pt_pool_used(struct svmgpu_pt_pool *pool)
{
	return READ_ONCE(pool->used);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_pool_used);
