// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "svmgpu_debugfs.h"
#include "svmgpu_device.h"
#include "svmgpu_vm.h"

/**
 * DOC: debugfs
 *
 * /sys/kernel/debug/dri/<N>/vm_pagetables lists, for every VM, a line
 * "vm <id> pid <tgid>" and then one line per valid leaf of its page
 * tables: "0x<va> <4K|64K|2M> <rw|ro> <vram|sys> 0x<address>". A 64 KiB
 * leaf is listed once.
 */

static int svmgpu_debugfs_vm_pagetables(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct drm_printer p = drm_seq_file_printer(m);

	svmgpu_vm_dump(to_svmgpu_device(node->minor->dev), &p);
	return 0;
}

static const struct drm_info_list svmgpu_debugfs_list[] = {
	{ "vm_pagetables", svmgpu_debugfs_vm_pagetables, 0 },
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
