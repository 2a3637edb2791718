// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * KUnit tests for the compute ISA (DOC: compute ISA in the uAPI header): the
 * decoder, the interpreter and the DISPATCH command. Like the command
 * processor's tests, they run on fake memory (svmgpu_fake_mem.h).
 *
 * Programs are written as arrays of host-order instructions, built with the
 * I_*() macros below. Most tests decode one and run it with prepare() and
 * run(), on a single work item whose argument (r1) is DATA.
 */

#include <linux/bits.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include <drm/svmgpu_drm.h>

#include <kunit/test.h>

#include "../hw/svmgpu_hw_cmd.h"
#include "../hw/svmgpu_hw_isa.h"
#include "svmgpu_fake_mem.h"

/* The fake memory's pages; the last, 7, is MEM_RO. */
#define CS_ADDR		MEM_BASE		/* page 0: command streams */
#define DATA		(MEM_BASE + SZ_4K)	/* page 1: data */
#define LAZY		(MEM_BASE + 3 * SZ_4K)	/* page 3: the lazy page */
#define PROG		(MEM_BASE + 4 * SZ_4K)	/* pages 4-5: programs */
#define UNMAPPED	0x10000ull

#define MEM_PTR(f, va)	((f)->base.mem + ((va) - MEM_BASE))
#define MEM64(f, va)	(*(u64 *)MEM_PTR(f, va))
#define MEM32(f, va)	(*(u32 *)MEM_PTR(f, va))

#define OP(name)	DRM_SVMGPU_OP_##name
#define MIN64		((u64)S64_MIN)
#define MAX64		((u64)S64_MAX)

/* Instruction builders; immediates and offsets are signed 32-bit values. */
#define I_INSN(op, rd, ra, rb, rc, imm) \
	DRM_SVMGPU_INSN(OP(op), rd, ra, rb, rc, imm)
#define I_ALU(op, rd, ra, rb)	I_INSN(op, rd, ra, rb, 0, 0)
#define I_ALUI(op, rd, ra, imm) \
	(I_INSN(op, rd, ra, 0, 0, imm) | DRM_SVMGPU_INSN_IMM)
#define I_LI(rd, imm)		I_INSN(LI, rd, 0, 0, 0, imm)
#define I_LIH(rd, imm)		I_INSN(LIH, rd, 0, 0, 0, imm)
#define I_LD(op, rd, ra, off)	I_INSN(op, rd, ra, 0, 0, off)
#define I_ST(op, ra, rb, off)	I_INSN(op, 0, ra, rb, 0, off)
#define I_B(op, ra, rb, off)	I_INSN(op, 0, ra, rb, 0, off)
#define I_BR(off)		I_INSN(BR, 0, 0, 0, 0, off)
#define I_FENCE			I_INSN(FENCE, 0, 0, 0, 0, 0)
#define I_EXIT			I_INSN(EXIT, 0, 0, 0, 0, 0)

/* The longest program a table-driven decoder test uses. */
#define SHORT_PROG_MAX	8

struct fake {
	struct svmgpu_fake_mem base;

	/* The dispatch that run() runs, set up by prepare(). */
	struct svmgpu_hw_dispatch d;

	/* Instructions run by run() and by fake_dispatch(). */
	u64 insns;

	/* What fake_dispatch() was given; @dry: run no work item. */
	unsigned int dispatches;
	struct svmgpu_hw_dispatch seen;
	unsigned int seen_locked;
	bool dry;
};

/* The engine's dispatch: every work item, on the calling thread. */
static int fake_dispatch(struct svmgpu_hw_cmd_ctx *ctx,
			 const struct svmgpu_hw_dispatch *d)
{
	struct fake *f = container_of(ctx, struct fake, base.ctx);

	f->dispatches++;
	f->seen = *d;
	f->seen_locked = f->base.locked;
	if (f->dry)
		return 0;
	return svmgpu_hw_isa_run(ctx, d, 0, d->num_items, &f->insns);
}

static struct fake *fake_new(struct kunit *test)
{
	struct fake *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	svmgpu_fake_mem_init(test, &f->base);
	f->base.ctx.program = kunit_kcalloc(test, DRM_SVMGPU_PROGRAM_MAX_INSNS,
					    sizeof(*f->base.ctx.program),
					    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->base.ctx.program);
	f->base.ctx.dispatch = fake_dispatch;
	return f;
}

/* Decodes a program of at most SHORT_PROG_MAX instructions. */
static int decode_short(const u64 *prog, u32 n)
{
	struct svmgpu_hw_insn out[SHORT_PROG_MAX];
	__le64 code[SHORT_PROG_MAX];
	u32 i;

	if (WARN_ON(n > SHORT_PROG_MAX))
		return -E2BIG;
	for (i = 0; i < n; i++)
		code[i] = cpu_to_le64(prog[i]);
	return svmgpu_hw_isa_decode(code, n, out);
}

/* Decodes an instruction followed by EXIT. */
static int decode_one(u64 insn)
{
	const u64 prog[] = { insn, I_EXIT };

	return decode_short(prog, ARRAY_SIZE(prog));
}

static void set_grid(struct fake *f, u32 x, u32 y, u32 z)
{
	f->d.grid[0] = x;
	f->d.grid[1] = y;
	f->d.grid[2] = z;
	f->d.num_items = (u64)x * y * z;
}

/* Decodes @prog into f->d: one work item, argument DATA, no budget. */
static void prepare(struct kunit *test, struct fake *f, const u64 *prog,
		    u32 n)
{
	struct svmgpu_hw_insn *insns;
	__le64 *code;
	u32 i;

	insns = kunit_kcalloc(test, n, sizeof(*insns), GFP_KERNEL);
	code = kunit_kcalloc(test, n, sizeof(*code), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, insns);
	KUNIT_ASSERT_NOT_NULL(test, code);
	for (i = 0; i < n; i++)
		code[i] = cpu_to_le64(prog[i]);
	KUNIT_ASSERT_EQ(test, svmgpu_hw_isa_decode(code, n, insns), 0);
	f->d = (struct svmgpu_hw_dispatch){
		.insns = insns,
		.num_insns = n,
		.arg = DATA,
	};
	set_grid(f, 1, 1, 1);
}

/* Runs every work item of f->d. */
static int run(struct fake *f)
{
	return svmgpu_hw_isa_run(&f->base.ctx, &f->d, 0, f->d.num_items,
				 &f->insns);
}

/* ALU operations: register and immediate forms. */

struct alu_case {
	u8 op;
	u64 a, b, c, want;
};

#define PAT1	0xff00ff00ff00ff00ull
#define PAT2	0x0ff00ff00ff00ff0ull
#define HUGE_SHIFT	0x100000001ull	/* its low 6 bits are 1 */

