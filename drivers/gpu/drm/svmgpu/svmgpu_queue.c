// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/capability.h>
#include <linux/nospec.h>
#include <linux/slab.h>

#include <drm/drm_file.h>
#include <drm/drm_gpuvm.h>
#include <drm/svmgpu_drm.h>

#include "svmgpu_device.h"
#include "svmgpu_drv.h"
#include "svmgpu_fdinfo.h"
#include "svmgpu_file.h"
#include "svmgpu_queue.h"
#include "svmgpu_sched.h"
#include "svmgpu_ufence.h"
#include "svmgpu_vm.h"

/**
 * DOC: queues
 *
 * A queue is a drm_sched entity on its engine's scheduler, bound to a VM.
 * Destroying it (or closing its file) first marks it killed under its
 * submit_lock, so that no EXEC arms a job on it any more (DOC: EXEC), then
 * flushes the entity, so jobs already submitted still run, and then drops
 * its user reference on the VM; its jobs keep the queue structure, and
 * the queue keeps the VM's structure, alive until they are freed.
 *
 * A new queue is published in its file's id table only once it is fully
 * initialised, and its id is read back under the table's lock: a
 * QUEUE_DESTROY that guesses the id may free it the moment it is visible.
 *
 * @banned is set by the completion interrupt of a failed job and read by
 * EXEC without a lock: a job submitted while the ban lands may still run,
 * as it would on hardware.
 *
 * An engine serves queues of fault-mode VMs or queues of other VMs, not
 * both at once. Engines run one job at a time, so a job that publishes a
 * dma-fence could otherwise wait behind a fault-mode job stalled on a
 * fault, and the fault's servicing, which allocates and may evict BOs,
 * would then stand between that fence and its signalling: the cycle that
 * Documentation/driver-api/dma-buf.rst forbids. QUEUE_CREATE of the other
 * kind fails with -EBUSY while the engine has queues of the first kind
 * that are not destroyed; if they are all destroyed, it waits,
 * interruptibly, until their last jobs are freed (each job holds a
 * reference on its queue), so that a process that closed its queues can
 * be followed at once by one of the other kind. Jobs end within about a
 * job timeout, but a queue may also be held by a user-fence waiter for as
 * long as it likes: the wait gives up with -EBUSY after two timeouts.
 */

static const enum drm_sched_priority svmgpu_priorities[] = {
	[DRM_SVMGPU_QUEUE_PRIORITY_LOW] = DRM_SCHED_PRIORITY_LOW,
	[DRM_SVMGPU_QUEUE_PRIORITY_NORMAL] = DRM_SCHED_PRIORITY_NORMAL,
	[DRM_SVMGPU_QUEUE_PRIORITY_HIGH] = DRM_SCHED_PRIORITY_HIGH,
};

/**
 * svmgpu_queue_ban() - Refuse further jobs on a queue.
 * @queue: The queue.
 */
void svmgpu_queue_ban(struct svmgpu_queue *queue)
{
	WRITE_ONCE(queue->banned, true);
}

/**
 * svmgpu_queue_fail() - Record a failed job and ban its queue.
 * @queue: The queue.
 * @job: The job, with its result filled in.
 *
 * The first failure is what DRM_IOCTL_SVMGPU_QUEUE_STATUS reports. Called
 * from the completion interrupt: takes only a spinlock.
 */
void svmgpu_queue_fail(struct svmgpu_queue *queue,
		       const struct svmgpu_hw_job *job)
{
	spin_lock(&queue->status_lock);
	if (!queue->error) {
		queue->error = job->status;
		queue->fault_address = job->fault_address;
		queue->fault_access = job->fault_access;
	}
	spin_unlock(&queue->status_lock);
	svmgpu_queue_ban(queue);
}

/*
 * Count a queue on its engine: 0 once counted, -EBUSY if the engine has
 * live queues of the other kind, -EAGAIN if only the jobs of destroyed
 * ones are left.
 */
static int svmgpu_queue_engine_try(struct svmgpu_device *sdev, u32 engine,
				   bool fault_mode)
{
	int ret = 0;

	spin_lock(&sdev->engine_lock);
	if (sdev->engine_live[engine][!fault_mode]) {
		ret = -EBUSY;
	} else if (sdev->engine_queues[engine][!fault_mode]) {
		ret = -EAGAIN;
	} else {
		sdev->engine_queues[engine][fault_mode]++;
		sdev->engine_live[engine][fault_mode]++;
	}
	spin_unlock(&sdev->engine_lock);
	return ret;
}

/* Whether svmgpu_queue_engine_try() need not wait any more. */
static bool svmgpu_engine_drained(struct svmgpu_device *sdev, u32 engine,
				  bool fault_mode)
{
	return !READ_ONCE(sdev->engine_queues[engine][!fault_mode]) ||
	       READ_ONCE(sdev->engine_live[engine][!fault_mode]);
}

/* Wait up to @left jiffies for svmgpu_engine_drained(). */
static long svmgpu_queue_engine_wait(struct svmgpu_device *sdev, u32 engine,
				     bool fault_mode, long left)
{
	return wait_event_interruptible_timeout(sdev->engine_wq,
						svmgpu_engine_drained(sdev, engine,
								      fault_mode),
						left);
}

