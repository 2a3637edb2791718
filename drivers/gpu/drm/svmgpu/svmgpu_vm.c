// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/sched/mm.h>
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
#include "svmgpu_fdinfo.h"
#include "svmgpu_file.h"
#include "svmgpu_migrate.h"
#include "svmgpu_pt.h"
#include "svmgpu_svm.h"
#include "svmgpu_sync.h"
#include "svmgpu_trace.h"
#include "svmgpu_vm.h"

/**
 * DOC: VMs and VM_BIND
 *
 * A VM is a drm_gpuvm over the GPU's 48-bit address space, whose first
 * 64 KiB are reserved, plus a tree of GPU page tables and an address-space
 * id for the TLBs. Every BO mapped in a VM is an external object of the
 * drm_gpuvm, so a job locks and fences all of them (svmgpu_job.c).
 *
 * VM_BIND applies its operations synchronously, in two phases. First it
 * does everything that can wait or be interrupted: it waits for its
 * in-syncs, reserves the page tables its OP_MAPs need (new tables take
 * VRAM, which may evict BOs, so this comes before any BO is locked), locks
 * the VM's reservation, the BOs it maps and those of the
 * mappings its OP_UNMAPs overlap (one drm_exec transaction), brings
 * swapped BOs back, and, if any operation is an OP_UNMAP, waits until the
 * VM is idle. Holding the VM's reservation keeps EXEC from adding jobs
 * meanwhile. Nothing is
 * changed until all of that succeeded, so a signal leaves nothing applied
 * and the ioctl can be restarted from the start, as libdrm's drmIoctl()
 * does on -EINTR. Then it applies the operations, which neither wait nor
 * sleep interruptibly, and invalidates the TLBs once at the end.
 *
 * An OP_MAP inserts a mapping and writes its leaves. An OP_UNMAP splits
 * the mappings it overlaps with drm_gpuvm's split/merge helpers; every
 * mapping it touches is unmapped whole, then what remains of it is mapped
 * again, so that large leaves never straddle a boundary.
 *
 * Teardown, when the VM's last user goes, cannot fail: it waits for the
 * VM's jobs without interruption, then removes the mappings one by one,
 * locking one BO at a time, with no memory allocation, and invalidates the
 * VM's TLB entries before the address-space id can be reused. A fault-mode
 * VM then moves the memory its migrations put in VRAM back to system
 * memory (svmgpu_migrate_release()), or hands it to another VM of the
 * device that mirrors the same process (svmgpu_migrate_reown()).
 *
 * The page tables always describe where each BO is now: when TTM moves a
 * BO, svmgpu_vm_bo_moved() rewrites every mapping of it before the move
 * completes.
 *
 * Fault-mode VMs differ in three ways (DOC: shared virtual memory in the
 * uAPI and in svmgpu_svm.c). OP_MAP_MIRROR inserts a mapping without a BO,
 * whose page tables the faults fill range by range; splitting or removing
 * one drops the ranges it overlaps. Their jobs do not fence their BOs, so
 * a BO move clears the BO's mappings before the copy is queued
 * (svmgpu_vm_bo_move_notify()) instead of rewriting them after, and the
 * next GPU access faults and maps the BO again once the move is done
 * (svmgpu_vm_fault()). And the device's fault worker finds them by
 * address-space id (svmgpu_vm_lookup_asid()).
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

	/** @mirror: It mirrors the CPU's address space; it has no BO. */
	bool mirror;

	/**
	 * @dead: In VM_BIND's list of removed mappings, which hold a
	 * reference on their BO until the bind has unlocked every BO.
	 */
	struct list_head dead;
};

static struct svmgpu_va *to_svmgpu_va(struct drm_gpuva *va)
{
	return container_of(va, struct svmgpu_va, base);
}

static u64 svmgpu_vm_va_end(struct svmgpu_vm *vm)
{
	return BIT_ULL(svmgpu_hw_caps(vm->sdev->hw)->va_bits);
}

/**
 * svmgpu_vm_range_valid() - Whether user space may name a range of a VM.
 * @vm: The VM.
 * @addr: Start of the range.
 * @range: Its size.
 *
 * Return: Whether both are multiples of 4 KiB, @range is not zero, and the
 * range lies inside the VM's address space, above its first 64 KiB.
 */
bool svmgpu_vm_range_valid(struct svmgpu_vm *vm, u64 addr, u64 range)
{
	u64 end = svmgpu_vm_va_end(vm);

	return range && IS_ALIGNED(addr | range, SZ_4K) &&
	       addr >= SVMGPU_VM_RESERVED && addr < end &&
	       range <= end - addr;
}

