// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * Unit tests of libsvmgpu's command-stream builder. Output is TAP.
 *
 * Every expected word below is written out by hand from the uAPI's "DOC:
 * command stream" (svmgpu_drm.h), not computed with the library's helpers
 * or with DRM_SVMGPU_CMD_HEADER(): header = opcode | flags << 8 | length
 * << 16, 64-bit operands low word first.
 *
 * To make allocations fail, this program defines realloc(); linked with
 * --export-dynamic it interposes libc's for libsvmgpu, and hands every call
 * to glibc's __libc_realloc() unless a test asked for a failure. Tools that
 * replace the allocator (valgrind) take realloc() back: the test that needs
 * it then skips.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svmgpu_drm.h"
#include "svmgpu.h"

#include "tap.h"

/* ---- Failing allocations ------------------------------------------------ */

void *__libc_realloc(void *ptr, size_t size);

static bool realloc_fails;
static unsigned int realloc_calls;

void *realloc(void *ptr, size_t size)
{
	realloc_calls++;
	if (realloc_fails) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(ptr, size);
}

/* ---- Helpers ------------------------------------------------------------ */

/* The longest stream, in words: the 1 MiB of DRM_IOCTL_SVMGPU_EXEC. */
#define MAX_WORDS (1u << 18)

static struct svmgpu_cs *cs_new(void)
{
	struct svmgpu_cs *cs = NULL;

	EXPECT_EQ(svmgpu_cs_new(&cs), 0);
	return cs;
}

/* @cs holds exactly the @n words at @expected, and no error. */
static void expect_words_at(const char *file, int line, struct svmgpu_cs *cs,
			    const uint32_t *expected, size_t n)
{
	const uint32_t *w = svmgpu_cs_words(cs);
	size_t i;

	if (svmgpu_cs_error(cs)) {
		diag("%s:%d: stream error %d", file, line,
		     svmgpu_cs_error(cs));
		t_failed = true;
	}
	if (svmgpu_cs_size(cs) != n * 4) {
		diag("%s:%d: stream is %zu bytes, expected %zu", file, line,
		     svmgpu_cs_size(cs), n * 4);
		t_failed = true;
		return;
	}
	for (i = 0; i < n; i++) {
		if (w[i] != expected[i]) {
			diag("%s:%d: word %zu is 0x%08x, expected 0x%08x",
			     file, line, i, w[i], expected[i]);
			t_failed = true;
		}
	}
}

#define EXPECT_WORDS(cs, ...) do {					\
	static const uint32_t expected_[] = { __VA_ARGS__ };		\
	expect_words_at(__FILE__, __LINE__, (cs), expected_,		\
			ARRAY_SIZE(expected_));				\
} while (0)

/*
 * Run @emit on a fresh stream: it must fail with -EINVAL, latch it and
 * leave the stream empty.
 */
#define EXPECT_REJECTED(emit) do {					\
	struct svmgpu_cs *cs = cs_new();				\
	if (cs) {							\
		EXPECT_EQ(emit, -EINVAL);				\
		EXPECT_EQ(svmgpu_cs_error(cs), -EINVAL);		\
		EXPECT_EQ(svmgpu_cs_size(cs), 0);			\
		svmgpu_cs_del(cs);					\
	}								\
} while (0)

/* ---- Tests -------------------------------------------------------------- */

static void test_null_arguments(void)
{
	uint32_t buf[4];

	EXPECT_EQ(svmgpu_cs_new(NULL), -EINVAL);
	svmgpu_cs_del(NULL);	/* No-ops; must not crash. */
	svmgpu_cs_reset(NULL);
	EXPECT(!svmgpu_cs_words(NULL));
	EXPECT_EQ(svmgpu_cs_size(NULL), 0);
	EXPECT_EQ(svmgpu_cs_error(NULL), -EINVAL);
	EXPECT_EQ(svmgpu_cs_write(NULL, buf, sizeof(buf)), -EINVAL);
	EXPECT_EQ(svmgpu_cs_nop(NULL, 0), -EINVAL);
	EXPECT_EQ(svmgpu_cs_end(NULL), -EINVAL);
	EXPECT_EQ(svmgpu_cs_write_imm32(NULL, 0x1000, 0), -EINVAL);
	EXPECT_EQ(svmgpu_cs_write_imm64(NULL, 0x1000, 0), -EINVAL);
	EXPECT_EQ(svmgpu_cs_copy(NULL, 0x1000, 0x2000, 4), -EINVAL);
	EXPECT_EQ(svmgpu_cs_fill(NULL, 0x1000, 0, 4), -EINVAL);
	EXPECT_EQ(svmgpu_cs_atomic(NULL, DRM_SVMGPU_ATOMIC_ADD, 0, 0x1000, 1,
				   0, 0), -EINVAL);
	EXPECT_EQ(svmgpu_cs_wait_mem(NULL, DRM_SVMGPU_WAIT_EQ, 0, 0x1000, 0,
				     ~0ull), -EINVAL);
	EXPECT_EQ(svmgpu_cs_timestamp(NULL, 0x1000), -EINVAL);
}

