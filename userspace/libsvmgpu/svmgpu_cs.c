// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * libsvmgpu: the command-stream builder. It encodes the commands of the
 * uAPI's "DOC: command stream" (svmgpu_drm.h) and refuses, with a latched
 * error, what the engine would refuse and the builder can tell in advance.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "svmgpu_priv.h"

/* Length in words of each command, header included, as the uAPI says. */
#define CS_LEN_END		1
#define CS_LEN_WRITE_IMM	5
#define CS_LEN_COPY		7
#define CS_LEN_FILL		7
#define CS_LEN_ATOMIC		9
#define CS_LEN_WAIT_MEM		7
#define CS_LEN_TIMESTAMP	3
#define CS_LEN_DISPATCH		10
/* The header's length field is 16 bits wide. */
#define CS_LEN_MAX		0xffffu

/* The longest stream: what DRM_IOCTL_SVMGPU_EXEC accepts. */
#define CS_MAX_WORDS		(SVMGPU_EXEC_MAX_LENGTH / sizeof(uint32_t))
/* Words allocated at the first emit. */
#define CS_MIN_CAPACITY		256

/* The flags of ATOMIC, above its operation in bits 0-2. */
#define ATOMIC_FLAGS		(DRM_SVMGPU_ATOMIC_64 | DRM_SVMGPU_ATOMIC_RETURN)

