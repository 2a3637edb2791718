// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 */

/*
 * svmgpu_lib_check - host checks of the svmgpu test helpers that need no
 * device: the command-stream encoding against the uAPI header's
 * "DOC: command stream", the vm_pagetables, devcoredump and fdinfo
 * parsers against sample texts (lib/svmgpu_fdinfo's against text as the
 * kernel's drm_show_fdinfo() and drm_print_memory_stats() print it), the
 * memory pattern helpers, the layout of the uAPI structures the SVM
 * helpers fill (uAPI 1.3), and the process-memory helpers of svmgpu_svm.
 *
 * Run by "make check"; every subtest must pass.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "igt.h"
#include "svmgpu_fdinfo.h"

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

/* An svmgpu fdinfo as the kernel prints it: tabs after the colons. */
static const char svmgpu_fdinfo_text[] =
	"pos:\t0\n"
	"flags:\t02100002\n"
	"mnt_id:\t15\n"
	"ino:\t623\n"
	"drm-driver:\tsvmgpu\n"
	"drm-client-id:\t42\n"
	"drm-engine-engine0:\t123456789 ns\n"
	"drm-engine-engine1:\t0 ns\n"
	"drm-total-system:\t1536\n"
	"drm-shared-system:\t0\n"
	"drm-active-system:\t4 KiB\n"
	"drm-resident-system:\t1536\n"
	"drm-total-vram0:\t8 MiB\n"
	"drm-shared-vram0:\t0\n"
	"drm-active-vram0:\t0\n"
	"drm-resident-vram0:\t8196 KiB\n";

static void check_sample_pairs(const struct svmgpu_fdinfo *info)
{
	igt_assert_eq(info->count, 16);
	igt_assert_eq(strcmp(info->pairs[0].key, "pos"), 0);
	igt_assert_eq(strcmp(info->pairs[0].value, "0"), 0);
	igt_assert_eq(strcmp(info->pairs[4].key, "drm-driver"), 0);
	igt_assert_eq(strcmp(info->pairs[4].value, "svmgpu"), 0);
	igt_assert_eq(strcmp(info->pairs[6].key, "drm-engine-engine0"), 0);
	igt_assert_eq(strcmp(info->pairs[6].value, "123456789 ns"), 0);
	igt_assert_eq(strcmp(info->pairs[15].key, "drm-resident-vram0"), 0);
	igt_assert_eq(strcmp(info->pairs[15].value, "8196 KiB"), 0);
	for (unsigned int i = 0; i < info->count; i++)
		igt_assert_f(info->pairs[i].tab, "line %u: no tab\n", i);
}

