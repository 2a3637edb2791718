// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * igt_abi_check - exercise lib/igt_decls.h against the real libigt.
 *
 * Each subtest uses a part of the declarations header and ends in a known
 * result: the name prefix says which ("pass-", "skip-", "fail-"), so
 * check-igt-abi.sh can run them by wildcard and compare the result lines
 * and exit codes with what IGT promises. No device is needed.
 *
 * Environment knobs, read by the fixtures, let the script drive the
 * fixture paths as well:
 *   IGT_ABI_CHECK_FIXTURE=skip|fail  the top-level fixture skips/fails
 *   IGT_ABI_CHECK_GROUP=skip         the fixture inside the group skips
 */

#include <pthread.h>
#include <sys/ioctl.h>
#include <time.h>

#include <xf86drm.h>

#include "igt.h"

IGT_TEST_DESCRIPTION("Self-check of svmgpu's libigt declarations.");

static bool env_is(const char *name, const char *value)
{
	const char *v = getenv(name);

	return v && strcmp(v, value) == 0;
}

/* Keeps the compiler from folding the conditions under test. */
static volatile int one = 1;
static volatile int two = 2;

static void *assert_in_thread(void *arg)
{
	igt_assert_f(arg == NULL, "abi-check: thread assertion\n");

	return NULL;
}

igt_main
{
	/*
	 * Runs in every mode; stdout must stay clean here because a runner
	 * takes every stdout line of --list-subtests as a subtest name.
	 */
	if (igt_only_list_subtests())
		fprintf(stderr, "abi-check: only listing\n");

	igt_fixture {
		igt_require_f(!env_is("IGT_ABI_CHECK_FIXTURE", "skip"),
			      "abi-check: fixture skip requested\n");
		igt_assert_f(!env_is("IGT_ABI_CHECK_FIXTURE", "fail"),
			     "abi-check: fixture failure requested\n");
		igt_info("abi-check: fixture ran\n");
	}

	igt_describe("abi-check: a subtest that passes");
	igt_subtest("pass-basic") {
		igt_assert(one == 1);
		igt_assert_f(one == 1, "never printed\n");
		igt_assert_eq(one, 1);
		igt_fail_on(one == 2);
		igt_assert(igt_can_fail());
		igt_assert(strcmp(igt_subtest_name(), "pass-basic") == 0);
	}

	igt_describe("abi-check: every comparison macro, all holding");
	igt_subtest("pass-compare") {
		uint64_t big = 1ull << 40;

		igt_assert_eq_u32(0xffffffffu, 0xffffffffu);
		igt_assert_eq_s64(-big, -(int64_t)big);
		igt_assert_eq_u64(big, 1ull << 40);
		igt_assert_neq(one, two);
		igt_assert_neq_u32(one, two);
		igt_assert_neq_u64(big, big + 1);
		igt_assert_lt(one, two);
		igt_assert_lte(one, one);
		igt_assert_lt_u32(one, two);
		igt_assert_lte_u32(two, two);
		igt_assert_lt_u64(big, big + 1);
		igt_assert_lte_u64(big, big);
		igt_assert_lt_s64(-big, big);
		igt_assert_lte_s64(-big, -big);
		igt_assert_fd(one);
		igt_require(one == 1);
		igt_require_f(one == 1, "never printed\n");
		igt_require_fd(one);
		igt_skip_on(one == 2);
		igt_skip_on_f(one == 2, "never printed\n");
	}

	igt_subtest_f("pass-format-%d", 7)
		igt_assert(strcmp(igt_subtest_name(), "pass-format-7") == 0);

	igt_describe("abi-check: info to stdout, debug and warnings to stderr");
	igt_subtest("pass-log") {
		igt_info("abi-check: info %d\n", 1);
		igt_debug("abi-check: debug %d\n", 2);
		igt_log(IGT_LOG_DOMAIN, IGT_LOG_INFO, "abi-check: log %s\n",
			"direct");
		igt_assert(!igt_warn_on(one == 2));
	}

	igt_subtest("pass-warn") {
		igt_warn("abi-check: warning %d\n", 3);
		igt_assert(igt_warn_on_f(one == 1, "abi-check: warn_on_f\n"));
	}

	igt_subtest("pass-fork") {
		igt_fork(child, 2)
			igt_assert(child == 0 || child == 1);
		igt_waitchildren();
	}

	igt_subtest("pass-thread") {
		pthread_t thread;

		igt_assert_eq(pthread_create(&thread, NULL, assert_in_thread,
					     NULL), 0);
		igt_assert_eq(pthread_join(thread, NULL), 0);
	}

	igt_subtest("pass-ioctl") {
		struct drm_version v = {};

		/* igt_ioctl is libdrm's drmIoctl unless a helper swapped it. */
		igt_assert(igt_ioctl == drmIoctl);
		igt_assert_eq(igt_ioctl(-1, DRM_IOCTL_VERSION, &v), -1);
		igt_assert_eq(errno, EBADF);
		do_ioctl_err(-1, DRM_IOCTL_VERSION, &v, EBADF);
		igt_assert_eq(errno, 0);
	}

	igt_subtest("pass-time") {
		struct timespec start = {};
		uint64_t ns;

		igt_assert_eq_u64(igt_nsec_elapsed(&start), 0);
		usleep(20 * 1000);
		ns = igt_nsec_elapsed(&start);
		igt_assert_lte_u64(20 * 1000 * 1000ull, ns);
		igt_assert_lt_u64(ns, 10 * 1000 * 1000 * 1000ull);
		igt_assert_eq(igt_seconds_elapsed(&start), 0);
	}

	igt_subtest_with_dynamic("pass-dynamic") {
		igt_dynamic("first")
			igt_assert(one == 1);
		igt_dynamic_f("second-%d", 2)
			igt_assert(two == 2);
	}

	igt_subtest("skip-require")
		igt_require(one == 2);

	igt_subtest("skip-require-f")
		igt_require_f(one == 2, "abi-check: skip reason %d\n", 5);

	igt_subtest("skip-on")
		igt_skip_on(one == 1);

	igt_subtest("skip-direct")
		igt_skip("abi-check: direct skip\n");

	igt_describe("abi-check: an igt_assert_eq that fails");
	igt_subtest("fail-eq")
		igt_assert_eq(one, two);

	igt_subtest("fail-assert-f")
		igt_assert_f(one == 2, "abi-check: custom message %d\n", 42);

	igt_subtest("fail-direct")
		igt_fail(IGT_EXIT_FAILURE);

	igt_subtest("fail-fork") {
		igt_fork(child, 1)
			igt_assert_eq(child, 1);
		igt_waitchildren();
	}

	/*
	 * An assertion in a thread ends the thread, not the subtest: the
	 * main thread goes on, and the subtest fails when it ends.
	 */
	igt_subtest("fail-thread") {
		pthread_t thread;

		igt_assert_eq(pthread_create(&thread, NULL, assert_in_thread,
					     (void *)&one), 0);
		igt_assert_eq(pthread_join(thread, NULL), 0);
		igt_info("abi-check: main thread went on\n");
	}

	igt_describe("abi-check: a group whose fixture may skip");
	igt_subtest_group {
		igt_fixture
			igt_require(!env_is("IGT_ABI_CHECK_GROUP", "skip"));

		igt_subtest("group-inner")
			igt_assert(one == 1);
	}

	/* Runs even when the group's fixture skipped. */
	igt_subtest("group-after")
		igt_assert(one == 1);

	igt_fixture
		igt_info("abi-check: final fixture ran\n");
}
