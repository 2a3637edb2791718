// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/nospec.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_device.h>
#include <drm/svmgpu_drm.h>
#include <drm/ttm/ttm_placement.h>

#include <kunit/visibility.h>

#include "svmgpu_device.h"
#include "svmgpu_drv.h"
#include "svmgpu_query.h"
#include "svmgpu_ttm.h"

/**
 * DOC: device query
 *
 * DRM_IOCTL_SVMGPU_DEVICE_QUERY returns one item of information about the
 * device, selected by &drm_svmgpu_device_query.query. Each item has a
 * handler in svmgpu_query_funcs[], indexed by its query id.
 *
 * The size protocol is DRM_IOCTL_XE_DEVICE_QUERY's and is implemented once,
 * in svmgpu_query_size(): a size of zero asks for the size, a short buffer is
 * rejected, and a larger buffer receives the answer at its start.
 *
 * The ioctl reads only constant data, so it takes no lock.
 */

/**
 * svmgpu_query_size() - Negotiate the size of a query's answer.
 * @drm: The DRM device, for logging; may be NULL.
 * @user_size: The size user space passed in; updated as the uAPI says.
 * @size: The size of the answer.
 *
 * Return: 1 if user space only asked for the size (@user_size is now
 * @size and nothing must be copied), 0 if the answer must be copied (and
 * @user_size is now @size), or -EINVAL if the buffer is too small.
 */
int svmgpu_query_size(struct drm_device *drm, u32 *user_size, u32 size)
{
	if (*user_size == 0) {
		*user_size = size;
		return 1;
	}

	if (SVMGPU_IOCTL_DBG(drm, *user_size < size))
		return -EINVAL;

	*user_size = size;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_query_size);

/**
 * svmgpu_query_fill_device_info() - Build the answer to a device-info query.
 * @caps: The hardware's identification block.
 * @info: The answer. Every byte of it is written.
 */
void svmgpu_query_fill_device_info(const struct svmgpu_hw_caps *caps,
				   struct drm_svmgpu_query_device_info *info)
{
	memset(info, 0, sizeof(*info));
	info->uapi_major = DRM_SVMGPU_UAPI_MAJOR;
	info->uapi_minor = DRM_SVMGPU_UAPI_MINOR;
	info->num_engines = caps->num_engines;
	info->vram_size = caps->vram_size;
	info->va_bits = caps->va_bits;
	info->features = DRM_SVMGPU_FEATURE_GEM | DRM_SVMGPU_FEATURE_VM |
			 DRM_SVMGPU_FEATURE_EXEC |
			 DRM_SVMGPU_FEATURE_GEM_MIGRATE |
			 DRM_SVMGPU_FEATURE_SVM |
			 DRM_SVMGPU_FEATURE_SVM_MIGRATE |
			 DRM_SVMGPU_FEATURE_COMPUTE;
	info->compute_threads = caps->compute_threads;

	/* The uAPI's page-size bits are the page sizes themselves. */
	info->page_sizes = caps->page_sizes &
		(DRM_SVMGPU_PAGE_SIZE_4K | DRM_SVMGPU_PAGE_SIZE_64K |
		 DRM_SVMGPU_PAGE_SIZE_2M);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_query_fill_device_info);

static int svmgpu_query_device_info(struct svmgpu_device *sdev,
				    struct drm_svmgpu_device_query *q)
{
	struct drm_svmgpu_query_device_info info;
	int ret;

	ret = svmgpu_query_size(&sdev->drm, &q->size, sizeof(info));
	if (ret)
		return ret < 0 ? ret : 0;

	svmgpu_query_fill_device_info(svmgpu_hw_caps(sdev->hw), &info);
	info.vram_bo_size = svmgpu_ttm_size(sdev, TTM_PL_VRAM);
	if (copy_to_user(u64_to_user_ptr(q->data), &info, sizeof(info)))
		return -EFAULT;

	return 0;
}

typedef int (*svmgpu_query_fn)(struct svmgpu_device *sdev,
			       struct drm_svmgpu_device_query *q);

static const svmgpu_query_fn svmgpu_query_funcs[] = {
	[DRM_SVMGPU_QUERY_DEVICE_INFO] = svmgpu_query_device_info,
};

/**
 * svmgpu_query_check() - Check the generic fields of a device query.
 * @drm: The DRM device, for logging; may be NULL.
 * @q: The query, copied from user space.
 *
 * Return: 0 if @q is well formed, -EINVAL if it has a non-zero extension,
 * flag or pad, or an unknown query id.
 */
int svmgpu_query_check(struct drm_device *drm,
		       const struct drm_svmgpu_device_query *q)
{
	if (SVMGPU_IOCTL_DBG(drm, q->extensions) ||
	    SVMGPU_IOCTL_DBG(drm, q->flags) ||
	    SVMGPU_IOCTL_DBG(drm, q->pad))
		return -EINVAL;

	if (SVMGPU_IOCTL_DBG(drm, q->query >= ARRAY_SIZE(svmgpu_query_funcs)))
		return -EINVAL;

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_query_check);

/**
 * svmgpu_query_ioctl() - DRM_IOCTL_SVMGPU_DEVICE_QUERY.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_device_query, copied in and out by DRM.
 * @file: The DRM file.
 *
 * Return: 0 on success or a negative error code, as the uAPI documents.
 */
int svmgpu_query_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct drm_svmgpu_device_query *q = data;
	u32 id;
	int ret;

	ret = svmgpu_query_check(drm, q);
	if (ret)
		return ret;

	id = array_index_nospec(q->query, ARRAY_SIZE(svmgpu_query_funcs));
	return svmgpu_query_funcs[id](to_svmgpu_device(drm), q);
}
