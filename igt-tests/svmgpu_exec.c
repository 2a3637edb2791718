// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_exec - queues and job submission: every command of the command
 * stream, checked by the CPU; malformed streams; the order of jobs on a
 * queue; atomics from two engines; and every documented error of
 * QUEUE_CREATE, QUEUE_DESTROY and EXEC.
 *
 * A job's outcome is read from its out-syncobj's fence (exported as a
 * sync_file, whose status carries the fence's error) and from whether
 * the next EXEC on its queue gives -ECANCELED.
 */

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu job submission: every command, malformed "
		     "streams, queues and EXEC bad input.");

#define GEM	DRM_SVMGPU_FEATURE_GEM
#define VM	DRM_SVMGPU_FEATURE_VM
#define EXEC	DRM_SVMGPU_FEATURE_EXEC
#define ALL	(GEM | VM | EXEC)
#define VRAM	DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM	DRM_SVMGPU_GEM_PLACEMENT_SYSTEM
#define BOTH	SVMGPU_PLACEMENT_BOTH

#define CMD_POOL	(2 * SZ_1M)
/*
 * The mask of a 32-bit WAIT_MEM. Its operands are 64-bit words; only the
 * low halves matter, and the high halves are left zero.
 */
#define MASK32		0xffffffffull

#define CANARY		0xa5
#define CANARY32	0xa5a5a5a5u
#define CANARY64	0xa5a5a5a5a5a5a5a5ull

static int svmgpu_fd = -1;

/* A context, a queue on engine 0 and a 2 MiB data buffer. */
struct env {
	struct svmgpu_ctx ctx;
	struct svmgpu_buf data;
	uint32_t queue;
};

static void env_init(struct env *env, int fd, uint32_t placements)
{
	svmgpu_require_features(fd, ALL);
	svmgpu_ctx_init(&env->ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&env->ctx, &env->data, SZ_2M, placements);
	env->queue = svmgpu_queue_create(fd, env->ctx.vm, 0);
}

static void env_fini(struct env *env)
{
	svmgpu_queue_destroy(env->ctx.fd, env->queue);
	svmgpu_buf_destroy(&env->data);
	svmgpu_ctx_fini(&env->ctx);
}

static uint32_t *data32(struct env *env, uint64_t offset)
{
	return svmgpu_buf_cpu(&env->data, offset);
}

static uint64_t *data64(struct env *env, uint64_t offset)
{
	return svmgpu_buf_cpu(&env->data, offset);
}

static uint64_t gpu(struct env *env, uint64_t offset)
{
	return svmgpu_buf_gpu(&env->data, offset);
}

/* Runs @cs on the env's queue and asserts that the job succeeded. */
static void run_ok(struct env *env, struct svmgpu_cs *cs)
{
	int ret = svmgpu_run(env->ctx.fd, env->queue, cs);

	igt_assert_f(ret == 0, "job failed: %d (%s)\n", ret, strerror(-ret));
}

/* --- Queues --------------------------------------------------------------- */

static void test_queue_create_destroy(int fd)
{
	uint32_t queues[64], vm, engines;
	unsigned int i, j, n = 0;

	svmgpu_require_features(fd, VM | EXEC);
	engines = svmgpu_num_engines(fd);
	vm = svmgpu_vm_create(fd);

	for (i = 0; i < engines && n < ARRAY_SIZE(queues) - 1; i++) {
		igt_assert_eq(__svmgpu_queue_create(fd, vm, i,
						    DRM_SVMGPU_QUEUE_PRIORITY_LOW,
						    &queues[n++]), 0);
		igt_assert_eq(__svmgpu_queue_create(fd, vm, i,
						    DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
						    &queues[n++]), 0);
	}
	for (i = 0; i < n; i++) {
		igt_assert_neq_u32(queues[i], 0);
		for (j = 0; j < i; j++)
			igt_assert_neq_u32(queues[i], queues[j]);
	}
	for (i = 0; i < n; i++)
		svmgpu_queue_destroy(fd, queues[i]);
	for (i = 0; i < n; i++)
		igt_assert_eq(__svmgpu_queue_destroy(fd, queues[i]), -ENOENT);

	for (i = 0; i < 500; i++)
		svmgpu_queue_destroy(fd, svmgpu_queue_create(fd, vm,
							     i % engines));

	svmgpu_vm_destroy(fd, vm);
}

static int queue_create_raw(int fd, struct drm_svmgpu_queue_create *create)
{
	int ret = __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_QUEUE_CREATE, create);

	if (!ret)
		svmgpu_queue_destroy(fd, create->queue_id);

	return ret;
}

static void test_queue_create_bad(int fd)
{
	struct drm_svmgpu_user_extension ext = {};
	struct drm_svmgpu_queue_create create, good;
	uint32_t vm, engines;
	unsigned int bit;

	svmgpu_require_features(fd, VM | EXEC);
	engines = svmgpu_num_engines(fd);
	vm = svmgpu_vm_create(fd);
	good = (struct drm_svmgpu_queue_create) {
		.vm_id = vm, .priority = DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
	};

	create = good;
	igt_assert_eq(queue_create_raw(fd, &create), 0);

	create = good;
	create.vm_id = 0;
	igt_assert_eq(queue_create_raw(fd, &create), -ENOENT);
	create.vm_id = vm + 1000;
	igt_assert_eq(queue_create_raw(fd, &create), -ENOENT);

	create = good;
	create.engine = engines;
	igt_assert_eq(queue_create_raw(fd, &create), -EINVAL);
	create.engine = ~0u;
	igt_assert_eq(queue_create_raw(fd, &create), -EINVAL);
	create.engine = engines - 1;
	igt_assert_eq(queue_create_raw(fd, &create), 0);

	create = good;
	create.priority = DRM_SVMGPU_QUEUE_PRIORITY_HIGH + 1;
	igt_assert_eq(queue_create_raw(fd, &create), -EINVAL);
	create.priority = ~0u;
	igt_assert_eq(queue_create_raw(fd, &create), -EINVAL);

	for (bit = 0; bit < 32; bit++) {
		create = good;
		create.flags = 1u << bit;
		igt_assert_eq(queue_create_raw(fd, &create), -EINVAL);
	}

	create = good;
	create.pad = 1;
	igt_assert_eq(queue_create_raw(fd, &create), -EINVAL);
	create = good;
	create.extensions = to_user_pointer(&ext);
	igt_assert_eq(queue_create_raw(fd, &create), -EINVAL);
	create.extensions = ~0ull;
	igt_assert_eq(queue_create_raw(fd, &create), -EINVAL);

	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_QUEUE_CREATE, NULL),
		      -EFAULT);

	svmgpu_vm_destroy(fd, vm);
}

/* HIGH priority needs CAP_SYS_NICE; LOW and NORMAL do not. */
static void test_queue_high_priority(int fd)
{
	uint32_t vm, queue;

	svmgpu_require_features(fd, VM | EXEC);
	igt_require_f(getuid() == 0, "needs root, to drop CAP_SYS_NICE\n");

	vm = svmgpu_vm_create(fd);
	igt_assert_eq(__svmgpu_queue_create(fd, vm, 0,
					    DRM_SVMGPU_QUEUE_PRIORITY_HIGH,
					    &queue), 0);
	svmgpu_queue_destroy(fd, queue);

	/* A child that gives up root, and with it every capability. */
	igt_fork(child, 1) {
		igt_assert_eq(setgid(65534), 0);
		igt_assert_eq(setuid(65534), 0);

		igt_assert_eq(__svmgpu_queue_create(fd, vm, 0,
						    DRM_SVMGPU_QUEUE_PRIORITY_HIGH,
						    &queue), -EACCES);
		igt_assert_eq(__svmgpu_queue_create(fd, vm, 0,
						    DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
						    &queue), 0);
		svmgpu_queue_destroy(fd, queue);
		igt_assert_eq(__svmgpu_queue_create(fd, vm, 0,
						    DRM_SVMGPU_QUEUE_PRIORITY_LOW,
						    &queue), 0);
		svmgpu_queue_destroy(fd, queue);
	}
	igt_waitchildren();

	svmgpu_vm_destroy(fd, vm);
}

static void test_queue_destroy_bad(int fd)
{
	struct drm_svmgpu_user_extension ext = {};
	struct drm_svmgpu_queue_destroy destroy;
	uint32_t vm, queue;
	int fd2;

	svmgpu_require_features(fd, VM | EXEC);
	vm = svmgpu_vm_create(fd);
	queue = svmgpu_queue_create(fd, vm, 0);

	igt_assert_eq(__svmgpu_queue_destroy(fd, 0), -ENOENT);
	igt_assert_eq(__svmgpu_queue_destroy(fd, queue + 1000), -ENOENT);

	destroy = (struct drm_svmgpu_queue_destroy) {
		.queue_id = queue, .pad = 1,
	};
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_QUEUE_DESTROY,
				     &destroy), -EINVAL);
	destroy = (struct drm_svmgpu_queue_destroy) {
		.queue_id = queue, .extensions = to_user_pointer(&ext),
	};
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_QUEUE_DESTROY,
				     &destroy), -EINVAL);
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_QUEUE_DESTROY, NULL),
		      -EFAULT);

	/* Queue ids belong to their file. */
	fd2 = drm_open_svmgpu(0);
	igt_assert_eq(__svmgpu_queue_destroy(fd2, queue), -ENOENT);
	igt_assert_eq(__svmgpu_exec(fd2, queue, SVMGPU_CTX_VA_BASE, 4, NULL, 0),
		      -ENOENT);
	igt_assert_eq(close(fd2), 0);

	svmgpu_queue_destroy(fd, queue);
	svmgpu_vm_destroy(fd, vm);
}

struct destroyer {
	int fd;
	uint32_t queue;
	int ret;
};

static void *destroy_queue(void *arg)
{
	struct destroyer *d = arg;

	d->ret = __svmgpu_queue_destroy(d->fd, d->queue);

	return NULL;
}

/*
 * Jobs already submitted to a destroyed queue still run and signal. The
 * destroy runs in a thread, as the driver may make it wait for the job.
 */