static void svmgpu_vm_free(struct drm_gpuvm *gpuvm)
{
	struct svmgpu_vm *vm = to_svmgpu_vm(gpuvm);
	struct svmgpu_device *sdev = vm->sdev;

	/* svmgpu_vm_release() flushed the TLBs after the last unmap. */
	svmgpu_pt_tree_fini(&vm->pt);
	svmgpu_file_stats_put(vm->stats);
	ida_free(&sdev->asid_ida, vm->asid);
	mutex_destroy(&vm->pt_lock);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

static int svmgpu_vm_step_unmap(struct drm_gpuva_op *op, void *priv);
static int svmgpu_vm_step_remap(struct drm_gpuva_op *op, void *priv);

static const struct drm_gpuvm_ops svmgpu_gpuvm_ops = {
	.vm_free = svmgpu_vm_free,
	.sm_step_unmap = svmgpu_vm_step_unmap,
	.sm_step_remap = svmgpu_vm_step_remap,
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

/*
 * Write the leaves of @va, if its BO is where the GPU can reach it. The
 * range is reserved, so this allocates nothing and cannot fail. In a
 * fault-mode VM, whose jobs do not wait for the kernel's work on the BO,
 * only once that work (a clear, a move) is done: until then the GPU
 * faults, and the fault waits.
 */
static void svmgpu_vm_map_va(struct svmgpu_vm *vm, struct drm_gpuva *va)
{
	struct svmgpu_pt_backing backing;

	lockdep_assert_held(&vm->pt_lock);

	if (vm->fault_mode &&
	    !dma_resv_test_signaled(va->gem.obj->resv, DMA_RESV_USAGE_KERNEL))
		return;
	if (svmgpu_va_backing(va, &backing))
		svmgpu_pt_map(&vm->pt, va->va.addr, va->va.range, &backing,
			      !to_svmgpu_va(va)->readonly);
}

/*
 * Invalidate the VM's TLB entries, then free the tables nothing can walk
 * any more. Under pt_lock, so that no table is unlinked between the invalidation
 * and the freeing.
 */
static void svmgpu_vm_flush_tlb(struct svmgpu_vm *vm)
{
	struct svmgpu_hw *hw = vm->sdev->hw;
	u64 seqno;

	mutex_lock(&vm->pt_lock);
	seqno = svmgpu_hw_tlb_invalidate(hw, vm->asid, 0, U64_MAX);
	svmgpu_hw_tlb_wait(hw, seqno);
	svmgpu_pt_free_stale(&vm->pt);
	mutex_unlock(&vm->pt_lock);
}

/**
 * svmgpu_vm_bo_move_notify() - Clear a BO's mappings in fault-mode VMs.
 * @bo: The BO, whose reservation is held, about to be moved.
 *
 * Called from the TTM move callback before the copy is queued: once it
 * returns, no engine reaches the BO's old memory through a fault-mode VM,
 * whose jobs do not fence the BO. The GPU faults the mappings back in.
 */
void svmgpu_vm_bo_move_notify(struct svmgpu_bo *bo)
{
	struct drm_gem_object *obj = &bo->tbo.base;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *va;

	dma_resv_assert_held(obj->resv);

	drm_gem_for_each_gpuvm_bo(vm_bo, obj) {
		struct svmgpu_vm *vm = to_svmgpu_vm(vm_bo->vm);

		if (!vm->fault_mode)
			continue;
		mutex_lock(&vm->pt_lock);
		drm_gpuvm_bo_for_each_va(va, vm_bo)
			svmgpu_pt_unmap(&vm->pt, va->va.addr, va->va.range);
		mutex_unlock(&vm->pt_lock);
		svmgpu_vm_flush_tlb(vm);
	}
}

/**
 * svmgpu_vm_bo_moved() - Point every GPU mapping of a BO at its new memory.
 * @bo: The BO, whose reservation is held, just after TTM moved it.
 *
 * Called from the TTM move callback; the BO is idle. Fault-mode VMs keep
 * the mappings svmgpu_vm_bo_move_notify() cleared until the GPU faults.
 */
void svmgpu_vm_bo_moved(struct svmgpu_bo *bo)
{
	struct drm_gem_object *obj = &bo->tbo.base;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *va;

	dma_resv_assert_held(obj->resv);

	drm_gem_for_each_gpuvm_bo(vm_bo, obj) {
		struct svmgpu_vm *vm = to_svmgpu_vm(vm_bo->vm);

		if (vm->fault_mode)
			continue;

		/* The tables are reserved: this cannot fail. */
		mutex_lock(&vm->pt_lock);
		drm_gpuvm_bo_for_each_va(va, vm_bo) {
			svmgpu_pt_unmap(&vm->pt, va->va.addr, va->va.range);
			svmgpu_vm_map_va(vm, va);
		}
		mutex_unlock(&vm->pt_lock);
		svmgpu_vm_flush_tlb(vm);
	}
}

static struct svmgpu_vm *svmgpu_vm_create(struct svmgpu_device *sdev,
					  struct svmgpu_file *sfile,
					  bool fault_mode)
{
	struct drm_gem_object *resv_obj;
	struct svmgpu_vm *vm;
	int asid, ret;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return ERR_PTR(-ENOMEM);

	asid = ida_alloc_min(&sdev->asid_ida, 1, GFP_KERNEL);
	if (asid < 0) {
		kfree(vm);
		return ERR_PTR(asid);
	}

	mutex_init(&vm->lock);
	mutex_init(&vm->pt_lock);
	/*
	 * Nothing allocates under pt_lock (DOC: page tables), so that
	 * reclaim may take it: tell lockdep, which then reports any
	 * allocation under it.
	 */
	if (IS_ENABLED(CONFIG_LOCKDEP)) {
		fs_reclaim_acquire(GFP_KERNEL);
		mutex_lock(&vm->pt_lock);
		mutex_unlock(&vm->pt_lock);
		fs_reclaim_release(GFP_KERNEL);
	}

	/* The VM's tables are charged to its file's stats, which it keeps. */
	vm->stats = svmgpu_file_stats_get(sfile->stats);
	ret = svmgpu_pt_tree_init(&vm->pt, &sdev->pt_pool, sdev->hw,
				  &vm->pt_lock, sdev->pt_file_max,
				  &vm->stats->pt_quota, false);
	if (ret)
		goto err_put_stats;

	resv_obj = drm_gpuvm_resv_object_alloc(&sdev->drm);
	if (!resv_obj) {
		ret = -ENOMEM;
		goto err_fini_pt;
	}

	if (fault_mode) {
		ret = svmgpu_svm_init(vm);
		if (ret)
			goto err_put_resv;
		/* The slot the VM is published in below, once complete. */
		ret = xa_reserve(&sdev->fault_vms, asid, GFP_KERNEL);
		if (ret)
			goto err_fini_svm;
	}

	vm->sdev = sdev;
	vm->asid = asid;
	vm->fault_mode = fault_mode;
	vm->pid = task_tgid_nr(current);
	kref_init(&vm->users);
	drm_gpuvm_init(&vm->gpuvm, "svmgpu", 0, &sdev->drm, resv_obj, 0,
		       BIT_ULL(svmgpu_hw_caps(sdev->hw)->va_bits), 0,
		       SVMGPU_VM_RESERVED, &svmgpu_gpuvm_ops);
	/* drm_gpuvm holds its own reference on the resv object. */
	drm_gem_object_put(resv_obj);

	mutex_lock(&sdev->vms_lock);
	list_add_tail(&vm->link, &sdev->vms);
	mutex_unlock(&sdev->vms_lock);

	/* Into the reserved slot: the fault worker may find it now. */
	if (fault_mode)
		xa_store(&sdev->fault_vms, asid, vm, GFP_KERNEL);
	return vm;

err_fini_svm:
	mmdrop(vm->svm.mm);
err_put_resv:
	drm_gem_object_put(resv_obj);
err_fini_pt:
	svmgpu_pt_tree_fini(&vm->pt);
err_put_stats:
	svmgpu_file_stats_put(vm->stats);
	ida_free(&sdev->asid_ida, asid);
	mutex_destroy(&vm->pt_lock);
	mutex_destroy(&vm->lock);
	kfree(vm);
	return ERR_PTR(ret);
}

/**
 * struct svmgpu_vm_unmap_ctx - State of one OP_UNMAP, for drm_gpuvm's steps.
 */
struct svmgpu_vm_unmap_ctx {
	/** @vm: The VM. */
	struct svmgpu_vm *vm;

	/** @dead: Where removed mappings go. */
	struct list_head *dead;

	/**
	 * @pieces: What may remain of split mappings: a range splits at most
	 * the first mapping it overlaps (the piece before it) and the last
	 * one (the piece after it).
	 */
	struct svmgpu_va *pieces[2];
};

/* Take a removed mapping out of the page tables; it dies with the bind. */
static void svmgpu_vm_unmap_va(struct svmgpu_vm_unmap_ctx *ctx,
			       struct drm_gpuva *old)
{
	list_add_tail(&to_svmgpu_va(old)->dead, ctx->dead);
	if (to_svmgpu_va(old)->mirror)
		return;
	svmgpu_pt_unmap(&ctx->vm->pt, old->va.addr, old->va.range);
	/*
	 * Unlinking may drop the last reference on the BO but the one
	 * drm_exec holds, and drm_exec_fini() would free it among locked
	 * BOs. Lockdep tracks same-class ww_mutexes held under one acquire
	 * context as one lock, named after the first one taken, and calls
	 * that "held lock freed". Keep the BOs until they are all unlocked;
	 * @old goes with them.
	 */
	drm_gem_object_get(old->gem.obj);
}

static struct svmgpu_va *svmgpu_vm_take_piece(struct svmgpu_vm_unmap_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ctx->pieces); i++) {
		struct svmgpu_va *piece = ctx->pieces[i];

		if (piece) {
			ctx->pieces[i] = NULL;
			return piece;
		}
	}
	return NULL;
}

