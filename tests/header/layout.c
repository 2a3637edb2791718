// SPDX-License-Identifier: GPL-2.0-only
/*
 * The uAPI's ABI rules, checked at compile time: every structure is a
 * multiple of 8 bytes with 64-bit fields at 8-byte offsets, so 32-bit and
 * 64-bit user space agree with the kernel. The sizes are frozen: changing
 * one breaks the ABI.
 */
#include <stddef.h>

#include "svmgpu_drm.h"

#define CHECK_SIZE(type, size) \
	_Static_assert(sizeof(struct type) == (size), #type " size changed"); \
	_Static_assert(sizeof(struct type) % 8 == 0, #type " not 8-byte sized")

#define CHECK_OFFSET(type, field, off) \
	_Static_assert(offsetof(struct type, field) == (off), \
		       #type "." #field " moved")

CHECK_SIZE(drm_svmgpu_user_extension, 16);
CHECK_OFFSET(drm_svmgpu_user_extension, next_extension, 0);
CHECK_OFFSET(drm_svmgpu_user_extension, name, 8);

CHECK_SIZE(drm_svmgpu_device_query, 32);
CHECK_OFFSET(drm_svmgpu_device_query, extensions, 0);
CHECK_OFFSET(drm_svmgpu_device_query, query, 8);
CHECK_OFFSET(drm_svmgpu_device_query, size, 12);
CHECK_OFFSET(drm_svmgpu_device_query, data, 16);
CHECK_OFFSET(drm_svmgpu_device_query, flags, 24);
CHECK_OFFSET(drm_svmgpu_device_query, pad, 28);

CHECK_SIZE(drm_svmgpu_query_device_info, 72);
CHECK_OFFSET(drm_svmgpu_query_device_info, uapi_major, 0);
CHECK_OFFSET(drm_svmgpu_query_device_info, uapi_minor, 2);
CHECK_OFFSET(drm_svmgpu_query_device_info, num_engines, 4);
CHECK_OFFSET(drm_svmgpu_query_device_info, vram_size, 8);
CHECK_OFFSET(drm_svmgpu_query_device_info, page_sizes, 16);
CHECK_OFFSET(drm_svmgpu_query_device_info, features, 24);
CHECK_OFFSET(drm_svmgpu_query_device_info, va_bits, 32);
CHECK_OFFSET(drm_svmgpu_query_device_info, vram_bo_size, 40);
CHECK_OFFSET(drm_svmgpu_query_device_info, compute_threads, 48);
CHECK_OFFSET(drm_svmgpu_query_device_info, pad2, 52);
CHECK_OFFSET(drm_svmgpu_query_device_info, reserved, 56);

CHECK_SIZE(drm_svmgpu_gem_create, 32);
CHECK_OFFSET(drm_svmgpu_gem_create, size, 8);
CHECK_OFFSET(drm_svmgpu_gem_create, placements, 16);
CHECK_OFFSET(drm_svmgpu_gem_create, handle, 24);

CHECK_SIZE(drm_svmgpu_gem_mmap_offset, 24);
CHECK_OFFSET(drm_svmgpu_gem_mmap_offset, offset, 16);

CHECK_SIZE(drm_svmgpu_vm_create, 16);
CHECK_OFFSET(drm_svmgpu_vm_create, vm_id, 12);
CHECK_SIZE(drm_svmgpu_vm_destroy, 16);

CHECK_SIZE(drm_svmgpu_sync, 16);
CHECK_OFFSET(drm_svmgpu_sync, point, 8);

CHECK_SIZE(drm_svmgpu_vm_bind_op, 40);
CHECK_OFFSET(drm_svmgpu_vm_bind_op, bo_offset, 16);
CHECK_OFFSET(drm_svmgpu_vm_bind_op, addr, 24);
CHECK_OFFSET(drm_svmgpu_vm_bind_op, range, 32);

CHECK_SIZE(drm_svmgpu_vm_bind, 40);
CHECK_OFFSET(drm_svmgpu_vm_bind, ops, 16);
CHECK_OFFSET(drm_svmgpu_vm_bind, num_syncs, 24);
CHECK_OFFSET(drm_svmgpu_vm_bind, syncs, 32);

CHECK_SIZE(drm_svmgpu_queue_create, 32);
CHECK_OFFSET(drm_svmgpu_queue_create, queue_id, 24);
CHECK_SIZE(drm_svmgpu_queue_destroy, 16);

/*
 * uAPI 1.3 appended the user fence; DRM zero-fills the tail of a shorter
 * (1.2) argument, so older binaries keep working.
 */
CHECK_SIZE(drm_svmgpu_exec, 56);
CHECK_OFFSET(drm_svmgpu_exec, syncs, 16);
CHECK_OFFSET(drm_svmgpu_exec, address, 24);
CHECK_OFFSET(drm_svmgpu_exec, length, 32);
CHECK_OFFSET(drm_svmgpu_exec, ufence_addr, 40);
CHECK_OFFSET(drm_svmgpu_exec, ufence_value, 48);

CHECK_SIZE(drm_svmgpu_gem_migrate, 24);
CHECK_OFFSET(drm_svmgpu_gem_migrate, handle, 8);
CHECK_OFFSET(drm_svmgpu_gem_migrate, placement, 12);
CHECK_OFFSET(drm_svmgpu_gem_migrate, flags, 16);
CHECK_OFFSET(drm_svmgpu_gem_migrate, pad, 20);

CHECK_SIZE(drm_svmgpu_gem_info, 48);
CHECK_OFFSET(drm_svmgpu_gem_info, handle, 8);
CHECK_OFFSET(drm_svmgpu_gem_info, flags, 12);
CHECK_OFFSET(drm_svmgpu_gem_info, size, 16);
CHECK_OFFSET(drm_svmgpu_gem_info, placements, 24);
CHECK_OFFSET(drm_svmgpu_gem_info, preferred, 28);
CHECK_OFFSET(drm_svmgpu_gem_info, placement, 32);
CHECK_OFFSET(drm_svmgpu_gem_info, state, 36);
CHECK_OFFSET(drm_svmgpu_gem_info, moves, 40);
CHECK_SIZE(drm_svmgpu_queue_status, 40);
CHECK_OFFSET(drm_svmgpu_queue_status, queue_id, 8);
CHECK_OFFSET(drm_svmgpu_queue_status, banned, 16);
CHECK_OFFSET(drm_svmgpu_queue_status, error, 20);
CHECK_OFFSET(drm_svmgpu_queue_status, fault_address, 24);
CHECK_OFFSET(drm_svmgpu_queue_status, fault_access, 32);
CHECK_SIZE(drm_svmgpu_wait_user_fence, 56);
CHECK_OFFSET(drm_svmgpu_wait_user_fence, addr, 8);
CHECK_OFFSET(drm_svmgpu_wait_user_fence, value, 16);
CHECK_OFFSET(drm_svmgpu_wait_user_fence, mask, 24);
CHECK_OFFSET(drm_svmgpu_wait_user_fence, timeout_ns, 32);
CHECK_OFFSET(drm_svmgpu_wait_user_fence, op, 40);
CHECK_OFFSET(drm_svmgpu_wait_user_fence, queue_id, 44);
CHECK_SIZE(drm_svmgpu_vm_madvise, 48);
CHECK_OFFSET(drm_svmgpu_vm_madvise, extensions, 0);
CHECK_OFFSET(drm_svmgpu_vm_madvise, vm_id, 8);
CHECK_OFFSET(drm_svmgpu_vm_madvise, flags, 12);
CHECK_OFFSET(drm_svmgpu_vm_madvise, addr, 16);
CHECK_OFFSET(drm_svmgpu_vm_madvise, range, 24);
CHECK_OFFSET(drm_svmgpu_vm_madvise, preferred_loc, 32);
CHECK_OFFSET(drm_svmgpu_vm_madvise, preferred_fd, 36);
CHECK_OFFSET(drm_svmgpu_vm_madvise, atomic_mode, 40);
CHECK_OFFSET(drm_svmgpu_vm_madvise, pad, 44);
CHECK_SIZE(drm_svmgpu_vm_attr, 32);
CHECK_OFFSET(drm_svmgpu_vm_attr, addr, 0);
CHECK_OFFSET(drm_svmgpu_vm_attr, range, 8);
CHECK_OFFSET(drm_svmgpu_vm_attr, flags, 16);
CHECK_OFFSET(drm_svmgpu_vm_attr, preferred_loc, 20);
CHECK_OFFSET(drm_svmgpu_vm_attr, atomic_mode, 24);
CHECK_OFFSET(drm_svmgpu_vm_attr, location, 28);
CHECK_SIZE(drm_svmgpu_vm_query_attrs, 48);
CHECK_OFFSET(drm_svmgpu_vm_query_attrs, extensions, 0);
CHECK_OFFSET(drm_svmgpu_vm_query_attrs, vm_id, 8);
CHECK_OFFSET(drm_svmgpu_vm_query_attrs, flags, 12);
CHECK_OFFSET(drm_svmgpu_vm_query_attrs, addr, 16);
CHECK_OFFSET(drm_svmgpu_vm_query_attrs, range, 24);
CHECK_OFFSET(drm_svmgpu_vm_query_attrs, attrs, 32);
CHECK_OFFSET(drm_svmgpu_vm_query_attrs, num_attrs, 40);
CHECK_OFFSET(drm_svmgpu_vm_query_attrs, pad, 44);

_Static_assert(DRM_IOCTL_SVMGPU_EXEC ==
	       DRM_IOW(DRM_COMMAND_BASE + 0x08, struct drm_svmgpu_exec),
	       "ioctl numbers are append-only");
_Static_assert(DRM_IOCTL_SVMGPU_GEM_MIGRATE ==
	       DRM_IOW(DRM_COMMAND_BASE + 0x09, struct drm_svmgpu_gem_migrate),
	       "ioctl numbers are append-only");
_Static_assert(DRM_IOCTL_SVMGPU_GEM_INFO ==
	       DRM_IOWR(DRM_COMMAND_BASE + 0x0a, struct drm_svmgpu_gem_info),
	       "ioctl numbers are append-only");
_Static_assert(DRM_IOCTL_SVMGPU_QUEUE_STATUS ==
	       DRM_IOWR(DRM_COMMAND_BASE + 0x0c,
			struct drm_svmgpu_queue_status),
	       "ioctl numbers are append-only");
_Static_assert(DRM_IOCTL_SVMGPU_VM_MADVISE ==
	       DRM_IOW(DRM_COMMAND_BASE + 0x0d, struct drm_svmgpu_vm_madvise),
	       "ioctl numbers are append-only");
_Static_assert(DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS ==
	       DRM_IOWR(DRM_COMMAND_BASE + 0x0e,
			struct drm_svmgpu_vm_query_attrs),
	       "ioctl numbers are append-only");
_Static_assert(DRM_IOCTL_SVMGPU_WAIT_USER_FENCE ==
	       DRM_IOW(DRM_COMMAND_BASE + 0x0b,
		       struct drm_svmgpu_wait_user_fence),
	       "ioctl numbers are append-only");

_Static_assert(DRM_IOCTL_SVMGPU_DEVICE_QUERY ==
	       DRM_IOWR(DRM_COMMAND_BASE + 0x00, struct drm_svmgpu_device_query),
	       "ioctl numbers are append-only");
