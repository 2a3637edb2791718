// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_sync - explicit synchronisation between jobs with syncobjs:
 * binary and timeline in/out syncs, chains of dependent jobs across
 * queues, waits on several syncobjs, syncobjs moved through sync_files
 * and timeline transfers, and in-order completion per queue with
 * out-of-order completion across queues.
 *
 * Jobs do not wait for each other implicitly, even on shared BOs; still,
 * every queue whose jobs must run independently has its own VM here, with
 * its own BOs, so that nothing but the syncs under test links them.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu syncobjs: binary and timeline syncs, "
		     "dependency chains across queues, ordering.");

#define ALL	(DRM_SVMGPU_FEATURE_GEM | DRM_SVMGPU_FEATURE_VM | \
		 DRM_SVMGPU_FEATURE_EXEC)
#define SYSTEM	DRM_SVMGPU_GEM_PLACEMENT_SYSTEM

#define CMD_POOL	(64 * SZ_4K)

/*
 * How long a job that must not run yet is given to show that it does not,
 * in milliseconds.
 */
#define HOLD_MS		svmgpu_hold_ms(100)

static int svmgpu_fd = -1;

/* A queue in a VM of its own, with a data buffer and a gate. */
struct lane {
	struct svmgpu_ctx ctx;
	struct svmgpu_buf data;
	struct svmgpu_gate gate;
	uint32_t queue;
};

static void lane_init(struct lane *lane, int fd, uint32_t engine)
{
	svmgpu_ctx_init(&lane->ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&lane->ctx, &lane->data, SZ_4K, SYSTEM);
	memset(lane->data.map, 0, SZ_4K);
	svmgpu_gate_init(&lane->gate, &lane->ctx);
	lane->queue = svmgpu_queue_create(fd, lane->ctx.vm,
					  engine % svmgpu_num_engines(fd));
}

static void lane_fini(struct lane *lane)
{
	svmgpu_queue_destroy(lane->ctx.fd, lane->queue);
	svmgpu_gate_fini(&lane->gate);
	svmgpu_buf_destroy(&lane->data);
	svmgpu_ctx_fini(&lane->ctx);
}

static volatile uint32_t *lane_word(struct lane *lane, unsigned int i)
{
	return (volatile uint32_t *)lane->data.map + i;
}

/*
 * Submits a job on @lane: optionally stopping at the lane's gate, then
 * writing @value to word @word of the lane's data, with @syncs.
 */
static void lane_job(struct lane *lane, bool gated, unsigned int word,
		     uint32_t value, const struct drm_svmgpu_sync *syncs,
		     uint32_t num_syncs)
{
	struct svmgpu_cs cs;

	svmgpu_ctx_cs(&lane->ctx, &cs, 128);
	if (gated)
		svmgpu_gate_emit(&lane->gate, &cs);
	svmgpu_cs_write32(&cs, svmgpu_buf_gpu(&lane->data, 4 * word), value);
	svmgpu_cs_end(&cs);
	svmgpu_exec(lane->ctx.fd, lane->queue, svmgpu_cs_addr(&cs),
		    svmgpu_cs_bytes(&cs), syncs, num_syncs);
}

/* Asserts that a job that waits has not run, HOLD_MS after the fact. */
static void assert_held(int fd, uint32_t syncobj, uint64_t point,
			volatile uint32_t *word)
{
	usleep(HOLD_MS * 1000);
	igt_assert_f(svmgpu_syncobj_busy(fd, syncobj, point),
		     "a job signalled before what it waits for\n");
	igt_assert_f(*word == 0, "a job ran before what it waits for\n");
}

