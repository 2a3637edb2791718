/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_FDINFO_H__
#define __SVMGPU_FDINFO_H__

#include <linux/atomic.h>
#include <linux/kref.h>

#include "hw/svmgpu_hw.h"
#include "svmgpu_pt.h"

struct drm_file;
struct drm_printer;

/**
 * struct svmgpu_file_stats - Usage of the GPU by one DRM file.
 *
 * Referenced by the file and by each of its queues and VMs, so that jobs
 * that complete, and VMs that go, after the file is closed still have
 * somewhere to count.
 */
struct svmgpu_file_stats {
	/** @refcount: References. */
	struct kref refcount;

	/** @engine_ns: Time the file's jobs ran on each engine. */
	atomic64_t engine_ns[SVMGPU_HW_ENGINES_MAX];

	/** @pt_quota: Page tables of the file's VMs (DOC: page tables). */
	struct svmgpu_pt_quota pt_quota;
};

struct svmgpu_file_stats *svmgpu_file_stats_create(unsigned long pt_max);
void svmgpu_file_stats_put(struct svmgpu_file_stats *stats);

/**
 * svmgpu_file_stats_get() - Take a reference.
 * @stats: The stats.
 *
 * Return: @stats.
 */
static inline struct svmgpu_file_stats *
svmgpu_file_stats_get(struct svmgpu_file_stats *stats)
{
	kref_get(&stats->refcount);
	return stats;
}

/**
 * svmgpu_file_stats_add_busy() - Count a job's time on an engine.
 * @stats: The stats of the job's file.
 * @engine: The engine.
 * @ns: How long the job ran.
 *
 * Lock-free: called from the completion interrupt.
 */
static inline void svmgpu_file_stats_add_busy(struct svmgpu_file_stats *stats,
					      unsigned int engine, u64 ns)
{
	atomic64_add(ns, &stats->engine_ns[engine]);
}

void svmgpu_show_fdinfo(struct drm_printer *p, struct drm_file *file);

#endif /* __SVMGPU_FDINFO_H__ */
