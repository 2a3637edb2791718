// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/memcontrol.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/slab.h>
#include <linux/userfaultfd_k.h>

#include <drm/drm_managed.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_resource.h>

#include "svmgpu_device.h"
#include "svmgpu_migrate.h"
#include "svmgpu_move.h"
#include "svmgpu_stats.h"
#include "svmgpu_trace.h"

/**
 * DOC: device-private memory
 *
 * Each device has one MEMORY_DEVICE_PRIVATE pagemap (&struct
 * svmgpu_pagemap) as large as its VRAM, over a physical range that
 * request_free_mem_region() finds unused: device page n stands for VRAM
 * page n. The device is the pagemap's owner, so hmm_range_fault() and
 * migrate_vma_setup() with the device as owner see those pages as they are,
 * and anyone else's access first migrates them back (migrate_to_ram).
 *
 * VRAM for migrated memory comes from TTM, as kernel BOs of the size of
 * the mirror's range (2 MiB, 64 KiB or 4 KiB), called chunks (&struct
 * svmgpu_migrate_chunk); so BOs and migrated memory share VRAM and one
 * LRU. A chunk holds one reference per device page in use, plus one while
 * a migration fills it; the last page_free(), which may run in any
 * context, hands the chunk to a worker that releases its VRAM.
 *
 * Migration to VRAM (svmgpu_migrate_to_vram()) collects a range's system
 * pages with migrate_vma_setup(), copies them with the copy engine
 * (svmgpu_move_pages(); pages never touched are copied from a zero page),
 * and then lets migrate_vma_pages() switch the CPU page tables. Pages that
 * cannot move (shared, file-backed, pinned, or locked by a racing
 * migration) simply stay. Each GPU fault or prefetch makes one attempt and
 * maps the pages wherever they then are, so racing migrations of a range
 * cannot livelock: they only decide where the pages end up.
 *
 * Migration back to system memory is:
 *
 * - migrate_to_ram(), for a CPU fault or a get_user_pages() on a device
 *   page: it moves the aligned block of the chunk's size around the
 *   faulting address, as far as it lies in the VMA;
 * - svmgpu_migrate_to_ram(), the same for a prefetch to system memory;
 * - eviction (svmgpu_migrate_chunk_evict()), when TTM wants the chunk's
 *   VRAM: migrate_device_range() over the chunk's pages, no mmap_lock
 *   needed, repeated until every page is gone, since it skips pages that
 *   are locked at that moment (a CPU fault in progress, say);
 * - the end of the VM that migrated it (svmgpu_migrate_release()), on
 *   VM_DESTROY or when its file closes: its chunks are evicted, so that
 *   no VRAM stays held for memory nobody's GPU uses; unless another VM of
 *   the device mirrors the same process, which then inherits them;
 * - device teardown, which evicts every chunk before memunmap_pages().
 *
 * Destination system pages are written in full before migrate_vma_pages()
 * hands them over: a copy's error is checked first, and a copy the engine
 * failed is done again by the CPU, which can read the emulated VRAM. So no
 * page is handed over with stale contents (CVE-2024-50096 was an uncopied
 * page handed over), and eviction and teardown never fail. That is also
 * why they are not zeroed when allocated: every byte would be written
 * twice, and clear_page() costs as much as the copy.
 *
 * Locking: a migration to VRAM takes mmap_lock, then the chunk's
 * reservation (held from its creation until it is filled, so that TTM
 * cannot evict a chunk being filled), then page locks; copies take
 * &svmgpu_mover.lock inside all of those. Eviction runs under the chunk's
 * reservation and takes page locks only with trylock. The mmu notifiers
 * that migrations trigger take &svmgpu_vm.pt_lock. @lock only guards the
 * chunk list.
 */

/**
 * struct svmgpu_migrate_chunk - VRAM that holds migrated pages.
 */
struct svmgpu_migrate_chunk {
	/** @tbo: The kernel BO that owns the VRAM. */
	struct ttm_buffer_object tbo;

	/** @sdev: The device. */
	struct svmgpu_device *sdev;

	/** @vram: VRAM offset; constant, the chunk never moves. */
	u64 vram;

	/** @npages: Size in pages. */
	unsigned long npages;

	/**
	 * @owner: The mirror whose migration filled the chunk, or that
	 * inherited it (svmgpu_migrate_reown()); only ever compared. Under
	 * &svmgpu_pagemap.lock once the chunk is listed.
	 */
	const void *owner;

	/** @victim: In the list of an eviction walk, svmgpu_migrate_evict(). */
	struct list_head victim;

	/**
	 * @pages: Device pages in use, plus one while a migration fills
	 * the chunk. At zero the chunk is released.
	 */
	atomic_t pages;

	/** @link: In &svmgpu_pagemap.chunks. */
	struct list_head link;

	/** @free: In &svmgpu_pagemap.free once released. */
	struct llist_node free;
};

static struct svmgpu_pagemap *to_pagemap(struct svmgpu_device *sdev)
{
	return &sdev->pagemap;
}

