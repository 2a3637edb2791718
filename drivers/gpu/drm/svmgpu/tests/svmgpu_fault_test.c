// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * KUnit tests for the emulated GPU's recoverable page faults: a job of a
 * fault-mode address space stalls on a missing page, posts a fault record
 * and raises the fault interrupt; the test plays the driver, maps the
 * page and replays, or fails the access, or resets the engine.
 *
 * The page tables are written by hand in VRAM: a command page at VA_CS,
 * and VA_DATA left unmapped.
 */

#include <linux/completion.h>
#include <linux/sizes.h>

#include <drm/svmgpu_drm.h>

#include <kunit/device.h>
#include <kunit/test.h>

#include "../hw/svmgpu_hw.h"
#include "../hw/svmgpu_hw_regs.h"

#define PT_ROOT		0x0000ull	/* then the level-2, 1 and 0 tables */
#define CS_VRAM		0x10000ull
#define DATA_VRAM	0x11000ull
#define VA_CS		0x200000ull
#define VA_DATA		(VA_CS + SZ_4K)
#define ASID		1

struct fault_test {
	struct svmgpu_hw *hw;
	struct svmgpu_hw_job job;
	struct completion irq;
	struct completion done;
};

static void fault_test_irq(void *data)
{
	complete(data);
}

static void fault_test_done(struct svmgpu_hw_job *job)
{
	complete(&container_of(job, struct fault_test, job)->done);
}

static void fault_test_exit(void *data)
{
	svmgpu_hw_destroy(data);
}

static void pte_set(struct svmgpu_hw *hw, u64 table, unsigned int index,
		    u64 pte)
{
	__le64 *pt = svmgpu_hw_vram_vaddr(hw, table);

	WRITE_ONCE(pt[index], cpu_to_le64(pte));
}

static void cs_put(u32 **w, u32 word)
{
	*(*w)++ = word;
}

/*
 * A GPU whose tables map the command page, which writes 0xabcd to
 * VA_DATA, and a job of it, not yet submitted.
 */
static struct fault_test *fault_test_new(struct kunit *test, bool fault_mode)
{
	const struct svmgpu_hw_config cfg = {
		.vram_size = SVMGPU_HW_VRAM_MIN,
		.num_engines = 1,
		.compute_threads = 1,
	};
	struct fault_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct device *dev = kunit_device_register(test, "svmgpu-fault");
	u32 *cs, *w;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	t->hw = svmgpu_hw_create(dev, &cfg, "svmgpu-fault");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t->hw));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fault_test_exit,
							t->hw), 0);
	init_completion(&t->irq);
	init_completion(&t->done);
	svmgpu_hw_fault_irq_register(t->hw, fault_test_irq, &t->irq);

	/* VRAM comes zeroed: only the path to the command page is valid. */
	pte_set(t->hw, PT_ROOT, SVMGPU_PT_INDEX(VA_CS, 3),
		(PT_ROOT + SZ_4K) | SVMGPU_PTE_VALID);
	pte_set(t->hw, PT_ROOT + SZ_4K, SVMGPU_PT_INDEX(VA_CS, 2),
		(PT_ROOT + 2 * SZ_4K) | SVMGPU_PTE_VALID);
	pte_set(t->hw, PT_ROOT + 2 * SZ_4K, SVMGPU_PT_INDEX(VA_CS, 1),
		(PT_ROOT + 3 * SZ_4K) | SVMGPU_PTE_VALID);
	pte_set(t->hw, PT_ROOT + 3 * SZ_4K, SVMGPU_PT_INDEX(VA_CS, 0),
		CS_VRAM | SVMGPU_PTE_VALID);

	cs = svmgpu_hw_vram_vaddr(t->hw, CS_VRAM);
	w = cs;
	cs_put(&w, DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_WRITE_IMM, 0, 5));
	cs_put(&w, lower_32_bits(VA_DATA));
	cs_put(&w, upper_32_bits(VA_DATA));
	cs_put(&w, 0xabcd);
	cs_put(&w, 0);
	cs_put(&w, DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_END, 0, 1));

	t->job = (struct svmgpu_hw_job) {
		.pt_root = PT_ROOT,
		.asid = ASID,
		.cs_address = VA_CS,
		.cs_length = (w - cs) * 4,
		.fault_mode = fault_mode,
		.done = fault_test_done,
	};
	return t;
}

