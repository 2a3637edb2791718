// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_mmap - one CPU mapping for a BO's whole life, while the BO moves
 * between VRAM and system memory: by DRM_IOCTL_SVMGPU_GEM_MIGRATE, by VRAM
 * pressure, under threads that use the mapping meanwhile, with any number
 * of pages mapped per fault, through ptrace and /proc/<pid>/mem (the
 * mapping's vm_access), and around GPU jobs that write the BO.
 *
 * What the uAPI header ("DOC: buffer objects") promises and these tests
 * check: the mapping's pages follow the BO, a CPU access during a move
 * waits for the move, and every move preserves the contents;
 * DRM_IOCTL_SVMGPU_GEM_INFO reports where the BO is and counts its moves.
 * Placements are cross-checked with fdinfo's drm-total-<region>.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_fdinfo.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu CPU mappings of BOs that move between VRAM "
		     "and system memory.");

#define GEM	DRM_SVMGPU_FEATURE_GEM
#define MIGRATE	DRM_SVMGPU_FEATURE_GEM_MIGRATE
#define JOBS	(DRM_SVMGPU_FEATURE_VM | DRM_SVMGPU_FEATURE_EXEC)
#define VRAM	DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM	DRM_SVMGPU_GEM_PLACEMENT_SYSTEM
#define BOTH	SVMGPU_PLACEMENT_BOTH

#define MOVING	DRM_SVMGPU_GEM_STATE_MOVING
#define BUSY	DRM_SVMGPU_GEM_STATE_BUSY

/* one-mapping-many-moves: round trips VRAM -> system -> VRAM. */
#define ROUND_TRIPS	100
#define MANY_MOVES_SIZE	(2 * SZ_1M)

/* moves-by-pressure. */
#define PRESSURE_ROUNDS	5
#define PRESSURE_SIZE	(2 * SZ_1M)
#define FILLER_SIZE	(16 * SZ_1M)
#define PRESSURE_MAX_VRAM	(1ull << 30)

/* racing-moves. */
#define RACE_THREADS	4
#define RACE_SLICE	(256 * 1024ull)
#define RACE_MS		3000
#define RACE_MOVE_GAP_US	2000

/* prefault: a size that is not a multiple of any prefault window. */
#define PREFAULT_PARAM	"fault_prefault"
#define PREFAULT_SIZE	(SZ_2M + 3 * SZ_4K)

#define ACCESS_SIZE	SZ_64K

#define CMD_POOL	SZ_1M
#define GPU_BO_SIZE	SZ_1M

/* migrate-beside-hung-jobs. */
#define BESIDE_SIZE	(4 * SZ_1M)
#define BESIDE_MARKER	0xd0e50000u

static int svmgpu_fd = -1;

/* The prefault parameter as it was before the prefault subtest. */
static uint64_t saved_prefault;
static bool prefault_dirty;

static uint32_t other_placement(uint32_t placement)
{
	return placement == VRAM ? SYSTEM : VRAM;
}

static void *map_bo(int fd, uint32_t handle, uint64_t size)
{
	return svmgpu_bo_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
}

static void assert_pattern(const void *ptr, uint64_t size, uint32_t seed,
			   const char *when)
{
	uint64_t off = svmgpu_check_pattern(ptr, size, seed);

	igt_assert_f(off == size,
		     "%s: word at %#llx of %llu bytes is %#x, expected %#x\n",
		     when, (unsigned long long)off, (unsigned long long)size,
		     ((const uint32_t *)ptr)[off / 4],
		     svmgpu_pattern_word(off / 4, seed));
}

/*
 * Waits until no move of the BO is pending and GEM_INFO has counted at
 * least @moves moves (a move is counted when it completes).
 */
static void wait_bo(int fd, uint32_t handle, uint64_t moves,
		    struct drm_svmgpu_gem_info *info)
{
	struct timespec start = {};
	uint64_t timeout = svmgpu_job_wait_ns();

	igt_nsec_elapsed(&start);
	for (;;) {
		svmgpu_bo_info(fd, handle, info);
		if (!(info->state & MOVING) && info->moves >= moves)
			return;
		igt_assert_f(igt_nsec_elapsed(&start) < timeout,
			     "BO %u: still moving (state %#x, %llu moves, "
			     "waiting for %llu)\n", handle, info->state,
			     (unsigned long long)info->moves,
			     (unsigned long long)moves);
		usleep(1000);
	}
}

/*
 * Once the BO's moves are done, checks that it is in @placement and has
 * moved exactly @moves times.
 */
static void expect_bo(int fd, uint32_t handle, uint32_t placement,
		      uint64_t moves, struct drm_svmgpu_gem_info *out)
{
	struct drm_svmgpu_gem_info info;

	wait_bo(fd, handle, moves, &info);
	igt_assert_f(info.placement == placement,
		     "BO %u is in %s (%#x), expected %s\n", handle,
		     svmgpu_placement_name(info.placement), info.placement,
		     svmgpu_placement_name(placement));
	igt_assert_f(info.moves == moves,
		     "BO %u moved %llu times, expected %llu\n", handle,
		     (unsigned long long)info.moves,
		     (unsigned long long)moves);
	if (out)
		*out = info;
}

/* fdinfo's drm-total-<region> of @fd are exactly these. */
static void expect_totals(int fd, uint64_t vram, uint64_t system)
{
	struct svmgpu_fdinfo info;
	uint64_t v = 0, s = 0;

	svmgpu_fdinfo_read(fd, &info);
	igt_assert_eq(svmgpu_fdinfo_memory(&info, "total", SVMGPU_FDINFO_VRAM,
					   &v), 0);
	igt_assert_eq(svmgpu_fdinfo_memory(&info, "total",
					   SVMGPU_FDINFO_SYSTEM, &s), 0);
	igt_assert_f(v == vram && s == system,
		     "fdinfo: drm-total-vram0 %llu, drm-total-system %llu; "
		     "expected %llu and %llu\n", (unsigned long long)v,
		     (unsigned long long)s, (unsigned long long)vram,
		     (unsigned long long)system);
}

