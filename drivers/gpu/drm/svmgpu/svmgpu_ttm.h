/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_TTM_H__
#define __SVMGPU_TTM_H__

#include <linux/types.h>

struct svmgpu_device;
struct svmgpu_pt_pool_ops;

extern const struct svmgpu_pt_pool_ops svmgpu_ttm_pt_pool_ops;

int svmgpu_ttm_init(struct svmgpu_device *sdev);
u64 svmgpu_ttm_size(struct svmgpu_device *sdev, u32 mem_type);

#endif /* __SVMGPU_TTM_H__ */
