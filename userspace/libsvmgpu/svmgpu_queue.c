// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * libsvmgpu: submission queues and job submission.
 */
#include <stdlib.h>
#include <time.h>

#include "svmgpu_priv.h"

#define NSEC_PER_SEC 1000000000ll

SVMGPU_PUBLIC int svmgpu_queue_new(struct svmgpu_vm *vm, uint32_t engine,
				   uint32_t priority,
				   struct svmgpu_queue **out)
{
	struct drm_svmgpu_queue_create req = {
		.engine = engine,
		.priority = priority,
	};
	struct svmgpu_queue *q;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!vm)
		return -EINVAL;

	/* Allocate first: no queue to destroy if we run out of memory. */
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;

	req.vm_id = vm->id;
	ret = svmgpu_ioctl(vm->dev->fd, DRM_IOCTL_SVMGPU_QUEUE_CREATE, &req);
	if (ret) {
		free(q);
		return ret;
	}

	atomic_init(&q->refcount, 1);
	q->vm = svmgpu_vm_ref(vm);
	q->id = req.queue_id;
	*out = q;
	return 0;
}

SVMGPU_PUBLIC struct svmgpu_queue *svmgpu_queue_ref(struct svmgpu_queue *q)
{
	if (q)
		svmgpu_refcount_get(&q->refcount);
	return q;
}

SVMGPU_PUBLIC void svmgpu_queue_del(struct svmgpu_queue *q)
{
	struct drm_svmgpu_queue_destroy req = { 0 };

	if (!q || !svmgpu_refcount_put(&q->refcount))
		return;

	/* The id is ours: an error would be a kernel bug, and nothing to do. */
	req.queue_id = q->id;
	svmgpu_ioctl(q->vm->dev->fd, DRM_IOCTL_SVMGPU_QUEUE_DESTROY, &req);

	/* Last: the VM outlives every queue created on it. */
	svmgpu_vm_del(q->vm);
	free(q);
}

SVMGPU_PUBLIC uint32_t svmgpu_queue_id(const struct svmgpu_queue *q)
{
	return q ? q->id : 0;
}

SVMGPU_PUBLIC int svmgpu_queue_exec(struct svmgpu_queue *q, uint64_t address,
				    uint32_t length,
				    const struct drm_svmgpu_sync *syncs,
				    uint32_t num_syncs)
{
	struct drm_svmgpu_exec req = { 0 };

	if (!q || (!syncs && num_syncs))
		return -EINVAL;

	req.queue_id = q->id;
	req.num_syncs = num_syncs;
	req.syncs = (uintptr_t)syncs;
	req.address = address;
	req.length = length;
	return svmgpu_ioctl(q->vm->dev->fd, DRM_IOCTL_SVMGPU_EXEC, &req);
}

/*
 * The absolute CLOCK_MONOTONIC deadline, in nanoseconds, that is @timeout_ns
 * from now, as DRM_IOCTL_SYNCOBJ_WAIT takes it. A negative @timeout_ns, or a
 * deadline past INT64_MAX, is INT64_MAX: for ever.
 */
static int64_t deadline_ns(int64_t timeout_ns)
{
	struct timespec now;
	int64_t now_ns;

	if (timeout_ns < 0)
		return INT64_MAX;

	clock_gettime(CLOCK_MONOTONIC, &now);
	now_ns = (int64_t)now.tv_sec * NSEC_PER_SEC + now.tv_nsec;
	if (timeout_ns > INT64_MAX - now_ns)
		return INT64_MAX;
	return now_ns + timeout_ns;
}

SVMGPU_PUBLIC int svmgpu_queue_exec_wait(struct svmgpu_queue *q,
					 uint64_t address, uint32_t length,
					 int64_t timeout_ns)
{
	struct drm_svmgpu_sync sync = {
		.flags = DRM_SVMGPU_SYNC_SIGNAL,
	};
	int fd, ret;

	if (!q)
		return -EINVAL;
	fd = q->vm->dev->fd;

	/* libdrm's syncobj helpers return -1 and set errno. */
	if (drmSyncobjCreate(fd, 0, &sync.handle))
		return -errno;

	ret = svmgpu_queue_exec(q, address, length, &sync, 1);
	if (ret)
		goto out_destroy;

	/*
	 * The syncobj holds the job's fence once EXEC returns, so no
	 * WAIT_FOR_SUBMIT: a missing fence is an error, not a hang. -ETIME is
	 * the timeout. Unlike drmSyncobjCreate(), this helper returns the
	 * error itself: -errno upstream, but some libdrm forks return errno.
	 */
	ret = drmSyncobjWait(fd, &sync.handle, 1, deadline_ns(timeout_ns), 0,
			     NULL);
	if (ret > 0)
		ret = -ret;

out_destroy:
	drmSyncobjDestroy(fd, sync.handle);
	return ret;
}

