// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/dma-mapping.h>
#include <linux/hmm.h>
#include <linux/interval_tree.h>
#include <linux/memcontrol.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/userfaultfd_k.h>

#include "svmgpu_device.h"
#include "svmgpu_drv.h"
#include "svmgpu_migrate.h"
#include "svmgpu_pt.h"
#include "svmgpu_stats.h"
#include "svmgpu_svm.h"
#include "svmgpu_svm_attr.h"
#include "svmgpu_trace.h"
#include "svmgpu_vm.h"

/**
 * DOC: shared virtual memory
 *
 * A fault-mode VM may mirror its process's address space: an
 * OP_MAP_MIRROR mapping (a drm_gpuva without a BO) says where, and the
 * GPU page tables there are a TLB of the CPU's, filled by GPU page faults
 * and shot down by mmu interval notifiers. This file is that mirror; the
 * fault worker (svmgpu_fault.c) calls in with each fault.
 *
 * Ranges. What the GPU maps is tracked in ranges (&struct
 * svmgpu_svm_range), each one aligned block of 2 MiB, 64 KiB or 4 KiB: the
 * largest that holds the faulting address, lies inside its CPU VMA and its
 * mirror mapping, and overlaps no other range. A range reserves its page
 * tables when it is created, so that mapping it, and clearing it in a
 * notifier, never allocate; when the VM's share of page tables is used up,
 * every range goes (the GPU page tables are a cache of the CPU's, and
 * fault back in) and the reservation is tried again. Its pages are found with hmm_range_fault() and
 * DMA-mapped; svmgpu_pt_map() then picks 2 MiB and 64 KiB GPU leaves
 * wherever the pages are physically contiguous and aligned, which THP and
 * hugetlbfs pages are. A range that hmm_range_fault() refuses as a whole
 * (it spans VMAs with different protections, say) is replaced by the
 * faulting address's 4 KiB page alone, so only a truly bad access fails.
 *
 * Notifiers. Each mmu interval notifier watches an aligned 512 MiB region
 * of the mm, created by the first fault there and kept until the VM
 * dies: never one per fault. An invalidation clears the GPU leaves of
 * every range it touches, invalidates those addresses in the TLBs and
 * waits for that, so that no engine can reach the old pages when it
 * returns, then unmaps the pages for DMA. It takes only
 * &svmgpu_vm.pt_lock, under which nothing allocates, and no dma_resv
 * lock. It does not wait when mmu_notifier_range_blockable() says it may
 * not: it returns false, and the caller retries. A range the CPU unmapped
 * (MMU_NOTIFY_UNMAP) goes to the garbage collector, which frees it and its
 * page tables before the next fault is serviced. Migrations, the driver's
 * own included, invalidate like any other change: every VM mirroring the
 * mm, on every device, must let go of the old pages, and the VM that
 * migrates maps the new ones right after (DOC: device-private memory).
 *
 * Migration. A fault on a range whose attributes (svmgpu_svm_attr.c) say
 * so first moves the range to VRAM: preferred location this device, or
 * an atomic access with atomic mode DEVICE, whose leaves were written with
 * %SVMGPU_PTE_NO_ATOMIC so that atomics fault. Then the range is mapped as
 * usual: hmm_range_fault() with the device as owner returns the device's
 * own VRAM pages as they are, and their leaves point into VRAM. A range
 * whose pages a migration took out of VRAM is not moved back by faults for
 * migrate_hold_ms (the hold), so that memory the CPU and the GPU both use
 * does not bounce: meanwhile atomics are done in place, which the
 * emulated GPU does atomically with the CPU. Prefetches ignore the hold.
 *
 * Servicing a fault follows lib/test_hmm.c: take the notifier's sequence
 * number, run hmm_range_fault() under mmap_read_lock (again on -EBUSY, up
 * to HMM_RANGE_DEFAULT_TIMEOUT), map the pages for DMA, then under
 * pt_lock write the leaves unless an invalidation ran in between, in which
 * case start over. A read maps the pages read-only unless every page is
 * writable already; a later write faults again and asks for write access,
 * which breaks copy-on-write as a CPU write would.
 *
 * Locking: the caller holds &svmgpu_vm.lock, which serialises faults,
 * binds and teardown of the VM; mmap_lock nests inside it, and pt_lock
 * inside that. Nothing here takes a dma_resv lock.
 */

/**
 * struct svmgpu_svm_notifier - An mmu interval notifier over one region.
 */
struct svmgpu_svm_notifier {
	/** @mni: The notifier. */
	struct mmu_interval_notifier mni;

	/** @vm: Its VM. */
	struct svmgpu_vm *vm;

	/** @start: Start of the region. */
	u64 start;

	/** @end: End of the region. */
	u64 end;
};

/**
 * struct svmgpu_svm_range - A block of the mirror the GPU may map.
 *
 * Created and freed under &svmgpu_vm.lock; its state is under
 * &svmgpu_vm.pt_lock.
 */
struct svmgpu_svm_range {
	/** @it: In &svmgpu_svm.ranges; start and last address. */
	struct interval_tree_node it;

	/** @notifier: The notifier that watches it. */
	struct svmgpu_svm_notifier *notifier;

	/** @gc: In &svmgpu_svm.gc once @unmapped. */
	struct list_head gc;

	/** @valid: The GPU leaves map the pages. */
	bool valid;

	/** @writable: The leaves let the GPU write. */
	bool writable;

	/** @dma_mapped: @dma holds mappings to undo. */
	bool dma_mapped;

	/** @unmapped: The CPU unmapped part of it: it is garbage. */
	bool unmapped;

	/** @no_atomic: The leaves make GPU atomics fault. */
	bool no_atomic;

	/**
	 * @atomic_in_place: An atomic fault tried to move the range to VRAM
	 * and some pages stayed, or the hold kept it: atomics are done where
	 * the pages are, until pages move.
	 */
	bool atomic_in_place;

