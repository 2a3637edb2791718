// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/dma-fence.h>
#include <linux/slab.h>

#include <drm/drm_managed.h>
#include <drm/svmgpu_drm.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_resource.h>
#include <drm/ttm/ttm_tt.h>

#include "svmgpu_device.h"
#include "svmgpu_job.h"
#include "svmgpu_move.h"
#include "svmgpu_pt.h"
#include "svmgpu_sched.h"

/**
 * DOC: BO moves
 *
 * TTM's moves between VRAM and system memory, and the clearing of new VRAM
 * BOs, are jobs of the copy engine, which user queues cannot use (DOC:
 * scheduling), so a move never waits behind a user job, only for the
 * fences of the BO it moves. They go through a kernel queue: a scheduler
 * entity at kernel priority.
 *
 * The kernel queue has its own GPU address space, set up at probe:
 *
 * - all of VRAM is mapped at %SVMGPU_MOVE_VRAM_VA, with 2 MiB pages;
 * - %SVMGPU_MOVE_SLOTS slots each own a window of %SVMGPU_MOVE_CHUNK bytes
 *   at %SVMGPU_MOVE_WINDOW_VA and a command page in the page-table pool.
 *   The CPU writes a window's PTEs for one job, once the slot's previous
 *   job has finished, and invalidates the windows' TLB entries before the
 *   job is pushed.
 *
 * A move is cut into chunks of at most %SVMGPU_MOVE_CHUNK bytes, one COPY
 * job each; the jobs of an entity complete in order, so the last job's
 * finished fence is the move's fence. TTM attaches it to the BO as a
 * kernel fence, which CPU faults and later jobs wait for.
 *
 * Locking: &svmgpu_mover.lock serialises the slots, the kernel queue's
 * page tables and the pushing of its jobs. It is taken with the moved
 * BO's reservation held. Waiting for a slot's previous job under it is
 * safe: kernel jobs depend only on fences, never on locks.
 */

#define SVMGPU_MOVE_CHUNK	SZ_2M
#define SVMGPU_MOVE_VRAM_VA	BIT_ULL(40)
#define SVMGPU_MOVE_WINDOW_VA	BIT_ULL(41)

/* Words of a COPY or FILL command, and of the END after it. */
#define SVMGPU_MOVE_CMD_DW	7
#define SVMGPU_MOVE_CS_DW	(SVMGPU_MOVE_CMD_DW + 1)

static struct svmgpu_job *svmgpu_move_job_create(struct svmgpu_mover *mover)
{
	struct svmgpu_job *job;

	job = svmgpu_job_create(&mover->entity, mover, 0);
	if (IS_ERR(job))
		return job;

	job->hw.pt_root = mover->pt.root->addr;
	job->hw.asid = mover->asid;
	job->hw.cs_length = SVMGPU_MOVE_CS_DW * sizeof(u32);
	return job;
}

/* The next slot, once its previous job has finished. */
static struct svmgpu_move_slot *svmgpu_move_slot_get(struct svmgpu_mover *mover)
{
	struct svmgpu_move_slot *slot = &mover->slots[mover->next];

	lockdep_assert_held(&mover->lock);

	mover->next = (mover->next + 1) % SVMGPU_MOVE_SLOTS;
	if (slot->fence) {
		/* Not interruptible: the caller cannot undo what it queued. */
		dma_fence_wait(slot->fence, false);
		dma_fence_put(slot->fence);
		slot->fence = NULL;
	}
	return slot;
}

static void svmgpu_move_emit(struct svmgpu_move_slot *slot, u32 opcode,
			     u64 a, u64 b, u64 size)
{
	u32 *cs = slot->cs;

	cs[0] = DRM_SVMGPU_CMD_HEADER(opcode, 0, SVMGPU_MOVE_CMD_DW);
	cs[1] = lower_32_bits(a);
	cs[2] = upper_32_bits(a);
	cs[3] = lower_32_bits(b);
	cs[4] = upper_32_bits(b);
	cs[5] = lower_32_bits(size);
	cs[6] = upper_32_bits(size);
	cs[7] = DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_END, 0, 1);
}

/* Push @job, whose commands are in @slot's page. */
static void svmgpu_move_push(struct svmgpu_mover *mover,
			     struct svmgpu_move_slot *slot,
			     struct svmgpu_job *job)
{
	bool cookie;

