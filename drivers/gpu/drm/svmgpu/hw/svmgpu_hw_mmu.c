// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/dma-direct.h>
#include <linux/err.h>
#include <linux/lockdep.h>
#include <linux/mm.h>

#include <kunit/visibility.h>

#include "svmgpu_hw.h"
#include "svmgpu_hw_priv.h"
#include "svmgpu_hw_mmu.h"
#include "svmgpu_hw_regs.h"

/**
 * DOC: GPU MMU
 *
 * Each engine, and each compute thread, translates through its own TLB of
 * %SVMGPU_HW_TLB_ENTRIES entries, tagged by address-space id. A miss walks the page tables in
 * VRAM; a walk that meets an invalid entry, or a write through a read-only
 * leaf, is a translation fault.
 *
 * TLB entries are dropped only by svmgpu_hw_tlb_invalidate(), for a range
 * of one address-space id, in every TLB. It is asynchronous: it
 * returns a sequence number, and svmgpu_hw_tlb_wait() waits until that
 * invalidation is complete, so that a caller can start invalidations on
 * several GPUs before it waits for any. Completion means no TLB holds an
 * entry of the range and no access through one is in flight, because the
 * invalidation takes each TLB's lock, which its executor holds from
 * translation to the end of the access.
 *
 * Requesting an invalidation, in process context, never allocates and
 * never sleeps: up to
 * %SVMGPU_HW_TLB_PENDING ranges wait in the hardware's own table, merged
 * when they overlap, and past that the next invalidation clears every TLB
 * entry. The invalidations run on a WQ_MEM_RECLAIM workqueue, so reclaim
 * can wait for them.
 */

static __le64 *svmgpu_hw_pt(struct svmgpu_hw *hw, u64 table)
{
	if (!IS_ALIGNED(table, SVMGPU_PT_SIZE) ||
	    table > hw->caps.vram_size - SVMGPU_PT_SIZE)
		return NULL;
	return svmgpu_hw_vram_vaddr(hw, table);
}

/**
 * svmgpu_hw_mmu_walk() - Walk the page tables, as the MMU does on a miss.
 * @hw: The GPU.
 * @root: VRAM offset of the level-3 table.
 * @va: The address to translate.
 * @out: Out: the leaf that maps @va, as a TLB entry (no asid).
 *
 * Return: 0, or -EFAULT if nothing valid maps @va.
 */
int svmgpu_hw_mmu_walk(struct svmgpu_hw *hw, u64 root, u64 va,
		       struct svmgpu_hw_tlb_entry *out)
{
	u64 table = root;
	int level;

	for (level = SVMGPU_PT_LEVELS - 1; level >= 0; level--) {
		__le64 *pt = svmgpu_hw_pt(hw, table);
		u64 pte;

		if (!pt)
			return -EFAULT;
		pte = le64_to_cpu(READ_ONCE(pt[SVMGPU_PT_INDEX(va, level)]));
		if (!(pte & SVMGPU_PTE_VALID))
			return -EFAULT;

		if (level == 0 || (level == 1 && pte & SVMGPU_PTE_LEAF)) {
			u8 shift = SVMGPU_PT_SHIFT(level);

			if (level == 0 && pte & SVMGPU_PTE_64K)
				shift = 16;
			out->shift = shift;
			out->va = va & ~(BIT_ULL(shift) - 1);
			/* A 64K entry's address is that of its own 4K page. */
			out->pte = (pte & ~SVMGPU_PTE_ADDR_MASK) |
				   ((pte & SVMGPU_PTE_ADDR_MASK) &
				    ~(BIT_ULL(shift) - 1));
			out->valid = true;
			return 0;
		}
		table = pte & SVMGPU_PTE_ADDR_MASK;
	}
	return -EFAULT;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_mmu_walk);

/**
 * svmgpu_hw_tlb_init() - Set up an empty TLB.
 * @tlb: The TLB.
 */
void svmgpu_hw_tlb_init(struct svmgpu_hw_tlb *tlb)
{
	memset(tlb, 0, sizeof(*tlb));
	mutex_init(&tlb->lock);
}

/**
 * svmgpu_hw_tlb_fini() - Tear down a TLB.
 * @tlb: The TLB, from svmgpu_hw_tlb_init().
 */
void svmgpu_hw_tlb_fini(struct svmgpu_hw_tlb *tlb)
{
	mutex_destroy(&tlb->lock);
}