static void test_new_empty(void)
{
	struct svmgpu_cs *cs = cs_new();
	uint32_t buf = 0xa5a5a5a5;

	REQUIRE(cs);
	EXPECT_EQ(svmgpu_cs_size(cs), 0);
	EXPECT_EQ(svmgpu_cs_error(cs), 0);
	/* An empty stream copies nothing, even into no room. */
	EXPECT_EQ(svmgpu_cs_write(cs, &buf, 0), 0);
	EXPECT_EQ_HEX(buf, 0xa5a5a5a5);
	EXPECT_EQ(svmgpu_cs_write(cs, NULL, 0), -EINVAL);
	svmgpu_cs_del(cs);
}

static void test_encode_nop(void)
{
	struct svmgpu_cs *cs = cs_new();
	const uint32_t *w;
	size_t i;

	REQUIRE(cs);
	EXPECT_EQ(svmgpu_cs_nop(cs, 0), 0);
	EXPECT_WORDS(cs, 0x00010000);

	svmgpu_cs_reset(cs);
	EXPECT_EQ(svmgpu_cs_nop(cs, 3), 0);
	EXPECT_WORDS(cs, 0x00040000, 0, 0, 0);

	/* The longest NOP: 65535 words, header included. */
	svmgpu_cs_reset(cs);
	EXPECT_EQ(svmgpu_cs_nop(cs, 65534), 0);
	EXPECT_EQ(svmgpu_cs_size(cs), 65535 * 4);
	w = svmgpu_cs_words(cs);
	REQUIRE(w);
	EXPECT_EQ_HEX(w[0], 0xffff0000);
	for (i = 1; i < 65535; i++)
		if (w[i])
			break;
	EXPECT_EQ(i, 65535);
	svmgpu_cs_del(cs);
}

static void test_encode_end(void)
{
	struct svmgpu_cs *cs = cs_new();

	REQUIRE(cs);
	EXPECT_EQ(svmgpu_cs_end(cs), 0);
	EXPECT_WORDS(cs, 0x00010001);
	svmgpu_cs_del(cs);
}

static void test_encode_write_imm(void)
{
	struct svmgpu_cs *cs = cs_new();

	REQUIRE(cs);
	EXPECT_EQ(svmgpu_cs_write_imm32(cs, 0x0000123456789ab4ull,
					0xdeadbeef), 0);
	EXPECT_WORDS(cs, 0x00050002,
		     0x56789ab4, 0x00001234,
		     0xdeadbeef, 0x00000000);

	svmgpu_cs_reset(cs);
	EXPECT_EQ(svmgpu_cs_write_imm64(cs, 0xfedcba9876543210ull,
					0x0123456789abcdefull), 0);
	EXPECT_WORDS(cs, 0x00050102,
		     0x76543210, 0xfedcba98,
		     0x89abcdef, 0x01234567);
	svmgpu_cs_del(cs);
}

static void test_encode_copy(void)
{
	struct svmgpu_cs *cs = cs_new();

	REQUIRE(cs);
	/* Any alignment and size. */
	EXPECT_EQ(svmgpu_cs_copy(cs, 0x100001, 0x0000000200000003ull,
				 0x0000000500000007ull), 0);
	EXPECT_WORDS(cs, 0x00070003,
		     0x00100001, 0x00000000,
		     0x00000003, 0x00000002,
		     0x00000007, 0x00000005);
	svmgpu_cs_del(cs);
}

