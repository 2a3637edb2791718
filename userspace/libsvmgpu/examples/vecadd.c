// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * svmgpu_vecadd: c[i] = a[i] + b[i], computed by a GPU program on malloc'd
 * arrays, through libsvmgpu only.
 *
 * The "hello world" of GPU compute, on shared virtual memory. On the first
 * svmgpu device, in a VM that mirrors this process (system SVM):
 *
 * - the program is written in the compute ISA's assembler text and
 *   assembled by svmgpu_asm() into a &struct svmgpu_prog;
 * - the arrays, the argument block that points at them, the program and
 *   the command buffer are all plain malloc'd memory, and the GPU uses the
 *   CPU's pointers as they are: no buffer object, no copy;
 * - a command buffer with one DISPATCH of NUM_ITEMS work items (one per
 *   element) and END is submitted where it is with a user fence, and
 *   waited for. This is what svmgpu_queue_dispatch_svm() does in one call;
 *   it is spelled out here.
 *
 * The job runs twice: first cold, the GPU faulting every page in as it
 * touches it, then warm. Each time, c is poisoned first and checked after
 * against the CPU's own sum, and the time per element is printed next to
 * the CPU's loop.
 *
 * Exit status: 0 if c is right, 1 on any error or mismatch, 77 (skip) if
 * the driver does not implement system SVM or compute programs.
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

#define EXAMPLE_NAME "svmgpu_vecadd"
#include "example.h"

#define NUM_ITEMS	(1u << 20)
#define TIMEOUT_NS	(60 * 1000000000ll)
#define C_POISON	0xdeadbeefu

/*
 * What the program's argument, r1, points at: the three arrays. The
 * offsets of its fields become .equ constants of the program text.
 */
struct vecadd_args {
	uint64_t a;
	uint64_t b;
	uint64_t c;
};

/*
 * One work item per element. r0 holds its id, i; r1 the argument. Every
 * pointer is a CPU pointer, every access a fault-and-replay the first time
 * the GPU touches a page.
 */
static const char vecadd_program[] =
	"# c[i] = a[i] + b[i], i = r0, for 32-bit elements\n"
	"	ld64  r5, [r1 + ARG_A]	# r5 = a\n"
	"	ld64  r6, [r1 + ARG_B]	# r6 = b\n"
	"	ld64  r7, [r1 + ARG_C]	# r7 = c\n"
	"	mad   r5, r0, 4, r5	# r5 = &a[i]\n"
	"	mad   r6, r0, 4, r6	# r6 = &b[i]\n"
	"	mad   r7, r0, 4, r7	# r7 = &c[i]\n"
	"	ld32  r8, [r5]\n"
	"	ld32  r9, [r6]\n"
	"	add   r8, r8, r9	# 64-bit add; st32 keeps the low half\n"
	"	st32  [r7], r8\n"
	"	exit\n";

/* The program text with its constants, assembled. */
static int build_program(struct svmgpu_prog *p)
{
	return example_asm(p, vecadd_program,
			   ".equ ARG_A, %zu\n.equ ARG_B, %zu\n.equ ARG_C, %zu\n",
			   offsetof(struct vecadd_args, a),
			   offsetof(struct vecadd_args, b),
			   offsetof(struct vecadd_args, c));
}

/*
 * DISPATCH and END in @cs, submitted with @fence reaching @value. The
 * program is fetched where the builder keeps it, in malloc'd memory.
 */
static int run_dispatch(struct svmgpu_queue *q, const struct svmgpu_prog *p,
			struct svmgpu_cs *cs, const struct vecadd_args *args,
			uint64_t *fence, uint64_t value)
{
	int ret;

	svmgpu_cs_reset(cs);
	svmgpu_cs_dispatch(cs, svmgpu_ptr(svmgpu_prog_insns(p)),
			   svmgpu_prog_count(p), NUM_ITEMS, 1, 1,
			   svmgpu_ptr(args));
	svmgpu_cs_end(cs);
	ret = svmgpu_cs_error(cs);
	if (ret)
		return ret;

	ret = svmgpu_queue_exec_svm(q, svmgpu_cs_words(cs), svmgpu_cs_size(cs),
				    fence, value);
	if (ret)
		return ret;
	return svmgpu_user_fence_wait(q, fence, value, TIMEOUT_NS, 0);
}

