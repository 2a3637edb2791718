// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_vm_bind - GPU VMs and VM_BIND: creating and destroying VMs,
 * mapping and unmapping BOs (whole, split, remapped, aliased), read-only
 * mappings, syncobjs around a bind, every documented error, and the page
 * sizes the driver picks (through debugfs vm_pagetables, when present).
 *
 * GPU accesses are checked with jobs: a job that touches an unmapped
 * address fails with -EFAULT and bans its queue, so each probe gets a
 * fresh queue.
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu GPU VMs: VM_BIND map/unmap, read-only "
		     "mappings, syncs, bad input, page sizes.");

#define GEM	DRM_SVMGPU_FEATURE_GEM
#define VM	DRM_SVMGPU_FEATURE_VM
#define EXEC	DRM_SVMGPU_FEATURE_EXEC
#define VRAM	DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM	DRM_SVMGPU_GEM_PLACEMENT_SYSTEM
#define BOTH	SVMGPU_PLACEMENT_BOTH
#define RO	DRM_SVMGPU_VM_BIND_READONLY
#define FAULT_MODE	DRM_SVMGPU_VM_CREATE_FAULT_MODE

/* A GPU address well inside any VM, 2 MiB aligned, for bind-only tests. */
#define TEST_VA	(1ull << 36)

#define CMD_POOL	(256 * SZ_4K)

static int svmgpu_fd = -1;

/* --- GPU probes ----------------------------------------------------------- */

/*
 * Copies @size bytes from GPU address @addr to @dst (a buffer of @ctx);
 * returns the job's status.
 */
static int gpu_read(struct svmgpu_ctx *ctx, uint64_t addr, uint64_t size,
		    struct svmgpu_buf *dst)
{
	struct svmgpu_cs cs;

	svmgpu_ctx_cs(ctx, &cs, 64);
	svmgpu_cs_copy(&cs, addr, svmgpu_buf_gpu(dst, 0), size);
	svmgpu_cs_end(&cs);

	return svmgpu_ctx_run_new_queue(ctx, &cs);
}

/* Reads the 32-bit word at GPU address @addr, asserting success. */
static uint32_t gpu_read32(struct svmgpu_ctx *ctx, uint64_t addr,
			   struct svmgpu_buf *scratch)
{
	*(volatile uint32_t *)scratch->map = 0xdeadbeef;
	igt_assert_eq(gpu_read(ctx, addr, 4, scratch), 0);

	return *(volatile uint32_t *)scratch->map;
}

/* Asserts that the GPU can read @addr and sees @expect. */
static void assert_gpu_sees(struct svmgpu_ctx *ctx, uint64_t addr,
			    uint32_t expect, struct svmgpu_buf *scratch)
{
	uint32_t got = gpu_read32(ctx, addr, scratch);

	igt_assert_f(got == expect,
		     "GPU read %#x at %#llx, expected %#x\n", got,
		     (unsigned long long)addr, expect);
}

/* Asserts that a GPU access to @addr faults. */
static void assert_gpu_faults(struct svmgpu_ctx *ctx, uint64_t addr,
			      struct svmgpu_buf *scratch)
{
	int ret = gpu_read(ctx, addr, 4, scratch);

	igt_assert_f(ret == -EFAULT,
		     "GPU read at %#llx: job status %d (%s), expected -EFAULT\n",
		     (unsigned long long)addr, ret, strerror(-ret));
}

/* --- VMs ------------------------------------------------------------------ */

static void test_vm_create_destroy(int fd)
{
	uint32_t vms[16];
	unsigned int i, j;

	svmgpu_require_features(fd, VM);

	for (i = 0; i < ARRAY_SIZE(vms); i++) {
		vms[i] = svmgpu_vm_create(fd);
		for (j = 0; j < i; j++)
			igt_assert_neq_u32(vms[i], vms[j]);
	}
	for (i = 0; i < ARRAY_SIZE(vms); i++)
		svmgpu_vm_destroy(fd, vms[i]);
	for (i = 0; i < ARRAY_SIZE(vms); i++)
		igt_assert_eq(__svmgpu_vm_destroy(fd, vms[i]), -ENOENT);

	igt_assert_eq(__svmgpu_vm_destroy(fd, 0), -ENOENT);
	igt_assert_eq(__svmgpu_vm_destroy(fd, ~0u), -ENOENT);

	/* Many create/destroy cycles. */
	for (i = 0; i < 1000; i++)
		svmgpu_vm_destroy(fd, svmgpu_vm_create(fd));
}

static void test_vm_create_bad(int fd)
{
	struct drm_svmgpu_user_extension ext = {};
	struct drm_svmgpu_vm_create create;
	unsigned int bit;
	uint32_t vm;
	bool svm;

	svmgpu_require_features(fd, VM);
	svm = svmgpu_has_svm(fd);

	/*
	 * Bit 0 is DRM_SVMGPU_VM_CREATE_FAULT_MODE (uAPI 1.3). With it, an
	 * unknown bit is -EINVAL when the driver has SVM; without SVM, the
	 * uAPI does not say which of the two errors comes first.
	 */
	for (bit = 1; bit < 32; bit++) {
		igt_assert_eq(__svmgpu_vm_create(fd, 1u << bit, &vm), -EINVAL);
		if (svm)
			igt_assert_eq(__svmgpu_vm_create(fd,
							 FAULT_MODE | 1u << bit,
							 &vm), -EINVAL);
	}
	if (svm) {
		igt_assert_eq(__svmgpu_vm_create(fd, ~0u, &vm), -EINVAL);
		igt_assert_eq(__svmgpu_vm_create(fd, FAULT_MODE, &vm), 0);
		svmgpu_vm_destroy(fd, vm);
	} else {
		igt_assert_eq(__svmgpu_vm_create(fd, FAULT_MODE, &vm),
			      -EOPNOTSUPP);
	}

	create = (struct drm_svmgpu_vm_create) {
		.extensions = to_user_pointer(&ext),
	};
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_CREATE, &create),
		      -EINVAL);
	create.extensions = ~0ull;
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_CREATE, &create),
		      -EINVAL);

	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_CREATE, NULL),
		      -EFAULT);
}

static void test_vm_destroy_bad(int fd)
{
	struct drm_svmgpu_user_extension ext = {};
	struct drm_svmgpu_vm_destroy destroy;
	uint32_t vm;
	int fd2;

	svmgpu_require_features(fd, VM);

	vm = svmgpu_vm_create(fd);

	destroy = (struct drm_svmgpu_vm_destroy) { .vm_id = vm, .pad = 1 };
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_DESTROY,
				     &destroy), -EINVAL);
	destroy = (struct drm_svmgpu_vm_destroy) {
		.vm_id = vm, .extensions = to_user_pointer(&ext),
	};
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_DESTROY,
				     &destroy), -EINVAL);
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_DESTROY, NULL),
		      -EFAULT);

	/* VM ids belong to their file. */
	fd2 = drm_open_svmgpu(0);
	igt_assert_eq(__svmgpu_vm_destroy(fd2, vm), -ENOENT);
	igt_assert_eq(close(fd2), 0);

	/* None of that destroyed it. */
	svmgpu_vm_destroy(fd, vm);
}

/* Another file cannot use a VM: binds and queues on it give -ENOENT. */
static void test_vm_per_fd(int fd)
{
	uint32_t vm, handle, handle2, queue;
	int fd2;

	svmgpu_require_features(fd, GEM | VM);

	fd2 = drm_open_svmgpu(0);
	vm = svmgpu_vm_create(fd);
	handle = svmgpu_bo_create(fd, SZ_64K, BOTH, 0);
	handle2 = svmgpu_bo_create(fd2, SZ_64K, BOTH, 0);

	igt_assert_eq(__svmgpu_vm_map(fd2, vm, handle2, 0, TEST_VA, SZ_64K, 0),
		      -ENOENT);
	igt_assert_eq(__svmgpu_vm_unmap(fd2, vm, TEST_VA, SZ_64K), -ENOENT);
	if (svmgpu_has_features(fd, EXEC))
		igt_assert_eq(__svmgpu_queue_create(fd2, vm, 0,
						    DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
						    &queue), -ENOENT);

	svmgpu_gem_close(fd2, handle2);
	igt_assert_eq(close(fd2), 0);
	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

/*
 * Destroying a VM releases its id at once, but a queue on it keeps it,
 * and its mappings, alive.
 */
static void test_vm_destroy_with_queue(int fd)
{
	struct svmgpu_ctx ctx;
	struct svmgpu_buf buf;
	struct svmgpu_cs cs;
	uint32_t queue, q2, vm;

	svmgpu_require_features(fd, GEM | VM | EXEC);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &buf, SZ_64K, BOTH);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);

	vm = ctx.vm;
	svmgpu_vm_destroy(fd, vm);
	igt_assert_eq(__svmgpu_vm_destroy(fd, vm), -ENOENT);
	igt_assert_eq(__svmgpu_vm_unmap(fd, vm, buf.addr, buf.size), -ENOENT);
	igt_assert_eq(__svmgpu_queue_create(fd, vm, 0,
					    DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
					    &q2), -ENOENT);

	svmgpu_ctx_cs(&ctx, &cs, 64);
	svmgpu_cs_write32(&cs, svmgpu_buf_gpu(&buf, 128), 0xc0ffee);
	svmgpu_cs_end(&cs);
	igt_assert_eq(svmgpu_run(fd, queue, &cs), 0);
	igt_assert_eq_u32(((uint32_t *)buf.map)[32], 0xc0ffee);

	svmgpu_queue_destroy(fd, queue);

	/* The VM is gone: nothing to unbind. */
	buf.vm = 0;
	ctx.cmd.vm = 0;
	svmgpu_buf_destroy(&buf);
	svmgpu_buf_destroy(&ctx.cmd);
}

/* --- Map and unmap -------------------------------------------------------- */

static void test_map_unmap(int fd)
{
	struct svmgpu_buf buf, scratch;
	struct svmgpu_ctx ctx;
	uint64_t addr;

	svmgpu_require_features(fd, GEM | VM | EXEC);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &scratch, SZ_4K, SYSTEM);
	svmgpu_buf_create(&buf, fd, SZ_64K, BOTH, 0);
	addr = svmgpu_ctx_va(&ctx, buf.size);

	/* Not mapped yet. */
	assert_gpu_faults(&ctx, addr, &scratch);

	svmgpu_buf_bind(&buf, ctx.vm, addr, 0);
	igt_assert_eq(svmgpu_ctx_write32(&ctx, addr + 4, 0x1234), 0);
	igt_assert_eq(svmgpu_ctx_write32(&ctx, addr + SZ_64K - 4, 0x5678), 0);
	igt_assert_eq_u32(((uint32_t *)buf.map)[1], 0x1234);
	igt_assert_eq_u32(((uint32_t *)buf.map)[SZ_64K / 4 - 1], 0x5678);
	((uint32_t *)buf.map)[2] = 0xabcd;
	assert_gpu_sees(&ctx, addr + 8, 0xabcd, &scratch);

	/* Just past the end is not mapped. */
	assert_gpu_faults(&ctx, addr + SZ_64K, &scratch);

	svmgpu_buf_unbind(&buf);
	assert_gpu_faults(&ctx, addr, &scratch);
	igt_assert_eq(svmgpu_ctx_write32(&ctx, addr + 4, 0x9999), -EFAULT);
	igt_assert_eq_u32(((uint32_t *)buf.map)[1], 0x1234);

	svmgpu_buf_destroy(&buf);
	svmgpu_buf_destroy(&scratch);
	svmgpu_ctx_fini(&ctx);
}

