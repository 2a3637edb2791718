// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * svmgpu_histogram_compute: a histogram computed by a GPU program with
 * atomics, in the process's own memory, through libsvmgpu only.
 *
 * svmgpu_histogram has the CPU write one ATOMIC command per value. Here a
 * program does the counting: NUM_VALUES / PER_ITEM work items, each taking
 * PER_ITEM consecutive values of a malloc'd array and adding one to the
 * value's bin with aadd32, an atomic add that is atomic against every
 * other work item, engine and the CPU. Many work items hit the same bins
 * at once, on several compute threads, so anything but an atomic would
 * lose counts: the bins must come out exact.
 *
 * The program is assembler text, and runs on the first svmgpu device in a
 * VM that mirrors this process (system SVM), with
 * svmgpu_queue_dispatch_svm(). The bins are then checked, one by one,
 * against the CPU's own histogram.
 *
 * Exit status: 0 if every bin is exact, 1 on any error or mismatch, 77
 * (skip) if the driver does not implement system SVM or compute programs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXAMPLE_NAME "svmgpu_histogram_compute"
#include "example.h"

#define NUM_VALUES	(1u << 20)
#define NUM_BINS	256u
#define PER_ITEM	64u
#define NUM_ITEMS	(NUM_VALUES / PER_ITEM)
#define TIMEOUT_NS	(60 * 1000000000ll)

/* What the program's argument, r1, points at. */
struct histogram_args {
	uint64_t values;	/* NUM_VALUES uint32_t, each below NUM_BINS */
	uint64_t bins;		/* NUM_BINS uint32_t counts, zeroed */
};

/*
 * Work item r0 counts values[r0 * PER_ITEM] to values[r0 * PER_ITEM +
 * PER_ITEM - 1]. The .equ constants are prepended from the C side.
 */
static const char histogram_program[] =
	"	ld64   r5, [r1 + ARG_VALUES]\n"
	"	ld64   r6, [r1 + ARG_BINS]\n"
	"	mad    r5, r0, CHUNK_BYTES, r5	# r5 = this item's first value\n"
	"	add    r7, r5, CHUNK_BYTES		# r7 = the end of its chunk\n"
	"	li     r9, 1\n"
	"loop:\n"
	"	ld32   r8, [r5]			# r8 = value\n"
	"	mad    r8, r8, 4, r6		# r8 = &bins[value]\n"
	"	aadd32 r10, [r8], r9		# bins[value] += 1, atomically\n"
	"	add    r5, r5, 4\n"
	"	bltu   r5, r7, loop\n"
	"	exit\n";

/*
 * Values from a fixed xorshift32 sequence, as the sum of two uniform
 * numbers, so that the middle bins fill up most; and the CPU's histogram.
 */
static void make_values(uint32_t *values, uint32_t *expected)
{
	uint32_t x = 0x2545f491u, i;

	memset(expected, 0, NUM_BINS * sizeof(*expected));
	for (i = 0; i < NUM_VALUES; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		values[i] = (x & 127) + (x >> 7) % (NUM_BINS - 127);
		expected[values[i]]++;
	}
}

static int build_program(struct svmgpu_prog *p)
{
	return example_asm(p, histogram_program,
			   ".equ ARG_VALUES, %zu\n.equ ARG_BINS, %zu\n"
			   ".equ CHUNK_BYTES, %zu\n",
			   offsetof(struct histogram_args, values),
			   offsetof(struct histogram_args, bins),
			   PER_ITEM * sizeof(uint32_t));
}

/* Check every bin; return 0 or 1, the exit status. */
static int verify(const uint32_t *bins, const uint32_t *expected)
{
	uint32_t i, lo = UINT32_MAX, hi = 0;
	uint64_t total = 0;

	for (i = 0; i < NUM_BINS; i++) {
		if (bins[i] != expected[i]) {
			printf("mismatch in bin %" PRIu32 ": GPU %" PRIu32 ", CPU %" PRIu32 "\n",
			       i, bins[i], expected[i]);
			return 1;
		}
		total += bins[i];
		if (bins[i] < lo)
			lo = bins[i];
		if (bins[i] > hi)
			hi = bins[i];
	}
	printf("histogram of %" PRIu64 " values in %u bins (%" PRIu32 " to %" PRIu32 " per bin): exact\n",
	       total, NUM_BINS, lo, hi);
	return 0;
}

static int run(struct svmgpu_device *dev)
{
	uint32_t *values = NULL, *bins = NULL, *expected = NULL;
	struct svmgpu_queue *queue = NULL;
	struct histogram_args *args = NULL;
	struct svmgpu_prog *prog = NULL;
	struct svmgpu_vm *vm = NULL;
	bool running = false;
	int ret, status = 1;
	uint64_t t, gpu_ns;

	values = malloc(NUM_VALUES * sizeof(*values));
	bins = calloc(NUM_BINS, sizeof(*bins));
	expected = malloc(NUM_BINS * sizeof(*expected));
	args = malloc(sizeof(*args));
	if (!values || !bins || !expected || !args) {
		status = fail("malloc", -ENOMEM);
		goto out;
	}
	make_values(values, expected);
	*args = (struct histogram_args) {
		.values = svmgpu_ptr(values),
		.bins = svmgpu_ptr(bins),
	};

	if (example_compute_new(dev, build_program, &prog, &vm, &queue))
		goto out;

	t = now_ns();
	ret = svmgpu_queue_dispatch_svm(queue, prog, NUM_ITEMS, 1, 1,
					svmgpu_ptr(args), TIMEOUT_NS);
	gpu_ns = now_ns() - t;
	if (example_job_failed(ret, "job", "dispatch", TIMEOUT_NS,
			       &running))
		goto out;

	if (verify(bins, expected))
		goto out;
	printf("  %u work items of %u values each, %u compute threads per engine: %.3f ms, %.1f ns/value\n",
	       NUM_ITEMS, PER_ITEM, svmgpu_device_compute_threads(dev),
	       gpu_ns / 1e6, (double)gpu_ns / NUM_VALUES);
	status = 0;

out:
	/* A job that may still run still writes the bins: leave them be. */
	if (example_compute_del(prog, vm, queue, running))
		return status;
	free(args);
	free(expected);
	free(bins);
	free(values);
	return status;
}

int main(int argc, char **argv)
{
	return example_main(argc, argv,
			    "Count a histogram of malloc'd values with a GPU program's atomics, through system SVM, and check it.",
			    example_require_compute, run);
}
