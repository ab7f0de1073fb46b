#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# POSIX behaviour of documents (SPEC.md section 3): offsets across the
# inline limit and chunk boundaries, truncate, O_EXCL, rename (within,
# across folders, across groups, the save pattern), hard and symbolic
# links, unlink of an open file, times, fsync, statfs, special files,
# chmod/chown, and inode numbers that survive a remount.
. "$(dirname "$0")/lib.sh"

user alice pro
user bob
ctl alice group create Sales >/dev/null
ctl alice group create Other >/dev/null
ctl alice group invite Sales bob
ctl bob invitation accept Sales
M=$T/mnt
mount_fs "$M" -o allow_other
D=$M/Sales/documents
O=$M/Other/documents
L=$T/local
mkdir "$L"
chmod 755 "$L"

ok() { expect OK "$@"; }
content() { as "$1" "$PROBE" read "$2" | sed '1s/^OK //'; }
# field N PATH: word N of `probe stat PATH` as alice (2 ino, 3 size,
# 4 mode, 5 nlink, 6 uid, 7 mtime).
field() { as alice "$PROBE" stat "$2" | awk -v n="$1" '{print $n}'; }
# same_file DESC NAME: the mount's documents/NAME equals the local NAME.
same_file() { check "$1" as alice cmp "$L/$2" "$D/$2"; }
# both NAME DD-ARGS...: the same dd on the local copy and in the mount.
both() {
	local name=$1
	shift
	dd of="$L/$name" conv=notrunc status=none "$@"
	as alice dd of="$D/$name" conv=notrunc status=none "$@"
}

# ---- read and write at any offset ----
dd if=/dev/urandom of="$L/big" bs=1024 count=200 status=none
dd if=/dev/urandom of="$L/patch" bs=10 count=1 status=none
check "alice writes a 200 KiB file" as alice cp "$L/big" "$D/big"
same_file "it reads back identical" big
both big if="$L/patch" bs=1 seek=100003
same_file "10 bytes at an unaligned offset in the middle" big
both big if="$L/patch" bs=1 seek=65531
same_file "10 bytes across the 64 KiB inline limit" big
both big if="$L/patch" bs=1 seek=8187
same_file "10 bytes across a 4 KiB chunk boundary" big
both big if="$L/patch" bs=1 seek=307200
same_file "a write past the end leaves a hole of zeros" big
same "  the size grew to 307210" "$(field 3 "$D/big")" 307210
same "an unaligned read in the middle" \
	"$(as alice dd if="$D/big" bs=1 skip=65530 count=20 status=none | od -An -tx1)" \
	"$(dd if="$L/big" bs=1 skip=65530 count=20 status=none | od -An -tx1)"
same "a read past the end returns nothing" \
	"$(as alice dd if="$D/big" bs=1k skip=400 count=1 status=none | wc -c)" 0
dd if=/dev/urandom of="$L/huge" bs=1M count=3 status=none
dd if=/dev/urandom of="$L/patch2" bs=5000 count=1 status=none
check "alice writes a 3 MiB file in 1 MiB writes" as alice dd if="$L/huge" of="$D/huge" bs=1M status=none
both huge if="$L/patch2" bs=5000 seek=1048000 oflag=seek_bytes
same_file "  5000 bytes across the first 1 MiB" huge
head -c 60000 "$L/big" >"$L/grow"
check "alice writes a 60000-byte file (inline)" as alice cp "$L/grow" "$D/grow"
tail -c 10000 "$L/big" >>"$L/grow"
check "appending past 64 KiB" as alice sh -c "tail -c 10000 '$L/big' >>'$D/grow'"
same_file "the grown file reads back identical" grow

# ---- truncate up and down ----
truncate -s 1000 "$L/grow"
ok "truncate down to 1000 (back under the inline limit)" as alice "$PROBE" truncate "$D/grow" 1000
same_file "  the first 1000 bytes remain" grow
truncate -s 70000 "$L/grow"
ok "truncate up to 70000" as alice "$PROBE" truncate "$D/grow" 70000
same_file "  zeros after the old end" grow
truncate -s 4097 "$L/big"
check "ftruncate big down to 4097 (mid-chunk)" as alice truncate -s 4097 "$D/big"
same_file "  big keeps its first 4097 bytes" big
truncate -s 200000 "$L/big"
ok "truncate big up to 200000" as alice "$PROBE" truncate "$D/big" 200000
same_file "  no stale bytes come back past 4097" big

