/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_fdinfo.h - a parser for the fdinfo of a DRM file,
 * /proc/<pid>/fdinfo/<fd>, in the format of the kernel's
 * Documentation/gpu/drm-usage-stats.rst.
 *
 * Every line is "key:<whitespace>value". The DRM core prints "drm-driver"
 * and "drm-client-id"; svmgpu adds, per engine N, "drm-engine-engineN:\t<ns>
 * ns" (time this file's jobs spent on the engine), and per memory region
 * ("system", "vram0") drm_print_memory_stats()'s drm-total-, drm-shared-,
 * drm-active- and drm-resident-<region>, whose values are bytes with the
 * largest unit of "", " KiB" and " MiB" that divides them exactly.
 *
 * Note that the fdinfo parser in Debian's libigt 1.27.1
 * (igt_parse_drm_fdinfo()) only knows i915's engine class names, so it
 * cannot be used here; this one follows drm-usage-stats.rst.
 *
 * The parsing functions work on any text (a FILE or a string), so that
 * lib/tests/svmgpu_lib_check.c can check them without a device. Functions
 * whose names start with "__" return 0 or a negative errno; the others
 * assert.
 */
#ifndef SVMGPU_FDINFO_H
#define SVMGPU_FDINFO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* svmgpu's memory regions, as fdinfo names them. */
#define SVMGPU_FDINFO_SYSTEM	"system"
#define SVMGPU_FDINFO_VRAM	"vram0"

/* Limits of one parsed fdinfo; longer or more lines give errors. */
#define SVMGPU_FDINFO_MAX_PAIRS		128
#define SVMGPU_FDINFO_KEY_LEN		64
#define SVMGPU_FDINFO_VALUE_LEN		128

struct svmgpu_fdinfo_pair {
	/** @key: What precedes the first ':' of the line. */
	char key[SVMGPU_FDINFO_KEY_LEN];
	/** @value: What follows, without leading whitespace and newline. */
	char value[SVMGPU_FDINFO_VALUE_LEN];
	/** @tab: The ':' is followed by exactly one tab, then the value. */
	bool tab;
};

struct svmgpu_fdinfo {
	/** @count: Entries of @pairs in use. */
	unsigned int count;
	/** @pairs: The lines, in file order; keys are unique. */
	struct svmgpu_fdinfo_pair pairs[SVMGPU_FDINFO_MAX_PAIRS];
};

/* --- Parsing text --------------------------------------------------------- */

int svmgpu_fdinfo_parse(FILE *f, struct svmgpu_fdinfo *info);
int svmgpu_fdinfo_parse_text(const char *text, struct svmgpu_fdinfo *info);

int svmgpu_fdinfo_parse_size(const char *value, uint64_t *bytes);
bool svmgpu_fdinfo_size_canonical(const char *value);
int svmgpu_fdinfo_parse_ns(const char *value, uint64_t *ns);
int svmgpu_fdinfo_parse_u64(const char *value, uint64_t *val);

/* --- Looking up keys ------------------------------------------------------ */

const char *svmgpu_fdinfo_get(const struct svmgpu_fdinfo *info,
			      const char *key);
int svmgpu_fdinfo_memory(const struct svmgpu_fdinfo *info, const char *stat,
			 const char *region, uint64_t *bytes);
int svmgpu_fdinfo_memory_sum(const struct svmgpu_fdinfo *info,
			     const char *stat, uint64_t *bytes);
int svmgpu_fdinfo_engine_ns(const struct svmgpu_fdinfo *info,
			    unsigned int engine, uint64_t *ns);
int svmgpu_fdinfo_client_id(const struct svmgpu_fdinfo *info, uint64_t *id);

const char *svmgpu_fdinfo_region(uint32_t placement);

/* --- A DRM file of this process ------------------------------------------- */

int __svmgpu_fdinfo_read(int fd, struct svmgpu_fdinfo *info);
void svmgpu_fdinfo_read(int fd, struct svmgpu_fdinfo *info);
uint64_t svmgpu_fdinfo_bytes(int fd, const char *stat, const char *region);
uint64_t svmgpu_fdinfo_engine_time(int fd, unsigned int engine);

#endif /* SVMGPU_FDINFO_H */
