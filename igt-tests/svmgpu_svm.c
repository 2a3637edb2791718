// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_svm - shared virtual memory (uAPI 1.3): fault-mode VMs that
 * mirror the process, so that the GPU dereferences CPU pointers.
 *
 * The GPU reads and writes every kind of process memory (malloc, private
 * and shared anonymous mappings, never-touched pages, the stack, private
 * and shared file mappings, memfd, THP, hugetlbfs, mlocked memory), of
 * every size from 4 KiB to 64 MiB, aligned or not. It follows every
 * change of the CPU mapping: munmap, MAP_FIXED, mremap, madvise, mprotect,
 * copy-on-write after fork. It is refused what the CPU mapping refuses,
 * and such a fault bans only its own queue. CPU and GPU are coherent: a
 * CPU polling a user fence, atomics from both, a ping-pong in one job.
 * Threads, processes, two VMs and two devices share memory; a process
 * that exits or closes its file with jobs in flight leaves nothing
 * behind. Every ioctl of the feature rejects bad input.
 *
 * Jobs run in fault-mode VMs, which publish no dma-fence: a job reports
 * completion by the GPU writing a user fence, which the tests wait for
 * with WAIT_USER_FENCE and a deadline; a failed job shows as -ECANCELED,
 * its queue banned. Command buffers live in malloc'd memory (and, in
 * cmd-buffer-memory, in every other kind). The CPU checks all data.
 *
 * Every subtest requires DRM_SVMGPU_FEATURE_SVM and skips without it.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu shared virtual memory: the GPU on CPU "
		     "pointers, mirroring, invalidation, permissions, "
		     "coherence, fork, teardown, bad input.");

/* Command-buffer pool of a context, malloc'd. */
#define POOL		SZ_1M
#define CANARY		0xa5
#define NSEC_PER_SEC	1000000000ull

#define FAULT		DRM_SVMGPU_VM_CREATE_FAULT_MODE

/* The stack buffer of the "stack" memory type. */
#define STACK_BYTES	(32 * 1024)

static int svmgpu_fd = -1;

static void require_svm(int fd)
{
	igt_require_f(svmgpu_has_svm(fd),
		      "svmgpu lacks DRM_SVMGPU_FEATURE_SVM (uAPI 1.3)\n");
}

/* How long closing a file or reaping a process may take. */
static uint64_t teardown_limit_ns(void)
{
	return svmgpu_job_timeout_ms() >= 0 ? svmgpu_hang_wait_ns() :
					      120 * NSEC_PER_SEC;
}

/* --- Small helpers -------------------------------------------------------- */

static uint8_t *canary_alloc(size_t size)
{
	uint8_t *p = malloc(size);

	igt_assert(p);
	memset(p, CANARY, size);

	return p;
}


/* Asserts that @size bytes at @p are all @byte. */
static void assert_all(const volatile void *p, size_t size, uint8_t byte,
		       const char *what)
{
	uint64_t at = svmgpu_check_byte((const void *)p, size, byte);

	igt_assert_f(at == size, "%s: byte %" PRIu64 " of %zu is %#x, "
		     "expected %#x\n", what, at, size,
		     ((const volatile uint8_t *)p)[at], byte);
}

/* Asserts that the @size bytes at @p are 32-bit words of @value. */
static void assert_words(const volatile void *p, size_t size, uint32_t value,
			 const char *what)
{
	const volatile uint32_t *w = p;
	size_t i;

	for (i = 0; i < size / 4; i++)
		igt_assert_f(w[i] == value, "%s: word %zu is %#x, expected "
			     "%#x\n", what, i, w[i], value);
}

/*
 * The GPU reads @size bytes at @src: COPY into a canary-filled malloc'd
 * buffer, which must then hold @want, and nothing around it changed.
 */
static void gpu_read_check(struct svmgpu_svm *svm, const volatile void *src,
			   const void *want, size_t size)
{
	uint8_t *dst = canary_alloc(size + 128);
	int ret;

	ret = svmgpu_svm_copy(svm, src, dst + 64, size);
	igt_assert_f(ret == 0, "GPU read of %zu bytes at %p failed\n", size,
		     (const void *)src);
	svmgpu_assert_bytes(dst + 64, want, size, "GPU read");
	assert_all(dst, 64, CANARY, "before the GPU read's destination");
	assert_all(dst + 64 + size, 64, CANARY,
		   "after the GPU read's destination");
	free(dst);
}

/* The GPU reads @size bytes at @src as zeros. */
static void gpu_read_zero(struct svmgpu_svm *svm, const volatile void *src,
			  size_t size)
{
	uint8_t *zero = calloc(1, size);

	igt_assert(zero);
	gpu_read_check(svm, src, zero, size);
	free(zero);
}

/*
 * A GPU read of @src fails: its job fails and bans its queue (asserted by
 * svmgpu_svm_run_new_queue()), and its destination is left alone.
 */
static void gpu_read_fails(struct svmgpu_svm *svm, const volatile void *src,
			   size_t size)
{
	uint8_t *dst = canary_alloc(size);

	igt_assert_f(svmgpu_svm_copy(svm, src, dst, size) == -ECANCELED,
		     "GPU read of %zu bytes at %p succeeded\n", size,
		     (const void *)src);
	assert_all(dst, size, CANARY, "destination of a failed GPU read");
	free(dst);
}

/* A pattern of @size bytes in a new malloc'd buffer. */
static uint8_t *pattern_alloc(size_t size, uint32_t seed)
{
	uint8_t *p = malloc(size);

	igt_assert(p);
	svmgpu_fill_pattern(p, size, seed);

	return p;
}


/* Polls a 64-bit word until it is @want, for at most @timeout_ns. */
static bool poll_u64(const volatile uint64_t *p, uint64_t want,
		     uint64_t timeout_ns)
{
	struct timespec start = {};

	igt_nsec_elapsed(&start);
	while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != want)
		if (igt_nsec_elapsed(&start) > timeout_ns)
			return false;

	return true;
}

/* --- hugetlbfs pages ------------------------------------------------------ */

#define NR_HUGEPAGES	"/proc/sys/vm/nr_hugepages"

/* nr_hugepages before hugetlb_map() changed it, or -1. */
static long hugetlb_saved = -1;

static long read_long(const char *path)
{
	char buf[64];

	if (svmgpu_read_small(path, buf, sizeof(buf)))
		return -1;

	return strtol(buf, NULL, 10);
}

static bool write_long(const char *path, long value)
{
	char buf[32];
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	snprintf(buf, sizeof(buf), "%ld\n", value);
	ok = write(fd, buf, strlen(buf)) == (ssize_t)strlen(buf);
	close(fd);

	return ok;
}

/* Puts nr_hugepages back as it was before hugetlb_map(). */
static void hugetlb_restore(void)
{
	if (hugetlb_saved < 0)
		return;
	igt_warn_on(!write_long(NR_HUGEPAGES, hugetlb_saved));
	hugetlb_saved = -1;
}

/*
 * Maps @size bytes of hugetlbfs memory. When the pool has no free page,
 * asks for @size more (root only) and puts the pool back afterwards, in
 * hugetlb_restore().
 */
static void *hugetlb_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	long pages;

	if (p != MAP_FAILED)
		return p;

	pages = read_long(NR_HUGEPAGES);
	if (pages >= 0 && hugetlb_saved < 0 &&
	    write_long(NR_HUGEPAGES, pages + size / SZ_2M)) {
		hugetlb_saved = pages;
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	}
	igt_require_f(p != MAP_FAILED, "no hugetlbfs pages: %s\n",
		      strerror(errno));

	return p;
}

/* --- Memory types --------------------------------------------------------- */

enum mem_kind {
	MEM_MALLOC,
	MEM_ANON_PRIVATE,
	MEM_ANON_SHARED,
	MEM_UNTOUCHED,
	MEM_STACK,
	MEM_FILE_PRIVATE,
	MEM_FILE_SHARED,
	MEM_MEMFD,
	MEM_THP,
	MEM_HUGETLB,
	MEM_MLOCK,
};

struct mem_type {
	const char *name;
	enum mem_kind kind;
	size_t size;
};

static const struct mem_type mem_types[] = {
	{ "malloc-4k", MEM_MALLOC, SZ_4K },
	/* Beyond glibc's mmap threshold (128 KiB): a chunk of its own. */
	{ "malloc-1m", MEM_MALLOC, SZ_1M },
	{ "anon-private", MEM_ANON_PRIVATE, SZ_2M },
	{ "anon-shared", MEM_ANON_SHARED, SZ_2M },
	{ "never-touched", MEM_UNTOUCHED, SZ_2M },
	{ "stack", MEM_STACK, STACK_BYTES },
	{ "file-private", MEM_FILE_PRIVATE, SZ_2M },
	{ "file-shared", MEM_FILE_SHARED, SZ_2M },
	{ "memfd", MEM_MEMFD, SZ_2M },
	{ "thp", MEM_THP, 2 * SZ_2M },
	{ "hugetlb", MEM_HUGETLB, 2 * SZ_2M },
	{ "mlock", MEM_MLOCK, SZ_1M },
};

/* One region of a memory type, and what it holds. */
struct mem {
	const struct mem_type *type;
	/** @ptr: The region. */
	uint8_t *ptr;
	/** @size: Its size. */
	size_t size;
	/** @map: What to munmap, or NULL. */
	void *map;
	/** @map_size: Its size. */
	size_t map_size;
	/** @heap: What to free(), or NULL. */
	void *heap;
	/** @file: The file behind the mapping, or -1. */
	int file;
	/** @init: What the region held before the GPU touched it. */
	uint8_t *init;
};

/* Whether writes through the mapping reach its file. */
static bool mem_shares_file(const struct mem *m)
{
	return m->type->kind == MEM_FILE_SHARED || m->type->kind == MEM_MEMFD;
}

/*
 * Sets up a region of type @t. Its contents are a pattern seeded with
 * @seed, written by the CPU, except that never-touched memory is left
 * alone (zeros), and that file contents are written with pwrite(), so
 * that the CPU never touches the mapping itself. @stack is the caller's
 * STACK_BYTES buffer, for MEM_STACK.
 */
static void mem_init(struct mem *m, const struct mem_type *t, void *stack,
		     uint32_t seed)
{
	int flags = MAP_PRIVATE;

	memset(m, 0, sizeof(*m));
	m->type = t;
	m->size = t->size;
	m->file = -1;
	m->init = pattern_alloc(m->size, seed);

	switch (t->kind) {
	case MEM_MALLOC:
		m->heap = malloc(m->size);
		igt_assert(m->heap);
		m->ptr = m->heap;
		break;
	case MEM_ANON_SHARED:
		flags = MAP_SHARED;
		/* fall through */
	case MEM_ANON_PRIVATE:
	case MEM_UNTOUCHED:
		m->map_size = m->size;
		m->map = svmgpu_map_anon(m->size, PROT_READ | PROT_WRITE,
					 flags);
		m->ptr = m->map;
		break;
	case MEM_STACK:
		m->ptr = stack;
		break;
	case MEM_FILE_SHARED:
		flags = MAP_SHARED;
		/* fall through */
	case MEM_FILE_PRIVATE:
	case MEM_MEMFD:
		if (t->kind == MEM_MEMFD) {
			flags = MAP_SHARED;
			m->file = memfd_create("svmgpu-svm", MFD_CLOEXEC);
			igt_assert_f(m->file >= 0, "memfd_create: %s\n",
				     strerror(errno));
			igt_assert_eq(ftruncate(m->file, m->size), 0);
		} else {
			m->file = svmgpu_tmpfile(m->size);
		}
		igt_assert_eq(pwrite(m->file, m->init, m->size, 0),
			      (ssize_t)m->size);
		m->map_size = m->size;
		m->map = mmap(NULL, m->size, PROT_READ | PROT_WRITE, flags,
			      m->file, 0);
		igt_assert(m->map != MAP_FAILED);
		m->ptr = m->map;
		break;
	case MEM_THP:
		igt_require_f(svmgpu_thp_enabled(),
			      "transparent hugepages are disabled\n");
		m->map_size = m->size;
		m->map = svmgpu_map_aligned(m->size, SZ_2M);
		igt_assert_eq(madvise(m->map, m->size, MADV_HUGEPAGE), 0);
		m->ptr = m->map;
		break;
	case MEM_HUGETLB:
		m->map_size = m->size;
		m->map = hugetlb_map(m->size);
		m->ptr = m->map;
		break;
	case MEM_MLOCK:
		m->map_size = m->size;
		m->map = svmgpu_map_anon(m->size, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE);
		m->ptr = m->map;
		igt_require_f(mlock(m->ptr, m->size) == 0, "mlock: %s\n",
			      strerror(errno));
		break;
	}

	switch (t->kind) {
	case MEM_UNTOUCHED:
		memset(m->init, 0, m->size);
		break;
	case MEM_FILE_PRIVATE:
	case MEM_FILE_SHARED:
	case MEM_MEMFD:
		break;
	default:
		memcpy(m->ptr, m->init, m->size);
		break;
	}

	if (t->kind == MEM_THP)
		igt_info("thp: %" PRIu64 " KiB of AnonHugePages\n",
			 svmgpu_smaps_field(m->ptr, "AnonHugePages") >> 10);
}

static void mem_fini(struct mem *m)
{
	if (m->map)
		svmgpu_unmap(m->map, m->map_size);
	if (m->file >= 0)
		close(m->file);
	free(m->heap);
	free(m->init);
	if (m->type->kind == MEM_HUGETLB)
		hugetlb_restore();
	memset(m, 0, sizeof(*m));
}

/* The file behind @m, read back: @size bytes in a new buffer. */
static uint8_t *mem_file_read(const struct mem *m)
{
	uint8_t *buf = malloc(m->size);

	igt_assert(buf);
	igt_assert_eq(pread(m->file, buf, m->size, 0), (ssize_t)m->size);

	return buf;
}

/*
 * The GPU reads the region, whole and at odd offsets; then the CPU
 * changes a few bytes through the mapping (a copy-on-write of a private
 * file page, a first write to a never-touched page) and the GPU sees them.
 */
static void test_mem_read(int fd, const struct mem_type *t)
{
	uint8_t stack[STACK_BYTES] __attribute__((aligned(64)));
	struct svmgpu_svm svm;
	struct mem m;
	size_t at[3];
	unsigned int i;

	require_svm(fd);
	mem_init(&m, t, stack, 0x5ead);
	svmgpu_svm_init(&svm, fd, POOL);

	gpu_read_check(&svm, m.ptr, m.init, m.size);
	gpu_read_check(&svm, m.ptr + 1, m.init + 1, m.size - 3);
	gpu_read_check(&svm, m.ptr + m.size / 2 - 5, m.init + m.size / 2 - 5,
		       11);

	at[0] = 0;
	at[1] = m.size / 2 + 3;
	at[2] = m.size - 1;
	for (i = 0; i < ARRAY_SIZE(at); i++) {
		m.init[at[i]] ^= 0xff;
		((volatile uint8_t *)m.ptr)[at[i]] = m.init[at[i]];
	}
	gpu_read_check(&svm, m.ptr, m.init, m.size);

	mem_fini(&m);
	svmgpu_svm_fini(&svm);
}

/*
 * The GPU writes the region: a byte-granular COPY into all but its first
 * and last byte, then FILLs of its first and last words. The CPU sees
 * exactly that; a shared file mapping's writes reach the file, a private
 * one's do not.
 */
static void test_mem_write(int fd, const struct mem_type *t)
{
	uint8_t stack[STACK_BYTES] __attribute__((aligned(64)));
	const uint32_t fill = 0xf111f00d;
	struct svmgpu_svm svm;
	uint8_t *src, *want, *file;
	struct mem m;

	require_svm(fd);
	mem_init(&m, t, stack, 0x3717e);
	svmgpu_svm_init(&svm, fd, POOL);
	src = pattern_alloc(m.size, 0xc0b1);
	want = malloc(m.size);
	igt_assert(want);
	memcpy(want, m.init, m.size);

	igt_assert_eq(svmgpu_svm_copy(&svm, src, m.ptr + 1, m.size - 2), 0);
	memcpy(want + 1, src, m.size - 2);
	igt_assert_eq(svmgpu_svm_fill(&svm, m.ptr, fill, 4), 0);
	igt_assert_eq(svmgpu_svm_fill(&svm, m.ptr + m.size - 4, fill, 4), 0);
	memcpy(want, &fill, 4);
	memcpy(want + m.size - 4, &fill, 4);
	svmgpu_assert_bytes(m.ptr, want, m.size, "CPU read after GPU writes");

	if (m.file >= 0) {
		file = mem_file_read(&m);
		if (mem_shares_file(&m))
			svmgpu_assert_bytes(file, want, m.size,
				     "file after GPU writes");
		else
			svmgpu_assert_bytes(file, m.init, m.size,
				     "file behind a private mapping");
		free(file);
	}

	/* And back: what the CPU writes now, the GPU reads. */
	want[m.size / 2] ^= 0x5a;
	((volatile uint8_t *)m.ptr)[m.size / 2] = want[m.size / 2];
	gpu_read_check(&svm, m.ptr, want, m.size);

	free(want);
	free(src);
	mem_fini(&m);
	svmgpu_svm_fini(&svm);
}

/* --- Sizes and alignment -------------------------------------------------- */

static const struct size_case {
	const char *name;
	size_t size;
	bool unaligned;
} size_cases[] = {
	{ "4k", SZ_4K, false },
	{ "4k-unaligned", SZ_4K, true },
	{ "64k", SZ_64K, false },
	{ "64k-unaligned", SZ_64K, true },
	{ "2m", SZ_2M, false },
	{ "2m-unaligned", SZ_2M, true },
	{ "16m", 16 * SZ_1M, false },
	{ "16m-unaligned", 16 * SZ_1M, true },
	{ "64m", 64 * SZ_1M, false },
	{ "64m-unaligned", 64 * SZ_1M, true },
};

/*
 * COPY between anonymous mappings: aligned is a 2 MiB aligned source,
 * a page aligned destination and a whole size; unaligned starts 4095
 * bytes into the source and 3 into the destination and is 5 bytes short.
 * The destination is canary-filled around the copy. Aligned cases also
 * FILL a never-touched mapping of the size.
 */
