// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/svmgpu_drm.h>

#include "svmgpu_bo.h"
#include "svmgpu_debugfs.h"
#include "svmgpu_device.h"
#include "svmgpu_drv.h"
#include "svmgpu_fdinfo.h"
#include "svmgpu_file.h"
#include "svmgpu_job.h"
#include "svmgpu_query.h"
#include "svmgpu_queue.h"
#include "svmgpu_ufence.h"
#include "svmgpu_svm_attr.h"
#include "svmgpu_vm.h"

/**
 * DOC: overview
 *
 * svmgpu is a DRM driver for a GPU that is emulated inside the module, so
 * that memory-management code (TTM, HMM, device-private migration) can be
 * exercised on any machine. The driver is split one concept per file:
 *
 * - svmgpu_drv.c: module parameters, the &struct drm_driver, the ioctl
 *   table, DRM files and the platform driver (this file);
 * - svmgpu_device.c: lifetime of one &struct svmgpu_device;
 * - svmgpu_query.c: DRM_IOCTL_SVMGPU_DEVICE_QUERY;
 * - svmgpu_bo.c, svmgpu_ttm.c: buffer objects and their memory;
 * - svmgpu_vm.c, svmgpu_pt.c: VMs, VM_BIND and GPU page tables;
 * - svmgpu_queue.c, svmgpu_job.c, svmgpu_sched.c: queues, EXEC and the
 *   engines' schedulers; svmgpu_sync.c: syncobjs;
 * - svmgpu_coredump.c, svmgpu_debugfs.c: what a failure or a developer
 *   can look at;
 * - hw/: the emulated hardware, behind a narrow interface.
 *
 * The uAPI is documented in include/uapi/drm/svmgpu_drm.h.
 */

/**
 * DOC: locking
 *
 * Module parameters are read-only once the module is loaded (0444), but
 * for fault_prefault, migrate_hold_ms and compute_budget, single words
 * read with READ_ONCE() by each use (a job reads compute_budget once, when
 * it is submitted).
 * svmgpu_pdevs[] is written only by module init and exit, which the
 * module loader serialises.
 *
 * Locks, outermost first; a lock may only be taken with locks above it
 * held:
 *
 * 0. &svmgpu_device.evict_sem: read by EXEC around locking and validating
 *    its BOs, written by an EXEC, GEM_CREATE, GEM_MIGRATE, VM_CREATE or
 *    VM_BIND that retries after running out of VRAM (DOC: EXEC), read by
 *    the fault worker to bring a moved BO back. Never taken with
 *    &svmgpu_vm.lock or a reservation held.
 * 1. &svmgpu_vm.lock: serialises VM_BIND, GPU fault servicing and VM
 *    teardown on one VM and protects its gpuva tree and SVM ranges.
 *    Nothing waits for a fault-mode VM's jobs under it (DOC: GPU fault
 *    handling).
 * 1a. mmap_lock of a fault-mode VM's mm, taken for reading by the fault
 *    worker around hmm_range_fault(); the CPU faults it runs may take BO
 *    reservations. A migration to VRAM takes, under it, the reservation
 *    of its new VRAM chunk (2), then page locks, then &svmgpu_mover.lock
 *    (3) for the copy; migrate_to_ram() is called with mmap_lock held and
 *    a reference on the faulting page, and takes page locks and the mover
 *    lock.
 *    Evicting a chunk holds its reservation and takes page locks only by
 *    trylock (DOC: device-private memory).
 * 2. BO reservations (dma_resv), taken together through drm_exec with a
 *    ww ticket: a BO's placement, its GEM gpuva list (drm_gpuvm's
 *    default), and TTM moves. A BO move holds its reservation. TTM's
 *    eviction takes other BOs' reservations inside the first one's, with
 *    the same ticket or by trylock. GEM_INFO, fdinfo and vm_access take
 *    one reservation alone, without a ticket.
 *    &svmgpu_queue.submit_lock nests inside them: EXEC arms and pushes
 *    its job under it, and queue destruction marks the queue killed
 *    under it (DOC: EXEC); nothing allocates or waits under it.
 * 3. &svmgpu_mover.lock: the kernel queue's windows, page tables and job
 *    order, taken by moves and clears inside the moved BO's reservation
 *    (svmgpu_move.c). Released before pt_lock is taken.
 * 4. &svmgpu_vm.pt_lock: the VM's page tables. Taken by VM_BIND and by
 *    BO moves (svmgpu_vm_bo_moved()), so it nests inside reservations.
 *    Held across the TLB invalidation after which unlinked tables are
 *    freed. Nothing allocates under it: reserving tables for a new
 *    mapping allocates them before it takes the lock, and moves only
 *    rewrite reserved tables (DOC: page tables). Lockdep is told that
 *    reclaim may take it, so it reports any allocation under it. It is
 *    also the mmu notifier lock of fault-mode VMs (DOC: shared virtual
 *    memory), which reclaim does reach.
 * 5. &svmgpu_device.vms_lock: the device's list of VMs, for debugfs; it
 *    nests pt_lock inside it only in the dump, which takes no other lock.
 *
 * &svmgpu_pt_pool.grow_lock serialises growing and shrinking the
 * page-table pool, which creates and frees TTM BOs, so it is outside
 * every reservation, and only ever taken with &svmgpu_vm.lock held or
 * none.
 *
 * Spinlocks and leaf locks: &svmgpu_pt_pool.lock (page-table pool
 * chunks), &svmgpu_pagemap.lock (the VRAM chunks of migrated memory), the
 * maple tree lock of &svmgpu_svm.attrs, the xarray locks of &svmgpu_file (id tables; lookups take a
 * reference under them) and of &svmgpu_device.fault_vms, the user-fence
 * wait queue's lock, the DRM file's table_lock (fdinfo only takes
 * GEM references under it), TTM's lru_lock, the schedulers' fence locks,
 * and hw/'s engine locks. None is held across a sleep. Statistics are
 * atomics and take no lock.
 *
 * Nothing in the fence-signalling path (run_job(), the completion
 * interrupt, timeout handling, and EXEC from arming to pushing) takes a
 * reservation or pt_lock, or allocates with GFP_KERNEL; TLB invalidation
 * waits only for hw/. The completion interrupt and the arm-to-push
 * sections are annotated with dma_fence_begin_signalling(), so lockdep
 * reports any violation.
 */

