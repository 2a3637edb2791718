// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * compute_bench [MiB]: programmable compute (DRM_SVMGPU_CMD_DISPATCH, uAPI
 * 1.5) on shared virtual memory, in a VM that mirrors this process
 * (svmgpu_vm_new_svm()), against the CPU doing the same work in the same
 * run. Programs are written with libsvmgpu's assembler (svmgpu_asm()).
 * Three figures, each the median of REPS runs:
 *
 * 1. Vector add, c[i] = a[i] + b[i] on uint64_t arrays of 64 MiB each (by
 *    default; 8M elements, 192 MiB in all), posix_memalign()ed to 2 MiB
 *    and written by the CPU first. One untimed dispatch first maps every
 *    page into the GPU's page table, so the timed runs take no GPU fault
 *    (a warm run). GPU time: from the first EXEC to the user fence seen,
 *    so it includes submission, the program's decode and the completion;
 *    the CPU reference is a plain C loop over the same arrays (compiled
 *    -O2, vectorised as the compiler sees fit). Ratios are CPU time / GPU
 *    time (above 1: the GPU is faster). The same loop in N pthreads shows
 *    how far the machine (the VM's vCPUs) lets N threads scale. Three
 *    ways to run it on the GPU:
 *    - 1 thread: one work item loops over the elements, so that one
 *      compute thread is busy; as jobs must stay below the job timeout,
 *      the arrays are cut into SLICES jobs of one work item each, queued
 *      at once on one queue (they run one after the other);
 *    - N threads: N * 16 work items, each looping over a contiguous 1/(N
 *      * 16) of the arrays with the same loop, for the N compute threads
 *      of the engine;
 *    - one element per work item: 8M work items of 12 instructions, the
 *      GPU way, which adds the cost of starting each work item.
 *    The loop is 9 instructions per element (3 memory accesses), plus 10
 *    per work item.
 *
 * 2. Interpreted instructions per second per compute thread: of the
 *    1-thread run (the instructions it ran, known from the program, over
 *    its time; per thread, as one thread ran), and of the N-thread run
 *    (divided by N). When debugfs bo_stats can be read, its
 *    compute_insns delta over a run is checked against the known count.
 *
 * 3. Linked-list walk: 100 000 nodes { next, value }, each malloc()ed, in
 *    the order they were allocated, walked and summed by one work item
 *    (6 instructions per node, 2 loads), warm as above; the CPU walks the
 *    same list with the same loop. ns per node both ways, and their ratio
 *    (GPU / CPU: how many times slower the GPU walk is).
 *
 * The compute_budget module parameter limits the instructions of each work
 * item; the 1-thread runs need more than its default may allow, so it is
 * set to 0 (no limit) for the run, and put back at exit. Every result is
 * checked against the CPU's.
 *
 * Exit status: 0, unless a step failed or a result was wrong (1).
 */

/* posix_memalign() and friends. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"
#include "svmgpu_prog.h"
#include "bench_util.h"

#define NAME		"compute_bench"
#define DIE(what, err)	bench_die(NAME, what, err)

#define REPS		5
#define SLICES		16
#define ITEMS_PER_THREAD 16
#define LIST_NODES	100000
#define SZ_2M		(2ul << 20)
#define TIMEOUT_NS	(300 * 1000000000ll)
#define BUDGET_PATH	"/sys/module/svmgpu/parameters/compute_budget"

/* Instructions the programs run, per element or node, and around. */
#define LOOP_INSNS	9	/* vec_loop's loop, per element */
#define LOOP_SETUP	10	/* vec_loop before the loop, and EXIT */
#define WALK_INSNS	6	/* list_walk's loop, per node */

/*
 * Arguments of vec_loop: the arrays, and how many elements each work
 * item adds, starting at id * per.
 */
struct vec_args {
	uint64_t a, b, c, per;
};

static const char vec_loop[] =
	"	ld64	r8, [r1 + 24]		# per\n"
	"	mul	r9, r0, r8		# first element\n"
	"	shl	r9, r9, 3\n"
	"	ld64	r5, [r1]\n"
	"	ld64	r6, [r1 + 8]\n"
	"	ld64	r7, [r1 + 16]\n"
	"	add	r5, r5, r9\n"
	"	add	r6, r6, r9\n"
	"	add	r7, r7, r9\n"
	"loop:	ld64	r10, [r5]\n"
	"	ld64	r11, [r6]\n"
	"	add	r10, r10, r11\n"
	"	st64	[r7], r10\n"
	"	add	r5, r5, 8\n"
	"	add	r6, r6, 8\n"
	"	add	r7, r7, 8\n"
	"	sub	r8, r8, 1\n"
	"	bnz	r8, loop\n"
	"	exit\n";

/* One element per work item; r1 points at struct vec_args. */
static const char vec_item[] =
	"	ld64	r5, [r1]\n"
	"	ld64	r6, [r1 + 8]\n"
	"	ld64	r7, [r1 + 16]\n"
	"	shl	r8, r0, 3\n"
	"	add	r5, r5, r8\n"
	"	add	r6, r6, r8\n"
	"	add	r7, r7, r8\n"
	"	ld64	r10, [r5]\n"
	"	ld64	r11, [r6]\n"
	"	add	r10, r10, r11\n"
	"	st64	[r7], r10\n"
	"	exit\n";

/* r1 points at { head, sum, count }. */
static const char list_walk[] =
	"	ld64	r5, [r1]\n"
	"loop:	bz	r5, done\n"
	"	ld64	r8, [r5 + 8]\n"
	"	add	r6, r6, r8\n"
	"	add	r7, r7, 1\n"
	"	ld64	r5, [r5]\n"
	"	br	loop\n"
	"done:	st64	[r1 + 8], r6\n"
	"	st64	[r1 + 16], r7\n"
	"	exit\n";

struct node {
	struct node *next;
	uint64_t value;
};

/* The bo_stats counters used here. */
enum bo_stat { S_DISPATCHES, S_INSNS, S_COUNT };

static const char *const stat_names[S_COUNT] = {
	"compute_dispatches", "compute_insns",
};

static struct {
	struct svmgpu_device *dev;
	struct svmgpu_vm *vm;
	struct svmgpu_queue *q;
	uint32_t threads;
	uint8_t *mem;		/* programs, command buffers, arguments */
	size_t used;
	volatile uint64_t *fence;
	uint64_t fence_value;
	struct bench_stats stats;
	char budget[32];	/* compute_budget as found, or "" */
} B;

/* ---- set-up ---- */

static int query_threads(void)
{
	struct drm_svmgpu_query_device_info info = {};
	struct drm_svmgpu_device_query q = {
		.query = DRM_SVMGPU_QUERY_DEVICE_INFO,
		.size = sizeof(info),
		.data = (uintptr_t)&info,
	};

	if (drmIoctl(svmgpu_device_fd(B.dev), DRM_IOCTL_SVMGPU_DEVICE_QUERY,
		     &q))
		return -errno;
	if (!(info.features & DRM_SVMGPU_FEATURE_COMPUTE))
		return -EOPNOTSUPP;
	B.threads = info.compute_threads;
	return B.threads ? 0 : -EINVAL;
}

static bool write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(s, f) >= 0;
	return !fclose(f) && ok;
}

