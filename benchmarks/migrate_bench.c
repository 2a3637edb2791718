// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * migrate_bench [MiB]: SVM migration between system memory and VRAM, on
 * 64 MiB (by default) of malloc'd memory, posix_memalign()ed to 2 MiB so
 * that the driver's ranges are 2 MiB, in a VM that mirrors this process
 * (svmgpu_vm_new_svm()). Every figure is reported against a reference
 * measured in the same run, and against the kernel's test_hmm doing the
 * same migration. Three figures:
 *
 * 1. Migration throughput of svmgpu, each run on fresh memory that the
 *    CPU wrote:
 *    - system -> VRAM: the time of svmgpu_vm_prefetch() to VRAM of the
 *      whole buffer (one OP_PREFETCH VM_BIND ioctl: migrate_vma of each
 *      range, VRAM allocation, the copy-engine copy, the GPU mapping);
 *    - VRAM -> system: the time of svmgpu_vm_prefetch() with
 *      DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM of the same buffer;
 *    - VRAM -> system through CPU faults: the buffer is prefetched to
 *      VRAM again (untimed), then the time of a memcpy() out of it into
 *      a buffer the CPU touched before: each CPU fault migrates a block
 *      back, and the copy resumes.
 *    The reference is memcpy() of the same size between two CPU-touched
 *    buffers in system memory, just before; ratios are throughputs
 *    (reference time / measured time: above 1 is faster than memcpy()).
 *    Every byte is checked after each migration back.
 *
 * 2. The same three by test_hmm, the kernel's HMM test driver:
 *    HMM_DMIRROR_MIGRATE_TO_DEV of the buffer on /dev/hmm_dmirror0 (the
 *    ioctl migrates 64 pages per migrate_vma call, allocating device
 *    pages from its pool and copying with the CPU, then reads the whole
 *    range back into a vmalloc()ed bounce buffer and copy_to_user()s it:
 *    one more copy of the buffer than svmgpu's prefetch does),
 *    HMM_DMIRROR_MIGRATE_TO_SYS, and a memcpy() out of migrated memory,
 *    whose CPU faults test_hmm resolves one page each (its
 *    migrate_to_ram). The module is loaded with "modprobe test_hmm" and
 *    unloaded again if this program loaded it; without it, these figures
 *    are reported missing and the others still count.
 *
 * 3. The 2 MiB GPU fault with migration: the buffer, CPU-written, is
 *    advised to prefer the device (svmgpu_vm_madvise()), and one job
 *    writes 8 bytes into the middle of each of its 2 MiB ranges, so that
 *    each range takes one GPU fault that migrates it. Per fault, from
 *    debugfs bo_stats deltas: the service (svm_fault_ns_2m /
 *    svm_faults_2m), split into getting the pages (svm_hmm_ns_2m), the
 *    VRAM allocation (svm_migrate_alloc_ns), the copy
 *    (svm_copy_to_vram_ns), the core mm's migrate_vma_setup(),
 *    migrate_vma_pages() and migrate_vma_finalize() (svm_mm_to_vram_ns),
 *    the rest of the migration (svm_migrate_to_vram_ns minus those three)
 *    and the rest of the service, binding (svm_fault_ns_2m minus all of
 *    these); and end to end, EXEC to user fence over the faults. The
 *    reference is memcpy() of 2 MiB, from the run's memcpy() of the
 *    buffer.
 *
 * The core mm's part is reported on its own for figures 1 and 3 because
 * it bounds the others: it is paid per 4 KiB page whatever the copy
 * costs, so memcpy time / core mm time is the best ratio to memcpy() that
 * any copy could give, on this kernel and this machine.
 *
 * Before the runs, each side migrates 2 MiB there and back once,
 * untimed, so that one-time set-up (test_hmm allocates its device memory
 * in 256 MiB chunks on first use) is not counted. Each figure is the
 * median of five runs, and a ratio the median of the runs' own ratios.
 * bo_stats is read from /sys/kernel/debug/dri/<render minor>/bo_stats;
 * without it, the driver's own figures are left out (not failed).
 *
 * Exit status: 0, unless a step failed, data was wrong, or memory was not
 * where a migration should have put it (1).
 */

/* MAP_ANONYMOUS, pread(). */
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
#include <unistd.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"
#include "bench_util.h"

#define NAME		"migrate_bench"
#define DIE(what, err)	bench_die(NAME, what, err)

#define REPS		5
#define PAGE		4096ul
#define SZ_2M		(2ul << 20)
#define TIMEOUT_NS	(120 * 1000000000ll)

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

#define HMM_DMIRROR_MIGRATE_TO_DEV	_IOWR('H', 0x02, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_SYS	_IOWR('H', 0x03, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_DEV			"/dev/hmm_dmirror0"

/* The bo_stats counters used here. */
enum bo_stat {
	S_FAULTS_4K, S_FAULTS_64K, S_FAULTS_2M, S_FAULT_NS_2M, S_HMM_NS_2M,
	S_TO_VRAM_4K, S_TO_VRAM_64K, S_TO_VRAM_2M, S_TO_VRAM_PAGES,
	S_TO_VRAM_NS, S_ALLOC_NS, S_COPY_TO_VRAM_NS, S_MM_TO_VRAM_NS,
	S_TO_RAM, S_TO_RAM_PAGES, S_TO_RAM_NS, S_COPY_TO_RAM_NS,
	S_MM_TO_RAM_NS,
	S_CPU_FAULTS, S_EVICTIONS, S_PREFETCHES, S_COUNT
};

static const char *const stat_names[S_COUNT] = {
	"svm_faults_4k", "svm_faults_64k", "svm_faults_2m", "svm_fault_ns_2m",
	"svm_hmm_ns_2m",
	"svm_migrate_to_vram_4k", "svm_migrate_to_vram_64k",
	"svm_migrate_to_vram_2m", "svm_migrate_to_vram_pages",
	"svm_migrate_to_vram_ns", "svm_migrate_alloc_ns",
	"svm_copy_to_vram_ns", "svm_mm_to_vram_ns",
	"svm_migrate_to_ram", "svm_migrate_to_ram_pages",
	"svm_migrate_to_ram_ns", "svm_copy_to_ram_ns", "svm_mm_to_ram_ns",
	"svm_cpu_faults", "svm_evictions", "svm_prefetches",
};

struct stats {
	int64_t v[S_COUNT];
};

static struct {
	struct svmgpu_device *dev;
	struct svmgpu_vm *vm;
	struct svmgpu_queue *q;
	struct svmgpu_cs *cs;
	uint8_t *cmds;		/* 2 MiB of commands and the fence */
	uint64_t fence_value;
	size_t size;		/* of the buffers */
	struct bench_stats stats;	/* bo_stats */
} B;

static double mib_s(double secs)
{
	return secs > 0 ? (B.size >> 20) / secs : 0;
}

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

/* ---- memory ---- */

/* @size bytes of malloc'd memory, 2 MiB aligned, or NULL. */
static uint8_t *alloc_buf(size_t size)
{
	void *p;

	return posix_memalign(&p, SZ_2M, size) ? NULL : p;
}

/* A 2 MiB aligned private anonymous mapping; MAP_FAILED on error. */
static void *map_aligned(size_t size)
{
	uint8_t *p = mmap(NULL, size + SZ_2M, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *a;

	if (p == MAP_FAILED)
		return p;
	a = (uint8_t *)(((uintptr_t)p + SZ_2M - 1) & ~(SZ_2M - 1));
	if (a > p)
		munmap(p, a - p);
	munmap(a + size, p + SZ_2M - a);
	return a;
}

/* Run @rep's contents: a byte pattern, and a word of its own per page. */
static void fill(uint8_t *p, size_t size, unsigned int rep)
{
	size_t off;

	memset(p, 0x40 + rep, size);
	for (off = 0; off < size; off += PAGE) {
		uint64_t w = 0x4d47000000000000ull | (uint64_t)rep << 40 |
			     off / PAGE;

		memcpy(p + off + 8 * (rep % 8), &w, 8);
	}
}

static int check(const uint8_t *got, const uint8_t *want, size_t size,
		 const char *what)
{
	size_t i;

	if (!memcmp(got, want, size))
		return 0;
	for (i = 0; i < size && got[i] == want[i]; i++)
		;
	fprintf(stderr, "%s: %s: byte %zu is 0x%02x, not 0x%02x\n", NAME,
		what, i, got[i], want[i]);
	return 1;
}

/*
 * MiB of [@p, @p + B.size) backed by transparent huge pages: the 2 MiB
 * blocks whose first page is the head of a THP, from /proc/self/pagemap
 * and /proc/kpageflags (root only); -1 if those cannot be read. smaps
 * would count whole VMAs, and malloc()'s VMAs merge with their neighbours.
 */
static long thp_mib(const uint8_t *p)
{
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	int kf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	uint64_t entry, flags;
	long mib = -1;
	size_t off;

	if (pm < 0 || kf < 0)
		goto out;
	mib = 0;
	for (off = 0; off < B.size; off += SZ_2M) {
		if (pread(pm, &entry, 8, (uintptr_t)(p + off) / PAGE * 8) != 8 ||
		    !(entry >> 63)) {
			continue;	/* not present */
		}
		entry &= (1ull << 55) - 1;	/* the PFN */
		if (!entry || pread(kf, &flags, 8, entry * 8) != 8) {
			mib = -1;	/* PFNs hidden: not root */
			break;
		}
		/* KPF_COMPOUND_HEAD (15) and KPF_THP (22). */
		if ((flags & (1ull << 15)) && (flags & (1ull << 22)))
			mib += 2;
	}
out:
	if (pm >= 0)
		close(pm);
	if (kf >= 0)
		close(kf);
	return mib;
}

/*
 * Whether all of [@p, @p + B.size) is at @loc, by
 * svmgpu_vm_query_attrs(); else print where it is, for @what.
 */
static bool all_at(const uint8_t *p, uint32_t loc, const char *what)
{
	uint64_t bytes[DRM_SVMGPU_LOC_MIXED + 1] = { 0 };
	uint64_t addr = svmgpu_ptr(p), end = addr + B.size;
	struct drm_svmgpu_vm_attr runs[64];
	uint32_t i, n;
	int ret;

	while (addr < end) {
		n = 64;
		ret = svmgpu_vm_query_attrs(B.vm, addr, end - addr, 0, runs,
					    &n);
		if (ret) {
			DIE("query", ret);
			return false;
		}
		for (i = 0; i < n; i++) {
			bytes[runs[i].location <= DRM_SVMGPU_LOC_MIXED ?
			      runs[i].location : 0] += runs[i].range;
			addr += runs[i].range;
		}
	}
	if (bytes[loc] == B.size)
		return true;
	fprintf(stderr, "%s: %s: of %zu KiB, %" PRIu64 " KiB in vram, %" PRIu64 " KiB in system memory, %" PRIu64 " KiB nowhere (not all in %s)\n",
		NAME, what, B.size >> 10, bytes[DRM_SVMGPU_LOC_DEVICE] >> 10,
		bytes[DRM_SVMGPU_LOC_SYSTEM] >> 10,
		bytes[DRM_SVMGPU_LOC_NONE] >> 10, svmgpu_svm_location_name(loc));
	return false;
}

/* memcpy() from @src to @dst, which the CPU touched; its time. */
static double timed_memcpy(uint8_t *dst, const uint8_t *src)
{
	double t = bench_now();

	memcpy(dst, src, B.size);
	return bench_now() - t;
}

/* ---- figure 1: svmgpu's migration throughput ---- */

enum {
	M_MEMCPY, M_TO_VRAM, M_TO_SYS, M_CPU_BACK,
	M_R_TO_VRAM, M_R_TO_SYS, M_R_CPU_BACK, M_COUNT
};

/* Per-run figures of a side, seconds or ratios, and the last run's stats. */
struct side {
	double v[M_COUNT][REPS];
	struct stats to_vram, to_sys, cpu_back;
	double cpu_back_secs;	/* the last run's, with cpu_back */
	long thp_mib;
};

static int prefetch(uint8_t *buf, uint32_t flags, double *secs,
		    struct stats *d)
{
	struct stats before;
	double t;
	int ret;

	stats_read(&before);
	t = bench_now();
	ret = svmgpu_vm_prefetch(B.vm, svmgpu_ptr(buf), B.size, flags);
	*secs = bench_now() - t;
	if (d)
		stats_delta(d, &before);
	if (ret)
		return DIE(flags ? "prefetch to system memory" :
			   "prefetch to VRAM", ret);
	return 0;
}

/* One run of svmgpu's side, with fresh memory; results at [*][@rep]. */
static int gpu_run(struct side *s, unsigned int rep, uint8_t *golden,
		   uint8_t *dst)
{
	uint8_t *buf = alloc_buf(B.size);
	struct stats before;
	double *v[M_COUNT], unused;
	int i, status = 1;

	for (i = 0; i < M_COUNT; i++)
		v[i] = &s->v[i][rep];
	if (!buf)
		return DIE("malloc", -ENOMEM);
	fill(golden, B.size, rep);
	memcpy(buf, golden, B.size);
	memset(dst, 0xdd, B.size);
	*v[M_MEMCPY] = timed_memcpy(dst, golden);
	if (check(dst, golden, B.size, "memcpy"))
		goto out;
	s->thp_mib = thp_mib(buf);

	if (prefetch(buf, 0, v[M_TO_VRAM], &s->to_vram))
		goto out;
	if (!all_at(buf, DRM_SVMGPU_LOC_DEVICE, "after the prefetch to VRAM"))
		goto out;
	if (prefetch(buf, DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM, v[M_TO_SYS],
		     &s->to_sys))
		goto out;
	if (!all_at(buf, DRM_SVMGPU_LOC_SYSTEM,
		    "after the prefetch to system memory") ||
	    check(buf, golden, B.size, "after VRAM and back by prefetches"))
		goto out;

	/* Migrated again, untimed; then the CPU copies out of VRAM. */
	if (prefetch(buf, 0, &unused, NULL))
		goto out;
	if (!all_at(buf, DRM_SVMGPU_LOC_DEVICE, "after the prefetch to VRAM"))
		goto out;
	memset(dst, 0xdd, B.size);
	stats_read(&before);
	*v[M_CPU_BACK] = timed_memcpy(dst, buf);
	stats_delta(&s->cpu_back, &before);
	s->cpu_back_secs = *v[M_CPU_BACK];
	if (check(dst, golden, B.size, "memcpy out of VRAM") ||
	    !all_at(buf, DRM_SVMGPU_LOC_SYSTEM, "after the CPU's reads"))
		goto out;

	*v[M_R_TO_VRAM] = *v[M_MEMCPY] / *v[M_TO_VRAM];
	*v[M_R_TO_SYS] = *v[M_MEMCPY] / *v[M_TO_SYS];
	*v[M_R_CPU_BACK] = *v[M_MEMCPY] / *v[M_CPU_BACK];
	status = 0;
out:
	free(buf);
	return status;
}

/* ---- figure 2: test_hmm ---- */


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
		if (rc) {
			printf("test_hmm figures missing: \"modprobe test_hmm\" %s %d\n",
			       rc < 0 ? "could not run:" : "exited", rc);
			return -1;
		}
		*loaded = true;
	}
	fd = open(HMM_DMIRROR_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("test_hmm figures missing: %s: %s\n", HMM_DMIRROR_DEV,
		       strerror(errno));
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
 * test_hmm's @request on [@buf, @buf + @size), with @out as the read-back
 * buffer; *@secs is the ioctl's time.
 */
static int dmirror(int fd, unsigned long request, uint8_t *buf, size_t size,
		   uint8_t *out, double *secs)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)buf,
		.ptr = (uintptr_t)out,
		.npages = size / PAGE,
	};
	const char *what = request == HMM_DMIRROR_MIGRATE_TO_DEV ?
			   "HMM_DMIRROR_MIGRATE_TO_DEV" :
			   "HMM_DMIRROR_MIGRATE_TO_SYS";
	double t = bench_now();
	int ret = ioctl(fd, request, &cmd), tries = 0;

	/*
	 * test_hmm fails with -ENOENT when part of the range did not move (a
	 * huge page it could not split at once): what stayed moves on a
	 * second call, which the time includes.
	 */
	while (ret && errno == ENOENT && ++tries < 3) {
		cmd.cpages = 0;
		ret = ioctl(fd, request, &cmd);
	}
	*secs = bench_now() - t;
	if (tries)
		printf("note: %s moved only part of the range; called %d more time%s\n",
		       what, tries, tries > 1 ? "s" : "");
	if (ret)
		return DIE(what, -errno);
	if (cmd.cpages != size / PAGE) {
		fprintf(stderr, "%s: %s moved %" PRIu64 " pages of %zu\n",
			NAME, what, (uint64_t)cmd.cpages, size / PAGE);
		return 1;
	}
	return 0;
}