/* Job B waits for job A through a binary syncobj. */
static void test_binary(int fd)
{
	struct drm_svmgpu_sync sync;
	struct lane a, b;
	uint32_t sa, sb;

	svmgpu_require_features(fd, ALL);
	lane_init(&a, fd, 0);
	lane_init(&b, fd, 1);
	sa = svmgpu_syncobj_create(fd, 0);
	sb = svmgpu_syncobj_create(fd, 0);

	sync = svmgpu_sync_out(sa);
	lane_job(&a, true, 0, 1, &sync, 1);
	svmgpu_gate_wait_arrived(&a.gate);

	{
		struct drm_svmgpu_sync syncs[] = {
			svmgpu_sync_in(sa), svmgpu_sync_out(sb),
		};

		lane_job(&b, false, 0, 2, syncs, 2);
	}
	assert_held(fd, sb, 0, lane_word(&b, 0));

	svmgpu_gate_open(&a.gate);
	igt_assert_eq(svmgpu_wait_job(fd, sb), 0);
	igt_assert_eq(svmgpu_wait_job(fd, sa), 0);
	igt_assert_eq_u32(*lane_word(&a, 0), 1);
	igt_assert_eq_u32(*lane_word(&b, 0), 2);

	/* A syncobj is reused: each job replaces the fence in it. */
	lane_job(&a, false, 1, 3, &sync, 1);
	igt_assert_eq(svmgpu_wait_job(fd, sa), 0);
	igt_assert_eq_u32(*lane_word(&a, 1), 3);

	svmgpu_syncobj_destroy(fd, sa);
	svmgpu_syncobj_destroy(fd, sb);
	lane_fini(&b);
	lane_fini(&a);
}

/*
 * A timeline: job A signals point 1, job B waits for point 1 and signals
 * point 2, job C waits for point 2. Points the CPU signals work too.
 */
static void test_timeline(int fd)
{
	struct lane a, b, c;
	uint64_t point;
	uint32_t tl, cpu;

	svmgpu_require_features(fd, ALL);
	lane_init(&a, fd, 0);
	lane_init(&b, fd, 1);
	lane_init(&c, fd, 2);
	tl = svmgpu_syncobj_create(fd, 0);
	cpu = svmgpu_syncobj_create(fd, 0);

	lane_job(&a, true, 0, 1,
		 (struct drm_svmgpu_sync[]){ svmgpu_sync_out_point(tl, 1) }, 1);
	svmgpu_gate_wait_arrived(&a.gate);
	lane_job(&b, false, 0, 2,
		 (struct drm_svmgpu_sync[]){ svmgpu_sync_in_point(tl, 1),
					     svmgpu_sync_out_point(tl, 2) }, 2);
	lane_job(&c, false, 0, 3,
		 (struct drm_svmgpu_sync[]){ svmgpu_sync_in_point(tl, 2) }, 1);

	assert_held(fd, tl, 2, lane_word(&b, 0));
	igt_assert(svmgpu_syncobj_busy(fd, tl, 1));
	igt_assert_eq_u32(*lane_word(&c, 0), 0);

	svmgpu_gate_open(&a.gate);
	igt_assert_eq(svmgpu_syncobj_wait(fd, tl, 2, svmgpu_job_wait_ns()), 0);
	igt_assert_eq(drmSyncobjQuery(fd, &tl, &point, 1), 0);
	igt_assert_eq_u64(point, 2);
	igt_assert_eq_u32(*lane_word(&a, 0), 1);
	igt_assert_eq_u32(*lane_word(&b, 0), 2);
	igt_assert(svmgpu_poll_u32(lane_word(&c, 0), 3, svmgpu_job_wait_ns()));

	/* A point the CPU signals, and a jump of several points. */
	igt_assert_eq(drmSyncobjTimelineSignal(fd, &cpu, (uint64_t[]){ 5 }, 1),
		      0);
	lane_job(&a, false, 1, 4,
		 (struct drm_svmgpu_sync[]){ svmgpu_sync_in_point(cpu, 5),
					     svmgpu_sync_out_point(cpu, 9) }, 2);
	igt_assert_eq(svmgpu_syncobj_wait(fd, cpu, 9, svmgpu_job_wait_ns()),
		      0);
	igt_assert_eq_u32(*lane_word(&a, 1), 4);
	/* Waiting for an earlier point of a later fence is fine too. */
	igt_assert_eq(svmgpu_syncobj_wait(fd, cpu, 7, 0), 0);

	svmgpu_syncobj_destroy(fd, tl);
	svmgpu_syncobj_destroy(fd, cpu);
	lane_fini(&c);
	lane_fini(&b);
	lane_fini(&a);
}

#define CHAIN	4

/*
 * A chain of jobs on four queues, each waiting for the one before: none
 * runs before the first is released, and each starts after the previous
 * one ended, by the GPU's clock.
 */
