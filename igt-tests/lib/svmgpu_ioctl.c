// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * Raw ioctl wrappers for svmgpu: device features, buffer objects, VMs,
 * queues, job submission, and syncobjs through libdrm. Tests never link
 * libsvmgpu; these talk to the kernel directly, as IGT's lib/xe does.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "igt.h"
#include "svmgpu_ioctl.h"

/* --- Device info and features --------------------------------------------- */

static const struct {
	uint64_t bit;
	const char *name;
} feature_names[] = {
	{ DRM_SVMGPU_FEATURE_GEM, "GEM" },
	{ DRM_SVMGPU_FEATURE_VM, "VM" },
	{ DRM_SVMGPU_FEATURE_EXEC, "EXEC" },
	{ DRM_SVMGPU_FEATURE_GEM_MIGRATE, "GEM_MIGRATE" },
	{ DRM_SVMGPU_FEATURE_SVM, "SVM" },
};

/**
 * svmgpu_features() - The device's feature bits.
 * @fd: svmgpu file descriptor.
 *
 * Return: &drm_svmgpu_query_device_info.features.
 */
uint64_t svmgpu_features(int fd)
{
	struct drm_svmgpu_query_device_info info;

	svmgpu_query_device_info(fd, &info);

	return info.features;
}

/**
 * svmgpu_has_features() - Whether the driver implements every feature.
 * @fd: svmgpu file descriptor.
 * @mask: DRM_SVMGPU_FEATURE_* bits.
 *
 * Return: true if every bit of @mask is set in the device's features.
 */
bool svmgpu_has_features(int fd, uint64_t mask)
{
	return (svmgpu_features(fd) & mask) == mask;
}

/**
 * svmgpu_require_features() - Skip unless the driver implements @mask.
 * @fd: svmgpu file descriptor.
 * @mask: DRM_SVMGPU_FEATURE_* bits.
 *
 * The kernel reports a feature bit only once it implements the feature,
 * so tests of a feature skip, rather than fail, on a kernel without it.
 */
void svmgpu_require_features(int fd, uint64_t mask)
{
	uint64_t missing = mask & ~svmgpu_features(fd);
	char names[64] = "";
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(feature_names); i++)
		if (missing & feature_names[i].bit)
			snprintf(names + strlen(names),
				 sizeof(names) - strlen(names), " %s",
				 feature_names[i].name);

	igt_require_f(!missing, "svmgpu lacks feature(s)%s (%#llx)\n", names,
		      (unsigned long long)missing);
}

/** svmgpu_num_engines() - &drm_svmgpu_query_device_info.num_engines. */
uint32_t svmgpu_num_engines(int fd)
{
	struct drm_svmgpu_query_device_info info;

	svmgpu_query_device_info(fd, &info);

	return info.num_engines;
}

/** svmgpu_va_bits() - &drm_svmgpu_query_device_info.va_bits. */
uint32_t svmgpu_va_bits(int fd)
{
	struct drm_svmgpu_query_device_info info;

	svmgpu_query_device_info(fd, &info);

	return info.va_bits;
}

/** svmgpu_vram_size() - &drm_svmgpu_query_device_info.vram_size. */
uint64_t svmgpu_vram_size(int fd)
{
	struct drm_svmgpu_query_device_info info;

	svmgpu_query_device_info(fd, &info);

	return info.vram_size;
}

/** svmgpu_vram_bo_size() - &drm_svmgpu_query_device_info.vram_bo_size. */
uint64_t svmgpu_vram_bo_size(int fd)
{
	struct drm_svmgpu_query_device_info info;

	svmgpu_query_device_info(fd, &info);

	return info.vram_bo_size;
}

/** svmgpu_page_sizes() - &drm_svmgpu_query_device_info.page_sizes. */
uint64_t svmgpu_page_sizes(int fd)
{
	struct drm_svmgpu_query_device_info info;

	svmgpu_query_device_info(fd, &info);

	return info.page_sizes;
}

/* --- Buffer objects ------------------------------------------------------- */

/**
 * __svmgpu_bo_create() - DRM_IOCTL_SVMGPU_GEM_CREATE.
 * @fd: svmgpu file descriptor.
 * @size: Size in bytes.
 * @placements: DRM_SVMGPU_GEM_PLACEMENT_* mask.
 * @flags: DRM_SVMGPU_GEM_CREATE_* mask.
 * @handle: The new handle, on success.
 *
 * Return: 0 or a negative errno.
 */
