// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_evict - VRAM oversubscription and eviction (uAPI 1.2, "DOC:
 * buffer objects", placement and moves).
 *
 * The oversubscribe subtests create BOs of mixed sizes totalling twice
 * the VRAM that BOs can use, have the GPU write every 4 KiB page of each
 * with its own 32-bit value (FILL), then run jobs in a random order with
 * a fixed seed that COPY a range of one BO into another and FILL a range
 * of the source again. The test keeps the value each page must hold, and
 * the CPU checks every page of every BO at the end, wherever the BO is.
 * Whole pages with their own values catch pages that a move lost,
 * duplicated or put at the wrong offset.
 *
 * The other subtests check one promise each: a VRAM-only BO comes back to
 * VRAM for a job, GPU use keeps a BO from eviction (LRU), pinned BOs never
 * move, BOs that may live in system memory still work when VRAM cannot
 * take them, and the debugfs counters and trace events of moves.
 *
 * GPU copies run at about 1.5 GB/s when the guest runs under TCG; the
 * traffic here is kept to a few GB per subtest.
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu eviction: VRAM oversubscription from one or "
		     "more VMs, threads and processes; EXEC restores evicted "
		     "BOs; LRU order, pinned BOs, fallback to system memory, "
		     "move counters and trace events.");

#define ALL	(DRM_SVMGPU_FEATURE_GEM | DRM_SVMGPU_FEATURE_VM | \
		 DRM_SVMGPU_FEATURE_EXEC | DRM_SVMGPU_FEATURE_GEM_MIGRATE)
#define VRAM	DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM	DRM_SVMGPU_GEM_PLACEMENT_SYSTEM
#define BOTH	SVMGPU_PLACEMENT_BOTH
#define PINNED	DRM_SVMGPU_GEM_CREATE_PINNED

#define PAGE		SZ_4K
#define SZ_16M		(16ull << 20)

/* Command buffers a lane cycles through, and their size. */
#define RING		8
#define SLOT_BYTES	(128u << 10)
/* FILL commands (28 bytes each) per job, so that a job fits its slot. */
#define FILL_PAGES_PER_JOB	4000
/* Largest COPY of the random jobs (4 MiB), and largest FILL again. */
#define COPY_MAX_PAGES		1024
#define REFILL_MAX_PAGES	16
/* Random jobs per BO. */
#define OPS_PER_OBJ		3

#define MULTI_VM_LANES	4
#define PROCESSES	4
#define THREADS		8

#define TRACE_SYSTEM	"svmgpu"
#define TRACE_MOVE	"svmgpu_bo_move"

static int svmgpu_fd = -1;
static bool move_event_enabled;

/* A small deterministic generator: the jobs' order depends on the seed. */
static uint32_t rng_next(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;

	return (uint32_t)(*state >> 32);
}

