// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/slab.h>

#include <kunit/visibility.h>

#include "svmgpu_hw.h"
#include "svmgpu_hw_priv.h"
#include "svmgpu_hw_cmd.h"
#include "svmgpu_hw_compute.h"
#include "svmgpu_hw_mmu.h"

/**
 * DOC: engines
 *
 * Each engine is a kernel thread that takes jobs from its queue in
 * submission order and executes them one at a time with the command
 * processor. A job that asks for a user fence (&svmgpu_hw_job.ufence_addr)
 * then has the engine write the fence value through the MMU, after every
 * write of the job, as real GPUs do with a store at the end of the ring.
 * When a job ends, the engine fills in its result and calls its done()
 * callback from the thread: the model's completion interrupt.
 *
 * svmgpu_hw_engine_reset() is the engine reset a driver issues when a job
 * hangs: it stops the job (it completes with -ETIME) and waits until the
 * engine has let go of it. Other jobs in the queue are not affected.
 * svmgpu_hw_engine_cancel() drops every job of one owner (a context that
 * is going away) the same way, completing them with -ECANCELED. Both
 * break a stall on a fault.
 */

/**
 * DOC: GPU page faults
 *
 * A job whose address space is in fault mode (&svmgpu_hw_job.fault_mode)
 * does not fail on a translation fault, nor on a write through a
 * read-only leaf. The engine ends the access having changed nothing (DOC:
 * command processor), and, holding no lock, posts a &struct
 * svmgpu_hw_fault to the device's fault queue and calls the fault
 * interrupt handler. It then stalls until the driver answers the record
 * with svmgpu_hw_fault_reply(): replay, after which the access is tried
 * again and may fault again, or fail, which ends the job with -EFAULT at
 * that address, as a fault outside fault mode does. A reset or a cancel
 * breaks the stall and withdraws the record if the driver has not taken
 * it yet.
 *
 * An engine stalls on one fault at a time, so the queue, with a slot per
 * engine, never overflows. The driver drains it with svmgpu_hw_fault_pop()
 * from a context that may sleep; the record's sequence number makes a
 * late answer to a stall that a reset broke harmless. Without a handler
 * registered, faults fail at once.
 */

struct svmgpu_hw_exec {
	struct svmgpu_hw_cmd_ctx ctx;
	struct svmgpu_hw_engine *engine;
	struct svmgpu_hw_job *job;
};

static struct svmgpu_hw_exec *to_exec(struct svmgpu_hw_cmd_ctx *ctx)
{
	return container_of(ctx, struct svmgpu_hw_exec, ctx);
}

static void *svmgpu_hw_exec_access(struct svmgpu_hw_cmd_ctx *ctx, u64 va,
				   enum svmgpu_hw_access access, u64 *len)
{
	struct svmgpu_hw_exec *x = to_exec(ctx);

	return svmgpu_hw_mmu_access(x->engine->hw, &x->engine->tlb, x->job, va,
				    access, len);
}

static void svmgpu_hw_exec_lock(struct svmgpu_hw_cmd_ctx *ctx)
{
	mutex_lock(&to_exec(ctx)->engine->tlb.lock);
}

static void svmgpu_hw_exec_unlock(struct svmgpu_hw_cmd_ctx *ctx)
{
	mutex_unlock(&to_exec(ctx)->engine->tlb.lock);
}

/**
 * svmgpu_hw_engine_aborted() - Whether the engine's job must stop.
 * @e: The engine.
 *
 * Return: True once a reset or cancel stops the running job, or the
 * calling executor's thread is being stopped.
 */
bool svmgpu_hw_engine_aborted(struct svmgpu_hw_engine *e)
{
	return READ_ONCE(e->abort) || kthread_should_stop();
}

static bool svmgpu_hw_exec_aborted(struct svmgpu_hw_cmd_ctx *ctx)
{
	return svmgpu_hw_engine_aborted(to_exec(ctx)->engine);
}

static int svmgpu_hw_exec_dispatch(struct svmgpu_hw_cmd_ctx *ctx,
				   const struct svmgpu_hw_dispatch *d)
{
	struct svmgpu_hw_exec *x = to_exec(ctx);

	return svmgpu_hw_compute_dispatch(x->engine->compute, x->job, d, ctx);
}

