// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_fault_inject - svmgpu's allocations fail, one at a time and at
 * random, on every main ioctl path.
 *
 * The kernel's fault injection (failslab and fail_page_alloc, with
 * CONFIG_FAULT_INJECTION_STACKTRACE_FILTER) is limited to svmgpu: both
 * attributes get require-start/require-end set to the address range of
 * svmgpu's text, read from /proc/kallsyms, so an allocation fails only when
 * an svmgpu function is on the stack. ignore-gfp-wait=N, and for
 * fail_page_alloc ignore-gfp-highmem=N and min-order=0, so that sleeping
 * and order-0 allocations may fail too. verbose=0: a failure prints
 * nothing.
 *
 * Two ways of failing them:
 *
 * - walk-* subtests use /proc/thread-self/fail-nth. For each call on a
 *   path (GEM_CREATE, mmap and the CPU faults of a fresh mapping,
 *   GEM_MIGRATE both ways, VM_CREATE, VM_BIND map/split/remap/unmap,
 *   QUEUE_CREATE, EXEC, the destroys, moves that evict under VRAM
 *   pressure, and OP_PREFETCH of SVM memory to VRAM and back), the test
 *   fails the 1st svmgpu allocation of the call, then the 2nd, and so on
 *   (every one of the first 48, then every 1.25th), until a run of the
 *   call completes without an injected failure. Only the test's own task
 *   is affected: fail-nth is per task.
 * - random runs a whole workload with task-filter=Y and
 *   /proc/thread-self/make-it-fail=1 (only this task fails), with
 *   probability/interval/times set to fail every Nth allocation for a few
 *   values of N, and at a low probability.
 *
 * A single failure on a VRAM path is often absorbed: GEM_CREATE and
 * GEM_MIGRATE to VRAM retry once on -ENOMEM, after an exclusive eviction;
 * the random subtest fails several allocations in one call.
 *
 * walk-svm-migrate prefetches 2 MiB + 64 KiB + 4 KiB of private anonymous
 * memory (a range of each size) to VRAM, then back to system memory,
 * twice. A migration to system memory allocates its destination pages,
 * 512 for the 2 MiB range, before the copy engine's job, whose failure
 * makes the CPU copy instead (debugfs bo_stats svm_copy_fallbacks); a
 * walk over all of them would run out of time first. So the first walk
 * back keeps those pages out of fail_page_alloc (ignore-gfp-highmem=Y:
 * they are GFP_HIGHUSER) and goes on past its time limit until the CPU
 * has copied at least once, and the second fails them too.
 *
 * Every call either succeeds or fails with -ENOMEM, -ENOSPC or -EAGAIN
 * (an OP_PREFETCH with -ENOMEM or -ENOSPC, as VM_BIND documents; -EINTR
 * and -ERESTARTSYS must not appear: no signal is ever sent). A CPU fault
 * must not raise SIGBUS. After each failed run, what the call was about
 * must still be consistent: a BO keeps its data wherever GEM_INFO says it
 * is, a job that was submitted signals its fence without error and wrote
 * what it had to, and every page of SVM memory is in system memory or in
 * VRAM (all where a prefetch that succeeded sent it, but that a prefetch
 * to VRAM that got no VRAM leaves memory where it is), holding what it
 * held for the GPU and then for the CPU. At the end of each subtest,
 * injection is off and the same file must still create, bind and run a
 * job that the CPU checks; once everything is closed, the file's fdinfo
 * totals are zero and debugfs "vram" is back to where it was, its "svm:"
 * line too once the VM that moved memory to VRAM is destroyed. The VM
 * harness then checks the kernel log (no splat, no unannounced svmgpu
 * error line), kmemleak and the module unload.
 *
 * SVMGPU_FI_VERBOSE=1 makes the kernel log each injected failure, =2 with
 * its stack; the VM harness fails the run on a stack in the log, so this
 * is for a run by hand.
 *
 * The fault-injection knobs are put back as they were (probability 0)
 * when a subtest ends, and also from an atexit() handler and on SIGTERM.
 * Without the debugfs knobs (a release kernel) every subtest skips.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu under fault injection: failslab and "
		     "fail_page_alloc limited to svmgpu's code fail each "
		     "allocation of every main ioctl path in turn, and at "
		     "random; every call succeeds or fails cleanly, and the "
		     "file still works afterwards.");

#define ALL	(DRM_SVMGPU_FEATURE_GEM | DRM_SVMGPU_FEATURE_VM | \
		 DRM_SVMGPU_FEATURE_EXEC | DRM_SVMGPU_FEATURE_GEM_MIGRATE)
#define VRAM	DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM	DRM_SVMGPU_GEM_PLACEMENT_SYSTEM
#define BOTH	SVMGPU_PLACEMENT_BOTH

#define PAGE		SZ_4K
#define BO_SIZE		(256ull << 10)
#define VICTIM_SIZE	(8ull << 20)
#define VA_BO		(1ull << 32)
#define VA_CMD		(2ull << 32)
#define VA_SRC		(3ull << 32)
#define VA_DST		(4ull << 32)
/* SVM memory: one range of each size of the mirror, 2 MiB-aligned. */
#define SVM_SIZE	(SZ_2M + SZ_64K + SZ_4K)

/* fail-nth: every one of the first WALK_DENSE, then sparser, up to this. */
#define WALK_DENSE	48
#define WALK_MAX_NTH	4000
/*
 * Time a walk, and a subtest, may inject for; runs after that go without
 * injection. Under TCG on a loaded 2-core machine, the whole program then
 * takes about a minute.
 */
#define WALK_SECONDS	3
#define SUBTEST_SECONDS	6
/* walk-svm-migrate: three walks of WALK_SECONDS. */
#define SVM_SECONDS	(3 * WALK_SECONDS)

#define FI_DEBUGFS	"/sys/kernel/debug"

/* --- The fault-injection knobs ------------------------------------------- */

static const char *const fi_attrs[] = { "failslab", "fail_page_alloc" };
#define FI_NATTRS	2

static const char *const fi_knobs[] = {
	"probability", "interval", "times", "space", "verbose",
	"task-filter", "stacktrace-depth", "require-start", "require-end",
	"reject-start", "reject-end", "ignore-gfp-wait",
	"ignore-gfp-highmem", "min-order",
};
#define FI_NKNOBS	(sizeof(fi_knobs) / sizeof(fi_knobs[0]))

static struct {
	bool valid;
	pid_t pid;
	bool have[FI_NATTRS][FI_NKNOBS];
	char value[FI_NATTRS][FI_NKNOBS][40];
} fi_saved;

static unsigned long mod_start, mod_end, leak_start, leak_end;
static int (*saved_igt_ioctl)(int fd, unsigned long request, void *arg);

static void fi_path(char *buf, size_t len, int attr, const char *knob)
{
	snprintf(buf, len, FI_DEBUGFS "/%s/%s", fi_attrs[attr], knob);
}

/* Write @value to a file: 0 or -errno. Async-signal-safe. */
static int write_small(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

static int fi_write(int attr, const char *knob, const char *value)
{
	char path[128];

	fi_path(path, sizeof(path), attr, knob);
	return write_small(path, value);
}

static void fi_set(int attr, const char *knob, const char *fmt, ...)
{
	char value[64];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	ret = fi_write(attr, knob, value);
	igt_assert_f(ret == 0, "%s/%s = %s: %s\n", fi_attrs[attr], knob, value,
		     strerror(-ret));
}

static int fi_get_int(int attr, const char *knob)
{
	char path[128], buf[40];
	int ret;

	fi_path(path, sizeof(path), attr, knob);
	ret = svmgpu_read_small(path, buf, sizeof(buf));
	igt_assert_f(ret == 0, "%s: %s\n", path, strerror(-ret));
	return atoi(buf);
}

/* This task's knobs: make-it-fail and fail-nth. */
static int self_write(const char *knob, const char *value);

/*
 * Stop every failure at once, before an assertion that may end the
 * subtest while failures are armed: what runs next must not fail.
 */
static void fi_stop(void)
{
	int a;

	self_write("fail-nth", "0");
	self_write("make-it-fail", "0");
	for (a = 0; a < FI_NATTRS; a++)
		fi_write(a, "probability", "0");
}

static int self_write(const char *knob, const char *value)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/thread-self/%s", knob);
	return write_small(path, value);
}

/*
 * Put every knob back as it was, probability (0) first and last, so that
 * no allocation fails in between. Safe in a signal handler and at exit.
 */
static void fi_restore(void)
{
	int a;
	unsigned int k;

	if (!fi_saved.valid || fi_saved.pid != getpid())
		return;
	self_write("fail-nth", "0");
	self_write("make-it-fail", "0");
	for (a = 0; a < FI_NATTRS; a++)
		fi_write(a, "probability", "0");
	for (a = 0; a < FI_NATTRS; a++)
		for (k = 1; k < FI_NKNOBS; k++)
			if (fi_saved.have[a][k])
				fi_write(a, fi_knobs[k], fi_saved.value[a][k]);
	for (a = 0; a < FI_NATTRS; a++)
		if (fi_saved.have[a][0])
			fi_write(a, "probability", fi_saved.value[a][0]);
	fi_saved.valid = false;
}