static void restore_budget(void)
{
	if (B.budget[0] && !write_file(BUDGET_PATH, B.budget))
		printf("note: could not put compute_budget back to %s",
		       B.budget);
}

/* compute_budget = 0 for the run; false if it limits and cannot be set. */
static bool unlimit_budget(void)
{
	FILE *f = fopen(BUDGET_PATH, "r");
	unsigned long long v = 0;

	if (!f || !fgets(B.budget, sizeof(B.budget), f) ||
	    sscanf(B.budget, "%llu", &v) != 1) {
		if (f)
			fclose(f);
		B.budget[0] = '\0';
		printf("note: %s cannot be read\n", BUDGET_PATH);
		return true;
	}
	fclose(f);
	if (v == 0) {
		B.budget[0] = '\0';
		return true;
	}
	if (!write_file(BUDGET_PATH, "0")) {
		fprintf(stderr, "%s: cannot write 0 to %s (it is %llu)\n", NAME,
			BUDGET_PATH, v);
		B.budget[0] = '\0';
		return false;
	}
	atexit(restore_budget);
	return true;
}

/* @size bytes of B.mem, 64-byte aligned. */
static void *carve(size_t size)
{
	size_t off = (B.used + 63) & ~(size_t)63;

	if (off + size > SZ_2M) {
		fprintf(stderr, "%s: out of command memory\n", NAME);
		exit(1);
	}
	B.used = off + size;
	return B.mem + off;
}

