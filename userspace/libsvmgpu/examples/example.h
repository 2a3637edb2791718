/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * What the svmgpu examples share, so that each example's own file shows
 * only its interesting part: reporting a failed library call, the clock,
 * main() (the usage, opening the first device, checking what the driver
 * implements, exit status 77 to skip), a VM that mirrors the process with
 * a queue on it, a compute example's program and their deletion, and how
 * a job that was waited for ended.
 *
 * Each example is still one program, its .c file and libsvmgpu. It defines
 * EXAMPLE_NAME, its program's name, before including this header; every
 * function here is static inline, so an example uses only what it needs.
 */
#ifndef SVMGPU_EXAMPLE_H
#define SVMGPU_EXAMPLE_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"

#ifndef EXAMPLE_NAME
#error "define EXAMPLE_NAME, the program's name, before including example.h"
#endif

#define EXIT_SKIP 77

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Report a failed library call; return 1, the exit status. */
static inline int fail(const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s\n", EXAMPLE_NAME, what, strerror(-err));
	return 1;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * If the driver lacks a feature (@has is false), say what it does not do
 * and return EXIT_SKIP; else return 0.
 */
static inline int example_require(bool has, const char *does_not)
{
	if (has)
		return 0;
	printf("skipped: the driver does not %s\n", does_not);
	return EXIT_SKIP;
}

/* What the compute examples need: system SVM and compute programs. */
static inline int example_require_compute(struct svmgpu_device *dev)
{
	int status;

	status = example_require(svmgpu_device_has_system_svm(dev),
				 "implement system SVM");
	if (!status)
		status = example_require(svmgpu_device_has_compute(dev),
					 "run compute programs");
	return status;
}

/* A feature bit of &struct svmgpu_device_info, and its name. */
struct example_feature {
	uint64_t bit;
	const char *name;
};

/*
 * Print what the driver lacks of the @n features in @required and return
 * EXIT_SKIP, or return 0 if it has them all.
 */
static inline int example_check_features(uint64_t features,
					 const struct example_feature *required,
					 size_t n)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < n; i++)
		if (!(features & required[i].bit))
			break;
	if (i == n)
		return 0;

	printf("skipped: the driver does not implement ");
	for (i = 0; i < n; i++) {
		if (features & required[i].bit)
			continue;
		printf("%s%s", sep, required[i].name);
		sep = ", ";
	}
	printf(" yet\n");
	return EXIT_SKIP;
}

/*
 * Take no argument, else print the usage and @about and return 2; open
 * the first svmgpu device into *@dev and return 0, or return 1.
 */
static inline int example_open(int argc, char **argv, const char *about,
			       struct svmgpu_device **dev)
{
	int ret;

	if (argc > 1) {
		fprintf(stderr, "usage: %s\n", argv[0]);
		fprintf(stderr, "%s\n", about);
		return 2;
	}

	ret = svmgpu_device_open(0, dev);
	return ret ? fail("open", ret) : 0;
}

/*
 * The examples' main(): example_open(), then run(), if require() finds
 * what the example needs (else require() returns the exit status, 77 to
 * skip). Return the exit status.
 */
static inline int example_main(int argc, char **argv, const char *about,
			       int (*require)(struct svmgpu_device *dev),
			       int (*run)(struct svmgpu_device *dev))
{
	struct svmgpu_device *dev;
	int status;

	status = example_open(argc, argv, about, &dev);
	if (status)
		return status;

	status = require(dev);
	if (!status)
		status = run(dev);

	svmgpu_device_del(dev);
	return status;
}

/*
 * A VM on @dev that mirrors this process (system SVM) into *@vm, and a
 * queue of normal priority on it into *@queue. Return 0 or a negative
 * errno; on error, the caller still deletes what was made (both start as
 * NULL).
 */
static inline int example_svm_queue(struct svmgpu_device *dev,
				    struct svmgpu_vm **vm,
				    struct svmgpu_queue **queue)
{
	int ret;

	ret = svmgpu_vm_new_svm(dev, vm);
	if (!ret)
		ret = svmgpu_queue_new(*vm, 0, DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
				       queue);
	return ret;
}

/*
 * For a compute example: an empty program in *@prog that @build() then
 * writes (reporting its own error and returning nonzero on one), and a
 * queue on a mirroring VM (example_svm_queue()). Return 0, or 1 after
 * saying what failed; the caller deletes all three with
 * example_compute_del() either way (all start as NULL).
 */
static inline int example_compute_new(struct svmgpu_device *dev,
				      int (*build)(struct svmgpu_prog *prog),
				      struct svmgpu_prog **prog,
				      struct svmgpu_vm **vm,
				      struct svmgpu_queue **queue)
{
	int ret;

	ret = svmgpu_prog_new(prog);
	if (ret)
		return fail("program", ret);
	if (build(*prog))
		return 1;
	ret = example_svm_queue(dev, vm, queue);
	return ret ? fail("setup", ret) : 0;
}

/*
 * Assemble @text into @p, after the .equ lines that @equs (a printf()
 * format, with its arguments) writes: how an example hands its structure
 * offsets to its program. Return 0, or 1 after printing the assembler's
 * error.
 */
static inline int example_asm(struct svmgpu_prog *p, const char *text,
			      const char *equs, ...)
	__attribute__((format(printf, 3, 4)));

static inline int example_asm(struct svmgpu_prog *p, const char *text,
			      const char *equs, ...)
{
	char src[4096], err[256];
	va_list ap;
	int n;

	va_start(ap, equs);
	n = vsnprintf(src, sizeof(src), equs, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + strlen(text) >= sizeof(src)) {
		fprintf(stderr, "%s: program: source too long\n", EXAMPLE_NAME);
		return 1;
	}
	strcpy(src + n, text);
	if (!svmgpu_asm(p, src, err, sizeof(err)))
		return 0;
	fprintf(stderr, "%s: program: %s\n", EXAMPLE_NAME, err);
	return 1;
}

/*
 * Delete what example_compute_new() made, except @prog if a job that may
 * still be @running reads it. Return @running: the caller must then leave
 * all the memory that job uses be too, as the process is about to exit.
 */
static inline bool example_compute_del(struct svmgpu_prog *prog,
				       struct svmgpu_vm *vm,
				       struct svmgpu_queue *queue,
				       bool running)
{
	svmgpu_queue_del(queue);
	svmgpu_vm_del(vm);
	if (running)
		return true;
	svmgpu_prog_del(prog);
	return false;
}

/*
 * How a @job ("job", "walk") waited for up to @timeout_ns by @call ended:
 * return 0 if well (@ret is 0), else say why and return 1. A job that
 * timed out may still run: then *@running is set, and the caller must
 * leave the memory it uses be.
 */
static inline int example_job_failed(int ret, const char *job,
				     const char *call, long long timeout_ns,
				     bool *running)
{
	if (!ret)
		return 0;
	if (ret == -ETIME) {
		*running = true;
		fprintf(stderr, "%s: the %s did not complete in %lld s\n",
			EXAMPLE_NAME, job, timeout_ns / 1000000000);
	} else if (ret == -ECANCELED) {
		fprintf(stderr, "%s: the %s failed on the GPU, which banned its queue\n",
			EXAMPLE_NAME, job);
	} else {
		fail(call, ret);
	}
	return 1;
}

#endif /* SVMGPU_EXAMPLE_H */
