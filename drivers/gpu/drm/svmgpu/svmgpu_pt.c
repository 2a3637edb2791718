// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/bitmap.h>
#include <linux/slab.h>

#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include <kunit/visibility.h>

#include "hw/svmgpu_hw_regs.h"
#include "svmgpu_device.h"
#include "svmgpu_pt.h"

/**
 * DOC: page tables
 *
 * GPU page tables are in the hardware's format (hw/svmgpu_hw_regs.h) and
 * live in VRAM, in a pool carved out of the top of VRAM, outside TTM:
 * a table allocation must never evict a BO, because the eviction would
 * have to update page tables itself. The pool is a sixteenth of VRAM,
 * enough tables to map it many times over with 4 KiB pages. The kernel
 * queue's command pages come from it too (svmgpu_move.c).
 *
 * svmgpu_pt_map() picks, for every part of a range, the largest leaf that
 * the alignment of the GPU address and of the memory allows: 2 MiB, then
 * 64 KiB (16 entries flagged %SVMGPU_PTE_64K), then 4 KiB. Lower tables
 * are allocated as needed and kept until the VM dies.
 *
 * Callers serialise all changes to one VM's tables with the VM's pt_lock,
 * and invalidate the TLBs after removing or changing valid leaves.
 */

#define PT_LEVEL_SIZE(level)	BIT_ULL(SVMGPU_PT_SHIFT(level))

/* The pool: a bitmap of the 4 KiB pages above svmgpu_pt_pool_base(). */
static int svmgpu_pt_alloc_page(struct svmgpu_device *sdev, u64 *addr)
{
	unsigned long bit;

	spin_lock(&sdev->pt_pool_lock);
	bit = find_first_zero_bit(sdev->pt_pool, sdev->pt_pool_pages);
	if (bit < sdev->pt_pool_pages)
		__set_bit(bit, sdev->pt_pool);
	spin_unlock(&sdev->pt_pool_lock);

	if (bit >= sdev->pt_pool_pages)
		return -ENOMEM;
	*addr = sdev->pt_pool_base + bit * SVMGPU_PT_SIZE;
	return 0;
}

static void svmgpu_pt_free_page(struct svmgpu_device *sdev, u64 addr)
{
	unsigned long bit = (addr - sdev->pt_pool_base) / SVMGPU_PT_SIZE;

	spin_lock(&sdev->pt_pool_lock);
	__clear_bit(bit, sdev->pt_pool);
	spin_unlock(&sdev->pt_pool_lock);
}

/**
 * svmgpu_pt_pool_init() - Carve the page-table pool out of VRAM.
 * @sdev: The device, with its hardware initialised.
 *
 * Return: 0 or -ENOMEM.
 */
int svmgpu_pt_pool_init(struct svmgpu_device *sdev)
{
	u64 vram = svmgpu_hw_caps(&sdev->hw)->vram_size;
	u64 size = ALIGN(vram / 16, SZ_2M);

	sdev->pt_pool_base = vram - size;
	sdev->pt_pool_pages = size / SVMGPU_PT_SIZE;
	spin_lock_init(&sdev->pt_pool_lock);
	sdev->pt_pool = drmm_kcalloc(&sdev->drm,
				     BITS_TO_LONGS(sdev->pt_pool_pages),
				     sizeof(unsigned long), GFP_KERNEL);
	return sdev->pt_pool ? 0 : -ENOMEM;
}

/**
 * svmgpu_pt_pool_alloc() - Take a page of the pool for another use.
 * @sdev: The device.
 * @addr: Out: VRAM offset of the page.
 *
 * For small driver-owned structures the GPU reads, such as the kernel
 * queue's command pages, that must not live in TTM-managed VRAM.
 *
 * Return: 0 or -ENOMEM.
 */
int svmgpu_pt_pool_alloc(struct svmgpu_device *sdev, u64 *addr)
{
	return svmgpu_pt_alloc_page(sdev, addr);
}

/**
 * svmgpu_pt_pool_free() - Give back a page from svmgpu_pt_pool_alloc().
 * @sdev: The device.
 * @addr: VRAM offset of the page.
 */
void svmgpu_pt_pool_free(struct svmgpu_device *sdev, u64 addr)
{
	svmgpu_pt_free_page(sdev, addr);
}

/**
 * svmgpu_pt_pool_base() - Where the page-table pool starts.
 * @sdev: The device.
 *
 * Return: The VRAM offset of the pool; VRAM below it belongs to TTM.
 */
u64 svmgpu_pt_pool_base(struct svmgpu_device *sdev)
{
	return sdev->pt_pool_base;
}

static struct svmgpu_pt *svmgpu_pt_create(struct svmgpu_device *sdev,
					  unsigned int level)
{
	struct svmgpu_pt *pt;

	pt = kzalloc(sizeof(*pt), GFP_KERNEL);
	if (!pt)
		return NULL;

	if (level) {
		pt->children = kcalloc(SVMGPU_PT_ENTRIES,
				       sizeof(*pt->children), GFP_KERNEL);
		if (!pt->children)
			goto err_free;
	}

	if (svmgpu_pt_alloc_page(sdev, &pt->addr))
		goto err_free;

	pt->level = level;
	pt->entries = svmgpu_hw_vram_vaddr(&sdev->hw, pt->addr);
	memset(pt->entries, 0, SVMGPU_PT_SIZE);
	return pt;

err_free:
	kfree(pt->children);
	kfree(pt);
	return NULL;
}

/**
 * svmgpu_pt_create_root() - Create the level-3 table of a VM.
 * @sdev: The device.
 *
 * Return: The table, or NULL if memory or the pool ran out.
 */
