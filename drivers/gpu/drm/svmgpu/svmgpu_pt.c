// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/err.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include <drm/drm_print.h>

#include <kunit/visibility.h>

#include "hw/svmgpu_hw_regs.h"
#include "hw/svmgpu_hw.h"
#include "svmgpu_pt.h"
#include "svmgpu_pt_pool.h"

/**
 * DOC: page tables
 *
 * GPU page tables are in the hardware's format (hw/svmgpu_hw_regs.h) and
 * are pages of VRAM from the page-table pool (svmgpu_pt_pool.c), which
 * takes them from TTM on demand. Each address space has a &struct
 * svmgpu_pt_tree, whose tables are charged to it, and to the DRM file
 * that owns it (&struct svmgpu_pt_quota), each with a cap, so that one
 * client cannot take the tables every other client needs.
 *
 * Tables exist exactly where the address space has reserved ranges:
 * svmgpu_pt_reserve() creates every table a range needs, down to level 0,
 * and counts a reference per entry in each table on the way;
 * svmgpu_pt_release() drops them and unlinks the tables whose count falls
 * to zero. Reserving is the only step that allocates, and the only one
 * that can fail (-ENOSPC when a cap, the pool or VRAM is exhausted,
 * -ENOMEM, or a signal). Writing and clearing leaves, svmgpu_pt_map() and
 * svmgpu_pt_unmap(), never allocate and cannot fail, so a BO move can
 * always point a mapping at the BO's new memory.
 *
 * Nothing allocates under the tree's lock, so that code which reclaim
 * reaches (a BO eviction, an mmu notifier) may take it. svmgpu_pt_reserve()
 * counts the tables a range lacks under the lock, allocates and charges
 * them into a private cache without it, then links them under it again.
 * The caller serialises reservations of a tree (a VM's are under its
 * &svmgpu_vm.lock), so the count stays right between the two.
 *
 * svmgpu_pt_map() picks, for every part of a range, the largest leaf that
 * the alignment of the GPU address and of the memory allows: 2 MiB, then
 * 64 KiB (16 entries flagged %SVMGPU_PTE_64K), then 4 KiB. A 2 MiB leaf
 * keeps its level-0 table, unlinked, so that a later remap with smaller
 * leaves needs no allocation: the cost is one table per 2 MiB.
 *
 * Engines walk the tables without locks, so an unlinked table is not
 * freed at once: it goes to the tree's stale list, and the owner frees it
 * with svmgpu_pt_free_stale() after the TLB invalidation that follows
 * every change, which guarantees that no walk through the old entry is
 * still in flight. Freeing never allocates or sleeps.
 */

#define PT_LEVEL_SIZE(level)	BIT_ULL(SVMGPU_PT_SHIFT(level))

/* End of the part of [@va, @end) that @va's entry in @pt covers. */
static u64 pt_entry_end(const struct svmgpu_pt *pt, u64 va, u64 end)
{
	u64 size = PT_LEVEL_SIZE(pt->level);

	return min(ALIGN_DOWN(va, size) + size, end);
}

static void svmgpu_pt_set(struct svmgpu_pt *pt, unsigned int index, u64 pte)
{
	WRITE_ONCE(pt->entries[index], cpu_to_le64(pte));
}

static u64 svmgpu_pt_get(struct svmgpu_pt *pt, unsigned int index)
{
	return le64_to_cpu(READ_ONCE(pt->entries[index]));
}

static void tree_assert_held(struct svmgpu_pt_tree *tree)
{
	if (tree->lock)
		lockdep_assert_held(tree->lock);
}

static void tree_lock(struct svmgpu_pt_tree *tree)
{
	if (tree->lock)
		mutex_lock(tree->lock);
}

static void tree_unlock(struct svmgpu_pt_tree *tree)
{
	if (tree->lock)
		mutex_unlock(tree->lock);
}

