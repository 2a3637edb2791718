// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * KUnit tests for the engines' command processor, run on fake memory
 * (svmgpu_fake_mem.h).
 */

#include <linux/err.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>

#include <drm/svmgpu_drm.h>

#include <kunit/test.h>

#include "../hw/svmgpu_hw_cmd.h"
#include "svmgpu_fake_mem.h"

#define CS_ADDR		MEM_BASE

static struct svmgpu_fake_mem *fake_new(struct kunit *test)
{
	struct svmgpu_fake_mem *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	svmgpu_fake_mem_init(test, f);
	return f;
}

/* A command stream under construction, at the start of fake memory. */
struct cs {
	u32 *w;
	u32 n;
};

static struct cs cs_begin(struct svmgpu_fake_mem *f)
{
	return (struct cs){ .w = (u32 *)f->mem };
}

static void cs_emit(struct cs *cs, u32 word)
{
	cs->w[cs->n++] = word;
}

static void cs_emit64(struct cs *cs, u64 v)
{
	cs_emit(cs, lower_32_bits(v));
	cs_emit(cs, upper_32_bits(v));
}

static void cs_hdr(struct cs *cs, u32 op, u32 flags, u32 len)
{
	cs_emit(cs, DRM_SVMGPU_CMD_HEADER(op, flags, len));
}

static void cs_end(struct cs *cs)
{
	cs_hdr(cs, DRM_SVMGPU_CMD_END, 0, 1);
}

static int run(struct svmgpu_fake_mem *f, struct cs *cs, u32 *offset)
{
	u32 off;
	int ret = svmgpu_hw_cmd_execute(&f->ctx, CS_ADDR, cs->n * 4, &off);

	if (offset)
		*offset = off;
	return ret;
}

/* Data area: the second page of fake memory. */
#define DATA		(MEM_BASE + SZ_4K)
#define DATA_PTR(f, off) ((f)->mem + SZ_4K + (off))

static void cmd_nop_and_end(struct kunit *test)
{
	struct svmgpu_fake_mem *f = fake_new(test);
	struct cs cs = cs_begin(f);

	cs_hdr(&cs, DRM_SVMGPU_CMD_NOP, 0, 3);
	cs_emit(&cs, 0xdeadbeef);	/* payload is skipped */
	cs_emit(&cs, 0xffffffff);
	cs_end(&cs);
	KUNIT_EXPECT_EQ(test, run(f, &cs, NULL), 0);
	KUNIT_EXPECT_EQ(test, f->locked, 0);
}

static void cmd_write_imm(struct kunit *test)
{
	struct svmgpu_fake_mem *f = fake_new(test);
	struct cs cs = cs_begin(f);

	cs_hdr(&cs, DRM_SVMGPU_CMD_WRITE_IMM, 0, 5);
	cs_emit64(&cs, DATA);
	cs_emit64(&cs, 0x1122334455667788ull);
	cs_hdr(&cs, DRM_SVMGPU_CMD_WRITE_IMM, DRM_SVMGPU_CMD_WRITE_IMM_64, 5);
	cs_emit64(&cs, DATA + 8);
	cs_emit64(&cs, 0x1122334455667788ull);
	cs_end(&cs);

	KUNIT_ASSERT_EQ(test, run(f, &cs, NULL), 0);
	KUNIT_EXPECT_EQ(test, *(u32 *)DATA_PTR(f, 0), 0x55667788);
	KUNIT_EXPECT_EQ(test, *(u32 *)DATA_PTR(f, 4), 0);
	KUNIT_EXPECT_EQ(test, *(u64 *)DATA_PTR(f, 8), 0x1122334455667788ull);
}

static void cmd_copy_across_pages(struct kunit *test)
{
	struct svmgpu_fake_mem *f = fake_new(test);
	struct cs cs = cs_begin(f);
	u8 *src = DATA_PTR(f, 0);
	unsigned int i;

	/* 5000 bytes from pages 1-2 to pages 3-4: both cross a page. */
	for (i = 0; i < 5003; i++)
		src[i] = i * 7;
	cs_hdr(&cs, DRM_SVMGPU_CMD_COPY, 0, 7);
	cs_emit64(&cs, DATA + 3);
	cs_emit64(&cs, DATA + 2 * SZ_4K + 1001);
	cs_emit64(&cs, 5000);
	cs_end(&cs);

	KUNIT_ASSERT_EQ(test, run(f, &cs, NULL), 0);
	KUNIT_EXPECT_MEMEQ(test, DATA_PTR(f, 2 * SZ_4K + 1001), src + 3, 5000);
}