static int svmgpu_vm_step_unmap(struct drm_gpuva_op *op, void *priv)
{
	struct svmgpu_vm_unmap_ctx *ctx = priv;
	struct drm_gpuva *old = op->unmap.va;

	svmgpu_vm_unmap_va(ctx, old);
	drm_gpuva_unmap(&op->unmap);
	drm_gpuva_unlink(old);
	if (to_svmgpu_va(old)->mirror)
		svmgpu_svm_remove(ctx->vm, old->va.addr,
				  old->va.addr + old->va.range);
	else
		svmgpu_pt_release(&ctx->vm->pt, old->va.addr, old->va.range);
	return 0;
}

/*
 * Take @old, which @op splits, out of the page tables, and put the pieces
 * that remain of it, like it, in the tree in its place.
 */
static void svmgpu_vm_remap_pieces(struct svmgpu_vm_unmap_ctx *ctx,
				   struct drm_gpuva_op *op,
				   struct drm_gpuva **prev,
				   struct drm_gpuva **next)
{
	struct svmgpu_va *old = to_svmgpu_va(op->remap.unmap->va), *piece;

	svmgpu_vm_unmap_va(ctx, &old->base);
	*prev = NULL;
	*next = NULL;
	if (op->remap.prev) {
		piece = svmgpu_vm_take_piece(ctx);
		piece->readonly = old->readonly;
		piece->mirror = old->mirror;
		*prev = &piece->base;
	}
	if (op->remap.next) {
		piece = svmgpu_vm_take_piece(ctx);
		piece->readonly = old->readonly;
		piece->mirror = old->mirror;
		*next = &piece->base;
	}
	drm_gpuva_remap(*prev, *next, &op->remap);
}

/* Split a mirror: drop what was faulted in where it goes. */
static int svmgpu_vm_step_remap_mirror(struct svmgpu_vm_unmap_ctx *ctx,
				       struct drm_gpuva_op *op)
{
	struct drm_gpuva *old = op->remap.unmap->va, *prev, *next;
	u64 start = old->va.addr, end = old->va.addr + old->va.range;

	svmgpu_vm_remap_pieces(ctx, op, &prev, &next);
	if (prev)
		start = prev->va.addr + prev->va.range;
	if (next)
		end = next->va.addr;
	svmgpu_svm_remove(ctx->vm, start, end);
	return 0;
}

static int svmgpu_vm_step_remap(struct drm_gpuva_op *op, void *priv)
{
	struct svmgpu_vm_unmap_ctx *ctx = priv;
	struct svmgpu_vm *vm = ctx->vm;
	struct drm_gpuva *old = op->remap.unmap->va, *prev, *next;
	struct drm_gpuvm_bo *vm_bo = old->vm_bo;

	if (to_svmgpu_va(old)->mirror)
		return svmgpu_vm_step_remap_mirror(ctx, op);

	/* Every mapping it touches is unmapped whole (DOC: VMs and VM_BIND). */
	svmgpu_vm_remap_pieces(ctx, op, &prev, &next);
	/* Link the pieces first: they keep vm_bo alive. */
	if (prev)
		drm_gpuva_link(prev, vm_bo);
	if (next)
		drm_gpuva_link(next, vm_bo);
	drm_gpuva_unlink(old);

	/* The pieces lie inside @old: reserve them before it goes. */
	if (prev) {
		svmgpu_pt_reserve_inside(&vm->pt, prev->va.addr,
					 prev->va.range);
		svmgpu_vm_map_va(vm, prev);
	}
	if (next) {
		svmgpu_pt_reserve_inside(&vm->pt, next->va.addr,
					 next->va.range);
		svmgpu_vm_map_va(vm, next);
	}
	svmgpu_pt_release(&vm->pt, old->va.addr, old->va.range);
	return 0;
}

/*
 * Remove every mapping in [addr, addr + range). The caller holds vm->lock,
 * the VM's reservation and those of the BOs mapped in the range, and has
 * waited for the VM to idle. The removed mappings go to @dead, each holding
 * a reference on its BO; the caller flushes the TLBs before it frees them.
 *
 * The only allocations are the two pieces a split may need, made first:
 * drm_gpuvm_sm_unmap() then calls our steps, which allocate nothing, so
 * an OP_UNMAP either fails with -ENOMEM having changed nothing, or
 * completes.
 */
