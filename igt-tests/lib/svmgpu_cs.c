// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * Command-stream emitter; see svmgpu_cs.h and the uAPI header's
 * "DOC: command stream" for the format.
 */

#include <endian.h>
#include <stdint.h>

#include "igt.h"
#include "svmgpu_cs.h"

/**
 * svmgpu_cs_init() - Start an empty stream.
 * @cs: The stream.
 * @map: CPU address to write the words at, 4-byte aligned.
 * @addr: GPU virtual address of @map.
 * @bytes: Room at @map.
 */
void svmgpu_cs_init(struct svmgpu_cs *cs, void *map, uint64_t addr,
		    size_t bytes)
{
	igt_assert(((uintptr_t)map & 3) == 0);
	igt_assert((addr & 3) == 0);

	cs->map = map;
	cs->addr = addr;
	cs->size = bytes / 4;
	cs->len = 0;
}

/** svmgpu_cs_reset() - Empty @cs, to write a new stream in its place. */
void svmgpu_cs_reset(struct svmgpu_cs *cs)
{
	cs->len = 0;
}

/** svmgpu_cs_dword() - Emit one word as is. */
void svmgpu_cs_dword(struct svmgpu_cs *cs, uint32_t dw)
{
	igt_assert_f(cs->len < cs->size,
		     "command stream at %#llx full (%u words)\n",
		     (unsigned long long)cs->addr, cs->size);
	cs->map[cs->len++] = htole32(dw);
}

/** svmgpu_cs_qword() - Emit a 64-bit operand: low word, then high word. */
void svmgpu_cs_qword(struct svmgpu_cs *cs, uint64_t qw)
{
	svmgpu_cs_dword(cs, (uint32_t)qw);
	svmgpu_cs_dword(cs, (uint32_t)(qw >> 32));
}

/**
 * svmgpu_cs_header() - Emit a header word.
 * @cs: The stream.
 * @opcode: DRM_SVMGPU_CMD_*, or anything (bits 0-7) for a bad stream.
 * @flags: The opcode's flags (bits 8-15).
 * @len: The command's length in words, header included (bits 16-31).
 */
void svmgpu_cs_header(struct svmgpu_cs *cs, uint32_t opcode, uint32_t flags,
		      uint32_t len)
{
	igt_assert(opcode <= 0xff && flags <= 0xff && len <= 0xffff);
	svmgpu_cs_dword(cs, DRM_SVMGPU_CMD_HEADER(opcode, flags, len));
}

/**
 * svmgpu_cs_nop() - NOP with @payload_words words of @payload after it.
 *
 * The engine skips the payload, whatever it contains.
 */
void svmgpu_cs_nop(struct svmgpu_cs *cs, uint32_t payload_words,
		   uint32_t payload)
{
	uint32_t i;

	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_NOP, 0, 1 + payload_words);
	for (i = 0; i < payload_words; i++)
		svmgpu_cs_dword(cs, payload);
}

/** svmgpu_cs_end() - END. */
void svmgpu_cs_end(struct svmgpu_cs *cs)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_END, 0, SVMGPU_CS_LEN_END);
}

/**
 * svmgpu_cs_write_imm() - WRITE_IMM with explicit flags.
 * @cs: The stream.
 * @flags: 0 (32-bit) or DRM_SVMGPU_CMD_WRITE_IMM_64.
 * @addr: Destination.
 * @value: The 64-bit value operand; a 32-bit write uses its low half.
 */
void svmgpu_cs_write_imm(struct svmgpu_cs *cs, uint32_t flags, uint64_t addr,
			 uint64_t value)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_WRITE_IMM, flags,
			 SVMGPU_CS_LEN_WRITE_IMM);
	svmgpu_cs_qword(cs, addr);
	svmgpu_cs_qword(cs, value);
}

/** svmgpu_cs_write32() - WRITE_IMM of a 32-bit value. */
void svmgpu_cs_write32(struct svmgpu_cs *cs, uint64_t addr, uint32_t value)
{
	svmgpu_cs_write_imm(cs, 0, addr, value);
}

/** svmgpu_cs_write64() - WRITE_IMM of a 64-bit value. */
void svmgpu_cs_write64(struct svmgpu_cs *cs, uint64_t addr, uint64_t value)
{
	svmgpu_cs_write_imm(cs, DRM_SVMGPU_CMD_WRITE_IMM_64, addr, value);
}