int __svmgpu_bo_create(int fd, uint64_t size, uint32_t placements,
		       uint32_t flags, uint32_t *handle)
{
	struct drm_svmgpu_gem_create create = {
		.size = size,
		.placements = placements,
		.flags = flags,
	};
	int ret;

	ret = __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_CREATE, &create);
	if (!ret)
		*handle = create.handle;

	return ret;
}

/** svmgpu_bo_create() - __svmgpu_bo_create(), asserting success. */
uint32_t svmgpu_bo_create(int fd, uint64_t size, uint32_t placements,
			  uint32_t flags)
{
	uint32_t handle = 0;

	igt_assert_eq(__svmgpu_bo_create(fd, size, placements, flags,
					 &handle), 0);
	igt_assert_neq_u32(handle, 0);

	return handle;
}

/** __svmgpu_bo_mmap_offset() - DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET. */
int __svmgpu_bo_mmap_offset(int fd, uint32_t handle, uint64_t *offset)
{
	struct drm_svmgpu_gem_mmap_offset arg = { .handle = handle };
	int ret;

	ret = __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET, &arg);
	if (!ret)
		*offset = arg.offset;

	return ret;
}

/** svmgpu_bo_mmap_offset() - The fake offset to mmap @handle, or fail. */
uint64_t svmgpu_bo_mmap_offset(int fd, uint32_t handle)
{
	uint64_t offset = 0;

	igt_assert_eq(__svmgpu_bo_mmap_offset(fd, handle, &offset), 0);

	return offset;
}

/** __svmgpu_bo_migrate() - DRM_IOCTL_SVMGPU_GEM_MIGRATE. */
int __svmgpu_bo_migrate(int fd, uint32_t handle, uint32_t placement,
			uint32_t flags)
{
	struct drm_svmgpu_gem_migrate arg = {
		.handle = handle,
		.placement = placement,
		.flags = flags,
	};

	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_MIGRATE, &arg);
}

/** svmgpu_bo_migrate() - __svmgpu_bo_migrate(), asserting success. */
void svmgpu_bo_migrate(int fd, uint32_t handle, uint32_t placement)
{
	igt_assert_eq(__svmgpu_bo_migrate(fd, handle, placement, 0), 0);
}

/** __svmgpu_bo_info() - DRM_IOCTL_SVMGPU_GEM_INFO into @info. */
int __svmgpu_bo_info(int fd, uint32_t handle, struct drm_svmgpu_gem_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;

	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_INFO, info);
}

/** svmgpu_bo_info() - __svmgpu_bo_info(), asserting success. */
void svmgpu_bo_info(int fd, uint32_t handle, struct drm_svmgpu_gem_info *info)
{
	igt_assert_eq(__svmgpu_bo_info(fd, handle, info), 0);
}

/** svmgpu_bo_placement() - Where @handle is now: one placement bit. */
uint32_t svmgpu_bo_placement(int fd, uint32_t handle)
{
	struct drm_svmgpu_gem_info info;

	svmgpu_bo_info(fd, handle, &info);

	return info.placement;
}

/**
 * __svmgpu_bo_mmap() - Map a whole BO into the CPU's address space.
 * @fd: svmgpu file descriptor.
 * @handle: The BO.
 * @size: Its size.
 * @prot: PROT_* for mmap().
 *
 * Return: The mapping (MAP_SHARED), or NULL if either step failed.
 */
void *__svmgpu_bo_mmap(int fd, uint32_t handle, uint64_t size, int prot)
{
	uint64_t offset;
	void *ptr;

	if (__svmgpu_bo_mmap_offset(fd, handle, &offset))
		return NULL;

	ptr = mmap(NULL, size, prot, MAP_SHARED, fd, offset);

	return ptr == MAP_FAILED ? NULL : ptr;
}

/** svmgpu_bo_mmap() - __svmgpu_bo_mmap(), asserting success. */
void *svmgpu_bo_mmap(int fd, uint32_t handle, uint64_t size, int prot)
{
	uint64_t offset = svmgpu_bo_mmap_offset(fd, handle);
	void *ptr;

	ptr = mmap(NULL, size, prot, MAP_SHARED, fd, offset);
	igt_assert_f(ptr != MAP_FAILED, "mmap of BO %u (%llu bytes): %s\n",
		     handle, (unsigned long long)size, strerror(errno));

	return ptr;
}