static void test_queue_destroy_inflight(int fd)
{
	struct destroyer destroyer;
	struct svmgpu_gate gate;
	struct svmgpu_cs cs;
	pthread_t thread;
	struct env env;
	uint32_t out;

	env_init(&env, fd, SYSTEM);
	svmgpu_gate_init(&gate, &env.ctx);
	out = svmgpu_syncobj_create(fd, 0);

	svmgpu_ctx_cs(&env.ctx, &cs, 256);
	svmgpu_gate_emit(&gate, &cs);
	svmgpu_cs_write32(&cs, gpu(&env, 0), 0xd00d);
	svmgpu_cs_end(&cs);
	svmgpu_submit(fd, env.queue, &cs, out);
	svmgpu_gate_wait_arrived(&gate);

	destroyer = (struct destroyer) { .fd = fd, .queue = env.queue };
	igt_assert_eq(pthread_create(&thread, NULL, destroy_queue,
				     &destroyer), 0);
	usleep(svmgpu_hold_ms(100) * 1000);
	igt_assert(svmgpu_syncobj_busy(fd, out, 0));
	svmgpu_gate_open(&gate);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	igt_assert_eq(destroyer.ret, 0);

	igt_assert_eq(svmgpu_wait_job(fd, out), 0);
	igt_assert_eq_u32(*data32(&env, 0), 0xd00d);
	igt_assert_eq(__svmgpu_exec(fd, env.queue, svmgpu_cs_addr(&cs),
				    svmgpu_cs_bytes(&cs), NULL, 0), -ENOENT);

	svmgpu_syncobj_destroy(fd, out);
	svmgpu_gate_fini(&gate);
	env.queue = svmgpu_queue_create(fd, env.ctx.vm, 0);
	env_fini(&env);
}

/* --- Commands ------------------------------------------------------------- */

/* NOPs of any length skip their payload, whatever it holds. */
static void test_cmd_nop(int fd)
{
	static const uint32_t payloads[] = { 0, 1, 7, 100, 1000 };
	struct svmgpu_cs cs;
	struct env env;
	unsigned int i;

	env_init(&env, fd, SYSTEM);

	svmgpu_ctx_cs(&env.ctx, &cs, SZ_64K);
	for (i = 0; i < ARRAY_SIZE(payloads); i++) {
		/* Payloads that would be bad commands, were they run. */
		svmgpu_cs_nop(&cs, payloads[i], ~0u);
		svmgpu_cs_nop(&cs, payloads[i],
			      DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_END, 0, 1));
		svmgpu_cs_write32(&cs, gpu(&env, 4 * i), i + 1);
	}
	svmgpu_cs_end(&cs);
	run_ok(&env, &cs);
	for (i = 0; i < ARRAY_SIZE(payloads); i++)
		igt_assert_eq_u32(*data32(&env, 4 * i), i + 1);

	/* The longest NOP there is. */
	svmgpu_ctx_cs(&env.ctx, &cs, 4 * (SVMGPU_CS_MAX_LEN + 16));
	svmgpu_cs_nop(&cs, SVMGPU_CS_MAX_LEN - 1, 0x12345678);
	svmgpu_cs_write32(&cs, gpu(&env, 64), 0x1096);
	svmgpu_cs_end(&cs);
	run_ok(&env, &cs);
	igt_assert_eq_u32(*data32(&env, 64), 0x1096);

	env_fini(&env);
}

/* A job ends at END: words after it are not run, whatever they are. */
static void test_cmd_end(int fd)
{
	struct svmgpu_cs cs;
	struct env env;

	env_init(&env, fd, SYSTEM);

	svmgpu_ctx_cs(&env.ctx, &cs, 64);
	svmgpu_cs_end(&cs);
	run_ok(&env, &cs);

	svmgpu_ctx_cs(&env.ctx, &cs, 256);
	svmgpu_cs_write32(&cs, gpu(&env, 0), 1);
	svmgpu_cs_end(&cs);
	svmgpu_cs_write32(&cs, gpu(&env, 4), 2);
	svmgpu_cs_dword(&cs, ~0u);
	svmgpu_cs_header(&cs, DRM_SVMGPU_CMD_WRITE_IMM, 0, 5);	/* cut off */
	run_ok(&env, &cs);
	igt_assert_eq_u32(*data32(&env, 0), 1);
	igt_assert_eq_u32(*data32(&env, 4), 0);

	igt_assert(!svmgpu_ctx_banned(&env.ctx, env.queue));
	env_fini(&env);
}

static void test_cmd_write_imm(int fd, uint32_t placements)
{
	struct svmgpu_cs cs;
	struct env env;
	unsigned int i;

	env_init(&env, fd, placements);
	memset(env.data.map, CANARY, SZ_64K);

	svmgpu_ctx_cs(&env.ctx, &cs, SZ_4K);
	/* 32-bit: only the low half of the value operand is written. */
	svmgpu_cs_write_imm(&cs, 0, gpu(&env, 8), 0xdeadbeef12345678ull);
	svmgpu_cs_write32(&cs, gpu(&env, 20), 0);
	svmgpu_cs_write32(&cs, gpu(&env, SZ_4K - 4), 0xfeedface);
	/* 64-bit, including at the last 8 bytes of a page. */
	svmgpu_cs_write64(&cs, gpu(&env, 32), 0x0123456789abcdefull);
	svmgpu_cs_write64(&cs, gpu(&env, 2 * SZ_4K - 8), ~0ull);
	svmgpu_cs_write64(&cs, gpu(&env, 48), 0);
	/* Later writes to one address win. */
	for (i = 0; i < 10; i++)
		svmgpu_cs_write32(&cs, gpu(&env, 64), i);
	svmgpu_cs_end(&cs);
	run_ok(&env, &cs);

	igt_assert_eq_u32(*data32(&env, 4), CANARY32);
	igt_assert_eq_u32(*data32(&env, 8), 0x12345678);
	igt_assert_eq_u32(*data32(&env, 12), CANARY32);
	igt_assert_eq_u32(*data32(&env, 16), CANARY32);
	igt_assert_eq_u32(*data32(&env, 20), 0);
	igt_assert_eq_u32(*data32(&env, 24), CANARY32);
	igt_assert_eq_u32(*data32(&env, SZ_4K - 4), 0xfeedface);
	igt_assert_eq_u32(*data32(&env, SZ_4K), CANARY32);
	igt_assert_eq_u64(*data64(&env, 24), CANARY64);
	igt_assert_eq_u64(*data64(&env, 32), 0x0123456789abcdefull);
	igt_assert_eq_u64(*data64(&env, 40), CANARY64);
	igt_assert_eq_u64(*data64(&env, 48), 0);
	igt_assert_eq_u64(*data64(&env, 56), CANARY64);
	igt_assert_eq_u64(*data64(&env, 2 * SZ_4K - 16), CANARY64);
	igt_assert_eq_u64(*data64(&env, 2 * SZ_4K - 8), ~0ull);
	igt_assert_eq_u64(*data64(&env, 2 * SZ_4K), CANARY64);
	igt_assert_eq_u32(*data32(&env, 64), 9);

	env_fini(&env);
}

/* --- COPY ----------------------------------------------------------------- */

#define COPY_BO_SIZE	(66 * SZ_1M)
#define GUARD		64

static const struct copy_case {
	const char *name;
	uint64_t size, src, dst;
} copy_cases[] = {
	{ "1", 1, 0, 0 },
	{ "1-unaligned", 1, SZ_4K - 1, SZ_4K + 1 },
	{ "3", 3, 1, 2 },
	{ "4095", 4095, 3, SZ_4K - 2 },
	{ "4097", 4097, SZ_4K - 1, 1 },
	{ "64k-1", SZ_64K + 1, SZ_64K - 1, 3 },
	{ "2m-7", SZ_2M + 7, SZ_2M - 5, 2 * SZ_2M - 3 },
	{ "64m", 64 * SZ_1M, 0, 0 },
	{ "64m-unaligned", 64 * SZ_1M, SZ_4K + 1, SZ_1M + 3 },
};

enum copy_dir { VRAM_TO_SYSTEM, SYSTEM_TO_VRAM, VRAM_TO_VRAM,
		SYSTEM_TO_SYSTEM };

static const char *const copy_dir_names[] = {
	[VRAM_TO_SYSTEM] = "vram-to-system",
	[SYSTEM_TO_VRAM] = "system-to-vram",
	[VRAM_TO_VRAM] = "vram-to-vram",
	[SYSTEM_TO_SYSTEM] = "system-to-system",
};

/*
 * Buffers for the COPY tests, created once for all cases: a source and a
 * destination in each placement.
 */
static struct svmgpu_ctx copy_ctx;
static struct svmgpu_buf copy_vram, copy_sys, copy_vram2, copy_sys2;

static void copy_setup(int fd)
{
	svmgpu_require_features(fd, ALL);
	igt_require_f(svmgpu_vram_size(fd) >= 2 * COPY_BO_SIZE,
		      "VRAM too small for the COPY buffers\n");

	svmgpu_ctx_init(&copy_ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&copy_ctx, &copy_vram, COPY_BO_SIZE, VRAM);
	svmgpu_ctx_buf(&copy_ctx, &copy_sys, COPY_BO_SIZE, SYSTEM);
	svmgpu_ctx_buf(&copy_ctx, &copy_vram2, COPY_BO_SIZE, VRAM);
	svmgpu_ctx_buf(&copy_ctx, &copy_sys2, COPY_BO_SIZE, SYSTEM);
}

static void copy_teardown(void)
{
	svmgpu_buf_destroy(&copy_vram);
	svmgpu_buf_destroy(&copy_sys);
	svmgpu_buf_destroy(&copy_vram2);
	svmgpu_buf_destroy(&copy_sys2);
	svmgpu_ctx_fini(&copy_ctx);
}

