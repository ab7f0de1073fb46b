#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# groupctl backup during heavy writes through a background mount, and
# groupctl restore: the restored store is clean for groupctl check and
# holds, byte for byte, every file fsynced before the backup began (read
# through a mount of the restored store).  Refusals: a non-empty
# destination, a non-operator, a source that is no backup.
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
as alice mkdir "$D/alice"
as bob mkdir "$D/bob"
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
stop_writers() {
	touch "$T/stop"
	for p in "${WPIDS[@]}"; do wait "$p" || true; done
	WPIDS=()
}
trap 'stop_writers 2>/dev/null; cleanup' EXIT

# Wait until the writers have fsynced a good number of files.
enough() { [ "$(cat "$T"/rec.* 2>/dev/null | wc -l)" -ge 150 ]; }
wait_for "the writers fsynced 150 files" 120 enough
# What was fsynced before the backup began (records are appended after
# each fsync returned).
cat "$T"/rec.* >"$T/before"
start=$(date +%s.%N)
check "groupctl backup while the writers go on" \
	"$GROUPCTL" backup "$T/bk" --progress >"$T/bk.out" 2>"$T/bk.err"
end=$(date +%s.%N)
check "--progress reports on stderr" grep -q '^groupctl: content ' "$T/bk.err"
check "it says how long writers waited" grep -Eq 'writers waited [0-9]+\.[0-9]{3} s\)$' "$T/bk.out"
after=$(cat "$T"/rec.* | wc -l)
stop_writers
before=$(wc -l <"$T/before")
say "# $(grep -o "writers waited.*" "$T/bk.out"); backup: $(du -sh "$T/bk" | cut -f1) in $(awk "BEGIN { printf \"%.1f\", $end - $start }")s;" \
	"$before files fsynced before it began, $after when it ended"
check "the writers went on during the backup" test "$after" -gt "$before"
check "the backup holds the master key, the database and content" \
	test -f "$T/bk/master.key" -a -f "$T/bk/db/store.db" -a -d "$T/bk/data"

check "groupctl restore" "$GROUPCTL" restore "$T/bk" "$T/rs"
same "groupctl check finds the restored store clean" \
	"$("$GROUPCTL" --store "$T/rs" check 2>&1)" "store is consistent"

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
umount_fs "$R"

# restore checks the copy: a damaged content file is reported (exit 1).
cp -a "$T/bk" "$T/bad"
f=$(find "$T/bad/data" -type f -size +100k -print -quit)
printf 'X' | dd of="$f" bs=1 seek=5000 conv=notrunc status=none
check "restore of a damaged backup fails its check" bash -c \
	"! '$GROUPCTL' restore '$T/bad' '$T/rs-bad' >'$T/bad.out' 2>&1"
check "naming the damaged item" grep -q 'restored copy: damaged content in item' "$T/bad.out"

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
finish