/** __svmgpu_gem_close() - DRM_IOCTL_GEM_CLOSE. */
int __svmgpu_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close close_bo = { .handle = handle };

	return __svmgpu_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &close_bo);
}

/** svmgpu_gem_close() - __svmgpu_gem_close(), asserting success. */
void svmgpu_gem_close(int fd, uint32_t handle)
{
	igt_assert_eq(__svmgpu_gem_close(fd, handle), 0);
}

/* --- VMs ------------------------------------------------------------------ */

/** __svmgpu_vm_create() - DRM_IOCTL_SVMGPU_VM_CREATE. */
int __svmgpu_vm_create(int fd, uint32_t flags, uint32_t *vm)
{
	struct drm_svmgpu_vm_create create = { .flags = flags };
	int ret;

	ret = __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_CREATE, &create);
	if (!ret)
		*vm = create.vm_id;

	return ret;
}

/** svmgpu_vm_create() - Create a VM, asserting success and a non-zero id. */
uint32_t svmgpu_vm_create(int fd)
{
	uint32_t vm = 0;

	igt_assert_eq(__svmgpu_vm_create(fd, 0, &vm), 0);
	igt_assert_neq_u32(vm, 0);

	return vm;
}

/** __svmgpu_vm_destroy() - DRM_IOCTL_SVMGPU_VM_DESTROY. */
int __svmgpu_vm_destroy(int fd, uint32_t vm)
{
	struct drm_svmgpu_vm_destroy destroy = { .vm_id = vm };

	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_DESTROY, &destroy);
}

/** svmgpu_vm_destroy() - __svmgpu_vm_destroy(), asserting success. */
void svmgpu_vm_destroy(int fd, uint32_t vm)
{
	igt_assert_eq(__svmgpu_vm_destroy(fd, vm), 0);
}

/**
 * __svmgpu_vm_bind() - DRM_IOCTL_SVMGPU_VM_BIND.
 * @fd: svmgpu file descriptor.
 * @vm: The VM.
 * @ops: The operations.
 * @num_ops: How many.
 * @syncs: Syncs to wait for and to signal, or NULL.
 * @num_syncs: How many.
 *
 * Return: 0 or a negative errno.
 */
int __svmgpu_vm_bind(int fd, uint32_t vm,
		     const struct drm_svmgpu_vm_bind_op *ops, uint32_t num_ops,
		     const struct drm_svmgpu_sync *syncs, uint32_t num_syncs)
{
	struct drm_svmgpu_vm_bind bind = {
		.vm_id = vm,
		.num_ops = num_ops,
		.ops = to_user_pointer(ops),
		.num_syncs = num_syncs,
		.syncs = to_user_pointer(syncs),
	};

	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_BIND, &bind);
}

/** svmgpu_vm_bind() - __svmgpu_vm_bind(), asserting success. */
void svmgpu_vm_bind(int fd, uint32_t vm,
		    const struct drm_svmgpu_vm_bind_op *ops, uint32_t num_ops,
		    const struct drm_svmgpu_sync *syncs, uint32_t num_syncs)
{
	igt_assert_eq(__svmgpu_vm_bind(fd, vm, ops, num_ops, syncs,
				       num_syncs), 0);
}

/** __svmgpu_vm_map() - One OP_MAP, no syncs. */
int __svmgpu_vm_map(int fd, uint32_t vm, uint32_t handle, uint64_t bo_offset,
		    uint64_t addr, uint64_t range, uint32_t flags)
{
	struct drm_svmgpu_vm_bind_op op =
		svmgpu_op_map(handle, bo_offset, addr, range, flags);

	return __svmgpu_vm_bind(fd, vm, &op, 1, NULL, 0);
}

/** svmgpu_vm_map() - __svmgpu_vm_map(), asserting success. */
void svmgpu_vm_map(int fd, uint32_t vm, uint32_t handle, uint64_t bo_offset,
		   uint64_t addr, uint64_t range, uint32_t flags)
{
	igt_assert_eq(__svmgpu_vm_map(fd, vm, handle, bo_offset, addr, range,
				      flags), 0);
}

