// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_svm_migrate - migration of mirrored memory to device-private VRAM
 * and back (uAPI 1.4, DRM_SVMGPU_FEATURE_SVM_MIGRATE).
 *
 * Memory moves to VRAM on OP_PREFETCH, on a GPU fault where the preferred
 * location is the device, and on a GPU atomic in atomic mode DEVICE; back
 * to system memory on a CPU access, a get_user_pages() pin, OP_PREFETCH
 * with PREFETCH_SYSTEM and eviction. Every subtest checks the data byte for
 * byte, and where it lives through VM_QUERY_ATTRS and the debugfs bo_stats
 * counters, never trusting the request: ranges that cannot move (shared,
 * read-only, holes), fork and copy-on-write, mremap, MADV_DONTNEED,
 * oversubscription of VRAM by SVM ranges and BOs, O_DIRECT and
 * process_vm_readv(), two devices, the atomic modes, read-only ranges,
 * attribute runs, races with the CPU, munmap and SIGKILL, and bad input of
 * VM_MADVISE, VM_QUERY_ATTRS and OP_PREFETCH.
 *
 * Every subtest requires DRM_SVMGPU_FEATURE_SVM_MIGRATE and skips without
 * it; the counter checks need debugfs bo_stats, and the VRAM checks the
 * "svm:" line of debugfs vram.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu SVM migration: mirrored memory moving to VRAM "
		     "and back on prefetch, GPU faults, CPU access and "
		     "eviction; attributes, atomics, races, bad input.");

#define POOL		SZ_1M
#define ROUNDS		10
#define CANARY		0xa5

#define LOC_NONE	DRM_SVMGPU_LOC_NONE
#define LOC_SYSTEM	DRM_SVMGPU_LOC_SYSTEM
#define LOC_DEVICE	DRM_SVMGPU_LOC_DEVICE
#define LOC_MIXED	DRM_SVMGPU_LOC_MIXED
#define AT_DEVICE	DRM_SVMGPU_ATOMIC_MODE_DEVICE
#define AT_GLOBAL	DRM_SVMGPU_ATOMIC_MODE_GLOBAL
#define AT_CPU		DRM_SVMGPU_ATOMIC_MODE_CPU
#define NO_MIGRATE	DRM_SVMGPU_MADVISE_NO_MIGRATE
#define READONLY	DRM_SVMGPU_MADVISE_READONLY
#define PREF_FD		DRM_SVMGPU_MADVISE_PREFERRED_FD
#define COARSE		DRM_SVMGPU_QUERY_ATTRS_COARSE

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC	0x01021994
#endif

static int svmgpu_fd = -1;

/*
 * Every subtest starts here: it skips without the feature, and finds
 * migrate_hold_ms as it was, even after a subtest that changed it failed.
 */
static void require_migrate(int fd)
{
	svmgpu_restore_migrate_hold_ms();
	igt_require_f(svmgpu_has_svm_migrate(fd),
		      "svmgpu lacks DRM_SVMGPU_FEATURE_SVM_MIGRATE (uAPI 1.4)\n");
}

/* --- Counters ------------------------------------------------------------- */

enum ctr {
	TO_VRAM_4K, TO_VRAM_64K, TO_VRAM_2M, TO_VRAM_PAGES, TO_VRAM_NS,
	ALLOC_NS, COPY_TO_VRAM_NS, TO_RAM, TO_RAM_PAGES, TO_RAM_NS,
	COPY_TO_RAM_NS, CPU_FAULTS, EVICTIONS, EVICTED_PAGES, THRASH_HOLDS,
	PREFETCHES, COPY_FALLBACKS, FAULTS_4K, FAULTS_64K, FAULTS_2M, VALID_4K,
	VALID_64K, VALID_2M, INVALIDATIONS,
	/* Per size class: 4K, 64K and 2M in a row. */
	TO_VRAM_BYTES_4K, TO_VRAM_BYTES_64K, TO_VRAM_BYTES_2M,
	TO_VRAM_NS_4K, TO_VRAM_NS_64K, TO_VRAM_NS_2M,
	TO_RAM_4K, TO_RAM_64K, TO_RAM_2M,
	TO_RAM_BYTES_4K, TO_RAM_BYTES_64K, TO_RAM_BYTES_2M,
	TO_RAM_NS_4K, TO_RAM_NS_64K, TO_RAM_NS_2M, NUM_CTRS
};

static const char *const ctr_names[NUM_CTRS] = {
	"svm_migrate_to_vram_4k", "svm_migrate_to_vram_64k",
	"svm_migrate_to_vram_2m", "svm_migrate_to_vram_pages",
	"svm_migrate_to_vram_ns", "svm_migrate_alloc_ns",
	"svm_copy_to_vram_ns", "svm_migrate_to_ram",
	"svm_migrate_to_ram_pages", "svm_migrate_to_ram_ns",
	"svm_copy_to_ram_ns", "svm_cpu_faults", "svm_evictions",
	"svm_evicted_pages", "svm_thrash_holds", "svm_prefetches",
	"svm_copy_fallbacks",
	"svm_faults_4k", "svm_faults_64k", "svm_faults_2m",
	"svm_faults_valid_4k", "svm_faults_valid_64k", "svm_faults_valid_2m",
	"svm_invalidations",
	"svm_migrate_to_vram_bytes_4k", "svm_migrate_to_vram_bytes_64k",
	"svm_migrate_to_vram_bytes_2m",
	"svm_migrate_to_vram_ns_4k", "svm_migrate_to_vram_ns_64k",
	"svm_migrate_to_vram_ns_2m",
	"svm_migrate_to_ram_4k", "svm_migrate_to_ram_64k",
	"svm_migrate_to_ram_2m",
	"svm_migrate_to_ram_bytes_4k", "svm_migrate_to_ram_bytes_64k",
	"svm_migrate_to_ram_bytes_2m",
	"svm_migrate_to_ram_ns_4k", "svm_migrate_to_ram_ns_64k",
	"svm_migrate_to_ram_ns_2m",
};

/* The counters of ctr_names now, for svmgpu_ctrs_since(). */
static struct svmgpu_ctrs ctrs_now(int fd)
{
	return svmgpu_ctrs_now(fd, ctr_names, NUM_CTRS);
}

/* Ranges migrated to VRAM, of any size. */
static uint64_t to_vram(const struct svmgpu_ctrs *d)
{
	return d->v[TO_VRAM_4K] + d->v[TO_VRAM_64K] + d->v[TO_VRAM_2M];
}

/* GPU faults serviced, whether or not they found the range valid. */
static uint64_t gpu_faults(const struct svmgpu_ctrs *d)
{
	return d->v[FAULTS_4K] + d->v[FAULTS_64K] + d->v[FAULTS_2M] +
	       d->v[VALID_4K] + d->v[VALID_64K] + d->v[VALID_2M];
}

#define assert_ctr(d, ctr, cmp, want) \
	igt_assert_f((d).v[ctr] cmp (want), "counter %s grew by %" PRIu64 \
		     ", expected " #cmp " %" PRIu64 "\n", ctr_names[ctr], \
		     (d).v[ctr], (uint64_t)(want))

/*
 * The per-size counters from @first (4K, then 64K and 2M) grew by exactly
 * @b4k, @b64k and @b2m, and the time counters from @ns (0 for none) are
 * non-zero exactly where those are.
 */
static void assert_sizes(const struct svmgpu_ctrs *d, enum ctr first,
			 enum ctr ns, uint64_t b4k, uint64_t b64k, uint64_t b2m)
{
	const uint64_t want[3] = { b4k, b64k, b2m };

	for (unsigned int i = 0; i < 3; i++) {
		assert_ctr(*d, first + i, ==, want[i]);
		if (ns)
			igt_assert_f(!d->v[ns + i] == !want[i],
				     "counter %s grew by %" PRIu64 " with %s "
				     "%" PRIu64 "\n", ctr_names[ns + i],
				     d->v[ns + i], ctr_names[first + i],
				     want[i]);
	}
}

/* --- Locations ------------------------------------------------------------ */

#define assert_loc(svm, p, size, want, what) \
	do { \
		uint32_t loc_ = svmgpu_svm_location((svm), (p), (size)); \
		igt_assert_f(loc_ == (uint32_t)(want), "%s: [%p, +%#zx) is " \
			     "%s, expected %s\n", (what), (void *)(p), \
			     (size_t)(size), svmgpu_loc_name(loc_), \
			     svmgpu_loc_name(want)); \
	} while (0)

/* One expected run of a query, relative to a base address. */
struct run {
	uint64_t off, size;
	uint32_t flags, preferred_loc, atomic_mode, location;
};

/* The runs of [@p, @p + @size) are exactly @want. */
static void assert_runs(struct svmgpu_svm *svm, const volatile void *p,
			uint64_t size, uint32_t flags, const struct run *want,
			unsigned int n)
{
	struct drm_svmgpu_vm_attr *a;
	uint64_t base = svmgpu_ptr(p);
	unsigned int got, i;

	got = svmgpu_svm_attrs(svm->fd, svm->vm, base, size, flags, 64, &a);
	for (i = 0; i < got; i++)
		igt_debug("run %u: +%#llx +%#llx flags %#x pref %u atomic %u "
			  "loc %u\n", i,
			  (unsigned long long)(a[i].addr - base),
			  (unsigned long long)a[i].range, a[i].flags,
			  a[i].preferred_loc, a[i].atomic_mode, a[i].location);
	igt_assert_f(got == n, "%u runs, expected %u\n", got, n);
	for (i = 0; i < n; i++) {
		igt_assert_f(a[i].addr == base + want[i].off &&
			     a[i].range == want[i].size &&
			     a[i].flags == want[i].flags &&
			     a[i].preferred_loc == want[i].preferred_loc &&
			     a[i].atomic_mode == want[i].atomic_mode &&
			     a[i].location == want[i].location,
			     "run %u: +%#llx +%#llx flags %#x pref %u atomic %u "
			     "location %u; expected +%#" PRIx64 " +%#" PRIx64
			     " flags %#x pref %u atomic %u location %u\n", i,
			     (unsigned long long)(a[i].addr - base),
			     (unsigned long long)a[i].range, a[i].flags,
			     a[i].preferred_loc, a[i].atomic_mode,
			     a[i].location, want[i].off, want[i].size,
			     want[i].flags, want[i].preferred_loc,
			     want[i].atomic_mode, want[i].location);
	}
	free(a);
}

/* --- Memory --------------------------------------------------------------- */

static uint8_t *pattern_alloc(size_t size, uint32_t seed)
{
	uint8_t *p = malloc(size);

	igt_assert(p);
	svmgpu_fill_pattern(p, size, seed);

	return p;
}


static void assert_zero(const volatile void *p, size_t size, const char *what)
{
	uint64_t at = svmgpu_check_byte((const void *)p, size, 0);

	igt_assert_f(at == size, "%s: byte %" PRIu64 " of %zu is %#x, not 0\n",
		     what, at, size, ((const volatile uint8_t *)p)[at]);
}

static void assert_words(const volatile void *p, size_t size, uint32_t value,
			 const char *what)
{
	const volatile uint32_t *w = p;
	size_t i;

	for (i = 0; i < size / 4; i++)
		igt_assert_f(w[i] == value, "%s: word %zu of %zu is %#x, "
			     "expected %#x\n", what, i, size / 4, w[i], value);
}

/* The GPU copies @size bytes at @src into a new malloc'd buffer. */
static uint8_t *gpu_read(struct svmgpu_svm *svm, const volatile void *src,
			 size_t size)
{
	uint8_t *dst = malloc(size);

	igt_assert(dst);
	memset(dst, CANARY, size);
	igt_assert_f(svmgpu_svm_copy(svm, src, dst, size) == 0,
		     "GPU read of %zu bytes at %p failed\n", size,
		     (const void *)src);

	return dst;
}

/* The GPU reads @want at @src. */
static void gpu_check(struct svmgpu_svm *svm, const volatile void *src,
		      const void *want, size_t size, const char *what)
{
	uint8_t *got = gpu_read(svm, src, size);

	svmgpu_assert_bytes(got, want, size, what);
	free(got);
}

static void gpu_check_zero(struct svmgpu_svm *svm, const volatile void *src,
			   size_t size, const char *what)
{
	uint8_t *got = gpu_read(svm, src, size);

	assert_zero(got, size, what);
	free(got);
}

/* The GPU writes @want (system memory) to @dst. */
static void gpu_write(struct svmgpu_svm *svm, volatile void *dst,
		      const void *want, size_t size)
{
	igt_assert_f(svmgpu_svm_copy(svm, want, dst, size) == 0,
		     "GPU write of %zu bytes at %p failed\n", size,
		     (void *)dst);
}

/*
 * @size bytes of private anonymous memory at a 2 MiB boundary (@r), which
 * the CPU wrote a pattern of @seed into, a prefetch moved to VRAM, and the
 * GPU then overwrote with a pattern of @seed + 1; checked to be all in
 * VRAM. Return the memory; *@want is a malloc'd copy of its contents.
 */
static uint8_t *vram_region(struct svmgpu_svm *svm, struct svmgpu_region *r,
			    size_t size, uint32_t seed, uint8_t **want)
{
	uint8_t *p = svmgpu_region_map(r, size, SZ_2M, MAP_PRIVATE);

	*want = pattern_alloc(size, seed);
	memcpy(p, *want, size);
	svmgpu_svm_prefetch(svm, p, size, false);
	svmgpu_fill_pattern(*want, size, seed + 1);
	gpu_write(svm, p, *want, size);
	assert_loc(svm, p, size, LOC_DEVICE, "GPU-written memory");
	return p;
}



/* @cs fails on a queue of its own: -EFAULT at @addr, access @access. */
static void expect_fault(struct svmgpu_svm *svm, const struct svmgpu_cs *cs,
			 const volatile void *addr, uint32_t access)
{
	uint32_t queue = svmgpu_svm_queue(svm, 0);
	struct drm_svmgpu_queue_status st;

	igt_assert_eq(svmgpu_svm_run(svm, queue, cs), -ECANCELED);
	st = svmgpu_queue_status(svm->fd, queue);
	igt_assert_eq_u32(st.banned, 1);
	igt_assert_eq(st.error, -EFAULT);
	igt_assert_eq_u64(st.fault_address, svmgpu_ptr(addr));
	igt_assert_eq_u32(st.fault_access, access);
	svmgpu_queue_destroy(svm->fd, queue);
}

/* Prefetches the pages of @cs to system memory: its fetch takes no fault. */
static void prefetch_cs(struct svmgpu_svm *svm, const struct svmgpu_cs *cs)
{
	svmgpu_svm_prefetch(svm, cs->map, cs->size * 4, true);
}

/*
 * Runs @cs with everything it touches but the memory under test mapped
 * for the GPU beforehand: its command buffer, the fence word, and @extra
 * (or NULL), all prefetched to system memory. Return: what the counters
 * did meanwhile; the job must succeed.
 */
static struct svmgpu_ctrs run_counted(struct svmgpu_svm *svm,
				      struct svmgpu_cs *cs, void *extra,
				      size_t extra_size)
{
	uint32_t queue = svmgpu_svm_queue(svm, 0);
	struct svmgpu_ctrs c, d;

	prefetch_cs(svm, cs);
	svmgpu_svm_prefetch(svm, svm->fence, 8, true);
	if (extra)
		svmgpu_svm_prefetch(svm, extra, extra_size, true);
	c = ctrs_now(svm->fd);
	igt_assert_eq(svmgpu_svm_run(svm, queue, cs), 0);
	d = svmgpu_ctrs_since(svm->fd, &c);
	svmgpu_queue_destroy(svm->fd, queue);

	return d;
}

/* --- Round trips ---------------------------------------------------------- */

/*
 * 2 MiB + 64 KiB + 4 KiB between guards: one range of each size. Ten
 * rounds: prefetch to VRAM (every page moves, each range size counted,
 * the query says device, debugfs vram holds it), the GPU writes a new
 * pattern there, then the CPU reads it (CPU faults move it back) or a
 * PREFETCH_SYSTEM does (and the CPU read then moves nothing). Data
 * checked every round; the copy engine never needed the CPU's help.
 */
