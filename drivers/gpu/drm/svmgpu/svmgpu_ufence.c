// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <drm/drm_file.h>
#include <drm/svmgpu_drm.h>

#include "svmgpu_device.h"
#include "svmgpu_drv.h"
#include "svmgpu_file.h"
#include "svmgpu_queue.h"
#include "svmgpu_ufence.h"

/**
 * DOC: user fences
 *
 * A job submitted with DRM_SVMGPU_EXEC_USER_FENCE has its engine write a
 * value to memory once its commands are done (hw/svmgpu_hw_engine.c).
 * DRM_IOCTL_SVMGPU_WAIT_USER_FENCE reads that memory in the caller's
 * address space and sleeps on the device's &svmgpu_device.ufence_wq,
 * which every job completion wakes, until the comparison holds, the
 * named queue is banned, a signal comes or the absolute deadline passes.
 * The waiter is on the queue before it reads the value, and the engine
 * writes the value before the completion wakes the queue, so no write is
 * missed. The wait takes no lock and publishes nothing; it works for any
 * VM, and is the only completion a fault-mode VM's jobs have.
 */

/**
 * svmgpu_ufence_wake() - Wake user-fence waiters to check their values.
 * @sdev: The device.
 *
 * Called by the completion interrupt; takes only the wait queue's lock.
 */
void svmgpu_ufence_wake(struct svmgpu_device *sdev)
{
	wake_up_all(&sdev->ufence_wq);
}

/* The comparisons of the WAIT_MEM command, unsigned on 64 bits. */
static bool svmgpu_ufence_holds(u32 op, u64 value, u64 ref)
{
	switch (op) {
	case DRM_SVMGPU_WAIT_EQ:
		return value == ref;
	case DRM_SVMGPU_WAIT_NE:
		return value != ref;
	case DRM_SVMGPU_WAIT_GT:
		return value > ref;
	case DRM_SVMGPU_WAIT_GTE:
		return value >= ref;
	case DRM_SVMGPU_WAIT_LT:
		return value < ref;
	default:
		return value <= ref;
	}
}

/*
 * Jiffies left until @deadline_ns, rounded up; 0 once it passed. Any
 * deadline is valid, so compare before subtracting: INT64_MIN less now
 * would wrap around to a wait of centuries.
 */
static long svmgpu_ufence_left(s64 deadline_ns)
{
	s64 now = ktime_get_ns();

	if (deadline_ns <= now)
		return 0;
	return min_t(u64, nsecs_to_jiffies64(deadline_ns - now) + 1,
		     MAX_SCHEDULE_TIMEOUT);
}

/* Sleep on the wait queue until the fence passes or the wait must end. */
static int svmgpu_ufence_wait(struct svmgpu_device *sdev,
			      const struct drm_svmgpu_wait_user_fence *args,
			      struct svmgpu_queue *queue)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	u64 __user *addr = u64_to_user_ptr(args->addr);
	long left;
	u64 value;
	int ret;

	add_wait_queue(&sdev->ufence_wq, &wait);
	for (;;) {
		if (get_user(value, addr)) {
			ret = -EFAULT;
			break;
		}
		if (svmgpu_ufence_holds(args->op, value & args->mask,
					args->value & args->mask)) {
			ret = 0;
			break;
		}
		if (queue && READ_ONCE(queue->banned)) {
			ret = -ECANCELED;
			break;
		}
		/* The deadline is absolute: a restart waits no longer. */
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		left = svmgpu_ufence_left(args->timeout_ns);
		if (!left) {
			ret = -ETIME;
			break;
		}
		wait_woken(&wait, TASK_INTERRUPTIBLE, left);
	}
	remove_wait_queue(&sdev->ufence_wq, &wait);
	return ret;
}

/**
 * svmgpu_wait_user_fence_ioctl() - DRM_IOCTL_SVMGPU_WAIT_USER_FENCE.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_wait_user_fence.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_wait_user_fence_ioctl(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct drm_svmgpu_wait_user_fence *args = data;
	struct svmgpu_queue *queue = NULL;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->flags ||
			     args->pad) ||
	    SVMGPU_IOCTL_DBG(drm, args->op > DRM_SVMGPU_WAIT_LTE) ||
	    SVMGPU_IOCTL_DBG(drm, !IS_ALIGNED(args->addr, 8)))
		return -EINVAL;

	if (args->queue_id) {
		queue = svmgpu_queue_lookup(to_svmgpu_file(file),
					    args->queue_id);
		if (!queue)
			return -ENOENT;
	}

	ret = svmgpu_ufence_wait(to_svmgpu_device(drm), args, queue);
	if (queue)
		svmgpu_queue_put(queue);
	return ret;
}