static void test_encode_fill(void)
{
	struct svmgpu_cs *cs = cs_new();

	REQUIRE(cs);
	EXPECT_EQ(svmgpu_cs_fill(cs, 0x0000000a00000010ull, 0xcafef00d,
				 0x0000000100000004ull), 0);
	EXPECT_WORDS(cs, 0x00070004,
		     0x00000010, 0x0000000a,
		     0xcafef00d, 0x00000000,	/* pattern, MBZ */
		     0x00000004, 0x00000001);
	svmgpu_cs_del(cs);
}

static void test_encode_atomic(void)
{
	struct svmgpu_cs *cs = cs_new();

	REQUIRE(cs);
	/* ADD, 32 bits, no return. */
	EXPECT_EQ(svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_ADD, 0, 0x10004, 5, 0,
				   0), 0);
	EXPECT_WORDS(cs, 0x00090005,
		     0x00010004, 0, 5, 0, 0, 0, 0, 0);

	/* CMPXCHG, 64 bits, with return: flags 2 | 8 | 16 = 0x1a. */
	svmgpu_cs_reset(cs);
	EXPECT_EQ(svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_CMPXCHG,
				   DRM_SVMGPU_ATOMIC_64 |
				   DRM_SVMGPU_ATOMIC_RETURN,
				   0x0000000100000008ull,
				   0x1111111122222222ull,
				   0x3333333344444444ull,
				   0x0000000200000010ull), 0);
	EXPECT_WORDS(cs, 0x00091a05,
		     0x00000008, 0x00000001,
		     0x22222222, 0x11111111,
		     0x44444444, 0x33333333,
		     0x00000010, 0x00000002);

	/*
	 * XCHG, 32 bits, with return: flags 1 | 16 = 0x11. Only the low
	 * half of a 32-bit operand counts; the high word is zero.
	 */
	svmgpu_cs_reset(cs);
	EXPECT_EQ(svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_XCHG,
				   DRM_SVMGPU_ATOMIC_RETURN, 0x2000,
				   0xffffffff00000007ull, 0, 0x3004), 0);
	EXPECT_WORDS(cs, 0x00091105,
		     0x00002000, 0, 0x00000007, 0, 0, 0, 0x00003004, 0);

	/* INC, 64 bits: flags 3 | 8 = 0x0b. */
	svmgpu_cs_reset(cs);
	EXPECT_EQ(svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC,
				   DRM_SVMGPU_ATOMIC_64, 0x4008, 0, 0, 0), 0);
	EXPECT_WORDS(cs, 0x00090b05,
		     0x00004008, 0, 0, 0, 0, 0, 0, 0);

	/* ADD of -1 on 32 bits: 0xffffffff, high word zero. */
	svmgpu_cs_reset(cs);
	EXPECT_EQ(svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_ADD, 0, 0x5000,
				   (uint64_t)-1, 0, 0), 0);
	EXPECT_WORDS(cs, 0x00090005,
		     0x00005000, 0, 0xffffffff, 0, 0, 0, 0, 0);

	/* CMPXCHG on 32 bits: both operand and compare are truncated. */
	svmgpu_cs_reset(cs);
	EXPECT_EQ(svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_CMPXCHG, 0, 0x6000,
				   0x100000001ull, 0x200000002ull, 0), 0);
	EXPECT_WORDS(cs, 0x00090205,
		     0x00006000, 0, 1, 0, 2, 0, 0, 0);
	svmgpu_cs_del(cs);
}