static void test_cmd_copy(int fd, enum copy_dir dir, const struct copy_case *c)
{
	struct svmgpu_buf *src, *dst;
	uint64_t src_off = c->src, dst_off = c->dst, lo, hi, diff, i;
	uint32_t seed = (uint32_t)(c->size * 31 + dir);
	uint8_t *s, *d;
	struct svmgpu_cs cs;
	uint32_t queue;
	int ret;

	src = dir == VRAM_TO_SYSTEM || dir == VRAM_TO_VRAM ? &copy_vram :
							      &copy_sys;
	dst = dir == VRAM_TO_SYSTEM ? &copy_sys :
	      dir == SYSTEM_TO_VRAM ? &copy_vram :
	      dir == VRAM_TO_VRAM ? &copy_vram2 : &copy_sys2;
	s = src->map;
	d = dst->map;

	/* Pattern in the source, from the word holding its first byte. */
	lo = src_off & ~3ull;
	svmgpu_fill_pattern(s + lo, src_off + c->size - lo, seed);
	/* Canary in and around the destination. */
	lo = dst_off > GUARD ? dst_off - GUARD : 0;
	hi = dst_off + c->size + GUARD;
	memset(d + lo, CANARY, hi - lo);

	svmgpu_ctx_cs(&copy_ctx, &cs, 64);
	svmgpu_cs_copy(&cs, svmgpu_buf_gpu(src, src_off),
		       svmgpu_buf_gpu(dst, dst_off), c->size);
	svmgpu_cs_end(&cs);
	/* A queue per case, so that a failure does not ban the next case's. */
	queue = svmgpu_queue_create(fd, copy_ctx.vm, 0);
	ret = svmgpu_run(fd, queue, &cs);
	svmgpu_queue_destroy(fd, queue);
	igt_assert_f(ret == 0, "COPY job failed: %d (%s)\n", ret,
		     strerror(-ret));

	if (memcmp(d + dst_off, s + src_off, c->size)) {
		for (i = 0; i < c->size; i++)
			if (d[dst_off + i] != s[src_off + i])
				break;
		igt_assert_f(false,
			     "byte %#llx of %#llx differs: %#x, expected %#x\n",
			     (unsigned long long)i,
			     (unsigned long long)c->size, d[dst_off + i],
			     s[src_off + i]);
	}
	diff = svmgpu_check_byte(d + lo, dst_off - lo, CANARY);
	igt_assert_f(diff == dst_off - lo, "COPY wrote %#llx bytes before "
		     "its destination\n",
		     (unsigned long long)(dst_off - lo - diff));
	diff = svmgpu_check_byte(d + dst_off + c->size, GUARD, CANARY);
	igt_assert_f(diff == GUARD, "COPY wrote byte %#llx after its "
		     "destination\n", (unsigned long long)diff);
}

/* COPY and FILL of 0 bytes succeed and write nothing. */
static void test_cmd_empty(int fd)
{
	struct svmgpu_cs cs;
	struct env env;

	env_init(&env, fd, SYSTEM);
	memset(env.data.map, CANARY, SZ_4K);

	svmgpu_ctx_cs(&env.ctx, &cs, 128);
	svmgpu_cs_copy(&cs, gpu(&env, 0), gpu(&env, 64), 0);
	svmgpu_cs_copy(&cs, gpu(&env, 1), gpu(&env, 3), 0);
	svmgpu_cs_fill(&cs, gpu(&env, 128), 0, 0);
	svmgpu_cs_end(&cs);
	run_ok(&env, &cs);
	igt_assert_eq_u64(svmgpu_check_byte(env.data.map, SZ_4K, CANARY), SZ_4K);

	env_fini(&env);
}

/*
 * COPY and FILL ranges may span several mappings: two BOs, one in VRAM
 * and one in system memory, mapped back to back, are one range to them.
 */
static void test_cmd_copy_mappings(int fd)
{
	static const uint8_t pat[4] = { 0x0d, 0xf0, 0x0d, 0x60 };
	const uint32_t pattern = 0x600df00d;
	uint8_t a_end[16], b_start[16], *ab, *bb, *d;
	struct svmgpu_buf a, b, dst;
	struct svmgpu_cs cs;
	struct env env;
	uint64_t va, i;

	env_init(&env, fd, SYSTEM);
	svmgpu_buf_create(&a, fd, SZ_64K, VRAM, 0);
	svmgpu_buf_create(&b, fd, SZ_64K, SYSTEM, 0);
	svmgpu_ctx_buf(&env.ctx, &dst, 4 * SZ_64K, BOTH);
	va = svmgpu_ctx_va(&env.ctx, 2 * SZ_64K);
	svmgpu_buf_bind(&a, env.ctx.vm, va, 0);
	svmgpu_buf_bind(&b, env.ctx.vm, va + SZ_64K, 0);
	svmgpu_fill_pattern(a.map, SZ_64K, 11);
	svmgpu_fill_pattern(b.map, SZ_64K, 12);
	memset(dst.map, CANARY, dst.size);
	ab = a.map;
	bb = b.map;
	d = dst.map;
	memcpy(a_end, ab + SZ_64K - 16, 16);
	memcpy(b_start, bb, 16);

	svmgpu_ctx_cs(&env.ctx, &cs, 128);
	/* 4097 bytes of a and 4096 of b into one destination, at odd offsets. */
	svmgpu_cs_copy(&cs, va + SZ_64K - 4097, svmgpu_buf_gpu(&dst, 3), 8193);
	/* FILL 8 bytes of each of the pair... */
	svmgpu_cs_fill(&cs, va + SZ_64K - 8, pattern, 16);
	/* ... and COPY 5 bytes into each, inside what FILL wrote. */
	svmgpu_cs_copy(&cs, svmgpu_buf_gpu(&dst, 3), va + SZ_64K - 5, 10);
	svmgpu_cs_end(&cs);
	run_ok(&env, &cs);

	igt_assert_eq(d[2], CANARY);
	for (i = 0; i < 8193; i++) {
		uint64_t src = SZ_64K - 4097 + i;
		uint8_t want = src < SZ_64K ? (i < 4097 - 16 ? ab[src] :
					       a_end[src - (SZ_64K - 16)]) :
					      (src - SZ_64K < 16 ?
					       b_start[src - SZ_64K] :
					       bb[src - SZ_64K]);

		igt_assert_f(d[3 + i] == want, "byte %llu: %#x, expected %#x\n",
			     (unsigned long long)i, d[3 + i], want);
	}
	igt_assert_eq(d[3 + 8193], CANARY);

	/* a: untouched, then 3 bytes of FILL, then 5 copied bytes. */
	igt_assert(memcmp(ab + SZ_64K - 16, a_end, 8) == 0);
	for (i = 0; i < 3; i++)
		igt_assert_eq(ab[SZ_64K - 8 + i], pat[i]);
	for (i = 0; i < 5; i++)
		igt_assert_eq(ab[SZ_64K - 5 + i], d[3 + i]);
	/* b: 5 copied bytes, then 3 bytes of FILL, then untouched. */
	for (i = 0; i < 5; i++)
		igt_assert_eq(bb[i], d[8 + i]);
	for (i = 5; i < 8; i++)
		igt_assert_eq(bb[i], pat[i % 4]);
	igt_assert(memcmp(bb + 8, b_start + 8, 8) == 0);

	svmgpu_buf_destroy(&a);
	svmgpu_buf_destroy(&b);
	svmgpu_buf_destroy(&dst);
	env_fini(&env);
}

/* --- FILL ----------------------------------------------------------------- */

static const struct fill_case {
	uint64_t size, offset;
	uint32_t pattern;
} fill_cases[] = {
	{ 4, 0, 0xffffffff },
	{ 12, 4, 0xdeadbeef },
	{ 4096, SZ_4K - 4, 0x01020304 },
	{ 4100, 8, 0x00000000 },
	{ SZ_64K + 4, 15 * SZ_4K, 0x5a5a5a5a },
	{ SZ_2M + 4, SZ_2M - 8, 0x12345678 },
	{ 32 * SZ_1M, 4 * SZ_1M, 0xcafef00d },
};

static void test_cmd_fill(int fd, uint32_t placements)
{
	struct svmgpu_buf buf;
	struct svmgpu_cs cs;
	struct env env;
	unsigned int i;

	env_init(&env, fd, SYSTEM);
	svmgpu_ctx_buf(&env.ctx, &buf, 40 * SZ_1M, placements);

	for (i = 0; i < ARRAY_SIZE(fill_cases); i++) {
		const struct fill_case *c = &fill_cases[i];
		uint8_t *p = svmgpu_buf_cpu(&buf, c->offset);
		uint64_t lo = c->offset > GUARD ? GUARD : c->offset, j;

		memset(p - lo, CANARY, lo + c->size + GUARD);

		svmgpu_ctx_cs(&env.ctx, &cs, 64);
		svmgpu_cs_fill(&cs, svmgpu_buf_gpu(&buf, c->offset),
			       c->pattern, c->size);
		svmgpu_cs_end(&cs);
		run_ok(&env, &cs);

		for (j = 0; j < c->size; j += 4)
			igt_assert_f(*(uint32_t *)(p + j) == c->pattern,
				     "fill %u: word at +%#llx is %#x\n", i,
				     (unsigned long long)j,
				     *(uint32_t *)(p + j));
		igt_assert_eq_u64(svmgpu_check_byte(p - lo, lo, CANARY), lo);
		igt_assert_eq_u64(svmgpu_check_byte(p + c->size, GUARD, CANARY),
				  GUARD);
	}

	svmgpu_buf_destroy(&buf);
	env_fini(&env);
}

/* --- ATOMIC --------------------------------------------------------------- */

struct atomic_case {
	uint32_t op;
	uint64_t init, operand, compare;
	uint64_t expect;	/* the value afterwards */
};

