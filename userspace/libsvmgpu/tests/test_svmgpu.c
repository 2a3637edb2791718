// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * Unit tests of libsvmgpu that run without an svmgpu device. Output is TAP.
 *
 * Two kinds of tests:
 *
 * - Tests against the real system: argument checks, fds that are not DRM
 *   devices, and device discovery on a machine without svmgpu.
 * - Tests against a stand-in kernel. This program defines drmGetVersion(),
 *   drmIoctl(), drmGetDevices2(), drmFreeDevices(), drmSyncobjCreate(),
 *   drmSyncobjDestroy() and drmSyncobjWait(), and libc's mmap(), mmap64()
 *   and munmap(); linked with --export-dynamic they interpose the real ones,
 *   which libsvmgpu calls through its PLT. When the mock is on, a few
 *   character devices (/dev/null, /dev/zero, ...) pose as DRM render nodes,
 *   recognised by device number. On the svmgpu ones, every svmgpu ioctl
 *   and DRM_IOCTL_GEM_CLOSE is answered as the uAPI header specifies,
 *   checks included (MBZ fields, unknown flags, bad ids), syncobjs are
 *   emulated, and mmap() of a BO's fake offset maps the BO's memory. The
 *   fake records what it was asked and, in order, what was destroyed, so
 *   that the tests can check the library's ioctl arguments and teardown.
 *   On request it also runs jobs: a small interpreter of NOP, END,
 *   WRITE_IMM, COPY, FILL and ATOMIC, written from the uAPI text, that
 *   reaches BO memory through the VM's mappings. VMs in fault mode (with
 *   DRM_SVMGPU_FEATURE_SVM) may hold mirrors, through which the fake GPU
 *   reaches this process's own memory at the same address; an address that
 *   no CPU mapping backs faults. A job with a user fence writes it when it
 *   completes, and DRM_IOCTL_SVMGPU_WAIT_USER_FENCE compares it. BOs have a placement, and VRAM holds
 *   at most vram_bo_size bytes of them: creating or migrating a BO into
 *   full VRAM evicts the least recently used ones to system memory, as the
 *   uAPI's "DOC: buffer objects" says. A move keeps a BO's memory where it
 *   is, so CPU mappings trivially follow it. With
 *   DRM_SVMGPU_FEATURE_SVM_MIGRATE, mirrored memory "moves to VRAM" (see
 *   "SVM migration in the stand-in kernel" below). Everything else goes to
 *   the real libdrm and libc.
 */
#define _GNU_SOURCE	/* pipe2() */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"

#include "tap.h"

/* ---- Helpers ------------------------------------------------------------ */

/* Number of open fds, to catch leaks. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return !fstat(a, &sa) && !fstat(b, &sb) &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* ---- The stand-in kernel ------------------------------------------------ */

/* A fake DRM node: a real character device that poses as a render node. */
struct fake_node {
	const char *path;
	const char *driver;
	bool render;		/* Has a render node, for drmGetDevices2(). */
	dev_t rdev;
};

/* Deliberately not in minor order: 9, 7, 5, 8, 3. */
static struct fake_node fake_nodes[] = {
	{ .path = "/dev/urandom", .driver = "i915", .render = true },
	{ .path = "/dev/full", .driver = "svmgpu", .render = true },
	{ .path = "/dev/zero", .driver = "vgem", .render = true },
	{ .path = "/dev/random", .driver = "svmgpu", .render = false },
	{ .path = "/dev/null", .driver = "svmgpu", .render = true },
};

#define NUM_FAKE_NODES ARRAY_SIZE(fake_nodes)

/* Objects of each kind the fake kernel holds at once. */
#define FAKE_MAX_OBJS 16
/* VM_BIND operations and syncs the fake records. */
#define FAKE_MAX_RECORDED 8
#define FAKE_MAX_EVENTS 32
#define FAKE_MAX_MAPPINGS 32

/*
 * Ids of each kind of kernel object live in their own range, so that a
 * library that passes one kind of id for another gets -ENOENT.
 */
#define FAKE_VM_ID_BASE		0x100u
#define FAKE_QUEUE_ID_BASE	0x200u
#define FAKE_SYNCOBJ_BASE	0x300u
/* Fake mmap offsets above 4 GiB, as DRM's are: off_t must be 64-bit. */
#define FAKE_MMAP_OFFSET(handle) ((0x10ull + (handle)) << 32)

/* Things the fake kernel destroyed, in order. */
enum fake_event_type {
	EV_NONE,
	EV_GEM_CLOSE,		/* arg: the GEM handle */
	EV_VM_DESTROY,		/* arg: the VM id */
	EV_QUEUE_DESTROY,	/* arg: the queue id */
	EV_MUNMAP,		/* arg: the address of a BO mapping */
	EV_SYNCOBJ_DESTROY,	/* arg: the syncobj handle */
};

struct fake_event {
	enum fake_event_type type;
	uint64_t arg;
};

static struct {
	bool on;		/* Fake nodes answer drmGetVersion/drmIoctl. */
	bool enumerate;		/* drmGetDevices2() lists the fake nodes. */
	int query_errno;	/* If set, the query ioctl fails with it. */
	unsigned int queries;	/* Query ioctls seen. */
	unsigned int freed;	/* Devices given back by drmFreeDevices(). */
	uint32_t info_size;	/* Size of the device-info answer. */
	union {
		struct drm_svmgpu_query_device_info info;
		unsigned char bytes[256];
	} answer;

	/* Fault injection: ioctl @fail_request fails with @fail_errno. */
	unsigned long fail_request;
	int fail_errno;
	bool deny_high;		/* No CAP_SYS_NICE: HIGH priority is -EACCES. */

	/* Kernel objects, indexed by handle or by id minus its base. */
	struct {
		bool live;
		bool offset_given;	/* GEM_MMAP_OFFSET was called. */
		uint64_t size;
		int memfd;		/* The BO's pages... */
		void *mem;		/* ...as the fake GPU sees them. */
		uint32_t placements;	/* Allowed placements, a mask. */
		uint32_t preferred;	/* One bit. */
		uint32_t placement;	/* Where it is now, one bit. */
		bool pinned;
		uint64_t moves;
		uint64_t last_use;	/* LRU order; see fake_touch(). */
	} bos[FAKE_MAX_OBJS];
	uint64_t clock;		/* Ticks at every use of a BO. */
	bool no_evict;		/* VRAM never fills: no eviction. */
	bool corrupt_moves;	/* A move flips the BO's first word. */
	bool deny_pinned;	/* No CAP_SYS_ADMIN: PINNED is -EPERM. */
	bool vms[FAKE_MAX_OBJS];
	bool vm_fault_mode[FAKE_MAX_OBJS];	/* Created in fault mode. */
	struct fake_mapping {
		bool used;
		bool readonly;
		bool mirror;		/* OP_MAP_MIRROR: the CPU's memory. */
		uint32_t vm_id;
		uint32_t handle;
		uint64_t addr, range, bo_offset;
	} mappings[FAKE_MAX_MAPPINGS];
	struct {
		bool live;
		bool banned;
		uint32_t vm_id;
	} queues[FAKE_MAX_OBJS];
	struct {
		bool live;
		bool fence;		/* Has a fence (was signalled). */
	} syncobjs[FAKE_MAX_OBJS];

	/* The last argument of each ioctl, as the library passed it. */
	int fd;			/* The fd of the last object ioctl. */
	unsigned int ioctls;	/* Object ioctls (all but the query). */
	struct drm_svmgpu_gem_create gem_create;
	struct drm_svmgpu_gem_mmap_offset mmap_offset;
	unsigned int mmap_offsets;
	struct drm_svmgpu_gem_migrate gem_migrate;
	unsigned int gem_migrates;
	struct drm_svmgpu_gem_info gem_info;	/* As passed in. */
	unsigned int gem_infos;
	struct drm_gem_close gem_close;
	struct drm_svmgpu_vm_create vm_create;
	struct drm_svmgpu_vm_destroy vm_destroy;
	struct drm_svmgpu_vm_bind vm_bind;
	struct drm_svmgpu_vm_bind_op bind_ops[FAKE_MAX_RECORDED];
	struct drm_svmgpu_sync bind_syncs[FAKE_MAX_RECORDED];
	unsigned int vm_binds;
	struct drm_svmgpu_queue_create queue_create;
	struct drm_svmgpu_queue_destroy queue_destroy;
	struct drm_svmgpu_exec exec;
	struct drm_svmgpu_sync exec_syncs[FAKE_MAX_RECORDED];
	unsigned int execs;

	/* Jobs run only on request; else they complete doing nothing. */
	bool run_jobs;
	unsigned int jobs;	/* Jobs run. */
	int job_error;		/* The fence error of the last job run. */
	bool hang;		/* Jobs never complete: no fence, no ban. */
	int fail_jobs;		/* If set, jobs fail with it, doing nothing. */

	/* DRM_IOCTL_SVMGPU_WAIT_USER_FENCE. */
	struct drm_svmgpu_wait_user_fence ufence_wait;	/* As passed in. */
	unsigned int ufence_waits;
	/*
	 * The wait sees the queue banned, by a later job, just as the value
	 * it waits for arrives: it writes the value, and fails.
	 */
	bool late_ban;

	/* SVM migration; see "SVM migration in the stand-in kernel". */
	struct drm_svmgpu_vm_madvise madvise;	/* As passed in. */
	unsigned int madvises;
	struct drm_svmgpu_vm_query_attrs query_attrs;	/* The last call's. */
	unsigned int attr_queries;
	uint32_t query_max;	/* If set, the most runs a query writes. */
	uint32_t query_pages;	/* If set, the most pages a query scans. */
	bool query_bad;		/* Queries answer with no run at all. */
	unsigned int prefetches;	/* OP_PREFETCH operations applied. */
	unsigned int gpu_migrations;	/* Pages GPU accesses moved to VRAM. */
	/* Spans CPU faults moved back; the SIGSEGV handler counts. */
	volatile unsigned int cpu_migrations;

	/* mmap() of BOs. */
	int mmap_errno;		/* If set, mmap() of a BO fails with it. */
	unsigned int mmap_delay_us;	/* Widens races on the first map. */
	unsigned int mmaps;
	struct {
		void *addr;
		size_t len;
		int prot, flags, fd;
		uint64_t offset;
	} last_mmap;
	struct {
		void *addr;
		size_t len;
	} maps[FAKE_MAX_OBJS];

	/* Syncobjs. */
	int syncobj_create_errno;
	int wait_ret;		/* What drmSyncobjWait() returns. */
	unsigned int syncobj_creates, syncobj_waits;
	uint32_t create_flags;
	struct {
		uint32_t handle;
		unsigned int count, flags;
		int64_t timeout;
	} last_wait;

	struct fake_event events[FAKE_MAX_EVENTS];
	unsigned int num_events;
} mock;

static const struct drm_svmgpu_query_device_info default_info = {
	.uapi_major = DRM_SVMGPU_UAPI_MAJOR,
	.uapi_minor = DRM_SVMGPU_UAPI_MINOR,
	.num_engines = 3,
	.vram_size = 256ull << 20,
	.page_sizes = DRM_SVMGPU_PAGE_SIZE_4K | DRM_SVMGPU_PAGE_SIZE_64K |
		      DRM_SVMGPU_PAGE_SIZE_2M,
	.features = 0,
	.va_bits = 48,
	.vram_bo_size = 240ull << 20,
};

/* ---- SVM migration in the stand-in kernel ------------------------------- */

/*
 * With DRM_SVMGPU_FEATURE_SVM_MIGRATE the fake keeps spans of this
 * process's address space: per VM, the attributes that
 * DRM_IOCTL_SVMGPU_VM_MADVISE set, and, under FAKE_VRAM_KEY, the pages that
 * are "in VRAM". Those stay where they are but are made PROT_NONE, so that
 * a CPU access faults as one to device-private memory does: the SIGSEGV
 * handler, fake_sigsegv(), "moves" the whole span the address is in back
 * to system memory by making it accessible again, and the access resumes.
 * The fake GPU reaches them while a job runs. Its accesses move the pages
 * of ranges that prefer the device to VRAM, up to a 2 MiB block, and a GPU
 * write to a DRM_SVMGPU_MADVISE_READONLY range faults; atomic modes are
 * recorded, not acted on. OP_PREFETCH moves whole ranges.
 *
 * Memory that libc unmaps itself (free() of a large block) leaves its
 * spans behind, which mock_reset() drops: tests read their memory back
 * before freeing it.
 */
#define FAKE_MAX_SPANS	256
#define FAKE_VRAM_KEY	0	/* VM ids are never 0. */
#define FAKE_RANGE_SIZE	0x200000ull	/* What a GPU access moves at most. */

static struct fake_span {
	bool used;
	uint32_t key;		/* A VM id, or FAKE_VRAM_KEY. */
	uint64_t start, end;
	/* flags, preferred_loc and atomic_mode; zero in VRAM spans. */
	struct drm_svmgpu_vm_attr attr;
} fake_spans[FAKE_MAX_SPANS];

static struct fake_span *fake_span_find(uint32_t key, uint64_t addr)
{
	struct fake_span *s;

	for (s = fake_spans; s < fake_spans + FAKE_MAX_SPANS; s++)
		if (s->used && s->key == key && s->start <= addr &&
		    addr < s->end)
			return s;
	return NULL;
}

static struct fake_span *fake_span_alloc(void)
{
	struct fake_span *s;

	for (s = fake_spans; s < fake_spans + FAKE_MAX_SPANS; s++)
		if (!s->used)
			return s;
	return NULL;
}

/* Remove [@start, @end) from the spans of @key; 0 or -ENOMEM. */
static int fake_span_clear(uint32_t key, uint64_t start, uint64_t end)
{
	struct fake_span *s, *right;

	for (s = fake_spans; s < fake_spans + FAKE_MAX_SPANS; s++) {
		if (!s->used || s->key != key || s->end <= start ||
		    s->start >= end)
			continue;
		if (s->start < start && s->end > end) {
			right = fake_span_alloc();
			if (!right)
				return -ENOMEM;
			*right = *s;
			right->start = end;
			s->end = start;
		} else if (s->start < start) {
			s->end = start;
		} else if (s->end > end) {
			s->start = end;
		} else {
			s->used = false;
		}
	}
	return 0;
}

static bool fake_attr_same(const struct drm_svmgpu_vm_attr *a,
			   const struct drm_svmgpu_vm_attr *b)
{
	return a->flags == b->flags && a->preferred_loc == b->preferred_loc &&
	       a->atomic_mode == b->atomic_mode;
}

/*
 * Give [@start, @end) of @key the attributes @attr; spans that touch and
 * have the same attributes merge. 0 or -ENOMEM.
 */
static int fake_span_set(uint32_t key, uint64_t start, uint64_t end,
			 const struct drm_svmgpu_vm_attr *attr)
{
	struct fake_span *s;
	int err = fake_span_clear(key, start, end);

	if (err)
		return err;
	for (s = fake_spans; s < fake_spans + FAKE_MAX_SPANS; s++) {
		if (!s->used || s->key != key || !fake_attr_same(&s->attr, attr))
			continue;
		if (s->end == start) {
			start = s->start;
			s->used = false;
		} else if (s->start == end) {
			end = s->end;
			s->used = false;
		}
	}
	s = fake_span_alloc();
	if (!s)
		return -ENOMEM;
	*s = (struct fake_span) {
		.used = true,
		.key = key,
		.start = start,
		.end = end,
		.attr = *attr,
	};
	return 0;
}

/* Make the pages in VRAM unreachable by the CPU, or reachable again. */
static void fake_vram_protect(bool vram)
{
	const struct fake_span *s;

	/* Spans whose memory libc unmapped fail: nothing to protect. */
	for (s = fake_spans; s < fake_spans + FAKE_MAX_SPANS; s++)
		if (s->used && s->key == FAKE_VRAM_KEY)
			mprotect((void *)(uintptr_t)s->start, s->end - s->start,
				 vram ? PROT_NONE : PROT_READ | PROT_WRITE);
}

/* Forget every span, with the pages in VRAM back in system memory. */
static void fake_spans_reset(void)
{
	fake_vram_protect(false);
	memset(fake_spans, 0, sizeof(fake_spans));
}

static void mock_reset(bool on)
{
	fake_spans_reset();
	memset(&mock, 0, sizeof(mock));
	mock.on = on;
	mock.answer.info = default_info;
	mock.info_size = sizeof(default_info);
}

static void *real_sym(const char *name)
{
	void *sym = dlsym(RTLD_NEXT, name);

	if (!sym) {
		printf("Bail out! %s not found in libdrm\n", name);
		exit(1);
	}
	return sym;
}

#define REAL(fn) ((__typeof__(&(fn)))real_sym(#fn))

