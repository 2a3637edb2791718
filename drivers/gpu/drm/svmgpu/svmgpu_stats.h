/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef __SVMGPU_STATS_H__
#define __SVMGPU_STATS_H__

#include <linux/atomic.h>
#include <linux/types.h>

struct drm_printer;

/**
 * enum svmgpu_stat - Device-wide event counters, shown in debugfs.
 * @SVMGPU_STAT_MOVES_TO_VRAM: BO moves from system memory to VRAM.
 * @SVMGPU_STAT_MOVES_TO_SYSTEM: BO moves from VRAM to system memory,
 *	evictions included.
 * @SVMGPU_STAT_BYTES_TO_VRAM: Bytes copied by moves to VRAM.
 * @SVMGPU_STAT_BYTES_TO_SYSTEM: Bytes copied by moves to system memory.
 * @SVMGPU_STAT_EVICTIONS: Moves out of VRAM that TTM made for room.
 * @SVMGPU_STAT_EVICTED_BYTES: Bytes of those.
 * @SVMGPU_STAT_SWAPOUTS: BOs that TTM swapped out to shmem.
 * @SVMGPU_STAT_SWAPPED_OUT_BYTES: Bytes of those.
 * @SVMGPU_STAT_CLEARS: New VRAM BOs zeroed by the copy engine.
 * @SVMGPU_STAT_CLEARED_BYTES: Bytes of those.
 * @SVMGPU_STAT_CPU_FAULTS: CPU page faults on BO mappings.
 * @SVMGPU_STAT_EXCLUSIVE_RETRIES: EXECs, BO creations and migrations that
 *	ran out of VRAM and retried holding evict_sem exclusively.
 * @SVMGPU_STAT_SVM_FAULTS_4K: GPU faults on the mirror serviced with a 4 KiB
 *	range; the 64K and 2M counters follow, in that order, as for the
 *	next three groups.
 * @SVMGPU_STAT_SVM_FAULTS_64K: With a 64 KiB range.
 * @SVMGPU_STAT_SVM_FAULTS_2M: With a 2 MiB range.
 * @SVMGPU_STAT_SVM_VALID_4K: Of those, found valid already (another fault
 *	of the batch, or a racing engine, had mapped the range).
 * @SVMGPU_STAT_SVM_VALID_64K: Same, 64 KiB.
 * @SVMGPU_STAT_SVM_VALID_2M: Same, 2 MiB.
 * @SVMGPU_STAT_SVM_FAULT_NS_4K: Time servicing them, in ns, from the
 *	worker's pop to the reply.
 * @SVMGPU_STAT_SVM_FAULT_NS_64K: Same, 64 KiB.
 * @SVMGPU_STAT_SVM_FAULT_NS_2M: Same, 2 MiB.
 * @SVMGPU_STAT_SVM_HMM_NS_4K: Of that, time in hmm_range_fault(), in ns.
 * @SVMGPU_STAT_SVM_HMM_NS_64K: Same, 64 KiB.
 * @SVMGPU_STAT_SVM_HMM_NS_2M: Same, 2 MiB.
 * @SVMGPU_STAT_SVM_FAULTS_FAILED: Unrecoverable GPU faults.
 * @SVMGPU_STAT_SVM_BO_FAULTS: GPU faults on BO mappings of fault-mode VMs
 *	(after a move cleared them).
 * @SVMGPU_STAT_SVM_RETRIES: hmm_range_fault() runs repeated because of
 *	-EBUSY or a concurrent invalidation.
 * @SVMGPU_STAT_SVM_INVALIDATIONS: Notifier invalidations that cleared GPU
 *	mappings.
 * @SVMGPU_STAT_SVM_TLB_INVALIDATIONS: TLB invalidations they issued.
 * @SVMGPU_STAT_SVM_TLB_NS: Time waiting for those, in ns.
 * @SVMGPU_STAT_SVM_GC_RANGES: Ranges freed by the garbage collector after
 *	the CPU unmapped them.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_4K: Ranges of 4 KiB that moved, at
 *	least partly, to VRAM; 64K and 2M follow.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_64K: Same, 64 KiB.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_2M: Same, 2 MiB.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_BYTES_4K: Bytes those of 4 KiB moved;
 *	64K and 2M follow.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_BYTES_64K: Same, 64 KiB.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_BYTES_2M: Same, 2 MiB.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS_4K: Their time, in ns; 64K and 2M
 *	follow.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS_64K: Same, 64 KiB.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS_2M: Same, 2 MiB.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_PAGES: Pages moved to VRAM.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS: Time of those migrations, in ns,
 *	VRAM allocation and copy included.
 * @SVMGPU_STAT_SVM_MIGRATE_ALLOC_NS: Of that, time allocating VRAM
 *	(evictions included), in ns.
 * @SVMGPU_STAT_SVM_COPY_TO_VRAM_NS: Of that, time copying, in ns.
 * @SVMGPU_STAT_SVM_MM_TO_VRAM_NS: Of that, time in the core mm's
 *	migrate_vma_setup(), migrate_vma_pages() and migrate_vma_finalize(),
 *	in ns: what a migration costs however fast the copy is.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_RAM: Migrations to system memory (CPU
 *	faults, prefetches, evictions) that moved pages.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_RAM_PAGES: Pages they moved.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS: Their time, in ns.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_RAM_4K: Of those, the ones of blocks under
 *	64 KiB; 64K (under 2 MiB) and 2M follow. A block is what one
 *	migration looks at: a mirror range, a chunk, or for a CPU fault the
 *	chunk-sized block around the address, clipped to its VMA.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_RAM_64K: Same, 64 KiB.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_RAM_2M: Same, 2 MiB.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_RAM_BYTES_4K: Bytes those of 4 KiB moved;
 *	64K and 2M follow.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_RAM_BYTES_64K: Same, 64 KiB.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_RAM_BYTES_2M: Same, 2 MiB.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS_4K: Their time, in ns; 64K and 2M
 *	follow.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS_64K: Same, 64 KiB.
 * @SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS_2M: Same, 2 MiB.
 * @SVMGPU_STAT_SVM_COPY_TO_RAM_NS: Of that, time copying, in ns.
 * @SVMGPU_STAT_SVM_MM_TO_RAM_NS: Of that, time in the core mm's
 *	migrate_vma_*() or migrate_device_*() calls, in ns.
 * @SVMGPU_STAT_SVM_CPU_FAULTS: CPU faults (and get_user_pages()) on
 *	device pages.
 * @SVMGPU_STAT_SVM_EVICTIONS: Chunks of VRAM that TTM or teardown emptied.
 * @SVMGPU_STAT_SVM_EVICTED_PAGES: Pages those moved to system memory.
 * @SVMGPU_STAT_SVM_THRASH_HOLDS: GPU faults that left a range in system
 *	memory because the CPU had just moved it there.
 * @SVMGPU_STAT_SVM_PREFETCHES: Ranges that OP_PREFETCH processed.
 * @SVMGPU_STAT_SVM_COPY_FALLBACKS: Migration copies the copy engine failed
 *	and the CPU did.
 * @SVMGPU_STAT_COMPUTE_DISPATCHES: DISPATCH commands the engines ran,
 *	failed ones included.
 * @SVMGPU_STAT_COMPUTE_INSNS: Instructions their work items ran.
 * @SVMGPU_STAT_COUNT: Number of counters.
 */
