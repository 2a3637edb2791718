// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * Readers for svmgpu's debugfs page-table dump, BO statistics and VRAM
 * usage, its devcoredump entries, its fdinfo, and its trace events; see
 * svmgpu_debug.h.
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_debug.h"

#define DEBUGFS_DRI		"/sys/kernel/debug/dri"
#define DEVCOREDUMP_CLASS	"/sys/class/devcoredump"

/**
 * svmgpu_device_name() - Name of the device behind a DRM file.
 * @fd: svmgpu file descriptor.
 * @name: Buffer for the name, e.g. "svmgpu.0" (the platform device).
 * @len: Size of @name.
 *
 * Return: 0 or a negative errno.
 */
int svmgpu_device_name(int fd, char *name, size_t len)
{
	char link[64], target[PATH_MAX];
	struct stat st;
	const char *base;
	ssize_t n;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;

	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';

	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if ((size_t)snprintf(name, len, "%s", base) >= len)
		return -ENAMETOOLONG;

	return 0;
}

/* Reads a small file into @buf as a string. */
static int read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';

	return 0;
}

/* Whether @text has the whitespace-separated token @token. */
static bool has_token(const char *text, const char *token)
{
	size_t len = strlen(token);
	const char *p = text;

	while ((p = strstr(p, token))) {
		bool start = p == text || isspace((unsigned char)p[-1]);
		bool end = !p[len] || isspace((unsigned char)p[len]);

		if (start && end)
			return true;
		p += len;
	}

	return false;
}

/**
 * svmgpu_debugfs_dir() - The device's directory under debugfs/dri.
 * @fd: svmgpu file descriptor.
 * @path: Buffer for the path.
 * @len: Size of @path.
 *
 * The directory is the one whose "name" file says "dev=<device name>".
 *
 * Return: 0, or -ENOENT if debugfs is not mounted or not readable, or has
 * no directory for the device.
 */
int svmgpu_debugfs_dir(int fd, char *path, size_t len)
{
	char dev[NAME_MAX], token[NAME_MAX + 8], name[PATH_MAX], text[512];
	struct dirent *de;
	DIR *dir;
	int ret = -ENOENT;

	if (svmgpu_device_name(fd, dev, sizeof(dev)))
		return -ENOENT;
	snprintf(token, sizeof(token), "dev=%s", dev);

	dir = opendir(DEBUGFS_DRI);
	if (!dir)
		return -ENOENT;

	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), DEBUGFS_DRI "/%s/name",
			 de->d_name);
		if (read_text(name, text, sizeof(text)))
			continue;
		if (!has_token(text, token))
			continue;
		if ((size_t)snprintf(path, len, DEBUGFS_DRI "/%s",
				     de->d_name) < len)
			ret = 0;
		break;
	}
	closedir(dir);

	return ret;
}

/* --- vm_pagetables -------------------------------------------------------- */

static FILE *open_pt_dump(int fd)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];

	if (svmgpu_debugfs_dir(fd, dir, sizeof(dir)))
		return NULL;
	snprintf(path, sizeof(path), "%s/vm_pagetables", dir);

	return fopen(path, "re");
}

/** svmgpu_has_pt_dump() - Whether debugfs vm_pagetables can be read. */
bool svmgpu_has_pt_dump(int fd)
{
	FILE *f = open_pt_dump(fd);

	if (!f)
		return false;
	fclose(f);

	return true;
}

static bool parse_size(const char *s, uint64_t *size)
{
	if (!strcmp(s, "4K"))
		*size = 4ull << 10;
	else if (!strcmp(s, "64K"))
		*size = 64ull << 10;
	else if (!strcmp(s, "2M"))
		*size = 2ull << 20;
	else
		return false;

	return true;
}

/*
 * Parses "  0x<16 hex va> <4K|64K|2M> <rw|ro> <vram|sys> 0x<16 hex pa>".
 */
static bool parse_leaf(const char *line, struct svmgpu_pt_leaf *leaf)
{
	char size[8], access[8], where[8], extra;
	unsigned long long va, pa;

	if (!isspace((unsigned char)line[0]))
		return false;
	if (sscanf(line, " 0x%llx %7s %7s %7s 0x%llx %c", &va, size, access,
		   where, &pa, &extra) != 5)
		return false;
	if (!parse_size(size, &leaf->size))
		return false;

	if (!strcmp(access, "rw"))
		leaf->readonly = false;
	else if (!strcmp(access, "ro"))
		leaf->readonly = true;
	else
		return false;

	if (!strcmp(where, "vram"))
		leaf->vram = true;
	else if (!strcmp(where, "sys"))
		leaf->vram = false;
	else
		return false;

	leaf->va = va;
	leaf->pa = pa;

	return true;
}

