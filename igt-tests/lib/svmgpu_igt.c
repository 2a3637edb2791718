// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu helpers for IGT tests: finding and opening svmgpu render nodes,
 * issuing ioctls, and reading or reloading the svmgpu kernel module.
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "svmgpu_igt.h"

#define DRI_DIR "/dev/dri"
#define RENDER_PREFIX "renderD"
#define SYS_MODULE_DIR "/sys/module/" SVMGPU_MODULE_NAME

/**
 * is_svmgpu_device() - Whether a DRM fd belongs to svmgpu.
 * @fd: An open DRM file descriptor.
 *
 * Return: true if the driver behind @fd calls itself "svmgpu".
 */
bool is_svmgpu_device(int fd)
{
	drmVersionPtr version = drmGetVersion(fd);
	bool ret;

	if (!version)
		return false;

	ret = version->name && strcmp(version->name, SVMGPU_DRIVER_NAME) == 0;
	drmFreeVersion(version);

	return ret;
}

static int render_minor(const char *name)
{
	const char *p = name + strlen(RENDER_PREFIX);
	char *end;
	long minor;

	if (strncmp(name, RENDER_PREFIX, strlen(RENDER_PREFIX)) != 0 ||
	    !isdigit((unsigned char)*p))
		return -1;

	minor = strtol(p, &end, 10);
	if (*end || minor < 0 || minor > INT_MAX)
		return -1;

	return minor;
}

static int render_filter(const struct dirent *de)
{
	return render_minor(de->d_name) >= 0;
}

static int render_compare(const struct dirent **a, const struct dirent **b)
{
	return render_minor((*a)->d_name) - render_minor((*b)->d_name);
}

typedef int (*svmgpu_node_fn)(int index, const char *path, void *data);

/*
 * Calls @fn on every svmgpu render node, in minor-number order, with its
 * svmgpu index, until @fn returns non-zero. Returns that value, or the
 * number of svmgpu nodes seen if @fn never stopped the walk.
 *
 * Render nodes are found by scanning /dev/dri directly, as IGT's own device
 * scanning does, rather than with libdrm's drmGetDevices2(): some libdrm
 * builds leave out platform devices without a device-tree node, such as
 * ours. Nodes beyond renderD191 (newer kernels allocate them) are included.
 */
static int for_each_svmgpu_node(svmgpu_node_fn fn, void *data)
{
	struct dirent **names;
	int n, i, index = 0, ret = 0;

	n = scandir(DRI_DIR, &names, render_filter, render_compare);
	if (n < 0)
		return 0;

	for (i = 0; i < n; i++) {
		char path[PATH_MAX];
		int fd;

		snprintf(path, sizeof(path), DRI_DIR "/%s", names[i]->d_name);

		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;

		if (!is_svmgpu_device(fd)) {
			close(fd);
			continue;
		}
		close(fd);

		if (!ret && fn)
			ret = fn(index, path, data);
		index++;
	}

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);

	return ret ? ret : index;
}

/**
 * svmgpu_count_devices() - Count the svmgpu render nodes.
 *
 * Return: The number of /dev/dri render nodes driven by svmgpu that this
 * process can open.
 */
int svmgpu_count_devices(void)
{
	return for_each_svmgpu_node(NULL, NULL);
}

struct node_lookup {
	int index;
	char *path;
	size_t len;
	bool found;
};

static int match_index(int index, const char *path, void *data)
{
	struct node_lookup *lookup = data;

	if (index != lookup->index)
		return 0;

	snprintf(lookup->path, lookup->len, "%s", path);
	lookup->found = true;
	return 1;
}

/**
 * svmgpu_render_node_path() - Path of the @index-th svmgpu render node.
 * @index: Which svmgpu device, counting from 0 in minor-number order.
 * @path: Buffer for the path.
 * @len: Size of @path.
 *
 * Return: 0, or -ENODEV if there are not that many svmgpu devices.
 */
int svmgpu_render_node_path(int index, char *path, size_t len)
{
	struct node_lookup lookup = {
		.index = index,
		.path = path,
		.len = len,
	};

	if (index < 0 || !len)
		return -ENODEV;

	for_each_svmgpu_node(match_index, &lookup);

	return lookup.found ? 0 : -ENODEV;
}

/**
 * __drm_open_svmgpu() - Open the @index-th svmgpu render node.
 * @index: Which svmgpu device, counting from 0 in minor-number order.
 *
 * Return: A file descriptor, or a negative errno (-ENODEV if there are not
 * that many svmgpu devices).
 */