static uint64_t rng_below(uint64_t *state, uint64_t n)
{
	return n ? rng_next(state) % n : 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * Returns the offset of the first 32-bit word of the page at @ptr that is
 * not @want, or PAGE.
 */
static uint64_t check_page(const void *ptr, uint32_t want)
{
	const uint64_t *q = ptr;
	uint64_t wide = want * 0x100000001ull;
	const uint32_t *w = ptr;
	unsigned int i;

	for (i = 0; i < PAGE / 8; i++)
		if (q[i] != wide)
			break;
	if (i == PAGE / 8)
		return PAGE;

	return w[2 * i] != want ? 8ull * i : 8ull * i + 4;
}

/* Asserts that @bytes at @ptr are all the word @want. */
static void assert_words(const void *ptr, uint64_t bytes, uint32_t want,
			 const char *what)
{
	uint64_t off;

	for (off = 0; off < bytes; off += PAGE) {
		uint64_t bad = check_page((const char *)ptr + off, want);

		igt_assert_f(bad == PAGE,
			     "%s: word at %#llx is %#010x, expected %#010x\n",
			     what, (unsigned long long)(off + bad),
			     *(const uint32_t *)((const char *)ptr + off + bad),
			     want);
	}
}

/*
 * Asserts that the @bytes at offset @offset of @base hold what
 * svmgpu_fill_pattern(@base, ..., @seed) wrote there.
 */
static void assert_pattern_at(const void *base, uint64_t offset,
			      uint64_t bytes, uint32_t seed, const char *what)
{
	const uint32_t *w = (const uint32_t *)((const char *)base + offset);
	uint64_t i;

	for (i = 0; i < bytes / 4; i++) {
		uint32_t want = svmgpu_pattern_word(offset / 4 + i, seed);

		igt_assert_f(w[i] == want,
			     "%s: word at %#llx is %#010x, expected %#010x\n",
			     what, (unsigned long long)(offset + 4 * i), w[i],
			     want);
	}
}

/* Asserts that @bytes at @ptr hold the pattern @seed from its start. */
static void assert_pattern(const void *ptr, uint64_t bytes, uint32_t seed,
			   const char *what)
{
	assert_pattern_at(ptr, 0, bytes, seed, what);
}

static void assert_job_ok(int ret, const char *what)
{
	igt_assert_f(ret == 0, "%s: job failed: %d (%s)\n", what, ret,
		     strerror(-ret));
}

static uint64_t require_vram_bo_size(int fd)
{
	uint64_t size;

	svmgpu_require_features(fd, ALL);
	size = svmgpu_vram_bo_size(fd);
	igt_require_f(size >= 64 * SZ_1M,
		      "vram_bo_size is %llu bytes: too small to test\n",
		      (unsigned long long)size);
	igt_info("vram_bo_size: %llu MiB\n",
		 (unsigned long long)(size >> 20));

	return size;
}

/* Reads bo_stats if the device has it; returns whether it did. */
static bool stats_snapshot(int fd, struct svmgpu_bo_stats *stats)
{
	int ret = __svmgpu_bo_stats_read(fd, stats);

	igt_assert_f(ret == 0 || ret == -ENOENT,
		     "debugfs bo_stats does not parse: %s\n", strerror(-ret));

	return ret == 0;
}

/* --- The oversubscription workload ---------------------------------------- */

/* A BO, where it is in its lane's VM, and the value each page must hold. */
struct obj {
	struct svmgpu_buf buf;
	uint64_t va;
	uint64_t pages;
	uint32_t *want;
	unsigned int lane;
};

/* A VM with one queue, a ring of command buffers and a timeline. */
struct lane {
	struct svmgpu_ctx ctx;
	uint32_t queue;
	uint32_t timeline;
	/* Jobs submitted; job n signals timeline point n unless @sync. */
	uint64_t seq;
	/* Jobs run to completion one at a time, on binary syncobjs. */
	bool sync;
	struct svmgpu_cs ring[RING];
};

struct workload_params {
	/* Bytes of BOs to create, and the largest BO. */
	uint64_t total;
	uint64_t max_size;
	uint32_t placements;
	/*
	 * Bind only the BOs a job uses, for the job only; jobs then run one
	 * at a time. Otherwise every BO is bound in its lane's VM for good
	 * and jobs are pipelined.
	 */
	bool bind_per_job;
	/*
	 * Nothing else uses the device: a BO a job used is still where the
	 * job left it when the job is over.
	 */
	bool exclusive;
	unsigned int lanes;
	uint32_t seed;
};

struct workload {
	int fd;
	struct workload_params p;
	struct lane *lanes;
	struct obj *objs;
	unsigned int nobjs;
	uint64_t total;
	uint64_t rng;
	/* Index of the next FILL value. */
	uint64_t next_value;
	/* Jobs that found one of their BOs outside VRAM (bind_per_job). */
	unsigned int restores;
	unsigned int jobs;
};

static void lane_init(struct lane *l, int fd, uint32_t engine, bool sync)
{
	unsigned int i;

	memset(l, 0, sizeof(*l));
	l->sync = sync;
	svmgpu_ctx_init(&l->ctx, fd, RING * SLOT_BYTES + SZ_64K);
	l->queue = svmgpu_queue_create(fd, l->ctx.vm, engine);
	l->timeline = svmgpu_syncobj_create(fd, 0);
	for (i = 0; i < RING; i++)
		svmgpu_ctx_cs(&l->ctx, &l->ring[i], SLOT_BYTES);
}

static void lane_wait_point(struct lane *l, uint64_t point)
{
	int ret;

	if (!point || l->sync)
		return;
	ret = svmgpu_syncobj_wait(l->ctx.fd, l->timeline, point,
				  svmgpu_job_wait_ns());
	igt_assert_f(ret == 0, "job %llu of queue %u did not complete: %s\n",
		     (unsigned long long)point, l->queue, strerror(-ret));
}

/*
 * Waits for every job of the lane; a job that failed has banned the
 * queue, which the probe job shows.
 */
static void lane_finish(struct lane *l)
{
	lane_wait_point(l, l->seq);
	igt_assert_f(!svmgpu_ctx_banned(&l->ctx, l->queue),
		     "a job of queue %u failed\n", l->queue);
}

static void lane_fini(struct lane *l)
{
	svmgpu_syncobj_destroy(l->ctx.fd, l->timeline);
	svmgpu_queue_destroy(l->ctx.fd, l->queue);
	svmgpu_ctx_fini(&l->ctx);
}

/* The next FILL value: never zero, which is what a new BO reads as. */
static uint32_t fill_value(struct workload *w)
{
	uint32_t v;

	do {
		v = svmgpu_pattern_word(w->next_value++, w->p.seed);
	} while (!v);

	return v;
}

/* Emits FILLs of @n pages of @o from page @first, each its own value. */
static void emit_fill(struct workload *w, struct svmgpu_cs *cs,
		      struct obj *o, uint64_t first, uint64_t n)
{
	uint64_t p;

	for (p = first; p < first + n; p++) {
		uint32_t v = fill_value(w);

		svmgpu_cs_fill(cs, o->va + p * PAGE, v, PAGE);
		o->want[p] = v;
	}
}

/* Emits a COPY of @n pages from page @sp of @src to page @dp of @dst. */
static void emit_copy(struct svmgpu_cs *cs, struct obj *src, uint64_t sp,
		      struct obj *dst, uint64_t dp, uint64_t n)
{
	igt_assert(src != dst);
	svmgpu_cs_copy(cs, src->va + sp * PAGE, dst->va + dp * PAGE,
		       n * PAGE);
	memcpy(&dst->want[dp], &src->want[sp], n * sizeof(*dst->want));
}

/*
 * Starts a job on @l that uses @objs. With bind_per_job, binds them and
 * notes whether one of them was out of VRAM.
 */
static struct svmgpu_cs *job_begin(struct workload *w, struct lane *l,
				   struct obj **objs, unsigned int n)
{
	uint64_t next = l->seq + 1;
	struct svmgpu_cs *cs = &l->ring[next % RING];
	bool out = false;
	unsigned int i;

	if (w->p.bind_per_job) {
		for (i = 0; i < n; i++) {
			if (svmgpu_bo_placement(w->fd, objs[i]->buf.handle) !=
			    VRAM)
				out = true;
			svmgpu_buf_bind(&objs[i]->buf, l->ctx.vm,
					objs[i]->va, 0);
		}
		w->restores += out;
	} else if (next > RING) {
		lane_wait_point(l, next - RING);
	}
	svmgpu_cs_reset(cs);

	return cs;
}

/*
 * Submits the job. With bind_per_job, runs it to completion, checks that
 * every VRAM-only BO it used is in VRAM (when the device is ours alone),
 * and unbinds them.
 */
static void job_end(struct workload *w, struct lane *l, struct svmgpu_cs *cs,
		    struct obj **objs, unsigned int n)
{
	struct drm_svmgpu_sync out;
	unsigned int i;
	int ret;

	svmgpu_cs_end(cs);
	l->seq++;
	w->jobs++;

	if (w->p.bind_per_job) {
		assert_job_ok(svmgpu_run(w->fd, l->queue, cs), "workload");
		for (i = 0; i < n; i++) {
			if (w->p.exclusive && w->p.placements == VRAM) {
				uint32_t where = svmgpu_bo_placement(w->fd,
						objs[i]->buf.handle);

				igt_assert_f(where == VRAM,
					     "a VRAM-only BO of a job that "
					     "ran is in %s\n",
					     svmgpu_placement_name(where));
			}
			svmgpu_buf_unbind(&objs[i]->buf);
		}
		return;
	}

	out = svmgpu_sync_out_point(l->timeline, l->seq);
	ret = __svmgpu_exec(w->fd, l->queue, svmgpu_cs_addr(cs),
			    svmgpu_cs_bytes(cs), &out, 1);
	igt_assert_f(ret == 0,
		     "EXEC on queue %u: %s (-ECANCELED: an earlier job of the "
		     "queue failed)\n", l->queue, strerror(-ret));
}

/* Gives every page of @o its own value, in jobs of bounded size. */
static void obj_fill_all(struct workload *w, struct obj *o)
{
	struct lane *l = &w->lanes[o->lane];
	uint64_t first;

	for (first = 0; first < o->pages; first += FILL_PAGES_PER_JOB) {
		uint64_t n = min_u64(FILL_PAGES_PER_JOB, o->pages - first);
		struct svmgpu_cs *cs = job_begin(w, l, &o, 1);

		emit_fill(w, cs, o, first, n);
		job_end(w, l, cs, &o, 1);
	}
}

/* Picks the size of the next BO: log-uniform from 4 KiB to max_size. */
static uint64_t pick_pages(struct workload *w, uint64_t max_pages)
{
	unsigned int bits = 0, b;
	uint64_t pages;

	while ((2ull << bits) <= max_pages)
		bits++;
	b = rng_below(&w->rng, bits + 1);
	pages = (1ull << b) + rng_below(&w->rng, 1ull << b);

	return min_u64(pages, max_pages);
}

/*
 * Creates the BOs, one after the other, each written by the GPU as soon
 * as it exists: the first is as large as allowed, the others have random
 * sizes. BO k belongs to lane k % lanes.
 */
static void workload_create(struct workload *w)
{
	uint64_t max_pages = w->p.max_size / PAGE;
	uint64_t total_pages = w->p.total / PAGE;
	uint64_t done = 0;
	unsigned int cap = 0;

	igt_assert(max_pages > 0 && total_pages > 0);

	while (done < total_pages) {
		uint64_t pages = w->nobjs ? pick_pages(w, max_pages) :
					    max_pages;
		struct obj *o;

		pages = min_u64(pages, total_pages - done);
		if (w->nobjs == cap) {
			cap = cap ? 2 * cap : 64;
			w->objs = realloc(w->objs, cap * sizeof(*w->objs));
			igt_assert(w->objs);
		}
		o = &w->objs[w->nobjs];
		memset(o, 0, sizeof(*o));
		o->pages = pages;
		o->lane = w->nobjs % w->p.lanes;
		o->want = calloc(pages, sizeof(*o->want));
		igt_assert(o->want);
		svmgpu_buf_create(&o->buf, w->fd, pages * PAGE,
				  w->p.placements, 0);
		o->va = svmgpu_ctx_va(&w->lanes[o->lane].ctx, pages * PAGE);
		if (!w->p.bind_per_job)
			svmgpu_buf_bind(&o->buf, w->lanes[o->lane].ctx.vm,
					o->va, 0);
		w->nobjs++;
		done += pages;
		w->total += pages * PAGE;

		obj_fill_all(w, o);
	}
	igt_assert_f(w->nobjs >= 2 * w->p.lanes,
		     "only %u BOs for %u VMs\n", w->nobjs, w->p.lanes);
}

/* Picks a BO of lane @lane at random. */
static struct obj *pick_obj(struct workload *w, unsigned int lane)
{
	unsigned int count = (w->nobjs - lane + w->p.lanes - 1) / w->p.lanes;

	return &w->objs[lane + w->p.lanes * rng_below(&w->rng, count)];
}

/*
 * One random job: COPY a range of BO i into BO j, then FILL a range of BO
 * i with new values.
 */
static void workload_op(struct workload *w)
{
	unsigned int lane = rng_below(&w->rng, w->p.lanes);
	struct obj *objs[2], *src, *dst;
	struct svmgpu_cs *cs;
	uint64_t n, sp, dp, fn, fp;

	src = pick_obj(w, lane);
	do {
		dst = pick_obj(w, lane);
	} while (dst == src);

	n = 1 + rng_below(&w->rng, min_u64(COPY_MAX_PAGES,
					   min_u64(src->pages, dst->pages)));
	sp = rng_below(&w->rng, src->pages - n + 1);
	dp = rng_below(&w->rng, dst->pages - n + 1);
	fn = 1 + rng_below(&w->rng, min_u64(REFILL_MAX_PAGES, src->pages));
	fp = rng_below(&w->rng, src->pages - fn + 1);

	objs[0] = src;
	objs[1] = dst;
	cs = job_begin(w, &w->lanes[lane], objs, 2);
	emit_copy(cs, src, sp, dst, dp, n);
	emit_fill(w, cs, src, fp, fn);
	job_end(w, &w->lanes[lane], cs, objs, 2);
}

/* Checks every page of @o through its CPU mapping. */
static void obj_verify(struct workload *w, struct obj *o, unsigned int index)
{
	uint64_t p;

	for (p = 0; p < o->pages; p++) {
		const char *page = svmgpu_buf_cpu(&o->buf, p * PAGE);
		uint64_t bad = check_page(page, o->want[p]);

		igt_assert_f(bad == PAGE,
			     "seed %u, BO %u (%llu KiB, now in %s): page %llu "
			     "word at %#llx is %#010x, expected %#010x\n",
			     w->p.seed, index,
			     (unsigned long long)(o->pages * PAGE >> 10),
			     svmgpu_placement_name(svmgpu_bo_placement(w->fd,
							o->buf.handle)),
			     (unsigned long long)p, (unsigned long long)bad,
			     *(const uint32_t *)(page + bad), o->want[p]);
	}
}

static void workload_init(struct workload *w, int fd,
			  const struct workload_params *p)
{
	uint32_t engines = svmgpu_num_engines(fd);
	unsigned int i;

	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->p = *p;
	w->rng = 0x9e3779b97f4a7c15ull ^ p->seed;
	w->lanes = calloc(p->lanes, sizeof(*w->lanes));
	igt_assert(w->lanes);
	for (i = 0; i < p->lanes; i++)
		lane_init(&w->lanes[i], fd, i % engines, p->bind_per_job);
}

/*
 * Creates and writes the BOs, runs the random jobs, waits for them and
 * checks every BO with the CPU.
 */
static void workload_run(struct workload *w)
{
	unsigned int i, ops;

	workload_create(w);
	ops = OPS_PER_OBJ * w->nobjs;
	for (i = 0; i < ops; i++)
		workload_op(w);
	for (i = 0; i < w->p.lanes; i++)
		lane_finish(&w->lanes[i]);
	for (i = 0; i < w->nobjs; i++)
		obj_verify(w, &w->objs[i], i);

	igt_debug("seed %u: %u BOs, %llu MiB, %u jobs, %u found a BO out of "
		  "VRAM\n", w->p.seed, w->nobjs,
		  (unsigned long long)(w->total >> 20), w->jobs, w->restores);
}

static void workload_fini(struct workload *w)
{
	unsigned int i;

	for (i = 0; i < w->nobjs; i++) {
		svmgpu_buf_destroy(&w->objs[i].buf);
		free(w->objs[i].want);
	}
	for (i = 0; i < w->p.lanes; i++)
		lane_fini(&w->lanes[i]);
	free(w->objs);
	free(w->lanes);
	memset(w, 0, sizeof(*w));
}

/* Where the BOs of some workloads are now. */
struct summary {
	uint64_t vram_bytes, system_bytes;
	unsigned int in_vram, in_system, moved;
};

static void summarize(struct workload *w, struct summary *s)
{
	unsigned int i;

	for (i = 0; i < w->nobjs; i++) {
		struct drm_svmgpu_gem_info info;

		svmgpu_bo_info(w->fd, w->objs[i].buf.handle, &info);
		igt_assert_eq_u64(info.size, w->objs[i].buf.size);
		igt_assert_eq_u32(info.placements, w->p.placements);
		if (info.placement == VRAM) {
			s->vram_bytes += info.size;
			s->in_vram++;
		} else {
			igt_assert_eq_u32(info.placement, SYSTEM);
			s->system_bytes += info.size;
			s->in_system++;
		}
		s->moved += info.moves > 0;
	}
}

/*
 * What oversubscription implies for BOs totalling more than VRAM: no more
 * of them in VRAM than fits, the rest in system memory, and some of them
 * got there by moving. BOs share VRAM with page tables, which take it on
 * demand, so together they fit in vram_size.
 */
static void check_summary(int fd, const struct summary *s, uint64_t total,
			  uint64_t vram_bo_size)
{
	uint64_t vram_size = svmgpu_vram_size(fd);

	igt_info("%u BOs in VRAM (%llu MiB), %u in system memory (%llu MiB), "
		 "%u have moved\n", s->in_vram,
		 (unsigned long long)(s->vram_bytes >> 20), s->in_system,
		 (unsigned long long)(s->system_bytes >> 20), s->moved);

	igt_assert_lte_u64(s->vram_bytes, vram_size);
	igt_assert_lte_u64(total - vram_size, s->system_bytes);
	igt_assert_f(s->moved > 0, "no BO has ever moved\n");

	if (svmgpu_has_vram_info(fd)) {
		struct svmgpu_vram_info vram;

		svmgpu_vram_info_read(fd, &vram);
		igt_info("debugfs vram: used %llu MiB, page tables %llu KiB\n",
			 (unsigned long long)(vram.used >> 20),
			 (unsigned long long)(vram.pagetables >> 10));
		igt_assert_eq_u64(vram.bo_size, vram_bo_size);
		igt_assert_lte_u64(vram.used + vram.pagetables, vram_size);
		igt_assert_lte_u64(vram.pagetables_used, vram.pagetables);
		igt_assert_lte_u64(s->vram_bytes, vram.used);
	}
}

static void check_evictions_grew(int fd, bool had_stats,
				 const struct svmgpu_bo_stats *before)
{
	struct svmgpu_bo_stats after;

	if (!had_stats) {
		igt_info("no debugfs bo_stats: eviction counters not "
			 "checked\n");
		return;
	}
	svmgpu_bo_stats_read(fd, &after);
	igt_info("bo_stats: %llu evictions (%llu MiB), %llu moves to VRAM "
		 "(%llu MiB) during the subtest\n",
		 (unsigned long long)(after.evictions - before->evictions),
		 (unsigned long long)((after.evicted_bytes -
				       before->evicted_bytes) >> 20),
		 (unsigned long long)(after.moves_to_vram -
				      before->moves_to_vram),
		 (unsigned long long)((after.bytes_to_vram -
				       before->bytes_to_vram) >> 20));
	igt_assert_lt_u64(before->evictions, after.evictions);
	igt_assert_lt_u64(before->evicted_bytes, after.evicted_bytes);
}

/*
 * BOs that may live in VRAM or system memory, totalling twice VRAM, in
 * @lanes VMs with a queue each; jobs are pipelined.
 */
static void test_oversubscribe(int fd, unsigned int lanes)
{
	uint64_t vram_bo_size = require_vram_bo_size(fd);
	struct workload_params p = {
		.total = 2 * vram_bo_size,
		.max_size = vram_bo_size / 4,
		.placements = BOTH,
		.lanes = lanes,
		.exclusive = true,
		.seed = 1 + lanes,
	};
	struct svmgpu_bo_stats before;
	struct summary s = {};
	struct workload w;
	bool stats = stats_snapshot(fd, &before);

	workload_init(&w, fd, &p);
	workload_run(&w);
	summarize(&w, &s);
	check_summary(fd, &s, w.total, vram_bo_size);
	check_evictions_grew(fd, stats, &before);
	workload_fini(&w);
}

/*
 * VRAM-only BOs totalling twice VRAM; each job binds only the BOs it uses,
 * so EXEC has to bring evicted ones back by evicting others.
 */
static void test_oversubscribe_vram_only(int fd)
{
	uint64_t vram_bo_size = require_vram_bo_size(fd);
	struct workload_params p = {
		.total = 2 * vram_bo_size,
		.max_size = vram_bo_size / 4,
		.placements = VRAM,
		.bind_per_job = true,
		.exclusive = true,
		.lanes = 1,
		.seed = 11,
	};
	struct svmgpu_bo_stats before;
	struct summary s = {};
	struct workload w;
	bool stats = stats_snapshot(fd, &before);

	workload_init(&w, fd, &p);
	workload_run(&w);
	igt_info("%u of %u jobs found a BO outside VRAM\n", w.restores,
		 w.jobs);
	igt_assert_f(w.restores > 0,
		     "no job ever found its BO evicted: nothing tested\n");
	summarize(&w, &s);
	check_summary(fd, &s, w.total, vram_bo_size);
	check_evictions_grew(fd, stats, &before);
	workload_fini(&w);
}

/* Worker @index of several: half use VRAM-only BOs bound per job. */
static void worker_params(struct workload_params *p, unsigned int index,
			  uint64_t total, uint64_t max_size)
{
	bool vram_only = index & 1;

	*p = (struct workload_params) {
		.total = total,
		.max_size = max_size,
		.placements = vram_only ? VRAM : BOTH,
		.bind_per_job = vram_only,
		.lanes = 1,
		.seed = 100 + index,
	};
}

/*
 * Four processes with a DRM file each; each has BOs totalling half of
 * VRAM, so twice VRAM together. Odd children use VRAM-only BOs.
 */
static void test_processes(int fd)
{
	uint64_t vram_bo_size = require_vram_bo_size(fd);
	struct svmgpu_bo_stats before;
	bool stats = stats_snapshot(fd, &before);

	igt_fork(child, PROCESSES) {
		struct workload_params p;
		struct workload w;
		int cfd = drm_open_svmgpu(0);

		worker_params(&p, child, 2 * vram_bo_size / PROCESSES,
			      vram_bo_size / 8);
		workload_init(&w, cfd, &p);
		workload_run(&w);
		igt_info("child %d: %u BOs, %u jobs, %u found a BO outside "
			 "VRAM\n", child, w.nobjs, w.jobs, w.restores);
		workload_fini(&w);
		close(cfd);
	}
	igt_waitchildren();

	check_evictions_grew(fd, stats, &before);
}

struct worker {
	int fd;
	struct workload_params p;
	struct workload w;
	bool done;
};

/*
 * Runs in a thread: an assertion ends the thread and fails the subtest
 * when it ends; @done tells the main thread the workload got through.
 */
static void *worker_thread(void *arg)
{
	struct worker *wk = arg;

	workload_init(&wk->w, wk->fd, &wk->p);
	workload_run(&wk->w);
	wk->done = true;

	return NULL;
}

/*
 * Eight threads share the DRM file, each with its own VM, queue and BOs
 * totalling a quarter of VRAM. Odd threads use VRAM-only BOs.
 */
static void test_threads(int fd)
{
	uint64_t vram_bo_size = require_vram_bo_size(fd);
	struct worker workers[THREADS];
	pthread_t threads[THREADS];
	struct svmgpu_bo_stats before;
	struct summary s = {};
	uint64_t total = 0;
	unsigned int i;
	bool stats = stats_snapshot(fd, &before);

	for (i = 0; i < THREADS; i++) {
		memset(&workers[i], 0, sizeof(workers[i]));
		workers[i].fd = fd;
		worker_params(&workers[i].p, i, 2 * vram_bo_size / THREADS,
			      vram_bo_size / 16);
	}
	for (i = 0; i < THREADS; i++)
		igt_assert_eq(pthread_create(&threads[i], NULL, worker_thread,
					     &workers[i]), 0);
	for (i = 0; i < THREADS; i++)
		igt_assert_eq(pthread_join(threads[i], NULL), 0);
	for (i = 0; i < THREADS; i++)
		igt_assert_f(workers[i].done, "thread %u failed\n", i);

	for (i = 0; i < THREADS; i++) {
		summarize(&workers[i].w, &s);
		total += workers[i].w.total;
	}
	check_summary(fd, &s, total, vram_bo_size);
	check_evictions_grew(fd, stats, &before);

	for (i = 0; i < THREADS; i++)
		workload_fini(&workers[i].w);
}

/* --- Pressure ------------------------------------------------------------- */

/* BOs created only to take VRAM, never mapped by the CPU. */
struct pressure {
	int fd;
	uint32_t *handles;
	uint64_t *sizes;
	unsigned int count, cap;
	uint64_t bytes;
};

static void pressure_init(struct pressure *pr, int fd)
{
	memset(pr, 0, sizeof(*pr));
	pr->fd = fd;
}

static uint32_t pressure_add(struct pressure *pr, uint64_t size,
			     uint32_t placements)
{
	if (pr->count == pr->cap) {
		pr->cap = pr->cap ? 2 * pr->cap : 64;
		pr->handles = realloc(pr->handles,
				      pr->cap * sizeof(*pr->handles));
		pr->sizes = realloc(pr->sizes, pr->cap * sizeof(*pr->sizes));
		igt_assert(pr->handles && pr->sizes);
	}
	pr->handles[pr->count] = svmgpu_bo_create(pr->fd, size, placements, 0);
	pr->sizes[pr->count] = size;
	pr->bytes += size;

	return pr->handles[pr->count++];
}

static void pressure_fini(struct pressure *pr)
{
	unsigned int i;

	for (i = 0; i < pr->count; i++)
		svmgpu_gem_close(pr->fd, pr->handles[i]);
	free(pr->handles);
	free(pr->sizes);
	memset(pr, 0, sizeof(*pr));
}

/*
 * Creates @size BOs until every BO of @handles has left VRAM, for at most
 * @limit bytes.
 */
static void pressure_until_evicted(struct pressure *pr, const uint32_t *handles,
				   unsigned int n, uint64_t size,
				   uint64_t limit)
{
	for (;;) {
		unsigned int i, out = 0;

		for (i = 0; i < n; i++)
			out += svmgpu_bo_placement(pr->fd, handles[i]) ==
			       SYSTEM;
		if (out == n)
			break;
		igt_assert_f(pr->bytes < limit,
			     "%llu MiB of new BOs did not evict %u of %u "
			     "BOs\n", (unsigned long long)(pr->bytes >> 20),
			     n - out, n);
		pressure_add(pr, size, BOTH);
	}
	igt_info("%llu MiB of new BOs evicted them\n",
		 (unsigned long long)(pr->bytes >> 20));
}

/* --- Restores and LRU ----------------------------------------------------- */

/*
 * A job in a VM that maps @victim, which was evicted: it copies the BO to
 * a system-memory BO and fills the BO's second half. Returns where the
 * BO is after the job.
 */
static uint32_t use_evicted(int fd, struct svmgpu_buf *victim, uint32_t seed,
			    uint32_t value)
{
	uint64_t half = victim->size / 2;
	struct svmgpu_buf result;
	struct svmgpu_ctx ctx;
	struct svmgpu_cs cs;
	uint32_t queue, where;

	svmgpu_ctx_init(&ctx, fd, SZ_64K);
	svmgpu_ctx_buf(&ctx, &result, victim->size, SYSTEM);
	svmgpu_buf_bind(victim, ctx.vm, svmgpu_ctx_va(&ctx, victim->size), 0);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);

	svmgpu_ctx_cs(&ctx, &cs, 256);
	svmgpu_cs_copy(&cs, svmgpu_buf_gpu(victim, 0),
		       svmgpu_buf_gpu(&result, 0), victim->size);
	svmgpu_cs_fill(&cs, svmgpu_buf_gpu(victim, half), value, half);
	svmgpu_cs_end(&cs);
	assert_job_ok(svmgpu_run(fd, queue, &cs), "job on an evicted BO");

	where = svmgpu_bo_placement(fd, victim->handle);

	assert_pattern(result.map, result.size, seed, "copy of the evicted BO");
	assert_pattern(victim->map, half, seed, "evicted BO, first half");
	assert_words(svmgpu_buf_cpu(victim, half), half, value,
		     "evicted BO, second half");

	svmgpu_queue_destroy(fd, queue);
	svmgpu_buf_unbind(victim);
	svmgpu_buf_destroy(&result);
	svmgpu_ctx_fini(&ctx);

	return where;
}