/** __svmgpu_vm_unmap() - One OP_UNMAP, no syncs. */
int __svmgpu_vm_unmap(int fd, uint32_t vm, uint64_t addr, uint64_t range)
{
	struct drm_svmgpu_vm_bind_op op = svmgpu_op_unmap(addr, range);

	return __svmgpu_vm_bind(fd, vm, &op, 1, NULL, 0);
}

/** svmgpu_vm_unmap() - __svmgpu_vm_unmap(), asserting success. */
void svmgpu_vm_unmap(int fd, uint32_t vm, uint64_t addr, uint64_t range)
{
	igt_assert_eq(__svmgpu_vm_unmap(fd, vm, addr, range), 0);
}

/* --- Queues and jobs ------------------------------------------------------ */

/** __svmgpu_queue_create() - DRM_IOCTL_SVMGPU_QUEUE_CREATE. */
int __svmgpu_queue_create(int fd, uint32_t vm, uint32_t engine,
			  uint32_t priority, uint32_t *queue)
{
	struct drm_svmgpu_queue_create create = {
		.vm_id = vm,
		.engine = engine,
		.priority = priority,
	};
	int ret;

	ret = __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_QUEUE_CREATE, &create);
	if (!ret)
		*queue = create.queue_id;

	return ret;
}

/**
 * svmgpu_queue_create() - A normal-priority queue on @engine in @vm.
 *
 * Return: The queue id, asserted non-zero.
 */
uint32_t svmgpu_queue_create(int fd, uint32_t vm, uint32_t engine)
{
	uint32_t queue = 0;

	igt_assert_eq(__svmgpu_queue_create(fd, vm, engine,
					    DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
					    &queue), 0);
	igt_assert_neq_u32(queue, 0);

	return queue;
}

/** __svmgpu_queue_destroy() - DRM_IOCTL_SVMGPU_QUEUE_DESTROY. */
int __svmgpu_queue_destroy(int fd, uint32_t queue)
{
	struct drm_svmgpu_queue_destroy destroy = { .queue_id = queue };

	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_QUEUE_DESTROY, &destroy);
}

/** svmgpu_queue_destroy() - __svmgpu_queue_destroy(), asserting success. */
void svmgpu_queue_destroy(int fd, uint32_t queue)
{
	igt_assert_eq(__svmgpu_queue_destroy(fd, queue), 0);
}

/**
 * __svmgpu_exec() - DRM_IOCTL_SVMGPU_EXEC.
 * @fd: svmgpu file descriptor.
 * @queue: The queue.
 * @address: GPU virtual address of the command buffer.
 * @length: Its length in bytes.
 * @syncs: Syncs to wait for and to signal, or NULL.
 * @num_syncs: How many.
 *
 * Return: 0 or a negative errno (-ECANCELED on a banned queue).
 */
int __svmgpu_exec(int fd, uint32_t queue, uint64_t address, uint32_t length,
		  const struct drm_svmgpu_sync *syncs, uint32_t num_syncs)
{
	struct drm_svmgpu_exec exec = {
		.queue_id = queue,
		.num_syncs = num_syncs,
		.syncs = to_user_pointer(syncs),
		.address = address,
		.length = length,
	};

	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_EXEC, &exec);
}

/** svmgpu_exec() - __svmgpu_exec(), asserting success. */
void svmgpu_exec(int fd, uint32_t queue, uint64_t address, uint32_t length,
		 const struct drm_svmgpu_sync *syncs, uint32_t num_syncs)
{
	igt_assert_eq(__svmgpu_exec(fd, queue, address, length, syncs,
				    num_syncs), 0);
}

/* --- Shared virtual memory ----------------------------------------------- */

/**
 * svmgpu_has_svm() - Whether the driver implements shared virtual memory.
 * @fd: svmgpu file descriptor.
 *
 * Return: true if the device reports DRM_SVMGPU_FEATURE_SVM: fault-mode
 * VMs, OP_MAP_MIRROR, EXEC user fences and WAIT_USER_FENCE.
 */
bool svmgpu_has_svm(int fd)
{
	return svmgpu_has_features(fd, DRM_SVMGPU_FEATURE_VM |
				   DRM_SVMGPU_FEATURE_EXEC |
				   DRM_SVMGPU_FEATURE_SVM);
}

