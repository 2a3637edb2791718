// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_gem - buffer objects: creation, CPU mappings, handles and mmap
 * offsets per DRM file, and every error DRM_IOCTL_SVMGPU_GEM_CREATE and
 * DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET document; with uAPI 1.2,
 * DRM_IOCTL_SVMGPU_GEM_INFO, the errors of DRM_IOCTL_SVMGPU_GEM_MIGRATE
 * and DRM_SVMGPU_GEM_CREATE_PINNED.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_fdinfo.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu buffer objects: creation, mmap, per-file "
		     "handles and offsets, bad input.");

#define GEM	DRM_SVMGPU_FEATURE_GEM
#define MIGRATE	DRM_SVMGPU_FEATURE_GEM_MIGRATE
#define VRAM	DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM	DRM_SVMGPU_GEM_PLACEMENT_SYSTEM
#define BOTH	(VRAM | SYSTEM)
#define PREFER_SYSTEM	DRM_SVMGPU_GEM_CREATE_PREFER_SYSTEM
#define PINNED	DRM_SVMGPU_GEM_CREATE_PINNED

/*
 * Known placement and flag bits; anything else is rejected. PINNED is
 * known only with DRM_SVMGPU_FEATURE_GEM_MIGRATE (uAPI 1.2).
 */
#define KNOWN_PLACEMENTS	BOTH
#define KNOWN_CREATE_FLAGS	PREFER_SYSTEM

#define STATE_PINNED	DRM_SVMGPU_GEM_STATE_PINNED
#define STATE_MOVING	DRM_SVMGPU_GEM_STATE_MOVING
#define STATE_BUSY	DRM_SVMGPU_GEM_STATE_BUSY

static int svmgpu_fd = -1;

/* Whether this process may create pinned BOs. */
static bool has_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_capget, &hdr, data))
		return false;

	return data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &
	       CAP_TO_MASK(CAP_SYS_ADMIN);
}

/*
 * Drops CAP_SYS_ADMIN from this process's effective, permitted and
 * inheritable sets, keeping every other capability and the user id.
 */
static void drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	const unsigned int i = CAP_TO_INDEX(CAP_SYS_ADMIN);
	const uint32_t mask = CAP_TO_MASK(CAP_SYS_ADMIN);

	igt_assert_eq(syscall(SYS_capget, &hdr, data), 0);
	data[i].effective &= ~mask;
	data[i].permitted &= ~mask;
	data[i].inheritable &= ~mask;
	igt_assert_eq(syscall(SYS_capset, &hdr, data), 0);
	igt_assert(!has_cap_sys_admin());
}

static const struct placement {
	const char *name;
	uint32_t placements;
	uint32_t flags;
} placements[] = {
	{ "vram", VRAM, 0 },
	{ "system", SYSTEM, 0 },
	{ "both", BOTH, 0 },
	{ "prefer-system", BOTH, PREFER_SYSTEM },
};

static const struct size {
	const char *name;
	uint64_t size;
} sizes[] = {
	{ "4k", SZ_4K },
	{ "64k", SZ_64K },
	{ "2m-4k", SZ_2M + SZ_4K },
	{ "64m", 64 * SZ_1M },
};

static void *map_bo(int fd, uint32_t handle, uint64_t size)
{
	return svmgpu_bo_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
}

static void assert_zero(const void *ptr, uint64_t size)
{
	uint64_t off = svmgpu_check_byte(ptr, size, 0);

	igt_assert_f(off == size,
		     "byte %#llx of a new %llu-byte BO is %#x, not 0\n",
		     (unsigned long long)off, (unsigned long long)size,
		     ((const uint8_t *)ptr)[off]);
}

static void assert_pattern(const void *ptr, uint64_t size, uint32_t seed)
{
	uint64_t off = svmgpu_check_pattern(ptr, size, seed);

	igt_assert_f(off == size, "pattern differs at byte %#llx of %llu\n",
		     (unsigned long long)off, (unsigned long long)size);
}

/*
 * A new BO reads as zero, also when its memory is what a BO that was just
 * filled with non-zero data gave back.
 */
static void test_create_zeroed(int fd, const struct placement *p,
			       uint64_t size)
{
	uint32_t handle;
	void *ptr;

	svmgpu_require_features(fd, GEM);
	if (p->placements == VRAM)
		igt_require_f(size <= svmgpu_vram_size(fd) / 2,
			      "VRAM too small for %llu bytes\n",
			      (unsigned long long)size);

	handle = svmgpu_bo_create(fd, size, p->placements, p->flags);
	ptr = map_bo(fd, handle, size);
	assert_zero(ptr, size);
	memset(ptr, 0xa5, size);
	igt_assert_eq(munmap(ptr, size), 0);
	svmgpu_gem_close(fd, handle);

	handle = svmgpu_bo_create(fd, size, p->placements, p->flags);
	ptr = map_bo(fd, handle, size);
	assert_zero(ptr, size);
	igt_assert_eq(munmap(ptr, size), 0);
	svmgpu_gem_close(fd, handle);
}

static void test_mmap_pattern(int fd, const struct placement *p)
{
	const uint64_t size = SZ_2M + 3 * SZ_4K;
	uint32_t handle;
	uint8_t *a, *b;

	svmgpu_require_features(fd, GEM);

	handle = svmgpu_bo_create(fd, size, p->placements, p->flags);
	a = map_bo(fd, handle, size);
	svmgpu_fill_pattern(a, size, 0x1234);
	assert_pattern(a, size, 0x1234);

	/* A second mapping sees the same memory, both ways. */
	b = map_bo(fd, handle, size);
	assert_pattern(b, size, 0x1234);
	svmgpu_fill_pattern(b, size, 0x5678);
	assert_pattern(a, size, 0x5678);

	/* The contents survive unmapping every mapping. */
	igt_assert_eq(munmap(a, size), 0);
	igt_assert_eq(munmap(b, size), 0);
	a = map_bo(fd, handle, size);
	assert_pattern(a, size, 0x5678);
	igt_assert_eq(munmap(a, size), 0);

	svmgpu_gem_close(fd, handle);
}