static void cmd_fill(struct kunit *test)
{
	struct svmgpu_fake_mem *f = fake_new(test);
	struct cs cs = cs_begin(f);
	u32 *d = (u32 *)DATA_PTR(f, 0);
	unsigned int i;

	cs_hdr(&cs, DRM_SVMGPU_CMD_FILL, 0, 7);
	cs_emit64(&cs, DATA + 4);
	cs_emit(&cs, 0xcafef00d);
	cs_emit(&cs, 0);
	cs_emit64(&cs, SZ_4K + 8);	/* crosses into the third page */
	cs_end(&cs);

	KUNIT_ASSERT_EQ(test, run(f, &cs, NULL), 0);
	KUNIT_EXPECT_EQ(test, d[0], 0);
	for (i = 1; i <= (SZ_4K + 8) / 4; i++)
		KUNIT_EXPECT_EQ(test, d[i], 0xcafef00d);
	KUNIT_EXPECT_EQ(test, d[(SZ_4K + 8) / 4 + 1], 0);
}

static void emit_atomic(struct cs *cs, u32 flags, u64 addr, u64 operand,
			u64 compare, u64 result)
{
	cs_hdr(cs, DRM_SVMGPU_CMD_ATOMIC, flags, 9);
	cs_emit64(cs, addr);
	cs_emit64(cs, operand);
	cs_emit64(cs, compare);
	cs_emit64(cs, result);
}

static void cmd_atomics(struct kunit *test)
{
	struct svmgpu_fake_mem *f = fake_new(test);
	struct cs cs = cs_begin(f);
	u32 *v32 = (u32 *)DATA_PTR(f, 0), *r32 = (u32 *)DATA_PTR(f, 64);
	u64 *v64 = (u64 *)DATA_PTR(f, 8), *r64 = (u64 *)DATA_PTR(f, 128);
	const u32 ret = DRM_SVMGPU_ATOMIC_RETURN;
	const u32 w64 = DRM_SVMGPU_ATOMIC_64;

	*v32 = 10;
	*v64 = 1ull << 40;
	emit_atomic(&cs, DRM_SVMGPU_ATOMIC_ADD | ret, DATA, 5, 0, DATA + 64);
	emit_atomic(&cs, DRM_SVMGPU_ATOMIC_INC | ret, DATA, 0, 0, DATA + 68);
	emit_atomic(&cs, DRM_SVMGPU_ATOMIC_CMPXCHG | ret, DATA, 99, 7,
		    DATA + 72);	/* fails: value is 16 */
	emit_atomic(&cs, DRM_SVMGPU_ATOMIC_CMPXCHG | ret, DATA, 99, 16,
		    DATA + 76);	/* succeeds */
	emit_atomic(&cs, DRM_SVMGPU_ATOMIC_XCHG | w64 | ret, DATA + 8, 3, 0,
		    DATA + 128);
	emit_atomic(&cs, DRM_SVMGPU_ATOMIC_ADD | w64, DATA + 8, 1ull << 33, 0,
		    0);
	cs_end(&cs);

	KUNIT_ASSERT_EQ(test, run(f, &cs, NULL), 0);
	KUNIT_EXPECT_EQ(test, r32[0], 10);
	KUNIT_EXPECT_EQ(test, r32[1], 15);
	KUNIT_EXPECT_EQ(test, r32[2], 16);
	KUNIT_EXPECT_EQ(test, r32[3], 16);
	KUNIT_EXPECT_EQ(test, *v32, 99);
	KUNIT_EXPECT_EQ(test, r64[0], 1ull << 40);
	KUNIT_EXPECT_EQ(test, *v64, 3 + (1ull << 33));
}

