// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_faults - jobs that fail: GPU page faults on unmapped addresses
 * and hangs the driver's job timeout resets. Each must fail only its own
 * queue. When the kernel has devcoredump, the driver's dump of the failed
 * job is checked too.
 *
 * Hang tests need the module parameter job_timeout_ms, and wait for at
 * most four times it plus ten seconds (svmgpu_hang_wait_ns()), as the
 * emulated GPU runs under QEMU TCG in CI.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu job failures: page faults, hangs and resets, "
		     "devcoredump.");

#define ALL	(DRM_SVMGPU_FEATURE_GEM | DRM_SVMGPU_FEATURE_VM | \
		 DRM_SVMGPU_FEATURE_EXEC)
#define SYSTEM	DRM_SVMGPU_GEM_PLACEMENT_SYSTEM
#define BOTH	SVMGPU_PLACEMENT_BOTH

#define CMD_POOL	(64 * SZ_4K)

/* An address no test maps: inside the VM, well above anything allocated. */
#define UNMAPPED_VA	(1ull << 40)

static int svmgpu_fd = -1;

/* A VM with a data buffer. */
struct client {
	struct svmgpu_ctx ctx;
	struct svmgpu_buf data;
};

static void client_init(struct client *c, int fd)
{
	svmgpu_ctx_init(&c->ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&c->ctx, &c->data, SZ_64K, BOTH);
	memset(c->data.map, 0, SZ_64K);
}

static void client_fini(struct client *c)
{
	svmgpu_buf_destroy(&c->data);
	svmgpu_ctx_fini(&c->ctx);
}

/* Runs a job that writes @value to word @word of @c's data on @queue. */
static int client_write(struct client *c, uint32_t queue, unsigned int word,
			uint32_t value)
{
	struct svmgpu_cs cs;

	svmgpu_ctx_cs(&c->ctx, &cs, 64);
	svmgpu_cs_write32(&cs, svmgpu_buf_gpu(&c->data, 4 * word), value);
	svmgpu_cs_end(&cs);

	return svmgpu_run(c->ctx.fd, queue, &cs);
}

static uint32_t client_word(struct client *c, unsigned int word)
{
	return ((volatile uint32_t *)c->data.map)[word];
}

/* Asserts that @queue of @c still runs jobs. */
static void assert_queue_works(struct client *c, uint32_t queue,
			       unsigned int word, uint32_t value)
{
	igt_assert_eq(client_write(c, queue, word, value), 0);
	igt_assert_eq_u32(client_word(c, word), value);
	igt_assert(!svmgpu_ctx_banned(&c->ctx, queue));
}

/*
 * Runs @cs on a new queue of @c, expects it to fail with @err and to ban
 * that queue only.
 */
static uint32_t expect_failure(struct client *c, struct svmgpu_cs *cs,
			       int err)
{
	uint32_t queue = svmgpu_queue_create(c->ctx.fd, c->ctx.vm, 0);
	int ret = svmgpu_run(c->ctx.fd, queue, cs);

	igt_assert_f(ret == err, "job status %d (%s), expected %d (%s)\n",
		     ret, strerror(-ret), err, strerror(-err));
	igt_assert(svmgpu_ctx_banned(&c->ctx, queue));
	igt_assert_eq(__svmgpu_exec(c->ctx.fd, queue, svmgpu_cs_addr(cs),
				    svmgpu_cs_bytes(cs), NULL, 0),
		      -ECANCELED);

	return queue;
}

/*
 * A write to an unmapped address fails the job with -EFAULT and bans its
 * queue; another queue of the same VM, and a queue of another DRM file,
 * keep working, before and after.
 */
