// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_compute - programmable compute (uAPI 1.5, DRM_SVMGPU_FEATURE_COMPUTE):
 * DRM_SVMGPU_CMD_DISPATCH running programs of the compute ISA ("DOC: compute
 * ISA" in the uAPI header).
 *
 * Every instruction class (ALU with its edge cases, loads and stores of
 * each width with sign extension, every atomic on 32 and 64 bits, every
 * branch, FENCE and EXIT) runs on BO memory (a non-fault VM with a BO bound)
 * and on SVM memory (a fault-mode VM mirroring the process, malloc'd
 * memory), each result checked against the CPU. Then: a kernel that takes
 * GPU faults in its middle; a linked list over malloc, mmap and the stack,
 * partly in VRAM; atomics of many work items racing CPU threads; 3-D grid
 * ids; invalid programs and DISPATCH commands rejected with -EINVAL before
 * anything runs; out-of-bounds and misaligned accesses banning only their
 * queue with -EFAULT; the instruction budget (-ETIME); an endless loop
 * reset by the job timeout; a dispatch of a million work items.
 *
 * How a job's error is seen: a non-fault VM's job signals its fence with
 * it; a fault-mode VM's job bans its queue, and QUEUE_STATUS reports it.
 * Both are checked through QUEUE_STATUS too.
 *
 * Every subtest requires DRM_SVMGPU_FEATURE_COMPUTE (and _SVM for SVM
 * memory) and skips without it. The budget subtests write the module
 * parameter compute_budget and put it back, also from an atexit() handler;
 * they skip if it is not writable. Counters come from debugfs bo_stats
 * (compute_dispatches, compute_insns, svm_faults_*), where present.
 */

#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt.h"
#include "svmgpu_drm.h"
#include "svmgpu_igt.h"
#include "svmgpu_prog.h"

IGT_TEST_DESCRIPTION("svmgpu compute: DISPATCH of programs of the compute "
		     "ISA on BO and SVM memory; faults, migration, atomics, "
		     "grids, validation, budget and hangs.");

#define POOL		(2 * SZ_1M)
#define MAX_INSNS	DRM_SVMGPU_PROGRAM_MAX_INSNS
#define BUDGET_PARAM	"compute_budget"

static int svmgpu_fd = -1;

/* --- Programs ------------------------------------------------------------- */

/*
 * A program being built: instructions encoded with DRM_SVMGPU_INSN(), so
 * that malformed ones can be built as easily as good ones.
 */
struct kprog {
	unsigned int n;
	uint64_t insn[MAX_INSNS + 16];
};

static unsigned int k_raw(struct kprog *p, uint64_t insn)
{
	igt_assert_f(p->n < ARRAY_SIZE(p->insn), "program too long\n");
	p->insn[p->n] = insn;
	return p->n++;
}

static unsigned int k_op(struct kprog *p, uint32_t op, uint32_t rd,
			 uint32_t ra, uint32_t rb, uint32_t rc, int32_t imm)
{
	return k_raw(p, DRM_SVMGPU_INSN(op, rd, ra, rb, rc, imm));
}

#define OP(name)	DRM_SVMGPU_OP_##name
#define IMM		((uint64_t)DRM_SVMGPU_INSN_IMM)

/* rd = ra op rb */
#define k_alu(p, op, rd, ra, rb)	k_op(p, OP(op), rd, ra, rb, 0, 0)
/* rd = ra op imm */
#define k_alui(p, op, rd, ra, imm) \
	k_raw(p, DRM_SVMGPU_INSN(OP(op), rd, ra, 0, 0, imm) | IMM)
/* rd = ra * rb + rc; rd = ra * imm + rc */
#define k_mad(p, rd, ra, rb, rc)	k_op(p, OP(MAD), rd, ra, rb, rc, 0)
#define k_madi(p, rd, ra, imm, rc) \
	k_raw(p, DRM_SVMGPU_INSN(OP(MAD), rd, ra, 0, rc, imm) | IMM)
#define k_li(p, rd, imm)		k_op(p, OP(LI), rd, 0, 0, 0, imm)
#define k_lih(p, rd, imm)		k_op(p, OP(LIH), rd, 0, 0, 0, imm)
/* rd = [ra + off] */
#define k_ldo(p, op, rd, ra, off)	k_op(p, op, rd, ra, 0, 0, off)
#define k_ld(p, name, rd, ra, off)	k_ldo(p, OP(name), rd, ra, off)
/* [ra + off] = rb */
#define k_sto(p, op, ra, off, rb)	k_op(p, op, 0, ra, rb, 0, off)
#define k_st(p, name, ra, off, rb)	k_sto(p, OP(name), ra, off, rb)
/* rd = atomic op [ra + off], rb (rc) */
#define k_atom(p, op, rd, ra, off, rb, rc) \
	k_op(p, op, rd, ra, rb, rc, off)
#define k_fence(p)			k_op(p, OP(FENCE), 0, 0, 0, 0, 0)
#define k_exit(p)			k_op(p, OP(EXIT), 0, 0, 0, 0, 0)

/*
 * Replace @p with the program libsvmgpu's assembler makes of @src: how the
 * hand-written programs are written; the generated ones (tables of cases,
 * malformed instructions) use the k_*() encoders.
 */
static void k_asm(struct kprog *p, const char *src)
{
	struct svmgpu_prog *sp = NULL;
	const uint64_t *insns;
	char err[256] = "";
	unsigned int i;
	int ret;

	igt_assert_eq(svmgpu_prog_new(&sp), 0);
	ret = svmgpu_asm(sp, src, err, sizeof(err));
	igt_assert_f(ret == 0, "svmgpu_asm: %d, %s\n", ret, err);
	insns = svmgpu_prog_insns(sp);
	igt_assert(insns);
	p->n = svmgpu_prog_count(sp);
	igt_assert_lte(p->n, MAX_INSNS);
	for (i = 0; i < p->n; i++)
		p->insn[i] = le64toh(insns[i]);
	svmgpu_prog_del(sp);
}

/* rd = any 64-bit constant, in one or two instructions. */
static void k_const(struct kprog *p, uint32_t rd, uint64_t v)
{
	k_li(p, rd, (int32_t)(uint32_t)v);
	if ((uint64_t)(int64_t)(int32_t)(uint32_t)v != v)
		k_lih(p, rd, (int32_t)(uint32_t)(v >> 32));
}

/* A branch to instruction @target (already emitted, or patched later). */
static unsigned int k_branch(struct kprog *p, uint32_t op, uint32_t ra,
			     uint32_t rb, unsigned int target)
{
	return k_op(p, op, 0, ra, rb, 0, (int32_t)target - (int32_t)p->n);
}

/* Point the branch at @at to the next instruction to be emitted. */
static void k_patch(struct kprog *p, unsigned int at)
{
	p->insn[at] = (p->insn[at] & 0xffffffffull) |
		      ((uint64_t)(uint32_t)(p->n - at) << 32);
}

/* --- Where programs run: a BO in a VM, or process memory in a mirror ------ */

enum mem { MEM_BO, MEM_SVM };

static const char *const mem_names[] = { "bo", "svm" };

/* One job in flight: a fence to wait for. */
struct job {
	uint32_t queue;
	uint32_t syncobj;		/* MEM_BO */
	volatile uint64_t *fence;	/* MEM_SVM */
	uint64_t value;
};

struct env {
	int fd;
	enum mem mem;
	/* MEM_BO: a VM, its command pool, and the data BO. */
	struct svmgpu_ctx ctx;
	struct svmgpu_buf buf;
	/* MEM_SVM: a fault-mode VM mirroring the process. */
	struct svmgpu_svm svm;
	/* Fence words of MEM_SVM jobs, one per job. */
	volatile uint64_t *fences;
	unsigned int next_fence;
	/* The engine env_run() and env_run_cs() use; 0 unless set. */
	uint32_t engine;
	/* The data: CPU and GPU address, size. */
	uint8_t *cpu;
	uint64_t gpu;
	size_t size;
};

static uint32_t compute_threads(int fd)
{
	struct drm_svmgpu_query_device_info info;

	svmgpu_query_device_info(fd, &info);
	return info.compute_threads;
}

static void require_compute(int fd)
{
	igt_require_f(svmgpu_has_features(fd, DRM_SVMGPU_FEATURE_COMPUTE),
		      "svmgpu lacks DRM_SVMGPU_FEATURE_COMPUTE (uAPI 1.5)\n");
	igt_assert_lte(1, compute_threads(fd));
}

static void require_mem(int fd, enum mem mem)
{
	require_compute(fd);
	if (mem == MEM_SVM)
		igt_require_f(svmgpu_has_svm(fd),
			      "svmgpu lacks DRM_SVMGPU_FEATURE_SVM\n");
}

/* @size bytes of data, zeroed, in a BO or in malloc'd memory. */
static void env_init(struct env *e, int fd, enum mem mem, size_t size)
{
	memset(e, 0, sizeof(*e));
	e->fd = fd;
	e->mem = mem;
	e->size = (size + 4095) & ~(size_t)4095;

	if (mem == MEM_BO) {
		svmgpu_ctx_init(&e->ctx, fd, POOL);
		svmgpu_ctx_buf(&e->ctx, &e->buf, e->size,
			       SVMGPU_PLACEMENT_BOTH);
		e->cpu = e->buf.map;
		e->gpu = e->buf.addr;
	} else {
		void *p = NULL;

		svmgpu_svm_init(&e->svm, fd, POOL);
		igt_assert_eq(posix_memalign(&p, 4096, e->size), 0);
		e->cpu = p;
		e->gpu = svmgpu_ptr(p);
	}
	memset(e->cpu, 0, e->size);
	e->fences = svmgpu_page_alloc();
}

static void env_fini(struct env *e)
{
	if (e->mem == MEM_BO) {
		svmgpu_buf_destroy(&e->buf);
		svmgpu_ctx_fini(&e->ctx);
	} else {
		free(e->cpu);
		svmgpu_svm_fini(&e->svm);
	}
	free((void *)e->fences);
	e->cpu = NULL;
}

/* The GPU address of @p, a CPU pointer into the data. */
static uint64_t env_gpu(const struct env *e, const volatile void *p)
{
	const volatile uint8_t *b = p;

	igt_assert(b >= e->cpu && b < e->cpu + e->size);
	return e->gpu + (b - e->cpu);
}

static void env_cs(struct env *e, struct svmgpu_cs *cs, uint32_t bytes)
{
	if (e->mem == MEM_BO)
		svmgpu_ctx_cs(&e->ctx, cs, bytes);
	else
		svmgpu_svm_cs(&e->svm, cs, bytes);
}

static uint32_t env_queue(struct env *e, uint32_t engine)
{
	return svmgpu_queue_create(e->fd, e->mem == MEM_BO ? e->ctx.vm :
				   e->svm.vm, engine);
}

/*
 * Copy @p into GPU memory, @skew bytes after an 8-byte aligned address
 * (a non-zero @skew makes a misaligned program); its GPU address.
 */
static uint64_t env_prog(struct env *e, const struct kprog *p,
			 unsigned int skew)
{
	struct svmgpu_cs cs;
	unsigned int i;
	uint8_t *at;

	env_cs(e, &cs, p->n * 8 + skew + 8);
	at = (uint8_t *)cs.map + skew;
	for (i = 0; i < p->n; i++) {
		uint64_t le = htole64(p->insn[i]);

		memcpy(at + i * 8, &le, 8);
	}
	return svmgpu_cs_addr(&cs) + skew;
}

static void env_submit(struct env *e, struct job *j, uint32_t queue,
		       const struct svmgpu_cs *cs)
{
	memset(j, 0, sizeof(*j));
	j->queue = queue;
	if (e->mem == MEM_BO) {
		j->syncobj = svmgpu_syncobj_create(e->fd, 0);
		svmgpu_submit(e->fd, queue, cs, j->syncobj);
	} else {
		igt_assert(e->next_fence < 4096 / 8);
		j->fence = &e->fences[e->next_fence++];
		j->value = 1;
		*j->fence = 0;
		svmgpu_svm_submit(e->fd, queue, cs, j->fence, j->value);
	}
}

/*
 * Wait for @j: 0 if it succeeded, else the error of its queue, which must
 * then be banned with that error; @st gets the queue's status if not NULL.
 */
static int env_wait(struct env *e, struct job *j,
		    struct drm_svmgpu_queue_status *st)
{
	struct drm_svmgpu_queue_status s;
	int ret;

	if (e->mem == MEM_BO) {
		ret = svmgpu_wait_job(e->fd, j->syncobj);
		svmgpu_syncobj_destroy(e->fd, j->syncobj);
	} else {
		ret = svmgpu_svm_wait(e->fd, j->queue, j->fence, j->value);
	}

	s = svmgpu_queue_status(e->fd, j->queue);
	if (ret == 0) {
		igt_assert_eq_u32(s.banned, 0);
		igt_assert_eq(s.error, 0);
	} else {
		igt_assert_eq_u32(s.banned, 1);
		igt_assert_f(s.error < 0, "queue %u banned, error %d\n",
			     j->queue, s.error);
		if (e->mem == MEM_BO)
			igt_assert_eq(s.error, ret);
		else
			igt_assert_eq(ret, -ECANCELED);
		ret = s.error;
	}
	if (st)
		*st = s;

	return ret;
}

/* A DISPATCH of @prog (at @prog_addr) and END, in a new command buffer. */
static void env_dispatch_cs(struct env *e, struct svmgpu_cs *cs,
			    uint64_t prog_addr, uint32_t len, uint32_t x,
			    uint32_t y, uint32_t z, uint64_t arg)
{
	env_cs(e, cs, 64);
	svmgpu_cs_dispatch(cs, prog_addr, len, x, y, z, arg);
	svmgpu_cs_end(cs);
}

/* Run @cs on a new queue of e->engine; its error, @st as env_wait(). */
static int env_run_cs(struct env *e, const struct svmgpu_cs *cs,
		      struct drm_svmgpu_queue_status *st)
{
	uint32_t queue = env_queue(e, e->engine);
	struct job j;
	int ret;

	env_submit(e, &j, queue, cs);
	ret = env_wait(e, &j, st);
	svmgpu_queue_destroy(e->fd, queue);

	return ret;
}

/* Run @p over an @x * @y * @z grid on a new queue; its error. */
static int env_run(struct env *e, const struct kprog *p, uint32_t x,
		   uint32_t y, uint32_t z, uint64_t arg,
		   struct drm_svmgpu_queue_status *st)
{
	struct svmgpu_cs cs;

	env_dispatch_cs(e, &cs, env_prog(e, p, 0), p->n, x, y, z, arg);
	return env_run_cs(e, &cs, st);
}

/* Run @p on one work item with the data as argument; it must succeed. */
static void env_run1(struct env *e, const struct kprog *p)
{
	int ret = env_run(e, p, 1, 1, 1, e->gpu, NULL);

	igt_assert_f(ret == 0, "dispatch failed: %d (%s)\n", ret,
		     strerror(-ret));
}

static uint64_t rd64(const volatile void *p)
{
	uint64_t v;

	memcpy(&v, (const void *)p, 8);
	return le64toh(v);
}

static void wr64(volatile void *p, uint64_t v)
{
	v = htole64(v);
	memcpy((void *)p, &v, 8);
}

/* --- compute_budget ------------------------------------------------------- */

static char budget_saved[32];
static pid_t budget_pid;

static void restore_budget(void)
{
	if (!budget_saved[0] || budget_pid != getpid())
		return;
	if (svmgpu_param_write(BUDGET_PARAM, budget_saved))
		igt_warn("cannot restore %s to %s\n", BUDGET_PARAM,
			 budget_saved);
	budget_saved[0] = '\0';
}

/* Set compute_budget, saving it first; skips if it cannot be written. */
static void set_budget(uint64_t insns)
{
	char value[32];
	int ret;

	if (!budget_saved[0]) {
		ret = svmgpu_param_read(BUDGET_PARAM, budget_saved,
					sizeof(budget_saved));
		igt_require_f(ret == 0, "no module parameter %s: %s\n",
			      BUDGET_PARAM, strerror(-ret));
		budget_saved[strcspn(budget_saved, "\n")] = '\0';
		if (!budget_pid)
			igt_assert_eq(atexit(restore_budget), 0);
		budget_pid = getpid();
	}
	snprintf(value, sizeof(value), "%" PRIu64, insns);
	ret = svmgpu_param_write(BUDGET_PARAM, value);
	igt_require_f(ret != -EACCES && ret != -EPERM && ret != -ENOENT,
		      "cannot write %s: %s\n", BUDGET_PARAM, strerror(-ret));
	igt_assert_f(ret == 0, "writing %s to %s: %s\n", value, BUDGET_PARAM,
		     strerror(-ret));
}

/* --- Counters ------------------------------------------------------------- */

enum ctr { C_DISPATCHES, C_INSNS, C_F4K, C_F64K, C_F2M, C_V4K, C_V64K,
	   C_V2M, NUM_CTRS };

static const char *const ctr_names[NUM_CTRS] = {
	"compute_dispatches", "compute_insns",
	"svm_faults_4k", "svm_faults_64k", "svm_faults_2m",
	"svm_faults_valid_4k", "svm_faults_valid_64k", "svm_faults_valid_2m",
};

/* The counters of ctr_names now, for svmgpu_ctrs_since(). */
static struct svmgpu_ctrs ctrs_now(int fd)
{
	return svmgpu_ctrs_now(fd, ctr_names, NUM_CTRS);
}

static uint64_t gpu_faults(const struct svmgpu_ctrs *d)
{
	return d->v[C_F4K] + d->v[C_F64K] + d->v[C_F2M] + d->v[C_V4K] +
	       d->v[C_V64K] + d->v[C_V2M];
}

/* --- ALU ------------------------------------------------------------------ */

static const uint64_t alu_vals[] = {
	0, 1, 2, 63, 64, 65, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xffffffffffffffffull, 0xfffffffffffffffeull, 0x123456789abcdef0ull,
	0x00000000ffffffffull, 0x0000000100000000ull,
};

static const int32_t alu_imms[] = {
	0, 1, -1, 2, 63, 64, 65, 0x7fffffff, INT32_MIN, 0x12345678, -64,
};

static const uint32_t alu_ops[] = {
	OP(ADD), OP(SUB), OP(MUL), OP(AND), OP(OR), OP(XOR), OP(SHL), OP(SHR),
	OP(SAR), OP(SEQ), OP(SNE), OP(SLT), OP(SGE), OP(SLTU), OP(SGEU),
	OP(MAD),
};

/* What the ISA says @op gives; @c is MAD's addend, @d LIH's old rd. */
static uint64_t ref_alu(uint32_t op, uint64_t a, uint64_t b, uint64_t c,
			uint64_t d)
{
	switch (op) {
	case OP(ADD): return a + b;
	case OP(SUB): return a - b;
	case OP(MUL): return a * b;
	case OP(AND): return a & b;
	case OP(OR): return a | b;
	case OP(XOR): return a ^ b;
	case OP(SHL): return b >= 64 ? 0 : a << b;
	case OP(SHR): return b >= 64 ? 0 : a >> b;
	case OP(SAR):
		if (b >= 64)
			return (int64_t)a < 0 ? ~0ull : 0;
		return (uint64_t)((int64_t)a >> b);
	case OP(SEQ): return a == b;
	case OP(SNE): return a != b;
	case OP(SLT): return (int64_t)a < (int64_t)b;
	case OP(SGE): return (int64_t)a >= (int64_t)b;
	case OP(SLTU): return a < b;
	case OP(SGEU): return a >= b;
	case OP(MAD): return a * b + c;
	case OP(LI): return (uint64_t)(int64_t)(int32_t)b;
	case OP(LIH): return (d & 0xffffffffull) | (b << 32);
	}
	igt_assert_f(false, "no reference for op %#x\n", op);
	return 0;
}

/* One ALU case: inputs in memory, the result stored next to them. */
struct alu_case {
	uint32_t op;
	bool imm;
	bool alias;	/* rd = ra = rb */
	uint64_t a, b, c;
};

#define ALU_SLOT	32	/* a, b, c, result */
#define ALU_CHUNK	600	/* cases per dispatch */

/*
 * Runs @n cases in one program on one work item: per case, load a, b and
 * c, compute with registers that rotate through r5..r15, store.
 */
static void run_alu_cases(struct env *e, const struct alu_case *cs,
			  unsigned int n)
{
	struct kprog *p = calloc(1, sizeof(*p));
	unsigned int k;

	igt_assert(p);
	igt_assert(n * ALU_SLOT <= e->size);
	memset(e->cpu, 0xcd, n * ALU_SLOT);
	for (k = 0; k < n; k++) {
		const struct alu_case *t = &cs[k];
		uint8_t *slot = e->cpu + k * ALU_SLOT;
		int32_t off = k * ALU_SLOT;
		uint32_t ra = 5 + k % 4, rb = 9 + k % 3, rc = 12 + k % 2;
		uint32_t rd = 14 + k % 2;

		if (t->alias)
			ra = rb = rd = 5 + k % 6;
		wr64(slot, t->a);
		wr64(slot + 8, t->b);
		wr64(slot + 16, t->c);
		k_ld(p, LD64, ra, 1, off);
		if (t->op == OP(LI)) {
			k_li(p, rd, (int32_t)t->b);
		} else if (t->op == OP(LIH)) {
			k_ld(p, LD64, rd, 1, off);
			k_lih(p, rd, (int32_t)t->b);
		} else if (t->imm && t->op == OP(MAD)) {
			k_ld(p, LD64, rc, 1, off + 16);
			k_madi(p, rd, ra, (int32_t)t->b, rc);
		} else if (t->imm) {
			k_raw(p, DRM_SVMGPU_INSN(t->op, rd, ra, 0, 0,
						 (int32_t)t->b) | IMM);
		} else if (t->op == OP(MAD)) {
			if (!t->alias)
				k_ld(p, LD64, rb, 1, off + 8);
			k_ld(p, LD64, rc, 1, off + 16);
			k_mad(p, rd, ra, rb, rc);
		} else {
			if (!t->alias)
				k_ld(p, LD64, rb, 1, off + 8);
			k_op(p, t->op, rd, ra, rb, 0, 0);
		}
		k_st(p, ST64, 1, off + 24, rd);
	}
	k_exit(p);
	igt_assert_lte(p->n, MAX_INSNS);
	env_run1(e, p);

	for (k = 0; k < n; k++) {
		const struct alu_case *t = &cs[k];
		const uint8_t *slot = e->cpu + k * ALU_SLOT;
		uint64_t b = t->imm || t->op == OP(LI) || t->op == OP(LIH) ?
			     (uint64_t)(int64_t)(int32_t)t->b : t->b;
		uint64_t a = t->a;
		uint64_t want, got = rd64(slot + 24);

		if (t->alias)
			b = a;
		want = ref_alu(t->op, a, b, t->c, t->a);
		igt_assert_f(got == want,
			     "op %#x%s%s: a %#" PRIx64 ", b %#" PRIx64
			     ", c %#" PRIx64 ": got %#" PRIx64 ", expected %#"
			     PRIx64 "\n", t->op, t->imm ? " (imm)" : "",
			     t->alias ? " (rd = ra = rb)" : "", a, b, t->c,
			     got, want);
	}
	free(p);
}

static void test_alu(int fd, enum mem mem)
{
	const unsigned int nv = ARRAY_SIZE(alu_vals), ni = ARRAY_SIZE(alu_imms);
	unsigned int n = 0, max = 8192, i, j, o, done;
	struct alu_case *cs = calloc(max, sizeof(*cs));
	struct env e;

	igt_assert(cs);
	require_mem(fd, mem);
	env_init(&e, fd, mem, ALU_CHUNK * ALU_SLOT);

	for (o = 0; o < ARRAY_SIZE(alu_ops); o++) {
		for (i = 0; i < nv; i++) {
			for (j = 0; j < nv; j++)
				cs[n++] = (struct alu_case) {
					.op = alu_ops[o], .a = alu_vals[i],
					.b = alu_vals[j],
					.c = alu_vals[(i + j + o) % nv],
				};
			for (j = 0; j < ni; j++)
				cs[n++] = (struct alu_case) {
					.op = alu_ops[o], .imm = true,
					.a = alu_vals[i],
					.b = (uint32_t)alu_imms[j],
					.c = alu_vals[(i * 3 + j) % nv],
				};
			cs[n++] = (struct alu_case) {
				.op = alu_ops[o], .alias = true,
				.a = alu_vals[i],
				.c = alu_vals[(i + 5) % nv],
			};
		}
	}
	for (j = 0; j < ni; j++) {
		cs[n++] = (struct alu_case) { .op = OP(LI),
					      .b = (uint32_t)alu_imms[j] };
		for (i = 0; i < nv; i++)
			cs[n++] = (struct alu_case) {
				.op = OP(LIH), .a = alu_vals[i],
				.b = (uint32_t)alu_imms[j],
			};
	}
	igt_assert_lte(n, max);

	for (done = 0; done < n; done += ALU_CHUNK)
		run_alu_cases(&e, cs + done,
			      n - done < ALU_CHUNK ? n - done : ALU_CHUNK);
	igt_info("%u ALU cases\n", n);

	env_fini(&e);
	free(cs);
}

/* --- Loads and stores ----------------------------------------------------- */

#define LS_SRC		0	/* 64 bytes the program loads */
#define LS_DST		256	/* 128 bytes it stores to */
#define LS_OUT		512	/* the loaded values, 64 bits each */
#define LS_CANARY	0xee

static uint64_t ref_load(const uint8_t *src, uint32_t op)
{
	uint64_t v = 0;

	switch (op) {
	case OP(LD8): return src[0];
	case OP(LDS8): return (uint64_t)(int64_t)(int8_t)src[0];
	case OP(LD16): case OP(LDS16):
		v = src[0] | (uint64_t)src[1] << 8;
		return op == OP(LD16) ? v :
		       (uint64_t)(int64_t)(int16_t)(uint16_t)v;
	case OP(LD32): case OP(LDS32):
		v = src[0] | (uint64_t)src[1] << 8 |
		    (uint64_t)src[2] << 16 | (uint64_t)src[3] << 24;
		return op == OP(LD32) ? v :
		       (uint64_t)(int64_t)(int32_t)(uint32_t)v;
	case OP(LD64):
		return rd64(src);
	}
	igt_assert(false);
	return 0;
}

static unsigned int op_width(uint32_t op)
{
	switch (op) {
	case OP(LD8): case OP(LDS8): case OP(ST8): return 1;
	case OP(LD16): case OP(LDS16): case OP(ST16): return 2;
	case OP(LD32): case OP(LDS32): case OP(ST32):
	case OP(AADD32): case OP(AXCHG32): case OP(ACMPXCHG32):
	case OP(AMIN32): case OP(AMAX32): case OP(AMINU32): case OP(AMAXU32):
		return 4;
	}
	return 8;
}

/*
 * Every load at every aligned offset of 64 bytes, half from a base below
 * with a positive offset, half from one above with a negative offset;
 * stores of every width into a canary-filled area, from registers whose
 * upper bits must not be stored; a load after a store in the same work
 * item sees it.
 */
static void test_load_store(int fd, enum mem mem)
{
	static const uint32_t loads[] = {
		OP(LD8), OP(LD16), OP(LD32), OP(LD64), OP(LDS8), OP(LDS16),
		OP(LDS32),
	};
	static const struct { uint32_t op; int off; } stores[] = {
		{ OP(ST64), 0 }, { OP(ST32), 8 }, { OP(ST16), 12 },
		{ OP(ST8), 14 }, { OP(ST8), 17 }, { OP(ST8), 19 },
		{ OP(ST16), 22 }, { OP(ST32), 28 }, { OP(ST64), 40 },
		{ OP(ST16), 50 }, { OP(ST8), 63 }, { OP(ST32), 68 },
		{ OP(ST64), 120 },
	};
	uint8_t want_dst[128];
	struct kprog *p = calloc(1, sizeof(*p));
	unsigned int i, k = 0, off;
	struct env e;

	igt_assert(p);
	require_mem(fd, mem);
	env_init(&e, fd, mem, SZ_4K);

	for (i = 0; i < 64; i++)
		e.cpu[LS_SRC + i] = (uint8_t)(i * 0x45 + 0x81);
	memset(e.cpu + LS_DST, LS_CANARY, 128);
	memset(want_dst, LS_CANARY, sizeof(want_dst));

	/* r6 = the end of the source, for negative offsets. */
	k_alui(p, ADD, 6, 1, LS_SRC + 64);
	for (i = 0; i < ARRAY_SIZE(loads); i++) {
		unsigned int w = op_width(loads[i]);

		for (off = 0; off < 64; off += w, k++) {
			uint32_t rd = 7 + k % 9;

			if (k % 2)
				k_ldo(p, loads[i], rd, 6, (int)off - 64);
			else
				k_ldo(p, loads[i], rd, 1, LS_SRC + off);
			k_st(p, ST64, 1, LS_OUT + k * 8, rd);
		}
	}
	/* Stores: of r5 = a pattern with every byte different. */
	k_const(p, 5, 0x8877665544332211ull);
	k_alui(p, ADD, 6, 1, LS_DST + 128);
	for (i = 0; i < ARRAY_SIZE(stores); i++) {
		unsigned int w = op_width(stores[i].op);
		uint64_t v = htole64(0x8877665544332211ull + i * 0x0101);

		k_alui(p, ADD, 8, 5, (int32_t)(i * 0x0101));
		if (i % 2)
			k_sto(p, stores[i].op, 6, stores[i].off - 128, 8);
		else
			k_sto(p, stores[i].op, 1, LS_DST + stores[i].off, 8);
		memcpy(want_dst + stores[i].off, &v, w);
	}
	/* A load of what the item just stored, sign-extended. */
	k_ld(p, LDS32, 9, 1, LS_DST + 28);
	k_st(p, ST64, 1, LS_OUT + k * 8, 9);
	k_exit(p);
	igt_assert_lte(LS_OUT + (k + 1) * 8, SZ_4K);
	env_run1(&e, p);

	k = 0;
	for (i = 0; i < ARRAY_SIZE(loads); i++) {
		unsigned int w = op_width(loads[i]);

		for (off = 0; off < 64; off += w, k++) {
			uint64_t got = rd64(e.cpu + LS_OUT + k * 8);
			uint64_t want = ref_load(e.cpu + LS_SRC + off,
						 loads[i]);

			igt_assert_f(got == want, "load op %#x of %u bytes at "
				     "offset %u: %#" PRIx64 ", expected %#"
				     PRIx64 "\n", loads[i], w, off, got, want);
		}
	}
	svmgpu_assert_bytes(e.cpu + LS_DST, want_dst, sizeof(want_dst),
			    "stored bytes");
	igt_assert_eq_u64(rd64(e.cpu + LS_OUT + k * 8),
			  ref_load(want_dst + 28, OP(LDS32)));

	env_fini(&e);
	free(p);
}

/* --- Atomics -------------------------------------------------------------- */

struct atomic_case {
	uint32_t op;
	uint64_t init, operand, compare;
};

#define S32(v)	((uint64_t)(int64_t)(int32_t)(v))

static const struct atomic_case atomic_cases[] = {
	{ OP(AADD32), 5, 7, 0 },
	{ OP(AADD32), 0xffffffff, 2, 0 },	/* wraps in 32 bits */
	{ OP(AADD32), 0x80000000, S32(-1), 0 },
	{ OP(AXCHG32), 0xdeadbeef, 0x12345678, 0 },
	{ OP(AXCHG32), 0, 0xffffffff, 0 },
	{ OP(ACMPXCHG32), 10, 20, 10 },			/* swaps */
	{ OP(ACMPXCHG32), 10, 20, 11 },			/* does not */
	{ OP(ACMPXCHG32), 0xffffffff, 1, 0xffffffff },
	{ OP(AMIN32), S32(-5), 3, 0 },
	{ OP(AMIN32), 3, S32(-5), 0 },
	{ OP(AMIN32), 0x7fffffff, S32(INT32_MIN), 0 },
	{ OP(AMAX32), S32(-5), 3, 0 },
	{ OP(AMAX32), 3, S32(-5), 0 },
	{ OP(AMAX32), S32(INT32_MIN), S32(-1), 0 },
	{ OP(AMINU32), 0xfffffffb, 3, 0 },
	{ OP(AMINU32), 3, 0xfffffffb, 0 },
	{ OP(AMAXU32), 0xfffffffb, 3, 0 },
	{ OP(AMAXU32), 0x7fffffff, 0x80000000, 0 },
	{ OP(AADD64), 5, 7, 0 },
	{ OP(AADD64), ~0ull, 2, 0 },
	{ OP(AADD64), 0xffffffff, 1, 0 },			/* carries */
	{ OP(AXCHG64), 0x0123456789abcdefull, 0xfedcba9876543210ull, 0 },
	{ OP(ACMPXCHG64), 1ull << 40, 7, 1ull << 40 },
	{ OP(ACMPXCHG64), 1ull << 40, 7, 0 },
	{ OP(ACMPXCHG64), 0xffffffff, 7, ~0ull },	/* high bits count */
	{ OP(AMIN64), -5ull, 3, 0 },
	{ OP(AMIN64), 3, -5ull, 0 },
	{ OP(AMIN64), 0x7fffffffffffffffull, 0x8000000000000000ull, 0 },
	{ OP(AMAX64), -5ull, 3, 0 },
	{ OP(AMAX64), 0x8000000000000000ull, ~0ull, 0 },
	{ OP(AMINU64), -5ull, 3, 0 },
	{ OP(AMINU64), 3, -5ull, 0 },
	{ OP(AMAXU64), -5ull, 3, 0 },
	{ OP(AMAXU64), 0x7fffffffffffffffull, 0x8000000000000000ull, 0 },
};

/* The value at the address after @t, on the access's width. */
static uint64_t ref_atomic(const struct atomic_case *t)
{
	bool w32 = op_width(t->op) == 4;
	uint64_t mask = w32 ? 0xffffffffull : ~0ull;
	uint64_t old = t->init & mask, b = t->operand & mask;
	int64_t so = w32 ? (int32_t)old : (int64_t)old;
	int64_t sb = w32 ? (int32_t)b : (int64_t)b;

	switch (t->op) {
	case OP(AADD32): case OP(AADD64): return (old + b) & mask;
	case OP(AXCHG32): case OP(AXCHG64): return b;
	case OP(ACMPXCHG32): case OP(ACMPXCHG64):
		return old == (t->compare & mask) ? b : old;
	case OP(AMIN32): case OP(AMIN64): return (so < sb ? so : sb) & mask;
	case OP(AMAX32): case OP(AMAX64): return (so > sb ? so : sb) & mask;
	case OP(AMINU32): case OP(AMINU64): return old < b ? old : b;
	case OP(AMAXU32): case OP(AMAXU64): return old > b ? old : b;
	}
	igt_assert(false);
	return 0;
}

#define AT_SLOT		32	/* word, operand, compare, old value */
#define AT_HIGH		0x5ca1ab1eu

/*
 * Every atomic, 32 and 64 bits, once each on a word of its own: the old
 * value comes back zero-extended, the new one is the operation's, and a
 * 32-bit atomic leaves the next 4 bytes alone.
 */
static void test_atomics(int fd, enum mem mem)
{
	struct kprog *p = calloc(1, sizeof(*p));
	unsigned int k, n = ARRAY_SIZE(atomic_cases);
	struct env e;

	igt_assert(p);
	require_mem(fd, mem);
	env_init(&e, fd, mem, n * AT_SLOT);

	for (k = 0; k < n; k++) {
		const struct atomic_case *t = &atomic_cases[k];
		uint8_t *slot = e.cpu + k * AT_SLOT;
		int32_t off = k * AT_SLOT;
		bool cmpxchg = t->op == OP(ACMPXCHG32) ||
			       t->op == OP(ACMPXCHG64);

		if (op_width(t->op) == 4)
			wr64(slot, (t->init & 0xffffffffull) |
			     (uint64_t)AT_HIGH << 32);
		else
			wr64(slot, t->init);
		wr64(slot + 8, t->operand);
		wr64(slot + 16, t->compare);
		wr64(slot + 24, 0xbadbadbadull);

		k_ld(p, LD64, 6, 1, off + 8);
		k_ld(p, LD64, 7, 1, off + 16);
		/* The address in a register, the offset in the instruction. */
		k_alui(p, ADD, 9, 1, off + 4);
		k_atom(p, t->op, 8, 9, -4, 6, cmpxchg ? 7 : 0);
		k_st(p, ST64, 1, off + 24, 8);
	}
	k_exit(p);
	env_run1(&e, p);

	for (k = 0; k < n; k++) {
		const struct atomic_case *t = &atomic_cases[k];
		uint8_t *slot = e.cpu + k * AT_SLOT;
		bool w32 = op_width(t->op) == 4;
		uint64_t old = w32 ? t->init & 0xffffffffull : t->init;
		uint64_t want = ref_atomic(t), got;

		if (w32)
			want |= (uint64_t)AT_HIGH << 32;
		got = rd64(slot);
		igt_assert_f(got == want, "op %#x on %#" PRIx64 " with %#"
			     PRIx64 " (compare %#" PRIx64 "): memory %#"
			     PRIx64 ", expected %#" PRIx64 "\n", t->op,
			     t->init, t->operand, t->compare, got, want);
		got = rd64(slot + 24);
		igt_assert_f(got == old, "op %#x on %#" PRIx64 ": returned %#"
			     PRIx64 ", expected %#" PRIx64 "\n", t->op,
			     t->init, got, old);
	}

	env_fini(&e);
	free(p);
}

/* --- Branches ------------------------------------------------------------- */

/* Where the loops' results go, after the cases'. */
#define BR_EXTRA	(2 * SZ_4K)

static bool ref_branch(uint32_t op, uint64_t a, uint64_t b)
{
	switch (op) {
	case OP(BR): return true;
	case OP(BZ): return a == 0;
	case OP(BNZ): return a != 0;
	case OP(BEQ): return a == b;
	case OP(BNE): return a != b;
	case OP(BLT): return (int64_t)a < (int64_t)b;
	case OP(BGE): return (int64_t)a >= (int64_t)b;
	case OP(BLTU): return a < b;
	case OP(BGEU): return a >= b;
	}
	igt_assert(false);
	return false;
}

/*
 * Every branch, taken and not, on signed and unsigned edge values; a loop
 * back to the first instruction; a backward loop that sums; forward
 * branches to the last instruction.
 */
static void test_branches(int fd, enum mem mem)
{
	static const uint32_t ops[] = {
		OP(BR), OP(BZ), OP(BNZ), OP(BEQ), OP(BNE), OP(BLT), OP(BGE),
		OP(BLTU), OP(BGEU),
	};
	static const uint64_t vals[] = {
		0, 1, ~0ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
		0x100000000ull,
	};
	const unsigned int nv = ARRAY_SIZE(vals);
	struct kprog *p = calloc(1, sizeof(*p));
	unsigned int o, i, j, k = 0, at, loop, fwd;
	struct env e;

	igt_assert(p);
	require_mem(fd, mem);
	env_init(&e, fd, mem, BR_EXTRA + SZ_4K);

	/* 0..3: r10 counts to 5 from the very first instruction. */
	k_alui(p, ADD, 10, 10, 1);
	k_alui(p, SLTU, 11, 10, 5);
	k_branch(p, OP(BNZ), 11, 0, 0);
	k_st(p, ST64, 1, BR_EXTRA, 10);

	for (o = 0; o < ARRAY_SIZE(ops); o++) {
		for (i = 0; i < nv; i++) {
			for (j = 0; j < nv; j++, k++) {
				uint32_t ra = 5, rb = 6;

				wr64(e.cpu + k * 16, vals[i]);
				wr64(e.cpu + k * 16 + 8, vals[j]);
				k_ld(p, LD64, 5, 1, k * 16);
				k_ld(p, LD64, 6, 1, k * 16 + 8);
				k_li(p, 7, 1);
				if (ops[o] == OP(BR))
					ra = rb = 0;
				else if (ops[o] == OP(BZ) ||
					 ops[o] == OP(BNZ))
					rb = 0;
				at = k_op(p, ops[o], 0, ra, rb, 0, 0);
				k_li(p, 7, 0);
				k_patch(p, at);
				k_st(p, ST64, 1, k * 16, 7);
			}
		}
	}
	igt_assert_lte(k * 16, BR_EXTRA);

	/* Sum 1..100 with a backward BLT. */
	k_li(p, 8, 0);
	k_li(p, 9, 0);
	k_li(p, 12, 100);
	loop = p->n;
	k_alui(p, ADD, 9, 9, 1);
	k_alu(p, ADD, 8, 8, 9);
	k_branch(p, OP(BLT), 9, 12, loop);
	k_st(p, ST64, 1, BR_EXTRA + 8, 8);
	/* A forward BR to the last instruction, an EXIT, over a store. */
	fwd = k_branch(p, OP(BR), 0, 0, 0);
	k_st(p, ST64, 1, BR_EXTRA + 16, 12);
	k_patch(p, fwd);
	k_exit(p);
	env_run1(&e, p);

	igt_assert_eq_u64(rd64(e.cpu + BR_EXTRA), 5);
	k = 0;
	for (o = 0; o < ARRAY_SIZE(ops); o++)
		for (i = 0; i < nv; i++)
			for (j = 0; j < nv; j++, k++) {
				uint64_t got = rd64(e.cpu + k * 16);

				igt_assert_f(got == ref_branch(ops[o], vals[i],
							       vals[j]),
					     "branch op %#x on %#" PRIx64 ", %#"
					     PRIx64 ": %s\n", ops[o], vals[i],
					     vals[j], got ? "taken" :
					     "not taken");
			}
	igt_assert_eq_u64(rd64(e.cpu + BR_EXTRA + 8), 5050);
	igt_assert_eq_u64(rd64(e.cpu + BR_EXTRA + 16), 0);

	env_fini(&e);
	free(p);
}

/* --- FENCE and EXIT ------------------------------------------------------- */

#define FX_ITEMS	64

/* B, C and D are the offsets of arrays b, c and d from a, at r1. */
static const char fence_exit[] =
	"	mad	r5, r0, 8, r1		# &a[id]\n"
	"	st64	[r5], r0		# a[id] = id\n"
	"	fence\n"
	"	li	r6, 1\n"
	"	st64	[r5 + B], r6		# b[id] = 1\n"
	"	fence\n"
	"	and	r7, r0, 1\n"
	"	bnz	r7, odd\n"
	"	st64	[r5 + C], r0		# c[id] = id, even\n"
	"	br	even\n"
	"odd:\n"
	"	exit\n"
	"even:\n"
	"	li	r8, 7\n"
	"	st64	[r5 + D], r8		# d[id] = 7, even\n"
	"	fence\n"
	"	br	odd			# the last instruction\n";

/*
 * 64 work items: each stores its id, FENCEs, stores a flag; odd items EXIT
 * there, so that their later stores never happen; even ones store twice
 * more and leave through a final BR back to an EXIT. Every work item's
 * stores are visible once the job is done.
 */
static void test_fence_exit(int fd, enum mem mem)
{
	struct kprog *p = calloc(1, sizeof(*p));
	unsigned int i;
	char src[1024];
	struct env e;

	igt_assert(p);
	require_mem(fd, mem);
	env_init(&e, fd, mem, FX_ITEMS * 8 * 4);
	memset(e.cpu, 0xcc, FX_ITEMS * 8 * 4);

	/* a, b, c, d: arrays of FX_ITEMS words at arg. */
	snprintf(src, sizeof(src), ".equ B, %u\n.equ C, %u\n.equ D, %u\n%s",
		 FX_ITEMS * 8, FX_ITEMS * 16, FX_ITEMS * 24, fence_exit);
	k_asm(p, src);

	igt_assert_eq(env_run(&e, p, FX_ITEMS, 1, 1, e.gpu, NULL), 0);
	for (i = 0; i < FX_ITEMS; i++) {
		bool even = !(i & 1);

		igt_assert_eq_u64(rd64(e.cpu + i * 8), i);
		igt_assert_eq_u64(rd64(e.cpu + FX_ITEMS * 8 + i * 8), 1);
		igt_assert_eq_u64(rd64(e.cpu + FX_ITEMS * 16 + i * 8),
				  even ? i : 0xccccccccccccccccull);
		igt_assert_eq_u64(rd64(e.cpu + FX_ITEMS * 24 + i * 8),
				  even ? 7 : 0xccccccccccccccccull);
	}

	env_fini(&e);
	free(p);
}

/* --- Faults in the middle of a kernel ------------------------------------- */

#define MID_ITEMS	2048
#define MID_SIZE	(8 * SZ_1M)

/*
 * 2048 work items each compute a little, read a word of a CPU-written
 * source the GPU never touched, and write one word into its own page of a
 * fresh 8 MiB mapping nobody touched: the faults come in the middle of the
 * program, and every item still completes with the right data.
 */
static void test_fault_midway(int fd)
{
	struct kprog p = {};
	uint64_t *src, *dst, *args, i;
	struct svmgpu_ctrs before, d;
	struct env e;
	bool stats;

	require_mem(fd, MEM_SVM);
	env_init(&e, fd, MEM_SVM, SZ_4K);
	src = svmgpu_map_anon(MID_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	dst = svmgpu_map_anon(MID_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	for (i = 0; i < MID_ITEMS; i++)
		src[i * 512] = i * 0x9e3779b97f4a7c15ull;
	args = (uint64_t *)e.cpu;
	args[0] = svmgpu_ptr(src);
	args[1] = svmgpu_ptr(dst);

	stats = svmgpu_has_bo_stats(fd);
	if (stats)
		before = ctrs_now(fd);

	k_asm(&p, "	ld64	r5, [r1]		# src\n"
	      "	ld64	r6, [r1 + 8]		# dst\n"
	      "	shl	r7, r0, 12		# id * 4096\n"
	      "	and	r8, r0, 511\n"
	      "	shl	r8, r8, 3		# (id % 512) * 8\n"
	      "	add	r5, r5, r7\n"
	      "	ld64	r9, [r5]		# faults\n"
	      "	mul	r9, r9, 3\n"
	      "	add	r9, r9, r0\n"
	      "	add	r6, r6, r7\n"
	      "	add	r6, r6, r8\n"
	      "	st64	[r6], r9		# faults\n"
	      "	add	r9, r9, 1\n"
	      "	st64	[r5 + 8], r9		# src[.. + 1]\n"
	      "	exit\n");
	igt_assert_eq(env_run(&e, &p, MID_ITEMS, 1, 1, e.gpu, NULL), 0);

	for (i = 0; i < MID_ITEMS; i++) {
		uint64_t want = src[i * 512] * 3 + i;
		unsigned int w;

		for (w = 0; w < 512; w++)
			igt_assert_eq_u64(dst[i * 512 + w],
					  w == i % 512 ? want : 0);
		igt_assert_eq_u64(src[i * 512 + 1], want + 1);
	}
	if (stats) {
		d = svmgpu_ctrs_since(fd, &before);
		igt_info("%" PRIu64 " GPU faults serviced\n", gpu_faults(&d));
		igt_assert_lt_u64(0, gpu_faults(&d));
		igt_assert_eq_u64(d.v[C_DISPATCHES], 1);
	}

	svmgpu_unmap(src, MID_SIZE);
	svmgpu_unmap(dst, MID_SIZE);
	env_fini(&e);
}

/* --- A linked list over every kind of memory ------------------------------ */

struct node {
	uint64_t next;
	uint64_t value;
};

#define LL_STACK	128
#define LL_MALLOC	1500
#define LL_REGION	SZ_2M
#define LL_STRIDE	3328	/* every page of a region holds a node */
#define LL_PER_REGION	(LL_REGION / LL_STRIDE)
#define LL_WALKERS	8

/*
 * The walk: arg points at the head, then a { sum, count } per work item;
 * r6 and r7 start at 0.
 */
static const char list_walk[] =
	"	ld64	r5, [r1]		# head\n"
	"	mad	r10, r0, 16, r1		# &result[id] - 16\n"
	"loop:	bz	r5, done\n"
	"	ld64	r8, [r5 + 8]		# value\n"
	"	add	r6, r6, r8\n"
	"	add	r7, r7, 1\n"
	"	ld64	r5, [r5]		# next\n"
	"	br	loop\n"
	"done:	st64	[r10 + 16], r6\n"
	"	st64	[r10 + 24], r7\n"
	"	exit\n";

/*
 * A list of nodes on the stack, in 1500 mallocs and in two 2 MiB mappings,
 * linked in a shuffled order: one mapping prefetched to VRAM, the other
 * advised to prefer the device so that the walk's faults migrate it.
 * Several work items walk it at once; each finds every node and the sum,
 * and the prefetched nodes are still in VRAM afterwards.
 */
static void test_linked_list(int fd)
{
	const unsigned int total = LL_STACK + LL_MALLOC + 2 * LL_PER_REGION;
	struct node on_stack[LL_STACK];
	struct node **nodes = calloc(total, sizeof(*nodes));
	void *mallocs[LL_MALLOC];
	uint8_t *region[2];
	uint64_t sum = 0, seed = 0x1234567;
	struct kprog p = {};
	unsigned int i, n = 0;
	uint32_t loc[2];
	struct env e;

	igt_assert(nodes);
	require_mem(fd, MEM_SVM);
	igt_require_f(svmgpu_has_svm_migrate(fd),
		      "svmgpu lacks DRM_SVMGPU_FEATURE_SVM_MIGRATE\n");
	env_init(&e, fd, MEM_SVM, SZ_4K);

	for (i = 0; i < LL_STACK; i++)
		nodes[n++] = &on_stack[i];
	for (i = 0; i < LL_MALLOC; i++) {
		/* Of varied sizes, so that they spread over the heap. */
		mallocs[i] = malloc(sizeof(struct node) + (i % 7) * 48);
		igt_assert(mallocs[i]);
		nodes[n++] = mallocs[i];
	}
	for (i = 0; i < 2; i++) {
		unsigned int j;

		region[i] = svmgpu_map_aligned(LL_REGION, SZ_2M);
		for (j = 0; j < LL_PER_REGION; j++)
			nodes[n++] = (struct node *)(region[i] +
						     j * LL_STRIDE);
	}
	igt_assert_eq(n, total);
	for (i = n - 1; i > 0; i--) {
		unsigned int j;
		struct node *t;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		j = (seed >> 33) % (i + 1);
		t = nodes[i];
		nodes[i] = nodes[j];
		nodes[j] = t;
	}
	for (i = 0; i < n; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		nodes[i]->value = seed;
		nodes[i]->next = i + 1 < n ? svmgpu_ptr(nodes[i + 1]) : 0;
		sum += seed;
	}
	wr64(e.cpu, svmgpu_ptr(nodes[0]));

	/* The CPU does not touch the regions again until the walk is done. */
	svmgpu_svm_prefetch(&e.svm, region[0], LL_REGION, false);
	igt_assert_eq_u32(svmgpu_svm_location(&e.svm, region[0], LL_REGION),
			  DRM_SVMGPU_LOC_DEVICE);
	svmgpu_svm_madvise(&e.svm, region[1], LL_REGION,
			   DRM_SVMGPU_LOC_DEVICE,
			   DRM_SVMGPU_ATOMIC_MODE_GLOBAL, 0);

	k_asm(&p, list_walk);
	igt_assert_eq(env_run(&e, &p, LL_WALKERS, 1, 1, e.gpu, NULL), 0);

	loc[0] = svmgpu_svm_location(&e.svm, region[0], LL_REGION);
	loc[1] = svmgpu_svm_location(&e.svm, region[1], LL_REGION);
	igt_info("%u nodes: %u on the stack, %u malloc'd, %u in a prefetched "
		 "mapping (now %s), %u in one preferring VRAM (now %s)\n", n,
		 LL_STACK, LL_MALLOC, (unsigned int)LL_PER_REGION,
		 svmgpu_loc_name(loc[0]), (unsigned int)LL_PER_REGION,
		 svmgpu_loc_name(loc[1]));
	igt_assert_eq_u32(loc[0], DRM_SVMGPU_LOC_DEVICE);
	igt_assert_f(loc[1] == DRM_SVMGPU_LOC_DEVICE ||
		     loc[1] == DRM_SVMGPU_LOC_MIXED,
		     "the mapping preferring VRAM is all in %s after the "
		     "walk\n", svmgpu_loc_name(loc[1]));

	for (i = 0; i < LL_WALKERS; i++) {
		igt_assert_eq_u64(rd64(e.cpu + 16 + i * 16), sum);
		igt_assert_eq_u64(rd64(e.cpu + 24 + i * 16), n);
	}

	/* The CPU reads the nodes back where they are, and the sum holds. */
	for (i = 0, seed = 0; i < n; i++)
		seed += nodes[i]->value;
	igt_assert_eq_u64(seed, sum);

	for (i = 0; i < LL_MALLOC; i++)
		free(mallocs[i]);
	svmgpu_unmap(region[0], LL_REGION);
	svmgpu_unmap(region[1], LL_REGION);
	free(nodes);
	env_fini(&e);
}

/* --- Atomics of work items and CPU threads at once ------------------------ */

#define RACE_X		256
#define RACE_Y		256
#define RACE_ITEMS	(RACE_X * RACE_Y)
#define RACE_THREADS	3

struct race {
	volatile uint64_t *ctr;	/* add64, add32, cas64, ... */
	volatile int stop;
	volatile int started;
	uint64_t done;		/* iterations of one thread */
};

static void *race_thread(void *arg)
{
	struct race *r = arg;
	volatile uint64_t *c = r->ctr;
	uint64_t n = 0;

	__atomic_fetch_add(&r->started, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE) || n < 1000) {
		uint64_t old = c[2];

		__atomic_fetch_add(&c[0], 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_add((volatile uint32_t *)&c[1], 1,
				   __ATOMIC_SEQ_CST);
		while (!__atomic_compare_exchange_n(&c[2], &old, old + 1,
						    false, __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST))
			;
		n++;
	}
	r->done = n;
	return NULL;
}

/*
 * One race: the dispatch of @cs on @queue while the CPU threads run; the
 * counts are exact. Whether CPU increments landed between the GPU's first
 * and last AADD64, as the old values the GPU saw tell.
 */
static bool race_once(struct env *e, uint32_t queue,
		      const struct svmgpu_cs *cs)
{
	volatile uint64_t *ctr = (volatile uint64_t *)e->cpu;
	pthread_t threads[RACE_THREADS];
	struct race per[RACE_THREADS];
	uint64_t cpu = 0, span;
	unsigned int i;
	struct job j;

	memset(e->cpu, 0, 64);
	ctr[6] = ~0ull;
	for (i = 0; i < RACE_THREADS; i++) {
		per[i] = (struct race) { .ctr = ctr };
		igt_assert_eq(pthread_create(&threads[i], NULL, race_thread,
					     &per[i]), 0);
	}
	for (i = 0; i < RACE_THREADS; i++)
		while (!__atomic_load_n(&per[i].started, __ATOMIC_ACQUIRE))
			usleep(100);
	env_submit(e, &j, queue, cs);
	igt_assert_eq(env_wait(e, &j, NULL), 0);
	for (i = 0; i < RACE_THREADS; i++)
		__atomic_store_n(&per[i].stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < RACE_THREADS; i++) {
		igt_assert_eq(pthread_join(threads[i], NULL), 0);
		cpu += per[i].done;
	}
	span = ctr[5] - ctr[6] + 1;
	igt_info("%u work items and %" PRIu64 " CPU iterations; the GPU's "
		 "adds saw %" PRIu64 " values\n", RACE_ITEMS, cpu, span);

	igt_assert_eq_u64(ctr[0], RACE_ITEMS + cpu);
	igt_assert_eq_u64(ctr[1], (uint32_t)(RACE_ITEMS + cpu));
	igt_assert_eq_u64(ctr[2], RACE_ITEMS + cpu);
	igt_assert_eq_u64(ctr[3], RACE_ITEMS - 1);
	igt_assert_eq_u64(ctr[4], -(uint64_t)(RACE_ITEMS - 1));
	igt_assert_lte_u64(RACE_ITEMS, span);

	return span > RACE_ITEMS;
}

/*
 * 65536 work items and three CPU threads add to the same counters at the
 * same time: a 64-bit and a 32-bit AADD against the CPU's atomic adds, a
 * compare-exchange loop against the CPU's, and maximum and minimum. Every
 * count is exact; the race is run again (ten times at most) until CPU
 * adds land between the GPU's.
 */
static void test_atomics_race(int fd, enum mem mem)
{
	struct svmgpu_cs cs;
	struct kprog p = {};
	unsigned int tries;
	bool raced = false;
	uint32_t queue;
	struct env e;

	require_mem(fd, mem);
	env_init(&e, fd, mem, SZ_4K);

	/* add64, add32, cas64, maxu64, min64; then the GPU's old add64s. */
	k_asm(&p, "	li	r6, 1\n"
	      "	aadd64	r12, [r1], r6\n"
	      "	aadd32	r5, [r1 + 8], r6\n"
	      "cas:	ld64	r7, [r1 + 16]\n"
	      "	add	r8, r7, 1\n"
	      "	acmpxchg64 r9, [r1 + 16], r8, r7\n"
	      "	bne	r9, r7, cas\n"
	      "	amaxu64	r5, [r1 + 24], r0\n"
	      "	sub	r10, r11, r0		# -id\n"
	      "	amin64	r5, [r1 + 32], r10\n"
	      "	amaxu64	r5, [r1 + 40], r12\n"
	      "	aminu64	r5, [r1 + 48], r12\n"
	      "	exit\n");

	env_dispatch_cs(&e, &cs, env_prog(&e, &p, 0), p.n, RACE_X, RACE_Y, 1,
			e.gpu);
	queue = env_queue(&e, 0);
	for (tries = 0; tries < 10 && !raced; tries++)
		raced = race_once(&e, queue, &cs);
	igt_assert_f(raced, "no CPU add landed between the GPU's in %u "
		     "runs\n", tries);

	svmgpu_queue_destroy(fd, queue);
	env_fini(&e);
}

/* --- Grids ---------------------------------------------------------------- */

/*
 * Every work item of 1-D and 3-D grids stores its 16 registers as it
 * starts: r0 the linear id, r1 the argument, r2..r4 x, y, z, the rest 0;
 * every item runs once. The grids take turns on the engines.
 */
static void test_grid(int fd, enum mem mem)
{
	static const uint32_t grids[][3] = {
		{ 1, 1, 1 }, { 1000, 1, 1 }, { 7, 5, 3 }, { 1, 64, 2 },
		{ 3, 1, 40 }, { 33, 17, 9 },
	};
	struct kprog p = {};
	unsigned int g, r;
	struct env e;

	require_mem(fd, mem);
	env_init(&e, fd, mem, 33 * 17 * 9 * 128);

	/* r14 |= r15, then r15 = &out[r0]: r15 was 0 if slot 14 is 0. */
	k_alu(&p, OR, 14, 14, 15);
	k_madi(&p, 15, 0, 128, 1);
	for (r = 0; r < 15; r++)
		k_st(&p, ST64, 15, r * 8, r);
	k_exit(&p);

	for (g = 0; g < ARRAY_SIZE(grids); g++) {
		uint32_t x = grids[g][0], y = grids[g][1], z = grids[g][2];
		uint64_t items = (uint64_t)x * y * z, id;

		memset(e.cpu, 0xcc, items * 128);
		e.engine = g % svmgpu_num_engines(fd);
		igt_assert_eq(env_run(&e, &p, x, y, z, e.gpu, NULL), 0);
		for (id = 0; id < items; id++) {
			const uint8_t *s = e.cpu + id * 128;
			uint64_t want[15] = {
				id, e.gpu, id % x, id / x % y, id / x / y,
			};

			for (r = 0; r < 15; r++)
				igt_assert_f(rd64(s + r * 8) == want[r],
					     "grid %ux%ux%u, item %" PRIu64
					     ": r%u is %#" PRIx64
					     ", expected %#" PRIx64 "\n",
					     x, y, z, id, r, rd64(s + r * 8),
					     want[r]);
			igt_assert_eq_u64(rd64(s + 120),
					  0xccccccccccccccccull);
		}
	}

	env_fini(&e);
}

/* --- Invalid programs ----------------------------------------------------- */

#define MARK	0x5a

/* li r5, MARK; st64 [r1], r5: what a bad program would store first. */
static void bad_prefix(struct kprog *p)
{
	p->n = 0;
	k_li(p, 5, MARK);
	k_st(p, ST64, 1, 0, 5);
}

#define INSN(op, rd, ra, rb, rc, imm) \
	DRM_SVMGPU_INSN(OP(op), rd, ra, rb, rc, imm)
#define RAWOP(op)	DRM_SVMGPU_INSN(op, 0, 0, 0, 0, 0)

static const struct bad_insn {
	const char *what;
	uint64_t insn;
} bad_insns[] = {
	{ "opcode 0x00", RAWOP(0x00) },
	{ "opcode 0x13", RAWOP(0x13) },
	{ "opcode 0x1f", RAWOP(0x1f) },
	{ "opcode 0x27", RAWOP(0x27) },
	{ "opcode 0x2c", RAWOP(0x2c) },
	{ "opcode 0x37", RAWOP(0x37) },
	{ "opcode 0x3f", RAWOP(0x3f) },
	{ "opcode 0x49", RAWOP(0x49) },
	{ "opcode 0x4f", RAWOP(0x4f) },
	{ "opcode 0x52", RAWOP(0x52) },
	{ "opcode 0x80", RAWOP(0x80) },
	{ "opcode 0xff", RAWOP(0xff) },
	{ "add rd 16", INSN(ADD, 16, 1, 2, 0, 0) },
	{ "add ra 17", INSN(ADD, 3, 17, 2, 0, 0) },
	{ "add rb 31", INSN(ADD, 3, 1, 31, 0, 0) },
	{ "mad rc 16", INSN(MAD, 3, 1, 2, 16, 0) },
	{ "ld64 ra 20", INSN(LD64, 3, 20, 0, 0, 0) },
	{ "st64 rb 16", INSN(ST64, 0, 1, 16, 0, 0) },
	{ "acmpxchg64 rc 31", INSN(ACMPXCHG64, 3, 1, 2, 31, 0) },
	{ "bz ra 16", INSN(BZ, 0, 16, 0, 0, 0) },
	{ "mbz bit 28", INSN(ADD, 3, 1, 2, 0, 0) | 1ull << 28 },
	{ "mbz bit 29", INSN(ADD, 3, 1, 2, 0, 0) | 1ull << 29 },
	{ "mbz bit 30", INSN(EXIT, 0, 0, 0, 0, 0) | 1ull << 30 },
	{ "imm on li", INSN(LI, 3, 0, 0, 0, 1) | IMM },
	{ "imm on lih", INSN(LIH, 3, 0, 0, 0, 1) | IMM },
	{ "imm on ld64", INSN(LD64, 3, 1, 0, 0, 0) | IMM },
	{ "imm on st32", INSN(ST32, 0, 1, 2, 0, 0) | IMM },
	{ "imm on aadd64", INSN(AADD64, 3, 1, 2, 0, 0) | IMM },
	{ "imm on acmpxchg32", INSN(ACMPXCHG32, 3, 1, 2, 4, 0) | IMM },
	{ "imm on br", INSN(BR, 0, 0, 0, 0, 1) | IMM },
	{ "imm on beq", INSN(BEQ, 0, 1, 2, 0, 1) | IMM },
	{ "imm on fence", INSN(FENCE, 0, 0, 0, 0, 0) | IMM },
	{ "imm on exit", INSN(EXIT, 0, 0, 0, 0, 0) | IMM },
	{ "add with rc", INSN(ADD, 3, 1, 2, 4, 0) },
	{ "add with imm, no flag", INSN(ADD, 3, 1, 2, 0, 8) },
	{ "add imm with rb", INSN(ADD, 3, 1, 2, 0, 8) | IMM },
	{ "mad imm with rb", INSN(MAD, 3, 1, 2, 4, 8) | IMM },
	{ "li with ra", INSN(LI, 3, 1, 0, 0, 8) },
	{ "li with rb", INSN(LI, 3, 0, 1, 0, 8) },
	{ "lih with rc", INSN(LIH, 3, 0, 0, 1, 8) },
	{ "ld64 with rb", INSN(LD64, 3, 1, 2, 0, 0) },
	{ "ld8 with rc", INSN(LD8, 3, 1, 0, 2, 0) },
	{ "st64 with rd", INSN(ST64, 3, 1, 2, 0, 0) },
	{ "st8 with rc", INSN(ST8, 0, 1, 2, 3, 0) },
	{ "aadd64 with rc", INSN(AADD64, 3, 1, 2, 4, 0) },
	{ "amin32 with rc", INSN(AMIN32, 3, 1, 2, 4, 0) },
	{ "br with rd", INSN(BR, 3, 0, 0, 0, 1) },
	{ "br with ra", INSN(BR, 0, 1, 0, 0, 1) },
	{ "bz with rb", INSN(BZ, 0, 1, 2, 0, 1) },
	{ "beq with rd", INSN(BEQ, 3, 1, 2, 0, 1) },
	{ "bltu with rc", INSN(BLTU, 0, 1, 2, 3, 1) },
	{ "fence with rd", INSN(FENCE, 3, 0, 0, 0, 0) },
	{ "fence with imm", INSN(FENCE, 0, 0, 0, 0, 1) },
	{ "exit with ra", INSN(EXIT, 0, 1, 0, 0, 0) },
	{ "exit with imm", INSN(EXIT, 0, 0, 0, 0, -1) },
	{ "br before the start", INSN(BR, 0, 0, 0, 0, -3) },
	{ "br past the end", INSN(BR, 0, 0, 0, 0, 3) },
	{ "bnz far past the end", INSN(BNZ, 0, 5, 0, 0, 100000) },
	{ "bge at INT32_MIN", INSN(BGE, 0, 1, 2, 0, INT32_MIN) },
};

/* Programs whose last instruction is neither EXIT nor BR. */
static const struct bad_insn bad_lasts[] = {
	{ "last add", INSN(ADD, 3, 1, 2, 0, 0) },
	{ "last st64", INSN(ST64, 0, 1, 5, 0, 0) },
	{ "last fence", INSN(FENCE, 0, 0, 0, 0, 0) },
	{ "last bz", INSN(BZ, 0, 5, 0, 0, -1) },
	{ "last bnz", INSN(BNZ, 0, 5, 0, 0, 0) },
};

/* Run a program that must fail validation: -EINVAL, and no MARK. */
static void expect_einval(struct env *e, struct svmgpu_cs *cs,
			  const char *what)
{
	struct drm_svmgpu_queue_status st;
	int ret;

	wr64(e->cpu, 0);
	ret = env_run_cs(e, cs, &st);
	igt_assert_f(ret == -EINVAL, "%s: job error %d (%s), expected "
		     "-EINVAL\n", what, ret, strerror(-ret));
	igt_assert_f(rd64(e->cpu) == 0, "%s: the program ran: %#" PRIx64
		     " written\n", what, rd64(e->cpu));
}

/*
 * Each malformed instruction, after two good ones that would store a mark:
 * -EINVAL and no mark; the same program made good runs. A program ending
 * in neither EXIT nor BR; lengths 0 and above the maximum (and the
 * maximum, which runs); a misaligned program address; a program the MMU
 * cannot fetch (-EFAULT).
 */
static void test_invalid_programs(int fd, enum mem mem)
{
	struct kprog *p = calloc(1, sizeof(*p));
	struct drm_svmgpu_queue_status st;
	struct svmgpu_cs cs;
	uint64_t addr;
	unsigned int i;
	struct env e;
	int ret;

	igt_assert(p);
	require_mem(fd, mem);
	env_init(&e, fd, mem, SZ_4K);

	/* The good program is good. */
	bad_prefix(p);
	k_exit(p);
	igt_assert_eq(env_run(&e, p, 1, 1, 1, e.gpu, NULL), 0);
	igt_assert_eq_u64(rd64(e.cpu), MARK);

	for (i = 0; i < ARRAY_SIZE(bad_insns); i++) {
		bad_prefix(p);
		k_raw(p, bad_insns[i].insn);
		k_exit(p);
		k_exit(p);
		env_dispatch_cs(&e, &cs, env_prog(&e, p, 0), p->n, 4, 1, 1,
				e.gpu);
		expect_einval(&e, &cs, bad_insns[i].what);
	}
	for (i = 0; i < ARRAY_SIZE(bad_lasts); i++) {
		bad_prefix(p);
		k_raw(p, bad_lasts[i].insn);
		env_dispatch_cs(&e, &cs, env_prog(&e, p, 0), p->n, 1, 1, 1,
				e.gpu);
		expect_einval(&e, &cs, bad_lasts[i].what);
	}

	/* Lengths: 0, the maximum + 1, ~0; the maximum works. */
	bad_prefix(p);
	while (p->n < MAX_INSNS + 1)
		k_exit(p);
	addr = env_prog(&e, p, 0);
	env_dispatch_cs(&e, &cs, addr, 0, 1, 1, 1, e.gpu);
	expect_einval(&e, &cs, "length 0");
	env_dispatch_cs(&e, &cs, addr, MAX_INSNS + 1, 1, 1, 1, e.gpu);
	expect_einval(&e, &cs, "length above the maximum");
	env_dispatch_cs(&e, &cs, addr, ~0u, 1, 1, 1, e.gpu);
	expect_einval(&e, &cs, "length ~0");
	env_dispatch_cs(&e, &cs, addr, MAX_INSNS, 1, 1, 1, e.gpu);
	wr64(e.cpu, 0);
	igt_assert_eq(env_run_cs(&e, &cs, NULL), 0);
	igt_assert_eq_u64(rd64(e.cpu), MARK);

	/* The good program at an address that is 4-byte aligned only. */
	bad_prefix(p);
	k_exit(p);
	env_dispatch_cs(&e, &cs, env_prog(&e, p, 4), p->n, 1, 1, 1, e.gpu);
	expect_einval(&e, &cs, "misaligned program");

	/* A program where nothing is mapped: the fetch faults. */
	if (mem == MEM_BO) {
		addr = svmgpu_buf_gpu(&e.buf, e.buf.size);
	} else {
		uint8_t *hole = svmgpu_map_anon(3 * SZ_4K, PROT_READ |
						PROT_WRITE, MAP_PRIVATE);

		svmgpu_unmap(hole + SZ_4K, SZ_4K);
		addr = svmgpu_ptr(hole + SZ_4K);
	}
	env_dispatch_cs(&e, &cs, addr, 2, 1, 1, 1, e.gpu);
	ret = env_run_cs(&e, &cs, &st);
	igt_assert_eq(ret, -EFAULT);
	igt_assert_eq_u64(st.fault_address, addr);

	env_fini(&e);
	free(p);
}

/* --- Bad DISPATCH commands ------------------------------------------------ */

/*
 * DISPATCH with a grid dimension of 0, x * y * z above 64 bits, a non-zero
 * MBZ word, flags, a length of 9 or 11 words: -EINVAL, and the program,
 * which would store a mark, never runs.
 */
static void test_bad_dispatch(int fd, enum mem mem)
{
	static const struct {
		const char *what;
		uint32_t flags, len, x, y, z, mbz;
	} cases[] = {
		{ "x = 0", 0, 10, 0, 1, 1, 0 },
		{ "y = 0", 0, 10, 1, 0, 1, 0 },
		{ "z = 0", 0, 10, 1, 1, 0, 0 },
		{ "grid 0 * 0 * 0", 0, 10, 0, 0, 0, 0 },
		{ "x * y * z overflows", 0, 10, ~0u, ~0u, 2, 0 },
		{ "x * y * z overflows, big", 0, 10, ~0u, ~0u, ~0u, 0 },
		{ "x * y * z overflows, 2^64", 0, 10, 1u << 31, 1u << 31, 4,
		  0 },
		{ "MBZ word", 0, 10, 1, 1, 1, 1 },
		{ "MBZ word top bit", 0, 10, 1, 1, 1, 1u << 31 },
		{ "flag 0x01", 0x01, 10, 1, 1, 1, 0 },
		{ "flag 0x80", 0x80, 10, 1, 1, 1, 0 },
		{ "length 9", 0, 9, 1, 1, 1, 0 },
		{ "length 11", 0, 11, 1, 1, 1, 0 },
	};
	struct kprog p = {};
	struct svmgpu_cs cs;
	uint64_t prog;
	unsigned int i;
	struct env e;

	require_mem(fd, mem);
	env_init(&e, fd, mem, SZ_4K);
	bad_prefix(&p);
	k_exit(&p);
	prog = env_prog(&e, &p, 0);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t w;

		env_cs(&e, &cs, 128);
		svmgpu_cs_header(&cs, DRM_SVMGPU_CMD_DISPATCH, cases[i].flags,
				 cases[i].len);
		svmgpu_cs_qword(&cs, prog);
		svmgpu_cs_dword(&cs, p.n);
		svmgpu_cs_dword(&cs, cases[i].x);
		svmgpu_cs_dword(&cs, cases[i].y);
		svmgpu_cs_dword(&cs, cases[i].z);
		svmgpu_cs_qword(&cs, e.gpu);
		/* Words 9 and 10 of the command, as many as it has. */
		for (w = 9; w < cases[i].len; w++)
			svmgpu_cs_dword(&cs, w == 9 ? cases[i].mbz : 0);
		svmgpu_cs_end(&cs);
		expect_einval(&e, &cs, cases[i].what);
	}

	/* The well-formed command runs. */
	env_dispatch_cs(&e, &cs, prog, p.n, 1, 1, 1, e.gpu);
	wr64(e.cpu, 0);
	igt_assert_eq(env_run_cs(&e, &cs, NULL), 0);
	igt_assert_eq_u64(rd64(e.cpu), MARK);

	env_fini(&e);
}

/* --- Bad accesses --------------------------------------------------------- */

#define BUSY_ITEMS	1024
#define BUSY_LOOPS	200

/* Each item loops a while, then stores id + 1 at arg + id * 8. */
static void busy_prog(struct kprog *p)
{
	char src[256];

	snprintf(src, sizeof(src),
		 "	li	r6, %d\n"
		 "loop:	sub	r6, r6, 1\n"
		 "	bnz	r6, loop\n"
		 "	mad	r5, r0, 8, r1\n"
		 "	add	r7, r0, 1\n"
		 "	st64	[r5], r7\n"
		 "	exit\n", BUSY_LOOPS);
	k_asm(p, src);
}

/* A job that keeps a queue busy, ready to submit. */
struct busy {
	struct env *e;
	uint64_t *out;		/* in e's data */
	uint32_t queue;
	struct svmgpu_cs cs;
	struct job j;
};

static void busy_init(struct busy *b, struct env *e, uint64_t *out,
		      uint32_t engine)
{
	struct kprog p = {};

	b->e = e;
	b->out = out;
	busy_prog(&p);
	env_dispatch_cs(e, &b->cs, env_prog(e, &p, 0), p.n, BUSY_ITEMS, 1,
			1, env_gpu(e, out));
	b->queue = env_queue(e, engine);
}

static void busy_submit(struct busy *b)
{
	memset(b->out, 0, BUSY_ITEMS * 8);
	env_submit(b->e, &b->j, b->queue, &b->cs);
}

static void busy_check(struct busy *b)
{
	unsigned int i;

	igt_assert_eq(env_wait(b->e, &b->j, NULL), 0);
	for (i = 0; i < BUSY_ITEMS; i++)
		igt_assert_eq_u64(b->out[i], i + 1);
}

static void busy_fini(struct busy *b)
{
	svmgpu_queue_destroy(b->e->fd, b->queue);
}

/* An address nothing maps: past the BO, or a hole in the process. */
static uint64_t bad_address(struct env *e, void **hole)
{
	uint8_t *h;

	*hole = NULL;
	if (e->mem == MEM_BO)
		return svmgpu_buf_gpu(&e->buf, e->buf.size) + 0x1238;
	h = svmgpu_map_anon(3 * SZ_4K, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	svmgpu_unmap(h + SZ_4K, SZ_4K);
	*hole = h;
	return svmgpu_ptr(h + SZ_4K + 0x238);
}

/*
 * Work item 17 of 64 reads, writes or does an atomic at an address nothing
 * maps: the job fails with -EFAULT at that address and access, and bans
 * its queue only. A job of another queue of the same VM and one of another
 * VM, running at the same time, complete with their data.
 */
static void test_bad_access(int fd, enum mem mem)
{
	static const struct { const char *what; uint32_t op, access; } ops[] = {
		{ "read", OP(LD64), DRM_SVMGPU_ACCESS_READ },
		{ "write", OP(ST32), DRM_SVMGPU_ACCESS_WRITE },
		{ "atomic", OP(AADD64), DRM_SVMGPU_ACCESS_ATOMIC },
	};
	struct drm_svmgpu_queue_status st;
	struct busy same, other;
	struct env e, e2;
	unsigned int i;
	uint64_t bad;
	void *hole;

	require_mem(fd, mem);
	env_init(&e, fd, mem, 2 * BUSY_ITEMS * 8 + SZ_4K);
	env_init(&e2, fd, mem, BUSY_ITEMS * 8);
	bad = bad_address(&e, &hole);
	wr64(e.cpu, bad);
	busy_init(&same, &e, (uint64_t *)(e.cpu + SZ_4K), 0);
	busy_init(&other, &e2, (uint64_t *)e2.cpu, 0);

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		struct kprog p = {};
		struct svmgpu_cs cs;
		unsigned int skip;
		uint32_t queue;
		struct job j;

		k_ld(&p, LD64, 6, 1, 0);
		k_alui(&p, SEQ, 7, 0, 17);
		skip = k_branch(&p, OP(BZ), 7, 0, 0);
		if (ops[i].op == OP(LD64))
			k_ld(&p, LD64, 8, 6, 0);
		else if (ops[i].op == OP(ST32))
			k_st(&p, ST32, 6, 0, 7);
		else
			k_atom(&p, OP(AADD64), 8, 6, 0, 7, 0);
		k_patch(&p, skip);
		k_madi(&p, 5, 0, 8, 1);
		k_st(&p, ST64, 5, 8, 0);
		k_exit(&p);
		env_dispatch_cs(&e, &cs, env_prog(&e, &p, 0), p.n, 64, 1, 1,
				e.gpu);

		queue = env_queue(&e, 0);
		env_submit(&e, &j, queue, &cs);
		busy_submit(&same);
		busy_submit(&other);
		igt_assert_eq(env_wait(&e, &j, &st), -EFAULT);
		igt_assert_eq_u64(st.fault_address, bad);
		igt_assert_eq_u32(st.fault_access, ops[i].access);
		busy_check(&same);
		busy_check(&other);
		svmgpu_queue_destroy(fd, queue);
	}

	busy_fini(&same);
	busy_fini(&other);
	if (hole)
		svmgpu_unmap(hole, 3 * SZ_4K);
	env_fini(&e2);
	env_fini(&e);
}

/*
 * Loads, stores and atomics at addresses not aligned to their size:
 * -EFAULT at that address, after what the item stored before.
 */
static void test_misaligned(int fd, enum mem mem)
{
	static const struct {
		uint32_t op;
		int off;
		uint32_t access;
	} cases[] = {
		{ OP(LD16), 1, DRM_SVMGPU_ACCESS_READ },
		{ OP(LDS16), 3, DRM_SVMGPU_ACCESS_READ },
		{ OP(LD32), 2, DRM_SVMGPU_ACCESS_READ },
		{ OP(LDS32), 1, DRM_SVMGPU_ACCESS_READ },
		{ OP(LD64), 4, DRM_SVMGPU_ACCESS_READ },
		{ OP(LD64), 7, DRM_SVMGPU_ACCESS_READ },
		{ OP(ST16), 1, DRM_SVMGPU_ACCESS_WRITE },
		{ OP(ST32), 2, DRM_SVMGPU_ACCESS_WRITE },
		{ OP(ST64), 4, DRM_SVMGPU_ACCESS_WRITE },
		{ OP(AADD32), 2, DRM_SVMGPU_ACCESS_ATOMIC },
		{ OP(AXCHG64), 4, DRM_SVMGPU_ACCESS_ATOMIC },
		{ OP(ACMPXCHG64), 1, DRM_SVMGPU_ACCESS_ATOMIC },
		{ OP(AMINU32), 1, DRM_SVMGPU_ACCESS_ATOMIC },
	};
	struct drm_svmgpu_queue_status st;
	unsigned int i;
	struct env e;

	require_mem(fd, mem);
	env_init(&e, fd, mem, SZ_4K);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t op = cases[i].op;
		struct kprog p = {};
		uint64_t addr = e.gpu + 64 + cases[i].off;
		bool cmpxchg = op == OP(ACMPXCHG64);

		wr64(e.cpu, 0);
		bad_prefix(&p);
		if (cases[i].access == DRM_SVMGPU_ACCESS_READ)
			k_ldo(&p, op, 6, 1, 64 + cases[i].off);
		else if (cases[i].access == DRM_SVMGPU_ACCESS_WRITE)
			k_sto(&p, op, 1, 64 + cases[i].off, 5);
		else
			k_atom(&p, op, 6, 1, 64 + cases[i].off, 5,
			       cmpxchg ? 5 : 0);
		k_exit(&p);
		igt_assert_eq(env_run(&e, &p, 1, 1, 1, e.gpu, &st), -EFAULT);
		igt_assert_f(st.fault_address == addr,
			     "op %#x at +%d: fault at %#llx, expected %#"
			     PRIx64 "\n", op, cases[i].off,
			     (unsigned long long)st.fault_address, addr);
		igt_assert_eq_u32(st.fault_access, cases[i].access);
		/* What the item stored before it faulted stays stored. */
		igt_assert_eq_u64(rd64(e.cpu), MARK);
	}

	env_fini(&e);
}

/* --- The instruction budget ----------------------------------------------- */

/* @pre LIs, then a loop of 3 instructions run @loops times, then EXIT. */
static void count_prog(struct kprog *p, unsigned int pre, int32_t loops)
{
	unsigned int i, loop;

	p->n = 0;
	for (i = 0; i < pre; i++)
		k_li(p, 7, i);
	loop = k_alui(p, ADD, 5, 5, 1);
	k_alui(p, SLTU, 6, 5, loops);
	k_branch(p, OP(BNZ), 6, 0, loop);
	k_st(p, ST64, 1, 0, 5);
	k_exit(p);
}

/*
 * With compute_budget 1000: work items of exactly 1000 instructions run,
 * 64 of them too (the budget is per item); one of 1001 fails with -ETIME,
 * as does one looping 10^6 times. compute_insns counts what ran.
 */
static void test_budget(int fd, enum mem mem)
{
	struct drm_svmgpu_queue_status st;
	struct svmgpu_ctrs before, d;
	struct kprog p = {};
	uint64_t budget;
	struct env e;
	bool stats;

	require_mem(fd, mem);
	env_init(&e, fd, mem, SZ_4K);
	set_budget(1000);
	stats = svmgpu_has_bo_stats(fd);

	/* 333 * 3 + ST64 + EXIT = 1001: one too many. */
	count_prog(&p, 0, 333);
	igt_assert_eq(env_run(&e, &p, 1, 1, 1, e.gpu, &st), -ETIME);
	/* 332 * 3 + ST64 + EXIT + 2 LIs = 1000. */
	count_prog(&p, 2, 332);
	if (stats)
		before = ctrs_now(fd);
	igt_assert_eq(env_run(&e, &p, 1, 1, 1, e.gpu, NULL), 0);
	igt_assert_eq_u64(rd64(e.cpu), 332);
	if (stats) {
		d = svmgpu_ctrs_since(fd, &before);
		igt_assert_eq_u64(d.v[C_DISPATCHES], 1);
		igt_assert_eq_u64(d.v[C_INSNS], 1000);
	}
	igt_assert_eq(env_run(&e, &p, 64, 1, 1, e.gpu, NULL), 0);
	count_prog(&p, 3, 332);
	igt_assert_eq(env_run(&e, &p, 1, 1, 1, e.gpu, &st), -ETIME);
	count_prog(&p, 0, 1000000);
	igt_assert_eq(env_run(&e, &p, 16, 1, 1, e.gpu, &st), -ETIME);

	restore_budget();
	/* The default budget runs the long loop, if it is long enough. */
	igt_assert_eq(svmgpu_param_u64(BUDGET_PARAM, &budget), 0);
	if (budget == 0 || budget >= 3 * 1000000 + 2) {
		igt_assert_eq(env_run(&e, &p, 1, 1, 1, e.gpu, NULL), 0);
		igt_assert_eq_u64(rd64(e.cpu), 1000000);
	} else {
		igt_info("default compute_budget %" PRIu64 " is below 3000002"
			 "\n", budget);
	}

	env_fini(&e);
}

/*
 * A dispatch that never ends: with no budget, @src runs on an x * y grid.
 * The job timeout resets the engine, and the queue is banned with -ETIME.
 * A job of another VM, on another engine if there is one, runs meanwhile
 * (or after the reset) and completes; the VM of the hang runs new jobs
 * afterwards.
 */
static void endless(int fd, enum mem mem, const char *src, uint32_t x,
		    uint32_t y)
{
	struct drm_svmgpu_queue_status st;
	struct timespec since = {};
	struct kprog p = {};
	struct svmgpu_cs cs;
	struct busy other;
	uint32_t queue, engine;
	struct env e, e2;
	struct job j;
	int timeout_ms;
	uint64_t ms;

	require_mem(fd, mem);
	timeout_ms = svmgpu_job_timeout_ms();
	igt_require_f(timeout_ms >= 0, "svmgpu has no job_timeout_ms\n");
	env_init(&e, fd, mem, SZ_4K);
	env_init(&e2, fd, mem, BUSY_ITEMS * 8);
	set_budget(0);
	engine = svmgpu_num_engines(fd) > 1 ? 1 : 0;
	busy_init(&other, &e2, (uint64_t *)e2.cpu, engine);

	k_asm(&p, src);
	igt_assert_eq(p.n, 1);
	env_dispatch_cs(&e, &cs, env_prog(&e, &p, 0), p.n, x, y, 1, e.gpu);
	queue = env_queue(&e, 0);
	igt_nsec_elapsed(&since);
	env_submit(&e, &j, queue, &cs);
	busy_submit(&other);
	if (engine) {
		busy_check(&other);
		igt_info("the other engine's job done %" PRIu64 " ms into "
			 "the hang\n", igt_nsec_elapsed(&since) / 1000000);
	}
	igt_assert_eq(env_wait(&e, &j, &st), -ETIME);
	ms = igt_nsec_elapsed(&since) / 1000000;
	igt_info("endless dispatch reset after %" PRIu64 " ms (job timeout %d "
		 "ms)\n", ms, timeout_ms);
	igt_assert_lte_u64(timeout_ms * 9ull / 10, ms);
	if (!engine)
		busy_check(&other);
	svmgpu_queue_destroy(fd, queue);

	restore_budget();
	/* Both VMs run again, on the engine that was reset. */
	busy_fini(&other);
	busy_init(&other, &e2, (uint64_t *)e2.cpu, 0);
	busy_submit(&other);
	busy_check(&other);
	busy_fini(&other);
	p.n = 0;
	bad_prefix(&p);
	k_exit(&p);
	wr64(e.cpu, 0);
	igt_assert_eq(env_run(&e, &p, 1, 1, 1, e.gpu, NULL), 0);
	igt_assert_eq_u64(rd64(e.cpu), MARK);

	env_fini(&e2);
	env_fini(&e);
}

/* Every work item loops for ever: a program of one BR to itself. */
static void test_endless(int fd, enum mem mem)
{
	endless(fd, mem, "self:	br	self\n", 4 * compute_threads(fd), 1);
}

/*
 * 2^62 work items that exit at once: the compute threads still yield the
 * CPU and see the reset (no soft lockup), and the job timeout stops it.
 */
static void test_endless_grid(int fd, enum mem mem)
{
	endless(fd, mem, "	exit\n", 1u << 31, 1u << 31);
}

/*
 * A process killed while its dispatch runs: closing its file cancels the
 * job, and the compute threads let go of it well before the job timeout;
 * every engine then runs another process's dispatches.
 */
static void test_kill(int fd)
{
	struct timespec since = {};
	int sync[2], timeout_ms, status;
	uint32_t engine;
	struct env e;
	struct busy b;
	uint64_t ms;
	pid_t pid;
	char c;

	require_mem(fd, MEM_SVM);
	timeout_ms = svmgpu_job_timeout_ms();
	igt_require_f(timeout_ms >= 0, "svmgpu has no job_timeout_ms\n");
	igt_assert_eq(pipe(sync), 0);

	/* Not igt_fork(): the child is meant to die of SIGKILL. */
	pid = fork();
	igt_assert_lte(0, pid);
	if (pid == 0) {
		int cfd = drm_open_svmgpu(0);
		struct kprog p = {};
		struct svmgpu_cs cs;
		struct env ce;
		struct job j;

		close(sync[0]);
		env_init(&ce, cfd, MEM_SVM, SZ_4K);
		k_asm(&p, "self:	br	self\n");
		env_dispatch_cs(&ce, &cs, env_prog(&ce, &p, 0), p.n,
				4 * compute_threads(cfd), 1, 1, ce.gpu);
		env_submit(&ce, &j, env_queue(&ce, 0), &cs);
		if (write(sync[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}

	close(sync[1]);
	igt_assert_eq(read(sync[0], &c, 1), 1);
	close(sync[0]);
	/* Let the dispatch start on the compute threads. */
	usleep(200 * 1000);
	igt_nsec_elapsed(&since);
	igt_assert_eq(kill(pid, SIGKILL), 0);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	env_init(&e, fd, MEM_SVM, BUSY_ITEMS * 8);
	for (engine = 0; engine < svmgpu_num_engines(fd); engine++) {
		busy_init(&b, &e, (uint64_t *)e.cpu, engine);
		busy_submit(&b);
		busy_check(&b);
		busy_fini(&b);
	}
	ms = igt_nsec_elapsed(&since) / 1000000;
	igt_info("killed with its dispatch running; every engine ran again "
		 "after %" PRIu64 " ms (job timeout %d ms)\n", ms, timeout_ms);
	igt_assert_lt_u64(ms, timeout_ms);
	env_fini(&e);
}

/* --- A large dispatch ----------------------------------------------------- */

#define LARGE_X		1024
#define LARGE_Y		1024

/*
 * 1M work items, enough for every compute thread, each storing a byte of
 * its id: every byte is right, and bo_stats counts one dispatch of
 * exactly 4 instructions per item.
 */
static void test_large(int fd)
{
	const uint64_t items = (uint64_t)LARGE_X * LARGE_Y;
	struct timespec since = {};
	struct svmgpu_ctrs before, d;
	struct kprog p = {};
	uint64_t i, ms;
	struct env e;
	bool stats;

	require_mem(fd, MEM_SVM);
	igt_info("%u compute threads per engine\n", compute_threads(fd));
	env_init(&e, fd, MEM_SVM, items);
	memset(e.cpu, 0xcc, items);
	stats = svmgpu_has_bo_stats(fd);
	if (stats)
		before = ctrs_now(fd);

	k_asm(&p, "	add	r5, r1, r0\n"
	      "	xor	r6, r0, 0x5a\n"
	      "	st8	[r5], r6\n"
	      "	exit\n");
	igt_nsec_elapsed(&since);
	igt_assert_eq(env_run(&e, &p, LARGE_X, LARGE_Y, 1, e.gpu, NULL), 0);
	ms = igt_nsec_elapsed(&since) / 1000000;
	igt_info("%" PRIu64 " work items in %" PRIu64 " ms\n", items, ms);

	for (i = 0; i < items; i++)
		igt_assert_f(e.cpu[i] == (uint8_t)(i ^ 0x5a),
			     "item %" PRIu64 " stored %#x\n", i, e.cpu[i]);
	if (stats) {
		d = svmgpu_ctrs_since(fd, &before);
		igt_assert_eq_u64(d.v[C_DISPATCHES], 1);
		igt_assert_eq_u64(d.v[C_INSNS], items * p.n);
	}

	env_fini(&e);
}

igt_main
{
	static const enum mem mems[] = { MEM_BO, MEM_SVM };
	static const struct {
		const char *name;
		const char *desc;
		void (*fn)(int fd, enum mem mem);
	} per_mem[] = {
		{ "alu", "Every ALU operation, register and immediate forms, "
		  "rd = ra = rb, on edge values (shifts by 63, 64 and more, "
		  "signed and unsigned compares at the limits, wrapping, "
		  "sign-extended immediates), checked against the CPU.",
		  test_alu },
		{ "load-store", "Loads of 8, 16, 32 and 64 bits at every "
		  "aligned offset, zero- and sign-extended, with positive and "
		  "negative offsets; stores of every width touch only their "
		  "bytes.", test_load_store },
		{ "atomics", "Every atomic, signed and unsigned, 32 and 64 "
		  "bits: the old value, zero-extended, and the new one; a "
		  "32-bit atomic leaves the next word alone.", test_atomics },
		{ "branches", "Every branch taken and not on signed and "
		  "unsigned edge values; loops, to the first instruction too; "
		  "a forward branch to the last.", test_branches },
		{ "fence-exit", "FENCE between stores; EXIT ends a work item "
		  "early, and its later stores never happen; a program ending "
		  "in BR.", test_fence_exit },
		{ "atomics-race", "65536 work items and three CPU threads "
		  "update the same counters at once (add 64 and 32, "
		  "compare-exchange loops, max, min): the counts are exact.",
		  test_atomics_race },
		{ "grid", "1-D and 3-D grids: every work item runs once and "
		  "starts with r0 its linear id, r1 the argument, r2..r4 its "
		  "x, y, z, and r5..r15 zero.", test_grid },
		{ "invalid-program", "Unknown opcodes, register fields above "
		  "15, MBZ bits, IMM where not allowed, unused fields, "
		  "branches out of the program, a last instruction neither "
		  "EXIT nor BR, lengths 0 and above the maximum, a misaligned "
		  "program: -EINVAL and nothing runs; an unmapped program: "
		  "-EFAULT.", test_invalid_programs },
		{ "bad-dispatch", "DISPATCH with a zero grid dimension, a grid "
		  "above 2^64 items, a non-zero MBZ word, flags or another "
		  "length: -EINVAL and nothing runs.", test_bad_dispatch },
		{ "bad-access", "A read, write or atomic of one work item at "
		  "an unmapped address bans its queue with -EFAULT at that "
		  "address and access; queues of the same and of another VM "
		  "complete their jobs meanwhile.", test_bad_access },
		{ "misaligned", "Loads, stores and atomics not naturally "
		  "aligned: -EFAULT at that address; earlier stores stay.",
		  test_misaligned },
		{ "budget", "compute_budget limits each work item: exactly the "
		  "budget runs, one more instruction gives -ETIME.",
		  test_budget },
		{ "endless-loop", "With no budget, an endless loop in every "
		  "work item is reset at the job timeout (-ETIME); another "
		  "VM's queue carries on, and the engine runs jobs after.",
		  test_endless },
		{ "endless-grid", "A grid of 2^62 work items that exit at once "
		  "is reset at the job timeout (-ETIME), with no soft lockup; "
		  "another VM's queue carries on, and the engine runs jobs "
		  "after.", test_endless_grid },
	};

	igt_fixture {
		svmgpu_fd = drm_open_svmgpu(0);
	}

	for (volatile unsigned int t = 0; t < ARRAY_SIZE(per_mem); t++) {
		for (volatile unsigned int m = 0; m < ARRAY_SIZE(mems);
		     m++) {
			igt_describe(per_mem[t].desc);
			igt_subtest_f("%s-%s", per_mem[t].name,
				      mem_names[mems[m]]) {
				restore_budget();
				per_mem[t].fn(svmgpu_fd, mems[m]);
			}
		}
	}

	igt_describe("SVM memory never touched by the GPU, some not even by "
		     "the CPU: 2048 work items fault in the middle of the "
		     "program and complete with the right data; the GPU "
		     "fault counters move.");
	igt_subtest("fault-midway")
		test_fault_midway(svmgpu_fd);

	igt_describe("A linked list over the stack, malloc and two "
		     "mappings, one prefetched to VRAM and one preferring "
		     "it: several work items walk it and find the sum; the "
		     "prefetched nodes stay in VRAM.");
	igt_subtest("linked-list")
		test_linked_list(svmgpu_fd);

	igt_describe("A process killed while its endless dispatch runs: "
		     "its file's close cancels the job at once, well before "
		     "the job timeout, and every engine runs another "
		     "process's dispatches after.");
	igt_subtest("kill-during-dispatch")
		test_kill(svmgpu_fd);

	igt_describe("A dispatch of a million work items, for every compute "
		     "thread: every item's store is there, and bo_stats counts "
		     "its instructions exactly.");
	igt_subtest("large-dispatch")
		test_large(svmgpu_fd);

	igt_fixture {
		restore_budget();
		if (svmgpu_fd >= 0)
			close(svmgpu_fd);
		svmgpu_fd = -1;
	}
}