/* One run of test_hmm's side, with fresh memory; results at [*][@rep]. */
static int hmm_run(int fd, struct side *s, unsigned int rep,
		   uint8_t *golden, uint8_t *dst)
{
	uint8_t *buf = alloc_buf(B.size);
	double *v[M_COUNT], unused;
	int i, status = 1;

	for (i = 0; i < M_COUNT; i++)
		v[i] = &s->v[i][rep];
	if (!buf)
		return DIE("malloc", -ENOMEM);
	fill(golden, B.size, rep);
	memcpy(buf, golden, B.size);
	memset(dst, 0xdd, B.size);
	*v[M_MEMCPY] = timed_memcpy(dst, golden);
	if (check(dst, golden, B.size, "memcpy"))
		goto out;
	s->thp_mib = thp_mib(buf);

	/* test_hmm reads what it migrated into dst: check that too. */
	memset(dst, 0xdd, B.size);
	if (dmirror(fd, HMM_DMIRROR_MIGRATE_TO_DEV, buf, B.size, dst,
		    v[M_TO_VRAM]) ||
	    check(dst, golden, B.size, "test_hmm's read of migrated memory"))
		goto out;
	if (dmirror(fd, HMM_DMIRROR_MIGRATE_TO_SYS, buf, B.size, dst,
		    v[M_TO_SYS]) ||
	    check(buf, golden, B.size, "test_hmm: to the device and back"))
		goto out;

	if (dmirror(fd, HMM_DMIRROR_MIGRATE_TO_DEV, buf, B.size, dst,
		    &unused))
		goto out;
	memset(dst, 0xdd, B.size);
	*v[M_CPU_BACK] = timed_memcpy(dst, buf);
	if (check(dst, golden, B.size, "memcpy out of test_hmm's device"))
		goto out;

	*v[M_R_TO_VRAM] = *v[M_MEMCPY] / *v[M_TO_VRAM];
	*v[M_R_TO_SYS] = *v[M_MEMCPY] / *v[M_TO_SYS];
	*v[M_R_CPU_BACK] = *v[M_MEMCPY] / *v[M_CPU_BACK];
	status = 0;
out:
	free(buf);
	return status;
}

