// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * svmgpu_bo_move: one CPU pointer stays valid while the kernel moves its
 * buffer object between VRAM and system memory.
 *
 * On the first svmgpu device, it creates an 8 MiB BO that may live in VRAM
 * or system memory, maps it once with svmgpu_bo_map() and writes a pattern
 * through that pointer. Then, each step checking the pattern through the
 * same pointer, writing a new one, and asking the kernel where the BO is:
 *
 *   (a) it migrates the BO to system memory;
 *   (b) it migrates it back to VRAM;
 *   (c) it creates VRAM-only BOs until they add up to more than the VRAM
 *       that BOs can use, which evicts our BO, the least recently used, to
 *       system memory; then frees them;
 *   (d) it migrates the BO back to VRAM;
 *   (e) it has the GPU FILL the second half of the BO, and checks both
 *       halves on the CPU.
 *
 * Exit status: 0 if every check passed, 1 on any error, data mismatch, or
 * placement that did not change as expected, 77 (skip) if the driver does
 * not implement buffer objects, VMs, execution and migration yet.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define EXAMPLE_NAME "svmgpu_bo_move"
#include "example.h"

#define VRAM		DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM		DRM_SVMGPU_GEM_PLACEMENT_SYSTEM

/* The BO that moves, and the FILL the GPU does into its second half. */
#define BO_SIZE		(8u << 20)
#define GPU_OFFSET	(BO_SIZE / 2)
#define GPU_PATTERN	0x6b0e5e11u
#define TIMEOUT_NS	(10 * 1000000000ll)

/* GPU virtual addresses, above the unmapped first 64 KiB. */
#define BO_VA		0x200000ull
#define CMD_VA		0x1000000ull
#define CMD_SIZE	4096u

/* The most pressure BOs step (c) creates; it needs nine. */
#define MAX_PRESSURE	64

static const struct example_feature required[] = {
	{ DRM_SVMGPU_FEATURE_GEM, "GEM" },
	{ DRM_SVMGPU_FEATURE_VM, "VM" },
	{ DRM_SVMGPU_FEATURE_EXEC, "EXEC" },
	{ DRM_SVMGPU_FEATURE_GEM_MIGRATE, "GEM_MIGRATE" },
};

/* The BO under test, seen through one pointer. */
struct demo {
	struct svmgpu_device *dev;
	struct svmgpu_bo *bo;
	uint32_t *ptr;

	/* The pattern the BO should hold: see pattern(). */
	uint32_t seed;

	/* The kernel's move count, when created and at the last check. */
	uint64_t first_moves;
	uint64_t moves;
};

/* Word @i of the pattern of @seed: differs from word to word and seed. */
static uint32_t pattern(uint32_t seed, size_t i)
{
	return (uint32_t)i * 0x9e3779b1u ^ seed;
}

/* Write a new pattern through the pointer. */
static void rewrite(struct demo *d)
{
	size_t i;

	d->seed = d->seed * 1664525u + 1013904223u;
	for (i = 0; i < BO_SIZE / 4; i++)
		d->ptr[i] = pattern(d->seed, i);
}

/*
 * Check the pattern through the pointer; from byte @gpu_from on, the BO
 * must hold GPU_PATTERN instead. A CPU access during a move waits for it,
 * so this also waits for the last move. Return true if all of it matches.
 */
static bool verify(const struct demo *d, const char *step, size_t gpu_from)
{
	uint32_t want;
	size_t i;

	for (i = 0; i < BO_SIZE / 4; i++) {
		want = i * 4 < gpu_from ? pattern(d->seed, i) : GPU_PATTERN;
		if (d->ptr[i] != want) {
			printf("%s: mismatch at byte %zu: 0x%08" PRIx32 ", expected 0x%08" PRIx32 "\n",
			       step, i * 4, d->ptr[i], want);
			return false;
		}
	}
	return true;
}

/*
 * End a step: check the data (from @gpu_from on, the GPU's), then that the
 * kernel has the BO in @want, having moved it if @moved, and print one
 * line. Return 0 or 1, the exit status.
 */
