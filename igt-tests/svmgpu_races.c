// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_races - races any render-node client can trigger, and ioctls
 * interrupted by signals.
 *
 * The race subtests run one operation against another many times, with
 * fresh objects each time, and check what each call returned:
 * - EXEC against QUEUE_DESTROY after VM_DESTROY: no call may block for
 *   good, and every fence an EXEC published must signal;
 * - EXEC against the QUEUE_DESTROY that drops a VM's last user: on the
 *   debug kernel, KASAN sees a job built from a freed VM;
 * - VM_CREATE and QUEUE_CREATE against destroys of the ids they are about
 *   to return (ids are the lowest free ones, so they are easy to guess).
 *
 * The signal-storm subtests block in an ioctl that waits, under a 1 kHz
 * SIGALRM whose handler is installed without SA_RESTART, and restart the
 * ioctl on EINTR and EAGAIN as libdrm's drmIoctl() does, but in the test
 * itself so that the restarts can be counted. Each ioctl must complete,
 * and its result must be right. vm-bind-restart is the VM_BIND of a MAP
 * and of the UNMAP of a mapping a running job uses, which must be
 * restartable.
 *
 * Threads that are not the one blocked in the ioctl block SIGALRM, so
 * that the storm hits the ioctl. The storm stops before any assertion:
 * no subtest leaves with the timer running.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"

IGT_TEST_DESCRIPTION("svmgpu races: EXEC against QUEUE_DESTROY and "
		     "VM_DESTROY, destroys of ids being created, and ioctls "
		     "that wait interrupted by a storm of signals.");

#define GEM	DRM_SVMGPU_FEATURE_GEM
#define VM	DRM_SVMGPU_FEATURE_VM
#define EXEC	DRM_SVMGPU_FEATURE_EXEC
#define MIGRATE	DRM_SVMGPU_FEATURE_GEM_MIGRATE
#define ALL	(GEM | VM | EXEC)
#define VRAM	DRM_SVMGPU_GEM_PLACEMENT_VRAM
#define SYSTEM	DRM_SVMGPU_GEM_PLACEMENT_SYSTEM
#define BOTH	SVMGPU_PLACEMENT_BOTH

#define NSEC_PER_MSEC	1000000ull
#define NSEC_PER_SEC	1000000000ull

/*
 * How long a destroy, or a job of the race subtests (a lone END), may
 * take before the test calls it hung. Generous for TCG and a debug
 * kernel; a hung call never returns at all.
 */
#define RACE_LIMIT_NS	(20 * NSEC_PER_SEC)

/* Where the race subtests map their command buffer. */
#define CS_VA		SVMGPU_CTX_VA_BASE

#define CMD_POOL	(64 * SZ_4K)

static int svmgpu_fd = -1;

/* --- Time ----------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);

	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* Sleeps @ms milliseconds, whatever signals arrive meanwhile. */
static void sleep_ms(unsigned int ms)
{
	uint64_t end = now_ns() + ms * NSEC_PER_MSEC;
	struct timespec ts = {
		.tv_sec = end / NSEC_PER_SEC,
		.tv_nsec = end % NSEC_PER_SEC,
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
		;
}

/* Polls *@flag until it is true, for at most @timeout_ns. */
static bool wait_flag(const bool *flag, uint64_t timeout_ns)
{
	uint64_t end = now_ns() + timeout_ns;

	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) {
		if (now_ns() > end)
			return false;
		usleep(500);
	}

	return true;
}

/* --- Threads -------------------------------------------------------------- */

/*
 * Starts a thread with SIGALRM blocked: an ITIMER_REAL signal goes to any
 * thread that does not block it, and it must go to the one in the ioctl.
 */
static void quiet_thread_create(pthread_t *thread, void *(*fn)(void *),
				void *arg)
{
	sigset_t alrm, old;
	int ret;

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	igt_assert_eq(pthread_sigmask(SIG_BLOCK, &alrm, &old), 0);
	ret = pthread_create(thread, NULL, fn, arg);
	igt_assert_eq(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
	igt_assert_eq(ret, 0);
}

/* Joins @thread within @timeout_ns; false if it is still running. */
static bool join_within(pthread_t thread, uint64_t timeout_ns)
{
	struct timespec ts;
	uint64_t end;

	/* pthread_timedjoin_np() takes a CLOCK_REALTIME deadline. */
	clock_gettime(CLOCK_REALTIME, &ts);
	end = ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec + timeout_ns;
	ts.tv_sec = end / NSEC_PER_SEC;
	ts.tv_nsec = end % NSEC_PER_SEC;

	return pthread_timedjoin_np(thread, NULL, &ts) == 0;
}

/* --- Small GPU helpers ----------------------------------------------------- */

/*
 * A system-memory BO holding one END at offset 0, for EXECs that only
 * need a job.
 */
static uint32_t end_bo_create(int fd)
{
	uint32_t handle = svmgpu_bo_create(fd, SZ_4K, SYSTEM, 0);
	uint32_t *map = svmgpu_bo_mmap(fd, handle, SZ_4K,
				       PROT_READ | PROT_WRITE);

	map[0] = DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_END, 0, 1);
	igt_assert_eq(munmap(map, SZ_4K), 0);

	return handle;
}

/* Asserts that a GPU read of @addr in @ctx's VM faults: nothing is there. */
static void assert_gpu_faults(struct svmgpu_ctx *ctx, uint64_t addr,
			      const struct svmgpu_buf *scratch)
{
	struct svmgpu_cs cs;
	int ret;

	svmgpu_ctx_cs(ctx, &cs, 64);
	svmgpu_cs_copy(&cs, addr, svmgpu_buf_gpu(scratch, 0), 4);
	svmgpu_cs_end(&cs);
	ret = svmgpu_ctx_run_new_queue(ctx, &cs);
	igt_assert_f(ret == -EFAULT,
		     "GPU read at %#llx: job status %d (%s), expected -EFAULT: "
		     "the mapping is still there\n", (unsigned long long)addr,
		     ret, strerror(-ret));
}

/* --- EXEC against QUEUE_DESTROY and VM_DESTROY ------------------------------ */

#define MAX_LANES	2
/* Jobs a lane may have in flight before it waits for the oldest. */
#define LANE_WINDOW	64

/*
 * A thread that submits a lone END to one queue until EXEC refuses.
 * Point n of @timeline is the fence of the n-th job EXEC accepted.
 */
struct lane {
	int fd;
	uint32_t queue;
	uint32_t timeline;
	/* A signalled binary syncobj every job waits for, or 0. */
	uint32_t in;
	const bool *stop;
	/* Out: jobs accepted. */
	uint64_t accepted;
	/* Out: the EXEC result that ended the lane, 0 if told to stop. */
	int last;
	/* Out: an unexpected EXEC or wait result, 0 if none. */
	int bad;
	/* Out: what @bad came from. */
	const char *bad_what;
	bool finished;
};

static void *lane_thread(void *arg)
{
	struct lane *l = arg;

	while (!__atomic_load_n(l->stop, __ATOMIC_ACQUIRE)) {
		struct drm_svmgpu_sync syncs[2];
		uint32_t n = 0;
		int ret;

		if (l->accepted >= LANE_WINDOW) {
			ret = svmgpu_syncobj_wait(l->fd, l->timeline,
						  l->accepted + 1 - LANE_WINDOW,
						  RACE_LIMIT_NS);
			if (ret) {
				l->bad = ret;
				l->bad_what = "waiting for an earlier job";
				break;
			}
		}

		syncs[n++] = svmgpu_sync_out_point(l->timeline,
						   l->accepted + 1);
		if (l->in)
			syncs[n++] = svmgpu_sync_in(l->in);
		ret = __svmgpu_exec(l->fd, l->queue, CS_VA, 4, syncs, n);
		if (ret == 0) {
			__atomic_store_n(&l->accepted, l->accepted + 1,
					 __ATOMIC_RELEASE);
			continue;
		}
		if (ret != -ENOENT && ret != -ECANCELED) {
			l->bad = ret;
			l->bad_what = "EXEC";
		}
		l->last = ret;
		break;
	}
	__atomic_store_n(&l->finished, true, __ATOMIC_RELEASE);

	return NULL;
}

