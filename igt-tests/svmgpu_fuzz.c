// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_fuzz - a structured ioctl fuzzer.
 *
 * Calls every svmgpu ioctl, and the DRM core ioctls svmgpu relies on
 * (syncobjs and GEM_CLOSE), with arguments that mix random bytes with
 * plausible values: handles and ids that creates returned (live, destroyed
 * and made up), user pointers that are valid, NULL, unmapped, PROT_NONE,
 * read-only, in the kernel or inside a BO mapping, page-sized lengths,
 * every flag bit and non-zero padding. Now and then it writes a real
 * command stream, or random words, into a mapped BO and runs it, so that
 * EXEC gets past its argument checks and the GPU runs what it was given.
 *
 * With DRM_SVMGPU_FEATURE_SVM (uAPI 1.3) it also creates fault-mode VMs,
 * submits with user fences and waits on them (always with a deadline a
 * few milliseconds away). It never makes a valid OP_MAP_MIRROR: a mirror
 * would let random command streams write to the fuzzer's own memory. Its
 * MAP_MIRROR operations all have a non-zero MBZ field.
 *
 * uAPI 1.4's VM_MADVISE and VM_QUERY_ATTRS are called on every VM, with
 * any range, attribute, flag and preferred file descriptor (the device's
 * own files, closed and other files, made-up numbers); VM_BIND gets
 * OP_PREFETCH operations, which never find a mirror to move.
 *
 * Every call must return 0 or a negative errno from the set its ioctl may
 * return. What the kernel does meanwhile is checked by the harness: any
 * WARN, KASAN or lockdep report, svmgpu error line or leak in dmesg fails
 * the run, and svmgpu must unload cleanly after it.
 *
 * The run is reproducible from its seed, which is printed; set
 * SVMGPU_FUZZ_SEED to replay one (timing may still vary). A run stops
 * after SVMGPU_FUZZ_CALLS calls (default FUZZ_CALLS) or SVMGPU_FUZZ_SECONDS
 * seconds (default FUZZ_SECONDS), whichever comes first.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"
#include "svmgpu_util.h"

IGT_TEST_DESCRIPTION("A structured fuzzer of the svmgpu and DRM syncobj "
		     "ioctls: every call fails cleanly or succeeds.");

/*
 * Calls per run, and the time limit. Measured on the debug (KASAN,
 * lockdep, kmemleak) kernel in a 2-vCPU TCG guest, on 2 host cores that
 * other TCG guests shared (load average 7 to 16): 100000 calls in 164 s
 * and 120000 in 139 s, 600 to 900 calls/s, most of it in the ioctls that
 * wait for the GPU (EXEC, VM_BIND, VM and queue teardown, GEM_CREATE's
 * clears). Not measured on an idle host. The time limit only stops a run
 * far slower than that; it then says so, and the minimum count is not
 * asserted.
 */
#define FUZZ_CALLS		100000
#define FUZZ_MIN_CALLS		100000
#define FUZZ_SECONDS		240

/* The DRM file is reopened every REOPEN_MIN to 2 * REOPEN_MIN calls. */
#define REOPEN_MIN		2000

/* Bounds on what one DRM file may hold at once. */
#define MAX_BOS			24
#define MAX_VMS			8
#define MAX_QUEUES		12
#define MAX_SYNCOBJS		24
#define MAX_EXPORTS		8
#define MAX_MAPS		8
#define MAX_DEAD		16
#define MAX_BO_SIZE		(16ull << 20)
#define BO_BUDGET		(96ull << 20)
#define MAX_MAP_SIZE		SZ_64K

/*
 * 6.12's drm_syncobj_array_find() (DRM core, not svmgpu) allocates
 * count_handles entries with kmalloc_array() and no __GFP_NOWARN, so a
 * huge count_handles makes the page allocator WARN. That is core
 * behaviour; keep counts below this sane bound so that the fuzzer does not
 * trip it, and hides no other warning.
 */
#define MAX_SYNCOBJ_COUNT	1024

/* The longest a syncobj wait may block: waits are always bounded. */
#define MAX_WAIT_NS		(2 * 1000 * 1000ull)

/* GPU addresses: the runner's buffers, and a window for random binds. */
#define RUN_VA_CMD		(1ull << 32)
#define RUN_VA_DATA		(RUN_VA_CMD + SZ_1M)
#define RUN_CMD_SIZE		SZ_64K
#define RUN_DATA_SIZE		SZ_64K
#define RUN_SLOT_SIZE		SZ_4K
#define BIND_WINDOW		(1ull << 33)
#define BIND_WINDOW_SIZE	(64ull << 20)

/* Scratch memory for argument arrays, followed by a PROT_NONE guard page. */
#define SCRATCH_SIZE		(64 * 1024)

#define SVMGPU_IOCTL_NR_MAX	0x3f

/* Below the program, its heap and every mmap(): never mapped. */
#define UNMAPPED_HINT		((void *)0x10000000ul)

#define VRAM	DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM	DRM_SVMGPU_GEM_PLACEMENT_SYSTEM
#define BOTH	SVMGPU_PLACEMENT_BOTH

enum fuzz_op {
	OP_QUERY,
	OP_GEM_CREATE,
	OP_GEM_MMAP_OFFSET,
	OP_VM_CREATE,
	OP_VM_DESTROY,
	OP_VM_BIND,
	OP_QUEUE_CREATE,
	OP_QUEUE_DESTROY,
	OP_EXEC,
	OP_EXEC_CS,
	OP_GEM_MIGRATE,
	OP_GEM_INFO,
	OP_WAIT_USER_FENCE,
	OP_QUEUE_STATUS,
	OP_VM_MADVISE,
	OP_VM_QUERY_ATTRS,
	OP_GEM_CLOSE,
	OP_SYNCOBJ_CREATE,
	OP_SYNCOBJ_DESTROY,
	OP_SYNCOBJ_HANDLE_TO_FD,
	OP_SYNCOBJ_FD_TO_HANDLE,
	OP_SYNCOBJ_WAIT,
	OP_SYNCOBJ_TIMELINE_WAIT,
	OP_SYNCOBJ_RESET,
	OP_SYNCOBJ_SIGNAL,
	OP_SYNCOBJ_TIMELINE_SIGNAL,
	OP_SYNCOBJ_QUERY,
	OP_SYNCOBJ_TRANSFER,
	OP_RAW,
	NUM_OPS
};

/* Errnos every call may give: a bad argument, bad memory, no memory. */
#define COMMON	EINVAL, EFAULT, ENOMEM

static const struct op_desc {
	const char *name;
	unsigned int weight;
	/* Allowed errnos besides COMMON, 0-terminated. */
	int errnos[10];
} ops[NUM_OPS] = {
	[OP_QUERY] = { "DEVICE_QUERY", 6, { 0 } },
	[OP_GEM_CREATE] = { "GEM_CREATE", 5, { E2BIG, ENOSPC, EPERM } },
	[OP_GEM_MMAP_OFFSET] = { "GEM_MMAP_OFFSET", 6, { ENOENT } },
	[OP_VM_CREATE] = { "VM_CREATE", 2, { ENOSPC, EOPNOTSUPP } },
	[OP_VM_DESTROY] = { "VM_DESTROY", 2, { ENOENT } },
	[OP_VM_BIND] = { "VM_BIND", 7,
			 { ENOENT, ENOSPC, EBUSY, EACCES, EOPNOTSUPP } },
	[OP_QUEUE_CREATE] = { "QUEUE_CREATE", 3, { ENOENT, EACCES, EBUSY } },
	[OP_QUEUE_DESTROY] = { "QUEUE_DESTROY", 2, { ENOENT } },
	[OP_EXEC] = { "EXEC", 6,
		       { ENOENT, ECANCELED, ENOSPC, EOPNOTSUPP, EACCES } },
	[OP_EXEC_CS] = { "EXEC(cs)", 2, { ENOENT, ECANCELED, ENOSPC, EACCES } },
	[OP_GEM_MIGRATE] = { "GEM_MIGRATE", 3, { ENOENT, EBUSY, ENOSPC } },
	[OP_GEM_INFO] = { "GEM_INFO", 6, { ENOENT } },
	[OP_QUEUE_STATUS] = { "QUEUE_STATUS", 3, { ENOENT } },
	[OP_VM_MADVISE] = { "VM_MADVISE", 3,
			    { ENOENT, EACCES, EOPNOTSUPP, EBADF } },
	[OP_VM_QUERY_ATTRS] = { "VM_QUERY_ATTRS", 3,
				{ ENOENT, EACCES, EOPNOTSUPP } },
	[OP_WAIT_USER_FENCE] = { "WAIT_USER_FENCE", 4,
				 { ENOENT, ETIME, ECANCELED, EOPNOTSUPP } },
	[OP_GEM_CLOSE] = { "GEM_CLOSE", 3, { 0 } },
	[OP_SYNCOBJ_CREATE] = { "SYNCOBJ_CREATE", 4, { 0 } },
	[OP_SYNCOBJ_DESTROY] = { "SYNCOBJ_DESTROY", 3, { ENOENT } },
	[OP_SYNCOBJ_HANDLE_TO_FD] = { "SYNCOBJ_HANDLE_TO_FD", 3,
				      { ENOENT, EMFILE } },
	[OP_SYNCOBJ_FD_TO_HANDLE] = { "SYNCOBJ_FD_TO_HANDLE", 5,
				      { ENOENT, EBADF } },
	[OP_SYNCOBJ_WAIT] = { "SYNCOBJ_WAIT", 4, { ENOENT, ETIME } },
	[OP_SYNCOBJ_TIMELINE_WAIT] = { "SYNCOBJ_TIMELINE_WAIT", 4,
				       { ENOENT, ETIME } },
	[OP_SYNCOBJ_RESET] = { "SYNCOBJ_RESET", 3, { ENOENT } },
	[OP_SYNCOBJ_SIGNAL] = { "SYNCOBJ_SIGNAL", 3, { ENOENT } },
	[OP_SYNCOBJ_TIMELINE_SIGNAL] = { "SYNCOBJ_TIMELINE_SIGNAL", 3,
					 { ENOENT } },
	[OP_SYNCOBJ_QUERY] = { "SYNCOBJ_QUERY", 3, { ENOENT } },
	[OP_SYNCOBJ_TRANSFER] = { "SYNCOBJ_TRANSFER", 5, { ENOENT, ETIME } },
	/* Any svmgpu ioctl number, any size and direction. */
	[OP_RAW] = { "raw", 8, { ENOENT, ENOTTY, E2BIG, ENOSPC, EBUSY,
				 ECANCELED, EACCES, ETIME, EOPNOTSUPP,
				 EBADF } },
};

