// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * svm_bench [MiB]: shared virtual memory on system memory, in a VM that
 * mirrors this process (svmgpu_vm_new_svm()), against references measured
 * in the same process, reported as ratios. Four figures:
 *
 * 1. GPU fault service time, for a 4 KiB range and for a 2 MiB range.
 *    The memory is laid out so that the driver has no choice of range
 *    size: each block is a VMA of its own, 4 KiB (or 2 MiB, 2 MiB
 *    aligned, MADV_HUGEPAGE), between PROT_NONE guard VMAs, and the
 *    driver picks the largest aligned block inside the VMA. One job
 *    holds one 64-bit WRITE_IMM into each of 256 blocks (16 for 2 MiB),
 *    so that each write takes one GPU fault.
 *
 *    The main case is memory that nothing touched before the GPU's
 *    write: the fault's hmm_range_fault() allocates and zeroes the page
 *    (a THP for 2 MiB) as a CPU first-touch write fault does, so the
 *    reference, the CPU's first-touch write fault on fresh anonymous
 *    memory of the same layout, is like for like but for what the GPU
 *    path adds. A second case has the CPU write every byte first: the
 *    GPU fault then only finds and maps existing pages, and the same
 *    reference, which still allocates and zeroes, is not like for like.
 *
 *    Two GPU figures per fault, each against the CPU reference: end to
 *    end, the time from EXEC to the user fence seen, divided by the job's
 *    faults (so it includes the job's launch and completion, its
 *    commands, and per fault the engine's stall, the fault work's
 *    wake-up, the service and the replay); and the driver's own service
 *    time, the delta of debugfs bo_stats svm_fault_ns_{4k,2m} over the
 *    delta of svm_faults_{4k,2m} (from range lookup to the GPU page-table
 *    write, hmm_range_fault() included and also shown alone). To split
 *    the difference, TIMESTAMP commands around the writes give the
 *    engine's time per fault, and the job's launch (EXEC to the first
 *    TIMESTAMP) and completion (the last one to the fence seen). The job
 *    is then run again with other values on its now valid ranges: its
 *    time per command is what the job costs without faults.
 *
 * 2. First-touch GPU read bandwidth: a GPU COPY of 256 MiB from a fresh,
 *    CPU-initialised posix_memalign() buffer (4 KiB aligned, as test_hmm
 *    needs whole pages) that the GPU never touched, into a second
 *    malloc'd buffer of the same size that an untimed GPU FILL faulted
 *    in beforehand, so that the source's faults are the only ones. End
 *    to end, EXEC to user fence. The reference is memcpy() between the
 *    same two buffers, both CPU-touched, just before. The COPY is run
 *    again, its source now mapped: the GPU's bandwidth without faults.
 *
 * 3. The same read through the kernel's test_hmm: HMM_DMIRROR_READ of a
 *    fresh CPU-initialised buffer on /dev/hmm_dmirror0, into a buffer
 *    the CPU touched beforehand, as tools/testing/selftests/mm/hmm-tests.c
 *    does. test_hmm faults the range in with hmm_range_fault(), 64 pages
 *    a call, copies it page by page into a vmalloc()ed bounce buffer
 *    allocated for the call, then copy_to_user()s it. test_hmm is loaded
 *    with "modprobe test_hmm" (in the test VM, scripts/guest-bin/modprobe
 *    finds the modules built with our kernel) and unloaded again if this
 *    program loaded it; without it, the figure is reported as missing and
 *    the others still count.
 *
 * 4. Fault-storm scaling: N queues (N = online CPUs, at least 2, at most
 *    16), queue i on engine i mod the engine count, each faulting its own
 *    M disjoint 2 MiB ranges (one write each; memory the CPU touched
 *    first, THP-backed, so that each fault maps existing pages) in one
 *    job, all N jobs submitted at once. Throughput is faults per second,
 *    first EXEC to last user fence: throughput(N) / (N x throughput(1)),
 *    where throughput(1) is queue 0 alone. Measured with the N queues in
 *    one VM (one process's mirror, the SVM model) and in N VMs of their
 *    own. The driver services every GPU fault of a device in one ordered
 *    work item (svmgpu_fault.c), so the service itself never runs in
 *    parallel; what N queues can overlap is everything else.
 *
 * Each figure is the median of five runs, each on fresh memory, and each
 * run measures its reference right before the GPU, so that both see the
 * same moment of a shared machine; a ratio is the median of the runs' own
 * ratios. Every GPU result is checked by the CPU: each write's value and
 * the bytes around it, each copied byte. The debugfs counters must show
 * one fault of the intended size per block, and none on valid ranges;
 * they are read from /sys/kernel/debug/dri/<render minor>/bo_stats, and
 * their figures are left out (not failed) when that file cannot be read.
 *
 * Exit status: 0, unless a step failed, a result was wrong or a fault was
 * not of the intended size (1).
 */

/* MAP_ANONYMOUS, MADV_HUGEPAGE. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"
#include "bench_util.h"

#define NAME		"svm_bench"
#define DIE(what, err)	bench_die(NAME, what, err)

#define REPS		5
#define PAGE		4096ul
#define SZ_2M		(2ul << 20)
#define TIMEOUT_NS	(60 * 1000000000ll)
#define MAX_QUEUES	16u

/*
 * Command slots of the jobs, one per queue in flight, in one 2 MiB range
 * that each VM faults in once: commands, then the fence and two TIMESTAMPs
 * in the last 64 bytes.
 */
#define SLOT_SIZE	(64ul << 10)
#define SLOT_CMDS	(SLOT_SIZE - 64)
#define CMD_AREA	SZ_2M

/* Blocks per job of figure 1. */
#define BLOCKS_4K	256u
#define BLOCKS_2M	16u

/*
 * lib/test_hmm_uapi.h of the kernel source: its ABI, copied so that the
 * benchmark builds without the kernel tree.
 */
struct hmm_dmirror_cmd {
	uint64_t addr;
	uint64_t ptr;
	uint64_t npages;
	uint64_t cpages;
	uint64_t faults;
};

#define HMM_DMIRROR_READ	_IOWR('H', 0x00, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_DEV		"/dev/hmm_dmirror0"

/* The bo_stats counters used here. */
enum svm_stat {
	S_FAULTS_4K, S_FAULTS_64K, S_FAULTS_2M,
	S_VALID_4K, S_VALID_64K, S_VALID_2M,
	S_FAULT_NS_4K, S_FAULT_NS_64K, S_FAULT_NS_2M,
	S_HMM_NS_4K, S_HMM_NS_64K, S_HMM_NS_2M,
	S_FAILED, S_RETRIES, S_INVALIDATIONS, S_TLB_INVALIDATIONS, S_TLB_NS,
	S_GC_RANGES, S_COUNT
};

static const char *const stat_names[S_COUNT] = {
	"svm_faults_4k", "svm_faults_64k", "svm_faults_2m",
	"svm_faults_valid_4k", "svm_faults_valid_64k", "svm_faults_valid_2m",
	"svm_fault_ns_4k", "svm_fault_ns_64k", "svm_fault_ns_2m",
	"svm_hmm_ns_4k", "svm_hmm_ns_64k", "svm_hmm_ns_2m",
	"svm_faults_failed", "svm_retries", "svm_invalidations",
	"svm_tlb_invalidations", "svm_tlb_ns", "svm_gc_ranges",
};

struct stats {
	int64_t v[S_COUNT];
};

/* A queue, its VM and the command slot it submits from. */
struct gq {
	struct svmgpu_vm *vm;
	struct svmgpu_queue *q;
	unsigned int slot;
	size_t len;		/* of the commands in the slot */
	uint64_t exec_raw;	/* raw_ns() at the last EXEC */
	uint64_t done_raw;	/* raw_ns() when its fence was seen */
};

static struct {
	struct svmgpu_device *dev;
	struct svmgpu_device_info info;
	struct bench_stats stats;	/* bo_stats */
	uint8_t *cmd_area;	/* CMD_AREA bytes, 2 MiB aligned */
	uint64_t fence_value[CMD_AREA / SLOT_SIZE];
	struct svmgpu_cs *cs;
} B;

/* @total / @n, or 0 when @n is 0. */
static double per(double total, double n)
{
	return n ? total / n : 0;
}

/* ---- debugfs counters ---- */

static bool stats_read(struct stats *s)
{
	return bench_stats_read(&B.stats, s->v);
}

static void stats_delta(struct stats *d, const struct stats *before)
{
	bench_stats_delta(&B.stats, d->v, before->v);
}

/* ---- jobs ---- */

static uint8_t *slot_cmds(unsigned int slot)
{
	return B.cmd_area + slot * SLOT_SIZE;
}

static volatile uint64_t *slot_fence(unsigned int slot)
{
	return (volatile uint64_t *)(B.cmd_area + slot * SLOT_SIZE +
				     SLOT_CMDS);
}

/* TIMESTAMP @i (0 or 1) of jobs from @slot, after its fence. */
static volatile uint64_t *slot_ts(unsigned int slot, unsigned int i)
{
	return slot_fence(slot) + 1 + i;
}

/* CLOCK_MONOTONIC_RAW in ns: the clock of the GPU's TIMESTAMP. */
static uint64_t raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * Copy B.cs, which the caller ended with svmgpu_cs_end(), into @g's
 * command slot.
 */
static int job_prepare(struct gq *g)
{
	int ret = svmgpu_cs_write(B.cs, slot_cmds(g->slot), SLOT_CMDS);

	if (ret)
		return DIE("command buffer", ret);
	g->len = svmgpu_cs_size(B.cs);
	return 0;
}

/* Submit what job_prepare() put in @g's slot; *@value is its fence. */
static int job_exec(struct gq *g, uint64_t *value)
{
	int ret;

	*value = ++B.fence_value[g->slot];
	g->exec_raw = raw_ns();
	ret = svmgpu_queue_exec_svm(g->q, slot_cmds(g->slot), g->len,
				    slot_fence(g->slot), *value);
	if (ret)
		return DIE("exec", ret);
	return 0;
}

static int job_wait(struct gq *g, uint64_t value)
{
	int ret = svmgpu_user_fence_wait(g->q, slot_fence(g->slot), value,
					 TIMEOUT_NS, 0);

	g->done_raw = raw_ns();
	if (ret == -ECANCELED)
		fprintf(stderr, "%s: a job failed on the GPU, which banned its queue\n",
			NAME);
	else if (ret)
		return DIE("user fence wait", ret);
	return ret ? 1 : 0;
}

/* Run B.cs, ended, on @g; *@secs is EXEC to user fence. */
static int job_run(struct gq *g, double *secs)
{
	uint64_t value;
	double t0;

	if (job_prepare(g))
		return 1;
	t0 = bench_now();
	if (job_exec(g, &value) || job_wait(g, value))
		return 1;
	if (secs)
		*secs = bench_now() - t0;
	return 0;
}

/* An empty job on @g: the GPU faults in its command slot and fence. */
static int job_warm_up(struct gq *g)
{
	svmgpu_cs_reset(B.cs);
	svmgpu_cs_end(B.cs);
	return job_run(g, NULL);
}

static int gq_new(struct gq *g, struct svmgpu_vm *vm, unsigned int engine,
		  unsigned int slot)
{
	int ret;

	g->slot = slot;
	g->vm = NULL;
	if (!vm) {
		ret = svmgpu_vm_new_svm(B.dev, &vm);
		if (ret)
			return DIE("mirroring VM", ret);
		g->vm = vm;
	}
	ret = svmgpu_queue_new(vm, engine, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
			       &g->q);
	if (ret)
		return DIE("queue", ret);
	return job_warm_up(g);
}

static void gq_del(struct gq *g)
{
	svmgpu_queue_del(g->q);
	svmgpu_vm_del(g->vm);
	g->q = NULL;
	g->vm = NULL;
}

/* ---- memory ---- */

/* A 2 MiB aligned, 2 MiB multiple mapping; MAP_FAILED on error. */
static void *map_aligned(size_t size)
{
	uint8_t *p = mmap(NULL, size + SZ_2M, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *a;

	if (p == MAP_FAILED)
		return p;
	a = (uint8_t *)(((uintptr_t)p + SZ_2M - 1) & ~(SZ_2M - 1));
	if (a > p)
		munmap(p, a - p);
	munmap(a + size, p + SZ_2M - a);
	return a;
}

/*
 * @count blocks of @block bytes, each a VMA of its own between PROT_NONE
 * guards: block i at base + (2i + 1) * block. Returns the base, which
 * unmap_guarded() takes; MAP_FAILED on error.
 */
static uint8_t *map_guarded(size_t block, unsigned int count)
{
	size_t size = (2 * count + 1) * block;
	uint8_t *base = block == SZ_2M ? map_aligned(size) :
			mmap(NULL, size, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	unsigned int i;

	if (base == MAP_FAILED)
		return base;
	if (mprotect(base, size, PROT_NONE))
		goto err;
	for (i = 0; i < count; i++) {
		uint8_t *b = base + (2 * i + 1) * block;

		if (mprotect(b, block, PROT_READ | PROT_WRITE) ||
		    madvise(b, block, block == SZ_2M ? MADV_HUGEPAGE :
						       MADV_NOHUGEPAGE))
			goto err;
	}
	return base;

err:
	munmap(base, size);
	return MAP_FAILED;
}

static uint8_t *guarded_block(uint8_t *base, size_t block, unsigned int i)
{
	return base + (2 * (size_t)i + 1) * block;
}

static void unmap_guarded(uint8_t *base, size_t block, unsigned int count)
{
	munmap(base, (2 * count + 1) * block);
}

/* KiB of AnonHugePages in the VMAs inside [@lo, @hi), from smaps. */
static long thp_kib(const void *lo, const void *hi)
{
	unsigned long start, end;
	bool inside = false;
	char line[256];
	long total = 0, kib;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			inside = start >= (uintptr_t)lo && end <= (uintptr_t)hi;
			continue;
		}
		if (inside && sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			total += kib;
	}
	fclose(f);
	return total;
}

/* ---- figure 1: fault service time ---- */

/* Per-fault figures of one case, in ns: medians over REPS. */
struct fault_result {
	double cpu;		/* CPU first-touch write fault */
	double e2e;		/* GPU, EXEC to fence / faults */
	double e2e_min, e2e_max;
	double engine;		/* first to last TIMESTAMP / faults */
	double launch;		/* EXEC to the first TIMESTAMP, per job */
	double finish;		/* last TIMESTAMP to the fence seen, per job */
	double warm;		/* the same job, no faults, per command */
	double drv;		/* svm_fault_ns / svm_faults */
	double hmm;		/* svm_hmm_ns / svm_faults */
	double ratio_e2e;	/* e2e / cpu, median of runs */
	double ratio_drv;	/* drv / cpu, median of runs */
	long cpu_thp, gpu_thp;	/* 2 MiB: blocks backed by THP, last rep */
};

/* The value the GPU writes to block @i in repetition @rep, pass @pass. */
static uint64_t fault_value(unsigned int rep, unsigned int pass,
			    unsigned int i)
{
	return 0x5356000000000000ull | (uint64_t)rep << 40 |
	       (uint64_t)pass << 32 | i;
}

/* Where in a block the GPU writes: the middle. */
static size_t fault_offset(size_t block)
{
	return block / 2;
}

/*
 * Check block @i after the GPU's write of @value: the value, and the
 * first and last words, which hold @fill (0 for memory nothing touched).
 */
static int check_block(const uint8_t *b, size_t block, uint64_t value,
		       uint8_t fill, const char *what, unsigned int i)
{
	uint64_t first, last, got, want = 0x0101010101010101ull * fill;

	memcpy(&got, b + fault_offset(block), 8);
	memcpy(&first, b, 8);
	memcpy(&last, b + block - 8, 8);
	if (got == value && first == want && last == want)
		return 0;
	fprintf(stderr, "%s: %s, block %u: 0x%016" PRIx64 " (want 0x%016" PRIx64 "), edges 0x%016" PRIx64 " 0x%016" PRIx64 " (want 0x%016" PRIx64 ")\n",
		NAME, what, i, got, value, first, last, want);
	return 1;
}

/* 2 MiB blocks of the guarded mapping at @base that THP backs. */
static long thp_blocks(uint8_t *base, size_t block, unsigned int count)
{
	if (block != SZ_2M)
		return 0;
	return thp_kib(base, base + (2 * count + 1) * block) /
	       (long)(SZ_2M >> 10);
}

/*
 * ns per first-touch CPU write fault: one byte written in each of @count
 * fresh blocks of @block bytes, laid out as the GPU's are.
 */
static int cpu_fault(size_t block, unsigned int count, double *ns,
		     long *thp)
{
	uint8_t *base = map_guarded(block, count);
	unsigned int i;
	double t0;

	if (base == MAP_FAILED)
		return DIE("mmap", -errno);
	t0 = bench_now();
	for (i = 0; i < count; i++)
		*(volatile uint8_t *)(guarded_block(base, block, i) +
				      fault_offset(block)) = 0x77;
	*ns = (bench_now() - t0) * 1e9 / count;
	for (i = 0; i < count; i++) {
		if (guarded_block(base, block, i)[fault_offset(block)] != 0x77) {
			fprintf(stderr, "%s: CPU write to block %u lost\n",
				NAME, i);
			return 1;
		}
	}
	*thp = thp_blocks(base, block, count);
	unmap_guarded(base, block, count);
	return 0;
}

/* The figures of figure 1's runs, per fault or per job, in ns. */
enum {
	V_CPU, V_E2E, V_ENGINE, V_LAUNCH, V_FINISH, V_WARM, V_DRV, V_HMM,
	V_RATIO_E2E, V_RATIO_DRV, V_COUNT
};

/*
 * One repetition of the GPU side: a job of a WRITE_IMM into the middle of
 * each of @count fresh blocks of @block bytes, on @g, bracketed by
 * TIMESTAMPs; then the same again, the ranges now valid. @touched: the CPU
 * wrote every byte first. Results of repetition @rep go to @v[*][@rep].
 */
static int gpu_fault(struct gq *g, size_t block, unsigned int count,
		     bool touched, unsigned int rep, double v[][REPS],
		     long *thp)
{
	int sz = block == SZ_2M ? 2 : 0;	/* index in the per-size stats */
	const char *what = block == SZ_2M ? "2 MiB" : "4 KiB";
	uint8_t fill = touched ? 0xa5 : 0;
	uint8_t *base = map_guarded(block, count);
	unsigned int pass, i;

	if (base == MAP_FAILED)
		return DIE("mmap", -errno);
	if (touched)
		for (i = 0; i < count; i++)
			memset(guarded_block(base, block, i), fill, block);

	for (pass = 0; pass < 2; pass++) {
		struct stats before, d;
		double t;

		svmgpu_cs_reset(B.cs);
		svmgpu_cs_timestamp(B.cs, svmgpu_ptr(slot_ts(g->slot, 0)));
		for (i = 0; i < count; i++)
			svmgpu_cs_write_imm64(B.cs,
				svmgpu_ptr(guarded_block(base, block, i) +
					   fault_offset(block)),
				fault_value(rep, pass, i));
		svmgpu_cs_timestamp(B.cs, svmgpu_ptr(slot_ts(g->slot, 1)));
		svmgpu_cs_end(B.cs);
		stats_read(&before);
		if (job_run(g, &t))
			return 1;
		stats_delta(&d, &before);
		for (i = 0; i < count; i++)
			if (check_block(guarded_block(base, block, i), block,
					fault_value(rep, pass, i), fill, what,
					i))
				return 1;
		if (pass) {
			v[V_WARM][rep] = t * 1e9 / count;
			if (B.stats.ok &&
			    d.v[S_FAULTS_4K] + d.v[S_FAULTS_64K] +
			    d.v[S_FAULTS_2M]) {
				fprintf(stderr, "%s: %s: the second job, on valid ranges, took GPU faults\n",
					NAME, what);
				return 1;
			}
			continue;
		}
		v[V_E2E][rep] = t * 1e9 / count;
		v[V_ENGINE][rep] = (double)(*slot_ts(g->slot, 1) -
					    *slot_ts(g->slot, 0)) / count;
		v[V_LAUNCH][rep] = (double)(*slot_ts(g->slot, 0) - g->exec_raw);
		v[V_FINISH][rep] = (double)(g->done_raw - *slot_ts(g->slot, 1));
		v[V_DRV][rep] = per(d.v[S_FAULT_NS_4K + sz], d.v[S_FAULTS_4K + sz]);
		v[V_HMM][rep] = per(d.v[S_HMM_NS_4K + sz], d.v[S_FAULTS_4K + sz]);
		if (B.stats.ok &&
		    (d.v[S_FAULTS_4K + sz] != count ||
		     d.v[S_FAULTS_4K] + d.v[S_FAULTS_64K] + d.v[S_FAULTS_2M] !=
		     count)) {
			fprintf(stderr, "%s: %u blocks of %s took %" PRId64 " 4 KiB, %" PRId64 " 64 KiB and %" PRId64 " 2 MiB faults, not %u of %s\n",
				NAME, count, what, d.v[S_FAULTS_4K],
				d.v[S_FAULTS_64K], d.v[S_FAULTS_2M], count,
				what);
			return 1;
		}
		if (d.v[S_RETRIES] || d.v[S_INVALIDATIONS] || d.v[S_FAILED] ||
		    d.v[S_VALID_4K] + d.v[S_VALID_64K] + d.v[S_VALID_2M])
			printf("  note: %s faults, repetition %u: %" PRId64 " retries, %" PRId64 " invalidations, %" PRId64 " failed, %" PRId64 " found valid\n",
			       what, rep + 1, d.v[S_RETRIES],
			       d.v[S_INVALIDATIONS], d.v[S_FAILED],
			       d.v[S_VALID_4K] + d.v[S_VALID_64K] +
			       d.v[S_VALID_2M]);
	}
	*thp = thp_blocks(base, block, count);
	unmap_guarded(base, block, count);
	return 0;
}

/*
 * One case of figure 1; each repetition measures the CPU reference, then
 * the GPU, so that both see the same state of a shared machine.
 */
static int fault_case(struct gq *g, size_t block, unsigned int count,
		      bool touched, struct fault_result *r)
{
	double v[V_COUNT][REPS];
	unsigned int rep;

	for (rep = 0; rep < REPS; rep++)
		if (cpu_fault(block, count, &v[V_CPU][rep], &r->cpu_thp) ||
		    gpu_fault(g, block, count, touched, rep, v, &r->gpu_thp))
			return 1;
	r->e2e_min = r->e2e_max = v[V_E2E][0];
	for (rep = 0; rep < REPS; rep++) {
		v[V_RATIO_E2E][rep] = v[V_E2E][rep] / v[V_CPU][rep];
		v[V_RATIO_DRV][rep] = v[V_DRV][rep] / v[V_CPU][rep];
		if (v[V_E2E][rep] < r->e2e_min)
			r->e2e_min = v[V_E2E][rep];
		if (v[V_E2E][rep] > r->e2e_max)
			r->e2e_max = v[V_E2E][rep];
	}
	r->cpu = bench_median(v[V_CPU], REPS);
	r->e2e = bench_median(v[V_E2E], REPS);
	r->engine = bench_median(v[V_ENGINE], REPS);
	r->launch = bench_median(v[V_LAUNCH], REPS);
	r->finish = bench_median(v[V_FINISH], REPS);
	r->warm = bench_median(v[V_WARM], REPS);
	r->drv = bench_median(v[V_DRV], REPS);
	r->hmm = bench_median(v[V_HMM], REPS);
	r->ratio_e2e = bench_median(v[V_RATIO_E2E], REPS);
	r->ratio_drv = bench_median(v[V_RATIO_DRV], REPS);
	return 0;
}

static void print_fault(const char *label, const struct fault_result *r,
			unsigned int count, const char *cpu_what)
{
	printf("%s, %u ranges in one job: GPU end to end %.1f us/fault (EXEC to user fence / faults; %.1f to %.1f over %d runs), engine %.1f us/fault (TIMESTAMPs around the writes)",
	       label, count, r->e2e / 1e3, r->e2e_min / 1e3, r->e2e_max / 1e3,
	       REPS, r->engine / 1e3);
	if (B.stats.ok)
		printf(", driver service %.1f us/fault (svm_fault_ns / svm_faults; hmm_range_fault() %.1f of it)",
		       r->drv / 1e3, r->hmm / 1e3);
	printf("; CPU %s %.1f us/fault; ratios end to end %.2f",
	       cpu_what, r->cpu / 1e3, r->ratio_e2e);
	if (B.stats.ok)
		printf(", driver %.2f", r->ratio_drv);
	printf("\n  job launch %.0f us, completion to fence seen %.0f us; the same job on valid ranges %.1f us/command\n",
	       r->launch / 1e3, r->finish / 1e3, r->warm / 1e3);
}

static int figure_faults(struct gq *g)
{
	struct fault_result r4 = { 0 }, r2 = { 0 }, t4 = { 0 }, t2 = { 0 };
	const char *anon = "first-touch write fault of anonymous memory";
	const char *unlike = "first-touch write fault (allocates and zeroes: not like for like)";

	if (fault_case(g, PAGE, BLOCKS_4K, false, &r4) ||
	    fault_case(g, SZ_2M, BLOCKS_2M, false, &r2) ||
	    fault_case(g, PAGE, BLOCKS_4K, true, &t4) ||
	    fault_case(g, SZ_2M, BLOCKS_2M, true, &t2))
		return 1;

	print_fault("fault 4 KiB, GPU write to never-touched memory", &r4,
		    BLOCKS_4K, anon);
	print_fault("fault 2 MiB, GPU write to never-touched memory", &r2,
		    BLOCKS_2M, anon);
	printf("  2 MiB blocks backed by THP (MADV_HUGEPAGE): CPU reference %ld of %u, GPU-faulted %ld of %u\n",
	       r2.cpu_thp, BLOCKS_2M, r2.gpu_thp, BLOCKS_2M);
	print_fault("fault 4 KiB, GPU write to memory the CPU wrote first", &t4,
		    BLOCKS_4K, unlike);
	print_fault("fault 2 MiB, GPU write to memory the CPU wrote first", &t2,
		    BLOCKS_2M, unlike);
	return 0;
}

/* ---- figures 2 and 3: first-touch read bandwidth ---- */

static void *alloc_pages(size_t size)
{
	void *p;

	return posix_memalign(&p, PAGE, size) ? NULL : p;
}

/* Fill @p with @rep's own contents: a byte pattern, a word per page. */
static void fill_source(uint8_t *p, size_t size, unsigned int rep)
{
	size_t off;

	memset(p, 0x30 + rep, size);
	for (off = 0; off < size; off += PAGE) {
		uint64_t w = 0x5352000000000000ull | (uint64_t)rep << 40 |
			     off / PAGE;

		memcpy(p + off + 8 * (rep % 8), &w, 8);
	}
}

static int check_copy(const uint8_t *src, const uint8_t *dst, size_t size,
		      const char *what)
{
	size_t i;

	if (!memcmp(src, dst, size))
		return 0;
	for (i = 0; i < size && src[i] == dst[i]; i++)
		;
	fprintf(stderr, "%s: %s: byte %zu is 0x%02x, source 0x%02x\n",
		NAME, what, i, dst[i], src[i]);
	return 1;
}

struct read_result {
	double cold, warm;	/* seconds, medians */
	double cpu;		/* memcpy() of the same runs, median */
	double ratio_cold;	/* memcpy time / cold time, median of runs */
	double ratio_warm;
	int64_t faults[3];	/* 4K, 64K, 2M: last cold run */
	double drv_ms;		/* svm_fault_ns, last cold run */
	double hmm_ms;		/* svm_hmm_ns, last cold run */
};

/*
 * The reference of run @rep: memcpy() from @src, which the CPU wrote, to
 * @dst, which it touched before; *@secs is its time.
 */
static int memcpy_ref(const uint8_t *src, uint8_t *dst, size_t size,
		      double *secs)
{
	double t;

	memset(dst, 0xdd, size);
	t = bench_now();
	memcpy(dst, src, size);
	*secs = bench_now() - t;
	return check_copy(src, dst, size, "memcpy");
}

static void read_medians(struct read_result *r, double v[][REPS])
{
	unsigned int rep;

	r->cpu = bench_median(v[0], REPS);
	for (rep = 0; rep < REPS; rep++) {
		v[3][rep] = v[0][rep] / v[1][rep];
		v[4][rep] = v[0][rep] / v[2][rep];
	}
	r->cold = bench_median(v[1], REPS);
	r->warm = bench_median(v[2], REPS);
	r->ratio_cold = bench_median(v[3], REPS);
	r->ratio_warm = bench_median(v[4], REPS);
}

/*
 * Each run: memcpy() reference, then GPU COPY of a fresh source (cold),
 * then the same COPY again (warm).
 */
static int gpu_read(struct gq *g, size_t size, struct read_result *r)
{
	double v[5][REPS];	/* memcpy, cold, warm, ratios */
	uint8_t *dst = alloc_pages(size);
	unsigned int rep, pass;

	if (!dst)
		return DIE("malloc", -ENOMEM);
	/* Untimed: the GPU faults the destination in. */
	svmgpu_cs_reset(B.cs);
	svmgpu_cs_fill(B.cs, svmgpu_ptr(dst), 0xeeeeeeee, size);
	svmgpu_cs_end(B.cs);
	if (job_run(g, NULL))
		return 1;

	for (rep = 0; rep < REPS; rep++) {
		uint8_t *src = alloc_pages(size);
		struct stats before, d;

		if (!src)
			return DIE("malloc", -ENOMEM);
		fill_source(src, size, rep);
		if (memcpy_ref(src, dst, size, &v[0][rep]))
			return 1;
		svmgpu_cs_reset(B.cs);
		svmgpu_cs_copy(B.cs, svmgpu_ptr(src), svmgpu_ptr(dst), size);
		svmgpu_cs_end(B.cs);
		for (pass = 0; pass < 2; pass++) {
			memset(dst, 0xdd, size);
			stats_read(&before);
			if (job_run(g, &v[1 + pass][rep]))
				return 1;
			stats_delta(&d, &before);
			if (check_copy(src, dst, size, pass ?
				       "GPU copy, source mapped" :
				       "GPU first-touch copy"))
				return 1;
			if (pass)
				continue;
			r->faults[0] = d.v[S_FAULTS_4K];
			r->faults[1] = d.v[S_FAULTS_64K];
			r->faults[2] = d.v[S_FAULTS_2M];
			r->drv_ms = (d.v[S_FAULT_NS_4K] + d.v[S_FAULT_NS_64K] +
				     d.v[S_FAULT_NS_2M]) / 1e6;
			r->hmm_ms = (d.v[S_HMM_NS_4K] + d.v[S_HMM_NS_64K] +
				     d.v[S_HMM_NS_2M]) / 1e6;
		}
		free(src);
	}
	free(dst);
	read_medians(r, v);
	return 0;
}


/*
 * Open test_hmm's first device, loading the module if needed; *@loaded
 * says whether we did. -1 with a reason printed if there is none.
 */
static int dmirror_open(bool *loaded)
{
	static char *const load[] = { "modprobe", "test_hmm", NULL };
	static char *const unload[] = { "modprobe", "-r", "test_hmm", NULL };
	int fd = open(HMM_DMIRROR_DEV, O_RDWR | O_CLOEXEC), rc;

	*loaded = false;
	if (fd >= 0)
		return fd;
	if (access("/sys/module/test_hmm", F_OK)) {
		rc = bench_run_cmd(load);
		if (rc < 0) {
			printf("hmm read: test_hmm figure missing: modprobe could not run\n");
			return -1;
		}
		if (rc) {
			printf("hmm read: test_hmm figure missing: \"modprobe test_hmm\" exited %d\n",
			       rc);
			return -1;
		}
		*loaded = true;
	}
	fd = open(HMM_DMIRROR_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("hmm read: test_hmm figure missing: %s: %s\n",
		       HMM_DMIRROR_DEV, strerror(errno));
		if (*loaded)
			bench_run_cmd(unload);
	}
	return fd;
}

static void dmirror_close(int fd, bool loaded)
{
	static char *const unload[] = { "modprobe", "-r", "test_hmm", NULL };

	close(fd);
	if (loaded && bench_run_cmd(unload))
		printf("note: \"modprobe -r test_hmm\" failed\n");
}

/*
 * HMM_DMIRROR_READ of fresh memory; medians into @r (cold: first read,
 * warm: again, the mirror's page table now filled). 1 on a failure, -1
 * if there is no test_hmm.
 */
static int hmm_read(size_t size, struct read_result *r)
{
	double v[5][REPS];	/* memcpy, cold, warm, ratios */
	uint8_t *dst;
	unsigned int rep, pass;
	bool loaded;
	int fd, status = 1;

	fd = dmirror_open(&loaded);
	if (fd < 0)
		return -1;
	dst = alloc_pages(size);
	if (!dst) {
		DIE("malloc", -ENOMEM);
		goto out;
	}
	for (rep = 0; rep < REPS; rep++) {
		uint8_t *src = alloc_pages(size);

		if (!src) {
			DIE("malloc", -ENOMEM);
			goto out;
		}
		fill_source(src, size, rep);
		if (memcpy_ref(src, dst, size, &v[0][rep]))
			goto out;
		for (pass = 0; pass < 2; pass++) {
			struct hmm_dmirror_cmd cmd = {
				.addr = (uintptr_t)src,
				.ptr = (uintptr_t)dst,
				.npages = size / PAGE,
			};
			double t;
			int ret;

			memset(dst, 0xdd, size);
			t = bench_now();
			ret = ioctl(fd, HMM_DMIRROR_READ, &cmd);
			v[1 + pass][rep] = bench_now() - t;
			if (ret) {
				DIE("HMM_DMIRROR_READ", -errno);
				goto out;
			}
			if (cmd.cpages != size / PAGE) {
				fprintf(stderr, "%s: HMM_DMIRROR_READ copied %" PRIu64 " pages of %zu\n",
					NAME, (uint64_t)cmd.cpages, size / PAGE);
				goto out;
			}
			if (check_copy(src, dst, size, pass ?
				       "test_hmm read, mirrored" :
				       "test_hmm first-touch read"))
				goto out;
			if (!pass)
				r->faults[0] = cmd.faults;
		}
		free(src);
	}
	read_medians(r, v);
	status = 0;
out:
	free(dst);
	dmirror_close(fd, loaded);
	return status;
}

static int figure_read(struct gq *g, size_t size)
{
	struct read_result gpu = { 0 }, hmm = { 0 };
	double mib = size >> 20;
	int ret;

	if (gpu_read(g, size, &gpu))
		return 1;
	printf("read %zu MiB, first touch: GPU COPY %.0f MiB/s (EXEC to user fence; source malloc'd and CPU-initialised, destination already GPU-faulted), memcpy %.0f MiB/s, ratio %.2f\n",
	       size >> 20, mib / gpu.cold, mib / gpu.cpu, gpu.ratio_cold);
	if (B.stats.ok)
		printf("  its faults: %" PRId64 " of 2 MiB, %" PRId64 " of 64 KiB, %" PRId64 " of 4 KiB; driver service %.1f ms (hmm_range_fault() %.1f ms) of %.1f ms\n",
		       gpu.faults[2], gpu.faults[1], gpu.faults[0],
		       gpu.drv_ms, gpu.hmm_ms, gpu.cold * 1e3);
	printf("  the same COPY again, source mapped: %.0f MiB/s, ratio to memcpy %.2f\n",
	       mib / gpu.warm, gpu.ratio_warm);

	ret = hmm_read(size, &hmm);
	if (ret > 0)
		return 1;
	if (ret < 0)
		return 0;
	printf("hmm read %zu MiB, first touch: test_hmm HMM_DMIRROR_READ %.0f MiB/s (the ioctl: hmm_range_fault() 64 pages a call, copy into a vmalloc() bounce buffer, copy_to_user(); %" PRIu64 " fault round), memcpy %.0f MiB/s, ratio %.2f\n",
	       size >> 20, mib / hmm.cold, (uint64_t)hmm.faults[0],
	       mib / hmm.cpu, hmm.ratio_cold);
	printf("  the same read again, already mirrored: %.0f MiB/s, ratio to memcpy %.2f\n",
	       mib / hmm.warm, hmm.ratio_warm);
	printf("svmgpu / test_hmm, first-touch read: %.2f (GPU COPY %.0f MiB/s, test_hmm %.0f MiB/s); already mapped: %.2f\n",
	       hmm.cold / gpu.cold, mib / gpu.cold, mib / hmm.cold,
	       hmm.warm / gpu.warm);
	return 0;
}

/* ---- figure 4: fault storm ---- */

struct storm {
	unsigned int n, m;		/* queues, ranges per queue */
	uint8_t *mem[MAX_QUEUES];	/* m * 2 MiB each, 2 MiB aligned */
};

static uint64_t storm_value(unsigned int rep, unsigned int q, unsigned int i)
{
	return 0x5353000000000000ull | (uint64_t)rep << 40 |
	       (uint64_t)q << 24 | i;
}

/*
 * Queues @gs[0..@n) fault their own M ranges of fresh CPU-touched memory
 * at once; *@secs is first EXEC to last fence.
 */
static int storm_run(struct storm *s, struct gq *gs, unsigned int n,
		     unsigned int rep, double *secs, double *drv_us)
{
	uint64_t values[MAX_QUEUES];
	struct stats before, d;
	unsigned int q, i;
	double t0;

	for (q = 0; q < n; q++) {
		s->mem[q] = map_aligned(s->m * SZ_2M);
		if (s->mem[q] == MAP_FAILED)
			return DIE("mmap", -errno);
		madvise(s->mem[q], s->m * SZ_2M, MADV_HUGEPAGE);
		memset(s->mem[q], 0xa5, s->m * SZ_2M);
	}
	for (q = 0; q < n; q++) {
		svmgpu_cs_reset(B.cs);
		for (i = 0; i < s->m; i++)
			svmgpu_cs_write_imm64(B.cs,
				svmgpu_ptr(s->mem[q] + i * SZ_2M +
					   fault_offset(SZ_2M)),
				storm_value(rep, q, i));
		svmgpu_cs_end(B.cs);
		if (job_prepare(&gs[q]))
			return 1;
	}
	stats_read(&before);
	t0 = bench_now();
	for (q = 0; q < n; q++)
		if (job_exec(&gs[q], &values[q]))
			return 1;
	for (q = 0; q < n; q++)
		if (job_wait(&gs[q], values[q]))
			return 1;
	*secs = bench_now() - t0;
	stats_delta(&d, &before);

	for (q = 0; q < n; q++) {
		for (i = 0; i < s->m; i++)
			if (check_block(s->mem[q] + i * SZ_2M, SZ_2M,
					storm_value(rep, q, i), 0xa5,
					"fault storm", i))
				return 1;
		munmap(s->mem[q], s->m * SZ_2M);
	}
	if (B.stats.ok && d.v[S_FAULTS_2M] != (int64_t)(n * s->m)) {
		fprintf(stderr, "%s: fault storm: %" PRId64 " 2 MiB faults (and %" PRId64 " 64 KiB, %" PRId64 " 4 KiB), not %u\n",
			NAME, d.v[S_FAULTS_2M], d.v[S_FAULTS_64K],
			d.v[S_FAULTS_4K], n * s->m);
		return 1;
	}
	*drv_us = per(d.v[S_FAULT_NS_2M], d.v[S_FAULTS_2M]) / 1e3;
	return 0;
}

/*
 * throughput(N) / (N x throughput(1)) for the queues @gs: each run times
 * queue 0 alone, then all N, and the scaling is the median of the runs'
 * own ratios, T(1) / T(N) for N times the work.
 */
static int storm_measure(struct storm *s, struct gq *gs, const char *label)
{
	double t1[REPS], tn[REPS], d1[REPS], dn[REPS], sc[REPS], thr1, thrn;
	unsigned int rep;

	for (rep = 0; rep < REPS; rep++) {
		if (storm_run(s, gs, 1, rep, &t1[rep], &d1[rep]) ||
		    storm_run(s, gs, s->n, rep, &tn[rep], &dn[rep]))
			return 1;
		sc[rep] = t1[rep] / tn[rep];
	}
	thr1 = s->m / bench_median(t1, REPS);
	thrn = s->n * s->m / bench_median(tn, REPS);
	printf("fault storm, %s: %u queues x %u ranges of 2 MiB: %.0f faults/s, one queue alone %.0f faults/s, scaling %.2f (throughput(%u) / (%u x throughput(1)))",
	       label, s->n, s->m, thrn, thr1, bench_median(sc, REPS), s->n,
	       s->n);
	if (B.stats.ok)
		printf("; driver service %.0f us/fault with %u queues, %.0f us alone",
		       bench_median(dn, REPS), s->n, bench_median(d1, REPS));
	printf("\n");
	return 0;
}

static int figure_storm(struct svmgpu_vm *vm)
{
	struct gq shared[MAX_QUEUES] = { 0 }, own[MAX_QUEUES] = { 0 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int q, e = B.info.num_engines;
	struct storm s = { 0 };
	int status = 1;

	s.n = cpus < 2 ? 2 : cpus > MAX_QUEUES ? MAX_QUEUES : (unsigned int)cpus;
	/* 2 MiB ranges, at most 256 MiB of them at once. */
	s.m = 128 / s.n;
	if (s.m > 32)
		s.m = 32;
	if (s.m < 4)
		s.m = 4;
	printf("fault storm: %ld online CPUs, %u queues, %u engines (queue i on engine i mod %u)\n",
	       cpus, s.n, e, e);

	for (q = 0; q < s.n; q++)
		if (gq_new(&shared[q], vm, q % e, q))
			goto out;
	if (storm_measure(&s, shared, "one VM"))
		goto out;
	for (q = 0; q < s.n; q++)
		gq_del(&shared[q]);
	for (q = 0; q < s.n; q++)
		if (gq_new(&own[q], NULL, q % e, q))
			goto out;
	if (storm_measure(&s, own, "a VM per queue"))
		goto out;
	status = 0;
out:
	for (q = 0; q < s.n; q++) {
		gq_del(&shared[q]);
		gq_del(&own[q]);
	}
	return status;
}

int main(int argc, char **argv)
{
	size_t size = (argc > 1 ? strtoull(argv[1], NULL, 0) : 256) << 20;
	struct svmgpu_vm *vm = NULL;
	struct gq g = { 0 };
	int ret, status = 1;

	ret = svmgpu_device_open(0, &B.dev);
	if (ret)
		return DIE("open", ret);
	ret = svmgpu_device_get_info(B.dev, &B.info);
	if (ret)
		return DIE("device info", ret);
	if (!svmgpu_device_has_system_svm(B.dev)) {
		fprintf(stderr, "%s: the driver does not report system SVM\n",
			NAME);
		return 1;
	}
	bench_stats_init(&B.stats, svmgpu_device_fd(B.dev), stat_names,
			 S_COUNT, "the driver's own fault times are");

	B.cmd_area = map_aligned(CMD_AREA);
	if (B.cmd_area == MAP_FAILED)
		return DIE("mmap", -errno);
	memset(B.cmd_area, 0, CMD_AREA);
	ret = svmgpu_cs_new(&B.cs);
	if (ret)
		return DIE("command stream", ret);

	ret = svmgpu_vm_new_svm(B.dev, &vm);
	if (ret)
		return DIE("mirroring VM", ret);
	if (gq_new(&g, vm, 0, 0))
		goto out;

	if (figure_faults(&g) || figure_read(&g, size) || figure_storm(vm))
		goto out;
	status = 0;
out:
	gq_del(&g);
	svmgpu_vm_del(vm);
	svmgpu_cs_del(B.cs);
	svmgpu_device_del(B.dev);
	return status;
}