/* Charge @n tables to @tree and its quota. Under the lock, or private. */
static int pt_charge(struct svmgpu_pt_tree *tree, unsigned long n)
{
	struct svmgpu_pt_quota *quota = tree->quota;

	long old;

	if (n > tree->max_tables - tree->tables)
		return -ENOSPC;
	if (quota) {
		/* Never over the cap, even briefly: siblings charge too. */
		old = atomic_long_read(&quota->tables);
		do {
			if (n > quota->max - old)
				return -ENOSPC;
		} while (!atomic_long_try_cmpxchg(&quota->tables, &old,
						  old + n));
	}
	tree->tables += n;
	return 0;
}

static void pt_uncharge(struct svmgpu_pt_tree *tree, unsigned long n)
{
	tree->tables -= n;
	if (tree->quota)
		atomic_long_sub(n, &tree->quota->tables);
}

/* A new, empty table. May sleep and evict BOs: no tree lock is held. */
static struct svmgpu_pt *pt_alloc(struct svmgpu_pt_tree *tree,
				  unsigned int level)
{
	gfp_t gfp = tree->kernel ? GFP_KERNEL : GFP_KERNEL_ACCOUNT;
	struct svmgpu_pt *pt;
	int ret;

	pt = kzalloc(sizeof(*pt), gfp);
	if (!pt)
		return ERR_PTR(-ENOMEM);

	ret = -ENOMEM;
	if (level) {
		pt->children = kcalloc(SVMGPU_PT_ENTRIES,
				       sizeof(*pt->children), gfp);
		if (!pt->children)
			goto err_free;
	}

	ret = svmgpu_pt_pool_alloc(tree->pool, !tree->kernel, &pt->addr,
				   &pt->chunk);
	if (ret)
		goto err_free;

	pt->level = level;
	INIT_LIST_HEAD(&pt->stale);
	pt->entries = svmgpu_hw_vram_vaddr(tree->hw, pt->addr);
	memset(pt->entries, 0, SVMGPU_PT_SIZE);
	return pt;

err_free:
	kfree(pt->children);
	kfree(pt);
	return ERR_PTR(ret);
}

/* Free a table, charged or not. Never sleeps or allocates. */
static void pt_destroy(struct svmgpu_pt_tree *tree, struct svmgpu_pt *pt)
{
	svmgpu_pt_pool_free(tree->pool, pt->chunk, pt->addr);
	kfree(pt->children);
	kfree(pt);
}

static void pt_free(struct svmgpu_pt_tree *tree, struct svmgpu_pt *pt)
{
	pt_destroy(tree, pt);
	pt_uncharge(tree, 1);
}

static void pt_free_stale(struct svmgpu_pt_tree *tree)
{
	struct svmgpu_pt *pt, *next;

	list_for_each_entry_safe(pt, next, &tree->stale, stale) {
		list_del(&pt->stale);
		/* Unreferenced, so every table below went stale before it. */
		pt_free(tree, pt);
	}
}

/* Free @pt and every table below it. No engine may reach them. */
static void pt_free_all(struct svmgpu_pt_tree *tree, struct svmgpu_pt *pt)
{
	unsigned int i;

	for (i = 0; pt->children && i < SVMGPU_PT_ENTRIES; i++)
		if (pt->children[i])
			pt_free_all(tree, pt->children[i]);
	pt_free(tree, pt);
}

/* Levels a table below the root can have. */
#define PT_CACHE_LEVELS		(SVMGPU_PT_LEVELS - 1)

/* Tables allocated and charged for one svmgpu_pt_reserve(), not linked. */
struct pt_cache {
	struct list_head tables[PT_CACHE_LEVELS];
	unsigned long count[PT_CACHE_LEVELS];
};

static void pt_cache_init(struct pt_cache *cache)
{
	unsigned int level;

	for (level = 0; level < PT_CACHE_LEVELS; level++) {
		INIT_LIST_HEAD(&cache->tables[level]);
		cache->count[level] = 0;
	}
}