struct bo {
	uint32_t handle;
	uint64_t size;
};

struct map {
	void *ptr;
	size_t size;
};

/* The last calls, printed when one fails. */
#define HISTORY	16

struct history {
	uint64_t call;
	enum fuzz_op op;
	unsigned long request;
	int ret;
};

struct fuzz {
	uint64_t seed;
	uint64_t rng;

	int device;		/* index of the svmgpu device in use */
	int fd;
	int peer;		/* a second file of the same device */
	uint32_t num_engines;
	uint32_t va_bits;
	uint64_t vram_size;
	bool svm;		/* DRM_SVMGPU_FEATURE_SVM */

	struct bo bos[MAX_BOS];
	unsigned int nbos;
	uint64_t bo_bytes;
	uint32_t vms[MAX_VMS];
	unsigned int nvms;
	uint32_t queues[MAX_QUEUES];
	unsigned int nqueues;
	uint32_t syncobjs[MAX_SYNCOBJS];
	unsigned int nsyncobjs;
	uint32_t dead[MAX_DEAD];	/* destroyed handles and ids */
	unsigned int ndead;
	int exports[MAX_EXPORTS];	/* syncobj and sync_file fds */
	unsigned int nexports;
	struct map maps[MAX_MAPS];
	unsigned int nmaps;

	/* The runner: a VM, a queue and mapped buffers, to run streams. */
	uint32_t run_vm, run_queue, run_cmd, run_data;
	uint32_t *cmd_map;
	uint32_t *data_map;
	unsigned int slot;

	/* Special user memory. */
	uint8_t *scratch;	/* SCRATCH_SIZE rw, then a PROT_NONE page */
	uint8_t *ro_page;
	uint8_t *none_page;
	uint8_t *unmapped;

	bool arg_ok;		/* the argument pointer is the structure */
	bool core_op;		/* the call is a DRM core ioctl */

	uint64_t calls;
	uint64_t next_reopen;
	unsigned int reopens;
	uint64_t per_op[NUM_OPS];
	uint64_t per_op_ok[NUM_OPS];
	uint64_t per_op_ns[NUM_OPS];
	uint64_t jobs;
	struct history history[HISTORY];
};

/* --- Random numbers ------------------------------------------------------- */