static void test_gpu_use_restores(int fd)
{
	uint64_t vram_bo_size = require_vram_bo_size(fd);
	struct svmgpu_buf only, either;
	struct drm_svmgpu_gem_info info;
	struct pressure pr;
	uint32_t handles[2], where;

	svmgpu_buf_create(&only, fd, 4 * SZ_1M, VRAM, 0);
	svmgpu_buf_create(&either, fd, 4 * SZ_1M, BOTH, 0);
	svmgpu_fill_pattern(only.map, only.size, 0x7001);
	svmgpu_fill_pattern(either.map, either.size, 0x7002);
	igt_assert_eq_u32(svmgpu_bo_placement(fd, only.handle), VRAM);

	/* Newer BOs push both out: they are the least recently used. */
	pressure_init(&pr, fd);
	handles[0] = only.handle;
	handles[1] = either.handle;
	pressure_until_evicted(&pr, handles, 2, SZ_16M, 2 * vram_bo_size);

	where = use_evicted(fd, &only, 0x7001, 0xc0ffee01);
	svmgpu_bo_info(fd, only.handle, &info);
	igt_info("VRAM-only BO after the job: %s, %llu moves\n",
		 svmgpu_placement_name(where), (unsigned long long)info.moves);
	igt_assert_f(where == VRAM,
		     "the VRAM-only BO a job used is in %s\n",
		     svmgpu_placement_name(where));
	igt_assert_lte_u64(2, info.moves);

	where = use_evicted(fd, &either, 0x7002, 0xc0ffee02);
	igt_info("VRAM|SYSTEM BO after the job: %s (either is right)\n",
		 svmgpu_placement_name(where));

	pressure_fini(&pr);
	svmgpu_buf_destroy(&either);
	svmgpu_buf_destroy(&only);
}