static void test_round_trip(int fd, bool by_prefetch)
{
	const size_t size = SZ_2M + SZ_64K + SZ_4K, pages = size / SZ_4K;
	struct svmgpu_svm svm;
	struct svmgpu_region r;
	uint64_t base;
	uint8_t *p, *want;

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	p = svmgpu_region_map(&r, size, SZ_2M, MAP_PRIVATE);
	want = pattern_alloc(size, 0x7700);
	memcpy(p, want, size);
	assert_loc(&svm, p, size, LOC_SYSTEM, "CPU-written memory");
	base = svmgpu_svm_vram(fd);

	for (unsigned int round = 0; round < ROUNDS; round++) {
		struct svmgpu_ctrs c = ctrs_now(fd), d;

		svmgpu_svm_prefetch(&svm, p, size, false);
		d = svmgpu_ctrs_since(fd, &c);
		assert_loc(&svm, p, size, LOC_DEVICE, "after a prefetch");
		assert_ctr(d, TO_VRAM_2M, >=, 1);
		assert_ctr(d, TO_VRAM_64K, >=, 1);
		assert_ctr(d, TO_VRAM_4K, >=, 1);
		assert_ctr(d, TO_VRAM_PAGES, ==, pages);
		assert_ctr(d, TO_VRAM_NS, >, 0);
		assert_ctr(d, PREFETCHES, >=, 1);
		assert_sizes(&d, TO_VRAM_BYTES_4K, TO_VRAM_NS_4K, SZ_4K,
			     SZ_64K, SZ_2M);
		igt_assert_lte_u64(size, svmgpu_svm_vram(fd));

		svmgpu_fill_pattern(want, size, 0x7701 + round);
		gpu_write(&svm, p, want, size);
		assert_loc(&svm, p, size, LOC_DEVICE, "after a GPU write");

		c = ctrs_now(fd);
		if (by_prefetch)
			svmgpu_svm_prefetch(&svm, p, size, true);
		else
			svmgpu_assert_bytes(p, want, size, "CPU read of VRAM");
		d = svmgpu_ctrs_since(fd, &c);
		assert_loc(&svm, p, size, LOC_SYSTEM, "moved back");
		assert_ctr(d, TO_RAM, >=, 1);
		assert_ctr(d, TO_RAM_PAGES, ==, pages);
		assert_ctr(d, TO_RAM_NS, >, 0);
		/* One block each: the ranges, or the chunks CPU faults hit. */
		assert_sizes(&d, TO_RAM_4K, 0, 1, 1, 1);
		assert_sizes(&d, TO_RAM_BYTES_4K, TO_RAM_NS_4K, SZ_4K, SZ_64K,
			     SZ_2M);
		if (!by_prefetch)
			assert_ctr(d, CPU_FAULTS, >=, 1);
		assert_ctr(d, COPY_FALLBACKS, ==, 0);
		svmgpu_svm_vram_wait(fd, base);

		/* Nothing is left in VRAM for the CPU to fault on. */
		c = ctrs_now(fd);
		svmgpu_assert_bytes(p, want, size, "CPU read in system memory");
		d = svmgpu_ctrs_since(fd, &c);
		assert_ctr(d, CPU_FAULTS, ==, 0);
		assert_ctr(d, TO_RAM, ==, 0);
	}
	gpu_check(&svm, p, want, size, "GPU read in system memory");

	free(want);
	svmgpu_region_unmap(&r);
	svmgpu_svm_fini(&svm);
}

/* --- Migration on GPU faults ---------------------------------------------- */

static const struct fault_case {
	const char *name;
	uint32_t preferred_loc;
	uint32_t flags;
	bool migrates;
} fault_cases[] = {
	{ "preferred-device", LOC_DEVICE, 0, true },
	{ "preferred-system", LOC_SYSTEM, 0, false },
	{ "preferred-none", LOC_NONE, 0, false },
	{ "no-migrate", LOC_DEVICE, NO_MIGRATE, false },
};

/*
 * CPU-written memory with a preferred location: the GPU reading it moves
 * it to VRAM only if that location is the device and NO_MIGRATE is clear;
 * the GPU's write then lands where it is. A prefetch moves it in any case.
 */
static void test_migrate_on_fault(int fd, const struct fault_case *fc)
{
	const size_t size = SZ_2M + SZ_64K, pages = size / SZ_4K;
	uint32_t where = fc->migrates ? LOC_DEVICE : LOC_SYSTEM;
	struct svmgpu_svm svm;
	struct svmgpu_region r;
	struct svmgpu_ctrs c, d;
	uint8_t *p, *want;

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	p = svmgpu_region_map(&r, size, SZ_2M, MAP_PRIVATE);
	want = pattern_alloc(size, 0xfa00);
	memcpy(p, want, size);
	svmgpu_svm_madvise(&svm, p, size, fc->preferred_loc, AT_DEVICE,
			   fc->flags);

	c = ctrs_now(fd);
	gpu_check(&svm, p, want, size, "GPU read");
	d = svmgpu_ctrs_since(fd, &c);
	igt_assert_lte_u64(1, gpu_faults(&d));
	if (fc->migrates) {
		assert_ctr(d, TO_VRAM_2M, >=, 1);
		assert_ctr(d, TO_VRAM_64K, >=, 1);
		assert_ctr(d, TO_VRAM_PAGES, ==, pages);
	} else {
		igt_assert_eq_u64(to_vram(&d), 0);
		assert_ctr(d, TO_VRAM_PAGES, ==, 0);
	}
	assert_loc(&svm, p, size, where, "after the GPU read");

	c = ctrs_now(fd);
	svmgpu_fill_pattern(want, size, 0xfa01);
	gpu_write(&svm, p, want, size);
	assert_loc(&svm, p, size, where, "after the GPU write");
	d = svmgpu_ctrs_since(fd, &c);
	assert_ctr(d, TO_RAM_PAGES, ==, 0);
	if (!fc->migrates)
		igt_assert_eq_u64(to_vram(&d), 0);

	if (!fc->migrates) {
		svmgpu_svm_prefetch(&svm, p, size, false);
		assert_loc(&svm, p, size, LOC_DEVICE, "after a prefetch");
	}
	svmgpu_assert_bytes(p, want, size, "CPU read");
	assert_loc(&svm, p, size, LOC_SYSTEM, "after the CPU read");

	free(want);
	svmgpu_region_unmap(&r);
	svmgpu_svm_fini(&svm);
}

/*
 * migrate_hold_ms: a range a CPU fault moved back is not moved to VRAM by
 * GPU faults while the hold lasts (svm_thrash_holds counts that), but a
 * prefetch moves it; with a hold of 0, the next GPU fault does.
 */
static void test_migrate_hold(int fd)
{
	const size_t size = SZ_2M;
	struct svmgpu_svm svm;
	struct svmgpu_region r;
	struct svmgpu_ctrs c, d;
	uint8_t *p, *want;

	require_migrate(fd);
	svmgpu_set_migrate_hold_ms(60000);
	svmgpu_svm_init(&svm, fd, POOL);
	p = svmgpu_region_map(&r, size, SZ_2M, MAP_PRIVATE);
	want = pattern_alloc(size, 0x401d);
	memcpy(p, want, size);
	svmgpu_svm_madvise(&svm, p, size, LOC_DEVICE, AT_DEVICE, 0);

	gpu_check(&svm, p, want, size, "GPU read");
	assert_loc(&svm, p, size, LOC_DEVICE, "after a GPU fault");
	svmgpu_assert_bytes(p, want, size, "CPU read");
	assert_loc(&svm, p, size, LOC_SYSTEM, "after a CPU fault");

	c = ctrs_now(fd);
	gpu_check(&svm, p, want, size, "GPU read during the hold");
	d = svmgpu_ctrs_since(fd, &c);
	assert_loc(&svm, p, size, LOC_SYSTEM, "after a GPU fault in the hold");
	igt_assert_eq_u64(to_vram(&d), 0);
	assert_ctr(d, THRASH_HOLDS, >=, 1);

	svmgpu_svm_prefetch(&svm, p, size, false);
	assert_loc(&svm, p, size, LOC_DEVICE, "after a prefetch in the hold");

	svmgpu_set_migrate_hold_ms(0);
	svmgpu_assert_bytes(p, want, size, "CPU read");
	assert_loc(&svm, p, size, LOC_SYSTEM, "after a CPU fault");
	c = ctrs_now(fd);
	gpu_check(&svm, p, want, size, "GPU read without a hold");
	d = svmgpu_ctrs_since(fd, &c);
	assert_loc(&svm, p, size, LOC_DEVICE, "after a GPU fault, no hold");
	igt_assert_lte_u64(1, to_vram(&d));
	svmgpu_restore_migrate_hold_ms();

	free(want);
	svmgpu_region_unmap(&r);
	svmgpu_svm_fini(&svm);
}

/*
 * After a prefetch, a job that reads and writes the memory takes no GPU
 * fault and moves nothing: its command buffer and fence word were
 * prefetched to system memory too.
 */
static void test_prefetch_no_faults(int fd)
{
	const size_t size = SZ_2M + SZ_64K;
	struct svmgpu_region rs, rd;
	struct svmgpu_svm svm;
	struct svmgpu_cs cs;
	uint8_t *src, *dst, *want;
	struct svmgpu_ctrs d;

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	src = svmgpu_region_map(&rs, size, SZ_2M, MAP_PRIVATE);
	dst = svmgpu_region_map(&rd, size, SZ_2M, MAP_PRIVATE);
	want = pattern_alloc(size, 0x9f00);
	memcpy(src, want, size);

	svmgpu_svm_prefetch(&svm, src, size, false);
	svmgpu_svm_prefetch(&svm, dst, size, false);
	assert_loc(&svm, src, size, LOC_DEVICE, "prefetched source");
	assert_loc(&svm, dst, size, LOC_DEVICE, "prefetched, never touched");

	svmgpu_svm_cs(&svm, &cs, 128);
	svmgpu_cs_copy(&cs, svmgpu_ptr(src), svmgpu_ptr(dst), size);
	svmgpu_cs_fill(&cs, svmgpu_ptr(src), 0x5a5a5a5a, size);
	svmgpu_cs_end(&cs);
	d = run_counted(&svm, &cs, NULL, 0);
	igt_assert_f(gpu_faults(&d) == 0, "the job took %" PRIu64 " faults\n",
		     gpu_faults(&d));
	igt_assert_eq_u64(to_vram(&d), 0);
	assert_ctr(d, TO_RAM, ==, 0);

	assert_loc(&svm, src, size, LOC_DEVICE, "source after the job");
	assert_loc(&svm, dst, size, LOC_DEVICE, "destination after the job");
	svmgpu_assert_bytes(dst, want, size, "copied data");
	assert_words(src, size, 0x5a5a5a5a, "filled data");

	free(want);
	svmgpu_region_unmap(&rd);
	svmgpu_region_unmap(&rs);
	svmgpu_svm_fini(&svm);
}

/* --- Mixed ranges --------------------------------------------------------- */

enum mixed_kind { MIXED_UNTOUCHED, MIXED_READONLY, MIXED_SHARED, MIXED_HOLE,
		  MIXED_COMBINED };

static const struct {
	const char *name;
	enum mixed_kind kind;
} mixed_cases[] = {
	{ "untouched", MIXED_UNTOUCHED },
	{ "readonly", MIXED_READONLY },
	{ "shared", MIXED_SHARED },
	{ "hole", MIXED_HOLE },
	{ "combined", MIXED_COMBINED },
};

/* A GPU write to @p fails: its queue is banned for a write fault. */
static void gpu_write_fails(struct svmgpu_svm *svm, volatile void *p)
{
	struct svmgpu_cs cs;

	svmgpu_svm_cs(svm, &cs, 64);
	svmgpu_cs_write32(&cs, svmgpu_ptr(p), 0xbad);
	svmgpu_cs_end(&cs);
	expect_fault(svm, &cs, p, DRM_SVMGPU_ACCESS_WRITE);
}

/*
 * Never-touched memory: a prefetch faults it in, in VRAM; it reads 0. No
 * THP, which would fault all of it in at the first CPU write.
 */
static void mixed_untouched(struct svmgpu_svm *svm, uint8_t *p, size_t size,
			    uint8_t *want)
{
	const size_t half = size / 2;

	igt_assert_eq(madvise(p, size, MADV_NOHUGEPAGE), 0);
	memcpy(p, want, half);
	memset(want + half, 0, half);
	assert_loc(svm, p, half, LOC_SYSTEM, "written half");
	assert_loc(svm, p + half, half, LOC_NONE, "never-touched half");
	svmgpu_svm_prefetch(svm, p, size, false);
	assert_loc(svm, p, size, LOC_DEVICE, "after the prefetch");
	gpu_check(svm, p, want, size, "GPU read");
	svmgpu_assert_bytes(p, want, size, "CPU read");
}

/* Read-only private memory: moved or not, reads right and stays read-only. */
static void mixed_readonly(struct svmgpu_svm *svm, uint8_t *p, size_t size,
			   uint8_t *want)
{
	uint32_t loc;

	memcpy(p, want, size);
	igt_assert_eq(mprotect(p, size, PROT_READ), 0);
	svmgpu_svm_prefetch(svm, p, size, false);
	loc = svmgpu_svm_location(svm, p, size);
	igt_assert_f(loc == LOC_SYSTEM || loc == LOC_DEVICE,
		     "read-only memory after a prefetch: %s\n",
		     svmgpu_loc_name(loc));
	igt_info("read-only memory after a prefetch: %s\n",
		 svmgpu_loc_name(loc));
	gpu_check(svm, p, want, size, "GPU read");
	gpu_write_fails(svm, p + SZ_4K);
	svmgpu_assert_bytes(p, want, size, "CPU read");
}

/* Shared memory does not move; the GPU works on it in place. */
static void mixed_shared(struct svmgpu_svm *svm, uint8_t *p, size_t size,
			 uint8_t *want)
{
	struct svmgpu_ctrs c, d;

	memcpy(p, want, size);
	svmgpu_svm_madvise(svm, p, size, LOC_DEVICE, AT_DEVICE, 0);
	c = ctrs_now(svm->fd);
	svmgpu_svm_prefetch(svm, p, size, false);
	assert_loc(svm, p, size, LOC_SYSTEM, "shared memory, prefetched");
	gpu_check(svm, p, want, size, "GPU read");
	svmgpu_fill_pattern(want, size, 0x5ade);
	gpu_write(svm, p, want, size);
	d = svmgpu_ctrs_since(svm->fd, &c);
	assert_ctr(d, TO_VRAM_PAGES, ==, 0);
	assert_loc(svm, p, size, LOC_SYSTEM, "shared memory, GPU-written");
	svmgpu_assert_bytes(p, want, size, "CPU read");
}

/*
 * A prefetch over a hole is -EFAULT; either side prefetches alone. The
 * hole comes first: a hole punched in a THP would leave its other pages
 * PTE-mapped pieces of a huge page, which 6.12 cannot migrate.
 */
static void mixed_hole(struct svmgpu_svm *svm, uint8_t *p, size_t size,
		       uint8_t *want)
{
	const size_t hole = 8 * SZ_64K;

	svmgpu_unmap(p + hole, SZ_4K);
	memcpy(p, want, hole);
	memcpy(p + hole + SZ_4K, want + hole + SZ_4K, size - hole - SZ_4K);
	igt_assert_eq(__svmgpu_vm_prefetch(svm->fd, svm->vm, svmgpu_ptr(p),
					   size, 0), -EFAULT);
	igt_assert_eq(__svmgpu_vm_prefetch(svm->fd, svm->vm,
					   svmgpu_ptr(p + hole), SZ_4K, 0),
		      -EFAULT);
	assert_loc(svm, p + hole, SZ_4K, LOC_NONE, "the hole");
	svmgpu_assert_bytes(p, want, hole, "CPU read before the hole");
	svmgpu_assert_bytes(p + hole + SZ_4K, want + hole + SZ_4K,
		     size - hole - SZ_4K, "CPU read after the hole");

	svmgpu_svm_prefetch(svm, p, hole, false);
	svmgpu_svm_prefetch(svm, p + hole + SZ_4K, size - hole - SZ_4K, false);
	assert_loc(svm, p, hole, LOC_DEVICE, "before the hole");
	assert_loc(svm, p + hole + SZ_4K, size - hole - SZ_4K, LOC_DEVICE,
		   "after the hole");
	assert_loc(svm, p + hole, SZ_4K, LOC_NONE, "the hole");
	gpu_check(svm, p, want, hole, "GPU read before the hole");
	gpu_check(svm, p + hole + SZ_4K, want + hole + SZ_4K,
		  size - hole - SZ_4K, "GPU read after the hole");
	svmgpu_assert_bytes(p, want, hole, "CPU read before the hole");
	svmgpu_assert_bytes(p + hole + SZ_4K, want + hole + SZ_4K,
		     size - hole - SZ_4K, "CPU read after the hole");
}

