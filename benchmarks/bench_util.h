/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * bench_util.h - what every benchmark needs: a clock, an error exit, a
 * median, the driver's debugfs counters, and a VM that mirrors the process
 * with a queue on it.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"

/* Seconds on CLOCK_MONOTONIC. */
static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Report a failed step (a negative errno) of benchmark @name; returns 1. */
static inline int bench_die(const char *name, const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s\n", name, what, strerror(-err));
	return 1;
}

/*
 * A VM on @dev that mirrors this process (system SVM) into *@vm, and a
 * queue of normal priority on its engine 0 into *@q. Returns 0 or a
 * negative errno; on error the caller still deletes both (NULL if not made).
 */
static inline int bench_svm_queue(struct svmgpu_device *dev,
				  struct svmgpu_vm **vm,
				  struct svmgpu_queue **q)
{
	int ret;

	ret = svmgpu_vm_new_svm(dev, vm);
	if (!ret)
		ret = svmgpu_queue_new(*vm, 0, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
				       q);
	return ret;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of @n values; sorts @v. */
static inline double bench_median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Run a command; its exit status, or -1 if it could not run. */
static inline int bench_run_cmd(char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (!pid) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A device's debugfs bo_stats, and which of its counters a benchmark reads. */
struct bench_stats {
	char path[96];
	bool ok;		/* readable */
	const char *const *names;
	int n;
};

/*
 * Read the counters of @bs->names into @v (zero those missing); false if
 * bo_stats cannot be read.
 */
static inline bool bench_stats_read(const struct bench_stats *bs, int64_t *v)
{
	char line[128], name[64];
	long long value;
	FILE *f;
	int i;

	memset(v, 0, bs->n * sizeof(*v));
	f = bs->ok ? fopen(bs->path, "r") : NULL;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %lld", name, &value) != 2)
			continue;
		for (i = 0; i < bs->n; i++)
			if (!strcmp(name, bs->names[i]))
				v[i] = value;
	}
	fclose(f);
	return true;
}

/* @d = the counters now less @before. */
static inline void bench_stats_delta(const struct bench_stats *bs, int64_t *d,
				     const int64_t *before)
{
	int i;

	bench_stats_read(bs, d);
	for (i = 0; i < bs->n; i++)
		d[i] -= before[i];
}

/*
 * Find the bo_stats of the device of render node @fd (dri/<minor>) and
 * check it can be read; say so when not, @what being what goes unreported.
 */
static inline void bench_stats_init(struct bench_stats *bs, int fd,
				    const char *const *names, int n,
				    const char *what)
{
	int64_t v[n];
	struct stat st;

	bs->names = names;
	bs->n = n;
	bs->ok = false;
	if (fstat(fd, &st))
		return;
	snprintf(bs->path, sizeof(bs->path),
		 "/sys/kernel/debug/dri/%u/bo_stats", minor(st.st_rdev));
	bs->ok = true;
	if (!bench_stats_read(bs, v)) {
		bs->ok = false;
		printf("debugfs %s cannot be read: %s not reported\n",
		       bs->path, what);
	}
}

#endif /* BENCH_UTIL_H */
