/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_VM_H__
#define __SVMGPU_VM_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>

#include <drm/drm_gpuvm.h>

#include "hw/svmgpu_hw.h"
#include "svmgpu_pt.h"
#include "svmgpu_svm.h"

struct drm_device;
struct drm_file;
struct drm_printer;
struct svmgpu_bo;
struct svmgpu_device;
struct svmgpu_file;
struct svmgpu_file_stats;

/**
 * struct svmgpu_vm - A GPU virtual address space.
 *
 * Two counts keep it alive. @users counts the owners that need its
 * mappings: the DRM file until VM_DESTROY, and every queue on it; when it
 * drops to zero the VM waits for its jobs and removes every mapping. The
 * drm_gpuvm reference count keeps the structure, and its page tables,
 * alive for jobs still in flight.
 */
struct svmgpu_vm {
	/** @gpuvm: The VA space; its resv is the VM's. */
	struct drm_gpuvm gpuvm;

	/** @sdev: The device. */
	struct svmgpu_device *sdev;

	/** @users: Owners of the mappings. */
	struct kref users;

	/** @asid: Address-space id, for the GPU's TLBs. */
	u32 asid;

	/** @id: The id its file knows it by. */
	u32 id;

	/** @pid: Thread-group id of the creator, for debugfs. */
	pid_t pid;

	/**
	 * @fault_mode: The GPU takes recoverable faults in the VM, whose
	 * jobs publish no dma-fence (DOC: shared virtual memory). Constant.
	 */
	bool fault_mode;

	/**
	 * @dead: Its last user is gone: faults are no longer serviced.
	 * Under @lock.
	 */
	bool dead;

	/**
	 * @lock: Serialises VM_BIND and teardown, and protects the gpuva
	 * tree. Taken before any BO reservation.
	 */
	struct mutex lock;

	/**
	 * @pt_lock: Protects @pt. Taken with BO reservations held, by binds
	 * and by BO moves, and held across the TLB invalidation after which
	 * unlinked tables are freed. Nothing allocates under it.
	 */
	struct mutex pt_lock;

	/** @pt: The page tables, charged to the VM and to @stats. */
	struct svmgpu_pt_tree pt;

	/**
	 * @stats: The creating file's stats, referenced: its page-table
	 * quota outlives the file while the VM does.
	 */
	struct svmgpu_file_stats *stats;

	/** @link: In the device's VM list, under its vms_lock. */
	struct list_head link;

	/** @svm: The CPU address mirror, in fault mode. */
	struct svmgpu_svm svm;
};

static inline struct svmgpu_vm *to_svmgpu_vm(struct drm_gpuvm *gpuvm)
{
	return container_of(gpuvm, struct svmgpu_vm, gpuvm);
}

struct svmgpu_vm *svmgpu_vm_lookup(struct svmgpu_file *sfile, u32 id);
bool svmgpu_vm_range_valid(struct svmgpu_vm *vm, u64 addr, u64 range);
bool svmgpu_vm_user_get(struct svmgpu_vm *vm);
void svmgpu_vm_user_put(struct svmgpu_vm *vm);
void svmgpu_vm_bo_move_notify(struct svmgpu_bo *bo);
void svmgpu_vm_bo_moved(struct svmgpu_bo *bo);
struct svmgpu_vm *svmgpu_vm_lookup_asid(struct svmgpu_device *sdev, u32 asid);
int svmgpu_vm_fault(struct svmgpu_vm *vm, u64 addr,
		    enum svmgpu_hw_access access);
void svmgpu_vm_file_close(struct svmgpu_file *sfile);
void svmgpu_vm_dump(struct svmgpu_device *sdev, struct drm_printer *p);

int svmgpu_vm_create_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file);
int svmgpu_vm_destroy_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file);
int svmgpu_vm_bind_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);

#endif /* __SVMGPU_VM_H__ */
