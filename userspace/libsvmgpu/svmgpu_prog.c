// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * libsvmgpu: the compute-program builder. It encodes the instructions of
 * the uAPI's "DOC: compute ISA" (svmgpu_drm.h) and refuses, with a latched
 * error, what the kernel's decoder would refuse and the builder can tell
 * in advance.
 *
 * This file depends on svmgpu_prog.h and the uAPI header only, not on the
 * rest of the library, so that the IGT tests can build it into themselves.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "svmgpu_drm.h"
#include "svmgpu_prog.h"

#ifndef SVMGPU_PUBLIC
#define SVMGPU_PUBLIC __attribute__((visibility("default")))
#endif

/* Instructions and labels allocated at the first use. */
#define PROG_MIN_CAPACITY	64

/* A label not bound yet. */
#define LABEL_UNBOUND		UINT32_MAX

/* A branch whose label was not bound when it was emitted. */
struct prog_fixup {
	/* The branch's index. */
	uint32_t at;

	/* The label it goes to. */
	uint32_t label;
};

struct svmgpu_prog {
	/* The instructions, little-endian, as the GPU reads them. */
	uint64_t *insns;
	uint32_t count;
	uint32_t capacity;

	/* The index each label is bound to, or LABEL_UNBOUND. */
	uint32_t *labels;
	uint32_t num_labels;
	uint32_t labels_capacity;

	/* Branches to labels that are not bound yet. */
	struct prog_fixup *fixups;
	uint32_t num_fixups;
	uint32_t fixups_capacity;

	/* First error of an emit since the last reset, or 0. */
	int error;
};