	lockdep_assert_held(&mover->lock);

	job->hw.cs_address = SVMGPU_MOVE_VRAM_VA + slot->cs_addr;
	cookie = dma_fence_begin_signalling();
	drm_sched_job_arm(&job->base);
	slot->fence = dma_fence_get(&job->base.s_fence->finished);
	drm_sched_entity_push_job(&job->base);
	dma_fence_end_signalling(cookie);
}

/*
 * Queue the chunks [@first, @first + @n) of a copy of @size bytes between
 * VRAM at @vram_va and the system pages @dma, using @jobs. On success,
 * *@last is the fence of the last one, and *@last's reference is moved
 * to the caller.
 */
static int svmgpu_move_copy_batch(struct svmgpu_mover *mover,
				  struct svmgpu_job **jobs, unsigned int n,
				  u64 first, u64 size, u64 vram_va,
				  const dma_addr_t *dma, bool to_vram,
				  struct dma_fence **last)
{
	struct svmgpu_device *sdev = mover->sdev;
	struct svmgpu_move_slot *slots[SVMGPU_MOVE_SLOTS];
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 offset = (first + i) * SVMGPU_MOVE_CHUNK;
		u64 len = min_t(u64, SVMGPU_MOVE_CHUNK, size - offset);
		struct svmgpu_pt_backing backing = {
			.dma = dma + (offset >> PAGE_SHIFT),
		};
		struct svmgpu_move_slot *slot = svmgpu_move_slot_get(mover);

		/* Reserved at init: this allocates nothing. */
		svmgpu_pt_unmap(&mover->pt, slot->window, SVMGPU_MOVE_CHUNK);
		svmgpu_pt_map(&mover->pt, slot->window, len, &backing, true);

		if (to_vram)
			svmgpu_move_emit(slot, DRM_SVMGPU_CMD_COPY,
					 slot->window, vram_va + offset, len);
		else
			svmgpu_move_emit(slot, DRM_SVMGPU_CMD_COPY,
					 vram_va + offset, slot->window, len);
		slots[i] = slot;
	}

	/* The windows' old translations may still be in the TLB. */
	svmgpu_hw_tlb_wait(sdev->hw,
			   svmgpu_hw_tlb_invalidate(sdev->hw, mover->asid,
						    SVMGPU_MOVE_WINDOW_VA,
						    SVMGPU_MOVE_SLOTS *
						    SVMGPU_MOVE_CHUNK));

	for (i = 0; i < n; i++)
		svmgpu_move_push(mover, slots[i], jobs[i]);
	*last = dma_fence_get(slots[n - 1]->fence);
	return 0;
}

/**
 * svmgpu_move_copy() - Copy a BO between VRAM and system memory.
 * @sdev: The device.
 * @tbo: The BO, reserved and idle, with populated, DMA-mapped TT pages.
 * @old: The resource it is in, %TTM_PL_VRAM or %TTM_PL_TT.
 * @new_mem: The resource it moves to, of the other type.
 * @fence: Out: the move's fence, referenced.
 *
 * Return: 0, or a negative error code once nothing queued is running.
 */
int svmgpu_move_copy(struct svmgpu_device *sdev, struct ttm_buffer_object *tbo,
		     struct ttm_resource *old, struct ttm_resource *new_mem,
		     struct dma_fence **fence)
{
	struct svmgpu_mover *mover = &sdev->mover;
	bool to_vram = new_mem->mem_type == TTM_PL_VRAM;
	struct ttm_resource *vram = to_vram ? new_mem : old;
	u64 vram_va = SVMGPU_MOVE_VRAM_VA + ((u64)vram->start << PAGE_SHIFT);
	u64 size = tbo->base.size;
	u64 chunks = DIV_ROUND_UP(size, SVMGPU_MOVE_CHUNK);
	struct svmgpu_job *jobs[SVMGPU_MOVE_SLOTS];
	struct dma_fence *last = NULL, *f;
	unsigned int n = 0, i;
	u64 first;
	int ret = 0;

	dma_resv_assert_held(tbo->base.resv);

	mutex_lock(&mover->lock);
	if (!mover->pt.root) {
		ret = -ENODEV;
		goto out_unlock;
	}