/* --- one-mapping-many-moves ----------------------------------------------- */

static void test_many_moves(void)
{
	const uint64_t size = MANY_MOVES_SIZE;
	struct drm_svmgpu_gem_info info;
	uint32_t handle, seed = 1;
	uint64_t moves = 0;
	unsigned int i;
	uint8_t *ptr;
	int fd;

	svmgpu_require_features(svmgpu_fd, GEM | MIGRATE);
	fd = svmgpu_scratch_open();

	handle = svmgpu_bo_create(fd, size, BOTH, 0);
	ptr = map_bo(fd, handle, size);
	expect_bo(fd, handle, VRAM, 0, &info);
	igt_assert_eq_u32(info.preferred, VRAM);
	igt_assert_eq_u32(info.placements, BOTH);
	igt_assert_eq_u64(info.size, size);
	expect_totals(fd, size, 0);

	svmgpu_fill_pattern(ptr, size, seed);

	/* Asking for where the BO already is moves nothing. */
	svmgpu_bo_migrate(fd, handle, VRAM);
	assert_pattern(ptr, size, seed, "after GEM_MIGRATE to VRAM in VRAM");
	expect_bo(fd, handle, VRAM, 0, NULL);

	for (i = 0; i < 2 * ROUND_TRIPS; i++) {
		uint32_t to = i % 2 ? VRAM : SYSTEM;
		char when[64];

		svmgpu_bo_migrate(fd, handle, to);

		/* The same pointer: its accesses wait for the move. */
		snprintf(when, sizeof(when), "move %u, to %s", i + 1,
			 svmgpu_placement_name(to));
		assert_pattern(ptr, size, seed, when);

		expect_bo(fd, handle, to, ++moves, &info);
		igt_assert_eq_u32(info.preferred, to);
		if (to == VRAM)
			expect_totals(fd, size, 0);
		else
			expect_totals(fd, 0, size);

		svmgpu_fill_pattern(ptr, size, ++seed);
		assert_pattern(ptr, size, seed, when);
	}

	igt_info("%llu moves through one mapping at %p\n",
		 (unsigned long long)moves, ptr);

	igt_assert_eq(munmap(ptr, size), 0);
	svmgpu_gem_close(fd, handle);
	expect_totals(fd, 0, 0);
	svmgpu_scratch_close();
}

/* --- moves-by-pressure ---------------------------------------------------- */

/*
 * Checks that fdinfo's totals are the sums of the sizes of the file's BOs
 * by where GEM_INFO says they are, once their moves are done.
 */
static void expect_totals_of(int fd, const uint32_t *handles,
			     unsigned int count)
{
	uint64_t vram = 0, system = 0;
	unsigned int i;

	for (i = 0; i < count; i++) {
		struct drm_svmgpu_gem_info info;

		wait_bo(fd, handles[i], 0, &info);
		if (info.placement == VRAM)
			vram += info.size;
		else
			system += info.size;
	}
	expect_totals(fd, vram, system);
}

static void test_moves_by_pressure(void)
{
	const uint64_t size = PRESSURE_SIZE;
	struct drm_svmgpu_gem_info info;
	uint32_t *handles, handle, seed = 100;
	unsigned int round, i, fillers;
	uint64_t vram_bo, moves = 0;
	uint8_t *ptr;
	int fd;

	svmgpu_require_features(svmgpu_fd, GEM | MIGRATE);
	/* BOs may use all of VRAM that page tables do not. */
	vram_bo = svmgpu_vram_size(svmgpu_fd);
	igt_assert_f(vram_bo, "vram_size is 0\n");
	igt_require_f(vram_bo <= PRESSURE_MAX_VRAM,
		      "%llu MiB of VRAM is too much to fill %d times\n",
		      (unsigned long long)vram_bo >> 20, PRESSURE_ROUNDS);

	/* Enough to fill VRAM on their own, and then some. */
	fillers = (vram_bo + FILLER_SIZE - 1) / FILLER_SIZE + 1;
	handles = calloc(fillers + 1, sizeof(*handles));
	igt_assert(handles);

	fd = svmgpu_scratch_open();
	handle = svmgpu_bo_create(fd, size, BOTH, 0);
	ptr = map_bo(fd, handle, size);
	expect_bo(fd, handle, VRAM, 0, NULL);
	svmgpu_fill_pattern(ptr, size, seed);

	for (round = 0; round < PRESSURE_ROUNDS; round++) {
		igt_debug("round %u: %u fillers of %llu MiB\n", round, fillers,
			  (unsigned long long)FILLER_SIZE >> 20);

		/*
		 * New VRAM-preferred BOs push out the least recently used
		 * ones: our BO, which no job has used since it last moved,
		 * goes first.
		 */
		for (i = 0; i < fillers; i++)
			handles[i] = svmgpu_bo_create(fd, FILLER_SIZE, BOTH, 0);
		handles[fillers] = handle;

		assert_pattern(ptr, size, seed, "evicted");
		expect_bo(fd, handle, SYSTEM, ++moves, &info);
		igt_assert_f(info.preferred == VRAM,
			     "eviction changed the preferred placement to %#x\n",
			     info.preferred);
		expect_totals_of(fd, handles, fillers + 1);

		/* Written in system memory ... */
		svmgpu_fill_pattern(ptr, size, ++seed);

		for (i = 0; i < fillers; i++)
			svmgpu_gem_close(fd, handles[i]);

		/* ... and back in VRAM by hint, now that there is room. */
		svmgpu_bo_migrate(fd, handle, VRAM);
		assert_pattern(ptr, size, seed, "back in VRAM");
		expect_bo(fd, handle, VRAM, ++moves, NULL);
		expect_totals(fd, size, 0);

		svmgpu_fill_pattern(ptr, size, ++seed);
	}

	free(handles);
	igt_assert_eq(munmap(ptr, size), 0);
	svmgpu_gem_close(fd, handle);
	svmgpu_scratch_close();
}

/* --- racing-moves --------------------------------------------------------- */

/*
 * SIGBUS (or SIGSEGV) on the mapping fails the test rather than killing
 * it: the racer that took it jumps out of its loop and reports it.
 */
