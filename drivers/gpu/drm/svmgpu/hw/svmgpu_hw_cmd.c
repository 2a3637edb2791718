// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include <drm/svmgpu_drm.h>

#include <kunit/visibility.h>

#ifdef CONFIG_X86_64
#include <linux/cpufeature.h>

#include <asm/fpu/api.h>
#endif

#include "svmgpu_hw_cmd.h"
#include "svmgpu_hw_isa.h"

/**
 * DOC: command processor
 *
 * svmgpu_hw_cmd_execute() is the engines' command processor. It fetches the
 * command buffer one word at a time through the MMU and executes each
 * command as the uAPI's "command stream" documentation specifies. Bulk
 * commands (COPY, FILL) work a page at a time with memcpy() and memset32()
 * on the memory behind the translations, so they run at memory speed.
 *
 * Every access to memory is bracketed by the context's lock and unlock, so
 * that a TLB invalidation can wait for accesses through old translations
 * to finish.
 *
 * A bracketed section translates everything it needs before it changes
 * anything. So when a translation faults in a fault-mode address space,
 * the section ends having done nothing, the engine stalls outside the
 * lock until the fault is serviced, and the section runs again: no
 * command is applied twice, not even ATOMIC, whose result address is
 * translated with its target.
 */

#define CMD_OPCODE(hdr)		((hdr) & 0xff)
#define CMD_FLAGS(hdr)		(((hdr) >> 8) & 0xff)
#define CMD_LEN(hdr)		((hdr) >> 16)

/* The operands of the longest command, DISPATCH, after its header. */
#define CMD_MAX_OPERANDS	9

/* Instructions DISPATCH fetches per bracketed section. */
#define CMD_FETCH_INSNS		32

/* Polling interval of WAIT_MEM. */
#define WAIT_MEM_POLL_US	50

struct cmd {
	u32 flags;
	u32 len;
	u32 op[CMD_MAX_OPERANDS];
};

static u64 op64(const struct cmd *cmd, unsigned int i)
{
	return cmd->op[i] | (u64)cmd->op[i + 1] << 32;
}

/* Map @va; on failure, record the fault and return the error. */
static void *cmd_access(struct svmgpu_hw_cmd_ctx *ctx, u64 va,
			enum svmgpu_hw_access access, u64 *len)
{
	void *ptr = ctx->access(ctx, va, access, len);

	if (ptr == ERR_PTR(-EFAULT) || ptr == ERR_PTR(-EAGAIN)) {
		ctx->fault_address = va;
		ctx->fault_access = access;
	}
	return ptr;
}

/*
 * After a section, unlocked: 0 if its last translation @ptr succeeded;
 * -EAGAIN to run the section again once a fault was serviced; or the
 * error that ends the job.
 */
static int cmd_settle(struct svmgpu_hw_cmd_ctx *ctx, const void *ptr)
{
	int ret;

	if (!IS_ERR(ptr))
		return 0;
	if (ptr != ERR_PTR(-EAGAIN))
		return PTR_ERR(ptr);

	ret = ctx->fault ? ctx->fault(ctx, ctx->fault_address,
				      ctx->fault_access) : -EFAULT;
	return ret ?: -EAGAIN;
}

static int cmd_read_words(struct svmgpu_hw_cmd_ctx *ctx, u64 va, u32 *words,
			  unsigned int count)
{
	unsigned int i;
	void *p;
	int ret;

	do {
		p = NULL;
		ctx->lock(ctx);
		for (i = 0; i < count; i++) {
			u64 len;

			p = cmd_access(ctx, va + 4 * i, SVMGPU_HW_ACCESS_READ,
				       &len);
			if (IS_ERR(p))
				break;
			words[i] = le32_to_cpu(READ_ONCE(*(__le32 *)p));
		}
		ctx->unlock(ctx);
		ret = cmd_settle(ctx, p);
	} while (ret == -EAGAIN);
	return ret;
}

static void cmd_store(void *p, u64 value, bool is64)
{
	if (is64)
		WRITE_ONCE(*(u64 *)p, value);
	else
		WRITE_ONCE(*(u32 *)p, value);
}

static int cmd_write_value(struct svmgpu_hw_cmd_ctx *ctx, u64 va, u64 value,
			   bool is64)
{
	u64 len;
	void *p;
	int ret;

	if (!IS_ALIGNED(va, is64 ? 8 : 4))
		return -EINVAL;

	do {
		ctx->lock(ctx);
		p = cmd_access(ctx, va, SVMGPU_HW_ACCESS_WRITE, &len);
		if (!IS_ERR(p))
			cmd_store(p, value, is64);
		ctx->unlock(ctx);
		ret = cmd_settle(ctx, p);
	} while (ret == -EAGAIN);
	return ret;
}