/** __svmgpu_vm_create_fault() - VM_CREATE of a fault-mode VM. */
int __svmgpu_vm_create_fault(int fd, uint32_t *vm)
{
	return __svmgpu_vm_create(fd, DRM_SVMGPU_VM_CREATE_FAULT_MODE, vm);
}

/**
 * svmgpu_vm_create_fault() - Create a fault-mode VM, asserting success.
 *
 * The VM belongs to the calling process's address space. It mirrors
 * nothing yet: see svmgpu_vm_mirror().
 *
 * Return: The VM's id, asserted non-zero.
 */
uint32_t svmgpu_vm_create_fault(int fd)
{
	uint32_t vm = 0;

	igt_assert_eq(__svmgpu_vm_create_fault(fd, &vm), 0);
	igt_assert_neq_u32(vm, 0);

	return vm;
}

/** __svmgpu_vm_mirror() - One OP_MAP_MIRROR, no syncs. */
int __svmgpu_vm_mirror(int fd, uint32_t vm, uint64_t addr, uint64_t range)
{
	struct drm_svmgpu_vm_bind_op op = svmgpu_op_mirror(addr, range);

	return __svmgpu_vm_bind(fd, vm, &op, 1, NULL, 0);
}

/** svmgpu_vm_mirror() - __svmgpu_vm_mirror(), asserting success. */
void svmgpu_vm_mirror(int fd, uint32_t vm, uint64_t addr, uint64_t range)
{
	igt_assert_eq(__svmgpu_vm_mirror(fd, vm, addr, range), 0);
}

/**
 * svmgpu_mirror_range() - What a mirror of the whole user space covers.
 * @fd: svmgpu file descriptor.
 * @start: Set to the first address above the VM's null guard (64 KiB).
 * @end: Set to the end of the user address space (SVMGPU_USER_VA_END), or
 *	 of the GPU's, if that is smaller.
 */
void svmgpu_mirror_range(int fd, uint64_t *start, uint64_t *end)
{
	uint32_t va_bits = svmgpu_va_bits(fd);

	*start = SVMGPU_VA_NULL_GUARD;
	*end = SVMGPU_USER_VA_END;
	if (va_bits < 64 && (1ull << va_bits) < *end)
		*end = 1ull << va_bits;
}

/**
 * svmgpu_vm_mirror_all() - Mirror every CPU address the GPU can reach.
 * @fd: svmgpu file descriptor.
 * @vm: A fault-mode VM with no mapping yet.
 *
 * One OP_MAP_MIRROR of svmgpu_mirror_range(): every pointer of the
 * process is then a GPU address in @vm.
 */
void svmgpu_vm_mirror_all(int fd, uint32_t vm)
{
	uint64_t start, end;

	svmgpu_mirror_range(fd, &start, &end);
	svmgpu_vm_mirror(fd, vm, start, end - start);
}

/**
 * __svmgpu_exec_ufence() - DRM_IOCTL_SVMGPU_EXEC with a user fence.
 * @fd: svmgpu file descriptor.
 * @queue: The queue.
 * @address: GPU virtual address of the command buffer.
 * @length: Its length in bytes.
 * @ufence_addr: Where the GPU writes @ufence_value when the job is done:
 *		 8-byte aligned; in a mirror, a CPU address.
 * @ufence_value: The 64-bit value.
 * @syncs: Syncs to wait for (a fault-mode queue signals none), or NULL.
 * @num_syncs: How many.
 *
 * Return: 0 or a negative errno (-ECANCELED on a banned queue).
 */
int __svmgpu_exec_ufence(int fd, uint32_t queue, uint64_t address,
			 uint32_t length, uint64_t ufence_addr,
			 uint64_t ufence_value,
			 const struct drm_svmgpu_sync *syncs,
			 uint32_t num_syncs)
{
	struct drm_svmgpu_exec exec = {
		.queue_id = queue,
		.num_syncs = num_syncs,
		.syncs = to_user_pointer(syncs),
		.address = address,
		.length = length,
		.flags = DRM_SVMGPU_EXEC_USER_FENCE,
		.ufence_addr = ufence_addr,
		.ufence_value = ufence_value,
	};

	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_EXEC, &exec);
}

