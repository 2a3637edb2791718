// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_fdinfo - the DRM usage stats svmgpu shows in /proc/<pid>/fdinfo
 * for each of its files (the kernel's Documentation/gpu/drm-usage-stats.rst):
 *
 * - drm-driver and drm-client-id, from the DRM core;
 * - drm-engine-engine<N>: <ns> ns for each engine N, the time this file's
 *   jobs spent executing on it;
 * - drm-total-, drm-shared-, drm-active- and drm-resident-<region> for the
 *   regions "system" and "vram0", as drm_print_memory_stats() prints them:
 *   the BOs the file has handles to, counted where they are now; active
 *   while a job that uses them runs, resident unless swapped out.
 *
 * Every subtest uses a DRM file of its own, so that the numbers it reads
 * count only its own BOs and jobs.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_fdinfo.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu DRM usage stats in fdinfo: keys and format, "
		     "memory per region, engine time, active BOs.");

#define GEM	DRM_SVMGPU_FEATURE_GEM
#define MIGRATE	DRM_SVMGPU_FEATURE_GEM_MIGRATE
#define JOBS	(DRM_SVMGPU_FEATURE_VM | DRM_SVMGPU_FEATURE_EXEC)
#define VRAM	DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM	DRM_SVMGPU_GEM_PLACEMENT_SYSTEM
#define BOTH	SVMGPU_PLACEMENT_BOTH
#define PREFER_SYSTEM	DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM

#define MOVING	DRM_SVMGPU_GEM_STATE_MOVING

#define CMD_POOL	SZ_64K

/* How long fdinfo may take to show a job that has completed. */
#define SETTLE_NS	(5ull * 1000000000ull)

static const char *const regions[] = {
	SVMGPU_FDINFO_SYSTEM,
	SVMGPU_FDINFO_VRAM,
};

/* The memory stats drm_print_memory_stats() always prints, or with status. */
static const char *const memory_stats[] = {
	"total", "shared", "active", "resident",
};

static int svmgpu_fd = -1;

/*
 * The subtest's own DRM files, at file scope so that a failed subtest's
 * files (and the BOs they hold) are closed by the next one or by the last
 * fixture.
 */
static int scratch_fds[3] = { -1, -1, -1 };

static int open_scratch(unsigned int i)
{
	if (scratch_fds[i] >= 0)
		close(scratch_fds[i]);
	scratch_fds[i] = drm_open_svmgpu(0);

	return scratch_fds[i];
}

static void close_scratch(unsigned int i)
{
	if (scratch_fds[i] >= 0)
		close(scratch_fds[i]);
	scratch_fds[i] = -1;
}

static void close_all_scratch(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(scratch_fds); i++)
		close_scratch(i);
}

static uint64_t stat_of(int fd, const char *stat, uint32_t placement)
{
	return svmgpu_fdinfo_bytes(fd, stat, svmgpu_fdinfo_region(placement));
}

/* drm-<stat>-vram0 and drm-<stat>-system of @fd are exactly these. */
static void expect_stat(int fd, const char *stat, uint64_t vram,
			uint64_t system)
{
	struct svmgpu_fdinfo info;
	uint64_t v = ~0ull, s = ~0ull;

	svmgpu_fdinfo_read(fd, &info);
	igt_assert_eq(svmgpu_fdinfo_memory(&info, stat, SVMGPU_FDINFO_VRAM,
					   &v), 0);
	igt_assert_eq(svmgpu_fdinfo_memory(&info, stat, SVMGPU_FDINFO_SYSTEM,
					   &s), 0);
	igt_assert_f(v == vram && s == system,
		     "fdinfo of fd %d: drm-%s-vram0 %llu, drm-%s-system %llu; "
		     "expected %llu and %llu\n", fd, stat,
		     (unsigned long long)v, stat, (unsigned long long)s,
		     (unsigned long long)vram, (unsigned long long)system);
}

/*
 * Polls until drm-<stat>-vram0 and drm-<stat>-system are @vram and
 * @system, for stats that follow asynchronous events (job completion);
 * then asserts them.
 */
