/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_PT_POOL_H__
#define __SVMGPU_PT_POOL_H__

#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct svmgpu_pt_pool;

/* The largest chunk: 2 MiB of 4 KiB pages. */
#define SVMGPU_PT_CHUNK_PAGES	(SZ_2M / SZ_4K)

/**
 * struct svmgpu_pt_chunk - A piece of VRAM the pool hands out by pages.
 */
struct svmgpu_pt_chunk {
	/** @link: In &svmgpu_pt_pool.chunks. */
	struct list_head link;

	/** @owner: What &svmgpu_pt_pool_ops.grow returned for it. */
	void *owner;

	/** @base: VRAM offset of its first page. */
	u64 base;

	/** @pages: Its number of pages. */
	unsigned int pages;

	/** @used: Pages handed out. */
	unsigned int used;

	/** @bitmap: One bit per page, set when handed out. */
	DECLARE_BITMAP(bitmap, SVMGPU_PT_CHUNK_PAGES);
};

/**
 * struct svmgpu_pt_pool_ops - Where the pool gets its VRAM.
 */
struct svmgpu_pt_pool_ops {
	/**
	 * @grow: Get @size bytes of contiguous VRAM, @size-aligned if it
	 * can; sleeps, and is interruptible if @interruptible. Returns 0
	 * and the VRAM offset in *@base, and a cookie for @shrink in
	 * *@owner; or a negative error code.
	 */
	int (*grow)(struct svmgpu_pt_pool *pool, u64 size, bool interruptible,
		    u64 *base, void **owner);

	/** @shrink: Give back what @grow returned. May sleep. */
	void (*shrink)(struct svmgpu_pt_pool *pool, void *owner);
};

/**
 * struct svmgpu_pt_pool - VRAM pages for page tables, taken on demand.
 *
 * See DOC: page-table pool.
 */
struct svmgpu_pt_pool {
	/** @ops: The VRAM source. */
	const struct svmgpu_pt_pool_ops *ops;

	/**
	 * @grow_lock: Serialises growing and shrinking, which call @ops.
	 * Never taken under a page-table lock.
	 */
	struct mutex grow_lock;

	/**
	 * @lock: Protects @chunks, the chunks' @used and @bitmap, and the
	 * counters below. A leaf spinlock.
	 */
	spinlock_t lock;

	/** @chunks: The chunks, with free pages or not. */
	struct list_head chunks;

	/** @pages: Pages in @chunks. */
	unsigned long pages;

	/** @used: Pages handed out. */
	unsigned long used;

	/** @max_pages: Cap of @pages. */
	unsigned long max_pages;

	/** @empty: Chunks with no page handed out. */
	unsigned int empty;

	/** @shrink_work: Gives back empty chunks but one. */
	struct work_struct shrink_work;
};

void svmgpu_pt_pool_init(struct svmgpu_pt_pool *pool,
			 const struct svmgpu_pt_pool_ops *ops,
			 unsigned long max_pages);
void svmgpu_pt_pool_fini(struct svmgpu_pt_pool *pool);
int svmgpu_pt_pool_alloc(struct svmgpu_pt_pool *pool, bool interruptible,
			 u64 *addr, struct svmgpu_pt_chunk **chunk);
void svmgpu_pt_pool_free(struct svmgpu_pt_pool *pool,
			 struct svmgpu_pt_chunk *chunk, u64 addr);
unsigned long svmgpu_pt_pool_used(struct svmgpu_pt_pool *pool);
unsigned long svmgpu_pt_pool_pages(struct svmgpu_pt_pool *pool);

#endif /* __SVMGPU_PT_POOL_H__ */