/** svmgpu_exec_ufence() - __svmgpu_exec_ufence() without syncs, asserting. */
void svmgpu_exec_ufence(int fd, uint32_t queue, uint64_t address,
			uint32_t length, uint64_t ufence_addr,
			uint64_t ufence_value)
{
	igt_assert_eq(__svmgpu_exec_ufence(fd, queue, address, length,
					   ufence_addr, ufence_value, NULL, 0),
		      0);
}

/**
 * svmgpu_deadline_ns() - An absolute CLOCK_MONOTONIC time @timeout_ns away.
 * @timeout_ns: From now, in nanoseconds.
 *
 * Return: The deadline, as WAIT_USER_FENCE's timeout_ns takes it,
 * saturated at INT64_MAX.
 */
int64_t svmgpu_deadline_ns(uint64_t timeout_ns)
{
	struct timespec now;
	uint64_t abs;

	clock_gettime(CLOCK_MONOTONIC, &now);
	abs = now.tv_sec * 1000000000ull + now.tv_nsec;
	if (timeout_ns > INT64_MAX - abs)
		return INT64_MAX;

	return abs + timeout_ns;
}

/**
 * __svmgpu_wait_ufence() - DRM_IOCTL_SVMGPU_WAIT_USER_FENCE.
 * @fd: svmgpu file descriptor.
 * @addr: CPU address of the 64-bit value, 8-byte aligned.
 * @value: What to compare with.
 * @mask: Bits compared.
 * @op: DRM_SVMGPU_WAIT_EQ to DRM_SVMGPU_WAIT_LTE.
 * @timeout_ns: Absolute CLOCK_MONOTONIC deadline (svmgpu_deadline_ns()).
 * @queue: A queue whose ban ends the wait with -ECANCELED, or 0.
 *
 * Waits until (*@addr & @mask) @op (@value & @mask). drmIoctl() restarts
 * it after a signal with the same absolute deadline.
 *
 * Return: 0 once the condition holds, -ETIME at the deadline, -ECANCELED
 * if @queue is banned, or another negative errno.
 */
int __svmgpu_wait_ufence(int fd, uint64_t addr, uint64_t value, uint64_t mask,
			 uint32_t op, int64_t timeout_ns, uint32_t queue)
{
	struct drm_svmgpu_wait_user_fence wait = {
		.addr = addr,
		.value = value,
		.mask = mask,
		.timeout_ns = timeout_ns,
		.op = op,
		.queue_id = queue,
	};

	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_WAIT_USER_FENCE, &wait);
}

/**
 * svmgpu_wait_ufence() - Wait for *@addr == @value, asserting success.
 * @fd: svmgpu file descriptor.
 * @addr: CPU address of the 64-bit user fence.
 * @value: The value the job writes.
 * @queue: The job's queue, or 0.
 * @timeout_ns: How long from now; the test fails if it runs out.
 */
void svmgpu_wait_ufence(int fd, uint64_t addr, uint64_t value,
			uint32_t queue, uint64_t timeout_ns)
{
	int ret = __svmgpu_wait_ufence(fd, addr, value, ~0ull,
				       DRM_SVMGPU_WAIT_EQ,
				       svmgpu_deadline_ns(timeout_ns), queue);

	igt_assert_f(ret == 0,
		     "user fence at %#llx: waiting for %#llx (queue %u): "
		     "%d (%s)\n", (unsigned long long)addr,
		     (unsigned long long)value, queue, ret, strerror(-ret));
}

/* --- SVM migration (DRM_SVMGPU_FEATURE_SVM_MIGRATE, uAPI 1.4) ----------- */

/**
 * svmgpu_has_svm_migrate() - Whether mirrored memory can move to VRAM.
 * @fd: svmgpu file descriptor.
 *
 * Return: true if the device reports DRM_SVMGPU_FEATURE_SVM_MIGRATE (and
 * shared virtual memory itself): OP_PREFETCH, VM_MADVISE and
 * VM_QUERY_ATTRS.
 */
bool svmgpu_has_svm_migrate(int fd)
{
	return svmgpu_has_svm(fd) &&
	       svmgpu_has_features(fd, DRM_SVMGPU_FEATURE_SVM_MIGRATE);
}