/**
 * svmgpu_pt_dump_parse() - Parse one VM's leaves from a vm_pagetables text.
 * @f: The text.
 * @vm: The VM's id.
 * @pid: The tgid of the process that owns the VM.
 * @dump: Filled in; free with svmgpu_pt_dump_free().
 *
 * The text lists each VM as a line "vm <id> pid <tgid>" followed by one
 * line per valid leaf:
 * "  0x<16 hex va> <4K|64K|2M> <rw|ro> <vram|sys> 0x<16 hex address>".
 * Lines of other VMs are skipped unparsed.
 *
 * Return: 0; -ESRCH if the text does not list the VM; -ENOTUNIQ if it
 * lists it twice; -EPROTO for a "vm" line, or a leaf line of the VM, that
 * does not parse (logged).
 */
int svmgpu_pt_dump_parse(FILE *f, uint32_t vm, int pid,
			 struct svmgpu_pt_dump *dump)
{
	unsigned int capacity = 0, sections = 0;
	bool ours = false;
	char *line = NULL;
	size_t len = 0;
	int ret = 0;

	memset(dump, 0, sizeof(*dump));

	while (getline(&line, &len, f) > 0) {
		unsigned int id;
		int owner;
		char extra;

		line[strcspn(line, "\n")] = '\0';

		if (!strncmp(line, "vm ", 3)) {
			if (sscanf(line, "vm %u pid %d %c", &id, &owner,
				   &extra) != 2) {
				igt_warn("vm_pagetables: bad line \"%s\"\n",
					 line);
				ret = -EPROTO;
				break;
			}
			ours = id == vm && owner == pid;
			sections += ours;
			continue;
		}
		if (!ours || !line[0])
			continue;

		if (dump->count == capacity) {
			capacity = capacity ? 2 * capacity : 64;
			dump->leaves = realloc(dump->leaves,
					       capacity * sizeof(*dump->leaves));
			igt_assert(dump->leaves);
		}
		if (!parse_leaf(line, &dump->leaves[dump->count])) {
			igt_warn("vm_pagetables: bad leaf line \"%s\"\n", line);
			ret = -EPROTO;
			break;
		}
		dump->count++;
	}
	free(line);

	if (!ret && sections == 0)
		ret = -ESRCH;
	if (!ret && sections > 1)
		ret = -ENOTUNIQ;
	if (ret)
		svmgpu_pt_dump_free(dump);

	return ret;
}

/**
 * svmgpu_pt_dump_read() - Read one VM's leaves from debugfs vm_pagetables.
 * @fd: svmgpu file descriptor.
 * @vm: The VM's id in @fd.
 * @dump: Filled in; free with svmgpu_pt_dump_free().
 *
 * The VM is the one with this id and this process's pid, so the caller
 * must have no other svmgpu file with a VM of that id.
 *
 * Return: 0, -ENOENT if the file is absent, or an error of
 * svmgpu_pt_dump_parse().
 */
int svmgpu_pt_dump_read(int fd, uint32_t vm, struct svmgpu_pt_dump *dump)
{
	FILE *f;
	int ret;

	memset(dump, 0, sizeof(*dump));

	f = open_pt_dump(fd);
	if (!f)
		return -ENOENT;
	ret = svmgpu_pt_dump_parse(f, vm, getpid(), dump);
	fclose(f);

	return ret;
}

/** svmgpu_pt_dump_free() - Free what svmgpu_pt_dump_read() allocated. */
void svmgpu_pt_dump_free(struct svmgpu_pt_dump *dump)
{
	free(dump->leaves);
	dump->leaves = NULL;
	dump->count = 0;
}

/**
 * svmgpu_pt_dump_count() - Count leaves in a range.
 * @dump: The dump.
 * @start: First GPU address.
 * @end: Address past the range.
 * @size: Only leaves of this page size, or 0 for any.
 *
 * Return: The number of leaves whose address lies in [@start, @end).
 */
unsigned int svmgpu_pt_dump_count(const struct svmgpu_pt_dump *dump,
				  uint64_t start, uint64_t end, uint64_t size)
{
	unsigned int i, n = 0;

	for (i = 0; i < dump->count; i++)
		if (dump->leaves[i].va >= start && dump->leaves[i].va < end &&
		    (!size || dump->leaves[i].size == size))
			n++;

	return n;
}

/**
 * svmgpu_pt_dump_find() - The leaf that maps @va.
 *
 * Return: The leaf, or NULL if no leaf covers @va.
 */
const struct svmgpu_pt_leaf *
svmgpu_pt_dump_find(const struct svmgpu_pt_dump *dump, uint64_t va)
{
	unsigned int i;

	for (i = 0; i < dump->count; i++)
		if (va >= dump->leaves[i].va &&
		    va - dump->leaves[i].va < dump->leaves[i].size)
			return &dump->leaves[i];

	return NULL;
}

