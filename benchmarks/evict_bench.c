// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * evict_bench [MiB...]: throughput of BO moves, VRAM->system (an eviction)
 * and system->VRAM, against a CPU memcpy() of the same size in the same
 * process, reported as ratios (move / memcpy throughput). Sizes default to
 * 4 and 64 MiB; a size above a quarter of the VRAM that BOs can use is
 * lowered to that, in whole MiB.
 *
 * A move is timed from DRM_IOCTL_SVMGPU_GEM_MIGRATE to its completion. The
 * ioctl returns once the copy is queued; a CPU access through an existing
 * mapping waits for the move, so the clock stops after reading the first
 * and the last page of the BO and, should DRM_IOCTL_SVMGPU_GEM_INFO still
 * report the move, after polling it until it is done. Each figure is the
 * median of several repetitions.
 *
 * Exit status: 0, unless a move did not happen or lost data (1). A driver
 * without GEM_MIGRATE is reported and is not an error.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"
#include "bench_util.h"

#define DIE(what, err)	bench_die("evict_bench", what, err)

#define REPS		7
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define VRAM		DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM		DRM_SVMGPU_GEM_PLACEMENT_SYSTEM

static const unsigned int default_mib[] = { 4, 64 };

/* Repetitions whose completion the CPU touch did not cover. */
static unsigned int polled;

/* Median seconds of a memcpy() of @size bytes between faulted-in buffers. */
static double cpu_memcpy(size_t size)
{
	char *a = malloc(size), *b = malloc(size);
	double t[REPS], ret;
	int i;

	if (!a || !b) {
		fprintf(stderr, "evict_bench: out of memory for memcpy\n");
		exit(1);
	}
	memset(a, 0x5a, size);
	memset(b, 0, size);	/* fault both in before timing */
	for (i = 0; i < REPS; i++) {
		t[i] = bench_now();
		memcpy(b, a, size);
		t[i] = bench_now() - t[i];
	}
	if (memcmp(a, b, size)) {
		fprintf(stderr, "evict_bench: memcpy is wrong\n");
		exit(1);
	}
	ret = bench_median(t, REPS);
	free(a);
	free(b);
	return ret;
}

/*
 * Wait for the move of @bo, mapped at @ptr, to complete: read its first
 * and last page, then make sure GEM_INFO agrees. Return 0 or -errno.
 */
static int wait_move(struct svmgpu_bo *bo, const volatile uint8_t *ptr,
		     size_t size, struct svmgpu_bo_info *info)
{
	bool first = true;
	int ret;

	(void)ptr[0];
	(void)ptr[size - 1];
	for (;;) {
		ret = svmgpu_bo_query(bo, info);
		if (ret || !(info->state & DRM_SVMGPU_GEM_STATE_MOVING))
			return ret;
		if (first)
			polled++;
		first = false;
		nanosleep(&(struct timespec){ .tv_nsec = 20000 }, NULL);
	}
}

/*
 * Move @bo to @to and wait for it; store the seconds the whole took and
 * those the ioctl took. Return 0, 1 if the BO did not end up in @to, or
 * -errno.
 */
static int timed_move(struct svmgpu_bo *bo, const uint8_t *ptr, size_t size,
		      uint32_t to, double *total, double *ioctl)
{
	struct svmgpu_bo_info info;
	double t0, t1;
	int ret;

	t0 = bench_now();
	ret = svmgpu_bo_migrate(bo, to);
	t1 = bench_now();
	if (!ret)
		ret = wait_move(bo, ptr, size, &info);
	*total = bench_now() - t0;
	*ioctl = t1 - t0;
	if (ret)
		return ret;
	if (info.placement != to) {
		fprintf(stderr, "evict_bench: BO in %s after a move to %s\n",
			svmgpu_bo_placement_name(info.placement),
			svmgpu_bo_placement_name(to));
		return 1;
	}
	return 0;
}