	for (first = 0; first < chunks; first += n) {
		n = min_t(u64, SVMGPU_MOVE_SLOTS, chunks - first);
		for (i = 0; i < n; i++) {
			jobs[i] = svmgpu_move_job_create(mover);
			if (IS_ERR(jobs[i])) {
				ret = PTR_ERR(jobs[i]);
				n = i;
				goto err_jobs;
			}
		}
		ret = svmgpu_move_copy_batch(mover, jobs, n, first, size,
					     vram_va, tbo->ttm->dma_address,
					     to_vram, &f);
		if (ret)
			goto err_jobs;
		dma_fence_put(last);
		last = f;
	}

	*fence = last;
	mutex_unlock(&mover->lock);
	return 0;

err_jobs:
	for (i = 0; i < n; i++)
		svmgpu_job_free(jobs[i]);
	if (last) {
		dma_fence_wait(last, false);
		dma_fence_put(last);
	}
out_unlock:
	mutex_unlock(&mover->lock);
	return ret;
}

/**
 * svmgpu_move_clear() - Zero the VRAM of a new BO.
 * @sdev: The device.
 * @tbo: The BO, reserved; the clear waits for its kernel fences (the
 *	 VRAM manager's pending evictions).
 * @new_mem: Its new VRAM resource.
 * @fence: Out: the clear's fence, referenced.
 *
 * Return: 0 or a negative error code.
 */
int svmgpu_move_clear(struct svmgpu_device *sdev,
		      struct ttm_buffer_object *tbo,
		      struct ttm_resource *new_mem, struct dma_fence **fence)
{
	struct svmgpu_mover *mover = &sdev->mover;
	struct svmgpu_move_slot *slot;
	struct svmgpu_job *job;
	int ret;

	dma_resv_assert_held(tbo->base.resv);

	mutex_lock(&mover->lock);
	if (!mover->pt.root) {
		ret = -ENODEV;
		goto out_unlock;
	}

	job = svmgpu_move_job_create(mover);
	if (IS_ERR(job)) {
		ret = PTR_ERR(job);
		goto out_unlock;
	}

	ret = drm_sched_job_add_resv_dependencies(&job->base, tbo->base.resv,
						  DMA_RESV_USAGE_KERNEL);
	if (ret) {
		svmgpu_job_free(job);
		goto out_unlock;
	}

	slot = svmgpu_move_slot_get(mover);
	/* FILL: destination, pattern 0 and an MBZ word, size. */
	svmgpu_move_emit(slot, DRM_SVMGPU_CMD_FILL,
			 SVMGPU_MOVE_VRAM_VA +
			 ((u64)new_mem->start << PAGE_SHIFT), 0,
			 tbo->base.size);
	svmgpu_move_push(mover, slot, job);
	*fence = dma_fence_get(slot->fence);

out_unlock:
	mutex_unlock(&mover->lock);
	return ret;
}

/* Most COPY commands in a slot's command page, leaving room for END. */
#define SVMGPU_MOVE_PAGE_CMDS	((SZ_4K / sizeof(u32) - 1) / SVMGPU_MOVE_CMD_DW)

/*
 * Fill @slot for the pages [@first, @n) of a page copy: map its window
 * onto their system pages and emit one COPY per run of consecutive VRAM
 * pages. Return the page after the last one the slot covers.
 */