/* --- devcoredump ---------------------------------------------------------- */

/** svmgpu_has_devcoredump() - Whether the kernel has devcoredump. */
bool svmgpu_has_devcoredump(void)
{
	return access(DEVCOREDUMP_CLASS, F_OK) == 0;
}

/* Whether devcoredump entry @entry was made for device @dev. */
static bool devcd_is_ours(const char *entry, const char *dev)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(link, sizeof(link), DEVCOREDUMP_CLASS "/%s/failing_device",
		 entry);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';

	base = strrchr(target, '/');
	base = base ? base + 1 : target;

	return !strcmp(base, dev);
}

static void dismiss_devcd(const char *entry)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), DEVCOREDUMP_CLASS "/%s/data", entry);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	igt_warn_on(write(fd, "1", 1) != 1);
	close(fd);
}

/*
 * Finds the devcoredump entries made for @dev; with @dismiss, dismisses
 * each one. Returns how many there are, and the name of one of them in
 * @entry if @entry is not NULL.
 */
static int scan_devcd(const char *dev, char *entry, size_t len, bool dismiss)
{
	struct dirent *de;
	DIR *dir;
	int n = 0;

	dir = opendir(DEVCOREDUMP_CLASS);
	if (!dir)
		return 0;

	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "devcd", 5))
			continue;
		if (!devcd_is_ours(de->d_name, dev))
			continue;
		if (entry && !n)
			snprintf(entry, len, "%s", de->d_name);
		if (dismiss)
			dismiss_devcd(de->d_name);
		n++;
	}
	closedir(dir);

	return n;
}

/*
 * Dismisses every devcoredump of @dev and waits for them to go, as
 * devcoredump deletes a dismissed entry a little later, from a work item.
 */
static int dismiss_all(const char *dev)
{
	struct timespec start = {};
	int n = scan_devcd(dev, NULL, 0, true);

	igt_nsec_elapsed(&start);
	while (scan_devcd(dev, NULL, 0, false)) {
		igt_assert_f(igt_nsec_elapsed(&start) < 5000000000ull,
			     "dismissed devcoredump entries do not go away\n");
		usleep(10 * 1000);
	}

	return n;
}

/**
 * svmgpu_devcoredump_dismiss() - Dismiss every devcoredump of the device.
 * @fd: svmgpu file descriptor.
 *
 * devcoredump keeps at most one entry per device and drops new dumps while
 * one is pending, so tests dismiss stale ones before provoking another.
 * Returns once the entries are gone.
 *
 * Return: How many were dismissed.
 */
int svmgpu_devcoredump_dismiss(int fd)
{
	char dev[NAME_MAX + 1];

	if (svmgpu_device_name(fd, dev, sizeof(dev)))
		return 0;

	return dismiss_all(dev);
}

static char *read_devcd(const char *entry)
{
	char path[PATH_MAX];
	size_t size = 0, cap = 65536;
	char *text = malloc(cap);
	ssize_t n;
	int fd;

	igt_assert(text);
	snprintf(path, sizeof(path), DEVCOREDUMP_CLASS "/%s/data", entry);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(text);
		return NULL;
	}

	for (;;) {
		if (cap - size < 4096) {
			cap *= 2;
			text = realloc(text, cap);
			igt_assert(text);
		}
		n = read(fd, text + size, cap - size - 1);
		if (n <= 0)
			break;
		size += n;
	}
	close(fd);
	text[size] = '\0';

	return text;
}

/**
 * svmgpu_devcoredump_wait() - Wait for, read and dismiss a devcoredump.
 * @fd: svmgpu file descriptor.
 * @timeout_ns: How long to wait for the entry to appear.
 *
 * Return: The dump's text (free() it), or NULL if none appeared in time.
 */
char *svmgpu_devcoredump_wait(int fd, uint64_t timeout_ns)
{
	char dev[NAME_MAX + 1], entry[NAME_MAX + 1];
	struct timespec start = {};
	char *text;

	if (svmgpu_device_name(fd, dev, sizeof(dev)))
		return NULL;

	igt_nsec_elapsed(&start);
	while (!scan_devcd(dev, entry, sizeof(entry), false)) {
		if (igt_nsec_elapsed(&start) > timeout_ns)
			return NULL;
		usleep(10 * 1000);
	}

	text = read_devcd(entry);
	dismiss_all(dev);

	return text;
}

/**
 * svmgpu_devcoredump_field() - The value of a "key: value" line.
 * @text: A devcoredump's text.
 * @key: The key, without the colon.
 * @value: Buffer for the value, without leading spaces or the newline.
 * @len: Size of @value.
 *
 * Return: true if @text has a line "<key>: <value>" (leading spaces on the
 * line are allowed).
 */
