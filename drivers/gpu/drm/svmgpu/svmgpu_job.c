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
 *
 * BOs are validated inside drm_exec's locking loop, before
 * ww_acquire_done(): TTM's eviction walk locks other BOs with the same
 * ticket, and a contended lock there must still be able to back off.
 *
 * A job is armed and pushed under its queue's &svmgpu_queue.submit_lock,
 * and only while the queue is not &svmgpu_queue.killed. Destroying a queue
 * sets that flag under the same lock before it destroys the entity, so no
 * job is ever armed, and no fence published, on a killed entity: every
 * fence EXEC publishes belongs to a job the scheduler will run or cancel.
 * Arming to pushing is a fence-signalling critical section, annotated
 * with dma_fence_begin_signalling().
 *
 * A job of a fault-mode VM publishes no dma-fence: it may stall on GPU
 * faults whose servicing allocates memory, so nothing that reclaim can
 * wait for may depend on it. EXEC locks only the VM's own reservation,
 * which no BO shares, and fences only that, so that VM_BIND and teardown
 * can wait for the VM to idle; it validates no BO (a fault brings a moved
 * BO back) and refuses out-syncs. Completion is the user fence the engine
 * writes. The scheduler still orders and times the job internally, but a
 * job stalled on faults does not time out (svmgpu_sched.c).
 */

/**
 * svmgpu_job_create() - Allocate and initialise a job.
 * @entity: The scheduler entity it will be pushed to.
 * @owner: Owner of the scheduler fences (the queue, or the mover).
 * @client_id: DRM client id, for the scheduler's tracepoints; 0 for the
 * kernel.
 *
 * The hardware fence is preallocated here, so that run_job() and the
 * fence-signalling path never allocate.
 *
 * Return: The job, to be pushed or given to svmgpu_job_free(), or an
 * ERR_PTR().
 */
struct svmgpu_job *svmgpu_job_create(struct drm_sched_entity *entity,
				     void *owner, u64 client_id)
{
	struct svmgpu_job *job;
	int ret;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return ERR_PTR(-ENOMEM);

	job->hw_fence = svmgpu_sched_fence_alloc();
	if (!job->hw_fence) {
		ret = -ENOMEM;
		goto err_free_job;
	}

	ret = drm_sched_job_init(&job->base, entity, 1, owner, client_id);
	if (ret)
		goto err_free_fence;
	return job;

err_free_fence:
	kfree(job->hw_fence);
err_free_job:
	kfree(job);
	return ERR_PTR(ret);
}

/**
 * svmgpu_job_free() - Free a job and drop its references.
 * @job: The job: one the scheduler is done with (its free_job()), or one
 * from svmgpu_job_create() that was never armed.
 */
void svmgpu_job_free(struct svmgpu_job *job)
{
	drm_sched_job_cleanup(&job->base);
	/* Until run_job() initialises it, the fence is plain memory. */
	if (job->hw_fence_init)
		dma_fence_put(job->hw_fence);
	else
		kfree(job->hw_fence);
	if (job->vm)
		drm_gpuvm_put(&job->vm->gpuvm);
	if (job->queue)
		svmgpu_queue_put(job->queue);
	kfree(job);
}

/*
 * Make every BO the job may use usable by the GPU; only a submission
 * running alone (@exclusive) falls back to a BO's second placement.
 */
static int svmgpu_job_validate_bos(struct svmgpu_job *job,
				   struct drm_exec *exec, bool exclusive)
{
	struct ttm_operation_ctx ctx = { .interruptible = true };
	struct drm_gem_object *resv_obj = drm_gpuvm_resv_obj(&job->vm->gpuvm);
	struct drm_gem_object *obj;
	int ret;

