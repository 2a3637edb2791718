// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/rwsem.h>
#include <linux/slab.h>

#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_gpuvm.h>
#include <drm/svmgpu_drm.h>

#include "svmgpu_bo.h"
#include "svmgpu_device.h"
#include "svmgpu_drv.h"
#include "svmgpu_file.h"
#include "svmgpu_job.h"
#include "svmgpu_pt.h"
#include "svmgpu_queue.h"
#include "svmgpu_sched.h"
#include "svmgpu_sync.h"
#include "svmgpu_vm.h"

/**
 * DOC: EXEC
 *
 * EXEC builds a job, makes it depend on its wait syncs and on the kernel's
 * own pending operations on the VM's BOs (moves, clears), then locks the
 * VM and every BO mapped in it with drm_gpuvm_exec_lock(), validates each
 * BO (svmgpu_bo_validate(): back from swap, back into VRAM if it must or
 * can be there, and to the tail of the LRU, so that BOs the GPU uses are
 * evicted last), arms the job and adds its fence to every
 * reservation: as a write for the BOs, so that waits on them see the
 * job, and for bookkeeping on the VM, so that VM_BIND and teardown can
 * wait for the VM to idle. Jobs do not wait for each other implicitly:
 * user space orders them with syncs, or by submitting to one queue.
 *
 * Submissions take &svmgpu_device.evict_sem for reading. A validation can
 * fail for want of VRAM only because other submissions hold the BOs that
 * could be evicted (TTM skips locked BOs, and 6.12's TTM gives up rather
 * than back off on a ww deadlock); such a submission drops its locks and
 * tries once more holding evict_sem for writing, with no other submission
 * in flight. GEM_CREATE and GEM_MIGRATE do the same.
 */

static int svmgpu_job_prepare_bos(struct svmgpu_job *job,
				  struct drm_exec *exec)
{
	struct ttm_operation_ctx ctx = { .interruptible = true };
	struct drm_gem_object *obj;
	int ret;

	drm_exec_for_each_locked_object(exec, obj) {
		/* The VM's own resv object is not a BO. */
		if (obj == drm_gpuvm_resv_obj(&job->vm->gpuvm))
			continue;

		ret = svmgpu_bo_validate(gem_to_svmgpu_bo(obj), &ctx);
		if (ret)
			return ret;
	}

	/* After validation: the job also waits for the moves it queued. */
	drm_exec_for_each_locked_object(exec, obj) {
		ret = drm_sched_job_add_resv_dependencies(&job->base, obj->resv,
							  DMA_RESV_USAGE_KERNEL);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Lock the VM and its BOs and make the BOs usable. On success the caller
 * owns @vm_exec's locks; on failure nothing is left locked.
 */
static int svmgpu_job_lock(struct svmgpu_job *job, struct drm_gpuvm_exec *vm_exec)
{
	int ret;

	/* drm_gpuvm_exec_lock() cleans up after itself when it fails. */
	ret = drm_gpuvm_exec_lock(vm_exec);
	if (ret)
		return ret;

	ret = svmgpu_job_prepare_bos(job, &vm_exec->exec);
	if (ret)
		drm_exec_fini(&vm_exec->exec);
	return ret;
}

static int svmgpu_job_push(struct svmgpu_job *job, struct svmgpu_syncs *syncs)
{
	struct rw_semaphore *evict_sem = &job->vm->sdev->evict_sem;
	struct drm_gpuvm_exec vm_exec = {
		.vm = &job->vm->gpuvm,
		.flags = DRM_EXEC_INTERRUPTIBLE_WAIT,
		.num_fences = 1,
	};
	struct dma_fence *fence;
	bool exclusive = false;
	int ret;

	ret = down_read_interruptible(evict_sem);
	if (ret)
		return ret;

	ret = svmgpu_job_lock(job, &vm_exec);
	if (ret == -ENOMEM) {
		/*
		 * The BOs that could make room were locked by other
		 * submissions. Try once more with none in flight.
		 */
		up_read(evict_sem);
		ret = svmgpu_device_evict_exclusive(job->vm->sdev);
		if (ret)
			return ret;
		exclusive = true;
		ret = svmgpu_job_lock(job, &vm_exec);
	}
	if (ret)
		goto out_sem;

	drm_sched_job_arm(&job->base);
	fence = dma_fence_get(&job->base.s_fence->finished);
	drm_gpuvm_resv_add_fence(&job->vm->gpuvm, &vm_exec.exec, fence,
				 DMA_RESV_USAGE_BOOKKEEP,
				 DMA_RESV_USAGE_WRITE);
	drm_sched_entity_push_job(&job->base);
	drm_exec_fini(&vm_exec.exec);

	svmgpu_syncs_signal(syncs, fence);
	dma_fence_put(fence);

out_sem:
	if (exclusive)
		up_write(evict_sem);
	else
		up_read(evict_sem);
	return ret;
}

/**
 * svmgpu_exec_ioctl() - DRM_IOCTL_SVMGPU_EXEC.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_exec.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_exec_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct drm_svmgpu_exec *args = data;
	struct svmgpu_queue *queue;
	struct svmgpu_syncs syncs;
	struct svmgpu_job *job;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->flags) ||
	    SVMGPU_IOCTL_DBG(drm, !IS_ALIGNED(args->address | args->length,
					      4)) ||
	    SVMGPU_IOCTL_DBG(drm, !args->length ||
			     args->length > DRM_SVMGPU_EXEC_MAX_LENGTH))
		return -EINVAL;

	queue = svmgpu_queue_lookup(to_svmgpu_file(file), args->queue_id);
	if (!queue)
		return -ENOENT;
	if (READ_ONCE(queue->banned)) {
		ret = -ECANCELED;
		goto err_queue;
	}

	ret = svmgpu_syncs_parse(file, args->syncs, args->num_syncs, &syncs);
	if (ret)
		goto err_queue;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job) {
		ret = -ENOMEM;
		goto err_syncs;
	}
	job->hw_fence = svmgpu_sched_fence_alloc();
	if (!job->hw_fence) {
		ret = -ENOMEM;
		goto err_job;
	}
	job->hw.cs_address = args->address;
	job->hw.cs_length = args->length;
	job->hw.pt_root = queue->vm->root->addr;
	job->hw.asid = queue->vm->asid;

	ret = drm_sched_job_init(&job->base, &queue->entity, 1, queue,
				 file->client_id);
	if (ret)
		goto err_fence;

	/* From here on, free_job() releases the job's references. */
	job->queue = queue;
	job->vm = queue->vm;
	drm_gpuvm_get(&job->vm->gpuvm);

	ret = svmgpu_syncs_add_deps(file, &syncs, &job->base);
	if (!ret)
		ret = svmgpu_job_push(job, &syncs);
	if (ret) {
		drm_sched_job_cleanup(&job->base);
		drm_gpuvm_put(&job->vm->gpuvm);
		goto err_fence;
	}

	svmgpu_syncs_fini(&syncs);
	return 0;

err_fence:
	kfree(job->hw_fence);
err_job:
	kfree(job);
err_syncs:
	svmgpu_syncs_fini(&syncs);
err_queue:
	svmgpu_queue_put(queue);
	return ret;
}