static void test_size(int fd, const struct size_case *c)
{
	const size_t soff = c->unaligned ? SZ_4K - 1 : 0;
	const size_t doff = c->unaligned ? 3 : 0;
	const size_t len = c->unaligned ? c->size - 5 : c->size;
	const size_t span = c->size + 2 * SZ_4K;
	struct svmgpu_svm svm;
	uint8_t *src, *dst;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	src = svmgpu_map_aligned(span, SZ_2M);
	svmgpu_fill_pattern(src, span, 0x512e);
	dst = svmgpu_map_anon(span, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memset(dst, CANARY, span);

	igt_assert_eq(svmgpu_svm_copy(&svm, src + soff, dst + SZ_4K + doff,
				      len), 0);
	assert_all(dst, SZ_4K + doff, CANARY, "before the copy");
	svmgpu_assert_bytes(dst + SZ_4K + doff, src + soff, len, "copy");
	assert_all(dst + SZ_4K + doff + len, span - SZ_4K - doff - len,
		   CANARY, "after the copy");

	if (!c->unaligned) {
		uint8_t *fresh = svmgpu_map_anon(c->size,
						 PROT_READ | PROT_WRITE,
						 MAP_PRIVATE);

		igt_assert_eq(svmgpu_svm_fill(&svm, fresh, 0x5a5a5a5a,
					      c->size), 0);
		assert_all(fresh, c->size, 0x5a, "fill");
		svmgpu_unmap(fresh, c->size);
	}

	svmgpu_unmap(dst, span);
	svmgpu_unmap(src, span);
	svmgpu_svm_fini(&svm);
}

/* --- Where the command buffer lives --------------------------------------- */

enum cmd_where {
	CMD_MALLOC,
	CMD_STACK,
	CMD_ANON,
	CMD_ANON_STRADDLE,
	CMD_FILE,
	CMD_BO,
};

static const struct {
	const char *name;
	enum cmd_where where;
} cmd_cases[] = {
	{ "malloc", CMD_MALLOC },
	{ "stack", CMD_STACK },
	{ "anon-mmap", CMD_ANON },
	{ "page-straddle", CMD_ANON_STRADDLE },
	{ "file-shared", CMD_FILE },
	{ "bo-in-mirror", CMD_BO },
};

/*
 * The engine fetches the command buffer through the mirror like any
 * other data: malloc'd memory, the stack, an anonymous mapping (also
 * straddling into a page the CPU wrote last), a shared file mapping, or a
 * BO bound with OP_MAP inside the mirror, at an address whose CPU
 * mapping is PROT_NONE. The job writes a word and copies a buffer.
 */
static void test_cmd_buffer(int fd, enum cmd_where where)
{
	uint32_t stack[64] __attribute__((aligned(64)));
	struct svmgpu_buf bo = { .fd = -1 };
	uint8_t *region = NULL, *src, *dst;
	volatile uint32_t *word;
	uint64_t gpu_addr = 0;
	struct svmgpu_svm svm;
	struct svmgpu_cs cs;
	size_t region_size = 2 * SZ_4K;
	uint32_t queue;
	void *cpu = NULL;
	int file = -1;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	src = pattern_alloc(SZ_64K, 0xc3d);
	dst = canary_alloc(SZ_64K);
	word = svmgpu_page_alloc();

	switch (where) {
	case CMD_MALLOC:
		svmgpu_svm_cs(&svm, &cs, 256);
		break;
	case CMD_STACK:
		svmgpu_cs_init(&cs, stack, svmgpu_ptr(stack), sizeof(stack));
		break;
	case CMD_ANON:
	case CMD_ANON_STRADDLE:
		region = svmgpu_map_anon(region_size, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE);
		cpu = where == CMD_ANON ? region : region + SZ_4K - 20;
		svmgpu_cs_init(&cs, cpu, svmgpu_ptr(cpu), 256);
		break;
	case CMD_FILE:
		file = svmgpu_tmpfile(region_size);
		region = mmap(NULL, region_size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, file, 0);
		igt_assert(region != MAP_FAILED);
		svmgpu_cs_init(&cs, region, svmgpu_ptr(region), 256);
		break;
	case CMD_BO:
		/* Never touched by the GPU: OP_MAP may replace it. */
		region_size = SZ_64K;
		region = svmgpu_map_anon(region_size, PROT_NONE, MAP_PRIVATE);
		svmgpu_buf_create(&bo, fd, region_size,
				  SVMGPU_PLACEMENT_BOTH, 0);
		svmgpu_vm_map(fd, svm.vm, bo.handle, 0, svmgpu_ptr(region),
			      region_size, 0);
		gpu_addr = svmgpu_ptr(region);
		svmgpu_cs_init(&cs, bo.map, gpu_addr, 256);
		break;
	}

	svmgpu_cs_write32(&cs, svmgpu_ptr(word), 0xc0ffee);
	svmgpu_cs_copy(&cs, svmgpu_ptr(src), svmgpu_ptr(dst + 1), SZ_64K - 2);
	if (where == CMD_BO)
		svmgpu_cs_write32(&cs, gpu_addr + SZ_4K, 0xb0b0);
	svmgpu_cs_end(&cs);

	queue = svmgpu_svm_queue(&svm, 0);
	igt_assert_eq(svmgpu_svm_run(&svm, queue, &cs), 0);
	igt_assert_eq_u32(*word, 0xc0ffee);
	igt_assert_eq_u32(dst[0], CANARY);
	svmgpu_assert_bytes(dst + 1, src, SZ_64K - 2, "copy");
	igt_assert_eq_u32(dst[SZ_64K - 1], CANARY);
	if (where == CMD_BO)
		igt_assert_eq_u32(((volatile uint32_t *)bo.map)[SZ_4K / 4],
				  0xb0b0);

	/* The same buffer runs again, once the CPU changed it. */
	*word = 0;
	svmgpu_cs_reset(&cs);
	svmgpu_cs_write32(&cs, svmgpu_ptr(word), 0xbeef);
	svmgpu_cs_end(&cs);
	igt_assert_eq(svmgpu_svm_run(&svm, queue, &cs), 0);
	igt_assert_eq_u32(*word, 0xbeef);
	svmgpu_queue_destroy(fd, queue);

	if (where == CMD_BO) {
		svmgpu_vm_unmap(fd, svm.vm, gpu_addr, region_size);
		svmgpu_buf_destroy(&bo);
	}
	if (region)
		svmgpu_unmap(region, region_size);
	if (file >= 0)
		close(file);
	free((void *)word);
	free(dst);
	free(src);
	svmgpu_svm_fini(&svm);
}

/* --- Permissions ---------------------------------------------------------- */

enum ro_case {
	RO_BEFORE_GPU,		/* mprotect(PROT_READ) before GPU access */
	RO_AFTER_GPU_WRITE,	/* after the GPU wrote it read-write */
	RO_MAPPED_READONLY,	/* mmap(PROT_READ) of a file */
};

/*
 * A GPU write to read-only memory fails its job and bans its queue; the
 * memory is unchanged, and another queue of the VM, with a job in flight
 * meanwhile, carries on. The GPU may still read it. After
 * mprotect(PROT_READ | PROT_WRITE), a new queue's write succeeds.
 */
static void test_write_readonly(int fd, enum ro_case c)
{
	const size_t size = SZ_64K;
	volatile uint32_t *gate;
	struct svmgpu_svm svm;
	struct svmgpu_cs cs;
	uint8_t *p, *want, *src, *dst;
	uint32_t other;
	int file = -1;
	uint64_t fence_value = 1;
	volatile uint64_t *fence;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	want = pattern_alloc(size, 0x20);
	src = pattern_alloc(size, 0x21);
	dst = canary_alloc(size);

	if (c == RO_MAPPED_READONLY) {
		file = svmgpu_tmpfile(size);
		igt_assert_eq(pwrite(file, want, size, 0), (ssize_t)size);
		p = mmap(NULL, size, PROT_READ, MAP_SHARED, file, 0);
		igt_assert(p != MAP_FAILED);
	} else {
		p = svmgpu_map_anon(size, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		memcpy(p, want, size);
		if (c == RO_AFTER_GPU_WRITE) {
			igt_assert_eq(svmgpu_svm_copy(&svm, src, p, size), 0);
			memcpy(want, src, size);
		}
		igt_assert_eq(mprotect(p, size, PROT_READ), 0);
	}

	/*
	 * Another queue, with a job held at a gate while the fault happens
	 * (not held on a single engine: it would hold the failing jobs too).
	 */
	gate = svmgpu_page_alloc();
	fence = (volatile uint64_t *)(gate + 16);
	other = svmgpu_svm_queue(&svm, 1 % svmgpu_num_engines(fd));
	svmgpu_svm_cs(&svm, &cs, 256);
	if (svmgpu_num_engines(fd) >= 2)
		svmgpu_cs_wait_mem(&cs, DRM_SVMGPU_WAIT_EQ, svmgpu_ptr(gate), 1,
				   0xffffffff);
	svmgpu_cs_copy(&cs, svmgpu_ptr(src), svmgpu_ptr(dst), size);
	svmgpu_cs_end(&cs);
	svmgpu_svm_submit(fd, other, &cs, fence, fence_value);

	igt_assert_eq(svmgpu_svm_fill(&svm, p, 0xbad, size), -ECANCELED);
	igt_assert_eq(svmgpu_svm_write32(&svm, p + size - 4, 0xbad),
		      -ECANCELED);
	svmgpu_assert_bytes(p, want, size, "read-only memory after GPU writes");
	gpu_read_check(&svm, p, want, size);

	__atomic_store_n(gate, 1, __ATOMIC_RELEASE);
	igt_assert_eq(svmgpu_svm_wait(fd, other, fence, fence_value), 0);
	svmgpu_assert_bytes(dst, src, size, "the other queue's copy");
	igt_assert(!svmgpu_svm_banned(&svm, other));
	svmgpu_queue_destroy(fd, other);

	if (c != RO_MAPPED_READONLY) {
		igt_assert_eq(mprotect(p, size, PROT_READ | PROT_WRITE), 0);
		igt_assert_eq(svmgpu_svm_fill(&svm, p, 0x600d, size), 0);
		assert_words(p, size, 0x600d, "fill after mprotect");
	}

	svmgpu_unmap(p, size);
	if (file >= 0)
		close(file);
	free((void *)gate);
	free(dst);
	free(src);
	free(want);
	svmgpu_svm_fini(&svm);
}

/*
 * PROT_NONE memory: the GPU can neither read nor write it, also once it
 * had mapped it readable and writable; after mprotect(PROT_READ |
 * PROT_WRITE) a new queue reads the old contents and writes.
 */
static void test_prot_none(int fd)
{
	const size_t size = SZ_64K;
	struct svmgpu_svm svm;
	uint8_t *p, *q, *want;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	want = pattern_alloc(size, 0x707);
	p = svmgpu_map_anon(size, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memcpy(p, want, size);
	gpu_read_check(&svm, p, want, size);
	igt_assert_eq(svmgpu_svm_write32(&svm, p, *(uint32_t *)want), 0);

	igt_assert_eq(mprotect(p, size, PROT_NONE), 0);
	gpu_read_fails(&svm, p, size);
	gpu_read_fails(&svm, p + size - 4, 4);
	igt_assert_eq(svmgpu_svm_fill(&svm, p, 0xbad, size), -ECANCELED);

	igt_assert_eq(mprotect(p, size, PROT_READ | PROT_WRITE), 0);
	svmgpu_assert_bytes(p, want, size, "after mprotect");
	gpu_read_check(&svm, p, want, size);
	igt_assert_eq(svmgpu_svm_fill(&svm, p, 0x600d, size), 0);
	assert_words(p, size, 0x600d, "fill after mprotect");

	/* Mapped PROT_NONE from the start. */
	q = svmgpu_map_anon(size, PROT_NONE, MAP_PRIVATE);
	gpu_read_fails(&svm, q, size);
	igt_assert_eq(svmgpu_svm_write32(&svm, q, 1), -ECANCELED);
	igt_assert_eq(mprotect(q, size, PROT_READ), 0);
	assert_all(q, size, 0, "PROT_NONE memory the GPU wrote to");

	svmgpu_unmap(q, size);
	svmgpu_unmap(p, size);
	free(want);
	svmgpu_svm_fini(&svm);
}

/*
 * An svmgpu BO's own CPU mapping is VM_PFNMAP, not pageable memory: a
 * GPU access through it fails its job and bans its queue, the BO is
 * unchanged, and another queue carries on. The BO bound with OP_MAP
 * instead is what the GPU can use.
 */
static void test_bo_cpu_mapping(int fd, bool write)
{
	const size_t size = SZ_64K;
	struct svmgpu_svm svm;
	struct svmgpu_buf bo;
	uint8_t *want, *src, *dst, *area;
	uint32_t other;
	struct svmgpu_cs cs;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	other = svmgpu_svm_queue(&svm, 1 % svmgpu_num_engines(fd));
	want = pattern_alloc(size, 0xb0);
	svmgpu_buf_create(&bo, fd, size, SVMGPU_PLACEMENT_BOTH, 0);
	memcpy(bo.map, want, size);

	if (write) {
		igt_assert_eq(svmgpu_svm_fill(&svm, bo.map, 0xbad, size),
			      -ECANCELED);
		igt_assert_eq(svmgpu_svm_write32(&svm, (uint8_t *)bo.map +
						 size - 4, 0xbad),
			      -ECANCELED);
	} else {
		gpu_read_fails(&svm, bo.map, size);
		gpu_read_fails(&svm, (uint8_t *)bo.map + SZ_4K + 1, 3);
	}
	svmgpu_assert_bytes(bo.map, want, size, "BO after GPU access to its mmap");

	src = pattern_alloc(size, 0xb1);
	dst = canary_alloc(size);
	svmgpu_svm_cs(&svm, &cs, 64);
	svmgpu_cs_copy(&cs, svmgpu_ptr(src), svmgpu_ptr(dst), size);
	svmgpu_cs_end(&cs);
	igt_assert_eq(svmgpu_svm_run(&svm, other, &cs), 0);
	svmgpu_assert_bytes(dst, src, size, "the other queue's copy");
	igt_assert(!svmgpu_svm_banned(&svm, other));

	/* Bound, at a PROT_NONE place of the mirror, the GPU uses it. */
	area = svmgpu_map_anon(size, PROT_NONE, MAP_PRIVATE);
	svmgpu_vm_map(fd, svm.vm, bo.handle, 0, svmgpu_ptr(area), size, 0);
	gpu_read_check(&svm, area, want, size);
	igt_assert_eq(svmgpu_svm_fill(&svm, area + SZ_4K, 0xb0d, 8), 0);
	assert_words((uint8_t *)bo.map + SZ_4K, 8, 0xb0d, "BO through OP_MAP");
	svmgpu_vm_unmap(fd, svm.vm, svmgpu_ptr(area), size);
	svmgpu_unmap(area, size);

	svmgpu_queue_destroy(fd, other);
	svmgpu_buf_destroy(&bo);
	free(dst);
	free(src);
	free(want);
	svmgpu_svm_fini(&svm);
}

/*
 * An unrecoverable fault leaves a devcoredump that names the job's queue
 * and VM, the reason "fault" and the address of the refused write.
 */
static void test_devcoredump_fault(int fd)
{
	struct svmgpu_svm svm;
	struct svmgpu_cs cs;
	char value[64], *text, *end;
	uint64_t addr, fault;
	uint32_t queue;
	uint8_t *p;

	require_svm(fd);
	igt_require_f(svmgpu_has_devcoredump(),
		      "the kernel has no devcoredump\n");
	if (svmgpu_devcoredump_dismiss(fd))
		igt_info("dismissed a stale devcoredump\n");

	svmgpu_svm_init(&svm, fd, POOL);
	p = svmgpu_map_anon(SZ_4K, PROT_READ, MAP_PRIVATE);
	addr = svmgpu_ptr(p) + 0x124;
	svmgpu_svm_cs(&svm, &cs, 64);
	svmgpu_cs_write32(&cs, addr, 1);
	svmgpu_cs_end(&cs);
	queue = svmgpu_svm_queue(&svm, 0);
	igt_assert_eq(svmgpu_svm_run(&svm, queue, &cs), -ECANCELED);

	text = svmgpu_devcoredump_wait(fd, 10 * NSEC_PER_SEC);
	igt_assert_f(text, "no devcoredump after an unrecoverable fault\n");
	igt_debug("devcoredump:\n%s\n", text);
	igt_assert(svmgpu_devcoredump_field(text, "reason", value,
					    sizeof(value)));
	igt_assert_f(!strcmp(value, "fault"), "reason \"%s\"\n", value);
	igt_assert(svmgpu_devcoredump_field(text, "queue", value,
					    sizeof(value)));
	igt_assert_eq_u64(strtoull(value, NULL, 0), queue);
	igt_assert(svmgpu_devcoredump_field(text, "vm", value, sizeof(value)));
	igt_assert_eq_u64(strtoull(value, NULL, 0), svm.vm);
	igt_assert(svmgpu_devcoredump_field(text, "fault_address", value,
					    sizeof(value)));
	fault = strtoull(value, &end, 16);
	igt_assert_f(!strncmp(value, "0x", 2) && end != value,
		     "fault_address \"%s\" is not 0x<hex>\n", value);
	igt_assert_f(fault == addr || fault == (addr & ~(SZ_4K - 1)),
		     "fault_address %#" PRIx64 ", expected %#" PRIx64 "\n",
		     fault, addr);
	free(text);
	igt_assert_eq(svmgpu_devcoredump_dismiss(fd), 0);

	svmgpu_queue_destroy(fd, queue);
	svmgpu_unmap(p, SZ_4K);
	svmgpu_svm_fini(&svm);
}

/* --- Invalidation --------------------------------------------------------- */

enum unmap_part { UNMAP_ALL, UNMAP_FIRST_HALF, UNMAP_MIDDLE };

static const struct {
	const char *name;
	enum unmap_part part;
} unmap_cases[] = {
	{ "all", UNMAP_ALL },
	{ "first-half", UNMAP_FIRST_HALF },
	{ "middle", UNMAP_MIDDLE },
};

/*
 * The GPU reads a 4 MiB mapping; the CPU unmaps part of it. The GPU then
 * faults on the hole and still reads the rest; once new memory with new
 * contents is mapped at the hole (MAP_FIXED), the GPU reads it there, and
 * its writes land in it.
 */
static void test_munmap(int fd, enum unmap_part part)
{
	const size_t size = 4 * SZ_1M;
	size_t start, len;
	struct svmgpu_svm svm;
	uint8_t *p, *want, *hole;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	want = pattern_alloc(size, 0xa11);
	p = svmgpu_map_anon(size, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memcpy(p, want, size);
	gpu_read_check(&svm, p, want, size);

	switch (part) {
	case UNMAP_ALL:
		start = 0;
		len = size;
		break;
	case UNMAP_FIRST_HALF:
		start = 0;
		len = size / 2;
		break;
	default:
		start = SZ_1M + SZ_64K;
		len = SZ_1M + 3 * SZ_4K;
		break;
	}
	hole = p + start;
	svmgpu_unmap(hole, len);

	gpu_read_fails(&svm, hole, len);
	gpu_read_fails(&svm, hole + len - 1, 1);
	igt_assert_eq(svmgpu_svm_write32(&svm, hole, 1), -ECANCELED);
	if (start)
		gpu_read_check(&svm, p, want, start);
	if (start + len < size)
		gpu_read_check(&svm, hole + len, want + start + len,
			       size - start - len);

	igt_assert(mmap(hole, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		   hole);
	svmgpu_fill_pattern(want + start, len, 0xa12);
	memcpy(hole, want + start, len);
	gpu_read_check(&svm, p, want, size);
	igt_assert_eq(svmgpu_svm_fill(&svm, hole, 0x4e3, 8), 0);
	assert_words(hole, 8, 0x4e3, "GPU write to the new mapping");

	svmgpu_unmap(p, size);
	free(want);
	svmgpu_svm_fini(&svm);
}

/*
 * free() then malloc() of the same size, which glibc serves from the same
 * memory (a small chunk) or maps again (a chunk above the mmap threshold,
 * likely at the same address): the GPU sees the new contents.
 */
static void test_free_malloc(int fd, size_t size)
{
	struct svmgpu_svm svm;
	unsigned int round, reused = 0;
	uint8_t *a, *b, *want;
	uintptr_t first;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	want = malloc(size);
	igt_assert(want);

	for (round = 0; round < 8; round++) {
		a = malloc(size);
		igt_assert(a);
		svmgpu_fill_pattern(want, size, 0xf4ee + round);
		memcpy(a, want, size);
		gpu_read_check(&svm, a, want, size);
		igt_assert_eq(svmgpu_svm_fill(&svm, a, round, 4), 0);
		first = (uintptr_t)a;
		free(a);

		b = malloc(size);
		igt_assert(b);
		reused += (uintptr_t)b == first;
		svmgpu_fill_pattern(want, size, 0xbee + round);
		memcpy(b, want, size);
		gpu_read_check(&svm, b, want, size);
		free(b);
	}
	igt_info("malloc() gave the freed address back %u times of 8\n",
		 reused);

	free(want);
	svmgpu_svm_fini(&svm);
}

/*
 * madvise(MADV_DONTNEED) on memory the GPU mapped: private anonymous
 * memory then reads as zeros, to the GPU as to the CPU; shared memory
 * keeps its contents. GPU writes afterwards reach the CPU.
 */
static void test_dontneed(int fd, bool shared)
{
	const size_t size = SZ_2M, half = SZ_1M;
	struct svmgpu_svm svm;
	uint8_t *p, *want;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	want = pattern_alloc(size, 0xd0);
	p = svmgpu_map_anon(size, PROT_READ | PROT_WRITE,
			    shared ? MAP_SHARED : MAP_PRIVATE);
	memcpy(p, want, size);
	gpu_read_check(&svm, p, want, size);
	igt_assert_eq(svmgpu_svm_write32(&svm, p + half + 8, 0x1234), 0);
	memcpy(want + half + 8, &(uint32_t){ 0x1234 }, 4);

	igt_assert_eq(madvise(p + half, half, MADV_DONTNEED), 0);
	if (!shared)
		memset(want + half, 0, half);
	gpu_read_check(&svm, p, want, size);
	svmgpu_assert_bytes(p, want, size, "CPU read after MADV_DONTNEED");

	igt_assert_eq(svmgpu_svm_fill(&svm, p + half, 0xd1d, half), 0);
	assert_words(p + half, half, 0xd1d, "GPU fill after MADV_DONTNEED");

	svmgpu_unmap(p, size);
	free(want);
	svmgpu_svm_fini(&svm);
}

/*
 * mmap(MAP_FIXED) over the middle of a live mapping the GPU has read,
 * without munmap: the GPU reads the new mapping (zeros at first, then what
 * the CPU writes), and the old pages around it.
 */
static void test_map_fixed(int fd)
{
	const size_t size = 4 * SZ_1M, off = SZ_1M + SZ_4K, len = SZ_1M;
	struct svmgpu_svm svm;
	uint8_t *p, *want;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	want = pattern_alloc(size, 0xf1);
	p = svmgpu_map_anon(size, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memcpy(p, want, size);
	gpu_read_check(&svm, p, want, size);

	igt_assert(mmap(p + off, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		   p + off);
	memset(want + off, 0, len);
	gpu_read_check(&svm, p, want, size);

	svmgpu_fill_pattern(want + off, len, 0xf2);
	memcpy(p + off, want + off, len);
	gpu_read_check(&svm, p, want, size);

	svmgpu_unmap(p, size);
	free(want);
	svmgpu_svm_fini(&svm);
}

/*
 * mremap() of memory the GPU read: moved (MREMAP_FIXED), the GPU reads
 * the data at the new address and faults at the old one; with
 * MREMAP_DONTUNMAP, the old address stays mapped, empty: the GPU reads
 * zeros there.
 */
static void test_mremap(int fd, bool dontunmap)
{
	const size_t size = SZ_2M;
	struct svmgpu_svm svm;
	uint8_t *p, *to, *want;
	int flags = MREMAP_MAYMOVE | MREMAP_FIXED;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	want = pattern_alloc(size, 0x3e3);
	p = svmgpu_map_anon(size, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memcpy(p, want, size);
	gpu_read_check(&svm, p, want, size);
	/* Where to move it: a place the GPU read too (zeros). */
	to = svmgpu_map_anon(size, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	gpu_read_zero(&svm, to, size);

	if (dontunmap)
		flags |= MREMAP_DONTUNMAP;
	igt_assert_f(mremap(p, size, size, flags, to) == to, "mremap: %s\n",
		     strerror(errno));

	gpu_read_check(&svm, to, want, size);
	if (dontunmap) {
		gpu_read_zero(&svm, p, size);
		assert_all(p, size, 0, "old address after MREMAP_DONTUNMAP");
		svmgpu_unmap(p, size);
	} else {
		gpu_read_fails(&svm, p, size);
	}
	igt_assert_eq(svmgpu_svm_write32(&svm, to + 4, 0x3e3), 0);
	igt_assert_eq_u32(*(volatile uint32_t *)(to + 4), 0x3e3);

	svmgpu_unmap(to, size);
	free(want);
	svmgpu_svm_fini(&svm);
}

/*
 * A 4 KiB munmap inside a transparent huge page the GPU mapped (with a
 * 2 MiB GPU page, if it could): the neighbours stay correct, the hole
 * faults, and memory mapped into the hole is what the GPU then sees.
 */
static void test_thp_partial_munmap(int fd)
{
	const size_t size = 2 * SZ_2M, hole = SZ_1M + 5 * SZ_4K;
	struct svmgpu_svm svm;
	uint8_t *p, *want, *dst;

	require_svm(fd);
	igt_require_f(svmgpu_thp_enabled(),
		      "transparent hugepages are disabled\n");
	svmgpu_svm_init(&svm, fd, POOL);
	want = pattern_alloc(size, 0x742);
	p = svmgpu_map_aligned(size, SZ_2M);
	igt_assert_eq(madvise(p, size, MADV_HUGEPAGE), 0);
	memcpy(p, want, size);
	igt_info("AnonHugePages: %" PRIu64 " KiB\n",
		 svmgpu_smaps_field(p, "AnonHugePages") >> 10);
	gpu_read_check(&svm, p, want, size);

	svmgpu_unmap(p + hole, SZ_4K);
	gpu_read_check(&svm, p, want, hole);
	gpu_read_check(&svm, p + hole + SZ_4K, want + hole + SZ_4K,
		       size - hole - SZ_4K);
	gpu_read_check(&svm, p + hole - 8, want + hole - 8, 8);
	gpu_read_check(&svm, p + hole + SZ_4K, want + hole + SZ_4K, 8);
	gpu_read_fails(&svm, p + hole, SZ_4K);
	/* Straddling the hole: fails, whatever it copied before. */
	dst = canary_alloc(8);
	igt_assert_eq(svmgpu_svm_copy(&svm, p + hole - 4, dst, 8), -ECANCELED);
	free(dst);

	igt_assert(mmap(p + hole, SZ_4K, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		   p + hole);
	svmgpu_fill_pattern(want + hole, SZ_4K, 0x743);
	memcpy(p + hole, want + hole, SZ_4K);
	gpu_read_check(&svm, p, want, size);
	igt_assert_eq(svmgpu_svm_fill(&svm, p + hole - 4, 0x7e, 8), 0);
	assert_words(p + hole - 4, 8, 0x7e, "GPU fill across the hole");

	svmgpu_unmap(p, size);
	free(want);
	svmgpu_svm_fini(&svm);
}

/* --- munmap racing a job -------------------------------------------------- */

#define RACE_SIZE	(8 * SZ_1M)
#define RACE_ROUNDS	16

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
 * A thread munmaps the source of a running COPY, after a delay that
 * differs each round. Either the job completed first, and its
 * destination is right, or it faulted on the unmapped source and banned
 * its queue. Nothing else may happen, and nothing hangs.
 */
static void test_munmap_race(int fd)
{
	unsigned int round, done = 0, failed = 0;
	struct svmgpu_svm svm;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);

	for (round = 0; round < RACE_ROUNDS; round++) {
		struct unmapper u;
		struct svmgpu_cs cs;
		pthread_t thread;
		uint8_t *src, *dst;
		uint32_t queue;
		int ret;

		src = svmgpu_map_anon(RACE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE);
		svmgpu_fill_pattern(src, RACE_SIZE, 0x4ace + round);
		dst = svmgpu_map_anon(RACE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE);
		queue = svmgpu_svm_queue(&svm, round % svmgpu_num_engines(fd));
		svmgpu_svm_cs(&svm, &cs, 64);
		svmgpu_cs_copy(&cs, svmgpu_ptr(src), svmgpu_ptr(dst),
			       RACE_SIZE);
		svmgpu_cs_end(&cs);

		u = (struct unmapper) {
			.ptr = src, .size = RACE_SIZE,
			.delay_us = round * 1500,
		};
		svm.seqno++;
		svmgpu_svm_submit(fd, queue, &cs, svm.fence, svm.seqno);
		igt_assert_eq(pthread_create(&thread, NULL, unmapper_thread,
					     &u), 0);
		ret = svmgpu_svm_wait(fd, queue, svm.fence, svm.seqno);
		igt_assert_eq(pthread_join(thread, NULL), 0);

		if (ret == 0) {
			igt_assert_eq_u64(svmgpu_check_pattern(dst, RACE_SIZE,
							       0x4ace + round),
					  RACE_SIZE);
			igt_assert(!svmgpu_svm_banned(&svm, queue));
			done++;
		} else {
			igt_assert(svmgpu_svm_banned(&svm, queue));
			failed++;
		}
		svmgpu_queue_destroy(fd, queue);
		svmgpu_unmap(dst, RACE_SIZE);
	}
	igt_info("%u jobs completed before the munmap, %u faulted\n", done,
		 failed);

	/* The VM is fine. */
	{
		uint8_t *src = pattern_alloc(SZ_64K, 1);

		gpu_read_check(&svm, src, src, SZ_64K);
		free(src);
	}
	svmgpu_svm_fini(&svm);
}

/* --- fork ----------------------------------------------------------------- */

/*
 * After fork(), private memory is copy-on-write. The parent's CPU write
 * gives it a new page, which the GPU (the parent's VM) then reads; the
 * GPU's writes to pages it had mapped writable before the fork, and to
 * others, copy them too: the child keeps seeing what was there at fork.
 */
static void test_fork_cow(int fd)
{
	const size_t size = 16 * SZ_4K;
	struct svmgpu_svm svm;
	uint8_t *p, *want, *at_fork;
	int p2c[2], c2p[2];

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	want = pattern_alloc(size, 0xc0);
	p = svmgpu_map_anon(size, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memcpy(p, want, size);
	gpu_read_check(&svm, p, want, size);
	igt_assert_eq(svmgpu_svm_fill(&svm, p + SZ_4K, 0x11111111, SZ_4K), 0);
	memset(want + SZ_4K, 0x11, SZ_4K);
	at_fork = malloc(size);
	igt_assert(at_fork);
	memcpy(at_fork, want, size);

	igt_assert_eq(pipe(p2c), 0);
	igt_assert_eq(pipe(c2p), 0);
	igt_fork(child, 1) {
		close(p2c[1]);
		close(c2p[0]);
		igt_assert_eq(svmgpu_pipe_recv(p2c[0]), 'c');
		svmgpu_assert_bytes(p, at_fork, size, "the child's memory");
		svmgpu_pipe_send(c2p[1], 'd');
	}
	close(p2c[0]);
	close(c2p[1]);

	/* The parent's write breaks the sharing of page 0. */
	svmgpu_fill_pattern(want, SZ_4K, 0xc1);
	memcpy(p, want, SZ_4K);
	gpu_read_check(&svm, p, want, size);

	/* GPU writes to shared pages: page 1 was GPU-writable at fork. */
	igt_assert_eq(svmgpu_svm_fill(&svm, p + SZ_4K, 0x22222222, SZ_4K), 0);
	memset(want + SZ_4K, 0x22, SZ_4K);
	igt_assert_eq(svmgpu_svm_fill(&svm, p + 2 * SZ_4K, 0x33333333, SZ_4K),
		      0);
	memset(want + 2 * SZ_4K, 0x33, SZ_4K);
	svmgpu_assert_bytes(p, want, size, "the parent's memory");

	svmgpu_pipe_send(p2c[1], 'c');
	igt_assert_eq(svmgpu_pipe_recv(c2p[0]), 'd');
	igt_waitchildren();
	close(p2c[1]);
	close(c2p[0]);

	gpu_read_check(&svm, p, want, size);
	svmgpu_unmap(p, size);
	free(at_fork);
	free(want);
	svmgpu_svm_fini(&svm);
}

/*
 * MAP_SHARED anonymous memory stays shared with a child: what the GPU
 * writes in the parent, the child reads; what the child writes, the GPU
 * reads.
 */
static void test_fork_shared(int fd)
{
	const size_t size = 4 * SZ_4K;
	struct svmgpu_svm svm;
	uint8_t *p, *want;
	int p2c[2], c2p[2];

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	want = pattern_alloc(size, 0x5a);
	p = svmgpu_map_anon(size, PROT_READ | PROT_WRITE, MAP_SHARED);
	memcpy(p, want, size);
	gpu_read_check(&svm, p, want, size);

	igt_assert_eq(pipe(p2c), 0);
	igt_assert_eq(pipe(c2p), 0);
	igt_fork(child, 1) {
		close(p2c[1]);
		close(c2p[0]);
		igt_assert_eq(svmgpu_pipe_recv(p2c[0]), 'g');
		assert_words(p, SZ_4K, 0x600d, "the GPU's write, in the child");
		svmgpu_fill_pattern(p + SZ_4K, SZ_4K, 0x5c);
		svmgpu_pipe_send(c2p[1], 'c');
		igt_assert_eq(svmgpu_pipe_recv(p2c[0]), 'q');
	}
	close(p2c[0]);
	close(c2p[1]);

	igt_assert_eq(svmgpu_svm_fill(&svm, p, 0x600d, SZ_4K), 0);
	svmgpu_pipe_send(p2c[1], 'g');
	igt_assert_eq(svmgpu_pipe_recv(c2p[0]), 'c');
	svmgpu_fill_pattern(want + SZ_4K, SZ_4K, 0x5c);
	assert_words(p, SZ_4K, 0x600d, "the GPU's write, in the parent");
	gpu_read_check(&svm, p + SZ_4K, want + SZ_4K, size - SZ_4K);
	svmgpu_pipe_send(p2c[1], 'q');
	igt_waitchildren();
	close(p2c[1]);
	close(c2p[0]);

	svmgpu_unmap(p, size);
	free(want);
	svmgpu_svm_fini(&svm);
}

/*
 * A child reads what the GPU wrote before the fork, in malloc'd,
 * never-touched private and shared memory; later GPU writes in the
 * parent reach the child through the shared memory only.
 */
static void test_fork_child_reads(int fd)
{
	const size_t size = SZ_64K;
	struct svmgpu_svm svm;
	uint8_t *heap, *fresh, *shared;
	int p2c[2], c2p[2];

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	heap = malloc(size);
	igt_assert(heap);
	fresh = svmgpu_map_anon(size, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	shared = svmgpu_map_anon(size, PROT_READ | PROT_WRITE, MAP_SHARED);
	igt_assert_eq(svmgpu_svm_fill(&svm, heap, 0x1eaf, size), 0);
	igt_assert_eq(svmgpu_svm_fill(&svm, fresh, 0xf7e5, size), 0);
	igt_assert_eq(svmgpu_svm_fill(&svm, shared, 0x5a7e, size), 0);

	igt_assert_eq(pipe(p2c), 0);
	igt_assert_eq(pipe(c2p), 0);
	igt_fork(child, 1) {
		close(p2c[1]);
		close(c2p[0]);
		assert_words(heap, size, 0x1eaf, "malloc'd, in the child");
		assert_words(fresh, size, 0xf7e5, "private, in the child");
		assert_words(shared, size, 0x5a7e, "shared, in the child");
		svmgpu_pipe_send(c2p[1], 'r');
		igt_assert_eq(svmgpu_pipe_recv(p2c[0]), 'g');
		assert_words(heap, size, 0x1eaf, "malloc'd, in the child");
		assert_words(fresh, size, 0xf7e5, "private, in the child");
		assert_words(shared, size, 0x2222, "shared, in the child");
		svmgpu_pipe_send(c2p[1], 'd');
	}
	close(p2c[0]);
	close(c2p[1]);

	igt_assert_eq(svmgpu_pipe_recv(c2p[0]), 'r');
	igt_assert_eq(svmgpu_svm_fill(&svm, heap, 0x2222, size), 0);
	igt_assert_eq(svmgpu_svm_fill(&svm, fresh, 0x2222, size), 0);
	igt_assert_eq(svmgpu_svm_fill(&svm, shared, 0x2222, size), 0);
	svmgpu_pipe_send(p2c[1], 'g');
	igt_assert_eq(svmgpu_pipe_recv(c2p[0]), 'd');
	igt_waitchildren();
	close(p2c[1]);
	close(c2p[0]);
	assert_words(heap, size, 0x2222, "malloc'd, in the parent");
	assert_words(fresh, size, 0x2222, "private, in the parent");

	svmgpu_unmap(shared, size);
	svmgpu_unmap(fresh, size);
	free(heap);
	svmgpu_svm_fini(&svm);
}

/* --- Coherence ------------------------------------------------------------ */

#define FENCE_ROUNDS	32

/*
 * The user fence shares its page with the data the job writes, a gate
 * the job waits on and a word the CPU keeps writing. The CPU polls the
 * fence (no ioctl): while the job is held, it stays 0 and the data does
 * not change; once the fence has the job's value, all of the job's data
 * is there; the CPU's own word is never clobbered.
 */
static void test_fence_same_page(int fd)
{
	uint8_t *page = svmgpu_page_alloc();
	volatile uint64_t *fence = (volatile uint64_t *)page;
	volatile uint32_t *gate = (volatile uint32_t *)(page + 64);
	volatile uint32_t *cpu_word = (volatile uint32_t *)(page + SZ_4K - 4);
	uint8_t *data = page + 128;
	const size_t len = SZ_4K - 128 - 64;
	struct svmgpu_svm svm;
	struct timespec start = {};
	unsigned int round;
	uint32_t queue, scribble = 0;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, 4 * SZ_64K);
	queue = svmgpu_svm_queue(&svm, 0);

	for (round = 0; round < FENCE_ROUNDS; round++) {
		const uint64_t value = 0xfe0000000000ull + round + 1;
		struct svmgpu_cs cs;

		svmgpu_svm_cs(&svm, &cs, 256);
		if (round == 0)
			svmgpu_cs_wait_mem(&cs, DRM_SVMGPU_WAIT_EQ,
					   svmgpu_ptr(gate), 1, 0xffffffff);
		svmgpu_cs_fill(&cs, svmgpu_ptr(data), round + 1, len / 2);
		svmgpu_cs_copy(&cs, svmgpu_ptr(data),
			       svmgpu_ptr(data + len / 2), len / 2);
		svmgpu_cs_end(&cs);
		svmgpu_svm_submit(fd, queue, &cs, fence, value);

		if (round == 0) {
			memset(&start, 0, sizeof(start));
			igt_nsec_elapsed(&start);
			while (igt_nsec_elapsed(&start) <
			       svmgpu_hold_ms(100) * 1000000ull) {
				*cpu_word = ++scribble;
				igt_assert_eq_u64(*fence, 0);
				igt_assert_eq_u32(data[0], 0);
			}
			__atomic_store_n(gate, 1, __ATOMIC_RELEASE);
		}

		igt_assert_f(poll_u64(fence, value, svmgpu_job_wait_ns()),
			     "round %u: the fence is %#" PRIx64 "\n", round,
			     *fence);
		assert_words(data, len, round + 1, "data under the fence");
		*cpu_word = ++scribble;
		igt_assert_eq_u32(*cpu_word, scribble);
	}
	igt_assert_eq(__svmgpu_wait_ufence(fd, svmgpu_ptr(fence),
					   0xfe0000000000ull + FENCE_ROUNDS,
					   ~0ull, DRM_SVMGPU_WAIT_EQ, 0, queue),
		      0);

	svmgpu_queue_destroy(fd, queue);
	free(page);
	svmgpu_svm_fini(&svm);
}

#define ATOMIC_CMDS	256	/* per job */
#define ATOMIC_JOBS	8	/* per queue */
#define CPU_ADDS	100000	/* per thread */
#define CPU_THREADS	2

struct cpu_adder {
	volatile uint32_t *counter;
	volatile uint32_t *go;
	uint32_t *olds;
};

static void *cpu_adder_thread(void *arg)
{
	struct cpu_adder *a = arg;
	unsigned int i;

	while (!__atomic_load_n(a->go, __ATOMIC_ACQUIRE))
		;
	for (i = 0; i < CPU_ADDS; i++)
		a->olds[i] = __atomic_fetch_add(a->counter, 1,
						__ATOMIC_SEQ_CST);

	return NULL;
}

/*
 * One 32-bit counter in malloc'd memory, incremented at once by ATOMIC
 * (INC and ADD of 1, with RETURN) from a queue on each of two engines (one
 * if the GPU has one) and by __atomic_fetch_add() from two CPU threads.
 * The final count is exact, and every old value was returned once.
 */
static void test_atomics_cpu_gpu(int fd)
{
	struct cpu_adder adders[CPU_THREADS];
	pthread_t threads[CPU_THREADS];
	uint32_t queues[2], *gpu_olds[2], total, i;
	volatile uint64_t *fences;
	struct svmgpu_svm svm;
	unsigned int engines, e, j, k;
	uint8_t *page, *seen;

	require_svm(fd);
	engines = svmgpu_num_engines(fd) >= 2 ? 2 : 1;
	svmgpu_svm_init(&svm, fd, 2 * engines * ATOMIC_JOBS *
			(ATOMIC_CMDS * SVMGPU_CS_LEN_ATOMIC * 4 + 128));
	page = svmgpu_page_alloc();
	fences = (volatile uint64_t *)(page + 128);

	for (e = 0; e < engines; e++) {
		queues[e] = svmgpu_svm_queue(&svm, e);
		gpu_olds[e] = malloc(ATOMIC_JOBS * ATOMIC_CMDS * 4);
		igt_assert(gpu_olds[e]);
		for (j = 0; j < ATOMIC_JOBS; j++) {
			struct svmgpu_cs cs;

			svmgpu_svm_cs(&svm, &cs, ATOMIC_CMDS *
				      SVMGPU_CS_LEN_ATOMIC * 4 + 128);
			if (j == 0)
				svmgpu_cs_wait_mem(&cs, DRM_SVMGPU_WAIT_EQ,
						   svmgpu_ptr(page + 64), 1,
						   0xffffffff);
			for (k = 0; k < ATOMIC_CMDS; k++) {
				uint32_t *old = gpu_olds[e] +
						j * ATOMIC_CMDS + k;
				uint32_t op = k & 1 ? DRM_SVMGPU_ATOMIC_INC :
						      DRM_SVMGPU_ATOMIC_ADD;

				svmgpu_cs_atomic(&cs, op |
						 DRM_SVMGPU_ATOMIC_RETURN,
						 svmgpu_ptr(page), 1, 0,
						 svmgpu_ptr(old));
			}
			svmgpu_cs_end(&cs);
			svmgpu_svm_submit(fd, queues[e], &cs, &fences[e],
					  j + 1);
		}
	}

	for (i = 0; i < CPU_THREADS; i++) {
		adders[i] = (struct cpu_adder) {
			.counter = (volatile uint32_t *)page,
			.go = (volatile uint32_t *)(page + 64),
			.olds = malloc(CPU_ADDS * 4),
		};
		igt_assert(adders[i].olds);
		igt_assert_eq(pthread_create(&threads[i], NULL,
					     cpu_adder_thread, &adders[i]), 0);
	}
	__atomic_store_n((volatile uint32_t *)(page + 64), 1, __ATOMIC_RELEASE);
	for (i = 0; i < CPU_THREADS; i++)
		igt_assert_eq(pthread_join(threads[i], NULL), 0);
	for (e = 0; e < engines; e++)
		igt_assert_eq(svmgpu_svm_wait(fd, queues[e], &fences[e],
					      ATOMIC_JOBS), 0);

	total = engines * ATOMIC_JOBS * ATOMIC_CMDS + CPU_THREADS * CPU_ADDS;
	igt_assert_eq_u32(*(volatile uint32_t *)page, total);

	seen = calloc(1, total);
	igt_assert(seen);
	for (e = 0; e < engines; e++)
		for (i = 0; i < ATOMIC_JOBS * ATOMIC_CMDS; i++) {
			igt_assert_lt_u32(gpu_olds[e][i], total);
			igt_assert_f(!seen[gpu_olds[e][i]]++,
				     "%u returned twice\n", gpu_olds[e][i]);
		}
	for (j = 0; j < CPU_THREADS; j++)
		for (i = 0; i < CPU_ADDS; i++) {
			igt_assert_lt_u32(adders[j].olds[i], total);
			igt_assert_f(!seen[adders[j].olds[i]]++,
				     "%u returned twice\n", adders[j].olds[i]);
		}

	free(seen);
	for (i = 0; i < CPU_THREADS; i++)
		free(adders[i].olds);
	for (e = 0; e < engines; e++) {
		svmgpu_queue_destroy(fd, queues[e]);
		free(gpu_olds[e]);
	}
	free(page);
	svmgpu_svm_fini(&svm);
}

#define PING_ROUNDS	64

/*
 * Ping-pong in one job, through one page: the job waits for the CPU's
 * odd value, answers with the next even one, PING_ROUNDS times.
 */
static void test_ping_pong(int fd)
{
	uint8_t *page = svmgpu_page_alloc();
	volatile uint32_t *ping = (volatile uint32_t *)page;
	volatile uint32_t *pong = (volatile uint32_t *)(page + 64);
	struct svmgpu_svm svm;
	struct svmgpu_cs cs;
	uint32_t queue, i;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	svmgpu_svm_cs(&svm, &cs, PING_ROUNDS * 4 *
		      (SVMGPU_CS_LEN_WAIT_MEM + SVMGPU_CS_LEN_WRITE_IMM) + 64);
	for (i = 1; i <= PING_ROUNDS; i++) {
		svmgpu_cs_wait_mem(&cs, DRM_SVMGPU_WAIT_EQ, svmgpu_ptr(ping),
				   2 * i - 1, 0xffffffff);
		svmgpu_cs_write32(&cs, svmgpu_ptr(pong), 2 * i);
	}
	svmgpu_cs_end(&cs);
	queue = svmgpu_svm_queue(&svm, 0);
	svm.seqno++;
	svmgpu_svm_submit(fd, queue, &cs, svm.fence, svm.seqno);

	for (i = 1; i <= PING_ROUNDS; i++) {
		__atomic_store_n(ping, 2 * i - 1, __ATOMIC_RELEASE);
		igt_assert_f(svmgpu_poll_u32(pong, 2 * i,
					     svmgpu_job_wait_ns()),
			     "round %u: pong is %u\n", i, *pong);
	}
	igt_assert_eq(svmgpu_svm_wait(fd, queue, svm.fence, svm.seqno), 0);

	svmgpu_queue_destroy(fd, queue);
	free(page);
	svmgpu_svm_fini(&svm);
}

/* --- Concurrency ---------------------------------------------------------- */

#define THREADS		8
#define THREAD_JOBS	32

struct worker {
	int fd;
	uint32_t queue;
	unsigned int index;
};

/*
 * A thread with its own queue: malloc'd buffers, command buffer and fence
 * of its own; THREAD_JOBS copies of varying size, each checked.
 */
static void *worker_thread(void *arg)
{
	struct worker *w = arg;
	uint8_t *src = malloc(SZ_64K), *dst = malloc(SZ_64K);
	uint32_t *cmd = malloc(256);
	volatile uint64_t *fence = calloc(1, sizeof(*fence));
	unsigned int j;

	igt_assert(src && dst && cmd && fence);
	for (j = 1; j <= THREAD_JOBS; j++) {
		const size_t len = SZ_4K * (1 + j % 16) - j;
		const uint32_t seed = w->index << 16 | j;
		struct svmgpu_cs cs;

		svmgpu_fill_pattern(src, SZ_64K, seed);
		memset(dst, 0, SZ_64K);
		svmgpu_cs_init(&cs, cmd, svmgpu_ptr(cmd), 256);
		svmgpu_cs_copy(&cs, svmgpu_ptr(src), svmgpu_ptr(dst), len);
		svmgpu_cs_write32(&cs, svmgpu_ptr(dst + SZ_64K - 4), seed);
		svmgpu_cs_end(&cs);
		svmgpu_svm_submit(w->fd, w->queue, &cs, fence, j);
		igt_assert_eq(svmgpu_svm_wait(w->fd, w->queue, fence, j), 0);
		svmgpu_assert_bytes(dst, src, len, "a thread's copy");
		assert_all(dst + len, SZ_64K - 4 - len, 0, "after the copy");
		igt_assert_eq_u32(*(uint32_t *)(dst + SZ_64K - 4), seed);
	}

	free((void *)fence);
	free(cmd);
	free(dst);
	free(src);

	return NULL;
}

/* THREADS threads, each with its own queue in one shared VM. */
static void test_threads_shared_vm(int fd)
{
	struct worker workers[THREADS];
	pthread_t threads[THREADS];
	struct svmgpu_svm svm;
	unsigned int i;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	for (i = 0; i < THREADS; i++) {
		workers[i] = (struct worker) {
			.fd = fd,
			.queue = svmgpu_svm_queue(&svm,
						  i % svmgpu_num_engines(fd)),
			.index = i,
		};
		igt_assert_eq(pthread_create(&threads[i], NULL, worker_thread,
					     &workers[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
		igt_assert_eq(pthread_join(threads[i], NULL), 0);
	for (i = 0; i < THREADS; i++) {
		igt_assert(!svmgpu_svm_banned(&svm, workers[i].queue));
		svmgpu_queue_destroy(fd, workers[i].queue);
	}
	svmgpu_svm_fini(&svm);
}

#define PROCESSES	4
#define PROCESS_JOBS	32

/*
 * PROCESSES processes, each with its own DRM file and VM, use buffers at
 * the same addresses (allocated before the fork), each with its own data:
 * each GPU VM mirrors its own process.
 */
static void test_processes(int fd)
{
	uint8_t *src, *dst;

	require_svm(fd);
	src = malloc(SZ_1M);
	dst = malloc(SZ_1M);
	igt_assert(src && dst);
	memset(src, 0, SZ_1M);
	memset(dst, 0, SZ_1M);

	igt_fork(child, PROCESSES) {
		struct svmgpu_svm svm;
		int cfd = drm_open_svmgpu(0);
		unsigned int j;

		svmgpu_svm_init(&svm, cfd, POOL);
		for (j = 0; j < PROCESS_JOBS; j++) {
			const size_t len = SZ_1M - SZ_64K * (j % 8);

			svmgpu_fill_pattern(src, SZ_1M, child << 16 | j);
			igt_assert_eq(svmgpu_svm_copy(&svm, src, dst, len), 0);
			svmgpu_assert_bytes(dst, src, len, "a process's copy");
		}
		svmgpu_svm_fini(&svm);
		close(cfd);
	}
	igt_waitchildren();

	free(dst);
	free(src);
}

/*
 * Two VMs of one process (of one DRM file or of two) mirror the same
 * memory: each sees what the other and the CPU wrote, both follow a
 * munmap and MAP_FIXED, and a fault in one bans no queue of the other.
 */
static void test_two_vms(int fd, bool two_files)
{
	const size_t size = SZ_1M;
	struct svmgpu_svm a, b;
	uint8_t *buf, *region, *want;
	int fd2;

	require_svm(fd);
	fd2 = two_files ? drm_open_svmgpu(0) : fd;
	svmgpu_svm_init(&a, fd, POOL);
	svmgpu_svm_init(&b, fd2, POOL);
	want = pattern_alloc(size, 0x2a);
	buf = malloc(size);
	igt_assert(buf);
	memcpy(buf, want, size);

	gpu_read_check(&a, buf, want, size);
	gpu_read_check(&b, buf, want, size);
	igt_assert_eq(svmgpu_svm_fill(&b, buf, 0xb, size / 2), 0);
	memset(want, 0, size / 2);
	for (size_t i = 0; i < size / 2; i += 4)
		want[i] = 0xb;
	gpu_read_check(&a, buf, want, size);
	igt_assert_eq(svmgpu_svm_fill(&a, buf + size / 2, 0xa, 8), 0);
	memcpy(want + size / 2, &(uint32_t){ 0xa }, 4);
	memcpy(want + size / 2 + 4, &(uint32_t){ 0xa }, 4);
	gpu_read_check(&b, buf, want, size);
	want[7] ^= 0xff;
	buf[7] = want[7];
	gpu_read_check(&a, buf, want, size);
	gpu_read_check(&b, buf, want, size);

	region = svmgpu_map_anon(SZ_2M, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memset(region, 1, SZ_2M);
	gpu_read_check(&a, region, region, SZ_2M);
	gpu_read_check(&b, region, region, SZ_2M);
	svmgpu_unmap(region, SZ_2M);
	gpu_read_fails(&a, region, SZ_4K);
	igt_assert(mmap(region, SZ_2M, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		   region);
	memset(region, 2, SZ_2M);
	gpu_read_check(&a, region, region, SZ_2M);
	gpu_read_check(&b, region, region, SZ_2M);

	svmgpu_unmap(region, SZ_2M);
	free(buf);
	free(want);
	svmgpu_svm_fini(&b);
	svmgpu_svm_fini(&a);
	if (two_files)
		close(fd2);
}

/*
 * Two svmgpu devices (num_devices=2), a fault-mode VM on each, mirror the
 * same memory: what one GPU writes the other reads, and both follow the
 * CPU.
 */
static void test_two_devices(int fd)
{
	const size_t size = SZ_1M;
	struct svmgpu_svm a, b;
	uint8_t *buf, *want;
	int fd1;

	require_svm(fd);
	igt_require_f(svmgpu_count_devices() >= 2,
		      "needs svmgpu loaded with num_devices=2\n");
	fd1 = drm_open_svmgpu(1);
	require_svm(fd1);
	svmgpu_svm_init(&a, fd, POOL);
	svmgpu_svm_init(&b, fd1, POOL);
	want = malloc(size);
	buf = malloc(size);
	igt_assert(want && buf);

	igt_assert_eq(svmgpu_svm_fill(&a, buf, 0xde0, size), 0);
	for (size_t i = 0; i < size; i += 4)
		memcpy(want + i, &(uint32_t){ 0xde0 }, 4);
	gpu_read_check(&b, buf, want, size);
	igt_assert_eq(svmgpu_svm_fill(&b, buf, 0xde1, size / 2), 0);
	for (size_t i = 0; i < size / 2; i += 4)
		memcpy(want + i, &(uint32_t){ 0xde1 }, 4);
	gpu_read_check(&a, buf, want, size);
	svmgpu_fill_pattern(want, size, 0xde2);
	memcpy(buf, want, size);
	gpu_read_check(&a, buf, want, size);
	gpu_read_check(&b, buf, want, size);

	free(buf);
	free(want);
	svmgpu_svm_fini(&b);
	svmgpu_svm_fini(&a);
	close(fd1);
}

/* --- Teardown ------------------------------------------------------------- */

/* A new file of device @index runs an SVM job: nothing broke the device. */
static void svm_assert_device_works(int index)
{
	int fd = drm_open_svmgpu(index);
	struct svmgpu_svm svm;
	uint8_t *buf = malloc(SZ_64K);

	igt_assert(buf);
	svmgpu_svm_init(&svm, fd, POOL);
	igt_assert_eq(svmgpu_svm_fill(&svm, buf, 0x600d, SZ_64K), 0);
	assert_words(buf, SZ_64K, 0x600d, "a new file's job");
	svmgpu_svm_fini(&svm);
	free(buf);
	close(fd);
	svmgpu_assert_device_works(index);
}

/* What debugfs vram says page tables and BOs use now, if it is there. */
static bool usage_read(int fd, struct svmgpu_vram_info *info)
{
	if (!svmgpu_has_vram_info(fd))
		return false;
	svmgpu_vram_info_read(fd, info);

	return true;
}

/*
 * Waits until page tables and BOs use no more VRAM than in @base: freed
 * page tables may go back from a worker.
 */
static void usage_wait_baseline(int fd, const struct svmgpu_vram_info *base)
{
	struct svmgpu_vram_info now;
	unsigned int tries;

	for (tries = 0; tries < 200; tries++) {
		svmgpu_vram_info_read(fd, &now);
		if (now.pagetables_used <= base->pagetables_used &&
		    now.used <= base->used)
			return;
		usleep(50 * 1000);
	}
	igt_assert_f(false, "page tables use %" PRIu64 " bytes (%" PRIu64
		     " before), BOs %" PRIu64 " (%" PRIu64 " before)\n",
		     now.pagetables_used, base->pagetables_used, now.used,
		     base->used);
}

/* Set by the parent before it forks the children below. */
static uint64_t child_mirror_start, child_mirror_end;
static uint32_t child_engines;

#define CHILD_BIG	(32 * SZ_1M)

/* Emits a job's command words into @cmd and submits it; 0 or an errno. */
static int child_submit(int fd, uint32_t queue, uint32_t *cmd,
			void (*emit)(struct svmgpu_cs *cs, void *data),
			void *data, volatile uint64_t *fence)
{
	struct svmgpu_cs cs;

	svmgpu_cs_init(&cs, cmd, svmgpu_ptr(cmd), 512);
	emit(&cs, data);
	svmgpu_cs_end(&cs);

	return __svmgpu_exec_ufence(fd, queue, svmgpu_cs_addr(&cs),
				    svmgpu_cs_bytes(&cs), svmgpu_ptr(fence), 1,
				    NULL, 0);
}

struct child_mem {
	uint8_t *src, *dst, *gone;
	volatile uint32_t *arrived, *never;
};

static void emit_big_copy(struct svmgpu_cs *cs, void *data)
{
	struct child_mem *m = data;

	svmgpu_cs_copy(cs, svmgpu_ptr(m->src), svmgpu_ptr(m->dst), CHILD_BIG);
}

static void emit_stall(struct svmgpu_cs *cs, void *data)
{
	struct child_mem *m = data;

	svmgpu_cs_write32(cs, svmgpu_ptr(m->arrived), 1);
	svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_EQ, svmgpu_ptr(m->never), 1,
			   0xffffffff);
}

static void emit_bad_write(struct svmgpu_cs *cs, void *data)
{
	struct child_mem *m = data;

	svmgpu_cs_write32(cs, svmgpu_ptr(m->gone), 1);
}

static void emit_fills(struct svmgpu_cs *cs, void *data)
{
	struct child_mem *m = data;
	unsigned int i;

	for (i = 0; i < 16; i++)
		svmgpu_cs_fill(cs, svmgpu_ptr(m->dst + i * SZ_2M + SZ_4K), i,
			       SZ_4K);
}

/*
 * A plain fork() child: a fault-mode VM with jobs in flight that fault
 * on 32 MiB of never-touched memory, that stall on a value never written,
 * that fault unrecoverably, then it exits without waiting for them. It
 * must not use anything that asserts: it reports failure and exits.
 */
static void __attribute__((noreturn)) faulting_child(int pipe_fd)
{
	volatile uint64_t *fences;
	struct child_mem m = {};
	uint32_t *cmds, vm, queues[3];
	char msg = 'f';
	unsigned int i;
	int fd;

	fd = __drm_open_svmgpu(0);
	if (fd < 0 || __svmgpu_vm_create_fault(fd, &vm) ||
	    __svmgpu_vm_mirror(fd, vm, child_mirror_start,
			       child_mirror_end - child_mirror_start))
		goto fail;
	for (i = 0; i < 3; i++)
		if (__svmgpu_queue_create(fd, vm, i % child_engines,
					  DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
					  &queues[i]))
			goto fail;

	m.src = mmap(NULL, CHILD_BIG, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m.dst = mmap(NULL, CHILD_BIG, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m.gone = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cmds = calloc(4, 512);
	fences = calloc(4, sizeof(*fences));
	m.arrived = calloc(1, 64);
	m.never = calloc(1, 64);
	if (m.src == MAP_FAILED || m.dst == MAP_FAILED ||
	    m.gone == MAP_FAILED || !cmds || !fences || !m.arrived ||
	    !m.never || munmap(m.gone, SZ_4K))
		goto fail;

	if (child_submit(fd, queues[0], cmds, emit_big_copy, &m, &fences[0]) ||
	    child_submit(fd, queues[1], cmds + 128, emit_stall, &m,
			 &fences[1]) ||
	    child_submit(fd, queues[2], cmds + 256, emit_bad_write, &m,
			 &fences[2]) ||
	    child_submit(fd, queues[0], cmds + 384, emit_fills, &m,
			 &fences[3]))
		goto fail;

	for (i = 0; i < 60000 && !*m.arrived; i++)
		usleep(1000);
	if (!*m.arrived)
		goto fail;

	msg = 'r';
	if (write(pipe_fd, &msg, 1) != 1)
		_exit(2);
	_exit(0);

fail:
	if (write(pipe_fd, &msg, 1) != 1)
		_exit(2);
	_exit(1);
}

/*
 * Processes exit with jobs in flight in their fault-mode VM (faulting,
 * stalled, failing): they are reaped in time, the device keeps working,
 * and page-table and VRAM use goes back to what it was.
 */
static void test_exit_inflight(int fd)
{
	struct svmgpu_vram_info base;
	bool usage;
	int round;

	require_svm(fd);
	usage = usage_read(fd, &base);
	svmgpu_mirror_range(fd, &child_mirror_start, &child_mirror_end);
	child_engines = svmgpu_num_engines(fd);

	for (round = 0; round < 3; round++) {
		struct timespec start = {};
		struct pollfd pfd;
		int pipes[2], status = 0;
		char msg = 0;
		pid_t pid, ret;

		igt_assert_eq(pipe2(pipes, O_CLOEXEC), 0);
		fflush(stdout);
		fflush(stderr);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			close(pipes[0]);
			faulting_child(pipes[1]);
		}
		close(pipes[1]);

		pfd = (struct pollfd) { .fd = pipes[0], .events = POLLIN };
		igt_assert_eq(poll(&pfd, 1, svmgpu_job_wait_ns() / 1000000), 1);
		igt_assert_eq(read(pipes[0], &msg, 1), 1);
		close(pipes[0]);

		igt_nsec_elapsed(&start);
		while ((ret = waitpid(pid, &status, WNOHANG)) == 0) {
			if (igt_nsec_elapsed(&start) > teardown_limit_ns()) {
				kill(pid, SIGKILL);
				igt_assert_f(false, "the child did not exit\n");
			}
			usleep(10 * 1000);
		}
		igt_assert_eq(ret, pid);
		igt_assert_f(msg == 'r', "the child could not set up\n");
		igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			     "child status %#x\n", status);
		igt_info("round %d: the child exited in %" PRIu64 " ms\n",
			 round, igt_nsec_elapsed(&start) / 1000000);
	}

	svm_assert_device_works(0);
	if (usage)
		usage_wait_baseline(fd, &base);
}

/*
 * close() of a file while a job of its fault-mode VM is stalled on a
 * WAIT_MEM that nothing satisfies, and another faults on 32 MiB of
 * never-touched memory: it returns in time, the stalled job never goes
 * on (opening its gate afterwards makes it write nothing), and the
 * device works.
 */
static void test_close_stalled(int fd)
{
	struct svmgpu_vram_info base;
	struct timespec start = {};
	struct svmgpu_svm svm;
	struct svmgpu_cs cs;
	uint8_t *page, *src, *dst;
	volatile uint32_t *arrived, *gate, *after;
	volatile uint64_t *fences;
	uint32_t queues[2];
	uint64_t ns;
	bool usage;
	int cfd;

	require_svm(fd);
	usage = usage_read(fd, &base);
	cfd = drm_open_svmgpu(0);
	svmgpu_svm_init(&svm, cfd, POOL);
	page = svmgpu_page_alloc();
	arrived = (volatile uint32_t *)page;
	gate = (volatile uint32_t *)(page + 64);
	after = (volatile uint32_t *)(page + 128);
	fences = (volatile uint64_t *)(page + 192);
	src = svmgpu_map_anon(CHILD_BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	dst = svmgpu_map_anon(CHILD_BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	queues[0] = svmgpu_svm_queue(&svm, 0);
	svmgpu_svm_cs(&svm, &cs, 128);
	svmgpu_cs_write32(&cs, svmgpu_ptr(arrived), 1);
	svmgpu_cs_wait_mem(&cs, DRM_SVMGPU_WAIT_EQ, svmgpu_ptr(gate), 1,
			   0xffffffff);
	svmgpu_cs_write32(&cs, svmgpu_ptr(after), 1);
	svmgpu_cs_end(&cs);
	svmgpu_svm_submit(cfd, queues[0], &cs, &fences[0], 1);

	queues[1] = svmgpu_svm_queue(&svm, 1 % svmgpu_num_engines(cfd));
	svmgpu_svm_cs(&svm, &cs, 64);
	svmgpu_cs_copy(&cs, svmgpu_ptr(src), svmgpu_ptr(dst), CHILD_BIG);
	svmgpu_cs_end(&cs);
	svmgpu_svm_submit(cfd, queues[1], &cs, &fences[1], 1);

	igt_assert_f(svmgpu_poll_u32(arrived, 1, svmgpu_job_wait_ns()),
		     "the job did not reach its WAIT_MEM\n");

	igt_nsec_elapsed(&start);
	igt_assert_eq(close(cfd), 0);
	ns = igt_nsec_elapsed(&start);
	igt_info("close() with a stalled job took %" PRIu64 " ms\n",
		 ns / 1000000);
	igt_assert_lt_u64(ns, teardown_limit_ns());

	__atomic_store_n(gate, 1, __ATOMIC_RELEASE);
	usleep(200 * 1000);
	igt_assert_eq_u32(*after, 0);
	igt_assert_eq_u64(fences[0], 0);

	svm.vm = 0;	/* went with the file */
	svmgpu_svm_fini(&svm);
	svmgpu_unmap(dst, CHILD_BIG);
	svmgpu_unmap(src, CHILD_BIG);
	free(page);

	svm_assert_device_works(0);
	if (usage)
		usage_wait_baseline(fd, &base);
}

/*
 * A fault fills the whole range around it (up to 2 MiB, as the VMA
 * allows), so each word written here costs 2 MiB of memory.
 */
#define SPARSE_SIZE	(64ull << 20)
#define SPARSE_STRIDE	SZ_2M

/*
 * Page tables the GPU's faults filled (one word in every 2 MiB of
 * 64 MiB, a level-0 table each, then 64 MiB in full; well inside a
 * file's share of page tables with the default 256 MiB of VRAM) take
 * VRAM while the VM lives, and give it back
 * once its file is closed: debugfs vram's page-table and BO use return to
 * the baseline, round after round, and vm_pagetables (when there) lists
 * the VM's leaves, then no longer the VM.
 */
static void test_usage_baseline(int fd)
{
	struct svmgpu_vram_info base, during;
	bool pt_dump;
	int round;

	require_svm(fd);
	igt_require_f(svmgpu_has_vram_info(fd), "no debugfs vram\n");
	pt_dump = svmgpu_has_pt_dump(fd);
	svmgpu_vram_info_read(fd, &base);

	for (round = 0; round < 3; round++) {
		const unsigned int n = SPARSE_SIZE / SPARSE_STRIDE;
		struct svmgpu_pt_dump dump;
		struct svmgpu_svm svm;
		struct svmgpu_cs cs;
		unsigned int i, leaves;
		uint8_t *sparse, *big;
		uint32_t vm;
		int cfd;

		cfd = drm_open_svmgpu(0);
		svmgpu_svm_init(&svm, cfd, POOL);
		vm = svm.vm;
		sparse = mmap(NULL, SPARSE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			      -1, 0);
		igt_assert(sparse != MAP_FAILED);
		/* Small pages: each 2 MiB range needs a level-0 table. */
		igt_assert_eq(madvise(sparse, SPARSE_SIZE, MADV_NOHUGEPAGE), 0);
		big = svmgpu_map_anon(64 * SZ_1M, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE);

		svmgpu_svm_cs(&svm, &cs, n * SVMGPU_CS_LEN_WRITE_IMM * 4 + 64);
		for (i = 0; i < n; i++)
			svmgpu_cs_write32(&cs, svmgpu_ptr(sparse + i *
							  SPARSE_STRIDE), i);
		svmgpu_cs_end(&cs);
		igt_assert_eq(svmgpu_svm_run_new_queue(&svm, &cs), 0);
		igt_assert_eq(svmgpu_svm_fill(&svm, big, round, 64 * SZ_1M), 0);
		for (i = 0; i < n; i++)
			igt_assert_eq_u32(*(volatile uint32_t *)
					  (sparse + i * SPARSE_STRIDE), i);
		assert_words(big, 64 * SZ_1M, round, "64 MiB fill");

		svmgpu_vram_info_read(fd, &during);
		igt_info("round %d: page tables use %" PRIu64 " KiB (%" PRIu64
			 " KiB before)\n", round, during.pagetables_used >> 10,
			 base.pagetables_used >> 10);
		igt_assert_lt_u64(base.pagetables_used, during.pagetables_used);
		if (pt_dump) {
			igt_assert_eq(svmgpu_pt_dump_read(cfd, vm, &dump), 0);
			leaves = svmgpu_pt_dump_count(&dump, svmgpu_ptr(sparse),
						      svmgpu_ptr(sparse) +
						      SPARSE_SIZE, 0);
			igt_assert_lte(n, leaves);
			svmgpu_pt_dump_free(&dump);
		}

		svmgpu_svm_fini(&svm);
		igt_assert_eq(close(cfd), 0);
		usage_wait_baseline(fd, &base);
		if (pt_dump)
			igt_assert_eq(svmgpu_pt_dump_read(fd, vm, &dump),
				      -ESRCH);
		svmgpu_unmap(big, 64 * SZ_1M);
		svmgpu_unmap(sparse, SPARSE_SIZE);
	}
}

/* --- Bad input ------------------------------------------------------------ */

/*
 * VM_CREATE: FAULT_MODE alone creates a VM (any number of them); with
 * any unknown bit, or an extension, it is -EINVAL.
 */
static void test_vm_create_bad(int fd)
{
	struct drm_svmgpu_user_extension ext = {};
	struct drm_svmgpu_vm_create create;
	uint32_t vms[4], vm;
	unsigned int bit, i;

	require_svm(fd);
	for (bit = 1; bit < 32; bit++)
		igt_assert_eq(__svmgpu_vm_create(fd, FAULT | 1u << bit, &vm),
			      -EINVAL);
	igt_assert_eq(__svmgpu_vm_create(fd, ~0u, &vm), -EINVAL);

	create = (struct drm_svmgpu_vm_create) {
		.flags = FAULT, .extensions = to_user_pointer(&ext),
	};
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_VM_CREATE, &create),
		      -EINVAL);

	for (i = 0; i < ARRAY_SIZE(vms); i++) {
		vms[i] = svmgpu_vm_create_fault(fd);
		svmgpu_vm_mirror_all(fd, vms[i]);
	}
	for (i = 0; i < ARRAY_SIZE(vms); i++)
		svmgpu_vm_destroy(fd, vms[i]);
}

static int bind_one(int fd, uint32_t vm, struct drm_svmgpu_vm_bind_op op)
{
	return __svmgpu_vm_bind(fd, vm, &op, 1, NULL, 0);
}

/*
 * OP_MAP_MIRROR: -EINVAL in a VM without fault mode; with a handle, a BO
 * offset, flags or pad; misaligned, empty, in the null guard, past the
 * VM's end or wrapping; over a mirror or a BO mapping. Nothing of a
 * rejected bind is applied. OP_UNMAP frees a mirrored range for another
 * mirror.
 */
static void test_mirror_bad(int fd)
{
	const uint64_t a = 1ull << 36;
	struct drm_svmgpu_vm_bind_op op, ops[2];
	uint32_t fvm, nvm, handle;
	unsigned int bit;

	require_svm(fd);
	fvm = svmgpu_vm_create_fault(fd);
	nvm = svmgpu_vm_create(fd);
	handle = svmgpu_bo_create(fd, SZ_2M, SVMGPU_PLACEMENT_BOTH, 0);

	igt_assert_eq(bind_one(fd, nvm, svmgpu_op_mirror(a, SZ_2M)), -EINVAL);

	op = svmgpu_op_mirror(a, SZ_2M);
	op.handle = handle;
	igt_assert_eq(bind_one(fd, fvm, op), -EINVAL);
	op = svmgpu_op_mirror(a, SZ_2M);
	op.bo_offset = SZ_4K;
	igt_assert_eq(bind_one(fd, fvm, op), -EINVAL);
	for (bit = 0; bit < 32; bit++) {
		op = svmgpu_op_mirror(a, SZ_2M);
		op.flags = 1u << bit;
		igt_assert_eq(bind_one(fd, fvm, op), -EINVAL);
	}
	op = svmgpu_op_mirror(a, SZ_2M);
	op.pad = 1;
	igt_assert_eq(bind_one(fd, fvm, op), -EINVAL);

	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a + 1, SZ_2M)),
		      -EINVAL);
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a + SZ_4K / 2,
							 SZ_2M)), -EINVAL);
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a, SZ_4K + 8)),
		      -EINVAL);
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a, 0)), -EINVAL);
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(0, SZ_2M)), -EINVAL);
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(SVMGPU_VA_NULL_GUARD -
							 SZ_4K, SZ_2M)),
		      -EINVAL);
	if (svmgpu_va_bits(fd) < 64) {
		const uint64_t top = 1ull << svmgpu_va_bits(fd);

		igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(top - SZ_4K,
								 2 * SZ_4K)),
			      -EINVAL);
		igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(top, SZ_4K)),
			      -EINVAL);
	}
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(~0ull & ~(SZ_4K - 1),
							 SZ_2M)), -EINVAL);

	/* A malformed second operation: the first is not applied either. */
	ops[0] = svmgpu_op_mirror(a, SZ_2M);
	ops[1] = svmgpu_op_mirror(a + SZ_2M, SZ_2M);
	ops[1].handle = handle;
	igt_assert_eq(__svmgpu_vm_bind(fd, fvm, ops, 2, NULL, 0), -EINVAL);

	/* The range is free: now a mirror; over it, nothing else. */
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a, SZ_2M)), 0);
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a, SZ_2M)), -EINVAL);
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a + SZ_1M, SZ_2M)),
		      -EINVAL);
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a - SZ_4K,
							 2 * SZ_4K)),
		      -EINVAL);
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a - SZ_2M,
							 4 * SZ_2M)),
		      -EINVAL);

	/* Nor over a BO mapping. */
	svmgpu_vm_map(fd, fvm, handle, 0, a + 4 * SZ_2M, SZ_2M, 0);
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a + 3 * SZ_2M,
							 2 * SZ_2M)),
		      -EINVAL);
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a + 4 * SZ_2M +
							 SZ_4K, SZ_4K)),
		      -EINVAL);

	/* Unmapped, the mirror's range is free again. */
	svmgpu_vm_unmap(fd, fvm, a, SZ_2M);
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a, SZ_2M)), 0);
	/* Adjacent mirrors are fine. */
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a + SZ_2M, SZ_2M)),
		      0);
	igt_assert_eq(bind_one(fd, fvm, svmgpu_op_mirror(a - SZ_4K, SZ_4K)),
		      0);

	svmgpu_gem_close(fd, handle);
	svmgpu_vm_destroy(fd, nvm);
	svmgpu_vm_destroy(fd, fvm);
}

