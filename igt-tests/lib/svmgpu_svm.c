// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * Building blocks for shared virtual memory tests; see svmgpu_svm.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_igt.h"
#include "svmgpu_svm.h"

/* --- A fault-mode VM mirroring the process -------------------------------- */

/**
 * svmgpu_svm_init() - A fault-mode VM mirroring the whole process.
 * @svm: Filled in.
 * @fd: svmgpu file descriptor; the caller has checked svmgpu_has_svm().
 * @pool_size: Bytes of malloc'd memory to carve command buffers from.
 *
 * The VM mirrors svmgpu_mirror_range(): every pointer of the process is
 * a GPU address. Command buffers and the fence word are plain malloc'd
 * memory, which the GPU reaches through the mirror like any other.
 */
void svmgpu_svm_init(struct svmgpu_svm *svm, int fd, size_t pool_size)
{
	memset(svm, 0, sizeof(*svm));
	svm->fd = fd;
	svm->vm = svmgpu_vm_create_fault(fd);
	svmgpu_mirror_range(fd, &svm->mirror_start, &svm->mirror_end);
	svmgpu_vm_mirror(fd, svm->vm, svm->mirror_start,
			 svm->mirror_end - svm->mirror_start);

	svm->pool_size = pool_size;
	svm->pool = malloc(pool_size);
	igt_assert(svm->pool);
	svm->fence = malloc(sizeof(*svm->fence));
	igt_assert(svm->fence);
	*svm->fence = 0;

	svmgpu_svm_cs(svm, &svm->probe, 64);
	svmgpu_cs_end(&svm->probe);
}

/**
 * svmgpu_svm_fini() - Destroy the VM and free the command buffers.
 *
 * The caller destroys its queues first, and no job may still run.
 */
void svmgpu_svm_fini(struct svmgpu_svm *svm)
{
	if (svm->vm)
		svmgpu_vm_destroy(svm->fd, svm->vm);
	free(svm->pool);
	free((void *)svm->fence);
	memset(svm, 0, sizeof(*svm));
	svm->fd = -1;
}

/**
 * svmgpu_svm_cs() - Carve a command buffer from the malloc'd pool.
 * @svm: The context.
 * @cs: Initialised, empty; its GPU address is its CPU address.
 * @bytes: Room wanted.
 *
 * Buffers are 64-byte aligned and never handed out twice.
 */
void svmgpu_svm_cs(struct svmgpu_svm *svm, struct svmgpu_cs *cs,
		   uint32_t bytes)
{
	uintptr_t base = (uintptr_t)svm->pool;
	size_t offset = ((base + svm->pool_used + 63) & ~(uintptr_t)63) - base;

	bytes = (bytes + 63) & ~63u;
	igt_assert_f(offset + bytes <= svm->pool_size,
		     "command pool exhausted: %zu + %u > %zu\n", offset, bytes,
		     svm->pool_size);
	svm->pool_used = offset + bytes;

	svmgpu_cs_init(cs, svm->pool + offset, svmgpu_ptr(svm->pool + offset),
		       bytes);
}

/** svmgpu_svm_queue() - A normal-priority queue on @engine in the VM. */
uint32_t svmgpu_svm_queue(struct svmgpu_svm *svm, uint32_t engine)
{
	return svmgpu_queue_create(svm->fd, svm->vm, engine);
}

/* --- Jobs and user fences ------------------------------------------------- */

/**
 * svmgpu_svm_submit() - Submit @cs; its completion writes @value to @fence.
 * @fd: svmgpu file descriptor.
 * @queue: A queue of a fault-mode VM that mirrors @fence and @cs.
 * @cs: The command buffer.
 * @fence: An 8-byte aligned word of the process.
 * @value: What the GPU writes there once every write of the job is done.
 */
void svmgpu_svm_submit(int fd, uint32_t queue, const struct svmgpu_cs *cs,
		       volatile uint64_t *fence, uint64_t value)
{
	svmgpu_exec_ufence(fd, queue, svmgpu_cs_addr(cs), svmgpu_cs_bytes(cs),
			   svmgpu_ptr(fence), value);
}

/**
 * svmgpu_svm_wait() - Wait for a job svmgpu_svm_submit() submitted.
 * @fd: svmgpu file descriptor.
 * @queue: Its queue: a ban ends the wait.
 * @fence: Its fence word.
 * @value: Its fence value.
 *
 * Fails the test if neither happens within svmgpu_job_wait_ns().
 *
 * Return: 0 once *@fence == @value (asserted by the CPU too), or
 * -ECANCELED if the queue was banned: the job, or one before it, failed.
 */