static const struct alu_case alu_cases[] = {
	{ OP(ADD), 2, 3, 0, 5 },
	{ OP(ADD), MAX64, 1, 0, MIN64 },
	{ OP(ADD), U64_MAX, 1, 0, 0 },
	{ OP(ADD), (u64)-5, 3, 0, (u64)-2 },
	{ OP(ADD), 1, 1ull << 32, 0, (1ull << 32) + 1 },
	{ OP(SUB), 3, 5, 0, (u64)-2 },
	{ OP(SUB), MIN64, 1, 0, MAX64 },
	{ OP(SUB), 0, U64_MAX, 0, 1 },
	{ OP(MUL), 7, (u64)-3, 0, (u64)-21 },
	{ OP(MUL), MAX64, 2, 0, (u64)-2 },
	{ OP(MUL), 1ull << 32, 1ull << 32, 0, 0 },
	{ OP(MUL), U64_MAX, U64_MAX, 0, 1 },
	{ OP(MUL), 0x123456789ull, 0x1000, 0, 0x123456789000ull },
	{ OP(AND), PAT1, PAT2, 0, 0x0f000f000f000f00ull },
	{ OP(AND), 0x123456789abcdef7ull, (u64)-16, 0, 0x123456789abcdef0ull },
	{ OP(AND), U64_MAX, 0x7fffffff, 0, 0x7fffffff },
	{ OP(OR), PAT1, PAT2, 0, 0xfff0fff0fff0fff0ull },
	{ OP(OR), 0, (u64)S32_MIN, 0, 0xffffffff80000000ull },
	{ OP(XOR), PAT1, PAT2, 0, 0xf0f0f0f0f0f0f0f0ull },
	{ OP(XOR), 0x0123456789abcdefull, U64_MAX, 0, 0xfedcba9876543210ull },
	{ OP(SHL), 1, 0, 0, 1 },
	{ OP(SHL), 1, 63, 0, MIN64 },
	{ OP(SHL), 1, 64, 0, 0 },
	{ OP(SHL), 1, 65, 0, 0 },
	{ OP(SHL), U64_MAX, 1, 0, (u64)-2 },
	{ OP(SHL), 3, 62, 0, 0xc000000000000000ull },
	{ OP(SHL), U64_MAX, 64, 0, 0 },
	{ OP(SHL), 1, HUGE_SHIFT, 0, 0 },
	{ OP(SHL), 1, MIN64, 0, 0 },
	{ OP(SHL), 1, U64_MAX, 0, 0 },
	{ OP(SHR), MIN64, 0, 0, MIN64 },
	{ OP(SHR), MIN64, 63, 0, 1 },
	{ OP(SHR), MIN64, 64, 0, 0 },
	{ OP(SHR), U64_MAX, 65, 0, 0 },
	{ OP(SHR), U64_MAX, 1, 0, MAX64 },
	{ OP(SHR), U64_MAX, 63, 0, 1 },
	{ OP(SHR), U64_MAX, HUGE_SHIFT, 0, 0 },
	{ OP(SHR), U64_MAX, U64_MAX, 0, 0 },
	{ OP(SAR), (u64)-8, 1, 0, (u64)-4 },
	{ OP(SAR), (u64)-16, 2, 0, (u64)-4 },
	{ OP(SAR), MIN64, 0, 0, MIN64 },
	{ OP(SAR), MIN64, 63, 0, U64_MAX },
	{ OP(SAR), MIN64, 64, 0, U64_MAX },
	{ OP(SAR), (u64)-5, 65, 0, U64_MAX },
	{ OP(SAR), (u64)-5, HUGE_SHIFT, 0, U64_MAX },
	{ OP(SAR), (u64)-5, MIN64, 0, U64_MAX },
	{ OP(SAR), (u64)-5, U64_MAX, 0, U64_MAX },
	{ OP(SAR), MAX64, 62, 0, 1 },
	{ OP(SAR), MAX64, 63, 0, 0 },
	{ OP(SAR), MAX64, 64, 0, 0 },
	{ OP(SAR), 8, 65, 0, 0 },
	{ OP(SAR), MAX64, U64_MAX, 0, 0 },
	{ OP(SEQ), 5, 5, 0, 1 },
	{ OP(SEQ), 5, 6, 0, 0 },
	{ OP(SEQ), U64_MAX, U64_MAX, 0, 1 },
	{ OP(SEQ), 5, (1ull << 32) + 5, 0, 0 },
	{ OP(SNE), 5, 5, 0, 0 },
	{ OP(SNE), 5, 6, 0, 1 },
	{ OP(SNE), U64_MAX, U64_MAX, 0, 0 },
	{ OP(SNE), 5, (1ull << 32) + 5, 0, 1 },
	{ OP(SLT), U64_MAX, 0, 0, 1 },
	{ OP(SLT), 0, U64_MAX, 0, 0 },
	{ OP(SLT), MIN64, MAX64, 0, 1 },
	{ OP(SLT), MAX64, MIN64, 0, 0 },
	{ OP(SLT), MIN64, U64_MAX, 0, 1 },
	{ OP(SLT), 5, 5, 0, 0 },
	{ OP(SGE), U64_MAX, 0, 0, 0 },
	{ OP(SGE), 0, U64_MAX, 0, 1 },
	{ OP(SGE), MIN64, MAX64, 0, 0 },
	{ OP(SGE), MAX64, MIN64, 0, 1 },
	{ OP(SGE), 5, 5, 0, 1 },
	{ OP(SLTU), U64_MAX, 0, 0, 0 },
	{ OP(SLTU), 0, U64_MAX, 0, 1 },
	{ OP(SLTU), MIN64, MAX64, 0, 0 },
	{ OP(SLTU), MAX64, MIN64, 0, 1 },
	{ OP(SLTU), 4, 5, 0, 1 },
	{ OP(SLTU), 5, 5, 0, 0 },
	{ OP(SGEU), U64_MAX, 0, 0, 1 },
	{ OP(SGEU), 0, U64_MAX, 0, 0 },
	{ OP(SGEU), MIN64, MAX64, 0, 1 },
	{ OP(SGEU), MAX64, MIN64, 0, 0 },
	{ OP(SGEU), 5, 5, 0, 1 },
	{ OP(MAD), 3, 4, 5, 17 },
	{ OP(MAD), (u64)-3, 4, 5, (u64)-7 },
	{ OP(MAD), 5, U64_MAX, 0, (u64)-5 },
	{ OP(MAD), MAX64, 2, 2, 0 },
	{ OP(MAD), U64_MAX, U64_MAX, U64_MAX, 0 },
	{ OP(MAD), 1ull << 32, 1ull << 32, 7, 7 },
};

static bool fits_imm(u64 v)
{
	return (u64)(s64)(s32)v == v;
}

/* r8 = a op b (+ c for MAD), b in r6 or, with @imm, the immediate. */
static u64 alu_run(struct kunit *test, struct fake *f,
		   const struct alu_case *c, bool imm)
{
	u8 rc = c->op == OP(MAD) ? 7 : 0;
	u64 prog[] = {
		I_LD(LD64, 5, 1, 0),
		I_LD(LD64, 6, 1, 8),
		I_LD(LD64, 7, 1, 16),
		DRM_SVMGPU_INSN(c->op, 8, 5, 6, rc, 0),
		I_ST(ST64, 1, 8, 24),
		I_EXIT,
	};

	if (imm)
		prog[3] = DRM_SVMGPU_INSN(c->op, 8, 5, 0, rc, (s32)c->b) |
			  DRM_SVMGPU_INSN_IMM;
	MEM64(f, DATA) = c->a;
	MEM64(f, DATA + 8) = c->b;
	MEM64(f, DATA + 16) = c->c;
	MEM64(f, DATA + 24) = 0xbad;
	prepare(test, f, prog, ARRAY_SIZE(prog));
	KUNIT_EXPECT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);
	return MEM64(f, DATA + 24);
}

static void isa_alu(struct kunit *test)
{
	struct fake *f = fake_new(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(alu_cases); i++) {
		const struct alu_case *c = &alu_cases[i];

		KUNIT_EXPECT_EQ_MSG(test, alu_run(test, f, c, false), c->want,
				    "op %#x a %#llx b %#llx c %#llx (rb)",
				    c->op, c->a, c->b, c->c);
		if (!fits_imm(c->b))
			continue;
		KUNIT_EXPECT_EQ_MSG(test, alu_run(test, f, c, true), c->want,
				    "op %#x a %#llx b %#llx c %#llx (imm)",
				    c->op, c->a, c->b, c->c);
	}
}

/* Operands that alias the destination, and r0 and r15 as plain registers. */
static void isa_alu_aliasing(struct kunit *test)
{
	static const u64 prog[] = {
		I_LI(0, 6),
		I_LI(15, 7),
		I_ALU(MUL, 15, 15, 0),		/* r15 = 42 */
		I_ALU(ADD, 0, 0, 0),		/* r0 = 12 */
		I_INSN(MAD, 0, 0, 0, 0, 0),	/* r0 = 12 * 12 + 12 */
		I_ST(ST64, 1, 15, 0),
		I_ST(ST64, 1, 0, 8),
		I_EXIT,
	};
	struct fake *f = fake_new(test);

	prepare(test, f, prog, ARRAY_SIZE(prog));
	KUNIT_ASSERT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA), 42);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 8), 156);
}

static void isa_li_lih(struct kunit *test)
{
	static const u64 prog[] = {
		I_LI(5, -2),
		I_LI(6, S32_MAX),
		I_LI(7, S32_MIN),
		I_LI(8, 0x12345678),
		I_LIH(8, 0x9abcdef0),		/* a negative immediate */
		I_LI(9, -1),
		I_LIH(9, 0),			/* keeps only the low half */
		I_LI(15, 0x89abcdef),
		I_LIH(15, 0x01234567),
		I_LIH(0, 1),			/* r0 (0) is writable */
		I_ST(ST64, 1, 5, 0),
		I_ST(ST64, 1, 6, 8),
		I_ST(ST64, 1, 7, 16),
		I_ST(ST64, 1, 8, 24),
		I_ST(ST64, 1, 9, 32),
		I_ST(ST64, 1, 15, 40),
		I_ST(ST64, 1, 0, 48),
		I_EXIT,
	};
	struct fake *f = fake_new(test);

	prepare(test, f, prog, ARRAY_SIZE(prog));
	KUNIT_ASSERT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA), (u64)-2);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 8), 0x7fffffffull);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 16), 0xffffffff80000000ull);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 24), 0x9abcdef012345678ull);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 32), 0x00000000ffffffffull);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 40), 0x0123456789abcdefull);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 48), 1ull << 32);
}

/* Loads: each width, zero- and sign-extended, at ra + imm. */

struct load_case {
	u8 op;
	u8 off;
	u64 want;
};

static const struct load_case load_cases[] = {
	{ OP(LD8), 0, 0x10 },
	{ OP(LD8), 7, 0xfe },
	{ OP(LDS8), 0, 0x10 },
	{ OP(LDS8), 5, 0xffffffffffffffbaull },
	{ OP(LDS8), 7, 0xfffffffffffffffeull },
	{ OP(LD16), 0, 0x3210 },
	{ OP(LD16), 6, 0xfedc },
	{ OP(LDS16), 2, 0x7654 },
	{ OP(LDS16), 6, 0xfffffffffffffedcull },
	{ OP(LD32), 0, 0x76543210 },
	{ OP(LD32), 4, 0xfedcba98 },
	{ OP(LD32), 12, 0xefcdab89 },
	{ OP(LDS32), 0, 0x76543210 },
	{ OP(LDS32), 4, 0xfffffffffedcba98ull },
	{ OP(LDS32), 12, 0xffffffffefcdab89ull },
	{ OP(LD64), 0, 0xfedcba9876543210ull },
	{ OP(LD64), 8, 0xefcdab8967452301ull },
};