static const struct atomic_case atomic32_cases[] = {
	{ DRM_SVMGPU_ATOMIC_ADD, 5, 7, 0, 12 },
	{ DRM_SVMGPU_ATOMIC_ADD, 0xffffffff, 2, 0, 1 },
	{ DRM_SVMGPU_ATOMIC_XCHG, 0x1111, 0x2222, 0, 0x2222 },
	{ DRM_SVMGPU_ATOMIC_XCHG, 0xffffffff, 0, 0, 0 },
	{ DRM_SVMGPU_ATOMIC_CMPXCHG, 10, 20, 10, 20 },	/* succeeds */
	{ DRM_SVMGPU_ATOMIC_CMPXCHG, 10, 20, 11, 10 },	/* fails */
	{ DRM_SVMGPU_ATOMIC_CMPXCHG, 0x80000000, 1, 0, 0x80000000 },
	{ DRM_SVMGPU_ATOMIC_INC, 41, 0, 0, 42 },
	{ DRM_SVMGPU_ATOMIC_INC, 0xffffffff, 0, 0, 0 },
	/* 32-bit operations ignore the high words of their operands... */
	{ DRM_SVMGPU_ATOMIC_ADD, 5, 0xdead000000000007ull, 0, 12 },
	{ DRM_SVMGPU_ATOMIC_XCHG, 1, 0x1234567800000002ull, 0, 2 },
	{ DRM_SVMGPU_ATOMIC_CMPXCHG, 10, 0xbeef000000000014ull,
	  0xffff00000000000aull, 20 },
	/* ... and compare (but for CMPXCHG) and operand (for INC) at all. */
	{ DRM_SVMGPU_ATOMIC_ADD, 1, 1, 0x5555, 2 },
	{ DRM_SVMGPU_ATOMIC_INC, 7, ~0ull, ~0ull, 8 },
};

static const struct atomic_case atomic64_cases[] = {
	{ DRM_SVMGPU_ATOMIC_ADD, 5, 7, 0, 12 },
	{ DRM_SVMGPU_ATOMIC_ADD, 0xffffffff, 1, 0, 0x100000000ull },
	{ DRM_SVMGPU_ATOMIC_ADD, 0x100000001ull, 0x200000002ull, 0,
	  0x300000003ull },
	{ DRM_SVMGPU_ATOMIC_XCHG, 0x1111, 0x1234567890abcdefull, 0,
	  0x1234567890abcdefull },
	{ DRM_SVMGPU_ATOMIC_CMPXCHG, 0x500000010ull, 20, 0x500000010ull, 20 },
	/* The low halves match, the high halves do not: it must fail. */
	{ DRM_SVMGPU_ATOMIC_CMPXCHG, 0x500000010ull, 20, 0x600000010ull,
	  0x500000010ull },
	{ DRM_SVMGPU_ATOMIC_INC, 0xffffffff, 0, 0, 0x100000000ull },
	{ DRM_SVMGPU_ATOMIC_INC, ~0ull, 0, 0, 0 },
	{ DRM_SVMGPU_ATOMIC_INC, 5, ~0ull, 7, 6 },
	{ DRM_SVMGPU_ATOMIC_XCHG, 5, 9, ~0ull, 9 },
};

/*
 * Each case has a 64-byte slot: its value at +16, its result at +40, and
 * canary everywhere else, which must survive.
 */
#define SLOT		64
#define SLOT_VALUE	16
#define SLOT_RESULT	40

static void test_cmd_atomic(int fd, bool wide, uint32_t placements)
{
	const struct atomic_case *cases = wide ? atomic64_cases :
						 atomic32_cases;
	unsigned int n = wide ? ARRAY_SIZE(atomic64_cases) :
				ARRAY_SIZE(atomic32_cases);
	unsigned int width = wide ? 8 : 4, i, ret_flag;
	struct svmgpu_cs cs;
	struct env env;

	env_init(&env, fd, placements);

	for (ret_flag = 0; ret_flag < 2; ret_flag++) {
		memset(env.data.map, CANARY, n * SLOT);
		svmgpu_ctx_cs(&env.ctx, &cs, 64 * n);

		for (i = 0; i < n; i++) {
			const struct atomic_case *c = &cases[i];
			uint8_t *slot = svmgpu_buf_cpu(&env.data, i * SLOT);
			uint32_t flags = c->op;
			uint64_t result = 0;

			memcpy(slot + SLOT_VALUE, &c->init, width);
			if (wide)
				flags |= DRM_SVMGPU_ATOMIC_64;
			if (ret_flag) {
				flags |= DRM_SVMGPU_ATOMIC_RETURN;
				result = gpu(&env, i * SLOT + SLOT_RESULT);
			}
			svmgpu_cs_atomic(&cs, flags,
					 gpu(&env, i * SLOT + SLOT_VALUE),
					 c->operand, c->compare, result);
		}
		svmgpu_cs_end(&cs);
		run_ok(&env, &cs);

		for (i = 0; i < n; i++) {
			const struct atomic_case *c = &cases[i];
			uint8_t *slot = svmgpu_buf_cpu(&env.data, i * SLOT);
			uint8_t expect[SLOT];

			memset(expect, CANARY, SLOT);
			memcpy(expect + SLOT_VALUE, &c->expect, width);
			if (ret_flag)
				memcpy(expect + SLOT_RESULT, &c->init, width);

			igt_assert_f(memcmp(slot, expect, SLOT) == 0,
				     "atomic%u case %u (op %u, return %u): value %#llx, result %#llx\n",
				     width * 8, i, c->op, ret_flag,
				     (unsigned long long)(wide ?
					*(uint64_t *)(slot + SLOT_VALUE) :
					*(uint32_t *)(slot + SLOT_VALUE)),
				     (unsigned long long)(wide ?
					*(uint64_t *)(slot + SLOT_RESULT) :
					*(uint32_t *)(slot + SLOT_RESULT)));
		}
	}

	env_fini(&env);
}

/* --- WAIT_MEM ------------------------------------------------------------- */

static const struct wait_case {
	const char *name;
	uint32_t op;
	bool wide;
	uint64_t init, value, mask, release;
} wait_cases[] = {
	{ "eq", DRM_SVMGPU_WAIT_EQ, false, 11, 10, MASK32, 10 },
	{ "ne", DRM_SVMGPU_WAIT_NE, false, 10, 10, MASK32, 7 },
	{ "gt", DRM_SVMGPU_WAIT_GT, false, 10, 10, MASK32, 11 },
	{ "gte", DRM_SVMGPU_WAIT_GTE, false, 9, 10, MASK32, 10 },
	{ "lt", DRM_SVMGPU_WAIT_LT, false, 10, 10, MASK32, 9 },
	{ "lte", DRM_SVMGPU_WAIT_LTE, false, 11, 10, MASK32, 10 },
	{ "eq-mask", DRM_SVMGPU_WAIT_EQ, false, 0x12340000, 0xab00, 0xff00,
	  0xffffabff },
	/* A 32-bit wait ignores the high words of value and mask. */
	{ "eq-high-words", DRM_SVMGPU_WAIT_EQ, false, 11, 0xdead00000000000aull,
	  0xbeef0000ffffffffull, 10 },
	/* 64-bit: each case only resolves right with all 64 bits. */
	{ "eq-64", DRM_SVMGPU_WAIT_EQ, true, 0x20000000aull, 0x10000000aull,
	  ~0ull, 0x10000000aull },
	{ "ne-64", DRM_SVMGPU_WAIT_NE, true, 0x10000000aull, 0x10000000aull,
	  ~0ull, 0x20000000aull },
	{ "gt-64", DRM_SVMGPU_WAIT_GT, true, 0x10000000aull, 0x10000000aull,
	  ~0ull, 0x200000000ull },
	{ "gte-64", DRM_SVMGPU_WAIT_GTE, true, 0xffffffffull, 0x100000000ull,
	  ~0ull, 0x100000000ull },
	{ "lt-64", DRM_SVMGPU_WAIT_LT, true, 0x100000000ull, 0x100000000ull,
	  ~0ull, 0xffffffffull },
	{ "lte-64", DRM_SVMGPU_WAIT_LTE, true, 0x100000001ull, 0x100000000ull,
	  ~0ull, 0xffffffffull },
	{ "eq-mask-64", DRM_SVMGPU_WAIT_EQ, true, 0xff00000000ull,
	  0xab00000000ull, 0xff00000000ull, 0xffffffabffffffffull },
};

/*
 * A job announces that it runs, then waits on a value the CPU holds
 * false; it must still be waiting a while later, and finish once the CPU
 * writes a value that makes the condition true.
 */
static void test_cmd_wait_mem(int fd, const struct wait_case *c)
{
	volatile uint32_t *started, *done;
	volatile uint64_t *value;
	struct svmgpu_cs cs;
	struct env env;
	uint32_t out;

	env_init(&env, fd, SYSTEM);
	started = data32(&env, 0);
	done = data32(&env, 4);
	value = data64(&env, 64);
	*started = 0;
	*done = 0;
	*value = c->init;
	out = svmgpu_syncobj_create(fd, 0);

	svmgpu_ctx_cs(&env.ctx, &cs, 128);
	svmgpu_cs_write32(&cs, gpu(&env, 0), 1);
	svmgpu_cs_wait_mem(&cs, c->op | (c->wide ? DRM_SVMGPU_WAIT_64 : 0),
			   gpu(&env, 64), c->value, c->mask);
	svmgpu_cs_write32(&cs, gpu(&env, 4), 1);
	svmgpu_cs_end(&cs);
	svmgpu_submit(fd, env.queue, &cs, out);

	igt_assert(svmgpu_poll_u32(started, 1, svmgpu_job_wait_ns()));
	usleep(svmgpu_hold_ms(100) * 1000);
	igt_assert_f(*done == 0, "WAIT_MEM %s passed on %#llx\n", c->name,
		     (unsigned long long)c->init);
	igt_assert(svmgpu_syncobj_busy(fd, out, 0));

	if (c->wide)
		__atomic_store_n(value, c->release, __ATOMIC_RELEASE);
	else
		__atomic_store_n((volatile uint32_t *)value,
				 (uint32_t)c->release, __ATOMIC_RELEASE);
	igt_assert_eq(svmgpu_wait_job(fd, out), 0);
	igt_assert_eq_u32(*done, 1);

	svmgpu_syncobj_destroy(fd, out);
	env_fini(&env);
}

