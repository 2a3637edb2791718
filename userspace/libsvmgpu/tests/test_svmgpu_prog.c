// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * Unit tests of libsvmgpu's compute-program builder, its assembler and
 * disassembler, and svmgpu_cs_dispatch(). Output is TAP.
 *
 * Expected instructions come from DRM_SVMGPU_INSN() of the uAPI header,
 * and a few are also written out by hand from "DOC: compute ISA", so that
 * the macro itself is checked: opcode in bits 0-7, rd 8-12, ra 13-17,
 * rb 18-22, rc 23-27, DRM_SVMGPU_INSN_IMM bit 31, imm 32-63.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"

#include "tap.h"

#define MAX_INSNS DRM_SVMGPU_PROGRAM_MAX_INSNS
#define IMM DRM_SVMGPU_INSN_IMM
#define INSN DRM_SVMGPU_INSN

/* ---- Helpers ------------------------------------------------------------ */

static struct svmgpu_prog *prog_new(void)
{
	struct svmgpu_prog *p = NULL;

	EXPECT_EQ(svmgpu_prog_new(&p), 0);
	return p;
}

/* @p holds exactly the @n instructions at @expected, and no error. */
static void expect_insns_at(const char *file, int line,
			    const struct svmgpu_prog *p,
			    const uint64_t *expected, size_t n)
{
	const uint64_t *w = svmgpu_prog_insns(p);
	size_t i;

	if (svmgpu_prog_error(p)) {
		diag("%s:%d: program error %d", file, line,
		     svmgpu_prog_error(p));
		t_failed = true;
		return;
	}
	if (svmgpu_prog_count(p) != n ||
	    svmgpu_prog_size(p) != n * sizeof(uint64_t)) {
		diag("%s:%d: program has %u instructions, expected %zu", file,
		     line, svmgpu_prog_count(p), n);
		t_failed = true;
		return;
	}
	for (i = 0; i < n; i++) {
		if (le64toh(w[i]) != expected[i]) {
			diag("%s:%d: instruction %zu is 0x%016llx, expected 0x%016llx",
			     file, line, i, (unsigned long long)le64toh(w[i]),
			     (unsigned long long)expected[i]);
			t_failed = true;
		}
	}
}

#define EXPECT_INSNS(p, ...) do {					\
	static const uint64_t expected_[] = { __VA_ARGS__ };		\
	expect_insns_at(__FILE__, __LINE__, (p), expected_,		\
			ARRAY_SIZE(expected_));				\
} while (0)

/*
 * Run @emit on a fresh program @p: it must fail with @err, latch it and
 * leave the program empty.
 */
#define EXPECT_FAILS(emit, err) do {					\
	struct svmgpu_prog *p = prog_new();				\
	if (p) {							\
		EXPECT_EQ(emit, err);					\
		EXPECT_EQ(svmgpu_prog_error(p), err);			\
		EXPECT_EQ(svmgpu_prog_count(p), 0);			\
		svmgpu_prog_del(p);					\
	}								\
} while (0)

#define EXPECT_REJECTED(emit) EXPECT_FAILS(emit, -EINVAL)

/* Assemble @src into a fresh program; NULL (and a diagnostic) on error. */
static struct svmgpu_prog *assemble_at(const char *file, int line,
				       const char *src)
{
	struct svmgpu_prog *p = prog_new();
	char err[256];
	int ret;

	if (!p)
		return NULL;
	ret = svmgpu_asm(p, src, err, sizeof(err));
	if (ret) {
		diag("%s:%d: svmgpu_asm: %d: %s", file, line, ret, err);
		t_failed = true;
		svmgpu_prog_del(p);
		return NULL;
	}
	return p;
}

#define ASSEMBLE(src) assemble_at(__FILE__, __LINE__, (src))

/* @src assembles into exactly the listed instructions. */
#define EXPECT_ASM(src, ...) do {					\
	struct svmgpu_prog *p = ASSEMBLE(src);				\
	if (p) {							\
		EXPECT_INSNS(p, __VA_ARGS__);				\
		svmgpu_prog_del(p);					\
	}								\
} while (0)

/* @src fails with @err and the message @msg, leaving @p untouched. */
static void expect_asm_error_at(const char *file, int line, const char *src,
				int err, const char *msg)
{
	struct svmgpu_prog *p = prog_new();
	char buf[256];
	int ret;

	if (!p)
		return;
	/* An existing instruction that a failure must leave alone. */
	svmgpu_prog_exit(p);
	memset(buf, 'x', sizeof(buf));
	ret = svmgpu_asm(p, src, buf, sizeof(buf));
	if (ret != err || strcmp(buf, msg)) {
		diag("%s:%d: svmgpu_asm gave %d \"%.*s\", expected %d \"%s\"",
		     file, line, ret, (int)sizeof(buf) - 1, buf, err, msg);
		t_failed = true;
	}
	if (svmgpu_prog_count(p) != 1 || svmgpu_prog_error(p)) {
		diag("%s:%d: the program changed on failure", file, line);
		t_failed = true;
	}
	svmgpu_prog_del(p);
}

#define EXPECT_ASM_ERROR(src, err, msg) \
	expect_asm_error_at(__FILE__, __LINE__, (src), (err), (msg))

/* ---- Builder ------------------------------------------------------------ */

static void test_null_arguments(void)
{
	uint64_t buf[2];
	uint32_t label;

	EXPECT_EQ(svmgpu_prog_new(NULL), -EINVAL);
	svmgpu_prog_del(NULL);	/* No-ops; must not crash. */
	svmgpu_prog_reset(NULL);
	EXPECT_EQ(svmgpu_prog_error(NULL), -EINVAL);
	EXPECT(!svmgpu_prog_insns(NULL));
	EXPECT_EQ(svmgpu_prog_count(NULL), 0);
	EXPECT_EQ(svmgpu_prog_size(NULL), 0);
	EXPECT_EQ(svmgpu_prog_write(NULL, buf, sizeof(buf)), -EINVAL);
	EXPECT_EQ(svmgpu_prog_emit(NULL, 0), -EINVAL);
	EXPECT_EQ(svmgpu_prog_alu(NULL, DRM_SVMGPU_OP_ADD, 1, 2, 3), -EINVAL);
	EXPECT_EQ(svmgpu_prog_alui(NULL, DRM_SVMGPU_OP_ADD, 1, 2, 3), -EINVAL);
	EXPECT_EQ(svmgpu_prog_mad(NULL, 1, 2, 3, 4), -EINVAL);
	EXPECT_EQ(svmgpu_prog_madi(NULL, 1, 2, 3, 4), -EINVAL);
	EXPECT_EQ(svmgpu_prog_li(NULL, 1, 0), -EINVAL);
	EXPECT_EQ(svmgpu_prog_mov(NULL, 1, 2), -EINVAL);
	EXPECT_EQ(svmgpu_prog_load(NULL, DRM_SVMGPU_OP_LD64, 1, 2, 0),
		  -EINVAL);
	EXPECT_EQ(svmgpu_prog_store(NULL, DRM_SVMGPU_OP_ST64, 1, 0, 2),
		  -EINVAL);
	EXPECT_EQ(svmgpu_prog_atomic(NULL, DRM_SVMGPU_OP_AADD64, 1, 2, 0, 3,
				     0), -EINVAL);
	EXPECT_EQ(svmgpu_prog_label(NULL, &label), -EINVAL);
	EXPECT_EQ(svmgpu_prog_bind(NULL, 0), -EINVAL);
	EXPECT_EQ(svmgpu_prog_branch(NULL, DRM_SVMGPU_OP_BR, 0, 0, 0),
		  -EINVAL);
	EXPECT_EQ(svmgpu_prog_fence(NULL), -EINVAL);
	EXPECT_EQ(svmgpu_prog_exit(NULL), -EINVAL);
	EXPECT_EQ(svmgpu_asm(NULL, "exit", NULL, 0), -EINVAL);
	EXPECT_REJECTED(svmgpu_prog_label(p, NULL));
	{
		struct svmgpu_prog *p = prog_new();

		REQUIRE(p);
		EXPECT_EQ(svmgpu_asm(p, NULL, NULL, 0), -EINVAL);
		EXPECT_EQ(svmgpu_prog_write(p, NULL, 0), -EINVAL);
		svmgpu_prog_del(p);
	}
}

