// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * Building blocks for svmgpu job tests; see svmgpu_util.h.
 */

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_util.h"

/* --- Time limits ---------------------------------------------------------- */

/**
 * svmgpu_job_timeout_ms() - The driver's job timeout.
 *
 * Return: The module parameter job_timeout_ms, or -1 if the running
 * driver has no such parameter (or it cannot be read).
 */
int svmgpu_job_timeout_ms(void)
{
	uint64_t ms;

	if (svmgpu_param_u64("job_timeout_ms", &ms) || ms > INT32_MAX)
		return -1;

	return ms;
}

/**
 * svmgpu_hang_wait_ns() - How long a hung job may take to be reset.
 *
 * The emulated GPU runs under QEMU TCG in CI, where timers and the
 * scheduler's work run late: allow four times the driver's timeout plus
 * ten seconds. Callers must have checked that job_timeout_ms exists.
 *
 * Return: The limit in nanoseconds.
 */
uint64_t svmgpu_hang_wait_ns(void)
{
	int ms = svmgpu_job_timeout_ms();

	igt_assert_f(ms >= 0, "svmgpu has no job_timeout_ms parameter\n");

	return (4ull * ms + 10000) * 1000000ull;
}

/**
 * svmgpu_job_wait_ns() - How long a job that should complete may take.
 *
 * Generous, as it only matters when the job does not complete: at least
 * a minute, and never less than a hang takes to be reset.
 *
 * Return: The limit in nanoseconds.
 */
uint64_t svmgpu_job_wait_ns(void)
{
	uint64_t ns = 60ull * 1000000000ull;

	if (svmgpu_job_timeout_ms() >= 0 && svmgpu_hang_wait_ns() > ns)
		ns = svmgpu_hang_wait_ns();

	return ns;
}

/**
 * svmgpu_hold_ms() - How long a test may hold a job at a gate.
 * @want: The hold the test would like, in milliseconds.
 *
 * Tests hold jobs to see that something does not happen meanwhile; a hold
 * must stay well below the driver's job timeout (an eighth of it, as a
 * test may hold one job several times), or the driver resets the job.
 *
 * Return: @want, or less if the job timeout is short.
 */
unsigned int svmgpu_hold_ms(unsigned int want)
{
	int timeout = svmgpu_job_timeout_ms();

	if (timeout >= 0 && (unsigned int)timeout / 8 < want)
		return timeout / 8;

	return want;
}

/**
 * svmgpu_poll_u32() - Poll a word of memory until it has a value.
 * @ptr: The word, usually in a BO the GPU writes.
 * @want: The value to wait for.
 * @timeout_ns: How long to poll.
 *
 * Return: true if *@ptr == @want within the time.
 */
bool svmgpu_poll_u32(const volatile uint32_t *ptr, uint32_t want,
		     uint64_t timeout_ns)
{
	struct timespec start = {};

	igt_nsec_elapsed(&start);
	for (;;) {
		if (__atomic_load_n(ptr, __ATOMIC_ACQUIRE) == want)
			return true;
		if (igt_nsec_elapsed(&start) > timeout_ns)
			return false;
		usleep(200);
	}
}

/* --- Memory patterns ------------------------------------------------------ */

/**
 * svmgpu_placement_name() - Name of one DRM_SVMGPU_GEM_PLACEMENT_* bit.
 * @placement: The bit.
 *
 * Return: "vram", "system", or "?" for anything else.
 */
const char *svmgpu_placement_name(uint32_t placement)
{
	switch (placement) {
	case DRM_SVMGPU_GEM_PLACEMENT_VRAM:
		return "vram";
	case DRM_SVMGPU_GEM_PLACEMENT_SYSTEM:
		return "system";
	default:
		return "?";
	}
}

/* The file svmgpu_scratch_open() handed out last, or -1. */
static int scratch_fd = -1;

/**
 * svmgpu_scratch_open() - A fresh DRM file of the first GPU for a subtest.
 *
 * Closes the one the previous call opened, so that what a failed subtest
 * left behind (pinned BOs, busy queues) is released by the next user or by
 * svmgpu_scratch_close() in the last fixture.
 *
 * Return: The file descriptor.
 */