static void cmd_wait_mem_and_timestamp(struct kunit *test)
{
	struct svmgpu_fake_mem *f = fake_new(test);
	struct cs cs = cs_begin(f);
	u64 *ts = (u64 *)DATA_PTR(f, 16);

	*(u32 *)DATA_PTR(f, 0) = 0x1234;
	cs_hdr(&cs, DRM_SVMGPU_CMD_TIMESTAMP, 0, 3);
	cs_emit64(&cs, DATA + 16);
	cs_hdr(&cs, DRM_SVMGPU_CMD_WAIT_MEM, DRM_SVMGPU_WAIT_EQ, 7);
	cs_emit64(&cs, DATA);
	cs_emit64(&cs, 0x34);
	cs_emit64(&cs, 0xff);	/* mask */
	cs_hdr(&cs, DRM_SVMGPU_CMD_TIMESTAMP, 0, 3);
	cs_emit64(&cs, DATA + 24);
	cs_end(&cs);

	KUNIT_ASSERT_EQ(test, run(f, &cs, NULL), 0);
	KUNIT_EXPECT_NE(test, ts[0], 0);
	KUNIT_EXPECT_GE(test, ts[1], ts[0]);
}

static void cmd_wait_mem_reset(struct kunit *test)
{
	struct svmgpu_fake_mem *f = fake_new(test);
	struct cs cs = cs_begin(f);
	u32 off;

	cs_hdr(&cs, DRM_SVMGPU_CMD_NOP, 0, 1);
	cs_hdr(&cs, DRM_SVMGPU_CMD_WAIT_MEM, DRM_SVMGPU_WAIT_NE, 7);
	cs_emit64(&cs, DATA);
	cs_emit64(&cs, 0);	/* memory is 0: never true */
	cs_emit64(&cs, ~0ull);
	cs_end(&cs);

	f->abort = true;	/* as if the engine were being reset */
	KUNIT_EXPECT_EQ(test, run(f, &cs, &off), -ETIME);
}

static void cmd_faults(struct kunit *test)
{
	struct svmgpu_fake_mem *f = fake_new(test);
	struct cs cs = cs_begin(f);
	u32 off;

	cs_hdr(&cs, DRM_SVMGPU_CMD_NOP, 0, 1);
	cs_hdr(&cs, DRM_SVMGPU_CMD_WRITE_IMM, 0, 5);
	cs_emit64(&cs, MEM_RO + 4);	/* read-only page */
	cs_emit64(&cs, 1);
	cs_end(&cs);
	KUNIT_EXPECT_EQ(test, run(f, &cs, &off), -EFAULT);
	KUNIT_EXPECT_EQ(test, off, 4);
	KUNIT_EXPECT_EQ(test, f->ctx.fault_address, MEM_RO + 4);

	cs = cs_begin(f);
	cs_hdr(&cs, DRM_SVMGPU_CMD_COPY, 0, 7);
	cs_emit64(&cs, DATA);
	cs_emit64(&cs, MEM_BASE + MEM_SIZE - 8);	/* runs off the end */
	cs_emit64(&cs, 64);
	cs_end(&cs);
	KUNIT_EXPECT_EQ(test, run(f, &cs, &off), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->ctx.fault_address, MEM_BASE + MEM_SIZE - 8);

	/* The command buffer itself is unmapped. */
	KUNIT_EXPECT_EQ(test, svmgpu_hw_cmd_execute(&f->ctx, 0x1000, 8, &off),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, f->locked, 0);
}

