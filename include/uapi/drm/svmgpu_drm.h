/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef _SVMGPU_DRM_H_
#define _SVMGPU_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: svmgpu uAPI
 *
 * svmgpu drives a GPU that is emulated inside the kernel module. It exposes
 * a render node whose driver name is "svmgpu"; that name never changes.
 *
 * All ioctls are allowed on the render node. User space normally reaches
 * them through libsvmgpu, but the ABI below is complete on its own.
 *
 * ABI rules, which every ioctl and every structure in this file follows:
 *
 * - Structures are 64-bit aligned and their size is a multiple of 8 bytes,
 *   so they are laid out identically for 32-bit and 64-bit user space.
 *   Explicit padding fields exist to make that true.
 * - Every padding and reserved field is MBZ (must be zero). The kernel checks
 *   it and fails the ioctl with -EINVAL otherwise, so that the field can be
 *   given a meaning later.
 * - Every flags field is checked: an unknown flag gives -EINVAL.
 * - Pointers to user memory are passed as __u64, never as native pointers.
 * - Structures that may grow carry an @extensions field: a __u64 user
 *   pointer to a chain of &struct drm_svmgpu_user_extension. No extension is
 *   defined yet, so a non-zero @extensions gives -EINVAL.
 * - There are no unions.
 * - Ioctl numbers are append-only: an ioctl is never renumbered or reused.
 * - An ioctl that cannot read or write the user memory it was given fails
 *   with -EFAULT.
 * - A capability that is part of the uAPI but not implemented by this build
 *   of the driver fails with -EOPNOTSUPP. Feature bits in
 *   &struct drm_svmgpu_query_device_info tell user space in advance.
 */

/**
 * DOC: svmgpu uAPI version
 *
 * DRM_SVMGPU_UAPI_MAJOR changes only if a change breaks existing user space,
 * which the rules above are there to prevent. DRM_SVMGPU_UAPI_MINOR grows
 * whenever an ioctl, a query or a flag is added. The running kernel reports
 * its values in &struct drm_svmgpu_query_device_info; user space compares
 * them with the values it was built against.
 */
#define DRM_SVMGPU_UAPI_MAJOR		1
#define DRM_SVMGPU_UAPI_MINOR		5

/*
 * Ioctl numbers, relative to DRM_COMMAND_BASE. Append only.
 */
#define DRM_SVMGPU_DEVICE_QUERY		0x00
#define DRM_SVMGPU_GEM_CREATE		0x01
#define DRM_SVMGPU_GEM_MMAP_OFFSET	0x02
#define DRM_SVMGPU_VM_CREATE		0x03
#define DRM_SVMGPU_VM_DESTROY		0x04
#define DRM_SVMGPU_VM_BIND		0x05
#define DRM_SVMGPU_QUEUE_CREATE		0x06
#define DRM_SVMGPU_QUEUE_DESTROY	0x07
#define DRM_SVMGPU_EXEC			0x08
#define DRM_SVMGPU_GEM_MIGRATE		0x09
#define DRM_SVMGPU_GEM_INFO		0x0a
#define DRM_SVMGPU_WAIT_USER_FENCE	0x0b
#define DRM_SVMGPU_QUEUE_STATUS		0x0c
#define DRM_SVMGPU_VM_MADVISE		0x0d
#define DRM_SVMGPU_VM_QUERY_ATTRS	0x0e

/**
 * struct drm_svmgpu_user_extension - Header of a chained ioctl extension.
 *
 * Reserved for future use. No extension is defined in this version of the
 * uAPI, so the kernel rejects any non-zero extensions pointer.
 */
struct drm_svmgpu_user_extension {
	/**
	 * @next_extension: User pointer to the next extension in the chain,
	 * or 0 at the end of the chain.
	 */
	__u64 next_extension;

	/** @name: Identifier of this extension. */
	__u32 name;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * enum drm_svmgpu_query_id - What &struct drm_svmgpu_device_query returns.
 *
 * @DRM_SVMGPU_QUERY_DEVICE_INFO: A &struct drm_svmgpu_query_device_info.
 */
enum drm_svmgpu_query_id {
	DRM_SVMGPU_QUERY_DEVICE_INFO = 0,
};

/*
 * GPU page sizes, as bits of &drm_svmgpu_query_device_info.page_sizes. Each
 * bit is the page size itself, so the mask can be tested with a size.
 */
#define DRM_SVMGPU_PAGE_SIZE_4K		(1ull << 12)
#define DRM_SVMGPU_PAGE_SIZE_64K	(1ull << 16)
#define DRM_SVMGPU_PAGE_SIZE_2M		(1ull << 21)

/*
 * Feature bits, as bits of &drm_svmgpu_query_device_info.features.
 *
 * A bit is set only when the running driver implements the feature; the
 * ioctls of a feature whose bit is clear fail with -EOPNOTSUPP. User space
 * must ignore bits it does not know.
 *
 * DRM_SVMGPU_FEATURE_GEM: DRM_IOCTL_SVMGPU_GEM_CREATE and
 * DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET.
 *
 * DRM_SVMGPU_FEATURE_VM: DRM_IOCTL_SVMGPU_VM_CREATE, _VM_DESTROY and
 * _VM_BIND.
 *
 * DRM_SVMGPU_FEATURE_EXEC: DRM_IOCTL_SVMGPU_QUEUE_CREATE, _QUEUE_DESTROY
 * and _EXEC.
 *
 * DRM_SVMGPU_FEATURE_GEM_MIGRATE: DRM_IOCTL_SVMGPU_GEM_MIGRATE and
 * DRM_IOCTL_SVMGPU_GEM_INFO, and DRM_SVMGPU_GEM_CREATE_PINNED (uAPI 1.2).
 *
 * DRM_SVMGPU_FEATURE_SVM: shared virtual memory on system memory (uAPI
 * 1.3): DRM_SVMGPU_VM_CREATE_FAULT_MODE, DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR,
 * DRM_SVMGPU_EXEC_USER_FENCE, DRM_IOCTL_SVMGPU_WAIT_USER_FENCE and
 * DRM_IOCTL_SVMGPU_QUEUE_STATUS.
 *
 * DRM_SVMGPU_FEATURE_SVM_MIGRATE: mirrored memory can migrate to VRAM
 * (uAPI 1.4): DRM_SVMGPU_VM_BIND_OP_PREFETCH, DRM_IOCTL_SVMGPU_VM_MADVISE
 * and DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS (DOC: SVM migration). Without it,
 * those fail with -EOPNOTSUPP.
 *
 * DRM_SVMGPU_FEATURE_COMPUTE: the engines run programs (uAPI 1.5):
 * DRM_SVMGPU_CMD_DISPATCH and the compute ISA (DOC: compute ISA). Without
 * it, a DISPATCH command fails its job with -EINVAL, as any unknown
 * command does.
 */
#define DRM_SVMGPU_FEATURE_GEM		(1ull << 0)
#define DRM_SVMGPU_FEATURE_VM		(1ull << 1)
#define DRM_SVMGPU_FEATURE_EXEC		(1ull << 2)
#define DRM_SVMGPU_FEATURE_GEM_MIGRATE	(1ull << 3)
#define DRM_SVMGPU_FEATURE_SVM		(1ull << 4)
#define DRM_SVMGPU_FEATURE_SVM_MIGRATE	(1ull << 5)
#define DRM_SVMGPU_FEATURE_COMPUTE	(1ull << 6)

/**
 * struct drm_svmgpu_query_device_info - What the emulated GPU is.
 *
 * Returned by %DRM_SVMGPU_QUERY_DEVICE_INFO. Values describe the emulated
 * hardware as configured by the module's parameters when the device was
 * probed; they do not change while the device exists.
 */
struct drm_svmgpu_query_device_info {
	/** @uapi_major: The kernel's %DRM_SVMGPU_UAPI_MAJOR. */
	__u16 uapi_major;

	/** @uapi_minor: The kernel's %DRM_SVMGPU_UAPI_MINOR. */
	__u16 uapi_minor;

	/** @num_engines: Number of engines the GPU has. */
	__u32 num_engines;

	/** @vram_size: Size of the GPU's VRAM in bytes. */
	__u64 vram_size;

	/**
	 * @page_sizes: Page sizes the GPU MMU can map, as a mask of
	 * DRM_SVMGPU_PAGE_SIZE_* bits.
	 */
	__u64 page_sizes;

	/** @features: Mask of DRM_SVMGPU_FEATURE_* bits. */
	__u64 features;

	/** @va_bits: Width of a GPU virtual address, in bits. */
	__u32 va_bits;

	/** @pad: Written as zero by the kernel. */
	__u32 pad;

	/**
	 * @vram_bo_size: The size of the largest buffer object VRAM can
	 * hold, in bytes: @vram_size less the most that page tables may take
	 * (uAPI 1.2; zero before). Page tables take VRAM only as they are
	 * needed, so BOs together may use more than this.
	 */
	__u64 vram_bo_size;

	/**
	 * @compute_threads: How many work items of a DRM_SVMGPU_CMD_DISPATCH
	 * each engine runs at once: its compute threads (uAPI 1.5; zero
	 * before).
	 */
	__u32 compute_threads;

