/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_HW_REGS_H__
#define __SVMGPU_HW_REGS_H__

#include <linux/bits.h>
#include <linux/sizes.h>

/**
 * DOC: GPU page-table format
 *
 * The GPU MMU translates 48-bit GPU virtual addresses through four levels
 * of tables. Every table is one 4 KiB page of VRAM holding 512 little-endian
 * 64-bit entries; the root's VRAM offset is given with each job.
 *
 * ====== ========== ==========================================
 * level  VA bits    entry
 * ====== ========== ==========================================
 * 3      47-39      points to a level-2 table
 * 2      38-30      points to a level-1 table
 * 1      29-21      points to a level-0 table, or a 2 MiB leaf
 * 0      20-12      a 4 KiB leaf, possibly part of a 64 KiB one
 * ====== ========== ==========================================
 *
 * Entry bits:
 *
 * - %SVMGPU_PTE_VALID: the entry is in use; an access through an invalid
 *   entry faults.
 * - %SVMGPU_PTE_WRITE: leaves only; writes are allowed.
 * - %SVMGPU_PTE_SYSTEM: leaves only; the address is a DMA address of system
 *   memory, otherwise an offset in VRAM.
 * - %SVMGPU_PTE_LEAF: level 1 only; the entry maps 2 MiB.
 * - %SVMGPU_PTE_NO_ATOMIC: leaves only; an atomic access (ATOMIC) through
 *   the leaf faults like a write through a read-only one. Drivers set it
 *   where the memory must move before the GPU may do atomics on it.
 * - %SVMGPU_PTE_64K: level 0 only; the entry is one of 16 aligned entries
 *   that map 64 KiB of contiguous memory with identical bits, and the TLB
 *   may cache all 16 as one translation.
 * - bits 12-51: address of the next table (always in VRAM) or of the
 *   page, aligned to the size it maps.
 */
#define SVMGPU_PTE_VALID	BIT_ULL(0)
#define SVMGPU_PTE_WRITE	BIT_ULL(1)
#define SVMGPU_PTE_SYSTEM	BIT_ULL(2)
#define SVMGPU_PTE_LEAF		BIT_ULL(3)
#define SVMGPU_PTE_64K		BIT_ULL(4)
#define SVMGPU_PTE_NO_ATOMIC	BIT_ULL(5)
#define SVMGPU_PTE_ADDR_MASK	GENMASK_ULL(51, 12)

#define SVMGPU_PT_LEVELS	4
#define SVMGPU_PT_ENTRIES	512
#define SVMGPU_PT_SIZE		SZ_4K

/* Number of address bits a level-@level entry translates. */
#define SVMGPU_PT_SHIFT(level)	(12 + 9 * (level))

/* Index of @va's entry in its level-@level table. */
#define SVMGPU_PT_INDEX(va, level) \
	(((va) >> SVMGPU_PT_SHIFT(level)) & (SVMGPU_PT_ENTRIES - 1))

#endif /* __SVMGPU_HW_REGS_H__ */