/* The program of @src, copied to B.mem; its instruction count in *@n. */
static uint64_t program(const char *src, uint32_t *n)
{
	struct svmgpu_prog *p;
	char err[256] = "";
	void *at;
	int ret;

	ret = svmgpu_prog_new(&p);
	if (!ret)
		ret = svmgpu_asm(p, src, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: assembling: %s: %s\n", NAME, err,
			strerror(-ret));
		exit(1);
	}
	*n = svmgpu_prog_count(p);
	at = carve(svmgpu_prog_size(p));
	ret = svmgpu_prog_write(p, at, svmgpu_prog_size(p));
	svmgpu_prog_del(p);
	if (ret) {
		fprintf(stderr, "%s: svmgpu_prog_write: %s\n", NAME,
			strerror(-ret));
		exit(1);
	}
	return svmgpu_ptr(at);
}

/* A command buffer: DISPATCH, END ("DOC: command stream"). */
struct job {
	uint32_t *cs;
	size_t bytes;
};

static struct job dispatch_job(uint64_t prog, uint32_t len, uint32_t x,
			       uint32_t y, uint64_t arg)
{
	uint32_t *w = carve(11 * 4);

	w[0] = DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_DISPATCH, 0, 10);
	w[1] = (uint32_t)prog;
	w[2] = prog >> 32;
	w[3] = len;
	w[4] = x;
	w[5] = y;
	w[6] = 1;
	w[7] = (uint32_t)arg;
	w[8] = arg >> 32;
	w[9] = 0;
	w[10] = DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_END, 0, 1);
	return (struct job) { w, 11 * 4 };
}

/* Run @n jobs, queued at once; seconds from the first EXEC to the fence. */
static double run(const struct job *jobs, unsigned int n)
{
	double t0 = bench_now();
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = svmgpu_queue_exec_svm(B.q, jobs[i].cs, jobs[i].bytes,
					    B.fence, ++B.fence_value);
		if (ret) {
			DIE("EXEC", ret);
			exit(1);
		}
	}
	ret = svmgpu_user_fence_wait(B.q, B.fence, B.fence_value, TIMEOUT_NS,
				     0);
	if (ret) {
		fprintf(stderr, "%s: a job failed: %s (%s)\n", NAME,
			strerror(-ret), ret == -ECANCELED ?
			"the queue is banned" : "waiting");
		exit(1);
	}
	return bench_now() - t0;
}

static uint64_t *alloc_array(size_t size)
{
	void *p;

	return posix_memalign(&p, SZ_2M, size) ? NULL : p;
}

static void fill(uint64_t *a, uint64_t *b, uint64_t *c, size_t n,
		 unsigned int rep)
{
	size_t i;

	for (i = 0; i < n; i++) {
		a[i] = i * 0x9e3779b97f4a7c15ull + rep;
		b[i] = i ^ (0x5555ull << rep);
		c[i] = ~0ull;
	}
}

static bool check(const uint64_t *a, const uint64_t *b, const uint64_t *c,
		  size_t n, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i] != a[i] + b[i]) {
			fprintf(stderr, "%s: %s: c[%zu] = %#" PRIx64 ", not %#"
				PRIx64 "\n", NAME, what, i, c[i], a[i] + b[i]);
			return false;
		}
	return true;
}

/* The CPU's vector add; noinline so that it is one loop, timed alone. */
static __attribute__((noinline)) void cpu_add(const uint64_t *a,
					      const uint64_t *b, uint64_t *c,
					      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		c[i] = a[i] + b[i];
}

static __attribute__((noinline)) uint64_t cpu_walk(const struct node *n,
						   uint64_t *count)
{
	uint64_t sum = 0, k = 0;

	for (; n; n = n->next, k++)
		sum += n->value;
	*count = k;
	return sum;
}

static void range(char *buf, size_t len, const double *v, const char *fmt)
{
	char lo[24], hi[24];

	snprintf(lo, sizeof(lo), fmt, v[0]);
	snprintf(hi, sizeof(hi), fmt, v[REPS - 1]);
	snprintf(buf, len, "(runs: %s-%s)", lo, hi);
}

/* ---- the figures ---- */