/* The fake node behind @fd, if the mock is on and @fd is one. */
static const struct fake_node *fake_node(int fd)
{
	struct stat st;
	size_t i;

	if (!mock.on || fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return NULL;
	for (i = 0; i < NUM_FAKE_NODES; i++)
		if (fake_nodes[i].rdev == st.st_rdev)
			return &fake_nodes[i];
	return NULL;
}

drmVersionPtr drmGetVersion(int fd)
{
	const struct fake_node *node = fake_node(fd);
	drmVersionPtr v;

	if (!node)
		return REAL(drmGetVersion)(fd);

	/* Allocated as libdrm does, so that drmFreeVersion() can free it. */
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->version_major = 1;
	v->name = strdup(node->driver);
	v->name_len = strlen(node->driver);
	v->date = strdup("20260101");
	v->date_len = 8;
	v->desc = strdup("fake");
	v->desc_len = 4;
	return v;
}

/* DRM_IOCTL_SVMGPU_DEVICE_QUERY, as specified in svmgpu_drm.h. */
static int fake_device_query(struct drm_svmgpu_device_query *q)
{
	mock.queries++;
	if (mock.query_errno) {
		errno = mock.query_errno;
		return -1;
	}
	if (q->extensions || q->flags || q->pad ||
	    q->query != DRM_SVMGPU_QUERY_DEVICE_INFO) {
		errno = EINVAL;
		return -1;
	}
	if (!q->size) {
		q->size = mock.info_size;
		return 0;
	}
	if (q->size < mock.info_size) {
		errno = EINVAL;
		return -1;
	}
	if (!q->data) {
		errno = EFAULT;
		return -1;
	}
	memcpy((void *)(uintptr_t)q->data, mock.answer.bytes, mock.info_size);
	q->size = mock.info_size;
	return 0;
}

static int fake_fail(int err)
{
	errno = err;
	return -1;
}

static void fake_event(enum fake_event_type type, uint64_t arg)
{
	if (mock.num_events < FAKE_MAX_EVENTS)
		mock.events[mock.num_events++] = (struct fake_event) {
			.type = type,
			.arg = arg,
		};
}

/* Whether GEM handle @h names a live BO. */
static bool fake_bo_live(uint32_t h)
{
	return h && h < FAKE_MAX_OBJS && mock.bos[h].live;
}

/* The index of VM @id, or -1. */
static int fake_vm(uint32_t id)
{
	uint32_t i = id - FAKE_VM_ID_BASE;

	return id > FAKE_VM_ID_BASE && i < FAKE_MAX_OBJS && mock.vms[i] ?
	       (int)i : -1;
}

static int fake_queue(uint32_t id)
{
	uint32_t i = id - FAKE_QUEUE_ID_BASE;

	return id > FAKE_QUEUE_ID_BASE && i < FAKE_MAX_OBJS &&
	       mock.queues[i].live ? (int)i : -1;
}

static int fake_syncobj(uint32_t handle)
{
	uint32_t i = handle - FAKE_SYNCOBJ_BASE;

	return handle > FAKE_SYNCOBJ_BASE && i < FAKE_MAX_OBJS &&
	       mock.syncobjs[i].live ? (int)i : -1;
}

/* The VRAM that BOs may use. */
static uint64_t fake_vram_limit(void)
{
	const struct drm_svmgpu_query_device_info *info = &mock.answer.info;

	return info->vram_bo_size ? info->vram_bo_size : info->vram_size;
}

/* Bytes of BOs in VRAM; @pinned_only: of pinned ones. */
static uint64_t fake_vram_used(bool pinned_only)
{
	uint64_t used = 0;
	uint32_t h;

	for (h = 1; h < FAKE_MAX_OBJS; h++)
		if (mock.bos[h].live &&
		    mock.bos[h].placement == DRM_SVMGPU_GEM_PLACEMENT_VRAM &&
		    (mock.bos[h].pinned || !pinned_only))
			used += mock.bos[h].size;
	return used;
}

/* BO @h was used now: it goes to the end of the LRU. */
static void fake_touch(uint32_t h)
{
	mock.bos[h].last_use = ++mock.clock;
}

/* Move BO @h to @placement: its memory stays, its count grows. */
static void fake_move(uint32_t h, uint32_t placement)
{
	mock.bos[h].placement = placement;
	mock.bos[h].moves++;
	if (mock.corrupt_moves)
		*(uint32_t *)mock.bos[h].mem ^= 1;
	if (placement == DRM_SVMGPU_GEM_PLACEMENT_VRAM)
		fake_touch(h);
}

/*
 * Make room for @size bytes in VRAM by evicting unpinned BOs other than
 * @keep to system memory, least recently used first. Return false if
 * there is not enough to evict.
 */
static bool fake_vram_make_room(uint64_t size, uint32_t keep)
{
	uint32_t h, lru;

	if (mock.no_evict)
		return true;
	while (fake_vram_used(false) + size > fake_vram_limit()) {
		lru = 0;
		for (h = 1; h < FAKE_MAX_OBJS; h++) {
			const __typeof__(mock.bos[h]) *b = &mock.bos[h];

			if (!b->live || b->pinned || h == keep ||
			    b->placement != DRM_SVMGPU_GEM_PLACEMENT_VRAM)
				continue;
			if (!lru || b->last_use < mock.bos[lru].last_use)
				lru = h;
		}
		if (!lru)
			return false;
		fake_move(lru, DRM_SVMGPU_GEM_PLACEMENT_SYSTEM);
	}
	return true;
}

static int fake_gem_create(struct drm_svmgpu_gem_create *a)
{
	const uint32_t both = DRM_SVMGPU_GEM_PLACEMENT_VRAM |
			      DRM_SVMGPU_GEM_PLACEMENT_SYSTEM;
	const uint32_t flags = DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM |
			       DRM_SVMGPU_GEM_CREATE_PINNED;
	bool pinned = a->flags & DRM_SVMGPU_GEM_CREATE_PINNED;
	uint32_t h, preferred, placement;

	mock.gem_create = *a;
	if (a->extensions || a->pad || !a->size || a->size % 4096 ||
	    !a->placements || (a->placements & ~both) ||
	    (a->flags & ~flags) ||
	    ((a->flags & DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM) &&
	     a->placements != both))
		return fake_fail(EINVAL);
	if (a->placements == DRM_SVMGPU_GEM_PLACEMENT_VRAM &&
	    a->size > mock.answer.info.vram_size)
		return fake_fail(E2BIG);
	if (pinned && mock.deny_pinned)
		return fake_fail(EPERM);
	if (pinned && a->placements != DRM_SVMGPU_GEM_PLACEMENT_VRAM)
		return fake_fail(EINVAL);
	if (pinned && fake_vram_used(true) + a->size > fake_vram_limit() / 2)
		return fake_fail(ENOSPC);

	preferred = (a->placements & DRM_SVMGPU_GEM_PLACEMENT_VRAM) &&
		    !(a->flags & DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM) ?
		    DRM_SVMGPU_GEM_PLACEMENT_VRAM :
		    DRM_SVMGPU_GEM_PLACEMENT_SYSTEM;
	placement = preferred;
	if (placement == DRM_SVMGPU_GEM_PLACEMENT_VRAM &&
	    !fake_vram_make_room(a->size, 0)) {
		if (!(a->placements & DRM_SVMGPU_GEM_PLACEMENT_SYSTEM))
			return fake_fail(ENOSPC);
		placement = DRM_SVMGPU_GEM_PLACEMENT_SYSTEM;
	}

	for (h = 1; h < FAKE_MAX_OBJS && mock.bos[h].live; h++)
		;
	if (h == FAKE_MAX_OBJS)
		return fake_fail(ENOMEM);
	/* Sparse: even 256 MiB cost nothing until touched. */
	mock.bos[h].memfd = memfd_create("fake-bo", MFD_CLOEXEC);
	if (mock.bos[h].memfd < 0)
		return fake_fail(ENOMEM);
	if (ftruncate(mock.bos[h].memfd, a->size)) {
		close(mock.bos[h].memfd);
		return fake_fail(ENOMEM);
	}
	mock.bos[h].mem = REAL(mmap)(NULL, a->size, PROT_READ | PROT_WRITE,
				     MAP_SHARED, mock.bos[h].memfd, 0);
	if (mock.bos[h].mem == MAP_FAILED) {
		close(mock.bos[h].memfd);
		return fake_fail(ENOMEM);
	}
	mock.bos[h].live = true;
	mock.bos[h].offset_given = false;
	mock.bos[h].size = a->size;
	mock.bos[h].placements = a->placements;
	mock.bos[h].preferred = preferred;
	mock.bos[h].placement = placement;
	mock.bos[h].pinned = pinned;
	mock.bos[h].moves = 0;
	fake_touch(h);
	a->handle = h;
	return 0;
}

static int fake_gem_close(struct drm_gem_close *a)
{
	mock.gem_close = *a;
	if (a->pad || !fake_bo_live(a->handle))
		return fake_fail(EINVAL);
	/* CPU mappings keep the pages; GPU mappings of it now fault. */
	REAL(munmap)(mock.bos[a->handle].mem, mock.bos[a->handle].size);
	close(mock.bos[a->handle].memfd);
	mock.bos[a->handle].live = false;
	fake_event(EV_GEM_CLOSE, a->handle);
	return 0;
}

static int fake_gem_mmap_offset(struct drm_svmgpu_gem_mmap_offset *a)
{
	mock.mmap_offset = *a;
	mock.mmap_offsets++;
	if (a->extensions || a->flags)
		return fake_fail(EINVAL);
	if (!fake_bo_live(a->handle))
		return fake_fail(ENOENT);
	mock.bos[a->handle].offset_given = true;
	a->offset = FAKE_MMAP_OFFSET(a->handle);
	return 0;
}

static int fake_gem_migrate(struct drm_svmgpu_gem_migrate *a)
{
	uint32_t h = a->handle;

	mock.gem_migrate = *a;
	mock.gem_migrates++;
	if (a->extensions || a->flags || a->pad)
		return fake_fail(EINVAL);
	if (!fake_bo_live(h))
		return fake_fail(ENOENT);
	if ((a->placement != DRM_SVMGPU_GEM_PLACEMENT_VRAM &&
	     a->placement != DRM_SVMGPU_GEM_PLACEMENT_SYSTEM) ||
	    !(a->placement & mock.bos[h].placements))
		return fake_fail(EINVAL);
	/*
	 * Pinned BOs are VRAM-only, so the check above already refuses to
	 * move one out of VRAM, with -EINVAL, as the driver does.
	 */
	if (mock.bos[h].pinned &&
	    a->placement != DRM_SVMGPU_GEM_PLACEMENT_VRAM)
		return fake_fail(EBUSY);

	mock.bos[h].preferred = a->placement;
	if (mock.bos[h].placement == a->placement)
		return 0;
	if (a->placement == DRM_SVMGPU_GEM_PLACEMENT_VRAM &&
	    !fake_vram_make_room(mock.bos[h].size, h))
		return fake_fail(ENOSPC);
	fake_move(h, a->placement);
	return 0;
}

static int fake_gem_info(struct drm_svmgpu_gem_info *a)
{
	uint32_t h = a->handle;

	mock.gem_info = *a;
	mock.gem_infos++;
	if (a->extensions || a->flags)
		return fake_fail(EINVAL);
	if (!fake_bo_live(h))
		return fake_fail(ENOENT);
	a->size = mock.bos[h].size;
	a->placements = mock.bos[h].placements;
	a->preferred = mock.bos[h].preferred;
	a->placement = mock.bos[h].placement;
	a->state = mock.bos[h].pinned ? DRM_SVMGPU_GEM_STATE_PINNED : 0;
	a->moves = mock.bos[h].moves;
	return 0;
}

static int fake_vm_create(struct drm_svmgpu_vm_create *a)
{
	uint32_t i;

	mock.vm_create = *a;
	if (a->extensions || (a->flags & ~DRM_SVMGPU_VM_CREATE_FAULT_MODE))
		return fake_fail(EINVAL);
	if ((a->flags & DRM_SVMGPU_VM_CREATE_FAULT_MODE) &&
	    !(mock.answer.info.features & DRM_SVMGPU_FEATURE_SVM))
		return fake_fail(EOPNOTSUPP);
	for (i = 1; i < FAKE_MAX_OBJS && mock.vms[i]; i++)
		;
	if (i == FAKE_MAX_OBJS)
		return fake_fail(ENOMEM);
	mock.vms[i] = true;
	mock.vm_fault_mode[i] = a->flags & DRM_SVMGPU_VM_CREATE_FAULT_MODE;
	a->vm_id = FAKE_VM_ID_BASE + i;
	return 0;
}

static int fake_vm_destroy(struct drm_svmgpu_vm_destroy *a)
{
	int i;

	mock.vm_destroy = *a;
	if (a->extensions || a->pad)
		return fake_fail(EINVAL);
	i = fake_vm(a->vm_id);
	if (i < 0)
		return fake_fail(ENOENT);
	mock.vms[i] = false;
	for (i = 0; i < FAKE_MAX_MAPPINGS; i++)
		if (mock.mappings[i].vm_id == a->vm_id)
			mock.mappings[i].used = false;
	fake_event(EV_VM_DESTROY, a->vm_id);
	return 0;
}

/*
 * Check @n syncs at user pointer @ptr, record the first ones at @rec, and
 * return 0 or a negative errno. Waits need a fence, as the uAPI says.
 */
static int fake_check_syncs(uint64_t ptr, uint32_t n,
			    struct drm_svmgpu_sync *rec)
{
	const struct drm_svmgpu_sync *syncs = (const void *)(uintptr_t)ptr;
	uint32_t i;
	int j;

	if (n > 64)
		return -EINVAL;
	if (n && !syncs)
		return -EFAULT;
	for (i = 0; i < n; i++) {
		if (i < FAKE_MAX_RECORDED)
			rec[i] = syncs[i];
		if (syncs[i].flags & ~(DRM_SVMGPU_SYNC_SIGNAL |
				       DRM_SVMGPU_SYNC_TIMELINE))
			return -EINVAL;
		if (!(syncs[i].flags & DRM_SVMGPU_SYNC_TIMELINE) &&
		    syncs[i].point)
			return -EINVAL;
		j = fake_syncobj(syncs[i].handle);
		if (j < 0)
			return -ENOENT;
		if (!(syncs[i].flags & DRM_SVMGPU_SYNC_SIGNAL) &&
		    !mock.syncobjs[j].fence)
			return -EINVAL;
	}
	return 0;
}

/* Signal the syncs with DRM_SVMGPU_SYNC_SIGNAL: they now have a fence. */
static void fake_signal_syncs(uint64_t ptr, uint32_t n)
{
	const struct drm_svmgpu_sync *syncs = (const void *)(uintptr_t)ptr;
	uint32_t i;

	for (i = 0; i < n; i++)
		if (syncs[i].flags & DRM_SVMGPU_SYNC_SIGNAL)
			mock.syncobjs[fake_syncobj(syncs[i].handle)].fence =
				true;
}

static int fake_check_prefetch(uint32_t vm_id,
			       const struct drm_svmgpu_vm_bind_op *op);
static int fake_prefetch(const struct drm_svmgpu_vm_bind_op *op);
static bool fake_svmgpu(int fd);

static int fake_check_bind_op(uint32_t vm_id,
			      const struct drm_svmgpu_vm_bind_op *op)
{
	uint64_t va_end = 1ull << mock.answer.info.va_bits;

	if (op->op == DRM_SVMGPU_VM_BIND_OP_PREFETCH)
		return fake_check_prefetch(vm_id, op);
	if ((op->op != DRM_SVMGPU_VM_BIND_OP_MAP &&
	     op->op != DRM_SVMGPU_VM_BIND_OP_UNMAP &&
	     op->op != DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR) ||
	    (op->flags & ~DRM_SVMGPU_VM_BIND_READONLY) || op->pad)
		return -EINVAL;
	if (op->addr % 4096 || op->range % 4096 || !op->range ||
	    op->addr < 0x10000 || op->addr > va_end ||
	    op->range > va_end - op->addr)
		return -EINVAL;
	if (op->op == DRM_SVMGPU_VM_BIND_OP_UNMAP)
		return op->handle || op->bo_offset ? -EINVAL : 0;
	if (op->op == DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR)
		return op->handle || op->bo_offset || op->flags ||
		       !mock.vm_fault_mode[fake_vm(vm_id)] ? -EINVAL : 0;
	if (!fake_bo_live(op->handle))
		return -ENOENT;
	if (op->bo_offset % 4096 ||
	    op->bo_offset > mock.bos[op->handle].size ||
	    op->range > mock.bos[op->handle].size - op->bo_offset)
		return -EINVAL;
	return 0;
}

static struct fake_mapping *fake_mapping_alloc(void)
{
	int i;

	for (i = 0; i < FAKE_MAX_MAPPINGS; i++)
		if (!mock.mappings[i].used)
			return &mock.mappings[i];
	return NULL;
}

/* Apply a checked operation to VM @vm_id's mappings; return 0 or -errno. */
static int fake_apply_bind_op(uint32_t vm_id,
			      const struct drm_svmgpu_vm_bind_op *op)
{
	uint64_t end = op->addr + op->range;
	struct fake_mapping *m, *right;
	int i;

	if (op->op == DRM_SVMGPU_VM_BIND_OP_PREFETCH)
		return fake_prefetch(op);
	for (i = 0; i < FAKE_MAX_MAPPINGS; i++) {
		uint64_t m_end;

		m = &mock.mappings[i];
		m_end = m->addr + m->range;
		if (!m->used || m->vm_id != vm_id || m_end <= op->addr ||
		    m->addr >= end)
			continue;
		/* Over an existing mapping; only a BO may replace a mirror. */
		if (op->op == DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR ||
		    (op->op == DRM_SVMGPU_VM_BIND_OP_MAP && !m->mirror))
			return -EINVAL;

		/* UNMAP, or a BO over a mirror: keep what lies outside. */
		if (m->addr < op->addr && m_end > end) {
			right = fake_mapping_alloc();
			if (!right)
				return -ENOMEM;
			*right = *m;
			right->addr = end;
			right->range = m_end - end;
			right->bo_offset += end - m->addr;
		}
		if (m->addr < op->addr) {
			m->range = op->addr - m->addr;
		} else if (m_end > end) {
			m->bo_offset += end - m->addr;
			m->range = m_end - end;
			m->addr = end;
		} else {
			m->used = false;
		}
	}
	if (op->op == DRM_SVMGPU_VM_BIND_OP_UNMAP)
		return 0;

	m = fake_mapping_alloc();
	if (!m)
		return -ENOMEM;
	*m = (struct fake_mapping) {
		.used = true,
		.readonly = op->flags & DRM_SVMGPU_VM_BIND_READONLY,
		.mirror = op->op == DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR,
		.vm_id = vm_id,
		.handle = op->handle,
		.addr = op->addr,
		.range = op->range,
		.bo_offset = op->bo_offset,
	};
	return 0;
}

static int fake_vm_bind(struct drm_svmgpu_vm_bind *a)
{
	const struct drm_svmgpu_vm_bind_op *ops = (void *)(uintptr_t)a->ops;
	uint32_t i;
	int err;

	mock.vm_bind = *a;
	mock.vm_binds++;
	if (a->extensions || a->pad)
		return fake_fail(EINVAL);
	if (fake_vm(a->vm_id) < 0)
		return fake_fail(ENOENT);
	if (!a->num_ops || a->num_ops > 1024)
		return fake_fail(EINVAL);
	if (!ops)
		return fake_fail(EFAULT);
	for (i = 0; i < a->num_ops; i++) {
		if (i < FAKE_MAX_RECORDED)
			mock.bind_ops[i] = ops[i];
		err = fake_check_bind_op(a->vm_id, &ops[i]);
		if (err)
			return fake_fail(-err);
	}
	err = fake_check_syncs(a->syncs, a->num_syncs, mock.bind_syncs);
	if (err)
		return fake_fail(-err);
	for (i = 0; i < a->num_ops; i++) {
		err = fake_apply_bind_op(a->vm_id, &ops[i]);
		if (err)
			return fake_fail(-err);
	}
	fake_signal_syncs(a->syncs, a->num_syncs);
	return 0;
}

static int fake_queue_create(struct drm_svmgpu_queue_create *a)
{
	uint32_t i;

	mock.queue_create = *a;
	if (a->extensions || a->flags || a->pad)
		return fake_fail(EINVAL);
	if (fake_vm(a->vm_id) < 0)
		return fake_fail(ENOENT);
	if (a->engine >= mock.answer.info.num_engines ||
	    a->priority > DRM_SVMGPU_QUEUE_PRIORITY_HIGH)
		return fake_fail(EINVAL);
	if (a->priority == DRM_SVMGPU_QUEUE_PRIORITY_HIGH && mock.deny_high)
		return fake_fail(EACCES);
	for (i = 1; i < FAKE_MAX_OBJS && mock.queues[i].live; i++)
		;
	if (i == FAKE_MAX_OBJS)
		return fake_fail(ENOMEM);
	mock.queues[i].live = true;
	mock.queues[i].banned = false;
	mock.queues[i].vm_id = a->vm_id;
	a->queue_id = FAKE_QUEUE_ID_BASE + i;
	return 0;
}

static int fake_queue_destroy(struct drm_svmgpu_queue_destroy *a)
{
	int i;

	mock.queue_destroy = *a;
	if (a->extensions || a->pad)
		return fake_fail(EINVAL);
	i = fake_queue(a->queue_id);
	if (i < 0)
		return fake_fail(ENOENT);
	mock.queues[i].live = false;
	fake_event(EV_QUEUE_DESTROY, a->queue_id);
	return 0;
}

/*
 * Whether CPU memory backs [@va, @va + @len) of this process: mincore()
 * fails with -ENOMEM on a page that no mapping covers. Protections are not
 * checked: the tests do not point the fake GPU at PROT_NONE or read-only
 * memory.
 */
static bool fake_cpu_mapped(uint64_t va, uint64_t len)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), p;
	unsigned char vec;

	for (p = va & ~(page - 1); p < va + len; p += page)
		if (mincore((void *)(uintptr_t)p, page, &vec))
			return false;
	return true;
}

static bool fake_migrate_on(void)
{
	return mock.answer.info.features & DRM_SVMGPU_FEATURE_SVM_MIGRATE;
}

/* Whether a range is one DRM_IOCTL_SVMGPU_VM_MADVISE and the rest refuse. */
static bool fake_range_bad(uint64_t addr, uint64_t range)
{
	uint64_t va_end = 1ull << mock.answer.info.va_bits;

	return addr % 4096 || range % 4096 || !range || addr < 0x10000 ||
	       addr > va_end || range > va_end - addr;
}

/* Where page @page is, as the CPU's page tables say. */
static uint32_t fake_location(uint64_t page)
{
	unsigned char vec;

	if (mincore((void *)(uintptr_t)page, 4096, &vec))
		return DRM_SVMGPU_LOC_NONE;	/* No mapping. */
	if (fake_span_find(FAKE_VRAM_KEY, page))
		return DRM_SVMGPU_LOC_DEVICE;
	return vec & 1 ? DRM_SVMGPU_LOC_SYSTEM : DRM_SVMGPU_LOC_NONE;
}

static int fake_vm_madvise(int fd, struct drm_svmgpu_vm_madvise *a)
{
	const uint32_t known = DRM_SVMGPU_MADVISE_NO_MIGRATE |
			       DRM_SVMGPU_MADVISE_READONLY |
			       DRM_SVMGPU_MADVISE_PREFERRED_FD;
	struct drm_svmgpu_vm_attr attr = { 0 };
	int vm;

	mock.madvise = *a;
	mock.madvises++;
	if (!fake_migrate_on())
		return fake_fail(EOPNOTSUPP);
	if (a->extensions || a->pad)
		return fake_fail(EINVAL);
	vm = fake_vm(a->vm_id);
	if (vm < 0)
		return fake_fail(ENOENT);
	if (!mock.vm_fault_mode[vm] || fake_range_bad(a->addr, a->range) ||
	    a->preferred_loc > DRM_SVMGPU_LOC_DEVICE ||
	    a->atomic_mode > DRM_SVMGPU_ATOMIC_MODE_CPU || (a->flags & ~known))
		return fake_fail(EINVAL);
	if (a->flags & DRM_SVMGPU_MADVISE_PREFERRED_FD) {
		if (a->preferred_loc != DRM_SVMGPU_LOC_DEVICE)
			return fake_fail(EINVAL);
		if (!fd_is_open(a->preferred_fd))
			return fake_fail(EBADF);
		if (!fake_svmgpu(a->preferred_fd))
			return fake_fail(EINVAL);
	} else if (a->preferred_fd) {
		return fake_fail(EINVAL);
	}

	attr.flags = a->flags & ~DRM_SVMGPU_MADVISE_PREFERRED_FD;
	/* In an attribute, the flag means another device. */
	if ((a->flags & DRM_SVMGPU_MADVISE_PREFERRED_FD) &&
	    !same_file(fd, a->preferred_fd))
		attr.flags |= DRM_SVMGPU_MADVISE_PREFERRED_FD;
	attr.preferred_loc = a->preferred_loc;
	attr.atomic_mode = a->atomic_mode;
	if (fake_span_set(a->vm_id, a->addr, a->addr + a->range, &attr))
		return fake_fail(ENOMEM);
	return 0;
}

/* The attributes of page @page of VM @vm_id, and where it is. */
static struct drm_svmgpu_vm_attr fake_page_attr(uint32_t vm_id,
						uint64_t page)
{
	const struct fake_span *s = fake_span_find(vm_id, page);
	struct drm_svmgpu_vm_attr attr = { 0 };

	if (s)
		attr = s->attr;
	attr.addr = page;
	attr.range = 4096;
	attr.location = fake_location(page);
	return attr;
}

static int fake_vm_query_attrs(struct drm_svmgpu_vm_query_attrs *a)
{
	struct drm_svmgpu_vm_attr *out = (void *)(uintptr_t)a->attrs;
	bool coarse = a->flags & DRM_SVMGPU_QUERY_ATTRS_COARSE;
	uint32_t n = 0, max = a->num_attrs, pages = 0;
	uint64_t p;
	int vm;

	mock.query_attrs = *a;
	mock.attr_queries++;
	if (!fake_migrate_on())
		return fake_fail(EOPNOTSUPP);
	if (a->extensions || a->pad)
		return fake_fail(EINVAL);
	vm = fake_vm(a->vm_id);
	if (vm < 0)
		return fake_fail(ENOENT);
	if (!mock.vm_fault_mode[vm] || fake_range_bad(a->addr, a->range) ||
	    !a->num_attrs || a->num_attrs > DRM_SVMGPU_QUERY_ATTRS_MAX ||
	    (a->flags & ~DRM_SVMGPU_QUERY_ATTRS_COARSE))
		return fake_fail(EINVAL);
	if (!out)
		return fake_fail(EFAULT);
	if (mock.query_bad) {
		a->num_attrs = 0;
		return 0;
	}
	if (mock.query_max && max > mock.query_max)
		max = mock.query_max;

	for (p = a->addr; p < a->addr + a->range; p += 4096) {
		struct drm_svmgpu_vm_attr cur = fake_page_attr(a->vm_id, p);
		struct drm_svmgpu_vm_attr *prev = n ? &out[n - 1] : NULL;

		if (mock.query_pages && pages++ == mock.query_pages)
			break;
		if (prev && fake_attr_same(prev, &cur) &&
		    (coarse || prev->location == cur.location)) {
			if (prev->location != cur.location)
				prev->location = DRM_SVMGPU_LOC_MIXED;
			prev->range += 4096;
			continue;
		}
		if (n == max)
			break;
		out[n++] = cur;
	}
	a->num_attrs = n;
	return 0;
}

/* Whether every page of [@addr, @addr + @range) is in a mirror of @vm_id. */
static bool fake_mirrored(uint32_t vm_id, uint64_t addr, uint64_t range)
{
	uint64_t p;
	int i;

	for (p = addr; p < addr + range; p += 4096) {
		for (i = 0; i < FAKE_MAX_MAPPINGS; i++) {
			const struct fake_mapping *m = &mock.mappings[i];

			if (m->used && m->mirror && m->vm_id == vm_id &&
			    m->addr <= p && p - m->addr < m->range)
				break;
		}
		if (i == FAKE_MAX_MAPPINGS)
			return false;
	}
	return true;
}

static int fake_check_prefetch(uint32_t vm_id,
			       const struct drm_svmgpu_vm_bind_op *op)
{
	if (!fake_migrate_on())
		return -EOPNOTSUPP;
	if ((op->flags & ~DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM) || op->pad ||
	    op->handle || op->bo_offset || fake_range_bad(op->addr, op->range) ||
	    !mock.vm_fault_mode[fake_vm(vm_id)] ||
	    !fake_mirrored(vm_id, op->addr, op->range))
		return -EINVAL;
	if (!fake_cpu_mapped(op->addr, op->range))
		return -EFAULT;
	return 0;
}

/* Apply a checked OP_PREFETCH. */
static int fake_prefetch(const struct drm_svmgpu_vm_bind_op *op)
{
	static const struct drm_svmgpu_vm_attr vram;
	uint64_t p, end = op->addr + op->range;
	int err;

	mock.prefetches++;
	fake_vram_protect(false);
	if (op->flags & DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM) {
		err = fake_span_clear(FAKE_VRAM_KEY, op->addr, end);
		/* Pages never touched are faulted in. */
		for (p = op->addr; !err && p < end; p += 4096)
			(void)*(volatile const char *)(uintptr_t)p;
	} else {
		err = fake_span_set(FAKE_VRAM_KEY, op->addr, end, &vram);
	}
	fake_vram_protect(true);
	return err;
}

/*
 * A GPU access to [@va, @va + @len) of a mirror of VM @vm_id, as the
 * driver's fault handling sees it: pages that prefer this device move to
 * VRAM, with the rest of their 2 MiB block that has the same attributes,
 * as the driver moves whole ranges. 0, or the error that fails the job.
 */
static int fake_gpu_touch(uint32_t vm_id, uint64_t va, uint64_t len,
			  bool write)
{
	static const struct drm_svmgpu_vm_attr vram;
	uint64_t p, q, start, end;

	if (!fake_migrate_on())
		return 0;
	for (p = va & ~4095ull; p < va + len; p += 4096) {
		const struct fake_span *s = fake_span_find(vm_id, p);

		if (!s)
			continue;
		if (write && (s->attr.flags & DRM_SVMGPU_MADVISE_READONLY))
			return -EFAULT;
		if (s->attr.preferred_loc != DRM_SVMGPU_LOC_DEVICE ||
		    (s->attr.flags & (DRM_SVMGPU_MADVISE_NO_MIGRATE |
				      DRM_SVMGPU_MADVISE_PREFERRED_FD)) ||
		    fake_span_find(FAKE_VRAM_KEY, p))
			continue;
		start = p & ~(FAKE_RANGE_SIZE - 1);
		end = start + FAKE_RANGE_SIZE;
		if (start < s->start)
			start = s->start;
		if (end > s->end)
			end = s->end;
		for (q = start; q < end; q += 4096)
			mock.gpu_migrations += !fake_span_find(FAKE_VRAM_KEY, q);
		if (fake_span_set(FAKE_VRAM_KEY, start, end, &vram))
			return -ENOMEM;
	}
	return 0;
}

/*
 * A CPU access to a page in VRAM moves its span back to system memory;
 * any other SIGSEGV is a real crash: the access faults again, fatally.
 */
static void fake_sigsegv(int sig, siginfo_t *si, void *ctx)
{
	struct fake_span *s = fake_span_find(FAKE_VRAM_KEY,
					     (uintptr_t)si->si_addr);
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	(void)ctx;
	if (!s) {
		sigaction(sig, &dfl, NULL);
		return;
	}
	mprotect((void *)(uintptr_t)s->start, s->end - s->start,
		 PROT_READ | PROT_WRITE);
	s->used = false;
	mock.cpu_migrations++;
}

/*
 * The CPU address of GPU range [@va, @va + @len) of VM @vm_id, or NULL if
 * the MMU refuses it. The range must lie in one mapping. In a mirror, it is
 * @va itself, if the CPU maps it.
 */
static void *fake_gpu_ptr(uint32_t vm_id, uint64_t va, uint64_t len,
			  bool write)
{
	const struct fake_mapping *m;
	int i;

	for (i = 0; i < FAKE_MAX_MAPPINGS; i++) {
		m = &mock.mappings[i];
		if (!m->used || m->vm_id != vm_id || va < m->addr ||
		    va - m->addr > m->range || len > m->range - (va - m->addr))
			continue;
		if (m->mirror)
			return fake_cpu_mapped(va, len) &&
			       !fake_gpu_touch(vm_id, va, len, write) ?
			       (void *)(uintptr_t)va : NULL;
		if ((write && m->readonly) || !fake_bo_live(m->handle))
			return NULL;
		return (char *)mock.bos[m->handle].mem + m->bo_offset +
		       (va - m->addr);
	}
	return NULL;
}

static uint64_t fake_u64(const uint32_t *w)
{
	return w[0] | (uint64_t)w[1] << 32;
}

/*
 * ATOMIC at @w, as the uAPI's "DOC: command stream" says; return 0 or the
 * error that fails the job.
 */
static int fake_atomic(uint32_t vm_id, const uint32_t *w, uint32_t flags)
{
	const uint32_t all = 7 | DRM_SVMGPU_ATOMIC_64 | DRM_SVMGPU_ATOMIC_RETURN;
	uint64_t width = flags & DRM_SVMGPU_ATOMIC_64 ? 8 : 4;
	uint64_t wmask = width == 8 ? ~0ull : 0xffffffffull;
	uint64_t addr = fake_u64(&w[1]), operand = fake_u64(&w[3]) & wmask;
	uint64_t compare = fake_u64(&w[5]) & wmask, result = fake_u64(&w[7]);
	uint64_t old = 0, new;
	void *p, *r = NULL;

	if ((flags & ~all) || (flags & 7) > DRM_SVMGPU_ATOMIC_INC ||
	    addr % width)
		return -EINVAL;
	if (flags & DRM_SVMGPU_ATOMIC_RETURN ? result % width : result != 0)
		return -EINVAL;
	p = fake_gpu_ptr(vm_id, addr, width, true);
	if (flags & DRM_SVMGPU_ATOMIC_RETURN)
		r = fake_gpu_ptr(vm_id, result, width, true);
	if (!p || ((flags & DRM_SVMGPU_ATOMIC_RETURN) && !r))
		return -EFAULT;

	memcpy(&old, p, width);	/* Little-endian host. */
	switch (flags & 7) {
	case DRM_SVMGPU_ATOMIC_ADD:
		new = old + operand;
		break;
	case DRM_SVMGPU_ATOMIC_XCHG:
		new = operand;
		break;
	case DRM_SVMGPU_ATOMIC_CMPXCHG:
		new = old == compare ? operand : old;
		break;
	default:	/* DRM_SVMGPU_ATOMIC_INC */
		new = old + 1;
		break;
	}
	memcpy(p, &new, width);
	if (r)
		memcpy(r, &old, width);
	return 0;
}

/*
 * Run a job as the engine would, from the uAPI's "DOC: command stream";
 * return its fence error. WAIT_MEM and TIMESTAMP are not emulated: they
 * fail the job with -EINVAL.
 */
static int fake_run_job(uint32_t vm_id, uint64_t address, uint32_t length)
{
	const uint32_t *cb = fake_gpu_ptr(vm_id, address, length, false);
	uint32_t i, n = length / 4;

	if (!cb)
		return -EFAULT;
	for (i = 0; i < n; ) {
		const uint32_t *w = &cb[i];
		uint32_t op = w[0] & 0xff, flags = (w[0] >> 8) & 0xff;
		uint32_t len = w[0] >> 16;
		uint64_t dst, src, size, width;
		unsigned char *pd, *ps;
		int err;

		if (!len || len > n - i)
			return -EINVAL;
		switch (op) {
		case DRM_SVMGPU_CMD_NOP:
			if (flags)
				return -EINVAL;
			break;
		case DRM_SVMGPU_CMD_END:
			return flags || len != 1 ? -EINVAL : 0;
		case DRM_SVMGPU_CMD_WRITE_IMM:
			if (len != 5 || (flags & ~DRM_SVMGPU_CMD_WRITE_IMM_64))
				return -EINVAL;
			width = flags ? 8 : 4;
			dst = fake_u64(&w[1]);
			if (dst % width)
				return -EINVAL;
			pd = fake_gpu_ptr(vm_id, dst, width, true);
			if (!pd)
				return -EFAULT;
			memcpy(pd, &w[3], width);	/* Little-endian host. */
			break;
		case DRM_SVMGPU_CMD_COPY:
			if (len != 7 || flags)
				return -EINVAL;
			src = fake_u64(&w[1]);
			dst = fake_u64(&w[3]);
			size = fake_u64(&w[5]);
			ps = fake_gpu_ptr(vm_id, src, size, false);
			pd = fake_gpu_ptr(vm_id, dst, size, true);
			if (!ps || !pd)
				return -EFAULT;
			memmove(pd, ps, size);
			break;
		case DRM_SVMGPU_CMD_FILL:
			if (len != 7 || flags || w[4])
				return -EINVAL;
			dst = fake_u64(&w[1]);
			size = fake_u64(&w[5]);
			if (dst % 4 || size % 4)
				return -EINVAL;
			pd = fake_gpu_ptr(vm_id, dst, size, true);
			if (!pd)
				return -EFAULT;
			for (src = 0; src < size; src += 4)
				memcpy(pd + src, &w[3], 4);
			break;
		case DRM_SVMGPU_CMD_ATOMIC:
			if (len != 9)
				return -EINVAL;
			err = fake_atomic(vm_id, w, flags);
			if (err)
				return err;
			break;
		default:
			return -EINVAL;
		}
		i += len;
	}
	return -EINVAL;	/* No END. */
}