/* Lines: keys, values, separators, and what is refused. */
static void test_fdinfo_pairs(void)
{
	static struct svmgpu_fdinfo info;
	char *many, *p;
	unsigned int i;
	FILE *f;

	/* The same answer from a FILE and from a string. */
	f = text_file(svmgpu_fdinfo_text);
	igt_assert_eq(svmgpu_fdinfo_parse(f, &info), 0);
	fclose(f);
	check_sample_pairs(&info);
	igt_assert_eq(svmgpu_fdinfo_parse_text(svmgpu_fdinfo_text, &info), 0);
	check_sample_pairs(&info);

	igt_assert_eq(strcmp(svmgpu_fdinfo_get(&info, "drm-driver"),
			     "svmgpu"), 0);
	igt_assert_eq(strcmp(svmgpu_fdinfo_get(&info, "flags"), "02100002"),
		      0);
	igt_assert(!svmgpu_fdinfo_get(&info, "drm-engine-engine2"));
	igt_assert(!svmgpu_fdinfo_get(&info, "drm-total"));
	igt_assert(!svmgpu_fdinfo_get(&info, "drm-total-vram"));

	/* Other separators parse, but are not the single tab. */
	igt_assert_eq(svmgpu_fdinfo_parse_text("a: 1\nb:\t\t2\nc:3\nd:\t4",
					       &info), 0);
	igt_assert_eq(info.count, 4);
	igt_assert_eq(strcmp(info.pairs[0].value, "1"), 0);
	igt_assert(!info.pairs[0].tab);
	igt_assert_eq(strcmp(info.pairs[1].value, "2"), 0);
	igt_assert(!info.pairs[1].tab);
	igt_assert_eq(strcmp(info.pairs[2].value, "3"), 0);
	igt_assert(!info.pairs[2].tab);
	/* The last line needs no newline. */
	igt_assert_eq(strcmp(info.pairs[3].value, "4"), 0);
	igt_assert(info.pairs[3].tab);

	/* Empty values and empty lines; the value keeps inner colons. */
	igt_assert_eq(svmgpu_fdinfo_parse_text("a:\n\nb:\tx:y\n\n", &info), 0);
	igt_assert_eq(info.count, 2);
	igt_assert_eq(strcmp(info.pairs[0].value, ""), 0);
	igt_assert_eq(strcmp(info.pairs[1].value, "x:y"), 0);
	igt_assert_eq(svmgpu_fdinfo_parse_text("", &info), 0);
	igt_assert_eq(info.count, 0);

	/* Refused: no key, blanks in the key, the same key twice. */
	igt_assert_eq(svmgpu_fdinfo_parse_text("a:\t1\nnothing\n", &info),
		      -EPROTO);
	igt_assert_eq(svmgpu_fdinfo_parse_text(":\t1\n", &info), -EPROTO);
	igt_assert_eq(svmgpu_fdinfo_parse_text("drm total:\t1\n", &info),
		      -EPROTO);
	igt_assert_eq(svmgpu_fdinfo_parse_text(" a:\t1\n", &info), -EPROTO);
	igt_assert_eq(svmgpu_fdinfo_parse_text("a:\t1\nb:\t2\na:\t3\n",
					       &info), -ENOTUNIQ);
	f = text_file("x:\t1\nx:\t1\n");
	igt_assert_eq(svmgpu_fdinfo_parse(f, &info), -ENOTUNIQ);
	fclose(f);

	/* Too long a key or value, too many lines. */
	many = malloc(64 * 1024);
	igt_assert(many);
	memset(many, 'k', SVMGPU_FDINFO_KEY_LEN);
	strcpy(many + SVMGPU_FDINFO_KEY_LEN, ":\t1\n");
	igt_assert_eq(svmgpu_fdinfo_parse_text(many, &info), -E2BIG);
	many[SVMGPU_FDINFO_KEY_LEN - 1] = ':';
	many[SVMGPU_FDINFO_KEY_LEN] = '\0';
	igt_assert_eq(svmgpu_fdinfo_parse_text(many, &info), 0);
	strcpy(many, "k:\t");
	memset(many + 3, 'v', SVMGPU_FDINFO_VALUE_LEN);
	many[3 + SVMGPU_FDINFO_VALUE_LEN] = '\0';
	igt_assert_eq(svmgpu_fdinfo_parse_text(many, &info), -E2BIG);
	many[3 + SVMGPU_FDINFO_VALUE_LEN - 1] = '\0';
	igt_assert_eq(svmgpu_fdinfo_parse_text(many, &info), 0);
	igt_assert_eq(strlen(info.pairs[0].value),
		      SVMGPU_FDINFO_VALUE_LEN - 1);

	p = many;
	for (i = 0; i < SVMGPU_FDINFO_MAX_PAIRS; i++)
		p += sprintf(p, "key%u:\t%u\n", i, i);
	igt_assert_eq(svmgpu_fdinfo_parse_text(many, &info), 0);
	igt_assert_eq(info.count, SVMGPU_FDINFO_MAX_PAIRS);
	sprintf(p, "one-more:\t1\n");
	igt_assert_eq(svmgpu_fdinfo_parse_text(many, &info), -ENOSPC);
	f = text_file(many);
	igt_assert_eq(svmgpu_fdinfo_parse(f, &info), -ENOSPC);
	fclose(f);
	free(many);
}

