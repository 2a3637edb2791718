/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_HW_ISA_H__
#define __SVMGPU_HW_ISA_H__

#include <linux/types.h>

struct svmgpu_hw_cmd_ctx;

/**
 * struct svmgpu_hw_insn - One decoded instruction of the compute ISA.
 *
 * The interpreter's form of an instruction (DOC: compute ISA in the uAPI
 * header): register numbers already checked, the second operand's kind
 * resolved, the immediate sign-extended.
 */
struct svmgpu_hw_insn {
	/** @op: DRM_SVMGPU_OP_*. */
	u8 op;

	/** @rd: Destination register. */
	u8 rd;

	/** @ra: First source register. */
	u8 ra;

	/** @rb: Second source register, unless @use_imm. */
	u8 rb;

	/** @rc: Third source register (MAD, ACMPXCHG). */
	u8 rc;

	/** @use_imm: The second operand of an ALU operation is @imm. */
	bool use_imm;

	/**
	 * @imm: The immediate, sign-extended; for a branch, the index of
	 * its target.
	 */
	s64 imm;
};

/**
 * struct svmgpu_hw_dispatch - One DISPATCH, decoded.
 */
struct svmgpu_hw_dispatch {
	/** @insns: The decoded program. */
	const struct svmgpu_hw_insn *insns;

	/** @num_insns: Its length, 1 to DRM_SVMGPU_PROGRAM_MAX_INSNS. */
	u32 num_insns;

	/** @grid: Work items along x, y and z, each at least 1. */
	u32 grid[3];

	/** @num_items: grid[0] * grid[1] * grid[2]. */
	u64 num_items;

	/** @arg: The argument, preloaded in r1. */
	u64 arg;

	/** @budget: Instructions a work item may run; 0 for no limit. */
	u64 budget;
};

int svmgpu_hw_isa_decode_insn(u64 word, u32 index, u32 count,
			      struct svmgpu_hw_insn *out);
int svmgpu_hw_isa_decode(const __le64 *code, u32 count,
			 struct svmgpu_hw_insn *out);
int svmgpu_hw_isa_run(struct svmgpu_hw_cmd_ctx *ctx,
		      const struct svmgpu_hw_dispatch *d, u64 first, u64 count,
		      u64 *insns);

#endif /* __SVMGPU_HW_ISA_H__ */