static void isa_loads(struct kunit *test)
{
	struct fake *f = fake_new(test);
	unsigned int i;
	int base;

	MEM64(f, DATA) = 0xfedcba9876543210ull;
	MEM64(f, DATA + 8) = 0xefcdab8967452301ull;
	for (i = 0; i < ARRAY_SIZE(load_cases); i++) {
		const struct load_case *c = &load_cases[i];

		/* ra at the data, then 64 bytes past it (negative imm). */
		for (base = 0; base <= 64; base += 64) {
			u64 prog[] = {
				I_LI(5, 0x5a5a),
				DRM_SVMGPU_INSN(c->op, 5, 1, 0, 0,
						c->off - base),
				I_LI(6, DATA + 0x100),
				I_ST(ST64, 6, 5, 0),
				I_EXIT,
			};

			prepare(test, f, prog, ARRAY_SIZE(prog));
			f->d.arg = DATA + base;
			KUNIT_ASSERT_EQ(test, run(f), 0);
			KUNIT_EXPECT_EQ_MSG(test, MEM64(f, DATA + 0x100),
					    c->want, "op %#x at %u, ra + %d",
					    c->op, c->off, c->off - base);
		}
	}
}

/* Stores: each width, without touching the bytes around it. */

struct store_case {
	u8 op;
	u8 off;
	u8 size;
};

static const struct store_case store_cases[] = {
	{ OP(ST8), 0, 1 },
	{ OP(ST8), 5, 1 },
	{ OP(ST8), 15, 1 },
	{ OP(ST16), 2, 2 },
	{ OP(ST16), 14, 2 },
	{ OP(ST32), 4, 4 },
	{ OP(ST32), 12, 4 },
	{ OP(ST64), 0, 8 },
	{ OP(ST64), 8, 8 },
};

static void isa_stores(struct kunit *test)
{
	const __le64 value = cpu_to_le64(0x8877665544332211ull);
	struct fake *f = fake_new(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(store_cases); i++) {
		const struct store_case *c = &store_cases[i];
		u64 prog[] = {
			I_LD(LD64, 5, 1, 0x100),
			DRM_SVMGPU_INSN(c->op, 0, 1, 5, 0, c->off),
			I_EXIT,
		};
		u8 want[16];

		memset(want, 0xa5, sizeof(want));
		memcpy(want + c->off, &value, c->size);
		memset(MEM_PTR(f, DATA), 0xa5, sizeof(want));
		MEM64(f, DATA + 0x100) = le64_to_cpu(value);
		prepare(test, f, prog, ARRAY_SIZE(prog));
		KUNIT_ASSERT_EQ(test, run(f), 0);
		KUNIT_EXPECT_MEMEQ_MSG(test, MEM_PTR(f, DATA), want,
				       sizeof(want), "op %#x at %u",
				       c->op, c->off);
	}
}

/* Atomics: rd = old value, zero-extended; memory = the new value. */

struct atomic_case {
	u8 op;
	u64 init, b, c, old, want;
};

#define SENTINEL	0x5a5a5a5a5a5a5a5aull

static const struct atomic_case atomic_cases[] = {
	{ OP(AADD32), 10, 5, 0, 10, 15 },
	{ OP(AADD32), 10, (u64)-3, 0, 10, 7 },
	{ OP(AADD32), 0xffffffff, 2, 0, 0xffffffff, 1 },
	{ OP(AADD32), 1, 0xffffffff00000002ull, 0, 1, 3 },
	{ OP(AXCHG32), 0xdeadbeef, 0x1234567800000042ull, 0, 0xdeadbeef,
	  0x42 },
	{ OP(ACMPXCHG32), 7, 99, 7, 7, 99 },
	{ OP(ACMPXCHG32), 8, 99, 7, 8, 8 },
	{ OP(ACMPXCHG32), 0x80000000, 1, 0x80000000, 0x80000000, 1 },
	{ OP(AMIN32), 0xfffffff6, 5, 0, 0xfffffff6, 0xfffffff6 },
	{ OP(AMIN32), 5, (u64)-10, 0, 5, 0xfffffff6 },
	{ OP(AMIN32), 0x7fffffff, (u64)S32_MIN, 0, 0x7fffffff, 0x80000000 },
	{ OP(AMAX32), 0xfffffff6, 5, 0, 0xfffffff6, 5 },
	{ OP(AMAX32), 5, (u64)-10, 0, 5, 5 },
	{ OP(AMAX32), 0x80000000, (u64)-1, 0, 0x80000000, 0xffffffff },
	{ OP(AMINU32), 0xfffffff6, 5, 0, 0xfffffff6, 5 },
	{ OP(AMINU32), 5, 0xfffffff6, 0, 5, 5 },
	{ OP(AMAXU32), 0xfffffff6, 5, 0, 0xfffffff6, 0xfffffff6 },
	{ OP(AMAXU32), 5, 0xfffffff6, 0, 5, 0xfffffff6 },
	{ OP(AADD64), 1ull << 40, 1ull << 33, 0, 1ull << 40,
	  (1ull << 40) + (1ull << 33) },
	{ OP(AADD64), U64_MAX, 2, 0, U64_MAX, 1 },
	{ OP(AADD64), MAX64, 1, 0, MAX64, MIN64 },
	{ OP(AXCHG64), 0x1122334455667788ull, U64_MAX, 0,
	  0x1122334455667788ull, U64_MAX },
	{ OP(ACMPXCHG64), 0x100000007ull, 99, 0x100000007ull,
	  0x100000007ull, 99 },
	{ OP(ACMPXCHG64), 0x100000007ull, 99, 7, 0x100000007ull,
	  0x100000007ull },
	{ OP(AMIN64), U64_MAX, 1, 0, U64_MAX, U64_MAX },
	{ OP(AMIN64), MAX64, MIN64, 0, MAX64, MIN64 },
	{ OP(AMAX64), U64_MAX, 1, 0, U64_MAX, 1 },
	{ OP(AMAX64), MIN64, U64_MAX, 0, MIN64, U64_MAX },
	{ OP(AMINU64), U64_MAX, 1, 0, U64_MAX, 1 },
	{ OP(AMINU64), MIN64, MAX64, 0, MIN64, MAX64 },
	{ OP(AMAXU64), 1, U64_MAX, 0, 1, U64_MAX },
	{ OP(AMAXU64), MIN64, MAX64, 0, MIN64, MIN64 },
};

static void isa_atomics(struct kunit *test)
{
	struct fake *f = fake_new(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(atomic_cases); i++) {
		const struct atomic_case *c = &atomic_cases[i];
		bool is64 = c->op >= OP(AADD64);
		bool cmpxchg = c->op == OP(ACMPXCHG32) ||
			       c->op == OP(ACMPXCHG64);
		u64 prog[] = {
			I_LD(LD64, 6, 1, 0x100),
			I_LD(LD64, 7, 1, 0x108),
			I_LI(5, -1),	/* rd's high half must be cleared */
			DRM_SVMGPU_INSN(c->op, 5, 1, 6, cmpxchg ? 7 : 0, 8),
			I_ST(ST64, 1, 5, 0x110),
			I_EXIT,
		};

		MEM64(f, DATA) = SENTINEL;
		MEM64(f, DATA + 8) = SENTINEL;
		MEM64(f, DATA + 16) = SENTINEL;
		if (is64)
			MEM64(f, DATA + 8) = c->init;
		else
			MEM32(f, DATA + 8) = c->init;
		MEM64(f, DATA + 0x100) = c->b;
		MEM64(f, DATA + 0x108) = c->c;
		prepare(test, f, prog, ARRAY_SIZE(prog));
		KUNIT_ASSERT_EQ(test, run(f), 0);
		KUNIT_EXPECT_EQ_MSG(test, MEM64(f, DATA + 0x110), c->old,
				    "old value: op %#x init %#llx b %#llx",
				    c->op, c->init, c->b);
		if (is64)
			KUNIT_EXPECT_EQ_MSG(test, MEM64(f, DATA + 8), c->want,
					    "op %#x init %#llx b %#llx",
					    c->op, c->init, c->b);
		else
			KUNIT_EXPECT_EQ_MSG(test, MEM32(f, DATA + 8), c->want,
					    "op %#x init %#llx b %#llx",
					    c->op, c->init, c->b);
		KUNIT_EXPECT_EQ(test, MEM64(f, DATA), SENTINEL);
		KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 16), SENTINEL);
		if (!is64)
			KUNIT_EXPECT_EQ(test, MEM32(f, DATA + 12),
					lower_32_bits(SENTINEL));
	}
}

/* Branches, taken and not, forward and backward. */

struct branch_case {
	u8 op;
	u64 a, b;
	bool taken;
};

static const struct branch_case branch_cases[] = {
	{ OP(BR), 0, 0, true },
	{ OP(BZ), 0, 0, true },
	{ OP(BZ), 1, 0, false },
	{ OP(BZ), MIN64, 0, false },
	{ OP(BZ), 1ull << 32, 0, false },
	{ OP(BNZ), 0, 0, false },
	{ OP(BNZ), 1, 0, true },
	{ OP(BNZ), 1ull << 32, 0, true },
	{ OP(BEQ), 5, 5, true },
	{ OP(BEQ), 5, 6, false },
	{ OP(BEQ), 5, (1ull << 32) + 5, false },
	{ OP(BNE), 5, 5, false },
	{ OP(BNE), 5, (1ull << 32) + 5, true },
	{ OP(BLT), U64_MAX, 0, true },
	{ OP(BLT), 0, U64_MAX, false },
	{ OP(BLT), MIN64, MAX64, true },
	{ OP(BLT), MAX64, MIN64, false },
	{ OP(BLT), 5, 5, false },
	{ OP(BGE), U64_MAX, 0, false },
	{ OP(BGE), 0, U64_MAX, true },
	{ OP(BGE), MAX64, MIN64, true },
	{ OP(BGE), 5, 5, true },
	{ OP(BLTU), U64_MAX, 0, false },
	{ OP(BLTU), 0, U64_MAX, true },
	{ OP(BLTU), MIN64, MAX64, false },
	{ OP(BLTU), 4, 5, true },
	{ OP(BLTU), 5, 5, false },
	{ OP(BGEU), U64_MAX, 0, true },
	{ OP(BGEU), 0, U64_MAX, false },
	{ OP(BGEU), MIN64, MAX64, true },
	{ OP(BGEU), 5, 5, true },
};