	drm_exec_for_each_locked_object(exec, obj) {
		/* The VM's own resv object is not a BO. */
		if (obj == resv_obj)
			continue;

		ret = svmgpu_bo_validate(gem_to_svmgpu_bo(obj), &ctx,
					 exclusive);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Lock the VM and its BOs and make the BOs usable. On success the caller
 * owns @exec's locks; on failure nothing is left locked.
 */
static int svmgpu_job_lock(struct svmgpu_job *job, struct drm_exec *exec,
			   bool exclusive)
{
	struct drm_gpuvm *gpuvm = &job->vm->gpuvm;
	struct drm_gem_object *obj;
	int ret = 0;

	drm_exec_init(exec, DRM_EXEC_INTERRUPTIBLE_WAIT, 0);
	drm_exec_until_all_locked(exec) {
		ret = drm_gpuvm_prepare_vm(gpuvm, exec, 1);
		drm_exec_retry_on_contention(exec);
		if (ret)
			break;

		/* Its BOs are not fenced (DOC: EXEC). */
		if (job->vm->fault_mode)
			break;

		ret = drm_gpuvm_prepare_objects(gpuvm, exec, 1);
		drm_exec_retry_on_contention(exec);
		if (ret)
			break;

		/*
		 * Before ww_acquire_done(): see DOC: EXEC. A failure ends
		 * the transaction, as TTM may have hidden a lost ww lock.
		 */
		ret = svmgpu_job_validate_bos(job, exec, exclusive);
		if (ret)
			break;
	}
	if (ret)
		goto err_fini;

	/* Validation may have used the fence slots its moves needed. */
	drm_exec_for_each_locked_object(exec, obj) {
		ret = dma_resv_reserve_fences(obj->resv, 1);
		if (ret)
			goto err_fini;
	}

	/* After validation: the job also waits for the moves it queued. */
	drm_exec_for_each_locked_object(exec, obj) {
		ret = drm_sched_job_add_resv_dependencies(&job->base, obj->resv,
							  DMA_RESV_USAGE_KERNEL);
		if (ret)
			goto err_fini;
	}
	return 0;

err_fini:
	drm_exec_fini(exec);
	return ret;
}

/* Arm and push @job, unless its queue is being destroyed. */
static int svmgpu_job_arm_push(struct svmgpu_job *job, struct drm_exec *exec,
			       struct svmgpu_syncs *syncs)
{
	struct svmgpu_queue *queue = job->queue;
	struct dma_fence *fence;
	bool cookie;

	mutex_lock(&queue->submit_lock);
	if (queue->killed) {
		mutex_unlock(&queue->submit_lock);
		return -ENOENT;
	}

	cookie = dma_fence_begin_signalling();
	drm_sched_job_arm(&job->base);
	fence = dma_fence_get(&job->base.s_fence->finished);
	drm_gpuvm_resv_add_fence(&job->vm->gpuvm, exec, fence,
				 DMA_RESV_USAGE_BOOKKEEP,
				 DMA_RESV_USAGE_WRITE);
	drm_sched_entity_push_job(&job->base);
	dma_fence_end_signalling(cookie);
	mutex_unlock(&queue->submit_lock);

	svmgpu_syncs_signal(syncs, fence);
	dma_fence_put(fence);
	return 0;
}

/* Lock, validate, arm and push. On failure the job is still the caller's. */
static int svmgpu_job_submit(struct svmgpu_job *job, struct svmgpu_syncs *syncs)
{
	struct rw_semaphore *evict_sem = &job->vm->sdev->evict_sem;
	struct drm_exec exec;
	bool exclusive = false;
	int ret;

	ret = down_read_interruptible(evict_sem);
	if (ret)
		return ret;

	ret = svmgpu_job_lock(job, &exec, false);
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
		ret = svmgpu_job_lock(job, &exec, true);
	}
	if (ret)
		goto out_sem;

	ret = svmgpu_job_arm_push(job, &exec, syncs);
	drm_exec_fini(&exec);

out_sem:
	if (exclusive)
		up_write(evict_sem);
	else
		up_read(evict_sem);
	return ret;
}

/* Whether any of @syncs is to be signalled. */
static bool svmgpu_syncs_signal_any(const struct svmgpu_syncs *syncs)
{
	u32 i;

	for (i = 0; i < syncs->count; i++)
		if (syncs->entries[i].flags & DRM_SVMGPU_SYNC_SIGNAL)
			return true;
	return false;
}

/* Check EXEC's user fence against the VM's address space. */
static int svmgpu_exec_check_ufence(struct drm_device *drm,
				    const struct drm_svmgpu_exec *args)
{
	u64 end = BIT_ULL(svmgpu_hw_caps(to_svmgpu_device(drm)->hw)->va_bits);

	if (!(args->flags & DRM_SVMGPU_EXEC_USER_FENCE))
		return SVMGPU_IOCTL_DBG(drm, args->ufence_addr ||
					args->ufence_value) ? -EINVAL : 0;
	/* Below the first 64 KiB nothing is ever mapped (DOC: VMs). */
	if (SVMGPU_IOCTL_DBG(drm, !IS_ALIGNED(args->ufence_addr, 8) ||
			     args->ufence_addr < SZ_64K ||
			     args->ufence_addr >= end))
		return -EINVAL;
	return 0;
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
	struct svmgpu_vm *vm;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions ||
			     args->flags & ~DRM_SVMGPU_EXEC_USER_FENCE) ||
	    SVMGPU_IOCTL_DBG(drm, !IS_ALIGNED(args->address | args->length,
					      4)) ||
	    SVMGPU_IOCTL_DBG(drm, !args->length ||
			     args->length > DRM_SVMGPU_EXEC_MAX_LENGTH))
		return -EINVAL;
	ret = svmgpu_exec_check_ufence(drm, args);
	if (ret)
		return ret;

	/* The queue's reference keeps its VM's drm_gpuvm alive. */
	queue = svmgpu_queue_lookup(to_svmgpu_file(file), args->queue_id);
	if (!queue)
		return -ENOENT;
	if (READ_ONCE(queue->banned)) {
		ret = -ECANCELED;
		goto err_put_queue;
	}

	ret = svmgpu_syncs_parse(file, args->syncs, args->num_syncs, &syncs);
	if (ret)
		goto err_put_queue;

	/* A fault-mode VM's jobs publish no fence (DOC: EXEC). */
	if (SVMGPU_IOCTL_DBG(drm, queue->fault_mode &&
			     svmgpu_syncs_signal_any(&syncs))) {
		ret = -EINVAL;
		goto err_fini_syncs;
	}
	/* Its GPU reaches the memory of its VM's process only. */
	if (SVMGPU_IOCTL_DBG(drm, queue->fault_mode &&
			     current->mm != queue->vm->svm.mm)) {
		ret = -EACCES;
		goto err_fini_syncs;
	}

	job = svmgpu_job_create(&queue->entity, queue, file->client_id);
	if (IS_ERR(job)) {
		ret = PTR_ERR(job);
		goto err_fini_syncs;
	}
	/* The job takes over the lookup's queue reference. */
	job->queue = queue;
	job->vm = queue->vm;
	drm_gpuvm_get(&job->vm->gpuvm);
	job->hw.cs_address = args->address;
	job->hw.cs_length = args->length;
	job->hw.pt_root = job->vm->pt.root->addr;
	job->hw.asid = job->vm->asid;
	job->hw.fault_mode = job->vm->fault_mode;
	job->hw.ufence_addr = args->ufence_addr;
	job->hw.ufence_value = args->ufence_value;
	job->hw.compute_budget = svmgpu_param_compute_budget();

	/*
	 * Keep the VM's mappings, and its teardown, away while we lock and
	 * walk its BOs: the queue may be destroyed meanwhile and drop the
	 * last other user. The user reference also keeps @vm alive once the
	 * pushed job, which may be freed at any time, no longer does.
	 */
	vm = job->vm;
	if (!svmgpu_vm_user_get(vm)) {
		ret = -ENOENT;
		goto err_free_job;
	}
	ret = svmgpu_syncs_add_deps(file, &syncs, &job->base);
	if (!ret)
		ret = svmgpu_job_submit(job, &syncs);
	svmgpu_vm_user_put(vm);
	if (ret)
		goto err_free_job;
	svmgpu_syncs_fini(&syncs);
	return 0;

err_free_job:
	svmgpu_job_free(job);
	svmgpu_syncs_fini(&syncs);
	return ret;

err_fini_syncs:
	svmgpu_syncs_fini(&syncs);
err_put_queue:
	svmgpu_queue_put(queue);
	return ret;
}