static void wait_stat(int fd, const char *stat, uint64_t vram,
		      uint64_t system)
{
	struct timespec start = {};

	igt_nsec_elapsed(&start);
	while (igt_nsec_elapsed(&start) < SETTLE_NS) {
		if (stat_of(fd, stat, VRAM) == vram &&
		    stat_of(fd, stat, SYSTEM) == system)
			break;
		usleep(1000);
	}
	expect_stat(fd, stat, vram, system);
}

/* Waits until no move of the BO is pending; returns its GEM_INFO. */
static void bo_settle(int fd, uint32_t handle, struct drm_svmgpu_gem_info *info)
{
	struct timespec start = {};

	igt_nsec_elapsed(&start);
	for (;;) {
		svmgpu_bo_info(fd, handle, info);
		if (!(info->state & MOVING))
			return;
		igt_assert_f(igt_nsec_elapsed(&start) < svmgpu_job_wait_ns(),
			     "BO %u still moving\n", handle);
		usleep(1000);
	}
}

/* Writes a byte to every page of a BO, so that all of it is populated. */
static void touch_bo(int fd, uint32_t handle, uint64_t size)
{
	uint8_t *ptr = svmgpu_bo_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	uint64_t off;

	for (off = 0; off < size; off += SZ_4K)
		ptr[off] = 1;
	igt_assert_eq(munmap(ptr, size), 0);
}

/* --- keys ----------------------------------------------------------------- */

static const struct svmgpu_fdinfo_pair *
find_pair(const struct svmgpu_fdinfo *info, const char *key)
{
	for (unsigned int i = 0; i < info->count; i++)
		if (!strcmp(info->pairs[i].key, key))
			return &info->pairs[i];

	return NULL;
}

/* A key that must be there, as "key:\tvalue". */
static const char *require_key(const struct svmgpu_fdinfo *info,
			       const char *key)
{
	const struct svmgpu_fdinfo_pair *pair = find_pair(info, key);

	igt_assert_f(pair, "fdinfo has no %s\n", key);
	igt_assert_f(pair->tab, "%s: not \"%s:\\t<value>\"\n", key, key);

	return pair->value;
}

static bool is_memory_stat(const char *key, const char **region)
{
	static const char *const stats[] = {
		"drm-total-", "drm-shared-", "drm-active-", "drm-resident-",
		"drm-purgeable-", "drm-memory-",
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(stats); i++)
		if (!strncmp(key, stats[i], strlen(stats[i])) &&
		    strncmp(key, "drm-total-cycles-", 17)) {
			*region = key + strlen(stats[i]);
			return true;
		}

	return false;
}

/*
 * Every drm- key has the format drm-usage-stats.rst gives it, which is
 * what IGT's gputop and igt_drm_fdinfo parse: engines as
 * "drm-engine-<name>:\t<u64> ns", memory as "<u64>[ KiB| MiB]" in the
 * kernel's own unit; engines are svmgpu's, regions system and vram0.
 */
static void check_format(const struct svmgpu_fdinfo *info,
			 unsigned int engines)
{
	for (unsigned int i = 0; i < info->count; i++) {
		const struct svmgpu_fdinfo_pair *pair = &info->pairs[i];
		const char *key = pair->key, *region;
		uint64_t val;

		if (strncmp(key, "drm-", 4))
			continue;
		igt_assert_f(pair->tab, "%s: not \"%s:\\t<value>\"\n", key,
			     key);

		if (!strncmp(key, "drm-engine-capacity-", 20)) {
			igt_assert_f(!svmgpu_fdinfo_parse_u64(pair->value, &val) &&
				     val > 0, "%s: \"%s\"\n", key, pair->value);
		} else if (!strncmp(key, "drm-engine-", 11)) {
			unsigned int e;
			char end;

			igt_assert_f(sscanf(key, "drm-engine-engine%u%c", &e,
					    &end) == 1 && e < engines,
				     "%s: not an engine of this device (%u engines)\n",
				     key, engines);
			igt_assert_f(!svmgpu_fdinfo_parse_ns(pair->value, &val),
				     "%s: \"%s\" is not \"<u64> ns\"\n", key,
				     pair->value);
		} else if (is_memory_stat(key, &region)) {
			igt_assert_f(!strcmp(region, SVMGPU_FDINFO_SYSTEM) ||
				     !strcmp(region, SVMGPU_FDINFO_VRAM),
				     "%s: unknown region \"%s\"\n", key, region);
			igt_assert_f(svmgpu_fdinfo_size_canonical(pair->value),
				     "%s: \"%s\" is not a size as "
				     "drm_print_memory_stats() prints it\n",
				     key, pair->value);
		}
	}
}