int svmgpu_scratch_open(void)
{
	svmgpu_scratch_close();
	scratch_fd = drm_open_svmgpu(0);

	return scratch_fd;
}

/** svmgpu_scratch_close() - Close the file svmgpu_scratch_open() opened. */
void svmgpu_scratch_close(void)
{
	if (scratch_fd >= 0)
		close(scratch_fd);
	scratch_fd = -1;
}

/**
 * svmgpu_pattern_word() - Word @index of the pattern seeded with @seed.
 *
 * Different seeds give different words at every index, and no word of a
 * pattern is zero for long, so a pattern tells which data ended up where.
 */
uint32_t svmgpu_pattern_word(uint64_t index, uint32_t seed)
{
	uint32_t x = (uint32_t)index * 2654435761u ^ (uint32_t)(index >> 32);

	return x ^ seed ^ 0x5bd1e995u;
}

/**
 * svmgpu_fill_pattern() - Fill memory with a pattern, word by word.
 * @ptr: 4-byte aligned memory.
 * @bytes: How much; a trailing partial word gets the low bytes of its
 *	   pattern word.
 * @seed: Selects the pattern.
 */
void svmgpu_fill_pattern(void *ptr, uint64_t bytes, uint32_t seed)
{
	uint32_t *w = ptr;
	uint64_t i;

	for (i = 0; i < bytes / 4; i++)
		w[i] = svmgpu_pattern_word(i, seed);
	if (bytes % 4) {
		uint32_t last = svmgpu_pattern_word(i, seed);

		memcpy(&w[i], &last, bytes % 4);
	}
}

/**
 * svmgpu_check_pattern() - Find where memory differs from a pattern.
 * @ptr: 4-byte aligned memory filled by svmgpu_fill_pattern().
 * @bytes: How much, a multiple of 4.
 * @seed: The pattern's seed.
 *
 * Return: The offset of the first word that differs, or @bytes.
 */
uint64_t svmgpu_check_pattern(const void *ptr, uint64_t bytes, uint32_t seed)
{
	const uint32_t *w = ptr;
	uint64_t i;

	for (i = 0; i < bytes / 4; i++)
		if (w[i] != svmgpu_pattern_word(i, seed))
			return i * 4;

	return bytes;
}

/**
 * svmgpu_check_byte() - Find a byte that is not @byte.
 * @ptr: Memory.
 * @bytes: How much.
 * @byte: The value every byte should have.
 *
 * Scans eight bytes at a time where it can, as BOs can be 64 MiB.
 *
 * Return: The offset of the first byte that differs, or @bytes.
 */
uint64_t svmgpu_check_byte(const void *ptr, uint64_t bytes, uint8_t byte)
{
	const uint8_t *p = ptr;
	uint64_t wide = byte * 0x0101010101010101ull;
	uint64_t i = 0;

	while (i < bytes && ((uintptr_t)(p + i) & 7))
		if (p[i++] != byte)
			return i - 1;
	for (; i + 8 <= bytes; i += 8)
		if (*(const uint64_t *)(p + i) != wide)
			break;
	for (; i < bytes; i++)
		if (p[i] != byte)
			return i;

	return bytes;
}

/* --- Buffers -------------------------------------------------------------- */

/**
 * svmgpu_buf_create() - Create a BO and map it for the CPU.
 * @buf: Filled in.
 * @fd: svmgpu file descriptor.
 * @size: Size in bytes.
 * @placements: DRM_SVMGPU_GEM_PLACEMENT_* mask.
 * @flags: DRM_SVMGPU_GEM_CREATE_* mask.
 *
 * The BO is not bound in any VM; see svmgpu_buf_bind().
 */
void svmgpu_buf_create(struct svmgpu_buf *buf, int fd, uint64_t size,
		       uint32_t placements, uint32_t flags)
{
	memset(buf, 0, sizeof(*buf));
	buf->fd = fd;
	buf->size = size;
	buf->handle = svmgpu_bo_create(fd, size, placements, flags);
	buf->map = svmgpu_bo_mmap(fd, buf->handle, size,
				  PROT_READ | PROT_WRITE);
}

