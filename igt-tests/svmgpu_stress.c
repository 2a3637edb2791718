// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_stress - many submitters at once, and clients that go away with
 * jobs in flight: threads with a queue each (in one shared VM and in a VM
 * each), processes with a DRM file each, closing a file and killing a
 * process while their jobs are held on the GPU.
 *
 * Counts are exact: every job increments counters with ATOMIC and writes
 * its sequence number with WRITE_IMM. Leaks are for the harness to find:
 * it unloads the module and checks kmemleak after the run.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu stress: concurrent submitters, clients "
		     "that exit with jobs in flight.");

#define ALL	(DRM_SVMGPU_FEATURE_GEM | DRM_SVMGPU_FEATURE_VM | \
		 DRM_SVMGPU_FEATURE_EXEC)
#define VRAM	DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM	DRM_SVMGPU_GEM_PLACEMENT_SYSTEM
#define BOTH	SVMGPU_PLACEMENT_BOTH

#define THREADS		16
#define THREAD_JOBS	1000
#define PER_VM_JOBS	250
#define PROCESSES	4
#define PROCESS_JOBS	250

/* Command buffers a submitter cycles through. */
#define RING		16
#define SLOT_BYTES	128

static int svmgpu_fd = -1;

/*
 * One submitter: a queue, a ring of command buffers, a timeline whose
 * point N is job N's fence, and where its counters live.
 */
struct submitter {
	int fd;
	uint32_t queue;
	uint32_t timeline;
	unsigned int jobs;
	/* How long to wait for a job, computed once. */
	uint64_t wait_ns;
	struct svmgpu_cs ring[RING];
	/* GPU addresses. */
	uint64_t counter, seq, global;
	/* CPU addresses. */
	volatile uint32_t *counter_cpu, *seq_cpu;
	/* Set by the thread if something failed, for the main thread. */
	int error;
};

static void submitter_init(struct submitter *s, struct svmgpu_ctx *ctx,
			   uint32_t engine, unsigned int jobs,
			   struct svmgpu_buf *data, uint64_t offset,
			   uint64_t global)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->fd = ctx->fd;
	s->jobs = jobs;
	s->wait_ns = svmgpu_job_wait_ns();
	s->queue = svmgpu_queue_create(ctx->fd, ctx->vm, engine);
	s->timeline = svmgpu_syncobj_create(ctx->fd, 0);
	for (i = 0; i < RING; i++)
		svmgpu_ctx_cs(ctx, &s->ring[i], SLOT_BYTES);
	s->counter = svmgpu_buf_gpu(data, offset);
	s->seq = svmgpu_buf_gpu(data, offset + 8);
	s->counter_cpu = svmgpu_buf_cpu(data, offset);
	s->seq_cpu = svmgpu_buf_cpu(data, offset + 8);
	s->global = global;
	*s->counter_cpu = 0;
	*s->seq_cpu = 0;
}

static void submitter_fini(struct submitter *s)
{
	svmgpu_syncobj_destroy(s->fd, s->timeline);
	svmgpu_queue_destroy(s->fd, s->queue);
}

/*
 * Submits s->jobs jobs. Job n (from 1) increments the submitter's counter
 * and the global one and writes n to the sequence word. A ring slot is
 * rewritten only once the job that last used it has signalled.
 *
 * Runs in threads and in children: reports failure in s->error rather
 * than asserting.
 */
static int submitter_run(struct submitter *s)
{
	unsigned int n;
	int ret;

	for (n = 1; n <= s->jobs; n++) {
		struct svmgpu_cs *cs = &s->ring[n % RING];
		struct drm_svmgpu_sync sync =
			svmgpu_sync_out_point(s->timeline, n);

		if (n > RING) {
			ret = svmgpu_syncobj_wait(s->fd, s->timeline, n - RING,
						  s->wait_ns);
			if (ret)
				return ret;
		}

		svmgpu_cs_reset(cs);
		svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC, s->counter, 0, 0, 0);
		if (s->global)
			svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC, s->global,
					 0, 0, 0);
		svmgpu_cs_write32(cs, s->seq, n);
		svmgpu_cs_end(cs);

		ret = __svmgpu_exec(s->fd, s->queue, svmgpu_cs_addr(cs),
				    svmgpu_cs_bytes(cs), &sync, 1);
		if (ret)
			return ret;
	}

	return svmgpu_syncobj_wait(s->fd, s->timeline, s->jobs, s->wait_ns);
}

static void *submitter_thread(void *arg)
{
	struct submitter *s = arg;

	s->error = submitter_run(s);

	return NULL;
}