# ---- O_EXCL ----
expect EEXIST "O_CREAT|O_EXCL on an existing file" as alice "$PROBE" open "$D/grow" wcreatexcl
same "  it kept its size" "$(field 3 "$D/grow")" 70000
ok "O_CREAT|O_EXCL on a new name" as alice "$PROBE" open "$D/excl" wcreatexcl
ok "  it exists" as alice "$PROBE" stat "$D/excl"

# ---- rename ----
ok "alice writes r1" as alice "$PROBE" write "$D/r1" romeo
ino=$(field 2 "$D/r1")
ok "rename within a folder" as alice "$PROBE" rename "$D/r1" "$D/r2"
same "  same inode" "$(field 2 "$D/r2")" "$ino"
expect ENOENT "  the old name is gone" as alice "$PROBE" stat "$D/r1"
as alice "$PROBE" mkdir "$D/f1" >/dev/null
ok "rename across folders" as alice "$PROBE" rename "$D/r2" "$D/f1/r2"
same "  same inode, same content" "$(field 2 "$D/f1/r2") $(content alice "$D/f1/r2")" "$ino romeo"
ok "rename a folder" as alice "$PROBE" rename "$D/f1" "$D/f2"
same "  its content follows" "$(content alice "$D/f2/r2")" romeo
expect EINVAL "a folder cannot move into itself" as alice "$PROBE" rename "$D/f2" "$D/f2/in"
expect EXDEV "rename across groups" as alice "$PROBE" rename "$D/f2/r2" "$O/r2"
same "  the source stays" "$(content alice "$D/f2/r2")" romeo
expect ENOENT "  nothing in the other group" as alice "$PROBE" stat "$O/r2"
ok "alice writes a private file" as alice "$PROBE" write "$M/Private/documents/p" papa
expect EXDEV "rename from Private into a group" as alice "$PROBE" rename "$M/Private/documents/p" "$D/p"
ok "alice writes r3" as alice "$PROBE" write "$D/r3" x
expect EEXIST "RENAME_NOREPLACE over an existing file" as alice "$PROBE" rename "$D/r3" "$D/f2/r2" noreplace
same "  the target is unchanged" "$(content alice "$D/f2/r2")" romeo
as alice mkdir -p "$D/full/x"
as alice "$PROBE" mkdir "$D/empty" >/dev/null
expect ENOTEMPTY "rename a folder over a non-empty one" as alice "$PROBE" rename "$D/empty" "$D/full"
ok "rename a folder over an empty one" as alice "$PROBE" rename "$D/full" "$D/empty"
same "  the moved folder holds x" "$(as alice ls "$D/empty")" x

# ---- rename over an existing file: the save pattern ----
ok "alice writes report.txt" as alice "$PROBE" write "$D/report.txt" v1
rino=$(field 2 "$D/report.txt")
ok "alice saves over it (tmp, fsync, rename)" as alice "$PROBE" write "$D/.report.tmp" v2
ok "  rename over report.txt" as alice "$PROBE" rename "$D/.report.tmp" "$D/report.txt"
same "  report.txt keeps its inode" "$(field 2 "$D/report.txt")" "$rino"
same "  and holds the new content" "$(content bob "$D/report.txt")" v2
expect ENOENT "  the temp name is gone" as alice "$PROBE" stat "$D/.report.tmp"
ctl alice rights set Sales documents --add bob
ctl alice rights editors Sales documents/report.txt bob
ok "bob writes a temp file (fsynced)" as bob "$PROBE" write "$D/.report.bob" "v3 by bob"
ok "bob renames it over alice's report.txt (he may edit it)" as bob "$PROBE" rename "$D/.report.bob" "$D/report.txt"
same "  report.txt keeps alice's inode" "$(field 2 "$D/report.txt")" "$rino"
same "  it holds bob's content" "$(content alice "$D/report.txt")" "v3 by bob"
same "  its creator is still alice" "$(as bob "$PROBE" getxattr "$D/report.txt" user.groupfs.creator)" "OK alice"
same "  its editors are unchanged" "$(as bob "$PROBE" getxattr "$D/report.txt" user.groupfs.editors)" "OK alice,bob"
same "  its owner is still alice" "$(field 6 "$D/report.txt")" "$(id -u "${UNIX[alice]}")"
expect ENOENT "  bob's temp name is gone" as bob "$PROBE" stat "$D/.report.bob"
same "  one name left" "$(field 5 "$D/report.txt")" 1