static void test_new_empty(void)
{
	struct svmgpu_prog *p = prog_new();
	uint64_t buf = 0xa5a5a5a5a5a5a5a5ull;

	REQUIRE(p);
	EXPECT_EQ(svmgpu_prog_count(p), 0);
	EXPECT_EQ(svmgpu_prog_size(p), 0);
	EXPECT_EQ(svmgpu_prog_error(p), 0);
	EXPECT(!svmgpu_prog_insns(p));
	EXPECT_EQ(svmgpu_prog_write(p, &buf, 0), 0);
	EXPECT_EQ_HEX(buf, 0xa5a5a5a5a5a5a5a5ull);
	svmgpu_prog_del(p);
}

/* The macro against hand-written words, from the uAPI's bit layout. */
static void test_insn_macro(void)
{
	EXPECT_EQ_HEX(INSN(DRM_SVMGPU_OP_ADD, 1, 2, 3, 0, 0), 0x000c4101);
	EXPECT_EQ_HEX(INSN(DRM_SVMGPU_OP_MAD, 15, 15, 15, 15, -1) | IMM,
		      0xffffffff87bdef10ull);
	EXPECT_EQ_HEX(INSN(DRM_SVMGPU_OP_BR, 0, 0, 0, 0, -2),
		      0xfffffffe00000040ull);
	EXPECT_EQ_HEX(INSN(DRM_SVMGPU_OP_LD64, 5, 1, 0, 0, 8),
		      0x0000000800002523ull);
}

static void test_encode_alu(void)
{
	static const uint8_t ops[] = {
		DRM_SVMGPU_OP_ADD, DRM_SVMGPU_OP_SUB, DRM_SVMGPU_OP_MUL,
		DRM_SVMGPU_OP_AND, DRM_SVMGPU_OP_OR, DRM_SVMGPU_OP_XOR,
		DRM_SVMGPU_OP_SHL, DRM_SVMGPU_OP_SHR, DRM_SVMGPU_OP_SAR,
		DRM_SVMGPU_OP_SEQ, DRM_SVMGPU_OP_SNE, DRM_SVMGPU_OP_SLT,
		DRM_SVMGPU_OP_SGE, DRM_SVMGPU_OP_SLTU, DRM_SVMGPU_OP_SGEU,
	};
	struct svmgpu_prog *p = prog_new();
	size_t i;

	REQUIRE(p);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		uint64_t expected[2] = {
			INSN(ops[i], 1, 14, 15, 0, 0),
			INSN(ops[i], 15, 0, 0, 0, INT32_MIN) | IMM,
		};

		svmgpu_prog_reset(p);
		EXPECT_EQ(svmgpu_prog_alu(p, ops[i], 1, 14, 15), 0);
		EXPECT_EQ(svmgpu_prog_alui(p, ops[i], 15, 0, INT32_MIN), 0);
		expect_insns_at(__FILE__, __LINE__, p, expected, 2);
	}

	svmgpu_prog_reset(p);
	EXPECT_EQ(svmgpu_prog_mad(p, 3, 4, 5, 6), 0);
	EXPECT_EQ(svmgpu_prog_madi(p, 3, 0, 8, 1), 0);
	EXPECT_EQ(svmgpu_prog_mov(p, 7, 9), 0);
	EXPECT_INSNS(p, INSN(DRM_SVMGPU_OP_MAD, 3, 4, 5, 6, 0),
		     INSN(DRM_SVMGPU_OP_MAD, 3, 0, 0, 1, 8) | IMM,
		     INSN(DRM_SVMGPU_OP_ADD, 7, 9, 0, 0, 0) | IMM);
	svmgpu_prog_del(p);
}

static void test_encode_li(void)
{
	struct svmgpu_prog *p = prog_new();

	REQUIRE(p);
	EXPECT_EQ(svmgpu_prog_li(p, 1, 0), 0);
	EXPECT_EQ(svmgpu_prog_li(p, 2, 0x7fffffff), 0);
	EXPECT_EQ(svmgpu_prog_li(p, 3, (uint64_t)-1), 0);
	EXPECT_EQ(svmgpu_prog_li(p, 4, (uint64_t)INT32_MIN), 0);
	EXPECT_INSNS(p, INSN(DRM_SVMGPU_OP_LI, 1, 0, 0, 0, 0),
		     INSN(DRM_SVMGPU_OP_LI, 2, 0, 0, 0, 0x7fffffff),
		     INSN(DRM_SVMGPU_OP_LI, 3, 0, 0, 0, -1),
		     INSN(DRM_SVMGPU_OP_LI, 4, 0, 0, 0, INT32_MIN));

	/* Values that sign-extension cannot make: LI then LIH. */
	svmgpu_prog_reset(p);
	EXPECT_EQ(svmgpu_prog_li(p, 5, 0x80000000u), 0);
	EXPECT_EQ(svmgpu_prog_li(p, 6, 0x0123456789abcdefull), 0);
	EXPECT_EQ(svmgpu_prog_li(p, 7, 0x8000000000000000ull), 0);
	EXPECT_EQ(svmgpu_prog_li(p, 8, 0xffffffff00000000ull), 0);
	EXPECT_INSNS(p, INSN(DRM_SVMGPU_OP_LI, 5, 0, 0, 0, INT32_MIN),
		     INSN(DRM_SVMGPU_OP_LIH, 5, 0, 0, 0, 0),
		     INSN(DRM_SVMGPU_OP_LI, 6, 0, 0, 0, 0x89abcdef),
		     INSN(DRM_SVMGPU_OP_LIH, 6, 0, 0, 0, 0x01234567),
		     INSN(DRM_SVMGPU_OP_LI, 7, 0, 0, 0, 0),
		     INSN(DRM_SVMGPU_OP_LIH, 7, 0, 0, 0, INT32_MIN),
		     INSN(DRM_SVMGPU_OP_LI, 8, 0, 0, 0, 0),
		     INSN(DRM_SVMGPU_OP_LIH, 8, 0, 0, 0, -1));
	svmgpu_prog_del(p);
}

static void test_encode_memory(void)
{
	static const uint8_t loads[] = {
		DRM_SVMGPU_OP_LD8, DRM_SVMGPU_OP_LD16, DRM_SVMGPU_OP_LD32,
		DRM_SVMGPU_OP_LD64, DRM_SVMGPU_OP_LDS8, DRM_SVMGPU_OP_LDS16,
		DRM_SVMGPU_OP_LDS32,
	};
	static const uint8_t stores[] = {
		DRM_SVMGPU_OP_ST8, DRM_SVMGPU_OP_ST16, DRM_SVMGPU_OP_ST32,
		DRM_SVMGPU_OP_ST64,
	};
	struct svmgpu_prog *p = prog_new();
	size_t i;

	REQUIRE(p);
	for (i = 0; i < ARRAY_SIZE(loads); i++) {
		uint64_t expected = INSN(loads[i], 2, 3, 0, 0, -8);

		svmgpu_prog_reset(p);
		EXPECT_EQ(svmgpu_prog_load(p, loads[i], 2, 3, -8), 0);
		expect_insns_at(__FILE__, __LINE__, p, &expected, 1);
	}
	for (i = 0; i < ARRAY_SIZE(stores); i++) {
		uint64_t expected = INSN(stores[i], 0, 4, 5, 0, 0x7fffffff);

		svmgpu_prog_reset(p);
		EXPECT_EQ(svmgpu_prog_store(p, stores[i], 4, 0x7fffffff, 5), 0);
		expect_insns_at(__FILE__, __LINE__, p, &expected, 1);
	}
	svmgpu_prog_del(p);
}