SVMGPU_PUBLIC int svmgpu_cs_new(struct svmgpu_cs **out)
{
	if (!out)
		return -EINVAL;

	/* Words are allocated at the first emit. */
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

SVMGPU_PUBLIC void svmgpu_cs_del(struct svmgpu_cs *cs)
{
	if (!cs)
		return;
	free(cs->words);
	free(cs);
}

SVMGPU_PUBLIC void svmgpu_cs_reset(struct svmgpu_cs *cs)
{
	if (!cs)
		return;
	cs->count = 0;
	cs->error = 0;
}

SVMGPU_PUBLIC const uint32_t *svmgpu_cs_words(const struct svmgpu_cs *cs)
{
	return cs ? cs->words : NULL;
}

SVMGPU_PUBLIC size_t svmgpu_cs_size(const struct svmgpu_cs *cs)
{
	return cs ? cs->count * sizeof(uint32_t) : 0;
}

SVMGPU_PUBLIC int svmgpu_cs_error(const struct svmgpu_cs *cs)
{
	return cs ? cs->error : -EINVAL;
}

SVMGPU_PUBLIC int svmgpu_cs_write(const struct svmgpu_cs *cs, void *dst,
				  size_t len)
{
	size_t size;

	if (!cs || !dst)
		return -EINVAL;
	if (cs->error)
		return cs->error;

	size = svmgpu_cs_size(cs);
	if (size > len)
		return -ENOSPC;
	if (size)
		memcpy(dst, cs->words, size);
	return 0;
}

/* Latch @err, the first error since the last reset, and return it. */
static int cs_fail(struct svmgpu_cs *cs, int err)
{
	if (!cs->error)
		cs->error = err;
	return cs->error;
}

/*
 * Make room for a command of @len words and return where it goes, or NULL
 * with the error latched. Nothing is emitted until cs_commit().
 */
static uint32_t *cs_begin(struct svmgpu_cs *cs, size_t len)
{
	size_t capacity;
	uint32_t *words;

	if (cs->error)
		return NULL;
	if (len > CS_MAX_WORDS - cs->count) {
		cs_fail(cs, -E2BIG);
		return NULL;
	}
	if (cs->count + len <= cs->capacity)
		return cs->words + cs->count;

	capacity = cs->capacity ? cs->capacity : CS_MIN_CAPACITY;
	while (capacity < cs->count + len)
		capacity *= 2;
	if (capacity > CS_MAX_WORDS)
		capacity = CS_MAX_WORDS;

	words = realloc(cs->words, capacity * sizeof(*words));
	if (!words) {
		cs_fail(cs, -ENOMEM);
		return NULL;
	}
	cs->words = words;
	cs->capacity = capacity;
	return cs->words + cs->count;
}

/* Emit the @len words that the caller stored after cs_begin(). */
static int cs_commit(struct svmgpu_cs *cs, size_t len)
{
	cs->count += len;
	return 0;
}

static uint32_t cs_header(uint32_t opcode, uint32_t flags, uint32_t len)
{
	return htole32(DRM_SVMGPU_CMD_HEADER(opcode, flags, len));
}

/* Store a 64-bit operand at @w: two words, low word first. */
static void cs_put64(uint32_t *w, uint64_t v)
{
	w[0] = htole32((uint32_t)v);
	w[1] = htole32((uint32_t)(v >> 32));
}

/*
 * Common start of every emitter: a NULL @cs is -EINVAL (there is nowhere to
 * latch it), a latched error is returned as is, and a @bad argument latches
 * -EINVAL. Return 0 if the emitter may go on.
 */
static int cs_check(struct svmgpu_cs *cs, bool bad)
{
	if (!cs)
		return -EINVAL;
	if (cs->error)
		return cs->error;
	if (bad)
		return cs_fail(cs, -EINVAL);
	return 0;
}

SVMGPU_PUBLIC int svmgpu_cs_nop(struct svmgpu_cs *cs, uint32_t extra_words)
{
	uint32_t *w;
	int ret;

	ret = cs_check(cs, extra_words > CS_LEN_MAX - 1);
	if (ret)
		return ret;

	w = cs_begin(cs, 1 + extra_words);
	if (!w)
		return cs->error;
	w[0] = cs_header(DRM_SVMGPU_CMD_NOP, 0, 1 + extra_words);
	memset(&w[1], 0, extra_words * sizeof(*w));
	return cs_commit(cs, 1 + extra_words);
}

SVMGPU_PUBLIC int svmgpu_cs_end(struct svmgpu_cs *cs)
{
	uint32_t *w;
	int ret;

	ret = cs_check(cs, false);
	if (ret)
		return ret;

	w = cs_begin(cs, CS_LEN_END);
	if (!w)
		return cs->error;
	w[0] = cs_header(DRM_SVMGPU_CMD_END, 0, CS_LEN_END);
	return cs_commit(cs, CS_LEN_END);
}

/* WRITE_IMM: header, address, value (the low half only without _64). */
static int cs_write_imm(struct svmgpu_cs *cs, uint32_t flags, uint64_t addr,
			uint64_t value)
{
	uint32_t *w;

	w = cs_begin(cs, CS_LEN_WRITE_IMM);
	if (!w)
		return cs->error;
	w[0] = cs_header(DRM_SVMGPU_CMD_WRITE_IMM, flags, CS_LEN_WRITE_IMM);
	cs_put64(&w[1], addr);
	cs_put64(&w[3], value);
	return cs_commit(cs, CS_LEN_WRITE_IMM);
}

SVMGPU_PUBLIC int svmgpu_cs_write_imm32(struct svmgpu_cs *cs, uint64_t addr,
					uint32_t value)
{
	int ret;

	ret = cs_check(cs, addr % 4);
	if (ret)
		return ret;
	return cs_write_imm(cs, 0, addr, value);
}

SVMGPU_PUBLIC int svmgpu_cs_write_imm64(struct svmgpu_cs *cs, uint64_t addr,
					uint64_t value)
{
	int ret;

	ret = cs_check(cs, addr % 8);
	if (ret)
		return ret;
	return cs_write_imm(cs, DRM_SVMGPU_CMD_WRITE_IMM_64, addr, value);
}

SVMGPU_PUBLIC int svmgpu_cs_copy(struct svmgpu_cs *cs, uint64_t src,
				 uint64_t dst, uint64_t size)
{
	uint32_t *w;
	int ret;

	ret = cs_check(cs, false);
	if (ret)
		return ret;

	w = cs_begin(cs, CS_LEN_COPY);
	if (!w)
		return cs->error;
	w[0] = cs_header(DRM_SVMGPU_CMD_COPY, 0, CS_LEN_COPY);
	cs_put64(&w[1], src);
	cs_put64(&w[3], dst);
	cs_put64(&w[5], size);
	return cs_commit(cs, CS_LEN_COPY);
}

SVMGPU_PUBLIC int svmgpu_cs_fill(struct svmgpu_cs *cs, uint64_t dst,
				 uint32_t pattern, uint64_t size)
{
	uint32_t *w;
	int ret;

	ret = cs_check(cs, dst % 4 || size % 4);
	if (ret)
		return ret;

	w = cs_begin(cs, CS_LEN_FILL);
	if (!w)
		return cs->error;
	w[0] = cs_header(DRM_SVMGPU_CMD_FILL, 0, CS_LEN_FILL);
	cs_put64(&w[1], dst);
	w[3] = htole32(pattern);
	w[4] = 0;	/* MBZ */
	cs_put64(&w[5], size);
	return cs_commit(cs, CS_LEN_FILL);
}

/* Whether the engine would take ATOMIC @op with @flags and these operands. */
static bool atomic_args_ok(uint32_t op, uint32_t flags, uint64_t addr,
			   uint64_t operand, uint64_t compare,
			   uint64_t result_addr)
{
	uint64_t width = flags & DRM_SVMGPU_ATOMIC_64 ? 8 : 4;

	if (op > DRM_SVMGPU_ATOMIC_INC || (flags & ~ATOMIC_FLAGS))
		return false;
	if (addr % width)
		return false;
	if (flags & DRM_SVMGPU_ATOMIC_RETURN) {
		if (result_addr % width)
			return false;
	} else if (result_addr) {
		return false;	/* MBZ without RETURN. */
	}
	/* Unused operands must be zero: keep streams canonical. */
	if (op == DRM_SVMGPU_ATOMIC_INC && operand)
		return false;
	if (op != DRM_SVMGPU_ATOMIC_CMPXCHG && compare)
		return false;
	return true;
}

SVMGPU_PUBLIC int svmgpu_cs_atomic(struct svmgpu_cs *cs, uint32_t op,
				   uint32_t flags, uint64_t addr,
				   uint64_t operand, uint64_t compare,
				   uint64_t result_addr)
{
	uint32_t *w;
	int ret;

	ret = cs_check(cs, !atomic_args_ok(op, flags, addr, operand, compare,
					   result_addr));
	if (ret)
		return ret;

	if (!(flags & DRM_SVMGPU_ATOMIC_64)) {
		operand = (uint32_t)operand;
		compare = (uint32_t)compare;
	}

	w = cs_begin(cs, CS_LEN_ATOMIC);
	if (!w)
		return cs->error;
	w[0] = cs_header(DRM_SVMGPU_CMD_ATOMIC, op | flags, CS_LEN_ATOMIC);
	cs_put64(&w[1], addr);
	cs_put64(&w[3], operand);
	cs_put64(&w[5], compare);
	cs_put64(&w[7], result_addr);
	return cs_commit(cs, CS_LEN_ATOMIC);
}

SVMGPU_PUBLIC int svmgpu_cs_wait_mem(struct svmgpu_cs *cs, uint32_t cmp,
				     uint32_t flags, uint64_t addr,
				     uint64_t value, uint64_t mask)
{
	bool wide = flags & DRM_SVMGPU_WAIT_64;
	bool bad = cmp > DRM_SVMGPU_WAIT_LTE ||
		   (flags & ~DRM_SVMGPU_WAIT_64) || addr % (wide ? 8 : 4);
	uint32_t *w;
	int ret;

	ret = cs_check(cs, bad);
	if (ret)
		return ret;

	if (!wide) {
		value = (uint32_t)value;
		mask = (uint32_t)mask;
	}

	w = cs_begin(cs, CS_LEN_WAIT_MEM);
	if (!w)
		return cs->error;
	w[0] = cs_header(DRM_SVMGPU_CMD_WAIT_MEM, cmp | flags, CS_LEN_WAIT_MEM);
	cs_put64(&w[1], addr);
	cs_put64(&w[3], value);
	cs_put64(&w[5], mask);
	return cs_commit(cs, CS_LEN_WAIT_MEM);
}

SVMGPU_PUBLIC int svmgpu_cs_timestamp(struct svmgpu_cs *cs, uint64_t addr)
{
	uint32_t *w;
	int ret;

	ret = cs_check(cs, addr % 8);
	if (ret)
		return ret;

	w = cs_begin(cs, CS_LEN_TIMESTAMP);
	if (!w)
		return cs->error;
	w[0] = cs_header(DRM_SVMGPU_CMD_TIMESTAMP, 0, CS_LEN_TIMESTAMP);
	cs_put64(&w[1], addr);
	return cs_commit(cs, CS_LEN_TIMESTAMP);
}

SVMGPU_PUBLIC int svmgpu_cs_dispatch(struct svmgpu_cs *cs, uint64_t prog_addr,
				     uint32_t num_insns, uint32_t x,
				     uint32_t y, uint32_t z, uint64_t arg)
{
	uint64_t items;
	uint32_t *w;
	int ret;

	ret = cs_check(cs, prog_addr % 8 || !num_insns ||
			   num_insns > DRM_SVMGPU_PROGRAM_MAX_INSNS ||
			   !x || !y || !z ||
			   __builtin_mul_overflow((uint64_t)x * y, z, &items));
	if (ret)
		return ret;

	w = cs_begin(cs, CS_LEN_DISPATCH);
	if (!w)
		return cs->error;
	w[0] = cs_header(DRM_SVMGPU_CMD_DISPATCH, 0, CS_LEN_DISPATCH);
	cs_put64(&w[1], prog_addr);
	w[3] = htole32(num_insns);
	w[4] = htole32(x);
	w[5] = htole32(y);
	w[6] = htole32(z);
	cs_put64(&w[7], arg);
	w[9] = 0;	/* MBZ */
	return cs_commit(cs, CS_LEN_DISPATCH);
}
