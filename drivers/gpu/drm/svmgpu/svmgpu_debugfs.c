// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>
#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_resource.h>

#include "svmgpu_debugfs.h"
#include "svmgpu_device.h"
#include "svmgpu_stats.h"
#include "svmgpu_ttm.h"
#include "svmgpu_vm.h"

/**
 * DOC: debugfs
 *
 * /sys/kernel/debug/dri/<N>/vm_pagetables lists, for every VM, a line
 * "vm <id> pid <tgid>" and then one line per valid leaf of its page
 * tables: "0x<va> <4K|64K|2M> <rw|ro> <vram|sys> 0x<address>". A 64 KiB
 * leaf is listed once.
 *
 * bo_stats prints the device's event counters as "name: value" lines
 * (DOC: stats).
 *
 * vram prints "bo_size: ", "used: " and "pinned: " lines, in bytes, for
 * the part of VRAM that TTM manages, followed by its range manager's dump.
 */

static int svmgpu_debugfs_vm_pagetables(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct drm_printer p = drm_seq_file_printer(m);

	svmgpu_vm_dump(to_svmgpu_device(node->minor->dev), &p);
	return 0;
}

static int svmgpu_debugfs_bo_stats(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct drm_printer p = drm_seq_file_printer(m);

	svmgpu_stats_print(&to_svmgpu_device(node->minor->dev)->stats, &p);
	return 0;
}

static int svmgpu_debugfs_vram(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct svmgpu_device *sdev = to_svmgpu_device(node->minor->dev);
	struct ttm_resource_manager *man =
		ttm_manager_type(&sdev->ttm, TTM_PL_VRAM);
	struct drm_printer p = drm_seq_file_printer(m);

	drm_printf(&p, "bo_size: %llu\n", svmgpu_ttm_size(sdev, TTM_PL_VRAM));
	drm_printf(&p, "used: %llu\n", ttm_resource_manager_usage(man));
	drm_printf(&p, "pinned: %lld\n", atomic64_read(&sdev->pinned_bytes));
	ttm_resource_manager_debug(man, &p);
	return 0;
}

static const struct drm_info_list svmgpu_debugfs_list[] = {
	{ "vm_pagetables", svmgpu_debugfs_vm_pagetables, 0 },
	{ "bo_stats", svmgpu_debugfs_bo_stats, 0 },
	{ "vram", svmgpu_debugfs_vram, 0 },
};

/**
 * svmgpu_debugfs_init() - Create the driver's debugfs files.
 * @minor: The DRM minor whose directory gets them.
 */
void svmgpu_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(svmgpu_debugfs_list,
				 ARRAY_SIZE(svmgpu_debugfs_list),
				 minor->debugfs_root, minor);
}
