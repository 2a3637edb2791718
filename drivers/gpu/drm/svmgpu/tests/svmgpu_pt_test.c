// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * KUnit tests for the GPU page tables: the driver writes them with
 * svmgpu_pt_map() and the hardware's own walker, svmgpu_hw_mmu_walk(),
 * reads them back, so both sides must agree on the format.
 *
 * The device is a stub: 8 MiB of "VRAM" from vzalloc(), whose first pages
 * the page-table pool takes chunk by chunk, as it would from TTM.
 */

#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <kunit/test.h>

#include "../hw/svmgpu_hw_mmu.h"
#include "../hw/svmgpu_hw_priv.h"
#include "../hw/svmgpu_hw_regs.h"
#include "../svmgpu_device.h"
#include "../svmgpu_pt.h"
#include "../svmgpu_pt_pool.h"

#define STUB_VRAM	SZ_8M

struct pt_stub {
	struct svmgpu_device *sdev;
	struct svmgpu_pt_tree tree;

	/* The pool's VRAM source: a bump allocator that counts chunks. */
	u64 next;
	unsigned int chunks;
};

static int pt_stub_grow(struct svmgpu_pt_pool *pool, u64 size,
			bool interruptible, u64 *base, void **owner)
{
	struct svmgpu_device *sdev =
		container_of(pool, struct svmgpu_device, pt_pool);
	struct pt_stub *stub = sdev->drm.dev_private;
	u64 start = ALIGN(stub->next, size);

	if (start + size > STUB_VRAM)
		return -ENOSPC;
	stub->next = start + size;
	stub->chunks++;
	*base = start;
	*owner = stub;
	return 0;
}

static void pt_stub_shrink(struct svmgpu_pt_pool *pool, void *owner)
{
	struct pt_stub *stub = owner;

	stub->chunks--;
}

static const struct svmgpu_pt_pool_ops pt_stub_pool_ops = {
	.grow = pt_stub_grow,
	.shrink = pt_stub_shrink,
};

static void pt_stub_exit(void *data)
{
	struct pt_stub *stub = data;

	svmgpu_pt_tree_fini(&stub->tree);
	svmgpu_pt_pool_fini(&stub->sdev->pt_pool);
	vfree(stub->sdev->hw->vram);
}

/*
 * A device whose pool may hold @pages pages, with a tree that may have
 * @max_tables tables, charged to @quota too if not NULL.
 */
static struct pt_stub *pt_stub_new_pool(struct kunit *test,
					unsigned long pages,
					unsigned long max_tables,
					struct svmgpu_pt_quota *quota)
{
	struct pt_stub *stub = kunit_kzalloc(test, sizeof(*stub), GFP_KERNEL);
	struct svmgpu_device *sdev;

	KUNIT_ASSERT_NOT_NULL(test, stub);
	sdev = kunit_kzalloc(test, sizeof(*sdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sdev);
	stub->sdev = sdev;
	sdev->drm.dev_private = stub;

	sdev->hw = kunit_kzalloc(test, sizeof(*sdev->hw), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sdev->hw);
	sdev->hw->vram = vzalloc(STUB_VRAM);
	KUNIT_ASSERT_NOT_NULL(test, sdev->hw->vram);
	sdev->hw->caps.vram_size = STUB_VRAM;
	sdev->hw->caps.va_bits = 48;

	svmgpu_pt_pool_init(&sdev->pt_pool, &pt_stub_pool_ops, pages);

	/* Single-threaded: no lock to assert. */
	KUNIT_ASSERT_EQ(test, svmgpu_pt_tree_init(&stub->tree, &sdev->pt_pool,
						  sdev->hw, NULL, max_tables,
						  quota, false), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pt_stub_exit,
							stub), 0);
	return stub;
}

static struct pt_stub *pt_stub_new(struct kunit *test, unsigned long pages)
{
	return pt_stub_new_pool(test, pages, ULONG_MAX, NULL);
}

/* Reserve and map, as a VM_BIND OP_MAP does. */
static int pt_map(struct pt_stub *stub, u64 va, u64 size,
		  const struct svmgpu_pt_backing *backing, bool writable)
{
	int ret = svmgpu_pt_reserve(&stub->tree, va, size);

	if (!ret)
		svmgpu_pt_map(&stub->tree, va, size, backing, writable);
	return ret;
}

