// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/sched.h>

#include <drm/svmgpu_drm.h>

#include <kunit/visibility.h>

#include "svmgpu_hw_cmd.h"
#include "svmgpu_hw_isa.h"

/**
 * DOC: compute interpreter
 *
 * The compute engine runs programs of the compute ISA (DOC: compute ISA in
 * the uAPI header). DISPATCH decodes a program once, with
 * svmgpu_hw_isa_decode_insn(), into &struct svmgpu_hw_insn: register
 * numbers checked, operands resolved, branch targets made absolute and
 * checked. So the interpreter, svmgpu_hw_isa_run(), trusts its program: it
 * is a switch in a loop, with no check per instruction but the ones the
 * instruction's meaning needs.
 *
 * Memory. Every access goes through the context's translation, as the
 * command processor's do (DOC: command processor): under the context's
 * lock, which TLB invalidation takes, so an invalidation that completed
 * left no access through a stale translation in flight. Taking the lock
 * and walking the TLB per access would dominate the run time, so the
 * interpreter keeps the lock for a quantum of up to %ISA_QUANTUM
 * instructions, and caches one translation (a window: the rest of the
 * page) per base register, with the rights of the access that made it.
 * Windows die with the lock: when the quantum ends, the interpreter lets
 * go of the lock, checks for a reset, and yields the CPU.
 *
 * Faults. Each instruction makes at most one memory access, and makes it
 * before it changes anything. So an access that faults in a fault-mode
 * address space has done nothing: the interpreter drops the lock, stalls
 * on the fault, and runs the same instruction again. A work item that
 * faults has stalled only itself: other compute threads carry on.
 *
 * Limits. Work items are counted in instructions, checked at each taken
 * branch and at EXIT, and so at least once per %DRM_SVMGPU_PROGRAM_MAX_INSNS
 * instructions: a work item that ran more than its budget ends the run
 * with -ETIME, as a reset does. Each work item also costs the quantum
 * %ISA_ITEM_COST, so that a run of short items yields the CPU too.
 */

/* Instructions between two releases of the translation lock. */
#define ISA_QUANTUM		4096

/*
 * What starting a work item costs, in instructions of the quantum: so
 * that items that exit at once still end quanta, and yield the CPU.
 */
#define ISA_ITEM_COST		16

#define ISA_REGS		16

/* The fields of an encoded instruction. */
#define ISA_OP(lo)		((lo) & 0xff)
#define ISA_RD(lo)		(((lo) >> 8) & 0x1f)
#define ISA_RA(lo)		(((lo) >> 13) & 0x1f)
#define ISA_RB(lo)		(((lo) >> 18) & 0x1f)
#define ISA_RC(lo)		(((lo) >> 23) & 0x1f)
#define ISA_MBZ			GENMASK(30, 28)

/* What an instruction uses, to check that the rest of it is zero. */
#define USE_RD			BIT(0)
#define USE_RA			BIT(1)
#define USE_RB			BIT(2)
#define USE_RC			BIT(3)
#define USE_IMM			BIT(4)
#define USE_IMM_FLAG		BIT(5)	/* DRM_SVMGPU_INSN_IMM allowed */
#define USE_BRANCH		BIT(6)	/* imm is a branch offset */
#define USE_VALID		BIT(7)

#define CLASS_ALU	(USE_VALID | USE_RD | USE_RA | USE_RB | USE_IMM_FLAG)
#define CLASS_MAD	(CLASS_ALU | USE_RC)
#define CLASS_LI	(USE_VALID | USE_RD | USE_IMM)
#define CLASS_LOAD	(USE_VALID | USE_RD | USE_RA | USE_IMM)
#define CLASS_STORE	(USE_VALID | USE_RA | USE_RB | USE_IMM)
#define CLASS_ATOMIC	(USE_VALID | USE_RD | USE_RA | USE_RB | USE_IMM)
#define CLASS_CMPXCHG	(CLASS_ATOMIC | USE_RC)
#define CLASS_BR	(USE_VALID | USE_IMM | USE_BRANCH)
#define CLASS_BZ	(CLASS_BR | USE_RA)
#define CLASS_BCMP	(CLASS_BR | USE_RA | USE_RB)
#define CLASS_NONE	(USE_VALID)