/* Conditions that hold from the start do not wait at all. */
static void test_cmd_wait_mem_satisfied(int fd)
{
	static const struct {
		uint32_t flags;
		uint64_t mem, value, mask;
	} holds[] = {
		{ DRM_SVMGPU_WAIT_EQ, 10, 10, MASK32 },
		{ DRM_SVMGPU_WAIT_NE, 10, 11, MASK32 },
		{ DRM_SVMGPU_WAIT_GT, 11, 10, MASK32 },
		{ DRM_SVMGPU_WAIT_GTE, 10, 10, MASK32 },
		{ DRM_SVMGPU_WAIT_GTE, 11, 10, MASK32 },
		{ DRM_SVMGPU_WAIT_LT, 9, 10, MASK32 },
		{ DRM_SVMGPU_WAIT_LTE, 10, 10, MASK32 },
		{ DRM_SVMGPU_WAIT_LTE, 9, 10, MASK32 },
		{ DRM_SVMGPU_WAIT_EQ, 0xffff1234, 0x1234, 0xffff },
		{ DRM_SVMGPU_WAIT_EQ, 0xffffffff, 0, 0 },
		/* 32-bit waits ignore the word after their value. */
		{ DRM_SVMGPU_WAIT_EQ, 0x700000007ull, 7, MASK32 },
		/* ... and the high words of their value and mask. */
		{ DRM_SVMGPU_WAIT_EQ, 10, 0xdead00000000000aull, ~0ull },
		{ DRM_SVMGPU_WAIT_GT, 11, 0xffffffff0000000aull, MASK32 },
		{ DRM_SVMGPU_WAIT_EQ, 0x1234, 0x1234, 0xffffffff0000ffffull },
		{ DRM_SVMGPU_WAIT_EQ | DRM_SVMGPU_WAIT_64, 0x700000007ull,
		  0x700000007ull, ~0ull },
		{ DRM_SVMGPU_WAIT_GT | DRM_SVMGPU_WAIT_64, 0x100000000ull,
		  0xffffffffull, ~0ull },
		{ DRM_SVMGPU_WAIT_LT | DRM_SVMGPU_WAIT_64, 0xffffffffull,
		  0x100000000ull, ~0ull },
		{ DRM_SVMGPU_WAIT_EQ | DRM_SVMGPU_WAIT_64, 0xab00000000ull,
		  0xab00000000ull, 0xff00000000ull },
	};
	struct svmgpu_cs cs;
	struct env env;
	unsigned int i;

	env_init(&env, fd, VRAM);

	svmgpu_ctx_cs(&env.ctx, &cs, 64 * ARRAY_SIZE(holds));
	for (i = 0; i < ARRAY_SIZE(holds); i++) {
		*data64(&env, 8 * i) = holds[i].mem;
		svmgpu_cs_wait_mem(&cs, holds[i].flags, gpu(&env, 8 * i),
				   holds[i].value, holds[i].mask);
	}
	svmgpu_cs_write32(&cs, gpu(&env, SZ_4K), 1);
	svmgpu_cs_end(&cs);
	run_ok(&env, &cs);
	igt_assert_eq_u32(*data32(&env, SZ_4K), 1);

	env_fini(&env);
}

/* --- TIMESTAMP ------------------------------------------------------------ */

static void test_cmd_timestamp(int fd)
{
	const unsigned int sleep_ms = svmgpu_hold_ms(100);
	struct timespec cpu_before, cpu_after;
	volatile uint64_t *ts;
	struct svmgpu_gate gate;
	struct svmgpu_cs cs;
	struct env env;
	uint32_t out;

	env_init(&env, fd, SYSTEM);
	svmgpu_gate_init(&gate, &env.ctx);
	ts = data64(&env, 0);
	memset(env.data.map, 0, 64);
	out = svmgpu_syncobj_create(fd, 0);
	clock_gettime(CLOCK_MONOTONIC_RAW, &cpu_before);

	svmgpu_ctx_cs(&env.ctx, &cs, 256);
	svmgpu_cs_timestamp(&cs, gpu(&env, 0));
	svmgpu_cs_timestamp(&cs, gpu(&env, 8));
	svmgpu_gate_emit(&gate, &cs);
	svmgpu_cs_timestamp(&cs, gpu(&env, 16));
	svmgpu_cs_end(&cs);
	svmgpu_submit(fd, env.queue, &cs, out);

	svmgpu_gate_wait_arrived(&gate);
	usleep(sleep_ms * 1000);
	svmgpu_gate_open(&gate);
	igt_assert_eq(svmgpu_wait_job(fd, out), 0);

	/* A later job reads the clock again. */
	svmgpu_ctx_cs(&env.ctx, &cs, 64);
	svmgpu_cs_timestamp(&cs, gpu(&env, 24));
	svmgpu_cs_end(&cs);
	run_ok(&env, &cs);
	clock_gettime(CLOCK_MONOTONIC_RAW, &cpu_after);

	igt_info("timestamps %llu %llu %llu %llu\n",
		 (unsigned long long)ts[0], (unsigned long long)ts[1],
		 (unsigned long long)ts[2], (unsigned long long)ts[3]);
	igt_assert_neq_u64(ts[0], 0);
	igt_assert_lte_u64(ts[0], ts[1]);
	igt_assert_lte_u64(ts[1], ts[2]);
	igt_assert_lte_u64(ts[2], ts[3]);
	/*
	 * In nanoseconds: the CPU's sleep shows (less 5%, as the GPU's clock
	 * need not be CLOCK_MONOTONIC), and not 1000 times over.
	 */
	igt_assert_lte_u64(sleep_ms * 950000ull, ts[2] - ts[1]);
	igt_assert_lt_u64(ts[2] - ts[1], 100 * 1000000000ull);
	igt_assert_eq_u64(ts[4], 0);

	/* The clock is the CPU's CLOCK_MONOTONIC_RAW. */
	igt_assert_lte_u64(cpu_before.tv_sec * 1000000000ull +
			   cpu_before.tv_nsec, ts[0]);
	igt_assert_lte_u64(ts[3], cpu_after.tv_sec * 1000000000ull +
			   cpu_after.tv_nsec);

	svmgpu_syncobj_destroy(fd, out);
	svmgpu_gate_fini(&gate);
	env_fini(&env);
}

/* --- Jobs and queues ------------------------------------------------------ */

#define ORDER_JOBS	200

/* Jobs on one queue run in submission order. */
static void test_job_order(int fd)
{
	struct svmgpu_cs cs;
	struct env env;
	uint32_t out, i;

	env_init(&env, fd, BOTH);
	memset(env.data.map, 0xff, 4 * (ORDER_JOBS + 1));
	*data32(&env, 0) = 0;
	out = svmgpu_syncobj_create(fd, 0);

	for (i = 0; i < ORDER_JOBS; i++) {
		svmgpu_ctx_cs(&env.ctx, &cs, 64);
		svmgpu_cs_atomic(&cs, DRM_SVMGPU_ATOMIC_INC |
				 DRM_SVMGPU_ATOMIC_RETURN, gpu(&env, 0), 0, 0,
				 gpu(&env, 4 * (i + 1)));
		svmgpu_cs_end(&cs);
		svmgpu_submit(fd, env.queue, &cs,
			      i == ORDER_JOBS - 1 ? out : 0);
	}
	igt_assert_eq(svmgpu_wait_job(fd, out), 0);

	igt_assert_eq_u32(*data32(&env, 0), ORDER_JOBS);
	for (i = 0; i < ORDER_JOBS; i++)
		igt_assert_f(*data32(&env, 4 * (i + 1)) == i,
			     "job %u ran as number %u\n", i,
			     *data32(&env, 4 * (i + 1)));

	svmgpu_syncobj_destroy(fd, out);
	env_fini(&env);
}

#define ENGINE_JOBS	200
#define ENGINE_INCS	16

/*
 * Two queues on two engines hammer the same counters with atomics; not
 * one increment is lost.
 */
static void test_atomic_two_engines(int fd)
{
	const uint64_t add64 = (1ull << 32) + 1;
	uint32_t queues[2], outs[2], i, e;
	struct svmgpu_cs cs;
	struct env env;

	svmgpu_require_features(fd, ALL);
	igt_require_f(svmgpu_num_engines(fd) >= 2, "needs two engines\n");
	env_init(&env, fd, VRAM);
	memset(env.data.map, 0, 64);

	svmgpu_ctx_cs(&env.ctx, &cs, 64 * 2 * ENGINE_INCS);
	for (i = 0; i < ENGINE_INCS; i++) {
		svmgpu_cs_atomic(&cs, DRM_SVMGPU_ATOMIC_INC, gpu(&env, 0), 0,
				 0, 0);
		svmgpu_cs_atomic(&cs, DRM_SVMGPU_ATOMIC_ADD |
				 DRM_SVMGPU_ATOMIC_64, gpu(&env, 8), add64, 0,
				 0);
	}
	svmgpu_cs_end(&cs);

	for (e = 0; e < 2; e++) {
		queues[e] = svmgpu_queue_create(fd, env.ctx.vm, e);
		outs[e] = svmgpu_syncobj_create(fd, 0);
	}
	for (i = 0; i < ENGINE_JOBS; i++)
		for (e = 0; e < 2; e++)
			svmgpu_submit(fd, queues[e], &cs,
				      i == ENGINE_JOBS - 1 ? outs[e] : 0);
	for (e = 0; e < 2; e++) {
		igt_assert_eq(svmgpu_wait_job(fd, outs[e]), 0);
		svmgpu_syncobj_destroy(fd, outs[e]);
		svmgpu_queue_destroy(fd, queues[e]);
	}

	igt_assert_eq_u32(*data32(&env, 0), 2 * ENGINE_JOBS * ENGINE_INCS);
	igt_assert_eq_u64(*data64(&env, 8),
			  2ull * ENGINE_JOBS * ENGINE_INCS * add64);

	env_fini(&env);
}

#define CPU_GPU_JOBS	16
#define CPU_GPU_INCS	512

/*
 * ATOMIC is atomic against the CPU: the CPU and the GPU increment one
 * counter at the same time, and not one increment is lost.
 */
