/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#if !defined(__SVMGPU_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __SVMGPU_TRACE_H__

#include <linux/dma-fence.h>
#include <linux/tracepoint.h>
#include <linux/types.h>

#include <drm/drm_device.h>

#undef TRACE_SYSTEM
#define TRACE_SYSTEM svmgpu
#define TRACE_INCLUDE_FILE svmgpu_trace

/*
 * svmgpu_bo_move: a BO move between VRAM and system memory was queued on
 * the copy engine; the fence is the move's.
 */
TRACE_EVENT(svmgpu_bo_move,
	    TP_PROTO(struct drm_device *drm, const void *bo, u64 size,
		     bool to_vram, bool evict, struct dma_fence *fence),
	    TP_ARGS(drm, bo, size, to_vram, evict, fence),

	    TP_STRUCT__entry(__string(dev, drm->unique)
			     __field(const void *, bo)
			     __field(u64, size)
			     __field(bool, to_vram)
			     __field(bool, evict)
			     __field(u64, fence_context)
			     __field(u64, fence_seqno)),

	    TP_fast_assign(__assign_str(dev);
			   __entry->bo = bo;
			   __entry->size = size;
			   __entry->to_vram = to_vram;
			   __entry->evict = evict;
			   __entry->fence_context = fence->context;
			   __entry->fence_seqno = fence->seqno;),

	    TP_printk("dev=%s bo=%p size=%llu %s->%s evict=%d fence=%llu:%llu",
		      __get_str(dev), __entry->bo, __entry->size,
		      __entry->to_vram ? "system" : "vram",
		      __entry->to_vram ? "vram" : "system",
		      __entry->evict, __entry->fence_context,
		      __entry->fence_seqno)
);

/* svmgpu_bo_swapout: TTM is swapping an idle BO out to shmem. */
TRACE_EVENT(svmgpu_bo_swapout,
	    TP_PROTO(struct drm_device *drm, const void *bo, u64 size),
	    TP_ARGS(drm, bo, size),

	    TP_STRUCT__entry(__string(dev, drm->unique)
			     __field(const void *, bo)
			     __field(u64, size)),

	    TP_fast_assign(__assign_str(dev);
			   __entry->bo = bo;
			   __entry->size = size;),

	    TP_printk("dev=%s bo=%p size=%llu", __get_str(dev), __entry->bo,
		      __entry->size)
);

/*
 * svmgpu_svm_fault: a GPU fault in a mirror was serviced: the range that
 * holds the address, whether the access writes, and the result (0 to
 * replay).
 */
TRACE_EVENT(svmgpu_svm_fault,
	    TP_PROTO(struct drm_device *drm, u32 vm, u64 addr, u64 size,
		     bool write, int ret),
	    TP_ARGS(drm, vm, addr, size, write, ret),

	    TP_STRUCT__entry(__string(dev, drm->unique)
			     __field(u32, vm)
			     __field(u64, addr)
			     __field(u64, size)
			     __field(bool, write)
			     __field(int, ret)),

	    TP_fast_assign(__assign_str(dev);
			   __entry->vm = vm;
			   __entry->addr = addr;
			   __entry->size = size;
			   __entry->write = write;
			   __entry->ret = ret;),

	    TP_printk("dev=%s vm=%u addr=0x%llx range=%llu %s ret=%d",
		      __get_str(dev), __entry->vm, __entry->addr,
		      __entry->size, __entry->write ? "write" : "read",
		      __entry->ret)
);

/*
 * svmgpu_svm_invalidate: an mmu notifier cleared the GPU mappings of
 * [addr, addr + size), for an &enum mmu_notifier_event.
 */
TRACE_EVENT(svmgpu_svm_invalidate,
	    TP_PROTO(struct drm_device *drm, u32 vm, u64 addr, u64 size,
		     int event),
	    TP_ARGS(drm, vm, addr, size, event),

	    TP_STRUCT__entry(__string(dev, drm->unique)
			     __field(u32, vm)
			     __field(u64, addr)
			     __field(u64, size)
			     __field(int, event)),

	    TP_fast_assign(__assign_str(dev);
			   __entry->vm = vm;
			   __entry->addr = addr;
			   __entry->size = size;
			   __entry->event = event;),

	    TP_printk("dev=%s vm=%u addr=0x%llx size=%llu event=%d",
		      __get_str(dev), __entry->vm, __entry->addr,
		      __entry->size, __entry->event)
);

/* svmgpu_svm_migrate: a range of an mm moved between system and VRAM. */
TRACE_EVENT(svmgpu_svm_migrate,
	    TP_PROTO(struct drm_device *drm, u64 addr, u64 size, bool to_vram,
		     unsigned long pages, int ret),
	    TP_ARGS(drm, addr, size, to_vram, pages, ret),

	    TP_STRUCT__entry(__string(dev, drm->unique)
			     __field(u64, addr)
			     __field(u64, size)
			     __field(bool, to_vram)
			     __field(unsigned long, pages)
			     __field(int, ret)),

	    TP_fast_assign(__assign_str(dev);
			   __entry->addr = addr;
			   __entry->size = size;
			   __entry->to_vram = to_vram;
			   __entry->pages = pages;
			   __entry->ret = ret;),

	    TP_printk("dev=%s addr=0x%llx size=%llu to_vram=%d pages=%lu ret=%d",
		      __get_str(dev), __entry->addr, __entry->size,
		      __entry->to_vram, __entry->pages, __entry->ret)
);

/* svmgpu_svm_evict: a chunk of VRAM holding migrated pages was emptied. */
TRACE_EVENT(svmgpu_svm_evict,
	    TP_PROTO(struct drm_device *drm, u64 vram, unsigned long npages,
		     unsigned long moved),
	    TP_ARGS(drm, vram, npages, moved),

	    TP_STRUCT__entry(__string(dev, drm->unique)
			     __field(u64, vram)
			     __field(unsigned long, npages)
			     __field(unsigned long, moved)),

	    TP_fast_assign(__assign_str(dev);
			   __entry->vram = vram;
			   __entry->npages = npages;
			   __entry->moved = moved;),

	    TP_printk("dev=%s vram=0x%llx npages=%lu moved=%lu",
		      __get_str(dev), __entry->vram, __entry->npages,
		      __entry->moved)
);

/* svmgpu_vm_bind: VM_BIND applied one operation. */
TRACE_EVENT(svmgpu_vm_bind,
	    TP_PROTO(struct drm_device *drm, u32 vm, u32 op, u64 addr,
		     u64 size, int ret),
	    TP_ARGS(drm, vm, op, addr, size, ret),

	    TP_STRUCT__entry(__string(dev, drm->unique)
			     __field(u32, vm)
			     __field(u32, op)
			     __field(u64, addr)
			     __field(u64, size)
			     __field(int, ret)),

	    TP_fast_assign(__assign_str(dev);
			   __entry->vm = vm;
			   __entry->op = op;
			   __entry->addr = addr;
			   __entry->size = size;
			   __entry->ret = ret;),

	    TP_printk("dev=%s vm=%u op=%u addr=0x%llx size=%llu ret=%d",
		      __get_str(dev), __entry->vm, __entry->op,
		      __entry->addr, __entry->size, __entry->ret)
);

#endif /* __SVMGPU_TRACE_H__ */

/* This part must be outside protection. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#include <trace/define_trace.h>
