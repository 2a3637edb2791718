/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef SVMGPU_H
#define SVMGPU_H

#include <stdbool.h>
#include <stdint.h>

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
 *   takes a reference and _del drops one.
 * - Every function that can fail returns 0 on success or a negative errno
 *   value. errno is never the only channel for an error.
 * - A NULL pointer where an object or an output is required gives -EINVAL.
 * - Only the symbols listed in libsvmgpu.sym are exported (ABI node
 *   LIBSVMGPU_1).
 *
 * A &struct svmgpu_device is immutable once created, apart from its reference
 * count, which is atomic; all functions may be called from several threads
 * on the same device.
 *
 * The raw uAPI lives in svmgpu_drm.h, which is installed next to this header.
 * Only svmgpu_device_query() needs it.
 */

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
 * stack memory. It is true only if the kernel reports the system-SVM bit in
 * its features mask. The uAPI this library was built against defines no such
 * bit yet, in which case the answer is always false.
 *
 * Return: true if the device supports system SVM, false otherwise or if
 * @dev is NULL.
 */
bool svmgpu_device_has_system_svm(struct svmgpu_device *dev);

#if defined(__cplusplus)
}
#endif

#endif /* SVMGPU_H */