#define SVMGPU_MAX_DEVICES	16

static unsigned int num_devices = 1;
module_param(num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices,
		 "Number of emulated GPUs (1-" __stringify(SVMGPU_MAX_DEVICES) ", default 1)");

static unsigned int num_engines = 2;
module_param(num_engines, uint, 0444);
MODULE_PARM_DESC(num_engines,
		 "General-purpose engines per GPU (1-"
		 __stringify(SVMGPU_HW_ENGINES_MAX)
		 ", default 2), plus the kernel's copy engine");

static unsigned int job_timeout_ms = 5000;
module_param(job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms,
		 "Time a job may run before it is a hang and its engine is reset (100-600000, default 5000)");

static u64 vram_size = SZ_256M;

static int svmgpu_param_set_size(const char *val,
				 const struct kernel_param *kp)
{
	char *end;
	u64 size;

	size = memparse(val, &end);
	if (end == val || (*end && *end != '\n'))
		return -EINVAL;

	*(u64 *)kp->arg = size;
	return 0;
}

static int svmgpu_param_get_size(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%llu\n", *(u64 *)kp->arg);
}

static const struct kernel_param_ops svmgpu_param_size_ops = {
	.set = svmgpu_param_set_size,
	.get = svmgpu_param_get_size,
};

module_param_cb(vram_size, &svmgpu_param_size_ops, &vram_size, 0444);
MODULE_PARM_DESC(vram_size,
		 "VRAM per GPU in bytes; K, M and G suffixes accepted (16M-64G, multiple of 2M, default 256M)");

/* Pages a CPU fault on a BO maps at once; read by every fault. */
static unsigned int fault_prefault = 16;

/**
 * svmgpu_param_fault_prefault() - The fault_prefault module parameter.
 *
 * Writable at run time, so read it once per use.
 *
 * Return: How many pages a CPU fault on a BO maps, 1 to 512.
 */
unsigned int svmgpu_param_fault_prefault(void)
{
	return READ_ONCE(fault_prefault);
}

static int svmgpu_param_set_prefault(const char *val,
				     const struct kernel_param *kp)
{
	unsigned int n;
	int ret;

	ret = kstrtouint(val, 0, &n);
	if (ret)
		return ret;
	if (n < 1 || n > 512)
		return -EINVAL;

	WRITE_ONCE(*(unsigned int *)kp->arg, n);
	return 0;
}

static const struct kernel_param_ops svmgpu_param_prefault_ops = {
	.set = svmgpu_param_set_prefault,
	.get = param_get_uint,
};

module_param_cb(fault_prefault, &svmgpu_param_prefault_ops,
		&fault_prefault, 0644);
