// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * svmgpu_migrate: malloc'd memory moves into the GPU's VRAM when the GPU
 * works on it, and back to system memory when the CPU reads it, behind
 * the same pointers, through libsvmgpu only.
 *
 * On the first svmgpu device, in a VM that mirrors this process, with a
 * 4 MiB malloc'd buffer (2 MiB aligned: two 2 MiB ranges) whose first half
 * the CPU fills with values and whose second half it poisons:
 *
 *   (a) it advises the VM that the buffer's preferred location is the
 *       device (svmgpu_vm_madvise()), then has the GPU COPY the first
 *       half over the second and add each page's index to the page's
 *       first value with an ATOMIC. The GPU's faults move the buffer into
 *       VRAM, which svmgpu_vm_query_attrs() shows;
 *   (b) the CPU checks every value, which moves the buffer back to system
 *       memory, and the query shows that;
 *   (c) it moves the buffer to VRAM and back with svmgpu_vm_prefetch(),
 *       querying after each, and checks every value again.
 *
 * Exit status: 0 if every value and every location is as expected, 1 on
 * any error, wrong value or location, 77 (skip) if the driver does not
 * implement SVM migration.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXAMPLE_NAME "svmgpu_migrate"
#include "example.h"

#define SZ_2M		(2u << 20)
#define BUF_SIZE	(2 * SZ_2M)
#define HALF		(BUF_SIZE / 2)
#define WORDS		(HALF / sizeof(uint32_t))	/* per half */
#define PAGE_WORDS	(4096 / sizeof(uint32_t))
#define POISON		0xddddddddu
#define TIMEOUT_NS	(30 * 1000000000ll)

/* What the CPU writes at word @i of the first half. */
static uint32_t value(size_t i)
{
	return (uint32_t)i * 2654435761u ^ 0x5eed5eedu;
}

/* What the second half holds once the GPU is done: a copy, plus atomics. */
static uint32_t expected(size_t i)
{
	return value(i) + (i % PAGE_WORDS ? 0 : (uint32_t)(i / PAGE_WORDS));
}

/*
 * Check every word of the buffer as the CPU reads it; print the result
 * for @what. Return 0 or 1, the exit status.
 */
static int verify(const char *what, const uint32_t *buf)
{
	size_t i;

	for (i = 0; i < WORDS; i++) {
		if (buf[i] != value(i)) {
			printf("%s: word %zu of the first half is 0x%08" PRIx32 ", not 0x%08" PRIx32 "\n",
			       what, i, buf[i], value(i));
			return 1;
		}
		if (buf[WORDS + i] != expected(i)) {
			printf("%s: word %zu of the second half is 0x%08" PRIx32 ", not 0x%08" PRIx32 " (the job may have failed on the GPU)\n",
			       what, i, buf[WORDS + i], expected(i));
			return 1;
		}
	}
	printf("%s: all %zu values OK\n", what, 2 * WORDS);
	return 0;
}

/*
 * Ask where the buffer is; print it, in KiB per location, after @what.
 * Return 0 if all of it is at @want, 1 otherwise or on an error.
 */
static int where(struct svmgpu_vm *vm, const void *buf, const char *what,
		 uint32_t want)
{
	struct drm_svmgpu_vm_attr runs[16];
	uint64_t kib[DRM_SVMGPU_LOC_MIXED + 1] = { 0 }, addr = svmgpu_ptr(buf);
	uint64_t end = addr + BUF_SIZE;
	uint32_t i, n, loc;
	int ret;

	while (addr < end) {
		n = 16;
		ret = svmgpu_vm_query_attrs(vm, addr, end - addr, 0, runs, &n);
		if (ret)
			return fail("query", ret);
		for (i = 0; i < n; i++) {
			loc = runs[i].location;
			kib[loc <= DRM_SVMGPU_LOC_MIXED ? loc :
			    DRM_SVMGPU_LOC_NONE] += runs[i].range >> 10;
			addr += runs[i].range;
		}
	}

	printf("%s: buffer in", what);
	for (loc = 0, n = 0; loc <= DRM_SVMGPU_LOC_MIXED; loc++)
		if (kib[loc])
			printf("%s %s %" PRIu64 " KiB", n++ ? "," : "",
			       svmgpu_svm_location_name(loc), kib[loc]);
	printf("\n");
	if (kib[want] == BUF_SIZE >> 10)
		return 0;
	printf("%s: expected all of it in %s\n", what,
	       svmgpu_svm_location_name(want));
	return 1;
}

/*
 * The GPU's work on the buffer: COPY the first half over the second,
 * then add each page's index to its first word, by ATOMIC ADDs.
 */