/* splitmix64: small, fast, and the same sequence from the same seed. */
static uint64_t rnd64(struct fuzz *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd32(struct fuzz *f)
{
	return rnd64(f) >> 32;
}

/* Uniform in [0, n). */
static uint32_t rnd(struct fuzz *f, uint32_t n)
{
	return n ? (uint32_t)(((uint64_t)rnd32(f) * n) >> 32) : 0;
}

/* True with probability 1/n. */
static bool one_in(struct fuzz *f, uint32_t n)
{
	return rnd(f, n) == 0;
}

static void rnd_bytes(struct fuzz *f, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t v = rnd64(f);
		size_t n = len < 8 ? len : 8;

		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}

/* Values at the edges of things: zero, all ones, sign bits, pages. */
static uint64_t interesting64(struct fuzz *f)
{
	static const uint64_t values[] = {
		0, 1, 2, 3, 4, 7, 8, 0x7f, 0x80, 0xff, 0xfff, 0x1000, 0x1001,
		0xffff, 0x10000, 0x10001, 0x1fffff, 0x200000, 0x200001,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
		0x7fffffffffffffffull, 0x8000000000000000ull,
		0xfffffffffffff000ull, 0xffffffffffffffffull,
		0xffff800000000000ull, 0x0000800000000000ull,
		0x00007ffffffff000ull,
	};
	uint64_t v = values[rnd(f, ARRAY_SIZE(values))];

	switch (rnd(f, 4)) {
	case 0:
		return v;
	case 1:
		return v - 1;
	case 2:
		return 1ull << rnd(f, 64);
	default:
		return (uint64_t)rnd(f, 1024) << 12;
	}
}

/* A 32-bit field: mostly 0, sometimes one bit, all bits or random. */
static uint32_t rnd_flags(struct fuzz *f, uint32_t valid)
{
	switch (rnd(f, 10)) {
	case 0:
		return 1u << rnd(f, 32);
	case 1:
		return ~0u;
	case 2:
		return rnd32(f);
	case 3:
	case 4:
	case 5:
		return valid ? rnd32(f) & valid : 0;
	default:
		return 0;
	}
}

/* An MBZ field: mostly zero. */
static uint64_t rnd_mbz(struct fuzz *f)
{
	return one_in(f, 12) ? (one_in(f, 2) ? interesting64(f) : rnd64(f)) : 0;
}

/* --- Handles and ids ------------------------------------------------------ */

static void forget(struct fuzz *f, uint32_t id)
{
	if (f->ndead < MAX_DEAD)
		f->dead[f->ndead++] = id;
	else
		f->dead[rnd(f, MAX_DEAD)] = id;
}

/* An id or handle: mostly a live one from @live, else a dead or made-up one. */
static uint32_t pick_id(struct fuzz *f, const uint32_t *live, unsigned int n)
{
	unsigned int r = rnd(f, 20);

	if (r < 14 && n)
		return live[rnd(f, n)];
	if (r < 16 && f->ndead)
		return f->dead[rnd(f, f->ndead)];
	switch (rnd(f, 5)) {
	case 0:
		return 0;
	case 1:
		return 1 + rnd(f, 64);
	case 2:
		return ~0u;
	case 3:
		return 0x80000000u;
	default:
		return rnd32(f);
	}
}

static uint32_t pick_bo(struct fuzz *f, uint64_t *size)
{
	unsigned int r = rnd(f, 20);

	if (r < 15 && f->nbos) {
		struct bo *bo = &f->bos[rnd(f, f->nbos)];

		*size = bo->size;
		return bo->handle;
	}
	*size = SZ_4K << rnd(f, 12);
	if (r < 17 && f->ndead)
		return f->dead[rnd(f, f->ndead)];

	return pick_id(f, NULL, 0);
}

static uint32_t pick_vm(struct fuzz *f)
{
	return pick_id(f, f->vms, f->nvms);
}

static uint32_t pick_queue(struct fuzz *f)
{
	return pick_id(f, f->queues, f->nqueues);
}

static uint32_t pick_syncobj(struct fuzz *f)
{
	return pick_id(f, f->syncobjs, f->nsyncobjs);
}

static void remove_id(uint32_t *ids, unsigned int *n, uint32_t id)
{
	for (unsigned int i = 0; i < *n; i++) {
		if (ids[i] == id) {
			ids[i] = ids[--*n];
			return;
		}
	}
}

static void remove_bo(struct fuzz *f, uint32_t handle)
{
	for (unsigned int i = 0; i < f->nbos; i++) {
		if (f->bos[i].handle == handle) {
			f->bo_bytes -= f->bos[i].size;
			f->bos[i] = f->bos[--f->nbos];
			return;
		}
	}
}

/* --- User memory ---------------------------------------------------------- */

/*
 * A user pointer to @len bytes for the kernel to read (@out false) or
 * write: mostly valid memory, else any of the ways it can be bad. Valid
 * memory is the scratch area, at @valid, or the inside of a BO mapping,
 * whose faults the kernel then takes inside the ioctl.
 */
static uint64_t pick_ptr(struct fuzz *f, const void *valid, size_t len,
			 bool out)
{
	unsigned int r = rnd(f, 32);

	if (r < 22 && valid)
		return to_user_pointer(valid);

	switch (rnd(f, 12)) {
	case 0:
		return 0;
	case 1:
		return 4096;
	case 2:
		return to_user_pointer(f->unmapped);
	case 3:
		return to_user_pointer(f->none_page);
	case 4:
		/* Readable, so only a write fails. */
		return to_user_pointer(out ? f->ro_page : f->scratch);
	case 5:
		return 0xffff888000000000ull;	/* the direct map */
	case 6:
		return 0xffffffff81000000ull;	/* kernel text */
	case 7:
		return 0x8000000000000000ull;	/* not canonical */
	case 8:
		/* Runs off the end of the scratch area into its guard. */
		return to_user_pointer(f->scratch + SCRATCH_SIZE -
				       (len > 1 ? rnd(f, len) : 0));
	case 9:
		return ~0ull - rnd(f, 64);
	case 10:
		if (f->nmaps) {
			struct map *m = &f->maps[rnd(f, f->nmaps)];

			if (len < m->size)
				return to_user_pointer(m->ptr) +
					(rnd(f, m->size - len) & ~7u);
		}
		return to_user_pointer(f->scratch);
	default:
		return rnd64(f);
	}
}

/* An extensions field: 0, or any pointer, valid or not. */
static uint64_t pick_ext(struct fuzz *f)
{
	struct drm_svmgpu_user_extension *ext;

	if (!one_in(f, 16))
		return 0;

	ext = (void *)(f->scratch + SCRATCH_SIZE - 4096);
	ext->next_extension = one_in(f, 2) ? 0 : to_user_pointer(ext);
	ext->name = rnd32(f) & 3;
	ext->pad = 0;

	return pick_ptr(f, ext, sizeof(*ext), false);
}

/* A count of array entries: mostly small, sometimes at or over a limit. */
static uint32_t pick_count(struct fuzz *f, uint32_t limit)
{
	switch (rnd(f, 12)) {
	case 0:
		return 0;
	case 1:
		return limit;
	case 2:
		return limit + 1;
	case 3:
		return rnd(f, limit + 2);
	default:
		return 1 + rnd(f, 4);
	}
}

/* A BO or range size: page multiples mostly, sometimes not. */
static uint64_t pick_size(struct fuzz *f, uint64_t max)
{
	switch (rnd(f, 12)) {
	case 0:
		return interesting64(f);
	case 1:
		return rnd64(f) & 0xffffff;
	case 2:
		return max;
	case 3:
		return max + SZ_4K;
	default:
		return SZ_4K * (1 + rnd(f, max / SZ_4K < 64 ? max / SZ_4K : 64));
	}
}

/* A GPU virtual address: in the bind window, the runner's, or anything. */
static uint64_t pick_va(struct fuzz *f)
{
	switch (rnd(f, 16)) {
	case 0:
		return interesting64(f);
	case 1:
		return (1ull << f->va_bits) - SZ_4K * rnd(f, 4);
	case 2:
		return SVMGPU_VA_NULL_GUARD - SZ_4K + SZ_4K * rnd(f, 2);
	case 3:
		return RUN_VA_CMD + SZ_4K * rnd(f, 512);
	case 4:
		/* Anywhere, which costs page tables: rare. */
		return (rnd64(f) & ((1ull << f->va_bits) - 1)) & ~(SZ_4K - 1);
	case 5:
		return BIND_WINDOW + (rnd64(f) % BIND_WINDOW_SIZE);
	default:
		return BIND_WINDOW + SZ_4K * rnd(f, BIND_WINDOW_SIZE / SZ_4K);
	}
}

/* --- Calling ioctls ------------------------------------------------------- */

static void dump_history(struct fuzz *f)
{
	igt_info("seed %#" PRIx64 ", %" PRIu64 " calls; the last ones:\n",
		 f->seed, f->calls);
	for (unsigned int i = 0; i < HISTORY; i++) {
		const struct history *h =
			&f->history[(f->calls + 1 + i) % HISTORY];

		if (!h->call)
			continue;
		igt_info("  #%" PRIu64 " %s (%#lx): %d (%s)\n", h->call,
			 ops[h->op].name, h->request, h->ret,
			 strerror(-h->ret));
	}
}

static bool errno_allowed(enum fuzz_op op, int err)
{
	static const int common[] = { COMMON };

	for (unsigned int i = 0; i < ARRAY_SIZE(common); i++)
		if (err == common[i])
			return true;
	for (unsigned int i = 0; i < ARRAY_SIZE(ops[op].errnos); i++)
		if (ops[op].errnos[i] && err == ops[op].errnos[i])
			return true;

	return false;
}

/*
 * Makes one call and checks its result. Raw ioctl(), not drmIoctl(),
 * which retries EAGAIN: the fuzzer wants to see every errno as it is.
 * Nothing here sends signals, so EINTR is not expected either.
 */
static int fuzz_ioctl(struct fuzz *f, enum fuzz_op op, int fd,
		      unsigned long request, void *arg, size_t arg_size)
{
	struct timespec start = {};
	struct history *h;
	int ret;

	igt_nsec_elapsed(&start);
	ret = ioctl(fd, request, arg);
	ret = ret == -1 ? -errno : ret;
	f->per_op_ns[op] += igt_nsec_elapsed(&start);

	f->calls++;
	f->per_op[op]++;
	if (ret == 0)
		f->per_op_ok[op]++;

	h = &f->history[f->calls % HISTORY];
	h->call = f->calls;
	h->op = op;
	h->request = request;
	h->ret = ret;

	if (ret > 0 || (ret < 0 && !errno_allowed(op, -ret))) {
		const uint8_t *p = arg;
		char hex[3 * 64 + 1] = "";

		for (size_t i = 0; f->arg_ok && i < arg_size && i < 64; i++)
			snprintf(hex + 3 * i, 4, "%02x ", p[i]);
		dump_history(f);
		igt_assert_f(false,
			     "call #%" PRIu64 " (seed %#" PRIx64 "): %s on fd %d "
			     "gave %d (%s); argument: %s\n", f->calls, f->seed,
			     ops[op].name, fd, ret, strerror(-ret), hex);
	}

	return ret;
}

/* The file most calls go to, or now and then the other file. */
static int pick_fd(struct fuzz *f)
{
	return one_in(f, 32) ? f->peer : f->fd;
}

/*
 * The argument pointer of the ioctl itself: almost always the structure,
 * rarely something the kernel cannot copy from or to, or other memory
 * (a BO mapping, a read-only page). Then @f->arg_ok is false, and what
 * the call returned in the structure is not ours to track.
 */
static void *arg_ptr(struct fuzz *f, void *arg, size_t size)
{
	static const uint64_t faulting[] = {
		0, 4096, 0xffff888000000000ull, 0xffffffff81000000ull,
		0x8000000000000000ull, ~0ull - 7,
	};
	uint64_t ptr;

	if (!one_in(f, 64))
		return arg;

	f->arg_ok = false;
	if (!f->core_op)
		return from_user_pointer(pick_ptr(f, NULL, size, true));

	/*
	 * For the DRM core's ioctls, only pointers the kernel cannot copy
	 * from: random bytes as a syncobj array's count_handles would trip
	 * the core warning MAX_SYNCOBJ_COUNT is there to avoid.
	 */
	switch (rnd(f, 3)) {
	case 0:
		ptr = to_user_pointer(f->unmapped);
		break;
	case 1:
		ptr = to_user_pointer(f->none_page);
		break;
	default:
		ptr = faulting[rnd(f, ARRAY_SIZE(faulting))];
		break;
	}

	return from_user_pointer(ptr);
}

/* --- Arrays the ioctls point to ------------------------------------------- */

static struct drm_svmgpu_sync *build_syncs(struct fuzz *f, void *at,
					   uint32_t n)
{
	struct drm_svmgpu_sync *syncs = at;

	for (uint32_t i = 0; i < n; i++) {
		if (f->nsyncobjs && rnd(f, 4)) {
			/* Well formed: mostly a signal, which cannot fail. */
			syncs[i].handle = f->syncobjs[rnd(f, f->nsyncobjs)];
			syncs[i].flags = rnd(f, 3) ? DRM_SVMGPU_SYNC_SIGNAL : 0;
			syncs[i].point = 0;
			if (one_in(f, 3)) {
				syncs[i].flags |= DRM_SVMGPU_SYNC_TIMELINE;
				syncs[i].point = 1 + rnd(f, 8);
			}
			continue;
		}
		syncs[i].handle = pick_syncobj(f);
		syncs[i].flags = rnd_flags(f, DRM_SVMGPU_SYNC_SIGNAL |
					   DRM_SVMGPU_SYNC_TIMELINE);
		syncs[i].point = (syncs[i].flags & DRM_SVMGPU_SYNC_TIMELINE) ?
				 rnd(f, 8) : rnd_mbz(f);
		if (one_in(f, 4))
			syncs[i].flags |= DRM_SVMGPU_SYNC_SIGNAL;
	}

	return syncs;
}

static uint64_t syncs_ptr(struct fuzz *f, void *at, uint32_t n)
{
	struct drm_svmgpu_sync *syncs;

	n = n > DRM_SVMGPU_MAX_SYNCS + 1 ? DRM_SVMGPU_MAX_SYNCS + 1 : n;
	syncs = build_syncs(f, at, n);

	return pick_ptr(f, syncs, n * sizeof(*syncs), false);
}

static uint32_t *build_handles(struct fuzz *f, void *at, uint32_t n)
{
	uint32_t *handles = at;

	for (uint32_t i = 0; i < n; i++)
		handles[i] = pick_syncobj(f);

	return handles;
}

static uint64_t *build_points(struct fuzz *f, void *at, uint32_t n)
{
	uint64_t *points = at;

	for (uint32_t i = 0; i < n; i++)
		points[i] = one_in(f, 16) ? interesting64(f) : rnd(f, 8);

	return points;
}

/*
 * A count of syncobj handles for the DRM core's array ioctls, below
 * MAX_SYNCOBJ_COUNT (see there).
 */
static uint32_t syncobj_count(struct fuzz *f)
{
	uint32_t n = pick_count(f, 8);

	if (one_in(f, 256))
		n = rnd(f, MAX_SYNCOBJ_COUNT);

	return n;
}

/* An absolute CLOCK_MONOTONIC timeout, never more than MAX_WAIT_NS away. */
static int64_t pick_timeout(struct fuzz *f)
{
	struct timespec ts;
	int64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = ts.tv_sec * 1000000000ll + ts.tv_nsec;

	switch (rnd(f, 6)) {
	case 0:
		return 0;
	case 1:
		return -(int64_t)rnd32(f);
	case 2:
		return INT64_MIN;
	case 3:
		return now - rnd(f, 1000000);
	default:
		return now + rnd(f, MAX_WAIT_NS);
	}
}

/* --- The ioctls ----------------------------------------------------------- */

static void do_query(struct fuzz *f)
{
	struct drm_svmgpu_device_query q = {
		.extensions = pick_ext(f),
		.query = one_in(f, 8) ? rnd32(f) : DRM_SVMGPU_QUERY_DEVICE_INFO,
		.flags = rnd_flags(f, 0),
		.pad = rnd_mbz(f),
	};
	size_t want = sizeof(struct drm_svmgpu_query_device_info);

	q.size = one_in(f, 3) ? 0 : one_in(f, 4) ? rnd32(f) % 512 : want;
	q.data = pick_ptr(f, f->scratch, q.size, true);
	fuzz_ioctl(f, OP_QUERY, pick_fd(f), DRM_IOCTL_SVMGPU_DEVICE_QUERY,
		   arg_ptr(f, &q, sizeof(q)), sizeof(q));
}

static void do_gem_close(struct fuzz *f, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle, .pad = rnd_mbz(f) };
	int fd = pick_fd(f);

	if (fuzz_ioctl(f, OP_GEM_CLOSE, fd, DRM_IOCTL_GEM_CLOSE,
		       arg_ptr(f, &c, sizeof(c)), sizeof(c)) == 0 &&
	    fd == f->fd && c.handle == handle) {
		remove_bo(f, handle);
		forget(f, handle);
	}
}

static void do_gem_create(struct fuzz *f)
{
	struct drm_svmgpu_gem_create c = {
		.extensions = pick_ext(f),
		.placements = rnd(f, 4) ? 1 + rnd(f, 3) : rnd_flags(f, BOTH),
		.flags = rnd_flags(f, DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM |
				   DRM_SVMGPU_GEM_CREATE_PINNED),
		.handle = rnd_mbz(f),
		.pad = rnd_mbz(f),
	};
	int fd = pick_fd(f), ret;

	if (f->nbos == MAX_BOS) {
		uint64_t size;

		do_gem_close(f, pick_bo(f, &size));
		return;
	}

	/*
	 * Memory stays bounded: up to MAX_BO_SIZE within the budget, or a
	 * size that must fail (not a page multiple, or beyond all memory).
	 */
	switch (rnd(f, 10)) {
	case 0:
		c.size = one_in(f, 2) ? rnd(f, 8192) : interesting64(f) | 1;
		break;
	case 1:
		c.size = (1ull << (44 + rnd(f, 20))) + SZ_4K * rnd(f, 2);
		c.size = c.size ? c.size : ~0ull << 12;
		break;
	case 2:
		/* More than VRAM has, for VRAM alone. */
		c.placements = VRAM;
		c.size = f->vram_size + SZ_4K * (1 + rnd(f, 16));
		c.flags &= ~DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM;
		break;
	default:
		/* Mostly small: creating and clearing big ones is slow. */
		c.size = SZ_4K << (one_in(f, 16) ? rnd(f, 13) : rnd(f, 8));
		if (c.size > MAX_BO_SIZE)
			c.size = SZ_4K * (1 + rnd(f, 32));
		if (f->bo_bytes + c.size > BO_BUDGET)
			c.size = SZ_4K;
		break;
	}

	ret = fuzz_ioctl(f, OP_GEM_CREATE, fd, DRM_IOCTL_SVMGPU_GEM_CREATE,
			 arg_ptr(f, &c, sizeof(c)), sizeof(c));
	if (ret || !f->arg_ok)
		return;

	/* A create that succeeded had to ask for a sane BO. */
	igt_assert_f(c.size <= MAX_BO_SIZE && c.handle,
		     "GEM_CREATE of %#llx bytes succeeded, handle %u\n",
		     (unsigned long long)c.size, c.handle);
	if (fd != f->fd) {
		/* Not tracked: close it on the other file at once. */
		struct drm_gem_close close_arg = { .handle = c.handle };

		fuzz_ioctl(f, OP_GEM_CLOSE, fd, DRM_IOCTL_GEM_CLOSE,
			   &close_arg, sizeof(close_arg));
		return;
	}
	f->bos[f->nbos++] = (struct bo){ c.handle, c.size };
	f->bo_bytes += c.size;
}