/*
 * One prefetch over private written, private never-touched, shared and
 * read-only 64 KiB parts: the private ones move, the shared one stays, the
 * run boundaries are exact, and everything reads right.
 */
static void mixed_combined(struct svmgpu_svm *svm, uint8_t *p, size_t size,
			   uint8_t *want)
{
	const size_t part = SZ_64K;
	struct run runs[3];
	uint32_t loc;

	igt_assert_lte_u64(4 * part, size);
	igt_assert(mmap(p + 2 * part, part, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		   p + 2 * part);
	memcpy(p, want, part);
	memset(want + part, 0, part);
	memcpy(p + 2 * part, want + 2 * part, 2 * part);
	igt_assert_eq(mprotect(p + 3 * part, part, PROT_READ), 0);

	svmgpu_svm_prefetch(svm, p, 4 * part, false);
	assert_loc(svm, p, 2 * part, LOC_DEVICE, "private parts");
	assert_loc(svm, p + 2 * part, part, LOC_SYSTEM, "shared part");
	loc = svmgpu_svm_location(svm, p + 3 * part, part);
	igt_assert_f(loc == LOC_SYSTEM || loc == LOC_DEVICE,
		     "read-only part: %s\n", svmgpu_loc_name(loc));
	/* Read-only memory in system memory makes one run with shared. */
	runs[0] = (struct run) { 0, 2 * part, 0, LOC_NONE, AT_DEVICE,
				 LOC_DEVICE };
	runs[1] = (struct run) { 2 * part, loc == LOC_SYSTEM ? 2 * part : part,
				 0, LOC_NONE, AT_DEVICE, LOC_SYSTEM };
	runs[2] = (struct run) { 3 * part, part, 0, LOC_NONE, AT_DEVICE,
				 LOC_DEVICE };
	assert_runs(svm, p, 4 * part, 0, runs, loc == LOC_SYSTEM ? 2 : 3);
	gpu_check(svm, p, want, 4 * part, "GPU read");
	svmgpu_assert_bytes(p, want, 4 * part, "CPU read");
}

static void test_mixed(int fd, enum mixed_kind kind)
{
	const size_t size = SZ_2M;
	struct svmgpu_svm svm;
	struct svmgpu_region r;
	uint8_t *p, *want;
	uint64_t base;

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	base = svmgpu_svm_vram(fd);
	p = svmgpu_region_map(&r, size, SZ_2M,
		       kind == MIXED_SHARED ? MAP_SHARED : MAP_PRIVATE);
	want = pattern_alloc(size, 0x313d + kind);

	switch (kind) {
	case MIXED_UNTOUCHED:
		mixed_untouched(&svm, p, size, want);
		break;
	case MIXED_READONLY:
		mixed_readonly(&svm, p, size, want);
		break;
	case MIXED_SHARED:
		mixed_shared(&svm, p, size, want);
		break;
	case MIXED_HOLE:
		mixed_hole(&svm, p, size, want);
		break;
	case MIXED_COMBINED:
		mixed_combined(&svm, p, size, want);
		break;
	}

	free(want);
	svmgpu_region_unmap(&r);
	svmgpu_svm_vram_wait(fd, base);
	svmgpu_svm_fini(&svm);
}

/* --- CPU and process-level changes to migrated memory --------------------- */

/*
 * The CPU writes the second half of a 2 MiB range in VRAM: that half is
 * in system memory after; the GPU then reads the whole range right,
 * writes all of it, and a CPU read of the first half of a migrated range
 * and a GPU read of the whole agree too.
 */
static void test_cpu_fault_half(int fd)
{
	const size_t size = SZ_2M, half = size / 2;
	struct svmgpu_svm svm;
	struct svmgpu_region r;
	uint8_t *p, *want;

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	p = vram_region(&svm, &r, size, 0x4a1f, &want);

	svmgpu_fill_pattern(want + half, half, 0x4a21);
	memcpy(p + half, want + half, half);
	assert_loc(&svm, p + half, half, LOC_SYSTEM, "CPU-written half");
	gpu_check(&svm, p, want, size, "GPU read after the CPU write");

	svmgpu_svm_prefetch(&svm, p, size, false);
	assert_loc(&svm, p, size, LOC_DEVICE, "prefetched again");
	svmgpu_assert_bytes(p, want, half, "CPU read of the first half");
	gpu_check(&svm, p, want, size, "GPU read after the CPU read");
	svmgpu_fill_pattern(want, size, 0x4a22);
	gpu_write(&svm, p, want, size);
	svmgpu_assert_bytes(p, want, size, "CPU read of the GPU's write");

	free(want);
	svmgpu_region_unmap(&r);
	svmgpu_svm_fini(&svm);
}

/*
 * MADV_DONTNEED on memory in VRAM frees it: the query says none, GPU and
 * CPU read zeros, and the VRAM goes back.
 */
static void test_dontneed(int fd)
{
	const size_t size = SZ_2M + SZ_64K;
	struct svmgpu_svm svm;
	struct svmgpu_region r;
	uint64_t base;
	uint8_t *p, *want;

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	base = svmgpu_svm_vram(fd);
	p = svmgpu_region_map(&r, size, SZ_2M, MAP_PRIVATE);
	want = pattern_alloc(size, 0xd0);
	memcpy(p, want, size);
	svmgpu_svm_prefetch(&svm, p, size, false);
	assert_loc(&svm, p, size, LOC_DEVICE, "prefetched");

	igt_assert_eq(madvise(p, size, MADV_DONTNEED), 0);
	assert_loc(&svm, p, size, LOC_NONE, "after MADV_DONTNEED");
	svmgpu_svm_vram_wait(fd, base);
	gpu_check_zero(&svm, p, size, "GPU read after MADV_DONTNEED");
	assert_zero(p, size, "CPU read after MADV_DONTNEED");

	free(want);
	svmgpu_region_unmap(&r);
	svmgpu_svm_fini(&svm);
}

/*
 * fork() with memory in VRAM: copy-on-write holds both ways. The parent's
 * GPU write does not reach the child, which reads (with its own GPU, then
 * the CPU) what was there at fork; the child's CPU write does not reach
 * the parent's CPU or GPU.
 */
static void test_fork_cow(int fd)
{
	const size_t size = SZ_2M, half = size / 2;
	struct svmgpu_svm svm;
	struct svmgpu_region r;
	uint8_t *p, *at_fork, *want;
	int p2c[2], c2p[2];

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	p = svmgpu_region_map(&r, size, SZ_2M, MAP_PRIVATE);
	at_fork = pattern_alloc(size, 0xc0c0);
	memcpy(p, at_fork, size);
	svmgpu_svm_prefetch(&svm, p, size, false);
	assert_loc(&svm, p, size, LOC_DEVICE, "before fork");
	want = malloc(size);
	igt_assert(want);
	memcpy(want, at_fork, size);

	igt_assert_eq(pipe(p2c), 0);
	igt_assert_eq(pipe(c2p), 0);
	igt_fork(child, 1) {
		struct svmgpu_svm csvm;
		int cfd = drm_open_svmgpu(0);

		close(p2c[1]);
		close(c2p[0]);
		igt_assert_eq(svmgpu_pipe_recv(p2c[0]), 'g');
		svmgpu_svm_init(&csvm, cfd, POOL);
		gpu_check(&csvm, p, at_fork, size, "the child's GPU read");
		svmgpu_assert_bytes(p, at_fork, size, "the child's CPU read");
		memset(p, 0xcc, size);
		svmgpu_pipe_send(c2p[1], 'c');
		igt_assert_eq(svmgpu_pipe_recv(p2c[0]), 'q');
		igt_assert_eq_u64(svmgpu_check_byte(p, size, 0xcc), size);
		svmgpu_svm_fini(&csvm);
		close(cfd);
	}
	close(p2c[0]);
	close(c2p[1]);

	svmgpu_fill_pattern(want, half, 0xc0c1);
	gpu_write(&svm, p, want, half);
	svmgpu_pipe_send(p2c[1], 'g');
	igt_assert_eq(svmgpu_pipe_recv(c2p[0]), 'c');
	gpu_check(&svm, p, want, size, "the parent's GPU read");
	svmgpu_assert_bytes(p, want, size, "the parent's CPU read");
	svmgpu_pipe_send(p2c[1], 'q');
	igt_waitchildren();
	close(p2c[1]);
	close(c2p[0]);

	free(want);
	free(at_fork);
	svmgpu_region_unmap(&r);
	svmgpu_svm_fini(&svm);
}

/*
 * mremap(MREMAP_DONTUNMAP) of memory in VRAM: the data moves with its
 * pages, still in VRAM, and the old range is empty (zeros, location none).
 */
static void test_mremap_dontunmap(int fd)
{
	const size_t size = SZ_2M;
	struct svmgpu_svm svm;
	struct svmgpu_region r;
	uint8_t *p, *q, *want;

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	p = vram_region(&svm, &r, size, 0x3e3a, &want);

	q = mremap(p, size, size, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	igt_require_f(q != MAP_FAILED, "mremap(MREMAP_DONTUNMAP): %s\n",
		      strerror(errno));
	assert_loc(&svm, q, size, LOC_DEVICE, "moved range");
	assert_loc(&svm, p, size, LOC_NONE, "old range");
	gpu_check(&svm, q, want, size, "GPU read of the moved range");
	gpu_check_zero(&svm, p, size, "GPU read of the old range");
	svmgpu_assert_bytes(q, want, size, "CPU read of the moved range");
	assert_zero(p, size, "CPU read of the old range");

	svmgpu_unmap(q, size);
	free(want);
	svmgpu_region_unmap(&r);
	svmgpu_svm_fini(&svm);
}

/* --- Eviction ------------------------------------------------------------- */

#define EVICT_CHUNK	(8 * SZ_1M)
/* Where BOs are bound in a mirror: far above anything mmap() hands out. */
#define EVICT_BO_VA	(1ull << 45)

enum evict_kind { EVICT_SVM_AND_BOS, EVICT_LARGE_MALLOC, EVICT_PROCESSES };

static const struct {
	const char *name;
	enum evict_kind kind;
} evict_cases[] = {
	{ "svm-and-bos", EVICT_SVM_AND_BOS },
	{ "large-malloc", EVICT_LARGE_MALLOC },
	{ "processes", EVICT_PROCESSES },
};

/* Chunks of @size bytes at @p, each prefetched then filled by the GPU. */
static void evict_fill(struct svmgpu_svm *svm, uint8_t *p, size_t size,
		       uint32_t tag)
{
	for (size_t off = 0; off < size; off += EVICT_CHUNK) {
		size_t n = size - off < EVICT_CHUNK ? size - off : EVICT_CHUNK;

		svmgpu_svm_prefetch(svm, p + off, n, false);
		igt_assert_eq(svmgpu_svm_fill(svm, p + off,
					      tag + off / EVICT_CHUNK, n), 0);
	}
}

typedef uint64_t __attribute__((may_alias)) u64_alias;

/* Whether @n bytes at @p are 32-bit words of @value; vectorises. */
static bool all_words(const uint8_t *p, size_t n, uint32_t value)
{
	const u64_alias *q = (const u64_alias *)p;
	const uint64_t v = value * 0x100000001ull;
	uint64_t diff = 0;

	for (size_t i = 0; i < n / 8; i++)
		diff |= q[i] ^ v;

	return !diff;
}

static void evict_check(const uint8_t *p, size_t size, uint32_t tag,
			const char *what)
{
	for (size_t off = 0; off < size; off += EVICT_CHUNK) {
		size_t n = size - off < EVICT_CHUNK ? size - off : EVICT_CHUNK;

		if (!all_words(p + off, n, tag + off / EVICT_CHUNK))
			assert_words(p + off, n, tag + off / EVICT_CHUNK,
				     what);
	}
}

/*
 * SVM ranges and BOs of VRAM size each (2x VRAM in all), written by the
 * GPU in turns; migrated memory is evicted, and every byte survives.
 */
static void evict_svm_and_bos(struct svmgpu_svm *svm, uint64_t vram)
{
	unsigned int n = vram / EVICT_CHUNK, i;
	struct svmgpu_buf *bos = calloc(n, sizeof(*bos));
	struct svmgpu_region *rs = calloc(n, sizeof(*rs));
	uint32_t evicted = 0;

	igt_assert(bos && rs);
	for (i = 0; i < n; i++) {
		uint8_t *p = svmgpu_region_map(&rs[i], EVICT_CHUNK, SZ_2M,
					MAP_PRIVATE);
		uint64_t va = EVICT_BO_VA + i * EVICT_CHUNK;

		evict_fill(svm, p, EVICT_CHUNK, 0x5e000000 + i);
		svmgpu_buf_create(&bos[i], svm->fd, EVICT_CHUNK,
				  SVMGPU_PLACEMENT_BOTH, 0);
		svmgpu_vm_map(svm->fd, svm->vm, bos[i].handle, 0, va,
			      EVICT_CHUNK, 0);
		igt_assert_eq(svmgpu_svm_fill(svm, (void *)(uintptr_t)va,
					      0xb0000000 + i, EVICT_CHUNK), 0);
	}
	for (i = 0; i < n; i++)
		evicted += svmgpu_svm_location(svm, rs[i].ptr, EVICT_CHUNK) !=
			   LOC_DEVICE;
	igt_info("%u of %u SVM chunks were evicted\n", evicted, n);
	igt_assert_lt_u32(0, evicted);
	for (i = 0; i < n; i++) {
		evict_check(rs[i].ptr, EVICT_CHUNK, 0x5e000000 + i,
			    "SVM chunk");
		evict_check(bos[i].map, EVICT_CHUNK, 0xb0000000 + i, "BO");
		svmgpu_vm_unmap(svm->fd, svm->vm,
				EVICT_BO_VA + i * EVICT_CHUNK, EVICT_CHUNK);
		svmgpu_buf_destroy(&bos[i]);
		svmgpu_region_unmap(&rs[i]);
	}
	free(rs);
	free(bos);
}

/* One malloc larger than VRAM, prefetched and GPU-written in pieces. */
static void evict_large_malloc(struct svmgpu_svm *svm, uint64_t vram)
{
	size_t size = vram + EVICT_CHUNK;
	uint8_t *p = malloc(size);

	igt_assert(p);
	evict_fill(svm, p, size, 0x1a000000);
	evict_check(p, size, 0x1a000000, "large malloc");
	free(p);
}

#define NUM_EVICT_PROCS	4

/*
 * Four processes, each with a quarter of VRAM and 4 MiB: all of it is
 * written before any is checked, so that it oversubscribes VRAM at once.
 */
static void evict_processes(uint64_t vram)
{
	int filled[2], go[2];
	unsigned int i;

	igt_assert_eq(pipe(filled), 0);
	igt_assert_eq(pipe(go), 0);
	igt_fork(child, NUM_EVICT_PROCS) {
		struct svmgpu_svm csvm;
		int cfd = drm_open_svmgpu(0);
		size_t size = vram / NUM_EVICT_PROCS + EVICT_CHUNK / 2;
		struct svmgpu_region r;
		uint8_t *p;

		svmgpu_svm_init(&csvm, cfd, POOL);
		p = svmgpu_region_map(&r, size, SZ_2M, MAP_PRIVATE);
		evict_fill(&csvm, p, size, (child + 1) << 24);
		svmgpu_pipe_send(filled[1], 'f');
		igt_assert_eq(svmgpu_pipe_recv(go[0]), 'g');
		evict_check(p, size, (child + 1) << 24, "a process's memory");
		svmgpu_region_unmap(&r);
		svmgpu_svm_fini(&csvm);
		close(cfd);
	}
	for (i = 0; i < NUM_EVICT_PROCS; i++)
		igt_assert_eq(svmgpu_pipe_recv(filled[0]), 'f');
	for (i = 0; i < NUM_EVICT_PROCS; i++)
		svmgpu_pipe_send(go[1], 'g');
	igt_waitchildren();
	close(filled[0]);
	close(filled[1]);
	close(go[0]);
	close(go[1]);
}

static void test_evict(int fd, enum evict_kind kind)
{
	uint64_t vram = svmgpu_vram_size(fd), base;
	struct svmgpu_svm svm;
	struct svmgpu_ctrs c, d;

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	base = svmgpu_svm_vram(fd);
	c = ctrs_now(fd);
	switch (kind) {
	case EVICT_SVM_AND_BOS:
		evict_svm_and_bos(&svm, vram);
		break;
	case EVICT_LARGE_MALLOC:
		evict_large_malloc(&svm, vram);
		break;
	case EVICT_PROCESSES:
		evict_processes(vram);
		break;
	}
	d = svmgpu_ctrs_since(fd, &c);
	assert_ctr(d, EVICTIONS, >=, 1);
	assert_ctr(d, EVICTED_PAGES, >=, 1);
	svmgpu_svm_vram_wait(fd, base);
	svmgpu_svm_fini(&svm);
}

/* --- get_user_pages() ---------------------------------------------------- */

/*
 * An unlinked file taking O_DIRECT I/O, in a directory not on tmpfs
 * (whose O_DIRECT copies rather than pins); skips if there is none.
 */
static int odirect_file(void)
{
	const char *dirs[] = { "/var/tmp", ".", getenv("SVMGPU_IO") };
	void *buf = NULL;
	unsigned int i;

	igt_assert_eq(posix_memalign(&buf, SZ_4K, SZ_4K), 0);
	memset(buf, 0, SZ_4K);
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		char path[PATH_MAX];
		struct statfs st;
		int f;

		if (!dirs[i] || statfs(dirs[i], &st) ||
		    st.f_type == TMPFS_MAGIC)
			continue;
		snprintf(path, sizeof(path), "%s/svmgpu-odirect-XXXXXX",
			 dirs[i]);
		f = mkstemp(path);
		if (f < 0)
			continue;
		unlink(path);
		if (fcntl(f, F_SETFL, O_DIRECT) == 0 &&
		    pwrite(f, buf, SZ_4K, 0) == SZ_4K) {
			igt_info("O_DIRECT file in %s\n", dirs[i]);
			free(buf);
			return f;
		}
		close(f);
	}
	free(buf);
	igt_require_f(false, "no directory off tmpfs takes O_DIRECT I/O\n");

	return -1;
}

/*
 * O_DIRECT I/O pins user pages: a write from memory in VRAM moves it back
 * and writes the right data; a read into memory in VRAM lands right too.
 */
static void gup_odirect(struct svmgpu_svm *svm, uint8_t *p, size_t size,
			uint8_t *want)
{
	int f = odirect_file();
	struct svmgpu_region rq;
	uint8_t *q, *back;

	igt_assert_eq(pwrite(f, p, size, 0), (ssize_t)size);
	assert_loc(svm, p, size, LOC_SYSTEM, "after an O_DIRECT write");
	igt_assert_eq(posix_memalign((void **)&back, SZ_4K, size), 0);
	igt_assert_eq(pread(f, back, size, 0), (ssize_t)size);
	svmgpu_assert_bytes(back, want, size, "file written with O_DIRECT");
	free(back);

	q = svmgpu_region_map(&rq, size, SZ_2M, MAP_PRIVATE);
	memset(q, 0x11, size);
	svmgpu_svm_prefetch(svm, q, size, false);
	assert_loc(svm, q, size, LOC_DEVICE, "prefetched");
	igt_assert_eq(pread(f, q, size, 0), (ssize_t)size);
	gpu_check(svm, q, want, size, "GPU read of an O_DIRECT read");
	svmgpu_assert_bytes(q, want, size, "CPU read of an O_DIRECT read");
	svmgpu_region_unmap(&rq);
	close(f);
}

/*
 * A child reads the parent's memory in VRAM with process_vm_readv() and
 * writes its second half with process_vm_writev(); the parent's CPU and
 * GPU see the child's write.
 */
static void gup_process_vm(struct svmgpu_svm *svm, uint8_t *p, size_t size,
			   uint8_t *want, int p2c[2], int c2p[2])
{
	const size_t half = size / 2;

	/* The child forked before p was populated: nothing is shared. */
	svmgpu_pipe_send(p2c[1], 'g');
	igt_assert_eq(svmgpu_pipe_recv(c2p[0]), 'd');
	igt_waitchildren();
	close(p2c[1]);
	close(c2p[0]);
	assert_loc(svm, p, size, LOC_SYSTEM, "after process_vm_readv/writev");
	svmgpu_fill_pattern(want + half, half, 0x9c0d);
	gpu_check(svm, p, want, size, "GPU read after the child");
	svmgpu_assert_bytes(p, want, size, "CPU read after the child");
}

static void test_gup(int fd, bool odirect)
{
	const size_t size = SZ_1M, half = size / 2;
	struct svmgpu_svm svm;
	int p2c[2], c2p[2];
	struct svmgpu_region r;
	uint8_t *p, *want;

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	p = svmgpu_region_map(&r, size, SZ_2M, MAP_PRIVATE);
	want = pattern_alloc(size, 0x9c0b);

	if (!odirect) {
		igt_assert_eq(pipe(p2c), 0);
		igt_assert_eq(pipe(c2p), 0);
		igt_fork(child, 1) {
			pid_t parent = getppid();

			close(p2c[1]);
			close(c2p[0]);
			uint8_t *buf = malloc(size);
			uint8_t *mine = pattern_alloc(half, 0x9c0d);
			uint8_t *exp = pattern_alloc(size, 0x9c0c);
			struct iovec local = { buf, size };
			struct iovec remote = { p, size };

			igt_assert(buf);
			igt_assert_eq(svmgpu_pipe_recv(p2c[0]), 'g');
			igt_assert_eq(process_vm_readv(parent, &local, 1,
						       &remote, 1, 0),
				      (ssize_t)size);
			svmgpu_assert_bytes(buf, exp, size,
				     "process_vm_readv() of VRAM");
			local = (struct iovec) { mine, half };
			remote = (struct iovec) { p + half, half };
			igt_assert_eq(process_vm_writev(parent, &local, 1,
							&remote, 1, 0),
				      (ssize_t)half);
			svmgpu_pipe_send(c2p[1], 'd');
			free(exp);
			free(mine);
			free(buf);
		}
		close(p2c[0]);
		close(c2p[1]);
	}

	memcpy(p, want, size);
	svmgpu_svm_prefetch(&svm, p, size, false);
	svmgpu_fill_pattern(want, size, 0x9c0c);
	gpu_write(&svm, p, want, size);
	assert_loc(&svm, p, size, LOC_DEVICE, "GPU-written memory");

	if (odirect)
		gup_odirect(&svm, p, size, want);
	else
		gup_process_vm(&svm, p, size, want, p2c, c2p);

	free(want);
	svmgpu_region_unmap(&r);
	svmgpu_svm_fini(&svm);
}

/* --- Two devices ---------------------------------------------------------- */

/*
 * Memory in one device's VRAM is "none" to the other device's VM; the
 * other GPU's read moves it back (counted by the first device) and reads
 * it right; prefetched to the second device, the first GPU reads what the
 * second wrote. A range preferring the other device (PREFERRED_FD) is not
 * moved by this device's faults.
 */
static void two_devices_handover(struct svmgpu_svm *a, struct svmgpu_svm *b)
{
	const size_t size = SZ_2M;
	struct drm_svmgpu_vm_madvise m;
	struct drm_svmgpu_vm_attr attr;
	struct svmgpu_region r;
	struct svmgpu_ctrs c, d;
	uint8_t *p, *want;

	p = svmgpu_region_map(&r, size, SZ_2M, MAP_PRIVATE);
	want = pattern_alloc(size, 0x2de0);
	memcpy(p, want, size);

	svmgpu_svm_prefetch(a, p, size, false);
	assert_loc(a, p, size, LOC_DEVICE, "device 0 after its prefetch");
	assert_loc(b, p, size, LOC_NONE, "device 1, memory in device 0");
	c = ctrs_now(a->fd);
	gpu_check(b, p, want, size, "device 1 reading device 0's VRAM");
	d = svmgpu_ctrs_since(a->fd, &c);
	assert_ctr(d, TO_RAM_PAGES, >=, 1);
	assert_loc(a, p, size, LOC_SYSTEM, "device 0 after device 1 read");

	svmgpu_svm_prefetch(b, p, size, false);
	assert_loc(b, p, size, LOC_DEVICE, "device 1 after its prefetch");
	assert_loc(a, p, size, LOC_NONE, "device 0, memory in device 1");
	svmgpu_fill_pattern(want, size, 0x2de1);
	gpu_write(b, p, want, size);
	gpu_check(a, p, want, size, "device 0 reading device 1's write");
	svmgpu_assert_bytes(p, want, size, "CPU read");

	/* Preferring device 1, in device 0's VM. */
	m = (struct drm_svmgpu_vm_madvise) {
		.vm_id = a->vm, .flags = PREF_FD, .addr = svmgpu_ptr(p),
		.range = size, .preferred_loc = LOC_DEVICE,
		.preferred_fd = b->fd,
	};
	igt_assert_eq(__svmgpu_vm_madvise(a->fd, &m), 0);
	igt_assert_eq_u32(svmgpu_vm_query_attrs(a->fd, a->vm, svmgpu_ptr(p),
						size, 0, &attr, 1), 1);
	igt_assert_eq_u32(attr.flags, PREF_FD);
	igt_assert_eq_u32(attr.preferred_loc, LOC_DEVICE);
	svmgpu_svm_madvise(b, p, size, LOC_DEVICE, AT_DEVICE, 0);
	c = ctrs_now(a->fd);
	gpu_check(a, p, want, size, "device 0 reading, device 1 preferred");
	d = svmgpu_ctrs_since(a->fd, &c);
	igt_assert_eq_u64(to_vram(&d), 0);
	assert_loc(a, p, size, LOC_SYSTEM, "device 0, device 1 preferred");
	gpu_check(b, p, want, size, "device 1 reading, device 1 preferred");
	assert_loc(b, p, size, LOC_DEVICE, "device 1, device 1 preferred");

	free(want);
	svmgpu_region_unmap(&r);
}

#define DEV_ATOMIC_JOBS	4
#define DEV_ATOMIC_OPS	64

/*
 * ATOMIC INC from a queue of each device on one counter, which starts in
 * device 0's VRAM and may move between them at every atomic: the count
 * is exact.
 */
static void two_devices_atomics(struct svmgpu_svm *s[2])
{
	volatile uint64_t *fences = svmgpu_page_alloc();
	volatile uint32_t *go = svmgpu_page_alloc();
	uint32_t *counter, queues[2];
	unsigned int dev, j, k;
	struct svmgpu_region r;

	counter = (uint32_t *)svmgpu_region_map(&r, SZ_4K, SZ_4K, MAP_PRIVATE);
	*counter = 0;

	svmgpu_svm_prefetch(s[0], counter, SZ_4K, false);
	for (dev = 0; dev < 2; dev++) {
		queues[dev] = svmgpu_svm_queue(s[dev], 0);
		for (j = 0; j < DEV_ATOMIC_JOBS; j++) {
			struct svmgpu_cs cs;

			svmgpu_svm_cs(s[dev], &cs, DEV_ATOMIC_OPS *
				      SVMGPU_CS_LEN_ATOMIC * 4 + 128);
			if (j == 0)
				svmgpu_cs_wait_mem(&cs, DRM_SVMGPU_WAIT_EQ,
						   svmgpu_ptr(go), 1,
						   0xffffffff);
			for (k = 0; k < DEV_ATOMIC_OPS; k++)
				svmgpu_cs_atomic(&cs, DRM_SVMGPU_ATOMIC_INC,
						 svmgpu_ptr(counter), 0, 0, 0);
			svmgpu_cs_end(&cs);
			svmgpu_svm_submit(s[dev]->fd, queues[dev], &cs,
					  &fences[dev * 8], j + 1);
		}
	}
	__atomic_store_n(go, 1, __ATOMIC_RELEASE);
	for (dev = 0; dev < 2; dev++) {
		igt_assert_eq(svmgpu_svm_wait(s[dev]->fd, queues[dev],
					      &fences[dev * 8],
					      DEV_ATOMIC_JOBS), 0);
		svmgpu_queue_destroy(s[dev]->fd, queues[dev]);
	}
	igt_assert_eq_u32(*(volatile uint32_t *)counter,
			  2 * DEV_ATOMIC_JOBS * DEV_ATOMIC_OPS);

	svmgpu_region_unmap(&r);
	free((void *)go);
	free((void *)fences);
}

static void test_two_devices(int fd, bool atomics)
{
	struct svmgpu_svm a, b, *s[2] = { &a, &b };
	int fd1;

	require_migrate(fd);
	igt_require_f(svmgpu_count_devices() >= 2,
		      "needs svmgpu loaded with num_devices=2\n");
	fd1 = drm_open_svmgpu(1);
	require_migrate(fd1);
	svmgpu_svm_init(&a, fd, POOL);
	svmgpu_svm_init(&b, fd1, POOL);
	if (atomics)
		two_devices_atomics(s);
	else
		two_devices_handover(&a, &b);
	svmgpu_svm_fini(&b);
	svmgpu_svm_fini(&a);
	close(fd1);
}

/* --- Atomic modes --------------------------------------------------------- */

#define ATOMIC_OPS	256
#define CPU_ADDS	20000

enum atomic_case { ATOMIC_DEVICE_MODE, ATOMIC_GLOBAL_MODE, ATOMIC_CPU_MODE };

static const struct {
	const char *name;
	enum atomic_case kind;
} atomic_cases[] = {
	{ "device", ATOMIC_DEVICE_MODE },
	{ "global", ATOMIC_GLOBAL_MODE },
	{ "cpu", ATOMIC_CPU_MODE },
};

/* A job of ATOMIC_OPS INCs of @counter, after waiting for *@go if set. */
static void emit_incs(struct svmgpu_svm *svm, struct svmgpu_cs *cs,
		      volatile void *counter, volatile uint32_t *go)
{
	svmgpu_svm_cs(svm, cs, ATOMIC_OPS * SVMGPU_CS_LEN_ATOMIC * 4 + 128);
	if (go)
		svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_EQ, svmgpu_ptr(go), 1,
				   0xffffffff);
	for (unsigned int i = 0; i < ATOMIC_OPS; i++)
		svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC, svmgpu_ptr(counter),
				 0, 0, 0);
	svmgpu_cs_end(cs);
}

