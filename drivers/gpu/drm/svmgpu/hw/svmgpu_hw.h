/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_HW_H__
#define __SVMGPU_HW_H__

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

struct device;
struct svmgpu_hw;

/**
 * DOC: emulated hardware
 *
 * The GPU that svmgpu drives is emulated in software. Everything under hw/
 * is that emulation; the rest of the driver talks to it only through the
 * functions declared in hw/svmgpu_hw*.h, the way a driver talks to silicon
 * through registers. Nothing outside hw/ may look inside &struct svmgpu_hw.
 *
 * The model is configured once, when the device is probed, from a
 * &struct svmgpu_hw_config built from the module parameters. It then
 * reports what it is through &struct svmgpu_hw_caps, the equivalent of a
 * real GPU's identification registers.
 *
 * The model has:
 *
 * - VRAM: pages allocated when the device is probed, in 2 MiB chunks, and
 *   mapped once, contiguously, into the kernel's address space;
 * - an MMU that walks page tables stored in VRAM, in the format of
 *   hw/svmgpu_hw_regs.h, with a TLB per engine that only an explicit,
 *   asynchronous invalidation clears;
 * - engines, each a kernel thread that executes jobs one at a time:
 *   it fetches the command buffer through the MMU and executes the
 *   commands of the uAPI's command stream. A translation miss fails the
 *   job, unless the job's address space is in fault mode: then the
 *   engine stalls that one access, posts a record to the device's fault
 *   queue and raises the fault interrupt, and replays the access, or
 *   fails the job, as the driver answers (DOC: GPU page faults).
 *   Completion is reported by calling the job's done() callback from
 *   the engine thread, the model's interrupt. After the configured
 *   general-purpose engines comes one more, the copy engine
 *   (&svmgpu_hw_caps.copy_engine), which the driver keeps for its own
 *   copies and clears, as real GPUs keep a copy engine from user space,
 *   so that they never wait behind a user job.
 * - compute threads: each general-purpose engine has
 *   &svmgpu_hw_caps.compute_threads of them, kernel threads that run the
 *   work items of DISPATCH commands in parallel, each with a TLB of its
 *   own (DOC: compute threads).
 *
 * DMA addresses in system-memory PTEs are resolved with dma_to_phys(), as
 * a device behind dma-direct would see them.
 */

/* Limits of the emulated hardware's configuration. */
#define SVMGPU_HW_VRAM_ALIGN		SZ_2M
#define SVMGPU_HW_VRAM_MIN		SZ_16M
#define SVMGPU_HW_VRAM_MAX		(64ull * SZ_1G)
#define SVMGPU_HW_ENGINES_MAX		8
#define SVMGPU_HW_COMPUTE_THREADS_MAX	32

/* The GPU MMU: four levels of 512 entries over 4 KiB pages. */
#define SVMGPU_HW_VA_BITS		48

/**
 * struct svmgpu_hw_config - How to build an emulated GPU.
 *
 * Filled from module parameters and checked by svmgpu_hw_config_check()
 * before any device is created.
 */
struct svmgpu_hw_config {
	/** @vram_size: Size of VRAM in bytes. */
	u64 vram_size;

	/** @num_engines: Number of engines. */
	u32 num_engines;

	/**
	 * @compute_threads: Compute threads of each general-purpose engine,
	 * which run DISPATCH's work items.
	 */
	u32 compute_threads;
};

/**
 * struct svmgpu_hw_caps - Identification block of an emulated GPU.
 *
 * Read-only once the hardware is initialised.
 */
struct svmgpu_hw_caps {
	/** @vram_size: Size of VRAM in bytes. */
	u64 vram_size;

	/** @page_sizes: Mask of the page sizes the MMU can map. */
	u64 page_sizes;

	/** @num_engines: Number of general-purpose engines, from 0. */
	u32 num_engines;

	/**
	 * @copy_engine: Index of the copy engine, right after the
	 * general-purpose ones.
	 */
	u32 copy_engine;

	/** @va_bits: Width of a GPU virtual address. */
	u32 va_bits;

	/** @compute_threads: Compute threads per general-purpose engine. */
	u32 compute_threads;
};

struct svmgpu_hw_job;

/**
 * enum svmgpu_hw_access - How an access uses memory, as a fault reports it.
 * @SVMGPU_HW_ACCESS_READ: A read.
 * @SVMGPU_HW_ACCESS_WRITE: A write.
 * @SVMGPU_HW_ACCESS_ATOMIC: A read-modify-write (ATOMIC).
 */
enum svmgpu_hw_access {
	SVMGPU_HW_ACCESS_READ,
	SVMGPU_HW_ACCESS_WRITE,
	SVMGPU_HW_ACCESS_ATOMIC,
};

/**
 * struct svmgpu_hw_fault - A record of the fault queue.
 *
 * Posted by an engine that stalls on a translation fault in a fault-mode
 * address space (&svmgpu_hw_job.fault_mode). The engine waits until
 * svmgpu_hw_fault_reply() answers the record, or until it is reset.
 */
struct svmgpu_hw_fault {
	/** @address: The GPU address that faulted. */
	u64 address;

	/** @seqno: Identifies the stall, for svmgpu_hw_fault_reply(). */
	u64 seqno;

	/** @asid: Address-space id of the faulting job. */
	u32 asid;

	/** @access: An &enum svmgpu_hw_access. */
	u8 access;