/* Check the GPU's c against the CPU's; return 0 or 1, the exit status. */
static int verify(const uint32_t *c, const uint32_t *cpu)
{
	uint32_t i;

	for (i = 0; i < NUM_ITEMS; i++) {
		if (c[i] != cpu[i]) {
			printf("mismatch at %" PRIu32 ": GPU 0x%08" PRIx32 ", CPU 0x%08" PRIx32 "%s\n",
			       i, c[i], cpu[i],
			       c[i] == C_POISON ? " (not written)" : "");
			return 1;
		}
	}
	return 0;
}

static int run(struct svmgpu_device *dev)
{
	uint32_t *a = NULL, *b = NULL, *c = NULL, *cpu = NULL, x = 0x2545f491u;
	struct svmgpu_queue *queue = NULL;
	struct vecadd_args *args = NULL;
	struct svmgpu_prog *prog = NULL;
	struct svmgpu_cs *cs = NULL;
	struct svmgpu_vm *vm = NULL;
	uint64_t *fence = NULL, t, gpu_ns[2], cpu_ns;
	bool running = false;
	int ret, status = 1, pass;
	uint32_t i;

	a = malloc(NUM_ITEMS * sizeof(*a));
	b = malloc(NUM_ITEMS * sizeof(*b));
	c = malloc(NUM_ITEMS * sizeof(*c));
	cpu = malloc(NUM_ITEMS * sizeof(*cpu));
	args = malloc(sizeof(*args));
	fence = malloc(sizeof(*fence));
	if (!a || !b || !c || !cpu || !args || !fence) {
		status = fail("malloc", -ENOMEM);
		goto out;
	}
	for (i = 0; i < NUM_ITEMS; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		a[i] = x;
		b[i] = x * 2654435761u + i;
	}
	*args = (struct vecadd_args) {
		.a = svmgpu_ptr(a),
		.b = svmgpu_ptr(b),
		.c = svmgpu_ptr(c),
	};
	*fence = 0;

	/* The same loop on the CPU, for the comparison. */
	t = now_ns();
	for (i = 0; i < NUM_ITEMS; i++)
		cpu[i] = a[i] + b[i];
	cpu_ns = now_ns() - t;

	if (example_compute_new(dev, build_program, &prog, &vm, &queue))
		goto out;
	ret = svmgpu_cs_new(&cs);
	if (ret) {
		status = fail("setup", ret);
		goto out;
	}
	printf("program: %u instructions, run by %u work items on %u compute threads per engine\n",
	       svmgpu_prog_count(prog), NUM_ITEMS,
	       svmgpu_device_compute_threads(dev));

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < NUM_ITEMS; i++)
			c[i] = C_POISON;
		t = now_ns();
		ret = run_dispatch(queue, prog, cs, args, fence, pass + 1);
		gpu_ns[pass] = now_ns() - t;
		if (example_job_failed(ret, "job", "dispatch", TIMEOUT_NS,
				       &running))
			goto out;
		if (verify(c, cpu))
			goto out;
	}

	printf("vecadd of %u uint32 elements (%u KiB per array, malloc'd): OK\n",
	       NUM_ITEMS, NUM_ITEMS * 4 / 1024);
	printf("  GPU, cold (faulting pages in): %8.3f ms, %7.1f ns/item\n",
	       gpu_ns[0] / 1e6, (double)gpu_ns[0] / NUM_ITEMS);
	printf("  GPU, warm:                     %8.3f ms, %7.1f ns/item\n",
	       gpu_ns[1] / 1e6, (double)gpu_ns[1] / NUM_ITEMS);
	printf("  CPU loop:                      %8.3f ms, %7.1f ns/item (GPU warm / CPU: %.1fx)\n",
	       cpu_ns / 1e6, (double)cpu_ns / NUM_ITEMS,
	       cpu_ns ? (double)gpu_ns[1] / cpu_ns : 0.0);
	status = 0;

out:
	/*
	 * A job that may still run still reads the program and the commands
	 * and writes c: leave them be, the process is about to exit.
	 */
	if (example_compute_del(prog, vm, queue, running))
		return status;
	svmgpu_cs_del(cs);
	free(fence);
	free(args);
	free(cpu);
	free(c);
	free(b);
	free(a);
	return status;
}

int main(int argc, char **argv)
{
	return example_main(argc, argv,
			    "Add two malloc'd arrays with a GPU program, through system SVM, and check the sum.",
			    example_require_compute, run);
}
