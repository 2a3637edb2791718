// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_basic - the render node, the device query, and module reload.
 *
 * Every check here follows the uAPI header: an ioctl either does what the
 * header promises or fails with the errno the header names, and never
 * writes user memory it was not asked to write.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"
#include "svmgpu_util.h"

IGT_TEST_DESCRIPTION("Basic svmgpu uAPI: render node, device query, module reload.");

#define INFO_SIZE	sizeof(struct drm_svmgpu_query_device_info)

/* Byte pattern for memory the kernel must leave untouched. */
#define CANARY		0xa5

/* Page sizes the uAPI header defines. */
#define KNOWN_PAGE_SIZES \
	(DRM_SVMGPU_PAGE_SIZE_4K | DRM_SVMGPU_PAGE_SIZE_64K | \
	 DRM_SVMGPU_PAGE_SIZE_2M)

/* Feature bits the uAPI header defines. */
#define KNOWN_FEATURES	SVMGPU_KNOWN_FEATURES

/*
 * Feature bits this build of svmgpu implements (svmgpu_query.c sets
 * them), and which every device must therefore report: a driver that lost
 * one would otherwise only make the tests that need it skip. Add a bit
 * here when the driver starts setting it.
 */
#define IMPLEMENTED_FEATURES \
	(DRM_SVMGPU_FEATURE_GEM | DRM_SVMGPU_FEATURE_VM | \
	 DRM_SVMGPU_FEATURE_EXEC | DRM_SVMGPU_FEATURE_GEM_MIGRATE | \
	 DRM_SVMGPU_FEATURE_SVM | DRM_SVMGPU_FEATURE_SVM_MIGRATE | \
	 DRM_SVMGPU_FEATURE_COMPUTE)

/*
 * The last ioctl the header defines. Ioctl numbers are append-only, so
 * everything above it must be rejected; move this when appending one.
 */
#define LAST_SVMGPU_IOCTL	DRM_SVMGPU_VM_QUERY_ATTRS

/* How many times module-reload cycles the module. */
#define RELOAD_CYCLES	5

/* How long to wait for device nodes to appear or vanish. */
#define DEVICE_TIMEOUT_MS	10000

/*
 * The fixture's fd, at file scope rather than in igt_main's frame: it is
 * changed between a subtest's sigsetjmp and a possible siglongjmp, after
 * which a local's value would be indeterminate.
 */
static int svmgpu_fd = -1;

/*
 * Set while a subtest that reloads svmgpu may have left it unloaded or
 * loaded with other parameters than @run_params.
 */
static bool module_dirty;

/* The parameters the run loaded svmgpu with, as modprobe takes them. */
static char run_params[1024];

static void fill_canary(void *buf, size_t len)
{
	memset(buf, CANARY, len);
}

static bool is_canary(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != CANARY)
			return false;

	return true;
}

static struct drm_svmgpu_device_query info_query(void *data, uint32_t size)
{
	return (struct drm_svmgpu_device_query) {
		.query = DRM_SVMGPU_QUERY_DEVICE_INFO,
		.size = size,
		.data = to_user_pointer(data),
	};
}

/* A page the process cannot touch: mapped, then unmapped. */
static void *unmapped_page(void)
{
	void *ptr = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);

	igt_assert(ptr != MAP_FAILED);
	igt_assert_eq(munmap(ptr, 4096), 0);

	return ptr;
}

/* A zero-filled page with protection @prot. */
static void *page_with_prot(int prot)
{
	void *ptr = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(ptr != MAP_FAILED);

	return ptr;
}

/*
 * Checks a device info answer against the uAPI header and the module's
 * parameters. Bits and fields this build of the header does not know are
 * only allowed when the kernel reports a newer minor version, which is how
 * they would legitimately appear.
 */
static void check_device_info(const struct drm_svmgpu_query_device_info *info)
{
	bool strict;
	unsigned int i;

	igt_info("uAPI %u.%u, %u engine(s), %llu MiB VRAM (%llu KiB for BOs), "
		 "page sizes %#llx, features %#llx, %u VA bits\n",
		 info->uapi_major, info->uapi_minor, info->num_engines,
		 (unsigned long long)info->vram_size >> 20,
		 (unsigned long long)info->vram_bo_size >> 10,
		 (unsigned long long)info->page_sizes,
		 (unsigned long long)info->features, info->va_bits);

	igt_assert_eq(info->uapi_major, DRM_SVMGPU_UAPI_MAJOR);
	igt_assert_lte(DRM_SVMGPU_UAPI_MINOR, info->uapi_minor);
	strict = info->uapi_minor == DRM_SVMGPU_UAPI_MINOR;

	igt_assert_lte_u32(1, info->num_engines);
	igt_assert_eq_u64(info->num_engines,
			  svmgpu_param_get_u64("num_engines"));

	igt_assert_neq_u64(info->vram_size, 0);
	igt_assert_eq_u64(info->vram_size % 4096, 0);
	igt_assert_eq_u64(info->vram_size, svmgpu_param_get_u64("vram_size"));

	/* uAPI 1.2: the part of VRAM that BOs can use; zero before. */
	if (info->uapi_minor >= 2) {
		igt_assert_neq_u64(info->vram_bo_size, 0);
		igt_assert_eq_u64(info->vram_bo_size % 4096, 0);
		igt_assert_lte_u64(info->vram_bo_size, info->vram_size);
	} else {
		igt_assert_eq_u64(info->vram_bo_size, 0);
	}

	/* uAPI 1.5: the compute threads of each engine; zero before. */
	if (info->uapi_minor >= 5) {
		igt_assert_lte_u32(1, info->compute_threads);
		igt_assert_lte_u32(info->compute_threads, 32);
		if (svmgpu_param_get_u64("compute_threads"))
			igt_assert_eq_u64(info->compute_threads,
					  svmgpu_param_get_u64("compute_threads"));
	} else {
		igt_assert_eq_u32(info->compute_threads, 0);
	}

	igt_assert_f(info->page_sizes & DRM_SVMGPU_PAGE_SIZE_4K,
		     "page_sizes %#llx lacks 4K\n",
		     (unsigned long long)info->page_sizes);
	if (strict) {
		igt_assert_eq_u64(info->page_sizes & ~KNOWN_PAGE_SIZES, 0);
		igt_assert_eq_u64(info->features & ~KNOWN_FEATURES, 0);
	}
	igt_assert_f((info->features & IMPLEMENTED_FEATURES) ==
		     IMPLEMENTED_FEATURES,
		     "features %#llx lack %#llx, which this build implements\n",
		     (unsigned long long)info->features,
		     (unsigned long long)(IMPLEMENTED_FEATURES &
					  ~info->features));

	/*
	 * SVM hands raw CPU pointers to the GPU, so the GPU VA must cover the
	 * whole user VA of a 4-level x86-64 page table (47 bits).
	 */
	igt_assert_lte_u32(47, info->va_bits);
	igt_assert_lte_u32(info->va_bits, 64);

	if (strict) {
		igt_assert_eq_u32(info->pad, 0);
		igt_assert_eq_u32(info->pad2, 0);
		for (i = 0; i < ARRAY_SIZE(info->reserved); i++)
			igt_assert_eq_u64(info->reserved[i], 0);
	}
}