/* 2 MiB to the device and back, untimed: one-time set-up of each side. */
static int warm_up(int hmm_fd, uint8_t *out)
{
	uint8_t *buf = alloc_buf(SZ_2M);
	size_t size = B.size;
	double unused;
	int status = 1;

	if (!buf)
		return DIE("malloc", -ENOMEM);
	memset(buf, 0x11, SZ_2M);
	B.size = SZ_2M;
	if (hmm_fd < 0) {
		if (!prefetch(buf, 0, &unused, NULL) &&
		    !prefetch(buf, DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM, &unused,
			      NULL))
			status = 0;
	} else if (!dmirror(hmm_fd, HMM_DMIRROR_MIGRATE_TO_DEV, buf, SZ_2M,
			    out, &unused) &&
		   !dmirror(hmm_fd, HMM_DMIRROR_MIGRATE_TO_SYS, buf, SZ_2M,
			    out, &unused)) {
		status = 0;
	}
	B.size = size;
	free(buf);
	return status;
}

/* ---- figure 3: the 2 MiB GPU fault with migration ---- */

static volatile uint64_t *cmd_fence(void)
{
	return (volatile uint64_t *)(B.cmds + SZ_2M - 64);
}

/* Run B.cs, ended, from the command area; *@secs is EXEC to fence. */
static int job_run(double *secs)
{
	uint64_t value = ++B.fence_value;
	double t0;
	int ret;

	ret = svmgpu_cs_write(B.cs, B.cmds, SZ_2M - 64);
	if (ret)
		return DIE("command buffer", ret);
	t0 = bench_now();
	ret = svmgpu_queue_exec_svm(B.q, B.cmds, svmgpu_cs_size(B.cs),
				    cmd_fence(), value);
	if (ret)
		return DIE("exec", ret);
	ret = svmgpu_user_fence_wait(B.q, cmd_fence(), value, TIMEOUT_NS, 0);
	if (secs)
		*secs = bench_now() - t0;
	if (ret == -ECANCELED) {
		fprintf(stderr, "%s: a job failed on the GPU, which banned its queue\n",
			NAME);
		return 1;
	}
	return ret ? DIE("user fence wait", ret) : 0;
}