/**
 * svmgpu_buf_bind() - Map the whole of @buf at @addr in @vm.
 * @buf: The buffer, not bound yet.
 * @vm: The VM.
 * @addr: GPU virtual address.
 * @bind_flags: DRM_SVMGPU_VM_BIND_* flags.
 */
void svmgpu_buf_bind(struct svmgpu_buf *buf, uint32_t vm, uint64_t addr,
		     uint32_t bind_flags)
{
	igt_assert_eq_u32(buf->vm, 0);
	svmgpu_vm_map(buf->fd, vm, buf->handle, 0, addr, buf->size,
		      bind_flags);
	buf->vm = vm;
	buf->addr = addr;
}

/** svmgpu_buf_unbind() - Undo svmgpu_buf_bind(). */
void svmgpu_buf_unbind(struct svmgpu_buf *buf)
{
	if (!buf->vm)
		return;

	svmgpu_vm_unmap(buf->fd, buf->vm, buf->addr, buf->size);
	buf->vm = 0;
	buf->addr = 0;
}

/**
 * svmgpu_buf_destroy() - Unbind, unmap and close @buf.
 *
 * Unbinding waits for the VM's jobs, so no job may be stuck in the VM.
 */
void svmgpu_buf_destroy(struct svmgpu_buf *buf)
{
	svmgpu_buf_unbind(buf);
	if (buf->map)
		igt_assert_eq(munmap(buf->map, buf->size), 0);
	if (buf->handle)
		svmgpu_gem_close(buf->fd, buf->handle);
	memset(buf, 0, sizeof(*buf));
	buf->fd = -1;
}

/* --- Contexts ------------------------------------------------------------- */

/**
 * svmgpu_ctx_init() - A new VM with a pool of command buffers.
 * @ctx: Filled in.
 * @fd: svmgpu file descriptor.
 * @cmd_size: Size of the command-buffer pool (a multiple of 4 KiB), in
 *	      system memory, bound in the VM.
 */
void svmgpu_ctx_init(struct svmgpu_ctx *ctx, int fd, uint64_t cmd_size)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->fd = fd;
	ctx->vm = svmgpu_vm_create(fd);
	ctx->next_va = SVMGPU_CTX_VA_BASE;

	svmgpu_ctx_buf(ctx, &ctx->cmd, cmd_size,
		       DRM_SVMGPU_GEM_PLACEMENT_SYSTEM);

	svmgpu_ctx_cs(ctx, &ctx->probe, 64);
	svmgpu_cs_end(&ctx->probe);
}

/**
 * svmgpu_ctx_fini() - Destroy the context's VM and command buffers.
 *
 * Buffers the test bound with svmgpu_ctx_buf() are its own to destroy.
 */
void svmgpu_ctx_fini(struct svmgpu_ctx *ctx)
{
	svmgpu_buf_destroy(&ctx->cmd);
	svmgpu_vm_destroy(ctx->fd, ctx->vm);
	ctx->vm = 0;
}

/**
 * svmgpu_ctx_va() - Reserve GPU virtual addresses.
 * @ctx: The context.
 * @size: Bytes needed.
 *
 * Ranges are 2 MiB aligned and followed by at least 2 MiB that are never
 * handed out, so that an access past a buffer's end faults.
 *
 * Return: The start of the range.
 */
uint64_t svmgpu_ctx_va(struct svmgpu_ctx *ctx, uint64_t size)
{
	uint64_t addr = ctx->next_va;

	ctx->next_va += ((size + SZ_2M - 1) & ~(SZ_2M - 1)) + SZ_2M;

	return addr;
}

/**
 * svmgpu_ctx_buf() - Create a buffer and bind it in the context's VM.
 * @ctx: The context.
 * @buf: Filled in.
 * @size: Size in bytes.
 * @placements: DRM_SVMGPU_GEM_PLACEMENT_* mask.
 */
void svmgpu_ctx_buf(struct svmgpu_ctx *ctx, struct svmgpu_buf *buf,
		    uint64_t size, uint32_t placements)
{
	svmgpu_buf_create(buf, ctx->fd, size, placements, 0);
	svmgpu_buf_bind(buf, ctx->vm, svmgpu_ctx_va(ctx, size), 0);
}