/**
 * svmgpu_hw_cmd_write_fence() - Write a job's completion value.
 * @ctx: The context the job ran in.
 * @va: GPU address, 8-byte aligned.
 * @value: The 64-bit value.
 *
 * The write is ordered after every write of the job, and faults and
 * replays like any other access.
 *
 * Return: 0, or the error that ends the job.
 */
int svmgpu_hw_cmd_write_fence(struct svmgpu_hw_cmd_ctx *ctx, u64 va,
			      u64 value)
{
	/* Whoever sees the value sees what the job wrote before. */
	smp_wmb();
	return cmd_write_value(ctx, va, value, true);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_cmd_write_fence);

static int cmd_write_imm(struct svmgpu_hw_cmd_ctx *ctx, const struct cmd *cmd)
{
	if (cmd->len != 5 || cmd->flags & ~DRM_SVMGPU_CMD_WRITE_IMM_64)
		return -EINVAL;

	return cmd_write_value(ctx, op64(cmd, 0), op64(cmd, 2),
			       cmd->flags & DRM_SVMGPU_CMD_WRITE_IMM_64);
}

/*
 * The copy engine's data path. On x86-64 it moves 256 bytes per iteration
 * through AVX registers, or 64 through SSE ones: under CPU emulation (QEMU
 * TCG), where the test VMs run, vector moves are many times cheaper than
 * the kernel's scalar memcpy() loop, and on real CPUs they are as fast.
 */
#ifdef CONFIG_X86_64
static u64 cmd_copy_avx(void *dst, const void *src, u64 n)
{
	u64 blocks = n / 256;

	asm volatile("1:\n\t"
		     "vmovdqu    (%[s]), %%ymm0\n\t"
		     "vmovdqu  32(%[s]), %%ymm1\n\t"
		     "vmovdqu  64(%[s]), %%ymm2\n\t"
		     "vmovdqu  96(%[s]), %%ymm3\n\t"
		     "vmovdqu 128(%[s]), %%ymm4\n\t"
		     "vmovdqu 160(%[s]), %%ymm5\n\t"
		     "vmovdqu 192(%[s]), %%ymm6\n\t"
		     "vmovdqu 224(%[s]), %%ymm7\n\t"
		     "vmovdqu %%ymm0,    (%[d])\n\t"
		     "vmovdqu %%ymm1,  32(%[d])\n\t"
		     "vmovdqu %%ymm2,  64(%[d])\n\t"
		     "vmovdqu %%ymm3,  96(%[d])\n\t"
		     "vmovdqu %%ymm4, 128(%[d])\n\t"
		     "vmovdqu %%ymm5, 160(%[d])\n\t"
		     "vmovdqu %%ymm6, 192(%[d])\n\t"
		     "vmovdqu %%ymm7, 224(%[d])\n\t"
		     "add $256, %[s]\n\t"
		     "add $256, %[d]\n\t"
		     "dec %[n]\n\t"
		     "jnz 1b\n\t"
		     "vzeroupper\n\t"
		     : [s] "+r" (src), [d] "+r" (dst), [n] "+r" (blocks)
		     : : "memory", "cc");
	return n % 256;
}

static u64 cmd_copy_sse(void *dst, const void *src, u64 n)
{
	u64 blocks = n / 64;

	asm volatile("1:\n\t"
		     "movdqu   (%[s]), %%xmm0\n\t"
		     "movdqu 16(%[s]), %%xmm1\n\t"
		     "movdqu 32(%[s]), %%xmm2\n\t"
		     "movdqu 48(%[s]), %%xmm3\n\t"
		     "movdqu %%xmm0,   (%[d])\n\t"
		     "movdqu %%xmm1, 16(%[d])\n\t"
		     "movdqu %%xmm2, 32(%[d])\n\t"
		     "movdqu %%xmm3, 48(%[d])\n\t"
		     "add $64, %[s]\n\t"
		     "add $64, %[d]\n\t"
		     "dec %[n]\n\t"
		     "jnz 1b\n\t"
		     : [s] "+r" (src), [d] "+r" (dst), [n] "+r" (blocks)
		     : : "memory", "cc");
	return n % 64;
}
#endif

