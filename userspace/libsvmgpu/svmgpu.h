/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef SVMGPU_H
#define SVMGPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svmgpu_prog.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: libsvmgpu
 *
 * libsvmgpu is the user-space library of svmgpu, the DRM driver for a GPU
 * that is emulated inside the kernel module. It is built on libdrm and
 * follows the shape of libdrm's etnaviv and amdgpu libraries:
 *
 * - Objects are opaque and reference counted: _new/_open create them, _ref
 *   takes a reference and _del drops one. Command streams, plain buffers
 *   owned by one caller, have _new and _del only.
 * - Every function that can fail returns 0 on success or a negative errno
 *   value. errno is never the only channel for an error.
 * - A NULL pointer where an object or an output is required gives -EINVAL.
 * - Only the symbols listed in libsvmgpu.sym are exported (ABI node
 *   LIBSVMGPU_1).
 *
 * Threads: devices, buffer objects, VMs and queues are immutable once
 * created, apart from their reference counts, which are atomic, and a BO's
 * CPU mapping, which a mutex guards. All their functions may be called from
 * several threads on the same object. A command stream (&struct svmgpu_cs)
 * is a plain growable buffer: one thread at a time.
 *
 * Lifetimes: a BO and a VM hold a reference on their device, and a queue
 * holds one on its VM, so objects may be dropped in any order; the kernel
 * object goes away with the last reference on the library object.
 *
 * The raw uAPI lives in svmgpu_drm.h, which is installed next to this
 * header. This header compiles without it, but the flag, placement and
 * opcode values that the functions below take, and the structures that
 * svmgpu_vm_bind(), the submission functions and svmgpu_vm_query_attrs()
 * pass through (&struct drm_svmgpu_vm_bind_op, &struct drm_svmgpu_sync,
 * &struct drm_svmgpu_vm_attr), come from there: include it too when you
 * use them.
 */

/* From svmgpu_drm.h; only pointers to them appear here. */
struct drm_svmgpu_vm_attr;
struct drm_svmgpu_vm_bind_op;
struct drm_svmgpu_sync;

/**
 * struct svmgpu_device - An open svmgpu DRM device (opaque).
 *
 * Owns a file descriptor of its own on the device node; it is closed when the
 * last reference is dropped with svmgpu_device_del().
 */
struct svmgpu_device;

/**
 * struct svmgpu_device_info - What the emulated GPU is.
 *
 * The library's own copy of the kernel's &struct
 * drm_svmgpu_query_device_info, filled by svmgpu_device_get_info(). The size
 * of this struct is part of the LIBSVMGPU_1 ABI: new fields need a new
 * function, never a change here.
 */
struct svmgpu_device_info {
	/** @uapi_major: DRM_SVMGPU_UAPI_MAJOR of the running kernel. */
	uint16_t uapi_major;

	/** @uapi_minor: DRM_SVMGPU_UAPI_MINOR of the running kernel. */
	uint16_t uapi_minor;

	/** @num_engines: Number of engines of the GPU. */
	uint32_t num_engines;

	/** @vram_size: Size of the GPU's VRAM, in bytes. */
	uint64_t vram_size;

	/**
	 * @page_sizes: Page sizes the GPU MMU can map. Each set bit is a page
	 * size in bytes (bit 12 is 4 KiB, bit 21 is 2 MiB).
	 */
	uint64_t page_sizes;

	/**
	 * @features: Raw DRM_SVMGPU_FEATURE_* mask reported by the kernel.
	 * Prefer the dedicated queries such as svmgpu_device_has_system_svm().
	 */
	uint64_t features;

	/** @va_bits: Width of a GPU virtual address, in bits. */
	uint32_t va_bits;
};

/**
 * svmgpu_device_new() - Wrap an already-open svmgpu DRM file descriptor.
 * @fd: An open DRM node (render or primary) of an svmgpu device.
 * @out: Where to store the new device. Set to NULL on failure.
 *
 * Checks with drmGetVersion() that the driver behind @fd is exactly
 * "svmgpu", then duplicates @fd (close-on-exec) so that the caller keeps
 * ownership of @fd and may close it at any time. Also reads the device
 * information once; see svmgpu_device_get_info().
 *
 * Return: 0 on success; -EINVAL if @out is NULL or @fd is negative; -EBADF
 * if @fd is not open; -ENODEV if @fd is not an svmgpu DRM device; -ENOTSUP
 * if the kernel's uAPI major version is not the one the library was built
 * for; -EPROTO if the kernel's answer is malformed; -ENOMEM; or the error of
 * the device query ioctl.
 */
int svmgpu_device_new(int fd, struct svmgpu_device **out);

/**
 * svmgpu_device_open() - Open the @index-th svmgpu render node.
 * @index: 0 for the first svmgpu device, 1 for the second, and so on.
 * @out: Where to store the new device. Set to NULL on failure.
 *
 * Devices are found with drmGetDevices2(): each device with a render node is
 * opened and kept if drmGetVersion() reports the driver name "svmgpu".
 *
 * svmgpu devices are platform devices without a device-tree node, like
 * vgem's. libdrm identifies platform devices by that node, so
 * drmGetDevices2() folds all svmgpu GPUs into one entry (Debian 12's
 * libdrm 2.4.114) or leaves them out (other builds). The library therefore
 * also scans /dev/dri/renderD128 to /dev/dri/renderD191 and takes the
 * union of both, without duplicates.
 *
 * Either way the devices are ordered by render node minor, so @index is
 * stable for a given set of devices. Nodes that cannot be opened (for
 * instance for lack of permission) are skipped.
 *
 * Return: 0 on success; -EINVAL if @out is NULL; -ENODEV if there are at most
 * @index svmgpu devices; -ENOMEM; or any error of svmgpu_device_new().
 */
int svmgpu_device_open(unsigned int index, struct svmgpu_device **out);

/**
 * svmgpu_device_ref() - Take a reference on a device.
 * @dev: The device, or NULL.
 *
 * Return: @dev (NULL if @dev is NULL).
 */
struct svmgpu_device *svmgpu_device_ref(struct svmgpu_device *dev);

/**
 * svmgpu_device_del() - Drop a reference on a device.
 * @dev: The device, or NULL (then nothing happens).
 *
 * Dropping the last reference closes the device's file descriptor and frees
 * the device.
 */
void svmgpu_device_del(struct svmgpu_device *dev);

/**
 * svmgpu_device_fd() - The device's own DRM file descriptor.
 * @dev: The device.
 *
 * The descriptor belongs to @dev: use it for ioctls, but never close it. It
 * stays valid until the last reference on @dev is dropped.
 *
 * Return: The file descriptor, or -EINVAL if @dev is NULL.
 */
int svmgpu_device_fd(const struct svmgpu_device *dev);

/**
 * svmgpu_device_query() - Issue DRM_IOCTL_SVMGPU_DEVICE_QUERY.
 * @dev: The device.
 * @query: A query id, one of enum drm_svmgpu_query_id from svmgpu_drm.h.
 * @data: Buffer for the answer; may be NULL when *@size is 0.
 * @size: In: size of @data in bytes. Out: as the kernel sets it.
 *
 * A thin wrapper that follows the uAPI's two-step protocol: called with
 * *@size == 0 it stores in *@size the number of bytes the answer needs and
 * writes nothing else; called again with a buffer of that size it fills
 * @data and stores in *@size the number of bytes written. *@size is only
 * updated on success.
 *
 * Return: 0 on success; -EINVAL if @dev or @size is NULL, or if @data is NULL
 * while *@size is not 0; otherwise the ioctl's error (for instance -EINVAL
 * for an unknown @query or a too small non-zero *@size).
 */
int svmgpu_device_query(struct svmgpu_device *dev, uint32_t query,
			void *data, uint32_t *size);

/**
 * svmgpu_device_get_info() - Describe the emulated GPU.
 * @dev: The device.
 * @info: Filled with the device information.
 *
 * The information is read from the kernel once, when the device is created,
 * with the size-probe-then-fetch protocol of svmgpu_device_query(); it does
 * not change while the device exists.
 *
 * Return: 0 on success, -EINVAL if @dev or @info is NULL.
 */
int svmgpu_device_get_info(struct svmgpu_device *dev,
			   struct svmgpu_device_info *info);

/**
 * svmgpu_device_has_system_svm() - Whether the GPU can use system SVM.
 * @dev: The device.
 *
 * System SVM (OpenCL fine-grained system SVM, as rusticl asks for) means a
 * GPU job may dereference any CPU pointer of the process: malloc, mmap or
 * stack memory. It is true only if the kernel reports
 * DRM_SVMGPU_FEATURE_SVM (uAPI 1.3) in its features mask, read when @dev
 * was created; kernels before uAPI 1.3 never do. Without it, the
 * functions of "DOC: shared virtual memory" fail with -EOPNOTSUPP.
 *
 * Return: true if the device supports system SVM, false otherwise or if
 * @dev is NULL.
 */