/*
 * Unmapping the middle of a mapping leaves both ends mapped and a hole
 * that faults; unmapping across the ends of two mappings trims both.
 */
static void test_partial_unmap(int fd, uint32_t placements)
{
	const uint64_t size = 2 * SZ_2M;
	struct svmgpu_buf a, b, scratch;
	struct svmgpu_ctx ctx;
	uint64_t addr, hole, hole_size;
	uint32_t *w;

	svmgpu_require_features(fd, GEM | VM | EXEC);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &scratch, SZ_4K, SYSTEM);
	svmgpu_buf_create(&a, fd, size, placements, 0);
	svmgpu_fill_pattern(a.map, size, 1);
	w = a.map;
	addr = svmgpu_ctx_va(&ctx, size);
	svmgpu_buf_bind(&a, ctx.vm, addr, 0);

	/* A 64 KiB hole in the middle of the first 2 MiB. */
	hole = addr + SZ_1M;
	hole_size = SZ_64K;
	svmgpu_vm_unmap(fd, ctx.vm, hole, hole_size);

	assert_gpu_sees(&ctx, addr, w[0], &scratch);
	assert_gpu_sees(&ctx, hole - 4, w[(hole - 4 - addr) / 4], &scratch);
	assert_gpu_faults(&ctx, hole, &scratch);
	assert_gpu_faults(&ctx, hole + hole_size - 4, &scratch);
	assert_gpu_sees(&ctx, hole + hole_size,
			w[(hole + hole_size - addr) / 4], &scratch);
	assert_gpu_sees(&ctx, addr + size - 4, w[size / 4 - 1], &scratch);

	/* A 4 KiB hole that splits the second 2 MiB. */
	svmgpu_vm_unmap(fd, ctx.vm, addr + SZ_2M + 5 * SZ_4K, SZ_4K);
	assert_gpu_sees(&ctx, addr + SZ_2M + 5 * SZ_4K - 4,
			w[(SZ_2M + 5 * SZ_4K - 4) / 4], &scratch);
	assert_gpu_faults(&ctx, addr + SZ_2M + 5 * SZ_4K, &scratch);
	assert_gpu_sees(&ctx, addr + SZ_2M + 6 * SZ_4K,
			w[(SZ_2M + 6 * SZ_4K) / 4], &scratch);

	/* The hole can be mapped again, to another BO. */
	svmgpu_buf_create(&b, fd, SZ_64K, placements, 0);
	svmgpu_fill_pattern(b.map, SZ_64K, 2);
	svmgpu_vm_map(fd, ctx.vm, b.handle, 0, hole, hole_size, 0);
	assert_gpu_sees(&ctx, hole + 8, ((uint32_t *)b.map)[2], &scratch);
	assert_gpu_sees(&ctx, hole - 4, w[(hole - 4 - addr) / 4], &scratch);

	/*
	 * Unmap across the boundary between a's first part and b: the end
	 * of one and the start of the other go, the rest of both stays.
	 */
	svmgpu_vm_unmap(fd, ctx.vm, hole - SZ_64K, SZ_64K + SZ_64K / 2);
	assert_gpu_sees(&ctx, hole - SZ_64K - 4,
			w[(hole - SZ_64K - 4 - addr) / 4], &scratch);
	assert_gpu_faults(&ctx, hole - SZ_64K, &scratch);
	assert_gpu_faults(&ctx, hole + SZ_64K / 2 - 4, &scratch);
	assert_gpu_sees(&ctx, hole + SZ_64K / 2,
			((uint32_t *)b.map)[SZ_64K / 2 / 4], &scratch);
	assert_gpu_sees(&ctx, hole + SZ_64K,
			w[(hole + SZ_64K - addr) / 4], &scratch);

	/* Everything left goes with one unmap of the whole range. */
	svmgpu_vm_unmap(fd, ctx.vm, addr, size);
	a.vm = 0;
	assert_gpu_faults(&ctx, addr, &scratch);
	assert_gpu_faults(&ctx, addr + size - 4, &scratch);

	svmgpu_buf_destroy(&b);
	svmgpu_buf_destroy(&a);
	svmgpu_buf_destroy(&scratch);
	svmgpu_ctx_fini(&ctx);
}

/* Unmapping where nothing is mapped is not an error. */
static void test_unmap_nothing(int fd)
{
	uint32_t vm;

	svmgpu_require_features(fd, GEM | VM);

	vm = svmgpu_vm_create(fd);
	svmgpu_vm_unmap(fd, vm, TEST_VA, SZ_4K);
	svmgpu_vm_unmap(fd, vm, TEST_VA, SZ_1M * 1024);
	svmgpu_vm_unmap(fd, vm, SVMGPU_VA_NULL_GUARD, SZ_64K);
	svmgpu_vm_destroy(fd, vm);
}

/*
 * After an unmap, the same address mapped to another BO shows the new BO:
 * the GPU's TLBs do not keep the old translation.
 */
static void test_remap(int fd)
{
	struct svmgpu_buf a, b, scratch;
	struct svmgpu_ctx ctx;
	uint64_t addr;
	int i;

	svmgpu_require_features(fd, GEM | VM | EXEC);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &scratch, SZ_4K, SYSTEM);
	svmgpu_buf_create(&a, fd, SZ_2M, VRAM, 0);
	svmgpu_buf_create(&b, fd, SZ_2M, SYSTEM, 0);
	memset(a.map, 0xaa, SZ_2M);
	memset(b.map, 0xbb, SZ_2M);
	addr = svmgpu_ctx_va(&ctx, SZ_2M);

	for (i = 0; i < 8; i++) {
		struct svmgpu_buf *cur = i & 1 ? &b : &a;
		uint32_t expect = i & 1 ? 0xbbbbbbbb : 0xaaaaaaaa;

		svmgpu_buf_bind(cur, ctx.vm, addr, i & 2 ? RO : 0);
		assert_gpu_sees(&ctx, addr, expect, &scratch);
		assert_gpu_sees(&ctx, addr + SZ_2M - 4, expect, &scratch);
		if (!(i & 2)) {
			igt_assert_eq(svmgpu_ctx_write32(&ctx, addr + 64, i), 0);
			igt_assert_eq_u32(((uint32_t *)cur->map)[16], i);
			((uint32_t *)cur->map)[16] = expect;
		}
		svmgpu_buf_unbind(cur);
	}

	svmgpu_buf_destroy(&a);
	svmgpu_buf_destroy(&b);
	svmgpu_buf_destroy(&scratch);
	svmgpu_ctx_fini(&ctx);
}

/* One BO mapped at two addresses: a write through one shows in the other. */
static void test_alias(int fd)
{
	struct svmgpu_buf buf, scratch;
	struct svmgpu_ctx ctx;
	uint64_t a1, a2;

	svmgpu_require_features(fd, GEM | VM | EXEC);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &scratch, SZ_4K, SYSTEM);
	svmgpu_buf_create(&buf, fd, SZ_64K, BOTH, 0);
	a1 = svmgpu_ctx_va(&ctx, SZ_64K);
	a2 = svmgpu_ctx_va(&ctx, SZ_64K) + SZ_4K;

	svmgpu_vm_map(fd, ctx.vm, buf.handle, 0, a1, SZ_64K, 0);
	/* The second alias starts one page into the BO. */
	svmgpu_vm_map(fd, ctx.vm, buf.handle, SZ_4K, a2, SZ_64K - SZ_4K, RO);

	igt_assert_eq(svmgpu_ctx_write32(&ctx, a1 + SZ_4K + 12, 0x600d), 0);
	assert_gpu_sees(&ctx, a2 + 12, 0x600d, &scratch);
	igt_assert_eq_u32(((uint32_t *)buf.map)[(SZ_4K + 12) / 4], 0x600d);

	/* The read-only alias stays read-only. */
	igt_assert_eq(svmgpu_ctx_write32(&ctx, a2 + 12, 0xbad), -EFAULT);
	igt_assert_eq_u32(((uint32_t *)buf.map)[(SZ_4K + 12) / 4], 0x600d);

	svmgpu_vm_unmap(fd, ctx.vm, a1, SZ_64K);
	assert_gpu_sees(&ctx, a2 + 12, 0x600d, &scratch);
	svmgpu_vm_unmap(fd, ctx.vm, a2, SZ_64K - SZ_4K);

	svmgpu_buf_destroy(&buf);
	svmgpu_buf_destroy(&scratch);
	svmgpu_ctx_fini(&ctx);
}

/*
 * A BO mapped in a VM stays alive after its handle is closed, until it is
 * unmapped.
 */
static void test_mapping_outlives_handle(int fd)
{
	struct svmgpu_buf scratch;
	struct svmgpu_ctx ctx;
	uint64_t addr;
	uint32_t handle;

	svmgpu_require_features(fd, GEM | VM | EXEC);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &scratch, SZ_4K, SYSTEM);
	addr = svmgpu_ctx_va(&ctx, SZ_64K);

	handle = svmgpu_bo_create(fd, SZ_64K, VRAM, 0);
	svmgpu_vm_map(fd, ctx.vm, handle, 0, addr, SZ_64K, 0);
	svmgpu_gem_close(fd, handle);

	igt_assert_eq(svmgpu_ctx_write32(&ctx, addr + 100 * 4, 0x5eed), 0);
	assert_gpu_sees(&ctx, addr + 100 * 4, 0x5eed, &scratch);
	assert_gpu_sees(&ctx, addr + 101 * 4, 0, &scratch);

	svmgpu_vm_unmap(fd, ctx.vm, addr, SZ_64K);
	assert_gpu_faults(&ctx, addr, &scratch);

	svmgpu_buf_destroy(&scratch);
	svmgpu_ctx_fini(&ctx);
}

/* Two VMs are separate address spaces. */
static void test_vm_isolation(int fd)
{
	struct svmgpu_buf a, b, sa, sb;
	struct svmgpu_ctx c1, c2;
	uint64_t addr = TEST_VA;

	svmgpu_require_features(fd, GEM | VM | EXEC);

	svmgpu_ctx_init(&c1, fd, CMD_POOL);
	svmgpu_ctx_init(&c2, fd, CMD_POOL);
	svmgpu_ctx_buf(&c1, &sa, SZ_4K, SYSTEM);
	svmgpu_ctx_buf(&c2, &sb, SZ_4K, SYSTEM);
	svmgpu_buf_create(&a, fd, SZ_64K, BOTH, 0);
	svmgpu_buf_create(&b, fd, SZ_64K, BOTH, 0);
	memset(a.map, 0x1a, SZ_64K);
	memset(b.map, 0x2b, SZ_64K);

	svmgpu_buf_bind(&a, c1.vm, addr, 0);
	svmgpu_buf_bind(&b, c2.vm, addr, 0);
	assert_gpu_sees(&c1, addr, 0x1a1a1a1a, &sa);
	assert_gpu_sees(&c2, addr, 0x2b2b2b2b, &sb);

	svmgpu_buf_unbind(&a);
	assert_gpu_faults(&c1, addr, &sa);
	assert_gpu_sees(&c2, addr, 0x2b2b2b2b, &sb);

	svmgpu_buf_destroy(&a);
	svmgpu_buf_destroy(&b);
	svmgpu_buf_destroy(&sa);
	svmgpu_buf_destroy(&sb);
	svmgpu_ctx_fini(&c1);
	svmgpu_ctx_fini(&c2);
}

