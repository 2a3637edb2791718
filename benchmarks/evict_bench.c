// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * evict_bench [MiB...]: throughput of BO moves, against a CPU memcpy() of
 * the same bytes in the same process, reported as ratios (move / memcpy
 * throughput). Sizes default to 4 and 64 MiB; a size above a quarter of
 * the VRAM that BOs can use is lowered to that, in whole MiB.
 *
 * Two measurements per size:
 *
 * - "move": GEM_MIGRATE of one idle BO, VRAM->system and system->VRAM,
 *   with VRAM to spare. Nothing else is in VRAM, so no eviction happens:
 *   this is the copy and its bookkeeping alone.
 * - "under pressure": VRAM is full of VRAM-only BOs of the same size, one
 *   more than fits, so one of them is always evicted. Each repetition
 *   moves the evicted one back with GEM_MIGRATE to VRAM: TTM must walk its
 *   LRU, evict the least recently used BO to system memory (a copy) and
 *   then copy the BO in. The time to completion covers both copies, so
 *   the reference is memcpy() of the bytes both moved (usually twice the
 *   size; the BOs each repetition evicted are counted with GEM_INFO).
 *
 * A move is timed from DRM_IOCTL_SVMGPU_GEM_MIGRATE to its completion. The
 * ioctl returns once the copy is queued; a CPU access through an existing
 * mapping waits for the move, so the clock stops after reading the first
 * and the last page of the BO and, should DRM_IOCTL_SVMGPU_GEM_INFO still
 * report the move, after polling it until it is done. Each figure is the
 * median of several repetitions.
 *
 * Exit status: 0, unless a move did not happen, a BO was not evicted under
 * pressure, or data was lost (1). A driver without GEM_MIGRATE is reported
 * and is not an error.
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

/*
 * Measure and print one size; @cpu is the memcpy() time of @size bytes.
 * Return 0 or 1, the exit status.
 */
static int bench(struct svmgpu_device *dev, size_t size, double cpu)
{
	double to_sys[REPS], to_vram[REPS], ioctl_sys[REPS], ioctl_vram[REPS];
	double mib = size / (double)(1 << 20), sys, vram;
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
	printf("move %zu MiB: VRAM->system %.0f MiB/s (ioctl %.0f us), system->VRAM %.0f MiB/s (ioctl %.0f us), CPU memcpy %.0f MiB/s, ratios %.2f and %.2f\n",
	       size >> 20, mib / sys, bench_median(ioctl_sys, REPS) * 1e6,
	       mib / vram, bench_median(ioctl_vram, REPS) * 1e6, mib / cpu,
	       cpu / sys, cpu / vram);
	status = 0;

out:
	svmgpu_bo_del(bo);
	return status;
}

/* A VRAM-only BO of the pressure test, and the seed of its contents. */
struct filler {
	struct svmgpu_bo *bo;
	uint32_t *ptr;
	uint32_t seed;
};

static uint32_t seeded_word(size_t i, uint32_t seed)
{
	return word(i) ^ seed;
}

/* Whether @f is in system memory (evicted); -errno on error. */
static int evicted(const struct filler *f)
{
	struct svmgpu_bo_info info;
	int ret = svmgpu_bo_query(f->bo, &info);

	return ret ? ret : info.placement == SYSTEM;
}

/*
 * Measure and print eviction under pressure for one size: VRAM full of
 * VRAM-only BOs of @size, one more than it holds; @cpu is the memcpy()
 * time of @size bytes. Return 0 or 1.
 */
