// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * KUnit tests for the emulated GPU's TLB invalidation: ranged, per
 * address-space id, on every engine, the copy engine included; and an
 * overflow of pending ranges that falls back to clearing everything.
 */

#include <linux/sizes.h>

#include <kunit/device.h>
#include <kunit/test.h>

#include "../hw/svmgpu_hw.h"
#include "../hw/svmgpu_hw_priv.h"

static void tlb_hw_exit(void *data)
{
	svmgpu_hw_destroy(data);
}

/* A GPU with 2 general-purpose engines, hence 3 engines in all. */
static struct svmgpu_hw *tlb_hw_new(struct kunit *test)
{
	const struct svmgpu_hw_config cfg = {
		.vram_size = SVMGPU_HW_VRAM_MIN,
		.num_engines = 2,
		.compute_threads = 1,
	};
	struct device *dev = kunit_device_register(test, "svmgpu-tlb-test");
	struct svmgpu_hw *hw;

	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	hw = svmgpu_hw_create(dev, &cfg, "svmgpu-tlb-test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(hw));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, tlb_hw_exit, hw),
			0);
	return hw;
}

/* Put a valid entry of @asid for [@va, @va + 2^@shift) in @slot. */
static void tlb_put(struct svmgpu_hw *hw, unsigned int engine,
		    unsigned int slot, u32 asid, u64 va, u8 shift)
{
	struct svmgpu_hw_engine *e = &hw->engines[engine];

	mutex_lock(&e->tlb.lock);
	e->tlb.entries[slot] = (struct svmgpu_hw_tlb_entry) {
		.va = va,
		.asid = asid,
		.shift = shift,
		.valid = true,
	};
	mutex_unlock(&e->tlb.lock);
}

static bool tlb_valid(struct svmgpu_hw *hw, unsigned int engine,
		      unsigned int slot)
{
	struct svmgpu_hw_engine *e = &hw->engines[engine];
	bool valid;

	mutex_lock(&e->tlb.lock);
	valid = e->tlb.entries[slot].valid;
	mutex_unlock(&e->tlb.lock);
	return valid;
}

static void tlb_copy_engine_exists(struct kunit *test)
{
	struct svmgpu_hw *hw = tlb_hw_new(test);
	const struct svmgpu_hw_caps *caps = svmgpu_hw_caps(hw);

	KUNIT_EXPECT_EQ(test, caps->num_engines, 2);
	KUNIT_EXPECT_EQ(test, caps->copy_engine, 2);
	KUNIT_EXPECT_EQ(test, hw->num_hw_engines, 3);
}

static void tlb_ranged_per_asid(struct kunit *test)
{
	struct svmgpu_hw *hw = tlb_hw_new(test);
	unsigned int e;
	u64 seqno;

	/* The range is the page at 1 GiB + 1 MiB, in asid 1. */
	for (e = 0; e < hw->num_hw_engines; e++) {
		tlb_put(hw, e, 0, 1, SZ_1G + SZ_1M, 12);	/* that page */
		tlb_put(hw, e, 1, 1, SZ_1G + SZ_1M + SZ_4K, 12); /* next */
		tlb_put(hw, e, 2, 2, SZ_1G + SZ_1M, 12);	/* other asid */
		tlb_put(hw, e, 3, 1, SZ_1G, 21);		/* 2M around */
		tlb_put(hw, e, 4, 1, SZ_1G + SZ_1M - SZ_4K, 12); /* previous */
	}

	seqno = svmgpu_hw_tlb_invalidate(hw, 1, SZ_1G + SZ_1M, SZ_4K);
	svmgpu_hw_tlb_wait(hw, seqno);

	for (e = 0; e < hw->num_hw_engines; e++) {
		KUNIT_EXPECT_FALSE(test, tlb_valid(hw, e, 0));
		KUNIT_EXPECT_TRUE(test, tlb_valid(hw, e, 1));
		KUNIT_EXPECT_TRUE(test, tlb_valid(hw, e, 2));
		KUNIT_EXPECT_FALSE(test, tlb_valid(hw, e, 3));
		KUNIT_EXPECT_TRUE(test, tlb_valid(hw, e, 4));
	}

	/* The whole address space of asid 2, and a size past the top. */
	seqno = svmgpu_hw_tlb_invalidate(hw, 2, 0, U64_MAX);
	svmgpu_hw_tlb_wait(hw, seqno);
	for (e = 0; e < hw->num_hw_engines; e++) {
		KUNIT_EXPECT_FALSE(test, tlb_valid(hw, e, 2));
		KUNIT_EXPECT_TRUE(test, tlb_valid(hw, e, 1));
	}
}

static void tlb_pending_merge(struct kunit *test)
{
	struct svmgpu_hw *hw = tlb_hw_new(test);
	struct mutex *xlat = &hw->engines[0].tlb.lock;
	unsigned int i, npending;
	bool all;
	u64 seqno;

	tlb_put(hw, 0, 0, 5, 0, 12);
	tlb_put(hw, 0, 1, 9, 0, 12);	/* never named */

	/* The worker stops at engine 0 at most once: requests pile up. */
	mutex_lock(xlat);
	for (i = 0; i < 4 * SVMGPU_HW_TLB_PENDING; i++)
		seqno = svmgpu_hw_tlb_invalidate(hw, 5, (u64)i * SZ_4K, SZ_4K);
	spin_lock(&hw->tlb_done_wq.lock);
	npending = hw->tlb_npending;
	all = hw->tlb_pending_all;
	spin_unlock(&hw->tlb_done_wq.lock);
	mutex_unlock(xlat);
	svmgpu_hw_tlb_wait(hw, seqno);

	/* Touching ranges of one address space merged into one entry. */
	KUNIT_EXPECT_LE(test, npending, 1);
	KUNIT_EXPECT_FALSE(test, all);
	KUNIT_EXPECT_FALSE(test, tlb_valid(hw, 0, 0));
	KUNIT_EXPECT_TRUE(test, tlb_valid(hw, 0, 1));
}

static void tlb_pending_overflow(struct kunit *test)
{
	struct svmgpu_hw *hw = tlb_hw_new(test);
	struct mutex *xlat = &hw->engines[0].tlb.lock;
	unsigned int i;
	u64 seqno;

	tlb_put(hw, 0, 0, 7, 0, 12);
	tlb_put(hw, 0, 1, 8, SZ_1G, 12);

	/*
	 * More distinct address spaces than the table holds, while the
	 * worker is held off: the requests after it is full clear every
	 * entry, of address spaces never named too.
	 */
	mutex_lock(xlat);
	for (i = 0; i < 2 * SVMGPU_HW_TLB_PENDING + 1; i++)
		seqno = svmgpu_hw_tlb_invalidate(hw, 100 + i, 0, SZ_4K);
	mutex_unlock(xlat);
	svmgpu_hw_tlb_wait(hw, seqno);

	KUNIT_EXPECT_FALSE(test, tlb_valid(hw, 0, 0));
	KUNIT_EXPECT_FALSE(test, tlb_valid(hw, 0, 1));
}

static struct kunit_case svmgpu_tlb_cases[] = {
	KUNIT_CASE(tlb_copy_engine_exists),
	KUNIT_CASE(tlb_ranged_per_asid),
	KUNIT_CASE(tlb_pending_merge),
	KUNIT_CASE(tlb_pending_overflow),
	{}
};

static struct kunit_suite svmgpu_tlb_suite = {
	.name = "svmgpu_tlb",
	.test_cases = svmgpu_tlb_cases,
};

kunit_test_suites(&svmgpu_tlb_suite);