static void test_encode_atomics(void)
{
	struct svmgpu_prog *p = prog_new();
	unsigned int op;

	REQUIRE(p);
	for (op = DRM_SVMGPU_OP_AADD32; op <= DRM_SVMGPU_OP_AMAXU64; op++) {
		bool cmpxchg = op == DRM_SVMGPU_OP_ACMPXCHG32 ||
			       op == DRM_SVMGPU_OP_ACMPXCHG64;
		uint64_t expected = INSN(op, 4, 1, 5, cmpxchg ? 6 : 0, 16);

		if (op == 0x37)		/* The gap between 32 and 64 bits. */
			continue;
		svmgpu_prog_reset(p);
		EXPECT_EQ(svmgpu_prog_atomic(p, op, 4, 1, 16, 5,
					     cmpxchg ? 6 : 0), 0);
		expect_insns_at(__FILE__, __LINE__, p, &expected, 1);
	}
	svmgpu_prog_del(p);
}

static void test_encode_control(void)
{
	struct svmgpu_prog *p = prog_new();

	REQUIRE(p);
	EXPECT_EQ(svmgpu_prog_fence(p), 0);
	EXPECT_EQ(svmgpu_prog_exit(p), 0);
	EXPECT_INSNS(p, 0x50, 0x51);
	svmgpu_prog_del(p);
}

static void test_emit_raw(void)
{
	struct svmgpu_prog *p = prog_new();

	REQUIRE(p);
	/* Anything goes: these are all invalid for the kernel. */
	EXPECT_EQ(svmgpu_prog_emit(p, 0), 0);
	EXPECT_EQ(svmgpu_prog_emit(p, ~0ull), 0);
	EXPECT_EQ(svmgpu_prog_emit(p, INSN(DRM_SVMGPU_OP_ADD, 16, 0, 0, 0, 0)),
		  0);
	EXPECT_EQ(svmgpu_prog_emit(p, INSN(DRM_SVMGPU_OP_LD64, 1, 2, 0, 0, 0) |
				   IMM), 0);
	EXPECT_INSNS(p, 0, ~0ull, 0x1001,
		     INSN(DRM_SVMGPU_OP_LD64, 1, 2, 0, 0, 0) | IMM);
	svmgpu_prog_del(p);
}

static void test_validation(void)
{
	uint32_t label;

	/* Registers above 15, in every position. */
	EXPECT_REJECTED(svmgpu_prog_alu(p, DRM_SVMGPU_OP_ADD, 16, 0, 0));
	EXPECT_REJECTED(svmgpu_prog_alu(p, DRM_SVMGPU_OP_ADD, 0, 16, 0));
	EXPECT_REJECTED(svmgpu_prog_alu(p, DRM_SVMGPU_OP_ADD, 0, 0, 16));
	EXPECT_REJECTED(svmgpu_prog_alui(p, DRM_SVMGPU_OP_ADD, 0, 99, 0));
	EXPECT_REJECTED(svmgpu_prog_mad(p, 0, 0, 0, 16));
	EXPECT_REJECTED(svmgpu_prog_madi(p, 16, 0, 1, 0));
	EXPECT_REJECTED(svmgpu_prog_li(p, 16, 0));
	EXPECT_REJECTED(svmgpu_prog_li(p, 16, 1ull << 40));
	EXPECT_REJECTED(svmgpu_prog_mov(p, 0, 16));
	EXPECT_REJECTED(svmgpu_prog_load(p, DRM_SVMGPU_OP_LD8, 16, 0, 0));
	EXPECT_REJECTED(svmgpu_prog_store(p, DRM_SVMGPU_OP_ST8, 0, 0, 16));
	EXPECT_REJECTED(svmgpu_prog_atomic(p, DRM_SVMGPU_OP_AADD32, 0, 16, 0,
					   0, 0));
	EXPECT_REJECTED(svmgpu_prog_atomic(p, DRM_SVMGPU_OP_ACMPXCHG32, 0, 0,
					   0, 0, 16));
	EXPECT_REJECTED((svmgpu_prog_label(p, &label),
			 svmgpu_prog_branch(p, DRM_SVMGPU_OP_BEQ, 0, 16,
					    label)));

	/* Operations of another class. */
	EXPECT_REJECTED(svmgpu_prog_alu(p, DRM_SVMGPU_OP_MAD, 0, 0, 0));
	EXPECT_REJECTED(svmgpu_prog_alu(p, DRM_SVMGPU_OP_LI, 0, 0, 0));
	EXPECT_REJECTED(svmgpu_prog_alu(p, 0, 0, 0, 0));
	EXPECT_REJECTED(svmgpu_prog_alui(p, DRM_SVMGPU_OP_LD64, 0, 0, 0));
	EXPECT_REJECTED(svmgpu_prog_load(p, DRM_SVMGPU_OP_ST64, 0, 0, 0));
	EXPECT_REJECTED(svmgpu_prog_load(p, 0x27, 0, 0, 0));
	EXPECT_REJECTED(svmgpu_prog_store(p, DRM_SVMGPU_OP_LD64, 0, 0, 0));
	EXPECT_REJECTED(svmgpu_prog_atomic(p, 0x37, 0, 0, 0, 0, 0));
	EXPECT_REJECTED(svmgpu_prog_atomic(p, DRM_SVMGPU_OP_ST64, 0, 0, 0, 0,
					   0));
	EXPECT_REJECTED((svmgpu_prog_label(p, &label),
			 svmgpu_prog_branch(p, DRM_SVMGPU_OP_EXIT, 0, 0,
					    label)));

	/* Registers an instruction does not use must be zero. */
	EXPECT_REJECTED(svmgpu_prog_atomic(p, DRM_SVMGPU_OP_AADD64, 0, 0, 0,
					   0, 1));
	EXPECT_REJECTED((svmgpu_prog_label(p, &label),
			 svmgpu_prog_branch(p, DRM_SVMGPU_OP_BR, 1, 0, label)));
	EXPECT_REJECTED((svmgpu_prog_label(p, &label),
			 svmgpu_prog_branch(p, DRM_SVMGPU_OP_BZ, 1, 2, label)));

	/* Unknown labels, and labels bound twice. */
	EXPECT_REJECTED(svmgpu_prog_branch(p, DRM_SVMGPU_OP_BR, 0, 0, 0));
	EXPECT_REJECTED(svmgpu_prog_bind(p, 0));
	EXPECT_REJECTED((svmgpu_prog_label(p, &label),
			 svmgpu_prog_bind(p, label),
			 svmgpu_prog_bind(p, label)));
}

static void test_error_latches(void)
{
	struct svmgpu_prog *p = prog_new();
	uint64_t buf[4];
	uint32_t label;

	REQUIRE(p);
	EXPECT_EQ(svmgpu_prog_exit(p), 0);
	EXPECT_EQ(svmgpu_prog_alu(p, DRM_SVMGPU_OP_ADD, 16, 0, 0), -EINVAL);
	/* Every later call fails with the first error, and emits nothing. */
	EXPECT_EQ(svmgpu_prog_exit(p), -EINVAL);
	EXPECT_EQ(svmgpu_prog_emit(p, 0), -EINVAL);
	EXPECT_EQ(svmgpu_prog_label(p, &label), -EINVAL);
	EXPECT_EQ(svmgpu_asm(p, "exit", NULL, 0), -EINVAL);
	EXPECT_EQ(svmgpu_prog_count(p), 1);
	EXPECT_EQ(svmgpu_prog_error(p), -EINVAL);
	EXPECT(!svmgpu_prog_insns(p));
	EXPECT_EQ(svmgpu_prog_write(p, buf, sizeof(buf)), -EINVAL);

	svmgpu_prog_reset(p);
	EXPECT_EQ(svmgpu_prog_error(p), 0);
	EXPECT_EQ(svmgpu_prog_count(p), 0);
	EXPECT_EQ(svmgpu_prog_exit(p), 0);
	EXPECT_INSNS(p, 0x51);
	svmgpu_prog_del(p);
}