static const u8 isa_class[256] = {
	[DRM_SVMGPU_OP_ADD ... DRM_SVMGPU_OP_SGEU] = CLASS_ALU,
	[DRM_SVMGPU_OP_MAD] = CLASS_MAD,
	[DRM_SVMGPU_OP_LI] = CLASS_LI,
	[DRM_SVMGPU_OP_LIH] = CLASS_LI,
	[DRM_SVMGPU_OP_LD8 ... DRM_SVMGPU_OP_LDS32] = CLASS_LOAD,
	[DRM_SVMGPU_OP_ST8 ... DRM_SVMGPU_OP_ST64] = CLASS_STORE,
	[DRM_SVMGPU_OP_AADD32] = CLASS_ATOMIC,
	[DRM_SVMGPU_OP_AXCHG32] = CLASS_ATOMIC,
	[DRM_SVMGPU_OP_ACMPXCHG32] = CLASS_CMPXCHG,
	[DRM_SVMGPU_OP_AMIN32 ... DRM_SVMGPU_OP_AMAXU32] = CLASS_ATOMIC,
	[DRM_SVMGPU_OP_AADD64] = CLASS_ATOMIC,
	[DRM_SVMGPU_OP_AXCHG64] = CLASS_ATOMIC,
	[DRM_SVMGPU_OP_ACMPXCHG64] = CLASS_CMPXCHG,
	[DRM_SVMGPU_OP_AMIN64 ... DRM_SVMGPU_OP_AMAXU64] = CLASS_ATOMIC,
	[DRM_SVMGPU_OP_BR] = CLASS_BR,
	[DRM_SVMGPU_OP_BZ] = CLASS_BZ,
	[DRM_SVMGPU_OP_BNZ] = CLASS_BZ,
	[DRM_SVMGPU_OP_BEQ ... DRM_SVMGPU_OP_BGEU] = CLASS_BCMP,
	[DRM_SVMGPU_OP_FENCE] = CLASS_NONE,
	[DRM_SVMGPU_OP_EXIT] = CLASS_NONE,
};

/**
 * svmgpu_hw_isa_decode_insn() - Decode and check one instruction.
 * @word: The instruction, in CPU order.
 * @index: Its index in the program.
 * @count: The program's length in instructions.
 * @out: Out: the decoded instruction.
 *
 * Return: 0, or -EINVAL if the instruction is invalid at @index of a
 * program of @count (DOC: compute ISA).
 */
int svmgpu_hw_isa_decode_insn(u64 word, u32 index, u32 count,
			      struct svmgpu_hw_insn *out)
{
	u32 lo = lower_32_bits(word);
	s64 imm = (s32)upper_32_bits(word);
	u8 op = ISA_OP(lo), rd = ISA_RD(lo), ra = ISA_RA(lo);
	u8 rb = ISA_RB(lo), rc = ISA_RC(lo);
	bool use_imm = lo & DRM_SVMGPU_INSN_IMM;
	u8 uses = isa_class[op];

	if (!(uses & USE_VALID) || lo & ISA_MBZ)
		return -EINVAL;
	if (rd >= ISA_REGS || ra >= ISA_REGS || rb >= ISA_REGS ||
	    rc >= ISA_REGS)
		return -EINVAL;
	if (use_imm) {
		if (!(uses & USE_IMM_FLAG))
			return -EINVAL;
		uses = (uses & ~USE_RB) | USE_IMM;
	}
	if ((rd && !(uses & USE_RD)) || (ra && !(uses & USE_RA)) ||
	    (rb && !(uses & USE_RB)) || (rc && !(uses & USE_RC)) ||
	    (imm && !(uses & USE_IMM)))
		return -EINVAL;

	if (uses & USE_BRANCH) {
		imm += index;
		if (imm < 0 || imm >= count)
			return -EINVAL;
	}
	/* No work item can run past the end. */
	if (index == count - 1 && op != DRM_SVMGPU_OP_EXIT &&
	    op != DRM_SVMGPU_OP_BR)
		return -EINVAL;

	*out = (struct svmgpu_hw_insn) {
		.op = op,
		.rd = rd,
		.ra = ra,
		.rb = rb,
		.rc = rc,
		.use_imm = use_imm,
		.imm = imm,
	};
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_isa_decode_insn);