# ---- hard links ----
ok "alice writes h1" as alice "$PROBE" write "$D/h1" one
ok "link h1 h2" as alice "$PROBE" link "$D/h1" "$D/h2"
same "  both have two links" "$(field 5 "$D/h1") $(field 5 "$D/h2")" "2 2"
same "  the same inode" "$(field 2 "$D/h2")" "$(field 2 "$D/h1")"
ok "write through h2" as alice "$PROBE" write "$D/h2" two
same "  h1 shows it" "$(content bob "$D/h1")" two
ok "link into another folder" as alice "$PROBE" link "$D/h1" "$D/f2/h3"
same "  three links" "$(field 5 "$D/h2")" 3
ok "unlink h1" as alice "$PROBE" unlink "$D/h1"
same "  h2 has two links left and its content" "$(field 5 "$D/h2") $(content alice "$D/h2")" "2 two"
expect EXDEV "link across groups" as alice "$PROBE" link "$D/h2" "$O/h2"
expect ENOENT "  nothing in the other group" as alice "$PROBE" stat "$O/h2"
expect EPERM "link to a folder" as alice "$PROBE" link "$D/f2" "$D/f3"
expect EEXIST "link over an existing name" as alice "$PROBE" link "$D/h2" "$D/r3"
ok "rename onto another name of the same file" as alice "$PROBE" rename "$D/h2" "$D/f2/h3"
same "  both names stay (POSIX: nothing happens)" "$(field 5 "$D/h2") $(field 5 "$D/f2/h3")" "2 2"
ok "alice writes x1 and x2" as alice "$PROBE" write "$D/x1" one
as alice "$PROBE" write "$D/f2/x2" two >/dev/null
i1=$(field 2 "$D/x1")
ok "RENAME_EXCHANGE across folders" as alice "$PROBE" rename "$D/x1" "$D/f2/x2" exchange
same "  contents and inodes swapped" "$(content alice "$D/x1") $(content alice "$D/f2/x2") $(field 2 "$D/f2/x2")" "two one $i1"

# ---- names and folders ----
n255=$(printf 'n%.0s' {1..255})
ok "a 255-byte name" as alice "$PROBE" write "$D/$n255" x
expect ENAMETOOLONG "a 256-byte name" as alice "$PROBE" write "$D/${n255}n" x
ok "a name with spaces and UTF-8" as alice "$PROBE" write "$D/Über den Wolken é.txt" x
same "  listed as written" "$(as bob ls "$D" | grep -c '^Über den Wolken é.txt$')" 1
links=$(field 5 "$D/f2")
ok "mkdir in f2" as alice "$PROBE" mkdir "$D/f2/sub"
same "  a new folder has 2 links, its parent one more" "$(field 5 "$D/f2/sub") $(field 5 "$D/f2")" "2 $((links + 1))"
ok "rmdir it" as alice "$PROBE" rmdir "$D/f2/sub"
same "  the parent's links are back" "$(field 5 "$D/f2")" "$links"
expect ENOTEMPTY "rmdir a non-empty folder" as alice "$PROBE" rmdir "$D/f2"
as alice mkdir "$D/many"
check "600 files in one folder" as alice bash -c 'for i in $(seq 600); do : >"$1/f$i"; done' _ "$D/many"
same "  each listed once" "$(as bob ls -f "$D/many" | grep '^f' | sort -u | wc -l) $(as bob ls -f "$D/many" | grep -c '^f')" "600 600"
check "  removing them while listing (rm -r)" as alice rm -r "$D/many"
expect ENOENT "  all gone" as alice "$PROBE" stat "$D/many"

# ---- symbolic links ----
ok "symlink to a relative path" as alice "$PROBE" symlink ../elsewhere/x "$D/s1"
same "  readlink" "$(as bob readlink "$D/s1")" ../elsewhere/x
same "  an lstat shows a link" "$(field 4 "$D/s1")" 120777
ok "symlink to h2" as alice "$PROBE" symlink h2 "$D/s2"
same "  reads through" "$(content bob "$D/s2")" two

# ---- unlink of an open file ----
ok "alice writes u.txt" as alice "$PROBE" write "$D/u.txt" uniform
as alice dd if="$D/u.txt" iflag=nocache count=0 status=none
coproc H { as alice "$PROBE" hold "$D/u.txt" rw; }
hpid=$H_PID
exec {HR}<&"${H[0]}" {HW}>&"${H[1]}"
# hsay COMMAND: send COMMAND to the holder, print its answer.
hsay() {
	local line=
	[ -z "$1" ] || echo "$1" >&"$HW"
	read -r -t 20 line <&"$HR" || true
	printf '%s\n' "$line"
}
same "alice holds u.txt open" "$(hsay "")" OK
ok "alice unlinks u.txt" as alice "$PROBE" unlink "$D/u.txt"
expect ENOENT "  the name is gone" as alice "$PROBE" stat "$D/u.txt"
same "  still readable through the descriptor" "$(hsay read)" "OK uniform"
same "  fstat: size 7, no links" "$(hsay fstat)" "OK 7 0"
same "  still writable" "$(hsay "write UNIFORM")" OK
same "  fsync on the nameless file" "$(hsay fsync)" OK
same "  reads the new content" "$(hsay read)" "OK UNIFORM"
same "  close" "$(hsay quit)" OK
exec {HR}<&- {HW}>&-
wait "$hpid" 2>/dev/null || true