bool svmgpu_devcoredump_field(const char *text, const char *key,
			      char *value, size_t len)
{
	size_t klen = strlen(key);
	const char *line = text;

	while (line && *line) {
		const char *p = line;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			size_t n;

			p += klen + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			n = strcspn(p, "\n");
			if (n >= len)
				n = len - 1;
			memcpy(value, p, n);
			value[n] = '\0';
			return true;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}

	return false;
}

/* --- fdinfo --------------------------------------------------------------- */

/**
 * svmgpu_fdinfo_parse_total() - Sum the drm-total-* keys of an fdinfo text.
 * @f: The text.
 * @total: The sum of its drm-total-<region> values, in bytes.
 *
 * Values are "<n>" bytes or "<n> KiB|MiB|GiB", as drm_print_memory_stats()
 * prints them.
 *
 * Return: 0, or -ENOENT if the text has no drm-total-* key.
 */
int svmgpu_fdinfo_parse_total(FILE *f, uint64_t *total)
{
	char *line = NULL;
	size_t len = 0;
	bool found = false;

	*total = 0;
	while (getline(&line, &len, f) > 0) {
		unsigned long long val;
		char unit[8] = "";
		char *colon;

		if (strncmp(line, "drm-total-", 10))
			continue;
		colon = strchr(line, ':');
		if (!colon || sscanf(colon + 1, "%llu %7s", &val, unit) < 1)
			continue;

		if (!strcmp(unit, "KiB"))
			val <<= 10;
		else if (!strcmp(unit, "MiB"))
			val <<= 20;
		else if (!strcmp(unit, "GiB"))
			val <<= 30;
		*total += val;
		found = true;
	}
	free(line);

	return found ? 0 : -ENOENT;
}

/**
 * svmgpu_fdinfo_total_bytes() - Memory of a DRM file's objects.
 * @fd: svmgpu file descriptor.
 * @total: The sum of its fdinfo drm-total-<region> values, in bytes.
 *
 * Return: 0, or -ENOENT if fdinfo shows no drm-total-* key.
 */
int svmgpu_fdinfo_total_bytes(int fd, uint64_t *total)
{
	char path[64];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	ret = svmgpu_fdinfo_parse_total(f, total);
	fclose(f);

	return ret;
}

/* --- bo_stats and vram ---------------------------------------------------- */

/*
 * Parses the value of a "key: value" line: spaces or tabs, a decimal
 * number, then nothing but white space.
 */
static bool parse_value(const char *s, uint64_t *value)
{
	unsigned long long v;
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return false;
	*value = v;

	return true;
}

/*
 * Finds the first line "<keys[i]>: <value>" for each of the @n keys (at
 * most 64) and stores the value in @values[i]. Other lines, such as TTM's
 * range-manager dump after the lines of the vram file, are skipped.
 */
static int parse_keys(FILE *f, const char *const *keys, uint64_t *values,
		      unsigned int n)
{
	uint64_t found = 0, all = n >= 64 ? ~0ull : (1ull << n) - 1;
	char *line = NULL;
	size_t len = 0;
	unsigned int i;
	int ret = 0;

	igt_assert(n <= 64);

	while (found != all && getline(&line, &len, f) > 0) {
		const char *colon;
		size_t klen;

		line[strcspn(line, "\n")] = '\0';
		colon = strchr(line, ':');
		if (!colon)
			continue;
		klen = colon - line;

		for (i = 0; i < n; i++) {
			if (found & (1ull << i))
				continue;
			if (strlen(keys[i]) != klen ||
			    strncmp(line, keys[i], klen))
				continue;
			if (!parse_value(colon + 1, &values[i])) {
				igt_warn("debugfs: bad line \"%s\"\n", line);
				ret = -EPROTO;
				goto out;
			}
			found |= 1ull << i;
		}
	}
	if (found != all)
		ret = -ESRCH;
out:
	free(line);

	return ret;
}

/**
 * svmgpu_debugfs_parse_u64() - The value of a "key: value" line.
 * @f: The text, e.g. of debugfs bo_stats or vram.
 * @key: The key, without the colon; it must start the line.
 * @value: The value, a decimal number.
 *
 * The first line with the key counts.
 *
 * Return: 0; -ESRCH if no line has the key; -EPROTO if its value is not a
 * number (logged).
 */
int svmgpu_debugfs_parse_u64(FILE *f, const char *key, uint64_t *value)
{
	return parse_keys(f, &key, value, 1);
}

