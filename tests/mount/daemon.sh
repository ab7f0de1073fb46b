#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon itself: help and usage, --as for the operator only, a
# passphrase-wrapped store, the kernel's readahead (-o read_ahead), and a
# clean unmount on SIGTERM, writes that do not ask for security.capability
# each time.
. "$(dirname "$0")/lib.sh"

user alice pro
user bob
ctl alice group create Sales >/dev/null

check "--help prints the usage" bash -c "'$GROUPFS' --help | grep -q 'STORE MOUNTPOINT'"
check "--version prints the version" bash -c "'$GROUPFS' --version | grep -q '^groupfs '"
rc=0; "$GROUPFS" "$GROUPFS_STORE" 2>/dev/null || rc=$?
same "a missing mount point is a usage error" "$rc" 2
mkdir -p "$T/x" "$T/p"
rc=0; "$GROUPFS" -f "$T/nostore" "$T/x" 2>"$T/err" || rc=$?
same "a missing store fails" "$rc" 1
check "and says so" grep -q "no store" "$T/err"
mkdir -p "$T/b"
chmod 777 "$T/b"
rc=0; as bob "$GROUPFS" -f --as alice "$GROUPFS_STORE" "$T/b" 2>"$T/err" || rc=$?
same "--as is refused to a non-operator" "$rc" 1
check "naming the rule" grep -q "only the store operator" "$T/err"

# SIGTERM unmounts cleanly.
M=$T/mnt
mount_fg "$M" --as alice
pid=$(daemon_pid "$M")
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
same "SIGTERM: the daemon exits 0" "$rc" 0
check "SIGTERM: nothing is left mounted" bash -c "! mountpoint -q '$M'"
kill_fs "$M"	# forget it in the harness

# SIGTERM while a descriptor is still open on an unlinked file (systemctl
# stop beside a reader): the kernel never sends that file's release, so
# the daemon releases it itself and frees the item at once, instead of at
# its next start.  (keep-days 0: the deletion is final, not kept.)
ctl alice group edit Sales --keep-days 0 >/dev/null
used_sales() {
	ctl alice --json usage | /usr/bin/python3 -c '
import json, sys
print([u["used"] for u in json.load(sys.stdin) if u["name"] == "Sales"][0])'
}
M2=$T/mnt2
mount_fg "$M2" --as alice -o allow_other
head -c 5000 /dev/zero >"$M2/Sales/documents/gone.txt"
hold h bob "$M2/Sales/documents/gone.txt" r
rm "$M2/Sales/documents/gone.txt"
same "an unlinked file held open keeps its bytes" "$(used_sales)" 5000
pid=$(daemon_pid "$M2")
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
same "SIGTERM with a file open: the daemon exits 0" "$rc" 0
unhold h
kill_fs "$M2"	# the harness checks the daemon's log for sanitizer reports
check "the daemon released the file itself" \
	grep -q "released 1 file(s) still open at unmount" "$T"/daemon.*.log
same "and freed the unlinked item" "$(used_sales)" 0

# The request loop (fs/loop.c): a request waiting for the database does
# not hold up the others.  Another process holds the store's write lock
# (SQLite's, or the advisory lock every writer on PostgreSQL takes); a
# write through the mount waits for it, and meanwhile a lookup is
# answered on another worker with a connection of its own.
M3=$T/mnt3
mount_fg "$M3" --as alice -o max_threads=2
# The writer asks alone first: it makes 40 files, then, once the lock is
# held, writes from the same process, so that the worker that reads its
# write answers it with nobody else reading (a caller changing things
# alone), until the wait hands the reading on.  Nothing else touches the
# mount meanwhile: the two talk through pipes.
mkfifo "$T/made" "$T/go"
bash -c 'for i in $(seq 40); do : >"$1/x$i"; done; echo made >"$3"; read -r _ <"$4"; exec "$2" write "$1/waits.txt" later' \
	writer "$M3/Sales/documents" "$PROBE" "$T/made" "$T/go" &
