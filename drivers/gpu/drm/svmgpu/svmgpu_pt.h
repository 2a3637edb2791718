/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_PT_H__
#define __SVMGPU_PT_H__

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/types.h>

struct drm_printer;
struct mutex;
struct svmgpu_hw;
struct svmgpu_pt_chunk;
struct svmgpu_pt_pool;

/**
 * struct svmgpu_pt - One GPU page table: a page of the page-table pool.
 */
struct svmgpu_pt {
	/** @addr: VRAM offset of the table. */
	u64 addr;

	/** @chunk: The pool's chunk the page is in. */
	struct svmgpu_pt_chunk *chunk;

	/** @entries: Kernel mapping of the table. */
	__le64 *entries;

	/** @children: Lower tables, for levels above 0; else NULL. */
	struct svmgpu_pt **children;

	/**
	 * @refs: Number of (reserved range, entry) pairs: for each range
	 * svmgpu_pt_reserve() took, one per entry of this table it covers.
	 * The table is freed when it drops to zero.
	 */
	unsigned int refs;

	/** @level: Level of the table, 0 to 3. */
	unsigned int level;

	/**
	 * @stale: In &svmgpu_pt_tree.stale once unlinked, until the TLB
	 * invalidation after which svmgpu_pt_free_stale() frees it; before
	 * it is linked, in the cache of the svmgpu_pt_reserve() that
	 * allocated it.
	 */
	struct list_head stale;
};

/**
 * struct svmgpu_pt_quota - Page tables charged to one owner of trees.
 *
 * A DRM file's VMs share one, so that a client cannot get more tables by
 * creating more VMs.
 */
struct svmgpu_pt_quota {
	/** @tables: Tables charged. */
	atomic_long_t tables;

	/** @max: Cap of @tables; constant. */
	unsigned long max;
};

/**
 * struct svmgpu_pt_tree - The page tables of one GPU address space.
 *
 * All fields, and the tables, are protected by @lock, which the caller
 * holds around every call but svmgpu_pt_tree_init(),
 * svmgpu_pt_tree_fini() and svmgpu_pt_reserve(). Nothing allocates
 * under @lock.
 */
struct svmgpu_pt_tree {
	/** @pool: Where the tables come from. */
	struct svmgpu_pt_pool *pool;

	/** @hw: The GPU, for the kernel mappings of VRAM. */
	struct svmgpu_hw *hw;

	/** @lock: The owner's lock that serialises changes. */
	struct mutex *lock;

	/** @root: The level-3 table. */
	struct svmgpu_pt *root;

	/**
	 * @tables: Tables allocated, the root, stale ones and those in a
	 * reservation's cache included.
	 */
	unsigned long tables;

	/** @max_tables: The cap of @tables. */
	unsigned long max_tables;

	/** @quota: Where the tables are charged too, or NULL. */
	struct svmgpu_pt_quota *quota;

	/**
	 * @kernel: The kernel's own tree: its allocations are not charged to
	 * the current task's memory cgroup, nor interruptible.
	 */
	bool kernel;

	/** @stale: Unlinked tables, freed after the next TLB invalidation. */
	struct list_head stale;
};

/**
 * struct svmgpu_pt_backing - The memory a range of GPU VA maps.
 *
 * Page n of the range is at @vram + n * 4 KiB in VRAM, or at @dma[n] when
 * @dma is set: in system memory, or in VRAM at @dma[n] less
 * %SVMGPU_PT_DMA_VRAM if that bit is set (device-private pages of the SVM
 * mirror, which a range may mix with system pages).
 */
struct svmgpu_pt_backing {
	/** @vram: VRAM offset of the first page. */
	u64 vram;

	/** @dma: Addresses of the pages, or NULL for VRAM from @vram. */
	const dma_addr_t *dma;

	/** @no_atomic: GPU atomics fault (%SVMGPU_PTE_NO_ATOMIC). */
	bool no_atomic;
};

/* Tags an entry of &svmgpu_pt_backing.dma as a VRAM offset. */
#define SVMGPU_PT_DMA_VRAM	((dma_addr_t)1)

int svmgpu_pt_tree_init(struct svmgpu_pt_tree *tree,
			struct svmgpu_pt_pool *pool, struct svmgpu_hw *hw,
			struct mutex *lock, unsigned long max_tables,
			struct svmgpu_pt_quota *quota, bool kernel);
void svmgpu_pt_tree_fini(struct svmgpu_pt_tree *tree);
int svmgpu_pt_reserve(struct svmgpu_pt_tree *tree, u64 va, u64 size);
void svmgpu_pt_reserve_inside(struct svmgpu_pt_tree *tree, u64 va, u64 size);
void svmgpu_pt_release(struct svmgpu_pt_tree *tree, u64 va, u64 size);
void svmgpu_pt_map(struct svmgpu_pt_tree *tree, u64 va, u64 size,
		   const struct svmgpu_pt_backing *backing, bool writable);
void svmgpu_pt_unmap(struct svmgpu_pt_tree *tree, u64 va, u64 size);
void svmgpu_pt_free_stale(struct svmgpu_pt_tree *tree);
void svmgpu_pt_dump(struct svmgpu_pt_tree *tree, struct drm_printer *p);

#endif /* __SVMGPU_PT_H__ */
