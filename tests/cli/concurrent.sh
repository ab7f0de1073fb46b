#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two groupctl processes writing to one store at once both succeed: 30
# account additions in one loop, 30 additions and invitations in the other,
# with no sleep and no retry in the test.  Every row must be there and the
# store consistent.
source "$(dirname "$0")/lib.sh"

gctl init >/dev/null
gctl plan set big --max-groups 1 --max-members 100
add_account boss big
gctl --as boss group create Big

loop_a() {
	local i
	for i in $(seq 1 30); do
		add_account "a$i" || { echo "a$i: add failed" >&2; return 1; }
	done
}

loop_b() {
	local i
	for i in $(seq 1 30); do
		add_account "b$i" || { echo "b$i: add failed" >&2; return 1; }
		gctl --as boss group invite Big "b$i" ||
			{ echo "b$i: invite failed" >&2; return 1; }
	done
}

loop_a >"$TMP/a.log" 2>&1 &
pid_a=$!
loop_b >"$TMP/b.log" 2>&1 &
pid_b=$!
if wait "$pid_a"; then rc_a=0; else rc_a=$?; fi
if wait "$pid_b"; then rc_b=0; else rc_b=$?; fi
assert_eq 0 "$rc_a" "the first writer succeeded"
[ "$rc_a" = 0 ] || cat "$TMP/a.log"
assert_eq 0 "$rc_b" "the second writer succeeded"
[ "$rc_b" = 0 ] || cat "$TMP/b.log"

assert_exit 0 gctl --json account list
assert_json 'len(d) == 61'
assert_json 'sorted(a["username"] for a in d if a["username"] != "boss") == sorted(["a%d" % i for i in range(1, 31)] + ["b%d" % i for i in range(1, 31)])' \
	"every account is there"
assert_exit 0 gctl --as boss --json group invitations Big
assert_json 'sorted(i["username"] for i in d) == sorted("b%d" % i for i in range(1, 31))' \
	"every invitation is there"
assert_exit 0 gctl check
assert_eq "store is consistent" "$OUT"

finish
