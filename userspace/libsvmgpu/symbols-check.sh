#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Check that a shared library exports exactly the symbols of a list.
#
# Usage: symbols-check.sh LIB.so SYMBOLS-FILE [OBJECT.o...]
#
# SYMBOLS-FILE has one symbol per line; blank lines and '#' comments are
# ignored. The defined dynamic symbols of LIB.so (nm -D --defined-only, minus
# version nodes and toolchain symbols such as _init and _fini) must be exactly
# that list: a symbol missing from the library and a symbol exported but not
# listed are both errors. When objects are given, their global symbols of
# default visibility must also be exactly the list, which catches an
# SVMGPU_PUBLIC function that the version script hides because nobody listed
# it. NM and READELF may be set in the environment.
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 LIB.so SYMBOLS-FILE [OBJECT.o...]" >&2
	exit 2
fi
so=$1
list=$2
shift 2
NM=${NM:-nm}
READELF=${READELF:-readelf}

if [ ! -f "$so" ] || [ ! -f "$list" ]; then
	echo "$0: no such file: $so or $list" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$list" | sort -u >"$tmp/expected"

# compare WHAT FILE: report FILE's differences with the list.
status=0
compare() {
	comm -23 "$tmp/expected" "$2" |
		awk -v w="$1" '{ print w ": missing: " $0 }' >"$tmp/diff"
	comm -13 "$tmp/expected" "$2" |
		awk -v w="$1" -v l="$list" '{ print w ": not in " l ": " $0 }' >>"$tmp/diff"
	if [ -s "$tmp/diff" ]; then
		cat "$tmp/diff" >&2
		status=1
	fi
}

# "ADDR T name@@LIBSVMGPU_1"; the version node itself is "0 A LIBSVMGPU_1".
"$NM" -D --defined-only "$so" |
	awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' |
	grep -v -x -e _init -e _fini -e _edata -e _end -e __bss_start |
	sort -u >"$tmp/so"
compare "$so" "$tmp/so"

# readelf -sW: "Num: Value Size Type Bind Vis Ndx Name".
for obj in "$@"; do
	"$READELF" -sW "$obj" |
		awk '($5 == "GLOBAL" || $5 == "WEAK") && $6 == "DEFAULT" &&
		     $7 != "UND" && ($4 == "FUNC" || $4 == "OBJECT") { print $8 }'
done | sort -u >"$tmp/obj"
[ $# -eq 0 ] || compare "objects" "$tmp/obj"

if [ $status -eq 0 ]; then
	echo "symbols-check: $so exports exactly the $(wc -l <"$tmp/expected") symbols of $list"
fi
exit $status