/*
 * One round: a VM, queues on it, a lane per queue, and the destroys.
 * Allocated, and leaked if a destroy hangs: the thread stuck in it still
 * points here.
 */
struct race {
	int fd;
	uint32_t vm;
	uint32_t queues[MAX_LANES];
	unsigned int nqueues;
	/* VM_DESTROY is the destroyer's to do (else done before the lanes). */
	bool destroy_vm;
	/* Destroy the queues last to first. */
	bool reverse;
	bool stop;
	struct lane lanes[MAX_LANES];
	pthread_t lane_threads[MAX_LANES];
	/* Out: VM_DESTROY's and each QUEUE_DESTROY's result. */
	int vm_ret;
	int queue_ret[MAX_LANES];
	bool done;
};

static void *destroyer_thread(void *arg)
{
	struct race *r = arg;
	unsigned int i;

	if (r->destroy_vm)
		r->vm_ret = __svmgpu_vm_destroy(r->fd, r->vm);
	for (i = 0; i < r->nqueues; i++) {
		unsigned int q = r->reverse ? r->nqueues - 1 - i : i;

		r->queue_ret[q] = __svmgpu_queue_destroy(r->fd, r->queues[q]);
	}
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);

	return NULL;
}

/* Stops the lanes of @r and joins them; false if one does not finish. */
static bool race_stop_lanes(struct race *r)
{
	bool ok = true;
	unsigned int i;

	__atomic_store_n(&r->stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < r->nqueues; i++)
		ok &= join_within(r->lane_threads[i], RACE_LIMIT_NS);

	return ok;
}

/* Waits until every lane has @jobs jobs accepted or has finished. */
static bool race_wait_lanes(struct race *r, uint64_t jobs)
{
	uint64_t end = now_ns() + RACE_LIMIT_NS;
	unsigned int i;

	for (i = 0; i < r->nqueues; i++) {
		struct lane *l = &r->lanes[i];

		while (__atomic_load_n(&l->accepted, __ATOMIC_ACQUIRE) < jobs &&
		       !__atomic_load_n(&l->finished, __ATOMIC_ACQUIRE)) {
			if (now_ns() > end)
				return false;
			usleep(100);
		}
	}

	return true;
}

struct race_opts {
	/* Queues on the VM, one lane each. */
	unsigned int queues;
	/* VM_DESTROY before the lanes start: queues hold the VM's last users. */
	bool early_vm_destroy;
	/* Jobs wait for a signalled syncobj: EXEC takes longer to build. */
	bool in_sync;
	unsigned int max_rounds;
	uint64_t budget_ns;
};

/*
 * Lanes loop EXEC while another thread destroys their queues (after the
 * VM, or with the VM already destroyed). Every call must return, within
 * RACE_LIMIT_NS; EXEC gives 0, -ENOENT or -ECANCELED; every job accepted
 * signals its fence, within RACE_LIMIT_NS once its queue is gone.
 */
static void test_exec_vs_destroy(int fd, const struct race_opts *opts)
{
	uint64_t accepted = 0, start;
	uint32_t engines, end_bo, in = 0;
	unsigned int round, i, enoent = 0, ecanceled = 0;

	svmgpu_require_features(fd, ALL);
	engines = svmgpu_num_engines(fd);
	igt_assert(opts->queues <= MAX_LANES);

	end_bo = end_bo_create(fd);
	if (opts->in_sync)
		in = svmgpu_syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED);

	start = now_ns();
	for (round = 0; round < opts->max_rounds &&
	     now_ns() - start < opts->budget_ns; round++) {
		struct race *r = calloc(1, sizeof(*r));
		pthread_t destroyer;

		igt_assert(r);
		r->fd = fd;
		r->nqueues = opts->queues;
		r->destroy_vm = !opts->early_vm_destroy;
		r->reverse = round & 1;
		r->vm = svmgpu_vm_create(fd);
		svmgpu_vm_map(fd, r->vm, end_bo, 0, CS_VA, SZ_4K, 0);
		for (i = 0; i < r->nqueues; i++)
			r->queues[i] = svmgpu_queue_create(fd, r->vm,
							   (round + i) % engines);
		if (opts->early_vm_destroy)
			svmgpu_vm_destroy(fd, r->vm);

		for (i = 0; i < r->nqueues; i++) {
			r->lanes[i] = (struct lane) {
				.fd = fd,
				.queue = r->queues[i],
				.timeline = svmgpu_syncobj_create(fd, 0),
				.in = in,
				.stop = &r->stop,
			};
			quiet_thread_create(&r->lane_threads[i], lane_thread,
					    &r->lanes[i]);
		}

		/* Vary the moment: at once, or after a few jobs. */
		igt_assert_f(race_wait_lanes(r, round % 4),
			     "round %u: the lanes submit nothing\n", round);

		quiet_thread_create(&destroyer, destroyer_thread, r);
		if (!wait_flag(&r->done, RACE_LIMIT_NS)) {
			race_stop_lanes(r);
			pthread_detach(destroyer);
			igt_assert_f(false,
				     "round %u: %s did not return within %llu s "
				     "(EXEC racing it)\n", round,
				     r->destroy_vm ? "VM_DESTROY + QUEUE_DESTROY" :
						     "QUEUE_DESTROY",
				     RACE_LIMIT_NS / NSEC_PER_SEC);
		}
		igt_assert_eq(pthread_join(destroyer, NULL), 0);
		/* The lanes end by themselves: their queues are gone. */
		igt_assert_f(race_stop_lanes(r),
			     "round %u: an EXEC did not return\n", round);

		if (r->destroy_vm)
			igt_assert_f(r->vm_ret == 0, "round %u: VM_DESTROY: %s\n",
				     round, strerror(-r->vm_ret));
		for (i = 0; i < r->nqueues; i++) {
			struct lane *l = &r->lanes[i];
			int ret;

			igt_assert_f(r->queue_ret[i] == 0,
				     "round %u: QUEUE_DESTROY of queue %u: %s\n",
				     round, r->queues[i],
				     strerror(-r->queue_ret[i]));
			igt_assert_f(l->bad == 0,
				     "round %u, lane %u: %s: %d (%s)\n", round, i,
				     l->bad_what, l->bad, strerror(-l->bad));
			enoent += l->last == -ENOENT;
			ecanceled += l->last == -ECANCELED;
			accepted += l->accepted;

			/*
			 * Point n signals once every job up to n has: the
			 * last one covers them all.
			 */
			if (l->accepted) {
				ret = svmgpu_syncobj_wait(fd, l->timeline,
							  l->accepted,
							  RACE_LIMIT_NS);
				igt_assert_f(ret == 0,
					     "round %u, lane %u: the fences of "
					     "the %llu jobs EXEC accepted did "
					     "not all signal: %s\n", round, i,
					     (unsigned long long)l->accepted,
					     strerror(-ret));
			}
			svmgpu_syncobj_destroy(fd, l->timeline);
		}
		free(r);
	}

	igt_info("%u rounds, %llu jobs accepted; lanes ended by -ENOENT %u "
		 "times, by -ECANCELED %u times\n", round,
		 (unsigned long long)accepted, enoent, ecanceled);
	igt_assert_lt(0, (int)round);
	igt_assert_lt_u64(0, accepted);

	if (in)
		svmgpu_syncobj_destroy(fd, in);
	svmgpu_gem_close(fd, end_bo);
	svmgpu_assert_device_works(0);
}