/** svmgpu_cs_copy() - COPY @size bytes from @src to @dst. */
void svmgpu_cs_copy(struct svmgpu_cs *cs, uint64_t src, uint64_t dst,
		    uint64_t size)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_COPY, 0, SVMGPU_CS_LEN_COPY);
	svmgpu_cs_qword(cs, src);
	svmgpu_cs_qword(cs, dst);
	svmgpu_cs_qword(cs, size);
}

/** svmgpu_cs_fill() - FILL @size bytes at @dst with @pattern. */
void svmgpu_cs_fill(struct svmgpu_cs *cs, uint64_t dst, uint32_t pattern,
		    uint64_t size)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_FILL, 0, SVMGPU_CS_LEN_FILL);
	svmgpu_cs_qword(cs, dst);
	svmgpu_cs_dword(cs, pattern);
	svmgpu_cs_dword(cs, 0);		/* MBZ */
	svmgpu_cs_qword(cs, size);
}

/**
 * svmgpu_cs_atomic() - ATOMIC.
 * @cs: The stream.
 * @flags: DRM_SVMGPU_ATOMIC_<op>, optionally | _64 and | _RETURN.
 * @addr: The naturally aligned value to operate on.
 * @operand: ADD's addend, XCHG's and CMPXCHG's new value.
 * @compare: CMPXCHG's expected value.
 * @result: Where RETURN writes the old value; 0 without RETURN.
 */
void svmgpu_cs_atomic(struct svmgpu_cs *cs, uint32_t flags, uint64_t addr,
		      uint64_t operand, uint64_t compare, uint64_t result)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_ATOMIC, flags,
			 SVMGPU_CS_LEN_ATOMIC);
	svmgpu_cs_qword(cs, addr);
	svmgpu_cs_qword(cs, operand);
	svmgpu_cs_qword(cs, compare);
	svmgpu_cs_qword(cs, result);
}

/**
 * svmgpu_cs_wait_mem() - WAIT_MEM until (*@addr & @mask) OP @value.
 * @cs: The stream.
 * @flags: DRM_SVMGPU_WAIT_<op>, optionally | DRM_SVMGPU_WAIT_64.
 * @addr: The value to poll.
 * @value: What to compare with.
 * @mask: What to mask the polled value with.
 */
void svmgpu_cs_wait_mem(struct svmgpu_cs *cs, uint32_t flags, uint64_t addr,
			uint64_t value, uint64_t mask)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_WAIT_MEM, flags,
			 SVMGPU_CS_LEN_WAIT_MEM);
	svmgpu_cs_qword(cs, addr);
	svmgpu_cs_qword(cs, value);
	svmgpu_cs_qword(cs, mask);
}

/** svmgpu_cs_timestamp() - TIMESTAMP to the 8-byte aligned @addr. */
void svmgpu_cs_timestamp(struct svmgpu_cs *cs, uint64_t addr)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_TIMESTAMP, 0,
			 SVMGPU_CS_LEN_TIMESTAMP);
	svmgpu_cs_qword(cs, addr);
}

/**
 * svmgpu_cs_dispatch() - DISPATCH a compute program (uAPI 1.5).
 * @cs: The stream.
 * @program: GPU address of the program, 8-byte aligned.
 * @length: Its length in instructions.
 * @x: Grid width, at least 1.
 * @y: Grid height, at least 1.
 * @z: Grid depth, at least 1.
 * @arg: What every work item finds in r1.
 *
 * Malformed DISPATCH commands (flags, an MBZ word, another length) are
 * built with svmgpu_cs_header() and svmgpu_cs_dword().
 */
void svmgpu_cs_dispatch(struct svmgpu_cs *cs, uint64_t program,
			uint32_t length, uint32_t x, uint32_t y, uint32_t z,
			uint64_t arg)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_DISPATCH, 0,
			 SVMGPU_CS_LEN_DISPATCH);
	svmgpu_cs_qword(cs, program);
	svmgpu_cs_dword(cs, length);
	svmgpu_cs_dword(cs, x);
	svmgpu_cs_dword(cs, y);
	svmgpu_cs_dword(cs, z);
	svmgpu_cs_qword(cs, arg);
	svmgpu_cs_dword(cs, 0);		/* MBZ */
}
