// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_swap - swapping out of idle system-memory BOs (uAPI 1.2, "DOC:
 * buffer objects": under system-memory pressure, idle BOs in system
 * memory may be swapped out; they come back on the next CPU or GPU
 * access).
 *
 * TTM swaps out idle BOs when the pages it has allocated for BOs exceed
 * its pages_limit module parameter (in 4 KiB pages, global to every TTM
 * device, checked whenever TTM allocates pages for a BO). The subtests
 * lower that limit to a few MiB, create system-memory BOs well above it,
 * and check that older ones are swapped out (GEM_INFO state SWAPPED) and
 * come back intact through their CPU mappings and through GPU copies.
 *
 * The old limit is put back at the end of each subtest, at the start of
 * the next one and in the last fixture if a subtest failed, and at exit.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu swap: idle system-memory BOs are swapped out "
		     "above TTM's pages_limit and come back intact on CPU "
		     "and GPU access.");

#define ALL	(DRM_SVMGPU_FEATURE_GEM | DRM_SVMGPU_FEATURE_VM | \
		 DRM_SVMGPU_FEATURE_EXEC | DRM_SVMGPU_FEATURE_GEM_MIGRATE)
#define VRAM	DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM	DRM_SVMGPU_GEM_PLACEMENT_SYSTEM
#define SWAPPED	DRM_SVMGPU_GEM_STATE_SWAPPED

#define PAGES_LIMIT	"/sys/module/ttm/parameters/pages_limit"
/* The lowered limit: 16 MiB of 4 KiB pages. */
#define LOW_LIMIT_PAGES	((16ull << 20) >> 12)
/* System-memory BOs of 1, 2 and 3 MiB in turn: 64 MiB in all. */
#define NUM_BOS		32

#define TRACE_SYSTEM	"svmgpu"
#define TRACE_SWAPOUT	"svmgpu_bo_swapout"

static int svmgpu_fd = -1;
static bool swapout_event_enabled;

/* --- pages_limit ---------------------------------------------------------- */

static struct {
	bool saved;
	uint64_t pages;
	pid_t pid;
	bool atexit_done;
} old_limit;

static int read_u64_file(const char *path, uint64_t *value)
{
	unsigned long long v;
	FILE *f = fopen(path, "re");
	int ret;

	if (!f)
		return -errno;
	ret = fscanf(f, "%llu", &v) == 1 ? 0 : -EPROTO;
	fclose(f);
	if (!ret)
		*value = v;

	return ret;
}

static int write_u64_file(const char *path, uint64_t value)
{
	char text[32];
	ssize_t n;
	int fd, len, ret;

	len = snprintf(text, sizeof(text), "%llu\n", (unsigned long long)value);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	ret = n < 0 ? -errno : n == len ? 0 : -EIO;
	close(fd);

	return ret;
}

/*
 * Puts the saved pages_limit back. Safe to call at any time, and more
 * than once; only the process that lowered the limit restores it.
 */
static void restore_pages_limit(void)
{
	int ret;

	if (!old_limit.saved || old_limit.pid != getpid())
		return;

	ret = write_u64_file(PAGES_LIMIT, old_limit.pages);
	if (ret) {
		igt_warn("restoring ttm pages_limit to %llu: %s\n",
			 (unsigned long long)old_limit.pages, strerror(-ret));
		return;
	}
	igt_debug("ttm pages_limit restored to %llu\n",
		  (unsigned long long)old_limit.pages);
	old_limit.saved = false;
}

static void restore_pages_limit_at_exit(void)
{
	restore_pages_limit();
}

/*
 * Lowers TTM's pages_limit to @pages (or leaves it if it is lower), after
 * saving the old value. Skips if the parameter is absent or read-only.
 */
static void lower_pages_limit(uint64_t pages)
{
	uint64_t cur = 0;
	int ret;

	ret = read_u64_file(PAGES_LIMIT, &cur);
	igt_require_f(ret == 0, "cannot read " PAGES_LIMIT ": %s\n",
		      strerror(-ret));

	if (!old_limit.saved) {
		old_limit.pages = cur;
		old_limit.pid = getpid();
		old_limit.saved = true;
		if (!old_limit.atexit_done)
			old_limit.atexit_done =
				atexit(restore_pages_limit_at_exit) == 0;
	}
	if (pages > cur)
		pages = cur;

	ret = write_u64_file(PAGES_LIMIT, pages);
	if (ret)
		old_limit.saved = false;
	igt_require_f(ret == 0, "cannot write " PAGES_LIMIT ": %s\n",
		      strerror(-ret));
	igt_info("ttm pages_limit: %llu -> %llu pages\n",
		 (unsigned long long)old_limit.pages,
		 (unsigned long long)pages);
}