static void do_mmap_offset(struct fuzz *f)
{
	uint64_t size;
	struct drm_svmgpu_gem_mmap_offset m = {
		.extensions = pick_ext(f),
		.handle = pick_bo(f, &size),
		.flags = rnd_flags(f, 0),
		.offset = rnd_mbz(f),
	};
	int fd = pick_fd(f);
	size_t len;
	void *ptr;

	if (fuzz_ioctl(f, OP_GEM_MMAP_OFFSET, fd,
		       DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET,
		       arg_ptr(f, &m, sizeof(m)), sizeof(m)) || !f->arg_ok)
		return;
	if (!one_in(f, 2))
		return;

	/*
	 * Map it: mostly within the BO, whose mapping later serves as user
	 * memory for other ioctls; sometimes beyond it, which must fail.
	 */
	len = size < MAX_MAP_SIZE ? size : MAX_MAP_SIZE;
	if (one_in(f, 8))
		len = size + SZ_4K * (1 + rnd(f, 4));
	if (f->nmaps == MAX_MAPS) {
		struct map *old = &f->maps[rnd(f, MAX_MAPS)];

		igt_assert_eq(munmap(old->ptr, old->size), 0);
		*old = f->maps[--f->nmaps];
	}
	ptr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   m.offset);
	if (ptr == MAP_FAILED) {
		igt_assert_f(errno == EINVAL || errno == EACCES ||
			     errno == ENOMEM,
			     "mmap of %zu bytes at %#llx: %s\n", len,
			     (unsigned long long)m.offset, strerror(errno));
		return;
	}
	if (len > size) {
		/* The handle was not the BO we thought: fine, but keep in bounds. */
		igt_assert_eq(munmap(ptr, len), 0);
		return;
	}
	f->maps[f->nmaps++] = (struct map){ ptr, len };
	/* Touch it: faults, and maybe moves the BO. */
	if (one_in(f, 2))
		rnd_bytes(f, ptr, 64);
	else
		(void)*(volatile uint8_t *)ptr;
}

static void do_gem_migrate(struct fuzz *f)
{
	uint64_t size;
	struct drm_svmgpu_gem_migrate m = {
		.extensions = pick_ext(f),
		.handle = pick_bo(f, &size),
		.placement = rnd(f, 4) ? 1 + rnd(f, 2) : rnd_flags(f, BOTH),
		.flags = rnd_flags(f, 0),
		.pad = rnd_mbz(f),
	};

	fuzz_ioctl(f, OP_GEM_MIGRATE, pick_fd(f), DRM_IOCTL_SVMGPU_GEM_MIGRATE,
		   arg_ptr(f, &m, sizeof(m)), sizeof(m));
}

static void do_gem_info(struct fuzz *f)
{
	uint64_t size;
	struct drm_svmgpu_gem_info i = {
		.extensions = pick_ext(f),
		.handle = pick_bo(f, &size),
		.flags = rnd_flags(f, 0),
	};

	if (one_in(f, 8))
		rnd_bytes(f, &i.size, sizeof(i) - offsetof(typeof(i), size));
	fuzz_ioctl(f, OP_GEM_INFO, pick_fd(f), DRM_IOCTL_SVMGPU_GEM_INFO,
		   arg_ptr(f, &i, sizeof(i)), sizeof(i));
}

static void do_vm_destroy(struct fuzz *f, uint32_t vm)
{
	struct drm_svmgpu_vm_destroy d = {
		.extensions = pick_ext(f),
		.vm_id = vm,
		.pad = rnd_mbz(f),
	};
	int fd = pick_fd(f);

	if (fuzz_ioctl(f, OP_VM_DESTROY, fd, DRM_IOCTL_SVMGPU_VM_DESTROY,
		       arg_ptr(f, &d, sizeof(d)), sizeof(d)) == 0 &&
	    fd == f->fd) {
		remove_id(f->vms, &f->nvms, vm);
		forget(f, vm);
		if (vm == f->run_vm)
			f->run_vm = 0;
	}
}

static void do_vm_create(struct fuzz *f)
{
	struct drm_svmgpu_vm_create c = {
		.extensions = pick_ext(f),
		.flags = rnd_flags(f, f->svm ? DRM_SVMGPU_VM_CREATE_FAULT_MODE :
				   0),
		.vm_id = rnd_mbz(f),
	};
	int fd = pick_fd(f);

	if (f->nvms == MAX_VMS) {
		do_vm_destroy(f, pick_vm(f));
		return;
	}
	if (fuzz_ioctl(f, OP_VM_CREATE, fd, DRM_IOCTL_SVMGPU_VM_CREATE,
		       arg_ptr(f, &c, sizeof(c)), sizeof(c)) || !f->arg_ok)
		return;
	igt_assert_neq_u32(c.vm_id, 0);
	if (fd == f->fd) {
		f->vms[f->nvms++] = c.vm_id;
	} else {
		struct drm_svmgpu_vm_destroy d = { .vm_id = c.vm_id };

		fuzz_ioctl(f, OP_VM_DESTROY, fd, DRM_IOCTL_SVMGPU_VM_DESTROY,
			   &d, sizeof(d));
	}
}

static void build_bind_op(struct fuzz *f, struct drm_svmgpu_vm_bind_op *op)
{
	uint64_t size;

	memset(op, 0, sizeof(*op));
	if (f->nbos && rnd(f, 2)) {
		/* Well formed: a live BO, or a range, in the bind window. */
		struct bo *bo = &f->bos[rnd(f, f->nbos)];

		op->addr = BIND_WINDOW + SZ_64K * rnd(f, BIND_WINDOW_SIZE /
						      SZ_64K);
		op->range = SZ_4K * (1 + rnd(f, 16));
		if (rnd(f, 3)) {
			op->op = DRM_SVMGPU_VM_BIND_OP_MAP;
			op->flags = one_in(f, 4) ? DRM_SVMGPU_VM_BIND_READONLY : 0;
			op->handle = bo->handle;
			op->bo_offset = SZ_4K * rnd(f, bo->size / SZ_4K);
			if (op->range > bo->size - op->bo_offset || rnd(f, 2))
				op->range = bo->size - op->bo_offset;
		} else {
			op->op = DRM_SVMGPU_VM_BIND_OP_UNMAP;
			if (one_in(f, 4))
				op->range = SZ_2M * (1 + rnd(f, 8));
		}
		return;
	}
	op->op = one_in(f, 16) ? rnd32(f) : rnd(f, 3) ?
		 DRM_SVMGPU_VM_BIND_OP_MAP : DRM_SVMGPU_VM_BIND_OP_UNMAP;
	if (one_in(f, 12))
		op->op = DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR;
	else if (one_in(f, 12))
		op->op = DRM_SVMGPU_VM_BIND_OP_PREFETCH;
	op->flags = rnd_flags(f, op->op == DRM_SVMGPU_VM_BIND_OP_PREFETCH ?
			      DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM :
			      DRM_SVMGPU_VM_BIND_READONLY);
	op->pad = rnd_mbz(f);
	op->addr = pick_va(f);

	if (op->op == DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR) {
		/*
		 * Never a valid mirror (see the top of the file): a non-zero
		 * handle, BO offset or flags, whatever else is wrong.
		 */
		op->range = pick_size(f, SZ_2M);
		switch (rnd(f, 3)) {
		case 0:
			op->handle = pick_bo(f, &size) | 1;
			break;
		case 1:
			op->bo_offset = SZ_4K << rnd(f, 8);
			break;
		default:
			op->flags |= 1u << rnd(f, 32);
			break;
		}
	} else if (op->op == DRM_SVMGPU_VM_BIND_OP_MAP) {
		op->handle = pick_bo(f, &size);
		op->bo_offset = one_in(f, 8) ? interesting64(f) :
				SZ_4K * rnd(f, size / SZ_4K);
		op->range = one_in(f, 8) ? pick_size(f, size) :
			    size - op->bo_offset;
		if (!op->range)
			op->range = SZ_4K;
	} else {
		op->handle = rnd_mbz(f);
		op->bo_offset = rnd_mbz(f);
		op->range = pick_size(f, SZ_2M);
		if (one_in(f, 16))
			op->range = BIND_WINDOW_SIZE;
	}
}

static void do_vm_bind(struct fuzz *f)
{
	struct drm_svmgpu_vm_bind_op *vops = (void *)f->scratch;
	uint32_t nops = rnd(f, 2) ? 1 + rnd(f, 3) :
			pick_count(f, DRM_SVMGPU_VM_BIND_MAX_OPS);
	uint32_t built = nops < 8 ? nops : 8 + rnd(f, 8);
	struct drm_svmgpu_vm_bind b = {
		.extensions = pick_ext(f),
		.vm_id = pick_vm(f),
		.num_ops = nops,
		.num_syncs = rnd(f, 2) ? 0 : pick_count(f, DRM_SVMGPU_MAX_SYNCS),
		.pad = rnd_mbz(f),
	};

	/*
	 * Build a few operations; a larger count reads the rest of the
	 * scratch area (whatever it holds) or runs off its end into the
	 * guard page.
	 */
	for (uint32_t i = 0; i < built; i++)
		build_bind_op(f, &vops[i]);
	b.ops = pick_ptr(f, vops, nops * sizeof(*vops), false);
	b.syncs = syncs_ptr(f, f->scratch + SCRATCH_SIZE / 2, b.num_syncs);
	fuzz_ioctl(f, OP_VM_BIND, pick_fd(f), DRM_IOCTL_SVMGPU_VM_BIND,
		   arg_ptr(f, &b, sizeof(b)), sizeof(b));
}