static void test_encode_wait_mem(void)
{
	/* Hand-written headers of the six comparisons, 32 bits. */
	static const uint32_t headers[] = {
		0x00070006,	/* EQ */
		0x00070106,	/* NE */
		0x00070206,	/* GT */
		0x00070306,	/* GTE */
		0x00070406,	/* LT */
		0x00070506,	/* LTE */
	};
	static const uint32_t cmps[] = {
		DRM_SVMGPU_WAIT_EQ, DRM_SVMGPU_WAIT_NE, DRM_SVMGPU_WAIT_GT,
		DRM_SVMGPU_WAIT_GTE, DRM_SVMGPU_WAIT_LT, DRM_SVMGPU_WAIT_LTE,
	};
	struct svmgpu_cs *cs = cs_new();
	size_t i;

	REQUIRE(cs);
	for (i = 0; i < ARRAY_SIZE(cmps); i++) {
		const uint32_t *w;

		svmgpu_cs_reset(cs);
		EXPECT_EQ(svmgpu_cs_wait_mem(cs, cmps[i], 0, 0x2000, 1,
					     0xffffffff), 0);
		REQUIRE(svmgpu_cs_size(cs) == 28);
		w = svmgpu_cs_words(cs);
		EXPECT_EQ_HEX(w[0], headers[i]);
		EXPECT_EQ_HEX(w[1], 0x2000);
		EXPECT_EQ_HEX(w[2], 0);
		EXPECT_EQ_HEX(w[3], 1);
		EXPECT_EQ_HEX(w[4], 0);
		EXPECT_EQ_HEX(w[5], 0xffffffff);
		EXPECT_EQ_HEX(w[6], 0);
	}

	/* LTE on 64 bits: flags 5 | 8 = 0x0d. */
	svmgpu_cs_reset(cs);
	EXPECT_EQ(svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_LTE,
				     DRM_SVMGPU_WAIT_64, 0x0000000300000008ull,
				     0x8000000000000001ull,
				     0xffffffff0000ffffull), 0);
	EXPECT_WORDS(cs, 0x00070d06,
		     0x00000008, 0x00000003,
		     0x00000001, 0x80000000,
		     0x0000ffff, 0xffffffff);

	/* 32 bits: the high halves of value and mask are dropped. */
	svmgpu_cs_reset(cs);
	EXPECT_EQ(svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_NE, 0, 0x3004,
				     0x100000002ull, ~0ull), 0);
	EXPECT_WORDS(cs, 0x00070106,
		     0x00003004, 0, 2, 0, 0xffffffff, 0);
	svmgpu_cs_del(cs);
}

static void test_encode_timestamp(void)
{
	struct svmgpu_cs *cs = cs_new();

	REQUIRE(cs);
	EXPECT_EQ(svmgpu_cs_timestamp(cs, 0x0000abcd00001238ull), 0);
	EXPECT_WORDS(cs, 0x00030007, 0x00001238, 0x0000abcd);
	svmgpu_cs_del(cs);
}

/* Commands follow one another, and the words are little-endian in memory. */
static void test_encode_sequence(void)
{
	static const unsigned char end_bytes[] = { 0x01, 0x00, 0x01, 0x00 };
	struct svmgpu_cs *cs = cs_new();
	const unsigned char *bytes;

	REQUIRE(cs);
	EXPECT_EQ(svmgpu_cs_fill(cs, 0x100000, 0x01020304, 0x1000), 0);
	EXPECT_EQ(svmgpu_cs_copy(cs, 0x100000, 0x200000, 0x1000), 0);
	EXPECT_EQ(svmgpu_cs_timestamp(cs, 0x300000), 0);
	EXPECT_EQ(svmgpu_cs_nop(cs, 1), 0);
	EXPECT_EQ(svmgpu_cs_end(cs), 0);
	EXPECT_WORDS(cs,
		     0x00070004, 0x00100000, 0, 0x01020304, 0, 0x1000, 0,
		     0x00070003, 0x00100000, 0, 0x00200000, 0, 0x1000, 0,
		     0x00030007, 0x00300000, 0,
		     0x00020000, 0,
		     0x00010001);
	EXPECT_EQ(svmgpu_cs_size(cs), 20 * 4);

	bytes = (const unsigned char *)svmgpu_cs_words(cs);
	REQUIRE(bytes);
	EXPECT(!memcmp(bytes + 19 * 4, end_bytes, 4));
	svmgpu_cs_del(cs);
}

