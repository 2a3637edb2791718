/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_DRV_H__
#define __SVMGPU_DRV_H__

#include <drm/drm_device.h>
#include <drm/drm_print.h>

#define DRIVER_NAME		"svmgpu"
#define DRIVER_DESC		"Emulated GPU with shared virtual memory"
#define DRIVER_DATE		"20261122"
#define DRIVER_MAJOR		1
#define DRIVER_MINOR		0

/**
 * SVMGPU_IOCTL_DBG() - Check an ioctl argument, logging the failing condition.
 * @drm: The DRM device, or NULL.
 * @cond: The condition that makes the argument invalid.
 *
 * Evaluates to @cond. When @cond is true, it logs the condition's text and
 * location at drm.debug's driver level, so that a user space developer who
 * gets -EINVAL can see which check failed with drm.debug=0x2.
 */
#define SVMGPU_IOCTL_DBG(drm, cond) ({					\
	bool __failed = !!(cond);					\
	if (unlikely(__failed))						\
		drm_dbg(drm, "ioctl check failed at %s:%d: %s\n",	\
			__FILE__, __LINE__, #cond);			\
	__failed;							\
})

unsigned int svmgpu_param_fault_prefault(void);
unsigned int svmgpu_param_migrate_hold_ms(void);
u64 svmgpu_param_compute_budget(void);

#endif /* __SVMGPU_DRV_H__ */
