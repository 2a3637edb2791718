/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_FILE_H__
#define __SVMGPU_FILE_H__

#include <linux/xarray.h>

#include <drm/drm_file.h>

struct svmgpu_device;
struct svmgpu_file_stats;

/* VM and queue ids: never 0, which the uAPI keeps for "none". */
#define SVMGPU_ID_LIMIT		XA_LIMIT(1, U32_MAX)

/**
 * struct svmgpu_file - What one DRM file owns.
 *
 * The xarrays' own locks protect the id tables; the objects are
 * refcounted, so a lookup takes a reference under the xarray lock.
 */
struct svmgpu_file {
	/** @sdev: The device. */
	struct svmgpu_device *sdev;

	/** @vms: VM id to &struct svmgpu_vm, holding a user reference. */
	struct xarray vms;

	/** @queues: Queue id to &struct svmgpu_queue. */
	struct xarray queues;

	/** @stats: Usage for fdinfo, referenced; shared with the queues. */
	struct svmgpu_file_stats *stats;
};

static inline struct svmgpu_file *to_svmgpu_file(struct drm_file *file)
{
	return file->driver_priv;
}

#endif /* __SVMGPU_FILE_H__ */