/* Opens and checks one render node, for open-close. */
static void check_render_node(int fd)
{
	struct stat st;

	igt_assert_eq(fstat(fd, &st), 0);
	igt_assert(S_ISCHR(st.st_mode));
	igt_assert_eq(major(st.st_rdev), 226);
	igt_assert_lte(128, minor(st.st_rdev));
	igt_assert_eq(drmGetNodeTypeFromFd(fd), DRM_NODE_RENDER);
	igt_assert(is_svmgpu_device(fd));
}

/* Counts this process's open descriptors. */
static int count_fds(void)
{
	char path[64];
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (access(path, F_OK) == 0)
			n++;
	}

	return n;
}

/* Whether this process has any primary (card) node open. */
static bool has_card_node_open(void)
{
	char link[64], target[256];
	ssize_t len;
	int fd;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		len = readlink(link, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (strncmp(target, "/dev/dri/card", 13) == 0)
			return true;
	}

	return false;
}

static void test_open_close(void)
{
	char path[256];
	int i, fd, before;

	igt_assert_eq(svmgpu_render_node_path(0, path, sizeof(path)), 0);
	igt_info("render node: %s\n", path);

	/* Only render nodes are ever opened: the card node is not needed. */
	igt_assert(!has_card_node_open());

	before = count_fds();
	for (i = 0; i < 1000; i++) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		igt_assert_fd(fd);
		/* A full check is slower; sample it. */
		if (i % 50 == 0) {
			check_render_node(fd);
			igt_assert(!has_card_node_open());
		}
		igt_assert_eq(close(fd), 0);
	}
	igt_assert_eq(count_fds(), before);

	/* And through the helper, several at once. */
	for (i = 0; i < 16; i++) {
		int fds[8];
		unsigned int j;

		for (j = 0; j < ARRAY_SIZE(fds); j++) {
			fds[j] = __drm_open_svmgpu(0);
			igt_assert_fd(fds[j]);
		}
		for (j = 0; j < ARRAY_SIZE(fds); j++)
			igt_assert_eq(close(fds[j]), 0);
	}
	igt_assert_eq(count_fds(), before);
}

static void test_query_info(int fd)
{
	struct drm_svmgpu_query_device_info info;
	struct drm_svmgpu_device_query q;
	uint8_t exact[INFO_SIZE];
	uint8_t big[INFO_SIZE + 64];

	/* Size probe without a buffer: only @size changes. */
	q = info_query(NULL, 0);
	igt_assert_eq(__svmgpu_query(fd, &q), 0);
	igt_assert_eq_u32(q.size, INFO_SIZE);
	igt_assert_eq_u32(q.query, DRM_SVMGPU_QUERY_DEVICE_INFO);
	igt_assert_eq_u64(q.data, 0);
	igt_assert_eq_u64(q.extensions, 0);
	igt_assert_eq_u32(q.flags, 0);
	igt_assert_eq_u32(q.pad, 0);

	/* Size probe with a buffer: the buffer is not written. */
	fill_canary(big, sizeof(big));
	q = info_query(big, 0);
	igt_assert_eq(__svmgpu_query(fd, &q), 0);
	igt_assert_eq_u32(q.size, INFO_SIZE);
	igt_assert_eq_u64(q.data, to_user_pointer(big));
	igt_assert(is_canary(big, sizeof(big)));

	/*
	 * Fetch into a canary-filled buffer, so that fields the kernel must
	 * write as zero are seen to be written.
	 */
	fill_canary(exact, sizeof(exact));
	q = info_query(exact, sizeof(exact));
	igt_assert_eq(__svmgpu_query(fd, &q), 0);
	igt_assert_eq_u32(q.size, INFO_SIZE);
	memcpy(&info, exact, sizeof(info));
	check_device_info(&info);

	/* A larger buffer: same answer, bytes beyond it untouched. */
	fill_canary(big, sizeof(big));
	q = info_query(big, sizeof(big));
	igt_assert_eq(__svmgpu_query(fd, &q), 0);
	igt_assert_eq_u32(q.size, INFO_SIZE);
	igt_assert(memcmp(big, exact, INFO_SIZE) == 0);
	igt_assert(is_canary(big + INFO_SIZE, sizeof(big) - INFO_SIZE));

	/* The answer does not change while the device exists. */
	svmgpu_query_device_info(fd, &info);
	igt_assert(memcmp(&info, exact, INFO_SIZE) == 0);
}

static void test_query_short_buffer(int fd)
{
	uint8_t buf[INFO_SIZE];
	uint32_t size;

	/* Every size from 1 to one byte short, 1 and sizeof - 1 included. */
	for (size = 1; size < INFO_SIZE; size++) {
		struct drm_svmgpu_device_query q = info_query(buf, size);

		fill_canary(buf, sizeof(buf));
		igt_assert_eq(__svmgpu_query(fd, &q), -EINVAL);
		igt_assert_f(is_canary(buf, sizeof(buf)),
			     "size %u: buffer written\n", size);
	}
}