/* A mapping of part of a BO, at a page offset into the fake offset. */
static void test_mmap_partial(int fd)
{
	const uint64_t size = 16 * SZ_4K;
	uint64_t offset;
	uint32_t handle;
	uint8_t *all, *part;

	svmgpu_require_features(fd, GEM);

	handle = svmgpu_bo_create(fd, size, BOTH, 0);
	all = map_bo(fd, handle, size);
	svmgpu_fill_pattern(all, size, 42);

	/* A prefix of the BO maps, and aliases the full mapping. */
	offset = svmgpu_bo_mmap_offset(fd, handle);
	part = mmap(NULL, 3 * SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    offset);
	igt_assert(part != MAP_FAILED);
	igt_assert(memcmp(part, all, 3 * SZ_4K) == 0);
	memset(part + SZ_4K, 0x3c, SZ_4K);
	igt_assert_eq_u64(svmgpu_check_byte(all + SZ_4K, SZ_4K, 0x3c), SZ_4K);
	igt_assert_eq(munmap(part, 3 * SZ_4K), 0);

	/*
	 * DRM GEM looks up mmap offsets exactly: an offset inside the BO
	 * names no object and is refused.
	 */
	part = mmap(NULL, 3 * SZ_4K, PROT_READ, MAP_SHARED, fd,
		    offset + 5 * SZ_4K);
	igt_assert(part == MAP_FAILED);

	/* Running past the end of the BO is refused. */
	part = mmap(NULL, 2 * SZ_4K, PROT_READ, MAP_SHARED, fd,
		    offset + 15 * SZ_4K);
	igt_assert(part == MAP_FAILED);
	part = mmap(NULL, size + SZ_4K, PROT_READ, MAP_SHARED, fd, offset);
	igt_assert(part == MAP_FAILED);

	igt_assert_eq(munmap(all, size), 0);
	svmgpu_gem_close(fd, handle);
}

/* Handles belong to the DRM file that created them. */
static void test_handles_per_fd(int fd)
{
	uint32_t a, b;
	uint64_t offset;
	uint8_t *ptr;
	int fd2;

	svmgpu_require_features(fd, GEM);

	/* A fresh file has no handles at all. */
	fd2 = drm_open_svmgpu(0);

	a = svmgpu_bo_create(fd, SZ_64K, BOTH, 0);
	ptr = map_bo(fd, a, SZ_64K);
	memset(ptr, 0x11, SZ_64K);

	igt_assert_eq(__svmgpu_bo_mmap_offset(fd2, a, &offset), -ENOENT);
	igt_assert_eq(__svmgpu_gem_close(fd2, a), -EINVAL);

	/* fd2's own BO, possibly with the same handle value, is its own. */
	b = svmgpu_bo_create(fd2, SZ_64K, BOTH, 0);
	igt_info("fd A handle %u, fd B handle %u\n", a, b);
	svmgpu_gem_close(fd2, b);
	igt_assert_eq(__svmgpu_bo_mmap_offset(fd2, b, &offset), -ENOENT);

	/* ... and closing it did nothing to fd's BO. */
	igt_assert_eq_u64(svmgpu_check_byte(ptr, SZ_64K, 0x11), SZ_64K);
	offset = svmgpu_bo_mmap_offset(fd, a);

	igt_assert_eq(close(fd2), 0);
	igt_assert_eq(munmap(ptr, SZ_64K), 0);
	svmgpu_gem_close(fd, a);
}

/* mmap offsets only work on the file that asked for them. */
static void test_mmap_offset_per_fd(int fd)
{
	uint64_t offset;
	uint32_t handle;
	void *ptr;
	int fd2;

	svmgpu_require_features(fd, GEM);

	fd2 = drm_open_svmgpu(0);
	handle = svmgpu_bo_create(fd, SZ_64K, BOTH, 0);
	offset = svmgpu_bo_mmap_offset(fd, handle);

	ptr = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, fd2,
		   offset);
	igt_assert_f(ptr == MAP_FAILED,
		     "another file mapped the BO through its offset\n");
	ptr = mmap(NULL, SZ_4K, PROT_READ, MAP_SHARED, fd2, offset);
	igt_assert(ptr == MAP_FAILED);

	/* The owner still can. */
	ptr = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   offset);
	igt_assert(ptr != MAP_FAILED);
	igt_assert_eq(munmap(ptr, SZ_64K), 0);

	/* Once the handle is closed, the offset is dead for the owner too. */
	svmgpu_gem_close(fd, handle);
	ptr = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   offset);
	igt_assert(ptr == MAP_FAILED);

	igt_assert_eq(close(fd2), 0);
}

/* A CPU mapping keeps the BO alive after its handle is closed. */
static void test_mmap_outlives_close(int fd, const struct placement *p)
{
	const uint64_t size = SZ_2M;
	uint64_t offset;
	uint32_t handle;
	uint8_t *ptr;

	svmgpu_require_features(fd, GEM);

	handle = svmgpu_bo_create(fd, size, p->placements, p->flags);
	ptr = map_bo(fd, handle, size);
	svmgpu_fill_pattern(ptr, size, 7);
	svmgpu_gem_close(fd, handle);

	igt_assert_eq(__svmgpu_bo_mmap_offset(fd, handle, &offset), -ENOENT);
	assert_pattern(ptr, size, 7);
	svmgpu_fill_pattern(ptr, size, 8);
	assert_pattern(ptr, size, 8);

	/* New BOs do not get its memory while it is mapped. */
	handle = svmgpu_bo_create(fd, size, p->placements, p->flags);
	{
		uint8_t *other = map_bo(fd, handle, size);

		assert_zero(other, size);
		memset(other, 0xee, size);
		igt_assert_eq(munmap(other, size), 0);
	}
	svmgpu_gem_close(fd, handle);
	assert_pattern(ptr, size, 8);

	igt_assert_eq(munmap(ptr, size), 0);
}

