// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/devcoredump.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <drm/drm_managed.h>

#include "svmgpu_coredump.h"
#include "svmgpu_device.h"
#include "svmgpu_job.h"
#include "svmgpu_queue.h"
#include "svmgpu_sched.h"
#include "svmgpu_vm.h"

/**
 * DOC: devcoredump
 *
 * When a job fails, the driver leaves a devcoredump: a text file under
 * /sys/class/devcoredump/devcd<N>/data, one "key: value" a line:
 *
 * - reason: timeout, fault or malformed;
 * - engine, queue, vm: which ones, by index and id;
 * - pid: the thread-group id of the VM's creator;
 * - cs_address, cs_length: the job's command buffer;
 * - cs_offset: offset of the command that was executing;
 * - fault_address, fault_access: the GPU address that faulted and how
 *   (read, write or atomic), for a fault; in a fault-mode VM, a fault the
 *   driver could not resolve (DOC: shared virtual memory).
 *
 * The devcoredump class keeps one dump per device until it is read and
 * dismissed (or times out), and drops dumps taken meanwhile.
 *
 * Capture has two steps. The completion interrupt runs in the
 * fence-signalling path, where nothing may allocate, so it only copies the
 * failed job's state into the queue's preallocated &struct svmgpu_coredump
 * and queues its work on the device's dump workqueue, with a reference on
 * the queue. The worker formats the text and hands it to the devcoredump
 * class with GFP_KERNEL. A queue has one dump in flight at most: a failure
 * while one is pending is not recorded (the queue is banned by then).
 * The workqueue is drained when the device goes, after the schedulers.
 */

#define SVMGPU_COREDUMP_SIZE	512

static const char *svmgpu_coredump_access(u8 access)
{
	switch (access) {
	case SVMGPU_HW_ACCESS_WRITE:
		return "write";
	case SVMGPU_HW_ACCESS_ATOMIC:
		return "atomic";
	default:
		return "read";
	}
}

static const char *svmgpu_coredump_reason(int status)
{
	switch (status) {
	case -ETIME:
		return "timeout";
	case -EFAULT:
		return "fault";
	default:
		return "malformed";
	}
}

static ssize_t svmgpu_coredump_read(char *buffer, loff_t offset,
				    size_t count, void *data, size_t datalen)
{
	return memory_read_from_buffer(buffer, count, &offset, data, datalen);
}

static void svmgpu_coredump_free(void *data)
{
	kfree(data);
}

static void svmgpu_coredump_work(struct work_struct *work)
{
	struct svmgpu_coredump *dump =
		container_of(work, struct svmgpu_coredump, work);
	struct svmgpu_queue *queue =
		container_of(dump, struct svmgpu_queue, coredump);
	struct device *dev = queue->sdev->drm.dev;
	char *buf;
	int len;

	buf = kmalloc(SVMGPU_COREDUMP_SIZE, GFP_KERNEL);
	if (!buf)
		goto out;

	len = scnprintf(buf, SVMGPU_COREDUMP_SIZE,
			"svmgpu devcoredump\n"
			"device: %s\n"
			"reason: %s\n"
			"engine: %u\n"
			"queue: %u\n"
			"vm: %u\n"
			"pid: %d\n"
			"cs_address: 0x%016llx\n"
			"cs_length: %u\n"
			"cs_offset: 0x%x\n",
			dev_name(dev), svmgpu_coredump_reason(dump->status),
			queue->engine, queue->id, dump->vm_id, dump->pid,
			dump->cs_address, dump->cs_length, dump->cs_offset);
	if (dump->status == -EFAULT)
		len += scnprintf(buf + len, SVMGPU_COREDUMP_SIZE - len,
				 "fault_address: 0x%016llx\n"
				 "fault_access: %s\n"
				 "fault_mode: %u\n",
				 dump->fault_address,
				 svmgpu_coredump_access(dump->fault_access),
				 dump->fault_mode);

	/* Takes ownership of buf, which svmgpu_coredump_free() releases. */
	dev_coredumpm(dev, THIS_MODULE, buf, len, GFP_KERNEL,
		      svmgpu_coredump_read, svmgpu_coredump_free);
out:
	clear_bit(0, &dump->busy);
	svmgpu_queue_put(queue);
}

/**
 * svmgpu_coredump_init() - Prepare a queue's dump.
 * @dump: The queue's &struct svmgpu_coredump.
 */
void svmgpu_coredump_init(struct svmgpu_coredump *dump)
{
	INIT_WORK(&dump->work, svmgpu_coredump_work);
}

/**
 * svmgpu_coredump_capture() - Record a failed job.
 * @job: The job, with its hardware result filled in.
 *
 * Called in the fence-signalling path, before the job's fence signals:
 * copies the job's state and leaves the rest to a worker. Allocates
 * nothing.
 */
void svmgpu_coredump_capture(struct svmgpu_job *job)
{
	struct svmgpu_queue *queue = job->queue;
	struct svmgpu_coredump *dump = &queue->coredump;
	struct svmgpu_hw_job *hw = &job->hw;

	if (test_and_set_bit(0, &dump->busy))
		return;

	dump->status = hw->status;
	dump->vm_id = job->vm->id;
	dump->pid = job->vm->pid;
	dump->cs_address = hw->cs_address;
	dump->cs_length = hw->cs_length;
	dump->cs_offset = hw->cs_offset;
	dump->fault_address = hw->fault_address;
	dump->fault_access = hw->fault_access;
	dump->fault_mode = hw->fault_mode;

	svmgpu_queue_get(queue);
	queue_work(queue->sdev->dump_wq, &dump->work);
}

static void svmgpu_coredump_wq_fini(struct drm_device *drm, void *arg)
{
	destroy_workqueue(arg);
}

/**
 * svmgpu_coredump_wq_init() - Create the device's dump workqueue.
 * @sdev: The device.
 *
 * Destroyed, after it is drained, by a drmm action: create it before the
 * schedulers, so that it outlives every job.
 *
 * Return: 0 or -ENOMEM.
 */
int svmgpu_coredump_wq_init(struct svmgpu_device *sdev)
{
	sdev->dump_wq = alloc_ordered_workqueue("svmgpu-dump", 0);
	if (!sdev->dump_wq)
		return -ENOMEM;
	return drmm_add_action_or_reset(&sdev->drm, svmgpu_coredump_wq_fini,
					sdev->dump_wq);
}