static struct svmgpu_migrate_chunk *to_chunk(struct ttm_buffer_object *tbo)
{
	return container_of(tbo, struct svmgpu_migrate_chunk, tbo);
}

static void svmgpu_migrate_chunk_destroy(struct ttm_buffer_object *tbo)
{
	drm_gem_object_release(&tbo->base);
	kfree(to_chunk(tbo));
}

/**
 * svmgpu_migrate_is_chunk() - Is this TTM BO a chunk of migrated memory?
 * @tbo: A TTM BO of the device.
 *
 * Return: Whether @tbo is a chunk.
 */
bool svmgpu_migrate_is_chunk(struct ttm_buffer_object *tbo)
{
	return tbo->destroy == svmgpu_migrate_chunk_destroy;
}

/* Drop a page's or the filler's reference; any context. */
static void svmgpu_migrate_chunk_put(struct svmgpu_migrate_chunk *chunk)
{
	struct svmgpu_pagemap *pm = to_pagemap(chunk->sdev);

	if (atomic_dec_and_test(&chunk->pages)) {
		llist_add(&chunk->free, &pm->free);
		queue_work(system_unbound_wq, &pm->free_work);
	}
}

static void svmgpu_migrate_free_work(struct work_struct *work)
{
	struct svmgpu_pagemap *pm =
		container_of(work, struct svmgpu_pagemap, free_work);
	struct svmgpu_migrate_chunk *chunk, *next;
	struct llist_node *list = llist_del_all(&pm->free);

	llist_for_each_entry_safe(chunk, next, list, free) {
		spin_lock(&pm->lock);
		list_del(&chunk->link);
		spin_unlock(&pm->lock);
		atomic64_sub(chunk->npages << PAGE_SHIFT, &pm->vram_bytes);
		ttm_bo_put(&chunk->tbo);
	}
}

/*
 * A new chunk of @size bytes, reserved, with the filler's reference. TTM
 * may evict BOs and other chunks for it, with trylocks only.
 */
static struct svmgpu_migrate_chunk *
svmgpu_migrate_chunk_create(struct svmgpu_device *sdev, u64 size,
			    const void *owner, bool interruptible)
{
	struct svmgpu_pagemap *pm = to_pagemap(sdev);
	struct ttm_operation_ctx ctx = { .interruptible = interruptible };
	struct ttm_place place = { .mem_type = TTM_PL_VRAM };
	struct ttm_placement placement = {
		.num_placement = 1,
		.placement = &place,
	};
	struct svmgpu_migrate_chunk *chunk;
	u64 t0 = ktime_get_ns();
	int ret;

	chunk = kzalloc(sizeof(*chunk), GFP_KERNEL);
	if (!chunk)
		return ERR_PTR(-ENOMEM);
	drm_gem_private_object_init(&sdev->drm, &chunk->tbo.base, size);
	chunk->sdev = sdev;
	chunk->npages = size >> PAGE_SHIFT;
	chunk->owner = owner;
	atomic_set(&chunk->pages, 1);
	INIT_LIST_HEAD(&chunk->link);
	INIT_LIST_HEAD(&chunk->victim);

	/* On failure, TTM calls svmgpu_migrate_chunk_destroy(). */
	ret = ttm_bo_init_reserved(&sdev->ttm, &chunk->tbo, ttm_bo_type_kernel,
				   &placement, chunk->npages, &ctx, NULL, NULL,
				   svmgpu_migrate_chunk_destroy);
	if (ret)
		return ERR_PTR(ret);

	/*
	 * An eviction's copy may still read the VRAM TTM just gave us. A
	 * kernel copy ends soon: not worth losing the VRAM to a signal.
	 */
	ctx.interruptible = false;
	ret = ttm_bo_wait_ctx(&chunk->tbo, &ctx);
	if (ret) {
		/* Empty: an eviction that catches it has nothing to wait for. */
		atomic_set(&chunk->pages, 0);
		ttm_bo_unreserve(&chunk->tbo);
		ttm_bo_put(&chunk->tbo);
		return ERR_PTR(ret);
	}

	chunk->vram = (u64)chunk->tbo.resource->start << PAGE_SHIFT;
	spin_lock(&pm->lock);
	list_add_tail(&chunk->link, &pm->chunks);
	spin_unlock(&pm->lock);
	atomic64_add(size, &pm->vram_bytes);
	svmgpu_stats_add(&sdev->stats, SVMGPU_STAT_SVM_MIGRATE_ALLOC_NS,
			 ktime_get_ns() - t0);
	return chunk;
}

/* The chunk is filled: TTM may evict it, and it goes with its pages. */
static void svmgpu_migrate_chunk_done(struct svmgpu_migrate_chunk *chunk)
{
	/*
	 * The filler's reference goes before the reservation, so that an
	 * eviction never waits for it; a BO reference keeps the chunk.
	 */
	ttm_bo_get(&chunk->tbo);
	svmgpu_migrate_chunk_put(chunk);
	ttm_bo_unreserve(&chunk->tbo);
	ttm_bo_put(&chunk->tbo);
}

