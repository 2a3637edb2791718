/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * igt_decls.h - the part of IGT's public API that svmgpu tests use.
 *
 * Why this file exists
 * --------------------
 * Debian's intel-gpu-tools 1.27.1 package ships IGT's real runtime library,
 * /usr/lib/x86_64-linux-gnu/libigt.so.0, but none of IGT's headers, and
 * the mirror serves no IGT source. Our tests are nonetheless real IGT
 * programs: they link that library and get its subtest enumeration, its
 * command line (--list-subtests, --run-subtest, --describe, --debug, ...),
 * its result lines ("Subtest NAME: SUCCESS|FAIL|SKIP"), its failure
 * backtraces and its exit codes (0, 77, 98, 79). This header supplies the
 * declarations and control-flow macros that IGT's lib/igt_core.h,
 * lib/drmtest.h and lib/ioctl_wrappers.h would supply, for the subset we
 * use.
 *
 * Macro names, arguments and expansions follow IGT 1.27, so a test written
 * against this header compiles unchanged inside IGT's tree (tests/svmgpu/).
 * The macros are ABI, not just API: igt_subtest and igt_fixture expand to
 * sigsetjmp() on the library's igt_subtest_jmpbuf, and the library
 * siglongjmp()s back there from igt_skip/igt_fail/igt_success. The
 * expansions here therefore mirror 1.27's exactly; only the wording and
 * layout are ours.
 *
 * How it was verified
 * -------------------
 * - Every function and variable below is exported by libigt.so.0 1.27.1
 *   (nm -D --defined-only); the sizes of the data symbols match:
 *   igt_subtest_jmpbuf and igt_dynamic_jmpbuf are 200 bytes, which is
 *   sizeof(jmp_buf) on x86-64 glibc; igt_ioctl is an 8-byte function
 *   pointer (it holds libdrm's drmIoctl by default); igt_log_level is a
 *   4-byte enum.
 * - Argument lists that changed across IGT versions were checked in the
 *   disassembly: __igt_subtest_group_save() takes two int pointers (the
 *   second saves the group's igt_describe text) and
 *   __igt_subtest_group_restore() two ints; igt_describe() is built on
 *   igt_describe_f(), as 1.27 has no other description entry point.
 * - lib/tests/igt_abi_check.c exercises each macro and function against
 *   the library, and lib/tests/check-igt-abi.sh (make check) asserts the
 *   observable behaviour: subtest listing, --run-subtest selection and
 *   wildcards, result lines, exit codes 0/77/98/79, fixture skip and
 *   failure propagation, subtest groups, --describe output, log routing
 *   (info and debug to stdout, debug only with --debug, warnings to
 *   stderr), igt_fork child failures, assertions in threads other than
 *   the main one, and igt_ioctl being drmIoctl.
 * - Some library entry points were probed and deliberately left out; the
 *   reason is noted where they would be (igt_waitchildren_timeout), or
 *   here: igt_set_timeout() arms an alarm that outlives the subtest that
 *   armed it (1.27.1 does not disarm it when a subtest ends, even on
 *   failure), so a failed subtest would make a later one time out.
 *
 * Only declarations that the check exercises belong here. Add more only
 * together with a check.
 */
#ifndef SVMGPU_IGT_DECLS_H
#define SVMGPU_IGT_DECLS_H

#include <errno.h>
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* A test may define its own log domain before including igt.h. */
#ifndef IGT_LOG_DOMAIN
#define IGT_LOG_DOMAIN (NULL)
#endif

/* Analysis tools set this in IGT; we never build in that mode. */
#ifndef STATIC_ANALYSIS_BUILD
#define STATIC_ANALYSIS_BUILD 0
#endif

#define __noreturn __attribute__((noreturn))
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#endif
#define __maybe_unused __attribute__((unused))

/*
 * Exit codes of an IGT program, decided by igt_exit() and read by runners
 * (igt_runner, our VM harness). Observed with 1.27.1: any failure gives
 * 98; otherwise any success gives 0, even with skips; all skipped gives
 * 77; an unknown --run-subtest gives 79.
 */
#define IGT_EXIT_SUCCESS	0
#define IGT_EXIT_SKIP		77
#define IGT_EXIT_INVALID	79
#define IGT_EXIT_FAILURE	98
#define IGT_EXIT_ABORT		112	/* environment broken, stop testing */

/* Token pasting that expands its arguments first. */
#define __igt_tokencat2(x, y) x ## y
#define igt_tokencat(x, y) __igt_tokencat2(x, y)

/* A per-line unique identifier, for the variables the macros declare. */
#define igt_unique(prefix) \
	igt_tokencat(igt_tokencat(__igt_unique__, prefix), __LINE__)

/*
 * Test description for --help-description. The library declares the
 * symbol weak, so a test need not define it.
 */
extern const char *__igt_test_description __attribute__((weak));
#define IGT_TEST_DESCRIPTION(str) const char *__igt_test_description = str

/* ---------------------------------------------------------------------
 * Subtests and fixtures
 * ---------------------------------------------------------------------
 */

/*
 * Both buffers live in the library. Every igt_subtest/igt_fixture block
 * sigsetjmp()s into igt_subtest_jmpbuf (igt_dynamic blocks into
 * igt_dynamic_jmpbuf); igt_skip(), igt_fail() and friends siglongjmp()
 * back, which ends the block without running its loop increment.
 */
extern jmp_buf igt_subtest_jmpbuf;
extern jmp_buf igt_dynamic_jmpbuf;

typedef int (*igt_opt_handler_t)(int opt, int opt_index, void *data);
#define IGT_OPT_HANDLER_SUCCESS 0
#define IGT_OPT_HANDLER_ERROR -2

int igt_subtest_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				igt_opt_handler_t extra_opt_handler,
				void *handler_data);
#define igt_subtest_init(argc, argv) \
	igt_subtest_init_parse_opts(&argc, argv, NULL, NULL, NULL, NULL, NULL)

/*
 * igt_fixture: setup/teardown code shared by the subtests that follow.
 * __igt_fixture() returns false while only listing subtests and after an
 * earlier fixture skipped or failed, so the block is not entered; a skip
 * inside the block makes every later subtest SKIP, a failure makes every
 * later subtest FAIL. __igt_fixture_complete() runs when the block ends
 * normally. The library calls __igt_fixture_end() itself on a skip.
 */
bool __igt_fixture(void);
void __igt_fixture_complete(void);
__noreturn void __igt_fixture_end(void);
#define igt_fixture \
	for (volatile int igt_unique(__tmpint) = 0; \
	     igt_unique(__tmpint) < 1 && \
	     (STATIC_ANALYSIS_BUILD || \
	      (__igt_fixture() && \
	       (sigsetjmp(igt_subtest_jmpbuf, 1) == 0))); \
	     igt_unique(__tmpint)++, __igt_fixture_complete())

/*
 * igt_subtest: __igt_run_subtest() prints the name and returns false when
 * listing, returns false when --run-subtest does not match (it accepts
 * wildcards and comma-separated lists), prints "Starting subtest: NAME"
 * and returns true when the subtest runs. Reaching the end of the block
 * calls igt_success().
 */
bool __igt_run_subtest(const char *subtest_name, const char *file,
		       const int line);
#define igt_subtest(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_success())

#define __igt_subtest_f(tmp, format...) \
	for (char tmp[256]; \
	     snprintf(tmp, sizeof(tmp), format), \
	     __igt_run_subtest(tmp, __FILE__, __LINE__) && \
	     (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_success())
#define igt_subtest_f(f...) __igt_subtest_f(igt_unique(__tmpchar), f)

/*
 * Dynamic subtests: a subtest whose parts are discovered at run time
 * (e.g. one per device). The container subtest passes if every dynamic
 * part passes and skips if none ran.
 */
bool __igt_enter_dynamic_container(void);
bool __igt_run_dynamic_subtest(const char *dynamic_subtest_name);
#define igt_subtest_with_dynamic(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       __igt_enter_dynamic_container() && \
	       (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_success())
#define igt_dynamic(name) \
	for (; __igt_run_dynamic_subtest((name)) && \
	       (sigsetjmp(igt_dynamic_jmpbuf, 1) == 0); \
	     igt_success())
#define __igt_dynamic_f(tmp, format...) \
	for (char tmp[256]; \
	     snprintf(tmp, sizeof(tmp), format), \
	     __igt_run_dynamic_subtest(tmp) && \
	     (sigsetjmp(igt_dynamic_jmpbuf, 1) == 0); \
	     igt_success())
#define igt_dynamic_f(f...) __igt_dynamic_f(igt_unique(__tmpchar), f)

/* Name of the running subtest, or NULL outside one. */
const char *igt_subtest_name(void);
/* True under --list-subtests: set-up code must then do nothing. */
bool igt_only_list_subtests(void);

/*
 * igt_subtest_group: scopes fixture skips/failures (and an igt_describe
 * placed before the group) to the subtests inside the group.
 */
void __igt_subtest_group_save(int *save, int *desc);
void __igt_subtest_group_restore(int save, int desc);
#define igt_subtest_group \
	for (int igt_unique(__tmpint) = 0, igt_unique(__save) = 0, \
	     igt_unique(__desc) = 0; \
	     igt_unique(__tmpint) < 1 && \
	     (__igt_subtest_group_save(&igt_unique(__save), \
				       &igt_unique(__desc)), true); \
	     igt_unique(__tmpint)++, \
	     __igt_subtest_group_restore(igt_unique(__save), \
					 igt_unique(__desc)))

__noreturn void igt_exit(void);

/*
 * igt_main: defines main(), parses IGT's options, runs the block, and
 * exits through igt_exit(), which picks the exit code from the subtests'
 * results.
 */
#define igt_main_args(short_opts, long_opts, help_str, opt_handler, \
		      handler_data) \
	static void igt_unique(__real_main)(void); \
	int main(int argc, char **argv) \
	{ \
		igt_subtest_init_parse_opts(&argc, argv, short_opts, \
					    long_opts, help_str, \
					    opt_handler, handler_data); \
		igt_unique(__real_main)(); \
		igt_exit(); \
	} \
	static void igt_unique(__real_main)(void)

#define igt_main igt_main_args(NULL, NULL, NULL, NULL, NULL)

/* ---------------------------------------------------------------------
 * Results: success, skip, failure
 * ---------------------------------------------------------------------
 */

void igt_success(void);
__noreturn __attribute__((format(printf, 1, 2)))
void igt_skip(const char *f, ...);
__noreturn __attribute__((format(printf, 5, 6)))
void __igt_skip_check(const char *file, const int line, const char *func,
		      const char *check, const char *format, ...);
#define igt_skip_check(E, F...) \
	__igt_skip_check(__FILE__, __LINE__, __func__, E, F)

/* True inside a subtest or fixture, where igt_fail() is allowed. */
bool igt_can_fail(void);
__noreturn void igt_fail(int exitcode);
__noreturn __attribute__((format(printf, 6, 7)))
void __igt_fail_assert(const char *domain, const char *file, const int line,
		       const char *func, const char *assertion,
		       const char *format, ...);

/* ---------------------------------------------------------------------
 * Descriptions
 * ---------------------------------------------------------------------
 */

/*
 * igt_describe(): attaches a description to the next igt_subtest or
 * igt_subtest_group; --describe prints it. 1.27 exports only the printf
 * form, and its own igt_describe() is a "%s" wrapper around it.
 */
__attribute__((format(printf, 1, 2)))
void igt_describe_f(const char *fmt, ...);
#define igt_describe(dsc) igt_describe_f("%s", dsc)

/* ---------------------------------------------------------------------
 * Logging
 * ---------------------------------------------------------------------
 */

/*
 * Observed routing: INFO goes to stdout as is; DEBUG goes to stdout as
 * "(prog:pid) DEBUG: ..." and only with --debug or IGT_LOG_LEVEL=debug;
 * WARN and CRITICAL go to stderr as "(prog:pid) WARNING: ..." and
 * "(prog:pid) CRITICAL: ...". A warning does not change the subtest's
 * result or the exit code. Every message, debug included, is also kept
 * in a ring buffer that is dumped to stderr when a subtest fails.
 */
enum igt_log_level {
	IGT_LOG_DEBUG,
	IGT_LOG_INFO,
	IGT_LOG_WARN,
	IGT_LOG_CRITICAL,
	IGT_LOG_NONE,
};

extern enum igt_log_level igt_log_level;

__attribute__((format(printf, 3, 4)))
void igt_log(const char *domain, enum igt_log_level level,
	     const char *format, ...);
__attribute__((format(printf, 3, 0)))
void igt_vlog(const char *domain, enum igt_log_level level,
	      const char *format, va_list args);

#define igt_debug(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_DEBUG, f)
#define igt_info(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_INFO, f)
#define igt_warn(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_WARN, f)
#define igt_critical(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_CRITICAL, f)

/* Logs a warning if @condition holds; evaluates to @condition. */
#define igt_warn_on(condition) ({ \
	typeof(condition) ret__ = (condition); \
	if (ret__) \
		igt_warn("Warning on condition %s in function %s, file %s:%i\n", \
			 #condition, __func__, __FILE__, __LINE__); \
	ret__; \
})