static void check_submitter(struct submitter *s, unsigned int index)
{
	igt_assert_f(s->error == 0, "submitter %u: %s\n", index,
		     strerror(-s->error));
	igt_assert_f(*s->counter_cpu == s->jobs,
		     "submitter %u: counter %u, expected %u\n", index,
		     *s->counter_cpu, s->jobs);
	igt_assert_f(*s->seq_cpu == s->jobs,
		     "submitter %u: last sequence number %u, expected %u\n",
		     index, *s->seq_cpu, s->jobs);
	igt_assert(!svmgpu_syncobj_busy(s->fd, s->timeline, s->jobs));
}

/*
 * THREADS threads with a queue each submit jobs at once, on every engine,
 * all in one VM: counters per thread and one shared by all are exact.
 */
static void test_threads_shared_vm(int fd)
{
	struct submitter subs[THREADS];
	pthread_t threads[THREADS];
	struct svmgpu_buf data;
	struct svmgpu_ctx ctx;
	uint32_t engines;
	unsigned int i;

	svmgpu_require_features(fd, ALL);
	engines = svmgpu_num_engines(fd);

	svmgpu_ctx_init(&ctx, fd, SZ_64K);
	svmgpu_ctx_buf(&ctx, &data, SZ_64K, VRAM);
	memset(data.map, 0, SZ_64K);
	for (i = 0; i < THREADS; i++)
		submitter_init(&subs[i], &ctx, i % engines, THREAD_JOBS, &data,
			       64 * i, svmgpu_buf_gpu(&data, SZ_4K));

	for (i = 0; i < THREADS; i++)
		igt_assert_eq(pthread_create(&threads[i], NULL,
					     submitter_thread, &subs[i]), 0);
	for (i = 0; i < THREADS; i++)
		igt_assert_eq(pthread_join(threads[i], NULL), 0);

	for (i = 0; i < THREADS; i++)
		check_submitter(&subs[i], i);
	igt_assert_eq_u32(*(uint32_t *)svmgpu_buf_cpu(&data, SZ_4K),
			  THREADS * THREAD_JOBS);

	for (i = 0; i < THREADS; i++)
		submitter_fini(&subs[i]);
	svmgpu_buf_destroy(&data);
	svmgpu_ctx_fini(&ctx);
}

/*
 * The same with a VM per thread. The global counter is one BO bound in
 * every VM.
 */
static void test_threads_vm_each(int fd)
{
	struct submitter subs[THREADS];
	struct svmgpu_ctx ctxs[THREADS];
	struct svmgpu_buf data[THREADS];
	pthread_t threads[THREADS];
	uint32_t engines, global;
	uint32_t *global_cpu;
	uint64_t global_va = 1ull << 38;
	unsigned int i;

	svmgpu_require_features(fd, ALL);
	engines = svmgpu_num_engines(fd);

	global = svmgpu_bo_create(fd, SZ_4K, BOTH, 0);
	global_cpu = svmgpu_bo_mmap(fd, global, SZ_4K, PROT_READ | PROT_WRITE);
	*global_cpu = 0;

	for (i = 0; i < THREADS; i++) {
		svmgpu_ctx_init(&ctxs[i], fd, SZ_64K);
		svmgpu_ctx_buf(&ctxs[i], &data[i], SZ_4K, i & 1 ? VRAM : SYSTEM);
		svmgpu_vm_map(fd, ctxs[i].vm, global, 0, global_va, SZ_4K, 0);
		submitter_init(&subs[i], &ctxs[i], i % engines, PER_VM_JOBS,
			       &data[i], 0, global_va);
	}

	for (i = 0; i < THREADS; i++)
		igt_assert_eq(pthread_create(&threads[i], NULL,
					     submitter_thread, &subs[i]), 0);
	for (i = 0; i < THREADS; i++)
		igt_assert_eq(pthread_join(threads[i], NULL), 0);

	for (i = 0; i < THREADS; i++)
		check_submitter(&subs[i], i);
	igt_assert_eq_u32(*global_cpu, THREADS * PER_VM_JOBS);

	for (i = 0; i < THREADS; i++) {
		submitter_fini(&subs[i]);
		svmgpu_vm_unmap(fd, ctxs[i].vm, global_va, SZ_4K);
		svmgpu_buf_destroy(&data[i]);
		svmgpu_ctx_fini(&ctxs[i]);
	}
	igt_assert_eq(munmap(global_cpu, SZ_4K), 0);
	svmgpu_gem_close(fd, global);
}