#define BO_STAT(name) { #name, offsetof(struct svmgpu_bo_stats, name) }
static const struct {
	const char *name;
	size_t offset;
} bo_stat_fields[] = {
	BO_STAT(moves_to_vram),
	BO_STAT(moves_to_system),
	BO_STAT(bytes_to_vram),
	BO_STAT(bytes_to_system),
	BO_STAT(evictions),
	BO_STAT(evicted_bytes),
	BO_STAT(swapouts),
	BO_STAT(swapped_out_bytes),
	BO_STAT(clears),
	BO_STAT(cleared_bytes),
};
#undef BO_STAT

/**
 * svmgpu_bo_stats_parse() - Parse a bo_stats text.
 * @f: The text: a line "<name>: <value>" per counter.
 * @stats: Filled in.
 *
 * Return: 0; -ESRCH if a counter of &struct svmgpu_bo_stats is missing;
 * -EPROTO if a counter's value is not a number (logged).
 */
int svmgpu_bo_stats_parse(FILE *f, struct svmgpu_bo_stats *stats)
{
	const char *names[ARRAY_SIZE(bo_stat_fields)];
	uint64_t values[ARRAY_SIZE(bo_stat_fields)];
	unsigned int i;
	int ret;

	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < ARRAY_SIZE(bo_stat_fields); i++)
		names[i] = bo_stat_fields[i].name;
	ret = parse_keys(f, names, values, ARRAY_SIZE(bo_stat_fields));
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(bo_stat_fields); i++)
		memcpy((char *)stats + bo_stat_fields[i].offset, &values[i],
		       sizeof(values[i]));

	return 0;
}

/**
 * svmgpu_vram_info_parse() - Parse a vram text.
 * @f: The text: lines "bo_size: N", "used: N", "pinned: N",
 *     "pagetables: N" and "pagetables_used: N", then TTM's range-manager
 *     dump, which is not parsed. An "svm: N" line is optional (uAPI 1.4
 *     drivers print it): @info->has_svm says whether it was there.
 * @info: Filled in.
 *
 * Return: 0; -ESRCH if one of the lines is missing; -EPROTO if a value is
 * not a number (logged).
 */
int svmgpu_vram_info_parse(FILE *f, struct svmgpu_vram_info *info)
{
	static const char *const names[] = {
		"bo_size", "used", "pinned", "pagetables", "pagetables_used",
	};
	uint64_t values[ARRAY_SIZE(names)];
	int ret;

	memset(info, 0, sizeof(*info));
	ret = parse_keys(f, names, values, ARRAY_SIZE(names));
	if (ret)
		return ret;
	info->bo_size = values[0];
	info->used = values[1];
	info->pinned = values[2];
	info->pagetables = values[3];
	info->pagetables_used = values[4];

	rewind(f);
	ret = svmgpu_debugfs_parse_u64(f, "svm", &info->svm);
	if (ret == -ESRCH)
		return 0;
	info->has_svm = !ret;

	return ret;
}

/* Opens file @name of the device's debugfs directory, or returns NULL. */
static FILE *open_debugfs_file(int fd, const char *name)
{
	char dir[PATH_MAX], path[PATH_MAX + NAME_MAX + 2];

	if (svmgpu_debugfs_dir(fd, dir, sizeof(dir)))
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, name);

	return fopen(path, "re");
}

static bool has_debugfs_file(int fd, const char *name)
{
	FILE *f = open_debugfs_file(fd, name);

	if (!f)
		return false;
	fclose(f);

	return true;
}

/** svmgpu_has_bo_stats() - Whether debugfs bo_stats can be read. */
bool svmgpu_has_bo_stats(int fd)
{
	return has_debugfs_file(fd, "bo_stats");
}

/**
 * __svmgpu_bo_stats_read() - Read every counter of debugfs bo_stats.
 * @fd: svmgpu file descriptor.
 * @stats: Filled in.
 *
 * Return: 0, -ENOENT if the file is absent, or an error of
 * svmgpu_bo_stats_parse().
 */
int __svmgpu_bo_stats_read(int fd, struct svmgpu_bo_stats *stats)
{
	FILE *f = open_debugfs_file(fd, "bo_stats");
	int ret;

	memset(stats, 0, sizeof(*stats));
	if (!f)
		return -ENOENT;
	ret = svmgpu_bo_stats_parse(f, stats);
	fclose(f);

	return ret;
}

/**
 * svmgpu_bo_stats_read() - Read every counter of debugfs bo_stats, or skip.
 * @fd: svmgpu file descriptor.
 * @stats: Filled in.
 *
 * Skips if the file is absent; fails if it does not parse.
 */
void svmgpu_bo_stats_read(int fd, struct svmgpu_bo_stats *stats)
{
	int ret = __svmgpu_bo_stats_read(fd, stats);

	igt_require_f(ret != -ENOENT, "no debugfs bo_stats for the device\n");
	igt_assert_f(ret == 0, "debugfs bo_stats does not parse: %s\n",
		     strerror(-ret));
}