enum {
	F_MEMCPY, F_E2E, F_SERVICE, F_HMM, F_ALLOC, F_COPY, F_MM, F_MIGRATE,
	F_BIND, F_COUNT
};

/* The value the GPU writes into range @i in run @rep. */
static uint64_t fault_value(unsigned int rep, size_t i)
{
	return 0x4d46000000000000ull | (uint64_t)rep << 40 | i;
}

/*
 * One run: fresh CPU-written memory that prefers the device, one GPU
 * write into each 2 MiB range. Per-fault figures in ns at [*][@rep];
 * *@split is false if the faults were not all 2 MiB ones. The memory is
 * left to the caller to free (*@bufp), after every run: a run's memory
 * must not come back at an address the CPU just took back from VRAM, where
 * GPU faults would not migrate for migrate_hold_ms.
 */
static int fault_run(unsigned int rep, double v[][REPS], uint8_t *golden,
		     uint8_t *dst, bool *split, struct stats *d,
		     uint8_t **bufp)
{
	const struct svmgpu_svm_attrs device = {
		.preferred_loc = DRM_SVMGPU_LOC_DEVICE,
	};
	size_t n = B.size / SZ_2M, i;
	uint8_t *buf = alloc_buf(B.size);
	struct stats before;
	double secs, faults;
	int ret;

	*bufp = buf;
	if (!buf)
		return DIE("malloc", -ENOMEM);
	fill(golden, B.size, rep);
	memcpy(buf, golden, B.size);
	memset(dst, 0xdd, B.size);
	v[F_MEMCPY][rep] = timed_memcpy(dst, golden) * 1e9 / n;

	ret = svmgpu_vm_madvise(B.vm, svmgpu_ptr(buf), B.size, &device);
	if (ret)
		return DIE("madvise", ret);
	svmgpu_cs_reset(B.cs);
	for (i = 0; i < n; i++) {
		uint64_t w = fault_value(rep, i);

		svmgpu_cs_write_imm64(B.cs, svmgpu_ptr(buf + i * SZ_2M +
						       SZ_2M / 2), w);
		memcpy(golden + i * SZ_2M + SZ_2M / 2, &w, 8);
	}
	svmgpu_cs_end(B.cs);
	stats_read(&before);
	if (job_run(&secs))
		return 1;
	stats_delta(d, &before);
	/* The CPU reads it back, and checks every byte. */
	if (!all_at(buf, DRM_SVMGPU_LOC_DEVICE, "after the GPU's faults") ||
	    check(buf, golden, B.size, "GPU writes with migration"))
		return 1;

	faults = d->v[S_FAULTS_2M];
	*split = B.stats.ok && faults == n && !d->v[S_FAULTS_4K] &&
		 !d->v[S_FAULTS_64K];
	v[F_E2E][rep] = secs * 1e9 / n;
	v[F_SERVICE][rep] = per(d->v[S_FAULT_NS_2M], faults);
	v[F_HMM][rep] = per(d->v[S_HMM_NS_2M], faults);
	v[F_ALLOC][rep] = per(d->v[S_ALLOC_NS], faults);
	v[F_COPY][rep] = per(d->v[S_COPY_TO_VRAM_NS], faults);
	v[F_MM][rep] = per(d->v[S_MM_TO_VRAM_NS], faults);
	v[F_MIGRATE][rep] = per(d->v[S_TO_VRAM_NS] - d->v[S_ALLOC_NS] -
				d->v[S_COPY_TO_VRAM_NS] - d->v[S_MM_TO_VRAM_NS],
				faults);
	v[F_BIND][rep] = per(d->v[S_FAULT_NS_2M] - d->v[S_HMM_NS_2M] -
			     d->v[S_TO_VRAM_NS], faults);
	return 0;
}

