// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include <drm/svmgpu_drm.h>

#include "svmgpu_hw.h"
#include "svmgpu_hw_priv.h"
#include "svmgpu_hw_cmd.h"
#include "svmgpu_hw_compute.h"
#include "svmgpu_hw_isa.h"
#include "svmgpu_hw_mmu.h"

/**
 * DOC: compute threads
 *
 * Each general-purpose engine has &svmgpu_hw_caps.compute_threads compute
 * threads: kernel threads that run the work items of its DISPATCH
 * commands, so that a dispatch scales with the host's CPUs.
 *
 * The engine's command processor decodes the program (DOC: compute
 * interpreter) into the engine's program buffer, allocated with the
 * engine: a job runs in the fence-signalling path, where it may not
 * allocate. It then publishes the dispatch, wakes the threads and sleeps
 * until every one of them has finished with it. Threads take batches of
 * consecutive work items from a shared counter until none is left, the
 * engine is reset, or a work item failed: the first error is the
 * dispatch's, and the other threads stop at their next check. A DISPATCH
 * ends only once no thread runs any of its work items.
 *
 * Each thread translates through a TLB of its own, which TLB invalidation
 * clears as it does the engines' (DOC: GPU MMU). The engine stalls on one
 * fault at a time (DOC: GPU page faults): a thread whose access faults
 * takes the engine's compute fault lock, stalls, and replays; other
 * threads go on running until they fault too. The job counts as stalled,
 * for its timeout, only while every thread still at work waits for a
 * fault: a dispatch that makes progress is timed.
 *
 * Locking: &svmgpu_hw_compute.fault_lock is held across a stall, with no
 * TLB lock held; it nests nothing but hw/'s spinlocks. The dispatch fields
 * are written by the engine thread while no compute thread runs, and read
 * by them after they saw the new generation under &svmgpu_hw_compute.wq's
 * lock.
 */

/**
 * struct svmgpu_hw_cthread - One compute thread.
 */
struct svmgpu_hw_cthread {
	/** @ctx: How the interpreter reaches memory. */
	struct svmgpu_hw_cmd_ctx ctx;

	/** @compute: The engine's compute state. */
	struct svmgpu_hw_compute *compute;

	/** @task: The thread. */
	struct task_struct *task;

	/** @tlb: Its TLB. */
	struct svmgpu_hw_tlb tlb;

	/** @gen: Generation of the last dispatch the thread took part in. */
	u64 gen;
};

/**
 * struct svmgpu_hw_compute - An engine's compute threads and dispatch.
 */
struct svmgpu_hw_compute {
	/** @engine: The engine. */
	struct svmgpu_hw_engine *engine;

	/** @program: Room for the decoded program of a DISPATCH. */
	struct svmgpu_hw_insn *program;

	/** @threads: The compute threads. */
	struct svmgpu_hw_cthread *threads;

	/** @num_threads: Their number. */
	unsigned int num_threads;

	/** @fault_lock: Held by the thread that stalls on a fault. */
	struct mutex fault_lock;

	/**
	 * @wq: Threads wait on it for a dispatch, the engine for the
	 * threads. Its lock orders @gen.
	 */
	wait_queue_head_t wq;

	/** @gen: Generation of the current dispatch; under @wq.lock. */
	u64 gen;

	/** @d: The current dispatch. */
	const struct svmgpu_hw_dispatch *d;

	/** @job: Its job. */
	struct svmgpu_hw_job *job;

	/** @batch: Work items a thread takes at once. */
	u64 batch;

	/** @next: First work item no thread has taken yet. */
	atomic64_t next;

	/** @active: Threads not yet done with the dispatch. */
	atomic_t active;

	/** @faulting: Threads stalled on a fault or waiting to. */
	atomic_t faulting;

	/** @status: The dispatch's first error, or 0. */
	atomic_t status;

	/** @fault_address: Where the first -EFAULT happened. */
	u64 fault_address;

	/** @fault_access: How. */
	enum svmgpu_hw_access fault_access;

	/** @insns: Instructions run by the dispatch's threads. */
	atomic64_t insns;
};

static struct svmgpu_hw_cthread *to_cthread(struct svmgpu_hw_cmd_ctx *ctx)
{
	return container_of(ctx, struct svmgpu_hw_cthread, ctx);
}

static void *svmgpu_hw_cthread_access(struct svmgpu_hw_cmd_ctx *ctx, u64 va,
				      enum svmgpu_hw_access access, u64 *len)
{
	struct svmgpu_hw_cthread *t = to_cthread(ctx);
	struct svmgpu_hw_engine *e = t->compute->engine;

	return svmgpu_hw_mmu_access(e->hw, &t->tlb, t->compute->job, va,
				    access, len);
}

static void svmgpu_hw_cthread_lock(struct svmgpu_hw_cmd_ctx *ctx)
{
	mutex_lock(&to_cthread(ctx)->tlb.lock);
}

static void svmgpu_hw_cthread_unlock(struct svmgpu_hw_cmd_ctx *ctx)
{
	mutex_unlock(&to_cthread(ctx)->tlb.lock);
}