/* The branch of @op on r5 and r6, with only the fields it uses. */
static u64 branch_insn(u8 op, s32 off)
{
	u8 ra = op == OP(BR) ? 0 : 5;
	u8 rb = op == OP(BR) || op == OP(BZ) || op == OP(BNZ) ? 0 : 6;

	return DRM_SVMGPU_INSN(op, 0, ra, rb, 0, off);
}

/* r7 = 2 if the branch is taken, 1 if not. */
static u64 branch_run(struct kunit *test, struct fake *f,
		      const struct branch_case *c, bool backward)
{
	u64 forward_prog[] = {
		I_LD(LD64, 5, 1, 0),
		I_LD(LD64, 6, 1, 8),
		I_LI(7, 1),
		branch_insn(c->op, 2),		/* to 5 */
		I_BR(2),
		I_LI(7, 2),
		I_ST(ST64, 1, 7, 16),
		I_EXIT,
	};
	u64 backward_prog[] = {
		I_LD(LD64, 5, 1, 0),
		I_LD(LD64, 6, 1, 8),
		I_LI(7, 1),
		I_BR(3),
		I_LI(7, 2),
		I_BR(2),
		branch_insn(c->op, -2),		/* to 4 */
		I_ST(ST64, 1, 7, 16),
		I_EXIT,
	};

	MEM64(f, DATA) = c->a;
	MEM64(f, DATA + 8) = c->b;
	MEM64(f, DATA + 16) = 0;
	if (backward)
		prepare(test, f, backward_prog, ARRAY_SIZE(backward_prog));
	else
		prepare(test, f, forward_prog, ARRAY_SIZE(forward_prog));
	KUNIT_EXPECT_EQ(test, run(f), 0);
	return MEM64(f, DATA + 16);
}

static void isa_branches(struct kunit *test)
{
	struct fake *f = fake_new(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(branch_cases); i++) {
		const struct branch_case *c = &branch_cases[i];
		u64 want = c->taken ? 2 : 1;

		KUNIT_EXPECT_EQ_MSG(test, branch_run(test, f, c, false), want,
				    "forward op %#x a %#llx b %#llx",
				    c->op, c->a, c->b);
		KUNIT_EXPECT_EQ_MSG(test, branch_run(test, f, c, true), want,
				    "backward op %#x a %#llx b %#llx",
				    c->op, c->a, c->b);
	}
}

/* A counting loop: r5 = 0 .. @n, stored at r1; 2 * @n + 4 instructions. */
static void prepare_loop(struct kunit *test, struct fake *f, s32 n)
{
	u64 prog[] = {
		I_LI(5, 0),
		I_LI(6, n),
		I_ALUI(ADD, 5, 5, 1),
		I_B(BLT, 5, 6, -1),
		I_ST(ST64, 1, 5, 0),
		I_EXIT,
	};

	prepare(test, f, prog, ARRAY_SIZE(prog));
}

static void isa_loop(struct kunit *test)
{
	struct fake *f = fake_new(test);

	prepare_loop(test, f, 10);
	KUNIT_ASSERT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA), 10);
	KUNIT_EXPECT_EQ(test, f->insns, 24);
}

static void isa_fence(struct kunit *test)
{
	static const u64 prog[] = {
		I_LI(5, 0x1234),
		I_ST(ST64, 1, 5, 0),
		I_FENCE,
		I_LD(LD64, 6, 1, 0),
		I_ST(ST64, 1, 6, 8),
		I_EXIT,
	};
	struct fake *f = fake_new(test);

	prepare(test, f, prog, ARRAY_SIZE(prog));
	KUNIT_ASSERT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 8), 0x1234);
	KUNIT_EXPECT_EQ(test, f->insns, 6);
}

static void isa_exit(struct kunit *test)
{
	static const u64 exit_prog[] = {
		I_LI(5, 1),
		I_ST(ST64, 1, 5, 0),
		I_EXIT,
		I_ST(ST64, 1, 5, 8),
		I_EXIT,
	};
	/* A program may end with BR, back to an EXIT. */
	static const u64 br_last_prog[] = {
		I_BR(2),
		I_EXIT,
		I_LI(5, 7),
		I_ST(ST64, 1, 5, 16),
		I_BR(-3),
	};
	struct fake *f = fake_new(test);

	prepare(test, f, exit_prog, ARRAY_SIZE(exit_prog));
	KUNIT_ASSERT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA), 1);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 8), 0);
	KUNIT_EXPECT_EQ(test, f->insns, 3);

	f->insns = 0;
	prepare(test, f, br_last_prog, ARRAY_SIZE(br_last_prog));
	KUNIT_ASSERT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 16), 7);
	KUNIT_EXPECT_EQ(test, f->insns, 5);
}

/* Instructions are added to *insns, per work item. */
static void isa_insn_count(struct kunit *test)
{
	static const u64 prog[] = {
		I_LI(5, 1),
		I_FENCE,
		I_EXIT,
	};
	struct fake *f = fake_new(test);

	prepare(test, f, prog, ARRAY_SIZE(prog));
	set_grid(f, 4, 1, 1);
	f->insns = 100;
	KUNIT_ASSERT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, f->insns, 100 + 4 * 3);
	KUNIT_EXPECT_EQ(test, svmgpu_hw_isa_run(&f->base.ctx, &f->d, 1, 2,
						&f->insns), 0);
	KUNIT_EXPECT_EQ(test, f->insns, 100 + 6 * 3);
}

/*
 * The preloaded registers: each work item stores r0-r4 and the OR of
 * r5-r15 in a 64-byte slot at r1 + 64 * r0, then dirties registers that
 * the next work item must find zero again.
 */
static const u64 regs_prog[] = {
	I_ALU(OR, 5, 5, 6),
	I_ALU(OR, 5, 5, 7),
	I_ALU(OR, 5, 5, 8),
	I_ALU(OR, 5, 5, 9),
	I_ALU(OR, 5, 5, 10),
	I_ALU(OR, 5, 5, 11),
	I_ALU(OR, 5, 5, 12),
	I_ALU(OR, 5, 5, 13),
	I_ALU(OR, 5, 5, 14),
	I_ALU(OR, 5, 5, 15),
	I_ALUI(SHL, 6, 0, 6),
	I_ALU(ADD, 6, 6, 1),
	I_ST(ST64, 6, 0, 0),
	I_ST(ST64, 6, 1, 8),
	I_ST(ST64, 6, 2, 16),
	I_ST(ST64, 6, 3, 24),
	I_ST(ST64, 6, 4, 32),
	I_ST(ST64, 6, 5, 40),
	I_LI(5, -1),
	I_LI(15, -1),
	I_EXIT,
};

/* Runs regs_prog on items @first .. @first + @count - 1 of a grid. */
static void check_regs(struct kunit *test, u32 x, u32 y, u32 z, u64 first,
		       u64 count)
{
	struct fake *f = fake_new(test);
	u64 id;

	prepare(test, f, regs_prog, ARRAY_SIZE(regs_prog));
	set_grid(f, x, y, z);
	KUNIT_ASSERT_LE(test, f->d.num_items * 64, SZ_4K);
	KUNIT_ASSERT_EQ(test, svmgpu_hw_isa_run(&f->base.ctx, &f->d, first, count,
						&f->insns), 0);
	KUNIT_EXPECT_EQ(test, f->insns, count * ARRAY_SIZE(regs_prog));
	for (id = 0; id < f->d.num_items; id++) {
		u64 slot = DATA + 64 * id;

		if (id < first || id >= first + count) {
			KUNIT_EXPECT_EQ_MSG(test, MEM64(f, slot + 8), 0,
					    "item %llu ran", id);
			continue;
		}
		KUNIT_EXPECT_EQ(test, MEM64(f, slot), id);
		KUNIT_EXPECT_EQ(test, MEM64(f, slot + 8), DATA);
		KUNIT_EXPECT_EQ(test, MEM64(f, slot + 16), id % x);
		KUNIT_EXPECT_EQ(test, MEM64(f, slot + 24), id / x % y);
		KUNIT_EXPECT_EQ(test, MEM64(f, slot + 32), id / ((u64)x * y));
		KUNIT_EXPECT_EQ_MSG(test, MEM64(f, slot + 40), 0,
				    "item %llu: r5-r15 not zero", id);
	}
}

static void isa_registers_1d(struct kunit *test)
{
	check_regs(test, 7, 1, 1, 0, 7);
}

static void isa_registers_3d(struct kunit *test)
{
	check_regs(test, 3, 2, 4, 0, 24);
}

static void isa_registers_range(struct kunit *test)
{
	check_regs(test, 4, 2, 3, 5, 9);
}

