/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_FAULT_H__
#define __SVMGPU_FAULT_H__

#include <linux/workqueue_types.h>

struct svmgpu_device;

/**
 * struct svmgpu_fault_handler - Where a device's GPU faults are serviced.
 */
struct svmgpu_fault_handler {
	/** @wq: Runs @work. */
	struct workqueue_struct *wq;

	/** @work: Drains the hardware's fault queue. */
	struct work_struct work;
};

int svmgpu_fault_init(struct svmgpu_device *sdev);

#endif /* __SVMGPU_FAULT_H__ */