/* The engine is reset, or another thread failed the dispatch. */
static bool svmgpu_hw_cthread_aborted(struct svmgpu_hw_cmd_ctx *ctx)
{
	struct svmgpu_hw_compute *c = to_cthread(ctx)->compute;

	return svmgpu_hw_engine_aborted(c->engine) ||
	       atomic_read(&c->status);
}

static int svmgpu_hw_cthread_fault(struct svmgpu_hw_cmd_ctx *ctx, u64 va,
				   enum svmgpu_hw_access access)
{
	struct svmgpu_hw_compute *c = to_cthread(ctx)->compute;
	int ret;

	/*
	 * Another thread's stall may last as long as the driver takes: wait
	 * interruptibly, so that the hung task detector does not count it.
	 * A kthread takes no signal, so this fails only if that changes.
	 */
	atomic_inc(&c->faulting);
	if (mutex_lock_interruptible(&c->fault_lock)) {
		atomic_dec(&c->faulting);
		return -ETIME;
	}
	/*
	 * The job is stalled, and its timeout stops counting, only while no
	 * thread runs: while every thread left waits for this stall.
	 */
	ret = svmgpu_hw_engine_stall(c->engine, c->job, va, access,
				     atomic_read(&c->faulting) ==
				     atomic_read(&c->active));
	mutex_unlock(&c->fault_lock);
	atomic_dec(&c->faulting);
	return ret;
}

/* Record the dispatch's first error. */
static void svmgpu_hw_compute_fail(struct svmgpu_hw_compute *c,
				   struct svmgpu_hw_cthread *t, int err)
{
	if (atomic_cmpxchg(&c->status, 0, err))
		return;
	/* Read by the engine after the thread's final atomic_dec. */
	c->fault_address = t->ctx.fault_address;
	c->fault_access = t->ctx.fault_access;
}

/* Run batches of the current dispatch until none is left. */
static void svmgpu_hw_cthread_work(struct svmgpu_hw_cthread *t)
{
	struct svmgpu_hw_compute *c = t->compute;
	const struct svmgpu_hw_dispatch *d = c->d;
	u64 insns = 0, count;
	s64 first;
	int ret;

	for (;;) {
		if (svmgpu_hw_cthread_aborted(&t->ctx))
			break;
		/* Take a batch; never past the end, so @next cannot wrap. */
		first = atomic64_read(&c->next);
		do {
			if ((u64)first >= d->num_items)
				break;
			count = min(c->batch, d->num_items - first);
		} while (!atomic64_try_cmpxchg(&c->next, &first,
					       first + count));
		if ((u64)first >= d->num_items)
			break;

		ret = svmgpu_hw_isa_run(&t->ctx, d, first, count, &insns);
		if (ret) {
			svmgpu_hw_compute_fail(c, t, ret);
			break;
		}
		cond_resched();
	}
	atomic64_add(insns, &c->insns);
}

static bool svmgpu_hw_cthread_woken(struct svmgpu_hw_cthread *t)
{
	struct svmgpu_hw_compute *c = t->compute;
	bool woken;

	spin_lock(&c->wq.lock);
	woken = c->gen != t->gen;
	t->gen = c->gen;
	spin_unlock(&c->wq.lock);
	return woken;
}

static int svmgpu_hw_cthread_fn(void *arg)
{
	struct svmgpu_hw_cthread *t = arg;
	struct svmgpu_hw_compute *c = t->compute;

	while (!kthread_should_stop()) {
		/* A kthread leaves an interruptible wait only on the condition. */
		wait_event_interruptible(c->wq, READ_ONCE(c->gen) != t->gen ||
					 kthread_should_stop());
		if (!svmgpu_hw_cthread_woken(t))
			continue;

		svmgpu_hw_cthread_work(t);

		/* Fully ordered: the engine sees what the thread did. */
		if (atomic_dec_and_test(&c->active))
			wake_up_all(&c->wq);
	}
	return 0;
}

/**
 * svmgpu_hw_compute_dispatch() - Run a dispatch on the compute threads.
 * @c: The engine's compute state.
 * @job: The running job.
 * @d: The dispatch, decoded into svmgpu_hw_compute_program().
 * @ctx: The command processor's context, for the fault's address.
 *
 * Called by the engine thread. Returns once no compute thread runs a work
 * item of @d.
 *
 * Return: 0, or the first error of a work item (as svmgpu_hw_isa_run()).
 */
int svmgpu_hw_compute_dispatch(struct svmgpu_hw_compute *c,
			       struct svmgpu_hw_job *job,
			       const struct svmgpu_hw_dispatch *d,
			       struct svmgpu_hw_cmd_ctx *ctx)
{
	int ret;

	c->d = d;
	c->job = job;
	/* Enough batches per thread to even out, few enough to be cheap. */
	c->batch = clamp_t(u64, d->num_items / (8 * c->num_threads), 1, 256);
	atomic64_set(&c->next, 0);
	atomic_set(&c->status, 0);
	atomic64_set(&c->insns, 0);
	atomic_set(&c->active, c->num_threads);
	atomic_set(&c->faulting, 0);