/* Values: sizes with units, the kernel's canonical form, ns, numbers. */
static void test_fdinfo_values(void)
{
	static const struct {
		const char *value;
		int ret;
		uint64_t bytes;
		bool canonical;
	} sizes[] = {
		{ "0", 0, 0, true },
		{ "1536", 0, 1536, true },
		{ "1", 0, 1, true },
		{ "1024", 0, 1024, false },		/* 1 KiB */
		{ "4 KiB", 0, 4096, true },
		{ "1023 KiB", 0, 1023 << 10, true },
		{ "1024 KiB", 0, 1 << 20, false },	/* 1 MiB */
		{ "8192 KiB", 0, 8 << 20, false },	/* 8 MiB */
		{ "0 KiB", 0, 0, false },		/* 0 */
		{ "8 MiB", 0, 8 << 20, true },
		{ "3072 MiB", 0, 3ull << 30, true },	/* MiB is the top */
		{ "0 MiB", 0, 0, false },
		{ "2 GiB", 0, 2ull << 30, false },	/* not the kernel's */
		{ "18446744073709551615", 0, UINT64_MAX, true },
		{ "17592186044415 MiB", 0, 17592186044415ull << 20, true },
		{ "17592186044416 MiB", -ERANGE, 0, false },
		{ "18446744073709551616", -ERANGE, 0, false },
		{ "", -EINVAL, 0, false },
		{ " 4 KiB", -EINVAL, 0, false },
		{ "4KiB", -EINVAL, 0, false },
		{ "4  KiB", -EINVAL, 0, false },
		{ "4\tKiB", -EINVAL, 0, false },
		{ "4 KiB ", -EINVAL, 0, false },
		{ "4 kib", -EINVAL, 0, false },
		{ "4 KB", -EINVAL, 0, false },
		{ "4 TiB", -EINVAL, 0, false },
		{ "-4 KiB", -EINVAL, 0, false },
		{ "+4", -EINVAL, 0, false },
		{ "0x10", -EINVAL, 0, false },
		{ "KiB", -EINVAL, 0, false },
		{ "4 ns", -EINVAL, 0, false },
	};
	uint64_t val;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		int ret;

		val = 0xdead;
		ret = svmgpu_fdinfo_parse_size(sizes[i].value, &val);
		igt_assert_f(ret == sizes[i].ret,
			     "\"%s\": %d, expected %d\n", sizes[i].value, ret,
			     sizes[i].ret);
		if (!ret)
			igt_assert_f(val == sizes[i].bytes,
				     "\"%s\": %" PRIu64 " bytes, expected %" PRIu64 "\n",
				     sizes[i].value, val, sizes[i].bytes);
		igt_assert_f(svmgpu_fdinfo_size_canonical(sizes[i].value) ==
			     sizes[i].canonical,
			     "\"%s\": canonical is not %d\n", sizes[i].value,
			     sizes[i].canonical);
	}

	igt_assert_eq(svmgpu_fdinfo_parse_ns("0 ns", &val), 0);
	igt_assert_eq_u64(val, 0);
	igt_assert_eq(svmgpu_fdinfo_parse_ns("123456789012 ns", &val), 0);
	igt_assert_eq_u64(val, 123456789012ull);
	igt_assert_eq(svmgpu_fdinfo_parse_ns("18446744073709551615 ns", &val),
		      0);
	igt_assert_eq_u64(val, UINT64_MAX);
	igt_assert_eq(svmgpu_fdinfo_parse_ns("18446744073709551616 ns", &val),
		      -ERANGE);
	igt_assert_eq(svmgpu_fdinfo_parse_ns("12", &val), -EINVAL);
	igt_assert_eq(svmgpu_fdinfo_parse_ns("12ns", &val), -EINVAL);
	igt_assert_eq(svmgpu_fdinfo_parse_ns("12 ns ", &val), -EINVAL);
	igt_assert_eq(svmgpu_fdinfo_parse_ns("12 us", &val), -EINVAL);
	igt_assert_eq(svmgpu_fdinfo_parse_ns(" ns", &val), -EINVAL);
	igt_assert_eq(svmgpu_fdinfo_parse_ns("-1 ns", &val), -EINVAL);

	igt_assert_eq(svmgpu_fdinfo_parse_u64("42", &val), 0);
	igt_assert_eq_u64(val, 42);
	igt_assert_eq(svmgpu_fdinfo_parse_u64("42 ", &val), -EINVAL);
	igt_assert_eq(svmgpu_fdinfo_parse_u64("", &val), -EINVAL);
	igt_assert_eq(svmgpu_fdinfo_parse_u64("x", &val), -EINVAL);
}