/* --- Read-only mappings --------------------------------------------------- */

enum ro_access {
	RO_WRITE_IMM,
	RO_WRITE_IMM_64,
	RO_FILL,
	RO_COPY_DST,
	RO_ATOMIC,
	RO_ATOMIC_RESULT,
	RO_TIMESTAMP,
	RO_NUM_ACCESSES,
};

static void emit_ro_access(struct svmgpu_cs *cs, enum ro_access access,
			   uint64_t ro, uint64_t rw)
{
	switch (access) {
	case RO_WRITE_IMM:
		svmgpu_cs_write32(cs, ro, 1);
		break;
	case RO_WRITE_IMM_64:
		svmgpu_cs_write64(cs, ro + 8, 1);
		break;
	case RO_FILL:
		svmgpu_cs_fill(cs, ro, 0, 64);
		break;
	case RO_COPY_DST:
		svmgpu_cs_copy(cs, rw, ro, 16);
		break;
	case RO_ATOMIC:
		svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC, ro, 0, 0, 0);
		break;
	case RO_ATOMIC_RESULT:
		/* The atomic is on rw; only its result goes to ro. */
		svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_ADD |
				 DRM_SVMGPU_ATOMIC_RETURN, rw, 1, 0, ro);
		break;
	case RO_TIMESTAMP:
		svmgpu_cs_timestamp(cs, ro + 16);
		break;
	default:
		igt_assert(0);
	}
}

/*
 * Every command that writes fails on a read-only mapping: the job fails
 * with -EFAULT, its queue is banned, and the memory is unchanged.
 */
static void test_readonly_write(int fd)
{
	struct svmgpu_buf ro, rw;
	struct svmgpu_ctx ctx;
	enum ro_access access;

	svmgpu_require_features(fd, GEM | VM | EXEC);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &rw, SZ_4K, SYSTEM);
	svmgpu_buf_create(&ro, fd, SZ_64K, BOTH, 0);
	svmgpu_buf_bind(&ro, ctx.vm, svmgpu_ctx_va(&ctx, ro.size), RO);
	svmgpu_fill_pattern(ro.map, ro.size, 99);

	for (access = 0; access < RO_NUM_ACCESSES; access++) {
		struct svmgpu_cs cs;
		int ret;

		svmgpu_ctx_cs(&ctx, &cs, 128);
		emit_ro_access(&cs, access, ro.addr, rw.addr);
		svmgpu_cs_end(&cs);

		ret = svmgpu_ctx_run_new_queue(&ctx, &cs);
		igt_assert_f(ret == -EFAULT,
			     "access %d to a read-only mapping: %d (%s)\n",
			     access, ret, strerror(-ret));
		igt_assert_eq_u64(svmgpu_check_pattern(ro.map, ro.size, 99),
				  ro.size);
	}

	svmgpu_buf_destroy(&ro);
	svmgpu_buf_destroy(&rw);
	svmgpu_ctx_fini(&ctx);
}

/* Commands that only read work on a read-only mapping. */
static void test_readonly_read(int fd)
{
	struct svmgpu_buf ro, rw;
	struct svmgpu_ctx ctx;
	struct svmgpu_cs cs;
	uint32_t queue;

	svmgpu_require_features(fd, GEM | VM | EXEC);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &rw, SZ_64K, SYSTEM);
	svmgpu_buf_create(&ro, fd, SZ_64K, VRAM, 0);
	svmgpu_fill_pattern(ro.map, ro.size, 5);
	svmgpu_buf_bind(&ro, ctx.vm, svmgpu_ctx_va(&ctx, ro.size), RO);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);

	svmgpu_ctx_cs(&ctx, &cs, 256);
	svmgpu_cs_copy(&cs, ro.addr, rw.addr, ro.size);
	svmgpu_cs_wait_mem(&cs, DRM_SVMGPU_WAIT_EQ, ro.addr,
			   ((uint32_t *)ro.map)[0], 0xffffffff);
	svmgpu_cs_end(&cs);
	igt_assert_eq(svmgpu_run(fd, queue, &cs), 0);
	igt_assert_eq_u64(svmgpu_check_pattern(rw.map, rw.size, 5), rw.size);

	/* A command buffer may itself live in a read-only mapping. */
	{
		struct svmgpu_cs ro_cs;

		svmgpu_cs_init(&ro_cs, svmgpu_buf_cpu(&ro, SZ_4K),
			       svmgpu_buf_gpu(&ro, SZ_4K), SZ_4K);
		svmgpu_cs_write32(&ro_cs, rw.addr, 0x0dd);
		svmgpu_cs_end(&ro_cs);
		igt_assert_eq(svmgpu_run(fd, queue, &ro_cs), 0);
		igt_assert_eq_u32(*(uint32_t *)rw.map, 0x0dd);
	}
	igt_assert(!svmgpu_ctx_banned(&ctx, queue));

	svmgpu_queue_destroy(fd, queue);
	svmgpu_buf_destroy(&ro);
	svmgpu_buf_destroy(&rw);
	svmgpu_ctx_fini(&ctx);
}

/* --- Bad input ------------------------------------------------------------ */

static void bind_expect(int fd, uint32_t vm, struct drm_svmgpu_vm_bind_op op,
			int err)
{
	int ret = __svmgpu_vm_bind(fd, vm, &op, 1, NULL, 0);

	igt_assert_f(ret == err,
		     "VM_BIND op %u flags %#x handle %u pad %#x bo_offset %#llx addr %#llx range %#llx: %d (%s), expected %d (%s)\n",
		     op.op, op.flags, op.handle, op.pad,
		     (unsigned long long)op.bo_offset,
		     (unsigned long long)op.addr,
		     (unsigned long long)op.range, ret, strerror(-ret), err,
		     strerror(-err));
	if (!ret && op.op == DRM_SVMGPU_VM_BIND_OP_MAP)
		svmgpu_vm_unmap(fd, vm, op.addr, op.range);
}

/* Mapping over any part of an existing mapping is -EINVAL. */
static void test_map_over_existing(int fd)
{
	const uint64_t a = TEST_VA + SZ_1M;
	uint32_t vm, handle;

	svmgpu_require_features(fd, GEM | VM);

	vm = svmgpu_vm_create(fd);
	handle = svmgpu_bo_create(fd, SZ_2M, BOTH, 0);
	svmgpu_vm_map(fd, vm, handle, 0, a, SZ_64K, 0);

	bind_expect(fd, vm, svmgpu_op_map(handle, 0, a, SZ_64K, 0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, a, SZ_4K, 0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, a + SZ_64K - SZ_4K,
					  SZ_4K, 0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, a - SZ_4K, 2 * SZ_4K, 0),
		    -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, a + SZ_64K - SZ_4K,
					  2 * SZ_4K, 0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, a - SZ_64K, SZ_1M, 0),
		    -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, a, SZ_64K, RO), -EINVAL);

	/* Right next to it, on both sides, is fine. */
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, a - SZ_4K, SZ_4K, 0), 0);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, a + SZ_64K, SZ_4K, 0), 0);

	/* The original mapping is still there: it can be unmapped and redone. */
	svmgpu_vm_unmap(fd, vm, a, SZ_64K);
	svmgpu_vm_map(fd, vm, handle, 0, a, SZ_64K, 0);
	svmgpu_vm_unmap(fd, vm, a, SZ_64K);

	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

static void test_bind_bad_align(int fd)
{
	uint32_t vm, handle;

	svmgpu_require_features(fd, GEM | VM);

	vm = svmgpu_vm_create(fd);
	handle = svmgpu_bo_create(fd, SZ_2M, BOTH, 0);

	/* addr */
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, TEST_VA + 1, SZ_4K, 0),
		    -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, TEST_VA + 2048, SZ_4K, 0),
		    -EINVAL);
	bind_expect(fd, vm, svmgpu_op_unmap(TEST_VA + 512, SZ_4K), -EINVAL);
	/* bo_offset */
	bind_expect(fd, vm, svmgpu_op_map(handle, 4, TEST_VA, SZ_4K, 0),
		    -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, SZ_4K + 2048, TEST_VA, SZ_4K,
					  0), -EINVAL);
	/* range */
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, TEST_VA, 0, 0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, TEST_VA, 1, 0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, TEST_VA, SZ_4K + 8, 0),
		    -EINVAL);
	bind_expect(fd, vm, svmgpu_op_unmap(TEST_VA, 0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_unmap(TEST_VA, SZ_4K - 1), -EINVAL);

	/* For contrast. */
	bind_expect(fd, vm, svmgpu_op_map(handle, SZ_4K, TEST_VA + SZ_4K,
					  SZ_4K, 0), 0);

	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

static void test_bind_beyond_bo(int fd)
{
	const uint64_t size = SZ_64K;
	uint32_t vm, handle;

	svmgpu_require_features(fd, GEM | VM);

	vm = svmgpu_vm_create(fd);
	handle = svmgpu_bo_create(fd, size, BOTH, 0);

	bind_expect(fd, vm, svmgpu_op_map(handle, 0, TEST_VA, size + SZ_4K, 0),
		    -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, SZ_4K, TEST_VA, size, 0),
		    -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, size, TEST_VA, SZ_4K, 0),
		    -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 1ull << 40, TEST_VA, SZ_4K,
					  0), -EINVAL);
	/* bo_offset + range wraps around. */
	bind_expect(fd, vm, svmgpu_op_map(handle, ~0ull & ~(SZ_4K - 1),
					  TEST_VA, 2 * SZ_4K, 0), -EINVAL);

	/* Exactly the BO, and its last page alone, are fine. */
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, TEST_VA, size, 0), 0);
	bind_expect(fd, vm, svmgpu_op_map(handle, size - SZ_4K, TEST_VA,
					  SZ_4K, 0), 0);

	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

