#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# groupctl backup during heavy writes through a background mount, and
# groupctl restore: the restored store is clean for groupctl check and
# holds, byte for byte, every file fsynced before the backup began (read
# through a mount of the restored store); files and folders renamed and
# deleted during the backup are each there once, whole; no plain text of
# the content is in the backup.  Refusals: a non-empty destination, a
# non-operator, a source that is no backup.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
user alice pro
user bob pro
team alice Sales bob
ctl alice rights set Sales documents --add --all-members >/dev/null

M=$T/m
mount_bg "$M" -o allow_other
D=$M/Sales/documents

# A writer: new files of mixed sizes (inline and content files), each
# fsynced, then its name and SHA-256 appended to the writer's record.
cat >"$T/writer.py" <<'EOF'
import hashlib, os, sys
folder, tag, rec, stop = sys.argv[1:5]
sizes = [100, 3000, 70000, 300000, 1100000]
i = 0
with open(rec, "a") as r:
    while not os.path.exists(stop):
        data = os.urandom(sizes[i % len(sizes)] + i)
        name = "%s-%05d.bin" % (tag, i)
        fd = os.open(os.path.join(folder, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, data)
        os.fsync(fd)
        os.close(fd)
        r.write("%s %s\n" % (hashlib.sha256(data).hexdigest(), name))
        r.flush()
        i += 1
EOF
# A rewriter: one large file changed in place, again and again (the
# final pass must copy it again).
cat >"$T/rewriter.py" <<'EOF'
import os, sys
path, stop = sys.argv[1:3]
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
os.write(fd, os.urandom(2 << 20))
i = 0
while not os.path.exists(stop):
    os.pwrite(fd, os.urandom(8192), (i * 40961) % ((2 << 20) - 8192))
    if i % 8 == 0:
        os.fsync(fd)
    i += 1
os.close(fd)
EOF
# A churner: files and folders renamed back and forth, and files deleted
# and made again, without pause (each of N files has fixed content, so
# whichever name and state the copy caught, its content is known).
cat >"$T/churner.py" <<'EOF2'
import os, sys
folder, count, stop = sys.argv[1:4]
N = 200
def content(kind, i):
    return ("%s %d " % (kind, i)).encode() * (50 + i * 7)
def put(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, data)
    os.fsync(fd)
    os.close(fd)
for i in range(N):
    put(os.path.join(folder, "c-%03d" % i), content("c", i))
    put(os.path.join(folder, "d-%03d" % i), content("d", i))
for k in range(10):
    os.mkdir(os.path.join(folder, "dir-%d" % k))
    put(os.path.join(folder, "dir-%d" % k, "in"), content("dir", k))
ops = 0
def tell(n):
    # Whole or not at all: the test reads it while this goes on.
    with open(count + ".new", "w") as f:
        f.write("%d\n" % n)
    os.replace(count + ".new", count)
tell(0)
while not os.path.exists(stop):
    for i in range(N):
        if os.path.exists(stop):
            break
        c, r = (os.path.join(folder, "%s-%03d" % (x, i)) for x in "cr")
        if os.path.exists(c):
            os.rename(c, r)
        else:
            os.rename(r, c)
        d = os.path.join(folder, "d-%03d" % i)
        os.unlink(d)
        put(d, content("d", i))
        k = i % 10
        a, b = (os.path.join(folder, "%s-%d" % (x, k)) for x in ("dir", "dirR"))
        if os.path.exists(a):
            os.rename(a, b)
        else:
            os.rename(b, a)
        ops += 3
        tell(ops)
EOF2
as alice mkdir "$D/alice" "$D/churn"
as bob mkdir "$D/bob"
# A marker in plain text, inside content (a large file, and a small one,
# held in the database): a backup holds content sealed.
MARK="groupfs-plaintext-marker-$$-$RANDOM"
as alice sh -c "for i in \$(seq 2000); do echo '$MARK'; done >'$D/alice/marker.txt'"
as alice sh -c "echo '$MARK' >'$D/alice/marker-small.txt'"
WPIDS=()
touch "$T/rec.a1" "$T/rec.a2" "$T/rec.b1"
chmod 666 "$T"/rec.*
for w in a1 a2; do
	as alice "$PY" "$T/writer.py" "$D/alice" "$w" "$T/rec.$w" "$T/stop" &
	WPIDS+=($!)
done
as bob "$PY" "$T/writer.py" "$D/bob" b1 "$T/rec.b1" "$T/stop" &
WPIDS+=($!)
as bob "$PY" "$T/rewriter.py" "$D/bob/big.bin" "$T/stop" &
WPIDS+=($!)
mkdir "$T/cs"	# the churner's count, replaced whole by alice
chown "${UNIX[alice]}" "$T/cs"
as alice "$PY" "$T/churner.py" "$D/churn" "$T/cs/count" "$T/stop" &
WPIDS+=($!)
stop_writers() {
	touch "$T/stop"
	for p in "${WPIDS[@]}"; do wait "$p" || true; done
	WPIDS=()
}
trap 'stop_writers 2>/dev/null; cleanup' EXIT

# Wait until the writers have fsynced a good number of files.
enough() { [ "$(cat "$T"/rec.* 2>/dev/null | wc -l)" -ge 150 ]; }
wait_for "the writers fsynced 150 files" 120 enough
churned() { [ "$(cat "$T/cs/count" 2>/dev/null || echo 0)" -gt 0 ]; }
wait_for "the churner renames and deletes" 120 churned
# What was fsynced before the backup began (records are appended after
# each fsync returned).
cat "$T"/rec.* >"$T/before"
churn_before=$(cat "$T/cs/count")
start=$(date +%s.%N)
check "groupctl backup while the writers go on" \
	"$GROUPCTL" backup "$T/bk" --progress >"$T/bk.out" 2>"$T/bk.err"
end=$(date +%s.%N)
check "--progress reports on stderr" grep -q '^groupctl: content ' "$T/bk.err"
check "it says how long writers waited" grep -Eq 'writers waited [0-9]+\.[0-9]{3} s\)$' "$T/bk.out"
after=$(cat "$T"/rec.* | wc -l)
churn_ops=$(cat "$T/cs/count")
stop_writers
before=$(wc -l <"$T/before")
say "# $(grep -o "writers waited.*" "$T/bk.out"); backup: $(du -sh "$T/bk" | cut -f1) in $(awk "BEGIN { printf \"%.1f\", $end - $start }")s;" \
	"$before files fsynced before it began, $after when it ended"
check "the writers went on during the backup" test "$after" -gt "$before"
say "# the churner: $churn_before renames and deletions before the backup, $churn_ops by its end"
check "the churner renamed and deleted during the backup" \
	test "$churn_ops" -gt "$churn_before"
check "the marker is in the store's content, read through the mount" \
	as alice grep -qF "$MARK" "$D/alice/marker.txt"
check "  in the small file too" as alice grep -qF "$MARK" "$D/alice/marker-small.txt"
check "  but nowhere in the backup, which holds content sealed" \
	bash -c "! grep -rqaF '$MARK' '$T/bk'"
check "the backup holds the master key, the database and content" \
	test -f "$T/bk/master.key" -a -f "$T/bk/db/store.db" -a -d "$T/bk/data"
# The store is a --unix-group one (lib.sh): its folders and database are
# the group's; the copy is the runner's alone, every file and folder.
same "the store's db/ is the Unix group's" "$(stat -c %a "$GROUPFS_STORE/db")" 2770
same "nothing in the backup is group- or world-accessible" \
	"$(find "$T/bk" -perm /077 -printf '%m %p\n')" ""
same "the backup's top folder is 0700" "$(stat -c %a "$T/bk")" 700

check "groupctl restore" "$GROUPCTL" restore "$T/bk" "$T/rs"
same "groupctl check finds the restored store clean" \
	"$("$GROUPCTL" --store "$T/rs" check 2>&1)" "store is consistent"
same "nothing in the restored store is group- or world-accessible" \
	"$(find "$T/rs" -perm /077 -printf '%m %p\n')" ""

# The restored store, mounted: every file fsynced before the backup began
# is there, byte for byte.
R=$T/r
GROUPFS_STORE=$T/rs mount_bg "$R" --as alice
(while read -r sum name; do
		dir=alice
		case $name in b1-*) dir=bob ;; esac
		echo "$sum  $dir/$name"
	done <"$T/before" >"$T/before.sums")
