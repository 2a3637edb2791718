// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/bug.h>
#include <linux/slab.h>

#include <kunit/visibility.h>

#include "hw/svmgpu_hw_regs.h"
#include "svmgpu_pt_pool.h"

/**
 * DOC: page-table pool
 *
 * GPU page tables, and the kernel queue's command pages, are pages of
 * VRAM that the pool takes from TTM on demand, in chunks of 2 MiB (64 KiB
 * or 4 KiB when VRAM is too fragmented for that), from the top of VRAM
 * down, and gives back once they are empty. A chunk is a pinned kernel BO (svmgpu_ttm.c): tables
 * never move, because a move would have to update the tables that point
 * at them. So growing the pool may evict BOs, and must not happen under
 * any lock that a BO move takes: svmgpu_pt_pool_alloc() is only called
 * from svmgpu_pt.c's table cache, outside the page-table locks.
 *
 * The pool may hold at most @svmgpu_pt_pool.max_pages pages, an eighth of
 * VRAM, so that BOs always have the rest. Within that, each address
 * space's tables are charged to it and to its DRM file, which have caps
 * (DOC: page tables). Running out gives -ENOSPC.
 *
 * Freeing a page never sleeps and never allocates, so that a page-table
 * lock may be held across it. When a chunk becomes empty, a worker gives
 * it back to TTM, keeping one empty chunk so that a client mapping and
 * unmapping at a table boundary does not make the pool grow and shrink
 * every time.
 */

static void svmgpu_pt_pool_shrink_work(struct work_struct *work);

/**
 * svmgpu_pt_pool_init() - Set up an empty pool.
 * @pool: The pool.
 * @ops: Where it gets VRAM.
 * @max_pages: How many pages it may hold.
 */
void svmgpu_pt_pool_init(struct svmgpu_pt_pool *pool,
			 const struct svmgpu_pt_pool_ops *ops,
			 unsigned long max_pages)
{
	pool->ops = ops;
	mutex_init(&pool->grow_lock);
	spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->chunks);
	pool->pages = 0;
	pool->used = 0;
	pool->max_pages = max_pages;
	pool->empty = 0;
	INIT_WORK(&pool->shrink_work, svmgpu_pt_pool_shrink_work);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_pool_init);

/* Give back @chunks, which are off the pool's list. */
static void svmgpu_pt_pool_put_chunks(struct svmgpu_pt_pool *pool,
				      struct list_head *chunks)
{
	struct svmgpu_pt_chunk *chunk, *next;

	list_for_each_entry_safe(chunk, next, chunks, link) {
		list_del(&chunk->link);
		pool->ops->shrink(pool, chunk->owner);
		kfree(chunk);
	}
}

/**
 * svmgpu_pt_pool_fini() - Give every chunk back.
 * @pool: The pool. Every page must have been freed; if one was not, the
 * chunks are leaked.
 */
void svmgpu_pt_pool_fini(struct svmgpu_pt_pool *pool)
{
	LIST_HEAD(chunks);

	cancel_work_sync(&pool->shrink_work);
	/* A page still in use: leak the chunks rather than free them. */
	if (WARN_ON(pool->used))
		return;

	mutex_lock(&pool->grow_lock);
	spin_lock(&pool->lock);
	list_splice_init(&pool->chunks, &chunks);
	pool->pages = 0;
	pool->empty = 0;
	spin_unlock(&pool->lock);
	svmgpu_pt_pool_put_chunks(pool, &chunks);
	mutex_unlock(&pool->grow_lock);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_pool_fini);

static void svmgpu_pt_pool_shrink_work(struct work_struct *work)
{
	struct svmgpu_pt_pool *pool =
		container_of(work, struct svmgpu_pt_pool, shrink_work);
	struct svmgpu_pt_chunk *chunk, *next;
	LIST_HEAD(chunks);

	mutex_lock(&pool->grow_lock);
	spin_lock(&pool->lock);
	list_for_each_entry_safe(chunk, next, &pool->chunks, link) {
		if (pool->empty <= 1)
			break;
		if (chunk->used)
			continue;
		list_move(&chunk->link, &chunks);
		pool->pages -= chunk->pages;
		pool->empty--;
	}
	spin_unlock(&pool->lock);
	svmgpu_pt_pool_put_chunks(pool, &chunks);
	mutex_unlock(&pool->grow_lock);
}

/* Take a free page of the chunks the pool has. */
static bool svmgpu_pt_pool_take(struct svmgpu_pt_pool *pool, u64 *addr,
				struct svmgpu_pt_chunk **out)
{
	struct svmgpu_pt_chunk *chunk;
	unsigned long bit;

	spin_lock(&pool->lock);
	list_for_each_entry(chunk, &pool->chunks, link) {
		if (chunk->used == chunk->pages)
			continue;
		bit = find_first_zero_bit(chunk->bitmap, chunk->pages);
		__set_bit(bit, chunk->bitmap);
		if (!chunk->used++)
			pool->empty--;
		pool->used++;
		spin_unlock(&pool->lock);

		*addr = chunk->base + bit * SVMGPU_PT_SIZE;
		*out = chunk;
		return true;
	}
	spin_unlock(&pool->lock);
	return false;
}