static void test_keys(void)
{
	struct svmgpu_fdinfo info;
	uint64_t id, id2, ns, val;
	unsigned int engines, e, r, s;
	const char *value;
	char key[64];
	uint32_t a, b;
	int fd, fd2;

	fd = open_scratch(0);
	fd2 = open_scratch(1);
	engines = svmgpu_num_engines(fd);

	svmgpu_fdinfo_read(fd, &info);
	igt_debug("%u fdinfo lines\n", info.count);

	value = require_key(&info, "drm-driver");
	igt_assert_f(!strcmp(value, SVMGPU_DRIVER_NAME),
		     "drm-driver is \"%s\"\n", value);
	require_key(&info, "drm-client-id");
	igt_assert_eq(svmgpu_fdinfo_client_id(&info, &id), 0);

	/* Every engine, and no more; a new file has used none. */
	for (e = 0; e < engines; e++) {
		snprintf(key, sizeof(key), "drm-engine-engine%u", e);
		value = require_key(&info, key);
		igt_assert_f(!svmgpu_fdinfo_parse_ns(value, &ns),
			     "%s: \"%s\" is not \"<u64> ns\"\n", key, value);
		igt_assert_eq_u64(ns, 0);
	}
	igt_assert_eq(svmgpu_fdinfo_engine_ns(&info, engines, &ns), -ENOENT);

	/* Every memory stat of both regions; a new file has no BOs. */
	for (r = 0; r < ARRAY_SIZE(regions); r++)
		for (s = 0; s < ARRAY_SIZE(memory_stats); s++) {
			snprintf(key, sizeof(key), "drm-%s-%s",
				 memory_stats[s], regions[r]);
			value = require_key(&info, key);
			igt_assert_f(!strcmp(value, "0"),
				     "%s of a new file is \"%s\"\n", key, value);
		}
	check_format(&info, engines);

	/* Each file is its own client. */
	svmgpu_fdinfo_read(fd2, &info);
	igt_assert_eq(svmgpu_fdinfo_client_id(&info, &id2), 0);
	igt_assert_neq_u64(id, id2);
	svmgpu_fdinfo_read(fd, &info);
	igt_assert_eq(svmgpu_fdinfo_client_id(&info, &val), 0);
	igt_assert_eq_u64(val, id);

	/* Sizes in the kernel's unit: 2 MiB + 4 KiB and 2 MiB. */
	a = svmgpu_bo_create(fd, SZ_2M + SZ_4K, VRAM, 0);
	b = svmgpu_bo_create(fd, SZ_2M, SYSTEM, 0);
	svmgpu_fdinfo_read(fd, &info);
	check_format(&info, engines);
	value = require_key(&info, "drm-total-vram0");
	igt_assert_f(!strcmp(value, "2052 KiB"),
		     "drm-total-vram0 of 2 MiB + 4 KiB is \"%s\"\n", value);
	value = require_key(&info, "drm-total-system");
	igt_assert_f(!strcmp(value, "2 MiB"),
		     "drm-total-system of 2 MiB is \"%s\"\n", value);
	svmgpu_gem_close(fd, a);
	svmgpu_gem_close(fd, b);

	close_scratch(1);
	close_scratch(0);
}