/* Withdraw the record of stall @seqno of @engine, if still queued. */
static void svmgpu_hw_fault_withdraw(struct svmgpu_hw *hw,
				     unsigned int engine, u64 seqno)
{
	unsigned int i, from, to;

	spin_lock(&hw->fault_lock);
	for (i = 0; i < hw->fault_count; i++) {
		from = (hw->fault_head + i) % SVMGPU_HW_FAULT_SLOTS;
		if (hw->faults[from].engine != engine ||
		    hw->faults[from].seqno != seqno)
			continue;
		/* Close the gap: move the younger records down. */
		for (; i + 1 < hw->fault_count; i++) {
			to = (hw->fault_head + i) % SVMGPU_HW_FAULT_SLOTS;
			from = (hw->fault_head + i + 1) % SVMGPU_HW_FAULT_SLOTS;
			hw->faults[to] = hw->faults[from];
		}
		hw->fault_count--;
		break;
	}
	spin_unlock(&hw->fault_lock);
}

/**
 * svmgpu_hw_engine_stall() - Post a fault record and stall until answered.
 * @e: The engine.
 * @job: Its running job, whose access faulted.
 * @va: The address that faulted.
 * @access: How.
 * @stalls_job: The job makes no progress meanwhile: account the stall in
 *	&svmgpu_hw_job.stalled and &svmgpu_hw_job.stall_ns, which its
 *	timeout does not count.
 *
 * The engine stalls on one fault at a time: the caller is its command
 * processor, or one of its compute threads holding the compute fault lock.
 *
 * Return: 0 to replay the access, -EFAULT if it cannot be serviced, -ETIME
 * if the engine is being reset.
 */
int svmgpu_hw_engine_stall(struct svmgpu_hw_engine *e,
			   struct svmgpu_hw_job *job, u64 va,
			   enum svmgpu_hw_access access, bool stalls_job)
{
	struct svmgpu_hw *hw = e->hw;
	struct svmgpu_hw_fault fault = {
		.address = va,
		.asid = job->asid,
		.access = access,
		.engine = e->index,
	};
	bool posted = false;
	int reply;

	if (svmgpu_hw_engine_aborted(e))
		return -ETIME;

	spin_lock(&e->lock);
	fault.seqno = ++e->fault_seqno;
	e->fault_reply = -EINPROGRESS;
	spin_unlock(&e->lock);

	/*
	 * The handler runs under fault_lock, so that once unregistered it
	 * is not running any more. It only schedules the driver's work.
	 */
	spin_lock(&hw->fault_lock);
	if (hw->fault_irq &&
	    !WARN_ON_ONCE(hw->fault_count == SVMGPU_HW_FAULT_SLOTS)) {
		hw->faults[(hw->fault_head + hw->fault_count) %
			   SVMGPU_HW_FAULT_SLOTS] = fault;
		hw->fault_count++;
		hw->fault_irq(hw->fault_irq_data);
		posted = true;
	}
	spin_unlock(&hw->fault_lock);
	if (!posted) {
		spin_lock(&e->lock);
		e->fault_reply = 0;
		spin_unlock(&e->lock);
		return -EFAULT;
	}

	WRITE_ONCE(job->faults, job->faults + 1);
	if (stalls_job) {
		WRITE_ONCE(job->stall_start_ns, ktime_get_raw_ns());
		/* The job timeout reads the start once it sees the stall. */
		smp_store_release(&job->stalled, true);
	}

	/*
	 * A stall may last as long as the driver takes: wait interruptibly,
	 * which a kthread only leaves on the condition, so that the hung
	 * task detector does not count it.
	 */
	do {
		reply = wait_event_interruptible(e->wq,
						 READ_ONCE(e->fault_reply) !=
						 -EINPROGRESS ||
						 svmgpu_hw_engine_aborted(e));
	} while (reply);

	if (stalls_job) {
		WRITE_ONCE(job->stall_ns, job->stall_ns + ktime_get_raw_ns() -
			   job->stall_start_ns);
		WRITE_ONCE(job->stalled, false);
	}

	spin_lock(&e->lock);
	reply = e->fault_reply;
	e->fault_reply = 0;
	spin_unlock(&e->lock);

	/* A reset wins over an answer that raced with it. */
	if (reply == -EINPROGRESS || svmgpu_hw_engine_aborted(e)) {
		svmgpu_hw_fault_withdraw(hw, e->index, fault.seqno);
		return -ETIME;
	}
	return reply;
}

/* &svmgpu_hw_cmd_ctx.fault of the command processor. */
static int svmgpu_hw_exec_fault(struct svmgpu_hw_cmd_ctx *ctx, u64 va,
				enum svmgpu_hw_access access)
{
	struct svmgpu_hw_exec *x = to_exec(ctx);

	return svmgpu_hw_engine_stall(x->engine, x->job, va, access, true);
}