	/** @vram_pages: Pages the leaves map in VRAM; a hint once invalid. */
	unsigned int vram_pages;

	/**
	 * @to_ram_at: jiffies when a migration took the range's pages out of
	 * VRAM, or 0: the start of the anti-thrash hold.
	 */
	unsigned long to_ram_at;

	/** @dma: DMA address of each page while @dma_mapped. */
	dma_addr_t dma[];
};

static u64 range_start(const struct svmgpu_svm_range *range)
{
	return range->it.start;
}

static u64 range_size(const struct svmgpu_svm_range *range)
{
	return range->it.last + 1 - range->it.start;
}

static unsigned long range_npages(const struct svmgpu_svm_range *range)
{
	return range_size(range) >> PAGE_SHIFT;
}

static struct svmgpu_svm_range *svm_range_first(struct svmgpu_svm *svm,
						u64 start, u64 end)
{
	struct interval_tree_node *it;

	it = interval_tree_iter_first(&svm->ranges, start, end - 1);
	return it ? container_of(it, struct svmgpu_svm_range, it) : NULL;
}

static struct svmgpu_svm_range *svm_range_next(struct svmgpu_svm_range *range,
					       u64 start, u64 end)
{
	struct interval_tree_node *it;

	it = interval_tree_iter_next(&range->it, start, end - 1);
	return it ? container_of(it, struct svmgpu_svm_range, it) : NULL;
}

/* Index of a range size in the per-size counters. */
static unsigned int svm_size_index(u64 size)
{
	return size == SZ_2M ? 2 : size == SZ_64K ? 1 : 0;
}

static void svm_count(struct svmgpu_vm *vm, enum svmgpu_stat stat, u64 value)
{
	svmgpu_stats_add(&vm->sdev->stats, stat, value);
}

/* Clear the GPU leaves of @range. Under pt_lock; the caller flushes. */
static void svm_range_zap(struct svmgpu_vm *vm, struct svmgpu_svm_range *range)
{
	lockdep_assert_held(&vm->pt_lock);

	if (!range->valid)
		return;
	svmgpu_pt_unmap(&vm->pt, range_start(range), range_size(range));
	range->valid = false;
}

static void svm_unmap_dma(struct svmgpu_vm *vm, const dma_addr_t *dma,
			  unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		if (!(dma[i] & SVMGPU_PT_DMA_VRAM))
			dma_unmap_page(vm->sdev->drm.dev, dma[i], PAGE_SIZE,
				       DMA_BIDIRECTIONAL);
}

/* Undo the DMA mappings of a range no engine can reach any more. */
static void svm_range_unmap_dma(struct svmgpu_vm *vm,
				struct svmgpu_svm_range *range)
{
	if (!range->dma_mapped)
		return;
	svm_unmap_dma(vm, range->dma, range_npages(range));
	range->dma_mapped = false;
}

/*
 * Invalidate [@start, @end) of the VM in the TLBs and wait: afterwards no
 * engine reaches memory through a leaf cleared before. Never allocates.
 */
static void svm_flush(struct svmgpu_vm *vm, u64 start, u64 end)
{
	struct svmgpu_hw *hw = vm->sdev->hw;
	u64 seqno, t0 = ktime_get_ns();

	seqno = svmgpu_hw_tlb_invalidate(hw, vm->asid, start, end - start);
	svmgpu_hw_tlb_wait(hw, seqno);
	svm_count(vm, SVMGPU_STAT_SVM_TLB_INVALIDATIONS, 1);
	svm_count(vm, SVMGPU_STAT_SVM_TLB_NS, ktime_get_ns() - t0);
}

static bool svm_invalidate(struct mmu_interval_notifier *mni,
			   const struct mmu_notifier_range *mrange,
			   unsigned long cur_seq)
{
	struct svmgpu_svm_notifier *n =
		container_of(mni, struct svmgpu_svm_notifier, mni);
	struct svmgpu_vm *vm = n->vm;
	struct svmgpu_svm *svm = &vm->svm;
	u64 start = max_t(u64, mrange->start, n->start);
	u64 end = min_t(u64, mrange->end, n->end);
	u64 lo = U64_MAX, hi = 0;
	struct svmgpu_svm_range *range;

	if (!mmu_notifier_range_blockable(mrange))
		return false;

	mutex_lock(&vm->pt_lock);
	mmu_interval_set_seq(mni, cur_seq);

	for (range = svm_range_first(svm, start, end); range;
	     range = svm_range_next(range, start, end)) {
		if (range->valid) {
			svm_range_zap(vm, range);
			lo = min(lo, range_start(range));
			hi = max(hi, range_start(range) + range_size(range));
		}
		/*
		 * Pages leaving VRAM (CPU access, prefetch, eviction, another
		 * device), but for this VM's own migration of the range to
		 * VRAM: hold them in system memory a while.
		 */
		if ((mrange->event == MMU_NOTIFY_MIGRATE ||
		     mrange->event == MMU_NOTIFY_CLEAR) &&
		    READ_ONCE(svm->migrating) != range_start(range)) {
			if (range->vram_pages)
				WRITE_ONCE(range->to_ram_at, jiffies | 1);
			WRITE_ONCE(range->vram_pages, 0);
			WRITE_ONCE(range->atomic_in_place, false);
		}
		if (mrange->event == MMU_NOTIFY_UNMAP && !range->unmapped) {
			range->unmapped = true;
			list_add_tail(&range->gc, &svm->gc);
		}
	}

	if (lo < hi) {
		svm_flush(vm, lo, hi);
		svm_count(vm, SVMGPU_STAT_SVM_INVALIDATIONS, 1);
		trace_svmgpu_svm_invalidate(&vm->sdev->drm, vm->id, lo,
					    hi - lo, mrange->event);
	}
	/* No engine can reach the pages now. */
	for (range = svm_range_first(svm, start, end); range;
	     range = svm_range_next(range, start, end))
		if (!range->valid)
			svm_range_unmap_dma(vm, range);

	mutex_unlock(&vm->pt_lock);
	return true;
}

