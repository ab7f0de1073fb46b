#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Several machines, one store on PostgreSQL (SPEC.md section 8): two
# daemons mount the same store from two store directories (two machines:
# nothing local is shared, only the database) and each sees the other's
# writes, renames, deletes and rights changes within a second; two writers
# racing a group's last bytes never pass its capacity together; a daemon
# killed affects no other and loses nothing fsynced; a server gone makes
# reads fail with EIO, never wrong data, and the mounts go on when it is
# back, at once, even after it crashed, with everything fsynced; content
# is in the database sealed; a backup is one snapshot.
. "$(dirname "$0")/lib.sh"

[ "$ENGINE" = postgres ] || { echo "1..0 # SKIP a store on PostgreSQL only"; exit 77; }

"$GROUPCTL" plan set tight --max-groups 2 --max-members 10 --group-bytes 1M \
	--private-bytes 1M >/dev/null
user alice tight
user bob
team alice Sales bob
ctl alice rights set Sales documents --add --delete bob >/dev/null

# The second machine: its own store directory (master key and connection
# string, as the operator copies them; its own lock files), same database.
S2=$T/store2
mkdir -p "$S2/db"
cp -p "$GROUPFS_STORE/master.key" "$GROUPFS_STORE/postgres.conninfo" "$S2/"
chgrp -R "$UGROUP" "$S2" && chmod 750 "$S2" && chmod 2770 "$S2/db"
check "the second machine's directory opens on the same store" \
	test "$(GROUPFS_STORE=$S2 "$GROUPCTL" --as alice group list --json |
		grep -c '"Sales"')" = 1

M1=$T/m1
M2=$T/m2
mount_fs "$M1" -o allow_other
GROUPFS_STORE=$S2 mount_fs "$M2" -o allow_other
D1=$M1/Sales/documents
D2=$M2/Sales/documents

reads() { [ "$(as "$1" cat "$2" 2>/dev/null)" = "$3" ]; }
absent() { ! as "$1" stat "$2" >/dev/null 2>&1; }

# ---- each sees the other's changes within a second ----
expect OK "alice writes on machine 1" as alice "$PROBE" write "$D1/a.txt" "from one"
wait_for "bob reads it on machine 2" 1 reads bob "$D2/a.txt" "from one"
expect OK "bob writes on machine 2" as bob "$PROBE" write "$D2/b.txt" "from two"
wait_for "alice reads it on machine 1" 1 reads alice "$D1/b.txt" "from two"
expect OK "alice overwrites a.txt on machine 1" \
	as alice "$PROBE" write "$D1/a.txt" "changed on one"
wait_for "machine 2 reads the new content" 1 reads bob "$D2/a.txt" "changed on one"
check "bob renames his b.txt on machine 2" as bob mv "$D2/b.txt" "$D2/renamed.txt"
wait_for "machine 1 sees the new name" 1 reads alice "$D1/renamed.txt" "from two"
wait_for "and not the old one" 1 absent alice "$D1/b.txt"
check "alice deletes a.txt on machine 1" as alice rm "$D1/a.txt"
wait_for "machine 2 sees it gone" 1 absent bob "$D2/a.txt"
check "bob makes a folder on machine 2" as bob mkdir "$D2/dir"
wait_for "machine 1 lists it" 1 as alice test -d "$D1/dir"

# ---- rights and membership, from groupctl on either machine ----
ctl alice rights set Sales documents --add --none >/dev/null
expect EACCES "a right taken on machine 1: bob's next create on machine 2 is refused" \
	as bob "$PROBE" write "$D2/c.txt" "x"
GROUPFS_STORE=$S2 "$GROUPCTL" --as alice rights set Sales documents --add bob \
	>/dev/null
expect OK "given back from machine 2: bob's next create on machine 1 works" \
	as bob "$PROBE" write "$D1/c.txt" "x"
ctl alice group remove Sales bob >/dev/null
expect ENOENT "bob, removed, no longer reaches the group on machine 2" \
	as bob "$PROBE" stat "$D2/c.txt"
unlisted() { ! as bob ls "$M1" | grep -qx Sales; }
wait_for "nor lists it on machine 1" 1 unlisted

# ---- two writers racing the group's last bytes, one on each machine ----
as alice rm -rf "$D1/dir" "$D1/c.txt" "$D1/renamed.txt"
head -c 700000 /dev/zero | tr '\0' x >"$T/fill"
chmod 644 "$T/fill"
race() {
	as alice dd if="$T/fill" of="$1" bs=700000 count=1 conv=fsync \
		2>/dev/null && echo OK >"$2"
}
race "$D1/r1" "$T/r1.out" &
p1=$!
race "$D2/r2" "$T/r2.out" &
p2=$!
wait $p1 $p2 || true
oks=$(cat "$T/r1.out" "$T/r2.out" 2>/dev/null | grep -c '^OK' || true)
check "of two 700 KB writes into 1 MB, one on each machine, at most one is accepted ($oks)" \
	test "$oks" -le 1