static void fi_restore_at_exit(void)
{
	fi_restore();
}

static void fi_restore_on_signal(int sig)
{
	fi_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * The address range of svmgpu's code, from its text symbols in
 * /proc/kallsyms (real addresses for root). The end is the last symbol
 * plus 64 KiB: a return address lies inside a function, after its start.
 */
static bool svmgpu_text_range(unsigned long *start, unsigned long *end)
{
	unsigned long lo = ~0ul, hi = 0;
	char *line = NULL;
	size_t len = 0;
	FILE *f;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return false;
	while (getline(&line, &len, f) > 0) {
		char type, name[256], mod[64];
		unsigned long addr;

		if (sscanf(line, "%lx %c %255s [%63[^]]]", &addr, &type, name,
			   mod) != 4)
			continue;
		if (strcmp(mod, SVMGPU_MODULE_NAME) ||
		    (type != 't' && type != 'T') || !addr)
			continue;
		if (addr < lo)
			lo = addr;
		if (addr > hi)
			hi = addr;
	}
	free(line);
	fclose(f);
	if (!hi)
		return false;
	*start = lo;
	*end = hi + (64ul << 10);
	return true;
}

/*
 * The address range of the kernel function @want, from /proc/kallsyms: its
 * address up to the next symbol's.
 */
static bool kernel_function_range(const char *want, unsigned long *start,
				  unsigned long *end)
{
	unsigned long addr = 0, next = ~0ul;
	char *line = NULL;
	size_t len = 0;
	int pass;
	FILE *f;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return false;
	for (pass = 0; pass < 2; pass++) {
		rewind(f);
		while (getline(&line, &len, f) > 0) {
			char type, name[256];
			unsigned long a;

			if (sscanf(line, "%lx %c %255s", &a, &type, name) != 3)
				continue;
			if (pass == 0 && !addr && !strcmp(name, want))
				addr = a;
			else if (pass == 1 && a > addr && a < next)
				next = a;
		}
		if (!addr)
			break;
	}
	free(line);
	fclose(f);
	if (!addr || next == ~0ul)
		return false;
	*start = addr;
	*end = next;
	return true;
}

/*
 * Save the knobs, and set them up: nothing fails yet (probability 0, no
 * fail-nth), only this task may fail (task-filter), only with svmgpu on
 * the stack, sleeping and order-0 allocations included, silently.
 */
static void fi_setup(void)
{
	static bool handlers_installed;
	const char *env = getenv("SVMGPU_FI_VERBOSE");
	int verbose = env ? atoi(env) : 0;
	char path[128], sect[64];
	unsigned int k;
	int a, ret;

	for (a = 0; a < FI_NATTRS; a++) {
		fi_path(path, sizeof(path), a, "require-start");
		igt_require_f(access(path, W_OK) == 0,
			      "no %s with a stack-trace filter in debugfs (a release kernel?)\n",
			      fi_attrs[a]);
	}
	igt_require_f(access("/proc/thread-self/fail-nth", W_OK) == 0 &&
		      access("/proc/thread-self/make-it-fail", W_OK) == 0,
		      "no /proc/thread-self/fail-nth or make-it-fail\n");
	igt_require_f(svmgpu_text_range(&mod_start, &mod_end),
		      "svmgpu's text is not in /proc/kallsyms\n");
	if (svmgpu_read_small("/sys/module/" SVMGPU_MODULE_NAME "/sections/.text",
		       sect, sizeof(sect)) == 0)
		igt_info("svmgpu .text section at %s\n", sect);
	igt_info("failing allocations with a return address in [%#lx, %#lx)\n",
		 mod_start, mod_end);

	if (!fi_saved.valid) {
		for (a = 0; a < FI_NATTRS; a++)
			for (k = 0; k < FI_NKNOBS; k++) {
				fi_path(path, sizeof(path), a, fi_knobs[k]);
				ret = svmgpu_read_small(path, fi_saved.value[a][k],
						 sizeof(fi_saved.value[a][k]));
				fi_saved.have[a][k] = ret == 0;
			}
		fi_saved.pid = getpid();
		fi_saved.valid = true;
		if (!handlers_installed) {
			atexit(fi_restore_at_exit);
			signal(SIGTERM, fi_restore_on_signal);
			signal(SIGINT, fi_restore_on_signal);
			handlers_installed = true;
		}
	}

	for (a = 0; a < FI_NATTRS; a++) {
		fi_set(a, "probability", "0");
		fi_set(a, "interval", "1");
		fi_set(a, "times", "-1");
		fi_set(a, "space", "0");
		fi_set(a, "verbose", "%d", verbose);
		fi_set(a, "task-filter", "Y");
		fi_set(a, "stacktrace-depth", "32");
		fi_set(a, "reject-start", "0");
		fi_set(a, "reject-end", "0");
		fi_set(a, "require-start", "%#lx", mod_start);
		fi_set(a, "require-end", "%#lx", mod_end);
		fi_set(a, "ignore-gfp-wait", "N");
	}
	fi_set(1, "ignore-gfp-highmem", "N");
	fi_set(1, "min-order", "0");
	/*
	 * kmemleak allocates its record of each svmgpu allocation with
	 * svmgpu on the stack, and falls back to a reserve pool when that
	 * fails: nothing a failure there could show. Keep it out, so that
	 * every failure injected is one of svmgpu's allocations.
	 */
	if (kernel_function_range("kmemleak_alloc", &leak_start, &leak_end)) {
		fi_set(0, "reject-start", "%#lx", leak_start);
		fi_set(0, "reject-end", "%#lx", leak_end);
		igt_info("failslab: not inside kmemleak_alloc [%#lx, %#lx)\n",
			 leak_start, leak_end);
	}
	igt_assert_eq(self_write("make-it-fail", "0"), 0);
	igt_assert_eq(self_write("fail-nth", "0"), 0);

	/*
	 * TTM reports the allocation failures we inject under it, with
	 * svmgpu on the stack, as out-of-memory conditions: a TT page
	 * array it cannot allocate, and an eviction whose move failed.
	 * Those lines are the expected outcome here; svmgpu's own error
	 * lines and every splat still fail the subtest.
	 */
	svmgpu_expect_kmsg("\\[TTM\\] (Failed allocating page table|"
			   "Failed to find memory space for buffer|"
			   "Buffer eviction failed)");
}

/* fail-nth: fail the @n-th svmgpu allocation of this task from now on. */
static void fi_nth_arm(unsigned int n)
{
	char value[16];

	snprintf(value, sizeof(value), "%u", n);
	igt_assert_eq(self_write("fail-nth", value), 0);
}

/* Disarm fail-nth; return whether it fired (counted down to 0). */
static bool fi_nth_disarm(void)
{
	char buf[16];
	int ret;

	ret = svmgpu_read_small("/proc/thread-self/fail-nth", buf, sizeof(buf));
	igt_assert_eq(self_write("fail-nth", "0"), 0);
	igt_assert_f(ret == 0, "reading fail-nth: %s\n", strerror(-ret));
	return atoi(buf) == 0;
}

/* Random mode: fail this task's svmgpu allocations, @times at most. */
static void fi_random_arm(unsigned int probability, unsigned int interval,
			  int times)
{
	int a;

	for (a = 0; a < FI_NATTRS; a++) {
		fi_set(a, "interval", "%u", interval);
		fi_set(a, "times", "%d", times);
	}
	for (a = 0; a < FI_NATTRS; a++)
		fi_set(a, "probability", "%u", probability);
	igt_assert_eq(self_write("make-it-fail", "1"), 0);
}

/* Stop random failures; return how many were injected (of @times). */
static int fi_random_disarm(int times)
{
	int a, injected = 0;

	igt_assert_eq(self_write("make-it-fail", "0"), 0);
	for (a = 0; a < FI_NATTRS; a++)
		fi_set(a, "probability", "0");
	for (a = 0; a < FI_NATTRS; a++)
		injected += times - fi_get_int(a, "times");
	return injected;
}

/* --- Calls under injection ------------------------------------------------ */

/* libdrm's drmIoctl restarts on EINTR and EAGAIN: here they must show. */
static int raw_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg);
}

static bool errno_allowed(int ret)
{
	return ret == -ENOMEM || ret == -ENOSPC || ret == -EAGAIN;
}

static const char *err_name(int ret)
{
	static char buf[64];

	switch (ret) {
	case -EFAULT:
		return "SIGBUS on a CPU access";
	case -EIO:
		return "data mismatch on a CPU access";
	case -512:
		return "-ERESTARTSYS reached user space";
	default:
		snprintf(buf, sizeof(buf), "%d (%s)", ret, strerror(-ret));
		return buf;
	}
}