	/** @pad2: Written as zero by the kernel. */
	__u32 pad2;

	/**
	 * @reserved: Written as zero by the kernel. Room for later fields, so
	 * that user space built against this header keeps working.
	 */
	__u64 reserved[2];
};

/**
 * struct drm_svmgpu_device_query - Argument of DRM_IOCTL_SVMGPU_DEVICE_QUERY.
 *
 * Asks the device for one item of information, selected by @query. The
 * protocol is the one of DRM_IOCTL_XE_DEVICE_QUERY:
 *
 * 1. Call with @size = 0. The kernel sets @size to the number of bytes the
 *    answer needs and writes nothing else.
 * 2. Allocate @size bytes, point @data at them and call again. The kernel
 *    writes the answer and sets @size to the number of bytes written.
 *
 * A @size that is non-zero but smaller than the answer gives -EINVAL and
 * leaves @data untouched. A larger @size is accepted; bytes beyond the
 * answer are left untouched.
 *
 * Errors:
 *
 * - -EINVAL: unknown @query, non-zero @extensions, @flags or @pad, or a
 *   @size that is too small.
 * - -EFAULT: @data (or the ioctl argument itself) cannot be written.
 */
struct drm_svmgpu_device_query {
	/** @extensions: Pointer to the first extension. MBZ: none defined. */
	__u64 extensions;

	/** @query: One of &enum drm_svmgpu_query_id. */
	__u32 query;

	/** @size: In: size of the buffer at @data. Out: see above. */
	__u32 size;

	/** @data: User pointer to the answer buffer. */
	__u64 data;

	/** @flags: MBZ. No flags are defined. */
	__u32 flags;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * DOC: buffer objects
 *
 * A buffer object (BO) is GPU-accessible memory, named by a GEM handle that
 * is private to the DRM file. It lives in VRAM or in system memory, as its
 * placements allow, and the driver may move it between them. Its contents
 * read as zero when it is created.
 *
 * User space maps a BO into its address space with
 * DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET and mmap() on the DRM file, and into a
 * GPU VM with DRM_IOCTL_SVMGPU_VM_BIND. CPU mappings are cached
 * (write-back) in either placement: the emulated GPU's memory is coherent.
 * A BO is freed when its last handle is closed and the last mapping of it
 * (CPU or GPU) is gone.
 *
 * Placement and moves (uAPI 1.2):
 *
 * - A BO has a preferred placement: the one GEM_CREATE tried first, or the
 *   one last asked for with DRM_IOCTL_SVMGPU_GEM_MIGRATE. It is a hint.
 * - When VRAM is full, the driver evicts BOs to system memory, least
 *   recently used by the GPU first. Pinned BOs are never evicted.
 * - A BO that may only live in VRAM is brought back into VRAM before any
 *   job of a VM that maps it runs, evicting others if needed. A BO that may
 *   live in either comes back to VRAM when it prefers VRAM and VRAM has
 *   room; otherwise the GPU uses it where it is.
 * - Under system-memory pressure, idle BOs in system memory may be swapped
 *   out; they come back on the next CPU or GPU access.
 * - Moves are copies by the GPU's copy engine, made once the jobs that
 *   used the BO are done. The CPU mapping is one mapping for the BO's whole
 *   life: its pages follow the BO, and a CPU access during a move waits for
 *   the move. Contents are preserved by every move.
 * - DRM_IOCTL_SVMGPU_GEM_INFO reports where a BO is now.
 */

/* Placements, as bits of &drm_svmgpu_gem_create.placements. */
#define DRM_SVMGPU_GEM_PLACEMENT_VRAM	(1u << 0)
#define DRM_SVMGPU_GEM_PLACEMENT_SYSTEM	(1u << 1)

/*
 * Flags of &drm_svmgpu_gem_create.
 *
 * DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM: when both placements are allowed,
 * try system memory first. Without it, VRAM is preferred.
 */
#define DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM	(1u << 0)

/*
 * DRM_SVMGPU_GEM_CREATE_PINNED: place the BO in VRAM for its whole life;
 * it is never evicted or moved. Needs CAP_SYS_ADMIN and a placements of
 * exactly DRM_SVMGPU_GEM_PLACEMENT_VRAM. Pinned BOs may take at most half
 * of &drm_svmgpu_query_device_info.vram_bo_size (uAPI 1.2).
 */
#define DRM_SVMGPU_GEM_CREATE_PINNED		(1u << 1)

/**
 * struct drm_svmgpu_gem_create - Argument of DRM_IOCTL_SVMGPU_GEM_CREATE.
 *
 * Errors: -EINVAL for a zero size, a size that is not a multiple of 4 KiB,
 * no placement, unknown placements or flags, PREFER_SYSTEM without both
 * placements, or non-zero @extensions or @pad; -E2BIG for a size larger
 * than the memory of every allowed placement; -ENOMEM when memory runs out.
 * With DRM_SVMGPU_GEM_CREATE_PINNED: -EPERM without CAP_SYS_ADMIN, -EINVAL
 * for placements other than VRAM alone, and -ENOSPC if pinned BOs would
 * exceed their share of VRAM or VRAM cannot be made free for it.
 */
struct drm_svmgpu_gem_create {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @size: Size in bytes, a non-zero multiple of 4 KiB. */
	__u64 size;

	/** @placements: Mask of DRM_SVMGPU_GEM_PLACEMENT_*, not empty. */
	__u32 placements;

	/** @flags: Mask of DRM_SVMGPU_GEM_CREATE_*. */
	__u32 flags;

	/** @handle: Out: the new BO's handle. */
	__u32 handle;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * struct drm_svmgpu_gem_mmap_offset - DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET.
 *
 * Returns the fake offset to pass to mmap() on the same DRM file to map the
 * whole BO. The mapping stays valid after the handle is closed. Offsets are
 * private to the DRM file.
 *
 * Errors: -ENOENT for an unknown handle; -EINVAL for non-zero @extensions
 * or @flags.
 */
struct drm_svmgpu_gem_mmap_offset {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @handle: The BO. */
	__u32 handle;

	/** @flags: MBZ. */
	__u32 flags;

	/** @offset: Out: the offset for mmap(). */
	__u64 offset;
};

/**
 * struct drm_svmgpu_gem_migrate - Argument of DRM_IOCTL_SVMGPU_GEM_MIGRATE.
 *
 * Makes @placement the BO's preferred placement and moves the BO there.
 * The ioctl waits (interruptibly) for the jobs that use the BO to finish,
 * queues the copy on the GPU's copy engine and returns; CPU accesses and
 * later jobs wait for the copy. Moving into VRAM evicts other BOs, least
 * recently used first, if VRAM is full. A BO that is already there is not
 * moved. The placement is a hint: VRAM pressure may evict the BO again
 * later.
 *
 * Errors: -ENOENT for an unknown handle; -EINVAL for a @placement that is
 * not exactly one DRM_SVMGPU_GEM_PLACEMENT_* bit or that the BO's
 * placements do not allow, or non-zero @extensions, @flags or @pad;
 * -EBUSY for moving a pinned BO out of VRAM; -ENOSPC if VRAM cannot be
 * made free for the BO (everything else is pinned or in use by the same
 * caller); -ENOMEM; -EINTR if a signal interrupts a wait (unless the
 * ioctl is restarted).
 */
struct drm_svmgpu_gem_migrate {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @handle: The BO. */
	__u32 handle;

	/** @placement: One DRM_SVMGPU_GEM_PLACEMENT_* bit. */
	__u32 placement;

	/** @flags: MBZ. */
	__u32 flags;

	/** @pad: MBZ. */
	__u32 pad;
};

/*
 * State bits of &drm_svmgpu_gem_info.state.
 *
 * DRM_SVMGPU_GEM_STATE_SWAPPED: the BO is in system memory and its pages
 * are swapped out; the next access swaps them in.
 * DRM_SVMGPU_GEM_STATE_PINNED: the BO was created pinned.
 * DRM_SVMGPU_GEM_STATE_MOVING: a move of the BO has been queued and has not
 * completed yet.
 * DRM_SVMGPU_GEM_STATE_BUSY: the BO has unfinished GPU work: a job that
 * uses it, or a move.
 */
#define DRM_SVMGPU_GEM_STATE_SWAPPED	(1u << 0)
#define DRM_SVMGPU_GEM_STATE_PINNED	(1u << 1)
#define DRM_SVMGPU_GEM_STATE_MOVING	(1u << 2)
#define DRM_SVMGPU_GEM_STATE_BUSY	(1u << 3)

/**
 * struct drm_svmgpu_gem_info - Argument of DRM_IOCTL_SVMGPU_GEM_INFO.
 *
 * Reports a BO's size, placements and where it is now. The answer is a
 * snapshot: the BO may move as soon as the ioctl returns.
 *
 * Errors: -ENOENT for an unknown handle; -EINVAL for non-zero @extensions
 * or @flags; -EINTR if a signal interrupts the wait for the BO's lock.
 */
struct drm_svmgpu_gem_info {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @handle: The BO. */
	__u32 handle;

	/** @flags: MBZ. */
	__u32 flags;

	/** @size: Out: size in bytes. */
	__u64 size;