#define igt_warn_on_f(condition, f...) ({ \
	typeof(condition) ret__ = (condition); \
	if (ret__) { \
		igt_warn("Warning on condition %s in function %s, file %s:%i\n", \
			 #condition, __func__, __FILE__, __LINE__); \
		igt_warn(f); \
	} \
	ret__; \
})

/* ---------------------------------------------------------------------
 * Assertions (fail the subtest) and requirements (skip it)
 * ---------------------------------------------------------------------
 */

#define igt_assert(expr) \
	do { \
		if (!(expr)) \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
					  __func__, #expr, NULL); \
	} while (0)

#define igt_assert_f(expr, f...) \
	do { \
		if (!(expr)) \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
					  __func__, #expr, f); \
	} while (0)

#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, f...) igt_assert_f(!(expr), f)

/*
 * Comparisons print both values on failure. @ncmp is the negation of @cmp,
 * used only in the message. The operand types are IGT's: int, uint32_t,
 * int64_t and uint64_t.
 */
#define igt_assert_cmpint(n1, cmp, ncmp, n2) \
	do { \
		int __n1 = (n1), __n2 = (n2); \
		if (__n1 cmp __n2) \
			; \
		else \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
					  __func__, #n1 " " #cmp " " #n2, \
					  "error: %d " #ncmp " %d\n", \
					  __n1, __n2); \
	} while (0)

