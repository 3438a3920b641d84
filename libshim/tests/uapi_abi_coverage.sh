#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# uapi_abi_coverage.sh SYSTEM_BINDER_H ABI_TEST_CC
#
# Guards the completeness of the lists in uapi_abi_test.cc: every name the
# system <linux/android/binder.h> declares must be checked by the test.
# Extracted from the system header (comments stripped first):
#
#   macro       every object-like #define name, except the include guard
#   fmacro      every function-like #define name (B_PACK_CHARS)
#   config      every name tested with #ifdef/#ifndef/defined(), except the
#               include guard (BINDER_IPC_32BIT)
#   enumerator  every enumerator
#   type        every struct/union/enum tag and typedef name
#   field       every struct field as "struct, path", nested members as
#               "binder_transaction_data, data.ptr.buffer"
#
# macro, enumerator and type names must appear as an X-macro list entry
# X(NAME), fields as X(struct, path) (a name merely mentioned elsewhere in
# the test does not count); fmacro and config names must appear as whole
# words (they are checked outside the X-macro lists).  Exit 0 and print
# "abi-coverage: N names covered" when all are present; otherwise list the
# missing ones and exit 1.  Exit 2 on usage errors or if nothing could be
# extracted (parser out of step with the header).

set -eu

if [ "$#" -ne 2 ]; then
	echo "usage: $0 SYSTEM_BINDER_H ABI_TEST_CC" >&2
	exit 2
fi
header=$1
test_cc=$2
for f in "$header" "$test_cc"; do
	if [ ! -r "$f" ]; then
		echo "abi-coverage: cannot read $f" >&2
		exit 2
	fi
done