/* --- System-memory BOs with patterns -------------------------------------- */

struct sysbo {
	struct svmgpu_buf buf;
	uint32_t seed;
};

static uint64_t sysbo_size(unsigned int i)
{
	return (1 + i % 3) * SZ_1M;
}

/*
 * Creates @n system-memory BOs, oldest first, each written by the CPU
 * with its own pattern as soon as it exists: each one's pages are
 * allocated while the older ones are idle, so TTM swaps those out.
 */
static uint64_t sysbos_create(int fd, struct sysbo *bos, unsigned int n)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		svmgpu_buf_create(&bos[i].buf, fd, sysbo_size(i), SYSTEM, 0);
		bos[i].seed = 0x5a000 + i;
		svmgpu_fill_pattern(bos[i].buf.map, bos[i].buf.size,
				    bos[i].seed);
		total += bos[i].buf.size;
	}

	return total;
}

static void sysbos_destroy(struct sysbo *bos, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		svmgpu_buf_destroy(&bos[i].buf);
}

/* Whether BO @handle is swapped out now; it must be in system memory. */
static bool is_swapped(int fd, uint32_t handle)
{
	struct drm_svmgpu_gem_info info;

	svmgpu_bo_info(fd, handle, &info);
	igt_assert_eq_u32(info.placement, SYSTEM);

	return info.state & SWAPPED;
}

/* Counts the swapped BOs, and their bytes in *@bytes. */
static unsigned int count_swapped(int fd, const struct sysbo *bos,
				  unsigned int n, uint64_t *bytes)
{
	unsigned int i, count = 0;

	*bytes = 0;
	for (i = 0; i < n; i++) {
		if (is_swapped(fd, bos[i].buf.handle)) {
			count++;
			*bytes += bos[i].buf.size;
		}
	}

	return count;
}

static void assert_pattern_at(const void *base, uint64_t offset,
			      uint64_t bytes, uint32_t seed, const char *what,
			      unsigned int index)
{
	uint64_t bad = svmgpu_check_pattern((const char *)base + offset, bytes,
					    seed);

	igt_assert_f(bad == bytes,
		     "%s %u: word at %#llx is %#010x, expected %#010x\n",
		     what, index, (unsigned long long)bad,
		     *(const uint32_t *)((const char *)base + offset + bad),
		     svmgpu_pattern_word(bad / 4, seed));
}

/*
 * The set-up of every subtest: the device's features, no leftovers of a
 * failed subtest, the limit lowered, and the BOs created. Returns their
 * total size and, in *@swapped, how many are swapped out.
 */
static uint64_t swap_setup(int fd, struct sysbo *bos, unsigned int *swapped,
			   uint64_t *swapped_bytes)
{
	uint64_t total;

	svmgpu_require_features(fd, ALL);
	restore_pages_limit();
	lower_pages_limit(LOW_LIMIT_PAGES);

	total = sysbos_create(fd, bos, NUM_BOS);
	*swapped = count_swapped(fd, bos, NUM_BOS, swapped_bytes);
	igt_info("%u of %u BOs (%llu of %llu MiB) are swapped out\n",
		 *swapped, NUM_BOS, (unsigned long long)(*swapped_bytes >> 20),
		 (unsigned long long)(total >> 20));

	return total;
}

/* The pages TTM may keep are 16 MiB: most of the 64 MiB must be out. */
static void assert_swapped_enough(int fd, const struct sysbo *bos,
				  uint64_t total, uint64_t swapped_bytes)
{
	igt_assert_f(is_swapped(fd, bos[0].buf.handle),
		     "the oldest BO is not swapped out\n");
	igt_assert_f(swapped_bytes >= total / 2,
		     "only %llu of %llu MiB swapped out\n",
		     (unsigned long long)(swapped_bytes >> 20),
		     (unsigned long long)(total >> 20));
}

/* --- Subtests ------------------------------------------------------------- */

/*
 * Older BOs are swapped out; each comes back intact on a CPU read, and
 * GPU copies from swapped BOs are intact too.
 */