/* --- Destroys of the ids being created ------------------------------------ */

/* Ids the racer destroys: the lowest free ids are handed out first. */
#define RACE_IDS	3
/* Threads that create, besides the racer. */
#define CREATORS	2
/* Ids above this cannot come from the creators' few live objects. */
#define MAX_PLAUSIBLE_ID	64

struct racer {
	int fd;
	bool stop;
	/* Out: how many destroys found an object. */
	uint64_t vms, queues, calls;
	/* Out: an unexpected result, 0 if none. */
	int bad;
	const char *bad_what;
	uint32_t bad_id;
};

static void *racer_thread(void *arg)
{
	struct racer *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE) && !r->bad) {
		uint32_t id;

		for (id = 1; id <= RACE_IDS; id++) {
			int ret = __svmgpu_vm_destroy(r->fd, id);

			if (ret == 0) {
				r->vms++;
			} else if (ret != -ENOENT) {
				r->bad = ret;
				r->bad_what = "VM_DESTROY";
				r->bad_id = id;
			}

			ret = __svmgpu_queue_destroy(r->fd, id);
			if (ret == 0) {
				r->queues++;
			} else if (ret != -ENOENT) {
				r->bad = ret;
				r->bad_what = "QUEUE_DESTROY";
				r->bad_id = id;
			}
			r->calls += 2;
		}
	}

	return NULL;
}

/* A creator thread, and what it saw; checked once every thread stopped. */
struct creator {
	int fd;
	uint32_t engines;
	uint32_t end_bo;
	/* Its own, for its jobs' fences. */
	uint32_t syncobj;
	/*
	 * Where it maps the END: its own address, as an id it binds in may
	 * have become another creator's VM meanwhile.
	 */
	uint64_t cs_va;
	uint64_t deadline_ns;
	unsigned int rounds;
	unsigned int queues, binds, jobs;
	int bad;
	const char *bad_what;
	uint32_t bad_id;
};

static bool creator_check(struct creator *c, int ret, bool enoent_ok,
			  const char *what, uint32_t id)
{
	if (ret == 0 || (enoent_ok && ret == -ENOENT))
		return true;

	c->bad = ret;
	c->bad_what = what;
	c->bad_id = id;
	return false;
}

static bool creator_id_check(struct creator *c, uint32_t id, const char *what)
{
	if (id >= 1 && id <= MAX_PLAUSIBLE_ID)
		return true;

	c->bad = -ERANGE;
	c->bad_what = what;
	c->bad_id = id;
	return false;
}

/*
 * One round of the creator: VMs (two every other round, so that ids
 * vary), a queue on the last, a mapping, sometimes a job, and its own
 * destroys. Every call that names an object the racer may have destroyed
 * gives 0 or -ENOENT. Returns false on an unexpected result.
 */
static bool creator_round(struct creator *c)
{
	const int fd = c->fd;
	const uint32_t end_bo = c->end_bo, syncobj = c->syncobj;
	uint32_t vms[2] = {}, queue = 0;
	unsigned int nvms = 1 + (c->rounds & 1), i;
	struct drm_svmgpu_vm_bind_op op;
	bool ok = true, mapped = false;
	int ret;

	for (i = 0; i < nvms && ok; i++) {
		ok = creator_check(c, __svmgpu_vm_create(fd, 0, &vms[i]), false,
				   "VM_CREATE", 0) &&
		     creator_id_check(c, vms[i], "VM_CREATE's id");
	}
	if (!ok)
		goto out;

	ret = __svmgpu_queue_create(fd, vms[nvms - 1], c->rounds % c->engines,
				    DRM_SVMGPU_QUEUE_PRIORITY_NORMAL, &queue);
	ok = creator_check(c, ret, true, "QUEUE_CREATE on a new VM",
			   vms[nvms - 1]);
	if (ok && ret == 0) {
		c->queues++;
		ok = creator_id_check(c, queue, "QUEUE_CREATE's id");
	} else {
		queue = 0;
	}
	if (!ok)
		goto out;

	op = svmgpu_op_map(end_bo, 0, c->cs_va, SZ_4K, 0);
	ret = __svmgpu_vm_bind(fd, vms[nvms - 1], &op, 1, NULL, 0);
	ok = creator_check(c, ret, true, "VM_BIND of a new VM", vms[nvms - 1]);
	mapped = ok && ret == 0;
	c->binds += mapped;

	/* A job, now and then: it runs or is refused, and signals. */
	if (ok && mapped && queue && c->rounds % 8 == 0) {
		struct drm_svmgpu_sync out = svmgpu_sync_out(syncobj);

		ret = __svmgpu_exec(fd, queue, c->cs_va, 4, &out, 1);
		if (ret == 0) {
			c->jobs++;
			ret = svmgpu_syncobj_wait(fd, syncobj, 0,
						  RACE_LIMIT_NS);
			ok = creator_check(c, ret, false, "a job's fence",
					   queue);
		} else if (ret != -ECANCELED) {
			ok = creator_check(c, ret, true, "EXEC", queue);
		}
	}

out:
	if (queue && ok)
		ok = creator_check(c, __svmgpu_queue_destroy(fd, queue), true,
				   "QUEUE_DESTROY", queue);
	for (i = 0; i < nvms && ok; i++)
		if (vms[i])
			ok = creator_check(c, __svmgpu_vm_destroy(fd, vms[i]),
					   true, "VM_DESTROY", vms[i]);
	c->rounds++;

	return ok;
}

static void *creator_thread(void *arg)
{
	struct creator *c = arg;

	while (c->rounds < 3000 && now_ns() < c->deadline_ns &&
	       creator_round(c))
		;

	return NULL;
}

/*
 * Two threads create VMs and queues while another destroys the ids they
 * will get. Every call gives 0 or -ENOENT, and an id a create returned
 * is plausible. The file stays usable, and closing it frees everything
 * (the harness checks kmemleak and that svmgpu unloads).
 */