static void do_queue_destroy(struct fuzz *f, uint32_t queue)
{
	struct drm_svmgpu_queue_destroy d = {
		.extensions = pick_ext(f),
		.queue_id = queue,
		.pad = rnd_mbz(f),
	};
	int fd = pick_fd(f);

	if (fuzz_ioctl(f, OP_QUEUE_DESTROY, fd, DRM_IOCTL_SVMGPU_QUEUE_DESTROY,
		       arg_ptr(f, &d, sizeof(d)), sizeof(d)) == 0 &&
	    fd == f->fd) {
		remove_id(f->queues, &f->nqueues, queue);
		forget(f, queue);
		if (queue == f->run_queue)
			f->run_queue = 0;	/* not tracked, but ids repeat */
	}
}

static int queue_create(struct fuzz *f, int fd, uint32_t vm, uint32_t *queue,
			bool fuzzed)
{
	struct drm_svmgpu_queue_create c = {
		.vm_id = vm,
		.engine = rnd(f, f->num_engines),
		.priority = rnd(f, 3),
	};
	int ret;

	if (fuzzed) {
		c.extensions = pick_ext(f);
		c.flags = rnd_flags(f, 0);
		c.pad = rnd_mbz(f);
		c.queue_id = rnd_mbz(f);
		if (one_in(f, 8))
			c.engine = one_in(f, 2) ? f->num_engines : rnd32(f);
		if (one_in(f, 8))
			c.priority = one_in(f, 2) ? 3 : rnd32(f);
	}
	ret = fuzz_ioctl(f, OP_QUEUE_CREATE, fd, DRM_IOCTL_SVMGPU_QUEUE_CREATE,
			 fuzzed ? arg_ptr(f, &c, sizeof(c)) : &c, sizeof(c));
	if (ret || !f->arg_ok)
		return ret ? ret : -EFAULT;
	igt_assert_neq_u32(c.queue_id, 0);
	*queue = c.queue_id;
	if (fd == f->fd) {
		f->queues[f->nqueues++] = c.queue_id;
	} else {
		struct drm_svmgpu_queue_destroy d = { .queue_id = c.queue_id };

		fuzz_ioctl(f, OP_QUEUE_DESTROY, fd,
			   DRM_IOCTL_SVMGPU_QUEUE_DESTROY, &d, sizeof(d));
	}

	return 0;
}

static void do_queue_create(struct fuzz *f)
{
	uint32_t queue;

	if (f->nqueues == MAX_QUEUES) {
		do_queue_destroy(f, pick_queue(f));
		return;
	}
	queue_create(f, pick_fd(f), pick_vm(f), &queue, true);
}

/* Records a signalled out-sync as a job: for the statistics only. */
static void do_exec(struct fuzz *f)
{
	struct drm_svmgpu_exec e = {
		.extensions = pick_ext(f),
		.queue_id = pick_queue(f),
		.num_syncs = rnd(f, 2) ? 0 : pick_count(f, DRM_SVMGPU_MAX_SYNCS),
		.flags = rnd_flags(f, DRM_SVMGPU_EXEC_USER_FENCE),
	};

	e.syncs = syncs_ptr(f, f->scratch, e.num_syncs);
	/* A user fence: mostly in the data window, 8-byte aligned. */
	if ((e.flags & DRM_SVMGPU_EXEC_USER_FENCE) || one_in(f, 16)) {
		e.ufence_addr = one_in(f, 4) ? pick_va(f) :
				RUN_VA_DATA + 8 * rnd(f, RUN_DATA_SIZE / 8);
		e.ufence_value = rnd64(f);
	}
	switch (rnd(f, 4)) {
	case 0:
		e.address = pick_va(f);
		e.length = one_in(f, 2) ? rnd32(f) : SZ_4K * rnd(f, 300);
		break;
	default:
		/* Inside the runner's command buffer, whatever it holds. */
		e.address = RUN_VA_CMD + 4 * rnd(f, RUN_CMD_SIZE / 4);
		e.length = 4 * (1 + rnd(f, 64));
		if (one_in(f, 8))
			e.length = one_in(f, 2) ? DRM_SVMGPU_EXEC_MAX_LENGTH :
				   DRM_SVMGPU_EXEC_MAX_LENGTH + 4;
		if (one_in(f, 8))
			e.address |= 1 + rnd(f, 3);
		break;
	}
	if (fuzz_ioctl(f, OP_EXEC, pick_fd(f), DRM_IOCTL_SVMGPU_EXEC,
		       arg_ptr(f, &e, sizeof(e)), sizeof(e)) == 0)
		f->jobs++;
}

/*
 * WAIT_USER_FENCE on a word of the scratch area (or any pointer), with
 * any comparison, mask, flags and queue, and a deadline that is at most
 * MAX_WAIT_NS away.
 */
static void do_wait_user_fence(struct fuzz *f)
{
	uint64_t *word = (void *)(f->scratch + SCRATCH_SIZE - 8192);
	struct drm_svmgpu_wait_user_fence w = {
		.extensions = pick_ext(f),
		.value = one_in(f, 2) ? rnd(f, 4) : rnd64(f),
		.mask = one_in(f, 4) ? rnd64(f) : ~0ull,
		.timeout_ns = pick_timeout(f),
		.op = one_in(f, 8) ? rnd32(f) :
		      rnd(f, 8) | (one_in(f, 16) ? DRM_SVMGPU_WAIT_64 : 0),
		.queue_id = one_in(f, 2) ? 0 : pick_queue(f),
		.flags = rnd_flags(f, 0),
		.pad = rnd_mbz(f),
	};

	*word = rnd(f, 4);
	w.addr = pick_ptr(f, word, sizeof(*word), false);
	if (one_in(f, 16))
		w.addr += 1 + rnd(f, 7);
	fuzz_ioctl(f, OP_WAIT_USER_FENCE, pick_fd(f),
		   DRM_IOCTL_SVMGPU_WAIT_USER_FENCE, arg_ptr(f, &w, sizeof(w)),
		   sizeof(w));
}

/* QUEUE_STATUS of any queue, with any MBZ field and extension. */
static void do_queue_status(struct fuzz *f)
{
	struct drm_svmgpu_queue_status q = {
		.extensions = pick_ext(f),
		.queue_id = pick_queue(f),
		.flags = rnd_flags(f, 0),
		.pad = rnd_mbz(f),
	};

	fuzz_ioctl(f, OP_QUEUE_STATUS, pick_fd(f),
		   DRM_IOCTL_SVMGPU_QUEUE_STATUS, arg_ptr(f, &q, sizeof(q)),
		   sizeof(q));
}

/*
 * A preferred file descriptor: the device's own files, a closed or
 * non-DRM one, or any number.
 */
static int32_t pick_preferred_fd(struct fuzz *f)
{
	switch (rnd(f, 8)) {
	case 0:
		return -1;
	case 1:
		return 0;
	case 2:
		return f->nexports ? f->exports[rnd(f, f->nexports)] : 1000;
	case 3:
		return rnd32(f);
	case 4:
		return f->peer;
	default:
		return f->fd;
	}
}

/* VM_MADVISE of any VM and range, with any attributes. */
static void do_vm_madvise(struct fuzz *f)
{
	struct drm_svmgpu_vm_madvise m = {
		.extensions = pick_ext(f),
		.vm_id = pick_vm(f),
		.flags = rnd_flags(f, DRM_SVMGPU_MADVISE_NO_MIGRATE |
				   DRM_SVMGPU_MADVISE_READONLY |
				   DRM_SVMGPU_MADVISE_PREFERRED_FD),
		.addr = pick_va(f),
		.range = pick_size(f, SZ_2M),
		.preferred_loc = one_in(f, 8) ? rnd32(f) : rnd(f, 4),
		.atomic_mode = one_in(f, 8) ? rnd32(f) : rnd(f, 3),
		.pad = rnd_mbz(f),
	};

	if ((m.flags & DRM_SVMGPU_MADVISE_PREFERRED_FD) || one_in(f, 16))
		m.preferred_fd = pick_preferred_fd(f);
	fuzz_ioctl(f, OP_VM_MADVISE, pick_fd(f), DRM_IOCTL_SVMGPU_VM_MADVISE,
		   arg_ptr(f, &m, sizeof(m)), sizeof(m));
}

/*
 * VM_QUERY_ATTRS of any VM and range, into the scratch area or any
 * pointer, with any count and flags.
 */
static void do_vm_query_attrs(struct fuzz *f)
{
	struct drm_svmgpu_vm_query_attrs q = {
		.extensions = pick_ext(f),
		.vm_id = pick_vm(f),
		.flags = rnd_flags(f, DRM_SVMGPU_QUERY_ATTRS_COARSE),
		.addr = pick_va(f),
		.range = pick_size(f, SZ_2M),
		.num_attrs = pick_count(f, DRM_SVMGPU_QUERY_ATTRS_MAX),
		.pad = rnd_mbz(f),
	};

	q.attrs = pick_ptr(f, f->scratch, SCRATCH_SIZE, true);
	fuzz_ioctl(f, OP_VM_QUERY_ATTRS, pick_fd(f),
		   DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS, arg_ptr(f, &q, sizeof(q)),
		   sizeof(q));
}

/* --- The runner ----------------------------------------------------------- */

/*
 * The runner: a VM with a command buffer and a data buffer, both mapped
 * and bound, and a queue, to run command streams on. Its VM and BOs are in
 * the pools like any other, so the fuzzer binds into it, migrates its BOs
 * and so on; its queue is not, so that it is not destroyed at every turn.
 * What the fuzzer breaks anyway (a banned queue, a destroyed VM) is made
 * again.
 */
static void runner_fini(struct fuzz *f)
{
	if (f->cmd_map)
		igt_assert_eq(munmap(f->cmd_map, RUN_CMD_SIZE), 0);
	if (f->data_map)
		igt_assert_eq(munmap(f->data_map, RUN_DATA_SIZE), 0);
	f->cmd_map = f->data_map = NULL;
	f->run_vm = f->run_queue = f->run_cmd = f->run_data = 0;
}