static void test_validation(void)
{
	const uint32_t add = DRM_SVMGPU_ATOMIC_ADD;
	const uint32_t ret = DRM_SVMGPU_ATOMIC_RETURN;
	const uint32_t a64 = DRM_SVMGPU_ATOMIC_64;

	/* NOP: the header's length field is 16 bits. */
	EXPECT_REJECTED(svmgpu_cs_nop(cs, 65535));
	EXPECT_REJECTED(svmgpu_cs_nop(cs, UINT32_MAX));

	/* WRITE_IMM: 4-byte, or 8-byte for 64 bits, aligned address. */
	EXPECT_REJECTED(svmgpu_cs_write_imm32(cs, 0x1002, 0));
	EXPECT_REJECTED(svmgpu_cs_write_imm32(cs, 0x1001, 0));
	EXPECT_REJECTED(svmgpu_cs_write_imm64(cs, 0x1004, 0));

	/* FILL: destination and size are multiples of 4. */
	EXPECT_REJECTED(svmgpu_cs_fill(cs, 0x1002, 0, 4));
	EXPECT_REJECTED(svmgpu_cs_fill(cs, 0x1000, 0, 6));

	/* ATOMIC: unknown operations and flags. */
	EXPECT_REJECTED(svmgpu_cs_atomic(cs, 4, 0, 0x1000, 0, 0, 0));
	EXPECT_REJECTED(svmgpu_cs_atomic(cs, 7, 0, 0x1000, 0, 0, 0));
	EXPECT_REJECTED(svmgpu_cs_atomic(cs, 8, 0, 0x1000, 0, 0, 0));
	EXPECT_REJECTED(svmgpu_cs_atomic(cs, add, 1, 0x1000, 0, 0, 0));
	EXPECT_REJECTED(svmgpu_cs_atomic(cs, add, 1u << 5, 0x1000, 0, 0, 0));
	/* ATOMIC: natural alignment of the value and of the result. */
	EXPECT_REJECTED(svmgpu_cs_atomic(cs, add, 0, 0x1002, 1, 0, 0));
	EXPECT_REJECTED(svmgpu_cs_atomic(cs, add, a64, 0x1004, 1, 0, 0));
	EXPECT_REJECTED(svmgpu_cs_atomic(cs, add, ret, 0x1000, 1, 0,
					 0x2002));
	EXPECT_REJECTED(svmgpu_cs_atomic(cs, add, ret | a64, 0x1000, 1, 0,
					 0x2004));
	/* ATOMIC: unused words are zero. */
	EXPECT_REJECTED(svmgpu_cs_atomic(cs, add, 0, 0x1000, 1, 0, 0x2000));
	EXPECT_REJECTED(svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC, 0, 0x1000,
					 1, 0, 0));
	EXPECT_REJECTED(svmgpu_cs_atomic(cs, add, 0, 0x1000, 1, 1, 0));
	EXPECT_REJECTED(svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_XCHG, 0,
					 0x1000, 1, 1, 0));

	/* WAIT_MEM: unknown comparisons and flags, alignment. */
	EXPECT_REJECTED(svmgpu_cs_wait_mem(cs, 6, 0, 0x1000, 0, ~0ull));
	EXPECT_REJECTED(svmgpu_cs_wait_mem(cs, 7, 0, 0x1000, 0, ~0ull));
	EXPECT_REJECTED(svmgpu_cs_wait_mem(cs, 8, 0, 0x1000, 0, ~0ull));
	EXPECT_REJECTED(svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_EQ, 1, 0x1000,
					   0, ~0ull));
	EXPECT_REJECTED(svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_EQ, 1u << 4,
					   0x1000, 0, ~0ull));
	EXPECT_REJECTED(svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_EQ, 0, 0x1002,
					   0, ~0ull));
	EXPECT_REJECTED(svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_EQ,
					   DRM_SVMGPU_WAIT_64, 0x1004, 0,
					   ~0ull));

	/* TIMESTAMP: 8-byte aligned. */
	EXPECT_REJECTED(svmgpu_cs_timestamp(cs, 0x1004));
}