/**
 * svmgpu_migrate_page_is_vram() - Is a page one of the device's VRAM pages?
 * @sdev: The device.
 * @page: A page hmm_range_fault() returned.
 *
 * Return: Whether @page is a device page of @sdev.
 */
bool svmgpu_migrate_page_is_vram(struct svmgpu_device *sdev,
				 struct page *page)
{
	return is_device_private_page(page) &&
	       page->pgmap == &to_pagemap(sdev)->pgmap;
}

/**
 * svmgpu_migrate_page_vram() - The VRAM offset of a device page.
 * @sdev: The device.
 * @page: A device page of @sdev.
 *
 * Return: The offset in VRAM that @page stands for.
 */
u64 svmgpu_migrate_page_vram(struct svmgpu_device *sdev, struct page *page)
{
	return (u64)(page_to_pfn(page) - to_pagemap(sdev)->pfn_first) <<
	       PAGE_SHIFT;
}

static struct page *svmgpu_migrate_vram_page(struct svmgpu_device *sdev,
					     u64 vram)
{
	return pfn_to_page(to_pagemap(sdev)->pfn_first + (vram >> PAGE_SHIFT));
}

/*
 * The scratch arrays of one migration of at most %SVMGPU_MIGRATE_MAX_PAGES
 * pages.
 */
struct svmgpu_migrate_args {
	unsigned long src[SZ_2M >> PAGE_SHIFT];
	unsigned long dst[SZ_2M >> PAGE_SHIFT];
	u64 vram[SZ_2M >> PAGE_SHIFT];
	dma_addr_t dma[SZ_2M >> PAGE_SHIFT];
};

#define SVMGPU_MIGRATE_MAX_PAGES	(SZ_2M >> PAGE_SHIFT)

static void svmgpu_migrate_unmap_dma(struct svmgpu_device *sdev,
				     struct svmgpu_migrate_args *a,
				     unsigned long npages)
{
	struct svmgpu_pagemap *pm = to_pagemap(sdev);
	unsigned long i;

	for (i = 0; i < npages; i++)
		if (a->dma[i] != pm->zero_dma && a->dma[i] != pm->scratch_dma)
			dma_unmap_page(sdev->drm.dev, a->dma[i], PAGE_SIZE,
				       DMA_BIDIRECTIONAL);
}

/*
 * Copy the pages that have a VRAM offset in @a->vram between VRAM and
 * their system pages, @pages[i] (NULL: the zero page, only to VRAM).
 * The copy engine does it; if it cannot, the CPU does, through the
 * emulated VRAM's kernel mapping, as a driver would through a BAR.
 */
static void svmgpu_migrate_copy(struct svmgpu_device *sdev,
				struct svmgpu_migrate_args *a,
				struct page **pages, unsigned long npages,
				bool to_vram)
{
	struct svmgpu_pagemap *pm = to_pagemap(sdev);
	struct device *dev = sdev->drm.dev;
	u64 t0 = ktime_get_ns();
	unsigned long i;
	int ret = 0;

	for (i = 0; i < npages; i++) {
		/* Pages not copied: never written, whatever the window maps. */
		a->dma[i] = to_vram ? pm->zero_dma : pm->scratch_dma;
		if (a->vram[i] == SVMGPU_MOVE_SKIP || !pages[i])
			continue;
		a->dma[i] = dma_map_page(dev, pages[i], 0, PAGE_SIZE,
					 DMA_BIDIRECTIONAL);
		if (dma_mapping_error(dev, a->dma[i])) {
			a->dma[i] = pm->scratch_dma;
			ret = -ENOMEM;
		}
	}
	if (!ret)
		ret = svmgpu_move_pages(sdev, a->vram, a->dma, npages, to_vram);
	svmgpu_migrate_unmap_dma(sdev, a, npages);

	if (ret) {
		for (i = 0; i < npages; i++) {
			void *v;

			if (a->vram[i] == SVMGPU_MOVE_SKIP)
				continue;
			v = svmgpu_hw_vram_vaddr(sdev->hw, a->vram[i]);
			if (!pages[i])
				memset(v, 0, PAGE_SIZE);
			else if (to_vram)
				memcpy_from_page(v, pages[i], 0, PAGE_SIZE);
			else
				memcpy_to_page(pages[i], 0, v, PAGE_SIZE);
		}
		svmgpu_stats_add(&sdev->stats, SVMGPU_STAT_SVM_COPY_FALLBACKS,
				 1);
	}
	svmgpu_stats_add(&sdev->stats, to_vram ?
			 SVMGPU_STAT_SVM_COPY_TO_VRAM_NS :
			 SVMGPU_STAT_SVM_COPY_TO_RAM_NS, ktime_get_ns() - t0);
}

