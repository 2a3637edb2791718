/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_HW_COMPUTE_H__
#define __SVMGPU_HW_COMPUTE_H__

#include <linux/types.h>

struct svmgpu_hw_cmd_ctx;
struct svmgpu_hw_compute;
struct svmgpu_hw_dispatch;
struct svmgpu_hw_engine;
struct svmgpu_hw_insn;
struct svmgpu_hw_job;
struct svmgpu_hw_tlb;

/* Internal to hw/: an engine's compute threads. */
int svmgpu_hw_compute_init(struct svmgpu_hw_engine *engine,
			   unsigned int num_threads, const char *name);
void svmgpu_hw_compute_fini(struct svmgpu_hw_compute *c);
unsigned int svmgpu_hw_compute_num_tlbs(const struct svmgpu_hw_compute *c);
unsigned int svmgpu_hw_compute_get_tlbs(struct svmgpu_hw_compute *c,
					struct svmgpu_hw_tlb **tlbs);
struct svmgpu_hw_insn *svmgpu_hw_compute_program(struct svmgpu_hw_compute *c);
int svmgpu_hw_compute_dispatch(struct svmgpu_hw_compute *c,
			       struct svmgpu_hw_job *job,
			       const struct svmgpu_hw_dispatch *d,
			       struct svmgpu_hw_cmd_ctx *ctx);

#endif /* __SVMGPU_HW_COMPUTE_H__ */
