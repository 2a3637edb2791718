# SPDX-License-Identifier: GPL-2.0-only
#
# svmgpu: the two commands a newcomer needs are
#
#   make demo     build everything, boot the VM, load svmgpu, show the device
#   make check    every test: static checks, host tests, and the VM run
#   make check T=GLOB   only the results whose key matches GLOB
#
# Both install missing Debian packages with apt-get (via sudo when not root).
# The kernel build is cached in $(SVMGPU_CACHE) (default ~/.cache/svmgpu);
# per-clone output goes to build/.

T ?= *

.PHONY: all demo check bench deps kernel lib igt vm-shell clean help

all: kernel lib igt

help:
	@sed -n 's/^#   //p' Makefile

deps:
	scripts/deps.sh

demo:
	scripts/demo.sh

check:
	T='$(T)' scripts/check.sh

#   make bench    benchmarks in the VM, as ratios to a same-boot reference
bench:
	scripts/bench.sh

# The pieces, for development loops.
kernel: deps
	scripts/kernel.sh

lib: deps
	$(MAKE) -C userspace/libsvmgpu O=$(CURDIR)/build/libsvmgpu all

igt: deps
	$(MAKE) -C igt-tests O=$(CURDIR)/build/igt all

#   make vm-shell boot the VM with svmgpu loaded and give a shell on it
vm-shell: all
	scripts/vm.sh shell

clean:
	rm -rf build