/* --- totals-follow-create-free -------------------------------------------- */

struct bo_case {
	uint64_t size;
	uint32_t placements, flags;
};

static void test_totals(void)
{
	static const struct bo_case cases[] = {
		{ SZ_2M + SZ_4K, VRAM, 0 },
		{ SZ_64K, SYSTEM, 0 },
		{ SZ_1M, BOTH, 0 },
		{ 3 * SZ_4K, BOTH, PREFER_SYSTEM },
		{ SZ_4K, VRAM, 0 },
		{ 5 * SZ_4K, SYSTEM, 0 },
	};
	uint32_t handles[ARRAY_SIZE(cases)], other;
	uint64_t vram = 0, system = 0;
	uint8_t *ptr;
	unsigned int i;
	int fd, fd2, fd3;

	fd = open_scratch(0);
	expect_stat(fd, "total", 0, 0);
	expect_stat(fd, "resident", 0, 0);

	/* Each BO adds exactly its size to the region it is in. */
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct drm_svmgpu_gem_info info;

		handles[i] = svmgpu_bo_create(fd, cases[i].size,
					      cases[i].placements,
					      cases[i].flags);
		touch_bo(fd, handles[i], cases[i].size);
		bo_settle(fd, handles[i], &info);
		igt_assert(info.placement & cases[i].placements);
		if (cases[i].flags & PREFER_SYSTEM)
			igt_assert_eq_u32(info.placement, SYSTEM);
		if (info.placement == VRAM)
			vram += cases[i].size;
		else
			system += cases[i].size;
		expect_stat(fd, "total", vram, system);
		expect_stat(fd, "resident", vram, system);
		expect_stat(fd, "shared", 0, 0);
	}

	/* Another file starts at zero, and counts only its own BOs. */
	fd2 = open_scratch(1);
	expect_stat(fd2, "total", 0, 0);
	other = svmgpu_bo_create(fd2, SZ_64K, SYSTEM, 0);
	expect_stat(fd2, "total", 0, SZ_64K);
	expect_stat(fd, "total", vram, system);
	svmgpu_gem_close(fd2, other);
	expect_stat(fd2, "total", 0, 0);

	/*
	 * BOs count by handle: one that is still mapped no longer counts
	 * once its handle is closed.
	 */
	ptr = svmgpu_bo_mmap(fd, handles[0], cases[0].size,
			     PROT_READ | PROT_WRITE);
	svmgpu_gem_close(fd, handles[0]);
	handles[0] = 0;
	vram -= cases[0].size;
	expect_stat(fd, "total", vram, system);
	ptr[0] = 2;
	igt_assert_eq(munmap(ptr, cases[0].size), 0);

	for (i = 1; i < ARRAY_SIZE(cases); i++)
		svmgpu_gem_close(fd, handles[i]);
	expect_stat(fd, "total", 0, 0);
	expect_stat(fd, "resident", 0, 0);

	/* A file closed with BOs: a new one still starts at zero. */
	svmgpu_bo_create(fd2, SZ_2M, VRAM, 0);
	svmgpu_bo_create(fd2, SZ_2M, SYSTEM, 0);
	expect_stat(fd2, "total", SZ_2M, SZ_2M);
	close_scratch(1);
	fd3 = open_scratch(2);
	expect_stat(fd3, "total", 0, 0);
	expect_stat(fd3, "resident", 0, 0);
	expect_stat(fd3, "active", 0, 0);
	expect_stat(fd, "total", 0, 0);

	close_all_scratch();
}

/* --- engine-busy ---------------------------------------------------------- */

static void read_engines(int fd, unsigned int engines, uint64_t *ns)
{
	struct svmgpu_fdinfo info;

	svmgpu_fdinfo_read(fd, &info);
	for (unsigned int e = 0; e < engines; e++)
		igt_assert_eq(svmgpu_fdinfo_engine_ns(&info, e, &ns[e]), 0);
}

/*
 * A job held at a gate for a while on @engine: its time shows on that
 * engine and on no other, and never more than the time that passed.
 */