bool svmgpu_device_has_system_svm(struct svmgpu_device *dev);

/**
 * svmgpu_device_has_svm_migrate() - Whether mirrored memory can move to VRAM.
 * @dev: The device.
 *
 * True only if the kernel reports DRM_SVMGPU_FEATURE_SVM_MIGRATE (uAPI
 * 1.4) in its features mask, read when @dev was created: the memory a
 * mirroring VM reaches may then migrate to the GPU's VRAM and back (see
 * "DOC: SVM migration"). Without it, svmgpu_vm_prefetch(),
 * svmgpu_vm_madvise() and svmgpu_vm_query_attrs() fail with -EOPNOTSUPP,
 * and mirrored memory always stays in system memory.
 *
 * Return: true if the device can migrate mirrored memory, false otherwise
 * or if @dev is NULL.
 */
bool svmgpu_device_has_svm_migrate(struct svmgpu_device *dev);

/**
 * svmgpu_device_has_compute() - Whether the GPU runs compute programs.
 * @dev: The device.
 *
 * True only if the kernel reports DRM_SVMGPU_FEATURE_COMPUTE (uAPI 1.5) in
 * its features mask, read when @dev was created: DRM_SVMGPU_CMD_DISPATCH
 * then runs programs of the compute ISA ("DOC: compute ISA" in
 * svmgpu_drm.h; see "DOC: compute programs" and svmgpu_cs_dispatch()).
 * Without it, a DISPATCH fails its job with -EINVAL and bans its queue,
 * and svmgpu_queue_dispatch_svm() fails with -EOPNOTSUPP.
 *
 * Return: true if the device runs compute programs, false otherwise or if
 * @dev is NULL.
 */
bool svmgpu_device_has_compute(struct svmgpu_device *dev);

/**
 * svmgpu_device_compute_threads() - How many work items an engine runs at
 * once.
 * @dev: The device.
 *
 * &drm_svmgpu_query_device_info.compute_threads: the compute threads of
 * each engine, among which the work items of a DISPATCH are spread. Read
 * with the rest of the device information when @dev was created. It lives
 * outside &struct svmgpu_device_info because the size of that struct is
 * part of the ABI.
 *
 * Return: The number of threads; 0 if @dev is NULL or if the kernel does
 * not report it (uAPI before 1.5).
 */
uint32_t svmgpu_device_compute_threads(const struct svmgpu_device *dev);

/**
 * svmgpu_device_vram_bo_size() - How much VRAM buffer objects can use.
 * @dev: The device.
 *
 * The part of &svmgpu_device_info.vram_size that buffer objects can occupy;
 * the rest holds the GPU's page tables. VRAM BOs whose sizes add up to more
 * than this cannot all be in VRAM at once: creating or migrating one evicts
 * others (see "DOC: buffer objects"). Read with the rest of the device
 * information when @dev was created. It lives outside &struct
 * svmgpu_device_info because the size of that struct is part of the ABI.
 *
 * Return: The size in bytes; 0 if @dev is NULL or if the kernel does not
 * report it (uAPI before 1.2).
 */
uint64_t svmgpu_device_vram_bo_size(const struct svmgpu_device *dev);

/**
 * DOC: buffer objects
 *
 * A &struct svmgpu_bo is a GEM buffer object of an svmgpu device: memory the
 * GPU can reach once it is mapped in a VM (svmgpu_vm_map()), and that the CPU
 * can reach through svmgpu_bo_map(). The kernel may move it between VRAM and
 * system memory as its placements allow; the CPU mapping follows it.
 *
 * Moves (uAPI 1.2, DRM_SVMGPU_FEATURE_GEM_MIGRATE): a BO has a preferred
 * placement, which svmgpu_bo_migrate() sets, and a current one, which
 * svmgpu_bo_query() reports. When VRAM is full, the kernel evicts the BOs
 * least recently used by the GPU to system memory; BOs created with
 * DRM_SVMGPU_GEM_CREATE_PINNED stay in VRAM. Moves are copies done by the
 * GPU, queued behind the jobs that use the BO. The address svmgpu_bo_map()
 * returned stays valid across every move: the pages behind it follow the
 * BO, and a CPU access during a move waits for the move to complete.
 */

/**
 * struct svmgpu_bo - A buffer object (opaque).
 *
 * Holds a reference on its device, and owns its GEM handle, which is closed
 * when the last reference is dropped with svmgpu_bo_del().
 */
struct svmgpu_bo;

/**
 * svmgpu_bo_new() - Create a buffer object.
 * @dev: The device.
 * @size: Size in bytes, a non-zero multiple of 4 KiB.
 * @placements: Where the BO may live: a non-empty mask of
 *              DRM_SVMGPU_GEM_PLACEMENT_VRAM and _SYSTEM.
 * @flags: Mask of DRM_SVMGPU_GEM_CREATE_* flags, such as
 *         DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM or (uAPI 1.2)
 *         DRM_SVMGPU_GEM_CREATE_PINNED.
 * @out: Where to store the new BO. Set to NULL on failure.
 *
 * Issues DRM_IOCTL_SVMGPU_GEM_CREATE. @size, @placements and @flags go to
 * the kernel as they are, and the kernel checks them, so that flags of a
 * later uAPI need no new library. The new BO reads as zero and holds a
 * reference on @dev.
 *
 * Return: 0 on success; -EINVAL if @dev or @out is NULL; -ENOMEM; otherwise
 * the ioctl's error: -EINVAL for a bad size, placement or flag, -E2BIG for
 * a size no allowed placement can hold, -ENOMEM, or -EOPNOTSUPP if the
 * driver lacks DRM_SVMGPU_FEATURE_GEM. With DRM_SVMGPU_GEM_CREATE_PINNED
 * also -EPERM without CAP_SYS_ADMIN and -ENOSPC if pinned BOs would take
 * more than their share of VRAM.
 */
int svmgpu_bo_new(struct svmgpu_device *dev, uint64_t size,
		  uint32_t placements, uint32_t flags, struct svmgpu_bo **out);

/**
 * svmgpu_bo_ref() - Take a reference on a buffer object.
 * @bo: The BO, or NULL.
 *
 * Return: @bo (NULL if @bo is NULL).
 */
struct svmgpu_bo *svmgpu_bo_ref(struct svmgpu_bo *bo);

/**
 * svmgpu_bo_del() - Drop a reference on a buffer object.
 * @bo: The BO, or NULL (then nothing happens).
 *
 * Dropping the last reference unmaps the CPU mapping of svmgpu_bo_map(), if
 * there is one, closes the GEM handle with DRM_IOCTL_GEM_CLOSE and drops the
 * BO's reference on its device. GPU mappings of the BO in VMs keep the
 * memory alive in the kernel until they are unmapped or their VM dies.
 */
void svmgpu_bo_del(struct svmgpu_bo *bo);

/**
 * svmgpu_bo_handle() - The GEM handle of a buffer object.
 * @bo: The BO.
 *
 * The handle belongs to @bo, on the DRM file of svmgpu_bo_device(): use it
 * in ioctls such as &struct drm_svmgpu_vm_bind_op, never close it.
 *
 * Return: The handle, or 0 (never a valid handle) if @bo is NULL.
 */
uint32_t svmgpu_bo_handle(const struct svmgpu_bo *bo);

/**
 * svmgpu_bo_size() - The size of a buffer object.
 * @bo: The BO.
 *
 * Return: The size in bytes given to svmgpu_bo_new(), or 0 if @bo is NULL.
 */
uint64_t svmgpu_bo_size(const struct svmgpu_bo *bo);

/**
 * svmgpu_bo_device() - The device of a buffer object.
 * @bo: The BO.
 *
 * No reference is taken: the device lives at least as long as @bo. Call
 * svmgpu_device_ref() to keep it longer.
 *
 * Return: The device, or NULL if @bo is NULL.
 */
struct svmgpu_device *svmgpu_bo_device(const struct svmgpu_bo *bo);

/**
 * svmgpu_bo_map() - Map a whole buffer object for the CPU.
 * @bo: The BO.
 * @ptr: Where to store the address of the mapping. Set to NULL on failure.
 *
 * The first call gets the BO's fake offset with
 * DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET and maps the whole BO with
 * mmap(PROT_READ | PROT_WRITE, MAP_SHARED) on the device's file. Later calls,
 * from any thread, return the same address. The mapping stays valid until
 * the last reference on @bo is dropped, whatever the kernel does with the
 * BO's memory meanwhile.
 *
 * The CPU and the GPU share the memory without any implicit ordering on the
 * library's side: wait for the jobs that write the BO (for instance with
 * svmgpu_queue_exec_wait()) before reading their results.
 *
 * Return: 0 on success; -EINVAL if @bo or @ptr is NULL; -ENOMEM if the BO is
 * larger than this process's address space can map; -EOVERFLOW if the
 * kernel's offset does not fit in an off_t; otherwise the error of the ioctl
 * or of mmap().
 */
