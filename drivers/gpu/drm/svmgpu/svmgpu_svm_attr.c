// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/file.h>
#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/svmgpu_drm.h>

#include "svmgpu_device.h"
#include "svmgpu_drv.h"
#include "svmgpu_file.h"
#include "svmgpu_svm.h"
#include "svmgpu_svm_attr.h"
#include "svmgpu_vm.h"

/**
 * DOC: SVM attributes
 *
 * The attributes of a fault-mode VM's address space (uAPI DOC: SVM
 * migration) live in a maple tree, &svmgpu_svm.attrs, whose entries are
 * the packed SVMGPU_SVM_ATTR_* bits of a run of addresses as xarray value
 * entries; an address without an entry has the default attributes, 0.
 * DRM_IOCTL_SVMGPU_VM_MADVISE stores a run and merges it with equal
 * neighbours, so that a run is always as long as it can be: the mirror's
 * ranges never straddle two runs (svm_range_pick() clamps to the run), so
 * the attributes of a range are those of any of its addresses.
 *
 * A change that takes rights from the GPU (read-only, atomic mode) drops
 * the mirror's ranges over the run, which fault back in under the new
 * rules; any other change only drops the ranges that straddle the run's
 * ends. Setting the attributes a run already has changes nothing.
 *
 * Locking: the tree is written under &svmgpu_vm.lock, and read under it
 * or, by queries, under RCU (the tree is MT_FLAGS_USE_RCU). A query
 * takes no lock of the VM at all: it reads the CPU page tables through a
 * notifier of its own, and does at most %SVM_QUERY_MAX_BYTES of mapped
 * memory per call, so it never holds up the VM's faults.
 */

/**
 * svmgpu_svm_attr_get() - The attributes of an address.
 * @vm: A fault-mode VM, whose lock the caller holds, or under RCU.
 * @addr: The address.
 *
 * Return: Its SVMGPU_SVM_ATTR_* bits.
 */
unsigned long svmgpu_svm_attr_get(struct svmgpu_vm *vm, u64 addr)
{
	void *entry = mtree_load(&vm->svm.attrs, addr);

	return entry ? xa_to_value(entry) : 0;
}

/**
 * svmgpu_svm_attr_run() - The run of equal attributes around an address.
 * @vm: A fault-mode VM, whose lock the caller holds, or under RCU.
 * @addr: The address.
 * @lo: Out: start of the run.
 * @hi: Out: its end, U64_MAX for the end of the address space.
 */
void svmgpu_svm_attr_run(struct svmgpu_vm *vm, u64 addr, u64 *lo, u64 *hi)
{
	MA_STATE(mas, &vm->svm.attrs, addr, addr);

	rcu_read_lock();
	mas_walk(&mas);
	*lo = mas.index;
	*hi = mas.last == ULONG_MAX ? U64_MAX : mas.last + 1;
	rcu_read_unlock();
}