#define igt_assert_cmpuint(n1, cmp, ncmp, n2) \
	do { \
		uint32_t __n1 = (n1), __n2 = (n2); \
		if (__n1 cmp __n2) \
			; \
		else \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
					  __func__, #n1 " " #cmp " " #n2, \
					  "error: %#x " #ncmp " %#x\n", \
					  __n1, __n2); \
	} while (0)

#define igt_assert_cmps64(n1, cmp, ncmp, n2) \
	do { \
		int64_t __n1 = (n1), __n2 = (n2); \
		if (__n1 cmp __n2) \
			; \
		else \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
					  __func__, #n1 " " #cmp " " #n2, \
					  "error: %lld " #ncmp " %lld\n", \
					  (long long)__n1, (long long)__n2); \
	} while (0)

#define igt_assert_cmpu64(n1, cmp, ncmp, n2) \
	do { \
		uint64_t __n1 = (n1), __n2 = (n2); \
		if (__n1 cmp __n2) \
			; \
		else \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
					  __func__, #n1 " " #cmp " " #n2, \
					  "error: %#llx " #ncmp " %#llx\n", \
					  (unsigned long long)__n1, \
					  (unsigned long long)__n2); \
	} while (0)

#define igt_assert_eq(n1, n2) igt_assert_cmpint(n1, ==, !=, n2)
#define igt_assert_eq_u32(n1, n2) igt_assert_cmpuint(n1, ==, !=, n2)
#define igt_assert_eq_s64(n1, n2) igt_assert_cmps64(n1, ==, !=, n2)
#define igt_assert_eq_u64(n1, n2) igt_assert_cmpu64(n1, ==, !=, n2)
#define igt_assert_neq(n1, n2) igt_assert_cmpint(n1, !=, ==, n2)
#define igt_assert_neq_u32(n1, n2) igt_assert_cmpuint(n1, !=, ==, n2)
#define igt_assert_neq_u64(n1, n2) igt_assert_cmpu64(n1, !=, ==, n2)
#define igt_assert_lte(n1, n2) igt_assert_cmpint(n1, <=, >, n2)
#define igt_assert_lte_u32(n1, n2) igt_assert_cmpuint(n1, <=, >, n2)
#define igt_assert_lte_u64(n1, n2) igt_assert_cmpu64(n1, <=, >, n2)
#define igt_assert_lte_s64(n1, n2) igt_assert_cmps64(n1, <=, >, n2)
#define igt_assert_lt(n1, n2) igt_assert_cmpint(n1, <, >=, n2)
#define igt_assert_lt_u32(n1, n2) igt_assert_cmpuint(n1, <, >=, n2)
#define igt_assert_lt_u64(n1, n2) igt_assert_cmpu64(n1, <, >=, n2)
#define igt_assert_lt_s64(n1, n2) igt_assert_cmps64(n1, <, >=, n2)

