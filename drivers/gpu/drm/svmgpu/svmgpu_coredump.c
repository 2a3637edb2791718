// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/devcoredump.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "svmgpu_coredump.h"
#include "svmgpu_device.h"
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
 * - fault_address: the GPU address that faulted, for a fault.
 *
 * The devcoredump class keeps one dump per device until it is read and
 * dismissed (or times out), and drops dumps taken meanwhile.
 *
 * Capture runs in the completion interrupt, in the fence-signalling path,
 * so it allocates without blocking and gives up rather than wait.
 */

#define SVMGPU_COREDUMP_SIZE	512

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

/**
 * svmgpu_coredump_capture() - Record a failed job.
 * @job: The job, with its hardware result filled in.
 */
void svmgpu_coredump_capture(struct svmgpu_job *job)
{
	struct svmgpu_queue *queue = job->queue;
	struct svmgpu_hw_job *hw = &job->hw;
	char *buf;
	int len;

	buf = kmalloc(SVMGPU_COREDUMP_SIZE, GFP_NOWAIT | __GFP_NOWARN);
	if (!buf)
		return;

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
			dev_name(queue->sdev->drm.dev),
			svmgpu_coredump_reason(hw->status), queue->engine,
			queue->id, job->vm->id, job->vm->pid, hw->cs_address,
			hw->cs_length, hw->cs_offset);
	if (hw->status == -EFAULT)
		len += scnprintf(buf + len, SVMGPU_COREDUMP_SIZE - len,
				 "fault_address: 0x%016llx\n",
				 hw->fault_address);

	/* Takes ownership of buf, which svmgpu_coredump_free() releases. */
	dev_coredumpm(queue->sdev->drm.dev, THIS_MODULE, buf, len,
		      GFP_NOWAIT | __GFP_NOWARN, svmgpu_coredump_read,
		      svmgpu_coredump_free);
}