struct adder {
	volatile uint32_t *counter, *go;
};

static void *adder_thread(void *arg)
{
	struct adder *a = arg;

	while (!__atomic_load_n(a->go, __ATOMIC_ACQUIRE))
		;
	for (unsigned int i = 0; i < CPU_ADDS; i++)
		__atomic_fetch_add(a->counter, 1, __ATOMIC_SEQ_CST);

	return NULL;
}

/* GLOBAL: GPU atomics in system memory race CPU atomics; the count is exact. */
static void atomics_global(struct svmgpu_svm *svm, uint32_t *counter)
{
	volatile uint32_t *go = svmgpu_page_alloc();
	struct adder a = { counter, go };
	uint32_t queue = svmgpu_svm_queue(svm, 0);
	struct svmgpu_cs cs;
	pthread_t thread;

	emit_incs(svm, &cs, counter, go);
	svm->seqno++;
	svmgpu_svm_submit(svm->fd, queue, &cs, svm->fence, svm->seqno);
	igt_assert_eq(pthread_create(&thread, NULL, adder_thread, &a), 0);
	__atomic_store_n(go, 1, __ATOMIC_RELEASE);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	igt_assert_eq(svmgpu_svm_wait(svm->fd, queue, svm->fence, svm->seqno),
		      0);
	svmgpu_queue_destroy(svm->fd, queue);
	igt_assert_eq_u32(*(volatile uint32_t *)counter, ATOMIC_OPS + CPU_ADDS);
	free((void *)go);
}