static const struct mmu_interval_notifier_ops svm_notifier_ops = {
	.invalidate = svm_invalidate,
};

/**
 * svmgpu_svm_init() - Set up the mirror of the current process.
 * @vm: The new fault-mode VM.
 *
 * Return: 0, or -EINVAL for a caller without an address space.
 */
int svmgpu_svm_init(struct svmgpu_vm *vm)
{
	struct svmgpu_svm *svm = &vm->svm;

	if (!current->mm)
		return -EINVAL;

	svm->mm = current->mm;
	mmgrab(svm->mm);
	xa_init(&svm->notifiers);
	/* Queries read it under RCU, without the VM's lock. */
	mt_init_flags(&svm->attrs, MT_FLAGS_USE_RCU);
	svm->ranges = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&svm->gc);
	return 0;
}

/* Unlink @range from the tree and its reservation. Under both locks. */
static void svm_range_unlink(struct svmgpu_vm *vm,
			     struct svmgpu_svm_range *range)
{
	lockdep_assert_held(&vm->lock);
	lockdep_assert_held(&vm->pt_lock);

	svm_range_zap(vm, range);
	interval_tree_remove(&range->it, &vm->svm.ranges);
	if (range->unmapped)
		list_del(&range->gc);
	svmgpu_pt_release(&vm->pt, range_start(range), range_size(range));
}

static void svm_range_free(struct svmgpu_svm_range *range)
{
	kvfree(range);
}

/*
 * Free every range in @list, unlinked with svm_range_unlink() under
 * pt_lock, which the caller still holds: flush the TLBs over [@start,
 * @end), free the page tables the reservations left, undo the DMA
 * mappings. Never allocates.
 */
static void svm_ranges_free(struct svmgpu_vm *vm, struct list_head *list,
			    u64 start, u64 end)
{
	struct svmgpu_svm_range *range, *next;

	lockdep_assert_held(&vm->pt_lock);

	if (list_empty(list))
		return;
	svm_flush(vm, start, end);
	svmgpu_pt_free_stale(&vm->pt);
	list_for_each_entry_safe(range, next, list, gc) {
		list_del(&range->gc);
		svm_range_unmap_dma(vm, range);
		svm_range_free(range);
	}
}

/**
 * svmgpu_svm_remove() - Drop what the GPU faulted in over a range.
 * @vm: The VM; the caller holds its lock and pt_lock.
 * @start: Start of the range.
 * @end: Its end.
 *
 * For binds that remove part of a mirror: ranges that overlap
 * [@start, @end) go whole. Never allocates.
 */
void svmgpu_svm_remove(struct svmgpu_vm *vm, u64 start, u64 end)
{
	struct svmgpu_svm_range *range;
	u64 lo = start, hi = end;
	LIST_HEAD(dead);

	lockdep_assert_held(&vm->pt_lock);

	while ((range = svm_range_first(&vm->svm, start, end))) {
		lo = min(lo, range_start(range));
		hi = max(hi, range_start(range) + range_size(range));
		svm_range_unlink(vm, range);
		list_add_tail(&range->gc, &dead);
	}
	svm_ranges_free(vm, &dead, lo, hi);
}

/**
 * svmgpu_svm_cut() - Drop the range that straddles an address.
 * @vm: The VM; the caller holds its lock and pt_lock.
 * @addr: The address, where attributes now change.
 *
 * Never allocates.
 */
void svmgpu_svm_cut(struct svmgpu_vm *vm, u64 addr)
{
	struct svmgpu_svm_range *range;

	lockdep_assert_held(&vm->pt_lock);

	range = svm_range_first(&vm->svm, addr, addr + 1);
	if (range && range_start(range) < addr)
		svmgpu_svm_remove(vm, addr, addr + 1);
}

/**
 * svmgpu_svm_busy() - Whether the GPU faulted anything in over a range.
 * @vm: The VM, whose lock the caller holds.
 * @start: Start of the range.
 * @end: Its end.
 *
 * Return: Whether a live range overlaps [@start, @end).
 */
bool svmgpu_svm_busy(struct svmgpu_vm *vm, u64 start, u64 end)
{
	struct svmgpu_svm_range *range;
	bool busy = false;

	lockdep_assert_held(&vm->lock);

	mutex_lock(&vm->pt_lock);
	for (range = svm_range_first(&vm->svm, start, end); range;
	     range = svm_range_next(range, start, end))
		busy |= !range->unmapped;
	mutex_unlock(&vm->pt_lock);
	return busy;
}

/**
 * svmgpu_svm_gc() - Free the ranges the CPU unmapped.
 * @vm: The VM, whose lock the caller holds.
 */
void svmgpu_svm_gc(struct svmgpu_vm *vm)
{
	struct svmgpu_svm *svm = &vm->svm;
	struct svmgpu_svm_range *range;
	u64 lo = U64_MAX, hi = 0, n = 0;
	LIST_HEAD(dead);

	lockdep_assert_held(&vm->lock);

	mutex_lock(&vm->pt_lock);
	while ((range = list_first_entry_or_null(&svm->gc,
						 struct svmgpu_svm_range,
						 gc))) {
		lo = min(lo, range_start(range));
		hi = max(hi, range_start(range) + range_size(range));
		svm_range_unlink(vm, range);
		list_add_tail(&range->gc, &dead);
		n++;
	}
	svm_ranges_free(vm, &dead, lo, hi);
	mutex_unlock(&vm->pt_lock);
	if (n)
		svm_count(vm, SVMGPU_STAT_SVM_GC_RANGES, n);
}

/**
 * svmgpu_svm_fini() - Tear down the mirror of a dying VM.
 * @vm: The VM, whose lock the caller holds. No engine uses it any more.
 *
 * Cannot fail.
 */