static __thread sigjmp_buf race_jmp;
static __thread volatile sig_atomic_t race_armed;
static __thread volatile sig_atomic_t race_sig;
static __thread void *volatile race_sig_addr;

static void race_signal(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;

	if (race_armed) {
		race_armed = 0;
		race_sig = sig;
		race_sig_addr = si->si_addr;
		siglongjmp(race_jmp, 1);
	}

	signal(sig, SIG_DFL);
	raise(sig);
}

struct racer {
	/** @slice: This thread's part of the mapping. */
	uint8_t *slice;
	/** @index: Which thread. */
	unsigned int index;
	/** @stop: Set by the main thread when time is up. */
	volatile bool *stop;

	/* Results. */
	unsigned long rounds;
	uint32_t seed;		/* last pattern written, 0 for none */
	bool failed;
	uint64_t bad_offset;
	uint32_t bad_word, want_word;
	int sig;
	void *sig_addr;
};

/* Checks what it wrote last, writes a new pattern, until told to stop. */
static void *racer_thread(void *arg)
{
	struct racer *r = arg;

	if (sigsetjmp(race_jmp, 1)) {
		r->failed = true;
		r->sig = race_sig;
		r->sig_addr = race_sig_addr;
		return NULL;
	}
	race_armed = 1;

	while (!__atomic_load_n(r->stop, __ATOMIC_ACQUIRE)) {
		uint32_t seed;

		if (r->seed) {
			uint64_t off = svmgpu_check_pattern(r->slice,
							    RACE_SLICE,
							    r->seed);

			if (off != RACE_SLICE) {
				r->failed = true;
				r->bad_offset = off;
				r->bad_word = *(uint32_t *)(r->slice + off);
				r->want_word = svmgpu_pattern_word(off / 4,
								   r->seed);
				break;
			}
		}

		seed = (r->index + 1) << 24 | ((r->rounds + 1) & 0xffffff);
		svmgpu_fill_pattern(r->slice, RACE_SLICE, seed);
		r->seed = seed;
		r->rounds++;
	}

	race_armed = 0;
	return NULL;
}

static void test_racing_moves(void)
{
	const uint64_t size = RACE_THREADS * RACE_SLICE;
	struct sigaction sa = {}, old_bus, old_segv;
	struct racer racers[RACE_THREADS] = {};
	pthread_t threads[RACE_THREADS];
	struct timespec start = {};
	volatile bool stop = false;
	uint64_t migrates = 0;
	uint32_t handle, to = SYSTEM;
	uint8_t *ptr;
	unsigned int i;
	int fd = svmgpu_fd, ret = 0;

	svmgpu_require_features(fd, GEM | MIGRATE);

	handle = svmgpu_bo_create(fd, size, BOTH, 0);
	ptr = map_bo(fd, handle, size);
	expect_bo(fd, handle, VRAM, 0, NULL);

	sa.sa_sigaction = race_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	igt_assert_eq(sigaction(SIGBUS, &sa, &old_bus), 0);
	igt_assert_eq(sigaction(SIGSEGV, &sa, &old_segv), 0);

	for (i = 0; i < RACE_THREADS; i++) {
		racers[i].slice = ptr + i * RACE_SLICE;
		racers[i].index = i;
		racers[i].stop = &stop;
		igt_assert_eq(pthread_create(&threads[i], NULL, racer_thread,
					     &racers[i]), 0);
	}

	/* Moves back and forth while the threads use the mapping. */
	igt_nsec_elapsed(&start);
	while (igt_nsec_elapsed(&start) < RACE_MS * 1000000ull) {
		ret = __svmgpu_bo_migrate(fd, handle, to, 0);
		if (ret)
			break;
		migrates++;
		to = other_placement(to);
		usleep(RACE_MOVE_GAP_US);
	}

	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < RACE_THREADS; i++)
		igt_assert_eq(pthread_join(threads[i], NULL), 0);
	igt_assert_eq(sigaction(SIGBUS, &old_bus, NULL), 0);
	igt_assert_eq(sigaction(SIGSEGV, &old_segv, NULL), 0);

	igt_assert_f(ret == 0, "GEM_MIGRATE %llu: %s\n",
		     (unsigned long long)migrates + 1, strerror(-ret));
	for (i = 0; i < RACE_THREADS; i++) {
		struct racer *r = &racers[i];

		igt_info("thread %u: %lu rounds\n", i, r->rounds);
		igt_assert_f(!r->sig,
			     "thread %u: signal %d (%s) at %p, offset %#llx "
			     "of the mapping\n", i, r->sig, strsignal(r->sig),
			     r->sig_addr,
			     (unsigned long long)((uint8_t *)r->sig_addr - ptr));
		igt_assert_f(!r->failed,
			     "thread %u, round %lu: word at %#llx of its slice "
			     "is %#x, expected %#x\n", i, r->rounds,
			     (unsigned long long)r->bad_offset, r->bad_word,
			     r->want_word);
		igt_assert_f(r->rounds > 0, "thread %u made no progress\n", i);
	}
	igt_info("%llu moves\n", (unsigned long long)migrates);
	igt_assert_lte_u64(2, migrates);

	/* Every move was a real one: each went to the other placement. */
	expect_bo(fd, handle, other_placement(to), migrates, NULL);
	for (i = 0; i < RACE_THREADS; i++)
		assert_pattern(racers[i].slice, RACE_SLICE, racers[i].seed,
			       "after the race");

	igt_assert_eq(munmap(ptr, size), 0);
	svmgpu_gem_close(fd, handle);
}

/* --- prefault ------------------------------------------------------------- */

static int prefault_write(uint64_t val)
{
	char path[256], buf[32];
	int fd, len, ret = 0;

	snprintf(path, sizeof(path), SVMGPU_PARAM_DIR "/" PREFAULT_PARAM);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)val);
	if (write(fd, buf, len) != len)
		ret = -errno;
	close(fd);

	return ret;
}