/* The first 64 KiB of a VM are never mapped. */
static void test_bind_null_page(int fd)
{
	const uint64_t guard = SVMGPU_VA_NULL_GUARD;
	uint32_t vm, handle;

	svmgpu_require_features(fd, GEM | VM);

	vm = svmgpu_vm_create(fd);
	handle = svmgpu_bo_create(fd, SZ_2M, BOTH, 0);

	bind_expect(fd, vm, svmgpu_op_map(handle, 0, 0, SZ_4K, 0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, SZ_4K, SZ_4K, 0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, guard - SZ_4K, SZ_4K, 0),
		    -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, guard - SZ_4K, 2 * SZ_4K,
					  0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, 0, SZ_1M, 0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_unmap(0, SZ_4K), -EINVAL);

	bind_expect(fd, vm, svmgpu_op_map(handle, 0, guard, SZ_4K, 0), 0);

	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

/* Nothing maps at or above 1 << va_bits. */
static void test_bind_va_limit(int fd)
{
	uint32_t va_bits, vm, handle;
	uint64_t top;

	svmgpu_require_features(fd, GEM | VM);
	va_bits = svmgpu_va_bits(fd);
	igt_require_f(va_bits < 64, "a 64-bit VA has no end to go past\n");
	top = 1ull << va_bits;

	vm = svmgpu_vm_create(fd);
	handle = svmgpu_bo_create(fd, SZ_2M, BOTH, 0);

	bind_expect(fd, vm, svmgpu_op_map(handle, 0, top, SZ_4K, 0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, top - SZ_4K, 2 * SZ_4K,
					  0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, top - SZ_4K, SZ_2M, 0),
		    -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, top << 1, SZ_4K, 0),
		    -EINVAL);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, ~0ull & ~(SZ_4K - 1),
					  SZ_4K, 0), -EINVAL);
	/* addr + range wraps around to a small address. */
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, ~0ull & ~(SZ_4K - 1),
					  SZ_2M, 0), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_unmap(top - SZ_4K, 2 * SZ_4K), -EINVAL);

	/* The very top page is part of the VM. */
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, top - SZ_4K, SZ_4K, 0), 0);
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, top - SZ_2M, SZ_2M, 0), 0);

	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

static void test_bind_bad_op(int fd)
{
	struct drm_svmgpu_vm_bind_op op;
	uint32_t vm, handle;
	unsigned int bit;

	svmgpu_require_features(fd, GEM | VM);

	vm = svmgpu_vm_create(fd);
	handle = svmgpu_bo_create(fd, SZ_64K, BOTH, 0);

	op = svmgpu_op_map(handle, 0, TEST_VA, SZ_4K, 0);
	op.op = DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR + 1;
	bind_expect(fd, vm, op, -EINVAL);
	op.op = ~0u;
	bind_expect(fd, vm, op, -EINVAL);

	/* OP_MAP_MIRROR (uAPI 1.3) needs a fault-mode VM. */
	bind_expect(fd, vm, svmgpu_op_mirror(TEST_VA, SZ_4K), -EINVAL);
	bind_expect(fd, vm, svmgpu_op_mirror(SVMGPU_VA_NULL_GUARD,
					     SVMGPU_USER_VA_END -
					     SVMGPU_VA_NULL_GUARD), -EINVAL);

	for (bit = 0; bit < 32; bit++) {
		if ((1u << bit) == RO)
			continue;
		bind_expect(fd, vm, svmgpu_op_map(handle, 0, TEST_VA, SZ_4K,
						  1u << bit), -EINVAL);
		op = svmgpu_op_unmap(TEST_VA, SZ_4K);
		op.flags = 1u << bit;
		bind_expect(fd, vm, op, -EINVAL);
	}

	op = svmgpu_op_map(handle, 0, TEST_VA, SZ_4K, 0);
	op.pad = 1;
	bind_expect(fd, vm, op, -EINVAL);
	op = svmgpu_op_unmap(TEST_VA, SZ_4K);
	op.pad = 0x80000000;
	bind_expect(fd, vm, op, -EINVAL);

	/* UNMAP's handle and bo_offset are MBZ. */
	op = svmgpu_op_unmap(TEST_VA, SZ_4K);
	op.handle = handle;
	bind_expect(fd, vm, op, -EINVAL);
	op = svmgpu_op_unmap(TEST_VA, SZ_4K);
	op.bo_offset = SZ_4K;
	bind_expect(fd, vm, op, -EINVAL);

	/* Unknown BO. */
	bind_expect(fd, vm, svmgpu_op_map(0, 0, TEST_VA, SZ_4K, 0), -ENOENT);
	bind_expect(fd, vm, svmgpu_op_map(handle + 1000, 0, TEST_VA, SZ_4K, 0),
		    -ENOENT);

	svmgpu_gem_close(fd, handle);
	/* A closed handle is unknown too. */
	bind_expect(fd, vm, svmgpu_op_map(handle, 0, TEST_VA, SZ_4K, 0),
		    -ENOENT);
	svmgpu_vm_destroy(fd, vm);
}

static int bind_raw(int fd, struct drm_svmgpu_vm_bind *bind)
{
	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_BIND, bind);
}

static void test_bind_bad_args(int fd)
{
	struct drm_svmgpu_vm_bind_op ops[SVMGPU_MAX_BIND_OPS + 1];
	struct drm_svmgpu_sync syncs[SVMGPU_MAX_SYNCS + 1];
	uint32_t outs[SVMGPU_MAX_SYNCS + 1];
	struct drm_svmgpu_user_extension ext = {};
	struct drm_svmgpu_vm_bind bind, good;
	uint32_t vm, handle, empty, timeline;
	unsigned int i;
	void *hole;

	svmgpu_require_features(fd, GEM | VM);

	vm = svmgpu_vm_create(fd);
	handle = svmgpu_bo_create(fd, SZ_64K, BOTH, 0);
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		ops[i] = svmgpu_op_unmap(TEST_VA + i * SZ_4K, SZ_4K);
	good = (struct drm_svmgpu_vm_bind) {
		.vm_id = vm, .num_ops = 1, .ops = to_user_pointer(ops),
	};

	bind = good;
	bind.num_ops = 0;
	igt_assert_eq(bind_raw(fd, &bind), -EINVAL);
	bind.num_ops = SVMGPU_MAX_BIND_OPS + 1;
	igt_assert_eq(bind_raw(fd, &bind), -EINVAL);
	bind.num_ops = ~0u;
	igt_assert_eq(bind_raw(fd, &bind), -EINVAL);

	bind = good;
	bind.pad = 1;
	igt_assert_eq(bind_raw(fd, &bind), -EINVAL);
	bind = good;
	bind.extensions = to_user_pointer(&ext);
	igt_assert_eq(bind_raw(fd, &bind), -EINVAL);
	bind.extensions = ~0ull;
	igt_assert_eq(bind_raw(fd, &bind), -EINVAL);

	bind = good;
	bind.vm_id = 0;
	igt_assert_eq(bind_raw(fd, &bind), -ENOENT);
	bind.vm_id = vm + 1000;
	igt_assert_eq(bind_raw(fd, &bind), -ENOENT);

	/* Unreadable ops. */
	hole = mmap(NULL, SZ_4K, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(hole != MAP_FAILED);
	bind = good;
	bind.ops = 0;
	igt_assert_eq(bind_raw(fd, &bind), -EFAULT);
	bind.ops = to_user_pointer(hole);
	igt_assert_eq(bind_raw(fd, &bind), -EFAULT);
	bind.ops = 0xffffffff80000000ull;
	igt_assert_eq(bind_raw(fd, &bind), -EFAULT);

	/* Syncs: unreadable, too many, malformed, unknown. */
	bind = good;
	bind.num_syncs = 1;
	bind.syncs = 0;
	igt_assert_eq(bind_raw(fd, &bind), -EFAULT);
	bind.syncs = to_user_pointer(hole);
	igt_assert_eq(bind_raw(fd, &bind), -EFAULT);

	for (i = 0; i < ARRAY_SIZE(syncs); i++) {
		outs[i] = svmgpu_syncobj_create(fd, 0);
		syncs[i] = svmgpu_sync_out(outs[i]);
	}
	bind = good;
	bind.syncs = to_user_pointer(syncs);
	bind.num_syncs = SVMGPU_MAX_SYNCS + 1;
	igt_assert_eq(bind_raw(fd, &bind), -EINVAL);
	bind.num_syncs = SVMGPU_MAX_SYNCS;
	igt_assert_eq(bind_raw(fd, &bind), 0);
	for (i = 0; i < SVMGPU_MAX_SYNCS; i++)
		igt_assert_eq(svmgpu_syncobj_wait(fd, outs[i], 0, 0), 0);

	bind.num_syncs = 1;
	syncs[0].flags = 1u << 2;
	igt_assert_eq(bind_raw(fd, &bind), -EINVAL);
	syncs[0].flags = ~0u;
	igt_assert_eq(bind_raw(fd, &bind), -EINVAL);
	syncs[0].flags = DRM_SVMGPU_SYNC_SIGNAL;
	syncs[0].point = 1;	/* a point on a binary sync */
	igt_assert_eq(bind_raw(fd, &bind), -EINVAL);
	syncs[0].point = 0;
	syncs[0].handle = 0;
	igt_assert_eq(bind_raw(fd, &bind), -ENOENT);
	syncs[0].handle = ~0u;
	igt_assert_eq(bind_raw(fd, &bind), -ENOENT);

	/* A wait on an empty binary syncobj, or an unsubmitted point. */
	empty = svmgpu_syncobj_create(fd, 0);
	syncs[0] = svmgpu_sync_in(empty);
	igt_assert_eq(bind_raw(fd, &bind), -EINVAL);
	timeline = svmgpu_syncobj_create(fd, 0);
	igt_assert_eq(drmSyncobjTimelineSignal(fd, &timeline,
					       (uint64_t[]){ 1 }, 1), 0);
	syncs[0] = svmgpu_sync_in_point(timeline, 2);
	igt_assert_eq(bind_raw(fd, &bind), -EINVAL);
	syncs[0] = svmgpu_sync_in_point(timeline, 1);
	igt_assert_eq(bind_raw(fd, &bind), 0);

	for (i = 0; i < ARRAY_SIZE(outs); i++)
		svmgpu_syncobj_destroy(fd, outs[i]);
	svmgpu_syncobj_destroy(fd, empty);
	svmgpu_syncobj_destroy(fd, timeline);

	/* The ioctl argument itself. */
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_BIND, NULL),
		      -EFAULT);
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_BIND, hole),
		      -EFAULT);

	igt_assert_eq(munmap(hole, SZ_4K), 0);
	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

/*
 * Every operation is checked before any is applied: a bad op anywhere in
 * the array leaves the VM untouched.
 */