/**
 * svmgpu_ctx_cs() - Carve a command buffer from the context's pool.
 * @ctx: The context.
 * @cs: Initialised, empty, on the carved memory.
 * @bytes: Room wanted.
 *
 * Buffers are 64-byte aligned and are never handed out twice.
 */
void svmgpu_ctx_cs(struct svmgpu_ctx *ctx, struct svmgpu_cs *cs,
		   uint32_t bytes)
{
	uint64_t offset = ctx->cmd_used;

	bytes = (bytes + 63) & ~63u;
	igt_assert_f(offset + bytes <= ctx->cmd.size,
		     "command pool exhausted: %llu + %u > %llu\n",
		     (unsigned long long)offset, bytes,
		     (unsigned long long)ctx->cmd.size);
	ctx->cmd_used += bytes;

	svmgpu_cs_init(cs, svmgpu_buf_cpu(&ctx->cmd, offset),
		       svmgpu_buf_gpu(&ctx->cmd, offset), bytes);
}

/** svmgpu_ctx_banned() - svmgpu_queue_banned() with the context's probe. */
bool svmgpu_ctx_banned(struct svmgpu_ctx *ctx, uint32_t queue)
{
	return svmgpu_queue_banned(ctx->fd, queue, &ctx->probe);
}

/**
 * svmgpu_ctx_run_new_queue() - Run a command buffer on a queue of its own.
 * @ctx: The context, whose VM the queue uses.
 * @cs: The command buffer.
 *
 * A failed job must have banned its queue, and only that queue: asserted.
 *
 * Return: The job's status.
 */
int svmgpu_ctx_run_new_queue(struct svmgpu_ctx *ctx,
			     const struct svmgpu_cs *cs)
{
	uint32_t queue = svmgpu_queue_create(ctx->fd, ctx->vm, 0);
	int ret = svmgpu_run(ctx->fd, queue, cs);

	igt_assert_eq(svmgpu_ctx_banned(ctx, queue), ret != 0);
	svmgpu_queue_destroy(ctx->fd, queue);

	return ret;
}

/**
 * svmgpu_ctx_write32() - Have the GPU write a word in the context's VM.
 * @ctx: The context.
 * @addr: GPU address.
 * @value: What to write.
 *
 * Return: The job's status.
 */
int svmgpu_ctx_write32(struct svmgpu_ctx *ctx, uint64_t addr, uint32_t value)
{
	struct svmgpu_cs cs;

	svmgpu_ctx_cs(ctx, &cs, 64);
	svmgpu_cs_write32(&cs, addr, value);
	svmgpu_cs_end(&cs);

	return svmgpu_ctx_run_new_queue(ctx, &cs);
}

/**
 * svmgpu_assert_device_works() - A new file of GPU @index runs a job.
 * @index: The GPU.
 *
 * For tests that tore something down: nothing they did broke the device.
 */
void svmgpu_assert_device_works(int index)
{
	struct svmgpu_buf data;
	struct svmgpu_ctx ctx;
	int fd = drm_open_svmgpu(index);

	svmgpu_ctx_init(&ctx, fd, SZ_64K);
	svmgpu_ctx_buf(&ctx, &data, SZ_4K, SVMGPU_PLACEMENT_BOTH);
	igt_assert_eq(svmgpu_ctx_write32(&ctx, svmgpu_buf_gpu(&data, 0),
					 0x600d), 0);
	igt_assert_eq_u32(*(volatile uint32_t *)data.map, 0x600d);
	svmgpu_buf_destroy(&data);
	svmgpu_ctx_fini(&ctx);
	close(fd);
}

/* --- Running jobs --------------------------------------------------------- */

/**
 * svmgpu_submit() - Submit @cs on @queue, signalling @out_syncobj.
 * @fd: svmgpu file descriptor.
 * @queue: The queue.
 * @cs: The command buffer.
 * @out_syncobj: A binary syncobj to signal, or 0 for none.
 */
