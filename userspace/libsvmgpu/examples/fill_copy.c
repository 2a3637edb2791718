// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * svmgpu_fill_copy: the smallest complete job, through libsvmgpu only.
 *
 * On the first svmgpu device, it creates a source BO in VRAM, a destination
 * BO in system memory and a command BO, maps the three in a new VM, and
 * writes a command buffer into the command BO that FILLs the source with a
 * pattern, COPYs the source to the destination and ENDs. It submits the
 * buffer, waits for it, and checks the destination on the CPU.
 *
 * Exit status: 0 if the destination holds the pattern, 1 on any error or
 * mismatch, 77 (skip) if the driver does not implement buffer objects, VMs
 * and execution yet.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define EXAMPLE_NAME "svmgpu_fill_copy"
#include "example.h"

/* The size of the fill and of the copy. */
#define SIZE		(1u << 20)
#define PATTERN		0x5ca1ab1eu
#define TIMEOUT_NS	(10 * 1000000000ll)

/* GPU virtual addresses, 2 MiB apart, above the unmapped first 64 KiB. */
#define SRC_VA		0x200000ull
#define DST_VA		0x400000ull
#define CMD_VA		0x600000ull
#define CMD_SIZE	4096u

static const struct example_feature required[] = {
	{ DRM_SVMGPU_FEATURE_GEM, "GEM" },
	{ DRM_SVMGPU_FEATURE_VM, "VM" },
	{ DRM_SVMGPU_FEATURE_EXEC, "EXEC" },
};

/* The command buffer: FILL the source, COPY it to the destination, END. */
static int build_commands(struct svmgpu_bo *cmd, uint32_t *length)
{
	struct svmgpu_cs *cs;
	void *ptr;
	int ret;

	ret = svmgpu_cs_new(&cs);
	if (ret)
		return ret;

	/* Errors latch: emit everything, then check once. */
	svmgpu_cs_fill(cs, SRC_VA, PATTERN, SIZE);
	svmgpu_cs_copy(cs, SRC_VA, DST_VA, SIZE);
	svmgpu_cs_end(cs);

	ret = svmgpu_bo_map(cmd, &ptr);
	if (!ret)
		ret = svmgpu_cs_write(cs, ptr, svmgpu_bo_size(cmd));
	if (!ret)
		*length = svmgpu_cs_size(cs);

	svmgpu_cs_del(cs);
	return ret;
}

/* Check @size bytes at @ptr on the CPU; return 0 or 1, the exit status. */
static int verify(const uint32_t *ptr, size_t size)
{
	size_t i;

	for (i = 0; i < size / 4; i++) {
		if (ptr[i] != PATTERN) {
			printf("fill+copy of %zu bytes: mismatch at byte %zu: 0x%08" PRIx32 ", expected 0x%08" PRIx32 " (the job may have failed on the GPU)\n",
			       size, i * 4, ptr[i], PATTERN);
			return 1;
		}
	}
	printf("fill+copy of %zu bytes: OK\n", size);
	return 0;
}

/*
 * Run the job on @dev. Every object is dropped on the way out, in any
 * order: each holds the references it needs.
 */
static int run(struct svmgpu_device *dev)
{
	struct svmgpu_bo *src = NULL, *dst = NULL, *cmd = NULL;
	struct svmgpu_queue *queue = NULL;
	struct svmgpu_vm *vm = NULL;
	uint32_t length = 0;
	void *ptr;
	int ret, status = 1;

	ret = svmgpu_bo_new(dev, SIZE, DRM_SVMGPU_GEM_PLACEMENT_VRAM, 0, &src);
	if (ret) {
		status = fail("source BO", ret);
		goto out;
	}
	ret = svmgpu_bo_new(dev, SIZE, DRM_SVMGPU_GEM_PLACEMENT_SYSTEM, 0,
			    &dst);
	if (ret) {
		status = fail("destination BO", ret);
		goto out;
	}
	ret = svmgpu_bo_new(dev, CMD_SIZE, DRM_SVMGPU_GEM_PLACEMENT_SYSTEM, 0,
			    &cmd);
	if (ret) {
		status = fail("command BO", ret);
		goto out;
	}

	ret = svmgpu_vm_new(dev, &vm);
	if (ret) {
		status = fail("VM", ret);
		goto out;
	}
	ret = svmgpu_vm_map(vm, src, 0, SRC_VA, SIZE, 0);
	if (!ret)
		ret = svmgpu_vm_map(vm, dst, 0, DST_VA, SIZE, 0);
	if (!ret)
		ret = svmgpu_vm_map(vm, cmd, 0, CMD_VA, CMD_SIZE,
				    DRM_SVMGPU_VM_BIND_READONLY);
	if (ret) {
		status = fail("VM map", ret);
		goto out;
	}

	ret = build_commands(cmd, &length);
	if (ret) {
		status = fail("command buffer", ret);
		goto out;
	}

	ret = svmgpu_queue_new(vm, 0, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
			       &queue);
	if (ret) {
		status = fail("queue", ret);
		goto out;
	}

	/* Completion only: a failed job shows in the data below. */
	ret = svmgpu_queue_exec_wait(queue, CMD_VA, length, TIMEOUT_NS);
	if (ret) {
		status = fail(ret == -ETIME ? "job timed out" : "exec", ret);
		goto out;
	}

	ret = svmgpu_bo_map(dst, &ptr);
	if (ret) {
		status = fail("map of the destination", ret);
		goto out;
	}
	status = verify(ptr, SIZE);

out:
	svmgpu_queue_del(queue);
	svmgpu_vm_del(vm);
	svmgpu_bo_del(cmd);
	svmgpu_bo_del(dst);
	svmgpu_bo_del(src);
	return status;
}

/* Return 0 if the driver has every feature in @required, else 77 or 1. */
static int require(struct svmgpu_device *dev)
{
	struct svmgpu_device_info info;
	int ret;

	ret = svmgpu_device_get_info(dev, &info);
	if (ret)
		return fail("device info", ret);
	return example_check_features(info.features, required,
				      ARRAY_SIZE(required));
}

int main(int argc, char **argv)
{
	return example_main(argc, argv,
			    "Fill a VRAM BO on the GPU, copy it to a system BO and check the copy.",
			    require, run);
}