static sigjmp_buf touch_jmp;
static volatile sig_atomic_t touching;

static void on_sigbus(int sig)
{
	if (touching)
		siglongjmp(touch_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Write @value to the first word of each page of @p, then read them back.
 * Return 0, -EFAULT on SIGBUS or -EIO if a word reads back wrong.
 */
static int touch_pages(volatile uint32_t *p, uint64_t size, uint32_t value)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	uint64_t off;
	int ret = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(touch_jmp, 1)) {
		ret = -EFAULT;
		goto out;
	}
	touching = 1;
	for (off = 0; off < size; off += PAGE)
		p[off / 4] = value;
	for (off = 0; off < size; off += PAGE) {
		if (p[off / 4] != value) {
			ret = -EIO;
			break;
		}
	}
out:
	touching = 0;
	sigaction(SIGBUS, &old, NULL);
	return ret;
}

/* --- The state the paths work on ------------------------------------------ */

/*
 * A VRAM-only BO of the eviction walk, bound alone in a VM of its own with
 * a queue, so that a job's working set is that BO and the command buffer.
 */
struct victim {
	struct svmgpu_buf buf;
	uint32_t vm;
	uint32_t queue;
	uint32_t seed;
	/* What the first word holds: the pattern, or what a job wrote. */
	uint32_t first;
};

struct fi_state {
	int fd;
	uint64_t vram_base;
	struct timespec start;
	/* Seconds the subtest may inject for: SUBTEST_SECONDS unless set. */
	unsigned int seconds;
	bool injecting;
	/* Set by walk() for check(): the run had an allocation failed. */
	bool hit;

	/* The BO of the bo-* and migrate paths. */
	uint32_t placement;
	uint32_t handle;
	uint64_t offset;
	uint32_t value;
	void *map;

	/* VM, queue and job. */
	uint32_t vm;
	uint32_t queue;
	uint32_t syncobj;
	uint32_t handle2;
	struct svmgpu_buf cmd, src, dst;
	struct svmgpu_cs cs;

	/* Eviction. */
	struct victim *victims;
	unsigned int nvictims;
	unsigned int pick;
	unsigned int evicted;

	/* SVM migration: a mirror, memory it moves, what that holds. */
	struct svmgpu_svm svm;
	struct svmgpu_region region;
	uint8_t *want;
	/* A buffer the GPU reads the memory into. */
	uint8_t *got;
	uint32_t seed;
	/* Runs with a failure, by where they left the memory (LOC_*). */
	unsigned int svm_locs[4];
	/* svm_copy_fallbacks when the walk started. */
	uint64_t svm_fallbacks;
};

/* What one walk goes through. */
struct path {
	const char *name;
	/* Without injection, before each run. */
	void (*prep)(struct fi_state *s);
	/* The call, under injection: 0 or a negative errno. */
	int (*run)(struct fi_state *s);
	/* Without injection: take back a run that succeeded, or NULL. */
	void (*undo)(struct fi_state *s);
	/* Without injection: check the state after a run that gave @ret. */
	void (*check)(struct fi_state *s, int ret);
	/*
	 * Or NULL. Without injection: whether the walk has not yet reached
	 * what it is for; it then goes on past the time limits.
	 */
	bool (*unreached)(struct fi_state *s);
};

static bool time_left(struct fi_state *s)
{
	return igt_seconds_elapsed(&s->start) < s->seconds;
}

static bool walk_time_left(struct fi_state *s, struct timespec *start)
{
	return time_left(s) && igt_seconds_elapsed(start) < WALK_SECONDS;
}

static bool walk_goes_on(struct fi_state *s, const struct path *p,
			 struct timespec *start)
{
	return (p->unreached && p->unreached(s)) || walk_time_left(s, start);
}

static unsigned int next_nth(unsigned int n)
{
	return n < WALK_DENSE ? n + 1 : n + n / 4;
}

/*
 * Run @p with its 1st, 2nd, ... svmgpu allocation failed, until a run
 * completes without an injected failure; that run must succeed, and what
 * it did is kept.
 */
static void walk(struct fi_state *s, const struct path *p)
{
	unsigned int n = 1, fired = 0, failed = 0, absorbed = 0;
	struct timespec start = { 0 };
	bool timed_out = false;
	int ret;

	igt_nsec_elapsed(&start);
	for (;;) {
		bool hit = false;

		if (p->prep)
			p->prep(s);
		if (n <= WALK_MAX_NTH && !timed_out &&
		    !(timed_out = !walk_goes_on(s, p, &start))) {
			igt_debug("%s: failing svmgpu allocation #%u\n",
				  p->name, n);
			fi_nth_arm(n);
			ret = p->run(s);
			hit = fi_nth_disarm();
		} else {
			ret = p->run(s);
		}
		s->hit = hit;
		if (!hit) {
			igt_assert_f(ret == 0,
				     "%s: failed with %s although no allocation was failed (after %u failed in turn)\n",
				     p->name, err_name(ret), fired);
			if (p->check)
				p->check(s, ret);
			break;
		}
		fired++;
		igt_assert_f(ret == 0 || errno_allowed(ret),
			     "%s: with its svmgpu allocation #%u failed: %s\n",
			     p->name, n, err_name(ret));
		if (p->check)
			p->check(s, ret);
		if (ret) {
			failed++;
		} else {
			absorbed++;
			if (p->undo)
				p->undo(s);
		}
		n = next_nth(n);
	}
	igt_info("%s: %u allocations failed in turn: %u calls failed cleanly, %u succeeded anyway%s\n",
		 p->name, fired, failed, absorbed,
		 timed_out ? " (time limit reached: not all were)" : "");
}

/* --- Subtest set-up and the final checks -------------------------------- */

static uint64_t vram_used(int fd)
{
	struct svmgpu_vram_info info;

	if (__svmgpu_vram_info_read(fd, &info))
		return 0;
	return info.used;
}

static void state_init(struct fi_state *s)
{
	memset(s, 0, sizeof(*s));
	/* A subtest that failed while injecting may have left it armed. */
	if (fi_saved.valid)
		fi_stop();
	s->fd = drm_open_svmgpu(0);
	svmgpu_require_features(s->fd, ALL);
	fi_setup();
	s->vram_base = vram_used(s->fd);
	s->seconds = SUBTEST_SECONDS;
	/* A zeroed start is set by the first igt_nsec_elapsed(). */
	igt_nsec_elapsed(&s->start);
}

/*
 * Injection is off: the same file must still create, bind and run a job
 * (FILL, then COPY) whose result the CPU checks.
 */
static void check_file_works(int fd)
{
	struct svmgpu_buf a, b;
	struct svmgpu_ctx ctx;
	struct svmgpu_cs cs;
	const uint32_t *w;
	unsigned int i;
	uint32_t q;

	svmgpu_ctx_init(&ctx, fd, SZ_64K);
	svmgpu_ctx_buf(&ctx, &a, SZ_64K, BOTH);
	svmgpu_ctx_buf(&ctx, &b, SZ_64K, SYSTEM);
	w = b.map;
	q = svmgpu_queue_create(fd, ctx.vm, 0);
	svmgpu_ctx_cs(&ctx, &cs, 256);
	svmgpu_cs_fill(&cs, svmgpu_buf_gpu(&a, 0), 0x5eed1e55, SZ_64K);
	svmgpu_cs_copy(&cs, svmgpu_buf_gpu(&a, 0), svmgpu_buf_gpu(&b, 0),
		       SZ_64K);
	svmgpu_cs_end(&cs);
	igt_assert_eq(svmgpu_run(fd, q, &cs), 0);
	for (i = 0; i < SZ_64K / 4; i++)
		igt_assert_f(w[i] == 0x5eed1e55,
			     "job after injection: word %u is %#x\n", i, w[i]);
	svmgpu_queue_destroy(fd, q);
	svmgpu_buf_destroy(&a);
	svmgpu_buf_destroy(&b);
	svmgpu_ctx_fini(&ctx);
}

/*
 * The end of every subtest: injection off, the file works, and once the
 * test closed everything it had, nothing is left: fdinfo totals are 0 and
 * VRAM use is back to where it was.
 */