/*
 * OP_MAP of a BO inside a part of the mirror the GPU never touched
 * succeeds, whether or not the CPU has memory there, and the GPU then
 * uses the BO at those addresses: its reads see the BO, its writes land
 * in the BO and not in the CPU's memory.
 */
static void test_bo_in_mirror(int fd, bool cpu_mapped)
{
	const size_t size = SZ_2M;
	struct svmgpu_svm svm;
	struct svmgpu_buf bo;
	uint8_t *area, *want, *cpu_want;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	area = svmgpu_map_aligned(size, SZ_2M);
	cpu_want = pattern_alloc(size, 0xc9);
	memcpy(area, cpu_want, size);
	if (!cpu_mapped)
		svmgpu_unmap(area, size);

	svmgpu_buf_create(&bo, fd, size, SVMGPU_PLACEMENT_BOTH, 0);
	want = pattern_alloc(size, 0xb9);
	memcpy(bo.map, want, size);
	svmgpu_vm_map(fd, svm.vm, bo.handle, 0, svmgpu_ptr(area), size, 0);

	gpu_read_check(&svm, area, want, size);
	igt_assert_eq(svmgpu_svm_fill(&svm, area + SZ_64K, 0xb10, SZ_64K), 0);
	assert_words((uint8_t *)bo.map + SZ_64K, SZ_64K, 0xb10, "BO");
	memset(want + SZ_64K, 0, SZ_64K);
	for (size_t i = SZ_64K; i < 2 * SZ_64K; i += 4)
		want[i] = 0x10, want[i + 1] = 0xb;
	gpu_read_check(&svm, area, want, size);
	if (cpu_mapped)
		svmgpu_assert_bytes(area, cpu_want, size, "the CPU's memory under "
			     "the BO mapping");

	svmgpu_vm_unmap(fd, svm.vm, svmgpu_ptr(area), size);
	svmgpu_buf_destroy(&bo);
	if (cpu_mapped)
		svmgpu_unmap(area, size);
	free(want);
	free(cpu_want);
	svmgpu_svm_fini(&svm);
}

