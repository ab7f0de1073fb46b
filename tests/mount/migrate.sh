#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# groupctl migrate (SPEC.md section 8): the demo store, with content of
# every size added, moves from SQLite to PostgreSQL and is copied back to
# SQLite; each time, through a mount, every file is the same byte for
# byte, with the same sizes, modes and times.  Refusals change nothing:
# a mounted store, a database holding a store already, a target that is
# not empty, a store already there, and a command line naming neither or
# both targets.
. "$(dirname "$0")/lib.sh"

[ "$ENGINE" = postgres ] || { echo "1..0 # SKIP needs a PostgreSQL cluster"; exit 77; }

DEMO=$T/demo
WHO=claire.lambert
"$GROUPCTL" --store "$DEMO" demo >/dev/null

# tree DIR: every path below DIR with its type, size, mode and mtime
# (members/, invitations and history's folders are made when read: their
# times are now).
tree() {
	(cd "$1" && find . -printf '%y %s %m %T@ %p\n' |
		grep -v -e '/members/' -e '/invitations/' |
		awk '!($1 == "d" && $5 ~ /\/history(\/|$)/)' | sort -k5)
}

# Content of every size: inline, one chunk, many, and sparse.
GROUPFS_STORE=$DEMO mount_fs "$T/m0" --as "$WHO" -o allow_other
D=$T/m0/Staff/documents
head -c 300000 /dev/urandom >"$T/r300k"
check "a 300 KB file is added" cp "$T/r300k" "$D/random.bin"
check "a 3 MB one" sh -c "head -c 3000000 /dev/urandom >'$D/big.bin'"
check "a sparse one" truncate -s 5000000 "$D/sparse.bin"
check "bytes written past a hole" \
	sh -c "printf 'tail' | dd of='$D/sparse.bin' bs=1 seek=4999996 conv=notrunc 2>/dev/null"
check "a small one" sh -c "echo small >'$D/small.txt'"
check "a folder of them" sh -c "mkdir '$D/sub' && cp '$T/r300k' '$D/sub/copy.bin'"
tree "$T/m0" >"$T/tree.before"
check "the whole tree is copied out" cp -a "$T/m0" "$T/before"

# ---- refusals, each changing nothing ----
PG1=$("$PG_CLUSTER" createdb "$PG_DIR" demo1)
expect groupctl: "a mounted store is refused" \
	"$GROUPCTL" --store "$DEMO" migrate --to-postgres "$PG1"
check "  naming why" sh -c "'$GROUPCTL' --store '$DEMO' migrate --to-postgres '$PG1' 2>&1 | grep -q 'unmount it'"
check "  and the store stays on SQLite" test -f "$DEMO/db/store.db" -a ! -e "$DEMO/postgres.conninfo"
umount_fs "$T/m0"
expect groupctl: "a database holding a store is refused" \
	"$GROUPCTL" --store "$DEMO" migrate --to-postgres "$PG_CONNINFO"
check "  and the store stays on SQLite" test -f "$DEMO/db/store.db" -a ! -e "$DEMO/postgres.conninfo"
"$GROUPCTL" --store "$DEMO" migrate --to-postgres "$PG1" --to-sqlite "$T/x" \
	>/dev/null 2>&1 && rc=0 || rc=$?
same "naming both targets is a usage error" "$rc" 2
"$GROUPCTL" --store "$DEMO" migrate >/dev/null 2>&1 && rc=0 || rc=$?
same "naming neither is one too" "$rc" 2
expect groupctl: "--to-sqlite of a store on SQLite is refused" \
	"$GROUPCTL" --store "$DEMO" migrate --to-sqlite "$T/x"
check "  and makes nothing" test ! -e "$T/x"

# ---- to PostgreSQL ----
"$GROUPCTL" --store "$DEMO" migrate --to-postgres "$PG1" >"$T/mg1.out" 2>&1 &&
	rc=0 || rc=$?
same "groupctl migrate --to-postgres" "$rc" 0
check "  says what moved and that the result checks clean" \
	grep -q 'checked: no problems' "$T/mg1.out"
check "  the directory keeps the key and the connection string" \
	test -f "$DEMO/master.key" -a -f "$DEMO/postgres.conninfo" -a ! -e "$DEMO/db/store.db"
same "  the connection string is the owner's only" \
	"$(stat -c %a "$DEMO/postgres.conninfo")" 600
check "  the SQLite files are set aside" test -f "$DEMO/sqlite-moved/store.db"
expect groupctl: "a second move to PostgreSQL is refused" \
	"$GROUPCTL" --store "$DEMO" migrate --to-postgres "$PG1"
GROUPFS_STORE=$DEMO mount_fs "$T/m1" --as "$WHO" -o allow_other
tree "$T/m1" >"$T/tree.pg"
check "on PostgreSQL every file is the same byte for byte" \
	diff -r "$T/before" "$T/m1"
check "  with the same sizes, modes and times" diff "$T/tree.before" "$T/tree.pg"
check "  and it takes new content" sh -c "echo new >'$T/m1/Staff/documents/new.txt'"
umount_fs "$T/m1"
check "the new file is kept aside for the next comparison" \
	sh -c "echo new >'$T/before/Staff/documents/new.txt'"

# ---- and back to SQLite ----
mkdir "$T/notempty" && touch "$T/notempty/x"
expect groupctl: "--to-sqlite into a folder with files is refused" \
	"$GROUPCTL" --store "$DEMO" migrate --to-sqlite "$T/notempty"
"$GROUPCTL" --store "$DEMO" migrate --to-sqlite "$T/back" >"$T/mg2.out" 2>&1 &&
	rc=0 || rc=$?
same "groupctl migrate --to-sqlite" "$rc" 0
check "  checked clean" grep -q 'checked: no problems' "$T/mg2.out"
check "  a store on SQLite with the same key" \
	cmp -s "$DEMO/master.key" "$T/back/master.key"
GROUPFS_STORE=$T/back mount_fs "$T/m2" --as "$WHO" -o allow_other
check "back on SQLite every file is the same byte for byte" \
	diff -r "$T/before" "$T/m2"
same "  and the store on PostgreSQL is still there" \
	"$("$GROUPCTL" --store "$DEMO" --as "$WHO" group list | wc -l)" \
	"$("$GROUPCTL" --store "$T/back" --as "$WHO" group list | wc -l)"
umount_fs "$T/m2"

finish