/* Whether any of the @n syncs at user pointer @ptr is to be signalled. */
static bool fake_syncs_signal(uint64_t ptr, uint32_t n)
{
	const struct drm_svmgpu_sync *syncs = (const void *)(uintptr_t)ptr;
	uint32_t i;

	for (i = 0; i < n; i++)
		if (syncs[i].flags & DRM_SVMGPU_SYNC_SIGNAL)
			return true;
	return false;
}

static int fake_exec(struct drm_svmgpu_exec *a)
{
	const uint64_t va_end = 1ull << mock.answer.info.va_bits;
	bool ufence = a->flags & DRM_SVMGPU_EXEC_USER_FENCE;
	uint64_t *fence;
	int i, m, err;

	mock.exec = *a;
	mock.execs++;
	if (a->extensions || (a->flags & ~DRM_SVMGPU_EXEC_USER_FENCE) ||
	    (!ufence && (a->ufence_addr || a->ufence_value)))
		return fake_fail(EINVAL);
	i = fake_queue(a->queue_id);
	if (i < 0)
		return fake_fail(ENOENT);
	if (mock.queues[i].banned)
		return fake_fail(ECANCELED);
	if (a->address % 4 || a->length % 4 || !a->length ||
	    a->length > (1u << 20))
		return fake_fail(EINVAL);
	if (ufence && !(mock.answer.info.features & DRM_SVMGPU_FEATURE_SVM))
		return fake_fail(EOPNOTSUPP);
	if (ufence && (a->ufence_addr % 8 || a->ufence_addr < 0x10000 ||
		       a->ufence_addr > va_end - 8))
		return fake_fail(EINVAL);
	err = fake_check_syncs(a->syncs, a->num_syncs, mock.exec_syncs);
	if (err)
		return fake_fail(-err);
	/* Jobs of a fault-mode VM publish no dma-fence. */
	if (mock.vm_fault_mode[fake_vm(mock.queues[i].vm_id)] &&
	    fake_syncs_signal(a->syncs, a->num_syncs))
		return fake_fail(EINVAL);
	/* The job uses every BO its VM maps. */
	for (m = 0; m < FAKE_MAX_MAPPINGS; m++)
		if (mock.mappings[m].used &&
		    mock.mappings[m].vm_id == mock.queues[i].vm_id &&
		    fake_bo_live(mock.mappings[m].handle))
			fake_touch(mock.mappings[m].handle);
	if (mock.hang)
		return 0;	/* Queued for ever. */

	/*
	 * The job completes at once; a failed one bans its queue. Its user
	 * fence is written last, and only if it succeeded.
	 */
	err = mock.fail_jobs;
	if (mock.run_jobs && !err) {
		mock.jobs++;
		/* The GPU reaches the pages in VRAM; the CPU does not. */
		fake_vram_protect(false);
		err = fake_run_job(mock.queues[i].vm_id, a->address,
				   a->length);
		fake_vram_protect(true);
	}
	if (!err && ufence) {
		fence = fake_gpu_ptr(mock.queues[i].vm_id, a->ufence_addr, 8,
				     true);
		if (fence)
			__atomic_store_n(fence, a->ufence_value,
					 __ATOMIC_RELEASE);
		else
			err = -EFAULT;
	}
	if (mock.run_jobs || err)
		mock.job_error = err;
	if (err)
		mock.queues[i].banned = true;
	fake_signal_syncs(a->syncs, a->num_syncs);
	return 0;
}

/*
 * DRM_IOCTL_SVMGPU_WAIT_USER_FENCE. Jobs complete at once here, so the
 * wait never sleeps: the value holds, the queue is banned, or the deadline
 * would pass.
 */
static int fake_wait_user_fence(struct drm_svmgpu_wait_user_fence *a)
{
	uint64_t v, want = a->value & a->mask;
	int q = -1;
	bool ok;

	mock.ufence_wait = *a;
	mock.ufence_waits++;
	if (!(mock.answer.info.features & DRM_SVMGPU_FEATURE_SVM))
		return fake_fail(EOPNOTSUPP);
	if (a->extensions || a->flags || a->pad || a->addr % 8 ||
	    a->op > DRM_SVMGPU_WAIT_LTE)
		return fake_fail(EINVAL);
	if (a->queue_id) {
		q = fake_queue(a->queue_id);
		if (q < 0)
			return fake_fail(ENOENT);
	}
	if (!fake_cpu_mapped(a->addr, 8))
		return fake_fail(EFAULT);
	if (mock.late_ban) {
		*(volatile uint64_t *)(uintptr_t)a->addr = a->value;
		return fake_fail(ECANCELED);
	}

	v = *(volatile uint64_t *)(uintptr_t)a->addr & a->mask;
	switch (a->op) {
	case DRM_SVMGPU_WAIT_EQ:
		ok = v == want;
		break;
	case DRM_SVMGPU_WAIT_NE:
		ok = v != want;
		break;
	case DRM_SVMGPU_WAIT_GT:
		ok = v > want;
		break;
	case DRM_SVMGPU_WAIT_GTE:
		ok = v >= want;
		break;
	case DRM_SVMGPU_WAIT_LT:
		ok = v < want;
		break;
	default:	/* DRM_SVMGPU_WAIT_LTE */
		ok = v <= want;
		break;
	}
	if (ok)
		return 0;
	if (q >= 0 && mock.queues[q].banned)
		return fake_fail(ECANCELED);
	return fake_fail(ETIME);
}

/* An ioctl on a fake svmgpu node, as the kernel would answer it. */
static int fake_svmgpu_ioctl(int fd, unsigned long request, void *arg)
{
	if (request == DRM_IOCTL_SVMGPU_DEVICE_QUERY)
		return fake_device_query(arg);

	mock.fd = fd;
	mock.ioctls++;
	if (mock.fail_request && request == mock.fail_request)
		return fake_fail(mock.fail_errno);

	switch (request) {
	case DRM_IOCTL_SVMGPU_GEM_CREATE:
		return fake_gem_create(arg);
	case DRM_IOCTL_GEM_CLOSE:
		return fake_gem_close(arg);
	case DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET:
		return fake_gem_mmap_offset(arg);
	case DRM_IOCTL_SVMGPU_GEM_MIGRATE:
		return fake_gem_migrate(arg);
	case DRM_IOCTL_SVMGPU_GEM_INFO:
		return fake_gem_info(arg);
	case DRM_IOCTL_SVMGPU_VM_CREATE:
		return fake_vm_create(arg);
	case DRM_IOCTL_SVMGPU_VM_DESTROY:
		return fake_vm_destroy(arg);
	case DRM_IOCTL_SVMGPU_VM_BIND:
		return fake_vm_bind(arg);
	case DRM_IOCTL_SVMGPU_QUEUE_CREATE:
		return fake_queue_create(arg);
	case DRM_IOCTL_SVMGPU_QUEUE_DESTROY:
		return fake_queue_destroy(arg);
	case DRM_IOCTL_SVMGPU_EXEC:
		return fake_exec(arg);
	case DRM_IOCTL_SVMGPU_WAIT_USER_FENCE:
		return fake_wait_user_fence(arg);
	case DRM_IOCTL_SVMGPU_VM_MADVISE:
		return fake_vm_madvise(fd, arg);
	case DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS:
		return fake_vm_query_attrs(arg);
	default:
		return fake_fail(ENOTTY);
	}
}

/* Whether @fd is a fake svmgpu node. */
static bool fake_svmgpu(int fd)
{
	const struct fake_node *node = fake_node(fd);

	return node && !strcmp(node->driver, "svmgpu");
}

int drmIoctl(int fd, unsigned long request, void *arg)
{
	if (fake_svmgpu(fd))
		return fake_svmgpu_ioctl(fd, request, arg);
	return REAL(drmIoctl)(fd, request, arg);
}

/* libdrm's syncobj helpers return -1 with errno, except the wait. */
int drmSyncobjCreate(int fd, uint32_t flags, uint32_t *handle)
{
	uint32_t i;

	if (!fake_svmgpu(fd))
		return REAL(drmSyncobjCreate)(fd, flags, handle);

	mock.syncobj_creates++;
	mock.create_flags = flags;
	if (mock.syncobj_create_errno)
		return fake_fail(mock.syncobj_create_errno);
	for (i = 1; i < FAKE_MAX_OBJS && mock.syncobjs[i].live; i++)
		;
	if (i == FAKE_MAX_OBJS)
		return fake_fail(ENOMEM);
	mock.syncobjs[i].live = true;
	mock.syncobjs[i].fence = false;
	*handle = FAKE_SYNCOBJ_BASE + i;
	return 0;
}

int drmSyncobjDestroy(int fd, uint32_t handle)
{
	int i;

	if (!fake_svmgpu(fd))
		return REAL(drmSyncobjDestroy)(fd, handle);

	i = fake_syncobj(handle);
	if (i < 0)
		return fake_fail(EINVAL);
	mock.syncobjs[i].live = false;
	fake_event(EV_SYNCOBJ_DESTROY, handle);
	return 0;
}

int drmSyncobjWait(int fd, uint32_t *handles, unsigned int num_handles,
		   int64_t timeout_nsec, unsigned int flags,
		   uint32_t *first_signaled)
{
	int i;

	if (!fake_svmgpu(fd))
		return REAL(drmSyncobjWait)(fd, handles, num_handles,
					    timeout_nsec, flags,
					    first_signaled);

	mock.syncobj_waits++;
	mock.last_wait.count = num_handles;
	mock.last_wait.handle = num_handles ? handles[0] : 0;
	mock.last_wait.flags = flags;
	mock.last_wait.timeout = timeout_nsec;
	if (num_handles != 1)
		return -EINVAL;
	i = fake_syncobj(handles[0]);
	if (i < 0)
		return -ENOENT;
	/* Without WAIT_FOR_SUBMIT, no fence is -EINVAL. */
	if (!mock.syncobjs[i].fence)
		return -EINVAL;
	return mock.wait_ret;
}

/* mmap() of @fd, a fake svmgpu node: a BO's fake offset gives memory. */
static void *fake_mmap(void *addr, size_t len, int prot, int flags, int fd,
		       uint64_t offset)
{
	uint32_t h;
	void *p;
	int i;

	if (mock.mmap_delay_us)
		usleep(mock.mmap_delay_us);
	mock.mmaps++;
	mock.last_mmap.addr = addr;
	mock.last_mmap.len = len;
	mock.last_mmap.prot = prot;
	mock.last_mmap.flags = flags;
	mock.last_mmap.fd = fd;
	mock.last_mmap.offset = offset;
	if (mock.mmap_errno) {
		errno = mock.mmap_errno;
		return MAP_FAILED;
	}
	for (h = 1; h < FAKE_MAX_OBJS; h++)
		if (mock.bos[h].live && mock.bos[h].offset_given &&
		    FAKE_MMAP_OFFSET(h) == offset)
			break;
	/* drm_gem_mmap(): an unknown offset or a too long map is -EINVAL. */
	if (h == FAKE_MAX_OBJS || len > mock.bos[h].size) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	for (i = 0; i < FAKE_MAX_OBJS && mock.maps[i].addr; i++)
		;
	if (i == FAKE_MAX_OBJS) {
		errno = ENOMEM;
		return MAP_FAILED;
	}

	p = REAL(mmap)(addr, len, prot, MAP_SHARED, mock.bos[h].memfd, 0);
	if (p != MAP_FAILED) {
		mock.maps[i].addr = p;
		mock.maps[i].len = len;
	}
	return p;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	if (fake_svmgpu(fd))
		return fake_mmap(addr, len, prot, flags, fd, offset);
	return REAL(mmap)(addr, len, prot, flags, fd, offset);
}

/* What libsvmgpu, built with _FILE_OFFSET_BITS=64, calls on 32-bit. */
void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
	     off64_t offset)
{
	if (fake_svmgpu(fd))
		return fake_mmap(addr, len, prot, flags, fd, offset);
	return REAL(mmap64)(addr, len, prot, flags, fd, offset);
}

int munmap(void *addr, size_t len)
{
	int i;

	for (i = 0; mock.on && i < FAKE_MAX_OBJS; i++) {
		if (mock.maps[i].addr && mock.maps[i].addr == addr) {
			/* A BO mapping goes away whole. */
			if (len != mock.maps[i].len) {
				diag("%zu bytes unmapped of a %zu-byte BO map",
				     len, mock.maps[i].len);
				t_failed = true;
			}
			mock.maps[i].addr = NULL;
			fake_event(EV_MUNMAP, (uintptr_t)addr);
			break;
		}
	}
	return REAL(munmap)(addr, len);
}

static drmDevice fake_devices[NUM_FAKE_NODES];
static char *fake_device_nodes[NUM_FAKE_NODES][DRM_NODE_MAX];

int drmGetDevices2(uint32_t flags, drmDevicePtr devices[], int max_devices)
{
	int i, n = NUM_FAKE_NODES;

	if (!mock.enumerate)
		return REAL(drmGetDevices2)(flags, devices, max_devices);
	if (!devices)
		return n;
	for (i = 0; i < n && i < max_devices; i++) {
		int type = fake_nodes[i].render ? DRM_NODE_RENDER :
						  DRM_NODE_PRIMARY;

		fake_device_nodes[i][type] = (char *)fake_nodes[i].path;
		fake_devices[i] = (drmDevice) {
			.nodes = fake_device_nodes[i],
			.available_nodes = 1 << type,
			.bustype = DRM_BUS_PLATFORM,
		};
		devices[i] = &fake_devices[i];
	}
	return i;
}

void drmFreeDevices(drmDevicePtr devices[], int count)
{
	int i;

	if (!mock.enumerate) {
		REAL(drmFreeDevices)(devices, count);
		return;
	}
	for (i = 0; i < count; i++)
		mock.freed += !!devices[i];
}

/* ---- Tests against the real system -------------------------------------- */

static void test_null_arguments(void)
{
	struct svmgpu_device_info info;
	uint32_t size = 0;

	EXPECT_EQ(svmgpu_device_new(0, NULL), -EINVAL);
	EXPECT_EQ(svmgpu_device_open(0, NULL), -EINVAL);
	EXPECT(!svmgpu_device_ref(NULL));
	svmgpu_device_del(NULL);	/* A no-op; must not crash. */
	EXPECT_EQ(svmgpu_device_fd(NULL), -EINVAL);
	EXPECT_EQ(svmgpu_device_query(NULL, 0, NULL, &size), -EINVAL);
	EXPECT_EQ(svmgpu_device_get_info(NULL, &info), -EINVAL);
	EXPECT(!svmgpu_device_has_system_svm(NULL));
	EXPECT(!svmgpu_device_has_svm_migrate(NULL));
	EXPECT_EQ(svmgpu_device_vram_bo_size(NULL), 0);
}

/* The object functions with NULL objects, which need no device. */
static void test_null_objects(void)
{
	struct drm_svmgpu_vm_bind_op op = { 0 };
	struct drm_svmgpu_sync sync = { 0 };
	struct svmgpu_queue *q = (void *)1;
	struct svmgpu_bo *bo = (void *)1;
	struct svmgpu_vm *vm = (void *)1;
	struct svmgpu_svm_attrs attrs = { 0 };
	struct drm_svmgpu_vm_attr attr;
	struct svmgpu_bo_info info;
	void *ptr = (void *)1;
	uint64_t fence = 0;
	uint32_t n = 1;

	EXPECT_EQ(svmgpu_bo_new(NULL, 4096, DRM_SVMGPU_GEM_PLACEMENT_VRAM, 0,
				&bo), -EINVAL);
	EXPECT(!bo);
	EXPECT_EQ(svmgpu_bo_new(NULL, 4096, DRM_SVMGPU_GEM_PLACEMENT_VRAM, 0,
				NULL), -EINVAL);
	EXPECT(!svmgpu_bo_ref(NULL));
	svmgpu_bo_del(NULL);	/* No-ops; must not crash. */
	EXPECT_EQ(svmgpu_bo_handle(NULL), 0);
	EXPECT_EQ(svmgpu_bo_size(NULL), 0);
	EXPECT(!svmgpu_bo_device(NULL));
	EXPECT_EQ(svmgpu_bo_map(NULL, &ptr), -EINVAL);
	EXPECT(!ptr);
	EXPECT_EQ(svmgpu_bo_map(NULL, NULL), -EINVAL);
	EXPECT_EQ(svmgpu_bo_migrate(NULL, DRM_SVMGPU_GEM_PLACEMENT_SYSTEM),
		  -EINVAL);
	EXPECT_EQ(svmgpu_bo_query(NULL, &info), -EINVAL);
	EXPECT_EQ(svmgpu_bo_query(NULL, NULL), -EINVAL);

	EXPECT_EQ(svmgpu_vm_new(NULL, &vm), -EINVAL);
	EXPECT(!vm);
	EXPECT_EQ(svmgpu_vm_new(NULL, NULL), -EINVAL);
	EXPECT(!svmgpu_vm_ref(NULL));
	svmgpu_vm_del(NULL);
	EXPECT_EQ(svmgpu_vm_id(NULL), 0);
	EXPECT_EQ(svmgpu_vm_bind(NULL, &op, 1, &sync, 1), -EINVAL);
	EXPECT_EQ(svmgpu_vm_map(NULL, NULL, 0, 0x10000, 4096, 0), -EINVAL);
	EXPECT_EQ(svmgpu_vm_unmap(NULL, 0x10000, 4096), -EINVAL);
	vm = (void *)1;
	EXPECT_EQ(svmgpu_vm_new_flags(NULL, 0, &vm), -EINVAL);
	EXPECT(!vm);
	EXPECT_EQ(svmgpu_vm_new_flags(NULL, 0, NULL), -EINVAL);
	vm = (void *)1;
	EXPECT_EQ(svmgpu_vm_new_svm(NULL, &vm), -EINVAL);
	EXPECT(!vm);
	EXPECT_EQ(svmgpu_vm_new_svm(NULL, NULL), -EINVAL);
	EXPECT_EQ(svmgpu_vm_mirror(NULL, 0x10000, 4096), -EINVAL);
	EXPECT_EQ(svmgpu_vm_madvise(NULL, 0x10000, 4096, &attrs), -EINVAL);
	EXPECT_EQ(svmgpu_vm_prefetch(NULL, 0x10000, 4096, 0), -EINVAL);
	EXPECT_EQ(svmgpu_vm_query_attrs(NULL, 0x10000, 4096, 0, &attr, &n),
		  -EINVAL);
	EXPECT_EQ(n, 1);

	EXPECT_EQ(svmgpu_queue_new(NULL, 0, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
				   &q), -EINVAL);
	EXPECT(!q);
	EXPECT_EQ(svmgpu_queue_new(NULL, 0, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
				   NULL), -EINVAL);
	EXPECT(!svmgpu_queue_ref(NULL));
	svmgpu_queue_del(NULL);
	EXPECT_EQ(svmgpu_queue_id(NULL), 0);
	EXPECT_EQ(svmgpu_queue_exec(NULL, 0x10000, 4, &sync, 1), -EINVAL);
	EXPECT_EQ(svmgpu_queue_exec(NULL, 0x10000, 4, NULL, 0), -EINVAL);
	EXPECT_EQ(svmgpu_queue_exec_wait(NULL, 0x10000, 4, 0), -EINVAL);
	EXPECT_EQ(svmgpu_queue_exec_svm(NULL, &sync, 8, &fence, 1), -EINVAL);
	EXPECT_EQ(svmgpu_user_fence_wait(NULL, &fence, 1, 0, 0), -EINVAL);
}

static void test_location_name(void)
{
	EXPECT(!strcmp(svmgpu_svm_location_name(DRM_SVMGPU_LOC_NONE), "none"));
	EXPECT(!strcmp(svmgpu_svm_location_name(DRM_SVMGPU_LOC_SYSTEM),
		       "system"));
	EXPECT(!strcmp(svmgpu_svm_location_name(DRM_SVMGPU_LOC_DEVICE),
		       "vram"));
	EXPECT(!strcmp(svmgpu_svm_location_name(DRM_SVMGPU_LOC_MIXED),
		       "mixed"));
	EXPECT(!strcmp(svmgpu_svm_location_name(4), "unknown"));
	EXPECT(!strcmp(svmgpu_svm_location_name(~0u), "unknown"));
}

static void test_placement_name(void)
{
	EXPECT(!strcmp(svmgpu_bo_placement_name(DRM_SVMGPU_GEM_PLACEMENT_VRAM),
		       "vram"));
	EXPECT(!strcmp(svmgpu_bo_placement_name(
			DRM_SVMGPU_GEM_PLACEMENT_SYSTEM), "system"));
	EXPECT(!strcmp(svmgpu_bo_placement_name(
			DRM_SVMGPU_GEM_PLACEMENT_VRAM |
			DRM_SVMGPU_GEM_PLACEMENT_SYSTEM), "vram|system"));
	/* Never NULL, so that printf("%s") is always safe. */
	EXPECT(!strcmp(svmgpu_bo_placement_name(0), "unknown"));
	EXPECT(!strcmp(svmgpu_bo_placement_name(1u << 2), "unknown"));
	EXPECT(!strcmp(svmgpu_bo_placement_name(
			DRM_SVMGPU_GEM_PLACEMENT_VRAM | (1u << 31)),
		       "unknown"));
	EXPECT(!strcmp(svmgpu_bo_placement_name(~0u), "unknown"));
}

static void test_new_bad_fd(void)
{
	struct svmgpu_device *dev = (void *)1;
	int fd;

	EXPECT_EQ(svmgpu_device_new(-1, &dev), -EINVAL);
	EXPECT(!dev);

	/* A closed fd: */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	REQUIRE(fd >= 0);
	close(fd);
	dev = (void *)1;
	EXPECT_EQ(svmgpu_device_new(fd, &dev), -EBADF);
	EXPECT(!dev);
}

/* svmgpu_device_new() on @fd gives -ENODEV, leaks nothing, keeps @fd. */
static void expect_not_svmgpu(int fd)
{
	struct svmgpu_device *dev = (void *)1;
	int before = count_fds();

	EXPECT_EQ(svmgpu_device_new(fd, &dev), -ENODEV);
	EXPECT(!dev);
	EXPECT_EQ(count_fds(), before);
	EXPECT(fd_is_open(fd));
}

static void test_new_dev_null(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	REQUIRE(fd >= 0);
	expect_not_svmgpu(fd);
	close(fd);
}

static void test_new_pipe(void)
{
	int p[2];

	REQUIRE(!pipe2(p, O_CLOEXEC));
	expect_not_svmgpu(p[0]);
	expect_not_svmgpu(p[1]);
	close(p[0]);
	close(p[1]);
}

static void test_new_regular_file(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	REQUIRE(fd >= 0);
	expect_not_svmgpu(fd);
	close(fd);
}

/* Whether this machine has an svmgpu render node. */
static bool have_svmgpu(void)
{
	char path[64];
	int m, fd;
	bool found = false;

	for (m = 128; m <= 191 && !found; m++) {
		drmVersionPtr v;

		snprintf(path, sizeof(path), "/dev/dri/renderD%d", m);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		found = v && v->name && !strcmp(v->name, "svmgpu");
		drmFreeVersion(v);
		close(fd);
	}
	return found;
}

static void test_open_no_device(void)
{
	struct svmgpu_device *dev = (void *)1;
	int before = count_fds();

	if (have_svmgpu())
		SKIP("this machine has an svmgpu device");
	EXPECT_EQ(svmgpu_device_open(0, &dev), -ENODEV);
	EXPECT(!dev);
	EXPECT_EQ(count_fds(), before);
}

static void test_open_index_out_of_range(void)
{
	struct svmgpu_device *dev = (void *)1;
	int before = count_fds();

	EXPECT_EQ(svmgpu_device_open(UINT_MAX, &dev), -ENODEV);
	EXPECT(!dev);
	EXPECT_EQ(count_fds(), before);
}

/*
 * On svmgpu device 0, if it has system SVM: a job of malloc'd commands
 * fills malloc'd memory, counts with atomics and writes the stack, and its
 * user fence says when it is done. Skipped without a device or without
 * SVM, as on kernels before uAPI 1.3. test_svm_device() runs it on this
 * machine, test_mock_svm_device() on the stand-in kernel.
 */
static void svm_device_check(void)
{
	const size_t size = 2u << 20;	/* A 2 MiB page, maybe. */
	uint64_t fence = 0, word = 0;
	struct svmgpu_device *dev;
	struct svmgpu_queue *q = NULL;
	struct svmgpu_vm *vm = NULL;
	struct svmgpu_cs *cs = NULL;
	uint32_t *buf, i;
	int ret;

	ret = svmgpu_device_open(0, &dev);
	if (ret == -ENODEV)
		SKIP("no svmgpu device");
	REQUIRE(!ret);
	if (!svmgpu_device_has_system_svm(dev)) {
		svmgpu_device_del(dev);
		SKIP("the svmgpu driver does not implement SVM");
	}

	buf = malloc(size + 8);
	EXPECT_EQ(svmgpu_vm_new_svm(dev, &vm), 0);
	if (vm)
		EXPECT_EQ(svmgpu_queue_new(vm, 0,
					   DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
					   &q), 0);
	EXPECT_EQ(svmgpu_cs_new(&cs), 0);
	if (!buf || !q || !cs)
		goto out;

	memset(buf, 0xee, size + 8);
	svmgpu_cs_fill(cs, svmgpu_ptr(buf), 0x5ca1ab1e, size);
	for (i = 0; i < 3; i++)
		svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC, 0,
				 svmgpu_ptr(&buf[size / 4]), 0, 0, 0);
	svmgpu_cs_write_imm64(cs, svmgpu_ptr(&word), 0x0123456789abcdefull);
	svmgpu_cs_end(cs);
	EXPECT_EQ(svmgpu_cs_error(cs), 0);

	EXPECT_EQ(svmgpu_queue_exec_svm(q, svmgpu_cs_words(cs),
					svmgpu_cs_size(cs), &fence, 1), 0);
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 1, 10000000000ll, 0), 0);
	EXPECT_EQ(fence, 1);
	for (i = 0; i < size / 4; i++)
		if (buf[i] != 0x5ca1ab1e)
			break;
	EXPECT_EQ(i, size / 4);
	EXPECT_EQ_HEX(buf[size / 4], 0xeeeeeef1);
	EXPECT_EQ_HEX(buf[size / 4 + 1], 0xeeeeeeee);
	EXPECT_EQ_HEX(word, 0x0123456789abcdefull);

	/* Nothing will write 2: a poll says so at once. */
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 2, 0, 0), -ETIME);