/* Give [@start, @end) the attributes @attr, as DOC: SVM attributes says. */
static int svm_attr_set(struct svmgpu_vm *vm, u64 start, u64 end,
			unsigned long attr)
{
	unsigned long old, diff = 0;
	u64 a, lo, hi;
	int ret;

	lockdep_assert_held(&vm->lock);

	for (a = start; a < end; a = hi) {
		svmgpu_svm_attr_run(vm, a, &lo, &hi);
		old = svmgpu_svm_attr_get(vm, a);
		diff |= old ^ attr;
	}
	if (!diff)
		return 0;

	/* Merge with equal neighbours, so runs stay maximal. */
	lo = start;
	hi = end;
	if (start && svmgpu_svm_attr_get(vm, start - 1) == attr)
		svmgpu_svm_attr_run(vm, start - 1, &lo, &a);
	if (end != U64_MAX && svmgpu_svm_attr_get(vm, end) == attr)
		svmgpu_svm_attr_run(vm, end, &a, &hi);
	ret = mtree_store_range(&vm->svm.attrs, lo, hi - 1,
				attr ? xa_mk_value(attr) : NULL,
				GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret;

	mutex_lock(&vm->pt_lock);
	if (diff & SVMGPU_SVM_ATTR_RIGHTS) {
		svmgpu_svm_remove(vm, start, end);
	} else {
		svmgpu_svm_cut(vm, start);
		svmgpu_svm_cut(vm, end);
	}
	mutex_unlock(&vm->pt_lock);
	return 0;
}

/*
 * The fault-mode VM @id of the calling process, for [@addr, @addr +
 * @range), with a user reference.
 */
static int svm_attr_vm_get(struct drm_file *file, u32 id, u64 addr,
			   u64 range, struct svmgpu_vm **out)
{
	struct drm_device *drm = file->minor->dev;
	struct svmgpu_vm *vm;
	int ret = 0;

	vm = svmgpu_vm_lookup(to_svmgpu_file(file), id);
	if (!vm)
		return -ENOENT;
	if (SVMGPU_IOCTL_DBG(drm, !vm->fault_mode) ||
	    SVMGPU_IOCTL_DBG(drm, !svmgpu_vm_range_valid(vm, addr, range)))
		ret = -EINVAL;
	else if (SVMGPU_IOCTL_DBG(drm, current->mm != vm->svm.mm))
		ret = -EACCES;
	if (ret) {
		svmgpu_vm_user_put(vm);
		return ret;
	}
	*out = vm;
	return 0;
}

/*
 * Whether @fd is another svmgpu device than @drm's: -EBADF for no file,
 * -EINVAL for a file that is not an svmgpu device.
 */
static int svm_attr_other_device(struct drm_device *drm, int fd, bool *other)
{
	struct file *f = fget(fd);
	struct drm_file *dfile;
	int ret = 0;

	if (!f)
		return -EBADF;
	/* Every svmgpu device shares the driver's file operations. */
	if (SVMGPU_IOCTL_DBG(drm, f->f_op != drm->driver->fops)) {
		ret = -EINVAL;
	} else {
		dfile = f->private_data;
		*other = dfile->minor->dev != drm;
	}
	fput(f);
	return ret;
}

/**
 * svmgpu_vm_madvise_ioctl() - DRM_IOCTL_SVMGPU_VM_MADVISE.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_vm_madvise.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_vm_madvise_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	const u32 known = DRM_SVMGPU_MADVISE_NO_MIGRATE |
			  DRM_SVMGPU_MADVISE_READONLY |
			  DRM_SVMGPU_MADVISE_PREFERRED_FD;
	struct drm_svmgpu_vm_madvise *args = data;
	bool by_fd = args->flags & DRM_SVMGPU_MADVISE_PREFERRED_FD;
	bool other = false;
	struct svmgpu_vm *vm;
	unsigned long attr;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->pad) ||
	    SVMGPU_IOCTL_DBG(drm, args->flags & ~known) ||
	    SVMGPU_IOCTL_DBG(drm, args->preferred_loc > DRM_SVMGPU_LOC_DEVICE) ||
	    SVMGPU_IOCTL_DBG(drm, args->atomic_mode >
			     DRM_SVMGPU_ATOMIC_MODE_CPU) ||
	    SVMGPU_IOCTL_DBG(drm, by_fd && args->preferred_loc !=
			     DRM_SVMGPU_LOC_DEVICE) ||
	    SVMGPU_IOCTL_DBG(drm, !by_fd && args->preferred_fd))
		return -EINVAL;

	ret = svm_attr_vm_get(file, args->vm_id, args->addr, args->range, &vm);
	if (ret)
		return ret;
	if (by_fd) {
		ret = svm_attr_other_device(drm, args->preferred_fd, &other);
		if (ret)
			goto out_put;
	}

	attr = FIELD_PREP(SVMGPU_SVM_ATTR_LOC, args->preferred_loc) |
	       (other ? SVMGPU_SVM_ATTR_OTHER : 0) |
	       (args->flags & DRM_SVMGPU_MADVISE_NO_MIGRATE ?
		SVMGPU_SVM_ATTR_NO_MIGRATE : 0) |
	       (args->flags & DRM_SVMGPU_MADVISE_READONLY ?
		SVMGPU_SVM_ATTR_READONLY : 0) |
	       FIELD_PREP(SVMGPU_SVM_ATTR_ATOMIC, args->atomic_mode);

	ret = mutex_lock_interruptible(&vm->lock);
	if (ret)
		goto out_put;
	ret = svm_attr_set(vm, args->addr, args->addr + args->range, attr);
	mutex_unlock(&vm->lock);
out_put:
	svmgpu_vm_user_put(vm);
	return ret;
}

/* Runs being built by a query. */
struct svm_query {
	struct drm_svmgpu_vm_attr *out;
	u32 n;
	u32 max;
	bool coarse;
};

/* Append @len bytes' description; false when there is no room left. */
static bool svm_query_add(struct svm_query *q, u64 addr, u64 len,
			  unsigned long attr, u8 loc)
{
	struct drm_svmgpu_vm_attr *last = q->n ? &q->out[q->n - 1] : NULL;
	u32 flags = (attr & SVMGPU_SVM_ATTR_NO_MIGRATE ?
		     DRM_SVMGPU_MADVISE_NO_MIGRATE : 0) |
		    (attr & SVMGPU_SVM_ATTR_READONLY ?
		     DRM_SVMGPU_MADVISE_READONLY : 0) |
		    (attr & SVMGPU_SVM_ATTR_OTHER ?
		     DRM_SVMGPU_MADVISE_PREFERRED_FD : 0);
	u32 ploc = FIELD_GET(SVMGPU_SVM_ATTR_LOC, attr);
	u32 amode = svmgpu_svm_attr_atomic(attr);

	if (last && last->addr + last->range == addr &&
	    last->flags == flags && last->preferred_loc == ploc &&
	    last->atomic_mode == amode &&
	    (last->location == loc || q->coarse)) {
		if (last->location != loc)
			last->location = DRM_SVMGPU_LOC_MIXED;
		last->range += len;
		return true;
	}
	if (q->n == q->max)
		return false;
	q->out[q->n++] = (struct drm_svmgpu_vm_attr) {
		.addr = addr,
		.range = len,
		.flags = flags,
		.preferred_loc = ploc,
		.atomic_mode = amode,
		.location = loc,
	};
	return true;
}

/* Mapped memory one query looks at, at most; it returns what it found. */
#define SVM_QUERY_MAX_BYTES	SZ_1G

/* Location of the page at @a in a 2 MiB block's @locs. */
#define SVM_LOC(locs, a)	((locs)[((a) & (SZ_2M - 1)) >> PAGE_SHIFT])

/*
 * Describe [@start, @end) into @q, 2 MiB at a time, and stretches without
 * a CPU mapping at once, for at most %SVM_QUERY_MAX_BYTES of mapped
 * memory. A signal ends it early too: what it found stands.
 */
static int svm_query_run(struct svmgpu_vm *vm, u64 start, u64 end,
			 struct svm_query *q)
{
	u8 *locs = kzalloc(SZ_2M >> PAGE_SHIFT, GFP_KERNEL);
	unsigned long *pfns = kmalloc_array(SZ_2M >> PAGE_SHIFT,
					    sizeof(*pfns), GFP_KERNEL);
	u64 a, e, blk, next, lo, hi = 0, budget = SVM_QUERY_MAX_BYTES;
	struct svmgpu_svm_snapshot snap;
	unsigned long attr = 0;
	int ret = -ENOMEM;
	u8 loc;

	if (!locs || !pfns)
		goto out_free;
	ret = svmgpu_svm_snapshot_begin(vm, &snap, start, end);
	if (ret)
		goto out_free;
	for (a = start; a < end;) {
		if (signal_pending(current)) {
			ret = q->n ? 0 : -ERESTARTSYS;
			break;
		}
		if (!budget)
			break;
		blk = min(ALIGN(a + 1, SZ_2M), end);
		svmgpu_svm_locations(vm, &snap, a, blk, &SVM_LOC(locs, a), pfns,
				     &next);
		if (next > a) {
			/* No CPU mapping until @next: only attributes split. */
			blk = min(next, end);
			memset(locs, DRM_SVMGPU_LOC_NONE, SZ_2M >> PAGE_SHIFT);
		} else {
			budget -= min(budget, blk - a);
		}
		while (a < blk) {
			if (a >= hi) {
				rcu_read_lock();
				svmgpu_svm_attr_run(vm, a, &lo, &hi);
				attr = svmgpu_svm_attr_get(vm, a);
				rcu_read_unlock();
			}
			loc = next > a ? DRM_SVMGPU_LOC_NONE : SVM_LOC(locs, a);
			e = min(hi, blk);
			if (next <= a) {
				u64 p = a + PAGE_SIZE;

				while (p < e && SVM_LOC(locs, p) == loc)
					p += PAGE_SIZE;
				e = p;
			}
			if (!svm_query_add(q, a, e - a, attr, loc))
				goto out;
			a = e;
		}
	}
out:
	svmgpu_svm_snapshot_end(&snap);
out_free:
	kfree(pfns);
	kfree(locs);
	return ret;
}

/**
 * svmgpu_vm_query_attrs_ioctl() - DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS.
 * @drm: The DRM device.
 * @data: A &struct drm_svmgpu_vm_query_attrs.
 * @file: The DRM file.
 *
 * Return: 0 or a negative error code, as the uAPI documents.
 */
int svmgpu_vm_query_attrs_ioctl(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct drm_svmgpu_vm_query_attrs *args = data;
	struct svm_query q = {
		.max = args->num_attrs,
		.coarse = args->flags & DRM_SVMGPU_QUERY_ATTRS_COARSE,
	};
	struct svmgpu_vm *vm;
	int ret;

	if (SVMGPU_IOCTL_DBG(drm, args->extensions || args->pad) ||
	    SVMGPU_IOCTL_DBG(drm, args->flags &
			     ~DRM_SVMGPU_QUERY_ATTRS_COARSE) ||
	    SVMGPU_IOCTL_DBG(drm, !args->num_attrs ||
			     args->num_attrs > DRM_SVMGPU_QUERY_ATTRS_MAX))
		return -EINVAL;

	ret = svm_attr_vm_get(file, args->vm_id, args->addr, args->range, &vm);
	if (ret)
		return ret;

	q.out = kvmalloc_array(q.max, sizeof(*q.out), GFP_KERNEL);
	ret = -ENOMEM;
	if (!q.out)
		goto out_put;

	ret = svm_query_run(vm, args->addr, args->addr + args->range, &q);
	if (ret)
		goto out_free;

	if (copy_to_user(u64_to_user_ptr(args->attrs), q.out,
			 q.n * sizeof(*q.out)))
		ret = -EFAULT;
	else
		args->num_attrs = q.n;
out_free:
	kvfree(q.out);
out_put:
	svmgpu_vm_user_put(vm);
	return ret;
}