static int check_step(struct demo *d, const char *step, uint32_t want,
		      bool moved, size_t gpu_from)
{
	struct svmgpu_bo_info info;
	int ret;

	if (!verify(d, step, gpu_from))
		return 1;

	ret = svmgpu_bo_query(d->bo, &info);
	if (ret)
		return fail("query", ret);
	if (info.placement != want) {
		printf("%s: placement %s, expected %s\n", step,
		       svmgpu_bo_placement_name(info.placement),
		       svmgpu_bo_placement_name(want));
		return 1;
	}
	if (moved && info.moves <= d->moves) {
		printf("%s: placement %s, but the kernel counts %" PRIu64 " moves, as before\n",
		       step, svmgpu_bo_placement_name(info.placement),
		       info.moves);
		return 1;
	}
	d->moves = info.moves;

	printf("%s: placement %s, moves %" PRIu64 ", data OK\n", step,
	       svmgpu_bo_placement_name(info.placement),
	       info.moves - d->first_moves);
	return 0;
}

/* Steps (a), (b) and (d): migrate by hint, then check and rewrite. */
static int step_migrate(struct demo *d, const char *step, uint32_t to)
{
	int ret, status;

	ret = svmgpu_bo_migrate(d->bo, to);
	if (ret)
		return fail(step, ret);
	status = check_step(d, step, to, true, BO_SIZE);
	if (!status)
		rewrite(d);
	return status;
}

/* A multiple of 4 KiB near @vram / 8, in whole MiB when that is possible. */
static uint64_t pressure_size(uint64_t vram)
{
	uint64_t size = vram / 8;

	size &= size >= (1u << 20) ? ~((1ull << 20) - 1) : ~4095ull;
	return size ? size : 4096;
}

/*
 * Step (c): create VRAM-only BOs until they add up to more than @vram,
 * the VRAM that BOs can use. Each creation evicts the least recently used
 * BOs; ours, untouched by the GPU since step (b), goes first.
 */
static int step_pressure(struct demo *d, uint64_t vram)
{
	struct svmgpu_bo *pressure[MAX_PRESSURE];
	uint64_t size = pressure_size(vram), total = 0;
	unsigned int i, n = 0;
	char step[128];
	int ret = 0, status;

	while (total <= vram && n < MAX_PRESSURE) {
		ret = svmgpu_bo_new(d->dev, size, VRAM, 0, &pressure[n]);
		if (ret)
			break;
		total += size;
		n++;
	}

	snprintf(step, sizeof(step),
		 "(c) evict by %u VRAM-only BOs (%" PRIu64 " MiB > %" PRIu64 " MiB for BOs)",
		 n, total >> 20, vram >> 20);
	if (ret)
		status = fail("pressure BO", ret);
	else
		status = check_step(d, step, SYSTEM, true, BO_SIZE);
	if (!status)
		rewrite(d);

	for (i = 0; i < n; i++)
		svmgpu_bo_del(pressure[i]);
	return status;
}

/* The command buffer: FILL the second half of the BO, END. */
static int build_commands(struct svmgpu_bo *cmd, uint32_t *length)
{
	struct svmgpu_cs *cs;
	void *ptr;
	int ret;

	ret = svmgpu_cs_new(&cs);
	if (ret)
		return ret;

	/* Errors latch: emit everything, then check once. */
	svmgpu_cs_fill(cs, BO_VA + GPU_OFFSET, GPU_PATTERN,
		       BO_SIZE - GPU_OFFSET);
	svmgpu_cs_end(cs);

	ret = svmgpu_bo_map(cmd, &ptr);
	if (!ret)
		ret = svmgpu_cs_write(cs, ptr, CMD_SIZE);
	if (!ret)
		*length = svmgpu_cs_size(cs);

	svmgpu_cs_del(cs);
	return ret;
}

/*
 * Step (e): the GPU writes into the BO, in VRAM, and the CPU reads the
 * result through the same pointer. The BO prefers VRAM and is there, so
 * the job should not move it.
 */