check "every file fsynced before the backup began is in the copy, byte for byte" \
	bash -c "cd '$R/Sales/documents' && sha256sum --quiet -c '$T/before.sums'"
same "the rewritten file has its full size in the copy" \
	"$(stat -c %s "$R/Sales/documents/bob/big.bin")" $((2 << 20))
# Renamed and deleted during the backup: each file under one of its two
# names (not both, not neither), each folder too, whole; a deleted and
# remade file there or not, whole or not yet written.
"$PY" - "$R/Sales/documents/churn" >"$T/churn.out" <<'EOF2'
import os, sys
folder = sys.argv[1]
def content(kind, i):
    return ("%s %d " % (kind, i)).encode() * (50 + i * 7)
def read(p):
    with open(p, "rb") as f:
        return f.read()
bad = []
for i in range(200):
    c, r = (os.path.join(folder, "%s-%03d" % (x, i)) for x in "cr")
    there = [p for p in (c, r) if os.path.exists(p)]
    if len(there) != 1:
        bad.append("c/r-%03d: %d names" % (i, len(there)))
    elif read(there[0]) != content("c", i):
        bad.append("%s: wrong content" % there[0])
    # A remade file is caught absent, made but not yet written (empty:
    # not fsynced when the backup began, so not promised), or whole.
    d = os.path.join(folder, "d-%03d" % i)
    if os.path.exists(d) and read(d) not in (b"", content("d", i)):
        bad.append("d-%03d: wrong content (%d bytes)" % (i, len(read(d))))