static void svmgpu_hw_engine_run(struct svmgpu_hw_engine *engine,
				 struct svmgpu_hw_job *job)
{
	struct svmgpu_hw_exec x = {
		.ctx = {
			.access = svmgpu_hw_exec_access,
			.lock = svmgpu_hw_exec_lock,
			.unlock = svmgpu_hw_exec_unlock,
			.aborted = svmgpu_hw_exec_aborted,
			.fault = svmgpu_hw_exec_fault,
			.budget = job->compute_budget,
		},
		.engine = engine,
		.job = job,
	};

	if (engine->compute) {
		x.ctx.program = svmgpu_hw_compute_program(engine->compute);
		x.ctx.dispatch = svmgpu_hw_exec_dispatch;
	}
	job->compute_insns = 0;
	job->compute_dispatches = 0;
	job->start_ns = ktime_get_raw_ns();
	job->status = svmgpu_hw_cmd_execute(&x.ctx, job->cs_address,
					    job->cs_length, &job->cs_offset);
	if (!job->status && job->ufence_addr)
		job->status = svmgpu_hw_cmd_write_fence(&x.ctx,
							job->ufence_addr,
							job->ufence_value);
	job->end_ns = ktime_get_raw_ns();
	if (job->status == -ETIME && READ_ONCE(engine->abort))
		job->status = READ_ONCE(engine->abort_status);
	job->fault_address = job->status == -EFAULT ? x.ctx.fault_address : 0;
	job->fault_access = job->status == -EFAULT ? x.ctx.fault_access : 0;
}

static struct svmgpu_hw_job *
svmgpu_hw_engine_next(struct svmgpu_hw_engine *engine)
{
	struct svmgpu_hw_job *job;

	spin_lock(&engine->lock);
	job = list_first_entry_or_null(&engine->queue, struct svmgpu_hw_job,
				       link);
	if (job) {
		list_del_init(&job->link);
		engine->current_job = job;
		engine->abort = false;
	}
	spin_unlock(&engine->lock);
	return job;
}

static int svmgpu_hw_engine_thread(void *arg)
{
	struct svmgpu_hw_engine *engine = arg;

	while (!kthread_should_stop()) {
		struct svmgpu_hw_job *job;

		wait_event_interruptible(engine->wq,
					 !list_empty_careful(&engine->queue) ||
					 kthread_should_stop());
		job = svmgpu_hw_engine_next(engine);
		if (!job)
			continue;

		svmgpu_hw_engine_run(engine, job);

		spin_lock(&engine->lock);
		engine->current_job = NULL;
		engine->abort = false;
		engine->in_done = true;
		engine->done_job = job;
		engine->done_owner = job->owner;
		spin_unlock(&engine->lock);

		job->done(job);

		spin_lock(&engine->lock);
		engine->in_done = false;
		engine->done_job = NULL;
		engine->done_owner = NULL;
		engine->done_seq++;
		spin_unlock(&engine->lock);
		wake_up_all(&engine->wq);
	}
	return 0;
}

/**
 * svmgpu_hw_engine_submit() - Queue a job on an engine.
 * @hw: The GPU.
 * @engine: Index of the engine.
 * @job: The job. It belongs to the engine until its done() is called.
 */
void svmgpu_hw_engine_submit(struct svmgpu_hw *hw, unsigned int engine,
			     struct svmgpu_hw_job *job)
{
	struct svmgpu_hw_engine *e = &hw->engines[engine];

	spin_lock(&e->lock);
	list_add_tail(&job->link, &e->queue);
	spin_unlock(&e->lock);
	wake_up_all(&e->wq);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_engine_submit);

/* Ask the engine to stop its running job, which completes with @status. */
static void svmgpu_hw_engine_abort(struct svmgpu_hw_engine *e, int status)
{
	lockdep_assert_held(&e->lock);

	e->abort = true;
	e->abort_status = status;
}

static bool svmgpu_hw_engine_done_reached(struct svmgpu_hw_engine *e,
					  u64 target)
{
	bool reached;

	spin_lock(&e->lock);
	reached = e->done_seq >= target;
	spin_unlock(&e->lock);
	return reached;
}

/*
 * Wait until the thread's done() of the job it is running, or whose done()
 * it is calling, has returned: the next one it completes. Jobs complete in
 * order, and only the thread counts its own.
 */
static void svmgpu_hw_engine_wait_done(struct svmgpu_hw_engine *e, u64 target)
{
	wait_event(e->wq, svmgpu_hw_engine_done_reached(e, target));
}

static void svmgpu_hw_engine_complete(struct svmgpu_hw_job *job, int status)
{
	job->status = status;
	job->cs_offset = 0;
	job->fault_address = 0;
	job->start_ns = 0;
	job->end_ns = 0;
	job->done(job);
}