/*
 * B is created first, A later; then only B is used by the GPU. Under
 * pressure, A must go first: GPU use, not creation, orders the LRU.
 */
static void test_lru(int fd)
{
	uint64_t vram_bo_size = require_vram_bo_size(fd);
	struct svmgpu_buf a, b, scratch;
	struct svmgpu_ctx ctx;
	struct pressure pr;
	uint32_t queue, where_a, where_b;
	unsigned int i;

	svmgpu_buf_create(&b, fd, SZ_16M, VRAM, 0);
	svmgpu_fill_pattern(b.map, b.size, 0xb0);
	svmgpu_buf_create(&a, fd, SZ_16M, VRAM, 0);
	svmgpu_fill_pattern(a.map, a.size, 0xa0);

	/* Only B is mapped in the VM the jobs run in. */
	svmgpu_ctx_init(&ctx, fd, SZ_64K);
	svmgpu_ctx_buf(&ctx, &scratch, SZ_64K, SYSTEM);
	svmgpu_buf_bind(&b, ctx.vm, svmgpu_ctx_va(&ctx, b.size), 0);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);
	for (i = 0; i < 3; i++) {
		struct svmgpu_cs cs;

		svmgpu_ctx_cs(&ctx, &cs, 128);
		svmgpu_cs_copy(&cs, svmgpu_buf_gpu(&b, i * SZ_64K),
			       svmgpu_buf_gpu(&scratch, 0), SZ_64K);
		svmgpu_cs_end(&cs);
		assert_job_ok(svmgpu_run(fd, queue, &cs), "job using B");
		igt_assert_eq(memcmp(scratch.map,
				     svmgpu_buf_cpu(&b, i * SZ_64K), SZ_64K),
			      0);
	}

	igt_assert_f(svmgpu_bo_placement(fd, a.handle) == VRAM &&
		     svmgpu_bo_placement(fd, b.handle) == VRAM,
		     "A and B should both be in VRAM before the pressure\n");

	/* Small BOs, one at a time, until one of A and B leaves VRAM. */
	pressure_init(&pr, fd);
	for (;;) {
		where_a = svmgpu_bo_placement(fd, a.handle);
		where_b = svmgpu_bo_placement(fd, b.handle);
		if (where_a != VRAM || where_b != VRAM)
			break;
		igt_assert_f(pr.bytes < 2 * vram_bo_size,
			     "%llu MiB of new BOs evicted neither A nor B\n",
			     (unsigned long long)(pr.bytes >> 20));
		pressure_add(&pr, 4 * SZ_1M, BOTH);
	}
	igt_info("after %llu MiB of new BOs: A (idle) in %s, B (GPU-used) in "
		 "%s\n", (unsigned long long)(pr.bytes >> 20),
		 svmgpu_placement_name(where_a), svmgpu_placement_name(where_b));
	igt_assert_f(where_a == SYSTEM && where_b == VRAM,
		     "B, used by the GPU after A was created, was evicted "
		     "first\n");

	assert_pattern(a.map, a.size, 0xa0, "A");
	assert_pattern(b.map, b.size, 0xb0, "B");

	pressure_fini(&pr);
	svmgpu_queue_destroy(fd, queue);
	svmgpu_buf_unbind(&b);
	svmgpu_buf_destroy(&scratch);
	svmgpu_ctx_fini(&ctx);
	svmgpu_buf_destroy(&a);
	svmgpu_buf_destroy(&b);
}