SVMGPU_PUBLIC int svmgpu_queue_exec_svm(struct svmgpu_queue *q,
					const void *cs, size_t length,
					volatile uint64_t *fence,
					uint64_t value)
{
	struct drm_svmgpu_exec req = {
		.flags = DRM_SVMGPU_EXEC_USER_FENCE,
		.ufence_value = value,
	};
	uint64_t address = (uintptr_t)cs, fence_addr = (uintptr_t)fence;
	uint64_t va_end;

	if (!q || !cs || !fence)
		return -EINVAL;
	if (!svmgpu_device_has_system_svm(q->vm->dev))
		return -EOPNOTSUPP;
	/* Without a mirror, neither pointer is a GPU address. */
	if (!(q->vm->flags & DRM_SVMGPU_VM_CREATE_FAULT_MODE))
		return -EINVAL;
	if (address % 4 || length % 4 || !length ||
	    length > SVMGPU_EXEC_MAX_LENGTH || fence_addr % 8)
		return -EINVAL;

	/*
	 * Memory outside the VM's range can never be reached: the kernel
	 * would refuse such a fence, and fail a job fetched from there,
	 * banning the queue.
	 */
	va_end = svmgpu_va_end(q->vm->dev);
	if (va_end) {
		if (fence_addr < SVMGPU_VA_START || fence_addr > va_end - 8)
			return -EINVAL;
		if (address < SVMGPU_VA_START || address > va_end ||
		    length > va_end - address)
			return -EFAULT;
	}

	req.queue_id = q->id;
	req.address = address;
	req.length = length;
	req.ufence_addr = fence_addr;
	return svmgpu_ioctl(q->vm->dev->fd, DRM_IOCTL_SVMGPU_EXEC, &req);
}

/*
 * Whether the user fence at @fence has reached @value. Acquire: what the
 * job wrote before the fence is visible once the fence is.
 */
static bool user_fence_reached(const volatile uint64_t *fence,
			       uint64_t value)
{
	return __atomic_load_n(fence, __ATOMIC_ACQUIRE) >= value;
}

SVMGPU_PUBLIC int svmgpu_user_fence_wait(struct svmgpu_queue *q,
					 const volatile uint64_t *fence,
					 uint64_t value, int64_t timeout_ns,
					 uint32_t flags)
{
	struct drm_svmgpu_wait_user_fence req = {
		.addr = (uintptr_t)fence,
		.value = value,
		.mask = UINT64_MAX,
		.op = DRM_SVMGPU_WAIT_GTE,
	};
	int ret;

	if (!q || !fence || (uintptr_t)fence % 8 ||
	    (flags & ~SVMGPU_USER_FENCE_WAIT_ABSOLUTE))
		return -EINVAL;
	if (!svmgpu_device_has_system_svm(q->vm->dev))
		return -EOPNOTSUPP;
	/* The common case of a job that is already done: no ioctl. */
	if (user_fence_reached(fence, value))
		return 0;

	/*
	 * An absolute deadline, computed once, so that drmIoctl() can
	 * restart the wait after a signal without waiting longer.
	 */
	req.timeout_ns = flags & SVMGPU_USER_FENCE_WAIT_ABSOLUTE ?
			 timeout_ns : deadline_ns(timeout_ns);
	req.queue_id = q->id;
	ret = svmgpu_ioctl(q->vm->dev->fd, DRM_IOCTL_SVMGPU_WAIT_USER_FENCE,
			   &req);
	/*
	 * The ban may come from a later job than the one that wrote @value:
	 * then the value is there, and the wait succeeded.
	 */
	if (ret == -ECANCELED && user_fence_reached(fence, value))
		ret = 0;
	return ret;
}

SVMGPU_PUBLIC int svmgpu_queue_dispatch_svm(struct svmgpu_queue *q,
					    const struct svmgpu_prog *p,
					    uint32_t x, uint32_t y, uint32_t z,
					    uint64_t arg, int64_t timeout_ns)
{
	struct svmgpu_cs *cs = NULL;
	volatile uint64_t *fence;
	uint64_t *mem;
	size_t size;
	int ret;

	if (!q || !p)
		return -EINVAL;
	ret = svmgpu_prog_error(p);
	if (ret)
		return ret;
	if (!svmgpu_prog_count(p))
		return -EINVAL;
	if (!svmgpu_device_has_system_svm(q->vm->dev) ||
	    !svmgpu_device_has_compute(q->vm->dev))
		return -EOPNOTSUPP;

	/*
	 * One malloc'd block, which the VM mirrors: the user fence, then the
	 * program, 8-byte aligned as DISPATCH wants it. The command buffer
	 * is the builder's own malloc'd words.
	 */
	size = sizeof(uint64_t) + svmgpu_prog_size(p);
	mem = malloc(size);
	if (!mem)
		return -ENOMEM;
	fence = &mem[0];
	*fence = 0;
	ret = svmgpu_prog_write(p, &mem[1], size - sizeof(uint64_t));

	if (!ret)
		ret = svmgpu_cs_new(&cs);
	if (!ret) {
		svmgpu_cs_dispatch(cs, svmgpu_ptr(&mem[1]),
				   svmgpu_prog_count(p), x, y, z, arg);
		svmgpu_cs_end(cs);
		ret = svmgpu_cs_error(cs);
	}
	if (!ret)
		ret = svmgpu_queue_exec_svm(q, svmgpu_cs_words(cs),
					    svmgpu_cs_size(cs), fence, 1);
	if (!ret) {
		ret = svmgpu_user_fence_wait(q, fence, 1, timeout_ns, 0);
		/*
		 * Unless the job is known to be over, done or failed, the GPU
		 * may still read the program and the commands, and write
		 * the fence: leave them allocated.
		 */
		if (ret && ret != -ECANCELED)
			return ret;
	}

	svmgpu_cs_del(cs);
	free(mem);
	return ret;
}
