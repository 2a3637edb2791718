// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_lib_check - host checks of the svmgpu test helpers that need no
 * device: the command-stream encoding against the uAPI header's
 * "DOC: command stream", the vm_pagetables, devcoredump and fdinfo
 * parsers against sample texts, and the memory pattern helpers.
 *
 * Run by "make check"; every subtest must pass.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "igt.h"

IGT_TEST_DESCRIPTION("Host self-check of the svmgpu IGT helpers.");

static void assert_words(const struct svmgpu_cs *cs, const uint32_t *want,
			 unsigned int n)
{
	unsigned int i;

	igt_assert_eq_u32(cs->len, n);
	for (i = 0; i < n; i++)
		igt_assert_f(cs->map[i] == want[i],
			     "word %u is %#010x, expected %#010x\n", i,
			     cs->map[i], want[i]);
}

/*
 * Every command, encoded by hand from the header's description: header =
 * opcode | flags << 8 | length << 16; 64-bit operands low word first.
 */
static void test_cs_encoding(void)
{
	uint32_t buf[64];
	struct svmgpu_cs cs;

	svmgpu_cs_init(&cs, buf, 0x100000000ull, sizeof(buf));
	igt_assert_eq_u64(svmgpu_cs_addr(&cs), 0x100000000ull);

	svmgpu_cs_nop(&cs, 0, 0);
	svmgpu_cs_nop(&cs, 2, 0xabcd);
	svmgpu_cs_end(&cs);
	assert_words(&cs, (const uint32_t[]){
		0x00010000,
		0x00030000, 0xabcd, 0xabcd,
		0x00010001,
	}, 5);
	igt_assert_eq_u32(svmgpu_cs_bytes(&cs), 20);
	igt_assert_eq_u64(svmgpu_cs_next_addr(&cs), 0x100000014ull);

	svmgpu_cs_reset(&cs);
	svmgpu_cs_write32(&cs, 0x123456789aull, 0xdeadbeef);
	svmgpu_cs_write64(&cs, 0x10, 0x1122334455667788ull);
	svmgpu_cs_write_imm(&cs, 0, 0x20, 0xffffffff00000001ull);
	assert_words(&cs, (const uint32_t[]){
		0x00050002, 0x3456789a, 0x12, 0xdeadbeef, 0,
		0x00050102, 0x10, 0, 0x55667788, 0x11223344,
		0x00050002, 0x20, 0, 1, 0xffffffff,
	}, 15);

	svmgpu_cs_reset(&cs);
	svmgpu_cs_copy(&cs, 0x100001000ull, 0x200002000ull, 0x300000005ull);
	svmgpu_cs_fill(&cs, 0x300003000ull, 0xcafef00d, 0x40);
	assert_words(&cs, (const uint32_t[]){
		0x00070003, 0x1000, 1, 0x2000, 2, 5, 3,
		0x00070004, 0x3000, 3, 0xcafef00d, 0, 0x40, 0,
	}, 14);

	svmgpu_cs_reset(&cs);
	svmgpu_cs_atomic(&cs, DRM_SVMGPU_ATOMIC_CMPXCHG | DRM_SVMGPU_ATOMIC_64 |
			 DRM_SVMGPU_ATOMIC_RETURN, 0x1000, 0x200000001ull,
			 0x300000002ull, 0x2000);
	svmgpu_cs_atomic(&cs, DRM_SVMGPU_ATOMIC_INC, 0x1004, 0, 0, 0);
	assert_words(&cs, (const uint32_t[]){
		0x0009 << 16 | (2 | 8 | 16) << 8 | 5,
		0x1000, 0, 1, 2, 2, 3, 0x2000, 0,
		0x00090305, 0x1004, 0, 0, 0, 0, 0, 0, 0,
	}, 18);

	svmgpu_cs_reset(&cs);
	svmgpu_cs_wait_mem(&cs, DRM_SVMGPU_WAIT_GTE | DRM_SVMGPU_WAIT_64,
			   0x5000, 0x700000006ull, 0xffffffff0000ffffull);
	svmgpu_cs_timestamp(&cs, 0x600000008ull);
	assert_words(&cs, (const uint32_t[]){
		0x00070b06, 0x5000, 0, 6, 7, 0x0000ffff, 0xffffffff,
		0x00030007, 8, 6,
	}, 10);

	/* The raw emitters, for malformed streams. */
	svmgpu_cs_reset(&cs);
	svmgpu_cs_header(&cs, 0xff, 0xff, 0xffff);
	svmgpu_cs_dword(&cs, 7);
	svmgpu_cs_qword(&cs, 0x0000000800000009ull);
	assert_words(&cs, (const uint32_t[]){ 0xffffffff, 7, 9, 8 }, 4);
}