static void test_unmapped_address(int fd, bool write)
{
	struct client c, other;
	uint32_t bad, good, queue2;
	struct svmgpu_cs cs;
	int fd2;

	svmgpu_require_features(fd, ALL);
	client_init(&c, fd);
	fd2 = drm_open_svmgpu(0);
	client_init(&other, fd2);
	good = svmgpu_queue_create(fd, c.ctx.vm,
				   1 % svmgpu_num_engines(fd));
	queue2 = svmgpu_queue_create(fd2, other.ctx.vm, 0);

	assert_queue_works(&c, good, 0, 1);

	svmgpu_ctx_cs(&c.ctx, &cs, 64);
	if (write)
		svmgpu_cs_write32(&cs, UNMAPPED_VA, 1);
	else
		svmgpu_cs_copy(&cs, UNMAPPED_VA,
			       svmgpu_buf_gpu(&c.data, 64), 4);
	svmgpu_cs_end(&cs);
	bad = expect_failure(&c, &cs, -EFAULT);

	assert_queue_works(&c, good, 1, 2);
	assert_queue_works(&other, queue2, 0, 3);
	/* The banned queue stays banned. */
	igt_assert(svmgpu_ctx_banned(&c.ctx, bad));

	svmgpu_queue_destroy(fd, bad);
	svmgpu_queue_destroy(fd, good);
	svmgpu_queue_destroy(fd2, queue2);
	client_fini(&other);
	igt_assert_eq(close(fd2), 0);
	client_fini(&c);
}

/* The first 64 KiB of a VM always fault: null pointers included. */
static void test_null_address(int fd)
{
	static const uint64_t addrs[] = {
		0, 8, SZ_4K, SVMGPU_VA_NULL_GUARD - 4,
	};
	struct svmgpu_cs cs;
	struct client c;
	unsigned int i;

	svmgpu_require_features(fd, ALL);
	client_init(&c, fd);

	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		svmgpu_ctx_cs(&c.ctx, &cs, 64);
		svmgpu_cs_write32(&cs, addrs[i], 1);
		svmgpu_cs_end(&cs);
		svmgpu_queue_destroy(fd, expect_failure(&c, &cs, -EFAULT));
	}

	client_fini(&c);
}

/*
 * The engine fetches the command buffer through the MMU too: a buffer at
 * an unmapped address, or one that runs off the end of its mapping,
 * faults.
 */
static void test_unmapped_cmd_buffer(int fd)
{
	struct svmgpu_buf tail;
	struct svmgpu_cs cs;
	struct client c;

	svmgpu_require_features(fd, ALL);
	client_init(&c, fd);

	svmgpu_cs_init(&cs, c.data.map, UNMAPPED_VA, 64);
	svmgpu_cs_end(&cs);
	svmgpu_queue_destroy(fd, expect_failure(&c, &cs, -EFAULT));

	/*
	 * A buffer in the last page of a mapping, whose END lies in the
	 * unmapped page after it.
	 */
	svmgpu_ctx_buf(&c.ctx, &tail, SZ_4K, SYSTEM);
	svmgpu_cs_init(&cs, svmgpu_buf_cpu(&tail, SZ_4K - 8),
		       svmgpu_buf_gpu(&tail, SZ_4K - 8), 8);
	svmgpu_cs_nop(&cs, 0, 0);
	svmgpu_cs_nop(&cs, 0, 0);
	cs.size = cs.len = 4;	/* 16 bytes: 8 mapped, 8 not */
	svmgpu_queue_destroy(fd, expect_failure(&c, &cs, -EFAULT));

	svmgpu_buf_destroy(&tail);
	client_fini(&c);
}

/* --- devcoredump ---------------------------------------------------------- */

static void require_devcoredump(int fd)
{
	igt_require_f(svmgpu_has_devcoredump(),
		      "the kernel has no devcoredump\n");
	if (svmgpu_devcoredump_dismiss(fd))
		igt_info("dismissed a stale devcoredump\n");
}