static void state_fini(struct fi_state *s)
{
	uint64_t total = 0, used = 0;
	int fd, i, ret;

	fi_restore();
	check_file_works(s->fd);

	ret = svmgpu_fdinfo_total_bytes(s->fd, &total);
	for (i = 0; ret == 0 && total && i < 50; i++) {
		usleep(100000);
		ret = svmgpu_fdinfo_total_bytes(s->fd, &total);
	}
	if (ret != -ENOENT)
		igt_assert_f(ret == 0 && total == 0,
			     "fdinfo totals are %llu bytes once every BO is closed\n",
			     (unsigned long long)total);
	close(s->fd);

	/* Freed BOs may wait for their last fence before their VRAM goes. */
	fd = drm_open_svmgpu(0);
	if (svmgpu_has_vram_info(fd)) {
		for (i = 0; i < 100; i++) {
			used = vram_used(fd);
			if (used <= s->vram_base)
				break;
			usleep(100000);
		}
		igt_assert_f(used <= s->vram_base,
			     "VRAM use is %llu bytes, %llu before the subtest\n",
			     (unsigned long long)used,
			     (unsigned long long)s->vram_base);
	}
	close(fd);
}

/* --- BO create, mmap, CPU faults, close --------------------------------- */

static int run_create(struct fi_state *s)
{
	uint32_t h = 0;
	int ret;

	ret = __svmgpu_bo_create(s->fd, BO_SIZE, s->placement, 0, &h);
	if (!ret)
		s->handle = h;
	return ret;
}

static void undo_create(struct fi_state *s)
{
	igt_assert_eq(__svmgpu_gem_close(s->fd, s->handle), 0);
	s->handle = 0;
}

static void check_handle(struct fi_state *s, int ret)
{
	struct drm_svmgpu_gem_info info;

	if (ret)
		return;
	igt_assert_eq(__svmgpu_bo_info(s->fd, s->handle, &info), 0);
	igt_assert_eq_u64(info.size, BO_SIZE);
}

static int run_mmap_offset(struct fi_state *s)
{
	return __svmgpu_bo_mmap_offset(s->fd, s->handle, &s->offset);
}

/* A fresh mapping, every page written and read back by the CPU. */
static int run_touch(struct fi_state *s)
{
	void *p;
	int ret;

	p = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd,
		 s->offset);
	if (p == MAP_FAILED)
		return -errno;
	ret = touch_pages(p, BO_SIZE, ++s->value);
	munmap(p, BO_SIZE);
	return ret;
}

static int run_close(struct fi_state *s)
{
	return __svmgpu_gem_close(s->fd, s->handle);
}

static void undo_close(struct fi_state *s)
{
	igt_assert_eq(run_create(s), 0);
}

static void walk_bo(struct fi_state *s, uint32_t placement, const char *name)
{
	char n1[64], n2[64], n3[64], n4[64];
	const struct path create = {
		.name = n1, .run = run_create, .undo = undo_create,
		.check = check_handle,
	};
	const struct path offset = { .name = n2, .run = run_mmap_offset };
	const struct path touch = { .name = n3, .run = run_touch };
	const struct path close = {
		.name = n4, .run = run_close, .undo = undo_close,
	};

	snprintf(n1, sizeof(n1), "GEM_CREATE %s", name);
	snprintf(n2, sizeof(n2), "GEM_MMAP_OFFSET %s", name);
	snprintf(n3, sizeof(n3), "mmap and CPU faults %s", name);
	snprintf(n4, sizeof(n4), "GEM_CLOSE %s", name);
	s->placement = placement;
	walk(s, &create);
	walk(s, &offset);
	walk(s, &touch);
	walk(s, &close);
	s->handle = 0;
}

static void test_bo(void)
{
	struct fi_state s;

	state_init(&s);
	walk_bo(&s, SYSTEM, "system");
	walk_bo(&s, VRAM, "VRAM");
	walk_bo(&s, BOTH, "VRAM|system");
	state_fini(&s);
}

/* --- GEM_MIGRATE both ways ----------------------------------------------- */

static uint32_t migrate_to(struct fi_state *s)
{
	return s->placement;
}

static int run_migrate(struct fi_state *s)
{
	return __svmgpu_bo_migrate(s->fd, s->handle, migrate_to(s), 0);
}

static void undo_migrate(struct fi_state *s)
{
	uint32_t back = migrate_to(s) == VRAM ? SYSTEM : VRAM;

	igt_assert_eq(__svmgpu_bo_migrate(s->fd, s->handle, back, 0), 0);
}

/* Data intact wherever the BO is; there if the call succeeded. */
static void check_migrate(struct fi_state *s, int ret)
{
	uint64_t bad = svmgpu_check_pattern(s->map, BO_SIZE, 0x3163);

	igt_assert_f(bad == BO_SIZE,
		     "GEM_MIGRATE to %s (%s): data lost at byte %llu\n",
		     svmgpu_placement_name(migrate_to(s)), err_name(ret),
		     (unsigned long long)bad);
	if (!ret)
		igt_assert_eq_u32(svmgpu_bo_placement(s->fd, s->handle),
				  migrate_to(s));
}

static void test_migrate(void)
{
	const struct path to_sys = {
		.name = "GEM_MIGRATE VRAM->system", .run = run_migrate,
		.undo = undo_migrate, .check = check_migrate,
	};
	const struct path to_vram = {
		.name = "GEM_MIGRATE system->VRAM", .run = run_migrate,
		.undo = undo_migrate, .check = check_migrate,
	};
	struct fi_state s;

	state_init(&s);
	s.handle = svmgpu_bo_create(s.fd, BO_SIZE, BOTH, 0);
	s.map = svmgpu_bo_mmap(s.fd, s.handle, BO_SIZE,
			       PROT_READ | PROT_WRITE);
	svmgpu_fill_pattern(s.map, BO_SIZE, 0x3163);
	svmgpu_bo_migrate(s.fd, s.handle, VRAM);

	s.placement = SYSTEM;
	walk(&s, &to_sys);
	s.placement = VRAM;
	walk(&s, &to_vram);

	munmap(s.map, BO_SIZE);
	svmgpu_gem_close(s.fd, s.handle);
	state_fini(&s);
}

/* --- VM_CREATE, VM_BIND, VM_DESTROY -------------------------------------- */

#define BIND_SIZE	SZ_2M

static int run_vm_create(struct fi_state *s)
{
	uint32_t vm = 0;
	int ret = __svmgpu_vm_create(s->fd, 0, &vm);

	if (!ret)
		s->vm = vm;
	return ret;
}

static void undo_vm_create(struct fi_state *s)
{
	igt_assert_eq(__svmgpu_vm_destroy(s->fd, s->vm), 0);
	s->vm = 0;
}

static int run_map(struct fi_state *s)
{
	return __svmgpu_vm_map(s->fd, s->vm, s->handle, 0, VA_BO, BIND_SIZE,
			       0);
}

static void undo_map(struct fi_state *s)
{
	igt_assert_eq(__svmgpu_vm_unmap(s->fd, s->vm, VA_BO, BIND_SIZE), 0);
}

/* Unmap a 64 KiB hole in the middle: the mapping splits in two. */
static int run_split(struct fi_state *s)
{
	return __svmgpu_vm_unmap(s->fd, s->vm, VA_BO + SZ_1M, SZ_64K);
}

/* Replace 64 KiB in the middle by another BO, in one call: a remap. */
static int run_remap(struct fi_state *s)
{
	const struct drm_svmgpu_vm_bind_op ops[2] = {
		svmgpu_op_unmap(VA_BO + SZ_1M, SZ_64K),
		svmgpu_op_map(s->handle2, 0, VA_BO + SZ_1M, SZ_64K, 0),
	};

	return __svmgpu_vm_bind(s->fd, s->vm, ops, 2, NULL, 0);
}

static void undo_remap(struct fi_state *s)
{
	undo_map(s);
	igt_assert_eq(run_map(s), 0);
}

static int run_unmap(struct fi_state *s)
{
	return __svmgpu_vm_unmap(s->fd, s->vm, VA_BO, BIND_SIZE);
}

static void undo_unmap(struct fi_state *s)
{
	igt_assert_eq(run_map(s), 0);
}

static int run_vm_destroy(struct fi_state *s)
{
	return __svmgpu_vm_destroy(s->fd, s->vm);
}

static void undo_vm_destroy(struct fi_state *s)
{
	igt_assert_eq(run_vm_create(s), 0);
	igt_assert_eq(run_map(s), 0);
}

/* A job in the VM copies the whole mapping: every page is there. */
static void check_mapping(struct fi_state *s)
{
	struct svmgpu_buf cmd, dst;
	struct svmgpu_cs cs;
	const uint32_t *w;
	uint32_t q;
	uint64_t i;

	svmgpu_buf_create(&cmd, s->fd, SZ_64K, SYSTEM, 0);
	svmgpu_buf_bind(&cmd, s->vm, VA_CMD, 0);
	svmgpu_buf_create(&dst, s->fd, BIND_SIZE, SYSTEM, 0);
	svmgpu_buf_bind(&dst, s->vm, VA_DST, 0);
	q = svmgpu_queue_create(s->fd, s->vm, 0);
	svmgpu_cs_init(&cs, cmd.map, VA_CMD, SZ_64K);
	svmgpu_cs_copy(&cs, VA_BO, VA_DST, BIND_SIZE);
	svmgpu_cs_end(&cs);
	igt_assert_eq(svmgpu_run(s->fd, q, &cs), 0);
	w = dst.map;
	for (i = 0; i < BIND_SIZE / 4; i++)
		igt_assert_f(w[i] == svmgpu_pattern_word(i, 0xb1d),
			     "mapping after injection: word %llu is %#x\n",
			     (unsigned long long)i, w[i]);
	svmgpu_queue_destroy(s->fd, q);
	svmgpu_buf_destroy(&dst);
	svmgpu_buf_destroy(&cmd);
}