void svmgpu_svm_fini(struct svmgpu_vm *vm)
{
	struct svmgpu_svm *svm = &vm->svm;
	struct svmgpu_svm_notifier *n;
	unsigned long index;

	lockdep_assert_held(&vm->lock);

	/*
	 * First the mappings, while the notifiers still guard the pages:
	 * afterwards nothing refers to them.
	 */
	mutex_lock(&vm->pt_lock);
	svmgpu_svm_remove(vm, 0, U64_MAX);
	mutex_unlock(&vm->pt_lock);

	/* Waits for invalidations in progress; takes no lock of ours. */
	xa_for_each(&svm->notifiers, index, n) {
		mmu_interval_notifier_remove(&n->mni);
		kfree(n);
	}
	xa_destroy(&svm->notifiers);
	mtree_destroy(&svm->attrs);
	mmdrop(svm->mm);
}

/* The notifier over @addr's region, created if needed. Under vm->lock. */
static struct svmgpu_svm_notifier *svm_notifier_get(struct svmgpu_vm *vm,
						    u64 addr)
{
	struct svmgpu_svm *svm = &vm->svm;
	unsigned long index = addr / SVMGPU_SVM_NOTIFIER_SIZE;
	struct svmgpu_svm_notifier *n;
	int ret;

	lockdep_assert_held(&vm->lock);

	n = xa_load(&svm->notifiers, index);
	if (n)
		return n;

	n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (!n)
		return ERR_PTR(-ENOMEM);
	n->vm = vm;
	n->start = (u64)index * SVMGPU_SVM_NOTIFIER_SIZE;
	n->end = n->start + SVMGPU_SVM_NOTIFIER_SIZE;

	/* Without mmap_lock: a first notifier registers with the mm. */
	ret = mmu_interval_notifier_insert(&n->mni, svm->mm, n->start,
					   SVMGPU_SVM_NOTIFIER_SIZE,
					   &svm_notifier_ops);
	if (ret)
		goto err_free;
	ret = xa_err(xa_store(&svm->notifiers, index, n, GFP_KERNEL_ACCOUNT));
	if (ret)
		goto err_remove;
	return n;

err_remove:
	mmu_interval_notifier_remove(&n->mni);
err_free:
	kfree(n);
	return ERR_PTR(ret);
}

/*
 * The size of a new range for @addr: the largest aligned block that lies
 * inside [@start, @end), the mirror mapping, inside the CPU VMA and one run
 * of attributes, and that overlaps no range. Under vm->lock and mmap_lock.
 */
static u64 svm_range_pick(struct svmgpu_vm *vm, struct vm_area_struct *vma,
			  u64 start, u64 end, u64 addr, u64 max)
{
	static const u64 sizes[] = { SZ_2M, SZ_64K, SZ_4K };
	u64 lo, hi;
	unsigned int i;

	svmgpu_svm_attr_run(vm, addr, &lo, &hi);
	start = max(start, lo);
	end = min(end, hi);

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u64 lo = ALIGN_DOWN(addr, sizes[i]), hi = lo + sizes[i];

		if (sizes[i] > max || lo < start || hi > end ||
		    lo < vma->vm_start || hi > vma->vm_end)
			continue;
		if (!svm_range_first(&vm->svm, lo, hi))
			return sizes[i];
	}
	return 0;
}

/*
 * Create the range for @addr, of at most @max bytes, in the mirror mapping
 * [@start, @end). Reserves its page tables and finds its notifier.
 */
static struct svmgpu_svm_range *svm_range_create(struct svmgpu_vm *vm,
						 u64 start, u64 end, u64 addr,
						 u64 max)
{
	struct svmgpu_svm *svm = &vm->svm;
	struct svmgpu_svm_notifier *n;
	struct svmgpu_svm_range *range;
	struct vm_area_struct *vma;
	u64 size = 0;
	int ret;

	mmap_read_lock(svm->mm);
	vma = vma_lookup(svm->mm, addr);
	/* hmm_range_fault() refuses these: a BO's own mapping, for one. */
	if (vma && !(vma->vm_flags & (VM_IO | VM_PFNMAP)))
		size = svm_range_pick(vm, vma, start, end, addr, max);
	mmap_read_unlock(svm->mm);
	if (!size)
		return ERR_PTR(-EFAULT);

	n = svm_notifier_get(vm, addr);
	if (IS_ERR(n))
		return ERR_CAST(n);

	range = kvzalloc(struct_size(range, dma, size >> PAGE_SHIFT),
			 GFP_KERNEL_ACCOUNT);
	if (!range)
		return ERR_PTR(-ENOMEM);
	range->it.start = ALIGN_DOWN(addr, size);
	range->it.last = range->it.start + size - 1;
	range->notifier = n;
	INIT_LIST_HEAD(&range->gc);

	ret = svmgpu_pt_reserve(&vm->pt, range_start(range), size);
	if (ret == -ENOSPC) {
		/*
		 * The page tables are a cache of the CPU's: when the VM's
		 * share is used up, drop what the mirror holds, which will
		 * fault back in, and try again.
		 */
		mutex_lock(&vm->pt_lock);
		svmgpu_svm_remove(vm, 0, U64_MAX);
		mutex_unlock(&vm->pt_lock);
		ret = svmgpu_pt_reserve(&vm->pt, range_start(range), size);
	}
	if (ret)
		goto err_free;

	mutex_lock(&vm->pt_lock);
	interval_tree_insert(&range->it, &svm->ranges);
	mutex_unlock(&vm->pt_lock);
	return range;

err_free:
	svm_range_free(range);
	return ERR_PTR(ret);
}

/* Unlink and free one range. Under vm->lock. */
static void svm_range_destroy(struct svmgpu_vm *vm,
			      struct svmgpu_svm_range *range)
{
	u64 start = range_start(range), end = start + range_size(range);
	LIST_HEAD(dead);