/**
 * svmgpu_hw_isa_decode() - Decode and check a program.
 * @code: The program: @count little-endian 64-bit instructions.
 * @count: Its length, 1 to %DRM_SVMGPU_PROGRAM_MAX_INSNS.
 * @out: Out: @count decoded instructions.
 *
 * Return: 0, or -EINVAL if the program is invalid (DOC: compute ISA).
 */
int svmgpu_hw_isa_decode(const __le64 *code, u32 count,
			 struct svmgpu_hw_insn *out)
{
	u32 i;
	int ret;

	if (!count || count > DRM_SVMGPU_PROGRAM_MAX_INSNS)
		return -EINVAL;

	for (i = 0; i < count; i++) {
		ret = svmgpu_hw_isa_decode_insn(le64_to_cpu(code[i]), i, count,
						&out[i]);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_isa_decode);

/*
 * A cached translation: [start, start + len) of GPU addresses is at
 * base + address in the kernel, with the rights of access @perm
 * (enum svmgpu_hw_access: READ < WRITE < ATOMIC).
 */
struct isa_window {
	u64 start;
	u64 len;
	uintptr_t base;
	u8 perm;
};

/* One compute thread's run of work items. */
struct isa_state {
	struct svmgpu_hw_cmd_ctx *ctx;
	const struct svmgpu_hw_dispatch *d;

	/* Whether ctx->lock() is held: the windows are valid only then. */
	bool locked;

	/* Instructions left in the quantum. */
	u64 quantum;

	/* Instructions run, in total. */
	u64 insns;

	/* One window per base register. */
	struct isa_window win[ISA_REGS];
};

static void isa_unlock(struct isa_state *s)
{
	unsigned int i;

	if (!s->locked)
		return;
	for (i = 0; i < ISA_REGS; i++)
		s->win[i].len = 0;
	s->ctx->unlock(s->ctx);
	s->locked = false;
}

static void *isa_fault(struct isa_state *s, u64 va,
		       enum svmgpu_hw_access access, void *err)
{
	s->ctx->fault_address = va;
	s->ctx->fault_access = access;
	return err;
}

/* Translate @va through @s's context, and cache it in window @reg. */
static noinline void *isa_translate(struct isa_state *s, unsigned int reg,
				    u64 va, unsigned int size,
				    enum svmgpu_hw_access access)
{
	struct svmgpu_hw_cmd_ctx *ctx = s->ctx;
	struct isa_window *w = &s->win[reg];
	u64 len;
	void *p;

	if (!IS_ALIGNED(va, size))
		return isa_fault(s, va, access, ERR_PTR(-EFAULT));

	if (!s->locked) {
		ctx->lock(ctx);
		s->locked = true;
	}
	p = ctx->access(ctx, va, access, &len);
	if (IS_ERR(p)) {
		if (p == ERR_PTR(-EFAULT) || p == ERR_PTR(-EAGAIN))
			isa_fault(s, va, access, p);
		return p;
	}

	/* Translations end on page boundaries: an aligned access fits. */
	w->start = va;
	w->len = len;
	w->base = (uintptr_t)p - va;
	w->perm = access;
	return p;
}

/* A pointer to @size bytes at @va, for @access; or an ERR_PTR(). */
static __always_inline void *isa_mem(struct isa_state *s, unsigned int reg,
				     u64 va, unsigned int size,
				     enum svmgpu_hw_access access)
{
	const struct isa_window *w = &s->win[reg];