static unsigned long svmgpu_move_pages_slot(struct svmgpu_mover *mover,
					    struct svmgpu_move_slot *slot,
					    struct svmgpu_job *job,
					    const u64 *vram,
					    const dma_addr_t *dma,
					    unsigned long first,
					    unsigned long n, bool to_vram)
{
	unsigned long last = min_t(unsigned long, n,
				   first + SVMGPU_MOVE_CHUNK / PAGE_SIZE);
	struct svmgpu_pt_backing backing = { .dma = dma + first };
	unsigned long i = first, cmds = 0;
	u32 *cs = slot->cs;

	while (i < last && cmds < SVMGPU_MOVE_PAGE_CMDS) {
		unsigned long run = 1;
		u64 win, vva;

		if (vram[i] == SVMGPU_MOVE_SKIP) {
			i++;
			continue;
		}
		while (i + run < last && vram[i + run] == vram[i] + run * SZ_4K)
			run++;
		win = slot->window + (i - first) * SZ_4K;
		vva = SVMGPU_MOVE_VRAM_VA + vram[i];
		cs[0] = DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_COPY, 0,
					      SVMGPU_MOVE_CMD_DW);
		cs[1] = lower_32_bits(to_vram ? win : vva);
		cs[2] = upper_32_bits(to_vram ? win : vva);
		cs[3] = lower_32_bits(to_vram ? vva : win);
		cs[4] = upper_32_bits(to_vram ? vva : win);
		cs[5] = run * SZ_4K;
		cs[6] = 0;
		cs += SVMGPU_MOVE_CMD_DW;
		cmds++;
		i += run;
	}
	*cs++ = DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_END, 0, 1);
	job->hw.cs_length = (cs - slot->cs) * sizeof(u32);

	/*
	 * Reserved at init: this allocates nothing. The engine only reads
	 * the system pages of a copy to VRAM, which may be the zero page.
	 */
	svmgpu_pt_unmap(&mover->pt, slot->window, SVMGPU_MOVE_CHUNK);
	svmgpu_pt_map(&mover->pt, slot->window, (i - first) * SZ_4K, &backing,
		      !to_vram);
	return i;
}

/**
 * svmgpu_move_pages() - Copy pages between VRAM and system memory.
 * @sdev: The device.
 * @vram: VRAM offset of each page, or %SVMGPU_MOVE_SKIP for pages not to
 *	  copy.
 * @dma: DMA address of each page's system side, valid for every page,
 *	 skipped ones included (map them to any page, none is touched).
 * @npages: Number of pages.
 * @to_vram: The direction.
 *
 * For SVM migration: the caller owns both sides of every page, so the
 * copy depends on no fence. Waits for the copy; the copy engine never
 * waits for a user job.
 *
 * Return: 0; -ENODEV once the kernel queue is gone, -EIO if the copy
 * failed, -ENOMEM: then which pages were copied is unknown.
 */
int svmgpu_move_pages(struct svmgpu_device *sdev, const u64 *vram,
		      const dma_addr_t *dma, unsigned long npages,
		      bool to_vram)
{
	struct svmgpu_mover *mover = &sdev->mover;
	struct svmgpu_move_slot *slots[SVMGPU_MOVE_SLOTS];
	struct svmgpu_job *jobs[SVMGPU_MOVE_SLOTS];
	struct dma_fence *fences[SVMGPU_MOVE_SLOTS];
	unsigned long next = 0;
	unsigned int n, i;
	int ret = 0;

	while (!ret && next < npages) {
		mutex_lock(&mover->lock);
		if (!mover->pt.root) {
			mutex_unlock(&mover->lock);
			return -ENODEV;
		}
		for (n = 0; n < SVMGPU_MOVE_SLOTS && next < npages; n++) {
			jobs[n] = svmgpu_move_job_create(mover);
			if (IS_ERR(jobs[n])) {
				ret = PTR_ERR(jobs[n]);
				break;
			}
			slots[n] = svmgpu_move_slot_get(mover);
			next = svmgpu_move_pages_slot(mover, slots[n], jobs[n],
						      vram, dma, next, npages,
						      to_vram);
		}
		if (ret) {
			while (n--)
				svmgpu_job_free(jobs[n]);
			mutex_unlock(&mover->lock);
			break;
		}
		/* The windows' old translations may still be in the TLB. */
		svmgpu_hw_tlb_wait(sdev->hw,
				   svmgpu_hw_tlb_invalidate(sdev->hw, mover->asid,
							    SVMGPU_MOVE_WINDOW_VA,
							    SVMGPU_MOVE_SLOTS *
							    SVMGPU_MOVE_CHUNK));
		for (i = 0; i < n; i++) {
			svmgpu_move_push(mover, slots[i], jobs[i]);
			fences[i] = dma_fence_get(slots[i]->fence);
		}
		mutex_unlock(&mover->lock);

		/* The slots are not reused before these signal. */
		for (i = 0; i < n; i++) {
			dma_fence_wait(fences[i], false);
			if (fences[i]->error && !ret)
				ret = -EIO;
			dma_fence_put(fences[i]);
		}
	}
	return ret;
}

