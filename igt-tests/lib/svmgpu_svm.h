/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_svm.h - building blocks for shared virtual memory tests: a
 * fault-mode VM that mirrors the whole process, command buffers in
 * malloc'd memory, jobs that complete through user fences, and the
 * process memory the tests hand the GPU (anonymous, file, memfd, THP,
 * hugetlbfs mappings).
 *
 * In a mirror, a CPU pointer is the GPU address of the same byte, so
 * nothing here distinguishes the two: svmgpu_ptr() converts.
 *
 * None of this is thread-safe: set up in the main thread, then hand each
 * thread what it uses alone (a queue, its own fence word).
 */
#ifndef SVMGPU_SVM_H
#define SVMGPU_SVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svmgpu_cs.h"
#include "svmgpu_ioctl.h"

/* The GPU address of a CPU pointer, in a mirror. */
static inline uint64_t svmgpu_ptr(const volatile void *ptr)
{
	return (uintptr_t)ptr;
}

/* --- A fault-mode VM mirroring the process -------------------------------- */

struct svmgpu_svm {
	/** @fd: The DRM file. */
	int fd;
	/** @vm: A fault-mode VM, owned by the context. */
	uint32_t vm;
	/** @mirror_start: Start of the mirror. */
	uint64_t mirror_start;
	/** @mirror_end: End of the mirror. */
	uint64_t mirror_end;
	/** @pool: malloc'd memory command buffers are carved from. */
	uint8_t *pool;
	/** @pool_size: Its size in bytes. */
	size_t pool_size;
	/** @pool_used: Bytes of @pool handed out. */
	size_t pool_used;
	/** @fence: malloc'd word svmgpu_svm_run() waits on. */
	volatile uint64_t *fence;
	/** @seqno: The value the last job run by svmgpu_svm_run() wrote. */
	uint64_t seqno;
	/** @probe: A lone END, run to tell whether a queue is banned. */
	struct svmgpu_cs probe;
};

void svmgpu_svm_init(struct svmgpu_svm *svm, int fd, size_t pool_size);
void svmgpu_svm_fini(struct svmgpu_svm *svm);
void svmgpu_svm_cs(struct svmgpu_svm *svm, struct svmgpu_cs *cs,
		   uint32_t bytes);
uint32_t svmgpu_svm_queue(struct svmgpu_svm *svm, uint32_t engine);

/* --- Jobs and user fences ------------------------------------------------- */

void svmgpu_svm_submit(int fd, uint32_t queue, const struct svmgpu_cs *cs,
		       volatile uint64_t *fence, uint64_t value);
int svmgpu_svm_wait(int fd, uint32_t queue, volatile uint64_t *fence,
		    uint64_t value);
int svmgpu_svm_run(struct svmgpu_svm *svm, uint32_t queue,
		   const struct svmgpu_cs *cs);
bool svmgpu_svm_banned(struct svmgpu_svm *svm, uint32_t queue);
int svmgpu_svm_run_new_queue(struct svmgpu_svm *svm,
			     const struct svmgpu_cs *cs);
int svmgpu_svm_copy(struct svmgpu_svm *svm, const volatile void *src,
		    volatile void *dst, uint64_t size);
int svmgpu_svm_fill(struct svmgpu_svm *svm, volatile void *dst,
		    uint32_t pattern, uint64_t size);
int svmgpu_svm_write32(struct svmgpu_svm *svm, volatile void *dst,
		       uint32_t value);

/* --- Migration (DRM_SVMGPU_FEATURE_SVM_MIGRATE, uAPI 1.4) ----------------- */

/* The module parameter that holds a range in system memory after a CPU fault. */
#define SVMGPU_MIGRATE_HOLD_PARAM	"migrate_hold_ms"

const char *svmgpu_loc_name(uint32_t loc);
uint32_t svmgpu_svm_attrs(int fd, uint32_t vm, uint64_t addr, uint64_t range,
			  uint32_t flags, uint32_t chunk,
			  struct drm_svmgpu_vm_attr **attrs);
uint32_t svmgpu_svm_location(struct svmgpu_svm *svm, const volatile void *ptr,
			     uint64_t size);
void svmgpu_svm_prefetch(struct svmgpu_svm *svm, const volatile void *ptr,
			 uint64_t size, bool system);
void svmgpu_svm_madvise(struct svmgpu_svm *svm, const volatile void *ptr,
			uint64_t size, uint32_t preferred_loc,
			uint32_t atomic_mode, uint32_t flags);
void svmgpu_set_migrate_hold_ms(unsigned int ms);
void svmgpu_restore_migrate_hold_ms(void);

/* --- Process memory ------------------------------------------------------- */

void *svmgpu_map_anon(size_t size, int prot, int flags);
void *svmgpu_map_aligned(size_t size, size_t align);

/**
 * struct svmgpu_region - Anonymous memory at an aligned address, between
 * PROT_NONE guard pages so that it merges with no neighbour: the SVM
 * mirror's ranges in it are then the largest aligned blocks of it (2 MiB,
 * 64 KiB, 4 KiB).
 */
struct svmgpu_region {
	/** @ptr: The memory. */
	uint8_t *ptr;
	/** @size: Its size. */
	size_t size;
	/** @raw: The whole mapping, guards included. */
	void *raw;
	/** @raw_size: Its size. */
	size_t raw_size;
};

uint8_t *svmgpu_region_map(struct svmgpu_region *r, size_t size,
			   size_t align, int flags);
void svmgpu_region_unmap(struct svmgpu_region *r);
void svmgpu_unmap(void *ptr, size_t size);
int svmgpu_tmpfile(size_t size);
uint64_t svmgpu_smaps_field(const void *addr, const char *field);
bool svmgpu_thp_enabled(void);

/* --- Small shared helpers ------------------------------------------------ */

void *svmgpu_page_alloc(void);
void svmgpu_pipe_send(int fd, char c);
char svmgpu_pipe_recv(int fd);
struct drm_svmgpu_queue_status svmgpu_queue_status(int fd, uint32_t queue);
void svmgpu_assert_bytes(const volatile void *got, const void *want,
			 size_t size, const char *what);

#endif /* SVMGPU_SVM_H */