static void prefault_restore(void)
{
	if (!prefault_dirty)
		return;
	if (prefault_write(saved_prefault))
		igt_warn("cannot restore %s to %llu\n", PREFAULT_PARAM,
			 (unsigned long long)saved_prefault);
	prefault_dirty = false;
}

/* Checks then rewrites every page, one page at a time, in @order. */
static void pages_check_write(uint8_t *ptr, uint64_t size, uint32_t seed,
			      uint32_t new_seed, const unsigned int *order)
{
	unsigned int pages = size / SZ_4K, i;
	uint32_t *expect = malloc(size);

	igt_assert(expect);
	svmgpu_fill_pattern(expect, size, seed);
	for (i = 0; i < pages; i++) {
		uint64_t off = (uint64_t)order[i] * SZ_4K;

		igt_assert_f(!memcmp(ptr + off, (uint8_t *)expect + off, SZ_4K),
			     "page %u differs (seed %#x)\n", order[i], seed);
	}

	svmgpu_fill_pattern(expect, size, new_seed);
	for (i = 0; i < pages; i++) {
		uint64_t off = (uint64_t)order[i] * SZ_4K;

		memcpy(ptr + off, (uint8_t *)expect + off, SZ_4K);
	}
	free(expect);
}

static void test_prefault(int fd, unsigned int pages_per_fault)
{
	const uint64_t size = PREFAULT_SIZE;
	const unsigned int pages = size / SZ_4K;
	const unsigned int prefix = 5;
	unsigned int *reverse, *stride, i;
	uint32_t handle, seed = 1;
	uint64_t moves = 0, val;
	uint8_t *ptr, *part;
	int ret;

	ret = prefault_write(pages_per_fault);
	igt_assert_f(ret == 0, "cannot set %s to %u: %s\n", PREFAULT_PARAM,
		     pages_per_fault, strerror(-ret));
	igt_assert_eq(svmgpu_param_u64(PREFAULT_PARAM, &val), 0);
	igt_assert_eq_u64(val, pages_per_fault);

	/* Page orders: backwards, and by a stride coprime with the count. */
	reverse = calloc(pages, sizeof(*reverse));
	stride = calloc(pages, sizeof(*stride));
	igt_assert(reverse && stride);
	for (i = 0; i < pages; i++) {
		reverse[i] = pages - 1 - i;
		stride[i] = (uint64_t)i * 7 % pages;
	}
	igt_assert(pages % 7);

	handle = svmgpu_bo_create(fd, size, BOTH, 0);
	ptr = map_bo(fd, handle, size);
	/* A prefix mapping too: a fault near its end maps nothing beyond. */
	part = mmap(NULL, prefix * SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, svmgpu_bo_mmap_offset(fd, handle));
	igt_assert(part != MAP_FAILED);
	expect_bo(fd, handle, VRAM, 0, NULL);

	svmgpu_fill_pattern(ptr, size, seed);
	for (i = 0; i < 2 * 3; i++) {
		uint32_t to = i % 2 ? VRAM : SYSTEM;
		const unsigned int *order = i % 3 ? stride : reverse;

		svmgpu_bo_migrate(fd, handle, to);
		/* Faults start in the prefix mapping, at its last page. */
		igt_assert(!memcmp(part + (prefix - 1) * SZ_4K,
				   ptr + (prefix - 1) * SZ_4K, SZ_4K));
		pages_check_write(ptr, size, seed, seed + 1, order);
		seed++;
		expect_bo(fd, handle, to, ++moves, NULL);
		assert_pattern(ptr, size, seed, svmgpu_placement_name(to));
		assert_pattern(part, prefix * SZ_4K, seed, "prefix mapping");
	}

	igt_assert_eq(munmap(part, prefix * SZ_4K), 0);
	igt_assert_eq(munmap(ptr, size), 0);
	svmgpu_gem_close(fd, handle);
	free(reverse);
	free(stride);
}

/* --- vm-access ------------------------------------------------------------ */

static void mem_pread(int memfd, void *buf, uint64_t len, const void *addr)
{
	ssize_t n = pread(memfd, buf, len, (off_t)(uintptr_t)addr);

	igt_assert_f(n == (ssize_t)len,
		     "pread of %llu bytes at %p through /proc/self/mem: %zd (%s)\n",
		     (unsigned long long)len, addr, n, n < 0 ? strerror(errno) : "short");
}

static void mem_pwrite(int memfd, const void *buf, uint64_t len, void *addr)
{
	ssize_t n = pwrite(memfd, buf, len, (off_t)(uintptr_t)addr);

	igt_assert_f(n == (ssize_t)len,
		     "pwrite of %llu bytes at %p through /proc/self/mem: %zd (%s)\n",
		     (unsigned long long)len, addr, n, n < 0 ? strerror(errno) : "short");
}

/* Words that the ptrace part pokes: one per page, at varying offsets. */
static uint64_t poke_offset(unsigned int page)
{
	return page * SZ_4K + ((page * 328) % SZ_4K & ~7ull);
}

static uint64_t poke_value(unsigned int page)
{
	return 0xc0ffee0000000000ull | page;
}

struct ptrace_result {
	int peek_errno;		/* errno of a failed PEEKDATA */
	int poke_errno;		/* errno of a failed POKEDATA */
	uint64_t bad_offset;	/* first word that differed */
	uint64_t got, want;
	bool mismatch;
	int status;		/* the child's exit status */
};

/*
 * A child that inherits the mapping stops itself under ptrace; the parent
 * reads every word of the child's view of the BO with PEEKDATA and pokes
 * one word per page with POKEDATA. Results are gathered first and
 * asserted after the child is gone, so a failure never leaves it stopped.
 */