/* --- Pinned BOs ----------------------------------------------------------- */

/* Creates a pinned VRAM BO, or skips without the privilege. */
static int create_pinned(int fd, uint64_t size, uint32_t *handle)
{
	int ret = __svmgpu_bo_create(fd, size, VRAM, PINNED, handle);

	igt_require_f(ret != -EPERM,
		      "pinned BOs need CAP_SYS_ADMIN\n");

	return ret;
}

static void assert_pinned(int fd, uint32_t handle, const char *when)
{
	struct drm_svmgpu_gem_info info;

	svmgpu_bo_info(fd, handle, &info);
	igt_assert_f(info.placement == VRAM &&
		     (info.state & DRM_SVMGPU_GEM_STATE_PINNED) &&
		     info.moves == 0,
		     "%s: pinned BO in %s, state %#x, %llu moves\n", when,
		     svmgpu_placement_name(info.placement), info.state,
		     (unsigned long long)info.moves);
}

/*
 * A pinned BO stays in VRAM, unmoved and intact, while VRAM-only BOs
 * totalling twice VRAM are written by jobs twice over (each job binds the
 * BO it writes, so EXEC keeps evicting the others); the pinned BO is
 * mapped in the same VM and copied by the second round of jobs.
 */
static void test_pinned(int fd)
{
	uint64_t vram_bo_size = require_vram_bo_size(fd);
	const uint64_t chunk = SZ_16M;
	struct svmgpu_buf pinned;
	struct svmgpu_ctx ctx;
	struct pressure pr;
	uint64_t va_base;
	uint32_t queue;
	unsigned int i, round;
	int ret;

	memset(&pinned, 0, sizeof(pinned));
	pinned.fd = fd;
	pinned.size = SZ_16M;
	ret = create_pinned(fd, pinned.size, &pinned.handle);
	igt_assert_f(ret == 0, "creating a pinned BO: %s\n", strerror(-ret));
	pinned.map = svmgpu_bo_mmap(fd, pinned.handle, pinned.size,
				    PROT_READ | PROT_WRITE);
	svmgpu_fill_pattern(pinned.map, pinned.size, 0x9111);
	assert_pinned(fd, pinned.handle, "created");

	svmgpu_ctx_init(&ctx, fd, SZ_1M);
	svmgpu_buf_bind(&pinned, ctx.vm, svmgpu_ctx_va(&ctx, pinned.size), 0);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);
	pressure_init(&pr, fd);
	while (pr.bytes < 2 * vram_bo_size)
		pressure_add(&pr, chunk, VRAM);
	va_base = svmgpu_ctx_va(&ctx, chunk);

	for (round = 0; round < 2; round++) {
		for (i = 0; i < pr.count; i++) {
			struct svmgpu_cs cs;

			svmgpu_vm_map(fd, ctx.vm, pr.handles[i], 0, va_base,
				      chunk, 0);
			svmgpu_ctx_cs(&ctx, &cs, 128);
			if (round == 0) {
				svmgpu_cs_fill(&cs, va_base, 0x5000 + i, chunk);
			} else {
				svmgpu_cs_copy(&cs, svmgpu_buf_gpu(&pinned, 0),
					       va_base, SZ_64K);
				svmgpu_cs_fill(&cs, va_base + chunk - PAGE,
					       0x6000 + i, PAGE);
			}
			svmgpu_cs_end(&cs);
			assert_job_ok(svmgpu_run(fd, queue, &cs),
				      "job on a VRAM-only BO");
			svmgpu_vm_unmap(fd, ctx.vm, va_base, chunk);
			assert_pinned(fd, pinned.handle, "under pressure");
		}
	}

	/* Spot checks of the pressure BOs, through their CPU mappings. */
	for (i = 0; i < pr.count; i += 7) {
		char *map = svmgpu_bo_mmap(fd, pr.handles[i], chunk, PROT_READ);

		assert_pattern(map, SZ_64K, 0x9111, "copy of the pinned BO");
		assert_words(map + SZ_64K, PAGE, 0x5000 + i, "pressure BO");
		assert_words(map + chunk - PAGE, PAGE, 0x6000 + i,
			     "pressure BO, last page");
		igt_assert_eq(munmap(map, chunk), 0);
	}
	assert_pattern(pinned.map, pinned.size, 0x9111, "pinned BO");

	igt_assert_eq(__svmgpu_bo_migrate(fd, pinned.handle, SYSTEM, 0),
		      -EBUSY);
	assert_pinned(fd, pinned.handle, "after GEM_MIGRATE to system");
	igt_assert_eq(__svmgpu_bo_migrate(fd, pinned.handle, VRAM, 0), 0);
	assert_pinned(fd, pinned.handle, "after GEM_MIGRATE to VRAM");
	assert_pattern(pinned.map, pinned.size, 0x9111, "pinned BO");

	pressure_fini(&pr);
	svmgpu_queue_destroy(fd, queue);
	svmgpu_buf_unbind(&pinned);
	svmgpu_ctx_fini(&ctx);
	svmgpu_buf_destroy(&pinned);
}

