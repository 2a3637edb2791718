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
#include "svmgpu_pt_pool.h"
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
 * vram prints lines "bo_size: " (the largest BO VRAM can hold), "used: "
 * (VRAM that BOs use), "pinned: " (pinned BOs), "svm: " (VRAM holding
 * migrated SVM memory, part of "used"), "pagetables: " (VRAM the
 * page-table pool holds, used or not) and "pagetables_used: ", in bytes,
 * followed by TTM's range-manager dump, which covers BOs and page tables.
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

	u64 pt_bytes = (u64)svmgpu_pt_pool_pages(&sdev->pt_pool) * SZ_4K;

	drm_printf(&p, "bo_size: %llu\n", svmgpu_ttm_size(sdev, TTM_PL_VRAM));
	/* The pool's chunks are TTM BOs too; it counts them apart. */
	drm_printf(&p, "used: %llu\n",
		   max(ttm_resource_manager_usage(man), pt_bytes) - pt_bytes);
	drm_printf(&p, "pinned: %lld\n", atomic64_read(&sdev->pinned_bytes));
	drm_printf(&p, "svm: %lld\n",
		   atomic64_read(&sdev->pagemap.vram_bytes));
	drm_printf(&p, "pagetables: %llu\n", pt_bytes);
	drm_printf(&p, "pagetables_used: %llu\n",
		   (u64)svmgpu_pt_pool_used(&sdev->pt_pool) * SZ_4K);
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
