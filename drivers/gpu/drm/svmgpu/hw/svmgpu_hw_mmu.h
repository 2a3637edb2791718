/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_HW_MMU_H__
#define __SVMGPU_HW_MMU_H__

#include <linux/types.h>

#include "svmgpu_hw.h"

struct svmgpu_hw;
struct svmgpu_hw_engine;
struct svmgpu_hw_job;
struct svmgpu_hw_tlb;
struct svmgpu_hw_tlb_entry;

/* Internal to hw/: the engines' view of the MMU. */
int svmgpu_hw_mmu_init(struct svmgpu_hw *hw, const char *name);
void svmgpu_hw_mmu_fini(struct svmgpu_hw *hw);
int svmgpu_hw_mmu_walk(struct svmgpu_hw *hw, u64 root, u64 va,
		       struct svmgpu_hw_tlb_entry *out);
void svmgpu_hw_tlb_init(struct svmgpu_hw_tlb *tlb);
void svmgpu_hw_tlb_fini(struct svmgpu_hw_tlb *tlb);
void *svmgpu_hw_mmu_access(struct svmgpu_hw *hw, struct svmgpu_hw_tlb *tlb,
			   struct svmgpu_hw_job *job, u64 va,
			   enum svmgpu_hw_access access, u64 *len);

/* Internal to hw/: engine threads. */
int svmgpu_hw_engines_init(struct svmgpu_hw *hw, const char *name);
void svmgpu_hw_engines_fini(struct svmgpu_hw *hw);
int svmgpu_hw_engine_stall(struct svmgpu_hw_engine *e,
			   struct svmgpu_hw_job *job, u64 va,
			   enum svmgpu_hw_access access, bool stalls_job);
bool svmgpu_hw_engine_aborted(struct svmgpu_hw_engine *e);

#endif /* __SVMGPU_HW_MMU_H__ */