for k in range(10):
    there = [p for p in (os.path.join(folder, "%s-%d" % (x, k)) for x in ("dir", "dirR")) if os.path.isdir(p)]
    if len(there) != 1:
        bad.append("dir-%d: %d names" % (k, len(there)))
    elif read(os.path.join(there[0], "in")) != content("dir", k):
        bad.append("%s/in: wrong content" % there[0])
print("\n".join(bad) if bad else "ok")
EOF2
same "files and folders renamed during the backup: each under one name, whole" \
	"$(cat "$T/churn.out")" ok
umount_fs "$R"

# restore checks the copy: a damaged content file is reported (exit 1).
cp -a "$T/bk" "$T/bad"
f=$(find "$T/bad/data" -type f -size +100k -print -quit)
printf 'X' | dd of="$f" bs=1 seek=5000 conv=notrunc status=none
check "restore of a damaged backup fails its check" bash -c \
	"! '$GROUPCTL' restore '$T/bad' '$T/rs-bad' >'$T/bad.out' 2>&1"
check "naming the damaged item" grep -q 'restored copy: damaged content in item' "$T/bad.out"

# A destination whose parents are missing: made, as mkdir -p makes them
# (README: groupctl backup /backup/groupfs-$(date +%F) on a machine
# without /backup), each the runner's alone; and so is restore's.
check "backup into a folder whose parents are missing" \
	"$GROUPCTL" backup "$T/new/deeper/bk" >/dev/null
same "  makes them, 0700 each" \
	"$(stat -c %a "$T/new" "$T/new/deeper" "$T/new/deeper/bk" | tr '\n' ' ')" \
	"700 700 700 "
check "  and the copy restores" "$GROUPCTL" restore "$T/new/deeper/bk" \
	"$T/rnew/a/b" >/dev/null
same "  into a folder whose parents restore made, 0700 each" \
	"$(stat -c %a "$T/rnew" "$T/rnew/a" | tr '\n' ' ')" "700 700 "
touch "$T/plain"
check "a destination under a file is refused" bash -c \
	"! '$GROUPCTL' backup '$T/plain/x/bk' 2>'$T/plain.err'"
check "  naming why" grep -q "cannot make $T/plain/x: Not a directory" "$T/plain.err"
rm -rf "$T/new" "$T/rnew"

# Refusals.
mkdir "$T/full" && touch "$T/full/x"
expect groupctl: "backup into a non-empty directory is refused" \
	"$GROUPCTL" backup "$T/full"
check "naming why" bash -c "'$GROUPCTL' backup '$T/full' 2>&1 | grep -q 'is not empty'"
check "and leaves it as it was" test "$(ls "$T/full")" = x
check "a member may not back up the store" bash -c \
	"! setpriv --reuid='${UNIX[bob]}' --regid='$UGROUP' --init-groups -- \
	'$GROUPCTL' --store '$GROUPFS_STORE' backup '$T/bob-bk' 2>'$T/bob.err'"
check "naming the rule" grep -q "only the store operator may back up" "$T/bob.err"
check "and writes nothing" test ! -e "$T/bob-bk"
check "a backup inside the store is refused" bash -c \
	"! '$GROUPCTL' backup '$GROUPFS_STORE/data/copy' 2>'$T/in.err'"
check "naming why" grep -q 'is inside the store' "$T/in.err"
check "and writes nothing" test ! -e "$GROUPFS_STORE/data/copy"
check "restore into a non-empty directory is refused" bash -c \
	"! '$GROUPCTL' restore '$T/bk' '$T/full' 2>'$T/rs.err'"
check "naming why" grep -q 'is not empty' "$T/rs.err"
check "restore of something that is no backup is refused" bash -c \
	"! '$GROUPCTL' restore '$T/full' '$T/rs2' 2>'$T/rs2.err'"