/* What the builder must accept: the edges of what is valid. */
static void test_validation_accepts(void)
{
	struct svmgpu_cs *cs = cs_new();

	REQUIRE(cs);
	EXPECT_EQ(svmgpu_cs_copy(cs, 1, 3, 0), 0);
	EXPECT_EQ(svmgpu_cs_copy(cs, 0x1001, 0x2003, 7), 0);
	EXPECT_EQ(svmgpu_cs_fill(cs, 0x1004, 0, 0), 0);
	EXPECT_EQ(svmgpu_cs_write_imm32(cs, 0x1004, 0), 0);
	EXPECT_EQ(svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_ADD,
				   DRM_SVMGPU_ATOMIC_RETURN, 0x1004, 1, 0,
				   0x2004), 0);
	EXPECT_EQ(svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC,
				   DRM_SVMGPU_ATOMIC_64, 0x1008, 0, 0, 0), 0);
	EXPECT_EQ(svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_GTE, 0, 0x1004, 0,
				     0), 0);
	/* Address 0 is encodable; the GPU faults on it at run time. */
	EXPECT_EQ(svmgpu_cs_write_imm64(cs, 0, 0), 0);
	EXPECT_EQ(svmgpu_cs_error(cs), 0);
	svmgpu_cs_del(cs);
}

static void test_error_latch(void)
{
	struct svmgpu_cs *cs = cs_new();
	const uint32_t *words;
	uint32_t buf[8];

	REQUIRE(cs);
	EXPECT_EQ(svmgpu_cs_nop(cs, 0), 0);
	EXPECT_EQ(svmgpu_cs_fill(cs, 0x1002, 0, 4), -EINVAL);
	/* Latched: valid emits now do nothing and return the error. */
	EXPECT_EQ(svmgpu_cs_end(cs), -EINVAL);
	EXPECT_EQ(svmgpu_cs_write_imm32(cs, 0x1000, 1), -EINVAL);
	EXPECT_EQ(svmgpu_cs_error(cs), -EINVAL);
	EXPECT_EQ(svmgpu_cs_size(cs), 4);
	/* The first error wins. */
	EXPECT_EQ(svmgpu_cs_timestamp(cs, 0x1004), -EINVAL);
	EXPECT_EQ(svmgpu_cs_error(cs), -EINVAL);

	/* An incomplete stream is not copied. */
	memset(buf, 0xa5, sizeof(buf));
	EXPECT_EQ(svmgpu_cs_write(cs, buf, sizeof(buf)), -EINVAL);
	EXPECT_EQ_HEX(buf[0], 0xa5a5a5a5);

	/* Reset clears the error and keeps the memory. */
	words = svmgpu_cs_words(cs);
	svmgpu_cs_reset(cs);
	EXPECT_EQ(svmgpu_cs_error(cs), 0);
	EXPECT_EQ(svmgpu_cs_size(cs), 0);
	EXPECT_EQ(svmgpu_cs_end(cs), 0);
	EXPECT(svmgpu_cs_words(cs) == words);
	EXPECT_WORDS(cs, 0x00010001);
	svmgpu_cs_del(cs);
}

static void test_enomem(void)
{
	struct svmgpu_cs *cs = cs_new();
	const uint32_t *w;
	size_t i;
	int ret;

	REQUIRE(cs);
	/* The very first emit allocates. */
	realloc_calls = 0;
	realloc_fails = true;
	ret = svmgpu_cs_end(cs);
	realloc_fails = false;
	if (!realloc_calls) {
		svmgpu_cs_del(cs);
		SKIP("realloc() cannot be interposed (valgrind?)");
	}
	EXPECT_EQ(ret, -ENOMEM);
	EXPECT_EQ(svmgpu_cs_error(cs), -ENOMEM);
	EXPECT_EQ(svmgpu_cs_size(cs), 0);
	/* Memory is back, but the error stays until reset. */
	EXPECT_EQ(svmgpu_cs_end(cs), -ENOMEM);
	svmgpu_cs_reset(cs);

	/* Growing fails: what was emitted before is intact. */
	for (i = 0; i < 1000; i++)
		EXPECT_EQ(svmgpu_cs_write_imm32(cs, 0x1000 + 4 * i, i), 0);
	realloc_fails = true;
	for (i = 0; i < 100000 && !svmgpu_cs_error(cs); i++)
		svmgpu_cs_nop(cs, 1000);
	realloc_fails = false;
	EXPECT_EQ(svmgpu_cs_error(cs), -ENOMEM);
	/* Never half a command: a whole number of NOPs after the writes. */
	EXPECT_EQ((svmgpu_cs_size(cs) / 4 - 5000) % 1001, 0);
	w = svmgpu_cs_words(cs);
	REQUIRE(w);
	for (i = 0; i < 1000; i++) {
		EXPECT_EQ_HEX(w[5 * i + 1], 0x1000 + 4 * i);
		EXPECT_EQ_HEX(w[5 * i + 3], i);
	}
	svmgpu_cs_del(cs);
}

