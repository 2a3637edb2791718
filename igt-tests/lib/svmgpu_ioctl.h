/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_ioctl.h - raw ioctl wrappers for svmgpu's buffer objects, VMs,
 * queues and job submission, in the shape of IGT's lib/xe/xe_ioctl.h.
 *
 * IGT naming: a double-underscore function returns 0 or a negative errno
 * and never fails the test; the plain one asserts success. Feature checks
 * skip.
 */
#ifndef SVMGPU_IOCTL_H
#define SVMGPU_IOCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svmgpu_drm.h"

/* Feature bits this build of the tests knows about. */
#define SVMGPU_KNOWN_FEATURES \
	(DRM_SVMGPU_FEATURE_GEM | DRM_SVMGPU_FEATURE_VM | \
	 DRM_SVMGPU_FEATURE_EXEC | DRM_SVMGPU_FEATURE_GEM_MIGRATE | \
	 DRM_SVMGPU_FEATURE_SVM | DRM_SVMGPU_FEATURE_SVM_MIGRATE | \
	 DRM_SVMGPU_FEATURE_COMPUTE)

/* The first 64 KiB of every VM are never mapped. */
#define SVMGPU_VA_NULL_GUARD	(64ull << 10)

/*
 * The end of the user address space of a 4-level x86-64 page table: where
 * a mirror of the whole of it ends (svmgpu_mirror_range()).
 */
#define SVMGPU_USER_VA_END	(1ull << 47)

/* Limits the uAPI header sets, under shorter names. */
#define SVMGPU_MAX_BIND_OPS	DRM_SVMGPU_VM_BIND_MAX_OPS
#define SVMGPU_MAX_SYNCS	DRM_SVMGPU_MAX_SYNCS
#define SVMGPU_MAX_EXEC_LENGTH	DRM_SVMGPU_EXEC_MAX_LENGTH

/* --- Device info and features --------------------------------------------- */

uint64_t svmgpu_features(int fd);
bool svmgpu_has_features(int fd, uint64_t mask);
void svmgpu_require_features(int fd, uint64_t mask);
uint32_t svmgpu_num_engines(int fd);
uint32_t svmgpu_va_bits(int fd);
uint64_t svmgpu_vram_size(int fd);
uint64_t svmgpu_vram_bo_size(int fd);
uint64_t svmgpu_page_sizes(int fd);

/* --- Buffer objects ------------------------------------------------------- */

int __svmgpu_bo_create(int fd, uint64_t size, uint32_t placements,
		       uint32_t flags, uint32_t *handle);
uint32_t svmgpu_bo_create(int fd, uint64_t size, uint32_t placements,
			  uint32_t flags);
int __svmgpu_bo_mmap_offset(int fd, uint32_t handle, uint64_t *offset);
uint64_t svmgpu_bo_mmap_offset(int fd, uint32_t handle);
void *__svmgpu_bo_mmap(int fd, uint32_t handle, uint64_t size, int prot);
void *svmgpu_bo_mmap(int fd, uint32_t handle, uint64_t size, int prot);
int __svmgpu_gem_close(int fd, uint32_t handle);
void svmgpu_gem_close(int fd, uint32_t handle);

/* --- Placement (DRM_SVMGPU_FEATURE_GEM_MIGRATE) ----------------------------- */

int __svmgpu_bo_migrate(int fd, uint32_t handle, uint32_t placement,
			uint32_t flags);
void svmgpu_bo_migrate(int fd, uint32_t handle, uint32_t placement);
int __svmgpu_bo_info(int fd, uint32_t handle, struct drm_svmgpu_gem_info *info);
void svmgpu_bo_info(int fd, uint32_t handle, struct drm_svmgpu_gem_info *info);
uint32_t svmgpu_bo_placement(int fd, uint32_t handle);

/* --- VMs ------------------------------------------------------------------ */