static void test_swap_out_and_back(int fd)
{
	struct sysbo bos[NUM_BOS];
	struct svmgpu_bo_stats before, after;
	struct svmgpu_buf dst;
	struct svmgpu_ctx ctx;
	struct svmgpu_cs cs;
	uint64_t total, swapped_bytes, offset, bytes;
	unsigned int swapped, i;
	uint32_t queue;
	bool stats;
	int ret;

	svmgpu_require_features(fd, ALL);
	stats = __svmgpu_bo_stats_read(fd, &before) == 0;

	total = swap_setup(fd, bos, &swapped, &swapped_bytes);
	assert_swapped_enough(fd, bos, total, swapped_bytes);

	if (stats) {
		svmgpu_bo_stats_read(fd, &after);
		bytes = after.swapped_out_bytes - before.swapped_out_bytes;
		igt_info("bo_stats: swapouts +%llu (%llu MiB)\n",
			 (unsigned long long)(after.swapouts - before.swapouts),
			 (unsigned long long)(bytes >> 20));
		igt_assert_lt_u64(before.swapouts, after.swapouts);
		igt_assert_lte_u64(before.swapped_out_bytes + swapped_bytes,
				   after.swapped_out_bytes);
	} else {
		igt_info("no debugfs bo_stats: swap counters not checked\n");
	}

	/* CPU reads swap each BO back in, intact. */
	for (i = 0; i < NUM_BOS; i++) {
		bool was_swapped = is_swapped(fd, bos[i].buf.handle);

		assert_pattern_at(bos[i].buf.map, 0, bos[i].buf.size,
				  bos[i].seed, "CPU read of BO", i);
		igt_assert_f(!is_swapped(fd, bos[i].buf.handle),
			     "BO %u is still swapped out after a CPU read\n",
			     i);
		igt_debug("BO %u: %s, read back intact\n", i,
			  was_swapped ? "swapped" : "resident");
	}

	/*
	 * GPU copies of every BO into one VRAM BO: the limit is still low,
	 * so reading them all has swapped the earlier ones out again.
	 */
	svmgpu_ctx_init(&ctx, fd, SZ_64K);
	svmgpu_ctx_buf(&ctx, &dst, total, VRAM);
	for (i = 0; i < NUM_BOS; i++)
		svmgpu_buf_bind(&bos[i].buf, ctx.vm,
				svmgpu_ctx_va(&ctx, bos[i].buf.size), 0);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);
	svmgpu_ctx_cs(&ctx, &cs, 64 + NUM_BOS * 4 * SVMGPU_CS_LEN_COPY);
	for (i = 0, offset = 0; i < NUM_BOS; offset += bos[i].buf.size, i++)
		svmgpu_cs_copy(&cs, svmgpu_buf_gpu(&bos[i].buf, 0),
			       svmgpu_buf_gpu(&dst, offset), bos[i].buf.size);
	svmgpu_cs_end(&cs);

	swapped = count_swapped(fd, bos, NUM_BOS, &swapped_bytes);
	igt_info("%u BOs (%llu MiB) are swapped out when the job is "
		 "submitted\n", swapped,
		 (unsigned long long)(swapped_bytes >> 20));
	igt_assert_f(swapped > 0, "no BO is swapped out for the GPU to use\n");

	ret = svmgpu_run(fd, queue, &cs);
	igt_assert_f(ret == 0, "the copy job failed: %d (%s)\n", ret,
		     strerror(-ret));
	for (i = 0, offset = 0; i < NUM_BOS; offset += bos[i].buf.size, i++)
		assert_pattern_at(dst.map, offset, bos[i].buf.size,
				  bos[i].seed, "GPU copy of BO", i);
	for (i = 0; i < NUM_BOS; i++)
		assert_pattern_at(bos[i].buf.map, 0, bos[i].buf.size,
				  bos[i].seed, "BO after the GPU copy", i);

	svmgpu_queue_destroy(fd, queue);
	for (i = 0; i < NUM_BOS; i++)
		svmgpu_buf_unbind(&bos[i].buf);
	svmgpu_buf_destroy(&dst);
	svmgpu_ctx_fini(&ctx);
	sysbos_destroy(bos, NUM_BOS);
	restore_pages_limit();
}

static void swapout_event_disable(void)
{
	if (!swapout_event_enabled)
		return;
	igt_warn_on(svmgpu_trace_event_enable(TRACE_SYSTEM, TRACE_SWAPOUT,
					      false));
	swapout_event_enabled = false;
}