static void vm_bind_init(struct fi_state *s)
{
	void *map;

	state_init(s);
	s->handle = svmgpu_bo_create(s->fd, BIND_SIZE, BOTH, 0);
	map = svmgpu_bo_mmap(s->fd, s->handle, BIND_SIZE,
			     PROT_READ | PROT_WRITE);
	svmgpu_fill_pattern(map, BIND_SIZE, 0xb1d);
	munmap(map, BIND_SIZE);
	s->handle2 = svmgpu_bo_create(s->fd, SZ_64K, SYSTEM, 0);
}

static void vm_bind_fini(struct fi_state *s)
{
	svmgpu_gem_close(s->fd, s->handle2);
	svmgpu_gem_close(s->fd, s->handle);
	state_fini(s);
}

static void test_vm_bind(void)
{
	const struct path vm_create = {
		.name = "VM_CREATE", .run = run_vm_create,
		.undo = undo_vm_create,
	};
	const struct path map = {
		.name = "VM_BIND map 2 MiB", .run = run_map, .undo = undo_map,
	};
	const struct path unmap = {
		.name = "VM_BIND unmap 2 MiB", .run = run_unmap,
		.undo = undo_unmap,
	};
	const struct path vm_destroy = {
		.name = "VM_DESTROY with a mapping", .run = run_vm_destroy,
		.undo = undo_vm_destroy,
	};
	struct fi_state s;

	vm_bind_init(&s);
	walk(&s, &vm_create);
	walk(&s, &map);
	check_mapping(&s);
	walk(&s, &unmap);
	igt_assert_eq(run_map(&s), 0);
	walk(&s, &vm_destroy);
	s.vm = 0;
	vm_bind_fini(&s);
}

static void test_vm_bind_split(void)
{
	const struct path split = {
		.name = "VM_BIND unmap 64 KiB in the middle (split)",
		.run = run_split, .undo = undo_remap,
	};
	const struct path remap = {
		.name = "VM_BIND unmap and map 64 KiB in the middle (remap)",
		.run = run_remap, .undo = undo_remap,
	};
	struct fi_state s;

	vm_bind_init(&s);
	s.vm = svmgpu_vm_create(s.fd);
	igt_assert_eq(run_map(&s), 0);
	walk(&s, &split);
	undo_remap(&s);
	walk(&s, &remap);
	undo_remap(&s);
	check_mapping(&s);
	svmgpu_vm_destroy(s.fd, s.vm);
	s.vm = 0;
	vm_bind_fini(&s);
}

/* --- QUEUE_CREATE, EXEC, QUEUE_DESTROY ----------------------------------- */

#define JOB_SIZE	SZ_64K

static void exec_setup(struct fi_state *s)
{
	s->vm = svmgpu_vm_create(s->fd);
	svmgpu_buf_create(&s->cmd, s->fd, SZ_64K, SYSTEM, 0);
	svmgpu_buf_bind(&s->cmd, s->vm, VA_CMD, 0);
	svmgpu_buf_create(&s->src, s->fd, JOB_SIZE, BOTH, 0);
	svmgpu_buf_bind(&s->src, s->vm, VA_SRC, 0);
	svmgpu_buf_create(&s->dst, s->fd, JOB_SIZE, SYSTEM, 0);
	svmgpu_buf_bind(&s->dst, s->vm, VA_DST, 0);
	s->syncobj = svmgpu_syncobj_create(s->fd, 0);
}

static void exec_teardown(struct fi_state *s)
{
	svmgpu_syncobj_destroy(s->fd, s->syncobj);
	svmgpu_buf_destroy(&s->dst);
	svmgpu_buf_destroy(&s->src);
	svmgpu_buf_destroy(&s->cmd);
	svmgpu_vm_destroy(s->fd, s->vm);
	s->vm = 0;
}

static int run_queue_create(struct fi_state *s)
{
	uint32_t q = 0;
	int ret = __svmgpu_queue_create(s->fd, s->vm, 0,
					DRM_SVMGPU_QUEUE_PRIORITY_NORMAL, &q);

	if (!ret)
		s->queue = q;
	return ret;
}

static void undo_queue_create(struct fi_state *s)
{
	igt_assert_eq(__svmgpu_queue_destroy(s->fd, s->queue), 0);
	s->queue = 0;
}

/* FILL the source with a new value, then COPY it to the destination. */
static void prep_exec(struct fi_state *s)
{
	s->value++;
	svmgpu_cs_init(&s->cs, s->cmd.map, VA_CMD, SZ_64K);
	svmgpu_cs_fill(&s->cs, VA_SRC, s->value, JOB_SIZE);
	svmgpu_cs_copy(&s->cs, VA_SRC, VA_DST, JOB_SIZE);
	svmgpu_cs_end(&s->cs);
	igt_assert_eq(drmSyncobjReset(s->fd, &s->syncobj, 1), 0);
}

static int run_exec(struct fi_state *s)
{
	struct drm_svmgpu_sync out = svmgpu_sync_out(s->syncobj);

	return __svmgpu_exec(s->fd, s->queue, VA_CMD, svmgpu_cs_bytes(&s->cs),
			     &out, 1);
}

/* A submitted job signals without error, and did its work. */
static void check_exec(struct fi_state *s, int ret)
{
	const uint32_t *w = s->dst.map;
	unsigned int i;

	if (ret)
		return;
	ret = svmgpu_wait_job(s->fd, s->syncobj);
	igt_assert_f(ret == 0, "EXEC succeeded but its job failed: %s\n",
		     err_name(ret));
	for (i = 0; i < JOB_SIZE / 4; i++)
		igt_assert_f(w[i] == s->value, "job: word %u is %#x, not %#x\n",
			     i, w[i], s->value);
}

static int run_queue_destroy(struct fi_state *s)
{
	return __svmgpu_queue_destroy(s->fd, s->queue);
}

static void undo_queue_destroy(struct fi_state *s)
{
	igt_assert_eq(run_queue_create(s), 0);
}

static void test_exec(void)
{
	const struct path queue_create = {
		.name = "QUEUE_CREATE", .run = run_queue_create,
		.undo = undo_queue_create,
	};
	const struct path exec = {
		.name = "EXEC FILL+COPY", .prep = prep_exec, .run = run_exec,
		.check = check_exec,
	};
	const struct path queue_destroy = {
		.name = "QUEUE_DESTROY", .run = run_queue_destroy,
		.undo = undo_queue_destroy,
	};
	struct fi_state s;

	state_init(&s);
	exec_setup(&s);
	walk(&s, &queue_create);
	walk(&s, &exec);
	walk(&s, &queue_destroy);
	exec_teardown(&s);
	state_fini(&s);
}

/* --- Eviction: VRAM full of VRAM-only BOs -------------------------------- */

/* Pick a victim that is in system memory, evicted. */
static void prep_pick_evicted(struct fi_state *s)
{
	unsigned int i, j;

	for (j = 0; j < s->nvictims; j++) {
		i = (s->pick + j) % s->nvictims;
		if (svmgpu_bo_placement(s->fd, s->victims[i].buf.handle) ==
		    SYSTEM) {
			s->pick = i;
			return;
		}
	}
	igt_assert_f(false, "no VRAM-only BO is evicted: VRAM is not full\n");
}

static int run_migrate_victim(struct fi_state *s)
{
	return __svmgpu_bo_migrate(s->fd, s->victims[s->pick].buf.handle,
				   VRAM, 0);
}

/* The pattern is in the first and the last page: checking is cheap. */
static bool victim_word_patterned(uint64_t k)
{
	return k < PAGE / 4 || k >= (VICTIM_SIZE - PAGE) / 4;
}

static void fill_victim(struct victim *v)
{
	uint32_t *w = v->buf.map;
	uint64_t k;

	for (k = 0; k < VICTIM_SIZE / 4; k++) {
		if (!victim_word_patterned(k))
			k = (VICTIM_SIZE - PAGE) / 4;
		w[k] = svmgpu_pattern_word(k, v->seed);
	}
	v->first = w[0];
}