static void cmd_copy_data(void *dst, const void *src, u64 n)
{
#ifdef CONFIG_X86_64
	if (n >= SZ_4K && irq_fpu_usable()) {
		u64 rest;

		kernel_fpu_begin();
		if (boot_cpu_has(X86_FEATURE_AVX))
			rest = cmd_copy_avx(dst, src, n);
		else
			rest = cmd_copy_sse(dst, src, n);
		kernel_fpu_end();
		dst += n - rest;
		src += n - rest;
		n = rest;
	}
#endif
	memcpy(dst, src, n);
}

static int cmd_copy(struct svmgpu_hw_cmd_ctx *ctx, const struct cmd *cmd)
{
	u64 src = op64(cmd, 0), dst = op64(cmd, 2), size = op64(cmd, 4);

	if (cmd->len != 7 || cmd->flags)
		return -EINVAL;

	while (size) {
		u64 slen, dlen, n = 0;
		void *s, *d;
		int ret;

		if (ctx->aborted(ctx))
			return -ETIME;

		ctx->lock(ctx);
		s = cmd_access(ctx, src, SVMGPU_HW_ACCESS_READ, &slen);
		d = IS_ERR(s) ? s : cmd_access(ctx, dst, SVMGPU_HW_ACCESS_WRITE,
					       &dlen);
		if (!IS_ERR(d)) {
			n = min3(size, slen, dlen);
			cmd_copy_data(d, s, n);
		}
		ctx->unlock(ctx);
		ret = cmd_settle(ctx, d);
		if (ret == -EAGAIN)
			continue;
		if (ret)
			return ret;

		src += n;
		dst += n;
		size -= n;
		cond_resched();
	}
	return 0;
}

static int cmd_fill(struct svmgpu_hw_cmd_ctx *ctx, const struct cmd *cmd)
{
	u64 dst = op64(cmd, 0), size = op64(cmd, 4);
	u32 pattern = cmd->op[2];

	if (cmd->len != 7 || cmd->flags || cmd->op[3] ||
	    !IS_ALIGNED(dst, 4) || !IS_ALIGNED(size, 4))
		return -EINVAL;

	while (size) {
		u64 len, n = 0;
		void *d;
		int ret;

		if (ctx->aborted(ctx))
			return -ETIME;

		ctx->lock(ctx);
		d = cmd_access(ctx, dst, SVMGPU_HW_ACCESS_WRITE, &len);
		if (!IS_ERR(d)) {
			/* Translations end on page boundaries: len % 4 == 0. */
			n = min(size, len);
			memset32(d, pattern, n / 4);
		}
		ctx->unlock(ctx);
		ret = cmd_settle(ctx, d);
		if (ret == -EAGAIN)
			continue;
		if (ret)
			return ret;

		dst += n;
		size -= n;
		cond_resched();
	}
	return 0;
}

static u64 atomic_op32(u32 *p, u32 op, u32 operand, u32 compare)
{
	switch (op) {
	case DRM_SVMGPU_ATOMIC_ADD:
		return (u32)atomic_fetch_add(operand, (atomic_t *)p);
	case DRM_SVMGPU_ATOMIC_XCHG:
		return (u32)atomic_xchg((atomic_t *)p, operand);
	case DRM_SVMGPU_ATOMIC_CMPXCHG:
		return (u32)atomic_cmpxchg((atomic_t *)p, compare, operand);
	default:
		return (u32)atomic_fetch_inc((atomic_t *)p);
	}
}

static u64 atomic_op64(u64 *p, u32 op, u64 operand, u64 compare)
{
	switch (op) {
	case DRM_SVMGPU_ATOMIC_ADD:
		return atomic64_fetch_add(operand, (atomic64_t *)p);
	case DRM_SVMGPU_ATOMIC_XCHG:
		return atomic64_xchg((atomic64_t *)p, operand);
	case DRM_SVMGPU_ATOMIC_CMPXCHG:
		return atomic64_cmpxchg((atomic64_t *)p, compare, operand);
	default:
		return atomic64_fetch_inc((atomic64_t *)p);
	}
}