/*
 * CPU mode: a GPU atomic is an unrecoverable atomic-access fault, in
 * system memory or in VRAM (the mode applies at once), and changes
 * nothing; plain GPU reads and writes work; mode DEVICE again allows it.
 */
static void atomics_cpu(struct svmgpu_svm *svm, uint32_t *counter,
			size_t size)
{
	struct svmgpu_cs cs;
	uint32_t one = 1;

	emit_incs(svm, &cs, counter, NULL);
	expect_fault(svm, &cs, counter, DRM_SVMGPU_ACCESS_ATOMIC);
	igt_assert_eq_u32(*(volatile uint32_t *)counter, 0);

	svmgpu_svm_madvise(svm, counter, size, LOC_NONE, AT_DEVICE, 0);
	svmgpu_svm_prefetch(svm, counter, size, false);
	assert_loc(svm, counter, size, LOC_DEVICE, "prefetched");
	svmgpu_svm_madvise(svm, counter, size, LOC_NONE, AT_CPU, 0);
	expect_fault(svm, &cs, counter, DRM_SVMGPU_ACCESS_ATOMIC);
	gpu_write(svm, counter + 1, &one, 4);
	gpu_check(svm, counter, (uint32_t[]){ 0, 1 }, 8, "GPU read");

	svmgpu_svm_madvise(svm, counter, size, LOC_NONE, AT_DEVICE, 0);
	igt_assert_eq(svmgpu_svm_run_new_queue(svm, &cs), 0);
	igt_assert_eq_u32(*(volatile uint32_t *)counter, ATOMIC_OPS);
}

static void test_atomics(int fd, enum atomic_case kind)
{
	static const uint32_t modes[] = { AT_DEVICE, AT_GLOBAL, AT_CPU };
	const size_t size = SZ_64K;
	struct svmgpu_svm svm;
	struct svmgpu_region r;
	struct svmgpu_ctrs c, d;
	uint32_t *counter;
	struct svmgpu_cs cs;

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	counter = (uint32_t *)svmgpu_region_map(&r, size, SZ_64K, MAP_PRIVATE);
	memset(counter, 0, size);
	svmgpu_svm_madvise(&svm, counter, size, LOC_NONE, modes[kind], 0);

	c = ctrs_now(fd);
	switch (kind) {
	case ATOMIC_DEVICE_MODE:
		emit_incs(&svm, &cs, counter, NULL);
		igt_assert_eq(svmgpu_svm_run_new_queue(&svm, &cs), 0);
		d = svmgpu_ctrs_since(fd, &c);
		igt_assert_lte_u64(1, to_vram(&d));
		assert_loc(&svm, counter, size, LOC_DEVICE,
			   "after GPU atomics, mode device");
		igt_assert_eq_u32(*(volatile uint32_t *)counter, ATOMIC_OPS);
		break;
	case ATOMIC_GLOBAL_MODE:
		atomics_global(&svm, counter);
		d = svmgpu_ctrs_since(fd, &c);
		igt_assert_eq_u64(to_vram(&d), 0);
		assert_loc(&svm, counter, size, LOC_SYSTEM,
			   "after GPU atomics, mode global");
		break;
	case ATOMIC_CPU_MODE:
		atomics_cpu(&svm, counter, size);
		break;
	}

	svmgpu_region_unmap(&r);
	svmgpu_svm_fini(&svm);
}

/*
 * madvise READONLY: the GPU reads, but a GPU write is an unrecoverable
 * write fault, also where it was mapped writable before and in VRAM; the
 * CPU may still write; clearing the flag lets the GPU write again.
 */
static void test_madvise_readonly(int fd)
{
	const size_t size = SZ_64K;
	struct svmgpu_svm svm;
	struct svmgpu_region r;
	uint8_t *p, *want;

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	p = svmgpu_region_map(&r, size, SZ_64K, MAP_PRIVATE);
	want = pattern_alloc(size, 0x4e0);
	memcpy(p, want, size);
	svmgpu_fill_pattern(want, SZ_4K, 0x4e1);
	gpu_write(&svm, p, want, SZ_4K);

	svmgpu_svm_madvise(&svm, p, size, LOC_NONE, AT_DEVICE, READONLY);
	gpu_write_fails(&svm, p + 16);
	gpu_check(&svm, p, want, size, "GPU read of a read-only range");
	svmgpu_svm_prefetch(&svm, p, size, false);
	assert_loc(&svm, p, size, LOC_DEVICE, "prefetched read-only range");
	gpu_write_fails(&svm, p + SZ_4K + 8);
	gpu_check(&svm, p, want, size, "GPU read in VRAM");
	svmgpu_assert_bytes(p, want, size, "CPU read");

	svmgpu_fill_pattern(want, SZ_4K, 0x4e2);
	memcpy(p, want, SZ_4K);
	gpu_check(&svm, p, want, size, "GPU read of the CPU's write");
	svmgpu_svm_madvise(&svm, p, size, LOC_NONE, AT_DEVICE, 0);
	svmgpu_fill_pattern(want, size, 0x4e3);
	gpu_write(&svm, p, want, size);
	svmgpu_assert_bytes(p, want, size, "CPU read of the GPU's write");

	free(want);
	svmgpu_region_unmap(&r);
	svmgpu_svm_fini(&svm);
}

/* --- Attributes ----------------------------------------------------------- */

enum attr_case { ATTR_SPLIT, ATTR_SAME, ATTR_COARSE, ATTR_PAGING };

static const struct {
	const char *name;
	enum attr_case kind;
} attr_cases[] = {
	{ "split-runs", ATTR_SPLIT },
	{ "same-again", ATTR_SAME },
	{ "coarse-mixed", ATTR_COARSE },
	{ "paging", ATTR_PAGING },
};

#define K(n)	((uint64_t)(n) << 10)

/*
 * Overlapping madvises leave runs with exact boundaries: the later one
 * wins where they overlap, the rest keep theirs, and defaults elsewhere.
 * A query from inside a run starts there; a CPU write splits runs by
 * location; advising the defaults over all of it leaves one run.
 */
static void attrs_split(struct svmgpu_svm *svm, uint8_t *p, size_t size)
{
	const struct run runs[] = {
		{ 0, K(64), 0, LOC_NONE, AT_DEVICE, LOC_NONE },
		{ K(64), K(64), 0, LOC_DEVICE, AT_GLOBAL, LOC_NONE },
		{ K(128), K(192), NO_MIGRATE, LOC_NONE, AT_DEVICE, LOC_NONE },
		{ K(320), size - K(320), 0, LOC_NONE, AT_DEVICE, LOC_NONE },
	};
	const struct run from_inside[] = {
		{ 0, K(28), 0, LOC_DEVICE, AT_GLOBAL, LOC_NONE },
		{ K(28), K(192), NO_MIGRATE, LOC_NONE, AT_DEVICE, LOC_NONE },
	};
	const struct run written[] = {
		{ 0, K(80), 0, LOC_NONE, AT_DEVICE, LOC_NONE },
		{ K(80), K(4), 0, LOC_NONE, AT_DEVICE, LOC_SYSTEM },
		{ K(84), size - K(404), 0, LOC_NONE, AT_DEVICE, LOC_NONE },
	};
	const struct run one[] = {
		{ 0, size, 0, LOC_NONE, AT_DEVICE, LOC_NONE },
	};

	svmgpu_svm_madvise(svm, p + K(64), K(128), LOC_DEVICE, AT_GLOBAL, 0);
	svmgpu_svm_madvise(svm, p + K(256), K(4), LOC_SYSTEM, AT_CPU,
			   READONLY | NO_MIGRATE);
	svmgpu_svm_madvise(svm, p + K(128), K(192), LOC_NONE, AT_DEVICE,
			   NO_MIGRATE);
	assert_runs(svm, p, size, 0, runs, ARRAY_SIZE(runs));
	assert_runs(svm, p, size, COARSE, runs, ARRAY_SIZE(runs));
	assert_runs(svm, p + K(100), K(220), 0, from_inside,
		    ARRAY_SIZE(from_inside));

	p[K(400)] = 1;
	assert_runs(svm, p + K(320), size - K(320), 0, written,
		    ARRAY_SIZE(written));
	svmgpu_svm_madvise(svm, p, size, LOC_NONE, AT_DEVICE, 0);
	p[K(400)] = 0;
	igt_assert_eq(madvise(p, size, MADV_DONTNEED), 0);
	assert_runs(svm, p, size, 0, one, 1);
}

/*
 * Setting the attributes a range has changes nothing: no invalidation,
 * and the GPU's mapping stays (a job reading it takes no fault). Setting
 * READONLY drops the mapping; setting it again does not.
 */
static void attrs_same(struct svmgpu_svm *svm, uint8_t *p, size_t size)
{
	uint8_t *dst = malloc(size);
	struct svmgpu_cs cs;
	struct svmgpu_ctrs c, d;

	igt_assert(dst);
	memset(dst, 0, size);
	svmgpu_fill_pattern(p, size, 0x5a3e);
	svmgpu_svm_cs(svm, &cs, 64);
	svmgpu_cs_copy(&cs, svmgpu_ptr(p), svmgpu_ptr(dst), size);
	svmgpu_cs_end(&cs);
	d = run_counted(svm, &cs, dst, size);
	igt_assert_lte_u64(1, gpu_faults(&d));

	c = ctrs_now(svm->fd);
	svmgpu_svm_madvise(svm, p, size, LOC_NONE, AT_DEVICE, 0);
	d = svmgpu_ctrs_since(svm->fd, &c);
	assert_ctr(d, INVALIDATIONS, ==, 0);
	d = run_counted(svm, &cs, dst, size);
	igt_assert_eq_u64(gpu_faults(&d), 0);

	svmgpu_svm_madvise(svm, p, size, LOC_NONE, AT_DEVICE, READONLY);
	d = run_counted(svm, &cs, dst, size);
	igt_assert_lte_u64(1, gpu_faults(&d));

	c = ctrs_now(svm->fd);
	svmgpu_svm_madvise(svm, p, size, LOC_NONE, AT_DEVICE, READONLY);
	d = svmgpu_ctrs_since(svm->fd, &c);
	assert_ctr(d, INVALIDATIONS, ==, 0);
	d = run_counted(svm, &cs, dst, size);
	igt_assert_eq_u64(gpu_faults(&d), 0);
	igt_assert_eq_u64(svmgpu_check_pattern(dst, size, 0x5a3e), size);
	free(dst);
}

/*
 * Two 64 KiB ranges, one in VRAM: fine runs split at the range boundary;
 * COARSE gives one run, MIXED, and DEVICE once both are in VRAM; COARSE
 * still splits where the attributes change.
 */
static void attrs_coarse(struct svmgpu_svm *svm, uint8_t *p, size_t size)
{
	const size_t half = size / 2;
	const struct run fine[] = {
		{ 0, half, 0, LOC_NONE, AT_DEVICE, LOC_SYSTEM },
		{ half, half, 0, LOC_NONE, AT_DEVICE, LOC_DEVICE },
	};
	const struct run mixed[] = {
		{ 0, size, 0, LOC_NONE, AT_DEVICE, LOC_MIXED },
	};
	const struct run device[] = {
		{ 0, size, 0, LOC_NONE, AT_DEVICE, LOC_DEVICE },
	};
	const struct run split[] = {
		{ 0, half, READONLY, LOC_NONE, AT_DEVICE, LOC_DEVICE },
		{ half, half, 0, LOC_NONE, AT_DEVICE, LOC_DEVICE },
	};

	svmgpu_fill_pattern(p, size, 0xc0a5);
	svmgpu_svm_prefetch(svm, p + half, half, false);
	assert_runs(svm, p, size, 0, fine, 2);
	assert_runs(svm, p, size, COARSE, mixed, 1);
	svmgpu_svm_prefetch(svm, p, half, false);
	assert_runs(svm, p, size, COARSE, device, 1);
	svmgpu_svm_madvise(svm, p, half, LOC_NONE, AT_DEVICE, READONLY);
	assert_runs(svm, p, size, COARSE, split, 2);
	igt_assert_eq_u64(svmgpu_check_pattern(p, size, 0xc0a5), size);
}

/*
 * 64 runs (every other page with atomic mode GLOBAL), read one at a time,
 * 7 at a time and all at once: the same runs each way, and a query asking
 * for one run writes one.
 */
static void attrs_paging(struct svmgpu_svm *svm, uint8_t *p, size_t size)
{
	struct drm_svmgpu_vm_attr *all, *some, one[2];
	const uint32_t chunks[] = { 1, 7 };
	struct drm_svmgpu_vm_query_attrs q;
	unsigned int n, i;

	igt_assert_eq_u64(size, 64 * SZ_4K);
	for (i = 0; i < 64; i += 2)
		svmgpu_svm_madvise(svm, p + i * SZ_4K, SZ_4K, LOC_NONE,
				   AT_GLOBAL, 0);
	n = svmgpu_svm_attrs(svm->fd, svm->vm, svmgpu_ptr(p), size, 0,
			     DRM_SVMGPU_QUERY_ATTRS_MAX, &all);
	igt_assert_eq_u32(n, 64);
	for (i = 0; i < 64; i++)
		igt_assert_eq_u32(all[i].atomic_mode,
				  i & 1 ? AT_DEVICE : AT_GLOBAL);
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		igt_assert_eq_u32(svmgpu_svm_attrs(svm->fd, svm->vm,
						   svmgpu_ptr(p), size, 0,
						   chunks[i], &some), n);
		igt_assert(!memcmp(some, all, n * sizeof(*all)));
		free(some);
	}

	memset(one, 0xff, sizeof(one));
	q = (struct drm_svmgpu_vm_query_attrs) {
		.vm_id = svm->vm, .addr = svmgpu_ptr(p), .range = size,
		.attrs = to_user_pointer(one), .num_attrs = 1,
	};
	igt_assert_eq(__svmgpu_vm_query_attrs(svm->fd, &q), 0);
	igt_assert_eq_u32(q.num_attrs, 1);
	igt_assert(!memcmp(&one[0], &all[0], sizeof(one[0])));
	igt_assert_eq_u64(one[1].addr, ~0ull);
	free(all);
}

static void test_attributes(int fd, enum attr_case kind)
{
	static const size_t sizes[] = { SZ_1M, SZ_2M, 2 * SZ_64K, 64 * SZ_4K };
	static const size_t aligns[] = { SZ_2M, SZ_2M, SZ_64K, SZ_64K };
	struct svmgpu_svm svm;
	struct svmgpu_region r;
	uint8_t *p;

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	p = svmgpu_region_map(&r, sizes[kind], aligns[kind], MAP_PRIVATE);
	switch (kind) {
	case ATTR_SPLIT:
		attrs_split(&svm, p, sizes[kind]);
		break;
	case ATTR_SAME:
		attrs_same(&svm, p, sizes[kind]);
		break;
	case ATTR_COARSE:
		attrs_coarse(&svm, p, sizes[kind]);
		break;
	case ATTR_PAGING:
		attrs_paging(&svm, p, sizes[kind]);
		break;
	}
	svmgpu_region_unmap(&r);
	svmgpu_svm_fini(&svm);
}

/* --- Races ---------------------------------------------------------------- */

enum race_case { RACE_CPU_PREFETCH, RACE_MUNMAP, RACE_TWO_QUEUES, RACE_KILL,
		 RACE_SIGNALS };

static const struct {
	const char *name;
	enum race_case kind;
} race_cases[] = {
	{ "cpu-fault-vs-prefetch", RACE_CPU_PREFETCH },
	{ "munmap-vs-migration", RACE_MUNMAP },
	{ "two-queues-fault", RACE_TWO_QUEUES },
	{ "kill-during-migration", RACE_KILL },
	{ "prefetch-signals", RACE_SIGNALS },
};