static void test_atomic_cpu_gpu(int fd, uint32_t placements)
{
	uint64_t cpu_incs = 0, i;
	volatile uint32_t *counter;
	struct svmgpu_cs cs;
	struct env env;
	uint32_t out;

	env_init(&env, fd, placements);
	counter = data32(&env, 0);
	*counter = 0;
	out = svmgpu_syncobj_create(fd, 0);

	svmgpu_ctx_cs(&env.ctx, &cs, 4 * (SVMGPU_CS_LEN_ATOMIC * CPU_GPU_INCS + 1));
	for (i = 0; i < CPU_GPU_INCS; i++)
		svmgpu_cs_atomic(&cs, DRM_SVMGPU_ATOMIC_INC, gpu(&env, 0), 0, 0,
				 0);
	svmgpu_cs_end(&cs);

	for (i = 0; i < CPU_GPU_JOBS; i++)
		svmgpu_submit(fd, env.queue, &cs,
			      i == CPU_GPU_JOBS - 1 ? out : 0);
	do {
		for (i = 0; i < 1000; i++)
			__atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST);
		cpu_incs += 1000;
	} while (svmgpu_syncobj_busy(fd, out, 0));
	igt_assert_eq(svmgpu_wait_job(fd, out), 0);

	igt_info("%llu CPU increments alongside %u GPU ones\n",
		 (unsigned long long)cpu_incs, CPU_GPU_JOBS * CPU_GPU_INCS);
	igt_assert_eq_u64(*counter, cpu_incs + CPU_GPU_JOBS * CPU_GPU_INCS);

	svmgpu_syncobj_destroy(fd, out);
	env_fini(&env);
}

/* A command buffer of exactly 1 MiB is accepted and runs to its end. */
static void test_exec_max_length(int fd)
{
	struct svmgpu_buf big;
	struct svmgpu_cs cs;
	struct env env;
	int i;

	env_init(&env, fd, SYSTEM);
	svmgpu_ctx_buf(&env.ctx, &big, SVMGPU_MAX_EXEC_LENGTH + SZ_4K, SYSTEM);

	svmgpu_cs_init(&cs, big.map, big.addr, SVMGPU_MAX_EXEC_LENGTH);
	svmgpu_cs_nop(&cs, SVMGPU_CS_MAX_LEN - 3, 0);
	for (i = 0; i < 3; i++)
		svmgpu_cs_nop(&cs, SVMGPU_CS_MAX_LEN - 1, 0);
	svmgpu_cs_write32(&cs, gpu(&env, 0), 0x1111);
	svmgpu_cs_end(&cs);
	igt_assert_eq_u32(svmgpu_cs_bytes(&cs), SVMGPU_MAX_EXEC_LENGTH);
	run_ok(&env, &cs);
	igt_assert_eq_u32(*data32(&env, 0), 0x1111);

	/* One word more is refused by EXEC itself. */
	igt_assert_eq(__svmgpu_exec(fd, env.queue, big.addr,
				    SVMGPU_MAX_EXEC_LENGTH + 4, NULL, 0),
		      -EINVAL);

	svmgpu_buf_destroy(&big);
	env_fini(&env);
}

/* One job may signal 64 syncobjs, binary and timeline. */
static void test_exec_max_syncs(int fd)
{
	struct drm_svmgpu_sync syncs[SVMGPU_MAX_SYNCS];
	uint32_t handles[SVMGPU_MAX_SYNCS];
	struct svmgpu_cs cs;
	struct env env;
	unsigned int i;

	env_init(&env, fd, SYSTEM);
	for (i = 0; i < SVMGPU_MAX_SYNCS; i++) {
		handles[i] = svmgpu_syncobj_create(fd, 0);
		syncs[i] = i & 1 ? svmgpu_sync_out_point(handles[i], i) :
				   svmgpu_sync_out(handles[i]);
	}

	svmgpu_ctx_cs(&env.ctx, &cs, 64);
	svmgpu_cs_write32(&cs, gpu(&env, 0), 64);
	svmgpu_cs_end(&cs);
	svmgpu_exec(fd, env.queue, svmgpu_cs_addr(&cs), svmgpu_cs_bytes(&cs),
		    syncs, SVMGPU_MAX_SYNCS);

	for (i = 0; i < SVMGPU_MAX_SYNCS; i++)
		igt_assert_eq(svmgpu_syncobj_wait(fd, handles[i], i & 1 ? i : 0,
						  svmgpu_job_wait_ns()), 0);
	igt_assert_eq_u32(*data32(&env, 0), 64);

	/* And wait for all 64 in the next job. */
	for (i = 0; i < SVMGPU_MAX_SYNCS; i++)
		syncs[i] = i & 1 ? svmgpu_sync_in_point(handles[i], i) :
				   svmgpu_sync_in(handles[i]);
	svmgpu_exec(fd, env.queue, svmgpu_cs_addr(&cs), svmgpu_cs_bytes(&cs),
		    syncs, SVMGPU_MAX_SYNCS);
	igt_assert(!svmgpu_ctx_banned(&env.ctx, env.queue));

	for (i = 0; i < SVMGPU_MAX_SYNCS; i++)
		svmgpu_syncobj_destroy(fd, handles[i]);
	env_fini(&env);
}

static int exec_raw(int fd, struct drm_svmgpu_exec *exec)
{
	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_EXEC, exec);
}

static void test_exec_bad_args(int fd)
{
	struct drm_svmgpu_sync syncs[SVMGPU_MAX_SYNCS + 1];
	struct drm_svmgpu_user_extension ext = {};
	struct drm_svmgpu_exec exec, good;
	uint32_t empty, timeline, out;
	struct svmgpu_cs cs;
	struct env env;
	unsigned int i, bit;
	void *hole;
	bool svm;
	int ret;

	env_init(&env, fd, SYSTEM);
	svm = svmgpu_has_svm(fd);
	svmgpu_ctx_cs(&env.ctx, &cs, 64);
	svmgpu_cs_end(&cs);
	good = (struct drm_svmgpu_exec) {
		.queue_id = env.queue,
		.address = svmgpu_cs_addr(&cs),
		.length = svmgpu_cs_bytes(&cs),
	};

	exec = good;
	exec.queue_id = 0;
	igt_assert_eq(exec_raw(fd, &exec), -ENOENT);
	exec.queue_id = env.queue + 1000;
	igt_assert_eq(exec_raw(fd, &exec), -ENOENT);

	exec = good;
	exec.address += 2;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec = good;
	exec.length = 6;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec.length = 1;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec.length = 0;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec.length = SVMGPU_MAX_EXEC_LENGTH + 4;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec.length = ~0u & ~3u;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);

	/* Bit 0 is DRM_SVMGPU_EXEC_USER_FENCE (uAPI 1.3). */
	for (bit = 1; bit < 32; bit++) {
		exec = good;
		exec.flags = 1u << bit;
		igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
		if (!svm)
			continue;
		exec.flags |= DRM_SVMGPU_EXEC_USER_FENCE;
		exec.ufence_addr = gpu(&env, 0);
		igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	}
	exec = good;
	exec.flags = ~0u;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);

	/*
	 * A user fence at 0, in the null guard, is invalid; without the SVM
	 * feature, the flag itself may be what is refused.
	 */
	exec = good;
	exec.flags = DRM_SVMGPU_EXEC_USER_FENCE;
	ret = exec_raw(fd, &exec);
	if (svm)
		igt_assert_eq(ret, -EINVAL);
	else
		igt_assert_f(ret == -EINVAL || ret == -EOPNOTSUPP,
			     "EXEC(USER_FENCE) at 0 without SVM: %d (%s)\n",
			     ret, strerror(-ret));

	/* The user fence's fields are MBZ without the flag. */
	exec = good;
	exec.ufence_addr = gpu(&env, 0);
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec = good;
	exec.ufence_value = 1;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec = good;
	exec.ufence_value = 1ull << 63;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	igt_assert_eq_u64(*data64(&env, 0), 0);

	exec = good;
	exec.extensions = to_user_pointer(&ext);
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec.extensions = ~0ull;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);

	/* Syncs. */
	hole = mmap(NULL, SZ_4K, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(hole != MAP_FAILED);
	exec = good;
	exec.num_syncs = 1;
	exec.syncs = 0;
	igt_assert_eq(exec_raw(fd, &exec), -EFAULT);
	exec.syncs = to_user_pointer(hole);
	igt_assert_eq(exec_raw(fd, &exec), -EFAULT);

	out = svmgpu_syncobj_create(fd, 0);
	for (i = 0; i < ARRAY_SIZE(syncs); i++)
		syncs[i] = svmgpu_sync_out(out);
	exec = good;
	exec.syncs = to_user_pointer(syncs);
	exec.num_syncs = SVMGPU_MAX_SYNCS + 1;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec.num_syncs = ~0u;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);

	exec.num_syncs = 1;
	for (bit = 2; bit < 32; bit++) {
		syncs[0].flags = DRM_SVMGPU_SYNC_SIGNAL | 1u << bit;
		igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	}
	syncs[0] = svmgpu_sync_out(out);
	syncs[0].point = 3;	/* a point on a binary sync */
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	syncs[0] = svmgpu_sync_out(0);
	igt_assert_eq(exec_raw(fd, &exec), -ENOENT);
	syncs[0] = svmgpu_sync_in(out + 1000);
	igt_assert_eq(exec_raw(fd, &exec), -ENOENT);

	/* Waits on nothing: an empty binary syncobj, an unsubmitted point. */
	empty = svmgpu_syncobj_create(fd, 0);
	syncs[0] = svmgpu_sync_in(empty);
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	timeline = svmgpu_syncobj_create(fd, 0);
	igt_assert_eq(drmSyncobjTimelineSignal(fd, &timeline,
					       (uint64_t[]){ 2 }, 1), 0);
	syncs[0] = svmgpu_sync_in_point(timeline, 3);
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	syncs[0] = svmgpu_sync_in_point(timeline, 2);
	igt_assert_eq(exec_raw(fd, &exec), 0);

	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_EXEC, NULL),
		      -EFAULT);

	/* None of that banned the queue. */
	igt_assert(!svmgpu_ctx_banned(&env.ctx, env.queue));

	igt_assert_eq(munmap(hole, SZ_4K), 0);
	svmgpu_syncobj_destroy(fd, out);
	svmgpu_syncobj_destroy(fd, empty);
	svmgpu_syncobj_destroy(fd, timeline);
	env_fini(&env);
}

/* The size of struct drm_svmgpu_exec before uAPI 1.3 added the user fence. */
#define EXEC_SIZE_1_2	offsetof(struct drm_svmgpu_exec, ufence_addr)