/* PROCESSES processes, each with its own DRM file, submit at once. */
static void test_processes(int fd)
{
	svmgpu_require_features(fd, ALL);

	igt_fork(child, PROCESSES) {
		struct submitter s;
		struct svmgpu_buf data;
		struct svmgpu_ctx ctx;
		int cfd = drm_open_svmgpu(0);

		svmgpu_ctx_init(&ctx, cfd, SZ_64K);
		svmgpu_ctx_buf(&ctx, &data, SZ_4K, child & 1 ? SYSTEM : VRAM);
		submitter_init(&s, &ctx, child % svmgpu_num_engines(cfd),
			       PROCESS_JOBS, &data, 0, 0);
		s.error = submitter_run(&s);
		check_submitter(&s, child);

		submitter_fini(&s);
		svmgpu_buf_destroy(&data);
		svmgpu_ctx_fini(&ctx);
		close(cfd);
	}
	igt_waitchildren();
}

/* How long closing a file or reaping a process may take. */
static uint64_t teardown_limit_ns(void)
{
	return svmgpu_job_timeout_ms() >= 0 ? svmgpu_hang_wait_ns() :
					      120ull * 1000000000ull;
}

#define HELD_JOBS	8

/*
 * Close a DRM file while its jobs are held on the GPU, on two queues, with
 * more queued behind them. Nothing of the file may be left mapped (a CPU
 * mapping would keep the file open), so the gate can never be opened:
 * close() must not hang beyond the job timeout, and the device must work
 * afterwards.
 */
static void test_close_inflight(int fd)
{
	struct svmgpu_gate gate;
	struct svmgpu_buf data;
	struct svmgpu_ctx ctx;
	struct timespec start = {};
	uint32_t queues[2], e;
	unsigned int i;
	uint64_t ns;
	int cfd;

	svmgpu_require_features(fd, ALL);

	cfd = drm_open_svmgpu(0);
	svmgpu_ctx_init(&ctx, cfd, SZ_64K);
	svmgpu_ctx_buf(&ctx, &data, SZ_64K, VRAM);
	svmgpu_gate_init(&gate, &ctx);
	for (e = 0; e < 2; e++)
		queues[e] = svmgpu_queue_create(cfd, ctx.vm,
						e % svmgpu_num_engines(cfd));

	for (i = 0; i < HELD_JOBS; i++) {
		for (e = 0; e < 2; e++) {
			struct svmgpu_cs cs;

			svmgpu_ctx_cs(&ctx, &cs, 128);
			if (i == 0)
				svmgpu_gate_emit(&gate, &cs);
			svmgpu_cs_atomic(&cs, DRM_SVMGPU_ATOMIC_INC,
					 svmgpu_buf_gpu(&data, 4 * e), 0, 0, 0);
			svmgpu_cs_end(&cs);
			svmgpu_submit(cfd, queues[e], &cs,
				      svmgpu_syncobj_create(cfd, 0));
		}
	}
	svmgpu_gate_wait_arrived(&gate);

	/* Drop every CPU mapping, not the GPU ones: they would wait. */
	svmgpu_gate_forget(&gate);
	igt_assert_eq(munmap(data.map, data.size), 0);
	igt_assert_eq(munmap(gate.buf.map, gate.buf.size), 0);
	igt_assert_eq(munmap(ctx.cmd.map, ctx.cmd.size), 0);

	igt_nsec_elapsed(&start);
	igt_assert_eq(close(cfd), 0);
	ns = igt_nsec_elapsed(&start);
	igt_info("close() with jobs in flight took %llu ms\n",
		 (unsigned long long)ns / 1000000);
	igt_assert_lt_u64(ns, teardown_limit_ns());

	svmgpu_assert_device_works(0);
}

enum child_msg { CHILD_READY = 1, CHILD_FAILED = 2 };

/*
 * A child of test_kill_inflight(): submits jobs held at a gate, says so on
 * @pipe_fd, and waits to be killed. It is a plain fork() child, so it must
 * not use anything that asserts: on any error it reports and exits.
 */