static int svmgpu_queue_engine_get(struct svmgpu_device *sdev, u32 engine,
				   bool fault_mode)
{
	/*
	 * Jobs end or time out within about a job timeout; a reference held
	 * otherwise (a user-fence waiter) may last: then give up.
	 */
	unsigned long deadline = jiffies + 2 * sdev->scheds[engine].base.timeout;
	long left;
	int ret;

	while ((ret = svmgpu_queue_engine_try(sdev, engine, fault_mode)) ==
	       -EAGAIN) {
		left = (long)(deadline - jiffies);
		if (left <= 0)
			return -EBUSY;
		left = svmgpu_queue_engine_wait(sdev, engine, fault_mode, left);
		if (left < 0)
			return left;
	}
	return ret;
}

/* The queue is destroyed: its jobs may still run. */
static void svmgpu_queue_engine_kill(struct svmgpu_device *sdev, u32 engine,
				     bool fault_mode)
{
	spin_lock(&sdev->engine_lock);
	sdev->engine_live[engine][fault_mode]--;
	spin_unlock(&sdev->engine_lock);
}

/* The queue is freed, and so are its jobs. */
static void svmgpu_queue_engine_put(struct svmgpu_device *sdev, u32 engine,
				    bool fault_mode)
{
	spin_lock(&sdev->engine_lock);
	sdev->engine_queues[engine][fault_mode]--;
	spin_unlock(&sdev->engine_lock);
	wake_up_all(&sdev->engine_wq);
}

static void svmgpu_queue_free(struct kref *kref)
{
	struct svmgpu_queue *queue =
		container_of(kref, struct svmgpu_queue, refcount);

	/* Its last job is freed: the engine may serve the other kind. */
	svmgpu_queue_engine_put(queue->sdev, queue->engine, queue->fault_mode);
	svmgpu_file_stats_put(queue->stats);
	drm_gpuvm_put(&queue->vm->gpuvm);
	mutex_destroy(&queue->submit_lock);
	kfree(queue);
}

/**
 * svmgpu_queue_get() - Take a reference.
 * @queue: The queue, of which the caller holds a reference.
 */
void svmgpu_queue_get(struct svmgpu_queue *queue)
{
	kref_get(&queue->refcount);
}

/**
 * svmgpu_queue_put() - Drop a reference.
 * @queue: The queue.
 */
void svmgpu_queue_put(struct svmgpu_queue *queue)
{
	kref_put(&queue->refcount, svmgpu_queue_free);
}

/**
 * svmgpu_queue_lookup() - Find a queue of a file and take a reference.
 * @sfile: The file.
 * @id: The queue's id.
 *
 * Return: The queue, or NULL.
 */
struct svmgpu_queue *svmgpu_queue_lookup(struct svmgpu_file *sfile, u32 id)
{
	struct svmgpu_queue *queue;

	xa_lock(&sfile->queues);
	queue = xa_load(&sfile->queues, id);
	if (queue)
		kref_get(&queue->refcount);
	xa_unlock(&sfile->queues);
	return queue;
}

/*
 * Take a queue out of service; its file no longer knows it. With @cancel,
 * the jobs the engine still holds are cancelled instead of run.
 */
static void svmgpu_queue_destroy(struct svmgpu_queue *queue, bool cancel)
{
	/* No EXEC arms a job after this... */
	mutex_lock(&queue->submit_lock);
	queue->killed = true;
	mutex_unlock(&queue->submit_lock);

	if (cancel) {
		svmgpu_queue_ban(queue);
		/* Jobs the entity drops never complete: wake their waiters. */
		svmgpu_ufence_wake(queue->sdev);
	}
	/* ...no job of the entity reaches the engine after this... */
	drm_sched_entity_destroy(&queue->entity);
	/* ...so this leaves none behind. */
	if (cancel)
		svmgpu_hw_engine_cancel(queue->sdev->hw, queue->engine, queue);
	svmgpu_queue_engine_kill(queue->sdev, queue->engine, queue->fault_mode);
	svmgpu_vm_user_put(queue->vm);
	svmgpu_queue_put(queue);
}

/**
 * svmgpu_queue_file_close() - Destroy the queues of a closing file.
 * @sfile: The file.
 *
 * Nobody can wait for the jobs of a closed file any more, so unlike
 * QUEUE_DESTROY, this cancels the jobs the engines still hold rather than
 * letting them run, which for a hung job means waiting for its timeout.
 */
void svmgpu_queue_file_close(struct svmgpu_file *sfile)
{
	struct svmgpu_queue *queue;
	unsigned long id;

	xa_for_each(&sfile->queues, id, queue)
		svmgpu_queue_destroy(queue, true);
	xa_destroy(&sfile->queues);
}