static uint64_t dump_number(const char *text, const char *key)
{
	char value[64], *end;
	uint64_t v;

	igt_assert_f(svmgpu_devcoredump_field(text, key, value, sizeof(value)),
		     "devcoredump has no \"%s:\" line:\n%s\n", key, text);
	v = strtoull(value, &end, 0);
	igt_assert_f(end != value && (!*end || *end == ' '),
		     "devcoredump %s: \"%s\" is not a number\n", key, value);

	return v;
}

static void dump_expect_hex(const char *text, const char *key)
{
	char value[64];

	igt_assert(svmgpu_devcoredump_field(text, key, value, sizeof(value)));
	igt_assert_f(!strncmp(value, "0x", 2),
		     "devcoredump %s: \"%s\" is not 0x<hex>\n", key, value);
}

/*
 * Checks the dump's common lines: the queue, the VM, the reason and a
 * command-stream address inside @cs.
 */
static void check_dump(const char *text, uint32_t queue, uint32_t vm,
		       const char *reason, const struct svmgpu_cs *cs)
{
	char value[64];
	uint64_t cs_addr;

	igt_debug("devcoredump:\n%s\n", text);

	igt_assert_f(svmgpu_devcoredump_field(text, "reason", value,
					      sizeof(value)),
		     "devcoredump has no reason line:\n%s\n", text);
	igt_assert_f(!strcmp(value, reason), "reason \"%s\", expected %s\n",
		     value, reason);
	igt_assert_eq_u64(dump_number(text, "queue"), queue);
	igt_assert_eq_u64(dump_number(text, "vm"), vm);

	dump_expect_hex(text, "cs_address");
	cs_addr = dump_number(text, "cs_address");
	igt_assert_f(cs_addr >= svmgpu_cs_addr(cs) &&
		     cs_addr < svmgpu_cs_addr(cs) + svmgpu_cs_bytes(cs),
		     "cs_address %#llx is outside the job's buffer [%#llx, +%u)\n",
		     (unsigned long long)cs_addr,
		     (unsigned long long)svmgpu_cs_addr(cs),
		     svmgpu_cs_bytes(cs));
}

/* A page fault leaves a devcoredump that names the faulting address. */
static void test_devcoredump_fault(int fd)
{
	const uint64_t addr = UNMAPPED_VA + 0x1234;
	struct svmgpu_cs cs;
	struct client c;
	uint64_t fault;
	uint32_t queue;
	char *text;

	svmgpu_require_features(fd, ALL);
	require_devcoredump(fd);
	client_init(&c, fd);

	svmgpu_ctx_cs(&c.ctx, &cs, 64);
	svmgpu_cs_nop(&cs, 2, 0);
	svmgpu_cs_write32(&cs, addr, 1);
	svmgpu_cs_end(&cs);
	queue = expect_failure(&c, &cs, -EFAULT);

	text = svmgpu_devcoredump_wait(fd, 10ull * 1000000000ull);
	igt_assert_f(text, "no devcoredump after a GPU page fault\n");
	check_dump(text, queue, c.ctx.vm, "fault", &cs);
	dump_expect_hex(text, "fault_address");
	fault = dump_number(text, "fault_address");
	igt_assert_f(fault == addr || fault == (addr & ~(SZ_4K - 1)),
		     "fault_address %#llx, expected %#llx\n",
		     (unsigned long long)fault, (unsigned long long)addr);
	free(text);

	svmgpu_queue_destroy(fd, queue);
	client_fini(&c);
}

/* --- Hangs ---------------------------------------------------------------- */

static int require_job_timeout(void)
{
	int ms = svmgpu_job_timeout_ms();

	igt_require_f(ms >= 0, "svmgpu has no job_timeout_ms parameter\n");
	igt_info("job_timeout_ms %d: waiting up to %llu s for a reset\n", ms,
		 (unsigned long long)(svmgpu_hang_wait_ns() / 1000000000ull));

	return ms;
}