static int svmgpu_vm_unmap(struct svmgpu_vm *vm, u64 addr, u64 range,
			   struct list_head *dead)
{
	struct svmgpu_vm_unmap_ctx ctx = { .vm = vm, .dead = dead };
	unsigned int i;
	int ret = 0;

	lockdep_assert_held(&vm->lock);
	dma_resv_assert_held(drm_gpuvm_resv(&vm->gpuvm));

	for (i = 0; i < ARRAY_SIZE(ctx.pieces); i++) {
		ctx.pieces[i] = kzalloc(sizeof(*ctx.pieces[i]), GFP_KERNEL);
		if (!ctx.pieces[i]) {
			ret = -ENOMEM;
			goto out_free;
		}
	}

	mutex_lock(&vm->pt_lock);
	ret = drm_gpuvm_sm_unmap(&vm->gpuvm, &ctx, addr, range);
	mutex_unlock(&vm->pt_lock);

out_free:
	for (i = 0; i < ARRAY_SIZE(ctx.pieces); i++)
		kfree(ctx.pieces[i]);
	return ret;
}

/*
 * Make room for an OP_MAP in a fault-mode VM by removing the part of a
 * mirror it lands on: -EINVAL if anything else is there, -EBUSY if the
 * GPU faulted memory in there.
 */
static int svmgpu_vm_map_over_mirror(struct svmgpu_vm *vm,
				     const struct drm_svmgpu_vm_bind_op *op,
				     struct list_head *dead)
{
	struct drm_device *drm = &vm->sdev->drm;
	u64 end = op->addr + op->range;
	struct drm_gpuva *va;

	drm_gpuvm_for_each_va_range(va, &vm->gpuvm, op->addr, end)
		if (SVMGPU_IOCTL_DBG(drm, !to_svmgpu_va(va)->mirror))
			return -EINVAL;
	if (SVMGPU_IOCTL_DBG(drm, svmgpu_svm_busy(vm, op->addr, end)))
		return -EBUSY;
	return svmgpu_vm_unmap(vm, op->addr, op->range, dead);
}

/*
 * Map @obj as @op says. The caller holds vm->lock and the reservations of
 * the VM and of @obj, which it has brought back from swap, and reserved
 * the page tables of @op's range, which the mapping takes over; on
 * failure they are released.
 */
static int svmgpu_vm_map(struct svmgpu_vm *vm, struct drm_gem_object *obj,
			 const struct drm_svmgpu_vm_bind_op *op,
			 struct list_head *dead)
{
	struct drm_gpuvm_bo *vm_bo;
	struct svmgpu_va *va;
	int ret;

	lockdep_assert_held(&vm->lock);
	dma_resv_assert_held(obj->resv);

	ret = -ENOMEM;
	va = kzalloc(sizeof(*va), GFP_KERNEL);
	if (!va)
		goto err_release;
	va->readonly = op->flags & DRM_SVMGPU_VM_BIND_READONLY;

	vm_bo = drm_gpuvm_bo_obtain(&vm->gpuvm, obj);
	if (IS_ERR(vm_bo)) {
		ret = PTR_ERR(vm_bo);
		goto err_free;
	}

	/*
	 * A BO replaces the part of a mirror it lands on, if untouched:
	 * after the allocations, so that a failure leaves the mirror whole.
	 */
	if (drm_gpuva_find_first(&vm->gpuvm, op->addr, op->range)) {
		ret = svmgpu_vm_map_over_mirror(vm, op, dead);
		if (ret)
			goto err_put_vm_bo;
	}

	drm_gpuva_init(&va->base, op->addr, op->range, obj, op->bo_offset);
	ret = drm_gpuva_insert(&vm->gpuvm, &va->base);
	if (ret)
		goto err_put_vm_bo;
	drm_gpuva_link(&va->base, vm_bo);
	drm_gpuvm_bo_extobj_add(vm_bo);
	drm_gpuvm_bo_put(vm_bo);

	mutex_lock(&vm->pt_lock);
	svmgpu_vm_map_va(vm, &va->base);
	mutex_unlock(&vm->pt_lock);
	return 0;

err_put_vm_bo:
	drm_gpuvm_bo_put(vm_bo);
err_free:
	kfree(va);
err_release:
	/* Nothing was linked: the bind's TLB flush frees the tables. */
	mutex_lock(&vm->pt_lock);
	svmgpu_pt_release(&vm->pt, op->addr, op->range);
	mutex_unlock(&vm->pt_lock);
	return ret;
}

/* OP_MAP_MIRROR. The caller holds vm->lock and the VM's reservation. */
static int svmgpu_vm_map_mirror(struct svmgpu_vm *vm,
				const struct drm_svmgpu_vm_bind_op *op)
{
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
	va->mirror = true;
	/* No BO and no page tables: faults reserve them range by range. */
	drm_gpuva_init(&va->base, op->addr, op->range, NULL, 0);
	ret = drm_gpuva_insert(&vm->gpuvm, &va->base);
	if (ret)
		kfree(va);
	return ret;
}

/*
 * Remove one mapping at teardown: lock its BO alone, unmap and unlink it.
 * Allocates nothing, so it cannot fail.
 */
static void svmgpu_vm_teardown_va(struct svmgpu_vm *vm, struct drm_gpuva *va)
{
	struct drm_gem_object *obj = va->gem.obj;

	/* svmgpu_svm_fini() drops what a mirror faulted in. */
	if (to_svmgpu_va(va)->mirror) {
		drm_gpuva_remove(va);
		kfree(to_svmgpu_va(va));
		return;
	}

	/* Unlinking may drop the vm_bo's reference on @obj. */
	drm_gem_object_get(obj);
	dma_resv_lock(obj->resv, NULL);
	mutex_lock(&vm->pt_lock);
	svmgpu_pt_unmap(&vm->pt, va->va.addr, va->va.range);
	svmgpu_pt_release(&vm->pt, va->va.addr, va->va.range);
	mutex_unlock(&vm->pt_lock);
	drm_gpuva_remove(va);
	drm_gpuva_unlink(va);
	dma_resv_unlock(obj->resv);
	drm_gem_object_put(obj);
	kfree(to_svmgpu_va(va));
}