static void test_engine_busy(unsigned int engine)
{
	const unsigned int hold_ms = svmgpu_hold_ms(50);
	uint64_t *before, *after, wall = 0, busy, prev, min_busy;
	unsigned int engines, e, jobs;
	struct timespec start = {};
	struct svmgpu_gate gate;
	struct svmgpu_buf data;
	struct svmgpu_ctx ctx;
	uint32_t queue, out;
	int fd;

	fd = open_scratch(0);
	engines = svmgpu_num_engines(fd);
	before = calloc(engines, sizeof(*before));
	after = calloc(engines, sizeof(*after));
	igt_assert(before && after);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &data, SZ_4K, SYSTEM);
	queue = svmgpu_queue_create(fd, ctx.vm, engine);
	out = svmgpu_syncobj_create(fd, 0);

	read_engines(fd, engines, before);
	for (e = 0; e < engines; e++)
		igt_assert_eq_u64(before[e], 0);

	prev = before[engine];
	igt_nsec_elapsed(&start);
	for (jobs = 0; jobs < 2; jobs++) {
		struct svmgpu_cs cs;
		int ret;

		svmgpu_gate_init(&gate, &ctx);
		svmgpu_ctx_cs(&ctx, &cs, 256);
		svmgpu_gate_emit(&gate, &cs);
		svmgpu_cs_write32(&cs, svmgpu_buf_gpu(&data, 0), jobs + 1);
		svmgpu_cs_end(&cs);
		svmgpu_submit(fd, queue, &cs, out);
		svmgpu_gate_wait_arrived(&gate);
		usleep(hold_ms * 1000);
		svmgpu_gate_open(&gate);
		ret = svmgpu_wait_job(fd, out);
		igt_assert_f(ret == 0, "job failed: %s\n", strerror(-ret));
		svmgpu_gate_fini(&gate);
		igt_assert_eq_u32(*(uint32_t *)data.map, jobs + 1);

		/* Time only grows, and shows soon after the job completes. */
		for (;;) {
			read_engines(fd, engines, after);
			wall = igt_nsec_elapsed(&start);
			if (after[engine] > prev || wall > SETTLE_NS)
				break;
			usleep(1000);
		}
		igt_assert_f(after[engine] > prev,
			     "job %u: drm-engine-engine%u did not grow from "
			     "%llu ns\n", jobs + 1, engine,
			     (unsigned long long)prev);
		prev = after[engine];
	}

	busy = after[engine];
	igt_info("engine %u: %llu ns busy in %llu ns, jobs held %u ms each\n",
		 engine, (unsigned long long)busy, (unsigned long long)wall,
		 hold_ms);
	igt_assert_f(busy <= wall,
		     "drm-engine-engine%u grew by %llu ns in %llu ns\n", engine,
		     (unsigned long long)busy, (unsigned long long)wall);
	/*
	 * And never less than the jobs surely ran: each was running from
	 * before it reached its gate until after the gate opened, at least
	 * hold_ms later. The GPU clock is CLOCK_MONOTONIC_RAW and usleep()
	 * sleeps on CLOCK_MONOTONIC, which NTP may slew by up to 0.05%: allow
	 * 0.1%.
	 */
	min_busy = jobs * hold_ms * 1000000ull;
	min_busy -= min_busy / 1000;
	igt_assert_f(busy >= min_busy,
		     "drm-engine-engine%u: %llu ns busy, but %u jobs ran for "
		     "at least %u ms each\n", engine, (unsigned long long)busy,
		     jobs, hold_ms);
	for (e = 0; e < engines; e++)
		if (e != engine)
			igt_assert_f(after[e] == before[e],
				     "drm-engine-engine%u grew by %llu ns, but "
				     "the jobs ran on engine %u\n", e,
				     (unsigned long long)(after[e] - before[e]),
				     engine);

	/* It stays: the time of completed jobs is not forgotten. */
	read_engines(fd, engines, before);
	igt_assert_lte_u64(busy, before[engine]);

	svmgpu_syncobj_destroy(fd, out);
	svmgpu_queue_destroy(fd, queue);
	svmgpu_buf_destroy(&data);
	svmgpu_ctx_fini(&ctx);
	free(before);
	free(after);
	close_scratch(0);
}