static void create_expect(int fd, uint64_t size, uint32_t placements,
			  uint32_t flags, int err)
{
	uint32_t handle = 0xdeadbeef;
	int ret;

	ret = __svmgpu_bo_create(fd, size, placements, flags, &handle);
	igt_assert_f(ret == err,
		     "GEM_CREATE(size %#llx, placements %#x, flags %#x): %d (%s), expected %d (%s)\n",
		     (unsigned long long)size, placements, flags, ret,
		     strerror(-ret), err, strerror(-err));
	if (!ret)
		svmgpu_gem_close(fd, handle);
}

static void test_create_bad_size(int fd)
{
	static const uint64_t bad[] = {
		0, 1, 4095, 4097, SZ_64K + 4, SZ_2M - 1, SZ_2M + 1,
	};
	uint64_t vram = svmgpu_vram_size(fd);
	unsigned int i, j;

	svmgpu_require_features(fd, GEM);

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		for (j = 0; j < ARRAY_SIZE(placements); j++)
			create_expect(fd, bad[i], placements[j].placements,
				      placements[j].flags, -EINVAL);

	/* Absurd sizes: larger than any memory the device can use. */
	for (j = 0; j < ARRAY_SIZE(placements); j++) {
		create_expect(fd, 1ull << 50, placements[j].placements,
			      placements[j].flags, -E2BIG);
		create_expect(fd, ~0ull & ~(SZ_4K - 1),
			      placements[j].placements, placements[j].flags,
			      -E2BIG);
	}

	/* VRAM only, one page larger than VRAM. */
	create_expect(fd, vram + SZ_4K, VRAM, 0, -E2BIG);
}

/* With system memory allowed, a BO may be larger than VRAM. */
static void test_create_bigger_than_vram(int fd)
{
	uint64_t size, vram;
	uint32_t handle;
	uint8_t *ptr;

	svmgpu_require_features(fd, GEM);
	vram = svmgpu_vram_size(fd);
	igt_require_f(vram <= 512 * SZ_1M,
		      "VRAM of %llu MiB is too large to exceed cheaply\n",
		      (unsigned long long)vram >> 20);
	size = vram + SZ_2M;

	handle = svmgpu_bo_create(fd, size, BOTH, 0);
	ptr = map_bo(fd, handle, size);
	igt_assert_eq(ptr[0], 0);
	igt_assert_eq(ptr[size - 1], 0);
	ptr[0] = 1;
	ptr[size - 1] = 2;
	igt_assert_eq(ptr[0], 1);
	igt_assert_eq(ptr[size - 1], 2);
	igt_assert_eq(munmap(ptr, size), 0);
	svmgpu_gem_close(fd, handle);

	create_expect(fd, size, VRAM, 0, -E2BIG);
}

static void test_create_bad_placements(int fd)
{
	unsigned int bit;

	svmgpu_require_features(fd, GEM);

	create_expect(fd, SZ_4K, 0, 0, -EINVAL);
	for (bit = 0; bit < 32; bit++) {
		uint32_t unknown = 1u << bit;

		if (unknown & KNOWN_PLACEMENTS)
			continue;
		create_expect(fd, SZ_4K, unknown, 0, -EINVAL);
		create_expect(fd, SZ_4K, unknown | VRAM, 0, -EINVAL);
		create_expect(fd, SZ_4K, unknown | BOTH, 0, -EINVAL);
	}
	create_expect(fd, SZ_4K, ~0u, 0, -EINVAL);

	/* The good ones, for contrast. */
	create_expect(fd, SZ_4K, VRAM, 0, 0);
	create_expect(fd, SZ_4K, SYSTEM, 0, 0);
	create_expect(fd, SZ_4K, BOTH, 0, 0);
	create_expect(fd, SZ_4K, BOTH, PREFER_SYSTEM, 0);
}

static void test_create_bad_flags(int fd)
{
	uint32_t known = KNOWN_CREATE_FLAGS;
	unsigned int bit;

	svmgpu_require_features(fd, GEM);
	/* PINNED is checked by create-pinned. */
	if (svmgpu_has_features(fd, MIGRATE))
		known |= PINNED;

	for (bit = 0; bit < 32; bit++) {
		uint32_t unknown = 1u << bit;

		if (unknown & known)
			continue;
		create_expect(fd, SZ_4K, BOTH, unknown, -EINVAL);
		create_expect(fd, SZ_4K, VRAM, unknown, -EINVAL);
	}
	create_expect(fd, SZ_4K, BOTH, ~0u, -EINVAL);

	/* PREFER_SYSTEM only means something with both placements. */
	create_expect(fd, SZ_4K, VRAM, PREFER_SYSTEM, -EINVAL);
	create_expect(fd, SZ_4K, SYSTEM, PREFER_SYSTEM, -EINVAL);
}

static void test_create_bad_pad(int fd)
{
	static const uint32_t pads[] = { 1, 0x80000000, ~0u };
	struct drm_svmgpu_user_extension ext = {};
	const uint64_t exts[] = { to_user_pointer(&ext), 1, ~0ull };
	struct drm_svmgpu_gem_create create;
	unsigned int i;

	svmgpu_require_features(fd, GEM);

	for (i = 0; i < ARRAY_SIZE(pads); i++) {
		create = (struct drm_svmgpu_gem_create) {
			.size = SZ_4K, .placements = BOTH, .pad = pads[i],
		};
		igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_CREATE,
					     &create), -EINVAL);
	}

	for (i = 0; i < ARRAY_SIZE(exts); i++) {
		create = (struct drm_svmgpu_gem_create) {
			.size = SZ_4K, .placements = BOTH,
			.extensions = exts[i],
		};
		igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_CREATE,
					     &create), -EINVAL);
	}
}

