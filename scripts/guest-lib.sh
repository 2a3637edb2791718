# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Shell functions the guest's scripts share (guest-init.sh, guest-kunit.sh,
# guest-peer.sh). Sourced, never run.

# save_symbols MODULE FILE [PID]: MODULE's symbols, so that the host can name
# its frames in kmemleak's reports once it is unloaded. Its init code is
# freed once loaded, and leaves kallsyms: frames in it are named after the
# section. PID is the modprobe that loaded it: when modules loaded one after
# the other shared addresses, the leaks that modprobe made are its.
save_symbols() {
	local init

	init=$(cat "/sys/module/$1/sections/.init.text" 2>/dev/null)
	{
		[[ -n ${3:-} ]] && printf '# loader-pid %s\n' "$3"
		grep "\\[$1\\]\$" /proc/kallsyms
		[[ -n $init ]] && printf '%s t .init.text\t[%s]\n' "${init#0x}" "$1"
	} >"$2"
}