static int build_commands(struct svmgpu_cs *cs, uint32_t *buf)
{
	size_t page;

	/* Errors latch: emit everything, then check once. */
	svmgpu_cs_copy(cs, svmgpu_ptr(buf), svmgpu_ptr(buf + WORDS), HALF);
	for (page = 0; page < WORDS / PAGE_WORDS; page++)
		svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_ADD, 0,
				 svmgpu_ptr(&buf[WORDS + page * PAGE_WORDS]),
				 page, 0, 0);
	svmgpu_cs_end(cs);
	return svmgpu_cs_error(cs);
}

/*
 * Submit @cs and wait for it; return 0 or the exit status. *@running is
 * set if the job may still be running.
 */
static int run_job(struct svmgpu_queue *q, const struct svmgpu_cs *cs,
		   uint64_t *fence, bool *running)
{
	int ret;

	*fence = 0;
	ret = svmgpu_queue_exec_svm(q, svmgpu_cs_words(cs), svmgpu_cs_size(cs),
				    fence, 1);
	if (ret)
		return fail("exec", ret);
	ret = svmgpu_user_fence_wait(q, fence, 1, TIMEOUT_NS, 0);
	return example_job_failed(ret, "job", "wait", TIMEOUT_NS, running);
}

static int steps(struct svmgpu_vm *vm, struct svmgpu_queue *q,
		 struct svmgpu_cs *cs, uint32_t *buf, uint64_t *fence,
		 bool *running)
{
	const struct svmgpu_svm_attrs vram = {
		.preferred_loc = DRM_SVMGPU_LOC_DEVICE,
	};
	uint64_t addr = svmgpu_ptr(buf);
	int ret;

	if (where(vm, buf, "written by the CPU", DRM_SVMGPU_LOC_SYSTEM))
		return 1;

	ret = svmgpu_vm_madvise(vm, addr, BUF_SIZE, &vram);
	if (ret)
		return fail("madvise", ret);
	ret = build_commands(cs, buf);
	if (ret)
		return fail("command buffer", ret);
	if (run_job(q, cs, fence, running))
		return 1;
	printf("(a) preferred location vram, then a GPU COPY of %u KiB and %zu ATOMIC ADDs: done\n",
	       HALF >> 10, WORDS / PAGE_WORDS);
	/* The query does not touch the pages: they stay where they are. */
	if (where(vm, buf, "(a) after the GPU's faults", DRM_SVMGPU_LOC_DEVICE))
		return 1;

	if (verify("(b) CPU read-back", buf) ||
	    where(vm, buf, "(b) after the CPU's reads", DRM_SVMGPU_LOC_SYSTEM))
		return 1;

	ret = svmgpu_vm_prefetch(vm, addr, BUF_SIZE, 0);
	if (ret)
		return fail("prefetch to VRAM", ret);
	if (where(vm, buf, "(c) prefetch to vram", DRM_SVMGPU_LOC_DEVICE))
		return 1;
	ret = svmgpu_vm_prefetch(vm, addr, BUF_SIZE,
				 DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM);
	if (ret)
		return fail("prefetch to system memory", ret);
	if (where(vm, buf, "(c) prefetch to system", DRM_SVMGPU_LOC_SYSTEM))
		return 1;
	return verify("(c) CPU read-back", buf);
}

static int run(struct svmgpu_device *dev)
{
	struct svmgpu_queue *q = NULL;
	struct svmgpu_vm *vm = NULL;
	struct svmgpu_cs *cs = NULL;
	uint64_t *fence = malloc(sizeof(*fence));
	uint32_t *buf = aligned_alloc(SZ_2M, BUF_SIZE);
	bool running = false;
	size_t i;
	int ret, status = 1;

	if (!buf || !fence) {
		status = fail("malloc", -ENOMEM);
		goto out;
	}
	for (i = 0; i < WORDS; i++) {
		buf[i] = value(i);
		buf[WORDS + i] = POISON;
	}
	printf("buffer: %u KiB of malloc'd memory at %p, written by the CPU\n",
	       BUF_SIZE >> 10, (void *)buf);

	ret = svmgpu_vm_new_svm(dev, &vm);
	if (ret) {
		status = fail("mirroring VM", ret);
		goto out;
	}
	ret = svmgpu_queue_new(vm, 0, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL, &q);
	if (!ret)
		ret = svmgpu_cs_new(&cs);
	if (ret) {
		status = fail("queue", ret);
		goto out;
	}
	status = steps(vm, q, cs, buf, fence, &running);

out:
	/*
	 * A job that may still run still reads the commands and writes the
	 * buffer: leave them be, the process is about to exit.
	 */
	if (running)
		return status;
	svmgpu_cs_del(cs);
	svmgpu_queue_del(q);
	svmgpu_vm_del(vm);
	free(buf);
	free(fence);
	return status;
}

static int require(struct svmgpu_device *dev)
{
	return example_require(svmgpu_device_has_svm_migrate(dev),
			       "implement SVM migration yet");
}

int main(int argc, char **argv)
{
	return example_main(argc, argv,
			    "Move malloc'd memory into VRAM by GPU faults and prefetches, and back by CPU reads, checking every value and where it is.",
			    require, run);
}