static FILE *text_file(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	igt_assert(f);

	return f;
}

static const char pt_text[] =
	"vm 1 pid 100\n"
	"  0x0000000100000000 2M rw vram 0x0000000000200000\n"
	"  0x0000000100200000 64K ro sys 0x0000000123450000\n"
	"  0x0000000100210000 4K rw sys 0x0000000123461000\n"
	"vm 2 pid 100\n"
	"  0x0000000200000000 4K rw vram 0x0000000000001000\n"
	"vm 1 pid 200\n"
	"  this line belongs to another process and is not parsed\n"
	"vm 3 pid 100\n";

static void test_pt_dump_parse(void)
{
	struct svmgpu_pt_dump dump;
	const struct svmgpu_pt_leaf *l;
	FILE *f;

	f = text_file(pt_text);
	igt_assert_eq(svmgpu_pt_dump_parse(f, 1, 100, &dump), 0);
	fclose(f);
	igt_assert_eq(dump.count, 3);
	l = &dump.leaves[0];
	igt_assert_eq_u64(l->va, 0x100000000ull);
	igt_assert_eq_u64(l->size, 2ull << 20);
	igt_assert(!l->readonly && l->vram);
	igt_assert_eq_u64(l->pa, 0x200000);
	l = &dump.leaves[1];
	igt_assert_eq_u64(l->size, 64ull << 10);
	igt_assert(l->readonly && !l->vram);
	igt_assert_eq_u64(l->pa, 0x123450000ull);
	igt_assert_eq(svmgpu_pt_dump_count(&dump, 0x100000000ull,
					   0x100300000ull, 0), 3);
	igt_assert_eq(svmgpu_pt_dump_count(&dump, 0x100000000ull,
					   0x100300000ull, 4096), 1);
	igt_assert(svmgpu_pt_dump_find(&dump, 0x1001fffffull) ==
		   &dump.leaves[0]);
	igt_assert(svmgpu_pt_dump_find(&dump, 0x10020ffffull) ==
		   &dump.leaves[1]);
	igt_assert(!svmgpu_pt_dump_find(&dump, 0x100211000ull));
	svmgpu_pt_dump_free(&dump);

	/* A VM with no leaves, and one not listed. */
	f = text_file(pt_text);
	igt_assert_eq(svmgpu_pt_dump_parse(f, 3, 100, &dump), 0);
	fclose(f);
	igt_assert_eq(dump.count, 0);
	f = text_file(pt_text);
	igt_assert_eq(svmgpu_pt_dump_parse(f, 4, 100, &dump), -ESRCH);
	fclose(f);

	/* Another process's lines are not parsed. */
	f = text_file(pt_text);
	igt_assert_eq(svmgpu_pt_dump_parse(f, 2, 100, &dump), 0);
	fclose(f);
	igt_assert_eq(dump.count, 1);
	svmgpu_pt_dump_free(&dump);

	/* The same VM twice is ambiguous. */
	f = text_file("vm 1 pid 5\nvm 1 pid 5\n");
	igt_assert_eq(svmgpu_pt_dump_parse(f, 1, 5, &dump), -ENOTUNIQ);
	fclose(f);

	/* Malformed lines of the VM. */
	f = text_file("vm 1 pid 5\n  0x1000 8K rw vram 0x0\n");
	igt_assert_eq(svmgpu_pt_dump_parse(f, 1, 5, &dump), -EPROTO);
	fclose(f);
	f = text_file("vm 1 pid 5\n  0x1000 4K rx vram 0x0\n");
	igt_assert_eq(svmgpu_pt_dump_parse(f, 1, 5, &dump), -EPROTO);
	fclose(f);
	f = text_file("vm 1 pid 5\n  0x1000 4K rw gtt 0x0\n");
	igt_assert_eq(svmgpu_pt_dump_parse(f, 1, 5, &dump), -EPROTO);
	fclose(f);
	f = text_file("vm 1 pid 5\n  0x1000 4K rw vram 0x0 extra\n");
	igt_assert_eq(svmgpu_pt_dump_parse(f, 1, 5, &dump), -EPROTO);
	fclose(f);
	f = text_file("vm 1 pid 5\n0x1000 4K rw vram 0x0\n");
	igt_assert_eq(svmgpu_pt_dump_parse(f, 1, 5, &dump), -EPROTO);
	fclose(f);
	f = text_file("vm one pid 5\n");
	igt_assert_eq(svmgpu_pt_dump_parse(f, 1, 5, &dump), -EPROTO);
	fclose(f);
}