static int figure_fault(uint8_t *golden, uint8_t *dst)
{
	double v[F_COUNT][REPS], m[F_COUNT], ratio[REPS];
	uint8_t *bufs[REPS] = { 0 };
	size_t n = B.size / SZ_2M;
	struct stats d = { 0 };
	bool split = false;
	unsigned int rep;
	int i, ret = 0;

	svmgpu_cs_reset(B.cs);
	svmgpu_cs_end(B.cs);
	if (job_run(NULL))	/* the command area, faulted in once */
		return 1;
	for (rep = 0; rep < REPS && !ret; rep++) {
		ret = fault_run(rep, v, golden, dst, &split, &d, &bufs[rep]);
		ratio[rep] = v[F_E2E][rep] / v[F_MEMCPY][rep];
	}
	for (rep = 0; rep < REPS; rep++)
		free(bufs[rep]);
	if (ret)
		return 1;
	for (i = 0; i < F_COUNT; i++)
		m[i] = bench_median(v[i], REPS);

	/* bench_median() sorted each: v[i][0] is the least. */
	printf("2 MiB GPU fault with migration (preferred location device, CPU-written memory, one GPU write per 2 MiB range, %zu faults a run): end to end %.2f ms/fault (runs: %.2f-%.2f; EXEC to user fence / faults), memcpy() of 2 MiB %.2f ms, ratio %.2f (GPU / memcpy time)\n",
	       n, m[F_E2E] / 1e6, v[F_E2E][0] / 1e6, v[F_E2E][REPS - 1] / 1e6,
	       m[F_MEMCPY] / 1e6, bench_median(ratio, REPS));
	if (!B.stats.ok)
		return 0;
	if (!split) {
		printf("  service split not reported: the last run took %" PRId64 " faults of 2 MiB, %" PRId64 " of 64 KiB, %" PRId64 " of 4 KiB, not %zu of 2 MiB\n",
		       d.v[S_FAULTS_2M], d.v[S_FAULTS_64K], d.v[S_FAULTS_4K],
		       n);
		return 0;
	}
	printf("  service %.2f ms/fault (runs: %.2f-%.2f; svm_fault_ns_2m / svm_faults_2m), ratio to memcpy() of 2 MiB %.2f; of it, medians of each part:\n",
	       m[F_SERVICE] / 1e6, v[F_SERVICE][0] / 1e6,
	       v[F_SERVICE][REPS - 1] / 1e6, m[F_SERVICE] / m[F_MEMCPY]);
	printf("    get pages (svm_hmm_ns_2m)                                   %7.3f ms %5.1f%%\n",
	       m[F_HMM] / 1e6, 100 * m[F_HMM] / m[F_SERVICE]);
	printf("    VRAM allocation (svm_migrate_alloc_ns)                      %7.3f ms %5.1f%%\n",
	       m[F_ALLOC] / 1e6, 100 * m[F_ALLOC] / m[F_SERVICE]);
	printf("    copy to VRAM (svm_copy_to_vram_ns)                          %7.3f ms %5.1f%%  <- the copy's share\n",
	       m[F_COPY] / 1e6, 100 * m[F_COPY] / m[F_SERVICE]);
	printf("    core mm: migrate_vma_setup/pages/finalize (svm_mm_to_vram_ns) %4.3f ms %5.1f%%\n",
	       m[F_MM] / 1e6, 100 * m[F_MM] / m[F_SERVICE]);
	printf("    rest of migration (svm_migrate_to_vram_ns - the above)      %7.3f ms %5.1f%%\n",
	       m[F_MIGRATE] / 1e6, 100 * m[F_MIGRATE] / m[F_SERVICE]);
	printf("    bind and the rest (svm_fault_ns_2m - those)                 %7.3f ms %5.1f%%\n",
	       m[F_BIND] / 1e6, 100 * m[F_BIND] / m[F_SERVICE]);
	printf("  copy to VRAM against memcpy() of 2 MiB: %.2f (copy time / memcpy time); last run: %" PRId64 " migrations of 2 MiB, %" PRId64 " of 64 KiB, %" PRId64 " of 4 KiB, %" PRId64 " pages\n",
	       m[F_COPY] / m[F_MEMCPY], d.v[S_TO_VRAM_2M], d.v[S_TO_VRAM_64K],
	       d.v[S_TO_VRAM_4K], d.v[S_TO_VRAM_PAGES]);
	printf("  core mm against memcpy() of 2 MiB: %.2f (mm time / memcpy time); the copy's share of copy + core mm alone: %.2f, the most the share could be with every other cost gone\n",
	       m[F_MM] / m[F_MEMCPY], m[F_COPY] / (m[F_COPY] + m[F_MM]));
	return 0;
}