static void test_destroy_before_publish(int fd)
{
	struct creator *creators;
	struct racer *racer;
	struct svmgpu_buf data;
	struct svmgpu_ctx ctx;
	struct svmgpu_cs cs;
	pthread_t racer_tid, creator_tids[CREATORS];
	uint32_t end_bo, queue;
	uint64_t deadline;
	unsigned int i;
	bool joined = true;
	int rfd;

	svmgpu_require_features(fd, ALL);

	/* A file of its own: the racer destroys whatever has its ids. */
	rfd = drm_open_svmgpu(0);
	end_bo = end_bo_create(rfd);

	/*
	 * Allocated, and leaked if a call hangs: its thread still points
	 * here. More threads than CPUs, so that a create is preempted now
	 * and then between publishing an object and returning its id.
	 */
	racer = calloc(1, sizeof(*racer));
	creators = calloc(CREATORS, sizeof(*creators));
	igt_assert(racer && creators);
	racer->fd = rfd;
	deadline = now_ns() + 12 * NSEC_PER_SEC;
	for (i = 0; i < CREATORS; i++)
		creators[i] = (struct creator) {
			.fd = rfd,
			.engines = svmgpu_num_engines(rfd),
			.end_bo = end_bo,
			.syncobj = svmgpu_syncobj_create(rfd, 0),
			.cs_va = CS_VA + i * SZ_2M,
			.deadline_ns = deadline,
		};

	quiet_thread_create(&racer_tid, racer_thread, racer);
	for (i = 0; i < CREATORS; i++)
		quiet_thread_create(&creator_tids[i], creator_thread,
				    &creators[i]);
	for (i = 0; i < CREATORS; i++)
		joined &= join_within(creator_tids[i],
				      12 * NSEC_PER_SEC + RACE_LIMIT_NS);
	__atomic_store_n(&racer->stop, true, __ATOMIC_RELEASE);
	joined &= join_within(racer_tid, RACE_LIMIT_NS);
	igt_assert_f(joined, "a create, destroy or job of the race did not "
		     "return\n");

	for (i = 0; i < CREATORS; i++) {
		struct creator *c = &creators[i];

		igt_info("creator %u: %u rounds: %u queues, %u binds, %u jobs\n",
			 i, c->rounds, c->queues, c->binds, c->jobs);
		igt_assert_f(c->bad == 0,
			     "creator %u, round %u: %s (id %u): %d (%s)\n", i,
			     c->rounds, c->bad_what, c->bad_id, c->bad,
			     strerror(-c->bad));
		svmgpu_syncobj_destroy(rfd, c->syncobj);
	}
	igt_info("the racer made %llu calls and destroyed %llu VMs and %llu "
		 "queues\n", (unsigned long long)racer->calls,
		 (unsigned long long)racer->vms,
		 (unsigned long long)racer->queues);
	igt_assert_f(racer->bad == 0, "racer: %s of id %u: %d (%s)\n",
		     racer->bad_what, racer->bad_id, racer->bad,
		     strerror(-racer->bad));
	igt_assert_f(racer->vms > 0,
		     "the racer never destroyed a VM: no race was run\n");
	free(creators);
	free(racer);

	/* The file still works. */
	svmgpu_ctx_init(&ctx, rfd, SZ_64K);
	svmgpu_ctx_buf(&ctx, &data, SZ_4K, SYSTEM);
	queue = svmgpu_queue_create(rfd, ctx.vm, 0);
	svmgpu_ctx_cs(&ctx, &cs, 64);
	svmgpu_cs_write32(&cs, svmgpu_buf_gpu(&data, 0), 0x1d5);
	svmgpu_cs_end(&cs);
	igt_assert_eq(svmgpu_run(rfd, queue, &cs), 0);
	igt_assert_eq_u32(*(volatile uint32_t *)data.map, 0x1d5);
	/* Leave objects for close() to free, as a client that exits does. */
	igt_assert_eq(munmap(data.map, data.size), 0);
	igt_assert_eq(munmap(ctx.cmd.map, ctx.cmd.size), 0);
	igt_assert_eq(close(rfd), 0);

	svmgpu_assert_device_works(0);
}

/* --- The signal storm ------------------------------------------------------ */

static unsigned long storm_alarms;

static void storm_handler(int sig)
{
	(void)sig;
	__atomic_add_fetch(&storm_alarms, 1, __ATOMIC_RELAXED);
}

/*
 * Installed once and never removed: a SIGALRM still pending when a storm
 * stops must not kill the test.
 */
static void storm_install(void)
{
	struct sigaction sa = { .sa_handler = storm_handler };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: ioctls return EINTR */
	igt_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);
}

static void storm_start(void)
{
	struct itimerval it = {
		.it_interval = { .tv_usec = 1000 },
		.it_value = { .tv_usec = 1000 },
	};

	storm_install();
	igt_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static void storm_stop(void)
{
	struct itimerval off = {};

	setitimer(ITIMER_REAL, &off, NULL);
}

/* The outcome of an ioctl restarted through a storm. */
struct storm_call {
	/* 0, or the first error other than EINTR and EAGAIN (negative). */
	int ret;
	/* Returns with EINTR or EAGAIN, each followed by a restart. */
	unsigned int restarts;
	/* Signals that arrived during the call. */
	unsigned long alarms;
	uint64_t ns;
};

/*
 * Issues an ioctl and restarts it on EINTR and EAGAIN, as drmIoctl()
 * does, for at most @limit_ns (then -ETIMEDOUT). Does not assert, as it
 * runs with the storm on.
 */
static struct storm_call storm_ioctl(int fd, unsigned long request,
				     void *arg, uint64_t limit_ns)
{
	unsigned long alarms = __atomic_load_n(&storm_alarms,
					       __ATOMIC_RELAXED);
	struct storm_call c = {};
	uint64_t start = now_ns();

	for (;;) {
		int err;

		if (ioctl(fd, request, arg) == 0) {
			c.ret = 0;
			break;
		}
		err = errno;
		if (err != EINTR && err != EAGAIN) {
			c.ret = -err;
			break;
		}
		c.restarts++;
		if (now_ns() - start > limit_ns) {
			c.ret = -ETIMEDOUT;
			break;
		}
	}
	errno = 0;
	c.ns = now_ns() - start;
	c.alarms = __atomic_load_n(&storm_alarms, __ATOMIC_RELAXED) - alarms;

	return c;
}

static void storm_report(const char *what, const struct storm_call *c)
{
	igt_info("%s: %s after %u restarts, %lu signals, %llu ms\n", what,
		 c->ret ? strerror(-c->ret) : "done", c->restarts, c->alarms,
		 (unsigned long long)c->ns / NSEC_PER_MSEC);
}

/* Asserts that @c succeeded, and that the storm hit it. */
static void assert_storm_call(const char *what, const struct storm_call *c)
{
	storm_report(what, c);
	igt_assert_f(c->ret == 0, "%s, restarted on EINTR/EAGAIN %u times: "
		     "%d (%s)\n", what, c->restarts, c->ret, strerror(-c->ret));
	igt_assert_f(c->alarms > 0,
		     "%s: no signal arrived while it ran: no storm\n", what);
}

/* Opens a gate after a delay; from a thread that blocks SIGALRM. */
struct opener {
	struct svmgpu_gate *gate;
	unsigned int delay_ms;
	/* Set just before the gate opens. */
	bool opened;
	pthread_t thread;
};

static void *opener_thread(void *arg)
{
	struct opener *o = arg;

	sleep_ms(o->delay_ms);
	__atomic_store_n(&o->opened, true, __ATOMIC_RELEASE);
	svmgpu_gate_open(o->gate);

	return NULL;
}

static void opener_start(struct opener *o, struct svmgpu_gate *gate,
			 unsigned int delay_ms)
{
	*o = (struct opener) { .gate = gate, .delay_ms = delay_ms };
	quiet_thread_create(&o->thread, opener_thread, o);
}

static bool opener_join(struct opener *o)
{
	igt_assert_eq(pthread_join(o->thread, NULL), 0);

	return __atomic_load_n(&o->opened, __ATOMIC_ACQUIRE);
}

/*
 * Submits on @queue a job that stops at @gate, then writes @value at GPU
 * address @addr; returns once it has reached the gate.
 */
static void submit_gated(struct svmgpu_ctx *ctx, uint32_t queue,
			 struct svmgpu_gate *gate, uint64_t addr,
			 uint32_t value, struct drm_svmgpu_sync out)
{
	struct svmgpu_cs cs;

	*gate->arrived = 0;
	*gate->open = 0;
	svmgpu_ctx_cs(ctx, &cs, 128);
	svmgpu_gate_emit(gate, &cs);
	svmgpu_cs_write32(&cs, addr, value);
	svmgpu_cs_end(&cs);
	svmgpu_exec(ctx->fd, queue, svmgpu_cs_addr(&cs), svmgpu_cs_bytes(&cs),
		    &out, 1);
	svmgpu_gate_wait_arrived(gate);
}

static uint64_t abs_deadline(uint64_t timeout_ns)
{
	return now_ns() + timeout_ns;
}

/*
 * DRM_IOCTL_SYNCOBJ_WAIT or _TIMELINE_WAIT, with WAIT_FOR_SUBMIT and an
 * absolute timeout, for the fence of a job held at a gate that a thread
 * opens later. The wait returns 0 after the gate opened, and the job
 * ran.
 */
static void test_storm_syncobj_wait(int fd, bool timeline)
{
	const uint64_t limit = svmgpu_job_wait_ns();
	const uint64_t point = 7;
	struct svmgpu_buf data;
	struct svmgpu_gate gate;
	struct svmgpu_ctx ctx;
	struct storm_call c;
	struct opener o;
	uint32_t queue, syncobj;
	bool opened;

	svmgpu_require_features(fd, ALL);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &data, SZ_4K, SYSTEM);
	svmgpu_gate_init(&gate, &ctx);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);
	syncobj = svmgpu_syncobj_create(fd, 0);

	submit_gated(&ctx, queue, &gate, svmgpu_buf_gpu(&data, 0), 0x5170,
		     timeline ? svmgpu_sync_out_point(syncobj, point) :
				svmgpu_sync_out(syncobj));
	opener_start(&o, &gate, svmgpu_hold_ms(300));

	if (timeline) {
		struct drm_syncobj_timeline_wait w = {
			.handles = to_user_pointer(&syncobj),
			.points = to_user_pointer(&point),
			.timeout_nsec = abs_deadline(limit),
			.count_handles = 1,
			.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
		};

		storm_start();
		c = storm_ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w, limit);
		storm_stop();
	} else {
		struct drm_syncobj_wait w = {
			.handles = to_user_pointer(&syncobj),
			.timeout_nsec = abs_deadline(limit),
			.count_handles = 1,
			.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
		};

		storm_start();
		c = storm_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w, limit);
		storm_stop();
	}
	opened = opener_join(&o);

	assert_storm_call(timeline ? "SYNCOBJ_TIMELINE_WAIT" : "SYNCOBJ_WAIT",
			  &c);
	igt_assert_f(opened, "the wait returned before the job could end\n");
	igt_assert(!svmgpu_syncobj_busy(fd, syncobj, timeline ? point : 0));
	igt_assert_eq_u32(*(volatile uint32_t *)data.map, 0x5170);
	if (!timeline)
		igt_assert_eq(svmgpu_syncobj_status(fd, syncobj), 1);
	igt_assert(!svmgpu_ctx_banned(&ctx, queue));

	svmgpu_syncobj_destroy(fd, syncobj);
	svmgpu_queue_destroy(fd, queue);
	svmgpu_gate_fini(&gate);
	svmgpu_buf_destroy(&data);
	svmgpu_ctx_fini(&ctx);
}

