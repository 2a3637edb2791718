// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * svmgpu_tree_search: lookups in a binary search tree of malloc'd nodes,
 * one GPU work item per key, through libsvmgpu only.
 *
 * The CPU builds an (unbalanced) binary search tree: NUM_KEYS nodes, one
 * malloc() each, inserted in random order. Then NUM_QUERIES work items
 * each look one key up, following the left and right pointers from the
 * root, and store the node's value, or NOT_FOUND. Half of the keys are in
 * the tree and half are not. Work items take different paths through the
 * tree, and share its upper nodes.
 *
 * Where the other compute examples write their programs as assembler
 * text, this one uses the C program builder directly: registers by number,
 * labels for the branches, offsets from offsetof(). See "DOC: compute
 * programs" in svmgpu_prog.h.
 *
 * On the first svmgpu device, in a VM that mirrors this process (system
 * SVM), svmgpu_queue_dispatch_svm() runs the program; every result is
 * then checked against the CPU's own lookup.
 *
 * Exit status: 0 if every result is right, 1 on any error or mismatch, 77
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

#define EXAMPLE_NAME "svmgpu_tree_search"
#include "example.h"

#define NUM_KEYS	100000u
#define NUM_QUERIES	65536u
#define NOT_FOUND	UINT64_MAX
#define RESULT_POISON	0xeeeeeeeeeeeeeeeeull
#define TIMEOUT_NS	(60 * 1000000000ll)

/* A node of the tree, as the CPU lays it out and the GPU reads it. */
struct node {
	uint64_t key;
	uint64_t value;
	struct node *left;	/* Keys below @key */
	struct node *right;	/* Keys above @key */
};

/* What the program's argument, r1, points at. */
struct search_args {
	uint64_t root;		/* The tree */
	uint64_t keys;		/* NUM_QUERIES uint64_t keys to look up */
	uint64_t results;	/* NUM_QUERIES uint64_t: value or NOT_FOUND */
};

/* The registers of the program, named. r0 and r1 are preloaded. */
enum {
	R_ID = 0,	/* The work item's id: which key */
	R_ARG = 1,	/* &struct search_args */
	R_NODE = 5,	/* The current node */
	R_KEY = 6,	/* The key looked up */
	R_OUT = 7,	/* &results[id] */
	R_VALUE = 8,	/* What is stored there */
	R_TMP = 9,	/* The current node's key */
};

static uint64_t xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * The lookup, in the builder's words:
 *
 *	node = args->root; key = args->keys[id]; out = &args->results[id];
 *	value = NOT_FOUND;
 *	loop:	if (!node) goto store;
 *		if (key == node->key) goto found;
 *		if (key < node->key) goto left;
 *		node = node->right; goto loop;
 *	left:	node = node->left; goto loop;
 *	found:	value = node->value;
 *	store:	*out = value; exit;
 */
static int build_program(struct svmgpu_prog *p)
{
	uint32_t loop, left, found, store;
	int ret;

	/* Errors latch: build everything, then check once. */
	svmgpu_prog_load(p, DRM_SVMGPU_OP_LD64, R_NODE, R_ARG,
			 offsetof(struct search_args, root));
	svmgpu_prog_load(p, DRM_SVMGPU_OP_LD64, R_KEY, R_ARG,
			 offsetof(struct search_args, keys));
	svmgpu_prog_madi(p, R_KEY, R_ID, sizeof(uint64_t), R_KEY);
	svmgpu_prog_load(p, DRM_SVMGPU_OP_LD64, R_KEY, R_KEY, 0);
	svmgpu_prog_load(p, DRM_SVMGPU_OP_LD64, R_OUT, R_ARG,
			 offsetof(struct search_args, results));
	svmgpu_prog_madi(p, R_OUT, R_ID, sizeof(uint64_t), R_OUT);
	svmgpu_prog_li(p, R_VALUE, NOT_FOUND);

	svmgpu_prog_label(p, &loop);
	svmgpu_prog_label(p, &left);
	svmgpu_prog_label(p, &found);
	svmgpu_prog_label(p, &store);

	svmgpu_prog_bind(p, loop);
	svmgpu_prog_branch(p, DRM_SVMGPU_OP_BZ, R_NODE, 0, store);
	svmgpu_prog_load(p, DRM_SVMGPU_OP_LD64, R_TMP, R_NODE,
			 offsetof(struct node, key));
	svmgpu_prog_branch(p, DRM_SVMGPU_OP_BEQ, R_KEY, R_TMP, found);
	svmgpu_prog_branch(p, DRM_SVMGPU_OP_BLTU, R_KEY, R_TMP, left);
	svmgpu_prog_load(p, DRM_SVMGPU_OP_LD64, R_NODE, R_NODE,
			 offsetof(struct node, right));
	svmgpu_prog_branch(p, DRM_SVMGPU_OP_BR, 0, 0, loop);

	svmgpu_prog_bind(p, left);
	svmgpu_prog_load(p, DRM_SVMGPU_OP_LD64, R_NODE, R_NODE,
			 offsetof(struct node, left));
	svmgpu_prog_branch(p, DRM_SVMGPU_OP_BR, 0, 0, loop);

	svmgpu_prog_bind(p, found);
	svmgpu_prog_load(p, DRM_SVMGPU_OP_LD64, R_VALUE, R_NODE,
			 offsetof(struct node, value));

	svmgpu_prog_bind(p, store);
	svmgpu_prog_store(p, DRM_SVMGPU_OP_ST64, R_OUT, 0, R_VALUE);
	svmgpu_prog_exit(p);

	ret = svmgpu_prog_error(p);
	return ret ? fail("program", ret) : 0;
}