static void test_too_long(void)
{
	struct svmgpu_prog *p = prog_new();
	uint32_t i, label;

	REQUIRE(p);
	for (i = 0; i < MAX_INSNS - 1; i++)
		svmgpu_prog_mov(p, 1, 1);
	EXPECT_EQ(svmgpu_prog_error(p), 0);

	/* LI and LIH do not fit in the last slot: neither is emitted. */
	EXPECT_EQ(svmgpu_prog_li(p, 1, 1ull << 32), -E2BIG);
	EXPECT_EQ(svmgpu_prog_count(p), MAX_INSNS - 1);

	svmgpu_prog_reset(p);
	for (i = 0; i < MAX_INSNS - 1; i++)
		svmgpu_prog_mov(p, 1, 1);
	EXPECT_EQ(svmgpu_prog_li(p, 1, 1), 0);
	EXPECT_EQ(svmgpu_prog_count(p), MAX_INSNS);
	EXPECT_EQ(svmgpu_prog_error(p), 0);
	EXPECT_EQ(svmgpu_prog_emit(p, 0), -E2BIG);
	EXPECT_EQ(svmgpu_prog_count(p), MAX_INSNS);
	EXPECT_EQ(svmgpu_prog_error(p), -E2BIG);

	svmgpu_prog_reset(p);
	for (i = 0; i < MAX_INSNS; i++)
		svmgpu_prog_exit(p);
	EXPECT_EQ(svmgpu_prog_label(p, &label), 0);
	EXPECT_EQ(svmgpu_prog_branch(p, DRM_SVMGPU_OP_BR, 0, 0, label),
		  -E2BIG);
	svmgpu_prog_del(p);
}

static void test_labels(void)
{
	struct svmgpu_prog *p = prog_new();
	uint32_t top, end, unused;
	uint64_t buf[8];

	REQUIRE(p);
	EXPECT_EQ(svmgpu_prog_label(p, &top), 0);
	EXPECT_EQ(svmgpu_prog_label(p, &end), 0);
	EXPECT_EQ(svmgpu_prog_label(p, &unused), 0);
	EXPECT(top != end);

	/*
	 * 0: top: add r5, r5, 1
	 * 1:      beq r5, r6, end	(forward, +3)
	 * 2:      bz r7, end		(forward, +2)
	 * 3:      br top		(backward, -3)
	 * 4: end: exit
	 */
	EXPECT_EQ(svmgpu_prog_bind(p, top), 0);
	EXPECT_EQ(svmgpu_prog_alui(p, DRM_SVMGPU_OP_ADD, 5, 5, 1), 0);
	EXPECT_EQ(svmgpu_prog_branch(p, DRM_SVMGPU_OP_BEQ, 5, 6, end), 0);
	EXPECT_EQ(svmgpu_prog_branch(p, DRM_SVMGPU_OP_BZ, 7, 0, end), 0);

	/* Unbound while the forward branches wait: incomplete. */
	EXPECT_EQ(svmgpu_prog_error(p), -EINVAL);
	EXPECT(!svmgpu_prog_insns(p));
	EXPECT_EQ(svmgpu_prog_write(p, buf, sizeof(buf)), -EINVAL);
	EXPECT_EQ(svmgpu_prog_count(p), 3);

	EXPECT_EQ(svmgpu_prog_branch(p, DRM_SVMGPU_OP_BR, 0, 0, top), 0);
	EXPECT_EQ(svmgpu_prog_bind(p, end), 0);
	EXPECT_EQ(svmgpu_prog_exit(p), 0);
	/* An unused label that is never bound does no harm. */
	EXPECT_INSNS(p, INSN(DRM_SVMGPU_OP_ADD, 5, 5, 0, 0, 1) | IMM,
		     INSN(DRM_SVMGPU_OP_BEQ, 0, 5, 6, 0, 3),
		     INSN(DRM_SVMGPU_OP_BZ, 0, 7, 0, 0, 2),
		     INSN(DRM_SVMGPU_OP_BR, 0, 0, 0, 0, -3),
		     0x51);
	/* A branch to itself, and to a label bound at the same place. */
	svmgpu_prog_reset(p);
	EXPECT_EQ(svmgpu_prog_label(p, &top), 0);
	EXPECT_EQ(svmgpu_prog_bind(p, top), 0);
	EXPECT_EQ(svmgpu_prog_branch(p, DRM_SVMGPU_OP_BNZ, 1, 0, top), 0);
	EXPECT_EQ(svmgpu_prog_label(p, &end), 0);
	EXPECT_EQ(svmgpu_prog_branch(p, DRM_SVMGPU_OP_BR, 0, 0, end), 0);
	EXPECT_EQ(svmgpu_prog_bind(p, end), 0);
	EXPECT_EQ(svmgpu_prog_error(p), 0);
	EXPECT_EQ(svmgpu_prog_count(p), 2);
	memset(buf, 0xee, sizeof(buf));
	EXPECT_EQ(svmgpu_prog_write(p, buf, 16), 0);
	EXPECT_EQ_HEX(le64toh(buf[0]), INSN(DRM_SVMGPU_OP_BNZ, 0, 1, 0, 0, 0));
	EXPECT_EQ_HEX(le64toh(buf[1]), INSN(DRM_SVMGPU_OP_BR, 0, 0, 0, 0, 1));
	EXPECT_EQ_HEX(buf[2], 0xeeeeeeeeeeeeeeeeull);
	EXPECT_EQ(svmgpu_prog_write(p, buf, 15), -ENOSPC);

	/* Labels do not survive a reset. */
	svmgpu_prog_reset(p);
	EXPECT_EQ(svmgpu_prog_bind(p, top), -EINVAL);
	svmgpu_prog_del(p);
}

/* ---- Assembler ---------------------------------------------------------- */