static int vm_bind_raw(int fd, uint32_t vm,
		       const struct drm_svmgpu_vm_bind_op *ops,
		       uint32_t num_ops, const struct drm_svmgpu_sync *syncs,
		       uint32_t num_syncs, struct storm_call *c)
{
	struct drm_svmgpu_vm_bind bind = {
		.vm_id = vm,
		.num_ops = num_ops,
		.ops = to_user_pointer(ops),
		.num_syncs = num_syncs,
		.syncs = to_user_pointer(syncs),
	};

	*c = storm_ioctl(fd, DRM_IOCTL_SVMGPU_VM_BIND, &bind,
			 svmgpu_job_wait_ns());

	return c->ret;
}

/*
 * VM_BIND of [MAP a new BO, UNMAP a mapping a running job uses], under
 * the storm: the UNMAP waits for the job, and the restarted ioctl must
 * not find the MAP already applied. Then the new mapping works, the old
 * one is gone, and the job's write landed.
 */
static void test_vm_bind_restart(int fd)
{
	const unsigned int hold_ms = svmgpu_hold_ms(150);
	unsigned int iter, restarts = 0, interrupted = 0;
	struct svmgpu_buf scratch;
	struct svmgpu_gate gate;
	struct svmgpu_ctx ctx;
	uint32_t queue, out;
	uint64_t start;

	svmgpu_require_features(fd, ALL);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &scratch, SZ_4K, SYSTEM);
	svmgpu_gate_init(&gate, &ctx);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);
	out = svmgpu_syncobj_create(fd, 0);

	start = now_ns();
	for (iter = 0; iter < 20 && (iter < 5 || now_ns() - start <
				    25 * NSEC_PER_SEC); iter++) {
		struct drm_svmgpu_vm_bind_op ops[2];
		struct svmgpu_buf busy, fresh;
		const uint32_t value = 0xb0b00000 | iter;
		struct storm_call c;
		struct opener o;
		uint64_t fresh_va;
		bool opened;
		int ret;

		svmgpu_ctx_buf(&ctx, &busy, SZ_64K, SYSTEM);
		svmgpu_buf_create(&fresh, fd, SZ_64K, BOTH, 0);
		fresh_va = svmgpu_ctx_va(&ctx, fresh.size);

		submit_gated(&ctx, queue, &gate, svmgpu_buf_gpu(&busy, 0), value,
			     svmgpu_sync_out(out));
		opener_start(&o, &gate, hold_ms);

		ops[0] = svmgpu_op_map(fresh.handle, 0, fresh_va, fresh.size, 0);
		ops[1] = svmgpu_op_unmap(busy.addr, busy.size);
		storm_start();
		vm_bind_raw(fd, ctx.vm, ops, 2, NULL, 0, &c);
		storm_stop();
		opened = opener_join(&o);

		restarts += c.restarts;
		interrupted += c.restarts > 0;
		igt_debug("iteration %u: %u restarts, %lu signals\n", iter,
			  c.restarts, c.alarms);
		igt_assert_f(c.ret == 0,
			     "iteration %u: VM_BIND [MAP, UNMAP of a busy "
			     "mapping] restarted %u times on EINTR/EAGAIN: %d "
			     "(%s)\n", iter, c.restarts, c.ret,
			     strerror(-c.ret));
		igt_assert_f(c.alarms > 0, "iteration %u: no storm\n", iter);
		igt_assert_f(opened, "iteration %u: the UNMAP did not wait for "
			     "the job that uses the mapping\n", iter);

		ret = svmgpu_wait_job(fd, out);
		igt_assert_f(ret == 0, "iteration %u: job: %s\n", iter,
			     strerror(-ret));
		igt_assert_eq_u32(*(volatile uint32_t *)busy.map, value);
		busy.vm = 0;	/* the bind unmapped it */
		fresh.vm = ctx.vm;
		fresh.addr = fresh_va;

		/* The new mapping is there, the old one is not. */
		igt_assert_eq(svmgpu_ctx_write32(&ctx, svmgpu_buf_gpu(&fresh, 16),
					  ~value), 0);
		igt_assert_eq_u32(((volatile uint32_t *)fresh.map)[4], ~value);
		assert_gpu_faults(&ctx, busy.addr, &scratch);

		svmgpu_buf_destroy(&fresh);
		svmgpu_buf_destroy(&busy);
	}
	igt_info("%u binds, %u of them interrupted, %u restarts in all\n",
		 iter, interrupted, restarts);

	svmgpu_syncobj_destroy(fd, out);
	svmgpu_queue_destroy(fd, queue);
	svmgpu_gate_fini(&gate);
	svmgpu_buf_destroy(&scratch);
	svmgpu_ctx_fini(&ctx);
}

/*
 * VM_BIND that waits for a busy VM: the UNMAP of a mapping a job held at
 * a gate writes. It returns after the job, which wrote, and the mapping
 * is gone.
 */