/* Unmap and release, as a VM_BIND OP_UNMAP does, then "flush". */
static void pt_unmap(struct pt_stub *stub, u64 va, u64 size)
{
	svmgpu_pt_unmap(&stub->tree, va, size);
	svmgpu_pt_release(&stub->tree, va, size);
}

static unsigned long pool_used(struct pt_stub *stub)
{
	return svmgpu_pt_pool_used(&stub->sdev->pt_pool);
}

/* Translate @va; returns the leaf size shift, or 0 on a fault. */
static unsigned int walk(struct pt_stub *stub, u64 va, u64 *addr, u64 *pte)
{
	struct svmgpu_hw_tlb_entry e;

	if (svmgpu_hw_mmu_walk(stub->sdev->hw, stub->tree.root->addr, va, &e))
		return 0;
	*pte = e.pte;
	*addr = (e.pte & SVMGPU_PTE_ADDR_MASK) + (va & (BIT_ULL(e.shift) - 1));
	return e.shift;
}

static void pt_vram_leaf_sizes(struct kunit *test)
{
	struct pt_stub *stub = pt_stub_new(test, 64);
	struct svmgpu_pt_backing vram = { .vram = 64 * SZ_2M };
	u64 addr, pte;

	/* 2 MiB-aligned on both sides: 2 MiB leaves. */
	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_1G, SZ_4M, &vram, true), 0);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + SZ_2M + 12, &addr, &pte), 21);
	KUNIT_EXPECT_EQ(test, addr, 64 * SZ_2M + SZ_2M + 12);
	KUNIT_EXPECT_TRUE(test, pte & SVMGPU_PTE_WRITE);
	KUNIT_EXPECT_FALSE(test, pte & SVMGPU_PTE_SYSTEM);

	/* 64 KiB-aligned: 64 KiB leaves, then 4 KiB for the tail. */
	vram.vram = 64 * SZ_2M + SZ_64K;
	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_2G + SZ_64K, SZ_128K + SZ_4K,
				     &vram, false), 0);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_2G + SZ_64K + 5 * SZ_4K + 1,
				   &addr, &pte), 16);
	KUNIT_EXPECT_EQ(test, addr, 64 * SZ_2M + SZ_64K + 5 * SZ_4K + 1);
	KUNIT_EXPECT_FALSE(test, pte & SVMGPU_PTE_WRITE);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_2G + SZ_64K + SZ_128K, &addr,
				   &pte), 12);

	/* GPU address and memory disagree on alignment: 4 KiB leaves. */
	vram.vram = 64 * SZ_2M + SZ_4K;
	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_4G, SZ_2M, &vram, true), 0);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_4G + SZ_1M, &addr, &pte), 12);
	KUNIT_EXPECT_EQ(test, addr, 64 * SZ_2M + SZ_4K + SZ_1M);

	/* Nothing around the mappings. */
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G - SZ_4K, &addr, &pte), 0);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + SZ_4M, &addr, &pte), 0);
	KUNIT_EXPECT_EQ(test, walk(stub, 0, &addr, &pte), 0);
}

static void pt_system_pages(struct kunit *test)
{
	struct pt_stub *stub = pt_stub_new(test, 64);
	dma_addr_t dma[32];
	struct svmgpu_pt_backing sys = { .dma = dma };
	unsigned int i;
	u64 addr, pte;

	/* 16 contiguous, 64K-aligned pages, then 16 scattered ones. */
	for (i = 0; i < 16; i++)
		dma[i] = 0x40000000 + i * SZ_4K;
	for (i = 16; i < 32; i++)
		dma[i] = 0x80000000 + (31 - i) * SZ_64K;

	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_1G, 32 * SZ_4K, &sys, true), 0);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + 3 * SZ_4K + 8, &addr, &pte),
			16);
	KUNIT_EXPECT_EQ(test, addr, 0x40000000 + 3 * SZ_4K + 8);
	KUNIT_EXPECT_TRUE(test, pte & SVMGPU_PTE_SYSTEM);
	for (i = 16; i < 32; i++) {
		KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + i * SZ_4K + 4, &addr,
					   &pte), 12);
		KUNIT_EXPECT_EQ(test, addr, dma[i] + 4);
	}
}