out:
	svmgpu_cs_del(cs);
	svmgpu_queue_del(q);
	svmgpu_vm_del(vm);
	svmgpu_device_del(dev);
	free(buf);
}

static void test_svm_device(void)
{
	svm_device_check();
}

/* ---- Tests against the stand-in kernel ---------------------------------- */

/* Create a device on the fake svmgpu node /dev/null. */
static struct svmgpu_device *fake_device_new(void)
{
	struct svmgpu_device *dev = NULL;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return NULL;
	ret = svmgpu_device_new(fd, &dev);
	if (ret)
		diag("svmgpu_device_new: %s", strerror(-ret));
	close(fd);
	return dev;
}

static void test_mock_new_dups_fd(void)
{
	struct svmgpu_device *dev = NULL;
	int before = count_fds();
	int fd, dev_fd;

	mock_reset(true);
	fd = open("/dev/null", O_RDWR);	/* Without O_CLOEXEC on purpose. */
	REQUIRE(fd >= 0);
	EXPECT_EQ(svmgpu_device_new(fd, &dev), 0);
	REQUIRE(dev);

	dev_fd = svmgpu_device_fd(dev);
	EXPECT(dev_fd >= 3 && dev_fd != fd);
	EXPECT(same_file(fd, dev_fd));
	EXPECT(fcntl(dev_fd, F_GETFD) & FD_CLOEXEC);

	/* The caller's fd is the caller's: closing it leaves dev working. */
	close(fd);
	EXPECT(fd_is_open(dev_fd));
	EXPECT(svmgpu_device_has_system_svm(dev) == false);

	svmgpu_device_del(dev);
	EXPECT(!fd_is_open(dev_fd));
	EXPECT_EQ(count_fds(), before);
}

static void test_mock_new_wrong_driver(void)
{
	int fd;

	mock_reset(true);
	fd = open("/dev/zero", O_RDWR | O_CLOEXEC);	/* Poses as vgem. */
	REQUIRE(fd >= 0);
	expect_not_svmgpu(fd);
	EXPECT_EQ(mock.queries, 0);
	close(fd);
}

static void test_mock_get_info(void)
{
	struct svmgpu_device_info info;
	struct svmgpu_device *dev;
	unsigned int queries;

	mock_reset(true);
	mock.answer.info.features = 0x5;
	dev = fake_device_new();
	REQUIRE(dev);
	/* Size probe, then fetch. */
	EXPECT_EQ(mock.queries, 2);

	queries = mock.queries;
	memset(&info, 0xa5, sizeof(info));
	EXPECT_EQ(svmgpu_device_get_info(dev, &info), 0);
	EXPECT_EQ(info.uapi_major, DRM_SVMGPU_UAPI_MAJOR);
	EXPECT_EQ(info.uapi_minor, DRM_SVMGPU_UAPI_MINOR);
	EXPECT_EQ(info.num_engines, 3);
	EXPECT_EQ(info.vram_size, 256ull << 20);
	EXPECT_EQ(info.page_sizes, (1 << 12) | (1 << 16) | (1 << 21));
	EXPECT_EQ(info.features, 0x5);
	EXPECT_EQ(info.va_bits, 48);
	/* Cached: no ioctl. */
	EXPECT_EQ(mock.queries, queries);
	EXPECT_EQ(svmgpu_device_get_info(dev, NULL), -EINVAL);

	svmgpu_device_del(dev);
}

static void test_mock_query(void)
{
	struct drm_svmgpu_query_device_info info;
	struct svmgpu_device *dev;
	uint32_t size;
	unsigned int queries;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);

	size = 0;
	EXPECT_EQ(svmgpu_device_query(dev, DRM_SVMGPU_QUERY_DEVICE_INFO,
				      NULL, &size), 0);
	EXPECT_EQ(size, sizeof(info));

	memset(&info, 0, sizeof(info));
	EXPECT_EQ(svmgpu_device_query(dev, DRM_SVMGPU_QUERY_DEVICE_INFO,
				      &info, &size), 0);
	EXPECT_EQ(size, sizeof(info));
	EXPECT_EQ(info.vram_size, default_info.vram_size);

	/* Kernel errors come back as negative errno, *size untouched. */
	size = 8;
	EXPECT_EQ(svmgpu_device_query(dev, DRM_SVMGPU_QUERY_DEVICE_INFO,
				      &info, &size), -EINVAL);
	EXPECT_EQ(size, 8);
	size = 0;
	EXPECT_EQ(svmgpu_device_query(dev, 0x1234, NULL, &size), -EINVAL);
	mock.query_errno = EFAULT;
	EXPECT_EQ(svmgpu_device_query(dev, DRM_SVMGPU_QUERY_DEVICE_INFO,
				      NULL, &size), -EFAULT);
	mock.query_errno = 0;

	/* Argument checks happen before the ioctl. */
	queries = mock.queries;
	size = sizeof(info);
	EXPECT_EQ(svmgpu_device_query(dev, DRM_SVMGPU_QUERY_DEVICE_INFO,
				      NULL, &size), -EINVAL);
	EXPECT_EQ(svmgpu_device_query(dev, DRM_SVMGPU_QUERY_DEVICE_INFO,
				      &info, NULL), -EINVAL);
	EXPECT_EQ(mock.queries, queries);

	svmgpu_device_del(dev);
}

static void test_mock_refcount(void)
{
	struct svmgpu_device *dev;
	int before = count_fds();
	int dev_fd;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	dev_fd = svmgpu_device_fd(dev);

	EXPECT(svmgpu_device_ref(dev) == dev);
	EXPECT(svmgpu_device_ref(dev) == dev);
	svmgpu_device_del(dev);
	svmgpu_device_del(dev);
	/* One reference left: still open and usable. */
	EXPECT(fd_is_open(dev_fd));
	EXPECT_EQ(svmgpu_device_fd(dev), dev_fd);
	svmgpu_device_del(dev);
	EXPECT(!fd_is_open(dev_fd));
	EXPECT_EQ(count_fds(), before);
}

#define REF_THREADS 4
#define REF_LOOPS 100000

static void *ref_del_loop(void *arg)
{
	int i;

	for (i = 0; i < REF_LOOPS; i++)
		svmgpu_device_del(svmgpu_device_ref(arg));
	svmgpu_device_del(arg);	/* The reference the thread was given. */
	return NULL;
}

static void test_mock_refcount_threads(void)
{
	pthread_t threads[REF_THREADS];
	struct svmgpu_device *dev;
	int before = count_fds();
	int i, n = 0, dev_fd;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	dev_fd = svmgpu_device_fd(dev);

	for (i = 0; i < REF_THREADS; i++)
		n += !pthread_create(&threads[i], NULL, ref_del_loop,
				     svmgpu_device_ref(dev));
	EXPECT_EQ(n, REF_THREADS);
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	for (; i < REF_THREADS; i++)
		svmgpu_device_del(dev);	/* References of failed creates. */

	EXPECT(fd_is_open(dev_fd));
	svmgpu_device_del(dev);
	EXPECT(!fd_is_open(dev_fd));
	EXPECT_EQ(count_fds(), before);
}

/* svmgpu_device_new() on the fake svmgpu node fails with @err, no leak. */
static void expect_new_fails(int err)
{
	struct svmgpu_device *dev = (void *)1;
	int before = count_fds();
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	REQUIRE(fd >= 0);
	EXPECT_EQ(svmgpu_device_new(fd, &dev), err);
	EXPECT(!dev);
	close(fd);
	EXPECT_EQ(count_fds(), before);
}

static void test_mock_newer_kernel(void)
{
	struct svmgpu_device_info info;
	struct svmgpu_device *dev;

	/* A later minor with a longer answer is fine. */
	mock_reset(true);
	mock.answer.info.uapi_minor = DRM_SVMGPU_UAPI_MINOR + 1;
	mock.info_size = sizeof(mock.answer.info) + 64;
	memset(mock.answer.bytes + sizeof(mock.answer.info), 0xff, 64);
	dev = fake_device_new();
	REQUIRE(dev);
	EXPECT_EQ(svmgpu_device_get_info(dev, &info), 0);
	EXPECT_EQ(info.uapi_minor, DRM_SVMGPU_UAPI_MINOR + 1);
	EXPECT_EQ(info.va_bits, 48);
	svmgpu_device_del(dev);
}

static void test_mock_vram_bo_size(void)
{
	struct svmgpu_device *dev;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	EXPECT_EQ_HEX(svmgpu_device_vram_bo_size(dev), 240ull << 20);
	svmgpu_device_del(dev);

	/* A uAPI 1.1 kernel wrote zero there: it was reserved. */
	mock_reset(true);
	mock.answer.info.uapi_minor = 1;
	mock.answer.info.vram_bo_size = 0;
	dev = fake_device_new();
	REQUIRE(dev);
	EXPECT_EQ(svmgpu_device_vram_bo_size(dev), 0);
	svmgpu_device_del(dev);

	/* An answer that stops before the field: not read from the rest. */
	mock_reset(true);
	mock.info_size = offsetof(struct drm_svmgpu_query_device_info,
				  vram_bo_size);
	dev = fake_device_new();
	REQUIRE(dev);
	EXPECT_EQ(svmgpu_device_vram_bo_size(dev), 0);
	svmgpu_device_del(dev);
}

static void test_mock_bad_kernel(void)
{
	/* Another major is another ABI. */
	mock_reset(true);
	mock.answer.info.uapi_major = DRM_SVMGPU_UAPI_MAJOR + 1;
	expect_new_fails(-ENOTSUP);

	/* An answer too short to hold the fields we read. */
	mock_reset(true);
	mock.info_size = 16;
	expect_new_fails(-EPROTO);

	/* The query ioctl itself fails. */
	mock_reset(true);
	mock.query_errno = ENOTTY;
	expect_new_fails(-ENOTTY);
}

static void test_mock_system_svm(void)
{
	static const uint64_t masks[] = {
		~0ull, DRM_SVMGPU_FEATURE_SVM,
		DRM_SVMGPU_FEATURE_SVM | DRM_SVMGPU_FEATURE_EXEC | (1ull << 63),
	};
	struct svmgpu_device *dev;
	size_t i;

	/* Only DRM_SVMGPU_FEATURE_SVM counts, whatever else is set. */
	for (i = 0; i < ARRAY_SIZE(masks); i++) {
		mock_reset(true);
		mock.answer.info.features = masks[i];
		dev = fake_device_new();
		REQUIRE(dev);
		EXPECT(svmgpu_device_has_system_svm(dev));
		svmgpu_device_del(dev);

		mock_reset(true);
		mock.answer.info.features = masks[i] & ~DRM_SVMGPU_FEATURE_SVM;
		dev = fake_device_new();
		REQUIRE(dev);
		EXPECT(!svmgpu_device_has_system_svm(dev));
		svmgpu_device_del(dev);
	}
}

/* svmgpu_device_open(@index) opens the fake node at @path. */
static void expect_open(unsigned int index, const char *path)
{
	struct svmgpu_device *dev = NULL;
	int fd;

	EXPECT_EQ(svmgpu_device_open(index, &dev), 0);
	if (!dev)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		struct stat a, b;

		EXPECT(!fstat(fd, &a) && !fstat(svmgpu_device_fd(dev), &b) &&
		       a.st_rdev == b.st_rdev);
		close(fd);
	}
	EXPECT(fcntl(svmgpu_device_fd(dev), F_GETFD) & FD_CLOEXEC);
	svmgpu_device_del(dev);
}

static void test_mock_open_order(void)
{
	struct svmgpu_device *dev = (void *)1;
	int before = count_fds();

	mock_reset(true);
	mock.enumerate = true;
	/*
	 * svmgpu render nodes are /dev/full (minor 7) and /dev/null (minor 3),
	 * listed in that order; /dev/random is svmgpu without a render node,
	 * the others are other drivers.
	 */
	expect_open(0, "/dev/null");
	expect_open(1, "/dev/full");
	EXPECT_EQ(svmgpu_device_open(2, &dev), -ENODEV);
	EXPECT(!dev);
	EXPECT_EQ(mock.freed, 3 * NUM_FAKE_NODES);
	EXPECT_EQ(count_fds(), before);
}

static void test_mock_open_fallback(void)
{
	struct fake_node saved[NUM_FAKE_NODES];
	struct svmgpu_device *dev = (void *)1;
	int before = count_fds();
	size_t i;

	if (have_svmgpu())
		SKIP("this machine has an svmgpu device");
	/*
	 * drmGetDevices2() lists no svmgpu device, so the library scans
	 * /dev/dri/renderD128..191 itself, which on this machine hold none.
	 */
	mock_reset(true);
	mock.enumerate = true;
	memcpy(saved, fake_nodes, sizeof(saved));
	for (i = 0; i < NUM_FAKE_NODES; i++)
		fake_nodes[i].driver = "vgem";
	EXPECT_EQ(svmgpu_device_open(0, &dev), -ENODEV);
	EXPECT(!dev);
	EXPECT_EQ(count_fds(), before);
	memcpy(fake_nodes, saved, sizeof(saved));
}

/* ---- Buffer objects, VMs and queues against the stand-in kernel -------- */

#define SZ_4K	0x1000ull
#define SZ_64K	0x10000ull
#define SZ_2M	0x200000ull

/* The @i-th thing the fake kernel destroyed is @type of @arg. */
#define EXPECT_EVENT(i, t, a) do {					\
	EXPECT((i) < mock.num_events);					\
	if ((i) < mock.num_events) {					\
		EXPECT_EQ(mock.events[i].type, (t));			\
		EXPECT_EQ_HEX(mock.events[i].arg, (a));			\
	}								\
} while (0)

static struct svmgpu_bo *fake_bo_new(struct svmgpu_device *dev, uint64_t size)
{
	struct svmgpu_bo *bo = NULL;

	EXPECT_EQ(svmgpu_bo_new(dev, size, DRM_SVMGPU_GEM_PLACEMENT_VRAM, 0,
				&bo), 0);
	return bo;
}

static struct svmgpu_vm *fake_vm_new(struct svmgpu_device *dev)
{
	struct svmgpu_vm *vm = NULL;

	EXPECT_EQ(svmgpu_vm_new(dev, &vm), 0);
	return vm;
}

static struct svmgpu_queue *fake_queue_new(struct svmgpu_vm *vm)
{
	struct svmgpu_queue *q = NULL;

	EXPECT_EQ(svmgpu_queue_new(vm, 0, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
				   &q), 0);
	return q;
}

static int64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void test_mock_bo_new(void)
{
	const uint32_t both = DRM_SVMGPU_GEM_PLACEMENT_VRAM |
			      DRM_SVMGPU_GEM_PLACEMENT_SYSTEM;
	struct svmgpu_device *dev;
	struct svmgpu_bo *bo = NULL;
	int before = count_fds();
	int dev_fd;
	uint32_t handle;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	dev_fd = svmgpu_device_fd(dev);

	EXPECT_EQ(svmgpu_bo_new(dev, 16 * SZ_64K, both,
				DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM, &bo), 0);
	REQUIRE(bo);
	/* What the kernel was asked, MBZ fields included. */
	EXPECT_EQ(mock.fd, dev_fd);
	EXPECT_EQ(mock.gem_create.extensions, 0);
	EXPECT_EQ_HEX(mock.gem_create.size, 16 * SZ_64K);
	EXPECT_EQ(mock.gem_create.placements, both);
	EXPECT_EQ(mock.gem_create.flags, DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM);
	EXPECT_EQ(mock.gem_create.pad, 0);

	handle = svmgpu_bo_handle(bo);
	EXPECT(handle && fake_bo_live(handle));
	EXPECT_EQ_HEX(svmgpu_bo_size(bo), 16 * SZ_64K);
	EXPECT(svmgpu_bo_device(bo) == dev);

	/* The BO holds the device: the fd stays open without ours. */
	svmgpu_device_del(dev);
	EXPECT(fd_is_open(dev_fd));
	EXPECT_EQ(mock.num_events, 0);

	/* The last reference closes the handle, then the device. */
	svmgpu_bo_del(bo);
	EXPECT_EQ(mock.num_events, 1);
	EXPECT_EVENT(0, EV_GEM_CLOSE, handle);
	EXPECT_EQ(mock.gem_close.pad, 0);
	EXPECT(!fake_bo_live(handle));
	EXPECT(!fd_is_open(dev_fd));
	EXPECT_EQ(count_fds(), before);
}

/* svmgpu_bo_new() fails with @err, leaving *out NULL and nothing behind. */
static void expect_bo_new_fails(struct svmgpu_device *dev, uint64_t size,
				uint32_t placements, uint32_t flags, int err)
{
	struct svmgpu_bo *bo = (void *)1;

	EXPECT_EQ(svmgpu_bo_new(dev, size, placements, flags, &bo), err);
	EXPECT(!bo);
}

static void test_mock_bo_new_errors(void)
{
	const uint32_t vram = DRM_SVMGPU_GEM_PLACEMENT_VRAM;
	struct svmgpu_device *dev;
	int before = count_fds();
	int dev_fd;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	dev_fd = svmgpu_device_fd(dev);

	/* The kernel checks the arguments; its errors come back. */
	expect_bo_new_fails(dev, 0, vram, 0, -EINVAL);
	expect_bo_new_fails(dev, 4095, vram, 0, -EINVAL);
	expect_bo_new_fails(dev, SZ_4K, 0, 0, -EINVAL);
	expect_bo_new_fails(dev, SZ_4K, 1u << 7, 0, -EINVAL);
	expect_bo_new_fails(dev, SZ_4K, vram, 1u << 9, -EINVAL);
	expect_bo_new_fails(dev, SZ_4K, vram,
			    DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM, -EINVAL);
	expect_bo_new_fails(dev, 2 * default_info.vram_size, vram, 0, -E2BIG);
	mock.fail_request = DRM_IOCTL_SVMGPU_GEM_CREATE;
	mock.fail_errno = EOPNOTSUPP;
	expect_bo_new_fails(dev, SZ_4K, vram, 0, -EOPNOTSUPP);
	mock.fail_request = 0;

	/* No handle to close, and no device reference left behind. */
	EXPECT_EQ(mock.num_events, 0);
	svmgpu_device_del(dev);
	EXPECT(!fd_is_open(dev_fd));
	EXPECT_EQ(count_fds(), before);
}

static void test_mock_bo_refcount(void)
{
	struct svmgpu_device *dev;
	struct svmgpu_bo *bo;
	uint32_t handle;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	bo = fake_bo_new(dev, SZ_4K);
	REQUIRE(bo);
	handle = svmgpu_bo_handle(bo);

	EXPECT(svmgpu_bo_ref(bo) == bo);
	EXPECT(svmgpu_bo_ref(bo) == bo);
	svmgpu_bo_del(bo);
	svmgpu_bo_del(bo);
	EXPECT_EQ(mock.num_events, 0);
	EXPECT(fake_bo_live(handle));
	EXPECT_EQ(svmgpu_bo_handle(bo), handle);
	svmgpu_bo_del(bo);
	EXPECT_EQ(mock.num_events, 1);
	EXPECT_EVENT(0, EV_GEM_CLOSE, handle);
	svmgpu_device_del(dev);
}

static void test_mock_bo_map(void)
{
	struct svmgpu_device *dev;
	struct svmgpu_bo *bo, *other;
	void *ptr = NULL, *again = NULL;
	uint32_t handle;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	bo = fake_bo_new(dev, 3 * SZ_4K);
	other = fake_bo_new(dev, SZ_4K);
	REQUIRE(bo && other);
	handle = svmgpu_bo_handle(bo);

	EXPECT_EQ(svmgpu_bo_map(bo, &ptr), 0);
	REQUIRE(ptr);
	/* MMAP_OFFSET, then mmap() of the whole BO on the device's fd. */
	EXPECT_EQ(mock.mmap_offsets, 1);
	EXPECT_EQ(mock.mmap_offset.handle, handle);
	EXPECT_EQ(mock.mmap_offset.extensions, 0);
	EXPECT_EQ(mock.mmap_offset.flags, 0);
	EXPECT_EQ(mock.mmaps, 1);
	EXPECT_EQ(mock.last_mmap.fd, svmgpu_device_fd(dev));
	EXPECT_EQ_HEX(mock.last_mmap.offset, FAKE_MMAP_OFFSET(handle));
	EXPECT(!mock.last_mmap.addr);
	EXPECT_EQ(mock.last_mmap.len, 3 * SZ_4K);
	EXPECT_EQ(mock.last_mmap.prot, PROT_READ | PROT_WRITE);
	EXPECT_EQ(mock.last_mmap.flags, MAP_SHARED);
	memset(ptr, 0x5a, 3 * SZ_4K);	/* Writable, all of it. */

	/* Cached: the same address, no new ioctl or mmap(). */
	EXPECT_EQ(svmgpu_bo_map(bo, &again), 0);
	EXPECT(again == ptr);
	EXPECT_EQ(mock.mmap_offsets, 1);
	EXPECT_EQ(mock.mmaps, 1);

	/* The last del unmaps, then closes the handle. */
	svmgpu_bo_ref(bo);
	svmgpu_bo_del(bo);
	EXPECT_EQ(mock.num_events, 0);
	svmgpu_bo_del(bo);
	EXPECT_EQ(mock.num_events, 2);
	EXPECT_EVENT(0, EV_MUNMAP, (uintptr_t)ptr);
	EXPECT_EVENT(1, EV_GEM_CLOSE, handle);

	/* A BO never mapped is only closed. */
	handle = svmgpu_bo_handle(other);
	svmgpu_bo_del(other);
	EXPECT_EQ(mock.num_events, 3);
	EXPECT_EVENT(2, EV_GEM_CLOSE, handle);
	svmgpu_device_del(dev);
}

static void test_mock_bo_map_errors(void)
{
	struct svmgpu_device *dev;
	struct svmgpu_bo *bo;
	void *ptr = (void *)1;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	bo = fake_bo_new(dev, SZ_64K);
	REQUIRE(bo);

	mock.fail_request = DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET;
	mock.fail_errno = ENOENT;
	EXPECT_EQ(svmgpu_bo_map(bo, &ptr), -ENOENT);
	EXPECT(!ptr);
	EXPECT_EQ(mock.mmaps, 0);
	mock.fail_request = 0;

	mock.mmap_errno = ENOMEM;
	ptr = (void *)1;
	EXPECT_EQ(svmgpu_bo_map(bo, &ptr), -ENOMEM);
	EXPECT(!ptr);
	mock.mmap_errno = 0;

	/* A failure is not cached: the next call maps. */
	EXPECT_EQ(svmgpu_bo_map(bo, &ptr), 0);
	EXPECT(ptr);
	EXPECT_EQ(svmgpu_bo_map(bo, NULL), -EINVAL);

	svmgpu_bo_del(bo);
	EXPECT_EQ(mock.num_events, 2);
	EXPECT_EVENT(0, EV_MUNMAP, (uintptr_t)ptr);
	svmgpu_device_del(dev);
}

#define MAP_THREADS 8

struct map_thread {
	struct svmgpu_bo *bo;
	pthread_barrier_t *start;
	void *ptr;
	int ret;
};

static void *map_thread(void *arg)
{
	struct map_thread *t = arg;

	pthread_barrier_wait(t->start);
	t->ret = svmgpu_bo_map(t->bo, &t->ptr);
	return NULL;
}

/* Threads racing to map one BO all get the one mapping. */
static void test_mock_bo_map_threads(void)
{
	struct map_thread threads[MAP_THREADS];
	pthread_t ids[MAP_THREADS];
	pthread_barrier_t start;
	struct svmgpu_device *dev;
	struct svmgpu_bo *bo;
	int i, n = 0;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	bo = fake_bo_new(dev, SZ_64K);
	REQUIRE(bo);
	REQUIRE(!pthread_barrier_init(&start, NULL, MAP_THREADS));
	/* A slow mmap(): without the lock, several threads would map. */
	mock.mmap_delay_us = 20000;

	for (i = 0; i < MAP_THREADS; i++) {
		threads[i] = (struct map_thread) {
			.bo = bo,
			.start = &start,
			.ret = -1,
		};
		n += !pthread_create(&ids[i], NULL, map_thread, &threads[i]);
	}
	REQUIRE(n == MAP_THREADS);	/* Else the barrier never opens. */
	for (i = 0; i < MAP_THREADS; i++)
		pthread_join(ids[i], NULL);
	pthread_barrier_destroy(&start);

	for (i = 0; i < MAP_THREADS; i++) {
		EXPECT_EQ(threads[i].ret, 0);
		EXPECT(threads[i].ptr && threads[i].ptr == threads[0].ptr);
	}
	EXPECT_EQ(mock.mmap_offsets, 1);
	EXPECT_EQ(mock.mmaps, 1);
	svmgpu_bo_del(bo);
	svmgpu_device_del(dev);
}

static void test_mock_bo_migrate(void)
{
	const uint32_t vram = DRM_SVMGPU_GEM_PLACEMENT_VRAM;
	const uint32_t system = DRM_SVMGPU_GEM_PLACEMENT_SYSTEM;
	struct svmgpu_bo *bo = NULL, *vram_only;
	struct svmgpu_device *dev;
	struct svmgpu_bo_info info;
	uint32_t handle;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	EXPECT_EQ(svmgpu_bo_new(dev, SZ_2M, vram | system, 0, &bo), 0);
	vram_only = fake_bo_new(dev, SZ_64K);
	REQUIRE(bo && vram_only);
	handle = svmgpu_bo_handle(bo);

	EXPECT_EQ(svmgpu_bo_migrate(bo, system), 0);
	/* What the kernel was asked, MBZ fields included. */
	EXPECT_EQ(mock.gem_migrates, 1);
	EXPECT_EQ(mock.fd, svmgpu_device_fd(dev));
	EXPECT_EQ(mock.gem_migrate.extensions, 0);
	EXPECT_EQ(mock.gem_migrate.handle, handle);
	EXPECT_EQ(mock.gem_migrate.placement, system);
	EXPECT_EQ(mock.gem_migrate.flags, 0);
	EXPECT_EQ(mock.gem_migrate.pad, 0);
	EXPECT_EQ(svmgpu_bo_query(bo, &info), 0);
	EXPECT_EQ(info.placement, system);
	EXPECT_EQ(info.preferred, system);
	EXPECT_EQ(info.moves, 1);

	/* Already there: no move. Back: a second one. */
	EXPECT_EQ(svmgpu_bo_migrate(bo, system), 0);
	EXPECT_EQ(svmgpu_bo_migrate(bo, vram), 0);
	EXPECT_EQ(svmgpu_bo_query(bo, &info), 0);
	EXPECT_EQ(info.placement, vram);
	EXPECT_EQ(info.moves, 2);

	/* The placement goes to the kernel as it is; its errors come back. */
	EXPECT_EQ(svmgpu_bo_migrate(bo, 0), -EINVAL);
	EXPECT_EQ(svmgpu_bo_migrate(bo, vram | system), -EINVAL);
	EXPECT_EQ(mock.gem_migrate.placement, vram | system);
	EXPECT_EQ(svmgpu_bo_migrate(bo, 1u << 5), -EINVAL);
	EXPECT_EQ(svmgpu_bo_migrate(vram_only, system), -EINVAL);
	mock.fail_request = DRM_IOCTL_SVMGPU_GEM_MIGRATE;
	mock.fail_errno = EOPNOTSUPP;
	EXPECT_EQ(svmgpu_bo_migrate(bo, system), -EOPNOTSUPP);
	mock.fail_request = 0;
	EXPECT_EQ(svmgpu_bo_query(bo, &info), 0);
	EXPECT_EQ(info.moves, 2);

	svmgpu_bo_del(vram_only);
	svmgpu_bo_del(bo);
	svmgpu_device_del(dev);
}