/*
 * Runs @q both as a size probe and as a fetch into a canary buffer,
 * expecting @err each time and the buffer untouched.
 */
static void query_expect_err(int fd, struct drm_svmgpu_device_query q,
			     int err)
{
	uint8_t buf[INFO_SIZE];
	struct drm_svmgpu_device_query probe = q;

	probe.size = 0;
	probe.data = 0;
	igt_assert_eq(__svmgpu_query(fd, &probe), err);

	fill_canary(buf, sizeof(buf));
	q.size = sizeof(buf);
	q.data = to_user_pointer(buf);
	igt_assert_eq(__svmgpu_query(fd, &q), err);
	igt_assert(is_canary(buf, sizeof(buf)));
}

static void test_query_bad_id(int fd)
{
	static const uint32_t ids[] = {
		DRM_SVMGPU_QUERY_DEVICE_INFO + 1, 2, 0x7fffffff, 0x80000000,
		0xffffffff,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		struct drm_svmgpu_device_query q = info_query(NULL, 0);

		igt_debug("query id %#x\n", ids[i]);
		q.query = ids[i];
		query_expect_err(fd, q, -EINVAL);
	}
}

static void test_query_bad_flags(int fd)
{
	struct drm_svmgpu_device_query q;
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		q = info_query(NULL, 0);
		q.flags = 1u << bit;
		query_expect_err(fd, q, -EINVAL);
	}

	q = info_query(NULL, 0);
	q.flags = ~0u;
	query_expect_err(fd, q, -EINVAL);
}

static void test_query_bad_pad(int fd)
{
	static const uint32_t pads[] = { 1, 0x80, 0x80000000, 0xffffffff };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pads); i++) {
		struct drm_svmgpu_device_query q = info_query(NULL, 0);

		q.pad = pads[i];
		query_expect_err(fd, q, -EINVAL);
	}
}

static void test_query_bad_extensions(int fd)
{
	struct drm_svmgpu_user_extension zeroed = {};
	struct drm_svmgpu_user_extension named = { .name = 1 };
	struct drm_svmgpu_user_extension chained = {
		.next_extension = to_user_pointer(&zeroed),
	};
	const uint64_t exts[] = {
		/* Well-formed chains: still no extension is defined. */
		to_user_pointer(&zeroed),
		to_user_pointer(&named),
		to_user_pointer(&chained),
		/* Garbage: must be -EINVAL too, not -EFAULT. */
		1,
		4096,
		to_user_pointer(unmapped_page()),
		0xffffffff80000000ull,
		0x8000000000000000ull,
		~0ull,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(exts); i++) {
		struct drm_svmgpu_device_query q = info_query(NULL, 0);

		igt_debug("extensions %#llx\n", (unsigned long long)exts[i]);
		q.extensions = exts[i];
		query_expect_err(fd, q, -EINVAL);
	}

	/* The kernel does not write into the extensions either. */
	igt_assert_eq_u64(zeroed.next_extension, 0);
	igt_assert_eq_u32(zeroed.name, 0);
	igt_assert_eq_u32(zeroed.pad, 0);
}

static void test_query_bad_pointer(int fd)
{
	const uint64_t bad_data[] = {
		0,				/* NULL */
		4096,				/* below mmap_min_addr */
		to_user_pointer(unmapped_page()),
		0xffff888000000000ull,		/* kernel direct map */
		0xffffffff80000000ull,		/* kernel text */
		0x8000000000000000ull,		/* non-canonical */
		~0ull - INFO_SIZE + 2,		/* wraps around */
	};
	struct drm_svmgpu_device_query q;
	uint8_t *page, *straddle;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_data); i++) {
		igt_debug("data %#llx\n", (unsigned long long)bad_data[i]);
		q = info_query(NULL, INFO_SIZE);
		q.data = bad_data[i];
		igt_assert_eq(__svmgpu_query(fd, &q), -EFAULT);
	}

	/* Read-only and inaccessible mappings. */
	page = page_with_prot(PROT_READ);
	q = info_query(page, INFO_SIZE);
	igt_assert_eq(__svmgpu_query(fd, &q), -EFAULT);
	for (i = 0; i < 4096; i++)
		igt_assert_eq(page[i], 0);
	igt_assert_eq(munmap(page, 4096), 0);

	page = page_with_prot(PROT_NONE);
	q = info_query(page, INFO_SIZE);
	igt_assert_eq(__svmgpu_query(fd, &q), -EFAULT);
	igt_assert_eq(munmap(page, 4096), 0);

	/* An answer that would run off the end of a mapping. */
	straddle = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(straddle != MAP_FAILED);
	igt_assert_eq(munmap(straddle + 4096, 4096), 0);
	q = info_query(straddle + 4096 - INFO_SIZE / 2, INFO_SIZE);
	igt_assert_eq(__svmgpu_query(fd, &q), -EFAULT);
	igt_assert_eq(munmap(straddle, 4096), 0);

	/* The ioctl argument itself: unreadable. */
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_DEVICE_QUERY, NULL),
		      -EFAULT);
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_DEVICE_QUERY,
				     unmapped_page()), -EFAULT);
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_DEVICE_QUERY,
				     from_user_pointer(0xffffffff80000000ull)),
		      -EFAULT);
	page = page_with_prot(PROT_NONE);
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_DEVICE_QUERY, page),
		      -EFAULT);
	igt_assert_eq(munmap(page, 4096), 0);

	/*
	 * Readable but not writable: a valid size probe whose answer cannot
	 * be copied back.
	 */
	page = page_with_prot(PROT_READ | PROT_WRITE);
	q = info_query(NULL, 0);
	memcpy(page, &q, sizeof(q));
	igt_assert_eq(mprotect(page, 4096, PROT_READ), 0);
	igt_assert_eq(__svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_DEVICE_QUERY, page),
		      -EFAULT);
	igt_assert(memcmp(page, &q, sizeof(q)) == 0);
	igt_assert_eq(munmap(page, 4096), 0);
}

