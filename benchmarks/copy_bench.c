// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * copy_bench [MiB [vram|system]]: GPU COPY between two BOs (VRAM by
 * default) against a CPU memcpy() of the same size, in the same boot,
 * reported as a ratio (GPU / CPU throughput).
 *
 * Each measurement is the best of several rounds, to keep scheduling noise
 * of the emulator out. The GPU time is wall time from EXEC to the signalled
 * syncobj, so it includes submission overhead, as a user would see it.
 *
 * Every timed round is checked: before it, the CPU writes a value of that
 * round's own into the source (untimed); after it, the destination must
 * equal the source. A round that copied nothing, or only part, would leave
 * the previous round's value behind.
 *
 * Exit status: 0, unless a step failed or a round's copy was wrong (1).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"
#include "bench_util.h"

#define DIE(what, err)	bench_die("copy_bench", what, err)

#define ROUNDS		5
#define SRC_VA		0x10000000ull
#define DST_VA		0x20000000ull
#define CMD_VA		0x30000000ull

static double cpu_best(size_t size)
{
	char *a = malloc(size), *b = malloc(size);
	double best = 1e9;
	int i;

	if (!a || !b)
		exit(1);
	memset(a, 0x5a, size);
	memset(b, 0, size);	/* fault both in before timing */
	for (i = 0; i < ROUNDS; i++) {
		double t = bench_now();

		memcpy(b, a, size);
		t = bench_now() - t;
		if (t < best)
			best = t;
	}
	if (memcmp(a, b, size))
		exit(1);
	free(a);
	free(b);
	return best;
}

int main(int argc, char **argv)
{
	size_t size = (argc > 1 ? strtoull(argv[1], NULL, 0) : 64) << 20;
	uint32_t placement = argc > 2 && !strcmp(argv[2], "system") ?
			     DRM_SVMGPU_GEM_PLACEMENT_SYSTEM :
			     DRM_SVMGPU_GEM_PLACEMENT_VRAM;
	struct svmgpu_bo *src, *dst, *cmd;
	struct svmgpu_queue *q;
	struct svmgpu_device *dev;
	struct svmgpu_vm *vm;
	struct svmgpu_cs *cs;
	double gpu = 1e9, engine = 1e9, cpu;
	void *s, *d, *c;
	int i, ret;

	ret = svmgpu_device_open(0, &dev);
	if (ret)
		return DIE("open", ret);

	if ((ret = svmgpu_bo_new(dev, size, placement, 0, &src)) ||
	    (ret = svmgpu_bo_new(dev, size, placement, 0, &dst)) ||
	    (ret = svmgpu_bo_new(dev, 4096, DRM_SVMGPU_GEM_PLACEMENT_SYSTEM, 0,
				 &cmd)))
		return DIE("bo_new", ret);
	if ((ret = svmgpu_vm_new(dev, &vm)) ||
	    (ret = svmgpu_vm_map(vm, src, 0, SRC_VA, size, 0)) ||
	    (ret = svmgpu_vm_map(vm, dst, 0, DST_VA, size, 0)) ||
	    (ret = svmgpu_vm_map(vm, cmd, 0, CMD_VA, 4096, 0)) ||
	    (ret = svmgpu_queue_new(vm, 0, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
				    &q)))
		return DIE("vm", ret);
	if ((ret = svmgpu_bo_map(src, &s)) || (ret = svmgpu_bo_map(dst, &d)) ||
	    (ret = svmgpu_bo_map(cmd, &c)))
		return DIE("map", ret);

	memset(s, 0xa5, size);
	memset(d, 0, size);

	if ((ret = svmgpu_cs_new(&cs)))
		return DIE("cs", ret);
	/* Engine time, from GPU timestamps around the copy. */
	svmgpu_cs_timestamp(cs, CMD_VA + 2048);
	svmgpu_cs_copy(cs, SRC_VA, DST_VA, size);
	svmgpu_cs_timestamp(cs, CMD_VA + 2056);
	svmgpu_cs_end(cs);
	if ((ret = svmgpu_cs_error(cs)) ||
	    (ret = svmgpu_cs_write(cs, c, 4096)))
		return DIE("cs", ret);

	for (i = 0; i < ROUNDS; i++) {
		double t;

		/* This round's own contents, untimed. */
		memset(s, 0xa5 + i, size);
		((volatile uint8_t *)s)[size - 1] = (uint8_t)(0x3c + i);

		t = bench_now();
		ret = svmgpu_queue_exec_wait(q, CMD_VA, svmgpu_cs_size(cs),
					     10 * 1000000000ll);
		t = bench_now() - t;
		if (ret)
			return DIE("exec", ret);
		if (memcmp(s, d, size)) {
			fprintf(stderr, "copy_bench: GPU copy of round %d is wrong\n",
				i + 1);
			return 1;
		}
		if (t < gpu)
			gpu = t;
		t = (((uint64_t *)c)[257] - ((uint64_t *)c)[256]) * 1e-9;
		if (t < engine)
			engine = t;
	}

	cpu = cpu_best(size);
	printf("copy %zu MiB: GPU %s %.0f MiB/s (engine alone %.0f MiB/s), CPU memcpy %.0f MiB/s, ratio %.2f; all %d rounds checked\n",
	       size >> 20, placement == DRM_SVMGPU_GEM_PLACEMENT_VRAM ?
	       "VRAM->VRAM" : "system->system",
	       (size >> 20) / gpu, (size >> 20) / engine,
	       (size >> 20) / cpu, cpu / gpu, ROUNDS);

	svmgpu_cs_del(cs);
	svmgpu_queue_del(q);
	svmgpu_vm_del(vm);
	svmgpu_bo_del(cmd);
	svmgpu_bo_del(dst);
	svmgpu_bo_del(src);
	svmgpu_device_del(dev);
	return 0;
}