/* Every mnemonic, in the uAPI's order, against the builder's encoding. */
static void test_asm_every_mnemonic(void)
{
	EXPECT_ASM("add r1, r2, r3\n sub r1, r2, r3\n mul r1, r2, r3\n"
		   "and r1, r2, r3\n or r1, r2, r3\n xor r1, r2, r3\n"
		   "shl r1, r2, r3\n shr r1, r2, r3\n sar r1, r2, r3\n"
		   "seq r1, r2, r3\n sne r1, r2, r3\n slt r1, r2, r3\n"
		   "sge r1, r2, r3\n sltu r1, r2, r3\n sgeu r1, r2, r3\n",
		   INSN(0x01, 1, 2, 3, 0, 0), INSN(0x02, 1, 2, 3, 0, 0),
		   INSN(0x03, 1, 2, 3, 0, 0), INSN(0x04, 1, 2, 3, 0, 0),
		   INSN(0x05, 1, 2, 3, 0, 0), INSN(0x06, 1, 2, 3, 0, 0),
		   INSN(0x07, 1, 2, 3, 0, 0), INSN(0x08, 1, 2, 3, 0, 0),
		   INSN(0x09, 1, 2, 3, 0, 0), INSN(0x0a, 1, 2, 3, 0, 0),
		   INSN(0x0b, 1, 2, 3, 0, 0), INSN(0x0c, 1, 2, 3, 0, 0),
		   INSN(0x0d, 1, 2, 3, 0, 0), INSN(0x0e, 1, 2, 3, 0, 0),
		   INSN(0x0f, 1, 2, 3, 0, 0));
	EXPECT_ASM("shl r4, r5, 64\n sltu r4, r5, -1\n",
		   INSN(DRM_SVMGPU_OP_SHL, 4, 5, 0, 0, 64) | IMM,
		   INSN(DRM_SVMGPU_OP_SLTU, 4, 5, 0, 0, -1) | IMM);
	EXPECT_ASM("mad r3, r0, 8, r1\n mad r3, r4, r5, r6\n"
		   "li r1, 5\n lih r1, -2\n",
		   INSN(DRM_SVMGPU_OP_MAD, 3, 0, 0, 1, 8) | IMM,
		   INSN(DRM_SVMGPU_OP_MAD, 3, 4, 5, 6, 0),
		   INSN(DRM_SVMGPU_OP_LI, 1, 0, 0, 0, 5),
		   INSN(DRM_SVMGPU_OP_LIH, 1, 0, 0, 0, -2));
	EXPECT_ASM("ld8 r1, [r2]\n ld16 r1, [r2]\n ld32 r1, [r2]\n"
		   "ld64 r1, [r2]\n lds8 r1, [r2]\n lds16 r1, [r2]\n"
		   "lds32 r1, [r2]\n",
		   INSN(0x20, 1, 2, 0, 0, 0), INSN(0x21, 1, 2, 0, 0, 0),
		   INSN(0x22, 1, 2, 0, 0, 0), INSN(0x23, 1, 2, 0, 0, 0),
		   INSN(0x24, 1, 2, 0, 0, 0), INSN(0x25, 1, 2, 0, 0, 0),
		   INSN(0x26, 1, 2, 0, 0, 0));
	EXPECT_ASM("st8 [r2], r3\n st16 [r2], r3\n st32 [r2], r3\n"
		   "st64 [r2], r3\n",
		   INSN(0x28, 0, 2, 3, 0, 0), INSN(0x29, 0, 2, 3, 0, 0),
		   INSN(0x2a, 0, 2, 3, 0, 0), INSN(0x2b, 0, 2, 3, 0, 0));
	EXPECT_ASM("aadd32 r4, [r1], r5\n axchg32 r4, [r1], r5\n"
		   "acmpxchg32 r4, [r1], r5, r6\n amin32 r4, [r1], r5\n"
		   "amax32 r4, [r1], r5\n aminu32 r4, [r1], r5\n"
		   "amaxu32 r4, [r1], r5\n"
		   "aadd64 r4, [r1], r5\n axchg64 r4, [r1], r5\n"
		   "acmpxchg64 r4, [r1], r5, r6\n amin64 r4, [r1], r5\n"
		   "amax64 r4, [r1], r5\n aminu64 r4, [r1], r5\n"
		   "amaxu64 r4, [r1], r5\n",
		   INSN(0x30, 4, 1, 5, 0, 0), INSN(0x31, 4, 1, 5, 0, 0),
		   INSN(0x32, 4, 1, 5, 6, 0), INSN(0x33, 4, 1, 5, 0, 0),
		   INSN(0x34, 4, 1, 5, 0, 0), INSN(0x35, 4, 1, 5, 0, 0),
		   INSN(0x36, 4, 1, 5, 0, 0),
		   INSN(0x38, 4, 1, 5, 0, 0), INSN(0x39, 4, 1, 5, 0, 0),
		   INSN(0x3a, 4, 1, 5, 6, 0), INSN(0x3b, 4, 1, 5, 0, 0),
		   INSN(0x3c, 4, 1, 5, 0, 0), INSN(0x3d, 4, 1, 5, 0, 0),
		   INSN(0x3e, 4, 1, 5, 0, 0));
	EXPECT_ASM("x: br x\n bz r1, x\n bnz r1, x\n beq r1, r2, x\n"
		   "bne r1, r2, x\n blt r1, r2, x\n bge r1, r2, x\n"
		   "bltu r1, r2, x\n bgeu r1, r2, x\n fence\n exit\n",
		   INSN(0x40, 0, 0, 0, 0, 0), INSN(0x41, 0, 1, 0, 0, -1),
		   INSN(0x42, 0, 1, 0, 0, -2), INSN(0x43, 0, 1, 2, 0, -3),
		   INSN(0x44, 0, 1, 2, 0, -4), INSN(0x45, 0, 1, 2, 0, -5),
		   INSN(0x46, 0, 1, 2, 0, -6), INSN(0x47, 0, 1, 2, 0, -7),
		   INSN(0x48, 0, 1, 2, 0, -8), 0x50, 0x51);
}

static void test_asm_syntax(void)
{
	/* Comments, blank lines, labels alone or before an instruction. */
	EXPECT_ASM("# a comment\n"
		   "\n"
		   "   ; another\n"
		   "start:\n"
		   "top: again:\texit # trailing\n"
		   "\tbr start ; trailing\r\n"
		   "br top\nbr again\n",
		   0x51, INSN(0x40, 0, 0, 0, 0, -1),
		   INSN(0x40, 0, 0, 0, 0, -2), INSN(0x40, 0, 0, 0, 0, -3));

	/* Memory operands, with and without blanks, signs and offsets. */
	EXPECT_ASM("ld64 r5, [r1 + 8]\n ld64 r5,[r1+8]\n ld64 r5, [ r1 - 8 ]\n"
		   "st32 [r2 + 4], r3\n ld8 r1, [r2 - 0x80000000]\n"
		   "ld8 r1, [r2 + 0x7fffffff]\n ld8 r1, [r2 + -4]\n",
		   INSN(0x23, 5, 1, 0, 0, 8), INSN(0x23, 5, 1, 0, 0, 8),
		   INSN(0x23, 5, 1, 0, 0, -8), INSN(0x2a, 0, 2, 3, 0, 4),
		   INSN(0x20, 1, 2, 0, 0, INT32_MIN),
		   INSN(0x20, 1, 2, 0, 0, INT32_MAX),
		   INSN(0x20, 1, 2, 0, 0, -4));

	/* Numbers: decimal, hex, signs, the 32-bit limits. */
	EXPECT_ASM("add r1, r1, 0x10\n add r1, r1, -0x10\n add r1, r1, +7\n"
		   "add r1, r1, 2147483647\n add r1, r1, -2147483648\n"
		   "add r1, r1, 0X7FFFFFFF\n",
		   INSN(0x01, 1, 1, 0, 0, 16) | IMM,
		   INSN(0x01, 1, 1, 0, 0, -16) | IMM,
		   INSN(0x01, 1, 1, 0, 0, 7) | IMM,
		   INSN(0x01, 1, 1, 0, 0, INT32_MAX) | IMM,
		   INSN(0x01, 1, 1, 0, 0, INT32_MIN) | IMM,
		   INSN(0x01, 1, 1, 0, 0, INT32_MAX) | IMM);

	/* li takes any 64-bit value. */
	EXPECT_ASM("li r2, 0xffffffffffffffff\n li r3, -9223372036854775808\n"
		   "li r4, 18446744073709551615\n li r5, 0x100000000\n",
		   INSN(0x11, 2, 0, 0, 0, -1),
		   INSN(0x11, 3, 0, 0, 0, 0), INSN(0x12, 3, 0, 0, 0, INT32_MIN),
		   INSN(0x11, 4, 0, 0, 0, -1),
		   INSN(0x11, 5, 0, 0, 0, 0), INSN(0x12, 5, 0, 0, 0, 1));

	/* Pseudo-instructions, upper case, .equ, .insn and .+N. */
	EXPECT_ASM("mov r1, r2\n nop\n ADD R1, R2, R3\n"
		   ".equ SIZE, 8\n .equ MINUS, -SIZE\n .equ BIG, 0x123456789\n"
		   "mad r3, r0, SIZE, r1\n ld64 r4, [r1 - SIZE]\n"
		   "ld64 r4, [r1 + MINUS]\n li r6, BIG\n"
		   ".insn 0xffffffffffffffff\n .insn 0\n"
		   "br .+0\n bz r1, .-1\n beq r1, r2, . + 3\n",
		   INSN(0x01, 1, 2, 0, 0, 0) | IMM,
		   INSN(0x01, 0, 0, 0, 0, 0) | IMM,
		   INSN(0x01, 1, 2, 3, 0, 0),
		   INSN(0x10, 3, 0, 0, 1, 8) | IMM,
		   INSN(0x23, 4, 1, 0, 0, -8), INSN(0x23, 4, 1, 0, 0, -8),
		   INSN(0x11, 6, 0, 0, 0, 0x23456789),
		   INSN(0x12, 6, 0, 0, 0, 1),
		   ~0ull, 0,
		   INSN(0x40, 0, 0, 0, 0, 0), INSN(0x41, 0, 1, 0, 0, -1),
		   INSN(0x43, 0, 1, 2, 0, 3));

	/* An empty text is an empty program. */
	{
		struct svmgpu_prog *p = ASSEMBLE("  # nothing\n\n");

		if (p) {
			EXPECT_EQ(svmgpu_prog_count(p), 0);
			svmgpu_prog_del(p);
		}
	}
}