static struct svmgpu_hw_tlb_entry *
svmgpu_hw_tlb_lookup(struct svmgpu_hw_tlb *tlb, u32 asid, u64 va)
{
	unsigned int i;

	for (i = 0; i < SVMGPU_HW_TLB_ENTRIES; i++) {
		struct svmgpu_hw_tlb_entry *e = &tlb->entries[i];

		if (e->valid && e->asid == asid &&
		    (va >> e->shift) == (e->va >> e->shift))
			return e;
	}
	return NULL;
}

/**
 * svmgpu_hw_mmu_access() - Translate a GPU address for an executor.
 * @hw: The GPU.
 * @tlb: The TLB of the engine or compute thread that accesses @va.
 * @job: The job, for its page tables and address-space id.
 * @va: GPU virtual address.
 * @access: How the engine accesses @va: reads, writes or both (ATOMIC).
 * @len: Out: bytes from @va to the end of the page that maps it.
 *
 * Must be called with @tlb->lock held; the pointer is valid until it is
 * released.
 *
 * Return: a kernel pointer to the memory at @va; ERR_PTR(-EAGAIN) for a
 * fault that a fault-mode job stalls on; or ERR_PTR(-EFAULT).
 */
void *svmgpu_hw_mmu_access(struct svmgpu_hw *hw, struct svmgpu_hw_tlb *tlb,
			   struct svmgpu_hw_job *job, u64 va,
			   enum svmgpu_hw_access access, u64 *len)
{
	struct svmgpu_hw_tlb_entry *e, walk;
	u64 addr, size;

	lockdep_assert_held(&tlb->lock);

	if (va >= BIT_ULL(hw->caps.va_bits))
		return ERR_PTR(-EFAULT);

	e = svmgpu_hw_tlb_lookup(tlb, job->asid, va);
	if (!e) {
		/* A fault-mode address space stalls the access instead. */
		if (svmgpu_hw_mmu_walk(hw, job->pt_root, va, &walk))
			return ERR_PTR(job->fault_mode ? -EAGAIN : -EFAULT);
		walk.asid = job->asid;
		e = &tlb->entries[tlb->next];
		tlb->next = (tlb->next + 1) % SVMGPU_HW_TLB_ENTRIES;
		*e = walk;
	}

	if ((access != SVMGPU_HW_ACCESS_READ &&
	     !(e->pte & SVMGPU_PTE_WRITE)) ||
	    (access == SVMGPU_HW_ACCESS_ATOMIC &&
	     e->pte & SVMGPU_PTE_NO_ATOMIC)) {
		if (!job->fault_mode)
			return ERR_PTR(-EFAULT);
		/* The replay walks the tables again, as real MMUs do. */
		e->valid = false;
		return ERR_PTR(-EAGAIN);
	}

	size = BIT_ULL(e->shift);
	addr = (e->pte & SVMGPU_PTE_ADDR_MASK) + (va & (size - 1));
	*len = size - (va & (size - 1));

	if (e->pte & SVMGPU_PTE_SYSTEM) {
		phys_addr_t phys = dma_to_phys(hw->dev, addr);

		/* Only RAM is reachable; x86-64 maps all of it. */
		if (!pfn_valid(PHYS_PFN(phys)))
			return ERR_PTR(-EFAULT);
		return phys_to_virt(phys);
	}

	if (addr >= hw->caps.vram_size || *len > hw->caps.vram_size - addr)
		return ERR_PTR(-EFAULT);
	return svmgpu_hw_vram_vaddr(hw, addr);
}

/* Whether @e translates an address of one of the @n ranges. */
static bool svmgpu_hw_tlb_hit(const struct svmgpu_hw_tlb_entry *e,
			      const struct svmgpu_hw_tlb_range *ranges,
			      unsigned int n)
{
	u64 end = e->va + BIT_ULL(e->shift);
	unsigned int i;

	for (i = 0; i < n; i++)
		if (e->asid == ranges[i].asid && e->va < ranges[i].end &&
		    end > ranges[i].start)
			return true;
	return false;
}

