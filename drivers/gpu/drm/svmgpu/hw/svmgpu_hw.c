// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2026 The svmgpu authors
 */

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <kunit/visibility.h>

#include "svmgpu_hw.h"
#include "svmgpu_hw_priv.h"
#include "svmgpu_hw_mmu.h"

/**
 * svmgpu_hw_config_check() - Check that a configuration can be built.
 * @cfg: The configuration.
 *
 * VRAM must be a multiple of 2 MiB, so that the MMU's largest leaf can map
 * it, and lie within [%SVMGPU_HW_VRAM_MIN, %SVMGPU_HW_VRAM_MAX]. There must
 * be between 1 and %SVMGPU_HW_ENGINES_MAX general-purpose engines; the copy
 * engine comes on top. Each general-purpose engine has 1 to
 * %SVMGPU_HW_COMPUTE_THREADS_MAX compute threads.
 *
 * Return: 0 if the configuration is valid, -EINVAL otherwise.
 */
int svmgpu_hw_config_check(const struct svmgpu_hw_config *cfg)
{
	if (cfg->vram_size < SVMGPU_HW_VRAM_MIN ||
	    cfg->vram_size > SVMGPU_HW_VRAM_MAX ||
	    !IS_ALIGNED(cfg->vram_size, SVMGPU_HW_VRAM_ALIGN))
		return -EINVAL;

	if (cfg->num_engines < 1 || cfg->num_engines > SVMGPU_HW_ENGINES_MAX)
		return -EINVAL;

	if (cfg->compute_threads < 1 ||
	    cfg->compute_threads > SVMGPU_HW_COMPUTE_THREADS_MAX)
		return -EINVAL;

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_config_check);

static void svmgpu_hw_vram_free(struct svmgpu_hw *hw)
{
	unsigned long i, chunks = hw->caps.vram_size / SVMGPU_HW_VRAM_ALIGN;

	if (hw->vram)
		vunmap(hw->vram);
	for (i = 0; hw->vram_chunks && i < chunks; i++)
		if (hw->vram_chunks[i])
			__free_pages(hw->vram_chunks[i],
				     get_order(SVMGPU_HW_VRAM_ALIGN));
	kvfree(hw->vram_chunks);
	hw->vram = NULL;
	hw->vram_chunks = NULL;
}

/*
 * VRAM is real memory: 2 MiB chunks, so that 2 MiB GPU pages are physically
 * contiguous, and one contiguous kernel mapping of all of them, so that
 * the driver and TTM can address any range of VRAM linearly.
 */
static int svmgpu_hw_vram_alloc(struct svmgpu_hw *hw)
{
	unsigned long chunks = hw->caps.vram_size / SVMGPU_HW_VRAM_ALIGN;
	unsigned long per_chunk = SVMGPU_HW_VRAM_ALIGN >> PAGE_SHIFT;
	unsigned int order = get_order(SVMGPU_HW_VRAM_ALIGN);
	struct page **pages;
	unsigned long i, j;

	hw->vram_chunks = kvcalloc(chunks, sizeof(*hw->vram_chunks),
				   GFP_KERNEL);
	pages = kvcalloc(chunks * per_chunk, sizeof(*pages), GFP_KERNEL);
	if (!hw->vram_chunks || !pages)
		goto err_free;

	for (i = 0; i < chunks; i++) {
		hw->vram_chunks[i] = alloc_pages(GFP_KERNEL | __GFP_ZERO |
						 __GFP_NOWARN, order);
		if (!hw->vram_chunks[i])
			goto err_free;
		for (j = 0; j < per_chunk; j++)
			pages[i * per_chunk + j] = hw->vram_chunks[i] + j;
	}

	hw->vram = vmap(pages, chunks * per_chunk, VM_MAP, PAGE_KERNEL);
	if (!hw->vram)
		goto err_free;

	kvfree(pages);
	return 0;

err_free:
	kvfree(pages);
	svmgpu_hw_vram_free(hw);
	return -ENOMEM;
}