int __drm_open_svmgpu(int index)
{
	char path[PATH_MAX];
	int fd, ret;

	ret = svmgpu_render_node_path(index, path, sizeof(path));
	if (ret)
		return ret;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	/* The node may have been replaced since it was scanned. */
	if (!is_svmgpu_device(fd)) {
		close(fd);
		return -ENODEV;
	}

	return fd;
}

/**
 * drm_open_svmgpu() - Open the @index-th svmgpu render node, or skip.
 * @index: Which svmgpu device, counting from 0 in minor-number order.
 *
 * Skips the current subtest (or, in a fixture, the subtests that follow)
 * if the device does not exist.
 *
 * Return: A file descriptor.
 */
int drm_open_svmgpu(int index)
{
	int fd = __drm_open_svmgpu(index);

	igt_require_f(fd >= 0, "no svmgpu render node #%d (%s)\n", index,
		      strerror(-fd));

	return fd;
}

/**
 * svmgpu_close_drm_fds() - Close every DRM file this process has open.
 *
 * Used before unloading the module: a test that failed half-way may have
 * leaked descriptors, and any open DRM file pins the module.
 *
 * Return: The number of descriptors closed.
 */
int svmgpu_close_drm_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;
	int closed = 0;

	if (!dir)
		return 0;

	while ((de = readdir(dir))) {
		char link[64], target[PATH_MAX];
		ssize_t len;
		int fd;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;

		fd = atoi(de->d_name);
		if (fd == dirfd(dir))
			continue;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		len = readlink(link, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';

		if (strncmp(target, DRI_DIR "/", strlen(DRI_DIR "/")) == 0) {
			close(fd);
			closed++;
		}
	}
	closedir(dir);

	return closed;
}

/**
 * svmgpu_wait_devices() - Wait until exactly @count svmgpu devices exist.
 * @count: Expected number of svmgpu render nodes (0 to wait for none).
 * @timeout_ms: How long to wait.
 *
 * Device nodes come and go asynchronously with module load and unload
 * (probing, devtmpfs, udev), so poll.
 *
 * Return: true if the count was reached in time.
 */
bool svmgpu_wait_devices(int count, unsigned int timeout_ms)
{
	struct timespec start = {};

	igt_nsec_elapsed(&start);
	for (;;) {
		if (svmgpu_count_devices() == count)
			return true;
		if (igt_nsec_elapsed(&start) > timeout_ms * 1000000ull)
			return false;
		usleep(10 * 1000);
	}
}

/**
 * __svmgpu_ioctl() - Issue an ioctl.
 * @fd: DRM file descriptor.
 * @request: Ioctl request number.
 * @arg: Ioctl argument.
 *
 * Goes through igt_ioctl (libdrm's drmIoctl unless a helper replaced it),
 * which restarts on EINTR and EAGAIN.
 *
 * Return: 0 or a negative errno. errno is cleared.
 */
int __svmgpu_ioctl(int fd, unsigned long request, void *arg)
{
	int ret = 0;

	if (igt_ioctl(fd, request, arg))
		ret = -errno;
	errno = 0;

	return ret;
}

/**
 * __svmgpu_query() - DRM_IOCTL_SVMGPU_DEVICE_QUERY.
 * @fd: svmgpu file descriptor.
 * @q: The query, passed to the kernel as is.
 *
 * Return: 0 or a negative errno.
 */
int __svmgpu_query(int fd, struct drm_svmgpu_device_query *q)
{
	return __svmgpu_ioctl(fd, DRM_IOCTL_SVMGPU_DEVICE_QUERY, q);
}

/**
 * svmgpu_query_device_info() - Fetch the device info, asserting success.
 * @fd: svmgpu file descriptor.
 * @info: Filled with the answer.
 *
 * Uses the two-step protocol (size probe, then fetch) and asserts that
 * both steps agree on the size.
 */
void svmgpu_query_device_info(int fd,
			      struct drm_svmgpu_query_device_info *info)
{
	struct drm_svmgpu_device_query q = {
		.query = DRM_SVMGPU_QUERY_DEVICE_INFO,
	};

	igt_assert_eq(__svmgpu_query(fd, &q), 0);
	igt_assert_eq_u32(q.size, sizeof(*info));