/*
 * A range of migrated and system pages: VRAM entries lose the SYSTEM bit,
 * and large leaves never mix the two kinds.
 */
static void pt_mixed_pages(struct kunit *test)
{
	struct pt_stub *stub = pt_stub_new(test, 64);
	dma_addr_t dma[32];
	struct svmgpu_pt_backing mixed = { .dma = dma, .no_atomic = true };
	unsigned int i;
	u64 addr, pte;

	/* 16 contiguous, 64K-aligned VRAM pages, then system and VRAM. */
	for (i = 0; i < 16; i++)
		dma[i] = (SZ_2M + i * SZ_4K) | SVMGPU_PT_DMA_VRAM;
	for (i = 16; i < 32; i++)
		dma[i] = i & 1 ? (SZ_4M + i * SZ_4K) | SVMGPU_PT_DMA_VRAM :
				 0x40000000 + i * SZ_4K;

	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_1G, 32 * SZ_4K, &mixed, true),
			0);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + 5 * SZ_4K + 8, &addr, &pte),
			16);
	KUNIT_EXPECT_EQ(test, addr, SZ_2M + 5 * SZ_4K + 8);
	KUNIT_EXPECT_FALSE(test, pte & SVMGPU_PTE_SYSTEM);
	KUNIT_EXPECT_TRUE(test, pte & SVMGPU_PTE_NO_ATOMIC);
	for (i = 16; i < 32; i++) {
		KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + i * SZ_4K + 4, &addr,
					   &pte), 12);
		KUNIT_EXPECT_EQ(test, addr,
				(dma[i] & ~(u64)SVMGPU_PT_DMA_VRAM) + 4);
		KUNIT_EXPECT_EQ(test, !!(pte & SVMGPU_PTE_SYSTEM), !(i & 1));
		KUNIT_EXPECT_TRUE(test, pte & SVMGPU_PTE_WRITE);
	}
}

static void pt_unmap_keeps_neighbours(struct kunit *test)
{
	struct pt_stub *stub = pt_stub_new(test, 64);
	struct svmgpu_pt_backing a = { .vram = SZ_4M }, b = { .vram = SZ_8M };
	u64 addr, pte;

	/* Two 4K mappings in one 64K block, next to a 64K leaf. */
	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_1G, SZ_4K, &a, true), 0);
	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_1G + SZ_4K, SZ_4K, &b, true), 0);
	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_1G + SZ_64K, SZ_64K, &a, true),
			0);

	pt_unmap(stub, SZ_1G, SZ_4K);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G, &addr, &pte), 0);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + SZ_4K, &addr, &pte), 12);
	KUNIT_EXPECT_EQ(test, addr, (u64)SZ_8M);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + SZ_64K, &addr, &pte), 16);

	/* Unmapping a 64K leaf clears all 16 entries. */
	pt_unmap(stub, SZ_1G + SZ_64K, SZ_64K);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + SZ_64K + 15 * SZ_4K, &addr,
				   &pte), 0);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + SZ_4K, &addr, &pte), 12);
}

static void pt_remap_2m_with_smaller_leaves(struct kunit *test)
{
	struct pt_stub *stub = pt_stub_new(test, 64);
	struct svmgpu_pt_backing vram = { .vram = SZ_2M };
	unsigned long used;
	u64 addr, pte;

	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_1G, SZ_2M, &vram, true), 0);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G, &addr, &pte), 21);

	/*
	 * As VM_BIND splits it: unmap whole, reserve and map the two
	 * remaining parts, then release the whole. Nothing is allocated.
	 */
	used = pool_used(stub);
	svmgpu_pt_unmap(&stub->tree, SZ_1G, SZ_2M);
	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_1G, SZ_1M, &vram, true), 0);
	vram.vram = SZ_2M + SZ_1M + SZ_4K;
	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_1G + SZ_1M + SZ_4K, SZ_1M - SZ_4K,
				     &vram, true), 0);
	svmgpu_pt_release(&stub->tree, SZ_1G, SZ_2M);
	KUNIT_EXPECT_EQ(test, pool_used(stub), used);
	KUNIT_EXPECT_TRUE(test, list_empty(&stub->tree.stale));
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G, &addr, &pte), 16);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + SZ_1M, &addr, &pte), 0);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + SZ_2M - 1, &addr, &pte), 16);
	KUNIT_EXPECT_EQ(test, addr, (u64)SZ_4M - 1);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + SZ_1M + SZ_4K, &addr, &pte),
			12);
	KUNIT_EXPECT_EQ(test, addr, (u64)SZ_2M + SZ_1M + SZ_4K);
}