static void cmd_malformed(struct kunit *test)
{
	static const struct {
		const char *what;
		u32 words[4];
		u32 count;
	} bad[] = {
		{ "unknown opcode", { 0x00010099 }, 1 },
		{ "END with flags", { DRM_SVMGPU_CMD_HEADER(1, 1, 1) }, 1 },
		{ "END too long", { DRM_SVMGPU_CMD_HEADER(1, 0, 2), 0 }, 2 },
		{ "zero length", { DRM_SVMGPU_CMD_HEADER(0, 0, 0) }, 1 },
		{ "past the end", { DRM_SVMGPU_CMD_HEADER(0, 0, 3), 0 }, 2 },
		{ "no END", { DRM_SVMGPU_CMD_HEADER(0, 0, 1) }, 1 },
		{ "NOP with flags", { DRM_SVMGPU_CMD_HEADER(0, 2, 1),
				      DRM_SVMGPU_CMD_HEADER(1, 0, 1) }, 2 },
		{ "short WRITE_IMM", { DRM_SVMGPU_CMD_HEADER(2, 0, 3), 0, 0,
				       DRM_SVMGPU_CMD_HEADER(1, 0, 1) }, 4 },
	};
	struct svmgpu_fake_mem *f = fake_new(test);
	unsigned int i;
	u32 off;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(f->mem, bad[i].words, bad[i].count * 4);
		KUNIT_EXPECT_EQ_MSG(test,
				    svmgpu_hw_cmd_execute(&f->ctx, CS_ADDR,
							  bad[i].count * 4,
							  &off),
				    -EINVAL, "%s", bad[i].what);
	}

	/* Misaligned operands and unknown flags. */
	{
		struct cs cs = cs_begin(f);

		cs_hdr(&cs, DRM_SVMGPU_CMD_WRITE_IMM,
		       DRM_SVMGPU_CMD_WRITE_IMM_64, 5);
		cs_emit64(&cs, DATA + 4);	/* not 8-aligned */
		cs_emit64(&cs, 1);
		cs_end(&cs);
		KUNIT_EXPECT_EQ(test, run(f, &cs, NULL), -EINVAL);

		cs = cs_begin(f);
		emit_atomic(&cs, 4, DATA, 0, 0, 0);	/* op 4 is unknown */
		cs_end(&cs);
		KUNIT_EXPECT_EQ(test, run(f, &cs, NULL), -EINVAL);

		cs = cs_begin(f);
		emit_atomic(&cs, DRM_SVMGPU_ATOMIC_ADD, DATA, 1, 0, DATA + 8);
		cs_end(&cs);	/* result address without RETURN */
		KUNIT_EXPECT_EQ(test, run(f, &cs, NULL), -EINVAL);

		cs = cs_begin(f);
		cs_hdr(&cs, DRM_SVMGPU_CMD_FILL, 0, 7);
		cs_emit64(&cs, DATA);
		cs_emit(&cs, 0);
		cs_emit(&cs, 1);	/* MBZ word */
		cs_emit64(&cs, 4);
		cs_end(&cs);
		KUNIT_EXPECT_EQ(test, run(f, &cs, NULL), -EINVAL);
	}

	/* Misaligned command buffer. */
	KUNIT_EXPECT_EQ(test, svmgpu_hw_cmd_execute(&f->ctx, CS_ADDR + 2, 4,
						    &off), -EINVAL);
}

/* The lazy page: the fourth page of fake memory. */
#define LAZY		(MEM_BASE + 3 * SZ_4K)
#define LAZY_PTR(f, off) ((f)->mem + 3 * SZ_4K + (off))

static void cmd_fault_replays_write(struct kunit *test)
{
	struct svmgpu_fake_mem *f = fake_new(test);
	struct cs cs = cs_begin(f);

	f->lazy = LAZY;
	cs_hdr(&cs, DRM_SVMGPU_CMD_WRITE_IMM, 0, 5);
	cs_emit64(&cs, LAZY + 8);
	cs_emit64(&cs, 0x600d);
	cs_end(&cs);

	KUNIT_ASSERT_EQ(test, run(f, &cs, NULL), 0);
	KUNIT_EXPECT_EQ(test, f->faults, 1);
	KUNIT_EXPECT_EQ(test, f->fault_va, LAZY + 8);
	KUNIT_EXPECT_EQ(test, f->fault_access, SVMGPU_HW_ACCESS_WRITE);
	KUNIT_EXPECT_EQ(test, *(u32 *)LAZY_PTR(f, 8), 0x600d);
	KUNIT_EXPECT_EQ(test, f->locked, 0);
}

static void cmd_fault_atomic_applies_once(struct kunit *test)
{
	struct svmgpu_fake_mem *f = fake_new(test);
	struct cs cs = cs_begin(f);
	u32 *v = (u32 *)DATA_PTR(f, 0);

	/* The old value goes to the lazy page: the add must not repeat. */
	f->lazy = LAZY;
	*v = 5;
	emit_atomic(&cs, DRM_SVMGPU_ATOMIC_ADD | DRM_SVMGPU_ATOMIC_RETURN,
		    DATA, 3, 0, LAZY);
	cs_end(&cs);

	KUNIT_ASSERT_EQ(test, run(f, &cs, NULL), 0);
	KUNIT_EXPECT_EQ(test, f->faults, 1);
	KUNIT_EXPECT_EQ(test, f->fault_access, SVMGPU_HW_ACCESS_WRITE);
	KUNIT_EXPECT_EQ(test, *v, 8);
	KUNIT_EXPECT_EQ(test, *(u32 *)LAZY_PTR(f, 0), 5);

	/* The target in the lazy page: an atomic access faults. */
	f = fake_new(test);
	cs = cs_begin(f);
	f->lazy = LAZY;
	emit_atomic(&cs, DRM_SVMGPU_ATOMIC_INC, LAZY + 4, 0, 0, 0);
	cs_end(&cs);
	KUNIT_ASSERT_EQ(test, run(f, &cs, NULL), 0);
	KUNIT_EXPECT_EQ(test, f->faults, 1);
	KUNIT_EXPECT_EQ(test, f->fault_access, SVMGPU_HW_ACCESS_ATOMIC);
	KUNIT_EXPECT_EQ(test, *(u32 *)LAZY_PTR(f, 4), 1);
}