static void svmgpu_move_fini(struct drm_device *drm, void *arg)
{
	struct svmgpu_mover *mover = arg;
	struct svmgpu_device *sdev = mover->sdev;
	unsigned int i;

	drm_sched_entity_destroy(&mover->entity);

	mutex_lock(&mover->lock);
	for (i = 0; i < SVMGPU_MOVE_SLOTS; i++) {
		struct svmgpu_move_slot *slot = &mover->slots[i];

		if (slot->fence) {
			dma_fence_wait(slot->fence, false);
			dma_fence_put(slot->fence);
			slot->fence = NULL;
		}
		svmgpu_pt_pool_free(&sdev->pt_pool, slot->cs_chunk,
				    slot->cs_addr);
	}
	/* Later moves (none are expected) fall back to the CPU. */
	svmgpu_pt_tree_fini(&mover->pt);
	mutex_unlock(&mover->lock);

	ida_free(&sdev->asid_ida, mover->asid);
}

/**
 * svmgpu_move_init() - Create the kernel queue that moves BOs.
 * @sdev: The device, with its schedulers and page-table pool.
 *
 * Torn down by a drmm action, before the schedulers.
 *
 * Return: 0 or a negative error code.
 */
int svmgpu_move_init(struct svmgpu_device *sdev)
{
	const struct svmgpu_hw_caps *caps = svmgpu_hw_caps(sdev->hw);
	struct svmgpu_mover *mover = &sdev->mover;
	struct svmgpu_pt_backing vram = { .vram = 0 };
	struct drm_gpu_scheduler *sched;
	unsigned int i = 0;
	int ret;

	mover->sdev = sdev;
	mover->engine = caps->copy_engine;
	ret = drmm_mutex_init(&sdev->drm, &mover->lock);
	if (ret)
		return ret;

	ret = ida_alloc_min(&sdev->asid_ida, 1, GFP_KERNEL);
	if (ret < 0)
		return ret;
	mover->asid = ret;

	ret = svmgpu_pt_tree_init(&mover->pt, &sdev->pt_pool, sdev->hw,
				  &mover->lock, ULONG_MAX, NULL, true);
	if (ret)
		goto err_asid;

	/*
	 * Reserve all of VRAM and every window now, so that no move ever
	 * allocates a table. No engine walks the tree yet.
	 */
	ret = svmgpu_pt_reserve(&mover->pt, SVMGPU_MOVE_VRAM_VA,
				caps->vram_size);
	if (ret)
		goto err_tree;
	ret = svmgpu_pt_reserve(&mover->pt, SVMGPU_MOVE_WINDOW_VA,
				SVMGPU_MOVE_SLOTS * SVMGPU_MOVE_CHUNK);
	mutex_lock(&mover->lock);
	if (ret)
		svmgpu_pt_release(&mover->pt, SVMGPU_MOVE_VRAM_VA,
				  caps->vram_size);
	else
		svmgpu_pt_map(&mover->pt, SVMGPU_MOVE_VRAM_VA, caps->vram_size,
			      &vram, true);
	mutex_unlock(&mover->lock);
	if (ret)
		goto err_tree;

	for (i = 0; i < SVMGPU_MOVE_SLOTS; i++) {
		struct svmgpu_move_slot *slot = &mover->slots[i];

		ret = svmgpu_pt_pool_alloc(&sdev->pt_pool, false,
					   &slot->cs_addr, &slot->cs_chunk);
		if (ret)
			goto err_slots;
		slot->cs = svmgpu_hw_vram_vaddr(sdev->hw, slot->cs_addr);
		slot->window = SVMGPU_MOVE_WINDOW_VA + i * SVMGPU_MOVE_CHUNK;
	}

	sched = &sdev->scheds[mover->engine].base;
	ret = drm_sched_entity_init(&mover->entity, DRM_SCHED_PRIORITY_KERNEL,
				    &sched, 1, NULL);
	if (ret)
		goto err_slots;

	return drmm_add_action_or_reset(&sdev->drm, svmgpu_move_fini, mover);

err_slots:
	while (i--)
		svmgpu_pt_pool_free(&sdev->pt_pool, mover->slots[i].cs_chunk,
				    mover->slots[i].cs_addr);
err_tree:
	mutex_lock(&mover->lock);
	svmgpu_pt_tree_fini(&mover->pt);
	mutex_unlock(&mover->lock);
err_asid:
	ida_free(&sdev->asid_ida, mover->asid);
	return ret;
}