static u32 fault_test_data(struct fault_test *t)
{
	return READ_ONCE(*(u32 *)svmgpu_hw_vram_vaddr(t->hw, DATA_VRAM));
}

/* Submit the job and take the fault record it posts. */
static void fault_test_stall(struct kunit *test, struct fault_test *t,
			     struct svmgpu_hw_fault *fault)
{
	svmgpu_hw_engine_submit(t->hw, 0, &t->job);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&t->irq, 10 * HZ),
			0);
	KUNIT_ASSERT_TRUE(test, svmgpu_hw_fault_pop(t->hw, fault));
	KUNIT_EXPECT_EQ(test, fault->address, VA_DATA);
	KUNIT_EXPECT_EQ(test, fault->asid, ASID);
	KUNIT_EXPECT_EQ(test, fault->engine, 0);
	KUNIT_EXPECT_EQ(test, fault->access, SVMGPU_HW_ACCESS_WRITE);
	/* The engine is stalled: the job has not completed. */
	KUNIT_EXPECT_FALSE(test, completion_done(&t->done));
}

static void fault_test_wait(struct kunit *test, struct fault_test *t)
{
	struct svmgpu_hw_fault none;

	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&t->done, 10 * HZ),
			0);
	KUNIT_EXPECT_FALSE(test, svmgpu_hw_fault_pop(t->hw, &none));
}

/* Map VA_DATA writable, replay, and check that the job wrote it. */
static void fault_test_service(struct kunit *test, struct fault_test *t,
			       const struct svmgpu_hw_fault *fault)
{
	pte_set(t->hw, PT_ROOT + 3 * SZ_4K, SVMGPU_PT_INDEX(VA_DATA, 0),
		DATA_VRAM | SVMGPU_PTE_VALID | SVMGPU_PTE_WRITE);
	svmgpu_hw_fault_reply(t->hw, fault, true);
	fault_test_wait(test, t);
	KUNIT_EXPECT_EQ(test, t->job.status, 0);
	KUNIT_EXPECT_EQ(test, fault_test_data(t), 0xabcd);
}

static void fault_replay(struct kunit *test)
{
	struct fault_test *t = fault_test_new(test, true);
	struct svmgpu_hw_fault fault;

	fault_test_stall(test, t, &fault);
	fault_test_service(test, t, &fault);
}

static void fault_replay_read_only(struct kunit *test)
{
	struct fault_test *t = fault_test_new(test, true);
	struct svmgpu_hw_fault fault;

	/* Mapped read-only: the write faults, and again after a replay. */
	pte_set(t->hw, PT_ROOT + 3 * SZ_4K, SVMGPU_PT_INDEX(VA_DATA, 0),
		DATA_VRAM | SVMGPU_PTE_VALID);
	fault_test_stall(test, t, &fault);
	svmgpu_hw_fault_reply(t->hw, &fault, true);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&t->irq, 10 * HZ),
			0);
	KUNIT_ASSERT_TRUE(test, svmgpu_hw_fault_pop(t->hw, &fault));

	/*
	 * Made writable. No TLB invalidation is needed: the fault dropped
	 * the read-only entry.
	 */
	fault_test_service(test, t, &fault);
}

static void fault_fail(struct kunit *test)
{
	struct fault_test *t = fault_test_new(test, true);
	struct svmgpu_hw_fault fault;

	fault_test_stall(test, t, &fault);
	svmgpu_hw_fault_reply(t->hw, &fault, false);
	/* A second answer to the same stall changes nothing. */
	svmgpu_hw_fault_reply(t->hw, &fault, true);
	fault_test_wait(test, t);
	KUNIT_EXPECT_EQ(test, t->job.status, -EFAULT);
	KUNIT_EXPECT_EQ(test, t->job.fault_address, VA_DATA);
	KUNIT_EXPECT_EQ(test, fault_test_data(t), 0);
}

static void fault_reset_breaks_stall(struct kunit *test)
{
	struct fault_test *t = fault_test_new(test, true);
	struct svmgpu_hw_fault fault;

	svmgpu_hw_engine_submit(t->hw, 0, &t->job);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&t->irq, 10 * HZ),
			0);
	/* Reset before the driver took the record: it is withdrawn. */
	svmgpu_hw_engine_reset(t->hw, 0, &t->job);
	KUNIT_EXPECT_TRUE(test, completion_done(&t->done));
	KUNIT_EXPECT_EQ(test, t->job.status, -ETIME);
	KUNIT_EXPECT_FALSE(test, svmgpu_hw_fault_pop(t->hw, &fault));
}