static void test_storm_vm_bind(int fd)
{
	struct drm_svmgpu_vm_bind_op op;
	struct svmgpu_buf busy, scratch;
	struct svmgpu_gate gate;
	struct svmgpu_ctx ctx;
	struct storm_call c;
	struct opener o;
	uint32_t queue, out;
	bool opened;

	svmgpu_require_features(fd, ALL);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &scratch, SZ_4K, SYSTEM);
	svmgpu_ctx_buf(&ctx, &busy, SZ_2M, BOTH);
	svmgpu_gate_init(&gate, &ctx);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);
	out = svmgpu_syncobj_create(fd, 0);

	submit_gated(&ctx, queue, &gate, svmgpu_buf_gpu(&busy, SZ_1M), 0xb1d,
		     svmgpu_sync_out(out));
	opener_start(&o, &gate, svmgpu_hold_ms(300));

	op = svmgpu_op_unmap(busy.addr, busy.size);
	storm_start();
	vm_bind_raw(fd, ctx.vm, &op, 1, NULL, 0, &c);
	storm_stop();
	opened = opener_join(&o);

	assert_storm_call("VM_BIND (UNMAP in a busy VM)", &c);
	igt_assert_f(opened, "the UNMAP did not wait for the VM's job\n");
	igt_assert_eq(svmgpu_wait_job(fd, out), 0);
	igt_assert_eq_u32(((volatile uint32_t *)busy.map)[SZ_1M / 4], 0xb1d);
	busy.vm = 0;
	assert_gpu_faults(&ctx, busy.addr + SZ_1M, &scratch);

	svmgpu_syncobj_destroy(fd, out);
	svmgpu_queue_destroy(fd, queue);
	svmgpu_gate_fini(&gate);
	svmgpu_buf_destroy(&busy);
	svmgpu_buf_destroy(&scratch);
	svmgpu_ctx_fini(&ctx);
}

/*
 * VM_BIND that waits for an in-sync: a MAP waits for the fence of a job
 * held at a gate in another VM (a timeline point). It returns after the
 * job, signals its out-sync, and the mapping works.
 */
static void test_storm_vm_bind_in_sync(int fd)
{
	struct drm_svmgpu_sync syncs[2];
	struct drm_svmgpu_vm_bind_op op;
	struct svmgpu_ctx blocker, target;
	struct svmgpu_buf done, fresh;
	struct svmgpu_gate gate;
	struct storm_call c;
	struct opener o;
	uint32_t queue, in, out;
	uint64_t va;
	bool opened;

	svmgpu_require_features(fd, ALL);

	svmgpu_ctx_init(&blocker, fd, CMD_POOL);
	svmgpu_ctx_init(&target, fd, CMD_POOL);
	svmgpu_ctx_buf(&blocker, &done, SZ_4K, SYSTEM);
	svmgpu_gate_init(&gate, &blocker);
	svmgpu_buf_create(&fresh, fd, SZ_64K, BOTH, 0);
	va = svmgpu_ctx_va(&target, fresh.size);
	queue = svmgpu_queue_create(fd, blocker.vm, 0);
	in = svmgpu_syncobj_create(fd, 0);
	out = svmgpu_syncobj_create(fd, 0);

	submit_gated(&blocker, queue, &gate, svmgpu_buf_gpu(&done, 0), 0x1a,
		     svmgpu_sync_out_point(in, 3));
	opener_start(&o, &gate, svmgpu_hold_ms(300));

	op = svmgpu_op_map(fresh.handle, 0, va, fresh.size, 0);
	syncs[0] = svmgpu_sync_in_point(in, 3);
	syncs[1] = svmgpu_sync_out(out);
	storm_start();
	vm_bind_raw(fd, target.vm, &op, 1, syncs, 2, &c);
	storm_stop();
	opened = opener_join(&o);

	assert_storm_call("VM_BIND (MAP after an in-sync)", &c);
	igt_assert_f(opened, "the bind did not wait for its in-sync\n");
	igt_assert(!svmgpu_syncobj_busy(fd, out, 0));
	igt_assert_eq_u32(*(volatile uint32_t *)done.map, 0x1a);
	fresh.vm = target.vm;
	fresh.addr = va;
	igt_assert_eq(svmgpu_ctx_write32(&target, va + 8, 0x2b), 0);
	igt_assert_eq_u32(((volatile uint32_t *)fresh.map)[2], 0x2b);

	svmgpu_syncobj_destroy(fd, in);
	svmgpu_syncobj_destroy(fd, out);
	svmgpu_queue_destroy(fd, queue);
	svmgpu_buf_destroy(&fresh);
	svmgpu_gate_fini(&gate);
	svmgpu_buf_destroy(&done);
	svmgpu_ctx_fini(&target);
	svmgpu_ctx_fini(&blocker);
}

static struct storm_call storm_migrate(int fd, uint32_t handle,
				       uint32_t placement)
{
	struct drm_svmgpu_gem_migrate m = {
		.handle = handle,
		.placement = placement,
	};
	uint64_t limit = svmgpu_job_wait_ns();
	struct storm_call c;

	storm_start();
	c = storm_ioctl(fd, DRM_IOCTL_SVMGPU_GEM_MIGRATE, &m, limit);
	storm_stop();

	return c;
}

/* Asserts that @buf holds pattern @seed but for word 0, which is @word0. */
static void assert_contents(const struct svmgpu_buf *buf, uint32_t seed,
			    uint32_t word0, const char *when)
{
	const volatile uint32_t *w = buf->map;
	uint64_t i;

	igt_assert_f(w[0] == word0, "%s: word 0 is %#x, expected %#x\n",
		     when, w[0], word0);
	for (i = 1; i < buf->size / 4; i++)
		igt_assert_f(w[i] == svmgpu_pattern_word(i, seed),
			     "%s: word at %#llx is %#x, expected %#x\n", when,
			     (unsigned long long)i * 4, w[i],
			     svmgpu_pattern_word(i, seed));
}

/*
 * GEM_MIGRATE of a BO that a job held at a gate writes: it waits for the
 * job, then moves the BO to system memory, under the storm. Then back to
 * VRAM, idle, under the storm too. Placement and contents are right.
 */
static void test_storm_gem_migrate(int fd)
{
	struct svmgpu_buf data;
	struct svmgpu_gate gate;
	struct svmgpu_ctx ctx;
	struct storm_call c;
	struct opener o;
	uint32_t queue, out;
	bool opened;

	svmgpu_require_features(fd, ALL | MIGRATE);

	svmgpu_ctx_init(&ctx, fd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &data, SZ_2M, BOTH);
	if (svmgpu_bo_placement(fd, data.handle) != VRAM)
		svmgpu_bo_migrate(fd, data.handle, VRAM);
	igt_assert_eq_u32(svmgpu_bo_placement(fd, data.handle), VRAM);
	svmgpu_fill_pattern(data.map, data.size, 0x51);
	svmgpu_gate_init(&gate, &ctx);
	queue = svmgpu_queue_create(fd, ctx.vm, 0);
	out = svmgpu_syncobj_create(fd, 0);

	submit_gated(&ctx, queue, &gate, svmgpu_buf_gpu(&data, 0), 0xf00d,
		     svmgpu_sync_out(out));
	opener_start(&o, &gate, svmgpu_hold_ms(300));
	c = storm_migrate(fd, data.handle, SYSTEM);
	opened = opener_join(&o);

	assert_storm_call("GEM_MIGRATE of a busy BO to system", &c);
	igt_assert_f(opened, "GEM_MIGRATE did not wait for the job\n");
	igt_assert_eq(svmgpu_wait_job(fd, out), 0);
	igt_assert_eq_u32(svmgpu_bo_placement(fd, data.handle), SYSTEM);
	assert_contents(&data, 0x51, 0xf00d, "in system memory");

	c = storm_migrate(fd, data.handle, VRAM);
	storm_report("GEM_MIGRATE of an idle BO to VRAM", &c);
	igt_assert_f(c.ret == 0, "GEM_MIGRATE to VRAM: %s\n",
		     strerror(-c.ret));
	igt_assert_eq_u32(svmgpu_bo_placement(fd, data.handle), VRAM);
	assert_contents(&data, 0x51, 0xf00d, "back in VRAM");

	svmgpu_syncobj_destroy(fd, out);
	svmgpu_queue_destroy(fd, queue);
	svmgpu_gate_fini(&gate);
	svmgpu_buf_destroy(&data);
	svmgpu_ctx_fini(&ctx);
}