MODULE_PARM_DESC(fault_prefault,
		 "Pages a CPU fault on a buffer object maps at once (1-512, default 16; writable at run time)");

/* How long a range the CPU took back stays in system memory. */
static unsigned int migrate_hold_ms = 10;

/**
 * svmgpu_param_migrate_hold_ms() - The migrate_hold_ms module parameter.
 *
 * Writable at run time, so read it once per use.
 *
 * Return: How long, in ms, GPU faults leave in system memory a range that
 * a CPU access moved there (DOC: SVM migration).
 */
unsigned int svmgpu_param_migrate_hold_ms(void)
{
	return min(READ_ONCE(migrate_hold_ms), 60000u);
}

module_param(migrate_hold_ms, uint, 0644);
MODULE_PARM_DESC(migrate_hold_ms,
		 "How long GPU faults leave in system memory a range the CPU moved back, in ms (default 10, at most 60000; writable at run time)");

static unsigned int compute_threads;
module_param(compute_threads, uint, 0444);
MODULE_PARM_DESC(compute_threads,
		 "Compute threads per engine, which run DISPATCH's work items (1-"
		 __stringify(SVMGPU_HW_COMPUTE_THREADS_MAX)
		 "; default 0: one per online CPU, at most "
		 __stringify(SVMGPU_HW_COMPUTE_THREADS_MAX) ")");

/* Instructions a work item may run; 0 for no limit. */
static u64 compute_budget = 1ull << 28;

/**
 * svmgpu_param_compute_budget() - The compute_budget module parameter.
 *
 * Writable at run time, so read it once per use: each job reads it when
 * it is submitted.
 *
 * Return: How many instructions each work item of a DISPATCH may run, or
 * 0 for no limit.
 */
u64 svmgpu_param_compute_budget(void)
{
	return READ_ONCE(compute_budget);
}

module_param(compute_budget, ullong, 0644);
MODULE_PARM_DESC(compute_budget,
		 "Instructions each work item of a DISPATCH may run before its job fails with -ETIME (0: no limit, the job timeout only; default 268435456; writable at run time)");

static struct platform_device *svmgpu_pdevs[SVMGPU_MAX_DEVICES];

static const struct drm_ioctl_desc svmgpu_ioctls[] = {
	DRM_IOCTL_DEF_DRV(SVMGPU_DEVICE_QUERY, svmgpu_query_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_GEM_CREATE, svmgpu_gem_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_GEM_MMAP_OFFSET, svmgpu_gem_mmap_offset_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_VM_CREATE, svmgpu_vm_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_VM_DESTROY, svmgpu_vm_destroy_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_VM_BIND, svmgpu_vm_bind_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_QUEUE_CREATE, svmgpu_queue_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_QUEUE_DESTROY, svmgpu_queue_destroy_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_EXEC, svmgpu_exec_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_GEM_MIGRATE, svmgpu_gem_migrate_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_WAIT_USER_FENCE, svmgpu_wait_user_fence_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_QUEUE_STATUS, svmgpu_queue_status_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_VM_MADVISE, svmgpu_vm_madvise_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_VM_QUERY_ATTRS, svmgpu_vm_query_attrs_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SVMGPU_GEM_INFO, svmgpu_gem_info_ioctl,
			  DRM_RENDER_ALLOW),
};

static int svmgpu_open(struct drm_device *drm, struct drm_file *file)
{
	struct svmgpu_file *sfile;

	sfile = kzalloc(sizeof(*sfile), GFP_KERNEL);
	if (!sfile)
		return -ENOMEM;

	sfile->stats =
		svmgpu_file_stats_create(to_svmgpu_device(drm)->pt_file_max);
	if (!sfile->stats) {
		kfree(sfile);
		return -ENOMEM;
	}

	sfile->sdev = to_svmgpu_device(drm);
	xa_init_flags(&sfile->vms, XA_FLAGS_ALLOC1);
	xa_init_flags(&sfile->queues, XA_FLAGS_ALLOC1);
	file->driver_priv = sfile;
	return 0;
}

static void svmgpu_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct svmgpu_file *sfile = to_svmgpu_file(file);

	/* Queues first: they hold user references on VMs. */
	svmgpu_queue_file_close(sfile);
	svmgpu_vm_file_close(sfile);
	svmgpu_file_stats_put(sfile->stats);
	kfree(sfile);
}