	/** @placements: Out: the allowed DRM_SVMGPU_GEM_PLACEMENT_* mask. */
	__u32 placements;

	/** @preferred: Out: the preferred placement, one bit. */
	__u32 preferred;

	/**
	 * @placement: Out: where the BO is now, one DRM_SVMGPU_GEM_PLACEMENT_*
	 * bit. Swapped-out BOs are in DRM_SVMGPU_GEM_PLACEMENT_SYSTEM.
	 */
	__u32 placement;

	/** @state: Out: mask of DRM_SVMGPU_GEM_STATE_* bits. */
	__u32 state;

	/**
	 * @moves: Out: how many times the BO has moved between VRAM and
	 * system memory since it was created.
	 */
	__u64 moves;
};

/**
 * DOC: GPU virtual memory
 *
 * A VM is a GPU virtual address space with its own GPU page tables. VMs
 * belong to the DRM file that created them and are named by a non-zero id.
 * GPU virtual addresses are %va_bits wide (see
 * &drm_svmgpu_query_device_info); the first 64 KiB are never mapped, so a
 * null pointer always faults.
 *
 * DRM_IOCTL_SVMGPU_VM_BIND maps ranges of BOs into a VM and unmaps them.
 * Mappings use the largest GPU page size (2 MiB, 64 KiB, 4 KiB) that the
 * alignment of the address, the BO offset and the BO's memory allow.
 *
 * In a VM created without DRM_SVMGPU_VM_CREATE_FAULT_MODE, an access to
 * an unmapped address, or a write to a read-only mapping, fails the job (its
 * fence signals with -EFAULT) and bans its queue.
 */

/**
 * DOC: shared virtual memory
 *
 * A VM created with DRM_SVMGPU_VM_CREATE_FAULT_MODE (uAPI 1.3) is a
 * long-running VM in which the GPU takes recoverable page faults: an
 * engine that misses a translation stalls that access while the driver
 * resolves it, then replays it. Such a VM belongs to the process (the mm)
 * that created it, for its whole life.
 *
 * An OP_MAP_MIRROR bind makes a range of the VM mirror the same range of
 * the creating process's CPU address space: any CPU pointer in the range
 * is a valid GPU address, whatever memory backs it (malloc, anonymous or
 * file mmap, the stack, memfd, hugetlbfs, THP). Normally user space mirrors
 * the whole VM above its first 64 KiB. The GPU page tables then act as a
 * TLB of the process's page tables: filled by GPU faults, with the largest
 * GPU page (2 MiB, 64 KiB, 4 KiB) that the CPU mapping allows, and shot
 * down whenever the CPU mapping changes (munmap, mprotect, madvise,
 * copy-on-write after fork, migration, reclaim), before the change
 * completes. The GPU sees the CPU's memory coherently.
 *
 * BO mappings may be bound inside a mirror; they replace that part of the
 * mirror. A part of the mirror that the GPU has faulted in is busy: an
 * OP_MAP over it fails with -EBUSY until an OP_UNMAP of that part.
 *
 * A GPU access that the CPU mapping does not allow is an unrecoverable
 * fault: a write to read-only memory, an access to PROT_NONE or unmapped
 * memory, to memory that is not pageable system memory (a VM_PFNMAP or
 * VM_IO mapping, such as an svmgpu BO's own CPU mapping: bind the BO
 * instead), or to memory registered with userfaultfd. The job fails with
 * -EFAULT and its queue is banned; other queues carry on.
 * DRM_IOCTL_SVMGPU_QUEUE_STATUS says why a queue is banned, with the
 * faulting address and access, and a devcoredump records them too.
 *
 * Jobs of a fault-mode VM publish no dma-fence, since resolving their
 * faults may need memory: EXEC on such a VM refuses syncs with
 * DRM_SVMGPU_SYNC_SIGNAL (-EINVAL). Completion is a user fence instead
 * (DRM_SVMGPU_EXEC_USER_FENCE), a 64-bit value the GPU writes to memory
 * when the job is done, which DRM_IOCTL_SVMGPU_WAIT_USER_FENCE waits for.
 * A job stalled on faults is not hung: the job timeout counts only the
 * time it runs. BOs mapped in a fault-mode VM are not fenced by its jobs;
 * when one moves, its GPU mappings in the VM are cleared before the copy
 * starts, and the GPU faults them back in after it.
 */

/**
 * DOC: SVM migration
 *
 * With DRM_SVMGPU_FEATURE_SVM_MIGRATE (uAPI 1.4), mirrored memory can move
 * into the GPU's VRAM. VRAM pages are device-private memory to the kernel:
 * the page stays part of the process's mapping, but the CPU cannot reach
 * it, so a CPU access, or a get_user_pages() pin (O_DIRECT,
 * process_vm_readv(), vmsplice()), first moves it back to system memory,
 * transparently. The data is the same wherever it lives; only the time to
 * reach it changes.
 *
 * Memory moves in blocks of the mirror's ranges (2 MiB, 64 KiB or 4 KiB),
 * with the kernel's own copy engine, never behind a user job:
 *
 * - to VRAM, on a GPU fault in a range whose preferred location is this
 *   device (unless DRM_SVMGPU_MADVISE_NO_MIGRATE), on a GPU atomic in a
 *   range whose atomic mode is DRM_SVMGPU_ATOMIC_MODE_DEVICE, and on an
 *   OP_PREFETCH bind to VRAM;
 * - to system memory, on a CPU access, an OP_PREFETCH bind with
 *   DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM, and when VRAM is needed for BOs
 *   or other ranges: VRAM holding migrated memory is evicted like BOs,
 *   least recently used first, so the mirror may be much larger than VRAM.
 *
 * Only private anonymous memory moves (malloc, the stack, MAP_PRIVATE |
 * MAP_ANONYMOUS); shared, file-backed, hugetlbfs and pinned pages stay in
 * system memory and the GPU maps them in place. A range is moved as far as
 * it can be: pages that cannot move stay where they are, and the GPU maps
 * each page where it is.
 *
 * A range that moved to system memory because of a CPU access is not
 * moved back to VRAM by GPU faults for the svmgpu module's
 * migrate_hold_ms parameter (the GPU maps it in system memory
 * meanwhile), so that a range the CPU and the GPU share does not bounce.
 * Prefetches ignore that hold.
 *
 * Migrated memory stays the process's memory: destroying the VM or
 * closing the DRM file leaves it where it is, intact. It comes back to
 * system memory when the CPU touches it, when VRAM is needed, or when the
 * device goes away (module unload); if the process exits first, it is
 * simply freed.
 *
 * Attributes, set with DRM_IOCTL_SVMGPU_VM_MADVISE on any page-aligned part
 * of the VM's address space, say where memory should be and how the GPU
 * may use it; DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS reads them back, with where
 * the pages are now. Attributes belong to the VM, not to the memory:
 * another VM mirroring the same process has its own.
 */

/*
 * Locations, for &drm_svmgpu_vm_madvise.preferred_loc and
 * &drm_svmgpu_vm_attr.location.
 *
 * DRM_SVMGPU_LOC_NONE: as a preference, none: memory stays where it is;
 * as a location, no page is present (never touched, swapped out, or in
 * another device's VRAM).
 * DRM_SVMGPU_LOC_SYSTEM: system memory.
 * DRM_SVMGPU_LOC_DEVICE: as a preference, this device's VRAM, or another
 * svmgpu device's with DRM_SVMGPU_MADVISE_PREFERRED_FD; as a location, this
 * device's VRAM.
 * DRM_SVMGPU_LOC_MIXED: a location only, for DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS
 * with DRM_SVMGPU_QUERY_ATTRS_COARSE: pages in more than one place.
 */
#define DRM_SVMGPU_LOC_NONE		0
#define DRM_SVMGPU_LOC_SYSTEM		1
#define DRM_SVMGPU_LOC_DEVICE		2
#define DRM_SVMGPU_LOC_MIXED		3

/*
 * Atomic modes, for &drm_svmgpu_vm_madvise.atomic_mode: how GPU atomics
 * (DRM_SVMGPU_CMD_ATOMIC) on mirrored memory work.
 *
 * DRM_SVMGPU_ATOMIC_MODE_DEVICE: the default. An atomic moves the range
 * to VRAM if it can move (see DOC: SVM migration), and is performed in
 * place if it cannot; the range then stays in VRAM for migrate_hold_ms.
 * DRM_SVMGPU_ATOMIC_MODE_GLOBAL: atomics are performed in place, wherever
 * the memory is, atomically with respect to the CPU and every engine.
 * DRM_SVMGPU_ATOMIC_MODE_CPU: only the CPU does atomics on the range: a
 * GPU atomic there is an unrecoverable fault (-EFAULT, access
 * DRM_SVMGPU_ACCESS_ATOMIC).
 */
#define DRM_SVMGPU_ATOMIC_MODE_DEVICE	0
#define DRM_SVMGPU_ATOMIC_MODE_GLOBAL	1
#define DRM_SVMGPU_ATOMIC_MODE_CPU	2

/*
 * Flags of &drm_svmgpu_vm_madvise and &drm_svmgpu_vm_attr.
 *
 * DRM_SVMGPU_MADVISE_NO_MIGRATE: GPU faults do not move the range, whatever
 * its preferred location; prefetches still do.
 * DRM_SVMGPU_MADVISE_READONLY: the GPU may only read the range, even where
 * the CPU may write: a GPU write is an unrecoverable fault.
 * DRM_SVMGPU_MADVISE_PREFERRED_FD: madvise only: with
 * DRM_SVMGPU_LOC_DEVICE, @preferred_fd names the preferred device. In an
 * attribute, set when the preferred device is not this one.
 */
#define DRM_SVMGPU_MADVISE_NO_MIGRATE	(1u << 0)
#define DRM_SVMGPU_MADVISE_READONLY	(1u << 1)
#define DRM_SVMGPU_MADVISE_PREFERRED_FD	(1u << 2)

/**
 * struct drm_svmgpu_vm_madvise - Argument of DRM_IOCTL_SVMGPU_VM_MADVISE.
 *
 * Sets the attributes of [@addr, @addr + @range) of a fault-mode VM's
 * address space (uAPI 1.4), replacing those it had; the rest of the
 * address space keeps its own. The range need not be mirrored yet. The
 * default attributes, those of a range never advised, are all zero:
 * DRM_SVMGPU_LOC_NONE, DRM_SVMGPU_ATOMIC_MODE_DEVICE and no flags.
 *
 * A change that restricts the GPU (DRM_SVMGPU_MADVISE_READONLY, atomic mode
 * CPU) takes effect at once: the GPU's mappings of the range are dropped,
 * and fault back in under the new rules. A change of preferred location
 * moves nothing by itself; the next faults, or a prefetch, do. Setting the
 * attributes a range has already changes nothing and drops no mapping.
 *
 * With DRM_SVMGPU_MADVISE_PREFERRED_FD, @preferred_fd is a file descriptor
 * of an svmgpu DRM device, this one or another. Memory preferring another
 * device is not moved by this VM's faults: this device maps it in system
 * memory, while the other device's VMs move it to their VRAM as their own
 * attributes say. Without the flag, @preferred_fd MBZ.
 *
 * Errors: -ENOENT for an unknown VM; -EINVAL for a VM without fault mode,
 * @addr or @range not multiples of 4 KiB, a zero @range, a range outside
 * the VM's address space or within its first 64 KiB, an unknown location,
 * atomic mode or flag, DRM_SVMGPU_MADVISE_PREFERRED_FD without
 * DRM_SVMGPU_LOC_DEVICE, @preferred_fd that is not an svmgpu device, or
 * non-zero @extensions or @pad (-EBADF for a @preferred_fd that is not an
 * open file); -EACCES for a fault-mode VM of another process;
 * -EOPNOTSUPP without DRM_SVMGPU_FEATURE_SVM_MIGRATE; -ENOMEM; -EINTR if
 * a signal interrupts the wait for the VM (unless the ioctl is restarted
 * transparently; it is idempotent).
 */
struct drm_svmgpu_vm_madvise {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @vm_id: The VM. */
	__u32 vm_id;

