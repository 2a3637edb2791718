// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * svmgpu_info: open every svmgpu device through libsvmgpu and print what the
 * library reports. Exit status: 0 if every device was described, 1 if there
 * is no svmgpu device or a device could not be opened.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"

/* Print a power-of-two size the short way: 4K, 64K, 2M, 1G. */
static void print_size(uint64_t bytes)
{
	static const char units[] = "BKMGTPE";
	unsigned int u = 0;

	while (bytes >= 1024 && !(bytes % 1024) && units[u + 1]) {
		bytes /= 1024;
		u++;
	}
	printf(" %" PRIu64 "%c", bytes, units[u]);
}

/* The device node behind @fd, for the reader's benefit. */
static const char *node_name(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	if (n < 0)
		return "?";
	buf[n] = '\0';
	return buf;
}

static int describe(unsigned int index, struct svmgpu_device *dev)
{
	struct svmgpu_device_info info;
	char path[256];
	unsigned int bit;
	int ret;

	ret = svmgpu_device_get_info(dev, &info);
	if (ret) {
		fprintf(stderr, "svmgpu_info: device %u: get_info: %s\n",
			index, strerror(-ret));
		return ret;
	}

	printf("svmgpu device %u (%s)\n", index,
	       node_name(svmgpu_device_fd(dev), path, sizeof(path)));
	printf("  uAPI version: %u.%u (library built for %u.%u)\n",
	       info.uapi_major, info.uapi_minor,
	       DRM_SVMGPU_UAPI_MAJOR, DRM_SVMGPU_UAPI_MINOR);
	printf("  engines:      %" PRIu32 "\n", info.num_engines);
	printf("  VRAM:         %" PRIu64 " MiB\n", info.vram_size >> 20);
	printf("  page sizes:  ");
	for (bit = 0; bit < 64; bit++)
		if (info.page_sizes & (1ull << bit))
			print_size(1ull << bit);
	printf("\n");
	printf("  features:     0x%016" PRIx64 "\n", info.features);
	printf("  VA bits:      %" PRIu32 "\n", info.va_bits);
	printf("  system SVM:   %s\n",
	       svmgpu_device_has_system_svm(dev) ? "yes" : "no");
	if (svmgpu_device_has_compute(dev))
		printf("  compute:      %" PRIu32 " threads per engine\n",
		       svmgpu_device_compute_threads(dev));
	else
		printf("  compute:      no\n");
	return 0;
}

/* The svmgpu module's num_devices parameter, or -1 if it cannot be read. */
static int module_num_devices(void)
{
	FILE *f = fopen("/sys/module/svmgpu/parameters/num_devices", "r");
	int n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	struct svmgpu_device *dev;
	unsigned int index;
	int ret, expected, status = 0;

	if (argc > 1) {
		fprintf(stderr, "usage: %s\n"
			"Describe every svmgpu device, as libsvmgpu sees it.\n",
			argv[0]);
		return 2;
	}

	for (index = 0;; index++) {
		ret = svmgpu_device_open(index, &dev);
		if (ret == -ENODEV)
			break;
		if (ret) {
			/* Say why, and go on with the next device. */
			fprintf(stderr, "svmgpu_info: device %u: %s\n",
				index, strerror(-ret));
			status = 1;
			continue;
		}
		if (describe(index, dev))
			status = 1;
		svmgpu_device_del(dev);
	}

	if (!index) {
		fprintf(stderr, "svmgpu_info: no svmgpu device: %s\n",
			strerror(ENODEV));
		return 1;
	}

	/*
	 * Where the module says how many GPUs it created, every one of them
	 * must have been found: that is what makes this demo a test of the
	 * library's enumeration.
	 */
	expected = module_num_devices();
	if (expected >= 0 && (unsigned int)expected != index) {
		fprintf(stderr,
			"svmgpu_info: found %u device(s), the module has %d\n",
			index, expected);
		return 1;
	}
	return status;
}