void svmgpu_submit(int fd, uint32_t queue, const struct svmgpu_cs *cs,
		   uint32_t out_syncobj)
{
	struct drm_svmgpu_sync out = svmgpu_sync_out(out_syncobj);

	svmgpu_exec(fd, queue, svmgpu_cs_addr(cs), svmgpu_cs_bytes(cs),
		    out_syncobj ? &out : NULL, out_syncobj ? 1 : 0);
}

/**
 * svmgpu_wait_job() - Wait for a job's binary out-syncobj.
 * @fd: svmgpu file descriptor.
 * @syncobj: The syncobj the job signals.
 *
 * Fails the test if the fence does not signal within svmgpu_job_wait_ns().
 *
 * Return: 0 if the job succeeded, else the error its fence signalled with.
 */
int svmgpu_wait_job(int fd, uint32_t syncobj)
{
	int ret, status;

	ret = svmgpu_syncobj_wait(fd, syncobj, 0, svmgpu_job_wait_ns());
	igt_assert_f(ret == 0, "job fence (syncobj %u) did not signal: %s\n",
		     syncobj, strerror(-ret));

	status = svmgpu_syncobj_status(fd, syncobj);
	igt_assert_neq(status, 0);

	return status < 0 ? status : 0;
}

/**
 * svmgpu_run() - Run @cs on @queue to completion.
 * @fd: svmgpu file descriptor.
 * @queue: The queue.
 * @cs: The command buffer.
 *
 * Return: 0 if the job succeeded, else the error its fence signalled with
 * (-EFAULT, -EINVAL, -ETIME, ...).
 */
int svmgpu_run(int fd, uint32_t queue, const struct svmgpu_cs *cs)
{
	uint32_t syncobj = svmgpu_syncobj_create(fd, 0);
	int ret;

	svmgpu_submit(fd, queue, cs, syncobj);
	ret = svmgpu_wait_job(fd, syncobj);
	svmgpu_syncobj_destroy(fd, syncobj);

	return ret;
}

/**
 * svmgpu_queue_banned() - Whether @queue is banned.
 * @fd: svmgpu file descriptor.
 * @queue: The queue.
 * @probe: A valid command buffer (a lone END) in the queue's VM.
 *
 * Submits @probe: a banned queue refuses it with -ECANCELED; otherwise it
 * must run and succeed.
 *
 * Return: true if the queue is banned.
 */
bool svmgpu_queue_banned(int fd, uint32_t queue,
			 const struct svmgpu_cs *probe)
{
	uint32_t syncobj = svmgpu_syncobj_create(fd, 0);
	struct drm_svmgpu_sync out = svmgpu_sync_out(syncobj);
	int ret;

	ret = __svmgpu_exec(fd, queue, svmgpu_cs_addr(probe),
			    svmgpu_cs_bytes(probe), &out, 1);
	igt_assert_f(ret == 0 || ret == -ECANCELED,
		     "EXEC on queue %u: %s\n", queue, strerror(-ret));
	if (ret == 0)
		igt_assert_eq(svmgpu_wait_job(fd, syncobj), 0);
	svmgpu_syncobj_destroy(fd, syncobj);

	return ret == -ECANCELED;
}

/* --- Gates ---------------------------------------------------------------- */

/*
 * Gates whose jobs may still be waiting: those of a subtest that failed
 * before svmgpu_gate_fini(). A failed assertion leaves the subtest at
 * once, and its held jobs would otherwise occupy the GPU until the job
 * timeout; the first svmgpu_gate_init() of a later subtest opens them.
 * Their CPU mappings are still there, as the failed subtest did not get
 * to unmap them. Gates are told apart by the subtest that made them.
 */
#define MAX_LIVE_GATES	64
static struct {
	volatile uint32_t *open;
	char subtest[128];
} live_gates[MAX_LIVE_GATES];

static const char *current_subtest(void)
{
	const char *name = igt_subtest_name();

	return name ? name : "";
}