/* Many commands: the stream grows and keeps every word. */
static void test_growth(void)
{
	const size_t n = 50000;	/* 250000 words, under the 1 MiB cap */
	struct svmgpu_cs *cs = cs_new();
	const uint32_t *w;
	size_t i, bad = 0;

	REQUIRE(cs);
	for (i = 0; i < n; i++)
		svmgpu_cs_write_imm32(cs, 0x0000000100000000ull + 4 * i,
				      (uint32_t)(i * 2654435761u));
	EXPECT_EQ(svmgpu_cs_error(cs), 0);
	EXPECT_EQ(svmgpu_cs_size(cs), n * 20);
	w = svmgpu_cs_words(cs);
	REQUIRE(w);
	for (i = 0; i < n; i++) {
		const uint32_t *c = &w[5 * i];

		bad += c[0] != 0x00050002 || c[1] != 4 * i || c[2] != 1 ||
		       c[3] != (uint32_t)(i * 2654435761u) || c[4] != 0;
	}
	EXPECT_EQ(bad, 0);
	svmgpu_cs_del(cs);
}

/* A stream is at most the 1 MiB that DRM_IOCTL_SVMGPU_EXEC takes. */
static void test_max_size(void)
{
	struct svmgpu_cs *cs = cs_new();
	int i;

	REQUIRE(cs);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(svmgpu_cs_nop(cs, 65534), 0);	/* 262140 words */
	/* Five words do not fit in the four left. */
	EXPECT_EQ(svmgpu_cs_write_imm32(cs, 0x1000, 0), -E2BIG);
	EXPECT_EQ(svmgpu_cs_error(cs), -E2BIG);
	EXPECT_EQ(svmgpu_cs_size(cs), 262140 * 4);

	/* Exactly 1 MiB fits. */
	svmgpu_cs_reset(cs);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(svmgpu_cs_nop(cs, 65534), 0);
	EXPECT_EQ(svmgpu_cs_nop(cs, 2), 0);
	EXPECT_EQ(svmgpu_cs_end(cs), 0);
	EXPECT_EQ(svmgpu_cs_size(cs), 1u << 20);
	EXPECT_EQ(svmgpu_cs_size(cs) / 4, MAX_WORDS);
	EXPECT_EQ(svmgpu_cs_end(cs), -E2BIG);
	EXPECT_EQ(svmgpu_cs_size(cs), 1u << 20);
	svmgpu_cs_del(cs);
}

static void test_write_bounds(void)
{
	struct svmgpu_cs *cs = cs_new();
	uint32_t buf[4];

	REQUIRE(cs);
	EXPECT_EQ(svmgpu_cs_nop(cs, 1), 0);
	EXPECT_EQ(svmgpu_cs_end(cs), 0);	/* 3 words, 12 bytes */

	memset(buf, 0xa5, sizeof(buf));
	EXPECT_EQ(svmgpu_cs_write(cs, buf, 11), -ENOSPC);
	EXPECT_EQ(svmgpu_cs_write(cs, buf, 0), -ENOSPC);
	EXPECT_EQ_HEX(buf[0], 0xa5a5a5a5);

	/* Exactly the size: the rest is left alone. */
	EXPECT_EQ(svmgpu_cs_write(cs, buf, 12), 0);
	EXPECT_EQ_HEX(buf[0], 0x00020000);
	EXPECT_EQ_HEX(buf[1], 0);
	EXPECT_EQ_HEX(buf[2], 0x00010001);
	EXPECT_EQ_HEX(buf[3], 0xa5a5a5a5);

	memset(buf, 0xa5, sizeof(buf));
	EXPECT_EQ(svmgpu_cs_write(cs, buf, sizeof(buf)), 0);
	EXPECT_EQ_HEX(buf[2], 0x00010001);
	EXPECT_EQ_HEX(buf[3], 0xa5a5a5a5);

	EXPECT_EQ(svmgpu_cs_write(cs, NULL, sizeof(buf)), -EINVAL);
	svmgpu_cs_del(cs);
}