static void pt_cache_put(struct pt_cache *cache, struct svmgpu_pt *pt)
{
	list_add(&pt->stale, &cache->tables[pt->level]);
	cache->count[pt->level]++;
}

static struct svmgpu_pt *pt_cache_take(struct pt_cache *cache,
				       unsigned int level)
{
	struct svmgpu_pt *pt;

	pt = list_first_entry_or_null(&cache->tables[level], struct svmgpu_pt,
				      stale);
	if (pt) {
		list_del_init(&pt->stale);
		cache->count[level]--;
	}
	return pt;
}

/*
 * Allocate @need[level] tables of each level into @cache, which are
 * charged already. Without the tree's lock. On failure, uncharges those
 * it could not allocate; those it did stay in @cache.
 */
static int pt_cache_fill(struct svmgpu_pt_tree *tree, struct pt_cache *cache,
			 const unsigned long *need)
{
	unsigned long left = 0, n;
	unsigned int level;
	struct svmgpu_pt *pt;

	for (level = 0; level < PT_CACHE_LEVELS; level++)
		left += need[level];

	for (level = 0; level < PT_CACHE_LEVELS; level++) {
		for (n = 0; n < need[level]; n++, left--) {
			pt = pt_alloc(tree, level);
			if (IS_ERR(pt)) {
				tree_lock(tree);
				pt_uncharge(tree, left);
				tree_unlock(tree);
				return PTR_ERR(pt);
			}
			pt_cache_put(cache, pt);
		}
	}
	return 0;
}

/* Free what is left in @cache, and uncharge it. Without the tree's lock. */
static void pt_cache_drain(struct svmgpu_pt_tree *tree, struct pt_cache *cache)
{
	unsigned long total = 0;
	unsigned int level;
	struct svmgpu_pt *pt;

	for (level = 0; level < PT_CACHE_LEVELS; level++) {
		total += cache->count[level];
		while ((pt = pt_cache_take(cache, level)))
			pt_destroy(tree, pt);
	}
	if (total) {
		tree_lock(tree);
		pt_uncharge(tree, total);
		tree_unlock(tree);
	}
}

/**
 * svmgpu_pt_tree_init() - Create the page tables of an address space.
 * @tree: The tree.
 * @pool: The pool its tables come from.
 * @hw: The GPU.
 * @lock: The owner's lock, held around every later call; or NULL.
 * @max_tables: How many tables it may have, the root included.
 * @quota: Where its tables are charged too, or NULL.
 * @kernel: The kernel's own address space, whose allocations are
 * neither charged to the current task's memory cgroup nor interruptible.
 *
 * Allocates the root table, so it may sleep and evict BOs.
 *
 * Return: 0; -ENOSPC; -ENOMEM; or, unless @kernel, -EINTR or -ERESTARTSYS.
 */
int svmgpu_pt_tree_init(struct svmgpu_pt_tree *tree,
			struct svmgpu_pt_pool *pool, struct svmgpu_hw *hw,
			struct mutex *lock, unsigned long max_tables,
			struct svmgpu_pt_quota *quota, bool kernel)
{
	struct svmgpu_pt *root;
	int ret;

	tree->pool = pool;
	tree->hw = hw;
	tree->lock = lock;
	tree->tables = 0;
	tree->max_tables = max_tables;
	tree->quota = quota;
	tree->kernel = kernel;
	INIT_LIST_HEAD(&tree->stale);

	/* Nobody else knows the tree yet: no lock for the charge. */
	ret = pt_charge(tree, 1);
	if (ret)
		return ret;
	root = pt_alloc(tree, SVMGPU_PT_LEVELS - 1);
	if (IS_ERR(root)) {
		pt_uncharge(tree, 1);
		return PTR_ERR(root);
	}
	tree->root = root;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_tree_init);