/*
 * A BO bound in a fault-mode VM moves under the GPU: each move clears its
 * mappings before the copy, and the next GPU access faults them back in
 * (bo_stats svm_bo_faults) and sees the BO's current contents.
 */
static void test_bo_moves(int fd)
{
	const size_t size = SZ_2M;
	const uint32_t places[] = {
		DRM_SVMGPU_GEM_PLACEMENT_SYSTEM,
		DRM_SVMGPU_GEM_PLACEMENT_VRAM,
		DRM_SVMGPU_GEM_PLACEMENT_SYSTEM,
	};
	struct svmgpu_svm svm;
	struct svmgpu_buf bo;
	uint64_t faults;
	uint8_t *area;
	unsigned int i;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	area = svmgpu_map_aligned(size, SZ_2M);
	svmgpu_unmap(area, size);
	svmgpu_buf_create(&bo, fd, size, SVMGPU_PLACEMENT_BOTH, 0);
	svmgpu_vm_map(fd, svm.vm, bo.handle, 0, svmgpu_ptr(area), size, 0);
	faults = svmgpu_bo_stat(fd, "svm_bo_faults");

	for (i = 0; i < ARRAY_SIZE(places); i++) {
		uint32_t word = 0x5eed0000 + i;

		igt_assert_eq(svmgpu_svm_fill(&svm, area, word, size), 0);
		assert_words(bo.map, size, word, "BO after a GPU fill");
		svmgpu_bo_migrate(fd, bo.handle, places[i]);
		igt_assert_eq(svmgpu_bo_placement(fd, bo.handle), places[i]);
		/* The CPU writes, the GPU must see it through the move. */
		memset(bo.map, 0x3c + i, size);
		igt_assert_eq(svmgpu_svm_copy(&svm, area, area + size / 2,
					      SZ_4K), 0);
		for (size_t j = 0; j < SZ_4K; j++)
			igt_assert_eq(((uint8_t *)bo.map)[size / 2 + j],
				      0x3c + i);
	}
	igt_assert_lte(faults + ARRAY_SIZE(places),
		       svmgpu_bo_stat(fd, "svm_bo_faults"));

	svmgpu_vm_unmap(fd, svm.vm, svmgpu_ptr(area), size);
	svmgpu_buf_destroy(&bo);
	svmgpu_svm_fini(&svm);
}