/* --- active --------------------------------------------------------------- */

/*
 * While a job is held at a gate, every BO mapped in its VM is active (the
 * job's fence is on each of them) and no other BO is; once it completes,
 * none is.
 */
static void test_active(void)
{
	struct svmgpu_buf vram_bound, sys_bound;
	uint32_t idle_vram, idle_sys, queue, out;
	uint64_t bound_system;
	struct svmgpu_gate gate;
	struct svmgpu_ctx ctx;
	struct svmgpu_cs cs;
	int fd, ret;

	fd = open_scratch(0);
	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_gate_init(&gate, &ctx);
	svmgpu_ctx_buf(&ctx, &vram_bound, SZ_2M, VRAM);
	svmgpu_ctx_buf(&ctx, &sys_bound, SZ_64K, SYSTEM);
	idle_vram = svmgpu_bo_create(fd, SZ_1M, VRAM, 0);
	idle_sys = svmgpu_bo_create(fd, 4 * SZ_4K, SYSTEM, 0);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);
	out = svmgpu_syncobj_create(fd, 0);

	/* Wait for the kernel's clears: BOs idle, nothing active. */
	touch_bo(fd, vram_bound.handle, vram_bound.size);
	touch_bo(fd, sys_bound.handle, sys_bound.size);
	touch_bo(fd, idle_vram, SZ_1M);
	touch_bo(fd, idle_sys, 4 * SZ_4K);
	touch_bo(fd, ctx.cmd.handle, ctx.cmd.size);
	wait_stat(fd, "active", 0, 0);
	expect_stat(fd, "total", SZ_2M + SZ_1M,
		    ctx.cmd.size + gate.buf.size + SZ_64K + 4 * SZ_4K);

	svmgpu_ctx_cs(&ctx, &cs, 256);
	svmgpu_gate_emit(&gate, &cs);
	svmgpu_cs_write32(&cs, svmgpu_buf_gpu(&vram_bound, 0), 1);
	svmgpu_cs_write32(&cs, svmgpu_buf_gpu(&sys_bound, 0), 2);
	svmgpu_cs_end(&cs);
	svmgpu_submit(fd, queue, &cs, out);
	svmgpu_gate_wait_arrived(&gate);

	bound_system = ctx.cmd.size + gate.buf.size + sys_bound.size;
	igt_info("held: drm-active-vram0 %llu, drm-active-system %llu\n",
		 (unsigned long long)stat_of(fd, "active", VRAM),
		 (unsigned long long)stat_of(fd, "active", SYSTEM));
	expect_stat(fd, "active", vram_bound.size, bound_system);
	igt_assert(svmgpu_syncobj_busy(fd, out, 0));

	svmgpu_gate_open(&gate);
	ret = svmgpu_wait_job(fd, out);
	igt_assert_f(ret == 0, "job failed: %s\n", strerror(-ret));
	wait_stat(fd, "active", 0, 0);
	igt_assert_eq_u32(*(uint32_t *)vram_bound.map, 1);
	igt_assert_eq_u32(*(uint32_t *)sys_bound.map, 2);

	svmgpu_syncobj_destroy(fd, out);
	svmgpu_queue_destroy(fd, queue);
	svmgpu_gem_close(fd, idle_vram);
	svmgpu_gem_close(fd, idle_sys);
	svmgpu_buf_destroy(&vram_bound);
	svmgpu_buf_destroy(&sys_bound);
	svmgpu_gate_fini(&gate);
	svmgpu_ctx_fini(&ctx);
	close_scratch(0);
}

/* --- placement-follows-migrate -------------------------------------------- */