int svmgpu_svm_wait(int fd, uint32_t queue, volatile uint64_t *fence,
		    uint64_t value)
{
	int ret;

	ret = __svmgpu_wait_ufence(fd, svmgpu_ptr(fence), value, ~0ull,
				   DRM_SVMGPU_WAIT_EQ,
				   svmgpu_deadline_ns(svmgpu_job_wait_ns()),
				   queue);
	igt_assert_f(ret == 0 || ret == -ECANCELED,
		     "waiting for %#" PRIx64 " at %p on queue %u: %d (%s)\n",
		     value, (void *)fence, queue, ret, strerror(-ret));
	if (ret == 0)
		igt_assert_eq_u64(*fence, value);

	return ret;
}

/**
 * svmgpu_svm_run() - Run @cs on @queue to completion.
 * @svm: The context, whose fence word the job writes.
 * @queue: A queue of the context's VM.
 * @cs: The command buffer.
 *
 * Return: 0 if the job succeeded, -ECANCELED if it failed (or the queue
 * was banned already).
 */
int svmgpu_svm_run(struct svmgpu_svm *svm, uint32_t queue,
		   const struct svmgpu_cs *cs)
{
	int ret;

	svm->seqno++;
	ret = __svmgpu_exec_ufence(svm->fd, queue, svmgpu_cs_addr(cs),
				   svmgpu_cs_bytes(cs), svmgpu_ptr(svm->fence),
				   svm->seqno, NULL, 0);
	if (ret == -ECANCELED)
		return ret;
	igt_assert_f(ret == 0, "EXEC on queue %u: %d (%s)\n", queue, ret,
		     strerror(-ret));

	return svmgpu_svm_wait(svm->fd, queue, svm->fence, svm->seqno);
}

/**
 * svmgpu_svm_banned() - Whether @queue is banned.
 *
 * Submits the context's probe (a lone END): a banned queue refuses it
 * with -ECANCELED; otherwise it must run and succeed.
 */
bool svmgpu_svm_banned(struct svmgpu_svm *svm, uint32_t queue)
{
	int ret;

	svm->seqno++;
	ret = __svmgpu_exec_ufence(svm->fd, queue, svmgpu_cs_addr(&svm->probe),
				   svmgpu_cs_bytes(&svm->probe),
				   svmgpu_ptr(svm->fence), svm->seqno, NULL, 0);
	igt_assert_f(ret == 0 || ret == -ECANCELED, "EXEC on queue %u: %s\n",
		     queue, strerror(-ret));
	if (ret == 0)
		igt_assert_eq(svmgpu_svm_wait(svm->fd, queue, svm->fence,
					      svm->seqno), 0);

	return ret == -ECANCELED;
}

/**
 * svmgpu_svm_run_new_queue() - Run @cs on a queue of its own, engine 0.
 *
 * A failed job must have banned its queue, and a job that succeeded must
 * not have: asserted.
 *
 * Return: 0, or -ECANCELED if the job failed.
 */
int svmgpu_svm_run_new_queue(struct svmgpu_svm *svm,
			     const struct svmgpu_cs *cs)
{
	uint32_t queue = svmgpu_svm_queue(svm, 0);
	int ret = svmgpu_svm_run(svm, queue, cs);

	igt_assert_eq(svmgpu_svm_banned(svm, queue), ret != 0);
	svmgpu_queue_destroy(svm->fd, queue);

	return ret;
}

/** svmgpu_svm_copy() - A job that COPYs @size bytes; its status. */
int svmgpu_svm_copy(struct svmgpu_svm *svm, const volatile void *src,
		    volatile void *dst, uint64_t size)
{
	struct svmgpu_cs cs;

	svmgpu_svm_cs(svm, &cs, 64);
	svmgpu_cs_copy(&cs, svmgpu_ptr(src), svmgpu_ptr(dst), size);
	svmgpu_cs_end(&cs);

	return svmgpu_svm_run_new_queue(svm, &cs);
}