static void test_mock_bo_query(void)
{
	const uint32_t both = DRM_SVMGPU_GEM_PLACEMENT_VRAM |
			      DRM_SVMGPU_GEM_PLACEMENT_SYSTEM;
	struct svmgpu_bo_info info, untouched;
	struct svmgpu_device *dev;
	struct svmgpu_bo *bo = NULL;
	unsigned int ioctls;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	EXPECT_EQ(svmgpu_bo_new(dev, 3 * SZ_64K, both,
				DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM, &bo), 0);
	REQUIRE(bo);

	memset(&info, 0xa5, sizeof(info));
	EXPECT_EQ(svmgpu_bo_query(bo, &info), 0);
	EXPECT_EQ(mock.fd, svmgpu_device_fd(dev));
	EXPECT_EQ(mock.gem_info.extensions, 0);
	EXPECT_EQ(mock.gem_info.handle, svmgpu_bo_handle(bo));
	EXPECT_EQ(mock.gem_info.flags, 0);
	EXPECT_EQ_HEX(info.size, 3 * SZ_64K);
	EXPECT_EQ(info.placements, both);
	EXPECT_EQ(info.preferred, DRM_SVMGPU_GEM_PLACEMENT_SYSTEM);
	EXPECT_EQ(info.placement, DRM_SVMGPU_GEM_PLACEMENT_SYSTEM);
	EXPECT_EQ(info.state, 0);
	EXPECT_EQ(info.moves, 0);

	/* A failure leaves @info alone; NULL is caught before the ioctl. */
	mock.fail_request = DRM_IOCTL_SVMGPU_GEM_INFO;
	mock.fail_errno = EOPNOTSUPP;
	memset(&info, 0x5a, sizeof(info));
	untouched = info;
	EXPECT_EQ(svmgpu_bo_query(bo, &info), -EOPNOTSUPP);
	EXPECT(!memcmp(&info, &untouched, sizeof(info)));
	mock.fail_request = 0;
	ioctls = mock.ioctls;
	EXPECT_EQ(svmgpu_bo_query(bo, NULL), -EINVAL);
	EXPECT_EQ(mock.ioctls, ioctls);

	svmgpu_bo_del(bo);
	svmgpu_device_del(dev);
}

/* DRM_SVMGPU_GEM_CREATE_PINNED goes to the kernel like any other flag. */
static void test_mock_bo_pinned(void)
{
	const uint32_t vram = DRM_SVMGPU_GEM_PLACEMENT_VRAM;
	const uint32_t pinned = DRM_SVMGPU_GEM_CREATE_PINNED;
	struct svmgpu_device *dev;
	struct svmgpu_bo_info info;
	struct svmgpu_bo *bo = NULL;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);

	EXPECT_EQ(svmgpu_bo_new(dev, SZ_2M, vram, pinned, &bo), 0);
	REQUIRE(bo);
	EXPECT_EQ(mock.gem_create.flags, pinned);
	EXPECT_EQ(svmgpu_bo_query(bo, &info), 0);
	EXPECT_EQ(info.placement, vram);
	EXPECT(info.state & DRM_SVMGPU_GEM_STATE_PINNED);
	EXPECT_EQ(svmgpu_bo_migrate(bo, vram), 0);
	EXPECT_EQ(svmgpu_bo_migrate(bo, DRM_SVMGPU_GEM_PLACEMENT_SYSTEM),
		  -EINVAL);
	svmgpu_bo_del(bo);

	expect_bo_new_fails(dev, SZ_2M, vram | DRM_SVMGPU_GEM_PLACEMENT_SYSTEM,
			    pinned, -EINVAL);
	expect_bo_new_fails(dev, 128ull << 20, vram, pinned, -ENOSPC);
	mock.deny_pinned = true;
	expect_bo_new_fails(dev, SZ_2M, vram, pinned, -EPERM);

	svmgpu_device_del(dev);
}

static void test_mock_vm(void)
{
	struct svmgpu_device *dev;
	struct svmgpu_vm *vm = (void *)1;
	int before = count_fds();
	int dev_fd;
	uint32_t id;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	dev_fd = svmgpu_device_fd(dev);

	mock.fail_request = DRM_IOCTL_SVMGPU_VM_CREATE;
	mock.fail_errno = EOPNOTSUPP;
	EXPECT_EQ(svmgpu_vm_new(dev, &vm), -EOPNOTSUPP);
	EXPECT(!vm);
	mock.fail_request = 0;
	EXPECT_EQ(svmgpu_vm_new(dev, NULL), -EINVAL);

	vm = fake_vm_new(dev);
	REQUIRE(vm);
	EXPECT_EQ(mock.fd, dev_fd);
	EXPECT_EQ(mock.vm_create.extensions, 0);
	EXPECT_EQ(mock.vm_create.flags, 0);
	id = svmgpu_vm_id(vm);
	EXPECT(fake_vm(id) >= 0);

	/* The VM holds the device. */
	svmgpu_device_del(dev);
	EXPECT(fd_is_open(dev_fd));

	EXPECT(svmgpu_vm_ref(vm) == vm);
	svmgpu_vm_del(vm);
	EXPECT_EQ(mock.num_events, 0);
	EXPECT_EQ(svmgpu_vm_id(vm), id);

	svmgpu_vm_del(vm);
	EXPECT_EQ(mock.num_events, 1);
	EXPECT_EVENT(0, EV_VM_DESTROY, id);
	EXPECT_EQ(mock.vm_destroy.extensions, 0);
	EXPECT_EQ(mock.vm_destroy.pad, 0);
	EXPECT(fake_vm(id) < 0);
	EXPECT(!fd_is_open(dev_fd));
	EXPECT_EQ(count_fds(), before);
}

static void test_mock_vm_bind(void)
{
	struct drm_svmgpu_vm_bind_op ops[2];
	struct drm_svmgpu_sync syncs[2];
	struct svmgpu_device *dev;
	struct svmgpu_vm *vm;
	struct svmgpu_bo *bo;
	unsigned int binds;
	uint32_t s0, s1;
	int dev_fd;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	dev_fd = svmgpu_device_fd(dev);
	bo = fake_bo_new(dev, SZ_2M);
	vm = fake_vm_new(dev);
	REQUIRE(bo && vm);
	REQUIRE(!drmSyncobjCreate(dev_fd, 0, &s0));
	REQUIRE(!drmSyncobjCreate(dev_fd, 0, &s1));

	ops[0] = (struct drm_svmgpu_vm_bind_op) {
		.op = DRM_SVMGPU_VM_BIND_OP_MAP,
		.flags = DRM_SVMGPU_VM_BIND_READONLY,
		.handle = svmgpu_bo_handle(bo),
		.bo_offset = SZ_64K,
		.addr = 0x40000000,
		.range = SZ_64K,
	};
	ops[1] = (struct drm_svmgpu_vm_bind_op) {
		.op = DRM_SVMGPU_VM_BIND_OP_UNMAP,
		.addr = 0x80000000,
		.range = SZ_2M,
	};
	syncs[0] = (struct drm_svmgpu_sync) {
		.handle = s0,
		.flags = DRM_SVMGPU_SYNC_SIGNAL,
	};
	syncs[1] = (struct drm_svmgpu_sync) {
		.handle = s1,
		.flags = DRM_SVMGPU_SYNC_SIGNAL,
	};

	/* A thin wrapper: the caller's arrays go to the kernel as they are. */
	EXPECT_EQ(svmgpu_vm_bind(vm, ops, 2, syncs, 2), 0);
	EXPECT_EQ(mock.fd, dev_fd);
	EXPECT_EQ(mock.vm_bind.extensions, 0);
	EXPECT_EQ(mock.vm_bind.vm_id, svmgpu_vm_id(vm));
	EXPECT_EQ(mock.vm_bind.num_ops, 2);
	EXPECT_EQ_HEX(mock.vm_bind.ops, (uintptr_t)ops);
	EXPECT_EQ(mock.vm_bind.num_syncs, 2);
	EXPECT_EQ(mock.vm_bind.pad, 0);
	EXPECT_EQ_HEX(mock.vm_bind.syncs, (uintptr_t)syncs);
	EXPECT(!memcmp(mock.bind_ops, ops, sizeof(ops)));
	EXPECT(!memcmp(mock.bind_syncs, syncs, sizeof(syncs)));
	EXPECT(mock.syncobjs[s0 - FAKE_SYNCOBJ_BASE].fence);

	/* A wait on a signalled syncobj, no syncs at all. */
	syncs[0].flags = 0;
	ops[0].addr += SZ_64K;
	EXPECT_EQ(svmgpu_vm_bind(vm, ops, 1, syncs, 1), 0);
	EXPECT_EQ(svmgpu_vm_bind(vm, &ops[1], 1, NULL, 0), 0);
	EXPECT_EQ(mock.vm_bind.num_syncs, 0);
	EXPECT_EQ(mock.vm_bind.syncs, 0);

	/* Kernel errors come back. */
	ops[0].handle = 0x7f;
	EXPECT_EQ(svmgpu_vm_bind(vm, ops, 1, NULL, 0), -ENOENT);
	ops[0].handle = svmgpu_bo_handle(bo);
	ops[0].addr = 0x1000;	/* In the first 64 KiB. */
	EXPECT_EQ(svmgpu_vm_bind(vm, ops, 1, NULL, 0), -EINVAL);
	ops[0].addr = 0x40000000;
	ops[0].pad = 1;
	EXPECT_EQ(svmgpu_vm_bind(vm, ops, 1, NULL, 0), -EINVAL);
	ops[0].pad = 0;
	/* The kernel, not the library, rejects a count of 0. */
	binds = mock.vm_binds;
	EXPECT_EQ(svmgpu_vm_bind(vm, NULL, 0, NULL, 0), -EINVAL);
	EXPECT_EQ(mock.vm_binds, binds + 1);

	/* NULL arrays with counts are caught before the ioctl. */
	EXPECT_EQ(svmgpu_vm_bind(vm, NULL, 1, NULL, 0), -EINVAL);
	EXPECT_EQ(svmgpu_vm_bind(vm, ops, 1, NULL, 1), -EINVAL);
	EXPECT_EQ(mock.vm_binds, binds + 1);

	drmSyncobjDestroy(dev_fd, s0);
	drmSyncobjDestroy(dev_fd, s1);
	svmgpu_vm_del(vm);
	svmgpu_bo_del(bo);
	svmgpu_device_del(dev);
}

static void test_mock_vm_map_unmap(void)
{
	const struct drm_svmgpu_vm_bind_op *op = &mock.bind_ops[0];
	struct svmgpu_device *dev, *dev2;
	struct svmgpu_bo *bo, *bo2;
	struct svmgpu_vm *vm;
	unsigned int binds;

	mock_reset(true);
	dev = fake_device_new();
	dev2 = fake_device_new();
	REQUIRE(dev && dev2);
	bo = fake_bo_new(dev, SZ_2M);
	bo2 = fake_bo_new(dev2, SZ_2M);
	vm = fake_vm_new(dev);
	REQUIRE(bo && bo2 && vm);

	EXPECT_EQ(svmgpu_vm_map(vm, bo, SZ_64K, 0x40000000, 3 * SZ_64K,
				DRM_SVMGPU_VM_BIND_READONLY), 0);
	EXPECT_EQ(mock.vm_bind.vm_id, svmgpu_vm_id(vm));
	EXPECT_EQ(mock.vm_bind.num_ops, 1);
	EXPECT_EQ(mock.vm_bind.num_syncs, 0);
	EXPECT_EQ(mock.vm_bind.syncs, 0);
	EXPECT_EQ(op->op, DRM_SVMGPU_VM_BIND_OP_MAP);
	EXPECT_EQ(op->flags, DRM_SVMGPU_VM_BIND_READONLY);
	EXPECT_EQ(op->handle, svmgpu_bo_handle(bo));
	EXPECT_EQ(op->pad, 0);
	EXPECT_EQ_HEX(op->bo_offset, SZ_64K);
	EXPECT_EQ_HEX(op->addr, 0x40000000);
	EXPECT_EQ_HEX(op->range, 3 * SZ_64K);

	EXPECT_EQ(svmgpu_vm_unmap(vm, 0x40000000, SZ_64K), 0);
	EXPECT_EQ(mock.vm_bind.num_ops, 1);
	EXPECT_EQ(op->op, DRM_SVMGPU_VM_BIND_OP_UNMAP);
	EXPECT_EQ(op->flags, 0);
	EXPECT_EQ(op->handle, 0);
	EXPECT_EQ(op->bo_offset, 0);
	EXPECT_EQ_HEX(op->addr, 0x40000000);
	EXPECT_EQ_HEX(op->range, SZ_64K);

	/* The kernel checks bounds and alignment. */
	EXPECT_EQ(svmgpu_vm_map(vm, bo, SZ_2M, 0x40000000, SZ_4K, 0),
		  -EINVAL);
	EXPECT_EQ(svmgpu_vm_map(vm, bo, 0, 0x40000800, SZ_4K, 0), -EINVAL);
	EXPECT_EQ(svmgpu_vm_map(vm, bo, 0, 0x40000000, SZ_4K, 1u << 3),
		  -EINVAL);
	EXPECT_EQ(svmgpu_vm_unmap(vm, 0x40000000, 0), -EINVAL);

	/* A BO of another device object: refused before the ioctl. */
	binds = mock.vm_binds;
	EXPECT_EQ(svmgpu_vm_map(vm, bo2, 0, 0x40000000, SZ_4K, 0), -EXDEV);
	EXPECT_EQ(svmgpu_vm_map(vm, NULL, 0, 0x40000000, SZ_4K, 0), -EINVAL);
	EXPECT_EQ(mock.vm_binds, binds);

	svmgpu_vm_del(vm);
	svmgpu_bo_del(bo);
	svmgpu_bo_del(bo2);
	svmgpu_device_del(dev);
	svmgpu_device_del(dev2);
}

/* The VM the fake kernel knows as @vm, or -1. */
static int fake_vm_of(const struct svmgpu_vm *vm)
{
	return fake_vm(svmgpu_vm_id(vm));
}

static void test_mock_vm_new_flags(void)
{
	struct svmgpu_device *dev;
	struct svmgpu_vm *vm = (void *)1;
	unsigned int ioctls;

	mock_reset(true);
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
	dev = fake_device_new();
	REQUIRE(dev);

	EXPECT_EQ(svmgpu_vm_new_flags(dev, 0, NULL), -EINVAL);
	EXPECT_EQ(svmgpu_vm_new_flags(dev, 0, &vm), 0);
	REQUIRE(vm);
	EXPECT_EQ(mock.vm_create.flags, 0);
	EXPECT(!mock.vm_fault_mode[fake_vm_of(vm)]);
	/* Not in fault mode: no mirror, and no ioctl to find out. */
	ioctls = mock.ioctls;
	EXPECT_EQ(svmgpu_vm_mirror(vm, SZ_2M, SZ_2M), -EINVAL);
	EXPECT_EQ(mock.ioctls, ioctls);
	svmgpu_vm_del(vm);

	EXPECT_EQ(svmgpu_vm_new_flags(dev, DRM_SVMGPU_VM_CREATE_FAULT_MODE,
				      &vm), 0);
	REQUIRE(vm);
	EXPECT_EQ(mock.vm_create.extensions, 0);
	EXPECT_EQ(mock.vm_create.flags, DRM_SVMGPU_VM_CREATE_FAULT_MODE);
	EXPECT(mock.vm_fault_mode[fake_vm_of(vm)]);
	/* It starts empty: nothing was bound. */
	EXPECT_EQ(mock.vm_binds, 0);
	svmgpu_vm_del(vm);

	/* Flags go to the kernel as they are; it checks them. */
	vm = (void *)1;
	EXPECT_EQ(svmgpu_vm_new_flags(dev, 1u << 7, &vm), -EINVAL);
	EXPECT(!vm);
	EXPECT_EQ(mock.vm_create.flags, 1u << 7);
	svmgpu_device_del(dev);

	/* Fault mode needs DRM_SVMGPU_FEATURE_SVM. */
	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	vm = (void *)1;
	EXPECT_EQ(svmgpu_vm_new_flags(dev, DRM_SVMGPU_VM_CREATE_FAULT_MODE,
				      &vm), -EOPNOTSUPP);
	EXPECT(!vm);
	EXPECT_EQ(mock.vm_create.flags, DRM_SVMGPU_VM_CREATE_FAULT_MODE);
	svmgpu_device_del(dev);
}

/* svmgpu_vm_new_svm() with va_bits @bits mirrors [64 KiB, 1 << @bits). */
static void expect_vm_new_svm(uint32_t bits)
{
	const struct drm_svmgpu_vm_bind_op *op = &mock.bind_ops[0];
	struct svmgpu_device *dev;
	struct svmgpu_vm *vm = NULL;
	int before = count_fds();

	mock_reset(true);
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
	mock.answer.info.va_bits = bits;
	dev = fake_device_new();
	REQUIRE(dev);

	EXPECT_EQ(svmgpu_vm_new_svm(dev, &vm), 0);
	REQUIRE(vm);
	EXPECT_EQ(mock.vm_create.flags, DRM_SVMGPU_VM_CREATE_FAULT_MODE);
	EXPECT(mock.vm_fault_mode[fake_vm_of(vm)]);
	EXPECT_EQ(mock.vm_binds, 1);
	EXPECT_EQ(mock.vm_bind.vm_id, svmgpu_vm_id(vm));
	EXPECT_EQ(mock.vm_bind.num_ops, 1);
	EXPECT_EQ(mock.vm_bind.num_syncs, 0);
	EXPECT_EQ(mock.vm_bind.syncs, 0);
	EXPECT_EQ(op->op, DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR);
	EXPECT_EQ(op->flags, 0);
	EXPECT_EQ(op->handle, 0);
	EXPECT_EQ(op->pad, 0);
	EXPECT_EQ(op->bo_offset, 0);
	EXPECT_EQ_HEX(op->addr, 0x10000);
	EXPECT_EQ_HEX(op->range, (1ull << bits) - 0x10000);
	EXPECT(mock.mappings[0].used && mock.mappings[0].mirror);

	/* The VM holds the device, as any VM does. */
	svmgpu_device_del(dev);
	svmgpu_vm_del(vm);
	EXPECT_EQ(mock.num_events, 1);
	EXPECT_EQ(mock.events[0].type, EV_VM_DESTROY);
	EXPECT_EQ(count_fds(), before);
}

static void test_mock_vm_new_svm(void)
{
	struct svmgpu_device *dev;
	struct svmgpu_vm *vm = (void *)1;
	int i;

	expect_vm_new_svm(48);
	expect_vm_new_svm(57);
	expect_vm_new_svm(40);
	expect_vm_new_svm(17);
	expect_vm_new_svm(63);

	/* Without DRM_SVMGPU_FEATURE_SVM: refused without an ioctl. */
	mock_reset(true);
	mock.answer.info.features = ~0ull & ~DRM_SVMGPU_FEATURE_SVM;
	dev = fake_device_new();
	REQUIRE(dev);
	EXPECT_EQ(svmgpu_vm_new_svm(dev, &vm), -EOPNOTSUPP);
	EXPECT(!vm);
	EXPECT_EQ(mock.ioctls, 0);
	svmgpu_device_del(dev);

	/* A width that leaves nothing to mirror, or too wide to use. */
	mock_reset(true);
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
	mock.answer.info.va_bits = 16;
	dev = fake_device_new();
	REQUIRE(dev);
	vm = (void *)1;
	EXPECT_EQ(svmgpu_vm_new_svm(dev, &vm), -EPROTO);
	EXPECT(!vm);
	svmgpu_device_del(dev);
	mock.answer.info.va_bits = 64;
	dev = fake_device_new();
	REQUIRE(dev);
	EXPECT_EQ(svmgpu_vm_new_svm(dev, &vm), -EPROTO);
	EXPECT_EQ(mock.ioctls, 0);

	/* VM_CREATE fails: nothing to bind. */
	mock.answer.info.va_bits = 48;
	svmgpu_device_del(dev);
	dev = fake_device_new();
	REQUIRE(dev);
	mock.fail_request = DRM_IOCTL_SVMGPU_VM_CREATE;
	mock.fail_errno = ENOSPC;
	EXPECT_EQ(svmgpu_vm_new_svm(dev, &vm), -ENOSPC);
	EXPECT(!vm);
	EXPECT_EQ(mock.vm_binds, 0);

	/* The mirror fails: the VM goes again. */
	mock.fail_request = DRM_IOCTL_SVMGPU_VM_BIND;
	mock.fail_errno = ENOMEM;
	vm = (void *)1;
	EXPECT_EQ(svmgpu_vm_new_svm(dev, &vm), -ENOMEM);
	EXPECT(!vm);
	EXPECT_EQ(mock.num_events, 1);
	EXPECT_EQ(mock.events[0].type, EV_VM_DESTROY);
	for (i = 0; i < FAKE_MAX_OBJS; i++)
		EXPECT(!mock.vms[i]);
	mock.fail_request = 0;
	svmgpu_device_del(dev);
}

static void test_mock_vm_mirror(void)
{
	const struct drm_svmgpu_vm_bind_op *op = &mock.bind_ops[0];
	struct svmgpu_device *dev;
	struct svmgpu_vm *vm = NULL;
	struct svmgpu_bo *bo;

	mock_reset(true);
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
	dev = fake_device_new();
	REQUIRE(dev);
	bo = fake_bo_new(dev, SZ_2M);
	REQUIRE(bo);
	EXPECT_EQ(svmgpu_vm_new_flags(dev, DRM_SVMGPU_VM_CREATE_FAULT_MODE,
				      &vm), 0);
	REQUIRE(vm);

	EXPECT_EQ(svmgpu_vm_mirror(vm, 0x40000000, 4 * SZ_2M), 0);
	EXPECT_EQ(mock.vm_bind.vm_id, svmgpu_vm_id(vm));
	EXPECT_EQ(mock.vm_bind.num_ops, 1);
	EXPECT_EQ(mock.vm_bind.num_syncs, 0);
	EXPECT_EQ(op->op, DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR);
	EXPECT_EQ(op->flags, 0);
	EXPECT_EQ(op->handle, 0);
	EXPECT_EQ(op->bo_offset, 0);
	EXPECT_EQ_HEX(op->addr, 0x40000000);
	EXPECT_EQ_HEX(op->range, 4 * SZ_2M);

	/* The range must be free; the kernel says so. */
	EXPECT_EQ(svmgpu_vm_mirror(vm, 0x40000000 + SZ_2M, SZ_2M), -EINVAL);
	EXPECT_EQ(svmgpu_vm_mirror(vm, 0x1000, SZ_4K), -EINVAL);
	EXPECT_EQ(svmgpu_vm_mirror(vm, 0x80000000, 0), -EINVAL);

	/* A BO replaces part of the mirror; unmapped, it can be mirrored. */
	EXPECT_EQ(svmgpu_vm_map(vm, bo, 0, 0x40000000 + SZ_2M, SZ_2M, 0), 0);
	EXPECT_EQ(svmgpu_vm_unmap(vm, 0x40000000 + SZ_2M, SZ_2M), 0);
	EXPECT_EQ(svmgpu_vm_mirror(vm, 0x40000000 + SZ_2M, SZ_2M), 0);

	svmgpu_vm_del(vm);
	svmgpu_bo_del(bo);
	svmgpu_device_del(dev);
}

static void test_mock_queue(void)
{
	struct svmgpu_queue *q = (void *)1;
	struct svmgpu_device *dev;
	struct svmgpu_vm *vm;
	uint32_t id;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	vm = fake_vm_new(dev);
	REQUIRE(vm);

	EXPECT_EQ(svmgpu_queue_new(vm, 2, DRM_SVMGPU_QUEUE_PRIORITY_HIGH, &q),
		  0);
	REQUIRE(q);
	EXPECT_EQ(mock.fd, svmgpu_device_fd(dev));
	EXPECT_EQ(mock.queue_create.extensions, 0);
	EXPECT_EQ(mock.queue_create.vm_id, svmgpu_vm_id(vm));
	EXPECT_EQ(mock.queue_create.engine, 2);
	EXPECT_EQ(mock.queue_create.priority, DRM_SVMGPU_QUEUE_PRIORITY_HIGH);
	EXPECT_EQ(mock.queue_create.flags, 0);
	EXPECT_EQ(mock.queue_create.pad, 0);
	id = svmgpu_queue_id(q);
	EXPECT(fake_queue(id) >= 0);

	EXPECT(svmgpu_queue_ref(q) == q);
	svmgpu_queue_del(q);
	EXPECT_EQ(mock.num_events, 0);
	svmgpu_queue_del(q);
	EXPECT_EQ(mock.num_events, 1);
	EXPECT_EVENT(0, EV_QUEUE_DESTROY, id);
	EXPECT_EQ(mock.queue_destroy.extensions, 0);
	EXPECT_EQ(mock.queue_destroy.pad, 0);

	/* The kernel checks engine and priority. */
	q = (void *)1;
	EXPECT_EQ(svmgpu_queue_new(vm, 3, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
				   &q), -EINVAL);
	EXPECT(!q);
	EXPECT_EQ(svmgpu_queue_new(vm, 0, 3, &q), -EINVAL);
	mock.deny_high = true;
	EXPECT_EQ(svmgpu_queue_new(vm, 0, DRM_SVMGPU_QUEUE_PRIORITY_HIGH, &q),
		  -EACCES);
	EXPECT(!q);
	EXPECT_EQ(svmgpu_queue_new(vm, 0, DRM_SVMGPU_QUEUE_PRIORITY_LOW,
				   NULL), -EINVAL);

	/* Failed creates took no reference on the VM. */
	svmgpu_vm_del(vm);
	EXPECT_EQ(mock.num_events, 2);
	EXPECT_EVENT(1, EV_VM_DESTROY, mock.queue_create.vm_id);
	svmgpu_device_del(dev);
}

