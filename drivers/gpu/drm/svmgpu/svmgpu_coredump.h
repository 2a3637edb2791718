/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_COREDUMP_H__
#define __SVMGPU_COREDUMP_H__

struct svmgpu_job;

void svmgpu_coredump_capture(struct svmgpu_job *job);

#endif /* __SVMGPU_COREDUMP_H__ */