/*
 * Pinned BOs up to the pin limit, unpinned VRAM-only BOs in the rest of
 * VRAM: a VRAM|SYSTEM BO is still created and works, in system memory if
 * it cannot fit in VRAM; a VRAM-only BO larger than the unpinned VRAM
 * fails cleanly.
 */
static void test_fallback(int fd)
{
	static const uint64_t chunks[] = { SZ_16M, SZ_1M, SZ_64K, SZ_4K };
	uint64_t vram_bo_size = require_vram_bo_size(fd);
	uint64_t limit = vram_bo_size / 2, pinned_bytes = 0, unpinned;
	struct pressure pinned, others;
	struct svmgpu_buf small, big;
	struct svmgpu_ctx ctx;
	struct svmgpu_cs cs;
	struct timespec start = {};
	uint32_t queue, handle, where;
	uint64_t ns;
	unsigned int c;
	int ret;

	pressure_init(&pinned, fd);
	for (c = 0; c < ARRAY_SIZE(chunks); c++) {
		for (;;) {
			ret = create_pinned(fd, chunks[c], &handle);
			if (ret == -ENOSPC)
				break;
			igt_assert_f(ret == 0, "creating a pinned BO: %s\n",
				     strerror(-ret));
			/* Tracked for closing; pressure_add() would create. */
			if (pinned.count == pinned.cap) {
				pinned.cap = pinned.cap ? 2 * pinned.cap : 64;
				pinned.handles = realloc(pinned.handles,
					pinned.cap * sizeof(*pinned.handles));
				igt_assert(pinned.handles);
			}
			pinned.handles[pinned.count++] = handle;
			pinned_bytes += chunks[c];
			igt_assert_f(pinned_bytes <= limit,
				     "%llu KiB pinned, more than half of "
				     "vram_bo_size\n",
				     (unsigned long long)(pinned_bytes >> 10));
		}
	}
	igt_info("pinned %llu KiB in %u BOs (limit %llu KiB)\n",
		 (unsigned long long)(pinned_bytes >> 10), pinned.count,
		 (unsigned long long)(limit >> 10));
	igt_assert_lt_u64(limit / 2, pinned_bytes);
	for (c = 0; c < pinned.count; c += 8)
		assert_pinned(fd, pinned.handles[c], "pinned up to the limit");

	if (svmgpu_has_vram_info(fd)) {
		struct svmgpu_vram_info vram;

		svmgpu_vram_info_read(fd, &vram);
		igt_info("debugfs vram: bo_size %llu, used %llu, pinned %llu\n",
			 (unsigned long long)vram.bo_size,
			 (unsigned long long)vram.used,
			 (unsigned long long)vram.pinned);
		igt_assert_eq_u64(vram.bo_size, vram_bo_size);
		igt_assert_lte_u64(pinned_bytes, vram.pinned);
		igt_assert_lte_u64(vram.pinned, limit);
	}

	/*
	 * The rest of VRAM: unpinned VRAM-only BOs. They may use all of
	 * VRAM that page tables do not, which is more than vram_bo_size.
	 */
	unpinned = svmgpu_vram_size(fd) - pinned_bytes;
	pressure_init(&others, fd);
	while (others.bytes + 8 * SZ_1M <= unpinned)
		pressure_add(&others, 8 * SZ_1M, VRAM);

	/* A small VRAM|SYSTEM BO: in VRAM by evicting, or in system. */
	svmgpu_buf_create(&small, fd, 8 * SZ_1M, BOTH, 0);
	igt_info("8 MiB VRAM|SYSTEM BO created in %s\n",
		 svmgpu_placement_name(svmgpu_bo_placement(fd, small.handle)));

	/* One larger than all unpinned VRAM can only be in system memory. */
	svmgpu_buf_create(&big, fd, unpinned + 8 * SZ_1M, BOTH, 0);
	where = svmgpu_bo_placement(fd, big.handle);
	igt_info("%llu MiB VRAM|SYSTEM BO created in %s\n",
		 (unsigned long long)(big.size >> 20), svmgpu_placement_name(where));
	igt_assert_eq_u32(where, SYSTEM);

	svmgpu_ctx_init(&ctx, fd, SZ_64K);
	svmgpu_buf_bind(&small, ctx.vm, svmgpu_ctx_va(&ctx, small.size), 0);
	svmgpu_buf_bind(&big, ctx.vm, svmgpu_ctx_va(&ctx, big.size), 0);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);
	svmgpu_ctx_cs(&ctx, &cs, 256);
	svmgpu_cs_fill(&cs, svmgpu_buf_gpu(&small, 0), 0xf00d0001, small.size);
	svmgpu_cs_fill(&cs, svmgpu_buf_gpu(&big, 0), 0xf00d0002, big.size);
	svmgpu_cs_copy(&cs, svmgpu_buf_gpu(&small, 0),
		       svmgpu_buf_gpu(&big, big.size - SZ_1M), SZ_1M);
	svmgpu_cs_end(&cs);
	assert_job_ok(svmgpu_run(fd, queue, &cs), "job on VRAM|SYSTEM BOs");
	igt_info("after the job: small BO in %s, large BO in %s\n",
		 svmgpu_placement_name(svmgpu_bo_placement(fd, small.handle)),
		 svmgpu_placement_name(svmgpu_bo_placement(fd, big.handle)));
	assert_words(small.map, small.size, 0xf00d0001, "small BO");
	assert_words(big.map, big.size - SZ_1M, 0xf00d0002, "large BO");
	assert_words(svmgpu_buf_cpu(&big, big.size - SZ_1M), SZ_1M,
		     0xf00d0001, "large BO, copied tail");

	/* A VRAM-only BO that cannot fit next to the pinned ones. */
	igt_nsec_elapsed(&start);
	ret = __svmgpu_bo_create(fd, unpinned + 4 * SZ_1M, VRAM, 0, &handle);
	ns = igt_nsec_elapsed(&start);
	igt_info("%llu MiB VRAM-only BO: %s after %llu ms\n",
		 (unsigned long long)((unpinned + 4 * SZ_1M) >> 20),
		 ret ? strerror(-ret) : "created",
		 (unsigned long long)(ns / 1000000));
	if (ret == 0)
		svmgpu_gem_close(fd, handle);
	igt_assert_f(ret == -ENOSPC || ret == -ENOMEM || ret == -E2BIG,
		     "a VRAM-only BO larger than the unpinned VRAM: %d (%s), "
		     "expected an out-of-memory error\n", ret,
		     strerror(-ret));
	igt_assert_lt_u64(ns, svmgpu_job_wait_ns());

	/* The device still works, and the pinned BOs are where they were. */
	svmgpu_ctx_cs(&ctx, &cs, 128);
	svmgpu_cs_fill(&cs, svmgpu_buf_gpu(&small, 0), 0xf00d0003, small.size);
	svmgpu_cs_end(&cs);
	assert_job_ok(svmgpu_run(fd, queue, &cs), "job after the failure");
	assert_words(small.map, small.size, 0xf00d0003, "small BO");
	for (c = 0; c < pinned.count; c += 8)
		assert_pinned(fd, pinned.handles[c], "at the end");

	svmgpu_queue_destroy(fd, queue);
	svmgpu_buf_unbind(&small);
	svmgpu_buf_unbind(&big);
	svmgpu_ctx_fini(&ctx);
	svmgpu_buf_destroy(&big);
	svmgpu_buf_destroy(&small);
	pressure_fini(&others);
	pressure_fini(&pinned);
}