int svmgpu_bo_map(struct svmgpu_bo *bo, void **ptr);

/**
 * struct svmgpu_bo_info - Where a buffer object is, as the kernel sees it.
 *
 * Filled by svmgpu_bo_query() from &struct drm_svmgpu_gem_info. Placements
 * are DRM_SVMGPU_GEM_PLACEMENT_* bits; svmgpu_bo_placement_name() names
 * them. The size of this struct is part of the LIBSVMGPU_1 ABI: new fields
 * need a new function, never a change here.
 */
struct svmgpu_bo_info {
	/** @size: Size of the BO in bytes. */
	uint64_t size;

	/** @placements: The placements the BO may live in, a mask. */
	uint32_t placements;

	/**
	 * @preferred: The preferred placement, one bit: the one the BO was
	 * created in, or the one of the last svmgpu_bo_migrate().
	 */
	uint32_t preferred;

	/**
	 * @placement: Where the BO is now, one bit. A swapped-out BO is in
	 * DRM_SVMGPU_GEM_PLACEMENT_SYSTEM.
	 */
	uint32_t placement;

	/**
	 * @state: Mask of DRM_SVMGPU_GEM_STATE_* bits: SWAPPED, PINNED,
	 * MOVING (a move is queued and not complete), BUSY (a job that uses
	 * the BO is not complete).
	 */
	uint32_t state;

	/**
	 * @moves: How many times the BO has moved between VRAM and system
	 * memory since it was created.
	 */
	uint64_t moves;
};

/**
 * svmgpu_bo_migrate() - Move a buffer object to a placement.
 * @bo: The BO.
 * @placement: One DRM_SVMGPU_GEM_PLACEMENT_* bit, among the BO's
 *             placements.
 *
 * Issues DRM_IOCTL_SVMGPU_GEM_MIGRATE: @placement becomes the BO's
 * preferred placement and the kernel moves the BO there, evicting other
 * BOs, least recently used first, to make room in VRAM. A BO that is
 * already there does not move. @placement goes to the kernel as it is, and
 * the kernel checks it.
 *
 * The call returns once the move is queued, not when it completes. CPU
 * accesses through svmgpu_bo_map()'s address and later jobs wait for it;
 * svmgpu_bo_query() reports DRM_SVMGPU_GEM_STATE_MOVING until then. The
 * placement is a hint: VRAM pressure may evict the BO again later.
 *
 * Return: 0 on success; -EINVAL if @bo is NULL; otherwise the ioctl's
 * error: -EINVAL for a @placement that is not one bit or that the BO does
 * not allow, -EBUSY for moving a pinned BO out of VRAM, -ENOSPC if VRAM
 * cannot be made free for it, -ENOMEM, or -EOPNOTSUPP if the driver lacks
 * DRM_SVMGPU_FEATURE_GEM_MIGRATE.
 */
int svmgpu_bo_migrate(struct svmgpu_bo *bo, uint32_t placement);

/**
 * svmgpu_bo_query() - Where a buffer object is now.
 * @bo: The BO.
 * @info: Filled with the BO's size, placements and state. Left untouched
 *        on failure.
 *
 * Issues DRM_IOCTL_SVMGPU_GEM_INFO. The answer is a snapshot: the BO may
 * move as soon as the call returns.
 *
 * Return: 0 on success; -EINVAL if @bo or @info is NULL; otherwise the
 * ioctl's error, such as -EOPNOTSUPP if the driver lacks
 * DRM_SVMGPU_FEATURE_GEM_MIGRATE.
 */
int svmgpu_bo_query(struct svmgpu_bo *bo, struct svmgpu_bo_info *info);

/**
 * svmgpu_bo_placement_name() - Name a placement, for messages.
 * @placement: A mask of DRM_SVMGPU_GEM_PLACEMENT_* bits.
 *
 * Return: "vram" for DRM_SVMGPU_GEM_PLACEMENT_VRAM, "system" for
 * DRM_SVMGPU_GEM_PLACEMENT_SYSTEM, "vram|system" for both, and "unknown"
 * for anything else (no bit, or a bit this library does not know). Never
 * NULL; the string is static.
 */
const char *svmgpu_bo_placement_name(uint32_t placement);

/**
 * DOC: GPU virtual memory
 *
 * A &struct svmgpu_vm is a GPU virtual address space. Buffer objects are
 * mapped into it with svmgpu_vm_map() (or svmgpu_vm_bind() for several
 * operations and explicit syncs), and jobs run in it through the queues
 * created on it.
 *
 * A VM created in fault mode (uAPI 1.3, DRM_SVMGPU_VM_CREATE_FAULT_MODE)
 * may also mirror ranges of the process's own address space, with
 * svmgpu_vm_mirror(): there, a CPU pointer is the GPU address of the same
 * memory. svmgpu_vm_new_svm() creates one that mirrors everything it can.
 */

/**
 * struct svmgpu_vm - A GPU virtual address space (opaque).
 *
 * Holds a reference on its device. The kernel VM is destroyed when the last
 * reference is dropped with svmgpu_vm_del().
 */
struct svmgpu_vm;

/**
 * svmgpu_vm_new() - Create a GPU virtual address space.
 * @dev: The device.
 * @out: Where to store the new VM. Set to NULL on failure.
 *
 * Issues DRM_IOCTL_SVMGPU_VM_CREATE. The new VM is empty and holds a
 * reference on @dev.
 *
 * Return: 0 on success; -EINVAL if @dev or @out is NULL; -ENOMEM; otherwise
 * the ioctl's error, such as -EOPNOTSUPP if the driver lacks
 * DRM_SVMGPU_FEATURE_VM.
 */
int svmgpu_vm_new(struct svmgpu_device *dev, struct svmgpu_vm **out);

/**
 * svmgpu_vm_new_flags() - Create a GPU virtual address space, with flags.
 * @dev: The device.
 * @flags: Mask of DRM_SVMGPU_VM_CREATE_* flags, such as (uAPI 1.3)
 *         DRM_SVMGPU_VM_CREATE_FAULT_MODE.
 * @out: Where to store the new VM. Set to NULL on failure.
 *
 * svmgpu_vm_new() with @flags, which go to the kernel as they are, so that
 * flags of a later uAPI need no new library. A VM created with
 * DRM_SVMGPU_VM_CREATE_FAULT_MODE takes recoverable GPU page faults and
 * belongs to the calling process's address space (see "DOC: shared
 * virtual memory" in svmgpu_drm.h). It starts empty: mirror ranges of the
 * process into it with svmgpu_vm_mirror(), or use svmgpu_vm_new_svm(),
 * which does both.
 *
 * Return: as svmgpu_vm_new(); the ioctl's errors also include -EINVAL for
 * an unknown flag and -EOPNOTSUPP for DRM_SVMGPU_VM_CREATE_FAULT_MODE
 * without DRM_SVMGPU_FEATURE_SVM.
 */
int svmgpu_vm_new_flags(struct svmgpu_device *dev, uint32_t flags,
			struct svmgpu_vm **out);

/**
 * svmgpu_vm_new_svm() - Create a VM that mirrors the process's memory.
 * @dev: The device.
 * @out: Where to store the new VM. Set to NULL on failure.
 *
 * Creates a VM in fault mode (DRM_SVMGPU_VM_CREATE_FAULT_MODE) and mirrors
 * the whole of it but the first 64 KiB, [64 KiB, 1 <<
 * &svmgpu_device_info.va_bits), with one DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR.
 * From then on every pointer of the calling process below 1 << va_bits is
 * the GPU address of the same memory, whatever backs it (malloc, mmap, the
 * stack): see "DOC: shared virtual memory". Above the CPU's user address
 * space (1 << 47 on x86-64) nothing is mapped, and the GPU faults there as
 * on any unmapped pointer. BOs may still be mapped with svmgpu_vm_map();
 * they replace that part of the mirror.
 *
 * The VM belongs to the calling process: use it there, not in a child
 * after fork().
 *
 * Return: 0 on success; -EINVAL if @dev or @out is NULL; -EOPNOTSUPP if
 * svmgpu_device_has_system_svm() is false, without an ioctl; -EPROTO if
 * the device's va_bits leaves nothing to mirror (16 or less) or is 64 or
 * more; -ENOMEM; otherwise the error of VM_CREATE or of VM_BIND, after
 * which no VM is left behind.
 */
int svmgpu_vm_new_svm(struct svmgpu_device *dev, struct svmgpu_vm **out);

/**
 * svmgpu_vm_ref() - Take a reference on a VM.
 * @vm: The VM, or NULL.
 *
 * Return: @vm (NULL if @vm is NULL).
 */
struct svmgpu_vm *svmgpu_vm_ref(struct svmgpu_vm *vm);

