/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * igt.h - what IGT tests include.
 *
 * Inside IGT's tree, "igt.h" pulls in the whole library. Here it pulls in
 * our declarations of the libigt 1.27.1 subset we use (igt_decls.h), the
 * DRM headers IGT's drmtest.h would bring, and the svmgpu helpers that
 * would live in IGT's lib/. Tests include "igt.h" (and "svmgpu_igt.h" for
 * clarity) exactly as they would upstream, so they can move into
 * tests/svmgpu/ unchanged.
 */
#ifndef SVMGPU_IGT_H
#define SVMGPU_IGT_H

#include <xf86drm.h>

#include "igt_decls.h"
#include "svmgpu_igt.h"
#include "svmgpu_ioctl.h"
#include "svmgpu_cs.h"
#include "svmgpu_util.h"
#include "svmgpu_svm.h"
#include "svmgpu_debug.h"

#endif /* SVMGPU_IGT_H */