static void pt_pool_exhaustion(struct kunit *test)
{
	/* Root plus three tables: one 4K mapping at most. */
	struct pt_stub *stub = pt_stub_new(test, 4);
	struct svmgpu_pt_backing vram = { .vram = SZ_4K };

	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_1G, SZ_4K, &vram, true), 0);
	/* Another 1 GiB span needs two more tables: nothing is kept. */
	KUNIT_EXPECT_EQ(test, pt_map(stub, SZ_2G, SZ_4K, &vram, true), -ENOSPC);
	KUNIT_EXPECT_EQ(test, pool_used(stub), 4);
	KUNIT_EXPECT_EQ(test, stub->tree.tables, 4);
	/* The same 2 MiB span needs none. */
	KUNIT_EXPECT_EQ(test, pt_map(stub, SZ_1G + SZ_4K, SZ_4K, &vram, true),
			0);
}

static void pt_tree_cap(struct kunit *test)
{
	/* A big pool, but the address space may have 3 tables. */
	struct pt_stub *stub = pt_stub_new_pool(test, 64, 3, NULL);
	struct svmgpu_pt_backing vram = { .vram = SZ_4K };

	KUNIT_EXPECT_EQ(test, pt_map(stub, SZ_1G, SZ_4K, &vram, true), -ENOSPC);
	KUNIT_EXPECT_EQ(test, stub->tree.tables, 1);
	KUNIT_EXPECT_EQ(test, pool_used(stub), 1);
}

static void pt_quota_shared(struct kunit *test)
{
	/* Two trees of one owner, who may have 6 tables in all. */
	struct svmgpu_pt_quota *quota = kunit_kzalloc(test, sizeof(*quota),
						      GFP_KERNEL);
	struct svmgpu_pt_backing vram = { .vram = SZ_4K };
	struct pt_stub *a, *b;

	/* The trees go at the end of the test, after this frame. */
	KUNIT_ASSERT_NOT_NULL(test, quota);
	quota->max = 6;
	a = pt_stub_new_pool(test, 64, ULONG_MAX, quota);
	b = pt_stub_new_pool(test, 64, ULONG_MAX, quota);

	KUNIT_EXPECT_EQ(test, atomic_long_read(&quota->tables), 2);
	/* a takes 3 more: the quota is used up for b, not for b's cap. */
	KUNIT_ASSERT_EQ(test, pt_map(a, SZ_1G, SZ_4K, &vram, true), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&quota->tables), 5);
	KUNIT_EXPECT_EQ(test, pt_map(b, SZ_1G, SZ_4K, &vram, true), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&quota->tables), 5);
	KUNIT_EXPECT_EQ(test, b->tree.tables, 1);

	/* a gives them back, after the flush: b gets them. */
	pt_unmap(a, SZ_1G, SZ_4K);
	svmgpu_pt_free_stale(&a->tree);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&quota->tables), 2);
	KUNIT_EXPECT_EQ(test, pt_map(b, SZ_1G, SZ_4K, &vram, true), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&quota->tables), 5);
	pt_unmap(b, SZ_1G, SZ_4K);
	svmgpu_pt_free_stale(&b->tree);
}

