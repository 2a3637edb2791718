/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_COREDUMP_H__
#define __SVMGPU_COREDUMP_H__

#include <linux/types.h>
#include <linux/workqueue.h>

struct svmgpu_device;
struct svmgpu_job;

/**
 * struct svmgpu_coredump - A queue's devcoredump, captured in two steps.
 *
 * Embedded in its queue, so that the fence-signalling path, which cannot
 * allocate, only copies the failed job's state here and queues @work; the
 * worker formats and hands the text to the devcoredump class.
 */
struct svmgpu_coredump {
	/** @work: Formats and publishes the dump; holds a queue reference. */
	struct work_struct work;

	/** @busy: Bit 0 is set from capture until the worker is done. */
	unsigned long busy;

	/** @status: The job's error. */
	int status;

	/** @vm_id: Id of the job's VM. */
	u32 vm_id;

	/** @pid: Thread-group id of the VM's creator. */
	pid_t pid;

	/** @cs_length: Length of the command buffer. */
	u32 cs_length;

	/** @cs_offset: Offset of the command that was executing. */
	u32 cs_offset;

	/** @cs_address: GPU address of the command buffer. */
	u64 cs_address;

	/** @fault_address: GPU address that faulted, for -EFAULT. */
	u64 fault_address;

	/** @fault_access: &enum svmgpu_hw_access that faulted, for -EFAULT. */
	u8 fault_access;

	/** @fault_mode: The VM is in fault mode. */
	bool fault_mode;
};

void svmgpu_coredump_init(struct svmgpu_coredump *dump);
void svmgpu_coredump_capture(struct svmgpu_job *job);
int svmgpu_coredump_wq_init(struct svmgpu_device *sdev);

#endif /* __SVMGPU_COREDUMP_H__ */