/**
 * svmgpu_vm_del() - Drop a reference on a VM.
 * @vm: The VM, or NULL (then nothing happens).
 *
 * Dropping the last reference destroys the VM with
 * DRM_IOCTL_SVMGPU_VM_DESTROY, which removes its mappings, and drops the
 * VM's reference on its device. Queues hold references on their VM, so the
 * last svmgpu_queue_del() of a VM's queues may be the call that destroys it.
 */
void svmgpu_vm_del(struct svmgpu_vm *vm);

/**
 * svmgpu_vm_id() - The kernel id of a VM.
 * @vm: The VM.
 *
 * The id belongs to @vm, on its device's DRM file: use it in ioctls such as
 * &struct drm_svmgpu_queue_create, never destroy it.
 *
 * Return: The id, or 0 (never a valid id) if @vm is NULL.
 */
uint32_t svmgpu_vm_id(const struct svmgpu_vm *vm);

/**
 * svmgpu_vm_bind() - Issue DRM_IOCTL_SVMGPU_VM_BIND.
 * @vm: The VM.
 * @ops: Array of @num_ops operations, applied in order.
 * @num_ops: Number of entries at @ops, 1 to 1024.
 * @syncs: Array of @num_syncs syncobjs to wait for (without
 *         DRM_SVMGPU_SYNC_SIGNAL) or to signal (with it); may be NULL when
 *         @num_syncs is 0.
 * @num_syncs: Number of entries at @syncs, at most 64.
 *
 * A thin wrapper: @ops and @syncs go to the kernel as they are, and the
 * kernel checks them. The call returns once the operations are applied.
 * If an operation fails while being applied, the ones before it stay
 * applied and no sync is signalled (see &struct drm_svmgpu_vm_bind).
 *
 * Return: 0 on success; -EINVAL if @vm is NULL, or @ops or @syncs is NULL
 * while its count is not 0; otherwise the ioctl's error, such as -EINVAL
 * for a malformed operation or a mapping over an existing one, -ENOENT for
 * an unknown BO or syncobj, -EBUSY for an OP_MAP over a part of a mirror
 * that the GPU has faulted in.
 */
int svmgpu_vm_bind(struct svmgpu_vm *vm,
		   const struct drm_svmgpu_vm_bind_op *ops, uint32_t num_ops,
		   const struct drm_svmgpu_sync *syncs, uint32_t num_syncs);

/**
 * svmgpu_vm_map() - Map a range of a buffer object into a VM.
 * @vm: The VM.
 * @bo: The BO, of the same &struct svmgpu_device as @vm.
 * @bo_offset: Offset of the range in @bo, a multiple of 4 KiB.
 * @addr: GPU virtual address to map it at, a multiple of 4 KiB, above the
 *        VM's first 64 KiB.
 * @range: Size of the range in bytes, a non-zero multiple of 4 KiB.
 * @flags: Mask of DRM_SVMGPU_VM_BIND_* flags, such as
 *         DRM_SVMGPU_VM_BIND_READONLY.
 *
 * One DRM_SVMGPU_VM_BIND_OP_MAP operation, without syncs: the call returns
 * once the mapping is in place. [@addr, @addr + @range) must be free, or
 * in a fault-mode VM part of a mirror, which the BO then replaces; a part
 * of a mirror that the GPU has faulted in is busy (-EBUSY) until it is
 * unmapped. Alignments and bounds are the kernel's to check.
 *
 * GEM handles are private to a DRM file, and each &struct svmgpu_device has
 * its own file, so @bo and @vm must come from the same device object.
 *
 * Return: 0 on success; -EINVAL if @vm or @bo is NULL; -EXDEV if @bo and @vm
 * belong to different device objects; otherwise the error of
 * svmgpu_vm_bind().
 */
int svmgpu_vm_map(struct svmgpu_vm *vm, struct svmgpu_bo *bo,
		  uint64_t bo_offset, uint64_t addr, uint64_t range,
		  uint32_t flags);

/**
 * svmgpu_vm_unmap() - Unmap a range of a VM.
 * @vm: The VM.
 * @addr: Start of the range, a multiple of 4 KiB.
 * @range: Size of the range in bytes, a non-zero multiple of 4 KiB.
 *
 * One DRM_SVMGPU_VM_BIND_OP_UNMAP operation, without syncs: removes every
 * mapping in [@addr, @addr + @range), splitting the ones that straddle its
 * ends. A range without mappings is not an error. The call returns once
 * the GPU can no longer reach the range. In a mirror, the range stops
 * being mirrored, and what the GPU faulted in there is dropped.
 *
 * Return: 0 on success; -EINVAL if @vm is NULL; otherwise the error of
 * svmgpu_vm_bind().
 */
int svmgpu_vm_unmap(struct svmgpu_vm *vm, uint64_t addr, uint64_t range);

/**
 * svmgpu_vm_mirror() - Mirror a range of the process's memory into a VM.
 * @vm: The VM, created in fault mode.
 * @addr: Start of the range, a multiple of 4 KiB, above the VM's first
 *        64 KiB.
 * @range: Size of the range in bytes, a non-zero multiple of 4 KiB.
 *
 * One DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR operation (uAPI 1.3), without
 * syncs: [@addr, @addr + @range) of @vm becomes the same range of the
 * process's CPU address space, whose pages the GPU faults in as it
 * touches them. The range must be free in @vm. Use it to mirror a range
 * again after svmgpu_vm_unmap(), or parts of a VM from
 * svmgpu_vm_new_flags(). Alignments and bounds are the kernel's to check.
 *
 * Return: 0 on success; -EINVAL if @vm is NULL or was not created with
 * DRM_SVMGPU_VM_CREATE_FAULT_MODE, without an ioctl; otherwise the error
 * of svmgpu_vm_bind(), such as -EINVAL for a range that is not free.
 */
int svmgpu_vm_mirror(struct svmgpu_vm *vm, uint64_t addr, uint64_t range);

/**
 * DOC: SVM migration
 *
 * With DRM_SVMGPU_FEATURE_SVM_MIGRATE (uAPI 1.4;
 * svmgpu_device_has_svm_migrate() is true), the process memory that a
 * mirroring VM reaches may live in the GPU's VRAM. The pointer does not
 * change, nor does the data: the kernel moves the pages, and a CPU access
 * to a page in VRAM moves it back to system memory first, transparently.
 * Only private anonymous memory moves (malloc, the stack, MAP_PRIVATE |
 * MAP_ANONYMOUS); other memory stays in system memory, where the GPU maps
 * it. Memory moves in blocks of 2 MiB, 64 KiB or 4 KiB.
 *
 * - svmgpu_vm_madvise() sets attributes on a range of the VM's address
 *   space: a preferred location (with DRM_SVMGPU_LOC_DEVICE, GPU faults
 *   move the memory into VRAM), how GPU atomics work there, and whether
 *   the GPU may write. They belong to the VM, not to the memory.
 * - svmgpu_vm_prefetch() moves a range now, to VRAM or to system memory,
 *   and maps it for the GPU, so that jobs then take no faults there.
 * - svmgpu_vm_query_attrs() says, run by run, what the attributes of a
 *   range are and where its pages are now. svmgpu_svm_location_name()
 *   names a location, for messages.
 *
 * A range that the CPU just moved back to system memory stays there for
 * GPU faults for a while (the svmgpu module's migrate_hold_ms), so that
 * memory the CPU and the GPU share does not bounce; prefetches move it
 * anyway. The raw rules are in "DOC: SVM migration" of svmgpu_drm.h.
 *
 * For instance, with error checks left out, a malloc'd array that the GPU
 * will work on in VRAM::
 *
 *	struct svmgpu_svm_attrs vram = {
 *		.preferred_loc = DRM_SVMGPU_LOC_DEVICE,
 *	};
 *	uint32_t *a = aligned_alloc(4096, size);	// size: 4 KiB multiple
 *
 *	svmgpu_vm_madvise(vm, svmgpu_ptr(a), size, &vram);
 *	// ... jobs that touch a: their faults move it into VRAM ...
 *	// or, at once: svmgpu_vm_prefetch(vm, svmgpu_ptr(a), size, 0);
 *	printf("%u\n", a[0]);	// the CPU's access moves that part back
 */

/**
 * struct svmgpu_svm_attrs - Attributes of a range of a mirroring VM.
 *
 * What svmgpu_vm_madvise() sets, field for field as &struct
 * drm_svmgpu_vm_madvise takes them; the values come from svmgpu_drm.h.
 * A zeroed struct is the attributes of a range never advised: no
 * preferred location, DRM_SVMGPU_ATOMIC_MODE_DEVICE, no flags. The size of
 * this struct is part of the LIBSVMGPU_1 ABI.
 */
struct svmgpu_svm_attrs {
	/**
	 * @preferred_loc: DRM_SVMGPU_LOC_NONE (memory stays where it is),
	 * DRM_SVMGPU_LOC_SYSTEM or DRM_SVMGPU_LOC_DEVICE (GPU faults move it
	 * into VRAM).
	 */
	uint32_t preferred_loc;