/**
 * __svmgpu_vm_prefetch() - One OP_PREFETCH, no syncs.
 * @fd: svmgpu file descriptor.
 * @vm: A fault-mode VM mirroring [@addr, @addr + @range).
 * @addr: Start, a multiple of 4 KiB.
 * @range: Bytes, a multiple of 4 KiB.
 * @flags: 0 for VRAM, DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM for system memory.
 *
 * Return: 0 or a negative errno.
 */
int __svmgpu_vm_prefetch(int fd, uint32_t vm, uint64_t addr, uint64_t range,
			 uint32_t flags)
{
	struct drm_svmgpu_vm_bind_op op = svmgpu_op_prefetch(addr, range, flags);

	return __svmgpu_vm_bind(fd, vm, &op, 1, NULL, 0);
}

/** svmgpu_vm_prefetch() - __svmgpu_vm_prefetch(), asserting success. */
void svmgpu_vm_prefetch(int fd, uint32_t vm, uint64_t addr, uint64_t range,
			uint32_t flags)
{
	int ret = __svmgpu_vm_prefetch(fd, vm, addr, range, flags);

	igt_assert_f(ret == 0, "prefetch of [%#" PRIx64 ", +%#" PRIx64
		     ") to %s: %d (%s)\n", addr, range,
		     flags & DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM ? "system" :
		     "VRAM", ret, strerror(-ret));
}

/** __svmgpu_vm_madvise() - DRM_IOCTL_SVMGPU_VM_MADVISE, @args as is. */
int __svmgpu_vm_madvise(int fd, struct drm_svmgpu_vm_madvise *args)
{
	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_MADVISE, args);
}

/**
 * svmgpu_vm_madvise() - Set the attributes of a range, asserting success.
 * @fd: svmgpu file descriptor.
 * @vm: A fault-mode VM.
 * @addr: Start, a multiple of 4 KiB.
 * @range: Bytes, a multiple of 4 KiB.
 * @preferred_loc: DRM_SVMGPU_LOC_NONE, _SYSTEM or _DEVICE (this device).
 * @atomic_mode: A DRM_SVMGPU_ATOMIC_MODE_*.
 * @flags: DRM_SVMGPU_MADVISE_NO_MIGRATE and _READONLY.
 */
void svmgpu_vm_madvise(int fd, uint32_t vm, uint64_t addr, uint64_t range,
		       uint32_t preferred_loc, uint32_t atomic_mode,
		       uint32_t flags)
{
	struct drm_svmgpu_vm_madvise args = {
		.vm_id = vm,
		.flags = flags,
		.addr = addr,
		.range = range,
		.preferred_loc = preferred_loc,
		.atomic_mode = atomic_mode,
	};
	int ret = __svmgpu_vm_madvise(fd, &args);

	igt_assert_f(ret == 0, "madvise of [%#" PRIx64 ", +%#" PRIx64
		     "): %d (%s)\n", addr, range, ret, strerror(-ret));
}

/** __svmgpu_vm_query_attrs() - DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS, as is. */
int __svmgpu_vm_query_attrs(int fd, struct drm_svmgpu_vm_query_attrs *args)
{
	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS, args);
}

/**
 * svmgpu_vm_query_attrs() - One VM_QUERY_ATTRS, asserting success.
 * @fd: svmgpu file descriptor.
 * @vm: A fault-mode VM.
 * @addr: Start, a multiple of 4 KiB.
 * @range: Bytes, a multiple of 4 KiB.
 * @flags: DRM_SVMGPU_QUERY_ATTRS_*.
 * @attrs: Room for @num_attrs runs.
 * @num_attrs: 1 to DRM_SVMGPU_QUERY_ATTRS_MAX.
 *
 * Asserts that the kernel wrote 1 to @num_attrs runs.
 *
 * Return: How many runs it wrote.
 */
uint32_t svmgpu_vm_query_attrs(int fd, uint32_t vm, uint64_t addr,
			       uint64_t range, uint32_t flags,
			       struct drm_svmgpu_vm_attr *attrs,
			       uint32_t num_attrs)
{
	struct drm_svmgpu_vm_query_attrs q = {
		.vm_id = vm,
		.flags = flags,
		.addr = addr,
		.range = range,
		.attrs = to_user_pointer(attrs),
		.num_attrs = num_attrs,
	};
	int ret = __svmgpu_vm_query_attrs(fd, &q);

	igt_assert_f(ret == 0, "query of [%#" PRIx64 ", +%#" PRIx64
		     "): %d (%s)\n", addr, range, ret, strerror(-ret));
	igt_assert_f(q.num_attrs >= 1 && q.num_attrs <= num_attrs,
		     "query of [%#" PRIx64 ", +%#" PRIx64 ") wrote %u runs, "
		     "room for %u\n", addr, range, q.num_attrs, num_attrs);

	return q.num_attrs;
}