static int bench_pressure(struct svmgpu_device *dev, size_t size,
			  uint64_t vram, double cpu)
{
	double t[REPS], bytes[REPS], mib = size / (double)(1 << 20);
	unsigned int n = vram / size + 1, i, j, k, rep;
	struct filler *f = calloc(n, sizeof(*f));
	int ret, status = 1;
	size_t w;

	if (!f)
		return DIE("calloc", -ENOMEM);
	for (i = 0; i < n; i++) {
		void *map;

		ret = svmgpu_bo_new(dev, size, VRAM, 0, &f[i].bo);
		if (!ret)
			ret = svmgpu_bo_map(f[i].bo, &map);
		if (ret) {
			DIE("pressure: bo_new", ret);
			n = i + (f[i].bo != NULL);
			goto out;
		}
		f[i].ptr = map;
		f[i].seed = 0x1000 * (i + 1);
		for (w = 0; w < size / 4; w++)
			f[i].ptr[w] = seeded_word(w, f[i].seed);
	}

	for (rep = 0; rep < REPS; rep++) {
		struct svmgpu_bo_info info;
		bool was[n];
		double t0;

		/* The BO to bring back: one that is evicted. */
		for (i = 0, k = n; i < n; i++) {
			ret = evicted(&f[i]);
			if (ret < 0) {
				DIE("query", ret);
				goto out;
			}
			was[i] = ret;
			if (ret && k == n)
				k = i;
		}
		if (k == n) {
			fprintf(stderr, "evict_bench: %zu MiB: %u BOs all fit in VRAM: no pressure\n",
				size >> 20, n);
			goto out;
		}

		t0 = bench_now();
		ret = svmgpu_bo_migrate(f[k].bo, VRAM);
		if (!ret)
			ret = wait_move(f[k].bo, (const uint8_t *)f[k].ptr,
					size, &info);
		t[rep] = bench_now() - t0;
		if (ret) {
			DIE("pressure: move", ret);
			goto out;
		}
		if (info.placement != VRAM) {
			fprintf(stderr, "evict_bench: under pressure, BO in %s after a move to VRAM\n",
				svmgpu_bo_placement_name(info.placement));
			goto out;
		}

		/* What this move evicted: BOs that were in VRAM and are not. */
		for (i = 0, j = 0; i < n; i++) {
			ret = evicted(&f[i]);
			if (ret < 0) {
				DIE("query", ret);
				goto out;
			}
			j += ret && !was[i];
		}
		if (!j) {
			fprintf(stderr, "evict_bench: %zu MiB: moving a BO into full VRAM evicted nothing\n",
				size >> 20);
			goto out;
		}
		bytes[rep] = (1.0 + j) * size;
	}

	for (i = 0; i < n; i++) {
		for (w = 0; w < size / 4; w++) {
			if (f[i].ptr[w] != seeded_word(w, f[i].seed)) {
				fprintf(stderr, "evict_bench: pressure %zu MiB: BO %u lost data at byte %zu\n",
					size >> 20, i, w * 4);
				goto out;
			}
		}
	}

	/* Reference: memcpy() of the same bytes, per repetition. */
	for (rep = 0; rep < REPS; rep++)
		t[rep] = bytes[rep] / size * cpu / t[rep];
	{
		double ratio = bench_median(t, REPS);
		double moved = bench_median(bytes, REPS) / size;

		printf("under pressure %zu MiB (%u VRAM-only BOs, VRAM full): evict + move in %.0f MiB/s of data moved (%.1f BOs moved per repetition), CPU memcpy %.0f MiB/s, ratio %.2f\n",
		       size >> 20, n, ratio * mib / cpu, moved, mib / cpu,
		       ratio);
	}
	status = 0;

out:
	for (i = 0; i < n; i++)
		svmgpu_bo_del(f[i].bo);
	free(f);
	return status;
}

int main(int argc, char **argv)
{
	struct svmgpu_device_info info;
	struct svmgpu_device *dev;
	uint64_t vram, limit;
	int i, n, ret, status = 0;
	double cpu;

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
		/* One reference for both, measured before either. */
		cpu = cpu_memcpy(size);
		status = bench(dev, size, cpu);
		/*
		 * Pressure takes more than all of VRAM: BOs may use the part
		 * page tables do not (vram_bo_size is only the largest BO).
		 */
		if (!status)
			status = bench_pressure(dev, size, info.vram_size,
						cpu);
	}
	if (polled)
		printf("note: %u moves were still reported as moving after the CPU touch; their times include polling GEM_INFO\n",
		       polled);

	svmgpu_device_del(dev);
	return status;
}