/*
 * An engine serves fault-mode queues or dma-fence queues, not both: a
 * queue of the other kind is -EBUSY while one lives, and fine once it is
 * destroyed (and its jobs done). Other engines are not affected.
 */
static void test_engine_kinds(int fd)
{
	uint32_t nvm, fvm, nq, fq, q;

	require_svm(fd);
	nvm = svmgpu_vm_create(fd);
	fvm = svmgpu_vm_create_fault(fd);
	svmgpu_vm_mirror_all(fd, fvm);

	nq = svmgpu_queue_create(fd, nvm, 0);
	igt_assert_eq(__svmgpu_queue_create(fd, fvm, 0,
					    DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
					    &q), -EBUSY);
	if (svmgpu_num_engines(fd) > 1) {
		fq = svmgpu_queue_create(fd, fvm, 1);
		igt_assert_eq(__svmgpu_queue_create(fd, nvm, 1,
				DRM_SVMGPU_QUEUE_PRIORITY_NORMAL, &q), -EBUSY);
		svmgpu_queue_destroy(fd, fq);
	}
	/* More of the same kind are fine. */
	q = svmgpu_queue_create(fd, nvm, 0);
	svmgpu_queue_destroy(fd, q);
	svmgpu_queue_destroy(fd, nq);

	fq = svmgpu_queue_create(fd, fvm, 0);
	igt_assert_eq(__svmgpu_queue_create(fd, nvm, 0,
					    DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
					    &q), -EBUSY);
	svmgpu_queue_destroy(fd, fq);
	nq = svmgpu_queue_create(fd, nvm, 0);
	svmgpu_queue_destroy(fd, nq);

	svmgpu_vm_destroy(fd, fvm);
	svmgpu_vm_destroy(fd, nvm);
}