	mutex_lock(&vm->pt_lock);
	svm_range_unlink(vm, range);
	list_add_tail(&range->gc, &dead);
	svm_ranges_free(vm, &dead, start, end);
	mutex_unlock(&vm->pt_lock);
}

/*
 * DMA-map the pages hmm_range_fault() found; the device's own VRAM pages
 * are VRAM offsets instead, counted in @vram_pages.
 */
static int svm_map_dma(struct svmgpu_vm *vm, const unsigned long *pfns,
		       dma_addr_t *dma, unsigned long npages, bool *writable,
		       unsigned int *vram_pages)
{
	struct svmgpu_device *sdev = vm->sdev;
	struct device *dev = sdev->drm.dev;
	unsigned long i;

	*writable = true;
	*vram_pages = 0;
	for (i = 0; i < npages; i++) {
		struct page *page = hmm_pfn_to_page(pfns[i]);

		*writable &= !!(pfns[i] & HMM_PFN_WRITE);
		if (svmgpu_migrate_page_is_vram(sdev, page)) {
			dma[i] = svmgpu_migrate_page_vram(sdev, page) |
				 SVMGPU_PT_DMA_VRAM;
			(*vram_pages)++;
			continue;
		}
		dma[i] = dma_map_page(dev, page, 0, PAGE_SIZE,
				      DMA_BIDIRECTIONAL);
		if (dma_mapping_error(dev, dma[i]))
			goto err_unmap;
	}
	return 0;

err_unmap:
	svm_unmap_dma(vm, dma, i);
	return -EFAULT;
}

/*
 * Refuse VMAs that hmm_range_fault() must not fault in: userfaultfd's,
 * whose handler it cannot wait for (the core mm would warn and fail).
 * Under mmap_lock.
 */
static int svm_range_check_vmas(struct mm_struct *mm, u64 start, u64 end)
{
	VMA_ITERATOR(vmi, mm, start);
	struct vm_area_struct *vma;

	for_each_vma_range(vmi, vma, end)
		if (userfaultfd_armed(vma))
			return -EFAULT;
	return 0;
}

/* Pages of a range whose scratch arrays fit on the stack (64 KiB). */
#define SVM_SMALL_PAGES		16

/**
 * struct svm_populate - How svm_range_populate() maps a range.
 */
struct svm_populate {
	/** @write: Fault the pages in for writing. */
	bool write;

	/** @prefetch: Fault them in for writing if the VMA allows it. */
	bool prefetch;

	/** @to_ram: Take device pages, of any device, to system memory. */
	bool to_ram;

	/** @atomic_ok: Let GPU atomics through, wherever the pages are. */
	bool atomic_ok;

	/** @attr: The range's attributes (SVMGPU_SVM_ATTR_*). */
	unsigned long attr;

	/** @hmm_ns: Accumulates the time in hmm_range_fault(). */
	u64 hmm_ns;
};

static bool svm_pfns_writable(const unsigned long *pfns,
			      unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		if (!(pfns[i] & HMM_PFN_WRITE))
			return false;
	return true;
}

/* Whether leaves of a range make GPU atomics fault. */
static bool svm_range_no_atomic(const struct svmgpu_svm_range *range,
				unsigned long attr, unsigned int vram_pages)
{
	switch (svmgpu_svm_attr_atomic(attr)) {
	case DRM_SVMGPU_ATOMIC_MODE_CPU:
		return true;
	case DRM_SVMGPU_ATOMIC_MODE_GLOBAL:
		return false;
	default:
		/* Atomics move the range, unless nothing may move it. */
		return vram_pages < range_npages(range) &&
		       !(attr & SVMGPU_SVM_ATTR_NO_MIGRATE) &&
		       !READ_ONCE(range->atomic_in_place);
	}
}

/*
 * Find @range's pages and map them, as DOC: shared virtual memory says.
 */
static int svm_range_populate(struct svmgpu_vm *vm,
			      struct svmgpu_svm_range *range,
			      struct svm_populate *pop)
{
	unsigned long timeout = jiffies +
		msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	unsigned long npages = range_npages(range);
	struct mm_struct *mm = vm->svm.mm;
	struct svmgpu_pt_backing backing = {};
	struct hmm_range hr = {
		.notifier = &range->notifier->mni,
		.start = range_start(range),
		.end = range_start(range) + range_size(range),
		.default_flags = HMM_PFN_REQ_FAULT |
				 (pop->write ? HMM_PFN_REQ_WRITE : 0),
		.dev_private_owner = pop->to_ram ? NULL : vm->sdev,
	};
	unsigned long pfns_small[SVM_SMALL_PAGES];
	dma_addr_t dma_small[SVM_SMALL_PAGES], *dma;
	unsigned int vram_pages;
	bool writable;
	u64 t0;
	int ret;

	/* 4 KiB and 64 KiB faults, the most frequent, need no allocation. */
	if (npages <= SVM_SMALL_PAGES) {
		hr.hmm_pfns = pfns_small;
		dma = dma_small;
	} else {
		hr.hmm_pfns = kvmalloc_array(npages, sizeof(*hr.hmm_pfns),
					     GFP_KERNEL);
		dma = kvmalloc_array(npages, sizeof(*dma), GFP_KERNEL);
		ret = -ENOMEM;
		if (!hr.hmm_pfns || !dma)
			goto out_free;
	}

