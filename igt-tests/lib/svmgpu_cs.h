/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_cs.h - an emitter for svmgpu command streams.
 *
 * Encodes every command exactly as the uAPI header's "DOC: command stream"
 * describes it: little-endian 32-bit words, a header word (opcode in bits
 * 0-7, flags in bits 8-15, length in words in bits 16-31), 64-bit operands
 * as two words, low word first. The raw emitters (svmgpu_cs_dword(),
 * svmgpu_cs_header()) build malformed streams on purpose.
 *
 * The stream lives in memory the caller provides: normally a CPU mapping
 * of a BO that is also bound in the GPU VM at @addr, so that
 * svmgpu_cs_addr() and svmgpu_cs_bytes() are what DRM_IOCTL_SVMGPU_EXEC
 * takes. Running out of room fails the test.
 */
#ifndef SVMGPU_CS_H
#define SVMGPU_CS_H

#include <stddef.h>
#include <stdint.h>

#include "svmgpu_drm.h"

/* Command lengths in words, header included. */
#define SVMGPU_CS_LEN_END		1
#define SVMGPU_CS_LEN_WRITE_IMM		5
#define SVMGPU_CS_LEN_COPY		7
#define SVMGPU_CS_LEN_FILL		7
#define SVMGPU_CS_LEN_ATOMIC		9
#define SVMGPU_CS_LEN_WAIT_MEM		7
#define SVMGPU_CS_LEN_TIMESTAMP		3
#define SVMGPU_CS_LEN_DISPATCH		10
#define SVMGPU_CS_MAX_LEN		0xffff

struct svmgpu_cs {
	/** @map: CPU address of the first word. */
	uint32_t *map;
	/** @addr: GPU virtual address of the first word. */
	uint64_t addr;
	/** @size: Capacity in words. */
	uint32_t size;
	/** @len: Words emitted so far. */
	uint32_t len;
};

void svmgpu_cs_init(struct svmgpu_cs *cs, void *map, uint64_t addr,
		    size_t bytes);
void svmgpu_cs_reset(struct svmgpu_cs *cs);

/* GPU address of the stream, for EXEC. */
static inline uint64_t svmgpu_cs_addr(const struct svmgpu_cs *cs)
{
	return cs->addr;
}

/* Bytes emitted, for EXEC. */
static inline uint32_t svmgpu_cs_bytes(const struct svmgpu_cs *cs)
{
	return cs->len * 4;
}

/* GPU address of the next word to be emitted. */
static inline uint64_t svmgpu_cs_next_addr(const struct svmgpu_cs *cs)
{
	return cs->addr + cs->len * 4ull;
}

/* Raw words. */
void svmgpu_cs_dword(struct svmgpu_cs *cs, uint32_t dw);
void svmgpu_cs_qword(struct svmgpu_cs *cs, uint64_t qw);
void svmgpu_cs_header(struct svmgpu_cs *cs, uint32_t opcode, uint32_t flags,
		      uint32_t len);

/* Commands. */
void svmgpu_cs_nop(struct svmgpu_cs *cs, uint32_t payload_words,
		   uint32_t payload);
void svmgpu_cs_end(struct svmgpu_cs *cs);
void svmgpu_cs_write_imm(struct svmgpu_cs *cs, uint32_t flags, uint64_t addr,
			 uint64_t value);
void svmgpu_cs_write32(struct svmgpu_cs *cs, uint64_t addr, uint32_t value);
void svmgpu_cs_write64(struct svmgpu_cs *cs, uint64_t addr, uint64_t value);
void svmgpu_cs_copy(struct svmgpu_cs *cs, uint64_t src, uint64_t dst,
		    uint64_t size);
void svmgpu_cs_fill(struct svmgpu_cs *cs, uint64_t dst, uint32_t pattern,
		    uint64_t size);
void svmgpu_cs_atomic(struct svmgpu_cs *cs, uint32_t flags, uint64_t addr,
		      uint64_t operand, uint64_t compare, uint64_t result);
void svmgpu_cs_wait_mem(struct svmgpu_cs *cs, uint32_t flags, uint64_t addr,
			uint64_t value, uint64_t mask);
void svmgpu_cs_timestamp(struct svmgpu_cs *cs, uint64_t addr);
void svmgpu_cs_dispatch(struct svmgpu_cs *cs, uint64_t program,
			uint32_t length, uint32_t x, uint32_t y, uint32_t z,
			uint64_t arg);

#endif /* SVMGPU_CS_H */