/*
 * EXEC as user space built against uAPI 1.2 issues it: a 40-byte
 * argument, which the DRM core zero-extends. The bytes after it in
 * memory, where a 1.3 EXEC has its user fence, are not read: they are
 * garbage here, and the job runs.
 */
static void test_exec_old_size(int fd)
{
	const unsigned long request =
		_IOC(_IOC_WRITE, DRM_IOCTL_BASE,
		     DRM_COMMAND_BASE + DRM_SVMGPU_EXEC, EXEC_SIZE_1_2);
	union {
		struct drm_svmgpu_exec exec;
		uint8_t bytes[sizeof(struct drm_svmgpu_exec)];
	} arg;
	struct drm_svmgpu_sync out;
	struct svmgpu_cs cs;
	struct env env;
	uint32_t syncobj;

	igt_assert_eq(EXEC_SIZE_1_2, 40);
	env_init(&env, fd, SYSTEM);
	svmgpu_ctx_cs(&env.ctx, &cs, 64);
	svmgpu_cs_write32(&cs, gpu(&env, 0), 0x01d512e);
	svmgpu_cs_end(&cs);
	syncobj = svmgpu_syncobj_create(fd, 0);
	out = svmgpu_sync_out(syncobj);

	memset(arg.bytes, 0xff, sizeof(arg.bytes));
	memset(arg.bytes, 0, EXEC_SIZE_1_2);
	arg.exec.queue_id = env.queue;
	arg.exec.num_syncs = 1;
	arg.exec.syncs = to_user_pointer(&out);
	arg.exec.address = svmgpu_cs_addr(&cs);
	arg.exec.length = svmgpu_cs_bytes(&cs);
	igt_assert_eq(__svmgpu_ioctl(fd, request, &arg), 0);

	igt_assert_eq(svmgpu_wait_job(fd, syncobj), 0);
	igt_assert_eq_u32(*data32(&env, 0), 0x01d512e);
	/* The 1.3 request with the same garbage is refused. */
	igt_assert_eq(exec_raw(fd, &arg.exec), -EINVAL);

	svmgpu_syncobj_destroy(fd, syncobj);
	env_fini(&env);
}

/* --- Malformed command streams -------------------------------------------- */

struct malformed {
	const char *name;
	void (*emit)(struct svmgpu_cs *cs, uint64_t data);
};

static void bad_opcode_9(struct svmgpu_cs *cs, uint64_t data)
{
	(void)data;
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_DISPATCH + 1, 0, 1);
	svmgpu_cs_end(cs);
}

static void bad_opcode_255(struct svmgpu_cs *cs, uint64_t data)
{
	(void)data;
	svmgpu_cs_header(cs, 0xff, 0, 3);
	svmgpu_cs_qword(cs, 0);
	svmgpu_cs_end(cs);
}

static void bad_flags_nop(struct svmgpu_cs *cs, uint64_t data)
{
	(void)data;
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_NOP, 1, 1);
	svmgpu_cs_end(cs);
}

static void bad_flags_end(struct svmgpu_cs *cs, uint64_t data)
{
	(void)data;
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_END, 0x80, 1);
}

static void bad_flags_write_imm(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_write_imm(cs, DRM_SVMGPU_CMD_WRITE_IMM_64 << 1, data, 0);
	svmgpu_cs_end(cs);
}

static void bad_flags_copy(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_COPY, 1, 7);
	svmgpu_cs_qword(cs, data);
	svmgpu_cs_qword(cs, data + 64);
	svmgpu_cs_qword(cs, 4);
	svmgpu_cs_end(cs);
}

static void bad_flags_fill(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_FILL, 1, 7);
	svmgpu_cs_qword(cs, data);
	svmgpu_cs_dword(cs, 0);
	svmgpu_cs_dword(cs, 0);
	svmgpu_cs_qword(cs, 4);
	svmgpu_cs_end(cs);
}

static void bad_flags_atomic_op(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC + 1, data, 0, 0, 0);
	svmgpu_cs_end(cs);
}

static void bad_flags_atomic_op7(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_atomic(cs, 7 | DRM_SVMGPU_ATOMIC_64, data, 0, 0, 0);
	svmgpu_cs_end(cs);
}

static void bad_flags_atomic(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_ADD |
			 DRM_SVMGPU_ATOMIC_RETURN << 1, data, 1, 0, 0);
	svmgpu_cs_end(cs);
}

static void bad_flags_wait_op(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_LTE + 1, data, 0, 0);
	svmgpu_cs_end(cs);
}

static void bad_flags_wait_op7(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_wait_mem(cs, 7, data, 0, 0);
	svmgpu_cs_end(cs);
}

static void bad_flags_wait(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_EQ | DRM_SVMGPU_WAIT_64 << 1,
			   data, 0, 0);
	svmgpu_cs_end(cs);
}

static void bad_flags_timestamp(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_TIMESTAMP, 1, 3);
	svmgpu_cs_qword(cs, data);
	svmgpu_cs_end(cs);
}

static void bad_len_nop0(struct svmgpu_cs *cs, uint64_t data)
{
	(void)data;
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_NOP, 0, 0);
	svmgpu_cs_end(cs);
}

static void bad_len_end(struct svmgpu_cs *cs, uint64_t data)
{
	(void)data;
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_END, 0, 2);
	svmgpu_cs_dword(cs, 0);
	svmgpu_cs_end(cs);
}

static void bad_len_end0(struct svmgpu_cs *cs, uint64_t data)
{
	(void)data;
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_END, 0, 0);
	svmgpu_cs_end(cs);
}

static void bad_len_write_short(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_WRITE_IMM, 0, 4);
	svmgpu_cs_qword(cs, data);
	svmgpu_cs_dword(cs, 1);
	svmgpu_cs_end(cs);
}

static void bad_len_write_long(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_WRITE_IMM, 0, 6);
	svmgpu_cs_qword(cs, data);
	svmgpu_cs_qword(cs, 1);
	svmgpu_cs_dword(cs, 0);
	svmgpu_cs_end(cs);
}

static void bad_len_copy(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_COPY, 0, 8);
	svmgpu_cs_qword(cs, data);
	svmgpu_cs_qword(cs, data + 64);
	svmgpu_cs_qword(cs, 4);
	svmgpu_cs_dword(cs, 0);
	svmgpu_cs_end(cs);
}

static void bad_len_fill(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_FILL, 0, 6);
	svmgpu_cs_qword(cs, data);
	svmgpu_cs_dword(cs, 0);
	svmgpu_cs_dword(cs, 0);
	svmgpu_cs_dword(cs, 4);
	svmgpu_cs_end(cs);
}

static void bad_len_atomic(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_ATOMIC, DRM_SVMGPU_ATOMIC_INC, 7);
	svmgpu_cs_qword(cs, data);
	svmgpu_cs_qword(cs, 0);
	svmgpu_cs_qword(cs, 0);
	svmgpu_cs_end(cs);
}

static void bad_len_wait(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_WAIT_MEM, DRM_SVMGPU_WAIT_EQ, 5);
	svmgpu_cs_qword(cs, data);
	svmgpu_cs_qword(cs, 0);
	svmgpu_cs_end(cs);
}

static void bad_len_timestamp(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_TIMESTAMP, 0, 4);
	svmgpu_cs_qword(cs, data);
	svmgpu_cs_dword(cs, 0);
	svmgpu_cs_end(cs);
}

/* The buffer ends in the middle of a command: no END can follow. */
static void past_end_write(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_WRITE_IMM, 0, 5);
	svmgpu_cs_qword(cs, data);
}

/* A NOP whose payload runs past the buffer, ending in something END-like. */
static void past_end_nop(struct svmgpu_cs *cs, uint64_t data)
{
	(void)data;
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_NOP, 0, 100);
	svmgpu_cs_dword(cs, 0);
	svmgpu_cs_end(cs);
}

static void missing_end(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_write32(cs, data, 1);
}

static void missing_end_nop(struct svmgpu_cs *cs, uint64_t data)
{
	(void)data;
	svmgpu_cs_nop(cs, 0, 0);
}

static void misaligned_write32(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_write32(cs, data + 2, 1);
	svmgpu_cs_end(cs);
}

static void misaligned_write64(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_write64(cs, data + 4, 1);
	svmgpu_cs_end(cs);
}

static void misaligned_atomic32(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC, data + 1, 0, 0, 0);
	svmgpu_cs_end(cs);
}

static void misaligned_atomic64(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC | DRM_SVMGPU_ATOMIC_64,
			 data + 4, 0, 0, 0);
	svmgpu_cs_end(cs);
}

static void misaligned_fill_dst(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_fill(cs, data + 2, 0, 8);
	svmgpu_cs_end(cs);
}

static void misaligned_fill_size(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_fill(cs, data, 0, 6);
	svmgpu_cs_end(cs);
}

static void misaligned_timestamp(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_timestamp(cs, data + 4);
	svmgpu_cs_end(cs);
}

static void mbz_fill(struct svmgpu_cs *cs, uint64_t data)
{
	svmgpu_cs_header(cs, DRM_SVMGPU_CMD_FILL, 0, 7);
	svmgpu_cs_qword(cs, data);
	svmgpu_cs_dword(cs, 0);
	svmgpu_cs_dword(cs, 1);		/* MBZ */
	svmgpu_cs_qword(cs, 4);
	svmgpu_cs_end(cs);
}

static void mbz_atomic_result(struct svmgpu_cs *cs, uint64_t data)
{
	/* A result address without RETURN. */
	svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC, data, 0, 0, data + 64);
	svmgpu_cs_end(cs);
}