/**
 * svmgpu_bo_stat() - One counter of debugfs bo_stats, or skip.
 * @fd: svmgpu file descriptor.
 * @name: The counter's name, e.g. "evictions".
 *
 * Skips if the file is absent; fails if it has no such counter.
 *
 * Return: The counter's value.
 */
uint64_t svmgpu_bo_stat(int fd, const char *name)
{
	FILE *f = open_debugfs_file(fd, "bo_stats");
	uint64_t value = 0;
	int ret;

	igt_require_f(f, "no debugfs bo_stats for the device\n");
	ret = svmgpu_debugfs_parse_u64(f, name, &value);
	fclose(f);
	igt_assert_f(ret == 0, "debugfs bo_stats: counter %s: %s\n", name,
		     strerror(-ret));

	return value;
}

/**
 * svmgpu_bo_stats_named() - Counters of debugfs bo_stats, read at once.
 * @fd: svmgpu file descriptor.
 * @names: The counters' names.
 * @values: Their values.
 * @n: How many, at most 64.
 *
 * One read of the file, so that the values are of one moment. Skips if the
 * file is absent; fails if one of the counters is missing.
 */
void svmgpu_bo_stats_named(int fd, const char *const *names,
			   uint64_t *values, unsigned int n)
{
	FILE *f = open_debugfs_file(fd, "bo_stats");
	unsigned int i;
	int ret;

	igt_require_f(f, "no debugfs bo_stats for the device\n");
	ret = parse_keys(f, names, values, n);
	/* Name the missing counter. */
	for (i = 0; ret == -ESRCH && i < n; i++) {
		uint64_t v;

		rewind(f);
		if (svmgpu_debugfs_parse_u64(f, names[i], &v))
			break;
	}
	fclose(f);
	igt_assert_f(ret != -ESRCH, "debugfs bo_stats has no counter %s\n",
		     i < n ? names[i] : "?");
	igt_assert_f(ret == 0, "debugfs bo_stats does not parse: %s\n",
		     strerror(-ret));
}

/**
 * svmgpu_ctrs_now() - Counters of debugfs bo_stats, read at once.
 * @fd: svmgpu file descriptor.
 * @names: The counters' names.
 * @n: How many, at most SVMGPU_CTRS_MAX.
 *
 * As svmgpu_bo_stats_named().
 *
 * Return: The counters, for svmgpu_ctrs_since().
 */
struct svmgpu_ctrs svmgpu_ctrs_now(int fd, const char *const *names,
				   unsigned int n)
{
	struct svmgpu_ctrs c = { .names = names, .n = n };

	igt_assert(n <= SVMGPU_CTRS_MAX);
	svmgpu_bo_stats_named(fd, names, c.v, n);

	return c;
}

/**
 * svmgpu_ctrs_since() - How much counters of debugfs bo_stats grew.
 * @fd: svmgpu file descriptor.
 * @before: The counters, from svmgpu_ctrs_now().
 *
 * Fails if one of them went down: they never shrink.
 *
 * Return: The growth of each of @before's counters since.
 */
struct svmgpu_ctrs svmgpu_ctrs_since(int fd, const struct svmgpu_ctrs *before)
{
	struct svmgpu_ctrs now = svmgpu_ctrs_now(fd, before->names, before->n);
	struct svmgpu_ctrs d = { .names = before->names, .n = before->n };
	unsigned int i;

	for (i = 0; i < before->n; i++) {
		igt_assert_f(now.v[i] >= before->v[i],
			     "counter %s went from %" PRIu64 " to %" PRIu64
			     "\n", before->names[i], before->v[i], now.v[i]);
		d.v[i] = now.v[i] - before->v[i];
	}

	return d;
}

/** svmgpu_has_vram_info() - Whether debugfs vram can be read. */
bool svmgpu_has_vram_info(int fd)
{
	return has_debugfs_file(fd, "vram");
}

/**
 * __svmgpu_vram_info_read() - Read debugfs vram.
 * @fd: svmgpu file descriptor.
 * @info: Filled in.
 *
 * Return: 0, -ENOENT if the file is absent, or an error of
 * svmgpu_vram_info_parse().
 */
int __svmgpu_vram_info_read(int fd, struct svmgpu_vram_info *info)
{
	FILE *f = open_debugfs_file(fd, "vram");
	int ret;

	memset(info, 0, sizeof(*info));
	if (!f)
		return -ENOENT;
	ret = svmgpu_vram_info_parse(f, info);
	fclose(f);

	return ret;
}

/**
 * svmgpu_vram_info_read() - Read debugfs vram, or skip.
 * @fd: svmgpu file descriptor.
 * @info: Filled in.
 *
 * Skips if the file is absent; fails if it does not parse.
 */