enum way { W_CPU, W_CPU_N, W_ONE, W_ALL, W_ITEM, W_COUNT };

/* A share of the CPU's vector add, for one of N threads. */
struct cpu_share {
	pthread_t thread;
	const uint64_t *a, *b;
	uint64_t *c;
	size_t n;
};

static void *cpu_share_fn(void *arg)
{
	struct cpu_share *s = arg;

	cpu_add(s->a, s->b, s->c, s->n);
	return NULL;
}

/* The vector add in @threads threads (at most 64); seconds. */
static double cpu_add_threads(const uint64_t *a, const uint64_t *b,
			      uint64_t *c, size_t n, unsigned int threads)
{
	struct cpu_share s[64];
	size_t per = n / threads;
	unsigned int i;
	double t0;

	t0 = bench_now();
	for (i = 0; i < threads; i++) {
		size_t off = i * per;

		s[i] = (struct cpu_share) { .a = a + off, .b = b + off,
					    .c = c + off,
					    .n = i + 1 < threads ? per :
						 n - off };
		if (pthread_create(&s[i].thread, NULL, cpu_share_fn, &s[i])) {
			fprintf(stderr, "%s: pthread_create failed\n", NAME);
			exit(1);
		}
	}
	for (i = 0; i < threads; i++)
		pthread_join(s[i].thread, NULL);
	return bench_now() - t0;
}