	/** @flags: Mask of DRM_SVMGPU_MADVISE_*. */
	__u32 flags;

	/** @addr: Start of the range, a multiple of 4 KiB. */
	__u64 addr;

	/** @range: Size of the range in bytes, a multiple of 4 KiB. */
	__u64 range;

	/** @preferred_loc: A DRM_SVMGPU_LOC_*, but DRM_SVMGPU_LOC_MIXED. */
	__u32 preferred_loc;

	/** @preferred_fd: See DRM_SVMGPU_MADVISE_PREFERRED_FD. */
	__s32 preferred_fd;

	/** @atomic_mode: A DRM_SVMGPU_ATOMIC_MODE_*. */
	__u32 atomic_mode;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * struct drm_svmgpu_vm_attr - Attributes of a run of pages, and where they
 * are.
 */
struct drm_svmgpu_vm_attr {
	/** @addr: Start of the run. */
	__u64 addr;

	/** @range: Its size in bytes. */
	__u64 range;

	/**
	 * @flags: DRM_SVMGPU_MADVISE_NO_MIGRATE, DRM_SVMGPU_MADVISE_READONLY,
	 * and DRM_SVMGPU_MADVISE_PREFERRED_FD if the preferred location is
	 * another device.
	 */
	__u32 flags;

	/** @preferred_loc: DRM_SVMGPU_LOC_NONE, _SYSTEM or _DEVICE. */
	__u32 preferred_loc;

	/** @atomic_mode: A DRM_SVMGPU_ATOMIC_MODE_*. */
	__u32 atomic_mode;

	/**
	 * @location: Where the pages are now: a DRM_SVMGPU_LOC_*, as seen by
	 * the CPU's page tables when the query ran.
	 */
	__u32 location;
};

/*
 * Flags of &drm_svmgpu_vm_query_attrs.
 *
 * DRM_SVMGPU_QUERY_ATTRS_COARSE: split runs only where the attributes
 * change, not where the location does: @location is then
 * DRM_SVMGPU_LOC_MIXED for a run whose pages are in more than one place.
 */
#define DRM_SVMGPU_QUERY_ATTRS_COARSE	(1u << 0)

/* Most runs one DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS returns. */
#define DRM_SVMGPU_QUERY_ATTRS_MAX	4096

/**
 * struct drm_svmgpu_vm_query_attrs - Argument of
 * DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS.
 *
 * Describes [@addr, @addr + @range) of a fault-mode VM's address space
 * (uAPI 1.4) as consecutive runs of pages with the same attributes and the
 * same location, in address order, written to @attrs. The kernel writes at
 * most @num_attrs runs and sets @num_attrs to the number written; the runs
 * written cover [@addr, end of the last run) exactly, so a caller with
 * more to read asks again from there. A query also stops after looking at
 * 1 GiB of mapped memory, or on a signal, with the runs it has (-EINTR if
 * none), so it may cover less than it could hold. Locations are those of the calling
 * process's page tables; pages of an address without a CPU mapping are
 * DRM_SVMGPU_LOC_NONE. The query changes nothing: it faults nothing in and
 * moves nothing.
 *
 * Errors: -ENOENT for an unknown VM; -EINVAL as for
 * &drm_svmgpu_vm_madvise's range, for a @num_attrs of 0 or above
 * %DRM_SVMGPU_QUERY_ATTRS_MAX, unknown @flags, or non-zero @extensions;
 * -EFAULT for an unwritable @attrs; -EACCES for a fault-mode VM of another
 * process; -EOPNOTSUPP without DRM_SVMGPU_FEATURE_SVM_MIGRATE; -EINTR
 * (restartable); -ENOMEM.
 */
struct drm_svmgpu_vm_query_attrs {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @vm_id: The VM. */
	__u32 vm_id;

	/** @flags: Mask of DRM_SVMGPU_QUERY_ATTRS_*. */
	__u32 flags;

	/** @addr: Start of the range, a multiple of 4 KiB. */
	__u64 addr;

	/** @range: Size of the range, a multiple of 4 KiB. */
	__u64 range;

	/** @attrs: User pointer to an array of &struct drm_svmgpu_vm_attr. */
	__u64 attrs;

	/** @num_attrs: In: entries at @attrs. Out: entries written. */
	__u32 num_attrs;

	/** @pad: MBZ. */
	__u32 pad;
};

/*
 * Flags of &drm_svmgpu_vm_create.
 *
 * DRM_SVMGPU_VM_CREATE_FAULT_MODE: the GPU takes recoverable page faults
 * in the VM, which may then mirror the caller's address space (DOC: shared
 * virtual memory). The VM belongs to the calling process's address space.
 */
#define DRM_SVMGPU_VM_CREATE_FAULT_MODE	(1u << 0)

/**
 * struct drm_svmgpu_vm_create - Argument of DRM_IOCTL_SVMGPU_VM_CREATE.
 *
 * Errors: -EINVAL for non-zero @extensions or unknown @flags; -EOPNOTSUPP
 * for DRM_SVMGPU_VM_CREATE_FAULT_MODE when DRM_SVMGPU_FEATURE_SVM is
 * clear; -ENOSPC if the
 * file's share of page-table memory, or VRAM, is exhausted; -ENOMEM;
 * -EINTR if a signal interrupts the wait for VRAM (unless the ioctl is
 * restarted transparently).
 *
 * Page tables take VRAM as they are needed, at most
 * @drm_svmgpu_query_device_info.vram_size less vram_bo_size for the whole
 * device. All the VMs of one DRM file share an eighth of that.
 */
struct drm_svmgpu_vm_create {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @flags: Mask of DRM_SVMGPU_VM_CREATE_*. */
	__u32 flags;

	/** @vm_id: Out: the new VM's id, never 0. */
	__u32 vm_id;
};

/**
 * struct drm_svmgpu_vm_destroy - Argument of DRM_IOCTL_SVMGPU_VM_DESTROY.
 *
 * Destroys a VM: its id is released at once. Queues created on it keep it
 * alive until they are destroyed; its mappings are removed when it dies.
 * When a fault-mode VM dies (destroyed, or its file closed), the process
 * memory that its migrations moved to VRAM moves back to system memory,
 * intact, and that VRAM is free again: the process, and any fork() child
 * that shares the pages, finds it in system memory.
 *
 * Errors: -ENOENT for an unknown @vm_id; -EINVAL for non-zero @extensions
 * or @pad.
 */
struct drm_svmgpu_vm_destroy {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @vm_id: The VM. */
	__u32 vm_id;