/* Insert @n under *@root; return the depth it landed at, from 1. */
static uint32_t tree_insert(struct node **root, struct node *n)
{
	uint32_t depth = 1;

	while (*root) {
		root = n->key < (*root)->key ? &(*root)->left : &(*root)->right;
		depth++;
	}
	*root = n;
	return depth;
}

/* The CPU's lookup, for the comparison. */
static uint64_t tree_lookup(const struct node *n, uint64_t key)
{
	while (n && n->key != key)
		n = key < n->key ? n->left : n->right;
	return n ? n->value : NOT_FOUND;
}

/* Free the tree's nodes, without recursion: the tree may be deep. */
static void tree_free(struct node *n)
{
	struct node *left;

	while (n) {
		if (n->left) {
			/* Rotate right, so that the left child comes first. */
			left = n->left;
			n->left = left->right;
			left->right = n;
			n = left;
		} else {
			left = n->right;
			free(n);
			n = left;
		}
	}
}

/*
 * Keys 2, 4, ..., 2 * NUM_KEYS inserted in random order; the queries are
 * keys of the tree and odd numbers, which are not in it, in turn.
 */
static int build_tree(struct node **root, uint64_t *keys, uint32_t *depth)
{
	uint64_t x = 0x2545f4914f6cdd1dull, *order, tmp;
	uint32_t i, j, d;

	order = malloc(NUM_KEYS * sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (i = 0; i < NUM_KEYS; i++)
		order[i] = 2 * (i + 1);
	for (i = NUM_KEYS - 1; i > 0; i--) {
		j = xorshift64(&x) % (i + 1);
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}

	*depth = 0;
	for (i = 0; i < NUM_KEYS; i++) {
		struct node *n = malloc(sizeof(*n));

		if (!n) {
			free(order);
			return -ENOMEM;
		}
		*n = (struct node) {
			.key = order[i],
			.value = xorshift64(&x) >> 1,	/* Never NOT_FOUND */
		};
		d = tree_insert(root, n);
		if (d > *depth)
			*depth = d;
	}
	free(order);

	for (i = 0; i < NUM_QUERIES; i++) {
		uint64_t k = 2 * (xorshift64(&x) % NUM_KEYS + 1);

		keys[i] = i % 2 ? k + 1 : k;	/* Odd: absent. */
	}
	return 0;
}

static int run(struct svmgpu_device *dev)
{
	uint64_t *keys = NULL, *results = NULL, *expected = NULL;
	uint64_t t, cpu_ns, gpu_ns, hits = 0;
	struct svmgpu_queue *queue = NULL;
	struct search_args *args = NULL;
	struct svmgpu_prog *prog = NULL;
	struct svmgpu_vm *vm = NULL;
	struct node *root = NULL;
	bool running = false;
	int ret, status = 1;
	uint32_t i, depth;

	keys = malloc(NUM_QUERIES * sizeof(*keys));
	results = malloc(NUM_QUERIES * sizeof(*results));
	expected = malloc(NUM_QUERIES * sizeof(*expected));
	args = malloc(sizeof(*args));
	if (!keys || !results || !expected || !args ||
	    build_tree(&root, keys, &depth)) {
		status = fail("malloc", -ENOMEM);
		goto out;
	}
	printf("tree: %u nodes, one malloc() each, inserted in random order, depth %u\n",
	       NUM_KEYS, depth);

	/* The CPU's lookups. */
	t = now_ns();
	for (i = 0; i < NUM_QUERIES; i++)
		expected[i] = tree_lookup(root, keys[i]);
	cpu_ns = now_ns() - t;

	if (example_compute_new(dev, build_program, &prog, &vm, &queue))
		goto out;

	for (i = 0; i < NUM_QUERIES; i++)
		results[i] = RESULT_POISON;
	*args = (struct search_args) {
		.root = svmgpu_ptr(root),
		.keys = svmgpu_ptr(keys),
		.results = svmgpu_ptr(results),
	};
	t = now_ns();
	ret = svmgpu_queue_dispatch_svm(queue, prog, NUM_QUERIES, 1, 1,
					svmgpu_ptr(args), TIMEOUT_NS);
	gpu_ns = now_ns() - t;
	if (example_job_failed(ret, "job", "dispatch", TIMEOUT_NS,
			       &running))
		goto out;

	for (i = 0; i < NUM_QUERIES; i++) {
		if (results[i] != expected[i]) {
			printf("mismatch for key %" PRIu64 " (query %" PRIu32 "): GPU 0x%016" PRIx64 ", CPU 0x%016" PRIx64 "\n",
			       keys[i], i, results[i], expected[i]);
			goto out;
		}
		hits += results[i] != NOT_FOUND;
	}
	printf("%u lookups by %u work items (%u program instructions): %" PRIu64 " found, %" PRIu64 " absent, GPU and CPU agree\n",
	       NUM_QUERIES, NUM_QUERIES, svmgpu_prog_count(prog), hits,
	       NUM_QUERIES - hits);
	printf("  GPU (faulting pages in): %9.3f ms, %8.1f ns/lookup\n",
	       gpu_ns / 1e6, (double)gpu_ns / NUM_QUERIES);
	printf("  CPU:                     %9.3f ms, %8.1f ns/lookup\n",
	       cpu_ns / 1e6, (double)cpu_ns / NUM_QUERIES);
	status = 0;

out:
	/* A job that may still run still reads the tree: leave it be. */
	if (example_compute_del(prog, vm, queue, running))
		return status;
	tree_free(root);
	free(args);
	free(expected);
	free(results);
	free(keys);
	return status;
}

int main(int argc, char **argv)
{
	return example_main(argc, argv,
			    "Look keys up in a binary tree of malloc'd nodes with GPU work items, through system SVM, and check them.",
			    example_require_compute, run);
}
