// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * Fake memory for the command processor's and the compute ISA's KUnit
 * suites: see svmgpu_fake_mem.h.
 */

#include <linux/container_of.h>
#include <linux/err.h>

#include <kunit/test.h>

#include "svmgpu_fake_mem.h"

static struct svmgpu_fake_mem *to_fake(struct svmgpu_hw_cmd_ctx *ctx)
{
	return container_of(ctx, struct svmgpu_fake_mem, ctx);
}

static void *fake_access(struct svmgpu_hw_cmd_ctx *ctx, u64 va,
			 enum svmgpu_hw_access access, u64 *len)
{
	bool write = access != SVMGPU_HW_ACCESS_READ;
	struct svmgpu_fake_mem *f = to_fake(ctx);

	if (!f->locked)
		return ERR_PTR(-EIO);	/* access outside lock(): a bug */
	if (va < MEM_BASE || va >= MEM_END)
		return ERR_PTR(-EFAULT);
	if (write && va >= MEM_RO)
		return ERR_PTR(-EFAULT);
	if (f->lazy && !f->lazy_mapped && (va & ~(u64)(SZ_4K - 1)) == f->lazy)
		return ERR_PTR(-EAGAIN);
	/* Like the MMU: valid to the end of the 4 KiB page. */
	*len = SZ_4K - (va & (SZ_4K - 1));
	return f->mem + (va - MEM_BASE);
}

static void fake_lock(struct svmgpu_hw_cmd_ctx *ctx)
{
	to_fake(ctx)->locked++;
}

static void fake_unlock(struct svmgpu_hw_cmd_ctx *ctx)
{
	to_fake(ctx)->locked--;
}

static bool fake_aborted(struct svmgpu_hw_cmd_ctx *ctx)
{
	return to_fake(ctx)->abort;
}

static int fake_fault(struct svmgpu_hw_cmd_ctx *ctx, u64 va,
		      enum svmgpu_hw_access access)
{
	struct svmgpu_fake_mem *f = to_fake(ctx);

	if (f->locked)
		return -EIO;	/* a stall under lock(): a bug */
	f->faults++;
	f->fault_va = va;
	f->fault_access = access;
	if (!f->fault_answer)
		f->lazy_mapped = true;
	return f->fault_answer;
}

/**
 * svmgpu_fake_mem_init() - Set up zeroed fake memory.
 * @test: The test that owns the memory.
 * @f: Zeroed; gets MEM_SIZE bytes of zeroed memory and the memory ops.
 *
 * Fails @test if the memory cannot be allocated.
 */
void svmgpu_fake_mem_init(struct kunit *test, struct svmgpu_fake_mem *f)
{
	f->mem = kunit_kzalloc(test, MEM_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->mem);
	f->ctx.access = fake_access;
	f->ctx.lock = fake_lock;
	f->ctx.unlock = fake_unlock;
	f->ctx.aborted = fake_aborted;
	f->ctx.fault = fake_fault;
}
