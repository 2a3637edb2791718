// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/dma-fence-chain.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_syncobj.h>
#include <drm/gpu_scheduler.h>
#include <drm/svmgpu_drm.h>

#include "svmgpu_drv.h"
#include "svmgpu_sync.h"

/**
 * DOC: syncs
 *
 * VM_BIND and EXEC take an array of &struct drm_svmgpu_sync. They are
 * parsed and checked in full, and every resource a signal needs (the
 * syncobj reference, a timeline point) is allocated, before the ioctl does
 * anything, so that signalling cannot fail.
 */

/**
 * svmgpu_syncs_parse() - Copy in, check and prepare an array of syncs.
 * @file: The DRM file the handles belong to.
 * @user: User pointer to the array.
 * @count: Number of entries, at most %DRM_SVMGPU_MAX_SYNCS.
 * @syncs: Out: the parsed syncs; release with svmgpu_syncs_fini().
 *
 * Return: 0, -EINVAL for a malformed entry or too many, -EFAULT, -ENOENT
 * for an unknown syncobj of a signal, or -ENOMEM.
 */
int svmgpu_syncs_parse(struct drm_file *file, u64 user, u32 count,
		       struct svmgpu_syncs *syncs)
{
	const u32 known = DRM_SVMGPU_SYNC_SIGNAL | DRM_SVMGPU_SYNC_TIMELINE;
	struct drm_svmgpu_sync __user *uptr = u64_to_user_ptr(user);
	u32 i;
	int ret;

	syncs->entries = NULL;
	syncs->count = 0;
	if (SVMGPU_IOCTL_DBG(file->minor->dev, count > DRM_SVMGPU_MAX_SYNCS))
		return -EINVAL;
	if (!count)
		return 0;

	syncs->entries = kcalloc(count, sizeof(*syncs->entries), GFP_KERNEL);
	if (!syncs->entries)
		return -ENOMEM;

	for (i = 0; i < count; i++) {
		struct svmgpu_sync_entry *e = &syncs->entries[i];
		struct drm_svmgpu_sync s;

		if (copy_from_user(&s, &uptr[i], sizeof(s))) {
			ret = -EFAULT;
			goto err;
		}
		syncs->count++;

		if (SVMGPU_IOCTL_DBG(file->minor->dev, s.flags & ~known) ||
		    SVMGPU_IOCTL_DBG(file->minor->dev,
				     !(s.flags & DRM_SVMGPU_SYNC_TIMELINE) &&
				     s.point)) {
			ret = -EINVAL;
			goto err;
		}
		e->handle = s.handle;
		e->flags = s.flags;
		e->point = s.point;

		if (!(s.flags & DRM_SVMGPU_SYNC_SIGNAL))
			continue;

		e->syncobj = drm_syncobj_find(file, s.handle);
		if (!e->syncobj) {
			ret = -ENOENT;
			goto err;
		}
		if (s.flags & DRM_SVMGPU_SYNC_TIMELINE) {
			e->chain = dma_fence_chain_alloc();
			if (!e->chain) {
				ret = -ENOMEM;
				goto err;
			}
		}
	}
	return 0;

err:
	svmgpu_syncs_fini(syncs);
	return ret;
}

/**
 * svmgpu_syncs_wait() - Wait for the fences of the wait entries.
 * @file: The DRM file.
 * @syncs: Parsed syncs.
 *
 * Return: 0, -ENOENT for an unknown syncobj, -EINVAL for a syncobj or
 * point with no fence, or -ERESTARTSYS if interrupted.
 */
int svmgpu_syncs_wait(struct drm_file *file, struct svmgpu_syncs *syncs)
{
	u32 i;

	for (i = 0; i < syncs->count; i++) {
		struct svmgpu_sync_entry *e = &syncs->entries[i];
		struct dma_fence *fence;
		long ret;

		if (e->flags & DRM_SVMGPU_SYNC_SIGNAL)
			continue;

		ret = drm_syncobj_find_fence(file, e->handle, e->point, 0,
					     &fence);
		if (ret)
			return ret;
		ret = dma_fence_wait(fence, true);
		dma_fence_put(fence);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * svmgpu_syncs_add_deps() - Make a job wait for the wait entries.
 * @file: The DRM file.
 * @syncs: Parsed syncs.
 * @job: The job, initialised but not armed.
 *
 * Return: 0, -ENOENT, -EINVAL (no fence), or -ENOMEM.
 */
int svmgpu_syncs_add_deps(struct drm_file *file, struct svmgpu_syncs *syncs,
			  struct drm_sched_job *job)
{
	u32 i;
	int ret;

	for (i = 0; i < syncs->count; i++) {
		struct svmgpu_sync_entry *e = &syncs->entries[i];

		if (e->flags & DRM_SVMGPU_SYNC_SIGNAL)
			continue;
		ret = drm_sched_job_add_syncobj_dependency(job, file, e->handle,
							   e->point);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * svmgpu_syncs_signal() - Install a fence in the signal entries.
 * @syncs: Parsed syncs.
 * @fence: The fence.
 */
void svmgpu_syncs_signal(struct svmgpu_syncs *syncs, struct dma_fence *fence)
{
	u32 i;

	for (i = 0; i < syncs->count; i++) {
		struct svmgpu_sync_entry *e = &syncs->entries[i];

		if (!(e->flags & DRM_SVMGPU_SYNC_SIGNAL))
			continue;
		if (e->chain) {
			drm_syncobj_add_point(e->syncobj, e->chain, fence,
					      e->point);
			e->chain = NULL;	/* the syncobj owns it now */
		} else {
			drm_syncobj_replace_fence(e->syncobj, fence);
		}
	}
}

/**
 * svmgpu_syncs_fini() - Release parsed syncs.
 * @syncs: Parsed syncs.
 */
void svmgpu_syncs_fini(struct svmgpu_syncs *syncs)
{
	u32 i;

	for (i = 0; i < syncs->count; i++) {
		dma_fence_chain_free(syncs->entries[i].chain);
		if (syncs->entries[i].syncobj)
			drm_syncobj_put(syncs->entries[i].syncobj);
	}
	kfree(syncs->entries);
	syncs->entries = NULL;
	syncs->count = 0;
}