/**
 * svmgpu_queue_create_ioctl() - DRM_IOCTL_SVMGPU_QUEUE_CREATE.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_queue_create.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_queue_create_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct svmgpu_device *sdev = to_svmgpu_device(drm);
	struct svmgpu_file *sfile = to_svmgpu_file(file);
	struct drm_svmgpu_queue_create *args = data;
	struct drm_gpu_scheduler *sched;
	struct svmgpu_queue *queue;
	u32 prio;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->flags ||
			     args->pad) ||
	    SVMGPU_IOCTL_DBG(drm, args->engine >=
			     svmgpu_hw_caps(sdev->hw)->num_engines) ||
	    SVMGPU_IOCTL_DBG(drm, args->priority >=
			     ARRAY_SIZE(svmgpu_priorities)))
		return -EINVAL;
	if (args->priority == DRM_SVMGPU_QUEUE_PRIORITY_HIGH &&
	    !capable(CAP_SYS_NICE))
		return -EACCES;

	queue = kzalloc(sizeof(*queue), GFP_KERNEL);
	if (!queue)
		return -ENOMEM;

	queue->vm = svmgpu_vm_lookup(sfile, args->vm_id);
	if (!queue->vm) {
		ret = -ENOENT;
		goto err_free;
	}

	/* The VM is the caller's mm, whose GPU faults it services. */
	queue->fault_mode = queue->vm->fault_mode;
	ret = -EACCES;
	if (SVMGPU_IOCTL_DBG(drm, queue->fault_mode &&
			     current->mm != queue->vm->svm.mm))
		goto err_put_user;

	kref_init(&queue->refcount);
	mutex_init(&queue->submit_lock);
	spin_lock_init(&queue->status_lock);
	svmgpu_coredump_init(&queue->coredump);
	queue->sdev = sdev;
	queue->engine = array_index_nospec(args->engine,
					   svmgpu_hw_caps(sdev->hw)->num_engines);
	ret = svmgpu_queue_engine_get(sdev, queue->engine, queue->fault_mode);
	if (ret)
		goto err_put_vm;
	sched = &sdev->scheds[queue->engine].base;
	prio = array_index_nospec(args->priority, ARRAY_SIZE(svmgpu_priorities));
	ret = drm_sched_entity_init(&queue->entity, svmgpu_priorities[prio],
				    &sched, 1, NULL);
	if (ret)
		goto err_put_engine;
	queue->stats = svmgpu_file_stats_get(sfile->stats);
	drm_gpuvm_get(&queue->vm->gpuvm);

	/* Publish last, and read the id before a racing destroy can free it. */
	xa_lock(&sfile->queues);
	ret = __xa_alloc(&sfile->queues, &queue->id, queue, SVMGPU_ID_LIMIT,
			 GFP_KERNEL);
	if (!ret)
		args->queue_id = queue->id;
	xa_unlock(&sfile->queues);
	if (ret)
		goto err_destroy_entity;
	return 0;

err_destroy_entity:
	drm_sched_entity_destroy(&queue->entity);
	svmgpu_file_stats_put(queue->stats);
	drm_gpuvm_put(&queue->vm->gpuvm);
err_put_engine:
	svmgpu_queue_engine_kill(sdev, queue->engine, queue->fault_mode);
	svmgpu_queue_engine_put(sdev, queue->engine, queue->fault_mode);
err_put_vm:
	mutex_destroy(&queue->submit_lock);
err_put_user:
	svmgpu_vm_user_put(queue->vm);
err_free:
	kfree(queue);
	return ret;
}

/**
 * svmgpu_queue_destroy_ioctl() - DRM_IOCTL_SVMGPU_QUEUE_DESTROY.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_queue_destroy.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_queue_destroy_ioctl(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct drm_svmgpu_queue_destroy *args = data;
	struct svmgpu_queue *queue;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->pad))
		return -EINVAL;

	queue = xa_erase(&to_svmgpu_file(file)->queues, args->queue_id);
	if (!queue)
		return -ENOENT;

	svmgpu_queue_destroy(queue, false);
	return 0;
}

static u32 svmgpu_queue_access(u8 access)
{
	switch (access) {
	case SVMGPU_HW_ACCESS_WRITE:
		return DRM_SVMGPU_ACCESS_WRITE;
	case SVMGPU_HW_ACCESS_ATOMIC:
		return DRM_SVMGPU_ACCESS_ATOMIC;
	default:
		return DRM_SVMGPU_ACCESS_READ;
	}
}

/**
 * svmgpu_queue_status_ioctl() - DRM_IOCTL_SVMGPU_QUEUE_STATUS.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_queue_status.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_queue_status_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct drm_svmgpu_queue_status *args = data;
	struct svmgpu_queue *queue;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->flags ||
			     args->pad))
		return -EINVAL;

	queue = svmgpu_queue_lookup(to_svmgpu_file(file), args->queue_id);
	if (!queue)
		return -ENOENT;

	args->banned = READ_ONCE(queue->banned);
	spin_lock(&queue->status_lock);
	args->error = queue->error;
	args->fault_address = queue->error == -EFAULT ?
			      queue->fault_address : 0;
	args->fault_access = queue->error == -EFAULT ?
			     svmgpu_queue_access(queue->fault_access) : 0;
	spin_unlock(&queue->status_lock);
	svmgpu_queue_put(queue);
	return 0;
}