/* A job that waits forever on a word nobody writes. */
static void emit_hang(struct client *c, struct svmgpu_cs *cs)
{
	svmgpu_ctx_cs(&c->ctx, cs, 128);
	svmgpu_cs_write32(cs, svmgpu_buf_gpu(&c->data, 0), 1);
	svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_EQ,
			   svmgpu_buf_gpu(&c->data, 4), 1, 0xffffffff);
	svmgpu_cs_end(cs);
}

/*
 * Waits for a hung job's fence, which the driver must signal with -ETIME
 * after job_timeout_ms (not before), and returns how long it took.
 */
static uint64_t wait_reset(int fd, uint32_t out, struct timespec *since)
{
	int ret, timeout_ms = svmgpu_job_timeout_ms();
	uint64_t ms;

	ret = svmgpu_syncobj_wait(fd, out, 0, svmgpu_hang_wait_ns());
	igt_assert_f(ret == 0, "the hung job was not reset: %s\n",
		     strerror(-ret));
	ms = igt_nsec_elapsed(since) / 1000000;
	igt_info("hung job reset after %llu ms\n", (unsigned long long)ms);

	igt_assert_eq(svmgpu_syncobj_status(fd, out), -ETIME);
	igt_assert_f(ms >= timeout_ms * 9ull / 10,
		     "reset after %llu ms, before the %d ms timeout\n",
		     (unsigned long long)ms, timeout_ms);

	return ms;
}

/*
 * A hang is reset by the timeout: the hung queue is banned; an innocent
 * queue, in another VM on another engine (or the same engine), with a job
 * submitted at the same time, completes and is not banned; the engine
 * runs new jobs afterwards.
 */
static void test_hang(int fd, bool same_engine)
{
	uint32_t hang_q, innocent_q, hang_out, innocent_out, after_q;
	struct client hang, innocent;
	struct timespec since = {};
	struct svmgpu_cs cs, ok;

	svmgpu_require_features(fd, ALL);
	require_job_timeout();
	if (!same_engine)
		igt_require_f(svmgpu_num_engines(fd) >= 2,
			      "needs two engines\n");

	client_init(&hang, fd);
	client_init(&innocent, fd);
	hang_q = svmgpu_queue_create(fd, hang.ctx.vm, 0);
	innocent_q = svmgpu_queue_create(fd, innocent.ctx.vm,
					 same_engine ? 0 : 1);
	hang_out = svmgpu_syncobj_create(fd, 0);
	innocent_out = svmgpu_syncobj_create(fd, 0);

	emit_hang(&hang, &cs);
	svmgpu_ctx_cs(&innocent.ctx, &ok, 64);
	svmgpu_cs_write32(&ok, svmgpu_buf_gpu(&innocent.data, 0), 0x900d);
	svmgpu_cs_end(&ok);

	igt_nsec_elapsed(&since);
	svmgpu_submit(fd, hang_q, &cs, hang_out);
	igt_assert(svmgpu_poll_u32(svmgpu_buf_cpu(&hang.data, 0), 1,
				   svmgpu_job_wait_ns()));
	svmgpu_submit(fd, innocent_q, &ok, innocent_out);

	if (!same_engine) {
		/*
		 * Another engine is not held up by the hang: the innocent job
		 * completes while the hung one still runs, well before the
		 * job timeout resets it.
		 */
		igt_assert_eq(svmgpu_wait_job(fd, innocent_out), 0);
		igt_assert_f(svmgpu_syncobj_busy(fd, hang_out, 0),
			     "the job on engine 1 completed only after the "
			     "hang on engine 0 was reset (%llu ms after "
			     "submission)\n",
			     (unsigned long long)(igt_nsec_elapsed(&since) /
						  1000000));
		igt_info("innocent job done while the hang runs, %llu ms "
			 "after submission\n",
			 (unsigned long long)(igt_nsec_elapsed(&since) /
					      1000000));
	}

	wait_reset(fd, hang_out, &since);
	igt_assert_eq(svmgpu_wait_job(fd, innocent_out), 0);
	igt_assert_eq_u32(client_word(&innocent, 0), 0x900d);

	igt_assert(svmgpu_ctx_banned(&hang.ctx, hang_q));
	igt_assert(!svmgpu_ctx_banned(&innocent.ctx, innocent_q));

	/* The reset engine works, for the innocent and for newcomers. */
	assert_queue_works(&innocent, innocent_q, 1, 0x1);
	after_q = svmgpu_queue_create(fd, hang.ctx.vm, 0);
	assert_queue_works(&hang, after_q, 2, 0x2);

	svmgpu_queue_destroy(fd, after_q);
	svmgpu_queue_destroy(fd, hang_q);
	svmgpu_queue_destroy(fd, innocent_q);
	svmgpu_syncobj_destroy(fd, hang_out);
	svmgpu_syncobj_destroy(fd, innocent_out);
	client_fini(&innocent);
	client_fini(&hang);
}

