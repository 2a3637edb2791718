/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * libsvmgpu internals, shared by the library's source files. Nothing here is
 * part of the ABI.
 */
#ifndef SVMGPU_PRIV_H
#define SVMGPU_PRIV_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xf86drm.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"

/* Everything is hidden (-fvisibility=hidden) unless marked with this. */
#define SVMGPU_PUBLIC __attribute__((visibility("default")))

/*
 * The longest command buffer DRM_IOCTL_SVMGPU_EXEC accepts, from the text of
 * &struct drm_svmgpu_exec ("a @length of 0 or above 1 MiB" is -EINVAL). The
 * uAPI has no macro for it.
 */
#define SVMGPU_EXEC_MAX_LENGTH (1u << 20)

/*
 * The lowest GPU virtual address that can be mapped: the first 64 KiB of
 * every VM are never mapped ("DOC: GPU virtual memory").
 */
#define SVMGPU_VA_START 0x10000ull

/*
 * Every object below is reference counted with an atomic counter: _ref is a
 * relaxed increment, _del an acq_rel decrement whose last caller tears the
 * object down, so that it sees every other owner's writes.
 */

struct svmgpu_device {
	/* References; the last svmgpu_device_del() frees the device. */
	atomic_uint refcount;

	/* Our own DRM fd, closed with the device. */
	int fd;

	/* Read once at creation; immutable afterwards. */
	struct svmgpu_device_info info;

	/*
	 * &drm_svmgpu_query_device_info.vram_bo_size (uAPI 1.2; 0 before),
	 * kept apart from @info, whose size is ABI. Immutable.
	 */
	uint64_t vram_bo_size;

	/*
	 * &drm_svmgpu_query_device_info.compute_threads (uAPI 1.5; 0
	 * before), kept apart from @info for the same reason. Immutable.
	 */
	uint32_t compute_threads;
};

struct svmgpu_bo {
	/* References; the last svmgpu_bo_del() closes the handle. */
	atomic_uint refcount;

	/* The device whose DRM file owns @handle; we hold a reference. */
	struct svmgpu_device *dev;

	/* GEM handle and size; immutable. */
	uint32_t handle;
	uint64_t size;

	/*
	 * Serialises the first svmgpu_bo_map() calls, so that concurrent
	 * callers create one mapping, and protects @map.
	 */
	pthread_mutex_t map_lock;

	/* CPU mapping of the whole BO, or NULL until the first map. */
	void *map;
};

struct svmgpu_vm {
	/* References; the last svmgpu_vm_del() destroys the VM. */
	atomic_uint refcount;

	/* The device whose DRM file owns @id; we hold a reference. */
	struct svmgpu_device *dev;

	/* Kernel VM id, never 0; immutable. */
	uint32_t id;

	/* The DRM_SVMGPU_VM_CREATE_* flags it was created with; immutable. */
	uint32_t flags;
};

struct svmgpu_queue {
	/* References; the last svmgpu_queue_del() destroys the queue. */
	atomic_uint refcount;

	/* The VM the queue runs in; we hold a reference. */
	struct svmgpu_vm *vm;

	/* Kernel queue id, never 0; immutable. */
	uint32_t id;
};

struct svmgpu_cs {
	/* The command words, little-endian, as the engine reads them. */
	uint32_t *words;

	/* Words used and words allocated at @words. */
	size_t count;
	size_t capacity;

	/* First error of an emit since the last reset, or 0. */
	int error;
};

/*
 * The end of @dev's GPU virtual address space, 1 << va_bits, or 0 if the
 * kernel reported a width this library cannot use: none above the first
 * 64 KiB, or one whose end a uint64_t cannot hold.
 */
static inline uint64_t svmgpu_va_end(const struct svmgpu_device *dev)
{
	uint32_t bits = dev->info.va_bits;

	return bits > 16 && bits < 64 ? 1ull << bits : 0;
}

/* drmIoctl(), which restarts on EINTR and EAGAIN, as 0 or -errno. */
static inline int svmgpu_ioctl(int fd, unsigned long request, void *arg)
{
	return drmIoctl(fd, request, arg) ? -errno : 0;
}

/* Take a reference on an object's atomic counter. */
static inline void svmgpu_refcount_get(atomic_uint *refcount)
{
	atomic_fetch_add_explicit(refcount, 1, memory_order_relaxed);
}

/* Drop a reference; true if it was the last one. */
static inline bool svmgpu_refcount_put(atomic_uint *refcount)
{
	return atomic_fetch_sub_explicit(refcount, 1,
					 memory_order_acq_rel) == 1;
}

#endif /* SVMGPU_PRIV_H */