static void gate_register(volatile uint32_t *open)
{
	unsigned int i;

	for (i = 0; i < MAX_LIVE_GATES; i++)
		if (!live_gates[i].open) {
			live_gates[i].open = open;
			snprintf(live_gates[i].subtest,
				 sizeof(live_gates[i].subtest), "%s",
				 current_subtest());
			return;
		}
}

static void gate_unregister(volatile uint32_t *open)
{
	unsigned int i;

	for (i = 0; i < MAX_LIVE_GATES; i++)
		if (live_gates[i].open == open)
			live_gates[i].open = NULL;
}

/**
 * svmgpu_gates_release_leaked() - Open the gates earlier subtests left.
 *
 * Opens every gate made by another subtest than the running one and never
 * passed to svmgpu_gate_fini().
 *
 * Return: How many gates were opened.
 */
int svmgpu_gates_release_leaked(void)
{
	const char *subtest = current_subtest();
	unsigned int i;
	int n = 0;

	for (i = 0; i < MAX_LIVE_GATES; i++)
		if (live_gates[i].open &&
		    strncmp(live_gates[i].subtest, subtest,
			    sizeof(live_gates[i].subtest))) {
			__atomic_store_n(live_gates[i].open, 1,
					 __ATOMIC_RELEASE);
			live_gates[i].open = NULL;
			n++;
		}

	return n;
}

/**
 * svmgpu_gate_init() - A closed gate in @ctx's VM.
 * @gate: Filled in.
 * @ctx: The context whose jobs will use the gate.
 *
 * The gate's words are in a system-memory BO that the CPU touches now, so
 * that opening the gate later never faults on a BO a job is using.
 */
void svmgpu_gate_init(struct svmgpu_gate *gate, struct svmgpu_ctx *ctx)
{
	int leaked = svmgpu_gates_release_leaked();

	if (leaked)
		igt_info("opened %d gate(s) a failed subtest left closed\n",
			 leaked);

	svmgpu_ctx_buf(ctx, &gate->buf, SZ_4K,
		       DRM_SVMGPU_GEM_PLACEMENT_SYSTEM);
	gate->arrived = svmgpu_buf_cpu(&gate->buf, 0);
	gate->open = svmgpu_buf_cpu(&gate->buf, 64);
	*gate->arrived = 0;
	*gate->open = 0;
	gate_register(gate->open);
}

/**
 * svmgpu_gate_emit() - Make the job stop at @gate.
 *
 * Emits a WRITE_IMM of 1 to the gate's "arrived" word, then a WAIT_MEM
 * until its "open" word is 1.
 */
void svmgpu_gate_emit(const struct svmgpu_gate *gate, struct svmgpu_cs *cs)
{
	svmgpu_cs_write32(cs, svmgpu_buf_gpu(&gate->buf, 0), 1);
	svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_EQ,
			   svmgpu_buf_gpu(&gate->buf, 64), 1, 0xffffffff);
}

/** svmgpu_gate_wait_arrived() - Wait until a job reached @gate, or fail. */
void svmgpu_gate_wait_arrived(const struct svmgpu_gate *gate)
{
	igt_assert_f(svmgpu_poll_u32(gate->arrived, 1, svmgpu_job_wait_ns()),
		     "no job reached the gate at %#llx\n",
		     (unsigned long long)gate->buf.addr);
}

/** svmgpu_gate_open() - Let jobs waiting at @gate go on. */
void svmgpu_gate_open(struct svmgpu_gate *gate)
{
	__atomic_store_n(gate->open, 1, __ATOMIC_RELEASE);
}

/**
 * svmgpu_gate_fini() - Open and destroy @gate.
 *
 * Destroying unbinds, which waits for the VM's jobs.
 */
void svmgpu_gate_fini(struct svmgpu_gate *gate)
{
	svmgpu_gate_open(gate);
	gate_unregister(gate->open);
	svmgpu_buf_destroy(&gate->buf);
}

/**
 * svmgpu_gate_forget() - Stop tracking a gate that will never be opened.
 *
 * For a test that unmaps the gate on purpose, with jobs still held at it,
 * so that svmgpu_gate_init() does not write to the unmapped page later.
 */
void svmgpu_gate_forget(struct svmgpu_gate *gate)
{
	gate_unregister(gate->open);
}