	for (;;) {
		struct vm_area_struct *vma;

		ret = -EBUSY;
		if (time_after(jiffies, timeout))
			goto out_free;

		hr.notifier_seq = mmu_interval_read_begin(hr.notifier);
		t0 = ktime_get_ns();
		mmap_read_lock(mm);
		vma = pop->prefetch ? vma_lookup(mm, hr.start) : NULL;
		if (vma && vma->vm_flags & VM_WRITE &&
		    !(pop->attr & SVMGPU_SVM_ATTR_READONLY))
			hr.default_flags |= HMM_PFN_REQ_WRITE;
		ret = svm_range_check_vmas(mm, hr.start, hr.end) ?:
		      hmm_range_fault(&hr);
		mmap_read_unlock(mm);
		pop->hmm_ns += ktime_get_ns() - t0;
		if (ret == -EBUSY) {
			svm_count(vm, SVMGPU_STAT_SVM_RETRIES, 1);
			continue;
		}
		if (ret)
			goto out_free;

		/*
		 * hmm_range_fault() returns the device's own pages as they
		 * are, even read-only ones (copy-on-write after fork, a
		 * read-only VMA): a write must go through the CPU's fault
		 * path, which moves them back first.
		 */
		if (pop->write && hr.dev_private_owner &&
		    !svm_pfns_writable(hr.hmm_pfns, npages)) {
			hr.dev_private_owner = NULL;
			continue;
		}

		ret = svm_map_dma(vm, hr.hmm_pfns, dma, npages, &writable,
				  &vram_pages);
		if (ret)
			goto out_free;

		mutex_lock(&vm->pt_lock);
		if (!mmu_interval_read_retry(hr.notifier, hr.notifier_seq))
			break;
		mutex_unlock(&vm->pt_lock);
		svm_unmap_dma(vm, dma, npages);
		svm_count(vm, SVMGPU_STAT_SVM_RETRIES, 1);
	}

	/*
	 * Still valid means no invalidation since it was mapped: the same
	 * pages, mapped with fewer rights before. Map them again as they
	 * are now.
	 */
	if (range->valid) {
		svm_range_zap(vm, range);
		svm_flush(vm, hr.start, hr.end);
	}
	svm_range_unmap_dma(vm, range);
	memcpy(range->dma, dma, npages * sizeof(*dma));
	range->dma_mapped = true;
	writable &= !(pop->attr & SVMGPU_SVM_ATTR_READONLY);
	backing.dma = range->dma;
	backing.no_atomic = !pop->atomic_ok &&
			    svm_range_no_atomic(range, pop->attr, vram_pages);
	svmgpu_pt_map(&vm->pt, hr.start, hr.end - hr.start, &backing,
		      writable);
	range->valid = true;
	range->writable = writable;
	range->no_atomic = backing.no_atomic;
	WRITE_ONCE(range->vram_pages, vram_pages);
	if (pop->atomic_ok)
		WRITE_ONCE(range->atomic_in_place, vram_pages < npages);
	mutex_unlock(&vm->pt_lock);
	ret = 0;

out_free:
	if (dma != dma_small) {
		kvfree(dma);
		kvfree(hr.hmm_pfns);
	}
	return ret;
}

/* Whether the hold after a migration to system memory is still on. */
static bool svm_range_held(const struct svmgpu_svm_range *range)
{
	unsigned int ms = svmgpu_param_migrate_hold_ms();
	unsigned long at = READ_ONCE(range->to_ram_at);

	return at && ms && time_before(jiffies, at + msecs_to_jiffies(ms));
}

/*
 * Move @range to VRAM as far as it can move, before it is mapped. Failure
 * to find VRAM is not an error: the range is mapped where it is.
 */
static int svm_range_migrate(struct svmgpu_vm *vm,
			     struct svmgpu_svm_range *range,
			     bool interruptible)
{
	unsigned long moved;
	int ret;

	/* Invalid or not, still in VRAM unless a notifier said otherwise. */
	if (READ_ONCE(range->vram_pages) == range_npages(range))
		return 0;
	WRITE_ONCE(vm->svm.migrating, range_start(range));
	ret = svmgpu_migrate_to_vram(vm->sdev, vm->svm.mm, vm,
				     range_start(range),
				     range_start(range) + range_size(range),
				     interruptible, &moved);
	WRITE_ONCE(vm->svm.migrating, 0);
	if (ret == -EINTR || ret == -ERESTARTSYS)
		return ret;
	return 0;
}

/* The range for @addr in the mirror [@start, @end), created if needed. */
static struct svmgpu_svm_range *svm_range_get(struct svmgpu_vm *vm,
					      u64 start, u64 end, u64 addr,
					      u64 max)
{
	struct svmgpu_svm_range *range;

	range = svm_range_first(&vm->svm, addr, addr + 1);
	return range ?: svm_range_create(vm, start, end, addr, max);
}

/* Set up the process's memory context; undone by svm_mm_put(). */
static struct mem_cgroup *svm_mm_get(struct svmgpu_vm *vm,
				     struct mem_cgroup **old)
{
	struct mem_cgroup *memcg;

	if (!mmget_not_zero(vm->svm.mm))
		return ERR_PTR(-EFAULT);
	/* What it allocates is the process's, not the worker's. */
	memcg = get_mem_cgroup_from_mm(vm->svm.mm);
	*old = set_active_memcg(memcg);
	return memcg;
}

static void svm_mm_put(struct svmgpu_vm *vm, struct mem_cgroup *memcg,
		       struct mem_cgroup *old)
{
	set_active_memcg(old);
	mem_cgroup_put(memcg);
	/* The last user of an exiting process's mm: not in this worker. */
	mmput_async(vm->svm.mm);
}

/**
 * svmgpu_svm_fault() - Service a GPU fault in a mirror mapping.
 * @vm: The VM, whose lock the caller holds.
 * @start: Start of the mirror mapping that holds @addr.
 * @end: Its end.
 * @addr: The faulting GPU address, which is the CPU address.
 * @access: How the engine accessed it.
 *
 * Return: 0 when the GPU may replay the access, which includes when
 * invalidations kept racing for HMM_RANGE_DEFAULT_TIMEOUT (the access
 * faults again); -EFAULT for an access the CPU mapping or the attributes
 * do not allow, or an address without a mapping; -EPERM for a write to
 * read-only memory; -ENOSPC if no page tables could be had; -ENOMEM.
 */