/* A queue keeps its VM, and its VM's device, until it goes away. */
static void test_mock_queue_holds_vm(void)
{
	struct svmgpu_device *dev;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm;
	int before = count_fds();
	uint32_t vm_id, q_id;
	int dev_fd;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	dev_fd = svmgpu_device_fd(dev);
	vm = fake_vm_new(dev);
	REQUIRE(vm);
	q = fake_queue_new(vm);
	REQUIRE(q);
	vm_id = svmgpu_vm_id(vm);
	q_id = svmgpu_queue_id(q);

	svmgpu_device_del(dev);
	svmgpu_vm_del(vm);
	EXPECT_EQ(mock.num_events, 0);
	EXPECT(fd_is_open(dev_fd));
	EXPECT_EQ(svmgpu_queue_exec(q, 0x100000, 16, NULL, 0), 0);

	/* The queue goes first, then its VM, then the device's fd. */
	svmgpu_queue_del(q);
	EXPECT_EQ(mock.num_events, 2);
	EXPECT_EVENT(0, EV_QUEUE_DESTROY, q_id);
	EXPECT_EVENT(1, EV_VM_DESTROY, vm_id);
	EXPECT(!fd_is_open(dev_fd));
	EXPECT_EQ(count_fds(), before);
}

static void test_mock_queue_exec(void)
{
	struct drm_svmgpu_sync syncs[2];
	struct svmgpu_device *dev;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm;
	unsigned int execs;
	uint32_t s0, s1;
	int dev_fd;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	dev_fd = svmgpu_device_fd(dev);
	vm = fake_vm_new(dev);
	REQUIRE(vm);
	q = fake_queue_new(vm);
	REQUIRE(q);
	REQUIRE(!drmSyncobjCreate(dev_fd, 0, &s0));
	REQUIRE(!drmSyncobjCreate(dev_fd, 0, &s1));

	syncs[0] = (struct drm_svmgpu_sync) {
		.handle = s0,
		.flags = DRM_SVMGPU_SYNC_SIGNAL,
	};
	EXPECT_EQ(svmgpu_queue_exec(q, 0x0000000100200000ull, 4096, syncs, 1),
		  0);
	EXPECT_EQ(mock.fd, dev_fd);
	EXPECT_EQ(mock.exec.extensions, 0);
	EXPECT_EQ(mock.exec.queue_id, svmgpu_queue_id(q));
	EXPECT_EQ(mock.exec.num_syncs, 1);
	EXPECT_EQ_HEX(mock.exec.syncs, (uintptr_t)syncs);
	EXPECT_EQ_HEX(mock.exec.address, 0x0000000100200000ull);
	EXPECT_EQ(mock.exec.length, 4096);
	EXPECT_EQ(mock.exec.flags, 0);

	/* Wait for the first job, signal a second syncobj. */
	syncs[0].flags = 0;
	syncs[1] = (struct drm_svmgpu_sync) {
		.handle = s1,
		.flags = DRM_SVMGPU_SYNC_SIGNAL,
	};
	EXPECT_EQ(svmgpu_queue_exec(q, 0x100000, 8, syncs, 2), 0);
	EXPECT(!memcmp(mock.exec_syncs, syncs, sizeof(syncs)));

	EXPECT_EQ(svmgpu_queue_exec(q, 0x100000, 8, NULL, 0), 0);
	EXPECT_EQ(mock.exec.num_syncs, 0);
	EXPECT_EQ(mock.exec.syncs, 0);

	/* Kernel errors come back. */
	EXPECT_EQ(svmgpu_queue_exec(q, 0x100000, 0, NULL, 0), -EINVAL);
	EXPECT_EQ(svmgpu_queue_exec(q, 0x100002, 8, NULL, 0), -EINVAL);
	EXPECT_EQ(svmgpu_queue_exec(q, 0x100000, (1u << 20) + 4, NULL, 0),
		  -EINVAL);
	syncs[0].handle = 0x7f;
	EXPECT_EQ(svmgpu_queue_exec(q, 0x100000, 8, syncs, 1), -ENOENT);
	mock.queues[svmgpu_queue_id(q) - FAKE_QUEUE_ID_BASE].banned = true;
	EXPECT_EQ(svmgpu_queue_exec(q, 0x100000, 8, NULL, 0), -ECANCELED);

	/* NULL syncs with a count: caught before the ioctl. */
	execs = mock.execs;
	EXPECT_EQ(svmgpu_queue_exec(q, 0x100000, 8, NULL, 1), -EINVAL);
	EXPECT_EQ(mock.execs, execs);

	drmSyncobjDestroy(dev_fd, s0);
	drmSyncobjDestroy(dev_fd, s1);
	svmgpu_queue_del(q);
	svmgpu_vm_del(vm);
	svmgpu_device_del(dev);
}

/* Run svmgpu_queue_exec_wait() and check the deadline it waited for. */
static void expect_exec_wait_deadline(struct svmgpu_queue *q,
				      int64_t timeout, bool forever)
{
	int64_t before, after;

	before = monotonic_ns();
	EXPECT_EQ(svmgpu_queue_exec_wait(q, 0x100000, 8, timeout), 0);
	after = monotonic_ns();
	if (forever) {
		EXPECT_EQ_HEX(mock.last_wait.timeout, INT64_MAX);
	} else {
		EXPECT(mock.last_wait.timeout >= before + timeout);
		EXPECT(mock.last_wait.timeout <= after + timeout);
	}
}

static void test_mock_exec_wait(void)
{
	struct svmgpu_device *dev;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm;
	uint32_t handle;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	vm = fake_vm_new(dev);
	REQUIRE(vm);
	q = fake_queue_new(vm);
	REQUIRE(q);

	expect_exec_wait_deadline(q, 5000000000ll, false);
	/* A binary syncobj, signalled by the job and waited for. */
	EXPECT_EQ(mock.syncobj_creates, 1);
	EXPECT_EQ(mock.create_flags, 0);
	handle = mock.exec_syncs[0].handle;
	EXPECT_EQ(mock.exec.queue_id, svmgpu_queue_id(q));
	EXPECT_EQ_HEX(mock.exec.address, 0x100000);
	EXPECT_EQ(mock.exec.length, 8);
	EXPECT_EQ(mock.exec.num_syncs, 1);
	EXPECT(fake_syncobj(handle) < 0);	/* Destroyed again. */
	EXPECT_EQ(mock.exec_syncs[0].flags, DRM_SVMGPU_SYNC_SIGNAL);
	EXPECT_EQ(mock.exec_syncs[0].point, 0);
	EXPECT_EQ(mock.syncobj_waits, 1);
	EXPECT_EQ(mock.last_wait.count, 1);
	EXPECT_EQ(mock.last_wait.handle, handle);
	EXPECT_EQ(mock.last_wait.flags, 0);
	EXPECT_EQ(mock.num_events, 1);
	EXPECT_EVENT(0, EV_SYNCOBJ_DESTROY, handle);

	/* 0 polls: the deadline is now. Negative or huge: for ever. */
	expect_exec_wait_deadline(q, 0, false);
	expect_exec_wait_deadline(q, -1, true);
	expect_exec_wait_deadline(q, INT64_MIN, true);
	expect_exec_wait_deadline(q, INT64_MAX, true);
	expect_exec_wait_deadline(q, INT64_MAX - 1000, true);

	svmgpu_queue_del(q);
	svmgpu_vm_del(vm);
	svmgpu_device_del(dev);
}

static void test_mock_exec_wait_errors(void)
{
	struct svmgpu_device *dev;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm;
	unsigned int i;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	vm = fake_vm_new(dev);
	REQUIRE(vm);
	q = fake_queue_new(vm);
	REQUIRE(q);

	/* A timeout, as upstream libdrm reports it, and as forks do. */
	mock.wait_ret = -ETIME;
	EXPECT_EQ(svmgpu_queue_exec_wait(q, 0x100000, 8, 1000), -ETIME);
	mock.wait_ret = ETIME;
	EXPECT_EQ(svmgpu_queue_exec_wait(q, 0x100000, 8, 1000), -ETIME);
	mock.wait_ret = 0;
	EXPECT_EQ(mock.syncobj_waits, 2);

	/* The submission fails: no wait. */
	EXPECT_EQ(svmgpu_queue_exec_wait(q, 0x100000, 0, 1000), -EINVAL);
	mock.queues[svmgpu_queue_id(q) - FAKE_QUEUE_ID_BASE].banned = true;
	EXPECT_EQ(svmgpu_queue_exec_wait(q, 0x100000, 8, 1000), -ECANCELED);
	EXPECT_EQ(mock.syncobj_waits, 2);

	/* Every syncobj created was destroyed. */
	EXPECT_EQ(mock.syncobj_creates, 4);
	EXPECT_EQ(mock.num_events, 4);
	for (i = 0; i < mock.num_events; i++)
		EXPECT_EQ(mock.events[i].type, EV_SYNCOBJ_DESTROY);
	for (i = 0; i < FAKE_MAX_OBJS; i++)
		EXPECT(!mock.syncobjs[i].live);

	/* The syncobj cannot be created: nothing is submitted. */
	mock.syncobj_create_errno = EMFILE;
	EXPECT_EQ(svmgpu_queue_exec_wait(q, 0x100000, 8, 1000), -EMFILE);
	EXPECT_EQ(mock.execs, 4);
	EXPECT_EQ(mock.num_events, 4);

	svmgpu_queue_del(q);
	svmgpu_vm_del(vm);
	svmgpu_device_del(dev);
}

/*
 * Objects may be dropped in any order: every kernel object is destroyed on
 * the device's fd, which closes last, and nothing leaks.
 */
static void test_mock_teardown_any_order(void)
{
	struct svmgpu_device *dev;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm;
	struct svmgpu_bo *bo;
	int before = count_fds();
	void *ptr = NULL;
	int dev_fd, i;

	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	dev_fd = svmgpu_device_fd(dev);
	bo = fake_bo_new(dev, SZ_2M);
	vm = fake_vm_new(dev);
	REQUIRE(bo && vm);
	q = fake_queue_new(vm);
	REQUIRE(q);
	EXPECT_EQ(svmgpu_vm_map(vm, bo, 0, SZ_2M, SZ_2M, 0), 0);
	EXPECT_EQ(svmgpu_bo_map(bo, &ptr), 0);

	svmgpu_device_del(dev);
	svmgpu_vm_del(vm);
	svmgpu_bo_del(bo);
	EXPECT(fd_is_open(dev_fd));
	svmgpu_queue_del(q);

	EXPECT_EQ(mock.num_events, 4);
	EXPECT_EVENT(0, EV_MUNMAP, (uintptr_t)ptr);
	EXPECT_EVENT(1, EV_GEM_CLOSE, 1);
	EXPECT_EVENT(2, EV_QUEUE_DESTROY, FAKE_QUEUE_ID_BASE + 1);
	EXPECT_EVENT(3, EV_VM_DESTROY, FAKE_VM_ID_BASE + 1);
	for (i = 0; i < FAKE_MAX_OBJS; i++)
		EXPECT(!mock.bos[i].live && !mock.vms[i] &&
		       !mock.queues[i].live && !mock.maps[i].addr);
	EXPECT(!fd_is_open(dev_fd));
	EXPECT_EQ(count_fds(), before);
}

/* ---- Jobs, run by the stand-in kernel ---------------------------------- */

/* Map @size bytes of a new BO at @va in @vm; return the BO and its map. */
static struct svmgpu_bo *mapped_bo(struct svmgpu_device *dev,
				   struct svmgpu_vm *vm, uint64_t size,
				   uint64_t va, uint32_t flags, void **ptr)
{
	struct svmgpu_bo *bo = fake_bo_new(dev, size);

	if (!bo)
		return NULL;
	EXPECT_EQ(svmgpu_vm_map(vm, bo, 0, va, size, flags), 0);
	EXPECT_EQ(svmgpu_bo_map(bo, ptr), 0);
	return bo;
}

/*
 * The builder's streams, run by an interpreter written from the uAPI text,
 * do what they say, and a job that fails still completes.
 */
static void test_mock_jobs_run(void)
{
	struct svmgpu_bo *src, *dst, *cmd;
	void *src_ptr, *dst_ptr, *cmd_ptr;
	struct svmgpu_device *dev;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm;
	struct svmgpu_cs *cs;
	const uint32_t *d;
	uint32_t i;

	mock_reset(true);
	mock.run_jobs = true;
	dev = fake_device_new();
	REQUIRE(dev);
	vm = fake_vm_new(dev);
	REQUIRE(vm);
	src = mapped_bo(dev, vm, SZ_64K, 0x100000, 0, &src_ptr);
	dst = mapped_bo(dev, vm, SZ_64K, 0x200000, 0, &dst_ptr);
	cmd = mapped_bo(dev, vm, SZ_4K, 0x300000, DRM_SVMGPU_VM_BIND_READONLY,
			&cmd_ptr);
	REQUIRE(src && dst && cmd && src_ptr && dst_ptr && cmd_ptr);
	q = fake_queue_new(vm);
	REQUIRE(q);
	REQUIRE(!svmgpu_cs_new(&cs));

	svmgpu_cs_fill(cs, 0x100000, 0xa1b2c3d4, SZ_64K);
	svmgpu_cs_write_imm32(cs, 0x100010, 0x11111111);
	svmgpu_cs_write_imm64(cs, 0x100018, 0x2222222233333333ull);
	svmgpu_cs_nop(cs, 2);
	svmgpu_cs_copy(cs, 0x100000, 0x200004, SZ_64K - 8);
	svmgpu_cs_end(cs);
	EXPECT_EQ(svmgpu_cs_write(cs, cmd_ptr, SZ_4K), 0);
	EXPECT_EQ(svmgpu_queue_exec_wait(q, 0x300000, svmgpu_cs_size(cs),
					 1000000000), 0);
	EXPECT_EQ(mock.jobs, 1);
	EXPECT_EQ(mock.job_error, 0);

	d = dst_ptr;
	EXPECT_EQ_HEX(d[0], 0);
	EXPECT_EQ_HEX(d[1], 0xa1b2c3d4);
	EXPECT_EQ_HEX(d[5], 0x11111111);
	EXPECT_EQ_HEX(d[7], 0x33333333);
	EXPECT_EQ_HEX(d[8], 0x22222222);
	for (i = 9; i < SZ_64K / 4 - 1; i++)
		if (d[i] != 0xa1b2c3d4)
			break;
	EXPECT_EQ(i, SZ_64K / 4 - 1);
	EXPECT_EQ_HEX(d[SZ_64K / 4 - 1], 0);

	/*
	 * A FILL of the read-only command BO faults: the job completes all
	 * the same, so exec_wait succeeds, but the queue is banned.
	 */
	svmgpu_cs_reset(cs);
	svmgpu_cs_fill(cs, 0x300000, 0, 4);
	svmgpu_cs_end(cs);
	EXPECT_EQ(svmgpu_cs_write(cs, cmd_ptr, SZ_4K), 0);
	EXPECT_EQ(svmgpu_queue_exec_wait(q, 0x300000, svmgpu_cs_size(cs),
					 1000000000), 0);
	EXPECT_EQ(mock.job_error, -EFAULT);
	EXPECT_EQ(svmgpu_queue_exec_wait(q, 0x300000, svmgpu_cs_size(cs),
					 1000000000), -ECANCELED);

	svmgpu_cs_del(cs);
	svmgpu_queue_del(q);
	svmgpu_vm_del(vm);
	svmgpu_bo_del(cmd);
	svmgpu_bo_del(dst);
	svmgpu_bo_del(src);
	svmgpu_device_del(dev);
}

/* ---- Shared virtual memory against the stand-in kernel ----------------- */

/*
 * A device with system SVM, a VM from svmgpu_vm_new_svm() and a queue on
 * it; false if any could not be created.
 */
static bool svm_setup(struct svmgpu_device **dev, struct svmgpu_vm **vm,
		      struct svmgpu_queue **q)
{
	*vm = NULL;
	*q = NULL;
	*dev = fake_device_new();
	if (!*dev)
		return false;
	EXPECT_EQ(svmgpu_vm_new_svm(*dev, vm), 0);
	if (!*vm)
		return false;
	*q = fake_queue_new(*vm);
	return *q;
}

static void svm_teardown(struct svmgpu_device *dev, struct svmgpu_vm *vm,
			 struct svmgpu_queue *q)
{
	svmgpu_queue_del(q);
	svmgpu_vm_del(vm);
	svmgpu_device_del(dev);
}

/* An address that no CPU mapping backs, page-aligned. */
static void *unmapped_page(void)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, 4096);
	return p;
}

static void test_mock_exec_svm(void)
{
	static uint64_t fence __attribute__((aligned(8)));
	static uint32_t cs[4] __attribute__((aligned(8)));
	struct svmgpu_device *dev;
	struct svmgpu_queue *q, *q2;
	struct svmgpu_vm *vm, *vm2;
	unsigned int execs;
	uint64_t fence2 = 0;

	mock_reset(true);
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
	REQUIRE(svm_setup(&dev, &vm, &q));

	EXPECT_EQ(svmgpu_queue_exec_svm(q, cs, sizeof(cs), &fence,
					0x0123456789abcdefull), 0);
	EXPECT_EQ(mock.fd, svmgpu_device_fd(dev));
	EXPECT_EQ(mock.exec.extensions, 0);
	EXPECT_EQ(mock.exec.queue_id, svmgpu_queue_id(q));
	EXPECT_EQ(mock.exec.num_syncs, 0);
	EXPECT_EQ(mock.exec.syncs, 0);
	EXPECT_EQ_HEX(mock.exec.address, (uintptr_t)cs);
	EXPECT_EQ(mock.exec.length, sizeof(cs));
	EXPECT_EQ(mock.exec.flags, DRM_SVMGPU_EXEC_USER_FENCE);
	EXPECT_EQ_HEX(mock.exec.ufence_addr, (uintptr_t)&fence);
	EXPECT_EQ_HEX(mock.exec.ufence_value, 0x0123456789abcdefull);
	/* The fake GPU did nothing, and completed: the fence says so. */
	EXPECT_EQ_HEX(fence, 0x0123456789abcdefull);

	/* On the stack, and the longest buffer. */
	EXPECT_EQ(svmgpu_queue_exec_svm(q, cs, 1u << 20, &fence2, 2), 0);
	EXPECT_EQ_HEX(mock.exec.ufence_addr, (uintptr_t)&fence2);
	EXPECT_EQ(mock.exec.length, 1u << 20);
	EXPECT_EQ(fence2, 2);

	/* Caught before the ioctl. */
	execs = mock.execs;
	EXPECT_EQ(svmgpu_queue_exec_svm(q, NULL, 16, &fence, 1), -EINVAL);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, cs, 16, NULL, 1), -EINVAL);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, (char *)cs + 2, 12, &fence, 1),
		  -EINVAL);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, cs, 0, &fence, 1), -EINVAL);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, cs, 6, &fence, 1), -EINVAL);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, cs, (1u << 20) + 4, &fence, 1),
		  -EINVAL);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, cs, 16,
					(uint64_t *)((char *)&fence + 4), 1),
		  -EINVAL);
	/* The first 64 KiB are never mapped. */
	EXPECT_EQ(svmgpu_queue_exec_svm(q, cs, 16, (uint64_t *)0x8000, 1),
		  -EINVAL);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, (void *)0x8000, 16, &fence, 1),
		  -EFAULT);
	EXPECT_EQ(mock.execs, execs);

	/* A VM that is not in fault mode mirrors nothing. */
	vm2 = fake_vm_new(dev);
	REQUIRE(vm2);
	q2 = fake_queue_new(vm2);
	REQUIRE(q2);
	EXPECT_EQ(svmgpu_queue_exec_svm(q2, cs, 16, &fence, 1), -EINVAL);
	EXPECT_EQ(mock.execs, execs);
	svmgpu_queue_del(q2);
	svmgpu_vm_del(vm2);

	/* Kernel errors come back. */
	mock.queues[svmgpu_queue_id(q) - FAKE_QUEUE_ID_BASE].banned = true;
	EXPECT_EQ(svmgpu_queue_exec_svm(q, cs, 16, &fence, 3), -ECANCELED);
	EXPECT_EQ(mock.execs, execs + 1);
	svm_teardown(dev, vm, q);
}

/* Pointers beyond the VM's range, and devices without SVM. */
static void test_mock_exec_svm_range(void)
{
	static uint32_t cs[4] __attribute__((aligned(8)));
	struct svmgpu_device *dev;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm;
	uint64_t fence = 0;

	/*
	 * A 40-bit GPU cannot reach this process's data or stack, which
	 * lie above 1 << 40 on x86-64 (from 0x55... up).
	 */
	mock_reset(true);
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
	mock.answer.info.va_bits = 40;
	REQUIRE(svm_setup(&dev, &vm, &q));
	if ((uintptr_t)cs >> 40 && (uintptr_t)&fence >> 40) {
		EXPECT_EQ(svmgpu_queue_exec_svm(q, cs, 16, &fence, 1),
			  -EINVAL);
		EXPECT_EQ(svmgpu_queue_exec_svm(q, cs, 16,
						(uint64_t *)0x10000, 1),
			  -EFAULT);
		EXPECT_EQ(mock.execs, 0);
	}
	/* The last word below 1 << 40, for the fence and the buffer. */
	EXPECT_EQ(svmgpu_queue_exec_svm(q, (void *)((1ull << 40) - 16), 16,
					(uint64_t *)((1ull << 40) - 8), 1),
		  0);
	EXPECT_EQ_HEX(mock.exec.ufence_addr, (1ull << 40) - 8);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, (void *)((1ull << 40) - 12), 16,
					(uint64_t *)0x10000, 1), -EFAULT);
	EXPECT_EQ(mock.execs, 1);
	svm_teardown(dev, vm, q);

	/* A queue on a device without SVM: no user fence, no ioctl. */
	mock_reset(true);
	dev = fake_device_new();
	REQUIRE(dev);
	vm = fake_vm_new(dev);
	REQUIRE(vm);
	q = fake_queue_new(vm);
	REQUIRE(q);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, cs, 16, &fence, 1), -EOPNOTSUPP);
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 1, 0, 0), -EOPNOTSUPP);
	EXPECT_EQ(mock.execs, 0);
	EXPECT_EQ(mock.ufence_waits, 0);
	svm_teardown(dev, vm, q);
}

/* Queues of a fault-mode VM signal no syncobj: exec_wait is refused. */
static void test_mock_exec_wait_fault_mode(void)
{
	struct svmgpu_device *dev;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm;
	unsigned int i;

	mock_reset(true);
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
	REQUIRE(svm_setup(&dev, &vm, &q));
	EXPECT_EQ(svmgpu_queue_exec_wait(q, 0x100000, 8, 1000), -EINVAL);
	EXPECT_EQ(mock.execs, 1);
	for (i = 0; i < FAKE_MAX_OBJS; i++)
		EXPECT(!mock.syncobjs[i].live);
	svm_teardown(dev, vm, q);
}

/* Wait for @value with @timeout and no flags: -ETIME, at the deadline. */
static void expect_fence_deadline(struct svmgpu_queue *q, uint64_t *fence,
				  int64_t timeout, bool forever)
{
	int64_t before, after;

	before = monotonic_ns();
	EXPECT_EQ(svmgpu_user_fence_wait(q, fence, *fence + 1, timeout, 0),
		  -ETIME);
	after = monotonic_ns();
	if (forever) {
		EXPECT_EQ_HEX(mock.ufence_wait.timeout_ns, INT64_MAX);
	} else {
		EXPECT(mock.ufence_wait.timeout_ns >= before + timeout);
		EXPECT(mock.ufence_wait.timeout_ns <= after + timeout);
	}
}

static void test_mock_user_fence_wait(void)
{
	const struct drm_svmgpu_wait_user_fence *w = &mock.ufence_wait;
	static const int64_t absolute[] = { 12345, -5, 0, INT64_MAX };
	struct svmgpu_device *dev;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm;
	uint64_t fence = 7;
	unsigned int i;

	mock_reset(true);
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
	REQUIRE(svm_setup(&dev, &vm, &q));

	/* Already there, or past it: no ioctl. */
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 7, 0, 0), 0);
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 3, -1, 0), 0);
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 0, 0, 0), 0);
	EXPECT_EQ(mock.ufence_waits, 0);

	/* Not there: the kernel waits for *fence >= value, on 64 bits. */
	expect_fence_deadline(q, &fence, 5000000000ll, false);
	EXPECT_EQ(mock.ufence_waits, 1);
	EXPECT_EQ(mock.fd, svmgpu_device_fd(dev));
	EXPECT_EQ(w->extensions, 0);
	EXPECT_EQ_HEX(w->addr, (uintptr_t)&fence);
	EXPECT_EQ(w->value, 8);
	EXPECT_EQ_HEX(w->mask, ~0ull);
	EXPECT_EQ(w->op, DRM_SVMGPU_WAIT_GTE);
	EXPECT_EQ(w->queue_id, svmgpu_queue_id(q));
	EXPECT_EQ(w->flags, 0);
	EXPECT_EQ(w->pad, 0);

	/* 0 polls: the deadline is now. Negative or huge: for ever. */
	expect_fence_deadline(q, &fence, 0, false);
	expect_fence_deadline(q, &fence, -1, true);
	expect_fence_deadline(q, &fence, INT64_MIN, true);
	expect_fence_deadline(q, &fence, INT64_MAX, true);
	expect_fence_deadline(q, &fence, INT64_MAX - 1000, true);

	/* An absolute deadline goes to the kernel as it is. */
	for (i = 0; i < ARRAY_SIZE(absolute); i++) {
		EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 8, absolute[i],
						 SVMGPU_USER_FENCE_WAIT_ABSOLUTE),
			  -ETIME);
		EXPECT_EQ(w->timeout_ns, absolute[i]);
	}

	/* Unsigned: a fence at the top is past every value. */
	fence = ~0ull;
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 1ull << 63, 0, 0), 0);
	fence = 1ull << 63;
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, ~0ull, 0, 0), -ETIME);
	EXPECT_EQ(w->value, ~0ull);
	fence = 7;

	/* Bad arguments: no ioctl. */
	i = mock.ufence_waits;
	EXPECT_EQ(svmgpu_user_fence_wait(q, NULL, 1, 0, 0), -EINVAL);
	EXPECT_EQ(svmgpu_user_fence_wait(q, (uint64_t *)((char *)&fence + 4),
					 1, 0, 0), -EINVAL);
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 8, 0, 1u << 1), -EINVAL);
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 8, 0, ~0u), -EINVAL);
	EXPECT_EQ(mock.ufence_waits, i);

	/* A banned queue ends the wait; a value already there does not. */
	mock.queues[svmgpu_queue_id(q) - FAKE_QUEUE_ID_BASE].banned = true;
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 8, -1, 0), -ECANCELED);
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 7, -1, 0), 0);

	/* The value arrives as a later job gets the queue banned. */
	mock.late_ban = true;
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 9, -1, 0), 0);
	EXPECT_EQ(fence, 9);
	mock.late_ban = false;

	/* Other kernel errors come back. */
	mock.fail_request = DRM_IOCTL_SVMGPU_WAIT_USER_FENCE;
	mock.fail_errno = EFAULT;
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 10, -1, 0), -EFAULT);
	mock.fail_request = 0;

	svm_teardown(dev, vm, q);
}

