// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * KUnit tests for the pure logic behind DRM_IOCTL_SVMGPU_DEVICE_QUERY and
 * for the emulated hardware's configuration rules. They need no device.
 */

#include <linux/sizes.h>

#include <drm/svmgpu_drm.h>

#include <kunit/test.h>

#include "../hw/svmgpu_hw.h"
#include "../svmgpu_query.h"

static struct drm_svmgpu_device_query valid_query(void)
{
	return (struct drm_svmgpu_device_query) {
		.query = DRM_SVMGPU_QUERY_DEVICE_INFO,
		.size = sizeof(struct drm_svmgpu_query_device_info),
		.data = 0x1000,
	};
}

static void query_check_accepts_valid(struct kunit *test)
{
	struct drm_svmgpu_device_query q = valid_query();

	KUNIT_EXPECT_EQ(test, svmgpu_query_check(NULL, &q), 0);

	/* Size and data are the handler's business, not the generic check's. */
	q.size = 0;
	q.data = 0;
	KUNIT_EXPECT_EQ(test, svmgpu_query_check(NULL, &q), 0);
}

static void query_check_rejects_flags(struct kunit *test)
{
	struct drm_svmgpu_device_query q = valid_query();
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		q.flags = BIT(bit);
		KUNIT_EXPECT_EQ_MSG(test, svmgpu_query_check(NULL, &q), -EINVAL,
				    "flag bit %u", bit);
	}
}

static void query_check_rejects_pad(struct kunit *test)
{
	struct drm_svmgpu_device_query q = valid_query();

	q.pad = 1;
	KUNIT_EXPECT_EQ(test, svmgpu_query_check(NULL, &q), -EINVAL);
	q.pad = 0x80000000;
	KUNIT_EXPECT_EQ(test, svmgpu_query_check(NULL, &q), -EINVAL);
}

static void query_check_rejects_extensions(struct kunit *test)
{
	struct drm_svmgpu_device_query q = valid_query();

	q.extensions = 0x1000;
	KUNIT_EXPECT_EQ(test, svmgpu_query_check(NULL, &q), -EINVAL);
	q.extensions = ~0ull;
	KUNIT_EXPECT_EQ(test, svmgpu_query_check(NULL, &q), -EINVAL);
}

static void query_check_rejects_unknown_id(struct kunit *test)
{
	struct drm_svmgpu_device_query q = valid_query();

	q.query = DRM_SVMGPU_QUERY_DEVICE_INFO + 1;
	KUNIT_EXPECT_EQ(test, svmgpu_query_check(NULL, &q), -EINVAL);
	q.query = U32_MAX;
	KUNIT_EXPECT_EQ(test, svmgpu_query_check(NULL, &q), -EINVAL);
}

static void query_size_protocol(struct kunit *test)
{
	u32 size;

	/* Zero asks for the size and copies nothing. */
	size = 0;
	KUNIT_EXPECT_EQ(test, svmgpu_query_size(NULL, &size, 56), 1);
	KUNIT_EXPECT_EQ(test, size, 56);

	/* A short buffer is rejected and its size left alone. */
	size = 55;
	KUNIT_EXPECT_EQ(test, svmgpu_query_size(NULL, &size, 56), -EINVAL);
	KUNIT_EXPECT_EQ(test, size, 55);
	size = 1;
	KUNIT_EXPECT_EQ(test, svmgpu_query_size(NULL, &size, 56), -EINVAL);

	/* An exact or larger buffer gets the answer and its real size. */
	size = 56;
	KUNIT_EXPECT_EQ(test, svmgpu_query_size(NULL, &size, 56), 0);
	KUNIT_EXPECT_EQ(test, size, 56);
	size = U32_MAX;
	KUNIT_EXPECT_EQ(test, svmgpu_query_size(NULL, &size, 56), 0);
	KUNIT_EXPECT_EQ(test, size, 56);
}

static void query_device_info_from_caps(struct kunit *test)
{
	const struct svmgpu_hw_caps caps = {
		.vram_size = SZ_512M,
		.page_sizes = SZ_4K | SZ_64K | SZ_2M,
		.num_engines = 3,
		.va_bits = 48,
		.compute_threads = 5,
	};
	struct drm_svmgpu_query_device_info info;
	unsigned int i;

	/* Every byte must be written, including padding and reserved. */
	memset(&info, 0xa5, sizeof(info));
	svmgpu_query_fill_device_info(&caps, &info);

	KUNIT_EXPECT_EQ(test, info.uapi_major, DRM_SVMGPU_UAPI_MAJOR);
	KUNIT_EXPECT_EQ(test, info.uapi_minor, DRM_SVMGPU_UAPI_MINOR);
	KUNIT_EXPECT_EQ(test, info.num_engines, 3);
	KUNIT_EXPECT_EQ(test, info.vram_size, SZ_512M);
	KUNIT_EXPECT_EQ(test, info.page_sizes,
			DRM_SVMGPU_PAGE_SIZE_4K | DRM_SVMGPU_PAGE_SIZE_64K |
			DRM_SVMGPU_PAGE_SIZE_2M);
	KUNIT_EXPECT_EQ(test, info.va_bits, 48);
	KUNIT_EXPECT_EQ(test, info.features,
			DRM_SVMGPU_FEATURE_GEM | DRM_SVMGPU_FEATURE_VM |
			DRM_SVMGPU_FEATURE_EXEC |
			DRM_SVMGPU_FEATURE_GEM_MIGRATE |
			DRM_SVMGPU_FEATURE_SVM |
			DRM_SVMGPU_FEATURE_SVM_MIGRATE |
			DRM_SVMGPU_FEATURE_COMPUTE);
	KUNIT_EXPECT_EQ(test, info.compute_threads, 5);
	KUNIT_EXPECT_EQ(test, info.pad, 0);
	KUNIT_EXPECT_EQ(test, info.pad2, 0);
	for (i = 0; i < ARRAY_SIZE(info.reserved); i++)
		KUNIT_EXPECT_EQ(test, info.reserved[i], 0);
}