# ---- times ----
ok "utimensat with nanoseconds" as alice "$PROBE" utimens "$D/h2" 1600000000 123456789
same "  read back exactly" "$(field 7 "$D/h2")" 1600000000.123456789
ok "utimensat on a folder" as alice "$PROBE" utimens "$D/f2" 1500000000 987654321
same "  read back exactly" "$(field 7 "$D/f2")" 1500000000.987654321
old=1000000000.000000000
fresh() { local t; t=$(field 7 "$1"); [ "$t" != "$old" ] && [ "${t%.*}" -ge "$start" ]; }
start=$(date +%s)
as alice "$PROBE" utimens "$D/grow" 1000000000 0 >/dev/null
ok "append to grow" as alice "$PROBE" append "$D/grow" more
check "  mtime changed" fresh "$D/grow"
as alice "$PROBE" utimens "$D/grow" 1000000000 0 >/dev/null
ok "truncate grow" as alice "$PROBE" truncate "$D/grow" 10
check "  mtime changed" fresh "$D/grow"
as alice "$PROBE" utimens "$D/grow" 1000000000 0 >/dev/null
check "overwrite 5 bytes of grow in place" as alice dd if="$L/patch" of="$D/grow" bs=5 count=1 conv=notrunc status=none
check "  mtime changed" fresh "$D/grow"
same "  size still 10" "$(field 3 "$D/grow")" 10
truncate -s 10 "$L/grow"
dd if="$L/patch" of="$L/grow" bs=5 count=1 conv=notrunc status=none
same_file "  grow holds the truncate and the overwrite" grow
as alice "$PROBE" utimens "$D/f2" 1000000000 0 >/dev/null
ok "create in f2" as alice "$PROBE" write "$D/f2/new" x
check "  the folder's mtime changed" fresh "$D/f2"
as alice "$PROBE" utimens "$D/f2" 1500000000 987654321 >/dev/null
gmt=$(field 7 "$D/grow")

# ---- fsync ----
ok "fsync a file opened read-only" as alice "$PROBE" fsync "$D/h2"
ok "fsync a folder" as alice "$PROBE" fsync "$D/f2"
ok "fsync of a group's documents folder" as alice "$PROBE" fsync "$D"
ok "bob (no edit) fsyncs h2 read-only" as bob "$PROBE" fsync "$D/h2"

# ---- statfs ----
read -r _ cap used _ < <(as alice "$PROBE" statfs "$D")
same "statfs: the group's capacity (pro: 10 GiB)" "$cap" 10737418240
same "statfs on Other: its own capacity" "$(as alice "$PROBE" statfs "$O" | awk '{print $2}')" 10737418240
same "statfs in alice's Private: 20 GiB" "$(as alice "$PROBE" statfs "$M/Private/documents" | awk '{print $2}')" 21474836480
same "statfs in bob's Private: 1 GiB" "$(as bob "$PROBE" statfs "$M/Private" | awk '{print $2}')" 1073741824
head -c 100000 /dev/zero >"$L/z"
check "alice writes 100000 bytes" as alice cp "$L/z" "$D/z"
now=$(as bob "$PROBE" statfs "$D/f2" | awk '{print $3}')
check "  use grew by about 100000 ($used -> $now)" \
	test $((now - used)) -ge 95904 -a $((now - used)) -le 104096

# ---- special files ----
expect EPERM "mkfifo" as alice "$PROBE" mknod "$D/fifo" fifo
expect ENOENT "  no fifo was made" as alice "$PROBE" stat "$D/fifo"
expect EPERM "mknod of a device" as alice "$PROBE" mknod "$D/dev" chr
expect ENOENT "  no device was made" as alice "$PROBE" stat "$D/dev"

