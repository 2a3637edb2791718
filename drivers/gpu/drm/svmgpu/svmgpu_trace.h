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

#endif /* __SVMGPU_TRACE_H__ */

/* This part must be outside protection. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#include <trace/define_trace.h>
