// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * fault_bench [MiB]: the cost of CPU page faults on BO mappings, per 4 KiB
 * page touched, against two references of the same size in the same
 * process, reported as ratios (BO / reference time).
 *
 * Four kinds of memory, 64 MiB by default and at most a quarter of the
 * VRAM that BOs can use:
 *
 * - anonymous memory, mmap(MAP_PRIVATE | MAP_ANONYMOUS) without transparent
 *   huge pages (MADV_NOHUGEPAGE), so that each 4 KiB page faults on its
 *   own; each of its faults also allocates and zeroes a page, which a BO
 *   fault never does: the "anonymous" ratio is not like for like;
 * - a memfd (shmem) whose pages exist beforehand: fallocate()d and written
 *   once through another mapping, so that they are in the page cache,
 *   up to date, before the timed mapping is made. Its faults, like a BO's,
 *   only look the page up and map it: this is the like-for-like reference.
 *   A write fault on a shared shmem mapping maps one page (fault-around is
 *   for read faults only), and includes shmem's dirty accounting;
 * - a BO that may only live in system memory, its pages populated first;
 *   a fault maps up to fault_prefault pages (TTM's reservation, a wait for
 *   any move, then the PTEs);
 * - a BO that may only live in VRAM, the same but for VRAM pages.
 *
 * Each repetition maps the memory anew (for a BO: munmap() and mmap() of
 * its fake offset again, so that no PTE is left) and writes one byte in
 * each 4 KiB page. The time of those writes divided by the number of pages
 * is the cost per page. The kernel may fill several PTEs per fault: that
 * is part of what is measured. Each figure is the median of several
 * repetitions.
 *
 * If /sys/module/svmgpu/parameters/fault_prefault exists and is writable,
 * the BOs are measured again with it set to 1, and its old value is
 * restored.
 *
 * Exit status: 0, unless a mapping failed, data was lost, a BO was not
 * where it should be, or fault_prefault could not be restored (1).
 */

/* memfd_create() and fallocate(). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"
#include "bench_util.h"

#define DIE(what, err)	bench_die("fault_bench", what, err)

#define REPS		7
#define PAGE		4096u
#define VRAM		DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM		DRM_SVMGPU_GEM_PLACEMENT_SYSTEM
#define PREFAULT_PARAM	"/sys/module/svmgpu/parameters/fault_prefault"

/*
 * Memory to fault in: a BO; a memfd if @bo is NULL and @fd is not -1;
 * anonymous memory otherwise.
 */
struct target {
	const char *name;
	struct svmgpu_bo *bo;
	uint32_t placement;
	int fd;
	uint64_t offset;
	size_t size;
};

