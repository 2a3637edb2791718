/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * Fake memory for the KUnit suites that run the command processor and the
 * compute ISA without an engine: a flat buffer at GPU address MEM_BASE,
 * whose last page is read-only, with nothing mapped around it. A test may
 * make one page "lazy": it faults, recoverably, until the fault handler
 * maps it.
 */
#ifndef __SVMGPU_FAKE_MEM_H__
#define __SVMGPU_FAKE_MEM_H__

#include <linux/sizes.h>
#include <linux/types.h>

#include "../hw/svmgpu_hw_cmd.h"

struct kunit;

#define MEM_BASE	0x100000ull
#define MEM_SIZE	(8 * SZ_4K)
#define MEM_END		(MEM_BASE + MEM_SIZE)
#define MEM_RO		(MEM_END - SZ_4K)	/* the last page: read-only */

/**
 * struct svmgpu_fake_mem - A command context on fake memory.
 *
 * A suite that needs more embeds it and reaches its own structure from
 * @ctx with container_of().
 */
struct svmgpu_fake_mem {
	/** @ctx: What the executor runs against; its memory ops are set. */
	struct svmgpu_hw_cmd_ctx ctx;
	/** @mem: MEM_SIZE bytes, at GPU address MEM_BASE. */
	u8 *mem;
	/** @abort: What @ctx.aborted returns. */
	bool abort;
	/** @locked: How deep @ctx.lock is held; @ctx.access needs it held. */
	unsigned int locked;

	/** @lazy: The lazy page, or 0; mapped once a fault was answered 0. */
	u64 lazy;
	/** @lazy_mapped: Whether @lazy is mapped. */
	bool lazy_mapped;
	/** @fault_answer: What @ctx.fault returns. */
	int fault_answer;
	/** @faults: How many times @ctx.fault was called. */
	unsigned int faults;
	/** @fault_va: The address of the last fault. */
	u64 fault_va;
	/** @fault_access: The access of the last fault. */
	enum svmgpu_hw_access fault_access;
};

void svmgpu_fake_mem_init(struct kunit *test, struct svmgpu_fake_mem *f);

#endif /* __SVMGPU_FAKE_MEM_H__ */