#define RACE_SIZE	(SZ_2M + SZ_64K)
#define RACE_PASSES	32

struct cpu_writer {
	uint32_t *p;
	uint32_t *want;
	size_t words;
	volatile bool *stop;
};

/* Writes and reads back words all over the memory until told to stop. */
static void *cpu_writer_thread(void *arg)
{
	struct cpu_writer *w = arg;
	unsigned int pass;
	size_t i;

	for (pass = 0; pass < RACE_PASSES; pass++) {
		for (i = (pass * 97) % 1024; i < w->words; i += 1024) {
			uint32_t v = pass << 20 | (uint32_t)(i >> 10);

			igt_assert_eq_u32(__atomic_load_n(&w->p[i],
							  __ATOMIC_RELAXED),
					  w->want[i]);
			__atomic_store_n(&w->p[i], v, __ATOMIC_RELAXED);
			w->want[i] = v;
		}
		if (*w->stop)
			break;
	}

	return NULL;
}

/* CPU faults of a thread race prefetches to VRAM and to system memory. */
static void race_cpu_prefetch(struct svmgpu_svm *svm, uint8_t *p)
{
	uint8_t *want = pattern_alloc(RACE_SIZE, 0x6ace);
	volatile bool stop = false;
	struct cpu_writer w = {
		(uint32_t *)p, (uint32_t *)want, RACE_SIZE / 4, &stop,
	};
	pthread_t thread;
	unsigned int i;

	memcpy(p, want, RACE_SIZE);
	igt_assert_eq(pthread_create(&thread, NULL, cpu_writer_thread, &w), 0);
	for (i = 0; i < 2 * RACE_PASSES; i++)
		svmgpu_svm_prefetch(svm, p, RACE_SIZE, i % 3 == 2);
	stop = true;
	igt_assert_eq(pthread_join(thread, NULL), 0);
	gpu_check(svm, p, want, RACE_SIZE, "GPU read after the race");
	svmgpu_assert_bytes(p, want, RACE_SIZE, "CPU read after the race");
	free(want);
}

struct unmapper {
	void *ptr;
	size_t size;
	unsigned int delay_us;
};

static void *unmapper_thread(void *arg)
{
	struct unmapper *u = arg;

	usleep(u->delay_us);
	igt_assert_eq(munmap(u->ptr, u->size), 0);

	return NULL;
}

/*
 * A thread munmaps memory being migrated: by a prefetch (0, or -EFAULT
 * once the pages are gone) or by a GPU read with preferred location
 * device (right data, or a failed job).
 */
static void race_munmap(struct svmgpu_svm *svm)
{
	unsigned int round, failed = 0;

	for (round = 0; round < 16; round++) {
		struct svmgpu_region r;
		uint8_t *p = svmgpu_region_map(&r, RACE_SIZE, SZ_2M, MAP_PRIVATE);
		struct unmapper u = { p, RACE_SIZE, round * 20000 };
		uint8_t *dst = malloc(RACE_SIZE);
		pthread_t thread;
		int ret;

		igt_assert(dst);
		svmgpu_fill_pattern(p, RACE_SIZE, 0x3a00 + round);
		svmgpu_svm_madvise(svm, p, RACE_SIZE, LOC_DEVICE, AT_DEVICE,
				   0);
		igt_assert_eq(pthread_create(&thread, NULL, unmapper_thread,
					     &u), 0);
		if (round & 1) {
			ret = svmgpu_svm_copy(svm, p, dst, RACE_SIZE);
			igt_assert(ret == 0 || ret == -ECANCELED);
			if (!ret)
				igt_assert_eq_u64(svmgpu_check_pattern(dst,
						  RACE_SIZE, 0x3a00 + round),
						  RACE_SIZE);
		} else {
			ret = __svmgpu_vm_prefetch(svm->fd, svm->vm,
						   svmgpu_ptr(p), RACE_SIZE,
						   0);
			igt_assert_f(ret == 0 || ret == -EFAULT,
				     "prefetch racing munmap: %d\n", ret);
		}
		failed += ret != 0;
		igt_assert_eq(pthread_join(thread, NULL), 0);
		free(dst);
		svmgpu_region_unmap(&r);
	}
	igt_info("%u of 16 migrations lost the race\n", failed);
}

/*
 * Two queues fault one range with preferred location device at once:
 * both read it right, it moves once, and again each round after the CPU
 * wrote it (migrate_hold_ms 0).
 */
static void race_two_queues(struct svmgpu_svm *svm, uint8_t *p)
{
	volatile uint32_t *go = svmgpu_page_alloc();
	volatile uint64_t *fences = svmgpu_page_alloc();
	unsigned int round, q, engines = svmgpu_num_engines(svm->fd);

	svmgpu_set_migrate_hold_ms(0);
	svmgpu_svm_madvise(svm, p, RACE_SIZE, LOC_DEVICE, AT_DEVICE, 0);
	for (round = 0; round < 4; round++) {
		uint8_t *dst[2];
		uint32_t queues[2];
		struct svmgpu_ctrs c, d;

		*go = 0;
		svmgpu_fill_pattern(p, RACE_SIZE, 0x2a00 + round);
		assert_loc(svm, p, RACE_SIZE, LOC_SYSTEM, "CPU-written");
		c = ctrs_now(svm->fd);
		for (q = 0; q < 2; q++) {
			struct svmgpu_cs cs;

			dst[q] = malloc(RACE_SIZE);
			igt_assert(dst[q]);
			queues[q] = svmgpu_svm_queue(svm, q % engines);
			svmgpu_svm_cs(svm, &cs, 128);
			svmgpu_cs_wait_mem(&cs, DRM_SVMGPU_WAIT_EQ,
					   svmgpu_ptr(go), 1, 0xffffffff);
			svmgpu_cs_copy(&cs, svmgpu_ptr(p), svmgpu_ptr(dst[q]),
				       RACE_SIZE);
			svmgpu_cs_end(&cs);
			svmgpu_svm_submit(svm->fd, queues[q], &cs,
					  &fences[q * 8], round + 1);
		}
		__atomic_store_n(go, 1, __ATOMIC_RELEASE);
		for (q = 0; q < 2; q++) {
			igt_assert_eq(svmgpu_svm_wait(svm->fd, queues[q],
						      &fences[q * 8],
						      round + 1), 0);
			svmgpu_queue_destroy(svm->fd, queues[q]);
			igt_assert_eq_u64(svmgpu_check_pattern(dst[q],
				RACE_SIZE, 0x2a00 + round), RACE_SIZE);
			free(dst[q]);
		}
		d = svmgpu_ctrs_since(svm->fd, &c);
		igt_assert_lte_u64(1, to_vram(&d));
		assert_ctr(d, TO_VRAM_PAGES, <=, RACE_SIZE / SZ_4K);
		assert_loc(svm, p, RACE_SIZE, LOC_DEVICE, "after both reads");
	}
	svmgpu_restore_migrate_hold_ms();
	free((void *)fences);
	free((void *)go);
}

/* Set before fork, for the migrating child (no IGT asserts in there). */
static uint64_t child_mirror_start, child_mirror_end;

/*
 * Migrates 16 MiB back and forth forever: prefetches both ways, GPU
 * fills with preferred location device, CPU touches. Says 'r' once going.
 */
static void __attribute__((noreturn)) migrating_child(int pipe_fd)
{
	const size_t size = 16 * SZ_1M;
	struct drm_svmgpu_vm_madvise m = {};
	uint32_t vm, queue, *cmd;
	volatile uint64_t *fence;
	struct svmgpu_cs cs;
	int fd = __drm_open_svmgpu(0);
	uint8_t *p;

	if (fd < 0 || __svmgpu_vm_create_fault(fd, &vm) ||
	    __svmgpu_vm_mirror(fd, vm, child_mirror_start,
			       child_mirror_end - child_mirror_start) ||
	    __svmgpu_queue_create(fd, vm, 0, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
				  &queue))
		_exit(2);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cmd = malloc(SZ_4K);
	fence = malloc(8);
	if (p == MAP_FAILED || !cmd || !fence)
		_exit(3);
	memset(p, 0x5a, size);
	m = (struct drm_svmgpu_vm_madvise) {
		.vm_id = vm, .addr = svmgpu_ptr(p), .range = size,
		.preferred_loc = LOC_DEVICE,
	};
	if (__svmgpu_vm_madvise(fd, &m))
		_exit(4);
	svmgpu_cs_init(&cs, cmd, svmgpu_ptr(cmd), SZ_4K);
	svmgpu_cs_fill(&cs, svmgpu_ptr(p), 0x600d, size);
	svmgpu_cs_end(&cs);
	*fence = 0;

	for (uint64_t i = 1;; i++) {
		__svmgpu_vm_prefetch(fd, vm, svmgpu_ptr(p), size, 0);
		if (i == 1 && write(pipe_fd, "r", 1) != 1)
			_exit(5);
		__svmgpu_vm_prefetch(fd, vm, svmgpu_ptr(p), size,
				     DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM);
		if (__svmgpu_exec_ufence(fd, queue, svmgpu_cs_addr(&cs),
					 svmgpu_cs_bytes(&cs),
					 svmgpu_ptr(fence), i, NULL, 0))
			_exit(6);
		if (__svmgpu_wait_ufence(fd, svmgpu_ptr(fence), i, ~0ull,
					 DRM_SVMGPU_WAIT_EQ,
					 svmgpu_deadline_ns(60ull * 1000000000),
					 queue))
			_exit(7);
		for (size_t off = 0; off < size; off += SZ_64K)
			p[off]++;
	}
}

/*
 * Processes are SIGKILLed while they migrate: nothing leaks (VRAM held
 * by migrated memory goes back to its baseline) and the device works.
 */
static void race_kill(struct svmgpu_svm *svm)
{
	uint64_t base = svmgpu_svm_vram(svm->fd);
	unsigned int round;

	svmgpu_mirror_range(svm->fd, &child_mirror_start, &child_mirror_end);
	for (round = 0; round < 4; round++) {
		int pfd[2], status;
		pid_t pid;
		char c;

		igt_assert_eq(pipe(pfd), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			close(pfd[0]);
			migrating_child(pfd[1]);
		}
		close(pfd[1]);
		c = svmgpu_pipe_recv(pfd[0]);
		igt_assert_eq(c, 'r');
		usleep(5000 + round * 30000);
		igt_assert_eq(kill(pid, SIGKILL), 0);
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		igt_assert_f(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			     "the migrating child ended with status %#x\n",
			     status);
		close(pfd[0]);
	}
	svmgpu_svm_vram_wait(svm->fd, base);
}

static void alarm_handler(int sig)
{
	(void)sig;
}

/*
 * One prefetch, restarted on EINTR until it completes, within 20 s (the
 * whole prefetch takes about 1 s in a TCG guest); counts the restarts.
 */
static void prefetch_restarting(struct svmgpu_svm *svm, void *p, size_t size,
				bool system, unsigned int *restarts)
{
	struct drm_svmgpu_vm_bind_op op = svmgpu_op_prefetch(svmgpu_ptr(p),
		size, system ? DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM : 0);
	struct drm_svmgpu_vm_bind bind = {
		.vm_id = svm->vm, .num_ops = 1, .ops = to_user_pointer(&op),
	};
	struct timespec start = {};

	igt_nsec_elapsed(&start);
	while (ioctl(svm->fd, DRM_IOCTL_SVMGPU_VM_BIND, &bind)) {
		igt_assert_f(errno == EINTR || errno == EAGAIN,
			     "prefetch under signals: %s\n", strerror(errno));
		(*restarts)++;
		igt_assert_f(igt_nsec_elapsed(&start) < 20 * 1000000000ull,
			     "a prefetch restarted %u times makes no progress "
			     "in 20 s\n", *restarts);
	}
}

/*
 * Prefetches of 16 MiB both ways under SIGALRMs as frequent as the first
 * 2 MiB range took to move (measured, with the first fault's overheads):
 * each one interrupted is restarted until it is done, keeping what it
 * moved, so that restarts get further; the memory ends where the last one
 * put it, with its data.
 */
static void race_signals(struct svmgpu_svm *svm)
{
	const size_t size = 16 * SZ_1M;
	struct sigaction sa = { .sa_handler = alarm_handler }, old;
	unsigned int i, restarts = 0;
	struct itimerval timer = {};
	struct timespec start = {};
	struct svmgpu_region r;
	uint8_t *p, *want;
	uint64_t ns;

	p = svmgpu_region_map(&r, size, SZ_2M, MAP_PRIVATE);
	want = pattern_alloc(size, 0x51a);
	memcpy(p, want, size);
	igt_nsec_elapsed(&start);
	svmgpu_svm_prefetch(svm, p, SZ_2M, false);
	ns = igt_nsec_elapsed(&start);
	timer.it_interval.tv_usec = ns / 1000 > 1000 ? ns / 1000 : 1000;
	timer.it_value = timer.it_interval;
	igt_info("a 2 MiB prefetch took %" PRIu64 " us: signals every %ld "
		 "us\n", ns / 1000, (long)timer.it_interval.tv_usec);
	svmgpu_svm_prefetch(svm, p, SZ_2M, true);
	igt_assert_eq(sigaction(SIGALRM, &sa, &old), 0);
	igt_assert_eq(setitimer(ITIMER_REAL, &timer, NULL), 0);
	for (i = 0; i < 5; i++)
		prefetch_restarting(svm, p, size, i & 1, &restarts);
	memset(&timer, 0, sizeof(timer));
	igt_assert_eq(setitimer(ITIMER_REAL, &timer, NULL), 0);
	igt_assert_eq(sigaction(SIGALRM, &old, NULL), 0);

	igt_info("%u prefetches restarted after a signal\n", restarts);
	assert_loc(svm, p, size, LOC_DEVICE, "after interrupted prefetches");
	gpu_check(svm, p, want, size, "GPU read after interrupted prefetches");
	svmgpu_assert_bytes(p, want, size, "CPU read after interrupted prefetches");
	free(want);
	svmgpu_region_unmap(&r);
}