check "naming why" grep -q 'is not a backup' "$T/rs2.err"
# restore refuses a DIR inside SRC (the copy would copy itself, without
# end) and a SRC inside DIR, naming the rule, and writes nothing.
refused() { # NAME MESSAGE SRC DIR
	local rc=0
	"$GROUPCTL" restore "$3" "$4" >"$T/refused.out" 2>&1 || rc=$?
	same "$1: exit 1" "$rc" 1
	check "$1: naming why" grep -q -- "$2" "$T/refused.out"
}
refused "restore into a folder of the backup" "is inside the backup" \
	"$T/bk" "$T/bk/inner"
check "and writes nothing" test ! -e "$T/bk/inner"
refused "restore into the backup itself, named otherwise" \
	"is inside the backup" "$T/bk" "$T/bk/data/.."
mkdir "$T/outer"
cp -a "$T/bk" "$T/outer/bk"
refused "restore into a folder that holds the backup" \
	"the backup .* is inside" "$T/outer/bk" "$T/outer"
check "and leaves it as it was" test "$(ls "$T/outer")" = bk
# SRC must be a backup: a master key file, a sound database.
cp -a "$T/bk" "$T/nokey"
head -c 41 /dev/zero >"$T/nokey/master.key"
refused "restore of a backup whose master key is no key file" \
	"not a groupfs master key file" "$T/nokey" "$T/rs-nokey"
check "and makes nothing" test ! -e "$T/rs-nokey"
cp -a "$T/bk" "$T/baddb"
dd if=/dev/urandom of="$T/baddb/db/store.db" bs=4096 seek=3 count=8 \
	conv=notrunc status=none
refused "restore of a backup whose database is damaged" \
	"not a sound database" "$T/baddb" "$T/rs-baddb"
check "and makes nothing" test ! -e "$T/rs-baddb"
check "and the backup is left as it was (no -wal, no -shm)" \
	test "$(ls "$T/baddb/db" "$T/bk/db")" = "$(printf '%s\n' "$T/baddb/db:" store.db "" "$T/bk/db:" store.db)"
# A restore that fails after its copy (a database from a newer groupfs:
# the copy does not open) leaves nothing: DIR removed when restore made
# it, emptied when it was an empty directory.
cp -a "$T/bk" "$T/newer"
"$PY" -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 99999"); c.commit()' \
	"$T/newer/db/store.db"
refused "restore of a backup from a newer groupfs" "schema version 99999" \
	"$T/newer" "$T/rs-newer/deeper"
check "and leaves nothing, not even the folder made above DIR" \
	test ! -e "$T/rs-newer"
mkdir "$T/rs-empty"
refused "restore of it into an empty directory" "schema version 99999" \
	"$T/newer" "$T/rs-empty"
same "which is left empty" "$(ls -A "$T/rs-empty")" ""

# "Changed since its copy" is the source's business, not the copy's: a
# copy into a file system whose times are its own (a groupfs mount, of
# the restored store) has nothing to copy again under the lock, and the
# lock is held without touching the copy (nothing changed: no writers).
GROUPFS_STORE=$T/rs mount_bg "$T/r2" --as alice -o allow_other
check "groupctl backup into a groupfs mount" \
	"$GROUPCTL" backup "$T/r2/Sales/documents/copy" >"$T/fuse.out"
waited=$(grep -Eo 'writers waited [0-9.]+' "$T/fuse.out" | awk '{print $3}')
say "# $(du -sh "$T/r2/Sales/documents/copy" | cut -f1) into a groupfs mount: writers waited $waited s"
check "writers waited less than 0.05 s" awk "BEGIN { exit !($waited < 0.05) }"
umount_fs "$T/r2"

# The write lock is held for the content that changed since its copy,
# not for the copy of the database: writers do not wait for a large
# database (256 MiB here; before, its copy was made under the lock).
"$PY" - "$GROUPFS_STORE/db/store.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=30)
c.execute("CREATE TABLE backup_test_ballast (b BLOB)")
for i in range(256):
    c.execute("INSERT INTO backup_test_ballast VALUES (randomblob(1048576))")
c.commit()
c.execute("DROP TABLE backup_test_ballast")
c.commit()
c.close()
EOF
check "groupctl backup of a store with a large database" \
	"$GROUPCTL" backup "$T/bk-big" >"$T/big.out"
waited=$(grep -Eo 'writers waited [0-9.]+' "$T/big.out" | awk '{print $3}')
say "# a $(du -h "$T/bk-big/db/store.db" | cut -f1) database: writers waited $waited s"
check "the copy holds it" test "$(stat -c %s "$T/bk-big/db/store.db")" -gt $((256 << 20))
check "writers waited less than 0.1 s" awk "BEGIN { exit !($waited < 0.1) }"
rm -rf "$T/bk-big"
finish