static void test_unknown_ioctl(int fd)
{
	unsigned int nr;

	for (nr = LAST_SVMGPU_IOCTL + 1; nr <= 0x3f; nr++) {
		uint8_t arg[64] = {};
		int ret;

		ret = __svmgpu_ioctl(fd, DRM_IOWR(DRM_COMMAND_BASE + nr, arg),
				     arg);
		igt_assert_f(ret == -EINVAL || ret == -ENOTTY,
			     "DRM_IOWR(DRM_COMMAND_BASE + %#x, 64): %d (%s)\n",
			     nr, ret, strerror(-ret));

		ret = __svmgpu_ioctl(fd, DRM_IO(DRM_COMMAND_BASE + nr), NULL);
		igt_assert_f(ret == -EINVAL || ret == -ENOTTY,
			     "DRM_IO(DRM_COMMAND_BASE + %#x): %d (%s)\n",
			     nr, ret, strerror(-ret));
	}

	/* The device still works. */
	test_query_info(fd);
}

/*
 * The ioctls of a feature whose bit is clear fail with -EOPNOTSUPP,
 * whatever their argument: user space learns from the feature bits, and
 * the ioctl numbers are already reserved. Arguments here are well formed
 * (as far as they can be without the feature), so that no other error
 * applies.
 */
