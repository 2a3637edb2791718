// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * libsvmgpu: GPU virtual address spaces and VM_BIND.
 */
#include <stdlib.h>

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