static void test_create_bad_pointer(int fd)
{
	void *ro;

	svmgpu_require_features(fd, GEM);

	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_CREATE, NULL),
		      -EFAULT);
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET,
				     NULL), -EFAULT);

	/* A valid request whose answer cannot be written back. */
	ro = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(ro != MAP_FAILED);
	*(struct drm_svmgpu_gem_create *)ro = (struct drm_svmgpu_gem_create) {
		.size = SZ_4K, .placements = BOTH,
	};
	igt_assert_eq(mprotect(ro, SZ_4K, PROT_READ), 0);
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_CREATE, ro),
		      -EFAULT);
	igt_assert_eq(munmap(ro, SZ_4K), 0);
}

static void test_mmap_offset_bad(int fd)
{
	struct drm_svmgpu_user_extension ext = {};
	struct drm_svmgpu_gem_mmap_offset arg;
	uint32_t handle, closed;
	uint64_t offset;
	unsigned int bit;

	svmgpu_require_features(fd, GEM);

	handle = svmgpu_bo_create(fd, SZ_4K, BOTH, 0);
	closed = svmgpu_bo_create(fd, SZ_4K, BOTH, 0);
	svmgpu_gem_close(fd, closed);

	igt_assert_eq(__svmgpu_bo_mmap_offset(fd, 0, &offset), -ENOENT);
	igt_assert_eq(__svmgpu_bo_mmap_offset(fd, closed, &offset), -ENOENT);
	igt_assert_eq(__svmgpu_bo_mmap_offset(fd, handle + 1000, &offset),
		      -ENOENT);
	igt_assert_eq(__svmgpu_bo_mmap_offset(fd, ~0u, &offset), -ENOENT);

	for (bit = 0; bit < 32; bit++) {
		arg = (struct drm_svmgpu_gem_mmap_offset) {
			.handle = handle, .flags = 1u << bit,
		};
		igt_assert_eq(__svmgpu_ioctl(fd,
					     DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET,
					     &arg), -EINVAL);
	}

	arg = (struct drm_svmgpu_gem_mmap_offset) {
		.handle = handle, .extensions = to_user_pointer(&ext),
	};
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET,
				     &arg), -EINVAL);
	arg.extensions = ~0ull;
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET,
				     &arg), -EINVAL);

	/* The good request still works. */
	igt_assert_eq(__svmgpu_bo_mmap_offset(fd, handle, &offset), 0);
	igt_assert_neq_u64(offset, 0);
	igt_assert_eq_u64(offset % SZ_4K, 0);
	svmgpu_gem_close(fd, handle);
}

static void test_gem_close_bad(int fd)
{
	uint32_t handle;

	svmgpu_require_features(fd, GEM);

	igt_assert_eq(__svmgpu_gem_close(fd, 0), -EINVAL);
	igt_assert_eq(__svmgpu_gem_close(fd, ~0u), -EINVAL);

	handle = svmgpu_bo_create(fd, SZ_4K, BOTH, 0);
	igt_assert_eq(__svmgpu_gem_close(fd, handle + 1000), -EINVAL);
	svmgpu_gem_close(fd, handle);
	igt_assert_eq(__svmgpu_gem_close(fd, handle), -EINVAL);
}

#define LOOP_BOS	1000

/*
 * The memory of @fd's BOs: the sum of fdinfo's drm-total-<region> (system
 * and vram0).
 *
 * Return: 0, or -ENOENT if fdinfo has no memory stats.
 */
static int fdinfo_total(int fd, uint64_t *total)
{
	struct svmgpu_fdinfo info;
	int ret;

	ret = __svmgpu_fdinfo_read(fd, &info);
	igt_assert_f(ret == 0, "fdinfo of fd %d: %s\n", fd, strerror(-ret));
	ret = svmgpu_fdinfo_memory_sum(&info, "total", total);
	igt_assert_f(ret == 0 || ret == -ENOENT,
		     "fdinfo of fd %d: malformed drm-total-*: %s\n", fd,
		     strerror(-ret));

	return ret;
}

/*
 * Creating and closing many BOs leaks nothing the file can see: handles
 * keep coming, and fdinfo's memory totals (if the driver shows them) count
 * exactly the open BOs and are back where they started.
 */
static void test_create_close_loop(int fd)
{
	static const uint32_t loop_placements[] = { VRAM, SYSTEM, BOTH };
	uint64_t before = 0, during = 0, after = 0;
	uint32_t *handles;
	bool fdinfo;
	unsigned int i;
	int fd2;

	svmgpu_require_features(fd, GEM);

	/* A private file, so that fdinfo counts only this test's BOs. */
	fd2 = svmgpu_scratch_open();
	fdinfo = fdinfo_total(fd2, &before) == 0;
	if (!fdinfo)
		igt_info("fdinfo has no drm-total-* memory stats; "
			 "not checking them\n");

	/* One at a time. */
	for (i = 0; i < LOOP_BOS; i++) {
		uint32_t h = svmgpu_bo_create(fd2, (1 + i % 16) * SZ_4K,
					      loop_placements[i % 3], 0);

		svmgpu_gem_close(fd2, h);
	}

	/* All at once: every handle distinct, then all closed. */
	handles = calloc(LOOP_BOS, sizeof(*handles));
	igt_assert(handles);
	for (i = 0; i < LOOP_BOS; i++) {
		handles[i] = svmgpu_bo_create(fd2, SZ_4K,
					      loop_placements[i % 3], 0);
		if (i)
			igt_assert_neq_u32(handles[i], handles[i - 1]);
	}
	if (fdinfo) {
		igt_assert_eq(fdinfo_total(fd2, &during), 0);
		igt_assert_eq_u64(during, before + LOOP_BOS * SZ_4K);
	}
	for (i = 0; i < LOOP_BOS; i++)
		svmgpu_gem_close(fd2, handles[i]);
	free(handles);

	if (fdinfo) {
		igt_assert_eq(fdinfo_total(fd2, &after), 0);
		igt_assert_eq_u64(after, before);
	}

	/* And the file still works. */
	test_create_zeroed(fd2, &placements[0], SZ_64K);
	svmgpu_scratch_close();
}