static void test_chain(int fd)
{
	struct lane lanes[CHAIN];
	uint32_t outs[CHAIN];
	uint64_t start[CHAIN], end[CHAIN];
	unsigned int i;

	svmgpu_require_features(fd, ALL);
	for (i = 0; i < CHAIN; i++) {
		lane_init(&lanes[i], fd, i);
		outs[i] = svmgpu_syncobj_create(fd, 0);
	}

	for (i = 0; i < CHAIN; i++) {
		struct drm_svmgpu_sync syncs[2];
		struct svmgpu_cs cs;
		struct lane *l = &lanes[i];
		unsigned int n = 0;

		if (i)
			syncs[n++] = svmgpu_sync_in(outs[i - 1]);
		syncs[n++] = svmgpu_sync_out(outs[i]);

		svmgpu_ctx_cs(&l->ctx, &cs, 256);
		svmgpu_cs_timestamp(&cs, svmgpu_buf_gpu(&l->data, 64));
		if (i == 0)
			svmgpu_gate_emit(&l->gate, &cs);
		svmgpu_cs_write32(&cs, svmgpu_buf_gpu(&l->data, 0), i + 1);
		svmgpu_cs_timestamp(&cs, svmgpu_buf_gpu(&l->data, 72));
		svmgpu_cs_end(&cs);
		svmgpu_exec(fd, l->queue, svmgpu_cs_addr(&cs),
			    svmgpu_cs_bytes(&cs), syncs, n);
	}

	svmgpu_gate_wait_arrived(&lanes[0].gate);
	usleep(HOLD_MS * 1000);
	for (i = 1; i < CHAIN; i++) {
		igt_assert(svmgpu_syncobj_busy(fd, outs[i], 0));
		igt_assert_eq_u32(*lane_word(&lanes[i], 0), 0);
	}

	svmgpu_gate_open(&lanes[0].gate);
	for (i = 0; i < CHAIN; i++) {
		igt_assert_eq(svmgpu_wait_job(fd, outs[i]), 0);
		igt_assert_eq_u32(*lane_word(&lanes[i], 0), i + 1);
		start[i] = *(uint64_t *)svmgpu_buf_cpu(&lanes[i].data, 64);
		end[i] = *(uint64_t *)svmgpu_buf_cpu(&lanes[i].data, 72);
		igt_assert_lte_u64(start[i], end[i]);
		if (i)
			igt_assert_f(end[i - 1] <= start[i],
				     "job %u started at %llu, before job %u ended at %llu\n",
				     i, (unsigned long long)start[i], i - 1,
				     (unsigned long long)end[i - 1]);
	}

	for (i = 0; i < CHAIN; i++) {
		svmgpu_syncobj_destroy(fd, outs[i]);
		lane_fini(&lanes[i]);
	}
}

/* A job that waits for several syncobjs waits for all of them. */
static void test_wait_many(int fd)
{
	struct lane a, b, c;
	uint32_t sa, tb, cpu, sc;

	svmgpu_require_features(fd, ALL);
	/* Two jobs held at once: an engine may run one job at a time. */
	igt_require_f(svmgpu_num_engines(fd) >= 2, "needs two engines\n");
	lane_init(&a, fd, 0);
	lane_init(&b, fd, 1);
	lane_init(&c, fd, 0);
	sa = svmgpu_syncobj_create(fd, 0);
	tb = svmgpu_syncobj_create(fd, 0);
	cpu = svmgpu_syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	sc = svmgpu_syncobj_create(fd, 0);

	lane_job(&a, true, 0, 1,
		 (struct drm_svmgpu_sync[]){ svmgpu_sync_out(sa) }, 1);
	lane_job(&b, true, 0, 2,
		 (struct drm_svmgpu_sync[]){ svmgpu_sync_out_point(tb, 3) }, 1);
	svmgpu_gate_wait_arrived(&a.gate);
	svmgpu_gate_wait_arrived(&b.gate);

	lane_job(&c, false, 0, 3,
		 (struct drm_svmgpu_sync[]){ svmgpu_sync_in(sa),
					     svmgpu_sync_in_point(tb, 3),
					     svmgpu_sync_in(cpu),
					     svmgpu_sync_out(sc) }, 4);
	assert_held(fd, sc, 0, lane_word(&c, 0));

	/* One of two released: still held. */
	svmgpu_gate_open(&a.gate);
	igt_assert_eq(svmgpu_wait_job(fd, sa), 0);
	assert_held(fd, sc, 0, lane_word(&c, 0));

	svmgpu_gate_open(&b.gate);
	igt_assert_eq(svmgpu_wait_job(fd, sc), 0);
	igt_assert_eq_u32(*lane_word(&c, 0), 3);

	/* The CPU waits for all of them at once. */
	igt_assert_eq(drmSyncobjWait(fd, (uint32_t[]){ sa, sc, cpu }, 3, 0,
				     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, NULL), 0);

	svmgpu_syncobj_destroy(fd, sa);
	svmgpu_syncobj_destroy(fd, tb);
	svmgpu_syncobj_destroy(fd, cpu);
	svmgpu_syncobj_destroy(fd, sc);
	lane_fini(&c);
	lane_fini(&b);
	lane_fini(&a);
}

