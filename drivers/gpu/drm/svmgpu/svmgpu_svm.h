/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_SVM_H__
#define __SVMGPU_SVM_H__

#include <linux/list.h>
#include <linux/maple_tree.h>
#include <linux/mmu_notifier.h>
#include <linux/rbtree_types.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "hw/svmgpu_hw.h"

struct mm_struct;
struct svmgpu_vm;

/**
 * struct svmgpu_svm - The CPU address mirror of a fault-mode VM.
 *
 * Embedded in its &struct svmgpu_vm, whose lock and pt_lock protect it as
 * each field says.
 */
struct svmgpu_svm {
	/** @mm: The address space mirrored; a mmgrab() reference. */
	struct mm_struct *mm;

	/**
	 * @notifiers: The interval notifiers, each over an aligned region
	 * of %SVMGPU_SVM_NOTIFIER_SIZE, indexed by region. Created by faults
	 * under &svmgpu_vm.lock, removed at teardown.
	 */
	struct xarray notifiers;

	/**
	 * @ranges: Interval tree of the &struct svmgpu_svm_range of the VM.
	 * Changed with both &svmgpu_vm.lock and &svmgpu_vm.pt_lock held, so
	 * either is enough to read it.
	 */
	struct rb_root_cached ranges;

	/**
	 * @attrs: Attributes by address (DOC: SVM attributes), written under
	 * &svmgpu_vm.lock, read under it or RCU.
	 */
	struct maple_tree attrs;

	/**
	 * @migrating: Start of the range this VM is moving to VRAM now, or
	 * 0 (a mirror never starts there). Written under &svmgpu_vm.lock;
	 * notifiers read it, so that this migration does not start the
	 * range's hold. Other threads' invalidations of the range meanwhile
	 * do not start it either; the mapping that follows sees where the
	 * pages are anyway.
	 */
	u64 migrating;

	/**
	 * @gc: Ranges that the CPU unmapped, for svmgpu_svm_gc(). Under
	 * &svmgpu_vm.pt_lock.
	 */
	struct list_head gc;
};

/**
 * struct svmgpu_svm_snapshot - A look at where a range's pages are.
 *
 * For svmgpu_svm_locations(): a notifier of its own, so that a query
 * leaves the mirror's notifiers as they are.
 */
struct svmgpu_svm_snapshot {
	/** @mni: Watches the range looked at. */
	struct mmu_interval_notifier mni;

	/** @mm: The mm, an mmget() reference. */
	struct mm_struct *mm;
};

/* Each notifier watches an aligned region of this size. */
#define SVMGPU_SVM_NOTIFIER_SIZE	SZ_512M

int svmgpu_svm_init(struct svmgpu_vm *vm);
void svmgpu_svm_fini(struct svmgpu_vm *vm);
void svmgpu_svm_gc(struct svmgpu_vm *vm);
int svmgpu_svm_fault(struct svmgpu_vm *vm, u64 start, u64 end, u64 addr,
		     enum svmgpu_hw_access access);
int svmgpu_svm_prefetch(struct svmgpu_vm *vm, u64 start, u64 end, u64 addr,
			u64 last, bool to_vram);
int svmgpu_svm_snapshot_begin(struct svmgpu_vm *vm,
			      struct svmgpu_svm_snapshot *snap, u64 start,
			      u64 end);
void svmgpu_svm_snapshot_end(struct svmgpu_svm_snapshot *snap);
void svmgpu_svm_locations(struct svmgpu_vm *vm,
			  struct svmgpu_svm_snapshot *snap, u64 start, u64 end,
			  u8 *locs, unsigned long *pfns, u64 *next);
void svmgpu_svm_cut(struct svmgpu_vm *vm, u64 addr);
bool svmgpu_svm_busy(struct svmgpu_vm *vm, u64 start, u64 end);
void svmgpu_svm_remove(struct svmgpu_vm *vm, u64 start, u64 end);

#endif /* __SVMGPU_SVM_H__ */