static void track_bo(struct fuzz *f, uint32_t handle, uint64_t size)
{
	if (f->nbos < MAX_BOS) {
		f->bos[f->nbos++] = (struct bo){ handle, size };
		f->bo_bytes += size;
	}
}

/* A new queue for the runner, on a random engine. */
static int runner_queue(struct fuzz *f)
{
	struct drm_svmgpu_queue_create c = {
		.vm_id = f->run_vm,
		.engine = rnd(f, f->num_engines),
		.priority = rnd(f, 3),
	};
	int ret;

	f->arg_ok = true;
	ret = fuzz_ioctl(f, OP_QUEUE_CREATE, f->fd,
			 DRM_IOCTL_SVMGPU_QUEUE_CREATE, &c, sizeof(c));
	f->run_queue = ret ? 0 : c.queue_id;

	return ret;
}

/*
 * Makes the runner, with calls that may fail (the fuzzer may have used up
 * what they need): then there is no runner until the next try.
 */
static bool runner_init(struct fuzz *f)
{
	uint32_t vm, cmd = 0, data = 0;
	void *cmd_map = NULL, *data_map = NULL;

	runner_fini(f);
	if (__svmgpu_vm_create(f->fd, 0, &vm))
		return false;
	f->run_vm = vm;
	if (f->nvms < MAX_VMS)
		f->vms[f->nvms++] = vm;

	if (__svmgpu_bo_create(f->fd, RUN_CMD_SIZE, SYSTEM, 0, &cmd) ||
	    __svmgpu_bo_create(f->fd, RUN_DATA_SIZE, BOTH, 0, &data))
		goto fail;
	track_bo(f, cmd, RUN_CMD_SIZE);
	track_bo(f, data, RUN_DATA_SIZE);
	cmd_map = __svmgpu_bo_mmap(f->fd, cmd, RUN_CMD_SIZE,
				   PROT_READ | PROT_WRITE);
	data_map = __svmgpu_bo_mmap(f->fd, data, RUN_DATA_SIZE,
				    PROT_READ | PROT_WRITE);
	if (!cmd_map || !data_map)
		goto fail;
	f->cmd_map = cmd_map;
	f->data_map = data_map;
	f->run_cmd = cmd;
	f->run_data = data;
	memset(f->cmd_map, 0, RUN_CMD_SIZE);
	if (__svmgpu_vm_map(f->fd, vm, cmd, 0, RUN_VA_CMD, RUN_CMD_SIZE, 0) ||
	    __svmgpu_vm_map(f->fd, vm, data, 0, RUN_VA_DATA, RUN_DATA_SIZE, 0) ||
	    runner_queue(f))
		goto fail;

	return true;

fail:
	if (cmd_map && !f->cmd_map)
		munmap(cmd_map, RUN_CMD_SIZE);
	if (data_map && !f->data_map)
		munmap(data_map, RUN_DATA_SIZE);
	runner_fini(f);
	return false;
}

/* The runner's queue, made again if it was banned or destroyed. */
static bool runner_ready(struct fuzz *f)
{
	if (f->run_queue)
		return true;
	if (f->run_vm && f->cmd_map && runner_queue(f) == 0)
		return true;

	return runner_init(f);
}

/* --- Command streams ------------------------------------------------------ */

/* An address for a command operand: mostly inside the data buffer. */
static uint64_t cs_addr(struct fuzz *f, uint64_t align, uint64_t len)
{
	if (one_in(f, 64))
		return pick_va(f) + rnd(f, 8);
	if (one_in(f, 64))
		return RUN_VA_DATA + rnd(f, RUN_DATA_SIZE);

	return RUN_VA_DATA + (rnd(f, RUN_DATA_SIZE - len + 1) & ~(align - 1));
}

/*
 * Writes a command stream at @cs: valid commands on the runner's data
 * buffer mostly, with now and then a malformed header, a stray address,
 * random words, or no END. Nothing in it waits for long: WAIT_MEM
 * conditions hold at once (mask 0), so a job never hangs.
 */
static void build_cs(struct fuzz *f, struct svmgpu_cs *cs)
{
	unsigned int n = 1 + rnd(f, 12);

	if (one_in(f, 10)) {
		/* Random words, maybe after a valid command. */
		if (one_in(f, 2))
			svmgpu_cs_nop(cs, rnd(f, 3), rnd32(f));
		for (unsigned int i = rnd(f, 32); i; i--)
			svmgpu_cs_dword(cs, rnd32(f));
		if (one_in(f, 2))
			svmgpu_cs_end(cs);
		return;
	}

	while (n--) {
		uint32_t size = rnd(f, 4) ? 4 * rnd(f, 64) : rnd(f, 4096);

		switch (rnd(f, 40)) {
		case 0:
			svmgpu_cs_nop(cs, rnd(f, 4), rnd32(f));
			break;
		case 1:
			if (one_in(f, 2))
				svmgpu_cs_write32(cs, cs_addr(f, 4, 4), rnd32(f));
			else
				svmgpu_cs_write64(cs, cs_addr(f, 8, 8), rnd64(f));
			break;
		case 2:
			svmgpu_cs_copy(cs, cs_addr(f, 1, size),
				       cs_addr(f, 1, size), size);
			break;
		case 3:
			size &= ~3u;
			svmgpu_cs_fill(cs, cs_addr(f, 4, size), rnd32(f), size);
			break;
		case 4: {
			uint32_t flags = rnd(f, 4) |
					 (one_in(f, 2) ? DRM_SVMGPU_ATOMIC_64 : 0) |
					 (one_in(f, 2) ? DRM_SVMGPU_ATOMIC_RETURN : 0);

			svmgpu_cs_atomic(cs, flags, cs_addr(f, 8, 8), rnd64(f),
					 rnd64(f),
					 flags & DRM_SVMGPU_ATOMIC_RETURN ?
					 cs_addr(f, 8, 8) : 0);
			break;
		}
		case 5:
			/* Holds at once: (x & 0) compared with 0. */
			svmgpu_cs_wait_mem(cs, one_in(f, 2) ? DRM_SVMGPU_WAIT_EQ :
					   DRM_SVMGPU_WAIT_GTE |
					   (one_in(f, 2) ? DRM_SVMGPU_WAIT_64 : 0),
					   cs_addr(f, 8, 8), 0, 0);
			break;
		case 6:
			svmgpu_cs_timestamp(cs, cs_addr(f, 8, 8));
			break;
		case 7:
		case 8:
		{
			/*
			 * A header with random flags and length; not WAIT_MEM,
			 * whose operands would come from whatever follows and
			 * could make the job wait until the job timeout.
			 */
			uint32_t opcode = rnd(f, 10);

			if (opcode == DRM_SVMGPU_CMD_WAIT_MEM)
				opcode = 0xff;
			svmgpu_cs_header(cs, opcode, rnd(f, 4) ? 0 : rnd(f, 256),
					 rnd(f, 10));
			break;
		}
		case 9:
			svmgpu_cs_dword(cs, rnd32(f));
			break;
		default:
			/* Mostly plain writes: jobs that succeed. */
			svmgpu_cs_write32(cs, cs_addr(f, 4, 4), rnd32(f));
			break;
		}
	}
	if (!one_in(f, 32))
		svmgpu_cs_end(cs);
}

/*
 * Runs a command stream on the runner's queue, with syncs that are
 * mostly well formed: a job the GPU actually runs.
 */
static void do_exec_cs(struct fuzz *f)
{
	struct drm_svmgpu_sync *syncs = (void *)f->scratch;
	struct drm_svmgpu_exec e = {};
	struct svmgpu_cs cs;
	unsigned int slot;
	uint32_t n = 0;
	int ret;

	if (!runner_ready(f))
		return;

	/* Slots in turn, so a running job's stream is rarely overwritten. */
	slot = f->slot++ % (RUN_CMD_SIZE / RUN_SLOT_SIZE);
	svmgpu_cs_init(&cs, (uint8_t *)f->cmd_map + slot * RUN_SLOT_SIZE,
		       RUN_VA_CMD + slot * RUN_SLOT_SIZE, RUN_SLOT_SIZE);
	build_cs(f, &cs);

	/* An out-sync, sometimes a timeline point; an in-sync now and then. */
	if (f->nsyncobjs && rnd(f, 3)) {
		syncs[n].handle = f->syncobjs[rnd(f, f->nsyncobjs)];
		syncs[n].flags = DRM_SVMGPU_SYNC_SIGNAL;
		syncs[n].point = 0;
		if (one_in(f, 3)) {
			syncs[n].flags |= DRM_SVMGPU_SYNC_TIMELINE;
			syncs[n].point = 1 + rnd(f, 8);
		}
		n++;
	}
	if (f->nsyncobjs && one_in(f, 4)) {
		syncs[n].handle = f->syncobjs[rnd(f, f->nsyncobjs)];
		syncs[n].flags = 0;
		syncs[n].point = 0;
		n++;
	}

	e.queue_id = f->run_queue;
	e.address = svmgpu_cs_addr(&cs);
	e.length = svmgpu_cs_bytes(&cs) ? svmgpu_cs_bytes(&cs) : 4;
	e.num_syncs = n;
	e.syncs = to_user_pointer(syncs);
	ret = fuzz_ioctl(f, OP_EXEC_CS, f->fd, DRM_IOCTL_SVMGPU_EXEC, &e,
			 sizeof(e));
	if (ret == 0) {
		f->jobs++;
	} else if (ret == -ECANCELED || ret == -ENOENT) {
		/*
		 * A job failed and banned the queue, or the fuzzer destroyed
		 * it: the next stream gets a new one.
		 */
		struct drm_svmgpu_queue_destroy d = {
			.queue_id = f->run_queue,
		};

		fuzz_ioctl(f, OP_QUEUE_DESTROY, f->fd,
			   DRM_IOCTL_SVMGPU_QUEUE_DESTROY, &d, sizeof(d));
		forget(f, f->run_queue);
		f->run_queue = 0;
	}
}

/* --- Syncobjs ------------------------------------------------------------- */

static void do_syncobj_destroy(struct fuzz *f, uint32_t handle)
{
	struct drm_syncobj_destroy d = { .handle = handle, .pad = rnd_mbz(f) };
	int fd = pick_fd(f);

	if (fuzz_ioctl(f, OP_SYNCOBJ_DESTROY, fd, DRM_IOCTL_SYNCOBJ_DESTROY,
		       arg_ptr(f, &d, sizeof(d)), sizeof(d)) == 0 &&
	    fd == f->fd) {
		remove_id(f->syncobjs, &f->nsyncobjs, handle);
		forget(f, handle);
	}
}