	/** @pad: MBZ. */
	__u32 pad;
};

/* Limits of VM_BIND and EXEC. */
#define DRM_SVMGPU_MAX_SYNCS		64
#define DRM_SVMGPU_VM_BIND_MAX_OPS	1024
#define DRM_SVMGPU_EXEC_MAX_LENGTH	(1u << 20)

/*
 * Flags of &drm_svmgpu_sync.
 *
 * DRM_SVMGPU_SYNC_SIGNAL: signal the syncobj when the operation completes;
 * without it, wait for the syncobj before the operation starts.
 *
 * DRM_SVMGPU_SYNC_TIMELINE: the syncobj is a timeline and @point names the
 * point; without it, the syncobj is binary and @point MBZ.
 */
#define DRM_SVMGPU_SYNC_SIGNAL		(1u << 0)
#define DRM_SVMGPU_SYNC_TIMELINE	(1u << 1)

/**
 * struct drm_svmgpu_sync - A syncobj to wait for or to signal.
 *
 * A wait on a binary syncobj with no fence, or on a timeline point that has
 * not been submitted, fails the ioctl with -EINVAL.
 */
struct drm_svmgpu_sync {
	/** @handle: The syncobj. */
	__u32 handle;

	/** @flags: Mask of DRM_SVMGPU_SYNC_*. */
	__u32 flags;

	/** @point: Timeline point, with DRM_SVMGPU_SYNC_TIMELINE; else MBZ. */
	__u64 point;
};

/* Operations of &drm_svmgpu_vm_bind_op. */
#define DRM_SVMGPU_VM_BIND_OP_MAP	0
#define DRM_SVMGPU_VM_BIND_OP_UNMAP	1
#define DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR	2
#define DRM_SVMGPU_VM_BIND_OP_PREFETCH	3

/*
 * Flags of &drm_svmgpu_vm_bind_op.
 *
 * DRM_SVMGPU_VM_BIND_READONLY: with OP_MAP, the GPU may only read.
 * DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM: with OP_PREFETCH, to system memory
 * rather than to VRAM.
 */
#define DRM_SVMGPU_VM_BIND_READONLY	(1u << 0)
#define DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM	(1u << 1)

/**
 * struct drm_svmgpu_vm_bind_op - One operation of a VM_BIND.
 *
 * @addr, @range and, for OP_MAP, @bo_offset are multiples of 4 KiB, @range
 * is not zero, and [@addr, @addr + @range) lies inside the VM's address
 * space and above its first 64 KiB.
 *
 * OP_MAP maps [@bo_offset, @bo_offset + @range) of BO @handle at @addr.
 * The range must be free: mapping over an existing mapping is -EINVAL.
 *
 * OP_UNMAP removes every mapping in [@addr, @addr + @range), splitting
 * mappings that straddle its ends. @handle and @bo_offset MBZ. Unmapping a
 * range with no mapping is not an error. In a mirror, it also drops what
 * the GPU faulted in there.
 *
 * OP_MAP_MIRROR (uAPI 1.3, fault-mode VMs only) makes [@addr, @addr +
 * @range) mirror the same range of the process's CPU address space (DOC:
 * shared virtual memory). @handle, @bo_offset and @flags MBZ. The range must
 * be free. In a fault-mode VM, an OP_MAP inside a mirror replaces that part
 * of it, unless the GPU has faulted memory in there: then that operation
 * fails with -EBUSY, changing nothing, like other errors found when
 * applying (see &drm_svmgpu_vm_bind).
 *
 * OP_PREFETCH (uAPI 1.4, DRM_SVMGPU_FEATURE_SVM_MIGRATE) moves the mirrored
 * memory of [@addr, @addr + @range) to VRAM, or to system memory with
 * DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM, as far as it can move (DOC: SVM
 * migration), faulting in pages never touched, and maps it for the GPU,
 * so that jobs then take no faults there. Every page of the range must be
 * mirrored and mapped by the CPU. @handle and @bo_offset MBZ. A bind with
 * an OP_PREFETCH has only OP_PREFETCHes. A prefetch does not wait for the
 * VM's jobs, and GPU faults of the VM are serviced while it runs. It is
 * interruptible; an interrupted prefetch keeps what it moved, and may be
 * restarted as it is.
 */
struct drm_svmgpu_vm_bind_op {
	/** @op: DRM_SVMGPU_VM_BIND_OP_*. */
	__u32 op;

	/** @flags: Mask of DRM_SVMGPU_VM_BIND_*. */
	__u32 flags;

	/** @handle: OP_MAP: the BO. */
	__u32 handle;

	/** @pad: MBZ. */
	__u32 pad;

	/** @bo_offset: OP_MAP: offset in the BO. */
	__u64 bo_offset;

	/** @addr: GPU virtual address. */
	__u64 addr;

	/** @range: Size in bytes. */
	__u64 range;
};

/**
 * struct drm_svmgpu_vm_bind - Argument of DRM_IOCTL_SVMGPU_VM_BIND.
 *
 * Waits for every sync without DRM_SVMGPU_SYNC_SIGNAL, then applies @ops in
 * order, and finally signals every sync with DRM_SVMGPU_SYNC_SIGNAL. If any
 * operation is an OP_UNMAP, the ioctl waits for every job that may use the
 * VM's mappings before it applies any operation, and invalidates the GPU's
 * TLBs after; a bind of OP_MAPs only adds mappings, which no running job
 * can depend on, and waits for no job. The ioctl returns once the
 * operations are complete. Every wait comes before the first operation is
 * applied and is interruptible: an ioctl interrupted by a signal has
 * changed nothing and can be restarted as it is. So does the page-table
 * memory every OP_MAP needs: it is set aside, which may evict BOs from
 * VRAM, before any operation is applied, and a bind that cannot get it
 * fails with -ENOSPC having changed nothing.
 *
 * Every operation is checked before any is applied. An error that only
 * applying can find (an OP_MAP over an existing mapping, or over a busy
 * part of a mirror, -ENOMEM) stops at that operation: the operations
 * before it stay applied, and none of the syncs is signalled.
 *
 * In a fault-mode VM, an OP_UNMAP does not wait for the VM's jobs: a job
 * that accesses the range afterwards faults, and the GPU can no longer
 * reach the memory unmapped once the ioctl returns. Only the process that
 * created a fault-mode VM may bind in it.
 *
 * Errors: -ENOENT for an unknown VM, BO or syncobj; -EINVAL for malformed
 * operations or syncs, an OP_MAP over a mapping or beyond its BO, an
 * OP_MAP_MIRROR in a VM without fault mode, a
 * @num_ops of 0 or above %DRM_SVMGPU_VM_BIND_MAX_OPS, more than
 * %DRM_SVMGPU_MAX_SYNCS syncs, a wait on a syncobj or point with no fence,
 * or non-zero @extensions or @pad; -EFAULT for unreadable @ops or @syncs;
 * -EBUSY for an OP_MAP over a part of a mirror that the GPU has faulted in;
 * -EACCES for a fault-mode VM of another process;
 * for an OP_PREFETCH, -EINVAL outside a mirror, without fault mode, or in
 * a bind with other operations,
 * -EFAULT for a page without a CPU mapping, -EOPNOTSUPP without
 * DRM_SVMGPU_FEATURE_SVM_MIGRATE;
 * -ENOSPC if the OP_MAPs need page tables beyond the file's share of
 * page-table memory (see &drm_svmgpu_vm_create), or VRAM for them has
 * run out; -ENOMEM;
 * -EINTR if a signal interrupts a wait (unless the ioctl is restarted
 * transparently).
 */
struct drm_svmgpu_vm_bind {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @vm_id: The VM. */
	__u32 vm_id;

	/** @num_ops: Entries at @ops, 1 to %DRM_SVMGPU_VM_BIND_MAX_OPS. */
	__u32 num_ops;

	/** @ops: User pointer to an array of &struct drm_svmgpu_vm_bind_op. */
	__u64 ops;

	/** @num_syncs: Entries at @syncs, at most %DRM_SVMGPU_MAX_SYNCS. */
	__u32 num_syncs;

	/** @pad: MBZ. */
	__u32 pad;