/**
 * svmgpu_hw_engine_reset() - Stop a job that hangs.
 * @hw: The GPU.
 * @engine: Index of the engine.
 * @job: The job, submitted to that engine.
 *
 * If @job is running, it is stopped and completes with -ETIME; if it is
 * still queued, it is removed and completes with -ETIME. Either way its
 * done() has been called when this returns, unless it had already
 * completed. May sleep.
 */
void svmgpu_hw_engine_reset(struct svmgpu_hw *hw, unsigned int engine,
			    struct svmgpu_hw_job *job)
{
	struct svmgpu_hw_engine *e = &hw->engines[engine];
	struct svmgpu_hw_job *pos;
	bool queued = false;
	u64 target;

	spin_lock(&e->lock);
	if (e->current_job == job || (e->in_done && e->done_job == job)) {
		if (e->current_job == job)
			svmgpu_hw_engine_abort(e, -ETIME);
		target = e->done_seq + 1;
		spin_unlock(&e->lock);
		/* The job may be stalled on a fault: wake it. */
		wake_up_all(&e->wq);
		svmgpu_hw_engine_wait_done(e, target);
		return;
	}
	list_for_each_entry(pos, &e->queue, link) {
		if (pos == job) {
			list_del_init(&job->link);
			queued = true;
			break;
		}
	}
	spin_unlock(&e->lock);

	if (queued)
		svmgpu_hw_engine_complete(job, -ETIME);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_engine_reset);

/**
 * svmgpu_hw_engine_cancel() - Drop every job of an owner.
 * @hw: The GPU.
 * @engine: Index of the engine.
 * @owner: The &svmgpu_hw_job.owner whose jobs to drop.
 *
 * Queued jobs of @owner are removed and the running one is stopped; all
 * complete with -ECANCELED before this returns. May sleep.
 */
void svmgpu_hw_engine_cancel(struct svmgpu_hw *hw, unsigned int engine,
			     const void *owner)
{
	struct svmgpu_hw_engine *e = &hw->engines[engine];
	struct svmgpu_hw_job *job, *tmp, *running;
	LIST_HEAD(cancelled);
	bool wait;
	u64 target;

	spin_lock(&e->lock);
	list_for_each_entry_safe(job, tmp, &e->queue, link)
		if (job->owner == owner)
			list_move_tail(&job->link, &cancelled);
	running = e->current_job;
	if (running && running->owner == owner)
		svmgpu_hw_engine_abort(e, -ECANCELED);
	else
		running = NULL;
	/* A job of @owner that completes now must be done before we return. */
	wait = running || (e->in_done && e->done_owner == owner);
	target = e->done_seq + 1;
	spin_unlock(&e->lock);

	if (running)
		wake_up_all(&e->wq);	/* it may be stalled on a fault */
	if (wait)
		svmgpu_hw_engine_wait_done(e, target);

	list_for_each_entry_safe(job, tmp, &cancelled, link) {
		list_del_init(&job->link);
		svmgpu_hw_engine_complete(job, -ECANCELED);
	}
}

/**
 * svmgpu_hw_fault_irq_register() - Set the fault interrupt handler.
 * @hw: The GPU.
 * @fn: The handler, or NULL to remove it. It runs under a spinlock of the
 * fault queue: it must not sleep, nor call svmgpu_hw_fault_pop().
 * @data: Its argument.
 *
 * Process context. Once it returns, the old handler is not running and
 * will not run again.
 */
void svmgpu_hw_fault_irq_register(struct svmgpu_hw *hw,
				  svmgpu_hw_fault_irq_fn fn, void *data)
{
	spin_lock(&hw->fault_lock);
	hw->fault_irq = fn;
	hw->fault_irq_data = data;
	spin_unlock(&hw->fault_lock);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_fault_irq_register);

/**
 * svmgpu_hw_fault_pop() - Take the oldest record of the fault queue.
 * @hw: The GPU.
 * @fault: Out: the record.
 *
 * Process context; never sleeps.
 *
 * Return: Whether there was one.
 */
bool svmgpu_hw_fault_pop(struct svmgpu_hw *hw, struct svmgpu_hw_fault *fault)
{
	bool found;

	spin_lock(&hw->fault_lock);
	found = hw->fault_count;
	if (found) {
		*fault = hw->faults[hw->fault_head];
		hw->fault_head = (hw->fault_head + 1) % SVMGPU_HW_FAULT_SLOTS;
		hw->fault_count--;
	}
	spin_unlock(&hw->fault_lock);
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_fault_pop);

