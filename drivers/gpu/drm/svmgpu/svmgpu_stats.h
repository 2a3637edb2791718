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