static void pt_pool_grows_and_shrinks(struct kunit *test)
{
	/* Room for three 64 KiB chunks. */
	struct pt_stub *stub = pt_stub_new(test, 48);
	struct svmgpu_pt_pool *pool = &stub->sdev->pt_pool;
	struct svmgpu_pt_backing vram = { .vram = SZ_4K };
	unsigned int i;

	KUNIT_EXPECT_EQ(test, stub->chunks, 1);
	KUNIT_EXPECT_EQ(test, svmgpu_pt_pool_pages(pool), 16);

	/*
	 * The root, a level-2 table, and two tables per 1 GiB span:
	 * 2 + 2 * 23 = 48, three chunks.
	 */
	for (i = 1; i <= 23; i++)
		KUNIT_ASSERT_EQ(test, pt_map(stub, (u64)i * SZ_1G, SZ_4K, &vram,
					     true), 0);
	KUNIT_EXPECT_EQ(test, stub->chunks, 3);
	KUNIT_EXPECT_EQ(test, pool_used(stub), 48);
	/* The pool is at its cap: no fourth chunk. */
	KUNIT_EXPECT_EQ(test, pt_map(stub, 24ull * SZ_1G, SZ_4K, &vram, true),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, pool_used(stub), 48);
	KUNIT_EXPECT_EQ(test, stub->tree.tables, 48);

	/* All given back: of the two empty chunks, one stays. */
	for (i = 1; i <= 23; i++)
		pt_unmap(stub, (u64)i * SZ_1G, SZ_4K);
	svmgpu_pt_free_stale(&stub->tree);
	flush_work(&pool->shrink_work);
	KUNIT_EXPECT_EQ(test, pool_used(stub), 1);
	KUNIT_EXPECT_EQ(test, stub->chunks, 2);
	KUNIT_EXPECT_EQ(test, svmgpu_pt_pool_pages(pool), 32);

	/* And the pool grows again. */
	for (i = 1; i <= 23; i++)
		KUNIT_ASSERT_EQ(test, pt_map(stub, (u64)i * SZ_1G, SZ_4K, &vram,
					     true), 0);
	KUNIT_EXPECT_EQ(test, stub->chunks, 3);
}

static void pt_release_frees_after_flush(struct kunit *test)
{
	struct pt_stub *stub = pt_stub_new(test, 64);
	struct svmgpu_pt_backing vram = { .vram = SZ_2M };
	u64 addr, pte;

	/* A 2 MiB leaf keeps its level-0 table: 1 + 3 tables. */
	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_1G, SZ_2M, &vram, true), 0);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + 8, &addr, &pte), 21);
	KUNIT_EXPECT_EQ(test, pool_used(stub), 4);

	/*
	 * Unmapped and released, the tables are unlinked at once but, as an
	 * engine may still be walking them, freed only after the flush.
	 */
	pt_unmap(stub, SZ_1G, SZ_2M);
	KUNIT_EXPECT_EQ(test, walk(stub, SZ_1G + 8, &addr, &pte), 0);
	KUNIT_EXPECT_FALSE(test, list_empty(&stub->tree.stale));
	KUNIT_EXPECT_EQ(test, pool_used(stub), 4);
	svmgpu_pt_free_stale(&stub->tree);
	KUNIT_EXPECT_EQ(test, pool_used(stub), 1);
	KUNIT_EXPECT_EQ(test, stub->tree.tables, 1);

	/* Overlapping reservations: tables go with the last one. */
	KUNIT_ASSERT_EQ(test, pt_map(stub, SZ_1G, SZ_4K, &vram, true), 0);
	KUNIT_ASSERT_EQ(test, svmgpu_pt_reserve(&stub->tree, SZ_1G, SZ_2M), 0);
	pt_unmap(stub, SZ_1G, SZ_4K);
	KUNIT_EXPECT_TRUE(test, list_empty(&stub->tree.stale));
	svmgpu_pt_release(&stub->tree, SZ_1G, SZ_2M);
	svmgpu_pt_free_stale(&stub->tree);
	KUNIT_EXPECT_EQ(test, pool_used(stub), 1);
}

static struct kunit_case svmgpu_pt_cases[] = {
	KUNIT_CASE(pt_vram_leaf_sizes),
	KUNIT_CASE(pt_system_pages),
	KUNIT_CASE(pt_mixed_pages),
	KUNIT_CASE(pt_unmap_keeps_neighbours),
	KUNIT_CASE(pt_remap_2m_with_smaller_leaves),
	KUNIT_CASE(pt_pool_exhaustion),
	KUNIT_CASE(pt_tree_cap),
	KUNIT_CASE(pt_quota_shared),
	KUNIT_CASE(pt_pool_grows_and_shrinks),
	KUNIT_CASE(pt_release_frees_after_flush),
	{}
};

static struct kunit_suite svmgpu_pt_suite = {
	.name = "svmgpu_pt",
	.test_cases = svmgpu_pt_cases,
};

kunit_test_suites(&svmgpu_pt_suite);