	/** @syncs: User pointer to an array of &struct drm_svmgpu_sync. */
	__u64 syncs;
};

/**
 * DOC: queues and execution
 *
 * A queue feeds command buffers to one engine of the GPU in one VM. Jobs on
 * one queue run in submission order; jobs on different queues run in any
 * order their syncs allow. A job's fence signals when the job is complete,
 * with an error if it failed: -EFAULT for a GPU page fault, -EINVAL for a
 * malformed command stream, -ETIME if it did not finish in time and the
 * engine was reset. A failed job bans its queue: every later EXEC on it
 * fails with -ECANCELED, and DRM_IOCTL_SVMGPU_QUEUE_STATUS reports the
 * first error (uAPI 1.3). Other queues are not affected. The time a job may
 * run is the svmgpu module's job_timeout_ms parameter.
 *
 * Jobs are ordered explicitly: by their queue, and by syncs. A job does
 * not wait for other jobs that use the same BOs; it waits only for the
 * kernel's own work on them (moves, clears). Its fence is added to the
 * reservation of every BO mapped in its VM, as a write, so waits on a BO's
 * reservation (TTM moves, other drivers through dma-buf) see the job.
 */

/* Priorities of &drm_svmgpu_queue_create. */
#define DRM_SVMGPU_QUEUE_PRIORITY_LOW		0
#define DRM_SVMGPU_QUEUE_PRIORITY_NORMAL	1
#define DRM_SVMGPU_QUEUE_PRIORITY_HIGH		2

/**
 * struct drm_svmgpu_queue_create - Argument of DRM_IOCTL_SVMGPU_QUEUE_CREATE.
 *
 * An engine serves the queues of fault-mode VMs or those of other VMs, not
 * both at once: a job that publishes a dma-fence must never wait behind one
 * stalled on a GPU fault. Creating a queue of the other kind fails with
 * -EBUSY while the engine has queues of the first kind that are not
 * destroyed; once they all are, it waits for their last jobs to end, for
 * up to twice the job timeout, then fails with -EBUSY. Use different
 * engines for the two kinds.
 *
 * Errors: -ENOENT for an unknown VM; -EINVAL for an engine at or above
 * &drm_svmgpu_query_device_info.num_engines, an unknown priority, or
 * non-zero @extensions, @flags or @pad; -EACCES for
 * DRM_SVMGPU_QUEUE_PRIORITY_HIGH without CAP_SYS_NICE, or for a fault-mode
 * VM of another process; -EBUSY for an engine that serves queues of the
 * other kind; -EINTR if a signal interrupts the wait for the other kind's
 * jobs (unless the ioctl is restarted transparently).
 */
struct drm_svmgpu_queue_create {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @vm_id: The VM the queue's jobs run in. */
	__u32 vm_id;

	/** @engine: Index of the engine. */
	__u32 engine;

	/** @priority: DRM_SVMGPU_QUEUE_PRIORITY_*. */
	__u32 priority;

	/** @flags: MBZ. */
	__u32 flags;

	/** @queue_id: Out: the new queue's id, never 0. */
	__u32 queue_id;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * struct drm_svmgpu_queue_destroy - Argument of DRM_IOCTL_SVMGPU_QUEUE_DESTROY.
 *
 * Jobs already submitted still run and signal their fences.
 *
 * Errors: -ENOENT for an unknown queue; -EINVAL for non-zero @extensions
 * or @pad.
 */
struct drm_svmgpu_queue_destroy {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @queue_id: The queue. */
	__u32 queue_id;

	/** @pad: MBZ. */
	__u32 pad;
};

/*
 * Flags of &drm_svmgpu_exec.
 *
 * DRM_SVMGPU_EXEC_USER_FENCE (uAPI 1.3): when the job completes, the GPU
 * writes @ufence_value, 64 bits, to GPU virtual address @ufence_addr, 8-byte
 * aligned, through the VM's mappings, after every write of the job. In a
 * mirror, that is the same CPU address. If the job fails the value is not
 * written, and the queue is banned.
 */
#define DRM_SVMGPU_EXEC_USER_FENCE	(1u << 0)

/**
 * struct drm_svmgpu_exec - Argument of DRM_IOCTL_SVMGPU_EXEC.
 *
 * Submits the command buffer at GPU virtual address @address, @length
 * bytes long, to a queue. The job waits for the syncs without
 * DRM_SVMGPU_SYNC_SIGNAL, and the syncs with it receive the job's fence.
 * A queue of a fault-mode VM accepts no DRM_SVMGPU_SYNC_SIGNAL sync: its
 * jobs signal completion with DRM_SVMGPU_EXEC_USER_FENCE.
 *
 * Errors: -ENOENT for an unknown queue or syncobj; -ECANCELED if the queue
 * is banned; -EINVAL for an @address or @length that is not a multiple of
 * 4, a @length of 0 or above %DRM_SVMGPU_EXEC_MAX_LENGTH, malformed syncs,
 * more than %DRM_SVMGPU_MAX_SYNCS syncs, a wait on a syncobj or point with
 * no fence, a DRM_SVMGPU_SYNC_SIGNAL sync on a fault-mode VM's queue, a
 * @ufence_addr that is misaligned or outside the VM's mappable range,
 * unknown @flags, non-zero @ufence_addr or
 * @ufence_value without DRM_SVMGPU_EXEC_USER_FENCE, or non-zero
 * @extensions; -EOPNOTSUPP for DRM_SVMGPU_EXEC_USER_FENCE when
 * DRM_SVMGPU_FEATURE_SVM is clear; -EACCES for a fault-mode VM's queue
 * used by another process than the VM's; -EFAULT for unreadable @syncs.
 */
struct drm_svmgpu_exec {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @queue_id: The queue. */
	__u32 queue_id;

	/** @num_syncs: Entries at @syncs, at most %DRM_SVMGPU_MAX_SYNCS. */
	__u32 num_syncs;

	/** @syncs: User pointer to an array of &struct drm_svmgpu_sync. */
	__u64 syncs;

	/** @address: GPU virtual address of the command buffer. */
	__u64 address;

	/** @length: Length of the command buffer in bytes. */
	__u32 length;

	/** @flags: Mask of DRM_SVMGPU_EXEC_*. */
	__u32 flags;

	/**
	 * @ufence_addr: With DRM_SVMGPU_EXEC_USER_FENCE, where the GPU
	 * writes @ufence_value; else MBZ (uAPI 1.3).
	 */
	__u64 ufence_addr;

	/** @ufence_value: With DRM_SVMGPU_EXEC_USER_FENCE, the value; else MBZ. */
	__u64 ufence_value;
};

/* Accesses, as &drm_svmgpu_queue_status.fault_access reports them. */
#define DRM_SVMGPU_ACCESS_READ		0
#define DRM_SVMGPU_ACCESS_WRITE		1
#define DRM_SVMGPU_ACCESS_ATOMIC	2

/**
 * struct drm_svmgpu_queue_status - DRM_IOCTL_SVMGPU_QUEUE_STATUS.
 *
 * Says whether a queue is banned, and why: the error of the first job that
 * failed on it (uAPI 1.3). Any queue may be asked; for a fault-mode VM's
 * queue, whose jobs have no fence to carry their error, it is how user
 * space learns what went wrong.
 *
 * Errors: -ENOENT for an unknown @queue_id; -EINVAL for non-zero
 * @extensions, @flags or @pad.
 */
struct drm_svmgpu_queue_status {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @queue_id: The queue. */
	__u32 queue_id;

	/** @flags: MBZ. */
	__u32 flags;

	/** @banned: Out: 1 if a job failed and EXEC refuses new ones, else 0. */
	__u32 banned;

	/**
	 * @error: Out: the negative errno of the first job that failed, as
	 * its fence would carry it (-EFAULT for a GPU page fault the driver
	 * could not resolve, -EINVAL for a malformed command stream, -ETIME
	 * for a hang, -ECANCELED for a job dropped with its file), or 0.
	 */
	__s32 error;

	/** @fault_address: Out: with -EFAULT, the GPU address that faulted. */
	__u64 fault_address;

	/** @fault_access: Out: with -EFAULT, a DRM_SVMGPU_ACCESS_*. */
	__u32 fault_access;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * struct drm_svmgpu_wait_user_fence - DRM_IOCTL_SVMGPU_WAIT_USER_FENCE.
 *
 * Waits until the 64-bit value at CPU address @addr, 8-byte aligned,
 * satisfies (value & @mask) OP (@value & @mask), OP being @op, one of the
 * DRM_SVMGPU_WAIT_* comparisons of the WAIT_MEM command (unsigned; the
 * DRM_SVMGPU_WAIT_64 flag is implied and not accepted). The value is read
 * by the caller, so @addr is in the caller's address space; with a
 * mirror, it is the @ufence_addr an EXEC gave.
 *
 * @timeout_ns is an absolute CLOCK_MONOTONIC time: the ioctl can be
 * restarted after a signal with the same arguments, as libdrm's drmIoctl()
 * does. A @timeout_ns in the past checks the value once.
 *
 * If @queue_id names a queue of the caller, the wait ends with -ECANCELED
 * as soon as that queue is banned, because the job that would have
 * written the value failed.
 *
 * Errors: -ETIME if the condition does not hold at @timeout_ns;
 * -ECANCELED as above; -EFAULT if @addr cannot be read; -ENOENT for an
 * unknown @queue_id; -EINVAL for a misaligned @addr, an unknown @op,
 * non-zero @extensions, @flags or @pad; -EOPNOTSUPP when
 * DRM_SVMGPU_FEATURE_SVM is clear; -EINTR if a signal interrupts the wait
 * (unless the ioctl is restarted transparently).
 */
struct drm_svmgpu_wait_user_fence {
	/** @extensions: Pointer to the first extension. MBZ. */
	__u64 extensions;

	/** @addr: CPU address of the value, 8-byte aligned. */
	__u64 addr;

	/** @value: The value to compare with. */
	__u64 value;