/*
 * The memory that the migrations of @vm, a dying fault-mode VM of @mm,
 * put in VRAM goes to another VM of the device mirroring @mm, which may
 * be using it, or else back to system memory. A VM still listed under
 * vms_lock has not begun its own release, whose eviction then covers what
 * it inherits. Takes chunk reservations: call with no lock held.
 */
static void svmgpu_vm_release_vram(struct svmgpu_vm *vm,
				   struct mm_struct *mm)
{
	struct svmgpu_device *sdev = vm->sdev;
	struct svmgpu_vm *heir = NULL, *other;

	lockdep_assert_not_held(&vm->lock);
	mutex_lock(&sdev->vms_lock);
	list_for_each_entry(other, &sdev->vms, link) {
		if (other->fault_mode && other->svm.mm == mm) {
			heir = other;
			break;
		}
	}
	if (heir)
		svmgpu_migrate_reown(sdev, vm, heir);
	mutex_unlock(&sdev->vms_lock);
	if (!heir)
		svmgpu_migrate_release(sdev, vm);
}

/* Remove every mapping; the VM has no user left. Cannot fail. */
static void svmgpu_vm_release(struct kref *kref)
{
	struct svmgpu_vm *vm = container_of(kref, struct svmgpu_vm, users);
	struct svmgpu_device *sdev = vm->sdev;
	struct mm_struct *mm = NULL;
	struct drm_gpuva *va, *next;

	mutex_lock(&sdev->vms_lock);
	list_del(&vm->link);
	mutex_unlock(&sdev->vms_lock);

	/*
	 * No queue is left, so no job can be added. Those in flight end,
	 * or time out and are reset: wait for them without interruption.
	 * Their faults are still serviced meanwhile.
	 */
	dma_resv_wait_timeout(drm_gpuvm_resv(&vm->gpuvm),
			      DMA_RESV_USAGE_BOOKKEEP, false,
			      MAX_SCHEDULE_TIMEOUT);
	if (vm->fault_mode)
		xa_erase(&sdev->fault_vms, vm->asid);

	mutex_lock(&vm->lock);
	/* A fault the worker took before the VM left fault_vms fails. */
	vm->dead = true;
	drm_gpuvm_for_each_va_safe(va, next, &vm->gpuvm) {
		/* The reserved first 64 KiB is a node of the tree too. */
		if (va != &vm->gpuvm.kernel_alloc_node)
			svmgpu_vm_teardown_va(vm, va);
	}
	if (vm->fault_mode) {
		/* Its mm is only compared, but not reused meanwhile. */
		mm = vm->svm.mm;
		mmgrab(mm);
		svmgpu_svm_fini(vm);
	}
	mutex_unlock(&vm->lock);
	if (vm->fault_mode) {
		svmgpu_vm_release_vram(vm, mm);
		mmdrop(mm);
	}

	/*
	 * Whatever the TLBs still hold for this address-space id goes
	 * before svmgpu_vm_free() lets another VM reuse the id.
	 */
	svmgpu_vm_flush_tlb(vm);
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
 * svmgpu_vm_user_get() - Take a user reference, unless the VM has none left.
 * @vm: The VM, whose structure the caller keeps alive (a drm_gpuvm
 * reference).
 *
 * Return: Whether the reference was taken. Drop it with
 * svmgpu_vm_user_put().
 */
bool svmgpu_vm_user_get(struct svmgpu_vm *vm)
{
	return kref_get_unless_zero(&vm->users);
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
 * svmgpu_vm_lookup_asid() - Find a fault-mode VM by address-space id.
 * @sdev: The device.
 * @asid: The id a GPU fault reported.
 *
 * Return: The VM, with a drm_gpuvm reference, or NULL if no live
 * fault-mode VM has the id.
 */
struct svmgpu_vm *svmgpu_vm_lookup_asid(struct svmgpu_device *sdev, u32 asid)
{
	struct svmgpu_vm *vm;

	/* A VM leaves the table before its last drm_gpuvm reference goes. */
	xa_lock(&sdev->fault_vms);
	vm = xa_load(&sdev->fault_vms, asid);
	if (vm)
		drm_gpuvm_get(&vm->gpuvm);
	xa_unlock(&sdev->fault_vms);
	return vm;
}

/*
 * Map a BO's mappings in @vm again after a move cleared them, once the
 * move's copy is done. Without vm->lock (evict_sem comes first); the BO's
 * reservation keeps its mappings, and their page tables, in place.
 */
static int svmgpu_vm_fault_bo(struct svmgpu_vm *vm, struct drm_gem_object *obj)
{
	struct ttm_operation_ctx ctx = { .interruptible = false };
	struct svmgpu_device *sdev = vm->sdev;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *va;
	int ret = 0;
	long wait;

	svmgpu_stats_add(&sdev->stats, SVMGPU_STAT_SVM_BO_FAULTS, 1);

	down_read(&sdev->evict_sem);
	dma_resv_lock(obj->resv, NULL);
	/*
	 * Where the GPU can reach it, it is mapped where it is: pulling it
	 * back into VRAM would evict others on every fault. Swapped out, it
	 * comes back; one BO, no ww transaction, so any placement will do.
	 */
	if (gem_to_svmgpu_bo(obj)->tbo.resource->mem_type == TTM_PL_SYSTEM) {
		ret = svmgpu_bo_validate(gem_to_svmgpu_bo(obj), &ctx, true);
		if (ret)
			goto out_unlock;
	}

	wait = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_KERNEL, false,
				     MAX_SCHEDULE_TIMEOUT);
	if (wait < 0) {
		ret = wait;
		goto out_unlock;
	}

	mutex_lock(&vm->pt_lock);
	drm_gem_for_each_gpuvm_bo(vm_bo, obj) {
		if (vm_bo->vm != &vm->gpuvm)
			continue;
		drm_gpuvm_bo_for_each_va(va, vm_bo) {
			svmgpu_pt_unmap(&vm->pt, va->va.addr, va->va.range);
			svmgpu_vm_map_va(vm, va);
		}
	}
	mutex_unlock(&vm->pt_lock);

out_unlock:
	dma_resv_unlock(obj->resv);
	up_read(&sdev->evict_sem);
	return ret;
}

/**
 * svmgpu_vm_fault() - Service a GPU fault of a fault-mode VM.
 * @vm: The VM, referenced.
 * @addr: The GPU address that faulted.
 * @access: How the engine accessed it.
 *
 * Called by the fault worker, in no particular process.
 *
 * Return: 0 when the engine may replay the access, or the negative error
 * code of an unrecoverable fault.
 */
int svmgpu_vm_fault(struct svmgpu_vm *vm, u64 addr,
		    enum svmgpu_hw_access access)
{
	bool write = access != SVMGPU_HW_ACCESS_READ;
	struct drm_gem_object *obj;
	struct drm_gpuva *va;
	int ret = -EFAULT;

	mutex_lock(&vm->lock);
	if (vm->dead)
		goto out_unlock;
	va = drm_gpuva_find_first(&vm->gpuvm, ALIGN_DOWN(addr, SZ_4K), SZ_4K);
	if (!va || va == &vm->gpuvm.kernel_alloc_node)
		goto out_unlock;

	if (to_svmgpu_va(va)->mirror) {
		ret = svmgpu_svm_fault(vm, va->va.addr,
				       va->va.addr + va->va.range, addr, access);
		goto out_unlock;
	}

	if (write && to_svmgpu_va(va)->readonly) {
		ret = -EPERM;
		goto out_unlock;
	}
	obj = va->gem.obj;
	drm_gem_object_get(obj);
	mutex_unlock(&vm->lock);

	ret = svmgpu_vm_fault_bo(vm, obj);
	drm_gem_object_put(obj);
	return ret;

out_unlock:
	mutex_unlock(&vm->lock);
	return ret;
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
		svmgpu_pt_dump(&vm->pt, p);
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
	struct svmgpu_device *sdev = to_svmgpu_device(drm);
	struct svmgpu_file *sfile = to_svmgpu_file(file);
	struct drm_svmgpu_vm_create *args = data;
	struct svmgpu_vm *vm;
	bool fault_mode;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions ||
			     args->flags & ~DRM_SVMGPU_VM_CREATE_FAULT_MODE))
		return -EINVAL;
	fault_mode = args->flags & DRM_SVMGPU_VM_CREATE_FAULT_MODE;

	vm = svmgpu_vm_create(sdev, sfile, fault_mode);
	/* The root table's VRAM: retry while no submission holds a BO. */
	if (vm == ERR_PTR(-ENOSPC)) {
		ret = svmgpu_device_evict_exclusive(sdev);
		if (ret)
			return ret;
		vm = svmgpu_vm_create(sdev, sfile, fault_mode);
		up_write(&sdev->evict_sem);
	}
	if (IS_ERR(vm))
		return PTR_ERR(vm);

	/*
	 * Publish last. __xa_alloc() writes vm->id before the VM becomes
	 * visible, and the id is read back before the lock is dropped: a
	 * VM_DESTROY that guesses the id may free the VM at once after.
	 */
	xa_lock(&sfile->vms);
	ret = __xa_alloc(&sfile->vms, &vm->id, vm, SVMGPU_ID_LIMIT, GFP_KERNEL);
	if (!ret)
		args->vm_id = vm->id;
	xa_unlock(&sfile->vms);
	if (ret)
		svmgpu_vm_user_put(vm);
	return ret;
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
	    SVMGPU_IOCTL_DBG(drm, op->op > DRM_SVMGPU_VM_BIND_OP_PREFETCH) ||
	    SVMGPU_IOCTL_DBG(drm, !op->range) ||
	    SVMGPU_IOCTL_DBG(drm, !IS_ALIGNED(op->addr | op->range |
					      op->bo_offset, SZ_4K)) ||
	    SVMGPU_IOCTL_DBG(drm, op->addr < SVMGPU_VM_RESERVED ||
			     op->addr >= end || op->range > end - op->addr))
		return -EINVAL;

	if (op->op == DRM_SVMGPU_VM_BIND_OP_PREFETCH) {
		if (SVMGPU_IOCTL_DBG(drm, op->flags &
				     ~DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM ||
				     op->handle || op->bo_offset ||
				     !vm->fault_mode))
			return -EINVAL;
		return 0;
	}

	if (op->op != DRM_SVMGPU_VM_BIND_OP_MAP) {
		if (SVMGPU_IOCTL_DBG(drm, op->flags || op->handle ||
				     op->bo_offset))
			return -EINVAL;
		if (SVMGPU_IOCTL_DBG(drm, op->op ==
				     DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR &&
				     !vm->fault_mode))
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

/* Lock the BOs of the mappings that an OP_UNMAP of @op may remove or split. */
static int svmgpu_vm_bind_lock_unmap(struct svmgpu_vm *vm,
				     struct drm_exec *exec,
				     const struct drm_svmgpu_vm_bind_op *op)
{
	struct drm_gpuva *va;
	int ret;

	/*
	 * The tree, under vm->lock, is as the op will find it, but for the
	 * mappings earlier ops of the bind add, whose BOs are locked anyway.
	 */
	drm_gpuvm_for_each_va_range(va, &vm->gpuvm, op->addr,
				    op->addr + op->range) {
		if (!va->gem.obj)
			continue;
		ret = drm_exec_lock_obj(exec, va->gem.obj);
		if (ret)
			return ret;
	}
	return 0;
}

/* Lock what a bind touches, and bring its BOs back from swap. */
static int svmgpu_vm_bind_lock(struct svmgpu_vm *vm, struct drm_exec *exec,
			       const struct drm_svmgpu_vm_bind_op *ops,
			       struct drm_gem_object **objs, u32 num_ops)
{
	struct ttm_operation_ctx ctx = { .interruptible = true };
	u32 i;
	int ret;

	ret = drm_gpuvm_prepare_vm(&vm->gpuvm, exec, 0);
	if (ret)
		return ret;

	for (i = 0; i < num_ops; i++) {
		struct svmgpu_bo *bo;

		if (!objs[i]) {
			ret = svmgpu_vm_bind_lock_unmap(vm, exec, &ops[i]);
			if (ret)
				return ret;
			continue;
		}
		ret = drm_exec_lock_obj(exec, objs[i]);
		if (ret)
			return ret;

		/*
		 * Swapped out: bring it back where the GPU can reach it,
		 * before ww_acquire_done(), as TTM may lock other BOs.
		 */
		bo = gem_to_svmgpu_bo(objs[i]);
		if (bo->tbo.resource->mem_type == TTM_PL_SYSTEM) {
			ret = ttm_bo_validate(&bo->tbo, &bo->placement, &ctx);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* Drop the page-table reservations of the OP_MAPs in @ops[@from..@to). */
static void svmgpu_vm_bind_unreserve(struct svmgpu_vm *vm,
				     const struct drm_svmgpu_vm_bind_op *ops,
				     u32 from, u32 to)
{
	u32 i;

	mutex_lock(&vm->pt_lock);
	for (i = from; i < to; i++)
		if (ops[i].op == DRM_SVMGPU_VM_BIND_OP_MAP)
			svmgpu_pt_release(&vm->pt, ops[i].addr, ops[i].range);
	mutex_unlock(&vm->pt_lock);
}

/*
 * Reserve the page tables of every OP_MAP, before any BO is locked: new
 * tables come from VRAM, which may evict BOs. On failure, nothing is
 * reserved, and the caller flushes the TLBs to free what was unlinked.
 */
static int svmgpu_vm_bind_reserve(struct svmgpu_vm *vm,
				  const struct drm_svmgpu_vm_bind_op *ops,
				  u32 num_ops)
{
	u32 i;
	int ret;

	lockdep_assert_held(&vm->lock);

	for (i = 0; i < num_ops; i++) {
		if (ops[i].op != DRM_SVMGPU_VM_BIND_OP_MAP)
			continue;
		ret = svmgpu_pt_reserve(&vm->pt, ops[i].addr, ops[i].range);
		if (ret) {
			svmgpu_vm_bind_unreserve(vm, ops, 0, i);
			return ret;
		}
	}
	return 0;
}

/*
 * Everything a bind does that may wait or be interrupted, before it
 * changes anything (DOC: VMs and VM_BIND). On success the caller owns
 * @exec's locks; on failure nothing is locked and nothing changed.
 */
static int svmgpu_vm_bind_prepare(struct svmgpu_vm *vm, struct drm_exec *exec,
				  const struct drm_svmgpu_vm_bind_op *ops,
				  struct drm_gem_object **objs, u32 num_ops)
{
	bool unmaps = false;
	long wait;
	u32 i;
	int ret = 0;

	lockdep_assert_held(&vm->lock);

	/* Several ops, and the mappings they remove, may share a BO. */
	drm_exec_init(exec, DRM_EXEC_INTERRUPTIBLE_WAIT |
		      DRM_EXEC_IGNORE_DUPLICATES, 0);
	drm_exec_until_all_locked(exec) {
		ret = svmgpu_vm_bind_lock(vm, exec, ops, objs, num_ops);
		drm_exec_retry_on_contention(exec);
		if (ret)
			break;
	}
	if (ret)
		goto err_fini;

	for (i = 0; i < num_ops; i++)
		unmaps |= ops[i].op == DRM_SVMGPU_VM_BIND_OP_UNMAP;

	/*
	 * In-flight jobs may use the mappings an OP_UNMAP removes: wait for
	 * the VM to idle. The VM's reservation keeps EXEC from adding more.
	 * Not in fault mode, where a job may be stalled on a fault that
	 * needs vm->lock: its later accesses to the range fault, and the
	 * TLB flush after the unmap cuts off those in flight.
	 */
	if (unmaps && !vm->fault_mode) {
		wait = dma_resv_wait_timeout(drm_gpuvm_resv(&vm->gpuvm),
					     DMA_RESV_USAGE_BOOKKEEP, true,
					     MAX_SCHEDULE_TIMEOUT);
		if (wait < 0) {
			ret = wait;
			goto err_fini;
		}
	}
	return 0;

err_fini:
	drm_exec_fini(exec);
	return ret;
}

/* Free what the ops removed, once every BO is unlocked. */
static void svmgpu_vm_free_dead(struct list_head *dead)
{
	struct svmgpu_va *va, *next;

	list_for_each_entry_safe(va, next, dead, dead) {
		list_del(&va->dead);
		drm_gem_object_put(va->base.gem.obj);
		kfree(va);
	}
}

/*
 * Apply the ops, which can no longer be interrupted, then flush the TLBs.
 * Ends the caller's drm_exec transaction. The ops a failure leaves out
 * give their page tables back.
 */
static int svmgpu_vm_bind_apply(struct svmgpu_vm *vm, struct drm_exec *exec,
				const struct drm_svmgpu_vm_bind_op *ops,
				struct drm_gem_object **objs, u32 num_ops)
{
	LIST_HEAD(dead);
	u32 i;
	int ret = 0;

	for (i = 0; i < num_ops && !ret; i++) {
		switch (ops[i].op) {
		case DRM_SVMGPU_VM_BIND_OP_MAP:
			ret = svmgpu_vm_map(vm, objs[i], &ops[i], &dead);
			break;
		case DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR:
			ret = svmgpu_vm_map_mirror(vm, &ops[i]);
			break;
		case DRM_SVMGPU_VM_BIND_OP_PREFETCH:
			/* Never with other ops (svmgpu_vm_bind_ioctl()). */
			ret = -EINVAL;
			break;
		default:
			ret = svmgpu_vm_unmap(vm, ops[i].addr, ops[i].range,
					      &dead);
			break;
		}
		trace_svmgpu_vm_bind(&vm->sdev->drm, vm->id, ops[i].op,
				     ops[i].addr, ops[i].range, ret);
	}
	svmgpu_vm_bind_unreserve(vm, ops, i, num_ops);
	/* Even a failed op may have written entries and unlinked tables. */
	svmgpu_vm_flush_tlb(vm);
	drm_exec_fini(exec);
	svmgpu_vm_free_dead(&dead);
	return ret;
}

/* The bind, under vm->lock: reserve, prepare, apply. */
static int svmgpu_vm_bind_locked(struct svmgpu_vm *vm,
				 const struct drm_svmgpu_vm_bind_op *ops,
				 struct drm_gem_object **objs, u32 num_ops)
{
	struct drm_exec exec;
	int ret;

	ret = svmgpu_vm_bind_reserve(vm, ops, num_ops);
	if (ret)
		goto err_flush;
	ret = svmgpu_vm_bind_prepare(vm, &exec, ops, objs, num_ops);
	if (ret) {
		svmgpu_vm_bind_unreserve(vm, ops, 0, num_ops);
		goto err_flush;
	}
	return svmgpu_vm_bind_apply(vm, &exec, ops, objs, num_ops);

err_flush:
	/* Nothing was applied, but released reservations left tables. */
	svmgpu_vm_flush_tlb(vm);
	return ret;
}

/* The bind under vm->lock. -ENOSPC means nothing was applied. */
static int svmgpu_vm_bind_run(struct svmgpu_vm *vm,
			      const struct drm_svmgpu_vm_bind_op *ops,
			      struct drm_gem_object **objs, u32 num_ops)
{
	int ret;

	ret = mutex_lock_interruptible(&vm->lock);
	if (ret)
		return ret;
	ret = svmgpu_vm_bind_locked(vm, ops, objs, num_ops);
	mutex_unlock(&vm->lock);
	return ret;
}

/*
 * One OP_PREFETCH, 2 MiB at a time, each under vm->lock alone: it takes
 * mmap_lock, which comes before reservations, and GPU faults of the VM
 * get the lock in between. Every page must be in a mirror.
 */
static int svmgpu_vm_prefetch(struct svmgpu_vm *vm,
			      const struct drm_svmgpu_vm_bind_op *op)
{
	bool to_vram = !(op->flags & DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM);
	u64 addr = op->addr, end = op->addr + op->range;
	int ret = 0;

	while (!ret && addr < end) {
		u64 next = min(ALIGN(addr + 1, SZ_2M), end);
		struct drm_gpuva *va;

		ret = mutex_lock_interruptible(&vm->lock);
		if (ret)
			break;
		va = drm_gpuva_find_first(&vm->gpuvm, addr, SZ_4K);
		if (!va || va == &vm->gpuvm.kernel_alloc_node ||
		    !to_svmgpu_va(va)->mirror || vm->dead) {
			ret = -EINVAL;
		} else {
			next = min(next, va->va.addr + va->va.range);
			ret = svmgpu_svm_prefetch(vm, va->va.addr,
						  va->va.addr + va->va.range,
						  addr, next, to_vram);
		}
		mutex_unlock(&vm->lock);
		addr = next;
	}
	trace_svmgpu_vm_bind(&vm->sdev->drm, vm->id, op->op, op->addr,
			     op->range, ret);
	return ret;
}

/* Whether a mirror covers every page of @op. Under vm->lock. */
static bool svmgpu_vm_prefetch_mirrored(struct svmgpu_vm *vm,
					const struct drm_svmgpu_vm_bind_op *op)
{
	u64 addr = op->addr, end = op->addr + op->range;
	struct drm_gpuva *va;

	lockdep_assert_held(&vm->lock);

	while (addr < end) {
		va = drm_gpuva_find_first(&vm->gpuvm, addr, SZ_4K);
		if (!va || va == &vm->gpuvm.kernel_alloc_node ||
		    !to_svmgpu_va(va)->mirror)
			return false;
		addr = va->va.addr + va->va.range;
	}
	return true;
}

/*
 * A bind of OP_PREFETCHes only, which may be restarted at will. Every
 * range is checked before any moves.
 */
static int svmgpu_vm_bind_prefetch(struct svmgpu_vm *vm,
				   const struct drm_svmgpu_vm_bind_op *ops,
				   u32 num_ops)
{
	u32 i;
	int ret;

	ret = mutex_lock_interruptible(&vm->lock);
	if (ret)
		return ret;
	for (i = 0; i < num_ops && !ret; i++)
		if (SVMGPU_IOCTL_DBG(&vm->sdev->drm,
				     !svmgpu_vm_prefetch_mirrored(vm, &ops[i])))
			ret = -EINVAL;
	mutex_unlock(&vm->lock);

	for (i = 0; i < num_ops && !ret; i++)
		ret = svmgpu_vm_prefetch(vm, &ops[i]);
	return ret;
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
	u32 i, prefetches = 0;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->pad) ||
	    SVMGPU_IOCTL_DBG(drm, !args->num_ops ||
			     args->num_ops > DRM_SVMGPU_VM_BIND_MAX_OPS))
		return -EINVAL;

	vm = svmgpu_vm_lookup(to_svmgpu_file(file), args->vm_id);
	if (!vm)
		return -ENOENT;
	/* A mirror is of its VM's process, and binds only by it. */
	if (SVMGPU_IOCTL_DBG(drm, vm->fault_mode &&
			     current->mm != vm->svm.mm)) {
		svmgpu_vm_user_put(vm);
		return -EACCES;
	}

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
		prefetches += ops[i].op == DRM_SVMGPU_VM_BIND_OP_PREFETCH;
	}
	/* Prefetches go alone: restarting them is always safe. */
	if (SVMGPU_IOCTL_DBG(drm, prefetches && prefetches != args->num_ops)) {
		ret = -EINVAL;
		goto out_put;
	}

	ret = svmgpu_syncs_parse(file, args->syncs, args->num_syncs, &syncs);
	if (ret)
		goto out_put;

	ret = svmgpu_syncs_wait(file, &syncs);
	if (ret)
		goto out_syncs;

	if (prefetches) {
		ret = svmgpu_vm_bind_prefetch(vm, ops, args->num_ops);
		goto out_signal;
	}

	ret = svmgpu_vm_bind_run(vm, ops, objs, args->num_ops);
	/*
	 * Nothing was applied. Growing the page-table pool evicts only the
	 * BOs nobody holds: try again while no submission holds any.
	 */
	if (ret == -ENOSPC) {
		ret = svmgpu_device_evict_exclusive(vm->sdev);
		if (ret)
			goto out_syncs;
		ret = svmgpu_vm_bind_run(vm, ops, objs, args->num_ops);
		up_write(&vm->sdev->evict_sem);
	}

out_signal:
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