	spin_lock(&c->wq.lock);
	c->gen++;
	wake_up_all_locked(&c->wq);
	spin_unlock(&c->wq.lock);

	/*
	 * A dispatch lasts as long as its work items, stalls included: wait
	 * interruptibly, so that the hung task detector does not count it.
	 */
	do {
		ret = wait_event_interruptible(c->wq,
					       !atomic_read(&c->active));
	} while (ret);
	smp_rmb();	/* after the threads' atomic_dec_and_test() */

	job->compute_dispatches++;
	job->compute_insns += atomic64_read(&c->insns);
	ret = atomic_read(&c->status);
	if (ret == -EFAULT) {
		ctx->fault_address = c->fault_address;
		ctx->fault_access = c->fault_access;
	}
	return ret;
}

/**
 * svmgpu_hw_compute_program() - The engine's program buffer.
 * @c: The engine's compute state.
 *
 * Return: Room for %DRM_SVMGPU_PROGRAM_MAX_INSNS decoded instructions.
 */
struct svmgpu_hw_insn *svmgpu_hw_compute_program(struct svmgpu_hw_compute *c)
{
	return c->program;
}

/**
 * svmgpu_hw_compute_num_tlbs() - How many TLBs the compute threads have.
 * @c: The engine's compute state, or NULL.
 *
 * Return: One per thread; 0 for NULL.
 */
unsigned int svmgpu_hw_compute_num_tlbs(const struct svmgpu_hw_compute *c)
{
	return c ? c->num_threads : 0;
}

/**
 * svmgpu_hw_compute_get_tlbs() - List the compute threads' TLBs.
 * @c: The engine's compute state, or NULL.
 * @tlbs: Out: svmgpu_hw_compute_num_tlbs() of them.
 *
 * Return: How many were stored.
 */
unsigned int svmgpu_hw_compute_get_tlbs(struct svmgpu_hw_compute *c,
					struct svmgpu_hw_tlb **tlbs)
{
	unsigned int i;

	for (i = 0; i < svmgpu_hw_compute_num_tlbs(c); i++)
		tlbs[i] = &c->threads[i].tlb;
	return i;
}

/**
 * svmgpu_hw_compute_init() - Start an engine's compute threads.
 * @engine: The engine; its compute state is set on success.
 * @num_threads: How many, 1 to %SVMGPU_HW_COMPUTE_THREADS_MAX.
 * @name: Base name of the threads.
 *
 * Return: 0, or a negative error code.
 */
int svmgpu_hw_compute_init(struct svmgpu_hw_engine *engine,
			   unsigned int num_threads, const char *name)
{
	struct svmgpu_hw_compute *c;
	unsigned int i;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->engine = engine;
	mutex_init(&c->fault_lock);
	init_waitqueue_head(&c->wq);

	c->program = kvcalloc(DRM_SVMGPU_PROGRAM_MAX_INSNS,
			      sizeof(*c->program), GFP_KERNEL);
	c->threads = kcalloc(num_threads, sizeof(*c->threads), GFP_KERNEL);
	if (!c->program || !c->threads) {
		ret = -ENOMEM;
		goto err_free;
	}

	for (i = 0; i < num_threads; i++) {
		struct svmgpu_hw_cthread *t = &c->threads[i];

		t->compute = c;
		t->ctx = (struct svmgpu_hw_cmd_ctx) {
			.access = svmgpu_hw_cthread_access,
			.fault = svmgpu_hw_cthread_fault,
			.lock = svmgpu_hw_cthread_lock,
			.unlock = svmgpu_hw_cthread_unlock,
			.aborted = svmgpu_hw_cthread_aborted,
		};
		svmgpu_hw_tlb_init(&t->tlb);
		c->num_threads++;

		t->task = kthread_run(svmgpu_hw_cthread_fn, t, "%s-e%u.%u",
				      name, engine->index, i);
		if (IS_ERR(t->task)) {
			ret = PTR_ERR(t->task);
			t->task = NULL;
			goto err_stop;
		}
	}

	engine->compute = c;
	return 0;

err_stop:
	svmgpu_hw_compute_fini(c);
	return ret;

err_free:
	kfree(c->threads);
	kvfree(c->program);
	mutex_destroy(&c->fault_lock);
	kfree(c);
	return ret;
}

/**
 * svmgpu_hw_compute_fini() - Stop an engine's compute threads.
 * @c: The engine's compute state, or NULL. The engine thread is stopped.
 */
void svmgpu_hw_compute_fini(struct svmgpu_hw_compute *c)
{
	unsigned int i;

	if (!c)
		return;

	for (i = 0; i < c->num_threads; i++) {
		struct svmgpu_hw_cthread *t = &c->threads[i];

		if (t->task)
			kthread_stop(t->task);
		svmgpu_hw_tlb_fini(&t->tlb);
	}
	kfree(c->threads);
	kvfree(c->program);
	mutex_destroy(&c->fault_lock);
	kfree(c);
}