static void ptrace_child_access(uint8_t *ptr, uint64_t size,
				const uint8_t *expect, struct ptrace_result *res)
{
	unsigned int page;
	uint64_t off;
	pid_t pid;
	int status;

	memset(res, 0, sizeof(*res));

	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(1);
		raise(SIGSTOP);
		_exit(0);
	}

	igt_assert_eq(waitpid(pid, &status, 0), pid);
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		igt_assert_f(false, "child did not stop under ptrace: %#x\n",
			     status);
	}

	for (off = 0; off < size; off += 8) {
		uint64_t want, got;

		errno = 0;
		got = ptrace(PTRACE_PEEKDATA, pid, ptr + off, NULL);
		if (errno) {
			res->peek_errno = errno;
			res->bad_offset = off;
			break;
		}
		memcpy(&want, expect + off, 8);
		if (got != want) {
			res->mismatch = true;
			res->bad_offset = off;
			res->got = got;
			res->want = want;
			break;
		}
	}

	for (page = 0; page < size / SZ_4K && !res->poke_errno; page++)
		if (ptrace(PTRACE_POKEDATA, pid, ptr + poke_offset(page),
			   (void *)(uintptr_t)poke_value(page))) {
			res->poke_errno = errno;
			res->bad_offset = poke_offset(page);
		}

	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	res->status = status;
}

static void test_vm_access(int fd, uint32_t placement)
{
	const uint64_t size = ACCESS_SIZE;
	struct ptrace_result res;
	uint8_t *ptr, *buf, *expect;
	uint64_t moves = 0;
	unsigned int page;
	uint32_t handle;
	int memfd;

	handle = svmgpu_bo_create(fd, size, BOTH, 0);
	ptr = map_bo(fd, handle, size);
	if (placement != VRAM) {
		svmgpu_bo_migrate(fd, handle, placement);
		moves++;
	}
	expect_bo(fd, handle, placement, moves, NULL);

	buf = malloc(size);
	expect = malloc(size);
	igt_assert(buf && expect);
	memfd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	igt_assert_fd(memfd);

	/* Before the CPU ever faulted on it: a new BO reads as zero. */
	memset(buf, 0xa5, size);
	mem_pread(memfd, buf, size, ptr);
	igt_assert_eq_u64(svmgpu_check_byte(buf, size, 0), size);

	/* Written through /proc/self/mem, read through the mapping. */
	svmgpu_fill_pattern(expect, size, 0x1111);
	mem_pwrite(memfd, expect, size, ptr);
	assert_pattern(ptr, size, 0x1111, "written through /proc/self/mem");

	/* Unaligned, across a page boundary, both ways. */
	memset(buf, 0x3c, 100);
	mem_pwrite(memfd, buf, 100, ptr + SZ_4K - 37);
	igt_assert_eq_u64(svmgpu_check_byte(ptr + SZ_4K - 37, 100, 0x3c), 100);
	memcpy(expect + SZ_4K - 37, buf, 100);
	igt_assert(!memcmp(ptr, expect, size));
	mem_pread(memfd, buf, 3 * SZ_4K + 5, ptr + SZ_4K - 3);
	igt_assert(!memcmp(buf, expect + SZ_4K - 3, 3 * SZ_4K + 5));
	expect_bo(fd, handle, placement, moves, NULL);

	/* A forked tracer's PEEKDATA and POKEDATA on the shared mapping. */
	svmgpu_fill_pattern(ptr, size, 0x2222);
	svmgpu_fill_pattern(expect, size, 0x2222);
	ptrace_child_access(ptr, size, expect, &res);
	igt_assert_f(!res.peek_errno, "PTRACE_PEEKDATA at +%#llx: %s\n",
		     (unsigned long long)res.bad_offset,
		     strerror(res.peek_errno));
	igt_assert_f(!res.mismatch,
		     "PTRACE_PEEKDATA at +%#llx: %#llx, expected %#llx\n",
		     (unsigned long long)res.bad_offset,
		     (unsigned long long)res.got,
		     (unsigned long long)res.want);
	igt_assert_f(!res.poke_errno, "PTRACE_POKEDATA at +%#llx: %s\n",
		     (unsigned long long)res.bad_offset,
		     strerror(res.poke_errno));
	igt_assert_f(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0,
		     "traced child: status %#x\n", res.status);

	/* The pokes are in the BO, so in this process's mapping too. */
	for (page = 0; page < size / SZ_4K; page++) {
		uint64_t v = poke_value(page);

		memcpy(expect + poke_offset(page), &v, 8);
	}
	igt_assert_f(!memcmp(ptr, expect, size),
		     "the mapping does not show what the tracer poked\n");
	expect_bo(fd, handle, placement, moves, NULL);

	/*
	 * Right after GEM_MIGRATE, with the move maybe in flight and no
	 * CPU access since: /proc/self/mem waits for the move too.
	 */
	svmgpu_bo_migrate(fd, handle, other_placement(placement));
	memset(buf, 0, size);
	mem_pread(memfd, buf, size, ptr);
	igt_assert(!memcmp(buf, expect, size));
	expect_bo(fd, handle, other_placement(placement), ++moves, NULL);

	svmgpu_bo_migrate(fd, handle, placement);
	svmgpu_fill_pattern(expect, size, 0x3333);
	mem_pwrite(memfd, expect, size, ptr);
	assert_pattern(ptr, size, 0x3333, "written during a move");
	expect_bo(fd, handle, placement, ++moves, NULL);

	close(memfd);
	free(buf);
	free(expect);
	igt_assert_eq(munmap(ptr, size), 0);
	svmgpu_gem_close(fd, handle);
}

/* --- GPU jobs ------------------------------------------------------------- */

/* A context, a queue on engine 0, and a BO that may live anywhere. */
struct env {
	struct svmgpu_ctx ctx;
	struct svmgpu_buf data;
	uint32_t queue;
};

static void env_init(struct env *env, int fd, uint64_t size)
{
	svmgpu_require_features(fd, GEM | MIGRATE | JOBS);
	svmgpu_ctx_init(&env->ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&env->ctx, &env->data, size, BOTH);
	env->queue = svmgpu_queue_create(fd, env->ctx.vm, 0);
}

static void env_fini(struct env *env)
{
	svmgpu_queue_destroy(env->ctx.fd, env->queue);
	svmgpu_buf_destroy(&env->data);
	svmgpu_ctx_fini(&env->ctx);
}

static void run_ok(struct env *env, struct svmgpu_cs *cs)
{
	int ret = svmgpu_run(env->ctx.fd, env->queue, cs);

	igt_assert_f(ret == 0, "job failed: %d (%s)\n", ret, strerror(-ret));
}

