// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/svmgpu_drm.h>
#include <drm/ttm/ttm_tt.h>

#include "svmgpu_bo.h"
#include "svmgpu_device.h"
#include "svmgpu_drv.h"
#include "svmgpu_file.h"
#include "svmgpu_pt.h"
#include "svmgpu_sync.h"
#include "svmgpu_vm.h"

/**
 * DOC: VMs and VM_BIND
 *
 * A VM is a drm_gpuvm over the GPU's 48-bit address space, whose first
 * 64 KiB are reserved, plus a tree of GPU page tables and an address-space
 * id for the TLBs. Every BO mapped in a VM is an external object of the
 * drm_gpuvm, so a job locks and fences all of them (svmgpu_job.c).
 *
 * VM_BIND applies its operations synchronously. An OP_MAP inserts a
 * mapping and writes its leaves. An OP_UNMAP splits the mappings it
 * overlaps with drm_gpuvm's split/merge helpers; every mapping it touches
 * is unmapped whole, then what remains of it is mapped again, so that
 * large leaves never straddle a boundary. Before it changes any valid
 * leaf, VM_BIND waits until the VM is idle, and after, it invalidates the
 * TLBs and waits for the invalidation.
 *
 * The page tables always describe where each BO is now: when TTM moves a
 * BO, svmgpu_vm_bo_moved() rewrites every mapping of it before the move
 * completes.
 */

/* The first 64 KiB of every VM are never mapped: null pointers fault. */
#define SVMGPU_VM_RESERVED	SZ_64K

/**
 * struct svmgpu_va - A mapping.
 */
struct svmgpu_va {
	/** @base: The drm_gpuva. */
	struct drm_gpuva base;

	/** @readonly: The GPU may not write through it. */
	bool readonly;
};

static struct svmgpu_va *to_svmgpu_va(struct drm_gpuva *va)
{
	return container_of(va, struct svmgpu_va, base);
}

static u64 svmgpu_vm_va_end(struct svmgpu_vm *vm)
{
	return BIT_ULL(svmgpu_hw_caps(&vm->sdev->hw)->va_bits);
}

