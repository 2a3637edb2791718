#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Guest side: load a KUnit test module, which runs its suites during load,
# and print the KTAP results of its suites (named PREFIX*) from debugfs.
set -u
module=$1 prefix=$2

modprobe "$module" || { echo "modprobe $module failed"; exit 1; }
found=0
for results in /sys/kernel/debug/kunit/"$prefix"*/results; do
	[[ -e $results ]] || continue
	found=1
	cat "$results"
done
# rmmod, not modprobe -r: that would also unload svmgpu, which the test
# module depends on.
rmmod "$module" || { echo "rmmod $module failed"; exit 1; }
((found)) || { echo "no KUnit suite named $prefix*"; exit 1; }
