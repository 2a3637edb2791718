// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * svmgpu_list_walk: the GPU follows the CPU's pointers through a linked
 * list of malloc'd nodes, through libsvmgpu only.
 *
 * The canonical demonstration of fine-grained system SVM: a data structure
 * that the CPU built with malloc(), full of raw pointers, is handed to the
 * GPU as it is: no flattening, no copy, no pointer translation.
 *
 * - The CPU allocates NUM_NODES nodes, one malloc() each, and links them in
 *   a shuffled order, so that consecutive nodes are scattered over the
 *   heap; it walks the list itself and sums the values.
 * - A program in the compute ISA's assembler text walks the same list with
 *   one work item, from the head pointer to NULL, and stores the sum and
 *   the count of nodes. On the first svmgpu device, in a VM that mirrors
 *   this process, svmgpu_queue_dispatch_svm() runs it in one call; every
 *   load of a node is an access through the GPU MMU, which faults the
 *   node's page in the first time.
 *
 * Both sums must agree, and the times per node of both walks are printed.
 * The walk runs about five instructions per node: a compute_budget module
 * parameter below 600000 instructions per work item ends it early.
 *
 * Exit status: 0 if the sums agree, 1 on any error or mismatch, 77 (skip)
 * if the driver does not implement system SVM or compute programs.
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

#define EXAMPLE_NAME "svmgpu_list_walk"
#include "example.h"

#define NUM_NODES	100000u
#define TIMEOUT_NS	(120 * 1000000000ll)
#define RESULT_POISON	0xeeeeeeeeeeeeeeeeull

/* A node of the list, as the CPU lays it out and the GPU reads it. */
struct node {
	struct node *next;
	uint64_t value;
};

/* What the program's argument, r1, points at. */
struct walk_args {
	uint64_t head;		/* In: the first node */
	uint64_t sum;		/* Out: the sum of the values */
	uint64_t count;		/* Out: the number of nodes */
};

/*
 * One work item walks the whole list. The .equ constants that this text
 * uses are prepended from the C structures' offsets.
 */
static const char walk_program[] =
	"	ld64  r5, [r1 + ARG_HEAD]	# r5 = node\n"
	"	li    r6, 0			# r6 = sum\n"
	"	li    r7, 0			# r7 = count\n"
	"	bz    r5, done\n"
	"loop:\n"
	"	ld64  r8, [r5 + NODE_VALUE]\n"
	"	add   r6, r6, r8\n"
	"	add   r7, r7, 1\n"
	"	ld64  r5, [r5 + NODE_NEXT]	# node = node->next\n"
	"	bnz   r5, loop\n"
	"done:\n"
	"	st64  [r1 + ARG_SUM], r6\n"
	"	st64  [r1 + ARG_COUNT], r7\n"
	"	exit\n";

static uint64_t xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * Allocate the nodes one by one into @nodes, then link them in a random
 * order; return the head.
 */
static struct node *build_list(struct node **nodes)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct node *tmp;
	uint32_t i, j;

	for (i = 0; i < NUM_NODES; i++) {
		nodes[i] = malloc(sizeof(**nodes));
		if (!nodes[i])
			return NULL;
		nodes[i]->value = xorshift64(&x) >> 20;
	}
	/* Fisher-Yates: the list order is a random permutation. */
	for (i = NUM_NODES - 1; i > 0; i--) {
		j = xorshift64(&x) % (i + 1);
		tmp = nodes[i];
		nodes[i] = nodes[j];
		nodes[j] = tmp;
	}
	for (i = 0; i < NUM_NODES; i++)
		nodes[i]->next = i + 1 < NUM_NODES ? nodes[i + 1] : NULL;
	return nodes[0];
}

static int build_program(struct svmgpu_prog *p)
{
	return example_asm(p, walk_program,
			   ".equ ARG_HEAD, %zu\n.equ ARG_SUM, %zu\n"
			   ".equ ARG_COUNT, %zu\n.equ NODE_NEXT, %zu\n"
			   ".equ NODE_VALUE, %zu\n",
			   offsetof(struct walk_args, head),
			   offsetof(struct walk_args, sum),
			   offsetof(struct walk_args, count),
			   offsetof(struct node, next),
			   offsetof(struct node, value));
}

static int run(struct svmgpu_device *dev)
{
	struct node **nodes = calloc(NUM_NODES, sizeof(*nodes)), *n;
	uint64_t cpu_sum = 0, cpu_count = 0, t, cpu_ns, gpu_ns;
	struct svmgpu_queue *queue = NULL;
	struct walk_args *args = NULL;
	struct svmgpu_prog *prog = NULL;
	struct svmgpu_vm *vm = NULL;
	bool running = false;
	int ret, status = 1;
	uint32_t i;

	args = malloc(sizeof(*args));
	if (!nodes || !args || !build_list(nodes)) {
		status = fail("malloc", -ENOMEM);
		goto out;
	}
	printf("list: %u nodes of %zu bytes, one malloc() each, linked in shuffled order\n",
	       NUM_NODES, sizeof(struct node));

	/* The CPU's walk. */
	t = now_ns();
	for (n = nodes[0]; n; n = n->next) {
		cpu_sum += n->value;
		cpu_count++;
	}
	cpu_ns = now_ns() - t;

	if (example_compute_new(dev, build_program, &prog, &vm, &queue))
		goto out;

	/* The GPU's walk: one work item, the argument pointing at @args. */
	*args = (struct walk_args) {
		.head = svmgpu_ptr(nodes[0]),
		.sum = RESULT_POISON,
		.count = RESULT_POISON,
	};
	t = now_ns();
	ret = svmgpu_queue_dispatch_svm(queue, prog, 1, 1, 1, svmgpu_ptr(args),
					TIMEOUT_NS);
	gpu_ns = now_ns() - t;
	if (ret == -ECANCELED) {
		fprintf(stderr, "svmgpu_list_walk: the walk failed on the GPU, which banned its queue (is compute_budget too low?)\n");
		goto out;
	}
	if (example_job_failed(ret, "walk", "dispatch", TIMEOUT_NS,
			       &running))
		goto out;

	if (args->sum != cpu_sum || args->count != cpu_count) {
		printf("mismatch: GPU sum 0x%016" PRIx64 " over %" PRIu64 " nodes, CPU sum 0x%016" PRIx64 " over %" PRIu64 "\n",
		       args->sum, args->count, cpu_sum, cpu_count);
		goto out;
	}
	printf("walk of %" PRIu64 " nodes, sum 0x%016" PRIx64 ": GPU and CPU agree\n",
	       cpu_count, cpu_sum);
	printf("  GPU, one work item (faulting pages in): %9.3f ms, %8.1f ns/node\n",
	       gpu_ns / 1e6, (double)gpu_ns / NUM_NODES);
	printf("  CPU:                                    %9.3f ms, %8.1f ns/node\n",
	       cpu_ns / 1e6, (double)cpu_ns / NUM_NODES);
	status = 0;

out:
	/* A walk that may still run still reads the nodes: leave them be. */
	if (example_compute_del(prog, vm, queue, running))
		return status;
	for (i = 0; nodes && i < NUM_NODES; i++)
		free(nodes[i]);
	free(nodes);
	free(args);
	return status;
}

int main(int argc, char **argv)
{
	return example_main(argc, argv,
			    "Sum a linked list of malloc'd nodes with one GPU work item, through system SVM, and check it.",
			    example_require_compute, run);
}
