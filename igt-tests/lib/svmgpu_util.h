/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_util.h - building blocks for svmgpu job tests: mapped buffers, a
 * VM with a command-buffer pool and a GPU address allocator, running a job
 * to completion, CPU-controlled gates that hold a job, and the time limits
 * the tests wait with.
 *
 * None of this is thread-safe: set up in the main thread, then hand each
 * thread what it uses alone.
 */
#ifndef SVMGPU_UTIL_H
#define SVMGPU_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "svmgpu_cs.h"
#include "svmgpu_ioctl.h"

#define SZ_4K	(4ull << 10)
#define SZ_64K	(64ull << 10)
#define SZ_1M	(1ull << 20)
#define SZ_2M	(2ull << 20)

#define SVMGPU_PLACEMENT_BOTH \
	(DRM_SVMGPU_GEM_PLACEMENT_VRAM | DRM_SVMGPU_GEM_PLACEMENT_SYSTEM)

/* --- Time limits ---------------------------------------------------------- */

int svmgpu_job_timeout_ms(void);
uint64_t svmgpu_hang_wait_ns(void);
uint64_t svmgpu_job_wait_ns(void);
unsigned int svmgpu_hold_ms(unsigned int want);
bool svmgpu_poll_u32(const volatile uint32_t *ptr, uint32_t want,
		     uint64_t timeout_ns);

/* --- Small helpers ---------------------------------------------------------- */

const char *svmgpu_placement_name(uint32_t placement);
int svmgpu_scratch_open(void);
void svmgpu_scratch_close(void);

/* --- Memory patterns ------------------------------------------------------ */

uint32_t svmgpu_pattern_word(uint64_t index, uint32_t seed);
void svmgpu_fill_pattern(void *ptr, uint64_t bytes, uint32_t seed);
uint64_t svmgpu_check_pattern(const void *ptr, uint64_t bytes, uint32_t seed);
uint64_t svmgpu_check_byte(const void *ptr, uint64_t bytes, uint8_t byte);

/* --- A BO with a CPU mapping and, once bound, a GPU address --------------- */

struct svmgpu_buf {
	/** @fd: The DRM file the BO belongs to. */
	int fd;
	/** @handle: Its GEM handle. */
	uint32_t handle;
	/** @size: Its size in bytes. */
	uint64_t size;
	/** @map: Its CPU mapping, read-write and shared. */
	void *map;
	/** @vm: The VM it is bound in, or 0. */
	uint32_t vm;
	/** @addr: Its GPU virtual address in @vm. */
	uint64_t addr;
};

void svmgpu_buf_create(struct svmgpu_buf *buf, int fd, uint64_t size,
		       uint32_t placements, uint32_t flags);
void svmgpu_buf_bind(struct svmgpu_buf *buf, uint32_t vm, uint64_t addr,
		     uint32_t bind_flags);
void svmgpu_buf_unbind(struct svmgpu_buf *buf);
void svmgpu_buf_destroy(struct svmgpu_buf *buf);

/* GPU address of byte @offset of @buf. */
static inline uint64_t svmgpu_buf_gpu(const struct svmgpu_buf *buf,
				      uint64_t offset)
{
	return buf->addr + offset;
}

/* CPU address of byte @offset of @buf. */
static inline void *svmgpu_buf_cpu(const struct svmgpu_buf *buf,
				   uint64_t offset)
{
	return (char *)buf->map + offset;
}

/* --- A VM with command buffers -------------------------------------------- */

/* Where svmgpu_ctx_va() starts handing out GPU addresses. */
#define SVMGPU_CTX_VA_BASE	(1ull << 32)

struct svmgpu_ctx {
	/** @fd: The DRM file. */
	int fd;
	/** @vm: The VM, owned by the context. */
	uint32_t vm;
	/** @next_va: Next free GPU address for svmgpu_ctx_va(). */
	uint64_t next_va;
	/** @cmd: System-memory BO that command buffers are carved from. */
	struct svmgpu_buf cmd;
	/** @cmd_used: Bytes of @cmd handed out. */
	uint64_t cmd_used;
	/** @probe: A lone END, run to tell whether a queue is banned. */
	struct svmgpu_cs probe;
};

void svmgpu_ctx_init(struct svmgpu_ctx *ctx, int fd, uint64_t cmd_size);
void svmgpu_ctx_fini(struct svmgpu_ctx *ctx);
uint64_t svmgpu_ctx_va(struct svmgpu_ctx *ctx, uint64_t size);
void svmgpu_ctx_buf(struct svmgpu_ctx *ctx, struct svmgpu_buf *buf,
		    uint64_t size, uint32_t placements);
void svmgpu_ctx_cs(struct svmgpu_ctx *ctx, struct svmgpu_cs *cs,
		   uint32_t bytes);
bool svmgpu_ctx_banned(struct svmgpu_ctx *ctx, uint32_t queue);
int svmgpu_ctx_run_new_queue(struct svmgpu_ctx *ctx,
			     const struct svmgpu_cs *cs);
int svmgpu_ctx_write32(struct svmgpu_ctx *ctx, uint64_t addr, uint32_t value);
void svmgpu_assert_device_works(int index);

/* --- Running jobs --------------------------------------------------------- */

void svmgpu_submit(int fd, uint32_t queue, const struct svmgpu_cs *cs,
		   uint32_t out_syncobj);
int svmgpu_wait_job(int fd, uint32_t syncobj);
int svmgpu_run(int fd, uint32_t queue, const struct svmgpu_cs *cs);
bool svmgpu_queue_banned(int fd, uint32_t queue,
			 const struct svmgpu_cs *probe);

/* --- Gates: a job stops at one until the CPU opens it --------------------- */

struct svmgpu_gate {
	/** @buf: System-memory BO holding the two words below. */
	struct svmgpu_buf buf;
	/** @arrived: Written to 1 by a job reaching the gate. */
	volatile uint32_t *arrived;
	/** @open: The job waits until the CPU writes 1 here. */
	volatile uint32_t *open;
};

void svmgpu_gate_init(struct svmgpu_gate *gate, struct svmgpu_ctx *ctx);
void svmgpu_gate_emit(const struct svmgpu_gate *gate, struct svmgpu_cs *cs);
void svmgpu_gate_wait_arrived(const struct svmgpu_gate *gate);
void svmgpu_gate_open(struct svmgpu_gate *gate);
void svmgpu_gate_fini(struct svmgpu_gate *gate);
void svmgpu_gate_forget(struct svmgpu_gate *gate);
int svmgpu_gates_release_leaked(void);

#endif /* SVMGPU_UTIL_H */