void svmgpu_vram_info_read(int fd, struct svmgpu_vram_info *info)
{
	int ret = __svmgpu_vram_info_read(fd, info);

	igt_require_f(ret != -ENOENT, "no debugfs vram for the device\n");
	igt_assert_f(ret == 0, "debugfs vram does not parse: %s\n",
		     strerror(-ret));
}

/**
 * svmgpu_svm_vram() - VRAM that migrated SVM memory holds.
 * @fd: svmgpu file descriptor.
 *
 * Return: The "svm:" line of debugfs vram, in bytes; fails without it.
 */
uint64_t svmgpu_svm_vram(int fd)
{
	struct svmgpu_vram_info info;

	svmgpu_vram_info_read(fd, &info);
	igt_assert_f(info.has_svm, "debugfs vram has no \"svm:\" line\n");

	return info.svm;
}

/**
 * svmgpu_svm_vram_wait() - Wait until migrated memory holds at most @base
 * of VRAM, as a worker frees it; fail after 10 s.
 * @fd: svmgpu file descriptor.
 * @base: Bytes.
 */
void svmgpu_svm_vram_wait(int fd, uint64_t base)
{
	uint64_t now = 0;
	unsigned int i;

	for (i = 0; i < 200; i++) {
		now = svmgpu_svm_vram(fd);
		if (now <= base)
			return;
		usleep(50 * 1000);
	}
	igt_assert_f(false, "migrated memory holds %" PRIu64 " bytes of VRAM, "
		     "%" PRIu64 " before\n", now, base);
}

/* --- tracefs -------------------------------------------------------------- */

#define TRACEFS_MOUNT		"/sys/kernel/tracing"
#define TRACEFS_IN_DEBUGFS	"/sys/kernel/debug/tracing"
/* statfs() f_type of tracefs, TRACEFS_MAGIC in linux/magic.h. */
#define TRACEFS_FS_MAGIC	0x74726163

static bool is_tracefs(const char *dir)
{
	struct statfs sfs;

	return statfs(dir, &sfs) == 0 && sfs.f_type == TRACEFS_FS_MAGIC;
}

static bool tracefs_has_events(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/events", dir);

	return access(path, F_OK) == 0;
}

/**
 * svmgpu_tracefs_dir() - Where tracefs is, mounting it if needed.
 * @path: Buffer for the path.
 * @len: Size of @path.
 *
 * Uses /sys/kernel/tracing, mounting tracefs there if nothing is mounted
 * there yet, or else the tracing directory of debugfs.
 *
 * Return: 0, or -ENOENT if tracefs (with trace events) is unavailable.
 */
int svmgpu_tracefs_dir(char *path, size_t len)
{
	const char *dir = NULL;

	if (tracefs_has_events(TRACEFS_MOUNT)) {
		dir = TRACEFS_MOUNT;
	} else {
		/* Fails harmlessly if the kernel lacks tracefs. */
		if (!is_tracefs(TRACEFS_MOUNT) &&
		    mount("nodev", TRACEFS_MOUNT, "tracefs", 0, NULL) == 0)
			igt_debug("mounted tracefs at " TRACEFS_MOUNT "\n");
		errno = 0;
		if (tracefs_has_events(TRACEFS_MOUNT))
			dir = TRACEFS_MOUNT;
		else if (tracefs_has_events(TRACEFS_IN_DEBUGFS))
			dir = TRACEFS_IN_DEBUGFS;
	}
	if (!dir)
		return -ENOENT;
	if ((size_t)snprintf(path, len, "%s", dir) >= len)
		return -ENAMETOOLONG;

	return 0;
}

/* Builds the path of @name (relative to tracefs) in @path. */
static int tracefs_path(char *path, size_t len, const char *name)
{
	char dir[PATH_MAX];
	int ret = svmgpu_tracefs_dir(dir, sizeof(dir));

	if (ret)
		return ret;
	if ((size_t)snprintf(path, len, "%s/%s", dir, name) >= len)
		return -ENAMETOOLONG;

	return 0;
}

static int write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, ret;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	ret = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	close(fd);

	return ret;
}

/**
 * svmgpu_trace_has_event() - Whether tracefs has the event @system:@event.
 */
bool svmgpu_trace_has_event(const char *system, const char *event)
{
	char name[2 * NAME_MAX], path[PATH_MAX];

	snprintf(name, sizeof(name), "events/%s/%s/enable", system, event);
	if (tracefs_path(path, sizeof(path), name))
		return false;

	return access(path, W_OK) == 0;
}

/**
 * svmgpu_trace_event_enable() - Turn the event @system:@event on or off.
 * @system: The event's system, e.g. "svmgpu".
 * @event: The event, e.g. "svmgpu_bo_move".
 * @enable: On or off.
 *
 * Turning an event on also turns tracing on, in case it was off.
 *
 * Return: 0 or a negative errno (-ENOENT without tracefs or the event).
 */