static void check_victim(struct fi_state *s, unsigned int i)
{
	struct victim *v = &s->victims[i];
	const uint32_t *w = v->buf.map;
	uint64_t k;

	igt_assert_f(w[0] == v->first, "BO %u: first word %#x, not %#x\n", i,
		     w[0], v->first);
	for (k = 1; k < VICTIM_SIZE / 4; k++) {
		if (!victim_word_patterned(k))
			k = (VICTIM_SIZE - PAGE) / 4;
		igt_assert_f(w[k] == svmgpu_pattern_word(k, v->seed),
			     "BO %u: data lost at byte %llu\n", i,
			     (unsigned long long)k * 4);
	}
	/* A middle page: zero, as the BO's creation cleared it. */
	igt_assert_f(w[VICTIM_SIZE / 8] == 0,
		     "BO %u: word at %llu is %#x, not 0\n", i,
		     (unsigned long long)VICTIM_SIZE / 2, w[VICTIM_SIZE / 8]);
}

/* The BO moved in if the call succeeded; its data is intact either way. */
static void check_migrate_victim(struct fi_state *s, int ret)
{
	if (!ret) {
		igt_assert_eq_u32(svmgpu_bo_placement(s->fd,
				  s->victims[s->pick].buf.handle), VRAM);
		s->evicted++;
	}
	check_victim(s, s->pick);
	s->pick++;
}

/* A job FILLs the first page of an evicted BO: EXEC brings it back. */
static void prep_exec_victim(struct fi_state *s)
{
	prep_pick_evicted(s);
	s->value++;
	svmgpu_cs_init(&s->cs, s->cmd.map, VA_CMD, SZ_64K);
	svmgpu_cs_fill(&s->cs, VA_BO, s->value, 4);
	svmgpu_cs_end(&s->cs);
	igt_assert_eq(drmSyncobjReset(s->fd, &s->syncobj, 1), 0);
}

static int run_exec_victim(struct fi_state *s)
{
	struct drm_svmgpu_sync out = svmgpu_sync_out(s->syncobj);

	return __svmgpu_exec(s->fd, s->victims[s->pick].queue, VA_CMD,
			     svmgpu_cs_bytes(&s->cs), &out, 1);
}

static void check_exec_victim(struct fi_state *s, int ret)
{
	if (!ret) {
		ret = svmgpu_wait_job(s->fd, s->syncobj);
		igt_assert_f(ret == 0,
			     "EXEC succeeded but its job failed: %s\n",
			     err_name(ret));
		s->victims[s->pick].first = s->value;
		s->evicted++;
	}
	check_victim(s, s->pick);
	s->pick++;
}

static void test_evict(void)
{
	const struct path migrate = {
		.name = "GEM_MIGRATE to VRAM, evicting", .prep = prep_pick_evicted,
		.run = run_migrate_victim, .check = check_migrate_victim,
	};
	const struct path exec = {
		.name = "EXEC of a job using an evicted BO, evicting",
		.prep = prep_exec_victim, .run = run_exec_victim,
		.check = check_exec_victim,
	};
	uint64_t bo_size;
	struct fi_state s;
	unsigned int i, rounds;

	state_init(&s);
	/* BOs may use all of VRAM that page tables do not. */
	bo_size = svmgpu_vram_size(s.fd);
	igt_require_f(bo_size >= 32 * SZ_1M && bo_size <= SZ_1M * 1024,
		      "VRAM: %llu MiB\n", (unsigned long long)(bo_size >> 20));

	svmgpu_buf_create(&s.cmd, s.fd, SZ_64K, SYSTEM, 0);
	s.syncobj = svmgpu_syncobj_create(s.fd, 0);

	/* Two BOs more than VRAM holds: at least two are always evicted. */
	s.nvictims = bo_size / VICTIM_SIZE + 2;
	s.victims = calloc(s.nvictims, sizeof(*s.victims));
	igt_assert(s.victims);
	for (i = 0; i < s.nvictims; i++) {
		struct victim *v = &s.victims[i];

		svmgpu_buf_create(&v->buf, s.fd, VICTIM_SIZE, VRAM, 0);
		v->vm = svmgpu_vm_create(s.fd);
		svmgpu_buf_bind(&v->buf, v->vm, VA_BO, 0);
		svmgpu_vm_map(s.fd, v->vm, s.cmd.handle, 0, VA_CMD, SZ_64K, 0);
		v->queue = svmgpu_queue_create(s.fd, v->vm, 0);
		v->seed = 0x7000 + i;
		fill_victim(v);
	}
	igt_info("%u VRAM-only BOs of %llu MiB, %llu MiB of VRAM for BOs\n",
		 s.nvictims, (unsigned long long)(VICTIM_SIZE >> 20),
		 (unsigned long long)(bo_size >> 20));

	rounds = 0;
	do {
		walk(&s, &migrate);
		walk(&s, &exec);
	} while (++rounds < 2 && time_left(&s));

	fi_restore();
	for (i = 0; i < s.nvictims; i++)
		check_victim(&s, i);
	igt_info("%u moves into full VRAM succeeded under injection or after it\n",
		 s.evicted);

	for (i = 0; i < s.nvictims; i++) {
		svmgpu_queue_destroy(s.fd, s.victims[i].queue);
		svmgpu_buf_destroy(&s.victims[i].buf);
		svmgpu_vm_destroy(s.fd, s.victims[i].vm);
	}
	free(s.victims);
	svmgpu_syncobj_destroy(s.fd, s.syncobj);
	svmgpu_buf_destroy(&s.cmd);
	state_fini(&s);
}

/* --- SVM migration: OP_PREFETCH to VRAM and back ------------------------- */

#define LOC_SYSTEM	DRM_SVMGPU_LOC_SYSTEM
#define LOC_DEVICE	DRM_SVMGPU_LOC_DEVICE
#define LOC_MIXED	DRM_SVMGPU_LOC_MIXED

static const char *svm_to(bool system)
{
	return system ? "system memory" : "VRAM";
}

/* The whole region is at @loc (a DRM_SVMGPU_LOC_*). */
static void svm_assert_loc(struct fi_state *s, uint32_t loc, const char *what)
{
	uint32_t got = svmgpu_svm_location(&s->svm, s->region.ptr, SVM_SIZE);

	igt_assert_f(got == loc, "%s: the memory is in %s, not in %s\n", what,
		     svmgpu_loc_name(got), svmgpu_loc_name(loc));
}

/*
 * Where the region's pages are, from VM_QUERY_ATTRS: each is in system
 * memory or in VRAM, never missing. Return the location of all of them,
 * DRM_SVMGPU_LOC_MIXED if they are in both.
 */
static uint32_t svm_where(struct fi_state *s, uint64_t *vram_pages)
{
	uint64_t base = svmgpu_ptr(s->region.ptr), vram = 0;
	struct drm_svmgpu_vm_attr *a;
	uint32_t n, i;

	n = svmgpu_svm_attrs(s->fd, s->svm.vm, base, SVM_SIZE, 0, 64, &a);
	for (i = 0; i < n; i++) {
		igt_assert_f(a[i].location == LOC_SYSTEM ||
			     a[i].location == LOC_DEVICE,
			     "[+%#llx, +%#llx) of the memory is %s\n",
			     (unsigned long long)(a[i].addr - base),
			     (unsigned long long)(a[i].addr - base + a[i].range),
			     svmgpu_loc_name(a[i].location));
		if (a[i].location == LOC_DEVICE)
			vram += a[i].range / SZ_4K;
	}
	free(a);
	*vram_pages = vram;
	if (!vram)
		return LOC_SYSTEM;
	return vram == SVM_SIZE / SZ_4K ? LOC_DEVICE : LOC_MIXED;
}

/* New data for the memory, different every time. */
static void svm_new_data(struct fi_state *s)
{
	svmgpu_fill_pattern(s->want, SVM_SIZE, ++s->seed);
}

static int svm_prefetch(struct fi_state *s, bool system)
{
	return __svmgpu_vm_prefetch(s->fd, s->svm.vm,
				    svmgpu_ptr(s->region.ptr), SVM_SIZE,
				    system ? DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM :
				    0);
}

/*
 * After an OP_PREFETCH to @system that gave @ret: an errno VM_BIND
 * documents for it, every page in a legal place (all where it was sent
 * if the call succeeded, but that a prefetch to VRAM that failed to get
 * VRAM maps memory where it is), and the data intact for the GPU, which
 * reads it where it is, then for the CPU, whose read moves it all back
 * to system memory.
 */