static const struct malformed malformed_cases[] = {
	{ "unknown-opcode", bad_opcode_9 },
	{ "unknown-opcode-255", bad_opcode_255 },
	{ "unknown-flags-nop", bad_flags_nop },
	{ "unknown-flags-end", bad_flags_end },
	{ "unknown-flags-write-imm", bad_flags_write_imm },
	{ "unknown-flags-copy", bad_flags_copy },
	{ "unknown-flags-fill", bad_flags_fill },
	{ "unknown-atomic-op", bad_flags_atomic_op },
	{ "unknown-atomic-op-7", bad_flags_atomic_op7 },
	{ "unknown-flags-atomic", bad_flags_atomic },
	{ "unknown-wait-op", bad_flags_wait_op },
	{ "unknown-wait-op-7", bad_flags_wait_op7 },
	{ "unknown-flags-wait-mem", bad_flags_wait },
	{ "unknown-flags-timestamp", bad_flags_timestamp },
	{ "wrong-length-nop-0", bad_len_nop0 },
	{ "wrong-length-end", bad_len_end },
	{ "wrong-length-end-0", bad_len_end0 },
	{ "wrong-length-write-imm-short", bad_len_write_short },
	{ "wrong-length-write-imm-long", bad_len_write_long },
	{ "wrong-length-copy", bad_len_copy },
	{ "wrong-length-fill", bad_len_fill },
	{ "wrong-length-atomic", bad_len_atomic },
	{ "wrong-length-wait-mem", bad_len_wait },
	{ "wrong-length-timestamp", bad_len_timestamp },
	{ "past-end-write-imm", past_end_write },
	{ "past-end-nop", past_end_nop },
	{ "missing-end", missing_end },
	{ "missing-end-nop", missing_end_nop },
	{ "misaligned-write-imm", misaligned_write32 },
	{ "misaligned-write-imm-64", misaligned_write64 },
	{ "misaligned-atomic", misaligned_atomic32 },
	{ "misaligned-atomic-64", misaligned_atomic64 },
	{ "misaligned-fill", misaligned_fill_dst },
	{ "misaligned-fill-size", misaligned_fill_size },
	{ "misaligned-timestamp", misaligned_timestamp },
	{ "mbz-fill", mbz_fill },
	{ "mbz-atomic-result", mbz_atomic_result },
};

/*
 * A malformed stream fails its job with -EINVAL and bans its queue, and
 * only its queue: another queue in the same VM still runs.
 */
static void test_malformed(int fd, const struct malformed *m)
{
	struct svmgpu_cs cs;
	struct env env;
	uint32_t other;
	int ret;

	env_init(&env, fd, SYSTEM);
	other = svmgpu_queue_create(fd, env.ctx.vm,
				    svmgpu_num_engines(fd) - 1);

	svmgpu_ctx_cs(&env.ctx, &cs, 256);
	m->emit(&cs, gpu(&env, SZ_4K));
	ret = svmgpu_run(fd, env.queue, &cs);
	igt_assert_f(ret == -EINVAL, "%s: job status %d (%s), expected -EINVAL\n",
		     m->name, ret, strerror(-ret));
	igt_assert_f(svmgpu_ctx_banned(&env.ctx, env.queue),
		     "%s: queue not banned\n", m->name);

	igt_assert(!svmgpu_ctx_banned(&env.ctx, other));
	svmgpu_queue_destroy(fd, other);
	env_fini(&env);
}

static const struct {
	const char *name;
	uint32_t placements;
} data_placements[] = {
	{ "vram", VRAM },
	{ "system", SYSTEM },
};

igt_main
{
	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	igt_describe("Create queues on every engine at LOW and NORMAL "
		     "priority with distinct ids; destroy them.");
	igt_subtest("queue-create-destroy")
		test_queue_create_destroy(svmgpu_fd);

	igt_describe("QUEUE_CREATE rejects unknown VMs, engines, priorities, "
		     "flags, pad and extensions.");
	igt_subtest("queue-create-bad")
		test_queue_create_bad(svmgpu_fd);

	igt_describe("HIGH priority needs CAP_SYS_NICE: without it, "
		     "-EACCES.");
	igt_subtest("queue-high-priority")
		test_queue_high_priority(svmgpu_fd);

	igt_describe("QUEUE_DESTROY rejects unknown queues, pad and "
		     "extensions; queues belong to their file.");
	igt_subtest("queue-destroy-bad")
		test_queue_destroy_bad(svmgpu_fd);

	igt_describe("A job already submitted to a destroyed queue still runs "
		     "and signals.");
	igt_subtest("queue-destroy-inflight")
		test_queue_destroy_inflight(svmgpu_fd);

	igt_describe("NOPs of every length, payload included, do nothing.");
	igt_subtest("cmd-nop")
		test_cmd_nop(svmgpu_fd);

	igt_describe("END ends the job; what follows it is not run.");
	igt_subtest("cmd-end")
		test_cmd_end(svmgpu_fd);

	igt_describe("WRITE_IMM writes 32 bits (the value's low half) or 64 "
		     "bits and nothing else.");
	igt_subtest_with_dynamic("cmd-write-imm") {
		svmgpu_require_features(svmgpu_fd, ALL);
		for (volatile unsigned int p = 0;
		     p < ARRAY_SIZE(data_placements); p++)
			igt_dynamic(data_placements[p].name)
				test_cmd_write_imm(svmgpu_fd,
						   data_placements[p].placements);
	}

	igt_subtest_group {
		igt_fixture
			copy_setup(svmgpu_fd);

		igt_describe("COPY of 1 byte to 64 MiB, at odd offsets across "
			     "page and 2 MiB boundaries, between VRAM and "
			     "system memory; nothing around the destination "
			     "changes.");
		igt_subtest_with_dynamic("cmd-copy") {
			for (volatile unsigned int d = 0;
			     d < ARRAY_SIZE(copy_dir_names); d++)
				for (volatile unsigned int c = 0;
				     c < ARRAY_SIZE(copy_cases); c++)
					igt_dynamic_f("%s-%s",
						      copy_dir_names[d],
						      copy_cases[c].name)
						test_cmd_copy(svmgpu_fd, d,
							      &copy_cases[c]);
		}

		igt_fixture
			copy_teardown();
	}

	igt_describe("FILL of several sizes and patterns, across page and "
		     "2 MiB boundaries; nothing around it changes.");
	igt_subtest_with_dynamic("cmd-fill") {
		svmgpu_require_features(svmgpu_fd, ALL);
		for (volatile unsigned int p = 0;
		     p < ARRAY_SIZE(data_placements); p++)
			igt_dynamic(data_placements[p].name)
				test_cmd_fill(svmgpu_fd,
					      data_placements[p].placements);
	}

	igt_describe("ATOMIC ADD, XCHG, CMPXCHG (success and failure) and "
		     "INC on 32 and 64 bits, with and without RETURN.");
	igt_subtest_with_dynamic("cmd-atomic") {
		svmgpu_require_features(svmgpu_fd, ALL);
		for (volatile unsigned int p = 0;
		     p < ARRAY_SIZE(data_placements); p++) {
			igt_dynamic_f("32-%s", data_placements[p].name)
				test_cmd_atomic(svmgpu_fd, false,
						data_placements[p].placements);
			igt_dynamic_f("64-%s", data_placements[p].name)
				test_cmd_atomic(svmgpu_fd, true,
						data_placements[p].placements);
		}
	}

	igt_describe("WAIT_MEM blocks the job until a CPU write makes its "
		     "condition true, for every comparison, with masks, on "
		     "32 and 64 bits.");
	igt_subtest_with_dynamic("cmd-wait-mem") {
		svmgpu_require_features(svmgpu_fd, ALL);
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(wait_cases);
		     i++)
			igt_dynamic(wait_cases[i].name)
				test_cmd_wait_mem(svmgpu_fd, &wait_cases[i]);
	}

	igt_describe("WAIT_MEM conditions that already hold do not block.");
	igt_subtest("cmd-wait-mem-satisfied")
		test_cmd_wait_mem_satisfied(svmgpu_fd);

	igt_describe("TIMESTAMP is non-zero, never goes back, within and "
		     "across jobs, and counts nanoseconds.");
	igt_subtest("cmd-timestamp")
		test_cmd_timestamp(svmgpu_fd);

	igt_describe("Jobs on one queue run in submission order.");
	igt_subtest("job-order")
		test_job_order(svmgpu_fd);

	igt_describe("Atomics from queues on two engines at once give exact "
		     "counts.");
	igt_subtest("atomic-two-engines")
		test_atomic_two_engines(svmgpu_fd);

	igt_describe("ATOMIC is atomic against the CPU's atomics on the same "
		     "counter, in VRAM and in system memory.");
	igt_subtest_with_dynamic("atomic-cpu-gpu") {
		svmgpu_require_features(svmgpu_fd, ALL);
		for (volatile unsigned int p = 0;
		     p < ARRAY_SIZE(data_placements); p++)
			igt_dynamic(data_placements[p].name)
				test_atomic_cpu_gpu(svmgpu_fd,
						    data_placements[p].placements);
	}

	igt_describe("COPY and FILL of 0 bytes succeed and write nothing.");
	igt_subtest("cmd-empty")
		test_cmd_empty(svmgpu_fd);

	igt_describe("COPY and FILL ranges span back-to-back mappings of a "
		     "VRAM and a system-memory BO.");
	igt_subtest("cmd-copy-mappings")
		test_cmd_copy_mappings(svmgpu_fd);

	igt_describe("A command buffer of exactly 1 MiB runs; a longer one is "
		     "refused.");
	igt_subtest("exec-max-length")
		test_exec_max_length(svmgpu_fd);

	igt_describe("A job signals 64 syncobjs, and a job waits for 64.");
	igt_subtest("exec-max-syncs")
		test_exec_max_syncs(svmgpu_fd);

	igt_describe("EXEC rejects unknown queues, bad addresses and lengths, "
		     "unknown flags, user fence fields without the flag, a "
		     "user fence at 0, extensions and bad syncs, without "
		     "banning the queue.");
	igt_subtest("exec-bad-args")
		test_exec_bad_args(svmgpu_fd);

	igt_describe("An EXEC of uAPI 1.2's size, without the user fence "
		     "fields, still runs its job; what follows it in memory "
		     "is not read.");
	igt_subtest("exec-old-size")
		test_exec_old_size(svmgpu_fd);

	igt_describe("Malformed command streams fail the job with -EINVAL "
		     "and ban its queue, and no other queue.");
	igt_subtest_with_dynamic("malformed") {
		svmgpu_require_features(svmgpu_fd, ALL);
		for (volatile unsigned int i = 0;
		     i < ARRAY_SIZE(malformed_cases); i++)
			igt_dynamic(malformed_cases[i].name)
				test_malformed(svmgpu_fd, &malformed_cases[i]);
	}

	igt_fixture {
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