/* Decoding. */

static void decode_fields(struct kunit *test)
{
	static const u64 prog[] = {
		I_ALUI(ADD, 3, 4, -5),
		I_INSN(MAD, 15, 14, 13, 12, 0),
		I_B(BEQ, 1, 2, -1),
		I_BR(2),
		I_LI(9, S32_MIN),
		I_EXIT,
		I_BR(-5),
	};
	__le64 code[ARRAY_SIZE(prog)];
	struct svmgpu_hw_insn out[ARRAY_SIZE(prog)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(prog); i++)
		code[i] = cpu_to_le64(prog[i]);
	KUNIT_ASSERT_EQ(test, svmgpu_hw_isa_decode(code, ARRAY_SIZE(prog),
						   out), 0);

	KUNIT_EXPECT_EQ(test, out[0].op, OP(ADD));
	KUNIT_EXPECT_EQ(test, out[0].rd, 3);
	KUNIT_EXPECT_EQ(test, out[0].ra, 4);
	KUNIT_EXPECT_TRUE(test, out[0].use_imm);
	KUNIT_EXPECT_EQ(test, out[0].imm, -5);

	KUNIT_EXPECT_EQ(test, out[1].op, OP(MAD));
	KUNIT_EXPECT_EQ(test, out[1].rd, 15);
	KUNIT_EXPECT_EQ(test, out[1].ra, 14);
	KUNIT_EXPECT_EQ(test, out[1].rb, 13);
	KUNIT_EXPECT_EQ(test, out[1].rc, 12);
	KUNIT_EXPECT_FALSE(test, out[1].use_imm);

	/* Branch offsets become absolute instruction indexes. */
	KUNIT_EXPECT_EQ(test, out[2].op, OP(BEQ));
	KUNIT_EXPECT_EQ(test, out[2].ra, 1);
	KUNIT_EXPECT_EQ(test, out[2].rb, 2);
	KUNIT_EXPECT_EQ(test, out[2].imm, 1);
	KUNIT_EXPECT_EQ(test, out[3].imm, 5);
	KUNIT_EXPECT_EQ(test, out[6].imm, 1);

	KUNIT_EXPECT_EQ(test, out[4].imm, (s64)S32_MIN);
	KUNIT_EXPECT_EQ(test, out[5].op, OP(EXIT));
}

/* The fields each instruction uses; F_FLAG: DRM_SVMGPU_INSN_IMM is set. */
#define F_RD	BIT(0)
#define F_RA	BIT(1)
#define F_RB	BIT(2)
#define F_RC	BIT(3)
#define F_IMM	BIT(4)
#define F_FLAG	BIT(5)

#define F_ATOMIC	(F_RD | F_RA | F_RB | F_IMM)

/* Every valid opcode, in each of its forms, as a range of opcodes. */
static const struct insn_form {
	u8 first, last;
	u8 fields;
} insn_forms[] = {
	{ OP(ADD), OP(SGEU), F_RD | F_RA | F_RB },
	{ OP(ADD), OP(SGEU), F_RD | F_RA | F_IMM | F_FLAG },
	{ OP(MAD), OP(MAD), F_RD | F_RA | F_RB | F_RC },
	{ OP(MAD), OP(MAD), F_RD | F_RA | F_RC | F_IMM | F_FLAG },
	{ OP(LI), OP(LIH), F_RD | F_IMM },
	{ OP(LD8), OP(LDS32), F_RD | F_RA | F_IMM },
	{ OP(ST8), OP(ST64), F_RA | F_RB | F_IMM },
	{ OP(AADD32), OP(AXCHG32), F_ATOMIC },
	{ OP(ACMPXCHG32), OP(ACMPXCHG32), F_ATOMIC | F_RC },
	{ OP(AMIN32), OP(AMAXU32), F_ATOMIC },
	{ OP(AADD64), OP(AXCHG64), F_ATOMIC },
	{ OP(ACMPXCHG64), OP(ACMPXCHG64), F_ATOMIC | F_RC },
	{ OP(AMIN64), OP(AMAXU64), F_ATOMIC },
	{ OP(BR), OP(BR), F_IMM },
	{ OP(BZ), OP(BNZ), F_RA | F_IMM },
	{ OP(BEQ), OP(BGEU), F_RA | F_RB | F_IMM },
	{ OP(FENCE), OP(EXIT), 0 },
};

static const struct insn_field {
	const char *name;
	u8 bit;
	u8 shift;
	u32 mask;
} insn_fields[] = {
	{ "rd", F_RD, 8, 0x1f },
	{ "ra", F_RA, 13, 0x1f },
	{ "rb", F_RB, 18, 0x1f },
	{ "rc", F_RC, 23, 0x1f },
	{ "imm", F_IMM, 32, 0xffffffff },
};

static u64 set_field(u64 insn, const struct insn_field *field, u32 value)
{
	insn &= ~((u64)field->mask << field->shift);
	return insn | (u64)value << field->shift;
}

/*
 * @op with the fields @fields uses set: registers to @reg and up, imm to 1
 * (a branch to the EXIT that follows).
 */
static u64 form_insn(u8 op, u8 fields, u32 reg)
{
	u64 insn = op;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(insn_fields); i++) {
		const struct insn_field *field = &insn_fields[i];

		if (!(fields & field->bit))
			continue;
		insn = set_field(insn, field, field->bit == F_IMM ? 1 :
				 min(reg + i, 15u));
	}
	if (fields & F_FLAG)
		insn |= DRM_SVMGPU_INSN_IMM;
	return insn;
}

/* Expects -EINVAL for @insn, @op's form @fields with @field set to @value. */
static void expect_bad_field(struct kunit *test, u64 insn, u8 op, u8 fields,
			     const struct insn_field *field, u32 value)
{
	KUNIT_EXPECT_EQ_MSG(test, decode_one(set_field(insn, field, value)),
			    -EINVAL, "op %#x fields %#x: %s %#x", op, fields,
			    field->name, value);
}

static void decode_form(struct kunit *test, u8 op, u8 fields)
{
	u64 insn = form_insn(op, fields, 1);
	unsigned int i;
	u32 bit;

	KUNIT_EXPECT_EQ_MSG(test, decode_one(insn), 0, "op %#x fields %#x",
			    op, fields);
	KUNIT_EXPECT_EQ_MSG(test, decode_one(form_insn(op, fields, 12)), 0,
			    "op %#x fields %#x, r12-r15", op, fields);

	for (i = 0; i < ARRAY_SIZE(insn_fields); i++) {
		const struct insn_field *field = &insn_fields[i];

		if (!(fields & field->bit)) {
			/* Unused: 1, all ones, the top bit. */
			expect_bad_field(test, insn, op, fields, field, 1);
			expect_bad_field(test, insn, op, fields, field,
					 field->mask);
			expect_bad_field(test, insn, op, fields, field,
					 field->mask / 2 + 1);
		} else if (field->bit != F_IMM) {
			/* Registers 16 to 31. */
			expect_bad_field(test, insn, op, fields, field, 16);
			expect_bad_field(test, insn, op, fields, field, 17);
			expect_bad_field(test, insn, op, fields, field, 31);
		}
	}

	for (bit = 28; bit <= 30; bit++)
		KUNIT_EXPECT_EQ_MSG(test, decode_one(insn | BIT_ULL(bit)),
				    -EINVAL, "op %#x fields %#x: MBZ bit %u",
				    op, fields, bit);

	/* The IMM flag is for ALU operations only. */
	if (op > OP(LIH))
		KUNIT_EXPECT_EQ_MSG(test,
				    decode_one(insn | DRM_SVMGPU_INSN_IMM),
				    -EINVAL, "op %#x with IMM", op);
}

static void decode_forms(struct kunit *test)
{
	unsigned int i, op;

	for (i = 0; i < ARRAY_SIZE(insn_forms); i++)
		for (op = insn_forms[i].first; op <= insn_forms[i].last; op++)
			decode_form(test, op, insn_forms[i].fields);
}

static void decode_unknown_opcodes(struct kunit *test)
{
	bool valid[256] = {};
	unsigned int i, op, n = 0;

	for (i = 0; i < ARRAY_SIZE(insn_forms); i++)
		for (op = insn_forms[i].first; op <= insn_forms[i].last; op++)
			valid[op] = true;
	for (op = 0; op < ARRAY_SIZE(valid); op++) {
		if (valid[op]) {
			n++;
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, decode_one(op), -EINVAL,
				    "opcode %#x", op);
	}
	/* Catches a typo in insn_forms[]: the uAPI has 54 opcodes. */
	KUNIT_EXPECT_EQ(test, n, 54);
}

