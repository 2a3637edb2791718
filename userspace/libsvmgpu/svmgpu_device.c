// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * libsvmgpu: device lifetime, discovery and queries.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "svmgpu_priv.h"

/* The driver name is part of the uAPI and never changes. */
#define SVMGPU_DRIVER_NAME "svmgpu"

/*
 * Render node minors that the fallback scan of svmgpu_device_open() tries:
 * the classic DRM range of 64 render minors.
 */
#define SVMGPU_RENDER_MINOR_FIRST 128
#define SVMGPU_RENDER_MINOR_LAST 191

/*
 * The shortest device-info answer the library accepts: it must cover every
 * field the library reads. Every kernel (uAPI >= 1.0) answers at least
 * sizeof(struct drm_svmgpu_query_device_info) bytes.
 */
#define SVMGPU_INFO_MIN_SIZE \
	(offsetof(struct drm_svmgpu_query_device_info, va_bits) + \
	 sizeof(((struct drm_svmgpu_query_device_info *)0)->va_bits))

/* Whether @fd is a DRM node whose driver is exactly "svmgpu". */
static bool fd_is_svmgpu(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool ret = v && v->name && !strcmp(v->name, SVMGPU_DRIVER_NAME);

	drmFreeVersion(v);
	return ret;
}

SVMGPU_PUBLIC int svmgpu_device_query(struct svmgpu_device *dev,
				      uint32_t query, void *data,
				      uint32_t *size)
{
	struct drm_svmgpu_device_query q = {
		.query = query,
	};
	int ret;

	if (!dev || !size || (!data && *size))
		return -EINVAL;

	q.size = *size;
	q.data = (uintptr_t)data;
	ret = svmgpu_ioctl(dev->fd, DRM_IOCTL_SVMGPU_DEVICE_QUERY, &q);
	if (ret)
		return ret;

	*size = q.size;
	return 0;
}

/* Size-probe-then-fetch DRM_SVMGPU_QUERY_DEVICE_INFO into dev->info. */
static int device_read_info(struct svmgpu_device *dev)
{
	struct drm_svmgpu_query_device_info *k;
	uint32_t size = 0;
	int ret;

	ret = svmgpu_device_query(dev, DRM_SVMGPU_QUERY_DEVICE_INFO, NULL,
				  &size);
	if (ret)
		return ret;
	if (size < SVMGPU_INFO_MIN_SIZE)
		return -EPROTO;

	/*
	 * A newer kernel may answer with more than the struct we know: fetch
	 * all of it and use the part we understand.
	 */
	k = calloc(1, size > sizeof(*k) ? size : sizeof(*k));
	if (!k)
		return -ENOMEM;

	ret = svmgpu_device_query(dev, DRM_SVMGPU_QUERY_DEVICE_INFO, k, &size);
	if (!ret && size < SVMGPU_INFO_MIN_SIZE)
		ret = -EPROTO;
	/* A different major means an ABI we do not speak. */
	if (!ret && k->uapi_major != DRM_SVMGPU_UAPI_MAJOR)
		ret = -ENOTSUP;
	if (!ret)
		dev->info = (struct svmgpu_device_info) {
			.uapi_major = k->uapi_major,
			.uapi_minor = k->uapi_minor,
			.num_engines = k->num_engines,
			.vram_size = k->vram_size,
			.page_sizes = k->page_sizes,
			.features = k->features,
			.va_bits = k->va_bits,
		};
	/*
	 * Kernels before uAPI 1.2 write zero there (it was reserved), or
	 * answer too short to reach it, and then @k's zeroed tail stays.
	 */
	if (!ret)
		dev->vram_bo_size = k->vram_bo_size;
	/* The same for compute_threads, before uAPI 1.5. */
	if (!ret)
		dev->compute_threads = k->compute_threads;

	free(k);
	return ret;
}

/* Create a device on @fd, which it takes over: @fd is closed on failure. */
static int device_create(int fd, struct svmgpu_device **out)
{
	struct svmgpu_device *dev;
	int ret;

	if (!fd_is_svmgpu(fd)) {
		ret = -ENODEV;
		goto err_close_fd;
	}

	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		ret = -ENOMEM;
		goto err_close_fd;
	}
	atomic_init(&dev->refcount, 1);
	dev->fd = fd;

	ret = device_read_info(dev);
	if (ret)
		goto err_free_dev;

	*out = dev;
	return 0;

err_free_dev:
	free(dev);
err_close_fd:
	close(fd);
	return ret;
}

SVMGPU_PUBLIC int svmgpu_device_new(int fd, struct svmgpu_device **out)
{
	int dup_fd;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (fd < 0)
		return -EINVAL;

	/* Keep clear of stdin/stdout/stderr, as Mesa's os_dupfd_cloexec(). */
	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dup_fd < 0)
		return -errno;

	return device_create(dup_fd, out);
}

/* svmgpu render nodes found by svmgpu_device_open(), kept open. */
struct node_list {
	struct node {
		unsigned int minor;
		int fd;
	} *nodes;
	size_t count;
};

/*
 * Add @path to @list if it is an svmgpu render node not yet in @list. Nodes
 * that cannot be opened or are not svmgpu are skipped. Return 0 or -ENOMEM.
 */