sizes=$(( $(stat -c %s "$D1/r1" 2>/dev/null || echo 0) + $(stat -c %s "$D1/r2" 2>/dev/null || echo 0) ))
check "the two files hold at most 1 MB together ($sizes)" test "$sizes" -le 1048576
used=$("$GROUPCTL" --as alice usage --json | awk -F: '
	/"name": "Sales"/ {g = 1} g && /"used"/ {print $2 + 0; exit}')
check "the group's use stays within its capacity ($used)" \
	test "${used:-0}" -le 1048576
expect 'store' "groupctl check finds the store consistent" "$GROUPCTL" check

# ---- a killed daemon affects no other and loses nothing fsynced ----
expect OK "alice writes and fsyncs on machine 2" \
	as alice "$PROBE" write "$D2/kept.txt" "fsynced before the crash"
kill_fs "$M2"
expect OK "machine 1 goes on writing" as alice "$PROBE" write "$D1/after.txt" "yes"
check "and reads what machine 2 fsynced" reads alice "$D1/kept.txt" "fsynced before the crash"
GROUPFS_STORE=$S2 mount_fs "$M2" -o allow_other
check "machine 2, mounted again, reads what machine 1 wrote" \
	reads alice "$D2/after.txt" "yes"

# ---- the server goes away and comes back ----
expect OK "a file read before" as alice "$PROBE" read "$D1/after.txt"
"$PG_CLUSTER" pause "$PG_DIR"
expect EIO "with the server gone, an uncached read answers EIO" \
	as alice "$PROBE" write "$D1/during.txt" "x"
"$PG_CLUSTER" resume "$PG_DIR"
expect OK "with the server back, the same mount writes again" \
	as alice "$PROBE" write "$D1/back.txt" "back"
wait_for "and machine 2 reads it" 1 reads alice "$D2/back.txt" "back"
expect 'store' "groupctl check finds the store consistent after it" \
	"$GROUPCTL" check

# ---- the server crashes: nothing fsynced is lost ----
expect OK "alice writes and fsyncs a file" \
	as alice "$PROBE" write "$D1/durable.txt" "fsynced before the server died"
"$PG_CLUSTER" crash "$PG_DIR"
"$PG_CLUSTER" resume "$PG_DIR"
check "after the server's crash and recovery, it reads back at once" \
	reads alice "$D1/durable.txt" "fsynced before the server died"
check "  on machine 2 too" reads alice "$D2/durable.txt" "fsynced before the server died"
expect 'store' "  and groupctl check finds the store consistent" \
	"$GROUPCTL" check

# ---- content at rest: sealed, in the database ----
marker="groupfs-at-rest-$$"
as alice sh -c "for i in \$(seq 2000); do echo $marker; done" >"$T/big"
check "a 100 KB file of a marker is written" as alice cp "$T/big" "$D1/big.txt"
check "and a small one" as alice sh -c "echo $marker >'$D1/small.txt'"
check "its records are in the database" \
	test "$(store_sql "SELECT count(*) FROM chunk")" -gt 0
same "no record holds the plaintext" \
	"$(store_sql "SELECT count(*) FROM chunk WHERE position('$marker'::bytea in data) > 0")" 0
check "the small one is an inline item there" \
	test "$(store_sql "SELECT count(*) FROM node_inline")" -gt 0
same "no inline item holds the plaintext" \
	"$(store_sql "SELECT count(*) FROM node_inline WHERE position('$marker'::bytea in data) > 0")" 0
same "nor is the master key there" \
	"$(store_sql "SELECT count(*) FROM chunk WHERE position(decode('$(od -An -tx1 -N16 "$GROUPFS_STORE/master.key" | tr -d ' \n')', 'hex') in data) > 0")" 0
check "and the file reads back whole on machine 2" as alice cmp -s "$T/big" "$D2/big.txt"

# ---- a backup of a store on PostgreSQL: one snapshot, as SQLite ----
expect backup "groupctl backup writes a copy" "$GROUPCTL" backup "$T/bk"
expect store "groupctl restore makes it a store, checked" \
	"$GROUPCTL" restore "$T/bk" "$T/rs"
GROUPFS_STORE=$T/rs mount_fs "$T/m3" -o allow_other
check "the restored copy holds the big file" \
	as alice cmp -s "$T/big" "$T/m3/Sales/documents/big.txt"
umount_fs "$T/m3"

finish
