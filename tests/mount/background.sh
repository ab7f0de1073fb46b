#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A mount in the background (as fstab, mount -t and systemd start it: no
# -f, the daemon forks) with groupctl used beside it, as operator and as
# members, readers and writers, while files are written: every write
# succeeds, the daemon never holds a deleted write-ahead log, every fsynced
# byte is there after a remount, and groupctl check is clean.  Then two
# daemons on one store, each seeing the other's writes.
. "$(dirname "$0")/lib.sh"

user alice pro
user bob
user carol
team alice Sales bob carol
ctl alice rights set Sales documents --add --all-members >/dev/null
ctl alice rights set Sales documents --delete --all-members >/dev/null

M=$T/mnt
D=$M/Sales/documents
SRC=$T/src
mkdir -p "$SRC"
chmod 755 "$SRC"
sizes=(0 1 700 4096 5000 65536 65537 200000 1048577)
for i in $(seq 1 30); do
	head -c "${sizes[$((i % ${#sizes[@]}))]}" /dev/urandom >"$SRC/a$i"
	head -c $((i * 997)) /dev/urandom >"$SRC/b$i"
done
chmod 644 "$SRC"/*

# put ACCOUNT NAME: copy $SRC/NAME into the group with fsync.
put() {
	as "$1" dd if="$SRC/$2" of="$D/$2" bs=64k conv=fsync status=none
}

# The daemon's open descriptors on store files that were deleted.
deleted_fds() {
	ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'store\.db.*(deleted)' || true
}

mount_bg "$M" -o allow_other
PID=$(daemon_pid "$M")
same "the daemon runs in the background (not the starter)" \
	"$(ps -o ppid= -p "$PID" | tr -d ' ')" 1

# ---- the reported sequence: writes with groupctl between them ----
bad=0
for i in $(seq 1 15); do
	put alice "a$i" || bad=$((bad + 1))
	ctl alice account edit alice --org "Org $i" >/dev/null || bad=$((bad + 1))
	as bob "$GROUPCTL" group list >/dev/null || bad=$((bad + 1))
	"$GROUPCTL" account list >/dev/null || bad=$((bad + 1))
done
same "writes and groupctl in turn: every step succeeded" "$bad" 0
same "the daemon holds no deleted store file" "$(deleted_fds "$PID")" 0
if [ "$ENGINE" = sqlite ]; then
	check "the write-ahead log is still there beside the mount" \
		test -e "$GROUPFS_STORE/db/store.db-wal"
fi
same "groupctl sees what the mount wrote (a15's size)" \
	"$(as alice stat -c %s "$D/a15")" "$(stat -c %s "$SRC/a15")"

# ---- at once: a writer through the mount, groupctl writers and readers --
writer() {
	local i
	for i in $(seq 1 30); do
		put bob "b$i" || { echo "b$i failed"; return 1; }
	done
}
ctl_writers() {
	local i
	for i in $(seq 1 20); do
		ctl alice account edit alice --org "Busy $i" >/dev/null &&
		ctl alice rights set Sales calendar --add bob >/dev/null &&
		ctl alice rights set Sales calendar --add --none >/dev/null &&
		as carol "$GROUPCTL" account edit carol --org "C$i" >/dev/null ||
			return 1
	done
}
ctl_readers() {
	local i
	for i in $(seq 1 20); do
		as bob "$GROUPCTL" group list >/dev/null &&
		"$GROUPCTL" usage >/dev/null &&
		as carol "$GROUPCTL" rights show Sales documents >/dev/null ||
			return 1
	done
}
writer >"$T/w.out" 2>&1 &
w=$!
ctl_writers >"$T/cw.out" 2>&1 &
cw=$!
ctl_readers >"$T/cr.out" 2>&1 &
cr=$!
rc=0; wait $w || rc=$?
same "the mount's writer: every fsynced write succeeded" "$rc $(cat "$T/w.out")" "0 "
rc=0; wait $cw || rc=$?
same "groupctl writers beside it succeeded" "$rc $(cat "$T/cw.out")" "0 "
rc=0; wait $cr || rc=$?
same "groupctl readers beside it succeeded" "$rc $(cat "$T/cr.out")" "0 "
same "still no deleted store file held" "$(deleted_fds "$PID")" 0
same "groupctl check while mounted and written: clean" \
	"$("$GROUPCTL" check 2>&1)" "store is consistent"
same "the last organization groupctl set is read back" \
	"$(ctl alice account show alice --json | grep -o '"org": *"[^"]*"' | sed 's/.*: *//')" \
	'"Busy 20"'