/*
 * Whether migrate_device_range() caught a device page that a migration
 * to system memory has just moved, between its unlock and its last put:
 * its memory cgroup went to the new page, and no page table refers to it
 * any more. Migrating it again would copy stale data for nobody, and trip
 * memcg's checks. (Without memcg, that copy is merely wasted.)
 */
static bool svmgpu_migrate_in_transit(struct page *page)
{
	return !mem_cgroup_disabled() && !folio_memcg(page_folio(page));
}

/*
 * For the device pages in @a->src that are to migrate, allocate system
 * pages and copy; each page is written in full (DOC: device-private
 * memory), so none is zeroed. Pages that get no system page do not
 * migrate.
 * @vma and @start place the allocations; @vma is NULL for eviction, which
 * must not fail. Return how many pages will migrate.
 */
static unsigned long svmgpu_migrate_fill_ram(struct svmgpu_device *sdev,
					     struct svmgpu_migrate_args *a,
					     unsigned long npages,
					     struct vm_area_struct *vma,
					     u64 start)
{
	struct page **pages = (struct page **)a->dst;
	unsigned long i, n = 0;

	for (i = 0; i < npages; i++) {
		struct page *spage = migrate_pfn_to_page(a->src[i]);
		struct page *dpage = NULL;

		a->vram[i] = SVMGPU_MOVE_SKIP;
		if (spage && a->src[i] & MIGRATE_PFN_MIGRATE &&
		    !svmgpu_migrate_in_transit(spage)) {
			if (vma)
				dpage = alloc_page_vma(GFP_HIGHUSER_MOVABLE,
						       vma,
						       start + i * PAGE_SIZE);
			else
				dpage = alloc_page(GFP_HIGHUSER_MOVABLE |
						   __GFP_NOFAIL);
		}
		pages[i] = dpage;
		if (!dpage)
			continue;
		lock_page(dpage);
		a->vram[i] = svmgpu_migrate_page_vram(sdev, spage);
		n++;
	}
	if (n)
		svmgpu_migrate_copy(sdev, a, pages, npages, false);

	/* Only now, with the data copied, are the pages handed over. */
	for (i = 0; i < npages; i++) {
		struct page *dpage = pages[i];

		a->dst[i] = dpage ? migrate_pfn(page_to_pfn(dpage)) |
				    (a->src[i] & MIGRATE_PFN_WRITE) : 0;
	}
	return n;
}

/*
 * The size class of a migration of a block of @npages, for the counters
 * that come in 4K, 64K and 2M: 0, 1 or 2.
 */
static unsigned int svmgpu_migrate_size_class(unsigned long npages)
{
	if (npages >= SZ_2M >> PAGE_SHIFT)
		return 2;
	return npages >= SZ_64K >> PAGE_SHIFT ? 1 : 0;
}

/*
 * The counters of one direction: the totals (@count is SVMGPU_STAT_COUNT
 * where there is none), then the first of each 4K, 64K, 2M triple.
 */
struct svmgpu_migrate_stats {
	enum svmgpu_stat count, pages, ns, mm_ns, count_4k, bytes_4k, ns_4k;
};

static const struct svmgpu_migrate_stats svmgpu_migrate_to_ram_stats = {
	.count = SVMGPU_STAT_SVM_MIGRATE_TO_RAM,
	.pages = SVMGPU_STAT_SVM_MIGRATE_TO_RAM_PAGES,
	.ns = SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS,
	.mm_ns = SVMGPU_STAT_SVM_MM_TO_RAM_NS,
	.count_4k = SVMGPU_STAT_SVM_MIGRATE_TO_RAM_4K,
	.bytes_4k = SVMGPU_STAT_SVM_MIGRATE_TO_RAM_BYTES_4K,
	.ns_4k = SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS_4K,
};

static const struct svmgpu_migrate_stats svmgpu_migrate_to_vram_stats = {
	.count = SVMGPU_STAT_COUNT,
	.pages = SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_PAGES,
	.ns = SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS,
	.mm_ns = SVMGPU_STAT_SVM_MM_TO_VRAM_NS,
	.count_4k = SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_4K,
	.bytes_4k = SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_BYTES_4K,
	.ns_4k = SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS_4K,
};

/*
 * Count a migration of a block of @npages that moved @moved pages; it
 * started at @t0 and spent @mm_ns in the core mm.
 */
static void svmgpu_migrate_count(struct svmgpu_device *sdev, bool to_vram,
				 unsigned long npages, unsigned long moved,
				 u64 t0, u64 mm_ns)
{
	const struct svmgpu_migrate_stats *which =
		to_vram ? &svmgpu_migrate_to_vram_stats :
			  &svmgpu_migrate_to_ram_stats;
	unsigned int size = svmgpu_migrate_size_class(npages);
	struct svmgpu_stats *stats = &sdev->stats;
	u64 ns = ktime_get_ns() - t0;

	if (which->count != SVMGPU_STAT_COUNT)
		svmgpu_stats_add(stats, which->count, 1);
	svmgpu_stats_add(stats, which->pages, moved);
	svmgpu_stats_add(stats, which->ns, ns);
	svmgpu_stats_add(stats, which->mm_ns, mm_ns);
	svmgpu_stats_add(stats, which->count_4k + size, 1);
	svmgpu_stats_add(stats, which->bytes_4k + size,
			 (u64)moved << PAGE_SHIFT);
	svmgpu_stats_add(stats, which->ns_4k + size, ns);
}