	/**
	 * @atomic_mode: DRM_SVMGPU_ATOMIC_MODE_DEVICE (a GPU atomic moves the
	 * range into VRAM), _GLOBAL (atomics in place) or _CPU (a GPU atomic
	 * there fails the job).
	 */
	uint32_t atomic_mode;

	/**
	 * @flags: Mask of DRM_SVMGPU_MADVISE_NO_MIGRATE (GPU faults move
	 * nothing), DRM_SVMGPU_MADVISE_READONLY (the GPU may only read) and
	 * DRM_SVMGPU_MADVISE_PREFERRED_FD.
	 */
	uint32_t flags;

	/**
	 * @preferred_fd: With DRM_SVMGPU_MADVISE_PREFERRED_FD and
	 * DRM_SVMGPU_LOC_DEVICE, a file descriptor of the svmgpu device
	 * whose VRAM is preferred, such as svmgpu_device_fd() of another
	 * device; otherwise 0.
	 */
	int32_t preferred_fd;
};

/**
 * svmgpu_vm_madvise() - Set the attributes of a range of a mirroring VM.
 * @vm: The VM, created in fault mode.
 * @addr: Start of the range, a multiple of 4 KiB, above the VM's first
 *        64 KiB.
 * @range: Size of the range in bytes, a non-zero multiple of 4 KiB.
 * @attrs: The attributes; they replace those the range had.
 *
 * Issues DRM_IOCTL_SVMGPU_VM_MADVISE (uAPI 1.4) with @attrs as they are,
 * so that flags of a later uAPI need no new library; the kernel checks
 * them. The range need not be mirrored yet. Attributes that restrict the
 * GPU (DRM_SVMGPU_MADVISE_READONLY, DRM_SVMGPU_ATOMIC_MODE_CPU) drop the
 * GPU's mappings of the range at once; a new preferred location moves
 * nothing by itself: the next GPU faults there, or svmgpu_vm_prefetch(),
 * do.
 *
 * Return: 0 on success; -EINVAL if @vm or @attrs is NULL or @vm was not
 * created with DRM_SVMGPU_VM_CREATE_FAULT_MODE, and -EOPNOTSUPP if
 * svmgpu_device_has_svm_migrate() is false, both without an ioctl;
 * otherwise the ioctl's error: -EINVAL for a misaligned, empty or
 * out-of-range range or an unknown location, atomic mode or flag, -EBADF
 * for a @preferred_fd that is not open, -EACCES for a VM of another
 * process, -ENOMEM.
 */
int svmgpu_vm_madvise(struct svmgpu_vm *vm, uint64_t addr, uint64_t range,
		      const struct svmgpu_svm_attrs *attrs);

/**
 * svmgpu_vm_prefetch() - Move mirrored memory to VRAM or to system memory.
 * @vm: The VM, created in fault mode.
 * @addr: Start of the range, a multiple of 4 KiB.
 * @range: Size of the range in bytes, a non-zero multiple of 4 KiB.
 * @flags: 0 to move the range into VRAM, or
 *         DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM to move it to system memory.
 *
 * One DRM_SVMGPU_VM_BIND_OP_PREFETCH operation (uAPI 1.4), without syncs:
 * the kernel moves [@addr, @addr + @range) as far as it can move (pages
 * that cannot, such as shared or file-backed ones, stay where they are),
 * faulting in pages never touched, and maps it for the GPU. The call
 * returns once that is done; it does not wait for the VM's jobs.
 * Preferred locations and the hold of memory the CPU just touched do not
 * apply: a prefetch always moves. @flags go to the kernel as they are.
 *
 * Every page of the range must be mirrored by @vm and mapped by the
 * process. A signal does not make the call fail: libdrm restarts it, and
 * it keeps what it moved before.
 *
 * Return: 0 on success; -EINVAL if @vm is NULL or was not created with
 * DRM_SVMGPU_VM_CREATE_FAULT_MODE, and -EOPNOTSUPP if
 * svmgpu_device_has_svm_migrate() is false, both without an ioctl;
 * otherwise the error of svmgpu_vm_bind(), such as -EINVAL for a range
 * outside the mirror or an unknown flag, -EFAULT for a page the process
 * does not map, -ENOMEM.
 */
int svmgpu_vm_prefetch(struct svmgpu_vm *vm, uint64_t addr, uint64_t range,
		       uint32_t flags);

/**
 * svmgpu_vm_query_attrs() - The attributes of a range, and where it is.
 * @vm: The VM, created in fault mode.
 * @addr: Start of the range, a multiple of 4 KiB.
 * @range: Size of the range in bytes, a non-zero multiple of 4 KiB.
 * @flags: 0, or DRM_SVMGPU_QUERY_ATTRS_COARSE to split runs only where the
 *         attributes change (a run whose pages are in several places then
 *         has the location DRM_SVMGPU_LOC_MIXED).
 * @attrs: Array of *@num_attrs &struct drm_svmgpu_vm_attr (from
 *         svmgpu_drm.h), filled with runs of pages that have the same
 *         attributes and the same location, in address order.
 * @num_attrs: In: the entries at @attrs, at least 1. Out: the entries
 *             written; unchanged on failure.
 *
 * Issues DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS (uAPI 1.4), as many times as
 * needed (each takes at most %DRM_SVMGPU_QUERY_ATTRS_MAX runs), until the
 * range is described or @attrs is full. Runs are maximal: two runs that
 * follow each other differ. The runs written cover [@addr, end of the last
 * run) exactly; if that is short of @addr + @range, @attrs was full: ask
 * again from there. A page the process does not map, or never touched, is
 * DRM_SVMGPU_LOC_NONE; one in this GPU's VRAM is DRM_SVMGPU_LOC_DEVICE.
 * The query moves nothing and faults nothing in; its answer is a snapshot.
 *
 * Return: 0 on success; -EINVAL if @vm, @attrs or @num_attrs is NULL,
 * *@num_attrs is 0, @range is 0 or @addr + @range overflows, or @vm was
 * not created with DRM_SVMGPU_VM_CREATE_FAULT_MODE, and -EOPNOTSUPP if
 * svmgpu_device_has_svm_migrate() is false, all without an ioctl; -EPROTO
 * if the kernel's answer is malformed; otherwise the ioctl's error, such as
 * -EINVAL for a misaligned or out-of-range range or an unknown flag,
 * -EACCES for a VM of another process, -ENOMEM.
 */
int svmgpu_vm_query_attrs(struct svmgpu_vm *vm, uint64_t addr,
			  uint64_t range, uint32_t flags,
			  struct drm_svmgpu_vm_attr *attrs,
			  uint32_t *num_attrs);

/**
 * svmgpu_svm_location_name() - Name a location, for messages.
 * @location: A DRM_SVMGPU_LOC_* value, as in &drm_svmgpu_vm_attr.location.
 *
 * Return: "none", "system", "vram" or "mixed" for DRM_SVMGPU_LOC_NONE,
 * _SYSTEM, _DEVICE and _MIXED, "unknown" for anything else. Never NULL;
 * the string is static.
 */
const char *svmgpu_svm_location_name(uint32_t location);

/**
 * DOC: queues and submission
 *
 * A &struct svmgpu_queue feeds command buffers to one engine, in one VM. A
 * command buffer is a sequence of commands (see &struct svmgpu_cs) placed in
 * memory that the queue's VM maps; svmgpu_queue_exec() submits it by its GPU
 * virtual address. Jobs on one queue run in submission order.
 *
 * A job that fails on the GPU (a page fault, a malformed command, a hang)
 * still completes: its fence signals, with an error that syncobj waits do
 * not report, and its queue is banned, so that every later submission on it
 * fails with -ECANCELED. Check a job's results in memory.
 */

/**
 * struct svmgpu_queue - A submission queue (opaque).
 *
 * Holds a reference on its VM. The kernel queue is destroyed when the last
 * reference is dropped with svmgpu_queue_del().
 */
struct svmgpu_queue;

/**
 * svmgpu_queue_new() - Create a submission queue.
 * @vm: The VM the queue's jobs run in.
 * @engine: Index of the engine, below &svmgpu_device_info.num_engines.
 * @priority: One of DRM_SVMGPU_QUEUE_PRIORITY_LOW, _NORMAL and _HIGH.
 * @out: Where to store the new queue. Set to NULL on failure.
 *
 * Issues DRM_IOCTL_SVMGPU_QUEUE_CREATE; the kernel checks @engine and
 * @priority. The new queue holds a reference on @vm.
 *
 * Return: 0 on success; -EINVAL if @vm or @out is NULL; -ENOMEM; otherwise
 * the ioctl's error: -EINVAL for a bad engine or priority, -EACCES for
 * DRM_SVMGPU_QUEUE_PRIORITY_HIGH without CAP_SYS_NICE, or -EOPNOTSUPP if
 * the driver lacks DRM_SVMGPU_FEATURE_EXEC.
 */