static void track_syncobj(struct fuzz *f, int fd, uint32_t handle)
{
	if (fd == f->fd && f->nsyncobjs < MAX_SYNCOBJS) {
		f->syncobjs[f->nsyncobjs++] = handle;
	} else {
		struct drm_syncobj_destroy d = { .handle = handle };

		fuzz_ioctl(f, OP_SYNCOBJ_DESTROY, fd, DRM_IOCTL_SYNCOBJ_DESTROY,
			   &d, sizeof(d));
	}
}

static void do_syncobj_create(struct fuzz *f)
{
	struct drm_syncobj_create c = {
		.handle = rnd_mbz(f),
		.flags = rnd_flags(f, DRM_SYNCOBJ_CREATE_SIGNALED),
	};
	int fd = pick_fd(f);

	if (f->nsyncobjs == MAX_SYNCOBJS) {
		do_syncobj_destroy(f, pick_syncobj(f));
		return;
	}
	if (fuzz_ioctl(f, OP_SYNCOBJ_CREATE, fd, DRM_IOCTL_SYNCOBJ_CREATE,
		       arg_ptr(f, &c, sizeof(c)), sizeof(c)) == 0 && f->arg_ok)
		track_syncobj(f, fd, c.handle);
}

static void do_syncobj_handle_to_fd(struct fuzz *f)
{
	struct drm_syncobj_handle h = {
		.handle = pick_syncobj(f),
		.flags = rnd_flags(f, DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE),
		.fd = rnd_mbz(f),
		.pad = rnd_mbz(f),
	};

	if (fuzz_ioctl(f, OP_SYNCOBJ_HANDLE_TO_FD, pick_fd(f),
		       DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD,
		       arg_ptr(f, &h, sizeof(h)), sizeof(h)) || !f->arg_ok)
		return;

	igt_assert_f(h.fd >= 0, "HANDLE_TO_FD gave fd %d\n", h.fd);
	if (f->nexports == MAX_EXPORTS) {
		unsigned int i = rnd(f, MAX_EXPORTS);

		close(f->exports[i]);
		f->exports[i] = f->exports[--f->nexports];
	}
	f->exports[f->nexports++] = h.fd;
}

static void do_syncobj_fd_to_handle(struct fuzz *f)
{
	struct drm_syncobj_handle h = {
		.flags = rnd_flags(f, DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE),
		.pad = rnd_mbz(f),
	};
	int fd = pick_fd(f);

	if (f->nexports && rnd(f, 4))
		h.fd = f->exports[rnd(f, f->nexports)];
	else
		h.fd = one_in(f, 2) ? f->fd : (int)rnd32(f) >> rnd(f, 32);
	if (h.flags & DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE)
		h.handle = pick_syncobj(f);
	else
		h.handle = rnd_mbz(f);

	if (fuzz_ioctl(f, OP_SYNCOBJ_FD_TO_HANDLE, fd,
		       DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE,
		       arg_ptr(f, &h, sizeof(h)), sizeof(h)) || !f->arg_ok)
		return;
	if (!(h.flags & DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE))
		track_syncobj(f, fd, h.handle);
}

static void do_syncobj_wait(struct fuzz *f)
{
	uint32_t n = syncobj_count(f);
	struct drm_syncobj_wait w = {
		.timeout_nsec = pick_timeout(f),
		.count_handles = n,
		.flags = rnd_flags(f, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL |
				   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT |
				   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE),
		.first_signaled = rnd_mbz(f),
		.pad = rnd_mbz(f),
	};
	uint32_t *handles = build_handles(f, f->scratch, n);

	w.handles = pick_ptr(f, handles, n * sizeof(*handles), false);
	fuzz_ioctl(f, OP_SYNCOBJ_WAIT, pick_fd(f), DRM_IOCTL_SYNCOBJ_WAIT,
		   arg_ptr(f, &w, sizeof(w)), sizeof(w));
}

static void do_syncobj_timeline_wait(struct fuzz *f)
{
	uint32_t n = syncobj_count(f);
	struct drm_syncobj_timeline_wait w = {
		.timeout_nsec = pick_timeout(f),
		.count_handles = n,
		.flags = rnd_flags(f, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL |
				   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT |
				   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE),
		.first_signaled = rnd_mbz(f),
		.pad = rnd_mbz(f),
	};
	uint32_t *handles = build_handles(f, f->scratch, n);
	uint64_t *points = build_points(f, f->scratch + SCRATCH_SIZE / 2, n);

	w.handles = pick_ptr(f, handles, n * sizeof(*handles), false);
	w.points = pick_ptr(f, points, n * sizeof(*points), false);
	fuzz_ioctl(f, OP_SYNCOBJ_TIMELINE_WAIT, pick_fd(f),
		   DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT,
		   arg_ptr(f, &w, sizeof(w)), sizeof(w));
}

static void do_syncobj_array(struct fuzz *f, enum fuzz_op op,
			     unsigned long request)
{
	uint32_t n = syncobj_count(f);
	struct drm_syncobj_array a = {
		.count_handles = n,
		.pad = rnd_mbz(f),
	};
	uint32_t *handles = build_handles(f, f->scratch, n);

	a.handles = pick_ptr(f, handles, n * sizeof(*handles), false);
	fuzz_ioctl(f, op, pick_fd(f), request, arg_ptr(f, &a, sizeof(a)),
		   sizeof(a));
}

static void do_syncobj_timeline_array(struct fuzz *f, enum fuzz_op op,
				      unsigned long request)
{
	uint32_t n = syncobj_count(f);
	struct drm_syncobj_timeline_array a = {
		.count_handles = n,
		.flags = rnd_flags(f, op == OP_SYNCOBJ_QUERY ?
				   DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED : 0),
	};
	uint32_t *handles = build_handles(f, f->scratch, n);
	uint64_t *points = build_points(f, f->scratch + SCRATCH_SIZE / 2, n);

	a.handles = pick_ptr(f, handles, n * sizeof(*handles), false);
	/* QUERY writes the points back. */
	a.points = pick_ptr(f, points, n * sizeof(*points),
			    op == OP_SYNCOBJ_QUERY);
	fuzz_ioctl(f, op, pick_fd(f), request, arg_ptr(f, &a, sizeof(a)),
		   sizeof(a));
}

static void do_syncobj_transfer(struct fuzz *f)
{
	struct drm_syncobj_transfer t = {
		.src_handle = pick_syncobj(f),
		.dst_handle = pick_syncobj(f),
		.src_point = one_in(f, 2) ? 0 : rnd(f, 8),
		.dst_point = one_in(f, 2) ? 0 : rnd(f, 8),
		.flags = rnd_flags(f, 0),
		.pad = rnd_mbz(f),
	};

	/*
	 * With WAIT_FOR_SUBMIT, the DRM core waits up to 5 s
	 * (DRM_SYNCOBJ_WAIT_FOR_SUBMIT_TIMEOUT) for a fence to appear in an
	 * empty source: a legitimate stall the run cannot afford. Every other
	 * flag bit is fair game.
	 */
	t.flags &= ~DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT;
	if (one_in(f, 16))
		t.src_point = interesting64(f);
	if (one_in(f, 16))
		t.dst_point = interesting64(f);
	fuzz_ioctl(f, OP_SYNCOBJ_TRANSFER, pick_fd(f),
		   DRM_IOCTL_SYNCOBJ_TRANSFER, arg_ptr(f, &t, sizeof(t)),
		   sizeof(t));
}

/*
 * Any svmgpu ioctl number with any size and direction in the request
 * word, and random bytes, with now and then a plausible id in front: the
 * DRM core zero-extends or truncates the argument to the size the driver
 * declared.
 */
static void do_raw(struct fuzz *f)
{
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE,
	};
	uint64_t buf[64];
	unsigned int nr = rnd(f, SVMGPU_IOCTL_NR_MAX + 1);
	unsigned int size = rnd(f, 4) ? rnd(f, 72) : rnd(f, 1 << 14);
	unsigned long request;
	void *arg = buf;

	if (!rnd(f, 3))
		nr = rnd(f, DRM_SVMGPU_WAIT_USER_FENCE + 1);
	rnd_bytes(f, buf, sizeof(buf));
	for (unsigned int i = 0; i < ARRAY_SIZE(buf); i++)
		if (rnd(f, 2))
			buf[i] = one_in(f, 2) ? 0 : pick_vm(f);
	if (size > sizeof(buf)) {
		/* A large argument: the scratch area, or a bad pointer. */
		rnd_bytes(f, f->scratch, size);
		arg = from_user_pointer(pick_ptr(f, f->scratch, size, true));
		f->arg_ok = arg == f->scratch;
	}
	request = _IOC(dirs[rnd(f, 4)], DRM_IOCTL_BASE, DRM_COMMAND_BASE + nr,
		       size);

	fuzz_ioctl(f, OP_RAW, pick_fd(f), request, arg, size);
}

/* --- Setup, teardown, the run --------------------------------------------- */

static void *map_anon(size_t len, int prot)
{
	void *ptr = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(ptr != MAP_FAILED);

	return ptr;
}

static void memory_init(struct fuzz *f)
{
	f->scratch = map_anon(SCRATCH_SIZE + 4096, PROT_READ | PROT_WRITE);
	igt_assert_eq(mprotect(f->scratch + SCRATCH_SIZE, 4096, PROT_NONE), 0);
	f->ro_page = map_anon(4096, PROT_READ);
	f->none_page = map_anon(4096, PROT_NONE);

	/*
	 * An address that stays unmapped: not a page mmap() handed out and
	 * got back, which a later mmap() (of a BO full of random bytes) may
	 * reuse, but one far below where mmap() allocates, top down.
	 */
	f->unmapped = mmap(UNMAPPED_HINT, 4096, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			   -1, 0);
	igt_assert(f->unmapped == UNMAPPED_HINT);
	igt_assert_eq(munmap(f->unmapped, 4096), 0);
}

static void memory_fini(struct fuzz *f)
{
	munmap(f->scratch, SCRATCH_SIZE + 4096);
	munmap(f->ro_page, 4096);
	munmap(f->none_page, 4096);
}

static void file_close(struct fuzz *f)
{
	for (unsigned int i = 0; i < f->nmaps; i++)
		igt_assert_eq(munmap(f->maps[i].ptr, f->maps[i].size), 0);
	runner_fini(f);
	for (unsigned int i = 0; i < f->nexports; i++)
		close(f->exports[i]);
	if (f->fd >= 0)
		close(f->fd);
	if (f->peer >= 0)
		close(f->peer);

	f->fd = f->peer = -1;
	f->nbos = f->nvms = f->nqueues = f->nsyncobjs = 0;
	f->ndead = f->nexports = f->nmaps = 0;
	f->bo_bytes = 0;
}