static int cmd_atomic(struct svmgpu_hw_cmd_ctx *ctx, const struct cmd *cmd)
{
	const u32 known = 7 | DRM_SVMGPU_ATOMIC_64 | DRM_SVMGPU_ATOMIC_RETURN;
	u64 addr = op64(cmd, 0), operand = op64(cmd, 2);
	u64 compare = op64(cmd, 4), result = op64(cmd, 6);
	bool is64 = cmd->flags & DRM_SVMGPU_ATOMIC_64;
	bool ret_old = cmd->flags & DRM_SVMGPU_ATOMIC_RETURN;
	u32 op = cmd->flags & 7;
	u64 len, old;
	void *p, *r;
	int ret;

	if (cmd->len != 9 || cmd->flags & ~known ||
	    op > DRM_SVMGPU_ATOMIC_INC || !IS_ALIGNED(addr, is64 ? 8 : 4))
		return -EINVAL;
	if (!ret_old && result)
		return -EINVAL;
	if (ret_old && !IS_ALIGNED(result, is64 ? 8 : 4))
		return -EINVAL;

	/* Both translations first: a fault on either applies nothing. */
	do {
		ctx->lock(ctx);
		p = cmd_access(ctx, addr, SVMGPU_HW_ACCESS_ATOMIC, &len);
		r = IS_ERR(p) || !ret_old ? p :
		    cmd_access(ctx, result, SVMGPU_HW_ACCESS_WRITE, &len);
		if (!IS_ERR(r)) {
			if (is64)
				old = atomic_op64(p, op, operand, compare);
			else
				old = atomic_op32(p, op, operand, compare);
			if (ret_old)
				cmd_store(r, old, is64);
		}
		ctx->unlock(ctx);
		ret = cmd_settle(ctx, r);
	} while (ret == -EAGAIN);
	return ret;
}

static bool wait_mem_done(u32 cmp, u64 value, u64 ref)
{
	switch (cmp) {
	case DRM_SVMGPU_WAIT_EQ:
		return value == ref;
	case DRM_SVMGPU_WAIT_NE:
		return value != ref;
	case DRM_SVMGPU_WAIT_GT:
		return value > ref;
	case DRM_SVMGPU_WAIT_GTE:
		return value >= ref;
	case DRM_SVMGPU_WAIT_LT:
		return value < ref;
	default:
		return value <= ref;
	}
}

static int cmd_wait_mem(struct svmgpu_hw_cmd_ctx *ctx, const struct cmd *cmd)
{
	u64 addr = op64(cmd, 0), ref = op64(cmd, 2), mask = op64(cmd, 4);
	bool is64 = cmd->flags & DRM_SVMGPU_WAIT_64;
	u32 cmp = cmd->flags & 7;

	if (cmd->len != 7 || cmd->flags & ~(7 | DRM_SVMGPU_WAIT_64) ||
	    cmp > DRM_SVMGPU_WAIT_LTE || !IS_ALIGNED(addr, is64 ? 8 : 4))
		return -EINVAL;

	/* 32-bit waits ignore the high words of value and mask. */
	if (!is64) {
		ref = lower_32_bits(ref);
		mask = lower_32_bits(mask);
	}

	for (;;) {
		u64 len, value = 0;
		void *p;
		int ret;

		ctx->lock(ctx);
		p = cmd_access(ctx, addr, SVMGPU_HW_ACCESS_READ, &len);
		if (!IS_ERR(p))
			value = is64 ? READ_ONCE(*(u64 *)p) : READ_ONCE(*(u32 *)p);
		ctx->unlock(ctx);
		ret = cmd_settle(ctx, p);
		if (ret == -EAGAIN)
			continue;
		if (ret)
			return ret;

		if (wait_mem_done(cmp, value & mask, ref))
			return 0;
		if (ctx->aborted(ctx))
			return -ETIME;
		usleep_range(WAIT_MEM_POLL_US, 2 * WAIT_MEM_POLL_US);
	}
}

static int cmd_timestamp(struct svmgpu_hw_cmd_ctx *ctx, const struct cmd *cmd)
{
	if (cmd->len != 3 || cmd->flags)
		return -EINVAL;

	return cmd_write_value(ctx, op64(cmd, 0), ktime_get_raw_ns(), true);
}