writer=$!
read -r -t 30 _ <"$T/made" || true
store_lock
echo go >"$T/go"
wait_for "the write waits for the lock" 10 lock_waited "$(daemon_pid "$M3")"
check "a lookup is answered while a write waits for the lock" \
	timeout 10 bash -c "! stat '$M3/Sales/never-looked-up'"
check "and the write is still waiting" kill -0 "$writer"
store_unlock
rc=0; wait "$writer" || rc=$?
same "the write completes once the lock is free" "$rc" 0
same "with its content" "$(cat "$M3/Sales/documents/waits.txt")" later
umount_fs "$M3"

# One worker (-s) serves too, and unmounts cleanly on SIGTERM.
M4=$T/mnt4
mount_fg "$M4" --as alice -s
expect OK "-s: a write" "$PROBE" write "$M4/Sales/documents/one.txt" one
same "-s: reads back" "$(cat "$M4/Sales/documents/one.txt")" one
pid=$(daemon_pid "$M4")
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
same "-s: SIGTERM exits 0" "$rc" 0
kill_fs "$M4"

# A newer groupfs upgrades the store while this daemon serves it (a
# package upgrade, then groupctl before the mounts restart): the daemon
# writes nothing more, since it would write rows the new schema does not
# expect; each change fails with EROFS and the log says why; reading goes
# on.  The schema moves a thousand versions on, behind the daemon's back.
M5=$T/mnt5
mount_fs "$M5" --as alice
expect OK "before: a write" "$PROBE" write "$M5/Sales/documents/old.txt" old
if [ "$ENGINE" = postgres ]; then
	schema_up='UPDATE gfs_schema SET version = version + 1000'
	schema_down='UPDATE gfs_schema SET version = version - 1000'
else
	v=$(store_sql "PRAGMA user_version")
	schema_up="PRAGMA user_version = $((v + 1000))"
	schema_down="PRAGMA user_version = $v"
fi
store_sql "$schema_up"
expect EROFS "after the upgrade: a write is refused" \
	"$PROBE" write "$M5/Sales/documents/new.txt" new
expect EROFS "so is a change of an existing file" \
	"$PROBE" append "$M5/Sales/documents/old.txt" more
expect EROFS "and a mkdir" "$PROBE" mkdir "$M5/Sales/documents/d"
same "reading goes on" "$(cat "$M5/Sales/documents/old.txt")" old
check "nothing was made" test ! -e "$M5/Sales/documents/new.txt"
check "the log says why" grep -q \
	"a newer groupfs upgraded the store to schema version" "$T"/daemon.*.log
rc=0; "$GROUPCTL" --as alice group list >/dev/null 2>"$T/err" || rc=$?
same "this groupctl refuses the newer store" "$rc" 1
check "and says to upgrade" grep -q "upgrade groupfs" "$T/err"
store_sql "$schema_down"
expect OK "back at its schema: a write goes through" \
	"$PROBE" write "$M5/Sales/documents/new.txt" new
umount_fs "$M5"