/*
 * Jobs of malloc'd commands on malloc'd and stack memory, built by the
 * command-stream builder with raw pointers and submitted in place, do
 * what they say; the fence tells when. A job that faults bans its queue,
 * and the wait says so.
 */
static void test_mock_svm_jobs_run(void)
{
	uint64_t fence = 0, stack_word = 5, old = 0;
	uint32_t *src, *dst, *bins, i;
	struct svmgpu_device *dev;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm;
	struct svmgpu_cs *cs;
	void *hole;

	mock_reset(true);
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
	mock.run_jobs = true;
	REQUIRE(svm_setup(&dev, &vm, &q));
	src = malloc(SZ_64K);
	dst = malloc(SZ_64K);
	bins = calloc(4, sizeof(*bins));
	REQUIRE(src && dst && bins);
	REQUIRE(!svmgpu_cs_new(&cs));
	memset(dst, 0xee, SZ_64K);

	svmgpu_cs_fill(cs, svmgpu_ptr(src), 0xa1b2c3d4, SZ_64K);
	svmgpu_cs_write_imm32(cs, svmgpu_ptr(&src[1]), 0x11111111);
	svmgpu_cs_copy(cs, svmgpu_ptr(src), svmgpu_ptr(dst), SZ_64K - 4);
	for (i = 0; i < 10; i++)
		svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC, 0,
				 svmgpu_ptr(&bins[i % 3]), 0, 0, 0);
	svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_ADD, DRM_SVMGPU_ATOMIC_RETURN,
			 svmgpu_ptr(&bins[3]), (uint32_t)-2, 0,
			 svmgpu_ptr(&bins[0]));
	svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_CMPXCHG,
			 DRM_SVMGPU_ATOMIC_64 | DRM_SVMGPU_ATOMIC_RETURN,
			 svmgpu_ptr(&stack_word), 1ull << 40, 5,
			 svmgpu_ptr(&old));
	svmgpu_cs_end(cs);
	REQUIRE(!svmgpu_cs_error(cs));

	EXPECT_EQ(svmgpu_queue_exec_svm(q, svmgpu_cs_words(cs),
					svmgpu_cs_size(cs), &fence, 1), 0);
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 1, 1000000000, 0), 0);
	EXPECT_EQ(mock.jobs, 1);
	EXPECT_EQ(mock.job_error, 0);
	EXPECT_EQ_HEX(mock.exec.address, (uintptr_t)svmgpu_cs_words(cs));
	EXPECT_EQ(fence, 1);
	EXPECT_EQ_HEX(dst[0], 0xa1b2c3d4);
	EXPECT_EQ_HEX(dst[1], 0x11111111);
	for (i = 2; i < SZ_64K / 4 - 1; i++)
		if (dst[i] != 0xa1b2c3d4)
			break;
	EXPECT_EQ(i, SZ_64K / 4 - 1);
	EXPECT_EQ_HEX(dst[SZ_64K / 4 - 1], 0xeeeeeeee);
	/* bins[0] got 4 INCs, then the old value of bins[3]. */
	EXPECT_EQ(bins[0], 0);
	EXPECT_EQ(bins[1], 3);
	EXPECT_EQ(bins[2], 3);
	EXPECT_EQ_HEX(bins[3], 0xfffffffe);
	EXPECT_EQ_HEX(stack_word, 1ull << 40);
	EXPECT_EQ(old, 5);

	/* A pointer that nothing backs: the fence never comes. */
	hole = unmapped_page();
	REQUIRE(hole);
	svmgpu_cs_reset(cs);
	svmgpu_cs_write_imm32(cs, svmgpu_ptr(dst), 1);
	svmgpu_cs_write_imm32(cs, svmgpu_ptr(hole), 1);
	svmgpu_cs_end(cs);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, svmgpu_cs_words(cs),
					svmgpu_cs_size(cs), &fence, 2), 0);
	EXPECT_EQ(mock.job_error, -EFAULT);
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 2, 1000000000, 0),
		  -ECANCELED);
	EXPECT_EQ(fence, 1);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, svmgpu_cs_words(cs),
					svmgpu_cs_size(cs), &fence, 3),
		  -ECANCELED);
	svmgpu_queue_del(q);

	/* A fence that nothing backs fails the job too. */
	q = fake_queue_new(vm);
	REQUIRE(q);
	svmgpu_cs_reset(cs);
	svmgpu_cs_end(cs);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, svmgpu_cs_words(cs),
					svmgpu_cs_size(cs), hole, 1), 0);
	EXPECT_EQ(mock.job_error, -EFAULT);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, svmgpu_cs_words(cs),
					svmgpu_cs_size(cs), &fence, 4),
		  -ECANCELED);
	svmgpu_queue_del(q);

	/* A job that never completes: the wait times out. */
	q = fake_queue_new(vm);
	REQUIRE(q);
	mock.hang = true;
	EXPECT_EQ(svmgpu_queue_exec_svm(q, svmgpu_cs_words(cs),
					svmgpu_cs_size(cs), &fence, 5), 0);
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 5, 1000, 0), -ETIME);
	EXPECT_EQ(fence, 1);

	svmgpu_cs_del(cs);
	free(bins);
	free(dst);
	free(src);
	svm_teardown(dev, vm, q);
}

/* svm_device_check(), which runs on real devices, on the fake one. */
static void test_mock_svm_device(void)
{
	int before = count_fds();
	int i;

	mock_reset(true);
	mock.enumerate = true;
	mock.run_jobs = true;
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
	svm_device_check();
	EXPECT(!t_skip);
	EXPECT_EQ(mock.jobs, 1);
	EXPECT_EQ(mock.job_error, 0);
	for (i = 0; i < FAKE_MAX_OBJS; i++)
		EXPECT(!mock.vms[i] && !mock.queues[i].live);
	EXPECT_EQ(count_fds(), before);

	/* Without SVM, as on today's kernels: it skips, and says why. */
	mock_reset(true);
	mock.enumerate = true;
	mock.answer.info.features = ~0ull & ~DRM_SVMGPU_FEATURE_SVM;
	svm_device_check();
	EXPECT(t_skip && !strcmp(t_skip,
				 "the svmgpu driver does not implement SVM"));
	t_skip = NULL;
	EXPECT_EQ(mock.ioctls, 0);
	EXPECT_EQ(count_fds(), before);
}

/* ---- SVM migration against the stand-in kernel -------------------------- */

static void test_mock_svm_migrate_feature(void)
{
	static const uint64_t masks[] = {
		~0ull, DRM_SVMGPU_FEATURE_SVM_MIGRATE,
		DRM_SVMGPU_FEATURE_SVM | DRM_SVMGPU_FEATURE_SVM_MIGRATE |
		(1ull << 63),
	};
	struct svmgpu_device *dev;
	size_t i;

	/* Only DRM_SVMGPU_FEATURE_SVM_MIGRATE counts. */
	for (i = 0; i < ARRAY_SIZE(masks); i++) {
		mock_reset(true);
		mock.answer.info.features = masks[i];
		dev = fake_device_new();
		REQUIRE(dev);
		EXPECT(svmgpu_device_has_svm_migrate(dev));
		svmgpu_device_del(dev);

		mock_reset(true);
		mock.answer.info.features = masks[i] &
					    ~DRM_SVMGPU_FEATURE_SVM_MIGRATE;
		dev = fake_device_new();
		REQUIRE(dev);
		EXPECT(!svmgpu_device_has_svm_migrate(dev));
		svmgpu_device_del(dev);
	}
}

/* A device with SVM and its migration, a mirroring VM and a queue. */
static bool migrate_setup(struct svmgpu_device **dev, struct svmgpu_vm **vm,
			  struct svmgpu_queue **q)
{
	mock_reset(true);
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM |
				    DRM_SVMGPU_FEATURE_SVM_MIGRATE;
	mock.run_jobs = true;
	return svm_setup(dev, vm, q);
}

/* @size bytes of malloc'd memory, 2 MiB aligned, that the CPU wrote. */
static uint8_t *migrate_buf(size_t size)
{
	uint8_t *p = aligned_alloc(SZ_2M, size);

	if (p)
		memset(p, 0x5a, size);
	return p;
}

/* Bytes of [@p, @p + @size) at @loc, as svmgpu_vm_query_attrs() says. */
static uint64_t bytes_at(struct svmgpu_vm *vm, const void *p, uint64_t size,
			 uint32_t loc)
{
	struct drm_svmgpu_vm_attr runs[64];
	uint64_t total = 0;
	uint32_t i, n = ARRAY_SIZE(runs);
	int ret;

	ret = svmgpu_vm_query_attrs(vm, svmgpu_ptr(p), size, 0, runs, &n);
	EXPECT_EQ(ret, 0);
	for (i = 0; !ret && i < n; i++)
		if (runs[i].location == loc)
			total += runs[i].range;
	return total;
}

/* Run @n, as the stand-in kernel described it. */
static void expect_run(const struct drm_svmgpu_vm_attr *run, uint64_t addr,
		       uint64_t range, uint32_t flags, uint32_t preferred_loc,
		       uint32_t atomic_mode, uint32_t location)
{
	EXPECT_EQ_HEX(run->addr, addr);
	EXPECT_EQ_HEX(run->range, range);
	EXPECT_EQ(run->flags, flags);
	EXPECT_EQ(run->preferred_loc, preferred_loc);
	EXPECT_EQ(run->atomic_mode, atomic_mode);
	EXPECT_EQ(run->location, location);
}

static void test_mock_vm_madvise(void)
{
	struct svmgpu_svm_attrs a = {
		.preferred_loc = DRM_SVMGPU_LOC_DEVICE,
		.atomic_mode = DRM_SVMGPU_ATOMIC_MODE_GLOBAL,
		.flags = DRM_SVMGPU_MADVISE_READONLY,
	};
	struct drm_svmgpu_vm_attr runs[4];
	struct svmgpu_device *dev, *other;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm, *plain;
	unsigned int ioctls;
	uint64_t addr;
	uint8_t *buf;
	uint32_t n;
	int fd;

	REQUIRE(migrate_setup(&dev, &vm, &q));
	buf = migrate_buf(2 * SZ_2M);
	REQUIRE(buf);
	addr = svmgpu_ptr(buf);

	EXPECT_EQ(svmgpu_vm_madvise(vm, addr, SZ_2M, &a), 0);
	EXPECT_EQ(mock.madvise.extensions, 0);
	EXPECT_EQ(mock.madvise.vm_id, svmgpu_vm_id(vm));
	EXPECT_EQ(mock.madvise.flags, DRM_SVMGPU_MADVISE_READONLY);
	EXPECT_EQ_HEX(mock.madvise.addr, addr);
	EXPECT_EQ_HEX(mock.madvise.range, SZ_2M);
	EXPECT_EQ(mock.madvise.preferred_loc, DRM_SVMGPU_LOC_DEVICE);
	EXPECT_EQ(mock.madvise.preferred_fd, 0);
	EXPECT_EQ(mock.madvise.atomic_mode, DRM_SVMGPU_ATOMIC_MODE_GLOBAL);
	EXPECT_EQ(mock.madvise.pad, 0);
	n = ARRAY_SIZE(runs);
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, addr, 2 * SZ_2M, 0, runs, &n), 0);
	EXPECT_EQ(n, 2);
	expect_run(&runs[0], addr, SZ_2M, DRM_SVMGPU_MADVISE_READONLY,
		   DRM_SVMGPU_LOC_DEVICE, DRM_SVMGPU_ATOMIC_MODE_GLOBAL,
		   DRM_SVMGPU_LOC_SYSTEM);
	expect_run(&runs[1], addr + SZ_2M, SZ_2M, 0, DRM_SVMGPU_LOC_NONE,
		   DRM_SVMGPU_ATOMIC_MODE_DEVICE, DRM_SVMGPU_LOC_SYSTEM);

	/* Another device's VRAM, by its fd; then this device's, by its own. */
	fd = open("/dev/full", O_RDWR | O_CLOEXEC);
	REQUIRE(fd >= 0);
	EXPECT_EQ(svmgpu_device_new(fd, &other), 0);
	close(fd);
	REQUIRE(other);
	a = (struct svmgpu_svm_attrs) {
		.preferred_loc = DRM_SVMGPU_LOC_DEVICE,
		.flags = DRM_SVMGPU_MADVISE_PREFERRED_FD,
		.preferred_fd = svmgpu_device_fd(other),
	};
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr, SZ_64K, &a), 0);
	EXPECT_EQ(mock.madvise.preferred_fd, svmgpu_device_fd(other));
	a.preferred_fd = svmgpu_device_fd(dev);
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr + SZ_64K, SZ_64K, &a), 0);
	n = ARRAY_SIZE(runs);
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, addr, 2 * SZ_64K, 0, runs, &n), 0);
	EXPECT_EQ(n, 2);
	expect_run(&runs[0], addr, SZ_64K, DRM_SVMGPU_MADVISE_PREFERRED_FD,
		   DRM_SVMGPU_LOC_DEVICE, 0, DRM_SVMGPU_LOC_SYSTEM);
	expect_run(&runs[1], addr + SZ_64K, SZ_64K, 0, DRM_SVMGPU_LOC_DEVICE,
		   0, DRM_SVMGPU_LOC_SYSTEM);
	svmgpu_device_del(other);

	/* The kernel checks the attributes and the range. */
	a = (struct svmgpu_svm_attrs) { .preferred_loc = DRM_SVMGPU_LOC_MIXED };
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr, SZ_4K, &a), -EINVAL);
	a = (struct svmgpu_svm_attrs) { .atomic_mode = 3 };
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr, SZ_4K, &a), -EINVAL);
	a = (struct svmgpu_svm_attrs) { .flags = 1u << 7 };
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr, SZ_4K, &a), -EINVAL);
	EXPECT_EQ(mock.madvise.flags, 1u << 7);
	a = (struct svmgpu_svm_attrs) { .preferred_fd = 3 };
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr, SZ_4K, &a), -EINVAL);
	a = (struct svmgpu_svm_attrs) {
		.preferred_loc = DRM_SVMGPU_LOC_DEVICE,
		.flags = DRM_SVMGPU_MADVISE_PREFERRED_FD,
		.preferred_fd = 1000,
	};
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr, SZ_4K, &a), -EBADF);
	/* /dev/zero poses as vgem. */
	fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
	REQUIRE(fd >= 0);
	a.preferred_fd = fd;
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr, SZ_4K, &a), -EINVAL);
	close(fd);
	a.preferred_fd = svmgpu_device_fd(dev);
	a.preferred_loc = DRM_SVMGPU_LOC_SYSTEM;
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr, SZ_4K, &a), -EINVAL);
	a = (struct svmgpu_svm_attrs) { 0 };
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr + 1, SZ_4K, &a), -EINVAL);
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr, 0, &a), -EINVAL);
	EXPECT_EQ(svmgpu_vm_madvise(vm, 0x1000, SZ_4K, &a), -EINVAL);

	/* What the library refuses itself, without an ioctl. */
	ioctls = mock.ioctls;
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr, SZ_4K, NULL), -EINVAL);
	EXPECT_EQ(svmgpu_vm_new_flags(dev, 0, &plain), 0);
	REQUIRE(plain);
	ioctls = mock.ioctls;
	EXPECT_EQ(svmgpu_vm_madvise(plain, addr, SZ_4K, &a), -EINVAL);
	EXPECT_EQ(mock.ioctls, ioctls);
	svmgpu_vm_del(plain);

	free(buf);
	svm_teardown(dev, vm, q);

	/* Without DRM_SVMGPU_FEATURE_SVM_MIGRATE, as before uAPI 1.4. */
	mock_reset(true);
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
	REQUIRE(svm_setup(&dev, &vm, &q));
	EXPECT_EQ(svmgpu_vm_madvise(vm, 0x200000, SZ_4K, &a), -EOPNOTSUPP);
	EXPECT_EQ(mock.madvises, 0);
	svm_teardown(dev, vm, q);
}

static void test_mock_vm_prefetch(void)
{
	const struct drm_svmgpu_vm_bind_op *op = &mock.bind_ops[0];
	struct svmgpu_device *dev;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm, *plain;
	unsigned int ioctls, cpu;
	uint64_t addr;
	uint8_t *buf;

	REQUIRE(migrate_setup(&dev, &vm, &q));
	buf = migrate_buf(2 * SZ_2M);
	REQUIRE(buf);
	addr = svmgpu_ptr(buf);

	EXPECT_EQ(svmgpu_vm_prefetch(vm, addr, 2 * SZ_2M, 0), 0);
	EXPECT_EQ(mock.vm_bind.vm_id, svmgpu_vm_id(vm));
	EXPECT_EQ(mock.vm_bind.num_ops, 1);
	EXPECT_EQ(mock.vm_bind.num_syncs, 0);
	EXPECT_EQ(op->op, DRM_SVMGPU_VM_BIND_OP_PREFETCH);
	EXPECT_EQ(op->flags, 0);
	EXPECT_EQ(op->handle, 0);
	EXPECT_EQ(op->bo_offset, 0);
	EXPECT_EQ_HEX(op->addr, addr);
	EXPECT_EQ_HEX(op->range, 2 * SZ_2M);
	EXPECT_EQ(mock.prefetches, 1);
	EXPECT_EQ(bytes_at(vm, buf, 2 * SZ_2M, DRM_SVMGPU_LOC_DEVICE),
		  2 * SZ_2M);

	/*
	 * The CPU's access brings it back, data and all. Volatile: the
	 * compiler must not read it before the counter.
	 */
	cpu = mock.cpu_migrations;
	EXPECT_EQ(*(volatile uint8_t *)&buf[12345], 0x5a);
	EXPECT_EQ(mock.cpu_migrations, cpu + 1);
	EXPECT_EQ(bytes_at(vm, buf, 2 * SZ_2M, DRM_SVMGPU_LOC_SYSTEM),
		  2 * SZ_2M);

	/* To VRAM and back by prefetches: the CPU takes no fault. */
	EXPECT_EQ(svmgpu_vm_prefetch(vm, addr + SZ_2M, SZ_2M, 0), 0);
	EXPECT_EQ(bytes_at(vm, buf, 2 * SZ_2M, DRM_SVMGPU_LOC_DEVICE), SZ_2M);
	EXPECT_EQ(svmgpu_vm_prefetch(vm, addr, 2 * SZ_2M,
				     DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM), 0);
	EXPECT_EQ(op->flags, DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM);
	EXPECT_EQ(bytes_at(vm, buf, 2 * SZ_2M, DRM_SVMGPU_LOC_SYSTEM),
		  2 * SZ_2M);
	EXPECT_EQ(buf[2 * SZ_2M - 1], 0x5a);
	EXPECT_EQ(mock.cpu_migrations, cpu + 1);

	/* Flags go to the kernel as they are; it checks them and the range. */
	EXPECT_EQ(svmgpu_vm_prefetch(vm, addr, SZ_2M, 1u << 5), -EINVAL);
	EXPECT_EQ(op->flags, 1u << 5);
	EXPECT_EQ(svmgpu_vm_prefetch(vm, addr + 1, SZ_2M, 0), -EINVAL);
	EXPECT_EQ(svmgpu_vm_prefetch(vm, 0x1000, SZ_4K, 0), -EINVAL);
	EXPECT_EQ(svmgpu_vm_prefetch(vm, svmgpu_ptr(unmapped_page()), SZ_4K,
				     0), -EFAULT);
	EXPECT_EQ(svmgpu_vm_unmap(vm, addr, SZ_2M), 0);
	EXPECT_EQ(svmgpu_vm_prefetch(vm, addr, SZ_4K, 0), -EINVAL);

	/* Not in fault mode: refused without an ioctl. */
	EXPECT_EQ(svmgpu_vm_new_flags(dev, 0, &plain), 0);
	REQUIRE(plain);
	ioctls = mock.ioctls;
	EXPECT_EQ(svmgpu_vm_prefetch(plain, addr, SZ_4K, 0), -EINVAL);
	EXPECT_EQ(mock.ioctls, ioctls);
	svmgpu_vm_del(plain);

	free(buf);
	svm_teardown(dev, vm, q);

	/* Without DRM_SVMGPU_FEATURE_SVM_MIGRATE: no ioctl either. */
	mock_reset(true);
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
	REQUIRE(svm_setup(&dev, &vm, &q));
	ioctls = mock.ioctls;
	EXPECT_EQ(svmgpu_vm_prefetch(vm, 0x200000, SZ_4K, 0), -EOPNOTSUPP);
	EXPECT_EQ(mock.ioctls, ioctls);
	svm_teardown(dev, vm, q);
}

/* Query [@addr, @addr + 4 MiB) and expect the runs of the layout below. */
static void expect_layout(struct svmgpu_vm *vm, uint64_t addr)
{
	struct drm_svmgpu_vm_attr runs[8];
	uint32_t n = ARRAY_SIZE(runs);

	EXPECT_EQ(svmgpu_vm_query_attrs(vm, addr, 2 * SZ_2M, 0, runs, &n), 0);
	EXPECT_EQ(n, 5);
	if (n != 5)
		return;
	expect_run(&runs[0], addr, SZ_64K, 0, 0, 0, DRM_SVMGPU_LOC_SYSTEM);
	expect_run(&runs[1], addr + SZ_64K, SZ_64K, 0, DRM_SVMGPU_LOC_DEVICE,
		   0, DRM_SVMGPU_LOC_SYSTEM);
	expect_run(&runs[2], addr + 2 * SZ_64K, SZ_2M / 2 - 2 * SZ_64K, 0, 0,
		   0, DRM_SVMGPU_LOC_SYSTEM);
	expect_run(&runs[3], addr + SZ_2M / 2, SZ_2M / 2, 0, 0, 0,
		   DRM_SVMGPU_LOC_DEVICE);
	expect_run(&runs[4], addr + SZ_2M, SZ_2M, 0, 0, 0,
		   DRM_SVMGPU_LOC_SYSTEM);
}

static void test_mock_vm_query_attrs(void)
{
	const struct svmgpu_svm_attrs dev_pref = {
		.preferred_loc = DRM_SVMGPU_LOC_DEVICE,
	};
	struct drm_svmgpu_vm_attr runs[8];
	struct svmgpu_device *dev;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm;
	unsigned int ioctls, calls;
	uint64_t addr;
	uint8_t *buf;
	uint32_t n;

	REQUIRE(migrate_setup(&dev, &vm, &q));
	buf = migrate_buf(2 * SZ_2M);
	REQUIRE(buf);
	addr = svmgpu_ptr(buf);

	/*
	 * The layout: a 64 KiB range that prefers the device, and the
	 * second 1 MiB in VRAM.
	 */
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr + SZ_64K, SZ_64K, &dev_pref), 0);
	EXPECT_EQ(svmgpu_vm_prefetch(vm, addr + SZ_2M / 2, SZ_2M / 2, 0), 0);
	calls = mock.attr_queries;
	expect_layout(vm, addr);
	EXPECT_EQ(mock.attr_queries, calls + 1);
	EXPECT_EQ(mock.query_attrs.extensions, 0);
	EXPECT_EQ(mock.query_attrs.vm_id, svmgpu_vm_id(vm));
	EXPECT_EQ(mock.query_attrs.flags, 0);
	EXPECT_EQ_HEX(mock.query_attrs.addr, addr);
	EXPECT_EQ_HEX(mock.query_attrs.range, 2 * SZ_2M);
	EXPECT_EQ(mock.query_attrs.num_attrs, 8);
	EXPECT_EQ(mock.query_attrs.pad, 0);

	/* Coarse: split where the attributes change only. */
	n = ARRAY_SIZE(runs);
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, addr, 2 * SZ_2M,
					DRM_SVMGPU_QUERY_ATTRS_COARSE, runs,
					&n), 0);
	EXPECT_EQ(mock.query_attrs.flags, DRM_SVMGPU_QUERY_ATTRS_COARSE);
	EXPECT_EQ(n, 3);
	expect_run(&runs[2], addr + 2 * SZ_64K, 2 * SZ_2M - 2 * SZ_64K, 0, 0,
		   0, DRM_SVMGPU_LOC_MIXED);

	/* A kernel that answers one run a call: the library asks again. */
	mock.query_max = 1;
	calls = mock.attr_queries;
	expect_layout(vm, addr);
	EXPECT_EQ(mock.attr_queries, calls + 5);

	/* One that stops amid runs: the pieces are joined. */
	mock.query_max = 0;
	mock.query_pages = 100;
	calls = mock.attr_queries;
	expect_layout(vm, addr);
	EXPECT_EQ(mock.attr_queries, calls + 11);
	mock.query_pages = 0;

	/* A short array: the runs so far, from the start. */
	n = 2;
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, addr, 2 * SZ_2M, 0, runs, &n), 0);
	EXPECT_EQ(n, 2);
	expect_run(&runs[1], addr + SZ_64K, SZ_64K, 0, DRM_SVMGPU_LOC_DEVICE,
		   0, DRM_SVMGPU_LOC_SYSTEM);

	/* A malformed answer. */
	mock.query_bad = true;
	n = 8;
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, addr, SZ_2M, 0, runs, &n),
		  -EPROTO);
	EXPECT_EQ(n, 8);
	mock.query_bad = false;

	/* The kernel's checks. */
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, addr, SZ_2M, 1u << 4, runs, &n),
		  -EINVAL);
	EXPECT_EQ(mock.query_attrs.flags, 1u << 4);
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, addr + 8, SZ_2M, 0, runs, &n),
		  -EINVAL);
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, 0x1000, SZ_4K, 0, runs, &n),
		  -EINVAL);

	/* The library's, without an ioctl. */
	ioctls = mock.ioctls;
	n = 0;
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, addr, SZ_2M, 0, runs, &n),
		  -EINVAL);
	n = 8;
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, addr, SZ_2M, 0, NULL, &n),
		  -EINVAL);
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, addr, SZ_2M, 0, runs, NULL),
		  -EINVAL);
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, addr, 0, 0, runs, &n), -EINVAL);
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, ~0ull - SZ_4K + 1, 2 * SZ_4K, 0,
					runs, &n), -EINVAL);
	EXPECT_EQ(mock.ioctls, ioctls);
	EXPECT_EQ(n, 8);

	EXPECT_EQ(svmgpu_vm_prefetch(vm, addr, 2 * SZ_2M,
				     DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM), 0);
	free(buf);
	svm_teardown(dev, vm, q);

	/* Without DRM_SVMGPU_FEATURE_SVM_MIGRATE. */
	mock_reset(true);
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
	REQUIRE(svm_setup(&dev, &vm, &q));
	ioctls = mock.ioctls;
	n = 8;
	EXPECT_EQ(svmgpu_vm_query_attrs(vm, 0x200000, SZ_4K, 0, runs, &n),
		  -EOPNOTSUPP);
	EXPECT_EQ(mock.ioctls, ioctls);
	svm_teardown(dev, vm, q);
}

/*
 * GPU jobs on memory that prefers the device move it to VRAM, unless
 * NO_MIGRATE; a GPU write to a READONLY range fails the job.
 */