int svmgpu_queue_new(struct svmgpu_vm *vm, uint32_t engine,
		     uint32_t priority, struct svmgpu_queue **out);

/**
 * svmgpu_queue_ref() - Take a reference on a queue.
 * @q: The queue, or NULL.
 *
 * Return: @q (NULL if @q is NULL).
 */
struct svmgpu_queue *svmgpu_queue_ref(struct svmgpu_queue *q);

/**
 * svmgpu_queue_del() - Drop a reference on a queue.
 * @q: The queue, or NULL (then nothing happens).
 *
 * Dropping the last reference destroys the queue with
 * DRM_IOCTL_SVMGPU_QUEUE_DESTROY, then drops the queue's reference on its
 * VM. Jobs already submitted still run and signal their fences.
 */
void svmgpu_queue_del(struct svmgpu_queue *q);

/**
 * svmgpu_queue_id() - The kernel id of a queue.
 * @q: The queue.
 *
 * Return: The id, or 0 (never a valid id) if @q is NULL.
 */
uint32_t svmgpu_queue_id(const struct svmgpu_queue *q);

/**
 * svmgpu_queue_exec() - Submit a command buffer.
 * @q: The queue.
 * @address: GPU virtual address of the command buffer in the queue's VM, a
 *           multiple of 4.
 * @length: Length of the command buffer in bytes, a multiple of 4, 1 MiB
 *          at most.
 * @syncs: Array of @num_syncs syncobjs: the job waits for those without
 *         DRM_SVMGPU_SYNC_SIGNAL, and those with it receive the job's
 *         fence; may be NULL when @num_syncs is 0.
 * @num_syncs: Number of entries at @syncs, at most 64.
 *
 * A thin wrapper of DRM_IOCTL_SVMGPU_EXEC; the kernel checks the arguments.
 * The call returns once the job is queued, not when it completes.
 *
 * Return: 0 on success; -EINVAL if @q is NULL, or @syncs is NULL while
 * @num_syncs is not 0; otherwise the ioctl's error, such as -ECANCELED if
 * an earlier job failed and the queue is banned.
 */
int svmgpu_queue_exec(struct svmgpu_queue *q, uint64_t address,
		      uint32_t length, const struct drm_svmgpu_sync *syncs,
		      uint32_t num_syncs);

/**
 * svmgpu_queue_exec_wait() - Submit a command buffer and wait for it.
 * @q: The queue.
 * @address: GPU virtual address of the command buffer, as for
 *           svmgpu_queue_exec().
 * @length: Length of the command buffer in bytes, as for
 *          svmgpu_queue_exec().
 * @timeout_ns: How long to wait, in nanoseconds from now; 0 only polls, and
 *              a negative value waits for ever.
 *
 * Creates a binary syncobj, submits the job with it as its only sync
 * (DRM_SVMGPU_SYNC_SIGNAL), waits for it with drmSyncobjWait() until an
 * absolute CLOCK_MONOTONIC deadline, and destroys it. The wait is not
 * interruptible by signals (libdrm restarts it).
 *
 * This reports completion, not success: a job that failed on the GPU
 * signals its fence too, with an error that the syncobj does not expose, so
 * 0 here does not mean the commands did what they should. Check the
 * results in memory (a job's last command can write a marker with
 * svmgpu_cs_write_imm32()); a failed job also bans @q, which the next
 * submission reports as -ECANCELED.
 *
 * On -ETIME the job is still queued or running; it completes, or is reset,
 * on its own.
 *
 * Queues of a fault-mode VM take no signalled syncobj, so this fails there
 * with the kernel's -EINVAL: use svmgpu_queue_exec_svm() and
 * svmgpu_user_fence_wait() instead.
 *
 * Return: 0 once the job has completed; -EINVAL as for svmgpu_queue_exec();
 * -ETIME if it did not complete within @timeout_ns; otherwise the error of
 * creating the syncobj, of the submission or of the wait.
 */
int svmgpu_queue_exec_wait(struct svmgpu_queue *q, uint64_t address,
			   uint32_t length, int64_t timeout_ns);

/**
 * DOC: shared virtual memory
 *
 * With system SVM (uAPI 1.3; svmgpu_device_has_system_svm() is true), GPU
 * jobs use the process's own memory through its own pointers:
 *
 * 1. svmgpu_vm_new_svm() creates a VM in fault mode that mirrors the
 *    process's address space: a pointer from malloc(), mmap() or the stack
 *    is the GPU virtual address of the same memory. The GPU faults pages
 *    in as it touches them, and sees the CPU's writes coherently.
 * 2. Commands take those pointers as addresses: build the command buffer
 *    with a &struct svmgpu_cs, passing svmgpu_ptr(p) wherever a GPU
 *    address goes. The builder's words are themselves malloc'd memory,
 *    which the GPU can fetch where they are.
 * 3. svmgpu_queue_exec_svm() submits the buffer by its pointer, with a
 *    user fence: a 64-bit word of the process's memory that the GPU sets
 *    to a value once the job is done, after every other write of the job.
 * 4. svmgpu_user_fence_wait() waits until the word reaches the value. The
 *    job's results are then visible to the CPU.
 *
 * For instance, with error checks left out::
 *
 *	uint32_t *bins = calloc(64, sizeof(*bins));
 *	uint64_t *fence = calloc(1, sizeof(*fence));
 *
 *	svmgpu_vm_new_svm(dev, &vm);
 *	svmgpu_queue_new(vm, 0, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL, &q);
 *	svmgpu_cs_new(&cs);
 *	svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC, 0, svmgpu_ptr(&bins[3]),
 *			 0, 0, 0);
 *	svmgpu_cs_end(cs);
 *	if (!svmgpu_cs_error(cs) &&
 *	    !svmgpu_queue_exec_svm(q, svmgpu_cs_words(cs), svmgpu_cs_size(cs),
 *				   fence, 1) &&
 *	    !svmgpu_user_fence_wait(q, fence, 1, 1000000000, 0))
 *		printf("%u\n", bins[3]);	// 1
 *
 * Jobs of a fault-mode VM publish no fence that syncobjs could carry, so
 * svmgpu_queue_exec_wait() and DRM_SVMGPU_SYNC_SIGNAL syncs are refused on
 * its queues; user fences replace them. Everything a job uses, its command
 * buffer and its fence included, must stay allocated and unchanged until
 * its fence is written: the GPU reads it while the job runs.
 *
 * What the CPU may not do, the GPU may not either: a write to read-only
 * memory, an access to PROT_NONE or unmapped memory, or to memory that is
 * not pageable system memory, such as svmgpu_bo_map()'s mapping of a BO
 * (map the BO in the VM instead), fails the job. Its fence is then never
 * written, the queue is banned, and svmgpu_user_fence_wait() on it returns
 * -ECANCELED. Pointers at or above 1 << &svmgpu_device_info.va_bits are
 * out of the GPU's reach.
 */

/**
 * svmgpu_ptr() - A CPU pointer as a GPU virtual address.
 * @ptr: Any pointer of the process.
 *
 * In a VM from svmgpu_vm_new_svm(), a pointer is the GPU address of the
 * memory it points to; this only converts its type, for the uint64_t
 * addresses of the svmgpu_cs_*() functions.
 *
 * Return: @ptr as a uint64_t.
 */
static inline uint64_t svmgpu_ptr(const volatile void *ptr)
{
	return (uint64_t)(uintptr_t)ptr;
}

/**
 * svmgpu_queue_exec_svm() - Submit a command buffer of the process's memory.
 * @q: The queue, of a VM created in fault mode, such as one from
 *     svmgpu_vm_new_svm().
 * @cs: The command buffer, 4-byte aligned, in memory the VM mirrors: for
 *      instance svmgpu_cs_words() of a &struct svmgpu_cs, or any buffer
 *      svmgpu_cs_write() filled.
 * @length: Length of the command buffer in bytes, a multiple of 4, 1 MiB
 *          at most; for instance svmgpu_cs_size().
 * @fence: The user fence: an 8-byte aligned word of the process's memory,
 *         in the mirror, to which the GPU writes @value when the job is
 *         complete.
 * @value: The value the GPU writes to @fence.
 *
 * Issues DRM_IOCTL_SVMGPU_EXEC with DRM_SVMGPU_EXEC_USER_FENCE, @cs as the
 * command buffer's address and @fence as the fence's. The call returns
 * once the job is queued; wait for it with svmgpu_user_fence_wait(). The
 * GPU writes @value after every other write of the job, and only if the
 * job succeeds; a job that fails bans @q instead.
 *
 * @cs, @fence and everything the commands use must stay allocated, and
 * @cs unchanged, until the fence is written: the GPU reads the command
 * buffer while the job runs. So a &struct svmgpu_cs submitted in place
 * takes no emit, reset or del until then. Check svmgpu_cs_error() before
 * submitting: a stream whose emits failed is incomplete.
 *
 * svmgpu_user_fence_wait() waits until the fence is at least @value, so
 * give the jobs of one fence increasing values, and start the fence below
 * the first.
 *
 * Return: 0 on success; -EINVAL if @q, @cs or @fence is NULL, @cs, @length
 * or @fence is misaligned, @length is 0 or above 1 MiB, @fence lies
 * outside the VM's range ([64 KiB, 1 << &svmgpu_device_info.va_bits)) or
 * @q's VM is not in fault mode; -EFAULT if the command buffer lies outside
 * the VM's range, where the GPU could never fetch it; -EOPNOTSUPP if
 * svmgpu_device_has_system_svm() is false; all of these without an ioctl.
 * Otherwise the ioctl's error, such as -ECANCELED if an earlier job failed
 * and the queue is banned.
 */