/* Each swap-out is traced. */
static void test_swap_trace(int fd)
{
	struct sysbo bos[NUM_BOS];
	uint64_t total, swapped_bytes;
	unsigned int swapped;
	int events;

	svmgpu_require_features(fd, ALL);
	swapout_event_disable();
	igt_require_f(svmgpu_trace_has_event(TRACE_SYSTEM, TRACE_SWAPOUT),
		      "no tracefs, or no " TRACE_SWAPOUT " event\n");
	igt_assert_eq(svmgpu_trace_event_enable(TRACE_SYSTEM, TRACE_SWAPOUT,
						true), 0);
	swapout_event_enabled = true;
	igt_assert_eq(svmgpu_trace_clear(), 0);

	total = swap_setup(fd, bos, &swapped, &swapped_bytes);
	assert_swapped_enough(fd, bos, total, swapped_bytes);

	events = svmgpu_trace_count(TRACE_SWAPOUT, NULL);
	igt_assert_f(events >= 0, "reading the trace: %s\n", strerror(-events));
	igt_info(TRACE_SWAPOUT ": %d events, %u BOs swapped out\n", events,
		 swapped);
	igt_assert_lte(swapped, events);

	swapout_event_disable();
	sysbos_destroy(bos, NUM_BOS);
	restore_pages_limit();
}

/*
 * The value of fdinfo key @key in bytes: "<key>:\t<n>" with an optional
 * unit, " KiB", " MiB" or " GiB". Returns -ENOENT if there is no such key.
 */
static int fdinfo_bytes(int fd, const char *key, uint64_t *bytes)
{
	char path[64], *line = NULL;
	size_t len = 0, klen = strlen(key);
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;

	while (getline(&line, &len, f) > 0) {
		unsigned long long n;
		char unit[8] = "";

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		if (sscanf(line + klen + 1, "%llu %7s", &n, unit) < 1) {
			ret = -EPROTO;
			break;
		}
		if (!strcmp(unit, "KiB"))
			n <<= 10;
		else if (!strcmp(unit, "MiB"))
			n <<= 20;
		else if (!strcmp(unit, "GiB"))
			n <<= 30;
		else if (unit[0]) {
			ret = -EPROTO;
			break;
		}
		*bytes = n;
		ret = 0;
		break;
	}
	free(line);
	fclose(f);

	return ret;
}

/* fdinfo does not count swapped-out BOs as resident. */
static void test_swapped_fdinfo(int fd)
{
	struct sysbo bos[NUM_BOS];
	uint64_t total, swapped_bytes, fd_total = 0, fd_resident = 0;
	unsigned int swapped;
	int own, ret_total, ret_resident;

	svmgpu_require_features(fd, ALL);

	/* A file of its own, so that fdinfo shows only these BOs. */
	own = drm_open_svmgpu(0);
	total = swap_setup(own, bos, &swapped, &swapped_bytes);
	assert_swapped_enough(own, bos, total, swapped_bytes);

	ret_total = fdinfo_bytes(own, "drm-total-system", &fd_total);
	ret_resident = fdinfo_bytes(own, "drm-resident-system", &fd_resident);

	sysbos_destroy(bos, NUM_BOS);
	restore_pages_limit();
	close(own);

	igt_require_f(ret_total != -ENOENT && ret_resident != -ENOENT,
		      "fdinfo lacks drm-total-system or drm-resident-system\n");
	igt_assert_f(ret_total == 0 && ret_resident == 0,
		     "fdinfo does not parse: %s\n",
		     strerror(-(ret_total ? ret_total : ret_resident)));

	igt_info("fdinfo: drm-total-system %llu KiB, drm-resident-system "
		 "%llu KiB; %llu KiB swapped out\n",
		 (unsigned long long)(fd_total >> 10),
		 (unsigned long long)(fd_resident >> 10),
		 (unsigned long long)(swapped_bytes >> 10));
	igt_assert_lte_u64(total, fd_total);
	igt_assert_lt_u64(fd_resident, fd_total);
	igt_assert_lte_u64(fd_resident + swapped_bytes, fd_total);
}

igt_main
{
	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	igt_describe("With TTM's pages_limit lowered to 16 MiB, 64 MiB of "
		     "system-memory BOs: older ones are swapped out (GEM_INFO, "
		     "bo_stats), every one reads back intact through its CPU "
		     "mapping, and GPU copies from swapped BOs are intact.");
	igt_subtest("swap-out-and-back")
		test_swap_out_and_back(svmgpu_fd);

	igt_describe("Every swapped-out BO was reported by the "
		     "svmgpu_bo_swapout trace event.");
	igt_subtest("swap-trace")
		test_swap_trace(svmgpu_fd);

	igt_describe("fdinfo counts swapped-out BOs in drm-total-system but "
		     "not in drm-resident-system.");
	igt_subtest("swapped-fdinfo")
		test_swapped_fdinfo(svmgpu_fd);

	igt_fixture {
		swapout_event_disable();
		restore_pages_limit();
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