static void test_asm_appends(void)
{
	struct svmgpu_prog *p = prog_new();
	char err[64];
	uint32_t label;

	REQUIRE(p);
	/* Text appends to what the builder made; its labels are its own. */
	EXPECT_EQ(svmgpu_prog_label(p, &label), 0);
	EXPECT_EQ(svmgpu_prog_bind(p, label), 0);
	EXPECT_EQ(svmgpu_prog_fence(p), 0);
	EXPECT_EQ(svmgpu_asm(p, "x: bz r1, x\n exit", err, sizeof(err)), 0);
	EXPECT_EQ(svmgpu_asm(p, "x: br x", err, sizeof(err)), 0);
	EXPECT_EQ(svmgpu_prog_branch(p, DRM_SVMGPU_OP_BR, 0, 0, label), 0);
	EXPECT_INSNS(p, 0x50, INSN(0x41, 0, 1, 0, 0, 0), 0x51,
		     INSN(0x40, 0, 0, 0, 0, 0), INSN(0x40, 0, 0, 0, 0, -4));
	svmgpu_prog_del(p);
}

static void test_asm_errors(void)
{
	EXPECT_ASM_ERROR("exit\nfoo r1\n", -EINVAL,
			 "line 2: unknown instruction 'foo'");
	EXPECT_ASM_ERROR("add r1, r2\n", -EINVAL,
			 "line 1: 'add' takes 3 operands: add rd, ra, rb|imm");
	EXPECT_ASM_ERROR("exit r1\n", -EINVAL, "line 1: 'exit' takes no operand");
	EXPECT_ASM_ERROR("br\n", -EINVAL,
			 "line 1: 'br' takes 1 operand: br target");
	EXPECT_ASM_ERROR("\n\nadd r1, r16, r2\n", -EINVAL,
			 "line 3: no register r16: they are r0 to r15");
	EXPECT_ASM_ERROR("add r1, 5, r2\n", -EINVAL,
			 "line 1: expected a register, got '5'");
	EXPECT_ASM_ERROR("add r1, r2, 2147483648\n", -EINVAL,
			 "line 1: 2147483648 does not fit in a signed 32-bit immediate (-2147483648 to 2147483647)");
	EXPECT_ASM_ERROR("add r1, r2, 0xffffffff\n", -EINVAL,
			 "line 1: 0xffffffff does not fit in a signed 32-bit immediate (-2147483648 to 2147483647)");
	EXPECT_ASM_ERROR("li r1, 0x10000000000000000\n", -EINVAL,
			 "line 1: 0x10000000000000000 does not fit in 64 bits");
	EXPECT_ASM_ERROR("li r1, -9223372036854775809\n", -EINVAL,
			 "line 1: -9223372036854775809 does not fit in 64 bits");
	EXPECT_ASM_ERROR("add r1, r2, 12z\n", -EINVAL,
			 "line 1: expected a number, got '12z'");
	EXPECT_ASM_ERROR("add r1, r2, NOPE\n", -EINVAL,
			 "line 1: unknown constant 'NOPE'");
	EXPECT_ASM_ERROR("ld64 r1, r2\n", -EINVAL,
			 "line 1: expected a memory operand [rA + off], got 'r2'");
	EXPECT_ASM_ERROR("ld64 r1, [r2 +]\n", -EINVAL,
			 "line 1: missing offset after '+'");
	EXPECT_ASM_ERROR("ld64 r1, [r2 - 0x80000001]\n", -EINVAL,
			 "line 1: offset -0x80000001 does not fit in a signed 32-bit immediate");
	EXPECT_ASM_ERROR("exit\n br nowhere\n exit\n bz r1, nowhere\n", -EINVAL,
			 "line 2: undefined label 'nowhere'");
	EXPECT_ASM_ERROR("x: exit\nx: exit\n", -EINVAL,
			 "line 2: 'x' is already defined on line 1");
	EXPECT_ASM_ERROR("r3: exit\n", -EINVAL,
			 "line 1: 'r3' is a register, not a name");
	EXPECT_ASM_ERROR(".equ N, 1\nbr N\n", -EINVAL,
			 "line 2: 'N' is a constant, not a label");
	EXPECT_ASM_ERROR("x: exit\nadd r1, r1, x\n", -EINVAL,
			 "line 2: 'x' is a label, not a number");
	EXPECT_ASM_ERROR(".equ N, 1\n.equ N, 2\n", -EINVAL,
			 "line 2: 'N' is already defined on line 1");
	EXPECT_ASM_ERROR(".equ 9, 1\n", -EINVAL, "line 1: '9' is not a name");
	EXPECT_ASM_ERROR(".word 1\n", -EINVAL,
			 "line 1: unknown directive '.word'");
	EXPECT_ASM_ERROR("br 5\n", -EINVAL,
			 "line 1: expected a label, .+N or .-N, got '5'");
	EXPECT_ASM_ERROR("add r1,, r2\n", -EINVAL, "line 1: empty operand");
	EXPECT_ASM_ERROR("add r1, r2, r3,\n", -EINVAL, "line 1: empty operand");
	EXPECT_ASM_ERROR("mad r1, r2, r3, r4, r5, r6\n", -EINVAL,
			 "line 1: too many operands");
	EXPECT_ASM_ERROR("averyveryverylongname r1\n", -EINVAL,
			 "line 1: unknown instruction 'averyveryverylongname'");
}

static void test_asm_error_message_buffer(void)
{
	struct svmgpu_prog *p = prog_new();
	char small[8];

	REQUIRE(p);
	/* Truncated, NUL-terminated; NULL is allowed. */
	EXPECT_EQ(svmgpu_asm(p, "foo", small, sizeof(small)), -EINVAL);
	EXPECT(!strcmp(small, "line 1:"));
	EXPECT_EQ(svmgpu_asm(p, "foo", NULL, 100), -EINVAL);
	EXPECT_EQ(svmgpu_asm(p, "foo", small, 0), -EINVAL);
	/* Success leaves an empty message. */
	EXPECT_EQ(svmgpu_asm(p, "exit", small, sizeof(small)), 0);
	EXPECT_EQ(small[0], '\0');
	svmgpu_prog_del(p);
}