/** svmgpu_svm_fill() - A job that FILLs @size bytes; its status. */
int svmgpu_svm_fill(struct svmgpu_svm *svm, volatile void *dst,
		    uint32_t pattern, uint64_t size)
{
	struct svmgpu_cs cs;

	svmgpu_svm_cs(svm, &cs, 64);
	svmgpu_cs_fill(&cs, svmgpu_ptr(dst), pattern, size);
	svmgpu_cs_end(&cs);

	return svmgpu_svm_run_new_queue(svm, &cs);
}

/** svmgpu_svm_write32() - A job that WRITE_IMMs one word; its status. */
int svmgpu_svm_write32(struct svmgpu_svm *svm, volatile void *dst,
		       uint32_t value)
{
	struct svmgpu_cs cs;

	svmgpu_svm_cs(svm, &cs, 64);
	svmgpu_cs_write32(&cs, svmgpu_ptr(dst), value);
	svmgpu_cs_end(&cs);

	return svmgpu_svm_run_new_queue(svm, &cs);
}

/* --- Migration (DRM_SVMGPU_FEATURE_SVM_MIGRATE, uAPI 1.4) ----------------- */

/** svmgpu_loc_name() - The name of a DRM_SVMGPU_LOC_*, for messages. */
const char *svmgpu_loc_name(uint32_t loc)
{
	static const char *const names[] = {
		[DRM_SVMGPU_LOC_NONE] = "none",
		[DRM_SVMGPU_LOC_SYSTEM] = "system",
		[DRM_SVMGPU_LOC_DEVICE] = "device",
		[DRM_SVMGPU_LOC_MIXED] = "mixed",
	};

	return loc < ARRAY_SIZE(names) ? names[loc] : "(bad)";
}

/**
 * svmgpu_svm_attrs() - Every run of [@addr, @addr + @range), by
 * VM_QUERY_ATTRS calls that ask for @chunk runs at a time.
 * @fd: svmgpu file descriptor.
 * @vm: A fault-mode VM.
 * @addr: Start, a multiple of 4 KiB.
 * @range: Bytes, a multiple of 4 KiB.
 * @flags: DRM_SVMGPU_QUERY_ATTRS_*.
 * @chunk: Runs per call, 1 to DRM_SVMGPU_QUERY_ATTRS_MAX.
 * @attrs: Set to a malloc'd array of the runs; the caller frees it.
 *
 * Each call goes on from the end of the last run the previous one wrote,
 * as the uAPI says a caller does. Asserts what the uAPI promises: runs are
 * non-empty, page-aligned, in order and contiguous, cover the range
 * exactly, have known values, and (but with COARSE) no location MIXED.
 *
 * Return: How many runs.
 */
uint32_t svmgpu_svm_attrs(int fd, uint32_t vm, uint64_t addr, uint64_t range,
			  uint32_t flags, uint32_t chunk,
			  struct drm_svmgpu_vm_attr **attrs)
{
	struct drm_svmgpu_vm_attr *all = NULL, *buf;
	uint64_t at = addr, end = addr + range;
	uint32_t n = 0, i, got;

	buf = calloc(chunk, sizeof(*buf));
	igt_assert(buf);
	while (at < end) {
		got = svmgpu_vm_query_attrs(fd, vm, at, end - at, flags, buf,
					    chunk);
		all = realloc(all, (n + got) * sizeof(*all));
		igt_assert(all);
		for (i = 0; i < got; i++) {
			const struct drm_svmgpu_vm_attr *a = &buf[i];

			igt_assert_f(a->addr == at && a->range &&
				     !(a->range & 4095) &&
				     a->range <= end - at,
				     "run %u is [%#llx, +%#llx), expected one "
				     "from %#" PRIx64 " to at most %#" PRIx64
				     "\n", n + i, (unsigned long long)a->addr,
				     (unsigned long long)a->range, at, end);
			igt_assert_f(a->preferred_loc <= DRM_SVMGPU_LOC_DEVICE &&
				     a->atomic_mode <=
				     DRM_SVMGPU_ATOMIC_MODE_CPU &&
				     !(a->flags & ~(DRM_SVMGPU_MADVISE_NO_MIGRATE |
						    DRM_SVMGPU_MADVISE_READONLY |
						    DRM_SVMGPU_MADVISE_PREFERRED_FD)),
				     "run at %#llx: preferred %u, atomic %u, "
				     "flags %#x\n", (unsigned long long)a->addr,
				     a->preferred_loc, a->atomic_mode,
				     a->flags);
			igt_assert_f(a->location < DRM_SVMGPU_LOC_MIXED ||
				     (a->location == DRM_SVMGPU_LOC_MIXED &&
				      (flags & DRM_SVMGPU_QUERY_ATTRS_COARSE)),
				     "run at %#llx: location %u\n",
				     (unsigned long long)a->addr, a->location);
			all[n + i] = *a;
			at += a->range;
		}
		n += got;
	}
	free(buf);
	*attrs = all;