/*
 * A fault-mode VM's GPU reaches its creator's memory: another process
 * that holds the file (a fork child) may not create queues on it, submit
 * to its queues or bind in it (-EACCES), and the parent still can.
 */
static void test_other_process(int fd)
{
	struct svmgpu_svm svm;
	struct svmgpu_cs cs;
	uint32_t queue;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	queue = svmgpu_svm_queue(&svm, 0);
	svmgpu_svm_cs(&svm, &cs, 64);
	svmgpu_cs_end(&cs);

	igt_fork(child, 1) {
		uint32_t q;

		igt_assert_eq(__svmgpu_queue_create(fd, svm.vm, 0,
				DRM_SVMGPU_QUEUE_PRIORITY_NORMAL, &q), -EACCES);
		igt_assert_eq(__svmgpu_exec_ufence(fd, queue,
						   svmgpu_cs_addr(&cs),
						   svmgpu_cs_bytes(&cs),
						   svmgpu_ptr(svm.fence), 1,
						   NULL, 0), -EACCES);
		igt_assert_eq(__svmgpu_vm_unmap(fd, svm.vm, 1ull << 30, SZ_4K),
			      -EACCES);
	}
	igt_waitchildren();

	igt_assert_eq(svmgpu_svm_run(&svm, queue, &cs), 0);
	svmgpu_svm_fini(&svm);
}

/*
 * OP_MAP over a part of the mirror the GPU has faulted in is -EBUSY and
 * changes nothing (the GPU still reads the CPU's memory there); after an
 * OP_UNMAP of that part, the OP_MAP succeeds and the GPU uses the BO.
 */
static void test_bo_over_touched(int fd)
{
	const size_t size = SZ_2M;
	struct svmgpu_svm svm;
	struct svmgpu_buf bo;
	uint8_t *area, *cpu_want, *want;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	area = svmgpu_map_aligned(size, SZ_2M);
	cpu_want = pattern_alloc(size, 0x70);
	memcpy(area, cpu_want, size);
	gpu_read_check(&svm, area, cpu_want, size);

	svmgpu_buf_create(&bo, fd, size, SVMGPU_PLACEMENT_BOTH, 0);
	want = pattern_alloc(size, 0x71);
	memcpy(bo.map, want, size);
	igt_assert_eq(__svmgpu_vm_map(fd, svm.vm, bo.handle, 0,
				      svmgpu_ptr(area), size, 0), -EBUSY);
	igt_assert_eq(__svmgpu_vm_map(fd, svm.vm, bo.handle, SZ_1M,
				      svmgpu_ptr(area) + SZ_1M, SZ_1M, 0),
		      -EBUSY);
	gpu_read_check(&svm, area, cpu_want, size);

	svmgpu_vm_unmap(fd, svm.vm, svmgpu_ptr(area), size);
	svmgpu_vm_map(fd, svm.vm, bo.handle, 0, svmgpu_ptr(area), size, 0);
	gpu_read_check(&svm, area, want, size);
	igt_assert_eq(svmgpu_svm_fill(&svm, area, 0x72, SZ_4K), 0);
	assert_words(bo.map, SZ_4K, 0x72, "BO");
	svmgpu_assert_bytes(area, cpu_want, size, "the CPU's memory under the BO");

	svmgpu_vm_unmap(fd, svm.vm, svmgpu_ptr(area), size);
	svmgpu_buf_destroy(&bo);
	svmgpu_unmap(area, size);
	free(want);
	free(cpu_want);
	svmgpu_svm_fini(&svm);
}

static int exec_raw(int fd, struct drm_svmgpu_exec *exec)
{
	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_EXEC, exec);
}

/*
 * EXEC on a fault-mode VM's queue: -EINVAL for a syncobj to signal, for
 * a user fence misaligned, in the null guard or past the VM, for user
 * fence fields without the flag, and unknown flags; none of which bans
 * the queue or writes the fence. A syncobj to wait for is fine.
 */
static void test_exec_bad(int fd)
{
	struct drm_svmgpu_exec exec, good;
	struct drm_svmgpu_sync sync;
	volatile uint64_t *fence;
	struct svmgpu_svm svm;
	struct svmgpu_cs cs;
	uint32_t queue, syncobj;
	unsigned int bit;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	queue = svmgpu_svm_queue(&svm, 0);
	fence = svmgpu_page_alloc();
	svmgpu_svm_cs(&svm, &cs, 64);
	svmgpu_cs_end(&cs);
	good = (struct drm_svmgpu_exec) {
		.queue_id = queue,
		.address = svmgpu_cs_addr(&cs),
		.length = svmgpu_cs_bytes(&cs),
		.flags = DRM_SVMGPU_EXEC_USER_FENCE,
		.ufence_addr = svmgpu_ptr(fence),
		.ufence_value = 1,
	};

	/* Signal syncs: none, binary or timeline. */
	syncobj = svmgpu_syncobj_create(fd, 0);
	exec = good;
	sync = svmgpu_sync_out(syncobj);
	exec.num_syncs = 1;
	exec.syncs = to_user_pointer(&sync);
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	sync = svmgpu_sync_out_point(syncobj, 1);
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	igt_assert(svmgpu_syncobj_busy(fd, syncobj, 0));
	svmgpu_syncobj_destroy(fd, syncobj);

	/* User fences the uAPI refuses. */
	exec = good;
	exec.ufence_addr += 4;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec.ufence_addr = good.ufence_addr + 1;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec.ufence_addr = 0;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec.ufence_addr = 8;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec.ufence_addr = SVMGPU_VA_NULL_GUARD - 8;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	if (svmgpu_va_bits(fd) < 64) {
		exec.ufence_addr = 1ull << svmgpu_va_bits(fd);
		igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	}
	exec.ufence_addr = ~0ull & ~7ull;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);

	/* The fence's fields without the flag. */
	exec = good;
	exec.flags = 0;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec.ufence_addr = 0;
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	exec.ufence_value = 0;
	exec.ufence_addr = svmgpu_ptr(fence);
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);

	for (bit = 1; bit < 32; bit++) {
		exec = good;
		exec.flags |= 1u << bit;
		igt_assert_eq(exec_raw(fd, &exec), -EINVAL);
	}
	exec = good;
	exec.extensions = to_user_pointer(&exec);
	igt_assert_eq(exec_raw(fd, &exec), -EINVAL);

	igt_assert_eq_u64(*fence, 0);
	igt_assert(!svmgpu_svm_banned(&svm, queue));

	/* A syncobj to wait for, signalled already: the job runs. */
	syncobj = svmgpu_syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	sync = svmgpu_sync_in(syncobj);
	exec = good;
	exec.ufence_value = 0x5e4c;
	exec.num_syncs = 1;
	exec.syncs = to_user_pointer(&sync);
	igt_assert_eq(exec_raw(fd, &exec), 0);
	igt_assert_eq(svmgpu_svm_wait(fd, queue, fence, 0x5e4c), 0);
	svmgpu_syncobj_destroy(fd, syncobj);

	svmgpu_queue_destroy(fd, queue);
	free((void *)fence);
	svmgpu_svm_fini(&svm);
}

/* --- WAIT_USER_FENCE ------------------------------------------------------ */

static int wait_raw(int fd, struct drm_svmgpu_wait_user_fence *w)
{
	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_WAIT_USER_FENCE, w);
}

/* WAIT_USER_FENCE for *@fence == @value, @timeout_ns from now. */
static int wait_eq(int fd, volatile uint64_t *fence, uint64_t value,
		   uint64_t timeout_ns, uint32_t queue)
{
	return __svmgpu_wait_ufence(fd, svmgpu_ptr(fence), value, ~0ull,
				    DRM_SVMGPU_WAIT_EQ,
				    svmgpu_deadline_ns(timeout_ns), queue);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);

	return ts.tv_sec * (int64_t)NSEC_PER_SEC + ts.tv_nsec;
}

/*
 * WAIT_USER_FENCE rejects a misaligned address, an unknown comparison
 * (6, 7, and DRM_SVMGPU_WAIT_64, implied and not accepted), flags, pad
 * and extensions (-EINVAL); an address it cannot read (-EFAULT); a queue
 * the file does not have (-ENOENT). A condition that holds returns at
 * once.
 */
static void test_wait_bad(int fd)
{
	struct drm_svmgpu_user_extension ext = {};
	struct drm_svmgpu_wait_user_fence w, good;
	static const uint64_t unreadable_addrs[] = {
		0, 0xffff888000000000ull, 0xffffffff81000000ull,
		0x8000000000000000ull,
	};
	static const uint32_t bad_ops[] = {
		6, 7, DRM_SVMGPU_WAIT_64,
		DRM_SVMGPU_WAIT_64 | DRM_SVMGPU_WAIT_NE, 16, ~0u,
	};
	volatile uint64_t *word;
	struct svmgpu_svm svm;
	uint8_t *none, *gone;
	uint32_t queue, dead;
	unsigned int i, bit;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	queue = svmgpu_svm_queue(&svm, 0);
	dead = svmgpu_svm_queue(&svm, 0);
	svmgpu_queue_destroy(fd, dead);
	word = svmgpu_page_alloc();
	*word = 5;
	none = svmgpu_map_anon(SZ_4K, PROT_NONE, MAP_PRIVATE);
	gone = svmgpu_map_anon(SZ_4K, PROT_READ, MAP_PRIVATE);
	svmgpu_unmap(gone, SZ_4K);

	good = (struct drm_svmgpu_wait_user_fence) {
		.addr = svmgpu_ptr(word),
		.value = 5,
		.mask = ~0ull,
		.timeout_ns = svmgpu_deadline_ns(10 * NSEC_PER_SEC),
		.op = DRM_SVMGPU_WAIT_EQ,
	};
	w = good;
	igt_assert_eq(wait_raw(fd, &w), 0);
	w.queue_id = queue;
	igt_assert_eq(wait_raw(fd, &w), 0);

	for (i = 1; i < 8; i++) {
		w = good;
		w.addr += i;
		igt_assert_eq(wait_raw(fd, &w), -EINVAL);
	}
	for (i = 0; i < ARRAY_SIZE(bad_ops); i++) {
		w = good;
		w.op = bad_ops[i];
		igt_assert_f(wait_raw(fd, &w) == -EINVAL, "op %#x\n",
			     bad_ops[i]);
	}
	for (bit = 0; bit < 32; bit++) {
		w = good;
		w.flags = 1u << bit;
		igt_assert_eq(wait_raw(fd, &w), -EINVAL);
		w = good;
		w.pad = 1u << bit;
		igt_assert_eq(wait_raw(fd, &w), -EINVAL);
	}
	w = good;
	w.extensions = to_user_pointer(&ext);
	igt_assert_eq(wait_raw(fd, &w), -EINVAL);
	w.extensions = ~0ull;
	igt_assert_eq(wait_raw(fd, &w), -EINVAL);

	for (i = 0; i < ARRAY_SIZE(unreadable_addrs); i++) {
		w = good;
		w.addr = unreadable_addrs[i];
		igt_assert_f(wait_raw(fd, &w) == -EFAULT, "addr %#" PRIx64 "\n",
			     unreadable_addrs[i]);
	}
	w = good;
	w.addr = svmgpu_ptr(none);
	igt_assert_eq(wait_raw(fd, &w), -EFAULT);
	w.addr = svmgpu_ptr(gone);
	igt_assert_eq(wait_raw(fd, &w), -EFAULT);

	w = good;
	w.queue_id = dead;
	igt_assert_eq(wait_raw(fd, &w), -ENOENT);
	w.queue_id = ~0u;
	igt_assert_eq(wait_raw(fd, &w), -ENOENT);
	w.queue_id = queue + 1000;
	igt_assert_eq(wait_raw(fd, &w), -ENOENT);

	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_WAIT_USER_FENCE,
				     NULL), -EFAULT);
	igt_assert_eq_u64(*word, 5);
	igt_assert(!svmgpu_svm_banned(&svm, queue));

	svmgpu_unmap(none, SZ_4K);
	free((void *)word);
	svmgpu_queue_destroy(fd, queue);
	svmgpu_svm_fini(&svm);
}

static const struct wait_case {
	uint64_t word, value, mask;
	uint32_t op;
	bool holds;
} wait_cases[] = {
	{ 5, 5, ~0ull, DRM_SVMGPU_WAIT_EQ, true },
	{ 5, 6, ~0ull, DRM_SVMGPU_WAIT_EQ, false },
	{ 5, 6, ~0ull, DRM_SVMGPU_WAIT_NE, true },
	{ 5, 5, ~0ull, DRM_SVMGPU_WAIT_NE, false },
	{ 6, 5, ~0ull, DRM_SVMGPU_WAIT_GT, true },
	{ 5, 5, ~0ull, DRM_SVMGPU_WAIT_GT, false },
	{ 5, 5, ~0ull, DRM_SVMGPU_WAIT_GTE, true },
	{ 4, 5, ~0ull, DRM_SVMGPU_WAIT_GTE, false },
	{ 4, 5, ~0ull, DRM_SVMGPU_WAIT_LT, true },
	{ 5, 5, ~0ull, DRM_SVMGPU_WAIT_LT, false },
	{ 5, 5, ~0ull, DRM_SVMGPU_WAIT_LTE, true },
	{ 6, 5, ~0ull, DRM_SVMGPU_WAIT_LTE, false },
	/* 64-bit and unsigned. */
	{ 1ull << 63, 1, ~0ull, DRM_SVMGPU_WAIT_GT, true },
	{ 1ull << 63, 1, ~0ull, DRM_SVMGPU_WAIT_LT, false },
	{ 1, 1ull << 63, ~0ull, DRM_SVMGPU_WAIT_LTE, true },
	{ 0x100000005ull, 5, ~0ull, DRM_SVMGPU_WAIT_EQ, false },
	{ 0xffffffff00000000ull, 0xffffffffull, ~0ull, DRM_SVMGPU_WAIT_GT,
	  true },
	/* The mask applies to both sides. */
	{ 0x123456789abcdef0ull, 0xf0, 0xff, DRM_SVMGPU_WAIT_EQ, true },
	{ 0x123456789abcdef0ull, 0x1f0, 0xff, DRM_SVMGPU_WAIT_EQ, true },
	{ 0x123456789abcdef0ull, 0xf1, 0xff, DRM_SVMGPU_WAIT_EQ, false },
	{ 0x100000001ull, 0x2, 0xffffffffull, DRM_SVMGPU_WAIT_LT, true },
	{ 0x100000001ull, 0x100000000ull, 0xffffffffull, DRM_SVMGPU_WAIT_GT,
	  true },
	{ 7, 9, 0, DRM_SVMGPU_WAIT_EQ, true },
	{ 7, 9, 0, DRM_SVMGPU_WAIT_NE, false },
	{ 7, 9, 0, DRM_SVMGPU_WAIT_GT, false },
	{ 7, 9, 0, DRM_SVMGPU_WAIT_GTE, true },
	{ 7, 9, 0, DRM_SVMGPU_WAIT_LT, false },
	{ 7, 9, 0, DRM_SVMGPU_WAIT_LTE, true },
};

/*
 * Every comparison, unsigned on 64 bits, with the mask applied to both
 * the value in memory and the one compared with. A deadline in the past
 * checks once: 0 if the condition holds, else -ETIME; a future deadline
 * returns at once when it holds.
 */
static void test_wait_ops(int fd)
{
	volatile uint64_t *word;
	unsigned int i;

	require_svm(fd);
	word = svmgpu_page_alloc();
	for (i = 0; i < ARRAY_SIZE(wait_cases); i++) {
		const struct wait_case *c = &wait_cases[i];
		int ret;

		*word = c->word;
		ret = __svmgpu_wait_ufence(fd, svmgpu_ptr(word), c->value,
					   c->mask, c->op, 0, 0);
		igt_assert_f(ret == (c->holds ? 0 : -ETIME),
			     "case %u: (%#" PRIx64 " & %#" PRIx64 ") op %u (%#"
			     PRIx64 " & mask): %d, expected %d\n", i, c->word,
			     c->mask, c->op, c->value, ret,
			     c->holds ? 0 : -ETIME);
		if (!c->holds)
			continue;
		ret = __svmgpu_wait_ufence(fd, svmgpu_ptr(word), c->value,
					   c->mask, c->op,
					   svmgpu_deadline_ns(10 * NSEC_PER_SEC),
					   0);
		igt_assert_eq(ret, 0);
	}
	free((void *)word);
}

static void alarm_handler(int sig)
{
	(void)sig;
}