static void test_devcoredump_field(void)
{
	static const char text[] =
		"**** svmgpu devcoredump ****\n"
		"queue: 3\n"
		"vm: 12\n"
		"  reason: timeout\n"
		"cs_address: 0x0000000100000040\n"
		"queued: 5\n";
	char value[32];

	igt_assert(svmgpu_devcoredump_field(text, "queue", value,
					    sizeof(value)));
	igt_assert_eq(strcmp(value, "3"), 0);
	igt_assert(svmgpu_devcoredump_field(text, "reason", value,
					    sizeof(value)));
	igt_assert_eq(strcmp(value, "timeout"), 0);
	igt_assert(svmgpu_devcoredump_field(text, "cs_address", value,
					    sizeof(value)));
	igt_assert_eq(strcmp(value, "0x0000000100000040"), 0);
	igt_assert(svmgpu_devcoredump_field(text, "queued", value,
					    sizeof(value)));
	igt_assert_eq(strcmp(value, "5"), 0);
	igt_assert(!svmgpu_devcoredump_field(text, "fault_address", value,
					     sizeof(value)));
	igt_assert(!svmgpu_devcoredump_field(text, "que", value,
					     sizeof(value)));

	/* Long values are cut to the buffer. */
	igt_assert(svmgpu_devcoredump_field(text, "cs_address", value, 5));
	igt_assert_eq(strcmp(value, "0x00"), 0);
}

static void test_fdinfo_parse(void)
{
	uint64_t total;
	FILE *f;

	f = text_file("pos:\t0\n"
		      "drm-driver:\tsvmgpu\n"
		      "drm-total-system:\t12 KiB\n"
		      "drm-total-vram:\t2 MiB\n"
		      "drm-resident-vram:\t2 MiB\n"
		      "drm-total-other:\t100\n");
	igt_assert_eq(svmgpu_fdinfo_parse_total(f, &total), 0);
	fclose(f);
	igt_assert_eq_u64(total, 12 * 1024 + 2 * 1024 * 1024 + 100);

	f = text_file("pos:\t0\ndrm-driver:\tsvmgpu\n");
	igt_assert_eq(svmgpu_fdinfo_parse_total(f, &total), -ENOENT);
	fclose(f);
}

static void test_patterns(void)
{
	uint32_t buf[1024];
	uint8_t *bytes = (uint8_t *)buf;
	unsigned int i;

	svmgpu_fill_pattern(buf, sizeof(buf), 1);
	igt_assert_eq_u64(svmgpu_check_pattern(buf, sizeof(buf), 1),
			  sizeof(buf));
	igt_assert_lt_u64(svmgpu_check_pattern(buf, sizeof(buf), 2),
			  sizeof(buf));
	for (i = 1; i < ARRAY_SIZE(buf); i++)
		igt_assert_neq_u32(buf[i], buf[i - 1]);

	buf[100] ^= 1;
	igt_assert_eq_u64(svmgpu_check_pattern(buf, sizeof(buf), 1), 400);

	memset(buf, 0xa5, sizeof(buf));
	for (i = 0; i < 64; i++)
		igt_assert_eq_u64(svmgpu_check_byte(bytes + i, 200, 0xa5), 200);
	for (i = 0; i < 64; i++) {
		bytes[i + 37] = 0;
		igt_assert_eq_u64(svmgpu_check_byte(bytes + i, 200, 0xa5), 37);
		bytes[i + 37] = 0xa5;
	}
	bytes[4095] = 0;
	igt_assert_eq_u64(svmgpu_check_byte(bytes, 4096, 0xa5), 4095);
	igt_assert_eq_u64(svmgpu_check_byte(bytes, 0, 0xa5), 0);
}

igt_main
{
	igt_describe("Each command encodes as the uAPI header describes.");
	igt_subtest("cs-encoding")
		test_cs_encoding();

	igt_describe("vm_pagetables texts parse, and malformed ones are "
		     "refused.");
	igt_subtest("pt-dump-parse")
		test_pt_dump_parse();

	igt_describe("devcoredump \"key: value\" lines are found.");
	igt_subtest("devcoredump-field")
		test_devcoredump_field();

	igt_describe("fdinfo drm-total-* keys add up, in any unit.");
	igt_subtest("fdinfo-parse")
		test_fdinfo_parse();

	igt_describe("Pattern fill and check helpers find every difference.");
	igt_subtest("patterns")
		test_patterns();
}