static void test_race(int fd, enum race_case kind)
{
	struct svmgpu_svm svm;
	struct svmgpu_region r;
	uint64_t base;
	uint8_t *p;

	require_migrate(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	base = svmgpu_svm_vram(fd);
	switch (kind) {
	case RACE_CPU_PREFETCH:
	case RACE_TWO_QUEUES:
		p = svmgpu_region_map(&r, RACE_SIZE, SZ_2M, MAP_PRIVATE);
		if (kind == RACE_CPU_PREFETCH)
			race_cpu_prefetch(&svm, p);
		else
			race_two_queues(&svm, p);
		svmgpu_region_unmap(&r);
		break;
	case RACE_MUNMAP:
		race_munmap(&svm);
		break;
	case RACE_KILL:
		race_kill(&svm);
		break;
	case RACE_SIGNALS:
		race_signals(&svm);
		break;
	}
	svmgpu_svm_vram_wait(fd, base);

	/* The VM still migrates and computes. */
	p = svmgpu_region_map(&r, SZ_64K, SZ_64K, MAP_PRIVATE);
	svmgpu_svm_prefetch(&svm, p, SZ_64K, false);
	igt_assert_eq(svmgpu_svm_fill(&svm, p, 0x600d, SZ_64K), 0);
	assert_words(p, SZ_64K, 0x600d, "after the race");
	svmgpu_region_unmap(&r);
	svmgpu_svm_fini(&svm);
}

/* --- Bad input ------------------------------------------------------------ */

enum bad_case { BAD_MADVISE, BAD_QUERY, BAD_PREFETCH };

static const struct {
	const char *name;
	enum bad_case kind;
} bad_cases[] = {
	{ "madvise", BAD_MADVISE },
	{ "query", BAD_QUERY },
	{ "prefetch", BAD_PREFETCH },
};

/* What the bad-input cases share: two VMs, an address, the VA's end. */
struct bad_ctx {
	int fd;
	uint32_t fvm, nvm;
	uint8_t *p;
	uint64_t va_end;
};

/* The madvise @m with one change, expected to give @err. */
#define MADV(err, change) \
	do { \
		struct drm_svmgpu_vm_madvise m_ = good; \
		int ret_; \
		change; \
		ret_ = __svmgpu_vm_madvise(b->fd, &m_); \
		igt_assert_f(ret_ == (err), "madvise with " #change ": %d (%s)," \
			     " expected %d\n", ret_, strerror(-ret_), (err)); \
	} while (0)

static void bad_madvise(struct bad_ctx *b)
{
	const struct drm_svmgpu_vm_madvise good = {
		.vm_id = b->fvm, .addr = svmgpu_ptr(b->p), .range = SZ_64K,
		.preferred_loc = LOC_DEVICE, .atomic_mode = AT_GLOBAL,
	};
	struct drm_svmgpu_user_extension ext = {};
	const struct run before[] = {
		{ 0, 2 * SZ_64K, 0, LOC_NONE, AT_DEVICE, LOC_NONE },
	};
	const struct run want[] = {
		{ 0, SZ_64K, 0, LOC_DEVICE, AT_GLOBAL, LOC_NONE },
		{ SZ_64K, SZ_64K, 0, LOC_NONE, AT_DEVICE, LOC_NONE },
	};
	int closed, pfd[2], null_fd;
	struct svmgpu_svm view = { .fd = b->fd, .vm = b->fvm };
	unsigned int bit;

	igt_assert_eq(pipe(pfd), 0);
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	igt_assert_lte(0, null_fd);
	/* Last: nothing opens a file, and takes its number, after this. */
	closed = dup(b->fd);
	igt_assert_lte(0, closed);
	close(closed);

	MADV(-ENOENT, m_.vm_id = 0);
	MADV(-ENOENT, m_.vm_id = 0xdead);
	MADV(-EINVAL, m_.vm_id = b->nvm);
	MADV(-EINVAL, m_.addr += 1);
	MADV(-EINVAL, m_.addr += SZ_4K / 2);
	MADV(-EINVAL, m_.range += 1);
	MADV(-EINVAL, m_.range = SZ_4K - 512);
	MADV(-EINVAL, m_.range = 0);
	MADV(-EINVAL, m_.addr = 0);
	MADV(-EINVAL, m_.addr = SVMGPU_VA_NULL_GUARD - SZ_4K);
	MADV(-EINVAL, m_.addr = b->va_end - SZ_4K; m_.range = 2 * SZ_4K);
	MADV(-EINVAL, m_.addr = b->va_end);
	MADV(-EINVAL, m_.range = -(uint64_t)SZ_4K);
	MADV(-EINVAL, m_.addr = 1ull << 63);
	MADV(-EINVAL, m_.preferred_loc = LOC_MIXED);
	MADV(-EINVAL, m_.preferred_loc = 4);
	MADV(-EINVAL, m_.preferred_loc = ~0u);
	MADV(-EINVAL, m_.atomic_mode = 3);
	MADV(-EINVAL, m_.atomic_mode = ~0u);
	for (bit = 3; bit < 32; bit++)
		MADV(-EINVAL, m_.flags = 1u << bit);
	MADV(-EINVAL, m_.extensions = to_user_pointer(&ext));
	MADV(-EINVAL, m_.pad = 1);
	MADV(-EINVAL, m_.pad = 1u << 31);
	MADV(-EINVAL, m_.preferred_fd = b->fd);
	MADV(-EINVAL, m_.flags = PREF_FD; m_.preferred_fd = b->fd;
	     m_.preferred_loc = LOC_SYSTEM);
	MADV(-EINVAL, m_.flags = PREF_FD; m_.preferred_fd = b->fd;
	     m_.preferred_loc = LOC_NONE);
	MADV(-EBADF, m_.flags = PREF_FD; m_.preferred_fd = -1);
	MADV(-EBADF, m_.flags = PREF_FD; m_.preferred_fd = closed);
	MADV(-EINVAL, m_.flags = PREF_FD; m_.preferred_fd = pfd[0]);
	MADV(-EINVAL, m_.flags = PREF_FD; m_.preferred_fd = null_fd);
	igt_assert_eq(__svmgpu_ioctl(b->fd, DRM_IOCTL_SVMGPU_VM_MADVISE,
				     from_user_pointer(SZ_4K)), -EFAULT);
	/* Nothing rejected changed anything. */
	assert_runs(&view, b->p, 2 * SZ_64K, 0, before, 1);

	MADV(0, m_.flags = PREF_FD; m_.preferred_fd = b->fd);
	MADV(0, (void)0);
	MADV(0, m_.addr = SVMGPU_VA_NULL_GUARD);
	MADV(0, m_.addr = b->va_end - SZ_4K; m_.range = SZ_4K);
	/* A preferred device that is this one is no PREFERRED_FD run. */
	assert_runs(&view, b->p, 2 * SZ_64K, 0, want, 2);
	if (svmgpu_count_devices() >= 2) {
		int fd1 = drm_open_svmgpu(1);
		struct drm_svmgpu_vm_attr attr;

		MADV(0, m_.flags = PREF_FD; m_.preferred_fd = fd1);
		igt_assert_eq_u32(svmgpu_vm_query_attrs(b->fd, b->fvm,
							good.addr, SZ_4K, 0,
							&attr, 1), 1);
		igt_assert_eq_u32(attr.flags, PREF_FD);
		igt_assert_eq_u32(attr.preferred_loc, LOC_DEVICE);
		close(fd1);
	}

	close(null_fd);
	close(pfd[0]);
	close(pfd[1]);
}

#define QUERY(err, change) \
	do { \
		struct drm_svmgpu_vm_query_attrs q_ = good; \
		int ret_; \
		change; \
		ret_ = __svmgpu_vm_query_attrs(b->fd, &q_); \
		igt_assert_f(ret_ == (err), "query with " #change ": %d (%s)," \
			     " expected %d\n", ret_, strerror(-ret_), (err)); \
	} while (0)

static void bad_query(struct bad_ctx *b)
{
	const size_t max = DRM_SVMGPU_QUERY_ATTRS_MAX;
	struct drm_svmgpu_vm_attr *attrs = calloc(max + 1, sizeof(*attrs));
	const struct drm_svmgpu_vm_query_attrs good = {
		.vm_id = b->fvm, .addr = svmgpu_ptr(b->p), .range = SZ_64K,
		.attrs = to_user_pointer(attrs), .num_attrs = 4,
	};
	struct drm_svmgpu_user_extension ext = {};
	uint8_t *ro = svmgpu_map_anon(SZ_4K, PROT_READ, MAP_PRIVATE);
	uint8_t *gone = svmgpu_map_anon(SZ_4K, PROT_READ, MAP_PRIVATE);
	struct svmgpu_svm view = { .fd = b->fd, .vm = b->fvm };
	unsigned int bit;
	struct svmgpu_ctrs c, d;

	igt_assert(attrs);
	svmgpu_unmap(gone, SZ_4K);
	QUERY(0, (void)0);
	QUERY(-ENOENT, q_.vm_id = 0);
	QUERY(-ENOENT, q_.vm_id = 0xdead);
	QUERY(-EINVAL, q_.vm_id = b->nvm);
	QUERY(-EINVAL, q_.addr += 1);
	QUERY(-EINVAL, q_.range += 2048);
	QUERY(-EINVAL, q_.range = 0);
	QUERY(-EINVAL, q_.addr = 0);
	QUERY(-EINVAL, q_.addr = SVMGPU_VA_NULL_GUARD - SZ_4K);
	QUERY(-EINVAL, q_.addr = b->va_end - SZ_4K; q_.range = 2 * SZ_4K);
	QUERY(-EINVAL, q_.range = -(uint64_t)SZ_4K);
	QUERY(-EINVAL, q_.num_attrs = 0);
	QUERY(-EINVAL, q_.num_attrs = max + 1);
	QUERY(-EINVAL, q_.num_attrs = ~0u);
	for (bit = 1; bit < 32; bit++)
		QUERY(-EINVAL, q_.flags = 1u << bit);
	QUERY(-EINVAL, q_.extensions = to_user_pointer(&ext));
	QUERY(-EINVAL, q_.pad = 1);
	QUERY(-EFAULT, q_.attrs = 0);
	QUERY(-EFAULT, q_.attrs = to_user_pointer(ro));
	QUERY(-EFAULT, q_.attrs = to_user_pointer(gone));
	QUERY(-EFAULT, q_.attrs = 1ull << 63);
	igt_assert_eq(__svmgpu_ioctl(b->fd, DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS,
				     from_user_pointer(SZ_4K)), -EFAULT);
	QUERY(0, q_.num_attrs = max);
	QUERY(0, q_.addr = SVMGPU_VA_NULL_GUARD);
	QUERY(0, q_.addr = b->va_end - SZ_4K; q_.range = SZ_4K);
	QUERY(0, q_.flags = COARSE);

	/* A query faults nothing in and moves nothing back. */
	{
		unsigned char vec[16];

		assert_loc(&view, b->p, SZ_64K, LOC_NONE, "never touched");
		igt_assert_eq(mincore(b->p, SZ_64K, vec), 0);
		for (bit = 0; bit < 16; bit++)
			igt_assert_eq(vec[bit] & 1, 0);
		memset(b->p + SZ_64K, 1, SZ_64K);
		svmgpu_vm_prefetch(b->fd, b->fvm, svmgpu_ptr(b->p) + SZ_64K,
				   SZ_64K, 0);
		c = ctrs_now(b->fd);
		assert_loc(&view, b->p + SZ_64K, SZ_64K, LOC_DEVICE,
			   "prefetched");
		assert_loc(&view, b->p + SZ_64K, SZ_64K, LOC_DEVICE,
			   "prefetched, queried");
		d = svmgpu_ctrs_since(b->fd, &c);
		assert_ctr(d, TO_RAM, ==, 0);
	}
	svmgpu_unmap(ro, SZ_4K);
	free(attrs);
}

/* One OP_PREFETCH with one change, expected to give @err. */
#define PREFETCH(vm, err, change) \
	do { \
		struct drm_svmgpu_vm_bind_op op_ = good; \
		int ret_; \
		change; \
		ret_ = __svmgpu_vm_bind(b->fd, (vm), &op_, 1, NULL, 0); \
		igt_assert_f(ret_ == (err), "prefetch with " #change ": %d " \
			     "(%s), expected %d\n", ret_, strerror(-ret_), \
			     (err)); \
	} while (0)

static void bad_prefetch(struct bad_ctx *b)
{
	const struct drm_svmgpu_vm_bind_op good =
		svmgpu_op_prefetch(svmgpu_ptr(b->p), SZ_64K, 0);
	struct svmgpu_svm view = { .fd = b->fd, .vm = b->fvm };
	struct drm_svmgpu_vm_bind_op ops[2];
	uint32_t pvm = svmgpu_vm_create_fault(b->fd);
	uint8_t *gone = svmgpu_map_anon(2 * SZ_4K, PROT_READ | PROT_WRITE,
					MAP_PRIVATE);
	unsigned int bit;
	struct svmgpu_ctrs c, d;

	/* A page mapped, and the one after it not. */
	gone[0] = 1;
	gone += SZ_4K;
	svmgpu_unmap(gone, SZ_4K);
	/* pvm mirrors only the first 128 KiB of the area. */
	svmgpu_vm_mirror(b->fd, pvm, svmgpu_ptr(b->p), 2 * SZ_64K);
	memset(b->p, 0x3c, 4 * SZ_64K);

	PREFETCH(0xdead, -ENOENT, (void)0);
	PREFETCH(b->nvm, -EINVAL, (void)0);
	PREFETCH(pvm, -EINVAL, op_.addr += 2 * SZ_64K);
	PREFETCH(b->fvm, -EINVAL, op_.addr += 1);
	PREFETCH(b->fvm, -EINVAL, op_.range += 2048);
	PREFETCH(b->fvm, -EINVAL, op_.range = 0);
	PREFETCH(b->fvm, -EINVAL, op_.addr = b->va_end - SZ_4K;
		 op_.range = 2 * SZ_4K);
	PREFETCH(b->fvm, -EINVAL, op_.range = -(uint64_t)SZ_4K);
	PREFETCH(b->fvm, -EINVAL, op_.handle = 1);
	PREFETCH(b->fvm, -EINVAL, op_.bo_offset = SZ_4K);
	PREFETCH(b->fvm, -EINVAL, op_.pad = 1);
	for (bit = 0; bit < 32; bit++)
		if (1u << bit != DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM)
			PREFETCH(b->fvm, -EINVAL, op_.flags = 1u << bit);
	PREFETCH(b->fvm, -EFAULT, op_.addr = svmgpu_ptr(gone));
	PREFETCH(b->fvm, -EFAULT, op_.addr = svmgpu_ptr(gone) - SZ_4K;
		 op_.range = 2 * SZ_4K);
	/* A bad op makes the whole bind fail before anything moves. */
	c = ctrs_now(b->fd);
	ops[0] = good;
	ops[1] = good;
	ops[1].pad = 1;
	igt_assert_eq(__svmgpu_vm_bind(b->fd, b->fvm, ops, 2, NULL, 0),
		      -EINVAL);
	/* A bind with a prefetch has prefetches only. */
	ops[1] = svmgpu_op_unmap(EVICT_BO_VA, SZ_64K);
	igt_assert_eq(__svmgpu_vm_bind(b->fd, b->fvm, ops, 2, NULL, 0),
		      -EINVAL);
	ops[1] = ops[0];
	ops[0] = svmgpu_op_unmap(EVICT_BO_VA, SZ_64K);
	igt_assert_eq(__svmgpu_vm_bind(b->fd, b->fvm, ops, 2, NULL, 0),
		      -EINVAL);
	d = svmgpu_ctrs_since(b->fd, &c);
	igt_assert_eq_u64(to_vram(&d), 0);
	assert_ctr(d, TO_VRAM_PAGES, ==, 0);
	assert_loc(&view, b->p, 4 * SZ_64K, LOC_SYSTEM, "after bad prefetches");

	/* Partly outside the mirror; what is inside may have moved. */
	PREFETCH(pvm, -EINVAL, op_.range = 3 * SZ_64K);
	PREFETCH(pvm, 0, (void)0);
	PREFETCH(b->fvm, 0, op_.addr += 2 * SZ_64K; op_.range = 2 * SZ_64K);
	assert_loc(&view, b->p, SZ_64K, LOC_DEVICE,
		   "prefetched in a partial mirror");
	assert_loc(&view, b->p + 2 * SZ_64K, 2 * SZ_64K, LOC_DEVICE,
		   "prefetched");
	PREFETCH(b->fvm, 0, op_.flags = DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM;
		 op_.range = 4 * SZ_64K);
	assert_loc(&view, b->p, 4 * SZ_64K, LOC_SYSTEM, "prefetched back");
	igt_assert_eq_u64(svmgpu_check_byte(b->p, 4 * SZ_64K, 0x3c),
			  4 * SZ_64K);
	svmgpu_vm_destroy(b->fd, pvm);
	svmgpu_unmap(gone - SZ_4K, SZ_4K);
}

/* Another process holding the file may neither advise, query nor prefetch. */
static void bad_other_process(struct bad_ctx *b)
{
	igt_fork(child, 1) {
		struct drm_svmgpu_vm_madvise m = {
			.vm_id = b->fvm, .addr = svmgpu_ptr(b->p),
			.range = SZ_4K,
		};
		struct drm_svmgpu_vm_attr attr;
		struct drm_svmgpu_vm_query_attrs q = {
			.vm_id = b->fvm, .addr = svmgpu_ptr(b->p),
			.range = SZ_4K, .attrs = to_user_pointer(&attr),
			.num_attrs = 1,
		};

		igt_assert_eq(__svmgpu_vm_madvise(b->fd, &m), -EACCES);
		igt_assert_eq(__svmgpu_vm_query_attrs(b->fd, &q), -EACCES);
		igt_assert_eq(__svmgpu_vm_prefetch(b->fd, b->fvm,
						   svmgpu_ptr(b->p), SZ_4K, 0),
			      -EACCES);
	}
	igt_waitchildren();
}

static void test_bad_input(int fd, enum bad_case kind)
{
	struct bad_ctx b = { .fd = fd };
	uint32_t va_bits;
	struct svmgpu_region r;

	require_migrate(fd);
	va_bits = svmgpu_va_bits(fd);
	b.va_end = va_bits < 64 ? 1ull << va_bits : ~0ull;
	b.fvm = svmgpu_vm_create_fault(fd);
	svmgpu_vm_mirror_all(fd, b.fvm);
	b.nvm = svmgpu_vm_create(fd);
	b.p = svmgpu_region_map(&r, 4 * SZ_64K, SZ_64K, MAP_PRIVATE);

	switch (kind) {
	case BAD_MADVISE:
		bad_madvise(&b);
		break;
	case BAD_QUERY:
		bad_query(&b);
		break;
	case BAD_PREFETCH:
		bad_prefetch(&b);
		break;
	}
	bad_other_process(&b);

	svmgpu_region_unmap(&r);
	svmgpu_vm_destroy(fd, b.nvm);
	svmgpu_vm_destroy(fd, b.fvm);
}

/* --- Unload -------------------------------------------------------------- */

/* Logs what of this process could hold svmgpu: DRM mappings and files. */
static void log_drm_holders(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "/dev/dri") || strstr(line, "svmgpu"))
			igt_info("mapping: %s", line);
	if (f)
		fclose(f);
	for (int fd = 0; fd < 1024; fd++) {
		char link[64], target[256];
		ssize_t len;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		igt_info("fd %d: %s\n", fd, target);
	}
}