/*
 * The deadline is absolute CLOCK_MONOTONIC: any time in the past, 0 and
 * negative ones included, checks once and gives -ETIME; a future one
 * returns -ETIME no earlier than the deadline. A signal interrupts the
 * wait (-EINTR, no SA_RESTART); restarted with the same arguments it
 * still ends at the first deadline, not one wait later.
 */
static void test_wait_timeout(int fd)
{
	static const int64_t past[] = { 0, -1, INT64_MIN, 1 };
	struct drm_svmgpu_wait_user_fence w;
	struct sigaction sa = {}, old_sa;
	struct itimerval timer = {};
	volatile uint64_t *word;
	int64_t start, deadline, end;
	unsigned int i;
	int ret;

	require_svm(fd);
	word = svmgpu_page_alloc();
	*word = 5;
	w = (struct drm_svmgpu_wait_user_fence) {
		.addr = svmgpu_ptr(word),
		.value = 6,
		.mask = ~0ull,
		.op = DRM_SVMGPU_WAIT_EQ,
	};

	for (i = 0; i < ARRAY_SIZE(past); i++) {
		w.timeout_ns = past[i];
		igt_assert_eq(wait_raw(fd, &w), -ETIME);
	}
	w.timeout_ns = now_ns() - 1;
	igt_assert_eq(wait_raw(fd, &w), -ETIME);

	deadline = svmgpu_deadline_ns(200 * 1000000ull);
	w.timeout_ns = deadline;
	igt_assert_eq(wait_raw(fd, &w), -ETIME);
	end = now_ns();
	igt_assert_f(end >= deadline, "-ETIME %" PRId64 " ns early\n",
		     deadline - end);

	/* Interrupted at 1.5 s of a 2 s wait, then restarted. */
	sa.sa_handler = alarm_handler;
	sigemptyset(&sa.sa_mask);
	igt_assert_eq(sigaction(SIGALRM, &sa, &old_sa), 0);
	timer.it_value.tv_sec = 1;
	timer.it_value.tv_usec = 500 * 1000;
	start = now_ns();
	deadline = start + 2 * (int64_t)NSEC_PER_SEC;
	w.timeout_ns = deadline;
	igt_assert_eq(setitimer(ITIMER_REAL, &timer, NULL), 0);
	ret = ioctl(fd, DRM_IOCTL_SVMGPU_WAIT_USER_FENCE, &w);
	ret = ret ? -errno : 0;
	memset(&timer, 0, sizeof(timer));
	setitimer(ITIMER_REAL, &timer, NULL);
	igt_assert_eq(sigaction(SIGALRM, &old_sa, NULL), 0);
	igt_assert_f(ret == -EINTR, "interrupted wait: %d (%s)\n", ret,
		     strerror(-ret));
	igt_assert_eq(wait_raw(fd, &w), -ETIME);
	end = now_ns();
	igt_info("restarted wait ended %" PRId64 " ms after the start\n",
		 (end - start) / 1000000);
	igt_assert_lte_s64(deadline, end);
	igt_assert_f(end - start < 3200 * 1000000ll,
		     "the restarted wait ended %" PRId64 " ms after the start "
		     "of a 2 s wait: not at the absolute deadline\n",
		     (end - start) / 1000000);

	igt_assert_eq_u64(*word, 5);
	free((void *)word);
}

struct destroy_wait {
	int fd;
	uint32_t queue;
	volatile uint64_t *fence;
	int ret;
};

static void *destroy_wait_thread(void *arg)
{
	struct destroy_wait *w = arg;

	w->ret = wait_eq(w->fd, w->fence, 1, 30 * NSEC_PER_SEC, w->queue);
	return NULL;
}

/*
 * A thread waits on a user fence naming a queue whose job is held on a
 * gate; another destroys the queue meanwhile. The wait keeps the queue
 * alive and goes on: the job still runs once the gate opens, and the
 * wait ends with 0. Once both are gone, the engine takes a queue of the
 * other kind again.
 */
static void test_wait_queue_destroyed(int fd)
{
	uint8_t *page = svmgpu_page_alloc();
	volatile uint32_t *gate = (volatile uint32_t *)(page + 64);
	struct destroy_wait w = {
		.fd = fd,
		.fence = (volatile uint64_t *)page,
	};
	struct svmgpu_svm svm;
	struct svmgpu_cs cs;
	pthread_t thread;
	uint32_t nvm, q;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	w.queue = svmgpu_svm_queue(&svm, 0);
	svmgpu_svm_cs(&svm, &cs, 64);
	svmgpu_cs_wait_mem(&cs, DRM_SVMGPU_WAIT_EQ, svmgpu_ptr(gate), 1,
			   0xffffffff);
	svmgpu_cs_end(&cs);
	svmgpu_svm_submit(fd, w.queue, &cs, w.fence, 1);

	igt_assert_eq(pthread_create(&thread, NULL, destroy_wait_thread, &w),
		      0);
	usleep(100 * 1000);
	svmgpu_queue_destroy(fd, w.queue);
	__atomic_store_n(gate, 1, __ATOMIC_RELEASE);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	igt_assert_eq(w.ret, 0);
	igt_assert_eq_u64(*w.fence, 1);

	/* Both gone: the engine takes the other kind again. */
	nvm = svmgpu_vm_create(fd);
	q = svmgpu_queue_create(fd, nvm, 0);
	svmgpu_queue_destroy(fd, q);
	svmgpu_vm_destroy(fd, nvm);
	free(page);
	svmgpu_svm_fini(&svm);
}

/*
 * A wait naming the queue of a job that fails ends with -ECANCELED, at
 * once and not at its deadline; so does any wait naming the banned queue
 * later. The failed job's fence is never written: without the queue, the
 * wait runs into its deadline. Another queue's waits are not cancelled.
 */
static void test_wait_banned(int fd)
{
	uint8_t *page = svmgpu_page_alloc(), *gone;
	volatile uint64_t *f0 = (volatile uint64_t *)page;
	volatile uint64_t *f1 = (volatile uint64_t *)(page + 8);
	struct timespec start = {};
	struct svmgpu_svm svm;
	struct svmgpu_cs cs;
	uint32_t q0, q1;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	q0 = svmgpu_svm_queue(&svm, 0);
	q1 = svmgpu_svm_queue(&svm, 1 % svmgpu_num_engines(fd));
	gone = svmgpu_map_anon(SZ_4K, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	svmgpu_unmap(gone, SZ_4K);

	svmgpu_svm_cs(&svm, &cs, 64);
	svmgpu_cs_write32(&cs, svmgpu_ptr(gone), 1);
	svmgpu_cs_end(&cs);
	svmgpu_svm_submit(fd, q0, &cs, f0, 1);

	igt_nsec_elapsed(&start);
	igt_assert_eq(wait_eq(fd, f0, 1, svmgpu_job_wait_ns(), q0),
		      -ECANCELED);
	igt_info("cancelled after %" PRIu64 " ms\n",
		 igt_nsec_elapsed(&start) / 1000000);
	igt_assert_eq(wait_eq(fd, f0, 1, 10 * NSEC_PER_SEC, q0), -ECANCELED);
	igt_assert_eq(wait_eq(fd, f0, 1, 100 * 1000000ull, 0), -ETIME);
	igt_assert_eq(wait_eq(fd, f1, 1, 100 * 1000000ull, q1), -ETIME);
	igt_assert_eq_u64(*f0, 0);
	igt_assert_eq(__svmgpu_exec_ufence(fd, q0, svmgpu_cs_addr(&svm.probe),
					   svmgpu_cs_bytes(&svm.probe),
					   svmgpu_ptr(f0), 2, NULL, 0),
		      -ECANCELED);

	svmgpu_svm_cs(&svm, &cs, 64);
	svmgpu_cs_write32(&cs, svmgpu_ptr(page + 64), 0x91);
	svmgpu_cs_end(&cs);
	svmgpu_svm_submit(fd, q1, &cs, f1, 1);
	igt_assert_eq(svmgpu_svm_wait(fd, q1, f1, 1), 0);
	igt_assert_eq_u32(*(volatile uint32_t *)(page + 64), 0x91);

	svmgpu_queue_destroy(fd, q1);
	svmgpu_queue_destroy(fd, q0);
	free(page);
	svmgpu_svm_fini(&svm);
}

/*
 * A job that hangs (a WAIT_MEM nothing satisfies) is reset at the job
 * timeout, which bans its queue: a wait naming the queue ends with
 * -ECANCELED then, not earlier.
 */
static void test_wait_hang(int fd)
{
	uint8_t *page = svmgpu_page_alloc();
	volatile uint64_t *fence = (volatile uint64_t *)page;
	struct timespec start = {};
	struct svmgpu_svm svm;
	struct svmgpu_cs cs;
	uint64_t ms;
	uint32_t queue;
	int timeout_ms;

	require_svm(fd);
	timeout_ms = svmgpu_job_timeout_ms();
	igt_require_f(timeout_ms >= 0, "svmgpu has no job_timeout_ms\n");
	svmgpu_svm_init(&svm, fd, POOL);
	queue = svmgpu_svm_queue(&svm, 0);
	svmgpu_svm_cs(&svm, &cs, 64);
	svmgpu_cs_wait_mem(&cs, DRM_SVMGPU_WAIT_EQ, svmgpu_ptr(page + 64), 1,
			   0xffffffff);
	svmgpu_cs_end(&cs);

	igt_nsec_elapsed(&start);
	svmgpu_svm_submit(fd, queue, &cs, fence, 1);
	igt_assert_eq(wait_eq(fd, fence, 1, svmgpu_hang_wait_ns(), queue),
		      -ECANCELED);
	ms = igt_nsec_elapsed(&start) / 1000000;
	igt_info("hung job cancelled the wait after %" PRIu64 " ms "
		 "(timeout %d ms)\n", ms, timeout_ms);
	igt_assert_lte_u64(timeout_ms * 9ull / 10, ms);
	igt_assert_eq_u64(*fence, 0);

	svmgpu_queue_destroy(fd, queue);
	free(page);
	svmgpu_svm_fini(&svm);
}

/* --- A bad address fails only its queue ----------------------------------- */

enum bad_kind { BAD_UNMAPPED, BAD_NULL, BAD_PAST_MIRROR, BAD_PROT_NONE };

static const struct {
	const char *name;
	enum bad_kind kind;
} bad_cases[] = {
	{ "unmapped", BAD_UNMAPPED },
	{ "null", BAD_NULL },
	{ "past-mirror", BAD_PAST_MIRROR },
	{ "prot-none", BAD_PROT_NONE },
};

/*
 * Two queues of a VM, and a queue of another VM: one job reads or writes
 * a bad address (unmapped, in the null guard, past the mirror, PROT_NONE)
 * while the other queue's job is in flight. The bad job's queue is
 * banned (EXEC and waits give -ECANCELED); the other jobs complete with
 * the right data and their queues carry on.
 */
static void test_bad_address(int fd, enum bad_kind kind, bool write)
{
	uint8_t *page, *src, *dst, *map = NULL;
	volatile uint32_t *gate;
	volatile uint64_t *fence;
	struct svmgpu_svm svm, other;
	struct svmgpu_cs cs;
	uint64_t bad = 0;
	uint32_t good;

	require_svm(fd);
	if (kind == BAD_PAST_MIRROR) {
		uint64_t start, end;

		svmgpu_mirror_range(fd, &start, &end);
		igt_require_f(svmgpu_va_bits(fd) < 64 &&
			      end < 1ull << svmgpu_va_bits(fd),
			      "the mirror covers the whole VM\n");
	}
	svmgpu_svm_init(&svm, fd, POOL);
	switch (kind) {
	case BAD_UNMAPPED:
		map = svmgpu_map_anon(SZ_4K, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE);
		svmgpu_unmap(map, SZ_4K);
		bad = svmgpu_ptr(map) + 0x40;
		map = NULL;
		break;
	case BAD_NULL:
		bad = 0x40;
		break;
	case BAD_PAST_MIRROR:
		bad = svm.mirror_end + SZ_64K;
		break;
	case BAD_PROT_NONE:
		map = svmgpu_map_anon(SZ_4K, PROT_NONE, MAP_PRIVATE);
		bad = svmgpu_ptr(map) + 0x40;
		break;
	}

	page = svmgpu_page_alloc();
	gate = (volatile uint32_t *)page;
	fence = (volatile uint64_t *)(page + 64);
	src = pattern_alloc(SZ_64K, 0xbad);
	dst = canary_alloc(SZ_64K);
	good = svmgpu_svm_queue(&svm, 1 % svmgpu_num_engines(fd));
	svmgpu_svm_cs(&svm, &cs, 128);
	/* Held in flight, but not on the engine the bad job runs on. */
	if (svmgpu_num_engines(fd) >= 2)
		svmgpu_cs_wait_mem(&cs, DRM_SVMGPU_WAIT_EQ, svmgpu_ptr(gate),
				   1, 0xffffffff);
	svmgpu_cs_copy(&cs, svmgpu_ptr(src), svmgpu_ptr(dst), SZ_64K);
	svmgpu_cs_end(&cs);
	svmgpu_svm_submit(fd, good, &cs, fence, 1);

	svmgpu_svm_cs(&svm, &cs, 64);
	if (write)
		svmgpu_cs_write32(&cs, bad, 0xbad);
	else
		svmgpu_cs_copy(&cs, bad, svmgpu_ptr(page + 128), 4);
	svmgpu_cs_end(&cs);
	igt_assert_eq(svmgpu_svm_run_new_queue(&svm, &cs), -ECANCELED);
	igt_assert_eq_u32(*(volatile uint32_t *)(page + 128), 0);

	__atomic_store_n(gate, 1, __ATOMIC_RELEASE);
	igt_assert_eq(svmgpu_svm_wait(fd, good, fence, 1), 0);
	svmgpu_assert_bytes(dst, src, SZ_64K, "the good queue's copy");
	igt_assert(!svmgpu_svm_banned(&svm, good));

	svmgpu_svm_init(&other, fd, POOL);
	gpu_read_check(&other, src, src, SZ_64K);
	svmgpu_svm_fini(&other);

	svmgpu_queue_destroy(fd, good);
	if (map)
		svmgpu_unmap(map, SZ_4K);
	free(dst);
	free(src);
	free(page);
	svmgpu_svm_fini(&svm);
}


/* Run @cs, which faults, on a new queue of @svm: its status says why. */
static void expect_fault_status(struct svmgpu_svm *svm,
				const struct svmgpu_cs *cs, uint64_t addr,
				uint32_t access)
{
	uint32_t queue = svmgpu_svm_queue(svm, 0);
	struct drm_svmgpu_queue_status st;

	igt_assert_eq(svmgpu_svm_run(svm, queue, cs), -ECANCELED);
	st = svmgpu_queue_status(svm->fd, queue);
	igt_assert_eq_u32(st.banned, 1);
	igt_assert_eq(st.error, -EFAULT);
	igt_assert_eq_u64(st.fault_address, addr);
	igt_assert_eq_u32(st.fault_access, access);
	svmgpu_queue_destroy(svm->fd, queue);
}

/*
 * QUEUE_STATUS: a healthy queue is not banned and has no error; a queue
 * whose job wrote to read-only memory, read PROT_NONE memory or did an
 * atomic on it is banned with -EFAULT at that address and access. Bad
 * input: MBZ fields and extensions give -EINVAL, unknown queues -ENOENT.
 */
static void test_queue_status(int fd)
{
	struct drm_svmgpu_queue_status st;
	struct svmgpu_svm svm;
	struct svmgpu_cs cs;
	uint8_t *ro, *none;
	uint32_t good;

	require_svm(fd);
	svmgpu_svm_init(&svm, fd, POOL);
	ro = svmgpu_map_anon(SZ_4K, PROT_READ, MAP_PRIVATE);
	none = svmgpu_map_anon(SZ_4K, PROT_NONE, MAP_PRIVATE);

	good = svmgpu_svm_queue(&svm, 0);
	svmgpu_svm_cs(&svm, &cs, 64);
	svmgpu_cs_end(&cs);
	igt_assert_eq(svmgpu_svm_run(&svm, good, &cs), 0);
	st = svmgpu_queue_status(fd, good);
	igt_assert_eq_u32(st.banned, 0);
	igt_assert_eq(st.error, 0);
	igt_assert_eq_u64(st.fault_address, 0);

	svmgpu_svm_cs(&svm, &cs, 64);
	svmgpu_cs_write32(&cs, svmgpu_ptr(ro) + 0x48, 1);
	svmgpu_cs_end(&cs);
	expect_fault_status(&svm, &cs, svmgpu_ptr(ro) + 0x48,
			    DRM_SVMGPU_ACCESS_WRITE);

	svmgpu_svm_cs(&svm, &cs, 64);
	svmgpu_cs_copy(&cs, svmgpu_ptr(none) + 0x80, svmgpu_ptr(svm.pool), 4);
	svmgpu_cs_end(&cs);
	expect_fault_status(&svm, &cs, svmgpu_ptr(none) + 0x80,
			    DRM_SVMGPU_ACCESS_READ);

	svmgpu_svm_cs(&svm, &cs, 64);
	svmgpu_cs_atomic(&cs, DRM_SVMGPU_ATOMIC_INC, svmgpu_ptr(ro) + 0x40,
			 0, 0, 0);
	svmgpu_cs_end(&cs);
	expect_fault_status(&svm, &cs, svmgpu_ptr(ro) + 0x40,
			    DRM_SVMGPU_ACCESS_ATOMIC);

	/* The healthy queue still is. */
	igt_assert(!svmgpu_svm_banned(&svm, good));

	st = (struct drm_svmgpu_queue_status) { .queue_id = good, .flags = 1 };
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_QUEUE_STATUS, &st),
		      -EINVAL);
	st = (struct drm_svmgpu_queue_status) { .queue_id = good, .pad = 1 };
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_QUEUE_STATUS, &st),
		      -EINVAL);
	st = (struct drm_svmgpu_queue_status) { .queue_id = good,
						.extensions = 1 };
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_QUEUE_STATUS, &st),
		      -EINVAL);
	st = (struct drm_svmgpu_queue_status) { .queue_id = 0 };
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_QUEUE_STATUS, &st),
		      -ENOENT);
	st = (struct drm_svmgpu_queue_status) { .queue_id = 0xfffff };
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_QUEUE_STATUS, &st),
		      -ENOENT);

	svmgpu_queue_destroy(fd, good);
	svmgpu_unmap(ro, SZ_4K);
	svmgpu_unmap(none, SZ_4K);
	svmgpu_svm_fini(&svm);
}

/* --- Mirror ranges and GPU page sizes ------------------------------------- */

/*
 * A VM that mirrors one 4 MiB mapping only: the GPU uses what is inside
 * and faults on what is outside. OP_UNMAP of part of the mirror makes
 * the GPU fault there; mirrored again, the part shows what the CPU wrote
 * there meanwhile.
 */