static void test_placement_follows_migrate(void)
{
	const uint64_t size = 4 * SZ_1M, still = SZ_64K, fixed = SZ_1M;
	struct drm_svmgpu_gem_info info;
	uint32_t bo, sys, vram_only;
	unsigned int i;
	int fd;

	fd = open_scratch(0);
	bo = svmgpu_bo_create(fd, size, BOTH, 0);
	sys = svmgpu_bo_create(fd, still, SYSTEM, 0);
	vram_only = svmgpu_bo_create(fd, fixed, VRAM, 0);
	touch_bo(fd, bo, size);
	touch_bo(fd, sys, still);
	touch_bo(fd, vram_only, fixed);
	bo_settle(fd, bo, &info);
	igt_assert_eq_u32(info.placement, VRAM);
	expect_stat(fd, "total", size + fixed, still);

	for (i = 0; i < 3; i++) {
		svmgpu_bo_migrate(fd, bo, SYSTEM);
		bo_settle(fd, bo, &info);
		igt_assert_eq_u32(info.placement, SYSTEM);
		expect_stat(fd, "total", fixed, size + still);
		expect_stat(fd, "resident", fixed, size + still);

		svmgpu_bo_migrate(fd, bo, VRAM);
		bo_settle(fd, bo, &info);
		igt_assert_eq_u32(info.placement, VRAM);
		expect_stat(fd, "total", size + fixed, still);
		expect_stat(fd, "resident", size + fixed, still);
	}

	/* A refused move moves no bytes. */
	igt_assert_eq(__svmgpu_bo_migrate(fd, vram_only, SYSTEM, 0), -EINVAL);
	igt_assert_eq(__svmgpu_bo_migrate(fd, sys, VRAM, 0), -EINVAL);
	expect_stat(fd, "total", size + fixed, still);

	svmgpu_gem_close(fd, bo);
	svmgpu_gem_close(fd, sys);
	svmgpu_gem_close(fd, vram_only);
	expect_stat(fd, "total", 0, 0);
	close_scratch(0);
}

igt_main
{
	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	igt_describe("fdinfo has drm-driver svmgpu, a drm-client-id per file, "
		     "drm-engine-engine<N> (\"<u64> ns\") for each engine and "
		     "drm-total/shared/active/resident for system and vram0, "
		     "in the format of drm-usage-stats.rst with the kernel's "
		     "units.");
	igt_subtest("keys") {
		svmgpu_require_features(svmgpu_fd, GEM | MIGRATE);
		test_keys();
	}

	igt_describe("Creating BOs in VRAM and system memory raises their "
		     "region's drm-total and drm-resident by exactly their "
		     "size; closing handles lowers them; other files, and new "
		     "files after one is closed, start at zero.");
	igt_subtest("totals-follow-create-free") {
		svmgpu_require_features(svmgpu_fd, GEM | MIGRATE);
		test_totals();
	}

	igt_describe("Jobs held on an engine for a while make its "
		     "drm-engine-engine<N> grow, by no more than the time that "
		     "passed, and leave the other engines' alone.");
	igt_subtest_with_dynamic("engine-busy") {
		svmgpu_require_features(svmgpu_fd, GEM | MIGRATE | JOBS);
		for (volatile unsigned int e = 0;
		     e < svmgpu_num_engines(svmgpu_fd); e++)
			igt_dynamic_f("engine%u", e)
				test_engine_busy(e);
	}

	igt_describe("While a job is held at a gate, drm-active-<region> "
		     "counts exactly the BOs mapped in its VM; once it "
		     "completes, nothing is active.");
	igt_subtest("active") {
		svmgpu_require_features(svmgpu_fd, GEM | MIGRATE | JOBS);
		test_active();
	}

	igt_describe("GEM_MIGRATE moves a BO's bytes between drm-total-vram0 "
		     "and drm-total-system, and drm-resident with them; a "
		     "refused migration moves nothing.");
	igt_subtest("placement-follows-migrate") {
		svmgpu_require_features(svmgpu_fd, GEM | MIGRATE);
		test_placement_follows_migrate();
	}

	igt_fixture {
		close_all_scratch();
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