static const struct file_operations svmgpu_fops = {
	.owner = THIS_MODULE,
	DRM_GEM_FOPS,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver svmgpu_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER | DRIVER_SYNCOBJ |
			   DRIVER_SYNCOBJ_TIMELINE,
	.open = svmgpu_open,
	.postclose = svmgpu_postclose,
	.debugfs_init = svmgpu_debugfs_init,
	.show_fdinfo = svmgpu_show_fdinfo,
	.ioctls = svmgpu_ioctls,
	.num_ioctls = ARRAY_SIZE(svmgpu_ioctls),
	.fops = &svmgpu_fops,
	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
	.date = DRIVER_DATE,
	.major = DRIVER_MAJOR,
	.minor = DRIVER_MINOR,
};

static struct svmgpu_device_config svmgpu_config_from_params(void)
{
	return (struct svmgpu_device_config) {
		.hw = {
			.vram_size = vram_size,
			.num_engines = num_engines,
			.compute_threads = compute_threads ?:
				min(num_online_cpus(),
				    SVMGPU_HW_COMPUTE_THREADS_MAX),
		},
		.job_timeout_ms = job_timeout_ms,
	};
}

static int svmgpu_probe(struct platform_device *pdev)
{
	struct svmgpu_device_config cfg = svmgpu_config_from_params();
	struct svmgpu_device *sdev;
	int ret;

	sdev = svmgpu_device_create(pdev, &svmgpu_drm_driver, &cfg);
	if (IS_ERR(sdev))
		return PTR_ERR(sdev);

	ret = drm_dev_register(&sdev->drm, 0);
	if (ret)
		return ret;

	platform_set_drvdata(pdev, sdev);
	drm_info(&sdev->drm, "%llu MiB VRAM, %u engines, %u compute threads each\n",
		 cfg.hw.vram_size >> 20, cfg.hw.num_engines,
		 cfg.hw.compute_threads);
	return 0;
}

static void svmgpu_remove(struct platform_device *pdev)
{
	struct svmgpu_device *sdev = platform_get_drvdata(pdev);

	drm_dev_unplug(&sdev->drm);
}

static struct platform_driver svmgpu_platform_driver = {
	.probe = svmgpu_probe,
	.remove = svmgpu_remove,
	.driver = {
		.name = DRIVER_NAME,
	},
};

static void svmgpu_unregister_devices(unsigned int count)
{
	while (count--) {
		platform_device_unregister(svmgpu_pdevs[count]);
		svmgpu_pdevs[count] = NULL;
	}
}

static int svmgpu_register_device(unsigned int index)
{
	struct platform_device_info info = {
		.name = DRIVER_NAME,
		.id = index,
		.dma_mask = DMA_BIT_MASK(64),
	};
	struct platform_device *pdev;

	pdev = platform_device_register_full(&info);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	svmgpu_pdevs[index] = pdev;

	/* Probing is synchronous: a device that is not bound failed probe. */
	if (!device_is_bound(&pdev->dev))
		return -ENODEV;

	return 0;
}

static int __init svmgpu_init(void)
{
	struct svmgpu_device_config cfg = svmgpu_config_from_params();
	unsigned int i;
	int ret;

	if (num_devices < 1 || num_devices > SVMGPU_MAX_DEVICES) {
		pr_err("svmgpu: num_devices=%u is outside 1-%u\n",
		       num_devices, SVMGPU_MAX_DEVICES);
		return -EINVAL;
	}

	if (job_timeout_ms < 100 || job_timeout_ms > 600000) {
		pr_err("svmgpu: job_timeout_ms=%u is outside 100-600000\n",
		       job_timeout_ms);
		return -EINVAL;
	}

	if (svmgpu_hw_config_check(&cfg.hw)) {
		pr_err("svmgpu: invalid vram_size=%llu, num_engines=%u or compute_threads=%u\n",
		       vram_size, num_engines, compute_threads);
		return -EINVAL;
	}

	ret = platform_driver_register(&svmgpu_platform_driver);
	if (ret)
		return ret;

	for (i = 0; i < num_devices; i++) {
		ret = svmgpu_register_device(i);
		if (ret)
			goto err_unregister_devices;
	}

	return 0;

err_unregister_devices:
	/* svmgpu_pdevs[i] is set if its registration got that far. */
	svmgpu_unregister_devices(svmgpu_pdevs[i] ? i + 1 : i);
	platform_driver_unregister(&svmgpu_platform_driver);
	return ret;
}

static void __exit svmgpu_exit(void)
{
	svmgpu_unregister_devices(num_devices);
	platform_driver_unregister(&svmgpu_platform_driver);
}

module_init(svmgpu_init);
module_exit(svmgpu_exit);

MODULE_AUTHOR("The svmgpu authors");
MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");