	/** @mask: Bits of the value that are compared. */
	__u64 mask;

	/** @timeout_ns: Absolute CLOCK_MONOTONIC deadline, in ns. */
	__s64 timeout_ns;

	/** @op: DRM_SVMGPU_WAIT_EQ to DRM_SVMGPU_WAIT_LTE. */
	__u32 op;

	/** @queue_id: A queue whose ban ends the wait, or 0. */
	__u32 queue_id;

	/** @flags: MBZ. */
	__u32 flags;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * DOC: command stream
 *
 * A command buffer is a sequence of commands in little-endian 32-bit
 * words, fetched by the engine through the GPU MMU. Each command starts
 * with a header word:
 *
 * - bits 0-7: the opcode, DRM_SVMGPU_CMD_*;
 * - bits 8-15: the opcode's flags;
 * - bits 16-31: the command's length in words, header included.
 *
 * 64-bit operands are two words, low word first. The job ends at
 * DRM_SVMGPU_CMD_END. A command with an unknown opcode, unknown flags, a
 * length that differs from its opcode's, or that runs past the end of the
 * buffer, or a buffer that ends without END, fails the job with -EINVAL.
 * A misaligned operand address fails it with -EINVAL; an access the GPU
 * MMU refuses fails it with -EFAULT.
 *
 * Commands, with their length in words:
 *
 * Operand addresses must be naturally aligned to the access: 4 bytes for
 * 32-bit values, 8 for 64-bit ones. For 32-bit operations, the high words
 * of 64-bit value operands are ignored.
 *
 * - NOP (1 or more): does nothing; any words after the header are skipped.
 * - END (1): ends the job.
 * - WRITE_IMM (5): address, value. Writes the low 32 bits of value to a
 *   4-byte aligned address, or with DRM_SVMGPU_CMD_WRITE_IMM_64 all 64 bits
 *   to an 8-byte aligned address.
 * - COPY (7): source, destination, size. Copies size bytes; any alignment
 *   and size, 0 included; the ranges may span several mappings.
 *   Overlapping ranges give undefined contents.
 * - FILL (7): destination, pattern (one word), one MBZ word, size. Fills
 *   size bytes with the 32-bit pattern; destination and size are multiples
 *   of 4, and size may be 0.
 * - ATOMIC (9): address, operand, compare, result address. Performs the
 *   operation in flags bits 0-2 (DRM_SVMGPU_ATOMIC_*) atomically on a
 *   32-bit value, or with DRM_SVMGPU_ATOMIC_64 a 64-bit one, at a naturally
 *   aligned address. ADD adds operand, XCHG stores operand, CMPXCHG stores
 *   operand if the value equals compare, INC adds one; compare is ignored
 *   but by CMPXCHG, operand by INC, and operations 4-7 are invalid. With
 *   DRM_SVMGPU_ATOMIC_RETURN the old value is written to result address
 *   (with the operation's width and alignment); otherwise result address
 *   MBZ. The operation is atomic against the CPU and every engine.
 * - WAIT_MEM (7): address, value, mask. Waits until
 *   (*address & mask) OP value holds, OP being flags bits 0-2
 *   (DRM_SVMGPU_WAIT_*; 6 and 7 are invalid), on 32 bits or
 *   with DRM_SVMGPU_WAIT_64 on 64. A wait that never ends is a hang: the
 *   job times out (-ETIME).
 * - TIMESTAMP (3): address. Writes the GPU clock, 64 bits, to an 8-byte
 *   aligned address: nanoseconds of the CPU's CLOCK_MONOTONIC_RAW.
 * - DISPATCH (10, uAPI 1.5, DRM_SVMGPU_FEATURE_COMPUTE): program address,
 *   program length, grid x, grid y, grid z, argument, one MBZ word. Runs
 *   a compute program (DOC: compute ISA) once per work item of an
 *   x * y * z grid. The program address is 8-byte aligned; the length
 *   counts instructions, 1 to DRM_SVMGPU_PROGRAM_MAX_INSNS; each grid
 *   dimension is one word, at least 1 (a 1-D grid has y = z = 1), and
 *   x * y * z must fit in 64 bits. The argument is a 64-bit value, usually
 *   a GPU pointer, that every work item receives. The command ends when
 *   every work item has exited; work items run in no defined order, on
 *   several compute threads at once.
 */
#define DRM_SVMGPU_CMD_NOP		0x00
#define DRM_SVMGPU_CMD_END		0x01
#define DRM_SVMGPU_CMD_WRITE_IMM	0x02
#define DRM_SVMGPU_CMD_COPY		0x03
#define DRM_SVMGPU_CMD_FILL		0x04
#define DRM_SVMGPU_CMD_ATOMIC		0x05
#define DRM_SVMGPU_CMD_WAIT_MEM		0x06
#define DRM_SVMGPU_CMD_TIMESTAMP	0x07
#define DRM_SVMGPU_CMD_DISPATCH		0x08

/* Builds a header word. */
#define DRM_SVMGPU_CMD_HEADER(opcode, flags, len) \
	(((__u32)(opcode) & 0xff) | (((__u32)(flags) & 0xff) << 8) | \
	 (((__u32)(len) & 0xffff) << 16))

/* Flags of WRITE_IMM. */
#define DRM_SVMGPU_CMD_WRITE_IMM_64	(1u << 0)

/* Operations and flags of ATOMIC. */
#define DRM_SVMGPU_ATOMIC_ADD		0
#define DRM_SVMGPU_ATOMIC_XCHG		1
#define DRM_SVMGPU_ATOMIC_CMPXCHG	2
#define DRM_SVMGPU_ATOMIC_INC		3
#define DRM_SVMGPU_ATOMIC_64		(1u << 3)
#define DRM_SVMGPU_ATOMIC_RETURN	(1u << 4)

/* Comparisons and flags of WAIT_MEM. */
#define DRM_SVMGPU_WAIT_EQ		0
#define DRM_SVMGPU_WAIT_NE		1
#define DRM_SVMGPU_WAIT_GT		2
#define DRM_SVMGPU_WAIT_GTE		3
#define DRM_SVMGPU_WAIT_LT		4
#define DRM_SVMGPU_WAIT_LTE		5
#define DRM_SVMGPU_WAIT_64		(1u << 3)

/**
 * DOC: compute ISA
 *
 * DRM_SVMGPU_CMD_DISPATCH runs a program of the compute ISA (uAPI 1.5,
 * DRM_SVMGPU_FEATURE_COMPUTE). A program is an array of 64-bit
 * little-endian instructions in GPU memory, 8-byte aligned, that the
 * engine fetches through the GPU MMU and decodes once per dispatch,
 * before any work item runs.
 *
 * Work items. Each work item has 16 64-bit registers, r0 to r15, and a
 * program counter; it starts at the first instruction with:
 *
 * - r0: the work item's linear id, x + y * grid_x + z * grid_x * grid_y;
 * - r1: the dispatch's argument;
 * - r2, r3, r4: its x, y and z;
 * - r5 to r15: zero.
 *
 * No register is special: each may be read and written. Work items share
 * nothing but memory, and run in no defined order.
 *
 * Encoding. Bits of an instruction, low to high:
 *
 * - 0-7: opcode, DRM_SVMGPU_OP_*;
 * - 8-12: rd, the destination register;
 * - 13-17: ra, the first source register;
 * - 18-22: rb, the second source register;
 * - 23-27: rc, the third source register;
 * - 28-30: MBZ;
 * - 31: DRM_SVMGPU_INSN_IMM: the second operand is imm instead of rb;
 *   allowed on ADD to SGEU and on MAD only;
 * - 32-63: imm, a signed 32-bit immediate, sign-extended to 64 bits.
 *
 * Register fields hold 0 to 15. A field or immediate that an instruction
 * does not use must be zero. DRM_SVMGPU_INSN() builds an instruction.
 *
 * Below, "b" is rb, or imm with DRM_SVMGPU_INSN_IMM; "addr" is ra + imm.
 * Arithmetic is on 64 bits and wraps; "signed" compares take the
 * registers as two's complement.
 *
 * ALU, rd = ...:
 *
 * - ADD: ra + b. SUB: ra - b. MUL: the low 64 bits of ra * b.
 * - AND, OR, XOR: bitwise.
 * - SHL: ra << b. SHR: ra >> b, shifting in zeros. SAR: ra >> b, shifting
 *   in copies of bit 63. The shift count is b taken as unsigned: a count
 *   of 64 or more gives 0 for SHL and SHR, and 0 or -1 (the sign) for SAR.
 * - SEQ, SNE: 1 if ra == b (ra != b), else 0. SLT, SGE: 1 if ra < b
 *   (ra >= b), signed, else 0. SLTU, SGEU: the same, unsigned.
 * - MAD: ra * b + rc, low 64 bits.
 * - LI: imm (sign-extended); ra, rb and rc are zero and
 *   DRM_SVMGPU_INSN_IMM is clear, as for LIH. LIH: (rd & 0xffffffff) |
 *   (imm << 32): with LI, builds any 64-bit constant.
 *
 * Memory, at addr, which must be naturally aligned to the access's size:
 *
 * - LD8, LD16, LD32, LD64: rd = the value, zero-extended.
 * - LDS8, LDS16, LDS32: rd = the value, sign-extended.
 * - ST8, ST16, ST32, ST64: store the low bits of rb; rd is zero.
 * - Atomics, on 32 bits (AADD32 ... AMAXU32) or 64 (AADD64 ... AMAXU64):
 *   rd = the old value, zero-extended; the new value is old + rb (AADD),
 *   rb (AXCHG), rb if old == rc (ACMPXCHG), the signed minimum or maximum
 *   of old and rb (AMIN, AMAX), or the unsigned ones (AMINU, AMAXU). The
 *   32-bit atomics use the low 32 bits of rb and rc, and their signed
 *   forms take those as 32-bit two's complement. Only ACMPXCHG uses rc.
 *   An atomic is atomic against the CPU and every engine.
 *
 * Control; branch offsets are imm, in instructions, relative to the
 * branch itself:
 *
 * - BR: jump. BZ, BNZ: jump if ra == 0 (ra != 0).
 * - BEQ, BNE, BLT, BGE, BLTU, BGEU: jump if ra compares so with rb,
 *   signed or unsigned (U).
 * - FENCE: a full memory barrier: the work item's earlier loads and
 *   stores are ordered before its later ones, for every observer. There
 *   is no barrier between work items.
 * - EXIT: the work item ends.
 *
 * Validation. Decoding fails the job with -EINVAL, before any work item
 * runs, for an unknown opcode, a register field above 15, a non-zero MBZ
 * bit or unused field, DRM_SVMGPU_INSN_IMM where it is not allowed, a
 * branch whose target is outside the program, or a last
 * instruction that is neither EXIT nor BR (so no work item can run past
 * the end).
 *
 * Execution. Every load, store and atomic goes through the GPU MMU. In a
 * fault-mode VM, an access that faults stalls its work item until the
 * fault is serviced, and the instruction is then run again; other work
 * items carry on meanwhile. An access that cannot be translated, or that
 * is misaligned, ends the job with -EFAULT at that address; the other
 * work items stop soon after, and what they stored stays stored. Each
 * work item may run the number of instructions that the compute_budget
 * module parameter sets (0 for no limit); one that runs more ends the job
 * with -ETIME, as a hang does. The count is checked at taken branches and
 * at EXIT, so a work item may run past its budget by up to its program's
 * length before it stops. The job timeout also
 * applies: a dispatch that runs too long is a hang, and its engine is
 * reset.
 */
#define DRM_SVMGPU_PROGRAM_MAX_INSNS	4096

#define DRM_SVMGPU_INSN_IMM		(1u << 31)

/* Builds an instruction from its fields; imm is a signed 32-bit value. */
#define DRM_SVMGPU_INSN(op, rd, ra, rb, rc, imm) \
	((__u64)(((__u32)(op) & 0xff) | (((__u32)(rd) & 0x1f) << 8) | \
		 (((__u32)(ra) & 0x1f) << 13) | (((__u32)(rb) & 0x1f) << 18) | \
		 (((__u32)(rc) & 0x1f) << 23)) | \
	 ((__u64)(__u32)(imm) << 32))

/* ALU: rd = ra op b; with DRM_SVMGPU_INSN_IMM, b is imm. */
#define DRM_SVMGPU_OP_ADD		0x01
#define DRM_SVMGPU_OP_SUB		0x02
#define DRM_SVMGPU_OP_MUL		0x03
#define DRM_SVMGPU_OP_AND		0x04
#define DRM_SVMGPU_OP_OR		0x05
#define DRM_SVMGPU_OP_XOR		0x06
#define DRM_SVMGPU_OP_SHL		0x07
#define DRM_SVMGPU_OP_SHR		0x08
#define DRM_SVMGPU_OP_SAR		0x09
#define DRM_SVMGPU_OP_SEQ		0x0a
#define DRM_SVMGPU_OP_SNE		0x0b
#define DRM_SVMGPU_OP_SLT		0x0c
#define DRM_SVMGPU_OP_SGE		0x0d
#define DRM_SVMGPU_OP_SLTU		0x0e
#define DRM_SVMGPU_OP_SGEU		0x0f
#define DRM_SVMGPU_OP_MAD		0x10
#define DRM_SVMGPU_OP_LI		0x11
#define DRM_SVMGPU_OP_LIH		0x12

/* Loads and stores at ra + imm. */
#define DRM_SVMGPU_OP_LD8		0x20
#define DRM_SVMGPU_OP_LD16		0x21
#define DRM_SVMGPU_OP_LD32		0x22
#define DRM_SVMGPU_OP_LD64		0x23
#define DRM_SVMGPU_OP_LDS8		0x24
#define DRM_SVMGPU_OP_LDS16		0x25
#define DRM_SVMGPU_OP_LDS32		0x26
#define DRM_SVMGPU_OP_ST8		0x28
#define DRM_SVMGPU_OP_ST16		0x29
#define DRM_SVMGPU_OP_ST32		0x2a
#define DRM_SVMGPU_OP_ST64		0x2b

/* Atomics at ra + imm: rd = old value. */
#define DRM_SVMGPU_OP_AADD32		0x30
#define DRM_SVMGPU_OP_AXCHG32		0x31
#define DRM_SVMGPU_OP_ACMPXCHG32	0x32
#define DRM_SVMGPU_OP_AMIN32		0x33
#define DRM_SVMGPU_OP_AMAX32		0x34
#define DRM_SVMGPU_OP_AMINU32		0x35
#define DRM_SVMGPU_OP_AMAXU32		0x36
#define DRM_SVMGPU_OP_AADD64		0x38
#define DRM_SVMGPU_OP_AXCHG64		0x39
#define DRM_SVMGPU_OP_ACMPXCHG64	0x3a
#define DRM_SVMGPU_OP_AMIN64		0x3b
#define DRM_SVMGPU_OP_AMAX64		0x3c
#define DRM_SVMGPU_OP_AMINU64		0x3d
#define DRM_SVMGPU_OP_AMAXU64		0x3e

/* Control. */
#define DRM_SVMGPU_OP_BR		0x40
#define DRM_SVMGPU_OP_BZ		0x41
#define DRM_SVMGPU_OP_BNZ		0x42
#define DRM_SVMGPU_OP_BEQ		0x43
#define DRM_SVMGPU_OP_BNE		0x44
#define DRM_SVMGPU_OP_BLT		0x45
#define DRM_SVMGPU_OP_BGE		0x46
#define DRM_SVMGPU_OP_BLTU		0x47
#define DRM_SVMGPU_OP_BGEU		0x48
#define DRM_SVMGPU_OP_FENCE		0x50
#define DRM_SVMGPU_OP_EXIT		0x51

#define DRM_IOCTL_SVMGPU_DEVICE_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SVMGPU_DEVICE_QUERY, \
		 struct drm_svmgpu_device_query)
#define DRM_IOCTL_SVMGPU_GEM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SVMGPU_GEM_CREATE, \
		 struct drm_svmgpu_gem_create)
#define DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SVMGPU_GEM_MMAP_OFFSET, \
		 struct drm_svmgpu_gem_mmap_offset)
#define DRM_IOCTL_SVMGPU_VM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SVMGPU_VM_CREATE, \
		 struct drm_svmgpu_vm_create)
#define DRM_IOCTL_SVMGPU_VM_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_SVMGPU_VM_DESTROY, \
		struct drm_svmgpu_vm_destroy)
#define DRM_IOCTL_SVMGPU_VM_BIND \
	DRM_IOW(DRM_COMMAND_BASE + DRM_SVMGPU_VM_BIND, \
		struct drm_svmgpu_vm_bind)
#define DRM_IOCTL_SVMGPU_QUEUE_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SVMGPU_QUEUE_CREATE, \
		 struct drm_svmgpu_queue_create)
#define DRM_IOCTL_SVMGPU_QUEUE_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_SVMGPU_QUEUE_DESTROY, \
		struct drm_svmgpu_queue_destroy)
#define DRM_IOCTL_SVMGPU_EXEC \
	DRM_IOW(DRM_COMMAND_BASE + DRM_SVMGPU_EXEC, struct drm_svmgpu_exec)
#define DRM_IOCTL_SVMGPU_GEM_MIGRATE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_SVMGPU_GEM_MIGRATE, \
		struct drm_svmgpu_gem_migrate)
#define DRM_IOCTL_SVMGPU_GEM_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SVMGPU_GEM_INFO, \
		 struct drm_svmgpu_gem_info)
#define DRM_IOCTL_SVMGPU_WAIT_USER_FENCE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_SVMGPU_WAIT_USER_FENCE, \
		struct drm_svmgpu_wait_user_fence)
#define DRM_IOCTL_SVMGPU_QUEUE_STATUS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SVMGPU_QUEUE_STATUS, \
		 struct drm_svmgpu_queue_status)
#define DRM_IOCTL_SVMGPU_VM_MADVISE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_SVMGPU_VM_MADVISE, \
		struct drm_svmgpu_vm_madvise)
#define DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_SVMGPU_VM_QUERY_ATTRS, \
		 struct drm_svmgpu_vm_query_attrs)

#if defined(__cplusplus)
}
#endif

#endif /* _SVMGPU_DRM_H_ */