int svmgpu_queue_exec_svm(struct svmgpu_queue *q, const void *cs,
			  size_t length, volatile uint64_t *fence,
			  uint64_t value);

/*
 * Flags of svmgpu_user_fence_wait().
 *
 * SVMGPU_USER_FENCE_WAIT_ABSOLUTE: the timeout is an absolute
 * CLOCK_MONOTONIC time, in nanoseconds, rather than a time from now.
 */
#define SVMGPU_USER_FENCE_WAIT_ABSOLUTE	(1u << 0)

/**
 * svmgpu_user_fence_wait() - Wait until a user fence reaches a value.
 * @q: The queue whose job writes the fence.
 * @fence: The user fence given to svmgpu_queue_exec_svm(), 8-byte aligned.
 * @value: The value to wait for: the wait ends once *@fence >= @value,
 *         compared as unsigned 64-bit numbers.
 * @timeout_ns: Without SVMGPU_USER_FENCE_WAIT_ABSOLUTE, how long to wait
 *              in nanoseconds from now: 0 only checks, and a negative
 *              value waits for ever. With it, the CLOCK_MONOTONIC time at
 *              which to give up; a time in the past only checks, and
 *              INT64_MAX waits for ever.
 * @flags: 0, or SVMGPU_USER_FENCE_WAIT_ABSOLUTE.
 *
 * Reads the fence first and returns at once if it has the value.
 * Otherwise it issues DRM_IOCTL_SVMGPU_WAIT_USER_FENCE with an absolute
 * deadline and @q's id, so that a ban of @q ends the wait. The wait is not
 * interrupted by signals: libdrm restarts it, with the same deadline. Once
 * it returns 0, everything the job wrote before its fence is visible.
 *
 * Return: 0 once *@fence >= @value; -ETIME if it is not by the deadline,
 * the job still being queued or running; -ECANCELED if @q is banned and
 * the fence does not have the value, which it then never will (the job, or
 * one before it, failed on the GPU); -EINVAL if @q or @fence is NULL,
 * @fence is misaligned or @flags has an unknown bit, and -EOPNOTSUPP if
 * svmgpu_device_has_system_svm() is false, both without an ioctl;
 * otherwise the ioctl's error, such as -EFAULT if the kernel cannot read
 * @fence.
 */
int svmgpu_user_fence_wait(struct svmgpu_queue *q,
			   const volatile uint64_t *fence, uint64_t value,
			   int64_t timeout_ns, uint32_t flags);

/**
 * svmgpu_queue_dispatch_svm() - Run a compute program and wait for it.
 * @q: The queue, of a VM that mirrors the process (svmgpu_vm_new_svm()).
 * @p: The program; complete (svmgpu_prog_error() is 0) and not empty.
 * @x: Work items along x, at least 1.
 * @y: Work items along y, at least 1 (1 for a 1-D grid).
 * @z: Work items along z, at least 1.
 * @arg: The dispatch's argument, which every work item finds in r1:
 *       typically svmgpu_ptr() of a structure of pointers.
 * @timeout_ns: How long to wait, in nanoseconds from now, as for
 *              svmgpu_user_fence_wait(): 0 only checks, and a negative
 *              value waits for ever.
 *
 * The one-call way to run a program on the process's own memory. It
 * copies the program into malloc'd memory, which the VM mirrors, builds a
 * command buffer there with DISPATCH (svmgpu_cs_dispatch()) and END,
 * submits it with svmgpu_queue_exec_svm() and a user fence of its own,
 * and waits with svmgpu_user_fence_wait(). On success the program has run
 * on every work item and everything it wrote is visible to the CPU.
 *
 * On -ETIME, or any other error of the wait but -ECANCELED, the job may
 * still be running and reading the program and the command buffer: their
 * memory (the program's size and a few dozen bytes) is then left allocated
 * for good. Everything the program uses must stay allocated too, until the
 * job ends or is reset.
 *
 * Return: 0 once the program has run; -EINVAL if @q or @p is NULL, @p is
 * empty or incomplete, a grid dimension is 0 or their product does not
 * fit in 64 bits; -EOPNOTSUPP if svmgpu_device_has_system_svm() or
 * svmgpu_device_has_compute() is false; -ENOMEM; all of these without an
 * ioctl. Otherwise the error of svmgpu_queue_exec_svm() or of
 * svmgpu_user_fence_wait(): -ETIME if the program did not finish in time,
 * -ECANCELED if it failed on the GPU (an access the VM does not allow, a
 * misaligned address, an invalid program, an exhausted instruction budget)
 * or an earlier job of @q did, which bans @q; the reason is reported by
 * DRM_IOCTL_SVMGPU_QUEUE_STATUS.
 */
int svmgpu_queue_dispatch_svm(struct svmgpu_queue *q,
			      const struct svmgpu_prog *p, uint32_t x,
			      uint32_t y, uint32_t z, uint64_t arg,
			      int64_t timeout_ns);

/**
 * DOC: command streams
 *
 * A &struct svmgpu_cs builds a command buffer in the binary format of the
 * uAPI ("DOC: command stream" in svmgpu_drm.h): little-endian 32-bit words,
 * each command a header word (DRM_SVMGPU_CMD_HEADER()) followed by its
 * operands, 64-bit operands low word first. The stream lives in memory that
 * the library allocates and grows; copy it where the GPU can fetch it, for
 * instance into a mapped BO with svmgpu_cs_write(), and submit it with
 * svmgpu_queue_exec(). End every stream with svmgpu_cs_end().
 *
 * In a VM that mirrors the process (svmgpu_vm_new_svm()), that memory is
 * itself where the GPU can fetch it: submit svmgpu_cs_words() in place with
 * svmgpu_queue_exec_svm(), and use CPU pointers, through svmgpu_ptr(), as
 * the commands' addresses (see "DOC: shared virtual memory").
 *
 * Errors latch. Every emit function returns 0 or a negative errno, and the
 * first error is also kept in the stream: from then on every emit does
 * nothing and returns that error, svmgpu_cs_write() refuses to copy the
 * stream, and svmgpu_cs_error() reports it, until svmgpu_cs_reset(). A
 * caller may therefore emit a whole stream and check once. A failed emit
 * leaves the stream as it was before it: never half a command.
 *
 * The builder refuses what the engine would refuse and it can tell in
 * advance: unknown operations and flags, misaligned operand addresses,
 * sizes that are not multiples of 4 where the command needs them, non-zero
 * values where a word is unused, and a stream longer than the 1 MiB that
 * DRM_IOCTL_SVMGPU_EXEC accepts. All of these give -EINVAL, except the
 * length, which gives -E2BIG. Whether an address is mapped is the GPU's to
 * find out, at run time.
 *
 * A &struct svmgpu_cs is used by one thread at a time.
 */

/**
 * struct svmgpu_cs - A command-stream builder (opaque).
 */
struct svmgpu_cs;

/**
 * svmgpu_cs_new() - Create an empty command stream.
 * @out: Where to store the new stream. Set to NULL on failure.
 *
 * Return: 0 on success; -EINVAL if @out is NULL; -ENOMEM.
 */
int svmgpu_cs_new(struct svmgpu_cs **out);

/**
 * svmgpu_cs_del() - Free a command stream.
 * @cs: The stream, or NULL (then nothing happens).
 *
 * Command streams are not reference counted: this frees @cs at once.
 */
void svmgpu_cs_del(struct svmgpu_cs *cs);

/**
 * svmgpu_cs_reset() - Empty a command stream.
 * @cs: The stream, or NULL (then nothing happens).
 *
 * Drops every command and clears the latched error; the memory is kept for
 * the next stream.
 */
void svmgpu_cs_reset(struct svmgpu_cs *cs);

/**
 * svmgpu_cs_words() - The words of a command stream.
 * @cs: The stream.
 *
 * The words are little-endian, as the engine reads them. The pointer is
 * valid until the next emit, reset or del on @cs.
 *
 * Return: The first of svmgpu_cs_size() / 4 words; NULL if @cs is NULL or
 * nothing was ever emitted.
 */
const uint32_t *svmgpu_cs_words(const struct svmgpu_cs *cs);