int __svmgpu_vm_create(int fd, uint32_t flags, uint32_t *vm);
uint32_t svmgpu_vm_create(int fd);
int __svmgpu_vm_destroy(int fd, uint32_t vm);
void svmgpu_vm_destroy(int fd, uint32_t vm);
int __svmgpu_vm_bind(int fd, uint32_t vm,
		     const struct drm_svmgpu_vm_bind_op *ops, uint32_t num_ops,
		     const struct drm_svmgpu_sync *syncs, uint32_t num_syncs);
void svmgpu_vm_bind(int fd, uint32_t vm,
		    const struct drm_svmgpu_vm_bind_op *ops, uint32_t num_ops,
		    const struct drm_svmgpu_sync *syncs, uint32_t num_syncs);
int __svmgpu_vm_map(int fd, uint32_t vm, uint32_t handle, uint64_t bo_offset,
		    uint64_t addr, uint64_t range, uint32_t flags);
void svmgpu_vm_map(int fd, uint32_t vm, uint32_t handle, uint64_t bo_offset,
		   uint64_t addr, uint64_t range, uint32_t flags);
int __svmgpu_vm_unmap(int fd, uint32_t vm, uint64_t addr, uint64_t range);
void svmgpu_vm_unmap(int fd, uint32_t vm, uint64_t addr, uint64_t range);

static inline struct drm_svmgpu_vm_bind_op
svmgpu_op_map(uint32_t handle, uint64_t bo_offset, uint64_t addr,
	      uint64_t range, uint32_t flags)
{
	return (struct drm_svmgpu_vm_bind_op) {
		.op = DRM_SVMGPU_VM_BIND_OP_MAP,
		.flags = flags,
		.handle = handle,
		.bo_offset = bo_offset,
		.addr = addr,
		.range = range,
	};
}

static inline struct drm_svmgpu_vm_bind_op
svmgpu_op_unmap(uint64_t addr, uint64_t range)
{
	return (struct drm_svmgpu_vm_bind_op) {
		.op = DRM_SVMGPU_VM_BIND_OP_UNMAP,
		.addr = addr,
		.range = range,
	};
}

/* --- Queues and jobs ------------------------------------------------------ */

int __svmgpu_queue_create(int fd, uint32_t vm, uint32_t engine,
			  uint32_t priority, uint32_t *queue);
uint32_t svmgpu_queue_create(int fd, uint32_t vm, uint32_t engine);
int __svmgpu_queue_destroy(int fd, uint32_t queue);
void svmgpu_queue_destroy(int fd, uint32_t queue);
int __svmgpu_exec(int fd, uint32_t queue, uint64_t address, uint32_t length,
		  const struct drm_svmgpu_sync *syncs, uint32_t num_syncs);
void svmgpu_exec(int fd, uint32_t queue, uint64_t address, uint32_t length,
		 const struct drm_svmgpu_sync *syncs, uint32_t num_syncs);

/* --- Shared virtual memory (DRM_SVMGPU_FEATURE_SVM, uAPI 1.3) ------------- */

/*
 * A mirror is unmapped like any other mapping, with OP_UNMAP:
 * svmgpu_vm_unmap() drops that part of the mirror and what the GPU
 * faulted in there.
 */

bool svmgpu_has_svm(int fd);
int __svmgpu_vm_create_fault(int fd, uint32_t *vm);
uint32_t svmgpu_vm_create_fault(int fd);
int __svmgpu_vm_mirror(int fd, uint32_t vm, uint64_t addr, uint64_t range);
void svmgpu_vm_mirror(int fd, uint32_t vm, uint64_t addr, uint64_t range);
void svmgpu_mirror_range(int fd, uint64_t *start, uint64_t *end);
void svmgpu_vm_mirror_all(int fd, uint32_t vm);
int __svmgpu_exec_ufence(int fd, uint32_t queue, uint64_t address,
			 uint32_t length, uint64_t ufence_addr,
			 uint64_t ufence_value,
			 const struct drm_svmgpu_sync *syncs,
			 uint32_t num_syncs);
void svmgpu_exec_ufence(int fd, uint32_t queue, uint64_t address,
			uint32_t length, uint64_t ufence_addr,
			uint64_t ufence_value);