	memset(info, 0, sizeof(*info));
	q.data = to_user_pointer(info);
	igt_assert_eq(__svmgpu_query(fd, &q), 0);
	igt_assert_eq_u32(q.size, sizeof(*info));
}

/**
 * svmgpu_read_small() - Read a small sysfs, debugfs or procfs file as text.
 * @path: The file.
 * @buf: Buffer for its contents, without trailing white space.
 * @len: Size of @buf.
 *
 * Return: 0 or a negative errno.
 */
int svmgpu_read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (!len)
		return -EINVAL;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;

	buf[n] = '\0';
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';

	return 0;
}

/**
 * svmgpu_param_read() - Read a module parameter as text.
 * @name: Parameter name.
 * @buf: Buffer for the value, without its trailing newline.
 * @len: Size of @buf.
 *
 * Return: 0 or a negative errno (-ENOENT if the module or the parameter
 * does not exist or is not readable through sysfs).
 */
int svmgpu_param_read(const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SVMGPU_PARAM_DIR "/%s", name);
	return svmgpu_read_small(path, buf, len);
}

/**
 * svmgpu_param_u64() - Read a numeric module parameter.
 * @name: Parameter name.
 * @val: The value.
 *
 * Accepts decimal, 0x-prefixed hexadecimal, and a K/M/G suffix (as the
 * kernel's memparse() does), so a size parameter may be given either way.
 *
 * Return: 0 or a negative errno (-EINVAL if the value is not a number).
 */
int svmgpu_param_u64(const char *name, uint64_t *val)
{
	unsigned long long v;
	char buf[64], *end;
	int ret, shift;

	ret = svmgpu_param_read(name, buf, sizeof(buf));
	if (ret)
		return ret;

	if (!isdigit((unsigned char)buf[0]))
		return -EINVAL;

	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno)
		return -EINVAL;

	switch (*end) {
	case 'K': case 'k':
		shift = 10;
		break;
	case 'M': case 'm':
		shift = 20;
		break;
	case 'G': case 'g':
		shift = 30;
		break;
	default:
		shift = 0;
		break;
	}
	if (shift)
		end++;
	if (*end || (v << shift) >> shift != v)
		return -EINVAL;

	*val = v << shift;
	return 0;
}

/**
 * svmgpu_param_get_u64() - Read a numeric module parameter, or fail.
 * @name: Parameter name.
 *
 * Return: The value. Fails the subtest if it cannot be read.
 */
uint64_t svmgpu_param_get_u64(const char *name)
{
	uint64_t val = 0;
	int ret = svmgpu_param_u64(name, &val);

	igt_assert_f(ret == 0, "cannot read %s/%s: %s\n", SVMGPU_PARAM_DIR,
		     name, strerror(-ret));

	return val;
}

/**
 * svmgpu_param_write() - Set a module parameter that is writable at run
 * time.
 * @name: Parameter name.
 * @value: The value, as text.
 *
 * Return: 0 or a negative errno (-ENOENT if there is no such parameter,
 * -EACCES if it is read-only, what its setter returns otherwise).
 */