# The kernel's readahead for the mount (-o read_ahead, in KiB): by
# default 4096 through /dev/fuse and 1024 over io_uring (where root has
# switched it on, the log saying so), as asked, or the kernel's own 128
# with 0; large files read back whole either way; a value out of range is
# a usage error.  The mount point has a space, as /proc/self/mountinfo
# escapes it.
M6="$T/mnt six"
head -c 3000000 /dev/urandom >"$T/big"
ra() {
	cat "/sys/class/bdi/$(mountpoint -d "$M6")/read_ahead_kb"
}
case $(cat /sys/module/fuse/parameters/enable_uring 2>/dev/null) in
Y | 1) by_default=1024 ;;
*) by_default=4096 ;;
esac
for want in "" 2048 0; do
	mount_fs "$M6" --as alice ${want:+-o read_ahead=$want}
	log6="$T/daemon.$((MOUNT_SEQ - 1)).log"
	ls "$M6" >/dev/null
	if [ "$by_default" = 1024 ]; then
		wait_for "readahead ${want:-default}: over io_uring" 10 \
			grep -q "requests come through io_uring" "$log6"
	else
		check "readahead ${want:-default}: through /dev/fuse" \
			bash -c "! grep -q io_uring '$log6'"
	fi
	if [ ! -w "/sys/class/bdi/$(mountpoint -d "$M6")/read_ahead_kb" ]; then
		skip_check "readahead ${want:-default}: /sys/class/bdi is read-only here"
	else
		case $want in
		"") same "readahead by default: $by_default KiB" "$(ra)" \
			"$by_default" ;;
		0) same "-o read_ahead=0: the kernel's own, 128 KiB" "$(ra)" 128 ;;
		*) same "-o read_ahead=$want: $want KiB" "$(ra)" "$want" ;;
		esac
	fi
	cp "$T/big" "$M6/Sales/documents/big${want}"
	echo 3 >/proc/sys/vm/drop_caches
	check "readahead ${want:-default}: a 3 MB file reads back whole" \
		cmp -s "$T/big" "$M6/Sales/documents/big${want}"
	umount_fs "$M6"
done
rc=0; "$GROUPFS" -f --as alice -o read_ahead=70000 "$GROUPFS_STORE" "$M6" \
	2>"$T/err" || rc=$?
same "-o read_ahead=70000 is a usage error" "$rc" 2
check "naming the range" grep -q "read_ahead must be 0 to 65536" "$T/err"
check "and nothing is mounted" bash -c "! mountpoint -q '$M6'"

# Before a write the kernel asks whether the file has a
# security.capability to remove; the daemon's INIT reply takes that duty
# over (FUSE_HANDLE_KILLPRIV_V2, which libfuse 3.14 cannot ask for), so
# it asks once per file, not before every write (two round trips each).
# The daemon's -d log shows every request, through /dev/fuse or io_uring
# as this machine is set; user.* attributes still answer.
M7=$T/mnt7
mount_fg "$M7" --as alice -d
log7="$T/daemon.$((MOUNT_SEQ - 1)).log"
D7=$M7/Sales/documents
ls "$D7" >/dev/null
asked() { grep -c "opcode: GETXATTR" "$log7" || true; }
before=$(asked)
dd if=/dev/zero of="$D7/w" bs=4k count=64 status=none
dd if=/dev/zero of="$D7/w" bs=4k count=64 oflag=append conv=notrunc \
	status=none
same "128 writes of 4 KiB to one file" "$(stat -c %s "$D7/w")" 524288
same "the kernel asked for its security.capability once" \
	"$(($(asked) - before))" 1
check "a user.* attribute is set" setfattr -n user.k -v v "$D7/w"
same "and read back" "$(getfattr --only-values -n user.k "$D7/w")" v
umount_fs "$M7"

# A store whose master key is wrapped by a passphrase.
P=$T/pstore
printf 'correct horse\n' >"$T/pass"
printf 'wrong horse\n' >"$T/bad"
check "init with a passphrase" "$GROUPCTL" --store "$P" init --passphrase-file "$T/pass"
"$GROUPCTL" --store "$P" account add alice --first A --last B --email a@b.cd --plan pro
"$GROUPCTL" --store "$P" --as alice group create G
rc=0; "$GROUPFS" -f --as alice "$P" "$T/p" 2>"$T/err" || rc=$?
same "a wrapped store needs the passphrase" "$rc" 1
rc=0; "$GROUPFS" -f --as alice --passphrase-file "$T/bad" "$P" "$T/p" 2>"$T/err" || rc=$?
same "a wrong passphrase is refused" "$rc" 1
check "with a clear message" grep -q "wrong passphrase" "$T/err"
GROUPFS_STORE=$P mount_fs "$T/p" --as alice --passphrase-file "$T/pass"
expect OK "the right passphrase mounts it" "$PROBE" write "$T/p/G/documents/f" secret
same "and content reads back" "$(cat "$T/p/G/documents/f")" secret
umount_fs "$T/p"
finish