# A member's own change shows in the mount at once (SPEC: live).
ctl alice rights set Sales contacts --add carol >/dev/null
check "a right granted by groupctl applies in the mount" \
	as carol "$PROBE" write "$M/Sales/contacts/notes.txt" hi

# A mount that cannot confirm a change of rights (stopped here) does not
# hold groupctl up for long: the change is made, with a warning naming it.
kill -STOP "$PID"
rc=0
GROUPFS_RIGHTS_WAIT=300 ctl alice rights set Sales contacts --add --none \
	>/dev/null 2>"$T/wait.err" || rc=$?
kill -CONT "$PID"
same "groupctl beside a stopped mount: the change is made (exit 0)" "$rc" 0
check "  with a warning that names the mount's silence" \
	grep -q "1 mount(s) of this store did not confirm a change of rights within 300 ms" "$T/wait.err"
expect EACCES "  the mount applies it once it runs again" \
	as carol "$PROBE" write "$M/Sales/contacts/later.txt" again

umount_fs "$M"

# ---- after a remount (background again): every byte is there ----
same "after unmount, check is clean" "$("$GROUPCTL" check 2>&1)" "store is consistent"
mount_bg "$M" -o allow_other
diffs=0
for f in $(seq -f a%g 1 15) $(seq -f b%g 1 30); do
	as alice cmp -s "$SRC/$f" "$D/$f" || { diffs=$((diffs + 1)); echo "differs: $f"; }
done
same "every file written is there byte for byte after a remount" "$diffs" 0

# ---- two daemons on one store ----
# A file unlinked while open stays readable through its descriptor, even
# when a second daemon starts on the store meanwhile (its start-up clean-up
# must leave what another daemon holds).
as alice "$PROBE" write "$D/held.txt" "still here" >/dev/null
hold h alice "$D/held.txt" r
as alice rm "$D/held.txt"
M2=$T/mnt2
mount_bg "$M2" -o allow_other
same "  after a second daemon started, the unlinked file still reads" \
	"$(hsend h read)" "OK still here"
unhold h
head -c 123457 /dev/urandom >"$SRC/two"
chmod 644 "$SRC/two"
as carol dd if="$SRC/two" of="$M2/Sales/documents/two" bs=64k conv=fsync status=none
check "the first mount's daemon reads what the second wrote" \
	as alice cmp "$SRC/two" "$D/two"
as alice dd if="$SRC/a3" of="$D/three" bs=64k conv=fsync status=none
check "and the second reads what the first wrote" \
	as carol cmp "$SRC/a3" "$M2/Sales/documents/three"
as alice rm "$D/three"
wait_for "a delete through one shows in the other" 5 \
	as carol test ! -e "$M2/Sales/documents/three"

# A file open in one daemon and unlinked through the other stays readable
# through its descriptor, and is freed at its last close.
used() { "$GROUPCTL" --json usage Sales | /usr/bin/python3 -c \
	'import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; print(d["used"])'; }
before=$(used)
head -c 300000 /dev/urandom >"$SRC/open2"
chmod 644 "$SRC/open2"
as alice dd if="$SRC/open2" of="$D/open2" bs=64k conv=fsync status=none
hold h2 alice "$D/open2" r
as carol rm "$M2/Sales/documents/open2"
check "the second daemon unlinked it" as carol test ! -e "$M2/Sales/documents/open2"
# The other daemon's change reaches this one once committed (group
# commit: within -o commit_ms).
h2_unlinked() { [ "$(hsend h2 fstat)" = "OK 300000 0" ]; }
wait_for "  the first daemon's descriptor still reads it (size, no link)" 5 \
	h2_unlinked
unhold h2
same "  at its last close it is freed (the group's use is back)" "$(used)" "$before"
umount_fs "$M2"
umount_fs "$M"
same "check after two daemons: clean" "$("$GROUPCTL" check 2>&1)" "store is consistent"
finish