/* --- Counters and trace events -------------------------------------------- */

static void trace_move_disable(void)
{
	if (!move_event_enabled)
		return;
	igt_warn_on(svmgpu_trace_event_enable(TRACE_SYSTEM, TRACE_MOVE,
					      false));
	move_event_enabled = false;
}

static int trace_moves(const char *a, const char *b)
{
	const char *tokens[] = { a, b, NULL };
	int n = svmgpu_trace_count(TRACE_MOVE, tokens);

	igt_assert_f(n >= 0, "reading the trace: %s\n", strerror(-n));

	return n;
}

/*
 * VRAM-only BOs totalling one and a half times VRAM evict each other as
 * they are created; then a job brings the first back. bo_stats counts
 * both, and svmgpu_bo_move traces both.
 */
static void test_counters_and_trace(int fd)
{
	uint64_t vram_bo_size = require_vram_bo_size(fd);
	char size_token[32];
	struct svmgpu_bo_stats before, mid, after;
	struct svmgpu_buf first;
	struct svmgpu_ctx ctx;
	struct svmgpu_cs cs;
	struct pressure pr;
	uint64_t in_system = 0;
	uint32_t queue;
	bool stats, trace;
	unsigned int i;

	stats = svmgpu_has_bo_stats(fd);
	trace = svmgpu_trace_has_event(TRACE_SYSTEM, TRACE_MOVE);
	igt_require_f(stats || trace,
		      "neither debugfs bo_stats nor the " TRACE_MOVE
		      " trace event\n");
	if (!trace)
		igt_info("no tracefs or no " TRACE_MOVE " event: the trace "
			 "part is skipped\n");
	if (!stats)
		igt_info("no debugfs bo_stats: the counter part is skipped\n");

	if (trace) {
		igt_assert_eq(svmgpu_trace_event_enable(TRACE_SYSTEM,
							TRACE_MOVE, true), 0);
		move_event_enabled = true;
		igt_assert_eq(svmgpu_trace_clear(), 0);
	}
	if (stats)
		svmgpu_bo_stats_read(fd, &before);

	svmgpu_buf_create(&first, fd, SZ_16M, VRAM, 0);
	svmgpu_fill_pattern(first.map, first.size, 0xc0);
	pressure_init(&pr, fd);
	while (pr.bytes + first.size < vram_bo_size + vram_bo_size / 2)
		pressure_add(&pr, SZ_16M, VRAM);

	igt_assert_eq_u32(svmgpu_bo_placement(fd, first.handle), SYSTEM);
	in_system = first.size;
	for (i = 0; i < pr.count; i++)
		if (svmgpu_bo_placement(fd, pr.handles[i]) == SYSTEM)
			in_system += pr.sizes[i];
	igt_info("%llu MiB of %llu MiB of VRAM-only BOs are in system memory\n",
		 (unsigned long long)(in_system >> 20),
		 (unsigned long long)((pr.bytes + first.size) >> 20));
	/* BOs may use all of VRAM that page tables do not. */
	igt_assert_lte_u64(pr.bytes + first.size - svmgpu_vram_size(fd),
			   in_system);

	if (stats) {
		svmgpu_bo_stats_read(fd, &mid);
		igt_info("evictions +%llu (%llu MiB), moves to system +%llu "
			 "(%llu MiB), clears +%llu (%llu MiB)\n",
			 (unsigned long long)(mid.evictions - before.evictions),
			 (unsigned long long)((mid.evicted_bytes -
					       before.evicted_bytes) >> 20),
			 (unsigned long long)(mid.moves_to_system -
					      before.moves_to_system),
			 (unsigned long long)((mid.bytes_to_system -
					       before.bytes_to_system) >> 20),
			 (unsigned long long)(mid.clears - before.clears),
			 (unsigned long long)((mid.cleared_bytes -
					       before.cleared_bytes) >> 20));
		/* VRAM-only BOs start in VRAM: those in system were evicted. */
		igt_assert_lt_u64(before.evictions, mid.evictions);
		igt_assert_lte_u64(in_system,
				   mid.evicted_bytes - before.evicted_bytes);
		igt_assert_lt_u64(before.moves_to_system, mid.moves_to_system);
		igt_assert_lte_u64(in_system, mid.bytes_to_system -
					      before.bytes_to_system);
		igt_assert_lte_u64(before.moves_to_vram, mid.moves_to_vram);
		igt_assert_lte_u64(before.bytes_to_vram, mid.bytes_to_vram);
		igt_assert_lte_u64(before.swapouts, mid.swapouts);
		igt_assert_lte_u64(before.swapped_out_bytes,
				   mid.swapped_out_bytes);
		igt_assert_lte_u64(before.clears, mid.clears);
		igt_assert_lte_u64(before.cleared_bytes, mid.cleared_bytes);
	}

	/* A job brings the first BO back into VRAM. */
	svmgpu_ctx_init(&ctx, fd, SZ_64K);
	svmgpu_buf_bind(&first, ctx.vm, svmgpu_ctx_va(&ctx, first.size), 0);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);
	svmgpu_ctx_cs(&ctx, &cs, 128);
	svmgpu_cs_fill(&cs, svmgpu_buf_gpu(&first, 0), 0xc1c1c1c1, PAGE);
	svmgpu_cs_end(&cs);
	assert_job_ok(svmgpu_run(fd, queue, &cs), "job on an evicted BO");
	igt_assert_eq_u32(svmgpu_bo_placement(fd, first.handle), VRAM);
	assert_words(first.map, PAGE, 0xc1c1c1c1, "restored BO");
	assert_pattern_at(first.map, PAGE, first.size - PAGE, 0xc0,
			  "restored BO");

	if (stats) {
		svmgpu_bo_stats_read(fd, &after);
		igt_assert_lt_u64(mid.moves_to_vram, after.moves_to_vram);
		igt_assert_lte_u64(mid.bytes_to_vram + first.size,
				   after.bytes_to_vram);
	}

	if (trace) {
		int evict = trace_moves("evict=1", NULL);
		int evict_out = trace_moves("evict=1", "vram->system");
		int evict_in = trace_moves("evict=1", "system->vram");
		int back = trace_moves("system->vram", NULL);

		snprintf(size_token, sizeof(size_token), "size=%llu",
			 (unsigned long long)SZ_16M);
		igt_info(TRACE_MOVE ": %d evictions, %d moves to VRAM\n",
			 evict, back);
		igt_assert_lt(0, evict);
		igt_assert_eq(evict_out, evict);
		igt_assert_eq(evict_in, 0);
		igt_assert_lt(0, trace_moves("evict=1", size_token));
		igt_assert_lt(0, back);
		trace_move_disable();
	}

	svmgpu_queue_destroy(fd, queue);
	svmgpu_buf_unbind(&first);
	svmgpu_ctx_fini(&ctx);
	pressure_fini(&pr);
	svmgpu_buf_destroy(&first);
}

