// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/delay.h>
#include <linux/slab.h>

#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "svmgpu_coredump.h"
#include "svmgpu_device.h"
#include "svmgpu_fdinfo.h"
#include "svmgpu_job.h"
#include "svmgpu_queue.h"
#include "svmgpu_sched.h"
#include "svmgpu_ufence.h"

/**
 * DOC: scheduling
 *
 * Each engine has a drm_gpu_scheduler; each queue is an entity of its
 * engine's scheduler. The copy engine's scheduler has only the kernel
 * queue (svmgpu_move.c): user queues may pick only general-purpose
 * engines, so no user job, hung or not, delays a move. run_job() hands the job to the engine with a
 * hardware fence that the engine's completion interrupt,
 * svmgpu_sched_job_done(), signals, with the job's error if it failed.
 *
 * A failed job bans its queue and leaves a devcoredump. A job that runs
 * longer than the job_timeout_ms module parameter is a hang:
 * svmgpu_sched_timedout_job() stops the scheduler, resets the engine,
 * which completes the job with -ETIME, and restarts the scheduler. The
 * other jobs on the engine carry on.
 *
 * A job of a fault-mode VM is not hung while it stalls on GPU faults: its
 * timeout counts only the time it ran, not the time it stalled. When the
 * timer fires before it ran that long, svmgpu_sched_timedout_job() puts it
 * back on the pending list and the timer starts over (6.12's scheduler has
 * no status for "not hung"; this is what xe does for long-running jobs).
 * A job that lives %SVMGPU_SCHED_STALL_MAX timeouts, stalled or not, is a
 * hang: one that faults for ever (memory the CPU keeps invalidating, or
 * ranges that evict each other from its page-table share) ends. The completion
 * interrupt also wakes DRM_IOCTL_SVMGPU_WAIT_USER_FENCE's waiters
 * (svmgpu_ufence.c).
 *
 * The completion interrupt runs in the fence-signalling path, annotated
 * with dma_fence_begin_signalling() so that lockdep checks it: it takes no
 * lock under which anything allocates, and never allocates itself; a
 * devcoredump is formatted later by a worker (svmgpu_coredump.c).
 */

static const char *svmgpu_fence_driver_name(struct dma_fence *fence)
{
	return "svmgpu";
}

static const char *svmgpu_fence_timeline_name(struct dma_fence *fence)
{
	return "svmgpu-engine";
}

static const struct dma_fence_ops svmgpu_fence_ops = {
	.get_driver_name = svmgpu_fence_driver_name,
	.get_timeline_name = svmgpu_fence_timeline_name,
};

/**
 * svmgpu_sched_fence_alloc() - Allocate a hardware fence for a job.
 *
 * Return: The uninitialised fence, freed with kfree() until run_job()
 * initialises it, or NULL.
 */
struct dma_fence *svmgpu_sched_fence_alloc(void)
{
	return kzalloc(sizeof(struct dma_fence), GFP_KERNEL);
}

static struct svmgpu_job *to_svmgpu_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct svmgpu_job, base);
}

static struct svmgpu_sched *to_svmgpu_sched(struct drm_gpu_scheduler *sched)
{
	return container_of(sched, struct svmgpu_sched, base);
}

