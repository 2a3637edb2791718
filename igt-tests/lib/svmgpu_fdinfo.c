// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * A parser for DRM fdinfo; see svmgpu_fdinfo.h.
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igt.h"
#include "svmgpu_fdinfo.h"

/* --- Parsing text --------------------------------------------------------- */

static int find_pair(const struct svmgpu_fdinfo *info, const char *key)
{
	unsigned int i;

	for (i = 0; i < info->count; i++)
		if (!strcmp(info->pairs[i].key, key))
			return i;

	return -1;
}

/*
 * Adds one line, @len bytes at @line without its newline. Empty lines are
 * skipped.
 */
static int parse_line(struct svmgpu_fdinfo *info, const char *line,
		      size_t len)
{
	struct svmgpu_fdinfo_pair *pair;
	const char *colon, *value;
	size_t key_len, value_len, i;

	if (!len)
		return 0;

	colon = memchr(line, ':', len);
	if (!colon || colon == line)
		return -EPROTO;
	key_len = colon - line;
	for (i = 0; i < key_len; i++)
		if (isspace((unsigned char)line[i]) || !line[i])
			return -EPROTO;
	if (key_len >= SVMGPU_FDINFO_KEY_LEN)
		return -E2BIG;

	value = colon + 1;
	while (value < line + len && (*value == ' ' || *value == '\t'))
		value++;
	value_len = line + len - value;
	if (value_len >= SVMGPU_FDINFO_VALUE_LEN)
		return -E2BIG;
	if (memchr(value, '\0', value_len))
		return -EPROTO;

	if (info->count >= SVMGPU_FDINFO_MAX_PAIRS)
		return -ENOSPC;

	pair = &info->pairs[info->count];
	memcpy(pair->key, line, key_len);
	pair->key[key_len] = '\0';
	memcpy(pair->value, value, value_len);
	pair->value[value_len] = '\0';
	pair->tab = value == colon + 2 && colon[1] == '\t';

	if (find_pair(info, pair->key) >= 0)
		return -ENOTUNIQ;
	info->count++;

	return 0;
}

/**
 * svmgpu_fdinfo_parse() - Parse the key/value lines of an fdinfo text.
 * @f: The text.
 * @info: Filled with every line, in order.
 *
 * Return: 0; -EPROTO for a line without a "key:" (or whose key has
 * whitespace); -E2BIG for a key or value too long for &struct
 * svmgpu_fdinfo_pair; -ENOSPC for more than %SVMGPU_FDINFO_MAX_PAIRS
 * lines; -ENOTUNIQ for a key seen twice; -ENOMEM.
 */
int svmgpu_fdinfo_parse(FILE *f, struct svmgpu_fdinfo *info)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	memset(info, 0, sizeof(*info));
	errno = 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			len--;
		ret = parse_line(info, line, len);
		if (ret)
			break;
	}
	if (!ret && len < 0 && errno)
		ret = -errno;
	free(line);

	return ret;
}

/**
 * svmgpu_fdinfo_parse_text() - svmgpu_fdinfo_parse() on a string.
 * @text: The text, NUL-terminated.
 * @info: Filled with every line, in order.
 *
 * Return: As svmgpu_fdinfo_parse().
 */
int svmgpu_fdinfo_parse_text(const char *text, struct svmgpu_fdinfo *info)
{
	const char *line = text;

	memset(info, 0, sizeof(*info));
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		int ret = parse_line(info, line, len);

		if (ret)
			return ret;
		line += len + (nl ? 1 : 0);
	}

	return 0;
}

/*
 * A decimal number at the start of @s: digits only, no sign or blanks.
 * *@end is set past it.
 */
static int parse_number(const char *s, uint64_t *val, const char **end)
{
	unsigned long long v;
	char *e;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;

	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno)
		return -EINVAL;

	*val = v;
	*end = e;
	return 0;
}

/**
 * svmgpu_fdinfo_parse_u64() - A value that is a plain decimal number.
 * @value: The value text.
 * @val: The number.
 *
 * Return: 0, -EINVAL if @value is anything else, -ERANGE on overflow.
 */
int svmgpu_fdinfo_parse_u64(const char *value, uint64_t *val)
{
	const char *end;
	int ret;

	ret = parse_number(value, val, &end);
	if (ret)
		return ret;

	return *end ? -EINVAL : 0;
}

/* Splits "<n>[ KiB| MiB| GiB]" into the number and its unit's shift. */
static int parse_size_parts(const char *value, uint64_t *n,
			    unsigned int *shift)
{
	static const struct {
		const char *unit;
		unsigned int shift;
	} units[] = {
		{ "", 0 },
		{ " KiB", 10 },
		{ " MiB", 20 },
		{ " GiB", 30 },
	};
	const char *end;
	unsigned int i;
	int ret;

	ret = parse_number(value, n, &end);
	if (ret)
		return ret;

	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(end, units[i].unit)) {
			*shift = units[i].shift;
			return 0;
		}

	return -EINVAL;
}

