// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <drm/drm_print.h>

#include "svmgpu_stats.h"

/**
 * DOC: stats
 *
 * Device-wide counters of memory-management events, in the spirit of
 * xe_gt_stats: atomic, never reset, and printed by the debugfs file
 * "bo_stats" as "name: value" lines, in the order of &enum svmgpu_stat.
 */

static const char *const svmgpu_stat_names[SVMGPU_STAT_COUNT] = {
	[SVMGPU_STAT_MOVES_TO_VRAM] = "moves_to_vram",
	[SVMGPU_STAT_MOVES_TO_SYSTEM] = "moves_to_system",
	[SVMGPU_STAT_BYTES_TO_VRAM] = "bytes_to_vram",
	[SVMGPU_STAT_BYTES_TO_SYSTEM] = "bytes_to_system",
	[SVMGPU_STAT_EVICTIONS] = "evictions",
	[SVMGPU_STAT_EVICTED_BYTES] = "evicted_bytes",
	[SVMGPU_STAT_SWAPOUTS] = "swapouts",
	[SVMGPU_STAT_SWAPPED_OUT_BYTES] = "swapped_out_bytes",
	[SVMGPU_STAT_CLEARS] = "clears",
	[SVMGPU_STAT_CLEARED_BYTES] = "cleared_bytes",
	[SVMGPU_STAT_CPU_FAULTS] = "cpu_faults",
	[SVMGPU_STAT_EXCLUSIVE_RETRIES] = "exclusive_retries",
	[SVMGPU_STAT_SVM_FAULTS_4K] = "svm_faults_4k",
	[SVMGPU_STAT_SVM_FAULTS_64K] = "svm_faults_64k",
	[SVMGPU_STAT_SVM_FAULTS_2M] = "svm_faults_2m",
	[SVMGPU_STAT_SVM_VALID_4K] = "svm_faults_valid_4k",
	[SVMGPU_STAT_SVM_VALID_64K] = "svm_faults_valid_64k",
	[SVMGPU_STAT_SVM_VALID_2M] = "svm_faults_valid_2m",
	[SVMGPU_STAT_SVM_FAULT_NS_4K] = "svm_fault_ns_4k",
	[SVMGPU_STAT_SVM_FAULT_NS_64K] = "svm_fault_ns_64k",
	[SVMGPU_STAT_SVM_FAULT_NS_2M] = "svm_fault_ns_2m",
	[SVMGPU_STAT_SVM_HMM_NS_4K] = "svm_hmm_ns_4k",
	[SVMGPU_STAT_SVM_HMM_NS_64K] = "svm_hmm_ns_64k",
	[SVMGPU_STAT_SVM_HMM_NS_2M] = "svm_hmm_ns_2m",
	[SVMGPU_STAT_SVM_FAULTS_FAILED] = "svm_faults_failed",
	[SVMGPU_STAT_SVM_BO_FAULTS] = "svm_bo_faults",
	[SVMGPU_STAT_SVM_RETRIES] = "svm_retries",
	[SVMGPU_STAT_SVM_INVALIDATIONS] = "svm_invalidations",
	[SVMGPU_STAT_SVM_TLB_INVALIDATIONS] = "svm_tlb_invalidations",
	[SVMGPU_STAT_SVM_TLB_NS] = "svm_tlb_ns",
	[SVMGPU_STAT_SVM_GC_RANGES] = "svm_gc_ranges",
	[SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_4K] = "svm_migrate_to_vram_4k",
	[SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_64K] = "svm_migrate_to_vram_64k",
	[SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_2M] = "svm_migrate_to_vram_2m",
	[SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_BYTES_4K] = "svm_migrate_to_vram_bytes_4k",
	[SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_BYTES_64K] = "svm_migrate_to_vram_bytes_64k",
	[SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_BYTES_2M] = "svm_migrate_to_vram_bytes_2m",
	[SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS_4K] = "svm_migrate_to_vram_ns_4k",
	[SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS_64K] = "svm_migrate_to_vram_ns_64k",
	[SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS_2M] = "svm_migrate_to_vram_ns_2m",
	[SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_PAGES] = "svm_migrate_to_vram_pages",
	[SVMGPU_STAT_SVM_MIGRATE_TO_VRAM_NS] = "svm_migrate_to_vram_ns",
	[SVMGPU_STAT_SVM_MIGRATE_ALLOC_NS] = "svm_migrate_alloc_ns",
	[SVMGPU_STAT_SVM_COPY_TO_VRAM_NS] = "svm_copy_to_vram_ns",
	[SVMGPU_STAT_SVM_MM_TO_VRAM_NS] = "svm_mm_to_vram_ns",
	[SVMGPU_STAT_SVM_MIGRATE_TO_RAM] = "svm_migrate_to_ram",
	[SVMGPU_STAT_SVM_MIGRATE_TO_RAM_PAGES] = "svm_migrate_to_ram_pages",
	[SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS] = "svm_migrate_to_ram_ns",
	[SVMGPU_STAT_SVM_MIGRATE_TO_RAM_4K] = "svm_migrate_to_ram_4k",
	[SVMGPU_STAT_SVM_MIGRATE_TO_RAM_64K] = "svm_migrate_to_ram_64k",
	[SVMGPU_STAT_SVM_MIGRATE_TO_RAM_2M] = "svm_migrate_to_ram_2m",
	[SVMGPU_STAT_SVM_MIGRATE_TO_RAM_BYTES_4K] = "svm_migrate_to_ram_bytes_4k",
	[SVMGPU_STAT_SVM_MIGRATE_TO_RAM_BYTES_64K] = "svm_migrate_to_ram_bytes_64k",
	[SVMGPU_STAT_SVM_MIGRATE_TO_RAM_BYTES_2M] = "svm_migrate_to_ram_bytes_2m",
	[SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS_4K] = "svm_migrate_to_ram_ns_4k",
	[SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS_64K] = "svm_migrate_to_ram_ns_64k",
	[SVMGPU_STAT_SVM_MIGRATE_TO_RAM_NS_2M] = "svm_migrate_to_ram_ns_2m",
	[SVMGPU_STAT_SVM_COPY_TO_RAM_NS] = "svm_copy_to_ram_ns",
	[SVMGPU_STAT_SVM_MM_TO_RAM_NS] = "svm_mm_to_ram_ns",
	[SVMGPU_STAT_SVM_CPU_FAULTS] = "svm_cpu_faults",
	[SVMGPU_STAT_SVM_EVICTIONS] = "svm_evictions",
	[SVMGPU_STAT_SVM_EVICTED_PAGES] = "svm_evicted_pages",
	[SVMGPU_STAT_SVM_THRASH_HOLDS] = "svm_thrash_holds",
	[SVMGPU_STAT_SVM_PREFETCHES] = "svm_prefetches",
	[SVMGPU_STAT_SVM_COPY_FALLBACKS] = "svm_copy_fallbacks",
	[SVMGPU_STAT_COMPUTE_DISPATCHES] = "compute_dispatches",
	[SVMGPU_STAT_COMPUTE_INSNS] = "compute_insns",
};

/**
 * svmgpu_stats_print() - Print every counter.
 * @stats: The device's counters.
 * @p: Where to print.
 */
void svmgpu_stats_print(struct svmgpu_stats *stats, struct drm_printer *p)
{
	unsigned int i;

	for (i = 0; i < SVMGPU_STAT_COUNT; i++)
		drm_printf(p, "%s: %lld\n", svmgpu_stat_names[i],
			   atomic64_read(&stats->counters[i]));
}