/**
 * svmgpu_pt_tree_fini() - Free every table of an address space.
 * @tree: The tree. No engine may use it any more, and no TLB may hold a
 * translation through it.
 */
void svmgpu_pt_tree_fini(struct svmgpu_pt_tree *tree)
{
	pt_free_stale(tree);
	pt_free_all(tree, tree->root);
	tree->root = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_tree_fini);

/*
 * Count in @need[level] the tables of each level that [@va, @end) lacks
 * below @pt.
 */
static void pt_count_missing(const struct svmgpu_pt *pt, u64 va, u64 end,
			     unsigned long *need)
{
	unsigned int index, level;
	u64 next, span;

	if (!pt->level)
		return;

	for (; va < end; va = next) {
		index = SVMGPU_PT_INDEX(va, pt->level);
		next = pt_entry_end(pt, va, end);

		if (pt->children[index]) {
			pt_count_missing(pt->children[index], va, next, need);
			continue;
		}
		/* Nothing below: a table per span of each lower level. */
		for (level = 0; level < pt->level; level++) {
			span = PT_LEVEL_SIZE(level + 1);
			need[level] += (ALIGN(next, span) -
					ALIGN_DOWN(va, span)) / span;
		}
	}
}

/* Link tables from @cache where [@va, @end) lacks them below @pt. */
static int pt_populate(struct svmgpu_pt_tree *tree, struct pt_cache *cache,
		       struct svmgpu_pt *pt, u64 va, u64 end)
{
	struct svmgpu_pt *child;
	unsigned int index;
	u64 next;
	int ret;

	if (!pt->level)
		return 0;