/**
 * svmgpu_fdinfo_parse_size() - A memory value: "<n>" bytes or "<n> KiB",
 * "<n> MiB", "<n> GiB".
 * @value: The value text.
 * @bytes: Its size in bytes.
 *
 * Exactly one space separates the number from its unit, as
 * drm_print_memory_stats() prints it.
 *
 * Return: 0, -EINVAL for a malformed value, -ERANGE if it overflows.
 */
int svmgpu_fdinfo_parse_size(const char *value, uint64_t *bytes)
{
	unsigned int shift;
	uint64_t n;
	int ret;

	ret = parse_size_parts(value, &n, &shift);
	if (ret)
		return ret;
	if (shift && n > (UINT64_MAX >> shift))
		return -ERANGE;

	*bytes = n << shift;
	return 0;
}

/**
 * svmgpu_fdinfo_size_canonical() - Whether a memory value is written as
 * the kernel's drm_print_memory_stats() writes it.
 * @value: The value text.
 *
 * The kernel divides by 1024 while the size is a non-zero multiple of
 * 1024, up to MiB: 0 is "0", 4096 is "4 KiB", 2097152 is "2 MiB", 1536 is
 * "1536" and 3 GiB is "3072 MiB".
 *
 * Return: true if @value is well formed and in that form.
 */
bool svmgpu_fdinfo_size_canonical(const char *value)
{
	unsigned int shift;
	uint64_t n;

	if (parse_size_parts(value, &n, &shift) ||
	    (shift && n > (UINT64_MAX >> shift)))
		return false;

	switch (shift) {
	case 0:
		return n == 0 || n % 1024;
	case 10:
		return n && n % 1024;
	case 20:
		return n;
	default:
		return false;
	}
}

/**
 * svmgpu_fdinfo_parse_ns() - An engine value: "<n> ns".
 * @value: The value text.
 * @ns: The number.
 *
 * Return: 0, -EINVAL for a malformed value, -ERANGE if it overflows.
 */
int svmgpu_fdinfo_parse_ns(const char *value, uint64_t *ns)
{
	const char *end;
	int ret;

	ret = parse_number(value, ns, &end);
	if (ret)
		return ret;

	return strcmp(end, " ns") ? -EINVAL : 0;
}

/* --- Looking up keys ------------------------------------------------------ */

/**
 * svmgpu_fdinfo_get() - The value of a key.
 * @info: A parsed fdinfo.
 * @key: The key, e.g. "drm-driver".
 *
 * Return: The value, or NULL if the key is absent.
 */
const char *svmgpu_fdinfo_get(const struct svmgpu_fdinfo *info,
			      const char *key)
{
	int i = find_pair(info, key);

	return i < 0 ? NULL : info->pairs[i].value;
}

/**
 * svmgpu_fdinfo_memory() - A memory stat of a region, in bytes.
 * @info: A parsed fdinfo.
 * @stat: "total", "shared", "active", "resident" or "purgeable".
 * @region: SVMGPU_FDINFO_SYSTEM or SVMGPU_FDINFO_VRAM, or another name.
 * @bytes: The value of drm-<stat>-<region>.
 *
 * Return: 0, -ENOENT if the key is absent, or the error of
 * svmgpu_fdinfo_parse_size().
 */
int svmgpu_fdinfo_memory(const struct svmgpu_fdinfo *info, const char *stat,
			 const char *region, uint64_t *bytes)
{
	char key[SVMGPU_FDINFO_KEY_LEN];
	const char *value;

	if ((size_t)snprintf(key, sizeof(key), "drm-%s-%s", stat, region) >=
	    sizeof(key))
		return -ENOENT;

	value = svmgpu_fdinfo_get(info, key);
	if (!value)
		return -ENOENT;

	return svmgpu_fdinfo_parse_size(value, bytes);
}

/**
 * svmgpu_fdinfo_memory_sum() - A memory stat summed over every region.
 * @info: A parsed fdinfo.
 * @stat: "total", "resident", ...
 * @bytes: The sum of every drm-<stat>-<region> value.
 *
 * Keys that are not memory stats but share the prefix
 * (drm-total-cycles-<engine>) are left out.
 *
 * Return: 0, -ENOENT if there is no such key, -EINVAL if a value is
 * malformed, -ERANGE on overflow.
 */
int svmgpu_fdinfo_memory_sum(const struct svmgpu_fdinfo *info,
			     const char *stat, uint64_t *bytes)
{
	char prefix[SVMGPU_FDINFO_KEY_LEN];
	bool found = false;
	unsigned int i;
	size_t len;

	len = snprintf(prefix, sizeof(prefix), "drm-%s-", stat);
	if (len >= sizeof(prefix))
		return -ENOENT;

	*bytes = 0;
	for (i = 0; i < info->count; i++) {
		const struct svmgpu_fdinfo_pair *pair = &info->pairs[i];
		uint64_t val;
		int ret;

		if (strncmp(pair->key, prefix, len) ||
		    !pair->key[len] ||
		    !strncmp(pair->key + len, "cycles-", 7))
			continue;

		ret = svmgpu_fdinfo_parse_size(pair->value, &val);
		if (ret)
			return ret;
		if (*bytes + val < *bytes)
			return -ERANGE;
		*bytes += val;
		found = true;
	}

	return found ? 0 : -ENOENT;
}