int64_t svmgpu_deadline_ns(uint64_t timeout_ns);
int __svmgpu_wait_ufence(int fd, uint64_t addr, uint64_t value, uint64_t mask,
			 uint32_t op, int64_t timeout_ns, uint32_t queue);
void svmgpu_wait_ufence(int fd, uint64_t addr, uint64_t value,
			uint32_t queue, uint64_t timeout_ns);

/* An OP_MAP_MIRROR of [@addr, @addr + @range). */
static inline struct drm_svmgpu_vm_bind_op
svmgpu_op_mirror(uint64_t addr, uint64_t range)
{
	return (struct drm_svmgpu_vm_bind_op) {
		.op = DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR,
		.addr = addr,
		.range = range,
	};
}

/* --- SVM migration (DRM_SVMGPU_FEATURE_SVM_MIGRATE, uAPI 1.4) ----------- */

bool svmgpu_has_svm_migrate(int fd);
int __svmgpu_vm_prefetch(int fd, uint32_t vm, uint64_t addr, uint64_t range,
			 uint32_t flags);
void svmgpu_vm_prefetch(int fd, uint32_t vm, uint64_t addr, uint64_t range,
			uint32_t flags);
int __svmgpu_vm_madvise(int fd, struct drm_svmgpu_vm_madvise *args);
void svmgpu_vm_madvise(int fd, uint32_t vm, uint64_t addr, uint64_t range,
		       uint32_t preferred_loc, uint32_t atomic_mode,
		       uint32_t flags);
int __svmgpu_vm_query_attrs(int fd, struct drm_svmgpu_vm_query_attrs *args);
uint32_t svmgpu_vm_query_attrs(int fd, uint32_t vm, uint64_t addr,
			       uint64_t range, uint32_t flags,
			       struct drm_svmgpu_vm_attr *attrs,
			       uint32_t num_attrs);

/* An OP_PREFETCH of [@addr, @addr + @range), DRM_SVMGPU_VM_BIND_* @flags. */
static inline struct drm_svmgpu_vm_bind_op
svmgpu_op_prefetch(uint64_t addr, uint64_t range, uint32_t flags)
{
	return (struct drm_svmgpu_vm_bind_op) {
		.op = DRM_SVMGPU_VM_BIND_OP_PREFETCH,
		.flags = flags,
		.addr = addr,
		.range = range,
	};
}

/* --- Syncobjs (through libdrm) -------------------------------------------- */

/* A binary syncobj to wait for. */
static inline struct drm_svmgpu_sync svmgpu_sync_in(uint32_t handle)
{
	return (struct drm_svmgpu_sync) { .handle = handle };
}

/* A binary syncobj to signal. */
static inline struct drm_svmgpu_sync svmgpu_sync_out(uint32_t handle)
{
	return (struct drm_svmgpu_sync) {
		.handle = handle,
		.flags = DRM_SVMGPU_SYNC_SIGNAL,
	};
}

/* A timeline point to wait for. */
static inline struct drm_svmgpu_sync
svmgpu_sync_in_point(uint32_t handle, uint64_t point)
{
	return (struct drm_svmgpu_sync) {
		.handle = handle,
		.flags = DRM_SVMGPU_SYNC_TIMELINE,
		.point = point,
	};
}

/* A timeline point to signal. */
static inline struct drm_svmgpu_sync
svmgpu_sync_out_point(uint32_t handle, uint64_t point)
{
	return (struct drm_svmgpu_sync) {
		.handle = handle,
		.flags = DRM_SVMGPU_SYNC_SIGNAL | DRM_SVMGPU_SYNC_TIMELINE,
		.point = point,
	};
}

uint32_t svmgpu_syncobj_create(int fd, uint32_t flags);
void svmgpu_syncobj_destroy(int fd, uint32_t handle);
int svmgpu_syncobj_wait(int fd, uint32_t handle, uint64_t point,
			uint64_t timeout_ns);
bool svmgpu_syncobj_busy(int fd, uint32_t handle, uint64_t point);
int svmgpu_syncobj_status(int fd, uint32_t handle);

#endif /* SVMGPU_IOCTL_H */