/**
 * svmgpu_cs_size() - The size of a command stream.
 * @cs: The stream.
 *
 * Return: The size in bytes (4 per word) of the commands emitted since the
 * last reset, or 0 if @cs is NULL. It is at most 1 MiB, so it fits the
 * @length of svmgpu_queue_exec().
 */
size_t svmgpu_cs_size(const struct svmgpu_cs *cs);

/**
 * svmgpu_cs_error() - The latched error of a command stream.
 * @cs: The stream.
 *
 * Return: 0 if every emit since the last reset succeeded; otherwise the
 * error of the first that failed (-ENOMEM, -EINVAL or -E2BIG); -EINVAL if
 * @cs is NULL.
 */
int svmgpu_cs_error(const struct svmgpu_cs *cs);

/**
 * svmgpu_cs_write() - Copy a command stream to memory, such as a mapped BO.
 * @cs: The stream.
 * @dst: Where to copy it, for instance an address from svmgpu_bo_map()
 *       plus an offset.
 * @len: The room at @dst, in bytes.
 *
 * Copies svmgpu_cs_size() bytes; the rest of @dst is left untouched.
 *
 * Return: 0 on success; -EINVAL if @cs or @dst is NULL; the latched error
 * if an emit failed (nothing is copied: the stream is incomplete);
 * -ENOSPC if the stream does not fit in @len bytes.
 */
int svmgpu_cs_write(const struct svmgpu_cs *cs, void *dst, size_t len);

/**
 * svmgpu_cs_nop() - Emit NOP.
 * @cs: The stream.
 * @extra_words: Number of zero words after the header, which the engine
 *               skips: 0 to 65534. Handy for padding.
 *
 * Return: 0 on success; -EINVAL if @cs is NULL or @extra_words is too
 * large; otherwise a latched error (see "DOC: command streams").
 */
int svmgpu_cs_nop(struct svmgpu_cs *cs, uint32_t extra_words);

/**
 * svmgpu_cs_end() - Emit END, which ends the job.
 * @cs: The stream.
 *
 * Return: 0 on success; -EINVAL if @cs is NULL; otherwise a latched error.
 */
int svmgpu_cs_end(struct svmgpu_cs *cs);

/**
 * svmgpu_cs_write_imm32() - Emit WRITE_IMM of 32 bits.
 * @cs: The stream.
 * @addr: GPU virtual address, 4-byte aligned.
 * @value: The value to write.
 *
 * Return: 0 on success; -EINVAL if @cs is NULL or @addr is misaligned;
 * otherwise a latched error.
 */
int svmgpu_cs_write_imm32(struct svmgpu_cs *cs, uint64_t addr,
			  uint32_t value);

/**
 * svmgpu_cs_write_imm64() - Emit WRITE_IMM of 64 bits.
 * @cs: The stream.
 * @addr: GPU virtual address, 8-byte aligned.
 * @value: The value to write.
 *
 * Emits WRITE_IMM with DRM_SVMGPU_CMD_WRITE_IMM_64.
 *
 * Return: 0 on success; -EINVAL if @cs is NULL or @addr is misaligned;
 * otherwise a latched error.
 */
int svmgpu_cs_write_imm64(struct svmgpu_cs *cs, uint64_t addr,
			  uint64_t value);

/**
 * svmgpu_cs_copy() - Emit COPY.
 * @cs: The stream.
 * @src: GPU virtual address of the source; any alignment.
 * @dst: GPU virtual address of the destination; any alignment.
 * @size: Number of bytes to copy; any size.
 *
 * Overlapping ranges give undefined contents.
 *
 * Return: 0 on success; -EINVAL if @cs is NULL; otherwise a latched error.
 */
int svmgpu_cs_copy(struct svmgpu_cs *cs, uint64_t src, uint64_t dst,
		   uint64_t size);

/**
 * svmgpu_cs_fill() - Emit FILL.
 * @cs: The stream.
 * @dst: GPU virtual address of the destination, a multiple of 4.
 * @pattern: The 32-bit pattern to repeat.
 * @size: Number of bytes to fill, a multiple of 4.
 *
 * Return: 0 on success; -EINVAL if @cs is NULL, or @dst or @size is not a
 * multiple of 4; otherwise a latched error.
 */
int svmgpu_cs_fill(struct svmgpu_cs *cs, uint64_t dst, uint32_t pattern,
		   uint64_t size);

/**
 * svmgpu_cs_atomic() - Emit ATOMIC.
 * @cs: The stream.
 * @op: DRM_SVMGPU_ATOMIC_ADD, _XCHG, _CMPXCHG or _INC.
 * @flags: Mask of DRM_SVMGPU_ATOMIC_64 (operate on 64 bits instead of 32)
 *         and DRM_SVMGPU_ATOMIC_RETURN (write the old value to
 *         @result_addr).
 * @addr: GPU virtual address of the value, naturally aligned (4 or 8
 *        bytes, as the width).
 * @operand: ADD: the addend; XCHG, CMPXCHG: the value to store; INC: MBZ.
 * @compare: CMPXCHG: the value to compare with; other operations: MBZ.
 * @result_addr: With DRM_SVMGPU_ATOMIC_RETURN, where the old value is
 *               written, with the operation's width and naturally aligned;
 *               without it, MBZ.
 *
 * On 32 bits, only the low halves of @operand and @compare count, so that
 * for instance (uint32_t)-1 and -1 both subtract one; the high words of the
 * command are written as zero.
 *
 * Return: 0 on success; -EINVAL if @cs is NULL, @op or @flags is unknown, an
 * address is misaligned or an unused operand is not zero; otherwise a
 * latched error.
 */
int svmgpu_cs_atomic(struct svmgpu_cs *cs, uint32_t op, uint32_t flags,
		     uint64_t addr, uint64_t operand, uint64_t compare,
		     uint64_t result_addr);

/**
 * svmgpu_cs_wait_mem() - Emit WAIT_MEM.
 * @cs: The stream.
 * @cmp: DRM_SVMGPU_WAIT_EQ, _NE, _GT, _GTE, _LT or _LTE.
 * @flags: 0, or DRM_SVMGPU_WAIT_64 to compare 64 bits instead of 32.
 * @addr: GPU virtual address of the value, naturally aligned (4 or 8
 *        bytes, as the width).
 * @value: The value to compare with.
 * @mask: The mask applied to the value in memory before comparing.
 *
 * The engine waits until (*@addr & @mask) @cmp @value holds. A wait that
 * never ends is a hang: the job times out with -ETIME. On 32 bits only the
 * low halves of @value and @mask count; the high words are written as zero.
 *
 * Return: 0 on success; -EINVAL if @cs is NULL, @cmp or @flags is unknown or
 * @addr is misaligned; otherwise a latched error.
 */
int svmgpu_cs_wait_mem(struct svmgpu_cs *cs, uint32_t cmp, uint32_t flags,
		       uint64_t addr, uint64_t value, uint64_t mask);

/**
 * svmgpu_cs_timestamp() - Emit TIMESTAMP.
 * @cs: The stream.
 * @addr: GPU virtual address, 8-byte aligned, where the GPU clock is
 *        written, in nanoseconds, on 64 bits.
 *
 * Return: 0 on success; -EINVAL if @cs is NULL or @addr is misaligned;
 * otherwise a latched error.
 */
int svmgpu_cs_timestamp(struct svmgpu_cs *cs, uint64_t addr);

/**
 * svmgpu_cs_dispatch() - Emit DISPATCH, which runs a compute program.
 * @cs: The stream.
 * @prog_addr: GPU virtual address of the program, 8-byte aligned: where
 *             svmgpu_prog_write() copied it, or svmgpu_ptr() of
 *             svmgpu_prog_insns() in a mirroring VM.
 * @num_insns: Its length in instructions, 1 to
 *             DRM_SVMGPU_PROGRAM_MAX_INSNS; svmgpu_prog_count().
 * @x: Work items along x, at least 1.
 * @y: Work items along y, at least 1 (1 for a 1-D grid).
 * @z: Work items along z, at least 1.
 * @arg: The argument, which every work item finds in r1.
 *
 * The program runs once per work item of the @x * @y * @z grid, needing
 * DRM_SVMGPU_FEATURE_COMPUTE (svmgpu_device_has_compute()). See "DOC:
 * compute ISA" in svmgpu_drm.h.
 *
 * Return: 0 on success; -EINVAL if @cs is NULL, @prog_addr is misaligned,
 * @num_insns is 0 or above DRM_SVMGPU_PROGRAM_MAX_INSNS, a grid dimension
 * is 0, or @x * @y * @z does not fit in 64 bits; otherwise a latched error.
 */
int svmgpu_cs_dispatch(struct svmgpu_cs *cs, uint64_t prog_addr,
		       uint32_t num_insns, uint32_t x, uint32_t y, uint32_t z,
		       uint64_t arg);

#if defined(__cplusplus)
}
#endif

#endif /* SVMGPU_H */
