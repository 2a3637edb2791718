/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_SVM_ATTR_H__
#define __SVMGPU_SVM_ATTR_H__

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/types.h>

#include <drm/svmgpu_drm.h>

struct drm_device;
struct drm_file;
struct svmgpu_vm;

/*
 * Attributes of a part of a fault-mode VM, packed in an unsigned long; 0
 * is the default. The preferred location is a DRM_SVMGPU_LOC_*, the
 * atomic mode a DRM_SVMGPU_ATOMIC_MODE_*.
 */
#define SVMGPU_SVM_ATTR_LOC		GENMASK(1, 0)
#define SVMGPU_SVM_ATTR_OTHER		BIT(2)	/* preferred: another device */
#define SVMGPU_SVM_ATTR_NO_MIGRATE	BIT(3)
#define SVMGPU_SVM_ATTR_READONLY	BIT(4)
#define SVMGPU_SVM_ATTR_ATOMIC		GENMASK(6, 5)

/* What changes in them takes GPU rights away: mappings must go. */
#define SVMGPU_SVM_ATTR_RIGHTS	(SVMGPU_SVM_ATTR_READONLY | \
				 SVMGPU_SVM_ATTR_ATOMIC)

static inline u32 svmgpu_svm_attr_atomic(unsigned long attr)
{
	return FIELD_GET(SVMGPU_SVM_ATTR_ATOMIC, attr);
}

/* Whether GPU faults should move memory with @attr to this device. */
static inline bool svmgpu_svm_attr_wants_vram(unsigned long attr)
{
	return FIELD_GET(SVMGPU_SVM_ATTR_LOC, attr) == DRM_SVMGPU_LOC_DEVICE &&
	       !(attr & (SVMGPU_SVM_ATTR_OTHER | SVMGPU_SVM_ATTR_NO_MIGRATE));
}

unsigned long svmgpu_svm_attr_get(struct svmgpu_vm *vm, u64 addr);
void svmgpu_svm_attr_run(struct svmgpu_vm *vm, u64 addr, u64 *lo, u64 *hi);

int svmgpu_vm_madvise_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file);
int svmgpu_vm_query_attrs_ioctl(struct drm_device *drm, void *data,
				struct drm_file *file);

#endif /* __SVMGPU_SVM_ATTR_H__ */