/* A new mapping of @t, without any PTE; MAP_FAILED on error. */
static void *map_fresh(const struct target *t)
{
	void *p;

	if (t->bo || t->fd >= 0)
		return mmap(NULL, t->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    t->fd, (off_t)t->offset);

	p = mmap(NULL, t->size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Without THP, if the kernel has it; nothing to do if it has not. */
	if (p != MAP_FAILED)
		madvise(p, t->size, MADV_NOHUGEPAGE);
	return p;
}

/*
 * Median nanoseconds per page of writing @value to one byte of each page of
 * a fresh mapping of @t; negative (-errno) if mmap() fails.
 */
static double measure(const struct target *t, uint8_t value)
{
	double times[REPS];
	volatile uint8_t *p;
	size_t off;
	int i;

	for (i = 0; i < REPS; i++) {
		double t0;

		p = map_fresh(t);
		if (p == MAP_FAILED)
			return -errno;
		t0 = bench_now();
		for (off = 0; off < t->size; off += PAGE)
			p[off] = value;
		times[i] = bench_now() - t0;
		munmap((void *)p, t->size);
	}
	return bench_median(times, REPS) * 1e9 / (t->size / PAGE);
}

/*
 * Check, through yet another mapping, that @t's pages hold @value and
 * that the BO is still where it was created. Return 0 or 1.
 */
static int check_bo(const struct target *t, uint8_t value)
{
	struct svmgpu_bo_info info;
	const uint8_t *p;
	size_t off;
	int ret, status = 0;

	p = map_fresh(t);
	if (p == MAP_FAILED)
		return DIE("mmap", -errno);
	for (off = 0; off < t->size; off += PAGE) {
		if (p[off] != value) {
			fprintf(stderr, "fault_bench: %s: byte %zu is 0x%02x, expected 0x%02x\n",
				t->name, off, p[off], value);
			status = 1;
			break;
		}
	}
	munmap((void *)p, t->size);

	/* Kernels without GEM_INFO cannot tell; that is not an error. */
	ret = svmgpu_bo_query(t->bo, &info);
	if (ret && ret != -EOPNOTSUPP)
		return DIE("query", ret);
	if (!ret && info.placement != t->placement) {
		fprintf(stderr, "fault_bench: %s is in %s\n", t->name,
			svmgpu_bo_placement_name(info.placement));
		status = 1;
	}
	return status;
}

/* Create a BO of @t->size in @t->placement alone, its pages populated. */
static int create_bo(struct svmgpu_device *dev, struct target *t)
{
	struct drm_svmgpu_gem_mmap_offset req = { 0 };
	void *p;
	int ret;

	ret = svmgpu_bo_new(dev, t->size, t->placement, 0, &t->bo);
	if (ret)
		return DIE("bo_new", ret);

	/* Our own mappings: svmgpu_bo_map() keeps one for the BO's life. */
	t->fd = svmgpu_device_fd(dev);
	req.handle = svmgpu_bo_handle(t->bo);
	if (drmIoctl(t->fd, DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET, &req))
		return DIE("mmap offset", -errno);
	t->offset = req.offset;

	p = map_fresh(t);
	if (p == MAP_FAILED)
		return DIE("mmap", -errno);
	memset(p, 0x11, t->size);
	munmap(p, t->size);
	return 0;
}

/*
 * A memfd of @t->size whose pages are all in the page cache and up to
 * date: fallocate() allocates them, and a write through a first mapping
 * marks them up to date (shmem would otherwise clear a fallocate()d page
 * at its first fault). That mapping is gone before anything is timed.
 */
static int create_memfd(struct target *t)
{
	void *p;

	t->fd = memfd_create("fault_bench", MFD_CLOEXEC);
	if (t->fd < 0)
		return DIE("memfd_create", -errno);
	if (fallocate(t->fd, 0, 0, (off_t)t->size))
		return DIE("fallocate", -errno);
	p = map_fresh(t);
	if (p == MAP_FAILED)
		return DIE("mmap memfd", -errno);
	memset(p, 0x11, t->size);
	munmap(p, t->size);
	return 0;
}

/* Check, through a new mapping, that the memfd's pages hold @value. */
static int check_memfd(const struct target *t, uint8_t value)
{
	const uint8_t *p = map_fresh(t);
	size_t off;
	int status = 0;

	if (p == MAP_FAILED)
		return DIE("mmap memfd", -errno);
	for (off = 0; off < t->size; off += PAGE) {
		if (p[off] != value) {
			fprintf(stderr, "fault_bench: memfd: byte %zu is 0x%02x, expected 0x%02x\n",
				off, p[off], value);
			status = 1;
			break;
		}
	}
	munmap((void *)p, t->size);
	return status;
}

/* Read a module parameter into @buf, without the newline. */
static bool read_param(const char *path, char *buf, int len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, len, f);
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static bool write_param(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(value, f) >= 0;
	/* sysfs reports a refused value when the buffer is flushed. */
	return !fclose(f) && ok;
}

/*
 * Measure both BOs with @value written; print a line per BO after @label,
 * with its ratios to the memfd (like for like) and to anonymous memory.
 */
static int run_bos(const char *label, const struct target *bos, double anon,
		   double memfd, uint8_t value)
{
	double ns[2];
	int i;

	for (i = 0; i < 2; i++) {
		ns[i] = measure(&bos[i], value);
		if (ns[i] < 0)
			return DIE("mmap", (int)ns[i]);
		if (check_bo(&bos[i], value))
			return 1;
	}
	for (i = 0; i < 2; i++)
		printf("%s: %s BO %.0f ns/page, %.2fx memfd, %.2fx anonymous\n",
		       label, bos[i].name, ns[i], ns[i] / memfd, ns[i] / anon);
	return 0;
}

int main(int argc, char **argv)
{
	size_t size = (argc > 1 ? strtoull(argv[1], NULL, 0) : 64) << 20;
	struct target anon = { .name = "anonymous", .fd = -1 };
	struct target memfd = { .name = "memfd" };
	struct target bos[2] = {
		{ .name = "system", .placement = SYSTEM },
		{ .name = "VRAM", .placement = VRAM },
	};
	struct svmgpu_device_info info;
	struct svmgpu_device *dev;
	char old[32], label[96];
	uint64_t limit;
	double anon_ns, memfd_ns;
	int i, ret, status;

	ret = svmgpu_device_open(0, &dev);
	if (ret)
		return DIE("open", ret);
	ret = svmgpu_device_get_info(dev, &info);
	if (ret)
		return DIE("device info", ret);

	limit = svmgpu_device_vram_bo_size(dev);
	limit = (limit ? limit : info.vram_size) / 4 / PAGE * PAGE;
	if (size > limit)
		size = limit;
	if (!size) {
		fprintf(stderr, "fault_bench: no size to measure\n");
		return 1;
	}
	anon.size = size;
	memfd.size = size;
	if (create_memfd(&memfd))
		return 1;
	for (i = 0; i < 2; i++) {
		bos[i].size = size;
		if (create_bo(dev, &bos[i]))
			return 1;
	}

	anon_ns = measure(&anon, 0x22);
	if (anon_ns < 0)
		return DIE("anonymous mmap", (int)anon_ns);
	memfd_ns = measure(&memfd, 0x22);
	if (memfd_ns < 0)
		return DIE("memfd mmap", (int)memfd_ns);
	if (check_memfd(&memfd, 0x22))
		return 1;
	printf("fault %zu MiB (%zu pages): anonymous first touch %.0f ns/page (allocates and zeroes each page), memfd first touch %.0f ns/page (pages already in the page cache)\n",
	       size >> 20, size / PAGE, anon_ns, memfd_ns);

	if (read_param(PREFAULT_PARAM, old, sizeof(old)))
		snprintf(label, sizeof(label),
			 "fault %zu MiB, fault_prefault=%s", size >> 20, old);
	else
		snprintf(label, sizeof(label), "fault %zu MiB", size >> 20);
	status = run_bos(label, bos, anon_ns, memfd_ns, 0x33);

	if (!status && read_param(PREFAULT_PARAM, old, sizeof(old))) {
		if (access(PREFAULT_PARAM, W_OK) ||
		    !write_param(PREFAULT_PARAM, "1")) {
			printf("fault_prefault is not writable here: not measured with 1\n");
		} else {
			snprintf(label, sizeof(label),
				 "fault %zu MiB, fault_prefault=1", size >> 20);
			status = run_bos(label, bos, anon_ns, memfd_ns, 0x44);
			if (!write_param(PREFAULT_PARAM, old)) {
				fprintf(stderr, "fault_bench: could not restore fault_prefault=%s\n",
					old);
				status = 1;
			}
		}
	}

	for (i = 0; i < 2; i++)
		svmgpu_bo_del(bos[i].bo);
	close(memfd.fd);
	svmgpu_device_del(dev);
	return status;
}