	/** @engine: The stalled engine. */
	u8 engine;
};

/**
 * typedef svmgpu_hw_fault_irq_fn - Fault interrupt.
 * @data: What svmgpu_hw_fault_irq_register() was given.
 *
 * Called from an engine's thread after it posted a record; must not sleep
 * or wait for an engine. The driver drains the queue elsewhere.
 */
typedef void (*svmgpu_hw_fault_irq_fn)(void *data);

/**
 * typedef svmgpu_hw_done_fn - Completion interrupt of a job.
 * @job: The job, with its result fields filled in.
 *
 * Called from the engine's thread once the job is finished. The engine no
 * longer touches @job once this is called.
 */
typedef void (*svmgpu_hw_done_fn)(struct svmgpu_hw_job *job);

/**
 * struct svmgpu_hw_job - A job as the hardware sees it.
 *
 * Filled in by the driver and handed to svmgpu_hw_engine_submit(). The
 * result fields are written by the engine before @done is called.
 */
struct svmgpu_hw_job {
	/** @link: In the engine's queue. Private to hw/. */
	struct list_head link;

	/** @pt_root: VRAM offset of the VM's level-3 table. */
	u64 pt_root;

	/** @asid: Address-space id of the VM, for the TLB. */
	u32 asid;

	/** @cs_length: Length of the command buffer in bytes. */
	u32 cs_length;

	/** @cs_address: GPU virtual address of the command buffer. */
	u64 cs_address;

	/** @owner: Tag for svmgpu_hw_engine_cancel(); opaque to hw/. */
	const void *owner;

	/**
	 * @fault_mode: The address space is in fault mode: a translation
	 * fault, or a write through a read-only leaf, stalls the access and
	 * posts a fault record instead of failing the job.
	 */
	bool fault_mode;

	/**
	 * @ufence_addr: If not zero, the GPU address, 8-byte aligned, where
	 * the engine writes @ufence_value once the commands completed.
	 */
	u64 ufence_addr;

	/** @ufence_value: The user fence's value. */
	u64 ufence_value;

	/**
	 * @compute_budget: Instructions each work item of a DISPATCH may
	 * run, or 0 for no limit.
	 */
	u64 compute_budget;

	/** @done: Completion interrupt. */
	svmgpu_hw_done_fn done;

	/**
	 * @stalled: The engine is stalled on a fault of this job now.
	 * Written by the engine; read locklessly.
	 */
	bool stalled;

	/** @compute_insns: Result: instructions its DISPATCHes ran. */
	u64 compute_insns;

	/** @compute_dispatches: Result: DISPATCHes it ran. */
	u32 compute_dispatches;

	/** @faults: Result: how many times the job stalled on a fault. */
	u32 faults;

	/** @stall_start_ns: GPU clock when the current stall began. */
	u64 stall_start_ns;

	/**
	 * @stall_ns: Time the job spent stalled on faults, in ns, stalls
	 * that ended only. Written by the engine; read locklessly.
	 */
	u64 stall_ns;

	/** @status: Result: 0, -EFAULT, -EINVAL, -ETIME or -ECANCELED. */
	int status;

	/** @cs_offset: Result: offset of the command that ended the job. */
	u32 cs_offset;

	/** @fault_address: Result: GPU address that faulted, if -EFAULT. */
	u64 fault_address;

	/**
	 * @fault_access: Result: the &enum svmgpu_hw_access that faulted, if
	 * -EFAULT.
	 */
	u8 fault_access;

	/**
	 * @start_ns: Result: GPU clock when the engine started the job, or 0
	 * if it never ran.
	 */
	u64 start_ns;

	/** @end_ns: Result: GPU clock when the engine finished the job. */
	u64 end_ns;
};

int svmgpu_hw_config_check(const struct svmgpu_hw_config *cfg);
struct svmgpu_hw *svmgpu_hw_create(struct device *dev,
				   const struct svmgpu_hw_config *cfg,
				   const char *name);
void svmgpu_hw_destroy(struct svmgpu_hw *hw);
const struct svmgpu_hw_caps *svmgpu_hw_caps(const struct svmgpu_hw *hw);

void *svmgpu_hw_vram_vaddr(struct svmgpu_hw *hw, u64 offset);
unsigned long svmgpu_hw_vram_pfn(struct svmgpu_hw *hw, u64 offset);

void svmgpu_hw_engine_submit(struct svmgpu_hw *hw, unsigned int engine,
			     struct svmgpu_hw_job *job);
void svmgpu_hw_engine_reset(struct svmgpu_hw *hw, unsigned int engine,
			    struct svmgpu_hw_job *job);
void svmgpu_hw_engine_cancel(struct svmgpu_hw *hw, unsigned int engine,
			     const void *owner);

void svmgpu_hw_fault_irq_register(struct svmgpu_hw *hw,
				  svmgpu_hw_fault_irq_fn fn, void *data);
bool svmgpu_hw_fault_pop(struct svmgpu_hw *hw, struct svmgpu_hw_fault *fault);
void svmgpu_hw_fault_reply(struct svmgpu_hw *hw,
			   const struct svmgpu_hw_fault *fault, bool replay);

u64 svmgpu_hw_tlb_invalidate(struct svmgpu_hw *hw, u32 asid, u64 start,
			     u64 size);
void svmgpu_hw_tlb_wait(struct svmgpu_hw *hw, u64 seqno);

#endif /* __SVMGPU_HW_H__ */