/*
 * Evict every page of @chunk to system memory. Cannot fail: pages that
 * are locked right now are tried again until none is left.
 */
static void svmgpu_migrate_chunk_empty(struct svmgpu_migrate_chunk *chunk)
{
	struct svmgpu_device *sdev = chunk->sdev;
	unsigned long pfn = to_pagemap(sdev)->pfn_first +
			    (chunk->vram >> PAGE_SHIFT);
	unsigned long npages = chunk->npages, moved = 0;
	struct svmgpu_migrate_args *a;
	u64 t0 = ktime_get_ns(), mm_ns = 0, t;

	a = kvmalloc(sizeof(*a), GFP_KERNEL | __GFP_NOFAIL);
	while (atomic_read(&chunk->pages) > 0) {
		unsigned long n = 0, i;

		t = ktime_get_ns();
		migrate_device_range(a->src, pfn, npages);
		mm_ns += ktime_get_ns() - t;
		svmgpu_migrate_fill_ram(sdev, a, npages, NULL, 0);
		t = ktime_get_ns();
		migrate_device_pages(a->src, a->dst, npages);
		for (i = 0; i < npages; i++)
			n += a->dst[i] && a->src[i] & MIGRATE_PFN_MIGRATE;
		migrate_device_finalize(a->src, a->dst, npages);
		mm_ns += ktime_get_ns() - t;
		moved += n;
		/*
		 * What is left is busy: locked by a migration in progress, or
		 * referenced by a CPU fault about to migrate it.
		 */
		if (!n && atomic_read(&chunk->pages) > 0)
			usleep_range(100, 1000);
	}
	kvfree(a);

	trace_svmgpu_svm_evict(&sdev->drm, chunk->vram, npages, moved);
	svmgpu_stats_add(&sdev->stats, SVMGPU_STAT_SVM_EVICTIONS, 1);
	svmgpu_stats_add(&sdev->stats, SVMGPU_STAT_SVM_EVICTED_PAGES, moved);
	if (moved)
		svmgpu_migrate_count(sdev, false, npages, moved, t0, mm_ns);
}

/**
 * svmgpu_migrate_chunk_evict() - Empty a chunk that TTM evicts.
 * @tbo: The chunk, reserved, in VRAM.
 *
 * Called from the TTM move callback: migrates every page of the chunk
 * back to system memory, after which the VRAM may be reused. Takes no
 * mmap_lock.
 */
void svmgpu_migrate_chunk_evict(struct ttm_buffer_object *tbo)
{
	dma_resv_assert_held(tbo->base.resv);
	svmgpu_migrate_chunk_empty(to_chunk(tbo));
}

/**
 * svmgpu_migrate_to_vram() - Migrate a range of an mm to VRAM.
 * @sdev: The device.
 * @mm: The mm, referenced by the caller; its mmap_lock is not held.
 * @owner: The mirror that migrates, which svmgpu_migrate_release() names
 *	   when it goes.
 * @start: Start of the range, aligned to its size.
 * @end: End of the range, at most 2 MiB after @start, inside one VMA.
 * @interruptible: Waits for VRAM may be interrupted by signals.
 * @moved: Out: the number of pages that moved.
 *
 * Moves the range's private anonymous system pages to VRAM, as far as
 * they can move (DOC: device-private memory).
 *
 * Return: 0, even if nothing could move (without allocating VRAM, when
 * the VMA is not private anonymous memory); -ENOSPC or -ENOMEM when no VRAM
 * could be had; -EFAULT if the range is not inside one VMA; -EINTR or
 * -ERESTARTSYS.
 */