static const struct {
	const char *what;
	u64 insns[4];
	u32 count;
	int ret;
} decode_programs[] = {
	{ "EXIT alone", { I_EXIT }, 1, 0 },
	{ "a branch to itself", { I_BR(0) }, 1, 0 },
	{ "BR last, backward", { I_EXIT, I_BR(-1) }, 2, 0 },
	{ "branch to the last", { I_B(BEQ, 1, 2, 2), I_EXIT, I_EXIT }, 3, 0 },
	{ "branch to the first", { I_EXIT, I_B(BGE, 1, 2, -1), I_EXIT }, 3,
	  0 },
	{ "branch before the start", { I_BR(-1), I_EXIT }, 2, -EINVAL },
	{ "branch past the end", { I_BR(2), I_EXIT }, 2, -EINVAL },
	{ "BEQ before the start", { I_EXIT, I_B(BEQ, 1, 2, -2), I_EXIT }, 3,
	  -EINVAL },
	{ "BNZ past the end", { I_B(BNZ, 1, 0, 3), I_EXIT, I_EXIT }, 3,
	  -EINVAL },
	{ "branch by S32_MIN", { I_EXIT, I_BR(S32_MIN) }, 2, -EINVAL },
	{ "branch by S32_MAX", { I_BR(S32_MAX), I_EXIT }, 2, -EINVAL },
	{ "LI last", { I_LI(1, 0) }, 1, -EINVAL },
	{ "FENCE last", { I_EXIT, I_FENCE }, 2, -EINVAL },
	{ "BZ last", { I_EXIT, I_B(BZ, 1, 0, -1) }, 2, -EINVAL },
	{ "ST64 last", { I_EXIT, I_ST(ST64, 1, 2, 0) }, 2, -EINVAL },
	{ "bad register in the middle",
	  { I_LI(1, 0), I_ALU(ADD, 16, 1, 1), I_LI(2, 0), I_EXIT }, 4,
	  -EINVAL },
	{ "opcode 0 in the middle", { I_LI(1, 0), 0, I_EXIT }, 3, -EINVAL },
};

static void decode_programs_test(struct kunit *test)
{
	__le64 exit_insn = cpu_to_le64(I_EXIT);
	struct svmgpu_hw_insn out;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(decode_programs); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    decode_short(decode_programs[i].insns,
						 decode_programs[i].count),
				    decode_programs[i].ret, "%s",
				    decode_programs[i].what);

	KUNIT_EXPECT_EQ(test, svmgpu_hw_isa_decode(&exit_insn, 0, &out),
			-EINVAL);
}

/* Faults. */

static void isa_fault_unmapped(struct kunit *test)
{
	static const u64 load_prog[] = {
		I_LD(LD64, 6, 1, 8),
		I_EXIT,
	};
	static const u64 store_prog[] = {
		I_LI(5, 0x77),
		I_LI(6, DATA),
		I_ST(ST64, 6, 5, 0),	/* stays stored */
		I_ST(ST32, 1, 5, 8),
		I_ST(ST64, 6, 5, 8),	/* not reached */
		I_EXIT,
	};
	static const u64 atomic_prog[] = {
		I_INSN(AADD32, 5, 1, 5, 0, 4),
		I_EXIT,
	};
	static const u64 wrap_prog[] = {
		I_LI(5, -1),
		I_LD(LD8, 6, 5, 1),	/* address 0 */
		I_EXIT,
	};
	struct fake *f = fake_new(test);

	prepare(test, f, load_prog, ARRAY_SIZE(load_prog));
	f->d.arg = UNMAPPED;
	KUNIT_EXPECT_EQ(test, run(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->base.ctx.fault_address, UNMAPPED + 8);
	KUNIT_EXPECT_EQ(test, f->base.ctx.fault_access, SVMGPU_HW_ACCESS_READ);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);

	prepare(test, f, store_prog, ARRAY_SIZE(store_prog));
	f->d.arg = MEM_RO;
	KUNIT_EXPECT_EQ(test, run(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->base.ctx.fault_address, MEM_RO + 8);
	KUNIT_EXPECT_EQ(test, f->base.ctx.fault_access, SVMGPU_HW_ACCESS_WRITE);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA), 0x77);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 8), 0);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);

	prepare(test, f, atomic_prog, ARRAY_SIZE(atomic_prog));
	f->d.arg = MEM_RO;
	KUNIT_EXPECT_EQ(test, run(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->base.ctx.fault_address, MEM_RO + 4);
	KUNIT_EXPECT_EQ(test, f->base.ctx.fault_access, SVMGPU_HW_ACCESS_ATOMIC);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);

	prepare(test, f, wrap_prog, ARRAY_SIZE(wrap_prog));
	f->base.ctx.fault_address = 0xbad;
	KUNIT_EXPECT_EQ(test, run(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->base.ctx.fault_address, 0);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);
}

static const struct {
	u8 op;
	u8 off;
} misaligned_cases[] = {
	{ OP(LD16), 1 }, { OP(LDS16), 3 }, { OP(LD32), 2 }, { OP(LDS32), 6 },
	{ OP(LD64), 4 }, { OP(LD64), 1 }, { OP(ST16), 1 }, { OP(ST32), 2 },
	{ OP(ST64), 4 }, { OP(AADD32), 2 }, { OP(AMAXU32), 1 },
	{ OP(AXCHG64), 4 }, { OP(ACMPXCHG64), 1 },
};

static void isa_fault_misaligned(struct kunit *test)
{
	static const u64 byte_prog[] = {
		I_LD(LD8, 5, 1, 3),
		I_ST(ST8, 1, 5, 5),
		I_EXIT,
	};
	struct fake *f = fake_new(test);
	unsigned int i;

	/* Bytes are always aligned. */
	MEM_PTR(f, DATA)[3] = 0x42;
	prepare(test, f, byte_prog, ARRAY_SIZE(byte_prog));
	KUNIT_ASSERT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, MEM_PTR(f, DATA)[5], 0x42);

	for (i = 0; i < ARRAY_SIZE(misaligned_cases); i++) {
		u8 op = misaligned_cases[i].op;
		bool load = op <= OP(LDS32);
		bool store = op >= OP(ST8) && op <= OP(ST64);
		u64 prog[] = {
			/* rd for loads and atomics, rb for the others */
			DRM_SVMGPU_INSN(op, store ? 0 : 5, 1, load ? 0 : 6, 0,
					misaligned_cases[i].off),
			I_EXIT,
		};

		prepare(test, f, prog, ARRAY_SIZE(prog));
		f->base.ctx.fault_address = 0;
		KUNIT_EXPECT_EQ_MSG(test, run(f), -EFAULT, "op %#x at +%u",
				    op, misaligned_cases[i].off);
		KUNIT_EXPECT_EQ_MSG(test, f->base.ctx.fault_address,
				    DATA + misaligned_cases[i].off,
				    "op %#x", op);
		KUNIT_EXPECT_EQ(test, f->base.locked, 0);
	}
}

/*
 * A recoverable fault mid-program: the work item stalls, unlocked, and the
 * faulting instruction runs again, once; the instructions before it are not
 * run again.
 */
static void isa_fault_replay(struct kunit *test)
{
	static const u64 prog[] = {
		I_ALUI(ADD, 7, 7, 1),
		I_LI(6, 1),
		I_INSN(AADD64, 5, 1, 6, 0, 0),
		I_ST(ST64, 1, 5, 8),
		I_ST(ST64, 1, 7, 16),
		I_EXIT,
	};
	static const u64 load_prog[] = {
		I_LD(LD32, 5, 1, 12),
		I_ST(ST64, 1, 5, 16),
		I_EXIT,
	};
	struct fake *f = fake_new(test);

	f->base.lazy = LAZY;
	MEM64(f, LAZY) = 41;
	prepare(test, f, prog, ARRAY_SIZE(prog));
	f->d.arg = LAZY;
	KUNIT_ASSERT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, f->base.faults, 1);
	KUNIT_EXPECT_EQ(test, f->base.fault_va, LAZY);
	KUNIT_EXPECT_EQ(test, f->base.fault_access, SVMGPU_HW_ACCESS_ATOMIC);
	KUNIT_EXPECT_EQ(test, MEM64(f, LAZY), 42);
	KUNIT_EXPECT_EQ(test, MEM64(f, LAZY + 8), 41);
	KUNIT_EXPECT_EQ(test, MEM64(f, LAZY + 16), 1);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);

	/* A load. */
	f = fake_new(test);
	f->base.lazy = LAZY;
	MEM32(f, LAZY + 12) = 0xfeedf00d;
	prepare(test, f, load_prog, ARRAY_SIZE(load_prog));
	f->d.arg = LAZY;
	KUNIT_ASSERT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, f->base.faults, 1);
	KUNIT_EXPECT_EQ(test, f->base.fault_va, LAZY + 12);
	KUNIT_EXPECT_EQ(test, f->base.fault_access, SVMGPU_HW_ACCESS_READ);
	KUNIT_EXPECT_EQ(test, MEM64(f, LAZY + 16), 0xfeedf00d);
}

/* Many work items on one lazy page: one fault, each add exactly once. */
static void isa_fault_many_items(struct kunit *test)
{
	static const u64 prog[] = {
		I_LI(6, 1),
		I_INSN(AADD64, 5, 1, 6, 0, 0),
		I_EXIT,
	};
	struct fake *f = fake_new(test);

	f->base.lazy = LAZY;
	prepare(test, f, prog, ARRAY_SIZE(prog));
	set_grid(f, 4, 2, 2);
	f->d.arg = LAZY;
	KUNIT_ASSERT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, f->base.faults, 1);
	KUNIT_EXPECT_EQ(test, MEM64(f, LAZY), 16);
	KUNIT_EXPECT_EQ(test, f->insns, 16 * 3);
}