static void check_svm(struct fi_state *s, int ret, bool system)
{
	uint8_t *p = s->region.ptr;
	char what[128], where[160];
	uint64_t vram_pages;
	uint32_t loc;
	int job;

	snprintf(what, sizeof(what), "OP_PREFETCH to %s (%s)", svm_to(system),
		 err_name(ret));
	igt_assert_f(ret == 0 || ret == -ENOMEM || ret == -ENOSPC,
		     "%s: VM_BIND documents -ENOMEM and -ENOSPC only\n", what);
	loc = svm_where(s, &vram_pages);
	if (!ret && (system || !s->hit))
		igt_assert_f(loc == (system ? LOC_SYSTEM : LOC_DEVICE),
			     "%s: %llu of %llu pages in VRAM\n", what,
			     (unsigned long long)vram_pages,
			     (unsigned long long)(SVM_SIZE / SZ_4K));
	if (s->hit)
		s->svm_locs[loc]++;
	igt_debug("%s: %llu pages in VRAM\n", what,
		  (unsigned long long)vram_pages);

	memset(s->got, 0xa5, SVM_SIZE);
	job = svmgpu_svm_copy(&s->svm, p, s->got, SVM_SIZE);
	igt_assert_f(job == 0, "%s: a GPU read of the memory failed\n", what);
	snprintf(where, sizeof(where), "%s, GPU read", what);
	svmgpu_assert_bytes(s->got, s->want, SVM_SIZE, where);
	snprintf(where, sizeof(where), "%s, CPU read", what);
	svmgpu_assert_bytes(p, s->want, SVM_SIZE, where);
}

/* In system memory, with new data the CPU wrote. */
static void prep_svm_to_vram(struct fi_state *s)
{
	svm_new_data(s);
	memcpy(s->region.ptr, s->want, SVM_SIZE);
	svm_assert_loc(s, LOC_SYSTEM, "written by the CPU");
}

static int run_svm_to_vram(struct fi_state *s)
{
	return svm_prefetch(s, false);
}

static void check_svm_to_vram(struct fi_state *s, int ret)
{
	check_svm(s, ret, false);
}

/* Back to system memory, all of it. */
static void undo_svm_to_vram(struct fi_state *s)
{
	svmgpu_svm_prefetch(&s->svm, s->region.ptr, SVM_SIZE, true);
	svm_assert_loc(s, LOC_SYSTEM, "OP_PREFETCH back to system memory");
}

/*
 * In VRAM, with new data the GPU wrote there: the system pages it left
 * hold the old data, so a destination page that missed its copy shows.
 */
static void prep_svm_to_system(struct fi_state *s)
{
	svmgpu_svm_prefetch(&s->svm, s->region.ptr, SVM_SIZE, false);
	svm_assert_loc(s, LOC_DEVICE, "OP_PREFETCH to VRAM");
	svm_new_data(s);
	igt_assert_eq(svmgpu_svm_copy(&s->svm, s->want, s->region.ptr,
				      SVM_SIZE), 0);
	svm_assert_loc(s, LOC_DEVICE, "written by the GPU in VRAM");
}

static int run_svm_to_system(struct fi_state *s)
{
	return svm_prefetch(s, true);
}

static void check_svm_to_system(struct fi_state *s, int ret)
{
	check_svm(s, ret, true);
}

/* Back to VRAM, all of it. */
static void undo_svm_to_system(struct fi_state *s)
{
	svmgpu_svm_prefetch(&s->svm, s->region.ptr, SVM_SIZE, false);
	svm_assert_loc(s, LOC_DEVICE, "OP_PREFETCH back to VRAM");
}

static const char *const svm_ctr_names[] = { "svm_copy_fallbacks" };

/* The CPU has not had to redo a copy of the copy engine's yet. */
static bool svm_no_fallback(struct fi_state *s)
{
	return svmgpu_bo_stat(s->fd, svm_ctr_names[0]) == s->svm_fallbacks;
}

/*
 * walk() over @p, counting the copies the CPU redid for the copy engine
 * meanwhile, and where the runs that had an allocation failed left the
 * memory.
 */
static uint64_t walk_svm(struct fi_state *s, const struct path *p)
{
	struct svmgpu_ctrs c, d;

	memset(s->svm_locs, 0, sizeof(s->svm_locs));
	c = svmgpu_ctrs_now(s->fd, svm_ctr_names, ARRAY_SIZE(svm_ctr_names));
	s->svm_fallbacks = c.v[0];
	walk(s, p);
	d = svmgpu_ctrs_since(s->fd, &c);
	igt_info("%s: the failed runs left the memory in VRAM %u times, in system memory %u, in both %u; the CPU redid %llu copies\n",
		 p->name, s->svm_locs[LOC_DEVICE], s->svm_locs[LOC_SYSTEM],
		 s->svm_locs[LOC_MIXED], (unsigned long long)d.v[0]);
	return d.v[0];
}

static void test_svm_migrate(void)
{
	const struct path to_vram = {
		.name = "OP_PREFETCH system->VRAM", .prep = prep_svm_to_vram,
		.run = run_svm_to_vram, .undo = undo_svm_to_vram,
		.check = check_svm_to_vram,
	};
	const struct path to_system_kernel = {
		.name = "OP_PREFETCH VRAM->system, its destination pages never failed",
		.prep = prep_svm_to_system, .run = run_svm_to_system,
		.undo = undo_svm_to_system, .check = check_svm_to_system,
		.unreached = svm_no_fallback,
	};
	const struct path to_system = {
		.name = "OP_PREFETCH VRAM->system", .prep = prep_svm_to_system,
		.run = run_svm_to_system, .undo = undo_svm_to_system,
		.check = check_svm_to_system,
	};
	uint64_t base, fallbacks;
	struct fi_state s;

	state_init(&s);
	igt_require_f(svmgpu_has_svm_migrate(s.fd),
		      "svmgpu lacks DRM_SVMGPU_FEATURE_SVM_MIGRATE (uAPI 1.4)\n");
	igt_require_f(svmgpu_has_bo_stats(s.fd), "no debugfs bo_stats\n");
	igt_require_f(svmgpu_has_vram_info(s.fd), "no debugfs vram\n");
	s.seconds = SVM_SECONDS;
	base = svmgpu_svm_vram(s.fd);
	svmgpu_svm_init(&s.svm, s.fd, SZ_1M);
	svmgpu_region_map(&s.region, SVM_SIZE, SZ_2M, MAP_PRIVATE);
	s.want = malloc(SVM_SIZE);
	s.got = malloc(SVM_SIZE);
	igt_assert(s.want && s.got);

	walk_svm(&s, &to_vram);
	/*
	 * A migration to system memory allocates the destination pages, 512
	 * for the 2 MiB range, before its copy engine job: a walk failing
	 * each allocation in turn would run out of time before it reached
	 * the job, whose failure makes the CPU copy instead. So the first
	 * walk keeps the destination pages out (they are GFP_HIGHUSER,
	 * fail_page_alloc's ignore-gfp-highmem), and goes on until the CPU
	 * has copied once at least; the second fails them too.
	 */
	fi_set(1, "ignore-gfp-highmem", "Y");
	fallbacks = walk_svm(&s, &to_system_kernel);
	fi_set(1, "ignore-gfp-highmem", "N");
	igt_assert_f(fallbacks > 0,
		     "no failed copy engine job made the CPU copy to system memory (svm_copy_fallbacks did not grow)\n");
	walk_svm(&s, &to_system);

	/* Memory in VRAM when its VM ends goes back; so does the VRAM. */
	svmgpu_svm_prefetch(&s.svm, s.region.ptr, SVM_SIZE, false);
	svm_assert_loc(&s, LOC_DEVICE, "OP_PREFETCH to VRAM before VM_DESTROY");
	igt_assert_lte_u64(base + SVM_SIZE, svmgpu_svm_vram(s.fd));
	svmgpu_svm_fini(&s.svm);
	svmgpu_svm_vram_wait(s.fd, base);
	svmgpu_assert_bytes(s.region.ptr, s.want, SVM_SIZE,
			    "CPU read once the VM is destroyed");

	free(s.got);
	free(s.want);
	svmgpu_region_unmap(&s.region);
	state_fini(&s);
}

/* --- Random: a whole workload, failing every Nth allocation -------------- */

struct tally {
	unsigned int calls, failed;
};

/* Count a call of the workload; it must succeed or fail cleanly. */
static bool tally(struct tally *t, const char *what, int ret)
{
	t->calls++;
	if (ret && !errno_allowed(ret)) {
		fi_stop();
		igt_assert_f(false, "%s under random injection: %s\n", what,
			     err_name(ret));
	}
	if (ret)
		t->failed++;
	return ret == 0;
}

/*
 * One pass of the workload, every call under injection; a call that
 * fails skips what depends on it. What is left is closed afterwards,
 * without injection.
 */