static void svmgpu_hw_tlb_work(struct work_struct *work)
{
	struct svmgpu_hw *hw = container_of(work, struct svmgpu_hw, tlb_work);
	struct svmgpu_hw_tlb_range ranges[SVMGPU_HW_TLB_PENDING];
	unsigned int i, j, n;
	bool all;
	u64 target;

	spin_lock(&hw->tlb_done_wq.lock);
	target = hw->tlb_requested;
	n = hw->tlb_npending;
	memcpy(ranges, hw->tlb_pending, n * sizeof(*ranges));
	all = hw->tlb_pending_all;
	hw->tlb_npending = 0;
	hw->tlb_pending_all = false;
	spin_unlock(&hw->tlb_done_wq.lock);

	for (i = 0; i < hw->num_tlbs; i++) {
		struct svmgpu_hw_tlb *tlb = hw->tlbs[i];

		mutex_lock(&tlb->lock);
		for (j = 0; j < SVMGPU_HW_TLB_ENTRIES; j++) {
			struct svmgpu_hw_tlb_entry *e = &tlb->entries[j];

			if (e->valid && (all || svmgpu_hw_tlb_hit(e, ranges, n)))
				e->valid = false;
		}
		mutex_unlock(&tlb->lock);
	}

	spin_lock(&hw->tlb_done_wq.lock);
	hw->tlb_completed = max(hw->tlb_completed, target);
	wake_up_locked(&hw->tlb_done_wq);
	spin_unlock(&hw->tlb_done_wq.lock);
}

/* Add [@start, @end) of @asid to the pending ranges. Under the lock. */
static void svmgpu_hw_tlb_add(struct svmgpu_hw *hw, u32 asid, u64 start,
			      u64 end)
{
	struct svmgpu_hw_tlb_range *r;
	unsigned int i;

	lockdep_assert_held(&hw->tlb_done_wq.lock);

	if (hw->tlb_pending_all)
		return;
	for (i = 0; i < hw->tlb_npending; i++) {
		r = &hw->tlb_pending[i];
		if (r->asid == asid && start <= r->end && end >= r->start) {
			r->start = min(r->start, start);
			r->end = max(r->end, end);
			return;
		}
	}
	if (hw->tlb_npending == SVMGPU_HW_TLB_PENDING) {
		hw->tlb_pending_all = true;
		return;
	}
	hw->tlb_pending[hw->tlb_npending++] = (struct svmgpu_hw_tlb_range) {
		.start = start,
		.end = end,
		.asid = asid,
	};
}

/**
 * svmgpu_hw_tlb_invalidate() - Start invalidating a range on every engine.
 * @hw: The GPU.
 * @asid: The address-space id whose translations go.
 * @start: Start of the range of GPU addresses.
 * @size: Its size; the range ends at the top of the address space at most.
 *
 * Never sleeps and never allocates. Entries of other address spaces, and
 * outside the range, may go too.
 *
 * Return: A sequence number for svmgpu_hw_tlb_wait().
 */
u64 svmgpu_hw_tlb_invalidate(struct svmgpu_hw *hw, u32 asid, u64 start,
			     u64 size)
{
	u64 top = BIT_ULL(hw->caps.va_bits), seqno;

	spin_lock(&hw->tlb_done_wq.lock);
	svmgpu_hw_tlb_add(hw, asid, min(start, top),
			  size > top - min(start, top) ? top : start + size);
	seqno = ++hw->tlb_requested;
	spin_unlock(&hw->tlb_done_wq.lock);

	queue_work(hw->tlb_wq, &hw->tlb_work);
	return seqno;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_tlb_invalidate);

/**
 * svmgpu_hw_tlb_wait() - Wait for a TLB invalidation to complete.
 * @hw: The GPU.
 * @seqno: Returned by svmgpu_hw_tlb_invalidate().
 */
void svmgpu_hw_tlb_wait(struct svmgpu_hw *hw, u64 seqno)
{
	wait_event(hw->tlb_done_wq, READ_ONCE(hw->tlb_completed) >= seqno);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_tlb_wait);

/**
 * svmgpu_hw_mmu_init() - Set up TLB invalidation.
 * @hw: The GPU.
 * @name: Name for the invalidation workqueue.
 *
 * Return: 0 or -ENOMEM.
 */
int svmgpu_hw_mmu_init(struct svmgpu_hw *hw, const char *name)
{
	init_waitqueue_head(&hw->tlb_done_wq);
	INIT_WORK(&hw->tlb_work, svmgpu_hw_tlb_work);
	hw->tlb_wq = alloc_ordered_workqueue("%s-tlb", WQ_MEM_RECLAIM, name);
	return hw->tlb_wq ? 0 : -ENOMEM;
}

/**
 * svmgpu_hw_mmu_fini() - Tear down TLB invalidation.
 * @hw: The GPU.
 */
void svmgpu_hw_mmu_fini(struct svmgpu_hw *hw)
{
	destroy_workqueue(hw->tlb_wq);
}