static void test_asm_too_long(void)
{
	size_t n = (MAX_INSNS + 1) * 5 + 32, i;
	struct svmgpu_prog *p = prog_new();
	char *src = malloc(n), err[128];

	REQUIRE(p);
	REQUIRE(src);
	for (i = 0; i < MAX_INSNS; i++)
		memcpy(src + i * 5, "exit\n", 5);
	src[MAX_INSNS * 5] = '\0';
	EXPECT_EQ(svmgpu_asm(p, src, err, sizeof(err)), 0);
	EXPECT_EQ(svmgpu_prog_count(p), MAX_INSNS);

	/* One more: in the same text, or appended to a full program. */
	svmgpu_prog_reset(p);
	memcpy(src + MAX_INSNS * 5, "exit\n", 6);
	EXPECT_EQ(svmgpu_asm(p, src, err, sizeof(err)), -E2BIG);
	EXPECT(!strcmp(err, "line 4097: the program is longer than 4096 instructions"));
	EXPECT_EQ(svmgpu_prog_count(p), 0);
	EXPECT_EQ(svmgpu_prog_exit(p), 0);
	src[MAX_INSNS * 5] = '\0';
	EXPECT_EQ(svmgpu_asm(p, src, err, sizeof(err)), -E2BIG);
	EXPECT(!strcmp(err, "line 4096: the program is longer than 4096 instructions"));
	EXPECT_EQ(svmgpu_prog_count(p), 1);

	/* li's pair does not fit in the last slot. */
	svmgpu_prog_reset(p);
	memcpy(src + (MAX_INSNS - 1) * 5, "li r1, 0x100000000\n", 20);
	EXPECT_EQ(svmgpu_asm(p, src, err, sizeof(err)), -E2BIG);
	EXPECT(!strcmp(err, "line 4096: the program is longer than 4096 instructions"));
	free(src);
	svmgpu_prog_del(p);
}

/* ---- Disassembler ------------------------------------------------------- */

static void expect_disasm_at(const char *file, int line, uint64_t insn,
			     int valid, const char *text)
{
	char buf[80];
	int ret = svmgpu_disasm(insn, buf, sizeof(buf));

	if ((valid ? ret != (int)strlen(text) : ret != -EINVAL) ||
	    strcmp(buf, text)) {
		diag("%s:%d: svmgpu_disasm(0x%016llx) gave %d \"%s\", expected \"%s\"",
		     file, line, (unsigned long long)insn, ret, buf, text);
		t_failed = true;
	}
}

#define EXPECT_DISASM(insn, text) \
	expect_disasm_at(__FILE__, __LINE__, (insn), 1, (text))
#define EXPECT_DISASM_INVALID(insn, text) \
	expect_disasm_at(__FILE__, __LINE__, (insn), 0, (text))

static void test_disasm(void)
{
	char buf[8];

	EXPECT_DISASM(INSN(0x01, 1, 2, 3, 0, 0), "add r1, r2, r3");
	EXPECT_DISASM(INSN(0x09, 15, 14, 0, 0, -64) | IMM, "sar r15, r14, -64");
	EXPECT_DISASM(INSN(0x10, 3, 0, 0, 1, 8) | IMM, "mad r3, r0, 8, r1");
	EXPECT_DISASM(INSN(0x10, 3, 4, 5, 6, 0), "mad r3, r4, r5, r6");
	EXPECT_DISASM(INSN(0x11, 1, 0, 0, 0, INT32_MIN),
		      "li r1, -2147483648");
	EXPECT_DISASM(INSN(0x12, 1, 0, 0, 0, 7), "lih r1, 7");
	EXPECT_DISASM(INSN(0x26, 1, 2, 0, 0, 0), "lds32 r1, [r2]");
	EXPECT_DISASM(INSN(0x23, 1, 2, 0, 0, 16), "ld64 r1, [r2 + 16]");
	EXPECT_DISASM(INSN(0x20, 1, 2, 0, 0, INT32_MIN),
		      "ld8 r1, [r2 - 2147483648]");
	EXPECT_DISASM(INSN(0x2b, 0, 2, 3, 0, -8), "st64 [r2 - 8], r3");
	EXPECT_DISASM(INSN(0x3d, 4, 1, 5, 0, 0), "aminu64 r4, [r1], r5");
	EXPECT_DISASM(INSN(0x32, 4, 1, 5, 6, 4), "acmpxchg32 r4, [r1 + 4], r5, r6");
	EXPECT_DISASM(INSN(0x40, 0, 0, 0, 0, -3), "br .-3");
	EXPECT_DISASM(INSN(0x42, 0, 7, 0, 0, 0), "bnz r7, .+0");
	EXPECT_DISASM(INSN(0x48, 0, 1, 2, 0, 12), "bgeu r1, r2, .+12");
	EXPECT_DISASM(0x50, "fence");
	EXPECT_DISASM(0x51, "exit");

	/* What the kernel refuses comes out as .insn. */
	EXPECT_DISASM_INVALID(0, ".insn 0x0000000000000000");
	EXPECT_DISASM_INVALID(0x27, ".insn 0x0000000000000027");
	EXPECT_DISASM_INVALID(INSN(0x01, 16, 0, 0, 0, 0),
			      ".insn 0x0000000000001001");
	EXPECT_DISASM_INVALID(INSN(0x01, 1, 2, 3, 0, 0) | (1u << 28),
			      ".insn 0x00000000100c4101");
	EXPECT_DISASM_INVALID(INSN(0x01, 1, 2, 3, 4, 0),
			      ".insn 0x00000000020c4101");
	EXPECT_DISASM_INVALID(INSN(0x01, 1, 2, 3, 0, 1),
			      ".insn 0x00000001000c4101");
	EXPECT_DISASM_INVALID(INSN(0x01, 1, 2, 3, 0, 1) | IMM,
			      ".insn 0x00000001800c4101");
	EXPECT_DISASM_INVALID(INSN(0x23, 1, 2, 0, 0, 0) | IMM,
			      ".insn 0x0000000080004123");
	EXPECT_DISASM_INVALID(INSN(0x2b, 1, 2, 3, 0, 0),
			      ".insn 0x00000000000c412b");
	EXPECT_DISASM_INVALID(INSN(0x38, 1, 2, 3, 4, 0),
			      ".insn 0x00000000020c4138");
	EXPECT_DISASM_INVALID(INSN(0x40, 0, 1, 0, 0, 0),
			      ".insn 0x0000000000002040");
	EXPECT_DISASM_INVALID(0x100000051ull, ".insn 0x0000000100000051");

	/* Truncation as snprintf(). */
	EXPECT_EQ(svmgpu_disasm(INSN(0x01, 1, 2, 3, 0, 0), buf, sizeof(buf)),
		  14);
	EXPECT(!strcmp(buf, "add r1,"));
	EXPECT_EQ(svmgpu_disasm(0x51, NULL, 0), 4);
}

/* A small xorshift64 generator, for reproducible random instructions. */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/*
 * Random words: disassemble each, assemble the text back, and compare. A
 * word the disassembler calls invalid comes back through ".insn", so every
 * word must survive; and most valid encodings are hit by masking the
 * random word into the instruction's fields.
 */