/* The library's encoding agrees with the uAPI's header macro. */
static void test_header_macro(void)
{
	struct svmgpu_cs *cs = cs_new();

	REQUIRE(cs);
	EXPECT_EQ(svmgpu_cs_wait_mem(cs, DRM_SVMGPU_WAIT_GT,
				     DRM_SVMGPU_WAIT_64, 0x1000, 0, 0), 0);
	REQUIRE(svmgpu_cs_size(cs) == 28);
	EXPECT_EQ_HEX(svmgpu_cs_words(cs)[0],
		      DRM_SVMGPU_CMD_HEADER(DRM_SVMGPU_CMD_WAIT_MEM,
					    DRM_SVMGPU_WAIT_GT |
					    DRM_SVMGPU_WAIT_64, 7));
	svmgpu_cs_del(cs);
}

/*
 * Streams for a mirroring VM: CPU pointers, through svmgpu_ptr(), are the
 * addresses, and the words, in malloc'd memory, are aligned for
 * svmgpu_queue_exec_svm() where they are.
 */
static void test_raw_pointers(void)
{
	struct svmgpu_cs *cs = cs_new();
	uint32_t *bins = malloc(16 * sizeof(*bins));
	uint64_t stack_word = 0;
	const uint32_t *w;
	uint64_t a;

	REQUIRE(cs && bins);
	EXPECT_EQ_HEX(svmgpu_ptr(NULL), 0);
	EXPECT_EQ_HEX(svmgpu_ptr(&bins[5]), (uintptr_t)bins + 20);
	EXPECT_EQ_HEX(svmgpu_ptr((const volatile uint64_t *)&stack_word),
		      (uintptr_t)&stack_word);

	EXPECT_EQ(svmgpu_cs_atomic(cs, DRM_SVMGPU_ATOMIC_INC, 0,
				   svmgpu_ptr(&bins[5]), 0, 0, 0), 0);
	EXPECT_EQ(svmgpu_cs_copy(cs, svmgpu_ptr(bins),
				 svmgpu_ptr(&stack_word), 8), 0);
	EXPECT_EQ(svmgpu_cs_end(cs), 0);
	EXPECT_EQ(svmgpu_cs_error(cs), 0);
	REQUIRE(svmgpu_cs_size(cs) == (9 + 7 + 1) * 4);

	w = svmgpu_cs_words(cs);
	EXPECT_EQ_HEX((uintptr_t)w % 4, 0);
	EXPECT_EQ_HEX(w[0], 0x00090305);
	a = (uintptr_t)&bins[5];
	EXPECT_EQ_HEX(w[1], (uint32_t)a);
	EXPECT_EQ_HEX(w[2], (uint32_t)(a >> 32));
	EXPECT_EQ_HEX(w[9], 0x00070003);
	EXPECT_EQ_HEX(w[10] | (uint64_t)w[11] << 32, (uintptr_t)bins);
	EXPECT_EQ_HEX(w[12] | (uint64_t)w[13] << 32, (uintptr_t)&stack_word);
	EXPECT_EQ_HEX(w[16], 0x00010001);

	svmgpu_cs_del(cs);
	free(bins);
}

static const struct tap_test tests[] = {
	{ "cs_null_arguments", test_null_arguments },
	{ "cs_new_empty", test_new_empty },
	{ "cs_encode_nop", test_encode_nop },
	{ "cs_encode_end", test_encode_end },
	{ "cs_encode_write_imm", test_encode_write_imm },
	{ "cs_encode_copy", test_encode_copy },
	{ "cs_encode_fill", test_encode_fill },
	{ "cs_encode_atomic", test_encode_atomic },
	{ "cs_encode_wait_mem", test_encode_wait_mem },
	{ "cs_encode_timestamp", test_encode_timestamp },
	{ "cs_encode_sequence", test_encode_sequence },
	{ "cs_header_macro", test_header_macro },
	{ "cs_validation", test_validation },
	{ "cs_validation_accepts", test_validation_accepts },
	{ "cs_error_latch", test_error_latch },
	{ "cs_enomem", test_enomem },
	{ "cs_growth", test_growth },
	{ "cs_max_size", test_max_size },
	{ "cs_write_bounds", test_write_bounds },
	{ "cs_raw_pointers", test_raw_pointers },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests), NULL);
}