static void check_fill(const void *ptr, uint64_t size, uint32_t pattern,
		       const char *when)
{
	const uint32_t *w = ptr;
	uint64_t i;

	for (i = 0; i < size / 4; i++)
		igt_assert_f(w[i] == pattern,
			     "%s: word at %#llx is %#x, expected %#x\n", when,
			     (unsigned long long)i * 4, w[i], pattern);
}

/*
 * A job fills the BO where it is (@from); the CPU reads it after a move
 * to the other placement. Then the CPU writes it, it moves back, and a
 * job submitted right after GEM_MIGRATE copies it out: the job waits for
 * the move.
 */
static void test_gpu_write_then_cpu(int fd, uint32_t from)
{
	const uint64_t size = GPU_BO_SIZE;
	const uint32_t pattern = 0x5eed0000 | from;
	uint32_t to = other_placement(from);
	struct svmgpu_buf copy;
	struct svmgpu_cs cs;
	uint64_t moves = 0;
	struct env env;
	uint32_t h;

	env_init(&env, fd, size);
	h = env.data.handle;
	if (from != VRAM) {
		svmgpu_bo_migrate(fd, h, from);
		moves++;
	}
	expect_bo(fd, h, from, moves, NULL);

	svmgpu_ctx_cs(&env.ctx, &cs, 256);
	svmgpu_cs_fill(&cs, svmgpu_buf_gpu(&env.data, 0), pattern, size);
	svmgpu_cs_end(&cs);
	run_ok(&env, &cs);
	/* The job used the BO where it preferred to be. */
	expect_bo(fd, h, from, moves, NULL);

	svmgpu_bo_migrate(fd, h, to);
	check_fill(env.data.map, size, pattern, "GPU FILL, then a move");
	expect_bo(fd, h, to, ++moves, NULL);

	/* CPU writes, the BO moves back, a job copies it at once. */
	svmgpu_ctx_buf(&env.ctx, &copy, size, SYSTEM);
	svmgpu_fill_pattern(env.data.map, size, 0xabc);
	svmgpu_bo_migrate(fd, h, from);
	svmgpu_ctx_cs(&env.ctx, &cs, 256);
	svmgpu_cs_copy(&cs, svmgpu_buf_gpu(&env.data, 0),
		       svmgpu_buf_gpu(&copy, 0), size);
	svmgpu_cs_end(&cs);
	run_ok(&env, &cs);
	assert_pattern(copy.map, size, 0xabc, "GPU COPY right after a move");
	assert_pattern(env.data.map, size, 0xabc, "CPU after the move");
	expect_bo(fd, h, from, ++moves, NULL);

	svmgpu_buf_destroy(&copy);
	env_fini(&env);
}

struct migrator {
	int fd;
	uint32_t handle;
	uint32_t placement;
	int ret;
	bool done;
};

static void *migrate_thread(void *arg)
{
	struct migrator *m = arg;

	m->ret = __svmgpu_bo_migrate(m->fd, m->handle, m->placement, 0);
	__atomic_store_n(&m->done, true, __ATOMIC_RELEASE);

	return NULL;
}

/*
 * GEM_MIGRATE of a BO that a running job writes: the ioctl waits for the
 * job before it queues the move, and the job's writes arrive in the new
 * placement.
 */
static void test_migrate_busy(int fd, uint32_t to)
{
	const uint64_t size = GPU_BO_SIZE;
	const unsigned int hold_ms = svmgpu_hold_ms(200);
	const uint32_t fill = 0xf111f111;
	struct drm_svmgpu_gem_info info;
	struct svmgpu_gate gate;
	struct migrator m;
	struct svmgpu_cs cs;
	struct timespec start = {};
	pthread_t thread;
	uint64_t moves = 0;
	uint32_t from = other_placement(to), out, h;
	const uint32_t *words;
	struct env env;
	bool returned;
	uint64_t i;
	int ret;

	env_init(&env, fd, size);
	h = env.data.handle;
	if (from != VRAM) {
		svmgpu_bo_migrate(fd, h, from);
		moves++;
	}
	svmgpu_fill_pattern(env.data.map, size, 0x77);
	expect_bo(fd, h, from, moves, NULL);

	svmgpu_gate_init(&gate, &env.ctx);
	out = svmgpu_syncobj_create(fd, 0);
	svmgpu_ctx_cs(&env.ctx, &cs, 256);
	svmgpu_gate_emit(&gate, &cs);
	svmgpu_cs_fill(&cs, svmgpu_buf_gpu(&env.data, 0), fill, size / 2);
	svmgpu_cs_write32(&cs, svmgpu_buf_gpu(&env.data, size - 4), 0xfeedf00d);
	svmgpu_cs_end(&cs);
	svmgpu_submit(fd, env.queue, &cs, out);
	svmgpu_gate_wait_arrived(&gate);

	svmgpu_bo_info(fd, h, &info);
	igt_assert_f(info.state & BUSY,
		     "a job holds the BO, but its state is %#x\n", info.state);

	/*
	 * In a thread: GEM_MIGRATE waits for the jobs that use the BO, so it
	 * must still be waiting while the job is held at the gate.
	 */
	m = (struct migrator) { .fd = fd, .handle = h, .placement = to };
	igt_assert_eq(pthread_create(&thread, NULL, migrate_thread, &m), 0);
	igt_nsec_elapsed(&start);
	while (!(returned = __atomic_load_n(&m.done, __ATOMIC_ACQUIRE)) &&
	       igt_nsec_elapsed(&start) < hold_ms * 1000000ull)
		usleep(1000);
	svmgpu_bo_info(fd, h, &info);
	igt_assert(svmgpu_syncobj_busy(fd, out, 0));
	igt_assert_eq_u64(info.moves, moves);
	igt_assert_eq_u32(info.placement, from);

	svmgpu_gate_open(&gate);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	igt_assert_f(!returned, "GEM_MIGRATE returned while a job that "
		     "writes the BO was still held (%s)\n", strerror(-m.ret));
	igt_assert_f(m.ret == 0, "GEM_MIGRATE of a busy BO: %s\n",
		     strerror(-m.ret));
	ret = svmgpu_wait_job(fd, out);
	igt_assert_f(ret == 0, "job failed: %s\n", strerror(-ret));

	/* The job's writes, and the CPU's data it did not overwrite. */
	check_fill(env.data.map, size / 2, fill, "job's FILL after the move");
	words = env.data.map;
	for (i = size / 8; i < size / 4 - 1; i++)
		igt_assert_f(words[i] == svmgpu_pattern_word(i, 0x77),
			     "word at %#llx is %#x, expected %#x\n",
			     (unsigned long long)i * 4, words[i],
			     svmgpu_pattern_word(i, 0x77));
	igt_assert_eq_u32(words[size / 4 - 1], 0xfeedf00d);
	expect_bo(fd, h, to, ++moves, &info);
	igt_assert_eq_u32(info.state & (MOVING | BUSY), 0);

	svmgpu_syncobj_destroy(fd, out);
	svmgpu_gate_fini(&gate);
	env_fini(&env);
}