static void workload(struct fi_state *s, struct tally *t)
{
	static const uint32_t placements[3] = { SYSTEM, VRAM, BOTH };
	uint32_t bo[3] = { 0 }, vm = 0, q = 0;
	uint64_t offset;
	bool cmd_bound = false, bo_bound = false;
	int i, ret;

	for (i = 0; i < 3; i++) {
		ret = __svmgpu_bo_create(s->fd, BO_SIZE, placements[i], 0,
					 &bo[i]);
		if (!tally(t, "GEM_CREATE", ret))
			bo[i] = 0;
	}
	for (i = 0; i < 3; i++) {
		void *p;

		if (!bo[i])
			continue;
		ret = __svmgpu_bo_mmap_offset(s->fd, bo[i], &offset);
		if (!tally(t, "GEM_MMAP_OFFSET", ret))
			continue;
		p = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 s->fd, offset);
		if (!tally(t, "mmap", p == MAP_FAILED ? -errno : 0))
			continue;
		tally(t, "CPU write and read", touch_pages(p, BO_SIZE, 0xc0de));
		munmap(p, BO_SIZE);
	}
	if (bo[2]) {
		tally(t, "GEM_MIGRATE to system",
		      __svmgpu_bo_migrate(s->fd, bo[2], SYSTEM, 0));
		tally(t, "GEM_MIGRATE to VRAM",
		      __svmgpu_bo_migrate(s->fd, bo[2], VRAM, 0));
	}

	if (!tally(t, "VM_CREATE", __svmgpu_vm_create(s->fd, 0, &vm)))
		goto close;
	cmd_bound = tally(t, "VM_BIND map",
			  __svmgpu_vm_map(s->fd, vm, s->cmd.handle, 0, VA_CMD,
					  SZ_64K, 0));
	if (bo[2]) {
		bo_bound = tally(t, "VM_BIND map",
				 __svmgpu_vm_map(s->fd, vm, bo[2], 0, VA_BO,
						 BO_SIZE, 0));
		if (bo_bound)
			tally(t, "VM_BIND split",
			      __svmgpu_vm_unmap(s->fd, vm, VA_BO + SZ_64K,
						SZ_64K));
	}
	if (bo[0])
		tally(t, "VM_BIND map",
		      __svmgpu_vm_map(s->fd, vm, bo[0], 0, VA_SRC, BO_SIZE,
				      0));
	if (!tally(t, "QUEUE_CREATE",
		   __svmgpu_queue_create(s->fd, vm, 0,
					 DRM_SVMGPU_QUEUE_PRIORITY_NORMAL,
					 &q)))
		q = 0;
	if (q && cmd_bound && bo_bound) {
		struct drm_svmgpu_sync out = svmgpu_sync_out(s->syncobj);

		svmgpu_cs_init(&s->cs, s->cmd.map, VA_CMD, SZ_64K);
		svmgpu_cs_fill(&s->cs, VA_BO, 0xf00d, SZ_64K);
		svmgpu_cs_end(&s->cs);
		igt_assert_eq(drmSyncobjReset(s->fd, &s->syncobj, 1), 0);
		ret = __svmgpu_exec(s->fd, q, VA_CMD, svmgpu_cs_bytes(&s->cs),
				    &out, 1);
		if (tally(t, "EXEC", ret)) {
			ret = svmgpu_wait_job(s->fd, s->syncobj);
			if (ret)
				fi_stop();
			igt_assert_f(ret == 0,
				     "EXEC succeeded under random injection but its job failed: %s\n",
				     err_name(ret));
		}
	}
	/* A destroy that failed is retried once the workload is over. */
	if (q && !tally(t, "QUEUE_DESTROY", __svmgpu_queue_destroy(s->fd, q)))
		s->queue = q;
	if (!tally(t, "VM_DESTROY", __svmgpu_vm_destroy(s->fd, vm)))
		s->vm = vm;
close:
	for (i = 0; i < 3; i++)
		if (bo[i] && !tally(t, "GEM_CLOSE",
				    __svmgpu_gem_close(s->fd, bo[i])))
			s->handle = bo[i];
}

/* Injection is off: what the workload could not destroy goes now. */
static void workload_leftovers(struct fi_state *s)
{
	if (s->queue)
		igt_assert_eq(__svmgpu_queue_destroy(s->fd, s->queue), 0);
	if (s->vm)
		igt_assert_eq(__svmgpu_vm_destroy(s->fd, s->vm), 0);
	if (s->handle)
		igt_assert_eq(__svmgpu_gem_close(s->fd, s->handle), 0);
	s->queue = s->vm = s->handle = 0;
}

static void test_random(void)
{
	static const struct { unsigned int probability, interval; int times; }
	modes[] = {
		{ 100, 1, 1 }, { 100, 2, 2 }, { 100, 3, 2 }, { 100, 5, 3 },
		{ 100, 7, 3 }, { 100, 11, 3 }, { 100, 13, 4 }, { 100, 17, 4 },
		{ 100, 23, 4 }, { 100, 31, 4 }, { 100, 47, 4 }, { 100, 64, 4 },
		{ 100, 97, 4 }, { 100, 128, 4 }, { 20, 1, 8 }, { 5, 1, 8 },
	};
	struct tally total = { 0 };
	struct fi_state s;
	unsigned int m, injected = 0;

	state_init(&s);
	svmgpu_buf_create(&s.cmd, s.fd, SZ_64K, SYSTEM, 0);
	s.syncobj = svmgpu_syncobj_create(s.fd, 0);

	for (m = 0; m < sizeof(modes) / sizeof(modes[0]) && time_left(&s);
	     m++) {
		struct tally t = { 0 };
		int n;

		fi_random_arm(modes[m].probability, modes[m].interval,
			      modes[m].times);
		workload(&s, &t);
		n = fi_random_disarm(modes[m].times);
		workload_leftovers(&s);
		igt_info("probability %u, interval %u, times %d: %d failures injected, %u of %u calls failed\n",
			 modes[m].probability, modes[m].interval,
			 modes[m].times, n, t.failed, t.calls);
		injected += n;
		total.calls += t.calls;
		total.failed += t.failed;
	}
	igt_info("random: %u failures injected, %u of %u calls failed cleanly\n",
		 injected, total.failed, total.calls);
	igt_assert_f(injected > 0, "no allocation was ever failed\n");

	svmgpu_syncobj_destroy(s.fd, s.syncobj);
	svmgpu_buf_destroy(&s.cmd);
	state_fini(&s);
}

igt_main
{
	igt_fixture {
		int fd = drm_open_svmgpu(0);

		/* What a walk printed last survives a process the kernel kills. */
		setvbuf(stdout, NULL, _IOLBF, 0);
		svmgpu_require_features(fd, ALL);
		close(fd);
		saved_igt_ioctl = igt_ioctl;
		igt_ioctl = raw_ioctl;
	}

	igt_describe("GEM_CREATE (system, VRAM, both), GEM_MMAP_OFFSET, the "
		     "CPU faults of a fresh mapping and GEM_CLOSE, with each "
		     "of their svmgpu allocations failed in turn.");
	igt_subtest("walk-bo")
		test_bo();

	igt_describe("GEM_MIGRATE VRAM->system and back, with each "
		     "allocation failed in turn; the data survives every "
		     "failed move.");
	igt_subtest("walk-migrate")
		test_migrate();

	igt_describe("VM_CREATE, VM_BIND map and unmap, and VM_DESTROY of a "
		     "VM with a mapping, with each allocation failed in turn; "
		     "a job then reads the whole mapping.");
	igt_subtest("walk-vm-bind")
		test_vm_bind();


	igt_describe("QUEUE_CREATE, EXEC of a FILL+COPY job and "
		     "QUEUE_DESTROY, with each allocation failed in turn; a "
		     "submitted job signals without error and did its work.");
	igt_subtest("walk-exec")
		test_exec();

	igt_describe("With VRAM full of VRAM-only BOs, GEM_MIGRATE to VRAM and "
		     "EXEC of a job using an evicted BO, both evicting, with "
		     "each allocation failed in turn; no BO loses data.");
	igt_subtest("walk-evict")
		test_evict();

	igt_describe("OP_PREFETCH of 2 MiB + 64 KiB + 4 KiB of private "
		     "anonymous memory to VRAM and back to system memory, "
		     "with each allocation failed in turn, the copy engine's "
		     "included: every call succeeds or fails cleanly, the "
		     "memory is where it may be, the GPU and the CPU read it "
		     "intact, and its VRAM is free once the VM is destroyed.");
	igt_subtest("walk-svm-migrate")
		test_svm_migrate();

	igt_describe("A workload over every path, failing every Nth svmgpu "
		     "allocation of this task for several N (task-filter, "
		     "make-it-fail, probability, interval, times).");
	igt_subtest("random")
		test_random();

	/*
	 * Last: on the driver this was written against, a failed kcalloc()
	 * in svmgpu_vm_unmap() oopses (a NULL "pieces" array freed entry by
	 * entry), which kills the process and leaves the VM's locks held.
	 */
	igt_describe("VM_BIND splitting a mapping (an unmap in its middle) "
		     "and remapping its middle (unmap and map in one call), "
		     "with each allocation failed in turn; a job then reads "
		     "the whole mapping.");
	igt_subtest("walk-vm-bind-split")
		test_vm_bind_split();

	igt_fixture {
		fi_restore();
		if (saved_igt_ioctl)
			igt_ioctl = saved_igt_ioctl;
	}
}