/*
 * Job fences travel like any other: exported to a sync_file and imported
 * into another syncobj, or transferred into a timeline point.
 */
static void test_transfer(int fd)
{
	uint32_t sa, imported, tl, sb;
	struct lane a, b;
	int sync_file;

	svmgpu_require_features(fd, ALL);
	lane_init(&a, fd, 0);
	lane_init(&b, fd, 1);
	sa = svmgpu_syncobj_create(fd, 0);
	imported = svmgpu_syncobj_create(fd, 0);
	tl = svmgpu_syncobj_create(fd, 0);
	sb = svmgpu_syncobj_create(fd, 0);

	lane_job(&a, true, 0, 1,
		 (struct drm_svmgpu_sync[]){ svmgpu_sync_out(sa) }, 1);
	svmgpu_gate_wait_arrived(&a.gate);

	igt_assert_eq(drmSyncobjExportSyncFile(fd, sa, &sync_file), 0);
	igt_assert_eq(drmSyncobjImportSyncFile(fd, imported, sync_file), 0);
	close(sync_file);
	igt_assert_eq(drmSyncobjTransfer(fd, tl, 4, sa, 0, 0), 0);

	lane_job(&b, false, 0, 2,
		 (struct drm_svmgpu_sync[]){ svmgpu_sync_in(imported),
					     svmgpu_sync_in_point(tl, 4),
					     svmgpu_sync_out(sb) }, 3);
	assert_held(fd, sb, 0, lane_word(&b, 0));

	svmgpu_gate_open(&a.gate);
	igt_assert_eq(svmgpu_wait_job(fd, sb), 0);
	igt_assert_eq_u32(*lane_word(&b, 0), 2);
	igt_assert_eq(svmgpu_syncobj_wait(fd, tl, 4, 0), 0);

	svmgpu_syncobj_destroy(fd, sa);
	svmgpu_syncobj_destroy(fd, imported);
	svmgpu_syncobj_destroy(fd, tl);
	svmgpu_syncobj_destroy(fd, sb);
	lane_fini(&b);
	lane_fini(&a);
}

#define OOO_JOBS	16

/*
 * Out-of-order completion across queues, in-order within one: while a
 * job on queue 1 is held, later jobs on queue 2 (another engine) complete,
 * and the job behind it on queue 1 does not.
 */