/**
 * svmgpu_fdinfo_engine_ns() - Busy time of an svmgpu engine.
 * @info: A parsed fdinfo.
 * @engine: The engine's index: the key is drm-engine-engine<@engine>.
 * @ns: Its value in nanoseconds.
 *
 * Return: 0, -ENOENT if the key is absent, or the error of
 * svmgpu_fdinfo_parse_ns().
 */
int svmgpu_fdinfo_engine_ns(const struct svmgpu_fdinfo *info,
			    unsigned int engine, uint64_t *ns)
{
	char key[SVMGPU_FDINFO_KEY_LEN];
	const char *value;

	snprintf(key, sizeof(key), "drm-engine-engine%u", engine);
	value = svmgpu_fdinfo_get(info, key);
	if (!value)
		return -ENOENT;

	return svmgpu_fdinfo_parse_ns(value, ns);
}

/**
 * svmgpu_fdinfo_client_id() - The drm-client-id of the file.
 * @info: A parsed fdinfo.
 * @id: The id.
 *
 * Return: 0, -ENOENT if absent, -EINVAL if it is not a decimal number.
 */
int svmgpu_fdinfo_client_id(const struct svmgpu_fdinfo *info, uint64_t *id)
{
	const char *value = svmgpu_fdinfo_get(info, "drm-client-id");

	if (!value)
		return -ENOENT;

	return svmgpu_fdinfo_parse_u64(value, id);
}

/**
 * svmgpu_fdinfo_region() - The fdinfo region of a placement.
 * @placement: One DRM_SVMGPU_GEM_PLACEMENT_* bit.
 *
 * Return: SVMGPU_FDINFO_VRAM or SVMGPU_FDINFO_SYSTEM, or NULL for
 * anything else.
 */
const char *svmgpu_fdinfo_region(uint32_t placement)
{
	switch (placement) {
	case DRM_SVMGPU_GEM_PLACEMENT_VRAM:
		return SVMGPU_FDINFO_VRAM;
	case DRM_SVMGPU_GEM_PLACEMENT_SYSTEM:
		return SVMGPU_FDINFO_SYSTEM;
	default:
		return NULL;
	}
}

/* --- A DRM file of this process ------------------------------------------- */

/**
 * __svmgpu_fdinfo_read() - Read and parse /proc/self/fdinfo/<@fd>.
 * @fd: A file descriptor of this process.
 * @info: Filled in.
 *
 * The kernel generates the whole text at once, so it is a consistent
 * snapshot.
 *
 * Return: 0, a negative errno from opening the file, or the error of
 * svmgpu_fdinfo_parse().
 */
int __svmgpu_fdinfo_read(int fd, struct svmgpu_fdinfo *info)
{
	char path[64];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f) {
		memset(info, 0, sizeof(*info));
		return -errno;
	}
	ret = svmgpu_fdinfo_parse(f, info);
	fclose(f);

	return ret;
}

/** svmgpu_fdinfo_read() - __svmgpu_fdinfo_read(), asserting success. */
void svmgpu_fdinfo_read(int fd, struct svmgpu_fdinfo *info)
{
	int ret = __svmgpu_fdinfo_read(fd, info);

	igt_assert_f(ret == 0, "cannot parse /proc/self/fdinfo/%d: %s\n", fd,
		     strerror(-ret));
}

/**
 * svmgpu_fdinfo_bytes() - A memory stat of @fd's fdinfo, which must have it.
 * @fd: A DRM file descriptor of this process.
 * @stat: "total", "shared", "active" or "resident".
 * @region: SVMGPU_FDINFO_SYSTEM or SVMGPU_FDINFO_VRAM.
 *
 * Return: The value of drm-<@stat>-<@region> in bytes.
 */
uint64_t svmgpu_fdinfo_bytes(int fd, const char *stat, const char *region)
{
	struct svmgpu_fdinfo info;
	uint64_t bytes = 0;
	int ret;

	svmgpu_fdinfo_read(fd, &info);
	ret = svmgpu_fdinfo_memory(&info, stat, region, &bytes);
	igt_assert_f(ret == 0, "fdinfo of fd %d: drm-%s-%s: %s\n", fd, stat,
		     region, ret == -ENOENT ? "absent" : strerror(-ret));

	return bytes;
}

/**
 * svmgpu_fdinfo_engine_time() - Busy time of an engine in @fd's fdinfo,
 * which must have it.
 * @fd: A DRM file descriptor of this process.
 * @engine: The engine's index.
 *
 * Return: The value of drm-engine-engine<@engine> in nanoseconds.
 */
uint64_t svmgpu_fdinfo_engine_time(int fd, unsigned int engine)
{
	struct svmgpu_fdinfo info;
	uint64_t ns = 0;
	int ret;

	svmgpu_fdinfo_read(fd, &info);
	ret = svmgpu_fdinfo_engine_ns(&info, engine, &ns);
	igt_assert_f(ret == 0, "fdinfo of fd %d: drm-engine-engine%u: %s\n",
		     fd, engine, ret == -ENOENT ? "absent" : strerror(-ret));

	return ns;
}