enum svmgpu_stat {
	SVMGPU_STAT_MOVES_TO_VRAM,
	SVMGPU_STAT_MOVES_TO_SYSTEM,
	SVMGPU_STAT_BYTES_TO_VRAM,
	SVMGPU_STAT_BYTES_TO_SYSTEM,
	SVMGPU_STAT_EVICTIONS,
	SVMGPU_STAT_EVICTED_BYTES,
	SVMGPU_STAT_SWAPOUTS,
	SVMGPU_STAT_SWAPPED_OUT_BYTES,
	SVMGPU_STAT_CLEARS,
	SVMGPU_STAT_CLEARED_BYTES,
	SVMGPU_STAT_CPU_FAULTS,
	SVMGPU_STAT_EXCLUSIVE_RETRIES,
	SVMGPU_STAT_SVM_FAULTS_4K,
	SVMGPU_STAT_SVM_FAULTS_64K,
	SVMGPU_STAT_SVM_FAULTS_2M,
	SVMGPU_STAT_SVM_VALID_4K,
	SVMGPU_STAT_SVM_VALID_64K,
	SVMGPU_STAT_SVM_VALID_2M,
	SVMGPU_STAT_SVM_FAULT_NS_4K,
	SVMGPU_STAT_SVM_FAULT_NS_64K,
	SVMGPU_STAT_SVM_FAULT_NS_2M,
	SVMGPU_STAT_SVM_HMM_NS_4K,
	SVMGPU_STAT_SVM_HMM_NS_64K,
	SVMGPU_STAT_SVM_HMM_NS_2M,
	SVMGPU_STAT_SVM_FAULTS_FAILED,
	SVMGPU_STAT_SVM_BO_FAULTS,
	SVMGPU_STAT_SVM_RETRIES,
	SVMGPU_STAT_SVM_INVALIDATIONS,
	SVMGPU_STAT_SVM_TLB_INVALIDATIONS,
	SVMGPU_STAT_SVM_TLB_NS,
	SVMGPU_STAT_SVM_GC_RANGES,
	SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_4K,
	SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_64K,
	SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_2M,
	SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_BYTES_4K,
	SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_BYTES_64K,
	SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_BYTES_2M,
	SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS_4K,
	SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS_64K,
	SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS_2M,
	SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_PAGES,
	SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS,
	SVMGPU_STAT_SVM_MIGRATE_ALLOC_NS,
	SVMGPU_STAT_SVM_COPY_TO_VRAM_NS,
	SVMGPU_STAT_SVM_MM_TO_VRAM_NS,
	SVMGPU_STAT_SVM_MIGRATE_TO_RAM,
	SVMGPU_STAT_SVM_MIGRATE_TO_RAM_PAGES,
	SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS,
	SVMGPU_STAT_SVM_MIGRATE_TO_RAM_4K,
	SVMGPU_STAT_SVM_MIGRATE_TO_RAM_64K,
	SVMGPU_STAT_SVM_MIGRATE_TO_RAM_2M,
	SVMGPU_STAT_SVM_MIGRATE_TO_RAM_BYTES_4K,
	SVMGPU_STAT_SVM_MIGRATE_TO_RAM_BYTES_64K,
	SVMGPU_STAT_SVM_MIGRATE_TO_RAM_BYTES_2M,
	SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS_4K,
	SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS_64K,
	SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS_2M,
	SVMGPU_STAT_SVM_COPY_TO_RAM_NS,
	SVMGPU_STAT_SVM_MM_TO_RAM_NS,
	SVMGPU_STAT_SVM_CPU_FAULTS,
	SVMGPU_STAT_SVM_EVICTIONS,
	SVMGPU_STAT_SVM_EVICTED_PAGES,
	SVMGPU_STAT_SVM_THRASH_HOLDS,
	SVMGPU_STAT_SVM_PREFETCHES,
	SVMGPU_STAT_SVM_COPY_FALLBACKS,
	SVMGPU_STAT_COMPUTE_DISPATCHES,
	SVMGPU_STAT_COMPUTE_INSNS,
	SVMGPU_STAT_COUNT,
};

/**
 * struct svmgpu_stats - The counters of one device.
 */
struct svmgpu_stats {
	/** @counters: Indexed by &enum svmgpu_stat; monotonic. */
	atomic64_t counters[SVMGPU_STAT_COUNT];
};

/**
 * svmgpu_stats_add() - Count an event.
 * @stats: The device's counters.
 * @stat: Which counter.
 * @value: How much to add.
 *
 * Lock-free; callable from any context.
 */
static inline void svmgpu_stats_add(struct svmgpu_stats *stats,
				    enum svmgpu_stat stat, u64 value)
{
	atomic64_add(value, &stats->counters[stat]);
}

void svmgpu_stats_print(struct svmgpu_stats *stats, struct drm_printer *p);

#endif /* __SVMGPU_STATS_H__ */
