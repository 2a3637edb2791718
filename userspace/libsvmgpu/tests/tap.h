/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * A minimal TAP harness for libsvmgpu's unit tests: one header, static
 * functions, no library. Each test is a void function that reports with
 * EXPECT*() and may give up with REQUIRE() or SKIP().
 */
#ifndef SVMGPU_TESTS_TAP_H
#define SVMGPU_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool t_failed;
static const char *t_skip;

static void __attribute__((format(printf, 1, 2))) diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

#define EXPECT(cond) do {						\
	if (!(cond)) {							\
		diag("%s:%d: expected %s", __FILE__, __LINE__, #cond);	\
		t_failed = true;					\
	}								\
} while (0)

#define EXPECT_EQ(a, b) do {						\
	long long a_ = (long long)(a), b_ = (long long)(b);		\
	if (a_ != b_) {							\
		diag("%s:%d: %s == %lld, expected %s == %lld",		\
		     __FILE__, __LINE__, #a, a_, #b, b_);		\
		t_failed = true;					\
	}								\
} while (0)

/* Hexadecimal and unsigned, for words and addresses. */
#define EXPECT_EQ_HEX(a, b) do {					\
	unsigned long long a_ = (unsigned long long)(a);		\
	unsigned long long b_ = (unsigned long long)(b);		\
	if (a_ != b_) {							\
		diag("%s:%d: %s == 0x%llx, expected %s == 0x%llx",	\
		     __FILE__, __LINE__, #a, a_, #b, b_);		\
		t_failed = true;					\
	}								\
} while (0)

/* Give up on the current test when a precondition fails. */
#define REQUIRE(cond) do {						\
	if (!(cond)) {							\
		diag("%s:%d: required %s", __FILE__, __LINE__, #cond);	\
		t_failed = true;					\
		return;							\
	}								\
} while (0)

#define SKIP(why) do { t_skip = (why); return; } while (0)

struct tap_test {
	const char *name;
	void (*fn)(void);
};

/*
 * Run @n tests, calling @setup (if not NULL) before and after each, and
 * print the TAP stream. Return the exit status: 0 if none failed.
 */
static int tap_run(const struct tap_test *tests, unsigned int n,
		   void (*setup)(void))
{
	unsigned int i, failed = 0;

	for (i = 0; i < n; i++) {
		t_failed = false;
		t_skip = NULL;
		if (setup)
			setup();
		tests[i].fn();
		if (setup)
			setup();
		fflush(stdout);

		if (t_skip && !t_failed)
			printf("ok %u - %s # SKIP %s\n", i + 1, tests[i].name,
			       t_skip);
		else
			printf("%s %u - %s\n", t_failed ? "not ok" : "ok",
			       i + 1, tests[i].name);
		failed += t_failed;
	}
	printf("1..%u\n", n);
	if (failed)
		printf("# %u of %u tests failed\n", failed, n);
	return failed ? 1 : 0;
}

#endif /* SVMGPU_TESTS_TAP_H */