static void fault_off_fails_at_once(struct kunit *test)
{
	struct fault_test *t = fault_test_new(test, false);

	svmgpu_hw_engine_submit(t->hw, 0, &t->job);
	fault_test_wait(test, t);
	KUNIT_EXPECT_EQ(test, t->job.status, -EFAULT);
	KUNIT_EXPECT_EQ(test, t->job.fault_address, VA_DATA);
	KUNIT_EXPECT_FALSE(test, completion_done(&t->irq));
}

#define UFENCE_VALUE	0x1122334455667788ull

static u64 fault_test_ufence(struct fault_test *t)
{
	return READ_ONCE(*(u64 *)svmgpu_hw_vram_vaddr(t->hw, DATA_VRAM + 8));
}

/* The user fence follows the job's write, after the same replay. */
static void fault_ufence_after_replay(struct kunit *test)
{
	struct fault_test *t = fault_test_new(test, true);
	struct svmgpu_hw_fault fault;

	t->job.ufence_addr = VA_DATA + 8;
	t->job.ufence_value = UFENCE_VALUE;
	fault_test_stall(test, t, &fault);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(t->job.stalled));
	KUNIT_EXPECT_EQ(test, fault_test_ufence(t), 0);
	fault_test_service(test, t, &fault);
	KUNIT_EXPECT_EQ(test, fault_test_ufence(t), UFENCE_VALUE);
	KUNIT_EXPECT_EQ(test, t->job.faults, 1);
	KUNIT_EXPECT_FALSE(test, t->job.stalled);
}

/* A failed job does not write its user fence. */
static void fault_ufence_not_on_failure(struct kunit *test)
{
	struct fault_test *t = fault_test_new(test, true);
	struct svmgpu_hw_fault fault;

	t->job.ufence_addr = VA_DATA + 8;
	t->job.ufence_value = UFENCE_VALUE;
	fault_test_stall(test, t, &fault);
	svmgpu_hw_fault_reply(t->hw, &fault, false);
	fault_test_wait(test, t);
	KUNIT_EXPECT_EQ(test, t->job.status, -EFAULT);
	KUNIT_EXPECT_EQ(test, fault_test_ufence(t), 0);
}

/* Outside fault mode, a fence write that misses fails the job. */
static void fault_ufence_miss_fails(struct kunit *test)
{
	struct fault_test *t = fault_test_new(test, false);

	pte_set(t->hw, PT_ROOT + 3 * SZ_4K, SVMGPU_PT_INDEX(VA_DATA, 0),
		DATA_VRAM | SVMGPU_PTE_VALID | SVMGPU_PTE_WRITE);
	t->job.ufence_addr = VA_DATA + SZ_4K;
	t->job.ufence_value = UFENCE_VALUE;
	svmgpu_hw_engine_submit(t->hw, 0, &t->job);
	fault_test_wait(test, t);
	KUNIT_EXPECT_EQ(test, t->job.status, -EFAULT);
	KUNIT_EXPECT_EQ(test, t->job.fault_address, VA_DATA + SZ_4K);
	/* The commands before it completed. */
	KUNIT_EXPECT_EQ(test, fault_test_data(t), 0xabcd);
	KUNIT_EXPECT_EQ(test, t->job.faults, 0);
}

static struct kunit_case svmgpu_fault_cases[] = {
	KUNIT_CASE(fault_ufence_after_replay),
	KUNIT_CASE(fault_ufence_not_on_failure),
	KUNIT_CASE(fault_ufence_miss_fails),
	KUNIT_CASE(fault_replay),
	KUNIT_CASE(fault_replay_read_only),
	KUNIT_CASE(fault_fail),
	KUNIT_CASE(fault_reset_breaks_stall),
	KUNIT_CASE(fault_off_fails_at_once),
	{}
};

static struct kunit_suite svmgpu_fault_suite = {
	.name = "svmgpu_fault",
	.test_cases = svmgpu_fault_cases,
};

kunit_test_suites(&svmgpu_fault_suite);