/* ---- reports ---- */

/* "(runs: MIN-MAX MiB/s)" of the sorted times @v. */
static const char *spread(const double *v)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "(runs: %.0f-%.0f MiB/s)",
		 mib_s(v[REPS - 1]), mib_s(v[0]));
	return buf;
}

/*
 * The last run's migrations of a prefetch, per 2 MiB: all of it (@total),
 * the copy and the core mm's part; and the ceiling the core mm puts on the
 * ratio to memcpy() (@memcpy_secs for the buffer): with a copy that took
 * no time, the prefetch could not beat memcpy time / core mm time.
 */
static void print_split(const struct stats *d, int total, int copy, int mm,
			double memcpy_secs)
{
	bool to_vram = total == S_TO_VRAM_NS;
	double n = B.size / SZ_2M, mm_secs = d->v[mm] / 1e9;

	printf("    last run: %" PRId64 " migrations, %" PRId64 " pages; per 2 MiB: migration %.2f ms, of it",
	       to_vram ? d->v[S_TO_VRAM_2M] + d->v[S_TO_VRAM_64K] +
			 d->v[S_TO_VRAM_4K] : d->v[S_TO_RAM],
	       d->v[to_vram ? S_TO_VRAM_PAGES : S_TO_RAM_PAGES],
	       per(d->v[total], n) / 1e6);
	if (to_vram)
		printf(" VRAM allocation %.2f ms,", per(d->v[S_ALLOC_NS], n) / 1e6);
	printf(" copy %.2f ms, core mm (migrate_vma_setup/pages/finalize) %.2f ms\n",
	       per(d->v[copy], n) / 1e6, per(d->v[mm], n) / 1e6);
	if (mm_secs > 0)
		printf("    ceiling set by the core mm alone: ratio %.2f to memcpy() (memcpy time / core mm time; what a copy taking no time would reach)\n",
		       memcpy_secs / mm_secs);
}