static void isa_fault_unserviced(struct kunit *test)
{
	static const u64 prog[] = {
		I_LD(LD64, 5, 1, 8),
		I_EXIT,
	};
	struct fake *f = fake_new(test);

	/* The handler cannot service it. */
	f->base.lazy = LAZY;
	f->base.fault_answer = -EFAULT;
	prepare(test, f, prog, ARRAY_SIZE(prog));
	f->d.arg = LAZY;
	KUNIT_EXPECT_EQ(test, run(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->base.faults, 1);
	KUNIT_EXPECT_EQ(test, f->base.ctx.fault_address, LAZY + 8);
	KUNIT_EXPECT_EQ(test, f->base.ctx.fault_access, SVMGPU_HW_ACCESS_READ);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);

	/* The engine is reset during the stall. */
	f = fake_new(test);
	f->base.lazy = LAZY;
	f->base.fault_answer = -ETIME;
	prepare(test, f, prog, ARRAY_SIZE(prog));
	f->d.arg = LAZY;
	KUNIT_EXPECT_EQ(test, run(f), -ETIME);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);

	/* No handler: a recoverable fault is a plain one. */
	f = fake_new(test);
	f->base.lazy = LAZY;
	f->base.ctx.fault = NULL;
	prepare(test, f, prog, ARRAY_SIZE(prog));
	f->d.arg = LAZY;
	KUNIT_EXPECT_EQ(test, run(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->base.ctx.fault_address, LAZY + 8);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);
}

/* Budget and abort. */

static void isa_budget(struct kunit *test)
{
	static const u64 spin_prog[] = { I_BR(0) };
	struct fake *f = fake_new(test);
	u64 n;

	/* Exactly the budget runs; one instruction less does not. */
	prepare_loop(test, f, 10);
	n = 2 * 10 + 4;
	f->d.budget = n;
	set_grid(f, 3, 1, 1);	/* per work item, not per dispatch */
	KUNIT_EXPECT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, f->insns, 3 * n);
	f->d.budget = n - 1;
	KUNIT_EXPECT_EQ(test, run(f), -ETIME);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);

	/* A work item that never exits. */
	f->insns = 0;
	prepare(test, f, spin_prog, ARRAY_SIZE(spin_prog));
	f->d.budget = 1000;
	KUNIT_EXPECT_EQ(test, run(f), -ETIME);
	KUNIT_EXPECT_GE(test, f->insns, 1000);
	KUNIT_EXPECT_LE(test, f->insns, 1001);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);
}

static void isa_budget_unlimited(struct kunit *test)
{
	struct fake *f = fake_new(test);
	const s32 n = 1000000;

	prepare_loop(test, f, n);
	KUNIT_ASSERT_EQ(test, run(f), 0);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA), n);
	KUNIT_EXPECT_EQ(test, f->insns, 2ull * n + 4);
}

static void isa_abort(struct kunit *test)
{
	static const u64 spin_prog[] = { I_BR(0) };
	struct fake *f = fake_new(test);

	prepare(test, f, spin_prog, ARRAY_SIZE(spin_prog));
	f->base.abort = true;	/* as if the engine were being reset */
	KUNIT_EXPECT_EQ(test, run(f), -ETIME);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);
}

/* A fake whose reset comes after a number of checks. */
struct abort_counter {
	struct fake f;
	unsigned int checks, abort_after;
};

static bool counting_aborted(struct svmgpu_hw_cmd_ctx *ctx)
{
	struct abort_counter *a = container_of(ctx, struct abort_counter,
					       f.base.ctx);

	return ++a->checks > a->abort_after;
}

/*
 * Work items that exit at once still end quanta: a run of many of them
 * checks for a reset (and yields the CPU) along the way, so that a huge
 * grid of them can be stopped.
 */
static void isa_abort_short_items(struct kunit *test)
{
	static const u64 exit_prog[] = { I_EXIT };
	struct abort_counter *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct fake *f;

	KUNIT_ASSERT_NOT_NULL(test, a);
	f = fake_new(test);
	a->f = *f;
	f = &a->f;
	f->base.ctx.aborted = counting_aborted;
	prepare(test, f, exit_prog, ARRAY_SIZE(exit_prog));
	set_grid(f, 1u << 31, 1u << 31, 1);

	a->abort_after = 3;
	KUNIT_EXPECT_EQ(test, run(f), -ETIME);
	KUNIT_EXPECT_EQ(test, a->checks, 4);
	/* One check per quantum: the items it took, and no more. */
	KUNIT_EXPECT_LE(test, f->insns, 4ull * 4096);
	KUNIT_EXPECT_GT(test, f->insns, 0);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);
}

/* DISPATCH through the command processor. */

/* A command stream under construction, at the start of fake memory. */
struct cs {
	u32 *w;
	u32 n;
};

static struct cs cs_begin(struct fake *f)
{
	return (struct cs){ .w = (u32 *)f->base.mem };
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

static int cs_run(struct fake *f, struct cs *cs, u32 *offset)
{
	u32 off;
	int ret = svmgpu_hw_cmd_execute(&f->base.ctx, CS_ADDR, cs->n * 4, &off);

	if (offset)
		*offset = off;
	return ret;
}

#define DISPATCH_HDR(flags, len) \
	DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_DISPATCH, flags, len)

struct dispatch_cmd {
	const char *what;
	u32 header;
	u64 prog;
	u32 count, x, y, z, mbz;
};

/* NOP, DISPATCH @c with argument DATA, END: DISPATCH is at offset 4. */
static int run_dispatch(struct fake *f, const struct dispatch_cmd *c,
			u32 *offset)
{
	struct cs cs = cs_begin(f);
	u32 len = c->header >> 16, i;

	cs_emit(&cs, DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_NOP, 0, 1));
	cs_emit(&cs, c->header);
	cs_emit64(&cs, c->prog);
	cs_emit(&cs, c->count);
	cs_emit(&cs, c->x);
	cs_emit(&cs, c->y);
	cs_emit(&cs, c->z);
	cs_emit64(&cs, DATA);
	cs_emit(&cs, c->mbz);
	for (i = 10; i < len; i++)
		cs_emit(&cs, 0);
	cs_emit(&cs, DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_END, 0, 1));
	return cs_run(f, &cs, offset);
}

/* Writes a program to fake memory at @va. */
static void load_prog(struct fake *f, u64 va, const u64 *prog, u32 n)
{
	__le64 *code = (__le64 *)MEM_PTR(f, va);
	u32 i;

	for (i = 0; i < n; i++)
		code[i] = cpu_to_le64(prog[i]);
}

/* Each work item stores its id + 1 at DATA + 8 * id. */
static const u64 dispatch_prog[] = {
	I_ALUI(SHL, 5, 0, 3),
	I_ALU(ADD, 5, 5, 1),
	I_ALUI(ADD, 6, 0, 1),
	I_ST(ST64, 5, 6, 0),
	I_EXIT,
};

static void dispatch_runs(struct kunit *test)
{
	/* The program straddles two pages. */
	const struct dispatch_cmd c = {
		.header = DISPATCH_HDR(0, 10),
		.prog = PROG + SZ_4K - 16,
		.count = ARRAY_SIZE(dispatch_prog),
		.x = 4, .y = 3, .z = 2,
	};
	struct fake *f = fake_new(test);
	unsigned int i;

	load_prog(f, c.prog, dispatch_prog, c.count);
	f->base.ctx.budget = 1000;
	KUNIT_ASSERT_EQ(test, run_dispatch(f, &c, NULL), 0);
	KUNIT_EXPECT_EQ(test, f->dispatches, 1);
	KUNIT_EXPECT_EQ(test, f->seen_locked, 0);
	KUNIT_EXPECT_PTR_EQ(test, f->seen.insns,
			    (const struct svmgpu_hw_insn *)f->base.ctx.program);
	KUNIT_EXPECT_EQ(test, f->seen.num_insns, c.count);
	KUNIT_EXPECT_EQ(test, f->seen.grid[0], 4);
	KUNIT_EXPECT_EQ(test, f->seen.grid[1], 3);
	KUNIT_EXPECT_EQ(test, f->seen.grid[2], 2);
	KUNIT_EXPECT_EQ(test, f->seen.num_items, 24);
	KUNIT_EXPECT_EQ(test, f->seen.arg, DATA);
	KUNIT_EXPECT_EQ(test, f->seen.budget, 1000);
	KUNIT_EXPECT_EQ(test, f->base.ctx.program[4].op, OP(EXIT));
	for (i = 0; i < 24; i++)
		KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 8 * i), i + 1);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 8 * 24), 0);
	KUNIT_EXPECT_EQ(test, f->insns, 24 * c.count);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);
}

/* The largest grid: x * y * z is 2^64 - 2^33 + 1. Nothing is run. */
static void dispatch_largest_grid(struct kunit *test)
{
	const struct dispatch_cmd c = {
		.header = DISPATCH_HDR(0, 10),
		.prog = PROG,
		.count = ARRAY_SIZE(dispatch_prog),
		.x = U32_MAX, .y = U32_MAX, .z = 1,
	};
	struct fake *f = fake_new(test);

	load_prog(f, c.prog, dispatch_prog, c.count);
	f->dry = true;
	KUNIT_ASSERT_EQ(test, run_dispatch(f, &c, NULL), 0);
	KUNIT_EXPECT_EQ(test, f->seen.num_items, 0xfffffffe00000001ull);
}

#define BAD_DISPATCH(what, hdr, prog, count, x, y, z, mbz) \
	{ what, hdr, prog, count, x, y, z, mbz }
#define GOOD_HDR	DISPATCH_HDR(0, 10)
#define GOOD_COUNT	ARRAY_SIZE(dispatch_prog)