#define igt_assert_fd(fd) \
	igt_assert_f(fd >= 0, "file descriptor " #fd " failed\n")

/*
 * Requirements skip the subtest (or, in a fixture, every later subtest)
 * when they do not hold, and log at debug level when they do.
 */
#define igt_require(expr) \
	do { \
		if (!(expr)) \
			igt_skip_check(#expr, NULL); \
		else \
			igt_debug("Test requirement passed: %s\n", #expr); \
	} while (0)

#define igt_require_f(expr, f...) \
	do { \
		if (!(expr)) \
			igt_skip_check(#expr, f); \
		else \
			igt_debug("Test requirement passed: %s\n", #expr); \
	} while (0)

#define igt_require_fd(fd) \
	igt_require_f(fd >= 0, "file descriptor " #fd " failed\n")

#define igt_skip_on(expr) \
	do { \
		if ((expr)) \
			igt_skip_check("!(" #expr ")", NULL); \
		else \
			igt_debug("Test requirement passed: !(%s)\n", #expr); \
	} while (0)

#define igt_skip_on_f(expr, f...) \
	do { \
		if ((expr)) \
			igt_skip_check("!(" #expr ")", f); \
		else \
			igt_debug("Test requirement passed: !(%s)\n", #expr); \
	} while (0)

/* ---------------------------------------------------------------------
 * Child processes
 * ---------------------------------------------------------------------
 */

/*
 * igt_fork: runs the block in @num_children forked children, @child being
 * each one's index. igt_waitchildren() joins them and fails the subtest
 * if any child failed. Skips are not forwarded from children.
 */
bool __igt_fork(void);
#define igt_fork(child, num_children) \
	for (int child = 0; child < (num_children); child++) \
		for (; __igt_fork(); exit(0))
void igt_waitchildren(void);

/*
 * Not declared on purpose: igt_waitchildren_timeout(). In 1.27.1, when
 * the time runs out it kills the children and fails the subtest, but the
 * test program later dies of SIGKILL itself, in igt_exit() (exit status
 * 137, seen with a probe), which a runner cannot tell from a crash. Tests
 * rely on the runner's time limit instead.
 */

/* ---------------------------------------------------------------------
 * Threads
 * ---------------------------------------------------------------------
 *
 * No declaration is needed, but the behaviour matters: an igt_assert()
 * (or igt_fail()) in a thread other than the main one does not end the
 * subtest there; 1.27 records the failure and ends the thread with
 * pthread_exit(). The subtest then fails when it ends ("Failure in a
 * thread!"), whatever the main thread did meanwhile. So a thread may use
 * the asserting helpers, as long as nothing waits for it forever.
 */

/* ---------------------------------------------------------------------
 * Time
 * ---------------------------------------------------------------------
 */

/*
 * Nanoseconds of CLOCK_MONOTONIC since *@start; a zeroed *@start is set to
 * now by the first call, which returns 0.
 */
uint64_t igt_nsec_elapsed(struct timespec *start);

static inline uint32_t igt_seconds_elapsed(struct timespec *start)
{
	return igt_nsec_elapsed(start) >> 30;
}

/* ---------------------------------------------------------------------
 * Ioctls (IGT's lib/ioctl_wrappers.h)
 * ---------------------------------------------------------------------
 */

/*
 * The ioctl entry point IGT's helpers use. It is libdrm's drmIoctl() by
 * default (restarts on EINTR and EAGAIN, returns -1 and sets errno);
 * IGT's signal-interruption helpers swap it.
 */
extern int (*igt_ioctl)(int fd, unsigned long request, void *arg);

/* Pointer <-> __u64 conversions for ioctl structures. */
static inline uint64_t to_user_pointer(const void *ptr)
{
	return (uintptr_t)ptr;
}

static inline void *from_user_pointer(uint64_t u64)
{
	return (void *)(uintptr_t)u64;
}

#define do_ioctl(fd, ioc, ioc_data) \
	do { \
		igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), 0); \
		errno = 0; \
	} while (0)

#define do_ioctl_err(fd, ioc, ioc_data, err) \
	do { \
		igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), -1); \
		igt_assert_eq(errno, err); \
		errno = 0; \
	} while (0)

#if defined(__cplusplus)
}
#endif

#endif /* SVMGPU_IGT_DECLS_H */