static int step_gpu(struct demo *d)
{
	const char *step = "(e) GPU FILL of the second half";
	struct svmgpu_queue *queue = NULL;
	struct svmgpu_bo *cmd = NULL;
	struct svmgpu_vm *vm = NULL;
	uint32_t length = 0;
	int ret, status;

	ret = svmgpu_bo_new(d->dev, CMD_SIZE, SYSTEM, 0, &cmd);
	if (!ret)
		ret = svmgpu_vm_new(d->dev, &vm);
	if (!ret)
		ret = svmgpu_vm_map(vm, d->bo, 0, BO_VA, BO_SIZE, 0);
	if (!ret)
		ret = svmgpu_vm_map(vm, cmd, 0, CMD_VA, CMD_SIZE,
				    DRM_SVMGPU_VM_BIND_READONLY);
	if (!ret)
		ret = build_commands(cmd, &length);
	if (!ret)
		ret = svmgpu_queue_new(vm, 0, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
				       &queue);
	if (ret) {
		status = fail("GPU job setup", ret);
		goto out;
	}

	/* Completion only: a failed job shows in the data. */
	ret = svmgpu_queue_exec_wait(queue, CMD_VA, length, TIMEOUT_NS);
	if (ret) {
		status = fail(ret == -ETIME ? "job timed out" : "exec", ret);
		goto out;
	}
	status = check_step(d, step, VRAM, false, GPU_OFFSET);

out:
	svmgpu_queue_del(queue);
	svmgpu_vm_del(vm);
	svmgpu_bo_del(cmd);
	return status;
}

/* Create the BO, map it once, write the first pattern, run the steps. */
static int run(struct svmgpu_device *dev, uint64_t vram)
{
	struct demo d = { .dev = dev, .seed = 0x5eed };
	struct svmgpu_bo_info info;
	void *ptr;
	int ret, status;

	ret = svmgpu_bo_new(dev, BO_SIZE, VRAM | SYSTEM, 0, &d.bo);
	if (ret)
		return fail("BO", ret);
	ret = svmgpu_bo_map(d.bo, &ptr);
	if (ret) {
		status = fail("map", ret);
		goto out;
	}
	d.ptr = ptr;
	rewrite(&d);

	ret = svmgpu_bo_query(d.bo, &info);
	if (ret) {
		status = fail("query", ret);
		goto out;
	}
	d.first_moves = d.moves = info.moves;
	printf("created: %u MiB BO mapped at %p, placement %s\n",
	       BO_SIZE >> 20, ptr, svmgpu_bo_placement_name(info.placement));
	if (info.placement != VRAM) {
		printf("created: placement %s, expected vram\n",
		       svmgpu_bo_placement_name(info.placement));
		status = 1;
		goto out;
	}

	status = step_migrate(&d, "(a) migrate to system", SYSTEM);
	if (!status)
		status = step_migrate(&d, "(b) migrate to vram", VRAM);
	if (!status)
		status = step_pressure(&d, vram);
	if (!status)
		status = step_migrate(&d, "(d) migrate to vram", VRAM);
	if (!status)
		status = step_gpu(&d);
	if (status)
		goto out;

	/* The library's one mapping is still the one we started with. */
	ret = svmgpu_bo_map(d.bo, &ptr);
	if (ret) {
		status = fail("map", ret);
		goto out;
	}
	if (ptr != d.ptr) {
		printf("pointer %p became %p\n", (void *)d.ptr, ptr);
		status = 1;
		goto out;
	}
	printf("pointer %p stayed valid across %" PRIu64 " moves: OK\n", ptr,
	       d.moves - d.first_moves);

out:
	svmgpu_bo_del(d.bo);
	return status;
}

int main(int argc, char **argv)
{
	struct svmgpu_device_info info;
	struct svmgpu_device *dev;
	uint64_t vram;
	int ret, status;

	status = example_open(argc, argv,
			      "Move a mapped BO between VRAM and system memory and check the data through one pointer.",
			      &dev);
	if (status)
		return status;
	ret = svmgpu_device_get_info(dev, &info);
	if (ret) {
		svmgpu_device_del(dev);
		return fail("device info", ret);
	}

	status = example_check_features(info.features, required,
					ARRAY_SIZE(required));
	if (!status) {
		/* Every kernel with GEM_MIGRATE reports it (uAPI 1.2). */
		vram = svmgpu_device_vram_bo_size(dev);
		status = run(dev, vram ? vram : info.vram_size);
	}

	svmgpu_device_del(dev);
	return status;
}