static int node_list_add(struct node_list *list, const char *path)
{
	struct node *nodes;
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode) || !fd_is_svmgpu(fd)) {
		close(fd);
		return 0;
	}
	for (size_t i = 0; i < list->count; i++) {
		if (list->nodes[i].minor == minor(st.st_rdev)) {
			close(fd);
			return 0;
		}
	}

	nodes = realloc(list->nodes, (list->count + 1) * sizeof(*nodes));
	if (!nodes) {
		close(fd);
		return -ENOMEM;
	}
	nodes[list->count++] = (struct node) {
		.minor = minor(st.st_rdev),
		.fd = fd,
	};
	list->nodes = nodes;
	return 0;
}

/* Add the svmgpu render nodes that drmGetDevices2() knows about. */
static int node_list_add_drm_devices(struct node_list *list)
{
	drmDevicePtr *devs;
	int i, n, ret = 0;

	n = drmGetDevices2(0, NULL, 0);
	if (n <= 0)
		return 0;	/* No devices, or no /dev/dri: nothing to add. */

	devs = calloc(n, sizeof(*devs));
	if (!devs)
		return -ENOMEM;

	n = drmGetDevices2(0, devs, n);
	for (i = 0; i < n && !ret; i++)
		if (devs[i]->available_nodes & (1 << DRM_NODE_RENDER))
			ret = node_list_add(list, devs[i]->nodes[DRM_NODE_RENDER]);

	if (n > 0)
		drmFreeDevices(devs, n);
	free(devs);
	return ret;
}

/*
 * Add the svmgpu nodes among /dev/dri/renderD128..191.
 *
 * drmGetDevices2() alone cannot be trusted with svmgpu: libdrm identifies a
 * platform device by its device-tree name, and svmgpu's platform devices
 * (like vgem's) have none. Debian 12's libdrm 2.4.114 therefore folds all
 * svmgpu GPUs into one entry, listing only the first render node; other
 * builds leave such devices out altogether. The scan finds the rest.
 */
static int node_list_add_render_nodes(struct node_list *list)
{
	char path[64];
	unsigned int m;
	int ret = 0;

	for (m = SVMGPU_RENDER_MINOR_FIRST;
	     m <= SVMGPU_RENDER_MINOR_LAST && !ret; m++) {
		snprintf(path, sizeof(path), DRM_RENDER_DEV_NAME, DRM_DIR_NAME,
			 m);
		ret = node_list_add(list, path);
	}
	return ret;
}

static int node_cmp(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	return (x->minor > y->minor) - (x->minor < y->minor);
}

SVMGPU_PUBLIC int svmgpu_device_open(unsigned int index,
				     struct svmgpu_device **out)
{
	struct node_list list = { 0 };
	size_t i;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;

	/* Both, deduplicated by minor: see node_list_add_render_nodes(). */
	ret = node_list_add_drm_devices(&list);
	if (!ret)
		ret = node_list_add_render_nodes(&list);
	if (ret)
		goto out_close;

	/* With no device, list.nodes is NULL, which qsort() must not get. */
	if (index >= list.count) {
		ret = -ENODEV;
		goto out_close;
	}

	/* Stable order whatever the enumeration order was. */
	qsort(list.nodes, list.count, sizeof(*list.nodes), node_cmp);
	/* device_create() takes over the fd, also on failure. */
	ret = device_create(list.nodes[index].fd, out);
	list.nodes[index].fd = -1;

out_close:
	for (i = 0; i < list.count; i++)
		if (list.nodes[i].fd >= 0)
			close(list.nodes[i].fd);
	free(list.nodes);
	return ret;
}

SVMGPU_PUBLIC struct svmgpu_device *
svmgpu_device_ref(struct svmgpu_device *dev)
{
	if (dev)
		svmgpu_refcount_get(&dev->refcount);
	return dev;
}

SVMGPU_PUBLIC void svmgpu_device_del(struct svmgpu_device *dev)
{
	if (!dev || !svmgpu_refcount_put(&dev->refcount))
		return;

	close(dev->fd);
	free(dev);
}

SVMGPU_PUBLIC int svmgpu_device_fd(const struct svmgpu_device *dev)
{
	return dev ? dev->fd : -EINVAL;
}

SVMGPU_PUBLIC int svmgpu_device_get_info(struct svmgpu_device *dev,
					 struct svmgpu_device_info *info)
{
	if (!dev || !info)
		return -EINVAL;

	*info = dev->info;
	return 0;
}

SVMGPU_PUBLIC uint64_t
svmgpu_device_vram_bo_size(const struct svmgpu_device *dev)
{
	return dev ? dev->vram_bo_size : 0;
}

SVMGPU_PUBLIC bool svmgpu_device_has_system_svm(struct svmgpu_device *dev)
{
	/* Kernels before uAPI 1.3 never set the bit: it was not defined. */
	return dev && (dev->info.features & DRM_SVMGPU_FEATURE_SVM);
}

SVMGPU_PUBLIC bool svmgpu_device_has_svm_migrate(struct svmgpu_device *dev)
{
	/* Kernels before uAPI 1.4 never set the bit: it was not defined. */
	return dev && (dev->info.features & DRM_SVMGPU_FEATURE_SVM_MIGRATE);
}

SVMGPU_PUBLIC bool svmgpu_device_has_compute(struct svmgpu_device *dev)
{
	/* Kernels before uAPI 1.5 never set the bit: it was not defined. */
	return dev && (dev->info.features & DRM_SVMGPU_FEATURE_COMPUTE);
}

SVMGPU_PUBLIC uint32_t
svmgpu_device_compute_threads(const struct svmgpu_device *dev)
{
	return dev ? dev->compute_threads : 0;
}