/**
 * svmgpu_hw_fault_reply() - Answer a fault record.
 * @hw: The GPU.
 * @fault: The record, from svmgpu_hw_fault_pop().
 * @replay: Replay the access; else fail the job with -EFAULT.
 *
 * An answer to a stall that a reset broke is ignored. A protection
 * fault's stale read-only TLB entry is already gone, so a replay after the
 * page became writable needs no TLB invalidation. Process context; never
 * sleeps.
 */
void svmgpu_hw_fault_reply(struct svmgpu_hw *hw,
			   const struct svmgpu_hw_fault *fault, bool replay)
{
	struct svmgpu_hw_engine *e;

	if (fault->engine >= hw->num_hw_engines)
		return;
	e = &hw->engines[fault->engine];

	spin_lock(&e->lock);
	if (e->fault_seqno == fault->seqno && e->fault_reply == -EINPROGRESS)
		e->fault_reply = replay ? 0 : -EFAULT;
	spin_unlock(&e->lock);
	wake_up_all(&e->wq);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_fault_reply);

/* Gather every TLB of the GPU, for invalidation. */
static int svmgpu_hw_engines_tlbs(struct svmgpu_hw *hw)
{
	unsigned int i, n = hw->num_hw_engines;

	for (i = 0; i < hw->num_hw_engines; i++)
		n += svmgpu_hw_compute_num_tlbs(hw->engines[i].compute);

	hw->tlbs = kcalloc(n, sizeof(*hw->tlbs), GFP_KERNEL);
	if (!hw->tlbs)
		return -ENOMEM;

	for (i = 0; i < hw->num_hw_engines; i++) {
		struct svmgpu_hw_engine *e = &hw->engines[i];

		hw->tlbs[hw->num_tlbs++] = &e->tlb;
		hw->num_tlbs += svmgpu_hw_compute_get_tlbs(e->compute,
							   &hw->tlbs[hw->num_tlbs]);
	}
	return 0;
}

/**
 * svmgpu_hw_engines_init() - Start the engines.
 * @hw: The GPU, with num_hw_engines set.
 * @name: Base name of the engine threads.
 *
 * Return: 0, or a negative error code.
 */
int svmgpu_hw_engines_init(struct svmgpu_hw *hw, const char *name)
{
	unsigned int i;
	int ret;

	hw->engines = kcalloc(hw->num_hw_engines, sizeof(*hw->engines),
			      GFP_KERNEL);
	if (!hw->engines)
		return -ENOMEM;

	for (i = 0; i < hw->num_hw_engines; i++) {
		struct svmgpu_hw_engine *e = &hw->engines[i];

		e->hw = hw;
		e->index = i;
		spin_lock_init(&e->lock);
		svmgpu_hw_tlb_init(&e->tlb);
		INIT_LIST_HEAD(&e->queue);
		init_waitqueue_head(&e->wq);
	}

	/* Compute threads first: once an engine runs, it may dispatch. */
	for (i = 0; i < hw->caps.num_engines; i++) {
		ret = svmgpu_hw_compute_init(&hw->engines[i],
					     hw->caps.compute_threads, name);
		if (ret)
			goto err_stop;
	}

	ret = svmgpu_hw_engines_tlbs(hw);
	if (ret)
		goto err_stop;

	for (i = 0; i < hw->num_hw_engines; i++) {
		struct svmgpu_hw_engine *e = &hw->engines[i];

		e->thread = kthread_run(svmgpu_hw_engine_thread, e, "%s-e%u",
					name, i);
		if (IS_ERR(e->thread)) {
			ret = PTR_ERR(e->thread);
			e->thread = NULL;
			goto err_stop;
		}
	}
	return 0;

err_stop:
	svmgpu_hw_engines_fini(hw);
	return ret;
}

/**
 * svmgpu_hw_engines_fini() - Stop the engines.
 * @hw: The GPU. Its engines must be idle: the driver has waited for all
 * its jobs.
 */
void svmgpu_hw_engines_fini(struct svmgpu_hw *hw)
{
	unsigned int i;

	for (i = 0; i < hw->num_hw_engines; i++) {
		struct svmgpu_hw_engine *e = &hw->engines[i];

		if (e->thread)
			kthread_stop(e->thread);
		WARN_ON(!list_empty(&e->queue));
		svmgpu_hw_compute_fini(e->compute);
		e->compute = NULL;
		svmgpu_hw_tlb_fini(&e->tlb);
	}
	kfree(hw->tlbs);
	hw->tlbs = NULL;
	hw->num_tlbs = 0;
	kfree(hw->engines);
	hw->engines = NULL;
}