/* Memory stats by region and summed, engines, client id, regions. */
static void test_fdinfo_lookup(void)
{
	static struct svmgpu_fdinfo info;
	uint64_t val;

	igt_assert_eq(svmgpu_fdinfo_parse_text(svmgpu_fdinfo_text, &info), 0);

	igt_assert_eq(svmgpu_fdinfo_memory(&info, "total",
					   SVMGPU_FDINFO_SYSTEM, &val), 0);
	igt_assert_eq_u64(val, 1536);
	igt_assert_eq(svmgpu_fdinfo_memory(&info, "total", SVMGPU_FDINFO_VRAM,
					   &val), 0);
	igt_assert_eq_u64(val, 8 << 20);
	igt_assert_eq(svmgpu_fdinfo_memory(&info, "active",
					   SVMGPU_FDINFO_SYSTEM, &val), 0);
	igt_assert_eq_u64(val, 4096);
	igt_assert_eq(svmgpu_fdinfo_memory(&info, "resident",
					   SVMGPU_FDINFO_VRAM, &val), 0);
	igt_assert_eq_u64(val, 8196 << 10);
	igt_assert_eq(svmgpu_fdinfo_memory(&info, "purgeable",
					   SVMGPU_FDINFO_VRAM, &val), -ENOENT);
	igt_assert_eq(svmgpu_fdinfo_memory(&info, "total", "vram1", &val),
		      -ENOENT);

	igt_assert_eq(svmgpu_fdinfo_memory_sum(&info, "total", &val), 0);
	igt_assert_eq_u64(val, 1536 + (8 << 20));
	igt_assert_eq(svmgpu_fdinfo_memory_sum(&info, "resident", &val), 0);
	igt_assert_eq_u64(val, 1536 + (8196 << 10));
	igt_assert_eq(svmgpu_fdinfo_memory_sum(&info, "purgeable", &val),
		      -ENOENT);

	igt_assert_eq(svmgpu_fdinfo_engine_ns(&info, 0, &val), 0);
	igt_assert_eq_u64(val, 123456789);
	igt_assert_eq(svmgpu_fdinfo_engine_ns(&info, 1, &val), 0);
	igt_assert_eq_u64(val, 0);
	igt_assert_eq(svmgpu_fdinfo_engine_ns(&info, 2, &val), -ENOENT);

	igt_assert_eq(svmgpu_fdinfo_client_id(&info, &val), 0);
	igt_assert_eq_u64(val, 42);

	/* Engine cycle keys are not memory; malformed values are errors. */
	igt_assert_eq(svmgpu_fdinfo_parse_text("drm-total-vram0:\t4 KiB\n"
					       "drm-total-cycles-engine0:\t77\n"
					       "drm-engine-engine0:\t5\n"
					       "drm-total-system:\t4 kB\n"
					       "drm-client-id:\tseven\n",
					       &info), 0);
	igt_assert_eq(svmgpu_fdinfo_memory(&info, "total", SVMGPU_FDINFO_VRAM,
					   &val), 0);
	igt_assert_eq_u64(val, 4096);
	igt_assert_eq(svmgpu_fdinfo_memory(&info, "total",
					   SVMGPU_FDINFO_SYSTEM, &val),
		      -EINVAL);
	igt_assert_eq(svmgpu_fdinfo_memory_sum(&info, "total", &val), -EINVAL);
	igt_assert_eq(svmgpu_fdinfo_engine_ns(&info, 0, &val), -EINVAL);
	igt_assert_eq(svmgpu_fdinfo_client_id(&info, &val), -EINVAL);
	igt_assert_eq(svmgpu_fdinfo_parse_text("drm-total-vram0:\t4 KiB\n"
					       "drm-total-cycles-engine0:\t77\n",
					       &info), 0);
	igt_assert_eq(svmgpu_fdinfo_memory_sum(&info, "total", &val), 0);
	igt_assert_eq_u64(val, 4096);
	igt_assert_eq(svmgpu_fdinfo_client_id(&info, &val), -ENOENT);

	igt_assert_eq(strcmp(svmgpu_fdinfo_region(DRM_SVMGPU_GEM_PLACEMENT_VRAM),
			     "vram0"), 0);
	igt_assert_eq(strcmp(svmgpu_fdinfo_region(DRM_SVMGPU_GEM_PLACEMENT_SYSTEM),
			     "system"), 0);
	igt_assert(!svmgpu_fdinfo_region(0));
	igt_assert(!svmgpu_fdinfo_region(DRM_SVMGPU_GEM_PLACEMENT_VRAM |
					 DRM_SVMGPU_GEM_PLACEMENT_SYSTEM));
}

