/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_debug.h - readers for what svmgpu shows outside its uAPI: the
 * debugfs page-table dump, BO statistics and VRAM usage, devcoredump
 * entries, fdinfo memory stats, and svmgpu's trace events in tracefs; and
 * the announcement of kernel log lines a test provokes.
 *
 * These interfaces are optional (debugfs may not be mounted, devcoredump
 * may be configured out, an older driver may not have them): every reader
 * reports absence with -ENOENT so that tests can igt_require() them.
 */
#ifndef SVMGPU_DEBUG_H
#define SVMGPU_DEBUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int svmgpu_device_name(int fd, char *name, size_t len);
int svmgpu_debugfs_dir(int fd, char *path, size_t len);

/* --- vm_pagetables -------------------------------------------------------- */

/* One valid leaf of a VM's GPU page table, as debugfs vm_pagetables shows. */
struct svmgpu_pt_leaf {
	/** @va: GPU virtual address of the leaf. */
	uint64_t va;
	/** @size: Page size: 4 KiB, 64 KiB or 2 MiB. */
	uint64_t size;
	/** @readonly: "ro" rather than "rw". */
	bool readonly;
	/** @vram: "vram" rather than "sys". */
	bool vram;
	/** @pa: The address the leaf points at, in VRAM or system memory. */
	uint64_t pa;
};

struct svmgpu_pt_dump {
	/** @leaves: The VM's leaves, in the order the file lists them. */
	struct svmgpu_pt_leaf *leaves;
	/** @count: How many. */
	unsigned int count;
};

bool svmgpu_has_pt_dump(int fd);
int svmgpu_pt_dump_parse(FILE *f, uint32_t vm, int pid,
			 struct svmgpu_pt_dump *dump);
int svmgpu_pt_dump_read(int fd, uint32_t vm, struct svmgpu_pt_dump *dump);
void svmgpu_pt_dump_free(struct svmgpu_pt_dump *dump);
unsigned int svmgpu_pt_dump_count(const struct svmgpu_pt_dump *dump,
				  uint64_t start, uint64_t end, uint64_t size);
const struct svmgpu_pt_leaf *
svmgpu_pt_dump_find(const struct svmgpu_pt_dump *dump, uint64_t va);

/* --- devcoredump ---------------------------------------------------------- */

bool svmgpu_has_devcoredump(void);
int svmgpu_devcoredump_dismiss(int fd);
char *svmgpu_devcoredump_wait(int fd, uint64_t timeout_ns);
bool svmgpu_devcoredump_field(const char *text, const char *key,
			      char *value, size_t len);

/* --- fdinfo --------------------------------------------------------------- */

int svmgpu_fdinfo_parse_total(FILE *f, uint64_t *total);
int svmgpu_fdinfo_total_bytes(int fd, uint64_t *total);

/* --- bo_stats and vram ---------------------------------------------------- */

/*
 * debugfs bo_stats: one "name: value" line per counter, counted since the
 * device was probed; values only grow.
 */
struct svmgpu_bo_stats {
	uint64_t moves_to_vram;
	uint64_t moves_to_system;
	uint64_t bytes_to_vram;
	uint64_t bytes_to_system;
	uint64_t evictions;
	uint64_t evicted_bytes;
	uint64_t swapouts;
	uint64_t swapped_out_bytes;
	uint64_t clears;
	uint64_t cleared_bytes;
};

/*
 * debugfs vram: "bo_size: N", "used: N", "pinned: N", "pagetables: N" and
 * "pagetables_used: N" in bytes, with uAPI 1.4 "svm: N", then TTM's
 * range-manager dump (not parsed).
 */
struct svmgpu_vram_info {
	/** @bo_size: The largest BO VRAM can hold. */
	uint64_t bo_size;
	/** @used: VRAM BOs use now. */
	uint64_t used;
	/** @pinned: VRAM pinned BOs use now. */
	uint64_t pinned;
	/** @pagetables: VRAM the page-table pool holds now, used or not. */
	uint64_t pagetables;
	/** @pagetables_used: VRAM page tables use now. */
	uint64_t pagetables_used;
	/** @has_svm: Whether the file has the "svm" line (uAPI 1.4). */
	bool has_svm;
	/** @svm: VRAM that SVM memory migrated there holds now. */
	uint64_t svm;
};

int svmgpu_debugfs_parse_u64(FILE *f, const char *key, uint64_t *value);
int svmgpu_bo_stats_parse(FILE *f, struct svmgpu_bo_stats *stats);
int svmgpu_vram_info_parse(FILE *f, struct svmgpu_vram_info *info);

bool svmgpu_has_bo_stats(int fd);
int __svmgpu_bo_stats_read(int fd, struct svmgpu_bo_stats *stats);
void svmgpu_bo_stats_read(int fd, struct svmgpu_bo_stats *stats);
uint64_t svmgpu_bo_stat(int fd, const char *name);
void svmgpu_bo_stats_named(int fd, const char *const *names,
			   uint64_t *values, unsigned int n);

/* The most counters svmgpu_bo_stats_named() reads at once. */
#define SVMGPU_CTRS_MAX 64

/**
 * struct svmgpu_ctrs - Named counters of debugfs bo_stats at one moment,
 * or how much they grew since another.
 */
struct svmgpu_ctrs {
	/** @names: The counters' names. */
	const char *const *names;
	/** @n: How many, at most SVMGPU_CTRS_MAX. */
	unsigned int n;
	/** @v: Their values, in the order of @names. */
	uint64_t v[SVMGPU_CTRS_MAX];
};

struct svmgpu_ctrs svmgpu_ctrs_now(int fd, const char *const *names,
				   unsigned int n);
struct svmgpu_ctrs svmgpu_ctrs_since(int fd,
				     const struct svmgpu_ctrs *before);

bool svmgpu_has_vram_info(int fd);
int __svmgpu_vram_info_read(int fd, struct svmgpu_vram_info *info);
void svmgpu_vram_info_read(int fd, struct svmgpu_vram_info *info);
uint64_t svmgpu_svm_vram(int fd);
void svmgpu_svm_vram_wait(int fd, uint64_t base);

/* --- tracefs -------------------------------------------------------------- */

int svmgpu_tracefs_dir(char *path, size_t len);
bool svmgpu_trace_has_event(const char *system, const char *event);
int svmgpu_trace_event_enable(const char *system, const char *event,
			      bool enable);
int svmgpu_trace_clear(void);
int svmgpu_trace_count(const char *event, const char *const *tokens);
unsigned int svmgpu_trace_parse_count(FILE *f, const char *event,
				      const char *const *tokens);

/* --- kernel log ----------------------------------------------------------- */

/*
 * Announces that the test is about to provoke a kernel log line matching
 * @pattern, a Python regular expression (see scripts/results.py), so that
 * the VM harness does not fail the test on an svmgpu error or warning line
 * it expects. The announcement holds until the subtest (or dynamic subtest)
 * ends. It cannot excuse a splat: WARNING, BUG, lockdep or KASAN reports
 * always fail.
 */
void svmgpu_expect_kmsg(const char *pattern);

#endif /* SVMGPU_DEBUG_H */