/*
 * The kernel's own copies (the clear of a new VRAM BO, and moves both
 * ways) never wait behind a user job: they run on a copy engine that user
 * queues cannot reach. A job held at a gate on every user engine must
 * still be held after a BO was created in VRAM, moved to system memory
 * and back, and read by the CPU after each move; each CPU read waits for
 * its move's copy.
 *
 * Had a copy been queued behind a held job, it could only have run once
 * the job timeout reset that job, whose fence would then be signalled
 * (with -ETIME) by the time the reads return. So the check is on the
 * fences, not on how long the copies took.
 */
static void test_migrate_beside_hung_jobs(void)
{
	const uint64_t size = BESIDE_SIZE;
	volatile uint32_t *arrived, *markers;
	uint32_t *queues, *outs, engines, h, e;
	struct svmgpu_buf flags;
	struct svmgpu_gate gate;
	struct timespec held = {};
	struct svmgpu_ctx ctx;
	uint64_t held_ms;
	uint8_t *ptr;
	int fd, ret;

	svmgpu_require_features(svmgpu_fd, GEM | MIGRATE | JOBS);
	igt_require_f(svmgpu_vram_size(svmgpu_fd) >= 2 * size,
		      "%llu MiB of VRAM is too little\n",
		      (unsigned long long)svmgpu_vram_size(svmgpu_fd) >> 20);

	/* A file of its own: a failure leaves the held jobs in it alone. */
	fd = svmgpu_scratch_open();
	engines = svmgpu_num_engines(fd);
	igt_assert_lte_u32(1, engines);
	igt_assert_f(engines <= SZ_4K / 8, "%u engines\n", engines);
	queues = calloc(engines, sizeof(*queues));
	outs = calloc(engines, sizeof(*outs));
	igt_assert(queues && outs);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_gate_init(&gate, &ctx);

	/*
	 * Per engine, a word its job writes before it waits at the gate,
	 * and a marker it writes once through the gate. The gate's own
	 * "arrived" word cannot tell which of the jobs got there.
	 */
	svmgpu_ctx_buf(&ctx, &flags, SZ_4K, SYSTEM);
	arrived = svmgpu_buf_cpu(&flags, 0);
	markers = svmgpu_buf_cpu(&flags, SZ_4K / 2);
	memset(flags.map, 0, SZ_4K);

	for (e = 0; e < engines; e++) {
		struct svmgpu_cs cs;

		queues[e] = svmgpu_queue_create(fd, ctx.vm, e);
		outs[e] = svmgpu_syncobj_create(fd, 0);

		svmgpu_ctx_cs(&ctx, &cs, 256);
		svmgpu_cs_write32(&cs, svmgpu_buf_gpu(&flags, 4 * e), 1);
		svmgpu_gate_emit(&gate, &cs);
		svmgpu_cs_write32(&cs,
				  svmgpu_buf_gpu(&flags, SZ_4K / 2 + 4 * e),
				  BESIDE_MARKER | e);
		svmgpu_cs_end(&cs);
		svmgpu_submit(fd, queues[e], &cs, outs[e]);
	}

	/*
	 * Every job has written its word on its engine and is now in the
	 * WAIT_MEM: every user engine is busy until the CPU opens the gate.
	 */
	for (e = 0; e < engines; e++) {
		igt_assert_f(svmgpu_poll_u32(&arrived[e], 1,
					     svmgpu_job_wait_ns()),
			     "the job on engine %u never reached the gate\n",
			     e);
		igt_assert_f(svmgpu_syncobj_busy(fd, outs[e], 0),
			     "the job on engine %u completed at the gate "
			     "(status %d)\n", e,
			     svmgpu_syncobj_status(fd, outs[e]));
	}
	igt_nsec_elapsed(&held);

	/*
	 * The BO is in no VM, so no job's fence is on it: GEM_MIGRATE has
	 * no reason to wait, and only a copy stuck behind a job could.
	 */
	h = svmgpu_bo_create(fd, size, BOTH, 0);
	ptr = map_bo(fd, h, size);
	svmgpu_fill_pattern(ptr, size, 0xbe51de);
	expect_bo(fd, h, VRAM, 0, NULL);

	svmgpu_bo_migrate(fd, h, SYSTEM);
	assert_pattern(ptr, size, 0xbe51de, "moved to system, engines held");
	expect_bo(fd, h, SYSTEM, 1, NULL);

	svmgpu_bo_migrate(fd, h, VRAM);
	assert_pattern(ptr, size, 0xbe51de, "moved to VRAM, engines held");
	expect_bo(fd, h, VRAM, 2, NULL);

	held_ms = igt_nsec_elapsed(&held) / 1000000;
	igt_info("%u engine(s) held; the clear and both moves of %llu MiB "
		 "done in %llu ms (job_timeout_ms %d)\n", engines,
		 (unsigned long long)size >> 20, (unsigned long long)held_ms,
		 svmgpu_job_timeout_ms());

	for (e = 0; e < engines; e++) {
		igt_assert_f(svmgpu_syncobj_busy(fd, outs[e], 0),
			     "the job held on engine %u completed (status %d) "
			     "while the kernel copied a BO, %llu ms after it "
			     "was held: a copy waited for a user job and ran "
			     "only once that job was reset\n", e,
			     svmgpu_syncobj_status(fd, outs[e]),
			     (unsigned long long)held_ms);
		igt_assert_f(markers[e] == 0,
			     "the job on engine %u went through a closed "
			     "gate\n", e);
	}

	svmgpu_gate_open(&gate);
	for (e = 0; e < engines; e++) {
		ret = svmgpu_wait_job(fd, outs[e]);
		igt_assert_f(ret == 0, "the job on engine %u failed: %s\n",
			     e, strerror(-ret));
		igt_assert_f(markers[e] == (BESIDE_MARKER | e),
			     "the job on engine %u wrote %#x, expected %#x\n",
			     e, markers[e], BESIDE_MARKER | e);
	}

	igt_assert_eq(munmap(ptr, size), 0);
	svmgpu_gem_close(fd, h);
	for (e = 0; e < engines; e++) {
		svmgpu_syncobj_destroy(fd, outs[e]);
		svmgpu_queue_destroy(fd, queues[e]);
	}
	free(outs);
	free(queues);
	svmgpu_buf_destroy(&flags);
	svmgpu_gate_fini(&gate);
	svmgpu_ctx_fini(&ctx);
	svmgpu_scratch_close();
}