/* Word @i of the BO's contents. */
static uint32_t word(size_t i)
{
	return (uint32_t)i * 0x9e3779b1u ^ 0xe71c7u;
}

/* Measure and print one size. Return 0 or 1, the exit status. */
static int bench(struct svmgpu_device *dev, size_t size)
{
	double to_sys[REPS], to_vram[REPS], ioctl_sys[REPS], ioctl_vram[REPS];
	double mib = size / (double)(1 << 20), sys, vram, cpu;
	struct svmgpu_bo *bo;
	double unused;
	uint32_t *ptr;
	void *map;
	size_t i;
	int ret, status = 1;

	ret = svmgpu_bo_new(dev, size, VRAM | SYSTEM, 0, &bo);
	if (ret)
		return DIE("bo_new", ret);
	ret = svmgpu_bo_map(bo, &map);
	if (ret) {
		DIE("map", ret);
		goto out;
	}
	ptr = map;
	for (i = 0; i < size / 4; i++)
		ptr[i] = word(i);

	/* Start in VRAM, whatever creation did. */
	ret = timed_move(bo, map, size, VRAM, &unused, &unused);
	for (i = 0; !ret && i < REPS; i++) {
		ret = timed_move(bo, map, size, SYSTEM, &to_sys[i],
				 &ioctl_sys[i]);
		if (!ret)
			ret = timed_move(bo, map, size, VRAM, &to_vram[i],
					 &ioctl_vram[i]);
	}
	if (ret) {
		if (ret < 0)
			DIE("move", ret);
		goto out;
	}

	for (i = 0; i < size / 4; i++) {
		if (ptr[i] != word(i)) {
			fprintf(stderr, "evict_bench: %zu MiB: data lost at byte %zu\n",
				size >> 20, i * 4);
			goto out;
		}
	}

	sys = bench_median(to_sys, REPS);
	vram = bench_median(to_vram, REPS);
	cpu = cpu_memcpy(size);
	printf("move %zu MiB: VRAM->system %.0f MiB/s (ioctl %.0f us), system->VRAM %.0f MiB/s (ioctl %.0f us), CPU memcpy %.0f MiB/s, ratios %.2f and %.2f\n",
	       size >> 20, mib / sys, bench_median(ioctl_sys, REPS) * 1e6,
	       mib / vram, bench_median(ioctl_vram, REPS) * 1e6, mib / cpu,
	       cpu / sys, cpu / vram);
	status = 0;

out:
	svmgpu_bo_del(bo);
	return status;
}

int main(int argc, char **argv)
{
	struct svmgpu_device_info info;
	struct svmgpu_device *dev;
	uint64_t vram, limit;
	int i, n, ret, status = 0;

	ret = svmgpu_device_open(0, &dev);
	if (ret)
		return DIE("open", ret);
	ret = svmgpu_device_get_info(dev, &info);
	if (ret)
		return DIE("device info", ret);
	if (!(info.features & DRM_SVMGPU_FEATURE_GEM_MIGRATE)) {
		printf("evict_bench: skipped: the driver does not implement GEM_MIGRATE\n");
		svmgpu_device_del(dev);
		return 0;
	}
	vram = svmgpu_device_vram_bo_size(dev);
	limit = ((vram ? vram : info.vram_size) / 4) >> 20 << 20;

	n = argc > 1 ? argc - 1 : (int)ARRAY_SIZE(default_mib);
	for (i = 0; i < n && !status; i++) {
		uint64_t size = (argc > 1 ? strtoull(argv[i + 1], NULL, 0) :
				 default_mib[i]) << 20;

		if (size > limit)
			size = limit;
		if (!size) {
			printf("move: skipped: less than 1 MiB to move\n");
			continue;
		}
		status = bench(dev, size);
	}
	if (polled)
		printf("note: %u moves were still reported as moving after the CPU touch; their times include polling GEM_INFO\n",
		       polled);

	svmgpu_device_del(dev);
	return status;
}