	if (likely(va - w->start < w->len && IS_ALIGNED(va, size) &&
		   w->perm >= access))
		return (void *)(w->base + va);
	return isa_translate(s, reg, va, size, access);
}

/*
 * After an access failed with @err: 0 to run the instruction again once
 * the fault was serviced, or the error that ends the run.
 */
static int isa_settle(struct isa_state *s, void *err)
{
	struct svmgpu_hw_cmd_ctx *ctx = s->ctx;

	isa_unlock(s);
	if (err != ERR_PTR(-EAGAIN))
		return PTR_ERR(err);
	if (!ctx->fault)
		return -EFAULT;
	return ctx->fault(ctx, ctx->fault_address, ctx->fault_access);
}

/* End the quantum: let go of the lock, and stop on a reset. */
static int isa_quantum_end(struct isa_state *s)
{
	isa_unlock(s);
	s->quantum = ISA_QUANTUM;
	if (s->ctx->aborted(s->ctx))
		return -ETIME;
	cond_resched();
	return 0;
}

static u32 isa_amin32(atomic_t *v, u32 x, bool is_signed, bool is_max)
{
	int old = atomic_read(v);
	u32 new;

	do {
		if (is_signed)
			new = is_max ? max((s32)old, (s32)x) :
				       min((s32)old, (s32)x);
		else
			new = is_max ? max((u32)old, x) : min((u32)old, x);
		/* A read that leaves the value alone is the atomic. */
		if (new == (u32)old)
			break;
	} while (!atomic_try_cmpxchg(v, &old, new));
	return old;
}

static u64 isa_amin64(atomic64_t *v, u64 x, bool is_signed, bool is_max)
{
	s64 old = atomic64_read(v);
	u64 new;

	do {
		if (is_signed)
			new = is_max ? max(old, (s64)x) : min(old, (s64)x);
		else
			new = is_max ? max((u64)old, x) : min((u64)old, x);
		if (new == (u64)old)
			break;
	} while (!atomic64_try_cmpxchg(v, &old, new));
	return old;
}

static u64 isa_atomic32(const struct svmgpu_hw_insn *in, void *p, u64 b,
			u64 c)
{
	atomic_t *v = p;

	switch (in->op) {
	case DRM_SVMGPU_OP_AADD32:
		return (u32)atomic_fetch_add(b, v);
	case DRM_SVMGPU_OP_AXCHG32:
		return (u32)atomic_xchg(v, b);
	case DRM_SVMGPU_OP_ACMPXCHG32:
		return (u32)atomic_cmpxchg(v, c, b);
	case DRM_SVMGPU_OP_AMIN32:
		return isa_amin32(v, b, true, false);
	case DRM_SVMGPU_OP_AMAX32:
		return isa_amin32(v, b, true, true);
	case DRM_SVMGPU_OP_AMINU32:
		return isa_amin32(v, b, false, false);
	default:
		return isa_amin32(v, b, false, true);
	}
}

static u64 isa_atomic64(const struct svmgpu_hw_insn *in, void *p, u64 b,
			u64 c)
{
	atomic64_t *v = p;

	switch (in->op) {
	case DRM_SVMGPU_OP_AADD64:
		return atomic64_fetch_add(b, v);
	case DRM_SVMGPU_OP_AXCHG64:
		return atomic64_xchg(v, b);
	case DRM_SVMGPU_OP_ACMPXCHG64:
		return atomic64_cmpxchg(v, c, b);
	case DRM_SVMGPU_OP_AMIN64:
		return isa_amin64(v, b, true, false);
	case DRM_SVMGPU_OP_AMAX64:
		return isa_amin64(v, b, true, true);
	case DRM_SVMGPU_OP_AMINU64:
		return isa_amin64(v, b, false, false);
	default:
		return isa_amin64(v, b, false, true);
	}
}

static u64 isa_shl(u64 a, u64 n)
{
	return n < 64 ? a << n : 0;
}

static u64 isa_shr(u64 a, u64 n)
{
	return n < 64 ? a >> n : 0;
}

static u64 isa_sar(u64 a, u64 n)
{
	return (s64)a >> min_t(u64, n, 63);
}

static bool isa_taken(u8 op, u64 a, u64 b)
{
	switch (op) {
	case DRM_SVMGPU_OP_BR:
		return true;
	case DRM_SVMGPU_OP_BZ:
		return !a;
	case DRM_SVMGPU_OP_BNZ:
		return a;
	case DRM_SVMGPU_OP_BEQ:
		return a == b;
	case DRM_SVMGPU_OP_BNE:
		return a != b;
	case DRM_SVMGPU_OP_BLT:
		return (s64)a < (s64)b;
	case DRM_SVMGPU_OP_BGE:
		return (s64)a >= (s64)b;
	case DRM_SVMGPU_OP_BLTU:
		return a < b;
	default:
		return a >= b;
	}
}

/* Run work item @id to its EXIT. */
static int isa_run_item(struct isa_state *s, u64 id)
{
	const struct svmgpu_hw_dispatch *d = s->d;
	const struct svmgpu_hw_insn *prog = d->insns, *in;
	u64 limit = d->budget ?: U64_MAX;
	u64 r[ISA_REGS] = {};
	u64 n = 0, check, a, b, va;
	u32 pc = 0;
	void *p;
	int ret;

	r[0] = id;
	r[1] = d->arg;
	r[2] = id % d->grid[0];
	r[3] = id / d->grid[0] % d->grid[1];
	r[4] = id / d->grid[0] / d->grid[1];
	check = min(limit, s->quantum);

	for (;;) {
		in = &prog[pc];
		n++;
		a = r[in->ra];
		b = in->use_imm ? in->imm : r[in->rb];

		switch (in->op) {
		case DRM_SVMGPU_OP_ADD:
			r[in->rd] = a + b;
			break;
		case DRM_SVMGPU_OP_SUB:
			r[in->rd] = a - b;
			break;
		case DRM_SVMGPU_OP_MUL:
			r[in->rd] = a * b;
			break;
		case DRM_SVMGPU_OP_AND:
			r[in->rd] = a & b;
			break;
		case DRM_SVMGPU_OP_OR:
			r[in->rd] = a | b;
			break;
		case DRM_SVMGPU_OP_XOR:
			r[in->rd] = a ^ b;
			break;
		case DRM_SVMGPU_OP_SHL:
			r[in->rd] = isa_shl(a, b);
			break;
		case DRM_SVMGPU_OP_SHR:
			r[in->rd] = isa_shr(a, b);
			break;
		case DRM_SVMGPU_OP_SAR:
			r[in->rd] = isa_sar(a, b);
			break;
		case DRM_SVMGPU_OP_SEQ:
			r[in->rd] = a == b;
			break;
		case DRM_SVMGPU_OP_SNE:
			r[in->rd] = a != b;
			break;
		case DRM_SVMGPU_OP_SLT:
			r[in->rd] = (s64)a < (s64)b;
			break;
		case DRM_SVMGPU_OP_SGE:
			r[in->rd] = (s64)a >= (s64)b;
			break;
		case DRM_SVMGPU_OP_SLTU:
			r[in->rd] = a < b;
			break;
		case DRM_SVMGPU_OP_SGEU:
			r[in->rd] = a >= b;
			break;
		case DRM_SVMGPU_OP_MAD:
			r[in->rd] = a * b + r[in->rc];
			break;
		case DRM_SVMGPU_OP_LI:
			r[in->rd] = in->imm;
			break;
		case DRM_SVMGPU_OP_LIH:
			r[in->rd] = lower_32_bits(r[in->rd]) |
				    (u64)in->imm << 32;
			break;

		case DRM_SVMGPU_OP_LD8 ... DRM_SVMGPU_OP_LDS32: {
			static const u8 size[] = { 1, 2, 4, 8, 1, 2, 4 };

			va = a + in->imm;
			p = isa_mem(s, in->ra, va,
				    size[in->op - DRM_SVMGPU_OP_LD8],
				    SVMGPU_HW_ACCESS_READ);
			if (IS_ERR(p))
				goto fault;
			switch (in->op) {
			case DRM_SVMGPU_OP_LD8:
				r[in->rd] = READ_ONCE(*(u8 *)p);
				break;
			case DRM_SVMGPU_OP_LD16:
				r[in->rd] = READ_ONCE(*(u16 *)p);
				break;
			case DRM_SVMGPU_OP_LD32:
				r[in->rd] = READ_ONCE(*(u32 *)p);
				break;
			case DRM_SVMGPU_OP_LD64:
				r[in->rd] = READ_ONCE(*(u64 *)p);
				break;
			case DRM_SVMGPU_OP_LDS8:
				r[in->rd] = (s8)READ_ONCE(*(u8 *)p);
				break;
			case DRM_SVMGPU_OP_LDS16:
				r[in->rd] = (s16)READ_ONCE(*(u16 *)p);
				break;
			default:
				r[in->rd] = (s32)READ_ONCE(*(u32 *)p);
				break;
			}
			break;
		}

		case DRM_SVMGPU_OP_ST8 ... DRM_SVMGPU_OP_ST64: {
			unsigned int shift = in->op - DRM_SVMGPU_OP_ST8;

			va = a + in->imm;
			p = isa_mem(s, in->ra, va, 1 << shift,
				    SVMGPU_HW_ACCESS_WRITE);
			if (IS_ERR(p))
				goto fault;
			b = r[in->rb];
			switch (shift) {
			case 0:
				WRITE_ONCE(*(u8 *)p, b);
				break;
			case 1:
				WRITE_ONCE(*(u16 *)p, b);
				break;
			case 2:
				WRITE_ONCE(*(u32 *)p, b);
				break;
			default:
				WRITE_ONCE(*(u64 *)p, b);
				break;
			}
			break;
		}

		case DRM_SVMGPU_OP_AADD32 ... DRM_SVMGPU_OP_AMAXU32:
			va = a + in->imm;
			p = isa_mem(s, in->ra, va, 4, SVMGPU_HW_ACCESS_ATOMIC);
			if (IS_ERR(p))
				goto fault;
			r[in->rd] = isa_atomic32(in, p, r[in->rb], r[in->rc]);
			break;

		case DRM_SVMGPU_OP_AADD64 ... DRM_SVMGPU_OP_AMAXU64:
			va = a + in->imm;
			p = isa_mem(s, in->ra, va, 8, SVMGPU_HW_ACCESS_ATOMIC);
			if (IS_ERR(p))
				goto fault;
			r[in->rd] = isa_atomic64(in, p, r[in->rb], r[in->rc]);
			break;

		case DRM_SVMGPU_OP_BR ... DRM_SVMGPU_OP_BGEU:
			if (!isa_taken(in->op, a, r[in->rb]))
				break;
			pc = in->imm;
			if (unlikely(n >= check))
				goto limits;
			continue;

		case DRM_SVMGPU_OP_FENCE:
			/* The ISA's FENCE: a full barrier for every observer. */
			smp_mb();
			break;

		default: /* DRM_SVMGPU_OP_EXIT: decoding left no other. */
			s->insns += n;
			if (n > limit)
				return -ETIME;
			s->quantum -= min(n + ISA_ITEM_COST, s->quantum);
			return 0;
		}
		pc++;
		continue;

limits:
		/* Instructions of this item so far, and of the quantum. */
		if (n > limit) {
			s->insns += n;
			return -ETIME;
		}
		if (n >= s->quantum) {
			ret = isa_quantum_end(s);
			if (ret) {
				s->insns += n;
				return ret;
			}
			/* The new quantum counts from here. */
			s->quantum += n;
		}
		check = min(limit, s->quantum);
		continue;

fault:
		ret = isa_settle(s, p);
		if (ret) {
			s->insns += n;
			return ret;
		}
		/* Run the instruction again: it did nothing. */
		n--;
	}
}

/**
 * svmgpu_hw_isa_run() - Run work items of a dispatch.
 * @ctx: Memory access, faults and reset state.
 * @d: The dispatch, with its program decoded.
 * @first: Linear id of the first work item to run.
 * @count: Number of work items, from @first.
 * @insns: Incremented by the number of instructions run.
 *
 * Runs the work items one after the other, each to its EXIT. Called
 * without @ctx's lock; takes it as DOC: compute interpreter describes.
 *
 * Return: 0; -EFAULT for an access that cannot be translated or is
 * misaligned (@ctx->fault_address says where); -ETIME if a work item ran
 * out of budget or @ctx was aborted; or another error of @ctx's fault
 * handler.
 */
int svmgpu_hw_isa_run(struct svmgpu_hw_cmd_ctx *ctx,
		      const struct svmgpu_hw_dispatch *d, u64 first, u64 count,
		      u64 *insns)
{
	struct isa_state s = {
		.ctx = ctx,
		.d = d,
		.quantum = ISA_QUANTUM,
	};
	int ret = 0;
	u64 i;

	for (i = 0; i < count; i++) {
		ret = isa_run_item(&s, first + i);
		if (ret)
			break;
		if (!s.quantum) {
			ret = isa_quantum_end(&s);
			if (ret)
				break;
		}
	}
	isa_unlock(&s);
	*insns += s.insns;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_isa_run);