int svmgpu_svm_fault(struct svmgpu_vm *vm, u64 start, u64 end, u64 addr,
		     enum svmgpu_hw_access access)
{
	bool write = access != SVMGPU_HW_ACCESS_READ;
	bool atomic = access == SVMGPU_HW_ACCESS_ATOMIC;
	unsigned long attr = svmgpu_svm_attr_get(vm, addr);
	struct svm_populate pop = { .write = write, .attr = attr };
	struct mem_cgroup *memcg, *old_memcg;
	struct svmgpu_svm_range *range;
	u64 t0 = ktime_get_ns(), max = SZ_2M, size;
	bool valid, migrate;
	int ret;

	lockdep_assert_held(&vm->lock);

	if (write && attr & SVMGPU_SVM_ATTR_READONLY)
		return -EPERM;
	if (atomic &&
	    svmgpu_svm_attr_atomic(attr) == DRM_SVMGPU_ATOMIC_MODE_CPU)
		return -EFAULT;

	memcg = svm_mm_get(vm, &old_memcg);
	if (IS_ERR(memcg))
		return PTR_ERR(memcg);

	/* Ranges the CPU unmapped must not be found, nor block new ones. */
	svmgpu_svm_gc(vm);

again:
	range = svm_range_get(vm, start, end, addr, max);
	if (IS_ERR(range)) {
		ret = PTR_ERR(range);
		goto out_put;
	}
	size = range_size(range);
	mutex_lock(&vm->pt_lock);
	valid = range->valid && (!write || range->writable) &&
		(!atomic || !range->no_atomic);
	mutex_unlock(&vm->pt_lock);
	if (valid) {
		svm_count(vm, SVMGPU_STAT_SVM_VALID_4K + svm_size_index(size), 1);
		ret = 0;
		goto out;
	}

	if (atomic && svm_range_no_atomic(range, attr,
					  READ_ONCE(range->vram_pages))) {
		/*
		 * The xe way: atomics in VRAM; in place if it cannot move, or
		 * if the CPU has just taken the range back.
		 */
		if (svm_range_held(range)) {
			svm_count(vm, SVMGPU_STAT_SVM_THRASH_HOLDS, 1);
			pop.atomic_ok = true;
			ret = 0;
		} else {
			ret = svm_range_migrate(vm, range, false);
			/* In VRAM, or in place where it could not move. */
			pop.atomic_ok = true;
		}
	} else {
		migrate = svmgpu_svm_attr_wants_vram(attr);
		if (migrate && svm_range_held(range)) {
			svm_count(vm, SVMGPU_STAT_SVM_THRASH_HOLDS, 1);
			migrate = false;
		}
		ret = migrate ? svm_range_migrate(vm, range, false) : 0;
	}
	if (!ret)
		ret = svm_range_populate(vm, range, &pop);
	/*
	 * Invalidations kept racing: not the access's fault. Let the engine
	 * replay, and fault again if it must, rather than fail the job.
	 */
	if (ret == -EBUSY)
		ret = 0;
	if (ret && ret != -ENOMEM && size > SZ_4K) {
		/* A block over VMAs with different rules: the page alone. */
		svm_range_destroy(vm, range);
		max = SZ_4K;
		goto again;
	}

	trace_svmgpu_svm_fault(&vm->sdev->drm, vm->id, addr, size, write,
			       ret);
	svm_count(vm, SVMGPU_STAT_SVM_FAULTS_4K + svm_size_index(size), 1);
	svm_count(vm, SVMGPU_STAT_SVM_HMM_NS_4K + svm_size_index(size),
		  pop.hmm_ns);
out:
	svm_count(vm, SVMGPU_STAT_SVM_FAULT_NS_4K + svm_size_index(size),
		  ktime_get_ns() - t0);
out_put:
	svm_mm_put(vm, memcg, old_memcg);
	return ret;
}

/*
 * Whether a prefetch would change nothing: @range is mapped, where the
 * prefetch wants it, and writable unless it may only be read.
 */
static bool svm_range_prefetched(struct svmgpu_vm *vm,
				 struct svmgpu_svm_range *range,
				 const struct svm_populate *pop, bool to_vram)
{
	unsigned int vram = to_vram ? range_npages(range) : 0;
	bool done;

	mutex_lock(&vm->pt_lock);
	done = range->valid && range->vram_pages == vram &&
	       (range->writable || pop->attr & SVMGPU_SVM_ATTR_READONLY);
	mutex_unlock(&vm->pt_lock);
	return done;
}

/**
 * svmgpu_svm_prefetch() - Move part of a mirror mapping and map it.
 * @vm: The VM, whose lock the caller holds.
 * @start: Start of the mirror mapping.
 * @end: Its end.
 * @addr: Start of the part to prefetch, inside the mapping.
 * @last: End of that part.
 * @to_vram: To VRAM, else to system memory.
 *
 * Creates the ranges of [@addr, @last), moves them, faulting in pages
 * never touched, and maps them for the GPU, writable where the CPU
 * mapping is (OP_PREFETCH).
 *
 * Return: 0; -EFAULT for a page without a CPU mapping or one the GPU
 * cannot use; -ERESTARTSYS if a signal is pending, what was prefetched
 * staying; -ENOSPC; -ENOMEM.
 */
