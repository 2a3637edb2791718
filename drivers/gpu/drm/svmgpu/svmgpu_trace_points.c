// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#ifndef __CHECKER__
#define CREATE_TRACE_POINTS
#include "svmgpu_trace.h"
#endif