/* A hang leaves a devcoredump that names the queue, the VM and the job. */
static void test_devcoredump_hang(int fd)
{
	struct timespec since = {};
	struct svmgpu_cs cs;
	struct client c;
	uint32_t queue, out;
	char *text;

	svmgpu_require_features(fd, ALL);
	require_job_timeout();
	require_devcoredump(fd);

	client_init(&c, fd);
	queue = svmgpu_queue_create(fd, c.ctx.vm, 0);
	out = svmgpu_syncobj_create(fd, 0);

	emit_hang(&c, &cs);
	igt_nsec_elapsed(&since);
	svmgpu_submit(fd, queue, &cs, out);
	wait_reset(fd, out, &since);

	text = svmgpu_devcoredump_wait(fd, 10ull * 1000000000ull);
	igt_assert_f(text, "no devcoredump after a job timeout\n");
	check_dump(text, queue, c.ctx.vm, "timeout", &cs);
	free(text);

	/* Read and dismissed: no other dump of this device remains. */
	igt_assert_eq(svmgpu_devcoredump_dismiss(fd), 0);

	svmgpu_syncobj_destroy(fd, out);
	svmgpu_queue_destroy(fd, queue);
	client_fini(&c);
}

igt_main
{
	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	igt_describe("A write to an unmapped address fails the job with "
		     "-EFAULT and bans only its queue: another queue of the "
		     "VM and another file's queue keep working.");
	igt_subtest("unmapped-write")
		test_unmapped_address(svmgpu_fd, true);

	igt_describe("The same for a read of an unmapped address.");
	igt_subtest("unmapped-read")
		test_unmapped_address(svmgpu_fd, false);

	igt_describe("Accesses to the first 64 KiB, null included, fault.");
	igt_subtest("null-address")
		test_null_address(svmgpu_fd);

	igt_describe("A command buffer at an unmapped address, or running off "
		     "its mapping, faults.");
	igt_subtest("unmapped-cmd-buffer")
		test_unmapped_cmd_buffer(svmgpu_fd);

	igt_describe("A job that never finishes is reset by the job timeout "
		     "with -ETIME and its queue banned; a job on another "
		     "engine completes unharmed.");
	igt_subtest("hang")
		test_hang(svmgpu_fd, false);

	igt_describe("The same with the innocent queue on the hung engine: "
		     "its job completes after the reset.");
	igt_subtest("hang-same-engine")
		test_hang(svmgpu_fd, true);

	igt_describe("devcoredump: a job timeout leaves a dump with the queue, "
		     "the VM, reason timeout and the command address.");
	igt_subtest("devcoredump-hang")
		test_devcoredump_hang(svmgpu_fd);

	igt_describe("devcoredump: a page fault leaves a dump with reason "
		     "fault and the faulting address.");
	igt_subtest("devcoredump-fault")
		test_devcoredump_fault(svmgpu_fd);

	igt_fixture {
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