static void test_unimplemented_features(int fd)
{
	struct drm_svmgpu_vm_bind_op op = {
		.op = DRM_SVMGPU_VM_BIND_OP_UNMAP,
		.addr = 1ull << 32,
		.range = 4096,
	};
	struct drm_svmgpu_gem_create gem_create = {
		.size = 4096,
		.placements = DRM_SVMGPU_GEM_PLACEMENT_VRAM |
			      DRM_SVMGPU_GEM_PLACEMENT_SYSTEM,
	};
	struct drm_svmgpu_gem_mmap_offset mmap_offset = { .handle = 1 };
	struct drm_svmgpu_vm_create vm_create = {};
	struct drm_svmgpu_vm_destroy vm_destroy = { .vm_id = 1 };
	struct drm_svmgpu_vm_bind vm_bind = {
		.vm_id = 1, .num_ops = 1, .ops = to_user_pointer(&op),
	};
	struct drm_svmgpu_queue_create queue_create = {
		.vm_id = 1, .priority = DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
	};
	struct drm_svmgpu_queue_destroy queue_destroy = { .queue_id = 1 };
	struct drm_svmgpu_exec exec = {
		.queue_id = 1, .address = 1ull << 32, .length = 4,
	};
	struct drm_svmgpu_gem_migrate gem_migrate = {
		.handle = 1, .placement = DRM_SVMGPU_GEM_PLACEMENT_SYSTEM,
	};
	struct drm_svmgpu_gem_info gem_info = { .handle = 1 };
	struct drm_svmgpu_vm_create vm_create_fault = {
		.flags = DRM_SVMGPU_VM_CREATE_FAULT_MODE,
	};
	struct drm_svmgpu_vm_madvise vm_madvise = {
		.vm_id = 1, .addr = 1ull << 32, .range = 4096,
	};
	struct drm_svmgpu_vm_attr attr;
	struct drm_svmgpu_vm_query_attrs vm_query_attrs = {
		.vm_id = 1, .addr = 1ull << 32, .range = 4096,
		.attrs = to_user_pointer(&attr), .num_attrs = 1,
	};
	uint64_t ufence = 0;
	struct drm_svmgpu_wait_user_fence wait_user_fence = {
		.addr = to_user_pointer(&ufence),
		.value = 0,
		.mask = ~0ull,
		.op = DRM_SVMGPU_WAIT_EQ,
	};
	const struct {
		uint64_t feature;
		const char *name;
		unsigned long request;
		void *arg;
	} ioctls[] = {
		{ DRM_SVMGPU_FEATURE_GEM, "GEM_CREATE",
		  DRM_IOCTL_SVMGPU_GEM_CREATE, &gem_create },
		{ DRM_SVMGPU_FEATURE_GEM, "GEM_MMAP_OFFSET",
		  DRM_IOCTL_SVMGPU_GEM_MMAP_OFFSET, &mmap_offset },
		{ DRM_SVMGPU_FEATURE_VM, "VM_CREATE",
		  DRM_IOCTL_SVMGPU_VM_CREATE, &vm_create },
		{ DRM_SVMGPU_FEATURE_VM, "VM_DESTROY",
		  DRM_IOCTL_SVMGPU_VM_DESTROY, &vm_destroy },
		{ DRM_SVMGPU_FEATURE_VM, "VM_BIND",
		  DRM_IOCTL_SVMGPU_VM_BIND, &vm_bind },
		{ DRM_SVMGPU_FEATURE_EXEC, "QUEUE_CREATE",
		  DRM_IOCTL_SVMGPU_QUEUE_CREATE, &queue_create },
		{ DRM_SVMGPU_FEATURE_EXEC, "QUEUE_DESTROY",
		  DRM_IOCTL_SVMGPU_QUEUE_DESTROY, &queue_destroy },
		{ DRM_SVMGPU_FEATURE_EXEC, "EXEC",
		  DRM_IOCTL_SVMGPU_EXEC, &exec },
		{ DRM_SVMGPU_FEATURE_GEM_MIGRATE, "GEM_MIGRATE",
		  DRM_IOCTL_SVMGPU_GEM_MIGRATE, &gem_migrate },
		{ DRM_SVMGPU_FEATURE_GEM_MIGRATE, "GEM_INFO",
		  DRM_IOCTL_SVMGPU_GEM_INFO, &gem_info },
		{ DRM_SVMGPU_FEATURE_SVM, "VM_CREATE(FAULT_MODE)",
		  DRM_IOCTL_SVMGPU_VM_CREATE, &vm_create_fault },
		{ DRM_SVMGPU_FEATURE_SVM, "WAIT_USER_FENCE",
		  DRM_IOCTL_SVMGPU_WAIT_USER_FENCE, &wait_user_fence },
		{ DRM_SVMGPU_FEATURE_SVM_MIGRATE, "VM_MADVISE",
		  DRM_IOCTL_SVMGPU_VM_MADVISE, &vm_madvise },
		{ DRM_SVMGPU_FEATURE_SVM_MIGRATE, "VM_QUERY_ATTRS",
		  DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS, &vm_query_attrs },
	};
	uint64_t features = svmgpu_features(fd);
	unsigned int i, checked = 0;

	for (i = 0; i < ARRAY_SIZE(ioctls); i++) {
		int ret;

		if (features & ioctls[i].feature)
			continue;
		ret = __svmgpu_ioctl(fd, ioctls[i].request, ioctls[i].arg);
		igt_assert_f(ret == -EOPNOTSUPP,
			     "%s without its feature bit: %d (%s), expected -EOPNOTSUPP\n",
			     ioctls[i].name, ret, strerror(-ret));
		checked++;
	}

	/*
	 * A flag of a feature on an ioctl of another: EXEC's user fence
	 * without DRM_SVMGPU_FEATURE_SVM, on a queue EXEC would otherwise
	 * take (with EXEC itself missing, the table has checked EXEC).
	 */
	if (!(features & DRM_SVMGPU_FEATURE_SVM) &&
	    (features & (DRM_SVMGPU_FEATURE_GEM | DRM_SVMGPU_FEATURE_VM |
			 DRM_SVMGPU_FEATURE_EXEC)) ==
	    (DRM_SVMGPU_FEATURE_GEM | DRM_SVMGPU_FEATURE_VM |
	     DRM_SVMGPU_FEATURE_EXEC)) {
		struct svmgpu_buf fence;
		struct svmgpu_ctx ctx;
		struct svmgpu_cs cs;
		uint32_t queue;
		int ret;

		svmgpu_ctx_init(&ctx, fd, SZ_64K);
		svmgpu_ctx_buf(&ctx, &fence, SZ_4K,
			       DRM_SVMGPU_GEM_PLACEMENT_SYSTEM);
		queue = svmgpu_queue_create(fd, ctx.vm, 0);
		svmgpu_ctx_cs(&ctx, &cs, 64);
		svmgpu_cs_end(&cs);

		ret = __svmgpu_exec_ufence(fd, queue, svmgpu_cs_addr(&cs),
					   svmgpu_cs_bytes(&cs),
					   svmgpu_buf_gpu(&fence, 0), 1,
					   NULL, 0);
		igt_assert_f(ret == -EOPNOTSUPP,
			     "EXEC(USER_FENCE) without the SVM feature bit: %d (%s), expected -EOPNOTSUPP\n",
			     ret, strerror(-ret));
		igt_assert_eq_u64(*(volatile uint64_t *)fence.map, 0);
		checked++;

		svmgpu_queue_destroy(fd, queue);
		svmgpu_buf_destroy(&fence);
		svmgpu_ctx_fini(&ctx);
	}

	/*
	 * OP_PREFETCH without DRM_SVMGPU_FEATURE_SVM_MIGRATE, and the two
	 * ioctls above, on a fault-mode VM that mirrors the memory: with SVM
	 * itself there, nothing else is wrong with them.
	 */
	if (!(features & DRM_SVMGPU_FEATURE_SVM_MIGRATE) &&
	    svmgpu_has_svm(fd)) {
		uint8_t *mem = svmgpu_map_anon(SZ_64K, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE);
		uint32_t vm = svmgpu_vm_create_fault(fd);
		int ret;

		svmgpu_vm_mirror_all(fd, vm);
		memset(mem, 1, SZ_64K);
		ret = __svmgpu_vm_prefetch(fd, vm, to_user_pointer(mem),
					   SZ_64K, 0);
		igt_assert_f(ret == -EOPNOTSUPP,
			     "OP_PREFETCH without SVM_MIGRATE: %d (%s), expected -EOPNOTSUPP\n",
			     ret, strerror(-ret));
		vm_madvise.vm_id = vm;
		vm_madvise.addr = to_user_pointer(mem);
		ret = __svmgpu_vm_madvise(fd, &vm_madvise);
		igt_assert_f(ret == -EOPNOTSUPP,
			     "VM_MADVISE without SVM_MIGRATE: %d (%s), expected -EOPNOTSUPP\n",
			     ret, strerror(-ret));
		vm_query_attrs.vm_id = vm;
		vm_query_attrs.addr = to_user_pointer(mem);
		ret = __svmgpu_vm_query_attrs(fd, &vm_query_attrs);
		igt_assert_f(ret == -EOPNOTSUPP,
			     "VM_QUERY_ATTRS without SVM_MIGRATE: %d (%s), expected -EOPNOTSUPP\n",
			     ret, strerror(-ret));
		checked += 3;
		svmgpu_vm_destroy(fd, vm);
		svmgpu_unmap(mem, SZ_64K);
	}

	igt_require_f(checked, "every feature is implemented\n");
	igt_info("%u ioctl(s) of unimplemented features checked\n", checked);
}

/*
 * libdrm's enumeration must show svmgpu to its users (Mesa's loader,
 * libsvmgpu) as a platform-bus device whose render node is the first
 * svmgpu node. libdrm identifies platform devices by their device-tree
 * name, which svmgpu's (like vgem's) do not have, so it may fold several
 * svmgpu GPUs into that one entry; libsvmgpu scans render nodes for the
 * others. Every svmgpu entry libdrm does list must be a real svmgpu node.
 */
