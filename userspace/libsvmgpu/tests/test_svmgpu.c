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
 *   drmIoctl(), drmGetDevices2() and drmFreeDevices(); linked with
 *   --export-dynamic they interpose libdrm's, which libsvmgpu calls through
 *   its PLT. When the mock is on, a few character devices (/dev/null,
 *   /dev/zero, ...) pose as DRM render nodes, recognised by device number,
 *   and DRM_IOCTL_SVMGPU_DEVICE_QUERY is answered as the uAPI header
 *   specifies. Everything else goes to the real libdrm.
 */
#define _GNU_SOURCE	/* pipe2() */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xf86drm.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- A minimal TAP harness ---------------------------------------------- */

static bool t_failed;
static const char *t_skip;

static void diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

#define EXPECT(cond) do {						\
	if (!(cond)) {							\
		diag("%s:%d: expected %s", __FILE__, __LINE__, #cond);	\
		t_failed = true;					\
	}								\
} while (0)

#define EXPECT_EQ(a, b) do {						\
	long long a_ = (long long)(a), b_ = (long long)(b);		\
	if (a_ != b_) {							\
		diag("%s:%d: %s == %lld, expected %s == %lld",		\
		     __FILE__, __LINE__, #a, a_, #b, b_);		\
		t_failed = true;					\
	}								\
} while (0)

/* Give up on the current test when a precondition fails. */
#define REQUIRE(cond) do {						\
	if (!(cond)) {							\
		diag("%s:%d: required %s", __FILE__, __LINE__, #cond);	\
		t_failed = true;					\
		return;							\
	}								\
} while (0)

#define SKIP(why) do { t_skip = (why); return; } while (0)

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
};

static void mock_reset(bool on)
{
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

int drmIoctl(int fd, unsigned long request, void *arg)
{
	const struct fake_node *node = fake_node(fd);

	if (node && !strcmp(node->driver, "svmgpu") &&
	    request == DRM_IOCTL_SVMGPU_DEVICE_QUERY)
		return fake_device_query(arg);
	return REAL(drmIoctl)(fd, request, arg);
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
	struct svmgpu_device *dev;

	mock_reset(true);
	mock.answer.info.features = ~0ull;
	dev = fake_device_new();
	REQUIRE(dev);
#ifdef DRM_SVMGPU_FEATURE_SYSTEM_SVM
	EXPECT(svmgpu_device_has_system_svm(dev));
	svmgpu_device_del(dev);

	mock.answer.info.features = ~0ull & ~DRM_SVMGPU_FEATURE_SYSTEM_SVM;
	dev = fake_device_new();
	REQUIRE(dev);
#endif
	/* Without the uAPI bit, no mask can claim system SVM. */
	EXPECT(!svmgpu_device_has_system_svm(dev));
	svmgpu_device_del(dev);
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

/* ---- Runner ------------------------------------------------------------- */

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "null_arguments", test_null_arguments },
	{ "new_bad_fd", test_new_bad_fd },
	{ "new_dev_null", test_new_dev_null },
	{ "new_pipe", test_new_pipe },
	{ "new_regular_file", test_new_regular_file },
	{ "open_no_device", test_open_no_device },
	{ "open_index_out_of_range", test_open_index_out_of_range },
	{ "mock_new_dups_fd", test_mock_new_dups_fd },
	{ "mock_new_wrong_driver", test_mock_new_wrong_driver },
	{ "mock_get_info", test_mock_get_info },
	{ "mock_query", test_mock_query },
	{ "mock_refcount", test_mock_refcount },
	{ "mock_refcount_threads", test_mock_refcount_threads },
	{ "mock_newer_kernel", test_mock_newer_kernel },
	{ "mock_bad_kernel", test_mock_bad_kernel },
	{ "mock_system_svm", test_mock_system_svm },
	{ "mock_open_order", test_mock_open_order },
	{ "mock_open_fallback", test_mock_open_fallback },
};

int main(void)
{
	unsigned int i, failed = 0;
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

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		t_failed = false;
		t_skip = NULL;
		mock_reset(false);
		tests[i].fn();
		mock_reset(false);
		fflush(stdout);

		if (t_skip && !t_failed)
			printf("ok %u - %s # SKIP %s\n", i + 1, tests[i].name,
			       t_skip);
		else
			printf("%s %u - %s\n", t_failed ? "not ok" : "ok",
			       i + 1, tests[i].name);
		failed += t_failed;
	}
	printf("1..%u\n", i);
	if (failed)
		printf("# %u of %u tests failed\n", failed, i);
	return failed ? 1 : 0;
}