/* --- Placement: GEM_INFO, GEM_MIGRATE, pinned BOs (uAPI 1.2) --------------- */

/*
 * GEM_INFO of @handle once the kernel's work on it (the clear of a new
 * BO, a move) is done, and at least @moves moves have been counted (a
 * move is counted when it completes).
 */
static void bo_info_idle(int fd, uint32_t handle, uint64_t moves,
			 struct drm_svmgpu_gem_info *info)
{
	struct timespec start = {};

	igt_nsec_elapsed(&start);
	for (;;) {
		svmgpu_bo_info(fd, handle, info);
		if (!(info->state & (STATE_MOVING | STATE_BUSY)) &&
		    info->moves >= moves)
			return;
		igt_assert_f(igt_nsec_elapsed(&start) < svmgpu_job_wait_ns(),
			     "BO %u stays busy: state %#x, %llu of %llu moves\n",
			     handle, info->state,
			     (unsigned long long)info->moves,
			     (unsigned long long)moves);
		usleep(1000);
	}
}

static void expect_info(int fd, uint32_t handle, uint64_t size,
			uint32_t placements, uint32_t preferred,
			uint32_t placement, uint32_t state, uint64_t moves)
{
	struct drm_svmgpu_gem_info info;

	bo_info_idle(fd, handle, moves, &info);
	igt_debug("BO %u: size %llu, placements %#x, preferred %#x, "
		  "placement %#x, state %#x, %llu moves\n", handle,
		  (unsigned long long)info.size, info.placements,
		  info.preferred, info.placement, info.state,
		  (unsigned long long)info.moves);
	igt_assert_eq_u32(info.handle, handle);
	igt_assert_eq_u32(info.flags, 0);
	igt_assert_eq_u64(info.extensions, 0);
	igt_assert_eq_u64(info.size, size);
	igt_assert_eq_u32(info.placements, placements);
	igt_assert_eq_u32(info.preferred, preferred);
	igt_assert_eq_u32(info.placement, placement);
	igt_assert_eq_u32(info.state, state);
	igt_assert_eq_u64(info.moves, moves);
}

/*
 * GEM_INFO of new BOs: their size, placements, preferred placement (the
 * one GEM_CREATE tried first), where they are, no state bits, no moves;
 * then the preferred placement follows GEM_MIGRATE.
 */
static void test_info(int fd)
{
	static const struct {
		uint64_t size;
		uint32_t placements, flags, preferred;
	} cases[] = {
		{ SZ_4K, VRAM, 0, VRAM },
		{ SZ_64K, SYSTEM, 0, SYSTEM },
		{ SZ_2M + SZ_4K, BOTH, 0, VRAM },
		{ 3 * SZ_4K, BOTH, PREFER_SYSTEM, SYSTEM },
	};
	uint32_t handles[ARRAY_SIZE(cases)];
	unsigned int i;

	svmgpu_require_features(fd, GEM | MIGRATE);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		handles[i] = svmgpu_bo_create(fd, cases[i].size,
					      cases[i].placements,
					      cases[i].flags);
		/* A fresh device has room in VRAM for all of these. */
		expect_info(fd, handles[i], cases[i].size,
			    cases[i].placements, cases[i].preferred,
			    cases[i].preferred, 0, 0);
	}

	/* A move makes the target preferred; no move keeps the count. */
	svmgpu_bo_migrate(fd, handles[2], SYSTEM);
	expect_info(fd, handles[2], cases[2].size, BOTH, SYSTEM, SYSTEM, 0, 1);
	svmgpu_bo_migrate(fd, handles[2], SYSTEM);
	expect_info(fd, handles[2], cases[2].size, BOTH, SYSTEM, SYSTEM, 0, 1);
	svmgpu_bo_migrate(fd, handles[3], VRAM);
	expect_info(fd, handles[3], cases[3].size, BOTH, VRAM, VRAM, 0, 1);
	svmgpu_bo_migrate(fd, handles[0], VRAM);
	expect_info(fd, handles[0], cases[0].size, VRAM, VRAM, VRAM, 0, 0);

	/* Output fields are outputs: what the caller put there is ignored. */
	{
		struct drm_svmgpu_gem_info info;

		memset(&info, 0xa5, sizeof(info));
		info.extensions = 0;
		info.handle = handles[1];
		info.flags = 0;
		igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_INFO,
					     &info), 0);
		igt_assert_eq_u64(info.size, cases[1].size);
		igt_assert_eq_u32(info.placements, SYSTEM);
		igt_assert_eq_u32(info.preferred, SYSTEM);
		igt_assert_eq_u32(info.placement, SYSTEM);
		igt_assert_eq_u32(info.state & ~(STATE_MOVING | STATE_BUSY |
						 DRM_SVMGPU_GEM_STATE_SWAPPED),
				  0);
		igt_assert_eq_u64(info.moves, 0);
	}

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		svmgpu_gem_close(fd, handles[i]);
}

static int migrate_raw(int fd, struct drm_svmgpu_gem_migrate arg)
{
	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_MIGRATE, &arg);
}

static void migrate_expect(int fd, uint32_t handle, uint32_t placement,
			   int err)
{
	int ret = __svmgpu_bo_migrate(fd, handle, placement, 0);

	igt_assert_f(ret == err,
		     "GEM_MIGRATE(handle %u, placement %#x): %d (%s), expected %d (%s)\n",
		     handle, placement, ret, strerror(-ret), err,
		     strerror(-err));
}