static void cmd_fault_copy_resumes(struct kunit *test)
{
	struct svmgpu_fake_mem *f = fake_new(test);
	struct cs cs = cs_begin(f);
	u8 *src = DATA_PTR(f, 0);
	unsigned int i;

	/* From the data page into the lazy one, straddling its start. */
	f->lazy = LAZY;
	for (i = 0; i < SZ_4K; i++)
		src[i] = i * 7;
	cs_hdr(&cs, DRM_SVMGPU_CMD_COPY, 0, 7);
	cs_emit64(&cs, DATA);
	cs_emit64(&cs, LAZY - 100);
	cs_emit64(&cs, 1000);
	cs_end(&cs);

	KUNIT_ASSERT_EQ(test, run(f, &cs, NULL), 0);
	KUNIT_EXPECT_EQ(test, f->faults, 1);
	KUNIT_EXPECT_EQ(test, f->fault_va, LAZY);
	KUNIT_EXPECT_MEMEQ(test, LAZY_PTR(f, -100), src, 1000);
}

static void cmd_fault_fails(struct kunit *test)
{
	struct svmgpu_fake_mem *f = fake_new(test);
	struct cs cs = cs_begin(f);
	u32 off;

	/* The handler cannot service it: the job fails at that address. */
	f->lazy = LAZY;
	f->fault_answer = -EFAULT;
	cs_hdr(&cs, DRM_SVMGPU_CMD_NOP, 0, 1);
	cs_hdr(&cs, DRM_SVMGPU_CMD_FILL, 0, 7);
	cs_emit64(&cs, LAZY);
	cs_emit(&cs, 0xaa);
	cs_emit(&cs, 0);
	cs_emit64(&cs, 64);
	cs_end(&cs);
	KUNIT_EXPECT_EQ(test, run(f, &cs, &off), -EFAULT);
	KUNIT_EXPECT_EQ(test, off, 4);
	KUNIT_EXPECT_EQ(test, f->ctx.fault_address, LAZY);
	KUNIT_EXPECT_EQ(test, f->faults, 1);

	/* Without a handler, a recoverable fault is a plain one. */
	f = fake_new(test);
	cs = cs_begin(f);
	f->lazy = LAZY;
	f->ctx.fault = NULL;
	cs_hdr(&cs, DRM_SVMGPU_CMD_WAIT_MEM, DRM_SVMGPU_WAIT_EQ, 7);
	cs_emit64(&cs, LAZY);
	cs_emit64(&cs, 0);
	cs_emit64(&cs, ~0ull);
	cs_end(&cs);
	KUNIT_EXPECT_EQ(test, run(f, &cs, NULL), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->ctx.fault_address, LAZY);
	KUNIT_EXPECT_EQ(test, f->ctx.fault_access, SVMGPU_HW_ACCESS_READ);
}

static struct kunit_case svmgpu_cmd_cases[] = {
	KUNIT_CASE(cmd_nop_and_end),
	KUNIT_CASE(cmd_write_imm),
	KUNIT_CASE(cmd_copy_across_pages),
	KUNIT_CASE(cmd_fill),
	KUNIT_CASE(cmd_atomics),
	KUNIT_CASE(cmd_wait_mem_and_timestamp),
	KUNIT_CASE(cmd_wait_mem_reset),
	KUNIT_CASE(cmd_faults),
	KUNIT_CASE(cmd_malformed),
	KUNIT_CASE(cmd_fault_replays_write),
	KUNIT_CASE(cmd_fault_atomic_applies_once),
	KUNIT_CASE(cmd_fault_copy_resumes),
	KUNIT_CASE(cmd_fault_fails),
	{}
};

static struct kunit_suite svmgpu_cmd_suite = {
	.name = "svmgpu_cmd",
	.test_cases = svmgpu_cmd_cases,
};

kunit_test_suites(&svmgpu_cmd_suite);
