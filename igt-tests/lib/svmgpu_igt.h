/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_igt.h - svmgpu helpers for IGT tests, in the shape of IGT's
 * per-driver libraries (lib/xe/xe_query.h, lib/igt_vgem.h, ...).
 *
 * Naming follows IGT: a double-underscore function returns 0 or a negative
 * errno and never fails the test; the plain one asserts or skips.
 */
#ifndef SVMGPU_IGT_LIB_H
#define SVMGPU_IGT_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svmgpu_drm.h"

/* The DRM driver name; part of the uAPI, never changes. */
#define SVMGPU_DRIVER_NAME	"svmgpu"
/* The kernel module's name, for /sys/module and modprobe. */
#define SVMGPU_MODULE_NAME	"svmgpu"
#define SVMGPU_PARAM_DIR	"/sys/module/" SVMGPU_MODULE_NAME "/parameters"

/* --- Device nodes ----------------------------------------------------- */

bool is_svmgpu_device(int fd);
int svmgpu_count_devices(void);
int svmgpu_render_node_path(int index, char *path, size_t len);
int __drm_open_svmgpu(int index);
int drm_open_svmgpu(int index);
int svmgpu_close_drm_fds(void);
bool svmgpu_wait_devices(int count, unsigned int timeout_ms);

/* --- Ioctls ----------------------------------------------------------- */

int __svmgpu_ioctl(int fd, unsigned long request, void *arg);
int __svmgpu_query(int fd, struct drm_svmgpu_device_query *q);
void svmgpu_query_device_info(int fd,
			      struct drm_svmgpu_query_device_info *info);

/* --- Module parameters and module state --------------------------------- */

int svmgpu_read_small(const char *path, char *buf, size_t len);
int svmgpu_param_read(const char *name, char *buf, size_t len);
int svmgpu_param_u64(const char *name, uint64_t *val);
uint64_t svmgpu_param_get_u64(const char *name);
int svmgpu_param_write(const char *name, const char *value);

enum svmgpu_module_state {
	SVMGPU_MODULE_ABSENT,	/* not loaded */
	SVMGPU_MODULE_BUILTIN,	/* built into the kernel: cannot unload */
	SVMGPU_MODULE_LOADED,	/* a loaded module */
};

enum svmgpu_module_state svmgpu_module_state(void);
int svmgpu_module_refcnt(void);
int svmgpu_modprobe(const char *const args[]);
int svmgpu_module_unload(void);
int svmgpu_module_load(const char *params);
int svmgpu_module_params(char *buf, size_t len);

#endif /* SVMGPU_IGT_LIB_H */