static void test_mirror_partial(int fd)
{
	const size_t size = 4 * SZ_1M;
	uint8_t *region, *cmd, *src, *dst, *outside;
	volatile uint64_t *fence;
	struct svmgpu_cs cs;
	uint32_t vm, queue;
	uint64_t seqno = 0;

	require_svm(fd);
	region = svmgpu_map_anon(size, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cmd = region;
	fence = (volatile uint64_t *)(region + SZ_64K);
	src = region + SZ_1M;
	dst = region + 2 * SZ_1M;
	outside = pattern_alloc(SZ_64K, 0x0a);
	svmgpu_fill_pattern(src, SZ_1M, 0x1a);

	vm = svmgpu_vm_create_fault(fd);
	svmgpu_vm_mirror(fd, vm, svmgpu_ptr(region), size);
	queue = svmgpu_queue_create(fd, vm, 0);

#define RUN_COPY(from, len, expect) do { \
		svmgpu_cs_init(&cs, cmd, svmgpu_ptr(cmd), 256); \
		svmgpu_cs_copy(&cs, svmgpu_ptr(from), svmgpu_ptr(dst), len); \
		svmgpu_cs_end(&cs); \
		svmgpu_svm_submit(fd, queue, &cs, fence, ++seqno); \
		igt_assert_eq(svmgpu_svm_wait(fd, queue, fence, seqno), \
			      expect); \
	} while (0)

	RUN_COPY(src, SZ_1M, 0);
	svmgpu_assert_bytes(dst, src, SZ_1M, "copy inside the mirror");

	RUN_COPY(outside, SZ_64K, -ECANCELED);
	svmgpu_queue_destroy(fd, queue);
	queue = svmgpu_queue_create(fd, vm, 0);

	svmgpu_vm_unmap(fd, vm, svmgpu_ptr(src), SZ_1M);
	RUN_COPY(src, SZ_4K, -ECANCELED);
	svmgpu_queue_destroy(fd, queue);
	queue = svmgpu_queue_create(fd, vm, 0);

	svmgpu_fill_pattern(src, SZ_1M, 0x1b);
	svmgpu_vm_mirror(fd, vm, svmgpu_ptr(src), SZ_1M);
	RUN_COPY(src, SZ_1M, 0);
	svmgpu_assert_bytes(dst, src, SZ_1M, "copy after mirroring again");
#undef RUN_COPY

	svmgpu_queue_destroy(fd, queue);
	svmgpu_vm_destroy(fd, vm);
	free(outside);
	svmgpu_unmap(region, size);
}

/*
 * The GPU maps memory with the largest page the CPU mapping allows: a
 * THP (when the kernel gave one) or a 2 MiB hugetlbfs page gets 2 MiB GPU
 * pages, as debugfs vm_pagetables shows.
 */
static void test_gpu_page_size(int fd, bool hugetlb)
{
	const size_t size = 2 * SZ_2M;
	struct svmgpu_pt_dump dump;
	struct svmgpu_svm svm;
	unsigned int leaves_2m;
	uint64_t huge, start;
	uint8_t *p;
	int cfd;

	require_svm(fd);
	igt_require_f(svmgpu_has_pt_dump(fd), "no debugfs vm_pagetables\n");
	if (hugetlb) {
		p = hugetlb_map(size);
		huge = size;
	} else {
		igt_require_f(svmgpu_thp_enabled(),
			      "transparent hugepages are disabled\n");
		p = svmgpu_map_aligned(size, SZ_2M);
		igt_assert_eq(madvise(p, size, MADV_HUGEPAGE), 0);
	}
	svmgpu_fill_pattern(p, size, 0x2e);
	if (!hugetlb) {
		huge = svmgpu_smaps_field(p, "AnonHugePages");
		igt_require_f(huge >= SZ_2M, "the kernel gave no THP\n");
	}

	cfd = drm_open_svmgpu(0);
	svmgpu_svm_init(&svm, cfd, POOL);
	igt_assert_eq(svmgpu_svm_fill(&svm, p + SZ_4K, 0x2f, SZ_4K), 0);
	gpu_read_check(&svm, p, p, size);
	igt_assert_eq(svmgpu_pt_dump_read(cfd, svm.vm, &dump), 0);
	start = svmgpu_ptr(p);
	leaves_2m = svmgpu_pt_dump_count(&dump, start, start + size, SZ_2M);
	igt_info("%" PRIu64 " KiB of huge pages; GPU leaves: %u of 2M, %u of "
		 "64K, %u of 4K\n", huge >> 10, leaves_2m,
		 svmgpu_pt_dump_count(&dump, start, start + size, SZ_64K),
		 svmgpu_pt_dump_count(&dump, start, start + size, SZ_4K));
	igt_assert_lte(huge / SZ_2M, leaves_2m);
	svmgpu_pt_dump_free(&dump);
	svmgpu_svm_fini(&svm);
	close(cfd);

	svmgpu_unmap(p, size);
	if (hugetlb)
		hugetlb_restore();
}

igt_main
{
	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	/* --- Memory --- */

	igt_describe("The GPU reads every kind of process memory (malloc "
		     "small and large, private and shared anonymous, "
		     "never-touched (zeros), the stack, private and shared "
		     "file mappings, memfd, THP, hugetlbfs, mlocked) whole and "
		     "at odd offsets, and then what the CPU changed.");
	igt_subtest_with_dynamic("memory-read") {
		require_svm(svmgpu_fd);
		for (volatile unsigned int i = 0;
		     i < ARRAY_SIZE(mem_types); i++)
			igt_dynamic(mem_types[i].name)
				test_mem_read(svmgpu_fd, &mem_types[i]);
	}

	igt_describe("The GPU writes every kind of process memory, byte "
		     "granular, and the CPU sees exactly that; shared file "
		     "mappings and memfd pass the writes to the file, private "
		     "file mappings do not.");
	igt_subtest_with_dynamic("memory-write") {
		require_svm(svmgpu_fd);
		for (volatile unsigned int i = 0;
		     i < ARRAY_SIZE(mem_types); i++)
			igt_dynamic(mem_types[i].name)
				test_mem_write(svmgpu_fd, &mem_types[i]);
	}

	igt_describe("COPY between anonymous mappings from 4 KiB to 64 MiB, "
		     "aligned and at odd offsets and lengths, nothing around "
		     "it changed; FILL of never-touched memory of each size.");
	igt_subtest_with_dynamic("sizes") {
		require_svm(svmgpu_fd);
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(size_cases);
		     i++)
			igt_dynamic(size_cases[i].name)
				test_size(svmgpu_fd, &size_cases[i]);
	}

	igt_describe("The command buffer is fetched through the mirror from "
		     "malloc'd memory, the stack, an anonymous mapping (also "
		     "across a page boundary), a shared file mapping, and a "
		     "BO bound inside the mirror.");
	igt_subtest_with_dynamic("cmd-buffer-memory") {
		require_svm(svmgpu_fd);
		for (volatile unsigned int i = 0;
		     i < ARRAY_SIZE(cmd_cases); i++)
			igt_dynamic(cmd_cases[i].name)
				test_cmd_buffer(svmgpu_fd, cmd_cases[i].where);
	}

	igt_describe("A VM that mirrors one mapping only: the GPU faults "
		     "outside it, and on a part unmapped with OP_UNMAP until "
		     "it is mirrored again.");
	igt_subtest("mirror-partial")
		test_mirror_partial(svmgpu_fd);

	igt_describe("THP and 2 MiB hugetlbfs pages get 2 MiB GPU pages "
		     "(debugfs vm_pagetables).");
	igt_subtest_with_dynamic("gpu-page-size") {
		require_svm(svmgpu_fd);
		igt_dynamic("thp")
			test_gpu_page_size(svmgpu_fd, false);
		igt_dynamic("hugetlb")
			test_gpu_page_size(svmgpu_fd, true);
	}

	/* --- Permissions --- */

	igt_describe("A GPU write to read-only memory (mprotected before or "
		     "after the GPU wrote it, or mapped read-only) fails and "
		     "bans only its queue, the memory unchanged, while "
		     "another queue's job completes; after mprotect(RW) a new "
		     "queue writes.");
	igt_subtest_with_dynamic("write-readonly") {
		require_svm(svmgpu_fd);
		igt_dynamic("mprotect-before-gpu")
			test_write_readonly(svmgpu_fd, RO_BEFORE_GPU);
		igt_dynamic("mprotect-after-gpu-write")
			test_write_readonly(svmgpu_fd, RO_AFTER_GPU_WRITE);
		igt_dynamic("mapped-readonly")
			test_write_readonly(svmgpu_fd, RO_MAPPED_READONLY);
	}

	igt_describe("The GPU can neither read nor write PROT_NONE memory, "
		     "also once it had mapped it; after mprotect(RW) a new "
		     "queue reads the old contents and writes.");
	igt_subtest("prot-none")
		test_prot_none(svmgpu_fd);

	igt_describe("A GPU read or write through an svmgpu BO's own CPU "
		     "mapping (VM_PFNMAP) fails cleanly: its queue banned, "
		     "the BO unchanged, another queue fine; the BO bound with "
		     "OP_MAP works.");
	igt_subtest_with_dynamic("bo-cpu-mapping") {
		require_svm(svmgpu_fd);
		igt_dynamic("read")
			test_bo_cpu_mapping(svmgpu_fd, false);
		igt_dynamic("write")
			test_bo_cpu_mapping(svmgpu_fd, true);
	}

	igt_describe("An unrecoverable fault leaves a devcoredump naming the "
		     "queue, the VM, reason fault and the faulting address.");
	igt_subtest("devcoredump-fault")
		test_devcoredump_fault(svmgpu_fd);

	/* --- Invalidation --- */

	igt_describe("munmap of all, the first half or the middle of memory "
		     "the GPU read: the GPU faults on the hole, reads the "
		     "rest, and reads and writes new memory mapped there "
		     "(MAP_FIXED).");
	igt_subtest_with_dynamic("munmap") {
		require_svm(svmgpu_fd);
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(unmap_cases);
		     i++)
			igt_dynamic(unmap_cases[i].name)
				test_munmap(svmgpu_fd, unmap_cases[i].part);
	}

	igt_describe("free() and malloc() again, small and above the mmap "
		     "threshold: the GPU sees the new contents.");
	igt_subtest_with_dynamic("free-malloc") {
		require_svm(svmgpu_fd);
		igt_dynamic("small")
			test_free_malloc(svmgpu_fd, 256);
		igt_dynamic("large")
			test_free_malloc(svmgpu_fd, SZ_1M);
	}

	igt_describe("MADV_DONTNEED of memory the GPU mapped: private memory "
		     "reads as zeros to the GPU, shared memory keeps its "
		     "contents; GPU writes afterwards reach the CPU.");
	igt_subtest_with_dynamic("madvise-dontneed") {
		require_svm(svmgpu_fd);
		igt_dynamic("private")
			test_dontneed(svmgpu_fd, false);
		igt_dynamic("shared")
			test_dontneed(svmgpu_fd, true);
	}

	igt_describe("mmap(MAP_FIXED) over a live range the GPU read: the "
		     "GPU reads the new memory, zeros then CPU data.");
	igt_subtest("map-fixed-remap")
		test_map_fixed(svmgpu_fd);

	igt_describe("mremap() moving memory the GPU read: the GPU reads it "
		     "at the new address and faults at the old one.");
	igt_subtest("mremap-move")
		test_mremap(svmgpu_fd, false);

	igt_describe("mremap(MREMAP_DONTUNMAP): the GPU reads the data at the "
		     "new address and zeros at the old one.");
	igt_subtest("mremap-dontunmap")
		test_mremap(svmgpu_fd, true);

	igt_describe("A 4 KiB munmap inside a THP the GPU mapped: the "
		     "neighbours stay right, the hole faults, new memory in "
		     "the hole is seen.");
	igt_subtest("thp-partial-munmap")
		test_thp_partial_munmap(svmgpu_fd);

	igt_describe("A thread munmaps the source of a running copy: the job "
		     "either completes with the right data or faults and bans "
		     "its queue; nothing hangs or crashes.");
	igt_subtest("munmap-race")
		test_munmap_race(svmgpu_fd);

	/* --- fork --- */

	igt_describe("After fork, the parent's CPU and GPU writes to private "
		     "memory copy the pages: the GPU sees the parent's data, "
		     "the child keeps what was there at fork.");
	igt_subtest("fork-cow")
		test_fork_cow(svmgpu_fd);

	igt_describe("MAP_SHARED anonymous memory stays shared with a child: "
		     "each sees what the GPU and the other wrote.");
	igt_subtest("fork-shared")
		test_fork_shared(svmgpu_fd);

	igt_describe("A child reads the GPU's results from before the fork; "
		     "later GPU writes reach it through shared memory only.");
	igt_subtest("fork-child-reads")
		test_fork_child_reads(svmgpu_fd);

	/* --- Coherence --- */

	igt_describe("The CPU polls a user fence in the same page as the "
		     "data the GPU writes: the fence never comes before the "
		     "data, and the CPU's own writes to the page survive.");
	igt_subtest("user-fence-same-page")
		test_fence_same_page(svmgpu_fd);

	igt_describe("GPU ATOMICs from two engines and CPU atomics from two "
		     "threads on one malloc'd counter: the count is exact and "
		     "every old value is returned once.");
	igt_subtest("atomics-cpu-gpu")
		test_atomics_cpu_gpu(svmgpu_fd);

	igt_describe("One job and the CPU ping-pong through one page, 64 "
		     "times.");
	igt_subtest("ping-pong")
		test_ping_pong(svmgpu_fd);

	/* --- Concurrency --- */

	igt_describe("8 threads, each with its own queue on one shared VM, "
		     "copy their own malloc'd buffers.");
	igt_subtest("threads-shared-vm")
		test_threads_shared_vm(svmgpu_fd);

	igt_describe("4 processes with a DRM file each use buffers at the "
		     "same addresses with their own data: each VM mirrors its "
		     "own process.");
	igt_subtest("processes")
		test_processes(svmgpu_fd);

	igt_describe("Two VMs of one process mirror the same memory, on one "
		     "DRM file or two: each sees the other's and the CPU's "
		     "writes, both follow munmap, a fault in one leaves the "
		     "other alone.");
	igt_subtest_with_dynamic("two-vms") {
		require_svm(svmgpu_fd);
		igt_dynamic("same-file")
			test_two_vms(svmgpu_fd, false);
		igt_dynamic("two-files")
			test_two_vms(svmgpu_fd, true);
	}

	igt_describe("With two devices, a VM on each mirrors the same memory: "
		     "one GPU reads what the other wrote.");
	igt_subtest("two-devices")
		test_two_devices(svmgpu_fd);

	/* --- Teardown --- */

	igt_describe("Processes exit with faulting, stalled and failing jobs "
		     "in flight: they are reaped in time, the device works, "
		     "VRAM use returns to its baseline.");
	igt_subtest("exit-with-jobs")
		test_exit_inflight(svmgpu_fd);

	igt_describe("close() of a file whose job is stalled on a WAIT_MEM "
		     "and another faulting: it returns in time, the job never "
		     "goes on, the device works.");
	igt_subtest("close-stalled")
		test_close_stalled(svmgpu_fd);

	igt_describe("The page tables GPU faults fill take VRAM while the VM "
		     "lives and give it all back once its file is closed, "
		     "round after round (debugfs vram).");
	igt_subtest("usage-baseline")
		test_usage_baseline(svmgpu_fd);

	/* --- Bad input --- */

	igt_describe("VM_CREATE with FAULT_MODE and any unknown flag or an "
		     "extension is -EINVAL; FAULT_MODE alone works.");
	igt_subtest("vm-create-bad")
		test_vm_create_bad(svmgpu_fd);

	igt_describe("OP_MAP_MIRROR is -EINVAL without fault mode, with MBZ "
		     "fields set, misaligned, empty, in the null guard, past "
		     "the VM, or over a mapping; nothing of the bind is "
		     "applied.");
	igt_subtest("mirror-bad")
		test_mirror_bad(svmgpu_fd);

	igt_describe("OP_MAP of a BO inside a part of the mirror the GPU never "
		     "touched works, CPU memory there or not: the GPU uses "
		     "the BO there and leaves the CPU's memory alone.");
	igt_subtest_with_dynamic("bo-in-mirror") {
		require_svm(svmgpu_fd);
		igt_dynamic("cpu-mapped")
			test_bo_in_mirror(svmgpu_fd, true);
		igt_dynamic("cpu-unmapped")
			test_bo_in_mirror(svmgpu_fd, false);
	}

	igt_describe("WAIT_USER_FENCE naming a queue that another thread "
		     "destroys goes on until the job writes its fence.");
	igt_subtest("wait-queue-destroyed")
		test_wait_queue_destroyed(svmgpu_fd);

	igt_describe("QUEUE_STATUS says whether a queue is banned and why: "
		     "-EFAULT with the address and access (read, write, "
		     "atomic) of an unrecoverable fault; bad input.");
	igt_subtest("queue-status")
		test_queue_status(svmgpu_fd);

	igt_describe("A BO bound in a fault-mode VM moves between system "
		     "memory and VRAM: its mappings are cleared before each "
		     "copy and faulted back in after, with the data right.");
	igt_subtest("bo-moves")
		test_bo_moves(svmgpu_fd);

	igt_describe("An engine serves fault-mode queues or dma-fence queues, "
		     "not both at once: the other kind is -EBUSY while one "
		     "lives.");
	igt_subtest("engine-kinds")
		test_engine_kinds(svmgpu_fd);

	igt_describe("Another process holding the file may not create queues "
		     "on, submit to or bind in a fault-mode VM (-EACCES).");
	igt_subtest("other-process")
		test_other_process(svmgpu_fd);

	igt_describe("OP_MAP over a part of the mirror the GPU faulted in is "
		     "-EBUSY and changes nothing, until an OP_UNMAP of it.");
	igt_subtest("bo-over-touched-mirror")
		test_bo_over_touched(svmgpu_fd);

	igt_describe("EXEC on a fault-mode queue: -EINVAL for syncobjs to "
		     "signal, user fences misaligned, in the null guard or "
		     "past the VM, fence fields without the flag, unknown "
		     "flags; the queue stays usable; in-syncs work.");
	igt_subtest("exec-bad")
		test_exec_bad(svmgpu_fd);

	igt_describe("WAIT_USER_FENCE: -EINVAL for a misaligned address, ops "
		     "6, 7 and WAIT_64, flags, pad and extensions; -EFAULT "
		     "for unreadable memory; -ENOENT for an unknown queue.");
	igt_subtest("wait-bad")
		test_wait_bad(svmgpu_fd);

	igt_describe("WAIT_USER_FENCE compares unsigned 64-bit values, masked "
		     "on both sides, with every op.");
	igt_subtest("wait-ops")
		test_wait_ops(svmgpu_fd);

	igt_describe("WAIT_USER_FENCE's deadline is absolute: past ones give "
		     "-ETIME at once, future ones not before; a wait "
		     "interrupted by a signal and restarted ends at the first "
		     "deadline.");
	igt_subtest("wait-timeout")
		test_wait_timeout(svmgpu_fd);

	igt_describe("A wait naming the queue of a job that faults ends with "
		     "-ECANCELED at once; the fence is never written; other "
		     "queues' waits go on.");
	igt_subtest("wait-banned")
		test_wait_banned(svmgpu_fd);

	igt_describe("A wait on a job that hangs ends with -ECANCELED when "
		     "the job timeout bans its queue.");
	igt_subtest("wait-hang")
		test_wait_hang(svmgpu_fd);

	igt_describe("A job reading or writing a bad address (unmapped, null, "
		     "past the mirror, PROT_NONE) bans only its queue; the "
		     "other queue's job in flight completes with the right "
		     "data, and another VM is unaffected.");
	igt_subtest_with_dynamic("bad-address") {
		require_svm(svmgpu_fd);
		for (volatile unsigned int i = 0;
		     i < ARRAY_SIZE(bad_cases); i++) {
			igt_dynamic_f("%s-read", bad_cases[i].name)
				test_bad_address(svmgpu_fd, bad_cases[i].kind,
						 false);
			igt_dynamic_f("%s-write", bad_cases[i].name)
				test_bad_address(svmgpu_fd, bad_cases[i].kind,
						 true);
		}
	}

	igt_fixture {
		hugetlb_restore();
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