static void print_side(const char *who, struct side *s, bool gpu)
{
	double m[M_COUNT];
	int i;

	/* Sorts each array: s->v[i][0] is then the least. */
	for (i = 0; i < M_COUNT; i++)
		m[i] = bench_median(s->v[i], REPS);
	printf("%s, %zu MiB, memcpy() %.0f MiB/s %s; ", who, B.size >> 20,
	       mib_s(m[M_MEMCPY]), spread(s->v[M_MEMCPY]));
	if (s->thp_mib < 0)
		printf("THP backing of the source unknown (no /proc/kpageflags)\n");
	else
		printf("source backed by THP: %ld of %zu MiB (last run)\n",
		       s->thp_mib, B.size >> 20);
	printf("  system -> %s, %s: %.0f MiB/s %s, ratio %.2f\n",
	       gpu ? "VRAM" : "device",
	       gpu ? "OP_PREFETCH (the VM_BIND ioctl: migrate, VRAM allocation, copy-engine copy, GPU mapping)" :
		     "HMM_DMIRROR_MIGRATE_TO_DEV (the ioctl: migrate 64 pages a call, CPU copy, then a read of it all through a vmalloc() bounce buffer and copy_to_user())",
	       mib_s(m[M_TO_VRAM]), spread(s->v[M_TO_VRAM]), m[M_R_TO_VRAM]);
	if (gpu && B.stats.ok)
		print_split(&s->to_vram, S_TO_VRAM_NS, S_COPY_TO_VRAM_NS,
			    S_MM_TO_VRAM_NS, s->v[M_MEMCPY][REPS / 2]);
	printf("  %s -> system, %s: %.0f MiB/s %s, ratio %.2f\n",
	       gpu ? "VRAM" : "device",
	       gpu ? "OP_PREFETCH with PREFETCH_SYSTEM (the ioctl)" :
		     "HMM_DMIRROR_MIGRATE_TO_SYS (the ioctl: migrate 64 pages a call, CPU copy)",
	       mib_s(m[M_TO_SYS]), spread(s->v[M_TO_SYS]), m[M_R_TO_SYS]);
	if (gpu && B.stats.ok)
		print_split(&s->to_sys, S_TO_RAM_NS, S_COPY_TO_RAM_NS,
			    S_MM_TO_RAM_NS, s->v[M_MEMCPY][REPS / 2]);
	printf("  %s -> system by CPU faults (memcpy() out of migrated memory, against memcpy() out of system memory; %s): %.0f MiB/s %s, ratio %.2f\n",
	       gpu ? "VRAM" : "device",
	       gpu ? "each CPU fault migrates a block back" :
		     "each CPU fault migrates one page back",
	       mib_s(m[M_CPU_BACK]), spread(s->v[M_CPU_BACK]),
	       m[M_R_CPU_BACK]);
	if (gpu && B.stats.ok)
		printf("    last run: %" PRId64 " CPU faults, %" PRId64 " migrations, %" PRId64 " pages (%.1f pages a migration); migration %.1f ms, of it copy %.1f ms, of %.1f ms\n",
		       s->cpu_back.v[S_CPU_FAULTS], s->cpu_back.v[S_TO_RAM],
		       s->cpu_back.v[S_TO_RAM_PAGES],
		       per(s->cpu_back.v[S_TO_RAM_PAGES],
			   s->cpu_back.v[S_TO_RAM]),
		       s->cpu_back.v[S_TO_RAM_NS] / 1e6,
		       s->cpu_back.v[S_COPY_TO_RAM_NS] / 1e6,
		       s->cpu_back_secs * 1e3);
}