static void query_device_info_masks_unknown_page_sizes(struct kunit *test)
{
	const struct svmgpu_hw_caps caps = {
		.vram_size = SZ_16M,
		.page_sizes = SZ_4K | SZ_8K | SZ_1G,
		.num_engines = 1,
		.va_bits = 48,
	};
	struct drm_svmgpu_query_device_info info;

	svmgpu_query_fill_device_info(&caps, &info);
	KUNIT_EXPECT_EQ(test, info.page_sizes, DRM_SVMGPU_PAGE_SIZE_4K);
}

static struct kunit_case svmgpu_query_cases[] = {
	KUNIT_CASE(query_check_accepts_valid),
	KUNIT_CASE(query_check_rejects_flags),
	KUNIT_CASE(query_check_rejects_pad),
	KUNIT_CASE(query_check_rejects_extensions),
	KUNIT_CASE(query_check_rejects_unknown_id),
	KUNIT_CASE(query_size_protocol),
	KUNIT_CASE(query_device_info_from_caps),
	KUNIT_CASE(query_device_info_masks_unknown_page_sizes),
	{}
};

static struct kunit_suite svmgpu_query_suite = {
	.name = "svmgpu_query",
	.test_cases = svmgpu_query_cases,
};

static void hw_config_accepts_valid(struct kunit *test)
{
	struct svmgpu_hw_config cfg = {
		.vram_size = SZ_256M,
		.num_engines = 2,
		.compute_threads = 2,
	};

	KUNIT_EXPECT_EQ(test, svmgpu_hw_config_check(&cfg), 0);

	cfg.vram_size = SVMGPU_HW_VRAM_MIN;
	cfg.num_engines = 1;
	cfg.compute_threads = 1;
	KUNIT_EXPECT_EQ(test, svmgpu_hw_config_check(&cfg), 0);

	cfg.vram_size = SVMGPU_HW_VRAM_MAX;
	cfg.num_engines = SVMGPU_HW_ENGINES_MAX;
	cfg.compute_threads = SVMGPU_HW_COMPUTE_THREADS_MAX;
	KUNIT_EXPECT_EQ(test, svmgpu_hw_config_check(&cfg), 0);
}

static void hw_config_rejects_vram(struct kunit *test)
{
	static const u64 bad[] = {
		0, SZ_4K, SVMGPU_HW_VRAM_MIN - SZ_2M, SZ_256M + SZ_4K,
		SZ_256M + SZ_1M, SVMGPU_HW_VRAM_MAX + SZ_2M, U64_MAX,
	};
	struct svmgpu_hw_config cfg = { .num_engines = 2, .compute_threads = 1 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		cfg.vram_size = bad[i];
		KUNIT_EXPECT_EQ_MSG(test, svmgpu_hw_config_check(&cfg), -EINVAL,
				    "vram_size %llu", bad[i]);
	}
}

static void hw_config_rejects_engines(struct kunit *test)
{
	struct svmgpu_hw_config cfg = {
		.vram_size = SZ_256M,
		.compute_threads = 1,
	};

	cfg.num_engines = 0;
	KUNIT_EXPECT_EQ(test, svmgpu_hw_config_check(&cfg), -EINVAL);
	cfg.num_engines = SVMGPU_HW_ENGINES_MAX + 1;
	KUNIT_EXPECT_EQ(test, svmgpu_hw_config_check(&cfg), -EINVAL);
	cfg.num_engines = U32_MAX;
	KUNIT_EXPECT_EQ(test, svmgpu_hw_config_check(&cfg), -EINVAL);
}

static void hw_config_rejects_compute_threads(struct kunit *test)
{
	struct svmgpu_hw_config cfg = { .vram_size = SZ_256M, .num_engines = 2 };

	cfg.compute_threads = 0;
	KUNIT_EXPECT_EQ(test, svmgpu_hw_config_check(&cfg), -EINVAL);
	cfg.compute_threads = SVMGPU_HW_COMPUTE_THREADS_MAX + 1;
	KUNIT_EXPECT_EQ(test, svmgpu_hw_config_check(&cfg), -EINVAL);
}

static struct kunit_case svmgpu_hw_config_cases[] = {
	KUNIT_CASE(hw_config_accepts_valid),
	KUNIT_CASE(hw_config_rejects_compute_threads),
	KUNIT_CASE(hw_config_rejects_vram),
	KUNIT_CASE(hw_config_rejects_engines),
	{}
};

static struct kunit_suite svmgpu_hw_config_suite = {
	.name = "svmgpu_hw_config",
	.test_cases = svmgpu_hw_config_cases,
};

kunit_test_suites(&svmgpu_query_suite, &svmgpu_hw_config_suite);

MODULE_DESCRIPTION("KUnit tests for svmgpu");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