static const struct dispatch_cmd bad_dispatches[] = {
	BAD_DISPATCH("length 9", DISPATCH_HDR(0, 9), PROG, GOOD_COUNT,
		     2, 2, 1, 0),
	BAD_DISPATCH("length 11", DISPATCH_HDR(0, 11), PROG, GOOD_COUNT,
		     2, 2, 1, 0),
	BAD_DISPATCH("flag 0x01", DISPATCH_HDR(0x01, 10), PROG, GOOD_COUNT,
		     2, 2, 1, 0),
	BAD_DISPATCH("flag 0x80", DISPATCH_HDR(0x80, 10), PROG, GOOD_COUNT,
		     2, 2, 1, 0),
	BAD_DISPATCH("MBZ word 1", GOOD_HDR, PROG, GOOD_COUNT, 2, 2, 1, 1),
	BAD_DISPATCH("MBZ word bit 31", GOOD_HDR, PROG, GOOD_COUNT,
		     2, 2, 1, BIT(31)),
	BAD_DISPATCH("x 0", GOOD_HDR, PROG, GOOD_COUNT, 0, 2, 1, 0),
	BAD_DISPATCH("y 0", GOOD_HDR, PROG, GOOD_COUNT, 2, 0, 1, 0),
	BAD_DISPATCH("z 0", GOOD_HDR, PROG, GOOD_COUNT, 2, 2, 0, 0),
	BAD_DISPATCH("x * y * z overflows", GOOD_HDR, PROG, GOOD_COUNT,
		     U32_MAX, U32_MAX, 2, 0),
	BAD_DISPATCH("x, y, z all U32_MAX", GOOD_HDR, PROG, GOOD_COUNT,
		     U32_MAX, U32_MAX, U32_MAX, 0),
	BAD_DISPATCH("no instruction", GOOD_HDR, PROG, 0, 2, 2, 1, 0),
	BAD_DISPATCH("too many instructions", GOOD_HDR, PROG,
		     DRM_SVMGPU_PROGRAM_MAX_INSNS + 1, 2, 2, 1, 0),
	BAD_DISPATCH("U32_MAX instructions", GOOD_HDR, PROG, U32_MAX,
		     2, 2, 1, 0),
	BAD_DISPATCH("program 4-byte aligned", GOOD_HDR, PROG + 4,
		     GOOD_COUNT, 2, 2, 1, 0),
	BAD_DISPATCH("program at an odd address", GOOD_HDR, PROG + 1,
		     GOOD_COUNT, 2, 2, 1, 0),
};

static void dispatch_bad_fields(struct kunit *test)
{
	struct fake *f = fake_new(test);
	unsigned int i;
	u32 off;

	load_prog(f, PROG, dispatch_prog, GOOD_COUNT);
	load_prog(f, PROG + 8 * GOOD_COUNT, dispatch_prog, GOOD_COUNT);
	for (i = 0; i < ARRAY_SIZE(bad_dispatches); i++) {
		off = 0;
		KUNIT_EXPECT_EQ_MSG(test, run_dispatch(f, &bad_dispatches[i],
						       &off),
				    -EINVAL, "%s", bad_dispatches[i].what);
		KUNIT_EXPECT_EQ_MSG(test, off, 4, "%s",
				    bad_dispatches[i].what);
	}
	KUNIT_EXPECT_EQ(test, f->dispatches, 0);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA), 0);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);
}

static void dispatch_bad_program(struct kunit *test)
{
	static const u64 no_exit_prog[] = { I_EXIT, I_LI(1, 0) };
	struct dispatch_cmd c = {
		.header = DISPATCH_HDR(0, 10),
		.prog = PROG,
		.count = ARRAY_SIZE(no_exit_prog),
		.x = 2, .y = 1, .z = 1,
	};
	struct fake *f = fake_new(test);

	load_prog(f, MEM_END - 8, no_exit_prog, 1);	/* EXIT */

	/* Does not decode. */
	load_prog(f, PROG, no_exit_prog, c.count);
	KUNIT_EXPECT_EQ(test, run_dispatch(f, &c, NULL), -EINVAL);

	/* Cannot be fetched: unmapped, or running off the end of memory. */
	c.prog = UNMAPPED;
	KUNIT_EXPECT_EQ(test, run_dispatch(f, &c, NULL), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->base.ctx.fault_address, UNMAPPED);
	c.prog = MEM_END - 8;
	KUNIT_EXPECT_EQ(test, run_dispatch(f, &c, NULL), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->base.ctx.fault_address, MEM_END);

	KUNIT_EXPECT_EQ(test, f->dispatches, 0);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);
}

/* The program is fetched through faults like any other access. */
static void dispatch_lazy_program(struct kunit *test)
{
	const struct dispatch_cmd c = {
		.header = DISPATCH_HDR(0, 10),
		.prog = LAZY,
		.count = ARRAY_SIZE(dispatch_prog),
		.x = 3, .y = 1, .z = 1,
	};
	struct fake *f = fake_new(test);

	load_prog(f, c.prog, dispatch_prog, c.count);
	f->base.lazy = LAZY;
	KUNIT_ASSERT_EQ(test, run_dispatch(f, &c, NULL), 0);
	KUNIT_EXPECT_EQ(test, f->base.faults, 1);
	KUNIT_EXPECT_EQ(test, f->base.fault_access, SVMGPU_HW_ACCESS_READ);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA + 16), 3);
}

/* The dispatch's error ends the job. */
static void dispatch_errors(struct kunit *test)
{
	static const u64 fault_prog[] = {
		I_LI(5, UNMAPPED),
		I_LD(LD64, 6, 5, 8),
		I_EXIT,
	};
	static const u64 spin_prog[] = { I_BR(0) };
	struct dispatch_cmd c = {
		.header = DISPATCH_HDR(0, 10),
		.prog = PROG,
		.count = ARRAY_SIZE(fault_prog),
		.x = 1, .y = 1, .z = 1,
	};
	struct fake *f = fake_new(test);
	u32 off;

	load_prog(f, PROG, fault_prog, c.count);
	KUNIT_EXPECT_EQ(test, run_dispatch(f, &c, &off), -EFAULT);
	KUNIT_EXPECT_EQ(test, off, 4);
	KUNIT_EXPECT_EQ(test, f->base.ctx.fault_address, UNMAPPED + 8);

	c.count = ARRAY_SIZE(spin_prog);
	load_prog(f, PROG, spin_prog, c.count);
	f->base.ctx.budget = 100;
	KUNIT_EXPECT_EQ(test, run_dispatch(f, &c, &off), -ETIME);
	KUNIT_EXPECT_EQ(test, f->seen.budget, 100);
	KUNIT_EXPECT_EQ(test, f->dispatches, 2);
	KUNIT_EXPECT_EQ(test, f->base.locked, 0);
}

/* Without compute, DISPATCH is an unknown command. */
static void dispatch_unsupported(struct kunit *test)
{
	const struct dispatch_cmd c = {
		.header = DISPATCH_HDR(0, 10),
		.prog = PROG,
		.count = ARRAY_SIZE(dispatch_prog),
		.x = 1, .y = 1, .z = 1,
	};
	struct fake *f = fake_new(test);
	u32 off;

	load_prog(f, PROG, dispatch_prog, c.count);
	f->base.ctx.program = NULL;
	f->base.ctx.dispatch = NULL;
	KUNIT_EXPECT_EQ(test, run_dispatch(f, &c, &off), -EINVAL);
	KUNIT_EXPECT_EQ(test, off, 4);
	KUNIT_EXPECT_EQ(test, MEM64(f, DATA), 0);
}

static struct kunit_case svmgpu_compute_cases[] = {
	KUNIT_CASE(isa_alu),
	KUNIT_CASE(isa_alu_aliasing),
	KUNIT_CASE(isa_li_lih),
	KUNIT_CASE(isa_loads),
	KUNIT_CASE(isa_stores),
	KUNIT_CASE(isa_atomics),
	KUNIT_CASE(isa_branches),
	KUNIT_CASE(isa_loop),
	KUNIT_CASE(isa_fence),
	KUNIT_CASE(isa_exit),
	KUNIT_CASE(isa_insn_count),
	KUNIT_CASE(isa_registers_1d),
	KUNIT_CASE(isa_registers_3d),
	KUNIT_CASE(isa_registers_range),
	KUNIT_CASE(decode_fields),
	KUNIT_CASE(decode_forms),
	KUNIT_CASE(decode_unknown_opcodes),
	KUNIT_CASE(decode_programs_test),
	KUNIT_CASE(isa_fault_unmapped),
	KUNIT_CASE(isa_fault_misaligned),
	KUNIT_CASE(isa_fault_replay),
	KUNIT_CASE(isa_fault_many_items),
	KUNIT_CASE(isa_fault_unserviced),
	KUNIT_CASE(isa_budget),
	KUNIT_CASE(isa_budget_unlimited),
	KUNIT_CASE(isa_abort),
	KUNIT_CASE(isa_abort_short_items),
	KUNIT_CASE(dispatch_runs),
	KUNIT_CASE(dispatch_largest_grid),
	KUNIT_CASE(dispatch_bad_fields),
	KUNIT_CASE(dispatch_bad_program),
	KUNIT_CASE(dispatch_lazy_program),
	KUNIT_CASE(dispatch_errors),
	KUNIT_CASE(dispatch_unsupported),
	{}
};

static struct kunit_suite svmgpu_compute_suite = {
	.name = "svmgpu_compute",
	.test_cases = svmgpu_compute_cases,
};

kunit_test_suites(&svmgpu_compute_suite);