/**
 * svmgpu_hw_create() - Power up an emulated GPU.
 * @dev: The device it sits on.
 * @cfg: Its configuration.
 * @name: Base name for the hardware's threads.
 *
 * Return: The hardware, to be given to svmgpu_hw_destroy(); an ERR_PTR()
 * of -EINVAL if @cfg is not a valid configuration, or of -ENOMEM if VRAM
 * cannot be allocated.
 */
struct svmgpu_hw *svmgpu_hw_create(struct device *dev,
				   const struct svmgpu_hw_config *cfg,
				   const char *name)
{
	struct svmgpu_hw *hw;
	int ret;

	ret = svmgpu_hw_config_check(cfg);
	if (ret)
		return ERR_PTR(ret);

	hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw)
		return ERR_PTR(-ENOMEM);

	hw->dev = dev;
	hw->caps.vram_size = cfg->vram_size;
	hw->caps.num_engines = cfg->num_engines;
	hw->caps.copy_engine = cfg->num_engines;
	hw->num_hw_engines = cfg->num_engines + 1;
	spin_lock_init(&hw->fault_lock);
	hw->caps.page_sizes = SZ_4K | SZ_64K | SZ_2M;
	hw->caps.va_bits = SVMGPU_HW_VA_BITS;
	hw->caps.compute_threads = cfg->compute_threads;

	ret = svmgpu_hw_vram_alloc(hw);
	if (ret)
		goto err_free;

	ret = svmgpu_hw_mmu_init(hw, name);
	if (ret)
		goto err_vram;

	ret = svmgpu_hw_engines_init(hw, name);
	if (ret)
		goto err_mmu;

	return hw;

err_mmu:
	svmgpu_hw_mmu_fini(hw);
err_vram:
	svmgpu_hw_vram_free(hw);
err_free:
	kfree(hw);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_create);

/**
 * svmgpu_hw_destroy() - Power down an emulated GPU.
 * @hw: The hardware, from svmgpu_hw_create(), with no job left.
 */
void svmgpu_hw_destroy(struct svmgpu_hw *hw)
{
	/* First the TLB worker, which may still be queued: it walks engines. */
	svmgpu_hw_mmu_fini(hw);
	svmgpu_hw_engines_fini(hw);
	svmgpu_hw_vram_free(hw);
	kfree(hw);
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_destroy);

/**
 * svmgpu_hw_caps() - Read the identification block.
 * @hw: The hardware, from svmgpu_hw_create().
 *
 * Return: The hardware's capabilities, valid until svmgpu_hw_destroy().
 */
const struct svmgpu_hw_caps *svmgpu_hw_caps(const struct svmgpu_hw *hw)
{
	return &hw->caps;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_caps);

/**
 * svmgpu_hw_vram_vaddr() - Kernel address of VRAM.
 * @hw: The hardware.
 * @offset: Offset in VRAM, below caps.vram_size.
 *
 * Return: The kernel address of that byte of VRAM. VRAM is mapped
 * contiguously, so the address is good up to the end of VRAM.
 */
void *svmgpu_hw_vram_vaddr(struct svmgpu_hw *hw, u64 offset)
{
	return hw->vram + offset;
}
EXPORT_SYMBOL_IF_KUNIT(svmgpu_hw_vram_vaddr);

/**
 * svmgpu_hw_vram_pfn() - Page frame number of VRAM.
 * @hw: The hardware.
 * @offset: Offset in VRAM, below caps.vram_size.
 *
 * Return: The pfn of the page holding that byte of VRAM, for CPU mappings.
 */
unsigned long svmgpu_hw_vram_pfn(struct svmgpu_hw *hw, u64 offset)
{
	struct page *chunk = hw->vram_chunks[offset / SVMGPU_HW_VRAM_ALIGN];

	return page_to_pfn(chunk) +
	       ((offset % SVMGPU_HW_VRAM_ALIGN) >> PAGE_SHIFT);
}