	return n;
}

/**
 * svmgpu_svm_location() - Where the pages of [@ptr, @ptr + @size) are.
 * @svm: The context.
 * @ptr: Start; rounded down to a page.
 * @size: Bytes; the end is rounded up to a page.
 *
 * Return: The location of every run if they all have the same one (a
 * DRM_SVMGPU_LOC_*), DRM_SVMGPU_LOC_MIXED otherwise.
 */
uint32_t svmgpu_svm_location(struct svmgpu_svm *svm, const volatile void *ptr,
			     uint64_t size)
{
	uint64_t start = svmgpu_ptr(ptr) & ~4095ull;
	uint64_t end = (svmgpu_ptr(ptr) + size + 4095) & ~4095ull;
	struct drm_svmgpu_vm_attr *attrs;
	uint32_t n, i, loc;

	n = svmgpu_svm_attrs(svm->fd, svm->vm, start, end - start, 0, 64,
			     &attrs);
	loc = attrs[0].location;
	for (i = 1; i < n; i++)
		if (attrs[i].location != loc)
			loc = DRM_SVMGPU_LOC_MIXED;
	free(attrs);

	return loc;
}

/**
 * svmgpu_svm_prefetch() - OP_PREFETCH the pages of [@ptr, @ptr + @size),
 * rounded out to pages, asserting success.
 * @svm: The context.
 * @ptr: Start.
 * @size: Bytes.
 * @system: To system memory rather than to VRAM.
 */
void svmgpu_svm_prefetch(struct svmgpu_svm *svm, const volatile void *ptr,
			 uint64_t size, bool system)
{
	uint64_t start = svmgpu_ptr(ptr) & ~4095ull;
	uint64_t end = (svmgpu_ptr(ptr) + size + 4095) & ~4095ull;

	svmgpu_vm_prefetch(svm->fd, svm->vm, start, end - start,
			   system ? DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM : 0);
}

/**
 * svmgpu_svm_madvise() - Set the attributes of the pages of [@ptr, @ptr +
 * @size), rounded out to pages, asserting success.
 * @svm: The context.
 * @ptr: Start.
 * @size: Bytes.
 * @preferred_loc: DRM_SVMGPU_LOC_NONE, _SYSTEM or _DEVICE (this device).
 * @atomic_mode: A DRM_SVMGPU_ATOMIC_MODE_*.
 * @flags: DRM_SVMGPU_MADVISE_NO_MIGRATE and _READONLY.
 */
void svmgpu_svm_madvise(struct svmgpu_svm *svm, const volatile void *ptr,
			uint64_t size, uint32_t preferred_loc,
			uint32_t atomic_mode, uint32_t flags)
{
	uint64_t start = svmgpu_ptr(ptr) & ~4095ull;
	uint64_t end = (svmgpu_ptr(ptr) + size + 4095) & ~4095ull;

	svmgpu_vm_madvise(svm->fd, svm->vm, start, end - start, preferred_loc,
			  atomic_mode, flags);
}

/* migrate_hold_ms before svmgpu_set_migrate_hold_ms() changed it. */
static char hold_saved[32];
/* The process that changed it: children never restore it. */
static pid_t hold_pid;

static void restore_hold_at_exit(void)
{
	svmgpu_restore_migrate_hold_ms();
}

/**
 * svmgpu_set_migrate_hold_ms() - Set the migrate_hold_ms module parameter.
 * @ms: How long a range a CPU fault moved to system memory stays there.
 *
 * Skips if the parameter is absent or not writable. The first call saves
 * the old value, which svmgpu_restore_migrate_hold_ms() puts back, as does
 * an atexit() handler of the calling process (not of its children).
 */