#define EVICT_BO_SIZE	(16ull << 20)
#define EVICT_MAX_BOS	16
#define EVICT_ROUNDS	6

struct evict_vm {
	struct svmgpu_ctx ctx;
	struct svmgpu_buf bos[EVICT_MAX_BOS];
	uint32_t queue;
	/* Word 0 of each BO, and the rest of it. */
	uint32_t head[EVICT_MAX_BOS], body[EVICT_MAX_BOS];
};

/*
 * EXEC under eviction: two VMs with VRAM-only BOs, each VM's set 0.6 of
 * the VRAM BOs can use, so that each job evicts the other VM's BOs. Jobs
 * alternate between the VMs and are submitted under the storm, without
 * waiting for each other; each writes the first word of every BO of its
 * VM (the first job of a VM fills them whole). Every EXEC completes,
 * every job succeeds, and the CPU finds every value.
 */
static void test_storm_exec_evict(int fd)
{
	const uint64_t limit = svmgpu_job_wait_ns();
	uint32_t syncobjs[EVICT_ROUNDS];
	struct evict_vm *vms;
	unsigned int nbos, round, v, i, restarts = 0;
	unsigned long alarms = 0;
	uint64_t vram, evictions = 0;
	bool stats;
	struct {
		struct storm_call c;
		struct drm_svmgpu_exec exec;
		struct drm_svmgpu_sync out;
	} calls[EVICT_ROUNDS];

	svmgpu_require_features(fd, ALL | MIGRATE);
	vram = svmgpu_vram_bo_size(fd);
	igt_require_f(vram >= 64 * SZ_1M, "vram_bo_size %llu: too small\n",
		      (unsigned long long)vram);
	nbos = (vram * 6 / 10 + EVICT_BO_SIZE - 1) / EVICT_BO_SIZE;
	igt_require_f(nbos <= EVICT_MAX_BOS, "VRAM too large for %u BOs\n",
		      EVICT_MAX_BOS);
	stats = svmgpu_has_bo_stats(fd);
	if (stats)
		evictions = svmgpu_bo_stat(fd, "evictions");

	vms = calloc(2, sizeof(*vms));
	igt_assert(vms);
	for (v = 0; v < 2; v++) {
		svmgpu_ctx_init(&vms[v].ctx, fd, CMD_POOL);
		vms[v].queue = svmgpu_queue_create(fd, vms[v].ctx.vm,
						   v % svmgpu_num_engines(fd));
		for (i = 0; i < nbos; i++) {
			svmgpu_ctx_buf(&vms[v].ctx, &vms[v].bos[i],
				       EVICT_BO_SIZE, VRAM);
			vms[v].body[i] = 0xe0000000 | v << 16 | i;
		}
	}

	/* Build every job first: nothing may assert during the storm. */
	for (round = 0; round < EVICT_ROUNDS; round++) {
		struct evict_vm *e = &vms[round % 2];
		struct svmgpu_cs cs;

		svmgpu_ctx_cs(&e->ctx, &cs, 2 * nbos * 28 + 64);
		for (i = 0; i < nbos; i++) {
			uint64_t addr = svmgpu_buf_gpu(&e->bos[i], 0);

			if (round < 2)
				svmgpu_cs_fill(&cs, addr, e->body[i],
					       EVICT_BO_SIZE);
			e->head[i] = 0xa0000000 | round << 16 | i;
			svmgpu_cs_fill(&cs, addr, e->head[i], 4);
		}
		svmgpu_cs_end(&cs);

		syncobjs[round] = svmgpu_syncobj_create(fd, 0);
		calls[round].out = svmgpu_sync_out(syncobjs[round]);
		calls[round].exec = (struct drm_svmgpu_exec) {
			.queue_id = e->queue,
			.num_syncs = 1,
			.syncs = to_user_pointer(&calls[round].out),
			.address = svmgpu_cs_addr(&cs),
			.length = svmgpu_cs_bytes(&cs),
		};
	}

	storm_start();
	for (round = 0; round < EVICT_ROUNDS; round++) {
		calls[round].c = storm_ioctl(fd, DRM_IOCTL_SVMGPU_EXEC,
					     &calls[round].exec, limit);
		if (calls[round].c.ret)
			break;
	}
	storm_stop();

	for (round = 0; round < EVICT_ROUNDS; round++) {
		struct storm_call *c = &calls[round].c;

		igt_debug("EXEC %u: %u restarts, %lu signals, %llu ms\n",
			  round, c->restarts, c->alarms,
			  (unsigned long long)c->ns / NSEC_PER_MSEC);
		igt_assert_f(c->ret == 0, "EXEC %u under eviction, restarted "
			     "%u times: %d (%s)\n", round, c->restarts, c->ret,
			     strerror(-c->ret));
		restarts += c->restarts;
		alarms += c->alarms;
	}
	igt_info("%u EXECs of %u x %llu MiB VRAM-only BOs per VM: %u "
		 "restarts, %lu signals\n", EVICT_ROUNDS, nbos,
		 (unsigned long long)(EVICT_BO_SIZE >> 20), restarts, alarms);
	igt_assert_f(alarms > 0, "no signal arrived during the EXECs\n");

	for (round = 0; round < EVICT_ROUNDS; round++) {
		int ret = svmgpu_wait_job(fd, syncobjs[round]);

		igt_assert_f(ret == 0, "job %u: %s\n", round, strerror(-ret));
		svmgpu_syncobj_destroy(fd, syncobjs[round]);
	}
	if (stats) {
		uint64_t now = svmgpu_bo_stat(fd, "evictions");

		igt_info("%llu evictions\n",
			 (unsigned long long)(now - evictions));
		igt_assert_f(now > evictions,
			     "no BO was evicted: no EXEC ran under eviction\n");
	}

	for (v = 0; v < 2; v++)
		for (i = 0; i < nbos; i++) {
			const struct svmgpu_buf *b = &vms[v].bos[i];
			const volatile uint32_t *w = b->map;
			uint64_t last = EVICT_BO_SIZE / 4 - 1;

			igt_assert_f(w[0] == vms[v].head[i],
				     "VM %u BO %u: word 0 is %#x, expected "
				     "%#x\n", v, i, w[0], vms[v].head[i]);
			igt_assert_f(w[1] == vms[v].body[i] &&
				     w[last / 2] == vms[v].body[i] &&
				     w[last] == vms[v].body[i],
				     "VM %u BO %u: %#x %#x %#x, expected %#x\n",
				     v, i, w[1], w[last / 2], w[last],
				     vms[v].body[i]);
		}

	for (v = 0; v < 2; v++) {
		svmgpu_queue_destroy(fd, vms[v].queue);
		for (i = 0; i < nbos; i++)
			svmgpu_buf_destroy(&vms[v].bos[i]);
		svmgpu_ctx_fini(&vms[v].ctx);
	}
	free(vms);
}

#define CLOSE_HELD_JOBS	4

/*
 * close() of a file whose jobs are held at a gate on two queues, under
 * the storm. Nothing of the file stays mapped, so close() releases it:
 * it returns (0, or EINTR with the file closed all the same) within the
 * job timeout, every fence of the file's jobs, kept as sync_files,
 * signals, and the device works afterwards.
 */