int svmgpu_trace_event_enable(const char *system, const char *event,
			      bool enable)
{
	char name[2 * NAME_MAX], path[PATH_MAX];
	int ret;

	snprintf(name, sizeof(name), "events/%s/%s/enable", system, event);
	ret = tracefs_path(path, sizeof(path), name);
	if (ret)
		return ret;
	ret = write_text(path, enable ? "1" : "0");
	if (ret || !enable)
		return ret;

	if (!tracefs_path(path, sizeof(path), "tracing_on"))
		igt_warn_on(write_text(path, "1"));

	return 0;
}

/**
 * svmgpu_trace_clear() - Empty the trace buffer.
 *
 * Return: 0 or a negative errno (-ENOENT without tracefs).
 */
int svmgpu_trace_clear(void)
{
	char path[PATH_MAX];
	int fd, ret;

	ret = tracefs_path(path, sizeof(path), "trace");
	if (ret)
		return ret;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);

	return 0;
}

/**
 * svmgpu_trace_parse_count() - Count an event's lines in a trace text.
 * @f: The text, as tracefs "trace" prints it: after the task, CPU, flags
 *     and timestamp, "<event>: <fields>".
 * @event: The event's name, e.g. "svmgpu_bo_move".
 * @tokens: NULL, or a NULL-terminated list of words that the line's
 *	    fields must all have, each delimited by white space, e.g.
 *	    "evict=1".
 *
 * Comment lines (starting with '#') are skipped.
 *
 * Return: How many lines of @event have every token.
 */
unsigned int svmgpu_trace_parse_count(FILE *f, const char *event,
				      const char *const *tokens)
{
	char needle[NAME_MAX + 4];
	size_t nlen;
	unsigned int n = 0;
	char *line = NULL;
	size_t len = 0;

	snprintf(needle, sizeof(needle), " %s:", event);
	nlen = strlen(needle);

	while (getline(&line, &len, f) > 0) {
		const char *fields;
		bool match = true;
		unsigned int i;

		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		fields = strstr(line, needle);
		if (!fields)
			continue;
		fields += nlen;
		if (*fields && *fields != ' ')
			continue;

		for (i = 0; tokens && tokens[i]; i++)
			if (!has_token(fields, tokens[i]))
				match = false;
		n += match;
	}
	free(line);

	return n;
}

/**
 * svmgpu_trace_count() - Count an event's lines in the trace buffer.
 * @event: The event's name.
 * @tokens: As for svmgpu_trace_parse_count().
 *
 * Return: The count, or a negative errno (-ENOENT without tracefs).
 */
int svmgpu_trace_count(const char *event, const char *const *tokens)
{
	char path[PATH_MAX];
	unsigned int n;
	FILE *f;
	int ret;

	ret = tracefs_path(path, sizeof(path), "trace");
	if (ret)
		return ret;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = svmgpu_trace_parse_count(f, event, tokens);
	fclose(f);

	return n > INT32_MAX ? INT32_MAX : (int)n;
}

/**
 * svmgpu_expect_kmsg() - Announce a kernel log line the test provokes.
 * @pattern: Python regular expression the line will match (searched in
 *	it), on one line.
 *
 * Writes "svmgpu-test: expect-kmsg @pattern" to /dev/kmsg, at notice level.
 * The VM harness (scripts/results.py) then lets svmgpu's error and warning
 * lines that match @pattern pass until the subtest ends; an unannounced one
 * fails the subtest. Announce just before the ioctl that provokes the line,
 * and only lines the test means to provoke. Splats (WARNING, BUG, lockdep,
 * KASAN) cannot be announced. Each call opens /dev/kmsg anew, so that the
 * kernel's per-open rate limit of kmsg writes never drops one.
 */
void svmgpu_expect_kmsg(const char *pattern)
{
	char line[512];
	int fd, len;
	ssize_t n;

	igt_assert_f(!strchr(pattern, '\n'), "pattern on two lines: %s\n",
		     pattern);
	len = snprintf(line, sizeof(line), "<5>svmgpu-test: expect-kmsg %s\n",
		       pattern);
	igt_assert_f(len > 0 && (size_t)len < sizeof(line),
		     "pattern too long: %s\n", pattern);

	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	igt_assert_f(fd >= 0, "cannot open /dev/kmsg to announce \"%s\": %s\n",
		     pattern, strerror(errno));
	n = write(fd, line, len);
	close(fd);
	igt_assert_f(n == len, "cannot announce \"%s\" in /dev/kmsg: %s\n",
		     pattern, n < 0 ? strerror(errno) : "short write");
}