static void test_out_of_order(int fd)
{
	uint32_t behind, last;
	struct lane a, b;
	unsigned int i;

	svmgpu_require_features(fd, ALL);
	igt_require_f(svmgpu_num_engines(fd) >= 2, "needs two engines\n");
	lane_init(&a, fd, 0);
	lane_init(&b, fd, 1);
	behind = svmgpu_syncobj_create(fd, 0);
	last = svmgpu_syncobj_create(fd, 0);

	lane_job(&a, true, 0, 1, NULL, 0);
	lane_job(&a, false, 1, 2,
		 (struct drm_svmgpu_sync[]){ svmgpu_sync_out(behind) }, 1);
	svmgpu_gate_wait_arrived(&a.gate);

	for (i = 0; i < OOO_JOBS; i++)
		lane_job(&b, false, i, i + 1,
			 (struct drm_svmgpu_sync[]){ svmgpu_sync_out(last) },
			 i == OOO_JOBS - 1);
	igt_assert_eq(svmgpu_wait_job(fd, last), 0);
	for (i = 0; i < OOO_JOBS; i++)
		igt_assert_eq_u32(*lane_word(&b, i), i + 1);

	igt_assert(svmgpu_syncobj_busy(fd, behind, 0));
	igt_assert_eq_u32(*lane_word(&a, 0), 0);
	igt_assert_eq_u32(*lane_word(&a, 1), 0);

	svmgpu_gate_open(&a.gate);
	igt_assert_eq(svmgpu_wait_job(fd, behind), 0);
	igt_assert_eq_u32(*lane_word(&a, 0), 1);
	igt_assert_eq_u32(*lane_word(&a, 1), 2);

	svmgpu_syncobj_destroy(fd, behind);
	svmgpu_syncobj_destroy(fd, last);
	lane_fini(&b);
	lane_fini(&a);
}

/*
 * No implicit sync between jobs: in one VM, a job on a second queue (on
 * another engine) that writes the very BO a held job uses completes while
 * that job is held.
 */
static void test_no_implicit_sync(int fd)
{
	uint32_t q2, held, out;
	struct lane a;
	struct svmgpu_cs cs;

	svmgpu_require_features(fd, ALL);
	igt_require_f(svmgpu_num_engines(fd) >= 2, "needs two engines\n");
	lane_init(&a, fd, 0);
	q2 = svmgpu_queue_create(fd, a.ctx.vm, 1);
	held = svmgpu_syncobj_create(fd, 0);
	out = svmgpu_syncobj_create(fd, 0);

	lane_job(&a, true, 0, 1,
		 (struct drm_svmgpu_sync[]){ svmgpu_sync_out(held) }, 1);
	svmgpu_gate_wait_arrived(&a.gate);

	svmgpu_ctx_cs(&a.ctx, &cs, 64);
	svmgpu_cs_write32(&cs, svmgpu_buf_gpu(&a.data, 4), 2);
	svmgpu_cs_end(&cs);
	svmgpu_submit(fd, q2, &cs, out);
	igt_assert_eq(svmgpu_wait_job(fd, out), 0);
	igt_assert_eq_u32(*lane_word(&a, 1), 2);
	igt_assert(svmgpu_syncobj_busy(fd, held, 0));
	igt_assert_eq_u32(*lane_word(&a, 0), 0);

	svmgpu_gate_open(&a.gate);
	igt_assert_eq(svmgpu_wait_job(fd, held), 0);
	igt_assert_eq_u32(*lane_word(&a, 0), 1);

	svmgpu_syncobj_destroy(fd, held);
	svmgpu_syncobj_destroy(fd, out);
	svmgpu_queue_destroy(fd, q2);
	lane_fini(&a);
}

igt_main
{
	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	igt_describe("A job waits for a binary syncobj another queue's job "
		     "signals; binary syncobjs can be reused.");
	igt_subtest("binary")
		test_binary(svmgpu_fd);

	igt_describe("Jobs wait for and signal timeline points, of jobs and "
		     "of the CPU.");
	igt_subtest("timeline")
		test_timeline(svmgpu_fd);

	igt_describe("A chain of dependent jobs across four queues runs in "
		     "order, only once its head is released.");
	igt_subtest("chain")
		test_chain(svmgpu_fd);

	igt_describe("A job waiting for several syncobjs waits for all.");
	igt_subtest("wait-many")
		test_wait_many(svmgpu_fd);

	igt_describe("Job fences exported to a sync_file, imported, or "
		     "transferred to a timeline point still order jobs.");
	igt_subtest("transfer")
		test_transfer(svmgpu_fd);

	igt_describe("While a job is held, jobs of another queue complete and "
		     "the job behind it on its own queue does not.");
	igt_subtest("out-of-order")
		test_out_of_order(svmgpu_fd);

	igt_describe("No implicit sync: in one VM, a job of another queue that "
		     "writes the same BO completes while a job is held.");
	igt_subtest("no-implicit-sync")
		test_no_implicit_sync(svmgpu_fd);

	igt_fixture {
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