struct svmgpu_pt *svmgpu_pt_create_root(struct svmgpu_device *sdev)
{
	return svmgpu_pt_create(sdev, SVMGPU_PT_LEVELS - 1);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_create_root);

/**
 * svmgpu_pt_destroy() - Free a table and every table below it.
 * @sdev: The device.
 * @pt: The table, or NULL. No engine may use it any more.
 */
void svmgpu_pt_destroy(struct svmgpu_device *sdev, struct svmgpu_pt *pt)
{
	unsigned int i;

	if (!pt)
		return;

	for (i = 0; pt->children && i < SVMGPU_PT_ENTRIES; i++)
		svmgpu_pt_destroy(sdev, pt->children[i]);

	svmgpu_pt_free_page(sdev, pt->addr);
	kfree(pt->children);
	kfree(pt);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_destroy);

static void svmgpu_pt_set(struct svmgpu_pt *pt, unsigned int index, u64 pte)
{
	WRITE_ONCE(pt->entries[index], cpu_to_le64(pte));
}

static u64 svmgpu_pt_get(struct svmgpu_pt *pt, unsigned int index)
{
	return le64_to_cpu(READ_ONCE(pt->entries[index]));
}

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

static int pt_map(struct svmgpu_device *sdev, struct svmgpu_pt *pt,
		  struct pt_walk *w, u64 va, u64 end)
{
	u64 size = PT_LEVEL_SIZE(pt->level);

	if (!pt->level) {
		pt_map_level0(pt, w, va, end);
		return 0;
	}

	while (va < end) {
		unsigned int index = SVMGPU_PT_INDEX(va, pt->level);
		u64 next = min(ALIGN_DOWN(va, size) + size, end);
		struct svmgpu_pt *child = pt->children[index];
		int ret;

		if (pt->level == 1 && IS_ALIGNED(va, SZ_2M) &&
		    next - va == SZ_2M &&
		    backing_contiguous(w->backing, (va - w->start) >> 12,
				       SZ_2M / SZ_4K, SZ_2M)) {
			/* A table left from earlier mappings is empty. */
			svmgpu_pt_destroy(sdev, child);
			pt->children[index] = NULL;
			svmgpu_pt_set(pt, index, leaf_pte(w, va) |
				      SVMGPU_PTE_LEAF);
			va = next;
			continue;
		}

		if (!child) {
			child = svmgpu_pt_create(sdev, pt->level - 1);
			if (!child)
				return -ENOMEM;
			pt->children[index] = child;
			svmgpu_pt_set(pt, index, child->addr | SVMGPU_PTE_VALID);
		}

		ret = pt_map(sdev, child, w, va, next);
		if (ret)
			return ret;
		va = next;
	}
	return 0;
}

/**
 * svmgpu_pt_map() - Map a range of GPU VA.
 * @sdev: The device.
 * @root: The VM's level-3 table.
 * @va: Start of the range, 4 KiB aligned.
 * @size: Size of the range, a multiple of 4 KiB.
 * @backing: The memory to map.
 * @writable: Whether the GPU may write.
 *
 * The range must be unmapped. Caller holds the VM's pt_lock.
 *
 * Return: 0, or -ENOMEM if a table could not be allocated; the part of
 * the range mapped before the failure stays mapped.
 */
int svmgpu_pt_map(struct svmgpu_device *sdev, struct svmgpu_pt *root,
		  u64 va, u64 size, const struct svmgpu_pt_backing *backing,
		  bool writable)
{
	struct pt_walk w = {
		.start = va,
		.end = va + size,
		.backing = backing,
		.flags = SVMGPU_PTE_VALID |
			 (writable ? SVMGPU_PTE_WRITE : 0) |
			 (backing->dma ? SVMGPU_PTE_SYSTEM : 0),
	};

	return pt_map(sdev, root, &w, va, va + size);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_pt_map);

static void pt_unmap(struct svmgpu_pt *pt, u64 va, u64 end)
{
	u64 size = PT_LEVEL_SIZE(pt->level);

	while (va < end) {
		unsigned int index = SVMGPU_PT_INDEX(va, pt->level);
		u64 next = min(ALIGN_DOWN(va, size) + size, end);

		if (pt->level && pt->children[index]) {
			pt_unmap(pt->children[index], va, next);
		} else if (!pt->level &&
			   svmgpu_pt_get(pt, index) & SVMGPU_PTE_64K) {
			/* One mapping owns all 16 entries of a 64K leaf. */
			unsigned int first = index & ~15u, i;

			for (i = 0; i < 16; i++)
				svmgpu_pt_set(pt, first + i, 0);
		} else {
			svmgpu_pt_set(pt, index, 0);
		}
		va = next;
	}
}

/**
 * svmgpu_pt_unmap() - Unmap a range of GPU VA.
 * @sdev: The device.
 * @root: The VM's level-3 table.
 * @va: Start of the range, 4 KiB aligned.
 * @size: Size of the range, a multiple of 4 KiB.
 *
 * Every leaf that overlaps the range is cleared, so a 2 MiB or 64 KiB leaf
 * that is only partly inside is cleared whole: callers unmap whole
 * mappings and map again what must stay. Caller holds the VM's pt_lock and
 * invalidates the TLBs afterwards.
 */
void svmgpu_pt_unmap(struct svmgpu_device *sdev, struct svmgpu_pt *root,
		     u64 va, u64 size)
{
	pt_unmap(root, va, va + size);
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
 * @root: The VM's level-3 table.
 * @p: Where to print.
 *
 * Caller holds the VM's pt_lock.
 */
void svmgpu_pt_dump(struct svmgpu_pt *root, struct drm_printer *p)
{
	pt_dump(root, 0, p);
}