static void test_storm_close_busy(int fd)
{
	int sync_fds[2 * CLOSE_HELD_JOBS];
	struct svmgpu_buf data;
	struct svmgpu_gate gate;
	struct svmgpu_ctx ctx;
	uint64_t start, ns;
	unsigned long alarms;
	uint32_t queues[2];
	unsigned int i, e, n = 0;
	int cfd, ret, err;

	svmgpu_require_features(fd, ALL);

	cfd = drm_open_svmgpu(0);
	svmgpu_ctx_init(&ctx, cfd, CMD_POOL);
	svmgpu_ctx_buf(&ctx, &data, SZ_64K, BOTH);
	svmgpu_gate_init(&gate, &ctx);
	for (e = 0; e < 2; e++)
		queues[e] = svmgpu_queue_create(cfd, ctx.vm,
						e % svmgpu_num_engines(cfd));
	for (i = 0; i < CLOSE_HELD_JOBS; i++)
		for (e = 0; e < 2; e++) {
			uint32_t syncobj = svmgpu_syncobj_create(cfd, 0);
			struct svmgpu_cs cs;

			svmgpu_ctx_cs(&ctx, &cs, 128);
			if (i == 0)
				svmgpu_gate_emit(&gate, &cs);
			svmgpu_cs_atomic(&cs, DRM_SVMGPU_ATOMIC_INC,
					 svmgpu_buf_gpu(&data, 4 * e), 0, 0, 0);
			svmgpu_cs_end(&cs);
			svmgpu_submit(cfd, queues[e], &cs, syncobj);
			igt_assert_eq(drmSyncobjExportSyncFile(cfd, syncobj,
							       &sync_fds[n]),
				      0);
			n++;
		}
	svmgpu_gate_wait_arrived(&gate);

	/* Drop every CPU mapping: each would keep the file open. */
	svmgpu_gate_forget(&gate);
	igt_assert_eq(munmap(data.map, data.size), 0);
	igt_assert_eq(munmap(gate.buf.map, gate.buf.size), 0);
	igt_assert_eq(munmap(ctx.cmd.map, ctx.cmd.size), 0);

	alarms = __atomic_load_n(&storm_alarms, __ATOMIC_RELAXED);
	start = now_ns();
	storm_start();
	/* Let the storm start: close() may take less than one period. */
	sleep_ms(20);
	ret = close(cfd);
	err = errno;
	storm_stop();
	ns = now_ns() - start;
	alarms = __atomic_load_n(&storm_alarms, __ATOMIC_RELAXED) - alarms;

	igt_info("close() of a busy file: %d (%s) after %llu ms, %lu signals\n",
		 ret, ret ? strerror(err) : "ok",
		 (unsigned long long)ns / NSEC_PER_MSEC, alarms);
	igt_assert_f(ret == 0 || err == EINTR, "close(): %s\n", strerror(err));
	igt_assert_f(fcntl(cfd, F_GETFD) == -1 && errno == EBADF,
		     "the file is still open after close()\n");
	errno = 0;
	igt_assert_lt_u64(ns, svmgpu_job_wait_ns());
	igt_assert(alarms > 0);

	/* Every fence of the file's jobs signals, with an error or not. */
	for (i = 0; i < n; i++) {
		struct pollfd pfd = { .fd = sync_fds[i], .events = POLLIN };
		struct sync_file_info info = {};

		igt_assert_f(poll(&pfd, 1, svmgpu_job_wait_ns() /
					   NSEC_PER_MSEC) == 1,
			     "the fence of job %u of the closed file did not "
			     "signal\n", i);
		igt_assert_eq(ioctl(sync_fds[i], SYNC_IOC_FILE_INFO, &info), 0);
		igt_assert_f(info.status != 0, "job %u: status 0 after poll\n",
			     i);
		igt_debug("job %u of the closed file: status %d\n", i,
			  info.status);
		close(sync_fds[i]);
	}

	svmgpu_assert_device_works(0);
}

igt_main
{
	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
		storm_install();
	}

	igt_describe("Threads loop EXEC of a lone END on a queue while "
		     "another thread runs VM_DESTROY then QUEUE_DESTROY, with "
		     "a fresh VM and queue each round: the destroys return "
		     "within 20 s, EXEC gives only 0, -ENOENT or -ECANCELED, "
		     "and every fence an EXEC published signals.");
	igt_subtest("exec-vs-queue-destroy") {
		const struct race_opts opts = {
			.queues = 1,
			.max_rounds = 200,
			.budget_ns = 15 * NSEC_PER_SEC,
		};

		test_exec_vs_destroy(svmgpu_fd, &opts);
	}

	igt_describe("EXEC on two queues of a VM whose id is already "
		     "destroyed, racing the QUEUE_DESTROYs that drop the VM's "
		     "last users, so that EXEC must hold the VM it builds the "
		     "job from (KASAN sees a use-after-free otherwise); same "
		     "checks as exec-vs-queue-destroy.");
	igt_subtest("exec-vs-vm-destroy") {
		const struct race_opts opts = {
			.queues = 2,
			.early_vm_destroy = true,
			.in_sync = true,
			.max_rounds = 200,
			.budget_ns = 15 * NSEC_PER_SEC,
		};

		test_exec_vs_destroy(svmgpu_fd, &opts);
	}

	igt_describe("Two threads create VMs, queues on them, mappings and "
		     "jobs, while another destroys the ids they will get: "
		     "every call gives 0 or -ENOENT, returned ids are "
		     "plausible, the file keeps working and closes cleanly.");
	igt_subtest("destroy-before-publish")
		test_destroy_before_publish(svmgpu_fd);

	igt_describe("VM_BIND of [MAP a new BO, UNMAP a mapping a running "
		     "job uses] under a 1 kHz SIGALRM without SA_RESTART, "
		     "restarted on EINTR as drmIoctl does, 20 times: it "
		     "returns 0, after the job; the new mapping works and the "
		     "old one faults.");
	igt_subtest("vm-bind-restart")
		test_vm_bind_restart(svmgpu_fd);

	igt_subtest_group {
		igt_describe("DRM_IOCTL_SYNCOBJ_WAIT on the fence of a job "
			     "held at a gate, under a 1 kHz SIGALRM without "
			     "SA_RESTART: restarted, it returns once the job "
			     "is done, and the job ran.");
		igt_subtest("signal-storm-syncobj-wait")
			test_storm_syncobj_wait(svmgpu_fd, false);

		igt_describe("DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT on a point a "
			     "held job signals, under the storm: restarted, it "
			     "returns once the job is done.");
		igt_subtest("signal-storm-syncobj-timeline-wait")
			test_storm_syncobj_wait(svmgpu_fd, true);

		igt_describe("VM_BIND of an UNMAP in a VM whose job is held, "
			     "under the storm: restarted, it returns after the "
			     "job, and the mapping is gone.");
		igt_subtest("signal-storm-vm-bind")
			test_storm_vm_bind(svmgpu_fd);

		igt_describe("VM_BIND of a MAP waiting for an in-sync a held "
			     "job signals, under the storm: restarted, it "
			     "returns after the job, signals its out-sync and "
			     "the mapping works.");
		igt_subtest("signal-storm-vm-bind-in-sync")
			test_storm_vm_bind_in_sync(svmgpu_fd);

		igt_describe("GEM_MIGRATE of a BO a held job writes, to "
			     "system memory and back, under the storm: "
			     "restarted, it waits for the job, and placement "
			     "and contents are right.");
		igt_subtest("signal-storm-gem-migrate")
			test_storm_gem_migrate(svmgpu_fd);

		igt_describe("EXECs that each evict the other VM's VRAM-only "
			     "BOs, under the storm: restarted, every EXEC is "
			     "accepted, every job succeeds and the CPU finds "
			     "every value.");
		igt_subtest("signal-storm-exec-evict")
			test_storm_exec_evict(svmgpu_fd);

		igt_describe("close() of a file with jobs held on two queues, "
			     "under the storm: it returns within the job "
			     "timeout, every job's fence signals, and the "
			     "device works.");
		igt_subtest("signal-storm-close-busy")
			test_storm_close_busy(svmgpu_fd);
	}

	igt_fixture {
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