static void test_migrate_bad_input(int fd)
{
	struct drm_svmgpu_user_extension ext = {};
	const uint64_t exts[] = { to_user_pointer(&ext), 1, ~0ull };
	static const uint32_t pads[] = { 1, 0x80000000, ~0u };
	struct drm_svmgpu_gem_migrate good;
	uint32_t handle, closed, vram_only, sys_only, pinned;
	unsigned int bit, i;
	int ret;

	svmgpu_require_features(fd, GEM | MIGRATE);

	handle = svmgpu_bo_create(fd, SZ_64K, BOTH, 0);
	vram_only = svmgpu_bo_create(fd, SZ_4K, VRAM, 0);
	sys_only = svmgpu_bo_create(fd, SZ_4K, SYSTEM, 0);
	closed = svmgpu_bo_create(fd, SZ_4K, BOTH, 0);
	svmgpu_gem_close(fd, closed);
	good = (struct drm_svmgpu_gem_migrate) {
		.handle = handle, .placement = SYSTEM,
	};

	/* Unknown handles. */
	migrate_expect(fd, 0, SYSTEM, -ENOENT);
	migrate_expect(fd, closed, SYSTEM, -ENOENT);
	migrate_expect(fd, handle + 1000, SYSTEM, -ENOENT);
	migrate_expect(fd, ~0u, SYSTEM, -ENOENT);

	/* Not exactly one known placement bit. */
	migrate_expect(fd, handle, 0, -EINVAL);
	migrate_expect(fd, handle, BOTH, -EINVAL);
	migrate_expect(fd, handle, ~0u, -EINVAL);
	for (bit = 0; bit < 32; bit++) {
		uint32_t unknown = 1u << bit;

		if (unknown & KNOWN_PLACEMENTS)
			continue;
		migrate_expect(fd, handle, unknown, -EINVAL);
		migrate_expect(fd, handle, unknown | SYSTEM, -EINVAL);
	}

	/* A placement the BO does not allow. */
	migrate_expect(fd, vram_only, SYSTEM, -EINVAL);
	migrate_expect(fd, sys_only, VRAM, -EINVAL);

	/* Flags, pad and extensions are MBZ. */
	for (bit = 0; bit < 32; bit++) {
		struct drm_svmgpu_gem_migrate arg = good;

		arg.flags = 1u << bit;
		igt_assert_eq(migrate_raw(fd, arg), -EINVAL);
	}
	for (i = 0; i < ARRAY_SIZE(pads); i++) {
		struct drm_svmgpu_gem_migrate arg = good;

		arg.pad = pads[i];
		igt_assert_eq(migrate_raw(fd, arg), -EINVAL);
	}
	for (i = 0; i < ARRAY_SIZE(exts); i++) {
		struct drm_svmgpu_gem_migrate arg = good;

		arg.extensions = exts[i];
		igt_assert_eq(migrate_raw(fd, arg), -EINVAL);
	}

	/* An unreadable argument. */
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_MIGRATE, NULL),
		      -EFAULT);

	/* Nothing moved, nothing changed preference. */
	expect_info(fd, handle, SZ_64K, BOTH, VRAM, VRAM, 0, 0);
	expect_info(fd, vram_only, SZ_4K, VRAM, VRAM, VRAM, 0, 0);
	expect_info(fd, sys_only, SZ_4K, SYSTEM, SYSTEM, SYSTEM, 0, 0);

	/* Where a BO already is: fine, and no move. */
	migrate_expect(fd, vram_only, VRAM, 0);
	migrate_expect(fd, sys_only, SYSTEM, 0);
	expect_info(fd, vram_only, SZ_4K, VRAM, VRAM, VRAM, 0, 0);
	expect_info(fd, sys_only, SZ_4K, SYSTEM, SYSTEM, SYSTEM, 0, 0);

	/* A pinned BO does not leave VRAM. */
	ret = __svmgpu_bo_create(fd, SZ_4K, VRAM, PINNED, &pinned);
	if (ret == 0) {
		migrate_expect(fd, pinned, SYSTEM, -EBUSY);
		migrate_expect(fd, pinned, VRAM, 0);
		expect_info(fd, pinned, SZ_4K, VRAM, VRAM, VRAM, STATE_PINNED,
			    0);
		svmgpu_gem_close(fd, pinned);
	} else {
		igt_assert_f(ret == -EPERM && !has_cap_sys_admin(),
			     "pinned GEM_CREATE: %s\n", strerror(-ret));
		igt_info("no CAP_SYS_ADMIN: -EBUSY for pinned BOs not checked\n");
	}

	/* The good request still works. */
	igt_assert_eq(migrate_raw(fd, good), 0);
	expect_info(fd, handle, SZ_64K, BOTH, SYSTEM, SYSTEM, 0, 1);

	svmgpu_gem_close(fd, handle);
	svmgpu_gem_close(fd, vram_only);
	svmgpu_gem_close(fd, sys_only);
}

static int info_raw(int fd, struct drm_svmgpu_gem_info *arg)
{
	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_INFO, arg);
}

