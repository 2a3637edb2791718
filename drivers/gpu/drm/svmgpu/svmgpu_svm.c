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
#include "svmgpu_pt.h"
#include "svmgpu_stats.h"
#include "svmgpu_svm.h"
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
 * page tables before the next fault is serviced. A notifier never runs for
 * the driver's own migrations (MMU_NOTIFY_MIGRATE with the device as
 * owner), which update the GPU mappings themselves.
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

	/* The driver's own migrations keep the GPU mappings right. */
	if ((mrange->event == MMU_NOTIFY_MIGRATE ||
	     mrange->event == MMU_NOTIFY_EXCLUSIVE) &&
	    mrange->owner == vm->sdev)
		return true;

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
 * inside [@start, @end), the mirror mapping, and inside the CPU VMA, and
 * that overlaps no range. Under vm->lock and mmap_lock.
 */
static u64 svm_range_pick(struct svmgpu_vm *vm, struct vm_area_struct *vma,
			  u64 start, u64 end, u64 addr, u64 max)
{
	static const u64 sizes[] = { SZ_2M, SZ_64K, SZ_4K };
	unsigned int i;

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

/* DMA-map the pages hmm_range_fault() found. */
static int svm_map_dma(struct svmgpu_vm *vm, const unsigned long *pfns,
		       dma_addr_t *dma, unsigned long npages, bool *writable)
{
	struct device *dev = vm->sdev->drm.dev;
	unsigned long i;

	*writable = true;
	for (i = 0; i < npages; i++) {
		struct page *page = hmm_pfn_to_page(pfns[i]);

		*writable &= !!(pfns[i] & HMM_PFN_WRITE);
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

/*
 * Find @range's pages and map them, as DOC: shared virtual memory says.
 * @hmm_ns accumulates the time in hmm_range_fault().
 */
static int svm_range_populate(struct svmgpu_vm *vm,
			      struct svmgpu_svm_range *range, bool write,
			      u64 *hmm_ns)
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
				 (write ? HMM_PFN_REQ_WRITE : 0),
		.dev_private_owner = vm->sdev,
	};
	unsigned long pfns_small[SVM_SMALL_PAGES];
	dma_addr_t dma_small[SVM_SMALL_PAGES], *dma;
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
		ret = -EBUSY;
		if (time_after(jiffies, timeout))
			goto out_free;

		hr.notifier_seq = mmu_interval_read_begin(hr.notifier);
		t0 = ktime_get_ns();
		mmap_read_lock(mm);
		ret = svm_range_check_vmas(mm, hr.start, hr.end) ?:
		      hmm_range_fault(&hr);
		mmap_read_unlock(mm);
		*hmm_ns += ktime_get_ns() - t0;
		if (ret == -EBUSY) {
			svm_count(vm, SVMGPU_STAT_SVM_RETRIES, 1);
			continue;
		}
		if (ret)
			goto out_free;

		ret = svm_map_dma(vm, hr.hmm_pfns, dma, npages, &writable);
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
	 * pages, mapped read-only before. Map them again as they are now.
	 */
	if (range->valid) {
		svm_range_zap(vm, range);
		svm_flush(vm, hr.start, hr.end);
	}
	svm_range_unmap_dma(vm, range);
	memcpy(range->dma, dma, npages * sizeof(*dma));
	range->dma_mapped = true;
	backing.dma = range->dma;
	svmgpu_pt_map(&vm->pt, hr.start, hr.end - hr.start, &backing,
		      writable);
	range->valid = true;
	range->writable = writable;
	mutex_unlock(&vm->pt_lock);
	ret = 0;

out_free:
	if (dma != dma_small) {
		kvfree(dma);
		kvfree(hr.hmm_pfns);
	}
	return ret;
}

/**
 * svmgpu_svm_fault() - Service a GPU fault in a mirror mapping.
 * @vm: The VM, whose lock the caller holds.
 * @start: Start of the mirror mapping that holds @addr.
 * @end: Its end.
 * @addr: The faulting GPU address, which is the CPU address.
 * @write: The access writes.
 *
 * Return: 0 when the GPU may replay the access, which includes when
 * invalidations kept racing for HMM_RANGE_DEFAULT_TIMEOUT (the access
 * faults again); -EFAULT for an access the CPU mapping does not allow, or
 * an address without one; -EPERM for a write to read-only memory; -ENOSPC
 * if no page tables could be had; -ENOMEM.
 */
int svmgpu_svm_fault(struct svmgpu_vm *vm, u64 start, u64 end, u64 addr,
		     bool write)
{
	struct mem_cgroup *memcg, *old_memcg;
	struct svmgpu_svm *svm = &vm->svm;
	struct svmgpu_svm_range *range;
	u64 t0 = ktime_get_ns(), hmm_ns = 0, max = SZ_2M, size;
	bool valid;
	int ret;

	lockdep_assert_held(&vm->lock);

	if (!mmget_not_zero(svm->mm))
		return -EFAULT;
	/* What it allocates is the process's, not the worker's. */
	memcg = get_mem_cgroup_from_mm(svm->mm);
	old_memcg = set_active_memcg(memcg);

	/* Ranges the CPU unmapped must not be found, nor block new ones. */
	svmgpu_svm_gc(vm);

again:
	range = svm_range_first(svm, addr, addr + 1);
	if (range) {
		mutex_lock(&vm->pt_lock);
		valid = range->valid && (!write || range->writable);
		mutex_unlock(&vm->pt_lock);
		if (valid) {
			size = range_size(range);
			svm_count(vm, SVMGPU_STAT_SVM_VALID_4K +
				  svm_size_index(size), 1);
			ret = 0;
			goto out;
		}
	} else {
		range = svm_range_create(vm, start, end, addr, max);
		if (IS_ERR(range)) {
			ret = PTR_ERR(range);
			goto out_put;
		}
	}

	size = range_size(range);
	ret = svm_range_populate(vm, range, write, &hmm_ns);
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
		  hmm_ns);
out:
	svm_count(vm, SVMGPU_STAT_SVM_FAULT_NS_4K + svm_size_index(size),
		  ktime_get_ns() - t0);
out_put:
	set_active_memcg(old_memcg);
	mem_cgroup_put(memcg);
	/* The last user of an exiting process's mm: not in this worker. */
	mmput_async(svm->mm);
	return ret;
}