# One "kind<TAB>name" line per item.
names=$(awk '
{ src = src $0 "\n" }
END {
	# Strip /* */ comments (keeping their newlines) and // comments.
	out = ""
	while ((i = index(src, "/*")) > 0) {
		out = out substr(src, 1, i - 1)
		rest = substr(src, i + 2)
		j = index(rest, "*/")
		if (j == 0) { rest = ""; break }
		c = substr(rest, 1, j - 1)
		nl = c; gsub(/[^\n]/, "", nl); out = out nl
		src = substr(rest, j + 2)
	}
	src = out src
	n = split(src, L, "\n")

	guard = ""
	depth = 0		# brace depth inside a struct/union/enum
	inenum = 0
	for (k = 1; k <= n; k++) {
		line = L[k]
		sub(/\/\/.*/, "", line)
		# Join backslash-continued lines.
		while (line ~ /\\[ \t]*$/ && k < n) {
			sub(/\\[ \t]*$/, " ", line)
			line = line L[++k]
		}

		if (line ~ /^[ \t]*#/) {
			if (match(line, /^[ \t]*#[ \t]*ifndef[ \t]+[A-Za-z_][A-Za-z0-9_]*/) && guard == "") {
				g = substr(line, RSTART, RLENGTH); sub(/.*[ \t]/, "", g)
				if (k < n && L[k + 1] ~ ("^[ \t]*#[ \t]*define[ \t]+" g "([ \t]|$)")) {
					guard = g; continue
				}
			}
			if (match(line, /^[ \t]*#[ \t]*define[ \t]+[A-Za-z_][A-Za-z0-9_]*/)) {
				m = substr(line, RSTART, RLENGTH); sub(/.*[ \t]/, "", m)
				fl = substr(line, RSTART + RLENGTH, 1) == "(" ? "fmacro" : "macro"
				if (m != guard) print fl "\t" m
				continue
			}
			t = line
			if (t ~ /^[ \t]*#[ \t]*(ifdef|ifndef)[ \t]/) {
				sub(/^[ \t]*#[ \t]*(ifdef|ifndef)[ \t]+/, "", t); sub(/[^A-Za-z0-9_].*/, "", t)
				if (t != guard) print "config\t" t
			}
			while (match(t, /defined[ \t]*\(?[ \t]*[A-Za-z_][A-Za-z0-9_]*/)) {
				d = substr(t, RSTART, RLENGTH); t = substr(t, RSTART + RLENGTH)
				sub(/^defined[ \t]*\(?[ \t]*/, "", d)
				if (d != guard) print "config\t" d
			}
			continue
		}

		if (depth == 0) {
			if (match(line, /^[ \t]*typedef[^;]*[A-Za-z_][A-Za-z0-9_]*[ \t]*;/)) {
				t = line; sub(/[ \t]*;.*/, "", t); sub(/.*[^A-Za-z0-9_]/, "", t)
				print "type\t" t
				continue
			}
			if (match(line, /^[ \t]*enum[ \t]*[A-Za-z0-9_]*[ \t]*\{/)) {
				t = line; sub(/^[ \t]*enum[ \t]*/, "", t); sub(/[ \t]*\{.*/, "", t)
				if (t != "") print "type\t" t
				inenum = 1; depth = 1
				continue
			}
			if (match(line, /^[ \t]*(struct|union)[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\{/)) {
				t = line; sub(/^[ \t]*(struct|union)[ \t]+/, "", t); sub(/[ \t]*\{.*/, "", t)
				print "type\t" t
				top = t; inenum = 0; depth = 1; buf[1] = ""
				continue
			}
			continue
		}

		if (inenum) {
			if (line ~ /^[ \t]*\}/) { depth = 0; inenum = 0; continue }
			if (match(line, /^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*(=|,|$)/)) {
				e = substr(line, RSTART, RLENGTH); gsub(/[ \t=,]/, "", e)
				if (e != "") print "enumerator\t" e
			}
			continue
		}

		# Inside a struct/union.
		if (line ~ /^[ \t]*(struct|union)[ \t]*\{/) {
			buf[++depth] = ""
			continue
		}
		if (line ~ /^[ \t]*\}/) {
			child = buf[depth--]
			if (depth == 0) {
				cn = split(child, P, "\n")
				for (q = 1; q <= cn; q++)
					if (P[q] != "") print "field\t" top ", " P[q]
				continue
			}
			nm = line; sub(/^[ \t]*\}[ \t]*/, "", nm); sub(/[^A-Za-z0-9_].*/, "", nm)
			cn = split(child, P, "\n")
			if (nm != "") buf[depth] = buf[depth] nm "\n"
			for (q = 1; q <= cn; q++)
				if (P[q] != "")
					buf[depth] = buf[depth] (nm != "" ? nm "." : "") P[q] "\n"
			continue
		}
		if (line ~ /;[ \t]*$/) {
			f = line; sub(/[ \t]*;[ \t]*$/, "", f); sub(/[ \t]*\[[^]]*\][ \t]*$/, "", f)
			sub(/.*[^A-Za-z0-9_]/, "", f)
			if (f != "") buf[depth] = buf[depth] f "\n"
		}
	}
}' "$header")

total=0
missing=""
for kind in macro fmacro config enumerator type field; do
	count=$(printf '%s\n' "$names" | awk -F '\t' -v k="$kind" '$1 == k' | wc -l)
	case "$kind" in
	config | fmacro) ;;	# optional: a header may have none
	*)
		if [ "$count" -eq 0 ]; then
			echo "abi-coverage: no ${kind} names extracted from $header" >&2
			exit 2
		fi
		;;
	esac
done

tab=$(printf '\t')
# Deduplicate (e.g. BINDER_IPC_32BIT is tested twice).
list=$(printf '%s\n' "$names" | sort -u)
old_ifs=$IFS
IFS='
'
for entry in $list; do
	IFS=$old_ifs
	kind=${entry%%"$tab"*}
	name=${entry#*"$tab"}
	total=$((total + 1))
	if [ "$kind" = field ]; then
		st=${name%%, *}
		path=${name#*, }
		re_path=$(printf '%s' "$path" | sed 's/\./\\./g')
		if ! grep -Eq "\([[:space:]]*${st}[[:space:]]*,[[:space:]]*${re_path}[[:space:]]*\)" "$test_cc"; then
			missing="$missing
	field      X($name)"
		fi
	elif [ "$kind" = macro ] || [ "$kind" = enumerator ] || [ "$kind" = type ]; then
		if ! grep -Eq "X\([[:space:]]*${name}[[:space:]]*\)" "$test_cc"; then
			missing="$missing
	$(printf '%-10s' "$kind") X($name)"
		fi
	elif ! grep -qw -- "$name" "$test_cc"; then
		missing="$missing
	$(printf '%-10s' "$kind") $name"
	fi
	IFS='
'
done
IFS=$old_ifs

if [ -n "$missing" ]; then
	echo "abi-coverage: names from $header not checked by $test_cc:$missing" >&2
	exit 1
fi
echo "abi-coverage: $total names covered"