igt_main
{
	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	igt_describe("VRAM|SYSTEM BOs of 4 KiB to a quarter of VRAM, "
		     "totalling twice VRAM, in one VM: GPU-written page by "
		     "page, then copied and rewritten by jobs in a random "
		     "order; every page is right at the end, and BOs were "
		     "evicted.");
	igt_subtest("oversubscribe")
		test_oversubscribe(svmgpu_fd, 1);

	igt_describe("VRAM-only BOs totalling twice VRAM; each job binds "
		     "only its BOs, so EXEC brings evicted ones back by "
		     "evicting others; every page is right at the end.");
	igt_subtest("oversubscribe-vram-only")
		test_oversubscribe_vram_only(svmgpu_fd);

	igt_describe("oversubscribe with the BOs spread over four VMs with "
		     "a queue each, jobs pipelined on every queue.");
	igt_subtest("oversubscribe-multi-vm")
		test_oversubscribe(svmgpu_fd, MULTI_VM_LANES);

	igt_describe("Four processes, each with its own DRM file and BOs "
		     "totalling half of VRAM (VRAM|SYSTEM or VRAM-only), "
		     "oversubscribe VRAM together; each checks its BOs.");
	igt_subtest("oversubscribe-4-processes")
		test_processes(svmgpu_fd);

	igt_describe("Eight threads share a DRM file, each with its own VM, "
		     "queue and BOs (VRAM|SYSTEM or VRAM-only), together "
		     "twice VRAM; each checks its BOs.");
	igt_subtest("oversubscribe-8-threads")
		test_threads(svmgpu_fd);

	igt_describe("A VRAM-only BO evicted by pressure is back in VRAM "
		     "after a job of a VM that maps it, and the job's results "
		     "are right; a VRAM|SYSTEM BO evicted the same way gives "
		     "right results wherever the GPU uses it.");
	igt_subtest("gpu-use-restores")
		test_gpu_use_restores(svmgpu_fd);

	igt_describe("Of two BOs, the one the GPU used recently stays in "
		     "VRAM when pressure evicts the other, even though it "
		     "was created first.");
	igt_subtest("lru-keeps-gpu-used")
		test_lru(svmgpu_fd);

	igt_describe("A pinned BO stays in VRAM, unmoved and intact, while "
		     "jobs on VRAM-only BOs totalling twice VRAM evict each "
		     "other; GEM_MIGRATE to system memory fails with EBUSY.");
	igt_subtest("pinned-never-evicted")
		test_pinned(svmgpu_fd);

	igt_describe("With pinned BOs up to the pin limit and the rest of "
		     "VRAM taken, VRAM|SYSTEM BOs are created and work (in "
		     "system memory if need be), and a VRAM-only BO larger "
		     "than the unpinned VRAM fails with an error, promptly.");
	igt_subtest("fallback-to-system")
		test_fallback(svmgpu_fd);

	igt_describe("Under pressure, debugfs bo_stats counts evictions and "
		     "moves, and the svmgpu_bo_move trace event reports "
		     "evictions (evict=1, vram->system) and restores.");
	igt_subtest("counters-and-trace")
		test_counters_and_trace(svmgpu_fd);

	igt_fixture {
		trace_move_disable();
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
