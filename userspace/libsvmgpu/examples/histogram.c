// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * svmgpu_histogram: a histogram computed by the GPU in the process's own
 * memory, through libsvmgpu only.
 *
 * The GPU runs fixed commands, not programs, so the CPU writes the work
 * out as commands. On the first svmgpu device, in a VM that mirrors this
 * process (system SVM), one command buffer, built in malloc'd memory with
 * plain pointers as its addresses:
 *
 * - FILLs the bins, a malloc'd array that the CPU filled with garbage,
 *   with zeros;
 * - counts each value of a malloc'd array with an ATOMIC INC of
 *   &bins[value];
 * - COPYs the bins to a second malloc'd array.
 *
 * It is submitted where it is, with a user fence in malloc'd memory, and
 * waited for. Both arrays are then checked against the CPU's own
 * histogram of the values. No buffer object is involved: the GPU faults
 * the pages in as it touches them.
 *
 * Exit status: 0 if both arrays hold the histogram, 1 on any error or
 * mismatch, 77 (skip) if the driver does not implement system SVM.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXAMPLE_NAME "svmgpu_histogram"
#include "example.h"

/*
 * One ATOMIC (36 bytes) per value: 16384 values make a 576 KiB command
 * buffer, within the 1 MiB an EXEC takes.
 */
#define NUM_VALUES	16384u
#define NUM_BINS	64u
#define BINS_SIZE	(NUM_BINS * sizeof(uint32_t))
#define TIMEOUT_NS	(30 * 1000000000ll)

/* What the CPU leaves in the arrays the GPU must overwrite. */
#define BINS_POISON	0xeeeeeeeeu
#define COPY_POISON	0xddddddddu

/* The job's memory, all of it from malloc(). */
struct histogram {
	uint32_t *values;	/* NUM_VALUES values below NUM_BINS */
	uint32_t *bins;		/* NUM_BINS counts, by the GPU's atomics */
	uint32_t *copy;		/* NUM_BINS counts, by the GPU's COPY */
	uint64_t *fence;	/* The user fence */
	uint32_t expected[NUM_BINS];	/* The CPU's histogram */
};

/*
 * Values from a fixed xorshift32 sequence, as the sum of two uniform
 * numbers, so that the middle bins fill up most; and their histogram, as
 * the CPU counts it.
 */
static void make_values(struct histogram *h)
{
	uint32_t x = 0x2545f491u, i;

	memset(h->expected, 0, sizeof(h->expected));
	for (i = 0; i < NUM_VALUES; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		h->values[i] = (x & 31) + (x >> 5) % (NUM_BINS - 31);
		h->expected[h->values[i]]++;
	}
}

/*
 * The job: zero the bins, count every value, copy the bins, end. Every
 * address is a pointer of this process.
 */
static int build_commands(struct svmgpu_cs *cs, const struct histogram *h)
{
	uint32_t i;

	/* Errors latch: emit everything, then check once. */
	svmgpu_cs_fill(cs, svmgpu_ptr(h->bins), 0, BINS_SIZE);
	for (i = 0; i < NUM_VALUES; i++)
		svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC, 0,
				 svmgpu_ptr(&h->bins[h->values[i]]), 0, 0, 0);
	svmgpu_cs_copy(cs, svmgpu_ptr(h->bins), svmgpu_ptr(h->copy),
		       BINS_SIZE);
	svmgpu_cs_end(cs);
	return svmgpu_cs_error(cs);
}

/*
 * Check @what, @bins as the GPU left it, against the CPU's histogram;
 * return 0 or 1, the exit status.
 */
static int verify(const char *what, const uint32_t *bins,
		  const struct histogram *h)
{
	uint32_t i, lo = UINT32_MAX, hi = 0;

	for (i = 0; i < NUM_BINS; i++) {
		if (bins[i] != h->expected[i]) {
			printf("%s: mismatch in bin %" PRIu32 ": GPU 0x%08" PRIx32 ", CPU 0x%08" PRIx32 " (the job may have failed on the GPU)\n",
			       what, i, bins[i], h->expected[i]);
			return 1;
		}
		if (bins[i] < lo)
			lo = bins[i];
		if (bins[i] > hi)
			hi = bins[i];
	}
	printf("%s: OK (bins of %" PRIu32 " to %" PRIu32 ")\n", what, lo, hi);
	return 0;
}

/*
 * Submit the job on a queue of a mirroring VM and wait for its fence.
 * Return 0, or the exit status; *@running is set if the job may still
 * be running, so that its memory must not be freed.
 */
static int run_job(struct svmgpu_device *dev, const struct histogram *h,
		   const struct svmgpu_cs *cs, bool *running)
{
	struct svmgpu_queue *queue = NULL;
	struct svmgpu_vm *vm = NULL;
	int ret, status = 1;

	ret = svmgpu_vm_new_svm(dev, &vm);
	if (ret)
		return fail("mirroring VM", ret);
	ret = svmgpu_queue_new(vm, 0, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
			       &queue);
	if (ret) {
		status = fail("queue", ret);
		goto out;
	}

	*h->fence = 0;
	ret = svmgpu_queue_exec_svm(queue, svmgpu_cs_words(cs),
				    svmgpu_cs_size(cs), h->fence, 1);
	if (ret) {
		status = fail("exec", ret);
		goto out;
	}

	ret = svmgpu_user_fence_wait(queue, h->fence, 1, TIMEOUT_NS, 0);
	status = example_job_failed(ret, "job", "wait", TIMEOUT_NS, running);

out:
	svmgpu_queue_del(queue);
	svmgpu_vm_del(vm);
	return status;
}

static int run(struct svmgpu_device *dev)
{
	struct svmgpu_cs *cs = NULL;
	struct histogram h = { 0 };
	bool running = false;
	int ret, status = 1;

	h.values = malloc(NUM_VALUES * sizeof(*h.values));
	h.bins = malloc(BINS_SIZE);
	h.copy = malloc(BINS_SIZE);
	h.fence = malloc(sizeof(*h.fence));
	if (!h.values || !h.bins || !h.copy || !h.fence) {
		status = fail("malloc", -ENOMEM);
		goto out;
	}
	make_values(&h);
	memset(h.bins, BINS_POISON & 0xff, BINS_SIZE);
	memset(h.copy, COPY_POISON & 0xff, BINS_SIZE);

	ret = svmgpu_cs_new(&cs);
	if (!ret)
		ret = build_commands(cs, &h);
	if (ret) {
		status = fail("command buffer", ret);
		goto out;
	}
	printf("job: %" PRIu32 " commands in %zu bytes of malloc'd memory, pointers as GPU addresses\n",
	       NUM_VALUES + 3, svmgpu_cs_size(cs));

	status = run_job(dev, &h, cs, &running);
	if (!status)
		status = verify("bins, counted by GPU atomics", h.bins, &h) |
			 verify("copy of the bins, by a GPU COPY", h.copy, &h);

out:
	/*
	 * A job that may still run still reads the commands and writes the
	 * arrays: leave them be, the process is about to exit.
	 */
	if (running)
		return status;
	svmgpu_cs_del(cs);
	free(h.fence);
	free(h.copy);
	free(h.bins);
	free(h.values);
	return status;
}

static int require(struct svmgpu_device *dev)
{
	return example_require(svmgpu_device_has_system_svm(dev),
			       "implement system SVM yet");
}

int main(int argc, char **argv)
{
	return example_main(argc, argv,
			    "Count a histogram of malloc'd values with GPU atomics on malloc'd bins, through system SVM, and check it.",
			    require, run);
}