	for (; va < end; va = next) {
		index = SVMGPU_PT_INDEX(va, pt->level);
		next = pt_entry_end(pt, va, end);
		child = pt->children[index];

		if (!child) {
			child = pt_cache_take(cache, pt->level - 1);
			if (!child)
				return -EAGAIN;
			pt->children[index] = child;
		}
		ret = pt_populate(tree, cache, child, va, next);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Put the tables below @pt in [@va, @end) that nothing references back in
 * @cache. They were never linked in the hardware's entries.
 */
static void pt_prune_new(struct pt_cache *cache, struct svmgpu_pt *pt,
			 u64 va, u64 end)
{
	struct svmgpu_pt *child;
	unsigned int index;
	u64 next;

	if (!pt->level)
		return;

	for (; va < end; va = next) {
		index = SVMGPU_PT_INDEX(va, pt->level);
		next = pt_entry_end(pt, va, end);
		child = pt->children[index];

		if (!child)
			continue;
		pt_prune_new(cache, child, va, next);
		if (!child->refs) {
			pt->children[index] = NULL;
			pt_cache_put(cache, child);
		}
	}
}

/* Count a reference per entry of [@va, @end) in @pt and below. */
static void pt_ref(struct svmgpu_pt *pt, u64 va, u64 end)
{
	unsigned int index;
	u64 next;

	for (; va < end; va = next) {
		index = SVMGPU_PT_INDEX(va, pt->level);
		next = pt_entry_end(pt, va, end);
		pt->refs++;
		if (pt->level)
			pt_ref(pt->children[index], va, next);
	}
}

/*
 * Under the lock: reserve [@va, @end) with tables from @cache, or, if it
 * lacks some, charge them and say in @need how many of each level to add.
 */
static int pt_reserve_locked(struct svmgpu_pt_tree *tree,
			     struct pt_cache *cache, u64 va, u64 end,
			     unsigned long *need)
{
	unsigned long missing = 0;
	unsigned int level;
	int ret;

	memset(need, 0, PT_CACHE_LEVELS * sizeof(*need));
	pt_count_missing(tree->root, va, end, need);
	for (level = 0; level < PT_CACHE_LEVELS; level++) {
		need[level] -= min(need[level], cache->count[level]);
		missing += need[level];
	}
	if (missing)
		return pt_charge(tree, missing) ?: -EAGAIN;

	/* The count said the cache has every table populating takes. */
	ret = pt_populate(tree, cache, tree->root, va, end);
	if (WARN_ON_ONCE(ret)) {
		pt_prune_new(cache, tree->root, va, end);
		return -ENOSPC;
	}
	pt_ref(tree->root, va, end);
	return 0;
}

/**
 * svmgpu_pt_reserve() - Create the tables a range of GPU VA needs.
 * @tree: The tree, whose lock the caller does not hold.
 * @va: Start of the range, 4 KiB aligned.
 * @size: Size of the range, a multiple of 4 KiB.
 *
 * Reservations may overlap; each is dropped with svmgpu_pt_release() on
 * the same range. The caller serialises the reservations of @tree. Takes
 * the tree's lock only to count and to link, and allocates without it,
 * which may evict BOs.
 *
 * Return: 0; -ENOSPC if @tree's cap, its quota, the pool or VRAM is
 * exhausted; -ENOMEM; or, unless the tree is the kernel's, -EINTR or
 * -ERESTARTSYS. On failure nothing is reserved.
 */
int svmgpu_pt_reserve(struct svmgpu_pt_tree *tree, u64 va, u64 size)
{
	unsigned long need[PT_CACHE_LEVELS];
	struct pt_cache cache;
	int ret;

	if (tree->lock)
		lockdep_assert_not_held(tree->lock);

	pt_cache_init(&cache);
	do {
		tree_lock(tree);
		ret = pt_reserve_locked(tree, &cache, va, va + size, need);
		tree_unlock(tree);
		/* Charged for what the cache lacks: fill it, then go again. */
		if (ret == -EAGAIN)
			ret = pt_cache_fill(tree, &cache, need) ?: -EAGAIN;
	} while (ret == -EAGAIN);
	pt_cache_drain(tree, &cache);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_reserve);

/**
 * svmgpu_pt_reserve_inside() - Reserve a range inside a reserved one.
 * @tree: The tree.
 * @va: Start of the range, 4 KiB aligned.
 * @size: Size of the range, a multiple of 4 KiB.
 *
 * For the pieces that remain of a split mapping, reserved before the
 * mapping's own reservation is dropped: every table exists already, so
 * this only takes references, and cannot fail.
 */
void svmgpu_pt_reserve_inside(struct svmgpu_pt_tree *tree, u64 va, u64 size)
{
	tree_assert_held(tree);
	pt_ref(tree->root, va, va + size);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_reserve_inside);

static void pt_release(struct svmgpu_pt_tree *tree, struct svmgpu_pt *pt,
		       u64 va, u64 end)
{
	struct svmgpu_pt *child;
	unsigned int index;
	u64 next;

	for (; va < end; va = next) {
		index = SVMGPU_PT_INDEX(va, pt->level);
		next = pt_entry_end(pt, va, end);

		pt->refs--;
		if (!pt->level)
			continue;

		child = pt->children[index];
		pt_release(tree, child, va, next);
		if (child->refs)
			continue;

		/* Engines may still be walking it: free it after the flush. */
		svmgpu_pt_set(pt, index, 0);
		pt->children[index] = NULL;
		list_add_tail(&child->stale, &tree->stale);
	}
}

/**
 * svmgpu_pt_release() - Drop a reservation.
 * @tree: The tree.
 * @va: Start of the range given to svmgpu_pt_reserve().
 * @size: Its size.
 *
 * The range's leaves must have been cleared. Tables left without a
 * reference are unlinked and go to the tree's stale list.
 */
void svmgpu_pt_release(struct svmgpu_pt_tree *tree, u64 va, u64 size)
{
	tree_assert_held(tree);
	pt_release(tree, tree->root, va, va + size);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_release);

/**
 * svmgpu_pt_free_stale() - Free the tables that releases unlinked.
 * @tree: The tree.
 *
 * Call only once a TLB invalidation that followed the releases has
 * completed: no engine can reach the tables any more.
 */
void svmgpu_pt_free_stale(struct svmgpu_pt_tree *tree)
{
	tree_assert_held(tree);
	pt_free_stale(tree);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_free_stale);

/* The address of a page, with %SVMGPU_PT_DMA_VRAM for VRAM in @dma. */
static u64 backing_addr(const struct svmgpu_pt_backing *b, u64 page)
{
	return b->dma ? b->dma[page] : b->vram + page * SZ_4K;
}

/*
 * Are @count pages from @page contiguous, of one kind, starting
 * @align-aligned?
 */
static bool backing_contiguous(const struct svmgpu_pt_backing *b, u64 page,
			       u64 count, u64 align)
{
	u64 first = backing_addr(b, page), i;

	if (!IS_ALIGNED(first & ~(u64)SVMGPU_PT_DMA_VRAM, align))
		return false;
	for (i = 1; b->dma && i < count; i++)
		if (b->dma[page + i] != first + i * SZ_4K)
			return false;
	return true;
}

struct pt_walk {
	u64 start;	/* the range being mapped */
	u64 end;
	const struct svmgpu_pt_backing *backing;
	u64 flags;	/* PTE bits of the leaves */
};

static u64 leaf_pte(const struct pt_walk *w, u64 va)
{
	u64 addr = backing_addr(w->backing, (va - w->start) >> 12);
	u64 flags = w->flags;

	if (addr & SVMGPU_PT_DMA_VRAM)
		flags &= ~SVMGPU_PTE_SYSTEM;
	return (addr & SVMGPU_PTE_ADDR_MASK) | flags;
}

static void pt_map_level0(struct svmgpu_pt *pt, struct pt_walk *w, u64 va,
			  u64 end)
{
	while (va < end) {
		u64 block = ALIGN_DOWN(va, SZ_64K);
		unsigned int index = SVMGPU_PT_INDEX(va, 0), i;

		if (va == block && block + SZ_64K <= end &&
		    backing_contiguous(w->backing, (va - w->start) >> 12, 16,
				       SZ_64K)) {
			for (i = 0; i < 16; i++)
				svmgpu_pt_set(pt, index + i,
					      leaf_pte(w, va + i * SZ_4K) |
					      SVMGPU_PTE_64K);
			va += SZ_64K;
			continue;
		}
		svmgpu_pt_set(pt, index, leaf_pte(w, va));
		va += SZ_4K;
	}
}

static void pt_map(struct svmgpu_pt *pt, struct pt_walk *w, u64 va, u64 end)
{
	struct svmgpu_pt *child;
	unsigned int index;
	u64 next;

	if (!pt->level) {
		pt_map_level0(pt, w, va, end);
		return;
	}

	for (; va < end; va = next) {
		index = SVMGPU_PT_INDEX(va, pt->level);
		next = pt_entry_end(pt, va, end);
		child = pt->children[index];

		/* Reserved ranges have every table down to level 0. */
		if (WARN_ON_ONCE(!child))
			continue;

		if (pt->level == 1 && IS_ALIGNED(va, SZ_2M) &&
		    next - va == SZ_2M &&
		    backing_contiguous(w->backing, (va - w->start) >> 12,
				       SZ_2M / SZ_4K, SZ_2M)) {
			/* The level-0 table stays, unlinked and empty. */
			svmgpu_pt_set(pt, index, leaf_pte(w, va) |
				      SVMGPU_PTE_LEAF);
			continue;
		}

		svmgpu_pt_set(pt, index, child->addr | SVMGPU_PTE_VALID);
		pt_map(child, w, va, next);
	}
}

/**
 * svmgpu_pt_map() - Map a range of GPU VA.
 * @tree: The tree.
 * @va: Start of the range, 4 KiB aligned.
 * @size: Size of the range, a multiple of 4 KiB.
 * @backing: The memory to map.
 * @writable: Whether the GPU may write.
 *
 * The range must be reserved and unmapped. Never allocates.
 */
void svmgpu_pt_map(struct svmgpu_pt_tree *tree, u64 va, u64 size,
		   const struct svmgpu_pt_backing *backing, bool writable)
{
	struct pt_walk w = {
		.start = va,
		.end = va + size,
		.backing = backing,
		.flags = SVMGPU_PTE_VALID |
			 (writable ? SVMGPU_PTE_WRITE : 0) |
			 (backing->dma ? SVMGPU_PTE_SYSTEM : 0) |
			 (backing->no_atomic ? SVMGPU_PTE_NO_ATOMIC : 0),
	};

	tree_assert_held(tree);
	pt_map(tree->root, &w, va, va + size);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_map);

static void pt_unmap(struct svmgpu_pt *pt, u64 va, u64 end)
{
	u64 pte;
	unsigned int index;
	u64 next;

	for (; va < end; va = next) {
		index = SVMGPU_PT_INDEX(va, pt->level);
		next = pt_entry_end(pt, va, end);
		pte = svmgpu_pt_get(pt, index);

		if (!(pte & SVMGPU_PTE_VALID))
			continue;
		if (pt->level && !(pte & SVMGPU_PTE_LEAF)) {
			pt_unmap(pt->children[index], va, next);
		} else if (!pt->level && pte & SVMGPU_PTE_64K) {
			/* One mapping owns all 16 entries of a 64K leaf. */
			unsigned int first = index & ~15u, i;

			for (i = 0; i < 16; i++)
				svmgpu_pt_set(pt, first + i, 0);
		} else {
			svmgpu_pt_set(pt, index, 0);
		}
	}
}

/**
 * svmgpu_pt_unmap() - Clear the leaves of a range of GPU VA.
 * @tree: The tree.
 * @va: Start of the range, 4 KiB aligned.
 * @size: Size of the range, a multiple of 4 KiB.
 *
 * Every leaf that overlaps the range is cleared, so a 2 MiB or 64 KiB leaf
 * that is only partly inside is cleared whole: callers unmap whole
 * mappings and map again what must stay. Tables stay. The caller
 * invalidates the TLBs afterwards. Never allocates.
 */
void svmgpu_pt_unmap(struct svmgpu_pt_tree *tree, u64 va, u64 size)
{
	tree_assert_held(tree);
	pt_unmap(tree->root, va, va + size);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_unmap);

static void pt_dump(struct svmgpu_pt *pt, u64 base, struct drm_printer *p)
{
	unsigned int i;

	for (i = 0; i < SVMGPU_PT_ENTRIES; i++) {
		u64 pte = svmgpu_pt_get(pt, i);
		u64 va = base + ((u64)i << SVMGPU_PT_SHIFT(pt->level));
		const char *size = "4K";

		if (!(pte & SVMGPU_PTE_VALID))
			continue;
		if (pt->level && !(pte & SVMGPU_PTE_LEAF)) {
			pt_dump(pt->children[i], va, p);
			continue;
		}
		if (pt->level)
			size = "2M";
		else if (pte & SVMGPU_PTE_64K && i % 16)
			continue;	/* one line per 64K leaf */
		else if (pte & SVMGPU_PTE_64K)
			size = "64K";

		drm_printf(p, "  0x%016llx %s %s %s 0x%016llx\n", va, size,
			   pte & SVMGPU_PTE_WRITE ? "rw" : "ro",
			   pte & SVMGPU_PTE_SYSTEM ? "sys" : "vram",
			   pte & SVMGPU_PTE_ADDR_MASK);
	}
}

/**
 * svmgpu_pt_dump() - Print every valid leaf, for debugfs.
 * @tree: The tree.
 * @p: Where to print.
 */
void svmgpu_pt_dump(struct svmgpu_pt_tree *tree, struct drm_printer *p)
{
	tree_assert_held(tree);
	pt_dump(tree->root, 0, p);
}
