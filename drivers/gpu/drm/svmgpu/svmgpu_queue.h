/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_QUEUE_H__
#define __SVMGPU_QUEUE_H__

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include <drm/gpu_scheduler.h>

#include "svmgpu_coredump.h"

struct drm_device;
struct drm_file;
struct svmgpu_device;
struct svmgpu_file;
struct svmgpu_file_stats;
struct svmgpu_vm;

/**
 * struct svmgpu_queue - A queue of jobs for one engine in one VM.
 *
 * Referenced by its file's id table, by EXEC while it submits, and by
 * each of its jobs.
 */
struct svmgpu_queue {
	/** @refcount: References. */
	struct kref refcount;

	/** @sdev: The device. */
	struct svmgpu_device *sdev;

	/**
	 * @vm: The VM. The queue holds a user reference on it until it is
	 * destroyed, and a reference on its drm_gpuvm until it is freed, so
	 * that whoever holds the queue can dereference @vm.
	 */
	struct svmgpu_vm *vm;

	/** @id: The id its file knows it by. */
	u32 id;

	/** @engine: Index of its engine. */
	u32 engine;

	/** @banned: A job failed: EXEC refuses new jobs. */
	bool banned;

	/** @fault_mode: Its VM is in fault mode. Constant. */
	bool fault_mode;

	/** @status_lock: Protects @error, @fault_address and @fault_access. */
	spinlock_t status_lock;

	/** @error: The error of the first job that failed, or 0. */
	int error;

	/** @fault_address: With -EFAULT, where that job faulted. */
	u64 fault_address;

	/** @fault_access: With -EFAULT, an &enum svmgpu_hw_access. */
	u8 fault_access;

	/** @entity: The scheduler entity. */
	struct drm_sched_entity entity;

	/**
	 * @submit_lock: Serialises arming and pushing jobs to @entity with
	 * the destruction of the queue. Taken inside BO reservations; nothing
	 * waits for a fence or allocates under it.
	 */
	struct mutex submit_lock;

	/**
	 * @killed: The queue is being destroyed, and its entity may be
	 * killed: no job may be armed. Under @submit_lock.
	 */
	bool killed;

	/** @coredump: The dump of its first failed job. */
	struct svmgpu_coredump coredump;

	/** @stats: Its file's usage stats, referenced. */
	struct svmgpu_file_stats *stats;
};

struct svmgpu_hw_job;

void svmgpu_queue_ban(struct svmgpu_queue *queue);
void svmgpu_queue_fail(struct svmgpu_queue *queue,
		       const struct svmgpu_hw_job *job);
void svmgpu_queue_get(struct svmgpu_queue *queue);
void svmgpu_queue_put(struct svmgpu_queue *queue);
struct svmgpu_queue *svmgpu_queue_lookup(struct svmgpu_file *sfile, u32 id);
void svmgpu_queue_file_close(struct svmgpu_file *sfile);

int svmgpu_queue_create_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file);
int svmgpu_queue_destroy_ioctl(struct drm_device *drm, void *data,
			       struct drm_file *file);
int svmgpu_queue_status_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file);

#endif /* __SVMGPU_QUEUE_H__ */