/* --- Syncobjs ------------------------------------------------------------- */

/** svmgpu_syncobj_create() - drmSyncobjCreate(), asserting success. */
uint32_t svmgpu_syncobj_create(int fd, uint32_t flags)
{
	uint32_t handle = 0;

	igt_assert_eq(drmSyncobjCreate(fd, flags, &handle), 0);
	igt_assert_neq_u32(handle, 0);

	return handle;
}

/** svmgpu_syncobj_destroy() - drmSyncobjDestroy(), asserting success. */
void svmgpu_syncobj_destroy(int fd, uint32_t handle)
{
	igt_assert_eq(drmSyncobjDestroy(fd, handle), 0);
}

static int64_t abs_timeout(uint64_t timeout_ns)
{
	struct timespec now;
	uint64_t abs;

	clock_gettime(CLOCK_MONOTONIC, &now);
	abs = now.tv_sec * 1000000000ull + now.tv_nsec;
	if (!timeout_ns)
		return 0;	/* poll */
	abs += timeout_ns;

	return abs > INT64_MAX ? INT64_MAX : (int64_t)abs;
}

/**
 * svmgpu_syncobj_wait() - Wait for a binary syncobj or a timeline point.
 * @fd: svmgpu file descriptor.
 * @handle: The syncobj.
 * @point: The timeline point, or 0 for a binary syncobj.
 * @timeout_ns: How long to wait from now; 0 only polls.
 *
 * Waits for the fence to be submitted too (WAIT_FOR_SUBMIT), so an empty
 * syncobj or an unsubmitted point times out rather than failing.
 *
 * Return: 0 once signalled, -ETIME on timeout, or another negative errno.
 */
int svmgpu_syncobj_wait(int fd, uint32_t handle, uint64_t point,
			uint64_t timeout_ns)
{
	int64_t abs = abs_timeout(timeout_ns);
	int ret;

	if (point)
		ret = drmSyncobjTimelineWait(fd, &handle, &point, 1, abs,
					     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
					     NULL);
	else
		ret = drmSyncobjWait(fd, &handle, 1, abs,
				     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
				     NULL);
	errno = 0;

	return ret < 0 ? ret : 0;
}

/**
 * svmgpu_syncobj_busy() - Whether a syncobj or point is not signalled yet.
 * @fd: svmgpu file descriptor.
 * @handle: The syncobj.
 * @point: The timeline point, or 0 for a binary syncobj.
 *
 * Return: true if it has no fence yet or its fence has not signalled.
 */
bool svmgpu_syncobj_busy(int fd, uint32_t handle, uint64_t point)
{
	int ret = svmgpu_syncobj_wait(fd, handle, point, 0);

	igt_assert_f(ret == 0 || ret == -ETIME,
		     "polling syncobj %u point %llu: %s\n", handle,
		     (unsigned long long)point, strerror(-ret));

	return ret == -ETIME;
}

/**
 * svmgpu_syncobj_status() - The status of a binary syncobj's fence.
 * @fd: svmgpu file descriptor.
 * @handle: A binary syncobj that has a fence.
 *
 * Exports the fence as a sync_file and reads its status, which carries
 * the error a failed job's fence signalled with.
 *
 * Return: 1 if the fence signalled without error, 0 if it has not
 * signalled, or the fence's error (a negative errno).
 */
int svmgpu_syncobj_status(int fd, uint32_t handle)
{
	struct sync_file_info info = {};
	int sync_fd = -1, ret;

	ret = drmSyncobjExportSyncFile(fd, handle, &sync_fd);
	igt_assert_f(ret == 0, "exporting syncobj %u: %s\n", handle,
		     strerror(errno));
	errno = 0;

	ret = ioctl(sync_fd, SYNC_IOC_FILE_INFO, &info);
	igt_assert_f(ret == 0, "SYNC_IOC_FILE_INFO: %s\n", strerror(errno));
	close(sync_fd);

	return info.status;
}
