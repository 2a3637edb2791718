// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * libsvmgpu: GPU virtual address spaces and VM_BIND.
 */
#include <stdlib.h>
#include <string.h>

#include "svmgpu_priv.h"

SVMGPU_PUBLIC int svmgpu_vm_new_flags(struct svmgpu_device *dev,
				      uint32_t flags, struct svmgpu_vm **out)
{
	struct drm_svmgpu_vm_create req = {
		.flags = flags,
	};
	struct svmgpu_vm *vm;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev)
		return -EINVAL;

	/* Allocate first: no VM to destroy if we run out of memory. */
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;

	ret = svmgpu_ioctl(dev->fd, DRM_IOCTL_SVMGPU_VM_CREATE, &req);
	if (ret) {
		free(vm);
		return ret;
	}

	atomic_init(&vm->refcount, 1);
	vm->dev = svmgpu_device_ref(dev);
	vm->id = req.vm_id;
	vm->flags = flags;
	*out = vm;
	return 0;
}

SVMGPU_PUBLIC int svmgpu_vm_new(struct svmgpu_device *dev,
				struct svmgpu_vm **out)
{
	return svmgpu_vm_new_flags(dev, 0, out);
}

SVMGPU_PUBLIC int svmgpu_vm_new_svm(struct svmgpu_device *dev,
				    struct svmgpu_vm **out)
{
	struct svmgpu_vm *vm;
	uint64_t va_end;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev)
		return -EINVAL;
	/* The kernel would say so too, but only after VM_CREATE. */
	if (!svmgpu_device_has_system_svm(dev))
		return -EOPNOTSUPP;
	va_end = svmgpu_va_end(dev);
	if (!va_end)
		return -EPROTO;

	ret = svmgpu_vm_new_flags(dev, DRM_SVMGPU_VM_CREATE_FAULT_MODE, &vm);
	if (ret)
		return ret;

	/*
	 * Everything the VM can map. Above the CPU's user address space
	 * (1 << 47 on x86-64) nothing is mapped, so the GPU faults there
	 * as it does on any unmapped pointer.
	 */
	ret = svmgpu_vm_mirror(vm, SVMGPU_VA_START, va_end - SVMGPU_VA_START);
	if (ret) {
		svmgpu_vm_del(vm);
		return ret;
	}

	*out = vm;
	return 0;
}

SVMGPU_PUBLIC struct svmgpu_vm *svmgpu_vm_ref(struct svmgpu_vm *vm)
{
	if (vm)
		svmgpu_refcount_get(&vm->refcount);
	return vm;
}

SVMGPU_PUBLIC void svmgpu_vm_del(struct svmgpu_vm *vm)
{
	struct drm_svmgpu_vm_destroy req = { 0 };

	if (!vm || !svmgpu_refcount_put(&vm->refcount))
		return;

	/* The id is ours: an error would be a kernel bug, and nothing to do. */
	req.vm_id = vm->id;
	svmgpu_ioctl(vm->dev->fd, DRM_IOCTL_SVMGPU_VM_DESTROY, &req);

	svmgpu_device_del(vm->dev);
	free(vm);
}

SVMGPU_PUBLIC uint32_t svmgpu_vm_id(const struct svmgpu_vm *vm)
{
	return vm ? vm->id : 0;
}

SVMGPU_PUBLIC int svmgpu_vm_bind(struct svmgpu_vm *vm,
				 const struct drm_svmgpu_vm_bind_op *ops,
				 uint32_t num_ops,
				 const struct drm_svmgpu_sync *syncs,
				 uint32_t num_syncs)
{
	struct drm_svmgpu_vm_bind req = { 0 };

	if (!vm || (!ops && num_ops) || (!syncs && num_syncs))
		return -EINVAL;

	req.vm_id = vm->id;
	req.num_ops = num_ops;
	req.ops = (uintptr_t)ops;
	req.num_syncs = num_syncs;
	req.syncs = (uintptr_t)syncs;
	/*
	 * The kernel waits before it applies anything, so restarting on
	 * EINTR, as drmIoctl() does, cannot apply an operation twice.
	 */
	return svmgpu_ioctl(vm->dev->fd, DRM_IOCTL_SVMGPU_VM_BIND, &req);
}

SVMGPU_PUBLIC int svmgpu_vm_map(struct svmgpu_vm *vm, struct svmgpu_bo *bo,
				uint64_t bo_offset, uint64_t addr,
				uint64_t range, uint32_t flags)
{
	struct drm_svmgpu_vm_bind_op op = {
		.op = DRM_SVMGPU_VM_BIND_OP_MAP,
		.flags = flags,
		.bo_offset = bo_offset,
		.addr = addr,
		.range = range,
	};

	if (!vm || !bo)
		return -EINVAL;
	/* Handles are per DRM file, and each device has its own. */
	if (bo->dev != vm->dev)
		return -EXDEV;

	op.handle = bo->handle;
	return svmgpu_vm_bind(vm, &op, 1, NULL, 0);
}

SVMGPU_PUBLIC int svmgpu_vm_unmap(struct svmgpu_vm *vm, uint64_t addr,
				  uint64_t range)
{
	struct drm_svmgpu_vm_bind_op op = {
		.op = DRM_SVMGPU_VM_BIND_OP_UNMAP,
		.addr = addr,
		.range = range,
	};

	if (!vm)
		return -EINVAL;
	return svmgpu_vm_bind(vm, &op, 1, NULL, 0);
}