/* svmgpu against test_hmm: ratios of the medians (throughputs). */
static void print_peer(struct side *gpu, struct side *hmm)
{
	const char *what[] = { "to the device", "to system", "by CPU faults" };
	int i;

	printf("svmgpu / test_hmm (throughput, medians):");
	for (i = M_TO_VRAM; i <= M_CPU_BACK; i++)
		printf("%s %s %.2f (%.0f / %.0f MiB/s)", i > M_TO_VRAM ? ";" : "",
		       what[i - M_TO_VRAM],
		       bench_median(hmm->v[i], REPS) /
		       bench_median(gpu->v[i], REPS),
		       mib_s(bench_median(gpu->v[i], REPS)),
		       mib_s(bench_median(hmm->v[i], REPS)));
	printf("\n  test_hmm's migration to the device also reads all of it back through a bounce buffer; svmgpu's does not\n");
}

static int figures(uint8_t *golden, uint8_t *dst)
{
	static struct side gpu, hmm;
	unsigned int rep;
	bool loaded;
	int fd, status = 1;

	if (warm_up(-1, dst))
		return 1;
	for (rep = 0; rep < REPS; rep++)
		if (gpu_run(&gpu, rep, golden, dst))
			return 1;
	print_side("svmgpu", &gpu, true);

	fd = dmirror_open(&loaded);
	if (fd >= 0) {
		if (warm_up(fd, dst))
			goto out;
		for (rep = 0; rep < REPS; rep++)
			if (hmm_run(fd, &hmm, rep, golden, dst))
				goto out;
		print_side("test_hmm", &hmm, false);
		print_peer(&gpu, &hmm);
	}
	status = figure_fault(golden, dst);
out:
	if (fd >= 0)
		dmirror_close(fd, loaded);
	return status;
}

int main(int argc, char **argv)
{
	struct svmgpu_device_info info;
	uint8_t *golden, *dst;
	int ret, status = 1;

	B.size = (argc > 1 ? strtoull(argv[1], NULL, 0) : 64) << 20;
	if (!B.size || B.size % SZ_2M) {
		fprintf(stderr, "usage: %s [MiB, a multiple of 2]\n", argv[0]);
		return 2;
	}
	ret = svmgpu_device_open(0, &B.dev);
	if (ret)
		return DIE("open", ret);
	ret = svmgpu_device_get_info(B.dev, &info);
	if (ret)
		return DIE("device info", ret);
	if (!svmgpu_device_has_svm_migrate(B.dev)) {
		fprintf(stderr, "%s: the driver does not report SVM migration (DRM_SVMGPU_FEATURE_SVM_MIGRATE)\n",
			NAME);
		return 1;
	}
	bench_stats_init(&B.stats, svmgpu_device_fd(B.dev), stat_names,
			 S_COUNT, "the driver's own figures are");
	printf("%s: %zu MiB of malloc'd memory (posix_memalign(), 2 MiB aligned: %zu ranges of 2 MiB), VRAM %" PRIu64 " MiB; %d runs, medians; ratios against memcpy() of the same bytes between CPU-touched buffers, in the same run (throughput: above 1 is faster than memcpy())\n",
	       NAME, B.size >> 20, B.size / SZ_2M, info.vram_size >> 20, REPS);

	golden = alloc_buf(B.size);
	dst = alloc_buf(B.size);
	B.cmds = map_aligned(SZ_2M);
	if (!golden || !dst || B.cmds == MAP_FAILED)
		return DIE("malloc", -ENOMEM);
	memset(B.cmds, 0, SZ_2M);
	ret = svmgpu_cs_new(&B.cs);
	if (!ret)
		ret = bench_svm_queue(B.dev, &B.vm, &B.q);
	if (ret) {
		DIE("mirroring VM and queue", ret);
		goto out;
	}

	status = figures(golden, dst);
out:
	svmgpu_queue_del(B.q);
	svmgpu_vm_del(B.vm);
	svmgpu_cs_del(B.cs);
	svmgpu_device_del(B.dev);
	free(dst);
	free(golden);
	return status;
}
