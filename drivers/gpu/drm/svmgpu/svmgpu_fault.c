// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/workqueue.h>

#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "hw/svmgpu_hw.h"
#include "svmgpu_device.h"
#include "svmgpu_fault.h"
#include "svmgpu_stats.h"
#include "svmgpu_vm.h"

/**
 * DOC: GPU fault handling
 *
 * An engine that faults in a fault-mode VM posts a record to the
 * hardware's fault queue, raises the fault interrupt and stalls (DOC: GPU
 * page faults in hw/). The interrupt only queues the device's fault work:
 * servicing a fault needs mmap_lock and memory, which an engine thread
 * must not wait for. The work drains the whole queue, then services the
 * faults one by one: it finds the VM by address-space id
 * (svmgpu_vm_lookup_asid()), resolves the fault (svmgpu_vm_fault()) and
 * answers the record, replay or fail. Faults of one batch on the same
 * range are serviced once: the first maps the range, and the others find
 * it valid and are replayed at once (counted as such in bo_stats).
 *
 * The work is the only place faults are serviced, and it never waits for
 * a GPU job: VM_BIND does not wait for a fault-mode VM's jobs while it
 * holds the VM's lock (svmgpu_vm.c), and nothing else the work takes is
 * held across such a wait. So a stalled job always gets its answer. An
 * unrecoverable fault fails the job, which bans its queue and leaves a
 * devcoredump; other queues carry on.
 */

static void svmgpu_fault_irq(void *data)
{
	struct svmgpu_device *sdev = data;

	queue_work(sdev->faults.wq, &sdev->faults.work);
}

static void svmgpu_fault_work(struct work_struct *work)
{
	struct svmgpu_device *sdev =
		container_of(work, struct svmgpu_device, faults.work);
	struct svmgpu_hw_fault batch[SVMGPU_HW_ENGINES_MAX + 1];
	unsigned int n = 0, i;

	/* One record per stalled engine: this takes them all. */
	while (n < ARRAY_SIZE(batch) && svmgpu_hw_fault_pop(sdev->hw, &batch[n]))
		n++;

	for (i = 0; i < n; i++) {
		struct svmgpu_hw_fault *f = &batch[i];
		struct svmgpu_vm *vm;
		int ret = -EFAULT;

		vm = svmgpu_vm_lookup_asid(sdev, f->asid);
		if (vm)
			ret = svmgpu_vm_fault(vm, f->address, f->access);
		if (ret) {
			svmgpu_stats_add(&sdev->stats,
					 SVMGPU_STAT_SVM_FAULTS_FAILED, 1);
			drm_dbg_driver(&sdev->drm,
				       "unrecoverable GPU fault: asid %u addr 0x%llx access %u engine %u: %d\n",
				       f->asid, f->address, f->access,
				       f->engine, ret);
		}
		svmgpu_hw_fault_reply(sdev->hw, f, !ret);
		if (vm)
			drm_gpuvm_put(&vm->gpuvm);
	}
}

static void svmgpu_fault_fini(struct drm_device *drm, void *arg)
{
	struct svmgpu_device *sdev = arg;

	/* No interrupt after this returns; then no work. */
	svmgpu_hw_fault_irq_register(sdev->hw, NULL, NULL);
	destroy_workqueue(sdev->faults.wq);
}

/**
 * svmgpu_fault_init() - Start servicing a device's GPU faults.
 * @sdev: The device, whose hardware exists.
 *
 * Return: 0 or a negative error code.
 */
int svmgpu_fault_init(struct svmgpu_device *sdev)
{
	/* Not WQ_MEM_RECLAIM: servicing allocates, and no fence waits for it. */
	sdev->faults.wq = alloc_ordered_workqueue("%s-fault", WQ_HIGHPRI,
						  dev_name(sdev->drm.dev));
	if (!sdev->faults.wq)
		return -ENOMEM;
	INIT_WORK(&sdev->faults.work, svmgpu_fault_work);
	svmgpu_hw_fault_irq_register(sdev->hw, svmgpu_fault_irq, sdev);
	return drmm_add_action_or_reset(&sdev->drm, svmgpu_fault_fini, sdev);
}