static void test_info_bad_input(int fd)
{
	struct drm_svmgpu_user_extension ext = {};
	const uint64_t exts[] = { to_user_pointer(&ext), 1, ~0ull };
	struct drm_svmgpu_gem_info info;
	uint32_t handle, closed;
	unsigned int bit, i;
	void *page;

	svmgpu_require_features(fd, GEM | MIGRATE);

	handle = svmgpu_bo_create(fd, SZ_4K, BOTH, 0);
	closed = svmgpu_bo_create(fd, SZ_4K, BOTH, 0);
	svmgpu_gem_close(fd, closed);

	igt_assert_eq(__svmgpu_bo_info(fd, 0, &info), -ENOENT);
	igt_assert_eq(__svmgpu_bo_info(fd, closed, &info), -ENOENT);
	igt_assert_eq(__svmgpu_bo_info(fd, handle + 1000, &info), -ENOENT);
	igt_assert_eq(__svmgpu_bo_info(fd, ~0u, &info), -ENOENT);

	for (bit = 0; bit < 32; bit++) {
		info = (struct drm_svmgpu_gem_info) {
			.handle = handle, .flags = 1u << bit,
		};
		igt_assert_eq(info_raw(fd, &info), -EINVAL);
	}
	for (i = 0; i < ARRAY_SIZE(exts); i++) {
		info = (struct drm_svmgpu_gem_info) {
			.handle = handle, .extensions = exts[i],
		};
		igt_assert_eq(info_raw(fd, &info), -EINVAL);
	}

	/* Arguments that cannot be read, or whose answer cannot be written. */
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_INFO, NULL),
		      -EFAULT);
	page = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(page != MAP_FAILED);
	*(struct drm_svmgpu_gem_info *)page = (struct drm_svmgpu_gem_info) {
		.handle = handle,
	};
	igt_assert_eq(mprotect(page, SZ_4K, PROT_READ), 0);
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_INFO, page),
		      -EFAULT);
	igt_assert_eq(mprotect(page, SZ_4K, PROT_NONE), 0);
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_INFO, page),
		      -EFAULT);
	igt_assert_eq(munmap(page, SZ_4K), 0);

	/* The good request still works. */
	igt_assert_eq(__svmgpu_bo_info(fd, handle, &info), 0);
	igt_assert_eq_u64(info.size, SZ_4K);
	svmgpu_gem_close(fd, handle);
}

/*
 * A pinned BO of @size. Pinned BOs closed just before may still count
 * against the pinned share until the kernel has freed them (TTM frees BOs
 * whose last use has not completed later), so -ENOSPC is retried for a
 * while.
 */
static uint32_t create_pinned(int fd, uint64_t size)
{
	struct timespec start = {};
	uint32_t handle = 0;
	int ret;

	igt_nsec_elapsed(&start);
	while ((ret = __svmgpu_bo_create(fd, size, VRAM, PINNED, &handle)) ==
	       -ENOSPC && igt_nsec_elapsed(&start) < 5000000000ull)
		usleep(10000);
	igt_assert_f(ret == 0, "pinned GEM_CREATE of %llu KiB: %s\n",
		     (unsigned long long)size >> 10, strerror(-ret));

	return handle;
}

/*
 * Pinned BOs: CAP_SYS_ADMIN only, VRAM only, in VRAM for good, and at
 * most half of vram_bo_size of them on the device.
 */
static void test_create_pinned(int fd)
{
	const uint64_t size = SZ_2M;
	uint64_t vram_bo, share;
	uint32_t handle, big, other;
	uint8_t *ptr;
	int fd2, fd3;

	svmgpu_require_features(fd, GEM | MIGRATE);
	if (!has_cap_sys_admin()) {
		create_expect(fd, SZ_4K, VRAM, PINNED, -EPERM);
		igt_skip("no CAP_SYS_ADMIN: only -EPERM checked\n");
	}

	fd2 = svmgpu_scratch_open();

	/*
	 * Without CAP_SYS_ADMIN: -EPERM, on a file opened with it. First in
	 * a child that drops only CAP_SYS_ADMIN and stays root, so that the
	 * capability is what is checked; then in one that becomes nobody.
	 * An unpinned BO still works for both.
	 */
	igt_fork(child, 1) {
		drop_cap_sys_admin();
		igt_assert_eq(getuid(), 0);
		create_expect(fd2, SZ_4K, VRAM, PINNED, -EPERM);
		create_expect(fd2, SZ_4K, VRAM, 0, 0);
	}
	igt_waitchildren();
	igt_fork(child, 1) {
		igt_assert_eq(setgid(65534), 0);
		igt_assert_eq(setuid(65534), 0);
		igt_assert(!has_cap_sys_admin());

		create_expect(fd2, SZ_4K, VRAM, PINNED, -EPERM);
		create_expect(fd2, SZ_4K, VRAM, 0, 0);
	}
	igt_waitchildren();

	/* VRAM alone, nothing else. */
	create_expect(fd2, SZ_4K, SYSTEM, PINNED, -EINVAL);
	create_expect(fd2, SZ_4K, BOTH, PINNED, -EINVAL);
	create_expect(fd2, SZ_4K, BOTH, PINNED | PREFER_SYSTEM, -EINVAL);

	/* In VRAM, says so, holds data, and does not move. */
	handle = create_pinned(fd2, size);
	expect_info(fd2, handle, size, VRAM, VRAM, VRAM, STATE_PINNED, 0);
	ptr = svmgpu_bo_mmap(fd2, handle, size, PROT_READ | PROT_WRITE);
	assert_zero(ptr, size);
	svmgpu_fill_pattern(ptr, size, 0x9199ed);
	migrate_expect(fd2, handle, SYSTEM, -EBUSY);
	migrate_expect(fd2, handle, VRAM, 0);
	assert_pattern(ptr, size, 0x9199ed);
	expect_info(fd2, handle, size, VRAM, VRAM, VRAM, STATE_PINNED, 0);
	igt_assert_eq(munmap(ptr, size), 0);
	svmgpu_gem_close(fd2, handle);

	/* At most half of vram_bo_size, over every file of the device. */
	vram_bo = svmgpu_vram_bo_size(fd2);
	igt_assert_f(vram_bo, "vram_bo_size is 0 on a uAPI 1.2 device\n");
	share = (vram_bo / 2) & ~(SZ_4K - 1);
	igt_info("vram_bo_size %llu MiB, pinned share %llu KiB\n",
		 (unsigned long long)vram_bo >> 20,
		 (unsigned long long)share >> 10);
	create_expect(fd2, share + SZ_4K, VRAM, PINNED, -ENOSPC);
	big = create_pinned(fd2, share);
	create_expect(fd2, SZ_4K, VRAM, PINNED, -ENOSPC);
	fd3 = drm_open_svmgpu(0);
	create_expect(fd3, SZ_4K, VRAM, PINNED, -ENOSPC);
	/* Unpinned BOs still get the rest. */
	create_expect(fd3, SZ_4K, VRAM, 0, 0);
	close(fd3);

	/* Freed, the share is back. */
	svmgpu_gem_close(fd2, big);
	other = create_pinned(fd2, share);
	svmgpu_gem_close(fd2, other);

	svmgpu_scratch_close();
}

