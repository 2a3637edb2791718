/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_HW_CMD_H__
#define __SVMGPU_HW_CMD_H__

#include <linux/types.h>

#include "svmgpu_hw.h"

struct svmgpu_hw_dispatch;
struct svmgpu_hw_insn;

/**
 * struct svmgpu_hw_cmd_ctx - What the command executor runs against.
 *
 * The executor is the engine's command processor without the engine: it
 * reaches memory only through @access, so KUnit can run it on fake memory.
 */
struct svmgpu_hw_cmd_ctx {
	/**
	 * @access: Translate @va for an &enum svmgpu_hw_access. Returns a kernel
	 * pointer to @va, valid for *@len bytes (at least 1, up to the end of
	 * the page that maps @va), or an ERR_PTR(): -EFAULT on a translation
	 * fault, -EAGAIN on one that @fault may service, -ETIME if the engine
	 * is being reset. Called with @lock held and the pointer used only
	 * until @unlock.
	 */
	void *(*access)(struct svmgpu_hw_cmd_ctx *ctx, u64 va,
			enum svmgpu_hw_access access, u64 *len);

	/**
	 * @fault: After @access returned -EAGAIN, stall until the fault is
	 * serviced; called without @lock. Returns 0 to replay the access,
	 * -EFAULT if it cannot be serviced, -ETIME if the engine is being
	 * reset. NULL if no fault is ever serviced.
	 */
	int (*fault)(struct svmgpu_hw_cmd_ctx *ctx, u64 va,
		     enum svmgpu_hw_access access);

	/** @lock: Start a memory access (may sleep). */
	void (*lock)(struct svmgpu_hw_cmd_ctx *ctx);

	/** @unlock: End a memory access. */
	void (*unlock)(struct svmgpu_hw_cmd_ctx *ctx);

	/** @aborted: True once the engine is being reset. */
	bool (*aborted)(struct svmgpu_hw_cmd_ctx *ctx);

	/**
	 * @program: Room for DRM_SVMGPU_PROGRAM_MAX_INSNS decoded
	 * instructions, where DISPATCH decodes its program; NULL if the
	 * engine has no compute (DISPATCH is then an unknown command).
	 */
	struct svmgpu_hw_insn *program;

	/**
	 * @dispatch: Run every work item of a decoded DISPATCH, and return
	 * 0 or the error that ends the job (as svmgpu_hw_isa_run()). Called
	 * without @lock; NULL if @program is.
	 */
	int (*dispatch)(struct svmgpu_hw_cmd_ctx *ctx,
			const struct svmgpu_hw_dispatch *d);

	/** @budget: Instructions a work item may run; 0 for no limit. */
	u64 budget;

	/** @fault_address: Out: the address of a fault. */
	u64 fault_address;

	/** @fault_access: Out: the &enum svmgpu_hw_access of a fault. */
	enum svmgpu_hw_access fault_access;
};

int svmgpu_hw_cmd_execute(struct svmgpu_hw_cmd_ctx *ctx, u64 cs_address,
			  u32 cs_length, u32 *cs_offset);
int svmgpu_hw_cmd_write_fence(struct svmgpu_hw_cmd_ctx *ctx, u64 va,
			      u64 value);

#endif /* __SVMGPU_HW_CMD_H__ */
