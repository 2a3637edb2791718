/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef _SVMGPU_DRM_H_
#define _SVMGPU_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: svmgpu uAPI
 *
 * svmgpu drives a GPU that is emulated inside the kernel module. It exposes
 * a render node whose driver name is "svmgpu"; that name never changes.
 *
 * All ioctls are allowed on the render node. User space normally reaches
 * them through libsvmgpu, but the ABI below is complete on its own.
 *
 * ABI rules, which every ioctl and every structure in this file follows:
 *
 * - Structures are 64-bit aligned and their size is a multiple of 8 bytes,
 *   so they are laid out identically for 32-bit and 64-bit user space.
 *   Explicit padding fields exist to make that true.
 * - Every padding and reserved field is MBZ (must be zero). The kernel checks
 *   it and fails the ioctl with -EINVAL otherwise, so that the field can be
 *   given a meaning later.
 * - Every flags field is checked: an unknown flag gives -EINVAL.
 * - Pointers to user memory are passed as __u64, never as native pointers.
 * - Structures that may grow carry an @extensions field: a __u64 user
 *   pointer to a chain of &struct drm_svmgpu_user_extension. No extension is
 *   defined yet, so a non-zero @extensions gives -EINVAL.
 * - There are no unions.
 * - Ioctl numbers are append-only: an ioctl is never renumbered or reused.
 * - An ioctl that cannot read or write the user memory it was given fails
 *   with -EFAULT.
 * - A capability that is part of the uAPI but not implemented by this build
 *   of the driver fails with -EOPNOTSUPP. Feature bits in
 *   &struct drm_svmgpu_query_device_info tell user space in advance.
 */

/**
 * DOC: svmgpu uAPI version
 *
 * DRM_SVMGPU_UAPI_MAJOR changes only if a change breaks existing user space,
 * which the rules above are there to prevent. DRM_SVMGPU_UAPI_MINOR grows
 * whenever an ioctl, a query or a flag is added. The running kernel reports
 * its values in &struct drm_svmgpu_query_device_info; user space compares
 * them with the values it was built against.
 */
#define DRM_SVMGPU_UAPI_MAJOR		1
#define DRM_SVMGPU_UAPI_MINOR		0

/*
 * Ioctl numbers, relative to DRM_COMMAND_BASE. Append only.
 */
#define DRM_SVMGPU_DEVICE_QUERY		0x00

/**
 * struct drm_svmgpu_user_extension - Header of a chained ioctl extension.
 *
 * Reserved for future use. No extension is defined in this version of the
 * uAPI, so the kernel rejects any non-zero extensions pointer.
 */
struct drm_svmgpu_user_extension {
	/**
	 * @next_extension: User pointer to the next extension in the chain,
	 * or 0 at the end of the chain.
	 */
	__u64 next_extension;

	/** @name: Identifier of this extension. */
	__u32 name;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * enum drm_svmgpu_query_id - What &struct drm_svmgpu_device_query returns.
 *
 * @DRM_SVMGPU_QUERY_DEVICE_INFO: A &struct drm_svmgpu_query_device_info.
 */
enum drm_svmgpu_query_id {
	DRM_SVMGPU_QUERY_DEVICE_INFO = 0,
};

/*
 * GPU page sizes, as bits of &drm_svmgpu_query_device_info.page_sizes. Each
 * bit is the page size itself, so the mask can be tested with a size.
 */
#define DRM_SVMGPU_PAGE_SIZE_4K		(1ull << 12)
#define DRM_SVMGPU_PAGE_SIZE_64K	(1ull << 16)
#define DRM_SVMGPU_PAGE_SIZE_2M		(1ull << 21)

/*
 * Feature bits, as bits of &drm_svmgpu_query_device_info.features.
 *
 * A bit is set only when the running driver implements the feature. No
 * feature beyond the device query exists in this version; later versions of
 * the uAPI define bits for buffer objects, VM_BIND, job submission and
 * shared virtual memory as those land. User space must ignore bits it does
 * not know.
 */

/**
 * struct drm_svmgpu_query_device_info - What the emulated GPU is.
 *
 * Returned by %DRM_SVMGPU_QUERY_DEVICE_INFO. Values describe the emulated
 * hardware as configured by the module's parameters when the device was
 * probed; they do not change while the device exists.
 */
struct drm_svmgpu_query_device_info {
	/** @uapi_major: The kernel's %DRM_SVMGPU_UAPI_MAJOR. */
	__u16 uapi_major;

	/** @uapi_minor: The kernel's %DRM_SVMGPU_UAPI_MINOR. */
	__u16 uapi_minor;

	/** @num_engines: Number of engines the GPU has. */
	__u32 num_engines;

	/** @vram_size: Size of the GPU's VRAM in bytes. */
	__u64 vram_size;

	/**
	 * @page_sizes: Page sizes the GPU MMU can map, as a mask of
	 * DRM_SVMGPU_PAGE_SIZE_* bits.
	 */
	__u64 page_sizes;

	/** @features: Mask of DRM_SVMGPU_FEATURE_* bits. */
	__u64 features;

	/** @va_bits: Width of a GPU virtual address, in bits. */
	__u32 va_bits;

	/** @pad: Written as zero by the kernel. */
	__u32 pad;

	/**
	 * @reserved: Written as zero by the kernel. Room for later fields, so
	 * that user space built against this header keeps working.
	 */
	__u64 reserved[4];
};

/**
 * struct drm_svmgpu_device_query - Argument of DRM_IOCTL_SVMGPU_DEVICE_QUERY.
 *
 * Asks the device for one item of information, selected by @query. The
 * protocol is the one of DRM_IOCTL_XE_DEVICE_QUERY:
 *
 * 1. Call with @size = 0. The kernel sets @size to the number of bytes the
 *    answer needs and writes nothing else.
 * 2. Allocate @size bytes, point @data at them and call again. The kernel
 *    writes the answer and sets @size to the number of bytes written.
 *
 * A @size that is non-zero but smaller than the answer gives -EINVAL and
 * leaves @data untouched. A larger @size is accepted; bytes beyond the
 * answer are left untouched.
 *
 * Errors:
 *
 * - -EINVAL: unknown @query, non-zero @extensions, @flags or @pad, or a
 *   @size that is too small.
 * - -EFAULT: @data (or the ioctl argument itself) cannot be written.
 */
struct drm_svmgpu_device_query {
	/** @extensions: Pointer to the first extension. MBZ: none defined. */
	__u64 extensions;

	/** @query: One of &enum drm_svmgpu_query_id. */
	__u32 query;

	/** @size: In: size of the buffer at @data. Out: see above. */
	__u32 size;

	/** @data: User pointer to the answer buffer. */
	__u64 data;

	/** @flags: MBZ. No flags are defined. */
	__u32 flags;

	/** @pad: MBZ. */
	__u32 pad;
};

#define DRM_IOCTL_SVMGPU_DEVICE_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SVMGPU_DEVICE_QUERY, \
		 struct drm_svmgpu_device_query)

#if defined(__cplusplus)
}
#endif

#endif /* _SVMGPU_DRM_H_ */