int svmgpu_param_write(const char *name, const char *value)
{
	char path[PATH_MAX];
	ssize_t n, len = strlen(value);
	int fd, ret = 0;

	snprintf(path, sizeof(path), SVMGPU_PARAM_DIR "/%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0)
		ret = -errno;
	else if (n != len)
		ret = -EIO;
	close(fd);

	return ret;
}

/**
 * svmgpu_module_state() - Whether svmgpu is loaded, and how.
 *
 * A built-in module still has /sys/module/NAME (for its parameters) but
 * no initstate file; a loadable one has both while loaded.
 *
 * Return: One of &enum svmgpu_module_state.
 */
enum svmgpu_module_state svmgpu_module_state(void)
{
	if (access(SYS_MODULE_DIR, F_OK))
		return SVMGPU_MODULE_ABSENT;
	if (access(SYS_MODULE_DIR "/initstate", F_OK))
		return SVMGPU_MODULE_BUILTIN;

	return SVMGPU_MODULE_LOADED;
}

/**
 * svmgpu_module_refcnt() - The loaded module's reference count.
 *
 * Return: The count, or a negative errno if it cannot be read (module not
 * loaded, or built in).
 */
int svmgpu_module_refcnt(void)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(SYS_MODULE_DIR "/refcnt", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EINVAL;
	buf[n] = '\0';

	return atoi(buf);
}

/**
 * svmgpu_modprobe() - Run modprobe.
 * @args: NULL-terminated arguments after "modprobe".
 *
 * Runs modprobe with fork/exec rather than a shell, and rather than
 * libigt's igt_kmod_*() so that the module configuration the system set up
 * for modprobe (/lib/modules, modprobe.d) is what is used. modprobe is
 * looked up in PATH (with the usual sbin directories appended), so a test
 * environment can supply its own, as svmgpu's VM does to point modprobe at
 * the modules of the kernel under test.
 *
 * Return: modprobe's exit status (0 on success), or a negative errno if it
 * could not be run.
 */
int svmgpu_modprobe(const char *const args[])
{
	const char *argv[16];
	unsigned int argc = 0;
	int status;
	pid_t pid;

	argv[argc++] = "modprobe";
	while (*args && argc < ARRAY_SIZE(argv) - 1)
		argv[argc++] = *args++;
	argv[argc] = NULL;
	if (*args)
		return -E2BIG;

	/* Its output goes to the test's log, which is where we want it. */
	fflush(stdout);
	fflush(stderr);

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		const char *path = getenv("PATH");
		char search[4096];

		snprintf(search, sizeof(search), "%s:/usr/sbin:/sbin",
			 path ? path : "/usr/bin:/bin");
		setenv("PATH", search, 1);
		execvp("modprobe", (char *const *)argv);
		/* Not exit(): that would run the test's exit handlers. */
		_exit(127);
	}

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;

	if (WIFEXITED(status))
		return WEXITSTATUS(status);

	return -EINTR;
}

/**
 * svmgpu_module_unload() - modprobe -r svmgpu.
 *
 * Return: 0, modprobe's non-zero exit status, or a negative errno.
 */
int svmgpu_module_unload(void)
{
	const char *const args[] = { "-r", SVMGPU_MODULE_NAME, NULL };

	return svmgpu_modprobe(args);
}

/**
 * svmgpu_module_load() - modprobe svmgpu [params].
 * @params: Space-separated "name=value" module parameters, or NULL for the
 *	    defaults.
 *
 * Return: 0, modprobe's non-zero exit status, or a negative errno.
 */
int svmgpu_module_load(const char *params)
{
	const char *args[14];
	unsigned int argc = 0;
	char *copy = NULL, *tok, *save;
	int ret;

	args[argc++] = SVMGPU_MODULE_NAME;
	if (params) {
		copy = strdup(params);
		if (!copy)
			return -ENOMEM;
		for (tok = strtok_r(copy, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save)) {
			if (argc == ARRAY_SIZE(args) - 1) {
				free(copy);
				return -E2BIG;
			}
			args[argc++] = tok;
		}
	}
	args[argc] = NULL;

	ret = svmgpu_modprobe(args);
	free(copy);

	return ret;
}

static int param_name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/**
 * svmgpu_module_params() - The loaded module's parameters, as modprobe
 * takes them.
 * @buf: Filled with "name=value" pairs separated by spaces, in name order,
 *	 of every parameter sysfs lets us read.
 * @len: Size of @buf.
 *
 * What a test that reloads svmgpu passes to svmgpu_module_load() to put
 * the module back as the run loaded it, and compares afterwards.
 *
 * Return: 0, or a negative errno (-ENOENT if svmgpu is not loaded,
 * -E2BIG if @buf is too small, -EINVAL for a value with a space).
 */
int svmgpu_module_params(char *buf, size_t len)
{
	char *names[64], value[256];
	unsigned int n = 0, i;
	struct dirent *de;
	size_t used = 0;
	int ret = 0;
	DIR *dir;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';

	dir = opendir(SVMGPU_PARAM_DIR);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)) && n < ARRAY_SIZE(names)) {
		if (de->d_name[0] == '.')
			continue;
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			ret = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(dir);
	qsort(names, n, sizeof(names[0]), param_name_cmp);

	for (i = 0; i < n && !ret; i++) {
		int w;

		if (svmgpu_param_read(names[i], value, sizeof(value)))
			continue;	/* not readable: cannot be restored */
		if (strchr(value, ' ')) {
			ret = -EINVAL;
			break;
		}
		w = snprintf(buf + used, len - used, "%s%s=%s",
			     used ? " " : "", names[i], value);
		if (w < 0 || (size_t)w >= len - used)
			ret = -E2BIG;
		else
			used += w;
	}
	for (i = 0; i < n; i++)
		free(names[i]);

	return ret;
}