static int figure_vector(size_t size)
{
	static const char *const names[W_COUNT] = {
		"CPU loop", "CPU loop, N threads",
		"1 thread (1 work item looping)",
		"N threads (N x 16 work items looping)",
		"one element per work item",
	};
	size_t n = size / 8, per_slice = n / SLICES;
	uint64_t *a = alloc_array(size), *b = alloc_array(size),
		 *c = alloc_array(size);
	uint32_t loop_len, item_len, items = B.threads * ITEMS_PER_THREAD;
	struct vec_args *args = carve(sizeof(*args) * (SLICES + 2));
	double t[W_COUNT][REPS], ratio[W_COUNT][REPS], med[W_COUNT];
	double ips_one[REPS], ips_all[REPS];
	struct job one[SLICES], all, item;
	uint64_t loop_prog, item_prog, insns_all;
	int64_t before[S_COUNT], d[S_COUNT];
	unsigned int rep, s, w;
	char buf[80];

	if (!a || !b || !c)
		return DIE("malloc", -ENOMEM);
	if (n % SLICES || n % items) {
		fprintf(stderr, "%s: %zu elements do not split in %u or %u\n",
			NAME, n, SLICES, items);
		return 1;
	}
	loop_prog = program(vec_loop, &loop_len);
	item_prog = program(vec_item, &item_len);

	/* args[s]: slice s, one work item; args[SLICES]: all, looping. */
	for (s = 0; s < SLICES; s++) {
		args[s] = (struct vec_args) {
			svmgpu_ptr(a + s * per_slice),
			svmgpu_ptr(b + s * per_slice),
			svmgpu_ptr(c + s * per_slice), per_slice,
		};
		one[s] = dispatch_job(loop_prog, loop_len, 1, 1,
				      svmgpu_ptr(&args[s]));
	}
	args[SLICES] = (struct vec_args) {
		svmgpu_ptr(a), svmgpu_ptr(b), svmgpu_ptr(c), n / items,
	};
	all = dispatch_job(loop_prog, loop_len, items, 1,
			   svmgpu_ptr(&args[SLICES]));
	/* 8M items: a 2-D grid of 4096-item rows. */
	item = dispatch_job(item_prog, item_len, 4096, n / 4096,
			    svmgpu_ptr(&args[SLICES]));
	insns_all = items * (LOOP_SETUP + LOOP_INSNS * (n / items));

	/* Warm: every page written by the CPU, then mapped by the GPU. */
	fill(a, b, c, n, 0);
	run(&all, 1);
	if (!check(a, b, c, n, "warm-up"))
		return 1;

	for (rep = 0; rep < REPS; rep++) {
		fill(a, b, c, n, rep + 1);
		t[W_CPU][rep] = bench_now();
		cpu_add(a, b, c, n);
		t[W_CPU][rep] = bench_now() - t[W_CPU][rep];
		if (!check(a, b, c, n, names[W_CPU]))
			return 1;
		memset(c, 0xff, size);
		t[W_CPU_N][rep] = cpu_add_threads(a, b, c, n, B.threads);
		if (!check(a, b, c, n, names[W_CPU_N]))
			return 1;

		memset(c, 0xff, size);
		t[W_ONE][rep] = run(one, SLICES);
		if (!check(a, b, c, n, names[W_ONE]))
			return 1;
		ips_one[rep] = (LOOP_SETUP + LOOP_INSNS * (double)per_slice) *
			       SLICES / t[W_ONE][rep];

		memset(c, 0xff, size);
		bench_stats_read(&B.stats, before);
		t[W_ALL][rep] = run(&all, 1);
		if (B.stats.ok) {
			bench_stats_delta(&B.stats, d, before);
			if (d[S_DISPATCHES] != 1 ||
			    (uint64_t)d[S_INSNS] != insns_all) {
				fprintf(stderr, "%s: bo_stats counted %" PRId64
					" dispatches and %" PRId64
					" instructions, not 1 and %" PRIu64
					"\n", NAME, d[S_DISPATCHES],
					d[S_INSNS], insns_all);
				return 1;
			}
		}
		if (!check(a, b, c, n, names[W_ALL]))
			return 1;
		ips_all[rep] = insns_all / t[W_ALL][rep] / B.threads;

		memset(c, 0xff, size);
		t[W_ITEM][rep] = run(&item, 1);
		if (!check(a, b, c, n, names[W_ITEM]))
			return 1;

		for (w = 0; w < W_COUNT; w++)
			ratio[w][rep] = t[W_CPU][rep] / t[w][rep];
	}

	printf("vector add c[i] = a[i] + b[i], uint64_t, %zu MiB arrays (%zu elements, %zu MiB of SVM memory, CPU-written, warm: GPU pages mapped before the runs); time EXEC to user fence; ratio CPU time / GPU time, medians of the runs' ratios\n",
	       size >> 20, n, 3 * size >> 20);
	for (w = 0; w < W_COUNT; w++) {
		for (rep = 0; rep < REPS; rep++)
			t[w][rep] *= 1e3;
		med[w] = bench_median(t[w], REPS);
		range(buf, sizeof(buf), t[w], "%.1f");
		if (w == W_CPU) {
			printf("  %-40s %9.1f ms %s, %.2f ns/element\n",
			       names[w], med[w], buf, med[w] * 1e6 / n);
			continue;
		}
		if (w == W_CPU_N) {
			printf("  %-40s %9.1f ms %s, %.2f ns/element, %.2fx the CPU loop's speed (N = %u pthreads: how the machine scales)\n",
			       names[w], med[w], buf, med[w] * 1e6 / n,
			       med[W_CPU] / med[w], B.threads);
			continue;
		}
		printf("  %-40s %9.1f ms %s, %.2f ns/element, ratio %.3f",
		       names[w], med[w], buf, med[w] * 1e6 / n,
		       bench_median(ratio[w], REPS));
		if (w == W_ONE)
			printf(" (%u jobs of one work item)", SLICES);
		if (w == W_ALL)
			printf(" (N = %u, %u work items)", B.threads, items);
		printf("\n");
	}
	printf("  N threads / 1 thread: %.2fx faster\n",
	       med[W_ONE] / med[W_ALL]);

	for (rep = 0; rep < REPS; rep++) {
		ips_one[rep] /= 1e6;
		ips_all[rep] /= 1e6;
	}
	printf("interpreted instructions per second per compute thread: 1 thread busy %.1f M/s ",
	       bench_median(ips_one, REPS));
	range(buf, sizeof(buf), ips_one, "%.1f");
	printf("%s; %u threads busy %.1f M/s per thread ", buf, B.threads,
	       bench_median(ips_all, REPS));
	range(buf, sizeof(buf), ips_all, "%.1f");
	printf("%s (%s)\n", buf, B.stats.ok ?
	       "instruction counts checked against bo_stats compute_insns" :
	       "bo_stats not read: counts from the program");

	free(a);
	free(b);
	free(c);
	return 0;
}