SVMGPU_PUBLIC int svmgpu_vm_mirror(struct svmgpu_vm *vm, uint64_t addr,
				   uint64_t range)
{
	struct drm_svmgpu_vm_bind_op op = {
		.op = DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR,
		.addr = addr,
		.range = range,
	};

	/* The kernel refuses mirrors outside fault mode: no need to ask. */
	if (!vm || !(vm->flags & DRM_SVMGPU_VM_CREATE_FAULT_MODE))
		return -EINVAL;
	return svmgpu_vm_bind(vm, &op, 1, NULL, 0);
}

/*
 * Whether @vm can take the calls of SVM migration: 0, or the error they
 * return without an ioctl.
 */
static int svmgpu_vm_migrate_check(const struct svmgpu_vm *vm)
{
	if (!vm)
		return -EINVAL;
	if (!svmgpu_device_has_svm_migrate(vm->dev))
		return -EOPNOTSUPP;
	/* The kernel refuses them outside fault mode: no need to ask. */
	if (!(vm->flags & DRM_SVMGPU_VM_CREATE_FAULT_MODE))
		return -EINVAL;
	return 0;
}

SVMGPU_PUBLIC int svmgpu_vm_madvise(struct svmgpu_vm *vm, uint64_t addr,
				    uint64_t range,
				    const struct svmgpu_svm_attrs *attrs)
{
	struct drm_svmgpu_vm_madvise req = { 0 };
	int ret;

	if (!attrs)
		return -EINVAL;
	ret = svmgpu_vm_migrate_check(vm);
	if (ret)
		return ret;

	req.vm_id = vm->id;
	req.flags = attrs->flags;
	req.addr = addr;
	req.range = range;
	req.preferred_loc = attrs->preferred_loc;
	req.preferred_fd = attrs->preferred_fd;
	req.atomic_mode = attrs->atomic_mode;
	/* Setting attributes twice is harmless: a restart may repeat it. */
	return svmgpu_ioctl(vm->dev->fd, DRM_IOCTL_SVMGPU_VM_MADVISE, &req);
}

SVMGPU_PUBLIC int svmgpu_vm_prefetch(struct svmgpu_vm *vm, uint64_t addr,
				     uint64_t range, uint32_t flags)
{
	struct drm_svmgpu_vm_bind_op op = {
		.op = DRM_SVMGPU_VM_BIND_OP_PREFETCH,
		.flags = flags,
		.addr = addr,
		.range = range,
	};
	int ret = svmgpu_vm_migrate_check(vm);

	if (ret)
		return ret;
	/* An interrupted prefetch keeps what it moved: restarting is fine. */
	return svmgpu_vm_bind(vm, &op, 1, NULL, 0);
}

static bool svmgpu_attr_same(const struct drm_svmgpu_vm_attr *a,
			     const struct drm_svmgpu_vm_attr *b)
{
	return a->flags == b->flags && a->preferred_loc == b->preferred_loc &&
	       a->atomic_mode == b->atomic_mode && a->location == b->location;
}

SVMGPU_PUBLIC int svmgpu_vm_query_attrs(struct svmgpu_vm *vm, uint64_t addr,
					uint64_t range, uint32_t flags,
					struct drm_svmgpu_vm_attr *attrs,
					uint32_t *num_attrs)
{
	uint64_t start = addr, end = addr + range;
	uint32_t room, written = 0;
	int ret;

	if (!attrs || !num_attrs || !*num_attrs || !range || end < addr)
		return -EINVAL;
	ret = svmgpu_vm_migrate_check(vm);
	if (ret)
		return ret;

	room = *num_attrs;
	while (start < end && written < room) {
		struct drm_svmgpu_vm_query_attrs req = { 0 };
		struct drm_svmgpu_vm_attr *first = &attrs[written];
		uint32_t n = room - written, i;

		if (n > DRM_SVMGPU_QUERY_ATTRS_MAX)
			n = DRM_SVMGPU_QUERY_ATTRS_MAX;
		req.vm_id = vm->id;
		req.flags = flags;
		req.addr = start;
		req.range = end - start;
		req.attrs = (uintptr_t)first;
		req.num_attrs = n;
		ret = svmgpu_ioctl(vm->dev->fd,
				   DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS, &req);
		if (ret)
			return ret;
		if (!req.num_attrs || req.num_attrs > n)
			return -EPROTO;

		/* The runs must tile [start, end) in order, from start. */
		for (i = 0; i < req.num_attrs; i++) {
			const struct drm_svmgpu_vm_attr *a = &first[i];

			if (a->addr != start || !a->range ||
			    a->range > end - start)
				return -EPROTO;
			start += a->range;
		}

		/* A run cut where the last call stopped continues here. */
		if (written && svmgpu_attr_same(&attrs[written - 1], first)) {
			attrs[written - 1].range += first->range;
			memmove(first, first + 1,
				(req.num_attrs - 1) * sizeof(*first));
			written--;
		}
		written += req.num_attrs;
	}

	*num_attrs = written;
	return 0;
}

SVMGPU_PUBLIC const char *svmgpu_svm_location_name(uint32_t location)
{
	switch (location) {
	case DRM_SVMGPU_LOC_NONE:
		return "none";
	case DRM_SVMGPU_LOC_SYSTEM:
		return "system";
	case DRM_SVMGPU_LOC_DEVICE:
		return "vram";
	case DRM_SVMGPU_LOC_MIXED:
		return "mixed";
	default:
		return "unknown";
	}
}