int svmgpu_svm_prefetch(struct svmgpu_vm *vm, u64 start, u64 end, u64 addr,
			u64 last, bool to_vram)
{
	struct mem_cgroup *memcg, *old_memcg;
	struct svmgpu_svm_range *range;
	u64 max = SZ_2M;
	int ret = 0;

	lockdep_assert_held(&vm->lock);

	memcg = svm_mm_get(vm, &old_memcg);
	if (IS_ERR(memcg))
		return PTR_ERR(memcg);
	svmgpu_svm_gc(vm);

	while (addr < last) {
		struct svm_populate pop = {
			.prefetch = true,
			.to_ram = !to_vram,
			.attr = svmgpu_svm_attr_get(vm, addr),
		};

		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		range = svm_range_get(vm, start, end, addr, max);
		if (IS_ERR(range)) {
			ret = PTR_ERR(range);
			break;
		}
		/* Done already (a restarted prefetch): nothing to redo. */
		if (svm_range_prefetched(vm, range, &pop, to_vram))
			goto next;
		if (to_vram)
			ret = svm_range_migrate(vm, range, true);
		else
			ret = svmgpu_migrate_to_ram(vm->sdev, vm->svm.mm,
						    range_start(range),
						    range_start(range) +
						    range_size(range));
		if (!ret)
			ret = svm_range_populate(vm, range, &pop);
		if (ret == -EBUSY)
			ret = 0;
		if (ret && ret != -ENOMEM && ret != -ERESTARTSYS &&
		    ret != -EINTR && range_size(range) > SZ_4K) {
			/* A block over VMAs with different rules: by page. */
			svm_range_destroy(vm, range);
			max = SZ_4K;
			ret = 0;
			continue;
		}
		if (ret)
			break;
next:
		svm_count(vm, SVMGPU_STAT_SVM_PREFETCHES, 1);
		addr = range_start(range) + range_size(range);
	}

	svm_mm_put(vm, memcg, old_memcg);
	return ret;
}

static bool svm_snapshot_invalidate(struct mmu_interval_notifier *mni,
				    const struct mmu_notifier_range *mrange,
				    unsigned long cur_seq)
{
	/* A snapshot only needs hmm_range_fault() to see the change. */
	mmu_interval_set_seq(mni, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops svm_snapshot_ops = {
	.invalidate = svm_snapshot_invalidate,
};

/**
 * svmgpu_svm_snapshot_begin() - Get ready to look at a range's pages.
 * @vm: The VM.
 * @snap: The snapshot to set up.
 * @start: Start of the range.
 * @end: Its end.
 *
 * Return: 0; -ESRCH if the mm is gone; -ENOMEM.
 */
int svmgpu_svm_snapshot_begin(struct svmgpu_vm *vm,
			      struct svmgpu_svm_snapshot *snap, u64 start,
			      u64 end)
{
	int ret;

	snap->mm = vm->svm.mm;
	if (!mmget_not_zero(snap->mm))
		return -ESRCH;
	ret = mmu_interval_notifier_insert(&snap->mni, snap->mm, start,
					   end - start, &svm_snapshot_ops);
	if (ret)
		mmput(snap->mm);
	return ret;
}

/**
 * svmgpu_svm_snapshot_end() - Undo svmgpu_svm_snapshot_begin().
 * @snap: The snapshot.
 */
void svmgpu_svm_snapshot_end(struct svmgpu_svm_snapshot *snap)
{
	mmu_interval_notifier_remove(&snap->mni);
	mmput(snap->mm);
}

/**
 * svmgpu_svm_locations() - Where the pages of a block are now.
 * @vm: The VM.
 * @snap: A snapshot begun over a range holding the block.
 * @start: Start of the block.
 * @end: Its end, in the same 2 MiB as @start.
 * @locs: Out: a DRM_SVMGPU_LOC_* for each page of the block, from @start.
 * @pfns: Scratch of as many entries.
 * @next: Out: @start, or if no CPU mapping meets the block, the start of
 *	  the next one (U64_MAX if none): nothing is mapped until there.
 *
 * A snapshot of the CPU page tables, with hmm_range_fault() asked to
 * fault nothing in: a present page is in system memory or, if it is one
 * of the device's, in VRAM; anything else (never touched, swapped out, in
 * another device) is DRM_SVMGPU_LOC_NONE. Changes nothing.
 */
void svmgpu_svm_locations(struct svmgpu_vm *vm,
			  struct svmgpu_svm_snapshot *snap, u64 start, u64 end,
			  u8 *locs, unsigned long *pfns, u64 *next)
{
	unsigned long npages = (end - start) >> PAGE_SHIFT, i;
	struct mm_struct *mm = snap->mm;
	struct vm_area_struct *vma;
	struct vma_iterator vmi;

	unsigned int tries = 0;
	unsigned long seq;
	bool busy;

again:
	vma_iter_init(&vmi, mm, start);
	memset(locs, DRM_SVMGPU_LOC_NONE, npages);
	*next = start;
	busy = false;

	/* It may wait for invalidations: not under mmap_lock. */
	seq = mmu_interval_read_begin(&snap->mni);
	mmap_read_lock(mm);
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		*next = vma ? vma->vm_start : U64_MAX;
	for_each_vma_range(vmi, vma, end) {
		u64 s = max_t(u64, start, vma->vm_start);
		u64 e = min_t(u64, end, vma->vm_end);
		unsigned long first = (s - start) >> PAGE_SHIFT;
		struct hmm_range hr = {
			.notifier = &snap->mni,
			.start = s,
			.end = e,
			.hmm_pfns = pfns + first,
			.notifier_seq = seq,
			.dev_private_owner = vm->sdev,
		};
		int ret;

		if (vma->vm_flags & (VM_IO | VM_PFNMAP))
			continue;
		ret = hmm_range_fault(&hr);
		busy |= ret == -EBUSY;
		if (ret)
			continue;
		for (i = first; i < first + ((e - s) >> PAGE_SHIFT); i++) {
			struct page *page;

			if (!(pfns[i] & HMM_PFN_VALID))
				continue;
			page = hmm_pfn_to_page(pfns[i]);
			locs[i] = svmgpu_migrate_page_is_vram(vm->sdev, page) ?
				  DRM_SVMGPU_LOC_DEVICE : DRM_SVMGPU_LOC_SYSTEM;
		}
	}
	mmap_read_unlock(mm);
	/* Raced with an invalidation: look again, a few times. */
	if (busy && ++tries < 16)
		goto again;
}
