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
 * come from the page-table pool (svmgpu_pt_pool.c). Each address space has
 * a &struct svmgpu_pt_tree, whose tables are charged to it up to a cap.
 *
 * Tables exist exactly where the address space has reserved ranges:
 * svmgpu_pt_reserve() creates every table a range needs, down to level 0,
 * and counts a reference per entry in each table on the way;
 * svmgpu_pt_release() drops them and unlinks the tables whose count falls
 * to zero. Reserving is the only step that allocates, and the only one
 * that can fail (-ENOSPC when the address space's cap or the pool is
 * exhausted, -ENOMEM). Writing and clearing leaves, svmgpu_pt_map() and
 * svmgpu_pt_unmap(), never allocate and cannot fail, so a BO move can
 * always point a mapping at the BO's new memory.
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
 * still in flight. A table that was never linked is freed at once.
 *
 * The owner serialises every call on a tree with the lock it gave
 * svmgpu_pt_tree_init(). Reserving allocates under that lock.
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

static struct svmgpu_pt *pt_create(struct svmgpu_pt_tree *tree,
				   unsigned int level)
{
	struct svmgpu_pt *pt;
	int ret;

	if (tree->tables >= tree->max_tables)
		return ERR_PTR(-ENOSPC);

	pt = kzalloc(sizeof(*pt), GFP_KERNEL);
	if (!pt)
		return ERR_PTR(-ENOMEM);

	ret = -ENOMEM;
	if (level) {
		pt->children = kcalloc(SVMGPU_PT_ENTRIES,
				       sizeof(*pt->children), GFP_KERNEL);
		if (!pt->children)
			goto err_free;
	}

	ret = svmgpu_pt_pool_alloc(tree->pool, tree->kernel, &pt->addr);
	if (ret)
		goto err_free;

	pt->level = level;
	INIT_LIST_HEAD(&pt->stale);
	pt->entries = svmgpu_hw_vram_vaddr(tree->hw, pt->addr);
	memset(pt->entries, 0, SVMGPU_PT_SIZE);
	tree->tables++;
	return pt;

err_free:
	kfree(pt->children);
	kfree(pt);
	return ERR_PTR(ret);
}

static void pt_free(struct svmgpu_pt_tree *tree, struct svmgpu_pt *pt)
{
	svmgpu_pt_pool_free(tree->pool, pt->addr);
	kfree(pt->children);
	kfree(pt);
	tree->tables--;
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

/**
 * svmgpu_pt_tree_init() - Create the page tables of an address space.
 * @tree: The tree.
 * @pool: The pool its tables come from.
 * @hw: The GPU.
 * @lock: The owner's lock, held around every later call; or NULL.
 * @max_tables: How many tables it may have, the root included.
 * @kernel: The kernel's own address space, which may use the pool's
 * reserve.
 *
 * Return: 0, -ENOSPC or -ENOMEM.
 */
int svmgpu_pt_tree_init(struct svmgpu_pt_tree *tree,
			struct svmgpu_pt_pool *pool, struct svmgpu_hw *hw,
			struct mutex *lock, unsigned long max_tables,
			bool kernel)
{
	struct svmgpu_pt *root;

	tree->pool = pool;
	tree->hw = hw;
	tree->lock = lock;
	tree->tables = 0;
	tree->max_tables = max_tables;
	tree->kernel = kernel;
	INIT_LIST_HEAD(&tree->stale);

	root = pt_create(tree, SVMGPU_PT_LEVELS - 1);
	if (IS_ERR(root))
		return PTR_ERR(root);
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

/* Create the missing tables below @pt for [@va, @end). */
static int pt_populate(struct svmgpu_pt_tree *tree, struct svmgpu_pt *pt,
		       u64 va, u64 end)
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
			child = pt_create(tree, pt->level - 1);
			if (IS_ERR(child))
				return PTR_ERR(child);
			pt->children[index] = child;
		}
		ret = pt_populate(tree, child, va, next);
		if (ret)
			return ret;
	}
	return 0;
}

/* Free the tables below @pt in [@va, @end) that nothing references. */
static void pt_prune_new(struct svmgpu_pt_tree *tree, struct svmgpu_pt *pt,
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
		pt_prune_new(tree, child, va, next);
		/* Unreferenced tables were never linked: free them now. */
		if (!child->refs) {
			pt->children[index] = NULL;
			pt_free(tree, child);
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

/**
 * svmgpu_pt_reserve() - Create the tables a range of GPU VA needs.
 * @tree: The tree.
 * @va: Start of the range, 4 KiB aligned.
 * @size: Size of the range, a multiple of 4 KiB.
 *
 * Reservations may overlap; each is dropped with svmgpu_pt_release() on
 * the same range.
 *
 * Return: 0; -ENOSPC if @tree's cap or the pool is exhausted, or -ENOMEM.
 * On failure nothing is reserved.
 */
int svmgpu_pt_reserve(struct svmgpu_pt_tree *tree, u64 va, u64 size)
{
	int ret;

	tree_assert_held(tree);

	ret = pt_populate(tree, tree->root, va, va + size);
	if (ret) {
		pt_prune_new(tree, tree->root, va, va + size);
		return ret;
	}
	pt_ref(tree->root, va, va + size);
	return 0;
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

static u64 backing_addr(const struct svmgpu_pt_backing *b, u64 page)
{
	return b->dma ? b->dma[page] : b->vram + page * SZ_4K;
}

/* Are @count pages from @page contiguous, starting @align-aligned? */
static bool backing_contiguous(const struct svmgpu_pt_backing *b, u64 page,
			       u64 count, u64 align)
{
	u64 first = backing_addr(b, page), i;

	if (!IS_ALIGNED(first, align))
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

	return (addr & SVMGPU_PTE_ADDR_MASK) | w->flags;
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
			 (backing->dma ? SVMGPU_PTE_SYSTEM : 0),
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