static void __attribute__((noreturn)) held_child(int pipe_fd)
{
	struct drm_svmgpu_vm_bind_op op;
	uint32_t vm, bo, queue, syncobj;
	const uint64_t va = SVMGPU_CTX_VA_BASE;
	uint8_t msg = CHILD_FAILED;
	volatile uint32_t *map;
	struct drm_svmgpu_sync sync;
	uint32_t *words;
	int fd, i;

	fd = __drm_open_svmgpu(0);
	if (fd < 0 || __svmgpu_vm_create(fd, 0, &vm) ||
	    __svmgpu_bo_create(fd, SZ_64K, SYSTEM, 0, &bo))
		goto fail;
	map = __svmgpu_bo_mmap(fd, bo, SZ_64K, PROT_READ | PROT_WRITE);
	if (!map)
		goto fail;
	op = svmgpu_op_map(bo, 0, va, SZ_64K, 0);
	if (__svmgpu_vm_bind(fd, vm, &op, 1, NULL, 0) ||
	    __svmgpu_queue_create(fd, vm, 0, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
				  &queue) ||
	    drmSyncobjCreate(fd, 0, &syncobj))
		goto fail;

	/* At 4 KiB: arrived := 1; wait until word 0 is 1; END. */
	map[0] = 0;
	map[1] = 0;
	words = (uint32_t *)map + SZ_4K / 4;
	i = 0;
	words[i++] = DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_WRITE_IMM, 0, 5);
	words[i++] = (uint32_t)(va + 4);
	words[i++] = (uint32_t)((va + 4) >> 32);
	words[i++] = 1;
	words[i++] = 0;
	words[i++] = DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_WAIT_MEM,
					   DRM_SVMGPU_WAIT_EQ, 7);
	words[i++] = (uint32_t)va;
	words[i++] = (uint32_t)(va >> 32);
	words[i++] = 1;
	words[i++] = 0;
	words[i++] = ~0u;	/* mask: 32 bits */
	words[i++] = 0;
	words[i++] = DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_END, 0, 1);

	sync = svmgpu_sync_out(syncobj);
	for (int j = 0; j < HELD_JOBS; j++)
		if (__svmgpu_exec(fd, queue, va + SZ_4K, 4 * i, &sync, 1))
			goto fail;

	for (int j = 0; j < 100000 && map[1] != 1; j++)
		usleep(1000);
	if (map[1] != 1)
		goto fail;

	msg = CHILD_READY;
	if (write(pipe_fd, &msg, 1) != 1)
		_exit(1);
	for (;;)
		pause();

fail:
	if (write(pipe_fd, &msg, 1) != 1)
		_exit(1);
	_exit(1);
}

/*
 * Kill a process whose jobs are held on the GPU. It must die and be
 * reaped within the job timeout, and the device must work afterwards, for
 * this process and for new ones.
 */
static void test_kill_inflight(int fd)
{
	int round;

	svmgpu_require_features(fd, ALL);

	for (round = 0; round < 3; round++) {
		struct timespec start = {};
		struct pollfd pfd;
		int pipes[2], status = 0;
		uint8_t msg = 0;
		pid_t pid, ret;

		igt_assert_eq(pipe2(pipes, O_CLOEXEC), 0);
		fflush(stdout);
		fflush(stderr);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			close(pipes[0]);
			held_child(pipes[1]);
		}
		close(pipes[1]);

		pfd = (struct pollfd) { .fd = pipes[0], .events = POLLIN };
		igt_assert_eq(poll(&pfd, 1,
				   svmgpu_job_wait_ns() / 1000000), 1);
		igt_assert_eq(read(pipes[0], &msg, 1), 1);
		close(pipes[0]);
		if (msg != CHILD_READY) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			igt_assert_f(false, "the child could not set up\n");
		}

		igt_nsec_elapsed(&start);
		igt_assert_eq(kill(pid, SIGKILL), 0);
		while ((ret = waitpid(pid, &status, WNOHANG)) == 0) {
			igt_assert_f(igt_nsec_elapsed(&start) <
				     teardown_limit_ns(),
				     "the killed child is not reaped\n");
			usleep(10 * 1000);
		}
		igt_assert_eq(ret, pid);
		igt_assert(WIFSIGNALED(status));
		igt_assert_eq(WTERMSIG(status), SIGKILL);
		igt_info("killed child reaped after %llu ms\n",
			 (unsigned long long)igt_nsec_elapsed(&start) /
			 1000000);

		svmgpu_assert_device_works(0);
	}
}

igt_main
{
	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	igt_describe("16 threads with a queue each submit 1000 jobs each in "
		     "one VM; per-thread and shared counters are exact.");
	igt_subtest("threads-shared-vm")
		test_threads_shared_vm(svmgpu_fd);

	igt_describe("16 threads with a VM and queue each; a BO bound in "
		     "every VM counts every job.");
	igt_subtest("threads-vm-each")
		test_threads_vm_each(svmgpu_fd);

	igt_describe("4 processes with a DRM file each submit at once.");
	igt_subtest("processes")
		test_processes(svmgpu_fd);

	igt_describe("Closing a file with jobs held on the GPU neither hangs "
		     "nor breaks the device.");
	igt_subtest("close-inflight")
		test_close_inflight(svmgpu_fd);

	igt_describe("Killing a process with jobs held on the GPU: it is "
		     "reaped, and the device keeps working.");
	igt_subtest("kill-inflight")
		test_kill_inflight(svmgpu_fd);

	igt_fixture {
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
