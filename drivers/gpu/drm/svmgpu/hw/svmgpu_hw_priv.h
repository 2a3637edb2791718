/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_HW_PRIV_H__
#define __SVMGPU_HW_PRIV_H__

/*
 * The emulated GPU's own state. Only hw/ and the KUnit tests that build a
 * stub GPU include this header; the driver sees &struct svmgpu_hw as an
 * opaque handle.
 */

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "svmgpu_hw.h"

struct device;
struct page;
struct svmgpu_hw_compute;
struct task_struct;

/* A TLB entry: one translation of an address-space id. */
struct svmgpu_hw_tlb_entry {
	u64 va;
	u64 pte;
	u32 asid;
	u8 shift;
	bool valid;
};

#define SVMGPU_HW_TLB_ENTRIES	32

/* One record per engine at most: an engine stalls on one fault at a time. */
#define SVMGPU_HW_FAULT_SLOTS	(SVMGPU_HW_ENGINES_MAX + 1)

/* Invalidations that may be pending at once before they merge into one. */
#define SVMGPU_HW_TLB_PENDING	8

/**
 * struct svmgpu_hw_tlb - The TLB of one executor: an engine's command
 * processor or a compute thread. Private to hw/.
 */
struct svmgpu_hw_tlb {
	/**
	 * @lock: Held by the executor across each translation and the
	 * memory access that uses it (a compute thread holds it for a
	 * quantum of accesses), and by TLB invalidation while it clears
	 * @entries. So once an invalidation completes, no access through a
	 * stale translation is in flight. Protects @entries and @next.
	 */
	struct mutex lock;

	/** @entries: Cached translations. */
	struct svmgpu_hw_tlb_entry entries[SVMGPU_HW_TLB_ENTRIES];

	/** @next: Next entry to replace, round robin. */
	unsigned int next;
};

/* A pending invalidation: [start, end) of one address-space id. */
struct svmgpu_hw_tlb_range {
	u64 start;
	u64 end;
	u32 asid;
};

/**
 * struct svmgpu_hw_engine - One engine. Private to hw/.
 */
struct svmgpu_hw_engine {
	/** @hw: The GPU. */
	struct svmgpu_hw *hw;

	/** @index: Index among the GPU's engines. */
	unsigned int index;

	/** @thread: Executes the engine's jobs. */
	struct task_struct *thread;

	/**
	 * @lock: Protects @queue, @current_job, @abort and the done()
	 * bookkeeping, which the engine thread and the driver's submission
	 * and reset paths share.
	 */
	spinlock_t lock;

	/** @queue: Submitted jobs, in order. */
	struct list_head queue;

	/** @current_job: The job being executed, or NULL. */
	struct svmgpu_hw_job *current_job;

	/**
	 * @in_done: The thread is calling the done() of @done_job, the job
	 * it just released from @current_job. Under @lock.
	 */
	bool in_done;

	/**
	 * @done_job: While @in_done, the job whose done() runs. Only ever
	 * compared: the job may be freed before done() returns.
	 */
	const struct svmgpu_hw_job *done_job;

	/** @done_owner: While @in_done, the owner of @done_job. */
	const void *done_owner;

	/**
	 * @done_seq: Number of done() calls the thread has completed. Under
	 * @lock; reset and cancel wait for it to pass the job they stop.
	 */
	u64 done_seq;

	/** @abort: Reset requested: stop @current_job as soon as possible. */
	bool abort;

	/** @abort_status: What the job stopped by @abort completes with. */
	int abort_status;

	/** @wq: Wakes the thread on submission; wakes resets on completion. */
	wait_queue_head_t wq;

	/** @tlb: The command processor's TLB. */
	struct svmgpu_hw_tlb tlb;

	/**
	 * @compute: The compute threads, or NULL for the copy engine
	 * (DOC: compute threads).
	 */
	struct svmgpu_hw_compute *compute;

	/**
	 * @fault_seqno: Number of the engine's latest stall on a fault.
	 * Under @lock.
	 */
	u64 fault_seqno;

	/**
	 * @fault_reply: While stalled, -EINPROGRESS; then the answer: 0 to
	 * replay, -EFAULT to fail. Under @lock.
	 */
	int fault_reply;
};

/**
 * struct svmgpu_hw - One emulated GPU.
 *
 * Private to hw/: the driver holds a pointer from svmgpu_hw_create() and
 * uses the functions of svmgpu_hw.h.
 */
struct svmgpu_hw {
	/** @dev: The device the hardware sits on. */
	struct device *dev;

	/** @caps: Identification block, constant after svmgpu_hw_create(). */
	struct svmgpu_hw_caps caps;

	/** @vram_chunks: The 2 MiB chunks of VRAM, in address order. */
	struct page **vram_chunks;

	/** @vram: Kernel mapping of all of VRAM, contiguous. */
	void *vram;

	/**
	 * @engines: The engines: caps.num_engines general-purpose ones, then
	 * the copy engine.
	 */
	struct svmgpu_hw_engine *engines;

	/** @num_hw_engines: All of them, the copy engine included. */
	unsigned int num_hw_engines;

	/**
	 * @tlbs: Every TLB of the GPU, engines' and compute threads', for
	 * invalidation.
	 */
	struct svmgpu_hw_tlb **tlbs;

	/** @num_tlbs: Entries of @tlbs. */
	unsigned int num_tlbs;

	/**
	 * @fault_lock: Protects the fault queue and the interrupt handler.
	 * A leaf spinlock.
	 */
	spinlock_t fault_lock;

	/** @faults: The fault queue, a ring. */
	struct svmgpu_hw_fault faults[SVMGPU_HW_FAULT_SLOTS];

	/** @fault_head: Index of the oldest record. */
	unsigned int fault_head;

	/** @fault_count: Records in the queue. */
	unsigned int fault_count;

	/** @fault_irq: The fault interrupt handler, or NULL. */
	svmgpu_hw_fault_irq_fn fault_irq;

	/** @fault_irq_data: Its argument. */
	void *fault_irq_data;

	/**
	 * @tlb_wq: Executes TLB invalidations. WQ_MEM_RECLAIM: reclaim may
	 * wait for one (an mmu notifier).
	 */
	struct workqueue_struct *tlb_wq;

	/** @tlb_work: The pending invalidation. */
	struct work_struct tlb_work;

	/**
	 * @tlb_requested: Number of invalidations requested; written under
	 * @tlb_done_wq.lock.
	 */
	u64 tlb_requested;

	/**
	 * @tlb_completed: Number of invalidations complete; written under
	 * @tlb_done_wq.lock.
	 */
	u64 tlb_completed;

	/** @tlb_done_wq: Waiters for invalidation completion. */
	wait_queue_head_t tlb_done_wq;

	/**
	 * @tlb_pending: Invalidations requested and not yet taken by the
	 * worker; under @tlb_done_wq.lock. Requests of one address space
	 * that overlap or touch merge.
	 */
	struct svmgpu_hw_tlb_range tlb_pending[SVMGPU_HW_TLB_PENDING];

	/** @tlb_npending: Entries in @tlb_pending. */
	unsigned int tlb_npending;

	/**
	 * @tlb_pending_all: @tlb_pending overflowed: the worker clears every
	 * entry of every TLB instead.
	 */
	bool tlb_pending_all;
};

#endif /* __SVMGPU_HW_PRIV_H__ */