void svmgpu_set_migrate_hold_ms(unsigned int ms)
{
	char value[32];
	int ret;

	if (!hold_saved[0]) {
		ret = svmgpu_param_read(SVMGPU_MIGRATE_HOLD_PARAM, hold_saved,
					sizeof(hold_saved));
		igt_require_f(ret == 0, "no module parameter %s: %s\n",
			      SVMGPU_MIGRATE_HOLD_PARAM, strerror(-ret));
		if (!hold_pid)
			igt_assert_eq(atexit(restore_hold_at_exit), 0);
		hold_pid = getpid();
	}
	snprintf(value, sizeof(value), "%u", ms);
	ret = svmgpu_param_write(SVMGPU_MIGRATE_HOLD_PARAM, value);
	igt_require_f(ret != -EACCES && ret != -EPERM && ret != -ENOENT,
		      "cannot write %s: %s\n", SVMGPU_MIGRATE_HOLD_PARAM,
		      strerror(-ret));
	igt_assert_f(ret == 0, "writing %u to %s: %s\n", ms,
		     SVMGPU_MIGRATE_HOLD_PARAM, strerror(-ret));
}

/**
 * svmgpu_restore_migrate_hold_ms() - Put migrate_hold_ms back as it was
 * before svmgpu_set_migrate_hold_ms(); nothing if it never ran.
 */
void svmgpu_restore_migrate_hold_ms(void)
{
	if (!hold_saved[0] || hold_pid != getpid())
		return;
	if (svmgpu_param_write(SVMGPU_MIGRATE_HOLD_PARAM, hold_saved))
		igt_warn("cannot restore %s to %s\n",
			 SVMGPU_MIGRATE_HOLD_PARAM, hold_saved);
	hold_saved[0] = '\0';
}

/* --- Process memory ------------------------------------------------------- */

/**
 * svmgpu_map_anon() - An anonymous mapping, asserting success.
 * @size: Bytes.
 * @prot: PROT_*.
 * @flags: MAP_PRIVATE or MAP_SHARED, and any other MAP_* flags.
 */
void *svmgpu_map_anon(size_t size, int prot, int flags)
{
	void *ptr = mmap(NULL, size, prot, flags | MAP_ANONYMOUS, -1, 0);

	igt_assert_f(ptr != MAP_FAILED, "mmap of %zu anonymous bytes: %s\n",
		     size, strerror(errno));

	return ptr;
}

/**
 * svmgpu_region_map() - Map a &struct svmgpu_region.
 * @r: Filled in.
 * @size: Bytes of read-write memory.
 * @align: Their alignment, a power of two of at least 4 KiB.
 * @flags: MAP_PRIVATE or MAP_SHARED.
 *
 * Return: @r->ptr, the memory.
 */
uint8_t *svmgpu_region_map(struct svmgpu_region *r, size_t size,
			   size_t align, int flags)
{
	uintptr_t start;

	r->size = size;
	r->raw_size = size + align + 2 * 4096;
	r->raw = svmgpu_map_anon(r->raw_size, PROT_NONE, MAP_PRIVATE);
	start = ((uintptr_t)r->raw + 4096 + align - 1) &
		~(uintptr_t)(align - 1);
	r->ptr = mmap((void *)start, size, PROT_READ | PROT_WRITE,
		      flags | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(r->ptr == (void *)start);

	return r->ptr;
}

/** svmgpu_region_unmap() - Unmap what svmgpu_region_map() mapped. */
void svmgpu_region_unmap(struct svmgpu_region *r)
{
	svmgpu_unmap(r->raw, r->raw_size);
	memset(r, 0, sizeof(*r));
}

/**
 * svmgpu_map_aligned() - A private anonymous read-write mapping of @size
 * bytes at an address aligned to @align (a power of two), for THP.
 */
void *svmgpu_map_aligned(size_t size, size_t align)
{
	uint8_t *raw = svmgpu_map_anon(size + align, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE);
	uintptr_t start = ((uintptr_t)raw + align - 1) &
			  ~(uintptr_t)(align - 1);
	size_t head = start - (uintptr_t)raw;

	if (head)
		svmgpu_unmap(raw, head);
	if (align - head)
		svmgpu_unmap((void *)(start + size), align - head);

	return (void *)start;
}

/** svmgpu_unmap() - munmap(), asserting success. */
void svmgpu_unmap(void *ptr, size_t size)
{
	igt_assert_f(munmap(ptr, size) == 0, "munmap(%p, %zu): %s\n", ptr,
		     size, strerror(errno));
}

/**
 * svmgpu_tmpfile() - An unnamed regular file of @size bytes (zeros).
 *
 * Made with O_TMPFILE in /tmp, /dev/shm or the working directory, the
 * first that takes it, so that it is gone once closed.
 *
 * Return: Its file descriptor, read-write.
 */
int svmgpu_tmpfile(size_t size)
{
	static const char *const dirs[] = { "/tmp", "/dev/shm", "." };
	unsigned int i;
	int fd = -1;

	for (i = 0; i < ARRAY_SIZE(dirs) && fd < 0; i++)
		fd = open(dirs[i], O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	igt_require_f(fd >= 0, "no directory takes an O_TMPFILE file: %s\n",
		      strerror(errno));
	igt_assert_f(ftruncate(fd, size) == 0, "ftruncate to %zu: %s\n", size,
		     strerror(errno));

	return fd;
}

/**
 * svmgpu_smaps_field() - A field of the mapping that holds @addr.
 * @addr: An address of the process.
 * @field: A /proc/self/smaps key given in kB, such as "AnonHugePages".
 *
 * Return: The field's value in bytes, or 0 if the mapping or the field is
 * not there.
 */
uint64_t svmgpu_smaps_field(const void *addr, const char *field)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	size_t field_len = strlen(field);
	uint64_t value = 0;
	bool inside = false;
	char line[512];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, kb;

		if (sscanf(line, "%llx-%llx ", &start, &end) == 2) {
			if (inside)
				break;
			inside = (uintptr_t)addr >= start &&
				 (uintptr_t)addr < end;
			continue;
		}
		if (inside && !strncmp(line, field, field_len) &&
		    line[field_len] == ':' &&
		    sscanf(line + field_len + 1, "%llu", &kb) == 1) {
			value = kb << 10;
			break;
		}
	}
	fclose(f);

	return value;
}