static void svmgpu_sched_job_done(struct svmgpu_hw_job *hw_job)
{
	struct svmgpu_job *job = container_of(hw_job, struct svmgpu_job, hw);
	struct svmgpu_queue *queue = job->queue;
	struct dma_fence *fence = job->hw_fence;
	bool cookie = dma_fence_begin_signalling();

	if (queue && hw_job->start_ns)
		svmgpu_file_stats_add_busy(queue->stats, queue->engine,
					   hw_job->end_ns - hw_job->start_ns);
	if (hw_job->compute_dispatches) {
		struct svmgpu_device *sdev = to_svmgpu_sched(job->base.sched)->sdev;

		svmgpu_stats_add(&sdev->stats, SVMGPU_STAT_COMPUTE_DISPATCHES,
				 hw_job->compute_dispatches);
		svmgpu_stats_add(&sdev->stats, SVMGPU_STAT_COMPUTE_INSNS,
				 hw_job->compute_insns);
	}

	if (hw_job->status) {
		if (queue) {
			svmgpu_queue_fail(queue, hw_job);
			/* A cancelled job did nothing wrong: its file went. */
			if (hw_job->status != -ECANCELED)
				svmgpu_coredump_capture(job);
		} else {
			/* Kernel jobs are built by the driver: a bug. */
			drm_err_ratelimited(&to_svmgpu_sched(job->base.sched)->sdev->drm,
					    "kernel job failed: %d\n",
					    hw_job->status);
		}
		dma_fence_set_error(fence, hw_job->status);
	}
	/* The user fence is written, or the queue banned: waiters check. */
	if (queue)
		svmgpu_ufence_wake(queue->sdev);
	/* The scheduler may free the job as soon as the fence signals. */
	dma_fence_signal(fence);
	dma_fence_end_signalling(cookie);
}

static struct dma_fence *svmgpu_sched_run_job(struct drm_sched_job *sched_job)
{
	struct svmgpu_job *job = to_svmgpu_job(sched_job);
	struct svmgpu_sched *sched = to_svmgpu_sched(sched_job->sched);

	/* Cancelled before it ran (its entity was killed). */
	if (sched_job->s_fence->finished.error)
		return NULL;

	dma_fence_init(job->hw_fence, &svmgpu_fence_ops, &sched->fence_lock,
		       sched->fence_context, ++sched->seqno);
	job->hw_fence_init = true;
	job->hw.done = svmgpu_sched_job_done;
	job->hw.owner = job->queue;

	/* One reference for the scheduler, one stays with the job. */
	dma_fence_get(job->hw_fence);
	svmgpu_hw_engine_submit(sched->sdev->hw, sched->engine, &job->hw);
	return job->hw_fence;
}

/* A fault-mode job this many job timeouts old is a hang all the same. */
#define SVMGPU_SCHED_STALL_MAX	10

/* Whether a fault-mode job ran for less than the timeout, stalls aside. */
static bool svmgpu_sched_stalled_only(struct svmgpu_sched *sched,
				      struct svmgpu_job *job)
{
	u64 timeout = jiffies_to_nsecs(sched->base.timeout);
	u64 start = READ_ONCE(job->hw.start_ns);
	u64 stall = READ_ONCE(job->hw.stall_ns);
	u64 now, since = 0;
	bool stalled;

	if (!job->hw.fault_mode || !start)
		return false;
	/* Pairs with the engine's release: the start time is that stall's. */
	stalled = smp_load_acquire(&job->hw.stalled);
	if (stalled)
		since = READ_ONCE(job->hw.stall_start_ns);
	now = ktime_get_raw_ns();

	/* Stalls or not, a job this old is a hang: it makes no progress. */
	if (now - start > SVMGPU_SCHED_STALL_MAX * timeout)
		return false;
	if (stalled)
		stall += now - min(since, now);
	return now - start < timeout + stall;
}