/* Reading a real fdinfo: this process's stdin or any open file. */
static void test_fdinfo_read(void)
{
	static struct svmgpu_fdinfo info;
	FILE *f = tmpfile();

	igt_assert(f);
	igt_assert_eq(__svmgpu_fdinfo_read(fileno(f), &info), 0);
	igt_assert(svmgpu_fdinfo_get(&info, "pos"));
	igt_assert(svmgpu_fdinfo_get(&info, "flags"));
	igt_assert(!svmgpu_fdinfo_get(&info, "drm-driver"));
	fclose(f);

	igt_assert_eq(__svmgpu_fdinfo_read(1000000, &info), -ENOENT);
	igt_assert_eq(info.count, 0);
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

/* --- debugfs bo_stats and vram, tracefs (svmgpu_debug) -------------------- */

static const char bo_stats_text[] =
	"moves_to_vram: 3\n"
	"moves_to_system: 7\n"
	"bytes_to_vram: 12288\n"
	"bytes_to_system: 28672\n"
	"evictions_pending: 99\n"
	"evictions: 5\n"
	"evicted_bytes: 20480\n"
	"swapouts: 0\n"
	"swapped_out_bytes: 0\n"
	"clears: 18446744073709551615\n"
	"cleared_bytes:\t1048576  \n"
	"evictions: 6\n";

static void test_bo_stats_parse(void)
{
	struct svmgpu_bo_stats stats;
	uint64_t value;
	FILE *f;

	f = text_file(bo_stats_text);
	igt_assert_eq(svmgpu_bo_stats_parse(f, &stats), 0);
	fclose(f);
	igt_assert_eq_u64(stats.moves_to_vram, 3);
	igt_assert_eq_u64(stats.moves_to_system, 7);
	igt_assert_eq_u64(stats.bytes_to_vram, 12288);
	igt_assert_eq_u64(stats.bytes_to_system, 28672);
	/* The first line of a key counts; longer keys are other keys. */
	igt_assert_eq_u64(stats.evictions, 5);
	igt_assert_eq_u64(stats.evicted_bytes, 20480);
	igt_assert_eq_u64(stats.swapouts, 0);
	igt_assert_eq_u64(stats.swapped_out_bytes, 0);
	igt_assert_eq_u64(stats.clears, UINT64_MAX);
	igt_assert_eq_u64(stats.cleared_bytes, 1048576);

	f = text_file(bo_stats_text);
	igt_assert_eq(svmgpu_debugfs_parse_u64(f, "evicted_bytes", &value), 0);
	fclose(f);
	igt_assert_eq_u64(value, 20480);
	f = text_file(bo_stats_text);
	igt_assert_eq(svmgpu_debugfs_parse_u64(f, "evicted", &value), -ESRCH);
	fclose(f);

	/* A missing counter, and values that are not numbers. */
	f = text_file("moves_to_vram: 3\nevictions: 5\n");
	igt_assert_eq(svmgpu_bo_stats_parse(f, &stats), -ESRCH);
	fclose(f);
	f = text_file("evictions: -5\n");
	igt_assert_eq(svmgpu_debugfs_parse_u64(f, "evictions", &value),
		      -EPROTO);
	fclose(f);
	f = text_file("evictions: 5 MiB\n");
	igt_assert_eq(svmgpu_debugfs_parse_u64(f, "evictions", &value),
		      -EPROTO);
	fclose(f);
	f = text_file("evictions:\n");
	igt_assert_eq(svmgpu_debugfs_parse_u64(f, "evictions", &value),
		      -EPROTO);
	fclose(f);
	f = text_file("evictions: 99999999999999999999\n");
	igt_assert_eq(svmgpu_debugfs_parse_u64(f, "evictions", &value),
		      -EPROTO);
	fclose(f);
	/* Keys start their line. */
	f = text_file("  evictions: 5\n");
	igt_assert_eq(svmgpu_debugfs_parse_u64(f, "evictions", &value),
		      -ESRCH);
	fclose(f);
}

static void test_vram_info_parse(void)
{
	struct svmgpu_vram_info info;
	FILE *f;

	/* The five lines, then a range-manager dump with its own "used". */
	f = text_file("bo_size: 251658240\n"
		      "used: 16781312\n"
		      "pinned: 4096\n"
		      "pagetables: 2097152\n"
		      "pagetables_used: 12288\n"
		      "0x0000000000000000-0x0000000000001000: 4096: used\n"
		      "0x0000000000001000-0x0000000001001000: 16777216: used\n"
		      "0x0000000001001000-0x000000000f000000: 234876928: free\n"
		      "total: 251658240, used 16781312 free 234876928\n");
	igt_assert_eq(svmgpu_vram_info_parse(f, &info), 0);
	fclose(f);
	igt_assert_eq_u64(info.bo_size, 251658240);
	igt_assert_eq_u64(info.used, 16781312);
	igt_assert_eq_u64(info.pinned, 4096);
	igt_assert_eq_u64(info.pagetables, 2097152);
	igt_assert_eq_u64(info.pagetables_used, 12288);
	igt_assert(!info.has_svm);

	/* uAPI 1.4's optional "svm" line, wherever it is. */
	f = text_file("svm: 2097152\nbo_size: 251658240\nused: 0\n"
		      "pinned: 0\npagetables: 0\npagetables_used: 0\n");
	igt_assert_eq(svmgpu_vram_info_parse(f, &info), 0);
	fclose(f);
	igt_assert(info.has_svm);
	igt_assert_eq_u64(info.svm, 2097152);
	igt_assert_eq_u64(info.bo_size, 251658240);
	f = text_file("bo_size: 1\nused: 0\npinned: 0\npagetables: 0\n"
		      "pagetables_used: 0\nsvm: lots\n");
	igt_assert_eq(svmgpu_vram_info_parse(f, &info), -EPROTO);
	fclose(f);

	f = text_file("bo_size: 251658240\nused: 0\n"
		      "total: 251658240, used 0 free 251658240\n");
	igt_assert_eq(svmgpu_vram_info_parse(f, &info), -ESRCH);
	fclose(f);
	f = text_file("bo_size: 0x1000\nused: 0\npinned: 0\n"
		      "pagetables: 0\npagetables_used: 0\n");
	igt_assert_eq(svmgpu_vram_info_parse(f, &info), -EPROTO);
	fclose(f);
}

static const char trace_text[] =
	"# tracer: nop\n"
	"#\n"
	"# entries-in-buffer/entries-written: 5/5   #P:2\n"
	"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
	"#              | |         |   |||||     |         |\n"
	"    svmgpu_evict-123     [001] ..... 10.000001: svmgpu_bo_move: "
	"dev=svmgpu.0 bo=00000000deadbeef size=16777216 vram->system "
	"evict=1 fence=5:1\n"
	"     kworker/0:1-45      [000] d..1. 10.000002: svmgpu_bo_move: "
	"dev=svmgpu.0 bo=00000000deadbef0 size=4096 system->vram evict=0 "
	"fence=5:2\n"
	"    svmgpu_evict-123     [001] ..... 10.000003: svmgpu_bo_move: "
	"dev=svmgpu.0 bo=00000000deadbef1 size=65536 vram->system evict=10 "
	"fence=5:3\n"
	"     svmgpu_swap-124     [000] ..... 10.000004: svmgpu_bo_swapout: "
	"dev=svmgpu.0 bo=00000000deadbef2 size=2097152\n"
	"    svmgpu_evict-123     [001] ..... 10.000005: svmgpu_bo_move_x: "
	"dev=svmgpu.0 evict=1\n";

static unsigned int trace_count(const char *event, const char *a,
				const char *b)
{
	const char *tokens[] = { a, b, NULL };
	unsigned int n;
	FILE *f = text_file(trace_text);

	n = svmgpu_trace_parse_count(f, event, tokens);
	fclose(f);

	return n;
}

static void test_trace_parse_count(void)
{
	FILE *f = text_file(trace_text);

	igt_assert_eq_u32(svmgpu_trace_parse_count(f, "svmgpu_bo_move", NULL),
			  3);
	fclose(f);
	igt_assert_eq_u32(trace_count("svmgpu_bo_move", NULL, NULL), 3);
	/* Tokens are whole words: evict=10 is not evict=1. */
	igt_assert_eq_u32(trace_count("svmgpu_bo_move", "evict=1", NULL), 1);
	igt_assert_eq_u32(trace_count("svmgpu_bo_move", "vram->system", NULL),
			  2);
	igt_assert_eq_u32(trace_count("svmgpu_bo_move", "evict=1",
				      "size=16777216"), 1);
	igt_assert_eq_u32(trace_count("svmgpu_bo_move", "evict=0",
				      "size=16777216"), 0);
	igt_assert_eq_u32(trace_count("svmgpu_bo_move", "size=1677721", NULL),
			  0);
	igt_assert_eq_u32(trace_count("svmgpu_bo_swapout", NULL, NULL), 1);
	igt_assert_eq_u32(trace_count("svmgpu_bo", NULL, NULL), 0);
	igt_assert_eq_u32(trace_count("nop", NULL, NULL), 0);
}

#define assert_layout(type, member, offset) \
	igt_assert_f(offsetof(struct type, member) == (offset), \
		     #type "." #member " at %zu, expected %d\n", \
		     offsetof(struct type, member), (offset))

/*
 * The uAPI 1.3 structures: 64-bit aligned, no implicit padding, and
 * EXEC grown by appending only, so that a uAPI 1.2 EXEC (40 bytes) is the
 * prefix of a 1.3 one, which the DRM core zero-extends.
 */
static void test_uapi_layout(void)
{
	igt_assert_eq(sizeof(struct drm_svmgpu_exec), 56);
	assert_layout(drm_svmgpu_exec, extensions, 0);
	assert_layout(drm_svmgpu_exec, queue_id, 8);
	assert_layout(drm_svmgpu_exec, num_syncs, 12);
	assert_layout(drm_svmgpu_exec, syncs, 16);
	assert_layout(drm_svmgpu_exec, address, 24);
	assert_layout(drm_svmgpu_exec, length, 32);
	assert_layout(drm_svmgpu_exec, flags, 36);
	assert_layout(drm_svmgpu_exec, ufence_addr, 40);
	assert_layout(drm_svmgpu_exec, ufence_value, 48);

	igt_assert_eq(sizeof(struct drm_svmgpu_wait_user_fence), 56);
	assert_layout(drm_svmgpu_wait_user_fence, extensions, 0);
	assert_layout(drm_svmgpu_wait_user_fence, addr, 8);
	assert_layout(drm_svmgpu_wait_user_fence, value, 16);
	assert_layout(drm_svmgpu_wait_user_fence, mask, 24);
	assert_layout(drm_svmgpu_wait_user_fence, timeout_ns, 32);
	assert_layout(drm_svmgpu_wait_user_fence, op, 40);
	assert_layout(drm_svmgpu_wait_user_fence, queue_id, 44);
	assert_layout(drm_svmgpu_wait_user_fence, flags, 48);
	assert_layout(drm_svmgpu_wait_user_fence, pad, 52);

	igt_assert_eq(sizeof(struct drm_svmgpu_vm_create), 16);
	igt_assert_eq(sizeof(struct drm_svmgpu_vm_bind_op), 40);

	/* The request numbers carry the new sizes; 0x0b is the new one. */
	igt_assert_eq(_IOC_NR(DRM_IOCTL_SVMGPU_EXEC), DRM_COMMAND_BASE + 0x08);
	igt_assert_eq(_IOC_SIZE(DRM_IOCTL_SVMGPU_EXEC), 56);
	igt_assert_eq(_IOC_DIR(DRM_IOCTL_SVMGPU_EXEC), _IOC_WRITE);
	igt_assert_eq(_IOC_NR(DRM_IOCTL_SVMGPU_WAIT_USER_FENCE),
		      DRM_COMMAND_BASE + 0x0b);
	igt_assert_eq(_IOC_SIZE(DRM_IOCTL_SVMGPU_WAIT_USER_FENCE), 56);
	igt_assert_eq(_IOC_DIR(DRM_IOCTL_SVMGPU_WAIT_USER_FENCE), _IOC_WRITE);

	/* New flags and operations take the first free values. */
	igt_assert_eq_u32(DRM_SVMGPU_VM_CREATE_FAULT_MODE, 1);
	igt_assert_eq_u32(DRM_SVMGPU_EXEC_USER_FENCE, 1);
	igt_assert_eq_u32(DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR, 2);
	igt_assert_eq_u64(DRM_SVMGPU_FEATURE_SVM, 1ull << 4);
	igt_assert(SVMGPU_KNOWN_FEATURES & DRM_SVMGPU_FEATURE_SVM);

	/* uAPI 1.4: SVM migration. */
	igt_assert_eq(sizeof(struct drm_svmgpu_vm_madvise), 48);
	assert_layout(drm_svmgpu_vm_madvise, preferred_loc, 32);
	assert_layout(drm_svmgpu_vm_madvise, pad, 44);
	igt_assert_eq(sizeof(struct drm_svmgpu_vm_attr), 32);
	assert_layout(drm_svmgpu_vm_attr, location, 28);
	igt_assert_eq(sizeof(struct drm_svmgpu_vm_query_attrs), 48);
	assert_layout(drm_svmgpu_vm_query_attrs, attrs, 32);
	assert_layout(drm_svmgpu_vm_query_attrs, num_attrs, 40);
	igt_assert_eq(_IOC_NR(DRM_IOCTL_SVMGPU_VM_MADVISE),
		      DRM_COMMAND_BASE + 0x0d);
	igt_assert_eq(_IOC_NR(DRM_IOCTL_SVMGPU_VM_QUERY_ATTRS),
		      DRM_COMMAND_BASE + 0x0e);
	igt_assert_eq_u32(DRM_SVMGPU_VM_BIND_OP_PREFETCH, 3);
	igt_assert_eq_u64(DRM_SVMGPU_FEATURE_SVM_MIGRATE, 1ull << 5);
	igt_assert(SVMGPU_KNOWN_FEATURES & DRM_SVMGPU_FEATURE_SVM_MIGRATE);
}

/* The helpers that build SVM arguments and process memory. */
static void test_svm_helpers(void)
{
	struct drm_svmgpu_vm_bind_op op = svmgpu_op_mirror(1ull << 20, SZ_2M);
	const size_t size = 4 * SZ_64K;
	int64_t deadline, now;
	struct timespec ts;
	uint8_t *p;
	int fd;

	igt_assert_eq_u32(op.op, DRM_SVMGPU_VM_BIND_OP_MAP_MIRROR);
	igt_assert_eq_u32(op.flags, 0);
	igt_assert_eq_u32(op.handle, 0);
	igt_assert_eq_u32(op.pad, 0);
	igt_assert_eq_u64(op.bo_offset, 0);
	igt_assert_eq_u64(op.addr, 1ull << 20);
	igt_assert_eq_u64(op.range, SZ_2M);

	op = svmgpu_op_prefetch(1ull << 21, SZ_64K,
				DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM);
	igt_assert_eq_u32(op.op, DRM_SVMGPU_VM_BIND_OP_PREFETCH);
	igt_assert_eq_u32(op.flags, DRM_SVMGPU_VM_BIND_PREFETCH_SYSTEM);
	igt_assert_eq_u32(op.handle, 0);
	igt_assert_eq_u64(op.bo_offset, 0);
	igt_assert_eq_u64(op.addr, 1ull << 21);
	igt_assert_eq_u64(op.range, SZ_64K);

	igt_assert_eq_u64(svmgpu_ptr((void *)0x12345678), 0x12345678);

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = ts.tv_sec * 1000000000ll + ts.tv_nsec;
	deadline = svmgpu_deadline_ns(1000000000ull);
	igt_assert_lte_s64(now + 1000000000ll, deadline);
	igt_assert_lt_s64(deadline, now + 2000000000ll);
	igt_assert_eq_s64(svmgpu_deadline_ns(~0ull), INT64_MAX);

	/* An aligned mapping, and smaps finding it and its size. */
	p = svmgpu_map_aligned(size, SZ_2M);
	igt_assert_eq_u64((uintptr_t)p & (SZ_2M - 1), 0);
	memset(p, 1, size);
	igt_assert_eq_u64(svmgpu_smaps_field(p + size - 1, "Size"), size);
	igt_assert_eq_u64(svmgpu_smaps_field(p, "Rss"), size);
	igt_assert_eq_u64(svmgpu_smaps_field(p, "NoSuchField"), 0);
	svmgpu_unmap(p, size);
	igt_assert_eq_u64(svmgpu_smaps_field(p, "Size"), 0);

	/* An unnamed file of the size asked for, read-write. */
	fd = svmgpu_tmpfile(SZ_64K);
	igt_assert_eq(lseek(fd, 0, SEEK_END), SZ_64K);
	igt_assert_eq(pwrite(fd, "x", 1, 5), 1);
	close(fd);
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

	igt_describe("svmgpu_fdinfo splits fdinfo lines into keys and values, "
		     "and refuses malformed, duplicate and oversized ones.");
	igt_subtest("fdinfo-pairs")
		test_fdinfo_pairs();

	igt_describe("svmgpu_fdinfo parses sizes in bytes, KiB, MiB and GiB, "
		     "knows the kernel's canonical unit, and parses engine "
		     "times in ns.");
	igt_subtest("fdinfo-values")
		test_fdinfo_values();

	igt_describe("svmgpu_fdinfo finds memory stats per region and summed, "
		     "engine times and the client id.");
	igt_subtest("fdinfo-lookup")
		test_fdinfo_lookup();

	igt_describe("svmgpu_fdinfo reads this process's /proc/self/fdinfo.");
	igt_subtest("fdinfo-read")
		test_fdinfo_read();

	igt_describe("Pattern fill and check helpers find every difference.");
	igt_subtest("patterns")
		test_patterns();

	igt_describe("bo_stats \"name: value\" counters parse; missing and "
		     "malformed ones are refused.");
	igt_subtest("bo-stats-parse")
		test_bo_stats_parse();

	igt_describe("debugfs vram lines parse ahead of the range-manager "
		     "dump.");
	igt_subtest("vram-info-parse")
		test_vram_info_parse();

	igt_describe("Trace lines of an event are counted, filtered by whole "
		     "field words.");
	igt_subtest("trace-parse-count")
		test_trace_parse_count();

	igt_describe("The uAPI 1.3 and 1.4 structures, ioctl numbers and flag "
		     "values have the layout the header promises.");
	igt_subtest("uapi-layout")
		test_uapi_layout();

	igt_describe("The SVM helpers build MAP_MIRROR operations and "
		     "deadlines, and find mappings in smaps.");
	igt_subtest("svm-helpers")
		test_svm_helpers();
}