static void test_bind_check_first(int fd)
{
	struct drm_svmgpu_vm_bind_op ops[3];
	struct drm_svmgpu_sync sync;
	uint32_t vm, handle, out;

	svmgpu_require_features(fd, GEM | VM);

	vm = svmgpu_vm_create(fd);
	handle = svmgpu_bo_create(fd, SZ_64K, BOTH, 0);
	out = svmgpu_syncobj_create(fd, 0);
	sync = svmgpu_sync_out(out);

	ops[0] = svmgpu_op_map(handle, 0, TEST_VA, SZ_4K, 0);
	ops[1] = svmgpu_op_map(handle, 0, TEST_VA + SZ_64K, SZ_4K, 0);
	ops[2] = svmgpu_op_map(handle, 0, TEST_VA + SZ_1M + 8, SZ_4K, 0);
	igt_assert_eq(__svmgpu_vm_bind(fd, vm, ops, 3, &sync, 1), -EINVAL);
	igt_assert(svmgpu_syncobj_busy(fd, out, 0));

	ops[2] = svmgpu_op_map(handle + 1000, 0, TEST_VA + SZ_1M, SZ_4K, 0);
	igt_assert_eq(__svmgpu_vm_bind(fd, vm, ops, 3, NULL, 0), -ENOENT);

	/* Nothing was applied: the first two map fine now. */
	svmgpu_vm_bind(fd, vm, ops, 2, &sync, 1);
	igt_assert(!svmgpu_syncobj_busy(fd, out, 0));

	svmgpu_syncobj_destroy(fd, out);
	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

/*
 * An OP_MAP over an existing mapping is found when applying: operations
 * before it stay applied, the ones after it are not, and no sync signals.
 */
static void test_bind_partial_failure(int fd)
{
	struct drm_svmgpu_vm_bind_op ops[3];
	struct drm_svmgpu_sync sync;
	uint32_t vm, handle, out;

	svmgpu_require_features(fd, GEM | VM);

	vm = svmgpu_vm_create(fd);
	handle = svmgpu_bo_create(fd, SZ_64K, BOTH, 0);
	out = svmgpu_syncobj_create(fd, 0);
	sync = svmgpu_sync_out(out);

	svmgpu_vm_map(fd, vm, handle, 0, TEST_VA + SZ_1M, SZ_64K, 0);

	ops[0] = svmgpu_op_map(handle, 0, TEST_VA, SZ_64K, 0);
	ops[1] = svmgpu_op_map(handle, 0, TEST_VA + SZ_1M, SZ_4K, 0);
	ops[2] = svmgpu_op_map(handle, 0, TEST_VA + SZ_2M, SZ_64K, 0);
	igt_assert_eq(__svmgpu_vm_bind(fd, vm, ops, 3, &sync, 1), -EINVAL);
	igt_assert(svmgpu_syncobj_busy(fd, out, 0));

	/* ops[0] was applied, ops[2] was not. */
	bind_expect(fd, vm, ops[0], -EINVAL);
	svmgpu_vm_map(fd, vm, handle, 0, TEST_VA + SZ_2M, SZ_64K, 0);

	svmgpu_vm_unmap(fd, vm, TEST_VA, 4 * SZ_1M);
	svmgpu_syncobj_destroy(fd, out);
	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

/* 1024 operations in one bind, then 1024 unmaps in one bind. */
static void test_bind_max_ops(int fd)
{
	struct drm_svmgpu_vm_bind_op ops[SVMGPU_MAX_BIND_OPS];
	struct svmgpu_buf buf, scratch;
	struct svmgpu_ctx ctx;
	uint64_t base;
	unsigned int i;

	svmgpu_require_features(fd, GEM | VM | EXEC);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &scratch, SZ_4K, SYSTEM);
	svmgpu_buf_create(&buf, fd, SVMGPU_MAX_BIND_OPS * SZ_4K, BOTH, 0);
	for (i = 0; i < SVMGPU_MAX_BIND_OPS; i++)
		((uint32_t *)buf.map)[i * SZ_4K / 4] = i;

	/* Page i of the BO at every other page, in reverse order. */
	base = svmgpu_ctx_va(&ctx, 2 * SVMGPU_MAX_BIND_OPS * SZ_4K);
	for (i = 0; i < SVMGPU_MAX_BIND_OPS; i++)
		ops[i] = svmgpu_op_map(buf.handle, i * SZ_4K,
				       base + 2 * (SVMGPU_MAX_BIND_OPS - 1 - i) *
				       SZ_4K, SZ_4K, 0);
	svmgpu_vm_bind(fd, ctx.vm, ops, SVMGPU_MAX_BIND_OPS, NULL, 0);

	assert_gpu_sees(&ctx, base, SVMGPU_MAX_BIND_OPS - 1, &scratch);
	assert_gpu_sees(&ctx, base + 2 * 100 * SZ_4K,
			SVMGPU_MAX_BIND_OPS - 1 - 100, &scratch);
	assert_gpu_sees(&ctx, base + 2 * (SVMGPU_MAX_BIND_OPS - 1) * SZ_4K, 0,
			&scratch);
	assert_gpu_faults(&ctx, base + SZ_4K, &scratch);

	for (i = 0; i < SVMGPU_MAX_BIND_OPS; i++)
		ops[i] = svmgpu_op_unmap(base + 2 * i * SZ_4K, SZ_4K);
	svmgpu_vm_bind(fd, ctx.vm, ops, SVMGPU_MAX_BIND_OPS, NULL, 0);
	assert_gpu_faults(&ctx, base, &scratch);

	svmgpu_buf_destroy(&buf);
	svmgpu_buf_destroy(&scratch);
	svmgpu_ctx_fini(&ctx);
}

/* --- Syncs ---------------------------------------------------------------- */

/* The out syncs of a bind have signalled when the ioctl returns. */
static void test_bind_out_sync(int fd)
{
	struct drm_svmgpu_vm_bind_op map, unmap;
	struct drm_svmgpu_sync syncs[3];
	uint32_t vm, handle, bin, tl, tl2;
	uint64_t point;

	svmgpu_require_features(fd, GEM | VM);

	vm = svmgpu_vm_create(fd);
	handle = svmgpu_bo_create(fd, SZ_64K, BOTH, 0);
	bin = svmgpu_syncobj_create(fd, 0);
	tl = svmgpu_syncobj_create(fd, 0);
	tl2 = svmgpu_syncobj_create(fd, 0);
	map = svmgpu_op_map(handle, 0, TEST_VA, SZ_64K, 0);
	unmap = svmgpu_op_unmap(TEST_VA, SZ_64K);

	syncs[0] = svmgpu_sync_out(bin);
	syncs[1] = svmgpu_sync_out_point(tl, 5);
	syncs[2] = svmgpu_sync_out_point(tl2, 1);
	svmgpu_vm_bind(fd, vm, &map, 1, syncs, 3);

	igt_assert(!svmgpu_syncobj_busy(fd, bin, 0));
	igt_assert_eq(svmgpu_syncobj_status(fd, bin), 1);
	igt_assert(!svmgpu_syncobj_busy(fd, tl, 5));
	igt_assert_eq(drmSyncobjQuery(fd, &tl, &point, 1), 0);
	igt_assert_eq_u64(point, 5);

	/* Unmap: the same again, and the timeline moves on. */
	syncs[1] = svmgpu_sync_out_point(tl, 7);
	igt_assert_eq(drmSyncobjReset(fd, &bin, 1), 0);
	svmgpu_vm_bind(fd, vm, &unmap, 1, syncs, 2);
	igt_assert(!svmgpu_syncobj_busy(fd, bin, 0));
	igt_assert_eq(drmSyncobjQuery(fd, &tl, &point, 1), 0);
	igt_assert_eq_u64(point, 7);

	/* Waits for syncs that have signalled do not block. */
	syncs[0] = svmgpu_sync_in(bin);
	syncs[1] = svmgpu_sync_in_point(tl, 7);
	syncs[2] = svmgpu_sync_out_point(tl2, 2);
	svmgpu_vm_bind(fd, vm, &map, 1, syncs, 3);
	igt_assert(!svmgpu_syncobj_busy(fd, tl2, 2));

	svmgpu_syncobj_destroy(fd, bin);
	svmgpu_syncobj_destroy(fd, tl);
	svmgpu_syncobj_destroy(fd, tl2);
	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

struct late_opener {
	int fd;
	struct svmgpu_gate *gate;
	uint32_t out;
	unsigned int delay_ms;
	bool out_was_busy;
};

static void *open_gate_later(void *arg)
{
	struct late_opener *o = arg;

	usleep(o->delay_ms * 1000);
	o->out_was_busy = svmgpu_syncobj_busy(o->fd, o->out, 0);
	svmgpu_gate_open(o->gate);

	return NULL;
}

/*
 * A bind waits for its in-syncs. The in-sync is the fence of a job in
 * another VM that a gate holds; a thread opens the gate after a delay,
 * after checking that the bind's out-sync has not signalled.
 */
static void test_bind_in_sync(int fd, bool timeline)
{
	const unsigned int delay_ms = svmgpu_hold_ms(300);
	struct late_opener opener;
	struct drm_svmgpu_sync syncs[2], exec_sync;
	struct drm_svmgpu_vm_bind_op map;
	struct svmgpu_ctx blocker, target;
	struct svmgpu_buf buf, scratch;
	struct svmgpu_gate gate;
	struct timespec start = {};
	struct svmgpu_cs cs;
	uint32_t queue, in, out;
	uint64_t elapsed_ms, addr;
	pthread_t thread;

	svmgpu_require_features(fd, GEM | VM | EXEC);

	svmgpu_ctx_init(&blocker, fd, CMD_POOL);
	svmgpu_ctx_init(&target, fd, CMD_POOL);
	svmgpu_ctx_buf(&target, &scratch, SZ_4K, SYSTEM);
	svmgpu_gate_init(&gate, &blocker);
	svmgpu_buf_create(&buf, fd, SZ_64K, BOTH, 0);
	addr = svmgpu_ctx_va(&target, buf.size);
	in = svmgpu_syncobj_create(fd, 0);
	out = svmgpu_syncobj_create(fd, 0);

	queue = svmgpu_queue_create(fd, blocker.vm, 0);
	svmgpu_ctx_cs(&blocker, &cs, 128);
	svmgpu_gate_emit(&gate, &cs);
	svmgpu_cs_end(&cs);
	exec_sync = timeline ? svmgpu_sync_out_point(in, 3) :
			       svmgpu_sync_out(in);
	svmgpu_exec(fd, queue, svmgpu_cs_addr(&cs), svmgpu_cs_bytes(&cs),
		    &exec_sync, 1);
	svmgpu_gate_wait_arrived(&gate);

	opener = (struct late_opener) {
		.fd = fd, .gate = &gate, .out = out, .delay_ms = delay_ms,
	};
	igt_assert_eq(pthread_create(&thread, NULL, open_gate_later, &opener),
		      0);

	syncs[0] = timeline ? svmgpu_sync_in_point(in, 3) : svmgpu_sync_in(in);
	syncs[1] = svmgpu_sync_out(out);
	map = svmgpu_op_map(buf.handle, 0, addr, buf.size, 0);
	igt_nsec_elapsed(&start);
	svmgpu_vm_bind(fd, target.vm, &map, 1, syncs, 2);
	elapsed_ms = igt_nsec_elapsed(&start) / 1000000;
	igt_assert_eq(pthread_join(thread, NULL), 0);

	igt_info("bind returned after %llu ms\n",
		 (unsigned long long)elapsed_ms);
	igt_assert_f(opener.out_was_busy,
		     "the bind's out-sync signalled before its in-sync\n");
	igt_assert_lte_u64(delay_ms, elapsed_ms);
	igt_assert(!svmgpu_syncobj_busy(fd, out, 0));
	igt_assert(!svmgpu_syncobj_busy(fd, in, timeline ? 3 : 0));

	/* And the mapping is there. */
	buf.vm = target.vm;
	buf.addr = addr;
	igt_assert_eq(svmgpu_ctx_write32(&target, addr + 16, 0x1d), 0);
	igt_assert_eq_u32(((uint32_t *)buf.map)[4], 0x1d);

	svmgpu_queue_destroy(fd, queue);
	svmgpu_syncobj_destroy(fd, in);
	svmgpu_syncobj_destroy(fd, out);
	svmgpu_buf_destroy(&buf);
	svmgpu_buf_destroy(&scratch);
	svmgpu_gate_fini(&gate);
	svmgpu_ctx_fini(&target);
	svmgpu_ctx_fini(&blocker);
}

/* --- Page sizes, through debugfs vm_pagetables ---------------------------- */

static void require_pt_dump(int fd)
{
	igt_require_f(svmgpu_has_pt_dump(fd),
		      "no debugfs vm_pagetables for this device\n");
}

static void read_dump(int fd, uint32_t vm, struct svmgpu_pt_dump *dump)
{
	int ret = svmgpu_pt_dump_read(fd, vm, dump);

	igt_assert_f(ret == 0, "reading vm_pagetables for VM %u: %s\n", vm,
		     strerror(-ret));
}

/*
 * Checks that [addr, addr + range) is covered exactly by leaves of size
 * @size (or any size if 0) with the given attributes, each pointing at an
 * address aligned to its size.
 */
static void check_leaves(const struct svmgpu_pt_dump *dump, uint64_t addr,
			 uint64_t range, uint64_t size, bool readonly,
			 bool vram)
{
	uint64_t va, covered = 0;
	unsigned int i;

	for (i = 0; i < dump->count; i++) {
		const struct svmgpu_pt_leaf *l = &dump->leaves[i];

		if (l->va + l->size <= addr || l->va >= addr + range)
			continue;

		igt_assert_f(l->va >= addr && l->va + l->size <= addr + range,
			     "leaf %#llx+%#llx straddles [%#llx, %#llx)\n",
			     (unsigned long long)l->va,
			     (unsigned long long)l->size,
			     (unsigned long long)addr,
			     (unsigned long long)(addr + range));
		if (size)
			igt_assert_f(l->size == size,
				     "leaf at %#llx is %#llx bytes, expected %#llx\n",
				     (unsigned long long)l->va,
				     (unsigned long long)l->size,
				     (unsigned long long)size);
		igt_assert_eq_u64(l->va % l->size, 0);
		igt_assert_eq_u64(l->pa % l->size, 0);
		igt_assert_eq(l->readonly, readonly);
		igt_assert_eq(l->vram, vram);
		covered += l->size;
	}
	igt_assert_eq_u64(covered, range);

	/* No overlaps: every page maps to exactly one leaf. */
	for (va = addr; va < addr + range; va += SZ_4K)
		igt_assert(svmgpu_pt_dump_find(dump, va));
}

static uint32_t vram_bo(int fd, uint64_t size)
{
	return svmgpu_bo_create(fd, size, VRAM, 0);
}

/*
 * The VRAM address of byte 0 of a VRAM BO, read from the dump of a
 * temporary mapping of the whole BO at @va. The uAPI does not say how
 * VRAM is allocated, so the tests below place their mappings by this
 * address: "the largest page size the alignment allows" then says which
 * leaves to expect. Skips if the BO is not contiguous in VRAM, as no
 * large leaf could map it.
 */
static uint64_t bo_vram_address(int fd, uint32_t vm, uint32_t handle,
				uint64_t size, uint64_t va)
{
	struct svmgpu_pt_dump dump;
	const struct svmgpu_pt_leaf *l;
	uint64_t pa = 0, off;

	svmgpu_vm_map(fd, vm, handle, 0, va, size, 0);
	read_dump(fd, vm, &dump);
	for (off = 0; off < size; off += SZ_4K) {
		l = svmgpu_pt_dump_find(&dump, va + off);
		igt_assert_f(l, "no leaf maps %#llx\n",
			     (unsigned long long)(va + off));
		igt_assert(l->vram);
		if (!off)
			pa = l->pa + (va - l->va);
		igt_require_f(l->pa + (va + off - l->va) == pa + off,
			      "the BO is not contiguous in VRAM\n");
	}
	svmgpu_pt_dump_free(&dump);
	svmgpu_vm_unmap(fd, vm, va, size);

	igt_debug("BO %u is at VRAM %#llx\n", handle, (unsigned long long)pa);
	return pa;
}

/* Offset into a BO at @pa of the first byte aligned to @align in VRAM. */
static uint64_t aligned_offset(uint64_t pa, uint64_t align)
{
	return ((pa + align - 1) & ~(align - 1)) - pa;
}

/* The scratch address where bo_vram_address() maps. */
#define PROBE_VA	(TEST_VA + 64 * SZ_1M)

/* 4 MiB of VRAM, 2 MiB aligned, mapped at a 2 MiB aligned address: 2M leaves. */
static void test_pt_2m(int fd)
{
	const uint64_t size = 3 * SZ_2M;
	struct svmgpu_pt_dump dump;
	uint32_t vm, handle;
	uint64_t off;

	svmgpu_require_features(fd, GEM | VM);
	require_pt_dump(fd);
	igt_require(svmgpu_page_sizes(fd) & DRM_SVMGPU_PAGE_SIZE_2M);

	vm = svmgpu_vm_create(fd);
	handle = vram_bo(fd, size);
	off = aligned_offset(bo_vram_address(fd, vm, handle, size, PROBE_VA),
			     SZ_2M);
	svmgpu_vm_map(fd, vm, handle, off, TEST_VA, 2 * SZ_2M, 0);

	read_dump(fd, vm, &dump);
	igt_assert_eq(svmgpu_pt_dump_count(&dump, TEST_VA, TEST_VA + 2 * SZ_2M,
					   SZ_2M), 2);
	check_leaves(&dump, TEST_VA, 2 * SZ_2M, SZ_2M, false, true);
	svmgpu_pt_dump_free(&dump);

	/* Unmapped: no leaves left. */
	svmgpu_vm_unmap(fd, vm, TEST_VA, 2 * SZ_2M);
	read_dump(fd, vm, &dump);
	igt_assert_eq(svmgpu_pt_dump_count(&dump, TEST_VA, TEST_VA + 2 * SZ_2M,
					   0), 0);
	svmgpu_pt_dump_free(&dump);

	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

/*
 * 1 MiB of 64 KiB aligned VRAM at a 64 KiB aligned address, too small and
 * misplaced for a 2 MiB leaf: 64K leaves, listed once per 64 KiB.
 */
static void test_pt_64k(int fd)
{
	const uint64_t addr = TEST_VA + SZ_64K, range = SZ_1M, size = SZ_2M;
	struct svmgpu_pt_dump dump;
	uint32_t vm, handle;
	uint64_t off;

	svmgpu_require_features(fd, GEM | VM);
	require_pt_dump(fd);
	igt_require(svmgpu_page_sizes(fd) & DRM_SVMGPU_PAGE_SIZE_64K);

	vm = svmgpu_vm_create(fd);
	handle = vram_bo(fd, size);
	off = aligned_offset(bo_vram_address(fd, vm, handle, size, PROBE_VA),
			     SZ_64K);
	svmgpu_vm_map(fd, vm, handle, off, addr, range, 0);

	read_dump(fd, vm, &dump);
	igt_assert_eq(svmgpu_pt_dump_count(&dump, addr, addr + range, SZ_64K),
		      range / SZ_64K);
	check_leaves(&dump, addr, range, SZ_64K, false, true);
	svmgpu_pt_dump_free(&dump);

	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

/*
 * A mapping whose address and VRAM address disagree modulo 64 KiB can only
 * use 4 KiB leaves.
 */
static void test_pt_4k(int fd)
{
	const uint64_t addr = TEST_VA + SZ_4K, range = 32 * SZ_4K, size = SZ_2M;
	struct svmgpu_pt_dump dump;
	uint32_t vm, handle;
	uint64_t off;

	svmgpu_require_features(fd, GEM | VM);
	require_pt_dump(fd);

	vm = svmgpu_vm_create(fd);
	handle = vram_bo(fd, size);
	off = aligned_offset(bo_vram_address(fd, vm, handle, size, PROBE_VA),
			     SZ_64K);
	svmgpu_vm_map(fd, vm, handle, off, addr, range, 0);

	read_dump(fd, vm, &dump);
	igt_assert_eq(svmgpu_pt_dump_count(&dump, addr, addr + range, SZ_4K),
		      range / SZ_4K);
	check_leaves(&dump, addr, range, SZ_4K, false, true);
	svmgpu_pt_dump_free(&dump);

	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

/* Read-only and system-memory mappings show as such. */
static void test_pt_attributes(int fd)
{
	struct svmgpu_pt_dump dump;
	uint32_t vm, sys, vram;
	void *ptr;

	svmgpu_require_features(fd, GEM | VM);
	require_pt_dump(fd);

	vm = svmgpu_vm_create(fd);
	sys = svmgpu_bo_create(fd, SZ_2M, SYSTEM, 0);
	vram = vram_bo(fd, SZ_2M);

	/* Populate the system BO, so that its pages exist to be mapped. */
	ptr = svmgpu_bo_mmap(fd, sys, SZ_2M, PROT_READ | PROT_WRITE);
	memset(ptr, 1, SZ_2M);
	igt_assert_eq(munmap(ptr, SZ_2M), 0);

	svmgpu_vm_map(fd, vm, sys, 0, TEST_VA, SZ_2M, RO);
	svmgpu_vm_map(fd, vm, vram, 0, TEST_VA + SZ_2M, SZ_2M, RO);
	svmgpu_vm_map(fd, vm, sys, 0, TEST_VA + 2 * SZ_2M, SZ_2M, 0);

	read_dump(fd, vm, &dump);
	check_leaves(&dump, TEST_VA, SZ_2M, 0, true, false);
	check_leaves(&dump, TEST_VA + SZ_2M, SZ_2M, 0, true, true);
	check_leaves(&dump, TEST_VA + 2 * SZ_2M, SZ_2M, 0, false, false);
	/* Two mappings of one BO point at the same memory. */
	for (uint64_t off = 0; off < SZ_2M; off += SZ_64K) {
		const struct svmgpu_pt_leaf *a, *b;

		a = svmgpu_pt_dump_find(&dump, TEST_VA + off);
		b = svmgpu_pt_dump_find(&dump, TEST_VA + 2 * SZ_2M + off);
		igt_assert(a && b);
		igt_assert_eq_u64(a->pa + (TEST_VA + off - a->va),
				  b->pa + (TEST_VA + 2 * SZ_2M + off - b->va));
	}
	svmgpu_pt_dump_free(&dump);

	svmgpu_gem_close(fd, sys);
	svmgpu_gem_close(fd, vram);
	svmgpu_vm_destroy(fd, vm);
}

/*
 * Unmapping 64 KiB in the middle of a 2 MiB leaf splits it: the rest is
 * still mapped, by smaller leaves, and the hole has none.
 */
static void test_pt_split(int fd)
{
	const uint64_t hole = TEST_VA + SZ_1M, size = 3 * SZ_2M;
	struct svmgpu_pt_dump dump;
	uint32_t vm, handle;
	uint64_t pa_before[2 * SZ_2M / SZ_64K], off;
	bool has_2m;
	unsigned int i;

	svmgpu_require_features(fd, GEM | VM);
	require_pt_dump(fd);
	has_2m = svmgpu_page_sizes(fd) & DRM_SVMGPU_PAGE_SIZE_2M;

	vm = svmgpu_vm_create(fd);
	handle = vram_bo(fd, size);
	off = aligned_offset(bo_vram_address(fd, vm, handle, size, PROBE_VA),
			     SZ_2M);
	svmgpu_vm_map(fd, vm, handle, off, TEST_VA, 2 * SZ_2M, 0);

	read_dump(fd, vm, &dump);
	if (has_2m)
		check_leaves(&dump, TEST_VA, 2 * SZ_2M, SZ_2M, false, true);
	for (i = 0; i < ARRAY_SIZE(pa_before); i++) {
		uint64_t va = TEST_VA + i * SZ_64K;
		const struct svmgpu_pt_leaf *l = svmgpu_pt_dump_find(&dump, va);

		igt_assert(l);
		pa_before[i] = l->pa + (va - l->va);
	}
	svmgpu_pt_dump_free(&dump);

	svmgpu_vm_unmap(fd, vm, hole, SZ_64K);

	read_dump(fd, vm, &dump);
	igt_assert_eq(svmgpu_pt_dump_count(&dump, hole, hole + SZ_64K, 0), 0);
	check_leaves(&dump, TEST_VA, SZ_1M, 0, false, true);
	check_leaves(&dump, hole + SZ_64K, 2 * SZ_2M - SZ_1M - SZ_64K, 0,
		     false, true);
	/* The second 2 MiB is untouched and keeps its 2 MiB leaf. */
	if (has_2m)
		check_leaves(&dump, TEST_VA + SZ_2M, SZ_2M, SZ_2M, false, true);
	/* What is left still points at the same memory. */
	for (i = 0; i < ARRAY_SIZE(pa_before); i++) {
		uint64_t va = TEST_VA + i * SZ_64K;
		const struct svmgpu_pt_leaf *l = svmgpu_pt_dump_find(&dump, va);

		if (va == hole) {
			igt_assert(!l);
			continue;
		}
		igt_assert(l);
		igt_assert_eq_u64(l->pa + (va - l->va), pa_before[i]);
	}
	svmgpu_pt_dump_free(&dump);

	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, vm);
}

/* A new VM is listed, with no leaves. */
static void test_pt_empty(int fd)
{
	struct timespec start = {};
	struct svmgpu_pt_dump dump;
	uint32_t vm;
	int ret;

	svmgpu_require_features(fd, VM);
	require_pt_dump(fd);

	vm = svmgpu_vm_create(fd);
	read_dump(fd, vm, &dump);
	igt_assert_eq(dump.count, 0);
	svmgpu_pt_dump_free(&dump);

	/* The VM may take a moment to die after its id is released. */
	svmgpu_vm_destroy(fd, vm);
	igt_nsec_elapsed(&start);
	while ((ret = svmgpu_pt_dump_read(fd, vm, &dump)) == 0) {
		svmgpu_pt_dump_free(&dump);
		igt_assert_f(igt_nsec_elapsed(&start) < 5000000000ull,
			     "a destroyed VM is still listed\n");
		usleep(10 * 1000);
	}
	igt_assert_eq(ret, -ESRCH);
}

/* --- Page-table memory ----------------------------------------------------- */

/* Where the page-table hog maps: far above svmgpu_ctx's own addresses. */
#define HOG_VA		(1ull << 40)
#define HOG_STRIDE	(1ull << 30)

/*
 * Map @handle's first page at HOG_STRIDE strides from HOG_VA until VM_BIND
 * fails; each mapping needs page tables of its own. Returns how many went
 * through, and the error that stopped them in *@err.
 */
static unsigned int hog_page_tables(int fd, uint32_t vm, uint32_t handle,
				    int *err)
{
	uint64_t end = 1ull << svmgpu_va_bits(fd);
	unsigned int n = 0;

	*err = 0;
	for (uint64_t va = HOG_VA; va < end; va += HOG_STRIDE, n++) {
		*err = __svmgpu_vm_map(fd, vm, handle, 0, va, SZ_4K, 0);
		if (*err)
			break;
	}
	return n;
}

/*
 * One client maps a page at 1 GiB strides until its file's share of the
 * device's page-table memory is used up. It gets a clean -ENOSPC, and:
 * its existing mappings still work, also after their BO moved (a move
 * must never need a table); another client can still create VMs and run
 * jobs; and unmapping gives the tables back, so the same mappings can be
 * made again.
 */
static void test_pt_exhaustion(int fd)
{
	struct svmgpu_buf scratch, target, other_buf;
	struct svmgpu_ctx hog, other;
	unsigned int n, again, i;
	uint64_t last;
	int err;

	svmgpu_require_features(fd, VM | EXEC);

	svmgpu_ctx_init(&hog, fd, CMD_POOL);
	svmgpu_ctx_buf(&hog, &scratch, SZ_4K, SYSTEM);
	svmgpu_buf_create(&target, fd, SZ_4K, BOTH, 0);

	n = hog_page_tables(fd, hog.vm, target.handle, &err);
	igt_info("%u mappings at 1 GiB strides before error %d\n", n, err);
	igt_assert_eq(err, -ENOSPC);
	igt_assert_f(n >= 64, "only %u mappings fit\n", n);
	last = HOG_VA + (uint64_t)(n - 1) * HOG_STRIDE;

	/* The mappings work, before and after their BO moves. */
	igt_assert_eq(svmgpu_ctx_write32(&hog, HOG_VA, 0x600d0001), 0);
	igt_assert_eq_u32(*(volatile uint32_t *)target.map, 0x600d0001);
	svmgpu_bo_migrate(fd, target.handle, SYSTEM);
	igt_assert_eq(svmgpu_ctx_write32(&hog, last, 0x600d0002), 0);
	igt_assert_eq_u32(*(volatile uint32_t *)target.map, 0x600d0002);
	svmgpu_bo_migrate(fd, target.handle, VRAM);
	assert_gpu_sees(&hog, HOG_VA + HOG_STRIDE, 0x600d0002, &scratch);

	/* Another client is not starved. */
	svmgpu_ctx_init(&other, drm_open_svmgpu(0), CMD_POOL);
	svmgpu_ctx_buf(&other, &other_buf, SZ_64K, VRAM);
	igt_assert_eq(svmgpu_ctx_write32(&other, svmgpu_buf_gpu(&other_buf, 0),
				  0x600d0003), 0);
	igt_assert_eq_u32(*(volatile uint32_t *)other_buf.map, 0x600d0003);
	svmgpu_buf_destroy(&other_buf);
	svmgpu_ctx_fini(&other);
	close(other.fd);

	/* Unmapped, the tables are given back: the same mappings fit again. */
	for (i = 0; i < n; i++)
		svmgpu_vm_unmap(fd, hog.vm, HOG_VA + (uint64_t)i * HOG_STRIDE,
				SZ_4K);
	again = hog_page_tables(fd, hog.vm, target.handle, &err);
	igt_assert_eq(err, -ENOSPC);
	igt_assert_eq(again, n);

	for (i = 0; i < again; i++)
		svmgpu_vm_unmap(fd, hog.vm, HOG_VA + (uint64_t)i * HOG_STRIDE,
				SZ_4K);
	svmgpu_buf_destroy(&target);
	svmgpu_buf_destroy(&scratch);
	svmgpu_ctx_fini(&hog);
}

/* Unmap what hog_page_tables() mapped. */
static void unhog_page_tables(int fd, uint32_t vm, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		svmgpu_vm_unmap(fd, vm, HOG_VA + (uint64_t)i * HOG_STRIDE,
				SZ_4K);
}

/*
 * Page tables take VRAM as they are needed and give it back: debugfs vram
 * shows the hog's tables in use, and none of them once unmapped, with at
 * most one empty 2 MiB chunk more held than before.
 */
static void test_pt_on_demand(int fd)
{
	struct svmgpu_vram_info before, full, after;
	struct svmgpu_buf target;
	unsigned int n, tries;
	uint32_t vm;
	int err;

	svmgpu_require_features(fd, VM);
	igt_require_f(svmgpu_has_vram_info(fd), "no debugfs vram\n");

	fd = drm_open_svmgpu(0);
	vm = svmgpu_vm_create(fd);
	svmgpu_buf_create(&target, fd, SZ_4K, BOTH, 0);
	svmgpu_vram_info_read(fd, &before);

	n = hog_page_tables(fd, vm, target.handle, &err);
	igt_assert_eq(err, -ENOSPC);
	svmgpu_vram_info_read(fd, &full);
	igt_info("%u mappings: page tables use %llu KiB of the %llu KiB the pool holds (%llu KiB before)\n",
		 n, (unsigned long long)(full.pagetables_used >> 10),
		 (unsigned long long)(full.pagetables >> 10),
		 (unsigned long long)(before.pagetables_used >> 10));
	/* A level-1 and a level-0 table per 1 GiB stride, at least. */
	igt_assert_lte_u64(before.pagetables_used + 2ull * n * SZ_4K,
			   full.pagetables_used);
	igt_assert_lte_u64(full.pagetables_used, full.pagetables);
	igt_assert_lte_u64(full.used + full.pagetables, svmgpu_vram_size(fd));

	unhog_page_tables(fd, vm, n);
	/* The pool gives empty chunks back from a worker. */
	for (tries = 0; tries < 200; tries++) {
		svmgpu_vram_info_read(fd, &after);
		if (after.pagetables <= before.pagetables + SZ_2M)
			break;
		usleep(10 * 1000);
	}
	igt_assert_eq_u64(after.pagetables_used, before.pagetables_used);
	igt_assert_lte_u64(after.pagetables, before.pagetables + SZ_2M);

	svmgpu_buf_destroy(&target);
	svmgpu_vm_destroy(fd, vm);
	close(fd);
}

/*
 * A file's VMs share one page-table quota: a second VM gets next to
 * nothing once the first used it up, while another file gets as much as
 * the first.
 */
static void test_pt_quota_per_file(int fd)
{
	struct svmgpu_buf a_buf, b_buf;
	unsigned int n, m;
	uint32_t a1, a2, b;
	int a_fd, b_fd, err;

	svmgpu_require_features(fd, VM);

	a_fd = drm_open_svmgpu(0);
	b_fd = drm_open_svmgpu(0);
	svmgpu_buf_create(&a_buf, a_fd, SZ_4K, BOTH, 0);
	svmgpu_buf_create(&b_buf, b_fd, SZ_4K, BOTH, 0);

	a1 = svmgpu_vm_create(a_fd);
	n = hog_page_tables(a_fd, a1, a_buf.handle, &err);
	igt_assert_eq(err, -ENOSPC);
	igt_info("the first VM made %u mappings\n", n);

	err = __svmgpu_vm_create(a_fd, 0, &a2);
	if (err) {
		igt_assert_eq(err, -ENOSPC);
	} else {
		m = hog_page_tables(a_fd, a2, a_buf.handle, &err);
		igt_assert_eq(err, -ENOSPC);
		igt_assert_eq(m, 0);
		svmgpu_vm_destroy(a_fd, a2);
	}

	b = svmgpu_vm_create(b_fd);
	m = hog_page_tables(b_fd, b, b_buf.handle, &err);
	igt_assert_eq(err, -ENOSPC);
	igt_assert_eq(m, n);

	unhog_page_tables(b_fd, b, m);
	unhog_page_tables(a_fd, a1, n);
	svmgpu_vm_destroy(b_fd, b);
	svmgpu_vm_destroy(a_fd, a1);
	svmgpu_buf_destroy(&b_buf);
	svmgpu_buf_destroy(&a_buf);
	close(b_fd);
	close(a_fd);
}

/*
 * A bind whose OP_MAPs need more page tables than its file has left fails
 * with -ENOSPC having changed nothing: not the OP_MAP that fits, nor an
 * OP_UNMAP before it, even one that would free tables.
 */
static void test_pt_exhaustion_changes_nothing(int fd)
{
	struct drm_svmgpu_vm_bind_op ops[3];
	struct svmgpu_buf buf;
	uint64_t a, b;
	unsigned int n;
	uint32_t vm;
	int err;

	svmgpu_require_features(fd, VM);

	fd = drm_open_svmgpu(0);
	vm = svmgpu_vm_create(fd);
	svmgpu_buf_create(&buf, fd, SZ_4K, BOTH, 0);
	n = hog_page_tables(fd, vm, buf.handle, &err);
	igt_assert_eq(err, -ENOSPC);
	igt_assert_lte(2, n);

	/* The last stride's two tables go: room for one stride, not two. */
	a = HOG_VA + (uint64_t)(n - 1) * HOG_STRIDE;
	b = a + HOG_STRIDE;
	svmgpu_vm_unmap(fd, vm, a, SZ_4K);

	ops[0] = svmgpu_op_unmap(HOG_VA, SZ_4K);
	ops[1] = svmgpu_op_map(buf.handle, 0, a, SZ_4K, 0);
	ops[2] = svmgpu_op_map(buf.handle, 0, b, SZ_4K, 0);
	igt_assert_eq(__svmgpu_vm_bind(fd, vm, ops, 3, NULL, 0), -ENOSPC);

	/* HOG_VA is still mapped, and a is free, and b does not fit. */
	igt_assert_eq(__svmgpu_vm_map(fd, vm, buf.handle, 0, HOG_VA, SZ_4K, 0),
		      -EINVAL);
	igt_assert_eq(__svmgpu_vm_map(fd, vm, buf.handle, 0, a, SZ_4K, 0), 0);
	igt_assert_eq(__svmgpu_vm_map(fd, vm, buf.handle, 0, b, SZ_4K, 0),
		      -ENOSPC);

	unhog_page_tables(fd, vm, n);
	svmgpu_buf_destroy(&buf);
	svmgpu_vm_destroy(fd, vm);
	close(fd);
}

igt_main
{
	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	igt_describe("Create many VMs with distinct non-zero ids and destroy "
		     "them; destroyed and unknown ids give -ENOENT.");
	igt_subtest("vm-create-destroy")
		test_vm_create_destroy(svmgpu_fd);

	igt_describe("VM_CREATE rejects unknown flags and extensions with "
		     "-EINVAL and a bad argument pointer with -EFAULT; "
		     "FAULT_MODE needs the SVM feature.");
	igt_subtest("vm-create-bad")
		test_vm_create_bad(svmgpu_fd);

	igt_describe("VM_DESTROY rejects pad and extensions, and other files' "
		     "VMs.");
	igt_subtest("vm-destroy-bad")
		test_vm_destroy_bad(svmgpu_fd);

	igt_describe("A VM cannot be used through another DRM file.");
	igt_subtest("vm-per-fd")
		test_vm_per_fd(svmgpu_fd);

	igt_describe("A destroyed VM's id is gone at once, but a queue on it "
		     "keeps its mappings working.");
	igt_subtest("vm-destroy-with-queue")
		test_vm_destroy_with_queue(svmgpu_fd);

	igt_describe("Map a BO, access it from the GPU, unmap it: accesses "
		     "then fault.");
	igt_subtest("map-unmap")
		test_map_unmap(svmgpu_fd);

	igt_describe("Unmap in the middle of mappings and across their ends: "
		     "what is left stays accessible, holes fault, and can be "
		     "mapped again.");
	igt_subtest_with_dynamic("partial-unmap") {
		svmgpu_require_features(svmgpu_fd, GEM | VM | EXEC);
		igt_dynamic("vram")
			test_partial_unmap(svmgpu_fd, VRAM);
		igt_dynamic("system")
			test_partial_unmap(svmgpu_fd, SYSTEM);
	}

	igt_describe("Unmapping a range with no mapping succeeds.");
	igt_subtest("unmap-nothing")
		test_unmap_nothing(svmgpu_fd);

	igt_describe("Remap one address to different BOs in turn: the GPU "
		     "always sees the current one.");
	igt_subtest("remap")
		test_remap(svmgpu_fd);

	igt_describe("A BO mapped at two addresses, one read-only, shows the "
		     "same memory through both.");
	igt_subtest("alias")
		test_alias(svmgpu_fd);

	igt_describe("A GPU mapping keeps its BO alive after GEM_CLOSE.");
	igt_subtest("mapping-outlives-handle")
		test_mapping_outlives_handle(svmgpu_fd);

	igt_describe("Two VMs map the same address to different BOs "
		     "independently.");
	igt_subtest("vm-isolation")
		test_vm_isolation(svmgpu_fd);

	igt_describe("Every writing command on a read-only mapping fails the "
		     "job with -EFAULT, bans the queue and changes nothing.");
	igt_subtest("readonly-write")
		test_readonly_write(svmgpu_fd);

	igt_describe("Reading commands, and command buffers, work from a "
		     "read-only mapping.");
	igt_subtest("readonly-read")
		test_readonly_read(svmgpu_fd);

	igt_describe("Mapping over any part of an existing mapping gives "
		     "-EINVAL and leaves it intact.");
	igt_subtest("map-over-existing")
		test_map_over_existing(svmgpu_fd);

	igt_describe("Unaligned addresses, BO offsets and ranges, and empty "
		     "ranges, give -EINVAL.");
	igt_subtest("bind-bad-align")
		test_bind_bad_align(svmgpu_fd);

	igt_describe("A range that runs past the end of its BO gives -EINVAL.");
	igt_subtest("bind-beyond-bo")
		test_bind_beyond_bo(svmgpu_fd);

	igt_describe("Nothing maps in the first 64 KiB of a VM.");
	igt_subtest("bind-null-page")
		test_bind_null_page(svmgpu_fd);

	igt_describe("Nothing maps at or above 1 << va_bits; the top page "
		     "does map.");
	igt_subtest("bind-va-limit")
		test_bind_va_limit(svmgpu_fd);

	igt_describe("Unknown operations and flags, non-zero pad, UNMAP "
		     "with a handle or BO offset, and MAP_MIRROR in a VM "
		     "without fault mode give -EINVAL; unknown BOs give "
		     "-ENOENT.");
	igt_subtest("bind-bad-op")
		test_bind_bad_op(svmgpu_fd);

	igt_describe("num_ops, pad, extensions, the VM id, the ops and syncs "
		     "pointers and the syncs themselves are all checked.");
	igt_subtest("bind-bad-args")
		test_bind_bad_args(svmgpu_fd);

	igt_describe("A bad operation anywhere in the array fails the bind "
		     "before any operation is applied.");
	igt_subtest("bind-check-first")
		test_bind_check_first(svmgpu_fd);

	igt_describe("A MAP over a mapping stops the bind there: earlier "
		     "operations stay applied, no sync signals.");
	igt_subtest("bind-partial-failure")
		test_bind_partial_failure(svmgpu_fd);

	igt_describe("1024 operations in one bind, maps then unmaps.");
	igt_subtest("bind-max-ops")
		test_bind_max_ops(svmgpu_fd);

	igt_describe("Binary and timeline out-syncs have signalled when "
		     "VM_BIND returns; signalled in-syncs do not block.");
	igt_subtest("bind-out-sync")
		test_bind_out_sync(svmgpu_fd);

	igt_describe("VM_BIND waits for an in-sync that a job signals later; "
		     "its out-sync signals only after that.");
	igt_subtest_with_dynamic("bind-in-sync") {
		svmgpu_require_features(svmgpu_fd, GEM | VM | EXEC);
		igt_dynamic("binary")
			test_bind_in_sync(svmgpu_fd, false);
		igt_dynamic("timeline")
			test_bind_in_sync(svmgpu_fd, true);
	}

	igt_describe("vm_pagetables: a 2 MiB aligned VRAM mapping uses 2 MiB "
		     "leaves; unmapped, it has none.");
	igt_subtest("pt-2m")
		test_pt_2m(svmgpu_fd);

	igt_describe("vm_pagetables: a 64 KiB aligned 1 MiB mapping uses "
		     "64 KiB leaves.");
	igt_subtest("pt-64k")
		test_pt_64k(svmgpu_fd);

	igt_describe("vm_pagetables: a mapping misaligned against its BO "
		     "offset uses 4 KiB leaves.");
	igt_subtest("pt-4k")
		test_pt_4k(svmgpu_fd);

	igt_describe("vm_pagetables: read-only and system-memory mappings are "
		     "shown as such, aliases point at the same memory.");
	igt_subtest("pt-attributes")
		test_pt_attributes(svmgpu_fd);

	igt_describe("vm_pagetables: unmapping 64 KiB inside a 2 MiB leaf "
		     "splits it and keeps the rest in place.");
	igt_subtest("pt-split")
		test_pt_split(svmgpu_fd);

	igt_describe("vm_pagetables: a new VM is listed with no leaves, and a "
		     "destroyed one is not listed.");
	igt_subtest("pt-empty")
		test_pt_empty(svmgpu_fd);

	igt_describe("One client exhausting its page-table quota gets -ENOSPC; "
		     "its mappings survive BO moves, other clients are not "
		     "starved, and unmapping gives the tables back.");
	igt_subtest("pt-exhaustion")
		test_pt_exhaustion(svmgpu_fd);

	igt_describe("Page tables take VRAM as they are needed, and give it "
		     "back once unmapped.");
	igt_subtest("pt-on-demand")
		test_pt_on_demand(svmgpu_fd);

	igt_describe("A file's VMs share one page-table quota; another file "
		     "has its own.");
	igt_subtest("pt-quota-per-file")
		test_pt_quota_per_file(svmgpu_fd);

	igt_describe("A bind that runs out of page-table memory fails with "
		     "-ENOSPC and applies none of its operations.");
	igt_subtest("pt-exhaustion-changes-nothing")
		test_pt_exhaustion_changes_nothing(svmgpu_fd);

	igt_fixture {
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