static enum drm_gpu_sched_stat
svmgpu_sched_timedout_job(struct drm_sched_job *sched_job)
{
	struct svmgpu_job *job = to_svmgpu_job(sched_job);
	struct svmgpu_sched *sched = to_svmgpu_sched(sched_job->sched);

	struct drm_sched_job *pos;

	/* Stalled on faults: not hung. Back where the scheduler took it. */
	if (svmgpu_sched_stalled_only(sched, job)) {
		bool done;

		/*
		 * Off the list, a job that completes is not freed: the free
		 * worker looks only at the list, under this lock. So either
		 * it is done already and the timeout handler frees it, or it
		 * goes back before it completes and the worker frees it.
		 */
		spin_lock(&sched->base.job_list_lock);
		done = dma_fence_is_signaled(&sched_job->s_fence->finished);
		if (!done)
			list_add(&sched_job->list, &sched->base.pending_list);
		spin_unlock(&sched->base.job_list_lock);
		if (done)
			sched->base.free_guilty = true;
		return DRM_GPU_SCHED_STAT_NOMINAL;
	}

	drm_sched_stop(&sched->base, sched_job);
	/* Completes the job with -ETIME, through svmgpu_sched_job_done(). */
	if (job->hw_fence_init)
		svmgpu_hw_engine_reset(sched->sdev->hw, sched->engine,
				       &job->hw);

	/*
	 * drm_sched_stop() dropped the hardware fence of every pending job,
	 * and drm_sched_start() cancels jobs without one. But the reset
	 * stopped only the guilty job: the engine still owns the jobs queued
	 * behind it and will run them, so give their fences back. The
	 * scheduler is stopped, so its pending list is stable.
	 */
	list_for_each_entry(pos, &sched->base.pending_list, list) {
		struct svmgpu_job *j = to_svmgpu_job(pos);

		if (j->hw_fence_init && !pos->s_fence->parent)
			pos->s_fence->parent = dma_fence_get(j->hw_fence);
	}

	drm_sched_start(&sched->base);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void svmgpu_sched_free_job(struct drm_sched_job *sched_job)
{
	svmgpu_job_free(to_svmgpu_job(sched_job));
}

static const struct drm_sched_backend_ops svmgpu_sched_ops = {
	.run_job = svmgpu_sched_run_job,
	.timedout_job = svmgpu_sched_timedout_job,
	.free_job = svmgpu_sched_free_job,
};

/* Every engine has a scheduler, the copy engine last. */
static unsigned int svmgpu_sched_count(struct svmgpu_device *sdev)
{
	return svmgpu_hw_caps(sdev->hw)->copy_engine + 1;
}

static bool svmgpu_sched_drained(struct drm_gpu_scheduler *sched)
{
	bool drained;

	spin_lock(&sched->job_list_lock);
	drained = list_empty(&sched->pending_list);
	spin_unlock(&sched->job_list_lock);
	return drained;
}

static void svmgpu_sched_fini(struct drm_device *drm, void *arg)
{
	struct svmgpu_device *sdev = arg;
	unsigned int i;

	/*
	 * 6.12's drm_sched_fini() neither waits for the jobs still on the
	 * pending list nor frees them. Every entity is gone by now, so those
	 * jobs only have to finish, or time out and be reset, and be freed
	 * by free_job().
	 */
	for (i = 0; i < svmgpu_sched_count(sdev); i++)
		while (!svmgpu_sched_drained(&sdev->scheds[i].base))
			msleep(20);

	for (i = 0; i < svmgpu_sched_count(sdev); i++)
		drm_sched_fini(&sdev->scheds[i].base);
}

/**
 * svmgpu_sched_init() - Create the engines' schedulers.
 * @sdev: The device, with its hardware initialised.
 * @timeout_ms: Job timeout.
 *
 * Torn down by a drmm action.
 *
 * Return: 0 or a negative error code.
 */
int svmgpu_sched_init(struct svmgpu_device *sdev, unsigned int timeout_ms)
{
	unsigned int i, n = svmgpu_sched_count(sdev);
	int ret;

	sdev->scheds = drmm_kcalloc(&sdev->drm, n, sizeof(*sdev->scheds),
				    GFP_KERNEL);
	if (!sdev->scheds)
		return -ENOMEM;

	for (i = 0; i < n; i++) {
		struct svmgpu_sched *sched = &sdev->scheds[i];
		const struct drm_sched_init_args args = {
			.ops = &svmgpu_sched_ops,
			.num_rqs = DRM_SCHED_PRIORITY_COUNT,
			.credit_limit = 64,
			.timeout = msecs_to_jiffies(timeout_ms),
			.name = "svmgpu",
			.dev = sdev->drm.dev,
		};

		sched->sdev = sdev;
		sched->engine = i;
		sched->fence_context = dma_fence_context_alloc(1);
		spin_lock_init(&sched->fence_lock);
		ret = drm_sched_init(&sched->base, &args);
		if (ret) {
			while (i--)
				drm_sched_fini(&sdev->scheds[i].base);
			return ret;
		}
	}
	return drmm_add_action_or_reset(&sdev->drm, svmgpu_sched_fini, sdev);
}