/**
 * svmgpu_thp_enabled() - Whether madvise(MADV_HUGEPAGE) can give THPs.
 *
 * Return: false if the kernel has no transparent hugepages, or they are
 * set to "never".
 */
bool svmgpu_thp_enabled(void)
{
	char buf[128];

	if (svmgpu_read_small("/sys/kernel/mm/transparent_hugepage/enabled",
			      buf, sizeof(buf)) < 0)
		return false;

	return !strstr(buf, "[never]");
}

/**
 * svmgpu_page_alloc() - A zeroed, page-aligned malloc'd page, for user
 * fences, gates and counters the GPU and the CPU share.
 *
 * Return: The page; free() it.
 */
void *svmgpu_page_alloc(void)
{
	void *p = NULL;

	igt_assert_eq(posix_memalign(&p, 4096, 4096), 0);
	memset(p, 0, 4096);

	return p;
}

/**
 * svmgpu_pipe_send() - Send one byte to another process, asserting success.
 * @fd: The pipe's write end.
 * @c: The byte.
 */
void svmgpu_pipe_send(int fd, char c)
{
	igt_assert_eq(write(fd, &c, 1), 1);
}

/**
 * svmgpu_pipe_recv() - Receive one byte from another process, waiting at
 * most as long as a job may take.
 * @fd: The pipe's read end.
 *
 * Return: The byte.
 */
char svmgpu_pipe_recv(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c = 0;

	igt_assert_f(poll(&pfd, 1, svmgpu_job_wait_ns() / 1000000) == 1,
		     "no word from the other process\n");
	igt_assert_eq(read(fd, &c, 1), 1);

	return c;
}

/**
 * svmgpu_queue_status() - DRM_IOCTL_SVMGPU_QUEUE_STATUS, asserting success.
 * @fd: The DRM file.
 * @queue: The queue.
 *
 * Return: The queue's status.
 */
struct drm_svmgpu_queue_status svmgpu_queue_status(int fd, uint32_t queue)
{
	struct drm_svmgpu_queue_status st = { .queue_id = queue };

	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_QUEUE_STATUS, &st),
		      0);
	return st;
}

/**
 * svmgpu_assert_bytes() - Assert that @got holds @want, naming the first
 * byte that differs.
 * @got: What the memory holds.
 * @want: What it should.
 * @size: Bytes to compare.
 * @what: What the memory is, for the message.
 */
void svmgpu_assert_bytes(const volatile void *got, const void *want,
			 size_t size, const char *what)
{
	const uint8_t *g = (const uint8_t *)got, *w = want;
	size_t i;

	if (!memcmp(g, w, size))
		return;
	for (i = 0; i < size && g[i] == w[i]; i++)
		;
	igt_assert_f(false, "%s: byte %zu of %zu is %#x, expected %#x\n",
		     what, i, size, g[i], w[i]);
}