/* Add a chunk of @size bytes. Under grow_lock. */
static int svmgpu_pt_pool_add(struct svmgpu_pt_pool *pool, u64 size,
			      bool interruptible)
{
	struct svmgpu_pt_chunk *chunk;
	int ret;

	chunk = kzalloc(sizeof(*chunk), GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;

	ret = pool->ops->grow(pool, size, interruptible, &chunk->base,
			      &chunk->owner);
	if (ret) {
		kfree(chunk);
		/* TTM says -ENOMEM when VRAM has no room after eviction. */
		return ret == -ENOMEM ? -ENOSPC : ret;
	}
	chunk->pages = size / SVMGPU_PT_SIZE;

	spin_lock(&pool->lock);
	list_add_tail(&chunk->link, &pool->chunks);
	pool->pages += chunk->pages;
	pool->empty++;
	spin_unlock(&pool->lock);
	return 0;
}

/*
 * Make the pool hold a free page: a chunk as large as the cap allows and
 * VRAM can give contiguously.
 */
static int svmgpu_pt_pool_grow(struct svmgpu_pt_pool *pool,
			       bool interruptible)
{
	static const u64 sizes[] = { SZ_2M, SZ_64K, SZ_4K };
	unsigned long room;
	unsigned int i;
	int ret;

	if (interruptible) {
		ret = mutex_lock_interruptible(&pool->grow_lock);
		if (ret)
			return ret;
	} else {
		mutex_lock(&pool->grow_lock);
	}

	spin_lock(&pool->lock);
	room = pool->max_pages - pool->pages;
	/* Another task grew it meanwhile. */
	ret = pool->used < pool->pages ? 0 : -ENOSPC;
	spin_unlock(&pool->lock);
	if (!ret)
		goto out;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (sizes[i] / SVMGPU_PT_SIZE > room)
			continue;
		ret = svmgpu_pt_pool_add(pool, sizes[i], interruptible);
		/* Out of contiguous VRAM: try a smaller chunk. */
		if (ret != -ENOSPC)
			break;
	}
out:
	mutex_unlock(&pool->grow_lock);
	return ret;
}

/**
 * svmgpu_pt_pool_alloc() - Take a page.
 * @pool: The pool.
 * @interruptible: Whether growing the pool may be interrupted.
 * @addr: Out: VRAM offset of the page.
 * @chunk: Out: Its chunk, for svmgpu_pt_pool_free().
 *
 * Grows the pool if it has no free page, which may evict BOs: the caller
 * holds no lock that a BO move takes.
 *
 * Return: 0; -ENOSPC if the pool is at its cap or VRAM has no room even
 * after eviction; -ENOMEM; or -EINTR or -ERESTARTSYS if @interruptible.
 */
int svmgpu_pt_pool_alloc(struct svmgpu_pt_pool *pool, bool interruptible,
			 u64 *addr, struct svmgpu_pt_chunk **chunk)
{
	int ret;

	might_sleep();

	while (!svmgpu_pt_pool_take(pool, addr, chunk)) {
		ret = svmgpu_pt_pool_grow(pool, interruptible);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_pool_alloc);

/**
 * svmgpu_pt_pool_free() - Give back a page.
 * @pool: The pool.
 * @chunk: Its chunk, from svmgpu_pt_pool_alloc().
 * @addr: VRAM offset of the page.
 *
 * Never sleeps and never allocates.
 */
void svmgpu_pt_pool_free(struct svmgpu_pt_pool *pool,
			 struct svmgpu_pt_chunk *chunk, u64 addr)
{
	unsigned long bit = (addr - chunk->base) / SVMGPU_PT_SIZE;
	bool shrink = false;

	spin_lock(&pool->lock);
	__clear_bit(bit, chunk->bitmap);
	pool->used--;
	if (!--chunk->used)
		shrink = ++pool->empty > 1;
	spin_unlock(&pool->lock);

	if (shrink)
		queue_work(system_unbound_wq, &pool->shrink_work);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_pool_free);

/**
 * svmgpu_pt_pool_used() - Pages handed out, for debugfs and tests.
 * @pool: The pool.
 *
 * Return: The number of pages in use.
 */
unsigned long svmgpu_pt_pool_used(struct svmgpu_pt_pool *pool)
{
	return READ_ONCE(pool->used);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_pool_used);

/**
 * svmgpu_pt_pool_pages() - Pages the pool holds, for debugfs and tests.
 * @pool: The pool.
 *
 * Return: The number of pages taken from VRAM, used or not.
 */
unsigned long svmgpu_pt_pool_pages(struct svmgpu_pt_pool *pool)
{
	return READ_ONCE(pool->pages);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_pool_pages);