/* --- The end of a VM ------------------------------------------------------ */

enum close_kind { CLOSE_VM, CLOSE_FILE, CLOSE_FORK, CLOSE_HEIR };

static const struct close_case {
	const char *name;
	enum close_kind kind;
} close_cases[] = {
	{ "vm-destroy", CLOSE_VM },
	{ "file-close", CLOSE_FILE },
	{ "fork-child", CLOSE_FORK },
	{ "other-vm", CLOSE_HEIR },
};

/*
 * Memory in VRAM when the VM that moved it there dies goes back to system
 * memory at once, intact: on VM_DESTROY, on close() of a file that still
 * holds the VM, and for a fork() child that shares the pages as well. The
 * VRAM is free again by the time the call returns, another VM finds the
 * memory in system memory, and the CPU reads it without a fault. If
 * another VM of the process is using the memory (other-vm), it inherits
 * it: the memory stays in VRAM until that VM dies too.
 */
static void test_close(const struct close_case *cc)
{
	const size_t size = 2 * SZ_2M + SZ_64K + SZ_4K, pages = size / SZ_4K;
	struct svmgpu_svm svm, other;
	struct svmgpu_ctrs c, d;
	int fd, status, pfd[2];
	pid_t child = -1;
	struct svmgpu_region r;
	uint8_t *p, *want;
	uint64_t base;

	require_migrate(svmgpu_fd);
	base = svmgpu_svm_vram(svmgpu_fd);
	fd = drm_open_svmgpu(0);
	svmgpu_svm_init(&svm, fd, POOL);
	p = vram_region(&svm, &r, size, 0xc105e, &want);
	igt_assert_lte_u64(base + size, svmgpu_svm_vram(svmgpu_fd));

	if (cc->kind == CLOSE_FORK) {
		/* The child shares the device pages until it reads them. */
		igt_assert_eq(pipe(pfd), 0);
		child = fork();
		igt_assert(child >= 0);
		if (!child) {
			char go;

			close(pfd[1]);
			if (read(pfd[0], &go, 1) != 1)
				_exit(2);
			_exit(memcmp((const void *)p, want, size) ? 1 : 0);
		}
		close(pfd[0]);
	}

	if (cc->kind == CLOSE_HEIR) {
		/* Another VM of the process maps the same VRAM pages. */
		svmgpu_svm_init(&other, svmgpu_fd, POOL);
		gpu_check(&other, p, want, size, "GPU read by another VM");
		assert_loc(&other, p, size, LOC_DEVICE, "seen by another VM");
	}

	c = ctrs_now(svmgpu_fd);
	if (cc->kind == CLOSE_FILE) {
		/* The VM dies with its file, never destroyed by ioctl. */
		close(fd);
		svm.vm = 0;
		svmgpu_svm_fini(&svm);
	} else {
		svmgpu_svm_fini(&svm);
	}
	d = svmgpu_ctrs_since(svmgpu_fd, &c);

	if (cc->kind == CLOSE_HEIR) {
		assert_ctr(d, EVICTIONS, ==, 0);
		assert_ctr(d, TO_RAM_PAGES, ==, 0);
		assert_loc(&other, p, size, LOC_DEVICE, "inherited");
		gpu_check(&other, p, want, size, "GPU read of inherited memory");
		igt_assert_lte_u64(base + size, svmgpu_svm_vram(svmgpu_fd));
		/* The heir's end moves it back. */
		c = ctrs_now(svmgpu_fd);
		svmgpu_svm_fini(&other);
		d = svmgpu_ctrs_since(svmgpu_fd, &c);
	}
	assert_ctr(d, EVICTIONS, >=, 1);
	assert_ctr(d, EVICTED_PAGES, ==, pages);
	assert_ctr(d, TO_RAM_PAGES, ==, pages);
	assert_ctr(d, COPY_FALLBACKS, ==, 0);
	/* Released before the VM's end returned, not by a worker later. */
	igt_assert_lte_u64(svmgpu_svm_vram(svmgpu_fd), base);

	svmgpu_svm_init(&other, svmgpu_fd, POOL);
	assert_loc(&other, p, size, LOC_SYSTEM, "after the VM's end");
	c = ctrs_now(svmgpu_fd);
	svmgpu_assert_bytes(p, want, size, "CPU read after the VM's end");
	d = svmgpu_ctrs_since(svmgpu_fd, &c);
	assert_ctr(d, CPU_FAULTS, ==, 0);
	gpu_check(&other, p, want, size, "GPU read after the VM's end");

	if (cc->kind == CLOSE_FORK) {
		igt_assert_eq(write(pfd[1], "g", 1), 1);
		close(pfd[1]);
		igt_assert_eq(waitpid(child, &status, 0), child);
		igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status),
			     "the fork() child read wrong data (status %#x)\n",
			     status);
	}
	if (cc->kind != CLOSE_FILE)
		close(fd);
	svmgpu_svm_fini(&other);
	free(want);
	svmgpu_region_unmap(&r);
}

/*
 * Unloading svmgpu after process memory was in its VRAM (its VM's end
 * moved it back already, see test_close()) leaves that memory intact, and
 * the module loads again with its parameters; the memory then migrates as
 * before.
 */
static void test_unload(void)
{
	const size_t size = 2 * SZ_2M + SZ_64K;
	struct svmgpu_svm svm;
	char params[1024];
	struct svmgpu_region r;
	uint8_t *p, *want;
	int i, ret, refcnt;

	require_migrate(svmgpu_fd);
	igt_require_f(svmgpu_module_state() == SVMGPU_MODULE_LOADED,
		      "svmgpu is not a loaded module\n");
	igt_assert_eq(svmgpu_module_params(params, sizeof(params)), 0);

	svmgpu_svm_init(&svm, svmgpu_fd, POOL);
	p = vram_region(&svm, &r, size, 0x0dead, &want);
	svmgpu_svm_fini(&svm);

	/* A devcoredump of a failed job holds the module until dismissed. */
	for (i = 0; i < svmgpu_count_devices(); i++) {
		int dfd = drm_open_svmgpu(i);

		svmgpu_devcoredump_dismiss(dfd);
		close(dfd);
	}
	close(svmgpu_fd);
	svmgpu_fd = -1;
	svmgpu_close_drm_fds();
	/* Files, VMs and jobs of earlier subtests may take a while to go. */
	for (i = 0; i < 100 && svmgpu_module_refcnt() > 0; i++)
		usleep(100 * 1000);
	refcnt = svmgpu_module_refcnt();
	ret = refcnt ? -EBUSY : svmgpu_module_unload();
	if (ret) {
		log_drm_holders();
		svmgpu_fd = drm_open_svmgpu(0);
		igt_skip_on_f(refcnt, "svmgpu is in use (refcnt %d)\n",
			      refcnt);
		igt_assert_f(false, "modprobe -r %s: %d\n",
			     SVMGPU_MODULE_NAME, ret);
	}
	svmgpu_assert_bytes(p, want, size, "memory that was in VRAM at unload");

	ret = svmgpu_module_load(params);
	igt_assert_f(ret == 0, "modprobe %s %s: %d\n", SVMGPU_MODULE_NAME,
		     params, ret);
	igt_assert(svmgpu_wait_devices(svmgpu_param_get_u64("num_devices"),
				       10000));
	svmgpu_fd = drm_open_svmgpu(0);

	svmgpu_svm_init(&svm, svmgpu_fd, POOL);
	assert_loc(&svm, p, size, LOC_SYSTEM, "after the reload");
	svmgpu_svm_prefetch(&svm, p, size, false);
	assert_loc(&svm, p, size, LOC_DEVICE, "prefetched after the reload");
	gpu_check(&svm, p, want, size, "GPU read after the reload");
	svmgpu_assert_bytes(p, want, size, "CPU read after the reload");
	svmgpu_svm_fini(&svm);
	free(want);
	svmgpu_region_unmap(&r);
}

igt_main
{
	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	igt_describe("Ten round trips of 2 MiB + 64 KiB + 4 KiB: prefetch to "
		     "VRAM, GPU write, then a CPU read (CPU faults) or a "
		     "prefetch to system memory moves it back; data, "
		     "location, counters and VRAM use checked each round.");
	igt_subtest_with_dynamic("round-trip") {
		require_migrate(svmgpu_fd);
		igt_dynamic("cpu-fault")
			test_round_trip(svmgpu_fd, false);
		igt_dynamic("prefetch-system")
			test_round_trip(svmgpu_fd, true);
	}

	igt_describe("GPU faults move memory to VRAM only with preferred "
		     "location device and without NO_MIGRATE; prefetches "
		     "move it regardless.");
	igt_subtest_with_dynamic("migrate-on-fault") {
		require_migrate(svmgpu_fd);
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(fault_cases);
		     i++)
			igt_dynamic(fault_cases[i].name)
				test_migrate_on_fault(svmgpu_fd,
						      &fault_cases[i]);
	}

	igt_describe("migrate_hold_ms keeps a range the CPU faulted back out "
		     "of VRAM on GPU faults, not on prefetch; with 0, GPU "
		     "faults move it at once.");
	igt_subtest("migrate-hold")
		test_migrate_hold(svmgpu_fd);

	igt_describe("After prefetches, a job reading and writing the memory "
		     "takes no GPU fault and moves nothing.");
	igt_subtest("prefetch-no-faults")
		test_prefetch_no_faults(svmgpu_fd);

	igt_describe("Never-touched, read-only, shared and holed memory under "
		     "prefetch: what can move moves, the rest stays, a hole "
		     "is -EFAULT, run boundaries are exact, data right.");
	igt_subtest_with_dynamic("mixed-ranges") {
		require_migrate(svmgpu_fd);
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(mixed_cases);
		     i++)
			igt_dynamic(mixed_cases[i].name)
				test_mixed(svmgpu_fd, mixed_cases[i].kind);
	}

	igt_describe("A CPU write to half of a 2 MiB range in VRAM, then GPU "
		     "reads and writes of the whole range: data right.");
	igt_subtest("cpu-fault-half")
		test_cpu_fault_half(svmgpu_fd);

	igt_describe("MADV_DONTNEED of memory in VRAM: location none, GPU and "
		     "CPU read zeros, the VRAM goes back.");
	igt_subtest("madvise-dontneed")
		test_dontneed(svmgpu_fd);

	igt_describe("fork() with memory in VRAM: copy-on-write both ways, "
		     "for the CPU and the GPU of parent and child.");
	igt_subtest("fork-cow")
		test_fork_cow(svmgpu_fd);

	igt_describe("mremap(MREMAP_DONTUNMAP) of memory in VRAM: the data "
		     "moves, still in VRAM; the old range reads zeros.");
	igt_subtest("mremap-dontunmap")
		test_mremap_dontunmap(svmgpu_fd);

	igt_describe("VRAM oversubscribed 2x by SVM ranges and BOs, by one "
		     "malloc larger than VRAM, and by 4 processes: memory in "
		     "VRAM is evicted and every byte survives.");
	igt_subtest_with_dynamic("evict") {
		require_migrate(svmgpu_fd);
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(evict_cases);
		     i++)
			igt_dynamic(evict_cases[i].name)
				test_evict(svmgpu_fd, evict_cases[i].kind);
	}

	igt_describe("get_user_pages() of memory in VRAM: O_DIRECT writes "
		     "and reads, process_vm_readv() and process_vm_writev() "
		     "from a child.");
	igt_subtest_with_dynamic("gup") {
		require_migrate(svmgpu_fd);
		igt_dynamic("o-direct")
			test_gup(svmgpu_fd, true);
		igt_dynamic("process-vm")
			test_gup(svmgpu_fd, false);
	}

	igt_describe("Two devices on the same memory: handed over between "
		     "their VRAMs, PREFERRED_FD, and atomics from both with "
		     "an exact count.");
	igt_subtest_with_dynamic("two-devices") {
		require_migrate(svmgpu_fd);
		igt_dynamic("handover")
			test_two_devices(svmgpu_fd, false);
		igt_dynamic("atomics")
			test_two_devices(svmgpu_fd, true);
	}

	igt_describe("Atomic mode device moves memory on a GPU atomic, global "
		     "keeps it in system memory with exact counts against "
		     "the CPU, cpu makes a GPU atomic an atomic-access fault.");
	igt_subtest_with_dynamic("atomics") {
		require_migrate(svmgpu_fd);
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(atomic_cases);
		     i++)
			igt_dynamic(atomic_cases[i].name)
				test_atomics(svmgpu_fd, atomic_cases[i].kind);
	}

	igt_describe("madvise READONLY: GPU reads work, GPU writes are write "
		     "faults, in system memory and in VRAM, at once.");
	igt_subtest("madvise-readonly")
		test_madvise_readonly(svmgpu_fd);

	igt_describe("VM_QUERY_ATTRS: exact runs after overlapping madvises, "
		     "nothing dropped by the same attributes again, COARSE "
		     "and MIXED, reading the runs a few at a time.");
	igt_subtest_with_dynamic("attributes") {
		require_migrate(svmgpu_fd);
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(attr_cases);
		     i++)
			igt_dynamic(attr_cases[i].name)
				test_attributes(svmgpu_fd, attr_cases[i].kind);
	}

	igt_describe("CPU faults racing prefetches, munmap racing migration, "
		     "two queues faulting one range, SIGKILL during "
		     "migration, prefetches restarted under a signal storm: "
		     "no data loss, VRAM use back to baseline.");
	igt_subtest_with_dynamic("races") {
		require_migrate(svmgpu_fd);
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(race_cases);
		     i++)
			igt_dynamic(race_cases[i].name)
				test_race(svmgpu_fd, race_cases[i].kind);
	}

	igt_describe("VM_MADVISE, VM_QUERY_ATTRS and OP_PREFETCH reject "
		     "every bad field, flag, pad, VM, fd and pointer with the "
		     "documented errno, change nothing, and refuse other "
		     "processes.");
	igt_subtest_with_dynamic("bad-input") {
		require_migrate(svmgpu_fd);
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(bad_cases);
		     i++)
			igt_dynamic(bad_cases[i].name)
				test_bad_input(svmgpu_fd, bad_cases[i].kind);
	}

	igt_describe("When the VM that moved memory to VRAM dies (VM_DESTROY, "
		     "close() of its file), the memory goes back to system "
		     "memory intact, also for a fork() child sharing it, "
		     "and the VRAM is free again.");
	igt_subtest_with_dynamic("vm-end") {
		require_migrate(svmgpu_fd);
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(close_cases);
		     i++)
			igt_dynamic(close_cases[i].name)
				test_close(&close_cases[i]);
	}

	igt_describe("Unloading svmgpu after process memory was in its VRAM "
		     "leaves the memory intact; reloaded, the memory migrates "
		     "again.");
	igt_subtest("unload-reload")
		test_unload();

	igt_fixture {
		svmgpu_restore_migrate_hold_ms();
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