static void test_round_trip(void)
{
	enum { N = 20000 };
	char *text = malloc((size_t)N * 64), line[80];
	uint64_t *words = malloc(N * sizeof(*words));
	struct svmgpu_prog *p = NULL;
	size_t pos = 0, i, valid = 0;
	const uint64_t *back;
	char err[128];

	REQUIRE(text && words);
	for (i = 0; i < N; i++) {
		uint64_t w = rnd();

		/*
		 * Three in four valid-looking: an opcode below 0x52,
		 * registers below 16, no MBZ bit, and each field (rd, ra,
		 * rb, rc, the immediate bit, the immediate) cleared with a
		 * chance of one in two, as unused fields must be.
		 */
		if (i % 4) {
			uint64_t keep = rnd();

			w = (w & ~0xffull) | (rnd() % 0x52);
			w &= ~((1ull << 12) | (1ull << 17) | (1ull << 22) |
			       (1ull << 27) | (7ull << 28));
			if (keep & 1)
				w &= ~(0x1full << 8);
			if (keep & 2)
				w &= ~(0x1full << 13);
			if (keep & 4)
				w &= ~(0x1full << 18);
			if (keep & 8)
				w &= ~(0x1full << 23);
			if (keep & 16)
				w &= ~(uint64_t)IMM;
			if (keep & 32)
				w &= 0xffffffffull;
		}
		words[i] = w;
		if (svmgpu_disasm(w, line, sizeof(line)) >= 0)
			valid++;
		pos += sprintf(text + pos, "%s\n", line);
	}
	/* Too long for one program: assemble in chunks of 4000 lines. */
	diag("%zu of %d random words are valid instructions", valid, N);
	EXPECT(valid > N / 16);
	p = prog_new();
	REQUIRE(p);
	for (i = 0; i < N; i += 4000) {
		char *start = text, *end;
		size_t k;

		for (k = 0; k < i; k++)
			start = strchr(start, '\n') + 1;
		end = start;
		for (k = 0; k < 4000 && k + i < N; k++)
			end = strchr(end, '\n') + 1;
		*(end - 1) = '\0';
		svmgpu_prog_reset(p);
		if (svmgpu_asm(p, start, err, sizeof(err))) {
			diag("chunk %zu: %s", i / 4000, err);
			t_failed = true;
			break;
		}
		*(end - 1) = '\n';
		back = svmgpu_prog_insns(p);
		REQUIRE(back);
		for (k = 0; k < svmgpu_prog_count(p); k++) {
			if (le64toh(back[k]) != words[i + k]) {
				diag("word %zu: 0x%016llx came back as 0x%016llx",
				     i + k, (unsigned long long)words[i + k],
				     (unsigned long long)le64toh(back[k]));
				t_failed = true;
				break;
			}
		}
	}
	svmgpu_prog_del(p);
	free(words);
	free(text);
}

/* ---- svmgpu_cs_dispatch() ----------------------------------------------- */

static void test_cs_dispatch(void)
{
	struct svmgpu_cs *cs = NULL;
	const uint32_t *w;

	REQUIRE(!svmgpu_cs_new(&cs));
	EXPECT_EQ(svmgpu_cs_dispatch(cs, 0x0000123456789ab8ull, 4096,
				     1000, 2, 3, 0xfedcba9876543210ull), 0);
	EXPECT_EQ(svmgpu_cs_error(cs), 0);
	REQUIRE(svmgpu_cs_size(cs) == 40);
	w = svmgpu_cs_words(cs);
	/* Written out from "DOC: command stream": opcode 8, length 10. */
	EXPECT_EQ_HEX(le32toh(w[0]), 0x000a0008);
	EXPECT_EQ_HEX(le32toh(w[1]), 0x56789ab8);
	EXPECT_EQ_HEX(le32toh(w[2]), 0x00001234);
	EXPECT_EQ_HEX(le32toh(w[3]), 4096);
	EXPECT_EQ_HEX(le32toh(w[4]), 1000);
	EXPECT_EQ_HEX(le32toh(w[5]), 2);
	EXPECT_EQ_HEX(le32toh(w[6]), 3);
	EXPECT_EQ_HEX(le32toh(w[7]), 0x76543210);
	EXPECT_EQ_HEX(le32toh(w[8]), 0xfedcba98);
	EXPECT_EQ_HEX(le32toh(w[9]), 0);

	/* The largest grid whose size fits in 64 bits. */
	svmgpu_cs_reset(cs);
	EXPECT_EQ(svmgpu_cs_dispatch(cs, 8, 1, UINT32_MAX, UINT32_MAX, 1, 0),
		  0);
	svmgpu_cs_del(cs);
}

#define EXPECT_CS_REJECTED(...) do {					\
	struct svmgpu_cs *cs = NULL;					\
	if (!svmgpu_cs_new(&cs)) {					\
		EXPECT_EQ(svmgpu_cs_dispatch(cs, __VA_ARGS__), -EINVAL);\
		EXPECT_EQ(svmgpu_cs_error(cs), -EINVAL);		\
		EXPECT_EQ(svmgpu_cs_size(cs), 0);			\
		svmgpu_cs_del(cs);					\
	}								\
} while (0)

static void test_cs_dispatch_rejects(void)
{
	EXPECT_EQ(svmgpu_cs_dispatch(NULL, 0x1000, 1, 1, 1, 1, 0), -EINVAL);
	EXPECT_CS_REJECTED(0x1004, 1, 1, 1, 1, 0);	/* misaligned */
	EXPECT_CS_REJECTED(0x1001, 1, 1, 1, 1, 0);
	EXPECT_CS_REJECTED(0x1000, 0, 1, 1, 1, 0);	/* no instruction */
	EXPECT_CS_REJECTED(0x1000, MAX_INSNS + 1, 1, 1, 1, 0);
	EXPECT_CS_REJECTED(0x1000, 1, 0, 1, 1, 0);	/* empty grids */
	EXPECT_CS_REJECTED(0x1000, 1, 1, 0, 1, 0);
	EXPECT_CS_REJECTED(0x1000, 1, 1, 1, 0, 0);
	/* 2^32 - 1 cubed does not fit in 64 bits. */
	EXPECT_CS_REJECTED(0x1000, 1, UINT32_MAX, UINT32_MAX, 2, 0);
}

static void test_dispatch_svm_arguments(void)
{
	struct svmgpu_prog *p = prog_new();

	REQUIRE(p);
	/* All refused before the queue is looked at. */
	EXPECT_EQ(svmgpu_queue_dispatch_svm(NULL, p, 1, 1, 1, 0, 0), -EINVAL);
	EXPECT_EQ(svmgpu_queue_dispatch_svm((struct svmgpu_queue *)8, NULL, 1,
					    1, 1, 0, 0), -EINVAL);
	EXPECT_EQ(svmgpu_queue_dispatch_svm((struct svmgpu_queue *)8, p, 1,
					    1, 1, 0, 0), -EINVAL);
	svmgpu_prog_alu(p, 0, 0, 0, 0);
	EXPECT_EQ(svmgpu_queue_dispatch_svm((struct svmgpu_queue *)8, p, 1,
					    1, 1, 0, 0), -EINVAL);
	svmgpu_prog_del(p);
	EXPECT(!svmgpu_device_has_compute(NULL));
	EXPECT_EQ(svmgpu_device_compute_threads(NULL), 0);
}

static const struct tap_test tests[] = {
	{ "null-arguments", test_null_arguments },
	{ "new-empty", test_new_empty },
	{ "insn-macro", test_insn_macro },
	{ "encode-alu", test_encode_alu },
	{ "encode-li", test_encode_li },
	{ "encode-memory", test_encode_memory },
	{ "encode-atomics", test_encode_atomics },
	{ "encode-control", test_encode_control },
	{ "emit-raw", test_emit_raw },
	{ "validation", test_validation },
	{ "error-latches", test_error_latches },
	{ "too-long", test_too_long },
	{ "labels", test_labels },
	{ "asm-every-mnemonic", test_asm_every_mnemonic },
	{ "asm-syntax", test_asm_syntax },
	{ "asm-appends", test_asm_appends },
	{ "asm-errors", test_asm_errors },
	{ "asm-error-message-buffer", test_asm_error_message_buffer },
	{ "asm-too-long", test_asm_too_long },
	{ "disasm", test_disasm },
	{ "round-trip", test_round_trip },
	{ "cs-dispatch", test_cs_dispatch },
	{ "cs-dispatch-rejects", test_cs_dispatch_rejects },
	{ "dispatch-svm-arguments", test_dispatch_svm_arguments },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests), NULL);
}