SVMGPU_PUBLIC int svmgpu_prog_new(struct svmgpu_prog **out)
{
	if (!out)
		return -EINVAL;

	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

SVMGPU_PUBLIC void svmgpu_prog_del(struct svmgpu_prog *p)
{
	if (!p)
		return;
	free(p->fixups);
	free(p->labels);
	free(p->insns);
	free(p);
}

SVMGPU_PUBLIC void svmgpu_prog_reset(struct svmgpu_prog *p)
{
	if (!p)
		return;
	p->count = 0;
	p->num_labels = 0;
	p->num_fixups = 0;
	p->error = 0;
}

SVMGPU_PUBLIC int svmgpu_prog_error(const struct svmgpu_prog *p)
{
	if (!p)
		return -EINVAL;
	if (p->error)
		return p->error;
	/* A branch to a label that was never bound has no target. */
	return p->num_fixups ? -EINVAL : 0;
}

SVMGPU_PUBLIC const uint64_t *svmgpu_prog_insns(const struct svmgpu_prog *p)
{
	if (svmgpu_prog_error(p) || !p->count)
		return NULL;
	return p->insns;
}

SVMGPU_PUBLIC uint32_t svmgpu_prog_count(const struct svmgpu_prog *p)
{
	return p ? p->count : 0;
}

SVMGPU_PUBLIC size_t svmgpu_prog_size(const struct svmgpu_prog *p)
{
	return p ? (size_t)p->count * sizeof(uint64_t) : 0;
}

SVMGPU_PUBLIC int svmgpu_prog_write(const struct svmgpu_prog *p, void *dst,
				    size_t len)
{
	size_t size;
	int ret;

	if (!p || !dst)
		return -EINVAL;
	ret = svmgpu_prog_error(p);
	if (ret)
		return ret;

	size = svmgpu_prog_size(p);
	if (size > len)
		return -ENOSPC;
	if (size)
		memcpy(dst, p->insns, size);
	return 0;
}

/* Latch @err, the first error since the last reset, and return it. */
static int prog_fail(struct svmgpu_prog *p, int err)
{
	if (!p->error)
		p->error = err;
	return p->error;
}

/*
 * Grow the array at *@array, of *@capacity elements of @size bytes, to hold
 * at least @need of them. Return 0 or -ENOMEM.
 */
static int prog_grow(void **array, uint32_t *capacity, uint32_t need,
		     size_t size)
{
	uint32_t n = *capacity ? *capacity : PROG_MIN_CAPACITY;
	void *a;

	if (need <= *capacity)
		return 0;
	while (n < need)
		n *= 2;
	a = realloc(*array, (size_t)n * size);
	if (!a)
		return -ENOMEM;
	*array = a;
	*capacity = n;
	return 0;
}

/*
 * Common start of every emitter: a NULL @p is -EINVAL (there is nowhere to
 * latch it), a latched error is returned as is, and a @bad argument latches
 * -EINVAL. Return 0 if the emitter may go on.
 */
static int prog_check(struct svmgpu_prog *p, bool bad)
{
	if (!p)
		return -EINVAL;
	if (p->error)
		return p->error;
	if (bad)
		return prog_fail(p, -EINVAL);
	return 0;
}

/*
 * Make room for @n more instructions, all or none: -E2BIG beyond the
 * longest program the kernel takes.
 */
static int prog_reserve(struct svmgpu_prog *p, uint32_t n)
{
	void *insns = p->insns;
	int ret;

	if (n > DRM_SVMGPU_PROGRAM_MAX_INSNS - p->count)
		return prog_fail(p, -E2BIG);
	ret = prog_grow(&insns, &p->capacity, p->count + n, sizeof(uint64_t));
	p->insns = insns;
	return ret ? prog_fail(p, ret) : 0;
}

/* Append @insn; room was reserved. */
static void prog_put(struct svmgpu_prog *p, uint64_t insn)
{
	p->insns[p->count++] = htole64(insn);
}

/* Append one instruction, after the checks of prog_check(). */
static int prog_emit_checked(struct svmgpu_prog *p, bool bad, uint64_t insn)
{
	int ret;

	ret = prog_check(p, bad);
	if (!ret)
		ret = prog_reserve(p, 1);
	if (ret)
		return ret;
	prog_put(p, insn);
	return 0;
}

static bool bad_reg(unsigned int r)
{
	return r > 15;
}

/* The ALU operations that take a register or an immediate as "b". */
static bool op_is_alu(uint8_t op)
{
	return op >= DRM_SVMGPU_OP_ADD && op <= DRM_SVMGPU_OP_SGEU;
}

static bool op_is_load(uint8_t op)
{
	return (op >= DRM_SVMGPU_OP_LD8 && op <= DRM_SVMGPU_OP_LD64) ||
	       (op >= DRM_SVMGPU_OP_LDS8 && op <= DRM_SVMGPU_OP_LDS32);
}

static bool op_is_store(uint8_t op)
{
	return op >= DRM_SVMGPU_OP_ST8 && op <= DRM_SVMGPU_OP_ST64;
}

static bool op_is_atomic(uint8_t op)
{
	return (op >= DRM_SVMGPU_OP_AADD32 && op <= DRM_SVMGPU_OP_AMAXU32) ||
	       (op >= DRM_SVMGPU_OP_AADD64 && op <= DRM_SVMGPU_OP_AMAXU64);
}

static bool op_is_branch(uint8_t op)
{
	return op >= DRM_SVMGPU_OP_BR && op <= DRM_SVMGPU_OP_BGEU;
}

SVMGPU_PUBLIC int svmgpu_prog_emit(struct svmgpu_prog *p, uint64_t insn)
{
	return prog_emit_checked(p, false, insn);
}

SVMGPU_PUBLIC int svmgpu_prog_alu(struct svmgpu_prog *p, uint8_t op,
				  unsigned int rd, unsigned int ra,
				  unsigned int rb)
{
	return prog_emit_checked(p, !op_is_alu(op) || bad_reg(rd) ||
				    bad_reg(ra) || bad_reg(rb),
				 DRM_SVMGPU_INSN(op, rd, ra, rb, 0, 0));
}

SVMGPU_PUBLIC int svmgpu_prog_alui(struct svmgpu_prog *p, uint8_t op,
				   unsigned int rd, unsigned int ra,
				   int32_t imm)
{
	return prog_emit_checked(p, !op_is_alu(op) || bad_reg(rd) ||
				    bad_reg(ra),
				 DRM_SVMGPU_INSN(op, rd, ra, 0, 0, imm) |
				 DRM_SVMGPU_INSN_IMM);
}

SVMGPU_PUBLIC int svmgpu_prog_mad(struct svmgpu_prog *p, unsigned int rd,
				  unsigned int ra, unsigned int rb,
				  unsigned int rc)
{
	return prog_emit_checked(p, bad_reg(rd) || bad_reg(ra) ||
				    bad_reg(rb) || bad_reg(rc),
				 DRM_SVMGPU_INSN(DRM_SVMGPU_OP_MAD, rd, ra, rb,
						 rc, 0));
}

SVMGPU_PUBLIC int svmgpu_prog_madi(struct svmgpu_prog *p, unsigned int rd,
				   unsigned int ra, int32_t imm,
				   unsigned int rc)
{
	return prog_emit_checked(p, bad_reg(rd) || bad_reg(ra) || bad_reg(rc),
				 DRM_SVMGPU_INSN(DRM_SVMGPU_OP_MAD, rd, ra, 0,
						 rc, imm) |
				 DRM_SVMGPU_INSN_IMM);
}

SVMGPU_PUBLIC int svmgpu_prog_li(struct svmgpu_prog *p, unsigned int rd,
				 uint64_t value)
{
	int32_t lo = (int32_t)(uint32_t)value;
	int32_t hi = (int32_t)(uint32_t)(value >> 32);
	bool pair = (uint64_t)(int64_t)lo != value;
	int ret;

	ret = prog_check(p, bad_reg(rd));
	if (!ret)
		ret = prog_reserve(p, pair ? 2 : 1);
	if (ret)
		return ret;

	/* LI sign-extends; LIH then replaces the high half. */
	prog_put(p, DRM_SVMGPU_INSN(DRM_SVMGPU_OP_LI, rd, 0, 0, 0, lo));
	if (pair)
		prog_put(p, DRM_SVMGPU_INSN(DRM_SVMGPU_OP_LIH, rd, 0, 0, 0,
					    hi));
	return 0;
}

SVMGPU_PUBLIC int svmgpu_prog_mov(struct svmgpu_prog *p, unsigned int rd,
				  unsigned int ra)
{
	return svmgpu_prog_alui(p, DRM_SVMGPU_OP_ADD, rd, ra, 0);
}

SVMGPU_PUBLIC int svmgpu_prog_load(struct svmgpu_prog *p, uint8_t op,
				   unsigned int rd, unsigned int ra,
				   int32_t off)
{
	return prog_emit_checked(p, !op_is_load(op) || bad_reg(rd) ||
				    bad_reg(ra),
				 DRM_SVMGPU_INSN(op, rd, ra, 0, 0, off));
}

SVMGPU_PUBLIC int svmgpu_prog_store(struct svmgpu_prog *p, uint8_t op,
				    unsigned int ra, int32_t off,
				    unsigned int rb)
{
	return prog_emit_checked(p, !op_is_store(op) || bad_reg(ra) ||
				    bad_reg(rb),
				 DRM_SVMGPU_INSN(op, 0, ra, rb, 0, off));
}

SVMGPU_PUBLIC int svmgpu_prog_atomic(struct svmgpu_prog *p, uint8_t op,
				     unsigned int rd, unsigned int ra,
				     int32_t off, unsigned int rb,
				     unsigned int rc)
{
	bool cmpxchg = op == DRM_SVMGPU_OP_ACMPXCHG32 ||
		       op == DRM_SVMGPU_OP_ACMPXCHG64;

	return prog_emit_checked(p, !op_is_atomic(op) || bad_reg(rd) ||
				    bad_reg(ra) || bad_reg(rb) ||
				    bad_reg(rc) || (rc && !cmpxchg),
				 DRM_SVMGPU_INSN(op, rd, ra, rb, rc, off));
}

SVMGPU_PUBLIC int svmgpu_prog_label(struct svmgpu_prog *p, uint32_t *label)
{
	void *labels;
	int ret;

	ret = prog_check(p, !label);
	if (ret)
		return ret;
	if (p->num_labels == UINT32_MAX - 1)
		return prog_fail(p, -ENOMEM);

	labels = p->labels;
	ret = prog_grow(&labels, &p->labels_capacity, p->num_labels + 1,
			sizeof(uint32_t));
	p->labels = labels;
	if (ret)
		return prog_fail(p, ret);

	p->labels[p->num_labels] = LABEL_UNBOUND;
	*label = p->num_labels++;
	return 0;
}

/* The offset of a branch at @at to @target, in the imm field. */
static uint64_t branch_offset(uint32_t at, uint32_t target)
{
	return (uint64_t)(uint32_t)(int32_t)((int64_t)target - at) << 32;
}

SVMGPU_PUBLIC int svmgpu_prog_bind(struct svmgpu_prog *p, uint32_t label)
{
	uint32_t i, kept = 0;
	int ret;

	ret = prog_check(p, p && (label >= p->num_labels ||
				  p->labels[label] != LABEL_UNBOUND));
	if (ret)
		return ret;

	p->labels[label] = p->count;

	/* Fill in the branches that were waiting for it; keep the others. */
	for (i = 0; i < p->num_fixups; i++) {
		struct prog_fixup f = p->fixups[i];

		if (f.label == label)
			p->insns[f.at] |= htole64(branch_offset(f.at, p->count));
		else
			p->fixups[kept++] = f;
	}
	p->num_fixups = kept;
	return 0;
}

SVMGPU_PUBLIC int svmgpu_prog_branch(struct svmgpu_prog *p, uint8_t op,
				     unsigned int ra, unsigned int rb,
				     uint32_t label)
{
	bool uses_ra = op != DRM_SVMGPU_OP_BR;
	bool uses_rb = uses_ra && op != DRM_SVMGPU_OP_BZ &&
		       op != DRM_SVMGPU_OP_BNZ;
	uint64_t insn = DRM_SVMGPU_INSN(op, 0, ra, rb, 0, 0);
	void *fixups;
	uint32_t at;
	int ret;

	ret = prog_check(p, !op_is_branch(op) || bad_reg(ra) || bad_reg(rb) ||
			    (!uses_ra && ra) || (!uses_rb && rb) ||
			    (p && label >= p->num_labels));
	if (!ret)
		ret = prog_reserve(p, 1);
	if (ret)
		return ret;

	at = p->count;
	if (p->labels[label] != LABEL_UNBOUND) {
		insn |= branch_offset(at, p->labels[label]);
	} else {
		fixups = p->fixups;
		ret = prog_grow(&fixups, &p->fixups_capacity,
				p->num_fixups + 1, sizeof(struct prog_fixup));
		p->fixups = fixups;
		if (ret)
			return prog_fail(p, ret);
		p->fixups[p->num_fixups++] = (struct prog_fixup) {
			.at = at,
			.label = label,
		};
	}
	prog_put(p, insn);
	return 0;
}

SVMGPU_PUBLIC int svmgpu_prog_fence(struct svmgpu_prog *p)
{
	return svmgpu_prog_emit(p, DRM_SVMGPU_INSN(DRM_SVMGPU_OP_FENCE, 0, 0, 0,
						   0, 0));
}

SVMGPU_PUBLIC int svmgpu_prog_exit(struct svmgpu_prog *p)
{
	return svmgpu_prog_emit(p, DRM_SVMGPU_INSN(DRM_SVMGPU_OP_EXIT, 0, 0, 0,
						   0, 0));
}