static void file_open(struct fuzz *f)
{
	int devices = svmgpu_count_devices();

	/* Every device in turn: with num_devices=2, both are fuzzed. */
	f->device = devices > 0 ? (int)(f->reopens % devices) : 0;
	f->fd = drm_open_svmgpu(f->device);
	f->peer = drm_open_svmgpu(f->device);
	f->num_engines = svmgpu_num_engines(f->fd);
	f->va_bits = svmgpu_va_bits(f->fd);
	f->vram_size = svmgpu_vram_size(f->fd);
	f->svm = svmgpu_has_svm(f->fd);
	/* A fresh file has room for it. */
	igt_assert(runner_init(f));
	f->next_reopen = f->calls + REOPEN_MIN + rnd(f, REOPEN_MIN);
	f->reopens++;
}

static void fuzz_one(struct fuzz *f)
{
	static unsigned int total_weight;
	unsigned int w, op;

	if (!total_weight)
		for (op = 0; op < NUM_OPS; op++)
			total_weight += ops[op].weight;

	f->arg_ok = true;
	w = rnd(f, total_weight);
	for (op = 0; w >= ops[op].weight; op++)
		w -= ops[op].weight;
	f->core_op = op == OP_GEM_CLOSE || (op >= OP_SYNCOBJ_CREATE &&
					    op <= OP_SYNCOBJ_TRANSFER);

	switch ((enum fuzz_op)op) {
	case OP_QUERY:
		do_query(f);
		break;
	case OP_GEM_CREATE:
		do_gem_create(f);
		break;
	case OP_GEM_MMAP_OFFSET:
		do_mmap_offset(f);
		break;
	case OP_VM_CREATE:
		do_vm_create(f);
		break;
	case OP_VM_DESTROY:
		do_vm_destroy(f, pick_vm(f));
		break;
	case OP_VM_BIND:
		do_vm_bind(f);
		break;
	case OP_QUEUE_CREATE:
		do_queue_create(f);
		break;
	case OP_QUEUE_DESTROY:
		do_queue_destroy(f, pick_queue(f));
		break;
	case OP_EXEC:
		do_exec(f);
		break;
	case OP_EXEC_CS:
		do_exec_cs(f);
		break;
	case OP_GEM_MIGRATE:
		do_gem_migrate(f);
		break;
	case OP_GEM_INFO:
		do_gem_info(f);
		break;
	case OP_WAIT_USER_FENCE:
		do_wait_user_fence(f);
		break;
	case OP_QUEUE_STATUS:
		do_queue_status(f);
		break;
	case OP_VM_MADVISE:
		do_vm_madvise(f);
		break;
	case OP_VM_QUERY_ATTRS:
		do_vm_query_attrs(f);
		break;
	case OP_GEM_CLOSE: {
		uint64_t size;

		do_gem_close(f, pick_bo(f, &size));
		break;
	}
	case OP_SYNCOBJ_CREATE:
		do_syncobj_create(f);
		break;
	case OP_SYNCOBJ_DESTROY:
		do_syncobj_destroy(f, pick_syncobj(f));
		break;
	case OP_SYNCOBJ_HANDLE_TO_FD:
		do_syncobj_handle_to_fd(f);
		break;
	case OP_SYNCOBJ_FD_TO_HANDLE:
		do_syncobj_fd_to_handle(f);
		break;
	case OP_SYNCOBJ_WAIT:
		do_syncobj_wait(f);
		break;
	case OP_SYNCOBJ_TIMELINE_WAIT:
		do_syncobj_timeline_wait(f);
		break;
	case OP_SYNCOBJ_RESET:
		do_syncobj_array(f, OP_SYNCOBJ_RESET, DRM_IOCTL_SYNCOBJ_RESET);
		break;
	case OP_SYNCOBJ_SIGNAL:
		do_syncobj_array(f, OP_SYNCOBJ_SIGNAL, DRM_IOCTL_SYNCOBJ_SIGNAL);
		break;
	case OP_SYNCOBJ_TIMELINE_SIGNAL:
		do_syncobj_timeline_array(f, OP_SYNCOBJ_TIMELINE_SIGNAL,
					  DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL);
		break;
	case OP_SYNCOBJ_QUERY:
		do_syncobj_timeline_array(f, OP_SYNCOBJ_QUERY,
					  DRM_IOCTL_SYNCOBJ_QUERY);
		break;
	case OP_SYNCOBJ_TRANSFER:
		do_syncobj_transfer(f);
		break;
	case OP_RAW:
	case NUM_OPS:
		do_raw(f);
		break;
	}
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);
	char *end;
	uint64_t v;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoull(s, &end, 0);
	igt_assert_f(!errno && !*end, "%s=%s is not a number\n", name, s);

	return v;
}

/*
 * After the run, on a fresh file: the device still answers and still runs
 * a job that the CPU can check.
 */
static void check_device_works(struct fuzz *f)
{
	struct drm_svmgpu_query_device_info info;
	struct svmgpu_cs cs;
	uint32_t out;

	f->reopens = 0;
	file_open(f);
	svmgpu_query_device_info(f->fd, &info);
	igt_assert_eq(info.uapi_major, DRM_SVMGPU_UAPI_MAJOR);

	svmgpu_cs_init(&cs, f->cmd_map, RUN_VA_CMD, RUN_SLOT_SIZE);
	svmgpu_cs_write32(&cs, RUN_VA_DATA + 64, 0xf0221);
	svmgpu_cs_fill(&cs, RUN_VA_DATA + 128, 0x5eed, 256);
	svmgpu_cs_end(&cs);
	out = svmgpu_syncobj_create(f->fd, 0);
	svmgpu_exec(f->fd, f->run_queue, svmgpu_cs_addr(&cs),
		    svmgpu_cs_bytes(&cs), &(struct drm_svmgpu_sync){
			    .handle = out, .flags = DRM_SVMGPU_SYNC_SIGNAL }, 1);
	igt_assert_eq(svmgpu_wait_job(f->fd, out), 0);
	igt_assert_eq_u32(f->data_map[16], 0xf0221);
	for (unsigned int i = 0; i < 64; i++)
		igt_assert_eq_u32(f->data_map[32 + i], 0x5eed);
	svmgpu_syncobj_destroy(f->fd, out);
	file_close(f);
}

static void test_ioctls(void)
{
	struct fuzz *f = calloc(1, sizeof(*f));
	uint64_t want, limit_ns, elapsed;
	struct timespec start = {};
	bool timed_out = false;
	int fd;

	igt_assert(f);
	fd = drm_open_svmgpu(0);
	svmgpu_require_features(fd, DRM_SVMGPU_FEATURE_GEM |
				DRM_SVMGPU_FEATURE_VM |
				DRM_SVMGPU_FEATURE_EXEC |
				DRM_SVMGPU_FEATURE_GEM_MIGRATE);
	close(fd);

	f->seed = env_u64("SVMGPU_FUZZ_SEED", 0);
	if (!getenv("SVMGPU_FUZZ_SEED")) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		f->seed = ts.tv_sec * 1000000000ull + ts.tv_nsec;
		f->seed ^= (uint64_t)getpid() << 32;
	}
	f->rng = f->seed;
	want = env_u64("SVMGPU_FUZZ_CALLS", FUZZ_CALLS);
	limit_ns = env_u64("SVMGPU_FUZZ_SECONDS", FUZZ_SECONDS) * 1000000000ull;
	igt_info("seed %#" PRIx64 " (replay with SVMGPU_FUZZ_SEED=%#" PRIx64
		 "), %" PRIu64 " calls or %" PRIu64 " s\n", f->seed, f->seed,
		 want, (uint64_t)(limit_ns / 1000000000ull));

	f->fd = f->peer = -1;
	memory_init(f);
	igt_nsec_elapsed(&start);
	file_open(f);
	while (f->calls < want) {
		if (f->calls >= f->next_reopen) {
			file_close(f);
			file_open(f);
		}
		fuzz_one(f);
		if ((f->calls & 63) == 0 &&
		    igt_nsec_elapsed(&start) > limit_ns) {
			timed_out = true;
			break;
		}
	}
	file_close(f);
	elapsed = igt_nsec_elapsed(&start);

	igt_info("%" PRIu64 " calls in %" PRIu64 ".%03" PRIu64 " s (%" PRIu64
		 " calls/s), %u files, %" PRIu64 " jobs submitted; seed %#"
		 PRIx64 "\n", f->calls, (uint64_t)(elapsed / 1000000000ull),
		 (uint64_t)(elapsed / 1000000ull % 1000),
		 (uint64_t)(f->calls * 1000000000ull / (elapsed ? elapsed : 1)),
		 f->reopens, f->jobs, f->seed);
	for (unsigned int op = 0; op < NUM_OPS; op++)
		igt_info("  %-24s %8" PRIu64 " calls, %8" PRIu64 " succeeded, "
			 "%6" PRIu64 " ms\n", ops[op].name, f->per_op[op],
			 f->per_op_ok[op], f->per_op_ns[op] / 1000000);

	if (timed_out)
		igt_warn("time limit of %" PRIu64 " s reached after %" PRIu64
			 " calls\n", (uint64_t)(limit_ns / 1000000000ull), f->calls);
	else
		igt_assert_f(f->calls >= FUZZ_MIN_CALLS ||
			     want < FUZZ_MIN_CALLS,
			     "%" PRIu64 " calls, fewer than %d\n", f->calls,
			     FUZZ_MIN_CALLS);

	/* Every op was reached, and the ones that can succeed did. */
	for (unsigned int op = 0; op < NUM_OPS && !timed_out &&
	     want >= FUZZ_MIN_CALLS; op++)
		igt_assert_f(f->per_op[op] > 0, "%s was never called\n",
			     ops[op].name);

	check_device_works(f);
	memory_fini(f);
	free(f);
}

igt_main
{
	igt_describe("Call every svmgpu ioctl and the DRM syncobj and "
		     "GEM_CLOSE ioctls with random and plausible arguments, "
		     "at least 100000 times; every call succeeds or fails "
		     "with an errno its ioctl may return, and the device "
		     "still runs jobs after. The seed is printed; "
		     "SVMGPU_FUZZ_SEED replays it.");
	igt_subtest("ioctls")
		test_ioctls();
}