static void test_drm_enumerate(void)
{
	drmDevicePtr devs[64];
	char first[PATH_MAX], path[PATH_MAX];
	int count = svmgpu_count_devices();
	int n, i, j, listed = 0;
	bool first_listed = false;

	igt_require_f(count >= 1, "no svmgpu device\n");
	igt_assert_eq(svmgpu_render_node_path(0, first, sizeof(first)), 0);

	n = drmGetDevices2(0, devs, ARRAY_SIZE(devs));
	igt_assert_f(n >= 0, "drmGetDevices2: %d\n", n);

	for (j = 0; j < n; j++) {
		const char *node = devs[j]->nodes[DRM_NODE_RENDER];
		bool ours = false;

		if (!(devs[j]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		for (i = 0; i < count; i++) {
			igt_assert_eq(svmgpu_render_node_path(i, path,
							      sizeof(path)), 0);
			ours |= !strcmp(node, path);
		}
		if (!ours)
			continue;

		igt_assert_eq(devs[j]->bustype, DRM_BUS_PLATFORM);
		first_listed |= !strcmp(node, first);
		listed++;
	}
	drmFreeDevices(devs, n);

	igt_info("drmGetDevices2 lists %d of %d svmgpu render node(s)\n",
		 listed, count);
	igt_assert_f(first_listed, "%s is not listed by drmGetDevices2\n",
		     first);
}

static void test_two_clients(void)
{
	struct drm_svmgpu_query_device_info a, b;
	struct drm_svmgpu_device_query qa, qb;
	int fd1, fd2;

	fd1 = drm_open_svmgpu(0);
	fd2 = drm_open_svmgpu(0);

	/* Independently. */
	svmgpu_query_device_info(fd1, &a);
	svmgpu_query_device_info(fd2, &b);
	igt_assert(memcmp(&a, &b, sizeof(a)) == 0);

	/* Interleaved: probe 1, probe 2, fetch 2, fetch 1. */
	qa = info_query(NULL, 0);
	qb = info_query(NULL, 0);
	igt_assert_eq(__svmgpu_query(fd1, &qa), 0);
	igt_assert_eq(__svmgpu_query(fd2, &qb), 0);
	igt_assert_eq_u32(qa.size, INFO_SIZE);
	igt_assert_eq_u32(qb.size, INFO_SIZE);
	fill_canary(&a, sizeof(a));
	fill_canary(&b, sizeof(b));
	qa.data = to_user_pointer(&a);
	qb.data = to_user_pointer(&b);
	igt_assert_eq(__svmgpu_query(fd2, &qb), 0);
	igt_assert_eq(__svmgpu_query(fd1, &qa), 0);
	igt_assert(memcmp(&a, &b, sizeof(a)) == 0);
	check_device_info(&a);

	/* An error on one client does not affect the other. */
	qa = info_query(NULL, 0);
	qa.flags = 1;
	igt_assert_eq(__svmgpu_query(fd1, &qa), -EINVAL);
	svmgpu_query_device_info(fd2, &b);
	igt_assert(memcmp(&a, &b, sizeof(a)) == 0);

	/* Closing one leaves the other working. */
	igt_assert_eq(close(fd1), 0);
	svmgpu_query_device_info(fd2, &b);
	igt_assert(memcmp(&a, &b, sizeof(a)) == 0);
	test_query_info(fd2);
	igt_assert_eq(close(fd2), 0);
}

/* Queries and checks every one of @count svmgpu devices. */
static void check_all_devices(int count)
{
	struct drm_svmgpu_query_device_info info;
	dev_t rdev[16];
	struct stat st;
	int i, j, fd;

	igt_assert_lte(count, (int)ARRAY_SIZE(rdev));
	for (i = 0; i < count; i++) {
		fd = __drm_open_svmgpu(i);
		igt_assert_f(fd >= 0, "svmgpu device %d: %s\n", i,
			     strerror(-fd));
		igt_assert_eq(fstat(fd, &st), 0);
		rdev[i] = st.st_rdev;
		for (j = 0; j < i; j++)
			igt_assert(rdev[j] != rdev[i]);

		svmgpu_query_device_info(fd, &info);
		check_device_info(&info);
		igt_assert_eq(close(fd), 0);
	}
}

static void test_two_devices(void)
{
	uint64_t num_devices = svmgpu_param_get_u64("num_devices");

	igt_require_f(num_devices >= 2,
		      "needs svmgpu loaded with num_devices >= 2 (has %llu)\n",
		      (unsigned long long)num_devices);

	igt_assert_eq(svmgpu_count_devices(), (int)num_devices);
	check_all_devices(2);
}

/*
 * Unloads svmgpu and loads it with @params, then checks that the number
 * of devices num_devices asks for (@expect, or the parameter's value if
 * @expect is 0) appear and answer the query.
 */
static void reload_and_check(const char *params, int expect)
{
	uint64_t num_devices;
	int ret;

	igt_debug("reloading svmgpu with \"%s\"\n", params ? params : "");

	ret = svmgpu_module_unload();
	igt_assert_f(ret == 0, "modprobe -r %s: %d\n", SVMGPU_MODULE_NAME, ret);
	igt_assert_eq(svmgpu_module_state(), SVMGPU_MODULE_ABSENT);
	igt_assert_f(svmgpu_wait_devices(0, DEVICE_TIMEOUT_MS),
		     "svmgpu device nodes remain after unload\n");

	ret = svmgpu_module_load(params);
	igt_assert_f(ret == 0, "modprobe %s %s: %d\n", SVMGPU_MODULE_NAME,
		     params ? params : "", ret);
	igt_assert_eq(svmgpu_module_state(), SVMGPU_MODULE_LOADED);

	num_devices = svmgpu_param_get_u64("num_devices");
	if (expect)
		igt_assert_eq_u64(num_devices, expect);
	else
		expect = num_devices;

	igt_assert_f(svmgpu_wait_devices(expect, DEVICE_TIMEOUT_MS),
		     "expected %d svmgpu device(s), found %d\n", expect,
		     svmgpu_count_devices());
	check_all_devices(expect);
}

/*
 * Closes every svmgpu descriptor, checks that svmgpu is a loaded module
 * that nothing holds, and records the parameters it was loaded with, or
 * skips.
 */
static void prepare_unload(void)
{
	enum svmgpu_module_state state;
	int ret, refcnt;

	/* No descriptor may survive an unload: close ours, and any leak. */
	if (svmgpu_fd >= 0) {
		close(svmgpu_fd);
		svmgpu_fd = -1;
	}
	ret = svmgpu_close_drm_fds();
	if (ret)
		igt_debug("closed %d leaked DRM descriptor(s)\n", ret);

	state = svmgpu_module_state();
	igt_skip_on_f(state == SVMGPU_MODULE_BUILTIN,
		      "svmgpu is built into the kernel\n");
	igt_require_f(state == SVMGPU_MODULE_LOADED,
		      "svmgpu is not loaded\n");
	refcnt = svmgpu_module_refcnt();
	igt_skip_on_f(refcnt != 0, "svmgpu is in use (refcnt %d)\n", refcnt);

	if (!run_params[0]) {
		ret = svmgpu_module_params(run_params, sizeof(run_params));
		igt_assert_f(ret == 0, "cannot read svmgpu's parameters: %s\n",
			     strerror(-ret));
		igt_info("svmgpu's parameters: %s\n", run_params);
	}
}

/*
 * Loads svmgpu (unloaded) with the parameters of the run, and checks that
 * it has them and its devices answer.
 */
static void load_run_params(void)
{
	char now[sizeof(run_params)];
	int ret;

	ret = svmgpu_module_load(run_params);
	igt_assert_f(ret == 0, "modprobe %s %s: %d\n", SVMGPU_MODULE_NAME,
		     run_params, ret);
	igt_assert_eq(svmgpu_module_state(), SVMGPU_MODULE_LOADED);
	igt_assert_eq(svmgpu_module_params(now, sizeof(now)), 0);
	igt_assert_f(!strcmp(now, run_params),
		     "svmgpu reloaded with \"%s\", not the run's \"%s\"\n",
		     now, run_params);
	igt_assert_f(svmgpu_wait_devices(svmgpu_param_get_u64("num_devices"),
					 DEVICE_TIMEOUT_MS),
		     "svmgpu devices did not come back\n");
	check_all_devices(svmgpu_count_devices());
}

static void test_module_reload(void)
{
	int i, ret;

	prepare_unload();

	/* A first unload that fails means something else holds the module. */
	ret = svmgpu_module_unload();
	igt_skip_on_f(ret != 0, "cannot unload svmgpu (modprobe -r: %d)\n",
		      ret);
	module_dirty = true;
	ret = svmgpu_module_load(NULL);
	igt_assert_f(ret == 0, "modprobe %s: %d\n", SVMGPU_MODULE_NAME, ret);

	for (i = 0; i < RELOAD_CYCLES; i++) {
		igt_debug("reload cycle %d\n", i);
		reload_and_check("num_devices=2", 2);
		reload_and_check(NULL, 0);
	}

	/* Back as the run loaded it, for the tests after this one. */
	ret = svmgpu_module_unload();
	igt_assert_f(ret == 0, "modprobe -r %s: %d\n", SVMGPU_MODULE_NAME, ret);
	igt_assert_f(svmgpu_wait_devices(0, DEVICE_TIMEOUT_MS),
		     "svmgpu device nodes remain after unload\n");
	load_run_params();
	module_dirty = false;

	/* Later subtests and the closing fixture expect the fd. */
	svmgpu_fd = drm_open_svmgpu(0);
}

/* delete_module(2) as rmmod calls it: fails at once if the module is in use. */
static int delete_svmgpu(void)
{
	if (syscall(SYS_delete_module, SVMGPU_MODULE_NAME, O_NONBLOCK))
		return -errno;

	return 0;
}

/* Expects an unload of svmgpu to be refused while it is in use. */
static void assert_unload_refused(const char *what)
{
	int ret = delete_svmgpu();

	igt_assert_f(ret == -EAGAIN || ret == -EBUSY,
		     "delete_module(svmgpu) with %s: %d (%s), expected "
		     "-EAGAIN or -EBUSY\n", what, ret, strerror(-ret));
	igt_assert_f(svmgpu_module_unload() != 0,
		     "modprobe -r svmgpu with %s succeeded\n", what);
	igt_assert_eq(svmgpu_module_state(), SVMGPU_MODULE_LOADED);
	igt_assert_lt(0, svmgpu_module_refcnt());
}

/*
 * An unload while a client has a render node open, BOs mapped and a job
 * queued behind a job held at a gate is refused cleanly, and leaves
 * everything working: the jobs complete once the gate opens. A CPU
 * mapping that outlives its file still holds the module. Once all is
 * closed, the module unloads (with no leak: the harness scans kmemleak and
 * the kernel log) and is loaded again with the run's parameters.
 */
static void test_unload_busy(void)
{
	const uint64_t features = DRM_SVMGPU_FEATURE_GEM |
				  DRM_SVMGPU_FEATURE_VM |
				  DRM_SVMGPU_FEATURE_EXEC;
	uint32_t queue, out_held, out_queued, orphan;
	struct svmgpu_cs held, queued;
	struct timespec start = {};
	struct svmgpu_gate gate;
	struct svmgpu_buf data;
	struct svmgpu_ctx ctx;
	void *orphan_map;
	int fd, ret;

	prepare_unload();

	fd = drm_open_svmgpu(0);
	svmgpu_require_features(fd, features);
	svmgpu_ctx_init(&ctx, fd, 16 * SZ_4K);
	svmgpu_ctx_buf(&ctx, &data, SZ_64K, SVMGPU_PLACEMENT_BOTH);
	memset(data.map, 0, SZ_64K);
	svmgpu_gate_init(&gate, &ctx);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);
	out_held = svmgpu_syncobj_create(fd, 0);
	out_queued = svmgpu_syncobj_create(fd, 0);

	/* One job held at the gate, one queued behind it on the queue. */
	svmgpu_ctx_cs(&ctx, &held, 256);
	svmgpu_gate_emit(&gate, &held);
	svmgpu_cs_write32(&held, svmgpu_buf_gpu(&data, 0), 1);
	svmgpu_cs_end(&held);
	svmgpu_ctx_cs(&ctx, &queued, 256);
	svmgpu_cs_write32(&queued, svmgpu_buf_gpu(&data, 4), 2);
	svmgpu_cs_end(&queued);
	svmgpu_submit(fd, queue, &held, out_held);
	svmgpu_gate_wait_arrived(&gate);
	svmgpu_submit(fd, queue, &queued, out_queued);
	igt_assert(svmgpu_syncobj_busy(fd, out_queued, 0));

	assert_unload_refused("a job held and one queued");

	/* Nothing changed: the jobs are still there, the device answers. */
	igt_assert(svmgpu_syncobj_busy(fd, out_held, 0));
	igt_assert(svmgpu_syncobj_busy(fd, out_queued, 0));
	check_all_devices(svmgpu_count_devices());

	svmgpu_gate_open(&gate);
	igt_assert_eq(svmgpu_wait_job(fd, out_held), 0);
	igt_assert_eq(svmgpu_wait_job(fd, out_queued), 0);
	igt_assert_eq_u32(((uint32_t *)data.map)[0], 1);
	igt_assert_eq_u32(((uint32_t *)data.map)[1], 2);

	/* A mapping whose handle and file are gone still holds the module. */
	orphan = svmgpu_bo_create(fd, SZ_64K, SVMGPU_PLACEMENT_BOTH, 0);
	orphan_map = svmgpu_bo_mmap(fd, orphan, SZ_64K,
				    PROT_READ | PROT_WRITE);
	memset(orphan_map, 0x5a, SZ_64K);

	svmgpu_syncobj_destroy(fd, out_held);
	svmgpu_syncobj_destroy(fd, out_queued);
	svmgpu_queue_destroy(fd, queue);
	svmgpu_gate_fini(&gate);
	svmgpu_buf_destroy(&data);
	svmgpu_ctx_fini(&ctx);
	svmgpu_gem_close(fd, orphan);
	igt_assert_eq(close(fd), 0);

	assert_unload_refused("a BO still mapped");
	igt_assert_eq(((uint8_t *)orphan_map)[SZ_64K - 1], 0x5a);
	igt_assert_eq(munmap(orphan_map, SZ_64K), 0);

	/* Everything is closed: the module goes, once its count drops. */
	igt_nsec_elapsed(&start);
	while (svmgpu_module_refcnt() > 0 &&
	       igt_nsec_elapsed(&start) < DEVICE_TIMEOUT_MS * 1000000ull)
		usleep(10000);
	module_dirty = true;
	ret = delete_svmgpu();
	igt_assert_f(ret == 0, "delete_module(svmgpu) with nothing open: %d "
		     "(%s), refcnt %d\n", ret, strerror(-ret),
		     svmgpu_module_refcnt());
	igt_assert_eq(svmgpu_module_state(), SVMGPU_MODULE_ABSENT);
	igt_assert_f(svmgpu_wait_devices(0, DEVICE_TIMEOUT_MS),
		     "svmgpu device nodes remain after unload\n");

	load_run_params();
	module_dirty = false;

	svmgpu_fd = drm_open_svmgpu(0);
}

/*
 * If a subtest that reloads svmgpu failed half-way, put the module back
 * with the run's parameters so that later tests find a usable device.
 * Best effort: this runs in a fixture, where an assertion would fail
 * every later subtest.
 */
static void restore_module(void)
{
	if (!module_dirty)
		return;

	svmgpu_close_drm_fds();
	svmgpu_gates_release_leaked();
	if (svmgpu_module_state() == SVMGPU_MODULE_LOADED &&
	    svmgpu_module_unload() != 0)
		igt_warn("cannot unload svmgpu to restore it\n");
	if (svmgpu_module_load(run_params[0] ? run_params : NULL) != 0)
		igt_warn("cannot reload svmgpu with \"%s\"\n", run_params);
	module_dirty = false;
}

igt_main
{
	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	igt_describe("Open and close the render node many times; it is an "
		     "svmgpu render node and works without the card node.");
	igt_subtest("open-close")
		test_open_close();

	igt_describe("Query the device info with the size-probe protocol and "
		     "check every field against the uAPI and the module "
		     "parameters.");
	igt_subtest("query-info")
		test_query_info(svmgpu_fd);

	igt_describe("A buffer smaller than the answer is rejected and left "
		     "untouched.");
	igt_subtest("query-short-buffer")
		test_query_short_buffer(svmgpu_fd);

	igt_describe("Unknown query ids are rejected.");
	igt_subtest("query-bad-id")
		test_query_bad_id(svmgpu_fd);

	igt_describe("Any non-zero flag is rejected.");
	igt_subtest("query-bad-flags")
		test_query_bad_flags(svmgpu_fd);

	igt_describe("Non-zero padding is rejected.");
	igt_subtest("query-bad-pad")
		test_query_bad_pad(svmgpu_fd);

	igt_describe("Any extension pointer is rejected, valid or not, as no "
		     "extension is defined.");
	igt_subtest("query-bad-extensions")
		test_query_bad_extensions(svmgpu_fd);

	igt_describe("Answer and argument pointers that cannot be written "
		     "give -EFAULT.");
	igt_subtest("query-bad-pointer")
		test_query_bad_pointer(svmgpu_fd);

	igt_describe("Driver ioctl numbers past the last defined one are "
		     "rejected.");
	igt_subtest("unknown-ioctl")
		test_unknown_ioctl(svmgpu_fd);

	igt_describe("The ioctls and flags of every feature the device does "
		     "not report fail with -EOPNOTSUPP.");
	igt_subtest("unimplemented-features")
		test_unimplemented_features(svmgpu_fd);

	igt_describe("libdrm's drmGetDevices2() shows svmgpu as a "
		     "platform-bus device with the first svmgpu render node.");
	igt_subtest("drm-enumerate")
		test_drm_enumerate();

	igt_describe("Two clients of one device query independently and "
		     "survive each other's errors and close.");
	igt_subtest("two-clients")
		test_two_clients();

	igt_describe("With two devices, both answer the query.");
	igt_subtest("two-devices")
		test_two_devices();

	igt_describe("Unload and reload the module with one and two devices, "
		     "several times; it ends loaded with the parameters the "
		     "run loaded it with.");
	igt_subtest("module-reload")
		test_module_reload();

	igt_describe("With a render node open, BOs mapped and a job queued "
		     "behind one held at a gate, unloading the module is "
		     "refused and changes nothing; once all is closed it "
		     "unloads, and loads again with the run's parameters.");
	igt_subtest("unload-busy")
		test_unload_busy();

	igt_fixture {
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
		restore_module();
	}
}