static void svmgpu_vm_free(struct drm_gpuvm *gpuvm)
{
	struct svmgpu_vm *vm = to_svmgpu_vm(gpuvm);
	struct svmgpu_device *sdev = vm->sdev;

	svmgpu_pt_destroy(sdev, vm->root);
	ida_free(&sdev->asid_ida, vm->asid);
	mutex_destroy(&vm->pt_lock);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

static const struct drm_gpuvm_ops svmgpu_gpuvm_ops = {
	.vm_free = svmgpu_vm_free,
};

/* Where the pages of @va are now. False if the GPU cannot reach them. */
static bool svmgpu_va_backing(struct drm_gpuva *va,
			      struct svmgpu_pt_backing *backing)
{
	struct ttm_buffer_object *tbo =
		container_of(va->gem.obj, struct ttm_buffer_object, base);
	u64 page = va->gem.offset >> PAGE_SHIFT;

	dma_resv_assert_held(tbo->base.resv);

	switch (tbo->resource->mem_type) {
	case TTM_PL_VRAM:
		backing->vram = ((u64)tbo->resource->start << PAGE_SHIFT) +
				va->gem.offset;
		backing->dma = NULL;
		return true;
	case TTM_PL_TT:
		backing->vram = 0;
		backing->dma = tbo->ttm->dma_address + page;
		return true;
	default:
		return false;
	}
}

/* Write the leaves of @va, if its BO is where the GPU can reach it. */
static int svmgpu_vm_map_va(struct svmgpu_vm *vm, struct drm_gpuva *va)
{
	struct svmgpu_pt_backing backing;

	lockdep_assert_held(&vm->pt_lock);

	if (!svmgpu_va_backing(va, &backing))
		return 0;
	return svmgpu_pt_map(vm->sdev, vm->root, va->va.addr, va->va.range,
			     &backing, !to_svmgpu_va(va)->readonly);
}

static void svmgpu_vm_flush_tlb(struct svmgpu_vm *vm)
{
	struct svmgpu_hw *hw = &vm->sdev->hw;

	svmgpu_hw_tlb_wait(hw, svmgpu_hw_tlb_invalidate(hw));
}

/**
 * svmgpu_vm_bo_moved() - Point every GPU mapping of a BO at its new memory.
 * @bo: The BO, whose reservation is held, just after TTM moved it.
 *
 * Called from the TTM move callback; the BO is idle.
 */
void svmgpu_vm_bo_moved(struct svmgpu_bo *bo)
{
	struct drm_gem_object *obj = &bo->tbo.base;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *va;

	dma_resv_assert_held(obj->resv);

	drm_gem_for_each_gpuvm_bo(vm_bo, obj) {
		struct svmgpu_vm *vm = to_svmgpu_vm(vm_bo->vm);

		mutex_lock(&vm->pt_lock);
		drm_gpuvm_bo_for_each_va(va, vm_bo) {
			svmgpu_pt_unmap(vm->sdev, vm->root, va->va.addr,
					va->va.range);
			/* Out of tables: the range faults until unmapped. */
			if (svmgpu_vm_map_va(vm, va))
				drm_warn_once(&vm->sdev->drm,
					      "page-table pool exhausted\n");
		}
		mutex_unlock(&vm->pt_lock);
		svmgpu_vm_flush_tlb(vm);
	}
}

static struct svmgpu_vm *svmgpu_vm_create(struct svmgpu_device *sdev)
{
	struct drm_gem_object *resv_obj;
	struct svmgpu_vm *vm;
	int asid;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return ERR_PTR(-ENOMEM);

	asid = ida_alloc_min(&sdev->asid_ida, 1, GFP_KERNEL);
	if (asid < 0) {
		kfree(vm);
		return ERR_PTR(asid);
	}

	vm->root = svmgpu_pt_create_root(sdev);
	resv_obj = drm_gpuvm_resv_object_alloc(&sdev->drm);
	if (!vm->root || !resv_obj) {
		svmgpu_pt_destroy(sdev, vm->root);
		ida_free(&sdev->asid_ida, asid);
		kfree(vm);
		if (resv_obj)
			drm_gem_object_put(resv_obj);
		return ERR_PTR(-ENOMEM);
	}

	vm->sdev = sdev;
	vm->asid = asid;
	vm->pid = task_tgid_nr(current);
	kref_init(&vm->users);
	mutex_init(&vm->lock);
	mutex_init(&vm->pt_lock);
	drm_gpuvm_init(&vm->gpuvm, "svmgpu", 0, &sdev->drm, resv_obj, 0,
		       BIT_ULL(svmgpu_hw_caps(&sdev->hw)->va_bits), 0,
		       SVMGPU_VM_RESERVED, &svmgpu_gpuvm_ops);
	/* drm_gpuvm holds its own reference on the resv object. */
	drm_gem_object_put(resv_obj);

	mutex_lock(&sdev->vms_lock);
	list_add_tail(&vm->link, &sdev->vms);
	mutex_unlock(&sdev->vms_lock);
	return vm;
}

/* Lock the BOs of every mapping that @ops removes. */
static int svmgpu_vm_lock_ops(struct drm_exec *exec, struct drm_gpuva_ops *ops)
{
	struct drm_gpuva_op *op;
	int ret = 0;

	drm_exec_until_all_locked(exec) {
		drm_gpuva_for_each_op(op, ops) {
			struct drm_gpuva *va = op->op == DRM_GPUVA_OP_REMAP ?
					       op->remap.unmap->va :
					       op->unmap.va;

			ret = drm_exec_lock_obj(exec, va->gem.obj);
			drm_exec_retry_on_contention(exec);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/*
 * Remove every mapping in [addr, addr + range). Caller holds vm->lock.
 * Waits are interruptible if @intr: not on teardown, which may run with a
 * fatal signal pending.
 */
static int svmgpu_vm_unmap(struct svmgpu_vm *vm, u64 addr, u64 range,
			   bool intr)
{
	struct svmgpu_va **pieces = NULL;
	struct drm_gpuva_ops *ops;
	struct drm_gpuva_op *op;
	struct drm_exec exec;
	unsigned int n = 0, i = 0;
	bool applied = false;
	long wait;
	int ret;

	lockdep_assert_held(&vm->lock);

	ops = drm_gpuvm_sm_unmap_ops_create(&vm->gpuvm, addr, range);
	if (IS_ERR(ops))
		return PTR_ERR(ops);

	/* Allocate the pieces that remain of split mappings up front. */
	drm_gpuva_for_each_op(op, ops)
		n += op->op == DRM_GPUVA_OP_REMAP ? 2 : 0;
	if (n) {
		pieces = kcalloc(n, sizeof(*pieces), GFP_KERNEL);
		for (i = 0; pieces && i < n; i++) {
			pieces[i] = kzalloc(sizeof(**pieces), GFP_KERNEL);
			if (!pieces[i])
				break;
		}
		if (!pieces || i < n) {
			ret = -ENOMEM;
			goto out_free;
		}
	}

	/* In-flight jobs may use these mappings: wait for the VM to idle. */
	wait = dma_resv_wait_timeout(drm_gpuvm_resv(&vm->gpuvm),
				     DMA_RESV_USAGE_BOOKKEEP, intr,
				     MAX_SCHEDULE_TIMEOUT);
	if (wait < 0) {
		ret = wait;
		goto out_free;
	}

	/* Several split mappings may share a BO: lock it once. */
	drm_exec_init(&exec, (intr ? DRM_EXEC_INTERRUPTIBLE_WAIT : 0) |
			     DRM_EXEC_IGNORE_DUPLICATES, 0);
	ret = svmgpu_vm_lock_ops(&exec, ops);
	if (ret)
		goto out_exec;

	i = 0;
	mutex_lock(&vm->pt_lock);
	drm_gpuva_for_each_op(op, ops) {
		struct drm_gpuva *old, *prev = NULL, *next = NULL;
		struct drm_gpuvm_bo *vm_bo;
		bool readonly;

		old = op->op == DRM_GPUVA_OP_REMAP ? op->remap.unmap->va :
						    op->unmap.va;
		readonly = to_svmgpu_va(old)->readonly;
		vm_bo = old->vm_bo;
		svmgpu_pt_unmap(vm->sdev, vm->root, old->va.addr,
				old->va.range);

		/*
		 * Unlinking may drop the last reference on the BO but the one
		 * drm_exec holds, and drm_exec_fini() would free it among
		 * locked BOs. Lockdep tracks same-class ww_mutexes held under
		 * one acquire context as one lock, named after the first one
		 * taken, and calls that "held lock freed". Keep the BOs until
		 * they are all unlocked; @old goes with them.
		 */
		drm_gem_object_get(old->gem.obj);
		if (op->op == DRM_GPUVA_OP_UNMAP) {
			drm_gpuva_unmap(&op->unmap);
			drm_gpuva_unlink(old);
			continue;
		}

		if (op->remap.prev) {
			pieces[i]->readonly = readonly;
			prev = &pieces[i]->base;
			pieces[i++] = NULL;
		}
		if (op->remap.next) {
			pieces[i]->readonly = readonly;
			next = &pieces[i]->base;
			pieces[i++] = NULL;
		}
		drm_gpuva_remap(prev, next, &op->remap);
		/* Link the pieces first: they keep vm_bo alive. */
		if (prev)
			drm_gpuva_link(prev, vm_bo);
		if (next)
			drm_gpuva_link(next, vm_bo);
		drm_gpuva_unlink(old);

		if ((prev && svmgpu_vm_map_va(vm, prev)) ||
		    (next && svmgpu_vm_map_va(vm, next)))
			ret = -ENOMEM;
	}
	mutex_unlock(&vm->pt_lock);
	applied = true;
	svmgpu_vm_flush_tlb(vm);

out_exec:
	drm_exec_fini(&exec);
	/* Free the mappings the ops removed, and drop their BOs. */
	drm_gpuva_for_each_op(op, ops) {
		struct drm_gpuva *old;

		if (!applied)
			break;
		old = op->op == DRM_GPUVA_OP_REMAP ? op->remap.unmap->va :
						    op->unmap.va;
		drm_gem_object_put(old->gem.obj);
		kfree(to_svmgpu_va(old));
	}
out_free:
	for (i = 0; i < n; i++)
		kfree(pieces[i]);
	kfree(pieces);
	drm_gpuva_ops_free(&vm->gpuvm, ops);
	return ret;
}

static int svmgpu_vm_map(struct svmgpu_vm *vm, struct drm_gem_object *obj,
			 const struct drm_svmgpu_vm_bind_op *op)
{
	struct ttm_operation_ctx ctx = { .interruptible = true };
	struct svmgpu_bo *bo = gem_to_svmgpu_bo(obj);
	struct drm_gpuvm_bo *vm_bo;
	struct svmgpu_va *va;
	int ret;

	lockdep_assert_held(&vm->lock);

	if (SVMGPU_IOCTL_DBG(&vm->sdev->drm,
			     drm_gpuva_find_first(&vm->gpuvm, op->addr,
						  op->range)))
		return -EINVAL;

	va = kzalloc(sizeof(*va), GFP_KERNEL);
	if (!va)
		return -ENOMEM;
	va->readonly = op->flags & DRM_SVMGPU_VM_BIND_READONLY;

	ret = dma_resv_lock_interruptible(obj->resv, NULL);
	if (ret)
		goto err_free;

	/* Swapped out: bring it back where the GPU can reach it. */
	if (bo->tbo.resource->mem_type == TTM_PL_SYSTEM) {
		ret = ttm_bo_validate(&bo->tbo, &bo->placement, &ctx);
		if (ret)
			goto err_unlock;
	}

	vm_bo = drm_gpuvm_bo_obtain(&vm->gpuvm, obj);
	if (IS_ERR(vm_bo)) {
		ret = PTR_ERR(vm_bo);
		goto err_unlock;
	}

	drm_gpuva_init(&va->base, op->addr, op->range, obj, op->bo_offset);
	ret = drm_gpuva_insert(&vm->gpuvm, &va->base);
	if (ret) {
		drm_gpuvm_bo_put(vm_bo);
		goto err_unlock;
	}
	drm_gpuva_link(&va->base, vm_bo);
	drm_gpuvm_bo_extobj_add(vm_bo);
	drm_gpuvm_bo_put(vm_bo);

	mutex_lock(&vm->pt_lock);
	ret = svmgpu_vm_map_va(vm, &va->base);
	if (ret)
		svmgpu_pt_unmap(vm->sdev, vm->root, op->addr, op->range);
	mutex_unlock(&vm->pt_lock);
	if (ret) {
		drm_gpuva_remove(&va->base);
		drm_gpuva_unlink(&va->base);
		dma_resv_unlock(obj->resv);
		kfree(va);
		/* Leaves may have been written and cached: flush them. */
		svmgpu_vm_flush_tlb(vm);
		return ret;
	}

	dma_resv_unlock(obj->resv);
	return 0;

err_unlock:
	dma_resv_unlock(obj->resv);
err_free:
	kfree(va);
	return ret;
}

/* Remove every mapping; the VM has no user left. */
static void svmgpu_vm_release(struct kref *kref)
{
	struct svmgpu_vm *vm = container_of(kref, struct svmgpu_vm, users);
	struct svmgpu_device *sdev = vm->sdev;
	u64 start = SVMGPU_VM_RESERVED;

	mutex_lock(&sdev->vms_lock);
	list_del(&vm->link);
	mutex_unlock(&sdev->vms_lock);

	/*
	 * Jobs end, or time out and are reset: wait for them without
	 * interruption. Unmapping the whole space splits nothing, so it
	 * allocates nothing and cannot fail.
	 */
	mutex_lock(&vm->lock);
	svmgpu_vm_unmap(vm, start, svmgpu_vm_va_end(vm) - start, false);
	mutex_unlock(&vm->lock);

	drm_gpuvm_put(&vm->gpuvm);
}

/**
 * svmgpu_vm_user_put() - Drop a user reference.
 * @vm: The VM.
 *
 * The last one removes every mapping. May sleep.
 */
void svmgpu_vm_user_put(struct svmgpu_vm *vm)
{
	kref_put(&vm->users, svmgpu_vm_release);
}

/**
 * svmgpu_vm_lookup() - Find a VM of a file and take a user reference.
 * @sfile: The file.
 * @id: The VM's id.
 *
 * Return: The VM, or NULL.
 */
struct svmgpu_vm *svmgpu_vm_lookup(struct svmgpu_file *sfile, u32 id)
{
	struct svmgpu_vm *vm;

	xa_lock(&sfile->vms);
	vm = xa_load(&sfile->vms, id);
	if (vm)
		kref_get(&vm->users);
	xa_unlock(&sfile->vms);
	return vm;
}

/**
 * svmgpu_vm_file_close() - Drop the VMs of a closing file.
 * @sfile: The file.
 */
void svmgpu_vm_file_close(struct svmgpu_file *sfile)
{
	struct svmgpu_vm *vm;
	unsigned long id;

	xa_for_each(&sfile->vms, id, vm)
		svmgpu_vm_user_put(vm);
	xa_destroy(&sfile->vms);
}

/**
 * svmgpu_vm_dump() - Print the mappings of every VM, for debugfs.
 * @sdev: The device.
 * @p: Where to print.
 */
void svmgpu_vm_dump(struct svmgpu_device *sdev, struct drm_printer *p)
{
	struct svmgpu_vm *vm;

	mutex_lock(&sdev->vms_lock);
	list_for_each_entry(vm, &sdev->vms, link) {
		drm_printf(p, "vm %u pid %d\n", vm->id, vm->pid);
		mutex_lock(&vm->pt_lock);
		svmgpu_pt_dump(vm->root, p);
		mutex_unlock(&vm->pt_lock);
	}
	mutex_unlock(&sdev->vms_lock);
}

/**
 * svmgpu_vm_create_ioctl() - DRM_IOCTL_SVMGPU_VM_CREATE.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_vm_create.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_vm_create_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct svmgpu_file *sfile = to_svmgpu_file(file);
	struct drm_svmgpu_vm_create *args = data;
	struct svmgpu_vm *vm;
	u32 id;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->flags))
		return -EINVAL;

	vm = svmgpu_vm_create(to_svmgpu_device(drm));
	if (IS_ERR(vm))
		return PTR_ERR(vm);

	ret = xa_alloc(&sfile->vms, &id, vm, SVMGPU_ID_LIMIT, GFP_KERNEL);
	if (ret) {
		svmgpu_vm_user_put(vm);
		return ret;
	}
	vm->id = id;
	args->vm_id = id;
	return 0;
}

/**
 * svmgpu_vm_destroy_ioctl() - DRM_IOCTL_SVMGPU_VM_DESTROY.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_vm_destroy.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_vm_destroy_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct drm_svmgpu_vm_destroy *args = data;
	struct svmgpu_vm *vm;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->pad))
		return -EINVAL;

	vm = xa_erase(&to_svmgpu_file(file)->vms, args->vm_id);
	if (!vm)
		return -ENOENT;

	svmgpu_vm_user_put(vm);
	return 0;
}

static int svmgpu_vm_check_op(struct svmgpu_vm *vm, struct drm_file *file,
			      const struct drm_svmgpu_vm_bind_op *op,
			      struct drm_gem_object **obj)
{
	struct drm_device *drm = &vm->sdev->drm;
	u64 end = svmgpu_vm_va_end(vm);

	*obj = NULL;
	if (SVMGPU_IOCTL_DBG(drm, op->pad) ||
	    SVMGPU_IOCTL_DBG(drm, op->op > DRM_SVMGPU_VM_BIND_OP_UNMAP) ||
	    SVMGPU_IOCTL_DBG(drm, !op->range) ||
	    SVMGPU_IOCTL_DBG(drm, !IS_ALIGNED(op->addr | op->range |
					      op->bo_offset, SZ_4K)) ||
	    SVMGPU_IOCTL_DBG(drm, op->addr < SVMGPU_VM_RESERVED ||
			     op->addr >= end || op->range > end - op->addr))
		return -EINVAL;

	if (op->op == DRM_SVMGPU_VM_BIND_OP_UNMAP) {
		if (SVMGPU_IOCTL_DBG(drm, op->flags || op->handle ||
				     op->bo_offset))
			return -EINVAL;
		return 0;
	}

	if (SVMGPU_IOCTL_DBG(drm, op->flags & ~DRM_SVMGPU_VM_BIND_READONLY))
		return -EINVAL;

	*obj = drm_gem_object_lookup(file, op->handle);
	if (!*obj)
		return -ENOENT;
	if (SVMGPU_IOCTL_DBG(drm, op->bo_offset >= (*obj)->size ||
			     op->range > (*obj)->size - op->bo_offset)) {
		drm_gem_object_put(*obj);
		*obj = NULL;
		return -EINVAL;
	}
	return 0;
}

/**
 * svmgpu_vm_bind_ioctl() - DRM_IOCTL_SVMGPU_VM_BIND.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_vm_bind.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_vm_bind_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct drm_svmgpu_vm_bind *args = data;
	struct drm_svmgpu_vm_bind_op *ops;
	struct drm_gem_object **objs;
	struct svmgpu_syncs syncs;
	struct svmgpu_vm *vm;
	u32 i;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->pad) ||
	    SVMGPU_IOCTL_DBG(drm, !args->num_ops ||
			     args->num_ops > DRM_SVMGPU_VM_BIND_MAX_OPS))
		return -EINVAL;

	vm = svmgpu_vm_lookup(to_svmgpu_file(file), args->vm_id);
	if (!vm)
		return -ENOENT;

	ops = kvmalloc_array(args->num_ops, sizeof(*ops), GFP_KERNEL);
	objs = kvcalloc(args->num_ops, sizeof(*objs), GFP_KERNEL);
	if (!ops || !objs) {
		ret = -ENOMEM;
		goto out_free;
	}
	if (copy_from_user(ops, u64_to_user_ptr(args->ops),
			   args->num_ops * sizeof(*ops))) {
		ret = -EFAULT;
		goto out_free;
	}

	for (i = 0; i < args->num_ops; i++) {
		ret = svmgpu_vm_check_op(vm, file, &ops[i], &objs[i]);
		if (ret)
			goto out_put;
	}

	ret = svmgpu_syncs_parse(file, args->syncs, args->num_syncs, &syncs);
	if (ret)
		goto out_put;

	ret = svmgpu_syncs_wait(file, &syncs);
	if (ret)
		goto out_syncs;

	ret = mutex_lock_interruptible(&vm->lock);
	if (ret)
		goto out_syncs;
	for (i = 0; i < args->num_ops && !ret; i++) {
		if (ops[i].op == DRM_SVMGPU_VM_BIND_OP_MAP)
			ret = svmgpu_vm_map(vm, objs[i], &ops[i]);
		else
			ret = svmgpu_vm_unmap(vm, ops[i].addr, ops[i].range,
					      true);
	}
	mutex_unlock(&vm->lock);

	if (!ret) {
		struct dma_fence *stub = dma_fence_get_stub();

		svmgpu_syncs_signal(&syncs, stub);
		dma_fence_put(stub);
	}

out_syncs:
	svmgpu_syncs_fini(&syncs);
out_put:
	for (i = 0; i < args->num_ops; i++)
		if (objs[i])
			drm_gem_object_put(objs[i]);
out_free:
	kvfree(objs);
	kvfree(ops);
	svmgpu_vm_user_put(vm);
	return ret;
}