static int figure_list(void)
{
	struct node **nodes = calloc(LIST_NODES, sizeof(*nodes));
	uint64_t *args = carve(3 * 8), sum = 0, count;
	double gpu[REPS], cpu[REPS], ratio[REPS];
	uint32_t len;
	uint64_t prog = program(list_walk, &len);
	struct job walk;
	unsigned int i, rep;
	char buf[80];

	if (!nodes)
		return DIE("malloc", -ENOMEM);
	for (i = 0; i < LIST_NODES; i++) {
		nodes[i] = malloc(sizeof(struct node));
		if (!nodes[i])
			return DIE("malloc", -ENOMEM);
		nodes[i]->value = i * 0x9e3779b97f4a7c15ull;
		sum += nodes[i]->value;
	}
	for (i = 0; i < LIST_NODES; i++)
		nodes[i]->next = i + 1 < LIST_NODES ? nodes[i + 1] : NULL;
	args[0] = svmgpu_ptr(nodes[0]);
	walk = dispatch_job(prog, len, 1, 1, svmgpu_ptr(args));

	run(&walk, 1);		/* warm */
	for (rep = 0; rep < REPS; rep++) {
		args[1] = args[2] = 0;
		gpu[rep] = run(&walk, 1);
		if (args[1] != sum || args[2] != LIST_NODES) {
			fprintf(stderr, "%s: the GPU walk found %" PRIu64
				" nodes summing to %#" PRIx64 ", not %u and %#"
				PRIx64 "\n", NAME, args[2], args[1],
				LIST_NODES, sum);
			return 1;
		}
		cpu[rep] = bench_now();
		if (cpu_walk(nodes[0], &count) != sum || count != LIST_NODES) {
			fprintf(stderr, "%s: the CPU walk is wrong\n", NAME);
			return 1;
		}
		cpu[rep] = bench_now() - cpu[rep];
		ratio[rep] = gpu[rep] / cpu[rep];
		gpu[rep] *= 1e9 / LIST_NODES;
		cpu[rep] *= 1e9 / LIST_NODES;
	}
	printf("linked-list walk, %u malloc()ed nodes in allocation order, warm, one work item (%u instructions per node): GPU %.1f ns/node ",
	       LIST_NODES, WALK_INSNS, bench_median(gpu, REPS));
	range(buf, sizeof(buf), gpu, "%.1f");
	printf("%s (EXEC to user fence / nodes), CPU %.2f ns/node ", buf,
	       bench_median(cpu, REPS));
	range(buf, sizeof(buf), cpu, "%.2f");
	printf("%s; ratio %.1f (GPU time / CPU time)\n", buf,
	       bench_median(ratio, REPS));

	for (i = 0; i < LIST_NODES; i++)
		free(nodes[i]);
	free(nodes);
	return 0;
}

int main(int argc, char **argv)
{
	size_t size = (argc > 1 ? strtoull(argv[1], NULL, 0) : 64) << 20;
	int ret, status = 1;

	if (!size || size % SZ_2M) {
		fprintf(stderr, "usage: %s [MiB, a multiple of 2]\n", argv[0]);
		return 2;
	}
	/* Each line as it is done, once, whatever forks or fails later. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = svmgpu_device_open(0, &B.dev);
	if (ret)
		return DIE("open", ret);
	ret = query_threads();
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "%s: the driver does not report compute (DRM_SVMGPU_FEATURE_COMPUTE)\n",
			NAME);
		return 1;
	}
	if (ret)
		return DIE("device query", ret);
	if (!unlimit_budget())
		return 1;
	bench_stats_init(&B.stats, svmgpu_device_fd(B.dev), stat_names,
			 S_COUNT, "instruction counts are not checked and");
	printf("%s: %u compute threads per engine, %ld CPUs online; %d runs, medians\n",
	       NAME, B.threads, sysconf(_SC_NPROCESSORS_ONLN), REPS);

	if (posix_memalign((void **)&B.mem, SZ_2M, SZ_2M))
		return DIE("malloc", -ENOMEM);
	memset(B.mem, 0, SZ_2M);
	B.fence = carve(8);
	ret = bench_svm_queue(B.dev, &B.vm, &B.q);
	if (ret) {
		DIE("mirroring VM and queue", ret);
		goto out;
	}

	status = figure_vector(size);
	if (!status)
		status = figure_list();
out:
	svmgpu_queue_del(B.q);
	svmgpu_vm_del(B.vm);
	svmgpu_device_del(B.dev);
	free(B.mem);
	return status;
}