/* Fetch and decode DISPATCH's program into ctx->program. */
static int cmd_fetch_program(struct svmgpu_hw_cmd_ctx *ctx, u64 addr,
			     u32 count)
{
	u32 words[2 * CMD_FETCH_INSNS];
	u32 i, j, n;
	int ret;

	for (i = 0; i < count; i += n) {
		n = min(count - i, CMD_FETCH_INSNS);
		ret = cmd_read_words(ctx, addr + 8ull * i, words, 2 * n);
		if (ret)
			return ret;
		for (j = 0; j < n; j++) {
			u64 insn = words[2 * j] | (u64)words[2 * j + 1] << 32;

			ret = svmgpu_hw_isa_decode_insn(insn, i + j, count,
							&ctx->program[i + j]);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int cmd_dispatch(struct svmgpu_hw_cmd_ctx *ctx, const struct cmd *cmd)
{
	struct svmgpu_hw_dispatch d = {
		.insns = ctx->program,
		.num_insns = cmd->op[2],
		.grid = { cmd->op[3], cmd->op[4], cmd->op[5] },
		.arg = op64(cmd, 6),
		.budget = ctx->budget,
	};
	u64 program = op64(cmd, 0);
	int ret;

	if (!ctx->program || !ctx->dispatch)
		return -EINVAL;	/* no compute: an unknown command */
	if (cmd->len != 10 || cmd->flags || cmd->op[8] ||
	    !IS_ALIGNED(program, 8) || !d.num_insns ||
	    d.num_insns > DRM_SVMGPU_PROGRAM_MAX_INSNS ||
	    !d.grid[0] || !d.grid[1] || !d.grid[2] ||
	    check_mul_overflow((u64)d.grid[0] * d.grid[1], (u64)d.grid[2],
			       &d.num_items))
		return -EINVAL;

	ret = cmd_fetch_program(ctx, program, d.num_insns);
	if (ret)
		return ret;
	return ctx->dispatch(ctx, &d);
}

/**
 * svmgpu_hw_cmd_execute() - Execute a command buffer.
 * @ctx: Memory access and reset state of the engine.
 * @cs_address: GPU virtual address of the command buffer.
 * @cs_length: Its length in bytes.
 * @cs_offset: Out: offset of the command that ended execution.
 *
 * Return: 0 when END is reached; -EINVAL for a malformed command;
 * -EFAULT for a translation fault (@ctx->fault_address says where);
 * -ETIME if the engine was reset.
 */
int svmgpu_hw_cmd_execute(struct svmgpu_hw_cmd_ctx *ctx, u64 cs_address,
			  u32 cs_length, u32 *cs_offset)
{
	u32 offset = 0;

	if (!IS_ALIGNED(cs_address, 4) || !IS_ALIGNED(cs_length, 4))
		return -EINVAL;

	for (;;) {
		struct cmd cmd;
		u32 hdr, nops;
		int ret;

		*cs_offset = offset;
		if (offset >= cs_length)
			return -EINVAL;	/* no END */
		if (ctx->aborted(ctx))
			return -ETIME;

		ret = cmd_read_words(ctx, cs_address + offset, &hdr, 1);
		if (ret)
			return ret;

		cmd.flags = CMD_FLAGS(hdr);
		cmd.len = CMD_LEN(hdr);
		if (!cmd.len || cmd.len > (cs_length - offset) / 4)
			return -EINVAL;

		/* NOP's payload is skipped, never fetched. */
		nops = CMD_OPCODE(hdr) == DRM_SVMGPU_CMD_NOP ? 0 :
		       min_t(u32, cmd.len - 1, CMD_MAX_OPERANDS);
		ret = cmd_read_words(ctx, cs_address + offset + 4, cmd.op,
				     nops);
		if (ret)
			return ret;

		switch (CMD_OPCODE(hdr)) {
		case DRM_SVMGPU_CMD_NOP:
			ret = cmd.flags ? -EINVAL : 0;
			break;
		case DRM_SVMGPU_CMD_END:
			return cmd.len == 1 && !cmd.flags ? 0 : -EINVAL;
		case DRM_SVMGPU_CMD_WRITE_IMM:
			ret = cmd_write_imm(ctx, &cmd);
			break;
		case DRM_SVMGPU_CMD_COPY:
			ret = cmd_copy(ctx, &cmd);
			break;
		case DRM_SVMGPU_CMD_FILL:
			ret = cmd_fill(ctx, &cmd);
			break;
		case DRM_SVMGPU_CMD_ATOMIC:
			ret = cmd_atomic(ctx, &cmd);
			break;
		case DRM_SVMGPU_CMD_WAIT_MEM:
			ret = cmd_wait_mem(ctx, &cmd);
			break;
		case DRM_SVMGPU_CMD_TIMESTAMP:
			ret = cmd_timestamp(ctx, &cmd);
			break;
		case DRM_SVMGPU_CMD_DISPATCH:
			ret = cmd_dispatch(ctx, &cmd);
			break;
		default:
			ret = -EINVAL;
			break;
		}
		if (ret)
			return ret;

		offset += cmd.len * 4;
	}
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_cmd_execute);