static void test_mock_svm_migrate_jobs(void)
{
	struct svmgpu_svm_attrs a = { .preferred_loc = DRM_SVMGPU_LOC_DEVICE };
	struct svmgpu_device *dev;
	struct svmgpu_queue *q;
	struct svmgpu_vm *vm;
	struct svmgpu_cs *cs;
	uint64_t addr, fence = 0;
	uint32_t *buf;
	size_t i;

	REQUIRE(migrate_setup(&dev, &vm, &q));
	buf = (uint32_t *)migrate_buf(2 * SZ_2M);
	REQUIRE(buf);
	REQUIRE(!svmgpu_cs_new(&cs));
	addr = svmgpu_ptr(buf);

	EXPECT_EQ(svmgpu_vm_madvise(vm, addr, SZ_2M / 2, &a), 0);
	a.flags = DRM_SVMGPU_MADVISE_NO_MIGRATE;
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr + SZ_2M / 2, SZ_2M / 2, &a), 0);
	a = (struct svmgpu_svm_attrs) { .flags = DRM_SVMGPU_MADVISE_READONLY };
	EXPECT_EQ(svmgpu_vm_madvise(vm, addr + SZ_2M, SZ_2M, &a), 0);

	svmgpu_cs_fill(cs, addr, 0x600dc0de, SZ_2M);
	svmgpu_cs_end(cs);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, svmgpu_cs_words(cs),
					svmgpu_cs_size(cs), &fence, 1), 0);
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 1, 0, 0), 0);
	EXPECT_EQ(mock.gpu_migrations, SZ_2M / 2 / SZ_4K);
	EXPECT_EQ(bytes_at(vm, buf, SZ_2M / 2, DRM_SVMGPU_LOC_DEVICE),
		  SZ_2M / 2);
	EXPECT_EQ(bytes_at(vm, buf, 2 * SZ_2M, DRM_SVMGPU_LOC_SYSTEM),
		  SZ_2M + SZ_2M / 2);

	/* The CPU reads it all back. */
	for (i = 0; i < SZ_2M / 4; i++)
		if (buf[i] != 0x600dc0de)
			break;
	EXPECT_EQ(i, SZ_2M / 4);
	EXPECT_EQ(mock.cpu_migrations, 1);
	EXPECT_EQ(bytes_at(vm, buf, 2 * SZ_2M, DRM_SVMGPU_LOC_SYSTEM),
		  2 * SZ_2M);

	/* A GPU write where the GPU may only read. */
	svmgpu_cs_reset(cs);
	svmgpu_cs_write_imm32(cs, addr + SZ_2M, 1);
	svmgpu_cs_end(cs);
	EXPECT_EQ(svmgpu_queue_exec_svm(q, svmgpu_cs_words(cs),
					svmgpu_cs_size(cs), &fence, 2), 0);
	EXPECT_EQ(svmgpu_user_fence_wait(q, &fence, 2, 0, 0), -ECANCELED);
	EXPECT_EQ(mock.job_error, -EFAULT);
	EXPECT_EQ(buf[SZ_2M / 4], 0x5a5a5a5a);

	svmgpu_cs_del(cs);
	free(buf);
	svm_teardown(dev, vm, q);
}

/* The examples, built with their main() renamed. */
int svmgpu_fill_copy_main(int argc, char **argv);
int svmgpu_bo_move_main(int argc, char **argv);
int svmgpu_histogram_main(int argc, char **argv);
int svmgpu_migrate_main(int argc, char **argv);

/* The stderr of the last example run_main() ran. */
static char example_stderr[1024];

/* Read back what @tmp captured into @buf, and close it. */
static void read_capture(FILE *tmp, char *buf, size_t len)
{
	size_t n;

	rewind(tmp);
	n = fread(buf, 1, len - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}

/*
 * Run an example's @main_fn with its stdout in @out and its stderr in
 * example_stderr; return its exit status.
 */
static int run_main(int (*main_fn)(int, char **), const char *prog,
		    char *out, size_t len)
{
	char name[64];
	char *argv[] = { name, NULL };
	int saved_out, saved_err, status;
	FILE *tmp, *tmp_err;

	out[0] = '\0';
	example_stderr[0] = '\0';
	tmp = tmpfile();
	tmp_err = tmpfile();
	if (!tmp || !tmp_err) {
		if (tmp)
			fclose(tmp);
		if (tmp_err)
			fclose(tmp_err);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDOUT_FILENO);
	dup2(fileno(tmp_err), STDERR_FILENO);
	snprintf(name, sizeof(name), "%s", prog);
	status = main_fn(1, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);

	read_capture(tmp, out, len);
	read_capture(tmp_err, example_stderr, sizeof(example_stderr));
	return status;
}

static int run_example(char *out, size_t len)
{
	return run_main(svmgpu_fill_copy_main, "svmgpu_fill_copy", out, len);
}

/* The example program, on the fake GPU with every feature. */
static void test_example_fill_copy(void)
{
	int before = count_fds();
	char out[256];
	int i;

	mock_reset(true);
	mock.enumerate = true;
	mock.run_jobs = true;
	mock.answer.info.features = DRM_SVMGPU_FEATURE_GEM |
				    DRM_SVMGPU_FEATURE_VM |
				    DRM_SVMGPU_FEATURE_EXEC;
	EXPECT_EQ(run_example(out, sizeof(out)), 0);
	EXPECT(!strcmp(out, "fill+copy of 1048576 bytes: OK\n"));
	if (strcmp(out, "fill+copy of 1048576 bytes: OK\n"))
		diag("output: %s", out);
	EXPECT_EQ(mock.jobs, 1);
	EXPECT_EQ(mock.job_error, 0);

	/* Everything it created is gone, and no fd is left open. */
	for (i = 0; i < FAKE_MAX_OBJS; i++)
		EXPECT(!mock.bos[i].live && !mock.vms[i] &&
		       !mock.queues[i].live && !mock.syncobjs[i].live &&
		       !mock.maps[i].addr);
	EXPECT_EQ(count_fds(), before);
}

/* A GPU that does nothing: the example sees the mismatch. */
static void test_example_fill_copy_mismatch(void)
{
	char out[256];

	mock_reset(true);
	mock.enumerate = true;
	mock.answer.info.features = ~0ull;
	EXPECT_EQ(run_example(out, sizeof(out)), 1);
	EXPECT(strstr(out, "fill+copy of 1048576 bytes: mismatch at byte 0: "
		      "0x00000000, expected 0x") == out);
}

/* A driver without the features: the example skips, saying which. */
static void test_example_fill_copy_skip(void)
{
	char out[256];

	mock_reset(true);
	mock.enumerate = true;
	EXPECT_EQ(run_example(out, sizeof(out)), 77);
	EXPECT(!strcmp(out, "skipped: the driver does not implement GEM, VM, "
		       "EXEC yet\n"));
	EXPECT_EQ(mock.ioctls, 0);

	mock.answer.info.features = DRM_SVMGPU_FEATURE_GEM | (1ull << 40);
	EXPECT_EQ(run_example(out, sizeof(out)), 77);
	EXPECT(!strcmp(out, "skipped: the driver does not implement VM, EXEC "
		       "yet\n"));
	EXPECT_EQ(mock.ioctls, 0);
}

static int run_bo_move(char *out, size_t len)
{
	return run_main(svmgpu_bo_move_main, "svmgpu_bo_move", out, len);
}

/* Every feature svmgpu_bo_move needs. */
#define BO_MOVE_FEATURES (DRM_SVMGPU_FEATURE_GEM | DRM_SVMGPU_FEATURE_VM | \
			  DRM_SVMGPU_FEATURE_EXEC | \
			  DRM_SVMGPU_FEATURE_GEM_MIGRATE)

/* Whether line @n (from 0) of @out starts with @prefix. */
static bool line_starts(const char *out, unsigned int n, const char *prefix)
{
	while (n-- && out)
		if ((out = strchr(out, '\n')))
			out++;
	return out && !strncmp(out, prefix, strlen(prefix));
}

/*
 * The example on the fake GPU with every feature: the BO moves four
 * times, through hints and VRAM pressure, and one pointer sees it all.
 */
static void test_example_bo_move(void)
{
	static const char *const lines[] = {
		"created: 8 MiB BO mapped at 0x",
		"(a) migrate to system: placement system, moves 1, data OK\n",
		"(b) migrate to vram: placement vram, moves 2, data OK\n",
		"(c) evict by 9 VRAM-only BOs (270 MiB > 240 MiB for BOs): "
		"placement system, moves 3, data OK\n",
		"(d) migrate to vram: placement vram, moves 4, data OK\n",
		"(e) GPU FILL of the second half: placement vram, moves 4, "
		"data OK\n",
		"pointer 0x",
	};
	int before = count_fds();
	unsigned int i, n;
	char out[2048];

	mock_reset(true);
	mock.enumerate = true;
	mock.run_jobs = true;
	mock.answer.info.features = BO_MOVE_FEATURES;
	EXPECT_EQ(run_bo_move(out, sizeof(out)), 0);
	for (i = 0; i < ARRAY_SIZE(lines); i++)
		EXPECT(line_starts(out, i, lines[i]));
	EXPECT(strstr(out, " stayed valid across 4 moves: OK\n"));
	/* One line a step, nothing more. */
	for (i = 0, n = 0; out[i]; i++)
		n += out[i] == '\n';
	EXPECT_EQ(n, ARRAY_SIZE(lines));
	if (t_failed)
		diag("output:\n%s", out);
	EXPECT_EQ(mock.jobs, 1);
	EXPECT_EQ(mock.job_error, 0);
	/* Three hints; the migrate of (d) evicted nothing: VRAM was free. */
	EXPECT_EQ(mock.gem_migrates, 3);

	for (i = 0; i < FAKE_MAX_OBJS; i++)
		EXPECT(!mock.bos[i].live && !mock.vms[i] &&
		       !mock.queues[i].live && !mock.syncobjs[i].live &&
		       !mock.maps[i].addr);
	EXPECT_EQ(count_fds(), before);
}

/* A move that loses data: the first check through the pointer sees it. */
static void test_example_bo_move_mismatch(void)
{
	char out[2048];

	mock_reset(true);
	mock.enumerate = true;
	mock.run_jobs = true;
	mock.answer.info.features = BO_MOVE_FEATURES;
	mock.corrupt_moves = true;
	EXPECT_EQ(run_bo_move(out, sizeof(out)), 1);
	EXPECT(line_starts(out, 1, "(a) migrate to system: mismatch at byte 0: "
			   "0x"));
	EXPECT(!strstr(out, "OK\n"));
	if (t_failed)
		diag("output:\n%s", out);
}

/* VRAM pressure that evicts nothing: the example says the BO stayed. */
static void test_example_bo_move_no_eviction(void)
{
	char out[2048];

	mock_reset(true);
	mock.enumerate = true;
	mock.run_jobs = true;
	mock.answer.info.features = BO_MOVE_FEATURES;
	mock.no_evict = true;
	EXPECT_EQ(run_bo_move(out, sizeof(out)), 1);
	EXPECT(line_starts(out, 3, "(c) evict by 9 VRAM-only BOs (270 MiB > "
			   "240 MiB for BOs): placement vram, expected "
			   "system\n"));
	if (t_failed)
		diag("output:\n%s", out);
}

/* A GPU that does nothing: the second half lacks its pattern. */
static void test_example_bo_move_gpu_mismatch(void)
{
	char out[2048];

	mock_reset(true);
	mock.enumerate = true;
	mock.answer.info.features = BO_MOVE_FEATURES;
	EXPECT_EQ(run_bo_move(out, sizeof(out)), 1);
	EXPECT(line_starts(out, 5, "(e) GPU FILL of the second half: mismatch "
			   "at byte 4194304: 0x"));
	if (t_failed)
		diag("output:\n%s", out);
}

/* A driver without migration: the example skips, saying so. */
static void test_example_bo_move_skip(void)
{
	char out[256];

	mock_reset(true);
	mock.enumerate = true;
	mock.answer.info.features = DRM_SVMGPU_FEATURE_GEM |
				    DRM_SVMGPU_FEATURE_VM |
				    DRM_SVMGPU_FEATURE_EXEC;
	EXPECT_EQ(run_bo_move(out, sizeof(out)), 77);
	EXPECT(!strcmp(out, "skipped: the driver does not implement "
		       "GEM_MIGRATE yet\n"));
	EXPECT_EQ(mock.ioctls, 0);
}

static int run_histogram(char *out, size_t len)
{
	return run_main(svmgpu_histogram_main, "svmgpu_histogram", out, len);
}

/* The fake GPU, for svmgpu_histogram: a device with system SVM. */
static void mock_histogram(void)
{
	mock_reset(true);
	mock.enumerate = true;
	mock.run_jobs = true;
	mock.answer.info.features = DRM_SVMGPU_FEATURE_SVM;
}

/* Nothing svmgpu_histogram created is left in the fake kernel. */
static void expect_histogram_gone(int fds)
{
	int i;

	for (i = 0; i < FAKE_MAX_OBJS; i++)
		EXPECT(!mock.vms[i] && !mock.queues[i].live &&
		       !mock.syncobjs[i].live);
	EXPECT_EQ(count_fds(), fds);
}

/*
 * The example on the fake GPU: one job of 16384 atomics, a FILL and a
 * COPY, from malloc'd memory on malloc'd memory, gets the CPU's
 * histogram twice.
 */
static void test_example_histogram(void)
{
	static const char *const lines[] = {
		("job: 16387 commands in 589884 bytes of malloc'd memory, "
		 "pointers as GPU addresses\n"),
		"bins, counted by GPU atomics: OK (bins of 10 to 527)\n",
		"copy of the bins, by a GPU COPY: OK (bins of 10 to 527)\n",
	};
	int before = count_fds();
	unsigned int i, n;
	char out[1024];

	mock_histogram();
	EXPECT_EQ(run_histogram(out, sizeof(out)), 0);
	for (i = 0; i < ARRAY_SIZE(lines); i++)
		EXPECT(line_starts(out, i, lines[i]));
	for (i = 0, n = 0; out[i]; i++)
		n += out[i] == '\n';
	EXPECT_EQ(n, ARRAY_SIZE(lines));
	if (t_failed)
		diag("output:\n%s", out);
	EXPECT_EQ(mock.jobs, 1);
	EXPECT_EQ(mock.job_error, 0);
	/* In a mirroring VM, with a user fence, by the pointers. */
	EXPECT_EQ(mock.vm_create.flags, DRM_SVMGPU_VM_CREATE_FAULT_MODE);
	EXPECT_EQ(mock.bind_ops[0].op, DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR);
	EXPECT_EQ(mock.exec.flags, DRM_SVMGPU_EXEC_USER_FENCE);
	EXPECT_EQ(mock.exec.length, 589884);
	EXPECT_EQ(mock.exec.ufence_value, 1);
	EXPECT_EQ(mock.execs, 1);
	expect_histogram_gone(before);
}

/* A GPU that completes doing nothing: the bins keep the CPU's garbage. */
static void test_example_histogram_mismatch(void)
{
	int before = count_fds();
	char out[1024];

	mock_histogram();
	mock.run_jobs = false;
	EXPECT_EQ(run_histogram(out, sizeof(out)), 1);
	EXPECT(line_starts(out, 1, "bins, counted by GPU atomics: mismatch "
			   "in bin 0: GPU 0xeeeeeeee, CPU 0x"));
	EXPECT(line_starts(out, 2, "copy of the bins, by a GPU COPY: "
			   "mismatch in bin 0: GPU 0xdddddddd, CPU 0x"));
	if (t_failed)
		diag("output:\n%s", out);
	expect_histogram_gone(before);
}

/* A job that fails on the GPU, or never ends: no fence, no check. */
static void test_example_histogram_job_fails(void)
{
	int before = count_fds();
	char out[1024];

	mock_histogram();
	mock.fail_jobs = -EFAULT;
	EXPECT_EQ(run_histogram(out, sizeof(out)), 1);
	/* The job line, and nothing checked. */
	EXPECT(line_starts(out, 0, "job: ") &&
	       strchr(out, '\n') == out + strlen(out) - 1);
	EXPECT(!strcmp(example_stderr, "svmgpu_histogram: the job failed on "
		       "the GPU, which banned its queue\n"));
	EXPECT_EQ(mock.ufence_waits, 1);
	EXPECT_EQ(mock.ufence_wait.queue_id, FAKE_QUEUE_ID_BASE + 1);
	expect_histogram_gone(before);

	/*
	 * A job that may still run keeps its memory, which the example
	 * leaves allocated: here, once, 600 KiB.
	 */
	mock_histogram();
	mock.hang = true;
	EXPECT_EQ(run_histogram(out, sizeof(out)), 1);
	EXPECT(line_starts(out, 0, "job: ") &&
	       strchr(out, '\n') == out + strlen(out) - 1);
	EXPECT(!strcmp(example_stderr, "svmgpu_histogram: the job did not "
		       "complete in 30 s\n"));
	expect_histogram_gone(before);
	if (t_failed)
		diag("output:\n%s%s", out, example_stderr);
}

/* A driver without system SVM, as before uAPI 1.3: the example skips. */
static void test_example_histogram_skip(void)
{
	char out[256];

	mock_histogram();
	mock.answer.info.features = ~0ull & ~DRM_SVMGPU_FEATURE_SVM;
	EXPECT_EQ(run_histogram(out, sizeof(out)), 77);
	EXPECT(!strcmp(out, "skipped: the driver does not implement system "
		       "SVM yet\n"));
	EXPECT_EQ(mock.ioctls, 0);
}

static int run_migrate(char *out, size_t len)
{
	return run_main(svmgpu_migrate_main, "svmgpu_migrate", out, len);
}

/* The fake GPU, for svmgpu_migrate: system SVM and its migration. */
static void mock_migrate(void)
{
	mock_histogram();
	mock.answer.info.features |= DRM_SVMGPU_FEATURE_SVM_MIGRATE;
}

/*
 * The example on the fake GPU: the GPU's faults move the buffer to VRAM,
 * the CPU's reads bring it back, and so do prefetches, every value intact.
 */
static void test_example_migrate(void)
{
	static const char *const lines[] = {
		"buffer: 4096 KiB of malloc'd memory at 0x",
		"written by the CPU: buffer in system 4096 KiB\n",
		("(a) preferred location vram, then a GPU COPY of 2048 KiB "
		 "and 512 ATOMIC ADDs: done\n"),
		"(a) after the GPU's faults: buffer in vram 4096 KiB\n",
		"(b) CPU read-back: all 1048576 values OK\n",
		"(b) after the CPU's reads: buffer in system 4096 KiB\n",
		"(c) prefetch to vram: buffer in vram 4096 KiB\n",
		"(c) prefetch to system: buffer in system 4096 KiB\n",
		"(c) CPU read-back: all 1048576 values OK\n",
	};
	int before = count_fds();
	unsigned int i, n;
	char out[2048];

	mock_migrate();
	EXPECT_EQ(run_migrate(out, sizeof(out)), 0);
	for (i = 0; i < ARRAY_SIZE(lines); i++)
		EXPECT(line_starts(out, i, lines[i]));
	for (i = 0, n = 0; out[i]; i++)
		n += out[i] == '\n';
	EXPECT_EQ(n, ARRAY_SIZE(lines));
	EXPECT(!example_stderr[0]);
	if (t_failed)
		diag("output:\n%s%s", out, example_stderr);
	EXPECT_EQ(mock.jobs, 1);
	EXPECT_EQ(mock.job_error, 0);
	EXPECT_EQ(mock.madvises, 1);
	EXPECT_EQ(mock.madvise.preferred_loc, DRM_SVMGPU_LOC_DEVICE);
	EXPECT_EQ(mock.madvise.range, 4u << 20);
	EXPECT_EQ(mock.gpu_migrations, 1024);
	EXPECT_EQ(mock.cpu_migrations, 1);
	EXPECT_EQ(mock.prefetches, 2);
	expect_histogram_gone(before);
}

/* A GPU that completes doing nothing: nothing moves, and it says so. */
static void test_example_migrate_no_gpu(void)
{
	int before = count_fds();
	char out[2048];

	mock_migrate();
	mock.run_jobs = false;
	EXPECT_EQ(run_migrate(out, sizeof(out)), 1);
	EXPECT(line_starts(out, 3, "(a) after the GPU's faults: buffer in "
			   "system 4096 KiB\n"));
	EXPECT(line_starts(out, 4, "(a) after the GPU's faults: expected all "
			   "of it in vram\n"));
	if (t_failed)
		diag("output:\n%s", out);
	expect_histogram_gone(before);
}

/* A job that fails on the GPU: no fence, nothing checked. */
static void test_example_migrate_job_fails(void)
{
	int before = count_fds();
	char out[2048];

	mock_migrate();
	mock.fail_jobs = -EFAULT;
	EXPECT_EQ(run_migrate(out, sizeof(out)), 1);
	EXPECT(!strcmp(example_stderr, "svmgpu_migrate: the job failed on "
		       "the GPU, which banned its queue\n"));
	EXPECT(!strstr(out, "(a)"));
	if (t_failed)
		diag("output:\n%s%s", out, example_stderr);
	expect_histogram_gone(before);
}

/* A driver without SVM migration, as before uAPI 1.4: it skips. */
static void test_example_migrate_skip(void)
{
	char out[256];

	mock_migrate();
	mock.answer.info.features &= ~DRM_SVMGPU_FEATURE_SVM_MIGRATE;
	EXPECT_EQ(run_migrate(out, sizeof(out)), 77);
	EXPECT(!strcmp(out, "skipped: the driver does not implement SVM "
		       "migration yet\n"));
	EXPECT_EQ(mock.ioctls, 0);
}

/* ---- Runner ------------------------------------------------------------- */

static void mock_off(void)
{
	mock_reset(false);
}

static const struct tap_test tests[] = {
	{ "null_arguments", test_null_arguments },
	{ "null_objects", test_null_objects },
	{ "placement_name", test_placement_name },
	{ "location_name", test_location_name },
	{ "new_bad_fd", test_new_bad_fd },
	{ "new_dev_null", test_new_dev_null },
	{ "new_pipe", test_new_pipe },
	{ "new_regular_file", test_new_regular_file },
	{ "open_no_device", test_open_no_device },
	{ "open_index_out_of_range", test_open_index_out_of_range },
	{ "svm_device", test_svm_device },
	{ "mock_new_dups_fd", test_mock_new_dups_fd },
	{ "mock_new_wrong_driver", test_mock_new_wrong_driver },
	{ "mock_get_info", test_mock_get_info },
	{ "mock_query", test_mock_query },
	{ "mock_refcount", test_mock_refcount },
	{ "mock_refcount_threads", test_mock_refcount_threads },
	{ "mock_newer_kernel", test_mock_newer_kernel },
	{ "mock_vram_bo_size", test_mock_vram_bo_size },
	{ "mock_bad_kernel", test_mock_bad_kernel },
	{ "mock_system_svm", test_mock_system_svm },
	{ "mock_open_order", test_mock_open_order },
	{ "mock_open_fallback", test_mock_open_fallback },
	{ "mock_bo_new", test_mock_bo_new },
	{ "mock_bo_new_errors", test_mock_bo_new_errors },
	{ "mock_bo_refcount", test_mock_bo_refcount },
	{ "mock_bo_map", test_mock_bo_map },
	{ "mock_bo_map_errors", test_mock_bo_map_errors },
	{ "mock_bo_map_threads", test_mock_bo_map_threads },
	{ "mock_bo_migrate", test_mock_bo_migrate },
	{ "mock_bo_query", test_mock_bo_query },
	{ "mock_bo_pinned", test_mock_bo_pinned },
	{ "mock_vm", test_mock_vm },
	{ "mock_vm_bind", test_mock_vm_bind },
	{ "mock_vm_map_unmap", test_mock_vm_map_unmap },
	{ "mock_vm_new_flags", test_mock_vm_new_flags },
	{ "mock_vm_new_svm", test_mock_vm_new_svm },
	{ "mock_vm_mirror", test_mock_vm_mirror },
	{ "mock_queue", test_mock_queue },
	{ "mock_queue_holds_vm", test_mock_queue_holds_vm },
	{ "mock_queue_exec", test_mock_queue_exec },
	{ "mock_exec_wait", test_mock_exec_wait },
	{ "mock_exec_wait_errors", test_mock_exec_wait_errors },
	{ "mock_teardown_any_order", test_mock_teardown_any_order },
	{ "mock_jobs_run", test_mock_jobs_run },
	{ "mock_exec_svm", test_mock_exec_svm },
	{ "mock_exec_svm_range", test_mock_exec_svm_range },
	{ "mock_exec_wait_fault_mode", test_mock_exec_wait_fault_mode },
	{ "mock_user_fence_wait", test_mock_user_fence_wait },
	{ "mock_svm_jobs_run", test_mock_svm_jobs_run },
	{ "mock_svm_device", test_mock_svm_device },
	{ "mock_svm_migrate_feature", test_mock_svm_migrate_feature },
	{ "mock_vm_madvise", test_mock_vm_madvise },
	{ "mock_vm_prefetch", test_mock_vm_prefetch },
	{ "mock_vm_query_attrs", test_mock_vm_query_attrs },
	{ "mock_svm_migrate_jobs", test_mock_svm_migrate_jobs },
	{ "example_fill_copy", test_example_fill_copy },
	{ "example_fill_copy_mismatch", test_example_fill_copy_mismatch },
	{ "example_fill_copy_skip", test_example_fill_copy_skip },
	{ "example_bo_move", test_example_bo_move },
	{ "example_bo_move_mismatch", test_example_bo_move_mismatch },
	{ "example_bo_move_no_eviction", test_example_bo_move_no_eviction },
	{ "example_bo_move_gpu_mismatch", test_example_bo_move_gpu_mismatch },
	{ "example_bo_move_skip", test_example_bo_move_skip },
	{ "example_histogram", test_example_histogram },
	{ "example_histogram_mismatch", test_example_histogram_mismatch },
	{ "example_histogram_job_fails", test_example_histogram_job_fails },
	{ "example_histogram_skip", test_example_histogram_skip },
	{ "example_migrate", test_example_migrate },
	{ "example_migrate_no_gpu", test_example_migrate_no_gpu },
	{ "example_migrate_job_fails", test_example_migrate_job_fails },
	{ "example_migrate_skip", test_example_migrate_skip },
};

int main(void)
{
	struct sigaction sa;
	size_t n;

	for (n = 0; n < NUM_FAKE_NODES; n++) {
		struct stat st;

		if (stat(fake_nodes[n].path, &st) || !S_ISCHR(st.st_mode)) {
			printf("Bail out! %s is not a character device\n",
			       fake_nodes[n].path);
			return 1;
		}
		fake_nodes[n].rdev = st.st_rdev;
	}
	/* CPU accesses to the stand-in kernel's VRAM. */
	sa.sa_sigaction = fake_sigsegv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL)) {
		printf("Bail out! sigaction: %s\n", strerror(errno));
		return 1;
	}

	return tap_run(tests, ARRAY_SIZE(tests), mock_off);
}