igt_main
{
	static const struct {
		const char *name;
		uint32_t placement;
	} placements[] = {
		{ "vram", VRAM },
		{ "system", SYSTEM },
	};
	static const unsigned int prefaults[] = { 1, 16, 512 };

	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	igt_describe("Write through one mmap, move the BO VRAM -> system -> "
		     "VRAM 100 times by GEM_MIGRATE, and after each move read "
		     "back and rewrite through the same pointer; GEM_INFO and "
		     "fdinfo's drm-total-vram0/system follow every move.");
	igt_subtest("one-mapping-many-moves")
		test_many_moves();

	igt_describe("VRAM-preferred BOs that fill VRAM evict a mapped BO to "
		     "system memory; GEM_MIGRATE brings it back; the mapping "
		     "keeps its data throughout, 5 times over.");
	igt_subtest("moves-by-pressure")
		test_moves_by_pressure();

	igt_describe("Threads read, check and rewrite their slices of one "
		     "mapping while the BO moves back and forth for 3 "
		     "seconds: no data is lost, no SIGBUS, every move counted.");
	igt_subtest("racing-moves")
		test_racing_moves();

	igt_describe("With the fault_prefault module parameter at 1, 16 and "
		     "512 pages, mappings of a whole BO and of a prefix of it "
		     "read and write correctly in both placements, faulting "
		     "in backwards and strided orders.");
	igt_subtest_with_dynamic("prefault") {
		int ret;

		svmgpu_require_features(svmgpu_fd, GEM | MIGRATE);
		ret = svmgpu_param_u64(PREFAULT_PARAM, &saved_prefault);
		igt_require_f(ret == 0, "no %s module parameter: %s\n",
			      PREFAULT_PARAM, strerror(-ret));
		ret = prefault_write(saved_prefault);
		igt_require_f(ret == 0, "%s is not writable: %s\n",
			      PREFAULT_PARAM, strerror(-ret));
		prefault_dirty = true;

		for (volatile unsigned int i = 0; i < ARRAY_SIZE(prefaults); i++)
			igt_dynamic_f("pages-%u", prefaults[i])
				test_prefault(svmgpu_fd, prefaults[i]);

		prefault_restore();
	}

	for (volatile unsigned int p = 0; p < ARRAY_SIZE(placements); p++) {
		igt_describe_f("With the BO in %s, /proc/self/mem (before any "
			       "CPU fault, unaligned, across pages, during a "
			       "move) and a forked tracer's PTRACE_PEEKDATA/"
			       "POKEDATA read and write it through the "
			       "mapping's vm_access; the BO stays where it "
			       "is.", svmgpu_placement_name(placements[p].placement));
		igt_subtest_f("vm-access-%s", placements[p].name) {
			svmgpu_require_features(svmgpu_fd, GEM | MIGRATE);
			test_vm_access(svmgpu_fd, placements[p].placement);
		}
	}

	igt_describe("A GPU FILL writes the BO in system memory (VRAM), the "
		     "CPU reads it after a move to VRAM (system); a job "
		     "submitted right after GEM_MIGRATE sees what the CPU "
		     "wrote before the move.");
	igt_subtest_with_dynamic("gpu-write-then-cpu") {
		svmgpu_require_features(svmgpu_fd, GEM | MIGRATE | JOBS);
		igt_dynamic("system-to-vram")
			test_gpu_write_then_cpu(svmgpu_fd, SYSTEM);
		igt_dynamic("vram-to-system")
			test_gpu_write_then_cpu(svmgpu_fd, VRAM);
	}

	igt_describe("GEM_MIGRATE of a BO that a job held at a gate writes "
		     "waits for the job, and the job's writes are in the new "
		     "placement.");
	igt_subtest_with_dynamic("migrate-busy") {
		svmgpu_require_features(svmgpu_fd, GEM | MIGRATE | JOBS);
		igt_dynamic("to-system")
			test_migrate_busy(svmgpu_fd, SYSTEM);
		igt_dynamic("to-vram")
			test_migrate_busy(svmgpu_fd, VRAM);
	}

	igt_describe("With a job held at a gate on every user engine, a new "
		     "VRAM BO is cleared, moved to system memory and back by "
		     "GEM_MIGRATE and read by the CPU after each move, while "
		     "every held job's fence stays unsignalled: the kernel's "
		     "copies never wait behind a user job. Then the jobs "
		     "complete without error.");
	igt_subtest("migrate-beside-hung-jobs")
		test_migrate_beside_hung_jobs();

	igt_fixture {
		prefault_restore();
		svmgpu_scratch_close();
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