igt_main
{
	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	igt_describe("New BOs read as zero in every placement and at several "
		     "sizes, also when they reuse the memory of a BO that "
		     "was just filled.");
	igt_subtest_with_dynamic("create-zeroed") {
		svmgpu_require_features(svmgpu_fd, GEM);
		for (volatile unsigned int p = 0; p < ARRAY_SIZE(placements); p++)
			for (volatile unsigned int s = 0; s < ARRAY_SIZE(sizes); s++)
				igt_dynamic_f("%s-%s", placements[p].name,
					      sizes[s].name)
					test_create_zeroed(svmgpu_fd,
							   &placements[p],
							   sizes[s].size);
	}

	igt_describe("Write a pattern through one mapping, read it through "
		     "another and after remapping.");
	igt_subtest_with_dynamic("mmap-pattern") {
		svmgpu_require_features(svmgpu_fd, GEM);
		for (volatile unsigned int p = 0; p < ARRAY_SIZE(placements); p++)
			igt_dynamic(placements[p].name)
				test_mmap_pattern(svmgpu_fd, &placements[p]);
	}

	igt_describe("Map a prefix of a BO; offsets inside the BO and "
		     "mappings past its end are refused.");
	igt_subtest("mmap-partial")
		test_mmap_partial(svmgpu_fd);

	igt_describe("Handles are private to their DRM file: another file "
		     "gets -ENOENT and -EINVAL for them.");
	igt_subtest("handles-per-fd")
		test_handles_per_fd(svmgpu_fd);

	igt_describe("An mmap offset works only on the file that obtained it, "
		     "and not after the handle is closed.");
	igt_subtest("mmap-offset-per-fd")
		test_mmap_offset_per_fd(svmgpu_fd);

	igt_describe("A CPU mapping outlives GEM_CLOSE of the handle and keeps "
		     "its memory.");
	igt_subtest_with_dynamic("mmap-outlives-close") {
		svmgpu_require_features(svmgpu_fd, GEM);
		for (volatile unsigned int p = 0; p < ARRAY_SIZE(placements); p++)
			igt_dynamic(placements[p].name)
				test_mmap_outlives_close(svmgpu_fd,
							 &placements[p]);
	}

	igt_describe("Zero, unaligned and absurd sizes are rejected with "
		     "-EINVAL and -E2BIG.");
	igt_subtest("create-bad-size")
		test_create_bad_size(svmgpu_fd);

	igt_describe("A BO that may live in system memory can be larger than "
		     "VRAM; a VRAM-only one cannot.");
	igt_subtest("create-bigger-than-vram")
		test_create_bigger_than_vram(svmgpu_fd);

	igt_describe("No placement and unknown placement bits are rejected.");
	igt_subtest("create-bad-placements")
		test_create_bad_placements(svmgpu_fd);

	igt_describe("Unknown flags, and PREFER_SYSTEM without both "
		     "placements, are rejected.");
	igt_subtest("create-bad-flags")
		test_create_bad_flags(svmgpu_fd);

	igt_describe("Non-zero pad and extensions are rejected.");
	igt_subtest("create-bad-pad")
		test_create_bad_pad(svmgpu_fd);

	igt_describe("Unreadable and unwritable ioctl arguments give "
		     "-EFAULT.");
	igt_subtest("create-bad-pointer")
		test_create_bad_pointer(svmgpu_fd);

	igt_describe("MMAP_OFFSET rejects unknown handles with -ENOENT, and "
		     "flags and extensions with -EINVAL.");
	igt_subtest("mmap-offset-bad")
		test_mmap_offset_bad(svmgpu_fd);

	igt_describe("GEM_CLOSE of an unknown or closed handle gives -EINVAL.");
	igt_subtest("gem-close-bad")
		test_gem_close_bad(svmgpu_fd);

	igt_describe("Create and close 1000 BOs one by one and all at once; "
		     "fdinfo memory returns to its start.");
	igt_subtest("create-close-loop")
		test_create_close_loop(svmgpu_fd);

	igt_describe("GEM_INFO of new BOs: size, placements, preferred and "
		     "current placement, no state bits, no moves; GEM_MIGRATE "
		     "changes the preferred placement and counts one move.");
	igt_subtest("info")
		test_info(svmgpu_fd);

	igt_describe("GEM_MIGRATE rejects unknown handles with -ENOENT; no, "
		     "several, unknown or disallowed placements, flags, pad "
		     "and extensions with -EINVAL; a pinned BO's move to "
		     "system memory with -EBUSY; and moves nothing meanwhile.");
	igt_subtest("migrate-bad-input")
		test_migrate_bad_input(svmgpu_fd);

	igt_describe("GEM_INFO rejects unknown handles with -ENOENT, flags "
		     "and extensions with -EINVAL, and arguments it cannot "
		     "read or write with -EFAULT.");
	igt_subtest("info-bad-input")
		test_info_bad_input(svmgpu_fd);

	igt_describe("GEM_CREATE_PINNED: -EPERM without CAP_SYS_ADMIN, -EINVAL "
		     "unless VRAM alone; pinned BOs report STATE_PINNED in "
		     "VRAM and do not move; beyond half of vram_bo_size in "
		     "total, -ENOSPC.");
	igt_subtest("create-pinned")
		test_create_pinned(svmgpu_fd);

	igt_fixture {
		svmgpu_scratch_close();
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