# ---- chmod and chown ----
ok "chmod 600" as alice "$PROBE" chmod "$D/h2" 600
same "  mode 600" "$(field 4 "$D/h2")" 100600
same "  every member still reads it" "$(content bob "$D/h2")" two
ok "chmod 666" as alice "$PROBE" chmod "$D/h2" 666
same "  mode 666" "$(field 4 "$D/h2")" 100666
expect EACCES "  grants bob nothing: write" as bob "$PROBE" open "$D/h2" w
expect EACCES "  grants bob nothing: access(w)" as bob "$PROBE" access "$D/h2" w
# POSIX: chmod and explicit utimensat by a non-owner are EPERM; a
# utimensat to "now" without write access is EACCES.
expect EPERM "bob (no edit) cannot chmod h2" as bob "$PROBE" chmod "$D/h2" 600
same "  mode still 666" "$(field 4 "$D/h2")" 100666
expect EPERM "bob (no edit) cannot set h2's times" as bob "$PROBE" utimens "$D/h2" 1 0
check "bob (no edit) cannot touch h2 (EACCES)" \
	eval '{ as bob touch -c "$D/h2" 2>&1 || :; } | grep -q "Permission denied"'
same "  h2 keeps its mtime" "$(field 7 "$D/h2")" 1600000000.123456789
ok "chmod 640" as alice "$PROBE" chmod "$D/h2" 640
auid=$(id -u "${UNIX[alice]}")
agid=$(as alice stat -c %g "$D/h2")
ok "chown to the shown owner and group" as alice "$PROBE" chown "$D/h2" "$auid" "$agid"
expect EPERM "chown to another uid" as alice "$PROBE" chown "$D/h2" "$(id -u "${UNIX[bob]}")" "$agid"
ogid=$(getent group "$UGROUP" | cut -d: -f3)
[ "$ogid" != "$agid" ] || ogid=$((agid + 1))
expect EPERM "chown to another gid" as alice "$PROBE" chown "$D/h2" "$auid" "$ogid"
same "  group unchanged" "$(as alice stat -c %g "$D/h2")" "$agid"
same "  owner unchanged" "$(field 6 "$D/h2")" "$auid"

# ---- a single-account mount: root's device nodes are refused too ----
S=$T/single
mount_fs "$S" --as alice
expect EPERM "root in alice's mount: mknod of a device" "$PROBE" mknod "$S/Sales/documents/dev" chr
expect EPERM "root in alice's mount: mkfifo" "$PROBE" mknod "$S/Sales/documents/fifo" fifo
umount_fs "$S"

# ---- the same through a second mount of the same store ----
WB=$T/wb
mount_fs "$WB" --as alice
WF=$WB/Sales/documents/wb
cp "$L/big" "$L/wb"
check "second mount: a 200 KiB file" cp "$L/wb" "$WF"
dd if="$L/patch" of="$L/wb" bs=1 seek=65531 conv=notrunc status=none
"$PROBE" utimens "$WF" 1000000000 0 >/dev/null
check "second mount: 10 bytes across the inline limit" \
	dd if="$L/patch" of="$WF" bs=1 seek=65531 conv=notrunc status=none
check "second mount: identical" cmp "$L/wb" "$WF"
t=$("$PROBE" stat "$WF" | awk '{print $7}')
check "second mount: mtime changed ($t)" test "$t" != "$old" -a "${t%.*}" -ge "$start"
truncate -s 70001 "$L/wb"
check "second mount: ftruncate" truncate -s 70001 "$WF"
ok "second mount: utimensat" "$PROBE" utimens "$WF" 1600000000 123456789
same "  read back exactly" "$("$PROBE" stat "$WF" | awk '{print $7}')" 1600000000.123456789
umount_fs "$WB"

# ---- inode numbers, content, times and modes survive a remount ----
declare -A INO
for f in big huge grow f2 s1 h2 report.txt f2/h3; do INO[$f]=$(field 2 "$D/$f"); done
umount_fs "$M"
mount_fs "$M" -o allow_other
for f in big huge grow f2 s1 h2 report.txt f2/h3; do
	same "after remount: $f keeps inode ${INO[$f]}" "$(field 2 "$D/$f")" "${INO[$f]}"
done
same_file "after remount: big reads back identical" big
same_file "after remount: huge reads back identical" huge
same_file "after remount: the second mount's file reads back identical" wb
same "  with utimensat's mtime" "$(field 7 "$D/wb")" 1600000000.123456789
same_file "after remount: grow holds the truncate and the overwrite" grow
same "after remount: utimensat's mtime" "$(field 7 "$D/f2")" 1500000000.987654321
same "after remount: grow's mtime" "$(field 7 "$D/grow")" "$gmt"
same "after remount: h2 keeps utimensat's mtime through reads, fsync, chmod" "$(field 7 "$D/h2")" 1600000000.123456789
same "after remount: mode 640" "$(field 4 "$D/h2")" 100640
same "after remount: report.txt holds bob's save" "$(content alice "$D/report.txt")" "v3 by bob"
check "groupctl check is clean" "$GROUPCTL" check
finish