int svmgpu_migrate_to_vram(struct svmgpu_device *sdev, struct mm_struct *mm,
			   const void *owner, u64 start, u64 end,
			   bool interruptible, unsigned long *moved)
{
	unsigned long npages = (end - start) >> PAGE_SHIFT, i, n = 0;
	struct svmgpu_migrate_chunk *chunk;
	struct migrate_vma m = {
		.start = start,
		.end = end,
		.pgmap_owner = sdev,
		.flags = MIGRATE_VMA_SELECT_SYSTEM,
	};
	struct svmgpu_migrate_args *a;
	struct page **pages;
	u64 t0 = ktime_get_ns(), mm_ns = 0, t;
	int ret;

	*moved = 0;
	if (WARN_ON_ONCE(npages > SVMGPU_MIGRATE_MAX_PAGES))
		return -EINVAL;

	a = kvmalloc(sizeof(*a), GFP_KERNEL);
	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	ret = -ENOMEM;
	if (!a || !pages)
		goto out_free;
	m.src = a->src;
	m.dst = a->dst;

	/* mmap_lock comes before any reservation. */
	mmap_read_lock(mm);
	m.vma = vma_lookup(mm, start);
	ret = -EFAULT;
	if (!m.vma || m.vma->vm_end < end)
		goto out_unlock;
	/*
	 * Only private anonymous memory the GPU may read moves: no VRAM for
	 * the others, nor for userfaultfd's, which the GPU may not fault in.
	 */
	ret = 0;
	if (!vma_is_anonymous(m.vma) || !(m.vma->vm_flags & VM_READ) ||
	    m.vma->vm_flags & (VM_SHARED | VM_SPECIAL | VM_HUGETLB) ||
	    userfaultfd_armed(m.vma))
		goto out_unlock;

	chunk = svmgpu_migrate_chunk_create(sdev, end - start, owner,
					    interruptible);
	if (IS_ERR(chunk)) {
		ret = PTR_ERR(chunk);
		goto out_unlock;
	}

	t = ktime_get_ns();
	ret = migrate_vma_setup(&m);
	mm_ns = ktime_get_ns() - t;
	if (ret)
		goto out_chunk;

	for (i = 0; i < npages; i++) {
		struct page *dpage;

		a->vram[i] = SVMGPU_MOVE_SKIP;
		pages[i] = NULL;
		a->dst[i] = 0;
		if (!(a->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		pages[i] = migrate_pfn_to_page(a->src[i]);
		a->vram[i] = chunk->vram + i * PAGE_SIZE;
		dpage = svmgpu_migrate_vram_page(sdev, a->vram[i]);
		zone_device_page_init(dpage);
		dpage->zone_device_data = chunk;
		atomic_inc(&chunk->pages);
		a->dst[i] = migrate_pfn(page_to_pfn(dpage)) |
			    (a->src[i] & MIGRATE_PFN_WRITE);
		n++;
	}
	if (n)
		svmgpu_migrate_copy(sdev, a, pages, npages, true);
	t = ktime_get_ns();
	if (n) {
		migrate_vma_pages(&m);
		for (i = 0; i < npages; i++)
			*moved += !!(a->src[i] & MIGRATE_PFN_MIGRATE);
	}
	migrate_vma_finalize(&m);
	mm_ns += ktime_get_ns() - t;

out_chunk:
	svmgpu_migrate_chunk_done(chunk);
out_unlock:
	mmap_read_unlock(mm);
out_free:
	kvfree(pages);
	kvfree(a);
	trace_svmgpu_svm_migrate(&sdev->drm, start, end - start, true, *moved,
				 ret);
	if (*moved)
		svmgpu_migrate_count(sdev, true, npages, *moved, t0,
				     mm_ns);
	return ret;
}

/* dev_pagemap_ops.page_free: any context. */
static void svmgpu_migrate_page_free(struct page *page)
{
	svmgpu_migrate_chunk_put(page->zone_device_data);
}

/*
 * Move the device's pages of [@start, @end) of @vma, at most 2 MiB, to
 * system memory; for a CPU fault, @fault_page is the faulting page, which
 * the caller holds a reference on. Return 0, or VM_FAULT_OOM if @fault_page could not move for
 * want of memory.
 */
static vm_fault_t svmgpu_migrate_range_to_ram(struct svmgpu_device *sdev,
					      struct vm_area_struct *vma,
					      u64 start, u64 end,
					      struct page *fault_page)
{
	unsigned long npages = (end - start) >> PAGE_SHIFT, n, i;
	struct migrate_vma m = {
		.vma = vma,
		.start = start,
		.end = end,
		.pgmap_owner = sdev,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = fault_page,
	};
	struct svmgpu_migrate_args *a;
	vm_fault_t ret = 0;
	u64 t0 = ktime_get_ns(), mm_ns = 0, t;

	a = kvmalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return VM_FAULT_OOM;
	m.src = a->src;
	m.dst = a->dst;

	t = ktime_get_ns();
	if (migrate_vma_setup(&m)) {
		ret = VM_FAULT_SIGBUS;
		goto out_free;
	}
	mm_ns = ktime_get_ns() - t;
	n = svmgpu_migrate_fill_ram(sdev, a, npages, vma, start);
	/* The faulting page got no memory: the fault cannot be resolved. */
	for (i = 0; fault_page && i < npages; i++)
		if (migrate_pfn_to_page(a->src[i]) == fault_page &&
		    a->src[i] & MIGRATE_PFN_MIGRATE && !a->dst[i])
			ret = VM_FAULT_OOM;
	t = ktime_get_ns();
	migrate_vma_pages(&m);
	migrate_vma_finalize(&m);
	mm_ns += ktime_get_ns() - t;
	trace_svmgpu_svm_migrate(&sdev->drm, start, end - start, false, n, 0);
	if (n)
		svmgpu_migrate_count(sdev, false, npages, n, t0, mm_ns);
out_free:
	kvfree(a);
	return ret;
}

/**
 * svmgpu_migrate_to_ram() - Migrate the device's pages of a range back.
 * @sdev: The device.
 * @mm: The mm, referenced by the caller; its mmap_lock is not held.
 * @start: Start of the range.
 * @end: Its end, at most 2 MiB after @start, inside one VMA.
 *
 * For prefetches to system memory. Pages that cannot move now (another
 * thread migrating them) are left for the caller's hmm_range_fault().
 *
 * Return: 0; -EFAULT if the range is not inside one VMA.
 */
int svmgpu_migrate_to_ram(struct svmgpu_device *sdev, struct mm_struct *mm,
			  u64 start, u64 end)
{
	struct vm_area_struct *vma;
	int ret = -EFAULT;

	if (WARN_ON_ONCE(end - start > SZ_2M))
		return -EINVAL;
	mmap_read_lock(mm);
	vma = vma_lookup(mm, start);
	if (vma && vma->vm_end >= end) {
		svmgpu_migrate_range_to_ram(sdev, vma, start, end, NULL);
		ret = 0;
	}
	mmap_read_unlock(mm);
	return ret;
}

/*
 * dev_pagemap_ops.migrate_to_ram: a CPU fault, or get_user_pages(), on a
 * device page. Moves the block of the chunk's size around the address.
 * Returns 0 also when the page could not be collected (another thread is
 * migrating it): the CPU faults again, and finds it moved.
 */
static vm_fault_t svmgpu_migrate_cpu_fault(struct vm_fault *vmf)
{
	struct svmgpu_migrate_chunk *chunk = vmf->page->zone_device_data;
	struct svmgpu_device *sdev = chunk->sdev;
	struct vm_area_struct *vma = vmf->vma;
	u64 size = chunk->npages << PAGE_SHIFT;
	u64 block = ALIGN_DOWN(vmf->address, size);

	svmgpu_stats_add(&sdev->stats, SVMGPU_STAT_SVM_CPU_FAULTS, 1);
	return svmgpu_migrate_range_to_ram(sdev, vma,
					   max_t(u64, block, vma->vm_start),
					   min_t(u64, block + size,
						 vma->vm_end),
					   vmf->page);
}

static const struct dev_pagemap_ops svmgpu_migrate_pagemap_ops = {
	.page_free = svmgpu_migrate_page_free,
	.migrate_to_ram = svmgpu_migrate_cpu_fault,
};

/* Evict every chunk; the device is going away, nothing migrates in. */
/*
 * Empty every chunk of @owner, or every chunk if @owner is NULL, and
 * release their VRAM. Cannot fail. One pass: no chunk of @owner appears
 * meanwhile, as @owner is dead (or the device is). Walks of different
 * owners take disjoint chunks, so they may run at once.
 */
static void svmgpu_migrate_evict(struct svmgpu_device *sdev, const void *owner)
{
	struct svmgpu_pagemap *pm = to_pagemap(sdev);
	struct svmgpu_migrate_chunk *chunk, *next;
	LIST_HEAD(victims);

	spin_lock(&pm->lock);
	list_for_each_entry(chunk, &pm->chunks, link) {
		if (atomic_read(&chunk->pages) > 0 &&
		    (!owner || chunk->owner == owner) &&
		    ttm_bo_get_unless_zero(&chunk->tbo))
			list_add_tail(&chunk->victim, &victims);
	}
	spin_unlock(&pm->lock);

	list_for_each_entry_safe(chunk, next, &victims, victim) {
		struct ttm_buffer_object *tbo = &chunk->tbo;

		list_del(&chunk->victim);
		/* Without a ww context, an uninterruptible lock cannot fail. */
		dma_resv_lock(tbo->base.resv, NULL);
		/* TTM may have emptied it meanwhile. */
		if (atomic_read(&chunk->pages) > 0)
			svmgpu_migrate_chunk_empty(chunk);
		dma_resv_unlock(tbo->base.resv);
		ttm_bo_put(tbo);
	}
	flush_work(&pm->free_work);
}

/**
 * svmgpu_migrate_reown() - Hand a dying mirror's VRAM to another.
 * @sdev: The device.
 * @owner: The dying mirror, as given to svmgpu_migrate_to_vram().
 * @heir: A live mirror of the same process on @sdev, which will empty the
 *	  chunks when it goes (svmgpu_migrate_release()).
 *
 * For when another VM may be using the memory: it stays in VRAM. The
 * caller holds &svmgpu_device.vms_lock, under which it found @heir listed:
 * @heir's own release, which evicts what it owns, has not begun.
 */
void svmgpu_migrate_reown(struct svmgpu_device *sdev, const void *owner,
			  const void *heir)
{
	struct svmgpu_pagemap *pm = to_pagemap(sdev);
	struct svmgpu_migrate_chunk *chunk;

	lockdep_assert_held(&sdev->vms_lock);

	spin_lock(&pm->lock);
	list_for_each_entry(chunk, &pm->chunks, link)
		if (chunk->owner == owner)
			chunk->owner = heir;
	spin_unlock(&pm->lock);
}

/**
 * svmgpu_migrate_release() - Move a dying mirror's memory out of VRAM.
 * @sdev: The device.
 * @owner: The mirror, as given to svmgpu_migrate_to_vram(). None of its
 *	   migrations is in progress, and none can start.
 *
 * Closing a VM, and so its file, returns the process's memory that the
 * VM's migrations put in VRAM (or that it inherited) to system memory,
 * intact, and frees that VRAM: the memory does not wait in VRAM for CPU
 * faults or eviction pressure. The caller hands the memory to another VM
 * of the same process instead (svmgpu_migrate_reown()) if there is one.
 * Where the process (or a fork() child) maps it, it moves back by eviction
 * (migrate_device_range(), no mmap_lock); what no process maps any more
 * was freed already. Other VMs mirroring the same memory (other devices',
 * or a child's) let go of it through their notifiers, as for any
 * eviction. Takes chunk
 * reservations, so the caller holds none, nor &svmgpu_vm.lock. Cannot
 * fail.
 */
void svmgpu_migrate_release(struct svmgpu_device *sdev, const void *owner)
{
	might_sleep();
	if (!WARN_ON_ONCE(!owner))
		svmgpu_migrate_evict(sdev, owner);
}

/* A zeroed page of our own, DMA-mapped. */
static int svmgpu_migrate_page_alloc(struct device *dev, struct page **page,
				     dma_addr_t *dma)
{
	int ret;

	*page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!*page)
		return -ENOMEM;
	*dma = dma_map_page(dev, *page, 0, PAGE_SIZE, DMA_BIDIRECTIONAL);
	ret = dma_mapping_error(dev, *dma);
	if (ret)
		__free_page(*page);
	return ret;
}

static void svmgpu_migrate_page_free_dma(struct device *dev, struct page *page,
					 dma_addr_t dma)
{
	dma_unmap_page(dev, dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	__free_page(page);
}

static void svmgpu_migrate_fini(struct drm_device *drm, void *arg)
{
	struct svmgpu_device *sdev = arg;
	struct svmgpu_pagemap *pm = to_pagemap(sdev);

	/* Every page back to system memory before the pagemap goes. */
	svmgpu_migrate_evict(sdev, NULL);
	memunmap_pages(&pm->pgmap);
	flush_work(&pm->free_work);
	release_mem_region(pm->res->start, resource_size(pm->res));
	svmgpu_migrate_page_free_dma(drm->dev, pm->scratch_page,
				     pm->scratch_dma);
	svmgpu_migrate_page_free_dma(drm->dev, pm->zero_page, pm->zero_dma);
}

/**
 * svmgpu_migrate_init() - Create the device-private pagemap over VRAM.
 * @sdev: The device, with TTM and the kernel copy queue set up.
 *
 * Torn down by a drmm action, before the copy queue.
 *
 * Return: 0 or a negative error code.
 */
int svmgpu_migrate_init(struct svmgpu_device *sdev)
{
	struct svmgpu_pagemap *pm = to_pagemap(sdev);
	u64 size = svmgpu_hw_caps(sdev->hw)->vram_size;
	struct device *dev = sdev->drm.dev;
	void *addr;
	int ret;

	spin_lock_init(&pm->lock);
	INIT_LIST_HEAD(&pm->chunks);
	init_llist_head(&pm->free);
	INIT_WORK(&pm->free_work, svmgpu_migrate_free_work);

	ret = svmgpu_migrate_page_alloc(dev, &pm->zero_page, &pm->zero_dma);
	if (ret)
		return ret;
	ret = svmgpu_migrate_page_alloc(dev, &pm->scratch_page,
					&pm->scratch_dma);
	if (ret)
		goto err_zero;

	pm->res = request_free_mem_region(&iomem_resource, size,
					  "svmgpu device-private");
	if (IS_ERR(pm->res)) {
		ret = PTR_ERR(pm->res);
		goto err_dma;
	}

	pm->pgmap.type = MEMORY_DEVICE_PRIVATE;
	pm->pgmap.range.start = pm->res->start;
	pm->pgmap.range.end = pm->res->end;
	pm->pgmap.nr_range = 1;
	pm->pgmap.ops = &svmgpu_migrate_pagemap_ops;
	pm->pgmap.owner = sdev;
	addr = memremap_pages(&pm->pgmap, dev_to_node(dev));
	if (IS_ERR(addr)) {
		ret = PTR_ERR(addr);
		goto err_region;
	}
	pm->pfn_first = PHYS_PFN(pm->res->start);

	return drmm_add_action_or_reset(&sdev->drm, svmgpu_migrate_fini, sdev);

err_region:
	release_mem_region(pm->res->start, resource_size(pm->res));
err_dma:
	svmgpu_migrate_page_free_dma(dev, pm->scratch_page, pm->scratch_dma);
err_zero:
	svmgpu_migrate_page_free_dma(dev, pm->zero_page, pm->zero_dma);
	return ret;
}
